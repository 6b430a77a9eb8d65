//! Matching a call's positional and keyword arguments to a function's parameters.

use std::mem::ManuallyDrop;

use crate::sys;
use crate::{Context, FromPython, HPyErr, HPyResult, Handle};

/// A function's Python name and parameters, as the argument matcher needs them.
pub struct FunctionDescription {
    /// The Python name, used in error messages.
    pub name: &'static str,
    /// Parameter names, in order; all are positional-or-keyword.
    pub params: &'static [&'static str],
    /// How many leading parameters are required (the rest default to None).
    pub required: usize,
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
    /// `kwnames` (or `kwnames` is NULL), all borrowed and valid for the call.
    pub(crate) unsafe fn new(args: *const sys::HPy, nargs: usize, kwnames: sys::HPy) -> Self {
        RawArgs {
            args,
            nargs,
            kwnames,
            _call: std::marker::PhantomData,
        }
    }
}

/// The matched arguments: one borrowed handle (never closed) or `None` per parameter.
pub type Slots<'ctx, const N: usize> = [Option<ManuallyDrop<Handle<'ctx>>>; N];

/// Matches positional and keyword arguments to the `N` parameters of `desc`, raising the
/// `TypeError`s CPython raises for a Python function with the same parameters.
///
/// A call with only positional arguments allocates nothing and makes no context calls.
#[inline]
pub fn parse_args<'ctx, const N: usize>(
    ctx: Context<'ctx>,
    desc: &FunctionDescription,
    raw: RawArgs<'_>,
) -> HPyResult<Slots<'ctx, N>> {
    debug_assert_eq!(desc.params.len(), N);
    if raw.nargs > N {
        return Err(too_many_positional(desc, raw.nargs));
    }
    let mut slots = [sys::HPy_NULL; N];
    // SAFETY: `raw.args` holds at least `raw.nargs` handles (see `RawArgs::new`).
    let positional = unsafe { std::slice::from_raw_parts(raw.args, raw.nargs) };
    slots[..raw.nargs].copy_from_slice(positional);
    if raw.kwnames._i != 0 {
        match_keywords(ctx, desc, raw, &mut slots)?;
    }
    if slots[..desc.required].iter().any(|h| h._i == 0) {
        return Err(missing(desc, &slots));
    }
    // SAFETY: every non-NULL slot is a borrowed argument handle, valid for the call and never
    // closed (ManuallyDrop).
    Ok(slots.map(|h| (h._i != 0).then(|| ManuallyDrop::new(unsafe { Handle::from_raw(ctx, h) }))))
}

#[inline(never)]
fn match_keywords(
    ctx: Context<'_>,
    desc: &FunctionDescription,
    raw: RawArgs<'_>,
    slots: &mut [sys::HPy],
) -> HPyResult<()> {
    // SAFETY: `kwnames` is a borrowed tuple handle of this call.
    let kwnames = ManuallyDrop::new(unsafe { Handle::from_raw(ctx, raw.kwnames) });
    // SAFETY: `kwnames` is open.
    let nkw = unsafe { call!(ctx, ctx_Length, kwnames.as_raw()) };
    if nkw < 0 {
        return Err(HPyErr::fetch());
    }
    for k in 0..nkw as usize {
        // SAFETY: `k` is in range; the result is a new handle or NULL with an exception.
        let name = unsafe {
            ctx.own(call!(
                ctx,
                ctx_GetItem_i,
                kwnames.as_raw(),
                k as sys::HPy_ssize_t
            ))
        }?;
        let name: &str = name.extract()?;
        match desc.params.iter().position(|p| *p == name) {
            Some(i) if slots[i]._i != 0 => {
                return Err(HPyErr::type_error(format!(
                    "{}() got multiple values for argument '{name}'",
                    desc.name
                )))
            }
            // SAFETY: the value of keyword `k` follows the positional arguments.
            Some(i) => slots[i] = unsafe { *raw.args.add(raw.nargs + k) },
            None => {
                return Err(HPyErr::type_error(format!(
                    "{}() got an unexpected keyword argument '{name}'",
                    desc.name
                )))
            }
        }
    }
    Ok(())
}

#[cold]
fn too_many_positional(desc: &FunctionDescription, given: usize) -> HPyErr {
    let n = desc.params.len();
    let takes = if desc.required == n {
        format!("{n} positional argument{}", if n == 1 { "" } else { "s" })
    } else {
        format!("from {} to {n} positional arguments", desc.required)
    };
    let were = if given == 1 { "was" } else { "were" };
    HPyErr::type_error(format!(
        "{}() takes {takes} but {given} {were} given",
        desc.name
    ))
}

#[cold]
fn missing(desc: &FunctionDescription, slots: &[sys::HPy]) -> HPyErr {
    let names: Vec<String> = (0..desc.required)
        .filter(|&i| slots[i]._i == 0)
        .map(|i| format!("'{}'", desc.params[i]))
        .collect();
    let list = match names.as_slice() {
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [init @ .., last] => format!("{}, and {last}", init.join(", ")),
        [] => String::new(),
    };
    let n = names.len();
    HPyErr::type_error(format!(
        "{}() missing {n} required positional argument{}: {list}",
        desc.name,
        if n == 1 { "" } else { "s" }
    ))
}

/// Converts the argument in slot `index`; a failure names the function and the parameter.
#[inline(always)]
pub fn extract<'a, 'ctx, T: FromPython<'a, 'ctx>>(
    slot: &'a Option<ManuallyDrop<Handle<'ctx>>>,
    desc: &FunctionDescription,
    index: usize,
) -> HPyResult<T> {
    match slot {
        Some(h) => T::from_python(h).map_err(|e| e.in_argument(desc.name, desc.params[index])),
        None => Err(HPyErr::system_error(
            "required argument missing after matching",
        )),
    }
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

    const ADD: FunctionDescription = FunctionDescription {
        name: "add",
        params: &["a", "b"],
        required: 2,
    };
    const OPT: FunctionDescription = FunctionDescription {
        name: "f",
        params: &["a", "b", "c"],
        required: 1,
    };
    const ONE: FunctionDescription = FunctionDescription {
        name: "g",
        params: &["x"],
        required: 1,
    };

    fn h(present: bool) -> sys::HPy {
        sys::HPy {
            _i: present as isize,
        }
    }

    #[test]
    fn too_many_positional_matches_cpython() {
        assert_eq!(
            too_many_positional(&ADD, 3).message(),
            Some("add() takes 2 positional arguments but 3 were given")
        );
        assert_eq!(
            too_many_positional(&ONE, 2).message(),
            Some("g() takes 1 positional argument but 2 were given")
        );
        assert_eq!(
            too_many_positional(&OPT, 4).message(),
            Some("f() takes from 1 to 3 positional arguments but 4 were given")
        );
    }

    #[test]
    fn missing_matches_cpython() {
        assert_eq!(
            missing(&ADD, &[h(true), h(false)]).message(),
            Some("add() missing 1 required positional argument: 'b'")
        );
        assert_eq!(
            missing(&ADD, &[h(false), h(false)]).message(),
            Some("add() missing 2 required positional arguments: 'a' and 'b'")
        );
        let three = FunctionDescription {
            name: "t",
            params: &["a", "b", "c"],
            required: 3,
        };
        assert_eq!(
            missing(&three, &[h(false); 3]).message(),
            Some("t() missing 3 required positional arguments: 'a', 'b', and 'c'")
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
