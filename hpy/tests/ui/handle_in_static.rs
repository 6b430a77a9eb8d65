// Handles are tied to one thread's call: they cannot go into a `static` (which must be Sync).
use hpy::prelude::*;
use std::sync::Mutex;

static CACHE: Mutex<Option<Handle<'static>>> = Mutex::new(None);

fn main() {}
