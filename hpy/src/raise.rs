//! Raising with arbitrary exception types, errno, warnings, new exception types, unraisable
//! errors and fatal errors.

use crate::cstr::with_cstr;
use crate::err::status;
use crate::handle::raw_or_null;
use crate::sys;
use crate::{Context, ExceptionType, HPyErr, HPyResult, Handle, IntoPython};

/// An exception type: a built-in [`ExceptionType`] or a handle to any exception class (for
/// example one made with [`Context::new_exception`] and kept in a [`Global`](crate::Global)).
pub trait ExceptionClass<'ctx> {
    /// The raw handle of the class, valid while `self` is borrowed.
    #[doc(hidden)]
    fn class_raw(&self, ctx: Context<'ctx>) -> sys::HPy;
}

impl<'ctx> ExceptionClass<'ctx> for ExceptionType {
    fn class_raw(&self, ctx: Context<'ctx>) -> sys::HPy {
        self.raw(ctx)
    }
}

impl<'ctx> ExceptionClass<'ctx> for &Handle<'ctx> {
    fn class_raw(&self, _ctx: Context<'ctx>) -> sys::HPy {
        self.as_raw()
    }
}

/// Exception classes must be types; HPy's debug mode aborts otherwise, so check first.
fn check_class<'ctx>(ctx: Context<'ctx>, class: &impl ExceptionClass<'ctx>) -> HPyResult<sys::HPy> {
    let raw = class.class_raw(ctx);
    // SAFETY: the class handle is open and `h_BaseException` is a context constant; both are
    // checked to be types before the subtype test.
    let ok = unsafe {
        call!(ctx, ctx_TypeCheck, raw, crate::ffi::h_TypeType(ctx)) != 0
            && call!(
                ctx,
                ctx_Type_IsSubtype,
                raw,
                crate::ffi::h_BaseException(ctx)
            ) != 0
    };
    if ok {
        Ok(raw)
    } else {
        Err(HPyErr::type_error(
            "exceptions must derive from BaseException",
        ))
    }
}

/// Raises through `set`, which gets the checked class. The result stands for the exception `set`
/// raised, or is the error that kept it from raising (a class that is not an exception type, a
/// value that could not be converted).
fn raise_with<'ctx>(
    ctx: Context<'ctx>,
    class: &impl ExceptionClass<'ctx>,
    set: impl FnOnce(sys::HPy) -> HPyResult<()>,
) -> HPyErr {
    match check_class(ctx, class).and_then(set) {
        Ok(()) => HPyErr::fetch(),
        Err(e) => e,
    }
}

impl HPyErr {
    /// Raises `class(message)` now (`HPyErr_SetString`) and returns the error standing for it.
    /// A `class` that is not an exception type is a `TypeError`.
    pub fn raise<'ctx>(
        ctx: Context<'ctx>,
        class: impl ExceptionClass<'ctx>,
        message: &str,
    ) -> HPyErr {
        raise_with(ctx, &class, |class| {
            let set = with_cstr(message, |m| {
                // SAFETY: the class is an exception type and the message NUL-terminated.
                unsafe { call!(ctx, ctx_Err_SetString, class, m) }
            });
            match set {
                Ok(()) => Ok(()),
                // A message with a NUL goes through a str object instead.
                Err(_) => message.with_raw(ctx, |m| {
                    // SAFETY: the class is an exception type and the value an open handle.
                    unsafe { call!(ctx, ctx_Err_SetObject, class, m) }
                }),
            }
        })
    }

    /// Raises `class` with `value` as its argument now (`HPyErr_SetObject`); a `value` that is
    /// already an instance of `class` is raised as it is.
    pub fn raise_object<'ctx, V: IntoPython<'ctx>>(
        ctx: Context<'ctx>,
        class: impl ExceptionClass<'ctx>,
        value: V,
    ) -> HPyErr {
        raise_with(ctx, &class, |class| {
            value.with_raw(ctx, |v| {
                // SAFETY: the class is an exception type and the value an open handle.
                unsafe { call!(ctx, ctx_Err_SetObject, class, v) }
            })
        })
    }

    /// Raises `class` from the C `errno` (`HPyErr_SetFromErrno`), e.g. `OSError(2, 'No such
    /// file or directory')`, which becomes `FileNotFoundError` for `ENOENT`.
    pub fn from_errno<'ctx>(ctx: Context<'ctx>, class: impl ExceptionClass<'ctx>) -> HPyErr {
        Self::from_errno_with_filenames(ctx, class, None, None)
    }

    /// As [`HPyErr::from_errno`], with the file name(s) the error concerns
    /// (`HPyErr_SetFromErrnoWithFilenameObjects`).
    pub fn from_errno_with_filenames<'ctx>(
        ctx: Context<'ctx>,
        class: impl ExceptionClass<'ctx>,
        filename: Option<&Handle<'ctx>>,
        filename2: Option<&Handle<'ctx>>,
    ) -> HPyErr {
        // Checking the class calls into the runtime, which may change errno: keep it.
        let saved = errno::errno();
        raise_with(ctx, &class, |class| {
            errno::set_errno(saved);
            // SAFETY: the class is an exception type; the file names are open handles or NULL.
            unsafe {
                call!(
                    ctx,
                    ctx_Err_SetFromErrnoWithFilenameObjects,
                    class,
                    raw_or_null(filename),
                    raw_or_null(filename2)
                )
            };
            Ok(())
        })
    }

    /// As [`HPyErr::from_errno`], with a file name given as a Rust string
    /// (`HPyErr_SetFromErrnoWithFilename`).
    pub fn from_errno_with_filename<'ctx>(
        ctx: Context<'ctx>,
        class: impl ExceptionClass<'ctx>,
        filename: &str,
    ) -> HPyErr {
        // Checking the class and copying the name may change errno: keep it.
        let saved = errno::errno();
        raise_with(ctx, &class, |class| {
            with_cstr(filename, |f| {
                errno::set_errno(saved);
                // SAFETY: the class is an exception type and the file name NUL-terminated.
                unsafe { call!(ctx, ctx_Err_SetFromErrnoWithFilename, class, f) };
            })
        })
    }

    /// Raises `MemoryError` now (`HPyErr_NoMemory`).
    pub fn no_memory(ctx: Context<'_>) -> HPyErr {
        // SAFETY: plain call that sets the exception.
        unsafe { call!(ctx, ctx_Err_NoMemory) };
        HPyErr::fetch()
    }

    /// Whether the exception is an instance of the class `class` (a handle, e.g. a custom
    /// exception type).
    pub fn matches_class<'ctx>(&self, ctx: Context<'ctx>, class: &Handle<'ctx>) -> bool {
        match self.exception_type() {
            // SAFETY: `ExceptionMatches` reads the current exception; `class` is open.
            None => unsafe { call!(ctx, ctx_Err_ExceptionMatches, class.as_raw()) != 0 },
            Some(ty) => match crate::Type::cast(class) {
                Some(class) => crate::Type::try_from_handle(ty.to_handle(ctx))
                    .is_ok_and(|ty| ty.is_subtype(class)),
                None => false,
            },
        }
    }

    /// Reports the exception as "unraisable" (`sys.unraisablehook`, printed as "Exception
    /// ignored in: obj") and clears it (`HPyErr_WriteUnraisable`). Use it where an error
    /// cannot propagate, such as in a destructor.
    pub fn write_unraisable<'ctx>(self, ctx: Context<'ctx>, obj: Option<&Handle<'ctx>>) {
        self.restore(ctx);
        // SAFETY: an exception is set; `obj` is an open handle or NULL.
        unsafe { call!(ctx, ctx_Err_WriteUnraisable, raw_or_null(obj)) }
    }
}

