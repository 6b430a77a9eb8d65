//! Matching a call's positional and keyword arguments to a function's parameters.

use std::mem::ManuallyDrop;

use super::kwcache::{KwCache, KW_MAX};
use crate::sys;
use crate::{Context, FromPython, HPyErr, HPyResult, Handle};

/// A function's Python name and parameters, as the argument matcher needs them.
///
/// The named parameters are listed positional ones first (positional-only, then
/// positional-or-keyword), then keyword-only ones, as in a Python `def`.
pub struct FunctionDescription {
    /// The Python name, used in error messages.
    pub name: &'static str,
    /// Names of the named parameters, in order.
    pub params: &'static [&'static str],
    /// How many leading parameters are positional-only.
    pub positional_only: usize,
    /// How many leading parameters can be passed by position (positional-only included).
    pub positional: usize,
    /// How many leading positional parameters are required (those after have defaults).
    pub required_positional: usize,
    /// For each keyword-only parameter, whether it is required.
    pub required_keyword_only: &'static [bool],
    /// Whether extra positional arguments are collected (`*args`).
    pub varargs: bool,
    /// Whether extra keyword arguments are collected (`**kwargs`).
    pub varkw: bool,
}

impl FunctionDescription {
    /// A function whose parameters are all positional-or-keyword, the first `required` of them
    /// required.
    pub const fn simple(
        name: &'static str,
        params: &'static [&'static str],
        required: usize,
    ) -> Self {
        FunctionDescription {
            name,
            params,
            positional_only: 0,
            positional: params.len(),
            required_positional: required,
            required_keyword_only: &[],
            varargs: false,
            varkw: false,
        }
    }
}

/// The raw argument vector of a KEYWORDS call.
#[derive(Clone, Copy)]
pub struct RawArgs<'call> {
    args: *const sys::HPy,
    nargs: usize,
    kwnames: sys::HPy,
    _call: std::marker::PhantomData<&'call sys::HPy>,
}

impl RawArgs<'_> {
    /// # Safety
    ///
    /// `args` holds `nargs` positional handles followed by one handle per name in the tuple
    /// `kwnames` (or `kwnames` is NULL), all borrowed, valid for the call, and none of them
    /// HPy_NULL (a runtime passes the objects it was given).
    pub(crate) unsafe fn new(args: *const sys::HPy, nargs: usize, kwnames: sys::HPy) -> Self {
        RawArgs {
            args,
            nargs,
            kwnames,
            _call: std::marker::PhantomData,
        }
    }

    /// The positional arguments.
    pub(crate) fn positional(&self) -> (*const sys::HPy, usize) {
        (self.args, self.nargs)
    }

    /// Whether the call passes keyword arguments.
    pub(crate) fn has_keywords(&self) -> bool {
        self.kwnames._i != 0
    }
}

/// The matched arguments: one borrowed handle (never closed) or `None` per named parameter.
pub type Slots<'ctx, const N: usize> = [Option<ManuallyDrop<Handle<'ctx>>>; N];

/// The arguments of one call, matched to a function's parameters.
pub struct Matched<'call, 'ctx, const N: usize> {
    /// One entry per named parameter.
    pub slots: Slots<'ctx, N>,
    /// Positional arguments beyond the named ones (only with `*args`).
    extra_positional: &'call [sys::HPy],
    /// Keyword arguments that name no parameter (only with `**kwargs`): (name, value).
    extra_keywords: Vec<(crate::Handle<'ctx>, sys::HPy)>,
    ctx: Context<'ctx>,
}

impl<'call, 'ctx, const N: usize> Matched<'call, 'ctx, N> {
    /// The matched parameters alone, for a function without `*args` or `**kwargs`: the rest is
    /// dropped here (for such a function it is empty), so nothing with a destructor stays alive
    /// while the arguments are converted and the function runs.
    #[inline(always)]
    pub fn into_slots(self) -> Slots<'ctx, N> {
        self.slots
    }

    /// The extra positional arguments, borrowed.
    pub fn varargs(&self) -> crate::VarArgs<'call, 'ctx> {
        // SAFETY: borrowed argument handles of this call, valid for `'call`.
        unsafe { crate::VarArgs::new(self.ctx, self.extra_positional) }
    }

