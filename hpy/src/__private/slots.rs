//! Entry points of `#[hpy_class]` types: slots, getters and setters, `__new__`, traverse and
//! destroy. Each kind is a marker trait that the generated code implements, an `impl` function
//! with HPy's signature and a CPython trampoline.

// Every transmute here erases a function pointer whose type is spelled on the local it comes from.
#![allow(clippy::missing_transmute_annotations)]

use core::ffi::{c_int, c_void, CStr};
use core::mem::transmute;
use core::ptr::null_mut;

use super::{
    call_real, keywords_impl, keywords_trampoline, run, KeywordsMethod, RawArgs, StaticCell,
    StaticDef,
};
use crate::class::{value_offset, CallFunction, HPyClass, Header};
use crate::sys;
use crate::{CompareOp, Context, HPyErr, HPyResult, Handle};

type Obj = *mut sys::cpy_PyObject;

/// Runs a user function whose C result is not a handle; `err` is the error value.
#[inline(always)]
fn run_value<'ctx, R>(
    ctx: Context<'ctx>,
    name: &str,
    err: R,
    f: impl FnOnce() -> HPyResult<R>,
) -> R {
    let mut out = None;
    let done = run(ctx, name, || {
        out = Some(f()?);
        Ok(ctx.none())
    });
    if done._i == 0 {
        err
    } else {
        // SAFETY: `done` is the owned None handle made above.
        unsafe { call!(ctx, ctx_Close, done) };
        out.unwrap_or(err)
    }
}

const fn slot_raw(
    slot: sys::HPySlot_Slot,
    impl_: sys::HPyCFunction,
    tramp: sys::cpy_PyCFunction,
) -> sys::HPyDef {
    sys::HPyDef {
        kind: sys::HPyDef_Kind::HPyDef_Kind_Slot,
        __bindgen_anon_1: sys::HPyDef__bindgen_ty_1 {
            slot: sys::HPySlot {
                slot,
                impl_,
                cpy_trampoline: tramp,
            },
        },
    }
}

macro_rules! as_hpy {
    ($_a:ident) => {
        sys::HPy
    };
}
macro_rules! as_obj {
    ($_a:ident) => {
        Obj
    };
}

/// Slots that take N objects and return an object.
macro_rules! handle_slot {
    ($Trait:ident, $impl_fn:ident, $tramp:ident, $def:ident, $SIG:ident, $Args:ident, [$($a:ident),+]) => {
        /// A slot taking objects and returning an object.
        pub trait $Trait {
            /// The name used in panic messages.
            const NAME: &'static str;
            /// The user's slot function.
            fn call<'ctx>(ctx: Context<'ctx>, $($a: &Handle<'ctx>),+) -> HPyResult<Handle<'ctx>>;
        }
        unsafe extern "C" fn $impl_fn<M: $Trait>(ctx: *mut sys::HPyContext, $($a: sys::HPy),+) -> sys::HPy {
            // SAFETY: the runtime passes this call's context and borrowed arguments.
            unsafe {
                let ctx = Context::from_raw(ctx);
                $(let $a = Handle::borrowed(ctx, $a);)+
                run(ctx, M::NAME, || M::call(ctx, $(&$a),+))
            }
        }
        unsafe extern "C" fn $tramp<M: $Trait>($($a: Obj),+) -> Obj {
            let mut args = sys::$Args { $($a,)+ result: null_mut() };
            // SAFETY: `args` is the argument struct of this signature and `$impl_fn` has it.
            unsafe {
                let f: unsafe extern "C" fn(*mut sys::HPyContext, $(as_hpy!($a)),+) -> sys::HPy = $impl_fn::<M>;
                call_real(sys::HPyFunc_Signature::$SIG, transmute::<_, sys::HPyCFunction>(f), (&raw mut args).cast())
            };
            args.result
        }
        /// The definition of `slot` implemented by `M`.
        pub const fn $def<M: $Trait>(slot: sys::HPySlot_Slot) -> StaticDef {
            let f: unsafe extern "C" fn(*mut sys::HPyContext, $(as_hpy!($a)),+) -> sys::HPy = $impl_fn::<M>;
            let t: unsafe extern "C" fn($(as_obj!($a)),+) -> Obj = $tramp::<M>;
            // SAFETY: type-erased function pointers; the runtime calls them with the slot's signature.
            unsafe { StaticCell::new(slot_raw(slot, transmute::<_, sys::HPyCFunction>(f), transmute::<_, sys::cpy_PyCFunction>(t))) }
        }
    };
}

handle_slot!(
    UnarySlot,
    unary_impl,
    unary_tramp,
    unary_def,
    HPyFunc_UNARYFUNC,
    _HPyFunc_args_UNARYFUNC,
    [arg0]
);
handle_slot!(
    BinarySlot,
    binary_impl,
    binary_tramp,
    binary_def,
    HPyFunc_BINARYFUNC,
    _HPyFunc_args_BINARYFUNC,
    [arg0, arg1]
);
handle_slot!(
    TernarySlot,
    ternary_impl,
    ternary_tramp,
    ternary_def,
    HPyFunc_TERNARYFUNC,
    _HPyFunc_args_TERNARYFUNC,
    [arg0, arg1, arg2]
);

/// Slots that return a C value (`int`, `Py_ssize_t`, `Py_hash_t`) computed from one object.
macro_rules! value_slot {
    ($Trait:ident, $impl_fn:ident, $tramp:ident, $def:ident, $SIG:ident, $Args:ident, $R:ty, $doc:literal) => {
        #[doc = $doc]
        pub trait $Trait {
            /// The name used in panic messages.
            const NAME: &'static str;
            /// The user's slot function.
            fn call<'ctx>(ctx: Context<'ctx>, arg0: &Handle<'ctx>) -> HPyResult<$R>;
        }
        unsafe extern "C" fn $impl_fn<M: $Trait>(ctx: *mut sys::HPyContext, arg0: sys::HPy) -> $R {
            // SAFETY: the runtime passes this call's context and a borrowed argument.
            unsafe {
                let ctx = Context::from_raw(ctx);
                let arg0 = Handle::borrowed(ctx, arg0);
                run_value(ctx, M::NAME, -1, || M::call(ctx, &arg0))
            }
        }
        unsafe extern "C" fn $tramp<M: $Trait>(arg0: Obj) -> $R {
            let mut args = sys::$Args { arg0, result: 0 };
            // SAFETY: `args` is the argument struct of this signature and `$impl_fn` has it.
            unsafe {
                let f: unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy) -> $R = $impl_fn::<M>;
                call_real(
                    sys::HPyFunc_Signature::$SIG,
                    transmute::<_, sys::HPyCFunction>(f),
                    (&raw mut args).cast(),
                )
            };
            args.result
        }
        /// The definition of `slot` implemented by `M`.
        pub const fn $def<M: $Trait>(slot: sys::HPySlot_Slot) -> StaticDef {
            let f: unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy) -> $R = $impl_fn::<M>;
            let t: unsafe extern "C" fn(Obj) -> $R = $tramp::<M>;
            // SAFETY: as in `unary_def`.
            unsafe {
                StaticCell::new(slot_raw(
                    slot,
                    transmute::<_, sys::HPyCFunction>(f),
                    transmute::<_, sys::cpy_PyCFunction>(t),
                ))
            }
        }
    };
}

