// A function, exec hook or class that no #[hpy_module] adds is reported (here as an error, through
// `deny`; by default a warning) by a name that says what to write.
#![deny(dead_code)]

mod parts {
    use hpy::prelude::*;

    #[hpy_method]
    pub fn forgotten(x: i64) -> i64 {
        x
    }

    #[hpy_exec]
    pub fn forgotten_hook(_ctx: Context<'_>, _module: &Handle<'_>) -> HPyResult<()> {
        Ok(())
    }

    #[hpy_class]
    pub struct Forgotten {}

    #[hpy_class]
    pub struct Exported {}

    #[hpy_method]
    pub fn exported(x: i64) -> i64 {
        x
    }
}

#[hpy::hpy_module]
mod m {
    #[hpy_export]
    use crate::parts::{exported, Exported};
}

fn main() {}
