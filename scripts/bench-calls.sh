#!/usr/bin/env bash
# Call-cost benchmark (a program, not a test). Builds HPy's microbenchmark module four ways:
# the Rust SDK's port (benchmarks/microbench), HPy 0.9.0's own C `hpy_simple.c` (universal ABI)
# and `cpy_simple.c` (C API), both from the hpy 0.9.0 sdist fetched from PyPI at run time, and
# PyO3's port (benchmarks/microbench-pyo3, CPython only). Then, on CPython and on PyPy:
#   1. benchmarks/call_bench.py: time per call, every implementation side by side (on PyPy each
#      case of each implementation in processes of its own);
#   2. benchmarks/call_instructions.py: instructions per call under valgrind's callgrind, which
#      the machine's noise and PyPy's JIT do not move (valgrind is installed if missing);
#   3. benchmarks/runtime_instructions.py (CPython 3.11): the same counts through hpy 0.9.0's
#      runtime and through hpy_rs_runtime, beside the Rust port built for the CPython ABI;
#   4. HPy's own microbench/test_microbench.py, unmodified, three times against the C module and
#      three times against the Rust one, alternately (its table compares each with the C-API
#      module).
# Writes docs/call-benchmark.md.
#
#   ./scripts/bench-calls.sh [--fast]      (--fast: test_microbench.py's 100x shorter loops)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
pypy_env
command -v valgrind >/dev/null 2>&1 && [ -f /usr/include/valgrind/callgrind.h ] || apt_install valgrind
fast=()
[ "${1:-}" = "--fast" ] && fast=(--fast)

work="$ROOT/target/bench/calls"
mkdir -p "$work" "$ROOT/target/cache"

say "cargo hpy build --release -p microbench"
cargo run -q -p cargo-hpy -- hpy build --release -p microbench --out "$work/rust"

sdist="$(hpy_sdist "$VENV_PYTHON")"
rm -rf "$work/hpy-0.9.0"
tar -xzf "$sdist" -C "$work"
bench="$work/hpy-0.9.0/microbench"
# The sdist's foo_defines lacks the NULL that ends an HPyDef list.
sed -i 's/^    &Foo_len,$/    \&Foo_len,\n    NULL/' "$bench/src/hpy_simple.c"
grep -q '^    NULL$' "$bench/src/hpy_simple.c" || { echo "error: could not patch hpy_simple.c" >&2; exit 1; }

say "building hpy_simple.c (universal ABI) and benchmarks/cargs.c"
devel=$("$VENV_PYTHON" -c 'import importlib.util, os; print(os.path.abspath(importlib.util.find_spec("hpy.devel").submodule_search_locations[0]))')
mkdir -p "$work/c"
for src in "$bench/src/hpy_simple.c" "$ROOT/benchmarks/cargs.c"; do
    name="$(basename "$src" .c)"
    cc -shared -fPIC -O2 -DHPY_ABI_UNIVERSAL -I"$devel/include/hpy/forbid_python_h" -I"$devel/include" \
        "$src" "$devel"/src/runtime/{argparse,buildvalue,format,helpers,structseq}.c \
        -o "$work/c/$name.hpy0.so"
done
# The loader stub cargo hpy wrote for the Rust module loads any hpy_simple.hpy0.so beside it.
cp "$work/rust/hpy_simple.py" "$work/c/hpy_simple.py"

pythons=("$VENV_PYTHON" "$PYPY_VENV_PYTHON")
for python in "${pythons[@]}"; do
    impl="$("$python" -c 'import sys; print(sys.implementation.name)')"
    say "building cpy_simple.c for $impl"
    read -r include suffix < <("$python" -c 'import sysconfig; print(sysconfig.get_paths()["include"], sysconfig.get_config_var("EXT_SUFFIX"))')
    mkdir -p "$work/cpy-$impl"
    cc -shared -fPIC -O2 -I"$include" "$bench/src/cpy_simple.c" -o "$work/cpy-$impl/cpy_simple$suffix"
done

say "cargo build --release (benchmarks/microbench-pyo3, PyO3 for CPython)"
PYO3_PYTHON="$VENV_PYTHON" cargo build -q --release --manifest-path "$ROOT/benchmarks/microbench-pyo3/Cargo.toml" \
    --target-dir "$work/pyo3-target"
mkdir -p "$work/pyo3"
cp "$work/pyo3-target/release/libpyo3_simple.so" "$work/pyo3/pyo3_simple.so"

say "cargo hpy build --abi cpython --release -p microbench, and hpy_rs_runtime (CPython 3.11)"
cargo run -q -p cargo-hpy -- hpy build --abi cpython --python "$VENV_PYTHON" --release -p microbench \
    --out "$work/rust-cpython-abi"
runtime_dir="$("$ROOT/scripts/build-runtime.sh" "$VENV_PYTHON")"

