// Parameter and return types must convert from and to Python; the error points at the type.
use hpy::prelude::*;

struct NotPython;

#[hpy_method]
fn takes(x: NotPython) -> i64 {
    let _ = x;
    1
}

#[hpy_method]
fn gives() -> NotPython {
    NotPython
}

fn main() {}
