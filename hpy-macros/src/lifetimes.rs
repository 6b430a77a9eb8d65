//! One lifetime for the call: `Context<'_>`, `&Handle<'_>`, `Dict<'_>`, ... in a signature all
//! get the same lifetime, so values from the context and from the arguments can be mixed.

use syn::visit::Visit;
use syn::visit_mut::VisitMut;
use syn::{GenericArgument, GenericParam, Lifetime, PathArguments, Signature};

/// The types of the `hpy` crate whose lifetime parameter is the call's.
const CALL_TYPES: &[&str] = &[
    "Context",
    "Handle",
    "Str",
    "Bytes",
    "Tuple",
    "List",
    "Dict",
    "Capsule",
    "Tracker",
    "TupleBuilder",
    "ListBuilder",
    "Obj",
];

/// The types whose second lifetime parameter is the call's (the first is the borrow of the
/// call's arguments): `VarArgs<'_, 'ctx>`, `Arg<'_, 'ctx>`.
const BORROWING_TYPES: &[&str] = &["VarArgs", "Arg"];

/// Which lifetime argument of `seg` is the call's, if `seg` names a call type.
fn call_lifetime_index(seg: &syn::PathSegment) -> Option<usize> {
    if CALL_TYPES.iter().any(|t| seg.ident == t) {
        Some(0)
    } else if BORROWING_TYPES.iter().any(|t| seg.ident == t) {
        Some(1)
    } else {
        None
    }
}

/// The call's lifetime argument of a call type's path segment.
fn call_lifetime(seg: &syn::PathSegment) -> Option<&Lifetime> {
    let index = call_lifetime_index(seg)?;
    match &seg.arguments {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Lifetime(l) => Some(l),
                _ => None,
            })
            .nth(index),
        _ => None,
    }
}

/// Finds a named lifetime already used for a call type.
struct FindNamed(Option<Lifetime>);
impl Visit<'_> for FindNamed {
    fn visit_path_segment(&mut self, seg: &syn::PathSegment) {
        if self.0.is_none() {
            if let Some(l) = call_lifetime(seg) {
                if l.ident != "_" {
                    self.0 = Some(l.clone());
                }
            }
        }
        syn::visit::visit_path_segment(self, seg);
    }
}

/// Replaces `'_` in call types with the call's lifetime.
struct Unify {
    lifetime: Lifetime,
    replaced: bool,
    /// Whether every `'_` in a path counts (for the return type), not only in call types.
    all_paths: bool,
}
impl VisitMut for Unify {
    fn visit_path_segment_mut(&mut self, seg: &mut syn::PathSegment) {
        if self.all_paths || call_lifetime(seg).is_some_and(|l| l.ident == "_") {
            // In a borrowing type only the call's lifetime is unified, not the argument borrow.
            let skip = if self.all_paths {
                0
            } else {
                call_lifetime_index(seg).unwrap_or(0)
            };
            if let PathArguments::AngleBracketed(a) = &mut seg.arguments {
                let lifetimes = a.args.iter_mut().filter_map(|g| match g {
                    GenericArgument::Lifetime(l) => Some(l),
                    _ => None,
                });
                for l in lifetimes.skip(skip) {
                    if l.ident == "_" {
                        *l = Lifetime::new(&format!("'{}", self.lifetime.ident), l.span());
                        self.replaced = true;
                    }
                }
            }
        }
        syn::visit_mut::visit_path_segment_mut(self, seg);
    }
}

/// Gives every `'_` of a call type in `f`'s signature the same lifetime: the one the signature
/// already names for a call type, or a new generic one whose name says how to keep an object
/// past the call (it shows in borrow errors when a handle escapes).
pub fn unify_call_lifetimes(sig: &mut Signature) {
    let mut find = FindNamed(None);
    find.visit_signature(sig);
    let (lifetime, is_new) = match find.0 {
        Some(l) => (l, false),
        None => (
            Lifetime::new(
                "'this_call_to_keep_objects_use_hpy_global",
                sig.ident.span(),
            ),
            true,
        ),
    };
    let mut unify = Unify {
        lifetime: lifetime.clone(),
        replaced: false,
        all_paths: false,
    };
    for input in sig.inputs.iter_mut() {
        unify.visit_fn_arg_mut(input);
    }
    // In the return type, `'_` in any path (`HPyResult<Vec3<'_>>`) is the call's lifetime too,
    // which is what elision meant when the context was the only borrowed input.
    unify.all_paths = unify.replaced || !is_new;
    unify.visit_return_type_mut(&mut sig.output);
    if unify.replaced && is_new {
        sig.generics
            .params
            .insert(0, GenericParam::Lifetime(syn::LifetimeParam::new(lifetime)));
    }
}
