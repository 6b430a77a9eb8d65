//! Step 3 of the porting example: all hpy-rs. No PyO3 and no C API: HPy's universal ABI, one
//! `geometry.hpy0.so` for CPython 3.11+ and PyPy, in universal, debug and trace mode.

/// Vectors in the plane and a few numeric helpers.
#[hpy::hpy_module]
mod geometry {
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

    /// The arithmetic mean of a sequence of numbers.
    #[hpy_method]
    fn mean(values: Vec<f64>) -> HPyResult<f64> {
        if values.is_empty() {
            return Err(HPyErr::value_error("mean of an empty sequence"));
        }
        Ok(values.iter().sum::<f64>() / values.len() as f64)
    }
}
