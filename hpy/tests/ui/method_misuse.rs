// Misused #[hpy_method]s give spanned errors, several at once.
use hpy::prelude::*;

#[hpy_method]
async fn is_async() {}

#[hpy_method]
fn generic<T>(x: i64) -> i64 {
    x
}

#[hpy_method]
fn pattern((a, b): (i64, i64)) -> i64 {
    a + b
}

#[hpy_method(nmae = "x")]
fn unknown_option() {}

#[hpy_method(name = "not valid")]
fn bad_name() {}

#[hpy_method]
fn context_second(x: i64, ctx: Context<'_>) -> i64 {
    let _ = ctx;
    x
}

#[hpy_method]
fn required_after_optional(a: Option<i64>, b: i64) -> i64 {
    a.unwrap_or(b)
}

fn main() {}
