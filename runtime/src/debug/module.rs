//! `hpy_rs_runtime._debug`: the Python API of the debug mode, that of hpy 0.9.0's
//! `hpy.universal._debug` (which `hpy.debug.LeakDetector` and HPy's pytest plugin use).

use hpy_cpython::pyo3_ffi as py;
use pyo3::basic::CompareOp;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyList;

use super::handles::{self, state};

/// What a handle's Python view needs: its address (its `id`).
#[pyclass(name = "DebugHandle", module = "hpy_rs_runtime._debug", frozen)]
pub struct DebugHandleObj {
    addr: usize,
}

#[pymethods]
impl DebugHandleObj {
    /// The object the handle points to; `None` once the handle is closed (its reference was
    /// given back, so the object may be gone: HPy 0.9.0 would read it anyway).
    #[getter]
    fn obj(&self, py: Python<'_>) -> Py<PyAny> {
        let obj = state()
            .handles
            .get(&self.addr)
            .filter(|d| !d.closed)
            .map(|d| d.obj);
        match obj {
            // SAFETY: an open handle owns (or, for a call's argument, borrows for the call) a
            // reference to its object, so it is live; the GIL is held.
            Some(p) => unsafe { Bound::from_borrowed_ptr(py, p as *mut py::PyObject) }.unbind(),
            None => py.None(),
        }
    }

    /// A number identifying the handle (its address).
    #[getter]
    fn id(&self) -> usize {
        self.addr
    }

    /// Whether the handle was closed.
    #[getter]
    fn is_closed(&self) -> bool {
        state().handles.get(&self.addr).is_none_or(|d| d.closed)
    }

    /// The size of the raw data kept for the handle, or -1 (for tests).
    #[getter]
    fn raw_data_size(&self) -> isize {
        state()
            .handles
            .get(&self.addr)
            .map_or(-1, |d| d.raw_data_size())
    }

    /// Closes the handle as `HPy_Close` does (for tests).
    fn _force_close(&self) {
        let found = state().handles.get(&self.addr).map(|d| (d.obj, d.borrowed));
        let h = hpy_sys::HPy {
            _i: self.addr as isize,
        };
        let Some((obj, borrowed)) = found else {
            return;
        };
        handles::unwrap(h);
        if state().close(self.addr) == handles::Closing::Closed {
            // A call's argument borrows its reference: nothing to give back.
            if !borrowed {
                let p = obj;
                // SAFETY: the reference the open handle owned; the GIL is held.
                unsafe { py::Py_DECREF(p as *mut py::PyObject) };
            }
        }
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let (info, trace) = {
            let st = state();
            let limit = usize::try_from(st.stack_trace_limit).unwrap_or(0);
            match st.handles.get(&self.addr) {
                Some(d) => (Some((d.closed, d.obj)), d.trace_text(limit.max(1))),
                None => (None, None),
            }
        };
        let trace = match trace {
            Some(t) => format!("Allocation stacktrace:\n{t}"),
            None => "To get the stack trace of where it was allocated use:\n\
                     hpy.debug.set_handle_stack_trace_limit (without the hpy package: \
                     hpy_rs_runtime.debug.set_handle_stack_trace_limit)"
                .to_owned(),
        };
        match info {
            Some((false, p)) => {
                // SAFETY: an open handle's object is live; the GIL is held.
                let obj = unsafe { Bound::from_borrowed_ptr(py, p as *mut py::PyObject) };
                Ok(format!(
                    "<DebugHandle 0x{:x} for {}>\n{trace}",
                    self.addr,
                    obj.repr()?
                ))
            }
            _ => Ok(format!("<DebugHandle 0x{:x} CLOSED>\n{trace}", self.addr)),
        }
    }

    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp, py: Python<'_>) -> Py<PyAny> {
        let Ok(other) = other.cast::<DebugHandleObj>() else {
            return py.NotImplemented();
        };
        let same = self.addr == other.get().addr;
        match op {
            CompareOp::Eq => same
                .into_pyobject(py)
                .map_or_else(|_| py.None(), |b| b.to_owned().into_any().unbind()),
            CompareOp::Ne => (!same)
                .into_pyobject(py)
                .map_or_else(|_| py.None(), |b| b.to_owned().into_any().unbind()),
            _ => py.NotImplemented(),
        }
    }
}

/// Python views of the handles `addrs`.
fn views<'py>(py: Python<'py>, addrs: Vec<usize>) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for addr in addrs {
        list.append(Bound::new(py, DebugHandleObj { addr })?)?;
    }
    Ok(list)
}

/// `new_generation()`: starts a new generation of handles and returns its number.
#[pyfunction]
fn new_generation() -> i64 {
    let mut st = state();
    st.generation += 1;
    st.generation
}

