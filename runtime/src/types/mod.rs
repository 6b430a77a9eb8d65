//! HPy types in the universal runtime, with HPy 0.9's general rules, for any module (made by
//! this SDK or compiled from C with `hpy.devel`, legacy parts included):
//!
//! * [`ctx_Type_FromSpec`] (`spec.rs`, `create.rs`): every builtin shape, bases, bases tuple and
//!   metaclass, legacy slots, HPy members, getsets, methods and slots, `HPy_tp_destroy`,
//!   `HPy_tp_traverse`, `HPy_tp_call` (vectorcall with a per-instance call function);
//! * [`ctx_New`], [`ctx_Type_GenericNew`]: instances (zeroed, with their call function);
//! * `ctx_AsStruct_*`: the struct of an instance of each shape, at a fixed offset ([`shape`]);
//! * [`ctx_Type_GetBuiltinShape`], [`ctx_SetCallFunction`];
//! * [`traverse_with`] for the `HPyFunc_TRAVERSEPROC` trampolines ([`crate::call`]), and the
//!   `tp_dealloc`/`tp_clear` of HPy types ([`lifecycle`]).
//!
//! HPy types are recognised through a registry keyed by a pointer each type owns
//! ([`registry`]), never through a `tp_flags` bit or data stored in the type object, which
//! CPython 3.13 and later reuse.

#![allow(non_snake_case)]

use core::ffi::{c_int, c_void};

use hpy_cpython::pyo3_ffi as py;
use hpy_cpython::types::{FLOAT_AT, LIST_AT, OBJECT_AT};
use hpy_cpython::{h, o};
use hpy_sys::*;

mod create;
pub mod lifecycle;
pub mod registry;
pub mod shape;
mod spec;

pub use lifecycle::traverse_with;

/// Sets `exc` with `msg`; returns `HPy_NULL` (the error value of most callers).
///
/// # Safety
///
/// `exc` is a live exception type; the GIL is held.
pub(crate) unsafe fn fail(exc: *mut py::PyObject, msg: &str) -> HPy {
    // A message with a NUL byte is cut there rather than lost.
    let text = msg.split('\0').next().unwrap_or_default();
    let msg = std::ffi::CString::new(text).unwrap_or_default();
    // SAFETY: a live exception type and a NUL-terminated message.
    unsafe { py::PyErr_SetString(exc, msg.as_ptr()) };
    HPy_NULL
}

/// `HPyType_FromSpec(ctx, spec, params)`: see `spec::type_from_spec` (shapes, params, errors).
///
/// # Safety
///
/// Called by a module with the GIL held; `spec` and its definitions live for the rest of the
/// process, `params` is NULL or ended by kind 0.
pub unsafe extern "C" fn ctx_Type_FromSpec(
    _ctx: *mut HPyContext,
    spec: *mut HPyType_Spec,
    params: *mut HPyType_SpecParam,
) -> HPy {
    // SAFETY: forwarded.
    unsafe { spec::type_from_spec(spec, params) }
}

/// The type flags of layouts CPython puts around an instance (3.11's managed dict, 3.12's
/// managed weak references, 3.13's inline values: bits 4, 3 and 2), which only `tp_alloc` sets up.
pub(crate) const EXTRA_LAYOUT: core::ffi::c_ulong = (1 << 2) | (1 << 3) | (1 << 4);

