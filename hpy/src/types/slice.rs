//! `slice`: the [`Slice`] handle and [`adjust_indices`].

use crate::sys;
use crate::{HPyErr, HPyResult};

/// The resolved indices of a slice for a sequence of some length: iterate with
/// `(0..len).map(|i| start + i * step)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SliceIndices {
    /// The first index.
    pub start: isize,
    /// The end (exclusive in the direction of `step`).
    pub stop: isize,
    /// The step (never 0).
    pub step: isize,
    /// How many items the slice selects.
    pub len: usize,
}

typed_handle! {
    /// A handle to a `slice` object.
    Slice: is_slice, "slice";
}

impl<'ctx> Slice<'ctx> {
    /// `(start, stop, step)` with `None` filled in as CPython does, before the length of a
    /// sequence is known (`HPySlice_Unpack`): a step of 0 is a `ValueError`.
    pub fn unpack(&self) -> HPyResult<(isize, isize, isize)> {
        let (mut start, mut stop, mut step): (
            sys::HPy_ssize_t,
            sys::HPy_ssize_t,
            sys::HPy_ssize_t,
        ) = (0, 0, 0);
        // SAFETY: the handle is an open slice and the out-pointers are valid.
        let rc = unsafe {
            call!(
                self.ctx(),
                ctx_Slice_Unpack,
                self.as_raw(),
                &mut start,
                &mut stop,
                &mut step
            )
        };
        crate::err::status(rc)?;
        Ok((start, stop, step))
    }

    /// The indices the slice selects in a sequence of length `len` (`slice.indices(len)` plus
    /// the count; `HPySlice_Unpack` and `HPySlice_AdjustIndices`).
    pub fn indices(&self, len: usize) -> HPyResult<SliceIndices> {
        let (start, stop, step) = self.unpack()?;
        let len = isize::try_from(len).map_err(|_| HPyErr::overflow_error("length too large"))?;
        Ok(adjust_indices(len, start, stop, step))
    }
}

/// Clamps unpacked slice bounds to a sequence of length `len` (`HPySlice_AdjustIndices`).
/// `step` must not be 0.
pub fn adjust_indices(len: isize, mut start: isize, mut stop: isize, step: isize) -> SliceIndices {
    assert!(step != 0, "adjust_indices: step must not be 0");
    let clamp = |v: isize| -> isize {
        if v < 0 {
            let v = v.saturating_add(len);
            if v < 0 {
                if step < 0 {
                    -1
                } else {
                    0
                }
            } else {
                v
            }
        } else if v >= len {
            if step < 0 {
                len - 1
            } else {
                len
            }
        } else {
            v
        }
    };
    start = clamp(start);
    stop = clamp(stop);
    let count = if step < 0 {
        if stop < start {
            (start - stop - 1) / (-step) + 1
        } else {
            0
        }
    } else if start < stop {
        (stop - start - 1) / step + 1
    } else {
        0
    };
    SliceIndices {
        start,
        stop,
        step,
        len: count as usize,
    }
}

#[cfg(test)]
mod tests {
    use super::adjust_indices;

    /// Compares with what Python's `range(len)[slice]` gives, worked out by hand.
    #[test]
    fn matches_python() {
        let r = adjust_indices(10, 2, 8, 3);
        assert_eq!((r.start, r.stop, r.len), (2, 8, 2));
        let r = adjust_indices(10, isize::MAX, isize::MIN, -1); // [::-1]
        assert_eq!((r.start, r.stop, r.len), (9, -1, 10));
        let r = adjust_indices(5, -100, 100, 1);
        assert_eq!((r.start, r.stop, r.len), (0, 5, 5));
        let r = adjust_indices(5, 3, 1, 1);
        assert_eq!(r.len, 0);
        let r = adjust_indices(0, 0, isize::MAX, 1);
        assert_eq!(r.len, 0);
    }
}
