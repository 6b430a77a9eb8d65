// A class's value outlives every call: a Python object is kept in a `Field`, not a `Handle`.
use hpy::prelude::*;

#[hpy_class]
pub struct Holder {
    value: Handle<'static>,
}

#[hpy_class]
pub struct Names {
    names: Vec<Option<hpy::Str<'static>>>,
}

fn main() {}