/// Allocates a zeroed instance of `tp` and sets its call function; the struct's address goes to
/// `data` (if not NULL). `tp` is a live type.
///
/// An HPy type made here with a fixed size, the generic allocator and none of the layouts of
/// [`EXTRA_LAYOUT`] (every HPy type, unless legacy slots say otherwise) takes HPy's path, with
/// what it needs read from its record ([`registry::Plain`]): `PyObject_New` or
/// `PyObject_GC_New`, everything after the object header zeroed, the call function, then GC
/// tracking. Any other type is made by [`new_by_tp_alloc`].
#[inline(always)]
unsafe fn new_instance(tp: *mut py::PyTypeObject, data: *mut *mut c_void) -> HPy {
    // SAFETY: a live type; a plain record is that of this very type, so the object is
    // allocated for `size` bytes, and everything after its header is zeroed (and the call
    // function, inside the instance, written) before the GC can see it.
    unsafe {
        if let Some(d) = registry::lookup((*tp).tp_methods as usize) {
            if let Some(p) = d.plain {
                let header = size_of::<py::PyObject>();
                let obj: *mut py::PyObject = if p.gc {
                    py::PyObject_GC_New(tp)
                } else {
                    py::PyObject_New(tp)
                };
                if obj.is_null() {
                    return HPy_NULL;
                }
                core::ptr::write_bytes(obj.cast::<u8>().add(header), 0, p.size - header);
                if p.call_at != 0 {
                    obj.cast::<u8>()
                        .add(p.call_at)
                        .cast::<Option<py::vectorcallfunc>>()
                        .write_unaligned(d.call);
                }
                if p.gc {
                    py::PyObject_GC_Track(obj.cast());
                }
                if !data.is_null() {
                    *data = obj.cast::<u8>().add(d.head).cast();
                }
                return h(obj);
            }
        }
        new_by_tp_alloc(tp, data)
    }
}

/// [`new_instance`] for the other types (Python subclasses, legacy types with their own
/// allocator, types not made here): the instance comes from `tp_alloc`, which knows the type's
/// layout (a custom allocator's instance is zeroed after the header here, as HPy_New promises);
/// its struct and call function are those of the nearest HPy type of the chain.
///
/// # Safety
///
/// `tp` is a live type; `data` is NULL or writable.
#[inline(never)]
unsafe fn new_by_tp_alloc(tp: *mut py::PyTypeObject, data: *mut *mut c_void) -> HPy {
    // SAFETY: a live type; `tp_alloc` returns a new instance (or NULL with an exception).
    unsafe {
        let generic = py::PyType_GenericAlloc as *const ();
        let header = size_of::<py::PyObject>();
        let size = (*tp).tp_basicsize.max(0) as usize;
        let obj = match (*tp).tp_alloc {
            Some(f) => f(tp, 0),
            None => py::PyType_GenericAlloc(tp, 0),
        };
        if obj.is_null() {
            return HPy_NULL;
        }
        if (*tp).tp_alloc.is_some_and(|f| f as *const () != generic) && size > header {
            core::ptr::write_bytes(obj.cast::<u8>().add(header), 0, size - header);
        }
        let d = registry::of_type(tp);
        if let Some(d) = d {
            lifecycle::init_call(obj, d.call);
        }
        if !data.is_null() {
            *data = obj.cast::<u8>().add(d.map_or(0, |d| d.head)).cast();
        }
        h(obj)
    }
}

/// `HPy_New(ctx, type, &data)`: a new instance of `type` (HPy types, their Python subclasses,
/// and any other type, whose "struct" is then the object itself, HPy's legacy rule), zeroed,
/// with `*data` pointing to its struct. `TypeError` if `type` is not a type.
///
/// HPy 0.9.0 always allocates with `PyObject_New`; here the instances of types with a layout of
/// their own (Python subclasses with a `__dict__`, custom allocators) come from their
/// `tp_alloc`, which knows that layout.
///
/// # Safety
///
/// Called by a module with the GIL held; `h_type` is an open handle, `data` NULL or writable.
pub unsafe extern "C" fn ctx_New(
    _ctx: *mut HPyContext,
    h_type: HPy,
    data: *mut *mut c_void,
) -> HPy {
    let tp = o(h_type);
    // SAFETY: an open handle's object is live.
    unsafe {
        if tp.is_null() || py::PyType_Check(tp) == 0 {
            return fail(py::PyExc_TypeError, "HPy_New arg 1 must be a type");
        }
        new_instance(tp.cast(), data)
    }
}

