//! Facts about the running HPy runtime that differ between runtimes, recorded once per process.
//!
//! * **Context layout.** HPy 0.9.0's context ends with members 244 to 262 (`ctx_Capsule_New` ...
//!   `ctx_CallMethod`). The HPy that PyPy 3.11 vendors (0.9.1.dev61) inserts `h_DictType` in front
//!   of them, so there every one of them sits one slot later. `call!` applies the shift.
//! * **UTF-8.** CPython's `HPyUnicode_AsUTF8AndSize` fails for a `str` with lone surrogates;
//!   PyPy's returns their surrogate-encoded bytes, which are not UTF-8. Borrowed `&str` views are
//!   therefore validated on every runtime but CPython.
//!
//! The first thing every module built with this crate does (an exec slot that runs before any
//! user code) is ask the runtime for its HPy version and implementation name, using only context
//! members below 244, and record the answers here.

use core::sync::atomic::{AtomicBool, AtomicIsize, AtomicU64, Ordering};

use crate::sys;
use crate::{Context, ExceptionType, HPyErr, HPyResult, Handle};

/// Tail shift of the running runtime relative to these bindings, in bytes.
static TAIL_DELTA: AtomicIsize = AtomicIsize::new(0);

/// Whether `HPyUnicode_AsUTF8AndSize` always returns valid UTF-8 (false until known).
static UTF8_TRUSTED: AtomicBool = AtomicBool::new(false);

/// Whether the file-system codec is strict-compatible UTF-8, so that
/// `HPyUnicode_DecodeFSDefaultAndSize` decodes valid UTF-8 exactly as the UTF-8 codec does, from
/// a pointer and a length (false until known).
static FS_UTF8: AtomicBool = AtomicBool::new(false);

/// See [`FS_UTF8`].
#[inline(always)]
pub(crate) fn fs_utf8() -> bool {
    FS_UTF8.load(Ordering::Relaxed)
}

/// Whether the running interpreter is CPython (false until known, and on PyPy).
#[inline(always)]
pub(crate) fn is_cpython() -> bool {
    // The UTF-8 guarantee is CPython's (see `detect`).
    utf8_trusted()
}

/// Whether the runtime guarantees that the UTF-8 it hands out is valid.
#[inline(always)]
pub(crate) fn utf8_trusted() -> bool {
    UTF8_TRUSTED.load(Ordering::Relaxed)
}

/// The address of the context member at `slot` (a member of the bindings' context struct, at
/// `offset` in it), adjusted for the running runtime's layout.
#[inline(always)]
pub(crate) fn adjust<T>(slot: *const T, offset: usize) -> *const T {
    if offset >= sys::TAIL_START {
        slot.wrapping_byte_offset(TAIL_DELTA.load(Ordering::Relaxed))
    } else {
        slot
    }
}

/// How many slots a runtime with this HPy version places the tail after HPy 0.9.0's position.
fn runtime_tail_shift(version: &str) -> Option<isize> {
    let rest = version.strip_prefix("0.9.")?;
    let patch: String = rest.chars().take_while(char::is_ascii_digit).collect();
    match patch.parse::<u32>().ok()? {
        // 0.9.0 and its release candidates (PyPy 3.9/3.10 7.3.14+, GraalPy 23.1-24.2).
        0 => Some(0),
        // 0.9.1.dev61 (PyPy 3.11 7.3.18+) and the HPy master it comes from.
        _ => Some(1),
    }
}

/// Records the running runtime's layout; runs as the module's first exec slot.
pub(crate) fn detect(ctx: Context<'_>) -> HPyResult<()> {
    let module = crate::cstr::with_cstr("hpy.universal", |name| {
        // SAFETY: `Import_ImportModule` is a pre-tail member; `name` is NUL-terminated.
        unsafe { ctx.own(call!(ctx, ctx_Import_ImportModule, name)) }
    })??;
    let get_version = module.get_attr("get_version")?;
    // SAFETY: pre-tail members only; an empty tuple, then a call with no keywords.
    let version = unsafe {
        let args = ctx.own(call!(ctx, ctx_Tuple_FromArray, core::ptr::null_mut(), 0))?;
        let info = ctx.own(call!(
            ctx,
            ctx_CallTupleDict,
            get_version.as_raw(),
            args.as_raw(),
            sys::HPy_NULL
        ))?;
        ctx.own(call!(ctx, ctx_GetItem_i, info.as_raw(), 0))?
    };
    let version: &str = version.extract()?;
    let Some(shift) = runtime_tail_shift(version) else {
        return Err(HPyErr::new(
            ExceptionType::ImportError,
            format!("this extension supports HPy 0.9 runtimes, not HPy {version}"),
        ));
    };
    let delta = (shift - sys::HEADER_TAIL_SHIFT as isize) * core::mem::size_of::<usize>() as isize;
    TAIL_DELTA.store(delta, Ordering::Relaxed);

    let sys_module = crate::cstr::with_cstr("sys", |name| {
        // SAFETY: a pre-tail member; `name` is NUL-terminated.
        unsafe { ctx.own(call!(ctx, ctx_Import_ImportModule, name)) }
    })??;
    let implementation = sys_module.get_attr("implementation")?.get_attr("name")?;
    UTF8_TRUSTED.store(
        implementation.extract::<&str>()? == "cpython",
        Ordering::Relaxed,
    );
    let encoding = sys_module.call_method("getfilesystemencoding", ())?;
    let encoding = encoding.extract::<&str>()?.to_ascii_lowercase();
    FS_UTF8.store(
        matches!(encoding.as_str(), "utf-8" | "utf8"),
        Ordering::Relaxed,
    );
    Ok(())
}