report="$ROOT/docs/call-benchmark.md"
tmp="$work/report.md"
{
    echo "# Call benchmark: the Rust SDK against C on HPy, the C API and PyO3"
    echo
    echo "Written by \`./scripts/bench-calls.sh\`. The module is HPy 0.9.0's microbenchmark module"
    echo "\`hpy_simple\` (its \`microbench/src/hpy_simple.c\`), ported to the SDK in"
    echo "\`benchmarks/microbench\` and to PyO3 in \`benchmarks/microbench-pyo3\`; \`add_ints\` is"
    echo "\`benchmarks/cargs.c\` (\`HPyArg_ParseKeywords\`) in C. Both HPy modules are universal-ABI"
    echo "\`.hpy0.so\` files loaded in universal mode. As in the C module, no port's \`Foo\` methods"
    echo "read the instance's struct (the Rust ones take \`this: &Obj<'_, Self>\`, PyO3's \`&Bound<Self>\`);"
    echo "\`obj.noargs_self()\`, in the Rust and PyO3 ports only, takes \`&self\` to show what reading it"
    echo "costs. The machine is shared: CPython's times move by a few hundredths between runs, PyPy's"
    echo "by more, so the instruction counts below are the figures to compare across runs."
    echo
    echo "## Time per call, side by side (benchmarks/call_bench.py)"
    echo
} > "$tmp"
for python in "${pythons[@]}"; do
    impl="$("$python" -c 'import sys; print(sys.implementation.name)')"
    say "call_bench.py on $impl"
    "$python" "$ROOT/benchmarks/call_bench.py" "$work/rust" "$work/c" "$work/cpy-$impl" "$work/pyo3" | tee -a "$tmp"
done
{
    echo "## Instructions per call (benchmarks/call_instructions.py)"
    echo
    echo "Counted by valgrind's callgrind, each case of each implementation in a fresh interpreter,"
    echo "so neither the machine's load nor what else the JIT compiled moves them: two runs of the"
    echo "same case differ by less than one instruction per call. They include what the call costs"
    echo "the interpreter (on PyPy, the JIT's code around the call)."
    echo
} >> "$tmp"
for python in "${pythons[@]}"; do
    impl="$("$python" -c 'import sys; print(sys.implementation.name)')"
    say "call_instructions.py on $impl (valgrind)"
    "$python" "$ROOT/benchmarks/call_instructions.py" "$work/rust" "$work/c" "$work/cpy-$impl" "$work/pyo3" | tee -a "$tmp"
done
{
    echo "## The universal runtimes for CPython (benchmarks/runtime_instructions.py)"
    echo
    echo "The same module files loaded through hpy 0.9.0's \`hpy.universal\` and through hpy-rs's"
    echo "\`hpy_rs_runtime\`, and the Rust port built for the CPython ABI (no runtime), counted as above."
    echo
} >> "$tmp"
say "runtime_instructions.py on CPython (valgrind)"
"$VENV_PYTHON" "$ROOT/benchmarks/runtime_instructions.py" "$work/rust" "$work/c" "$work/rust-cpython-abi" \
    "$runtime_dir" | tee -a "$tmp"
{
    echo "## HPy's own microbench/test_microbench.py"
    echo
    echo "Unmodified, run three times with \`hpy_simple\` the C module and three times with it the Rust"
    echo "one, alternately (the cpy column is the C-API module, from the C module's runs). Median wall"
    echo "time of its loops, as the suite measures it${fast:+ (with --fast: 100,000 iterations)}. The"
    echo "Rust \`Foo\`'s struct holds one word more than the C one's (the SDK's borrow state): an"
    echo "instance is 40 bytes against 32, which CPython's allocator rounds up to 48, so the tests that"
    echo "keep N instances alive (\`test_allocate_obj\`, \`test_allocate_obj_and_survive\`) touch half as"
    echo "much memory again; per call, \`Foo()\` costs the same instructions as C's (above)."
    echo
} >> "$tmp"
for python in "${pythons[@]}"; do
    impl="$("$python" -c 'import sys; print(sys.implementation.name, sys.version.split()[0])')"
    for run in 1 2 3; do
        for which in c rust; do
            say "test_microbench.py on $impl with the $which hpy_simple (run $run of 3)"
            (cd "$bench" && PYTHONPATH="$work/$which:$work/cpy-${impl%% *}:$ROOT/benchmarks/microbench/shim" \
                "$python" -m pytest -q -p no:cacheprovider "${fast[@]}" test_microbench.py) > "$work/micro-$which-$run.log" 2>&1 \
                || { cat "$work/micro-$which-$run.log"; exit 1; }
        done
    done
    "$VENV_PYTHON" "$ROOT/benchmarks/microbench_report.py" "$impl" \
        "$work/micro-c-1.log,$work/micro-c-2.log,$work/micro-c-3.log" \
        "$work/micro-rust-1.log,$work/micro-rust-2.log,$work/micro-rust-3.log" | tee -a "$tmp"
done
mv "$tmp" "$report"
say "wrote docs/call-benchmark.md"
