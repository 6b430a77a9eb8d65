//! What the runtime knows of each type `HPyType_FromSpec` made, and how it finds it again.
//!
//! HPy 0.9.0's C runtime marks its types with a `tp_flags` bit and keeps this record just before
//! the type's name; CPython 3.13 took that bit (`Py_TPFLAGS_INLINE_VALUES`), so there ordinary
//! types pass for HPy types. Here nothing is stored in the type object: the record is found in a
//! table keyed by the type's `tp_methods` pointer. `HPyType_FromSpec` always gives a type a method
//! array of its own, allocated here and never freed, and CPython keeps that pointer as it is; so
//! no other type can have it, not even one made later at the address of a freed HPy type, and a
//! record never has to be removed (a type that dies leaves its record unreachable, as HPy leaves
//! its method arrays).
//!
//! Reads take no lock: the table is an open-addressing array of atomic words, written under a
//! mutex and replaced by a copy twice as large when half full (the old copy is leaked, so a reader
//! still walking it stays valid; all copies together are at most twice the last one).

use core::ptr::null_mut;
use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::Mutex;

use hpy_cpython::pyo3_ffi as py;
use hpy_sys::*;

/// The record of one HPy type (immutable once registered).
#[derive(Debug)]
pub struct TypeData {
    /// The type's `tp_methods` array: the key it is registered under.
    pub key: usize,
    /// How `HPy_New` makes an instance of exactly this type on its fast path; `None` if the
    /// type's `tp_alloc` must (a variable size, a custom allocator, a layout CPython adds).
    pub plain: Option<Plain>,
    /// The builtin shape of the spec (`HPyType_BuiltinShape_Legacy` included).
    pub shape: HPyType_BuiltinShape,
    /// Where the instance's struct starts, in bytes from the object (0 for legacy types).
    pub head: usize,
    /// `HPy_tp_traverse`'s impl: visits the struct's fields (also used to clear them).
    pub traverse: HPyFunc_traverseproc,
    /// `HPy_tp_destroy`'s impl: called with the struct when an instance is freed.
    pub destroy: HPyFunc_destroyfunc,
    /// The call function a new instance starts with (`HPy_tp_call`'s trampoline, the type's own
    /// or inherited from an HPy base); `None` without one.
    pub call: Option<py::vectorcallfunc>,
}

/// What `HPy_New` needs to make an instance of a plain type (see [`TypeData::plain`]).
#[derive(Debug, Clone, Copy)]
pub struct Plain {
    /// `tp_basicsize`.
    pub size: usize,
    /// Whether the type has the GC flag.
    pub gc: bool,
    /// Where the instance's call function goes (`tp_vectorcall_offset`, checked to lie inside
    /// the instance), if the type has a default one ([`TypeData::call`]); 0 otherwise.
    pub call_at: usize,
}

/// One entry: the key (a `tp_methods` address; 0 for a free entry) and its record.
struct Entry {
    key: AtomicUsize,
    data: AtomicPtr<TypeData>,
}

/// A table of `1 << bits` entries.
struct Table {
    bits: u32,
    entries: Box<[Entry]>,
}

impl Table {
    fn new(bits: u32) -> Table {
        let entries = (0..1usize << bits)
            .map(|_| Entry {
                key: AtomicUsize::new(0),
                data: AtomicPtr::new(null_mut()),
            })
            .collect();
        Table { bits, entries }
    }

    /// The first entry to probe for `key` (Fibonacci hashing: the pointer's low bits are zero).
    #[inline(always)]
    fn start(&self, key: usize) -> usize {
        key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (usize::BITS - self.bits)
    }

    /// Writes `key` into the first entry that holds it or is free (the caller holds the writer
    /// lock, and the table has a free entry).
    fn put(&self, key: usize, data: *mut TypeData) {
        let mask = self.entries.len() - 1;
        let mut i = self.start(key);
        loop {
            let e = &self.entries[i];
            let k = e.key.load(Ordering::Relaxed);
            if k == 0 || k == key {
                // The record first: a reader that sees the key sees the record.
                e.data.store(data, Ordering::Relaxed);
                e.key.store(key, Ordering::Release);
                return;
            }
            i = (i + 1) & mask;
        }
    }
}

/// The current table (NULL before the first type).
static TABLE: AtomicPtr<Table> = AtomicPtr::new(null_mut());

/// Serialises writers; holds the number of keys in the current table.
static WRITER: Mutex<usize> = Mutex::new(0);

