//! `#[hpy_methods]`: the methods, properties and special methods of an `#[hpy_class]`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, ImplItem, ImplItemFn, ItemImpl, ReturnType, Type};

use crate::attrs::{c_string, doc_cstr, doc_pieces};
use crate::method::{self, Call, MethodOptions};

/// How a function receives its instance.
#[derive(Clone, Copy, PartialEq)]
enum Receiver {
    /// `&self`: a shared borrow.
    Ref,
    /// `&mut self`: a mutable borrow.
    Mut,
    /// `this: &Obj<'_, Self>`.
    Obj,
    /// None (`#[new]`).
    None,
}

fn is_obj(ty: &Type) -> bool {
    match ty {
        Type::Reference(r) => {
            matches!(&*r.elem, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Obj"))
        }
        _ => false,
    }
}

fn receiver(f: &ImplItemFn) -> Receiver {
    match f.sig.inputs.first() {
        Some(FnArg::Receiver(r)) if r.reference.is_some() => {
            if r.mutability.is_some() {
                Receiver::Mut
            } else {
                Receiver::Ref
            }
        }
        Some(FnArg::Typed(pt)) if is_obj(&pt.ty) => Receiver::Obj,
        _ => Receiver::None,
    }
}

/// The borrow of `__this` a receiver needs, and the receiver expression.
fn borrow_of(recv: Receiver) -> (TokenStream, TokenStream) {
    match recv {
        Receiver::Ref => (quote!(let __ref = __this.borrow()?;), quote!(&*__ref,)),
        Receiver::Mut => (
            quote!(let mut __ref = __this.borrow_mut()?;),
            quote!(&mut *__ref,),
        ),
        // `&__this` coerces to `&Obj` from both `Obj` and `ManuallyDrop<Obj>`.
        Receiver::Obj => (quote!(), quote!(&__this,)),
        Receiver::None => (quote!(), quote!()),
    }
}

/// Code that binds the instance (`__this`) and the receiver expression.
fn bind_this(recv: Receiver, self_ty: &Type, span: Span) -> (TokenStream, TokenStream) {
    if recv == Receiver::None {
        return (quote!(), quote!());
    }
    let (borrow, pre) = borrow_of(recv);
    let setup = quote_spanned! {span=>
        // SAFETY: the runtime calls methods and slots with an instance of the class.
        let __this = unsafe { ::hpy::__private::this::<#self_ty>(__self) }?;
        #borrow
    };
    (setup, pre)
}

/// Removes the marker attributes this macro reads; returns (name, options of `#[hpy_method]`).
fn take_attr(f: &mut ImplItemFn, name: &str) -> Option<syn::Attribute> {
    let pos = f.attrs.iter().position(|a| a.path().is_ident(name))?;
    Some(f.attrs.remove(pos))
}

/// Special methods that are a slot taking the instance and returning an object.
const UNARY: &[(&str, &str)] = &[
    ("__repr__", "HPy_tp_repr"),
    ("__str__", "HPy_tp_str"),
    ("__neg__", "HPy_nb_negative"),
    ("__pos__", "HPy_nb_positive"),
    ("__abs__", "HPy_nb_absolute"),
    ("__invert__", "HPy_nb_invert"),
    ("__int__", "HPy_nb_int"),
    ("__float__", "HPy_nb_float"),
    ("__index__", "HPy_nb_index"),
];

/// Binary operators: (name, reflected name, slot).
const BINARY: &[(&str, &str, &str)] = &[
    ("__add__", "__radd__", "HPy_nb_add"),
    ("__sub__", "__rsub__", "HPy_nb_subtract"),
    ("__mul__", "__rmul__", "HPy_nb_multiply"),
    ("__truediv__", "__rtruediv__", "HPy_nb_true_divide"),
    ("__floordiv__", "__rfloordiv__", "HPy_nb_floor_divide"),
    ("__mod__", "__rmod__", "HPy_nb_remainder"),
    ("__divmod__", "__rdivmod__", "HPy_nb_divmod"),
    ("__lshift__", "__rlshift__", "HPy_nb_lshift"),
    ("__rshift__", "__rrshift__", "HPy_nb_rshift"),
    ("__and__", "__rand__", "HPy_nb_and"),
    ("__or__", "__ror__", "HPy_nb_or"),
    ("__xor__", "__rxor__", "HPy_nb_xor"),
    ("__matmul__", "__rmatmul__", "HPy_nb_matrix_multiply"),
];

/// In-place operators.
const INPLACE: &[(&str, &str)] = &[
    ("__iadd__", "HPy_nb_inplace_add"),
    ("__isub__", "HPy_nb_inplace_subtract"),
    ("__imul__", "HPy_nb_inplace_multiply"),
    ("__itruediv__", "HPy_nb_inplace_true_divide"),
    ("__ifloordiv__", "HPy_nb_inplace_floor_divide"),
    ("__imod__", "HPy_nb_inplace_remainder"),
    ("__ilshift__", "HPy_nb_inplace_lshift"),
    ("__irshift__", "HPy_nb_inplace_rshift"),
    ("__iand__", "HPy_nb_inplace_and"),
    ("__ior__", "HPy_nb_inplace_or"),
    ("__ixor__", "HPy_nb_inplace_xor"),
    ("__imatmul__", "HPy_nb_inplace_matrix_multiply"),
];

/// Every special name this macro knows, for the "unsupported special method" error.
const OTHER: &[&str] = &[
    "__bool__",
    "__len__",
    "__hash__",
    "__getitem__",
    "__setitem__",
    "__delitem__",
    "__contains__",
    "__richcmp__",
    "__call__",
    "__del__",
    "__pow__",
    "__rpow__",
    "__ipow__",
];

/// The user function's Python-facing parameters after the receiver and an optional context:
/// (takes ctx, their types).
fn fixed_params(f: &ImplItemFn, recv: Receiver) -> syn::Result<(bool, Vec<Type>)> {
    let skip = usize::from(recv != Receiver::None);
    let (takes_ctx, params) = method::parameters(&f.sig, skip)?;
    Ok((takes_ctx, params.into_iter().map(|p| p.ty).collect()))
}

fn expect_params(f: &ImplItemFn, tys: &[Type], n: usize, what: &str) -> syn::Result<()> {
    if tys.len() != n {
        return Err(syn::Error::new(
            f.sig.inputs.span(),
            format!("#[hpy_methods]: `{}` takes {what}", f.sig.ident),
        ));
    }
    Ok(())
}

/// A special method's receiver, whether it takes the context, and its `n` parameter types
/// (an error naming `what` it takes otherwise).
fn slot_params(f: &ImplItemFn, n: usize, what: &str) -> syn::Result<(Receiver, bool, Vec<Type>)> {
    let recv = receiver(f);
    let (takes_ctx, tys) = fixed_params(f, recv)?;
    expect_params(f, &tys, n, what)?;
    Ok((recv, takes_ctx, tys))
}

/// Extraction of a slot argument; `not_impl` turns a failure into `NotImplemented`.
fn extract(var: &syn::Ident, src: TokenStream, ty: &Type, not_impl: bool) -> TokenStream {
    if not_impl {
        quote_spanned! {ty.span()=>
            let #var: #ty = match ::hpy::FromPython::from_python(#src) {
                ::core::result::Result::Ok(v) => v,
                ::core::result::Result::Err(e) => {
                    e.discard(ctx);
                    return ::core::result::Result::Ok(ctx.not_implemented());
                }
            };
        }
    } else {
        quote_spanned! {ty.span()=>
            let #var: #ty = ::hpy::FromPython::from_python(#src)?;
        }
    }
}

struct Gen<'a> {
    self_ty: &'a Type,
    items: Vec<TokenStream>,
    defs: Vec<TokenStream>,
    reflected: Vec<TokenStream>,
    has_new: bool,
    counter: usize,
    getters: Vec<(String, syn::Ident, Vec<TokenStream>)>,
    setters: Vec<(String, syn::Ident)>,
}

