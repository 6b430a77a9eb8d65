//! Owned handles.

use core::mem::ManuallyDrop;

use crate::sys;
use crate::Context;

/// An owned HPy handle to a Python object, valid for the call of its [`Context`].
///
/// * `Drop` closes the handle (`HPy_Close`); [`Clone`] duplicates it (`HPy_Dup`).
/// * It is not `Copy`, so a handle cannot be used after it was consumed (by [`Handle::close`],
///   [`Handle::into_raw`], or by being returned).
/// * Arguments of an `#[hpy_method]` arrive as `&Handle<'ctx>`: borrowed from the caller and never
///   closed. Call `.clone()` to get an owned handle of your own.
///
/// A `Handle` is never the NULL handle.
pub struct Handle<'ctx> {
    raw: sys::HPy,
    ctx: Context<'ctx>,
}

impl<'ctx> Handle<'ctx> {
    /// Takes ownership of a raw handle.
    ///
    /// # Safety
    ///
    /// `raw` must be an open, non-NULL handle of `ctx` that the caller owns; the returned value
    /// closes it when dropped.
    #[inline(always)]
    pub unsafe fn from_raw(ctx: Context<'ctx>, raw: sys::HPy) -> Self {
        debug_assert!(raw._i != 0, "Handle::from_raw with HPy_NULL");
        Handle { raw, ctx }
    }

    /// Wraps a handle this code does not own (an argument of the call): it is never closed.
    ///
    /// # Safety
    ///
    /// `raw` must be an open, non-NULL handle of `ctx` that stays valid for the call.
    #[inline(always)]
    pub(crate) unsafe fn borrowed(ctx: Context<'ctx>, raw: sys::HPy) -> ManuallyDrop<Self> {
        // SAFETY: forwarded from the caller; ManuallyDrop keeps it from being closed.
        ManuallyDrop::new(unsafe { Handle::from_raw(ctx, raw) })
    }

    /// The raw handle, still owned by `self`.
    #[inline(always)]
    pub fn as_raw(&self) -> sys::HPy {
        self.raw
    }

    /// Gives up ownership: returns the raw handle without closing it.
    #[inline(always)]
    pub fn into_raw(self) -> sys::HPy {
        ManuallyDrop::new(self).raw
    }

    /// The context this handle belongs to.
    #[inline(always)]
    pub fn ctx(&self) -> Context<'ctx> {
        self.ctx
    }

    /// Closes the handle now (the same as dropping it).
    #[inline]
    pub fn close(self) {
        drop(self)
    }
}

/// The raw handle of an optional argument: `HPy_NULL` for `None` (the handle stays owned by the
/// caller).
#[inline(always)]
pub(crate) fn raw_or_null(h: Option<&Handle<'_>>) -> sys::HPy {
    h.map_or(sys::HPy_NULL, Handle::as_raw)
}

impl Drop for Handle<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        // SAFETY: `self` owns the open handle and is never used again.
        unsafe { call!(self.ctx, ctx_Close, self.raw) }
    }
}

impl Clone for Handle<'_> {
    #[inline(always)]
    fn clone(&self) -> Self {
        // SAFETY: the handle is open; `Dup` returns a new owned handle to the same object.
        unsafe { Handle::from_raw(self.ctx, call!(self.ctx, ctx_Dup, self.raw)) }
    }
}

impl core::fmt::Debug for Handle<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.repr() {
            Ok(r) => match r.extract::<&str>() {
                Ok(s) => f.write_str(s),
                Err(e) => {
                    e.discard(self.ctx);
                    f.write_str("<unprintable>")
                }
            },
            Err(e) => {
                e.discard(self.ctx);
                write!(f, "<{} object>", self.type_name())
            }
        }
    }
}
