// A borrowed argument cannot be kept after the call either, not even through a clone.
use hpy::prelude::*;
use std::cell::RefCell;

thread_local! {
    static KEEP: RefCell<Option<Handle<'static>>> = const { RefCell::new(None) };
}

#[hpy_method]
fn keep(x: &Handle<'_>) {
    KEEP.with(|k| *k.borrow_mut() = Some(x.clone()));
}

fn main() {}
