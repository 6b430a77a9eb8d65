//! `str` operations: borrowed views, encoders, decoders, characters and substrings.

use core::ffi::CStr;

use crate::cstr::with_cstr;
use crate::sys;
use crate::typed::{expect_type, Bytes, Str};
use crate::{Context, HPyErr, HPyResult, Handle};

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
        crate::strings::new_str(ctx, s).map(Str::new_unchecked)
    }

    /// A new `str` from a NUL-terminated UTF-8 C string (`HPyUnicode_FromString`); invalid
    /// UTF-8 is a `UnicodeDecodeError`.
    pub fn from_cstr(ctx: Context<'ctx>, s: &CStr) -> HPyResult<Self> {
        if s.to_str().is_err() {
            // Some runtimes (PyPy) abort on invalid UTF-8 here; the codec raises the proper
            // UnicodeDecodeError instead.
            let raw = crate::bytes::new_bytes(ctx, s.to_bytes())?;
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
        crate::strings::utf8_str(self.as_handle())
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
        crate::object::checked(ctx, c, u32::MAX)
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

impl<'ctx> crate::IntoPython<'ctx> for &CStr {
    /// A `str` from UTF-8 (`HPyUnicode_FromString`).
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        Str::from_cstr(ctx, self).map(Handle::from)
    }
}
