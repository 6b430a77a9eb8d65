#!/usr/bin/env bash
# CPython-ABI benchmark (a program, not a test): the SDK's modules built with
# `cargo hpy build --release --abi cpython`, side by side in one process with
#   1. ujson 6.1.0 (and the universal build of ujson_hpy): benchmarks/json_bench.py on the five
#      documents, on CPython 3.11 and 3.13;
#   2. the call benchmark's implementations (benchmarks/call_bench.py --cpython-abi): HPy's
#      microbenchmark module as the SDK's universal and CPython-ABI builds, its C originals
#      (HPy universal and C API) and the PyO3 port, on CPython 3.11.
# Writes docs/cpython-abi-benchmark.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

"$ROOT/scripts/fetch-json-data.sh"
DATA="$ROOT/target/cache/jsonexamples"
work="$ROOT/target/bench/cpython-abi"
mkdir -p "$work/results"
py313="$(cpython_env 3.13)"

report="$ROOT/docs/cpython-abi-benchmark.md"
tmp="$work/report.md"
{
    echo "# CPython-ABI benchmark"
    echo
    echo "Written by \`./scripts/bench-cpython-abi.sh\`: release builds, side by side in one process, on"
    echo "this project's shared 2-core machine (ratios move by a few hundredths between runs)."
    echo
} > "$tmp"

say "cargo hpy build --release -p ujson_hpy (universal)"
cargo run -q -p cargo-hpy -- hpy build --release -p ujson_hpy --out "$work/json-universal"
for python in "$VENV_PYTHON" "$py313"; do
    k="$("$python" -c 'import sys; print("cpython%d.%d" % sys.version_info[:2])')"
    "$python" -m pip install -q --disable-pip-version-check ujson==6.1.0
    say "cargo hpy build --release --abi cpython -p ujson_hpy for $k"
    cargo run -q -p cargo-hpy -- hpy build --release --abi cpython --python "$python" -p ujson_hpy \
        --out "$work/json-cpython-abi"
    say "json_bench.py on $k: ujson_hpy (CPython ABI) against ujson, json and the universal build"
    {
        echo "## ujson_hpy, CPython ABI, on $k"
        echo
        echo "\`benchmarks/json_bench.py\`: median time per call; \`ujson_hpy\` is the CPython-ABI build,"
        echo "\`baseline\` the universal one (with hpy 0.9.0's runtime)."
        echo
        echo '```'
        "$python" benchmarks/json_bench.py "$DATA" "$work/json-cpython-abi" "$work/results/$k.json" \
            "$work/json-universal"
        echo '```'
        echo
    } | tee -a "$tmp"
done

say "the call benchmark's modules"
calls="$work/calls"
mkdir -p "$calls"
cargo run -q -p cargo-hpy -- hpy build --release -p microbench --out "$calls/rust"
cargo run -q -p cargo-hpy -- hpy build --release --abi cpython --python "$VENV_PYTHON" -p microbench \
    --out "$calls/rust-cpython-abi"
sdist="$ROOT/target/cache/hpy-0.9.0.tar.gz"
[ -f "$sdist" ] || "$VENV_PYTHON" -m pip download -q --disable-pip-version-check --no-binary :all: \
    --no-deps -d "$ROOT/target/cache" hpy==0.9.0 >&2
rm -rf "$calls/hpy-0.9.0"
tar -xzf "$sdist" -C "$calls"
bench="$calls/hpy-0.9.0/microbench"
sed -i 's/^    &Foo_len,$/    \&Foo_len,\n    NULL/' "$bench/src/hpy_simple.c"
devel=$("$VENV_PYTHON" -c 'import importlib.util, os; print(os.path.abspath(importlib.util.find_spec("hpy.devel").submodule_search_locations[0]))')
mkdir -p "$calls/c" "$calls/cpy"
for src in "$bench/src/hpy_simple.c" "$ROOT/benchmarks/cargs.c"; do
    cc -shared -fPIC -O2 -DHPY_ABI_UNIVERSAL -I"$devel/include/hpy/forbid_python_h" -I"$devel/include" \
        "$src" "$devel"/src/runtime/{argparse,buildvalue,format,helpers,structseq}.c \
        -o "$calls/c/$(basename "$src" .c).hpy0.so"
done
cp "$calls/rust/hpy_simple.py" "$calls/c/hpy_simple.py"
read -r include suffix < <("$VENV_PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["include"], sysconfig.get_config_var("EXT_SUFFIX"))')
cc -shared -fPIC -O2 -I"$include" "$bench/src/cpy_simple.c" -o "$calls/cpy/cpy_simple$suffix"
PYO3_PYTHON="$VENV_PYTHON" cargo build -q --release --manifest-path "$ROOT/benchmarks/microbench-pyo3/Cargo.toml" \
    --target-dir "$calls/pyo3-target"
mkdir -p "$calls/pyo3"
cp "$calls/pyo3-target/release/libpyo3_simple.so" "$calls/pyo3/pyo3_simple.so"
say "call_bench.py on CPython 3.11"
{
    echo "## Per call, CPython 3.11 (benchmarks/call_bench.py --cpython-abi)"
    echo
    echo "HPy's microbenchmark module \`hpy_simple\` as the SDK's universal build (\`Rust SDK\`) and"
    echo "CPython-ABI build, HPy's C original (universal ABI), its C-API original \`cpy_simple.c\` and"
    echo "the PyO3 port (\`benchmarks/microbench-pyo3\`)."
    echo
    "$VENV_PYTHON" "$ROOT/benchmarks/call_bench.py" "$calls/rust" "$calls/c" "$calls/cpy" "$calls/pyo3" \
        --cpython-abi "$calls/rust-cpython-abi"
} | tee -a "$tmp"
mv "$tmp" "$report"
say "wrote docs/cpython-abi-benchmark.md"
