//! The context functions of `../functions.rs`, each mapped straight onto CPython's C API (the
//! declarations are `pyo3-ffi`'s). A handle is the object pointer itself (`HPy._i`), so most
//! rows are one call; the context argument is the never-read token (see `super`).

#![allow(non_snake_case, non_upper_case_globals)]

use core::ffi::{c_char, c_int, c_void};
use core::ptr::null_mut;

use hpy_sys::*;
use pyo3_ffi as py;

use crate::{h, o};

/// Turns rows `ctx_Name(arg: Type, ...) -> Ret = body;` into functions of the same signature as
/// the universal backend's; the context is ignored.
macro_rules! cpython_functions {
    ($($name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? = $body:expr;)*) => {
        $(
            /// The CPython-ABI implementation of the HPy context function of the same name.
            ///
            /// # Safety
            ///
            /// As for the universal ABI's: called with the GIL held, handles are live object
            /// pointers (NULL only where HPy allows `HPy_NULL`), pointers are valid.
            #[inline(always)]
            #[allow(unused_variables, clippy::unused_unit)]
            pub unsafe fn $name(_ctx: impl Copy, $($arg: $ty),*) $(-> $ret)? {
                #[allow(unused_unsafe)]
                // SAFETY: forwarded to the C API function(s), whose contract is the caller's.
                unsafe { $body }
            }
        )*

        /// Puts every function of this module, in its `extern "C"` form, into `ctx`.
        pub fn fill_context(ctx: &mut HPyContext) {
            $(ctx.$name = Some(abi::$name);)*
        }

        /// The same functions with the C ABI of `HPyContext`'s members, for the universal
        /// runtime's context table (the context pointer is ignored as above).
        pub mod abi {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[doc = concat!("`HPyContext.", stringify!($name), "` over CPython's C API.")]
                ///
                /// # Safety
                ///
                /// As the function of the same name in the parent module.
                #[allow(clippy::unused_unit)]
                pub unsafe extern "C" fn $name(ctx: *mut HPyContext, $($arg: $ty),*) $(-> $ret)? {
                    // SAFETY: the caller's contract is the parent function's.
                    unsafe { super::$name(ctx, $($arg),*) }
                }
            )*
        }
    };
}

/// A new reference, or NULL with an exception set, as a handle.
#[inline(always)]
fn new(p: *mut py::PyObject) -> HPy {
    h(p)
}

/// `obj[idx]` with the index boxed, as HPy does on CPython; lists and tuples directly.
#[inline]
unsafe fn get_item_i(obj: HPy, idx: HPy_ssize_t) -> HPy {
    let p = o(obj);
    // SAFETY: `p` is a live object (caller's contract); the exact-type checks make the direct
    // item reads valid for in-range indices; the item is returned as a new reference.
    unsafe {
        if py::PyList_CheckExact(p) != 0 && idx >= 0 && idx < py::PyList_GET_SIZE(p) {
            let item = py::PyList_GET_ITEM(p, idx);
            py::Py_INCREF(item);
            return h(item);
        }
        if py::PyTuple_CheckExact(p) != 0 && idx >= 0 && idx < py::PyTuple_GET_SIZE(p) {
            let item = py::PyTuple_GET_ITEM(p, idx);
            py::Py_INCREF(item);
            return h(item);
        }
        let key = py::PyLong_FromSsize_t(idx);
        if key.is_null() {
            return HPy_NULL;
        }
        let r = py::PyObject_GetItem(p, key);
        py::Py_DECREF(key);
        h(r)
    }
}

/// Applies `f` to `obj` and the boxed index; -1 if boxing fails.
#[inline]
unsafe fn with_index(idx: HPy_ssize_t, f: impl FnOnce(*mut py::PyObject) -> c_int) -> c_int {
    // SAFETY: a new int, released after use.
    unsafe {
        let key = py::PyLong_FromSsize_t(idx);
        if key.is_null() {
            return -1;
        }
        let r = f(key);
        py::Py_DECREF(key);
        r
    }
}

/// Applies `f` to a `str` made from the NUL-terminated UTF-8 `key`; `err` if that fails.
#[inline]
unsafe fn with_str_key<R>(key: *const c_char, err: R, f: impl FnOnce(*mut py::PyObject) -> R) -> R {
    // SAFETY: `key` is NUL-terminated (caller's contract); the str is released after use.
    unsafe {
        let k = py::PyUnicode_FromString(key);
        if k.is_null() {
            return err;
        }
        let r = f(k);
        py::Py_DECREF(k);
        r
    }
}

/// Stores `h` (a new reference to it) in `slot`, releasing what was there.
#[inline]
unsafe fn store(slot: *mut isize, v: HPy) {
    // SAFETY: `slot` holds NULL or an owned reference (caller's contract).
    unsafe {
        py::Py_XINCREF(o(v));
        let old = *slot;
        *slot = v._i;
        py::Py_XDECREF(old as *mut py::PyObject);
    }
}

