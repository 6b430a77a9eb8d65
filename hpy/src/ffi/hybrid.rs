//! The hybrid ABI's two context functions, `HPy_AsPyObject` and `HPy_FromPyObject` (feature
//! `hybrid`; in the CPython ABI a handle is the object, see `cpython/`). Kept out of
//! `functions.rs` so that a universal module never requires them of its runtime.

use crate::sys;
use pyo3_ffi::PyObject;

use super::AsContext;

/// `HPy_AsPyObject(ctx, h)`: a new reference to the object of `h`.
///
/// # Safety
///
/// `ctx` is the running call's context and `h` an open handle of it.
#[inline]
pub(crate) unsafe fn as_pyobject(ctx: impl AsContext, h: sys::HPy) -> *mut PyObject {
    let raw = ctx.as_raw_context();
    // SAFETY: `raw` is live (caller's contract); the member sits below the context's tail, where
    // every runtime keeps it at HPy 0.9.0's offset. Every HPy 0.9 runtime fills it (hpy 0.9.0's,
    // PyPy's, hpy_rs_runtime's, and their debug and trace contexts); a NULL one is reported as a
    // fatal error rather than called.
    unsafe {
        match (*raw).ctx_AsPyObject {
            Some(f) => f(raw, h).cast(),
            None => missing(c"HPy_AsPyObject"),
        }
    }
}

/// `HPy_FromPyObject(ctx, obj)`: a new handle to `obj`, which keeps its reference.
///
/// # Safety
///
/// `ctx` is the running call's context and `obj` a live object.
#[inline]
pub(crate) unsafe fn from_pyobject(ctx: impl AsContext, obj: *mut PyObject) -> sys::HPy {
    let raw = ctx.as_raw_context();
    // SAFETY: as in `as_pyobject`.
    unsafe {
        match (*raw).ctx_FromPyObject {
            Some(f) => f(raw, obj.cast()),
            None => missing(c"HPy_FromPyObject"),
        }
    }
}

#[cold]
fn missing(name: &core::ffi::CStr) -> ! {
    panic!(
        "the HPy runtime has no {}: it cannot host hybrid-ABI modules",
        name.to_string_lossy()
    )
}
