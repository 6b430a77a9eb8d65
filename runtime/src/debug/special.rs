//! The debug context's functions that do more than translate handles: closing and duplicating,
//! arrays of handles, type parameters, raw data, builders, trackers, checks of arguments that
//! HPy's debug mode makes fatal, and the dict walk of `hpy_rs::Extensions`.

#![allow(non_snake_case)]

use core::ffi::{c_char, c_int};

use hpy_cpython::pyo3_ffi as py;
use hpy_cpython::{h, o};
use hpy_sys::*;

use super::context::{enter, suspend, universal_fn_missing};
use super::handles::{self, Closing};

/// The universal context's function `$name` (called with `u` as its context).
macro_rules! ufn {
    ($u:expr, $name:ident) => {
        match table($u).$name {
            Some(f) => f,
            None => universal_fn_missing(stringify!($name)),
        }
    };
}

/// The universal context's table.
fn table(u: *mut HPyContext) -> &'static HPyContext {
    // SAFETY: `u` is the universal context (what `enter` returns), filled once for the process
    // and never written again.
    unsafe { &*u }
}

/// A fatal error with `msg`, as HPy's debug mode reports a misuse it cannot raise for.
fn fatal(msg: &core::ffi::CStr) -> ! {
    // SAFETY: a NUL-terminated message; `Py_FatalError` does not return.
    unsafe { py::Py_FatalError(msg.as_ptr()) }
}

/// `HPy_Dup`: a new debug handle for the same object.
unsafe extern "C" fn ctx_Dup(ctx: *mut HPyContext, x: HPy) -> HPy {
    let u = enter(ctx);
    let obj = handles::unwrap(x);
    // SAFETY: a live object (an open handle's), the GIL held.
    let r = unsafe { ufn!(u, ctx_Dup)(u, h(obj)) };
    handles::open(o(r))
}

/// `HPy_Close`: the debug handle closes (closing a closed one is reported), then its reference.
unsafe extern "C" fn ctx_Close(ctx: *mut HPyContext, x: HPy) {
    let u = enter(ctx);
    if x._i == 0 {
        return;
    }
    let obj = handles::unwrap(x);
    let (closing, borrowed) = {
        let mut st = handles::state();
        let borrowed = st.handles.get(&(x._i as usize)).is_some_and(|d| d.borrowed);
        (st.close(x._i as usize), borrowed)
    };
    if borrowed {
        // A call's argument: the module closed what it does not own. Reported after the call;
        // the caller's reference stays.
        return;
    }
    match closing {
        // SAFETY: the handle's reference, given back. For a handle closed already, `unwrap`
        // reported it and only an invalid-handle hook lets the call go on: HPy's debug mode then
        // releases the reference again, which CPython survives while the object has others (the
        // hook's use: porting a module that closes twice, one warning at a time).
        Closing::Closed | Closing::AlreadyClosed => unsafe { ufn!(u, ctx_Close)(u, h(obj)) },
        Closing::Immortal => handles::invalid_handle(),
        // Reported by `unwrap`.
        Closing::Unknown => {}
    }
}

/// Unwraps `n` handles from `items` (NULL with `n == 0` gives an empty list).
///
/// # Safety
///
/// `items` points to `n` handles, or `n` is 0.
unsafe fn unwrap_all(items: *const HPy, n: usize) -> Vec<HPy> {
    if n == 0 || items.is_null() {
        return Vec::new();
    }
    // SAFETY: `n` handles (caller's contract).
    unsafe { core::slice::from_raw_parts(items, n) }
        .iter()
        .map(|x| h(handles::unwrap(*x)))
        .collect()
}

unsafe extern "C" fn ctx_Tuple_FromArray(
    ctx: *mut HPyContext,
    items: *mut HPy,
    n: HPy_ssize_t,
) -> HPy {
    let u = enter(ctx);
    // SAFETY: `n` handles at `items` (HPy's contract).
    let mut uitems = unsafe { unwrap_all(items, n.max(0) as usize) };
    // SAFETY: the universal handles of the caller's.
    let r = unsafe { ufn!(u, ctx_Tuple_FromArray)(u, uitems.as_mut_ptr(), n) };
    handles::open(o(r))
}

