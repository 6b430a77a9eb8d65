//! `MappingFoo`: `Foo`'s length and items through the mapping slots (`mp_subscript`,
//! `mp_length`), which a plain `#[hpy_methods]` gives `__getitem__` and `__len__`, and which
//! PyO3 gives its classes. Not in the C module: it lets `obj[0]` be compared with PyO3's port on
//! the same slot.

use hpy::prelude::*;

/// A `Foo` whose `len(obj)` and `obj[i]` go through the mapping slots.
#[hpy_class(default)]
#[derive(Default)]
pub struct MappingFoo {
    x: i64,
    y: i64,
}

#[hpy_methods]
impl MappingFoo {
    /// Always 42.
    fn __len__(this: &Obj<'_, Self>) -> usize {
        let _ = this;
        42
    }

    /// Always `None`.
    fn __getitem__(this: &Obj<'_, Self>, _i: isize) {
        let _ = this;
    }

    /// The two words (keeps them read, so the struct is `Foo`'s).
    fn words(&self) -> (i64, i64) {
        (self.x, self.y)
    }
}
