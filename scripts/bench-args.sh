#!/usr/bin/env bash
# Benchmark of argument handling (a program, not a test): `add(a, b)` from the Rust SDK against
# the same function in C with HPy's HPyArg_ParseKeywords, on CPython and on PyPy, same binaries.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
pypy_env

say "cargo hpy build --release"
cargo run -q -p cargo-hpy -- hpy build --release -p hello --out "$ROOT/target/bench/rust"

say "building benchmarks/cargs.c against the installed HPy headers and helper sources"
devel=$("$VENV_PYTHON" -c 'import importlib.util, os; print(os.path.abspath(importlib.util.find_spec("hpy.devel").submodule_search_locations[0]))')
mkdir -p "$ROOT/target/bench/c"
cc -shared -fPIC -O2 -DHPY_ABI_UNIVERSAL -I"$devel/include/hpy/forbid_python_h" -I"$devel/include" \
    "$ROOT/benchmarks/cargs.c" "$devel"/src/runtime/{argparse,buildvalue,format,helpers,structseq}.c \
    -o "$ROOT/target/bench/c/cargs.hpy0.so"

for python in "$VENV_PYTHON" "$PYPY_VENV_PYTHON"; do
    "$python" "$ROOT/benchmarks/args_bench.py" "$ROOT/target/bench/rust" "$ROOT/target/bench/c"
done
