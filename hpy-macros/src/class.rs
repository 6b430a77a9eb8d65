//! `#[hpy_class]`: a Rust struct as a Python class.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Fields, ItemStruct};

use crate::attrs::{c_string, doc_pieces, optional_doc};

/// The options of `#[hpy_class(...)]`.
#[derive(Default)]
struct ClassOptions {
    name: Option<syn::LitStr>,
    subclass: bool,
    subclass_span: Option<proc_macro2::Span>,
    default: bool,
    extends: Option<syn::Ident>,
    unsendable: bool,
    generic: bool,
}

fn parse_options(attr: TokenStream) -> syn::Result<ClassOptions> {
    use syn::parse::Parser;
    let mut opts = ClassOptions::default();
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("name") {
            opts.name = Some(meta.value()?.parse()?);
        } else if meta.path.is_ident("subclass") {
            opts.subclass = true;
            opts.subclass_span = Some(meta.path.span());
        } else if meta.path.is_ident("default") {
            opts.default = true;
        } else if meta.path.is_ident("unsendable") {
            opts.unsendable = true;
        } else if meta.path.is_ident("generic") {
            opts.generic = true;
        } else if meta.path.is_ident("extends") {
            let id: syn::Ident = meta.value()?.call(syn::ext::IdentExt::parse_any)?;
            if !["float", "list"].contains(&id.to_string().as_str()) {
                return Err(syn::Error::new(
                    id.span(),
                    "#[hpy_class]: `extends` takes `float` or `list`; instances of int, str, tuple and type keep a variable-size part where HPy would put the Rust value",
                ));
            }
            opts.extends = Some(id);
        } else {
            return Err(meta.error(
                "unknown option for #[hpy_class]: expected `name = \"...\"`, `subclass`, `default`, `unsendable`, `generic` or `extends = float|list`",
            ));
        }
        Ok(())
    });
    parser.parse2(attr)?;
    Ok(opts)
}

/// Whether `ty` is `Field` (by its last path segment).
fn is_field(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == "Field" && s.arguments.is_empty()))
}

/// The SDK's types that are valid for one call (their lifetime is the call's context's).
const CALL_TYPES: &[&str] = &[
    "Handle",
    "Context",
    "Obj",
    "Str",
    "Bytes",
    "Tuple",
    "TupleBuilder",
    "List",
    "ListBuilder",
    "Dict",
    "Capsule",
    "Int",
    "Slice",
    "Type",
];

/// The first of the SDK's per-call types (`Handle<'_>`, `Str<'_>`, `Context<'_>`, ...) that `ty`
/// holds anywhere (`Option<Handle<'static>>`, `Vec<Str<'a>>`): a name in `CALL_TYPES` with a
/// lifetime argument.
fn call_type_in(ty: &syn::Type) -> Option<(String, proc_macro2::Span)> {
    struct Finder(Option<(String, proc_macro2::Span)>);
    impl<'a> syn::visit::Visit<'a> for Finder {
        fn visit_path_segment(&mut self, seg: &'a syn::PathSegment) {
            let with_lifetime = matches!(&seg.arguments, syn::PathArguments::AngleBracketed(a)
                if a.args.iter().any(|g| matches!(g, syn::GenericArgument::Lifetime(_))));
            let name = seg.ident.to_string();
            if self.0.is_none() && with_lifetime && CALL_TYPES.contains(&name.as_str()) {
                self.0 = Some((name, seg.ident.span()));
            }
            syn::visit::visit_path_segment(self, seg);
        }
    }
    let mut finder = Finder(None);
    syn::visit::Visit::visit_type(&mut finder, ty);
    finder.0
}