/// `HPyType_GenericNew(ctx, type, args, nargs, kw)`: a new zeroed instance of `type` (the
/// arguments are ignored), with its call function set. `TypeError` if `type` is not a type.
///
/// # Safety
///
/// Called by a module with the GIL held; `type_` is an open handle.
pub unsafe extern "C" fn ctx_Type_GenericNew(
    _ctx: *mut HPyContext,
    type_: HPy,
    _args: *const HPy,
    _nargs: HPy_ssize_t,
    _kw: HPy,
) -> HPy {
    let tp = o(type_);
    // SAFETY: an open handle's object is live.
    unsafe {
        if tp.is_null() || py::PyType_Check(tp) == 0 {
            return fail(
                py::PyExc_TypeError,
                "HPy_Type_GenericNew arg 1 must be a type",
            );
        }
        new_instance(tp.cast(), core::ptr::null_mut())
    }
}

/// The address `at` bytes into the object of `x`.
#[inline(always)]
fn at(x: HPy, at: usize) -> *mut c_void {
    (x._i as *mut u8).wrapping_add(at).cast()
}

/// `_HPy_AsStruct_Object`: the struct of an instance of an `Object`-shaped type.
///
/// # Safety
///
/// None needed (address arithmetic only); the result is meaningful for such an instance.
pub unsafe extern "C" fn ctx_AsStruct_Object(_ctx: *mut HPyContext, x: HPy) -> *mut c_void {
    at(x, OBJECT_AT)
}

/// `_HPy_AsStruct_Type`: ... of a `Type`-shaped type (a metaclass).
///
/// # Safety
///
/// As [`ctx_AsStruct_Object`].
pub unsafe extern "C" fn ctx_AsStruct_Type(_ctx: *mut HPyContext, x: HPy) -> *mut c_void {
    at(x, shape::type_at())
}

/// `_HPy_AsStruct_Long`: ... of a `Long`-shaped type.
///
/// # Safety
///
/// As [`ctx_AsStruct_Object`].
pub unsafe extern "C" fn ctx_AsStruct_Long(_ctx: *mut HPyContext, x: HPy) -> *mut c_void {
    at(x, shape::long_at())
}

/// `_HPy_AsStruct_Float`: ... of a `Float`-shaped type.
///
/// # Safety
///
/// As [`ctx_AsStruct_Object`].
pub unsafe extern "C" fn ctx_AsStruct_Float(_ctx: *mut HPyContext, x: HPy) -> *mut c_void {
    at(x, FLOAT_AT)
}

/// `_HPy_AsStruct_Unicode`: ... of a `Unicode`-shaped type.
///
/// # Safety
///
/// As [`ctx_AsStruct_Object`].
pub unsafe extern "C" fn ctx_AsStruct_Unicode(_ctx: *mut HPyContext, x: HPy) -> *mut c_void {
    at(x, shape::unicode_at())
}

/// `_HPy_AsStruct_Tuple`: ... of a `Tuple`-shaped type.
///
/// # Safety
///
/// As [`ctx_AsStruct_Object`].
pub unsafe extern "C" fn ctx_AsStruct_Tuple(_ctx: *mut HPyContext, x: HPy) -> *mut c_void {
    at(x, shape::tuple_at())
}

/// `_HPy_AsStruct_List`: ... of a `List`-shaped type.
///
/// # Safety
///
/// As [`ctx_AsStruct_Object`].
pub unsafe extern "C" fn ctx_AsStruct_List(_ctx: *mut HPyContext, x: HPy) -> *mut c_void {
    at(x, LIST_AT)
}

