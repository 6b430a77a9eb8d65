//! The object protocol: attributes, items, length, comparison, hashing, repr/str/ascii/bytes.

use core::ffi::c_char;

use crate::cstr::with_cstr;
use crate::err::checked;
use crate::err::status;
use crate::err::truth;
use crate::sys;
use crate::types::str::new_str;
use crate::types::Type;
use crate::{Context, HPyErr, HPyResult, Handle, IntoPython};

/// An attribute name or item key as HPy's functions take it.
#[doc(hidden)]
pub enum KeyRef<'a, 'ctx> {
    /// A Rust string: the `_s` functions (a key with a NUL character goes through a `str`).
    Str(&'a str),
    /// An integer index: the `_i` functions.
    Index(isize),
    /// Any object.
    Object(&'a Handle<'ctx>),
}

/// What can name an attribute: `&str` (HPy's `_s` functions) or a `str` handle.
pub trait AttrName<'ctx> {
    #[doc(hidden)]
    fn key(&self) -> KeyRef<'_, 'ctx>;
}

/// What can index an item: `&str` (the `_s` functions), an integer (the `_i` functions) or any
/// object handle.
pub trait ItemKey<'ctx> {
    #[doc(hidden)]
    fn key(&self) -> HPyResult<KeyRef<'_, 'ctx>>;
}

impl<'ctx> AttrName<'ctx> for &str {
    fn key(&self) -> KeyRef<'_, 'ctx> {
        KeyRef::Str(self)
    }
}

impl<'ctx> AttrName<'ctx> for &String {
    fn key(&self) -> KeyRef<'_, 'ctx> {
        KeyRef::Str(self)
    }
}

impl<'ctx> AttrName<'ctx> for &Handle<'ctx> {
    fn key(&self) -> KeyRef<'_, 'ctx> {
        KeyRef::Object(self)
    }
}

impl<'ctx> ItemKey<'ctx> for &str {
    fn key(&self) -> HPyResult<KeyRef<'_, 'ctx>> {
        Ok(KeyRef::Str(self))
    }
}

impl<'ctx> ItemKey<'ctx> for &String {
    fn key(&self) -> HPyResult<KeyRef<'_, 'ctx>> {
        Ok(KeyRef::Str(self))
    }
}

impl<'ctx> ItemKey<'ctx> for &Handle<'ctx> {
    fn key(&self) -> HPyResult<KeyRef<'_, 'ctx>> {
        Ok(KeyRef::Object(self))
    }
}

macro_rules! index_keys {
    ($($t:ty),*) => {$(
        impl<'ctx> ItemKey<'ctx> for $t {
            fn key(&self) -> HPyResult<KeyRef<'_, 'ctx>> {
                isize::try_from(*self).map(KeyRef::Index).map_err(|_| {
                    HPyErr::index_error("cannot fit 'int' into an index-sized integer")
                })
            }
        }
    )*};
}

index_keys!(isize, usize, i32, u32, i64, u64);

impl KeyRef<'_, '_> {
    /// Calls the HPy variant that fits the key: `s` (an `_s` function) with a NUL-terminated
    /// name, `i` (an `_i` function) with an index, or `o` with an object handle, which is also
    /// how a name holding a NUL character goes (as a new `str`).
    fn dispatch<R>(
        self,
        ctx: Context<'_>,
        s: impl FnOnce(*const c_char) -> R,
        i: impl FnOnce(sys::HPy_ssize_t) -> R,
        o: impl FnOnce(sys::HPy) -> R,
    ) -> HPyResult<R> {
        match self {
            KeyRef::Object(h) => Ok(o(h.as_raw())),
            KeyRef::Index(n) => Ok(i(n as sys::HPy_ssize_t)),
            KeyRef::Str(name) if name.as_bytes().contains(&0) => {
                let h = new_str(ctx, name)?;
                Ok(o(h.as_raw()))
            }
            KeyRef::Str(name) => with_cstr(name, s),
        }
    }
}

/// Attribute names are never indices.
fn no_index<R>(_: sys::HPy_ssize_t) -> R {
    unreachable!("AttrName::key never returns an index")
}

