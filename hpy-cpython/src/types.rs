//! Types in the CPython ABI: an `HPyType_Spec` becomes a `PyType_Spec` for
//! `PyType_FromSpecWithBases`, and the instance's HPy struct sits after the base's object, at an
//! offset rounded up to 16 bytes (the platform's maximum alignment, as in HPy's CPython ABI).
//!
//! * `HPy_tp_destroy` carries (in its `cpy_trampoline`) the type's complete `tp_dealloc`, and
//!   `HPy_tp_traverse` its `tp_traverse`, with its `tp_clear` in the `impl_` field: both are
//!   made per class by `__private::entry_points`, which knows the class's fields.
//! * `HPy_tp_call` becomes vectorcall: a pointer slot after the struct (`__vectorcalloffset__`),
//!   filled on the first call through `tp_call` (`call_slot`) or by `HPySetCallFunction`.
//! * Built-in bases: `object`, `float` and `list`; the other shapes (`int`, `str`, `tuple`,
//!   `type`) have variable-size instances, whose struct HPy's layout cannot place, and are refused
//!   with `NotImplementedError`.
//!
//! These are the SDK's own conventions. The universal runtime (`hpy_rs_runtime`'s `types/`)
//! hosts any module, so it follows HPy's general rules instead (every shape, legacy slots,
//! metaclasses, a `tp_dealloc` of its own that calls `HPy_tp_destroy`'s impl), and shares only
//! what means the same in both: [`align16`], the struct offsets of `object`, `float` and `list`,
//! [`method_def`], [`tuple_items`] and [`dump`].

#![allow(non_upper_case_globals)]

use core::ffi::{c_char, c_int, c_uint, c_void, CStr};
use core::mem::size_of;
use core::ptr::null_mut;
use std::sync::Mutex;

use hpy_sys::*;
use pyo3_ffi as py;

use crate::{h, o};

/// `n` rounded up to a multiple of 16, the platform's maximum alignment: where HPy puts an
/// instance's struct after its builtin base's.
pub const fn align16(n: usize) -> usize {
    n.div_ceil(16) * 16
}

/// Offset of the HPy struct in an instance of a class whose builtin shape is `object`.
pub const OBJECT_AT: usize = align16(size_of::<py::PyObject>());
/// ... `float`.
pub const FLOAT_AT: usize = align16(size_of::<py::PyFloatObject>());
/// ... `list`.
pub const LIST_AT: usize = align16(size_of::<py::PyListObject>());

/// The struct of the instance `x`, at `at` bytes.
#[inline(always)]
pub fn as_struct(x: HPy, at: usize) -> *mut c_void {
    o(x).cast::<u8>().wrapping_add(at).cast()
}

/// What is known of each type made here: its address, builtin shape and default call function.
struct TypeInfo {
    ty: usize,
    shape: HPyType_BuiltinShape,
    call: Option<py::vectorcallfunc>,
}

/// The types made by this library (a handful; searched linearly).
static TYPES: Mutex<Vec<TypeInfo>> = Mutex::new(Vec::new());

/// The registered type `tp` or its nearest registered base: `f` of its record.
///
/// # Safety
///
/// `tp` is a live type object.
unsafe fn find<R>(mut tp: *mut py::PyTypeObject, f: impl Fn(&TypeInfo) -> R) -> Option<R> {
    let types = TYPES.lock().unwrap_or_else(|e| e.into_inner());
    while !tp.is_null() {
        if let Some(info) = types.iter().find(|i| i.ty == tp as usize) {
            return Some(f(info));
        }
        // SAFETY: a live type's base is a live type or NULL.
        tp = unsafe { (*tp).tp_base };
    }
    None
}

/// `HPyType_GetBuiltinShape`: the shape of a type made here (or of a subclass of one); other
/// types are `Legacy`, as on HPy's CPython runtime.
///
/// # Safety
///
/// `t` is a live object.
pub unsafe fn builtin_shape(t: HPy) -> HPyType_BuiltinShape {
    // SAFETY: checked to be a type first.
    unsafe {
        if py::PyType_Check(o(t)) == 0 {
            py::PyErr_SetString(
                py::PyExc_TypeError,
                c"HPyType_GetBuiltinShape: not a type".as_ptr(),
            );
            return -2;
        }
        find(o(t).cast(), |i| i.shape).unwrap_or(HPyType_BuiltinShape_HPyType_BuiltinShape_Legacy)
    }
}

