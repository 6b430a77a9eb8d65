// A class method's first parameter receives the class: an `i64` there is refused with the fix.
use hpy::prelude::*;

#[hpy_class]
pub struct Bag {
    n: i64,
}

#[hpy_methods]
impl Bag {
    #[classmethod]
    fn int_first(x: i64) -> i64 {
        x
    }

    fn n(&self) -> i64 {
        self.n
    }
}

#[hpy_module]
mod bags {
    #[hpy_export]
    use super::Bag;
}

fn main() {}
