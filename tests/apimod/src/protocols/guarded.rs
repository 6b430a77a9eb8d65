//! `Guarded`: `__setattr__`/`__delattr__` hooks that validate, then let `object` do the work.

use hpy::prelude::*;

/// Refuses negative values and deletions; counts the assignments.
#[hpy_class]
pub struct Guarded {
    #[hpy(get, set)]
    value: i64,
    #[hpy(get)]
    sets: i64,
}

#[hpy_methods]
impl Guarded {
    #[new]
    fn new() -> Guarded {
        Guarded { value: 0, sets: 0 }
    }

    fn __setattr__<'ctx>(
        this: &Obj<'ctx, Self>,
        ctx: Context<'ctx>,
        name: &Handle<'ctx>,
        value: &Handle<'ctx>,
    ) -> HPyResult<()> {
        if value.extract::<i64>().is_ok_and(|v| v < 0) {
            return Err(HPyErr::value_error("Guarded values must not be negative"));
        }
        this.borrow_mut()?.sets += 1;
        let setattr = ctx.builtin("object")?.get_attr("__setattr__")?;
        setattr.call((this, name, value))?;
        Ok(())
    }

    fn __delattr__(&self, name: &str) -> HPyResult<()> {
        Err(HPyErr::type_error(format!("cannot delete Guarded.{name}")))
    }
}
