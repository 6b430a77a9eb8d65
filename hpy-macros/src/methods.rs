//! `#[hpy_methods]`: the methods, properties and special methods of an `#[hpy_class]` (the
//! special methods' table is in `special.rs`).

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, ImplItem, ImplItemFn, ItemImpl};

use crate::attrs::{c_string, cfg_attr, cfg_pred, doc_cstr, doc_pieces};
use crate::callable;
use crate::class_gen::{either, Gen};
use crate::dunders::{GETTER, SETTER};
use crate::model::{self, check_class_parameter, receiver, CallKind, MethodOptions, Receiver};
use crate::special::{slots, This};

fn take_attr(f: &mut ImplItemFn, name: &str) -> Option<syn::Attribute> {
    let pos = f.attrs.iter().position(|a| a.path().is_ident(name))?;
    Some(f.attrs.remove(pos))
}

pub fn expand_methods(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let sequence = match attr.to_string().as_str() {
        "" => false,
        "sequence" => true,
        _ => {
            return Err(syn::Error::new(
                attr.span(),
                "#[hpy_methods] takes no options but `sequence` (`__getitem__`, `__setitem__`, `__delitem__` and `__len__` as the sequence slots, with an `isize` index)",
            ))
        }
    };
    let mut imp: ItemImpl = syn::parse2(item)?;
    if imp.trait_.is_some() || !imp.generics.params.is_empty() {
        return Err(syn::Error::new(
            imp.impl_token.span(),
            "#[hpy_methods] goes on the inherent `impl` block of an #[hpy_class] struct",
        ));
    }
    let self_ty = (*imp.self_ty).clone();
    let stub = crate::stub::methods_const(&imp)?;
    let mut gen = Gen {
        self_ty: &self_ty,
        items: Vec::new(),
        defs: Vec::new(),
        reflected: Vec::new(),
        has_new: Vec::new(),
        has_init: Vec::new(),
        counter: 0,
        getters: Vec::new(),
        setters: Vec::new(),
    };
    let mut slot_fns: Vec<ImplItemFn> = Vec::new();
    let mut new_doc: Option<TokenStream> = None;
    let mut consts: Vec<TokenStream> = Vec::new();
    let mut class_attrs: Vec<(TokenStream, TokenStream)> = Vec::new();
    let mut statics: Vec<(TokenStream, TokenStream)> = Vec::new();
    for it in imp.items.iter_mut() {
        let ImplItem::Fn(f) = it else { continue };
        crate::lifetimes::unify_call_lifetimes(&mut f.sig);
        let is_new = take_attr(f, "new").is_some();
        let is_classattr = take_attr(f, "classattr").is_some();
        let is_static = take_attr(f, "staticmethod").is_some();
        let is_classmethod = take_attr(f, "classmethod").is_some();
        let getter = take_attr(f, "getter");
        let setter = take_attr(f, "setter");
        let call_fn = take_attr(f, "call_function").is_some();
        let opts = match take_attr(f, "hpy_method").map(|a| a.meta) {
            Some(syn::Meta::List(l)) => model::parse_options(l.tokens)?,
            _ => MethodOptions::default(),
        };
        model::check_signature(&f.sig, "#[hpy_methods]")?;
        let (recv, name) = (receiver(f), f.sig.ident.to_string());
        let pred = cfg_pred(&f.attrs);
        let cfg = cfg_attr(&pred);
        if is_new {
            if recv != Receiver::None {
                return Err(syn::Error::new(
                    f.sig.ident.span(),
                    "#[new] takes no `self`: it returns the new value",
                ));
            }
            let (marker, g) = gen.callable(f, &opts, &cfg, CallKind::New)?;
            gen.def(cfg, quote!(::hpy::__private::slot_def(::hpy::sys::HPySlot_Slot::HPy_tp_new, ::hpy::__private::newfunc::<#marker>())));
            // The class's doc and text signature come from the first `#[new]` configured in.
            let doc = g.c_doc;
            let pred = pred.unwrap_or(quote!(all()));
            new_doc = Some(match new_doc {
                None => {
                    quote!(if cfg!(#pred) { ::core::option::Option::Some(#doc) } else { ::core::option::Option::None })
                }
                Some(prev) => {
                    quote!(match #prev { ::core::option::Option::None if cfg!(#pred) => ::core::option::Option::Some(#doc), other => other })
                }
            });
            gen.has_new.push(pred);
            continue;
        }
        if is_static || is_classmethod {
            let by_value = matches!(f.sig.inputs.first(), Some(FnArg::Receiver(_)));
            if recv != Receiver::None || by_value {
                return Err(syn::Error::new(
                    f.sig.inputs.first().map_or(f.sig.ident.span(), |a| a.span()),
                    "#[staticmethod] and #[classmethod] take no `self`: remove it (a class method's first parameter is the class, `cls: &Handle<'_>`), or remove the attribute to make a method",
                ));
            }
            if is_classmethod {
                check_class_parameter(&f.sig)?;
            }
            let (marker, g) = gen.callable(f, &opts, &cfg, CallKind::Static)?;
            gen.def(cfg.clone(), callable::meth_def(&marker, &g));
            let c_name = &g.c_name;
            statics.push((cfg, quote!((#c_name, #is_classmethod))));
            continue;
        }
        if is_classattr {
            let (takes_ctx, params) = model::parameters(&f.sig, 0)?;
            if recv != Receiver::None || !params.is_empty() {
                return Err(syn::Error::new(
                    f.sig.ident.span(),
                    "#[classattr] takes no `self` and no parameters but the context: its result is set on the type when it is made",
                ));
            }
            // Class constants are often upper case.
            f.attrs.push(syn::parse_quote!(#[allow(non_snake_case)]));
            let ident = &f.sig.ident;
            let py_name = ident.to_string().trim_start_matches("r#").to_owned();
            let ctx_arg = takes_ctx.then(|| quote!(ctx));
            let maker = gen.marker("classattr");
            let self_ty = &self_ty;
            gen.items.push(quote_spanned! {model::ret_span(&f.sig)=>
                #cfg
                #[allow(non_snake_case)]
                fn #maker<'ctx>(ctx: ::hpy::Context<'ctx>) -> ::hpy::HPyResult<::hpy::Handle<'ctx>> {
                    ::hpy::__private::IntoReturn::into_return(<#self_ty>::#ident(#ctx_arg), ctx)
                }
            });
            class_attrs.push((
                cfg,
                quote!(::hpy::__private::ClassAttr { name: #py_name, make: #maker }),
            ));
            continue;
        }
        if recv == Receiver::None {
            return Err(syn::Error::new(
                f.sig.ident.span(),
                "#[hpy_methods]: a method takes `&self`, `&mut self` or `this: &Obj<'_, Self>` (or mark it #[staticmethod] or #[classmethod])",
            ));
        }
        if let Some(a) = getter.as_ref().or(setter.as_ref()) {
            let explicit: Option<syn::Ident> = match &a.meta {
                syn::Meta::List(l) => Some(syn::parse2(l.tokens.clone())?),
                _ => None,
            };
            let prop = match explicit {
                Some(i) => i.to_string(),
                None if setter.is_some() => name.strip_prefix("set_").unwrap_or(&name).to_owned(),
                None => name.clone(),
            };
            let sig = if setter.is_some() { &SETTER } else { &GETTER };
            let body = gen.body(f, sig, This::Attr(&prop))?;
            let m = gen.special(&prop, "", sig, cfg, body);
            match setter {
                Some(_) => gen.setters.push((prop, m, pred)),
                None => gen.getters.push((prop, m, doc_pieces(&f.attrs), pred)),
            }
            continue;
        }
        if call_fn || name == "__call__" {
            let (marker, _) = gen.callable(f, &opts, &cfg, CallKind::Call)?;
            if call_fn {
                let cname = format_ident!("{}", name.to_uppercase(), span = f.sig.ident.span());
                consts.push(quote! {
                    /// The per-object call function made from this method (`#[call_function]`).
                    #cfg pub const #cname: ::hpy::CallFunction<Self> = ::hpy::__private::call_function::<Self, #marker>();
                });
            } else {
                gen.def(cfg, quote!(::hpy::__private::slot_def(::hpy::sys::HPySlot_Slot::HPy_tp_call, ::hpy::__private::keywords::<#marker>())));
            }
            continue;
        }
        if name == "__init__" {
            let (marker, _) = gen.callable(f, &opts, &cfg, CallKind::Init)?;
            gen.def(cfg, quote!(::hpy::__private::slot_def(::hpy::sys::HPySlot_Slot::HPy_tp_init, ::hpy::__private::initproc::<#marker>())));
            gen.has_init.push(pred.unwrap_or(quote!(all())));
            continue;
        }
        if crate::dunders::METHODS.contains(&name.as_str()) {
            let kind = if name == "__next__" {
                CallKind::Next
            } else {
                CallKind::Method
            };
            let (marker, g) = gen.callable(f, &opts, &cfg, kind)?;
            gen.def(cfg, callable::meth_def(&marker, &g));
            continue;
        }
        if name.starts_with("__") && name.ends_with("__") {
            slot_fns.push(f.clone());
            continue;
        }
        let (marker, g) = gen.callable(f, &opts, &cfg, CallKind::Method)?;
        gen.def(cfg, callable::meth_def(&marker, &g));
    }
    slots(&mut gen, &slot_fns, sequence)?;
    properties(&mut gen)?;

    let Gen {
        items,
        defs,
        reflected,
        has_new,
        has_init,
        ..
    } = gen;
    let list = |defs: Vec<(TokenStream, TokenStream)>| {
        let (cfgs, defs): (Vec<_>, Vec<_>) = defs.into_iter().unzip();
        quote! {{
            static __DEFS: [&::hpy::__private::StaticDef; <[()]>::len(&[#(#cfgs (),)*])] = [#(#cfgs #defs),*];
            &__DEFS
        }}
    };
    let reflected = (!reflected.is_empty()).then(|| {
        let (cfgs, exprs): (Vec<_>, Vec<_>) = reflected.into_iter().unzip();
        let names: Vec<_> = (0..exprs.len()).map(|i| format_ident!("__HPY_RDEF_{}", i)).collect();
        let list = list(cfgs.iter().cloned().zip(names.iter().map(|n| quote!(&#n))).collect());
        quote! {
            const REFLECTED: &'static [&'static ::hpy::__private::StaticDef] = {
                #(#cfgs #[allow(non_upper_case_globals)] static #names: ::hpy::__private::StaticDef = #exprs;)*
                #list
            };
        }
    });
    let consts = (!consts.is_empty()).then(|| quote!(impl #self_ty { #(#consts)* }));
    let new_doc = new_doc
        .map(|d| quote!(const NEW_DOC: ::core::option::Option<&'static ::core::ffi::CStr> = #d;));
    let defines = list(defs);
    let statics = (!statics.is_empty()).then(|| {
        let (cfgs, items): (Vec<_>, Vec<_>) = statics.into_iter().unzip();
        quote! {
            const STATICS: &'static [(&'static ::core::ffi::CStr, bool)] = &[#(#cfgs #items),*];
        }
    });
    let class_attrs = (!class_attrs.is_empty()).then(|| {
        let (cfgs, attrs): (Vec<_>, Vec<_>) = class_attrs.into_iter().unzip();
        quote! {
            const CLASS_ATTRS: &'static [::hpy::__private::ClassAttr] = &[#(#cfgs #attrs),*];
        }
    });
    Ok(quote! {
        #imp
        #stub
        const _: () = {
            #(#items)*
            #consts
            impl ::hpy::__private::ClassMethods for #self_ty {
                const DEFINES: &'static [&'static ::hpy::__private::StaticDef] = #defines;
                const HAS_NEW: bool = false #(|| cfg!(#has_new))*;
                const HAS_INIT: bool = false #(|| cfg!(#has_init))*;
                #new_doc
                #reflected
                #class_attrs
                #statics
            }
        };
    })
}

/// `any(a, b)` of two optional conditions (none: always).
/// `Some(fns)` under `cfg` and `None` otherwise.
fn some_if(pred: &Option<TokenStream>, fns: TokenStream) -> TokenStream {
    match pred {
        None => quote!(::core::option::Option::Some(#fns)),
        Some(p) => quote!({
            #[cfg(#p)] let f = ::core::option::Option::Some(#fns);
            #[cfg(not(#p))] let f = ::core::option::Option::None;
            f
        }),
    }
}

/// Getters and setters with the same property name become one definition.
fn properties(gen: &mut Gen<'_>) -> syn::Result<()> {
    let mut setters = std::mem::take(&mut gen.setters);
    let props = std::mem::take(&mut gen.getters)
        .into_iter()
        .map(|(p, g, doc, pred)| {
            let set = setters
                .iter()
                .position(|s| s.0 == p)
                .map(|i| setters.remove(i));
            (p, Some((g, pred)), doc, set.map(|(_, s, pred)| (s, pred)))
        });
    let props: Vec<_> = props.collect();
    let rest = setters
        .into_iter()
        .map(|(p, s, pred)| (p, None, Vec::new(), Some((s, pred))));
    for (prop, get, doc, set) in props.into_iter().chain(rest) {
        let c = c_string(&prop, Span::call_site())?;
        let d = match doc.is_empty() {
            true => quote!(::core::option::Option::None),
            false => {
                let d = doc_cstr("", &doc);
                quote!(::core::option::Option::Some(#d))
            }
        };
        let none = || quote!(::core::option::Option::None);
        let g = get.as_ref().map_or_else(none, |(g, p)| {
            some_if(p, quote!(::hpy::__private::property_get::<#g>()))
        });
        let s = set.as_ref().map_or_else(none, |(s, p)| {
            some_if(p, quote!(::hpy::__private::property_set::<#s>()))
        });
        let pred = match (&get, &set) {
            (Some((_, a)), Some((_, b))) => either(a, b),
            (Some((_, p)), None) | (None, Some((_, p))) => p.clone(),
            (None, None) => None,
        };
        gen.counter += 1;
        gen.def(
            cfg_attr(&pred),
            quote!({
                static __P: ::hpy::__private::Property = ::hpy::__private::property(#c, #d, #g, #s);
                ::hpy::__private::getset_def(&__P)
            }),
        );
    }
    Ok(())
}
