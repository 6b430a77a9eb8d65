//! Calls.

use hpy::prelude::*;

#[hpy_method]
pub fn call_tuple_dict<'c>(
    f: &Handle<'c>,
    args: Option<&Handle<'c>>,
    kwargs: Option<&Handle<'c>>,
) -> HPyResult<Handle<'c>> {
    f.call_tuple_dict(args, kwargs)
}

/// `f(1, "two")` with a Rust tuple of arguments.
#[hpy_method]
pub fn call_rust_args<'c>(f: &Handle<'c>) -> HPyResult<Handle<'c>> {
    f.call((1, "two"))
}

#[hpy_method]
pub fn call_no_args<'c>(f: &Handle<'c>) -> HPyResult<Handle<'c>> {
    f.call(())
}

/// `f(*args, **kwargs)` through the vectorcall entry (`HPy_Call`), from a list and a dict.
#[hpy_method]
pub fn vectorcall<'c>(
    ctx: Context<'c>,
    f: &Handle<'c>,
    args: &List<'c>,
    kwargs: &Dict<'c>,
) -> HPyResult<Handle<'c>> {
    let mut all = args.to_vec()?;
    let mut names = Vec::new();
    for (k, v) in kwargs.items()? {
        names.push(k);
        all.push(v);
    }
    let kwnames = Tuple::new(ctx, &names)?;
    f.vectorcall(
        &all,
        if names.is_empty() {
            None
        } else {
            Some(&kwnames)
        },
    )
}

/// `f(1, 2, x=..., y=...)` through `call_kw` with Rust names.
#[hpy_method]
pub fn call_kw<'c>(
    ctx: Context<'c>,
    f: &Handle<'c>,
    x: &Handle<'c>,
    y: &Handle<'c>,
) -> HPyResult<Handle<'c>> {
    f.call_kw((1, 2), &[("x", x.clone()), ("y", ctx.to_py(y)?)])
}

#[hpy_method]
pub fn call_method<'c>(obj: &Handle<'c>, name: &str, args: &Tuple<'c>) -> HPyResult<Handle<'c>> {
    obj.call_method(name, &args.to_vec()?)
}

#[hpy_method]
pub fn call_method_tuple_dict<'c>(
    obj: &Handle<'c>,
    name: &str,
    args: Option<&Handle<'c>>,
    kwargs: Option<&Handle<'c>>,
) -> HPyResult<Handle<'c>> {
    obj.call_method_tuple_dict(name, args, kwargs)
}

#[hpy_method]
pub fn callable(obj: &Handle<'_>) -> bool {
    obj.is_callable()
}
