//! `PyInit_<name>` in the CPython ABI: the module's `HPyModuleDef` becomes a `PyModuleDef` for
//! multi-phase initialisation (PEP 489), built on the first call and kept for the process.
//!
//! * each method definition becomes a `PyMethodDef` whose function is the definition's
//!   trampoline, with the flags its HPy signature implies (`METH_NOARGS`, `METH_O`,
//!   `METH_FASTCALL`, `METH_FASTCALL | METH_KEYWORDS`);
//! * each `HPy_mod_exec` slot becomes a `Py_mod_exec` slot, in order (the SDK's runtime check
//!   first, which makes `PanicError`, then the globals and classes, then the user's hooks);
//! * the globals need nothing: a `Global` starts empty (NULL) and holds a strong reference.

use core::ffi::{c_void, CStr};
use std::sync::OnceLock;

use hpy_sys as sys;
use pyo3_ffi as py;

/// Where a module keeps its `PyModuleDef` once built (the address, as `usize` to be `Sync`).
pub struct ModuleInitCell(OnceLock<usize>);

impl ModuleInitCell {
    /// An empty cell.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        ModuleInitCell(OnceLock::new())
    }
}

/// The body of `PyInit_<name>`: the module definition object for multi-phase initialisation,
/// or NULL with `SystemError` if the HPy definition holds what this ABI cannot express.
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
    let built = *cell.0.get_or_init(|| unsafe { build(name, def) });
    if built == 0 {
        // SAFETY: a static exception type and message, with the GIL held.
        unsafe {
            py::PyErr_SetString(
                py::PyExc_SystemError,
                c"the module's HPy definitions hold a kind this CPython-ABI build cannot express"
                    .as_ptr(),
            )
        };
        return core::ptr::null_mut();
    }
    // SAFETY: `built` is the leaked, complete `PyModuleDef`.
    unsafe { py::PyModuleDef_Init(built as *mut py::PyModuleDef).cast() }
}

/// Builds and leaks the `PyModuleDef`; 0 if a definition cannot be expressed.
///
/// # Safety
///
/// As [`module_init`].
unsafe fn build(name: &'static CStr, def: *mut sys::HPyModuleDef) -> usize {
    let mut methods: Vec<py::PyMethodDef> = Vec::new();
    let mut slots: Vec<py::PyModuleDef_Slot> = Vec::new();
    // SAFETY: the definition array is NULL-terminated and its entries are static `HPyDef`s.
    unsafe {
        let def = &*def;
        let mut d = def.defines;
        while !d.is_null() && !(*d).is_null() {
            let x = &**d;
            d = d.add(1);
            match x.kind {
                sys::HPyDef_Kind::HPyDef_Kind_Meth => {
                    match super::types::method_def(&x.__bindgen_anon_1.meth) {
                        Some(m) => methods.push(m),
                        None => return 0,
                    }
                }
                sys::HPyDef_Kind::HPyDef_Kind_Slot
                    if x.__bindgen_anon_1.slot.slot == sys::HPySlot_Slot::HPy_mod_exec =>
                {
                    let Some(f) = x.__bindgen_anon_1.slot.cpy_trampoline else {
                        return 0;
                    };
                    slots.push(py::PyModuleDef_Slot {
                        slot: py::Py_mod_exec,
                        value: f as *mut c_void,
                    });
                }
                _ => return 0,
            }
        }
        methods.push(py::PyMethodDef::zeroed());
        slots.push(py::PyModuleDef_Slot {
            slot: 0,
            value: core::ptr::null_mut(),
        });
        let pydef = Box::new(py::PyModuleDef {
            m_base: py::PyModuleDef_HEAD_INIT,
            m_name: name.as_ptr(),
            m_doc: def.doc,
            m_size: 0,
            m_methods: Box::leak(methods.into_boxed_slice()).as_mut_ptr(),
            m_slots: Box::leak(slots.into_boxed_slice()).as_mut_ptr(),
            m_traverse: None,
            m_clear: None,
            m_free: None,
        });
        Box::into_raw(pydef) as usize
    }
}
