// The context cannot be kept in a struct (or thread-local) that outlives the call.
use hpy::prelude::*;
use std::cell::Cell;

struct Saved<'a> {
    ctx: Context<'a>,
}

thread_local! {
    static LATER: Cell<Option<Context<'static>>> = const { Cell::new(None) };
}

fn save(ctx: Context<'_>) -> Saved<'static> {
    Saved { ctx }
}

#[hpy_method]
fn keep_for_later(ctx: Context<'_>) {
    LATER.with(|l| l.set(Some(ctx)));
}

fn main() {
    let _ = save;
}
