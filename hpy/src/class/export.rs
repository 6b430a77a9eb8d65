//! Making the type object of an `#[hpy_class]` when its module is created.

use core::ffi::CStr;
use core::marker::PhantomData;
use std::sync::OnceLock;

use super::layout::basic_size;
use super::property::Property;
use super::HPyClass;
use crate::sys;
use crate::types::builtin_types::BuiltinShape;
use crate::{Context, Global, HPyErr, HPyResult, Handle};

/// What `#[hpy_class]` says about a class.
#[doc(hidden)]
pub struct ClassSpec {
    /// The Python name (without module).
    pub name: &'static CStr,
    /// `__doc__`.
    pub doc: Option<&'static CStr>,
    /// The built-in the class extends.
    pub shape: BuiltinShape,
    /// Whether Python code may subclass it (`HPy_TPFLAGS_BASETYPE`).
    pub subclass: bool,
    /// Offsets of the `Field` members in the struct.
    pub field_offsets: &'static [usize],
    /// Without `#[new]`, `Type()` makes an empty instance (`object.__new__` on CPython,
    /// `HPyType_GenericNew` elsewhere) that gets `Default::default()` on first use; otherwise it
    /// raises `TypeError`. Either way arguments are refused (`TypeError`), as `object()` does.
    pub generic_new: bool,
    /// `Class[...]` makes a `types.GenericAlias` (`#[hpy_class(generic)]`).
    pub generic: bool,
    /// The value is not `Send` (`#[hpy_class(unsendable)]`): it may only be used, and is only
    /// dropped, on the thread that stored it.
    pub unsendable: bool,
}

impl ClassSpec {
    pub(crate) fn py_name(&self) -> &'static str {
        self.name.to_str().unwrap_or("?")
    }
}

/// The spec and definitions handed to `HPyType_FromSpec`; the runtime keeps pointers into them,
/// so they are built once and kept for the life of the process.
// The definitions are boxed so that the addresses in `_defines` stay put.
#[allow(clippy::vec_box)]
struct Built {
    spec: sys::HPyType_Spec,
    _name: std::ffi::CString,
    _doc: Option<std::ffi::CString>,
    _own_defs: Vec<Box<sys::HPyDef>>,
    _defines: Vec<*mut sys::HPyDef>,
    /// The names of the methods made on PyPy from the properties' getters and setters.
    _method_names: Vec<std::ffi::CString>,
}

// SAFETY: `Built` is written once (inside `OnceLock`) and then only read, by the runtime.
unsafe impl Send for Built {}
// SAFETY: as above.
unsafe impl Sync for Built {}

/// The hidden `static` that `#[hpy_class]` generates next to the struct: it holds the type object
/// in a [`Global`] and makes it when a module that adds the class is created.
pub struct ClassExport<T> {
    global: Global,
    built: OnceLock<Built>,
    _t: PhantomData<fn() -> T>,
}

