//! `*args` without a tuple: the extra positional arguments of a call, borrowed from the runtime.

use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ops::Deref;

use crate::sys;
use crate::{Context, HPyResult, Handle, Tuple};

/// The extra positional arguments of a call (the `*args` of its signature), borrowed from the
/// runtime for the call: unlike a `Handle` (a new tuple) or a `Vec` (converted items), taking
/// them costs nothing.
///
/// ```
/// #[hpy::hpy_module]
/// mod counting {
///     use hpy::prelude::*;
///     use hpy::VarArgs;
///
///     /// How many of the arguments are true.
///     #[hpy_method(signature = (*args))]
///     fn count_true(args: VarArgs<'_, '_>) -> HPyResult<usize> {
///         let mut n = 0;
///         for arg in args.iter() {
///             n += usize::from(arg.is_true()?);
///         }
///         Ok(n)
///     }
/// }
/// ```
#[derive(Clone, Copy)]
pub struct VarArgs<'a, 'ctx> {
    items: &'a [sys::HPy],
    ctx: Context<'ctx>,
}

impl<'a, 'ctx> VarArgs<'a, 'ctx> {
    /// # Safety
    ///
    /// Every item is an open handle of `ctx`, borrowed for at least `'a`.
    pub(crate) unsafe fn new(ctx: Context<'ctx>, items: &'a [sys::HPy]) -> Self {
        VarArgs { items, ctx }
    }

    /// How many arguments there are.
    #[inline]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The argument at `index` (from 0), or `None` past the end.
    #[inline]
    pub fn get(&self, index: usize) -> Option<Arg<'a, 'ctx>> {
        let raw = *self.items.get(index)?;
        // SAFETY: an argument of the call, borrowed for `'a` (see `new`).
        Some(unsafe { Arg::new(self.ctx, raw) })
    }

    /// The arguments in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Arg<'a, 'ctx>> + use<'a, 'ctx> {
        let ctx = self.ctx;
        // SAFETY: arguments of the call, borrowed for `'a` (see `new`).
        self.items
            .iter()
            .map(move |&raw| unsafe { Arg::new(ctx, raw) })
    }

    /// The arguments as a new tuple (`HPyTuple_FromArray`).
    ///
    /// Raises `MemoryError` if the tuple cannot be made.
    pub fn to_tuple(&self) -> HPyResult<Tuple<'ctx>> {
        let ctx = self.ctx;
        let items = self.items;
        // SAFETY: `items` are open handles (see `new`); Tuple_FromArray does not steal them
        // and gives a new tuple or NULL with an exception set.
        let tuple = unsafe {
            ctx.own(call!(
                ctx,
                ctx_Tuple_FromArray,
                items.as_ptr().cast_mut(),
                items.len() as sys::HPy_ssize_t
            ))
        }?;
        Ok(Tuple::new_unchecked(tuple))
    }
}

/// One argument of a call, borrowed from the runtime: it dereferences to a [`Handle`] and is
/// never closed (clone the handle to keep the object past the call).
pub struct Arg<'a, 'ctx> {
    handle: ManuallyDrop<Handle<'ctx>>,
    _call: PhantomData<&'a sys::HPy>,
}

impl<'ctx> Arg<'_, 'ctx> {
    /// # Safety
    ///
    /// `raw` is an open handle of `ctx`, borrowed for the lifetime of the result.
    #[inline(always)]
    unsafe fn new(ctx: Context<'ctx>, raw: sys::HPy) -> Self {
        Arg {
            // SAFETY: forwarded.
            handle: unsafe { Handle::borrowed(ctx, raw) },
            _call: PhantomData,
        }
    }
}

impl<'ctx> Deref for Arg<'_, 'ctx> {
    type Target = Handle<'ctx>;
    #[inline(always)]
    fn deref(&self) -> &Handle<'ctx> {
        &self.handle
    }
}
