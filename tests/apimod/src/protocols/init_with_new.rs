//! `Both`: a class with `#[new]` and `__init__`, which Python calls one after the other with the
//! same arguments.

use hpy::prelude::*;

/// Records what `#[new]` and `__init__` saw.
#[hpy_class]
pub struct Both {
    #[hpy(get)]
    log: Vec<String>,
}

#[hpy_methods]
impl Both {
    #[new]
    fn new(x: i64) -> Both {
        Both {
            log: vec![format!("new({x})")],
        }
    }

    fn __init__(&mut self, x: i64) {
        self.log.push(format!("init({x})"));
    }
}
