//! `Record`: class attributes (`#[classattr]`), `__match_args__` for `match` statements, and
//! `Record[T]` (`#[hpy_class(generic)]`).

use hpy::prelude::*;

/// A named value.
#[hpy_class(generic)]
pub struct Record {
    #[hpy(get)]
    name: String,
    #[hpy(get)]
    value: i64,
}

#[hpy_methods]
impl Record {
    #[new]
    fn new(name: String, value: i64) -> Record {
        Record { name, value }
    }

    /// The positional patterns of `case Record(name, value)`.
    #[classattr]
    fn __match_args__() -> (&'static str, &'static str) {
        ("name", "value")
    }

    #[classattr]
    fn DEFAULT_VALUE() -> i64 {
        42
    }

    #[classattr]
    fn KINDS(ctx: Context<'_>) -> HPyResult<Handle<'_>> {
        ctx.to_py(vec!["a", "b"])
    }
}
