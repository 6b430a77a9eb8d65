//! `Seq`: a list of integers through the sequence slots (`#[hpy_methods(sequence)]`).

use hpy::prelude::*;

/// Integers indexed through `sq_item` and `sq_ass_item`.
#[hpy_class]
pub struct Seq {
    items: Vec<i64>,
}

impl Seq {
    fn index(&self, i: isize) -> HPyResult<usize> {
        usize::try_from(i)
            .ok()
            .filter(|&i| i < self.items.len())
            .ok_or_else(|| HPyErr::new(ExceptionType::IndexError, "Seq index out of range"))
    }
}

#[hpy_methods(sequence)]
impl Seq {
    #[new]
    fn new(items: Vec<i64>) -> Seq {
        Seq { items }
    }

    fn __len__(&self) -> usize {
        self.items.len()
    }

    fn __getitem__(&self, i: isize) -> HPyResult<i64> {
        Ok(self.items[self.index(i)?])
    }

    fn __setitem__(&mut self, i: isize, v: i64) -> HPyResult<()> {
        let i = self.index(i)?;
        self.items[i] = v;
        Ok(())
    }

    fn __delitem__(&mut self, i: isize) -> HPyResult<()> {
        let i = self.index(i)?;
        self.items.remove(i);
        Ok(())
    }

    fn __contains__(&self, v: i64) -> bool {
        self.items.contains(&v)
    }

    fn __concat__(&self, other: Vec<i64>) -> Seq {
        Seq {
            items: self.items.iter().copied().chain(other).collect(),
        }
    }

    fn __repeat__(&self, n: isize) -> Seq {
        Seq {
            items: self.items.repeat(n.max(0) as usize),
        }
    }

    fn __inplace_concat__(&mut self, other: Vec<i64>) {
        self.items.extend(other);
    }

    fn __inplace_repeat__(&mut self, n: isize) {
        self.items = self.items.repeat(n.max(0) as usize);
    }

    fn to_list(&self) -> Vec<i64> {
        self.items.clone()
    }
}
