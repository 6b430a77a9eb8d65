// A universal module has no `PyObject*`: `as_pyobject` and `from_pyobject` exist only in the
// hybrid and CPython ABIs, and the error names the hybrid ABI and how to build for it.
use hpy::legacy::PyObject;
use hpy::{Context, Handle};

fn to_c(h: &Handle<'_>) -> *mut PyObject {
    h.as_pyobject()
}

fn from_c<'ctx>(ctx: Context<'ctx>, obj: *mut PyObject) {
    // SAFETY: never runs; this file must not compile.
    let _ = unsafe { ctx.from_pyobject(obj) };
}

fn main() {
    let _ = (to_c, from_c);
}
