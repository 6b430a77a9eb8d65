//! `InitBase`: a class initialised by `__init__` (no `#[new]`), which Python subclasses extend
//! with `super().__init__(...)`.

use hpy::prelude::*;

/// Two numbers set by `__init__`.
#[hpy_class(subclass, default)]
#[derive(Default)]
pub struct InitBase {
    #[hpy(get)]
    a: i64,
    #[hpy(get)]
    b: i64,
    #[hpy(get)]
    inits: i64,
}

#[hpy_methods]
impl InitBase {
    #[hpy_method(signature = (a, b = 0))]
    fn __init__(&mut self, a: i64, b: i64) -> HPyResult<()> {
        if a < 0 {
            return Err(HPyErr::value_error(
                "InitBase.__init__: a must not be negative",
            ));
        }
        self.a = a;
        self.b = b;
        self.inits += 1;
        Ok(())
    }
}
