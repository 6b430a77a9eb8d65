//! Procedural macros of the `hpy` crate. Use them through `hpy` (`hpy::hpy_method`, ...), whose
//! documentation describes them; the generated code refers to `::hpy`.

use proc_macro::TokenStream;

mod attrs;
mod lifetimes;
mod method;
mod module;
mod plan;
mod signature;

/// Exposes a Rust function to Python as a module-level function.
///
/// Parameters are positional-or-keyword under their Rust names; an optional first parameter of
/// type `Context<'_>` receives the call's context. Each parameter type implements `FromPython`,
/// `Option<T>` parameters may be omitted (they default to `None`), and the return type is a
/// value implementing `IntoPython` or an `HPyResult` of one. The doc comment becomes `__doc__`.
///
/// `#[hpy_method(name = "py_name")]` sets a different Python name.
///
/// Every `'_` in `Context<'_>`, `Handle<'_>`, `Dict<'_>` and the other types of the call (and
/// in the return type) stands for the same lifetime, the call's, so values from the context and
/// from the arguments mix freely: `fn f(ctx: Context<'_>, x: &Handle<'_>) -> HPyResult<Handle<'_>>`.
#[proc_macro_attribute]
pub fn hpy_method(attr: TokenStream, item: TokenStream) -> TokenStream {
    method::expand_method(attr.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Marks the function that runs when the module object is created (HPy's `HPy_mod_exec` slot).
///
/// The function takes `(ctx: Context<'_>, module: &Handle<'_>)` and returns `HPyResult<()>` or
/// `()`; use it to add constants, types and other attributes to the module.
#[proc_macro_attribute]
pub fn hpy_exec(attr: TokenStream, item: TokenStream) -> TokenStream {
    method::expand_exec(attr.into(), item.into())
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