/// A new reference to what a stored slot holds (NULL stays NULL).
#[inline]
unsafe fn load(v: isize) -> HPy {
    // SAFETY: `v` is NULL or an object the slot owns.
    unsafe { py::Py_XINCREF(v as *mut py::PyObject) };
    HPy { _i: v }
}

/// `TypeError` with `msg`; returns NULL.
unsafe fn type_error(msg: &core::ffi::CStr) -> HPy {
    // SAFETY: a static exception type and a static message.
    unsafe { py::PyErr_SetString(py::PyExc_TypeError, msg.as_ptr()) };
    HPy_NULL
}

cpython_functions! {
    ctx_Dup(x: HPy) -> HPy = { py::Py_INCREF(o(x)); x };
    ctx_Close(x: HPy) = py::Py_XDECREF(o(x));
    ctx_Long_FromInt32_t(value: i32) -> HPy = new(py::PyLong_FromLong(value as _));
    ctx_Long_FromUInt32_t(value: u32) -> HPy = new(py::PyLong_FromUnsignedLong(value as _));
    ctx_Long_FromInt64_t(v: i64) -> HPy = new(py::PyLong_FromLongLong(v));
    ctx_Long_FromUInt64_t(v: u64) -> HPy = new(py::PyLong_FromUnsignedLongLong(v));
    ctx_Long_FromSize_t(value: usize) -> HPy = new(py::PyLong_FromSize_t(value));
    ctx_Long_FromSsize_t(value: HPy_ssize_t) -> HPy = new(py::PyLong_FromSsize_t(value));
    ctx_Long_AsInt32_t(x: HPy) -> i32 = {
        let v = py::PyLong_AsLong(o(x));
        match i32::try_from(v) {
            Ok(v) => v,
            Err(_) => {
                py::PyErr_SetString(py::PyExc_OverflowError, c"Python int too large to convert to C int32_t".as_ptr());
                -1
            }
        }
    };
    ctx_Long_AsUInt32_t(x: HPy) -> u32 = {
        let v = py::PyLong_AsUnsignedLong(o(x));
        if v == core::ffi::c_ulong::MAX && !py::PyErr_Occurred().is_null() {
            return u32::MAX;
        }
        match u32::try_from(v) {
            Ok(v) => v,
            Err(_) => {
                py::PyErr_SetString(py::PyExc_OverflowError, c"Python int too large to convert to C uint32_t".as_ptr());
                u32::MAX
            }
        }
    };
    ctx_Long_AsUInt32_tMask(x: HPy) -> u32 = py::PyLong_AsUnsignedLongMask(o(x)) as u32;
    ctx_Long_AsInt64_t(x: HPy) -> i64 = py::PyLong_AsLongLong(o(x));
    ctx_Long_AsUInt64_t(x: HPy) -> u64 = py::PyLong_AsUnsignedLongLong(o(x));
    ctx_Long_AsUInt64_tMask(x: HPy) -> u64 = py::PyLong_AsUnsignedLongLongMask(o(x));
    ctx_Long_AsSize_t(x: HPy) -> usize = py::PyLong_AsSize_t(o(x));
    ctx_Long_AsSsize_t(x: HPy) -> HPy_ssize_t = py::PyLong_AsSsize_t(o(x));
    ctx_Long_AsVoidPtr(x: HPy) -> *mut c_void = py::PyLong_AsVoidPtr(o(x));
    ctx_Long_AsDouble(x: HPy) -> f64 = py::PyLong_AsDouble(o(x));
    ctx_Float_FromDouble(v: f64) -> HPy = new(py::PyFloat_FromDouble(v));
    ctx_Float_AsDouble(x: HPy) -> f64 = py::PyFloat_AsDouble(o(x));
    ctx_Bool_FromBool(v: bool) -> HPy = new(py::PyBool_FromLong(v as _));
    ctx_Length(x: HPy) -> HPy_ssize_t = py::PyObject_Size(o(x));
    ctx_Number_Check(x: HPy) -> c_int = py::PyNumber_Check(o(x));
    ctx_Add(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_Add(o(h1), o(h2)));
    ctx_Subtract(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_Subtract(o(h1), o(h2)));
    ctx_Multiply(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_Multiply(o(h1), o(h2)));
    ctx_MatrixMultiply(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_MatrixMultiply(o(h1), o(h2)));
    ctx_FloorDivide(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_FloorDivide(o(h1), o(h2)));
    ctx_TrueDivide(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_TrueDivide(o(h1), o(h2)));
    ctx_Remainder(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_Remainder(o(h1), o(h2)));
    ctx_Divmod(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_Divmod(o(h1), o(h2)));
    ctx_Power(h1: HPy, h2: HPy, h3: HPy) -> HPy = new(py::PyNumber_Power(o(h1), o(h2), o(h3)));
    ctx_Negative(h1: HPy) -> HPy = new(py::PyNumber_Negative(o(h1)));
    ctx_Positive(h1: HPy) -> HPy = new(py::PyNumber_Positive(o(h1)));
    ctx_Absolute(h1: HPy) -> HPy = new(py::PyNumber_Absolute(o(h1)));
    ctx_Invert(h1: HPy) -> HPy = new(py::PyNumber_Invert(o(h1)));
    ctx_Lshift(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_Lshift(o(h1), o(h2)));
    ctx_Rshift(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_Rshift(o(h1), o(h2)));
    ctx_And(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_And(o(h1), o(h2)));
    ctx_Xor(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_Xor(o(h1), o(h2)));
    ctx_Or(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_Or(o(h1), o(h2)));
    ctx_Index(h1: HPy) -> HPy = new(py::PyNumber_Index(o(h1)));
    ctx_Long(h1: HPy) -> HPy = new(py::PyNumber_Long(o(h1)));
    ctx_Float(h1: HPy) -> HPy = new(py::PyNumber_Float(o(h1)));
    ctx_InPlaceAdd(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_InPlaceAdd(o(h1), o(h2)));
    ctx_InPlaceSubtract(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_InPlaceSubtract(o(h1), o(h2)));
    ctx_InPlaceMultiply(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_InPlaceMultiply(o(h1), o(h2)));
    ctx_InPlaceMatrixMultiply(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_InPlaceMatrixMultiply(o(h1), o(h2)));
    ctx_InPlaceFloorDivide(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_InPlaceFloorDivide(o(h1), o(h2)));
    ctx_InPlaceTrueDivide(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_InPlaceTrueDivide(o(h1), o(h2)));
    ctx_InPlaceRemainder(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_InPlaceRemainder(o(h1), o(h2)));
    ctx_InPlacePower(h1: HPy, h2: HPy, h3: HPy) -> HPy = new(py::PyNumber_InPlacePower(o(h1), o(h2), o(h3)));
    ctx_InPlaceLshift(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_InPlaceLshift(o(h1), o(h2)));
    ctx_InPlaceRshift(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_InPlaceRshift(o(h1), o(h2)));
    ctx_InPlaceAnd(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_InPlaceAnd(o(h1), o(h2)));
    ctx_InPlaceXor(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_InPlaceXor(o(h1), o(h2)));
    ctx_InPlaceOr(h1: HPy, h2: HPy) -> HPy = new(py::PyNumber_InPlaceOr(o(h1), o(h2)));
    ctx_Callable_Check(x: HPy) -> c_int = py::PyCallable_Check(o(x));
    ctx_CallTupleDict(callable: HPy, args: HPy, kw: HPy) -> HPy = {
        if args._i != 0 && py::PyTuple_Check(o(args)) == 0 {
            type_error(c"HPy_CallTupleDict requires args to be a tuple or null handle")
        } else if kw._i != 0 && py::PyDict_Check(o(kw)) == 0 {
            type_error(c"HPy_CallTupleDict requires kw to be a dict or null handle")
        } else if args._i == 0 {
            let empty = py::PyTuple_New(0);
            if empty.is_null() {
                return HPy_NULL;
            }
            let r = py::PyObject_Call(o(callable), empty, o(kw));
            py::Py_DECREF(empty);
            h(r)
        } else {
            new(py::PyObject_Call(o(callable), o(args), o(kw)))
        }
    };
    ctx_FatalError(message: *const c_char) = py::Py_FatalError(message);
    ctx_Err_SetString(h_type: HPy, utf8_message: *const c_char) = py::PyErr_SetString(o(h_type), utf8_message);
    ctx_Err_SetObject(h_type: HPy, h_value: HPy) = py::PyErr_SetObject(o(h_type), o(h_value));
    ctx_Err_SetFromErrnoWithFilename(h_type: HPy, filename_fsencoded: *const c_char) -> HPy = {
        py::PyErr_SetFromErrnoWithFilename(o(h_type), filename_fsencoded);
        HPy_NULL
    };
    ctx_Err_SetFromErrnoWithFilenameObjects(h_type: HPy, filename1: HPy, filename2: HPy) = {
        py::PyErr_SetFromErrnoWithFilenameObjects(o(h_type), o(filename1), o(filename2));
    };
    ctx_Err_Occurred() -> c_int = (!py::PyErr_Occurred().is_null()) as c_int;
    ctx_Err_ExceptionMatches(exc: HPy) -> c_int = py::PyErr_ExceptionMatches(o(exc));
    ctx_Err_NoMemory() = { py::PyErr_NoMemory(); };
    ctx_Err_Clear() = py::PyErr_Clear();
    ctx_Err_NewException(utf8_name: *const c_char, base: HPy, dict: HPy) -> HPy =
        new(py::PyErr_NewException(utf8_name, o(base), o(dict)));
    ctx_Err_NewExceptionWithDoc(utf8_name: *const c_char, utf8_doc: *const c_char, base: HPy, dict: HPy) -> HPy =
        new(py::PyErr_NewExceptionWithDoc(utf8_name, utf8_doc, o(base), o(dict)));
    ctx_Err_WarnEx(category: HPy, utf8_message: *const c_char, stack_level: HPy_ssize_t) -> c_int =
        py::PyErr_WarnEx(o(category), utf8_message, stack_level);
    ctx_Err_WriteUnraisable(obj: HPy) = py::PyErr_WriteUnraisable(o(obj));
    ctx_IsTrue(x: HPy) -> c_int = py::PyObject_IsTrue(o(x));
    ctx_Type_FromSpec(spec: *mut HPyType_Spec, params: *mut HPyType_SpecParam) -> HPy =
        crate::types::type_from_spec(spec, params);
    ctx_Type_GenericNew(type_: HPy, args: *const HPy, nargs: HPy_ssize_t, kw: HPy) -> HPy =
        new(py::PyType_GenericNew(o(type_).cast(), null_mut(), null_mut()));
    ctx_GetAttr(obj: HPy, name: HPy) -> HPy = new(py::PyObject_GetAttr(o(obj), o(name)));
    ctx_GetAttr_s(obj: HPy, utf8_name: *const c_char) -> HPy = new(py::PyObject_GetAttrString(o(obj), utf8_name));
    ctx_HasAttr(obj: HPy, name: HPy) -> c_int = {
        // Through GetAttr, so that a failing lookup is cleared silently on every version.
        let r = py::PyObject_GetAttr(o(obj), o(name));
        if r.is_null() {
            py::PyErr_Clear();
            0
        } else {
            py::Py_DECREF(r);
            1
        }
    };
    ctx_HasAttr_s(obj: HPy, utf8_name: *const c_char) -> c_int = {
        let r = py::PyObject_GetAttrString(o(obj), utf8_name);
        if r.is_null() {
            py::PyErr_Clear();
            0
        } else {
            py::Py_DECREF(r);
            1
        }
    };
    ctx_SetAttr(obj: HPy, name: HPy, value: HPy) -> c_int = py::PyObject_SetAttr(o(obj), o(name), o(value));
    ctx_SetAttr_s(obj: HPy, utf8_name: *const c_char, value: HPy) -> c_int =
        py::PyObject_SetAttrString(o(obj), utf8_name, o(value));
    ctx_GetItem(obj: HPy, key: HPy) -> HPy = new(py::PyObject_GetItem(o(obj), o(key)));
    ctx_GetItem_i(obj: HPy, idx: HPy_ssize_t) -> HPy = get_item_i(obj, idx);
    ctx_GetItem_s(obj: HPy, utf8_key: *const c_char) -> HPy =
        with_str_key(utf8_key, HPy_NULL, |k| h(py::PyObject_GetItem(o(obj), k)));
    ctx_Contains(container: HPy, key: HPy) -> c_int = py::PySequence_Contains(o(container), o(key));
    ctx_SetItem(obj: HPy, key: HPy, value: HPy) -> c_int = py::PyObject_SetItem(o(obj), o(key), o(value));
    ctx_SetItem_i(obj: HPy, idx: HPy_ssize_t, value: HPy) -> c_int =
        with_index(idx, |k| py::PyObject_SetItem(o(obj), k, o(value)));
    ctx_SetItem_s(obj: HPy, utf8_key: *const c_char, value: HPy) -> c_int =
        with_str_key(utf8_key, -1, |k| py::PyObject_SetItem(o(obj), k, o(value)));
    ctx_Type(obj: HPy) -> HPy = {
        let t = py::Py_TYPE(o(obj)).cast::<py::PyObject>();
        py::Py_INCREF(t);
        h(t)
    };
    ctx_TypeCheck(obj: HPy, type_: HPy) -> c_int = py::PyObject_TypeCheck(o(obj), o(type_).cast());
    ctx_Is(obj: HPy, other: HPy) -> c_int = (obj._i == other._i) as c_int;
    ctx_AsStruct_Object(x: HPy) -> *mut c_void = crate::types::as_struct(x, crate::types::OBJECT_AT);
    ctx_New(h_type: HPy, data: *mut *mut c_void) -> HPy = crate::types::new_instance(h_type, data);
    ctx_Repr(obj: HPy) -> HPy = new(py::PyObject_Repr(o(obj)));
    ctx_Str(obj: HPy) -> HPy = new(py::PyObject_Str(o(obj)));
    ctx_ASCII(obj: HPy) -> HPy = new(py::PyObject_ASCII(o(obj)));
    ctx_Bytes(obj: HPy) -> HPy = new(py::PyObject_Bytes(o(obj)));
    ctx_RichCompare(v: HPy, w: HPy, op: c_int) -> HPy = new(py::PyObject_RichCompare(o(v), o(w), op));
    ctx_RichCompareBool(v: HPy, w: HPy, op: c_int) -> c_int = py::PyObject_RichCompareBool(o(v), o(w), op);
    ctx_Hash(obj: HPy) -> HPy_hash_t = py::PyObject_Hash(o(obj));
    ctx_Bytes_Check(x: HPy) -> c_int = py::PyBytes_Check(o(x));
    ctx_Bytes_Size(x: HPy) -> HPy_ssize_t = py::PyBytes_Size(o(x));
    ctx_Bytes_GET_SIZE(x: HPy) -> HPy_ssize_t = py::PyBytes_Size(o(x));
    ctx_Bytes_AsString(x: HPy) -> *const c_char = py::PyBytes_AsString(o(x));
    ctx_Bytes_AS_STRING(x: HPy) -> *const c_char = py::PyBytes_AsString(o(x));
    ctx_Bytes_FromString(bytes: *const c_char) -> HPy = new(py::PyBytes_FromString(bytes));
    ctx_Bytes_FromStringAndSize(bytes: *const c_char, len: HPy_ssize_t) -> HPy = if bytes.is_null() {
        // CPython would hand out uninitialised bytes to fill in place; an HPy bytes object
        // cannot be written to, so HPy refuses NULL.
        py::PyErr_SetString(py::PyExc_ValueError, c"NULL char * passed to HPyBytes_FromStringAndSize".as_ptr());
        HPy_NULL
    } else {
        new(py::PyBytes_FromStringAndSize(bytes, len))
    };
    ctx_Unicode_FromString(utf8: *const c_char) -> HPy = new(py::PyUnicode_FromString(utf8));
    ctx_Unicode_Check(x: HPy) -> c_int = py::PyUnicode_Check(o(x));
    ctx_Unicode_AsASCIIString(x: HPy) -> HPy = new(py::PyUnicode_AsASCIIString(o(x)));
    ctx_Unicode_AsLatin1String(x: HPy) -> HPy = new(py::PyUnicode_AsLatin1String(o(x)));
    ctx_Unicode_AsUTF8String(x: HPy) -> HPy = new(py::PyUnicode_AsUTF8String(o(x)));
    ctx_Unicode_AsUTF8AndSize(x: HPy, size: *mut HPy_ssize_t) -> *const c_char =
        py::PyUnicode_AsUTF8AndSize(o(x), size);
    ctx_Unicode_FromWideChar(w: *const wchar_t, size: HPy_ssize_t) -> HPy =
        new(py::PyUnicode_FromWideChar(w.cast(), size));
    ctx_Unicode_DecodeFSDefault(v: *const c_char) -> HPy = new(py::PyUnicode_DecodeFSDefault(v));
    ctx_Unicode_DecodeFSDefaultAndSize(v: *const c_char, size: HPy_ssize_t) -> HPy =
        new(py::PyUnicode_DecodeFSDefaultAndSize(v, size));
    ctx_Unicode_EncodeFSDefault(x: HPy) -> HPy = new(py::PyUnicode_EncodeFSDefault(o(x)));
    ctx_Unicode_ReadChar(x: HPy, index: HPy_ssize_t) -> HPy_UCS4 = py::PyUnicode_ReadChar(o(x), index);
    ctx_Unicode_DecodeASCII(ascii: *const c_char, size: HPy_ssize_t, errors: *const c_char) -> HPy =
        new(py::PyUnicode_DecodeASCII(ascii, size, errors));
    ctx_Unicode_DecodeLatin1(latin1: *const c_char, size: HPy_ssize_t, errors: *const c_char) -> HPy =
        new(py::PyUnicode_DecodeLatin1(latin1, size, errors));
    ctx_List_Check(x: HPy) -> c_int = py::PyList_Check(o(x));
    ctx_List_New(len: HPy_ssize_t) -> HPy = new(py::PyList_New(len));
    ctx_List_Append(h_list: HPy, h_item: HPy) -> c_int = py::PyList_Append(o(h_list), o(h_item));
    ctx_Dict_Check(x: HPy) -> c_int = py::PyDict_Check(o(x));
    ctx_Dict_New() -> HPy = new(py::PyDict_New());
    ctx_Tuple_Check(x: HPy) -> c_int = py::PyTuple_Check(o(x));
    ctx_Tuple_FromArray(items: *mut HPy, n: HPy_ssize_t) -> HPy = {
        let t = py::PyTuple_New(n);
        if !t.is_null() {
            for i in 0..n {
                let item = o(*items.offset(i));
                py::Py_INCREF(item);
                py::PyTuple_SET_ITEM(t, i, item);
            }
        }
        h(t)
    };
    ctx_Import_ImportModule(utf8_name: *const c_char) -> HPy = new(py::PyImport_ImportModule(utf8_name));
    ctx_ListBuilder_New(size: HPy_ssize_t) -> HPyListBuilder = HPyListBuilder { _lst: py::PyList_New(size) as isize };
    ctx_ListBuilder_Set(builder: HPyListBuilder, index: HPy_ssize_t, h_item: HPy) = {
        // The item is not stolen (HPy's rule); every index is set exactly once.
        py::Py_INCREF(o(h_item));
        py::PyList_SET_ITEM(builder._lst as *mut py::PyObject, index, o(h_item));
    };
    ctx_ListBuilder_Build(builder: HPyListBuilder) -> HPy = HPy { _i: builder._lst };
    ctx_ListBuilder_Cancel(builder: HPyListBuilder) = py::Py_XDECREF(builder._lst as *mut py::PyObject);
    ctx_TupleBuilder_New(size: HPy_ssize_t) -> HPyTupleBuilder = HPyTupleBuilder { _tup: py::PyTuple_New(size) as isize };
    ctx_TupleBuilder_Set(builder: HPyTupleBuilder, index: HPy_ssize_t, h_item: HPy) = {
        py::Py_INCREF(o(h_item));
        py::PyTuple_SET_ITEM(builder._tup as *mut py::PyObject, index, o(h_item));
    };
    ctx_TupleBuilder_Build(builder: HPyTupleBuilder) -> HPy = HPy { _i: builder._tup };
    ctx_TupleBuilder_Cancel(builder: HPyTupleBuilder) = py::Py_XDECREF(builder._tup as *mut py::PyObject);
    ctx_Tracker_New(size: HPy_ssize_t) -> HPyTracker =
        HPyTracker { _i: Box::into_raw(Box::new(Vec::<HPy>::with_capacity(size.max(0) as usize))) as isize };
    ctx_Tracker_Add(ht: HPyTracker, x: HPy) -> c_int = {
        (*(ht._i as *mut Vec<HPy>)).push(x);
        0
    };
    ctx_Tracker_ForgetAll(ht: HPyTracker) = (*(ht._i as *mut Vec<HPy>)).clear();
    ctx_Tracker_Close(ht: HPyTracker) = {
        let handles = Box::from_raw(ht._i as *mut Vec<HPy>);
        for x in handles.iter() {
            py::Py_XDECREF(o(*x));
        }
    };
    ctx_Field_Store(target_object: HPy, target_field: *mut HPyField, x: HPy) =
        store(&raw mut (*target_field)._i, x);
    ctx_Field_Load(source_object: HPy, source_field: HPyField) -> HPy = load(source_field._i);
    ctx_ReenterPythonExecution(state: HPyThreadState) = py::PyEval_RestoreThread(state._i as *mut py::PyThreadState);
    ctx_LeavePythonExecution() -> HPyThreadState = HPyThreadState { _i: py::PyEval_SaveThread() as isize };
    ctx_Global_Store(global: *mut HPyGlobal, x: HPy) = store(&raw mut (*global)._i, x);
    ctx_Global_Load(global: HPyGlobal) -> HPy = load(global._i);
    ctx_Dump(x: HPy) = crate::types::dump(x);
    ctx_AsStruct_Type(x: HPy) -> *mut c_void = null_mut();
    ctx_AsStruct_Long(x: HPy) -> *mut c_void = null_mut();
    ctx_AsStruct_Float(x: HPy) -> *mut c_void = crate::types::as_struct(x, crate::types::FLOAT_AT);
    ctx_AsStruct_Unicode(x: HPy) -> *mut c_void = null_mut();
    ctx_AsStruct_Tuple(x: HPy) -> *mut c_void = null_mut();
    ctx_AsStruct_List(x: HPy) -> *mut c_void = crate::types::as_struct(x, crate::types::LIST_AT);
    ctx_Type_GetBuiltinShape(h_type: HPy) -> HPyType_BuiltinShape = crate::types::builtin_shape(h_type);
    ctx_DelItem(obj: HPy, key: HPy) -> c_int = py::PyObject_DelItem(o(obj), o(key));
    ctx_DelItem_i(obj: HPy, idx: HPy_ssize_t) -> c_int = with_index(idx, |k| py::PyObject_DelItem(o(obj), k));
    ctx_DelItem_s(obj: HPy, utf8_key: *const c_char) -> c_int =
        with_str_key(utf8_key, -1, |k| py::PyObject_DelItem(o(obj), k));
    ctx_Capsule_New(pointer: *mut c_void, utf8_name: *const c_char, destructor: *mut HPyCapsule_Destructor) -> HPy =
        match capsule_destructor(destructor) {
            Ok(d) => new(py::PyCapsule_New(pointer, utf8_name, d)),
            Err(()) => HPy_NULL,
        };
    ctx_Capsule_Get(capsule: HPy, key: _HPyCapsule_key, utf8_name: *const c_char) -> *mut c_void = match key {
        _HPyCapsule_key_HPyCapsule_key_Pointer => py::PyCapsule_GetPointer(o(capsule), utf8_name),
        _HPyCapsule_key_HPyCapsule_key_Name => py::PyCapsule_GetName(o(capsule)).cast_mut().cast(),
        _HPyCapsule_key_HPyCapsule_key_Context => py::PyCapsule_GetContext(o(capsule)),
        _HPyCapsule_key_HPyCapsule_key_Destructor => {
            py::PyErr_SetString(py::PyExc_ValueError, c"Invalid operation: get HPyCapsule_key_Destructor".as_ptr());
            null_mut()
        }
        _ => {
            py::PyErr_SetString(py::PyExc_ValueError, c"HPyCapsule_Get: invalid key".as_ptr());
            null_mut()
        }
    };
    ctx_Capsule_IsValid(capsule: HPy, utf8_name: *const c_char) -> c_int = py::PyCapsule_IsValid(o(capsule), utf8_name);
    ctx_Capsule_Set(capsule: HPy, key: _HPyCapsule_key, value: *mut c_void) -> c_int = match key {
        _HPyCapsule_key_HPyCapsule_key_Pointer => py::PyCapsule_SetPointer(o(capsule), value),
        _HPyCapsule_key_HPyCapsule_key_Name => py::PyCapsule_SetName(o(capsule), value.cast()),
        _HPyCapsule_key_HPyCapsule_key_Context => py::PyCapsule_SetContext(o(capsule), value),
        _HPyCapsule_key_HPyCapsule_key_Destructor => match capsule_destructor(value.cast()) {
            Ok(d) => py::PyCapsule_SetDestructor(o(capsule), d),
            Err(()) => -1,
        },
        _ => {
            py::PyErr_SetString(py::PyExc_ValueError, c"HPyCapsule_Set: invalid key".as_ptr());
            -1
        }
    };
    ctx_Compile_s(utf8_source: *const c_char, utf8_filename: *const c_char, kind: HPy_SourceKind) -> HPy = {
        let start = match kind {
            HPy_SourceKind_HPy_SourceKind_Expr => py::Py_eval_input,
            HPy_SourceKind_HPy_SourceKind_File => py::Py_file_input,
            HPy_SourceKind_HPy_SourceKind_Single => py::Py_single_input,
            _ => {
                py::PyErr_SetString(py::PyExc_SystemError, c"HPy_Compile_s: invalid source kind".as_ptr());
                return HPy_NULL;
            }
        };
        new(py::Py_CompileString(utf8_source, utf8_filename, start))
    };
    ctx_EvalCode(code: HPy, globals: HPy, locals: HPy) -> HPy = {
        let locals = if locals._i == 0 { globals } else { locals };
        new(py::PyEval_EvalCode(o(code), o(globals), o(locals)))
    };
    ctx_ContextVar_New(name: *const c_char, default_value: HPy) -> HPy = new(py::PyContextVar_New(name, o(default_value)));
    ctx_ContextVar_Get(context_var: HPy, default_value: HPy, result: *mut HPy) -> i32 = {
        let mut r: *mut py::PyObject = null_mut();
        let rc = py::PyContextVar_Get(o(context_var), o(default_value), &mut r);
        *result = h(r);
        rc
    };
    ctx_ContextVar_Set(context_var: HPy, value: HPy) -> HPy = new(py::PyContextVar_Set(o(context_var), o(value)));
    ctx_Type_GetName(type_: HPy) -> *const c_char = {
        // The name after the module's (as CPython's `_PyType_Name` and HPy's runtime give it).
        let full = (*o(type_).cast::<py::PyTypeObject>()).tp_name;
        let bytes = core::ffi::CStr::from_ptr(full).to_bytes();
        match bytes.iter().rposition(|&b| b == b'.') {
            Some(dot) => full.add(dot + 1),
            None => full,
        }
    };
    ctx_Type_IsSubtype(sub: HPy, type_: HPy) -> c_int = py::PyType_IsSubtype(o(sub).cast(), o(type_).cast());
    ctx_Unicode_FromEncodedObject(obj: HPy, encoding: *const c_char, errors: *const c_char) -> HPy =
        new(py::PyUnicode_FromEncodedObject(o(obj), encoding, errors));
    ctx_Unicode_Substring(str_: HPy, start: HPy_ssize_t, end: HPy_ssize_t) -> HPy =
        new(py::PyUnicode_Substring(o(str_), start, end));
    ctx_Dict_Keys(x: HPy) -> HPy = new(py::PyDict_Keys(o(x)));
    ctx_Dict_Copy(x: HPy) -> HPy = new(py::PyDict_Copy(o(x)));
    ctx_Slice_Unpack(slice: HPy, start: *mut HPy_ssize_t, stop: *mut HPy_ssize_t, step: *mut HPy_ssize_t) -> c_int =
        py::PySlice_Unpack(o(slice), start, stop, step);
    ctx_SetCallFunction(x: HPy, func: *mut HPyCallFunction) -> c_int = crate::types::set_call_function(x, func);
    ctx_Call(callable: HPy, args: *const HPy, nargs: usize, kwnames: HPy) -> HPy =
        new(py::PyObject_Vectorcall(o(callable), args.cast(), nargs, o(kwnames)));
    ctx_CallMethod(name: HPy, args: *const HPy, nargs: usize, kwnames: HPy) -> HPy =
        new(py::PyObject_VectorcallMethod(o(name), args.cast(), nargs, o(kwnames)));
}

