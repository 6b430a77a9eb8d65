//! The hybrid ABI: HPy code and legacy (CPython C-API) code in one module.
//!
//! HPy 0.9 lets a module built for the *hybrid* ABI (`cargo hpy build --abi hybrid`, feature
//! `hybrid`, a `<module>.hpy0-<tag>.so` tied to one interpreter) reach the `PyObject*` behind a
//! handle and back, and add functions written against the C API. This module offers that:
//!
//! * [`Handle::as_pyobject`] (`HPy_AsPyObject`) and [`Context::from_pyobject`]
//!   (`HPy_FromPyObject`), both giving new references;
//! * `MethodDef`, a `PyMethodDef` built safely, and `add_methods`, which adds a table of them
//!   to a module from its `#[hpy_exec]` hook (the hybrid ABI's "legacy methods");
//! * with the feature `pyo3`, `hpy::pyo3`: PyO3 objects, the `Python` token and PyO3
//!   functions and classes in an `#[hpy_module]`.
//!
//! In a CPython-ABI build (feature `cpython-abi`) all of it works too: a handle is the
//! `PyObject*` there. In a universal build (the default) there is no `PyObject*`: the
//! conversions are a compile error that names the hybrid ABI (the bound [`HybridAbi`]).
//!
//! The legacy half runs on the interpreter's C API: on CPython directly, on PyPy through
//! `cpyext` (slower than its HPy; see the guide's "Porting a PyO3 module"), and HPy's debug mode
//! checks the HPy half only.

#[cfg(not(any(feature = "hybrid", feature = "cpython-abi")))]
use core::marker::PhantomData;

use crate::{Context, HPyResult, Handle};

#[cfg(any(feature = "hybrid", feature = "cpython-abi"))]
mod methods;
#[cfg(any(feature = "hybrid", feature = "cpython-abi"))]
pub use methods::{add_methods, MethodDef};

/// CPython's `PyObject`, as `pyo3-ffi` declares it for the interpreter the build is for.
#[cfg(any(feature = "hybrid", feature = "cpython-abi"))]
pub type PyObject = py::PyObject;

/// CPython's `PyObject`; a universal build has no C API, so this is an opaque stand-in that no
/// function accepts.
#[cfg(not(any(feature = "hybrid", feature = "cpython-abi")))]
#[repr(C)]
pub struct PyObject {
    _opaque: [u8; 0],
    _not_send: PhantomData<*mut ()>,
}

#[cfg(feature = "cpython-abi")]
pub(crate) use hpy_cpython::pyo3_ffi as py;
#[cfg(all(feature = "hybrid", not(feature = "cpython-abi")))]
pub(crate) use pyo3_ffi as py;

/// Met by [`Context`] in the builds that have `PyObject*`s: the hybrid ABI (feature `hybrid`,
/// `cargo hpy build --abi hybrid`) and the CPython ABI (`--abi cpython`). The bound of
/// [`Handle::as_pyobject`] and [`Context::from_pyobject`]; in a universal build the compiler
/// reports it unmet with a message naming the hybrid ABI.
#[diagnostic::on_unimplemented(
    message = "`as_pyobject`/`from_pyobject` need the hybrid ABI: a universal module has no `PyObject*`",
    label = "a universal build (the default) cannot reach the C API",
    note = "build with `cargo hpy build --abi hybrid` (feature `hpy/hybrid`, a `<module>.hpy0-<tag>.so` for one interpreter) or `--abi cpython`"
)]
pub trait HybridAbi: sealed::Sealed {}

mod sealed {
    /// Keeps [`super::HybridAbi`] to this crate's impl.
    pub trait Sealed {}
}

#[cfg(any(feature = "hybrid", feature = "cpython-abi"))]
impl sealed::Sealed for Context<'_> {}
#[cfg(any(feature = "hybrid", feature = "cpython-abi"))]
impl HybridAbi for Context<'_> {}

impl<'ctx> Handle<'ctx> {
    /// The object of this handle as a `PyObject*`, a **new reference** the caller must release
    /// (`Py_DECREF`, or hand it to something that steals it, such as PyO3's
    /// `Bound::from_owned_ptr`). Never NULL.
    ///
    /// Wraps `HPy_AsPyObject` in the hybrid ABI; in the CPython ABI the handle is the object and
    /// this is `Py_INCREF`. A universal build refuses it at compile time (see [`HybridAbi`]).
    #[inline]
    pub fn as_pyobject(&self) -> *mut PyObject
    where
        Context<'ctx>: HybridAbi,
    {
        #[cfg(any(feature = "hybrid", feature = "cpython-abi"))]
        {
            // SAFETY: `self` is an open handle of its context (type invariant).
            unsafe { crate::ffi::as_pyobject(self.ctx(), self.as_raw()) }
        }
        #[cfg(not(any(feature = "hybrid", feature = "cpython-abi")))]
        {
            unreachable!("HybridAbi has no impl in a universal build")
        }
    }
}

impl<'ctx> Context<'ctx> {
    /// A new handle to the object `obj` (`HPy_FromPyObject`; in the CPython ABI `Py_INCREF`).
    /// `obj` stays the caller's: its reference is not stolen. A NULL `obj` stands for the
    /// exception the C-API call that gave it set (a `SystemError` when none is).
    ///
    /// # Safety
    ///
    /// `obj` must be NULL or a live object of the running interpreter, and this thread must be
    /// in the call of this context (which holds the GIL).
    #[inline]
    pub unsafe fn from_pyobject(self, obj: *mut PyObject) -> HPyResult<Handle<'ctx>>
    where
        Self: HybridAbi,
    {
        #[cfg(any(feature = "hybrid", feature = "cpython-abi"))]
        {
            if obj.is_null() {
                // `restore` turns "no exception set" into a SystemError.
                return Err(crate::HPyErr::fetch());
            }
            // SAFETY: a live object (caller's contract); the result is a new handle we own.
            unsafe { Ok(Handle::from_raw(self, crate::ffi::from_pyobject(self, obj))) }
        }
        #[cfg(not(any(feature = "hybrid", feature = "cpython-abi")))]
        {
            let _ = obj;
            unreachable!("HybridAbi has no impl in a universal build")
        }
    }
}
