//! `#[hpy_methods]`: the methods, properties and special methods of an `#[hpy_class]` (the
//! special methods are generated in `special.rs` from the table in `dunders.rs`).

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, ImplItem, ImplItemFn, ItemImpl};

use crate::attrs::{c_string, cfg_attr, cfg_pred, doc_cstr, doc_pieces};
use crate::callable;
use crate::class_gen::{either, Gen};
use crate::dunders::{GETTER, SETTER};
use crate::model::{
    self, check_class_parameter, receiver, CallKind, ImplRole, MethodOptions, Receiver,
};
use crate::special::{slots, This};

/// The marker attributes an `impl` item may carry, taken off before the block is emitted.
const MARKERS: &[&str] = &[
    "new",
    "classattr",
    "staticmethod",
    "classmethod",
    "getter",
    "setter",
    "call_function",
    "hpy_method",
];

/// What the items of a block add besides `Gen`'s definitions.
#[derive(Default)]
struct Extras {
    /// The special methods that become slots (`special::slots`).
    slot_fns: Vec<ImplItemFn>,
    /// The class's doc: the first `#[new]`'s, by configuration.
    new_doc: Option<TokenStream>,
    /// `#[call_function]` constants.
    consts: Vec<TokenStream>,
    /// `#[classattr]`s: (cfg, `ClassAttr`).
    class_attrs: Vec<(TokenStream, TokenStream)>,
    /// Static and class methods: (cfg, (name, is a class method)).
    statics: Vec<(TokenStream, TokenStream)>,
}

/// The item's `cfg` predicate and attribute.
struct Cfg {
    pred: Option<TokenStream>,
    attr: TokenStream,
}

/// `#[hpy_methods]` or `#[hpy_methods(sequence)]`: whether the item methods go to the
/// sequence slots.
fn parse_sequence(attr: &TokenStream) -> syn::Result<bool> {
    match attr.to_string().as_str() {
        "" => Ok(false),
        "sequence" => Ok(true),
        _ => Err(syn::Error::new(
            attr.span(),
            "#[hpy_methods] takes no options but `sequence` (`__getitem__`, `__setitem__`, `__delitem__` and `__len__` as the sequence slots, with an `isize` index)",
        )),
    }
}

pub fn expand_methods(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let sequence = parse_sequence(&attr)?;
    let mut imp: ItemImpl = syn::parse2(item)?;
    if imp.trait_.is_some() || !imp.generics.params.is_empty() {
        return Err(syn::Error::new(
            imp.impl_token.span(),
            "#[hpy_methods] goes on the inherent `impl` block of an #[hpy_class] struct",
        ));
    }
    let self_ty = (*imp.self_ty).clone();
    let stub = crate::stub::methods_const(&imp)?;
    let mut gen = Gen::new(&self_ty);
    let mut extras = Extras::default();
    for it in imp.items.iter_mut() {
        let ImplItem::Fn(f) = it else { continue };
        crate::lifetimes::unify_call_lifetimes(&mut f.sig);
        let role = model::impl_role(f)?;
        let opts = model::impl_options(f)?;
        for marker in MARKERS {
            if let Some(pos) = f.attrs.iter().position(|a| a.path().is_ident(marker)) {
                f.attrs.remove(pos);
            }
        }
        model::check_signature(&f.sig, "#[hpy_methods]")?;
        let pred = cfg_pred(&f.attrs);
        let cfg = Cfg {
            attr: cfg_attr(&pred),
            pred,
        };
        add_item(&mut gen, &mut extras, f, role, &opts, cfg)?;
    }
    slots(&mut gen, &extras.slot_fns, sequence)?;
    properties(&mut gen)?;
    Ok(assemble(&imp, stub, gen, extras))
}

