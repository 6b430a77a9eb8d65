//! `tuple`: the [`Tuple`] handle, its constructors and [`TupleBuilder`].

use core::mem::ManuallyDrop;

use crate::sys;
use crate::types::call::Args;
use crate::{Context, HPyErr, HPyResult, Handle, IntoPython};

typed_handle! {
    /// A handle to a `tuple` (or a subclass).
    Tuple: is_tuple, "tuple";
}

indexed!(Tuple);

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
