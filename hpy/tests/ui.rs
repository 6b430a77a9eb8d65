//! Compile-fail tests: misuse of handles, contexts and the macros must not compile.
//! The expected compiler output is pinned in `ui/*.stderr` (regenerate with `TRYBUILD=overwrite`).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
