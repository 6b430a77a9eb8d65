//! `pyo3_simple`: the functions and types of HPy's microbenchmark module `hpy_simple`, written
//! on PyO3 as a user would, to compare call costs with the HPy SDK on CPython.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

/// The type of `Foo`: two machine words of data.
#[pyclass]
#[derive(Default)]
struct Foo {
    x: i64,
    y: i64,
}

#[pymethods]
impl Foo {
    #[new]
    fn new() -> Self {
        Foo::default()
    }

    // As in the C module, the methods do not read the struct (`slf: &Bound<Self>` borrows
    // nothing); `noargs_self` takes `&self` to show what the borrow costs.
    fn noargs(_slf: &Bound<'_, Self>) {}

    fn noargs_self(&self) {}

    fn onearg(_slf: &Bound<'_, Self>, _arg: &Bound<'_, PyAny>) {}

    #[pyo3(signature = (*args))]
    fn varargs(_slf: &Bound<'_, Self>, args: &Bound<'_, PyTuple>) {
        let _ = args;
    }

    fn allocate_int(_slf: &Bound<'_, Self>) -> i64 {
        2048
    }

    fn allocate_tuple(_slf: &Bound<'_, Self>) -> (i64, i64) {
        (2048, 2049)
    }

    fn __len__(_slf: &Bound<'_, Self>) -> usize {
        42
    }

    fn __getitem__(_slf: &Bound<'_, Self>, _i: isize) {}

    fn words(&self) -> (i64, i64) {
        (self.x, self.y)
    }
}

#[pyfunction]
fn noargs() {}

#[pyfunction]
fn onearg(_arg: &Bound<'_, PyAny>) {}

#[pyfunction]
#[pyo3(signature = (*args))]
fn varargs(args: &Bound<'_, PyTuple>) {
    let _ = args;
}

#[pyfunction]
fn call_with_tuple<'py>(
    f: &Bound<'py, PyAny>,
    args: &Bound<'py, PyTuple>,
) -> PyResult<Bound<'py, PyAny>> {
    f.call(args, None)
}

#[pyfunction]
fn call_with_tuple_and_dict<'py>(
    f: &Bound<'py, PyAny>,
    args: &Bound<'py, PyTuple>,
    kw: &Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyAny>> {
    f.call(args, Some(kw))
}

#[pyfunction]
fn add_ints(a: i64, b: i64) -> PyResult<i64> {
    a.checked_add(b)
        .ok_or_else(|| pyo3::exceptions::PyOverflowError::new_err("add_ints() result does not fit in 64 bits"))
}

#[pyfunction]
fn allocate_int() -> i64 {
    2048
}

#[pyfunction]
fn allocate_tuple() -> (i64, i64) {
    (2048, 2049)
}

#[pymodule]
fn pyo3_simple(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(noargs, m)?)?;
    m.add_function(wrap_pyfunction!(onearg, m)?)?;
    m.add_function(wrap_pyfunction!(varargs, m)?)?;
    m.add_function(wrap_pyfunction!(call_with_tuple, m)?)?;
    m.add_function(wrap_pyfunction!(call_with_tuple_and_dict, m)?)?;
    m.add_function(wrap_pyfunction!(add_ints, m)?)?;
    m.add_function(wrap_pyfunction!(allocate_int, m)?)?;
    m.add_function(wrap_pyfunction!(allocate_tuple, m)?)?;
    m.add_class::<Foo>()?;
    m.add("HTFoo", m.getattr("Foo")?)?;
    // Foo's `__getitem__` and `__len__` already use the mapping slots, as PyO3 makes them.
    m.add("MappingFoo", m.getattr("Foo")?)?;
    Ok(())
}
