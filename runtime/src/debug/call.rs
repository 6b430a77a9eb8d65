//! `ctx_CallRealFunctionFromTrampoline` of the debug context: CPython's arguments become debug
//! handles opened for the call (borrowing the objects, as the universal context's handles do)
//! and closed after it, which reports an argument the impl closed; a handle result gives its
//! reference to CPython and its debug handle closes. The impl runs with the next copy of the
//! debug context ([`super::context::enter_call`]).

use core::ffi::{c_char, c_void};

use hpy_cpython::pyo3_ffi as py;
use hpy_cpython::{h, o};
use hpy_sys::*;

use super::context::{enter_call, leave_call};
use super::handles;

/// The debug handles opened for one call's arguments.
struct Args(Vec<HPy>);

impl Args {
    fn new() -> Self {
        Args(Vec::with_capacity(4))
    }

    /// A debug handle borrowing `p` for the call (NULL stays `HPy_NULL`).
    fn arg(&mut self, p: *mut py::PyObject) -> HPy {
        let x = handles::open_borrowed(p);
        self.0.push(x);
        x
    }

    /// Debug handles for `n` objects at `items`.
    ///
    /// # Safety
    ///
    /// `items` points to `n` live objects, or `n` is 0.
    unsafe fn array(&mut self, items: *const *mut py::PyObject, n: usize) -> Vec<HPy> {
        if n == 0 || items.is_null() {
            return Vec::new();
        }
        // SAFETY: `n` objects (caller's contract).
        unsafe { core::slice::from_raw_parts(items, n) }
            .iter()
            .map(|p| self.arg(*p))
            .collect()
    }

    /// Closes them all, reporting those the impl closed.
    fn close(self) {
        for x in self.0 {
            handles::close_and_check(x);
        }
    }
}

/// The object of a result handle (its reference passes on).
fn result(x: HPy) -> *mut cpy_PyObject {
    handles::take(x).cast()
}

/// The items of a tuple (NULL: none).
///
/// # Safety
///
/// `t` is NULL or a live tuple.
unsafe fn tuple_items(t: *mut cpy_PyObject) -> (*const *mut py::PyObject, usize) {
    if t.is_null() {
        return (core::ptr::null(), 0);
    }
    // SAFETY: a live tuple.
    let (items, n) = unsafe { hpy_cpython::types::tuple_items(t.cast()) };
    (items.cast(), n.max(0) as usize)
}