    /// Converts each extra positional argument; a failure names `*args` and the index.
    pub fn varargs_vec<T>(&self, desc: &FunctionDescription, param: &str) -> HPyResult<Vec<T>>
    where
        T: for<'a> FromPython<'a, 'ctx>,
    {
        self.extra_positional
            .iter()
            .enumerate()
            .map(|(i, &raw)| {
                // SAFETY: a borrowed argument handle of this call, never closed (ManuallyDrop).
                let h = unsafe { Handle::borrowed(self.ctx, raw) };
                T::from_python(&h).map_err(|e| e.in_argument(desc.name, &format!("{param}[{i}]")))
            })
            .collect()
    }

    /// The extra keyword arguments as a new dict, or `None` if there are none.
    pub fn varkw_dict(&self) -> HPyResult<Option<Handle<'ctx>>> {
        if self.extra_keywords.is_empty() {
            return Ok(None);
        }
        let ctx = self.ctx;
        // SAFETY: a new dict, or NULL with an exception set.
        let dict = unsafe { ctx.own(call!(ctx, ctx_Dict_New)) }?;
        for (name, value) in &self.extra_keywords {
            // SAFETY: all three handles are open; SetItem does not steal.
            if unsafe { call!(ctx, ctx_SetItem, dict.as_raw(), name.as_raw(), *value) } != 0 {
                return Err(HPyErr::fetch());
            }
        }
        Ok(Some(dict))
    }
}

/// Matches positional and keyword arguments to the parameters of `desc`, raising the
/// `TypeError`s CPython raises for a Python function with the same parameters, in the same
/// order of checks.
///
/// A call with only positional arguments, as many as the function takes, is matched inline
/// (with `desc` a constant, a handful of comparisons): it allocates nothing and makes no
/// context calls. Every other call is matched out of line; keyword names the function was
/// last called with (`cache`, one per function) are matched with one identity check.
#[inline(always)]
pub fn parse_args<'call, 'ctx, const N: usize>(
    ctx: Context<'ctx>,
    desc: &FunctionDescription,
    cache: &KwCache,
    raw: RawArgs<'call>,
) -> HPyResult<Matched<'call, 'ctx, N>> {
    let nargs = raw.nargs;
    // SAFETY: `raw.args` holds at least `raw.nargs` handles (see `RawArgs::new`), borrowed for
    // the call `'call`.
    let positional: &'call [sys::HPy] = unsafe { std::slice::from_raw_parts(raw.args, nargs) };
    let named = nargs.min(desc.positional);
    let extra_positional = if desc.varargs {
        &positional[named..]
    } else {
        &[][..]
    };
    let fits = nargs >= desc.required_positional && (nargs <= desc.positional || desc.varargs);
    if raw.kwnames._i == 0 && fits && !desc.required_keyword_only.iter().any(|&r| r) {
        let slots = core::array::from_fn(|i| {
            let h = *positional[..named].get(i)?;
            if i < desc.required_positional {
                // SAFETY: an argument is not HPy_NULL (see `RawArgs::new`). Said, the
                // conversions of the required parameters skip their check for a missing one.
                unsafe { core::hint::assert_unchecked(h._i != 0) };
            }
            // SAFETY: a borrowed argument handle, valid for the call and never closed
            // (ManuallyDrop).
            (h._i != 0).then(|| unsafe { Handle::borrowed(ctx, h) })
        });
        return Ok(Matched {
            slots,
            extra_positional,
            extra_keywords: Vec::new(),
            ctx,
        });
    }
    let mut slots = [sys::HPy_NULL; N];
    let mut extra_keywords = Vec::new();
    if desc.varkw {
        match_slow(ctx, desc, cache, raw, &mut slots, &mut extra_keywords)?;
    } else {
        // A function without `**kwargs` never has extra keywords: with a vector of its own here,
        // `extra_keywords` is never written, and the compiler drops it (and its drop) from the
        // inline path.
        let mut unused = Vec::new();
        match_slow(ctx, desc, cache, raw, &mut slots, &mut unused)?;
        debug_assert!(unused.is_empty());
    }
    // SAFETY: every non-NULL slot is a borrowed argument handle, valid for the call and never
    // closed (ManuallyDrop).
    let slots = slots.map(|h| (h._i != 0).then(|| unsafe { Handle::borrowed(ctx, h) }));
    Ok(Matched {
        slots,
        extra_positional,
        extra_keywords,
        ctx,
    })
}