value_slot!(
    InquirySlot,
    inquiry_impl,
    inquiry_tramp,
    inquiry_def,
    HPyFunc_INQUIRY,
    _HPyFunc_args_INQUIRY,
    c_int,
    "`__bool__`: 0 or 1."
);
value_slot!(
    LenSlot,
    len_impl,
    len_tramp,
    len_def,
    HPyFunc_LENFUNC,
    _HPyFunc_args_LENFUNC,
    isize,
    "`__len__`."
);
value_slot!(
    HashSlot,
    hash_impl,
    hash_tramp,
    hash_def,
    HPyFunc_HASHFUNC,
    _HPyFunc_args_HASHFUNC,
    isize,
    "`__hash__` (never -1)."
);

/// `__contains__`: 0 or 1.
pub trait ContainsSlot {
    /// The name used in panic messages.
    const NAME: &'static str;
    /// The user's slot function.
    fn call<'ctx>(ctx: Context<'ctx>, arg0: &Handle<'ctx>, arg1: &Handle<'ctx>)
        -> HPyResult<c_int>;
}
unsafe extern "C" fn contains_impl<M: ContainsSlot>(
    ctx: *mut sys::HPyContext,
    arg0: sys::HPy,
    arg1: sys::HPy,
) -> c_int {
    // SAFETY: the runtime passes this call's context and borrowed arguments.
    unsafe {
        let ctx = Context::from_raw(ctx);
        let (a, b) = (Handle::borrowed(ctx, arg0), Handle::borrowed(ctx, arg1));
        run_value(ctx, M::NAME, -1, || M::call(ctx, &a, &b))
    }
}
unsafe extern "C" fn contains_tramp<M: ContainsSlot>(arg0: Obj, arg1: Obj) -> c_int {
    let mut args = sys::_HPyFunc_args_OBJOBJPROC {
        arg0,
        arg1,
        result: 0,
    };
    // SAFETY: the OBJOBJPROC argument struct and impl.
    unsafe {
        let f: unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy, sys::HPy) -> c_int =
            contains_impl::<M>;
        call_real(
            sys::HPyFunc_Signature::HPyFunc_OBJOBJPROC,
            transmute::<_, sys::HPyCFunction>(f),
            (&raw mut args).cast(),
        )
    };
    args.result
}
/// The `sq_contains` definition.
pub const fn contains_def<M: ContainsSlot>() -> StaticDef {
    let f: unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy, sys::HPy) -> c_int =
        contains_impl::<M>;
    let t: unsafe extern "C" fn(Obj, Obj) -> c_int = contains_tramp::<M>;
    // SAFETY: as in `unary_def`.
    unsafe {
        StaticCell::new(slot_raw(
            sys::HPySlot_Slot::HPy_sq_contains,
            transmute::<_, sys::HPyCFunction>(f),
            transmute::<_, sys::cpy_PyCFunction>(t),
        ))
    }
}

