//! `hello`: the example module of the HPy Rust SDK, and the contract the tests check.

/// A small demo module written in Rust on HPy's universal ABI.
#[hpy::hpy_module]
mod hello {
    use hpy::prelude::*;

    /// Return the sum of two integers (each must fit in 64 bits, and so must the sum).
    #[hpy_method]
    fn add(a: i64, b: i64) -> HPyResult<i64> {
        a.checked_add(b)
            .ok_or_else(|| HPyErr::overflow_error("add() result does not fit in 64 bits"))
    }

    /// Return a greeting for `name`.
    #[hpy_method]
    fn greet(name: &str) -> String {
        format!("Hello, {name}!")
    }

    /// Count the words of `text` (split on whitespace): a dict of word to count.
    #[hpy_method]
    fn word_count(text: &str) -> std::collections::HashMap<&str, usize> {
        let mut counts = std::collections::HashMap::new();
        for word in text.split_whitespace() {
            *counts.entry(word).or_insert(0) += 1;
        }
        counts
    }

    /// Return `sorted(obj, reverse=True)`: a Python built-in called from Rust with a keyword
    /// argument.
    #[hpy_method]
    fn sorted_desc<'ctx>(ctx: Context<'ctx>, obj: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        let sorted = ctx.builtin("sorted")?;
        let reverse = ctx.to_py(true)?;
        sorted.call_kw((obj,), &[("reverse", reverse)])
    }

    /// Panic in Rust: Python sees an exception carrying the panic message.
    #[hpy_method]
    fn boom() {
        panic!("boom")
    }

    /// Return the arguments as the tuple `(a, b, args, c, d, kwargs)`: every kind of Python
    /// parameter in one signature.
    #[hpy_method(signature = (a, /, b = 2, *args, c, d = None, **kwargs))]
    fn kwdemo<'ctx>(
        a: Handle<'ctx>,
        b: i64,
        args: Handle<'ctx>,
        c: Handle<'ctx>,
        d: Option<Handle<'ctx>>,
        kwargs: Handle<'ctx>,
    ) -> KwDemo<'ctx> {
        (a, b, args, c, d, kwargs)
    }

    /// What `kwdemo` returns.
    type KwDemo<'ctx> = (
        Handle<'ctx>,
        i64,
        Handle<'ctx>,
        Handle<'ctx>,
        Option<Handle<'ctx>>,
        Handle<'ctx>,
    );

    /// Adds the module's constants.
    #[hpy_exec]
    fn init(_ctx: Context<'_>, module: &Handle<'_>) -> HPyResult<()> {
        module.set_attr("__version__", env!("CARGO_PKG_VERSION"))?;
        module.set_attr("ANSWER", 42)?;
        Ok(())
    }
}
