// The memory of a `BufferVec` reached from Rust cannot outlive the vector or its borrow: a
// mutable slice dies with the vector, the cells of `with_cells` cannot leave the closure, and
// cannot be sent to code running without the GIL.
use hpy::prelude::*;
use hpy::BufferVec;

fn slice_outlives_vector() -> HPyResult<f64> {
    let s: &mut [f64];
    {
        let mut v = BufferVec::from(vec![1.0, 2.0]);
        s = v.as_mut_slice()?;
    }
    Ok(s[0])
}

fn cells_escape(ctx: Context<'_>, v: &BufferVec<f64>) -> f64 {
    let mut kept = None;
    v.with_cells(ctx, |cells| kept = Some(cells));
    kept.map_or(0.0, |c| c[0].get())
}

fn cells_without_the_gil(ctx: Context<'_>, v: &BufferVec<f64>) -> f64 {
    v.with_cells(ctx, |cells| ctx.allow_threads(|| cells[0].get()))
}

fn main() {
    let _ = (slice_outlives_vector, cells_escape, cells_without_the_gil);
}
