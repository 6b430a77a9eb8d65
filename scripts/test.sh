#!/usr/bin/env bash
# The whole test suite: formatting, clippy, the Rust tests (unit, doc and compile-fail UI tests),
# then the Python suite against the built modules in HPy's universal, debug and trace modes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

say "cargo fmt --check"
cargo fmt --all -- --check

say "cargo clippy"
cargo clippy --workspace --all-targets -q -- -D warnings

say "cargo test"
cargo test --workspace -q

say "cargo hpy build"
cargo run -q -p cargo-hpy -- hpy build --out "$ROOT/target/hpy/test"

say "pytest (CPython $("$VENV_PYTHON" -c 'import sys; print(sys.version.split()[0])'), hpy $("$VENV_PYTHON" -c 'import hpy.universal as u; print(u.get_version()[0])'))"
HPY_RS_MODULES="$ROOT/target/hpy/test" "$VENV_PYTHON" -m pytest "$ROOT/tests/python" -p no:cacheprovider -v "$@"
