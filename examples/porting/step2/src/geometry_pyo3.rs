//! What is left of the PyO3 code: `mean`, unchanged from step 0's `geometry.rs`.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// The arithmetic mean of a sequence of numbers.
#[pyfunction]
pub fn mean(values: Vec<f64>) -> PyResult<f64> {
    if values.is_empty() {
        return Err(PyValueError::new_err("mean of an empty sequence"));
    }
    Ok(values.iter().sum::<f64>() / values.len() as f64)
}
