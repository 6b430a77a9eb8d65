//! The debug context's functions that only translate handles: each row is a context function
//! (its signature from `hpy-sys`'s bindings) whose handle arguments are unwrapped to their
//! objects, which calls the universal context's function of the same name, and whose handle
//! result becomes a new debug handle. The functions that do more are in [`super::special`].

#![allow(non_snake_case)]

use core::ffi::{c_char, c_int, c_void};

use hpy_sys::*;

use super::context::{enter, suspend, universal_fn_missing};
use super::handles;

/// An argument of a context function as the universal context takes it.
pub trait Arg: Copy {
    /// Its universal form.
    fn to_universal(self) -> Self;
}

impl Arg for HPy {
    #[inline]
    fn to_universal(self) -> Self {
        hpy_cpython::h(handles::unwrap(self))
    }
}

macro_rules! plain_args {
    ($($t:ty),*) => {$(
        impl Arg for $t {
            #[inline(always)]
            fn to_universal(self) -> Self { self }
        }
    )*};
}
plain_args!(
    i32,
    u32,
    i64,
    u64,
    isize,
    usize,
    f64,
    bool,
    HPyField,
    HPyGlobal,
    HPyThreadState
);

impl<T> Arg for *const T {
    #[inline(always)]
    fn to_universal(self) -> Self {
        self
    }
}

impl<T> Arg for *mut T {
    #[inline(always)]
    fn to_universal(self) -> Self {
        self
    }
}

/// A result of a context function as the debug context returns it.
pub trait Ret {
    /// Its debug form.
    fn to_debug(self) -> Self;
}

impl Ret for HPy {
    #[inline]
    fn to_debug(self) -> Self {
        handles::open(hpy_cpython::o(self))
    }
}

macro_rules! plain_rets {
    ($($t:ty),*) => {$(
        impl Ret for $t {
            #[inline(always)]
            fn to_debug(self) -> Self { self }
        }
    )*};
}
plain_rets!((), i32, u32, i64, u64, isize, usize, f64, HPyThreadState);

impl<T> Ret for *const T {
    #[inline(always)]
    fn to_debug(self) -> Self {
        self
    }
}

impl<T> Ret for *mut T {
    #[inline(always)]
    fn to_debug(self) -> Self {
        self
    }
}

/// Turns rows `ctx_Name(arg: Type, ...) -> Ret;` into the debug context's function of that
/// name, and `fill` putting them all into a context.
macro_rules! debug_wrappers {
    ($($name:ident($($arg:ident: $ty:ty),*) $(-> $ret:ty)?;)*) => {
        $(
            #[doc = concat!("`HPyContext.", stringify!($name), "` of the debug context.")]
            ///
            /// # Safety
            ///
            /// As the universal context's function: called with the GIL held by a module loaded
            /// in debug mode, with its current context.
            #[allow(clippy::unused_unit)]
            pub unsafe extern "C" fn $name(ctx: *mut HPyContext, $($arg: $ty),*) $(-> $ret)? {
                let u = enter(ctx);
                $(let $arg = Arg::to_universal($arg);)*
                // SAFETY: `u` is the universal context, filled for the process.
                let f = match unsafe { (*u).$name } {
                    Some(f) => f,
                    None => universal_fn_missing(stringify!($name)),
                };
                let suspended = suspend(ctx);
                // SAFETY: the arguments are the universal forms of the caller's; the caller's
                // contract is the universal function's.
                let r = unsafe { f(u, $($arg),*) };
                drop(suspended);
                Ret::to_debug(r)
            }
        )*

        /// Puts every function of this module into `ctx`.
        pub fn fill(ctx: &mut HPyContext) {
            $(ctx.$name = Some($name);)*
        }
    };
}

