//! The entry point of a callable with Python parameters: the `KeywordsMethod` or
//! `NoArgsMethod` impl that parses the arguments (by the plan of `plan.rs`), calls the user's
//! function and converts its result, for module functions (`function.rs`) and methods
//! (`class_gen.rs`).

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Ident;

use crate::attrs::{c_string, doc_cstr, doc_pieces};
use crate::model::{MethodOptions, Param};
use crate::plan::{self, Missing, Role};

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
    let keywords = call.keywords;
    let user_call = user_call(&call);
    let Call {
        setup, ret_span, ..
    } = call;
    let call = quote_spanned! {ret_span=>
        ::hpy::__private::IntoReturn::into_return(#user_call, ctx)
    };
    if params.is_empty() && !keywords {
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
    let impl_ = keywords_impl(marker, py_name, params, &plan, quote!(#setup #call));
    let n = plan.names.len();
    let all_positional_only = plan.positional_only == n && !plan.varkw;
    let convention = if keywords || !all_positional_only {
        Convention::Keywords
    } else if n == 1 && plan.required_positional == 1 && !plan.varargs {
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

/// The call of the user's function: the callee with the receiver, the context and the
/// parameters' variables (`__arg0`, ...), through `post` if given.
fn user_call(call: &Call<'_>) -> TokenStream {
    let Call {
        callee,
        pre_args,
        post,
        params,
        ..
    } = call;
    let ctx_arg = call.takes_ctx.then(|| quote!(ctx,));
    let inner = if params.is_empty() {
        quote!(#callee(#pre_args #ctx_arg))
    } else {
        let vars = (0..params.len()).map(|i| format_ident!("__arg{}", i));
        quote!(#callee(#pre_args #ctx_arg #(#vars),*))
    };
    match post {
        Some(p) => quote!(#p(#inner)),
        None => inner,
    }
}

/// The statements extracting each parameter into its variable, by its role in the plan.
fn extracts(params: &[Param], plan: &plan::Plan) -> Vec<TokenStream> {
    params
        .iter()
        .zip(&plan.roles)
        .enumerate()
        .map(|(i, (p, role))| {
            let ty = &p.ty;
            let var = format_ident!("__arg{}", i);
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
        })
        .collect()
}

/// The `KeywordsMethod` impl: the function's description, the argument parsing and `body`
/// (the setup and the call) after the extractions.
fn keywords_impl(
    marker: &Ident,
    py_name: &str,
    params: &[Param],
    plan: &plan::Plan,
    body: TokenStream,
) -> TokenStream {
    let n = plan.names.len();
    let names = &plan.names;
    let extracts = extracts(params, plan);
    let (positional_only, positional, required_positional) = (
        plan.positional_only,
        plan.positional,
        plan.required_positional,
    );
    let required_keyword_only = &plan.required_keyword_only;
    let (varargs, varkw) = (plan.varargs, plan.varkw);
    // Without `*args`/`**kwargs` only the slots are needed: taking them out of the match ends
    // its life before any conversion, so the call needs no unwinding cleanup for it.
    let bind_slots = if varargs || varkw {
        quote!(let __slots = &__matched.slots;)
    } else {
        quote!(let __slots = &__matched.into_slots();)
    };
    quote! {
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
                #body
            }
        }
    }
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