/// `__setitem__`/`__delitem__` (`mp_ass_subscript`): `value` is `None` for a deletion.
pub trait AssignSlot {
    /// The name used in panic messages.
    const NAME: &'static str;
    /// The user's slot function.
    fn call<'ctx>(
        ctx: Context<'ctx>,
        this: &Handle<'ctx>,
        key: &Handle<'ctx>,
        value: Option<&Handle<'ctx>>,
    ) -> HPyResult<()>;
}
unsafe extern "C" fn assign_impl<M: AssignSlot>(
    ctx: *mut sys::HPyContext,
    a: sys::HPy,
    k: sys::HPy,
    v: sys::HPy,
) -> c_int {
    // SAFETY: the runtime passes this call's context and borrowed arguments (`v` may be NULL).
    unsafe {
        let ctx = Context::from_raw(ctx);
        let (a, k) = (Handle::borrowed(ctx, a), Handle::borrowed(ctx, k));
        let v = (v._i != 0).then(|| Handle::borrowed(ctx, v));
        run_value(ctx, M::NAME, -1, || {
            M::call(ctx, &a, &k, v.as_deref()).map(|()| 0)
        })
    }
}
unsafe extern "C" fn assign_tramp<M: AssignSlot>(arg0: Obj, arg1: Obj, arg2: Obj) -> c_int {
    let mut args = sys::_HPyFunc_args_OBJOBJARGPROC {
        arg0,
        arg1,
        arg2,
        result: 0,
    };
    // SAFETY: the OBJOBJARGPROC argument struct and impl.
    unsafe {
        let f: unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy, sys::HPy, sys::HPy) -> c_int =
            assign_impl::<M>;
        call_real(
            sys::HPyFunc_Signature::HPyFunc_OBJOBJARGPROC,
            transmute::<_, sys::HPyCFunction>(f),
            (&raw mut args).cast(),
        )
    };
    args.result
}
/// The `mp_ass_subscript` definition.
pub const fn assign_def<M: AssignSlot>() -> StaticDef {
    let f: unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy, sys::HPy, sys::HPy) -> c_int =
        assign_impl::<M>;
    let t: unsafe extern "C" fn(Obj, Obj, Obj) -> c_int = assign_tramp::<M>;
    // SAFETY: as in `unary_def`.
    unsafe {
        StaticCell::new(slot_raw(
            sys::HPySlot_Slot::HPy_mp_ass_subscript,
            transmute::<_, sys::HPyCFunction>(f),
            transmute::<_, sys::cpy_PyCFunction>(t),
        ))
    }
}

/// `__richcmp__`.
pub trait RichCmpSlot {
    /// The name used in panic messages.
    const NAME: &'static str;
    /// The user's slot function.
    fn call<'ctx>(
        ctx: Context<'ctx>,
        a: &Handle<'ctx>,
        b: &Handle<'ctx>,
        op: CompareOp,
    ) -> HPyResult<Handle<'ctx>>;
}
unsafe extern "C" fn richcmp_impl<M: RichCmpSlot>(
    ctx: *mut sys::HPyContext,
    a: sys::HPy,
    b: sys::HPy,
    op: sys::HPy_RichCmpOp,
) -> sys::HPy {
    // SAFETY: the runtime passes this call's context and borrowed arguments.
    unsafe {
        let ctx = Context::from_raw(ctx);
        let (a, b) = (Handle::borrowed(ctx, a), Handle::borrowed(ctx, b));
        run(ctx, M::NAME, || {
            let op = match op {
                0 => CompareOp::Lt,
                1 => CompareOp::Le,
                2 => CompareOp::Eq,
                3 => CompareOp::Ne,
                4 => CompareOp::Gt,
                5 => CompareOp::Ge,
                _ => return Err(HPyErr::system_error("invalid comparison operator")),
            };
            M::call(ctx, &a, &b, op)
        })
    }
}
unsafe extern "C" fn richcmp_tramp<M: RichCmpSlot>(arg0: Obj, arg1: Obj, op: c_int) -> Obj {
    let mut args = sys::_HPyFunc_args_RICHCMPFUNC {
        arg0,
        arg1,
        arg2: op as sys::HPy_RichCmpOp,
        result: null_mut(),
    };
    // SAFETY: the RICHCMPFUNC argument struct and impl.
    unsafe {
        let f: unsafe extern "C" fn(
            *mut sys::HPyContext,
            sys::HPy,
            sys::HPy,
            sys::HPy_RichCmpOp,
        ) -> sys::HPy = richcmp_impl::<M>;
        call_real(
            sys::HPyFunc_Signature::HPyFunc_RICHCMPFUNC,
            transmute::<_, sys::HPyCFunction>(f),
            (&raw mut args).cast(),
        )
    };
    args.result
}
/// The `tp_richcompare` definition.
pub const fn richcmp_def<M: RichCmpSlot>() -> StaticDef {
    let f: unsafe extern "C" fn(
        *mut sys::HPyContext,
        sys::HPy,
        sys::HPy,
        sys::HPy_RichCmpOp,
    ) -> sys::HPy = richcmp_impl::<M>;
    let t: unsafe extern "C" fn(Obj, Obj, c_int) -> Obj = richcmp_tramp::<M>;
    // SAFETY: as in `unary_def`.
    unsafe {
        StaticCell::new(slot_raw(
            sys::HPySlot_Slot::HPy_tp_richcompare,
            transmute::<_, sys::HPyCFunction>(f),
            transmute::<_, sys::cpy_PyCFunction>(t),
        ))
    }
}

