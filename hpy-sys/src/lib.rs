//! Raw bindings to HPy's universal ABI, version 0.9.
//!
//! Everything here is generated at build time by bindgen from the headers of an installed HPy
//! (see the crate's `build.rs` for how they are found), with `HPY_ABI_UNIVERSAL` defined. Nothing
//! is hand-copied: the only hand-written part of this crate is the set of layout assertions below,
//! which pin the facts the safe `hpy` crate relies on.
//!
//! The context (`HPyContext`) is a table of function pointers and handle constants. HPy only ever
//! appends members to it, and the SDK only touches members 0 to 262 (the HPy 0.9.0 set), so the
//! same binary runs on runtimes whose context is longer (PyPy 3.11 appends ten members).
//!
//! HPy's context-only helper functions (`HPyArg_Parse*`, `HPy_BuildValue`, `HPyUnicode_FromFormat`,
//! `HPyErr_Format`, `HPyHelpers_*`, `HPyStructSequence_*`) are compiled from the installed runtime
//! sources and linked into the extension.

#![no_std]
#![allow(non_upper_case_globals, non_camel_case_types, non_snake_case)]
#![allow(missing_docs, clippy::all)]

include!(concat!(env!("OUT_DIR"), "/bindings.rs"));
include!(concat!(env!("OUT_DIR"), "/context_members.rs"));

/// The HPy ABI major version a module built with these bindings requires.
pub const ABI_VERSION: u32 = HPY_ABI_VERSION;
/// The HPy ABI minor version a module built with these bindings requires.
pub const ABI_VERSION_MINOR: u32 = HPY_ABI_VERSION_MINOR;

/// The null handle.
pub const HPy_NULL: HPy = HPy { _i: 0 };

/// Offset in these headers' `HPyContext` of the first member of the context's *tail*: the
/// members HPy 0.9.0 gives indices 244 to 262 (`ctx_Capsule_New` ... `ctx_CallMethod`).
///
/// HPy after 0.9.0 (the 0.9.1.dev that PyPy 3.11 vendors) places `h_DictType` in front of them,
/// so on such a runtime, and in bindings generated from its headers, every tail member sits one
/// slot (8 bytes) later than in HPy 0.9.0. Code that reads tail members must add
/// `(runtime slots - HEADER_TAIL_SHIFT) * 8` to their offsets; the safe `hpy` crate does.
pub const TAIL_START: usize = core::mem::offset_of!(_HPyContext_s, ctx_Capsule_New);

/// How many slots these headers place the tail later than HPy 0.9.0 does (0 or 1).
pub const HEADER_TAIL_SHIFT: usize = if cfg!(hpy_dict_type_before_tail) {
    1
} else {
    0
};

// Layout facts of HPy 0.9.0 on LP64 that the safe layer depends on. A header set that differs
// fails the build here rather than misbehaving at run time.
const _: () = {
    use core::mem::{offset_of, size_of};
    assert!(size_of::<HPy>() == 8);
    assert!(size_of::<HPyDef>() == 64);
    assert!(size_of::<HPyModuleDef>() == 40);
    assert!(size_of::<HPyType_Spec>() == 56);
    assert!(size_of::<HPyType_SpecParam>() == 16);
    assert!(size_of::<_HPyFunc_args_KEYWORDS>() == 40);
    assert!(size_of::<_HPyFunc_args_VARARGS>() == 32);
    assert!(offset_of!(_HPyContext_s, abi_version) == 16);
    assert!(offset_of!(_HPyContext_s, h_None) == 24);
    assert!(offset_of!(_HPyContext_s, ctx_Dup) == 640);
    assert!(offset_of!(_HPyContext_s, ctx_CallRealFunctionFromTrampoline) == 1688);
    assert!(offset_of!(_HPyContext_s, h_ComplexType) == 1928);
    assert!(offset_of!(_HPyContext_s, h_Builtins) == 1968);
    // The tail: where HPy 0.9.0 has it, or one slot later (PyPy 3.11's headers).
    let shift = HEADER_TAIL_SHIFT * 8;
    assert!(TAIL_START == 1976 + shift);
    assert!(offset_of!(_HPyContext_s, ctx_Type_GetName) == 2048 + shift);
    assert!(offset_of!(_HPyContext_s, ctx_CallMethod) == 2120 + shift);
    // HPy 0.9.0 has exactly 2128 bytes; later runtimes append members.
    assert!(size_of::<_HPyContext_s>() >= 2128 + shift);
};
