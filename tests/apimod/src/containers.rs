//! Tuples, lists, builders, dicts and bytes.

use hpy::prelude::*;
use hpy::{ListBuilder, TupleBuilder};

#[hpy_method]
pub fn tuple_from_list<'c>(ctx: Context<'c>, items: &List<'c>) -> HPyResult<Tuple<'c>> {
    Tuple::new(ctx, &items.to_vec()?)
}

#[hpy_method]
pub fn tuple_pack<'c>(ctx: Context<'c>, a: &Handle<'c>, b: &Handle<'c>) -> HPyResult<Tuple<'c>> {
    Tuple::pack(ctx, (a, b, 3))
}

/// A tuple of `n` items built with `TupleBuilder`, item i being `i * 10`; `set` items only
/// (fewer than n gives the ValueError of an incomplete builder).
#[hpy_method]
pub fn tuple_builder<'c>(ctx: Context<'c>, n: usize, set: usize) -> HPyResult<Tuple<'c>> {
    let mut b = TupleBuilder::new(ctx, n)?;
    for i in 0..set {
        b.push(i * 10)?;
    }
    b.build()
}

#[hpy_method]
pub fn tuple_builder_cancel(ctx: Context<'_>, n: usize) -> HPyResult<usize> {
    let mut b = TupleBuilder::new(ctx, n)?;
    b.push("x")?;
    let filled = b.filled();
    b.cancel();
    Ok(filled)
}

#[hpy_method]
pub fn list_builder<'c>(ctx: Context<'c>, n: usize, set: usize) -> HPyResult<List<'c>> {
    let mut b = ListBuilder::new(ctx, n)?;
    for i in 0..set {
        b.push(format!("item{i}"))?;
    }
    b.build()
}

/// A list built with `List::new` and `append`.
#[hpy_method]
pub fn list_append<'c>(ctx: Context<'c>, first: &Handle<'c>) -> HPyResult<List<'c>> {
    let l = List::new(ctx)?;
    l.append(first)?;
    l.append(42)?;
    l.append("x")?;
    Ok(l)
}

/// `[len(t), t[0], t[-1] via get(len - 1)]`
#[hpy_method]
pub fn tuple_info<'c>(ctx: Context<'c>, t: &Tuple<'c>) -> HPyResult<Handle<'c>> {
    let n = t.len()?;
    if n == 0 {
        return ctx.to_py((0,));
    }
    ctx.to_py((n, t.get(0)?, t.get(n - 1)?))
}

/// Which of the checks hold: "tuple", "list", "dict", "bytes", "str", "int", "float", "bool".
#[hpy_method]
pub fn checks<'c>(obj: &Handle<'c>) -> Vec<&'static str> {
    type Check<'c> = fn(&Handle<'c>) -> bool;
    let all: [(&str, Check<'c>); 8] = [
        ("tuple", Handle::is_tuple),
        ("list", Handle::is_list),
        ("dict", Handle::is_dict),
        ("bytes", Handle::is_bytes),
        ("str", Handle::is_str),
        ("int", Handle::is_int),
        ("float", Handle::is_float),
        ("bool", Handle::is_bool),
    ];
    all.iter()
        .filter(|(_, f)| f(obj))
        .map(|(n, _)| *n)
        .collect()
}

#[hpy_method]
pub fn dict_new<'c>(ctx: Context<'c>) -> HPyResult<Dict<'c>> {
    let d = Dict::new(ctx)?;
    d.set("a", 1)?;
    d.set(2, "b")?;
    Ok(d)
}

#[hpy_method]
pub fn dict_get<'c>(d: &Dict<'c>, key: &Handle<'c>) -> HPyResult<Option<Handle<'c>>> {
    d.get(key)
}

#[hpy_method]
pub fn dict_keys<'c>(d: &Dict<'c>) -> HPyResult<List<'c>> {
    d.keys()
}

#[hpy_method]
pub fn dict_copy<'c>(d: &Dict<'c>) -> HPyResult<Dict<'c>> {
    d.copy()
}

#[hpy_method]
pub fn dict_items<'c>(d: &Dict<'c>) -> HPyResult<Vec<(Handle<'c>, Handle<'c>)>> {
    d.items()
}

#[hpy_method]
pub fn dict_len(d: &Dict<'_>) -> HPyResult<usize> {
    d.len()
}

/// `(len, first byte or None)`, borrowing the bytes.
#[hpy_method]
pub fn bytes_info(b: &[u8]) -> (usize, Option<u8>) {
    (b.len(), b.first().copied())
}

/// The checked path: `Handle::as_bytes` on any object.
#[hpy_method]
pub fn bytes_checked(obj: &Handle<'_>) -> HPyResult<usize> {
    Ok(obj.as_bytes()?.len())
}

#[hpy_method]
pub fn bytes_new<'c>(ctx: Context<'c>, n: usize) -> HPyResult<Bytes<'c>> {
    let data: Vec<u8> = (0..n).map(|i| (i % 256) as u8).collect();
    Bytes::new(ctx, &data)
}

#[hpy_method]
pub fn bytes_from_cstr<'c>(ctx: Context<'c>) -> HPyResult<Bytes<'c>> {
    Bytes::from_cstr(ctx, c"abc")
}

#[hpy_method]
pub fn bytes_reversed(b: &Bytes<'_>) -> Vec<u8> {
    b.as_bytes().iter().rev().copied().collect()
}
