// The context cannot be stored in a `static`: it is neither Send nor Sync.
use hpy::prelude::*;
use std::sync::Mutex;

static SAVED: Mutex<Option<Context<'static>>> = Mutex::new(None);

fn main() {}
