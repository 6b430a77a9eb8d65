//! `bool`, `f64`, `f32` and [`Truthy`].

use crate::conversion::take_pending;
use crate::conversion::wrong_type;
use crate::{Context, FromPython, HPyErr, HPyResult, Handle, IntoPython};

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
