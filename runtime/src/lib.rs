//! `hpy_rs_runtime`: a universal HPy 0.9 runtime for CPython, written in Rust.
//!
//! It loads any `.hpy0.so` (a universal HPy module, made by this SDK or compiled from C with
//! `hpy.devel`) into CPython 3.11 to 3.15, as `hpy.universal` of the `hpy==0.9.0` package does.
//! The context it hands to modules is `hpy-cpython`'s implementation of HPy over CPython's C API,
//! the same code the SDK's CPython ABI compiles into a module; what only a runtime needs (the
//! trampolines' call-back, `HPyType_FromSpec` for any module, legacy objects, the loader) lives
//! here.
//!
//! The Python API is that of `hpy.universal`:
//!
//! * `load(name, path, spec, debug=False, mode=-1)` loads the module file `path` and returns the
//!   module; `mode` is [`MODE_UNIVERSAL`](loader::Mode), `MODE_DEBUG` or `MODE_TRACE`.
//! * `_load_bootstrap(name, ext_name, package, file, loader, spec, env)` is the entry point of
//!   the loader stubs (`.py` files) that `hpy.devel` and `cargo hpy` write; it reads the mode from
//!   `env["HPY"]`.
//! * `get_version()` returns `(version, git revision)`.
//! * `install()` registers this module as `hpy.universal` in `sys.modules` (and an `hpy`
//!   package if none can be imported), so that code importing `hpy.universal` uses it.
//!
//! `_debug` is HPy's debug mode API ([`debug::module`]); `_trace` is HPy's trace mode API
//! ([`trace::module`]). For Python code in processes without the `hpy` package, `debug` and
//! `trace` (`runtime/python/`, also importable as `hpy_rs_runtime.debug` and
//! `hpy_rs_runtime.trace`) offer what `hpy.debug` and `hpy.trace` do: `LeakDetector`,
//! `HPyLeakError`, `set_handle_stack_trace_limit`, ...; `get_call_counts`, ....
//!
//! Loading failures raise [`HPyLoadError`](loader), a subclass of both `ImportError` and
//! `RuntimeError` (HPy 0.9.0 raises `RuntimeError`; an import machinery expects `ImportError`).

use pyo3::prelude::*;

pub mod call;
pub mod context;
pub mod debug;
pub mod legacy;
pub mod loader;
pub mod trace;
pub mod types;

/// The version of HPy whose ABI this runtime implements, as `hpy.universal.get_version()`
/// reports it (the runtime's own version is the second item).
pub const HPY_VERSION: &str = "0.9.0";

/// `get_version()`: `("0.9.0", "hpy-rs-runtime <version>")`, the HPy version whose ABI is
/// implemented and this runtime's own.
#[pyfunction]
fn get_version() -> (&'static str, String) {
    (
        HPY_VERSION,
        format!("hpy-rs-runtime {}", env!("CARGO_PKG_VERSION")),
    )
}

/// The module `hpy_rs_runtime`.
#[pymodule]
fn hpy_rs_runtime(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("MODE_UNIVERSAL", loader::Mode::Universal as i32)?;
    m.add("MODE_DEBUG", loader::Mode::Debug as i32)?;
    m.add("MODE_TRACE", loader::Mode::Trace as i32)?;
    m.add("HPyLoadError", loader::HPyLoadError::type_object(m.py()))?;
    m.add_function(wrap_pyfunction!(get_version, m)?)?;
    m.add_function(wrap_pyfunction!(loader::load, m)?)?;
    m.add_function(wrap_pyfunction!(loader::_load_bootstrap, m)?)?;
    m.add_function(wrap_pyfunction!(loader::install, m)?)?;
    m.add_function(wrap_pyfunction!(loader::_loaded_modes, m)?)?;
    let debug = PyModule::new(m.py(), "_debug")?;
    debug.setattr(
        "__doc__",
        "HPy's debug mode: handles of modules loaded in debug mode, and its settings.",
    )?;
    debug::module::populate(&debug)?;
    m.add_submodule(&debug)?;
    let trace = PyModule::new(m.py(), "_trace")?;
    trace.setattr(
        "__doc__",
        "HPy's trace mode: call counts and durations of modules loaded in trace mode.",
    )?;
    trace::module::populate(&trace)?;
    m.add_submodule(&trace)?;
    python_module(
        m,
        "debug",
        include_str!("../python/debug.py"),
        &[("_debug", &debug), ("_runtime", m)],
    )?;
    python_module(
        m,
        "trace",
        include_str!("../python/trace.py"),
        &[("_trace", &trace)],
    )?;
    Ok(())
}

/// Adds to `m` the submodule `name` (also `hpy_rs_runtime.<name>` in `sys.modules`, so that it
/// can be imported by that name) made by running the Python `source` with the globals `given`.
fn python_module(
    m: &Bound<'_, PyModule>,
    name: &str,
    source: &str,
    given: &[(&str, &Bound<'_, PyModule>)],
) -> PyResult<()> {
    let py = m.py();
    let full = format!("hpy_rs_runtime.{name}");
    let sub = PyModule::new(py, &full)?;
    let globals = sub.dict();
    globals.set_item("__builtins__", py.import("builtins")?)?;
    for (key, value) in given {
        globals.set_item(key, value)?;
    }
    // Compiled under a name that tracebacks show (`<hpy_rs_runtime.debug>`).
    let builtins = py.import("builtins")?;
    let code = builtins.call_method1("compile", (source, format!("<{full}>"), "exec"))?;
    builtins.call_method1("exec", (code, &globals))?;
    py.import("sys")?
        .getattr("modules")?
        .set_item(&full, &sub)?;
    m.add(name, sub)
}
