//! Debug handles: what a handle of the debug context stands for, and the table that tracks them.
//!
//! A debug handle (`HPy._i`) is the address of a boxed [`DebugHandle`] owned by the process-wide
//! [`State`]. Every use looks the address up in the table first, so a handle that was never
//! opened, or was freed long ago, is reported instead of read. Closed handles stay in the table
//! (in a queue of bounded length) so that a later use of them is recognised; the oldest are freed
//! when the queue is full.
//!
//! The lock around the table is never held while Python code or a universal context function
//! runs: those can call back into the debug context.

use std::backtrace::Backtrace;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{LazyLock, Mutex, MutexGuard};

use hpy_cpython::pyo3_ffi as py;
use hpy_sys::HPy;

use super::raw::RawData;

/// How many closed handles are remembered by default (HPy 0.9.0's default).
pub const DEFAULT_CLOSED_QUEUE_MAX: usize = 1024;
/// How many bytes of raw data of closed handles are kept (poisoned) by default.
pub const DEFAULT_RAW_DATA_MAX: isize = 10 * 1024 * 1024;

/// One debug handle.
#[derive(Debug)]
pub struct DebugHandle {
    /// The object (a `PyObject*` as an address); the handle owns a reference to it unless it
    /// wraps a borrowed argument of a trampoline call.
    pub obj: usize,
    /// The generation current when it was opened.
    pub generation: i64,
    /// Whether it was closed.
    pub closed: bool,
    /// A context constant: never closed.
    pub immortal: bool,
    /// An argument of a trampoline call: it borrows the caller's reference, so closing it
    /// (a misuse, reported after the call) gives no reference back.
    pub borrowed: bool,
    /// Copies of raw data handed out for it (`HPyUnicode_AsUTF8AndSize` and the like); the last
    /// one's size is the one reported.
    pub raw: Vec<RawData>,
    /// Where it was opened, when a stack-trace limit is set (`set_handle_stack_trace_limit`):
    /// std's `Backtrace` (the standard library's unwinder and its gimli/addr2line symboliser,
    /// which read DWARF of Rust and C code alike: the well-kept choice, with no dependency to
    /// add), captured unresolved and symbolised only when shown. Nothing is captured while
    /// the limit is 0, and universal mode never comes here.
    pub trace: Option<Box<Backtrace>>,
    /// Its place in the order of opening.
    seq: u64,
}

impl DebugHandle {
    /// The first `limit` frames of where the handle was opened, symbolised (function, and file
    /// and line where debug information exists), one frame per line pair as std prints them.
    pub fn trace_text(&self, limit: usize) -> Option<String> {
        let text = self.trace.as_ref()?.to_string();
        let mut out = String::new();
        let mut frames = 0;
        // The debug mode's own frames (capturing, opening the handle) come first: left out, so
        // that the limit counts the module's frames.
        let mut skipping = true;
        for line in text.lines() {
            let frame_start = line
                .trim_start()
                .split_once(':')
                .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            if frame_start {
                // Capturing and opening the handle: std's, core's and the runtime's own
                // frames (more of them in an unoptimised build of the runtime).
                let own = ["std::", "core::", "alloc::", "hpy_rs_runtime::"]
                    .iter()
                    .any(|p| {
                        line.trim_start()
                            .split_once(": ")
                            .is_some_and(|(_, f)| f.starts_with(p))
                    });
                skipping = skipping && own;
                if skipping {
                    continue;
                }
                frames += 1;
                if frames > limit {
                    break;
                }
                // Numbered from 0 again, as the module's frames.
                let (_, rest) = line.split_once(':').unwrap_or(("", line));
                out.push_str(&format!("{:>4}:{rest}\n", frames - 1));
                continue;
            } else if skipping {
                continue;
            }
            out.push_str(line);
            out.push('\n');
        }
        Some(out)
    }

    /// The size of the raw data attached, or -1 for none.
    pub fn raw_data_size(&self) -> isize {
        self.raw.last().map_or(-1, |d| d.len as isize)
    }

    fn raw_total(&self) -> isize {
        self.raw.iter().map(|d| d.len as isize).sum()
    }
}

/// A tuple or list builder of the debug context.
#[derive(Debug)]
pub struct DebugBuilder {
    /// The universal builder (`_tup` / `_lst`).
    pub raw: isize,
    /// Built or cancelled.
    pub closed: bool,
}

/// The debug mode's process-wide state.
#[derive(Debug)]
pub struct State {
    /// Every handle not freed yet (open or in the closed queue), by address.
    pub handles: HashMap<usize, Box<DebugHandle>>,
    /// The open handles in opening order (context constants excepted).
    pub open: BTreeMap<u64, usize>,
    /// The closed handles still remembered, oldest first.
    pub closed: VecDeque<usize>,
    next_seq: u64,
    /// The current generation.
    pub generation: i64,
    /// The length of `closed` beyond which the oldest is freed.
    pub closed_max: usize,
    /// The maximum number of bytes of raw data kept for closed handles.
    pub raw_max: isize,
    /// The bytes of raw data kept for closed handles.
    pub raw_size: isize,
    /// The number of frames shown of where handles were opened (0: none captured).
    pub stack_trace_limit: isize,
    /// Callbacks for invalid handles and builders (owned references, as addresses).
    pub on_invalid_handle: usize,
    /// As above, for builders.
    pub on_invalid_builder: usize,
    /// Builders, by address.
    pub builders: HashMap<usize, Box<DebugBuilder>>,
    /// Closed builders still remembered, oldest first.
    pub closed_builders: VecDeque<usize>,
}

