//! The module's type-stub description: each `#[hpy_method]` and `#[hpy_exec]` function gets a
//! hidden `const __HPY_STUB_<name>: &str` holding its lines of the module's `.pyi` (a `def` with
//! Python types derived from the Rust types, or the constants `#[hpy_exec]` sets from literals),
//! and `#[hpy_module]` joins them into one exported byte array, `HPY_RS_STUB_<module>`, which
//! `cargo hpy` reads back from the built library and writes out as `<module>.pyi`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{Expr, GenericArgument, Ident, PathArguments, ReturnType, Type};

use crate::dunders;
use crate::plan::Param;
use crate::signature::{self, Kind};

/// The first line of the description: its format, for `cargo hpy` to check.
/// Format 2 adds class references (`%class:Ident%`) and the lines naming each class's Python
/// name (`#class Ident PyName`), which `cargo hpy` resolves.
const HEADER: &str = "# hpy-rs stub 2\n";

/// `__HPY_STUB_<f>`: the description of the function `f`.
pub fn stub_ident(f: &Ident) -> Ident {
    format_ident!("__HPY_STUB_{}", f)
}

/// The hidden constant holding `text`, with the visibility of the function it describes.
pub fn stub_const(vis: impl quote::ToTokens, f: &Ident, text: &str) -> TokenStream {
    let ident = stub_ident(f);
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, dead_code)]
        #vis const #ident: &str = #text;
    }
}

/// Whether the module may export classes its description does not cover: an upper-case name in
/// an `#[hpy_export] use` (a class or a `Global`, which a macro cannot tell apart).
pub fn may_hold_classes(items: &[syn::Item]) -> bool {
    fn upper(tree: &syn::UseTree) -> bool {
        match tree {
            syn::UseTree::Path(p) => upper(&p.tree),
            syn::UseTree::Name(n) => n
                .ident
                .to_string()
                .starts_with(|c: char| c.is_ascii_uppercase()),
            syn::UseTree::Rename(r) => r
                .ident
                .to_string()
                .starts_with(|c: char| c.is_ascii_uppercase()),
            syn::UseTree::Group(g) => g.items.iter().any(upper),
            syn::UseTree::Glob(_) => false,
        }
    }
    let named = |attrs: &[syn::Attribute], name: &str| {
        attrs
            .iter()
            .any(|a| a.path().segments.last().is_some_and(|s| s.ident == name))
    };
    items.iter().any(|item| match item {
        syn::Item::Use(u) => named(&u.attrs, "hpy_export") && upper(&u.tree),
        _ => false,
    })
}

/// The exported static joining the descriptions `parts` (each with its `#[cfg]`). A module that
/// `may_hold_classes` gets a module `__getattr__`, which marks its stub incomplete (PEP 484):
/// type checkers take the names it lacks as `Any` instead of reporting them missing.
pub fn module_static(
    module: &str,
    parts: &[TokenStream],
    cfgs: &[TokenStream],
    classes: &[(Ident, TokenStream)],
    incomplete: bool,
) -> TokenStream {
    let (classes, class_cfgs): (Vec<_>, Vec<_>) = classes.iter().cloned().unzip();
    let ident = format_ident!("HPY_RS_STUB_{}", module, span = Span::call_site());
    let rest = if incomplete {
        "def __getattr__(name: str) -> Any: ...\n"
    } else {
        ""
    };
    quote! {
        const __HPY_STUB_PARTS: &[&str] = {
            // A class without #[hpy_methods] has no methods to describe.
            #[allow(unused_imports)]
            use ::hpy::__private::NoStubMethods as _;
            &[
                #HEADER,
                #(#cfgs #parts,)*
                #(#class_cfgs #classes::__HPY_STUB_CLASS, #class_cfgs #classes::__HPY_STUB_METHODS,)*
                #rest
            ]
        };
        /// The module's type-stub description (read by `cargo hpy`).
        #[unsafe(no_mangle)]
        #[used]
        pub static #ident: [u8; ::hpy::__private::stub_len(__HPY_STUB_PARTS)] =
            ::hpy::__private::stub_join(__HPY_STUB_PARTS);
    }
}

