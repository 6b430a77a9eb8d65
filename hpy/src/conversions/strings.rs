//! Conversions between Python `str` and Rust strings.

use std::borrow::Cow;

use crate::conversion::{type_check, wrong_type};
use crate::types::str::new_str;
use crate::types::str::utf8_str;
use crate::types::Str;
use crate::{Context, FromPython, HPyErr, HPyResult, Handle, IntoPython};
use core::ffi::CStr;

impl<'a, 'ctx> FromPython<'a, 'ctx> for &'a str {
    /// Borrows the UTF-8 contents of a `str` without copying; the view lives as long as the
    /// borrow of the handle. A `str` with lone surrogates raises `UnicodeEncodeError`.
    #[inline]
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        if !type_check(obj, crate::ffi::h_UnicodeType) {
            return Err(wrong_type(obj, "str"));
        }
        utf8_str(obj)
    }
}

impl<'a, 'ctx> FromPython<'a, 'ctx> for String {
    #[inline]
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        <&str>::from_python(obj).map(str::to_owned)
    }
}

impl<'a, 'ctx> FromPython<'a, 'ctx> for char {
    /// A `str` of length 1.
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        let s = <&str>::from_python(obj)?;
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Ok(c),
            _ => Err(HPyErr::value_error(format!(
                "expected a string of length 1, not length {}",
                s.chars().count()
            ))),
        }
    }
}

impl<'ctx> IntoPython<'ctx> for &str {
    #[inline]
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        new_str(ctx, self)
    }
}

impl<'ctx> IntoPython<'ctx> for String {
    #[inline]
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        new_str(ctx, &self)
    }
}

impl<'ctx> IntoPython<'ctx> for &String {
    #[inline]
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        new_str(ctx, self)
    }
}

impl<'ctx> IntoPython<'ctx> for Cow<'_, str> {
    #[inline]
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        new_str(ctx, &self)
    }
}

impl<'ctx> IntoPython<'ctx> for char {
    #[inline]
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        new_str(ctx, self.encode_utf8(&mut [0; 4]))
    }
}

impl<'ctx> IntoPython<'ctx> for &CStr {
    /// A `str` from UTF-8 (`HPyUnicode_FromString`).
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        Str::from_cstr(ctx, self).map(Handle::from)
    }
}
