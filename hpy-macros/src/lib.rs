//! Procedural macros of the `hpy` crate. Use them through `hpy` (`hpy::hpy_method`, ...), whose
//! documentation describes them; the generated code refers to `::hpy`.

use proc_macro::TokenStream;

mod attrs;
mod callable;
mod class;
mod class_gen;
mod dunders;
mod function;
mod lifetimes;
mod methods;
mod model;
mod module;
mod plan;
mod signature;
mod special;
mod stub;

/// Exposes a Rust function to Python as a module-level function.
///
/// Parameters are positional-or-keyword under their Rust names; an optional first parameter of
/// type `Context<'_>` receives the call's context. Each parameter type implements `FromPython`,
/// `Option<T>` parameters may be omitted (they default to `None`), and the return type is a
/// value implementing `IntoPython` or an `HPyResult` of one. The doc comment becomes `__doc__`.
///
/// `#[hpy_method(name = "py_name")]` sets a different Python name; `signature = (...)` writes the
/// parameter list like a `def` (`/`, defaults, `*args`, keyword-only, `**kwargs`), and
/// `text_signature = "(...)"` overrides the `__text_signature__` made from it.
///
/// A panic in the function raises the module's `PanicError` (a `RuntimeError`) naming the Rust
/// file and line. A function that no `#[hpy_module]` adds is reported by rustc's dead-code lint
/// through its definition, a static named
/// `hpy_fn_<name>_is_in_no_module__move_it_into_the_hpy_module_mod_or_add_hpy_export_use_of_it_there`.
///
/// Every `'_` in `Context<'_>`, `Handle<'_>`, `Dict<'_>` and the other types of the call (and
/// in the return type) stands for the same lifetime, the call's, so values from the context and
/// from the arguments mix freely: `fn f(ctx: Context<'_>, x: &Handle<'_>) -> HPyResult<Handle<'_>>`.
#[proc_macro_attribute]
pub fn hpy_method(attr: TokenStream, item: TokenStream) -> TokenStream {
    function::expand_method(attr.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Marks the function that runs when the module object is created (HPy's `HPy_mod_exec` slot).
///
/// The function takes `(ctx: Context<'_>, module: &Handle<'_>)` and returns `HPyResult<()>` or
/// `()`; use it to add constants, types and other attributes to the module.
#[proc_macro_attribute]
pub fn hpy_exec(attr: TokenStream, item: TokenStream) -> TokenStream {
    function::expand_exec(attr.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Turns an inline `mod` into an HPy extension module.
///
/// Every `#[hpy_method]` and `#[hpy_exec]` function inside it is added to the module, and every
/// `static NAME: Global` is listed in the module's globals; the `mod`'s doc comment becomes the
/// module's `__doc__`. Functions and globals defined in other files are added with
/// `#[hpy_export] use crate::path::{f, g, CACHE};` (upper-case names are globals). The module's import name is the `mod`'s name, or
/// `#[hpy_module(name = "...")]`. The macro generates the `HPyModuleDef` and the four symbols HPy's
/// loader looks for (`HPyInit_<name>`, `HPyInitGlobalContext_<name>` and the two version getters).
#[proc_macro_attribute]
pub fn hpy_module(attr: TokenStream, item: TokenStream) -> TokenStream {
    module::expand_module(attr.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Makes a Rust struct a Python class.
///
/// The struct needs named members (`struct Empty {}` for none). Options:
/// `#[hpy_class(name = "PyName", subclass, default, extends = int)]`:
///
/// * `name`: the Python name (default: the struct's);
/// * `subclass`: Python code may subclass it. The struct must then hold no `Field` and need no
///   `Drop` (both are compile errors): HPy 0.9 neither traverses nor destroys instances of Python
///   subclasses;
/// * `default`: without a `#[new]`, `Type()` makes an instance holding `Default::default()`
///   (arguments raise `TypeError`, as for `object()`);
/// * `extends = float` or `extends = list`: the built-in it subclasses; the base's `__new__`
///   makes the instances, whose value starts as `Default::default()`. (`int`, `str`, `tuple` and
///   `type` are refused: their instances have a variable-size part that HPy's CPython runtime
///   would overlap with the Rust value.)
///
/// Members marked `#[hpy(get)]`, `#[hpy(set)]` or `#[hpy(get, set)]` become properties (the value
/// is cloned out and converted); members of type `Field` hold Python objects (see `hpy::Field`).
/// The doc comment becomes `__doc__`, followed by the doc comment of `#[new]`; on CPython the
/// class's `__text_signature__` (and so `inspect.signature` and `help()`) is `#[new]`'s.
///
/// The macro also defines a hidden `static` with the struct's name (an `hpy::ClassRef`, at most
/// `pub(crate)`), which `#[hpy_export] use` and `#[hpy_module]` use to add the class to a module;
/// when no module does, rustc's dead-code lint reports it and a constant named
/// `hpy_class_<Name>_is_in_no_module__add_hpy_export_use_of_it_to_the_hpy_module_mod`.
#[proc_macro_attribute]
pub fn hpy_class(attr: TokenStream, item: TokenStream) -> TokenStream {
    class::expand_class(attr.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// The methods of an `#[hpy_class]`, on its inherent `impl` block.
///
/// * A function with `&self`, `&mut self` or `this: &Obj<'_, Self>` is a method; its parameters
///   work as in `#[hpy_method]` (an optional `Context` first, `#[hpy_method(name = ...,
///   signature = (...))]` for options). Its text signature starts with `$self`, as a built-in
///   method's. `&self` and `&mut self` borrow the instance's value for
///   the call; a conflicting borrow (re-entry from Python) is a `RuntimeError`.
/// * `#[new]` on a function without `self` makes it `__new__`: it returns the value (or an
///   `HPyResult` of it), and the instance is created for the class (or the Python subclass) it
///   was called on.
/// * `#[getter]` / `#[setter]` (optionally `#[getter(name)]`) make properties; a setter named
///   `set_x` sets `x`.
/// * Special methods by name: `__repr__`, `__str__`, `__hash__`, `__bool__`, `__len__`,
///   `__getitem__`, `__setitem__`, `__delitem__`, `__contains__`, `__richcmp__(other, op:
///   CompareOp)`, `__call__`, `__del__`, the number operators (`__add__` ... `__matmul__`, their
///   reflected `__radd__` ... forms, in-place `__iadd__` ..., `__pow__`/`__rpow__`/`__ipow__`
///   with a modulo parameter) and `__neg__`, `__pos__`, `__abs__`, `__invert__`, `__int__`,
///   `__float__`, `__index__`. A binary operator whose other operand does not convert returns
///   `NotImplemented`, so Python tries the other side.
/// * `#[call_function]` makes an associated const `NAME` (the upper-cased function name) that
///   `Obj::set_call_function` installs as one object's call function.
#[proc_macro_attribute]
pub fn hpy_methods(attr: TokenStream, item: TokenStream) -> TokenStream {
    methods::expand_methods(attr.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// The error for a marker attribute of `#[hpy_methods]` or `#[hpy_module]` met on its own:
/// the outer macro removes the markers it reads, so this one was not inside it.
fn misplaced(attr: &str, item: TokenStream, fix: &str) -> TokenStream {
    let item = proc_macro2::TokenStream::from(item);
    let err = syn::Error::new(
        proc_macro2::Span::call_site(),
        format!("#[{attr}] works only inside {fix}"),
    )
    .into_compile_error();
    quote::quote!(#err #item).into()
}

/// Marks `__new__` inside `#[hpy_methods]`; anywhere else it is a compile error that says so.
#[proc_macro_attribute]
pub fn new(_attr: TokenStream, item: TokenStream) -> TokenStream {
    misplaced(
        "new",
        item,
        "an `impl` block marked #[hpy_methods]: add #[hpy_methods] to the impl",
    )
}

/// Marks a class attribute inside `#[hpy_methods]` (a function without `self`, taking at most the
/// context, whose result is set on the type when it is made); anywhere else it is a compile
/// error.
#[proc_macro_attribute]
pub fn classattr(_attr: TokenStream, item: TokenStream) -> TokenStream {
    misplaced(
        "classattr",
        item,
        "an `impl` block marked #[hpy_methods]: add #[hpy_methods] to the impl",
    )
}

/// Marks a static method inside `#[hpy_methods]` (no `self`); anywhere else it is a compile
/// error.
#[proc_macro_attribute]
pub fn staticmethod(_attr: TokenStream, item: TokenStream) -> TokenStream {
    misplaced(
        "staticmethod",
        item,
        "an `impl` block marked #[hpy_methods]: add #[hpy_methods] to the impl",
    )
}

/// Marks a class method inside `#[hpy_methods]` (no `self`; the first parameter receives the
/// class); anywhere else it is a compile error.
#[proc_macro_attribute]
pub fn classmethod(_attr: TokenStream, item: TokenStream) -> TokenStream {
    misplaced(
        "classmethod",
        item,
        "an `impl` block marked #[hpy_methods]: add #[hpy_methods] to the impl",
    )
}

/// Marks a property getter inside `#[hpy_methods]`; anywhere else it is a compile error.
#[proc_macro_attribute]
pub fn getter(_attr: TokenStream, item: TokenStream) -> TokenStream {
    misplaced(
        "getter",
        item,
        "an `impl` block marked #[hpy_methods]: add #[hpy_methods] to the impl",
    )
}

/// Marks a property setter inside `#[hpy_methods]`; anywhere else it is a compile error.
#[proc_macro_attribute]
pub fn setter(_attr: TokenStream, item: TokenStream) -> TokenStream {
    misplaced(
        "setter",
        item,
        "an `impl` block marked #[hpy_methods]: add #[hpy_methods] to the impl",
    )
}

/// Marks a call function inside `#[hpy_methods]`; anywhere else it is a compile error.
#[proc_macro_attribute]
pub fn call_function(_attr: TokenStream, item: TokenStream) -> TokenStream {
    misplaced(
        "call_function",
        item,
        "an `impl` block marked #[hpy_methods]: add #[hpy_methods] to the impl",
    )
}

/// Marks a `use` inside the `#[hpy_module]` `mod` whose functions, classes and globals the module
/// adds; anywhere else it is a compile error.
#[proc_macro_attribute]
pub fn hpy_export(_attr: TokenStream, item: TokenStream) -> TokenStream {
    misplaced(
        "hpy_export",
        item,
        "the `mod` marked #[hpy_module]: move this `use` into it",
    )
}