/// The CPython destructor of an HPy capsule destructor (its `cpy_trampoline`): `Ok(None)` for
/// no destructor, `Err` with `ValueError` set for one that lacks its trampoline or impl (HPy's
/// rule).
///
/// # Safety
///
/// `d` is NULL or points to a live `HPyCapsule_Destructor`; the GIL is held.
unsafe fn capsule_destructor(
    d: *mut HPyCapsule_Destructor,
) -> Result<Option<py::PyCapsule_Destructor>, ()> {
    // SAFETY: `d` is NULL or valid (caller's contract); the trampoline takes the capsule object,
    // which is `PyCapsule_Destructor`'s signature.
    unsafe {
        let Some(d) = d.as_ref() else { return Ok(None) };
        match (d.cpy_trampoline, d.impl_) {
            (Some(f), Some(_)) => Ok(Some(core::mem::transmute::<
                unsafe extern "C" fn(*mut cpy_PyObject),
                py::PyCapsule_Destructor,
            >(f))),
            _ => {
                py::PyErr_SetString(
                    py::PyExc_ValueError,
                    c"Invalid HPyCapsule destructor".as_ptr(),
                );
                Err(())
            }
        }
    }
}

/// The next entry of a dict in storage order (CPython's `PyDict_Next`, with new references):
/// 1 with `*key` and `*value` set and `*pos` advanced, or 0 at the end or if `dict` is not a
/// dict. Raises nothing. Not an HPy 0.9 context function: the SDK's CPython ABI calls it
/// directly, and the universal runtime offers it as `hpy_sys::hpy_rs::Extensions::ctx_Dict_Next`.
///
/// # Safety
///
/// The GIL is held; `dict` is a live object; `pos`, `key` and `value` are writable, and `*pos`
/// is 0 or a value an earlier call on the same dict left there.
#[inline]
pub unsafe fn dict_next(dict: HPy, pos: *mut HPy_ssize_t, key: *mut HPy, value: *mut HPy) -> c_int {
    // SAFETY: the caller's contract; the entry's objects are borrowed from the dict and get a
    // reference of their own before the handles are handed out.
    unsafe {
        if py::PyDict_Check(o(dict)) == 0 {
            return 0;
        }
        let mut k = null_mut();
        let mut v = null_mut();
        if py::PyDict_Next(o(dict), pos, &mut k, &mut v) == 0 {
            return 0;
        }
        py::Py_INCREF(k);
        py::Py_INCREF(v);
        *key = h(k);
        *value = h(v);
        1
    }
}

