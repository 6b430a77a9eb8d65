//! Tuples and lists, and HPy's tuple and list builders.

use core::mem::ManuallyDrop;

use crate::sys;
use crate::types::call::Args;
use crate::types::{List, Tuple};
use crate::{Context, HPyErr, HPyResult, Handle, IntoPython};

/// A new tuple holding `items` (`HPyTuple_FromArray`; the items are not consumed).
pub(crate) fn tuple_from_handles<'ctx>(
    ctx: Context<'ctx>,
    items: &[Handle<'ctx>],
) -> HPyResult<Handle<'ctx>> {
    let raw: Vec<sys::HPy> = items.iter().map(Handle::as_raw).collect();
    tuple_from_raw(ctx, &raw)
}

fn tuple_from_raw<'ctx>(ctx: Context<'ctx>, raw: &[sys::HPy]) -> HPyResult<Handle<'ctx>> {
    // SAFETY: `raw` holds open handles for the call; FromArray does not steal them. The result is
    // owned or NULL with an exception set.
    unsafe {
        ctx.own(call!(
            ctx,
            ctx_Tuple_FromArray,
            raw.as_ptr().cast_mut(),
            raw.len() as sys::HPy_ssize_t
        ))
    }
}

impl<'ctx> Tuple<'ctx> {
    /// A tuple of the given handles (`HPyTuple_FromArray`).
    pub fn new(ctx: Context<'ctx>, items: &[Handle<'ctx>]) -> HPyResult<Self> {
        tuple_from_handles(ctx, items).map(Tuple::new_unchecked)
    }

    /// A tuple of converted values (`HPyTuple_Pack`), e.g. `Tuple::pack(ctx, (1, "a", 2.5))`.
    pub fn pack<A: Args<'ctx>>(ctx: Context<'ctx>, items: A) -> HPyResult<Self> {
        items
            .with_args(ctx, |raw| tuple_from_raw(ctx, raw))?
            .map(Tuple::new_unchecked)
    }
}

impl<'ctx> List<'ctx> {
    /// A new empty list.
    pub fn new(ctx: Context<'ctx>) -> HPyResult<Self> {
        // SAFETY: a list of length 0 has no unset items; the result is owned or NULL with an
        // exception set.
        unsafe { ctx.own(call!(ctx, ctx_List_New, 0)) }.map(List::new_unchecked)
    }

    /// `self.append(value)`.
    pub fn append<V: IntoPython<'ctx>>(&self, value: V) -> HPyResult<()> {
        let ctx = self.ctx();
        value.with_raw(ctx, |v| {
            // SAFETY: both handles are open; Append does not steal the item.
            crate::err::status(unsafe { call!(ctx, ctx_List_Append, self.as_raw(), v) })
        })?
    }
}

macro_rules! indexed {
    ($($name:ident),*) => {$(
        impl<'ctx> $name<'ctx> {
            /// Item `i` (`IndexError` when out of range). The length is [`Handle::len`], which
            /// can fail for a subclass that overrides `__len__`.
            pub fn get(&self, i: usize) -> HPyResult<Handle<'ctx>> {
                self.get_item(i)
            }

            /// All items, in order (a snapshot).
            pub fn to_vec(&self) -> HPyResult<Vec<Handle<'ctx>>> {
                (0..self.len()?).map(|i| self.get(i)).collect()
            }
        }
    )*};
}

indexed!(Tuple, List);

/// The raw value inside a builder, to tell a failed allocation.
trait BuilderRaw {
    fn value(&self) -> isize;
}

impl BuilderRaw for sys::HPyTupleBuilder {
    fn value(&self) -> isize {
        self._tup
    }
}

impl BuilderRaw for sys::HPyListBuilder {
    fn value(&self) -> isize {
        self._lst
    }
}

