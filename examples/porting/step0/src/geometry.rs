//! The module's code, written with PyO3. Steps 0 and 1 hold this file unchanged.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// A vector in the plane.
#[pyclass(module = "geometry")]
pub struct Vector {
    /// The x coordinate.
    #[pyo3(get, set)]
    x: f64,
    /// The y coordinate.
    #[pyo3(get, set)]
    y: f64,
}

#[pymethods]
impl Vector {
    #[new]
    fn new(x: f64, y: f64) -> Self {
        Vector { x, y }
    }

    /// The length of the vector.
    fn length(&self) -> f64 {
        self.x.hypot(self.y)
    }

    /// The dot product with another vector.
    fn dot(&self, other: PyRef<'_, Vector>) -> f64 {
        self.x * other.x + self.y * other.y
    }

    /// The vector multiplied by `k`.
    fn scaled(&self, k: f64) -> Vector {
        Vector {
            x: self.x * k,
            y: self.y * k,
        }
    }

    fn __add__(&self, other: PyRef<'_, Vector>) -> Vector {
        Vector {
            x: self.x + other.x,
            y: self.y + other.y,
        }
    }

    fn __repr__(&self) -> String {
        format!("Vector({:?}, {:?})", self.x, self.y)
    }
}

/// `x` limited to the range `lo..=hi`.
#[pyfunction]
pub fn clamp(x: f64, lo: f64, hi: f64) -> PyResult<f64> {
    if lo > hi {
        return Err(PyValueError::new_err("clamp: lo must not exceed hi"));
    }
    Ok(x.clamp(lo, hi))
}

/// The arithmetic mean of a sequence of numbers.
#[pyfunction]
pub fn mean(values: Vec<f64>) -> PyResult<f64> {
    if values.is_empty() {
        return Err(PyValueError::new_err("mean of an empty sequence"));
    }
    Ok(values.iter().sum::<f64>() / values.len() as f64)
}
