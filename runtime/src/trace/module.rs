//! `hpy_rs_runtime._trace`: hpy 0.9.0's `hpy.universal._trace` API, which `hpy.trace`
//! re-exports, over [`super::record`].

use std::sync::atomic::{AtomicU64, Ordering};

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use super::record;

/// A dict from every context function's name (`"ctx_Add"`, ...) to `values[index]`.
fn by_name<'py>(py: Python<'py>, values: &[AtomicU64]) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (name, v) in hpy_sys::CONTEXT_MEMBERS.iter().zip(values) {
        if name.starts_with("ctx_") {
            d.set_item(name, v.load(Ordering::Relaxed))?;
        }
    }
    Ok(d)
}

/// `get_call_counts()`: a dict from each context function's name (`"ctx_Add"`, ...) to the
/// number of calls of it made by modules loaded in trace mode so far (an `int`).
#[pyfunction]
fn get_call_counts(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    by_name(py, &record::CALLS)
}

/// `get_durations()`: a dict from each context function's name to the total time spent in it
/// by calls from modules loaded in trace mode so far, in nanoseconds (an `int`). Nested calls
/// count in each (a call of `ctx_CallTupleDict` includes what the called function does).
#[pyfunction]
fn get_durations(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    by_name(py, &record::NANOS)
}

/// `get_frequency()`: the resolution of the clock of `get_durations()`, in Hertz: durations
/// are nanoseconds, so 1,000,000,000.
#[pyfunction]
fn get_frequency() -> u64 {
    1_000_000_000
}

/// `f` as a trace function: `Some(f)` for a callable, `None` for `None`; `TypeError`
/// otherwise.
fn trace_function<'py>(f: &Bound<'py, PyAny>, arg: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    if f.is_none() {
        Ok(None)
    } else if f.is_callable() {
        Ok(Some(f.clone()))
    } else {
        Err(PyTypeError::new_err(format!(
            "set_trace_functions() argument '{arg}': expected a callable object or None, not {}",
            f.get_type().name()?
        )))
    }
}

/// `set_trace_functions(on_enter=..., on_exit=...)`: sets the functions called with a context
/// function's name (a `str` such as `"ctx_Add"`) on entering and on leaving each traced call.
/// An argument left out keeps its function; `None` removes it. Raises `TypeError` for an
/// argument that is neither callable nor `None` (and then changes nothing).
///
/// A trace function runs with the module's pending exception, if any, set aside; an exception
/// it raises is reported as unraisable (`sys.unraisablehook`). It is not called between
/// `HPy_LeavePythonExecution` and `HPy_ReenterPythonExecution`, where the thread does not hold
/// the GIL.
#[pyfunction]
#[pyo3(signature = (*args, **kwargs))]
fn set_trace_functions(
    args: &Bound<'_, PyTuple>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<()> {
    // Written out rather than declared: a left-out argument and `None` mean different things.
    const NAMES: [&str; 2] = ["on_enter", "on_exit"];
    if args.len() > 2 {
        return Err(PyTypeError::new_err(format!(
            "set_trace_functions() takes at most 2 positional arguments ({} given)",
            args.len()
        )));
    }
    let mut given: [Option<Bound<'_, PyAny>>; 2] = [None, None];
    for (i, a) in args.iter().enumerate() {
        given[i] = Some(a);
    }
    for (k, v) in kwargs.into_iter().flatten() {
        let k: String = k.extract()?;
        let Some(i) = NAMES.iter().position(|n| *n == k) else {
            return Err(PyTypeError::new_err(format!(
                "set_trace_functions() got an unexpected keyword argument '{k}'"
            )));
        };
        if given[i].replace(v).is_some() {
            return Err(PyTypeError::new_err(format!(
                "set_trace_functions() got multiple values for argument '{k}'"
            )));
        }
    }
    let [on_enter, on_exit] = given;
    let on_enter = on_enter
        .as_ref()
        .map(|f| trace_function(f, NAMES[0]))
        .transpose()?;
    let on_exit = on_exit
        .as_ref()
        .map(|f| trace_function(f, NAMES[1]))
        .transpose()?;
    if let Some(f) = on_enter {
        record::set_hook(&record::ON_ENTER, f);
    }
    if let Some(f) = on_exit {
        record::set_hook(&record::ON_EXIT, f);
    }
    Ok(())
}

/// Adds the trace mode's functions to the module `m` (`_trace`).
pub fn populate(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(get_call_counts, m)?)?;
    m.add_function(wrap_pyfunction!(get_durations, m)?)?;
    m.add_function(wrap_pyfunction!(get_frequency, m)?)?;
    m.add_function(wrap_pyfunction!(set_trace_functions, m)?)?;
    Ok(())
}
