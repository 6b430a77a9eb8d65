//! Names and objects made once, when the module is initialised, and kept in the module's
//! `Global`s: a method name made per call would be a new `str` every time (and on CPython a
//! miss in the type's method cache, whose entries hold references to `None`).

use hpy::prelude::*;
use hpy::Global;

use crate::ujson_hpy as m;

/// The object kept in `global`.
#[inline]
pub fn get<'ctx>(ctx: Context<'ctx>, global: &Global) -> HPyResult<Handle<'ctx>> {
    global
        .get(ctx)
        .ok_or_else(|| HPyErr::system_error("ujson_hpy: a module global is missing"))
}

/// Fills the globals; called by the module's exec slot.
pub fn init(ctx: Context<'_>) -> HPyResult<()> {
    let sys = ctx.import("sys")?;
    let intern = sys.get_attr("intern")?;
    for (global, name) in [
        (&m::NAME_SORT, "sort"),
        (&m::NAME_TO_DICT, "toDict"),
        (&m::NAME_JSON, "__json__"),
        (&m::NAME_ENCODE, "encode"),
        (&m::NAME_DECODE, "decode"),
    ] {
        global.set(ctx, intern.call((name,))?)?;
    }
    let dict = ctx.builtin("dict")?;
    m::DICT_TYPE.set(ctx, &dict)?;
    m::DICT_GET.set(ctx, dict.get_attr("get")?)?;
    m::MISSING.set(ctx, ctx.builtin_type(hpy::BuiltinType::Object).call(())?)?;
    m::INT_REPR.set(
        ctx,
        ctx.builtin_type(hpy::BuiltinType::Int)
            .get_attr("__repr__")?,
    )?;
    m::GET_RECURSION_LIMIT.set(ctx, sys.get_attr("getrecursionlimit")?)?;
    Ok(())
}