/// [`parse_args`] for calls with keyword arguments or a number of positional arguments the
/// function does not take: fills `slots` and `extra`, or raises CPython's `TypeError`.
#[inline(never)]
fn match_slow<'ctx>(
    ctx: Context<'ctx>,
    desc: &FunctionDescription,
    cache: &KwCache,
    raw: RawArgs<'_>,
    slots: &mut [sys::HPy],
    extra: &mut Vec<(Handle<'ctx>, sys::HPy)>,
) -> HPyResult<()> {
    debug_assert_eq!(desc.params.len(), slots.len());
    let (args, nargs) = raw.positional();
    let named = nargs.min(desc.positional);
    // SAFETY: `args` holds at least `nargs` handles (see `RawArgs::new`).
    slots[..named].copy_from_slice(unsafe { &std::slice::from_raw_parts(args, nargs)[..named] });
    // SAFETY: the keyword values follow the `nargs` positional arguments (see `RawArgs::new`).
    let values = unsafe { args.add(nargs) };
    if raw.kwnames._i != 0 && !cache.apply(ctx, raw.kwnames, values, slots) {
        match_keywords(ctx, desc, cache, raw, slots, extra)?;
    }
    if nargs > desc.positional && !desc.varargs {
        return Err(too_many_positional(desc, nargs, slots));
    }
    if slots[..desc.required_positional].iter().any(|h| h._i == 0) {
        return Err(missing(desc, slots, false));
    }
    let keyword_only = &slots[desc.positional..];
    if keyword_only
        .iter()
        .zip(desc.required_keyword_only)
        .any(|(h, &required)| required && h._i == 0)
    {
        return Err(missing(desc, slots, true));
    }
    Ok(())
}

#[inline(never)]
fn match_keywords<'ctx>(
    ctx: Context<'ctx>,
    desc: &FunctionDescription,
    cache: &KwCache,
    raw: RawArgs<'_>,
    slots: &mut [sys::HPy],
    extra: &mut Vec<(Handle<'ctx>, sys::HPy)>,
) -> HPyResult<()> {
    // SAFETY: `kwnames` is a borrowed tuple handle of this call.
    let kwnames = unsafe { Handle::borrowed(ctx, raw.kwnames) };
    // SAFETY: `kwnames` is open.
    let nkw = unsafe { call!(ctx, ctx_Length, kwnames.as_raw()) };
    if nkw < 0 {
        return Err(HPyErr::fetch());
    }
    let mut posonly_as_keyword: Vec<String> = Vec::new();
    // The parameter of each keyword, while every keyword names one (`None` after one does not).
    let mut map: Option<[u8; KW_MAX]> = (nkw as usize <= KW_MAX).then_some([0; KW_MAX]);
    for k in 0..nkw as usize {
        // SAFETY: `k` is in range; the result is a new handle or NULL with an exception.
        let key = unsafe {
            ctx.own(call!(
                ctx,
                ctx_GetItem_i,
                kwnames.as_raw(),
                k as sys::HPy_ssize_t
            ))
        }?;
        // SAFETY: the value of keyword `k` follows the positional arguments.
        let value = unsafe { *raw.args.add(raw.nargs + k) };
        // Keyword names are always `str`. They are matched on their UTF-8 bytes as the runtime
        // returns them, without a type check or UTF-8 validation: bytes that equal a parameter
        // name are valid UTF-8. Only the error messages below decode them.
        let name: &[u8] = crate::types::str::utf8_bytes(&key)?;
        let found = desc.params[desc.positional_only..]
            .iter()
            .position(|p| p.as_bytes() == name)
            .map(|i| i + desc.positional_only);
        let name_text = || String::from_utf8_lossy(name);
        match found {
            Some(i) if slots[i]._i != 0 => {
                return Err(HPyErr::type_error(format!(
                    "{}() got multiple values for argument '{}'",
                    desc.name,
                    name_text()
                )))
            }
            Some(i) => {
                slots[i] = value;
                if let (Some(map), Ok(i)) = (&mut map, u8::try_from(i)) {
                    map[k] = i;
                } else {
                    map = None;
                }
            }
            None if desc.varkw => {
                map = None;
                extra.push((key, value))
            }
            None if desc.params[..desc.positional_only]
                .iter()
                .any(|p| p.as_bytes() == name) =>
            {
                posonly_as_keyword.push(name_text().into_owned())
            }
            None => {
                return Err(HPyErr::type_error(format!(
                    "{}() got an unexpected keyword argument '{}'",
                    desc.name,
                    name_text()
                )))
            }
        }
    }
    if !posonly_as_keyword.is_empty() {
        return Err(HPyErr::type_error(format!(
            "{}() got some positional-only arguments passed as keyword arguments: '{}'",
            desc.name,
            posonly_as_keyword.join(", ")
        )));
    }
    if let Some(map) = map {
        cache.remember(ctx, &kwnames, &map[..nkw as usize]);
    }
    Ok(())
}

