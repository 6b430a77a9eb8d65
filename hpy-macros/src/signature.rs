//! `#[hpy_method(signature = (a, /, b=2, *args, c, d=None, **kwargs))]`: parsing and checks.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::{Expr, Ident, Token};

/// One item of a signature, as written.
pub enum Item {
    /// `/`: the parameters before it are positional-only.
    Slash(Span),
    /// `*`: the parameters after it are keyword-only.
    Star(Span),
    /// `*args`.
    VarArgs(Ident),
    /// `**kwargs`.
    VarKw(Ident),
    /// `name` or `name = default`.
    Param(Ident, Option<Expr>),
}

/// A parsed signature: the items between the parentheses.
pub struct Signature {
    pub items: Vec<Item>,
}

impl Parse for Signature {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut items = Vec::new();
        while !input.is_empty() {
            let item = if input.peek(Token![/]) {
                Item::Slash(input.parse::<Token![/]>()?.span)
            } else if input.peek(Token![*]) {
                let star: Token![*] = input.parse()?;
                if input.peek(Token![*]) {
                    input.parse::<Token![*]>()?;
                    Item::VarKw(input.parse()?)
                } else if input.peek(Ident) {
                    Item::VarArgs(input.parse()?)
                } else {
                    Item::Star(star.span)
                }
            } else {
                let name: Ident = input.parse()?;
                let default = if input.peek(Token![=]) {
                    input.parse::<Token![=]>()?;
                    Some(input.parse::<Expr>()?)
                } else {
                    None
                };
                Item::Param(name, default)
            };
            items.push(item);
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(Signature { items })
    }
}

/// The kind of a parameter in the Python signature.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    PositionalOnly,
    PositionalOrKeyword,
    KeywordOnly,
    VarArgs,
    VarKw,
}

/// A checked parameter: its name, kind and default (if any).
pub struct Checked {
    pub name: Ident,
    pub kind: Kind,
    pub default: Option<Expr>,
}

/// Checks the signature's shape as Python does for a `def`; several errors are reported at once.
pub fn check(sig: Signature) -> syn::Result<Vec<Checked>> {
    let mut out: Vec<Checked> = Vec::new();
    let mut errors: Option<syn::Error> = None;
    let mut error = |span: Span, msg: &str| {
        let e = syn::Error::new(span, format!("invalid signature: {msg}"));
        match &mut errors {
            Some(all) => all.combine(e),
            None => errors = Some(e),
        }
    };
    let mut seen_slash = false;
    let mut star_seen = false; // `*` or `*args`
    let mut bare_star: Option<Span> = None; // a `*` not yet followed by a named parameter
    let mut seen_varkw = false;
    let mut seen_default = false;
    let mut names: Vec<String> = Vec::new();
    for item in sig.items {
        if seen_varkw {
            let span = match &item {
                Item::Slash(s) | Item::Star(s) => *s,
                Item::VarArgs(n) | Item::VarKw(n) | Item::Param(n, _) => n.span(),
            };
            error(span, "`**kwargs` must be the last parameter");
            continue;
        }
        match item {
            Item::Slash(span) => {
                if seen_slash {
                    error(span, "`/` may appear only once");
                } else if star_seen {
                    error(span, "`/` must come before `*`");
                } else if out.is_empty() {
                    error(span, "at least one parameter must come before `/`");
                }
                seen_slash = true;
                for p in out.iter_mut() {
                    p.kind = Kind::PositionalOnly;
                }
            }
            Item::Star(span) => {
                if star_seen {
                    error(span, "only one `*` or `*args` is allowed");
                    continue;
                }
                star_seen = true;
                bare_star = Some(span);
            }
            Item::VarArgs(name) => {
                if star_seen {
                    error(name.span(), "only one `*` or `*args` is allowed");
                    continue;
                }
                star_seen = true;
                push_name(&mut names, &name, &mut error);
                out.push(Checked {
                    name,
                    kind: Kind::VarArgs,
                    default: None,
                });
            }
            Item::VarKw(name) => {
                seen_varkw = true;
                push_name(&mut names, &name, &mut error);
                out.push(Checked {
                    name,
                    kind: Kind::VarKw,
                    default: None,
                });
            }
            Item::Param(name, default) => {
                push_name(&mut names, &name, &mut error);
                bare_star = None;
                let kind = if star_seen {
                    Kind::KeywordOnly
                } else {
                    if default.is_some() {
                        seen_default = true;
                    } else if seen_default {
                        error(
                            name.span(),
                            "a parameter without a default follows a parameter with a default",
                        );
                    }
                    Kind::PositionalOrKeyword
                };
                out.push(Checked {
                    name,
                    kind,
                    default,
                });
            }
        }
    }
    if let Some(span) = bare_star {
        error(span, "named parameters must follow a bare `*`");
    }
    match errors {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

fn push_name(names: &mut Vec<String>, name: &Ident, error: &mut impl FnMut(Span, &str)) {
    let s = name.to_string();
    if names.contains(&s) {
        error(name.span(), &format!("duplicate parameter `{s}`"));
    }
    names.push(s);
}

/// How a default is shown in `__text_signature__`: Python literals as Python writes them,
/// anything else as `...`.
pub fn python_default(expr: &Expr) -> String {
    use syn::{ExprLit, ExprPath, ExprUnary, Lit, UnOp};
    match expr {
        Expr::Lit(ExprLit { lit, .. }) => match lit {
            Lit::Int(i) => i.base10_digits().to_owned(),
            Lit::Float(f) => f.base10_digits().to_owned(),
            Lit::Bool(b) => if b.value { "True" } else { "False" }.to_owned(),
            Lit::Str(s) => format!("{:?}", s.value()).replace('"', "'"),
            _ => "...".to_owned(),
        },
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => format!("-{}", python_default(expr)),
        Expr::Path(ExprPath { path, .. }) if path.is_ident("None") => "None".to_owned(),
        _ => "...".to_owned(),
    }
}

/// Parses the tokens of `signature = (...)`.
pub fn parse(tokens: TokenStream) -> syn::Result<Signature> {
    syn::parse2(tokens)
}
