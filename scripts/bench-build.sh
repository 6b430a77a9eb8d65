#!/usr/bin/env bash
# Build-time benchmark (a program, not a test): clean release builds of examples/hello before the
# bindings were checked in and now, and of a one-function module on hpy and on PyO3, interleaved.
# Usage: scripts/bench-build.sh [ROUNDS]   (default 3; prints a table of medians)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
need_libclang  # the "before" build runs bindgen

# The last commit whose hpy-sys generated its bindings at build time.
BEFORE=d0e6376
HPY_PYTHON="$VENV_PYTHON" PYO3_PYTHON="$VENV_PYTHON" \
    "$VENV_PYTHON" "$ROOT/benchmarks/build_bench.py" "$ROOT" "$ROOT/target/bench-build" "$BEFORE" "${1:-3}"
