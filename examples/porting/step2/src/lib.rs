//! Step 2 of the porting example: half ported. `Vector` and `clamp` are written with hpy-rs
//! (HPy's debug mode checks them, and on PyPy they are called through its HPy, not `cpyext`);
//! `mean` is still the PyO3 function of step 0, added by the exec hook. Still the hybrid ABI.

mod geometry_pyo3;

/// Vectors in the plane and a few numeric helpers.
#[hpy::hpy_module(name = "geometry")]
mod geometry_module {
    use hpy::prelude::*;

    /// A vector in the plane.
    #[hpy_class]
    pub struct Vector {
        /// The x coordinate.
        #[hpy(get, set)]
        x: f64,
        /// The y coordinate.
        #[hpy(get, set)]
        y: f64,
    }

    #[hpy_methods]
    impl Vector {
        #[new]
        fn new(x: f64, y: f64) -> Vector {
            Vector { x, y }
        }

        /// The length of the vector.
        fn length(&self) -> f64 {
            self.x.hypot(self.y)
        }

        /// The dot product with another vector.
        fn dot(&self, other: Obj<'_, Vector>) -> HPyResult<f64> {
            let o = other.borrow()?;
            Ok(self.x * o.x + self.y * o.y)
        }

        /// The vector multiplied by `k`.
        fn scaled(&self, k: f64) -> Vector {
            Vector {
                x: self.x * k,
                y: self.y * k,
            }
        }

        fn __add__(&self, other: Obj<'_, Vector>) -> HPyResult<Vector> {
            let o = other.borrow()?;
            Ok(Vector {
                x: self.x + o.x,
                y: self.y + o.y,
            })
        }

        fn __repr__(&self) -> String {
            format!("Vector({:?}, {:?})", self.x, self.y)
        }
    }

    /// `x` limited to the range `lo..=hi`.
    #[hpy_method]
    fn clamp(x: f64, lo: f64, hi: f64) -> HPyResult<f64> {
        if lo > hi {
            return Err(HPyErr::value_error("clamp: lo must not exceed hi"));
        }
        Ok(x.clamp(lo, hi))
    }

    /// Adds the rest of the PyO3 code (`mean`) to the HPy module.
    #[hpy_exec]
    fn add_pyo3_half(ctx: Context<'_>, module: &Handle<'_>) -> HPyResult<()> {
        hpy::pyo3::with_module(ctx, module, |m| {
            use pyo3::prelude::*;
            m.add_function(pyo3::wrap_pyfunction!(crate::geometry_pyo3::mean, m)?)
        })
    }
}
