//! An `HPyModuleDef` as a `PyModuleDef` for multi-phase initialisation (PEP 489), with HPy
//! 0.9's rules, for both users of this crate: the universal runtime (for any module it loads)
//! and the SDK's CPython ABI (`PyInit_<name>`, through [`module_init`]).
//!
//! * each method definition becomes a `PyMethodDef` whose function is the definition's
//!   trampoline, with the flags its HPy signature implies (`METH_NOARGS`, `METH_O`,
//!   `METH_FASTCALL`, `METH_FASTCALL | METH_KEYWORDS`), followed by the legacy methods;
//! * each `HPy_mod_exec` slot becomes a `Py_mod_exec` slot, in order, and an `HPy_mod_create`
//!   slot a `Py_mod_create` slot, which must then be the only definition;
//! * module state (`size > 0`) is refused, as HPy 0.9 does; globals need nothing (an
//!   `HPyGlobal` starts empty and holds a strong reference once stored).
//!
//! The `PyModuleDef` and its arrays live for the rest of the process: CPython keeps pointers to
//! them in every module made from them.

use core::ffi::{c_void, CStr};
use std::sync::OnceLock;

use hpy_sys as sys;
use pyo3_ffi as py;

/// Sets `SystemError` with `msg`; returns NULL.
unsafe fn system_error(msg: &str) -> *mut py::PyModuleDef {
    let msg = std::ffi::CString::new(msg).unwrap_or_default();
    // SAFETY: a static exception type and a NUL-terminated message, with the GIL held.
    unsafe { py::PyErr_SetString(py::PyExc_SystemError, msg.as_ptr()) };
    core::ptr::null_mut()
}

const CREATE_ALONE: &str = "This is not allowed because custom HPy_mod_create slot cannot return \
    a builtin module object and cannot make any use of any other data defined in the \
    HPyModuleDef. Either do not define HPy_mod_create slot and let the runtime create a builtin \
    module object from the provided HPyModuleDef, or do not define anything else but the \
    HPy_mod_create slot.";

