//! HPy's trace mode: a context wrapping the universal one that counts and times every call a
//! module makes into it, with HPy 0.9.0's semantics and Python API (`hpy.trace`).
//!
//! * [`mod@context`]: the trace context. Each of its functions (all but `ctx_FatalError` and
//!   `ctx_CallRealFunctionFromTrampoline`, which are the universal context's, as in HPy 0.9.0)
//!   counts the call, calls the `on_enter` function if one is set, calls the universal
//!   context's function of the same name, adds the time it took, and calls `on_exit`.
//! * [`record`]: the counts, the durations and the two trace functions, for the process.
//! * [`module`]: `hpy_rs_runtime._trace`, hpy 0.9.0's `hpy.universal._trace` API
//!   (`get_call_counts`, `get_durations`, `set_trace_functions`, `get_frequency`).
//!
//! Nothing here runs in universal or debug mode: their contexts are untouched.

pub mod context;
pub mod module;
pub mod record;

pub use context::trace as context;
