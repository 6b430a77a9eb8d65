//! Making the type object: `HPyType_SpecParam`'s bases and metaclass, then CPython's
//! `PyType_FromMetaclass` (3.12 and later) or, on 3.11, `PyType_FromSpecWithBases` and a copy
//! into an instance of the metaclass.

use core::ffi::{c_char, CStr};
use core::ptr::null_mut;
use std::sync::OnceLock;

use hpy_cpython::o;
use hpy_cpython::pyo3_ffi as py;
use hpy_sys::*;

use super::fail;

/// What the params ask for: the bases (a new reference, or NULL for `object`) and the
/// metaclass (borrowed, or NULL for the one CPython derives from the bases).
pub struct Params {
    pub bases: *mut py::PyObject,
    pub metaclass: *mut py::PyTypeObject,
}

impl Params {
    /// The largest `tp_basicsize` of the bases (`object`'s without any): the size a type that
    /// inherits its size gets, at least.
    pub fn inherited_basicsize(&self) -> usize {
        let object = &raw mut py::PyBaseObject_Type;
        let size = |t: *mut py::PyObject| {
            // SAFETY: `t` is a live object of the bases; only types are read.
            unsafe {
                if py::PyType_Check(t) != 0 {
                    (*t.cast::<py::PyTypeObject>()).tp_basicsize.max(0) as usize
                } else {
                    0
                }
            }
        };
        // SAFETY: `bases` is NULL, a type or a tuple these params own a reference to; `object`
        // is CPython's static type.
        unsafe {
            if self.bases.is_null() {
                (*object).tp_basicsize.max(0) as usize
            } else if py::PyTuple_Check(self.bases) != 0 {
                let (items, n) = hpy_cpython::types::tuple_items(self.bases);
                (0..n.max(0) as usize)
                    .map(|i| size(*items.add(i)))
                    .max()
                    .unwrap_or(0)
            } else {
                size(self.bases)
            }
        }
    }
}

impl Drop for Params {
    fn drop(&mut self) {
        // SAFETY: `bases` is NULL or a reference these params own; the GIL is held wherever
        // params live.
        unsafe { py::Py_XDECREF(self.bases) };
    }
}

/// The kinds of `HPyType_SpecParam`, read as integers (a C module may pass any value).
const BASE: u32 = HPyType_SpecParam_Kind_HPyType_SpecParam_Base;
const BASES_TUPLE: u32 = HPyType_SpecParam_Kind_HPyType_SpecParam_BasesTuple;
const METACLASS: u32 = HPyType_SpecParam_Kind_HPyType_SpecParam_Metaclass;

/// The params as a slice (up to the entry of kind 0).
///
/// # Safety
///
/// `params` is NULL or an array ended by an entry of kind 0.
unsafe fn entries<'a>(params: *const HPyType_SpecParam) -> &'a [HPyType_SpecParam] {
    if params.is_null() {
        return &[];
    }
    let mut n = 0;
    // SAFETY: the array is terminated (caller's contract).
    unsafe {
        while (*params.add(n)).kind != 0 {
            n += 1;
        }
        core::slice::from_raw_parts(params, n)
    }
}

/// Checks the params as HPy does before anything else (`TypeError`s: an unknown kind, two bases
/// tuples, a base and a bases tuple).
///
/// # Safety
///
/// As [`entries`]; `name` is the spec's name.
pub unsafe fn check(params: *const HPyType_SpecParam, name: &CStr) -> Result<(), ()> {
    // SAFETY: forwarded.
    let params = unsafe { entries(params) };
    let mut bases = 0;
    let mut tuples = 0;
    for p in params {
        match p.kind {
            BASE => bases += 1,
            BASES_TUPLE => tuples += 1,
            METACLASS => {}
            _ => {
                let msg = format!(
                    "unknown HPyType_SpecParam specification for '{}'",
                    name.to_string_lossy()
                );
                // SAFETY: a static exception type.
                // SAFETY: a static exception type.
                unsafe { fail(py::PyExc_TypeError, &msg) };
                return Err(());
            }
        }
    }
    let msg = if tuples > 1 {
        "multiple specifications of HPyType_SpecParam_BasesTuple"
    } else if bases > 0 && tuples > 0 {
        "cannot specify both HPyType_SpecParam_Base and HPytype_SpecParam_BasesTuple"
    } else {
        return Ok(());
    };
    // SAFETY: a static exception type.
    unsafe { fail(py::PyExc_TypeError, msg) };
    Err(())
}