/// The `PyModuleDef` of `def` (leaked: it lives for the process), or NULL with `SystemError`
/// set when the definition breaks HPy's rules: module state, an unknown method signature, a
/// slot other than `HPy_mod_create` and `HPy_mod_exec`, two create slots, or a create slot
/// beside anything else.
///
/// # Safety
///
/// `def` points to a live `HPyModuleDef` whose definitions and legacy methods live for the
/// process (as `HPyInit_<name>` and the SDK's macros make them); the GIL is held.
pub unsafe fn create_module_def(def: *mut sys::HPyModuleDef) -> *mut py::PyModuleDef {
    // SAFETY: forwarded (see above); the definition array is NULL-terminated.
    unsafe {
        let def = &*def;
        if def.size < 0 {
            return system_error("HPy does not permit HPyModuleDef.size < 0");
        }
        if def.size > 0 {
            return system_error(
                "Module state is not supported yet in HPy, set HPyModuleDef.size = 0 if module \
                 state is not needed",
            );
        }
        let mut methods: Vec<py::PyMethodDef> = Vec::new();
        let mut slots: Vec<py::PyModuleDef_Slot> = Vec::new();
        let mut create = false;
        let mut other = false;
        let mut d = def.defines;
        // A module compiled from C may hold any integer in the definitions' enum fields: they
        // are read as the integers they are, never as the bindings' Rust enums.
        const METH: u32 = sys::HPyDef_Kind::HPyDef_Kind_Meth as u32;
        const SLOT: u32 = sys::HPyDef_Kind::HPyDef_Kind_Slot as u32;
        const CREATE: u32 = sys::HPySlot_Slot::HPy_mod_create as u32;
        const EXEC: u32 = sys::HPySlot_Slot::HPy_mod_exec as u32;
        while !d.is_null() && !(*d).is_null() {
            let x: *const sys::HPyDef = *d;
            d = d.add(1);
            let kind = (&raw const (*x).kind).cast::<u32>().read();
            match kind {
                METH => {
                    other = true;
                    match crate::types::method_def(&raw const (*x).__bindgen_anon_1.meth) {
                        Some(m) => methods.push(m),
                        None => {
                            // HPy's type and message (its tests compare them).
                            py::PyErr_SetString(
                                py::PyExc_ValueError,
                                c"Unsupported HPyMeth signature".as_ptr(),
                            );
                            return core::ptr::null_mut();
                        }
                    }
                }
                SLOT => {
                    let s = &raw const (*x).__bindgen_anon_1.slot;
                    let value = (*s)
                        .cpy_trampoline
                        .map_or(core::ptr::null_mut(), |f| f as *mut c_void);
                    let slot = match (&raw const (*s).slot).cast::<u32>().read() {
                        CREATE => {
                            if create {
                                return system_error(
                                    "Multiple definitions of the HPy_mod_create slot in \
                                     HPyModuleDef.defines.",
                                );
                            }
                            create = true;
                            py::Py_mod_create
                        }
                        EXEC => {
                            other = true;
                            py::Py_mod_exec
                        }
                        s => {
                            return system_error(&format!(
                                "Unsupported slot in HPyModuleDef.defines (value: {s})."
                            ))
                        }
                    };
                    slots.push(py::PyModuleDef_Slot { slot, value });
                }
                _ => {
                    return system_error(
                        "HPyModuleDef.defines holds a member or a property: only methods and \
                         the module slots belong there",
                    )
                }
            }
        }
        if create && other {
            return system_error(&format!(
                "HPyModuleDef defines a HPy_mod_create slot and some other slots or methods. \
                 {CREATE_ALONE}"
            ));
        }
        if create && (!def.legacy_methods.is_null() || !def.doc.is_null() || !def.globals.is_null())
        {
            return system_error(&format!(
                "HPyModuleDef defines a HPy_mod_create slot and some of the other fields are not \
                 set to their default value. {CREATE_ALONE}"
            ));
        }
        let mut legacy = def.legacy_methods.cast::<py::PyMethodDef>();
        while !legacy.is_null() && !(*legacy).ml_name.is_null() {
            methods.push(core::ptr::read(legacy));
            legacy = legacy.add(1);
        }
        methods.push(py::PyMethodDef::zeroed());
        slots.push(py::PyModuleDef_Slot {
            slot: 0,
            value: core::ptr::null_mut(),
        });
        Box::into_raw(Box::new(py::PyModuleDef {
            m_base: py::PyModuleDef_HEAD_INIT,
            m_name: c"".as_ptr(),
            m_doc: def.doc,
            m_size: 0,
            m_methods: Box::leak(methods.into_boxed_slice()).as_mut_ptr(),
            m_slots: Box::leak(slots.into_boxed_slice()).as_mut_ptr(),
            m_traverse: None,
            m_clear: None,
            m_free: None,
        }))
    }
}

/// Where a module keeps its `PyModuleDef` once built (the address, as `usize` to be `Sync`).
pub struct ModuleInitCell(OnceLock<usize>);

impl ModuleInitCell {
    /// An empty cell.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        ModuleInitCell(OnceLock::new())
    }
}

/// The body of `PyInit_<name>` in the SDK's CPython ABI: the module definition object for
/// multi-phase initialisation, or NULL with `SystemError` if the HPy definition breaks HPy's
/// rules (see [`create_module_def`]).
///
/// # Safety
///
/// Called by CPython's import machinery, with the GIL held; `def` is the module's static
/// `HPyModuleDef`, whose definitions live for the process.
pub unsafe fn module_init(
    name: &'static CStr,
    def: *mut sys::HPyModuleDef,
    cell: &'static ModuleInitCell,
) -> *mut c_void {
    // SAFETY: forwarded (see above).
    let built = *cell.0.get_or_init(|| unsafe {
        let pydef = create_module_def(def);
        if !pydef.is_null() {
            (*pydef).m_name = name.as_ptr();
        }
        pydef as usize
    });
    if built == 0 {
        // SAFETY: with the GIL held. The first call's error was raised then; a later call
        // (a re-import) says what happened.
        unsafe {
            if py::PyErr_Occurred().is_null() {
                py::PyErr_SetString(
                    py::PyExc_SystemError,
                    c"the module's HPy definitions break HPy's rules (see the error of the first import)"
                        .as_ptr(),
                );
            }
        }
        return core::ptr::null_mut();
    }
    // SAFETY: `built` is the leaked, complete `PyModuleDef`.
    unsafe { py::PyModuleDef_Init(built as *mut py::PyModuleDef).cast() }
}
