//! The context of the CPython-side trampolines.
//!
//! A function of an HPy module is called by CPython through a trampoline compiled into the
//! extension, which knows no context: it hands the call back to the runtime with
//! `ctx_CallRealFunctionFromTrampoline` on the context the loader gave the library
//! (`HPyInitGlobalContext_<module>`), kept here. Each extension links its own copy of this crate,
//! so each library has its own.

use core::sync::atomic::{AtomicPtr, Ordering};

use crate::sys;

/// The context the loader handed the library first.
static CONTEXT: AtomicPtr<sys::HPyContext> = AtomicPtr::new(core::ptr::null_mut());

/// Keeps the loader's context. The first one stays: a later load of the library into another
/// context (another HPy mode) must not switch the modules already made to it. Returns false for
/// such a second, different context (the caller refuses that load).
///
/// # Safety
///
/// `ctx` must be the context the HPy loader passes to `HPyInitGlobalContext_<module>`.
pub(crate) unsafe fn set_context(ctx: *mut sys::HPyContext) -> bool {
    match CONTEXT.compare_exchange(
        core::ptr::null_mut(),
        ctx,
        Ordering::AcqRel,
        Ordering::Acquire,
    ) {
        Ok(_) => true,
        Err(first) => first == ctx,
    }
}

/// Passes a call from a trampoline to the runtime.
///
/// # Safety
///
/// `args` must point to the `_HPyFunc_args_<SIG>` struct that matches `sig` and `func`.
#[inline(always)]
pub(crate) unsafe fn call_real(
    sig: sys::HPyFunc_Signature,
    func: sys::HPyCFunction,
    args: *mut core::ffi::c_void,
) {
    let ctx = CONTEXT.load(Ordering::Acquire);
    // SAFETY: the loader stored the context before any trampoline can run; forwarded contract.
    unsafe { super::ctx_CallRealFunctionFromTrampoline(ctx, sig, func, args) }
}
