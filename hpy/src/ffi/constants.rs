//! The context's constant handles (`h_None`, `h_TypeError`, ...) that this crate reads, one
//! function each, named after the context member. The handles are borrowed from the context:
//! never close them.

#![allow(non_snake_case)]

use super::AsContext;
use crate::sys;

/// Turns member names into functions returning the constant.
macro_rules! context_constants {
    ($($name:ident),* $(,)?) => {
        $(
            #[doc = concat!("The context's `", stringify!($name), "` (borrowed).")]
            #[inline(always)]
            pub(crate) fn $name(ctx: impl AsContext) -> sys::HPy {
                // SAFETY: the context is live (`AsContext`), and its constant members are set
                // before any module code runs and never change.
                unsafe { (*ctx.as_raw_context()).$name }
            }
        )*
    };
}

context_constants!(
    h_None,
    h_True,
    h_False,
    h_NotImplemented,
    h_Ellipsis,
    h_BaseException,
    h_Exception,
    h_StopAsyncIteration,
    h_StopIteration,
    h_GeneratorExit,
    h_ArithmeticError,
    h_LookupError,
    h_AssertionError,
    h_AttributeError,
    h_BufferError,
    h_EOFError,
    h_FloatingPointError,
    h_OSError,
    h_ImportError,
    h_ModuleNotFoundError,
    h_IndexError,
    h_KeyError,
    h_KeyboardInterrupt,
    h_MemoryError,
    h_NameError,
    h_OverflowError,
    h_RuntimeError,
    h_RecursionError,
    h_NotImplementedError,
    h_SyntaxError,
    h_IndentationError,
    h_TabError,
    h_ReferenceError,
    h_SystemError,
    h_SystemExit,
    h_TypeError,
    h_UnboundLocalError,
    h_UnicodeError,
    h_UnicodeEncodeError,
    h_UnicodeDecodeError,
    h_UnicodeTranslateError,
    h_ValueError,
    h_ZeroDivisionError,
    h_BlockingIOError,
    h_BrokenPipeError,
    h_ChildProcessError,
    h_ConnectionError,
    h_ConnectionAbortedError,
    h_ConnectionRefusedError,
    h_ConnectionResetError,
    h_FileExistsError,
    h_FileNotFoundError,
    h_InterruptedError,
    h_IsADirectoryError,
    h_NotADirectoryError,
    h_PermissionError,
    h_ProcessLookupError,
    h_TimeoutError,
    h_Warning,
    h_UserWarning,
    h_DeprecationWarning,
    h_PendingDeprecationWarning,
    h_SyntaxWarning,
    h_RuntimeWarning,
    h_FutureWarning,
    h_ImportWarning,
    h_UnicodeWarning,
    h_BytesWarning,
    h_ResourceWarning,
    h_BaseObjectType,
    h_TypeType,
    h_BoolType,
    h_LongType,
    h_FloatType,
    h_UnicodeType,
    h_TupleType,
    h_ListType,
    h_ComplexType,
    h_BytesType,
    h_MemoryViewType,
    h_CapsuleType,
    h_SliceType,
    h_Builtins,
);
