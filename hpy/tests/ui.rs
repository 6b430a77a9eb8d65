//! Compile-fail tests: misuse of handles, contexts and the macros must not compile.
//! The expected compiler output is pinned in `ui/*.stderr` (regenerate with `TRYBUILD=overwrite`).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    // What only a universal build refuses (the CPython ABI has `PyObject*`s).
    #[cfg(not(any(feature = "cpython-abi", feature = "hybrid")))]
    t.compile_fail("tests/ui/universal/*.rs");
}
