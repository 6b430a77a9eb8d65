//! The CPython-ABI backend of the seam (feature `cpython-abi`): the same functions as the
//! universal backend (`ffi::ctx_Dup(ctx, h)`, `ffi::h_None(ctx)`, ...), implemented with
//! CPython's C API as `pyo3-ffi` declares it, for the interpreter the build was configured for.
//!
//! * A handle is the `PyObject*` itself (`HPy._i`); so are `HPyField` and `HPyGlobal` (each an
//!   owned reference), and the list and tuple builders (the list or tuple being filled).
//! * The context is a token that is never read: a dangling, non-null pointer ([`TOKEN`]), so
//!   that `Context` keeps its one representation on both ABIs (a zero-size context would have
//!   changed every signature above the seam for no gain: the optimiser drops the unused argument
//!   after inlining).
//! * Trampolines call the impl directly (`__private::entry_points`); `call_real` is left only for the
//!   capsule destructor.

use core::ffi::CStr;

use hpy_sys as sys;

pub(crate) use super::AsContext;

// The functions themselves live in `hpy-cpython`, shared with the universal runtime for CPython.
pub(crate) use hpy_cpython::{constants::*, functions, h, module, types};

/// The context token every call receives in the CPython ABI: non-null, never dereferenced.
pub(crate) const TOKEN: *mut sys::HPyContext = core::ptr::NonNull::dangling().as_ptr();

/// Every function is there: nothing to check.
///
/// # Safety
///
/// None; `unsafe` only to match the universal backend.
pub(crate) unsafe fn check_members(
    _ctx: *mut sys::HPyContext,
    _tail: bool,
) -> Result<(), &'static str> {
    Ok(())
}

/// The context's name: `"cpython-abi"`.
pub(crate) fn context_name(_ctx: impl AsContext) -> &'static str {
    "cpython-abi"
}

/// The HPy ABI major version whose API this backend implements.
pub(crate) fn abi_version(_ctx: impl AsContext) -> i32 {
    sys::ABI_VERSION as i32
}

/// What the universal backend's `loader_context` module provides.
pub(crate) mod loader_context {
    use core::ffi::{c_char, c_void};

    use hpy_cpython::pyo3_ffi as py;
    use hpy_sys as sys;

    /// No loader context in the CPython ABI.
    ///
    /// # Safety
    ///
    /// None.
    #[allow(dead_code)]
    pub(crate) unsafe fn set_context(_ctx: *mut sys::HPyContext) -> bool {
        true
    }

    /// Runs a capsule destructor's impl for the capsule CPython is freeing (the one signature
    /// that still goes through here: `PyCapsule_Destructor` receives the capsule only).
    ///
    /// # Safety
    ///
    /// `sig` is `HPyFunc_CAPSULE_DESTRUCTOR`, `func` an `HPyFunc_Capsule_Destructor` and `args`
    /// the capsule being destroyed.
    pub(crate) unsafe fn call_real(
        sig: sys::HPyFunc_Signature,
        func: sys::HPyCFunction,
        args: *mut c_void,
    ) {
        if sig != sys::HPyFunc_Signature::HPyFunc_CAPSULE_DESTRUCTOR {
            return;
        }
        let Some(func) = func else { return };
        type Destructor = unsafe extern "C" fn(*const c_char, *mut c_void, *mut c_void);
        // SAFETY: `func` has the capsule destructor's signature and `args` is the live capsule
        // CPython is destroying (caller's contract).
        unsafe {
            let f: Destructor = core::mem::transmute(func);
            hpy_cpython::functions::run_capsule_destructor(f, args.cast::<py::PyObject>())
        }
    }
}

/// The name of a C string, for messages.
#[allow(dead_code)]
pub(crate) fn name_of(s: &CStr) -> &str {
    s.to_str().unwrap_or("?")
}

/// `HPy_AsPyObject` of the CPython ABI: the handle is the object; a new reference to it.
///
/// # Safety
///
/// `h` is an open handle (a live object); the GIL is held.
#[inline(always)]
pub(crate) unsafe fn as_pyobject(
    _ctx: impl AsContext,
    h: sys::HPy,
) -> *mut hpy_cpython::pyo3_ffi::PyObject {
    let obj = hpy_cpython::o(h);
    // SAFETY: a live object (caller's contract).
    unsafe { hpy_cpython::pyo3_ffi::Py_INCREF(obj) };
    obj
}

/// `HPy_FromPyObject` of the CPython ABI: a new reference, which is the handle.
///
/// # Safety
///
/// `obj` is a live object; the GIL is held.
#[inline(always)]
pub(crate) unsafe fn from_pyobject(
    _ctx: impl AsContext,
    obj: *mut hpy_cpython::pyo3_ffi::PyObject,
) -> sys::HPy {
    // SAFETY: a live object (caller's contract).
    unsafe { hpy_cpython::pyo3_ffi::Py_INCREF(obj) };
    h(obj)
}