/// `__del__` (`tp_finalize`): errors are reported as unraisable.
pub trait FinalizeSlot {
    /// The name used in panic messages.
    const NAME: &'static str;
    /// The user's slot function.
    fn call<'ctx>(ctx: Context<'ctx>, this: &Handle<'ctx>) -> HPyResult<()>;
}
unsafe extern "C" fn finalize_impl<M: FinalizeSlot>(ctx: *mut sys::HPyContext, a: sys::HPy) {
    // SAFETY: the runtime passes this call's context and a borrowed argument.
    unsafe {
        let ctx = Context::from_raw(ctx);
        let a = Handle::borrowed(ctx, a);
        let done = run(ctx, M::NAME, || M::call(ctx, &a).map(|()| ctx.none()));
        if done._i == 0 {
            call!(ctx, ctx_Err_WriteUnraisable, a.as_raw());
        } else {
            call!(ctx, ctx_Close, done);
        }
    }
}
unsafe extern "C" fn finalize_tramp<M: FinalizeSlot>(arg0: Obj) {
    let mut args = sys::_HPyFunc_args_DESTRUCTOR { arg0 };
    // SAFETY: the DESTRUCTOR argument struct and impl.
    unsafe {
        let f: unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy) = finalize_impl::<M>;
        call_real(
            sys::HPyFunc_Signature::HPyFunc_DESTRUCTOR,
            transmute::<_, sys::HPyCFunction>(f),
            (&raw mut args).cast(),
        )
    };
}
/// The `tp_finalize` definition.
pub const fn finalize_def<M: FinalizeSlot>() -> StaticDef {
    let f: unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy) = finalize_impl::<M>;
    let t: unsafe extern "C" fn(Obj) = finalize_tramp::<M>;
    // SAFETY: as in `unary_def`.
    unsafe {
        StaticCell::new(slot_raw(
            sys::HPySlot_Slot::HPy_tp_finalize,
            transmute::<_, sys::HPyCFunction>(f),
            transmute::<_, sys::cpy_PyCFunction>(t),
        ))
    }
}

/// A property setter: `value` is `None` for `del obj.attr`.
pub trait SetterSlot {
    /// The name used in panic messages.
    const NAME: &'static str;
    /// The user's setter.
    fn call<'ctx>(
        ctx: Context<'ctx>,
        this: &Handle<'ctx>,
        value: Option<&Handle<'ctx>>,
    ) -> HPyResult<()>;
}
unsafe extern "C" fn getter_impl<M: UnarySlot>(
    ctx: *mut sys::HPyContext,
    a: sys::HPy,
    _closure: *mut c_void,
) -> sys::HPy {
    // SAFETY: the runtime passes this call's context and a borrowed argument.
    unsafe {
        let ctx = Context::from_raw(ctx);
        let a = Handle::borrowed(ctx, a);
        run(ctx, M::NAME, || M::call(ctx, &a))
    }
}
unsafe extern "C" fn getter_tramp<M: UnarySlot>(arg0: Obj, arg1: *mut c_void) -> Obj {
    let mut args = sys::_HPyFunc_args_GETTER {
        arg0,
        arg1,
        result: null_mut(),
    };
    // SAFETY: the GETTER argument struct and impl.
    unsafe {
        let f: unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy, *mut c_void) -> sys::HPy =
            getter_impl::<M>;
        call_real(
            sys::HPyFunc_Signature::HPyFunc_GETTER,
            transmute::<_, sys::HPyCFunction>(f),
            (&raw mut args).cast(),
        )
    };
    args.result
}
unsafe extern "C" fn setter_impl<M: SetterSlot>(
    ctx: *mut sys::HPyContext,
    a: sys::HPy,
    v: sys::HPy,
    _closure: *mut c_void,
) -> c_int {
    // SAFETY: the runtime passes this call's context and borrowed arguments (`v` may be NULL).
    unsafe {
        let ctx = Context::from_raw(ctx);
        let a = Handle::borrowed(ctx, a);
        let v = (v._i != 0).then(|| Handle::borrowed(ctx, v));
        let rc = run_value(ctx, M::NAME, -1, || {
            M::call(ctx, &a, v.as_deref()).map(|()| 0)
        });
        if rc != 0 && !crate::runtime::is_cpython() {
            setter_error_unraisable(ctx, &a, M::NAME);
        }
        rc
    }
}
/// PyPy's HPy ignores a setter's result: the exception would stay pending and abort the
/// interpreter later. It is reported as unraisable instead (which clears it), in the name of
/// the property rather than the object: the object's `repr` would be a nested call into the
/// module, which PyPy's debug mode does not survive.
#[cold]
fn setter_error_unraisable(ctx: Context<'_>, owner: &Handle<'_>, name: &str) {
    let what = format!("the setter of {}.{name}", owner.type_name());
    let what = crate::Str::new(ctx, &what).ok();
    // SAFETY: an exception is set; the object is an open handle or NULL.
    unsafe {
        call!(
            ctx,
            ctx_Err_WriteUnraisable,
            crate::handle::raw_or_null(what.as_deref())
        )
    };
}

unsafe extern "C" fn setter_tramp<M: SetterSlot>(arg0: Obj, arg1: Obj, arg2: *mut c_void) -> c_int {
    let mut args = sys::_HPyFunc_args_SETTER {
        arg0,
        arg1,
        arg2,
        result: 0,
    };
    // SAFETY: the SETTER argument struct and impl.
    unsafe {
        let f: unsafe extern "C" fn(
            *mut sys::HPyContext,
            sys::HPy,
            sys::HPy,
            *mut c_void,
        ) -> c_int = setter_impl::<M>;
        call_real(
            sys::HPyFunc_Signature::HPyFunc_SETTER,
            transmute::<_, sys::HPyCFunction>(f),
            (&raw mut args).cast(),
        )
    };
    args.result
}

/// The getter half of a property definition.
pub struct GetterFns(sys::HPyCFunction, sys::cpy_getter);
/// The setter half of a property definition.
pub struct SetterFns(sys::HPyCFunction, sys::cpy_setter);

/// The getter of `M`.
pub const fn getter_fns<M: UnarySlot>() -> GetterFns {
    let f: unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy, *mut c_void) -> sys::HPy =
        getter_impl::<M>;
    // SAFETY: type-erased function pointer; the runtime calls it with the GETTER signature.
    GetterFns(
        unsafe { transmute::<_, sys::HPyCFunction>(f) },
        Some(getter_tramp::<M>),
    )
}
/// The setter of `M`.
pub const fn setter_fns<M: SetterSlot>() -> SetterFns {
    let f: unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy, sys::HPy, *mut c_void) -> c_int =
        setter_impl::<M>;
    // SAFETY: type-erased function pointer; the runtime calls it with the SETTER signature.
    SetterFns(
        unsafe { transmute::<_, sys::HPyCFunction>(f) },
        Some(setter_tramp::<M>),
    )
}

