//! Raising, matching, warnings, unraisable errors, errno and new exception types.

use hpy::prelude::*;
use hpy::Global;

/// The exception class made by the exec hook, kept across calls.
pub static MY_ERROR: Global = Global::new();

#[hpy_method]
pub fn raise_builtin(ctx: Context<'_>, name: &str, msg: &str) -> HPyResult<()> {
    let ty = exception_named(name)?;
    Err(HPyErr::raise(ctx, ty, msg))
}

/// Every exception and warning type the context has, by name.
#[hpy_method]
pub fn exception_types<'c>(ctx: Context<'c>) -> HPyResult<Vec<(String, Handle<'c>)>> {
    Ok(hpy::ExceptionType::ALL
        .iter()
        .map(|t| (t.name().to_owned(), t.to_handle(ctx)))
        .collect())
}

fn exception_named(name: &str) -> HPyResult<ExceptionType> {
    ExceptionType::ALL
        .iter()
        .copied()
        .find(|t| t.name() == name)
        .ok_or_else(|| HPyErr::value_error(format!("no exception type {name}")))
}

#[hpy_method]
pub fn raise_with_class<'c>(ctx: Context<'c>, class: &Handle<'c>, msg: &str) -> HPyResult<()> {
    Err(HPyErr::raise(ctx, class, msg))
}

#[hpy_method]
pub fn raise_object<'c>(ctx: Context<'c>, class: &Handle<'c>, value: &Handle<'c>) -> HPyResult<()> {
    Err(HPyErr::raise_object(ctx, class, value))
}

#[hpy_method]
pub fn raise_my_error(ctx: Context<'_>, msg: &str) -> HPyResult<()> {
    let class = MY_ERROR
        .get(ctx)
        .ok_or_else(|| HPyErr::runtime_error("MyError was not created"))?;
    Err(HPyErr::raise(ctx, &class, msg))
}

/// Calls `f()`; if it raises an exception of class `class`, returns "caught", else re-raises.
#[hpy_method]
pub fn catch<'c>(ctx: Context<'c>, f: &Handle<'c>, class: &Handle<'c>) -> HPyResult<Handle<'c>> {
    match f.call(()) {
        Ok(v) => Ok(v),
        Err(e) if e.matches_class(ctx, class) => {
            e.discard(ctx);
            ctx.to_py("caught")
        }
        Err(e) => Err(e),
    }
}

/// Raises `OSError` from `errno` set to `code`, with up to two file names.
#[hpy_method]
pub fn raise_errno<'c>(
    ctx: Context<'c>,
    code: i32,
    filename: Option<&Handle<'c>>,
    filename2: Option<&Handle<'c>>,
    rust_name: Option<&str>,
) -> HPyResult<()> {
    errno::set_errno(errno::Errno(code));
    Err(match (rust_name, filename) {
        (Some(name), _) => HPyErr::from_errno_with_filename(ctx, ExceptionType::OSError, name),
        (None, None) => HPyErr::from_errno(ctx, ExceptionType::OSError),
        (None, f) => HPyErr::from_errno_with_filenames(ctx, ExceptionType::OSError, f, filename2),
    })
}

#[hpy_method]
pub fn no_memory(ctx: Context<'_>) -> HPyResult<()> {
    Err(HPyErr::no_memory(ctx))
}

#[hpy_method]
pub fn warn<'c>(ctx: Context<'c>, category: &Handle<'c>, msg: &str) -> HPyResult<()> {
    ctx.warn(category, msg, 1)
}

/// Reports a ValueError as unraisable for `obj`; returns normally.
#[hpy_method]
pub fn write_unraisable<'c>(ctx: Context<'c>, obj: Option<&Handle<'c>>) {
    HPyErr::value_error("unraisable!").write_unraisable(ctx, obj);
}

#[hpy_method]
pub fn err_state(ctx: Context<'_>) -> bool {
    let _ = HPyErr::raise(ctx, ExceptionType::ValueError, "set");
    let was_set = ctx.err_occurred();
    ctx.err_clear();
    was_set && !ctx.err_occurred()
}

#[hpy_method]
pub fn new_exception<'c>(
    ctx: Context<'c>,
    name: &str,
    doc: Option<&str>,
    base: Option<&Handle<'c>>,
    dict: Option<&Handle<'c>>,
) -> HPyResult<Handle<'c>> {
    ctx.new_exception(name, doc, base, dict)
}

#[hpy_exec]
pub fn make_my_error(ctx: Context<'_>, module: &Handle<'_>) -> HPyResult<()> {
    let class = ctx.new_exception("apimod.MyError", Some("A test error."), None, None)?;
    module.set_attr("MyError", &class)?;
    MY_ERROR.set(ctx, &class)
}
