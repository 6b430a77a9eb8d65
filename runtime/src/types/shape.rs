//! Where an instance's HPy struct lives, for each builtin shape.
//!
//! A pure HPy type's struct does not start with CPython's object header: it follows the struct of
//! the builtin type the shape names, at an offset rounded up to 16 bytes (the platform's maximum
//! alignment), as in HPy's CPython runtime. A legacy type's struct is the object itself.
//!
//! `object`, `float` and `list` have the same size on every CPython this runtime supports, so
//! their offsets are constants (`hpy_cpython::types`'s, which the SDK's CPython ABI uses too).
//! The others (`type`, `int`, `str`, `tuple`) changed between versions; their offsets are read
//! from the type objects of the running interpreter by [`init`]. For `int` and `tuple`, whose
//! instances have a variable size, the struct of one item counts, as C's `sizeof` does
//! (`tp_basicsize + tp_itemsize`); their items beyond the first overlap the HPy struct, as with
//! HPy's own runtime.

#![allow(non_upper_case_globals)]

use core::sync::atomic::{AtomicUsize, Ordering};

use hpy_cpython::pyo3_ffi as py;
use hpy_cpython::types::{align16, FLOAT_AT, LIST_AT, OBJECT_AT};
use hpy_sys::*;

/// The struct offsets of `type`, `int`, `str` and `tuple` (0 until [`init`]).
static TYPE_AT: AtomicUsize = AtomicUsize::new(0);
static LONG_AT: AtomicUsize = AtomicUsize::new(0);
static UNICODE_AT: AtomicUsize = AtomicUsize::new(0);
static TUPLE_AT: AtomicUsize = AtomicUsize::new(0);

/// Reads the offsets of the shapes whose builtin changed size between CPython versions, and
/// checks the constant ones against the running interpreter. Idempotent.
///
/// # Safety
///
/// The interpreter is running and the GIL is held.
pub unsafe fn init() -> Result<(), &'static core::ffi::CStr> {
    // SAFETY: reading the sizes of CPython's static type objects.
    unsafe {
        let size = |t: *mut py::PyTypeObject, items: bool| {
            let n = (*t).tp_basicsize + if items { (*t).tp_itemsize } else { 0 };
            align16(n.max(0) as usize)
        };
        if size(&raw mut py::PyBaseObject_Type, false) != OBJECT_AT
            || size(&raw mut py::PyFloat_Type, false) != FLOAT_AT
            || size(&raw mut py::PyList_Type, false) != LIST_AT
        {
            return Err(c"HPyType_FromSpec: this interpreter's object, float or list layout is not the one hpy_rs_runtime was built for");
        }
        TYPE_AT.store(size(&raw mut py::PyType_Type, false), Ordering::Relaxed);
        LONG_AT.store(size(&raw mut py::PyLong_Type, true), Ordering::Relaxed);
        UNICODE_AT.store(size(&raw mut py::PyUnicode_Type, false), Ordering::Relaxed);
        TUPLE_AT.store(size(&raw mut py::PyTuple_Type, true), Ordering::Relaxed);
    }
    Ok(())
}

/// The struct offset of an instance of a type of shape `shape`; `None` for a value that is not
/// a shape.
pub fn head(shape: HPyType_BuiltinShape) -> Option<usize> {
    Some(match shape {
        HPyType_BuiltinShape_HPyType_BuiltinShape_Legacy => 0,
        HPyType_BuiltinShape_HPyType_BuiltinShape_Object => OBJECT_AT,
        HPyType_BuiltinShape_HPyType_BuiltinShape_Type => type_at(),
        HPyType_BuiltinShape_HPyType_BuiltinShape_Long => long_at(),
        HPyType_BuiltinShape_HPyType_BuiltinShape_Float => FLOAT_AT,
        HPyType_BuiltinShape_HPyType_BuiltinShape_Unicode => unicode_at(),
        HPyType_BuiltinShape_HPyType_BuiltinShape_Tuple => tuple_at(),
        HPyType_BuiltinShape_HPyType_BuiltinShape_List => LIST_AT,
        _ => return None,
    })
}

/// The struct offset of the `type` shape.
#[inline(always)]
pub fn type_at() -> usize {
    TYPE_AT.load(Ordering::Relaxed)
}

/// ... of the `int` shape.
#[inline(always)]
pub fn long_at() -> usize {
    LONG_AT.load(Ordering::Relaxed)
}

/// ... of the `str` shape.
#[inline(always)]
pub fn unicode_at() -> usize {
    UNICODE_AT.load(Ordering::Relaxed)
}

/// ... of the `tuple` shape.
#[inline(always)]
pub fn tuple_at() -> usize {
    TUPLE_AT.load(Ordering::Relaxed)
}
