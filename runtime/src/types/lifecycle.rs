//! The life of an instance of an HPy type: its default `tp_new` (for call types), the call
//! function it starts with, `tp_traverse` (through HPy's trampoline and [`traverse_with`]),
//! `tp_clear` and `tp_dealloc`.
//!
//! An instance's struct is found through the registry (the record of its type, or of the nearest
//! HPy base of a Python subclass), at the offset of that type's shape. Fields are cleared and
//! `HPy_tp_destroy` called for every HPy type of the instance's type chain, as HPy does.
//!
//! Where this goes beyond HPy 0.9.0's C runtime, for instances HPy would leak or crash:
//!
//! * after the HPy part, [`dealloc`] hands the object to the first static type of its chain
//!   (`float`, `list`, `type`, a legacy C type...), so that what that type holds is released too;
//!   `object`'s is `tp_free`. [`clear`] and [`traverse_with`] likewise call that type's
//!   `tp_clear` and `tp_traverse`;
//! * the finalizer runs only when [`dealloc`] is the instance's own `tp_dealloc` (a Python
//!   subclass's `subtype_dealloc` has run it already), weak references and a legacy `__dict__`
//!   slot are released;
//! * [`default_new`] finds the `tp_new` to delegate to past every type that uses it, so that
//!   Python subclasses do not recurse into it.

use core::ffi::{c_int, c_void};

use hpy_cpython::pyo3_ffi as py;
use hpy_sys::*;

use super::registry::{all_of, lookup, of_type, TypeData};

/// The struct of the instance `obj`: at the offset of the nearest HPy type's shape, or the
/// object itself if no type of its chain is an HPy type (HPy's legacy rule).
///
/// # Safety
///
/// `obj` is a live object; the GIL is held.
#[inline]
pub unsafe fn struct_of(obj: *mut py::PyObject) -> *mut c_void {
    // SAFETY: a live object's type is live.
    let head = unsafe { of_type(py::Py_TYPE(obj)) }.map_or(0, |d| d.head);
    obj.cast::<u8>().wrapping_add(head).cast()
}

/// Sets the call function of the new instance `obj` to its type's default (`HPy_tp_call`), if
/// the type has one and a vectorcall slot inside the instance.
///
/// # Safety
///
/// `obj` is a live object whose type has just made it; the GIL is held.
#[inline]
pub unsafe fn init_call(obj: *mut py::PyObject, call: Option<py::vectorcallfunc>) {
    let Some(f) = call else { return };
    // SAFETY: the slot is checked to lie inside the instance's fixed part before it is written.
    unsafe {
        let tp = py::Py_TYPE(obj);
        let off = (*tp).tp_vectorcall_offset;
        if off > 0 && off as usize + size_of::<usize>() <= (*tp).tp_basicsize as usize {
            obj.cast::<u8>()
                .add(off as usize)
                .cast::<Option<py::vectorcallfunc>>()
                .write_unaligned(Some(f));
        }
    }
}

/// [`default_new`] as the one function pointer that is both installed and compared.
pub static DEFAULT_NEW: py::newfunc = default_new;

/// [`dealloc`] as the one function pointer that is both installed and compared.
pub static DEALLOC: py::destructor = dealloc;

/// The `tp_new` of a type with `HPy_tp_call` (or an explicit `__vectorcalloffset__`) but no
/// `HPy_tp_new`: the `tp_new` of the first base that does not use this function, then the
/// instance's call function.
///
/// # Safety
///
/// Called by CPython as a `tp_new`, with the GIL held.
pub unsafe extern "C" fn default_new(
    tp: *mut py::PyTypeObject,
    args: *mut py::PyObject,
    kw: *mut py::PyObject,
) -> *mut py::PyObject {
    let me = DEFAULT_NEW as *const ();
    let uses_me = |t: *mut py::PyTypeObject| {
        // SAFETY: `t` is a live type of `tp`'s chain.
        unsafe { (*t).tp_new }.map(|f| f as *const ()) == Some(me)
    };
    // SAFETY: walking the live chain of `tp`; the base's `tp_new` is called as CPython would.
    unsafe {
        let mut t = tp;
        while !t.is_null() && !uses_me(t) {
            t = (*t).tp_base;
        }
        while !t.is_null() && uses_me(t) {
            t = (*t).tp_base;
        }
        let Some(new) = t.as_ref().and_then(|t| t.tp_new) else {
            py::PyErr_SetString(
                py::PyExc_TypeError,
                c"cannot create instances of this HPy type: no base has a tp_new".as_ptr(),
            );
            return core::ptr::null_mut();
        };
        let obj = new(tp, args, kw);
        if !obj.is_null() {
            init_call(obj, of_type(py::Py_TYPE(obj)).and_then(|d| d.call));
        }
        obj
    }
}

