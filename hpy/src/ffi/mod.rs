//! The one seam between the SDK and the HPy runtime.
//!
//! Everything the crate asks of the runtime goes through this module, and nothing else reads the
//! context table:
//!
//! * one typed `unsafe fn` per context function the crate calls, named after the context member
//!   (`ffi::ctx_Dup(ctx, h)` calls `HPyContext.ctx_Dup`), generated from the rows of
//!   `functions.rs`. Members of the context's tail are read where the running runtime keeps them
//!   (see [`crate::runtime_check`]);
//! * one function per context constant the crate reads (`ffi::h_None(ctx)`), in `constants.rs`;
//! * [`check_members`], run when a module is created, which makes sure every one of those
//!   functions is present in the running runtime's context and otherwise raises `ImportError`
//!   naming the first that is missing, so that a call through the table never finds a NULL.
//!
//! With the feature `cpython-abi`, `cpython/` implements the same functions over CPython's C API
//! (and `__private::entry_points` makes trampolines that call the impls directly); nothing above this
//! module and the trampolines knows which ABI it is built for.

#[cfg(not(feature = "cpython-abi"))]
use core::ffi::CStr;

use crate::sys;

/// What the context functions accept as the context: `Context` (see `context.rs`), or the raw
/// pointer the CPython-side trampolines keep.
///
/// # Safety
///
/// `as_raw_context` must return a live context: the one of the running call, or the one the
/// loader gave the trampolines.
pub(crate) unsafe trait AsContext: Copy {
    /// The raw `HPyContext*` (never read in the CPython ABI).
    #[cfg_attr(feature = "cpython-abi", allow(dead_code))]
    fn as_raw_context(self) -> *mut sys::HPyContext;
}

// SAFETY: only the trampolines pass raw pointers: the context the loader gave them.
unsafe impl AsContext for *mut sys::HPyContext {
    #[inline(always)]
    fn as_raw_context(self) -> *mut sys::HPyContext {
        self
    }
}

#[cfg(not(feature = "cpython-abi"))]
/// Turns rows `ctx_Name(arg: Type, ...) -> Ret;` into typed functions over the context table,
/// and lists the members for [`check_members`].
macro_rules! context_functions {
    ($($name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)?;)*) => {
        $(
            /// Calls the context member of the same name.
            ///
            /// # Safety
            ///
            /// `ctx` must be the context of the running call (or the context the loader gave
            /// the trampolines), a module of this library must have passed [`check_members`]
            /// in it, and the arguments must be valid for the HPy function: open handles of
            /// `ctx` where handles are expected, live pointers where pointers are.
            #[inline(always)]
            pub(crate) unsafe fn $name(ctx: impl $crate::ffi::AsContext, $($arg: $ty),*) $(-> $ret)? {
                let raw = ctx.as_raw_context();
                // SAFETY: `raw` is a live context (caller's contract). The member's address is
                // moved to where the running runtime keeps it; `check_members` found it
                // non-NULL when the module was created, and the arguments are the caller's.
                unsafe {
                    let slot = $crate::ffi::runtime::adjust(
                        ::core::ptr::addr_of!((*raw).$name),
                        ::core::mem::offset_of!($crate::sys::HPyContext, $name),
                    );
                    ((*slot).unwrap_unchecked())(raw, $($arg),*)
                }
            }
        )*

        /// The context functions this crate calls: (name, offset in the bindings' context).
        pub(crate) const MEMBERS: &[(&str, usize)] = &[
            $((stringify!($name), ::core::mem::offset_of!($crate::sys::HPyContext, $name)),)*
        ];
    };
}

#[cfg(not(feature = "cpython-abi"))]
mod constants;
mod constructors;
pub(crate) mod def;
pub(crate) mod extensions;
#[cfg(not(feature = "cpython-abi"))]
mod functions;
#[cfg(all(feature = "hybrid", not(feature = "cpython-abi")))]
mod hybrid;
#[cfg(not(feature = "cpython-abi"))]
pub(crate) mod loader_context;
pub(crate) mod runtime;
#[cfg(all(feature = "hybrid", not(feature = "cpython-abi")))]
pub(crate) use hybrid::{as_pyobject, from_pyobject};