#[cold]
fn too_many_positional(desc: &FunctionDescription, given: usize, slots: &[sys::HPy]) -> HPyErr {
    let n = desc.positional;
    let (takes, plural) = if desc.required_positional < n {
        (format!("from {} to {n}", desc.required_positional), true)
    } else {
        (n.to_string(), n != 1)
    };
    let kwonly_given = slots[desc.positional..]
        .iter()
        .filter(|h| h._i != 0)
        .count();
    let kwonly = if kwonly_given > 0 {
        format!(
            " positional argument{} (and {kwonly_given} keyword-only argument{})",
            if given != 1 { "s" } else { "" },
            if kwonly_given != 1 { "s" } else { "" }
        )
    } else {
        String::new()
    };
    let were = if given == 1 && kwonly_given == 0 {
        "was"
    } else {
        "were"
    };
    HPyErr::type_error(format!(
        "{}() takes {takes} positional argument{} but {given}{kwonly} {were} given",
        desc.name,
        if plural { "s" } else { "" }
    ))
}

#[cold]
fn missing(desc: &FunctionDescription, slots: &[sys::HPy], keyword_only: bool) -> HPyErr {
    let names: Vec<String> = if keyword_only {
        (desc.positional..desc.params.len())
            .filter(|&i| desc.required_keyword_only[i - desc.positional] && slots[i]._i == 0)
            .map(|i| format!("'{}'", desc.params[i]))
            .collect()
    } else {
        (0..desc.required_positional)
            .filter(|&i| slots[i]._i == 0)
            .map(|i| format!("'{}'", desc.params[i]))
            .collect()
    };
    let list = match names.as_slice() {
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [init @ .., last] => format!("{}, and {last}", init.join(", ")),
        [] => String::new(),
    };
    let n = names.len();
    HPyErr::type_error(format!(
        "{}() missing {n} required {} argument{}: {list}",
        desc.name,
        if keyword_only {
            "keyword-only"
        } else {
            "positional"
        },
        if n == 1 { "" } else { "s" }
    ))
}

/// Types a `*args` parameter can have: `VarArgs` (borrowed, no tuple), `Handle` or `Tuple` (a
/// new tuple) or `Vec<T>` (each item converted).
pub trait FromVarArgs<'m, 'ctx>: Sized {
    /// Takes the extra positional arguments of the call.
    fn from_varargs<const N: usize>(
        m: &'m Matched<'m, 'ctx, N>,
        desc: &FunctionDescription,
        param: &str,
    ) -> HPyResult<Self>;
}

impl<'ctx> FromVarArgs<'_, 'ctx> for Handle<'ctx> {
    fn from_varargs<const N: usize>(
        m: &Matched<'_, 'ctx, N>,
        _desc: &FunctionDescription,
        _param: &str,
    ) -> HPyResult<Self> {
        m.varargs().to_tuple().map(crate::Tuple::into_handle)
    }
}

impl<'ctx> FromVarArgs<'_, 'ctx> for crate::Tuple<'ctx> {
    fn from_varargs<const N: usize>(
        m: &Matched<'_, 'ctx, N>,
        _desc: &FunctionDescription,
        _param: &str,
    ) -> HPyResult<Self> {
        m.varargs().to_tuple()
    }
}

impl<'m, 'ctx> FromVarArgs<'m, 'ctx> for crate::VarArgs<'m, 'ctx> {
    #[inline(always)]
    fn from_varargs<const N: usize>(
        m: &'m Matched<'m, 'ctx, N>,
        _desc: &FunctionDescription,
        _param: &str,
    ) -> HPyResult<Self> {
        Ok(m.varargs())
    }
}

