// `#[new]`, `#[getter]`, `#[setter]` and `#[call_function]` outside `#[hpy_methods]`, and
// `#[hpy_export]` outside `#[hpy_module]`, name the attribute that is missing.
use hpy::prelude::*;

#[hpy_class]
pub struct Point {
    x: f64,
}

impl Point {
    #[new]
    fn new(x: f64) -> Point {
        Point { x }
    }
    #[getter]
    fn x(&self) -> f64 {
        self.x
    }
    #[setter]
    fn set_x(&mut self, x: f64) {
        self.x = x;
    }
    #[call_function]
    fn call(&self) -> f64 {
        self.x
    }
}

#[hpy_export]
use crate::Point as _;

#[hpy_method]
fn method_outside(&self) {}

fn main() {}
