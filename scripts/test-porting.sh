#!/usr/bin/env bash
# scripts/test-porting.sh PYTHON: the porting example (examples/porting) on one interpreter.
#
# Builds every step of the `geometry` module for PYTHON (CPython 3.11+ or PyPy 3.11):
#   step 0  all PyO3                         cargo build, copied as geometry<EXT_SUFFIX>
#   step 1  #[hpy_module] + the PyO3 code     cargo hpy build --abi hybrid (geometry.hpy0-<tag>.so)
#   step 2  half ported                       cargo hpy build --abi hybrid
#   step 3  all hpy-rs                        cargo hpy build (universal, geometry.hpy0.so)
# then runs examples/porting/tests against each: step 0 once, steps 1 to 3 in HPy's universal
# and debug mode, and examples/porting/hybrid-api (the hybrid ABI's API: legacy methods of every
# calling convention, as_pyobject/from_pyobject, hpy::pyo3's errors) in both modes; on CPython
# also step 2 and hybrid-api built for the CPython ABI (--abi cpython), which has the same API (debug: every test inside the runtime's LeakDetector). On CPython the HPy steps
# load through hpy_rs_runtime (scripts/build-runtime.sh, HPY_RS_RUNTIME=hpy-rs); on PyPy through
# its built-in HPy, the PyO3 parts through cpyext. Prints one line per step and mode with its
# pytest summary (the full output of a failing run follows it) and fails if any run failed.
# Builds go to target/porting/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${1:?usage: scripts/test-porting.sh PYTHON}"
command -v "$python" >/dev/null 2>&1 || { echo "error: no interpreter $python" >&2; exit 2; }
python="$(cd "$(dirname "$(command -v "$python")")" && pwd)/$(basename "$python")"
read -r impl key ext < <("$python" -c '
import sys, sysconfig
print(sys.implementation.name, sys.implementation.name + "%d.%d" % sys.version_info[:2], sysconfig.get_config_var("EXT_SUFFIX"))')
manifest="$ROOT/examples/porting/Cargo.toml"
work="$ROOT/target/porting/out/$key"
log="$ROOT/target/porting/logs/$key"
rm -rf "$work" "$log"
mkdir -p "$work" "$log"

# Step 1 exports step 0's PyO3 code unchanged: the same file.
cmp -s "$ROOT/examples/porting/step0/src/geometry.rs" "$ROOT/examples/porting/step1/src/geometry.rs" \
    || { echo "error: examples/porting/step1/src/geometry.rs differs from step 0's" >&2; exit 1; }

printf '\033[1m==> %s\033[0m\n' "porting example on $key: building steps 0-3 (target/porting)" >&2
# CARGO_HPY names a cargo-hpy binary to use; by default the workspace's is built.
if [ -n "${CARGO_HPY:-}" ]; then
    cargo_hpy="$CARGO_HPY"
else
    cargo build -q --manifest-path "$ROOT/Cargo.toml" -p cargo-hpy
    cargo_hpy="${CARGO_TARGET_DIR:-$ROOT/target}/debug/cargo-hpy"
fi
if [ "$impl" = cpython ]; then
    "$ROOT/scripts/build-runtime.sh" "$python" >/dev/null
    export HPY_RS_RUNTIME=hpy-rs
fi
PYO3_PYTHON="$python" cargo build -q --manifest-path "$manifest" -p porting-step0 \
    --target-dir "$ROOT/target/porting/pyo3-$key"
mkdir -p "$work/step0"
cp "$ROOT/target/porting/pyo3-$key/debug/libgeometry_step0.so" "$work/step0/geometry$ext"
for step in 1 2 hybrid-api; do
    case "$step" in hybrid-api) package=porting-hybrid-api ;; *) package="porting-step$step"; step="step$step" ;; esac
    CARGO_TARGET_DIR="$ROOT/target/porting" "$cargo_hpy" hpy build --abi hybrid \
        --manifest-path "$manifest" -p "$package" --python "$python" \
        --out "$work/$step" 2>"$log/build-$step.txt" \
        || { cat "$log/build-$step.txt" >&2; exit 1; }
done
CARGO_TARGET_DIR="$ROOT/target/porting" "$cargo_hpy" hpy build \
    --manifest-path "$manifest" -p porting-step3 --out "$work/step3" 2>"$log/build-step3.txt" \
    || { cat "$log/build-step3.txt" >&2; exit 1; }
if [ "$impl" = cpython ]; then
    # The CPython ABI has PyObject*s too: step 2 (PyO3 + SDK) and hybrid-api built with it.
    for package in porting-step2 porting-hybrid-api; do
        CARGO_TARGET_DIR="$ROOT/target/porting" "$cargo_hpy" hpy build --abi cpython \
            --manifest-path "$manifest" -p "$package" --python "$python" \
            --out "$work/$package-cpython-abi" 2>"$log/build-$package-cpython-abi.txt" \
            || { cat "$log/build-$package-cpython-abi.txt" >&2; exit 1; }
    done
fi

failed=0
run() {
    local step="$1" what="$2" mode="$3" dir="${4:-}" abi="${5:-}" out summary label
    local tests="$ROOT/examples/porting/tests"
    out="$log/step$step-$mode$abi.txt"
    [ "$step" = hybrid-api ] && tests="$ROOT/examples/porting/hybrid-api/test_hybrid_api.py"
    if [ -z "$dir" ]; then
        if [ "$step" = hybrid-api ]; then dir="$work/hybrid-api"; else dir="$work/step$step"; fi
    fi
    if HPY="$mode" GEOMETRY_STEP="$step" GEOMETRY_ABI="$abi" GEOMETRY_DIR="$dir" HYBRID_API_DIR="$dir" \
        "$python" -m pytest "$tests" -p no:cacheprovider -q >"$out" 2>&1; then
        summary="$(tail -n 1 "$out")"
    else
        summary="FAILED: $(tail -n 1 "$out")"
        failed=1
    fi
    if [ "$step" = hybrid-api ]; then label="hybrid-api"; else label="step $step"; fi
    printf '%s %-10s %-28s %-9s %s\n' "$key" "$label" "$what" "${mode:-}" "$summary"
    [ "${summary#FAILED}" = "$summary" ] || cat "$out"
}
if [ "$impl" = pypy ]; then via="cpyext"; else via="CPython"; fi
run 0 "(PyO3, $via)" ""
run 1 "(hybrid: HPy + PyO3)" universal
run 1 "(hybrid: HPy + PyO3)" debug
run 2 "(hybrid: half ported)" universal
run 2 "(hybrid: half ported)" debug
run 3 "(universal: all hpy-rs)" universal
run 3 "(universal: all hpy-rs)" debug
run hybrid-api "(legacy methods, hpy::pyo3)" universal
run hybrid-api "(legacy methods, hpy::pyo3)" debug
if [ "$impl" = cpython ]; then
    run 2 "(CPython ABI: half ported)" "" "$work/porting-step2-cpython-abi" cpython
    run hybrid-api "(CPython ABI)" "" "$work/porting-hybrid-api-cpython-abi" cpython
fi
exit "$failed"
