//! Turning a caught panic into a Python exception: the message and where the panic happened.
//!
//! The class raised, `PanicError`, is made per module (`__private::PANIC_ERROR`); this file has
//! what needs only the standard library.

use std::any::Any;
use std::cell::RefCell;
use std::sync::Once;

thread_local! {
    /// `file:line:column` of the last panic on this thread, recorded by the hook below.
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that records where a panic happened, then runs the hook that was
/// there before (by default the one that prints "thread ... panicked at ..."). Each extension
/// library has its own copy of the standard library, so the hook sees only this library's panics.
pub(crate) fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if let Some(l) = info.location() {
                let at = format!("{}:{}:{}", l.file(), l.line(), l.column());
                // `try_`: a hook must not panic (that would abort).
                let _ = LOCATION.try_with(|c| {
                    if let Ok(mut c) = c.try_borrow_mut() {
                        *c = Some(at);
                    }
                });
            }
            previous(info);
        }));
    });
}

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

/// The message for a panic inside `function`: `Rust panic in f() at src/lib.rs:7:5: <message>`
/// (without the location if the hook did not record one).
#[cold]
pub(crate) fn panic_message(function: &str, payload: Box<dyn Any + Send>) -> String {
    let at = LOCATION
        .try_with(|c| c.try_borrow_mut().ok().and_then(|mut c| c.take()))
        .ok()
        .flatten();
    let msg = match at {
        Some(at) => format!(
            "Rust panic in {function}() at {at}: {}",
            payload_message(&*payload)
        ),
        None => format!("Rust panic in {function}(): {}", payload_message(&*payload)),
    };
    // Dropping a payload runs user code (its destructor) and could panic again; keep it.
    std::mem::forget(payload);
    msg
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
        LOCATION.with(|c| *c.borrow_mut() = None);
        assert_eq!(
            panic_message("f", Box::new("oops")),
            "Rust panic in f(): oops"
        );
    }

    #[test]
    fn the_hook_records_the_location() {
        install_hook();
        let line = line!() + 1;
        let p = std::panic::catch_unwind(|| panic!("here")).unwrap_err();
        let msg = panic_message("g", p);
        assert_eq!(
            msg,
            format!("Rust panic in g() at hpy/src/err/panic.rs:{line}:45: here")
        );
        // Taken: a second message has no stale location.
        assert_eq!(panic_message("g", Box::new("x")), "Rust panic in g(): x");
    }
}
