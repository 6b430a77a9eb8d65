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
            Err(meta.error(format!(
                "unknown option for {what}: expected `name = \"...\"`"
            )))
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

/// The doc comment as a list of `concat!` pieces, one per line, with rustdoc's leading space
/// removed from literal lines. `#[doc = some_macro!(...)]` pieces are kept as expressions.
pub fn doc_pieces(attrs: &[Attribute]) -> Vec<TokenStream> {
    let mut pieces = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let Meta::NameValue(nv) = &attr.meta {
            match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => {
                    for line in s.value().lines() {
                        let line = line.strip_prefix(' ').unwrap_or(line);
                        pieces.push(quote::quote!(#line));
                    }
                }
                other => pieces.push(quote::quote!(#other)),
            }
        }
    }
    pieces
}

/// A `&'static CStr` expression for `concat!(prefix, pieces joined by newlines)`, checked for
/// NUL characters at compile time.
pub fn doc_cstr(prefix: &str, pieces: &[TokenStream]) -> TokenStream {
    let mut parts = vec![quote::quote!(#prefix)];
    for (i, p) in pieces.iter().enumerate() {
        if i > 0 {
            parts.push(quote::quote!("\n"));
        }
        parts.push(p.clone());
    }
    quote::quote! {
        match ::core::ffi::CStr::from_bytes_with_nul(::core::concat!(#(#parts,)* "\0").as_bytes()) {
            ::core::result::Result::Ok(c) => c,
            ::core::result::Result::Err(_) => ::core::panic!("doc comments must not contain NUL characters"),
        }
    }
}

/// A C string literal (`c"..."`) token.
pub fn c_string(text: &str, span: Span) -> syn::Result<proc_macro2::Literal> {
    let c = CString::new(text).map_err(|_| {
        syn::Error::new(
            span,
            "names and doc comments must not contain NUL characters",
        )
    })?;
    let mut lit = proc_macro2::Literal::c_string(&c);
    lit.set_span(span);
    Ok(lit)
}

/// The item's `#[cfg(...)]` conditions as one predicate, `all(...)`, if it has any.
pub fn cfg_pred(attrs: &[Attribute]) -> Option<TokenStream> {
    let preds: Vec<TokenStream> = attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .filter_map(|a| a.meta.require_list().ok().map(|l| l.tokens.clone()))
        .collect();
    (!preds.is_empty()).then(|| quote::quote!(all(#(#preds),*)))
}

/// `#[cfg(...)]` for what is generated from an item with the condition `pred`, so that an item
/// configured out leaves no definition behind.
pub fn cfg_attr(pred: &Option<TokenStream>) -> TokenStream {
    pred.as_ref()
        .map_or_else(TokenStream::new, |p| quote::quote!(#[cfg(#p)]))
}

/// `None`, or `Some` of the doc comment `pieces` as a C string.
pub fn optional_doc(pieces: &[TokenStream]) -> TokenStream {
    if pieces.is_empty() {
        quote::quote!(::core::option::Option::None)
    } else {
        let d = doc_cstr("", pieces);
        quote::quote!(::core::option::Option::Some(#d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn python_identifiers() {
        assert!(is_python_identifier("add"));
        assert!(is_python_identifier("_x1"));
        assert!(is_python_identifier("é"));
        assert!(!is_python_identifier("1x"));
        assert!(!is_python_identifier("a-b"));
        assert!(!is_python_identifier(""));
    }

    #[test]
    fn name_option() {
        let n = parse_name_option(quote!(name = "py"), "#[x]").unwrap();
        assert_eq!(n.unwrap().value(), "py");
        assert!(parse_name_option(quote!(), "#[x]").unwrap().is_none());
        let err = |attr| match parse_name_option(attr, "#[x]") {
            Err(e) => e.to_string(),
            Ok(_) => panic!("accepted"),
        };
        assert!(err(quote!(nam = "py")).contains("unknown option"));
        assert!(err(quote!(name = "a", name = "b")).contains("twice"));
    }

    #[test]
    fn doc_pieces_strip_the_rustdoc_space() {
        let attrs: Vec<Attribute> = vec![
            syn::parse_quote!(#[doc = " First line."]),
            syn::parse_quote!(#[doc = "  indented"]),
            syn::parse_quote!(#[inline]),
            syn::parse_quote!(#[doc = concat!("a", "b")]),
        ];
        let pieces: Vec<String> = doc_pieces(&attrs).iter().map(|t| t.to_string()).collect();
        assert_eq!(
            pieces,
            [
                "\"First line.\"",
                "\" indented\"",
                "concat ! (\"a\" , \"b\")"
            ]
        );
    }
}