/// The record found last: most lookups ask for the type of the previous one (the instances a
/// loop makes, frees or calls), which then costs one comparison instead of a probe.
static LAST: AtomicPtr<TypeData> = AtomicPtr::new(null_mut());

/// The record registered under `key`.
#[inline(always)]
pub fn lookup(key: usize) -> Option<&'static TypeData> {
    // SAFETY: LAST is NULL or a registered record: leaked, never freed, never written again.
    if let Some(last) = unsafe { LAST.load(Ordering::Acquire).as_ref() } {
        if last.key == key {
            return Some(last);
        }
    }
    probe(key)
}

/// [`lookup`] in the table; a record found becomes the last one.
#[inline(never)]
fn probe(key: usize) -> Option<&'static TypeData> {
    let t = TABLE.load(Ordering::Acquire);
    if t.is_null() || key == 0 {
        return None;
    }
    // SAFETY: tables are leaked, never freed, and fully written before being published.
    let t = unsafe { &*t };
    let mask = t.entries.len() - 1;
    let mut i = t.start(key);
    loop {
        // `i` is masked to the table's length, which is a power of two.
        let e = &t.entries[i];
        let k = e.key.load(Ordering::Acquire);
        if k == key {
            let d = e.data.load(Ordering::Relaxed);
            LAST.store(d, Ordering::Release);
            // SAFETY: records are leaked boxes, written before their key (Release/Acquire).
            return unsafe { d.as_ref() };
        }
        if k == 0 {
            return None;
        }
        i = (i + 1) & mask;
    }
}

/// Registers `data` under its key (a `tp_methods` array owned by the runtime, never 0).
pub fn register(data: TypeData) {
    let key = data.key;
    let data = Box::into_raw(Box::new(data));
    let mut count = WRITER.lock().unwrap_or_else(|e| e.into_inner());
    let mut t = TABLE.load(Ordering::Acquire);
    // SAFETY: as in `lookup`; only this writer (holding the lock) replaces the table.
    let cap = unsafe { t.as_ref() }.map_or(0, |t| t.entries.len());
    if (*count + 1) * 2 > cap {
        let bits = if cap == 0 {
            6
        } else {
            cap.trailing_zeros() + 1
        };
        let bigger = Table::new(bits);
        // SAFETY: as above.
        if let Some(old) = unsafe { t.as_ref() } {
            for e in old.entries.iter() {
                let k = e.key.load(Ordering::Relaxed);
                if k != 0 {
                    bigger.put(k, e.data.load(Ordering::Relaxed));
                }
            }
        }
        // The old table is left allocated: readers may still be walking it.
        t = Box::into_raw(Box::new(bigger));
        TABLE.store(t, Ordering::Release);
    }
    // SAFETY: `t` is the current table, which has a free entry (at most half full).
    unsafe { (*t).put(key, data) };
    *count += 1;
}

/// The record of `tp` or of its nearest base that has one, with that type.
///
/// # Safety
///
/// `tp` is NULL or a live type; the GIL is held.
#[inline]
pub unsafe fn nearest(
    tp: *mut py::PyTypeObject,
) -> Option<(*mut py::PyTypeObject, &'static TypeData)> {
    let mut t = tp;
    while !t.is_null() {
        // SAFETY: a live type's fields; its base is a live type or NULL.
        let (methods, flags, base) =
            unsafe { ((*t).tp_methods as usize, (*t).tp_flags, (*t).tp_base) };
        // HPy types are heap types: static ones (`object`, `int`...) are not looked up.
        if methods != 0 && flags & py::Py_TPFLAGS_HEAPTYPE != 0 {
            if let Some(d) = lookup(methods) {
                return Some((t, d));
            }
        }
        t = base;
    }
    None
}

/// The record of `tp` or of its nearest base that has one.
///
/// # Safety
///
/// As [`nearest`].
#[inline]
pub unsafe fn of_type(tp: *mut py::PyTypeObject) -> Option<&'static TypeData> {
    // SAFETY: forwarded.
    unsafe { nearest(tp) }.map(|(_, d)| d)
}

/// The records of `tp` and of all its bases that have one, nearest first.
///
/// # Safety
///
/// As [`nearest`]; the types stay alive while the iterator is used.
pub unsafe fn all_of(tp: *mut py::PyTypeObject) -> impl Iterator<Item = &'static TypeData> {
    let mut t = tp;
    core::iter::from_fn(move || {
        // SAFETY: the caller's contract.
        let (base, d) = unsafe { nearest(t) }?;
        // SAFETY: `base` is a live type.
        t = unsafe { (*base).tp_base };
        Some(d)
    })
}