/// A property (`HPyDef_Kind_GetSet`).
pub const fn getset_def(
    name: &'static CStr,
    doc: Option<&'static CStr>,
    get: Option<GetterFns>,
    set: Option<SetterFns>,
) -> StaticDef {
    let (gi, gt) = match get {
        Some(GetterFns(i, t)) => (i, t),
        None => (None, None),
    };
    // A property without a setter still gets one that raises AttributeError: PyPy's HPy aborts
    // on assignment to a property without a setter. The closure is the property's name.
    let (si, st) = match set {
        Some(SetterFns(i, t)) => (i, t),
        None => {
            let f: unsafe extern "C" fn(
                *mut sys::HPyContext,
                sys::HPy,
                sys::HPy,
                *mut c_void,
            ) -> c_int = readonly_impl;
            // SAFETY: type-erased function pointer; the runtime calls it with the SETTER signature.
            (
                unsafe { transmute::<_, sys::HPyCFunction>(f) },
                Some(readonly_tramp as unsafe extern "C" fn(Obj, Obj, *mut c_void) -> c_int),
            )
        }
    };
    StaticCell::new(sys::HPyDef {
        kind: sys::HPyDef_Kind::HPyDef_Kind_GetSet,
        __bindgen_anon_1: sys::HPyDef__bindgen_ty_1 {
            getset: sys::HPyGetSet {
                name: name.as_ptr(),
                getter_impl: gi,
                setter_impl: si,
                getter_cpy_trampoline: gt,
                setter_cpy_trampoline: st,
                doc: match doc {
                    Some(d) => d.as_ptr(),
                    None => core::ptr::null(),
                },
                closure: name.as_ptr().cast_mut().cast(),
            },
        },
    })
}

unsafe extern "C" fn readonly_impl(
    ctx: *mut sys::HPyContext,
    a: sys::HPy,
    _v: sys::HPy,
    closure: *mut c_void,
) -> c_int {
    // SAFETY: the runtime passes this call's context and a borrowed instance; the closure is the
    // property's static name (see `getset_def`).
    unsafe {
        let ctx = Context::from_raw(ctx);
        let a = Handle::borrowed(ctx, a);
        let name = CStr::from_ptr(closure.cast()).to_string_lossy();
        let err = HPyErr::new(
            crate::ExceptionType::AttributeError,
            format!(
                "attribute '{name}' of '{}' objects is not writable",
                a.type_name()
            ),
        );
        err.restore(ctx);
        if !crate::runtime::is_cpython() {
            setter_error_unraisable(ctx, &a, &name);
        }
        -1
    }
}
unsafe extern "C" fn readonly_tramp(arg0: Obj, arg1: Obj, arg2: *mut c_void) -> c_int {
    let mut args = sys::_HPyFunc_args_SETTER {
        arg0,
        arg1,
        arg2,
        result: 0,
    };
    // SAFETY: the SETTER argument struct and impl.
    unsafe {
        let f: unsafe extern "C" fn(
            *mut sys::HPyContext,
            sys::HPy,
            sys::HPy,
            *mut c_void,
        ) -> c_int = readonly_impl;
        call_real(
            sys::HPyFunc_Signature::HPyFunc_SETTER,
            transmute::<_, sys::HPyCFunction>(f),
            (&raw mut args).cast(),
        )
    };
    args.result
}

type KeywordsImplFn = unsafe extern "C" fn(
    *mut sys::HPyContext,
    sys::HPy,
    *const sys::HPy,
    usize,
    sys::HPy,
) -> sys::HPy;
type KeywordsTramp = unsafe extern "C" fn(Obj, *const Obj, usize, Obj) -> Obj;

/// The `tp_call` definition (`__call__`).
pub const fn call_def<M: KeywordsMethod>() -> StaticDef {
    let f: KeywordsImplFn = keywords_impl::<M>;
    let t: KeywordsTramp = keywords_trampoline::<M>;
    // SAFETY: as in `unary_def`; `tp_call` uses the KEYWORDS signature.
    unsafe {
        StaticCell::new(slot_raw(
            sys::HPySlot_Slot::HPy_tp_call,
            transmute::<_, sys::HPyCFunction>(f),
            transmute::<_, sys::cpy_PyCFunction>(t),
        ))
    }
}

/// A per-object call function (`#[call_function]`).
pub const fn call_function<T, M: KeywordsMethod>() -> CallFunction<T> {
    CallFunction::from_raw(sys::HPyCallFunction {
        cpy_trampoline: Some(keywords_trampoline::<M>),
        impl_: Some(keywords_impl::<M>),
    })
}

