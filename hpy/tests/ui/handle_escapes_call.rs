// A handle cannot outlive the call it was made in: storing it in a thread-local that lives
// longer than the call is rejected.
use hpy::prelude::*;
use std::cell::RefCell;

thread_local! {
    static KEEP: RefCell<Option<Handle<'static>>> = const { RefCell::new(None) };
}

#[hpy_method]
fn stash(ctx: Context<'_>) {
    let h = ctx.none();
    KEEP.with(|k| *k.borrow_mut() = Some(h));
}

fn main() {}
