//! `HPyType_FromSpec`: an `HPyType_Spec` becomes a `PyType_Spec` (slots, methods, members,
//! getsets, merged with the legacy ones), CPython makes the type, and the runtime registers what
//! it needs later ([`super::registry`]).
//!
//! The rules are HPy 0.9.0's; its error messages are kept where its tests compare them. Where
//! this differs from `hpy_cpython::types` (the SDK's CPython ABI): that one knows the SDK's own
//! definitions (a `tp_destroy` trampoline that is a whole `tp_dealloc`, no legacy slots, no
//! metaclass), this one takes any module's, so `tp_dealloc`, `tp_clear` and the default call
//! set-up are the runtime's ([`super::lifecycle`]).
//!
//! Differences from HPy 0.9.0's C runtime, none visible to a correct module:
//!
//! * `HPyMember_OBJECT` and `HPyMember_OBJECT_EX` stay members (CPython's `T_OBJECT` and
//!   `T_OBJECT_EX`): an `HPyField` here is the object pointer, so CPython reads and writes it as
//!   HPy's getsets would, and the module's definitions are never written to;
//! * the buffer slots go into the `PyType_Spec` (CPython has taken them since 3.9) instead of a
//!   `tp_as_buffer` set afterwards;
//! * a legacy `Py_tp_new` counts as the type's `tp_new` (HPy would add its default one after
//!   it, so that the legacy one was never used).

use core::ffi::{c_int, c_uint, c_ulong, c_void, CStr};
use core::ptr::{null, null_mut};

use hpy_cpython::h;
use hpy_cpython::pyo3_ffi as py;
use hpy_sys::*;

use super::registry::{self, Plain, TypeData};
use super::{create, fail, lifecycle, shape};

/// Definition kinds and slot numbers, read as integers: a C module may pass any value, which
/// must not be read as a Rust enum.
const KIND_SLOT: u32 = HPyDef_Kind::HPyDef_Kind_Slot as u32;
const KIND_METH: u32 = HPyDef_Kind::HPyDef_Kind_Meth as u32;
const KIND_MEMBER: u32 = HPyDef_Kind::HPyDef_Kind_Member as u32;
const KIND_GETSET: u32 = HPyDef_Kind::HPyDef_Kind_GetSet as u32;
const TP_DESTROY: u32 = HPySlot_Slot::HPy_tp_destroy as u32;
const TP_TRAVERSE: u32 = HPySlot_Slot::HPy_tp_traverse as u32;
const TP_CALL: u32 = HPySlot_Slot::HPy_tp_call as u32;
const TP_NEW: u32 = HPySlot_Slot::HPy_tp_new as u32;

/// The kind of a definition.
fn kind(d: &HPyDef) -> u32 {
    // SAFETY: the field is a C enum: four bytes, read as the integer they hold.
    unsafe { (&raw const d.kind).cast::<u32>().read() }
}

/// The slot number of a slot definition.
fn slot_id(d: &HPyDef) -> u32 {
    // SAFETY: as `kind`; the union holds an `HPySlot` for a slot definition.
    unsafe {
        (&raw const d.__bindgen_anon_1.slot.slot)
            .cast::<u32>()
            .read()
    }
}

/// The CPython slot number for an HPy slot number. HPy's numbers are CPython's up to 3.14;
/// 3.15 moved the four lowest (buffer and two mapping slots) to new numbers, which the bindings
/// of the interpreter this runtime is built for know (the old ones stay accepted there too).
fn cpy_slot(id: u32) -> c_int {
    match id {
        1 => py::Py_bf_getbuffer,
        2 => py::Py_bf_releasebuffer,
        3 => py::Py_mp_ass_subscript,
        4 => py::Py_mp_length,
        n => c_int::try_from(n).unwrap_or(-1),
    }
}

fn slot(slot: c_int, pfunc: *mut c_void) -> py::PyType_Slot {
    py::PyType_Slot { slot, pfunc }
}

