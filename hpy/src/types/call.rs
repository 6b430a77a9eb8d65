//! Calling Python objects: positional arguments, keyword arguments and method calls; Rust
//! tuples as arguments and as Python tuples.

use crate::handle::raw_or_null;
use crate::sys;
use crate::types::object::AttrName;
use crate::{Context, HPyErr, HPyResult, Handle, IntoPython};

/// Positional arguments of a call: `()`, a tuple of up to 12 convertible values, or a slice of
/// handles.
pub trait Args<'ctx> {
    /// Calls `f` with the arguments as raw handles, valid during the call.
    #[doc(hidden)]
    fn with_args<R>(self, ctx: Context<'ctx>, f: impl FnOnce(&[sys::HPy]) -> R) -> HPyResult<R>;
}

impl<'ctx> Args<'ctx> for () {
    #[inline]
    fn with_args<R>(self, _ctx: Context<'ctx>, f: impl FnOnce(&[sys::HPy]) -> R) -> HPyResult<R> {
        Ok(f(&[]))
    }
}

impl<'ctx> Args<'ctx> for &[Handle<'ctx>] {
    fn with_args<R>(self, _ctx: Context<'ctx>, f: impl FnOnce(&[sys::HPy]) -> R) -> HPyResult<R> {
        let raw: Vec<sys::HPy> = self.iter().map(Handle::as_raw).collect();
        Ok(f(&raw))
    }
}

impl<'ctx> Args<'ctx> for &Vec<Handle<'ctx>> {
    fn with_args<R>(self, ctx: Context<'ctx>, f: impl FnOnce(&[sys::HPy]) -> R) -> HPyResult<R> {
        self.as_slice().with_args(ctx, f)
    }
}

/// Rust tuples as call arguments, and as Python tuples (`IntoPython` packs their arguments).
macro_rules! tuple_args {
    ($($n:literal: ($($t:ident $v:ident),+);)*) => {$(
        impl<'ctx, $($t: IntoPython<'ctx>),+> Args<'ctx> for ($($t,)+) {
            fn with_args<R>(
                self,
                ctx: Context<'ctx>,
                f: impl FnOnce(&[sys::HPy]) -> R,
            ) -> HPyResult<R> {
                let ($($v,)+) = self;
                let items: [Handle<'ctx>; $n] = [$($v.into_python(ctx)?),+];
                let raw: [sys::HPy; $n] = core::array::from_fn(|i| items[i].as_raw());
                Ok(f(&raw))
            }
        }

        impl<'ctx, $($t: IntoPython<'ctx>),+> IntoPython<'ctx> for ($($t,)+) {
            /// A `tuple`.
            fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
                crate::Tuple::pack(ctx, self).map(Handle::from)
            }
        }
    )*};
}

tuple_args! {
    1: (A a);
    2: (A a, B b);
    3: (A a, B b, C c);
    4: (A a, B b, C c, D d);
    5: (A a, B b, C c, D d, E e);
    6: (A a, B b, C c, D d, E e, F f);
    7: (A a, B b, C c, D d, E e, F f, G g);
    8: (A a, B b, C c, D d, E e, F f, G g, H h);
    9: (A a, B b, C c, D d, E e, F f, G g, H h, I i);
    10: (A a, B b, C c, D d, E e, F f, G g, H h, I i, J j);
    11: (A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k);
    12: (A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l);
}

/// Keyword arguments of a call: a slice of `(name, value)` pairs, in order.
pub type Kwargs<'a, 'ctx> = &'a [(&'a str, Handle<'ctx>)];

impl<'ctx> Handle<'ctx> {
    /// Whether the object can be called (`callable(self)`).
    pub fn is_callable(&self) -> bool {
        // SAFETY: the handle is open.
        unsafe { call!(self.ctx(), ctx_Callable_Check, self.as_raw()) != 0 }
    }

    /// `self(*args)`, e.g. `f.call((1, "two"))` or `f.call(())`.
    pub fn call<A: Args<'ctx>>(&self, args: A) -> HPyResult<Handle<'ctx>> {
        let ctx = self.ctx();
        args.with_args(ctx, |a| call_raw(ctx, self.as_raw(), a, a.len(), None))?
    }

