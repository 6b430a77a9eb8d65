//! Step 1 of the porting example: the module is now an `#[hpy_module]` (HPy makes it, HPy's
//! debug mode can load it), and its exec hook adds step 0's PyO3 code, which `geometry.rs`
//! holds unchanged. Built for HPy's hybrid ABI (`cargo hpy build --abi hybrid`), one interpreter
//! at a time: the PyO3 half uses that interpreter's C API (`cpyext` on PyPy).

mod geometry;

/// Vectors in the plane and a few numeric helpers.
#[hpy::hpy_module(name = "geometry")]
mod geometry_module {
    use hpy::prelude::*;

    /// Adds the PyO3 class and functions to the HPy module.
    #[hpy_exec]
    fn add_pyo3_half(ctx: Context<'_>, module: &Handle<'_>) -> HPyResult<()> {
        hpy::pyo3::with_module(ctx, module, |m| {
            use pyo3::prelude::*;
            m.add_class::<crate::geometry::Vector>()?;
            m.add_function(pyo3::wrap_pyfunction!(crate::geometry::clamp, m)?)?;
            m.add_function(pyo3::wrap_pyfunction!(crate::geometry::mean, m)?)?;
            Ok(())
        })
    }
}
