//! The number protocol: arithmetic, bitwise, in-place and conversion operators on any object.

use crate::sys;
use crate::{HPyResult, Handle, IntoPython};

macro_rules! binary_ops {
    ($($(#[$doc:meta])* $name:ident => $slot:ident;)*) => {
        impl<'ctx> Handle<'ctx> {$(
            $(#[$doc])*
            pub fn $name<V: IntoPython<'ctx>>(&self, other: V) -> HPyResult<Handle<'ctx>> {
                let ctx = self.ctx();
                other.with_raw(ctx, |o| {
                    // SAFETY: both handles are open; the result is owned or NULL with an
                    // exception set.
                    unsafe { ctx.own(call!(ctx, $slot, self.as_raw(), o)) }
                })?
            }
        )*}
    };
}

macro_rules! unary_ops {
    ($($(#[$doc:meta])* $name:ident => $slot:ident;)*) => {
        impl<'ctx> Handle<'ctx> {$(
            $(#[$doc])*
            pub fn $name(&self) -> HPyResult<Handle<'ctx>> {
                let ctx = self.ctx();
                // SAFETY: the handle is open; the result is owned or NULL with an exception set.
                unsafe { ctx.own(call!(ctx, $slot, self.as_raw())) }
            }
        )*}
    };
}

binary_ops! {
    /// `self + other`.
    add => ctx_Add;
    /// `self - other`.
    sub => ctx_Subtract;
    /// `self * other`.
    mul => ctx_Multiply;
    /// `self @ other`.
    matmul => ctx_MatrixMultiply;
    /// `self // other`.
    floor_div => ctx_FloorDivide;
    /// `self / other`.
    true_div => ctx_TrueDivide;
    /// `self % other`.
    rem => ctx_Remainder;
    /// `divmod(self, other)`.
    divmod => ctx_Divmod;
    /// `self << other`.
    lshift => ctx_Lshift;
    /// `self >> other`.
    rshift => ctx_Rshift;
    /// `self & other`.
    bitand => ctx_And;
    /// `self ^ other`.
    bitxor => ctx_Xor;
    /// `self | other`.
    bitor => ctx_Or;
    /// `self += other`: the in-place result (which may be a new object).
    inplace_add => ctx_InPlaceAdd;
    /// `self -= other`.
    inplace_sub => ctx_InPlaceSubtract;
    /// `self *= other`.
    inplace_mul => ctx_InPlaceMultiply;
    /// `self @= other`.
    inplace_matmul => ctx_InPlaceMatrixMultiply;
    /// `self //= other`.
    inplace_floor_div => ctx_InPlaceFloorDivide;
    /// `self /= other`.
    inplace_true_div => ctx_InPlaceTrueDivide;
    /// `self %= other`.
    inplace_rem => ctx_InPlaceRemainder;
    /// `self <<= other`.
    inplace_lshift => ctx_InPlaceLshift;
    /// `self >>= other`.
    inplace_rshift => ctx_InPlaceRshift;
    /// `self &= other`.
    inplace_bitand => ctx_InPlaceAnd;
    /// `self ^= other`.
    inplace_bitxor => ctx_InPlaceXor;
    /// `self |= other`.
    inplace_bitor => ctx_InPlaceOr;
}

unary_ops! {
    /// `-self`.
    neg => ctx_Negative;
    /// `+self`.
    pos => ctx_Positive;
    /// `abs(self)`.
    abs => ctx_Absolute;
    /// `~self`.
    invert => ctx_Invert;
    /// `operator.index(self)`: the object as an exact `int`, through `__index__`.
    index => ctx_Index;
    /// `int(self)`.
    to_int => ctx_Long;
    /// `float(self)`.
    to_float => ctx_Float;
}

impl<'ctx> Handle<'ctx> {
    /// `pow(self, exponent)`, or `pow(self, exponent, modulus)`.
    pub fn pow<E: IntoPython<'ctx>>(
        &self,
        exponent: E,
        modulus: Option<&Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        self.power(exponent, modulus, false)
    }

    /// `self **= exponent` (with an optional modulus, like `pow`).
    pub fn inplace_pow<E: IntoPython<'ctx>>(
        &self,
        exponent: E,
        modulus: Option<&Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        self.power(exponent, modulus, true)
    }

    fn power<E: IntoPython<'ctx>>(
        &self,
        exponent: E,
        modulus: Option<&Handle<'ctx>>,
        inplace: bool,
    ) -> HPyResult<Handle<'ctx>> {
        let ctx = self.ctx();
        let none = ctx.none();
        let m = modulus.unwrap_or(&none).as_raw();
        exponent.with_raw(ctx, |e| {
            // SAFETY: all handles are open; the result is owned or NULL with an exception set.
            unsafe {
                ctx.own(if inplace {
                    call!(ctx, ctx_InPlacePower, self.as_raw(), e, m)
                } else {
                    call!(ctx, ctx_Power, self.as_raw(), e, m)
                })
            }
        })?
    }

    /// Whether the object supports the number protocol (`PyNumber_Check`: it has `__index__`,
    /// `__int__`, `__float__` or is complex).
    pub fn is_number(&self) -> bool {
        // SAFETY: the handle is open.
        unsafe { call!(self.ctx(), ctx_Number_Check, self.as_raw()) != 0 }
    }
}

const _: () = assert!(core::mem::size_of::<sys::HPy_ssize_t>() == core::mem::size_of::<isize>());
