//! Safe Rust on HPy's universal ABI.
//!
//! An extension written with this crate compiles to one `<module>.hpy0.so` that loads unchanged on
//! CPython (with `pip install hpy==0.9.0`), on PyPy 3.11 (HPy built in), and in HPy's debug and
//! trace modes.
//!
//! The core ideas:
//!
//! * [`Context<'ctx>`](Context) is the HPy context of one call. Its lifetime `'ctx` is invariant
//!   and chosen by the call, so nothing derived from it can be stored in a `static`, kept in a
//!   struct that outlives the call, or sent to another thread.
//! * [`Handle<'ctx>`](Handle) is an *owned* handle: `Drop` closes it, `Clone` duplicates it, and it
//!   is not `Copy`. Arguments arrive *borrowed*, as `&Handle<'ctx>`, and are never closed.
//! * [`HPyResult<T>`] and [`HPyErr`]: returning `Err` raises the Python exception it describes,
//!   `?` works, and a failed HPy call surfaces as an `Err` for the exception it set.
//! * [`FromPython`] and [`IntoPython`] convert between handles and Rust values.
//! * `#[hpy_method]` and `#[hpy_module]` generate the HPy definitions, the CPython trampolines and
//!   the module's entry points. A panic in user code becomes a Python exception; it never unwinds
//!   into C.
//!
//! ```
//! use hpy::prelude::*;
//!
//! /// A tiny module.
//! #[hpy_module]
//! mod tiny {
//!     use hpy::prelude::*;
//!
//!     /// Add two integers.
//!     #[hpy_method]
//!     fn add(a: i64, b: i64) -> HPyResult<i64> {
//!         a.checked_add(b).ok_or_else(|| HPyErr::overflow_error("result does not fit in 64 bits"))
//!     }
//!
//!     /// Say hello.
//!     #[hpy_method]
//!     fn greet(name: &str) -> String {
//!         format!("Hello, {name}!")
//!     }
//!
//!     /// Runs when the module is created.
//!     #[hpy_exec]
//!     fn init(ctx: Context<'_>, module: &Handle<'_>) -> HPyResult<()> {
//!         module.set_attr("ANSWER", 42)?;
//!         let _ = ctx;
//!         Ok(())
//!     }
//! }
//! # fn main() {}
//! ```
//!
//! Build it with `cargo hpy build`, which writes `tiny.hpy0.so` and an import stub `tiny.py`.
//! `cargo hpy build --abi cpython` builds the same source as an ordinary CPython extension,
//! `tiny.cpython-3XY-<platform>.so`, through this crate's feature `cpython-abi` (see the guide's
//! page on the CPython ABI).

#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

// HPy's C helpers call through the context table, which the CPython ABI does not have.
#[cfg(all(feature = "cpython-abi", feature = "helpers"))]
compile_error!(
    "the features `cpython-abi` and `helpers` cannot be combined: HPy's C helpers (HPyArg_Parse, \
     HPy_BuildValue, ...) call through HPy's context table, which a CPython-ABI build has none of; \
     the safe API does what they do"
);

/// Calls a function of the HPy context through the [`ffi`] seam:
/// `call!(ctx, ctx_Name, args...)` is `ffi::ctx_Name(ctx, args...)`.
///
/// Expands to an unsafe call and must sit inside an `unsafe` block whose `SAFETY` comment says
/// why the arguments are valid.
macro_rules! call {
    ($ctx:expr, $name:ident $(, $arg:expr)* $(,)?) => {
        $crate::ffi::$name($ctx $(, $arg)*)
    };
}

// The layers, each using only those above it in this list (`scripts/module-cycles.py` checks):
// the seam to the runtime; the core trio; the conversion traits; the Python types; the
// conversions of Rust's types; then what builds on them, and the hidden macro support.
mod ffi;

mod context;
mod err;
mod handle;

mod conversion;

mod cstr;
mod types;

mod conversions;

mod buffer;
mod class;
mod eval;
mod global;
pub mod legacy;
mod raise;
mod runtime_check;
mod threads;
mod tracker;
mod varargs;

#[doc(hidden)]
pub mod __private;

#[cfg(feature = "pyo3")]
pub mod pyo3;

#[doc = include_str!("coverage.md")]
pub mod coverage {}

pub use buffer::{BufferCopy, BufferVec, Element, Export};
pub use class::{CallFunction, ClassExport, ClassRef, Field, HPyClass, Obj, Ref, RefMut};
pub use context::Context;
pub use conversion::{FromPython, IntoPython};
pub use conversions::Truthy;
pub use err::{ExceptionType, HPyErr, HPyResult};
pub use eval::SourceKind;
pub use global::Global;
pub use handle::Handle;
pub use hpy_macros::{
    call_function, classattr, classmethod, getter, hpy_class, hpy_exec, hpy_export, hpy_method,
    hpy_methods, hpy_module, new, setter, staticmethod,
};
pub use raise::ExceptionClass;
pub use tracker::Tracker;
pub use types::{
    adjust_indices, Args, AttrName, BuiltinShape, BuiltinType, Bytes, Capsule, CompareOp, Dict,
    DictEntries, Int, ItemKey, Kwargs, List, ListBuilder, Slice, SliceIndices, Str, Tuple,
    TupleBuilder, Type,
};
pub use varargs::{Arg, VarArgs};

/// The raw universal ABI (`hpy-sys`), for what the safe layer does not cover yet.
pub use hpy_sys as sys;

/// The user guide (`docs/guide/`) and the README, compiled as doc tests so that every Rust
/// example in them builds.
#[cfg(doctest)]
mod guide {
    #[doc = include_str!("../../README.md")]
    mod readme {}
    #[doc = include_str!("../../docs/guide/README.md")]
    mod index {}
    #[doc = include_str!("../../docs/guide/functions.md")]
    mod functions {}
    #[doc = include_str!("../../docs/guide/conversions.md")]
    mod conversions {}
    #[doc = include_str!("../../docs/guide/errors.md")]
    mod errors {}
    #[doc = include_str!("../../docs/guide/classes.md")]
    mod classes {}
    #[doc = include_str!("../../docs/guide/state.md")]
    mod state {}
    #[doc = include_str!("../../docs/guide/objects.md")]
    mod objects {}
    #[doc = include_str!("../../docs/guide/modes.md")]
    mod modes {}
    #[doc = include_str!("../../docs/guide/packaging.md")]
    mod packaging {}
    #[doc = include_str!("../../docs/guide/porting.md")]
    mod porting {}
    #[doc = include_str!("../../docs/guide/runtimes.md")]
    mod runtimes {}
    #[doc = include_str!("../../docs/guide/cpython-abi.md")]
    mod cpython_abi {}
}

/// The names most modules need: `use hpy::prelude::*;`.
pub mod prelude {
    pub use crate::{
        call_function, classattr, classmethod, getter, hpy_class, hpy_exec, hpy_export, hpy_method,
        hpy_methods, hpy_module, new, setter, staticmethod, Bytes, CompareOp, Context, Dict,
        ExceptionType, Field, FromPython, Global, HPyErr, HPyResult, Handle, IntoPython, List, Obj,
        Str, Tuple,
    };
}
