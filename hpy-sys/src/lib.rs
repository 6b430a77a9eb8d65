//! Raw bindings to HPy's universal ABI, version 0.9.
//!
//! The bindings are bindgen's output (comments off) over HPy 0.9.0's headers with
//! `HPY_ABI_UNIVERSAL` defined, checked in under `src/generated/` and regenerated and compared by
//! `cargo xtask bindings [--check]` in the repository. Building this crate therefore needs only
//! Rust: no libclang, no Python and no HPy headers. Nothing is hand-copied: the only hand-written
//! part is the set of layout assertions below, which pin the facts the safe `hpy` crate relies on.
//! The checked-in bindings describe 64-bit targets (LP64); other targets must use the `bindgen`
//! feature.
//!
//! The context (`HPyContext`) is a table of function pointers and handle constants. HPy only ever
//! appends members to it, and the SDK only relies on members 0 to 262 (the HPy 0.9.0 set), so the
//! same binary runs on runtimes whose context is longer. PyPy 3.11's HPy (0.9.1.dev61) inserts
//! `h_DictType` before 0.9.0's last 19 members and appends nine (`ctx_AsStruct_Dict`,
//! `ctx_List_Insert`, `ctx_GetSlice`, `ctx_SetSlice`, `ctx_DelSlice`, `ctx_GetIter`,
//! `ctx_Iter_Next`, `ctx_Iter_Check`, `ctx_Slice_New`): [`pypy`] has that context's layout, for
//! code that has checked the runtime's version first.
//!
//! Features:
//! * `bindgen`: generate the bindings at build time from an installed HPy's headers (found
//!   through `HPY_INCLUDE_DIR`, or the `hpy.devel` package of `HPY_PYTHON` or `python3`); needs
//!   libclang. Headers with PyPy's layout are accepted: [`HEADER_TAIL_SHIFT`] says which.
//! * `helpers`: compile HPy's context-only C helpers (`HPyArg_Parse*`, `HPy_BuildValue`,
//!   `HPyUnicode_FromFormat`, `HPyErr_Format`, `HPyHelpers_*`, `HPyStructSequence_*`) from an
//!   installed `hpy==0.9.0` and declare them. The safe `hpy` crate does not need them.

#![no_std]
#![allow(non_upper_case_globals, non_camel_case_types, non_snake_case)]
#![allow(missing_docs, clippy::all)]

#[cfg(all(not(feature = "bindgen"), not(target_pointer_width = "64")))]
compile_error!(
    "hpy-sys's checked-in bindings describe 64-bit targets; enable the `bindgen` feature to \
     generate bindings for this one from HPy's headers"
);

#[cfg(not(feature = "bindgen"))]
include!("generated/universal.rs");
#[cfg(feature = "bindgen")]
include!(concat!(env!("OUT_DIR"), "/universal.rs"));

/// HPy's context-only C helpers, compiled from an installed HPy (feature `helpers`).
#[cfg(feature = "helpers")]
mod helpers {
    #[cfg(not(feature = "bindgen"))]
    include!("generated/helpers.rs");
    #[cfg(feature = "bindgen")]
    include!(concat!(env!("OUT_DIR"), "/helpers.rs"));
}
#[cfg(feature = "helpers")]
pub use helpers::*;

/// The context of PyPy 3.11's HPy (0.9.1.dev61): `h_DictType` before HPy 0.9.0's last 19
/// members, nine members after them, and the `HPySlot_Slot` and `HPyType_BuiltinShape` values
/// that HPy adds (`HPy_tp_descr_get`, `HPyType_BuiltinShape_Dict`) as integer constants.
///
/// Only valid for a context whose runtime reports HPy 0.9.1 or later; every other type is the
/// crate root's.
pub mod pypy {
    include!("generated/pypy.rs");

    /// The context of PyPy 3.11's HPy, as the C headers name it.
    pub type HPyContext = _HPyContext_s;
}

/// What hpy-rs's own universal runtime for CPython (`hpy_rs_runtime`) offers beyond HPy 0.9.0's
/// context. Hand-written: this is the project's own ABI, not HPy's.
///
/// Its contexts have a name containing [`hpy_rs::RUNTIME_MARK`], and their `_private` member
/// points to a static [`hpy_rs::Extensions`] table whose `magic` is [`hpy_rs::MAGIC`]. Members
/// are only ever appended; `size` says how many bytes of the table the runtime fills. A module
/// checks the name, the magic and the size before using a member, and keeps working without
/// them on every other runtime.
pub mod hpy_rs {
    use super::{HPy, HPyContext, HPy_ssize_t};

    /// The part of `HPyContext.name` that marks a context of hpy-rs's runtime.
    pub const RUNTIME_MARK: &str = "(hpy-rs runtime";

    /// `Extensions.magic`: the bytes `hpyrsExt` as a little-endian word.
    pub const MAGIC: u64 = u64::from_le_bytes(*b"hpyrsExt");

    /// `ctx_Dict_Next(ctx, dict, pos, key, value)`: the next entry of the dict `dict` (or of a
    /// subclass) in storage order, as CPython's `PyDict_Next` walks it, starting at `*pos == 0`;
    /// returns 1 and stores new handles in `*key` and `*value` (and advances `*pos`), or 0 at the
    /// end or if `dict` is not a dict. Raises nothing. Changes to the dict during a walk behave
    /// as for `PyDict_Next`.
    pub type DictNext = unsafe extern "C" fn(
        ctx: *mut HPyContext,
        dict: HPy,
        pos: *mut HPy_ssize_t,
        key: *mut HPy,
        value: *mut HPy,
    ) -> core::ffi::c_int;

    /// The table `HPyContext._private` points to in hpy-rs's runtime.
    #[repr(C)]
    #[derive(Debug, Clone, Copy)]
    pub struct Extensions {
        /// [`MAGIC`].
        pub magic: u64,
        /// The size in bytes of the table as the runtime fills it.
        pub size: usize,
        /// See [`DictNext`].
        pub ctx_Dict_Next: Option<DictNext>,
    }
}

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
    // PyPy 3.11's context: `h_DictType` where 0.9.0's tail began, the tail one slot later, and
    // nine members appended.
    assert!(offset_of!(pypy::HPyContext, h_Builtins) == 1968);
    assert!(offset_of!(pypy::HPyContext, h_DictType) == 1976);
    assert!(offset_of!(pypy::HPyContext, ctx_Capsule_New) == 1984);
    assert!(offset_of!(pypy::HPyContext, ctx_CallMethod) == 2128);
    assert!(offset_of!(pypy::HPyContext, ctx_AsStruct_Dict) == 2136);
    assert!(offset_of!(pypy::HPyContext, ctx_Slice_New) == 2200);
    assert!(size_of::<pypy::HPyContext>() == 2208);
};
