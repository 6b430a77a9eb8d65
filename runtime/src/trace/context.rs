//! The trace context: one `HPyContext` for the process, made on first use.
//!
//! Its handles, `ctx_FatalError` and `ctx_CallRealFunctionFromTrampoline` are the universal
//! context's: a module's trampolines call back into the runtime with the trace context, and the
//! universal call-back passes the context it is given on to the impl, so the impl's calls are
//! traced. Every other function is a traced form of the universal one, made from its type in
//! the bindings ([`Traced`]): one generic function per number of arguments, instantiated per
//! member with the member's byte offset, which both finds the universal function and names the
//! member in the counts.

use std::sync::OnceLock;

use hpy_sys as sys;
use pyo3::Python;

use super::record;

/// The trace context's name; it contains `hpy_sys::hpy_rs::RUNTIME_MARK`, so that modules know
/// `_private` points to the runtime's extensions (the universal context's: handles are the same
/// in both, and `ctx_Dict_Next` there is not counted).
pub const NAME: &core::ffi::CStr = c"HPy Trace Mode ABI (hpy-rs runtime, CPython)";

/// The trace context and the universal context it wraps, as addresses.
struct Contexts {
    trace: usize,
    universal: usize,
}

static CONTEXTS: OnceLock<Contexts> = OnceLock::new();

/// The trace context handed to modules (made on first use; `py` proves the GIL is held).
pub fn trace(py: Python<'_>) -> *mut sys::HPyContext {
    CONTEXTS
        .get_or_init(|| {
            let u = crate::context::universal(py);
            // SAFETY: `u` is the filled universal context, alive for the process.
            let ctx = Box::new(make(unsafe { &*u }));
            if let Some(member) = untraced(&ctx, unsafe { &*u }) {
                let msg = format!(
                    "hpy_rs_runtime: the trace context's {member} is not traced (a defect of this \
                     build of the runtime)\0"
                );
                // SAFETY: a NUL-terminated message; the counts would silently miss calls.
                unsafe { hpy_cpython::pyo3_ffi::Py_FatalError(msg.as_ptr().cast()) };
            }
            Contexts {
                trace: Box::into_raw(ctx) as usize,
                universal: u as usize,
            }
        })
        .trace as *mut sys::HPyContext
}

/// The universal context the trace context wraps (it exists when a traced function runs).
#[inline]
fn universal() -> *mut sys::HPyContext {
    CONTEXTS.get().map_or(core::ptr::null_mut(), |c| {
        c.universal as *mut sys::HPyContext
    })
}

/// The traced form of a context function type: `traced::<OFFSET>()` is a function of that type
/// that records the call as the member at byte `OFFSET` of `HPyContext` and calls the
/// universal context's member there, which must have the same type.
pub trait Traced: Copy {
    /// The traced function for the member at byte `OFFSET`.
    fn traced<const OFFSET: usize>() -> Self;
}

/// A stop for a universal member found NULL (a defect, which the check at creation rules out).
#[cold]
fn missing(offset: usize) -> ! {
    let name = hpy_sys::CONTEXT_MEMBERS[record::index(offset)];
    let msg = format!("hpy_rs_runtime: the universal context's {name} is NULL\0");
    // SAFETY: a NUL-terminated message.
    unsafe { hpy_cpython::pyo3_ffi::Py_FatalError(msg.as_ptr().cast()) }
}

macro_rules! traced_arity {
    ($wrapper:ident; $($arg:ident: $ty:ident),*) => {
        /// A traced context function with these argument types (see [`Traced`]).
        ///
        /// # Safety
        ///
        /// As the universal function at byte `OFFSET`: called by a module loaded in trace
        /// mode, with that function's contract.
        unsafe extern "C" fn $wrapper<const OFFSET: usize, $($ty,)* R>(
            _ctx: *mut sys::HPyContext,
            $($arg: $ty),*
        ) -> R {
            let u = universal();
            // SAFETY: the trace context exists (a module holds it), so `u` is the universal
            // context; its member at `OFFSET` has this function's type, since this
            // instantiation was chosen by the type of the trace context's member there.
            let f = unsafe {
                u.cast::<u8>()
                    .add(OFFSET)
                    .cast::<Option<unsafe extern "C" fn(*mut sys::HPyContext, $($ty),*) -> R>>()
                    .read()
            };
            let Some(f) = f else { missing(OFFSET) };
            let index = record::index(OFFSET);
            let start = record::enter(index);
            // SAFETY: the caller's arguments, under the caller's contract, for the same function
            // of the universal context (HPy 0.9.0's trace mode passes the universal context).
            let r = unsafe { f(u, $($arg),*) };
            record::exit(index, start);
            r
        }

        impl<$($ty,)* R> Traced for unsafe extern "C" fn(*mut sys::HPyContext, $($ty),*) -> R {
            fn traced<const OFFSET: usize>() -> Self {
                $wrapper::<OFFSET, $($ty,)* R>
            }
        }
    };
}