/// The struct offset for a builtin shape, or `None` for the shapes this ABI cannot place.
fn struct_at(shape: HPyType_BuiltinShape) -> Option<usize> {
    match shape {
        HPyType_BuiltinShape_HPyType_BuiltinShape_Object => Some(OBJECT_AT),
        HPyType_BuiltinShape_HPyType_BuiltinShape_Float => Some(FLOAT_AT),
        HPyType_BuiltinShape_HPyType_BuiltinShape_List => Some(LIST_AT),
        _ => None,
    }
}

/// Sets `exc` with `msg`; returns NULL.
unsafe fn fail(exc: *mut py::PyObject, msg: &str) -> HPy {
    let msg = std::ffi::CString::new(msg).unwrap_or_default();
    // SAFETY: a live exception type and a NUL-terminated message.
    unsafe { py::PyErr_SetString(exc, msg.as_ptr()) };
    HPy_NULL
}

/// The `PyMethodDef` flags of an HPy method signature (taken as the integer a C module may
/// have put there: any value, not only the enum's).
pub fn meth_flags(sig: u32) -> Option<c_int> {
    const VARARGS: u32 = HPyFunc_Signature::HPyFunc_VARARGS as u32;
    const KEYWORDS: u32 = HPyFunc_Signature::HPyFunc_KEYWORDS as u32;
    const NOARGS: u32 = HPyFunc_Signature::HPyFunc_NOARGS as u32;
    const O: u32 = HPyFunc_Signature::HPyFunc_O as u32;
    Some(match sig {
        VARARGS => py::METH_FASTCALL,
        KEYWORDS => py::METH_FASTCALL | py::METH_KEYWORDS,
        NOARGS => py::METH_NOARGS,
        O => py::METH_O,
        _ => return None,
    })
}

/// A `PyMethodDef` for an HPy method (its trampoline is what CPython calls); `None` for a
/// signature methods cannot have.
///
/// # Safety
///
/// `m` points to a live method definition (whose signature may hold any integer).
pub unsafe fn method_def(m: *const HPyMeth) -> Option<py::PyMethodDef> {
    // SAFETY: the field is a C enum, four bytes read as the integer they hold (a module compiled
    // from C may hold a value the Rust enum lacks); `m` is live (caller's contract).
    let sig = unsafe { (&raw const (*m).signature).cast::<u32>().read() };
    let flags = meth_flags(sig)?;
    // SAFETY: plain fields of the live definition.
    let (name, trampoline, doc) = unsafe { ((*m).name, (*m).cpy_trampoline, (*m).doc) };
    Some(py::PyMethodDef {
        ml_name: name,
        // SAFETY: the trampoline of each signature has the C signature its flags name; the
        // union only reinterprets the function pointer.
        ml_meth: unsafe {
            core::mem::transmute::<cpy_PyCFunction, py::PyMethodDefPointer>(trampoline)
        },
        ml_flags: flags,
        ml_doc: doc,
    })
}

