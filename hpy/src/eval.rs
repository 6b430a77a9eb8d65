//! Importing modules, compiling and evaluating code, and context variables.

use crate::cstr::with_cstr;
use crate::handle::raw_or_null;
use crate::sys;
use crate::types::Dict;
use crate::{Context, HPyErr, HPyResult, Handle};

/// What [`Context::compile`] compiles: the `mode` of Python's `compile()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// A single expression (`"eval"`).
    Expr,
    /// A module's statements (`"exec"`).
    File,
    /// One interactive statement (`"single"`).
    Single,
}

impl<'ctx> Context<'ctx> {
    /// `import name` (`HPyImport_ImportModule`); a dotted name returns the submodule.
    pub fn import(self, name: &str) -> HPyResult<Handle<'ctx>> {
        with_cstr(name, |n| {
            // SAFETY: the name is NUL-terminated; the result is owned or NULL with an exception.
            unsafe { self.own(call!(self, ctx_Import_ImportModule, n)) }
        })?
    }

    /// `compile(source, filename, mode)` (`HPy_Compile_s`), returning a code object.
    pub fn compile(
        self,
        source: &str,
        filename: &str,
        kind: SourceKind,
    ) -> HPyResult<Handle<'ctx>> {
        let kind = match kind {
            SourceKind::Expr => sys::HPy_SourceKind_HPy_SourceKind_Expr,
            SourceKind::File => sys::HPy_SourceKind_HPy_SourceKind_File,
            SourceKind::Single => sys::HPy_SourceKind_HPy_SourceKind_Single,
        };
        with_cstr(source, |s| {
            with_cstr(filename, |f| {
                // SAFETY: both strings are NUL-terminated; the result is owned or NULL with an
                // exception set.
                unsafe { self.own(call!(self, ctx_Compile_s, s, f, kind)) }
            })
        })??
    }

    /// Runs a code object (`HPy_EvalCode`) with `globals` and optional `locals` (a mapping;
    /// `globals` when `None`), returning the value of an expression or `None`.
    pub fn eval_code(
        self,
        code: &Handle<'ctx>,
        globals: &Dict<'ctx>,
        locals: Option<&Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        let locals = locals.unwrap_or(globals);
        // SAFETY: the handles are open; the result is owned or NULL with an exception set.
        unsafe {
            self.own(call!(
                self,
                ctx_EvalCode,
                code.as_raw(),
                globals.as_raw(),
                locals.as_raw()
            ))
        }
    }

    /// `eval(expression, globals)`: compiles and evaluates one expression.
    pub fn eval(self, expression: &str, globals: &Dict<'ctx>) -> HPyResult<Handle<'ctx>> {
        let code = self.compile(expression, "<string>", SourceKind::Expr)?;
        self.eval_code(&code, globals, None)
    }

    /// A new `contextvars.ContextVar(name[, default])` (`HPyContextVar_New`).
    pub fn new_context_var(
        self,
        name: &str,
        default: Option<&Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        with_cstr(name, |n| {
            // SAFETY: the name is NUL-terminated and the default open or NULL; the result is
            // owned or NULL with an exception set.
            unsafe { self.own(call!(self, ctx_ContextVar_New, n, raw_or_null(default))) }
        })?
    }
}

impl<'ctx> Handle<'ctx> {
    /// For a `ContextVar`: its value in the current context, else `default`, else the
    /// variable's own default; `None` when there is none (`HPyContextVar_Get`).
    pub fn context_var_get(
        &self,
        default: Option<&Handle<'ctx>>,
    ) -> HPyResult<Option<Handle<'ctx>>> {
        let ctx = self.ctx();
        self.require_context_var()?;
        let mut out = sys::HPy_NULL;
        // SAFETY: the handle is an open ContextVar, the default open or NULL, and `out` valid.
        let rc = unsafe {
            call!(
                ctx,
                ctx_ContextVar_Get,
                self.as_raw(),
                raw_or_null(default),
                &mut out
            )
        };
        crate::err::status(rc)?;
        // SAFETY: on success `out` is a new handle this call owns, or NULL for "no value".
        Ok(unsafe { ctx.own(out) }.ok())
    }

    /// For a `ContextVar`: sets its value in the current context and returns the reset token
    /// (`HPyContextVar_Set`).
    pub fn context_var_set(&self, value: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        let ctx = self.ctx();
        self.require_context_var()?;
        // SAFETY: both handles are open; the result is owned or NULL with an exception set.
        unsafe {
            ctx.own(call!(
                ctx,
                ctx_ContextVar_Set,
                self.as_raw(),
                value.as_raw()
            ))
        }
    }

    fn require_context_var(&self) -> HPyResult<()> {
        let ty = self.get_type();
        if ty.name()? == "ContextVar" {
            Ok(())
        } else {
            Err(HPyErr::type_error(format!(
                "an instance of ContextVar was expected, not {}",
                self.type_name()
            )))
        }
    }
}
