//! The model between parsing and generating: what a function, an `impl` item or a parameter
//! list of the user's code is, read once from its tokens into typed values that the code
//! generators (`callable`, `function`, `methods`, `special`) and the stub writer (`stub`) share.
//!
//! * [`MethodOptions`]: `#[hpy_method(name = ..., signature = (...), text_signature = ...)]`;
//! * [`parameters`]: a signature's Python parameters ([`Param`]) and whether it takes the context;
//! * [`Receiver`]: how a method receives its instance; [`CallKind`]: what kind of callable an
//!   entry point is; [`ImplRole`]: what an item of an `#[hpy_methods]` block is.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{FnArg, GenericParam, Ident, ImplItemFn, Pat, ReturnType, Type};

use crate::attrs::parse_name_option;
pub use crate::plan::Param;

/// The name of the static `HPyDef` generated for the Rust function `f`. When no module adds `f`,
/// rustc's dead-code lint reports this static, so its name says what to write.
pub fn def_ident(f: &Ident) -> Ident {
    let bare = f.to_string();
    format_ident!(
        "hpy_fn_{}_is_in_no_module__move_it_into_the_hpy_module_mod_or_add_hpy_export_use_of_it_there",
        bare.trim_start_matches("r#"),
        span = f.span()
    )
}

/// Whether `ty` is a path whose last segment is `name` (`Context`, `hpy::Handle<'_>`, ...).
pub(crate) fn is_named(ty: &Type, name: &str) -> bool {
    matches!(ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name))
}

/// Whether `ty` is `Context<...>` (by its last path segment).
pub(crate) fn is_context(ty: &Type) -> bool {
    is_named(ty, "Context")
}

/// Whether `ty` is `Option<...>` (by its last path segment).
fn is_option(ty: &Type) -> bool {
    match ty {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "Option" && !s.arguments.is_empty()),
        _ => false,
    }
}

/// A reference inside a collection or tuple type (`Vec<&str>`, `(i64, &str)`): its elements are
/// converted from items that are released at once, so they cannot borrow from them.
fn borrowed_element(ty: &Type, in_collection: bool) -> Option<&syn::TypeReference> {
    const COLLECTIONS: &[&str] = &[
        "Vec", "VecDeque", "HashMap", "BTreeMap", "HashSet", "BTreeSet",
    ];
    match ty {
        Type::Reference(r) if in_collection => Some(r),
        Type::Reference(r) => borrowed_element(&r.elem, false),
        Type::Tuple(t) => t.elems.iter().find_map(|e| borrowed_element(e, true)),
        Type::Paren(p) => borrowed_element(&p.elem, in_collection),
        Type::Group(g) => borrowed_element(&g.elem, in_collection),
        Type::Path(p) => p.path.segments.iter().find_map(|seg| {
            let inner = in_collection || COLLECTIONS.iter().any(|c| seg.ident == c);
            match &seg.arguments {
                syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|arg| match arg {
                    syn::GenericArgument::Type(t) => borrowed_element(t, inner),
                    _ => None,
                }),
                _ => None,
            }
        }),
        _ => None,
    }
}

/// Replaces every named lifetime with `'_`, so the type can be named inside generated code.
struct EraseLifetimes;
impl VisitMut for EraseLifetimes {
    fn visit_lifetime_mut(&mut self, l: &mut syn::Lifetime) {
        *l = syn::Lifetime::new("'_", l.span());
    }
}