impl<T: HPyClass> ClassExport<T> {
    #[doc(hidden)]
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        ClassExport {
            global: Global::new(),
            built: OnceLock::new(),
            _t: PhantomData,
        }
    }

    /// The global the module definition lists.
    #[doc(hidden)]
    pub const fn as_ptr(&self) -> *mut sys::HPyGlobal {
        self.global.as_ptr()
    }

    /// The class's type object; `TypeError` if no module that adds it has been created yet.
    pub fn type_object<'ctx>(&self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        self.global.get(ctx).ok_or_else(|| {
            if let Some(why) = crate::ffi::runtime::no_classes() {
                return HPyErr::new(
                    crate::ExceptionType::NotImplementedError,
                    format!("the class {}: {why}", T::SPEC.py_name()),
                );
            }
            if Self::left_out() {
                return HPyErr::new(
                    crate::ExceptionType::NotImplementedError,
                    format!(
                        "the class {} extends a built-in type, which this runtime's HPy does not support",
                        T::SPEC.py_name()
                    ),
                );
            }
            HPyErr::type_error(format!(
                "the class {} has not been added to a module yet",
                T::SPEC.py_name()
            ))
        })
    }

    /// Whether this runtime cannot host the class, which is then left out of the module
    /// (`type_object` says why): PyPy 3.11's HPy passes no usable `self` to the methods and
    /// properties of a class that extends a built-in, and has no accessors for its struct.
    fn left_out() -> bool {
        T::SPEC.shape != BuiltinShape::Object && !crate::ffi::runtime::is_cpython()
    }

    /// Whether the type keeps its base's `__new__` (else it gets `no_new`, unless it has a
    /// `#[new]`). A class extending a built-in does. So does an `#[hpy_class(default)]`, whose
    /// base's `__new__` makes the same zeroed instance (its value made on first use) without
    /// entering the module: on CPython `object.__new__`, which refuses arguments as for a C type
    /// without `tp_new`; on PyPy the runtime's own, which takes any, so the SDK adds an
    /// `__init__` refusing them. Not on PyPy when an instance of a Python subclass (which PyPy's
    /// HPy lets be made) could crash the process: there `no_new` refuses such instances.
    fn inherits_new() -> bool {
        T::SPEC.shape != BuiltinShape::Object
            || (T::SPEC.generic_new
                && (crate::ffi::runtime::is_cpython()
                    || crate::class::subclass_instances_harmless::<T>()))
    }

    /// The spec, made on first use; `module` qualifies the type's name (`module.Name`), which
    /// gives the type its `__module__`.
    fn build(&self, module: &str) -> &Built {
        self.built.get_or_init(|| {
            let name = std::ffi::CString::new(format!("{module}.{}", T::SPEC.py_name()))
                .unwrap_or_else(|_| T::SPEC.name.to_owned());
            let defs = T::methods();
            let mut own: Vec<Box<sys::HPyDef>> = Vec::new();
            // In the CPython ABI this definition is the type's whole `tp_dealloc`.
            if core::mem::needs_drop::<T>() || cfg!(feature = "cpython-abi") {
                own.push(Box::new((defs.lifecycle.destroy)()));
            }
            if !T::SPEC.field_offsets.is_empty() {
                own.push(Box::new((defs.lifecycle.traverse)()));
            }
            if !defs.has_new && !Self::inherits_new() {
                own.push(Box::new((defs.lifecycle.no_new)()));
            }
            let cpython = crate::ffi::runtime::is_cpython();
            // PyPy's HPy leaves a method's `name(...)\n--\n\n` header in its `__doc__`: there,
            // methods get a copy of their definition whose doc starts after the header. And it
            // drops the errors of a getset's getter and setter: there, each property becomes
            // methods, and `add_to_module` sets a `property` calling them (see `property.rs`).
            let mut methods = Vec::new();
            let mut method_names = Vec::new();
            for d in T::member_defines().iter().chain(defs.defines) {
                if let Some(p) = (!cpython).then(|| Property::of(d)).flatten() {
                    for (which, def) in [("get", p.get_method), ("set", p.set_method)] {
                        let Some(mut def) = def else { continue };
                        let name = std::ffi::CString::new(p.method_name(which))
                            .unwrap_or_else(|_| c"__hpy_property".to_owned());
                        // The property's methods are method definitions; the name is kept
                        // with them (`_method_names`).
                        def.__bindgen_anon_1.meth.name = name.as_ptr();
                        method_names.push(name);
                        own.push(Box::new(def));
                    }
                    continue;
                }
                match (!cpython).then(|| without_header(d.get())).flatten() {
                    Some(copy) => own.push(Box::new(copy)),
                    None => methods.push(d.get()),
                }
            }
            let mut defines: Vec<*mut sys::HPyDef> =
                own.iter_mut().map(|d| &mut **d as *mut _).collect();
            defines.extend(methods);
            if !cpython {
                // PyPy's HPy makes only `__add__` and the like from the binary slots.
                defines.extend(defs.reflected.iter().map(|d| d.get()));
            }
            defines.push(core::ptr::null_mut());
            let doc = class_doc(T::SPEC.py_name(), T::SPEC.doc, defs.new_doc, cpython);
            let mut flags = sys::HPy_TPFLAGS_DEFAULT as core::ffi::c_ulong;
            if T::SPEC.subclass {
                flags |= sys::HPy_TPFLAGS_BASETYPE as core::ffi::c_ulong;
            }
            if !T::SPEC.field_offsets.is_empty() {
                flags |= sys::HPy_TPFLAGS_HAVE_GC as core::ffi::c_ulong;
            }
            let spec = sys::HPyType_Spec {
                name: name.as_ptr(),
                basicsize: basic_size::<T>() as core::ffi::c_int,
                itemsize: 0,
                flags,
                builtin_shape: shape_code(T::SPEC.shape),
                legacy_slots: core::ptr::null_mut(),
                defines: defines.as_mut_ptr(),
                doc: doc.as_ref().map_or(core::ptr::null(), |d| d.as_ptr()),
            };
            Built {
                spec,
                _name: name,
                _doc: doc,
                _own_defs: own,
                _defines: defines,
                _method_names: method_names,
            }
        })
    }

    /// `HPyType_FromSpec`, with the built-in base for a class that extends one.
    fn make_type<'ctx>(&self, ctx: Context<'ctx>, module: &str) -> HPyResult<Handle<'ctx>> {
        let built = self.build(module);
        let base = match T::SPEC.shape {
            BuiltinShape::Object | BuiltinShape::Legacy => None,
            BuiltinShape::Type => Some(crate::BuiltinType::Type),
            BuiltinShape::Int => Some(crate::BuiltinType::Int),
            BuiltinShape::Float => Some(crate::BuiltinType::Float),
            BuiltinShape::Str => Some(crate::BuiltinType::Str),
            BuiltinShape::Tuple => Some(crate::BuiltinType::Tuple),
            BuiltinShape::List => Some(crate::BuiltinType::List),
        }
        .map(|b| ctx.builtin_type(b));
        let mut params = [
            sys::HPyType_SpecParam {
                kind: sys::HPyType_SpecParam_Kind_HPyType_SpecParam_Base,
                object: crate::handle::raw_or_null(base.as_ref()),
            },
            sys::HPyType_SpecParam {
                kind: 0,
                object: sys::HPy_NULL,
            },
        ];
        let params_ptr = if base.is_some() {
            params.as_mut_ptr()
        } else {
            core::ptr::null_mut()
        };
        // SAFETY: the spec and everything it points to live for the rest of the process; the
        // params array is terminated and its handle is open.
        unsafe {
            ctx.own(call!(
                ctx,
                ctx_Type_FromSpec,
                (&raw const built.spec).cast_mut(),
                params_ptr
            ))
        }
    }
}

