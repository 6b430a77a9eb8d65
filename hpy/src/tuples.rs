//! Rust tuples (up to 12 elements) become Python tuples.

use crate::sys;
use crate::{Context, HPyResult, Handle, IntoPython};

macro_rules! tuple_into_python {
    ($($n:literal: ($($t:ident $v:ident),+);)*) => {$(
        impl<'ctx, $($t: IntoPython<'ctx>),+> IntoPython<'ctx> for ($($t,)+) {
            fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
                let ($($v,)+) = self;
                let items: [Handle<'ctx>; $n] = [$($v.into_python(ctx)?),+];
                let raw: [sys::HPy; $n] = std::array::from_fn(|i| items[i].as_raw());
                // SAFETY: `raw` holds open handles (owned by `items`, closed afterwards);
                // Tuple_FromArray does not steal them.
                unsafe { ctx.own(call!(ctx, ctx_Tuple_FromArray, raw.as_ptr().cast_mut(), $n)) }
            }
        }
    )*};
}

tuple_into_python! {
    1: (A a);
    2: (A a, B b);
    3: (A a, B b, C c);
    4: (A a, B b, C c, D d);
    5: (A a, B b, C c, D d, E e);
    6: (A a, B b, C c, D d, E e, F f);
    7: (A a, B b, C c, D d, E e, F f, G g);
    8: (A a, B b, C c, D d, E e, F f, G g, H h);
    9: (A a, B b, C c, D d, E e, F f, G g, H h, I i);
    10: (A a, B b, C c, D d, E e, F f, G g, H h, I i, J j);
    11: (A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k);
    12: (A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l);
}
