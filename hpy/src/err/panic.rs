//! Turning a caught panic into a Python exception.

use std::any::Any;

use crate::HPyErr;

/// The text of a panic payload (`panic!("...")` gives a `&str` or a `String`).
pub(crate) fn payload_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "(a panic payload that is not a string)"
    }
}

/// The exception raised for a panic inside `function`: a `RuntimeError` whose message names the
/// function and carries the panic message.
#[cold]
pub(crate) fn panic_error(function: &str, payload: Box<dyn Any + Send>) -> HPyErr {
    let msg = format!("Rust panic in {function}(): {}", payload_message(&*payload));
    // Dropping a payload runs user code (its destructor) and could panic again; keep it.
    std::mem::forget(payload);
    HPyErr::runtime_error(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_payloads_become_messages() {
        let p = std::panic::catch_unwind(|| panic!("boom")).unwrap_err();
        assert_eq!(payload_message(&*p), "boom");
        let p = std::panic::catch_unwind(|| panic!("value {}", 7)).unwrap_err();
        assert_eq!(payload_message(&*p), "value 7");
        let p = std::panic::catch_unwind(|| std::panic::panic_any(3u8)).unwrap_err();
        assert!(payload_message(&*p).contains("not a string"));
        let e = panic_error("f", Box::new("oops"));
        assert_eq!(e.message(), Some("Rust panic in f(): oops"));
        assert_eq!(e.exception_type(), Some(crate::ExceptionType::RuntimeError));
    }
}
