//! `testmod`: functions the Python test suite uses to check the SDK's core behaviour.

// `cfg(all())` and `cfg(any())` are the always-on and always-off conditions of the `#[cfg]` tests.
#![allow(clippy::non_minimal_cfg)]

/// Test helpers for the hpy Rust SDK.
#[hpy::hpy_module]
mod testmod {
    use hpy::prelude::*;

    // Round trips: each converts its argument to a Rust type and back. (Written out: functions
    // that another macro generates are not visible to #[hpy_module].)

    /// Convert `x` to `i8` and back.
    #[hpy_method]
    fn rt_i8(x: i8) -> i8 {
        x
    }

    /// Convert `x` to `i16` and back.
    #[hpy_method]
    fn rt_i16(x: i16) -> i16 {
        x
    }

    /// Convert `x` to `i32` and back.
    #[hpy_method]
    fn rt_i32(x: i32) -> i32 {
        x
    }

    /// Convert `x` to `i64` and back.
    #[hpy_method]
    fn rt_i64(x: i64) -> i64 {
        x
    }

    /// Convert `x` to `i128` and back.
    #[hpy_method]
    fn rt_i128(x: i128) -> i128 {
        x
    }

    /// Convert `x` to `isize` and back.
    #[hpy_method]
    fn rt_isize(x: isize) -> isize {
        x
    }

    /// Convert `x` to `u8` and back.
    #[hpy_method]
    fn rt_u8(x: u8) -> u8 {
        x
    }

    /// Convert `x` to `u16` and back.
    #[hpy_method]
    fn rt_u16(x: u16) -> u16 {
        x
    }

    /// Convert `x` to `u32` and back.
    #[hpy_method]
    fn rt_u32(x: u32) -> u32 {
        x
    }

    /// Convert `x` to `u64` and back.
    #[hpy_method]
    fn rt_u64(x: u64) -> u64 {
        x
    }

    /// Convert `x` to `u128` and back.
    #[hpy_method]
    fn rt_u128(x: u128) -> u128 {
        x
    }

    /// Convert `x` to `usize` and back.
    #[hpy_method]
    fn rt_usize(x: usize) -> usize {
        x
    }

    /// Convert `x` to `f32` and back.
    #[hpy_method]
    fn rt_f32(x: f32) -> f32 {
        x
    }

    /// Convert `x` to `f64` and back.
    #[hpy_method]
    fn rt_f64(x: f64) -> f64 {
        x
    }

    /// Convert `x` to `bool` and back.
    #[hpy_method]
    fn rt_bool(x: bool) -> bool {
        x
    }

    /// Convert `x` to `String` and back.
    #[hpy_method]
    fn rt_str(x: String) -> String {
        x
    }

    /// Convert `x` to `char` and back.
    #[hpy_method]
    fn rt_char(x: char) -> char {
        x
    }

    /// Convert `x` to `Option<i64>` and back.
    #[hpy_method]
    fn rt_opt_i64(x: Option<i64>) -> Option<i64> {
        x
    }

