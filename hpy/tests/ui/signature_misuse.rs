// Invalid `signature = (...)`s give spanned errors, several at once.
use hpy::prelude::*;

#[hpy_method(signature = (a, x))]
fn unknown_name(a: i64) -> i64 {
    a
}

#[hpy_method(signature = (a))]
fn missing_from_signature(a: i64, b: i64) -> i64 {
    a + b
}

#[hpy_method(signature = (a = 1, b))]
fn default_before_required(a: i64, b: i64) -> i64 {
    a + b
}

#[hpy_method(signature = (*args, *more))]
fn two_varargs(args: Handle<'_>, more: Handle<'_>) {
    let _ = (args, more);
}

#[hpy_method(signature = (*, a, /))]
fn slash_after_star(a: i64) -> i64 {
    a
}

#[hpy_method(signature = (a, *))]
fn bare_star_at_end(a: i64) -> i64 {
    a
}

#[hpy_method(signature = (**kwargs, a))]
fn kwargs_not_last(kwargs: Handle<'_>, a: i64) -> i64 {
    let _ = kwargs;
    a
}

#[hpy_method(signature = (a, a))]
fn duplicate(a: i64) -> i64 {
    a
}

#[hpy_method(signature = (a = "text"))]
fn default_of_wrong_type(a: i64) -> i64 {
    a
}

fn main() {}