/// Reads the bases and the metaclass (after [`check`]). Errors: a NULL object (`TypeError`),
/// two metaclasses (`ValueError`), a metaclass that is not a type (`TypeError`).
///
/// # Safety
///
/// As [`entries`]; the objects are NULL or live; the GIL is held.
pub unsafe fn read(params: *const HPyType_SpecParam) -> Result<Params, ()> {
    // SAFETY: forwarded; objects are checked for NULL before use.
    unsafe {
        let params = entries(params);
        let mut out = Params {
            bases: null_mut(),
            metaclass: null_mut(),
        };
        if params.iter().any(|p| p.kind != 0 && o(p.object).is_null()) {
            fail(
                py::PyExc_TypeError,
                "HPyType_FromSpec: a HPyType_SpecParam's object is NULL",
            );
            return Err(());
        }
        if let Some(t) = params.iter().find(|p| p.kind == BASES_TUPLE) {
            py::Py_INCREF(o(t.object));
            out.bases = o(t.object);
        } else {
            let n = params.iter().filter(|p| p.kind == BASE).count();
            if n > 0 {
                let tuple = py::PyTuple_New(n as py::Py_ssize_t);
                if tuple.is_null() {
                    return Err(());
                }
                for (i, p) in params.iter().filter(|p| p.kind == BASE).enumerate() {
                    py::Py_INCREF(o(p.object));
                    py::PyTuple_SET_ITEM(tuple, i as py::Py_ssize_t, o(p.object));
                }
                out.bases = tuple;
            }
        }
        for p in params.iter().filter(|p| p.kind == METACLASS) {
            if !out.metaclass.is_null() {
                fail(
                    py::PyExc_ValueError,
                    "metaclass was specified multiple times",
                );
                return Err(());
            }
            let m = o(p.object);
            if py::PyType_Check(m) == 0 {
                let repr = repr_of(m);
                fail(
                    py::PyExc_TypeError,
                    &format!("Metaclass '{repr}' is not a subclass of 'type'."),
                );
                return Err(());
            }
            out.metaclass = m.cast();
        }
        Ok(out)
    }
}

/// `repr(obj)` for a message (`?` if it fails).
///
/// # Safety
///
/// `obj` is live; the GIL is held.
unsafe fn repr_of(obj: *mut py::PyObject) -> String {
    // SAFETY: the repr is a new reference, released after copying its text.
    unsafe {
        let r = py::PyObject_Repr(obj);
        if r.is_null() {
            py::PyErr_Clear();
            return String::from("?");
        }
        let mut n = 0;
        let s = py::PyUnicode_AsUTF8AndSize(r, &mut n);
        let text = if s.is_null() {
            py::PyErr_Clear();
            String::from("?")
        } else {
            String::from_utf8_lossy(core::slice::from_raw_parts(
                s.cast::<u8>(),
                n.max(0) as usize,
            ))
            .into_owned()
        };
        py::Py_DECREF(r);
        text
    }
}

/// `PyType_FromMetaclass`'s C signature.
type FromMetaclass = unsafe extern "C" fn(
    *mut py::PyTypeObject,
    *mut py::PyObject,
    *mut py::PyType_Spec,
    *mut py::PyObject,
) -> *mut py::PyObject;

/// The running interpreter's `PyType_FromMetaclass` (CPython 3.12 and later), looked up once:
/// linking to it would make the runtime unloadable on 3.11.
fn from_metaclass_fn() -> Option<FromMetaclass> {
    static F: OnceLock<Option<FromMetaclass>> = OnceLock::new();
    *F.get_or_init(|| {
        #[cfg(unix)]
        let this = libloading::os::unix::Library::this();
        #[cfg(windows)]
        let this = libloading::os::windows::Library::this().ok()?;
        // SAFETY: the symbol, if present, is CPython's function of that signature; the process
        // image it lives in is never unloaded.
        unsafe {
            this.get::<FromMetaclass>(b"PyType_FromMetaclass\0")
                .ok()
                .map(|f| *f)
        }
    })
}

/// Makes the type of `spec` with `bases` (NULL: `object`) and `metaclass` (NULL: derived from
/// the bases): a new reference, or NULL with an exception set.
///
/// # Safety
///
/// `spec` is a complete spec whose arrays live for the rest of the process; the GIL is held.
pub unsafe fn make(
    spec: *mut py::PyType_Spec,
    bases: *mut py::PyObject,
    metaclass: *mut py::PyTypeObject,
) -> *mut py::PyObject {
    // SAFETY: forwarded.
    unsafe {
        match from_metaclass_fn() {
            Some(f) => f(metaclass, null_mut(), spec, bases),
            None => from_metaclass_311(spec, bases, metaclass),
        }
    }
}