/// Reads and removes `#[hpy(get, set, name = "...")]` from a struct member.
fn member_options(
    attrs: &mut Vec<syn::Attribute>,
) -> syn::Result<(bool, bool, Option<syn::LitStr>)> {
    let (mut get, mut set, mut name) = (false, false, None);
    let mut err = None;
    attrs.retain(|a| {
        if !a.path().is_ident("hpy") {
            return true;
        }
        let r = a.parse_nested_meta(|meta| {
            if meta.path.is_ident("get") {
                get = true;
            } else if meta.path.is_ident("set") {
                set = true;
            } else if meta.path.is_ident("name") {
                name = Some(meta.value()?.parse()?);
            } else {
                return Err(meta.error("expected `get`, `set` or `name = \"...\"`"));
            }
            Ok(())
        });
        if let Err(e) = r {
            err = Some(e);
        }
        false
    });
    match err {
        Some(e) => Err(e),
        None => Ok((get, set, name)),
    }
}

/// What the members of an `#[hpy_class]` struct give the class.
#[derive(Default)]
struct Members {
    /// `offset_of!` each `Field` member.
    field_offsets: Vec<TokenStream>,
    /// The getter and setter markers and definition statics of `#[hpy(get, set)]` members.
    items: Vec<TokenStream>,
    /// References to those definitions.
    defs: Vec<TokenStream>,
    /// (Python name, type, get, set) for the stub.
    stub: Vec<(String, syn::Type, bool, bool)>,
}

/// The error for a member holding a value valid during one call (`Handle`, `Context`, ...).
fn call_type_error(member: &syn::Ident, name: &str, span: proc_macro2::Span) -> syn::Error {
    let what = if name == "Context" {
        "the context of a call".to_owned()
    } else {
        format!("a `{name}`")
    };
    syn::Error::new(
        span,
        format!("#[hpy_class]: use a `Field` member to keep a Python object in an instance: {what} is valid only during one call, and the instance outlives it; write `{member}: Field` and read and write it with `Obj::load` and `Obj::store` (or keep module-wide objects in a `Global`)"),
    )
}