/// `get_open_handles(gen)`: the open handles of generation `gen` or later, oldest first.
#[pyfunction]
fn get_open_handles(py: Python<'_>, gen: i64) -> PyResult<Bound<'_, PyList>> {
    let addrs: Vec<usize> = {
        let st = state();
        st.open
            .values()
            .copied()
            .filter(|a| st.handles.get(a).is_some_and(|d| d.generation >= gen))
            .collect()
    };
    views(py, addrs)
}

/// `get_closed_handles([gen])`: the closed handles still remembered, of generation `gen` (0 by
/// default) or later, oldest first.
#[pyfunction]
#[pyo3(signature = (*args))]
fn get_closed_handles<'py>(
    py: Python<'py>,
    args: &Bound<'py, pyo3::types::PyTuple>,
) -> PyResult<Bound<'py, PyList>> {
    let gen: i64 = match args.len() {
        0 => 0,
        1 => args.get_item(0)?.extract()?,
        _ => {
            return Err(PyTypeError::new_err(
                "get_closed_handles expects no arguments or exactly one argument",
            ))
        }
    };
    let addrs: Vec<usize> = {
        let st = state();
        st.closed
            .iter()
            .copied()
            .filter(|a| st.handles.get(a).is_some_and(|d| d.generation >= gen))
            .collect()
    };
    views(py, addrs)
}

/// `get_closed_handles_queue_max_size()`.
#[pyfunction]
fn get_closed_handles_queue_max_size() -> usize {
    state().closed_max
}

/// `set_closed_handles_queue_max_size(size)`.
#[pyfunction]
fn set_closed_handles_queue_max_size(size: isize) -> PyResult<()> {
    let size = usize::try_from(size)
        .map_err(|_| PyValueError::new_err("the queue size must not be negative"))?;
    state().closed_max = size;
    Ok(())
}

/// `get_protected_raw_data_max_size()`.
#[pyfunction]
fn get_protected_raw_data_max_size() -> isize {
    state().raw_max
}

/// `set_protected_raw_data_max_size(size)`.
#[pyfunction]
fn set_protected_raw_data_max_size(size: isize) {
    state().raw_max = size;
}

/// Replaces a hook of the state (an owned reference, or 0 for none) with `f`.
fn set_hook(f: &Bound<'_, PyAny>, builder: bool) -> PyResult<()> {
    let new = if f.is_none() {
        0
    } else if f.is_callable() {
        f.clone().into_ptr() as usize
    } else {
        return Err(PyTypeError::new_err("Expected a callable object"));
    };
    let old = {
        let mut st = state();
        let slot = if builder {
            &mut st.on_invalid_builder
        } else {
            &mut st.on_invalid_handle
        };
        core::mem::replace(slot, new)
    };
    if old != 0 {
        // SAFETY: the reference the state owned; the GIL is held.
        unsafe { py::Py_DECREF(old as *mut py::PyObject) };
    }
    Ok(())
}

/// `set_on_invalid_handle(f)`: `f()` is called for each use of an invalid handle, instead of
/// the fatal error (`None` restores it).
#[pyfunction]
fn set_on_invalid_handle(f: &Bound<'_, PyAny>) -> PyResult<()> {
    set_hook(f, false)
}

/// `set_on_invalid_builder_handle(f)`: as `set_on_invalid_handle`, for builders.
#[pyfunction]
fn set_on_invalid_builder_handle(f: &Bound<'_, PyAny>) -> PyResult<()> {
    set_hook(f, true)
}

/// `set_handle_stack_trace_limit(n)`: from now on, handles record where they are opened and
/// their repr shows the first `n` frames (`None` or 0: nothing is captured, at no cost). Raises
/// `ValueError` for a negative `n`.
#[pyfunction]
fn set_handle_stack_trace_limit(limit: Option<isize>) -> PyResult<()> {
    let limit = limit.unwrap_or(0);
    if limit < 0 {
        return Err(pyo3::exceptions::PyValueError::new_err(format!(
            "set_handle_stack_trace_limit() argument 'limit': must be 0 or more (or None), not \
             {limit}"
        )));
    }
    state().stack_trace_limit = limit;
    Ok(())
}

/// Adds the debug mode's functions and `DebugHandle` to the module `m` (`_debug`).
pub fn populate(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<DebugHandleObj>()?;
    m.add_function(wrap_pyfunction!(new_generation, m)?)?;
    m.add_function(wrap_pyfunction!(get_open_handles, m)?)?;
    m.add_function(wrap_pyfunction!(get_closed_handles, m)?)?;
    m.add_function(wrap_pyfunction!(get_closed_handles_queue_max_size, m)?)?;
    m.add_function(wrap_pyfunction!(set_closed_handles_queue_max_size, m)?)?;
    m.add_function(wrap_pyfunction!(get_protected_raw_data_max_size, m)?)?;
    m.add_function(wrap_pyfunction!(set_protected_raw_data_max_size, m)?)?;
    m.add_function(wrap_pyfunction!(set_on_invalid_handle, m)?)?;
    m.add_function(wrap_pyfunction!(set_on_invalid_builder_handle, m)?)?;
    m.add_function(wrap_pyfunction!(set_handle_stack_trace_limit, m)?)?;
    Ok(())
}
