//! Conversions between Python `str` and Rust strings.

use std::borrow::Cow;

use crate::convert::{type_check, wrong_type};
use crate::sys;
use crate::{Context, FromPython, HPyErr, HPyResult, Handle, IntoPython};

impl<'a, 'ctx> FromPython<'a, 'ctx> for &'a str {
    /// Borrows the UTF-8 contents of a `str` without copying; the view lives as long as the
    /// borrow of the handle. A `str` with lone surrogates raises `UnicodeEncodeError`.
    #[inline]
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        if !type_check(obj, |c| c.h_UnicodeType) {
            return Err(wrong_type(obj, "str"));
        }
        let ctx = obj.ctx();
        let mut len: sys::HPy_ssize_t = 0;
        // SAFETY: `obj` is an open handle to a str. The returned buffer belongs to the object and
        // stays valid and unchanged while the handle is open, which the `'a` borrow guarantees.
        // The runtime returns valid UTF-8 (it refuses lone surrogates).
        unsafe {
            let data = call!(ctx, ctx_Unicode_AsUTF8AndSize, obj.as_raw(), &mut len);
            if data.is_null() {
                return Err(HPyErr::fetch());
            }
            let bytes = std::slice::from_raw_parts(data.cast::<u8>(), len as usize);
            Ok(std::str::from_utf8_unchecked(bytes))
        }
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

/// Creates a `str` from UTF-8 with the cheapest call the ABI offers for it.
#[inline]
pub(crate) fn new_str<'ctx>(ctx: Context<'ctx>, s: &str) -> HPyResult<Handle<'ctx>> {
    let raw = if s.is_ascii() {
        // SAFETY: `s` is `len` bytes of ASCII; DecodeASCII copies them.
        unsafe {
            call!(
                ctx,
                ctx_Unicode_DecodeASCII,
                s.as_ptr().cast(),
                s.len() as sys::HPy_ssize_t,
                std::ptr::null()
            )
        }
    } else {
        new_str_non_ascii(ctx, s)
    };
    // SAFETY: the result is a new handle or NULL with an exception set.
    unsafe { ctx.own(raw) }
}

#[inline(never)]
fn new_str_non_ascii(ctx: Context<'_>, s: &str) -> sys::HPy {
    if !s.as_bytes().contains(&0) {
        // No interior NUL: the runtime's UTF-8 decoder on a NUL-terminated copy.
        // SAFETY: `p` is NUL-terminated valid UTF-8 for the duration of the call.
        let made = crate::cstr::with_cstr(s, |p| unsafe { call!(ctx, ctx_Unicode_FromString, p) });
        if let Ok(raw) = made {
            return raw;
        }
    }
    // Interior NUL characters: go through UTF-32 (`wchar_t` is 32 bits on the supported targets).
    let wide: Vec<sys::wchar_t> = s.chars().map(|c| c as sys::wchar_t).collect();
    // SAFETY: `wide` holds `len` code points for the duration of the call.
    unsafe {
        call!(
            ctx,
            ctx_Unicode_FromWideChar,
            wide.as_ptr(),
            wide.len() as sys::HPy_ssize_t
        )
    }
}

const _: () = assert!(std::mem::size_of::<sys::wchar_t>() == 4);

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