impl<'ctx, T: for<'a> FromPython<'a, 'ctx>> FromVarArgs<'_, 'ctx> for Vec<T> {
    fn from_varargs<const N: usize>(
        m: &Matched<'_, 'ctx, N>,
        desc: &FunctionDescription,
        param: &str,
    ) -> HPyResult<Self> {
        m.varargs_vec(desc, param)
    }
}

/// Types a `**kwargs` parameter can have: `Option<Handle>` (a dict, or `None` when there are no
/// extra keywords), `Handle` or `Dict` (always a dict), or a Rust map (`HashMap`, `BTreeMap`,
/// optionally in an `Option`) whose keys and values are converted; a value that does not convert
/// names the function and the keyword (`f() argument 'flag': must be bool, not str`).
pub trait FromVarKw<'ctx>: Sized {
    /// Takes the extra keyword arguments of the call.
    fn from_varkw<const N: usize>(
        m: &Matched<'_, 'ctx, N>,
        desc: &FunctionDescription,
    ) -> HPyResult<Self>;
}

impl<'ctx> FromVarKw<'ctx> for Option<Handle<'ctx>> {
    fn from_varkw<const N: usize>(
        m: &Matched<'_, 'ctx, N>,
        _desc: &FunctionDescription,
    ) -> HPyResult<Self> {
        m.varkw_dict()
    }
}

impl<'ctx> FromVarKw<'ctx> for Handle<'ctx> {
    fn from_varkw<const N: usize>(
        m: &Matched<'_, 'ctx, N>,
        _desc: &FunctionDescription,
    ) -> HPyResult<Self> {
        match m.varkw_dict()? {
            Some(d) => Ok(d),
            // SAFETY: a new dict, or NULL with an exception set.
            None => unsafe { m.ctx.own(call!(m.ctx, ctx_Dict_New)) },
        }
    }
}

impl<'ctx> FromVarKw<'ctx> for crate::Dict<'ctx> {
    fn from_varkw<const N: usize>(
        m: &Matched<'_, 'ctx, N>,
        desc: &FunctionDescription,
    ) -> HPyResult<Self> {
        Handle::from_varkw(m, desc).map(crate::Dict::new_unchecked)
    }
}

impl<'ctx, const N: usize> Matched<'_, 'ctx, N> {
    /// The extra keyword arguments converted pair by pair into a map; a failure names the
    /// function and the keyword.
    fn varkw_map<K, V, M>(&self, desc: &FunctionDescription) -> HPyResult<M>
    where
        K: for<'a> FromPython<'a, 'ctx>,
        V: for<'a> FromPython<'a, 'ctx>,
        M: FromIterator<(K, V)>,
    {
        self.extra_keywords
            .iter()
            .map(|(name, raw)| {
                // SAFETY: a borrowed argument handle of this call, never closed (ManuallyDrop).
                let value = unsafe { Handle::borrowed(self.ctx, *raw) };
                let named = |e: HPyErr| match name.extract::<&str>() {
                    Ok(n) => e.in_argument(desc.name, n),
                    Err(other) => {
                        other.discard(self.ctx);
                        e
                    }
                };
                Ok((
                    K::from_python(name).map_err(named)?,
                    V::from_python(&value).map_err(named)?,
                ))
            })
            .collect()
    }
}

macro_rules! map_varkw {
    ($($map:ident<$($bound:path),*>),*) => {$(
        impl<'ctx, K, V> FromVarKw<'ctx> for Option<std::collections::$map<K, V>>
        where
            K: for<'a> FromPython<'a, 'ctx> $(+ $bound)*,
            V: for<'a> FromPython<'a, 'ctx>,
        {
            fn from_varkw<const N: usize>(
                m: &Matched<'_, 'ctx, N>,
                desc: &FunctionDescription,
            ) -> HPyResult<Self> {
                if m.extra_keywords.is_empty() {
                    return Ok(None);
                }
                m.varkw_map(desc).map(Some)
            }
        }

        impl<'ctx, K, V> FromVarKw<'ctx> for std::collections::$map<K, V>
        where
            K: for<'a> FromPython<'a, 'ctx> $(+ $bound)*,
            V: for<'a> FromPython<'a, 'ctx>,
        {
            fn from_varkw<const N: usize>(
                m: &Matched<'_, 'ctx, N>,
                desc: &FunctionDescription,
            ) -> HPyResult<Self> {
                m.varkw_map(desc)
            }
        }
    )*};
}

map_varkw!(HashMap<Eq, core::hash::Hash>, BTreeMap<Ord>);

