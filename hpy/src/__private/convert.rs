//! What the generated `call` of a method, property or special method uses besides the
//! signature table: the instance, and the conversions of arguments and results.

use core::mem::ManuallyDrop;

use super::{BinarySlot, Reflected, TernarySlot};
use crate::class::HPyClass;
use crate::{Context, HPyErr, HPyResult, Handle};

/// `self` of a method or slot, which the runtime has type-checked (CPython's and PyPy's method
/// descriptors and slot wrappers both do).
///
/// # Safety
///
/// `h` must be an instance of `T`'s type or of a subtype.
#[inline(always)]
pub unsafe fn this<'ctx, T: HPyClass>(
    h: &Handle<'ctx>,
) -> HPyResult<ManuallyDrop<crate::Obj<'ctx, T>>> {
    if T::SPEC.subclass || T::SPEC.shape != crate::BuiltinShape::Object {
        crate::class::check_subclass_instance::<T>(h)?;
    }
    // SAFETY: forwarded; the copy of the borrowed handle is never closed (ManuallyDrop).
    unsafe {
        let raw = Handle::borrowed(h.ctx(), h.as_raw());
        Ok(ManuallyDrop::new(crate::Obj::unchecked(
            ManuallyDrop::into_inner(raw),
        )))
    }
}

/// `self` of a property getter or setter named `name`. CPython's property descriptors check its
/// type; PyPy's HPy does not (`Type.prop.__get__(5)` reaches the getter), so there it is checked
/// here, with CPython's message.
#[inline(always)]
pub fn attr_this<'ctx, T: HPyClass>(
    h: &Handle<'ctx>,
    name: &str,
) -> HPyResult<ManuallyDrop<crate::Obj<'ctx, T>>> {
    if !crate::runtime_check::is_cpython() && !crate::Obj::<T>::is_instance(h)? {
        return Err(foreign_self::<T>(h, name));
    }
    // SAFETY: CPython's descriptor has checked `h`, or it was checked just above.
    unsafe { this::<T>(h) }
}

#[cold]
fn foreign_self<T: HPyClass>(h: &Handle<'_>, name: &str) -> HPyErr {
    let msg = format!(
        "descriptor '{name}' for '{}' objects doesn't apply to a '{}' object",
        T::SPEC.py_name(),
        h.type_name()
    );
    HPyErr::type_error(msg)
}

/// `HPy_New` for a `#[new]` on the type it was called with.
pub fn new_instance<'ctx, T: HPyClass>(
    ctx: Context<'ctx>,
    cls: &Handle<'ctx>,
    value: T,
) -> HPyResult<Handle<'ctx>> {
    // SAFETY: `tp_new` of `T`'s type is only called with that type or a subtype.
    unsafe { crate::Obj::new_of_type(ctx, cls, value).map(crate::Obj::into_handle) }
}

/// Finishes a `#[new]`: creates the instance of `cls` holding the returned value.
pub fn finish_new<'a, 'ctx, T: HPyClass, R: IntoValue<T>>(
    ctx: Context<'ctx>,
    cls: &'a Handle<'ctx>,
) -> impl FnOnce(R) -> HPyResult<Handle<'ctx>> + 'a {
    move |r| new_instance::<T>(ctx, cls, r.into_value()?)
}

/// The operand of a binary operator that is an instance of `T`, if it is one.
pub fn operand<'ctx, T: HPyClass>(h: &Handle<'ctx>) -> HPyResult<Option<crate::Obj<'ctx, T>>> {
    crate::Obj::<T>::cast(h)
}

/// A hash as CPython wants it: -1 is reserved for errors.
pub fn fix_hash(h: isize) -> isize {
    if h == -1 {
        -2
    } else {
        h
    }
}

/// The value given to a property setter; `del obj.attr` and conversion errors name the attribute.
pub fn setter_value<'a, 'ctx, T>(v: Option<&'a Handle<'ctx>>, name: &str) -> HPyResult<T>
where
    T: crate::FromPython<'a, 'ctx>,
{
    let v = v.ok_or_else(|| HPyErr::type_error(format!("cannot delete attribute '{name}'")))?;
    T::from_python(v).map_err(|e| match (e.exception_type(), e.message()) {
        (Some(ty), Some(msg)) => HPyErr::new(ty, format!("attribute '{name}' {msg}")),
        _ => e,
    })
}