/// A rich comparison operator, for [`Handle::compare`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum CompareOp {
    /// `<`
    Lt = 0,
    /// `<=`
    Le = 1,
    /// `==`
    Eq = 2,
    /// `!=`
    Ne = 3,
    /// `>`
    Gt = 4,
    /// `>=`
    Ge = 5,
}

impl<'ctx> Handle<'ctx> {
    /// `self is other` (`HPy_Is`). Two equal handles are one handle, so they need no call; on
    /// CPython's universal runtime, where a handle is the object's address, that is every `is`
    /// that holds.
    #[inline]
    pub fn is(&self, other: &Handle<'_>) -> bool {
        self.as_raw()._i == other.as_raw()._i
            // SAFETY: both handles are open.
            || unsafe { call!(self.ctx(), ctx_Is, self.as_raw(), other.as_raw()) != 0 }
    }

    /// `self is None` (`HPy_Is` with `HPy_None`; no call when the handles are equal, see
    /// [`Handle::is`]).
    #[inline]
    pub fn is_none(&self) -> bool {
        let ctx = self.ctx();
        let none = crate::ffi::h_None(ctx);
        self.as_raw()._i == none._i
            // SAFETY: the handle is open and `h_None` is a constant of the same context.
            || unsafe { call!(ctx, ctx_Is, self.as_raw(), none) != 0 }
    }

    /// `bool(self)`.
    pub fn is_true(&self) -> HPyResult<bool> {
        // SAFETY: the handle is open.
        truth(unsafe { call!(self.ctx(), ctx_IsTrue, self.as_raw()) })
    }

