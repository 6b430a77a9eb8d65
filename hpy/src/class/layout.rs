//! Where the borrow flag, the raw fields and the Rust value sit in an instance's HPy struct.

use core::cell::Cell;
use core::mem::{align_of, size_of};

use super::HPyClass;
use crate::sys;
use crate::types::builtin_types::BuiltinShape;
use crate::Context;

/// The start of an instance's struct.
///
/// `state` is 0 while no Rust value is stored, 1 when it is stored and not borrowed, `1 + n`
/// with `n` shared borrows, -1 while mutably borrowed. `owner` is, for an
/// `#[hpy_class(unsendable)]`, the thread that stored the value (see [`thread_mark`]), else 0.
#[repr(C)]
pub struct Header {
    pub(crate) state: Cell<isize>,
    pub(crate) owner: Cell<usize>,
}

/// A number that identifies the running thread among the live ones (never 0): the address of a
/// thread-local.
pub(crate) fn thread_mark() -> usize {
    thread_local!(static MARK: u8 = const { 0 });
    MARK.with(|m| core::ptr::from_ref(m) as usize)
}

impl Header {
    /// Records the running thread as the owner of a value just stored, for unsendable classes.
    #[inline(always)]
    pub(crate) fn claim<T: HPyClass>(&self) {
        if T::SPEC.unsendable {
            self.owner.set(thread_mark());
        }
    }

    /// Whether the running thread may use the value: always for `Send` classes, only on the
    /// owner's thread for unsendable ones.
    #[inline(always)]
    pub(crate) fn on_owner_thread<T: HPyClass>(&self) -> bool {
        !T::SPEC.unsendable || self.owner.get() == thread_mark()
    }

    /// Whether `tp_destroy` has a value to drop: one was stored, and, for an unsendable value,
    /// this is its thread (one freed on another thread is leaked, with a message on standard
    /// error: there is no context to raise in).
    pub(crate) fn has_value_to_drop<T: HPyClass>(&self) -> bool {
        if self.state.get() == UNINIT {
            return false;
        }
        let ok = self.on_owner_thread::<T>();
        if !ok {
            eprintln!(
                "hpy: a {} object was freed on another thread than the one that created it; its \
                 value is unsendable (#[hpy_class(unsendable)]) and was leaked, not dropped",
                T::SPEC.py_name()
            );
        }
        ok
    }

    /// `RuntimeError` unless [`Header::on_owner_thread`].
    #[inline(always)]
    pub(crate) fn check_thread<T: HPyClass>(&self) -> crate::HPyResult<()> {
        if self.on_owner_thread::<T>() {
            Ok(())
        } else {
            Err(crate::HPyErr::runtime_error(format!(
                "{} is unsendable (#[hpy_class(unsendable)]): it can only be used by the thread \
                 that created it",
                T::SPEC.py_name()
            )))
        }
    }
}

pub(crate) const UNINIT: isize = 0;
pub(crate) const FREE: isize = 1;
pub(crate) const MUT: isize = -1;

/// Offset of the first raw `HPyField`.
pub(crate) const FIELDS_AT: usize = size_of::<Header>();

/// Offset of the Rust value.
pub const fn value_offset<T: HPyClass>() -> usize {
    let end = FIELDS_AT + size_of::<sys::HPyField>() * T::SPEC.field_offsets.len();
    let align = align_of::<T>();
    // HPy places the struct at the platform's maximum alignment (16 on x86-64).
    assert!(
        align <= 16,
        "an #[hpy_class] struct may be aligned to at most 16 bytes"
    );
    end.div_ceil(align) * align
}

/// The struct size given to `HPyType_Spec.basicsize`.
pub(crate) const fn basic_size<T: HPyClass>() -> usize {
    value_offset::<T>() + size_of::<T>()
}

/// The address of the instance's struct (`_HPy_AsStruct_<shape>`).
///
/// # Safety
///
/// `obj` must be an open handle of `ctx` to an instance of `T`'s type (or of a subtype).
#[inline(always)]
pub unsafe fn payload<T: HPyClass>(ctx: Context<'_>, obj: sys::HPy) -> *mut u8 {
    // SAFETY: forwarded; the accessor matches the shape the type was made with.
    let p = unsafe {
        match T::SPEC.shape {
            BuiltinShape::Object => call!(ctx, ctx_AsStruct_Object, obj),
            BuiltinShape::Type => call!(ctx, ctx_AsStruct_Type, obj),
            BuiltinShape::Int => call!(ctx, ctx_AsStruct_Long, obj),
            BuiltinShape::Float => call!(ctx, ctx_AsStruct_Float, obj),
            BuiltinShape::Str => call!(ctx, ctx_AsStruct_Unicode, obj),
            BuiltinShape::Tuple => call!(ctx, ctx_AsStruct_Tuple, obj),
            BuiltinShape::List => call!(ctx, ctx_AsStruct_List, obj),
            // `#[hpy_class]` never makes legacy types.
            BuiltinShape::Legacy => call!(ctx, ctx_AsStruct_Object, obj),
        }
    };
    p.cast()
}

/// The raw field number `i` of the struct at `data`.
#[inline(always)]
pub(crate) fn raw_field(data: *mut u8, i: usize) -> *mut sys::HPyField {
    data.wrapping_add(FIELDS_AT + i * size_of::<sys::HPyField>())
        .cast()
}