debug_wrappers! {
    ctx_Long_FromInt32_t(value: i32) -> HPy;
    ctx_Long_FromUInt32_t(value: u32) -> HPy;
    ctx_Long_FromInt64_t(v: i64) -> HPy;
    ctx_Long_FromUInt64_t(v: u64) -> HPy;
    ctx_Long_FromSize_t(value: usize) -> HPy;
    ctx_Long_FromSsize_t(value: HPy_ssize_t) -> HPy;
    ctx_Long_AsInt32_t(h: HPy) -> i32;
    ctx_Long_AsUInt32_t(h: HPy) -> u32;
    ctx_Long_AsUInt32_tMask(h: HPy) -> u32;
    ctx_Long_AsInt64_t(h: HPy) -> i64;
    ctx_Long_AsUInt64_t(h: HPy) -> u64;
    ctx_Long_AsUInt64_tMask(h: HPy) -> u64;
    ctx_Long_AsSize_t(h: HPy) -> usize;
    ctx_Long_AsSsize_t(h: HPy) -> HPy_ssize_t;
    ctx_Long_AsVoidPtr(h: HPy) -> *mut c_void;
    ctx_Long_AsDouble(h: HPy) -> f64;
    ctx_Float_FromDouble(v: f64) -> HPy;
    ctx_Float_AsDouble(h: HPy) -> f64;
    ctx_Bool_FromBool(v: bool) -> HPy;
    ctx_Length(h: HPy) -> HPy_ssize_t;
    ctx_Number_Check(h: HPy) -> c_int;
    ctx_Add(h1: HPy, h2: HPy) -> HPy;
    ctx_Subtract(h1: HPy, h2: HPy) -> HPy;
    ctx_Multiply(h1: HPy, h2: HPy) -> HPy;
    ctx_MatrixMultiply(h1: HPy, h2: HPy) -> HPy;
    ctx_FloorDivide(h1: HPy, h2: HPy) -> HPy;
    ctx_TrueDivide(h1: HPy, h2: HPy) -> HPy;
    ctx_Remainder(h1: HPy, h2: HPy) -> HPy;
    ctx_Divmod(h1: HPy, h2: HPy) -> HPy;
    ctx_Power(h1: HPy, h2: HPy, h3: HPy) -> HPy;
    ctx_Negative(h1: HPy) -> HPy;
    ctx_Positive(h1: HPy) -> HPy;
    ctx_Absolute(h1: HPy) -> HPy;
    ctx_Invert(h1: HPy) -> HPy;
    ctx_Lshift(h1: HPy, h2: HPy) -> HPy;
    ctx_Rshift(h1: HPy, h2: HPy) -> HPy;
    ctx_And(h1: HPy, h2: HPy) -> HPy;
    ctx_Xor(h1: HPy, h2: HPy) -> HPy;
    ctx_Or(h1: HPy, h2: HPy) -> HPy;
    ctx_Index(h1: HPy) -> HPy;
    ctx_Long(h1: HPy) -> HPy;
    ctx_Float(h1: HPy) -> HPy;
    ctx_InPlaceAdd(h1: HPy, h2: HPy) -> HPy;
    ctx_InPlaceSubtract(h1: HPy, h2: HPy) -> HPy;
    ctx_InPlaceMultiply(h1: HPy, h2: HPy) -> HPy;
    ctx_InPlaceMatrixMultiply(h1: HPy, h2: HPy) -> HPy;
    ctx_InPlaceFloorDivide(h1: HPy, h2: HPy) -> HPy;
    ctx_InPlaceTrueDivide(h1: HPy, h2: HPy) -> HPy;
    ctx_InPlaceRemainder(h1: HPy, h2: HPy) -> HPy;
    ctx_InPlacePower(h1: HPy, h2: HPy, h3: HPy) -> HPy;
    ctx_InPlaceLshift(h1: HPy, h2: HPy) -> HPy;
    ctx_InPlaceRshift(h1: HPy, h2: HPy) -> HPy;
    ctx_InPlaceAnd(h1: HPy, h2: HPy) -> HPy;
    ctx_InPlaceXor(h1: HPy, h2: HPy) -> HPy;
    ctx_InPlaceOr(h1: HPy, h2: HPy) -> HPy;
    ctx_Callable_Check(h: HPy) -> c_int;
    ctx_CallTupleDict(callable: HPy, args: HPy, kw: HPy) -> HPy;
    ctx_FatalError(message: *const c_char);
    ctx_Err_SetString(h_type: HPy, utf8_message: *const c_char);
    ctx_Err_SetObject(h_type: HPy, h_value: HPy);
    ctx_Err_SetFromErrnoWithFilename(h_type: HPy, filename_fsencoded: *const c_char) -> HPy;
    ctx_Err_SetFromErrnoWithFilenameObjects(h_type: HPy, filename1: HPy, filename2: HPy);
    ctx_Err_Occurred() -> c_int;
    ctx_Err_ExceptionMatches(exc: HPy) -> c_int;
    ctx_Err_NoMemory();
    ctx_Err_Clear();
    ctx_Err_NewException(utf8_name: *const c_char, base: HPy, dict: HPy) -> HPy;
    ctx_Err_NewExceptionWithDoc(utf8_name: *const c_char, utf8_doc: *const c_char, base: HPy, dict: HPy) -> HPy;
    ctx_Err_WarnEx(category: HPy, utf8_message: *const c_char, stack_level: HPy_ssize_t) -> c_int;
    ctx_Err_WriteUnraisable(obj: HPy);
    ctx_IsTrue(h: HPy) -> c_int;
    ctx_GetAttr(obj: HPy, name: HPy) -> HPy;
    ctx_GetAttr_s(obj: HPy, utf8_name: *const c_char) -> HPy;
    ctx_HasAttr(obj: HPy, name: HPy) -> c_int;
    ctx_HasAttr_s(obj: HPy, utf8_name: *const c_char) -> c_int;
    ctx_SetAttr(obj: HPy, name: HPy, value: HPy) -> c_int;
    ctx_SetAttr_s(obj: HPy, utf8_name: *const c_char, value: HPy) -> c_int;
    ctx_GetItem(obj: HPy, key: HPy) -> HPy;
    ctx_GetItem_i(obj: HPy, idx: HPy_ssize_t) -> HPy;
    ctx_GetItem_s(obj: HPy, utf8_key: *const c_char) -> HPy;
    ctx_Contains(container: HPy, key: HPy) -> c_int;
    ctx_SetItem(obj: HPy, key: HPy, value: HPy) -> c_int;
    ctx_SetItem_i(obj: HPy, idx: HPy_ssize_t, value: HPy) -> c_int;
    ctx_SetItem_s(obj: HPy, utf8_key: *const c_char, value: HPy) -> c_int;
    ctx_Type(obj: HPy) -> HPy;
    ctx_Is(obj: HPy, other: HPy) -> c_int;
    ctx_New(h_type: HPy, data: *mut *mut c_void) -> HPy;
    ctx_Repr(obj: HPy) -> HPy;
    ctx_Str(obj: HPy) -> HPy;
    ctx_ASCII(obj: HPy) -> HPy;
    ctx_Bytes(obj: HPy) -> HPy;
    ctx_RichCompare(v: HPy, w: HPy, op: c_int) -> HPy;
    ctx_RichCompareBool(v: HPy, w: HPy, op: c_int) -> c_int;
    ctx_Hash(obj: HPy) -> isize;
    ctx_Bytes_Check(h: HPy) -> c_int;
    ctx_Bytes_Size(h: HPy) -> HPy_ssize_t;
    ctx_Bytes_GET_SIZE(h: HPy) -> HPy_ssize_t;
    ctx_Bytes_FromString(bytes: *const c_char) -> HPy;
    ctx_Bytes_FromStringAndSize(bytes: *const c_char, len: HPy_ssize_t) -> HPy;
    ctx_Unicode_FromString(utf8: *const c_char) -> HPy;
    ctx_Unicode_Check(h: HPy) -> c_int;
    ctx_Unicode_AsASCIIString(h: HPy) -> HPy;
    ctx_Unicode_AsLatin1String(h: HPy) -> HPy;
    ctx_Unicode_AsUTF8String(h: HPy) -> HPy;
    ctx_Unicode_FromWideChar(w: *const wchar_t, size: HPy_ssize_t) -> HPy;
    ctx_Unicode_DecodeFSDefault(v: *const c_char) -> HPy;
    ctx_Unicode_DecodeFSDefaultAndSize(v: *const c_char, size: HPy_ssize_t) -> HPy;
    ctx_Unicode_EncodeFSDefault(h: HPy) -> HPy;
    ctx_Unicode_ReadChar(h: HPy, index: HPy_ssize_t) -> u32;
    ctx_Unicode_DecodeASCII(ascii: *const c_char, size: HPy_ssize_t, errors: *const c_char) -> HPy;
    ctx_Unicode_DecodeLatin1(latin1: *const c_char, size: HPy_ssize_t, errors: *const c_char) -> HPy;
    ctx_List_Check(h: HPy) -> c_int;
    ctx_List_New(len: HPy_ssize_t) -> HPy;
    ctx_List_Append(h_list: HPy, h_item: HPy) -> c_int;
    ctx_Dict_Check(h: HPy) -> c_int;
    ctx_Dict_New() -> HPy;
    ctx_Tuple_Check(h: HPy) -> c_int;
    ctx_Import_ImportModule(utf8_name: *const c_char) -> HPy;
    ctx_FromPyObject(obj: *mut cpy_PyObject) -> HPy;
    ctx_AsPyObject(h: HPy) -> *mut cpy_PyObject;
    ctx_Field_Store(target_object: HPy, target_field: *mut HPyField, h: HPy);
    ctx_Field_Load(source_object: HPy, source_field: HPyField) -> HPy;
    ctx_ReenterPythonExecution(state: HPyThreadState);
    ctx_LeavePythonExecution() -> HPyThreadState;
    ctx_Global_Store(global: *mut HPyGlobal, h: HPy);
    ctx_Global_Load(global: HPyGlobal) -> HPy;
    ctx_Dump(h: HPy);
    ctx_Type_GetBuiltinShape(h_type: HPy) -> HPyType_BuiltinShape;
    ctx_DelItem(obj: HPy, key: HPy) -> c_int;
    ctx_DelItem_i(obj: HPy, idx: HPy_ssize_t) -> c_int;
    ctx_DelItem_s(obj: HPy, utf8_key: *const c_char) -> c_int;
    ctx_Capsule_New(pointer: *mut c_void, utf8_name: *const c_char, destructor: *mut HPyCapsule_Destructor) -> HPy;
    ctx_Capsule_Get(capsule: HPy, key: _HPyCapsule_key, utf8_name: *const c_char) -> *mut c_void;
    ctx_Capsule_IsValid(capsule: HPy, utf8_name: *const c_char) -> c_int;
    ctx_Capsule_Set(capsule: HPy, key: _HPyCapsule_key, value: *mut c_void) -> c_int;
    ctx_Compile_s(utf8_source: *const c_char, utf8_filename: *const c_char, kind: HPy_SourceKind) -> HPy;
    ctx_EvalCode(code: HPy, globals: HPy, locals: HPy) -> HPy;
    ctx_ContextVar_New(name: *const c_char, default_value: HPy) -> HPy;
    ctx_ContextVar_Set(context_var: HPy, value: HPy) -> HPy;
    ctx_Unicode_FromEncodedObject(obj: HPy, encoding: *const c_char, errors: *const c_char) -> HPy;
    ctx_Dict_Keys(h: HPy) -> HPy;
    ctx_Dict_Copy(h: HPy) -> HPy;
    ctx_Slice_Unpack(slice: HPy, start: *mut HPy_ssize_t, stop: *mut HPy_ssize_t, step: *mut HPy_ssize_t) -> c_int;
    ctx_SetCallFunction(h: HPy, func: *mut HPyCallFunction) -> c_int;
}
