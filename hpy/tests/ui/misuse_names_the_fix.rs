// Common misuses: the error says what to write instead.
use hpy::prelude::*;

#[hpy_method]
fn borrowed_elements(words: Vec<&str>) -> usize {
    words.len()
}

#[hpy_method]
fn borrowed_in_tuple(pair: (i64, &str)) -> i64 {
    pair.0
}

#[hpy_method]
fn string_error(x: i64) -> Result<i64, String> {
    Ok(x)
}

#[hpy_exec]
fn exec_returns_int(_ctx: Context<'_>, _module: &Handle<'_>) -> i64 {
    0
}

fn main() {}
