//! HPy 0.9's semantics over CPython's C API, written once and used twice:
//!
//! * by the `hpy` crate's CPython-ABI backend (feature `cpython-abi`), which calls the
//!   functions of [`functions`] and [`constants`] directly, inlined, with a context token that is
//!   never read;
//! * by the universal runtime for CPython (`runtime/`, `hpy_rs_runtime`), which puts the
//!   `extern "C"` form of the same functions ([`functions::abi`]) into an `HPyContext` table
//!   that any `.hpy0.so` can call.
//!
//! A handle is the `PyObject*` itself (`HPy._i`), as in HPy's own CPython runtime; so are
//! `HPyField` and `HPyGlobal` (each an owned reference), and the list and tuple builders (the
//! list or tuple being filled). Every function here expects the GIL to be held.
//!
//! Not a public API: its items are `pub` for those two crates only and may change at any time.

#![allow(clippy::missing_safety_doc)]

use hpy_sys as sys;
use pyo3_ffi as py;

pub mod constants;
pub mod functions;
pub mod module;
pub mod types;

/// The object of a handle.
#[inline(always)]
pub fn o(x: sys::HPy) -> *mut py::PyObject {
    x._i as *mut py::PyObject
}

/// The handle of an object pointer (NULL stays `HPy_NULL`).
#[inline(always)]
pub fn h(p: *mut py::PyObject) -> sys::HPy {
    sys::HPy { _i: p as isize }
}

pub use pyo3_ffi;
