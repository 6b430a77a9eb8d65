//! Legacy methods: functions written against the C API, added to an HPy module.

use core::ffi::{c_int, CStr};

use super::py;
use super::PyObject;
use crate::{Context, HPyErr, HPyResult, Handle};

/// One `PyMethodDef`: a module function written against the C API, for [`add_methods`].
///
/// Made by the constructors below, one per calling convention, each taking the C function of
/// its shape; the definition is then immutable, so a table of them can live in a `static`:
///
/// ```ignore
/// static LEGACY: [MethodDef; 1] = [MethodDef::o(c"double", double, c"double(x, /)\n--\n\nTwice x.")];
/// ```
///
/// What the C functions do with their `PyObject*`s is the C API's business (they are `unsafe
/// extern "C"`); a panic must not unwind out of them.
#[repr(transparent)]
pub struct MethodDef(py::PyMethodDef);

// SAFETY: a `MethodDef` is never changed after it is made; its pointers are to static C strings
// and functions, which any thread may read. CPython keeps a pointer to it for the function's
// lifetime, which `add_methods` requires to be 'static.
unsafe impl Sync for MethodDef {}
// SAFETY: as above.
unsafe impl Send for MethodDef {}

/// `(self, NULL)` or `(self, arg)`: the shape of `METH_NOARGS` and `METH_O` functions.
pub type CFunction = unsafe extern "C" fn(*mut PyObject, *mut PyObject) -> *mut PyObject;
/// `(self, args, kwargs)`: the shape of `METH_VARARGS | METH_KEYWORDS` functions.
pub type CFunctionWithKeywords =
    unsafe extern "C" fn(*mut PyObject, *mut PyObject, *mut PyObject) -> *mut PyObject;
/// `(self, args, nargs)`: the shape of `METH_FASTCALL` functions.
pub type CFunctionFast =
    unsafe extern "C" fn(*mut PyObject, *mut *mut PyObject, py::Py_ssize_t) -> *mut PyObject;

impl MethodDef {
    const fn with(
        name: &'static CStr,
        meth: py::PyMethodDefPointer,
        flags: c_int,
        doc: &'static CStr,
    ) -> Self {
        MethodDef(py::PyMethodDef {
            ml_name: name.as_ptr(),
            ml_meth: meth,
            ml_flags: flags,
            ml_doc: doc.as_ptr(),
        })
    }

    /// A function of no arguments (`METH_NOARGS`): `f(module, NULL)`.
    pub const fn noargs(name: &'static CStr, f: CFunction, doc: &'static CStr) -> Self {
        Self::with(
            name,
            py::PyMethodDefPointer { PyCFunction: f },
            py::METH_NOARGS,
            doc,
        )
    }

    /// A function of one positional argument (`METH_O`): `f(module, arg)`.
    pub const fn o(name: &'static CStr, f: CFunction, doc: &'static CStr) -> Self {
        Self::with(
            name,
            py::PyMethodDefPointer { PyCFunction: f },
            py::METH_O,
            doc,
        )
    }

    /// A function taking a tuple of arguments (`METH_VARARGS`): `f(module, args)`.
    pub const fn varargs(name: &'static CStr, f: CFunction, doc: &'static CStr) -> Self {
        Self::with(
            name,
            py::PyMethodDefPointer { PyCFunction: f },
            py::METH_VARARGS,
            doc,
        )
    }

    /// A function taking a tuple and a dict of keywords (`METH_VARARGS | METH_KEYWORDS`):
    /// `f(module, args, kwargs)`, `kwargs` NULL when none were given.
    pub const fn keywords(
        name: &'static CStr,
        f: CFunctionWithKeywords,
        doc: &'static CStr,
    ) -> Self {
        Self::with(
            name,
            py::PyMethodDefPointer {
                PyCFunctionWithKeywords: f,
            },
            py::METH_VARARGS | py::METH_KEYWORDS,
            doc,
        )
    }

    /// A function taking an array of positional arguments (`METH_FASTCALL`):
    /// `f(module, args, nargs)`.
    pub const fn fastcall(name: &'static CStr, f: CFunctionFast, doc: &'static CStr) -> Self {
        Self::with(
            name,
            py::PyMethodDefPointer { PyCFunctionFast: f },
            py::METH_FASTCALL,
            doc,
        )
    }

    /// The function's name.
    pub fn name(&self) -> &'static CStr {
        // SAFETY: made from a `&'static CStr` by `with`.
        unsafe { CStr::from_ptr(self.0.ml_name) }
    }
}

/// Adds each of `defs` to `module` as a built-in function bound to it (`PyCFunction_NewEx(def,
/// module, module.__name__)`, then `module.<name> = function`), the hybrid ABI's "legacy
/// methods"; call it from the module's `#[hpy_exec]` hook. On PyPy the functions run through
/// `cpyext`.
///
/// Errors: a `module` without `__name__` (`AttributeError`), or whatever making the function
/// object or setting the attribute raised.
pub fn add_methods<'ctx>(module: &Handle<'ctx>, defs: &'static [MethodDef]) -> HPyResult<()>
where
    Context<'ctx>: super::HybridAbi,
{
    let ctx = module.ctx();
    let name = module.get_attr("__name__")?;
    let module_obj = module.as_pyobject();
    let name_obj = name.as_pyobject();
    let mut result = Ok(());
    for def in defs {
        let def_ptr = (&def.0 as *const py::PyMethodDef).cast_mut();
        // SAFETY: `def` is 'static and never written (CPython only reads it); the module and its
        // name are live objects we hold references to, and the GIL is held (we are in a call).
        let func = unsafe { py::PyCFunction_NewEx(def_ptr, module_obj, name_obj) };
        // SAFETY: NULL or a new reference; `from_pyobject` takes a reference of its own.
        let made = unsafe { ctx.from_pyobject(func) };
        if !func.is_null() {
            // SAFETY: drops the reference `PyCFunction_NewEx` returned.
            unsafe { py::Py_DECREF(func) };
        }
        result = made.and_then(|f| {
            let attr = def.name().to_str().map_err(|_| {
                HPyErr::value_error("add_methods: a function name that is not UTF-8")
            })?;
            module.set_attr(attr, f)
        });
        if result.is_err() {
            break;
        }
    }
    // SAFETY: release the references `as_pyobject` gave.
    unsafe {
        py::Py_DECREF(name_obj);
        py::Py_DECREF(module_obj);
    }
    result
}