/// `__new__` (`tp_new`): like a method with arguments, called with the type.
unsafe extern "C" fn new_impl<M: KeywordsMethod>(
    ctx: *mut sys::HPyContext,
    cls: sys::HPy,
    args: *const sys::HPy,
    nargs: sys::HPy_ssize_t,
    kw: sys::HPy,
) -> sys::HPy {
    // SAFETY: the runtime passes this call's context, the borrowed type, `nargs` borrowed
    // positional arguments and a borrowed dict of keyword arguments (or NULL).
    unsafe {
        let ctx = Context::from_raw(ctx);
        let cls = Handle::borrowed(ctx, cls);
        run(ctx, M::DESC.name, || {
            if kw._i == 0 {
                return M::call(ctx, &cls, RawArgs::new(args, nargs as usize, sys::HPy_NULL));
            }
            // Keyword arguments come as a dict: lay them out as a vectorcall would.
            let kw = Handle::borrowed(ctx, kw);
            if kw.is_tuple() {
                // PyPy passes the keyword names as a tuple, with their values after the
                // positional arguments (the vectorcall layout), instead of a dict.
                return M::call(ctx, &cls, RawArgs::new(args, nargs as usize, kw.as_raw()));
            }
            let keys = ctx.own(call!(ctx, ctx_Dict_Keys, kw.as_raw()))?;
            let n = keys.len()?;
            let mut names = Vec::with_capacity(n);
            let mut values = Vec::with_capacity(n);
            for i in 0..n {
                let k = keys.get_item(i)?;
                values.push(kw.get_item(&k)?);
                names.push(k);
            }
            let raw_names: Vec<sys::HPy> = names.iter().map(Handle::as_raw).collect();
            let kwnames = ctx.own(call!(
                ctx,
                ctx_Tuple_FromArray,
                raw_names.as_ptr().cast_mut(),
                n as isize
            ))?;
            let mut all: Vec<sys::HPy> = core::slice::from_raw_parts(args, nargs as usize).to_vec();
            all.extend(values.iter().map(Handle::as_raw));
            M::call(
                ctx,
                &cls,
                RawArgs::new(all.as_ptr(), nargs as usize, kwnames.as_raw()),
            )
        })
    }
}
unsafe extern "C" fn new_tramp<M: KeywordsMethod>(self_: Obj, args: Obj, kw: Obj) -> Obj {
    let mut a = sys::_HPyFunc_args_NEWFUNC {
        self_,
        args,
        kw,
        result: null_mut(),
    };
    // SAFETY: the NEWFUNC argument struct and impl.
    unsafe {
        let f: unsafe extern "C" fn(
            *mut sys::HPyContext,
            sys::HPy,
            *const sys::HPy,
            sys::HPy_ssize_t,
            sys::HPy,
        ) -> sys::HPy = new_impl::<M>;
        call_real(
            sys::HPyFunc_Signature::HPyFunc_NEWFUNC,
            transmute::<_, sys::HPyCFunction>(f),
            (&raw mut a).cast(),
        )
    };
    a.result
}
/// The `tp_new` definition of a `#[new]`.
pub const fn new_def<M: KeywordsMethod>() -> StaticDef {
    StaticCell::new(new_raw::<M>())
}
const fn new_raw<M: KeywordsMethod>() -> sys::HPyDef {
    let f: unsafe extern "C" fn(
        *mut sys::HPyContext,
        sys::HPy,
        *const sys::HPy,
        sys::HPy_ssize_t,
        sys::HPy,
    ) -> sys::HPy = new_impl::<M>;
    let t: unsafe extern "C" fn(Obj, Obj, Obj) -> Obj = new_tramp::<M>;
    // SAFETY: as in `unary_def`.
    unsafe {
        slot_raw(
            sys::HPySlot_Slot::HPy_tp_new,
            transmute::<_, sys::HPyCFunction>(f),
            transmute::<_, sys::cpy_PyCFunction>(t),
        )
    }
}

/// `tp_new` of a class without `#[new]`: refuses, or makes an empty instance for
/// `#[hpy_class(default)]` (`HPyType_GenericNew`).
struct NoNew<T>(core::marker::PhantomData<T>);
impl<T: HPyClass> KeywordsMethod for NoNew<T> {
    const DESC: super::FunctionDescription = super::FunctionDescription {
        name: "__new__",
        params: &[],
        positional_only: 0,
        positional: 0,
        required_positional: 0,
        required_keyword_only: &[],
        varargs: true,
        varkw: true,
    };
    fn call<'ctx>(
        ctx: Context<'ctx>,
        cls: &Handle<'ctx>,
        args: RawArgs<'_>,
    ) -> HPyResult<Handle<'ctx>> {
        if !T::SPEC.generic_new {
            return Err(HPyErr::type_error(format!(
                "cannot create '{}' instances",
                T::SPEC.py_name()
            )));
        }
        crate::class::refuse_subtype_on_pypy::<T>(ctx, cls)?;
        let (ptr, nargs) = args.positional();
        // SAFETY: the type is open and the positional arguments are borrowed for the call.
        unsafe {
            ctx.own(call!(
                ctx,
                ctx_Type_GenericNew,
                cls.as_raw(),
                ptr,
                nargs as isize,
                sys::HPy_NULL
            ))
        }
    }
}
/// The `tp_new` of a class without `#[new]`.
pub fn no_new_def<T: HPyClass>() -> sys::HPyDef {
    new_raw::<NoNew<T>>()
}

unsafe extern "C" fn destroy_impl<T: HPyClass>(data: *mut c_void) {
    let data = data.cast::<u8>();
    // SAFETY: the runtime passes the struct of an instance that is being freed; the value was
    // stored iff the state is not UNINIT, and nothing can borrow it any more.
    unsafe {
        let header = &*data.cast::<Header>();
        if header.state.get() != 0 && header.may_drop::<T>() {
            let value = data.add(value_offset::<T>()).cast::<T>();
            // A panicking `Drop` must not unwind into the runtime; the value is then leaked.
            let _ =
                std::panic::catch_unwind(core::panic::AssertUnwindSafe(|| value.drop_in_place()));
        }
    }
}
/// The `tp_destroy` definition: drops the Rust value.
pub fn destroy_def<T: HPyClass>() -> sys::HPyDef {
    let f: unsafe extern "C" fn(*mut c_void) = destroy_impl::<T>;
    // SAFETY: type-erased function pointer; the runtime calls it directly with the payload.
    slot_raw(
        sys::HPySlot_Slot::HPy_tp_destroy,
        unsafe { transmute::<_, sys::HPyCFunction>(f) },
        None,
    )
}

