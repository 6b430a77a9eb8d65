//! `ctx_CallRealFunctionFromTrampoline`: how a universal module's trampolines (the functions
//! CPython calls) reach their impls. A trampoline packs CPython's arguments into the
//! `_HPyFunc_args_<SIG>` struct of its signature and passes it here with the impl; this function
//! converts the objects to handles, calls the impl with the universal context, and stores the
//! impl's result back into the struct as CPython expects it.
//!
//! A handle is the object pointer itself (see [`crate::context`]), so converting is a cast: the
//! argument arrays of `VARARGS` and `KEYWORDS` calls, and a tuple's items for `__init__` and
//! `__new__`, are passed to the impl as they are, without a copy.

use core::ffi::{c_char, c_void};

use hpy_cpython::pyo3_ffi as py;
use hpy_cpython::{h, o};
use hpy_sys::*;

/// An object pointer of the bindings as a handle.
#[inline(always)]
fn ph(p: *mut cpy_PyObject) -> HPy {
    HPy { _i: p as isize }
}

/// A handle as an object pointer of the bindings.
#[inline(always)]
fn hp(x: HPy) -> *mut cpy_PyObject {
    x._i as *mut cpy_PyObject
}

/// The signature numbers of `HPyFunc_Signature` (taken as an integer: a C caller may pass any).
pub(crate) mod sig {
    #![allow(non_upper_case_globals)]
    use hpy_sys::HPyFunc_Signature as S;
    macro_rules! numbers {
        ($($n:ident),*) => { $(pub const $n: u32 = S::$n as u32;)* };
    }
    numbers!(
        HPyFunc_VARARGS,
        HPyFunc_KEYWORDS,
        HPyFunc_NOARGS,
        HPyFunc_O,
        HPyFunc_GETBUFFERPROC,
        HPyFunc_RELEASEBUFFERPROC,
        HPyFunc_UNARYFUNC,
        HPyFunc_BINARYFUNC,
        HPyFunc_TERNARYFUNC,
        HPyFunc_INQUIRY,
        HPyFunc_LENFUNC,
        HPyFunc_SSIZEARGFUNC,
        HPyFunc_SSIZESSIZEARGFUNC,
        HPyFunc_SSIZEOBJARGPROC,
        HPyFunc_SSIZESSIZEOBJARGPROC,
        HPyFunc_OBJOBJARGPROC,
        HPyFunc_FREEFUNC,
        HPyFunc_GETATTRFUNC,
        HPyFunc_GETATTROFUNC,
        HPyFunc_SETATTRFUNC,
        HPyFunc_SETATTROFUNC,
        HPyFunc_REPRFUNC,
        HPyFunc_HASHFUNC,
        HPyFunc_RICHCMPFUNC,
        HPyFunc_GETITERFUNC,
        HPyFunc_ITERNEXTFUNC,
        HPyFunc_DESCRGETFUNC,
        HPyFunc_DESCRSETFUNC,
        HPyFunc_INITPROC,
        HPyFunc_NEWFUNC,
        HPyFunc_GETTER,
        HPyFunc_SETTER,
        HPyFunc_OBJOBJPROC,
        HPyFunc_TRAVERSEPROC,
        HPyFunc_DESTRUCTOR,
        HPyFunc_CAPSULE_DESTRUCTOR,
        HPyFunc_MOD_CREATE
    );
}

