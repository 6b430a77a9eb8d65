//! `Array`: a one-dimensional float64 array.

use hpy::prelude::*;
use hpy::{BufferCopy, BufferVec, Export, FromPython};

use crate::iter::ArrayIter;

/// A one-dimensional array of float64, built from any iterable of numbers or any float64
/// buffer. It supports indexing and slicing, iteration, arithmetic with numbers and arrays of the
/// same length, `sum`/`dot`, pickling, and the buffer protocol: `memoryview(a)` and
/// `numpy.asarray(a)` share its memory. While such a view is alive, `append`, `extend` and
/// `resize` raise `BufferError`.
#[hpy_class]
pub struct Array {
    data: BufferVec<f64>,
}

/// The other operand of an arithmetic operator.
enum Operand {
    Scalar(f64),
    Values(Vec<f64>),
}

impl Array {
    fn from_vec(v: Vec<f64>) -> Array {
        Array {
            data: BufferVec::from(v),
        }
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// The element at `i`.
    pub fn get(&self, ctx: Context<'_>, i: usize) -> Option<f64> {
        self.data.get(ctx, i)
    }

    /// The values of any iterable of numbers or float64 buffer.
    fn values_of<'ctx>(ctx: Context<'ctx>, obj: &Handle<'ctx>) -> HPyResult<Vec<f64>> {
        if obj.is_list() || obj.is_tuple() {
            return obj.extract();
        }
        if let Some(other) = Obj::<Array>::cast(obj)? {
            return Ok(other.borrow()?.data.to_vec(ctx));
        }
        match BufferCopy::<f64>::from_python(obj) {
            Ok(copy) => return Ok(copy.0),
            Err(e) => e.discard(ctx),
        }
        let list = ctx.builtin("list")?.call((obj,))?;
        list.extract()
    }

    /// `other` as an operand: a number, or an array of `len` elements (`ValueError` for another
    /// length); `None` for anything else.
    fn operand<'ctx>(
        ctx: Context<'ctx>,
        other: &Handle<'ctx>,
        len: usize,
    ) -> HPyResult<Option<Operand>> {
        if let Some(b) = Obj::<Array>::cast(other)? {
            let values = b.borrow()?.data.to_vec(ctx);
            if values.len() != len {
                return Err(HPyErr::value_error(format!(
                    "operands could not be broadcast together: lengths {len} and {}",
                    values.len()
                )));
            }
            return Ok(Some(Operand::Values(values)));
        }
        if other.is_float() || other.is_int() {
            return Ok(Some(Operand::Scalar(other.extract()?)));
        }
        Ok(None)
    }

    /// `op(self[i], other[i])` for every `i` as a new array, or NotImplemented.
    fn binary<'ctx>(
        &self,
        ctx: Context<'ctx>,
        other: &Handle<'ctx>,
        op: impl Fn(f64, f64) -> f64,
    ) -> HPyResult<Handle<'ctx>> {
        let Some(rhs) = Self::operand(ctx, other, self.len())? else {
            return Ok(ctx.not_implemented());
        };
        let out = self.data.with_cells(ctx, |a| match &rhs {
            Operand::Scalar(s) => a.iter().map(|x| op(x.get(), *s)).collect(),
            Operand::Values(b) => a.iter().zip(b).map(|(x, y)| op(x.get(), *y)).collect(),
        });
        Ok(Obj::new(ctx, Array::from_vec(out))?.into_handle())
    }

    /// `self[i] = op(self[i], other[i])`, written in place (also while exported).
    fn inplace<'ctx>(
        &self,
        ctx: Context<'ctx>,
        other: &Handle<'ctx>,
        what: &str,
        op: impl Fn(f64, f64) -> f64,
    ) -> HPyResult<()> {
        let Some(rhs) = Self::operand(ctx, other, self.len())? else {
            return Err(HPyErr::type_error(format!(
                "unsupported operand type(s) for {what}: 'Array' and '{}'",
                other.type_name()
            )));
        };
        self.data.with_cells(ctx, |a| match &rhs {
            Operand::Scalar(s) => a.iter().for_each(|x| x.set(op(x.get(), *s))),
            Operand::Values(b) => a.iter().zip(b).for_each(|(x, y)| x.set(op(x.get(), *y))),
        });
        Ok(())
    }

    /// The position of index `i` (negative from the end); `IndexError` outside.
    fn position(&self, i: isize) -> HPyResult<usize> {
        let n = self.len() as isize;
        let j = if i < 0 { i + n } else { i };
        if (0..n).contains(&j) {
            Ok(j as usize)
        } else {
            Err(HPyErr::new(
                ExceptionType::IndexError,
                "Array index out of range",
            ))
        }
    }
}