/// The text after a `name(...)\n--\n\n` header, or the whole doc without one.
fn split_header(doc: &str) -> (Option<&str>, &str) {
    match doc.split_once("\n--\n\n") {
        Some((header, rest)) if header.contains('(') && !header.contains('\n') => {
            (Some(header), rest)
        }
        _ => (None, doc),
    }
}

/// The class's doc: the struct's doc comment, then `#[new]`'s. On CPython it starts with the
/// `Name(signature)\n--\n\n` header of `#[new]`, from which CPython makes the class's
/// `__text_signature__` (and so `inspect.signature`) and which it leaves out of `__doc__`.
/// PyPy's HPy would keep the header in `__doc__`, and its `inspect` ignores text signatures of
/// built-in types, so there the doc has no header.
fn class_doc(
    py_name: &str,
    struct_doc: Option<&CStr>,
    new_doc: Option<&CStr>,
    cpython: bool,
) -> Option<std::ffi::CString> {
    let (signature, new_text) = match new_doc.and_then(|d| d.to_str().ok()) {
        Some(d) => match split_header(d) {
            (Some(header), rest) => (header.find('(').map(|i| &header[i..]), rest),
            (None, rest) => (None, rest),
        },
        None => (None, ""),
    };
    let struct_text = struct_doc.and_then(|d| d.to_str().ok()).unwrap_or("");
    let body: Vec<&str> = [struct_text, new_text]
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect();
    let body = body.join("\n\n");
    let doc = match signature {
        Some(sig) if cpython => format!("{py_name}{sig}\n--\n\n{body}"),
        _ if body.is_empty() => return None,
        _ => body,
    };
    std::ffi::CString::new(doc).ok()
}

