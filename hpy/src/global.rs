//! `HPyGlobal`: statics that keep a Python object across calls.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering};

use crate::sys;
use crate::{Context, HPyResult, Handle, IntoPython};

/// A `static` that keeps a reference to a Python object between calls (HPy's `HPyGlobal`).
///
/// Handles live only for one call; to keep an object longer (a cached type, an imported module,
/// a custom exception class), store it in a `Global`:
///
/// ```
/// use hpy::prelude::*;
/// use hpy::Global;
///
/// static DECIMAL: Global = Global::new();
///
/// fn decimal_type<'ctx>(ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
///     DECIMAL.get_or_try_init(ctx, || ctx.import("decimal")?.get_attr("Decimal"))
/// }
/// ```
///
/// `#[hpy_module]` lists every `static NAME: Global` written in the module's body in the
/// module's `globals`, as HPy asks. Loading and storing go through the context, so they are
/// only possible during a call (with the interpreter's lock held).
pub struct Global {
    cell: UnsafeCell<sys::HPyGlobal>,
    stored: AtomicBool,
}

// SAFETY: the cell is only read and written by the runtime during calls that hold a `Context`,
// and a context exists only while the thread may run Python code (it cannot be moved into
// `Context::allow_threads`), so accesses are serialised by the interpreter's lock.
unsafe impl Sync for Global {}

impl Global {
    /// An empty global.
    pub const fn new() -> Self {
        Global {
            cell: UnsafeCell::new(sys::HPyGlobal { _i: 0 }),
            stored: AtomicBool::new(false),
        }
    }

    /// The address HPy's module definition lists.
    #[doc(hidden)]
    pub const fn as_ptr(&self) -> *mut sys::HPyGlobal {
        self.cell.get()
    }

    /// Stores a reference to `value`, replacing (and releasing) the previous one
    /// (`HPyGlobal_Store`).
    pub fn set<'ctx, V: IntoPython<'ctx>>(&self, ctx: Context<'ctx>, value: V) -> HPyResult<()> {
        value.with_raw(ctx, |v| {
            // SAFETY: the cell is valid for the program's life, the value is open, and the
            // lock is held (see `Sync`).
            unsafe { call!(ctx, ctx_Global_Store, self.cell.get(), v) };
            self.stored.store(true, Ordering::Release);
        })
    }

    /// A new handle to the stored object (`HPyGlobal_Load`), or `None` if nothing was stored.
    pub fn get<'ctx>(&self, ctx: Context<'ctx>) -> Option<Handle<'ctx>> {
        if !self.stored.load(Ordering::Acquire) {
            return None;
        }
        // SAFETY: the global holds a stored object; Load returns a new handle.
        let raw = unsafe { call!(ctx, ctx_Global_Load, *self.cell.get()) };
        if raw._i == 0 {
            // A runtime that lost the global: treat it as empty.
            ctx.err_clear();
            None
        } else {
            // SAFETY: `raw` is a new, open handle that this call owns.
            Some(unsafe { Handle::from_raw(ctx, raw) })
        }
    }

    /// The stored object, storing `init()`'s result first if nothing was stored yet.
    pub fn get_or_try_init<'ctx>(
        &self,
        ctx: Context<'ctx>,
        init: impl FnOnce() -> HPyResult<Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        if let Some(h) = self.get(ctx) {
            return Ok(h);
        }
        let h = init()?;
        self.set(ctx, &h)?;
        Ok(h)
    }

    /// Releases the stored object; the global is empty again.
    pub fn clear(&self, ctx: Context<'_>) {
        if self.stored.swap(false, Ordering::AcqRel) {
            // Storing None releases the previous object; the global then counts as empty.
            let none = ctx.none();
            // SAFETY: as in `set`.
            unsafe { call!(ctx, ctx_Global_Store, self.cell.get(), none.as_raw()) };
        }
    }
}

impl Default for Global {
    fn default() -> Self {
        Self::new()
    }
}