/// The entries of a C array ended by an entry for which `end` holds.
///
/// # Safety
///
/// `p` is NULL or such an array, alive for `'a`.
unsafe fn terminated<'a, T>(p: *const T, end: impl Fn(&T) -> bool) -> &'a [T] {
    if p.is_null() {
        return &[];
    }
    let mut n = 0;
    // SAFETY: the array is terminated (caller's contract).
    unsafe {
        while !end(&*p.add(n)) {
            n += 1;
        }
        core::slice::from_raw_parts(p, n)
    }
}

/// The legacy slots, split: the plain ones, and the method, member and getset arrays.
struct Legacy<'a> {
    slots: Vec<py::PyType_Slot>,
    methods: &'a [py::PyMethodDef],
    members: &'a [py::PyMemberDef],
    getsets: &'a [py::PyGetSetDef],
}

/// Splits `legacy_slots` (a `PyType_Slot` array ended by slot 0).
///
/// # Safety
///
/// `p` is NULL or such an array whose arrays are terminated and live for `'a`.
unsafe fn legacy<'a>(p: *mut c_void) -> Legacy<'a> {
    let mut out = Legacy {
        slots: Vec::new(),
        methods: &[],
        members: &[],
        getsets: &[],
    };
    // SAFETY: forwarded.
    unsafe {
        for s in terminated(p.cast::<py::PyType_Slot>(), |s| s.slot == 0) {
            match s.slot {
                py::Py_tp_methods => {
                    out.methods =
                        terminated(s.pfunc.cast(), |m: &py::PyMethodDef| m.ml_name.is_null())
                }
                py::Py_tp_members => {
                    out.members = terminated(s.pfunc.cast(), |m: &py::PyMemberDef| m.name.is_null())
                }
                py::Py_tp_getset => {
                    out.getsets = terminated(s.pfunc.cast(), |g: &py::PyGetSetDef| g.name.is_null())
                }
                _ => out.slots.push(*s),
            }
        }
    }
    out
}

fn is_vectorcalloffset(name: *const core::ffi::c_char) -> bool {
    // SAFETY: member names are NUL-terminated (or NULL, checked).
    !name.is_null() && unsafe { CStr::from_ptr(name) } == c"__vectorcalloffset__"
}

/// Leaks `v` with a zeroed sentinel appended: CPython keeps pointers to these arrays for as
/// long as the type lives, and the method array's address is the type's registry key.
fn leak<T>(mut v: Vec<T>, sentinel: T) -> *mut T {
    v.push(sentinel);
    Box::leak(v.into_boxed_slice()).as_mut_ptr()
}

