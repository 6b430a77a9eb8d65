//! The context constants of `../constants.rs` in the CPython ABI: CPython's singletons,
//! exception types and built-in types (borrowed, never closed), and the builtins dict.

#![allow(non_snake_case)]

use hpy_sys as sys;
use pyo3_ffi as py;

use crate::h;

/// `h_X` → the object an expression gives.
macro_rules! cpython_constants {
    ($($name:ident = $e:expr;)*) => {$(
        #[doc = concat!("The CPython-ABI `", stringify!($name), "` (borrowed).")]
        #[inline(always)]
        pub fn $name(_ctx: impl Copy) -> sys::HPy {
            #[allow(unused_unsafe)]
            // SAFETY: reading CPython's static objects (set up before any extension runs).
            h(unsafe { $e })
        }
    )*

        /// Puts every constant into `ctx` (CPython's objects, borrowed: they live as long as
        /// the interpreter).
        ///
        /// # Safety
        ///
        /// The interpreter is initialised and the GIL held.
        pub unsafe fn fill_context(ctx: &mut sys::HPyContext) {
            $(ctx.$name = $name(());)*
        }
    };
}

cpython_constants! {
    h_None = py::Py_None();
    h_True = py::Py_True();
    h_False = py::Py_False();
    h_NotImplemented = py::Py_NotImplemented();
    h_Ellipsis = py::Py_Ellipsis();
    h_BaseException = py::PyExc_BaseException;
    h_Exception = py::PyExc_Exception;
    h_StopAsyncIteration = py::PyExc_StopAsyncIteration;
    h_StopIteration = py::PyExc_StopIteration;
    h_GeneratorExit = py::PyExc_GeneratorExit;
    h_ArithmeticError = py::PyExc_ArithmeticError;
    h_LookupError = py::PyExc_LookupError;
    h_AssertionError = py::PyExc_AssertionError;
    h_AttributeError = py::PyExc_AttributeError;
    h_BufferError = py::PyExc_BufferError;
    h_EOFError = py::PyExc_EOFError;
    h_FloatingPointError = py::PyExc_FloatingPointError;
    h_OSError = py::PyExc_OSError;
    h_ImportError = py::PyExc_ImportError;
    h_ModuleNotFoundError = py::PyExc_ModuleNotFoundError;
    h_IndexError = py::PyExc_IndexError;
    h_KeyError = py::PyExc_KeyError;
    h_KeyboardInterrupt = py::PyExc_KeyboardInterrupt;
    h_MemoryError = py::PyExc_MemoryError;
    h_NameError = py::PyExc_NameError;
    h_OverflowError = py::PyExc_OverflowError;
    h_RuntimeError = py::PyExc_RuntimeError;
    h_RecursionError = py::PyExc_RecursionError;
    h_NotImplementedError = py::PyExc_NotImplementedError;
    h_SyntaxError = py::PyExc_SyntaxError;
    h_IndentationError = py::PyExc_IndentationError;
    h_TabError = py::PyExc_TabError;
    h_ReferenceError = py::PyExc_ReferenceError;
    h_SystemError = py::PyExc_SystemError;
    h_SystemExit = py::PyExc_SystemExit;
    h_TypeError = py::PyExc_TypeError;
    h_UnboundLocalError = py::PyExc_UnboundLocalError;
    h_UnicodeError = py::PyExc_UnicodeError;
    h_UnicodeEncodeError = py::PyExc_UnicodeEncodeError;
    h_UnicodeDecodeError = py::PyExc_UnicodeDecodeError;
    h_UnicodeTranslateError = py::PyExc_UnicodeTranslateError;
    h_ValueError = py::PyExc_ValueError;
    h_ZeroDivisionError = py::PyExc_ZeroDivisionError;
    h_BlockingIOError = py::PyExc_BlockingIOError;
    h_BrokenPipeError = py::PyExc_BrokenPipeError;
    h_ChildProcessError = py::PyExc_ChildProcessError;
    h_ConnectionError = py::PyExc_ConnectionError;
    h_ConnectionAbortedError = py::PyExc_ConnectionAbortedError;
    h_ConnectionRefusedError = py::PyExc_ConnectionRefusedError;
    h_ConnectionResetError = py::PyExc_ConnectionResetError;
    h_FileExistsError = py::PyExc_FileExistsError;
    h_FileNotFoundError = py::PyExc_FileNotFoundError;
    h_InterruptedError = py::PyExc_InterruptedError;
    h_IsADirectoryError = py::PyExc_IsADirectoryError;
    h_NotADirectoryError = py::PyExc_NotADirectoryError;
    h_PermissionError = py::PyExc_PermissionError;
    h_ProcessLookupError = py::PyExc_ProcessLookupError;
    h_TimeoutError = py::PyExc_TimeoutError;
    h_Warning = py::PyExc_Warning;
    h_UserWarning = py::PyExc_UserWarning;
    h_DeprecationWarning = py::PyExc_DeprecationWarning;
    h_PendingDeprecationWarning = py::PyExc_PendingDeprecationWarning;
    h_SyntaxWarning = py::PyExc_SyntaxWarning;
    h_RuntimeWarning = py::PyExc_RuntimeWarning;
    h_FutureWarning = py::PyExc_FutureWarning;
    h_ImportWarning = py::PyExc_ImportWarning;
    h_UnicodeWarning = py::PyExc_UnicodeWarning;
    h_BytesWarning = py::PyExc_BytesWarning;
    h_ResourceWarning = py::PyExc_ResourceWarning;
    h_BaseObjectType = (&raw mut py::PyBaseObject_Type).cast();
    h_TypeType = (&raw mut py::PyType_Type).cast();
    h_BoolType = (&raw mut py::PyBool_Type).cast();
    h_LongType = (&raw mut py::PyLong_Type).cast();
    h_FloatType = (&raw mut py::PyFloat_Type).cast();
    h_UnicodeType = (&raw mut py::PyUnicode_Type).cast();
    h_TupleType = (&raw mut py::PyTuple_Type).cast();
    h_ListType = (&raw mut py::PyList_Type).cast();
    h_ComplexType = (&raw mut py::PyComplex_Type).cast();
    h_BytesType = (&raw mut py::PyBytes_Type).cast();
    h_MemoryViewType = (&raw mut py::PyMemoryView_Type).cast();
    h_CapsuleType = (&raw mut py::PyCapsule_Type).cast();
    h_SliceType = (&raw mut py::PySlice_Type).cast();
    // HPy's `h_Builtins` is the builtins dict on CPython.
    h_Builtins = py::PyEval_GetBuiltins();
}
