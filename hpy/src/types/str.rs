//! `str` operations: borrowed views, encoders, decoders, characters and substrings.

use core::ffi::CStr;

use crate::cstr::with_cstr;
use crate::sys;
use crate::types::{expect_type, Bytes};
use crate::{Context, HPyErr, HPyResult, Handle};

typed_handle! {
    /// A handle to a `str` (or a subclass).
    Str: is_str, "str";
}

/// Calls `f` with a NUL-terminated copy of `s`, or NULL for `None`.
fn with_opt_cstr<R>(
    s: Option<&str>,
    f: impl FnOnce(*const core::ffi::c_char) -> R,
) -> HPyResult<R> {
    match s {
        None => Ok(f(core::ptr::null())),
        Some(s) => with_cstr(s, f),
    }
}

macro_rules! decoders {
    ($($(#[$doc:meta])* $name:ident => $slot:ident $(, $extra:expr)?;)*) => {
        impl<'ctx> Str<'ctx> {$(
            $(#[$doc])*
            pub fn $name(ctx: Context<'ctx>, data: &[u8]) -> HPyResult<Self> {
                // SAFETY: `data` is valid for its length during the call, which copies it; the
                // result is owned or NULL with an exception set.
                unsafe {
                    ctx.own(call!(
                        ctx,
                        $slot,
                        data.as_ptr().cast(),
                        data.len() as sys::HPy_ssize_t
                        $(, $extra)?
                    ))
                }
                .map(Str::new_unchecked)
            }
        )*}
    };
}

decoders! {
    /// Decodes ASCII (`HPyUnicode_DecodeASCII`, strict: other bytes are a `UnicodeDecodeError`).
    decode_ascii => ctx_Unicode_DecodeASCII, core::ptr::null();
    /// Decodes Latin-1 (`HPyUnicode_DecodeLatin1`; every byte is a character).
    decode_latin1 => ctx_Unicode_DecodeLatin1, core::ptr::null();
    /// Decodes a file-system path (`HPyUnicode_DecodeFSDefaultAndSize`: the file-system encoding
    /// with `surrogateescape`, so any bytes round-trip through [`Str::encode_fs`]).
    decode_fs => ctx_Unicode_DecodeFSDefaultAndSize;
}

macro_rules! encoders {
    ($($(#[$doc:meta])* $name:ident => $slot:ident;)*) => {
        impl<'ctx> Str<'ctx> {$(
            $(#[$doc])*
            pub fn $name(&self) -> HPyResult<Bytes<'ctx>> {
                let ctx = self.ctx();
                // SAFETY: the handle is an open str; the result is owned or NULL with an
                // exception set.
                let out = unsafe { ctx.own(call!(ctx, $slot, self.as_raw())) }?;
                expect_type(out, Handle::is_bytes, Bytes::new_unchecked, stringify!($slot))
            }
        )*}
    };
}

encoders! {
    /// `self.encode("utf-8")` (`HPyUnicode_AsUTF8String`).
    encode_utf8 => ctx_Unicode_AsUTF8String;
    /// `self.encode("ascii")` (`HPyUnicode_AsASCIIString`).
    encode_ascii => ctx_Unicode_AsASCIIString;
    /// `self.encode("latin-1")` (`HPyUnicode_AsLatin1String`).
    encode_latin1 => ctx_Unicode_AsLatin1String;
    /// `os.fsencode(self)` (`HPyUnicode_EncodeFSDefault`).
    encode_fs => ctx_Unicode_EncodeFSDefault;
}

impl<'ctx> Str<'ctx> {
    /// A new `str` from UTF-8.
    pub fn new(ctx: Context<'ctx>, s: &str) -> HPyResult<Self> {
        crate::types::str::new_str(ctx, s).map(Str::new_unchecked)
    }

    /// A new `str` from a NUL-terminated UTF-8 C string (`HPyUnicode_FromString`); invalid
    /// UTF-8 is a `UnicodeDecodeError`.
    pub fn from_cstr(ctx: Context<'ctx>, s: &CStr) -> HPyResult<Self> {
        if s.to_str().is_err() {
            // Some runtimes (PyPy) abort on invalid UTF-8 here; the codec raises the proper
            // UnicodeDecodeError instead.
            let raw = crate::types::bytes::new_bytes(ctx, s.to_bytes())?;
            return Str::from_encoded(&raw, Some("utf-8"), Some("strict"));
        }
        // SAFETY: `s` is NUL-terminated valid UTF-8; the result is owned or NULL with an
        // exception set.
        unsafe { ctx.own(call!(ctx, ctx_Unicode_FromString, s.as_ptr())) }.map(Str::new_unchecked)
    }

    /// A new `str` from code points (`HPyUnicode_FromWideChar`; `wchar_t` is UTF-32 here).
    /// Values that are not code points are a `ValueError`.
    pub fn from_wide(ctx: Context<'ctx>, chars: &[u32]) -> HPyResult<Self> {
        if let Some(bad) = chars.iter().find(|&&c| c > 0x10FFFF) {
            return Err(HPyErr::value_error(format!(
                "character U+{bad:x} is not in range [U+0000; U+10ffff]"
            )));
        }
        // SAFETY: `wchar_t` is 32 bits (asserted in `strings`) and the slice is valid for its
        // length during the call, which copies it.
        unsafe {
            ctx.own(call!(
                ctx,
                ctx_Unicode_FromWideChar,
                chars.as_ptr().cast(),
                chars.len() as sys::HPy_ssize_t
            ))
        }
        .map(Str::new_unchecked)
    }

    /// Decodes a NUL-terminated file-system path (`HPyUnicode_DecodeFSDefault`).
    pub fn decode_fs_cstr(ctx: Context<'ctx>, path: &CStr) -> HPyResult<Self> {
        // SAFETY: `path` is NUL-terminated; the result is owned or NULL with an exception set.
        unsafe { ctx.own(call!(ctx, ctx_Unicode_DecodeFSDefault, path.as_ptr())) }
            .map(Str::new_unchecked)
    }

    /// `str(obj, encoding, errors)` for a bytes-like `obj` (`HPyUnicode_FromEncodedObject`);
    /// `None` means the defaults (`"utf-8"`, `"strict"`).
    pub fn from_encoded(
        obj: &Handle<'ctx>,
        encoding: Option<&str>,
        errors: Option<&str>,
    ) -> HPyResult<Self> {
        let ctx = obj.ctx();
        let raw = with_opt_cstr(encoding, |enc| {
            with_opt_cstr(errors, |err| {
                // SAFETY: the handle is open and the strings NUL-terminated or NULL.
                unsafe { call!(ctx, ctx_Unicode_FromEncodedObject, obj.as_raw(), enc, err) }
            })
        })??;
        // SAFETY: the result is owned or NULL with an exception set.
        unsafe { ctx.own(raw) }.map(Str::new_unchecked)
    }

    /// The contents as UTF-8, borrowed for as long as the handle. Lone surrogates are a
    /// `UnicodeEncodeError`.
    #[inline]
    pub fn as_str(&self) -> HPyResult<&str> {
        crate::types::str::utf8_str(self.as_handle())
    }

    /// The code point at `index` (`HPyUnicode_ReadChar`); `IndexError` when out of range. A lone
    /// surrogate is returned as its number, so the result is a `u32`, not a `char`.
    pub fn read_char(&self, index: usize) -> HPyResult<u32> {
        if index >= self.len()? {
            return Err(HPyErr::index_error("string index out of range"));
        }
        let ctx = self.ctx();
        // SAFETY: the handle is an open str and the index in range.
        let c = unsafe {
            call!(
                ctx,
                ctx_Unicode_ReadChar,
                self.as_raw(),
                index as sys::HPy_ssize_t
            )
        };
        crate::err::checked(ctx, c, u32::MAX)
    }

    /// `self[start:end]` in code points (`HPyUnicode_Substring`); the bounds are clamped to the
    /// length, as in slicing.
    pub fn substring(&self, start: usize, end: usize) -> HPyResult<Str<'ctx>> {
        let len = self.len()?;
        let end = end.min(len);
        let start = start.min(end);
        let ctx = self.ctx();
        // SAFETY: the handle is an open str and `0 <= start <= end <= len`; the result is owned
        // or NULL with an exception set.
        unsafe {
            ctx.own(call!(
                ctx,
                ctx_Unicode_Substring,
                self.as_raw(),
                start as sys::HPy_ssize_t,
                end as sys::HPy_ssize_t
            ))
        }
        .map(Str::new_unchecked)
    }
}

/// The contents of a handle known to be a `str`, as UTF-8 borrowed for as long as the handle;
/// lone surrogates raise `UnicodeEncodeError`.
#[inline(always)]
pub(crate) fn utf8_str<'a>(obj: &'a Handle<'_>) -> HPyResult<&'a str> {
    let bytes = utf8_bytes(obj)?;
    if crate::ffi::runtime::utf8_trusted() {
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

/// Creates a `str` from UTF-8 (see `ffi::new_str`).
#[inline]
pub(crate) fn new_str<'ctx>(ctx: Context<'ctx>, s: &str) -> HPyResult<Handle<'ctx>> {
    // SAFETY: the result is a new handle or NULL with an exception set.
    unsafe { ctx.own(crate::ffi::new_str(ctx, s)) }
}
