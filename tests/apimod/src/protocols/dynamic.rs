//! `Dynamic`: attributes computed by `__getattr__` when normal lookup fails.

use hpy::prelude::*;

/// Answers any attribute starting with "x".
#[hpy_class]
pub struct Dynamic {
    #[hpy(get)]
    misses: i64,
}

#[hpy_methods]
impl Dynamic {
    #[new]
    fn new() -> Dynamic {
        Dynamic { misses: 0 }
    }

    fn __getattr__(&mut self, name: &str) -> HPyResult<String> {
        self.misses += 1;
        if name.starts_with('x') {
            Ok(format!("dynamic {name}"))
        } else {
            Err(HPyErr::new(
                ExceptionType::AttributeError,
                format!("'Dynamic' object has no attribute '{name}'"),
            ))
        }
    }

    fn plain(&self) -> &'static str {
        "a normal method"
    }
}
