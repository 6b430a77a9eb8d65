//! `int`: the [`Int`] handle and the reads of its value that are not conversions (masks,
//! addresses, `f64`). Conversions to Rust integers are `FromPython` (`conversions/ints.rs`).

use crate::HPyResult;

typed_handle! {
    /// A handle to an `int` (or a subclass, such as `bool`).
    Int: is_int, "int";
}

impl<'ctx> Int<'ctx> {
    /// The value modulo 2³², without overflow checks (`HPyLong_AsUInt32_tMask`).
    pub fn as_u32_mask(&self) -> HPyResult<u32> {
        let ctx = self.ctx();
        // SAFETY: the handle is open.
        let v = unsafe { call!(ctx, ctx_Long_AsUInt32_tMask, self.as_raw()) };
        crate::err::checked(ctx, v, u32::MAX)
    }

    /// The value modulo 2⁶⁴, without overflow checks (`HPyLong_AsUInt64_tMask`).
    pub fn as_u64_mask(&self) -> HPyResult<u64> {
        let ctx = self.ctx();
        // SAFETY: the handle is open.
        let v = unsafe { call!(ctx, ctx_Long_AsUInt64_tMask, self.as_raw()) };
        crate::err::checked(ctx, v, u64::MAX)
    }

    /// The value as a pointer-sized address (`HPyLong_AsVoidPtr`), e.g. for an address
    /// obtained from `ctypes`.
    pub fn as_address(&self) -> HPyResult<usize> {
        let ctx = self.ctx();
        // SAFETY: the handle is open.
        let p = unsafe { call!(ctx, ctx_Long_AsVoidPtr, self.as_raw()) };
        crate::err::checked(ctx, p as usize, 0)
    }

    /// The value as the nearest `f64` (`HPyLong_AsDouble`); too large is an `OverflowError`.
    /// (Only for `int`: PyPy's runtime would also take a `float` here.)
    pub fn to_f64(&self) -> HPyResult<f64> {
        let ctx = self.ctx();
        // SAFETY: the handle is open.
        let v = unsafe { call!(ctx, ctx_Long_AsDouble, self.as_raw()) };
        crate::err::checked(ctx, v, -1.0)
    }
}
