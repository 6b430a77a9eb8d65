//! The properties of an `#[hpy_class]` (`#[hpy(get, set)]` members, `#[getter]`/`#[setter]`
//! methods), and how they reach PyPy's callers.
//!
//! On CPython a property is HPy's `HPyDef_Kind_GetSet`: a getset descriptor whose errors reach
//! the caller. PyPy's HPy ignores what a getset's getter and setter return: an exception would
//! be dropped (the assignment silently does nothing, the read gives `None`). There the SDK makes
//! the getter and setter methods instead, whose errors PyPy does propagate, and sets a Python
//! `property` calling them on the type in the property's name: the same exceptions, with the
//! same messages, reach the caller on both.

use core::ffi::CStr;

use crate::sys;

/// One property, as generated code defines it (with `__private::property`); its getset
/// definition (`__private::getset_def`) points to it through its closure.
#[doc(hidden)]
pub struct Property {
    /// The getset definition CPython's runtimes get; its closure is set by `getset_def`.
    pub(crate) getset: sys::HPyGetSet,
    /// The getter as a method (signature O) of an instance that only holds it, taking the
    /// instance whose attribute is read; its name is set when the type is made. `None` for a
    /// property without getter.
    pub(crate) get_method: Option<sys::HPyDef>,
    /// The setter as such a method (signature VARARGS): called with the instance and the value
    /// it sets, or with the instance alone to delete. `None` for a read-only property.
    pub(crate) set_method: Option<sys::HPyDef>,
}

// SAFETY: a `Property` lives in a `static` and is never written to: its pointers are static
// strings and functions.
unsafe impl Sync for Property {}

impl Property {
    /// The attribute's name.
    pub(crate) fn name(&self) -> &'static str {
        // SAFETY: `getset.name` is a static C string (`__private::property`).
        unsafe { CStr::from_ptr(self.getset.name) }
            .to_str()
            .unwrap_or("?")
    }

    /// The attribute's docstring.
    pub(crate) fn doc(&self) -> Option<&'static str> {
        // SAFETY: `getset.doc` is NULL or a static C string (`__private::property`).
        (!self.getset.doc.is_null())
            .then(|| unsafe { CStr::from_ptr(self.getset.doc) }.to_str().ok())
            .flatten()
    }

    /// The property a definition of the SDK's defines, if it is a getset definition.
    pub(crate) fn of(def: &'static crate::ffi::def::StaticDef) -> Option<&'static Property> {
        // SAFETY: `def` is a `StaticDef`'s definition, which lives for the process.
        let def = unsafe { &*def.get() };
        if def.kind != sys::HPyDef_Kind::HPyDef_Kind_GetSet {
            return None;
        }
        // SAFETY: the kind says the union holds a getset; every getset definition in a class's
        // defines is made by `getset_def`, whose closure points to its static `Property`.
        unsafe {
            let closure = def.__bindgen_anon_1.getset.closure;
            Some(&*closure.cast::<Property>())
        }
    }

    /// The name of the hidden method `which` ("get" or "set") on PyPy.
    pub(crate) fn method_name(&self, which: &str) -> String {
        format!("__hpy_{which}_{}", self.name())
    }
}
