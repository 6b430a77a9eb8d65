//! `Foo`: the microbenchmarks' type, with the module's functions as methods, a length and
//! items.

use hpy::prelude::*;
use hpy::VarArgs;

/// The type of `hpy_simple.Foo` (and `HTFoo`): two machine words of data, as in the C module.
#[hpy_class(default)]
#[derive(Default)]
pub struct Foo {
    x: i64,
    y: i64,
}

#[hpy_methods]
impl Foo {
    /// Returns `None`.
    fn noargs(&self) {}

    /// Takes one argument of any type and returns `None`: positional-only, as `HPyFunc_O` in C.
    #[hpy_method(signature = (arg, /))]
    fn onearg(&self, arg: &Handle<'_>) {
        let _ = arg;
    }

    /// Takes any positional arguments and returns `None`.
    #[hpy_method(signature = (*args))]
    fn varargs(&self, args: VarArgs<'_, '_>) {
        let _ = args;
    }

    /// Returns the new int 2048.
    fn allocate_int(&self) -> i64 {
        2048
    }

    /// Returns the new tuple `(2048, 2049)`.
    fn allocate_tuple(&self) -> (i64, i64) {
        (2048, 2049)
    }

    /// Always 42.
    fn __len__(&self) -> usize {
        42
    }

    /// Always `None`.
    fn __getitem__(&self, _i: isize) {}

    /// The two words (keeps them read, so the struct is the C one's).
    fn words(&self) -> (i64, i64) {
        (self.x, self.y)
    }
}
