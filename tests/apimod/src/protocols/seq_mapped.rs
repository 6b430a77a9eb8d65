//! `Mapped`: the same list as `Seq` through the mapping slots (`mp_subscript`), to compare.

use hpy::prelude::*;

/// Integers indexed through `mp_subscript`.
#[hpy_class]
pub struct Mapped {
    items: Vec<i64>,
}

#[hpy_methods]
impl Mapped {
    #[new]
    fn new(items: Vec<i64>) -> Mapped {
        Mapped { items }
    }

    fn __len__(&self) -> usize {
        self.items.len()
    }

    fn __getitem__(&self, i: isize) -> HPyResult<i64> {
        let n = self.items.len() as isize;
        let j = if i < 0 { i + n } else { i };
        usize::try_from(j)
            .ok()
            .and_then(|j| self.items.get(j).copied())
            .ok_or_else(|| HPyErr::new(ExceptionType::IndexError, "Mapped index out of range"))
    }
}
