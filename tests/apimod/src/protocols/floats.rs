//! `Floats`: float64s exported through the buffer protocol (`__getbuffer__`), whole or as a
//! shaped, strided or read-only view.

use hpy::prelude::*;
use hpy::{BufferCopy, BufferVec, Export};

/// A growable float64 buffer.
#[hpy_class]
pub struct Floats {
    data: BufferVec<f64>,
    /// How `__getbuffer__` exports: "flat", "readonly", "matrix", "every_other", "column", "bad".
    #[hpy(get, set)]
    view: String,
}

#[hpy_methods]
impl Floats {
    #[new]
    fn new(values: Vec<f64>) -> Floats {
        Floats {
            data: BufferVec::from(values),
            view: "flat".to_owned(),
        }
    }

    fn __getbuffer__(&self) -> HPyResult<Export> {
        let e = self.data.export();
        let n = self.data.len();
        match self.view.as_str() {
            "flat" => Ok(e),
            "readonly" => Ok(e.readonly()),
            // 2 x n/2, row-major.
            "matrix" => e.reshape(&[2, n / 2]),
            "every_other" => e.strided(0, &[n.div_ceil(2)], &[2]),
            // The second column of the 2 x n/2 matrix (not contiguous).
            "column" => e.strided(1, &[2], &[n / 2]),
            "fortran" => e.strided(0, &[2, n / 2], &[1, 2]),
            _ => e.strided(0, &[n + 1], &[1]),
        }
    }

    fn __len__(&self) -> usize {
        self.data.len()
    }

    fn append(&mut self, x: f64) -> HPyResult<()> {
        self.data.vec_mut()?.push(x);
        Ok(())
    }

    fn scale_all(&mut self, k: f64) -> HPyResult<()> {
        for x in self.data.as_mut_slice()? {
            *x *= k;
        }
        Ok(())
    }

    /// Works while exported: the elements are cells.
    fn set(&self, ctx: Context<'_>, i: usize, x: f64) -> HPyResult<()> {
        self.data.set(ctx, i, x)
    }

    fn get(&self, ctx: Context<'_>, i: usize) -> Option<f64> {
        self.data.get(ctx, i)
    }

    fn to_list(&self, ctx: Context<'_>) -> Vec<f64> {
        self.data.to_vec(ctx)
    }

    #[getter]
    fn exports(&self) -> usize {
        self.data.exports()
    }

    /// Replaces the storage while exports may be alive: they keep the old memory.
    fn replace(&mut self, values: Vec<f64>) {
        self.data = BufferVec::from(values);
    }
}

/// The sum of any float64 buffer.
#[hpy_method]
pub fn sum_f64(xs: BufferCopy<f64>) -> f64 {
    xs.iter().sum()
}

/// The sum of any int32 buffer.
#[hpy_method]
pub fn sum_i32(xs: BufferCopy<i32>) -> i64 {
    xs.iter().map(|&x| i64::from(x)).sum()
}

/// The bytes of any unsigned-byte buffer.
#[hpy_method]
pub fn bytes_of(xs: BufferCopy<u8>) -> Vec<u8> {
    xs.0
}