/// The `def` line of a module function. `signature` is the `signature = (...)` option, if any.
pub fn function(
    py_name: &str,
    first: Option<&str>,
    params: &[Param],
    signature: Option<&TokenStream>,
    output: &ReturnType,
) -> syn::Result<String> {
    // (name, kind, has a default, Python type) in Python order.
    let mut list: Vec<(String, Kind, bool, String)> = Vec::new();
    let type_of = |name: &str| {
        params
            .iter()
            .find(|p| p.name == name)
            .map_or_else(|| "Any".to_owned(), |p| py_type(&p.ty, true))
    };
    let optional = |name: &str| params.iter().any(|p| p.name == name && p.optional);
    match signature {
        Some(tokens) => {
            for c in signature::check(signature::parse(tokens.clone())?)? {
                let name = c.name.to_string();
                let default = c.default.is_some() || optional(&name);
                list.push((name.clone(), c.kind, default, type_of(&name)));
            }
        }
        None => {
            for p in params {
                let ty = py_type(&p.ty, true);
                list.push((p.name.clone(), Kind::PositionalOrKeyword, p.optional, ty));
            }
        }
    }
    let mut out: Vec<String> = first.map(str::to_owned).into_iter().collect();
    let mut keyword_marker = false;
    for (i, (name, kind, default, ty)) in list.iter().enumerate() {
        match kind {
            Kind::VarArgs => {
                keyword_marker = true;
                out.push(format!("*{name}: Any"));
            }
            Kind::VarKw => out.push(format!("**{name}: Any")),
            _ => {
                if *kind == Kind::KeywordOnly && !keyword_marker {
                    keyword_marker = true;
                    out.push("*".to_owned());
                }
                let default = if *default { " = ..." } else { "" };
                out.push(format!("{name}: {ty}{default}"));
            }
        }
        let next_positional_only = list.get(i + 1).map(|n| n.1) == Some(Kind::PositionalOnly);
        if *kind == Kind::PositionalOnly && !next_positional_only {
            out.push("/".to_owned());
        }
    }
    let ret = match output {
        ReturnType::Default => "None".to_owned(),
        ReturnType::Type(_, t) => py_type(t, false),
    };
    if is_keyword(py_name) {
        // Not a name a stub can declare.
        return Ok(String::new());
    }
    if list.iter().any(|(name, ..)| is_keyword(name)) {
        // A parameter named like a Python keyword (`r#class`) cannot be written in a `def`.
        let first = first.map_or_else(String::new, |f| format!("{f}, "));
        return Ok(format!(
            "def {py_name}({first}*args: Any, **kwargs: Any) -> {ret}: ...\n"
        ));
    }
    Ok(format!("def {py_name}({}) -> {ret}: ...\n", out.join(", ")))
}

fn is_keyword(name: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield",
    ];
    KEYWORDS.contains(&name)
}

