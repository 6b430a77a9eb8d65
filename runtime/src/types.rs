//! HPy types in the universal runtime (work in progress: see the runtime issue).

use core::ffi::{c_int, c_void};

use hpy_sys::*;

/// Puts the type functions of the runtime into `ctx` (the CPython ABI's stay for now).
pub fn fill_context(_ctx: &mut HPyContext) {}

/// Runs an HPy `tp_traverse` impl for the object `obj` with CPython's visitor.
///
/// # Safety
///
/// `obj` is a live instance of a type whose traverse impl is `f`.
pub unsafe fn traverse_with(
    _f: unsafe extern "C" fn(*mut c_void, HPyFunc_visitproc, *mut c_void) -> c_int,
    _obj: *mut c_void,
    _visit: cpy_visitproc,
    _arg: *mut c_void,
) -> c_int {
    0
}
