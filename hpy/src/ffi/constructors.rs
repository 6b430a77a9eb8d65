//! Raw constructors the layers above share: each returns a new handle, or NULL with an
//! exception set.

use super::AsContext;
use crate::sys;

/// Creates a `str` from UTF-8 with the cheapest call the ABI offers for it.
/// Returns the new handle, or NULL with an exception set.
#[inline]
#[cfg(feature = "cpython-abi")]
pub(crate) fn new_str(_ctx: impl AsContext, s: &str) -> sys::HPy {
    // SAFETY: `s` is `len` bytes of valid UTF-8; CPython copies them.
    super::cpython::h(unsafe {
        hpy_cpython::pyo3_ffi::PyUnicode_FromStringAndSize(
            s.as_ptr().cast(),
            s.len() as hpy_cpython::pyo3_ffi::Py_ssize_t,
        )
    })
}

/// Creates a `str` from UTF-8 with the cheapest call the ABI offers for it.
/// Returns the new handle, or NULL with an exception set.
#[inline]
#[cfg(not(feature = "cpython-abi"))]
pub(crate) fn new_str(ctx: impl AsContext, s: &str) -> sys::HPy {
    if !super::runtime::is_cpython() && s.len() < SHORT {
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
    }
}

#[cfg(not(feature = "cpython-abi"))]
/// Strings shorter than this are copied to the stack for `HPyUnicode_FromString`.
const SHORT: usize = 256;

#[inline]
#[cfg(not(feature = "cpython-abi"))]
fn new_str_short(ctx: impl AsContext, s: &str) -> sys::HPy {
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
#[cfg(not(feature = "cpython-abi"))]
fn new_str_non_ascii(ctx: impl AsContext, s: &str) -> sys::HPy {
    if super::runtime::fs_utf8() {
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
        let mut copy = Vec::with_capacity(s.len() + 1);
        copy.extend_from_slice(s.as_bytes());
        copy.push(0);
        // SAFETY: `copy` is NUL-terminated valid UTF-8 for the duration of the call.
        return unsafe { call!(ctx, ctx_Unicode_FromString, copy.as_ptr().cast()) };
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
