//! Where the borrow flag, the raw fields and the Rust value sit in an instance's HPy struct.

use core::cell::Cell;
use core::mem::{align_of, size_of};

use super::HPyClass;
use crate::sys;
use crate::types::builtin_types::BuiltinShape;
use crate::Context;

/// The start of an instance's struct: the borrow state.
///
/// `state` is 0 while no Rust value is stored, 1 when it is stored and not borrowed, `1 + n`
/// with `n` shared borrows, -1 while mutably borrowed. An `#[hpy_class(unsendable)]` has one
/// more word after it, the owner: the thread that stored the value (see [`thread_mark`]). The
/// raw fields follow (at [`fields_at`]), then the value (at [`value_offset`]).
#[repr(C)]
pub(crate) struct Header {
    pub(crate) state: Cell<isize>,
}

/// A number that identifies the running thread among the live ones (never 0): the address of a
/// thread-local.
pub(crate) fn thread_mark() -> usize {
    thread_local!(static MARK: u8 = const { 0 });
    MARK.with(|m| core::ptr::from_ref(m) as usize)
}

/// The owner word of an unsendable class's instance struct at `data`.
///
/// # Safety
///
/// `T` is unsendable and `data` is the struct of an instance of `T`'s type (or a subtype), alive
/// for `'a`.
unsafe fn owner<'a, T: HPyClass>(data: *mut u8) -> &'a Cell<usize> {
    debug_assert!(T::SPEC.unsendable);
    // SAFETY: an unsendable class's struct has the owner word right after the header (see
    // `fields_at`); the caller keeps the instance alive.
    unsafe { &*data.add(size_of::<Header>()).cast::<Cell<usize>>() }
}

/// Records the running thread as the owner of a value just stored, for unsendable classes.
///
/// # Safety
///
/// `data` is the struct of a live instance of `T`'s type (or a subtype).
#[inline(always)]
pub(crate) unsafe fn claim<T: HPyClass>(data: *mut u8) {
    if T::SPEC.unsendable {
        // SAFETY: forwarded; the class is unsendable.
        unsafe { owner::<T>(data) }.set(thread_mark());
    }
}

/// Whether the running thread may use the value: always for `Send` classes, only on the owner's
/// thread for unsendable ones.
///
/// # Safety
///
/// As [`claim`].
#[inline(always)]
unsafe fn on_owner_thread<T: HPyClass>(data: *mut u8) -> bool {
    // SAFETY: forwarded; the class is unsendable when the owner is read.
    !T::SPEC.unsendable || unsafe { owner::<T>(data) }.get() == thread_mark()
}

/// Whether `tp_destroy` has a value to drop: one was stored, and, for an unsendable value, this
/// is its thread (one freed on another thread is leaked, with a message on standard error: there
/// is no context to raise in).
///
/// # Safety
///
/// As [`claim`].
pub(crate) unsafe fn has_value_to_drop<T: HPyClass>(data: *mut u8) -> bool {
    // SAFETY: forwarded: every instance struct starts with the header.
    if unsafe { &*data.cast::<Header>() }.state.get() == UNINIT {
        return false;
    }
    // SAFETY: forwarded.
    let ok = unsafe { on_owner_thread::<T>(data) };
    if !ok {
        eprintln!(
            "hpy: a {} object was freed on another thread than the one that created it; its \
             value is unsendable (#[hpy_class(unsendable)]) and was leaked, not dropped",
            T::SPEC.py_name()
        );
    }
    ok
}

/// `RuntimeError` unless the running thread may use the value (see `on_owner_thread`).
///
/// # Safety
///
/// As [`claim`].
#[inline(always)]
pub(crate) unsafe fn check_thread<T: HPyClass>(data: *mut u8) -> crate::HPyResult<()> {
    // SAFETY: forwarded.
    if unsafe { on_owner_thread::<T>(data) } {
        Ok(())
    } else {
        Err(crate::HPyErr::runtime_error(format!(
            "{} is unsendable (#[hpy_class(unsendable)]): it can only be used by the thread \
             that created it",
            T::SPEC.py_name()
        )))
    }
}

pub(crate) const UNINIT: isize = 0;
pub(crate) const FREE: isize = 1;
pub(crate) const MUT: isize = -1;

/// Offset of the first raw `HPyField`: after the header, and the owner word of an unsendable
/// class.
pub(crate) const fn fields_at<T: HPyClass>() -> usize {
    size_of::<Header>()
        + if T::SPEC.unsendable {
            size_of::<usize>()
        } else {
            0
        }
}

/// Offset of the Rust value.
pub const fn value_offset<T: HPyClass>() -> usize {
    let end = fields_at::<T>() + size_of::<sys::HPyField>() * T::SPEC.field_offsets.len();
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
pub(crate) fn raw_field<T: HPyClass>(data: *mut u8, i: usize) -> *mut sys::HPyField {
    data.wrapping_add(fields_at::<T>() + i * size_of::<sys::HPyField>())
        .cast()
}
