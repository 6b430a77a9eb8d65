// Giving up ownership with `into_raw` consumes the handle too.
use hpy::prelude::*;

#[hpy_method]
fn raw_then_use(ctx: Context<'_>) -> Handle<'_> {
    let h = ctx.none();
    let _raw = h.into_raw();
    h
}

fn main() {}
