//! The universal context: one `HPyContext` for the process, filled once (with the GIL held) and
//! never freed.
//!
//! Its functions are `hpy-cpython`'s (the same code as the SDK's CPython ABI, in its
//! `extern "C"` form), except where a runtime must do more than a module compiled for the
//! CPython ABI:
//!
//! * `ctx_Type_FromSpec`, `ctx_New`, `ctx_Type_GenericNew`, `ctx_AsStruct_*`,
//!   `ctx_Type_GetBuiltinShape` and `ctx_SetCallFunction` are [`crate::types`]': the CPython
//!   ABI's versions rely on the SDK's own definitions (a `tp_destroy` slot that carries the whole
//!   `tp_dealloc`, for one), while a runtime hosts any module, C ones included, with HPy's
//!   general rules;
//! * `ctx_CallRealFunctionFromTrampoline` ([`crate::call`]): in the CPython ABI trampolines
//!   call their impl directly, so nothing there needs it;
//! * `ctx_AsPyObject`, `ctx_FromPyObject` and `ctx_AsStruct_Legacy` ([`crate::legacy`]): the
//!   hybrid ABI's, which the SDK's CPython ABI does not offer.
//!
//! A handle is the `PyObject*` itself: HPy 0.9.0's runtime adds 1 to it, to catch modules that
//! read a handle as an object, at one instruction per conversion; the debug mode is the tool for
//! catching misuse, so this runtime keeps universal handles free.

use std::sync::OnceLock;

use hpy_sys as sys;
use pyo3::Python;

/// The context's name (`HPyContext.name`).
/// It contains `hpy_sys::hpy_rs::RUNTIME_MARK`, which tells modules that `_private` points to
/// [`EXTENSIONS`].
pub const NAME: &core::ffi::CStr = c"HPy Universal ABI (hpy-rs runtime, CPython)";

/// What this runtime offers beyond HPy 0.9.0's context (`HPyContext._private` points here).
pub static EXTENSIONS: sys::hpy_rs::Extensions = sys::hpy_rs::Extensions {
    magic: sys::hpy_rs::MAGIC,
    size: core::mem::size_of::<sys::hpy_rs::Extensions>(),
    ctx_Dict_Next: Some(hpy_cpython::functions::ctx_Dict_Next),
};

/// The address of the universal context, once made.
struct ContextPtr(*mut sys::HPyContext);
// SAFETY: the context is written once, before the pointer is published, and only read after;
// the functions it holds are called with the GIL held.
unsafe impl Send for ContextPtr {}
// SAFETY: as above.
unsafe impl Sync for ContextPtr {}

static UNIVERSAL: OnceLock<ContextPtr> = OnceLock::new();

/// The universal context (made on first use; `py` proves the GIL is held, which reading
/// CPython's constants needs).
pub fn universal(_py: Python<'_>) -> *mut sys::HPyContext {
    UNIVERSAL
        .get_or_init(|| {
            let mut ctx = Box::new(sys::HPyContext::default());
            fill(&mut ctx);
            if let Some(member) = first_unfilled(&ctx) {
                let msg = format!(
                    "hpy_rs_runtime: the context member {member} was left NULL (a defect of this \
                     build of the runtime)\0"
                );
                // SAFETY: a NUL-terminated message; a context with a hole would crash the first
                // module that calls through it, so the process stops here with the reason.
                unsafe { hpy_cpython::pyo3_ffi::Py_FatalError(msg.as_ptr().cast()) };
            }
            ContextPtr(Box::into_raw(ctx))
        })
        .0
}

/// The byte offset of the first member (`h_None`) in `HPyContext`.
const FIRST_MEMBER: usize = core::mem::offset_of!(sys::HPyContext, h_None);

// Every member from `h_None` on is one pointer-sized word, named in order by `CONTEXT_MEMBERS`.
const _: () = assert!(
    FIRST_MEMBER + sys::CONTEXT_MEMBERS.len() * core::mem::size_of::<usize>()
        == core::mem::size_of::<sys::HPyContext>()
);

/// The context's members, handles (`h_*`) and functions (`ctx_*`), as (byte offset in
/// `HPyContext`, name), in order.
pub fn members() -> impl Iterator<Item = (usize, &'static str)> {
    let word = core::mem::size_of::<usize>();
    sys::CONTEXT_MEMBERS
        .iter()
        .enumerate()
        .map(move |(i, name)| (FIRST_MEMBER + i * word, *name))
}

/// The index in `hpy_sys::CONTEXT_MEMBERS` of the member at byte `offset` of `HPyContext`.
pub const fn member_index(offset: usize) -> usize {
    (offset - FIRST_MEMBER) / core::mem::size_of::<usize>()
}

/// The word of `ctx` at the byte `offset` of a member (from [`members`]).
pub fn member_word(ctx: &sys::HPyContext, offset: usize) -> usize {
    debug_assert!(offset >= FIRST_MEMBER && offset % core::mem::size_of::<usize>() == 0);
    // SAFETY: every member from `h_None` on is a pointer-sized word of the struct (asserted
    // above), and `offset` is one of theirs.
    unsafe {
        (ctx as *const sys::HPyContext)
            .cast::<u8>()
            .add(offset)
            .cast::<usize>()
            .read()
    }
}

/// The name of the first function member of `ctx` left NULL, if any.
fn first_unfilled(ctx: &sys::HPyContext) -> Option<&'static str> {
    members()
        .filter(|(_, name)| name.starts_with("ctx_"))
        .find(|&(offset, _)| member_word(ctx, offset) == 0)
        .map(|(_, name)| name)
}

/// Fills every member of `ctx`.
fn fill(ctx: &mut sys::HPyContext) {
    ctx.name = NAME.as_ptr();
    // Read only: modules never write through `_private`.
    ctx._private = (&raw const EXTENSIONS).cast_mut().cast();
    ctx.abi_version = sys::HPY_ABI_VERSION as i32;
    // SAFETY: the interpreter is running and the GIL is held (`universal`'s caller).
    unsafe { hpy_cpython::constants::fill_context(ctx) };
    hpy_cpython::functions::fill_context(ctx);
    crate::types::fill_context(ctx);
    crate::legacy::fill_context(ctx);
    ctx.ctx_CallRealFunctionFromTrampoline = Some(crate::call::member());
}