/// Set when the loader hands this library a second, different context (a load in another HPy
/// mode); the module being created then fails.
static SECOND_CONTEXT: AtomicBool = AtomicBool::new(false);

/// `id(sys)` of the interpreter whose module creation ran first (0 until then).
static INTERPRETER: AtomicU64 = AtomicU64::new(0);

/// Records that the loader passed a second context (see `__private::init_global_context`).
pub(crate) fn second_context_loaded() {
    SECOND_CONTEXT.store(true, Ordering::Release);
}

/// The module's `__name__`, for messages.
fn module_name(module: &Handle<'_>) -> String {
    module
        .get_attr("__name__")
        .and_then(|n| n.extract::<String>())
        .unwrap_or_else(|e| {
            e.discard(module.ctx());
            "this module".to_owned()
        })
}

/// `ImportError` naming the first context function this crate calls that the running runtime
/// lacks (those before the context's tail, or with `tail` those of the tail, whose position
/// `detect` must have found). Runs before anything else calls into the runtime.
pub(crate) fn check_members(ctx: Context<'_>, tail: bool) -> HPyResult<()> {
    // SAFETY: `ctx` is the live context of this module's creation; the tail is only checked
    // after `detect`.
    match unsafe { crate::ffi::check_members(ctx.as_ptr(), tail) } {
        Ok(()) => Ok(()),
        Err(missing) => Err(HPyErr::new(
            ExceptionType::ImportError,
            format!(
                "the HPy runtime ({}) lacks the context function {missing}, which this extension \
                 calls",
                ctx.name()
            ),
        )),
    }
}

/// `ImportError` if this load of the library came with a second context. The library keeps
/// per-process state (the context its CPython-side trampolines hand back to the runtime, the
/// runtime's layout, its `Global`s), which can serve one context only.
pub(crate) fn refuse_second_context(module: &Handle<'_>) -> HPyResult<()> {
    if !SECOND_CONTEXT.swap(false, Ordering::AcqRel) {
        return Ok(());
    }
    Err(HPyErr::new(
        ExceptionType::ImportError,
        format!(
            "{}: this library is already loaded into another HPy context in this process (another \
             HPy mode: universal, debug or trace), and its per-process state can serve only one. \
             Load a copy of the library file for the second mode.",
            module_name(module)
        ),
    ))
}

/// `ImportError` if another interpreter of this process (a sub-interpreter) created a module of
/// this library first: its per-process state belongs to that interpreter's objects.
pub(crate) fn refuse_second_interpreter(ctx: Context<'_>, module: &Handle<'_>) -> HPyResult<()> {
    let sys_module = crate::cstr::with_cstr("sys", |name| {
        // SAFETY: a pre-tail member; `name` is NUL-terminated.
        unsafe { ctx.own(call!(ctx, ctx_Import_ImportModule, name)) }
    })??;
    let id: u64 = ctx.builtin("id")?.call((&sys_module,))?.extract()?;
    match INTERPRETER.compare_exchange(0, id, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => Ok(()),
        Err(first) if first == id => Ok(()),
        Err(_) => Err(HPyErr::new(
            ExceptionType::ImportError,
            format!(
                "{}: this library was already initialized by another Python interpreter of this \
                 process; HPy 0.9 extensions keep per-process state and cannot be shared between \
                 interpreters",
                module_name(module)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::runtime_tail_shift;

    #[test]
    fn versions() {
        assert_eq!(runtime_tail_shift("0.9.0"), Some(0));
        assert_eq!(runtime_tail_shift("0.9.0rc1"), Some(0));
        assert_eq!(runtime_tail_shift("0.9.1.dev61+g79fb330d"), Some(1));
        assert_eq!(runtime_tail_shift("0.9.2"), Some(1));
        assert_eq!(runtime_tail_shift("0.0.4"), None);
        assert_eq!(runtime_tail_shift("1.0.0"), None);
    }
}