impl Gen<'_> {
    fn marker(&mut self, what: &str) -> syn::Ident {
        self.counter += 1;
        format_ident!("__hpy_{}_{}", what, self.counter)
    }

    /// Adds `static DEF = expr;` to the defines.
    fn def(&mut self, expr: TokenStream) {
        let def = format_ident!("__HPY_DEF_{}", self.counter);
        self.items.push(quote! {
            #[allow(non_upper_case_globals)]
            static #def: ::hpy::__private::StaticDef = #expr;
        });
        self.defs.push(quote!(&#def));
    }

    /// The call of the user function named `name` with `pre` and the context.
    fn call(
        &self,
        f: &ImplItemFn,
        takes_ctx: bool,
        pre: TokenStream,
        args: &[syn::Ident],
    ) -> TokenStream {
        let name = &f.sig.ident;
        let self_ty = self.self_ty;
        let ctx_arg = takes_ctx.then(|| quote!(ctx,));
        quote_spanned! {method::ret_span(&f.sig)=> <#self_ty>::#name(#pre #ctx_arg #(#args),*) }
    }

    /// A method (or `#[new]`, `__call__`, `#[call_function]`) with Python parameters.
    fn callable(
        &mut self,
        f: &ImplItemFn,
        opts: &MethodOptions,
        recv: Receiver,
        what: &str,
    ) -> syn::Result<(syn::Ident, method::Generated)> {
        let skip = usize::from(recv != Receiver::None);
        let (takes_ctx, params) = method::parameters(&f.sig, skip)?;
        let marker = self.marker(what);
        let name = &f.sig.ident;
        let self_ty = self.self_ty;
        // `Point()`: argument errors of `#[new]` name the class, as CPython's do.
        let natural = match (what, self_ty) {
            ("new", Type::Path(p)) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        }
        .unwrap_or_else(|| name.to_string().trim_start_matches("r#").to_owned());
        let py_name = opts.name.as_ref().map_or(natural, |l| l.value());
        let (setup, pre) = bind_this(recv, self_ty, f.sig.ident.span());
        let callee = quote!(<#self_ty>::#name);
        // `#[new]` returns the value; `__self` is the type it was called on.
        let post = (what == "new").then(|| {
            quote_spanned! {method::ret_span(&f.sig)=>
                ::hpy::__private::finish_new::<#self_ty, _>(ctx, __self)
            }
        });
        let g = method::callable(
            &marker,
            &py_name,
            opts,
            &f.attrs,
            Call {
                setup,
                callee,
                pre_args: pre,
                takes_ctx,
                params: &params,
                ret_span: method::ret_span(&f.sig),
                post,
                keywords: what == "call" || what == "new",
            },
            name.span(),
        )?;
        Ok((marker, g))
    }
}

pub fn expand_methods(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    if !attr.is_empty() {
        return Err(syn::Error::new(
            attr.span(),
            "#[hpy_methods] takes no options",
        ));
    }
    let mut imp: ItemImpl = syn::parse2(item)?;
    if imp.trait_.is_some() || !imp.generics.params.is_empty() {
        return Err(syn::Error::new(
            imp.impl_token.span(),
            "#[hpy_methods] goes on the inherent `impl` block of an #[hpy_class] struct",
        ));
    }
    let self_ty = (*imp.self_ty).clone();
    let mut gen = Gen {
        self_ty: &self_ty,
        items: Vec::new(),
        defs: Vec::new(),
        reflected: Vec::new(),
        has_new: false,
        counter: 0,
        getters: Vec::new(),
        setters: Vec::new(),
    };
    let mut slot_fns: Vec<ImplItemFn> = Vec::new();
    let mut consts: Vec<TokenStream> = Vec::new();
    for it in imp.items.iter_mut() {
        let ImplItem::Fn(f) = it else { continue };
        crate::lifetimes::unify_call_lifetimes(&mut f.sig);
        let is_new = take_attr(f, "new").is_some();
        let getter = take_attr(f, "getter");
        let setter = take_attr(f, "setter");
        let call_fn = take_attr(f, "call_function").is_some();
        let opts = match take_attr(f, "hpy_method") {
            Some(a) => match &a.meta {
                syn::Meta::List(l) => method::parse_options(l.tokens.clone())?,
                _ => MethodOptions::default(),
            },
            None => MethodOptions::default(),
        };
        method::check_signature(&f.sig, "#[hpy_methods]")?;
        let recv = receiver(f);
        let name = f.sig.ident.to_string();
        if is_new {
            if recv != Receiver::None {
                return Err(syn::Error::new(
                    f.sig.ident.span(),
                    "#[new] takes no `self`: it returns the new value",
                ));
            }
            let (marker, g) = gen.callable(f, &opts, recv, "new")?;
            gen.items
                .push(quote!(#[allow(non_camel_case_types)] struct #marker; ));
            gen.items.push(g.impl_);
            gen.def(quote!(::hpy::__private::new_def::<#marker>()));
            gen.has_new = true;
            continue;
        }
        if recv == Receiver::None {
            return Err(syn::Error::new(
                f.sig.ident.span(),
                "#[hpy_methods]: a method takes `&self`, `&mut self` or `this: &Obj<'_, Self>` (static methods are not supported by HPy 0.9)",
            ));
        }
        if let Some(a) = getter.or(setter.clone()) {
            let is_set = setter.is_some();
            let explicit: Option<syn::Ident> = match &a.meta {
                syn::Meta::List(l) => Some(syn::parse2(l.tokens.clone())?),
                _ => None,
            };
            let prop = match explicit {
                Some(i) => i.to_string(),
                None if is_set => name.strip_prefix("set_").unwrap_or(&name).to_owned(),
                None => name.clone(),
            };
            let (takes_ctx, tys) = fixed_params(f, recv)?;
            let marker = gen.marker(if is_set { "set" } else { "get" });
            let (setup, pre) = bind_this(recv, &self_ty, f.sig.ident.span());
            if is_set {
                expect_params(f, &tys, 1, "the new value as its only parameter")?;
                let v = format_ident!("__value");
                let call = gen.call(f, takes_ctx, pre, std::slice::from_ref(&v));
                let ty = &tys[0];
                gen.items.push(quote! {
                    #[allow(non_camel_case_types)] struct #marker;
                    impl ::hpy::__private::SetterSlot for #marker {
                        const NAME: &'static str = #prop;
                        fn call<'ctx>(ctx: ::hpy::Context<'ctx>, __self: &::hpy::Handle<'ctx>, __v: ::core::option::Option<&::hpy::Handle<'ctx>>) -> ::hpy::HPyResult<()> {
                            let __value: #ty = ::hpy::__private::setter_value(__v, #prop)?;
                            #setup
                            ::hpy::__private::IntoUnit::into_unit(#call, ctx)
                        }
                    }
                });
                gen.setters.push((prop, marker));
            } else {
                expect_params(
                    f,
                    &tys,
                    0,
                    "no parameters besides the instance (and the context)",
                )?;
                let call = gen.call(f, takes_ctx, pre, &[]);
                gen.items.push(quote! {
                    #[allow(non_camel_case_types)] struct #marker;
                    impl ::hpy::__private::UnarySlot for #marker {
                        const NAME: &'static str = #prop;
                        fn call<'ctx>(ctx: ::hpy::Context<'ctx>, __self: &::hpy::Handle<'ctx>) -> ::hpy::HPyResult<::hpy::Handle<'ctx>> {
                            #setup
                            ::hpy::__private::IntoReturn::into_return(#call, ctx)
                        }
                    }
                });
                gen.getters.push((prop, marker, doc_pieces(&f.attrs)));
            }
            continue;
        }
        if call_fn || name == "__call__" {
            let (marker, g) = gen.callable(f, &opts, recv, "call")?;
            gen.items
                .push(quote!(#[allow(non_camel_case_types)] struct #marker; ));
            gen.items.push(g.impl_);
            if call_fn {
                let cname = format_ident!("{}", name.to_uppercase(), span = f.sig.ident.span());
                consts.push(quote! {
                    /// The per-object call function made from this method (`#[call_function]`).
                    pub const #cname: ::hpy::CallFunction<Self> = ::hpy::__private::call_function::<Self, #marker>();
                });
            } else {
                gen.def(quote!(::hpy::__private::call_def::<#marker>()));
            }
            continue;
        }
        if name.starts_with("__") && name.ends_with("__") {
            slot_fns.push(f.clone());
            continue;
        }
        let (marker, g) = gen.callable(f, &opts, recv, "meth")?;
        gen.items
            .push(quote!(#[allow(non_camel_case_types)] struct #marker; ));
        let def_expr = method::meth_def(&marker, &g);
        gen.items.push(g.impl_);
        gen.def(def_expr);
    }
    slots(&mut gen, &slot_fns)?;
    properties(&mut gen)?;

    let Gen {
        items,
        defs,
        reflected,
        has_new,
        ..
    } = gen;
    let n = defs.len();
    let reflected = (!reflected.is_empty()).then(|| {
        let n = reflected.len();
        let names = (0..n).map(|i| format_ident!("__HPY_RDEF_{}", i));
        let names2 = names.clone();
        quote! {
            const REFLECTED: &'static [&'static ::hpy::__private::StaticDef] = {
                #(#[allow(non_upper_case_globals)] static #names: ::hpy::__private::StaticDef = #reflected;)*
                static __DEFS: [&::hpy::__private::StaticDef; #n] = [#(&#names2),*];
                &__DEFS
            };
        }
    });
    let consts = (!consts.is_empty()).then(|| quote!(impl #self_ty { #(#consts)* }));
    Ok(quote! {
        #imp
        const _: () = {
            #(#items)*
            #consts
            impl ::hpy::__private::ClassMethods for #self_ty {
                const DEFINES: &'static [&'static ::hpy::__private::StaticDef] = {
                    static __DEFS: [&::hpy::__private::StaticDef; #n] = [#(#defs),*];
                    &__DEFS
                };
                const HAS_NEW: bool = #has_new;
                #reflected
            }
        };
    })
}

/// Getters and setters with the same property name become one definition.
fn properties(gen: &mut Gen<'_>) -> syn::Result<()> {
    let getters = std::mem::take(&mut gen.getters);
    let mut setters = std::mem::take(&mut gen.setters);
    for (prop, g, doc) in getters {
        let c = c_string(&prop, Span::call_site())?;
        let d = if doc.is_empty() {
            quote!(::core::option::Option::None)
        } else {
            let d = doc_cstr("", &doc);
            quote!(::core::option::Option::Some(#d))
        };
        let set = match setters.iter().position(|(p, _)| *p == prop) {
            Some(i) => {
                let s = setters.remove(i).1;
                quote!(::core::option::Option::Some(::hpy::__private::setter_fns::<#s>()))
            }
            None => quote!(::core::option::Option::None),
        };
        gen.counter += 1;
        gen.def(quote!(::hpy::__private::getset_def(#c, #d, ::core::option::Option::Some(::hpy::__private::getter_fns::<#g>()), #set)));
    }
    for (prop, s) in setters {
        let c = c_string(&prop, Span::call_site())?;
        gen.counter += 1;
        gen.def(quote!(::hpy::__private::getset_def(#c, ::core::option::Option::None, ::core::option::Option::None, ::core::option::Option::Some(::hpy::__private::setter_fns::<#s>()))));
    }
    Ok(())
}

/// The special methods.
fn slots(gen: &mut Gen<'_>, fns: &[ImplItemFn]) -> syn::Result<()> {
    let find = |n: &str| fns.iter().find(|f| f.sig.ident == n);
    let self_ty = gen.self_ty.clone();
    for f in fns {
        let name = f.sig.ident.to_string();
        let known = UNARY.iter().any(|u| u.0 == name)
            || BINARY.iter().any(|b| b.0 == name || b.1 == name)
            || INPLACE.iter().any(|i| i.0 == name)
            || OTHER.contains(&name.as_str());
        if !known {
            return Err(syn::Error::new(
                f.sig.ident.span(),
                format!("#[hpy_methods]: `{name}` is not a special method HPy 0.9 supports (rename it to make it an ordinary method)"),
            ));
        }
        if receiver(f) == Receiver::None {
            return Err(syn::Error::new(
                f.sig.ident.span(),
                format!("`{name}` takes `&self`, `&mut self` or `this: &Obj<'_, Self>`"),
            ));
        }
    }
    // Object-returning slots of the instance alone.
    for (n, slot) in UNARY {
        let Some(f) = find(n) else { continue };
        let (recv, takes_ctx, _) =
            slot_params(f, 0, "no parameters besides the instance (and the context)")?;
        let (setup, pre) = bind_this(recv, &self_ty, f.sig.ident.span());
        let call = gen.call(f, takes_ctx, pre, &[]);
        let m = gen.marker("slot");
        let slot = format_ident!("{}", slot);
        gen.items.push(quote! {
            #[allow(non_camel_case_types)] struct #m;
            impl ::hpy::__private::UnarySlot for #m {
                const NAME: &'static str = #n;
                fn call<'ctx>(ctx: ::hpy::Context<'ctx>, __self: &::hpy::Handle<'ctx>) -> ::hpy::HPyResult<::hpy::Handle<'ctx>> {
                    #setup
                    ::hpy::__private::IntoReturn::into_return(#call, ctx)
                }
            }
        });
        gen.def(quote!(::hpy::__private::unary_def::<#m>(::hpy::sys::HPySlot_Slot::#slot)));
    }
    // Binary operators: the instance may be either operand.
    for (n, rn, slot) in BINARY {
        let (fwd, rev) = (find(n), find(rn));
        if fwd.is_none() && rev.is_none() {
            continue;
        }
        let mut arms = Vec::new();
        for (f, this_src, other_src) in [
            (fwd, quote!(__a), quote!(__b)),
            (rev, quote!(__b), quote!(__a)),
        ] {
            let Some(f) = f else { continue };
            let (recv, takes_ctx, tys) =
                slot_params(f, 1, "the other operand as its only parameter")?;
            let other = format_ident!("__other");
            let ex = extract(&other, quote!(#other_src), &tys[0], true);
            let (borrow, pre) = borrow_of(recv);
            let call = gen.call(f, takes_ctx, pre, std::slice::from_ref(&other));
            arms.push(quote! {
                if let ::core::option::Option::Some(__this) = ::hpy::__private::operand::<#self_ty>(#this_src)? {
                    #ex
                    #borrow
                    return ::hpy::__private::IntoReturn::into_return(#call, ctx);
                }
            });
        }
        let m = gen.marker("slot");
        let slot = format_ident!("{}", slot);
        gen.items.push(quote! {
            #[allow(non_camel_case_types)] struct #m;
            impl ::hpy::__private::BinarySlot for #m {
                const NAME: &'static str = #n;
                fn call<'ctx>(ctx: ::hpy::Context<'ctx>, __a: &::hpy::Handle<'ctx>, __b: &::hpy::Handle<'ctx>) -> ::hpy::HPyResult<::hpy::Handle<'ctx>> {
                    #(#arms)*
                    ::core::result::Result::Ok(ctx.not_implemented())
                }
            }
        });
        gen.def(quote!(::hpy::__private::binary_def::<#m>(::hpy::sys::HPySlot_Slot::#slot)));
        if rev.is_some() {
            let name = c_string(rn, Span::call_site())?;
            gen.reflected
                .push(quote!(::hpy::__private::reflected_def::<::hpy::__private::Swap<#m>>(#name)));
        }
    }
    // In-place operators: the instance is the left operand; without a return value the
    // instance itself is the result.
    for (n, slot) in INPLACE {
        let Some(f) = find(n) else { continue };
        let (recv, takes_ctx, tys) = slot_params(f, 1, "the other operand as its only parameter")?;
        let other = format_ident!("__other");
        let ex = extract(&other, quote!(__b), &tys[0], true);
        let (setup, pre) = bind_this(recv, &self_ty, f.sig.ident.span());
        let call = gen.call(f, takes_ctx, pre, std::slice::from_ref(&other));
        let ret = match &f.sig.output {
            ReturnType::Default => {
                quote!({ #call; ::core::result::Result::Ok(::core::clone::Clone::clone(__self)) })
            }
            _ => quote!(::hpy::__private::IntoReturn::into_return(#call, ctx)),
        };
        let m = gen.marker("slot");
        let slot = format_ident!("{}", slot);
        gen.items.push(quote! {
            #[allow(non_camel_case_types)] struct #m;
            impl ::hpy::__private::BinarySlot for #m {
                const NAME: &'static str = #n;
                fn call<'ctx>(ctx: ::hpy::Context<'ctx>, __self: &::hpy::Handle<'ctx>, __b: &::hpy::Handle<'ctx>) -> ::hpy::HPyResult<::hpy::Handle<'ctx>> {
                    #ex
                    #setup
                    #ret
                }
            }
        });
        gen.def(quote!(::hpy::__private::binary_def::<#m>(::hpy::sys::HPySlot_Slot::#slot)));
    }
    // `__pow__(self, other, modulo)` and `__rpow__`, `__ipow__`.
    if find("__pow__").is_some() || find("__rpow__").is_some() {
        let mut arms = Vec::new();
        for (f, this_src, other_src) in [
            (find("__pow__"), quote!(__a), quote!(__b)),
            (find("__rpow__"), quote!(__b), quote!(__a)),
        ] {
            let Some(f) = f else { continue };
            let (recv, takes_ctx, tys) = slot_params(
                f,
                2,
                "the other operand and the modulo (None when not given)",
            )?;
            let (o, md) = (format_ident!("__other"), format_ident!("__modulo"));
            let ex1 = extract(&o, quote!(#other_src), &tys[0], true);
            let ex2 = extract(&md, quote!(__c), &tys[1], true);
            let (borrow, pre) = borrow_of(recv);
            let call = gen.call(f, takes_ctx, pre, &[o, md]);
            arms.push(quote! {
                if let ::core::option::Option::Some(__this) = ::hpy::__private::operand::<#self_ty>(#this_src)? {
                    #ex1 #ex2 #borrow
                    return ::hpy::__private::IntoReturn::into_return(#call, ctx);
                }
            });
        }
        let m = gen.marker("slot");
        gen.items.push(quote! {
            #[allow(non_camel_case_types)] struct #m;
            impl ::hpy::__private::TernarySlot for #m {
                const NAME: &'static str = "__pow__";
                fn call<'ctx>(ctx: ::hpy::Context<'ctx>, __a: &::hpy::Handle<'ctx>, __b: &::hpy::Handle<'ctx>, __c: &::hpy::Handle<'ctx>) -> ::hpy::HPyResult<::hpy::Handle<'ctx>> {
                    #(#arms)*
                    ::core::result::Result::Ok(ctx.not_implemented())
                }
            }
        });
        gen.def(
            quote!(::hpy::__private::ternary_def::<#m>(::hpy::sys::HPySlot_Slot::HPy_nb_power)),
        );
        if find("__rpow__").is_some() {
            gen.reflected.push(
                quote!(::hpy::__private::reflected_def::<::hpy::__private::SwapPow<#m>>(c"__rpow__")),
            );
        }
    }
    if let Some(f) = find("__ipow__") {
        let (recv, takes_ctx, tys) = slot_params(
            f,
            2,
            "the other operand and the modulo (None when not given)",
        )?;
        let (o, md) = (format_ident!("__other"), format_ident!("__modulo"));
        let ex1 = extract(&o, quote!(__b), &tys[0], true);
        let ex2 = extract(&md, quote!(__c), &tys[1], true);
        let (setup, pre) = bind_this(recv, &self_ty, f.sig.ident.span());
        let call = gen.call(f, takes_ctx, pre, &[o, md]);
        let ret = match &f.sig.output {
            ReturnType::Default => {
                quote!({ #call; ::core::result::Result::Ok(::core::clone::Clone::clone(__self)) })
            }
            _ => quote!(::hpy::__private::IntoReturn::into_return(#call, ctx)),
        };
        let m = gen.marker("slot");
        gen.items.push(quote! {
            #[allow(non_camel_case_types)] struct #m;
            impl ::hpy::__private::TernarySlot for #m {
                const NAME: &'static str = "__ipow__";
                fn call<'ctx>(ctx: ::hpy::Context<'ctx>, __self: &::hpy::Handle<'ctx>, __b: &::hpy::Handle<'ctx>, __c: &::hpy::Handle<'ctx>) -> ::hpy::HPyResult<::hpy::Handle<'ctx>> {
                    #ex1 #ex2 #setup #ret
                }
            }
        });
        gen.def(quote!(::hpy::__private::ternary_def::<#m>(::hpy::sys::HPySlot_Slot::HPy_nb_inplace_power)));
    }
    // Slots that return C values.
    for (n, tr, def, conv) in [
        (
            "__bool__",
            "InquirySlot",
            quote!(inquiry_def),
            quote!(::core::primitive::bool),
        ),
        (
            "__len__",
            "LenSlot",
            quote!(len_def),
            quote!(::core::primitive::usize),
        ),
        ("__hash__", "HashSlot", quote!(hash_def), quote!(())),
    ] {
        let Some(f) = find(n) else { continue };
        let (recv, takes_ctx, _) =
            slot_params(f, 0, "no parameters besides the instance (and the context)")?;
        let (setup, pre) = bind_this(recv, &self_ty, f.sig.ident.span());
        let call = gen.call(f, takes_ctx, pre, &[]);
        let m = gen.marker("slot");
        let tr = format_ident!("{}", tr);
        let (rty, body) = match n {
            "__bool__" => (
                quote!(::core::ffi::c_int),
                quote!(::hpy::__private::IntoValue::<#conv>::into_value(#call).map(::core::primitive::i32::from)),
            ),
            "__len__" => (
                quote!(isize),
                quote!(::hpy::__private::IntoValue::<#conv>::into_value(#call).and_then(::hpy::__private::len_value)),
            ),
            _ => (
                quote!(isize),
                quote!(::hpy::__private::IntoHash::into_hash(#call)),
            ),
        };
        let slot = match n {
            "__bool__" => quote!(::hpy::sys::HPySlot_Slot::HPy_nb_bool),
            "__len__" => quote!(::hpy::sys::HPySlot_Slot::HPy_mp_length),
            _ => quote!(::hpy::sys::HPySlot_Slot::HPy_tp_hash),
        };
        gen.items.push(quote! {
            #[allow(non_camel_case_types)] struct #m;
            impl ::hpy::__private::#tr for #m {
                const NAME: &'static str = #n;
                fn call<'ctx>(ctx: ::hpy::Context<'ctx>, __self: &::hpy::Handle<'ctx>) -> ::hpy::HPyResult<#rty> {
                    let _ = ctx;
                    #setup
                    #body
                }
            }
        });
        gen.def(quote!(::hpy::__private::#def::<#m>(#slot)));
    }
    if let Some(f) = find("__getitem__") {
        let (recv, takes_ctx, tys) = slot_params(f, 1, "the key as its only parameter")?;
        let k = format_ident!("__key");
        let ex = extract(&k, quote!(__k), &tys[0], false);
        let (setup, pre) = bind_this(recv, &self_ty, f.sig.ident.span());
        let call = gen.call(f, takes_ctx, pre, std::slice::from_ref(&k));
        let m = gen.marker("slot");
        gen.items.push(quote! {
            #[allow(non_camel_case_types)] struct #m;
            impl ::hpy::__private::BinarySlot for #m {
                const NAME: &'static str = "__getitem__";
                fn call<'ctx>(ctx: ::hpy::Context<'ctx>, __self: &::hpy::Handle<'ctx>, __k: &::hpy::Handle<'ctx>) -> ::hpy::HPyResult<::hpy::Handle<'ctx>> {
                    #ex #setup
                    ::hpy::__private::IntoReturn::into_return(#call, ctx)
                }
            }
        });
        gen.def(
            quote!(::hpy::__private::binary_def::<#m>(::hpy::sys::HPySlot_Slot::HPy_mp_subscript)),
        );
    }
    if let Some(f) = find("__contains__") {
        let (recv, takes_ctx, tys) = slot_params(f, 1, "the item as its only parameter")?;
        let k = format_ident!("__item");
        let ex = extract(&k, quote!(__k), &tys[0], false);
        let (setup, pre) = bind_this(recv, &self_ty, f.sig.ident.span());
        let call = gen.call(f, takes_ctx, pre, std::slice::from_ref(&k));
        let m = gen.marker("slot");
        gen.items.push(quote! {
            #[allow(non_camel_case_types)] struct #m;
            impl ::hpy::__private::ContainsSlot for #m {
                const NAME: &'static str = "__contains__";
                fn call<'ctx>(ctx: ::hpy::Context<'ctx>, __self: &::hpy::Handle<'ctx>, __k: &::hpy::Handle<'ctx>) -> ::hpy::HPyResult<::core::ffi::c_int> {
                    let _ = ctx;
                    #ex #setup
                    ::hpy::__private::IntoValue::<bool>::into_value(#call).map(::core::primitive::i32::from)
                }
            }
        });
        gen.def(quote!(::hpy::__private::contains_def::<#m>()));
    }
    if find("__setitem__").is_some() || find("__delitem__").is_some() {
        let mut set_arm = quote!(::core::result::Result::Err(::hpy::HPyErr::type_error(
            ::std::format!(
                "'{}' object does not support item assignment",
                __self.type_name()
            )
        )));
        let mut del_arm = quote!(::core::result::Result::Err(::hpy::HPyErr::type_error(
            ::std::format!(
                "'{}' object does not support item deletion",
                __self.type_name()
            )
        )));
        if let Some(f) = find("__setitem__") {
            let (recv, takes_ctx, tys) = slot_params(f, 2, "the key and the value")?;
            let (k, v) = (format_ident!("__key"), format_ident!("__val"));
            let exk = extract(&k, quote!(__k), &tys[0], false);
            let exv = extract(&v, quote!(__v), &tys[1], false);
            let (setup, pre) = bind_this(recv, &self_ty, f.sig.ident.span());
            let call = gen.call(f, takes_ctx, pre, &[k, v]);
            set_arm =
                quote!({ #exk #exv #setup ::hpy::__private::IntoUnit::into_unit(#call, ctx) });
        }
        if let Some(f) = find("__delitem__") {
            let (recv, takes_ctx, tys) = slot_params(f, 1, "the key as its only parameter")?;
            let k = format_ident!("__key");
            let exk = extract(&k, quote!(__k), &tys[0], false);
            let (setup, pre) = bind_this(recv, &self_ty, f.sig.ident.span());
            let call = gen.call(f, takes_ctx, pre, std::slice::from_ref(&k));
            del_arm = quote!({ #exk #setup ::hpy::__private::IntoUnit::into_unit(#call, ctx) });
        }
        let m = gen.marker("slot");
        gen.items.push(quote! {
            #[allow(non_camel_case_types)] struct #m;
            impl ::hpy::__private::AssignSlot for #m {
                const NAME: &'static str = "__setitem__";
                fn call<'ctx>(ctx: ::hpy::Context<'ctx>, __self: &::hpy::Handle<'ctx>, __k: &::hpy::Handle<'ctx>, __v: ::core::option::Option<&::hpy::Handle<'ctx>>) -> ::hpy::HPyResult<()> {
                    match __v {
                        ::core::option::Option::Some(__v) => #set_arm,
                        ::core::option::Option::None => #del_arm,
                    }
                }
            }
        });
        gen.def(quote!(::hpy::__private::assign_def::<#m>()));
    }
    if let Some(f) = find("__richcmp__") {
        let (recv, takes_ctx, tys) = slot_params(f, 2, "the other operand and the `CompareOp`")?;
        let o = format_ident!("__other");
        let ex = extract(&o, quote!(__b), &tys[0], true);
        let op = format_ident!("__op");
        let (setup, pre) = bind_this(recv, &self_ty, f.sig.ident.span());
        let call = gen.call(f, takes_ctx, pre, &[o, op]);
        let m = gen.marker("slot");
        gen.items.push(quote! {
            #[allow(non_camel_case_types)] struct #m;
            impl ::hpy::__private::RichCmpSlot for #m {
                const NAME: &'static str = "__richcmp__";
                fn call<'ctx>(ctx: ::hpy::Context<'ctx>, __self: &::hpy::Handle<'ctx>, __b: &::hpy::Handle<'ctx>, __op: ::hpy::CompareOp) -> ::hpy::HPyResult<::hpy::Handle<'ctx>> {
                    #ex #setup
                    ::hpy::__private::IntoReturn::into_return(#call, ctx)
                }
            }
        });
        gen.def(quote!(::hpy::__private::richcmp_def::<#m>()));
    }
    if let Some(f) = find("__del__") {
        let (recv, takes_ctx, _) =
            slot_params(f, 0, "no parameters besides the instance (and the context)")?;
        let (setup, pre) = bind_this(recv, &self_ty, f.sig.ident.span());
        let call = gen.call(f, takes_ctx, pre, &[]);
        let m = gen.marker("slot");
        gen.items.push(quote! {
            #[allow(non_camel_case_types)] struct #m;
            impl ::hpy::__private::FinalizeSlot for #m {
                const NAME: &'static str = "__del__";
                fn call<'ctx>(ctx: ::hpy::Context<'ctx>, __self: &::hpy::Handle<'ctx>) -> ::hpy::HPyResult<()> {
                    #setup
                    ::hpy::__private::IntoUnit::into_unit(#call, ctx)
                }
            }
        });
        gen.def(quote!(::hpy::__private::finalize_def::<#m>()));
    }
    Ok(())
}
