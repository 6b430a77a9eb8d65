// Outside Python execution no handle or context can be used: the closure must be Send.
use hpy::prelude::*;

fn uses_handle_outside(ctx: Context<'_>, obj: &Handle<'_>) -> usize {
    ctx.allow_threads(|| obj.len().unwrap_or(0))
}

fn uses_context_outside(ctx: Context<'_>) {
    ctx.allow_threads(move || {
        let _ = ctx.none();
    })
}

fn main() {}
