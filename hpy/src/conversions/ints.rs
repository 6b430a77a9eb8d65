//! Conversions between Python `int` and every Rust integer type.
//!
//! Extraction accepts `int` (and `bool`, its subclass) and objects with `__index__`. A value that
//! does not fit the target type raises `OverflowError`; a non-integer raises `TypeError`.

use std::borrow::Cow;

use crate::conversion::{take_pending, type_check};
use crate::{Context, ExceptionType, FromPython, HPyErr, HPyResult, Handle, IntoPython};

/// `obj` itself if it is an `int`, else `operator.index(obj)`.
#[inline(always)]
fn as_int<'h, 'ctx>(obj: &'h Handle<'ctx>) -> HPyResult<Cow<'h, Handle<'ctx>>> {
    if type_check(obj, crate::ffi::h_LongType) {
        return Ok(Cow::Borrowed(obj));
    }
    index_slow(obj).map(Cow::Owned)
}

#[cold]
fn index_slow<'ctx>(obj: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    let ctx = obj.ctx();
    // SAFETY: `obj` is open; the result is owned or NULL with an exception set.
    unsafe { ctx.own(call!(ctx, ctx_Index, obj.as_raw())) }.map_err(|e| {
        if e.matches(ctx, ExceptionType::TypeError) {
            e.discard(ctx);
            HPyErr::type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                obj.type_name()
            ))
        } else {
            e
        }
    })
}

/// A value outside the target's range, in CPython's words (`PyLong_AsLong`: "Python int too large
/// to convert to C long", for values too small as well), naming the Rust type.
#[cold]
fn out_of_range(target: &str) -> HPyErr {
    HPyErr::overflow_error(format!("Python int too large to convert to {target}"))
}

/// A negative value for an unsigned type, in CPython's words (`PyLong_AsUnsignedLongLong`).
#[cold]
fn negative() -> HPyErr {
    HPyErr::overflow_error("can't convert negative int to unsigned")
}

/// A machine integer that an HPy `HPyLong_As*` function returns directly.
trait Native: Copy + PartialEq {
    /// The value the function returns on error.
    const ERR: Self;
    /// Calls the function.
    ///
    /// # Safety
    ///
    /// `h` must be an open handle of `ctx`.
    unsafe fn convert(ctx: Context<'_>, h: crate::sys::HPy) -> Self;
    /// Whether the value is below zero.
    fn is_negative(self) -> bool;
}

macro_rules! native {
    ($($t:ty => $err:expr, $f:ident;)*) => {$(
        impl Native for $t {
            const ERR: Self = $err;
            #[inline(always)]
            unsafe fn convert(ctx: Context<'_>, h: crate::sys::HPy) -> Self {
                // SAFETY: forwarded from the caller.
                unsafe { call!(ctx, $f, h) }
            }
            #[inline(always)]
            #[allow(unused_comparisons)]
            fn is_negative(self) -> bool {
                self < 0
            }
        }
    )*};
}

// The 32-bit `HPyLong_AsInt32_t`/`AsUInt32_t` are not used: PyPy 3.11's runtime truncates out of
// range values (2**31 becomes -2**31) and accepts floats there. 8-, 16- and 32-bit integers go
// through the 64-bit functions and a range check instead, which is exact on every runtime.
native! {
    i64 => -1, ctx_Long_AsInt64_t;
    isize => -1, ctx_Long_AsSsize_t;
    u64 => u64::MAX, ctx_Long_AsUInt64_t;
    usize => usize::MAX, ctx_Long_AsSize_t;
}

/// The value of `obj` as a signed `W`; `target` names the Rust type in messages.
///
/// One context call on the fast path: `HPyLong_As*` itself accepts ints and (on CPython) objects
/// with `__index__`; the type is only looked at when it fails.
#[inline]
fn extract_signed<W: Native>(obj: &Handle<'_>, target: &str) -> HPyResult<W> {
    let ctx = obj.ctx();
    // SAFETY: `obj` is an open handle.
    let v = unsafe { W::convert(ctx, obj.as_raw()) };
    if v == W::ERR && ctx.err_occurred() {
        return signed_slow(obj, target);
    }
    Ok(v)
}

#[cold]
fn signed_slow<W: Native>(obj: &Handle<'_>, target: &str) -> HPyResult<W> {
    let ctx = obj.ctx();
    if take_pending(ctx, ExceptionType::OverflowError) {
        return Err(out_of_range(target));
    }
    if !take_pending(ctx, ExceptionType::TypeError) {
        return Err(HPyErr::fetch());
    }
    // Not an int: go through `__index__` (a runtime's conversion may not), or say what it is.
    let int = index_slow(obj)?;
    // SAFETY: `int` is an open handle to an int.
    let v = unsafe { W::convert(ctx, int.as_raw()) };
    if v == W::ERR && ctx.err_occurred() {
        return Err(if take_pending(ctx, ExceptionType::OverflowError) {
            out_of_range(target)
        } else {
            HPyErr::fetch()
        });
    }
    Ok(v)
}

/// The value of `obj` as an unsigned `W`; `target` names the Rust type in messages.
#[inline]
fn extract_unsigned<W: Native>(obj: &Handle<'_>, target: &str) -> HPyResult<W> {
    let int = as_int(obj)?;
    let ctx = obj.ctx();
    // SAFETY: `int` is an open handle to an int.
    let v = unsafe { W::convert(ctx, int.as_raw()) };
    if v == W::ERR && ctx.err_occurred() {
        return Err(unsigned_error(&int, target));
    }
    Ok(v)
}

#[cold]
fn unsigned_error(int: &Handle<'_>, target: &str) -> HPyErr {
    let ctx = int.ctx();
    if !take_pending(ctx, ExceptionType::OverflowError) {
        return HPyErr::fetch();
    }
    // Out of the u64 range: negative, or too large? A negative value that fits i64 says which.
    // SAFETY: `int` is an open handle to an int.
    let v = unsafe { call!(ctx, ctx_Long_AsInt64_t, int.as_raw()) };
    if v == -1 && ctx.err_occurred() {
        HPyErr::fetch().discard(ctx);
        out_of_range(target)
    } else if v < 0 {
        negative()
    } else {
        out_of_range(target)
    }
}

macro_rules! small_int {
    ($($t:ty => $wide:ident via $extract:ident, $from:ident as $arg:ty;)*) => {$(
        impl<'a, 'ctx> FromPython<'a, 'ctx> for $t {
            #[inline]
            fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
                let v: $wide = $extract(obj, stringify!($t))?;
                <$t>::try_from(v).map_err(|_| {
                    if Native::is_negative(v) && <$t>::MIN == 0 {
                        negative()
                    } else {
                        out_of_range(stringify!($t))
                    }
                })
            }
        }

        impl<'ctx> IntoPython<'ctx> for $t {
            #[inline]
            fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
                // SAFETY: plain value conversion; NULL means an exception was set.
                unsafe { ctx.own(call!(ctx, $from, self as $arg)) }
            }
        }
    )*};
}

