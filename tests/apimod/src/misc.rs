//! Capsules, globals, trackers, leaving Python execution, slices, import/eval, context variables
//! and the built-in types.

use hpy::prelude::*;
use hpy::{BuiltinType, Capsule, Global, Slice, SourceKind, Tracker, Type};

/// A value whose drop is observable from Python: it appends its label to the list in
/// `DROPPED`.
pub struct Noisy {
    label: String,
}

/// Labels of dropped `Noisy` values (read with `dropped()`).
static DROPPED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

impl Drop for Noisy {
    fn drop(&mut self) {
        DROPPED.lock().unwrap().push(self.label.clone());
    }
}

#[hpy_method]
pub fn capsule_new<'c>(ctx: Context<'c>, label: String, named: bool) -> HPyResult<Capsule<'c>> {
    let name = named.then_some(c"apimod.noisy");
    Capsule::new(ctx, Noisy { label }, name)
}

#[hpy_method]
pub fn capsule_label(cap: &Capsule<'_>) -> HPyResult<String> {
    Ok(cap.get::<Noisy>()?.label.clone())
}

/// Reads the capsule as the wrong Rust type.
#[hpy_method]
pub fn capsule_wrong_type(cap: &Capsule<'_>) -> HPyResult<u64> {
    cap.get::<u64>().copied()
}

#[hpy_method]
pub fn capsule_name(cap: &Capsule<'_>) -> HPyResult<Option<String>> {
    Ok(cap.name()?.map(|n| n.to_string_lossy().into_owned()))
}

#[hpy_method]
pub fn capsule_is_valid(cap: &Capsule<'_>, name: Option<&str>) -> HPyResult<bool> {
    let c = name
        .map(std::ffi::CString::new)
        .transpose()
        .map_err(|_| HPyErr::value_error("embedded NUL"))?;
    Ok(cap.is_valid(c.as_deref()))
}

#[hpy_method]
pub fn capsule_rename(cap: &Capsule<'_>) -> HPyResult<()> {
    cap.set_name(Some(c"apimod.renamed"))
}

/// A capsule around a static C string, with no destructor: the C interoperability path.
#[hpy_method]
pub fn capsule_raw<'c>(ctx: Context<'c>) -> HPyResult<Capsule<'c>> {
    static DATA: &std::ffi::CStr = c"raw data";
    // SAFETY: the pointer is non-null and static, and there is no destructor.
    unsafe {
        Capsule::new_raw(
            ctx,
            DATA.as_ptr().cast_mut().cast(),
            Some(c"apimod.raw"),
            None,
        )
    }
}

/// Reads the string behind a raw capsule, checking its name.
#[hpy_method]
pub fn capsule_raw_read(cap: &Capsule<'_>) -> HPyResult<String> {
    let p = cap.pointer(Some(c"apimod.raw"))?;
    // SAFETY: capsules named "apimod.raw" are made by `capsule_raw` around a static C string.
    Ok(unsafe { std::ffi::CStr::from_ptr(p.cast()) }
        .to_string_lossy()
        .into_owned())
}

#[hpy_method]
pub fn dropped() -> Vec<String> {
    std::mem::take(&mut *DROPPED.lock().unwrap())
}

/// Kept across calls.
pub static STORED: Global = Global::new();

#[hpy_method]
pub fn global_set(ctx: Context<'_>, value: &Handle<'_>) -> HPyResult<()> {
    STORED.set(ctx, value)
}

#[hpy_method]
pub fn global_get<'c>(ctx: Context<'c>) -> Option<Handle<'c>> {
    STORED.get(ctx)
}

#[hpy_method]
pub fn global_clear(ctx: Context<'_>) {
    STORED.clear(ctx)
}

