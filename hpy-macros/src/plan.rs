//! From a function's Rust parameters (and an optional `signature`) to the Python parameter list:
//! which argument slot, `*args` or `**kwargs` feeds each Rust parameter.

use proc_macro2::Span;
use syn::{Expr, Type};

use crate::signature::{self, Checked, Kind};

/// One Python-visible Rust parameter.
pub struct Param {
    pub name: String,
    pub span: Span,
    pub ty: Type,
    /// `Option<...>`: may be omitted and then is `None`, unless the signature gives a default.
    pub optional: bool,
}

/// Where a named parameter's value comes from when the argument is missing.
pub enum Missing {
    Required,
    Default(Expr),
    None,
}

/// How a Rust parameter gets its value.
pub enum Role {
    Slot(usize, Missing),
    VarArgs,
    VarKw,
}

/// The Python parameter list of one function.
pub struct Plan {
    pub names: Vec<String>,
    pub positional_only: usize,
    pub positional: usize,
    pub required_positional: usize,
    pub required_keyword_only: Vec<bool>,
    pub varargs: bool,
    pub varkw: bool,
    /// `(a, /, b=2, *args, c, d=None, **kwargs)`.
    pub text_signature: String,
    /// One role per Rust parameter, in Rust order.
    pub roles: Vec<Role>,
}

/// All parameters positional-or-keyword, in Rust order (no `signature` given).
pub fn default_plan(params: &[Param]) -> syn::Result<Plan> {
    let mut last_optional: Option<&Param> = None;
    for p in params {
        match last_optional {
            Some(prev) if !p.optional => {
                return Err(syn::Error::new(
                    p.span,
                    format!(
                        "#[hpy_method]: required parameter `{}` follows optional parameter `{}`",
                        p.name, prev.name
                    ),
                ))
            }
            _ if p.optional => last_optional = Some(p),
            _ => {}
        }
    }
    let checked = params
        .iter()
        .map(|p| Checked {
            name: syn::Ident::new(&p.name, p.span),
            kind: Kind::PositionalOrKeyword,
            default: None,
        })
        .collect();
    build(params, checked)
}

/// The plan for an explicit `signature = (...)`.
pub fn signature_plan(
    params: &[Param],
    tokens: proc_macro2::TokenStream,
    span: Span,
) -> syn::Result<Plan> {
    let checked = signature::check(signature::parse(tokens)?)?;
    let mut errors: Option<syn::Error> = None;
    let mut error = |span: Span, msg: String| {
        let e = syn::Error::new(span, msg);
        match &mut errors {
            Some(all) => all.combine(e),
            None => errors = Some(e),
        }
    };
    for c in &checked {
        if !params.iter().any(|p| c.name == p.name) {
            error(
                c.name.span(),
                format!(
                    "invalid signature: `{}` is not a parameter of the function",
                    c.name
                ),
            );
        }
    }
    for p in params {
        if !checked.iter().any(|c| c.name == p.name) {
            error(
                span,
                format!(
                    "invalid signature: parameter `{}` is missing from the signature",
                    p.name
                ),
            );
        }
    }
    // With `Option` parameters defaulting to None, check again that positional defaults trail.
    let mut seen_default = false;
    for c in checked
        .iter()
        .filter(|c| matches!(c.kind, Kind::PositionalOnly | Kind::PositionalOrKeyword))
    {
        let optional = params.iter().any(|p| c.name == p.name && p.optional);
        if c.default.is_some() || optional {
            seen_default = true;
        } else if seen_default {
            error(
                c.name.span(),
                "invalid signature: a parameter without a default follows a parameter with a default"
                    .to_owned(),
            );
        }
    }
    if let Some(e) = errors {
        return Err(e);
    }
    build(params, checked)
}

fn build(params: &[Param], checked: Vec<Checked>) -> syn::Result<Plan> {
    let optional = |name: &syn::Ident| params.iter().any(|p| *name == p.name && p.optional);
    let mut names = Vec::new();
    let mut parts = Vec::new();
    let mut positional_only = 0;
    let mut positional = 0;
    let mut required_positional = 0;
    let mut required_keyword_only = Vec::new();
    let mut varargs = false;
    let mut varkw = false;
    let mut slot_of: Vec<(String, usize, Option<Expr>)> = Vec::new();
    let mut varargs_name: Option<String> = None;
    let mut slash_pending = false;
    let mut star_written = false;
    for c in checked {
        let name = c.name.to_string();
        if slash_pending && c.kind != Kind::PositionalOnly {
            parts.push("/".to_owned());
            slash_pending = false;
        }
        let shown = match (&c.default, optional(&c.name)) {
            (Some(d), _) => format!("{name}={}", signature::python_default(d)),
            (None, true) => format!("{name}=None"),
            (None, false) => name.clone(),
        };
        match c.kind {
            Kind::PositionalOnly | Kind::PositionalOrKeyword => {
                if c.kind == Kind::PositionalOnly {
                    positional_only += 1;
                    slash_pending = true;
                }
                if c.default.is_none() && !optional(&c.name) {
                    required_positional += 1;
                }
                positional += 1;
                parts.push(shown);
            }
            Kind::KeywordOnly => {
                if !star_written {
                    parts.push("*".to_owned());
                }
                star_written = true;
                required_keyword_only.push(c.default.is_none() && !optional(&c.name));
                parts.push(shown);
            }
            Kind::VarArgs => {
                varargs = true;
                star_written = true;
                parts.push(format!("*{name}"));
                varargs_name = Some(name);
                continue;
            }
            Kind::VarKw => {
                varkw = true;
                parts.push(format!("**{name}"));
                continue;
            }
        }
        slot_of.push((name.clone(), names.len(), c.default));
        names.push(name);
    }
    if slash_pending {
        parts.push("/".to_owned());
    }
    let roles = params
        .iter()
        .map(|p| {
            if let Some(i) = slot_of.iter().position(|(n, _, _)| *n == p.name) {
                let (_, slot, default) = slot_of.swap_remove(i);
                let missing = match default {
                    Some(expr) => Missing::Default(expr),
                    None if p.optional => Missing::None,
                    None => Missing::Required,
                };
                Role::Slot(slot, missing)
            } else if varargs_name.as_deref() == Some(p.name.as_str()) {
                Role::VarArgs
            } else {
                Role::VarKw
            }
        })
        .collect();
    Ok(Plan {
        names,
        positional_only,
        positional,
        required_positional,
        required_keyword_only,
        varargs,
        varkw,
        text_signature: format!("({})", parts.join(", ")),
        roles,
    })
}
