//! `Ints`: int32s exported read-only, the format derived from the element type ("i").

use hpy::prelude::*;
use hpy::{BufferVec, Export};

/// A read-only int32 buffer.
#[hpy_class]
pub struct Ints {
    data: BufferVec<i32>,
}

#[hpy_methods]
impl Ints {
    #[new]
    fn new(values: Vec<i32>) -> Ints {
        Ints {
            data: BufferVec::from(values),
        }
    }

    fn __getbuffer__(&self) -> Export {
        self.data.export().readonly()
    }
}
