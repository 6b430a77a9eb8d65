//! Special methods and properties of `#[hpy_methods]`, table-driven: [`SPECIAL`] and
//! [`OPERATORS`] map each name to its slot and a [`Sig`], the row of the runtime's signature table
//! (`hpy::__private::slots`) it is called through, which says how its arguments are extracted and
//! its result converted.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{ImplItemFn, ReturnType, Type};

use crate::attrs::{c_string, cfg_attr, cfg_pred};
use crate::method;
use crate::methods::{borrow_of, either, receiver, Gen, Receiver};

/// How the generated code gets the instance (`__this`).
pub(crate) enum This<'a> {
    /// From `__self`, which the runtime has type-checked (methods and slots).
    Checked,
    /// From `__self` of the property `.0`, checked where the runtime does not (PyPy).
    Attr(&'a str),
    /// From either operand of an operator, if it is an instance.
    Operand(&'a str),
}

/// Where a parameter of a special method comes from: a parameter of the row's trait.
#[derive(Clone, Copy)]
enum Src {
    /// Extracted; a failed conversion makes the result NotImplemented (operators).
    Operand(&'static str),
    /// Extracted; a failed conversion is the error.
    Arg(&'static str),
    /// Passed on as it is (`__richcmp__`'s operator).
    Pass(&'static str),
    /// A property setter's value (`None` for `del`).
    Value(&'static str),
}
use Src::{Arg, Operand, Pass, Value};

/// How the user's result becomes the row's.
#[derive(Clone, Copy, PartialEq)]
enum Ret {
    Object,
    /// In-place operators: without a return value, the instance itself is the result.
    ObjectOrSelf,
    Bool,
    Len,
    Hash,
    /// `()` or `HPyResult<()>`.
    Unit,
    /// `Export` or `HPyResult<Export>` (`__getbuffer__`).
    Export,
}

/// A row of the runtime's signature table as a special method uses it.
pub(crate) struct Sig {
    /// The trait of `hpy::__private` the marker implements and the `Fns` constructor of the row.
    tr: &'static str,
    fns: &'static str,
    /// The trait's parameters after the instance (`__self`), and its result.
    params: &'static str,
    out: &'static str,
    /// The user's parameters after the instance (and the context), and what the error about a
    /// wrong number of them says they are.
    args: &'static [Src],
    takes: &'static str,
    ret: Ret,
}

macro_rules! sigs {
    ($($(#[$doc:meta])* $name:ident: $tr:expr, $fns:expr, $params:expr, $out:expr, [$($src:expr),*],
       $takes:expr, $ret:ident;)*) => {$(
        $(#[$doc])*
        pub(crate) const $name: Sig = Sig { tr: $tr, fns: $fns, params: $params, out: $out,
            args: &[$($src),*], takes: $takes, ret: Ret::$ret };
    )*};
}

const H: &str = "::hpy::Handle<'ctx>";
const B: &str = ", __b: &::hpy::Handle<'ctx>";
const BC: &str = ", __b: &::hpy::Handle<'ctx>, __c: &::hpy::Handle<'ctx>";
const BV: &str = ", __b: &::hpy::Handle<'ctx>, __v: ::core::option::Option<&::hpy::Handle<'ctx>>";
const V: &str = ", __v: ::core::option::Option<&::hpy::Handle<'ctx>>";
const INT: &str = "::core::ffi::c_int";
const NOTHING: &str = "no parameters besides the instance (and the context)";
const OTHER: &str = "the other operand as its only parameter";
const POW: &str = "the other operand and the modulo (None when not given)";
const KEY: &str = "the key as its only parameter";
/// The other operand of an operator (`__b` or `__self`, by the direction).
const OP: Src = Operand("");

// Name: trait, row, trait parameters after the instance, result, the user's parameters, what
// they are, result conversion.
sigs! {
    UNARY: "UnarySlot", "unaryfunc", "", H, [], NOTHING, Object;
    INPLACE: "BinarySlot", "binaryfunc", B, H, [Operand("__b")], OTHER, ObjectOrSelf;
    IPOW: "TernarySlot", "ternaryfunc", BC, H, [Operand("__b"), Operand("__c")], POW, ObjectOrSelf;
    BINOP: "BinarySlot", "binaryfunc", B, H, [OP], OTHER, Object;
    POWOP: "TernarySlot", "ternaryfunc", BC, H, [OP, Operand("__c")], POW, Object;
    BOOL: "InquirySlot", "inquiry", "", INT, [], NOTHING, Bool;
    LEN: "LenSlot", "lenfunc", "", "isize", [], NOTHING, Len;
    HASH: "HashSlot", "hashfunc", "", "isize", [], NOTHING, Hash;
    GETITEM: "BinarySlot", "binaryfunc", B, H, [Arg("__b")], KEY, Object;
    CONTAINS: "ContainsSlot", "objobjproc", B, INT, [Arg("__b")], "the item as its only parameter", Bool;
    RICHCMP: "RichCmpSlot", "richcmpfunc", ", __b: &::hpy::Handle<'ctx>, __op: ::hpy::CompareOp", H,
        [Operand("__b"), Pass("__op")], "the other operand and the `CompareOp`", Object;
    DEL: "FinalizeSlot", "destructor", "", "()", [], NOTHING, Unit;
    SETITEM: "AssignSlot", "objobjargproc", BV, "()", [Arg("__b"), Arg("__v")],
        "the key and the value", Unit;
    DELITEM: "AssignSlot", "objobjargproc", BV, "()", [Arg("__b")], KEY, Unit;
    /// A property getter.
    GETTER: "UnarySlot", "getter", "", H, [], NOTHING, Object;
    /// A property setter.
    SETTER: "SetterSlot", "setter", V, "()", [Value("__v")],
        "the new value as its only parameter", Unit;
    /// `sq_item` (`#[hpy_methods(sequence)]`), `sq_repeat`.
    INDEX: "IndexSlot", "ssizeargfunc", ", __i: isize", H, [Pass("__i")], IDX, Object;
    /// `sq_inplace_repeat`.
    IREPEAT: "IndexSlot", "ssizeargfunc", ", __i: isize", H, [Pass("__i")], IDX, ObjectOrSelf;
    /// `sq_ass_item` with a value.
    SETINDEX: "IndexAssignSlot", "ssizeobjargproc", IV, "()", [Pass("__i"), Arg("__v")],
        "the index (`isize`) and the value", Unit;
    /// `sq_ass_item` without a value.
    DELINDEX: "IndexAssignSlot", "ssizeobjargproc", IV, "()", [Pass("__i")], IDX, Unit;
    /// `sq_concat`.
    CONCAT: "BinarySlot", "binaryfunc", B, H, [Arg("__b")], OTHER, Object;
    /// `sq_inplace_concat`.
    ICONCAT: "BinarySlot", "binaryfunc", B, H, [Arg("__b")], OTHER, ObjectOrSelf;
    /// `bf_getbuffer`.
    GETBUFFER: "GetBufferSlot", "getbufferproc", "", "::hpy::Export", [], NOTHING, Export;
}

const IDX: &str = "the index (`isize`) as its only parameter";
const IV: &str = ", __i: isize, __v: ::core::option::Option<&::hpy::Handle<'ctx>>";

/// Special methods that are ordinary methods of the type, found by name by the interpreter
/// (HPy 0.9 has no slot for them). On CPython, the type's own slot (`tp_iter`, `tp_iternext`,
/// `tp_descr_get`, ...) is switched on after the type is made (`hpy::class`).
pub(crate) const METHODS: &[&str] = &[
    "__iter__",
    "__next__",
    "__reversed__",
    "__length_hint__",
    "__enter__",
    "__exit__",
    "__get__",
    "__set__",
    "__delete__",
    "__reduce__",
    "__reduce_ex__",
    "__getstate__",
    "__setstate__",
    "__getnewargs__",
    "__getnewargs_ex__",
    "__copy__",
    "__deepcopy__",
    "__format__",
    "__sizeof__",
    "__bytes__",
    "__complex__",
    "__round__",
    "__trunc__",
    "__floor__",
    "__ceil__",
    "__dir__",
    "__fspath__",
    "__getattr__",
    "__setattr__",
    "__delattr__",
];

/// Special methods of the instance alone or with fixed arguments: (name, slot, row).
#[rustfmt::skip]
const SPECIAL: &[(&str, &str, Sig)] = &[
    ("__repr__", "HPy_tp_repr", UNARY),
    ("__str__", "HPy_tp_str", UNARY),
    ("__neg__", "HPy_nb_negative", UNARY),
    ("__pos__", "HPy_nb_positive", UNARY),
    ("__abs__", "HPy_nb_absolute", UNARY),
    ("__invert__", "HPy_nb_invert", UNARY),
    ("__int__", "HPy_nb_int", UNARY),
    ("__float__", "HPy_nb_float", UNARY),
    ("__index__", "HPy_nb_index", UNARY),
    ("__iadd__", "HPy_nb_inplace_add", INPLACE),
    ("__isub__", "HPy_nb_inplace_subtract", INPLACE),
    ("__imul__", "HPy_nb_inplace_multiply", INPLACE),
    ("__itruediv__", "HPy_nb_inplace_true_divide", INPLACE),
    ("__ifloordiv__", "HPy_nb_inplace_floor_divide", INPLACE),
    ("__imod__", "HPy_nb_inplace_remainder", INPLACE),
    ("__ilshift__", "HPy_nb_inplace_lshift", INPLACE),
    ("__irshift__", "HPy_nb_inplace_rshift", INPLACE),
    ("__iand__", "HPy_nb_inplace_and", INPLACE),
    ("__ior__", "HPy_nb_inplace_or", INPLACE),
    ("__ixor__", "HPy_nb_inplace_xor", INPLACE),
    ("__imatmul__", "HPy_nb_inplace_matrix_multiply", INPLACE),
    ("__ipow__", "HPy_nb_inplace_power", IPOW),
    ("__bool__", "HPy_nb_bool", BOOL),
    ("__len__", "HPy_mp_length", LEN),
    ("__hash__", "HPy_tp_hash", HASH),
    ("__getitem__", "HPy_mp_subscript", GETITEM),
    ("__contains__", "HPy_sq_contains", CONTAINS),
    ("__richcmp__", "HPy_tp_richcompare", RICHCMP),
    ("__del__", "HPy_tp_finalize", DEL),
    ("__concat__", "HPy_sq_concat", CONCAT),
    ("__inplace_concat__", "HPy_sq_inplace_concat", ICONCAT),
    ("__repeat__", "HPy_sq_repeat", INDEX),
    ("__inplace_repeat__", "HPy_sq_inplace_repeat", IREPEAT),
    ("__getbuffer__", "HPy_bf_getbuffer", GETBUFFER),
];

/// What `#[hpy_methods(sequence)]` changes: these go to the sequence slots, with an index.
#[rustfmt::skip]
const SEQUENCE: &[(&str, &str, Sig)] = &[
    ("__len__", "HPy_sq_length", LEN),
    ("__getitem__", "HPy_sq_item", INDEX),
];

/// Operators whose instance may be either operand: (name, reflected name, slot, row).
#[rustfmt::skip]
const OPERATORS: &[(&str, &str, &str, Sig)] = &[
    ("__add__", "__radd__", "HPy_nb_add", BINOP),
    ("__sub__", "__rsub__", "HPy_nb_subtract", BINOP),
    ("__mul__", "__rmul__", "HPy_nb_multiply", BINOP),
    ("__truediv__", "__rtruediv__", "HPy_nb_true_divide", BINOP),
    ("__floordiv__", "__rfloordiv__", "HPy_nb_floor_divide", BINOP),
    ("__mod__", "__rmod__", "HPy_nb_remainder", BINOP),
    ("__divmod__", "__rdivmod__", "HPy_nb_divmod", BINOP),
    ("__lshift__", "__rlshift__", "HPy_nb_lshift", BINOP),
    ("__rshift__", "__rrshift__", "HPy_nb_rshift", BINOP),
    ("__and__", "__rand__", "HPy_nb_and", BINOP),
    ("__or__", "__ror__", "HPy_nb_or", BINOP),
    ("__xor__", "__rxor__", "HPy_nb_xor", BINOP),
    ("__matmul__", "__rmatmul__", "HPy_nb_matrix_multiply", BINOP),
    ("__pow__", "__rpow__", "HPy_nb_power", POWOP),
];

/// Whether the return type is `HPyResult<()>` or `Result<(), _>`.
fn returns_unit_result(output: &ReturnType) -> bool {
    let ReturnType::Type(_, ty) = output else {
        return false;
    };
    let Type::Path(p) = &**ty else { return false };
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    if last.ident != "HPyResult" && last.ident != "Result" {
        return false;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return false;
    };
    matches!(args.args.first(), Some(syn::GenericArgument::Type(Type::Tuple(t))) if t.elems.is_empty())
}

/// Extraction of a parameter of type `ty` into `var`.
fn extract(var: &syn::Ident, src: Src, other: &str, ty: &Type) -> TokenStream {
    let name = |s: &str| format_ident!("{}", if s.is_empty() { other } else { s });
    match src {
        Src::Operand(s) => {
            let s = name(s);
            quote_spanned! {ty.span()=>
                let #var: #ty = match ::hpy::FromPython::from_python(#s) {
                    ::core::result::Result::Ok(v) => v,
                    ::core::result::Result::Err(e) => {
                        e.discard(ctx);
                        return ::core::result::Result::Ok(ctx.not_implemented());
                    }
                };
            }
        }
        Src::Arg(s) => {
            let s = name(s);
            quote_spanned!(ty.span()=> let #var: #ty = ::hpy::FromPython::from_python(#s)?;)
        }
        Src::Pass(s) => {
            let s = name(s);
            quote!(let #var = #s;)
        }
        Src::Value(s) => {
            let s = name(s);
            quote_spanned!(ty.span()=> let #var: #ty = ::hpy::__private::setter_value(#s, Self::NAME)?;)
        }
    }
}

impl Gen<'_> {
    /// The body of a special method's `call` for the row `sig`: its parameters extracted, the
    /// instance bound, the user function called and its result converted.
    pub(crate) fn body(
        &self,
        f: &ImplItemFn,
        sig: &Sig,
        this: This<'_>,
    ) -> syn::Result<TokenStream> {
        let recv = receiver(f);
        let (takes_ctx, params) = method::parameters(&f.sig, usize::from(recv != Receiver::None))?;
        if params.len() != sig.args.len() {
            let msg = format!("#[hpy_methods]: `{}` takes {}", f.sig.ident, sig.takes);
            return Err(syn::Error::new(f.sig.inputs.span(), msg));
        }
        let other = match this {
            This::Operand("__self") => "__b",
            _ => "__self",
        };
        let vars: Vec<_> = (0..params.len())
            .map(|i| format_ident!("__arg{}", i))
            .collect();
        let extracts = (sig.args.iter().zip(&params).zip(&vars))
            .map(|((src, p), v)| extract(v, *src, other, &p.ty));
        let (borrow, pre) = borrow_of(recv);
        let self_ty = self.self_ty;
        let ctx_arg = takes_ctx.then(|| quote!(ctx,));
        let name = &f.sig.ident;
        let call =
            quote_spanned!(method::ret_span(&f.sig)=> <#self_ty>::#name(#pre #ctx_arg #(#vars),*));
        let ret = match sig.ret {
            Ret::ObjectOrSelf if matches!(f.sig.output, ReturnType::Default) => {
                quote!({ #call; ::core::result::Result::Ok(::core::clone::Clone::clone(__self)) })
            }
            // `HPyResult<()>`: the instance itself on success.
            Ret::ObjectOrSelf if returns_unit_result(&f.sig.output) => {
                quote!(#call.map(|()| ::core::clone::Clone::clone(__self)))
            }
            Ret::Object | Ret::ObjectOrSelf => {
                quote!(::hpy::__private::IntoReturn::into_return(#call, ctx))
            }
            Ret::Bool => {
                quote!(::hpy::__private::IntoValue::<bool>::into_value(#call).map(::core::primitive::i32::from))
            }
            Ret::Len => {
                quote!(::hpy::__private::IntoValue::<usize>::into_value(#call).and_then(::hpy::__private::len_value))
            }
            Ret::Hash => quote!(::hpy::__private::IntoHash::into_hash(#call)),
            Ret::Unit => quote!(::hpy::__private::IntoValue::<()>::into_value(#call)),
            Ret::Export => quote!(::hpy::__private::IntoValue::<::hpy::Export>::into_value(#call)),
        };
        let span = f.sig.ident.span();
        Ok(match this {
            This::Operand(src) => {
                let src = format_ident!("{}", src);
                quote! {
                    if let ::core::option::Option::Some(__this) = ::hpy::__private::operand::<#self_ty>(#src)? {
                        #(#extracts)* #borrow
                        return #ret;
                    }
                }
            }
            This::Checked => quote_spanned! {span=>
                #(#extracts)*
                // SAFETY: the runtime calls methods and slots with an instance of the class.
                let __this = unsafe { ::hpy::__private::this::<#self_ty>(__self) }?;
                #borrow #ret
            },
            This::Attr(prop) => quote_spanned! {span=>
                #(#extracts)*
                let __this = ::hpy::__private::attr_this::<#self_ty>(__self, #prop)?;
                #borrow #ret
            },
        })
    }

    /// A marker implementing the row's trait with `body`; its definition in `slot`, if given.
    pub(crate) fn special(
        &mut self,
        name: &str,
        slot: &str,
        sig: &Sig,
        cfg: TokenStream,
        body: TokenStream,
    ) -> syn::Ident {
        let m = self.marker("slot");
        let tr = format_ident!("{}", sig.tr);
        let params: TokenStream = sig.params.parse().expect("a row's parameters");
        let out: TokenStream = sig.out.parse().expect("a row's result");
        self.items.push(quote! {
            #cfg #[allow(non_camel_case_types)] struct #m;
            #cfg impl ::hpy::__private::#tr for #m {
                const NAME: &'static str = #name;
                fn call<'ctx>(ctx: ::hpy::Context<'ctx>, __self: &::hpy::Handle<'ctx> #params) -> ::hpy::HPyResult<#out> {
                    let _ = ctx;
                    #body
                }
            }
        });
        if !slot.is_empty() {
            let (slot, fns) = (format_ident!("{}", slot), format_ident!("{}", sig.fns));
            self.def(cfg, quote!(::hpy::__private::slot_def(::hpy::sys::HPySlot_Slot::#slot, ::hpy::__private::#fns::<#m>())));
        }
        m
    }
}

/// The special methods.
pub(crate) fn slots(gen: &mut Gen<'_>, fns: &[ImplItemFn], sequence: bool) -> syn::Result<()> {
    let find = |n: &str| fns.iter().find(|f| f.sig.ident == n);
    for f in fns {
        let name = f.sig.ident.to_string();
        let known = SPECIAL.iter().any(|s| s.0 == name)
            || OPERATORS.iter().any(|o| o.0 == name || o.1 == name)
            || ["__setitem__", "__delitem__"].contains(&name.as_str());
        if !known {
            return Err(syn::Error::new(
                f.sig.ident.span(),
                format!("#[hpy_methods]: `{name}` is not a special method HPy 0.9 supports (rename it to make it an ordinary method)"),
            ));
        }
        if receiver(f) == Receiver::None {
            return Err(syn::Error::new(
                f.sig.ident.span(),
                format!("`{name}` takes `&self`, `&mut self` or `this: &Obj<'_, Self>`"),
            ));
        }
    }
    for (n, slot, sig) in SPECIAL {
        let Some(f) = find(n) else { continue };
        let seq = SEQUENCE.iter().find(|s| sequence && s.0 == *n);
        let (slot, sig) = seq.map_or((slot, sig), |s| (&s.1, &s.2));
        let body = gen.body(f, sig, This::Checked)?;
        let cfg = cfg_attr(&cfg_pred(&f.attrs));
        let m = gen.special(n, slot, sig, cfg.clone(), body);
        if *n == "__len__" && seq.is_none() {
            // Also `sq_length`, as CPython gives a Python class with `__len__`: `len()` asks the
            // sequence slot first, and reaches the mapping one only through `PyMapping_Size`.
            gen.def(cfg, quote!(::hpy::__private::slot_def(::hpy::sys::HPySlot_Slot::HPy_sq_length, ::hpy::__private::lenfunc::<#m>())));
        }
    }
    // The instance may be either operand: an arm per direction, each returning when its
    // operand is an instance.
    for (n, rn, slot, sig) in OPERATORS {
        let (fwd, rev) = (find(n), find(rn));
        let mut arms = Vec::new();
        for (f, this) in [(fwd, "__self"), (rev, "__b")] {
            let Some(f) = f else { continue };
            let cfg = cfg_attr(&cfg_pred(&f.attrs));
            let arm = gen.body(f, sig, This::Operand(this))?;
            arms.push(quote!(#cfg #arm));
        }
        let preds = (
            fwd.map(|f| cfg_pred(&f.attrs)),
            rev.map(|f| cfg_pred(&f.attrs)),
        );
        let pred = match &preds {
            (Some(a), Some(b)) => either(a, b),
            (Some(p), None) | (None, Some(p)) => p.clone(),
            (None, None) => continue,
        };
        let body = quote!(#(#arms)* ::core::result::Result::Ok(ctx.not_implemented()));
        let m = gen.special(n, slot, sig, cfg_attr(&pred), body);
        if let (Some(_), Some(p)) = (rev, &preds.1) {
            let (name, swap) = (
                c_string(rn, Span::call_site())?,
                format_ident!(
                    "{}",
                    if sig.fns == "ternaryfunc" {
                        "SwapPow"
                    } else {
                        "Swap"
                    }
                ),
            );
            gen.reflected.push((
                cfg_attr(p),
                quote!(::hpy::__private::reflected_def::<::hpy::__private::#swap<#m>>(#name)),
            ));
        }
    }
    // `__setitem__` and `__delitem__` share `mp_ass_subscript`; each refuses without its method.
    let (set, del) = (find("__setitem__"), find("__delitem__"));
    if set.is_none() && del.is_none() {
        return Ok(());
    }
    let (set_sig, del_sig, slot_name, assign_sig) = if sequence {
        (&SETINDEX, &DELINDEX, "HPy_sq_ass_item", &SETINDEX)
    } else {
        (&SETITEM, &DELITEM, "HPy_mp_ass_subscript", &SETITEM)
    };
    let arm = |f: Option<&ImplItemFn>, sig: &Sig, what: &str| -> syn::Result<TokenStream> {
        let refuse = quote!(::core::result::Result::Err(::hpy::HPyErr::type_error(
            ::std::format!("'{}' object does not support item {}", __self.type_name(), #what)
        )));
        let Some(f) = f else { return Ok(refuse) };
        let body = gen.body(f, sig, This::Checked)?;
        Ok(match cfg_pred(&f.attrs) {
            None => quote!({ #body }),
            Some(p) => quote!({ #[cfg(#p)] let r = { #body }; #[cfg(not(#p))] let r = #refuse; r }),
        })
    };
    let (set_arm, del_arm) = (
        arm(set, set_sig, "assignment")?,
        arm(del, del_sig, "deletion")?,
    );
    let pred = match (
        set.map(|f| cfg_pred(&f.attrs)),
        del.map(|f| cfg_pred(&f.attrs)),
    ) {
        (Some(a), Some(b)) => either(&a, &b),
        (Some(p), None) | (None, Some(p)) => p,
        (None, None) => None,
    };
    let body = quote!(match __v {
        ::core::option::Option::Some(__v) => #set_arm,
        ::core::option::Option::None => #del_arm,
    });
    gen.special("__setitem__", slot_name, assign_sig, cfg_attr(&pred), body);
    Ok(())
}
