//! Memory of the keyword names a function was last called with, so that a call site that
//! passes the same keywords each time (CPython keeps a call site's `kwnames` tuple among the
//! code object's constants) is matched with one identity check instead of reading and comparing
//! every name.
//!
//! The tuple is kept alive in one of the [`KW_POOL`] globals, which every module lists in its
//! `HPyModuleDef.globals`; a function claims one on its first keyword call. Reads and writes
//! happen during calls, under the interpreter's lock; the atomics make them sound, not ordered.

use core::sync::atomic::{AtomicU32, AtomicU8, AtomicUsize, Ordering::Relaxed};

use crate::{sys, Context, Global, Handle};

/// How many functions of one library can keep their keyword names.
pub const KW_POOL_SIZE: usize = 64;
/// Keyword arguments remembered per call (a call passing more is matched by name).
pub const KW_MAX: usize = 8;

/// The globals that keep the remembered `kwnames` tuples.
#[doc(hidden)]
pub static KW_POOL: [Global; KW_POOL_SIZE] = [const { Global::new() }; KW_POOL_SIZE];
/// The next unclaimed entry of [`KW_POOL`].
static KW_POOL_NEXT: AtomicUsize = AtomicUsize::new(0);

/// `KwCache::entry` of a function that no longer remembers (its pool was full, or its calls
/// pass a new tuple each time).
const DISABLED: u32 = u32::MAX;
/// `KwCache::len` while no mapping is valid.
const NO_MAPPING: u8 = u8::MAX;
/// Misses in a row after which a function stops remembering.
const MAX_MISSES: u8 = 16;

/// One function's remembered keywords: which parameter each name of the kept tuple fills.
#[doc(hidden)]
pub struct KwCache {
    /// Index + 1 of the function's entry in [`KW_POOL`]; 0 before the first keyword call.
    entry: AtomicU32,
    /// Number of names in the kept tuple, or [`NO_MAPPING`].
    len: AtomicU8,
    /// The parameter index of each name.
    map: [AtomicU8; KW_MAX],
    /// Calls in a row whose tuple was not the kept one.
    misses: AtomicU8,
}

impl Default for KwCache {
    fn default() -> Self {
        Self::new()
    }
}

impl KwCache {
    /// An empty cache, for a `static` beside each keyword function.
    pub const fn new() -> Self {
        KwCache {
            entry: AtomicU32::new(0),
            len: AtomicU8::new(NO_MAPPING),
            map: [const { AtomicU8::new(0) }; KW_MAX],
            misses: AtomicU8::new(0),
        }
    }

    /// Fills `slots` from the keyword values of a call whose `kwnames` is the kept tuple;
    /// `false` (and `slots` untouched) otherwise, or if a keyword names a parameter already
    /// given by position (the caller then matches by name and raises).
    #[inline]
    pub(crate) fn apply(
        &self,
        ctx: Context<'_>,
        kwnames: sys::HPy,
        values: *const sys::HPy,
        slots: &mut [sys::HPy],
    ) -> bool {
        let entry = self.entry.load(Relaxed);
        if entry == 0 || entry == DISABLED {
            return false;
        }
        let len = self.len.load(Relaxed);
        if len == NO_MAPPING {
            return false;
        }
        let Some(kept) = KW_POOL[entry as usize - 1].get(ctx) else {
            return false;
        };
        // SAFETY: `kwnames` is a borrowed handle of the running call; the wrapper never closes
        // it.
        let given = core::mem::ManuallyDrop::new(unsafe { Handle::borrowed(ctx, kwnames) });
        if !given.is(&kept) {
            self.missed();
            return false;
        }
        self.misses.store(0, Relaxed);
        let len = usize::from(len);
        let mut targets = [0usize; KW_MAX];
        for (k, target) in targets.iter_mut().enumerate().take(len) {
            let i = usize::from(self.map[k].load(Relaxed));
            if i >= slots.len() || slots[i]._i != 0 {
                return false;
            }
            *target = i;
        }
        for (k, &i) in targets.iter().enumerate().take(len) {
            // SAFETY: the kept tuple is this call's `kwnames`, which has `len` names, and one
            // value per name follows the positional arguments in `values` (see `RawArgs`).
            slots[i] = unsafe { *values.add(k) };
        }
        true
    }

    /// Keeps `kwnames` and the parameter index of each of its names, after a match by name in
    /// which every keyword named a parameter.
    #[cold]
    pub(crate) fn remember<'ctx>(&self, ctx: Context<'ctx>, kwnames: &Handle<'ctx>, map: &[u8]) {
        if map.len() > KW_MAX {
            return;
        }
        let mut entry = self.entry.load(Relaxed);
        if entry == DISABLED {
            return;
        }
        if entry == 0 {
            let next = KW_POOL_NEXT.fetch_add(1, Relaxed);
            entry = if next < KW_POOL_SIZE {
                next as u32 + 1
            } else {
                DISABLED
            };
            self.entry.store(entry, Relaxed);
            if entry == DISABLED {
                return;
            }
        }
        self.len.store(NO_MAPPING, Relaxed);
        if KW_POOL[entry as usize - 1].set(ctx, kwnames).is_err() {
            ctx.err_clear();
            return;
        }
        for (slot, &i) in self.map.iter().zip(map) {
            slot.store(i, Relaxed);
        }
        self.len.store(map.len() as u8, Relaxed);
    }

    /// Counts a call with another tuple; after [`MAX_MISSES`] in a row the function stops
    /// remembering (its calls make a new tuple each time, or alternate between call sites).
    #[cold]
    fn missed(&self) {
        let misses = self.misses.load(Relaxed).saturating_add(1);
        self.misses.store(misses, Relaxed);
        if misses >= MAX_MISSES {
            self.entry.store(DISABLED, Relaxed);
        }
    }
}