/// The first static (not heap-allocated) type of `tp`'s chain, unless it is `object`: the
/// builtin or C type whose own parts the instance also has.
///
/// # Safety
///
/// `tp` is a live type.
unsafe fn static_base(tp: *mut py::PyTypeObject) -> Option<*mut py::PyTypeObject> {
    let mut t = tp;
    // SAFETY: walking a live chain.
    unsafe {
        while !t.is_null() && (*t).tp_flags & py::Py_TPFLAGS_HEAPTYPE != 0 {
            t = (*t).tp_base;
        }
    }
    (!t.is_null() && t != &raw mut py::PyBaseObject_Type).then_some(t)
}

/// Whether `t` has the GC flag.
///
/// # Safety
///
/// `t` is a live type.
#[inline]
unsafe fn is_gc(t: *mut py::PyTypeObject) -> bool {
    // SAFETY: reading a live type's flags.
    unsafe { (*t).tp_flags & py::Py_TPFLAGS_HAVE_GC != 0 }
}

/// The HPy visitor that clears a field: HPy's `tp_clear` and dealloc run the traverse impls with
/// it.
unsafe extern "C" fn clear_field(f: *mut HPyField, _arg: *mut c_void) -> c_int {
    // SAFETY: the traverse impl passes the address of one of the struct's fields, which holds
    // NULL or an owned reference; it is unlinked before being released.
    unsafe {
        if let Some(f) = f.as_mut() {
            let old = core::mem::replace(&mut f._i, 0) as *mut py::PyObject;
            py::Py_XDECREF(old);
        }
    }
    0
}

/// Clears the fields of the struct `data` of an instance of `tp`, with every traverse impl of
/// its chain.
///
/// # Safety
///
/// `data` is the struct of a live instance of `tp`.
unsafe fn clear_fields(tp: *mut py::PyTypeObject, data: *mut c_void) {
    // SAFETY: the chain is live; each impl is given the struct it was written for.
    unsafe {
        for d in all_of(tp) {
            if let Some(t) = d.traverse {
                t(data, Some(clear_field), core::ptr::null_mut());
            }
        }
    }
}

/// `tp_clear` of an HPy type with `HPy_tp_traverse`: clears every field (through the traverse
/// impls of the chain), then what the static base holds.
///
/// # Safety
///
/// Called by CPython's GC with a live instance.
pub unsafe extern "C" fn clear(obj: *mut py::PyObject) -> c_int {
    // SAFETY: a live instance; its static base is a live type whose `tp_clear` takes it.
    unsafe {
        let tp = py::Py_TYPE(obj);
        clear_fields(tp, struct_of(obj));
        if let Some(base) = static_base(tp) {
            if is_gc(base) {
                if let Some(c) = (*base).tp_clear {
                    return c(obj);
                }
            }
        }
    }
    0
}

