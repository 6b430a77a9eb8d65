//! Handles known to refer to a built-in type: [`Str`], [`Bytes`], [`Tuple`], [`List`], [`Dict`].
//!
//! A typed handle is a [`Handle`] whose type was checked once, so its methods can use HPy's
//! unchecked fast paths. It dereferences to `Handle`, so the whole object protocol is available,
//! and as an argument type it turns a wrong type into `TypeError: f() argument 'x': must be
//! dict, not list`. `&Dict<'ctx>` (like `&Handle<'ctx>`) borrows the caller's handle; `Dict<'ctx>`
//! owns a new one.

use crate::{HPyErr, HPyResult, Handle};

macro_rules! type_checks {
    ($($(#[$doc:meta])* $name:ident => $kind:ident $what:ident;)*) => {
        impl<'ctx> Handle<'ctx> {$(
            $(#[$doc])*
            #[inline]
            pub fn $name(&self) -> bool {
                type_checks!(@ $kind self, $what) != 0
            }
        )*}
    };
    (@ check $h:expr, $slot:ident) => {
        // SAFETY: the handle is open.
        unsafe { call!($h.ctx(), $slot, $h.as_raw()) }
    };
    (@ type $h:expr, $ty:ident) => {
        // SAFETY: the handle is open and the type is a constant of the same context.
        unsafe { call!($h.ctx(), ctx_TypeCheck, $h.as_raw(), $crate::ffi::$ty($h.ctx())) }
    };
}

type_checks! {
    /// `isinstance(self, str)`.
    is_str => check ctx_Unicode_Check;
    /// `isinstance(self, bytes)`.
    is_bytes => check ctx_Bytes_Check;
    /// `isinstance(self, tuple)`.
    is_tuple => check ctx_Tuple_Check;
    /// `isinstance(self, list)`.
    is_list => check ctx_List_Check;
    /// `isinstance(self, dict)`.
    is_dict => check ctx_Dict_Check;
    /// `isinstance(self, int)` (which includes `bool`).
    is_int => type h_LongType;
    /// `isinstance(self, float)`.
    is_float => type h_FloatType;
    /// `isinstance(self, bool)`.
    is_bool => type h_BoolType;
    /// `isinstance(self, type)`.
    is_type => type h_TypeType;
    /// Whether the object is a capsule.
    is_capsule => type h_CapsuleType;
    /// `isinstance(self, slice)`.
    is_slice => type h_SliceType;
}

macro_rules! typed_handle {
    ($($(#[$doc:meta])* $name:ident: $check:ident, $py:literal;)*) => {$(
        $(#[$doc])*
        #[repr(transparent)]
        #[derive(Clone)]
        pub struct $name<'ctx>($crate::Handle<'ctx>);

        impl<'ctx> $name<'ctx> {
            /// Wraps a handle already known to be of this type.
            #[inline(always)]
            #[allow(dead_code)]
            pub(crate) fn new_unchecked(h: $crate::Handle<'ctx>) -> Self {
                debug_assert!(h.$check());
                $name(h)
            }

            /// Checks the type of `h`; a wrong type is a `TypeError`.
            pub fn try_from_handle(h: $crate::Handle<'ctx>) -> $crate::HPyResult<Self> {
                if h.$check() {
                    Ok($name(h))
                } else {
                    Err($crate::conversion::wrong_type(&h, $py))
                }
            }

            /// `h` viewed as this type if it is one (one type check, no exception); for
            /// dispatching on an object's type:
            ///
            /// ```
            /// # use hpy::prelude::*;
            #[doc = concat!("fn describe(obj: &Handle<'_>) -> &'static str {\n    if hpy::", stringify!($name), "::cast(obj).is_some() { \"", $py, "\" } else { \"other\" }\n}")]
            /// ```
            #[inline]
            pub fn cast<'a>(h: &'a $crate::Handle<'ctx>) -> Option<&'a Self> {
                if h.$check() {
                    // SAFETY: the wrapper is `repr(transparent)` over `Handle`, and the type was
                    // just checked.
                    Some(unsafe { &*(h as *const $crate::Handle<'ctx>).cast::<$name<'ctx>>() })
                } else {
                    None
                }
            }

            /// The plain handle.
            #[inline(always)]
            pub fn into_handle(self) -> $crate::Handle<'ctx> {
                self.0
            }

            /// The plain handle, borrowed.
            #[inline(always)]
            pub fn as_handle(&self) -> &$crate::Handle<'ctx> {
                &self.0
            }
        }

        impl<'ctx> ::core::ops::Deref for $name<'ctx> {
            type Target = $crate::Handle<'ctx>;
            #[inline(always)]
            fn deref(&self) -> &$crate::Handle<'ctx> {
                &self.0
            }
        }

        impl<'ctx> From<$name<'ctx>> for $crate::Handle<'ctx> {
            #[inline(always)]
            fn from(v: $name<'ctx>) -> $crate::Handle<'ctx> {
                v.0
            }
        }

        impl<'a, 'ctx> $crate::FromPython<'a, 'ctx> for $name<'ctx> {
            #[inline]
            fn from_python(obj: &'a $crate::Handle<'ctx>) -> $crate::HPyResult<Self> {
                <&$name<'ctx> as $crate::FromPython>::from_python(obj).cloned()
            }
        }

        impl<'a, 'ctx> $crate::FromPython<'a, 'ctx> for &'a $name<'ctx> {
            #[inline]
            fn from_python(obj: &'a $crate::Handle<'ctx>) -> $crate::HPyResult<Self> {
                $name::cast(obj).ok_or_else(|| $crate::conversion::wrong_type(obj, $py))
            }
        }

        impl<'ctx> $crate::IntoPython<'ctx> for $name<'ctx> {
            #[inline(always)]
            fn into_python(self, _ctx: $crate::Context<'ctx>) -> $crate::HPyResult<$crate::Handle<'ctx>> {
                Ok(self.0)
            }
        }

        impl<'ctx> $crate::IntoPython<'ctx> for &$name<'ctx> {
            #[inline(always)]
            fn into_python(self, _ctx: $crate::Context<'ctx>) -> $crate::HPyResult<$crate::Handle<'ctx>> {
                Ok(self.0.clone())
            }

            #[inline(always)]
            fn with_raw<R>(
                self,
                _ctx: $crate::Context<'ctx>,
                f: impl FnOnce(crate::sys::HPy) -> R,
            ) -> $crate::HPyResult<R> {
                Ok(f(self.0.as_raw()))
            }
        }

        impl core::fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

/// Converts an owned handle that HPy documents as being of type `T` (e.g. `Dict_Keys` returns a
/// list); a runtime that broke that promise gets a `SystemError` instead of undefined behaviour.
pub(crate) fn expect_type<'ctx, T>(
    h: Handle<'ctx>,
    check: fn(&Handle<'ctx>) -> bool,
    wrap: fn(Handle<'ctx>) -> T,
    what: &str,
) -> HPyResult<T> {
    if check(&h) {
        Ok(wrap(h))
    } else {
        Err(HPyErr::system_error(format!(
            "{what} returned a {}",
            h.type_name()
        )))
    }
}

// After the macros above, which they use.
pub(crate) mod builtin_types;
pub(crate) mod bytes;
pub(crate) mod call;
mod capsule;
mod dict;
mod int;
pub(crate) mod number;
pub(crate) mod object;
#[macro_use]
mod sequence;
pub(crate) mod list;
pub(crate) mod slice;
pub(crate) mod str;
pub(crate) mod tuple;
mod typeobject;

pub use self::bytes::Bytes;
pub use builtin_types::{BuiltinShape, BuiltinType};
pub use call::{Args, Kwargs};
pub use capsule::Capsule;
pub use dict::{Dict, DictEntries};
pub use int::Int;
pub use list::List;
pub use list::ListBuilder;
pub use object::{AttrName, CompareOp, ItemKey};
pub use slice::{adjust_indices, Slice, SliceIndices};
pub use str::Str;
pub use tuple::Tuple;
pub use tuple::TupleBuilder;
pub use typeobject::Type;