/// A copy of the method definition `def` whose doc starts after its signature header, or `None`
/// for another kind of definition or a doc without a header.
fn without_header(def: *mut sys::HPyDef) -> Option<sys::HPyDef> {
    // SAFETY: `def` points to a `StaticDef`'s definition, which lives for the process.
    let mut copy = unsafe { *def };
    if copy.kind != sys::HPyDef_Kind::HPyDef_Kind_Meth {
        return None;
    }
    // SAFETY: the kind says the union holds a method.
    let meth = unsafe { &mut copy.__bindgen_anon_1.meth };
    if meth.doc.is_null() {
        return None;
    }
    // SAFETY: a method's doc is a NUL-terminated static string (made by the macros).
    let doc = unsafe { CStr::from_ptr(meth.doc) }.to_str().ok()?;
    let (Some(_), rest) = split_header(doc) else {
        return None;
    };
    // SAFETY: `rest` is a suffix of the doc, so it ends with the same NUL and lives as long.
    meth.doc = unsafe { meth.doc.add(doc.len() - rest.len()) };
    Some(copy)
}

/// HPy's code of a builtin shape.
pub(crate) fn shape_code(shape: BuiltinShape) -> sys::HPyType_BuiltinShape {
    match shape {
        BuiltinShape::Legacy => -1,
        BuiltinShape::Object => 0,
        BuiltinShape::Type => 1,
        BuiltinShape::Int => 2,
        BuiltinShape::Float => 3,
        BuiltinShape::Str => 4,
        BuiltinShape::Tuple => 5,
        BuiltinShape::List => 6,
    }
}

/// The `static` that `#[hpy_class]` gives the struct's name (in the value namespace), which
/// `#[hpy_export] use` and `#[hpy_module]` name to add the class to a module: a reference to the
/// class's [`ClassExport`]. Only a module uses it, so when no module adds the class, rustc's
/// dead-code lint reports it, next to a constant whose name says what to write.
pub struct ClassRef<T: 'static>(&'static ClassExport<T>);

impl<T: HPyClass> ClassRef<T> {
    #[doc(hidden)]
    pub const fn new(export: &'static ClassExport<T>) -> Self {
        ClassRef(export)
    }

    /// The global the module definition lists.
    #[doc(hidden)]
    pub const fn as_ptr(&self) -> *mut sys::HPyGlobal {
        self.0.as_ptr()
    }

    /// The class's type object; `TypeError` if no module that adds it has been created yet.
    pub fn type_object<'ctx>(&self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        self.0.type_object(ctx)
    }
}

impl<T: HPyClass> ModuleItem for ClassRef<T> {
    fn add_to_module<'ctx>(
        &'static self,
        ctx: Context<'ctx>,
        module: &Handle<'ctx>,
    ) -> HPyResult<()> {
        self.0.add_to_module(ctx, module)
    }
}

/// Something `#[hpy_export] use` can name with an upper-case name: a [`Global`] or a class.
#[doc(hidden)]
pub trait ModuleItem {
    /// Runs while the module is created.
    fn add_to_module<'ctx>(
        &'static self,
        ctx: Context<'ctx>,
        module: &Handle<'ctx>,
    ) -> HPyResult<()>;
}