/// Rejects what the generated entry point cannot call.
pub fn check_signature(sig: &syn::Signature, what: &str) -> syn::Result<()> {
    let reject = |span: Span, msg: &str| Err(syn::Error::new(span, format!("{what}: {msg}")));
    if let Some(a) = &sig.asyncness {
        return reject(a.span(), "async functions are not supported");
    }
    if let Some(c) = &sig.constness {
        return reject(c.span(), "const functions are not supported");
    }
    if let Some(u) = &sig.unsafety {
        return reject(
            u.span(),
            "the function must be safe to call: remove `unsafe`",
        );
    }
    if let Some(abi) = &sig.abi {
        return reject(abi.span(), "the function must use the Rust ABI");
    }
    if let Some(v) = &sig.variadic {
        return reject(v.span(), "variadic functions are not supported");
    }
    for p in &sig.generics.params {
        if !matches!(p, GenericParam::Lifetime(_)) {
            return reject(
                p.span(),
                "generic type and const parameters are not supported",
            );
        }
    }
    if let Some(w) = &sig.generics.where_clause {
        return reject(w.span(), "where clauses are not supported");
    }
    Ok(())
}

/// Splits the parameters after the first `skip` into (takes a context, Python parameters).
pub fn parameters(sig: &syn::Signature, skip: usize) -> syn::Result<(bool, Vec<Param>)> {
    let mut takes_ctx = false;
    let mut params: Vec<Param> = Vec::new();
    let mut errors: Option<syn::Error> = None;
    let mut push_err = |e: syn::Error| match &mut errors {
        Some(all) => all.combine(e),
        None => errors = Some(e),
    };
    for (i, arg) in sig.inputs.iter().enumerate().skip(skip) {
        let i = i - skip;
        let pt = match arg {
            FnArg::Receiver(r) => {
                push_err(syn::Error::new(
                    r.span(),
                    "#[hpy_method]: module functions cannot take `self`; the methods of a class go in an `impl` block marked #[hpy_methods]",
                ));
                continue;
            }
            FnArg::Typed(pt) => pt,
        };
        if is_context(&pt.ty) {
            if i != 0 {
                push_err(syn::Error::new(
                    pt.ty.span(),
                    "#[hpy_method]: the `Context` parameter must come first",
                ));
            }
            takes_ctx = true;
            continue;
        }
        let name = match &*pt.pat {
            Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => {
                p.ident.to_string().trim_start_matches("r#").to_owned()
            }
            other => {
                push_err(syn::Error::new(
                    other.span(),
                    "#[hpy_method]: parameters must be plain identifiers (they become the Python parameter names)",
                ));
                continue;
            }
        };
        if let Some(r) = borrowed_element(&pt.ty, false) {
            let owned = match &*r.elem {
                Type::Path(p) if p.path.is_ident("str") => "`String` instead of `&str`",
                Type::Slice(_) => "`Vec<u8>` instead of `&[u8]`",
                _ => "an owned type instead of the reference",
            };
            push_err(syn::Error::new(
                r.span(),
                format!(
                    "#[hpy_method]: the elements of a collection or tuple argument cannot borrow from Python objects (each is converted from an item released at once): take {owned}, e.g. `Vec<String>` for `Vec<&str>`"
                ),
            ));
            continue;
        }
        let optional = is_option(&pt.ty);
        let mut ty = (*pt.ty).clone();
        EraseLifetimes.visit_type_mut(&mut ty);
        params.push(Param {
            name,
            span: pt.pat.span(),
            ty,
            optional,
        });
    }
    match errors {
        Some(e) => Err(e),
        None => Ok((takes_ctx, params)),
    }
}

/// The options of `#[hpy_method(...)]`.
#[derive(Default)]
pub struct MethodOptions {
    pub name: Option<syn::LitStr>,
    pub signature: Option<(TokenStream, Span)>,
    pub text_signature: Option<syn::LitStr>,
}

pub fn parse_options(attr: TokenStream) -> syn::Result<MethodOptions> {
    use syn::parse::Parser;
    let mut opts = MethodOptions::default();
    let mut rest = TokenStream::new();
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("signature") {
            let value = meta.value()?;
            let content;
            syn::parenthesized!(content in value);
            let tokens: TokenStream = content.parse()?;
            opts.signature = Some((tokens, meta.path.span()));
            Ok(())
        } else if meta.path.is_ident("text_signature") {
            opts.text_signature = Some(meta.value()?.parse()?);
            Ok(())
        } else if meta.path.is_ident("name") {
            let value: syn::LitStr = meta.value()?.parse()?;
            rest = quote!(name = #value);
            Ok(())
        } else {
            Err(meta.error(
                "unknown option for #[hpy_method]: expected `name = \"...\"`, `signature = (...)` or `text_signature = \"(...)\"`",
            ))
        }
    });
    parser.parse2(attr)?;
    opts.name = parse_name_option(rest, "#[hpy_method]")?;
    Ok(opts)
}