/// `ctx_CallRealFunctionFromTrampoline(ctx, sig, func, args)` of the debug context.
///
/// # Safety
///
/// As [`crate::call::call_real`], with `ctx` the debug context the module was loaded with.
pub unsafe extern "C" fn call_real(
    ctx: *mut HPyContext,
    signature: u32,
    func: HPyCFunction,
    args: *mut c_void,
) {
    use crate::call::sig;
    match signature {
        // No handle: the universal context's way, with the debug context for the impl.
        sig::HPyFunc_TRAVERSEPROC | sig::HPyFunc_CAPSULE_DESTRUCTOR => {
            // SAFETY: forwarded; neither signature passes handles.
            return unsafe { crate::call::call_real(ctx, signature, func, args) };
        }
        _ => {}
    }
    let Some(func) = func else {
        return crate::call::null_impl();
    };
    let f = func as *const ();
    let mut hs = Args::new();
    let (dctx, from, next) = if signature == sig::HPyFunc_MOD_CREATE {
        (ctx, usize::MAX, usize::MAX)
    } else {
        let (d, a, b) = enter_call(ctx);
        (d, a, b)
    };
    // SAFETY: for each signature, `f` has the impl type of that signature and `args` points to
    // its argument struct (the caller's contract); the objects are live for the call.
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
                let r = f(dctx, hs.arg(a.self_.cast()));
                finish(from, next, hs);
                a.result = result(r);
            }),
            sig::HPyFunc_O => go!(HPyFunc_o, _HPyFunc_args_O, |f, a| {
                let s = hs.arg(a.self_.cast());
                let r = f(dctx, s, hs.arg(a.arg.cast()));
                finish(from, next, hs);
                a.result = result(r);
            }),
            sig::HPyFunc_VARARGS => go!(HPyFunc_varargs, _HPyFunc_args_VARARGS, |f, a| {
                let s = hs.arg(a.self_.cast());
                let items = hs.array(a.args.cast(), a.nargs.max(0) as usize);
                let r = f(dctx, s, items.as_ptr(), items.len());
                finish(from, next, hs);
                a.result = result(r);
            }),
            sig::HPyFunc_KEYWORDS => go!(HPyFunc_keywords, _HPyFunc_args_KEYWORDS, |f, a| {
                let nargs = a.nargsf & !py::PY_VECTORCALL_ARGUMENTS_OFFSET;
                let nkw = if a.kwnames.is_null() {
                    0
                } else {
                    py::PyTuple_GET_SIZE(a.kwnames.cast()).max(0) as usize
                };
                let s = hs.arg(a.self_.cast());
                let items = hs.array(a.args.cast(), nargs + nkw);
                let k = hs.arg(a.kwnames.cast());
                let r = f(dctx, s, items.as_ptr(), nargs, k);
                finish(from, next, hs);
                a.result = result(r);
            }),
            sig::HPyFunc_INITPROC => go!(HPyFunc_initproc, _HPyFunc_args_INITPROC, |f, a| {
                let s = hs.arg(a.self_.cast());
                let (p, n) = tuple_items(a.args);
                let items = hs.array(p, n);
                let k = hs.arg(a.kw.cast());
                a.result = f(dctx, s, items.as_ptr(), n as HPy_ssize_t, k);
                finish(from, next, hs);
            }),
            sig::HPyFunc_NEWFUNC => go!(HPyFunc_newfunc, _HPyFunc_args_NEWFUNC, |f, a| {
                let s = hs.arg(a.self_.cast());
                let (p, n) = tuple_items(a.args);
                let items = hs.array(p, n);
                let k = hs.arg(a.kw.cast());
                let r = f(dctx, s, items.as_ptr(), n as HPy_ssize_t, k);
                finish(from, next, hs);
                a.result = result(r);
            }),
            sig::HPyFunc_UNARYFUNC
            | sig::HPyFunc_REPRFUNC
            | sig::HPyFunc_GETITERFUNC
            | sig::HPyFunc_ITERNEXTFUNC => {
                go!(HPyFunc_unaryfunc, _HPyFunc_args_UNARYFUNC, |f, a| {
                    let r = f(dctx, hs.arg(a.arg0.cast()));
                    finish(from, next, hs);
                    a.result = result(r);
                })
            }
            sig::HPyFunc_BINARYFUNC | sig::HPyFunc_GETATTROFUNC => {
                go!(HPyFunc_binaryfunc, _HPyFunc_args_BINARYFUNC, |f, a| {
                    let x = hs.arg(a.arg0.cast());
                    let r = f(dctx, x, hs.arg(a.arg1.cast()));
                    finish(from, next, hs);
                    a.result = result(r);
                })
            }
            sig::HPyFunc_TERNARYFUNC | sig::HPyFunc_DESCRGETFUNC => {
                go!(HPyFunc_ternaryfunc, _HPyFunc_args_TERNARYFUNC, |f, a| {
                    let x = hs.arg(a.arg0.cast());
                    let y = hs.arg(a.arg1.cast());
                    let r = f(dctx, x, y, hs.arg(a.arg2.cast()));
                    finish(from, next, hs);
                    a.result = result(r);
                })
            }
            sig::HPyFunc_INQUIRY => go!(HPyFunc_inquiry, _HPyFunc_args_INQUIRY, |f, a| {
                a.result = f(dctx, hs.arg(a.arg0.cast()));
                finish(from, next, hs);
            }),
            sig::HPyFunc_LENFUNC => go!(HPyFunc_lenfunc, _HPyFunc_args_LENFUNC, |f, a| {
                a.result = f(dctx, hs.arg(a.arg0.cast()));
                finish(from, next, hs);
            }),
            sig::HPyFunc_HASHFUNC => go!(HPyFunc_hashfunc, _HPyFunc_args_HASHFUNC, |f, a| {
                a.result = f(dctx, hs.arg(a.arg0.cast()));
                finish(from, next, hs);
            }),
            sig::HPyFunc_SSIZEARGFUNC => {
                go!(HPyFunc_ssizeargfunc, _HPyFunc_args_SSIZEARGFUNC, |f, a| {
                    let r = f(dctx, hs.arg(a.arg0.cast()), a.arg1);
                    finish(from, next, hs);
                    a.result = result(r);
                })
            }
            sig::HPyFunc_SSIZESSIZEARGFUNC => {
                go!(
                    HPyFunc_ssizessizeargfunc,
                    _HPyFunc_args_SSIZESSIZEARGFUNC,
                    |f, a| {
                        let r = f(dctx, hs.arg(a.arg0.cast()), a.arg1, a.arg2);
                        finish(from, next, hs);
                        a.result = result(r);
                    }
                )
            }
            sig::HPyFunc_SSIZEOBJARGPROC => {
                go!(
                    HPyFunc_ssizeobjargproc,
                    _HPyFunc_args_SSIZEOBJARGPROC,
                    |f, a| {
                        let x = hs.arg(a.arg0.cast());
                        a.result = f(dctx, x, a.arg1, hs.arg(a.arg2.cast()));
                        finish(from, next, hs);
                    }
                )
            }
            sig::HPyFunc_SSIZESSIZEOBJARGPROC => go!(
                HPyFunc_ssizessizeobjargproc,
                _HPyFunc_args_SSIZESSIZEOBJARGPROC,
                |f, a| {
                    let x = hs.arg(a.arg0.cast());
                    a.result = f(dctx, x, a.arg1, a.arg2, hs.arg(a.arg3.cast()));
                    finish(from, next, hs);
                }
            ),
            sig::HPyFunc_OBJOBJARGPROC | sig::HPyFunc_SETATTROFUNC | sig::HPyFunc_DESCRSETFUNC => {
                go!(
                    HPyFunc_objobjargproc,
                    _HPyFunc_args_OBJOBJARGPROC,
                    |f, a| {
                        let x = hs.arg(a.arg0.cast());
                        let y = hs.arg(a.arg1.cast());
                        a.result = f(dctx, x, y, hs.arg(a.arg2.cast()));
                        finish(from, next, hs);
                    }
                )
            }
            sig::HPyFunc_OBJOBJPROC => go!(HPyFunc_objobjproc, _HPyFunc_args_OBJOBJPROC, |f, a| {
                let x = hs.arg(a.arg0.cast());
                a.result = f(dctx, x, hs.arg(a.arg1.cast()));
                finish(from, next, hs);
            }),
            sig::HPyFunc_FREEFUNC => go!(HPyFunc_freefunc, _HPyFunc_args_FREEFUNC, |f, a| {
                f(dctx, a.arg0);
                finish(from, next, hs);
            }),
            sig::HPyFunc_GETATTRFUNC => {
                go!(HPyFunc_getattrfunc, _HPyFunc_args_GETATTRFUNC, |f, a| {
                    let r = f(dctx, hs.arg(a.arg0.cast()), a.arg1);
                    finish(from, next, hs);
                    a.result = result(r);
                })
            }
            sig::HPyFunc_SETATTRFUNC => {
                go!(HPyFunc_setattrfunc, _HPyFunc_args_SETATTRFUNC, |f, a| {
                    let x = hs.arg(a.arg0.cast());
                    a.result = f(dctx, x, a.arg1, hs.arg(a.arg2.cast()));
                    finish(from, next, hs);
                })
            }
            sig::HPyFunc_RICHCMPFUNC => {
                go!(HPyFunc_richcmpfunc, _HPyFunc_args_RICHCMPFUNC, |f, a| {
                    let x = hs.arg(a.arg0.cast());
                    let r = f(dctx, x, hs.arg(a.arg1.cast()), a.arg2);
                    finish(from, next, hs);
                    a.result = result(r);
                })
            }
            sig::HPyFunc_GETTER => go!(HPyFunc_getter, _HPyFunc_args_GETTER, |f, a| {
                let r = f(dctx, hs.arg(a.arg0.cast()), a.arg1);
                finish(from, next, hs);
                a.result = result(r);
            }),
            sig::HPyFunc_SETTER => go!(HPyFunc_setter, _HPyFunc_args_SETTER, |f, a| {
                let x = hs.arg(a.arg0.cast());
                a.result = f(dctx, x, hs.arg(a.arg1.cast()), a.arg2);
                finish(from, next, hs);
            }),
            sig::HPyFunc_DESTRUCTOR => go!(HPyFunc_destructor, _HPyFunc_args_DESTRUCTOR, |f, a| {
                f(dctx, hs.arg(a.arg0.cast()));
                finish(from, next, hs);
            }),
            sig::HPyFunc_GETBUFFERPROC => {
                go!(
                    HPyFunc_getbufferproc,
                    _HPyFunc_args_GETBUFFERPROC,
                    |f, a| {
                        let mut hbuf: HPy_buffer = core::mem::zeroed();
                        a.result = f(dctx, hs.arg(a.self_.cast()), &mut hbuf, a.flags);
                        finish(from, next, hs);
                        let view = &mut *a.view.cast::<py::Py_buffer>();
                        if a.result < 0 {
                            view.obj = core::ptr::null_mut();
                        } else {
                            // The buffer's handle gives its reference to the view.
                            hbuf.obj = h(handles::take(hbuf.obj));
                            crate::call::buffer_to_py(&hbuf, view);
                        }
                    }
                )
            }
            sig::HPyFunc_RELEASEBUFFERPROC => go!(
                HPyFunc_releasebufferproc,
                _HPyFunc_args_RELEASEBUFFERPROC,
                |f, a| {
                    let view = &*a.view.cast::<py::Py_buffer>();
                    let mut hbuf = crate::call::buffer_from_py(view);
                    hbuf.obj = handles::open(o(hbuf.obj));
                    f(dctx, hs.arg(a.self_.cast()), &mut hbuf);
                    finish(from, next, hs);
                    py::Py_XDECREF(handles::take(hbuf.obj));
                }
            ),
            sig::HPyFunc_MOD_CREATE => go!(HPyFunc_unaryfunc, _HPyFunc_args_UNARYFUNC, |f, a| {
                let r = f(dctx, hs.arg(a.arg0.cast()));
                hs.close();
                let m = handles::take(r);
                if !m.is_null() && py::PyModule_Check(m) != 0 {
                    py::Py_DECREF(m);
                    py::PyErr_SetString(
                        py::PyExc_SystemError,
                        c"HPy_mod_create slot returned a builtin module object. This is currently not supported.".as_ptr(),
                    );
                    a.result = core::ptr::null_mut();
                } else {
                    a.result = m.cast();
                }
            }),
            other => {
                finish(from, next, hs);
                let msg = format!(
                    "HPy trampoline called with an unsupported HPyFunc_Signature ({other})\0"
                );
                py::PyErr_SetString(py::PyExc_SystemError, msg.as_ptr().cast::<c_char>());
            }
        }
    }
}

/// After the impl: the trampoline's context is current again and the arguments close.
fn finish(from: usize, next: usize, hs: Args) {
    if from != usize::MAX {
        leave_call(from, next);
    }
    hs.close();
}

/// `call_real` with the type of the context member.
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
