//! Conversions between Python containers and Rust collections: `Vec<T>`, tuples, maps and sets.
//!
//! * `Vec<T>` comes from any iterable except `str` (lists and tuples directly, anything else
//!   through `tuple(obj)`), and becomes a `list`; `Vec<u8>` also comes from `bytes` and becomes
//!   `bytes`.
//! * Rust tuples come from a Python tuple or list of exactly that length.
//! * `HashMap`/`BTreeMap` come from a `dict` (or any mapping with `keys()`) and become a `dict`.
//! * `HashSet`/`BTreeSet` come from any iterable except `str` and become a `set`.
//!
//! HPy 0.9 has no iterator or set API, so the generic paths go through the `tuple` and `set`
//! built-ins.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, Hash};

use crate::types::list::list_from_iter;
use crate::types::Dict;
use crate::{Context, FromPython, HPyErr, HPyResult, Handle, IntoPython};

/// The items of an iterable as a tuple or list handle, refusing `str` like PyO3 does. `what`
/// names, in Python's terms, what the items become (`"a list"`, `"a set"`), for the errors:
/// TypeError `expected an iterable for a list, not 'str'` or `... not 'int'`.
fn sequence_of<'ctx>(obj: &Handle<'ctx>, what: &str) -> HPyResult<Handle<'ctx>> {
    if obj.is_list() || obj.is_tuple() {
        return Ok(obj.clone());
    }
    let refuse = |hint: &str| {
        HPyErr::type_error(format!(
            "expected an iterable for {what}, not '{}'{hint}",
            obj.type_name()
        ))
    };
    if obj.is_str() {
        return Err(refuse(
            " (a str is not taken as its characters: pass list(s) for that)",
        ));
    }
    let tuple = obj.ctx().builtin("tuple")?;
    tuple.call((obj,)).map_err(|e| {
        let ctx = obj.ctx();
        if e.matches(ctx, crate::ExceptionType::TypeError) {
            e.discard(ctx);
            refuse("")
        } else {
            e
        }
    })
}

/// Converts each item of a list or tuple handle; a conversion error names the item's index
/// (`item 2: must be str, not int`).
fn convert_items<'ctx, T>(
    seq: &Handle<'ctx>,
    mut each: impl FnMut(&Handle<'ctx>) -> HPyResult<T>,
) -> HPyResult<Vec<T>> {
    let n = seq.len()?;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let item = seq.get_item(i)?;
        out.push(each(&item).map_err(|e| at_item(e, i))?);
    }
    Ok(out)
}

/// `e`, the error of the item at `index`, saying so.
#[cold]
fn at_item(e: HPyErr, index: usize) -> HPyErr {
    e.prefixed(format_args!("item {index}: "))
}

/// `e`, the error of the key `key` of a mapping or of its value, saying so with the key's
/// `repr` (`key 1: must be str, not int`, `value of key 'a': ...`).
#[cold]
fn at_key(e: HPyErr, key: &Handle<'_>, value: bool) -> HPyErr {
    if e.message().is_none() {
        return e; // an exception already set: nothing may run before it is raised
    }
    let what = if value { "value of key" } else { "key" };
    match key.repr().and_then(|r| r.extract::<String>()) {
        Ok(r) => e.prefixed(format_args!("{what} {r}: ")),
        Err(repr_error) => {
            repr_error.discard(key.ctx());
            e
        }
    }
}

impl<'a, 'ctx, T> FromPython<'a, 'ctx> for Vec<T>
where
    T: for<'b> FromPython<'b, 'ctx>,
{
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        // Only element types that take `bytes` (u8) pay for the bytes check; the probe with an
        // empty slice allocates nothing.
        if T::vec_from_bytes(&[]).is_some() && obj.is_bytes() {
            if let Some(v) = T::vec_from_bytes(obj.as_bytes()?) {
                return Ok(v);
            }
        }
        let seq = sequence_of(obj, "a list")?;
        convert_items(&seq, |item| T::from_python(item))
    }
}

impl<'ctx, T: IntoPython<'ctx>> IntoPython<'ctx> for Vec<T> {
    /// A `list` (`bytes` for `Vec<u8>`).
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        T::vec_into_python(self, ctx)
    }
}

macro_rules! tuple_from_python {
    ($($n:literal: ($($t:ident $i:literal),+);)*) => {$(
        impl<'a, 'ctx, $($t),+> FromPython<'a, 'ctx> for ($($t,)+)
        where
            $($t: for<'b> FromPython<'b, 'ctx>,)+
        {
            /// A `tuple` (or `list`) of exactly this length.
            fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
                if !(obj.is_tuple() || obj.is_list()) {
                    return Err(crate::conversion::wrong_type(obj, "tuple"));
                }
                let n = obj.len()?;
                if n != $n {
                    return Err(HPyErr::value_error(format!(
                        "expected a sequence of length {}, not {}", $n, n
                    )));
                }
                Ok(($($t::from_python(&obj.get_item($i as usize)?).map_err(|e| at_item(e, $i))?,)+))
            }
        }
    )*};
}