    /// `type(self)`.
    pub fn get_type(&self) -> Type<'ctx> {
        // SAFETY: the handle is open; `Type` returns a new handle to a type and cannot fail.
        let ty =
            unsafe { Handle::from_raw(self.ctx(), call!(self.ctx(), ctx_Type, self.as_raw())) };
        Type::new_unchecked(ty)
    }

    /// Whether `self` is an instance of the type `ty` or of a subtype (`isinstance` without
    /// `__instancecheck__`).
    pub fn type_check(&self, ty: &Handle<'ctx>) -> bool {
        // SAFETY: both handles are open; `ty` must be a type, which TypeCheck verifies in debug
        // mode; on the other runtimes a non-type simply does not match.
        unsafe { call!(self.ctx(), ctx_TypeCheck, self.as_raw(), ty.as_raw()) != 0 }
    }

    /// The name of `type(self)`, e.g. `"int"`.
    pub fn type_name(&self) -> String {
        self.get_type().name().unwrap_or_else(|e| {
            e.discard(self.ctx());
            "?".to_owned()
        })
    }

    /// `repr(self)`, as a new `str` handle.
    pub fn repr(&self) -> HPyResult<Handle<'ctx>> {
        // SAFETY: the handle is open; the result is owned or NULL with an exception.
        unsafe { self.ctx().own(call!(self.ctx(), ctx_Repr, self.as_raw())) }
    }

    /// `str(self)`, as a new `str` handle.
    pub fn str(&self) -> HPyResult<Handle<'ctx>> {
        // SAFETY: the handle is open; the result is owned or NULL with an exception.
        unsafe { self.ctx().own(call!(self.ctx(), ctx_Str, self.as_raw())) }
    }

    /// `ascii(self)`, as a new `str` handle.
    pub fn ascii(&self) -> HPyResult<Handle<'ctx>> {
        // SAFETY: the handle is open; the result is owned or NULL with an exception.
        unsafe { self.ctx().own(call!(self.ctx(), ctx_ASCII, self.as_raw())) }
    }

    /// `bytes(self)`, as a new `bytes` handle.
    pub fn bytes(&self) -> HPyResult<Handle<'ctx>> {
        // SAFETY: the handle is open; the result is owned or NULL with an exception.
        unsafe { self.ctx().own(call!(self.ctx(), ctx_Bytes, self.as_raw())) }
    }

    /// `hash(self)`.
    pub fn hash(&self) -> HPyResult<isize> {
        // SAFETY: the handle is open.
        let h = unsafe { call!(self.ctx(), ctx_Hash, self.as_raw()) };
        checked(self.ctx(), h, -1)
    }

    /// `len(self)`.
    pub fn len(&self) -> HPyResult<usize> {
        // SAFETY: the handle is open.
        let n = unsafe { call!(self.ctx(), ctx_Length, self.as_raw()) };
        if n < 0 {
            Err(HPyErr::fetch())
        } else {
            Ok(n as usize)
        }
    }

    /// `len(self) == 0`.
    pub fn is_empty(&self) -> HPyResult<bool> {
        self.len().map(|n| n == 0)
    }

    /// `value in self`.
    pub fn contains<V: IntoPython<'ctx>>(&self, value: V) -> HPyResult<bool> {
        let ctx = self.ctx();
        value.with_raw(ctx, |v| {
            // SAFETY: both handles are open for the call.
            truth(unsafe { call!(ctx, ctx_Contains, self.as_raw(), v) })
        })?
    }

    /// The rich comparison `self <op> other`, returning whatever object the comparison gives.
    pub fn compare<V: IntoPython<'ctx>>(&self, other: V, op: CompareOp) -> HPyResult<Handle<'ctx>> {
        let ctx = self.ctx();
        other.with_raw(ctx, |o| {
            // SAFETY: both handles are open; the result is owned or NULL with an exception.
            unsafe { ctx.own(call!(ctx, ctx_RichCompare, self.as_raw(), o, op as i32)) }
        })?
    }

    /// The rich comparison `self <op> other`, as a `bool`.
    pub fn compare_bool<V: IntoPython<'ctx>>(&self, other: V, op: CompareOp) -> HPyResult<bool> {
        let ctx = self.ctx();
        other.with_raw(ctx, |o| {
            // SAFETY: both handles are open.
            truth(unsafe { call!(ctx, ctx_RichCompareBool, self.as_raw(), o, op as i32) })
        })?
    }

    /// `self == other`.
    pub fn eq<V: IntoPython<'ctx>>(&self, other: V) -> HPyResult<bool> {
        self.compare_bool(other, CompareOp::Eq)
    }

    /// `self < other`.
    pub fn lt<V: IntoPython<'ctx>>(&self, other: V) -> HPyResult<bool> {
        self.compare_bool(other, CompareOp::Lt)
    }

    /// `getattr(self, name)`.
    pub fn get_attr<N: AttrName<'ctx>>(&self, name: N) -> HPyResult<Handle<'ctx>> {
        let (ctx, me) = (self.ctx(), self.as_raw());
        let raw = name.key().dispatch(
            ctx,
            |p| {
                // SAFETY: `me` is open and `p` is a NUL-terminated name for the call.
                unsafe { call!(ctx, ctx_GetAttr_s, me, p) }
            },
            no_index,
            |n| {
                // SAFETY: `me` and the name object `n` are open.
                unsafe { call!(ctx, ctx_GetAttr, me, n) }
            },
        )?;
        // SAFETY: `raw` is a new handle, or NULL with an exception set.
        unsafe { ctx.own(raw) }
    }

    /// `hasattr(self, name)`. Errors raised while looking the attribute up count as "no".
    pub fn has_attr<N: AttrName<'ctx>>(&self, name: N) -> bool {
        let (ctx, me) = (self.ctx(), self.as_raw());
        if crate::ffi::runtime::is_cpython() {
            // CPython's `PyObject_HasAttr`, behind `HPy_HasAttr`, does this too, but since 3.13
            // also prints the error it swallows ("Exception ignored in PyObject_HasAttr()").
            return match self.get_attr(name) {
                Ok(_) => true,
                Err(e) => {
                    e.discard(ctx);
                    false
                }
            };
        }
        let found = name.key().dispatch(
            ctx,
            |p| {
                // SAFETY: `me` is open and `p` is a NUL-terminated name for the call.
                unsafe { call!(ctx, ctx_HasAttr_s, me, p) }
            },
            no_index,
            |n| {
                // SAFETY: `me` and the name object `n` are open.
                unsafe { call!(ctx, ctx_HasAttr, me, n) }
            },
        );
        match found {
            Ok(v) => v != 0,
            Err(e) => {
                e.discard(ctx);
                false
            }
        }
    }

    /// `setattr(self, name, value)`, converting `value` first.
    pub fn set_attr<N: AttrName<'ctx>, V: IntoPython<'ctx>>(
        &self,
        name: N,
        value: V,
    ) -> HPyResult<()> {
        let ctx = self.ctx();
        value.with_raw(ctx, |v| self.set_attr_raw(name, v))?
    }

    /// `delattr(self, name)`.
    pub fn del_attr<N: AttrName<'ctx>>(&self, name: N) -> HPyResult<()> {
        self.set_attr_raw(name, sys::HPy_NULL)
    }

    /// `SetAttr`; a NULL value deletes.
    fn set_attr_raw<N: AttrName<'ctx>>(&self, name: N, v: sys::HPy) -> HPyResult<()> {
        let (ctx, me) = (self.ctx(), self.as_raw());
        let rc = name.key().dispatch(
            ctx,
            |p| {
                // SAFETY: `me` is open and `p` is a NUL-terminated name for the call; `v` is open, or NULL to delete.
                unsafe { call!(ctx, ctx_SetAttr_s, me, p, v) }
            },
            no_index,
            |n| {
                // SAFETY: `me` and the name object `n` are open; `v` is open, or NULL to delete.
                unsafe { call!(ctx, ctx_SetAttr, me, n, v) }
            },
        )?;
        status(rc)
    }

    /// `self[key]`.
    pub fn get_item<K: ItemKey<'ctx>>(&self, key: K) -> HPyResult<Handle<'ctx>> {
        let (ctx, me) = (self.ctx(), self.as_raw());
        let raw = key.key()?.dispatch(
            ctx,
            |p| {
                // SAFETY: `me` is open and `p` is a NUL-terminated name for the call.
                unsafe { call!(ctx, ctx_GetItem_s, me, p) }
            },
            |i| {
                // SAFETY: `me` is open; any index is valid input (out of range raises).
                unsafe { call!(ctx, ctx_GetItem_i, me, i) }
            },
            |k| {
                // SAFETY: `me` and the key object `k` are open.
                unsafe { call!(ctx, ctx_GetItem, me, k) }
            },
        )?;
        // SAFETY: `raw` is a new handle, or NULL with an exception set.
        unsafe { ctx.own(raw) }
    }

    /// `self[key] = value`, converting `value` first.
    pub fn set_item<K: ItemKey<'ctx>, V: IntoPython<'ctx>>(
        &self,
        key: K,
        value: V,
    ) -> HPyResult<()> {
        let (ctx, me) = (self.ctx(), self.as_raw());
        let key = key.key()?;
        value.with_raw(ctx, |v| {
            let rc = key.dispatch(
                ctx,
                |p| {
                    // SAFETY: `me` is open and `p` is a NUL-terminated name for the call; `v` is open, or NULL to delete.
                    unsafe { call!(ctx, ctx_SetItem_s, me, p, v) }
                },
                |i| {
                    // SAFETY: `me` is open; any index is valid input (out of range raises); `v` is open, or NULL to delete.
                    unsafe { call!(ctx, ctx_SetItem_i, me, i, v) }
                },
                |k| {
                    // SAFETY: `me` and the key object `k` are open; `v` is open, or NULL to delete.
                    unsafe { call!(ctx, ctx_SetItem, me, k, v) }
                },
            )?;
            status(rc)
        })?
    }

    /// `del self[key]`.
    pub fn del_item<K: ItemKey<'ctx>>(&self, key: K) -> HPyResult<()> {
        let (ctx, me) = (self.ctx(), self.as_raw());
        let rc = key.key()?.dispatch(
            ctx,
            |p| {
                // SAFETY: `me` is open and `p` is a NUL-terminated name for the call.
                unsafe { call!(ctx, ctx_DelItem_s, me, p) }
            },
            |i| {
                // SAFETY: `me` is open; any index is valid input (out of range raises).
                unsafe { call!(ctx, ctx_DelItem_i, me, i) }
            },
            |k| {
                // SAFETY: `me` and the key object `k` are open.
                unsafe { call!(ctx, ctx_DelItem, me, k) }
            },
        )?;
        status(rc)
    }

    /// Prints a low-level description of the object to stderr (`_HPy_Dump`), for debugging.
    pub fn dump(&self) {
        // SAFETY: the handle is open.
        unsafe { call!(self.ctx(), ctx_Dump, self.as_raw()) }
    }
}
