//! Entry points of generated code: one table with a row per HPy function signature this crate
//! implements (slots, methods, properties, `__new__`, module exec hooks). Each row yields the
//! function with HPy's signature, its CPython trampoline, and [`Fns`], the type-erased pair that
//! goes into an `HPyDef`. The traits the generated marker types implement come first.

// Every transmute here erases a function pointer whose type is spelled on the local it comes from.
#![allow(clippy::missing_transmute_annotations)]

use core::ffi::{c_int, c_void, CStr};
use core::mem::{transmute, ManuallyDrop};
#[cfg_attr(feature = "cpython-abi", allow(unused_imports))]
use core::ptr::null_mut;

#[cfg(not(feature = "cpython-abi"))]
use super::call_real;
use super::{run, ExecHook, KeywordsMethod, NoArgsMethod, RawArgs, StaticCell, StaticDef};
use crate::class::{value_offset, CallFunction, HPyClass, Property};
use crate::sys;
use crate::{CompareOp, Context, HPyErr, HPyResult, Handle};

type Obj = *mut sys::cpy_PyObject;

macro_rules! slot_traits {
    ($($(#[$doc:meta])* $Trait:ident($($p:ident: $t:ty),*) -> $Out:ty;)*) => {$(
        $(#[$doc])*
        pub trait $Trait {
            /// The name used in panic messages.
            const NAME: &'static str;
            /// The user's function, with its arguments extracted and its result converted.
            fn call<'ctx>(ctx: Context<'ctx>, $($p: $t),*) -> HPyResult<$Out>;
        }
    )*};
}

slot_traits! {
    /// A slot or getter taking the instance and returning an object.
    UnarySlot(a: &Handle<'ctx>) -> Handle<'ctx>;
    /// A binary slot (operators, `__getitem__`, in-place operators).
    BinarySlot(a: &Handle<'ctx>, b: &Handle<'ctx>) -> Handle<'ctx>;
    /// A ternary slot (`__pow__`, `__ipow__`); `c` is `None` when no modulo is given.
    TernarySlot(a: &Handle<'ctx>, b: &Handle<'ctx>, c: &Handle<'ctx>) -> Handle<'ctx>;
    /// `__bool__`: 0 or 1.
    InquirySlot(a: &Handle<'ctx>) -> c_int;
    /// `__len__`.
    LenSlot(a: &Handle<'ctx>) -> isize;
    /// `__hash__` (never -1).
    HashSlot(a: &Handle<'ctx>) -> isize;
    /// `__contains__`: 0 or 1.
    ContainsSlot(a: &Handle<'ctx>, b: &Handle<'ctx>) -> c_int;
    /// `__setitem__`/`__delitem__` (`mp_ass_subscript`): `value` is `None` for a deletion.
    AssignSlot(a: &Handle<'ctx>, key: &Handle<'ctx>, value: Option<&Handle<'ctx>>) -> ();
    /// `__richcmp__`.
    RichCmpSlot(a: &Handle<'ctx>, b: &Handle<'ctx>, op: CompareOp) -> Handle<'ctx>;
    /// `__del__` (`tp_finalize`): errors are reported as unraisable.
    FinalizeSlot(a: &Handle<'ctx>) -> ();
    /// A property setter: `value` is `None` for `del obj.attr`.
    SetterSlot(a: &Handle<'ctx>, value: Option<&Handle<'ctx>>) -> ();
    /// A reflected operator as a method: `this.__rOP__(other)` is the slot called as `(other, this)`.
    Reflected(this: &Handle<'ctx>, other: &Handle<'ctx>) -> Handle<'ctx>;
    /// A slot taking an index (`sq_item`, `sq_repeat`, `sq_inplace_repeat`).
    IndexSlot(a: &Handle<'ctx>, i: isize) -> Handle<'ctx>;
    /// `sq_ass_item`: `value` is `None` for a deletion.
    IndexAssignSlot(a: &Handle<'ctx>, i: isize, value: Option<&Handle<'ctx>>) -> ();
    /// `bf_getbuffer`: the export the class hands out.
    GetBufferSlot(a: &Handle<'ctx>) -> crate::buffer::Export;
}

/// A handle argument that may be NULL (a deleted value); ABI-identical to `HPy`.
#[repr(transparent)]
struct Nullable(sys::HPy);
/// A handle argument passed on undecoded; ABI-identical to `HPy`.
#[repr(transparent)]
struct Raw(sys::HPy);

/// How a row's HPy-side argument is decoded before the row's body runs.
trait FromRaw<'ctx>: Sized {
    type Out;
    /// # Safety
    /// `raw` is an argument the runtime passed to this call, with `ctx`.
    unsafe fn from_raw(ctx: Context<'ctx>, raw: Self) -> Self::Out;
}
impl<'ctx> FromRaw<'ctx> for sys::HPy {
    type Out = ManuallyDrop<Handle<'ctx>>;
    unsafe fn from_raw(ctx: Context<'ctx>, raw: Self) -> Self::Out {
        // SAFETY: the runtime lends the handle for the call; it is never closed here.
        unsafe { Handle::borrowed(ctx, raw) }
    }
}
impl<'ctx> FromRaw<'ctx> for Nullable {
    type Out = Option<ManuallyDrop<Handle<'ctx>>>;
    unsafe fn from_raw(ctx: Context<'ctx>, raw: Self) -> Self::Out {
        // SAFETY: as for `HPy`, when the handle is not NULL.
        (raw.0._i != 0).then(|| unsafe { Handle::borrowed(ctx, raw.0) })
    }
}
/// Arguments that reach the body as they are.
macro_rules! plain_args {
    ($($t:ty),*) => {$(
        impl<'ctx> FromRaw<'ctx> for $t {
            type Out = $t;
            unsafe fn from_raw(_ctx: Context<'ctx>, raw: Self) -> Self::Out {
                raw
            }
        }
    )*};
}
plain_args!(Raw, usize, isize, u32, *mut c_void, *const sys::HPy);
plain_args!(c_int, *mut sys::HPy_buffer);

/// A function with HPy's signature and its CPython trampoline, both type-erased, and the
/// signature the runtime calls them with.
#[derive(Clone, Copy)]
pub struct Fns {
    sig: sys::HPyFunc_Signature,
    impl_: sys::HPyCFunction,
    tramp: sys::cpy_PyCFunction,
}

/// The CPython trampoline of a signature, type-erased: it packs its arguments into the
/// signature's `_HPyFunc_args_*` struct and lets the runtime call `f` (of type `fty`) with them.
/// `; name: T` is a trailing argument CPython passes and HPy does not want (METH_NOARGS's NULL).
#[cfg(not(feature = "cpython-abi"))]
macro_rules! trampoline {
    (<$($M:ident: $B:path)?> $SIG:ident / $Args:ident, $f:expr, $fty:ty,
     ($($c:ident: $ct:ty),* $(; $x:ident: $xt:ty)?) $(-> $cr:ty = $zero:expr)?) => {{
        unsafe extern "C" fn tramp $(<$M: $B>)? ($($c: $ct,)* $($x: $xt)?) $(-> $cr)? {
            $(let _: $xt = $x;)?
            let mut args = sys::$Args { $($c,)* $(result: $zero)? };
            let f: $fty = $f;
            // SAFETY: `args` is the argument struct of this signature and `f` has the signature.
            unsafe {
                call_real(sys::HPyFunc_Signature::$SIG, transmute(f), (&raw mut args).cast())
            };
            $({ let result: $cr = args.result; result })?
        }
        let t: unsafe extern "C" fn($($ct,)* $($xt)?) $(-> $cr)? = tramp $(::<$M>)?;
        // SAFETY: type erasure only: CPython calls `t` as the kind of function it is given as.
        unsafe { transmute::<_, sys::cpy_PyCFunction>(t) }
    }};
}

/// How a CPython-side argument (or an impl's result) is passed on in the CPython ABI, where a
/// handle is the object pointer: by type, from what CPython passes to what the impl takes.
#[cfg(feature = "cpython-abi")]
trait CpyArg<T> {
    fn cpy_arg(self) -> T;
}
#[cfg(feature = "cpython-abi")]
const _: () = {
    impl<T> CpyArg<T> for T {
        #[inline(always)]
        fn cpy_arg(self) -> T {
            self
        }
    }
    impl CpyArg<sys::HPy> for Obj {
        #[inline(always)]
        fn cpy_arg(self) -> sys::HPy {
            sys::HPy { _i: self as isize }
        }
    }
    impl CpyArg<Obj> for sys::HPy {
        #[inline(always)]
        fn cpy_arg(self) -> Obj {
            self._i as Obj
        }
    }
    impl CpyArg<Nullable> for Obj {
        #[inline(always)]
        fn cpy_arg(self) -> Nullable {
            Nullable(self.cpy_arg())
        }
    }
    impl CpyArg<Raw> for Obj {
        #[inline(always)]
        fn cpy_arg(self) -> Raw {
            Raw(self.cpy_arg())
        }
    }
    impl CpyArg<*const sys::HPy> for *const Obj {
        #[inline(always)]
        fn cpy_arg(self) -> *const sys::HPy {
            // `HPy` is a `repr(C)` wrapper of the pointer-sized `_i`: the array is the same.
            self.cast()
        }
    }
    impl CpyArg<*mut sys::HPy_buffer> for *mut sys::cpy_Py_buffer {
        #[inline(always)]
        fn cpy_arg(self) -> *mut sys::HPy_buffer {
            // `HPy_buffer` is `Py_buffer` with the `obj` pointer as a handle, which in this ABI
            // is the same pointer (checked below): the view is filled in place, its `obj` an
            // owned reference, which `PyBuffer_Release` drops.
            self.cast()
        }
    }
    const _: () = {
        use core::mem::{offset_of, size_of};
        use hpy_cpython::pyo3_ffi::Py_buffer as V;
        use sys::HPy_buffer as H;
        assert!(size_of::<V>() == size_of::<H>());
        assert!(offset_of!(V, buf) == offset_of!(H, buf));
        assert!(offset_of!(V, obj) == offset_of!(H, obj));
        assert!(offset_of!(V, len) == offset_of!(H, len));
        assert!(offset_of!(V, itemsize) == offset_of!(H, itemsize));
        assert!(offset_of!(V, readonly) == offset_of!(H, readonly));
        assert!(offset_of!(V, ndim) == offset_of!(H, ndim));
        assert!(offset_of!(V, format) == offset_of!(H, format));
        assert!(offset_of!(V, shape) == offset_of!(H, shape));
        assert!(offset_of!(V, strides) == offset_of!(H, strides));
        assert!(offset_of!(V, suboffsets) == offset_of!(H, suboffsets));
        assert!(offset_of!(V, internal) == offset_of!(H, internal));
    };
    impl CpyArg<usize> for sys::HPy_ssize_t {
        #[inline(always)]
        fn cpy_arg(self) -> usize {
            self as usize
        }
    }
};

/// The CPython-ABI trampoline of a signature, type-erased: what CPython calls, which calls the
/// impl `f` directly with the context token and the objects as handles (a handle is the object
/// pointer), and returns its result as it is. `__new__`'s and `__init__`'s arguments (a tuple and
/// a dict) are passed as the tuple's item array, its length and the dict.
#[cfg(feature = "cpython-abi")]
macro_rules! trampoline {
    (<$M:ident: $B:path> HPyFunc_NEWFUNC / $($rest:tt)*) => {
        trampoline!(@tuple_dict <$M: $B> $($rest)*)
    };
    (<$M:ident: $B:path> HPyFunc_INITPROC / $($rest:tt)*) => {
        trampoline!(@tuple_dict <$M: $B> $($rest)*)
    };
    // `__new__` and `__init__`: the type or instance, a tuple and NULL or a dict.
    (@tuple_dict <$M:ident: $B:path> $Args:ident, $f:expr, $fty:ty, $cargs:tt -> $cr:ty = $zero:expr) => {{
        unsafe extern "C" fn tramp<$M: $B>(first: Obj, args: Obj, kw: Obj) -> $cr {
            let f: $fty = $f;
            // SAFETY: CPython passes the type (or instance), a tuple of the positional arguments
            // and NULL or a dict; the tuple's items stay alive for the call.
            unsafe {
                let (items, n) = crate::ffi::tuple_items(args.cast());
                f(crate::ffi::TOKEN, first.cpy_arg(), items.cast(), n, Raw(kw.cpy_arg())).cpy_arg()
            }
        }
        let t: unsafe extern "C" fn(Obj, Obj, Obj) -> $cr = tramp::<$M>;
        // SAFETY: type erasure only: CPython calls `t` as the kind of function it is given as.
        unsafe { transmute::<_, sys::cpy_PyCFunction>(t) }
    }};
    (<$($M:ident: $B:path)?> $SIG:ident / $Args:ident, $f:expr, $fty:ty,
     ($($c:ident: $ct:ty),* $(; $x:ident: $xt:ty)?) $(-> $cr:ty = $zero:expr)?) => {{
        unsafe extern "C" fn tramp $(<$M: $B>)? ($($c: $ct,)* $($x: $xt)?) $(-> $cr)? {
            $(let _: $xt = $x;)?
            let f: $fty = $f;
            // SAFETY: CPython calls this with the arguments of the signature, which are, as
            // handles, the impl's; the token stands for the context.
            unsafe { f(crate::ffi::TOKEN, $($c.cpy_arg()),*).cpy_arg() }
        }
        let t: unsafe extern "C" fn($($ct,)* $($xt)?) $(-> $cr)? = tramp $(::<$M>)?;
        // SAFETY: type erasure only: CPython calls `t` as the kind of function it is given as.
        unsafe { transmute::<_, sys::cpy_PyCFunction>(t) }
    }};
}

/// The table. A row: the name of its [`Fns`] constructor and the bound on the marker type, the
/// signature and its argument struct, the HPy-side arguments (decoded by [`FromRaw`] before the
/// body runs) and result, the CPython-side arguments (the struct's fields) and result with its
/// initial value, and the body, which runs with the context bound to the given name.
macro_rules! table {
    ($($(#[$doc:meta])* $fns:ident $(<$M:ident: $B:path>)?: $SIG:ident / $Args:ident,
        ($($a:ident: $at:ty),*) $(-> $r:ty)?, cpy $cargs:tt $(-> $cr:ty = $zero:expr)?,
        |$ctx:ident| $body:expr;)*) => {$(
        $(#[$doc])*
        pub const fn $fns $(<$M: $B>)? () -> Fns {
            unsafe extern "C" fn imp $(<$M: $B>)? (ctx: *mut sys::HPyContext, $($a: $at),*) $(-> $r)? {
                // SAFETY: the runtime calls this function with its context and the arguments of
                // the row's signature, handles borrowed for the call; the context's lifetime
                // stays within the call because every body is generic over it.
                let ($ctx, $($a,)*) = unsafe {
                    let ctx = Context::from_raw(ctx);
                    (ctx, $(FromRaw::from_raw(ctx, $a),)*)
                };
                $body
            }
            type F = unsafe extern "C" fn(*mut sys::HPyContext, $($at),*) $(-> $r)?;
            let f: F = imp $(::<$M>)?;
            let tramp = trampoline!(<$($M: $B)?> $SIG / $Args, imp $(::<$M>)?, F, $cargs $(-> $cr = $zero)?);
            // SAFETY: type erasure only: the runtime calls `f` with the signature `sig` names.
            Fns { sig: sys::HPyFunc_Signature::$SIG, impl_: unsafe { transmute(f) }, tramp }
        }
    )*};
}

table! {
    /// Unary slots (`__repr__`, `__neg__`, ...).
    unaryfunc<M: UnarySlot>: HPyFunc_UNARYFUNC / _HPyFunc_args_UNARYFUNC,
        (a: sys::HPy) -> sys::HPy, cpy(arg0: Obj) -> Obj = null_mut(),
        |ctx| run(ctx, M::NAME, || M::call(ctx, &a));
    /// Binary slots.
    binaryfunc<M: BinarySlot>: HPyFunc_BINARYFUNC / _HPyFunc_args_BINARYFUNC,
        (a: sys::HPy, b: sys::HPy) -> sys::HPy,
        cpy(arg0: Obj, arg1: Obj) -> Obj = null_mut(),
        |ctx| run(ctx, M::NAME, || M::call(ctx, &a, &b));
    /// Ternary slots.
    ternaryfunc<M: TernarySlot>: HPyFunc_TERNARYFUNC / _HPyFunc_args_TERNARYFUNC,
        (a: sys::HPy, b: sys::HPy, c: sys::HPy) -> sys::HPy,
        cpy(arg0: Obj, arg1: Obj, arg2: Obj) -> Obj = null_mut(),
        |ctx| run(ctx, M::NAME, || M::call(ctx, &a, &b, &c));
    /// `nb_bool`.
    inquiry<M: InquirySlot>: HPyFunc_INQUIRY / _HPyFunc_args_INQUIRY,
        (a: sys::HPy) -> c_int, cpy(arg0: Obj) -> c_int = 0,
        |ctx| run_value(ctx, M::NAME, -1, || M::call(ctx, &a));
    /// A module exec hook (`HPy_mod_exec`, the INQUIRY signature).
    exec<E: ExecHook>: HPyFunc_INQUIRY / _HPyFunc_args_INQUIRY,
        (m: sys::HPy) -> c_int, cpy(arg0: Obj) -> c_int = 0,
        |ctx| run_value(ctx, "module exec", -1, || super::exec_module::<E>(ctx, &m).map(|()| 0));
    /// `mp_length`.
    lenfunc<M: LenSlot>: HPyFunc_LENFUNC / _HPyFunc_args_LENFUNC,
        (a: sys::HPy) -> isize, cpy(arg0: Obj) -> isize = 0,
        |ctx| run_value(ctx, M::NAME, -1, || M::call(ctx, &a));
    /// `tp_hash`.
    hashfunc<M: HashSlot>: HPyFunc_HASHFUNC / _HPyFunc_args_HASHFUNC,
        (a: sys::HPy) -> isize, cpy(arg0: Obj) -> isize = 0,
        |ctx| run_value(ctx, M::NAME, -1, || M::call(ctx, &a));
    /// `sq_contains`.
    objobjproc<M: ContainsSlot>: HPyFunc_OBJOBJPROC / _HPyFunc_args_OBJOBJPROC,
        (a: sys::HPy, b: sys::HPy) -> c_int,
        cpy(arg0: Obj, arg1: Obj) -> c_int = 0,
        |ctx| run_value(ctx, M::NAME, -1, || M::call(ctx, &a, &b));
    /// `mp_ass_subscript`.
    objobjargproc<M: AssignSlot>: HPyFunc_OBJOBJARGPROC / _HPyFunc_args_OBJOBJARGPROC,
        (a: sys::HPy, k: sys::HPy, v: Nullable) -> c_int,
        cpy(arg0: Obj, arg1: Obj, arg2: Obj) -> c_int = 0,
        |ctx| run_value(ctx, M::NAME, -1, || M::call(ctx, &a, &k, v.as_deref()).map(|()| 0));
    /// `tp_richcompare`.
    richcmpfunc<M: RichCmpSlot>: HPyFunc_RICHCMPFUNC / _HPyFunc_args_RICHCMPFUNC,
        (a: sys::HPy, b: sys::HPy, op: sys::HPy_RichCmpOp) -> sys::HPy,
        cpy(arg0: Obj, arg1: Obj, arg2: sys::HPy_RichCmpOp) -> Obj = null_mut(),
        |ctx| run(ctx, M::NAME, || M::call(ctx, &a, &b, compare_op(op)?));
    /// `tp_finalize`.
    destructor<M: FinalizeSlot>: HPyFunc_DESTRUCTOR / _HPyFunc_args_DESTRUCTOR,
        (a: sys::HPy), cpy(arg0: Obj),
        |ctx| {
            let done = run(ctx, M::NAME, || M::call(ctx, &a).map(|()| ctx.none()));
            // SAFETY: `done` is NULL with an exception set, or the owned None made above.
            unsafe {
                if done._i == 0 {
                    call!(ctx, ctx_Err_WriteUnraisable, a.as_raw());
                } else {
                    call!(ctx, ctx_Close, done);
                }
            }
        };
    /// A property getter (the closure is unused). CPython's runtimes only: PyPy's HPy would
    /// drop its errors, and gets the property as methods (see `crate::class::property`).
    getter<M: UnarySlot>: HPyFunc_GETTER / _HPyFunc_args_GETTER,
        (a: sys::HPy, _closure: *mut c_void) -> sys::HPy,
        cpy(arg0: Obj, arg1: *mut c_void) -> Obj = null_mut(),
        |ctx| run(ctx, M::NAME, || M::call(ctx, &a));
    /// A property setter (CPython's runtimes only, as for the getter).
    setter<M: SetterSlot>: HPyFunc_SETTER / _HPyFunc_args_SETTER,
        (a: sys::HPy, v: Nullable, _closure: *mut c_void) -> c_int,
        cpy(arg0: Obj, arg1: Obj, arg2: *mut c_void) -> c_int = 0,
        |ctx| run_value(ctx, M::NAME, -1, || M::call(ctx, &a, v.as_deref()).map(|()| 0));
    /// The setter of a read-only property: raises AttributeError (the closure is its
    /// `Property`).
    readonly_setter: HPyFunc_SETTER / _HPyFunc_args_SETTER,
        (a: sys::HPy, _v: Nullable, property: *mut c_void) -> c_int,
        cpy(arg0: Obj, arg1: Obj, arg2: *mut c_void) -> c_int = 0,
        |ctx| {
            // SAFETY: the closure of every property is its static `Property` (see `getset_def`).
            let name = unsafe { &*property.cast::<Property>() }.name();
            let msg = format!("attribute '{name}' of '{}' objects is not writable", a.type_name());
            HPyErr::new(crate::ExceptionType::AttributeError, msg).restore(ctx);
            -1
        };
    /// A property getter as a method of a holder instance (PyPy, see `crate::class::property`):
    /// `obj` is the instance whose attribute is read.
    getter_method<M: UnarySlot>: HPyFunc_O / _HPyFunc_args_O,
        (_holder: sys::HPy, obj: sys::HPy) -> sys::HPy,
        cpy(self_: Obj, arg: Obj) -> Obj = null_mut(),
        |ctx| run(ctx, M::NAME, || M::call(ctx, &obj));
    /// A property setter as a method of a holder instance: `(obj, value)` sets the attribute of
    /// `obj`, `(obj,)` deletes it (`property`'s `fset` and `fdel`).
    setter_method<M: SetterSlot>: HPyFunc_VARARGS / _HPyFunc_args_VARARGS,
        (_holder: sys::HPy, args: *const sys::HPy, nargs: usize) -> sys::HPy,
        cpy(self_: Obj, args: *const Obj, nargs: sys::HPy_ssize_t) -> Obj = null_mut(),
        |ctx| run(ctx, M::NAME, || {
            let args = match nargs {
                // SAFETY: the runtime passes `nargs` handles borrowed for the call; they are
                // never closed here.
                1 | 2 => unsafe { core::slice::from_raw_parts(args, nargs) },
                _ => return Err(HPyErr::system_error("a property's setter method takes 1 or 2 arguments")),
            };
            // SAFETY: as above.
            let (obj, value) = unsafe {
                (
                    Handle::borrowed(ctx, args[0]),
                    args.get(1).map(|v| Handle::borrowed(ctx, *v)),
                )
            };
            M::call(ctx, &obj, value.as_deref()).map(|()| ctx.none())
        });
    /// A reflected operator as a method (the O signature).
    reflected<M: Reflected>: HPyFunc_O / _HPyFunc_args_O,
        (this: sys::HPy, other: sys::HPy) -> sys::HPy,
        cpy(self_: Obj, arg: Obj) -> Obj = null_mut(),
        |ctx| run(ctx, M::NAME, || M::call(ctx, &this, &other));
    /// A function with arguments: methods, module functions, `__call__`.
    keywords<M: KeywordsMethod>: HPyFunc_KEYWORDS / _HPyFunc_args_KEYWORDS,
        (s: sys::HPy, args: *const sys::HPy, nargs: usize, kw: Raw) -> sys::HPy,
        cpy(self_: Obj, args: *const Obj, nargsf: usize, kwnames: Obj) -> Obj = null_mut(),
        |ctx| {
            // Vectorcall's flag bit (`PY_VECTORCALL_ARGUMENTS_OFFSET`) is not part of the count.
            let nargs = nargs & (usize::MAX >> 1);
            // SAFETY: the runtime passes `nargs` positional values, then one per name in `kw`.
            let args = unsafe { RawArgs::new(args, nargs, kw.0) };
            run(ctx, M::DESC.name, || M::call(ctx, &s, args))
        };
    /// A function whose parameters are all positional-only, maybe with `*args`: the runtime
    /// refuses keyword arguments and passes no names.
    varargs<M: KeywordsMethod>: HPyFunc_VARARGS / _HPyFunc_args_VARARGS,
        (s: sys::HPy, args: *const sys::HPy, nargs: usize) -> sys::HPy,
        cpy(self_: Obj, args: *const Obj, nargs: sys::HPy_ssize_t) -> Obj = null_mut(),
        |ctx| {
            // SAFETY: the runtime passes `nargs` positional values and no keywords.
            let args = unsafe { RawArgs::new(args, nargs, sys::HPy_NULL) };
            run(ctx, M::DESC.name, || M::call(ctx, &s, args))
        };
    /// A function of one required positional-only parameter, `(x, /)`.
    onearg<M: KeywordsMethod>: HPyFunc_O / _HPyFunc_args_O,
        (s: sys::HPy, arg: Raw) -> sys::HPy,
        cpy(self_: Obj, arg: Obj) -> Obj = null_mut(),
        |ctx| {
            // SAFETY: one positional value, borrowed for the call, which `arg` outlives.
            let args = unsafe { RawArgs::new(&arg.0, 1, sys::HPy_NULL) };
            run(ctx, M::DESC.name, || M::call(ctx, &s, args))
        };
    /// A function without arguments.
    noargs<M: NoArgsMethod>: HPyFunc_NOARGS / _HPyFunc_args_NOARGS,
        (s: sys::HPy) -> sys::HPy,
        cpy(self_: Obj; _null: Obj) -> Obj = null_mut(),
        |ctx| run(ctx, M::NAME, || M::call(ctx, &s));
    /// `__new__` (`tp_new`): like a method with arguments, called with the type.
    newfunc<M: KeywordsMethod>: HPyFunc_NEWFUNC / _HPyFunc_args_NEWFUNC,
        (cls: sys::HPy, args: *const sys::HPy, nargs: isize, kw: Raw)
            -> sys::HPy,
        cpy(self_: Obj, args: Obj, kw: Obj) -> Obj = null_mut(),
        |ctx| {
            // SAFETY: the runtime passes `nargs` positional values and the keyword arguments.
            run(ctx, M::DESC.name, || unsafe { new_call::<M>(ctx, &cls, args, nargs as usize, kw.0) })
        };
    /// `__init__` (`tp_init`): a method with arguments, whose result (None) is dropped.
    initproc<M: KeywordsMethod>: HPyFunc_INITPROC / _HPyFunc_args_INITPROC,
        (s: sys::HPy, args: *const sys::HPy, nargs: isize, kw: Raw) -> c_int,
        cpy(self_: Obj, args: Obj, kw: Obj) -> c_int = 0,
        |ctx| {
            run_value(ctx, M::DESC.name, -1, || {
                // SAFETY: the runtime passes `nargs` positional values and the keyword arguments.
                unsafe { new_call::<M>(ctx, &s, args, nargs as usize, kw.0) }.map(|_| 0)
            })
        };
    /// `sq_item`, `sq_repeat`, `sq_inplace_repeat`.
    ssizeargfunc<M: IndexSlot>: HPyFunc_SSIZEARGFUNC / _HPyFunc_args_SSIZEARGFUNC,
        (a: sys::HPy, i: isize) -> sys::HPy,
        cpy(arg0: Obj, arg1: sys::HPy_ssize_t) -> Obj = null_mut(),
        |ctx| run(ctx, M::NAME, || M::call(ctx, &a, i));
    /// `sq_ass_item`.
    ssizeobjargproc<M: IndexAssignSlot>: HPyFunc_SSIZEOBJARGPROC / _HPyFunc_args_SSIZEOBJARGPROC,
        (a: sys::HPy, i: isize, v: Nullable) -> c_int,
        cpy(arg0: Obj, arg1: sys::HPy_ssize_t, arg2: Obj) -> c_int = 0,
        |ctx| run_value(ctx, M::NAME, -1, || M::call(ctx, &a, i, v.as_deref()).map(|()| 0));
    /// `bf_getbuffer`: fills the view from the class's export (see `crate::buffer`).
    getbufferproc<M: GetBufferSlot>: HPyFunc_GETBUFFERPROC / _HPyFunc_args_GETBUFFERPROC,
        (a: sys::HPy, view: *mut sys::HPy_buffer, flags: c_int) -> c_int,
        cpy(self_: Obj, view: *mut sys::cpy_Py_buffer, flags: c_int) -> c_int = 0,
        |ctx| run_value(ctx, M::NAME, -1, || {
            let export = M::call(ctx, &a)?;
            // SAFETY: the runtime passes the view to fill, valid for the call.
            unsafe { crate::buffer::fill_view(ctx, &a, export, view, flags) }.map(|()| 0)
        });
}

/// Runs a user function whose C result is not a handle; `err` is the error value.
#[inline(always)]
fn run_value<'ctx, R>(
    ctx: Context<'ctx>,
    name: &str,
    err: R,
    f: impl FnOnce() -> HPyResult<R>,
) -> R {
    super::run_raw(ctx, name, err, f)
}

fn compare_op(op: sys::HPy_RichCmpOp) -> HPyResult<CompareOp> {
    use CompareOp::*;
    [Lt, Le, Eq, Ne, Gt, Ge]
        .get(op as usize)
        .copied()
        .ok_or_else(|| HPyErr::system_error("invalid comparison operator"))
}

/// `__new__`'s arguments: keyword arguments come as a dict (PyPy: a tuple of names with the
/// values after the positional ones, the vectorcall layout); they are laid out as a vectorcall.
///
/// # Safety
///
/// `args` holds `nargs` borrowed handles (and the keyword values after them if `kw` is a tuple).
unsafe fn new_call<'ctx, M: KeywordsMethod>(
    ctx: Context<'ctx>,
    cls: &Handle<'ctx>,
    args: *const sys::HPy,
    nargs: usize,
    kw: sys::HPy,
) -> HPyResult<Handle<'ctx>> {
    if kw._i == 0 {
        // SAFETY: forwarded, without keyword arguments.
        return M::call(ctx, cls, unsafe { RawArgs::new(args, nargs, kw) });
    }
    // SAFETY: the runtime lends the keyword arguments for the call.
    let kw = unsafe { Handle::borrowed(ctx, kw) };
    if kw.is_tuple() {
        // SAFETY: forwarded: the tuple holds the names of the values after `args`.
        return M::call(ctx, cls, unsafe { RawArgs::new(args, nargs, kw.as_raw()) });
    }
    // SAFETY: `kw` is an open dict.
    let keys = unsafe { ctx.own(call!(ctx, ctx_Dict_Keys, kw.as_raw())) }?;
    let names: Vec<Handle<'ctx>> = (0..keys.len()?)
        .map(|i| keys.get_item(i))
        .collect::<HPyResult<_>>()?;
    let values: Vec<Handle<'ctx>> = names
        .iter()
        .map(|k| kw.get_item(k))
        .collect::<HPyResult<_>>()?;
    let raw = |v: &[Handle<'ctx>]| v.iter().map(Handle::as_raw).collect::<Vec<_>>();
    let raw_names = raw(&names);
    let n = raw_names.len() as isize;
    // SAFETY: `raw_names` holds open handles.
    let kwnames = unsafe {
        ctx.own(call!(
            ctx,
            ctx_Tuple_FromArray,
            raw_names.as_ptr().cast_mut(),
            n
        ))
    }?;
    // SAFETY: forwarded: `args` holds `nargs` handles.
    let mut all = unsafe { core::slice::from_raw_parts(args, nargs) }.to_vec();
    all.extend(raw(&values));
    // SAFETY: `all` holds the positional values, then one per name in `kwnames`.
    M::call(ctx, cls, unsafe {
        RawArgs::new(all.as_ptr(), nargs, kwnames.as_raw())
    })
}

/// `tp_new` of a class without `#[new]`: refuses, or makes an empty instance for
/// `#[hpy_class(default)]` (`HPyType_GenericNew`; on CPython `object.__new__` does instead).
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
            let msg = format!("cannot create '{}' instances", T::SPEC.py_name());
            return Err(HPyErr::type_error(msg));
        }
        let (ptr, nargs) = args.positional();
        // With an `__init__`, the arguments are its (as `object.__new__` lets them through).
        if (nargs != 0 || args.has_keywords()) && !T::methods().has_init {
            // In the words of `object.__new__`, which makes these instances on CPython.
            let module = cls.get_attr("__module__")?;
            let module = module.str()?;
            let msg = format!(
                "{}.{}() takes no arguments",
                module.extract::<&str>()?,
                T::SPEC.py_name()
            );
            return Err(HPyErr::type_error(msg));
        }
        crate::class::check_new_type_on_pypy::<T>(ctx, cls)?;
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

/// A slot definition.
pub const fn slot_def(slot: sys::HPySlot_Slot, f: Fns) -> StaticDef {
    StaticCell::new(slot_raw(slot, f))
}
const fn slot_raw(slot: sys::HPySlot_Slot, f: Fns) -> sys::HPyDef {
    let slot = sys::HPySlot {
        slot,
        impl_: f.impl_,
        cpy_trampoline: f.tramp,
    };
    sys::HPyDef {
        kind: sys::HPyDef_Kind::HPyDef_Kind_Slot,
        __bindgen_anon_1: sys::HPyDef__bindgen_ty_1 { slot },
    }
}

/// A method definition.
pub const fn meth_def(name: &'static CStr, doc: &'static CStr, f: Fns) -> StaticDef {
    StaticCell::new(meth_raw(name.as_ptr(), doc, f))
}
const fn meth_raw(name: *const core::ffi::c_char, doc: &'static CStr, f: Fns) -> sys::HPyDef {
    let meth = sys::HPyMeth {
        name,
        impl_: f.impl_,
        cpy_trampoline: f.tramp,
        signature: f.sig,
        doc: doc.as_ptr(),
    };
    sys::HPyDef {
        kind: sys::HPyDef_Kind::HPyDef_Kind_Meth,
        __bindgen_anon_1: sys::HPyDef__bindgen_ty_1 { meth },
    }
}

/// The `tp_new` of a class without `#[new]`.
pub fn no_new_def<T: HPyClass>() -> sys::HPyDef {
    slot_raw(sys::HPySlot_Slot::HPy_tp_new, newfunc::<NoNew<T>>())
}

/// The `__rOP__` method `name` of a reflected operator.
pub const fn reflected_def<M: Reflected>(name: &'static CStr) -> StaticDef {
    meth_def(name, c"", reflected::<M>())
}

/// A property's getter or setter in both forms: the getset row CPython's runtimes call, and the
/// method PyPy's gets instead (see `crate::class::property`).
#[derive(Clone, Copy)]
pub struct PropertyFns {
    slot: Fns,
    method: Fns,
}

/// The getter `M` of a property.
pub const fn property_get<M: UnarySlot>() -> PropertyFns {
    PropertyFns {
        slot: getter::<M>(),
        method: getter_method::<M>(),
    }
}

/// The setter `M` of a property.
pub const fn property_set<M: SetterSlot>() -> PropertyFns {
    PropertyFns {
        slot: setter::<M>(),
        method: setter_method::<M>(),
    }
}

/// A property named `name` from its getter and setter ([`property_get`], [`property_set`]), to
/// be kept in a `static` and defined with [`getset_def`].
pub const fn property(
    name: &'static CStr,
    doc: Option<&'static CStr>,
    get: Option<PropertyFns>,
    set: Option<PropertyFns>,
) -> Property {
    // A property without a setter still gets one, raising AttributeError in the words PyPy's
    // stand-in uses too (`class::pypy::install_properties`).
    let set_slot = match set {
        Some(s) => s.slot,
        None => readonly_setter(),
    };
    let (getter_impl, getter_cpy_trampoline) = match get {
        // SAFETY: the getter row's trampoline has `cpy_getter`'s signature.
        Some(g) => (g.slot.impl_, unsafe { transmute(g.slot.tramp) }),
        None => (None, None),
    };
    let getset = sys::HPyGetSet {
        name: name.as_ptr(),
        getter_impl,
        setter_impl: set_slot.impl_,
        getter_cpy_trampoline,
        // SAFETY: the setter rows' trampolines have `cpy_setter`'s signature.
        setter_cpy_trampoline: unsafe { transmute(set_slot.tramp) },
        doc: match doc {
            Some(d) => d.as_ptr(),
            None => core::ptr::null(),
        },
        closure: null_mut(),
    };
    Property {
        getset,
        get_method: property_method(get),
        set_method: property_method(set),
    }
}

/// The method form of a getter or setter, without a name yet (see `Property`).
const fn property_method(f: Option<PropertyFns>) -> Option<sys::HPyDef> {
    match f {
        Some(f) => Some(meth_raw(core::ptr::null(), c"", f.method)),
        None => None,
    }
}

/// The property definition (`HPyDef_Kind_GetSet`) of `property`, whose closure points to it:
/// the read-only setter finds the name there, and the type's maker on PyPy the methods.
pub const fn getset_def(property: &'static Property) -> StaticDef {
    let mut getset = property.getset;
    getset.closure = (property as *const Property).cast_mut().cast();
    StaticCell::new(sys::HPyDef {
        kind: sys::HPyDef_Kind::HPyDef_Kind_GetSet,
        __bindgen_anon_1: sys::HPyDef__bindgen_ty_1 { getset },
    })
}

/// A per-object call function (`#[call_function]`).
pub const fn call_function<T, M: KeywordsMethod>() -> CallFunction<T> {
    let f = keywords::<M>();
    // SAFETY: the KEYWORDS row's functions have `HPyFunc_keywords`'s and the vectorcall
    // signature.
    CallFunction::from_raw(unsafe {
        sys::HPyCallFunction {
            cpy_trampoline: transmute(f.tramp),
            impl_: transmute(f.impl_),
        }
    })
}

unsafe extern "C" fn destroy_impl<T: HPyClass>(data: *mut c_void) {
    let data = data.cast::<u8>();
    // SAFETY: the runtime passes the struct of an instance that is being freed; the value was
    // stored iff the state is not UNINIT, and nothing can borrow it any more.
    unsafe {
        if crate::class::has_value_to_drop::<T>(data) {
            let value = data.add(value_offset::<T>()).cast::<T>();
            // A panicking `Drop` must not unwind into the runtime; the value is then leaked,
            // and the panic's payload dropped in a guard of its own.
            if let Err(panic) =
                std::panic::catch_unwind(core::panic::AssertUnwindSafe(|| value.drop_in_place()))
            {
                crate::err::panic::drop_payload(panic);
            }
        }
    }
}
/// The `tp_destroy` definition: drops the Rust value (no trampoline: the runtime calls it).
#[cfg(not(feature = "cpython-abi"))]
pub fn destroy_def<T: HPyClass>() -> sys::HPyDef {
    let f: unsafe extern "C" fn(*mut c_void) = destroy_impl::<T>;
    // SAFETY: type erasure only; the runtime calls it with the payload.
    let impl_ = unsafe { transmute(f) };
    slot_raw(
        sys::HPySlot_Slot::HPy_tp_destroy,
        Fns {
            sig: sys::HPyFunc_Signature::HPyFunc_DESTROYFUNC,
            impl_,
            tramp: None,
        },
    )
}

#[cfg(not(feature = "cpython-abi"))]
type TraverseFn = unsafe extern "C" fn(*mut c_void, sys::HPyFunc_visitproc, *mut c_void) -> c_int;
#[cfg(not(feature = "cpython-abi"))]
unsafe extern "C" fn traverse_impl<T: HPyClass>(
    data: *mut c_void,
    visit: sys::HPyFunc_visitproc,
    arg: *mut c_void,
) -> c_int {
    let Some(visit) = visit else { return 0 };
    for i in 0..T::SPEC.field_offsets.len() {
        let f = crate::class::raw_field_of::<T>(data.cast(), i);
        // SAFETY: `f` is one of the instance's raw fields; the visitor skips nothing by itself.
        let r = unsafe {
            if (*f)._i != 0 {
                visit(f, arg)
            } else {
                0
            }
        };
        if r != 0 {
            return r;
        }
    }
    0
}
/// The `tp_traverse` definition: visits every raw field. (`tp_traverse` takes no context, so it
/// is not a row of the table; its trampoline is made the same way.)
#[cfg(not(feature = "cpython-abi"))]
pub fn traverse_def<T: HPyClass>() -> sys::HPyDef {
    let f: TraverseFn = traverse_impl::<T>;
    let tramp = trampoline!(<T: HPyClass> HPyFunc_TRAVERSEPROC / _HPyFunc_args_TRAVERSEPROC,
        traverse_impl::<T>, TraverseFn,
        (self_: Obj, visit: sys::cpy_visitproc, arg: *mut c_void) -> c_int = 0);
    // SAFETY: type erasure only, as in the table's rows.
    let impl_ = unsafe { transmute(f) };
    let sig = sys::HPyFunc_Signature::HPyFunc_TRAVERSEPROC;
    slot_raw(
        sys::HPySlot_Slot::HPy_tp_traverse,
        Fns { sig, impl_, tramp },
    )
}

/// The raw fields of the instance `obj` of `T` (CPython ABI).
///
/// # Safety
///
/// `obj` is a live instance of `T`'s type or of a subclass.
#[cfg(feature = "cpython-abi")]
unsafe fn fields_of<T: HPyClass>(obj: Obj) -> impl Iterator<Item = *mut sys::HPyField> {
    // SAFETY: the token stands for the context; `obj` is an instance (caller's contract).
    let data = unsafe {
        crate::class::payload::<T>(
            Context::from_raw(crate::ffi::TOKEN),
            sys::HPy { _i: obj as isize },
        )
    };
    (0..T::SPEC.field_offsets.len()).map(move |i| crate::class::raw_field_of::<T>(data, i))
}

/// `tp_dealloc` of `T`'s type (CPython ABI): see `ffi::class_dealloc`.
#[cfg(feature = "cpython-abi")]
unsafe extern "C" fn cpy_dealloc<T: HPyClass>(obj: Obj) {
    // SAFETY: CPython deallocates an instance of `T`'s type; its struct is released once.
    unsafe {
        crate::ffi::class_dealloc(obj.cast(), crate::class::shape_code(T::SPEC.shape), || {
            crate::ffi::clear_fields(fields_of::<T>(obj));
            let data = crate::class::payload::<T>(
                Context::from_raw(crate::ffi::TOKEN),
                sys::HPy { _i: obj as isize },
            );
            destroy_impl::<T>(data.cast());
        })
    }
}

/// The `tp_destroy` definition in the CPython ABI: its trampoline is the type's whole
/// `tp_dealloc` (fields released, Rust value dropped, object freed, type released).
#[cfg(feature = "cpython-abi")]
pub fn destroy_def<T: HPyClass>() -> sys::HPyDef {
    let f: unsafe extern "C" fn(Obj) = cpy_dealloc::<T>;
    // SAFETY: type erasure only; CPython calls it as `tp_dealloc`.
    let tramp = unsafe { transmute(f) };
    let sig = sys::HPyFunc_Signature::HPyFunc_DESTROYFUNC;
    slot_raw(
        sys::HPySlot_Slot::HPy_tp_destroy,
        Fns {
            sig,
            impl_: None,
            tramp,
        },
    )
}

#[cfg(feature = "cpython-abi")]
unsafe extern "C" fn cpy_traverse<T: HPyClass>(
    obj: Obj,
    visit: sys::cpy_visitproc,
    arg: *mut c_void,
) -> c_int {
    // SAFETY: CPython's GC traverses a live instance of `T`'s type.
    unsafe {
        crate::ffi::class_traverse(
            obj.cast(),
            crate::class::shape_code(T::SPEC.shape),
            fields_of::<T>(obj),
            visit,
            arg,
        )
    }
}

#[cfg(feature = "cpython-abi")]
unsafe extern "C" fn cpy_clear<T: HPyClass>(obj: Obj) -> c_int {
    // SAFETY: CPython's GC clears a live instance of `T`'s type.
    unsafe {
        crate::ffi::class_clear(
            obj.cast(),
            crate::class::shape_code(T::SPEC.shape),
            fields_of::<T>(obj),
        )
    }
}

/// The `tp_traverse` definition in the CPython ABI: the trampoline is the type's `tp_traverse`
/// (fields, type, built-in base), and, as CPython needs one with it, `impl_` holds its
/// `tp_clear` (the impl is never called in this ABI).
#[cfg(feature = "cpython-abi")]
pub fn traverse_def<T: HPyClass>() -> sys::HPyDef {
    let t: unsafe extern "C" fn(Obj, sys::cpy_visitproc, *mut c_void) -> c_int = cpy_traverse::<T>;
    let c: unsafe extern "C" fn(Obj) -> c_int = cpy_clear::<T>;
    // SAFETY: type erasure only; CPython calls them as `tp_traverse` and `tp_clear`.
    let (tramp, impl_) = unsafe { (transmute(t), transmute(c)) };
    let sig = sys::HPyFunc_Signature::HPyFunc_TRAVERSEPROC;
    slot_raw(
        sys::HPySlot_Slot::HPy_tp_traverse,
        Fns { sig, impl_, tramp },
    )
}
