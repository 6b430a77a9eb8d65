//! The conversion traits between Python objects and Rust values ([`FromPython`],
//! [`IntoPython`]), their impls for handles, `Option` and `()`, and the helpers the impls share.
//! The impls for Rust's other types are in `conversions/`.

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
        // SAFETY: a new empty list, owned, or NULL with an exception set.
        let list = unsafe { ctx.own(call!(ctx, ctx_List_New, 0))? };
        for item in v {
            item.with_raw(ctx, |raw| {
                // SAFETY: both handles are open; Append does not steal the item.
                crate::err::status(unsafe { call!(ctx, ctx_List_Append, list.as_raw(), raw) })
            })??;
        }
        Ok(list)
    }
}

/// Whether `obj` is an instance of the built-in type in context member `ty`.
#[inline(always)]
pub(crate) fn type_check<'ctx>(obj: &Handle<'ctx>, ty: fn(Context<'ctx>) -> sys::HPy) -> bool {
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

impl<'ctx> Handle<'ctx> {
    /// Converts the object into a Rust value.
    #[inline]
    pub fn extract<'a, T: FromPython<'a, 'ctx>>(&'a self) -> HPyResult<T> {
        T::from_python(self)
    }
}

impl<'ctx> Context<'ctx> {
    /// Converts a Rust value into a new Python object.
    #[inline]
    pub fn to_py<T: IntoPython<'ctx>>(self, value: T) -> HPyResult<Handle<'ctx>> {
        value.into_python(self)
    }
}
