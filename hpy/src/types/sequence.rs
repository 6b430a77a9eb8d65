//! What tuples and lists share: item access (`indexed!`) and HPy's builders (`builder!`), used
//! by `tuple.rs` and `list.rs`.

use crate::sys;

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

/// The raw value inside a builder, to tell a failed allocation.
pub(crate) trait BuilderRaw {
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
                if super::sequence::BuilderRaw::value(&raw) == 0 {
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
