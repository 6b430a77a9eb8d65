// A handle kept in a thread_local past its call: the borrow error names the call's lifetime,
// whose name says to keep the object in an hpy::Global.
use hpy::prelude::*;
use std::cell::RefCell;

thread_local! {
    static LAST: RefCell<Option<Handle<'static>>> = const { RefCell::new(None) };
}

#[hpy_method]
fn remember(obj: &Handle<'_>) {
    LAST.with(|l| *l.borrow_mut() = Some(obj.clone()));
}

fn main() {}
