#!/usr/bin/env bash
# JSON benchmark (a program, not a test): ujson_hpy (examples/ujson, release build) against
# ujson 6.1.0 (the C-API original), orjson (CPython only) and the standard json, for loads and
# dumps of simdjson@0.9.2's jsonexamples (from npm) and ujson's tests/sample.json, on CPython and
# on PyPy (ujson built for PyPy's C-API emulation). Prints the tables and writes
# docs/json-benchmark.md and docs/json-benchmark.png.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
pypy_env

"$ROOT/scripts/fetch-json-data.sh"
DATA="$ROOT/target/cache/jsonexamples"

say "installing the libraries compared (ujson, orjson, matplotlib for the chart)"
"$VENV_PYTHON" -m pip install -q --disable-pip-version-check ujson==6.1.0 orjson==3.13.0 matplotlib==3.10.7
"$PYPY_VENV_PYTHON" -m pip install -q --disable-pip-version-check ujson==6.1.0

say "cargo hpy build --release -p ujson_hpy"
cargo run -q -p cargo-hpy -- hpy build --release -p ujson_hpy --out "$ROOT/target/bench/json"

mkdir -p "$ROOT/target/bench/results"
"$VENV_PYTHON" benchmarks/json_bench.py "$DATA" "$ROOT/target/bench/json" "$ROOT/target/bench/results/cpython.json"
"$PYPY_VENV_PYTHON" benchmarks/json_bench.py "$DATA" "$ROOT/target/bench/json" "$ROOT/target/bench/results/pypy.json"
"$VENV_PYTHON" benchmarks/json_bench_report.py "$ROOT/target/bench/results" "$ROOT/docs"
