//! Where the borrow flag, the raw fields and the Rust value sit in an instance's HPy struct.

use core::cell::Cell;
use core::mem::{align_of, size_of};

use super::HPyClass;
use crate::builtin_types::BuiltinShape;
use crate::sys;
use crate::Context;

/// The first word of an instance's struct: 0 while no Rust value is stored, 1 when it is stored
/// and not borrowed, `1 + n` with `n` shared borrows, -1 while mutably borrowed.
#[repr(C)]
pub struct Header {
    pub(crate) state: Cell<isize>,
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
