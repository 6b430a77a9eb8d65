// A borrowed `&str` view cannot outlive the handle it was read from.
use hpy::prelude::*;

#[hpy_method]
fn dangling(ctx: Context<'_>) -> HPyResult<usize> {
    let s: &str;
    {
        let h = ctx.to_py("temporary")?;
        s = h.extract()?;
    }
    Ok(s.len())
}

fn main() {}
