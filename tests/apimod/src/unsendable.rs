//! `#[hpy_class(unsendable)]`: a value that is not `Send`, usable only on its creating thread.

use std::cell::RefCell;
use std::rc::Rc;

use hpy::prelude::*;

/// A counter shared through an `Rc` (not `Send`).
#[hpy_class(unsendable)]
pub struct Local {
    shared: Rc<RefCell<i64>>,
}

#[hpy_methods]
impl Local {
    #[new]
    fn new(start: i64) -> Local {
        Local {
            shared: Rc::new(RefCell::new(start)),
        }
    }

    /// Adds one and returns the new value.
    fn bump(&self) -> i64 {
        let mut v = self.shared.borrow_mut();
        *v += 1;
        *v
    }

    /// How many `Rc`s share the counter.
    fn owners(&self) -> usize {
        Rc::strong_count(&self.shared)
    }
}
