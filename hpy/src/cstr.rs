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

#[cfg(test)]
mod tests {
    use super::*;

    fn read(p: *const c_char) -> String {
        // SAFETY: `with_cstr` passes a NUL-terminated buffer, valid during the callback.
        unsafe { core::ffi::CStr::from_ptr(p) }
            .to_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn short_and_long_strings_are_nul_terminated() {
        assert_eq!(with_cstr("abc", read).unwrap(), "abc");
        assert_eq!(with_cstr("", read).unwrap(), "");
        let long = "é".repeat(200);
        assert_eq!(with_cstr(&long, read).unwrap(), long);
        let edge = "x".repeat(127);
        assert_eq!(with_cstr(&edge, read).unwrap(), edge);
    }

    #[test]
    fn interior_nul_is_a_value_error() {
        let err = with_cstr("a\0b", read).unwrap_err();
        assert_eq!(err.exception_type(), Some(crate::ExceptionType::ValueError));
        assert_eq!(err.message(), Some("embedded null character"));
    }
}