/// The return type's span (or the name's, without one).
pub fn ret_span(sig: &syn::Signature) -> Span {
    match &sig.output {
        ReturnType::Default => sig.ident.span(),
        ReturnType::Type(_, t) => t.span(),
    }
}

/// How a function receives its instance.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Receiver {
    /// `&self`: a shared borrow.
    Ref,
    /// `&mut self`: a mutable borrow.
    Mut,
    /// `this: &Obj<'_, Self>`.
    Obj,
    /// None (`#[new]`).
    None,
}

/// A class method's first parameter after the context receives the class: it must be a
/// `Handle` (by reference or by value), or the class would be converted like an argument.
pub(crate) fn check_class_parameter(sig: &syn::Signature) -> syn::Result<()> {
    let is_handle = |ty: &Type| match ty {
        Type::Reference(r) => is_named(&r.elem, "Handle"),
        other => is_named(other, "Handle"),
    };
    let mut typed = sig.inputs.iter().filter_map(|a| match a {
        FnArg::Typed(pt) => Some(pt),
        FnArg::Receiver(_) => None,
    });
    let first = match typed.next() {
        Some(pt) if is_context(&pt.ty) => typed.next(),
        other => other,
    };
    match first {
        Some(pt) if is_handle(&pt.ty) => Ok(()),
        Some(pt) => Err(syn::Error::new(
            pt.ty.span(),
            "#[classmethod]: the first parameter (after the context) receives the class: make it `cls: &Handle<'_>`, then the Python parameters",
        )),
        None => Err(syn::Error::new(
            sig.ident.span(),
            "#[classmethod]: add a first parameter for the class, `cls: &Handle<'_>` (or make it a #[staticmethod])",
        )),
    }
}

pub(crate) fn receiver(f: &ImplItemFn) -> Receiver {
    let is_obj = |ty: &Type| matches!(ty, Type::Reference(r) if is_named(&r.elem, "Obj"));
    match f.sig.inputs.first() {
        Some(FnArg::Receiver(r)) if r.reference.is_some() && r.mutability.is_some() => {
            Receiver::Mut
        }
        Some(FnArg::Receiver(r)) if r.reference.is_some() => Receiver::Ref,
        Some(FnArg::Typed(pt)) if is_obj(&pt.ty) => Receiver::Obj,
        _ => Receiver::None,
    }
}

/// What kind of callable a method-like entry point of a class is; it decides the marker's name,
/// what the result goes through and the text signature's first parameter.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// `#[new]`: returns the value of a new instance of the class it is called on.
    New,
    /// `#[staticmethod]` or `#[classmethod]`.
    Static,
    /// `__call__` or a `#[call_function]`: called with the KEYWORDS convention.
    Call,
    /// `__init__`.
    Init,
    /// `__next__`: returns an `Option`, `None` raising `StopIteration`.
    Next,
    /// An ordinary method (or a special method Python finds by name).
    Method,
}

impl CallKind {
    /// The word in the names of the generated marker types (`__hpy_new_1`, ...).
    pub fn word(self) -> &'static str {
        match self {
            CallKind::New => "new",
            CallKind::Static => "static",
            CallKind::Call => "call",
            CallKind::Init => "init",
            CallKind::Next => "next",
            CallKind::Method => "meth",
        }
    }

    /// Whether the entry point takes keywords even without parameters (HPy's KEYWORDS
    /// convention: `__call__`, `#[new]` and `__init__` receive the call's arguments as they are).
    pub fn keywords(self) -> bool {
        matches!(self, CallKind::Call | CallKind::New | CallKind::Init)
    }

    /// Whether the text signature starts with `$self`, as a built-in method's.
    pub fn self_param(self) -> bool {
        matches!(self, CallKind::Method | CallKind::Next)
    }
}