/// The constants an `#[hpy_exec]` function sets with `module.set_attr("NAME", value)?` at the
/// top level of its body, typed from the value where it is a literal (else `Any`), and the
/// exception classes it makes with `ctx.new_exception(...)` as `type[Base]`: the base a
/// `ctx.builtin("Name")` gives (directly or through a `let`), `Exception` without one, else
/// `BaseException`.
pub fn exec_constants(body: &syn::Block) -> String {
    // What the `let` bindings of the body hold, as far as the stub cares.
    let mut bindings: Vec<(String, Bound)> = Vec::new();
    let mut out = String::new();
    for stmt in &body.stmts {
        if let syn::Stmt::Local(local) = stmt {
            if let (syn::Pat::Ident(name), Some(init)) = (&local.pat, &local.init) {
                if let Some(bound) = bound_value(&init.expr, &bindings) {
                    bindings.push((name.ident.to_string(), bound));
                }
            }
            continue;
        }
        let expr = match stmt {
            syn::Stmt::Expr(e, _) => e,
            _ => continue,
        };
        let Expr::MethodCall(call) = strip_try(expr) else {
            continue;
        };
        if call.method != "set_attr" || call.args.len() != 2 {
            continue;
        }
        let Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(name),
            ..
        }) = &call.args[0]
        else {
            continue;
        };
        let ty = match &call.args[1] {
            Expr::Lit(l) => match &l.lit {
                syn::Lit::Int(_) => "int".to_owned(),
                syn::Lit::Float(_) => "float".to_owned(),
                syn::Lit::Bool(_) => "bool".to_owned(),
                syn::Lit::Str(_) => "str".to_owned(),
                _ => "Any".to_owned(),
            },
            Expr::Macro(m)
                if ["env", "concat", "format"]
                    .iter()
                    .any(|n| m.mac.path.is_ident(n)) =>
            {
                "str".to_owned()
            }
            value => match bound_value(value, &bindings) {
                Some(Bound::Exception(base)) => format!("type[{base}]"),
                _ => "Any".to_owned(),
            },
        };
        out.push_str(&format!("{}: {ty}\n", name.value()));
    }
    out
}

/// What a value in an `#[hpy_exec]` body is, for its stub.
#[derive(Clone)]
enum Bound {
    /// `ctx.builtin("Name")`: the built-in `Name`.
    Builtin(String),
    /// `ctx.new_exception(...)`: an exception class deriving from the named class.
    Exception(String),
}

/// `e` without `?`, `&`, parentheses and `.clone()`.
fn strip_try(e: &Expr) -> &Expr {
    match e {
        Expr::Try(t) => strip_try(&t.expr),
        Expr::Reference(r) => strip_try(&r.expr),
        Expr::Paren(p) => strip_try(&p.expr),
        Expr::MethodCall(m) if m.method == "clone" && m.args.is_empty() => strip_try(&m.receiver),
        e => e,
    }
}

/// What `e` is, given the `let` bindings before it.
fn bound_value(e: &Expr, bindings: &[(String, Bound)]) -> Option<Bound> {
    match strip_try(e) {
        Expr::Path(p) => {
            let name = p.path.get_ident()?.to_string();
            bindings
                .iter()
                .rev()
                .find(|(n, _)| *n == name)
                .map(|(_, b)| b.clone())
        }
        Expr::MethodCall(call) if call.method == "builtin" && call.args.len() == 1 => {
            match &call.args[0] {
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(Bound::Builtin(s.value())),
                _ => None,
            }
        }
        Expr::MethodCall(call) if call.method == "new_exception" && call.args.len() == 4 => {
            let base = match strip_try(&call.args[2]) {
                Expr::Path(p) if p.path.is_ident("None") => "Exception".to_owned(),
                Expr::Call(c)
                    if matches!(&*c.func, Expr::Path(p) if p.path.is_ident("Some"))
                        && c.args.len() == 1 =>
                {
                    match bound_value(&c.args[0], bindings) {
                        Some(Bound::Builtin(name)) | Some(Bound::Exception(name)) => name,
                        None => "BaseException".to_owned(),
                    }
                }
                _ => "BaseException".to_owned(),
            };
            Some(Bound::Exception(base))
        }
        _ => None,
    }
}

