// The context cannot be moved to another thread.
use hpy::prelude::*;

#[hpy_method]
fn spawn(ctx: Context<'_>) {
    std::thread::scope(|s| {
        s.spawn(move || {
            let _ = ctx.none();
        });
    });
}

fn main() {}
