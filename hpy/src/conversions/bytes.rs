//! `&[u8]` (borrowed from a `bytes` object) and `Cow<[u8]>`.

use std::borrow::Cow;

use crate::conversion::wrong_type;
use crate::types::bytes::new_bytes;
use crate::types::Bytes;
use crate::{Context, FromPython, HPyResult, Handle, IntoPython};

impl<'a, 'ctx> FromPython<'a, 'ctx> for &'a [u8] {
    /// Borrows the contents of a `bytes` object without copying.
    #[inline]
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        match <&'a Bytes<'ctx>>::from_python(obj) {
            Ok(b) => Ok(b.as_bytes()),
            Err(_) => Err(wrong_type(obj, "bytes")),
        }
    }
}

impl<'ctx> IntoPython<'ctx> for &[u8] {
    /// A new `bytes` object.
    #[inline]
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        new_bytes(ctx, self)
    }
}

impl<'ctx> IntoPython<'ctx> for Cow<'_, [u8]> {
    /// A new `bytes` object.
    #[inline]
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        new_bytes(ctx, &self)
    }
}