/// `impl Type { const __HPY_STUB_CLASS }`: the class line of an `#[hpy_class]` and its
/// `#[hpy(get, set)]` members (`(Python name, type, get, set)`).
pub fn class_const(
    ident: &Ident,
    py_name: &str,
    extends: Option<&Ident>,
    subclass: bool,
    members: &[(String, Type, bool, bool)],
) -> TokenStream {
    let base = match extends.map(ToString::to_string).as_deref() {
        Some("float") => "(float)",
        Some("list") => "(list[Any])",
        _ => "",
    };
    // Its instances carry a Rust value: no class can derive from it and another base at once.
    let mut text = String::from(if subclass {
        "@disjoint_base\n"
    } else {
        "@final\n"
    });
    text.insert_str(0, &format!("#class {ident} {py_name}\n"));
    text.push_str(&format!("class {py_name}{base}:\n    ...\n"));
    for (name, ty, get, set) in members {
        let ty = py_type(ty, false);
        match (get, set) {
            (true, true) => text.push_str(&format!("    {name}: {ty}\n")),
            (true, false) => text.push_str(&format!(
                "    @property\n    def {name}(self) -> {ty}: ...\n"
            )),
            _ => {} // Write-only: not expressible as a stub attribute.
        }
    }
    quote! {
        impl #ident {
            #[doc(hidden)]
            pub const __HPY_STUB_CLASS: &'static str = #text;
        }
    }
}

/// The stub texts of an `#[hpy_methods]` block's items, each with its `#[cfg]` predicate
/// (`all()` without one).
#[derive(Default)]
struct ClassTexts {
    /// Properties' getters: (cfg, name, type).
    getters: Vec<(TokenStream, String, String)>,
    /// Properties' setters: (name, type of the value).
    setters: Vec<(String, String)>,
    /// Methods and class attributes: (cfg, text).
    methods: Vec<(TokenStream, String)>,
    /// Operators whose slot gives no reflected form (`__concat__` is `__add__` without
    /// `__radd__`).
    no_reflected: Vec<String>,
}

/// `impl Type { const __HPY_STUB_METHODS }`: the methods, properties and special methods of an
/// `#[hpy_methods]` block, indented for the class body (read before the macro rewrites it).
pub fn methods_const(imp: &syn::ItemImpl) -> syn::Result<TokenStream> {
    // The class itself, where `Self` cannot be written.
    let self_ref = match &*imp.self_ty {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .map_or_else(|| "Any".to_owned(), |s| class_ref(&s.ident)),
        _ => "Any".to_owned(),
    };
    let mut texts = ClassTexts::default();
    for item in &imp.items {
        let syn::ImplItem::Fn(f) = item else { continue };
        describe_item(f, &self_ref, &mut texts)?;
    }
    let mut parts = Vec::new();
    for (cfg, prop, ty) in texts.getters {
        let mut text = format!("@property\ndef {prop}(self) -> {ty}: ...\n");
        if let Some((_, set_ty)) = texts.setters.iter().find(|(p, _)| *p == prop) {
            text.push_str(&format!(
                "@{prop}.setter\ndef {prop}(self, value: {set_ty}) -> None: ...\n"
            ));
        }
        parts.push((cfg, text));
    }
    let implied = implied_methods(&texts.methods, &texts.no_reflected);
    parts.extend(texts.methods);
    parts.extend(implied);
    Ok(methods_tokens(&imp.self_ty, parts))
}

/// The Python type of a function's result.
fn return_type(output: &ReturnType) -> String {
    match output {
        ReturnType::Default => "None".to_owned(),
        ReturnType::Type(_, t) => py_type(t, false),
    }
}

