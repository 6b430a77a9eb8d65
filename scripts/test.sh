#!/usr/bin/env bash
# The whole test suite:
#   1. formatting and clippy;
#   2. the Rust tests (unit, doc, coverage-table and compile-fail UI tests) and the docs build;
#   3. the example and test modules, built once with `cargo hpy build`;
#   4. the Python suite against those same files on CPython (hpy 0.9.0 from PyPI) and on PyPy 3.11
#      (HPy built in), each in HPy's universal, debug (with leak checks) and trace modes;
#   5. ujson 6.1.0's upstream test suite against examples/ujson, on both interpreters and in
#      both modes (the suite and the round-trip documents are downloaded into target/cache);
#   6. hpy-sys and the modules built against PyPy's own HPy headers, tested on CPython.
# PyPy comes from scripts/pypy.sh, or from HPY_RS_PYPY; if neither works the run fails.
# Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
pypy_env

say "cargo fmt --check"
cargo fmt --all -- --check

say "cargo clippy"
cargo clippy --workspace --all-targets -q -- -D warnings

say "cargo test"
cargo test --workspace -q

say "cargo doc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps -q

say "cargo hpy build"
cargo run -q -p cargo-hpy -- hpy build --out "$ROOT/target/hpy/test"

run_pytest() {
    local python="$1" modules="$2"
    shift 2
    say "pytest on $("$python" -c 'import sys; print(sys.implementation.name, sys.version.split()[0])'), modules from ${modules#"$ROOT"/}"
    HPY_RS_MODULES="$modules" "$python" -m pytest "$ROOT/tests/python" -p no:cacheprovider -v "$@"
}

"$ROOT/scripts/fetch-json-data.sh"  # documents for the ujson_hpy round-trip tests

run_pytest "$VENV_PYTHON" "$ROOT/target/hpy/test" "$@"
run_pytest "$PYPY_VENV_PYTHON" "$ROOT/target/hpy/test" "$@"

# ujson's own upstream test suite (downloaded from the package index into target/cache) against
# examples/ujson, on both interpreters, in universal and debug mode.
for python in "$VENV_PYTHON" "$PYPY_VENV_PYTHON"; do
    for mode in universal debug; do
        say "upstream ujson 6.1.0 tests on $("$python" -c 'import sys; print(sys.implementation.name)'), HPy $mode mode"
        "$python" "$ROOT/tests/ujson/run_upstream.py" "$ROOT/target/hpy/test" "$mode" -p no:warnings
    done
done

say "cargo hpy build against PyPy's HPy headers"
HPY_PYTHON="$PYPY" CARGO_TARGET_DIR="$ROOT/target/pypy-headers" \
    cargo run -q -p cargo-hpy -- hpy build --out "$ROOT/target/hpy/test-pypy-headers"
run_pytest "$VENV_PYTHON" "$ROOT/target/hpy/test-pypy-headers" -q "$@"
