//! `ArrayIter`: the iterator of an `Array`, forwards or backwards.

use hpy::prelude::*;

use crate::array::Array;

/// Iterates over an `Array` (made by `iter(a)` and `reversed(a)`). It reads the array as it goes:
/// elements written meanwhile are seen, and it stops at the array's end if the array shrinks.
#[hpy_class]
pub struct ArrayIter {
    array: Field,
    /// The next position counted from the start (forwards) or from the end (backwards).
    pos: usize,
    reverse: bool,
}

impl ArrayIter {
    /// An iterator over `array`.
    pub fn new<'ctx>(array: &Obj<'ctx, Array>, reverse: bool) -> HPyResult<Obj<'ctx, ArrayIter>> {
        let it = Obj::new(
            array.ctx(),
            ArrayIter {
                array: Field::new(),
                pos: 0,
                reverse,
            },
        )?;
        it.store(&it.borrow()?.array, Some(array))?;
        Ok(it)
    }
}

#[hpy_methods]
impl ArrayIter {
    fn __iter__<'ctx>(this: &Obj<'ctx, Self>) -> Obj<'ctx, Self> {
        this.clone()
    }

    fn __next__(this: &Obj<'_, Self>) -> HPyResult<Option<f64>> {
        let mut me = this.borrow_mut()?;
        let Some(array) = this.load(&me.array)? else {
            return Ok(None);
        };
        let array: Obj<'_, Array> = array.extract()?;
        let a = array.borrow()?;
        let n = a.len();
        if me.pos >= n {
            // Exhausted for good: let the array go.
            drop(a);
            this.store(&me.array, None)?;
            return Ok(None);
        }
        let i = if me.reverse { n - 1 - me.pos } else { me.pos };
        me.pos += 1;
        Ok(a.get(this.ctx(), i))
    }

    fn __length_hint__(this: &Obj<'_, Self>) -> HPyResult<usize> {
        let me = this.borrow()?;
        let Some(array) = this.load(&me.array)? else {
            return Ok(0);
        };
        let array: Obj<'_, Array> = array.extract()?;
        let n = array.borrow()?.len();
        Ok(n.saturating_sub(me.pos))
    }
}