/// Reads the members of the struct `ident` (taking their `#[hpy(...)]` options off).
fn members(
    ident: &syn::Ident,
    fields: &mut syn::FieldsNamed,
    opts: &ClassOptions,
) -> syn::Result<Members> {
    let mut out = Members::default();
    for f in fields.named.iter_mut() {
        let (get, set, name) = member_options(&mut f.attrs)?;
        let member = f.ident.clone().expect("named member");
        let ty = &f.ty;
        if let Some((name, span)) = call_type_in(ty) {
            return Err(call_type_error(&member, &name, span));
        }
        if is_field(ty) {
            if opts.subclass {
                return Err(syn::Error::new(
                    ty.span(),
                    "#[hpy_class(subclass)]: a class with `Field` members cannot be subclassed in Python: HPy 0.9 neither visits nor releases the fields of instances of Python subclasses (CPython crashes freeing them)",
                ));
            }
            if get || set {
                return Err(syn::Error::new(
                    ty.span(),
                    "#[hpy_class]: a `Field` is read with `Obj::load`, not with #[hpy(get, set)]",
                ));
            }
            out.field_offsets
                .push(quote!(::core::mem::offset_of!(#ident, #member)));
            continue;
        }
        if !get && !set {
            continue;
        }
        let attr_name = name
            .map(|l| l.value())
            .unwrap_or_else(|| member.to_string().trim_start_matches("r#").to_owned());
        out.stub.push((attr_name.clone(), ty.clone(), get, set));
        let c_attr = c_string(&attr_name, member.span())?;
        let c_mdoc = optional_doc(&doc_pieces(&f.attrs));
        let getter = if get {
            let g = format_ident!("__hpy_get_{}", member);
            out.items.push(quote_spanned! {ty.span()=>
                #[allow(non_camel_case_types)]
                struct #g;
                impl ::hpy::__private::UnarySlot for #g {
                    const NAME: &'static str = #attr_name;
                    fn call<'ctx>(ctx: ::hpy::Context<'ctx>, __self: &::hpy::Handle<'ctx>) -> ::hpy::HPyResult<::hpy::Handle<'ctx>> {
                        let __this = ::hpy::__private::attr_this::<#ident>(__self, #attr_name)?;
                        let __value: #ty = ::core::clone::Clone::clone(&__this.borrow()?.#member);
                        ::hpy::IntoPython::into_python(__value, ctx)
                    }
                }
            });
            quote!(::core::option::Option::Some(::hpy::__private::property_get::<#g>()))
        } else {
            quote!(::core::option::Option::None)
        };
        let setter = if set {
            let st = format_ident!("__hpy_set_{}", member);
            out.items.push(quote_spanned! {ty.span()=>
                #[allow(non_camel_case_types)]
                struct #st;
                impl ::hpy::__private::SetterSlot for #st {
                    const NAME: &'static str = #attr_name;
                    fn call<'ctx>(_ctx: ::hpy::Context<'ctx>, __self: &::hpy::Handle<'ctx>, __value: ::core::option::Option<&::hpy::Handle<'ctx>>) -> ::hpy::HPyResult<()> {
                        let __value: #ty = ::hpy::__private::setter_value(__value, #attr_name)?;
                        let __this = ::hpy::__private::attr_this::<#ident>(__self, #attr_name)?;
                        __this.borrow_mut()?.#member = __value;
                        ::core::result::Result::Ok(())
                    }
                }
            });
            quote!(::core::option::Option::Some(::hpy::__private::property_set::<#st>()))
        } else {
            quote!(::core::option::Option::None)
        };
        let def = format_ident!("__HPY_MEMBER_{}", member);
        out.items.push(quote! {
            #[allow(non_upper_case_globals)]
            static #def: ::hpy::__private::StaticDef = {
                static __P: ::hpy::__private::Property = ::hpy::__private::property(#c_attr, #c_mdoc, #getter, #setter);
                ::hpy::__private::getset_def(&__P)
            };
        });
        out.defs.push(quote!(&#def));
    }
    Ok(out)
}

/// The compile-time checks of the class's value: not `Drop` for a `subclass` class, `Send`
/// unless `unsendable`.
fn value_checks(ident: &syn::Ident, opts: &ClassOptions) -> TokenStream {
    // HPy 0.9 runs no `tp_destroy` for an instance of a Python subclass on CPython (the value
    // would leak) and PyPy crashes running it: a subclassable class must not need `Drop`.
    let no_drop = opts.subclass_span.map(|span| {
        quote_spanned! {span=>
            const _: () = ::core::assert!(
                !::core::mem::needs_drop::<#ident>(),
                "#[hpy_class(subclass)]: the value of a class that Python code may subclass must not need Drop (no String, Vec, Box, ...): HPy 0.9 does not destroy instances of Python subclasses"
            );
        }
    });
    // Any thread holding the GIL may use an instance and drop it: the value must be `Send`,
    // unless the class opts out and has every use checked against the creating thread.
    let send_check = (!opts.unsendable).then(|| {
        quote_spanned! {ident.span()=>
            const _: () = {
                #[allow(unused_imports)]
                use ::hpy::__private::NotSend as _;
                ::hpy::__private::class_value_is_send::<#ident, { ::hpy::__private::SendProbe::<#ident>::IS_SEND }>()
            };
        }
    });
    quote!(#no_drop #send_check)
}

/// What a module names to add the class: only a module uses it, so rustc reports it (and the
/// hint it reads) when none does; spanned at the name, as a lint is not reported inside a
/// macro's own output.
fn class_ref(ident: &syn::Ident, vis: &syn::Visibility, export: &syn::Ident) -> TokenStream {
    let hint = format_ident!(
        "hpy_class_{}_is_in_no_module__add_hpy_export_use_of_it_to_the_hpy_module_mod",
        ident,
        span = ident.span()
    );
    // At most `pub(crate)`, so that a public class that no module adds is reported too.
    let vis_ref = match vis {
        syn::Visibility::Inherited => quote!(),
        syn::Visibility::Public(p) => quote_spanned!(p.span=> pub(crate)),
        other => quote!(#other),
    };
    quote_spanned! {ident.span()=>
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        const #hint: () = ();
        /// What `#[hpy_export] use` and `#[hpy_module]` name to add the class to a module.
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        #vis_ref static #ident: ::hpy::ClassRef<#ident> = {
            let () = #hint;
            ::hpy::ClassRef::new(&#export)
        };
    }
}

/// The class's `ClassSpec` expression.
fn class_spec(
    opts: &ClassOptions,
    c_name: &proc_macro2::Literal,
    c_doc: &TokenStream,
    field_offsets: &[TokenStream],
) -> TokenStream {
    let shape = match opts.extends.as_ref().map(|i| i.to_string()) {
        None => quote!(Object),
        Some(s) if s == "float" => quote!(Float),
        Some(_) => quote!(List),
    };
    let (subclass, generic_new, unsendable, generic) =
        (opts.subclass, opts.default, opts.unsendable, opts.generic);
    quote! {
        ::hpy::__private::ClassSpec {
            name: #c_name,
            doc: #c_doc,
            shape: ::hpy::BuiltinShape::#shape,
            subclass: #subclass,
            field_offsets: &[#(#field_offsets),*],
            generic_new: #generic_new,
            unsendable: #unsendable,
            generic: #generic,
        }
    }
}

pub fn expand_class(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let opts = parse_options(attr)?;
    let mut s: ItemStruct = syn::parse2(item)?;
    if !s.generics.params.is_empty() {
        return Err(syn::Error::new(
            s.generics.span(),
            "#[hpy_class]: generic structs are not supported",
        ));
    }
    let ident = s.ident.clone();
    let Fields::Named(fields) = &mut s.fields else {
        return Err(syn::Error::new(
            s.ident.span(),
            "#[hpy_class] needs a struct with named members (`struct Name { ... }`; write `struct Name {}` for none)",
        ));
    };
    let members = members(&ident, fields, &opts)?;
    let py_name = opts
        .name
        .as_ref()
        .map(|l| l.value())
        .unwrap_or_else(|| ident.to_string());
    let c_name = c_string(&py_name, ident.span())?;
    let c_doc = optional_doc(&doc_pieces(&s.attrs));
    let lazy_default = if opts.default || opts.extends.is_some() {
        quote_spanned!(ident.span()=> ::core::option::Option::Some(<Self as ::core::default::Default>::default()))
    } else {
        quote!(::core::option::Option::None)
    };
    let checks = value_checks(&ident, &opts);
    let export = format_ident!("__HPY_CLASS_{}", ident);
    let class_ref = class_ref(&ident, &s.vis, &export);
    let stub = crate::stub::class_const(
        &ident,
        &py_name,
        opts.extends.as_ref(),
        opts.subclass,
        &members.stub,
    );
    let Members {
        field_offsets,
        items: member_items,
        defs: member_defs,
        ..
    } = members;
    let n_members = member_defs.len();
    let spec = class_spec(&opts, &c_name, &c_doc, &field_offsets);
    Ok(quote! {
        #s
        #checks
        #stub

        /// The type object's export (made when a module that adds the class is created).
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        static #export: ::hpy::ClassExport<#ident> = ::hpy::ClassExport::new();
        #class_ref

        // SAFETY: the offsets are those of every `Field` member, and `export` is the class's own.
        unsafe impl ::hpy::HPyClass for #ident {
            const SPEC: ::hpy::__private::ClassSpec = #spec;
            fn export() -> &'static ::hpy::ClassExport<Self> {
                &#export
            }
            fn member_defines() -> &'static [&'static ::hpy::__private::StaticDef] {
                #(#member_items)*
                static __DEFS: [&::hpy::__private::StaticDef; #n_members] = [#(#member_defs),*];
                &__DEFS
            }
            fn methods() -> ::hpy::__private::ClassDefs {
                #[allow(unused_imports)]
                use ::hpy::__private::{HasMethods as _, NoMethods as _};
                (&::hpy::__private::MethodsOf::<Self>::new()).class_methods()
            }
            fn lazy_default() -> ::core::option::Option<Self> {
                #lazy_default
            }
        }

        impl<'ctx> ::hpy::IntoPython<'ctx> for #ident {
            fn into_python(self, ctx: ::hpy::Context<'ctx>) -> ::hpy::HPyResult<::hpy::Handle<'ctx>> {
                ::hpy::Obj::new(ctx, self).map(::hpy::Obj::into_handle)
            }
        }
    })
}
