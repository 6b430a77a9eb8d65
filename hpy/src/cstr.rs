//! NUL-terminated copies of Rust strings for the HPy functions that take `const char*`.

use core::ffi::c_char;

use crate::{HPyErr, HPyResult};

/// Calls `f` with a NUL-terminated copy of `s`; short strings are copied on the stack.
///
/// Fails with `ValueError` if `s` contains a NUL byte.
pub(crate) fn with_cstr<R>(s: &str, f: impl FnOnce(*const c_char) -> R) -> HPyResult<R> {
    if s.as_bytes().contains(&0) {
        return Err(HPyErr::value_error("embedded null character"));
    }
    const STACK: usize = 128;
    if s.len() < STACK {
        let mut buf = [0u8; STACK];
        buf[..s.len()].copy_from_slice(s.as_bytes());
        Ok(f(buf.as_ptr().cast()))
    } else {
        let mut v = Vec::with_capacity(s.len() + 1);
        v.extend_from_slice(s.as_bytes());
        v.push(0);
        Ok(f(v.as_ptr().cast()))
    }
}
