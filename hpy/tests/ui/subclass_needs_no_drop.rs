// A class Python code may subclass must not need Drop or hold Fields: HPy 0.9 neither destroys
// nor traverses instances of Python subclasses.
use hpy::prelude::*;

#[hpy_class(subclass)]
pub struct Named {
    name: String,
}

#[hpy_class(subclass)]
pub struct Linked {
    next: Field,
}

#[hpy_class(subclass)]
pub struct Plain {
    x: f64,
}

fn main() {}
