//! Errors that become Python exceptions.

use std::borrow::Cow;
use std::fmt;

mod exceptions;
pub(crate) mod panic;

pub use exceptions::ExceptionType;

use crate::Context;

/// The result type of everything that can raise a Python exception.
pub type HPyResult<T> = Result<T, HPyErr>;

/// A Python exception, either still to be raised or already set in the interpreter.
///
/// * Made by [`HPyErr::new`] (or a shorthand such as [`HPyErr::type_error`]): the exception is
///   raised when the error is returned from an `#[hpy_method]`.
/// * Returned by a failed HPy call ([`HPyErr::fetch`]): the runtime has already set the exception,
///   and the error stands for it. HPy 0.9 has no way to take an exception out of the interpreter,
///   so such an error must either be returned (the exception propagates) or be dropped with
///   [`HPyErr::discard`] (the exception is cleared). Dropping it otherwise leaves the exception set,
///   and the next return value is rejected by the interpreter with a `SystemError`.
#[must_use = "an HPyErr must be returned, or discarded with `HPyErr::discard`"]
#[repr(transparent)] // one nullable pointer, so a non-unwinding `extern "C"` function may return it
pub struct HPyErr(Option<Box<Lazy>>);

struct Lazy {
    ty: ExceptionType,
    msg: Cow<'static, str>,
}

/// Shorthand constructors, e.g. `HPyErr::type_error(msg)` for `TypeError(msg)`.
macro_rules! shorthands {
    ($($fn_name:ident => $ty:ident),* $(,)?) => {
        impl HPyErr {$(
            #[doc = concat!("`", stringify!($ty), "(msg)`.")]
            #[cold]
            pub fn $fn_name(msg: impl Into<Cow<'static, str>>) -> Self {
                Self::new(ExceptionType::$ty, msg)
            }
        )*}
    };
}

shorthands! {
    type_error => TypeError,
    value_error => ValueError,
    overflow_error => OverflowError,
    runtime_error => RuntimeError,
    key_error => KeyError,
    index_error => IndexError,
    system_error => SystemError,
}

impl HPyErr {
    /// An exception of type `ty` with message `msg`, raised when the error is returned.
    #[cold]
    pub fn new(ty: ExceptionType, msg: impl Into<Cow<'static, str>>) -> Self {
        HPyErr(Some(Box::new(Lazy {
            ty,
            msg: msg.into(),
        })))
    }

    /// The exception that the last failed HPy call has set in the interpreter.
    #[inline]
    pub fn fetch() -> Self {
        HPyErr(None)
    }

    /// Whether this error stands for an exception already set in the interpreter.
    pub fn is_set(&self) -> bool {
        self.0.is_none()
    }

    /// The exception type, if the error has not been raised yet.
    pub fn exception_type(&self) -> Option<ExceptionType> {
        self.0.as_ref().map(|l| l.ty)
    }

    /// The message, if the error has not been raised yet.
    pub fn message(&self) -> Option<&str> {
        self.0.as_ref().map(|l| &*l.msg)
    }

    /// Whether the exception is an instance of `ty` (or of a subclass).
    pub fn matches(&self, ctx: Context<'_>, ty: ExceptionType) -> bool {
        match &self.0 {
            // SAFETY: `ExceptionMatches` reads the current exception; the type is a constant.
            None => unsafe { call!(ctx, ctx_Err_ExceptionMatches, ty.raw(ctx)) != 0 },
            // SAFETY: both are type constants of the live context.
            Some(l) => unsafe { call!(ctx, ctx_Type_IsSubtype, l.ty.raw(ctx), ty.raw(ctx)) != 0 },
        }
    }

    /// Drops the error; if its exception is already set in the interpreter, clears it.
    pub fn discard(self, ctx: Context<'_>) {
        if self.0.is_none() {
            // SAFETY: clearing the thread's exception state is always allowed.
            unsafe { call!(ctx, ctx_Err_Clear) }
        }
    }

    /// Sets the exception in the interpreter (if it is not set already).
    pub fn restore(self, ctx: Context<'_>) {
        match self.0 {
            None => {
                // SAFETY: reading the thread's exception state.
                if unsafe { call!(ctx, ctx_Err_Occurred) } == 0 {
                    HPyErr::system_error("an HPy call failed without setting an exception")
                        .restore(ctx);
                }
            }
            Some(l) => {
                // If creating the message fails, that exception (e.g. MemoryError) is set instead.
                // SAFETY: the result is a new handle or NULL with an exception set.
                if let Ok(msg) = unsafe { ctx.own(crate::ffi::new_str(ctx, &l.msg)) } {
                    // SAFETY: the type is a context constant and `msg` an open handle; SetObject
                    // does not steal it.
                    unsafe { call!(ctx, ctx_Err_SetObject, l.ty.raw(ctx), msg.as_raw()) }
                }
            }
        }
    }

    /// Prefixes the message with where in a value the error is (`"item 2: "`, for an element of
    /// a collection). An exception already set is left as it is.
    #[cold]
    pub(crate) fn prefixed(self, prefix: core::fmt::Arguments<'_>) -> Self {
        match self.0 {
            Some(mut l) => {
                l.msg = format!("{prefix}{}", l.msg).into();
                HPyErr(Some(l))
            }
            None => self,
        }
    }

    /// Prefixes the message with the function and argument it concerns:
    /// `"f() argument 'a': <message>"`. An exception already set is left as it is.
    #[doc(hidden)]
    #[cold]
    pub fn in_argument(self, function: &str, argument: &str) -> Self {
        match self.0 {
            Some(mut l) => {
                l.msg = format!("{function}() argument '{argument}': {}", l.msg).into();
                HPyErr(Some(l))
            }
            None => self,
        }
    }
}

/// 0 is success, -1 an exception.
#[inline(always)]
pub(crate) fn status(rc: i32) -> HPyResult<()> {
    if rc < 0 {
        Err(HPyErr::fetch())
    } else {
        Ok(())
    }
}

/// `v`, unless it is the function's error value `err` and an exception is set (for the HPy
/// functions whose error value is also a valid result).
#[inline(always)]
pub(crate) fn checked<T: PartialEq>(ctx: Context<'_>, v: T, err: T) -> HPyResult<T> {
    if v == err && ctx.err_occurred() {
        Err(HPyErr::fetch())
    } else {
        Ok(v)
    }
}

/// 1 is true, 0 false, -1 an exception.
#[inline(always)]
pub(crate) fn truth(rc: i32) -> HPyResult<bool> {
    if rc < 0 {
        Err(HPyErr::fetch())
    } else {
        Ok(rc != 0)
    }
}

impl fmt::Debug for HPyErr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            None => f.write_str("HPyErr(<exception set in the interpreter>)"),
            Some(l) => write!(f, "HPyErr({}({:?}))", l.ty.name(), l.msg),
        }
    }
}

impl fmt::Display for HPyErr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            None => f.write_str("<exception set in the interpreter>"),
            Some(l) => write!(f, "{}: {}", l.ty.name(), l.msg),
        }
    }
}

impl std::error::Error for HPyErr {}