/// [`dict_next`] with the context argument of `hpy_sys::hpy_rs::DictNext` (ignored).
///
/// # Safety
///
/// As [`dict_next`].
pub unsafe extern "C" fn ctx_Dict_Next(
    _ctx: *mut HPyContext,
    dict: HPy,
    pos: *mut HPy_ssize_t,
    key: *mut HPy,
    value: *mut HPy,
) -> c_int {
    // SAFETY: forwarded.
    unsafe { dict_next(dict, pos, key, value) }
}

/// Runs an HPy capsule destructor's impl (`HPyFunc_Capsule_Destructor`) for the capsule CPython
/// is freeing, with the capsule's name, pointer and context; any error reading them is cleared,
/// so that none is left pending. What a capsule destructor's trampoline does on both ABIs.
///
/// # Safety
///
/// The GIL is held; `capsule` is the live capsule being destroyed.
pub unsafe fn run_capsule_destructor(
    destructor: unsafe extern "C" fn(*const c_char, *mut c_void, *mut c_void),
    capsule: *mut py::PyObject,
) {
    // SAFETY: the capsule is live while CPython runs its destructor (caller's contract);
    // reading its parts raises nothing for a valid capsule.
    unsafe {
        let name = py::PyCapsule_GetName(capsule);
        let pointer = py::PyCapsule_GetPointer(capsule, name);
        let context = py::PyCapsule_GetContext(capsule);
        if !py::PyErr_Occurred().is_null() {
            py::PyErr_Clear();
        }
        destructor(name, pointer, context)
    }
}