/// `HPyType_FromSpec` for the CPython ABI.
///
/// # Safety
///
/// `spec` points to a live spec whose strings and definitions live for the rest of the
/// process (as `class/export.rs` makes them); `params` is NULL or a terminated array.
pub unsafe fn type_from_spec(spec: *mut HPyType_Spec, params: *mut HPyType_SpecParam) -> HPy {
    // SAFETY: forwarded (see above); every pointer read comes from the spec.
    unsafe {
        let spec = &*spec;
        let Some(at) = struct_at(spec.builtin_shape) else {
            return fail(
                py::PyExc_NotImplementedError,
                "HPyType_FromSpec: in the CPython ABI a class can extend object, float or list; \
                 int, str, tuple and type have instances of variable size",
            );
        };
        if !spec.legacy_slots.is_null() {
            return fail(
                py::PyExc_NotImplementedError,
                "HPyType_FromSpec: legacy slots",
            );
        }
        let mut base: *mut py::PyObject = null_mut();
        let mut p = params;
        while !p.is_null() && (*p).kind != 0 {
            match (*p).kind {
                HPyType_SpecParam_Kind_HPyType_SpecParam_Base => base = o((*p).object),
                HPyType_SpecParam_Kind_HPyType_SpecParam_BasesTuple => base = o((*p).object),
                _ => {
                    return fail(
                        py::PyExc_NotImplementedError,
                        "HPyType_FromSpec: metaclasses",
                    )
                }
            }
            p = p.add(1);
        }
        let mut slots: Vec<py::PyType_Slot> = Vec::new();
        let mut methods: Vec<py::PyMethodDef> = Vec::new();
        let mut getsets: Vec<py::PyGetSetDef> = Vec::new();
        let mut members: Vec<py::PyMemberDef> = Vec::new();
        let mut call: Option<py::vectorcallfunc> = None;
        let mut d = spec.defines;
        while !d.is_null() && !(*d).is_null() {
            let def = &**d;
            d = d.add(1);
            match def.kind {
                HPyDef_Kind::HPyDef_Kind_Slot => {
                    let s = &def.__bindgen_anon_1.slot;
                    let tramp = s.cpy_trampoline.map_or(null_mut(), |f| f as *mut c_void);
                    match s.slot {
                        HPySlot_Slot::HPy_tp_destroy => slots.push(slot(py::Py_tp_dealloc, tramp)),
                        HPySlot_Slot::HPy_tp_traverse => {
                            slots.push(slot(py::Py_tp_traverse, tramp));
                            let clear = s.impl_.map_or(null_mut(), |f| f as *mut c_void);
                            slots.push(slot(py::Py_tp_clear, clear));
                        }
                        HPySlot_Slot::HPy_tp_call => {
                            call = s.cpy_trampoline.map(|f| core::mem::transmute(f));
                            slots.push(slot(py::Py_tp_call, call_slot as *mut c_void));
                        }
                        HPySlot_Slot::HPy_mod_create | HPySlot_Slot::HPy_mod_exec => {
                            return fail(
                                py::PyExc_TypeError,
                                "HPyType_FromSpec: a module slot in a type",
                            )
                        }
                        other => slots.push(slot(other as c_int, tramp)),
                    }
                }
                HPyDef_Kind::HPyDef_Kind_Meth => {
                    match method_def(&raw const def.__bindgen_anon_1.meth) {
                        Some(md) => methods.push(md),
                        None => {
                            return fail(
                                py::PyExc_TypeError,
                                "HPyType_FromSpec: a method of an unknown signature",
                            )
                        }
                    }
                }
                HPyDef_Kind::HPyDef_Kind_Member => {
                    let m = &def.__bindgen_anon_1.member;
                    members.push(py::PyMemberDef {
                        name: m.name,
                        type_code: m.type_ as c_int,
                        offset: (m.offset as usize + at) as py::Py_ssize_t,
                        flags: if m.readonly != 0 { py::Py_READONLY } else { 0 },
                        doc: m.doc,
                    });
                }
                HPyDef_Kind::HPyDef_Kind_GetSet => {
                    let g = &def.__bindgen_anon_1.getset;
                    getsets.push(py::PyGetSetDef {
                        name: g.name,
                        get: g.getter_cpy_trampoline.map(|f| core::mem::transmute(f)),
                        set: g.setter_cpy_trampoline.map(|f| core::mem::transmute(f)),
                        doc: g.doc,
                        closure: g.closure,
                    });
                }
            }
        }
        let mut basicsize = at + spec.basicsize.max(0) as usize;
        let mut flags = py::Py_TPFLAGS_DEFAULT;
        if spec.flags & HPy_TPFLAGS_BASETYPE as core::ffi::c_ulong != 0 {
            flags |= py::Py_TPFLAGS_BASETYPE;
        }
        if spec.flags & HPy_TPFLAGS_HAVE_GC as core::ffi::c_ulong != 0 {
            flags |= py::Py_TPFLAGS_HAVE_GC;
        }
        if call.is_some() {
            let off = basicsize.div_ceil(8) * 8;
            basicsize = off + size_of::<usize>();
            flags |= py::Py_TPFLAGS_HAVE_VECTORCALL;
            members.push(py::PyMemberDef {
                name: c"__vectorcalloffset__".as_ptr(),
                type_code: py::Py_T_PYSSIZET,
                offset: off as py::Py_ssize_t,
                flags: py::Py_READONLY,
                doc: core::ptr::null(),
            });
        }
        if !spec.doc.is_null() {
            slots.push(slot(py::Py_tp_doc, spec.doc.cast_mut().cast()));
        }
        // CPython keeps pointers to the method and property arrays: they live for the process.
        if !methods.is_empty() {
            methods.push(py::PyMethodDef::zeroed());
            slots.push(slot(
                py::Py_tp_methods,
                Box::leak(methods.into_boxed_slice()).as_mut_ptr().cast(),
            ));
        }
        if !getsets.is_empty() {
            getsets.push(py::PyGetSetDef {
                name: core::ptr::null(),
                get: None,
                set: None,
                doc: core::ptr::null(),
                closure: null_mut(),
            });
            slots.push(slot(
                py::Py_tp_getset,
                Box::leak(getsets.into_boxed_slice()).as_mut_ptr().cast(),
            ));
        }
        if !members.is_empty() {
            members.push(py::PyMemberDef {
                name: core::ptr::null(),
                type_code: 0,
                offset: 0,
                flags: 0,
                doc: core::ptr::null(),
            });
            slots.push(slot(
                py::Py_tp_members,
                Box::leak(members.into_boxed_slice()).as_mut_ptr().cast(),
            ));
        }
        slots.push(slot(0, null_mut()));
        let Ok(basicsize) = c_int::try_from(basicsize) else {
            return fail(
                py::PyExc_OverflowError,
                "HPyType_FromSpec: basicsize too large",
            );
        };
        let mut pyspec = py::PyType_Spec {
            name: spec.name,
            basicsize,
            itemsize: 0,
            flags: flags as c_uint,
            slots: slots.as_mut_ptr(),
        };
        let t = py::PyType_FromSpecWithBases(&mut pyspec, base);
        if !t.is_null() {
            TYPES
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(TypeInfo {
                    ty: t as usize,
                    shape: spec.builtin_shape,
                    call,
                });
        }
        h(t)
    }
}

