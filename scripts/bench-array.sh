#!/usr/bin/env bash
# Array benchmark (a program, not a test): examples/array (release build) against array.array and
# numpy (downloaded from the package index, pinned as in tests/python/test_array_hpy.py), on
# CPython and PyPy. Prints the tables and writes docs/array-benchmark.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
pypy_env

NUMPY=numpy==2.4.6
say "cargo hpy build --release -p array_hpy"
cargo run -q -p cargo-hpy -- hpy build --release -p array_hpy --out "$ROOT/target/bench/array"
mkdir -p "$ROOT/target/bench/results"
for py in "$VENV_PYTHON" "$PYPY_VENV_PYTHON"; do
    tag="$("$py" -c 'import sys; print(sys.implementation.name + "%d%d" % sys.version_info[:2])')"
    dir="$ROOT/target/cache/numpy/${NUMPY/==/-}/$tag"
    if [ ! -d "$dir/numpy" ]; then
        say "downloading $NUMPY for $tag"
        "$py" -m pip download -q --disable-pip-version-check --only-binary :all: --no-deps \
            -d "$ROOT/target/cache/numpy/wheels" "$NUMPY"
        "$py" -m pip install -q --disable-pip-version-check --no-deps --no-index \
            --find-links "$ROOT/target/cache/numpy/wheels" --target "$dir" "$NUMPY"
    fi
    "$py" benchmarks/array_bench.py "$ROOT/target/bench/array" "$dir" "$ROOT/target/bench/results/array-$tag.json"
done
"$VENV_PYTHON" benchmarks/array_bench_report.py "$ROOT/target/bench/results" "$ROOT/docs"