/// `tp_dealloc` of an HPy type with `HPy_tp_destroy` or `HPy_tp_traverse`: finalizer (unless it
/// ran already or resurrected the object), GC untracking, weak references and a legacy
/// `__dict__`, the fields and `HPy_tp_destroy` of every HPy type of the chain, then the static
/// base's `tp_dealloc` (`tp_free` for `object`), and the reference to the type.
///
/// # Safety
///
/// Called by CPython (directly or from a subclass's `subtype_dealloc`) with an instance whose
/// reference count is 0.
pub unsafe extern "C" fn dealloc(obj: *mut py::PyObject) {
    // SAFETY: `obj` is being freed: nothing else uses it; its type stays alive until the last
    // line, which releases the instance's reference to it. Each impl gets the struct it was
    // written for; the static base's `tp_dealloc` frees an instance of its own type.
    unsafe {
        let tp = py::Py_TYPE(obj);
        if (*tp).tp_finalize.is_some()
            && (*tp).tp_dealloc.map(|f| f as *const ()) == Some(DEALLOC as *const ())
            && py::PyObject_CallFinalizerFromDealloc(obj) < 0
        {
            return; // resurrected
        }
        let gc = is_gc(tp);
        if gc {
            py::PyObject_GC_UnTrack(obj.cast());
        }
        if (*tp).tp_weaklistoffset != 0 {
            py::PyObject_ClearWeakRefs(obj);
        }
        if (*tp).tp_dictoffset > 0 {
            let slot = obj
                .cast::<u8>()
                .add((*tp).tp_dictoffset as usize)
                .cast::<*mut py::PyObject>();
            py::Py_XDECREF(core::mem::replace(&mut *slot, core::ptr::null_mut()));
        }
        // One walk up the chain: the nearest HPy type's record, whether there are others, and
        // the first static type (HPy types are heap types; `lookup` skips Python subclasses,
        // whose `tp_methods` is NULL).
        let mut nearest: Option<&TypeData> = None;
        let mut more = false;
        let mut t = tp;
        while !t.is_null() && (*t).tp_flags & py::Py_TPFLAGS_HEAPTYPE != 0 {
            let m = (*t).tp_methods as usize;
            if m != 0 {
                if let Some(d) = lookup(m) {
                    more |= nearest.is_some();
                    nearest.get_or_insert(d);
                }
            }
            t = (*t).tp_base;
        }
        let data = obj
            .cast::<u8>()
            .add(nearest.map_or(0, |d| d.head))
            .cast::<c_void>();
        if more {
            clear_fields(tp, data);
            for d in all_of(tp) {
                if let Some(f) = d.destroy {
                    f(data);
                }
            }
        } else if let Some(d) = nearest {
            if let Some(f) = d.traverse {
                f(data, Some(clear_field), core::ptr::null_mut());
            }
            if let Some(f) = d.destroy {
                f(data);
            }
        }
        let base = t;
        let base_dealloc = if base.is_null() || base == &raw mut py::PyBaseObject_Type {
            None
        } else {
            (*base).tp_dealloc
        };
        match base_dealloc {
            // A GC base's dealloc expects a tracked object (and a non-GC instance of a GC base
            // cannot be handed to it).
            Some(base_dealloc) if gc || !is_gc(base) => {
                if gc && is_gc(base) {
                    py::PyObject_GC_Track(obj.cast());
                }
                base_dealloc(obj);
            }
            _ => match (*tp).tp_free {
                Some(free) => free(obj.cast()),
                None if gc => py::PyObject_GC_Del(obj.cast()),
                None => py::PyObject_Free(obj.cast()),
            },
        }
        py::Py_DECREF(tp.cast());
    }
}

/// What [`hpy_visit`] passes on: CPython's visitor and its argument.
struct VisitArgs {
    visit: py::visitproc,
    arg: *mut c_void,
}

/// The HPy visitor given to a traverse impl: CPython's visitor on the field's object.
unsafe extern "C" fn hpy_visit(f: *mut HPyField, arg: *mut c_void) -> c_int {
    // SAFETY: `arg` is the `VisitArgs` of `traverse_with`, alive for the impl's call; the field
    // holds NULL (skipped) or an owned reference.
    unsafe {
        let Some(f) = f.as_ref() else { return 0 };
        let p = f._i as *mut py::PyObject;
        if p.is_null() {
            return 0;
        }
        let a = &*arg.cast::<VisitArgs>();
        (a.visit)(p, a.arg)
    }
}

/// Runs the HPy traverse impl `f` on the instance `obj` with CPython's visitor `visit` (the
/// `HPyFunc_TRAVERSEPROC` trampoline's work), then the static base's `tp_traverse`. The instance's
/// type is not visited, as in HPy (whose tests compare `gc.get_referents`).
///
/// # Safety
///
/// `obj` is a live instance of a type whose traverse impl is `f`; the GIL is held.
pub unsafe fn traverse_with(
    f: unsafe extern "C" fn(*mut c_void, HPyFunc_visitproc, *mut c_void) -> c_int,
    obj: *mut c_void,
    visit: cpy_visitproc,
    arg: *mut c_void,
) -> c_int {
    let Some(visit) = visit else { return 0 };
    let obj = obj.cast::<py::PyObject>();
    // SAFETY: the visitor has CPython's `visitproc` signature (the bindings' object type is
    // opaque); `args` outlives the impl's call; the static base traverses its own part.
    unsafe {
        let args = VisitArgs {
            visit: core::mem::transmute::<
                unsafe extern "C" fn(*mut cpy_PyObject, *mut c_void) -> c_int,
                py::visitproc,
            >(visit),
            arg,
        };
        let r = f(
            struct_of(obj),
            Some(hpy_visit),
            (&raw const args).cast_mut().cast(),
        );
        if r != 0 {
            return r;
        }
        let tp = py::Py_TYPE(obj);
        match static_base(tp) {
            Some(base) if is_gc(base) => match (*base).tp_traverse {
                Some(t) => t(obj, args.visit, arg),
                None => 0,
            },
            _ => 0,
        }
    }
}