/// What an item of an `#[hpy_methods]` block is, read from its marker attributes and its name
/// (the same reading for the code and for the stub).
pub enum ImplRole {
    /// `#[new]`.
    New,
    /// `#[staticmethod]`, or `#[classmethod]` (`classmethod: true`).
    Static { classmethod: bool },
    /// `#[classattr]`.
    ClassAttr,
    /// `#[getter]` / `#[getter(name)]`: the property's name.
    Getter(String),
    /// `#[setter]` / `#[setter(name)]`: the property's name (`set_x` sets `x`).
    Setter(String),
    /// `#[call_function]`.
    CallFunction,
    /// `__call__`.
    Call,
    /// `__init__`.
    Init,
    /// A special method Python finds by name (`dunders::METHODS`, `__next__` among them).
    NamedSpecial,
    /// Another `__name__`: a slot (`dunders::SPECIAL`, `OPERATORS`, ...).
    Slot,
    /// An ordinary method.
    Method,
}

/// Whether `f` carries the marker attribute `name` (`#[new]`, `#[getter]`, ...).
pub fn has_attr(f: &ImplItemFn, name: &str) -> bool {
    f.attrs.iter().any(|a| a.path().is_ident(name))
}

/// The role of the `impl` item `f` (markers first, in this order: `#[new]`, `#[staticmethod]`
/// or `#[classmethod]`, `#[classattr]`, `#[getter]`/`#[setter]`, `#[call_function]`; then the
/// name).
pub fn impl_role(f: &ImplItemFn) -> syn::Result<ImplRole> {
    let name = f.sig.ident.to_string();
    let property = |marker: &str| -> syn::Result<Option<String>> {
        let Some(a) = f.attrs.iter().find(|a| a.path().is_ident(marker)) else {
            return Ok(None);
        };
        let explicit: Option<Ident> = match &a.meta {
            syn::Meta::List(l) => Some(syn::parse2(l.tokens.clone())?),
            _ => None,
        };
        Ok(Some(match explicit {
            Some(i) => i.to_string(),
            None if marker == "setter" => name.strip_prefix("set_").unwrap_or(&name).to_owned(),
            None => name.clone(),
        }))
    };
    Ok(if has_attr(f, "new") {
        ImplRole::New
    } else if has_attr(f, "staticmethod") || has_attr(f, "classmethod") {
        ImplRole::Static {
            classmethod: has_attr(f, "classmethod"),
        }
    } else if has_attr(f, "classattr") {
        ImplRole::ClassAttr
    } else if let Some(prop) = property("getter")? {
        ImplRole::Getter(prop)
    } else if let Some(prop) = property("setter")? {
        ImplRole::Setter(prop)
    } else if has_attr(f, "call_function") {
        ImplRole::CallFunction
    } else if name == "__call__" {
        ImplRole::Call
    } else if name == "__init__" {
        ImplRole::Init
    } else if crate::dunders::METHODS.contains(&name.as_str()) {
        ImplRole::NamedSpecial
    } else if name.starts_with("__") && name.ends_with("__") {
        ImplRole::Slot
    } else {
        ImplRole::Method
    })
}

/// The options of an `impl` item's `#[hpy_method(...)]`, if it has one.
pub fn impl_options(f: &ImplItemFn) -> syn::Result<MethodOptions> {
    match f
        .attrs
        .iter()
        .find(|a| a.path().is_ident("hpy_method"))
        .map(|a| &a.meta)
    {
        Some(syn::Meta::List(l)) => parse_options(l.tokens.clone()),
        _ => Ok(MethodOptions::default()),
    }
}
