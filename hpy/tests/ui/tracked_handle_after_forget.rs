// A handle given to a tracker is owned by it; the handles come back only through into_handles.
use hpy::prelude::*;
use hpy::Tracker;

fn use_after_add(ctx: Context<'_>) -> HPyResult<()> {
    let mut t = Tracker::new(ctx, 1)?;
    let h = ctx.none();
    t.add(h)?;
    let _ = h.is_none();
    Ok(())
}

fn main() {}
