//! The conversion traits between Python objects and Rust values, and the simple impls.

use crate::sys;
use crate::{Context, HPyErr, HPyResult, Handle};

/// Rust values that can be taken from a Python object.
///
/// `'a` is how long the source handle is borrowed, so borrowed views such as `&'a str` are tied to
/// the handle and cannot outlive it. Failures return an error that has not been raised yet
/// whenever the conversion itself detects the problem, so that argument extraction can name the
/// argument in the message.
pub trait FromPython<'a, 'ctx>: Sized {
    /// Converts the object behind `obj`.
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self>;

    /// `Vec<Self>` straight from the contents of a `bytes` object, for `Vec<u8>`.
    #[doc(hidden)]
    #[inline(always)]
    fn vec_from_bytes(_bytes: &[u8]) -> Option<Vec<Self>> {
        None
    }
}

/// Rust values that can become a (new) Python object.
pub trait IntoPython<'ctx>: Sized {
    /// Creates the Python object.
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>>;

    /// Calls `f` with a raw handle to the value, valid during the call. Handles are lent as they
    /// are (no `Dup`/`Close`); other values are converted first. Used for arguments of HPy calls.
    #[doc(hidden)]
    #[inline(always)]
    fn with_raw<R>(self, ctx: Context<'ctx>, f: impl FnOnce(sys::HPy) -> R) -> HPyResult<R> {
        let h = self.into_python(ctx)?;
        Ok(f(h.as_raw()))
    }

    /// Converts a `Vec<Self>`: a `list`, except for `Vec<u8>`, which becomes `bytes`.
    #[doc(hidden)]
    fn vec_into_python(v: Vec<Self>, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        crate::collections::list_from_iter(ctx, v.into_iter()).map(Handle::from)
    }
}

/// Whether `obj` is an instance of the built-in type in context member `ty`.
#[inline(always)]
pub(crate) fn type_check(obj: &Handle<'_>, ty: fn(Context<'_>) -> sys::HPy) -> bool {
    let ctx = obj.ctx();
    // SAFETY: `obj` is open and the type is a context constant.
    unsafe { call!(ctx, ctx_TypeCheck, obj.as_raw(), ty(ctx)) != 0 }
}

/// `"must be <expected>, not <type of obj>"` as a `TypeError`.
#[cold]
pub(crate) fn wrong_type(obj: &Handle<'_>, expected: &str) -> HPyErr {
    HPyErr::type_error(format!("must be {expected}, not {}", obj.type_name()))
}

/// If the pending exception is of type `ty`, clears it and returns true.
#[cold]
pub(crate) fn take_pending(ctx: Context<'_>, ty: crate::ExceptionType) -> bool {
    let e = HPyErr::fetch();
    if e.matches(ctx, ty) {
        e.discard(ctx);
        true
    } else {
        let _ = e;
        false
    }
}

impl<'a, 'ctx> FromPython<'a, 'ctx> for &'a Handle<'ctx> {
    #[inline(always)]
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        Ok(obj)
    }
}

impl<'a, 'ctx> FromPython<'a, 'ctx> for Handle<'ctx> {
    #[inline(always)]
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        Ok(obj.clone())
    }
}

/// A parameter read by truthiness, like C's `"p"` format: any object, `bool(obj)`.
///
/// `bool` parameters accept only `True` and `False`; `Truthy` accepts what `if obj:` accepts
/// (and passes on the error of a failing `__bool__`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Truthy(pub bool);

impl<'a, 'ctx> FromPython<'a, 'ctx> for Truthy {
    #[inline]
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        obj.is_true().map(Truthy)
    }
}

impl<'ctx> IntoPython<'ctx> for Truthy {
    #[inline]
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        self.0.into_python(ctx)
    }
}

impl<'a, 'ctx, T: FromPython<'a, 'ctx>> FromPython<'a, 'ctx> for Option<T> {
    #[inline]
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        if obj.is_none() {
            Ok(None)
        } else {
            T::from_python(obj).map(Some)
        }
    }
}

impl<'a, 'ctx> FromPython<'a, 'ctx> for bool {
    /// Only `True` and `False` convert; anything else is a `TypeError` (use
    /// [`Handle::is_true`] for truthiness).
    #[inline]
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        let ctx = obj.ctx();
        let (t, f) = (crate::ffi::h_True(ctx), crate::ffi::h_False(ctx));
        // SAFETY: `obj` is open and the others are constants.
        unsafe {
            if call!(ctx, ctx_Is, obj.as_raw(), t) != 0 {
                Ok(true)
            } else if call!(ctx, ctx_Is, obj.as_raw(), f) != 0 {
                Ok(false)
            } else {
                Err(wrong_type(obj, "bool"))
            }
        }
    }
}

impl<'a, 'ctx> FromPython<'a, 'ctx> for f64 {
    /// Accepts `float`, `int` and objects with `__float__` or `__index__`, like `float()`'s C API.
    #[inline]
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        let ctx = obj.ctx();
        // SAFETY: `obj` is open.
        let v = unsafe { call!(ctx, ctx_Float_AsDouble, obj.as_raw()) };
        if v == -1.0 && ctx.err_occurred() {
            return Err(float_error(obj));
        }
        Ok(v)
    }
}

#[cold]
fn float_error(obj: &Handle<'_>) -> HPyErr {
    let ctx = obj.ctx();
    if take_pending(ctx, crate::ExceptionType::TypeError) {
        wrong_type(obj, "real number")
    } else if take_pending(ctx, crate::ExceptionType::OverflowError) {
        HPyErr::overflow_error("int too large to convert to float")
    } else {
        HPyErr::fetch()
    }
}

impl<'a, 'ctx> FromPython<'a, 'ctx> for f32 {
    /// As for `f64`, then rounded to the nearest `f32` (like the `f` format of `PyArg_Parse`).
    #[inline]
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        f64::from_python(obj).map(|v| v as f32)
    }
}

impl<'ctx> IntoPython<'ctx> for Handle<'ctx> {
    #[inline(always)]
    fn into_python(self, _ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        Ok(self)
    }
}

impl<'ctx> IntoPython<'ctx> for &Handle<'ctx> {
    #[inline(always)]
    fn into_python(self, _ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        Ok(self.clone())
    }

    #[inline(always)]
    fn with_raw<R>(self, _ctx: Context<'ctx>, f: impl FnOnce(sys::HPy) -> R) -> HPyResult<R> {
        Ok(f(self.as_raw()))
    }
}

impl<'ctx, T: IntoPython<'ctx>> IntoPython<'ctx> for Option<T> {
    #[inline]
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        match self {
            Some(v) => v.into_python(ctx),
            None => Ok(ctx.none()),
        }
    }
}

impl<'ctx> IntoPython<'ctx> for () {
    #[inline(always)]
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        Ok(ctx.none())
    }
}

impl<'ctx> IntoPython<'ctx> for bool {
    #[inline(always)]
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        // SAFETY: plain value conversion; the result is a new handle to True or False.
        unsafe { ctx.own(call!(ctx, ctx_Bool_FromBool, self)) }
    }
}

impl<'ctx> IntoPython<'ctx> for f64 {
    #[inline]
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        // SAFETY: plain value conversion; NULL means an exception was set.
        unsafe { ctx.own(call!(ctx, ctx_Float_FromDouble, self)) }
    }
}

impl<'ctx> IntoPython<'ctx> for f32 {
    #[inline]
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        f64::from(self).into_python(ctx)
    }
}
