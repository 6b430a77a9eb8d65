//! What PyPy's HPy leaves to the SDK for a class made from a spec: refusing Python subclasses
//! of a class without `HPy_TPFLAGS_BASETYPE`, and those of a `subclass` class it cannot host;
//! arguments to a class whose instances its generic `__new__` makes; pickling an object whose
//! state it cannot see. Each is a Python function set on the type: the JIT sees through them, so
//! a call pays nothing for them that it would not pay in C.

use crate::{Context, Dict, HPyErr, HPyResult, Handle, SourceKind};

/// `type.__new__` calls the `__init_subclass__` of the new class's first base that has one.
/// `_hpy_layout` marks the SDK's classes (each has one of these hooks).
const REFUSE_SUBCLASSES: &str = "\
def __init_subclass__(cls, /, **kwargs):
    raise TypeError(f\"type {_name!r} is not an acceptable base type\")
__init_subclass__._hpy_layout = True
";

/// The `__init_subclass__` of a `subclass` class (`_type`): refuses what PyPy's HPy accepts and
/// cannot run, then lets the other bases' hooks run.
const CHECK_SUBCLASSES: &str = "\
def __init_subclass__(cls, /, **kwargs):
    for k in cls.__mro__:
        if k is _type:
            continue
        hook = getattr(vars(k).get(\"__init_subclass__\"), \"__func__\", None)
        if getattr(hook, \"_hpy_layout\", False):
            raise TypeError(f\"{cls.__qualname__}: {_name!r} and '{k.__module__}.{k.__qualname__}' cannot both be bases: their instance data would overlap (PyPy's HPy does not refuse it)\")
        if \"__del__\" in vars(k):
            raise TypeError(f\"{cls.__qualname__}: a subclass of {_name!r} cannot have __del__ on PyPy (its HPy aborts the process when it finalizes such an instance)\")
    super(_type, cls).__init_subclass__(**kwargs)
__init_subclass__._hpy_layout = True
";

/// `object.__reduce_ex__` on CPython refuses an object whose type has instance data and no
/// pickling methods; PyPy's pickles it as if it had none, and `copy` or `pickle.loads` then make
/// an instance with the default value (or fail in `__new__`).
const REFUSE_PICKLING: &str = "\
def __reduce_ex__(self, protocol, /):
    t = type(self)
    if t.__reduce__ is not object.__reduce__ or t.__getstate__ is not object.__getstate__:
        return object.__reduce_ex__(self, protocol)
    raise TypeError(f\"cannot pickle {_name if t is _type else t.__name__!r} object\")
";

/// In the words of `object.__init__` on CPython for a class without `__init__` or `__new__`.
/// (An `__init__`, not a wrapper of the runtime's `__new__`: the JIT sees through it at no cost,
/// where a Python `__new__` costs `Foo()` a tenth more instructions.)
const REFUSE_ARGUMENTS: &str = "\
def __init__(self, /, *args, **kwargs):
    if args or kwargs:
        raise TypeError(f\"{_name}() takes no arguments\")
";

/// Makes `class Sub(ty)` raise `TypeError`, in CPython's words for a type without
/// `HPy_TPFLAGS_BASETYPE`: `ty` gets a class method `__init_subclass__` that raises. A second
/// base whose own `__init_subclass__` does not call `super()`'s gets past it; that is why
/// [`check_new_type_on_pypy`](super::check_new_type_on_pypy) still refuses the instances of a
/// class whose instances would crash PyPy. `name` is the type's qualified name.
pub(super) fn refuse_python_subclasses<'ctx>(
    ctx: Context<'ctx>,
    ty: &Handle<'ctx>,
    name: &str,
) -> HPyResult<()> {
    install(ctx, ty, name, REFUSE_SUBCLASSES, "__init_subclass__", true)
}

/// Gives the `subclass` class `ty` an `__init_subclass__` that refuses, in the class statement, a
/// Python subclass PyPy's HPy would accept but cannot host: one with another of the SDK's classes
/// as a base (the two structs would overlap; CPython refuses the layout conflict), or with a
/// `__del__` (PyPy's HPy aborts the process when it finalizes such an instance).
pub(super) fn check_python_subclasses<'ctx>(
    ctx: Context<'ctx>,
    ty: &Handle<'ctx>,
    name: &str,
) -> HPyResult<()> {
    install(ctx, ty, name, CHECK_SUBCLASSES, "__init_subclass__", true)
}

/// Gives `ty`, a class without pickling methods, a `__reduce_ex__` that raises CPython's
/// `TypeError: cannot pickle 'Name' object` (unless a Python subclass defines `__reduce__` or
/// `__getstate__`).
pub(super) fn refuse_pickling<'ctx>(
    ctx: Context<'ctx>,
    ty: &Handle<'ctx>,
    name: &str,
) -> HPyResult<()> {
    install(ctx, ty, name, REFUSE_PICKLING, "__reduce_ex__", false)
}

/// Gives `ty`, whose instances PyPy's generic `__new__` makes (which takes any arguments), an
/// `__init__` that refuses them (`TypeError: name() takes no arguments`), as `object.__new__`
/// does on CPython. `ty.__new__(ty, 1)` called directly still takes them, as for a C type there.
pub(super) fn refuse_arguments<'ctx>(
    ctx: Context<'ctx>,
    ty: &Handle<'ctx>,
    name: &str,
) -> HPyResult<()> {
    install(ctx, ty, name, REFUSE_ARGUMENTS, "__init__", false)
}

/// Runs `source`, which defines the function `function` reading the globals `_name` (`name`, the
/// type's qualified name) and `_type` (`ty`), and sets it on `ty` under its own name, as a class
/// method if `class_method`; its `__qualname__` is `<class>.<function>`.
fn install<'ctx>(
    ctx: Context<'ctx>,
    ty: &Handle<'ctx>,
    name: &str,
    source: &str,
    function: &str,
    class_method: bool,
) -> HPyResult<()> {
    let namespace = Dict::new(ctx)?;
    namespace.set("_name", name)?;
    namespace.set("_type", ty)?;
    let code = ctx.compile(source, "<hpy>", SourceKind::File)?;
    ctx.eval_code(&code, &namespace, None)?;
    let f = namespace
        .get(function)?
        .ok_or_else(|| HPyErr::system_error(format!("{function} was not defined")))?;
    let class = name.rsplit('.').next().unwrap_or(name);
    f.set_attr("__qualname__", format!("{class}.{function}").as_str())?;
    if class_method {
        ty.set_attr(function, &ctx.builtin("classmethod")?.call((f,))?)
    } else {
        ty.set_attr(function, &f)
    }
}

/// Stand-ins for the getter and setter of a property without one, raising what CPython's getset
/// descriptor of the SDK raises (`_name` is the property's name, `_class` the class's).
const MISSING_ACCESSORS: &str = "\
def _check(obj):
    if not isinstance(obj, _type):
        raise TypeError(f\"descriptor {_name!r} for {_class!r} objects doesn't apply to a {type(obj).__name__!r} object\")
def fget(obj, /):
    _check(obj)
    raise AttributeError(f\"attribute {_name!r} of {type(obj).__name__!r} objects is not readable\")
def fset(obj, value=None, /):
    _check(obj)
    raise AttributeError(f\"attribute {_name!r} of {type(obj).__name__!r} objects is not writable\")
";

/// Sets on `ty` (the class `class`) a `property` for each of `properties`, calling the methods
/// the type was made with instead of the getset (see `property.rs`). The methods are bound to an
/// instance that only holds them (made with `HPy_New`, without a value), so that the instance
/// whose attribute is used is an argument, type-checked by the SDK with CPython's message; they
/// are then removed from the type. `del obj.attr` calls the setter with the instance alone.
pub(super) fn install_properties<'ctx>(
    ctx: Context<'ctx>,
    ty: &Handle<'ctx>,
    class: &str,
    properties: &[&super::property::Property],
) -> HPyResult<()> {
    if properties.is_empty() {
        return Ok(());
    }
    let mut data: *mut core::ffi::c_void = core::ptr::null_mut();
    // SAFETY: `ty` is the class's open type; `HPy_New` writes the address of the zeroed struct,
    // whose state (0) says no value is stored: the holder is never used as an instance.
    let holder = unsafe { ctx.own(call!(ctx, ctx_New, ty.as_raw(), &raw mut data))? };
    let property = ctx.builtin("property")?;
    for p in properties {
        let name = p.name();
        let mut missing = None;
        let mut accessor = |which: &str, present: bool| -> HPyResult<Handle<'ctx>> {
            if present {
                let method_name = p.method_name(which);
                let method = holder.get_attr(method_name.as_str())?;
                ty.del_attr(method_name.as_str())?;
                return Ok(method);
            }
            if missing.is_none() {
                let namespace = Dict::new(ctx)?;
                namespace.set("_name", name)?;
                namespace.set("_class", class)?;
                namespace.set("_type", ty)?;
                let code = ctx.compile(MISSING_ACCESSORS, "<hpy>", SourceKind::File)?;
                ctx.eval_code(&code, &namespace, None)?;
                missing = Some(namespace);
            }
            let namespace = missing.as_ref().expect("set above");
            namespace
                .get(format!("f{which}").as_str())?
                .ok_or_else(|| HPyErr::system_error("the missing accessors were not defined"))
        };
        let fget = accessor("get", p.get_method.is_some())?;
        let fset = accessor("set", p.set_method.is_some())?;
        let doc = match p.doc() {
            Some(d) => ctx.to_py(d)?,
            None => ctx.none(),
        };
        let descriptor = property.call((&fget, &fset, &fset, &doc))?;
        ty.set_attr(name, &descriptor)?;
    }
    Ok(())
}
