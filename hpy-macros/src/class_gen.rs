//! The generation state of an `#[hpy_methods]` block ([`Gen`]): the items it emits, the
//! definitions of the type, the properties, and the entry point of each method-like callable.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::{ImplItemFn, Type};

use crate::callable::{self, Call, Generated};
use crate::model::{parameters, receiver, ret_span, CallKind, MethodOptions, Receiver};

/// The borrow of `__this` a receiver needs, and the receiver expression.
pub(crate) fn borrow_of(recv: Receiver) -> (TokenStream, TokenStream) {
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

pub(crate) struct Gen<'a> {
    pub(crate) self_ty: &'a Type,
    pub(crate) items: Vec<TokenStream>,
    /// The definitions (and reflected-operator methods), each with its `#[cfg]`.
    pub(crate) defs: Vec<(TokenStream, TokenStream)>,
    pub(crate) reflected: Vec<(TokenStream, TokenStream)>,
    /// The conditions under which the block has a `#[new]`.
    pub(crate) has_new: Vec<TokenStream>,
    /// The conditions under which the block has an `__init__`.
    pub(crate) has_init: Vec<TokenStream>,
    pub(crate) counter: usize,
    /// Properties: (name, marker, doc, condition).
    pub(crate) getters: Vec<(String, syn::Ident, Vec<TokenStream>, Option<TokenStream>)>,
    pub(crate) setters: Vec<(String, syn::Ident, Option<TokenStream>)>,
}

impl<'a> Gen<'a> {
    /// The state for the `impl` block of `self_ty`, empty.
    pub(crate) fn new(self_ty: &'a Type) -> Self {
        Gen {
            self_ty,
            items: Vec::new(),
            defs: Vec::new(),
            reflected: Vec::new(),
            has_new: Vec::new(),
            has_init: Vec::new(),
            counter: 0,
            getters: Vec::new(),
            setters: Vec::new(),
        }
    }

    pub(crate) fn marker(&mut self, what: &str) -> syn::Ident {
        self.counter += 1;
        format_ident!("__hpy_{}_{}", what, self.counter)
    }

    /// Adds `static DEF = expr;` to the defines, present under `cfg`.
    pub(crate) fn def(&mut self, cfg: TokenStream, expr: TokenStream) {
        self.counter += 1;
        let def = format_ident!("__HPY_DEF_{}", self.counter);
        self.items.push(quote! {
            #cfg #[allow(non_upper_case_globals)]
            static #def: ::hpy::__private::StaticDef = #expr;
        });
        self.defs.push((cfg, quote!(&#def)));
    }

    /// A method (or `#[new]`, `__call__`, `#[call_function]`) with Python parameters.
    pub(crate) fn callable(
        &mut self,
        f: &ImplItemFn,
        opts: &MethodOptions,
        cfg: &TokenStream,
        kind: CallKind,
    ) -> syn::Result<(syn::Ident, Generated)> {
        let recv = receiver(f);
        let (takes_ctx, params) = parameters(&f.sig, usize::from(recv != Receiver::None))?;
        let marker = self.marker(kind.word());
        let name = &f.sig.ident;
        let self_ty = self.self_ty;
        // `Point()`: argument errors of `#[new]` name the class, as CPython's do.
        let natural = match (kind, self_ty) {
            (CallKind::New, Type::Path(p)) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        }
        .unwrap_or_else(|| name.to_string().trim_start_matches("r#").to_owned());
        let py_name = opts.name.as_ref().map_or(natural, |l| l.value());
        let (borrow, pre) = borrow_of(recv);
        let setup = (recv != Receiver::None).then(|| {
            quote_spanned! {name.span()=>
                // SAFETY: the runtime calls methods and slots with an instance of the class.
                let __this = unsafe { ::hpy::__private::this::<#self_ty>(__self) }?;
                #borrow
            }
        });
        // `#[new]` returns the value; `__self` is the type it was called on. `__next__`
        // returns an `Option`, `None` raising StopIteration.
        let post = match kind {
            CallKind::New => Some(quote_spanned! {ret_span(&f.sig)=>
                ::hpy::__private::finish_new::<#self_ty, _>(ctx, __self)
            }),
            CallKind::Next => Some(quote_spanned! {ret_span(&f.sig)=>
                ::hpy::__private::iter_next(ctx)
            }),
            _ => None,
        };
        let g = callable::callable(
            &marker,
            &py_name,
            opts,
            &f.attrs,
            Call {
                setup: setup.unwrap_or_default(),
                callee: quote!(<#self_ty>::#name),
                pre_args: pre,
                takes_ctx,
                params: &params,
                ret_span: ret_span(&f.sig),
                post,
                keywords: kind.keywords(),
                self_param: kind.self_param(),
            },
            name.span(),
        )?;
        let impl_ = &g.impl_;
        self.items
            .push(quote!(#cfg #[allow(non_camel_case_types)] struct #marker; #cfg #impl_));
        Ok((marker, g))
    }
}

/// `any(a, b)` of two optional conditions (none: always).
pub(crate) fn either(a: &Option<TokenStream>, b: &Option<TokenStream>) -> Option<TokenStream> {
    Some(quote!(any(#a, #b))).filter(|_| a.is_some() && b.is_some())
}
