//! What trace mode records for the process: a call count and a total duration per context
//! member (indexed as `hpy_sys::CONTEXT_MEMBERS`), and the functions called on entering and
//! leaving each context function.

use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hpy_cpython::pyo3_ffi as py;
use pyo3::prelude::*;
use pyo3::types::PyString;

/// How many members the context has (handles and functions).
pub const MEMBERS: usize = hpy_sys::CONTEXT_MEMBERS.len();

/// The number of calls of each member (0 for handles).
pub static CALLS: [AtomicU64; MEMBERS] = [const { AtomicU64::new(0) }; MEMBERS];
/// The total time spent in each member, in nanoseconds (0 for handles).
pub static NANOS: [AtomicU64; MEMBERS] = [const { AtomicU64::new(0) }; MEMBERS];

/// The function called with the member's name on entering it (an owned reference, or null).
pub static ON_ENTER: AtomicPtr<py::PyObject> = AtomicPtr::new(core::ptr::null_mut());
/// The function called with the member's name on leaving it (an owned reference, or null).
pub static ON_EXIT: AtomicPtr<py::PyObject> = AtomicPtr::new(core::ptr::null_mut());

pub use crate::context::member_index as index;

/// Called on entering the member `index`: counts the call, calls `on_enter` and returns the
/// time the call starts.
#[inline]
pub fn enter(index: usize) -> Instant {
    CALLS[index].fetch_add(1, Ordering::Relaxed);
    call_hook(&ON_ENTER, index);
    Instant::now()
}

/// Called on leaving the member `index` that started at `start`: adds the time it took and
/// calls `on_exit`.
#[inline]
pub fn exit(index: usize, start: Instant) {
    let took = start.elapsed();
    NANOS[index].fetch_add(nanos(took), Ordering::Relaxed);
    call_hook(&ON_EXIT, index);
}

/// `d` in whole nanoseconds, saturated.
fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Calls the trace function in `slot`, if any, with the name of the member `index`.
///
/// The call is skipped where the thread does not hold the GIL (inside
/// `HPy_LeavePythonExecution` ... `HPy_ReenterPythonExecution`). An exception pending in the
/// module's call is kept aside during it and restored after. An exception raised by the trace
/// function is reported as unraisable (HPy 0.9.0 stops the process with a fatal error; a
/// profiling hook is not worth a crash).
#[inline]
fn call_hook(slot: &AtomicPtr<py::PyObject>, index: usize) {
    if slot.load(Ordering::Relaxed).is_null() {
        return;
    }
    call_hook_slow(slot, index);
}

#[cold]
#[inline(never)]
fn call_hook_slow(slot: &AtomicPtr<py::PyObject>, index: usize) {
    // SAFETY: only reads the thread state of the running thread.
    if unsafe { py::PyGILState_Check() } == 0 {
        return;
    }
    // SAFETY: the GIL is held (checked above).
    let py = unsafe { Python::assume_attached() };
    let f = slot.load(Ordering::Acquire);
    if f.is_null() {
        return;
    }
    // SAFETY: `f` is the owned reference the slot keeps; the GIL is held, so it cannot be
    // released before this new reference is made (the function may replace itself).
    let f = unsafe { Bound::from_borrowed_ptr(py, f) };
    let pending = PyErr::take(py);
    let name = PyString::new(py, hpy_sys::CONTEXT_MEMBERS[index]);
    if let Err(e) = f.call1((name,)) {
        e.write_unraisable(py, Some(&f));
    }
    if let Some(e) = pending {
        e.restore(py);
    }
}

/// Replaces the trace function in `slot` by `f` (`None` clears it). The GIL is held (`f`).
pub fn set_hook(slot: &AtomicPtr<py::PyObject>, f: Option<Bound<'_, PyAny>>) {
    let new = f.map_or(core::ptr::null_mut(), Bound::into_ptr);
    let old = slot.swap(new, Ordering::AcqRel);
    if !old.is_null() {
        // SAFETY: the reference the slot owned; the GIL is held.
        unsafe { py::Py_DECREF(old) };
    }
}
