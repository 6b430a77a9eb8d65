//! The number protocol, by operator name.

use hpy::prelude::*;
use hpy::Int;

#[hpy_method]
pub fn binary<'c>(name: &str, a: &Handle<'c>, b: &Handle<'c>) -> HPyResult<Handle<'c>> {
    match name {
        "add" => a.add(b),
        "sub" => a.sub(b),
        "mul" => a.mul(b),
        "matmul" => a.matmul(b),
        "floordiv" => a.floor_div(b),
        "truediv" => a.true_div(b),
        "mod" => a.rem(b),
        "divmod" => a.divmod(b),
        "lshift" => a.lshift(b),
        "rshift" => a.rshift(b),
        "and" => a.bitand(b),
        "xor" => a.bitxor(b),
        "or" => a.bitor(b),
        "iadd" => a.inplace_add(b),
        "isub" => a.inplace_sub(b),
        "imul" => a.inplace_mul(b),
        "imatmul" => a.inplace_matmul(b),
        "ifloordiv" => a.inplace_floor_div(b),
        "itruediv" => a.inplace_true_div(b),
        "imod" => a.inplace_rem(b),
        "ilshift" => a.inplace_lshift(b),
        "irshift" => a.inplace_rshift(b),
        "iand" => a.inplace_bitand(b),
        "ixor" => a.inplace_bitxor(b),
        "ior" => a.inplace_bitor(b),
        _ => Err(HPyErr::value_error(format!("unknown operator {name}"))),
    }
}

#[hpy_method]
pub fn unary<'c>(name: &str, a: &Handle<'c>) -> HPyResult<Handle<'c>> {
    match name {
        "neg" => a.neg(),
        "pos" => a.pos(),
        "abs" => a.abs(),
        "invert" => a.invert(),
        "index" => a.index(),
        "int" => a.to_int(),
        "float" => a.to_float(),
        _ => Err(HPyErr::value_error(format!("unknown operator {name}"))),
    }
}

#[hpy_method]
pub fn power<'c>(
    a: &Handle<'c>,
    b: &Handle<'c>,
    inplace: bool,
    m: Option<&Handle<'c>>,
) -> HPyResult<Handle<'c>> {
    if inplace {
        a.inplace_pow(b, m)
    } else {
        a.pow(b, m)
    }
}

#[hpy_method]
pub fn is_number(a: &Handle<'_>) -> bool {
    a.is_number()
}

/// Adds a Rust value to an object: `add_rust(x)` is `x + 1`.
#[hpy_method]
pub fn add_one<'c>(a: &Handle<'c>) -> HPyResult<Handle<'c>> {
    a.add(1)
}

/// `how`: u32mask, u64mask, address, int_as_f64.
#[hpy_method]
pub fn long_as<'c>(ctx: Context<'c>, a: &Int<'c>, how: &str) -> HPyResult<Handle<'c>> {
    match how {
        "u32mask" => ctx.to_py(a.as_u32_mask()?),
        "u64mask" => ctx.to_py(a.as_u64_mask()?),
        "address" => ctx.to_py(a.as_address()?),
        _ => ctx.to_py(a.to_f64()?),
    }
}