unsafe extern "C" fn traverse_impl<T: HPyClass>(
    data: *mut c_void,
    visit: sys::HPyFunc_visitproc,
    arg: *mut c_void,
) -> c_int {
    let Some(visit) = visit else { return 0 };
    for i in 0..T::SPEC.field_offsets.len() {
        let f = crate::class::raw_field_of(data.cast(), i);
        // SAFETY: `f` is one of the instance's raw fields; the visitor skips nothing by itself.
        unsafe {
            if (*f)._i != 0 {
                let r = visit(f, arg);
                if r != 0 {
                    return r;
                }
            }
        }
    }
    0
}
unsafe extern "C" fn traverse_tramp<T: HPyClass>(
    self_: Obj,
    visit: sys::cpy_visitproc,
    arg: *mut c_void,
) -> c_int {
    let mut a = sys::_HPyFunc_args_TRAVERSEPROC {
        self_,
        visit,
        arg,
        result: 0,
    };
    // SAFETY: the TRAVERSEPROC argument struct and impl.
    unsafe {
        let f: unsafe extern "C" fn(*mut c_void, sys::HPyFunc_visitproc, *mut c_void) -> c_int =
            traverse_impl::<T>;
        call_real(
            sys::HPyFunc_Signature::HPyFunc_TRAVERSEPROC,
            transmute::<_, sys::HPyCFunction>(f),
            (&raw mut a).cast(),
        )
    };
    a.result
}
/// The `tp_traverse` definition: visits every raw field.
pub fn traverse_def<T: HPyClass>() -> sys::HPyDef {
    let f: unsafe extern "C" fn(*mut c_void, sys::HPyFunc_visitproc, *mut c_void) -> c_int =
        traverse_impl::<T>;
    let t: unsafe extern "C" fn(Obj, sys::cpy_visitproc, *mut c_void) -> c_int =
        traverse_tramp::<T>;
    // SAFETY: as in `unary_def`.
    unsafe {
        slot_raw(
            sys::HPySlot_Slot::HPy_tp_traverse,
            transmute::<_, sys::HPyCFunction>(f),
            transmute::<_, sys::cpy_PyCFunction>(t),
        )
    }
}

/// `self` of a method or slot, which the runtime has type-checked.
///
/// # Safety
///
/// `h` must be an instance of `T`'s type or of a subtype.
#[inline(always)]
pub unsafe fn this<'ctx, T: HPyClass>(
    h: &Handle<'ctx>,
) -> HPyResult<core::mem::ManuallyDrop<crate::Obj<'ctx, T>>> {
    if T::SPEC.subclass || T::SPEC.shape != crate::BuiltinShape::Object {
        crate::class::check_subclass_instance::<T>(h)?;
    }
    // SAFETY: forwarded; the copy of the borrowed handle is never closed (ManuallyDrop).
    unsafe {
        let raw = Handle::borrowed(h.ctx(), h.as_raw());
        Ok(core::mem::ManuallyDrop::new(crate::Obj::unchecked(
            core::mem::ManuallyDrop::into_inner(raw),
        )))
    }
}

/// `HPy_New` for a `#[new]` on the type it was called with.
pub fn new_instance<'ctx, T: HPyClass>(
    ctx: Context<'ctx>,
    cls: &Handle<'ctx>,
    value: T,
) -> HPyResult<Handle<'ctx>> {
    // SAFETY: `tp_new` of `T`'s type is only called with that type or a subtype.
    unsafe { crate::Obj::new_of_type(ctx, cls, value).map(crate::Obj::into_handle) }
}

/// Finishes a `#[new]`: creates the instance of `cls` holding the returned value.
pub fn finish_new<'a, 'ctx, T: HPyClass, R: IntoNew<T>>(
    ctx: Context<'ctx>,
    cls: &'a Handle<'ctx>,
) -> impl FnOnce(R) -> HPyResult<Handle<'ctx>> + 'a {
    move |r| new_instance::<T>(ctx, cls, r.into_new()?)
}

/// The operand of a binary operator that is an instance of `T`, if it is one.
pub fn operand<'ctx, T: HPyClass>(h: &Handle<'ctx>) -> HPyResult<Option<crate::Obj<'ctx, T>>> {
    crate::Obj::<T>::cast(h)
}

/// What a `#[new]` may return: the value or an `HPyResult` of it.
pub trait IntoNew<T> {
    /// The value or the error.
    fn into_new(self) -> HPyResult<T>;
}
impl<T: HPyClass> IntoNew<T> for T {
    fn into_new(self) -> HPyResult<T> {
        Ok(self)
    }
}
impl<T: HPyClass> IntoNew<T> for HPyResult<T> {
    fn into_new(self) -> HPyResult<T> {
        self
    }
}

/// A hash as CPython wants it: -1 is reserved for errors.
pub fn fix_hash(h: isize) -> isize {
    if h == -1 {
        -2
    } else {
        h
    }
}

/// The value given to a property setter; `del obj.attr` and conversion errors name the attribute.
pub fn setter_value<'a, 'ctx, T>(v: Option<&'a Handle<'ctx>>, name: &str) -> HPyResult<T>
where
    T: crate::FromPython<'a, 'ctx>,
{
    let v = v.ok_or_else(|| HPyErr::type_error(format!("cannot delete attribute '{name}'")))?;
    T::from_python(v).map_err(|e| match (e.exception_type(), e.message()) {
        (Some(ty), Some(msg)) => HPyErr::new(ty, format!("attribute '{name}' {msg}")),
        _ => e,
    })
}