impl<'ctx> Context<'ctx> {
    /// Whether an exception is set (`HPyErr_Occurred`).
    pub fn err_occurred(self) -> bool {
        // SAFETY: `Err_Occurred` only reads the thread's exception state.
        unsafe { call!(self, ctx_Err_Occurred) != 0 }
    }

    /// Clears the current exception, if any (`HPyErr_Clear`).
    pub fn err_clear(self) {
        // SAFETY: clearing the thread's exception state is always allowed.
        unsafe { call!(self, ctx_Err_Clear) }
    }

    /// A new exception class (`HPyErr_NewException[WithDoc]`). `name` is `"module.Name"`;
    /// `base` defaults to `Exception` and may be a type or a tuple of types; `dict` holds extra
    /// class attributes.
    pub fn new_exception(
        self,
        name: &str,
        doc: Option<&str>,
        base: Option<&Handle<'ctx>>,
        dict: Option<&Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        if !name.contains('.') {
            return Err(HPyErr::system_error(
                "new_exception: name must be module.class",
            ));
        }
        let made = with_cstr(name, |n| match doc {
            // SAFETY: the name is NUL-terminated; base and dict are open handles or NULL.
            None => Ok(unsafe {
                call!(
                    self,
                    ctx_Err_NewException,
                    n,
                    raw_or_null(base),
                    raw_or_null(dict)
                )
            }),
            Some(doc) => with_cstr(doc, |d| {
                // SAFETY: as above, with a NUL-terminated doc.
                unsafe {
                    call!(
                        self,
                        ctx_Err_NewExceptionWithDoc,
                        n,
                        d,
                        raw_or_null(base),
                        raw_or_null(dict)
                    )
                }
            }),
        })??;
        // SAFETY: the result is owned or NULL with an exception set.
        unsafe { self.own(made) }
    }

    /// Issues a warning of class `category` (`HPyErr_WarnEx`), e.g.
    /// `ctx.warn(ExceptionType::UserWarning, "careful", 1)`. If the
    /// warning filters turn it into an error, that error is returned.
    pub fn warn(
        self,
        category: impl ExceptionClass<'ctx>,
        message: &str,
        stacklevel: isize,
    ) -> HPyResult<()> {
        let category = check_class(self, &category)?;
        with_cstr(message, |m| {
            // SAFETY: the category is a warning class and the message NUL-terminated.
            status(unsafe {
                call!(
                    self,
                    ctx_Err_WarnEx,
                    category,
                    m,
                    stacklevel as sys::HPy_ssize_t
                )
            })
        })?
    }

    /// Prints `message` and aborts the process (`HPy_FatalError`). For unrecoverable states
    /// only.
    pub fn fatal_error(self, message: &str) -> ! {
        let msg = message.replace('\0', "\\0");
        let _ = with_cstr(&msg, |m| {
            // SAFETY: the message is NUL-terminated.
            unsafe { call!(self, ctx_FatalError, m) }
        });
        std::process::abort()
    }
}