fn slot(slot: c_int, pfunc: *mut c_void) -> py::PyType_Slot {
    py::PyType_Slot { slot, pfunc }
}

/// The address of the vectorcall slot of `obj`, whose type has one.
///
/// # Safety
///
/// `obj` is a live object.
unsafe fn vectorcall_slot(obj: *mut py::PyObject) -> Option<*mut Option<py::vectorcallfunc>> {
    // SAFETY: reading the live object's type's offset.
    let off = unsafe { (*py::Py_TYPE(obj)).tp_vectorcall_offset };
    (off > 0).then(|| obj.cast::<u8>().wrapping_add(off as usize).cast())
}

/// `tp_call` of a class with `__call__`: fills the instance's vectorcall slot with the class's
/// call function if it is empty (an instance made without `HPy_New`), then calls through it.
unsafe extern "C" fn call_slot(
    callable: *mut py::PyObject,
    args: *mut py::PyObject,
    kwargs: *mut py::PyObject,
) -> *mut py::PyObject {
    // SAFETY: CPython calls this with a live instance of a type made here (or a subclass),
    // which has a vectorcall slot.
    unsafe {
        if let Some(slot) = vectorcall_slot(callable) {
            if (*slot).is_none() {
                *slot = find(py::Py_TYPE(callable), |i| i.call).flatten();
            }
            if (*slot).is_some() {
                return py::PyVectorcall_Call(callable, args, kwargs);
            }
        }
        py::PyErr_SetString(py::PyExc_TypeError, c"object is not callable".as_ptr());
        null_mut()
    }
}