/// What a setter, `__setitem__`, `__delitem__` or `__del__` may return: `()` or `HPyResult<()>`.
pub trait IntoUnit {
    /// The result.
    fn into_unit(self, ctx: Context<'_>) -> HPyResult<()>;
}
impl IntoUnit for () {
    fn into_unit(self, _ctx: Context<'_>) -> HPyResult<()> {
        Ok(())
    }
}
impl IntoUnit for HPyResult<()> {
    fn into_unit(self, _ctx: Context<'_>) -> HPyResult<()> {
        self
    }
}

/// A plain value or an `HPyResult` of it (`__bool__`, `__len__`, `__contains__`).
pub trait IntoValue<T> {
    /// The value or the error.
    fn into_value(self) -> HPyResult<T>;
}
impl<T> IntoValue<T> for T {
    fn into_value(self) -> HPyResult<T> {
        Ok(self)
    }
}
impl<T> IntoValue<T> for HPyResult<T> {
    fn into_value(self) -> HPyResult<T> {
        self
    }
}

/// A length as `Py_ssize_t`.
pub fn len_value(n: usize) -> HPyResult<isize> {
    isize::try_from(n).map_err(|_| {
        HPyErr::overflow_error("__len__() should return a value that fits in Py_ssize_t")
    })
}

/// What `__hash__` may return: an integer (or an `HPyResult` of one); -1 becomes -2.
pub trait IntoHash {
    /// The hash.
    fn into_hash(self) -> HPyResult<isize>;
}
macro_rules! into_hash {
    ($($t:ty),*) => {$(
        impl IntoHash for $t {
            fn into_hash(self) -> HPyResult<isize> {
                Ok(fix_hash(self as isize))
            }
        }
        impl IntoHash for HPyResult<$t> {
            fn into_hash(self) -> HPyResult<isize> {
                self.map(|h| fix_hash(h as isize))
            }
        }
    )*};
}
into_hash!(isize, usize, i64, u64, i32, u32);

/// A reflected operator as a method: `this.__rOP__(other)` is the slot called as `(other, this)`.
pub trait Reflected {
    /// The name used in panic messages.
    const NAME: &'static str;
    /// The slot with the operands swapped.
    fn call<'ctx>(
        ctx: Context<'ctx>,
        this: &Handle<'ctx>,
        other: &Handle<'ctx>,
    ) -> HPyResult<Handle<'ctx>>;
}

/// [`Reflected`] for a [`BinarySlot`].
pub struct Swap<M>(core::marker::PhantomData<M>);
impl<M: BinarySlot> Reflected for Swap<M> {
    const NAME: &'static str = M::NAME;
    fn call<'ctx>(
        ctx: Context<'ctx>,
        this: &Handle<'ctx>,
        other: &Handle<'ctx>,
    ) -> HPyResult<Handle<'ctx>> {
        M::call(ctx, other, this)
    }
}

/// [`Reflected`] for `__pow__` (a [`TernarySlot`]) without a modulo.
pub struct SwapPow<M>(core::marker::PhantomData<M>);
impl<M: TernarySlot> Reflected for SwapPow<M> {
    const NAME: &'static str = M::NAME;
    fn call<'ctx>(
        ctx: Context<'ctx>,
        this: &Handle<'ctx>,
        other: &Handle<'ctx>,
    ) -> HPyResult<Handle<'ctx>> {
        M::call(ctx, other, this, &ctx.none())
    }
}

unsafe extern "C" fn reflected_impl<M: Reflected>(
    ctx: *mut sys::HPyContext,
    this: sys::HPy,
    other: sys::HPy,
) -> sys::HPy {
    // SAFETY: the runtime passes this call's context and two borrowed arguments (HPyFunc_O).
    unsafe {
        let ctx = Context::from_raw(ctx);
        let (this, other) = (Handle::borrowed(ctx, this), Handle::borrowed(ctx, other));
        run(ctx, M::NAME, || M::call(ctx, &this, &other))
    }
}

unsafe extern "C" fn reflected_tramp<M: Reflected>(self_: Obj, arg: Obj) -> Obj {
    let mut args = sys::_HPyFunc_args_O {
        self_,
        arg,
        result: null_mut(),
    };
    // SAFETY: `args` is the O argument struct and `reflected_impl` has the O signature.
    unsafe {
        let f: unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy, sys::HPy) -> sys::HPy =
            reflected_impl::<M>;
        call_real(
            sys::HPyFunc_Signature::HPyFunc_O,
            transmute::<_, sys::HPyCFunction>(f),
            (&raw mut args).cast(),
        )
    };
    args.result
}

/// The `__rOP__` method `name` of a reflected operator.
pub const fn reflected_def<M: Reflected>(name: &'static CStr) -> StaticDef {
    let f: unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy, sys::HPy) -> sys::HPy =
        reflected_impl::<M>;
    let t: unsafe extern "C" fn(Obj, Obj) -> Obj = reflected_tramp::<M>;
    // SAFETY: type-erased function pointers; the runtime calls them with the O signature.
    unsafe {
        super::meth_def(
            name,
            c"",
            transmute::<_, sys::HPyCFunction>(f),
            transmute::<_, sys::cpy_PyCFunction>(t),
            sys::HPyFunc_Signature::HPyFunc_O,
        )
    }
}