    /// `self(*args, **kwargs)` with the keyword arguments given as `(name, value)` pairs.
    pub fn call_kw<A: Args<'ctx>>(
        &self,
        args: A,
        kwargs: Kwargs<'_, 'ctx>,
    ) -> HPyResult<Handle<'ctx>> {
        let ctx = self.ctx();
        let names = kwargs
            .iter()
            .map(|(n, _)| crate::types::str::new_str(ctx, n))
            .collect::<HPyResult<Vec<_>>>()?;
        let names = crate::types::tuple::tuple_from_handles(ctx, &names)?;
        args.with_args(ctx, |a| {
            let mut all: Vec<sys::HPy> = Vec::with_capacity(a.len() + kwargs.len());
            all.extend_from_slice(a);
            all.extend(kwargs.iter().map(|(_, v)| v.as_raw()));
            call_raw(ctx, self.as_raw(), &all, a.len(), Some(&names))
        })?
    }

    /// `self(*args, **kwargs)` with `args` a tuple and `kwargs` a dict (`HPy_CallTupleDict`);
    /// `None` stands for no arguments of that kind.
    pub fn call_tuple_dict(
        &self,
        args: Option<&Handle<'ctx>>,
        kwargs: Option<&Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        let ctx = self.ctx();
        // SAFETY: the handles are open (or NULL where HPy allows it); the result is owned or
        // NULL with an exception set.
        let result = unsafe {
            ctx.own(call!(
                ctx,
                ctx_CallTupleDict,
                self.as_raw(),
                raw_or_null(args),
                raw_or_null(kwargs)
            ))
        };
        // Both runtimes check the types themselves (before calling): only a failed call pays for
        // the checks that name the wrong type.
        result.map_err(|e| call_tuple_dict_error(e, args, kwargs))
    }

    /// The vectorcall form (`HPy_Call`): `args` holds the positional arguments followed by the
    /// values of the keyword arguments, whose names are the `str` items of the tuple `kwnames`.
    pub fn vectorcall(
        &self,
        args: &[Handle<'ctx>],
        kwnames: Option<&Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        let nkw = match kwnames {
            None => 0,
            Some(k) => k.len()?,
        };
        if nkw > args.len() {
            return Err(HPyErr::value_error(
                "vectorcall: more keyword names than arguments",
            ));
        }
        if let Some(k) = kwnames {
            if !k.is_tuple() {
                return Err(HPyErr::type_error("vectorcall: kwnames must be a tuple"));
            }
        }
        let raw: Vec<sys::HPy> = args.iter().map(Handle::as_raw).collect();
        call_raw(self.ctx(), self.as_raw(), &raw, raw.len() - nkw, kwnames)
    }

    /// `self.name(*args)`, e.g. `s.call_method("split", (",",))`.
    pub fn call_method<N: AttrName<'ctx>, A: Args<'ctx>>(
        &self,
        name: N,
        args: A,
    ) -> HPyResult<Handle<'ctx>> {
        let ctx = self.ctx();
        let name = match name.key() {
            crate::types::object::KeyRef::Object(h) => h.clone(),
            crate::types::object::KeyRef::Str(s) => crate::types::str::new_str(ctx, s)?,
            crate::types::object::KeyRef::Index(_) => {
                unreachable!("attribute names are never indices")
            }
        };
        args.with_args(ctx, |a| {
            let mut all: Vec<sys::HPy> = Vec::with_capacity(a.len() + 1);
            all.push(self.as_raw());
            all.extend_from_slice(a);
            // SAFETY: every handle in `all` is open for the call and `all[0]` is the receiver;
            // the result is owned or NULL with an exception set.
            unsafe {
                ctx.own(call!(
                    ctx,
                    ctx_CallMethod,
                    name.as_raw(),
                    all.as_ptr(),
                    all.len(),
                    sys::HPy_NULL
                ))
            }
        })?
    }

    /// `getattr(self, name)(*args, **kwargs)` with a tuple and a dict
    /// (`HPy_CallMethodTupleDict`).
    pub fn call_method_tuple_dict<N: AttrName<'ctx>>(
        &self,
        name: N,
        args: Option<&Handle<'ctx>>,
        kwargs: Option<&Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        self.get_attr(name)?.call_tuple_dict(args, kwargs)
    }
}

/// `HPy_Call` with `nargs` positional arguments; the rest of `args` are keyword values.
fn call_raw<'ctx>(
    ctx: Context<'ctx>,
    callable: sys::HPy,
    args: &[sys::HPy],
    nargs: usize,
    kwnames: Option<&Handle<'ctx>>,
) -> HPyResult<Handle<'ctx>> {
    // SAFETY: the caller passes open handles; `args` has `nargs` positional items followed by
    // one value per keyword name. The result is owned or NULL with an exception set.
    unsafe {
        ctx.own(call!(
            ctx,
            ctx_Call,
            callable,
            args.as_ptr(),
            nargs,
            raw_or_null(kwnames)
        ))
    }
}

/// The error of a failed `call_tuple_dict`: the runtime's own `TypeError` for an `args` that is
/// not a tuple or a `kwargs` that is not a dict is replaced by one that names the type.
#[cold]
fn call_tuple_dict_error<'ctx>(
    e: HPyErr,
    args: Option<&Handle<'ctx>>,
    kwargs: Option<&Handle<'ctx>>,
) -> HPyErr {
    let (what, expected, wrong) = match (args, kwargs) {
        (Some(a), _) if !a.is_tuple() => ("args", "a tuple", a),
        (_, Some(k)) if !k.is_dict() => ("kwargs", "a dict", k),
        _ => return e,
    };
    let ctx = wrong.ctx();
    e.discard(ctx);
    HPyErr::type_error(format!(
        "call_tuple_dict: {what} must be {expected}, not {}",
        wrong.type_name()
    ))
}