/// `HPyType_FromSpec(ctx, spec, params)`: a new type, or `HPy_NULL` with an exception set.
///
/// Errors (HPy's): `TypeError` for unknown or conflicting params, legacy slots on a type that is
/// not legacy-shaped, a legacy `tp_dealloc` with `HPy_tp_destroy`/`HPy_tp_traverse`,
/// `HPy_tp_call` on a variable-size type or on a legacy type that inherits its size, both
/// `HPy_tp_call` and a `__vectorcalloffset__` member, members with `basicsize == 0`, a metaclass
/// that is not a plain subclass of `type`, and a legacy type inheriting a pure type's layout;
/// `ValueError` for an invalid shape, `HPy_TPFLAGS_HAVE_GC` without `HPy_tp_traverse`, an
/// unsupported method signature or two metaclasses; what CPython raises for the rest.
///
/// # Safety
///
/// `spec` is NULL or a spec whose strings and definitions live for the rest of the process;
/// `params` is NULL or an array ended by kind 0; the GIL is held.
pub unsafe fn type_from_spec(spec: *mut HPyType_Spec, params: *mut HPyType_SpecParam) -> HPy {
    // SAFETY: the caller's contract; every pointer read comes from the spec or the params.
    unsafe {
        let Some(s) = spec.as_ref() else {
            return fail(py::PyExc_SystemError, "HPyType_FromSpec: the spec is NULL");
        };
        if s.name.is_null() {
            return fail(
                py::PyExc_SystemError,
                "HPyType_FromSpec: the spec has no name",
            );
        }
        if let Err(msg) = shape::init() {
            py::PyErr_SetString(py::PyExc_SystemError, msg.as_ptr());
            return HPy_NULL;
        }
        let name = CStr::from_ptr(s.name);
        if create::check(params, name).is_err() {
            return HPy_NULL;
        }
        let defs: Vec<&HPyDef> = terminated(s.defines.cast_const(), |d| d.is_null())
            .iter()
            .map(|d| &**d)
            .collect();
        let has_slot = |id| {
            defs.iter()
                .any(|d| kind(d) == KIND_SLOT && slot_id(d) == id)
        };
        let has_traverse = has_slot(TP_TRAVERSE);
        let needs_dealloc = has_traverse || has_slot(TP_DESTROY);
        let legacy = legacy(s.legacy_slots);
        if !s.legacy_slots.is_null() {
            if s.builtin_shape != HPyType_BuiltinShape_HPyType_BuiltinShape_Legacy {
                return fail(
                    py::PyExc_TypeError,
                    "cannot specify .legacy_slots without setting .builtin_shape=HPyType_BuiltinShape_Legacy",
                );
            }
            if needs_dealloc && legacy.slots.iter().any(|s| s.slot == py::Py_tp_dealloc) {
                return fail(
                    py::PyExc_TypeError,
                    "legacy tp_dealloc is incompatible with HPy_tp_traverse or HPy_tp_destroy.",
                );
            }
        }
        if s.flags & HPy_TPFLAGS_HAVE_GC as c_ulong != 0 && !has_traverse {
            return fail(
                py::PyExc_ValueError,
                "You must provide an HPy_tp_traverse slot if you specify HPy_TPFLAGS_HAVE_GC",
            );
        }
        let Some(head) = shape::head(s.builtin_shape) else {
            return fail(
                py::PyExc_ValueError,
                &format!("invalid shape: {}", s.builtin_shape),
            );
        };
        if s.basicsize < 0 || s.itemsize < 0 {
            return fail(
                py::PyExc_ValueError,
                "HPyType_FromSpec: negative basicsize or itemsize",
            );
        }
        // 0: inherited from the base.
        let mut basicsize = if s.basicsize != 0 {
            s.basicsize as usize + head
        } else {
            0
        };
        let mut flags = s.flags;
        let Ok(params) = create::read(params) else {
            return HPy_NULL;
        };

        // The HPy slots, in the spec's order.
        let mut slots: Vec<py::PyType_Slot> = Vec::new();
        let mut traverse: HPyFunc_traverseproc = None;
        let mut destroy: HPyFunc_destroyfunc = None;
        let mut call: Option<py::vectorcallfunc> = None;
        let mut vectorcall_at = 0usize;
        let mut has_new = legacy.slots.iter().any(|s| s.slot == py::Py_tp_new);
        for d in defs.iter().filter(|d| kind(d) == KIND_SLOT) {
            let sl = &d.__bindgen_anon_1.slot;
            let tramp = sl.cpy_trampoline.map_or(null_mut(), |f| f as *mut c_void);
            match slot_id(d) {
                TP_DESTROY => {
                    destroy = core::mem::transmute::<HPyCFunction, HPyFunc_destroyfunc>(sl.impl_)
                }
                TP_CALL => {
                    if s.itemsize != 0 {
                        return fail(
                            py::PyExc_TypeError,
                            "Cannot use HPy call protocol with var objects",
                        );
                    }
                    // The call function is kept in a hidden word after the struct.
                    call = sl
                        .cpy_trampoline
                        .map(|f| core::mem::transmute::<_, py::vectorcallfunc>(f));
                    // With an inherited size, HPy puts the word right after the shape's head,
                    // over the struct of an HPy base that has one; here it goes after the
                    // largest base instead.
                    vectorcall_at = hpy_cpython::types::align16(if basicsize != 0 {
                        basicsize
                    } else if head == 0 {
                        0
                    } else {
                        head.max(params.inherited_basicsize())
                    });
                    if vectorcall_at == 0 {
                        return fail(
                            py::PyExc_TypeError,
                            "Cannot use HPy call protocol with legacy types that inherit the struct. \
                             Either set the basicsize to a non-zero value or use legacy slot 'Py_tp_call'.",
                        );
                    }
                    basicsize = vectorcall_at + size_of::<usize>();
                }
                id => {
                    if id == TP_NEW {
                        has_new = true;
                    } else if id == TP_TRAVERSE {
                        traverse =
                            core::mem::transmute::<HPyCFunction, HPyFunc_traverseproc>(sl.impl_);
                    }
                    slots.push(slot(cpy_slot(id), tramp));
                }
            }
        }
        // Member offsets are relative to the struct, unless the size is inherited.
        let member_base = if basicsize != 0 { head } else { 0 };
        if !s.doc.is_null() {
            slots.push(slot(py::Py_tp_doc, s.doc.cast_mut().cast()));
        }
        slots.extend_from_slice(&legacy.slots);

        let mut methods: Vec<py::PyMethodDef> = Vec::new();
        for d in defs.iter().filter(|d| kind(d) == KIND_METH) {
            match hpy_cpython::types::method_def(&raw const d.__bindgen_anon_1.meth) {
                Some(m) => methods.push(m),
                None => return fail(py::PyExc_ValueError, "Unsupported HPyMeth signature"),
            }
        }
        methods.extend_from_slice(legacy.methods);

        let mut members: Vec<py::PyMemberDef> = Vec::new();
        if vectorcall_at != 0 {
            members.push(py::PyMemberDef {
                name: c"__vectorcalloffset__".as_ptr(),
                type_code: py::Py_T_PYSSIZET,
                offset: vectorcall_at as py::Py_ssize_t,
                flags: py::Py_READONLY,
                doc: null(),
            });
        }
        let mut explicit_vectorcall = false;
        for d in defs.iter().filter(|d| kind(d) == KIND_MEMBER) {
            let m = &d.__bindgen_anon_1.member;
            explicit_vectorcall |= is_vectorcalloffset(m.name);
            members.push(py::PyMemberDef {
                name: m.name,
                type_code: m.type_ as c_int,
                offset: m.offset.wrapping_add(member_base as py::Py_ssize_t),
                flags: if m.readonly != 0 { py::Py_READONLY } else { 0 },
                doc: m.doc,
            });
        }
        for m in legacy.members {
            explicit_vectorcall |= is_vectorcalloffset(m.name);
            members.push(*m);
        }
        if basicsize == 0 && !members.is_empty() {
            return fail(
                py::PyExc_TypeError,
                "Type claims to have basicsize==0 but defines members",
            );
        }
        if call.is_some() && explicit_vectorcall {
            return fail(
                py::PyExc_TypeError,
                "Cannot have HPy_tp_call and explicit member '__vectorcalloffset__'. Specify just one of them.",
            );
        }

        let mut getsets: Vec<py::PyGetSetDef> = Vec::new();
        for d in defs.iter().filter(|d| kind(d) == KIND_GETSET) {
            let g = &d.__bindgen_anon_1.getset;
            getsets.push(py::PyGetSetDef {
                name: g.name,
                get: g.getter_cpy_trampoline.map(|f| core::mem::transmute(f)),
                set: g.setter_cpy_trampoline.map(|f| core::mem::transmute(f)),
                doc: g.doc,
                closure: g.closure,
            });
        }
        getsets.extend_from_slice(legacy.getsets);

        let methods = leak(methods, py::PyMethodDef::zeroed());
        slots.push(slot(py::Py_tp_methods, methods.cast()));
        if vectorcall_at != 0 || explicit_vectorcall {
            // Calls go through the instance's call function (vectorcall), which a type without
            // its own `tp_new` gets from `default_new`.
            slots.push(slot(py::Py_tp_call, py::PyVectorcall_Call as *mut c_void));
            if !has_new {
                slots.push(slot(py::Py_tp_new, lifecycle::DEFAULT_NEW as *mut c_void));
            }
            flags |= py::Py_TPFLAGS_HAVE_VECTORCALL as c_ulong;
        }
        let member_sentinel = py::PyMemberDef {
            name: null(),
            type_code: 0,
            offset: 0,
            flags: 0,
            doc: null(),
        };
        slots.push(slot(
            py::Py_tp_members,
            leak(members, member_sentinel).cast(),
        ));
        let getset_sentinel = py::PyGetSetDef {
            name: null(),
            get: None,
            set: None,
            doc: null(),
            closure: null_mut(),
        };
        slots.push(slot(
            py::Py_tp_getset,
            leak(getsets, getset_sentinel).cast(),
        ));
        if needs_dealloc {
            slots.push(slot(py::Py_tp_dealloc, lifecycle::DEALLOC as *mut c_void));
        }
        if has_traverse {
            slots.push(slot(py::Py_tp_clear, lifecycle::clear as *mut c_void));
        }
        slots.push(slot(0, null_mut()));

        let Ok(basicsize) = c_int::try_from(basicsize) else {
            return fail(
                py::PyExc_OverflowError,
                "HPyType_FromSpec: basicsize too large",
            );
        };
        let mut pyspec = py::PyType_Spec {
            name: s.name,
            basicsize,
            itemsize: s.itemsize,
            flags: flags as c_uint,
            slots: slots.as_mut_ptr(),
        };
        let t = create::make(&mut pyspec, params.bases, params.metaclass);
        drop(params);
        if t.is_null() {
            return HPy_NULL;
        }
        let tp = t.cast::<py::PyTypeObject>();
        if (*tp).tp_methods != methods {
            py::Py_DECREF(t);
            return fail(
                py::PyExc_SystemError,
                "HPyType_FromSpec: CPython did not keep the type's method array",
            );
        }
        let base = registry::of_type((*tp).tp_base);
        if s.builtin_shape == HPyType_BuiltinShape_HPyType_BuiltinShape_Legacy
            && base.is_some_and(|b| b.shape != HPyType_BuiltinShape_HPyType_BuiltinShape_Legacy)
        {
            py::Py_DECREF(t);
            return fail(
                py::PyExc_TypeError,
                "A legacy type should not inherit its memory layout from a pure type",
            );
        }
        let inherited_call = if explicit_vectorcall {
            None
        } else {
            base.and_then(|b| b.call)
        };
        let call = call.or(inherited_call);
        registry::register(TypeData {
            key: methods as usize,
            plain: plain(tp, call.is_some()),
            shape: s.builtin_shape,
            head,
            traverse,
            destroy,
            call,
        });
        h(t)
    }
}

/// How `HPy_New` makes instances of the new type `tp` on its fast path (`None`: by `tp_alloc`).
///
/// # Safety
///
/// `tp` is a live, ready type.
unsafe fn plain(tp: *mut py::PyTypeObject, has_call: bool) -> Option<Plain> {
    // SAFETY: reading a live type's fields.
    unsafe {
        let t = &*tp;
        let header = size_of::<py::PyObject>();
        let size = usize::try_from(t.tp_basicsize).ok()?;
        let generic = py::PyType_GenericAlloc as *const ();
        let fixed = t.tp_itemsize == 0
            && t.tp_flags & super::EXTRA_LAYOUT == 0
            && t.tp_alloc.map(|f| f as *const ()) == Some(generic)
            && size >= header;
        if !fixed {
            return None;
        }
        let off = t.tp_vectorcall_offset;
        let call_at = if has_call && off > 0 && off as usize + size_of::<usize>() <= size {
            off as usize
        } else {
            0
        };
        Some(Plain {
            size,
            gc: t.tp_flags & py::Py_TPFLAGS_HAVE_GC != 0,
            call_at,
        })
    }
}
