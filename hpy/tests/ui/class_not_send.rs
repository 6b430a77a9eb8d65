use std::rc::Rc;

use hpy::prelude::*;

#[hpy_class]
pub struct Shared {
    counter: Rc<u32>,
}

fn main() {}
