//! `#[hpy_module]`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Item, ItemMod};

use crate::attrs::{cfg_attr, cfg_pred, doc_pieces, optional_doc, parse_name_option};
use crate::model::def_ident;

/// Whether `attr` is `#[hpy_method...]` / `#[hpy_exec]` (possibly with a path such as `hpy::`).
fn has_attr(item: &syn::ItemFn, names: &[&str]) -> bool {
    item.attrs.iter().any(|a| {
        a.path()
            .segments
            .last()
            .is_some_and(|s| names.iter().any(|n| s.ident == n))
    })
}

/// Whether a static's type is `Global` (by its last path segment).
fn is_global(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Global"))
}

/// What an `#[hpy_export] use path::{f, g, CACHE};` names: functions (their definition, `path::<def_ident(f)>`) and,
/// for upper-case names (statics, by Rust's naming convention), `Global`s (`path::CACHE`).
fn exported(
    tree: &syn::UseTree,
    prefix: TokenStream,
    defs: &mut Vec<TokenStream>,
    globals: &mut Vec<TokenStream>,
) -> syn::Result<()> {
    let mut leaf = |ident: &syn::Ident| {
        let name = ident.to_string();
        if name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') {
            let def = def_ident(ident);
            defs.push(quote!(#prefix #def));
        } else {
            globals.push(quote!(#prefix #ident));
        }
    };
    match tree {
        syn::UseTree::Path(p) => {
            let ident = &p.ident;
            exported(&p.tree, quote!(#prefix #ident ::), defs, globals)
        }
        syn::UseTree::Name(n) => {
            leaf(&n.ident);
            Ok(())
        }
        syn::UseTree::Rename(r) => {
            leaf(&r.ident);
            Ok(())
        }
        syn::UseTree::Group(g) => g
            .items
            .iter()
            .try_for_each(|t| exported(t, prefix.clone(), defs, globals)),
        syn::UseTree::Glob(g) => Err(syn::Error::new_spanned(
            g,
            "#[hpy_export] needs the functions and globals by name, not `*`",
        )),
    }
}

/// What a module lists: its definitions and its globals (classes among them), each with the
/// `#[cfg]` of the item that gives it, so that what is configured out is not listed.
#[derive(Default)]
struct Listed {
    defs: Vec<TokenStream>,
    globals: Vec<TokenStream>,
    def_cfgs: Vec<TokenStream>,
    global_cfgs: Vec<TokenStream>,
}

/// The definitions and globals of the module's items (taking `#[hpy_export]` off its `use`s).
fn listed(items: &mut [Item]) -> syn::Result<Listed> {
    let mut out = Listed::default();
    let Listed {
        defs,
        globals,
        def_cfgs,
        global_cfgs,
    } = &mut out;
    for it in items.iter_mut() {
        let attrs = match it {
            Item::Fn(f) => &f.attrs,
            Item::Static(st) => &st.attrs,
            Item::Struct(st) => &st.attrs,
            Item::Use(u) => &u.attrs,
            _ => continue,
        };
        let cfg = cfg_attr(&cfg_pred(attrs));
        match it {
            Item::Fn(f) if has_attr(f, &["hpy_method", "hpy_exec"]) => {
                let def = def_ident(&f.sig.ident);
                defs.push(quote!(#def));
            }
            Item::Static(st) if is_global(&st.ty) => {
                let name = &st.ident;
                globals.push(quote!(#name));
            }
            Item::Struct(st)
                if st.attrs.iter().any(|a| {
                    a.path()
                        .segments
                        .last()
                        .is_some_and(|s| s.ident == "hpy_class")
                }) =>
            {
                let name = &st.ident;
                globals.push(quote!(#name));
            }
            Item::Use(u) => {
                let before = u.attrs.len();
                u.attrs.retain(|a| !a.path().is_ident("hpy_export"));
                if u.attrs.len() != before {
                    u.attrs.push(syn::parse_quote!(#[allow(unused_imports)]));
                    exported(&u.tree, quote!(), defs, globals)?;
                }
            }
            _ => {}
        }
        def_cfgs.resize(defs.len(), cfg.clone());
        global_cfgs.resize(globals.len(), cfg);
    }
    Ok(out)
}

/// The module's generated statics: the exec hook adding its globals and classes, the definitions
/// (the runtime check first, with the SDK's global `PanicError`, then the globals' hook, the
/// user's definitions and the NULL terminator; the counts are of what is configured in), the
/// globals and the `HPyModuleDef`.
fn module_statics(items: &mut Vec<Item>, listed: &Listed, c_doc: &TokenStream) {
    let Listed {
        defs,
        globals,
        def_cfgs,
        global_cfgs,
    } = listed;
    let n_defs = quote!(<[()]>::len(&[#(#def_cfgs (),)*]) + 3);
    let n_globals =
        quote!(<[()]>::len(&[#(#global_cfgs (),)*]) + ::hpy::__private::SDK_GLOBALS + 1);
    items.push(syn::parse_quote! {
        #[doc(hidden)]
        struct __HpyItems;
    });
    items.push(syn::parse_quote! {
        impl ::hpy::__private::ExecHook for __HpyItems {
            fn exec<'ctx>(
                ctx: ::hpy::Context<'ctx>,
                module: &::hpy::Handle<'ctx>,
            ) -> ::hpy::HPyResult<()> {
                let _ = (ctx, module);
                #(#global_cfgs ::hpy::__private::ModuleItem::add_to_module(&#globals, ctx, module)?;)*
                ::core::result::Result::Ok(())
            }
        }
    });
    items.push(syn::parse_quote! {
        #[doc(hidden)]
        static __HPY_ITEMS_DEF: ::hpy::__private::StaticDef = ::hpy::__private::slot_def(::hpy::sys::HPySlot_Slot::HPy_mod_exec, ::hpy::__private::exec::<__HpyItems>());
    });
    items.push(syn::parse_quote! {
        #[doc(hidden)]
        static __HPY_DEFINES: ::hpy::__private::StaticCell<[*mut ::hpy::sys::HPyDef; #n_defs]> =
            ::hpy::__private::StaticCell::new([
                ::hpy::__private::RUNTIME_CHECK_DEF.get(),
                __HPY_ITEMS_DEF.get(),
                #(#def_cfgs #defs.get(),)*
                ::core::ptr::null_mut(),
            ]);
    });
    items.push(syn::parse_quote! {
        #[doc(hidden)]
        static __HPY_GLOBALS: ::hpy::__private::StaticCell<[*mut ::hpy::sys::HPyGlobal; #n_globals]> =
            ::hpy::__private::StaticCell::new(::hpy::__private::module_globals(::hpy::__private::PANIC_ERROR.as_ptr(), &::hpy::__private::KW_POOL, [#(#global_cfgs #globals.as_ptr(),)*]));
    });
    items.push(syn::parse_quote! {
        #[doc(hidden)]
        static __HPY_MODULE_DEF: ::hpy::__private::StaticCell<::hpy::sys::HPyModuleDef> =
            ::hpy::__private::module_def(#c_doc, __HPY_DEFINES.get().cast(), __HPY_GLOBALS.get().cast());
    });
}

pub fn expand_module(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let name_opt = parse_name_option(attr, "#[hpy_module]")?;
    let mut m: ItemMod = syn::parse2(item)?;
    let Some((_, items)) = &mut m.content else {
        return Err(syn::Error::new_spanned(
            &m,
            "#[hpy_module] needs an inline module body: `mod name { ... }`",
        ));
    };
    let name = name_opt
        .as_ref()
        .map(|l| l.value())
        .unwrap_or_else(|| m.ident.to_string().trim_start_matches("r#").to_owned());
    let span = m.ident.span();

    let incomplete_stub = crate::stub::may_hold_classes(items);
    let stub_classes = crate::stub::classes_in(items);
    let listed = listed(items)?;
    let c_doc = optional_doc(&doc_pieces(&m.attrs));
    let init = format_ident!("HPyInit_{}", name, span = span);
    let init_ctx = format_ident!("HPyInitGlobalContext_{}", name, span = span);
    let major = format_ident!("get_required_hpy_major_version_{}", name, span = span);
    let minor = format_ident!("get_required_hpy_minor_version_{}", name, span = span);
    module_statics(items, &listed, &c_doc);
    let pyinit = format_ident!("PyInit_{}", name, span = span);
    let c_name = syn::LitCStr::new(
        &std::ffi::CString::new(name.clone())
            .map_err(|_| syn::Error::new(span, "a module name cannot contain a NUL character"))?,
        span,
    );
    // The entry points of the ABI the `hpy` crate is built for (its `cpython-abi` feature).
    let exports: syn::File = syn::parse_quote! {
        ::hpy::__private::module_exports!(#c_name, __HPY_MODULE_DEF, #init, #init_ctx, #major, #minor, #pyinit);
    };
    items.extend(exports.items);
    let stubs: Vec<TokenStream> = listed.defs.iter().map(crate::stub::stub_path).collect();
    let stub: syn::File = syn::parse2(crate::stub::module_static(
        &name,
        &stubs,
        &listed.def_cfgs,
        &stub_classes,
        incomplete_stub,
    ))?;
    items.extend(stub.items);
    Ok(quote!(#m))
}