#[cfg(not(feature = "cpython-abi"))]
pub(crate) use constants::*;
pub(crate) use constructors::*;
#[cfg(not(feature = "cpython-abi"))]
pub(crate) use functions::*;

/// The CPython-ABI backend: the same functions over CPython's C API.
#[cfg(feature = "cpython-abi")]
pub(crate) mod cpython;
#[cfg(feature = "cpython-abi")]
pub(crate) use cpython::{
    functions::*,
    types::{class_clear, class_dealloc, class_traverse, clear_fields, tuple_items},
    *,
};

#[cfg(not(feature = "cpython-abi"))]
/// Checks that the running runtime's context has every function this crate calls: those before
/// the context's tail when `tail` is false (they are all that is needed to find out where the
/// tail is), those of the tail when it is true. The name of the first missing one otherwise.
///
/// # Safety
///
/// `ctx` must be a live HPy 0.9 context; with `tail`, the runtime's layout must be known
/// (`runtime::detect` has run).
pub(crate) unsafe fn check_members(
    ctx: *mut sys::HPyContext,
    tail: bool,
) -> Result<(), &'static str> {
    for &(name, offset) in functions::MEMBERS {
        if (offset >= sys::TAIL_START) != tail {
            continue;
        }
        let slot = ctx.cast::<u8>().wrapping_add(offset).cast::<usize>();
        let slot = crate::ffi::runtime::adjust(slot, offset);
        // SAFETY: `offset` is that of a function-pointer member of an HPy 0.9 context, adjusted to
        // the running runtime's layout; the context is live (caller's contract).
        if unsafe { slot.read() } == 0 {
            return Err(name);
        }
    }
    Ok(())
}

#[cfg(not(feature = "cpython-abi"))]
/// The context's name (`HPyContext.name`), or `""`.
pub(crate) fn context_name(ctx: impl AsContext) -> &'static str {
    // SAFETY: `name` is a static NUL-terminated string owned by the runtime, or NULL; the context
    // is live (`AsContext`).
    unsafe {
        let name = (*ctx.as_raw_context()).name;
        if name.is_null() {
            ""
        } else {
            CStr::from_ptr(name).to_str().unwrap_or("")
        }
    }
}

#[cfg(not(feature = "cpython-abi"))]
/// The ABI major version the runtime implements (`HPyContext.abi_version`).
pub(crate) fn abi_version(ctx: impl AsContext) -> i32 {
    // SAFETY: reading a plain field of the live context (`AsContext`).
    unsafe { (*ctx.as_raw_context()).abi_version }
}

#[cfg(all(test, not(feature = "cpython-abi")))]
mod tests {
    use super::{check_members, functions::MEMBERS};
    use crate::sys;

    /// A context whose used members are all set (to a non-NULL value that is never called),
    /// except `missing`.
    fn context_without(missing: Option<&str>) -> Box<sys::HPyContext> {
        let mut ctx = Box::new(sys::HPyContext::default());
        let base = (&raw mut *ctx).cast::<u8>();
        for &(name, offset) in MEMBERS {
            if Some(name) != missing {
                // SAFETY: `offset` is that of a pointer-sized member of the boxed context.
                unsafe { base.add(offset).cast::<usize>().write(1) };
            }
        }
        ctx
    }

    #[test]
    fn finds_the_first_missing_function() {
        let mut empty = Box::new(sys::HPyContext::default());
        // SAFETY: a live (zeroed) context of this layout; the tail shift is 0 in unit tests.
        let found = unsafe { check_members(&raw mut *empty, false) };
        assert_eq!(found, Err("ctx_Dup"));
        for tail in [false, true] {
            let mut full = context_without(None);
            // SAFETY: as above.
            assert_eq!(unsafe { check_members(&raw mut *full, tail) }, Ok(()));
        }
        let mut ctx = context_without(Some("ctx_Type_GetName"));
        // SAFETY: as above.
        unsafe {
            assert_eq!(check_members(&raw mut *ctx, false), Ok(()));
            assert_eq!(check_members(&raw mut *ctx, true), Err("ctx_Type_GetName"));
        }
    }
}
