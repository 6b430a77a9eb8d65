//! Step 0 of the porting example: the `geometry` module as PyO3 writes it. `PyInit_geometry`
//! makes the module; `geometry.rs` holds its code.

mod geometry;

/// Vectors in the plane and a few numeric helpers.
#[pyo3::pymodule(name = "geometry")]
fn geometry_module(m: &pyo3::Bound<'_, pyo3::types::PyModule>) -> pyo3::PyResult<()> {
    use pyo3::prelude::*;
    m.add_class::<geometry::Vector>()?;
    m.add_function(pyo3::wrap_pyfunction!(geometry::clamp, m)?)?;
    m.add_function(pyo3::wrap_pyfunction!(geometry::mean, m)?)?;
    Ok(())
}
