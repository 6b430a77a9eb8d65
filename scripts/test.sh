#!/usr/bin/env bash
# The whole test suite:
#   0. the checked-in bindings of hpy-sys against bindgen's output for hpy 0.9.0's and PyPy's headers;
#   1. formatting and clippy;
#   2. the Rust tests (unit, doc, coverage-table and compile-fail UI tests) and the docs build;
#   3. the example and test modules, built once with `cargo hpy build`;
#   4. the Python suite against those same files on CPython (hpy 0.9.0 from PyPI) and on PyPy 3.11
#      (HPy built in), each in HPy's universal, debug (with leak checks) and trace modes;
#   5. ujson 6.1.0's upstream test suite against examples/ujson, on both interpreters and in
#      both modes (the suite and the round-trip documents are downloaded into target/cache);
#   6. hpy-sys and the modules built with bindings generated at build time (feature `bindgen`)
#      from PyPy's own HPy headers, tested on CPython.
# Every module is built with Rust alone: LIBCLANG_PATH names an empty directory and HPY_PYTHON no
# interpreter (tests/python/test_rust_only_build.py does the same for a release build).
# PyPy comes from scripts/pypy.sh, or from HPY_RS_PYPY; if neither works the run fails.
# Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
pypy_env
need_libclang

say "hpy-sys bindings up to date (cargo xtask bindings --check)"
cargo xtask bindings --check --hpy-python "$VENV_PYTHON" --pypy-python "$PYPY"

say "hpy/src's modules depend on each other one way (scripts/module-cycles.py)"
"$VENV_PYTHON" "$ROOT/scripts/module-cycles.py" "$ROOT/hpy/src" >/dev/null

say "cargo fmt --check"
cargo fmt --all -- --check

say "cargo clippy"
cargo clippy --workspace --all-targets -q -- -D warnings

say "cargo test"
cargo test --workspace -q

say "cargo doc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps -q

say "cargo hpy build (with Rust alone)"
nothing="$ROOT/target/nothing"
mkdir -p "$nothing"
env -u HPY_INCLUDE_DIR LIBCLANG_PATH="$nothing" HPY_PYTHON="$nothing/python3" \
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

say "cargo hpy build with bindings generated from PyPy's HPy headers (feature hpy/bindgen)"
HPY_PYTHON="$PYPY" CARGO_TARGET_DIR="$ROOT/target/pypy-headers" \
    cargo run -q -p cargo-hpy -- hpy build -F hpy/bindgen --out "$ROOT/target/hpy/test-pypy-headers"
run_pytest "$VENV_PYTHON" "$ROOT/target/hpy/test-pypy-headers" -q "$@"
