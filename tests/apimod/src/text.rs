//! `str` functions.

use hpy::prelude::*;

#[hpy_method]
pub fn str_encode<'c>(s: &Str<'c>, how: &str) -> HPyResult<Bytes<'c>> {
    match how {
        "utf8" => s.encode_utf8(),
        "ascii" => s.encode_ascii(),
        "latin1" => s.encode_latin1(),
        _ => s.encode_fs(),
    }
}

#[hpy_method]
pub fn str_decode<'c>(ctx: Context<'c>, data: &[u8], how: &str) -> HPyResult<Str<'c>> {
    match how {
        "ascii" => Str::decode_ascii(ctx, data),
        "latin1" => Str::decode_latin1(ctx, data),
        _ => Str::decode_fs(ctx, data),
    }
}

#[hpy_method]
pub fn str_decode_fs_cstr<'c>(ctx: Context<'c>, data: &[u8]) -> HPyResult<Str<'c>> {
    let c = std::ffi::CString::new(data).map_err(|_| HPyErr::value_error("embedded NUL"))?;
    Str::decode_fs_cstr(ctx, &c)
}

#[hpy_method]
pub fn str_from_wide<'c>(ctx: Context<'c>, chars: Vec<u32>) -> HPyResult<Str<'c>> {
    Str::from_wide(ctx, &chars)
}

#[hpy_method]
pub fn str_from_cstr<'c>(ctx: Context<'c>, data: &[u8]) -> HPyResult<Str<'c>> {
    let c = std::ffi::CString::new(data).map_err(|_| HPyErr::value_error("embedded NUL"))?;
    Str::from_cstr(ctx, &c)
}

#[hpy_method]
pub fn str_read_char(s: &Str<'_>, index: usize) -> HPyResult<u32> {
    s.read_char(index)
}

#[hpy_method]
pub fn str_substring<'c>(s: &Str<'c>, start: usize, end: usize) -> HPyResult<Str<'c>> {
    s.substring(start, end)
}

#[hpy_method]
pub fn str_from_encoded<'c>(
    obj: &Handle<'c>,
    encoding: Option<&str>,
    errors: Option<&str>,
) -> HPyResult<Str<'c>> {
    Str::from_encoded(obj, encoding, errors)
}

/// `(len in code points, utf-8 byte length)`.
#[hpy_method]
pub fn str_lengths(s: &Str<'_>) -> HPyResult<(usize, usize)> {
    Ok((s.len()?, s.as_str()?.len()))
}