    /// Return the argument itself (a borrowed handle, returned as a new one).
    #[hpy_method]
    fn identity<'ctx>(x: &Handle<'ctx>) -> Handle<'ctx> {
        x.clone()
    }

    /// Return `(a, b)` as a description string; `b` is optional.
    #[hpy_method]
    fn optional(a: i64, b: Option<&str>) -> String {
        format!("{a}:{}", b.unwrap_or("<none>"))
    }

    /// Borrow the str argument and return its length in bytes (no copy).
    #[hpy_method]
    fn utf8_len(s: &str) -> usize {
        s.len()
    }

    /// Return None.
    #[hpy_method]
    fn nothing() {}

    /// The context's name.
    #[hpy_method]
    fn context_name(ctx: Context<'_>) -> String {
        ctx.name().to_owned()
    }

    /// Context constants come out as owned duplicates.
    #[hpy_method]
    fn constants(ctx: Context<'_>) -> HPyResult<Vec3<'_>> {
        Ok(Vec3(ctx.none(), ctx.bool(true), ctx.ellipsis()))
    }

    /// Three handles, returned as the last one after checking identities.
    struct Vec3<'ctx>(Handle<'ctx>, Handle<'ctx>, Handle<'ctx>);

    impl<'ctx> IntoPython<'ctx> for Vec3<'ctx> {
        fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
            let ok = self.0.is_none() && self.1.is(&ctx.bool(true)) && !self.2.is_none();
            Ok(ctx.bool(ok))
        }
    }

    /// Get an attribute: errors from HPy calls propagate with `?`.
    #[hpy_method]
    fn getattr<'ctx>(obj: &Handle<'ctx>, name: &str) -> HPyResult<Handle<'ctx>> {
        obj.get_attr(name)
    }

    /// Raise `ValueError(msg)` built in Rust.
    #[hpy_method]
    fn raise_value_error(msg: String) -> HPyResult<()> {
        Err(HPyErr::value_error(msg))
    }

    /// Raise the built-in exception named `kind` with `msg`.
    #[hpy_method]
    fn raise_kind(kind: &str, msg: String) -> HPyResult<()> {
        let ty = match kind {
            "KeyError" => ExceptionType::KeyError,
            "IndexError" => ExceptionType::IndexError,
            "ZeroDivisionError" => ExceptionType::ZeroDivisionError,
            "UserWarning" => ExceptionType::UserWarning,
            _ => return Err(HPyErr::value_error(format!("unknown kind {kind}"))),
        };
        Err(ty.err(msg))
    }

    /// Try an int conversion; on failure, discard the error and return the fallback.
    #[hpy_method]
    fn int_or(ctx: Context<'_>, x: &Handle<'_>, fallback: i64) -> i64 {
        match x.extract::<i64>() {
            Ok(v) => v,
            Err(e) => {
                e.discard(ctx);
                fallback
            }
        }
    }

    /// Whether getattr(obj, name) fails with AttributeError (then the error is cleared).
    #[hpy_method]
    fn missing_attr(ctx: Context<'_>, obj: &Handle<'_>, name: &str) -> HPyResult<bool> {
        match obj.get_attr(name) {
            Ok(_) => Ok(false),
            Err(e) if e.matches(ctx, ExceptionType::AttributeError) => {
                e.discard(ctx);
                Ok(true)
            }
            Err(e) => Err(e),
        }
    }

    /// Panic with a formatted message after creating some handles (they must not leak).
    #[hpy_method]
    fn panic_with(ctx: Context<'_>, msg: &str) -> HPyResult<()> {
        let _a = ctx.to_py(msg)?;
        let _b = ctx.none();
        panic!("custom: {msg}")
    }

    /// Deliberately leak one handle (the negative control of the leak tests).
    #[hpy_method]
    fn leak(ctx: Context<'_>) {
        let _ = ctx.to_py("leaked on purpose").map(Handle::into_raw);
    }

    /// Leak a handle by forgetting it (`core::mem::forget` skips its `Drop`, which would close
    /// it): debug mode's leak report must name this function's file and line.
    #[hpy_method]
    fn forget_handle(ctx: Context<'_>) -> HPyResult<()> {
        let handle = ctx.to_py("forgotten on purpose")?;
        core::mem::forget(handle);
        Ok(())
    }

    /// `repr(obj)` through the handle's Debug impl.
    #[hpy_method]
    fn debug_repr(obj: &Handle<'_>) -> String {
        format!("{obj:?}")
    }

    /// A string with an interior NUL and non-ASCII text survives the trip to Python.
    #[hpy_method]
    fn tricky_str() -> &'static str {
        "a\0b é ✓ 😀"
    }

    /// `r#type` is exposed as `type`.
    #[hpy_method]
    fn r#type(x: &Handle<'_>) -> String {
        x.type_name()
    }

    /// Sum of any number of integers: `*values` collected into a `Vec<i64>`.
    #[hpy_method(signature = (*values, start = 0))]
    fn total(values: Vec<i64>, start: i64) -> i64 {
        values.iter().sum::<i64>() + start
    }

    /// One positional-only parameter: defined with HPy's O convention.
    #[hpy_method(signature = (x, /))]
    fn double(x: i64) -> i64 {
        x * 2
    }

    /// Positional-only parameters, one optional: HPy's VARARGS convention.
    #[hpy_method(signature = (a, b = 10, /))]
    fn pair(a: i64, b: i64) -> (i64, i64) {
        (a, b)
    }

    /// `*args` borrowed (`VarArgs`, no tuple made): its items' types, a new tuple of them, whether
    /// it is empty and its first item.
    #[hpy_method(signature = (*args))]
    fn borrowed_args(args: hpy::VarArgs<'_, '_>) -> HPyResult<BorrowedArgs<'_>> {
        let names = args.iter().map(|a| a.type_name()).collect();
        let first = args.get(0).map(|a| (*a).clone());
        Ok((
            names,
            args.to_tuple()?.into_handle(),
            args.is_empty(),
            first,
        ))
    }

    /// What `borrowed_args` returns.
    type BorrowedArgs<'ctx> = (Vec<String>, Handle<'ctx>, bool, Option<Handle<'ctx>>);

    /// `**options` as a dict that is always present, and a text signature given by hand.
    #[hpy_method(signature = (**options), text_signature = "(**options: int)")]
    fn count_options(options: Handle<'_>) -> HPyResult<usize> {
        // Counts the entries through the dict's repr (the object API comes with issue 4).
        Ok(options.repr()?.extract::<&str>()?.matches(':').count())
    }

    /// Python name set explicitly.
    #[hpy_method(name = "renamed")]
    fn rust_side_name() -> i32 {
        7
    }

    #[hpy_exec]
    fn first_exec(_ctx: Context<'_>, module: &Handle<'_>) -> HPyResult<()> {
        module.set_attr("EXEC_ORDER", "first")
    }

    #[hpy_exec]
    fn second_exec(ctx: Context<'_>, module: &Handle<'_>) -> HPyResult<()> {
        let before: String = module.get_attr("EXEC_ORDER")?.extract()?;
        // A failing exec hook, for the tests of a failed module creation: with this variable
        // set, the exec raises (`raise`) or fails a Python call (`call`: the exception is set).
        let os = ctx.import("os")?;
        match os
            .get_attr("environ")?
            .call_method("get", ("TESTMOD_FAIL_EXEC",))?
            .extract::<Option<String>>()?
            .as_deref()
        {
            Some("raise") => return Err(HPyErr::value_error("testmod's exec failed on request")),
            Some("call") => {
                module.get_attr("no_such_attribute")?;
            }
            _ => {}
        }
        module.set_attr("EXEC_ORDER", format!("{before},second"))
    }

    // `#[cfg]` on the items of the module and of `#[hpy_methods]`: `cfg(all())` is always on and
    // `cfg(any())` always off. tests/python/test_cfg.py checks what is there.

    /// Configured in.
    #[cfg(all())]
    #[hpy_method]
    fn cfg_on() -> &'static str {
        "on"
    }

    /// Configured out: absent from the module.
    #[cfg(any())]
    #[hpy_method]
    fn cfg_off() -> &'static str {
        "off"
    }

    /// Configured out (an exec hook that would fail the import).
    #[cfg(any())]
    #[hpy_exec]
    fn cfg_off_exec(_ctx: Context<'_>, _module: &Handle<'_>) -> HPyResult<()> {
        Err(HPyErr::runtime_error("configured out"))
    }

    #[cfg(all())]
    static CFG_ON_GLOBAL: hpy::Global = hpy::Global::new();

    #[cfg(any())]
    static CFG_OFF_GLOBAL: hpy::Global = hpy::Global::new();

    /// A class whose methods, special methods and properties are partly configured out.
    #[cfg(all())]
    #[hpy_class]
    pub struct CfgOn {
        v: i64,
    }

    #[cfg(all())]
    #[hpy_methods]
    impl CfgOn {
        #[new]
        fn new(v: i64) -> CfgOn {
            CfgOn { v }
        }

        #[cfg(any())]
        #[new]
        fn new_off() -> CfgOn {
            CfgOn { v: -1 }
        }

        /// Configured in.
        #[cfg(all())]
        fn present(&self) -> i64 {
            self.v
        }

        #[cfg(any())]
        fn absent(&self) -> i64 {
            self.v
        }

        #[cfg(all())]
        fn __len__(&self) -> usize {
            self.v as usize
        }

        #[cfg(any())]
        fn __neg__(&self) -> i64 {
            -self.v
        }

        #[cfg(all())]
        fn __add__(&self, other: i64) -> i64 {
            self.v + other
        }

        #[cfg(any())]
        fn __radd__(&self, other: i64) -> i64 {
            other + self.v
        }

        #[cfg(any())]
        fn __sub__(&self, other: i64) -> i64 {
            self.v - other
        }

        #[cfg(all())]
        fn __rsub__(&self, other: i64) -> i64 {
            other - self.v
        }

        #[cfg(all())]
        fn __getitem__(&self, i: i64) -> i64 {
            self.v * i
        }

        #[cfg(any())]
        fn __setitem__(&mut self, _i: i64, v: i64) {
            self.v = v;
        }

        #[cfg(all())]
        fn __delitem__(&mut self, _i: i64) {
            self.v = 0;
        }

        /// Read-only: its setter is configured out.
        #[cfg(all())]
        #[getter]
        fn value(&self) -> i64 {
            self.v
        }

        #[cfg(any())]
        #[setter]
        fn set_value(&mut self, v: i64) {
            self.v = v;
        }

        #[cfg(any())]
        #[getter]
        fn hidden(&self) -> i64 {
            self.v
        }
    }

    /// Configured out: absent from the module.
    #[cfg(any())]
    #[hpy_class]
    pub struct CfgOff {
        v: i64,
    }

    /// A class with the special methods HPy 0.9 has no slot for and the sequence slots, for
    /// the type stubs.
    #[hpy_class(default)]
    #[derive(Default)]
    pub struct Steps {
        n: i64,
        data: hpy::BufferVec<u8>,
    }

    #[hpy_methods(sequence)]
    impl Steps {
        #[hpy_method(signature = (n, fill = 0))]
        fn __init__(&mut self, n: i64, fill: u8) -> HPyResult<()> {
            self.n = n;
            *self.data.vec_mut()? = vec![fill; n.max(0) as usize];
            Ok(())
        }

        fn __iter__<'ctx>(this: &Obj<'ctx, Self>) -> Obj<'ctx, Self> {
            this.clone()
        }

        fn __next__(&mut self) -> Option<i64> {
            (self.n > 0).then(|| {
                self.n -= 1;
                self.n
            })
        }

        fn __len__(&self) -> usize {
            self.data.len()
        }

        fn __getitem__(&self, ctx: Context<'_>, i: isize) -> HPyResult<u8> {
            usize::try_from(i)
                .ok()
                .and_then(|i| self.data.get(ctx, i))
                .ok_or_else(|| HPyErr::new(ExceptionType::IndexError, "Steps index out of range"))
        }

        fn __concat__(&self, _other: &Handle<'_>) -> i64 {
            self.n
        }

        fn __repeat__(&self, k: isize) -> i64 {
            self.n * k as i64
        }

        fn __getbuffer__(&self) -> hpy::Export {
            self.data.export().readonly()
        }

        #[classattr]
        fn START() -> i64 {
            3
        }

        #[staticmethod]
        fn double(x: i64) -> i64 {
            2 * x
        }

        #[classmethod]
        fn name_of(cls: &Handle<'_>, suffix: &str) -> HPyResult<String> {
            let name: String = cls.get_attr("__name__")?.extract()?;
            Ok(name + suffix)
        }

        /// A copy, made without an instance (for the type stubs: `Self` there is the class).
        #[staticmethod]
        fn of_length(n: i64) -> Self {
            Steps {
                n,
                data: Default::default(),
            }
        }
    }

    /// Makes `StepError`, a `ValueError` (for the type stubs: `type[ValueError]` there).
    #[hpy_exec]
    fn errors_exec<'ctx>(ctx: Context<'ctx>, module: &Handle<'ctx>) -> HPyResult<()> {
        let base = ctx.builtin("ValueError")?;
        let err = ctx.new_exception(
            "testmod.StepError",
            Some("A step went wrong."),
            Some(&base),
            None,
        )?;
        module.set_attr("StepError", &err)?;
        Ok(())
    }
}
