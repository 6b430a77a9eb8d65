//! Turning a caught panic into a Python exception: the message and where the panic happened.
//!
//! The class raised, `PanicError`, is made per module (`__private::PANIC_ERROR`); this file has
//! what needs only the standard library.

use std::any::Any;
use std::cell::RefCell;
use std::panic::AssertUnwindSafe;
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
    drop_payload(payload);
    msg
}

/// Drops a caught panic's payload without letting a second panic out: the payload's `Drop` is
/// user code and may panic itself, so it runs inside its own unwind guard. Only a payload whose
/// `Drop` panicked (the second one, caught here) is forgotten; every ordinary payload (a `&str`,
/// a `String`, any value with a quiet `Drop`) is freed, so caught panics leak nothing.
pub(crate) fn drop_payload(payload: Box<dyn Any + Send>) {
    if let Err(again) = std::panic::catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        // Dropping this one could panic a third time, and so on: keep it.
        std::mem::forget(again);
        // The hook recorded where the payload's `Drop` panicked; no later message should show it.
        let _ = LOCATION.try_with(|c| {
            if let Ok(mut c) = c.try_borrow_mut() {
                *c = None;
            }
        });
    }
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

    /// Counts its drops; its `Drop` panics when `panic_on_drop` is set.
    struct Noisy {
        drops: std::sync::Arc<std::sync::atomic::AtomicUsize>,
        panic_on_drop: bool,
    }

    impl Drop for Noisy {
        fn drop(&mut self) {
            self.drops.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            if self.panic_on_drop {
                panic!("a panic in a payload's Drop");
            }
        }
    }

    #[test]
    fn payloads_are_dropped_and_a_panicking_drop_is_contained() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let drops = std::sync::Arc::new(AtomicUsize::new(0));
        for panic_on_drop in [false, true] {
            let payload = std::panic::catch_unwind(|| {
                std::panic::panic_any(Noisy {
                    drops: drops.clone(),
                    panic_on_drop,
                })
            })
            .unwrap_err();
            let msg = panic_message("h", payload);
            assert!(
                msg.ends_with("(a panic payload that is not a string)"),
                "{msg}"
            );
        }
        // Both payloads were dropped (the second one's Drop panicked, inside the guard, and did
        // not unwind out of panic_message), and only the clone held here is left.
        assert_eq!(drops.load(Ordering::SeqCst), 2);
        assert_eq!(std::sync::Arc::strong_count(&drops), 1);
        // No location of the Drop's panic is left for the next message.
        assert_eq!(panic_message("h", Box::new("y")), "Rust panic in h(): y");
    }
}
