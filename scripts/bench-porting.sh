#!/usr/bin/env bash
# Per-call benchmark of the porting example (a program, not a test): builds examples/porting's
# step 1 (PyO3 inside an #[hpy_module], hybrid ABI) and step 3 (all hpy-rs, universal ABI) in
# release mode for each interpreter and runs benchmarks/porting_bench.py, which prints a Markdown
# table of nanoseconds per call (interleaved rounds, medians) and step 1 / step 3.
#
#   ./scripts/bench-porting.sh [PYTHON ...]     (default: target/venv's CPython 3.11 and PyPy)
#
# On CPython the modules load through hpy_rs_runtime (scripts/build-runtime.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pythons=("$@")
[ "${#pythons[@]}" -gt 0 ] || pythons=("$ROOT/target/venv/bin/python" "$ROOT/target/pypy-venv/bin/python")
manifest="$ROOT/examples/porting/Cargo.toml"
# CARGO_HPY names a cargo-hpy binary to use; by default the workspace's is built.
if [ -n "${CARGO_HPY:-}" ]; then
    cargo_hpy="$CARGO_HPY"
else
    cargo build -q --manifest-path "$ROOT/Cargo.toml" -p cargo-hpy
    cargo_hpy="${CARGO_TARGET_DIR:-$ROOT/target}/debug/cargo-hpy"
fi
out="$ROOT/target/porting/bench"
CARGO_TARGET_DIR="$ROOT/target/porting" "$cargo_hpy" hpy build --release \
    --manifest-path "$manifest" -p porting-step3 --out "$out/step3" 2>/dev/null
for python in "${pythons[@]}"; do
    python="$(cd "$(dirname "$(command -v "$python")")" && pwd)/$(basename "$python")"
    read -r impl key < <("$python" -c '
import sys
print(sys.implementation.name, sys.implementation.name + "%d.%d" % sys.version_info[:2])')
    CARGO_TARGET_DIR="$ROOT/target/porting" "$cargo_hpy" hpy build --release --abi hybrid \
        --manifest-path "$manifest" -p porting-step1 --python "$python" \
        --out "$out/$key/step1" 2>/dev/null
    if [ "$impl" = cpython ]; then
        "$ROOT/scripts/build-runtime.sh" "$python" >/dev/null
        HPY_RS_RUNTIME=hpy-rs "$python" "$ROOT/benchmarks/porting_bench.py" "$out/$key/step1" "$out/step3"
    else
        "$python" "$ROOT/benchmarks/porting_bench.py" "$out/$key/step1" "$out/step3"
    fi
    echo
done