/// `HPy_SetCallFunction`: this object's vectorcall slot.
///
/// # Safety
///
/// `x` is live and `func` points to a static call function.
pub unsafe fn set_call_function(x: HPy, func: *mut HPyCallFunction) -> c_int {
    // SAFETY: forwarded; the slot belongs to the object.
    unsafe {
        match vectorcall_slot(o(x)) {
            Some(slot) if find(py::Py_TYPE(o(x)), |i| i.call.is_some()) == Some(true) => {
                *slot = (*func).cpy_trampoline.map(|f| core::mem::transmute(f));
                0
            }
            _ => {
                py::PyErr_SetString(
                    py::PyExc_TypeError,
                    c"HPy_SetCallFunction: the object's type does not implement the HPy call protocol (no __call__)".as_ptr(),
                );
                -1
            }
        }
    }
}

/// `HPy_New`: a zeroed instance of `h_type` from its `tp_alloc`; `*data` is its struct, found
/// after the built-in base of the type's chain (`float`, `list`, else `object`).
///
/// # Safety
///
/// `h_type` is a live type made here or a subclass of one (the SDK calls it with a class's type
/// or the `cls` its `__new__` received, checked to be a subclass); `data` is writable.
pub unsafe fn new_instance(h_type: HPy, data: *mut *mut c_void) -> HPy {
    // SAFETY: forwarded; the allocation is checked, the base chain is of live types.
    unsafe {
        let tp = o(h_type).cast::<py::PyTypeObject>();
        let mut at = OBJECT_AT;
        let mut t = tp;
        while !t.is_null() {
            if t == &raw mut py::PyFloat_Type {
                at = FLOAT_AT;
                break;
            }
            if t == &raw mut py::PyList_Type {
                at = LIST_AT;
                break;
            }
            t = (*t).tp_base;
        }
        let alloc = (*tp).tp_alloc.unwrap_or(py::PyType_GenericAlloc);
        let obj = alloc(tp, 0);
        if obj.is_null() {
            return HPy_NULL;
        }
        *data = as_struct(h(obj), at);
        h(obj)
    }
}

/// `_HPy_Dump`: the object's address, reference count, type and repr, on standard error.
///
/// # Safety
///
/// `x` is a live object.
pub unsafe fn dump(x: HPy) {
    // SAFETY: reading a live object; failures of `repr` are cleared.
    unsafe {
        let p = o(x);
        let name = CStr::from_ptr((*py::Py_TYPE(p)).tp_name.cast::<c_char>()).to_string_lossy();
        let r = py::PyObject_Repr(p);
        let repr = if r.is_null() {
            py::PyErr_Clear();
            String::from("<repr failed>")
        } else {
            let mut n = 0;
            let s = py::PyUnicode_AsUTF8AndSize(r, &mut n);
            let text = if s.is_null() {
                py::PyErr_Clear();
                String::from("<repr failed>")
            } else {
                String::from_utf8_lossy(core::slice::from_raw_parts(s.cast::<u8>(), n as usize))
                    .into_owned()
            };
            py::Py_DECREF(r);
            text
        };
        eprintln!(
            "object address    : {p:p}\nobject refcount   : {}\nobject type       : {name}\nobject repr       : {repr}",
            py::Py_REFCNT(p)
        );
    }
}

/// The item array and length of the tuple `args` (`__new__`'s positional arguments).
///
/// # Safety
///
/// `args` is a live tuple.
#[inline(always)]
pub unsafe fn tuple_items(args: *mut py::PyObject) -> (*const *mut py::PyObject, isize) {
    // SAFETY: a tuple's items are stored inline after its header, `ob_size` of them.
    unsafe {
        let t = args.cast::<py::PyTupleObject>();
        ((&raw const (*t).ob_item).cast(), py::PyTuple_GET_SIZE(args))
    }
}

/// The builtin base whose dealloc, traverse and clear an instance of `shape` also needs.
fn builtin_base(shape: HPyType_BuiltinShape) -> *mut py::PyTypeObject {
    match shape {
        // SAFETY (both): taking the address of CPython's static type objects.
        HPyType_BuiltinShape_HPyType_BuiltinShape_Float => &raw mut py::PyFloat_Type,
        HPyType_BuiltinShape_HPyType_BuiltinShape_List => &raw mut py::PyList_Type,
        _ => null_mut(),
    }
}