/// What a special method may return: a plain value or an `HPyResult` of it (`#[new]`, setters,
/// `__bool__`, `__len__`, `__contains__`, `__setitem__`, `__delitem__`, `__del__`).
pub trait IntoValue<T> {
    /// The value or the error.
    fn into_value(self) -> HPyResult<T>;
}
impl<T> IntoValue<T> for T {
    fn into_value(self) -> HPyResult<T> {
        Ok(self)
    }
}
impl<T> IntoValue<T> for HPyResult<T> {
    fn into_value(self) -> HPyResult<T> {
        self
    }
}

/// A length as `Py_ssize_t`.
pub fn len_value(n: usize) -> HPyResult<isize> {
    isize::try_from(n).map_err(|_| {
        HPyErr::overflow_error("__len__() should return a value that fits in Py_ssize_t")
    })
}

/// What `__hash__` may return: an integer (or an `HPyResult` of one); -1 becomes -2.
pub trait IntoHash {
    /// The hash.
    fn into_hash(self) -> HPyResult<isize>;
}
macro_rules! into_hash {
    ($($t:ty),*) => {$(
        impl IntoHash for $t {
            fn into_hash(self) -> HPyResult<isize> {
                Ok(fix_hash(self as isize))
            }
        }
        impl IntoHash for HPyResult<$t> {
            fn into_hash(self) -> HPyResult<isize> {
                self.map(|h| fix_hash(h as isize))
            }
        }
    )*};
}
into_hash!(isize, usize, i64, u64, i32, u32);

/// [`Reflected`] for an operator's slot: the slot called with the operands swapped (and, for
/// `__pow__`, without a modulo).
macro_rules! swapped {
    ($($(#[$doc:meta])* $Swap:ident: $Slot:ident |$ctx:ident| ($($modulo:tt)*);)*) => {$(
        $(#[$doc])*
        pub struct $Swap<M>(core::marker::PhantomData<M>);
        impl<M: $Slot> Reflected for $Swap<M> {
            const NAME: &'static str = M::NAME;
            fn call<'ctx>(
                $ctx: Context<'ctx>,
                this: &Handle<'ctx>,
                other: &Handle<'ctx>,
            ) -> HPyResult<Handle<'ctx>> {
                M::call($ctx, other, this $($modulo)*)
            }
        }
    )*};
}
swapped! {
    /// [`Reflected`] for a [`BinarySlot`].
    Swap: BinarySlot |ctx| ();
    /// [`Reflected`] for `__pow__` (a [`TernarySlot`]) without a modulo.
    SwapPow: TernarySlot |ctx| (, &ctx.none());
}

/// Finishes a `__next__`: `Some(value)` is the next item, `None` raises `StopIteration`.
pub fn iter_next<'ctx, R: IntoIterNext<'ctx>>(
    ctx: Context<'ctx>,
) -> impl FnOnce(R) -> HPyResult<Handle<'ctx>> {
    move |r| match r.into_iter_next()? {
        Some(v) => crate::IntoPython::into_python(v, ctx),
        None => Err(HPyErr::new(crate::ExceptionType::StopIteration, "")),
    }
}

/// What `__next__` may return: `Option<T>` or `HPyResult<Option<T>>` of a convertible `T`.
#[diagnostic::on_unimplemented(
    message = "`__next__` returns `Option<T>` (`None` ends the iteration) or `HPyResult<Option<T>>`, not `{Self}`",
    label = "must be `Option<T>` or `HPyResult<Option<T>>`"
)]
pub trait IntoIterNext<'ctx> {
    /// The item type.
    type Item: crate::IntoPython<'ctx>;
    /// The next item, none, or the error.
    fn into_iter_next(self) -> HPyResult<Option<Self::Item>>;
}
impl<'ctx, T: crate::IntoPython<'ctx>> IntoIterNext<'ctx> for Option<T> {
    type Item = T;
    fn into_iter_next(self) -> HPyResult<Option<T>> {
        Ok(self)
    }
}
impl<'ctx, T: crate::IntoPython<'ctx>> IntoIterNext<'ctx> for HPyResult<Option<T>> {
    type Item = T;
    fn into_iter_next(self) -> HPyResult<Option<T>> {
        self
    }
}