unsafe extern "C" fn ctx_Type_GenericNew(
    ctx: *mut HPyContext,
    type_: HPy,
    args: *const HPy,
    nargs: HPy_ssize_t,
    kw: HPy,
) -> HPy {
    let u = enter(ctx);
    let t = h(handles::unwrap(type_));
    let kw = h(handles::unwrap(kw));
    // SAFETY: `nargs` handles at `args` (HPy's contract).
    let uargs = unsafe { unwrap_all(args, nargs.max(0) as usize) };
    let suspended = suspend(ctx);
    // SAFETY: the universal forms of the caller's arguments.
    let r = unsafe { ufn!(u, ctx_Type_GenericNew)(u, t, uargs.as_ptr(), nargs, kw) };
    drop(suspended);
    handles::open(o(r))
}

/// The number of keyword names in `kwnames` (a tuple or NULL); a non-tuple is fatal as in HPy.
///
/// # Safety
///
/// `kwnames` is NULL or a live object; the GIL is held.
unsafe fn keyword_count(kwnames: HPy, msg: &core::ffi::CStr) -> usize {
    if kwnames._i == 0 {
        return 0;
    }
    // SAFETY: a live object (caller's contract).
    unsafe {
        if py::PyTuple_Check(o(kwnames)) == 0 {
            fatal(msg);
        }
        py::PyTuple_GET_SIZE(o(kwnames)).max(0) as usize
    }
}

unsafe extern "C" fn ctx_Call(
    ctx: *mut HPyContext,
    callable: HPy,
    args: *const HPy,
    nargs: usize,
    kwnames: HPy,
) -> HPy {
    let u = enter(ctx);
    let c = h(handles::unwrap(callable));
    let k = h(handles::unwrap(kwnames));
    // SAFETY: a live tuple or NULL; then `nargs` + keywords handles at `args` (HPy's contract).
    let r = unsafe {
        let nkw = keyword_count(
            k,
            c"HPy_Call arg 'kwnames' must be a tuple object or HPy_NULL",
        );
        let uargs = unwrap_all(args, nargs + nkw);
        {
            let _suspended = suspend(ctx);
            ufn!(u, ctx_Call)(u, c, uargs.as_ptr(), nargs, k)
        }
    };
    handles::open(o(r))
}

unsafe extern "C" fn ctx_CallMethod(
    ctx: *mut HPyContext,
    name: HPy,
    args: *const HPy,
    nargs: usize,
    kwnames: HPy,
) -> HPy {
    let u = enter(ctx);
    let n = h(handles::unwrap(name));
    let k = h(handles::unwrap(kwnames));
    // SAFETY: as `ctx_Call`.
    let r = unsafe {
        let nkw = keyword_count(
            k,
            c"HPy_CallMethod arg 'kwnames' must be a tuple object or HPy_NULL",
        );
        let uargs = unwrap_all(args, nargs + nkw);
        {
            let _suspended = suspend(ctx);
            ufn!(u, ctx_CallMethod)(u, n, uargs.as_ptr(), nargs, k)
        }
    };
    handles::open(o(r))
}

unsafe extern "C" fn ctx_Type_FromSpec(
    ctx: *mut HPyContext,
    spec: *mut HPyType_Spec,
    params: *mut HPyType_SpecParam,
) -> HPy {
    let u = enter(ctx);
    let mut uparams = Vec::new();
    if !params.is_null() {
        let mut p = params;
        // SAFETY: a parameter array ended by a kind of 0 (HPy's contract); the terminator is
        // copied too.
        unsafe {
            loop {
                let item = *p;
                uparams.push(HPyType_SpecParam {
                    kind: item.kind,
                    object: h(handles::unwrap(item.object)),
                });
                if item.kind == 0 {
                    break;
                }
                p = p.add(1);
            }
        }
    }
    let up = if params.is_null() {
        core::ptr::null_mut()
    } else {
        uparams.as_mut_ptr()
    };
    // SAFETY: the caller's spec, and the parameters with universal handles.
    let r = unsafe { ufn!(u, ctx_Type_FromSpec)(u, spec, up) };
    handles::open(o(r))
}

unsafe extern "C" fn ctx_Unicode_AsUTF8AndSize(
    ctx: *mut HPyContext,
    x: HPy,
    size: *mut HPy_ssize_t,
) -> *const c_char {
    let u = enter(ctx);
    let obj = handles::unwrap(x);
    let mut n: HPy_ssize_t = 0;
    // SAFETY: a live object; `n` is writable; the UTF-8 buffer has `n` bytes and a NUL.
    unsafe {
        let p = ufn!(u, ctx_Unicode_AsUTF8AndSize)(u, h(obj), &mut n);
        if !size.is_null() {
            *size = n;
        }
        if p.is_null() {
            return p;
        }
        handles::attach_raw(x, p.cast(), n as usize + 1).cast()
    }
}

