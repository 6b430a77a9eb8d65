//! What PyPy's HPy leaves to the SDK for a class made from a spec: refusing Python subclasses
//! of a class without `HPy_TPFLAGS_BASETYPE`, and arguments to a class whose instances its
//! generic `__new__` makes. Both are Python functions set on the type: the JIT sees through them,
//! so a call pays nothing for them that it would not pay in C.

use crate::{Context, Dict, HPyErr, HPyResult, Handle, SourceKind};

/// `type.__new__` calls the `__init_subclass__` of the new class's first base that has one.
const REFUSE_SUBCLASSES: &str = "\
def __init_subclass__(cls, /, **kwargs):
    raise TypeError(f\"type {_name!r} is not an acceptable base type\")
";

/// In the words of `object.__new__` on CPython for a class without `__init__` or `__new__`;
/// `_new` is the runtime's own `__new__`.
const REFUSE_ARGUMENTS: &str = "\
def __new__(cls, /, *args, **kwargs):
    if args or kwargs:
        raise TypeError(f\"{_name}() takes no arguments\")
    return _new(cls)
";

/// Makes `class Sub(ty)` raise `TypeError`, in CPython's words for a type without
/// `HPy_TPFLAGS_BASETYPE`: `ty` gets a class method `__init_subclass__` that raises. A second
/// base whose own `__init_subclass__` does not call `super()`'s gets past it; that is why
/// [`refuse_subtype_on_pypy`](super::refuse_subtype_on_pypy) still refuses the instances of a
/// class whose instances would crash PyPy. `name` is the type's qualified name.
pub(super) fn refuse_python_subclasses<'ctx>(
    ctx: Context<'ctx>,
    ty: &Handle<'ctx>,
    name: &str,
) -> HPyResult<()> {
    let hook = define(ctx, REFUSE_SUBCLASSES, "__init_subclass__", name, None)?;
    let hook = ctx.builtin("classmethod")?.call((hook,))?;
    ty.set_attr("__init_subclass__", &hook)
}

/// Wraps the `__new__` of `ty`, PyPy's generic one, which takes any arguments, in one that
/// refuses them (`TypeError: name() takes no arguments`), as `object.__new__` does on CPython.
pub(super) fn refuse_arguments<'ctx>(
    ctx: Context<'ctx>,
    ty: &Handle<'ctx>,
    name: &str,
) -> HPyResult<()> {
    let generic = ty.get_attr("__new__")?;
    let new = define(
        ctx,
        REFUSE_ARGUMENTS,
        "__new__",
        name,
        Some(("_new", &generic)),
    )?;
    ty.set_attr("__new__", &ctx.builtin("staticmethod")?.call((new,))?)
}

/// Runs `source`, which defines the function `function` reading the global `_name` (set to
/// `name`) and maybe the global `extra`, and returns the function, its `__qualname__` set to
/// `<class>.<function>`.
fn define<'ctx>(
    ctx: Context<'ctx>,
    source: &str,
    function: &str,
    name: &str,
    extra: Option<(&str, &Handle<'ctx>)>,
) -> HPyResult<Handle<'ctx>> {
    let namespace = Dict::new(ctx)?;
    namespace.set("_name", name)?;
    if let Some((key, value)) = extra {
        namespace.set(key, value)?;
    }
    let code = ctx.compile(source, "<hpy>", SourceKind::File)?;
    ctx.eval_code(&code, &namespace, None)?;
    let f = namespace
        .get(function)?
        .ok_or_else(|| HPyErr::system_error(format!("{function} was not defined")))?;
    let class = name.rsplit('.').next().unwrap_or(name);
    f.set_attr("__qualname__", format!("{class}.{function}").as_str())?;
    Ok(f)
}
