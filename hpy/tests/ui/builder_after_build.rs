// A builder is consumed by `build` and `cancel`, so it cannot be used afterwards.
use hpy::prelude::*;
use hpy::TupleBuilder;

fn push_after_build(ctx: Context<'_>) -> HPyResult<()> {
    let mut b = TupleBuilder::new(ctx, 1)?;
    b.push(1)?;
    let t = b.build()?;
    b.push(2)?;
    drop(t);
    Ok(())
}

fn build_after_cancel(ctx: Context<'_>) -> HPyResult<()> {
    let b = TupleBuilder::new(ctx, 0)?;
    b.cancel();
    let _ = b.build()?;
    Ok(())
}

fn main() {}
