//! `Span(start, stop)`: a container iterated through a separate iterator type (`SpanIter`),
//! reversible, with `len` and `in`.

use hpy::prelude::*;

use super::span_iter::SpanIter;

/// The integers in `[start, stop)`.
#[hpy_class]
pub struct Span {
    start: i64,
    stop: i64,
}

#[hpy_methods]
impl Span {
    #[new]
    fn new(start: i64, stop: i64) -> Span {
        Span {
            start,
            stop: stop.max(start),
        }
    }

    fn __iter__<'ctx>(&self, ctx: Context<'ctx>) -> HPyResult<Obj<'ctx, SpanIter>> {
        Obj::new(ctx, SpanIter::new(self.start, self.stop, 1))
    }

    fn __reversed__<'ctx>(&self, ctx: Context<'ctx>) -> HPyResult<Obj<'ctx, SpanIter>> {
        Obj::new(ctx, SpanIter::new(self.stop - 1, self.start - 1, -1))
    }

    fn __len__(&self) -> usize {
        (self.stop - self.start) as usize
    }

    fn __contains__(&self, x: i64) -> bool {
        (self.start..self.stop).contains(&x)
    }

    /// Fails when iterated: `__iter__` errors propagate.
    fn broken(&self) -> bool {
        false
    }
}