/// `HPyBytes_AsString` and `HPyBytes_AS_STRING`: a copy of the bytes and their NUL.
unsafe fn bytes_data(ctx: *mut HPyContext, x: HPy) -> *const c_char {
    let u = enter(ctx);
    let obj = handles::unwrap(x);
    // SAFETY: a live object; a bytes object's buffer has its size plus a NUL.
    unsafe {
        let p = ufn!(u, ctx_Bytes_AsString)(u, h(obj));
        if p.is_null() {
            return p;
        }
        let n = ufn!(u, ctx_Bytes_Size)(u, h(obj));
        handles::attach_raw(x, p.cast(), n.max(0) as usize + 1).cast()
    }
}

unsafe extern "C" fn ctx_Bytes_AsString(ctx: *mut HPyContext, x: HPy) -> *const c_char {
    // SAFETY: forwarded.
    unsafe { bytes_data(ctx, x) }
}

unsafe extern "C" fn ctx_Bytes_AS_STRING(ctx: *mut HPyContext, x: HPy) -> *const c_char {
    // SAFETY: forwarded.
    unsafe { bytes_data(ctx, x) }
}

/// Whether `obj` is a type (fatal with `msg` if not).
///
/// # Safety
///
/// `obj` is a live object; the GIL is held.
unsafe fn require_type(obj: *mut py::PyObject, msg: &core::ffi::CStr) {
    // SAFETY: a live object (caller's contract).
    if obj.is_null() || unsafe { py::PyType_Check(obj) } == 0 {
        fatal(msg)
    }
}

unsafe extern "C" fn ctx_Type_GetName(ctx: *mut HPyContext, type_: HPy) -> *const c_char {
    let u = enter(ctx);
    let t = handles::unwrap(type_);
    // SAFETY: a live object, checked to be a type; its name is NUL-terminated.
    unsafe {
        require_type(t, c"HPyType_GetName arg must be a type");
        let p = ufn!(u, ctx_Type_GetName)(u, h(t));
        if p.is_null() {
            return p;
        }
        let n = core::ffi::CStr::from_ptr(p).to_bytes_with_nul().len();
        handles::attach_raw(type_, p.cast(), n).cast()
    }
}

unsafe extern "C" fn ctx_TypeCheck(ctx: *mut HPyContext, obj: HPy, type_: HPy) -> c_int {
    let u = enter(ctx);
    let x = handles::unwrap(obj);
    let t = handles::unwrap(type_);
    // SAFETY: live objects, the second checked to be a type.
    unsafe {
        require_type(t, c"HPy_TypeCheck arg 2 must be a type");
        ufn!(u, ctx_TypeCheck)(u, h(x), h(t))
    }
}

unsafe extern "C" fn ctx_Type_IsSubtype(ctx: *mut HPyContext, sub: HPy, type_: HPy) -> c_int {
    let u = enter(ctx);
    let s = handles::unwrap(sub);
    // SAFETY: live objects, checked to be types.
    unsafe {
        require_type(s, c"HPyType_IsSubtype arg 1 must be a type");
        let t = handles::unwrap(type_);
        require_type(t, c"HPyType_IsSubtype arg 2 must be a type");
        ufn!(u, ctx_Type_IsSubtype)(u, h(s), h(t))
    }
}

unsafe extern "C" fn ctx_Unicode_Substring(
    ctx: *mut HPyContext,
    s: HPy,
    start: HPy_ssize_t,
    end: HPy_ssize_t,
) -> HPy {
    let u = enter(ctx);
    let x = handles::unwrap(s);
    // SAFETY: a live object, checked to be a str.
    let r = unsafe {
        if x.is_null() || py::PyUnicode_Check(x) == 0 {
            fatal(c"HPyUnicode_Substring arg 1 must be a Unicode object");
        }
        ufn!(u, ctx_Unicode_Substring)(u, h(x), start, end)
    };
    handles::open(o(r))
}

