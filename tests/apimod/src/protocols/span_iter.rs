//! `SpanIter`: the iterator of a `Span` (made only by `Span.__iter__`/`__reversed__`).

use hpy::prelude::*;

/// Steps from `next` towards `end` (exclusive).
#[hpy_class]
pub struct SpanIter {
    next: i64,
    end: i64,
    step: i64,
}

impl SpanIter {
    pub fn new(next: i64, end: i64, step: i64) -> SpanIter {
        SpanIter { next, end, step }
    }
}

#[hpy_methods]
impl SpanIter {
    fn __iter__<'ctx>(this: &Obj<'ctx, Self>) -> Obj<'ctx, Self> {
        this.clone()
    }

    fn __next__(&mut self) -> HPyResult<Option<i64>> {
        if self.next == self.end {
            return Ok(None);
        }
        if self.next == 13 {
            return Err(HPyErr::value_error("unlucky number"));
        }
        let v = self.next;
        self.next += self.step;
        Ok(Some(v))
    }
}
