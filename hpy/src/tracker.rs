//! `HPyTracker`: a group of handles closed together.

use core::mem::ManuallyDrop;

use crate::sys;
use crate::{Context, HPyErr, HPyResult, Handle};

/// Owns a group of handles and closes them together (`HPyTracker`).
///
/// Rust closes handles on `Drop` anyway, so a tracker is mostly useful to keep a variable number
/// of handles alive for a while and to give them back with [`Tracker::into_handles`] (HPy's
/// `ForgetAll`) when they should live on.
pub struct Tracker<'ctx> {
    ctx: Context<'ctx>,
    raw: sys::HPyTracker,
    handles: Vec<ManuallyDrop<Handle<'ctx>>>,
}

impl<'ctx> Tracker<'ctx> {
    /// A tracker sized for about `size_hint` handles (`HPyTracker_New`).
    pub fn new(ctx: Context<'ctx>, size_hint: usize) -> HPyResult<Self> {
        let hint = sys::HPy_ssize_t::try_from(size_hint).unwrap_or(sys::HPy_ssize_t::MAX);
        // SAFETY: plain call; a zero tracker means MemoryError.
        let raw = unsafe { call!(ctx, ctx_Tracker_New, hint) };
        if raw._i == 0 {
            return Err(HPyErr::fetch());
        }
        Ok(Tracker {
            ctx,
            raw,
            handles: Vec::with_capacity(size_hint),
        })
    }

    /// Takes ownership of `h` (`HPyTracker_Add`) and returns its index. On `MemoryError` the
    /// handle is still owned (and will be closed) by the tracker.
    pub fn add(&mut self, h: Handle<'ctx>) -> HPyResult<usize> {
        let raw = h.as_raw();
        self.handles.push(ManuallyDrop::new(h));
        // SAFETY: the tracker is live and the handle open; the tracker now owns it, even when
        // Add fails.
        let rc = unsafe { call!(self.ctx, ctx_Tracker_Add, self.raw, raw) };
        crate::err::status(rc).map(|()| self.handles.len() - 1)
    }

    /// The handle at `index`, borrowed.
    pub fn get(&self, index: usize) -> Option<&Handle<'ctx>> {
        self.handles.get(index).map(|h| &**h)
    }

    /// The number of handles.
    pub fn len(&self) -> usize {
        self.handles.len()
    }

    /// Whether no handle was added.
    pub fn is_empty(&self) -> bool {
        self.handles.is_empty()
    }

    /// Gives the handles back without closing them (`HPyTracker_ForgetAll`) and frees the
    /// tracker.
    pub fn into_handles(self) -> Vec<Handle<'ctx>> {
        let mut me = ManuallyDrop::new(self);
        // SAFETY: the tracker is live; after ForgetAll, Close frees it without closing the
        // handles, which are handed to the caller.
        unsafe {
            call!(me.ctx, ctx_Tracker_ForgetAll, me.raw);
            call!(me.ctx, ctx_Tracker_Close, me.raw);
        }
        core::mem::take(&mut me.handles)
            .into_iter()
            .map(ManuallyDrop::into_inner)
            .collect()
    }

    /// Closes every handle and frees the tracker (`HPyTracker_Close`; the same as dropping it).
    pub fn close(self) {
        drop(self)
    }
}

impl Drop for Tracker<'_> {
    fn drop(&mut self) {
        // SAFETY: the tracker is live and owns the handles, which are not used again.
        unsafe { call!(self.ctx, ctx_Tracker_Close, self.raw) }
    }
}