unsafe extern "C" fn ctx_ContextVar_Get(
    ctx: *mut HPyContext,
    var: HPy,
    default: HPy,
    result: *mut HPy,
) -> i32 {
    let u = enter(ctx);
    let v = h(handles::unwrap(var));
    let d = h(handles::unwrap(default));
    let mut r = HPy_NULL;
    // SAFETY: live objects; `result` is writable (HPy's contract).
    unsafe {
        let rc = ufn!(u, ctx_ContextVar_Get)(u, v, d, &mut r);
        *result = if rc < 0 {
            HPy_NULL
        } else {
            handles::open(o(r))
        };
        rc
    }
}

unsafe extern "C" fn ctx_ListBuilder_New(
    ctx: *mut HPyContext,
    size: HPy_ssize_t,
) -> HPyListBuilder {
    let u = enter(ctx);
    // SAFETY: the universal function.
    let b = unsafe { ufn!(u, ctx_ListBuilder_New)(u, size) };
    HPyListBuilder {
        _lst: handles::open_builder(b._lst),
    }
}

unsafe extern "C" fn ctx_ListBuilder_Set(
    ctx: *mut HPyContext,
    b: HPyListBuilder,
    index: HPy_ssize_t,
    item: HPy,
) {
    let u = enter(ctx);
    let raw = handles::unwrap_builder(b._lst);
    let x = h(handles::unwrap(item));
    if raw == 0 {
        return;
    }
    // SAFETY: an open universal builder and a live item.
    unsafe { ufn!(u, ctx_ListBuilder_Set)(u, HPyListBuilder { _lst: raw }, index, x) }
}

unsafe extern "C" fn ctx_ListBuilder_Build(ctx: *mut HPyContext, b: HPyListBuilder) -> HPy {
    let u = enter(ctx);
    if b._lst == 0 {
        return HPy_NULL;
    }
    let raw = handles::unwrap_builder(b._lst);
    if raw == 0 {
        // What building a builder whose creation failed does (HPy's rule).
        // SAFETY: the GIL is held.
        unsafe { py::PyErr_NoMemory() };
        return HPy_NULL;
    }
    // SAFETY: an open universal builder, consumed once.
    let r = unsafe { ufn!(u, ctx_ListBuilder_Build)(u, HPyListBuilder { _lst: raw }) };
    handles::close_builder(b._lst);
    handles::open(o(r))
}

unsafe extern "C" fn ctx_ListBuilder_Cancel(ctx: *mut HPyContext, b: HPyListBuilder) {
    let u = enter(ctx);
    if b._lst == 0 {
        return;
    }
    let raw = handles::unwrap_builder(b._lst);
    if raw == 0 {
        return;
    }
    // SAFETY: an open universal builder, cancelled once.
    unsafe { ufn!(u, ctx_ListBuilder_Cancel)(u, HPyListBuilder { _lst: raw }) };
    handles::close_builder(b._lst);
}

unsafe extern "C" fn ctx_TupleBuilder_New(
    ctx: *mut HPyContext,
    size: HPy_ssize_t,
) -> HPyTupleBuilder {
    let u = enter(ctx);
    // SAFETY: the universal function.
    let b = unsafe { ufn!(u, ctx_TupleBuilder_New)(u, size) };
    HPyTupleBuilder {
        _tup: handles::open_builder(b._tup),
    }
}

unsafe extern "C" fn ctx_TupleBuilder_Set(
    ctx: *mut HPyContext,
    b: HPyTupleBuilder,
    index: HPy_ssize_t,
    item: HPy,
) {
    let u = enter(ctx);
    let raw = handles::unwrap_builder(b._tup);
    let x = h(handles::unwrap(item));
    if raw == 0 {
        return;
    }
    // SAFETY: an open universal builder and a live item.
    unsafe { ufn!(u, ctx_TupleBuilder_Set)(u, HPyTupleBuilder { _tup: raw }, index, x) }
}

unsafe extern "C" fn ctx_TupleBuilder_Build(ctx: *mut HPyContext, b: HPyTupleBuilder) -> HPy {
    let u = enter(ctx);
    if b._tup == 0 {
        return HPy_NULL;
    }
    let raw = handles::unwrap_builder(b._tup);
    if raw == 0 {
        // What building a builder whose creation failed does (HPy's rule).
        // SAFETY: the GIL is held.
        unsafe { py::PyErr_NoMemory() };
        return HPy_NULL;
    }
    // SAFETY: an open universal builder, consumed once.
    let r = unsafe { ufn!(u, ctx_TupleBuilder_Build)(u, HPyTupleBuilder { _tup: raw }) };
    handles::close_builder(b._tup);
    handles::open(o(r))
}

