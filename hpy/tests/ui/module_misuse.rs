// Misused #[hpy_module] and #[hpy_exec].
use hpy::prelude::*;

#[hpy_module]
mod no_body;

#[hpy_module(name = "has-dash")]
mod bad_name {}

#[hpy_exec]
fn wrong_exec(x: i64) {
    let _ = x;
}

#[hpy_exec(extra)]
fn exec_with_option(ctx: Context<'_>, module: &Handle<'_>) {
    let _ = (ctx, module);
}

fn main() {}
