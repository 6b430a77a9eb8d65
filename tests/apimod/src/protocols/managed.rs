//! `Managed`: a context manager (`__enter__`/`__exit__`) and a descriptor (`__get__`/`__set__`,
//! `__set_name__`).

use hpy::prelude::*;

/// Counts `with` blocks; as a class attribute, a descriptor that reports its accesses.
#[hpy_class]
pub struct Managed {
    #[hpy(get)]
    entered: i64,
    #[hpy(get)]
    exited: i64,
    #[hpy(get)]
    last_exc: Option<String>,
    #[hpy(get)]
    stored: i64,
    /// The attribute name `__set_name__` was given (`None` outside a class body).
    #[hpy(get)]
    attr_name: Option<String>,
}

#[hpy_methods]
impl Managed {
    #[new]
    fn new() -> Managed {
        Managed {
            entered: 0,
            exited: 0,
            last_exc: None,
            stored: 0,
            attr_name: None,
        }
    }

    fn __enter__<'ctx>(this: &Obj<'ctx, Self>) -> HPyResult<Obj<'ctx, Self>> {
        this.borrow_mut()?.entered += 1;
        Ok(this.clone())
    }

    /// Swallows ValueError, lets anything else through.
    fn __exit__(
        &mut self,
        ty: &Handle<'_>,
        _value: &Handle<'_>,
        _tb: &Handle<'_>,
    ) -> HPyResult<bool> {
        self.exited += 1;
        if ty.is_none() {
            self.last_exc = None;
            return Ok(false);
        }
        let name: String = ty.get_attr("__name__")?.extract()?;
        let swallow = name == "ValueError";
        self.last_exc = Some(name);
        Ok(swallow)
    }

    fn __get__(&self, obj: &Handle<'_>, _owner: &Handle<'_>) -> String {
        if obj.is_none() {
            "from the class".to_owned()
        } else {
            format!("from a {}", obj.type_name())
        }
    }

    fn __set__(&mut self, _obj: &Handle<'_>, value: i64) {
        self.stored = value;
    }

    /// Called by `type` when the class body that holds the descriptor is executed.
    fn __set_name__(&mut self, owner: &Handle<'_>, name: String) -> HPyResult<()> {
        let owner: String = owner.get_attr("__name__")?.extract()?;
        self.attr_name = Some(format!("{owner}.{name}"));
        Ok(())
    }
}
