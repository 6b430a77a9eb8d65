//! What every module does when it is created, before any user code (the first exec slot; see
//! `__private::RuntimeCheck`): check that the runtime has every context function the crate
//! calls, refuse a second context or interpreter, and record the facts about the runtime that
//! `ffi::runtime` keeps (context layout, UTF-8, file-system codec), using only context members
//! below the tail until the layout is known.

use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

#[cfg(not(feature = "cpython-abi"))]
use crate::sys;

/// For the trampolines and slots (`__private`).
pub(crate) use crate::ffi::runtime::is_cpython;
use crate::{Context, ExceptionType, HPyErr, HPyResult, Handle};

/// In the CPython ABI there is no runtime to detect: records that the interpreter is CPython
/// (its UTF-8 is trusted) and whether the file-system codec is UTF-8.
#[cfg(feature = "cpython-abi")]
pub(crate) fn detect(ctx: Context<'_>) -> HPyResult<()> {
    let sys_module = crate::cstr::with_cstr("sys", |name| {
        // SAFETY: `name` is NUL-terminated.
        unsafe { ctx.own(call!(ctx, ctx_Import_ImportModule, name)) }
    })??;
    let encoding = sys_module.call_method("getfilesystemencoding", ())?;
    let encoding = encoding.extract::<&str>()?.to_ascii_lowercase();
    crate::ffi::runtime::set_interpreter(true, matches!(encoding.as_str(), "utf-8" | "utf8"));
    Ok(())
}

/// What the names of the contexts of this project's runtime (`hpy_rs_runtime`) contain: its
/// universal context is `"HPy Universal ABI (hpy-rs runtime, CPython)"`. A module loaded by it
/// asks `hpy_rs_runtime` for the HPy version (no `hpy` package needs to be installed), and its
/// classes are not refused on CPython 3.13+.
#[cfg(not(feature = "cpython-abi"))]
const HPY_RS_RUNTIME_MARK: &str = "hpy-rs runtime";

/// The names of the contexts of hpy 0.9.0's CPython runtime (the `hpy` package, whose types carry
/// type-flag bit 2, CPython 3.13's inline-values bit), in universal, debug and trace mode.
#[cfg(not(feature = "cpython-abi"))]
const HPY_090_CONTEXTS: [&str; 3] = [
    "HPy Universal ABI (CPython backend)",
    "HPy Debug Mode ABI",
    "HPy Trace Mode ABI",
];

/// Records the running runtime's layout; runs as the module's first exec slot. The runtime is
/// told by its context's name: `hpy_rs_runtime`'s, or else the one `hpy.universal` is (hpy 0.9.0
/// on CPython, PyPy's built-in HPy).
#[cfg(not(feature = "cpython-abi"))]
pub(crate) fn detect(ctx: Context<'_>) -> HPyResult<()> {
    let context_name = ctx.name();
    let runtime = if context_name.contains(HPY_RS_RUNTIME_MARK) {
        "hpy_rs_runtime"
    } else {
        "hpy.universal"
    };
    let module = crate::cstr::with_cstr(runtime, |name| {
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
    let version: String = version.extract()?;
    crate::ffi::runtime::set_layout(&version).map_err(|version| {
        HPyErr::new(
            ExceptionType::ImportError,
            format!("this extension supports HPy 0.9 runtimes, not HPy {version}"),
        )
    })?;

    let sys_module = crate::cstr::with_cstr("sys", |name| {
        // SAFETY: a pre-tail member; `name` is NUL-terminated.
        unsafe { ctx.own(call!(ctx, ctx_Import_ImportModule, name)) }
    })??;
    let implementation = sys_module.get_attr("implementation")?.get_attr("name")?;
    let cpython = implementation.extract::<&str>()? == "cpython";
    let encoding = sys_module.call_method("getfilesystemencoding", ())?;
    let encoding = encoding.extract::<&str>()?.to_ascii_lowercase();
    crate::ffi::runtime::set_interpreter(cpython, matches!(encoding.as_str(), "utf-8" | "utf8"));
    // Only hpy 0.9.0's own runtime has the type-flag defect; hpy_rs_runtime reports the same
    // HPy version (the ABI it implements) and hosts classes on every CPython.
    if cpython && version == "0.9.0" && HPY_090_CONTEXTS.contains(&context_name) {
        let minor: u32 = sys_module
            .get_attr("version_info")?
            .get_item(1)?
            .extract()?;
        if minor >= 13 {
            crate::ffi::runtime::set_no_classes(format!(
                "HPy {version}'s CPython runtime cannot host classes on CPython 3.{minor}: it marks \
                 its types with the type flag bit 2, which CPython 3.13 took for inline values, \
                 so using an instance can crash the interpreter (hpy issue 493). Module functions \
                 work; for classes build the module for this CPython with `cargo hpy build \
                 --abi cpython`, or use CPython 3.11 or 3.12, or PyPy"
            ));
        }
    }
    Ok(())
}

/// Set when the loader hands this library a second, different context (a load in another HPy
/// mode); the module being created then fails.
static SECOND_CONTEXT: AtomicBool = AtomicBool::new(false);

/// `id(sys)` of the interpreter whose module creation ran first (0 until then).
static INTERPRETER: AtomicU64 = AtomicU64::new(0);

/// Records that the loader passed a second context (see `__private::init_global_context`).
#[cfg_attr(feature = "cpython-abi", allow(dead_code))]
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