unsafe extern "C" fn ctx_TupleBuilder_Cancel(ctx: *mut HPyContext, b: HPyTupleBuilder) {
    let u = enter(ctx);
    if b._tup == 0 {
        return;
    }
    let raw = handles::unwrap_builder(b._tup);
    if raw == 0 {
        return;
    }
    // SAFETY: an open universal builder, cancelled once.
    unsafe { ufn!(u, ctx_TupleBuilder_Cancel)(u, HPyTupleBuilder { _tup: raw }) };
    handles::close_builder(b._tup);
}

/// The `ctx_AsStruct_<shape>` functions: the object's type must have that shape (HPy's fatal
/// error otherwise).
macro_rules! as_struct {
    ($($name:ident: $shape:ident;)*) => {
        $(
            unsafe extern "C" fn $name(ctx: *mut HPyContext, x: HPy) -> *mut core::ffi::c_void {
                let u = enter(ctx);
                let obj = handles::unwrap(x);
                if obj.is_null() {
                    fatal(concat_cstr(concat!("Invalid usage of _HPy_", stringify!($shape), ": NULL handle\0")));
                }
                // SAFETY: a live object; its type is live while it is.
                unsafe {
                    let t = py::Py_TYPE(obj).cast::<py::PyObject>();
                    let actual = ufn!(u, ctx_Type_GetBuiltinShape)(u, h(t));
                    let expected: HPyType_BuiltinShape = shape_number(stringify!($shape));
                    if actual != expected {
                        let msg = format!(
                            "Invalid usage of _HPy_AsStruct_{0}. Expected shape HPyType_BuiltinShape_{0} but got {1}\0",
                            stringify!($shape),
                            shape_name(actual)
                        );
                        py::Py_FatalError(msg.as_ptr().cast());
                    }
                    ufn!(u, $name)(u, h(obj))
                }
            }
        )*

        /// Puts the `ctx_AsStruct_*` functions into `ctx`.
        fn fill_as_struct(ctx: &mut HPyContext) {
            $(ctx.$name = Some($name);)*
        }
    };
}