impl ModuleItem for Global {
    fn add_to_module<'ctx>(
        &'static self,
        _ctx: Context<'ctx>,
        _module: &Handle<'ctx>,
    ) -> HPyResult<()> {
        Ok(())
    }
}

impl<T: HPyClass> ModuleItem for ClassExport<T> {
    fn add_to_module<'ctx>(
        &'static self,
        ctx: Context<'ctx>,
        module: &Handle<'ctx>,
    ) -> HPyResult<()> {
        if Self::left_out() {
            return Ok(());
        }
        let name = module.get_attr("__name__")?;
        if let Some(why) = crate::ffi::runtime::no_classes() {
            return refuse_class(ctx, module, T::SPEC.py_name(), why);
        }
        let module_name = name.extract::<&str>()?;
        let ty = self.make_type(ctx, module_name)?;
        let defs = T::methods();
        if !crate::ffi::runtime::is_cpython() {
            let qualified = format!("{module_name}.{}", T::SPEC.py_name());
            if T::SPEC.subclass {
                super::pypy::check_python_subclasses(ctx, &ty, &qualified)?;
            } else {
                super::pypy::refuse_python_subclasses(ctx, &ty, &qualified)?;
            }
            if Self::inherits_new() && T::SPEC.shape == BuiltinShape::Object && !defs.has_init {
                super::pypy::refuse_arguments(ctx, &ty, &qualified)?;
            }
            if !method_names(defs.defines).any(|m| PICKLING.contains(&m)) {
                super::pypy::refuse_pickling(ctx, &ty, &qualified)?;
            }
            let properties: Vec<&Property> = T::member_defines()
                .iter()
                .chain(defs.defines)
                .filter_map(|d| Property::of(d))
                .collect();
            super::pypy::install_properties(ctx, &ty, T::SPEC.py_name(), &properties)?;
        }
        if crate::ffi::runtime::is_cpython() {
            enable_named_slots(&ty, defs.defines)?;
        }
        if !defs.statics.is_empty() {
            make_statics::<T>(ctx, &ty, defs.statics)?;
        }
        for attr in defs.class_attrs {
            ty.set_attr(attr.name, &(attr.make)(ctx)?)?;
        }
        if T::SPEC.generic {
            // `Class[int]` is a `types.GenericAlias`, as for a generic class in Python.
            let types = ctx.import("types")?;
            let classmethod = ctx.builtin("classmethod")?;
            let alias = classmethod.call((types.get_attr("GenericAlias")?,))?;
            ty.set_attr("__class_getitem__", &alias)?;
        }
        self.global.set(ctx, &ty)?;
        module.set_attr(T::SPEC.py_name(), &ty)
    }
}

/// Special methods that CPython calls through a slot of the type (`tp_iter`, `tp_iternext`,
/// `tp_descr_get`, `tp_descr_set`, `tp_getattro`, `tp_setattro`) but HPy 0.9 has no slot for: `#[hpy_methods]`
/// makes them ordinary methods, which PyPy finds by name.
const NAMED_SLOTS: &[&CStr] = &[
    c"__iter__",
    c"__next__",
    c"__get__",
    c"__set__",
    c"__delete__",
    c"__getattr__",
    c"__setattr__",
    c"__delattr__",
];

/// The methods that let `pickle` and `copy` save an object's state.
const PICKLING: &[&CStr] = &[
    c"__reduce__",
    c"__reduce_ex__",
    c"__getstate__",
    c"__getnewargs__",
    c"__getnewargs_ex__",
];

/// The names of the methods among `defines`.
fn method_names<'a>(
    defines: &'a [&'static crate::ffi::def::StaticDef],
) -> impl Iterator<Item = &'static CStr> + 'a {
    defines.iter().filter_map(|d| {
        // SAFETY: `d` is a `StaticDef`'s definition, which lives for the process.
        let def = unsafe { &*d.get() };
        // SAFETY: the kind says the union holds a method, whose name is a static C string.
        (def.kind == sys::HPyDef_Kind::HPyDef_Kind_Meth)
            .then(|| unsafe { CStr::from_ptr(def.__bindgen_anon_1.meth.name) })
    })
}

