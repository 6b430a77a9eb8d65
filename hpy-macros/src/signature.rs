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
    let mut c = Checker::default();
    for item in sig.items {
        if c.seen_varkw {
            let span = match &item {
                Item::Slash(s) | Item::Star(s) => *s,
                Item::VarArgs(n) | Item::VarKw(n) | Item::Param(n, _) => n.span(),
            };
            c.error(span, "`**kwargs` must be the last parameter");
            continue;
        }
        match item {
            Item::Slash(span) => c.slash(span),
            Item::Star(span) => c.star(span),
            Item::VarArgs(name) => c.varargs(name),
            Item::VarKw(name) => {
                c.seen_varkw = true;
                c.push(name, Kind::VarKw, None);
            }
            Item::Param(name, default) => c.param(name, default),
        }
    }
    if let Some(span) = c.bare_star {
        c.error(span, "named parameters must follow a bare `*`");
    }
    match c.errors {
        Some(e) => Err(e),
        None => Ok(c.out),
    }
}

/// What `check` has read of a signature so far.
#[derive(Default)]
struct Checker {
    out: Vec<Checked>,
    errors: Option<syn::Error>,
    seen_slash: bool,
    /// `*` or `*args`.
    star_seen: bool,
    /// A `*` not yet followed by a named parameter.
    bare_star: Option<Span>,
    seen_varkw: bool,
    seen_default: bool,
    names: Vec<String>,
}

impl Checker {
    fn error(&mut self, span: Span, msg: &str) {
        let e = syn::Error::new(span, format!("invalid signature: {msg}"));
        match &mut self.errors {
            Some(all) => all.combine(e),
            None => self.errors = Some(e),
        }
    }

    /// Records the name `name` (a duplicate is an error).
    fn name(&mut self, name: &Ident) {
        let s = name.to_string();
        if self.names.contains(&s) {
            self.error(name.span(), &format!("duplicate parameter `{s}`"));
        }
        self.names.push(s);
    }

    /// Adds the parameter `name`.
    fn push(&mut self, name: Ident, kind: Kind, default: Option<Expr>) {
        self.name(&name);
        self.out.push(Checked {
            name,
            kind,
            default,
        });
    }

    fn slash(&mut self, span: Span) {
        if self.seen_slash {
            self.error(span, "`/` may appear only once");
        } else if self.star_seen {
            self.error(span, "`/` must come before `*`");
        } else if self.out.is_empty() {
            self.error(span, "at least one parameter must come before `/`");
        }
        self.seen_slash = true;
        for p in self.out.iter_mut() {
            p.kind = Kind::PositionalOnly;
        }
    }

    fn star(&mut self, span: Span) {
        if self.star_seen {
            self.error(span, "only one `*` or `*args` is allowed");
            return;
        }
        self.star_seen = true;
        self.bare_star = Some(span);
    }

    fn varargs(&mut self, name: Ident) {
        if self.star_seen {
            self.error(name.span(), "only one `*` or `*args` is allowed");
            return;
        }
        self.star_seen = true;
        self.push(name, Kind::VarArgs, None);
    }

    fn param(&mut self, name: Ident, default: Option<Expr>) {
        self.name(&name);
        self.bare_star = None;
        let kind = if self.star_seen {
            Kind::KeywordOnly
        } else {
            if default.is_some() {
                self.seen_default = true;
            } else if self.seen_default {
                self.error(
                    name.span(),
                    "a parameter without a default follows a parameter with a default",
                );
            }
            Kind::PositionalOrKeyword
        };
        self.out.push(Checked {
            name,
            kind,
            default,
        });
    }
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
