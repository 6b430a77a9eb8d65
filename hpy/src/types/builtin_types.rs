//! The built-in type objects of the context, and the built-in shape of a type.

use crate::{Context, Handle};

/// A built-in type that the HPy context provides directly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BuiltinType {
    /// `object`
    Object,
    /// `type`
    Type,
    /// `bool`
    Bool,
    /// `int`
    Int,
    /// `float`
    Float,
    /// `str`
    Str,
    /// `tuple`
    Tuple,
    /// `list`
    List,
    /// `complex`
    Complex,
    /// `bytes`
    Bytes,
    /// `memoryview`
    MemoryView,
    /// The capsule type.
    Capsule,
    /// `slice`
    Slice,
}

/// Which built-in a type's instances are laid out like (`HPyType_GetBuiltinShape`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuiltinShape {
    /// A type written against the legacy C API.
    Legacy,
    /// Plain `object`.
    Object,
    /// A subclass of `type`.
    Type,
    /// A subclass of `int`.
    Int,
    /// A subclass of `float`.
    Float,
    /// A subclass of `str`.
    Str,
    /// A subclass of `tuple`.
    Tuple,
    /// A subclass of `list`.
    List,
}

impl<'ctx> Context<'ctx> {
    /// The type object, as a new handle.
    pub fn builtin_type(self, ty: BuiltinType) -> Handle<'ctx> {
        use crate::ffi::*;
        let raw = match ty {
            BuiltinType::Object => h_BaseObjectType(self),
            BuiltinType::Type => h_TypeType(self),
            BuiltinType::Bool => h_BoolType(self),
            BuiltinType::Int => h_LongType(self),
            BuiltinType::Float => h_FloatType(self),
            BuiltinType::Str => h_UnicodeType(self),
            BuiltinType::Tuple => h_TupleType(self),
            BuiltinType::List => h_ListType(self),
            BuiltinType::Complex => h_ComplexType(self),
            BuiltinType::Bytes => h_BytesType(self),
            BuiltinType::MemoryView => h_MemoryViewType(self),
            BuiltinType::Capsule => h_CapsuleType(self),
            BuiltinType::Slice => h_SliceType(self),
        };
        // SAFETY: context constants are always valid; Dup returns a new owned handle.
        unsafe { Handle::from_raw(self, call!(self, ctx_Dup, raw)) }
    }
}
