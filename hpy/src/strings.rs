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
        if !type_check(obj, crate::ffi::h_UnicodeType) {
            return Err(wrong_type(obj, "str"));
        }
        utf8_str(obj)
    }
}

/// The contents of a handle known to be a `str`, as UTF-8 borrowed for as long as the handle;
/// lone surrogates raise `UnicodeEncodeError`.
#[inline(always)]
pub(crate) fn utf8_str<'a>(obj: &'a Handle<'_>) -> HPyResult<&'a str> {
    let bytes = utf8_bytes(obj)?;
    if crate::runtime::utf8_trusted() {
        // SAFETY: CPython's runtime returns UTF-8 (it refuses lone surrogates).
        Ok(unsafe { std::str::from_utf8_unchecked(bytes) })
    } else {
        std::str::from_utf8(bytes).map_err(|_| encode_error(obj))
    }
}

/// The bytes the runtime holds for a `str` (`HPyUnicode_AsUTF8AndSize`), borrowed for as long
/// as the handle: UTF-8, except on runtimes that return surrogate-encoded bytes for lone
/// surrogates (see `runtime::utf8_trusted`). The caller has checked that `obj` is a `str`.
#[inline(always)]
pub(crate) fn utf8_bytes<'a>(obj: &'a Handle<'_>) -> HPyResult<&'a [u8]> {
    let ctx = obj.ctx();
    let mut len: sys::HPy_ssize_t = 0;
    // SAFETY: `obj` is an open handle to a str. The returned buffer belongs to the object and
    // stays valid and unchanged while the handle is open, which the `'a` borrow guarantees.
    unsafe {
        let data = call!(ctx, ctx_Unicode_AsUTF8AndSize, obj.as_raw(), &mut len);
        if data.is_null() {
            return Err(HPyErr::fetch());
        }
        Ok(std::slice::from_raw_parts(data.cast::<u8>(), len as usize))
    }
}

/// The error for a `str` whose contents are not valid UTF-8 (it has lone surrogates, and the
/// runtime, e.g. PyPy's, returned their surrogate-encoded bytes). Encoding the string strictly
/// raises the `UnicodeEncodeError` CPython raises in that case.
#[cold]
fn encode_error(obj: &Handle<'_>) -> HPyErr {
    let ctx = obj.ctx();
    // SAFETY: `obj` is an open handle to a str; the result is owned or NULL with an exception.
    match unsafe { ctx.own(call!(ctx, ctx_Unicode_AsUTF8String, obj.as_raw())) } {
        Ok(_) => HPyErr::system_error("the runtime returned invalid UTF-8 for a str"),
        Err(e) => e,
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
    let raw = if !crate::runtime::is_cpython() && s.len() < SHORT {
        // PyPy's fastest constructor is `HPyUnicode_FromString` (measured: DecodeASCII costs
        // about 110 ns more per string); short strings get their NUL on the stack.
        new_str_short(ctx, s)
    } else if s.is_ascii() {
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

/// Strings shorter than this are copied to the stack for `HPyUnicode_FromString`.
const SHORT: usize = 256;

#[inline]
fn new_str_short(ctx: Context<'_>, s: &str) -> sys::HPy {
    let bytes = s.as_bytes();
    if bytes.contains(&0) {
        return new_str_non_ascii(ctx, s);
    }
    let mut buf = [0u8; SHORT];
    buf[..bytes.len()].copy_from_slice(bytes);
    // SAFETY: `buf` holds the valid UTF-8 of `s` followed by NUL (len < SHORT, no interior
    // NUL); the call copies it.
    unsafe { call!(ctx, ctx_Unicode_FromString, buf.as_ptr().cast()) }
}

#[inline(never)]
fn new_str_non_ascii(ctx: Context<'_>, s: &str) -> sys::HPy {
    if crate::runtime::fs_utf8() {
        // The file-system codec is UTF-8: for valid UTF-8 (which `s` is) its decoder gives the
        // strict UTF-8 result, straight from pointer and length (no NUL-terminated copy).
        // SAFETY: `s` is `len` bytes of valid UTF-8; the call copies them.
        return unsafe {
            call!(
                ctx,
                ctx_Unicode_DecodeFSDefaultAndSize,
                s.as_ptr().cast(),
                s.len() as sys::HPy_ssize_t
            )
        };
    }
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
