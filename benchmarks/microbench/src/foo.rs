//! `Foo`: the microbenchmarks' type, with the module's functions as methods, a length and
//! items (the sequence slots, as in the C module). As in the C module, the methods do not read the instance's struct (they take
//! `this: &Obj<'_, Self>`, which costs no runtime call); `noargs_self` takes `&self` to show what
//! reading it costs.

use hpy::prelude::*;
use hpy::VarArgs;

/// The type of `hpy_simple.Foo` (and `HTFoo`): two machine words of data, as in the C module.
#[hpy_class(default)]
#[derive(Default)]
pub struct Foo {
    x: i64,
    y: i64,
}

// The sequence slots, as the C module's `Foo` (`HPy_sq_item`, `HPy_sq_length`).
#[hpy_methods(sequence)]
impl Foo {
    /// Returns `None`.
    fn noargs(this: &Obj<'_, Self>) {
        let _ = this;
    }

    /// Returns `None`, after borrowing the struct (`&self`: `HPy_AsStruct` and the borrow flag).
    fn noargs_self(&self) {}

    /// Takes one argument of any type and returns `None`: positional-only, as `HPyFunc_O` in C.
    #[hpy_method(signature = (arg, /))]
    fn onearg(this: &Obj<'_, Self>, arg: &Handle<'_>) {
        let _ = (this, arg);
    }

    /// Takes any positional arguments and returns `None`.
    #[hpy_method(signature = (*args))]
    fn varargs(this: &Obj<'_, Self>, args: VarArgs<'_, '_>) {
        let _ = (this, args);
    }

    /// Returns the new int 2048.
    fn allocate_int(this: &Obj<'_, Self>) -> i64 {
        let _ = this;
        2048
    }

    /// Returns the new tuple `(2048, 2049)`.
    fn allocate_tuple(this: &Obj<'_, Self>) -> (i64, i64) {
        let _ = this;
        (2048, 2049)
    }

    /// Always 42.
    fn __len__(this: &Obj<'_, Self>) -> usize {
        let _ = this;
        42
    }

    /// Always `None`.
    fn __getitem__(this: &Obj<'_, Self>, _i: isize) {
        let _ = this;
    }

    /// The two words (keeps them read, so the struct is the C one's).
    fn words(&self) -> (i64, i64) {
        (self.x, self.y)
    }
}