/// `tp_dealloc` of a class: runs `__del__` (`tp_finalize`) unless done or resurrected, stops
/// GC tracking, runs `drop_value` (which releases the fields and drops the Rust value), frees the
/// object through the built-in base of its shape (or `tp_free`), and releases the type.
///
/// # Safety
///
/// Called by CPython as the `tp_dealloc` of a type made here for shape `shape`.
pub unsafe fn class_dealloc(
    obj: *mut py::PyObject,
    shape: HPyType_BuiltinShape,
    drop_value: impl FnOnce(),
) {
    // SAFETY: `obj` is being deallocated (refcount 0); its type outlives it until the last
    // `Py_DECREF` here.
    unsafe {
        let tp = py::Py_TYPE(obj);
        if (*tp).tp_finalize.is_some() && py::PyObject_CallFinalizerFromDealloc(obj) < 0 {
            return; // resurrected
        }
        if py::PyType_IS_GC(tp) != 0 {
            py::PyObject_GC_UnTrack(obj.cast());
        }
        drop_value();
        let base = builtin_base(shape);
        match (base.is_null(), (*tp).tp_free) {
            (false, _) => match (*base).tp_dealloc {
                Some(d) => d(obj),
                None => py::PyObject_Free(obj.cast()),
            },
            (true, Some(free)) => free(obj.cast()),
            (true, None) => py::PyObject_Free(obj.cast()),
        }
        py::Py_DECREF(tp.cast());
    }
}

/// `tp_traverse` of a class with fields: visits each field's object, the (heap) type, and what
/// the built-in base holds.
///
/// # Safety
///
/// Called by CPython's GC with a live instance; `fields` are its raw fields.
pub unsafe fn class_traverse(
    obj: *mut py::PyObject,
    shape: HPyType_BuiltinShape,
    fields: impl Iterator<Item = *mut HPyField>,
    visit: cpy_visitproc,
    arg: *mut c_void,
) -> c_int {
    let Some(visit) = visit else { return 0 };
    // SAFETY: each field holds NULL or an owned reference; the type is live; the visitor has
    // CPython's `visitproc` signature (the bindings' object type is opaque).
    unsafe {
        let visit: py::visitproc = core::mem::transmute(visit);
        for f in fields {
            let p = (*f)._i as *mut py::PyObject;
            if !p.is_null() {
                let r = visit(p, arg);
                if r != 0 {
                    return r;
                }
            }
        }
        let r = visit(py::Py_TYPE(obj).cast(), arg);
        if r != 0 {
            return r;
        }
        let base = builtin_base(shape);
        match base.as_ref().and_then(|b| b.tp_traverse) {
            Some(t) => t(obj, visit, arg),
            None => 0,
        }
    }
}

/// Releases the fields `fields` (set to NULL first): what `tp_clear` and dealloc do.
///
/// # Safety
///
/// `fields` are the raw fields of a live instance.
pub unsafe fn clear_fields(fields: impl Iterator<Item = *mut HPyField>) {
    // SAFETY: each field holds NULL or an owned reference, released after being unlinked.
    unsafe {
        for f in fields {
            let p = core::mem::replace(&mut (*f)._i, 0) as *mut py::PyObject;
            py::Py_XDECREF(p);
        }
    }
}

/// `tp_clear` of a class with fields: releases them, then what the built-in base holds.
///
/// # Safety
///
/// Called by CPython's GC with a live instance; `fields` are its raw fields.
pub unsafe fn class_clear(
    obj: *mut py::PyObject,
    shape: HPyType_BuiltinShape,
    fields: impl Iterator<Item = *mut HPyField>,
) -> c_int {
    // SAFETY: forwarded.
    unsafe {
        clear_fields(fields);
        let base = builtin_base(shape);
        match base.as_ref().and_then(|b| b.tp_clear) {
            Some(c) => c(obj),
            None => 0,
        }
    }
}