static STATE: LazyLock<Mutex<State>> = LazyLock::new(|| {
    Mutex::new(State {
        handles: HashMap::new(),
        open: BTreeMap::new(),
        closed: VecDeque::new(),
        next_seq: 0,
        generation: 0,
        closed_max: DEFAULT_CLOSED_QUEUE_MAX,
        raw_max: DEFAULT_RAW_DATA_MAX,
        raw_size: 0,
        stack_trace_limit: 0,
        on_invalid_handle: 0,
        on_invalid_builder: 0,
        builders: HashMap::new(),
        closed_builders: VecDeque::new(),
    })
});

/// The state, locked (a panic while it was held does not make it unusable).
pub fn state() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(|e| e.into_inner())
}

impl State {
    fn free(&mut self, addr: usize) {
        if let Some(d) = self.handles.remove(&addr) {
            self.raw_size -= d.raw_total();
        }
    }

    /// Opens a handle for `obj` (never NULL). With the closed queue full, the oldest closed
    /// handle is reused (same address, as HPy 0.9.0 reuses its memory): Python views of it then
    /// show the new handle.
    fn open(&mut self, obj: usize, immortal: bool, borrowed: bool) -> HPy {
        let seq = self.next_seq;
        self.next_seq += 1;
        let record = DebugHandle {
            obj,
            generation: self.generation,
            closed: false,
            immortal,
            borrowed,
            raw: Vec::new(),
            trace: (self.stack_trace_limit > 0 && !immortal)
                .then(|| Box::new(Backtrace::force_capture())),
            seq,
        };
        let reused = if self.closed.len() >= self.closed_max {
            self.closed
                .pop_front()
                .and_then(|oldest| self.handles.remove(&oldest))
        } else {
            None
        };
        let d = match reused {
            Some(mut d) => {
                self.raw_size -= d.raw_total();
                *d = record;
                d
            }
            None => Box::new(record),
        };
        let addr = &raw const *d as usize;
        self.handles.insert(addr, d);
        // Context constants are never leaks: they are not listed among the open handles.
        if !immortal {
            self.open.insert(seq, addr);
        }
        HPy { _i: addr as isize }
    }

    /// Closes the debug handle `addr` (not its object).
    pub fn close(&mut self, addr: usize) -> Closing {
        let raw_max = self.raw_max;
        let mut raw_size = self.raw_size;
        let Some(d) = self.handles.get_mut(&addr) else {
            return Closing::Unknown;
        };
        if d.closed {
            return Closing::AlreadyClosed;
        }
        if d.immortal {
            return Closing::Immortal;
        }
        d.closed = true;
        let seq = d.seq;
        if !d.raw.is_empty() {
            let total = d.raw_total();
            if raw_size + total > raw_max {
                d.raw.clear();
            } else {
                raw_size += total;
                for data in &d.raw {
                    data.protect();
                }
            }
        }
        self.raw_size = raw_size;
        self.open.remove(&seq);
        self.closed.push_back(addr);
        // One out for one in: a queue longer than a lowered maximum shrinks as handles are
        // opened (which reuse the oldest) rather than all at once, as in HPy 0.9.0.
        if self.closed.len() > self.closed_max {
            if let Some(oldest) = self.closed.pop_front() {
                self.free(oldest);
            }
        }
        Closing::Closed
    }
}

/// What closing a debug handle found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closing {
    /// It was open and is now closed.
    Closed,
    /// It was closed already (nothing changed).
    AlreadyClosed,
    /// A context constant (left open).
    Immortal,
    /// Not a handle of the table.
    Unknown,
}

/// A new debug handle for `obj` (`HPy_NULL` for NULL), which takes over the reference the
/// caller has.
pub fn open(obj: *mut py::PyObject) -> HPy {
    if obj.is_null() {
        return hpy_sys::HPy_NULL;
    }
    state().open(obj as usize, false, false)
}

/// A new debug handle borrowing `obj` for a trampoline call (`HPy_NULL` for NULL).
pub fn open_borrowed(obj: *mut py::PyObject) -> HPy {
    if obj.is_null() {
        return hpy_sys::HPy_NULL;
    }
    state().open(obj as usize, false, true)
}

/// A debug handle for a context constant, which can never be closed.
pub fn open_immortal(obj: *mut py::PyObject) -> HPy {
    if obj.is_null() {
        return hpy_sys::HPy_NULL;
    }
    state().open(obj as usize, true, false)
}

