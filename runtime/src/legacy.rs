#![allow(non_snake_case)]

//! The hybrid ABI's context functions: a module's legacy (C API) code and its HPy code share
//! objects through `HPy_AsPyObject` and `HPy_FromPyObject`, and a type with the legacy shape
//! keeps its struct at the start of the object.

use core::ffi::c_void;

use hpy_cpython::pyo3_ffi as py;
use hpy_sys::*;

/// `HPy_FromPyObject(ctx, obj)`: a new handle to `obj` (NULL gives `HPy_NULL`).
///
/// # Safety
///
/// `obj` is NULL or a live object; the GIL is held.
pub unsafe extern "C" fn ctx_FromPyObject(_ctx: *mut HPyContext, obj: *mut cpy_PyObject) -> HPy {
    // SAFETY: a live object or NULL (caller's contract).
    unsafe { py::Py_XINCREF(obj.cast()) };
    HPy { _i: obj as isize }
}

/// `HPy_AsPyObject(ctx, h)`: a new reference to the object of `h` (`HPy_NULL` gives NULL).
///
/// # Safety
///
/// `h` is `HPy_NULL` or an open handle; the GIL is held.
pub unsafe extern "C" fn ctx_AsPyObject(_ctx: *mut HPyContext, h: HPy) -> *mut cpy_PyObject {
    let obj = h._i as *mut py::PyObject;
    // SAFETY: an open handle's object is live (caller's contract).
    unsafe { py::Py_XINCREF(obj) };
    obj.cast()
}

/// `_HPy_AsStruct_Legacy(ctx, h)`: the struct of an instance of a legacy-shaped type, which
/// starts with the object header itself.
///
/// # Safety
///
/// `h` is an open handle.
pub unsafe extern "C" fn ctx_AsStruct_Legacy(_ctx: *mut HPyContext, h: HPy) -> *mut c_void {
    h._i as *mut c_void
}

/// Puts this module's functions into `ctx`.
pub fn fill_context(ctx: &mut HPyContext) {
    ctx.ctx_FromPyObject = Some(ctx_FromPyObject);
    ctx.ctx_AsPyObject = Some(ctx_AsPyObject);
    ctx.ctx_AsStruct_Legacy = Some(ctx_AsStruct_Legacy);
}
