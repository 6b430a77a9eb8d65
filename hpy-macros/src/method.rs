//! `#[hpy_method]` and `#[hpy_exec]`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{FnArg, GenericParam, Ident, ItemFn, Pat, ReturnType, Type};

use crate::attrs::{c_string, doc_cstr, doc_pieces, parse_name_option};
use crate::plan::{self, Missing, Param, Role};

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

/// HPy's calling convention for a function, the cheapest its Python signature allows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Convention {
    /// No Python parameters (`HPyFunc_NOARGS`).
    NoArgs,
    /// One required positional-only parameter, `(x, /)` (`HPyFunc_O`).
    One,
    /// Positional-only parameters and maybe `*args` (`HPyFunc_VARARGS`): keywords are refused
    /// by the runtime, as for built-ins.
    Positional,
    /// Anything else (`HPyFunc_KEYWORDS`).
    Keywords,
}

impl Convention {
    /// The signature table's row for the convention.
    fn row(self) -> Ident {
        let name = match self {
            Convention::NoArgs => "noargs",
            Convention::One => "onearg",
            Convention::Positional => "varargs",
            Convention::Keywords => "keywords",
        };
        Ident::new(name, Span::call_site())
    }
}

/// The generated `KeywordsMethod`/`NoArgsMethod` impl of a callable and how to define it.
pub struct Generated {
    /// The trait impl for the marker type.
    pub impl_: TokenStream,
    /// The calling convention it is defined with.
    pub convention: Convention,
    /// The Python name as a C string literal.
    pub c_name: proc_macro2::Literal,
    /// `__doc__` (with the text signature) as a C string expression.
    pub c_doc: TokenStream,
}

/// What a generated entry point calls.
pub struct Call<'a> {
    /// Statements run first; `ctx` and `__self: &Handle<'ctx>` are in scope.
    pub setup: TokenStream,
    /// The function path, e.g. `f` or `Self::f`.
    pub callee: TokenStream,
    /// Arguments before the context and the Python parameters (e.g. `&*__ref,`).
    pub pre_args: TokenStream,
    /// Whether the function takes the context.
    pub takes_ctx: bool,
    /// The Python parameters.
    pub params: &'a [Param],
    /// Where errors about the return type point.
    pub ret_span: Span,
    /// A function applied to the user function's result before it is converted.
    pub post: Option<TokenStream>,
    /// Use the KEYWORDS signature even without parameters (`__call__`, call functions).
    pub keywords: bool,
    /// A method of a class: the text signature starts with `$self`, as a built-in method's.
    pub self_param: bool,
}

