//! Shared helpers: attribute options, doc comments, C string literals.

use proc_macro2::{Span, TokenStream};
use std::ffi::CString;
use syn::parse::Parser;
use syn::{Attribute, Expr, ExprLit, Lit, LitStr, Meta};

/// Parses `name = "..."` (the only option the attributes take today).
pub fn parse_name_option(attr: TokenStream, what: &str) -> syn::Result<Option<LitStr>> {
    let mut name = None;
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("name") {
            if name.is_some() {
                return Err(meta.error("`name` is given twice"));
            }
            let lit: LitStr = meta.value()?.parse()?;
            if !is_python_identifier(&lit.value()) {
                return Err(syn::Error::new(
                    lit.span(),
                    format!("`{}` is not a valid Python identifier", lit.value()),
                ));
            }
            name = Some(lit);
            Ok(())
        } else {
            Err(meta.error(format!("unknown option for {what}: expected `name = \"...\"`")))
        }
    });
    parser.parse2(attr)?;
    Ok(name)
}

fn is_python_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// The text of the `///` / `#[doc]` attributes, one line each, with rustdoc's leading space removed.
pub fn doc_text(attrs: &[Attribute]) -> syn::Result<String> {
    let mut lines = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let Meta::NameValue(nv) = &attr.meta {
            if let Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) = &nv.value
            {
                let v = s.value();
                for line in v.lines() {
                    lines.push(line.strip_prefix(' ').unwrap_or(line).to_owned());
                }
                continue;
            }
        }
        return Err(syn::Error::new_spanned(
            attr,
            "only string doc attributes are supported here",
        ));
    }
    Ok(lines.join("\n").trim().to_owned())
}

/// A C string literal (`c"..."`) token.
pub fn c_string(text: &str, span: Span) -> syn::Result<proc_macro2::Literal> {
    let c = CString::new(text).map_err(|_| {
        syn::Error::new(span, "names and doc comments must not contain NUL characters")
    })?;
    let mut lit = proc_macro2::Literal::c_string(&c);
    lit.set_span(span);
    Ok(lit)
}