/// `PyType_FromMetaclass` for CPython 3.11, which has only `PyType_FromSpecWithBases` (whose
/// type is always an instance of `type`): without a metaclass, that; with one, the type made by
/// it is copied into an instance of the metaclass, which is then readied as a new type. The first
/// type is kept (never freed): the copy shares its name buffer and member array.
///
/// Errors: a metaclass with its own `tp_new`, or that is not a subclass of `type`
/// (`TypeError`, as HPy and 3.12's `PyType_FromMetaclass`).
///
/// # Safety
///
/// As [`make`].
unsafe fn from_metaclass_311(
    spec: *mut py::PyType_Spec,
    bases: *mut py::PyObject,
    meta: *mut py::PyTypeObject,
) -> *mut py::PyObject {
    // SAFETY: the first type is complete; the copy takes over every reference it holds
    // (incremented for the copy) except what is reset before `PyType_Ready`, and is an instance
    // of a subclass of `type`, so it has room for a whole heap type.
    unsafe {
        let first = py::PyType_FromSpecWithBases(spec, bases);
        if first.is_null() || meta.is_null() {
            return first;
        }
        let type_type = &raw mut py::PyType_Type;
        if (*meta).tp_new.map(|f| f as *const ()) != (*type_type).tp_new.map(|f| f as *const ()) {
            py::Py_DECREF(first);
            fail(
                py::PyExc_TypeError,
                "Metaclasses with custom tp_new are not supported.",
            );
            return null_mut();
        }
        if py::PyType_IsSubtype(meta, type_type) == 0
            || ((*meta).tp_basicsize as usize) < size_of::<py::PyHeapTypeObject>()
        {
            py::Py_DECREF(first);
            let repr = repr_of(meta.cast());
            fail(
                py::PyExc_TypeError,
                &format!("Metaclass '{repr}' is not a subclass of 'type'."),
            );
            return null_mut();
        }
        let Some(alloc) = (*meta).tp_alloc else {
            py::Py_DECREF(first);
            fail(
                py::PyExc_TypeError,
                "HPyType_FromSpec: the metaclass has no tp_alloc",
            );
            return null_mut();
        };
        let result = alloc(meta, 0);
        if result.is_null() {
            py::Py_DECREF(first);
            return null_mut();
        }
        let src = first.cast::<py::PyHeapTypeObject>();
        let dst = result.cast::<py::PyHeapTypeObject>();
        // Everything after the object header (reference count, type and size stay the new
        // object's).
        let skip = size_of::<py::PyVarObject>();
        core::ptr::copy_nonoverlapping(
            src.cast::<u8>().add(skip),
            dst.cast::<u8>().add(skip),
            size_of::<py::PyHeapTypeObject>() - skip,
        );
        let ht = &mut *dst;
        let tp = &mut ht.ht_type;
        tp.tp_as_async = &raw mut ht.as_async;
        tp.tp_as_number = &raw mut ht.as_number;
        tp.tp_as_sequence = &raw mut ht.as_sequence;
        tp.tp_as_mapping = &raw mut ht.as_mapping;
        tp.tp_as_buffer = &raw mut ht.as_buffer;
        tp.tp_flags = (*spec).flags as core::ffi::c_ulong | py::Py_TPFLAGS_HEAPTYPE;
        // What `PyType_Ready` makes anew.
        tp.tp_dict = null_mut();
        tp.tp_mro = null_mut();
        tp.tp_cache = null_mut();
        tp.tp_subclasses = null_mut();
        tp.tp_weaklist = null_mut();
        tp.tp_version_tag = 0;
        ht.ht_cached_keys = null_mut();
        // Everything after `ht_module` (the name buffer, which the first type frees, and 3.11's
        // specialization cache) is cleared: the name stays the first type's.
        let tail = core::mem::offset_of!(py::PyHeapTypeObject, ht_module) + size_of::<usize>();
        core::ptr::write_bytes(
            dst.cast::<u8>().add(tail),
            0,
            size_of::<py::PyHeapTypeObject>() - tail,
        );
        py::Py_INCREF(ht.ht_name);
        py::Py_INCREF(ht.ht_qualname);
        py::Py_XINCREF(ht.ht_slots);
        py::Py_XINCREF(ht.ht_module);
        py::Py_XINCREF(tp.tp_base.cast());
        py::Py_XINCREF(tp.tp_bases);
        // The docstring is freed with its type: the copy gets its own.
        if !tp.tp_doc.is_null() {
            let len = CStr::from_ptr(tp.tp_doc).to_bytes_with_nul().len();
            let doc = py::PyObject_Malloc(len).cast::<c_char>();
            if doc.is_null() {
                tp.tp_doc = null_mut();
                py::Py_DECREF(result);
                py::Py_DECREF(first);
                py::PyErr_NoMemory();
                return null_mut();
            }
            core::ptr::copy_nonoverlapping(tp.tp_doc, doc, len);
            tp.tp_doc = doc;
        }
        if py::PyType_Ready(&mut ht.ht_type) < 0 {
            py::Py_DECREF(result);
            py::Py_DECREF(first);
            return null_mut();
        }
        // `__module__`, from the dotted name, as `PyType_FromSpec` sets it.
        let name = CStr::from_ptr((*spec).name).to_bytes();
        if let Some(dot) = name.iter().rposition(|&b| b == b'.') {
            let module = py::PyUnicode_FromStringAndSize((*spec).name, dot as py::Py_ssize_t);
            if module.is_null()
                || py::PyDict_SetItemString(ht.ht_type.tp_dict, c"__module__".as_ptr(), module) < 0
            {
                py::Py_XDECREF(module);
                py::Py_DECREF(result);
                return null_mut();
            }
            py::Py_DECREF(module);
        }
        // `first` is deliberately kept: `result`'s name and members point into it.
        result
    }
}