macro_rules! builder {
    ($(#[$doc:meta])* $name:ident, $raw:ident, $out:ident, $new:ident, $set:ident, $build:ident,
     $cancel:ident, $by_append:expr) => {
        $(#[$doc])*
        pub struct $name<'ctx> {
            ctx: Context<'ctx>,
            raw: sys::$raw,
            /// The object grown by `append` instead of the runtime's builder (see `by_append`).
            grown: Option<Handle<'ctx>>,
            size: usize,
            filled: usize,
        }

        impl<'ctx> $name<'ctx> {
            /// A builder for exactly `size` items.
            pub fn new(ctx: Context<'ctx>, size: usize) -> HPyResult<Self> {
                let n = sys::HPy_ssize_t::try_from(size)
                    .map_err(|_| HPyErr::overflow_error("builder size too large"))?;
                if $by_append() {
                    // SAFETY: plain call; the result is owned or NULL with an exception set.
                    let grown = unsafe { ctx.own(call!(ctx, ctx_List_New, 0)) }?;
                    let raw = sys::$raw::default();
                    return Ok($name { ctx, raw, grown: Some(grown), size, filled: 0 });
                }
                // SAFETY: plain call.
                let raw = unsafe { call!(ctx, $new, n) };
                if raw.value() == 0 {
                    // The runtime could not allocate (it cleared the MemoryError, meaning to
                    // report it at `build`); report it now, before any `Set`.
                    return Err(HPyErr::no_memory(ctx));
                }
                Ok($name { ctx, raw, grown: None, size, filled: 0 })
            }

            /// Sets the next item (items are filled in order, from index 0).
            pub fn push<V: IntoPython<'ctx>>(&mut self, value: V) -> HPyResult<()> {
                if self.filled == self.size {
                    return Err(HPyErr::index_error(concat!(
                        stringify!($name),
                        ": all items are already set"
                    )));
                }
                let (ctx, raw, i) = (self.ctx, self.raw, self.filled);
                let grown = self.grown.as_ref().map(Handle::as_raw);
                value.with_raw(ctx, |v| match grown {
                    Some(list) => {
                        // SAFETY: both handles are open; Append does not steal the item.
                        crate::err::status(unsafe { call!(ctx, ctx_List_Append, list, v) })
                    }
                    None => {
                        // SAFETY: the builder is live and `i` is a fresh index below its size;
                        // Set does not steal the item.
                        unsafe { call!(ctx, $set, raw, i as sys::HPy_ssize_t, v) };
                        Ok(())
                    }
                })??;
                self.filled += 1;
                Ok(())
            }

            /// The number of items set so far.
            pub fn filled(&self) -> usize {
                self.filled
            }

            /// Finishes the object. Every item must have been set; otherwise the builder is
            /// cancelled and this is a `ValueError`.
            pub fn build(self) -> HPyResult<$out<'ctx>> {
                let mut me = ManuallyDrop::new(self);
                // The grown list is returned, or closed on the error path when it is dropped.
                let grown = me.grown.take();
                if me.filled != me.size {
                    if grown.is_none() {
                        // SAFETY: the builder is live and is not used again.
                        unsafe { call!(me.ctx, $cancel, me.raw) };
                    }
                    return Err(HPyErr::value_error(format!(
                        concat!(stringify!($name), ": {} of {} items were set"),
                        me.filled, me.size
                    )));
                }
                if let Some(grown) = grown {
                    return Ok($out::new_unchecked(grown));
                }
                // SAFETY: every item is set; Build consumes the builder and returns an owned
                // handle, or NULL with the postponed MemoryError.
                unsafe { me.ctx.own(call!(me.ctx, $build, me.raw)) }.map($out::new_unchecked)
            }

            /// Drops the builder and the items set so far (the same as dropping it).
            pub fn cancel(self) {
                drop(self)
            }
        }

        impl Drop for $name<'_> {
            fn drop(&mut self) {
                if self.grown.is_none() {
                    // SAFETY: the builder is live (`build` does not run this) and is not used
                    // again.
                    unsafe { call!(self.ctx, $cancel, self.raw) }
                }
            }
        }
    };
}

builder!(
    /// Builds a tuple of known size item by item (`HPyTupleBuilder`). Dropping it unbuilt
    /// cancels it; `build` and `cancel` consume it, so it cannot be used afterwards.
    TupleBuilder,
    HPyTupleBuilder,
    Tuple,
    ctx_TupleBuilder_New,
    ctx_TupleBuilder_Set,
    ctx_TupleBuilder_Build,
    ctx_TupleBuilder_Cancel,
    || false
);

builder!(
    /// Builds a list of known size item by item (`HPyListBuilder`; on PyPy a list grown by
    /// `HPyList_Append`, which is several times faster there). Dropping it unbuilt cancels it;
    /// `build` and `cancel` consume it, so it cannot be used afterwards.
    ListBuilder,
    HPyListBuilder,
    List,
    ctx_ListBuilder_New,
    ctx_ListBuilder_Set,
    ctx_ListBuilder_Build,
    ctx_ListBuilder_Cancel,
    by_append
);

/// Whether `ListBuilder` grows a list with `HPyList_Append` instead of using `HPyListBuilder`:
/// on PyPy, measured with a C module, a builder set with new objects costs about 136 ns per item
/// and append 28 ns; on CPython both cost about 2 ns.
fn by_append() -> bool {
    !crate::ffi::runtime::is_cpython()
}

/// A new list of converted items, built with a `ListBuilder`.
pub(crate) fn list_from_iter<'ctx, T: IntoPython<'ctx>>(
    ctx: Context<'ctx>,
    items: impl ExactSizeIterator<Item = T>,
) -> HPyResult<List<'ctx>> {
    let mut b = ListBuilder::new(ctx, items.len())?;
    for v in items {
        b.push(v)?;
    }
    b.build()
}

impl<'ctx> Tuple<'ctx> {
    /// A tuple of converted values.
    pub fn from_values<T: IntoPython<'ctx>>(
        ctx: Context<'ctx>,
        items: impl ExactSizeIterator<Item = T>,
    ) -> HPyResult<Self> {
        let mut b = TupleBuilder::new(ctx, items.len())?;
        for v in items {
            b.push(v)?;
        }
        b.build()
    }
}

impl<'ctx> List<'ctx> {
    /// A list of converted values.
    pub fn from_values<T: IntoPython<'ctx>>(
        ctx: Context<'ctx>,
        items: impl ExactSizeIterator<Item = T>,
    ) -> HPyResult<Self> {
        list_from_iter(ctx, items)
    }
}