/// Tracks `n` new ints; returns them (`keep`) or closes them all and returns `None`.
#[hpy_method]
pub fn tracker<'c>(ctx: Context<'c>, n: usize, keep: bool) -> HPyResult<Option<Vec<Handle<'c>>>> {
    let mut t = Tracker::new(ctx, n)?;
    for i in 0..n {
        let idx = t.add(ctx.to_py(i * 2)?)?;
        assert_eq!(idx, i);
    }
    if n > 0 {
        let first: i64 = t.get(0).expect("tracked").extract()?;
        assert_eq!(first, 0);
    }
    if keep {
        Ok(Some(t.into_handles()))
    } else {
        t.close();
        Ok(None)
    }
}

/// Sums 0..n outside Python execution.
#[hpy_method]
pub fn sum_without_gil(ctx: Context<'_>, n: u64) -> u64 {
    ctx.allow_threads(move || (0..n).sum())
}

#[hpy_method]
pub fn panic_without_gil(ctx: Context<'_>) -> u64 {
    ctx.allow_threads(|| panic!("inside allow_threads"))
}

#[hpy_method]
pub fn slice_unpack(s: &Slice<'_>) -> HPyResult<(isize, isize, isize)> {
    s.unpack()
}

#[hpy_method]
pub fn slice_indices(s: &Slice<'_>, len: usize) -> HPyResult<(isize, isize, isize, usize)> {
    let r = s.indices(len)?;
    Ok((r.start, r.stop, r.step, r.len))
}

#[hpy_method]
pub fn import_module<'c>(ctx: Context<'c>, name: &str) -> HPyResult<Handle<'c>> {
    ctx.import(name)
}

/// `kind`: "eval", "exec" or "single".
#[hpy_method]
pub fn compile_and_eval<'c>(
    ctx: Context<'c>,
    source: &str,
    kind: &str,
    globals: &Dict<'c>,
    locals: Option<&Handle<'c>>,
) -> HPyResult<Handle<'c>> {
    let kind = match kind {
        "eval" => SourceKind::Expr,
        "exec" => SourceKind::File,
        "single" => SourceKind::Single,
        _ => return Err(HPyErr::value_error("kind must be eval, exec or single")),
    };
    let code = ctx.compile(source, "<apimod>", kind)?;
    ctx.eval_code(&code, globals, locals)
}

#[hpy_method]
pub fn eval<'c>(ctx: Context<'c>, expr: &str, globals: &Dict<'c>) -> HPyResult<Handle<'c>> {
    ctx.eval(expr, globals)
}

#[hpy_method]
pub fn contextvar_new<'c>(
    ctx: Context<'c>,
    name: &str,
    default: Option<&Handle<'c>>,
) -> HPyResult<Handle<'c>> {
    ctx.new_context_var(name, default)
}

#[hpy_method]
pub fn contextvar_get<'c>(
    var: &Handle<'c>,
    default: Option<&Handle<'c>>,
) -> HPyResult<Option<Handle<'c>>> {
    var.context_var_get(default)
}

#[hpy_method]
pub fn contextvar_set<'c>(var: &Handle<'c>, value: &Handle<'c>) -> HPyResult<Handle<'c>> {
    var.context_var_set(value)
}

/// The built-in types the context provides, by name.
#[hpy_method]
pub fn builtin_types<'c>(ctx: Context<'c>) -> Vec<Handle<'c>> {
    use BuiltinType::*;
    [
        Object, Type, Bool, Int, Float, Str, Tuple, List, Complex, Bytes, MemoryView, Capsule,
        Slice,
    ]
    .into_iter()
    .map(|t| ctx.builtin_type(t))
    .collect()
}

#[hpy_method]
pub fn builtin_shape(ty: &Type<'_>) -> HPyResult<String> {
    Ok(format!("{:?}", ty.builtin_shape()?))
}

#[hpy_method]
pub fn constants<'c>(
    ctx: Context<'c>,
) -> (
    Handle<'c>,
    Handle<'c>,
    Handle<'c>,
    Handle<'c>,
    Handle<'c>,
    Handle<'c>,
) {
    (
        ctx.none(),
        ctx.bool(true),
        ctx.bool(false),
        ctx.not_implemented(),
        ctx.ellipsis(),
        ctx.builtins(),
    )
}
