//! `hybrid_api`: the hybrid ABI's API exercised from Python (test_hybrid_api.py), beside the
//! porting example: legacy methods (`hpy::legacy::MethodDef`, `add_methods`) of each calling
//! convention, `Handle::as_pyobject` / `Context::from_pyobject`, and `hpy::pyo3`'s conversions
//! and errors.

use core::ptr::null_mut;

use hpy::legacy::{MethodDef, PyObject};
use pyo3::ffi;

/// `answer()`: METH_NOARGS.
unsafe extern "C" fn answer(_module: *mut PyObject, _unused: *mut PyObject) -> *mut PyObject {
    // SAFETY: called by the interpreter, attached; returns a new reference or NULL with an error.
    unsafe { ffi::PyLong_FromLong(42) }
}

/// `twice(x)`: METH_O, `x + x`.
unsafe extern "C" fn twice(_module: *mut PyObject, x: *mut PyObject) -> *mut PyObject {
    // SAFETY: `x` is a live argument of the call; PyNumber_Add returns a new reference or NULL.
    unsafe { ffi::PyNumber_Add(x, x) }
}

/// `count(*args)`: METH_VARARGS, the number of arguments.
unsafe extern "C" fn count(_module: *mut PyObject, args: *mut PyObject) -> *mut PyObject {
    // SAFETY: `args` is the call's tuple.
    unsafe { ffi::PyLong_FromSsize_t(ffi::PyTuple_Size(args)) }
}

/// `keywords(*args, **kwargs)`: METH_VARARGS | METH_KEYWORDS, the sorted keyword names.
unsafe extern "C" fn keywords(
    _module: *mut PyObject,
    _args: *mut PyObject,
    kwargs: *mut PyObject,
) -> *mut PyObject {
    // SAFETY: `kwargs` is NULL or the call's dict; each call returns a new reference or NULL.
    unsafe {
        if kwargs.is_null() {
            return ffi::PyList_New(0);
        }
        let keys = ffi::PyDict_Keys(kwargs);
        if !keys.is_null() && ffi::PyList_Sort(keys) != 0 {
            ffi::Py_DECREF(keys);
            return null_mut();
        }
        keys
    }
}

/// `first(*args)`: METH_FASTCALL, the first argument, or `TypeError` without one.
unsafe extern "C" fn first(
    _module: *mut PyObject,
    args: *mut *mut PyObject,
    nargs: ffi::Py_ssize_t,
) -> *mut PyObject {
    // SAFETY: `args` holds `nargs` live arguments.
    unsafe {
        if nargs < 1 {
            ffi::PyErr_SetString(ffi::PyExc_TypeError, c"first() needs an argument".as_ptr());
            return null_mut();
        }
        let obj = *args;
        ffi::Py_INCREF(obj);
        obj
    }
}

/// `module_name()`: the `self` of a legacy method is the module it was added to.
unsafe extern "C" fn module_name(module: *mut PyObject, _unused: *mut PyObject) -> *mut PyObject {
    // SAFETY: `module` is the module object `add_methods` bound the function to; its name is a
    // NUL-terminated string it owns (NULL with an error set if it has none).
    unsafe {
        let name = ffi::PyModule_GetName(module);
        if name.is_null() {
            return null_mut();
        }
        ffi::PyUnicode_FromString(name)
    }
}

static LEGACY: [MethodDef; 6] = [
    MethodDef::noargs(c"answer", answer, c"answer()\n--\n\nThe answer, 42."),
    MethodDef::o(c"twice", twice, c"twice(x, /)\n--\n\nx + x."),
    MethodDef::varargs(c"count", count, c"The number of positional arguments."),
    MethodDef::keywords(c"keywords", keywords, c"The keyword names, sorted."),
    MethodDef::fastcall(c"first", first, c"The first argument."),
    MethodDef::noargs(c"module_name", module_name, c"The name of the module."),
];

/// The hybrid ABI's API, from Python.
#[hpy::hpy_module]
mod hybrid_api {
    use hpy::prelude::*;

