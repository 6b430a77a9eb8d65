//! The special methods (dunders) the SDK knows, in one table read by both the code generator
//! (`special.rs`: each name's slot and the [`Sig`] row of the runtime's signature table it is
//! called through) and the stub writer (`stub.rs`: which operators have a reflected form, which
//! comparisons one slot gives, the Python names of the sequence slots).

/// Where a parameter of a special method comes from: a parameter of the row's trait.
#[derive(Clone, Copy)]
pub(crate) enum Src {
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
pub(crate) enum Ret {
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
    pub(crate) tr: &'static str,
    pub(crate) fns: &'static str,
    /// The trait's parameters after the instance (`__self`), and its result.
    pub(crate) params: &'static str,
    pub(crate) out: &'static str,
    /// The user's parameters after the instance (and the context), and what the error about a
    /// wrong number of them says they are.
    pub(crate) args: &'static [Src],
    pub(crate) takes: &'static str,
    pub(crate) ret: Ret,
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
    "__set_name__",
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
pub(crate) const SPECIAL: &[(&str, &str, Sig)] = &[
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
pub(crate) const SEQUENCE: &[(&str, &str, Sig)] = &[
    ("__len__", "HPy_sq_length", LEN),
    ("__getitem__", "HPy_sq_item", INDEX),
];

/// Operators whose instance may be either operand: (name, reflected name, slot, row).
#[rustfmt::skip]
pub(crate) const OPERATORS: &[(&str, &str, &str, Sig)] = &[
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

/// The comparisons one rich-comparison slot (`__richcmp__`) gives.
pub(crate) const COMPARISONS: &[&str] =
    &["__lt__", "__le__", "__eq__", "__ne__", "__gt__", "__ge__"];

/// A binary operator whose slot also gives the reflected method: `(name, reflected name)`.
pub(crate) fn operator(name: &str) -> Option<(&'static str, &'static str)> {
    OPERATORS
        .iter()
        .find(|o| o.0 == name || o.1 == name)
        .map(|o| (o.0, o.1))
}

/// The sequence slots' methods under the names Python gives them (`__concat__` is `__add__`),
/// and whether the slot also gives the reflected form (`sq_repeat` does, `sq_concat` not).
pub(crate) fn sequence_python_name(name: &str) -> Option<(&'static str, bool)> {
    match name {
        "__concat__" => Some(("__add__", false)),
        "__repeat__" => Some(("__mul__", true)),
        "__inplace_concat__" => Some(("__iadd__", true)),
        "__inplace_repeat__" => Some(("__imul__", true)),
        _ => None,
    }
}

/// Whether `name` is the name of a special method the SDK turns into a slot.
pub(crate) fn is_slot(name: &str) -> bool {
    SPECIAL.iter().any(|s| s.0 == name)
        || OPERATORS.iter().any(|o| o.0 == name || o.1 == name)
        || ["__setitem__", "__delitem__"].contains(&name)
}