/// Converts the argument in slot `index`; a failure names the function and the parameter.
#[inline(always)]
pub fn extract<'a, 'ctx, T: FromPython<'a, 'ctx>>(
    slot: &'a Option<ManuallyDrop<Handle<'ctx>>>,
    desc: &FunctionDescription,
    index: usize,
) -> HPyResult<T> {
    match slot {
        Some(h) => T::from_python(h).map_err(|e| e.in_argument(desc.name, desc.params[index])),
        None => Err(missing_after_matching()),
    }
}

/// The error for a required parameter found empty after matching, which the matching rules out
/// (and the O convention's runtime, which never passes NULL). An `extern "C"` function cannot
/// unwind (a panic would abort), so a trampoline whose other calls cannot unwind either needs no
/// landing pad, and no register saving for one, on its fast path.
#[cold]
#[inline(never)]
extern "C" fn missing_after_matching() -> HPyErr {
    HPyErr::system_error("required argument missing after matching")
}

/// Like [`extract`], for an optional parameter: a missing argument gives `T::default()`.
#[inline(always)]
pub fn extract_optional<'a, 'ctx, T: FromPython<'a, 'ctx> + Default>(
    slot: &'a Option<ManuallyDrop<Handle<'ctx>>>,
    desc: &FunctionDescription,
    index: usize,
) -> HPyResult<T> {
    match slot {
        Some(_) => extract(slot, desc, index),
        None => Ok(T::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADD: FunctionDescription = FunctionDescription::simple("add", &["a", "b"], 2);
    const OPT: FunctionDescription = FunctionDescription::simple("f", &["a", "b", "c"], 1);
    const ONE: FunctionDescription = FunctionDescription::simple("g", &["x"], 1);
    // def k(a, /, b, *, c, d=1)
    const KW: FunctionDescription = FunctionDescription {
        name: "k",
        params: &["a", "b", "c", "d"],
        positional_only: 1,
        positional: 2,
        required_positional: 2,
        required_keyword_only: &[true, false],
        varargs: false,
        varkw: false,
    };

    fn h(present: bool) -> sys::HPy {
        sys::HPy {
            _i: present as isize,
        }
    }

    #[test]
    fn too_many_positional_matches_cpython() {
        assert_eq!(
            too_many_positional(&ADD, 3, &[h(true); 2]).message(),
            Some("add() takes 2 positional arguments but 3 were given")
        );
        assert_eq!(
            too_many_positional(&ONE, 2, &[h(true)]).message(),
            Some("g() takes 1 positional argument but 2 were given")
        );
        assert_eq!(
            too_many_positional(&OPT, 4, &[h(true); 3]).message(),
            Some("f() takes from 1 to 3 positional arguments but 4 were given")
        );
        let slots = [h(true), h(true), h(true), h(false)];
        assert_eq!(
            too_many_positional(&KW, 3, &slots).message(),
            Some("k() takes 2 positional arguments but 3 positional arguments (and 1 keyword-only argument) were given")
        );
    }

    #[test]
    fn missing_matches_cpython() {
        assert_eq!(
            missing(&ADD, &[h(true), h(false)], false).message(),
            Some("add() missing 1 required positional argument: 'b'")
        );
        assert_eq!(
            missing(&ADD, &[h(false), h(false)], false).message(),
            Some("add() missing 2 required positional arguments: 'a' and 'b'")
        );
        let three = FunctionDescription::simple("t", &["a", "b", "c"], 3);
        assert_eq!(
            missing(&three, &[h(false); 3], false).message(),
            Some("t() missing 3 required positional arguments: 'a', 'b', and 'c'")
        );
        assert_eq!(
            missing(&KW, &[h(true), h(true), h(false), h(false)], true).message(),
            Some("k() missing 1 required keyword-only argument: 'c'")
        );
    }

    #[test]
    fn argument_context_prefixes_lazy_errors_only() {
        let e = HPyErr::type_error("must be str, not int").in_argument("greet", "name");
        assert_eq!(
            e.message(),
            Some("greet() argument 'name': must be str, not int")
        );
        assert_eq!(e.exception_type(), Some(crate::ExceptionType::TypeError));
        let pending = HPyErr::fetch().in_argument("greet", "name");
        assert!(pending.is_set());
        assert_eq!(pending.message(), None);
    }
}