/// Adds the stub text of the `impl` item `f` to `texts`.
fn describe_item(f: &syn::ImplItemFn, self_ref: &str, texts: &mut ClassTexts) -> syn::Result<()> {
    use crate::model::{impl_options, impl_role, parameters, ImplRole};
    let cfg = crate::attrs::cfg_pred(&f.attrs).unwrap_or(quote!(all()));
    let opts = impl_options(f)?;
    let name = f.sig.ident.to_string();
    let sig = opts.signature.as_ref().map(|(t, _)| t);
    let role = impl_role(f)?;
    match role {
        ImplRole::CallFunction => {}
        ImplRole::New => {
            let (_, params) = parameters(&f.sig, 0)?;
            let def = function("__new__", Some("cls"), &params, sig, &ReturnType::Default)?;
            texts
                .methods
                .push((cfg, def.replace(") -> None: ...", ") -> Self: ...")));
        }
        // Refused, with the fix, where the methods are generated.
        ImplRole::Static { .. }
            if matches!(f.sig.inputs.first(), Some(syn::FnArg::Receiver(_))) => {}
        ImplRole::Static { classmethod } => {
            let (_, mut params) = parameters(&f.sig, 0)?;
            let (decorator, first) = if classmethod {
                // The first parameter receives the class.
                if !params.is_empty() {
                    params.remove(0);
                }
                ("classmethod", Some("cls"))
            } else {
                ("staticmethod", None)
            };
            let mut def = function(&name, first, &params, sig, &f.sig.output)?;
            if !classmethod {
                // `Self` means nothing in a static method: the class itself.
                def = replace_word(&def, "Self", self_ref);
            }
            texts.methods.push((cfg, format!("@{decorator}\n{def}")));
        }
        ImplRole::ClassAttr => {
            let ty = return_type(&f.sig.output);
            texts.methods.push((cfg, format!("{name}: {ty}\n")));
        }
        ImplRole::Getter(prop) => {
            parameters(&f.sig, 1)?;
            texts.getters.push((cfg, prop, return_type(&f.sig.output)));
        }
        ImplRole::Setter(prop) => {
            let (_, params) = parameters(&f.sig, 1)?;
            let ty = params
                .first()
                .map_or_else(|| "Any".to_owned(), |p| py_type(&p.ty, true));
            texts.setters.push((prop, ty));
        }
        // The buffer protocol has no Python method before 3.12 (`__buffer__`).
        _ if name == "__getbuffer__" => {}
        _ => {
            let (_, params) = parameters(&f.sig, 1)?;
            let seq = dunders::sequence_python_name(&name);
            let py_name = opts
                .name
                .as_ref()
                .map(|l| l.value())
                .or(seq.map(|(python_name, _)| python_name.to_owned()))
                .unwrap_or_else(|| name.trim_start_matches("r#").to_owned());
            // Special methods take their operands by position (`__init__` takes `#[new]`'s kind
            // of parameters).
            let dunder = matches!(role, ImplRole::NamedSpecial | ImplRole::Slot);
            let names: Vec<Ident> = params.iter().map(|p| Ident::new(&p.name, p.span)).collect();
            let positional = quote!(#(#names,)* /);
            let sig = match sig {
                None if dunder && !names.is_empty() => Some(&positional),
                sig => sig,
            };
            if seq.is_some_and(|(_, reflected)| !reflected) {
                // `sq_concat` has no reflected form (`sq_repeat` gives CPython `__rmul__` too).
                texts.no_reflected.push(py_name.clone());
            }
            let mut text = function(&py_name, Some("self"), &params, sig, &f.sig.output)?;
            if name == "__next__" {
                // `None` ends the iteration: it is not an item.
                text = text.replace(" | None: ...", ": ...");
            }
            texts.methods.push((cfg, text));
        }
    }
    Ok(())
}

/// The methods the runtime has without their being written: one number slot serves an operator
/// and its reflected form, one comparison slot all six. Each is described where no written one
/// of that name is configured in.
fn implied_methods(
    methods: &[(TokenStream, String)],
    no_reflected: &[String],
) -> Vec<(TokenStream, String)> {
    let name_of = |t: &str| t.strip_prefix("def ")?.split('(').next().map(str::to_owned);
    let written_pred = |other: &str| {
        let preds = methods
            .iter()
            .filter(|(_, t)| name_of(t).as_deref() == Some(other))
            .map(|(p, _)| p);
        quote!(any(#(#preds),*))
    };
    let mut implied: Vec<(TokenStream, String, String)> = Vec::new();
    for (cfg, text) in methods {
        let Some(name) = text.strip_prefix("def ").and_then(|t| t.split('(').next()) else {
            continue;
        };
        let mut also: Vec<String> = Vec::new();
        if no_reflected.iter().any(|n| n == name) {
        } else if let Some((forward, reflected)) = dunders::operator(name) {
            also.push(
                if name == reflected {
                    forward
                } else {
                    reflected
                }
                .to_owned(),
            );
        } else if dunders::COMPARISONS.contains(&name) {
            also.extend(dunders::COMPARISONS.iter().map(|c| (*c).to_owned()));
        }
        for other in also {
            if other != name && !implied.iter().any(|(_, n, _)| *n == other) {
                let text = text.replacen(&format!("def {name}("), &format!("def {other}("), 1);
                let written = written_pred(&other);
                implied.push((quote!(all(#cfg, not(#written))), other, text));
            }
        }
    }
    implied
        .into_iter()
        .map(|(cfg, _, text)| (cfg, text))
        .collect()
}

/// The `__HPY_STUB_METHODS` constant of `self_ty` joining `parts` (each under its `#[cfg]`).
fn methods_tokens(self_ty: &Type, parts: Vec<(TokenStream, String)>) -> TokenStream {
    let (cfgs, texts): (Vec<_>, Vec<_>) = parts
        .into_iter()
        .map(|(pred, text)| {
            (
                quote!(#[cfg(#pred)]),
                text.lines()
                    .map(|l| format!("    {l}\n"))
                    .collect::<String>(),
            )
        })
        .unzip();
    quote! {
        impl #self_ty {
            #[doc(hidden)]
            pub const __HPY_STUB_METHODS: &'static str = {
                const PARTS: &[&str] = &[#(#cfgs #texts,)*];
                const BYTES: [u8; ::hpy::__private::stub_len(PARTS)] =
                    ::hpy::__private::stub_join(PARTS);
                match ::core::str::from_utf8(&BYTES) {
                    ::core::result::Result::Ok(text) => text,
                    ::core::result::Result::Err(_) => ::core::panic!("stub text is UTF-8"),
                }
            };
        }
    }
}

/// The `#[hpy_class]` structs written in the module, each with its `#[cfg]`.
pub fn classes_in(items: &[syn::Item]) -> Vec<(Ident, TokenStream)> {
    items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s)
                if s.attrs.iter().any(|a| {
                    a.path()
                        .segments
                        .last()
                        .is_some_and(|seg| seg.ident == "hpy_class")
                }) =>
            {
                Some((
                    s.ident.clone(),
                    crate::attrs::cfg_attr(&crate::attrs::cfg_pred(&s.attrs)),
                ))
            }
            _ => None,
        })
        .collect()
}

/// The Python type of a Rust parameter (`param`) or return type.
fn py_type(ty: &Type, param: bool) -> String {
    match ty {
        Type::Reference(r) => py_type(&r.elem, param),
        Type::Paren(p) => py_type(&p.elem, param),
        Type::Group(g) => py_type(&g.elem, param),
        Type::Slice(s) if is_named(&s.elem, "u8") => "bytes".to_owned(),
        Type::Tuple(t) if t.elems.is_empty() => "None".to_owned(),
        Type::Tuple(t) => {
            let items: Vec<String> = t.elems.iter().map(|e| py_type(e, param)).collect();
            format!("tuple[{}]", items.join(", "))
        }
        Type::Path(p) => {
            let Some(last) = p.path.segments.last() else {
                return "Any".to_owned();
            };
            let args: Vec<&Type> = match &last.arguments {
                PathArguments::AngleBracketed(a) => a
                    .args
                    .iter()
                    .filter_map(|g| match g {
                        GenericArgument::Type(t) => Some(t),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let arg = |i: usize| {
                args.get(i)
                    .map_or_else(|| "Any".to_owned(), |t| py_type(t, param))
            };
            match last.ident.to_string().as_str() {
                "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64"
                | "u128" | "usize" | "Int" => "int".to_owned(),
                "f32" | "f64" | "Float" => "float".to_owned(),
                "bool" => "bool".to_owned(),
                "str" | "String" | "char" | "Str" => "str".to_owned(),
                "Bytes" => "bytes".to_owned(),
                // Any object is accepted, and its truth value taken.
                "Truthy" if param => "object".to_owned(),
                "Truthy" => "bool".to_owned(),
                "Option" => format!("{} | None", arg(0)),
                "HPyResult" | "Result" | "Box" | "Rc" | "Arc" | "Cow" => arg(0),
                "Vec" => format!("list[{}]", arg(0)),
                "HashMap" | "BTreeMap" => format!("dict[{}, {}]", arg(0), arg(1)),
                "HashSet" | "BTreeSet" => format!("set[{}]", arg(0)),
                "Dict" => "dict[Any, Any]".to_owned(),
                "List" => "list[Any]".to_owned(),
                "Tuple" => "tuple[Any, ...]".to_owned(),
                "Type" => "type".to_owned(),
                // The class whose method this is (`-> Obj<'_, Self>` of an iterator's
                // `__iter__`), another class, or a class written as the value it holds.
                "Self" => "Self".to_owned(),
                "Obj" => match args.first() {
                    Some(t) if is_named(t, "Self") => "Self".to_owned(),
                    Some(Type::Path(t)) if t.qself.is_none() => t
                        .path
                        .segments
                        .last()
                        .map_or_else(|| "Any".to_owned(), |s| class_ref(&s.ident)),
                    _ => "Any".to_owned(),
                },
                _ if args.is_empty()
                    && matches!(last.arguments, PathArguments::None)
                    && last
                        .ident
                        .to_string()
                        .starts_with(|c: char| c.is_ascii_uppercase())
                    && !NOT_CLASSES.contains(&last.ident.to_string().as_str()) =>
                {
                    class_ref(&last.ident)
                }
                _ => "Any".to_owned(),
            }
        }
        _ => "Any".to_owned(),
    }
}

/// `text` with each whole word `word` (not part of a longer name) replaced by `with`.
fn replace_word(text: &str, word: &str, with: &str) -> String {
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(word) {
        let before = rest[..i].chars().next_back();
        let after = rest[i + word.len()..].chars().next();
        out.push_str(&rest[..i]);
        if before.is_some_and(is_name) || after.is_some_and(is_name) {
            out.push_str(word);
        } else {
            out.push_str(with);
        }
        rest = &rest[i + word.len()..];
    }
    out.push_str(rest);
    out
}

/// The SDK's types (without type arguments) that are no class of the module.
const NOT_CLASSES: &[&str] = &[
    "Handle",
    "Context",
    "Capsule",
    "Slice",
    "Args",
    "Kwargs",
    "VarArgs",
    "Global",
    "Tracker",
    "Field",
    "BufferCopy",
    "Export",
    "HPyErr",
    "PanicError",
];

/// A reference to the class the Rust type `ident` may be: `cargo hpy` writes its Python name
/// where the stub describes such a class, else `Any`.
fn class_ref(ident: &Ident) -> String {
    format!("%class:{}%", ident.to_string().trim_start_matches("r#"))
}

fn is_named(ty: &Type, name: &str) -> bool {
    matches!(ty, Type::Path(p) if p.path.is_ident(name))
}

/// The stub constant beside a function definition's static: `path::<def_ident(f)>` becomes
/// `path::__HPY_STUB_f`.
pub fn stub_path(def: &TokenStream) -> TokenStream {
    let probe = crate::model::def_ident(&format_ident!("__hpy_stub_probe__")).to_string();
    let (prefix, suffix) = probe
        .split_once("__hpy_stub_probe__")
        .expect("def_ident contains the name");
    def.clone()
        .into_iter()
        .map(|t| match t {
            proc_macro2::TokenTree::Ident(i) => {
                let s = i.to_string();
                match s.strip_prefix(prefix).and_then(|r| r.strip_suffix(suffix)) {
                    Some(f) => proc_macro2::TokenTree::Ident(stub_ident(&Ident::new(f, i.span()))),
                    None => proc_macro2::TokenTree::Ident(i),
                }
            }
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn param(name: &str, ty: Type, optional: bool) -> Param {
        Param {
            name: name.to_owned(),
            span: Span::call_site(),
            ty,
            optional,
        }
    }

    #[test]
    fn a_def_follows_the_signature_and_the_rust_types() {
        let params = [
            param("a", syn::parse_quote!(&Handle<'ctx>), false),
            param("b", syn::parse_quote!(i64), false),
            param("args", syn::parse_quote!(Handle<'ctx>), false),
            param("c", syn::parse_quote!(Vec<String>), false),
            param("d", syn::parse_quote!(Option<&str>), true),
            param("kwargs", syn::parse_quote!(Handle<'ctx>), false),
        ];
        let sig = quote!(a, /, b = 2, *args, c, d = None, **kwargs);
        let ret: ReturnType = syn::parse_quote!(-> HPyResult<HashMap<String, (f64, bool)>>);
        assert_eq!(
            function("f", None, &params, Some(&sig), &ret).unwrap(),
            "def f(a: Any, /, b: int = ..., *args: Any, c: list[str], d: str | None = ..., \
             **kwargs: Any) -> dict[str, tuple[float, bool]]: ...\n"
        );
        let plain = [param("class", syn::parse_quote!(u8), false)];
        assert_eq!(
            function("g", None, &plain, None, &ReturnType::Default).unwrap(),
            "def g(*args: Any, **kwargs: Any) -> None: ...\n"
        );
    }

    #[test]
    fn constants_set_from_literals_are_typed() {
        let body: syn::Block = syn::parse_quote!({
            module.set_attr("A", 1)?;
            module.set_attr("B", env!("X"))?;
            module.set_attr("C", make())?;
            other.call()?;
            Ok(())
        });
        assert_eq!(exec_constants(&body), "A: int\nB: str\nC: Any\n");
    }

    #[test]
    fn exception_classes_are_typed_by_their_base() {
        let body: syn::Block = syn::parse_quote!({
            let base = ctx.builtin("ValueError")?;
            let err = ctx.new_exception("m.E", Some("doc"), Some(&base), None)?;
            module.set_attr("E", &err)?;
            let plain = ctx.new_exception("m.P", None, None, None)?;
            module.set_attr("P", plain)?;
            module.set_attr(
                "Q",
                &ctx.new_exception("m.Q", None, Some(&ctx.builtin("KeyError")?), None)?,
            )?;
            let sub = ctx.new_exception("m.S", None, Some(&err), None)?;
            module.set_attr("S", sub.clone())?;
            module.set_attr("U", &ctx.new_exception("m.U", None, Some(&f()), None)?)?;
            Ok(())
        });
        assert_eq!(
            exec_constants(&body),
            "E: type[ValueError]\nP: type[Exception]\nQ: type[KeyError]\nS: type[ValueError]\n\
             U: type[BaseException]\n"
        );
    }

    #[test]
    fn classes_and_self_are_named() {
        let ty = |t: Type| py_type(&t, false);
        assert_eq!(ty(syn::parse_quote!(Obj<'ctx, Self>)), "Self");
        assert_eq!(ty(syn::parse_quote!(Self)), "Self");
        assert_eq!(
            ty(syn::parse_quote!(HPyResult<Obj<'ctx, SpanIter>>)),
            "%class:SpanIter%"
        );
        assert_eq!(ty(syn::parse_quote!(Option<Point>)), "%class:Point% | None");
        assert_eq!(ty(syn::parse_quote!(Handle<'ctx>)), "Any");
        assert_eq!(ty(syn::parse_quote!(hpy::Field)), "Any");
        assert_eq!(
            replace_word("def f() -> Self | Selfish: ...", "Self", "X"),
            "def f() -> X | Selfish: ..."
        );
    }
}