/// `ctx_CallRealFunctionFromTrampoline(ctx, sig, func, args)` of the universal context.
///
/// An unknown signature raises `SystemError` and leaves `args` untouched: HPy's trampolines
/// zero-initialise the result, which CPython then reads as an error return.
///
/// # Safety
///
/// Called by a trampoline of a module loaded with `ctx`, with the GIL held: `func` is the impl of
/// the signature `sig` and `args` points to that signature's argument struct, filled by the
/// trampoline from CPython's arguments.
pub unsafe extern "C" fn call_real(
    ctx: *mut HPyContext,
    signature: u32,
    func: HPyCFunction,
    args: *mut c_void,
) {
    let Some(func) = func else {
        return null_impl();
    };
    let f = func as *const ();
    // SAFETY: for each signature, `f` has the impl type of that signature and `args` points to
    // its argument struct (the caller's contract); objects are live for the call.
    unsafe {
        macro_rules! go {
            ($fty:ident, $aty:ident, |$f:ident, $a:ident| $body:expr) => {{
                let $f: $fty = core::mem::transmute::<*const (), $fty>(f);
                let $f = $f.unwrap_unchecked();
                let $a = &mut *args.cast::<$aty>();
                $body
            }};
        }
        match signature {
            sig::HPyFunc_NOARGS => go!(HPyFunc_noargs, _HPyFunc_args_NOARGS, |f, a| {
                a.result = hp(f(ctx, ph(a.self_)))
            }),
            sig::HPyFunc_O => go!(HPyFunc_o, _HPyFunc_args_O, |f, a| {
                a.result = hp(f(ctx, ph(a.self_), ph(a.arg)))
            }),
            sig::HPyFunc_VARARGS => go!(HPyFunc_varargs, _HPyFunc_args_VARARGS, |f, a| {
                a.result = hp(f(ctx, ph(a.self_), a.args.cast(), a.nargs as usize))
            }),
            sig::HPyFunc_KEYWORDS => go!(HPyFunc_keywords, _HPyFunc_args_KEYWORDS, |f, a| {
                let nargs = a.nargsf & !py::PY_VECTORCALL_ARGUMENTS_OFFSET;
                a.result = hp(f(ctx, ph(a.self_), a.args.cast(), nargs, ph(a.kwnames)))
            }),
            sig::HPyFunc_INITPROC => go!(HPyFunc_initproc, _HPyFunc_args_INITPROC, |f, a| {
                let (items, n) = tuple_args(a.args);
                a.result = f(ctx, ph(a.self_), items, n, ph(a.kw))
            }),
            sig::HPyFunc_NEWFUNC => go!(HPyFunc_newfunc, _HPyFunc_args_NEWFUNC, |f, a| {
                let (items, n) = tuple_args(a.args);
                a.result = hp(f(ctx, ph(a.self_), items, n, ph(a.kw)))
            }),
            sig::HPyFunc_UNARYFUNC
            | sig::HPyFunc_REPRFUNC
            | sig::HPyFunc_GETITERFUNC
            | sig::HPyFunc_ITERNEXTFUNC => {
                go!(HPyFunc_unaryfunc, _HPyFunc_args_UNARYFUNC, |f, a| {
                    a.result = hp(f(ctx, ph(a.arg0)))
                })
            }
            sig::HPyFunc_BINARYFUNC | sig::HPyFunc_GETATTROFUNC => {
                go!(HPyFunc_binaryfunc, _HPyFunc_args_BINARYFUNC, |f, a| {
                    a.result = hp(f(ctx, ph(a.arg0), ph(a.arg1)))
                })
            }
            sig::HPyFunc_TERNARYFUNC | sig::HPyFunc_DESCRGETFUNC => {
                go!(HPyFunc_ternaryfunc, _HPyFunc_args_TERNARYFUNC, |f, a| {
                    a.result = hp(f(ctx, ph(a.arg0), ph(a.arg1), ph(a.arg2)))
                })
            }
            sig::HPyFunc_INQUIRY => go!(HPyFunc_inquiry, _HPyFunc_args_INQUIRY, |f, a| {
                a.result = f(ctx, ph(a.arg0))
            }),
            sig::HPyFunc_LENFUNC => go!(HPyFunc_lenfunc, _HPyFunc_args_LENFUNC, |f, a| {
                a.result = f(ctx, ph(a.arg0))
            }),
            sig::HPyFunc_HASHFUNC => go!(HPyFunc_hashfunc, _HPyFunc_args_HASHFUNC, |f, a| {
                a.result = f(ctx, ph(a.arg0))
            }),
            sig::HPyFunc_SSIZEARGFUNC => {
                go!(HPyFunc_ssizeargfunc, _HPyFunc_args_SSIZEARGFUNC, |f, a| {
                    a.result = hp(f(ctx, ph(a.arg0), a.arg1))
                })
            }
            sig::HPyFunc_SSIZESSIZEARGFUNC => {
                go!(
                    HPyFunc_ssizessizeargfunc,
                    _HPyFunc_args_SSIZESSIZEARGFUNC,
                    |f, a| a.result = hp(f(ctx, ph(a.arg0), a.arg1, a.arg2))
                )
            }
            sig::HPyFunc_SSIZEOBJARGPROC => {
                go!(
                    HPyFunc_ssizeobjargproc,
                    _HPyFunc_args_SSIZEOBJARGPROC,
                    |f, a| a.result = f(ctx, ph(a.arg0), a.arg1, ph(a.arg2))
                )
            }
            sig::HPyFunc_SSIZESSIZEOBJARGPROC => go!(
                HPyFunc_ssizessizeobjargproc,
                _HPyFunc_args_SSIZESSIZEOBJARGPROC,
                |f, a| a.result = f(ctx, ph(a.arg0), a.arg1, a.arg2, ph(a.arg3))
            ),
            sig::HPyFunc_OBJOBJARGPROC | sig::HPyFunc_SETATTROFUNC | sig::HPyFunc_DESCRSETFUNC => {
                go!(
                    HPyFunc_objobjargproc,
                    _HPyFunc_args_OBJOBJARGPROC,
                    |f, a| a.result = f(ctx, ph(a.arg0), ph(a.arg1), ph(a.arg2))
                )
            }
            sig::HPyFunc_OBJOBJPROC => go!(HPyFunc_objobjproc, _HPyFunc_args_OBJOBJPROC, |f, a| {
                a.result = f(ctx, ph(a.arg0), ph(a.arg1))
            }),
            sig::HPyFunc_FREEFUNC => go!(HPyFunc_freefunc, _HPyFunc_args_FREEFUNC, |f, a| {
                f(ctx, a.arg0)
            }),
            sig::HPyFunc_GETATTRFUNC => {
                go!(HPyFunc_getattrfunc, _HPyFunc_args_GETATTRFUNC, |f, a| {
                    a.result = hp(f(ctx, ph(a.arg0), a.arg1))
                })
            }
            sig::HPyFunc_SETATTRFUNC => {
                go!(HPyFunc_setattrfunc, _HPyFunc_args_SETATTRFUNC, |f, a| {
                    a.result = f(ctx, ph(a.arg0), a.arg1, ph(a.arg2))
                })
            }
            sig::HPyFunc_RICHCMPFUNC => {
                go!(HPyFunc_richcmpfunc, _HPyFunc_args_RICHCMPFUNC, |f, a| {
                    a.result = hp(f(ctx, ph(a.arg0), ph(a.arg1), a.arg2))
                })
            }
            sig::HPyFunc_GETTER => go!(HPyFunc_getter, _HPyFunc_args_GETTER, |f, a| {
                a.result = hp(f(ctx, ph(a.arg0), a.arg1))
            }),
            sig::HPyFunc_SETTER => go!(HPyFunc_setter, _HPyFunc_args_SETTER, |f, a| {
                a.result = f(ctx, ph(a.arg0), ph(a.arg1), a.arg2)
            }),
            sig::HPyFunc_DESTRUCTOR => go!(HPyFunc_destructor, _HPyFunc_args_DESTRUCTOR, |f, a| {
                f(ctx, ph(a.arg0))
            }),
            sig::HPyFunc_GETBUFFERPROC => {
                go!(
                    HPyFunc_getbufferproc,
                    _HPyFunc_args_GETBUFFERPROC,
                    |f, a| {
                        let mut hbuf: HPy_buffer = core::mem::zeroed();
                        a.result = f(ctx, ph(a.self_), &mut hbuf, a.flags);
                        let view = &mut *a.view.cast::<py::Py_buffer>();
                        if a.result < 0 {
                            view.obj = core::ptr::null_mut();
                        } else {
                            // The handle's reference becomes the view's (a handle is the object).
                            buffer_to_py(&hbuf, view);
                        }
                    }
                )
            }
            sig::HPyFunc_RELEASEBUFFERPROC => go!(
                HPyFunc_releasebufferproc,
                _HPyFunc_args_RELEASEBUFFERPROC,
                |f, a| {
                    let view = &*a.view.cast::<py::Py_buffer>();
                    let mut hbuf = buffer_from_py(view);
                    f(ctx, ph(a.self_), &mut hbuf);
                    py::Py_XDECREF(o(hbuf.obj));
                }
            ),
            sig::HPyFunc_TRAVERSEPROC => {
                go!(HPyFunc_traverseproc, _HPyFunc_args_TRAVERSEPROC, |f, a| {
                    a.result = crate::types::traverse_with(f, a.self_.cast(), a.visit, a.arg)
                })
            }
            sig::HPyFunc_CAPSULE_DESTRUCTOR => {
                let f: HPyFunc_Capsule_Destructor = core::mem::transmute::<*const (), _>(f);
                hpy_cpython::functions::run_capsule_destructor(f.unwrap_unchecked(), args.cast());
            }
            sig::HPyFunc_MOD_CREATE => go!(HPyFunc_unaryfunc, _HPyFunc_args_UNARYFUNC, |f, a| {
                let m = f(ctx, ph(a.arg0));
                if !o(m).is_null() && py::PyModule_Check(o(m)) != 0 {
                    py::Py_DECREF(o(m));
                    py::PyErr_SetString(
                        py::PyExc_SystemError,
                        c"HPy_mod_create slot returned a builtin module object. This is currently not supported.".as_ptr(),
                    );
                    a.result = core::ptr::null_mut();
                } else {
                    a.result = hp(m);
                }
            }),
            other => {
                let msg = format!(
                    "HPy trampoline called with an unsupported HPyFunc_Signature ({other})\0"
                );
                py::PyErr_SetString(py::PyExc_SystemError, msg.as_ptr().cast::<c_char>());
            }
        }
    }
}