/// Generates the entry point of a function with Python parameters.
pub fn callable(
    marker: &Ident,
    py_name: &str,
    opts: &MethodOptions,
    attrs: &[syn::Attribute],
    call: Call<'_>,
    span: Span,
) -> syn::Result<Generated> {
    let params = call.params;
    let plan = match &opts.signature {
        Some((tokens, span)) => plan::signature_plan(params, tokens.clone(), *span)?,
        None => plan::default_plan(params)?,
    };
    let text_signature = match &opts.text_signature {
        Some(t) => t.value(),
        None if call.self_param => with_self(&plan.text_signature),
        None => plan.text_signature.clone(),
    };
    let c_name = c_string(py_name, span)?;
    let c_doc = doc_cstr(
        &format!("{py_name}{text_signature}\n--\n\n"),
        &doc_pieces(attrs),
    );
    let ctx_arg = call.takes_ctx.then(|| quote!(ctx,));
    let keywords = call.keywords;
    let Call {
        setup,
        callee,
        pre_args,
        ret_span,
        post,
        ..
    } = call;
    let wrap = |call: TokenStream| match &post {
        Some(p) => quote!(#p(#call)),
        None => call,
    };
    let user_call = if params.is_empty() {
        wrap(quote!(#callee(#pre_args #ctx_arg)))
    } else {
        let vars = (0..params.len()).map(|i| format_ident!("__arg{}", i));
        wrap(quote!(#callee(#pre_args #ctx_arg #(#vars),*)))
    };

    if params.is_empty() && !keywords {
        let call = quote_spanned! {ret_span=>
            ::hpy::__private::IntoReturn::into_return(#user_call, ctx)
        };
        let impl_ = quote! {
            impl ::hpy::__private::NoArgsMethod for #marker {
                const NAME: &'static str = #py_name;
                #[inline(always)]
                fn call<'ctx>(
                    ctx: ::hpy::Context<'ctx>,
                    __self: &::hpy::Handle<'ctx>,
                ) -> ::hpy::HPyResult<::hpy::Handle<'ctx>> {
                    let _ = __self;
                    #setup
                    #call
                }
            }
        };
        return Ok(Generated {
            impl_,
            convention: Convention::NoArgs,
            c_name,
            c_doc,
        });
    }
    let n = plan.names.len();
    let names = &plan.names;
    let vars: Vec<Ident> = (0..params.len())
        .map(|i| format_ident!("__arg{}", i))
        .collect();
    let extracts = params.iter().zip(&plan.roles).enumerate().map(|(i, (p, role))| {
        let ty = &p.ty;
        let var = &vars[i];
        match role {
            Role::Slot(slot, Missing::Required) => quote_spanned! {ty.span()=>
                let #var = ::hpy::__private::extract::<#ty>(&__slots[#slot], &Self::DESC, #slot)?;
            },
            Role::Slot(slot, Missing::None) => quote_spanned! {ty.span()=>
                let #var = ::hpy::__private::extract_optional::<#ty>(&__slots[#slot], &Self::DESC, #slot)?;
            },
            Role::Slot(slot, Missing::Default(expr)) => quote_spanned! {ty.span()=>
                let #var: #ty = match &__slots[#slot] {
                    ::core::option::Option::Some(_) => ::hpy::__private::extract::<#ty>(&__slots[#slot], &Self::DESC, #slot)?,
                    ::core::option::Option::None => #expr,
                };
            },
            Role::VarArgs => {
                let name = &p.name;
                quote_spanned! {ty.span()=>
                    let #var: #ty = ::hpy::__private::FromVarArgs::from_varargs(&__matched, &Self::DESC, #name)?;
                }
            }
            Role::VarKw => quote_spanned! {ty.span()=>
                let #var: #ty = ::hpy::__private::FromVarKw::from_varkw(&__matched, &Self::DESC)?;
            },
        }
    });
    let (positional_only, positional, required_positional) = (
        plan.positional_only,
        plan.positional,
        plan.required_positional,
    );
    let required_keyword_only = &plan.required_keyword_only;
    let (varargs, varkw) = (plan.varargs, plan.varkw);
    let call = quote_spanned! {ret_span=>
        ::hpy::__private::IntoReturn::into_return(#user_call, ctx)
    };
    // Without `*args`/`**kwargs` only the slots are needed: taking them out of the match ends
    // its life before any conversion, so the call needs no unwinding cleanup for it.
    let bind_slots = if varargs || varkw {
        quote!(let __slots = &__matched.slots;)
    } else {
        quote!(let __slots = &__matched.into_slots();)
    };
    let impl_ = quote! {
        impl ::hpy::__private::KeywordsMethod for #marker {
            const DESC: ::hpy::__private::FunctionDescription =
                ::hpy::__private::FunctionDescription {
                    name: #py_name,
                    params: &[#(#names),*],
                    positional_only: #positional_only,
                    positional: #positional,
                    required_positional: #required_positional,
                    required_keyword_only: &[#(#required_keyword_only),*],
                    varargs: #varargs,
                    varkw: #varkw,
                };
            #[inline(always)]
            fn call<'ctx>(
                ctx: ::hpy::Context<'ctx>,
                __self: &::hpy::Handle<'ctx>,
                args: ::hpy::__private::RawArgs<'_>,
            ) -> ::hpy::HPyResult<::hpy::Handle<'ctx>> {
                static __KW: ::hpy::__private::KwCache = ::hpy::__private::KwCache::new();
                let __matched = ::hpy::__private::parse_args::<#n>(ctx, &Self::DESC, &__KW, args)?;
                #bind_slots
                let _ = (&__slots, __self);
                #(#extracts)*
                #setup
                #call
            }
        }
    };
    let all_positional_only = plan.positional_only == n && !varkw;
    let convention = if keywords || !all_positional_only {
        Convention::Keywords
    } else if n == 1 && plan.required_positional == 1 && !varargs {
        Convention::One
    } else {
        Convention::Positional
    };
    Ok(Generated {
        impl_,
        convention,
        c_name,
        c_doc,
    })
}

/// `(a, b)` as a method's text signature, `($self, a, b)`: CPython's `inspect` then shows `self`
/// for the method of the class and drops it for a bound method, as for built-in methods.
fn with_self(text_signature: &str) -> String {
    let inner = &text_signature[1..text_signature.len() - 1];
    if inner.is_empty() {
        "($self)".to_owned()
    } else {
        format!("($self, {inner})")
    }
}

/// The `StaticDef` expression of a generated method.
pub fn meth_def(marker: &Ident, g: &Generated) -> TokenStream {
    let (c_name, c_doc, row) = (&g.c_name, &g.c_doc, g.convention.row());
    quote!(::hpy::__private::meth_def(#c_name, #c_doc, ::hpy::__private::#row::<#marker>()))
}

/// The return type's span (or the name's, without one).
pub fn ret_span(sig: &syn::Signature) -> Span {
    match &sig.output {
        ReturnType::Default => sig.ident.span(),
        ReturnType::Type(_, t) => t.span(),
    }
}

pub fn expand_method(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let opts = parse_options(attr)?;
    let mut f: ItemFn = syn::parse2(item)?;
    crate::lifetimes::unify_call_lifetimes(&mut f.sig);
    check_signature(&f.sig, "#[hpy_method]")?;
    let (takes_ctx, params) = parameters(&f.sig, 0)?;
    let rust_name = &f.sig.ident;
    let vis = &f.vis;
    let py_name = opts
        .name
        .as_ref()
        .map(|l| l.value())
        .unwrap_or_else(|| rust_name.to_string().trim_start_matches("r#").to_owned());
    let marker = format_ident!("__hpy_method_{}", rust_name);
    let def = def_ident(rust_name);
    let g = callable(
        &marker,
        &py_name,
        &opts,
        &f.attrs,
        Call {
            setup: quote!(),
            callee: quote!(#rust_name),
            pre_args: quote!(),
            takes_ctx,
            params: &params,
            ret_span: ret_span(&f.sig),
            post: None,
            keywords: false,
            self_param: false,
        },
        rust_name.span(),
    )?;
    let def_expr = meth_def(&marker, &g);
    let impl_ = &g.impl_;
    // `pub(crate)` at most, and spanned at the name, so that rustc reports a definition that no
    // module uses (a lint is not reported inside a macro's own output).
    let vis = def_vis(vis);
    let def_static = quote_spanned! {rust_name.span()=>
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        #vis static #def: ::hpy::__private::StaticDef = #def_expr;
    };
    let stub = crate::stub::function(
        &py_name,
        None,
        &params,
        opts.signature.as_ref().map(|(t, _)| t),
        &f.sig.output,
    )?;
    let stub = crate::stub::stub_const(&vis, rust_name, &stub);
    Ok(quote! {
        #f
        #stub
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        struct #marker;
        #impl_
        #def_static
    })
}

/// The visibility of a function's definition static: the function's, but at most `pub(crate)`.
fn def_vis(vis: &syn::Visibility) -> TokenStream {
    match vis {
        syn::Visibility::Public(p) => quote_spanned!(p.span=> pub(crate)),
        other => quote!(#other),
    }
}

pub fn expand_exec(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    if !attr.is_empty() {
        return Err(syn::Error::new(attr.span(), "#[hpy_exec] takes no options"));
    }
    let mut f: ItemFn = syn::parse2(item)?;
    crate::lifetimes::unify_call_lifetimes(&mut f.sig);
    check_signature(&f.sig, "#[hpy_exec]")?;
    let n = f.sig.inputs.len();
    let ok_shape = n == 2
        && matches!(&f.sig.inputs[0], FnArg::Typed(pt) if is_context(&pt.ty))
        && matches!(&f.sig.inputs[1], FnArg::Typed(_));
    if !ok_shape {
        return Err(syn::Error::new(
            f.sig
                .inputs
                .span()
                .join(f.sig.ident.span())
                .unwrap_or(f.sig.ident.span()),
            "#[hpy_exec]: expected `fn(ctx: Context<'_>, module: &Handle<'_>) -> HPyResult<()>`",
        ));
    }
    let rust_name = &f.sig.ident;
    let vis = &f.vis;
    let marker = format_ident!("__hpy_exec_{}", rust_name);
    let def = def_ident(rust_name);
    let ret_span = match &f.sig.output {
        ReturnType::Default => rust_name.span(),
        ReturnType::Type(_, t) => t.span(),
    };
    let call = quote_spanned! {ret_span=>
        ::hpy::__private::IntoExecResult::into_exec_result(#rust_name(ctx, module))
    };
    let vis = def_vis(vis);
    let def_static = quote_spanned! {rust_name.span()=>
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        #vis static #def: ::hpy::__private::StaticDef = ::hpy::__private::slot_def(::hpy::sys::HPySlot_Slot::HPy_mod_exec, ::hpy::__private::exec::<#marker>());
    };
    let stub = crate::stub::stub_const(&vis, rust_name, &crate::stub::exec_constants(&f.block));
    Ok(quote! {
        #f
        #stub
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        struct #marker;
        impl ::hpy::__private::ExecHook for #marker {
            #[inline(always)]
            fn exec<'ctx>(
                ctx: ::hpy::Context<'ctx>,
                module: &::hpy::Handle<'ctx>,
            ) -> ::hpy::HPyResult<()> {
                #call
            }
        }
        #def_static
    })
}