/// A static C string made with `concat!` (which ends in NUL).
const fn concat_cstr(s: &'static str) -> &'static core::ffi::CStr {
    match core::ffi::CStr::from_bytes_with_nul(s.as_bytes()) {
        Ok(c) => c,
        Err(_) => c"Invalid usage of _HPy_AsStruct",
    }
}

/// The shapes by name, with their numbers.
const SHAPES: [(&str, i32); 8] = [
    ("Legacy", -1),
    ("Object", 0),
    ("Type", 1),
    ("Long", 2),
    ("Float", 3),
    ("Unicode", 4),
    ("Tuple", 5),
    ("List", 6),
];

fn shape_number(name: &str) -> i32 {
    SHAPES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(i32::MIN, |(_, v)| *v)
}

fn shape_name(shape: HPyType_BuiltinShape) -> String {
    match SHAPES.iter().find(|(_, v)| *v == shape) {
        Some((n, _)) => format!("HPyType_BuiltinShape_{n}"),
        None => "<unknown shape>".to_owned(),
    }
}

as_struct! {
    ctx_AsStruct_Legacy: Legacy;
    ctx_AsStruct_Object: Object;
    ctx_AsStruct_Type: Type;
    ctx_AsStruct_Long: Long;
    ctx_AsStruct_Float: Float;
    ctx_AsStruct_Unicode: Unicode;
    ctx_AsStruct_Tuple: Tuple;
    ctx_AsStruct_List: List;
}

/// A tracker of the debug context: the debug handles added to it.
type Tracker = Vec<HPy>;

unsafe extern "C" fn ctx_Tracker_New(ctx: *mut HPyContext, size: HPy_ssize_t) -> HPyTracker {
    enter(ctx);
    let t: Box<Tracker> = Box::new(Vec::with_capacity(size.clamp(0, 1 << 16) as usize));
    HPyTracker {
        _i: Box::into_raw(t) as isize,
    }
}

unsafe extern "C" fn ctx_Tracker_Add(ctx: *mut HPyContext, ht: HPyTracker, x: HPy) -> c_int {
    enter(ctx);
    // SAFETY: a tracker this context made and not closed (HPy's contract).
    unsafe { (*(ht._i as *mut Tracker)).push(x) };
    0
}

unsafe extern "C" fn ctx_Tracker_ForgetAll(ctx: *mut HPyContext, ht: HPyTracker) {
    enter(ctx);
    // SAFETY: as `ctx_Tracker_Add`.
    unsafe { (*(ht._i as *mut Tracker)).clear() };
}

unsafe extern "C" fn ctx_Tracker_Close(ctx: *mut HPyContext, ht: HPyTracker) {
    enter(ctx);
    // SAFETY: a tracker this context made, closed once (HPy's contract); its handles are
    // closed through the debug context, which checks them.
    unsafe {
        let t = Box::from_raw(ht._i as *mut Tracker);
        for x in t.iter() {
            ctx_Close(ctx, *x);
        }
    }
}

/// `hpy_rs::Extensions::ctx_Dict_Next` of the debug context: the entry's key and value are new
/// debug handles.
///
/// # Safety
///
/// As `hpy_cpython::functions::dict_next`, with the debug context valid now.
pub unsafe extern "C" fn ctx_Dict_Next(
    ctx: *mut HPyContext,
    dict: HPy,
    pos: *mut HPy_ssize_t,
    key: *mut HPy,
    value: *mut HPy,
) -> c_int {
    enter(ctx);
    let d = h(handles::unwrap(dict));
    let (mut k, mut v) = (HPy_NULL, HPy_NULL);
    // SAFETY: a live object; the out-pointers are the caller's (its contract).
    unsafe {
        if hpy_cpython::functions::dict_next(d, pos, &mut k, &mut v) == 0 {
            return 0;
        }
        *key = handles::open(o(k));
        *value = handles::open(o(v));
    }
    1
}

/// Puts this module's functions into `ctx`.
pub fn fill(ctx: &mut HPyContext) {
    ctx.ctx_Dup = Some(ctx_Dup);
    ctx.ctx_Close = Some(ctx_Close);
    ctx.ctx_Tuple_FromArray = Some(ctx_Tuple_FromArray);
    ctx.ctx_Type_GenericNew = Some(ctx_Type_GenericNew);
    ctx.ctx_Call = Some(ctx_Call);
    ctx.ctx_CallMethod = Some(ctx_CallMethod);
    ctx.ctx_Type_FromSpec = Some(ctx_Type_FromSpec);
    ctx.ctx_Unicode_AsUTF8AndSize = Some(ctx_Unicode_AsUTF8AndSize);
    ctx.ctx_Bytes_AsString = Some(ctx_Bytes_AsString);
    ctx.ctx_Bytes_AS_STRING = Some(ctx_Bytes_AS_STRING);
    ctx.ctx_Type_GetName = Some(ctx_Type_GetName);
    ctx.ctx_TypeCheck = Some(ctx_TypeCheck);
    ctx.ctx_Type_IsSubtype = Some(ctx_Type_IsSubtype);
    ctx.ctx_Unicode_Substring = Some(ctx_Unicode_Substring);
    ctx.ctx_ContextVar_Get = Some(ctx_ContextVar_Get);
    ctx.ctx_ListBuilder_New = Some(ctx_ListBuilder_New);
    ctx.ctx_ListBuilder_Set = Some(ctx_ListBuilder_Set);
    ctx.ctx_ListBuilder_Build = Some(ctx_ListBuilder_Build);
    ctx.ctx_ListBuilder_Cancel = Some(ctx_ListBuilder_Cancel);
    ctx.ctx_TupleBuilder_New = Some(ctx_TupleBuilder_New);
    ctx.ctx_TupleBuilder_Set = Some(ctx_TupleBuilder_Set);
    ctx.ctx_TupleBuilder_Build = Some(ctx_TupleBuilder_Build);
    ctx.ctx_TupleBuilder_Cancel = Some(ctx_TupleBuilder_Cancel);
    ctx.ctx_Tracker_New = Some(ctx_Tracker_New);
    ctx.ctx_Tracker_Add = Some(ctx_Tracker_Add);
    ctx.ctx_Tracker_ForgetAll = Some(ctx_Tracker_ForgetAll);
    ctx.ctx_Tracker_Close = Some(ctx_Tracker_Close);
    fill_as_struct(ctx);
}