/// What a trampoline called with a NULL impl gets: `SystemError` (there is no impl to call).
pub(crate) fn null_impl() {
    // SAFETY: a static exception type and message; trampolines run with the GIL held.
    unsafe {
        py::PyErr_SetString(
            py::PyExc_SystemError,
            c"HPy trampoline called with a NULL impl".as_ptr(),
        )
    };
}

/// The items and length of the tuple `args` as a handle array (NULL means no arguments).
///
/// # Safety
///
/// `args` is NULL or a live tuple.
unsafe fn tuple_args(args: *mut cpy_PyObject) -> (*const HPy, HPy_ssize_t) {
    if args.is_null() {
        return (core::ptr::null(), 0);
    }
    // SAFETY: a live tuple (caller's contract).
    let (items, n) = unsafe { hpy_cpython::types::tuple_items(args.cast()) };
    (items.cast(), n)
}

/// Copies an HPy buffer into CPython's (the object's reference moves with it).
pub(crate) fn buffer_to_py(src: &HPy_buffer, dest: &mut py::Py_buffer) {
    dest.buf = src.buf;
    dest.obj = o(src.obj);
    dest.len = src.len;
    dest.itemsize = src.itemsize;
    dest.readonly = src.readonly;
    dest.ndim = src.ndim;
    dest.format = src.format;
    dest.shape = src.shape;
    dest.strides = src.strides;
    dest.suboffsets = src.suboffsets;
    dest.internal = src.internal;
}