tuple_from_python! {
    1: (A 0);
    2: (A 0, B 1);
    3: (A 0, B 1, C 2);
    4: (A 0, B 1, C 2, D 3);
    5: (A 0, B 1, C 2, D 3, E 4);
    6: (A 0, B 1, C 2, D 3, E 4, F 5);
    7: (A 0, B 1, C 2, D 3, E 4, F 5, G 6);
    8: (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
    9: (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
    10: (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
    11: (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
    12: (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);
}

/// The `(key, value)` handles of a dict, or of any mapping through `keys()`.
fn mapping_items<'ctx>(obj: &Handle<'ctx>) -> HPyResult<Vec<(Handle<'ctx>, Handle<'ctx>)>> {
    if let Ok(d) = <&Dict<'ctx>>::from_python(obj) {
        return d.items();
    }
    if !obj.has_attr("keys") {
        return Err(crate::conversion::wrong_type(obj, "a mapping"));
    }
    let keys = sequence_of(&obj.call_method("keys", ())?, "the keys of a dict")?;
    convert_items(&keys, |k| Ok((k.clone(), obj.get_item(k)?)))
}

/// A new dict from converted pairs.
fn dict_from_pairs<'ctx, K: IntoPython<'ctx>, V: IntoPython<'ctx>>(
    ctx: Context<'ctx>,
    pairs: impl Iterator<Item = (K, V)>,
) -> HPyResult<Handle<'ctx>> {
    let d = Dict::new(ctx)?;
    for (k, v) in pairs {
        let k = k.into_python(ctx)?;
        d.set_item(&k, v)?;
    }
    Ok(d.into_handle())
}

/// A new `set` of converted items (through the `set` built-in: HPy 0.9 has no set API).
fn set_from_items<'ctx, T: IntoPython<'ctx>>(
    ctx: Context<'ctx>,
    items: impl ExactSizeIterator<Item = T>,
) -> HPyResult<Handle<'ctx>> {
    let list = list_from_iter(ctx, items)?;
    ctx.builtin("set")?.call((list,))
}

impl<'a, 'ctx, K, V, S> FromPython<'a, 'ctx> for HashMap<K, V, S>
where
    K: for<'b> FromPython<'b, 'ctx> + Eq + Hash,
    V: for<'b> FromPython<'b, 'ctx>,
    S: BuildHasher + Default,
{
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        let items = mapping_items(obj)?;
        let mut out = HashMap::with_capacity_and_hasher(items.len(), S::default());
        for (k, v) in &items {
            out.insert(
                K::from_python(k).map_err(|e| at_key(e, k, false))?,
                V::from_python(v).map_err(|e| at_key(e, k, true))?,
            );
        }
        Ok(out)
    }
}

impl<'a, 'ctx, K, V> FromPython<'a, 'ctx> for BTreeMap<K, V>
where
    K: for<'b> FromPython<'b, 'ctx> + Ord,
    V: for<'b> FromPython<'b, 'ctx>,
{
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        let items = mapping_items(obj)?;
        let mut out = BTreeMap::new();
        for (k, v) in &items {
            out.insert(
                K::from_python(k).map_err(|e| at_key(e, k, false))?,
                V::from_python(v).map_err(|e| at_key(e, k, true))?,
            );
        }
        Ok(out)
    }
}

impl<'ctx, K: IntoPython<'ctx>, V: IntoPython<'ctx>, S> IntoPython<'ctx> for HashMap<K, V, S> {
    /// A `dict`.
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        dict_from_pairs(ctx, self.into_iter())
    }
}

impl<'ctx, K: IntoPython<'ctx>, V: IntoPython<'ctx>> IntoPython<'ctx> for BTreeMap<K, V> {
    /// A `dict`, in key order.
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        dict_from_pairs(ctx, self.into_iter())
    }
}

impl<'a, 'ctx, T, S> FromPython<'a, 'ctx> for HashSet<T, S>
where
    T: for<'b> FromPython<'b, 'ctx> + Eq + Hash,
    S: BuildHasher + Default,
{
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        let seq = sequence_of(obj, "a set")?;
        Ok(convert_items(&seq, |item| T::from_python(item))?
            .into_iter()
            .collect())
    }
}

impl<'a, 'ctx, T> FromPython<'a, 'ctx> for BTreeSet<T>
where
    T: for<'b> FromPython<'b, 'ctx> + Ord,
{
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        let seq = sequence_of(obj, "a set")?;
        Ok(convert_items(&seq, |item| T::from_python(item))?
            .into_iter()
            .collect())
    }
}

impl<'ctx, T: IntoPython<'ctx>, S> IntoPython<'ctx> for HashSet<T, S> {
    /// A `set`.
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        set_from_items(ctx, self.into_iter())
    }
}

impl<'ctx, T: IntoPython<'ctx>> IntoPython<'ctx> for BTreeSet<T> {
    /// A `set`.
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        set_from_items(ctx, self.into_iter())
    }
}
