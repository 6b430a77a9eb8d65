//! Raw data handed out for a debug handle (`HPyUnicode_AsUTF8AndSize` and the like): a copy in
//! pages of its own, mapped read-only, so that a module writing to it faults; when the handle
//! closes the pages are made inaccessible, so that a module reading it after that faults too
//! (HPy 0.9.0's protection). The runtime itself never touches the pages after making the copy,
//! and unmaps them when the handle's record is freed or reused.

/// The calls of the C library used here (Linux: the runtime only exists there).
mod sys {
    use core::ffi::{c_int, c_long, c_void};

    pub const PROT_NONE: c_int = 0;
    pub const PROT_READ: c_int = 1;
    pub const PROT_WRITE: c_int = 2;
    pub const MAP_PRIVATE: c_int = 0x02;
    pub const MAP_ANONYMOUS: c_int = 0x20;
    pub const SC_PAGESIZE: c_int = 30;

    extern "C" {
        pub fn mmap(
            addr: *mut c_void,
            len: usize,
            prot: c_int,
            flags: c_int,
            fd: c_int,
            off: i64,
        ) -> *mut c_void;
        pub fn mprotect(addr: *mut c_void, len: usize, prot: c_int) -> c_int;
        pub fn munmap(addr: *mut c_void, len: usize) -> c_int;
        pub fn sysconf(name: c_int) -> c_long;
    }
}

/// A protected copy of some bytes (addresses as integers, so that the records holding it can
/// live in the process-wide table).
#[derive(Debug)]
pub struct RawData {
    addr: usize,
    /// The number of bytes copied (what `raw_data_size` reports).
    pub len: usize,
    mapped: usize,
}

impl RawData {
    /// A read-only copy of the `len` bytes at `src`, or `None` if the pages cannot be had.
    ///
    /// # Safety
    ///
    /// `src` points to `len` readable bytes.
    pub unsafe fn copy(src: *const u8, len: usize) -> Option<RawData> {
        // SAFETY: sysconf has no preconditions.
        let page = usize::try_from(unsafe { sys::sysconf(sys::SC_PAGESIZE) })
            .ok()
            .filter(|p| *p > 0)?;
        let mapped = len.max(1).div_ceil(page).checked_mul(page)?;
        // SAFETY: a new private anonymous mapping; it is written once (the copy, `len` bytes
        // fit in it) before being made read-only, and unmapped once in `Drop`.
        unsafe {
            let p = sys::mmap(
                core::ptr::null_mut(),
                mapped,
                sys::PROT_READ | sys::PROT_WRITE,
                sys::MAP_PRIVATE | sys::MAP_ANONYMOUS,
                -1,
                0,
            );
            if p as isize == -1 || p.is_null() {
                return None;
            }
            core::ptr::copy_nonoverlapping(src, p.cast::<u8>(), len);
            sys::mprotect(p, mapped, sys::PROT_READ);
            Some(RawData {
                addr: p as usize,
                len,
                mapped,
            })
        }
    }

    /// The copy's address.
    pub fn as_ptr(&self) -> *const u8 {
        self.addr as *const u8
    }

    /// Makes the copy inaccessible (its handle closed).
    pub fn protect(&self) {
        // SAFETY: the mapping is ours and still mapped; nothing in the runtime reads it again.
        unsafe { sys::mprotect(self.addr as *mut _, self.mapped, sys::PROT_NONE) };
    }
}

impl Drop for RawData {
    fn drop(&mut self) {
        // SAFETY: the mapping is ours and unmapped only here.
        unsafe { sys::munmap(self.addr as *mut _, self.mapped) };
    }
}