/// An HPy buffer for CPython's, with a new reference to its object.
///
/// # Safety
///
/// `src` is a live view (its object NULL or live).
pub(crate) unsafe fn buffer_from_py(src: &py::Py_buffer) -> HPy_buffer {
    // SAFETY: the view's object is NULL or live.
    unsafe { py::Py_XINCREF(src.obj) };
    HPy_buffer {
        buf: src.buf,
        obj: h(src.obj),
        len: src.len,
        itemsize: src.itemsize,
        readonly: src.readonly,
        ndim: src.ndim,
        format: src.format,
        shape: src.shape,
        strides: src.strides,
        suboffsets: src.suboffsets,
        internal: src.internal,
    }
}

/// `call_real` with the type of the context member (`HPyFunc_Signature` is a C enum there; the
/// function reads it as the integer it is, so that no value a caller passes is invalid).
pub fn member(
) -> unsafe extern "C" fn(*mut HPyContext, HPyFunc_Signature, HPyCFunction, *mut c_void) {
    // SAFETY: `HPyFunc_Signature` is `repr(u32)`: both function types have the same C ABI.
    unsafe {
        core::mem::transmute::<
            unsafe extern "C" fn(*mut HPyContext, u32, HPyCFunction, *mut c_void),
            unsafe extern "C" fn(*mut HPyContext, HPyFunc_Signature, HPyCFunction, *mut c_void),
        >(call_real)
    }
}