/// Adds the item `f` of the role `role` to the generated code.
fn add_item(
    gen: &mut Gen<'_>,
    extras: &mut Extras,
    f: &mut ImplItemFn,
    role: ImplRole,
    opts: &MethodOptions,
    cfg: Cfg,
) -> syn::Result<()> {
    let recv = receiver(f);
    let needs_self = || {
        syn::Error::new(
            f.sig.ident.span(),
            "#[hpy_methods]: a method takes `&self`, `&mut self` or `this: &Obj<'_, Self>` (or mark it #[staticmethod] or #[classmethod])",
        )
    };
    match role {
        ImplRole::New => add_new(gen, extras, f, opts, cfg),
        ImplRole::Static { classmethod } => add_static(gen, extras, f, opts, cfg, classmethod),
        ImplRole::ClassAttr => add_class_attr(gen, extras, f, cfg),
        _ if recv == Receiver::None => Err(needs_self()),
        ImplRole::Getter(prop) => add_property(gen, f, prop, cfg, false),
        ImplRole::Setter(prop) => add_property(gen, f, prop, cfg, true),
        ImplRole::CallFunction | ImplRole::Call => {
            let (marker, _) = gen.callable(f, opts, &cfg.attr, CallKind::Call)?;
            let cfg = cfg.attr;
            if matches!(role, ImplRole::CallFunction) {
                let name = f.sig.ident.to_string();
                let cname = format_ident!("{}", name.to_uppercase(), span = f.sig.ident.span());
                extras.consts.push(quote! {
                    /// The per-object call function made from this method (`#[call_function]`).
                    #cfg pub const #cname: ::hpy::CallFunction<Self> = ::hpy::__private::call_function::<Self, #marker>();
                });
            } else {
                gen.def(cfg, quote!(::hpy::__private::slot_def(::hpy::sys::HPySlot_Slot::HPy_tp_call, ::hpy::__private::keywords::<#marker>())));
            }
            Ok(())
        }
        ImplRole::Init => {
            let (marker, _) = gen.callable(f, opts, &cfg.attr, CallKind::Init)?;
            gen.def(cfg.attr, quote!(::hpy::__private::slot_def(::hpy::sys::HPySlot_Slot::HPy_tp_init, ::hpy::__private::initproc::<#marker>())));
            gen.has_init.push(cfg.pred.unwrap_or(quote!(all())));
            Ok(())
        }
        ImplRole::Slot => {
            extras.slot_fns.push(f.clone());
            Ok(())
        }
        ImplRole::NamedSpecial | ImplRole::Method => {
            let kind = if f.sig.ident == "__next__" {
                CallKind::Next
            } else {
                CallKind::Method
            };
            let (marker, g) = gen.callable(f, opts, &cfg.attr, kind)?;
            gen.def(cfg.attr, callable::meth_def(&marker, &g));
            Ok(())
        }
    }
}

/// `#[new]`: the `tp_new` slot, and the class's doc from the first one configured in.
fn add_new(
    gen: &mut Gen<'_>,
    extras: &mut Extras,
    f: &ImplItemFn,
    opts: &MethodOptions,
    cfg: Cfg,
) -> syn::Result<()> {
    if receiver(f) != Receiver::None {
        return Err(syn::Error::new(
            f.sig.ident.span(),
            "#[new] takes no `self`: it returns the new value",
        ));
    }
    let (marker, g) = gen.callable(f, opts, &cfg.attr, CallKind::New)?;
    gen.def(cfg.attr, quote!(::hpy::__private::slot_def(::hpy::sys::HPySlot_Slot::HPy_tp_new, ::hpy::__private::newfunc::<#marker>())));
    let doc = g.c_doc;
    let pred = cfg.pred.unwrap_or(quote!(all()));
    extras.new_doc = Some(match extras.new_doc.take() {
        None => {
            quote!(if cfg!(#pred) { ::core::option::Option::Some(#doc) } else { ::core::option::Option::None })
        }
        Some(prev) => {
            quote!(match #prev { ::core::option::Option::None if cfg!(#pred) => ::core::option::Option::Some(#doc), other => other })
        }
    });
    gen.has_new.push(pred);
    Ok(())
}

/// `#[staticmethod]` or `#[classmethod]`: a method definition, marked static or class.
fn add_static(
    gen: &mut Gen<'_>,
    extras: &mut Extras,
    f: &ImplItemFn,
    opts: &MethodOptions,
    cfg: Cfg,
    is_classmethod: bool,
) -> syn::Result<()> {
    let by_value = matches!(f.sig.inputs.first(), Some(FnArg::Receiver(_)));
    if receiver(f) != Receiver::None || by_value {
        return Err(syn::Error::new(
            f.sig.inputs.first().map_or(f.sig.ident.span(), |a| a.span()),
            "#[staticmethod] and #[classmethod] take no `self`: remove it (a class method's first parameter is the class, `cls: &Handle<'_>`), or remove the attribute to make a method",
        ));
    }
    if is_classmethod {
        check_class_parameter(&f.sig)?;
    }
    let (marker, g) = gen.callable(f, opts, &cfg.attr, CallKind::Static)?;
    gen.def(cfg.attr.clone(), callable::meth_def(&marker, &g));
    let c_name = &g.c_name;
    extras
        .statics
        .push((cfg.attr, quote!((#c_name, #is_classmethod))));
    Ok(())
}

/// `#[classattr]`: a function run when the type is made, whose result is set on it.
fn add_class_attr(
    gen: &mut Gen<'_>,
    extras: &mut Extras,
    f: &mut ImplItemFn,
    cfg: Cfg,
) -> syn::Result<()> {
    let (takes_ctx, params) = model::parameters(&f.sig, 0)?;
    if receiver(f) != Receiver::None || !params.is_empty() {
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
    let self_ty = gen.self_ty;
    let cfg = cfg.attr;
    gen.items.push(quote_spanned! {model::ret_span(&f.sig)=>
        #cfg
        #[allow(non_snake_case)]
        fn #maker<'ctx>(ctx: ::hpy::Context<'ctx>) -> ::hpy::HPyResult<::hpy::Handle<'ctx>> {
            ::hpy::__private::IntoReturn::into_return(<#self_ty>::#ident(#ctx_arg), ctx)
        }
    });
    extras.class_attrs.push((
        cfg,
        quote!(::hpy::__private::ClassAttr { name: #py_name, make: #maker }),
    ));
    Ok(())
}

/// `#[getter]` or `#[setter]` (`setter: true`) of the property `prop`.
fn add_property(
    gen: &mut Gen<'_>,
    f: &ImplItemFn,
    prop: String,
    cfg: Cfg,
    setter: bool,
) -> syn::Result<()> {
    let sig = if setter { &SETTER } else { &GETTER };
    let body = gen.body(f, sig, This::Attr(&prop))?;
    let m = gen.special(&prop, "", sig, cfg.attr, body);
    if setter {
        gen.setters.push((prop, m, cfg.pred));
    } else {
        gen.getters.push((prop, m, doc_pieces(&f.attrs), cfg.pred));
    }
    Ok(())
}

/// The block as emitted: the `impl` without the markers, its stub, and the class's methods.
fn assemble(imp: &ItemImpl, stub: TokenStream, gen: Gen<'_>, extras: Extras) -> TokenStream {
    let self_ty = &imp.self_ty;
    let Extras {
        new_doc,
        consts,
        class_attrs,
        statics,
        ..
    } = extras;
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
    quote! {
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
    }
}

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