#[hpy_methods]
impl Array {
    /// Makes an array from an iterable of numbers or a float64 buffer (empty without one).
    #[new]
    #[hpy_method(signature = (values = None))]
    fn new<'ctx>(ctx: Context<'ctx>, values: Option<&Handle<'ctx>>) -> HPyResult<Array> {
        Ok(Array::from_vec(match values {
            Some(v) => Self::values_of(ctx, v)?,
            None => Vec::new(),
        }))
    }

    fn __len__(&self) -> usize {
        self.len()
    }

    /// `a[i]` is a float, `a[i:j:k]` a new array (a copy).
    fn __getitem__<'ctx>(&self, ctx: Context<'ctx>, key: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        if key.is_int() {
            let i = self.position(key.extract()?)?;
            return ctx.to_py(self.data.get(ctx, i));
        }
        if let Ok(slice) = hpy::Slice::try_from_handle(key.clone()) {
            let ix = slice.indices(self.len())?;
            let out = self.data.with_cells(ctx, |a| {
                (0..ix.len)
                    .map(|k| a[(ix.start + k as isize * ix.step) as usize].get())
                    .collect()
            });
            return Ok(Obj::new(ctx, Array::from_vec(out))?.into_handle());
        }
        Err(HPyErr::type_error(format!(
            "Array indices must be integers or slices, not {}",
            key.type_name()
        )))
    }

    /// `a[i] = x`; `a[i:j] = x` (every element) or `= values` (as many as selected).
    fn __setitem__<'ctx>(
        &self,
        ctx: Context<'ctx>,
        key: &Handle<'ctx>,
        value: &Handle<'ctx>,
    ) -> HPyResult<()> {
        if key.is_int() {
            let i = self.position(key.extract()?)?;
            return self.data.set(ctx, i, value.extract()?);
        }
        let slice = hpy::Slice::try_from_handle(key.clone()).map_err(|_| {
            HPyErr::type_error(format!(
                "Array indices must be integers or slices, not {}",
                key.type_name()
            ))
        })?;
        let ix = slice.indices(self.len())?;
        let values = if value.is_float() || value.is_int() {
            vec![value.extract::<f64>()?; ix.len]
        } else {
            Self::values_of(ctx, value)?
        };
        if values.len() != ix.len {
            return Err(HPyErr::value_error(format!(
                "cannot assign {} values to a slice of {} elements",
                values.len(),
                ix.len
            )));
        }
        self.data.with_cells(ctx, |a| {
            for (k, v) in values.into_iter().enumerate() {
                a[(ix.start + k as isize * ix.step) as usize].set(v);
            }
        });
        Ok(())
    }

    fn __iter__<'ctx>(this: &Obj<'ctx, Self>) -> HPyResult<Obj<'ctx, ArrayIter>> {
        ArrayIter::new(this, false)
    }

    fn __reversed__<'ctx>(this: &Obj<'ctx, Self>) -> HPyResult<Obj<'ctx, ArrayIter>> {
        ArrayIter::new(this, true)
    }

    fn __contains__(&self, ctx: Context<'_>, x: f64) -> bool {
        self.data
            .with_cells(ctx, |a| a.iter().any(|c| c.get() == x))
    }

    fn __add__<'ctx>(&self, ctx: Context<'ctx>, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        self.binary(ctx, other, |x, y| x + y)
    }

    fn __radd__<'ctx>(&self, ctx: Context<'ctx>, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        self.binary(ctx, other, |x, y| y + x)
    }

    fn __sub__<'ctx>(&self, ctx: Context<'ctx>, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        self.binary(ctx, other, |x, y| x - y)
    }

    fn __rsub__<'ctx>(&self, ctx: Context<'ctx>, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        self.binary(ctx, other, |x, y| y - x)
    }

    fn __mul__<'ctx>(&self, ctx: Context<'ctx>, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        self.binary(ctx, other, |x, y| x * y)
    }

    fn __rmul__<'ctx>(&self, ctx: Context<'ctx>, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        self.binary(ctx, other, |x, y| y * x)
    }

    fn __truediv__<'ctx>(
        &self,
        ctx: Context<'ctx>,
        other: &Handle<'ctx>,
    ) -> HPyResult<Handle<'ctx>> {
        self.binary(ctx, other, |x, y| x / y)
    }

    fn __rtruediv__<'ctx>(
        &self,
        ctx: Context<'ctx>,
        other: &Handle<'ctx>,
    ) -> HPyResult<Handle<'ctx>> {
        self.binary(ctx, other, |x, y| y / x)
    }

    fn __neg__<'ctx>(&self, ctx: Context<'ctx>) -> HPyResult<Obj<'ctx, Array>> {
        Obj::new(
            ctx,
            Array::from_vec(
                self.data
                    .with_cells(ctx, |a| a.iter().map(|x| -x.get()).collect()),
            ),
        )
    }

    fn __iadd__<'ctx>(&self, ctx: Context<'ctx>, other: &Handle<'ctx>) -> HPyResult<()> {
        self.inplace(ctx, other, "+=", |x, y| x + y)
    }

    fn __isub__<'ctx>(&self, ctx: Context<'ctx>, other: &Handle<'ctx>) -> HPyResult<()> {
        self.inplace(ctx, other, "-=", |x, y| x - y)
    }

    fn __imul__<'ctx>(&self, ctx: Context<'ctx>, other: &Handle<'ctx>) -> HPyResult<()> {
        self.inplace(ctx, other, "*=", |x, y| x * y)
    }

    fn __itruediv__<'ctx>(&self, ctx: Context<'ctx>, other: &Handle<'ctx>) -> HPyResult<()> {
        self.inplace(ctx, other, "/=", |x, y| x / y)
    }

    /// The sum of the elements.
    fn sum(&self, ctx: Context<'_>) -> f64 {
        self.data
            .with_cells(ctx, |a| a.iter().map(|c| c.get()).sum())
    }

    /// The dot product with an array of the same length.
    fn dot(&self, ctx: Context<'_>, other: Obj<'_, Array>) -> HPyResult<f64> {
        let b = other.borrow()?;
        if b.len() != self.len() {
            return Err(HPyErr::value_error(format!(
                "dot: lengths {} and {} differ",
                self.len(),
                b.len()
            )));
        }
        Ok(self.data.with_cells(ctx, |x| {
            b.data.with_cells(ctx, |y| {
                x.iter().zip(y).map(|(p, q)| p.get() * q.get()).sum()
            })
        }))
    }

    /// Appends `x`; `BufferError` while a view of the array is alive.
    fn append(&mut self, x: f64) -> HPyResult<()> {
        self.data.vec_mut()?.push(x);
        Ok(())
    }

    /// Appends the values of an iterable or buffer; `BufferError` while a view is alive.
    fn extend<'ctx>(&mut self, ctx: Context<'ctx>, values: &Handle<'ctx>) -> HPyResult<()> {
        let values = Self::values_of(ctx, values)?;
        self.data.vec_mut()?.extend(values);
        Ok(())
    }

    /// Grows (with zeros) or shrinks to `n` elements; `BufferError` while a view is alive.
    fn resize(&mut self, n: usize) -> HPyResult<()> {
        self.data.vec_mut()?.resize(n, 0.0);
        Ok(())
    }

    /// The elements as a list of floats.
    fn tolist(&self, ctx: Context<'_>) -> Vec<f64> {
        self.data.to_vec(ctx)
    }

    fn __getbuffer__(&self) -> Export {
        self.data.export()
    }

    /// Pickles as `Array(list_of_values)`.
    fn __reduce__<'ctx>(this: &Obj<'ctx, Self>) -> HPyResult<(Handle<'ctx>, (Vec<f64>,))> {
        let values = this.borrow()?.data.to_vec(this.ctx());
        Ok((this.get_type().into_handle(), (values,)))
    }

    fn __repr__(&self, ctx: Context<'_>) -> HPyResult<String> {
        let list = ctx.to_py(self.data.to_vec(ctx))?;
        let text: String = list.repr()?.extract()?;
        Ok(format!("Array({text})"))
    }
}

/// An array of `n` zeros.
#[hpy_method]
pub fn zeros(ctx: Context<'_>, n: usize) -> HPyResult<Obj<'_, Array>> {
    Obj::new(ctx, Array::from_vec(vec![0.0; n]))
}
