//! A test-only HPy module: thin wrappers over the `hpy` crate's object API, one file per area,
//! asserted from tests/python/test_api_*.py in universal and debug mode.

mod call;
mod classes;
mod containers;
mod convert;
mod errors;
mod misc;
mod number;
mod object;
mod protocols;
mod text;
mod unsendable;

/// Test module for the object API of the `hpy` crate.
#[hpy::hpy_module]
mod apimod {
    #[hpy_export]
    use crate::classes::{
        make_point, make_sealed, origin, point_sum, tracked_drops, tracked_finalized, Adder, Bag,
        Corpus, Counter, Measure, Node, Point, Sealed, Store, Tracked, FINALIZED,
    };

    #[hpy_export]
    use crate::unsendable::Local;

    #[hpy_export]
    use crate::protocols::{
        countdown::Countdown,
        dynamic::Dynamic,
        floats::{bytes_of, sum_f64, sum_i32, Floats},
        guarded::Guarded,
        init_base::InitBase,
        init_with_new::Both,
        ints::Ints,
        managed::Managed,
        record::Record,
        seq::Seq,
        seq_mapped::Mapped,
        span::Span,
        span_iter::SpanIter,
        temperature::Temperature,
    };

    #[hpy_export]
    use crate::object::{
        compare, compare_bool, contains, del_attr, del_item, dump, get_attr, get_item, has_attr,
        hash, is_, is_subtype, is_true, length, set_attr, set_item, to_text, type_check, type_name,
        type_of,
    };

    #[hpy_export]
    use crate::number::{add_one, binary, is_number, long_as, power, unary};

    #[hpy_export]
    use crate::call::{
        call_kw, call_method, call_method_tuple_dict, call_no_args, call_rust_args,
        call_tuple_dict, callable, vectorcall,
    };

    #[hpy_export]
    use crate::containers::{
        bytes_checked, bytes_from_cstr, bytes_info, bytes_new, bytes_reversed, checks, dict_copy,
        dict_get, dict_items, dict_keys, dict_len, dict_new, list_append, list_builder,
        tuple_builder, tuple_builder_cancel, tuple_from_list, tuple_info, tuple_pack,
    };

    #[hpy_export]
    use crate::text::{
        str_decode, str_decode_fs_cstr, str_encode, str_from_cstr, str_from_encoded, str_from_wide,
        str_lengths, str_read_char, str_substring,
    };

    #[hpy_export]
    use crate::errors::{
        catch, err_state, exception_types, make_my_error, new_exception, no_memory, raise_builtin,
        raise_errno, raise_my_error, raise_object, raise_with_class, warn, write_unraisable,
    };

    #[hpy_export]
    use crate::misc::{
        builtin_shape, builtin_types, capsule_is_valid, capsule_label, capsule_name, capsule_new,
        capsule_raw, capsule_raw_read, capsule_rename, capsule_wrong_type, compile_and_eval,
        constants, contextvar_get, contextvar_new, contextvar_set, dropped, eval, global_clear,
        global_get, global_set, import_module, panic_without_gil, slice_indices, slice_unpack,
        sum_without_gil, tracker,
    };

    #[hpy_export]
    use crate::convert::{
        kwargs_map, mirror, rt_btreemap, rt_btreeset, rt_bytes_slice, rt_hashmap, rt_hashset,
        rt_nested, rt_tuple12, rt_tuple3, rt_vec_i64, rt_vec_str, rt_vec_u8,
    };

    use hpy::prelude::*;
    use hpy::Obj;

    /// The numbers below `n`, whose iterator is a class of its own (written in the module, so
    /// that its type stub describes both).
    #[hpy_class]
    pub struct CountUp {
        n: i64,
    }

    #[hpy_methods]
    impl CountUp {
        #[new]
        fn new(n: i64) -> CountUp {
            CountUp { n }
        }

        fn __iter__(&self) -> CountUpIter {
            CountUpIter { next: 0, n: self.n }
        }
    }

    /// The iterator of `CountUp`.
    #[hpy_class]
    pub struct CountUpIter {
        next: i64,
        n: i64,
    }

    #[hpy_methods]
    impl CountUpIter {
        fn __iter__<'ctx>(this: &Obj<'ctx, Self>) -> Obj<'ctx, Self> {
            this.clone()
        }

        fn __next__(&mut self) -> Option<i64> {
            (self.next < self.n).then(|| {
                self.next += 1;
                self.next - 1
            })
        }
    }

    /// Globals declared outside the module body are listed through `#[hpy_export]` too? No:
    /// they are listed here by re-declaration of a local alias.
    static LOCAL: hpy::Global = hpy::Global::new();
}
