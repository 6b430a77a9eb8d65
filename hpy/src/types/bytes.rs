//! `bytes`: borrowed `&[u8]` views and new `bytes` objects.

use crate::sys;

use crate::{Context, HPyErr, HPyResult, Handle};

typed_handle! {
    /// A handle to a `bytes` object (or a subclass).
    Bytes: is_bytes, "bytes";
}

impl<'ctx> Bytes<'ctx> {
    /// A new `bytes` object holding a copy of `data`.
    pub fn new(ctx: Context<'ctx>, data: &[u8]) -> HPyResult<Self> {
        new_bytes(ctx, data).map(Bytes::new_unchecked)
    }

    /// A new `bytes` object from a NUL-terminated C string, without the NUL
    /// (`HPyBytes_FromString`).
    pub fn from_cstr(ctx: Context<'ctx>, data: &core::ffi::CStr) -> HPyResult<Self> {
        // SAFETY: `data` is NUL-terminated; the result is owned or NULL with an exception set.
        unsafe { ctx.own(call!(ctx, ctx_Bytes_FromString, data.as_ptr())) }
            .map(Bytes::new_unchecked)
    }

    /// The contents, borrowed for as long as the handle (`HPyBytes_AS_STRING`).
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        let ctx = self.ctx();
        // SAFETY: the handle is an open `bytes`; its buffer is immutable and stays valid while
        // the handle is open, which the borrow of `self` guarantees.
        unsafe {
            let data = call!(ctx, ctx_Bytes_AS_STRING, self.as_raw());
            let len = call!(ctx, ctx_Bytes_GET_SIZE, self.as_raw());
            std::slice::from_raw_parts(data.cast::<u8>(), len as usize)
        }
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    /// Whether it is `b""`.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<'ctx> Handle<'ctx> {
    /// The contents of a `bytes` object, borrowed for as long as the handle (`HPyBytes_AsString`
    /// and `HPyBytes_Size`, which check the type); anything else is a `TypeError`.
    pub fn as_bytes(&self) -> HPyResult<&[u8]> {
        let ctx = self.ctx();
        // SAFETY: the handle is open; the checked functions fail with an exception for a
        // non-bytes, and the buffer stays valid while the handle is open.
        unsafe {
            let len = call!(ctx, ctx_Bytes_Size, self.as_raw());
            if len < 0 {
                return Err(HPyErr::fetch());
            }
            let data = call!(ctx, ctx_Bytes_AsString, self.as_raw());
            if data.is_null() {
                return Err(HPyErr::fetch());
            }
            Ok(std::slice::from_raw_parts(data.cast::<u8>(), len as usize))
        }
    }
}

/// A new `bytes` holding a copy of `data`.
pub(crate) fn new_bytes<'ctx>(ctx: Context<'ctx>, data: &[u8]) -> HPyResult<Handle<'ctx>> {
    // SAFETY: `data` is valid for `len` bytes during the call, which copies it.
    unsafe {
        ctx.own(call!(
            ctx,
            ctx_Bytes_FromStringAndSize,
            data.as_ptr().cast(),
            data.len() as sys::HPy_ssize_t
        ))
    }
}
