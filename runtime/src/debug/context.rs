//! The debug context itself: a table of [`COPIES`] identical contexts made once for the process.
//!
//! Copy 0 is the one handed to modules when they are loaded (`HPyInitGlobalContext_<name>`), and
//! their trampolines call back into the runtime with it. Each call from a trampoline runs its
//! impl with the next copy of the others in turn, and only the copy of the running call is
//! valid: a module that keeps a context from one call and uses it in a later one is caught
//! ("Wrong HPy Context!"), as in HPy 0.9.0's debug mode.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;

use hpy_sys as sys;
use pyo3::Python;

use super::handles;

/// The name of the debug context; it contains `hpy_sys::hpy_rs::RUNTIME_MARK`, so that modules
/// know `_private` points to [`EXTENSIONS`].
pub const NAME: &core::ffi::CStr = c"HPy Debug Mode ABI (hpy-rs runtime, CPython)";

/// How many copies of the debug context exist: the module's and those the calls rotate through.
pub const COPIES: usize = 17;

/// What this runtime offers beyond HPy 0.9.0's context, with debug handles.
pub static EXTENSIONS: sys::hpy_rs::Extensions = sys::hpy_rs::Extensions {
    magic: sys::hpy_rs::MAGIC,
    size: core::mem::size_of::<sys::hpy_rs::Extensions>(),
    ctx_Dict_Next: Some(super::special::ctx_Dict_Next),
};

/// The copies of the context and the universal context they wrap, as addresses.
struct Contexts {
    base: usize,
    universal: usize,
}

static CONTEXTS: OnceLock<Contexts> = OnceLock::new();
/// Which copies may be used now.
static VALID: [AtomicBool; COPIES] = [const { AtomicBool::new(false) }; COPIES];
/// The copy the next call from a trampoline uses (1 to `COPIES - 1`).
static NEXT: AtomicUsize = AtomicUsize::new(1);

/// The debug context handed to modules (made on first use; `py` proves the GIL is held).
pub fn debug(py: Python<'_>) -> *mut sys::HPyContext {
    CONTEXTS
        .get_or_init(|| {
            let u = crate::context::universal(py);
            let mut template = sys::HPyContext::default();
            // SAFETY: `u` is the filled universal context, alive for the process.
            fill(&mut template, unsafe { &*u });
            let copies: Box<[sys::HPyContext]> = (0..COPIES).map(|_| template).collect();
            VALID[0].store(true, Ordering::Relaxed);
            Contexts {
                base: Box::leak(copies).as_mut_ptr() as usize,
                universal: u as usize,
            }
        })
        .base as *mut sys::HPyContext
}

/// The universal context (the debug context exists when this is called from it).
pub fn universal() -> *mut sys::HPyContext {
    CONTEXTS.get().map_or(core::ptr::null_mut(), |c| {
        c.universal as *mut sys::HPyContext
    })
}

/// Fills a copy of the debug context.
fn fill(ctx: &mut sys::HPyContext, u: &sys::HPyContext) {
    ctx.name = NAME.as_ptr();
    // Read only: modules never write through `_private`.
    ctx._private = (&raw const EXTENSIONS).cast_mut().cast();
    ctx.abi_version = u.abi_version;
    // Every handle constant (`h_*`) becomes an immortal debug handle of the universal one's.
    for (offset, name) in crate::context::members() {
        if name.starts_with("h_") {
            let h = handles::open_immortal(hpy_cpython::o(sys::HPy {
                _i: crate::context::member_word(u, offset) as isize,
            }));
            // SAFETY: an `h_*` member is an `HPy`, one word at `offset` of the struct.
            unsafe {
                (ctx as *mut sys::HPyContext)
                    .cast::<u8>()
                    .add(offset)
                    .cast::<sys::HPy>()
                    .write(h)
            };
        }
    }
    super::wrappers::fill(ctx);
    super::special::fill(ctx);
    ctx.ctx_CallRealFunctionFromTrampoline = Some(super::call::member());
}

/// The index of `ctx` among the copies, if it is one.
fn index_of(ctx: *mut sys::HPyContext) -> Option<usize> {
    let base = CONTEXTS.get()?.base;
    let size = core::mem::size_of::<sys::HPyContext>();
    let off = (ctx as usize).checked_sub(base)?;
    (off % size == 0 && off / size < COPIES).then_some(off / size)
}

/// Checks that `ctx` is the debug context valid now, and returns the universal context; a
/// wrong context ends the process, as in HPy 0.9.0.
#[inline]
pub fn enter(ctx: *mut sys::HPyContext) -> *mut sys::HPyContext {
    match index_of(ctx) {
        Some(i) if VALID[i].load(Ordering::Relaxed) => universal(),
        _ => wrong_context(),
    }
}

/// A context made invalid while the universal function a wrapper calls runs (Python code it
/// runs may call into the module again, with another copy, and must not use this one); valid
/// again when dropped.
pub struct Suspended(usize);

/// Suspends `ctx` (already checked by [`enter`]) until the guard is dropped.
#[inline]
pub fn suspend(ctx: *mut sys::HPyContext) -> Suspended {
    let i = index_of(ctx).unwrap_or(0);
    VALID[i].store(false, Ordering::Relaxed);
    Suspended(i)
}

impl Drop for Suspended {
    fn drop(&mut self) {
        VALID[self.0].store(true, Ordering::Relaxed);
    }
}

/// "Wrong HPy Context!": the process ends.
pub fn wrong_context() -> ! {
    eprintln!("Error: Wrong HPy Context!");
    std::process::abort()
}

/// A universal context function that is missing (never, since every member is filled): a fatal
/// error naming it.
pub fn universal_fn_missing(name: &str) -> ! {
    eprintln!("hpy_rs_runtime: the universal context has no {name}");
    std::process::abort()
}

/// Makes the next copy current for a call from a trampoline made with `ctx`; returns it and the
/// index to give back to [`leave_call`].
pub fn enter_call(ctx: *mut sys::HPyContext) -> (*mut sys::HPyContext, usize, usize) {
    let from = match index_of(ctx) {
        Some(i) => i,
        None => wrong_context(),
    };
    let next = NEXT.load(Ordering::Relaxed);
    NEXT.store(
        if next + 1 >= COPIES { 1 } else { next + 1 },
        Ordering::Relaxed,
    );
    VALID[from].store(false, Ordering::Relaxed);
    VALID[next].store(true, Ordering::Relaxed);
    let size = core::mem::size_of::<sys::HPyContext>();
    (
        (ctx as usize - from * size + next * size) as *mut sys::HPyContext,
        from,
        next,
    )
}

/// Gives validity back to the copy the trampoline used, after its call.
pub fn leave_call(from: usize, next: usize) {
    VALID[next].store(false, Ordering::Relaxed);
    VALID[from].store(true, Ordering::Relaxed);
}
