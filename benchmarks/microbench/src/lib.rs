//! `hpy_simple`: the functions and types of HPy 0.9.0's `microbench/src/hpy_simple.c`, written
//! with the SDK as a user would, so that HPy's own `microbench/test_microbench.py` (and
//! `benchmarks/call_bench.py`) can time the SDK against the C module doing the same work.
//!
//! As in the C module, `Foo`'s methods do not read the instance's struct (see `foo.rs`); the
//! Rust struct is 8 bytes larger than the C one (the SDK's borrow state).

mod foo;
mod mapping_foo;

/// HPy microbenchmarks
#[hpy::hpy_module]
mod hpy_simple {
    use hpy::prelude::*;
    use hpy::VarArgs;

    #[hpy_export]
    use crate::foo::Foo;
    #[hpy_export]
    use crate::mapping_foo::MappingFoo;

    /// Returns `None`.
    #[hpy_method]
    fn noargs() {}

    /// Takes one argument of any type and returns `None`: positional-only, as `HPyFunc_O` in C.
    #[hpy_method(signature = (arg, /))]
    fn onearg(arg: &Handle<'_>) {
        let _ = arg;
    }

    /// Takes any positional arguments and returns `None`.
    #[hpy_method(signature = (*args))]
    fn varargs(args: VarArgs<'_, '_>) {
        let _ = args;
    }

    /// `f(*args)`; positional-only, as the C function (`HPyFunc_VARARGS`).
    #[hpy_method(signature = (f, args, /))]
    fn call_with_tuple<'ctx>(f: &Handle<'ctx>, args: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        f.call_tuple_dict(Some(args), None)
    }

    /// `f(*args, **kw)`; positional-only, as the C function (`HPyFunc_VARARGS`).
    #[hpy_method(signature = (f, args, kw, /))]
    fn call_with_tuple_and_dict<'ctx>(
        f: &Handle<'ctx>,
        args: &Handle<'ctx>,
        kw: &Handle<'ctx>,
    ) -> HPyResult<Handle<'ctx>> {
        f.call_tuple_dict(Some(args), Some(kw))
    }

    /// `a + b` (not in the C module: `benchmarks/cargs.c` is its C counterpart).
    #[hpy_method]
    fn add_ints(a: i64, b: i64) -> HPyResult<i64> {
        a.checked_add(b)
            .ok_or_else(|| HPyErr::overflow_error("add_ints() result does not fit in 64 bits"))
    }

    /// Returns the new int 2048.
    #[hpy_method]
    fn allocate_int() -> i64 {
        2048
    }

    /// Returns the new tuple `(2048, 2049)`.
    #[hpy_method]
    fn allocate_tuple() -> (i64, i64) {
        (2048, 2049)
    }

    /// `HTFoo` is `Foo` (HPy has only heap types), as in the C module.
    #[hpy_exec]
    fn init(_ctx: Context<'_>, module: &Handle<'_>) -> HPyResult<()> {
        let ty = module.get_attr("Foo")?;
        module.set_attr("HTFoo", &ty)
    }
}
