//! HPy's debug mode: a context wrapping the universal one that checks how a module uses
//! handles, with HPy 0.9.0's semantics.
//!
//! * Every handle the context gives out is a debug handle ([`handles`]): it records the object,
//!   the generation it was opened in and whether it was closed. Using or closing a closed handle,
//!   closing a context constant, or closing an argument of a call is reported through the
//!   invalid-handle hook (`_debug.set_on_invalid_handle`), whose default is a fatal error.
//! * Every context function unwraps its handle arguments and wraps its handle result
//!   ([`wrappers`], generated from the list of functions; [`special`] for those that do more).
//! * Raw data (`HPyUnicode_AsUTF8AndSize`, `HPyBytes_AsString`, `HPyType_GetName`) is a
//!   read-only copy owned by the handle ([`raw`]), made inaccessible when the handle closes and
//!   freed later.
//! * Calls from trampolines ([`call`]) open debug handles for their arguments and close them
//!   after; each call runs with another copy of the context, and a context used outside its call
//!   is a fatal error ([`mod@context`]).
//! * [`module`] is `hpy_rs_runtime._debug`, hpy 0.9.0's `hpy.universal._debug` API.
//!
//! Nothing here runs in universal mode: the universal context is untouched.

pub mod call;
pub mod context;
pub mod handles;
pub mod module;
pub mod raw;
pub mod special;
pub mod wrappers;

pub use context::debug as context;
