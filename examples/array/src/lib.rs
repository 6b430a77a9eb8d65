//! `array_hpy`: a one-dimensional float64 array written with the `hpy` crate, whose memory
//! `memoryview`, `array`, `struct` and numpy read and write without a copy.
//!
//! ```python
//! from array_hpy import Array, zeros
//! a = Array([1.0, 2.0, 3.0])
//! a += zeros(3) + 1            # elementwise, in place
//! a[1:], a[-1], list(reversed(a)), a.sum(), a.dot(a)
//! import numpy; v = numpy.asarray(a); v[0] = 9.0; a[0] == 9.0
//! ```

mod array;
mod iter;

/// A one-dimensional float64 array (`Array`) with the buffer protocol.
#[hpy::hpy_module]
mod array_hpy {
    #[hpy_export]
    use crate::array::{zeros, Array};
    #[hpy_export]
    use crate::iter::ArrayIter;
}
