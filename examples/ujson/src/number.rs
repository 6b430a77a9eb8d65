//! Numbers: the float prefix ujson's decoder accepts, big integers, and ujson's float format.

use hpy::prelude::*;

/// The longest float at the start of `s` (`-?digits[.digits][e[+-]digits]`, the exponent only
/// when complete), as ujson's decoder reads it after seeing `.` or `e`: its value and length.
/// Without any digit nothing is read (0.0, 0).
pub fn parse_float_prefix(s: &[u8]) -> (f64, usize) {
    let digits = |mut i: usize| {
        while s.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut i = usize::from(s.first() == Some(&b'-'));
    let int_end = digits(i);
    let mut seen = int_end > i;
    i = int_end;
    if s.get(i) == Some(&b'.') {
        let frac_end = digits(i + 1);
        seen |= frac_end > i + 1;
        i = frac_end;
    }
    if !seen {
        return (0.0, 0);
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(s.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp_end = digits(j);
        if exp_end > j {
            i = exp_end;
        }
    }
    // SAFETY-free: the prefix is ASCII by construction.
    let text = std::str::from_utf8(&s[..i]).unwrap_or("0");
    (text.parse().unwrap_or(0.0), i)
}

/// `int(digits)` for integers beyond 64 bits.
pub fn python_int<'ctx>(ctx: Context<'ctx>, digits: &[u8]) -> HPyResult<Handle<'ctx>> {
    let text = hpy::Str::decode_ascii(ctx, digits)?;
    ctx.builtin_type(hpy::BuiltinType::Int).call((&*text,))
}

/// Appends `v` (finite) as ujson writes it: the shortest digits that round-trip, in plain
/// notation for decimal exponents -4..15 (with `.0` for whole numbers), otherwise as
/// `d.ddde+XX` / `de-XX`.
pub fn write_float(out: &mut Vec<u8>, v: f64) {
    let mut buf = ryu::Buffer::new();
    let text = buf.format_finite(v).as_bytes();
    let (neg, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    // Split ryu's output into significant digits and the position of the decimal point.
    let (mantissa, exp10) = match text.iter().position(|&c| c == b'e') {
        Some(e) => {
            let exp: i32 = std::str::from_utf8(&text[e + 1..])
                .ok()
                .and_then(|x| x.parse().ok())
                .unwrap_or(0);
            (&text[..e], exp)
        }
        None => (text, 0),
    };
    let mut digits = [0u8; 32];
    let mut n = 0;
    let mut point = None;
    for &c in mantissa {
        if c == b'.' {
            point = Some(n);
        } else {
            digits[n] = c;
            n += 1;
        }
    }
    let mut decimal_point = point.unwrap_or(n) as i32 + exp10;
    // Strip leading zeros (0.001) and trailing zeros (100.0).
    let mut first = 0;
    while first + 1 < n && digits[first] == b'0' {
        first += 1;
        decimal_point -= 1;
    }
    while n > first + 1 && digits[n - 1] == b'0' {
        n -= 1;
    }
    let digits = &digits[first..n];
    if neg {
        out.push(b'-');
    }
    if digits == b"0" {
        out.extend_from_slice(b"0.0");
        return;
    }
    let exponent = decimal_point - 1;
    let len = digits.len() as i32;
    if (-4..16).contains(&exponent) {
        if decimal_point <= 0 {
            out.extend_from_slice(b"0.");
            out.extend(std::iter::repeat_n(b'0', (-decimal_point) as usize));
            out.extend_from_slice(digits);
        } else if decimal_point >= len {
            out.extend_from_slice(digits);
            out.extend(std::iter::repeat_n(b'0', (decimal_point - len) as usize));
            out.extend_from_slice(b".0");
        } else {
            let p = decimal_point as usize;
            out.extend_from_slice(&digits[..p]);
            out.push(b'.');
            out.extend_from_slice(&digits[p..]);
        }
    } else {
        out.push(digits[0]);
        if digits.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        out.push(b'e');
        out.push(if exponent < 0 { b'-' } else { b'+' });
        out.extend_from_slice(
            itoa::Buffer::new()
                .format(exponent.unsigned_abs())
                .as_bytes(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(v: f64) -> String {
        let mut out = Vec::new();
        write_float(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn float_format_matches_ujson() {
        assert_eq!(fmt(1.0), "1.0");
        assert_eq!(fmt(-0.0), "-0.0");
        assert_eq!(fmt(0.0), "0.0");
        assert_eq!(fmt(1.5), "1.5");
        assert_eq!(fmt(0.0001), "0.0001");
        assert_eq!(fmt(0.00001), "1e-5");
        assert_eq!(fmt(1e15), "1000000000000000.0");
        assert_eq!(fmt(1e16), "1e+16");
        assert_eq!(fmt(1.2345e20), "1.2345e+20");
        assert_eq!(fmt(31337.31337), "31337.31337");
        assert_eq!(fmt(f64::MAX), "1.7976931348623157e+308");
        assert_eq!(fmt(5e-324), "5e-324");
        assert_eq!(fmt(0.1 + 0.2), "0.30000000000000004");
    }

    #[test]
    fn float_prefix_like_ujson() {
        assert_eq!(parse_float_prefix(b"1."), (1.0, 2));
        assert_eq!(parse_float_prefix(b"1.e5x"), (1e5, 4));
        assert_eq!(parse_float_prefix(b"1e"), (1.0, 1));
        assert_eq!(parse_float_prefix(b"1e+"), (1.0, 1));
        assert_eq!(parse_float_prefix(b"1.2.3"), (1.2, 3));
        assert_eq!(parse_float_prefix(b"-e5"), (0.0, 0));
        assert_eq!(parse_float_prefix(b"-.5"), (-0.5, 3));
    }
}
