// A static method takes no `self`: refused with the fix.
use hpy::prelude::*;

#[hpy_class]
pub struct Bag {
    n: i64,
}

#[hpy_methods]
impl Bag {
    #[staticmethod]
    fn with_ref(&self) -> i64 {
        self.n
    }
}

#[hpy_module]
mod bags {
    #[hpy_export]
    use super::Bag;
}

fn main() {}
