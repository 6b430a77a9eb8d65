//! `Countdown(n)`: an iterator over n-1, ..., 0 that is its own iterator.

use hpy::prelude::*;

/// Counts down from `n` (exclusive) to 0.
#[hpy_class]
pub struct Countdown {
    left: i64,
}

#[hpy_methods]
impl Countdown {
    #[new]
    fn new(n: i64) -> Countdown {
        Countdown { left: n.max(0) }
    }

    /// The iterator is its own iterator.
    fn __iter__<'ctx>(this: &Obj<'ctx, Self>) -> Obj<'ctx, Self> {
        this.clone()
    }

    /// The next number, or StopIteration.
    fn __next__(&mut self) -> Option<i64> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        Some(self.left)
    }

    /// How many numbers are left.
    fn __length_hint__(&self) -> usize {
        self.left as usize
    }
}
