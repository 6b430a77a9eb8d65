//! Leaving and re-entering Python execution (releasing the GIL on CPython).

use crate::Context;

impl<'ctx> Context<'ctx> {
    /// Runs `f` outside Python execution (`HPy_LeavePythonExecution` ... `ReenterPythonExecution`),
    /// so other threads can run Python code meanwhile; on CPython this releases the GIL.
    ///
    /// `f` must be `Send`: it cannot capture the context or any handle, which are not `Send`,
    /// so no Python object can be touched while outside. A closure that uses one does not
    /// compile, and the error names the rule: "`*mut NoHandleOrContextOutsidePythonExecution`
    /// cannot be shared between threads safely"; convert what `f` needs to Rust values first. A panic in `f` is carried across after
    /// Python execution is re-entered.
    pub fn allow_threads<T, F>(self, f: F) -> T
    where
        F: FnOnce() -> T + Send,
        T: Send,
    {
        // SAFETY: plain call; the state is passed back to Reenter below, on every path.
        let state = unsafe { call!(self, ctx_LeavePythonExecution) };
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        // SAFETY: re-entering with the state Leave returned, on the same thread.
        unsafe { call!(self, ctx_ReenterPythonExecution, state) };
        match result {
            Ok(v) => v,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}
