//! Facts about the running HPy runtime that differ between runtimes, recorded once per process
//! when a module is created (`crate::runtime_check::detect`) and read by the seam and the layers above.
//!
//! * **Context layout.** HPy 0.9.0's context ends with members 244 to 262 (`ctx_Capsule_New` ...
//!   `ctx_CallMethod`). The HPy that PyPy 3.11 vendors (0.9.1.dev61) inserts `h_DictType` in front
//!   of them, so there every one of them sits one slot later; [`adjust`] applies the shift.
//! * **UTF-8.** CPython's `HPyUnicode_AsUTF8AndSize` fails for a `str` with lone surrogates;
//!   PyPy's returns their surrogate-encoded bytes, which are not UTF-8. Borrowed `&str` views are
//!   therefore validated on every runtime but CPython.
//! * **File-system codec.** Whether it is UTF-8, which makes `HPyUnicode_DecodeFSDefaultAndSize`
//!   the cheapest way to make a `str` from UTF-8 of known length.

// The CPython ABI has no runtime layout or class refusal to record.
#![cfg_attr(feature = "cpython-abi", allow(dead_code))]

use core::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

use crate::sys;

/// Tail shift of the running runtime relative to these bindings, in bytes.
static TAIL_DELTA: AtomicIsize = AtomicIsize::new(0);

/// Whether `HPyUnicode_AsUTF8AndSize` always returns valid UTF-8 (false until known).
static UTF8_TRUSTED: AtomicBool = AtomicBool::new(false);

/// Whether the file-system codec is strict-compatible UTF-8, so that
/// `HPyUnicode_DecodeFSDefaultAndSize` decodes valid UTF-8 exactly as the UTF-8 codec does, from
/// a pointer and a length (false until known).
static FS_UTF8: AtomicBool = AtomicBool::new(false);

/// See [`FS_UTF8`].
#[inline(always)]
pub(crate) fn fs_utf8() -> bool {
    FS_UTF8.load(Ordering::Relaxed)
}

/// Whether the running interpreter is CPython (false until known, and on PyPy).
#[inline(always)]
pub(crate) fn is_cpython() -> bool {
    // The UTF-8 guarantee is CPython's (see `detect`).
    utf8_trusted()
}

/// Whether the runtime guarantees that the UTF-8 it hands out is valid.
#[inline(always)]
pub(crate) fn utf8_trusted() -> bool {
    UTF8_TRUSTED.load(Ordering::Relaxed)
}

/// The address of the context member at `slot` (a member of the bindings' context struct, at
/// `offset` in it), adjusted for the running runtime's layout.
#[inline(always)]
pub(crate) fn adjust<T>(slot: *const T, offset: usize) -> *const T {
    if offset >= sys::TAIL_START {
        slot.wrapping_byte_offset(TAIL_DELTA.load(Ordering::Relaxed))
    } else {
        slot
    }
}

/// How many slots a runtime with this HPy version places the tail after HPy 0.9.0's position.
fn runtime_tail_shift(version: &str) -> Option<isize> {
    let rest = version.strip_prefix("0.9.")?;
    let patch: String = rest.chars().take_while(char::is_ascii_digit).collect();
    match patch.parse::<u32>().ok()? {
        // 0.9.0 and its release candidates (PyPy 3.9/3.10 7.3.14+, GraalPy 23.1-24.2).
        0 => Some(0),
        // 0.9.1.dev61 (PyPy 3.11 7.3.18+) and the HPy master it comes from.
        _ => Some(1),
    }
}

/// Records where the running runtime keeps the context's tail, from its HPy version; `Err` with
/// the version if it is not an HPy 0.9 runtime.
pub(crate) fn set_layout(version: &str) -> Result<(), &str> {
    let shift = runtime_tail_shift(version).ok_or(version)?;
    let delta = (shift - sys::HEADER_TAIL_SHIFT as isize) * core::mem::size_of::<usize>() as isize;
    TAIL_DELTA.store(delta, Ordering::Relaxed);
    Ok(())
}

/// Why this runtime cannot host `#[hpy_class]` types (`None`: it can).
static NO_CLASSES: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Records that classes cannot be made on this runtime, and why.
pub(crate) fn set_no_classes(why: String) {
    let _ = NO_CLASSES.set(why);
}

/// Why classes cannot be made on this runtime, if they cannot.
pub(crate) fn no_classes() -> Option<&'static str> {
    NO_CLASSES.get().map(String::as_str)
}

/// Records whether the interpreter is CPython (whose UTF-8 is trusted) and whether the
/// file-system codec is UTF-8.
pub(crate) fn set_interpreter(cpython: bool, fs_utf8: bool) {
    UTF8_TRUSTED.store(cpython, Ordering::Relaxed);
    FS_UTF8.store(fs_utf8, Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::runtime_tail_shift;

    #[test]
    fn versions() {
        assert_eq!(runtime_tail_shift("0.9.0"), Some(0));
        assert_eq!(runtime_tail_shift("0.9.0rc1"), Some(0));
        assert_eq!(runtime_tail_shift("0.9.1.dev61+g79fb330d"), Some(1));
        assert_eq!(runtime_tail_shift("0.9.2"), Some(1));
        assert_eq!(runtime_tail_shift("0.0.4"), None);
        assert_eq!(runtime_tail_shift("1.0.0"), None);
    }
}