small_int! {
    i8 => i64 via extract_signed, ctx_Long_FromInt32_t as i32;
    i16 => i64 via extract_signed, ctx_Long_FromInt32_t as i32;
    i32 => i64 via extract_signed, ctx_Long_FromInt32_t as i32;
    i64 => i64 via extract_signed, ctx_Long_FromInt64_t as i64;
    isize => isize via extract_signed, ctx_Long_FromSsize_t as isize;
    u16 => u64 via extract_unsigned, ctx_Long_FromUInt32_t as u32;
    u32 => u64 via extract_unsigned, ctx_Long_FromUInt32_t as u32;
    u64 => u64 via extract_unsigned, ctx_Long_FromUInt64_t as u64;
    usize => usize via extract_unsigned, ctx_Long_FromSize_t as usize;
}

/// `a <op> b` through the context's number protocol, e.g. `binop!(ctx_Lshift, a, b)`.
macro_rules! binop {
    ($op:ident, $a:expr, $b:expr) => {{
        let (a, b): (&Handle<'_>, &Handle<'_>) = ($a, $b);
        let ctx = a.ctx();
        // SAFETY: both handles are open; the result is owned or NULL with an exception set.
        unsafe { ctx.own(call!(ctx, $op, a.as_raw(), b.as_raw())) }
    }};
}

/// Splits an int into (value >> 64, low 64 bits).
fn split_128<'ctx>(obj: &Handle<'ctx>) -> HPyResult<(Handle<'ctx>, u64)> {
    let int = as_int(obj)?;
    let ctx = obj.ctx();
    // SAFETY: `int` is an open handle to an int; the mask conversion cannot overflow.
    let lo = unsafe { call!(ctx, ctx_Long_AsUInt64_tMask, int.as_raw()) };
    let sixty_four = 64u64.into_python(ctx)?;
    Ok((binop!(ctx_Rshift, &int, &sixty_four)?, lo))
}

/// Builds `(hi << 64) | lo`.
fn join_128<'ctx>(ctx: Context<'ctx>, hi: Handle<'ctx>, lo: u64) -> HPyResult<Handle<'ctx>> {
    let sixty_four = 64u64.into_python(ctx)?;
    let lo = lo.into_python(ctx)?;
    let shifted = binop!(ctx_Lshift, &hi, &sixty_four)?;
    binop!(ctx_Or, &shifted, &lo)
}

impl<'a, 'ctx> FromPython<'a, 'ctx> for i128 {
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        let (hi, lo) = split_128(obj)?;
        let hi = extract_signed::<i64>(&hi, "i128")?;
        Ok(((hi as i128) << 64) | lo as i128)
    }
}

impl<'a, 'ctx> FromPython<'a, 'ctx> for u128 {
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        let (hi, lo) = split_128(obj)?;
        let hi = extract_unsigned::<u64>(&hi, "u128")?;
        Ok(((hi as u128) << 64) | lo as u128)
    }
}

impl<'ctx> IntoPython<'ctx> for i128 {
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        match i64::try_from(self) {
            Ok(v) => v.into_python(ctx),
            Err(_) => join_128(ctx, ((self >> 64) as i64).into_python(ctx)?, self as u64),
        }
    }
}

impl<'ctx> IntoPython<'ctx> for u128 {
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        match u64::try_from(self) {
            Ok(v) => v.into_python(ctx),
            Err(_) => join_128(ctx, ((self >> 64) as u64).into_python(ctx)?, self as u64),
        }
    }
}

/// `u8` is the other integers' conversion, plus `Vec<u8>` as `bytes` in both directions (a list
/// of ints converts too).
impl<'a, 'ctx> FromPython<'a, 'ctx> for u8 {
    #[inline]
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        let v: u64 = extract_unsigned(obj, "u8")?;
        u8::try_from(v).map_err(|_| out_of_range("u8"))
    }

    #[inline]
    fn vec_from_bytes(bytes: &[u8]) -> Option<Vec<Self>> {
        Some(bytes.to_vec())
    }
}

impl<'ctx> IntoPython<'ctx> for u8 {
    #[inline]
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        // SAFETY: plain value conversion; NULL means an exception was set.
        unsafe { ctx.own(call!(ctx, ctx_Long_FromUInt32_t, u32::from(self))) }
    }

    fn vec_into_python(v: Vec<Self>, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        crate::types::bytes::new_bytes(ctx, &v)
    }
}
