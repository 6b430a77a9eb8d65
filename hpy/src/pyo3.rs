//! PyO3 interop (feature `pyo3`), for a module that moves from PyO3 to this SDK one piece at a
//! time: the PyO3 half keeps working inside an `#[hpy_module]` while the HPy half grows.
//!
//! * [`python`]: the `Python<'ctx>` token of the running call, from its [`Context`];
//! * [`to_bound`] / [`from_bound`]: a [`Handle`] to a `Bound<'py, PyAny>` and back (new
//!   references both ways, through `HPy_AsPyObject` / `HPy_FromPyObject`);
//! * [`with_module`]: the module of an `#[hpy_exec]` hook as a `Bound<PyModule>`, to add PyO3
//!   `#[pyfunction]`s (`wrap_pyfunction!`) and `#[pyclass]`es (`add_class`) to it;
//! * [`to_hpy_err`]: a `PyErr` as an [`HPyErr`].
//!
//! Who owns what: the module object is the HPy runtime's (made from the `#[hpy_module]`'s
//! definition; on the CPython ABI CPython's own multi-phase module), and PyO3 only borrows it in
//! the exec hook. The GIL is held by every call into the module (HPy's calls run attached to the
//! interpreter), so the token is the call's and lives as long as its context: PyO3 code gets it
//! from the HPy call rather than acquiring the GIL. It works in the hybrid ABI (feature
//! `hybrid`, one interpreter: CPython through the HPy runtime, PyPy through its HPy with the PyO3
//! half in `cpyext`) and in the CPython ABI; a universal build cannot have it (compile error).

use pyo3::types::{PyAnyMethods, PyModule};
use pyo3::{Bound, PyAny, PyErr, PyResult, Python};

use crate::legacy::HybridAbi;
use crate::{Context, HPyErr, HPyResult, Handle};

#[cfg(not(any(feature = "hybrid", feature = "cpython-abi")))]
compile_error!(
    "the feature `pyo3` needs PyObject*s, which a universal module has none of: build with \
     `cargo hpy build --abi hybrid` (the hybrid ABI, feature `hpy/hybrid`) or `--abi cpython`"
);

/// The `Python<'ctx>` token of the call `ctx` belongs to.
///
/// Sound because every call that receives a context runs attached to the interpreter (it holds
/// the GIL), for the whole of `'ctx`; `Context::allow_threads`' closure, which detaches, cannot
/// capture the context.
///
/// PyO3 is not told about the call (its count of attached threads is not raised, no
/// `PyGILState_Ensure` is made): `Bound` values are released at once as always, while a `Py<T>`
/// dropped inside the HPy call goes to PyO3's pool of deferred reference drops, which PyO3
/// empties the next time it attaches (a call of one of its functions, `Python::attach`).
#[inline]
pub fn python<'ctx>(ctx: Context<'ctx>) -> Python<'ctx>
where
    Context<'ctx>: HybridAbi,
{
    let _ = ctx;
    // SAFETY: the thread is attached for the whole call `'ctx` (see above), and the token cannot
    // outlive the context's lifetime.
    unsafe { Python::assume_attached() }
}

/// The object of `h` as a PyO3 `Bound<'py, PyAny>` (a new reference, `HPy_AsPyObject`).
#[inline]
pub fn to_bound<'py, 'ctx>(py: Python<'py>, h: &Handle<'ctx>) -> Bound<'py, PyAny>
where
    Context<'ctx>: HybridAbi,
{
    let obj = h.as_pyobject().cast::<pyo3::ffi::PyObject>();
    // SAFETY: `as_pyobject` returns a new, non-NULL reference, which the `Bound` takes over; the
    // thread is attached (`py`).
    unsafe { Bound::from_owned_ptr(py, obj) }
}

/// A new handle to the object of `obj` (`HPy_FromPyObject`); `obj` keeps its reference.
#[inline]
pub fn from_bound<'ctx>(ctx: Context<'ctx>, obj: &Bound<'_, PyAny>) -> Handle<'ctx>
where
    Context<'ctx>: HybridAbi,
{
    // SAFETY: a live object (the `Bound` holds it) and the call's thread (`Bound` is !Send).
    let h = unsafe { ctx.from_pyobject(obj.as_ptr().cast()) };
    h.expect("HPy_FromPyObject of a live object does not fail")
}

/// The exception of `err` as an [`HPyErr`]: the exception object is raised through HPy
/// (`HPyErr_SetObject(type(exc), exc)`), so the caller of the HPy function sees PyO3's
/// exception, cause and traceback included.
pub fn to_hpy_err<'ctx>(ctx: Context<'ctx>, err: PyErr) -> HPyErr
where
    Context<'ctx>: HybridAbi,
{
    let py = python(ctx);
    let value = err.into_value(py).into_bound(py).into_any();
    let ty = value.get_type().into_any();
    let value = from_bound(ctx, &value);
    let ty = from_bound(ctx, &ty);
    HPyErr::raise_object(ctx, &ty, value)
}

/// Runs `f` with the module of an `#[hpy_exec]` hook as a PyO3 `Bound<PyModule>`, for adding
/// PyO3 functions and classes to an `#[hpy_module]`:
///
/// ```ignore
/// #[hpy_exec]
/// fn add_pyo3_half(ctx: Context<'_>, module: &Handle<'_>) -> HPyResult<()> {
///     hpy::pyo3::with_module(ctx, module, |m| {
///         m.add_function(pyo3::wrap_pyfunction!(mean, m)?)?;
///         m.add_class::<Vector>()
///     })
/// }
/// ```
///
/// Errors: `TypeError` when `module` is not a module object; a `PyErr` from `f`, raised as it is
/// (see [`to_hpy_err`]).
pub fn with_module<'ctx, T>(
    ctx: Context<'ctx>,
    module: &Handle<'ctx>,
    f: impl FnOnce(&Bound<'ctx, PyModule>) -> PyResult<T>,
) -> HPyResult<T>
where
    Context<'ctx>: HybridAbi,
{
    let py = python(ctx);
    let any = to_bound(py, module);
    let module = any
        .cast_into::<PyModule>()
        .map_err(|e| to_hpy_err(ctx, PyErr::from(e)))?;
    f(&module).map_err(|e| to_hpy_err(ctx, e))
}
