//! The native-stack guard: `loads` and `dumps` recurse once per nesting level, and raise
//! `RecursionError` when the stack left would not carry one more level and the runtime calls it
//! makes, instead of overflowing it.
//!
//! Two limits apply. The thread's own stack (its lowest address read by `stacker`), which a
//! small `threading.stack_size` makes short. And on PyPy, RPython's: PyPy allows its code
//! `768 KiB * sys.getrecursionlimit() / 1000` of stack below the highest frame it has seen in
//! the thread, and a context function that finds the stack deeper than that cannot always
//! raise (PyPy aborts with a fatal error). That highest frame is at most the thread's top, so
//! `top - budget` is a floor that is never below PyPy's.

use std::sync::atomic::{AtomicBool, Ordering};

use hpy::prelude::*;

/// Stack kept free below the last level for the runtime's own calls (allocation, a garbage
/// collection, `str()` of a key, ...).
const RED_ZONE: usize = 16 * 1024;
/// The same below PyPy's limit, whose context functions run deeper.
const PYPY_RED_ZONE: usize = 48 * 1024;
/// PyPy's stack budget per unit of `sys.getrecursionlimit()` (768 KiB for the default 1000).
const PYPY_BYTES_PER_LIMIT: usize = 768 * 1024 / 1000;

/// Whether the runtime is PyPy (set once by the module's exec slot).
static PYPY: AtomicBool = AtomicBool::new(false);

/// Records the runtime; called once when the module is initialised.
pub fn init(ctx: Context<'_>) -> HPyResult<()> {
    let name = ctx
        .import("sys")?
        .get_attr("implementation")?
        .get_attr("name")?;
    PYPY.store(name.extract::<&str>()? == "pypy", Ordering::Relaxed);
    Ok(())
}

/// The lowest stack address one more nesting level may start at, for one call.
#[derive(Clone, Copy)]
pub struct Guard {
    floor: usize,
}

impl Guard {
    /// The floor for the current thread, read at the start of a `loads` or `dumps` call.
    pub fn new(ctx: Context<'_>) -> HPyResult<Self> {
        let sp = stack_pointer();
        let mut floor = match stacker::remaining_stack() {
            Some(left) => sp.saturating_sub(left).saturating_add(RED_ZONE),
            None => 0,
        };
        if PYPY.load(Ordering::Relaxed) {
            if let Some(top) = thread_stack_top() {
                let limit: usize = crate::names::get(ctx, &crate::ujson_hpy::GET_RECURSION_LIMIT)?
                    .call(())?
                    .extract()?;
                let budget = limit.saturating_mul(PYPY_BYTES_PER_LIMIT);
                floor = floor.max(top.saturating_sub(budget).saturating_add(PYPY_RED_ZONE));
            }
        }
        Ok(Guard { floor })
    }

    /// Whether the stack is too short for one more level.
    #[inline(always)]
    pub fn exhausted(&self) -> bool {
        stack_pointer() < self.floor
    }
}

/// The error raised when the stack is too short.
#[cold]
pub fn error() -> HPyErr {
    HPyErr::new(
        hpy::ExceptionType::RecursionError,
        "maximum recursion depth exceeded: not enough stack left for this nesting depth",
    )
}

/// The current stack pointer: one instruction where the architecture is known (unlike the
/// address of a local, it takes no room in the caller's frame), else `psm`'s function (which
/// `stacker` is built on).
#[inline(always)]
fn stack_pointer() -> usize {
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    {
        let sp: usize;
        // SAFETY: copies the stack pointer into a register; reads no memory, writes nothing
        // else and leaves the flags and the stack as they are.
        unsafe {
            #[cfg(target_arch = "x86_64")]
            core::arch::asm!("mov {}, rsp", out(reg) sp, options(nomem, nostack, preserves_flags));
            #[cfg(target_arch = "aarch64")]
            core::arch::asm!("mov {}, sp", out(reg) sp, options(nomem, nostack, preserves_flags));
        }
        sp
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        psm::stack_pointer() as usize
    }
}

/// The highest address of the current thread's stack, once per thread.
#[cfg(target_os = "linux")]
fn thread_stack_top() -> Option<usize> {
    thread_local! {
        static TOP: Option<usize> = read_stack_top();
    }
    TOP.with(|t| *t)
}

#[cfg(target_os = "linux")]
fn read_stack_top() -> Option<usize> {
    let mut attr = std::mem::MaybeUninit::<libc::pthread_attr_t>::uninit();
    // SAFETY: `pthread_getattr_np` initialises `attr` for the calling thread when it returns 0;
    // it is destroyed below on that path only.
    if unsafe { libc::pthread_getattr_np(libc::pthread_self(), attr.as_mut_ptr()) } != 0 {
        return None;
    }
    let mut addr: *mut libc::c_void = std::ptr::null_mut();
    let mut size: libc::size_t = 0;
    // SAFETY: `attr` was initialised above; `addr` and `size` are valid for writes.
    let ok = unsafe { libc::pthread_attr_getstack(attr.as_ptr(), &mut addr, &mut size) } == 0;
    // SAFETY: `attr` was initialised above and is not used afterwards.
    unsafe { libc::pthread_attr_destroy(attr.as_mut_ptr()) };
    ok.then(|| addr as usize + size)
}

/// Elsewhere PyPy's limit is not known: only the thread's own stack is guarded.
#[cfg(not(target_os = "linux"))]
fn thread_stack_top() -> Option<usize> {
    None
}
