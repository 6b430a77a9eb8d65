// A consumed handle cannot be used again.
use hpy::prelude::*;

#[hpy_method]
fn twice(ctx: Context<'_>) -> bool {
    let h = ctx.none();
    h.close();
    h.is_none()
}

fn main() {}