/// The object of the debug handle `h` (NULL for `HPy_NULL`). A closed handle is reported
/// through the invalid-handle hook and still gives its object; a handle unknown to the table
/// (never opened, or freed) is reported and gives `None`, so that the caller's call goes on
/// with a live object.
pub fn unwrap(h: HPy) -> *mut py::PyObject {
    if h._i == 0 {
        return core::ptr::null_mut();
    }
    let found = {
        let st = state();
        match st.handles.get(&(h._i as usize)) {
            Some(d) if !d.closed => return d.obj as *mut py::PyObject,
            Some(d) => Some(d.obj),
            None => None,
        }
    };
    invalid_handle();
    match found {
        Some(obj) => obj as *mut py::PyObject,
        // SAFETY: `Py_None` is a static object; taking its address needs no lock.
        None => unsafe { py::Py_None() },
    }
}

/// Closes the debug handle `h` only (its object keeps the reference), reporting an unknown or
/// immortal handle.
pub fn close_only(h: HPy) {
    if h._i == 0 {
        return;
    }
    let r = state().close(h._i as usize);
    if matches!(r, Closing::Immortal | Closing::Unknown) {
        invalid_handle();
    }
}

/// Reports `h` if it is closed, then closes the debug handle only: what a trampoline does with
/// its arguments after the call.
pub fn close_and_check(h: HPy) {
    unwrap(h);
    close_only(h);
}

/// The object of a result handle, whose reference passes to the caller; the debug handle is
/// closed.
pub fn take(h: HPy) -> *mut py::PyObject {
    let obj = unwrap(h);
    close_only(h);
    obj
}

/// Attaches a copy of `len` bytes at `ptr` to the handle `h` and returns the copy, which is
/// read-only while `h` is open and inaccessible once it closes ([`RawData`]). NULL stays NULL.
///
/// # Safety
///
/// `ptr` is NULL or points to `len` readable bytes.
pub unsafe fn attach_raw(h: HPy, ptr: *const u8, len: usize) -> *const u8 {
    if ptr.is_null() {
        return ptr;
    }
    // SAFETY: `len` readable bytes (caller's contract).
    let Some(copy) = (unsafe { RawData::copy(ptr, len) }) else {
        // No pages to be had: the original, unprotected.
        return ptr;
    };
    let mut st = state();
    match st.handles.get_mut(&(h._i as usize)) {
        Some(d) => {
            let p = copy.as_ptr();
            d.raw.push(copy);
            p
        }
        // A handle unknown to the table was reported by the caller's unwrap: hand out the
        // original pointer, as the universal context would.
        None => ptr,
    }
}

/// The invalid-handle report: the hook set with `set_on_invalid_handle`, or a fatal error.
pub fn invalid_handle() {
    report(false)
}

/// The invalid-builder report: the hook set with `set_on_invalid_builder_handle`, or a fatal
/// error.
pub fn invalid_builder() {
    report(true)
}

fn report(builder: bool) {
    let hook = {
        let st = state();
        if builder {
            st.on_invalid_builder
        } else {
            st.on_invalid_handle
        }
    } as *mut py::PyObject;
    if hook.is_null() {
        let msg = if builder {
            c"Invalid usage of already closed builder"
        } else {
            c"Invalid usage of already closed handle"
        };
        // SAFETY: a static message; `Py_FatalError` does not return.
        unsafe { py::Py_FatalError(msg.as_ptr()) };
    }
    // SAFETY: the hook is an owned reference kept by the state; it gets one of its own for the
    // call, since the call may replace it. The GIL is held (every context function runs with it).
    unsafe {
        py::Py_INCREF(hook);
        let r = py::PyObject_CallNoArgs(hook);
        py::Py_DECREF(hook);
        if r.is_null() {
            eprintln!("Error when executing the on_invalid_(builder_)handle callback");
        } else {
            py::Py_DECREF(r);
        }
    }
}

/// A new builder handle for the universal builder `raw` (0 stays 0).
pub fn open_builder(raw: isize) -> isize {
    if raw == 0 {
        return 0;
    }
    let b = Box::new(DebugBuilder { raw, closed: false });
    let addr = &raw const *b as usize;
    state().builders.insert(addr, b);
    addr as isize
}

/// The universal builder of a debug builder (0 for 0); a closed or unknown one is reported and
/// gives 0.
pub fn unwrap_builder(b: isize) -> isize {
    if b == 0 {
        return 0;
    }
    let raw = match state().builders.get(&(b as usize)) {
        Some(d) if !d.closed => d.raw,
        _ => 0,
    };
    if raw == 0 {
        invalid_builder();
    }
    raw
}

/// Marks a builder closed (built or cancelled).
pub fn close_builder(b: isize) {
    let mut st = state();
    let max = st.closed_max;
    if let Some(d) = st.builders.get_mut(&(b as usize)) {
        if d.closed {
            return;
        }
        d.closed = true;
        st.closed_builders.push_back(b as usize);
        while st.closed_builders.len() > max {
            if let Some(oldest) = st.closed_builders.pop_front() {
                st.builders.remove(&oldest);
            }
        }
    }
}
