//! Special methods and properties of `#[hpy_methods]`, table-driven: [`SPECIAL`] and
//! [`OPERATORS`] map each name to its slot and a [`Sig`], the row of the runtime's signature table
//! (`hpy::__private::slots`) it is called through, which says how its arguments are extracted and
//! its result converted.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{ImplItemFn, ReturnType, Type};

use crate::attrs::{c_string, cfg_attr, cfg_pred};
use crate::class_gen::{borrow_of, either, Gen};
use crate::dunders::{
    is_slot, Ret, Sig, Src, DELINDEX, DELITEM, OPERATORS, SEQUENCE, SETINDEX, SETITEM, SPECIAL,
};
use crate::model::{parameters, receiver, ret_span, Receiver};

/// How the generated code gets the instance (`__this`).
pub(crate) enum This<'a> {
    /// From `__self`, which the runtime has type-checked (methods and slots).
    Checked,
    /// From `__self` of the property `.0`, checked where the runtime does not (PyPy).
    Attr(&'a str),
    /// From either operand of an operator, if it is an instance.
    Operand(&'a str),
}

/// Whether the return type is `HPyResult<()>` or `Result<(), _>`.
fn returns_unit_result(output: &ReturnType) -> bool {
    let ReturnType::Type(_, ty) = output else {
        return false;
    };
    let Type::Path(p) = &**ty else { return false };
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    if last.ident != "HPyResult" && last.ident != "Result" {
        return false;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return false;
    };
    matches!(args.args.first(), Some(syn::GenericArgument::Type(Type::Tuple(t))) if t.elems.is_empty())
}

/// Extraction of a parameter of type `ty` into `var`.
fn extract(var: &syn::Ident, src: Src, other: &str, ty: &Type) -> TokenStream {
    let name = |s: &str| format_ident!("{}", if s.is_empty() { other } else { s });
    match src {
        Src::Operand(s) => {
            let s = name(s);
            quote_spanned! {ty.span()=>
                let #var: #ty = match ::hpy::FromPython::from_python(#s) {
                    ::core::result::Result::Ok(v) => v,
                    ::core::result::Result::Err(e) => {
                        e.discard(ctx);
                        return ::core::result::Result::Ok(ctx.not_implemented());
                    }
                };
            }
        }
        Src::Arg(s) => {
            let s = name(s);
            quote_spanned!(ty.span()=> let #var: #ty = ::hpy::FromPython::from_python(#s)?;)
        }
        Src::Pass(s) => {
            let s = name(s);
            quote!(let #var = #s;)
        }
        Src::Value(s) => {
            let s = name(s);
            quote_spanned!(ty.span()=> let #var: #ty = ::hpy::__private::setter_value(#s, Self::NAME)?;)
        }
    }
}

impl Gen<'_> {
    /// The body of a special method's `call` for the row `sig`: its parameters extracted, the
    /// instance bound, the user function called and its result converted.
    pub(crate) fn body(
        &self,
        f: &ImplItemFn,
        sig: &Sig,
        this: This<'_>,
    ) -> syn::Result<TokenStream> {
        let recv = receiver(f);
        let (takes_ctx, params) = parameters(&f.sig, usize::from(recv != Receiver::None))?;
        if params.len() != sig.args.len() {
            let msg = format!("#[hpy_methods]: `{}` takes {}", f.sig.ident, sig.takes);
            return Err(syn::Error::new(f.sig.inputs.span(), msg));
        }
        let other = match this {
            This::Operand("__self") => "__b",
            _ => "__self",
        };
        let vars: Vec<_> = (0..params.len())
            .map(|i| format_ident!("__arg{}", i))
            .collect();
        let extracts = (sig.args.iter().zip(&params).zip(&vars))
            .map(|((src, p), v)| extract(v, *src, other, &p.ty));
        let (borrow, pre) = borrow_of(recv);
        let self_ty = self.self_ty;
        let ctx_arg = takes_ctx.then(|| quote!(ctx,));
        let name = &f.sig.ident;
        let call = quote_spanned!(ret_span(&f.sig)=> <#self_ty>::#name(#pre #ctx_arg #(#vars),*));
        let ret = match sig.ret {
            Ret::ObjectOrSelf if matches!(f.sig.output, ReturnType::Default) => {
                quote!({ #call; ::core::result::Result::Ok(::core::clone::Clone::clone(__self)) })
            }
            // `HPyResult<()>`: the instance itself on success.
            Ret::ObjectOrSelf if returns_unit_result(&f.sig.output) => {
                quote!(#call.map(|()| ::core::clone::Clone::clone(__self)))
            }
            Ret::Object | Ret::ObjectOrSelf => {
                quote!(::hpy::__private::IntoReturn::into_return(#call, ctx))
            }
            Ret::Bool => {
                quote!(::hpy::__private::IntoValue::<bool>::into_value(#call).map(::core::primitive::i32::from))
            }
            Ret::Len => {
                quote!(::hpy::__private::IntoValue::<usize>::into_value(#call).and_then(::hpy::__private::len_value))
            }
            Ret::Hash => quote!(::hpy::__private::IntoHash::into_hash(#call)),
            Ret::Unit => quote!(::hpy::__private::IntoValue::<()>::into_value(#call)),
            Ret::Export => quote!(::hpy::__private::IntoValue::<::hpy::Export>::into_value(#call)),
        };
        let span = f.sig.ident.span();
        Ok(match this {
            This::Operand(src) => {
                let src = format_ident!("{}", src);
                quote! {
                    if let ::core::option::Option::Some(__this) = ::hpy::__private::operand::<#self_ty>(#src)? {
                        #(#extracts)* #borrow
                        return #ret;
                    }
                }
            }
            This::Checked => quote_spanned! {span=>
                #(#extracts)*
                // SAFETY: the runtime calls methods and slots with an instance of the class.
                let __this = unsafe { ::hpy::__private::this::<#self_ty>(__self) }?;
                #borrow #ret
            },
            This::Attr(prop) => quote_spanned! {span=>
                #(#extracts)*
                let __this = ::hpy::__private::attr_this::<#self_ty>(__self, #prop)?;
                #borrow #ret
            },
        })
    }

    /// A marker implementing the row's trait with `body`; its definition in `slot`, if given.
    pub(crate) fn special(
        &mut self,
        name: &str,
        slot: &str,
        sig: &Sig,
        cfg: TokenStream,
        body: TokenStream,
    ) -> syn::Ident {
        let m = self.marker("slot");
        let tr = format_ident!("{}", sig.tr);
        let params: TokenStream = sig.params.parse().expect("a row's parameters");
        let out: TokenStream = sig.out.parse().expect("a row's result");
        self.items.push(quote! {
            #cfg #[allow(non_camel_case_types)] struct #m;
            #cfg impl ::hpy::__private::#tr for #m {
                const NAME: &'static str = #name;
                fn call<'ctx>(ctx: ::hpy::Context<'ctx>, __self: &::hpy::Handle<'ctx> #params) -> ::hpy::HPyResult<#out> {
                    let _ = ctx;
                    #body
                }
            }
        });
        if !slot.is_empty() {
            let (slot, fns) = (format_ident!("{}", slot), format_ident!("{}", sig.fns));
            self.def(cfg, quote!(::hpy::__private::slot_def(::hpy::sys::HPySlot_Slot::#slot, ::hpy::__private::#fns::<#m>())));
        }
        m
    }
}

/// The special methods.
pub(crate) fn slots(gen: &mut Gen<'_>, fns: &[ImplItemFn], sequence: bool) -> syn::Result<()> {
    for f in fns {
        let name = f.sig.ident.to_string();
        if !is_slot(&name) {
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
    instance_slots(gen, fns, sequence)?;
    operator_slots(gen, fns)?;
    assignment_slot(gen, fns, sequence)
}

/// The special methods of the instance alone or with fixed arguments ([`SPECIAL`]).
fn instance_slots(gen: &mut Gen<'_>, fns: &[ImplItemFn], sequence: bool) -> syn::Result<()> {
    let find = |n: &str| fns.iter().find(|f| f.sig.ident == n);
    for (n, slot, sig) in SPECIAL {
        let Some(f) = find(n) else { continue };
        let seq = SEQUENCE.iter().find(|s| sequence && s.0 == *n);
        let (slot, sig) = seq.map_or((slot, sig), |s| (&s.1, &s.2));
        let body = gen.body(f, sig, This::Checked)?;
        let cfg = cfg_attr(&cfg_pred(&f.attrs));
        let m = gen.special(n, slot, sig, cfg.clone(), body);
        if *n == "__len__" && seq.is_none() {
            // Also `sq_length`, as CPython gives a Python class with `__len__`: `len()` asks the
            // sequence slot first, and reaches the mapping one only through `PyMapping_Size`.
            gen.def(cfg, quote!(::hpy::__private::slot_def(::hpy::sys::HPySlot_Slot::HPy_sq_length, ::hpy::__private::lenfunc::<#m>())));
        }
    }
    Ok(())
}

/// The operators ([`OPERATORS`]): the instance may be either operand, an arm per direction,
/// each returning when its operand is an instance.
fn operator_slots(gen: &mut Gen<'_>, fns: &[ImplItemFn]) -> syn::Result<()> {
    let find = |n: &str| fns.iter().find(|f| f.sig.ident == n);
    for (n, rn, slot, sig) in OPERATORS {
        let (fwd, rev) = (find(n), find(rn));
        let mut arms = Vec::new();
        for (f, this) in [(fwd, "__self"), (rev, "__b")] {
            let Some(f) = f else { continue };
            let cfg = cfg_attr(&cfg_pred(&f.attrs));
            let arm = gen.body(f, sig, This::Operand(this))?;
            arms.push(quote!(#cfg #arm));
        }
        let preds = (
            fwd.map(|f| cfg_pred(&f.attrs)),
            rev.map(|f| cfg_pred(&f.attrs)),
        );
        let pred = match &preds {
            (Some(a), Some(b)) => either(a, b),
            (Some(p), None) | (None, Some(p)) => p.clone(),
            (None, None) => continue,
        };
        let body = quote!(#(#arms)* ::core::result::Result::Ok(ctx.not_implemented()));
        let m = gen.special(n, slot, sig, cfg_attr(&pred), body);
        if let (Some(_), Some(p)) = (rev, &preds.1) {
            let (name, swap) = (
                c_string(rn, Span::call_site())?,
                format_ident!(
                    "{}",
                    if sig.fns == "ternaryfunc" {
                        "SwapPow"
                    } else {
                        "Swap"
                    }
                ),
            );
            gen.reflected.push((
                cfg_attr(p),
                quote!(::hpy::__private::reflected_def::<::hpy::__private::#swap<#m>>(#name)),
            ));
        }
    }
    Ok(())
}

/// `__setitem__` and `__delitem__`, which share `mp_ass_subscript` (or `sq_ass_item`); each
/// refuses without its method.
fn assignment_slot(gen: &mut Gen<'_>, fns: &[ImplItemFn], sequence: bool) -> syn::Result<()> {
    let find = |n: &str| fns.iter().find(|f| f.sig.ident == n);
    let (set, del) = (find("__setitem__"), find("__delitem__"));
    if set.is_none() && del.is_none() {
        return Ok(());
    }
    let (set_sig, del_sig, slot_name, assign_sig) = if sequence {
        (&SETINDEX, &DELINDEX, "HPy_sq_ass_item", &SETINDEX)
    } else {
        (&SETITEM, &DELITEM, "HPy_mp_ass_subscript", &SETITEM)
    };
    let arm = |f: Option<&ImplItemFn>, sig: &Sig, what: &str| -> syn::Result<TokenStream> {
        let refuse = quote!(::core::result::Result::Err(::hpy::HPyErr::type_error(
            ::std::format!("'{}' object does not support item {}", __self.type_name(), #what)
        )));
        let Some(f) = f else { return Ok(refuse) };
        let body = gen.body(f, sig, This::Checked)?;
        Ok(match cfg_pred(&f.attrs) {
            None => quote!({ #body }),
            Some(p) => quote!({ #[cfg(#p)] let r = { #body }; #[cfg(not(#p))] let r = #refuse; r }),
        })
    };
    let (set_arm, del_arm) = (
        arm(set, set_sig, "assignment")?,
        arm(del, del_sig, "deletion")?,
    );
    let pred = match (
        set.map(|f| cfg_pred(&f.attrs)),
        del.map(|f| cfg_pred(&f.attrs)),
    ) {
        (Some(a), Some(b)) => either(&a, &b),
        (Some(p), None) | (None, Some(p)) => p,
        (None, None) => None,
    };
    let body = quote!(match __v {
        ::core::option::Option::Some(__v) => #set_arm,
        ::core::option::Option::None => #del_arm,
    });
    gen.special("__setitem__", slot_name, assign_sig, cfg_attr(&pred), body);
    Ok(())
}
