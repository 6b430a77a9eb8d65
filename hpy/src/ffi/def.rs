//! Statics the runtime reads: the `HPyDef`s, `HPyModuleDef` and define arrays an extension hands
//! to HPy live in [`StaticCell`]s.

use core::cell::UnsafeCell;

use crate::sys;

/// A `static` that the HPy runtime may read (and in principle write) through raw pointers.
#[repr(transparent)]
pub struct StaticCell<T>(UnsafeCell<T>);

// SAFETY: the cells hold HPy definitions that are only read by the runtime, with the GIL held.
unsafe impl<T> Sync for StaticCell<T> {}

impl<T> StaticCell<T> {
    /// Wraps a value.
    pub const fn new(value: T) -> Self {
        StaticCell(UnsafeCell::new(value))
    }
    /// The address of the value.
    pub const fn get(&self) -> *mut T {
        self.0.get()
    }
}

/// An `HPyDef` in a static.
pub type StaticDef = StaticCell<sys::HPyDef>;