/// On CPython, a type made from a spec does not fill its slots from the methods it has; setting
/// such a method again on the type does (as for a class statement), so that `iter(x)` and
/// `next(x)` call `__iter__` and `__next__`.
fn enable_named_slots(
    ty: &Handle<'_>,
    defines: &[&'static crate::ffi::def::StaticDef],
) -> HPyResult<()> {
    for name in method_names(defines) {
        if NAMED_SLOTS.contains(&name) {
            let name = name.to_str().unwrap_or_default();
            let method = ty.get_attr(name)?;
            ty.set_attr(name, &method)?;
        }
    }
    Ok(())
}

/// HPy 0.9 has no static or class methods: each is made a method of the type, bound to an
/// instance that holds no value (made by `HPy_New`, never initialised, so never dropped), and that
/// bound method is wrapped in `staticmethod` (the instance is ignored) or `classmethod` (the class
/// comes as the first argument).
fn make_statics<'ctx, T: HPyClass>(
    ctx: Context<'ctx>,
    ty: &Handle<'ctx>,
    statics: &[(&'static CStr, bool)],
) -> HPyResult<()> {
    if T::SPEC.shape != BuiltinShape::Object {
        return Err(HPyErr::type_error(format!(
            "{}: static and class methods need a class that does not extend a built-in",
            T::SPEC.py_name()
        )));
    }
    let mut data: *mut core::ffi::c_void = core::ptr::null_mut();
    // SAFETY: `ty` is the class's open type; `HPy_New` writes the address of the zeroed struct,
    // whose state (0) says no value is stored.
    let holder = unsafe { ctx.own(call!(ctx, ctx_New, ty.as_raw(), &raw mut data))? };
    let (staticmethod, classmethod) = (ctx.builtin("staticmethod")?, ctx.builtin("classmethod")?);
    for (name, is_class) in statics {
        let name = name.to_str().unwrap_or_default();
        let bound = holder.get_attr(name)?;
        let wrapper = if *is_class {
            &classmethod
        } else {
            &staticmethod
        };
        ty.set_attr(name, &wrapper.call((bound,))?)?;
    }
    Ok(())
}

/// Python code that makes a module refuse, by name, the classes this runtime cannot host: a
/// module `__getattr__` (PEP 562) raising `AttributeError` with the reason, for the names in
/// `__hpy_refused__`.
///
/// The errors carry `obj=None`: otherwise CPython records the module as the error's `obj`, and an
/// exec hook failing with it would keep the module alive after HPy 0.9.0's runtime has freed the
/// module's definition, which the next garbage collection then reads (a crash seen on 3.13).
const REFUSE_CLASSES: &str = "\
def __getattr__(name, _refused=__hpy_refused__):
    if name in _refused:
        raise AttributeError(f\"module {__name__!r} has no class {name!r}: {_refused[name]}\", name=name, obj=None)
    raise AttributeError(f\"module {__name__!r} has no attribute {name!r}\", name=name, obj=None)
";

/// Leaves the class `class` out of `module`, whose `__getattr__` then says why: the module and its
/// functions stay usable.
fn refuse_class<'ctx>(
    ctx: Context<'ctx>,
    module: &Handle<'ctx>,
    class: &str,
    why: &str,
) -> HPyResult<()> {
    let namespace = crate::Dict::try_from_handle(module.get_attr("__dict__")?)?;
    let refused = match namespace.get("__hpy_refused__")? {
        Some(refused) => refused,
        None => {
            let refused = crate::Dict::new(ctx)?.into_handle();
            namespace.set_item("__hpy_refused__", &refused)?;
            let code = ctx.compile(REFUSE_CLASSES, "<hpy>", crate::SourceKind::File)?;
            ctx.eval_code(&code, &namespace, None)?;
            refused
        }
    };
    refused.set_item(class, why)
}
