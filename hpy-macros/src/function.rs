//! `#[hpy_method]` (a module-level function) and `#[hpy_exec]` (the module's exec hook).

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, ReturnType};

use crate::callable::{callable, meth_def, Call};
use crate::model::{check_signature, def_ident, is_context, parameters, parse_options, ret_span};

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
