//! `type`: the [`Type`] handle: a type's name, subtype test and built-in shape.

use crate::types::BuiltinShape;
use crate::{HPyErr, HPyResult};

typed_handle! {
    /// A handle to a type object (`type` or a metaclass instance); [`Handle::get_type`] returns
    /// one.
    ///
    /// [`Handle::get_type`]: crate::Handle::get_type
    Type: is_type, "type";
}

impl<'ctx> Type<'ctx> {
    /// The type's `__name__` (`HPyType_GetName`).
    pub fn name(&self) -> HPyResult<String> {
        // SAFETY: `self` is an open handle to a type; the name stays valid while it lives, and
        // is copied before returning.
        unsafe {
            let name = call!(self.ctx(), ctx_Type_GetName, self.as_raw());
            if name.is_null() {
                return Err(HPyErr::fetch());
            }
            Ok(core::ffi::CStr::from_ptr(name)
                .to_string_lossy()
                .into_owned())
        }
    }

    /// Whether it is `other` or a subclass of it (`HPyType_IsSubtype`: `issubclass` without
    /// `__subclasscheck__`).
    pub fn is_subtype(&self, other: &Type<'ctx>) -> bool {
        // SAFETY: both handles are open types.
        unsafe {
            call!(
                self.ctx(),
                ctx_Type_IsSubtype,
                self.as_raw(),
                other.as_raw()
            ) != 0
        }
    }

    /// The built-in its instances are laid out like (`HPyType_GetBuiltinShape`).
    pub fn builtin_shape(&self) -> HPyResult<BuiltinShape> {
        // SAFETY: the handle is an open type.
        let shape = unsafe { call!(self.ctx(), ctx_Type_GetBuiltinShape, self.as_raw()) };
        Ok(match shape {
            -1 => BuiltinShape::Legacy,
            0 => BuiltinShape::Object,
            1 => BuiltinShape::Type,
            2 => BuiltinShape::Int,
            3 => BuiltinShape::Float,
            4 => BuiltinShape::Str,
            5 => BuiltinShape::Tuple,
            6 => BuiltinShape::List,
            _ if self.ctx().err_occurred() => return Err(HPyErr::fetch()),
            other => {
                return Err(HPyErr::system_error(format!(
                    "unknown builtin shape {other}"
                )))
            }
        })
    }
}
