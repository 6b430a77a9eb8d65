//! What a runtime offers beyond HPy 0.9's context, found once per process.
//!
//! hpy-rs's own universal runtime for CPython marks its context's name with
//! `sys::hpy_rs::RUNTIME_MARK` and points `_private` to a `sys::hpy_rs::Extensions` table; the
//! CPython ABI has the same functions built in. Every other runtime (hpy 0.9.0's, PyPy's) has
//! none of them, and callers fall back to HPy 0.9's API.

use crate::sys;

#[cfg(not(feature = "cpython-abi"))]
mod universal {
    use core::sync::atomic::{AtomicUsize, Ordering};

    use super::sys;
    use crate::ffi::AsContext;

    /// `DictNext`'s address once looked up; [`NONE`] when the runtime has none, [`UNKNOWN`] before.
    static DICT_NEXT: AtomicUsize = AtomicUsize::new(UNKNOWN);
    const UNKNOWN: usize = 1;
    const NONE: usize = 0;

    /// The extension table of the running runtime, if it is hpy-rs's.
    ///
    /// # Safety
    ///
    /// `ctx` is a live HPy context.
    unsafe fn table(ctx: *mut sys::HPyContext) -> Option<&'static sys::hpy_rs::Extensions> {
        // SAFETY: `name` is NULL or a static NUL-terminated string of the runtime; `_private`
        // is the runtime's own word, read as the table only when the name says it is one, and
        // the magic and size are checked before a member is trusted.
        unsafe {
            let name = (*ctx).name;
            if name.is_null() {
                return None;
            }
            let name = core::ffi::CStr::from_ptr(name).to_str().ok()?;
            if !name.contains(sys::hpy_rs::RUNTIME_MARK) {
                return None;
            }
            let table = (*ctx)._private.cast::<sys::hpy_rs::Extensions>();
            let table = table.as_ref()?;
            (table.magic == sys::hpy_rs::MAGIC).then_some(table)
        }
    }

    /// The runtime's `ctx_Dict_Next`, if it has one.
    #[inline]
    pub(crate) fn dict_next(ctx: impl AsContext) -> Option<sys::hpy_rs::DictNext> {
        let mut found = DICT_NEXT.load(Ordering::Relaxed);
        if found == UNKNOWN {
            // SAFETY: `ctx` is a live context (`AsContext`).
            let member = unsafe { table(ctx.as_raw_context()) }.and_then(|t| {
                let end = core::mem::offset_of!(sys::hpy_rs::Extensions, ctx_Dict_Next)
                    + core::mem::size_of::<usize>();
                if t.size >= end {
                    t.ctx_Dict_Next
                } else {
                    None
                }
            });
            found = member.map_or(NONE, |f| f as usize);
            DICT_NEXT.store(found, Ordering::Relaxed);
        }
        if found == NONE {
            None
        } else {
            // SAFETY: a `DictNext` stored above (function pointers round-trip through usize).
            Some(unsafe { core::mem::transmute::<usize, sys::hpy_rs::DictNext>(found) })
        }
    }
}

#[cfg(not(feature = "cpython-abi"))]
pub(crate) use universal::dict_next;

/// The CPython ABI's `PyDict_Next` with new references, always there.
#[cfg(feature = "cpython-abi")]
#[inline(always)]
pub(crate) fn dict_next(_ctx: impl crate::ffi::AsContext) -> Option<sys::hpy_rs::DictNext> {
    Some(hpy_cpython::functions::ctx_Dict_Next)
}
