//! The built-in exception and warning types of the HPy context.

use crate::sys;
use crate::{Context, HPyErr, Handle};

macro_rules! exception_types {
    ($($name:ident),* $(,)?) => {
        /// A built-in Python exception or warning type, as provided by the HPy context.
        ///
        /// Use it to raise ([`HPyErr::new`], [`ExceptionType::err`]) and to match
        /// ([`HPyErr::matches`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ExceptionType {
            $(
                #[doc = concat!("Python's `", stringify!($name), "`.")]
                $name,
            )*
        }

        impl ExceptionType {
            /// Every exception and warning type of the context, in the context's order.
            pub const ALL: &'static [ExceptionType] = &[$(ExceptionType::$name),*];

            /// The raw handle of the type: a context constant, borrowed (never close it).
            pub(crate) fn raw(self, ctx: Context<'_>) -> sys::HPy {
                paste::paste! {
                    match self { $( ExceptionType::$name => crate::ffi::[<h_ $name>](ctx), )* }
                }
            }

            /// The type's Python name, e.g. `"TypeError"`.
            pub fn name(self) -> &'static str {
                match self { $( ExceptionType::$name => stringify!($name), )* }
            }
        }
    };
}

exception_types!(
    BaseException,
    Exception,
    StopAsyncIteration,
    StopIteration,
    GeneratorExit,
    ArithmeticError,
    LookupError,
    AssertionError,
    AttributeError,
    BufferError,
    EOFError,
    FloatingPointError,
    OSError,
    ImportError,
    ModuleNotFoundError,
    IndexError,
    KeyError,
    KeyboardInterrupt,
    MemoryError,
    NameError,
    OverflowError,
    RuntimeError,
    RecursionError,
    NotImplementedError,
    SyntaxError,
    IndentationError,
    TabError,
    ReferenceError,
    SystemError,
    SystemExit,
    TypeError,
    UnboundLocalError,
    UnicodeError,
    UnicodeEncodeError,
    UnicodeDecodeError,
    UnicodeTranslateError,
    ValueError,
    ZeroDivisionError,
    BlockingIOError,
    BrokenPipeError,
    ChildProcessError,
    ConnectionError,
    ConnectionAbortedError,
    ConnectionRefusedError,
    ConnectionResetError,
    FileExistsError,
    FileNotFoundError,
    InterruptedError,
    IsADirectoryError,
    NotADirectoryError,
    PermissionError,
    ProcessLookupError,
    TimeoutError,
    Warning,
    UserWarning,
    DeprecationWarning,
    PendingDeprecationWarning,
    SyntaxWarning,
    RuntimeWarning,
    FutureWarning,
    ImportWarning,
    UnicodeWarning,
    BytesWarning,
    ResourceWarning,
);

impl ExceptionType {
    /// The type object, as a new handle.
    pub fn to_handle<'ctx>(self, ctx: Context<'ctx>) -> Handle<'ctx> {
        // SAFETY: the constant is valid for the whole call; `Dup` returns a new owned handle.
        unsafe { Handle::from_raw(ctx, call!(ctx, ctx_Dup, self.raw(ctx))) }
    }

    /// An error of this type with the given message.
    pub fn err(self, msg: impl Into<std::borrow::Cow<'static, str>>) -> HPyErr {
        HPyErr::new(self, msg)
    }
}