/// `HPyType_GetBuiltinShape(ctx, type)`: the shape of an HPy type, or of the nearest HPy base of
/// a Python subclass; `Legacy` for other types (as HPy). `TypeError` (and -2) if `type` is not a
/// type.
///
/// HPy 0.9.0 answers `Legacy` for a Python subclass too, only because its type-flag mark is not
/// inherited; the subclass's instances have the HPy base's layout, so this runtime says so (and
/// its debug mode, which checks `AsStruct_*` calls against this answer, accepts them).
///
/// # Safety
///
/// Called by a module with the GIL held; `h_type` is an open handle.
pub unsafe extern "C" fn ctx_Type_GetBuiltinShape(
    _ctx: *mut HPyContext,
    h_type: HPy,
) -> HPyType_BuiltinShape {
    let tp = o(h_type);
    // SAFETY: an open handle's object is live.
    unsafe {
        if tp.is_null() || py::PyType_Check(tp) == 0 {
            fail(py::PyExc_TypeError, "arg must be a type");
            return -2;
        }
        registry::of_type(tp.cast()).map_or(HPyType_BuiltinShape_HPyType_BuiltinShape_Legacy, |d| {
            d.shape
        })
    }
}

/// `HPy_SetCallFunction(ctx, obj, func)`: the call function of this instance (the word at its
/// type's `tp_vectorcall_offset`). `TypeError` unless `obj` is an instance of an HPy type with
/// `HPy_tp_call` or a `__vectorcalloffset__` member (HPy's message); 0 on success, -1 on error.
///
/// # Safety
///
/// Called by a module with the GIL held; `x` is an open handle, `func` NULL or a live
/// `HPyCallFunction`.
pub unsafe extern "C" fn ctx_SetCallFunction(
    _ctx: *mut HPyContext,
    x: HPy,
    func: *mut HPyCallFunction,
) -> c_int {
    let obj = o(x);
    // SAFETY: an open handle's object is live; the slot is checked to lie inside the instance.
    unsafe {
        let tp = py::Py_TYPE(obj);
        let off = (*tp).tp_vectorcall_offset;
        let inside =
            off > 0 && off as usize + size_of::<usize>() <= (*tp).tp_basicsize.max(0) as usize;
        if !inside || registry::of_type(tp).is_none() {
            let name = core::ffi::CStr::from_ptr((*tp).tp_name).to_string_lossy();
            let name: String = name.chars().take(50).collect();
            fail(
                py::PyExc_TypeError,
                &format!("type '{name}' does not implement the HPy call protocol"),
            );
            return -1;
        }
        let f = func.as_ref().and_then(|f| f.cpy_trampoline);
        obj.cast::<u8>()
            .add(off as usize)
            .cast::<cpy_vectorcallfunc>()
            .write_unaligned(f);
        0
    }
}

/// Puts the type functions of the runtime into `ctx` (over `hpy-cpython`'s, which are the SDK's
/// CPython ABI's).
pub fn fill_context(ctx: &mut HPyContext) {
    ctx.ctx_Type_FromSpec = Some(ctx_Type_FromSpec);
    ctx.ctx_New = Some(ctx_New);
    ctx.ctx_Type_GenericNew = Some(ctx_Type_GenericNew);
    ctx.ctx_AsStruct_Object = Some(ctx_AsStruct_Object);
    ctx.ctx_AsStruct_Type = Some(ctx_AsStruct_Type);
    ctx.ctx_AsStruct_Long = Some(ctx_AsStruct_Long);
    ctx.ctx_AsStruct_Float = Some(ctx_AsStruct_Float);
    ctx.ctx_AsStruct_Unicode = Some(ctx_AsStruct_Unicode);
    ctx.ctx_AsStruct_Tuple = Some(ctx_AsStruct_Tuple);
    ctx.ctx_AsStruct_List = Some(ctx_AsStruct_List);
    ctx.ctx_Type_GetBuiltinShape = Some(ctx_Type_GetBuiltinShape);
    ctx.ctx_SetCallFunction = Some(ctx_SetCallFunction);
}