traced_arity!(traced0;);
traced_arity!(traced1; a: A);
traced_arity!(traced2; a: A, b: B);
traced_arity!(traced3; a: A, b: B, c: C);
traced_arity!(traced4; a: A, b: B, c: C, d: D);
traced_arity!(traced5; a: A, b: B, c: C, d: D, e: E);

/// The trace context over the universal context `u`.
fn make(u: &sys::HPyContext) -> sys::HPyContext {
    let mut ctx = *u;
    ctx.name = NAME.as_ptr();
    macro_rules! traced {
        ($($member:ident),* $(,)?) => {$(
            ctx.$member =
                Some(Traced::traced::<{ core::mem::offset_of!(sys::HPyContext, $member) }>());
        )*};
    }
    // Every function member of the bindings (`hpy_sys::CONTEXT_MEMBERS`) but `ctx_FatalError`
    // and `ctx_CallRealFunctionFromTrampoline`; `untraced` checks none is missed.
    traced!(
        ctx_Dup,
        ctx_Close,
        ctx_Long_FromInt32_t,
        ctx_Long_FromUInt32_t,
        ctx_Long_FromInt64_t,
        ctx_Long_FromUInt64_t,
        ctx_Long_FromSize_t,
        ctx_Long_FromSsize_t,
        ctx_Long_AsInt32_t,
        ctx_Long_AsUInt32_t,
        ctx_Long_AsUInt32_tMask,
        ctx_Long_AsInt64_t,
        ctx_Long_AsUInt64_t,
        ctx_Long_AsUInt64_tMask,
        ctx_Long_AsSize_t,
        ctx_Long_AsSsize_t,
        ctx_Long_AsVoidPtr,
        ctx_Long_AsDouble,
        ctx_Float_FromDouble,
        ctx_Float_AsDouble,
        ctx_Bool_FromBool,
        ctx_Length,
        ctx_Number_Check,
        ctx_Add,
        ctx_Subtract,
        ctx_Multiply,
        ctx_MatrixMultiply,
        ctx_FloorDivide,
        ctx_TrueDivide,
        ctx_Remainder,
        ctx_Divmod,
        ctx_Power,
        ctx_Negative,
        ctx_Positive,
        ctx_Absolute,
        ctx_Invert,
        ctx_Lshift,
        ctx_Rshift,
        ctx_And,
        ctx_Xor,
        ctx_Or,
        ctx_Index,
        ctx_Long,
        ctx_Float,
        ctx_InPlaceAdd,
        ctx_InPlaceSubtract,
        ctx_InPlaceMultiply,
        ctx_InPlaceMatrixMultiply,
        ctx_InPlaceFloorDivide,
        ctx_InPlaceTrueDivide,
        ctx_InPlaceRemainder,
        ctx_InPlacePower,
        ctx_InPlaceLshift,
        ctx_InPlaceRshift,
        ctx_InPlaceAnd,
        ctx_InPlaceXor,
        ctx_InPlaceOr,
        ctx_Callable_Check,
        ctx_CallTupleDict,
        ctx_Err_SetString,
        ctx_Err_SetObject,
        ctx_Err_SetFromErrnoWithFilename,
        ctx_Err_SetFromErrnoWithFilenameObjects,
        ctx_Err_Occurred,
        ctx_Err_ExceptionMatches,
        ctx_Err_NoMemory,
        ctx_Err_Clear,
        ctx_Err_NewException,
        ctx_Err_NewExceptionWithDoc,
        ctx_Err_WarnEx,
        ctx_Err_WriteUnraisable,
        ctx_IsTrue,
        ctx_Type_FromSpec,
        ctx_Type_GenericNew,
        ctx_GetAttr,
        ctx_GetAttr_s,
        ctx_HasAttr,
        ctx_HasAttr_s,
        ctx_SetAttr,
        ctx_SetAttr_s,
        ctx_GetItem,
        ctx_GetItem_i,
        ctx_GetItem_s,
        ctx_Contains,
        ctx_SetItem,
        ctx_SetItem_i,
        ctx_SetItem_s,
        ctx_Type,
        ctx_TypeCheck,
        ctx_Is,
        ctx_AsStruct_Object,
        ctx_AsStruct_Legacy,
        ctx_New,
        ctx_Repr,
        ctx_Str,
        ctx_ASCII,
        ctx_Bytes,
        ctx_RichCompare,
        ctx_RichCompareBool,
        ctx_Hash,
        ctx_Bytes_Check,
        ctx_Bytes_Size,
        ctx_Bytes_GET_SIZE,
        ctx_Bytes_AsString,
        ctx_Bytes_AS_STRING,
        ctx_Bytes_FromString,
        ctx_Bytes_FromStringAndSize,
        ctx_Unicode_FromString,
        ctx_Unicode_Check,
        ctx_Unicode_AsASCIIString,
        ctx_Unicode_AsLatin1String,
        ctx_Unicode_AsUTF8String,
        ctx_Unicode_AsUTF8AndSize,
        ctx_Unicode_FromWideChar,
        ctx_Unicode_DecodeFSDefault,
        ctx_Unicode_DecodeFSDefaultAndSize,
        ctx_Unicode_EncodeFSDefault,
        ctx_Unicode_ReadChar,
        ctx_Unicode_DecodeASCII,
        ctx_Unicode_DecodeLatin1,
        ctx_List_Check,
        ctx_List_New,
        ctx_List_Append,
        ctx_Dict_Check,
        ctx_Dict_New,
        ctx_Tuple_Check,
        ctx_Tuple_FromArray,
        ctx_Import_ImportModule,
        ctx_FromPyObject,
        ctx_AsPyObject,
        ctx_ListBuilder_New,
        ctx_ListBuilder_Set,
        ctx_ListBuilder_Build,
        ctx_ListBuilder_Cancel,
        ctx_TupleBuilder_New,
        ctx_TupleBuilder_Set,
        ctx_TupleBuilder_Build,
        ctx_TupleBuilder_Cancel,
        ctx_Tracker_New,
        ctx_Tracker_Add,
        ctx_Tracker_ForgetAll,
        ctx_Tracker_Close,
        ctx_Field_Store,
        ctx_Field_Load,
        ctx_ReenterPythonExecution,
        ctx_LeavePythonExecution,
        ctx_Global_Store,
        ctx_Global_Load,
        ctx_Dump,
        ctx_AsStruct_Type,
        ctx_AsStruct_Long,
        ctx_AsStruct_Float,
        ctx_AsStruct_Unicode,
        ctx_AsStruct_Tuple,
        ctx_AsStruct_List,
        ctx_Type_GetBuiltinShape,
        ctx_DelItem,
        ctx_DelItem_i,
        ctx_DelItem_s,
        ctx_Capsule_New,
        ctx_Capsule_Get,
        ctx_Capsule_IsValid,
        ctx_Capsule_Set,
        ctx_Compile_s,
        ctx_EvalCode,
        ctx_ContextVar_New,
        ctx_ContextVar_Get,
        ctx_ContextVar_Set,
        ctx_Type_GetName,
        ctx_Type_IsSubtype,
        ctx_Unicode_FromEncodedObject,
        ctx_Unicode_Substring,
        ctx_Dict_Keys,
        ctx_Dict_Copy,
        ctx_Slice_Unpack,
        ctx_SetCallFunction,
        ctx_Call,
        ctx_CallMethod,
    );
    ctx
}

/// The name of the first function member of `ctx` left as the universal context's, other than
/// the two HPy 0.9.0 leaves untraced, if any.
fn untraced(ctx: &sys::HPyContext, u: &sys::HPyContext) -> Option<&'static str> {
    use crate::context::{member_word, members};
    members()
        .filter(|(_, name)| {
            name.starts_with("ctx_")
                && !matches!(
                    *name,
                    "ctx_FatalError" | "ctx_CallRealFunctionFromTrampoline"
                )
        })
        .find(|&(offset, _)| member_word(ctx, offset) == member_word(u, offset))
        .map(|(_, name)| name)
}