    /// Adds the legacy methods.
    #[hpy_exec]
    fn add_legacy(_ctx: Context<'_>, module: &Handle<'_>) -> HPyResult<()> {
        hpy::legacy::add_methods(module, &crate::LEGACY)
    }

    /// `obj` through `as_pyobject` and `from_pyobject`: the same object, no reference left over.
    #[hpy_method]
    fn roundtrip<'ctx>(ctx: Context<'ctx>, obj: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        let p = obj.as_pyobject();
        // SAFETY: `p` is a live object (a new reference we hold).
        let h = unsafe { ctx.from_pyobject(p) };
        // SAFETY: releases the reference `as_pyobject` gave.
        unsafe { pyo3::ffi::Py_DECREF(p.cast()) };
        h
    }

    /// `from_pyobject(NULL)` with no exception set: a `SystemError`, not a crash.
    #[hpy_method]
    fn from_null<'ctx>(ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        // SAFETY: NULL is allowed.
        unsafe { ctx.from_pyobject(core::ptr::null_mut()) }
    }

    /// `int(s)` through the C API (`PyLong_FromString`): its result, or the `ValueError` it sets,
    /// comes back through `from_pyobject`.
    #[hpy_method]
    fn int_via_c_api<'ctx>(ctx: Context<'ctx>, s: &str) -> HPyResult<Handle<'ctx>> {
        let text = std::ffi::CString::new(s)
            .map_err(|_| HPyErr::value_error("int_via_c_api: a string with a NUL"))?;
        // SAFETY: a NUL-terminated string; the result is a new reference or NULL with an error.
        let obj = unsafe { pyo3::ffi::PyLong_FromString(text.as_ptr(), core::ptr::null_mut(), 10) };
        // SAFETY: NULL or a live object.
        let h = unsafe { ctx.from_pyobject(obj.cast()) };
        if !obj.is_null() {
            // SAFETY: releases the reference PyLong_FromString returned.
            unsafe { pyo3::ffi::Py_DECREF(obj) };
        }
        h
    }

    /// `s.upper()` called through PyO3 on an HPy argument.
    #[hpy_method]
    fn upper_via_pyo3<'ctx>(ctx: Context<'ctx>, s: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        use pyo3::types::PyAnyMethods;
        let py = hpy::pyo3::python(ctx);
        let b = hpy::pyo3::to_bound(py, s);
        let r = b
            .call_method0("upper")
            .map_err(|e| hpy::pyo3::to_hpy_err(ctx, e))?;
        Ok(hpy::pyo3::from_bound(ctx, &r))
    }

    /// `int(s)` through PyO3: its `ValueError` is raised through HPy as it is.
    #[hpy_method]
    fn int_via_pyo3<'ctx>(ctx: Context<'ctx>, s: &Handle<'ctx>) -> HPyResult<i64> {
        use pyo3::types::PyAnyMethods;
        let py = hpy::pyo3::python(ctx);
        let int = py
            .get_type::<pyo3::types::PyInt>()
            .call1((hpy::pyo3::to_bound(py, s),))
            .and_then(|i| i.extract::<i64>())
            .map_err(|e| hpy::pyo3::to_hpy_err(ctx, e))?;
        Ok(int)
    }

    /// Leaks one handle on purpose (a `to_bound`/`from_bound` round trip whose handle is never
    /// closed): the negative control of the tests' leak check in debug mode.
    #[hpy_method]
    fn leak_a_handle(ctx: Context<'_>, obj: &Handle<'_>) {
        let py = hpy::pyo3::python(ctx);
        let bound = hpy::pyo3::to_bound(py, obj);
        core::mem::forget(hpy::pyo3::from_bound(ctx, &bound));
    }

    /// The `__name__` of a module, read through `with_module` (a `TypeError` for another object).
    #[hpy_method]
    fn name_of_module<'ctx>(ctx: Context<'ctx>, obj: &Handle<'ctx>) -> HPyResult<String> {
        hpy::pyo3::with_module(ctx, obj, |m| {
            use pyo3::types::{PyAnyMethods, PyModuleMethods};
            m.name()?.extract::<String>()
        })
    }
}
