#!/usr/bin/env bash
# Coverage-guided fuzzing of ujson_hpy's loads and dumps with atheris (libFuzzer) on CPython: a
# program run by hand, not part of the test command.
#
#   ./scripts/fuzz-ujson.sh [SECONDS_PER_TARGET] [TARGET ...]     (default: 600; loads dumps)
#
# ujson_hpy is built with LLVM's sanitizer-coverage instrumentation (the flags cargo-fuzz uses),
# so libFuzzer sees the Rust code's branches and comparisons as well as the Python harness's;
# atheris's libFuzzer runtime is preloaded to receive them. Each input is checked against
# ujson 6.1.0 (tests/ujson/fuzz_ujson.py). The corpus grows in target/fuzz/corpus-TARGET; an
# input that finds a fault (a crash, a panic, an answer unlike ujson's) is saved by libFuzzer in
# target/fuzz/ and copied into tests/python/fuzz_regressions/TARGET/, whose files
# tests/python/test_ujson_hpy.py replays on every test run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(loads dumps)

say "installing atheris (libFuzzer for Python)"
"$VENV_PYTHON" -m pip install -q --disable-pip-version-check atheris==3.0.0

say "cargo hpy build -p ujson_hpy, instrumented for coverage"
cargo build -q -p cargo-hpy
# (Built for the host triple named explicitly, so the flags skip build scripts and proc macros.)
RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=3 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks" \
    CARGO_TARGET_DIR="$ROOT/target/fuzz/cargo" CARGO_BUILD_TARGET="$(rustc -vV | sed -n "s/^host: //p")" \
    "$ROOT/target/debug/cargo-hpy" hpy build --release -p ujson_hpy --out "$ROOT/target/fuzz/module"

runtime="$("$VENV_PYTHON" -c 'import atheris, os; print(os.path.join(atheris.path(), "ubsan_with_fuzzer.so"))')"
status=0
for target in "${targets[@]}"; do
    corpus="$ROOT/target/fuzz/corpus-$target"
    artifacts="$ROOT/target/fuzz/artifacts-$target"
    mkdir -p "$corpus" "$artifacts"
    say "fuzzing $target for ${seconds}s"
    if ! FUZZ_FINDINGS="$artifacts" LD_PRELOAD="$runtime" "$VENV_PYTHON" "$ROOT/tests/ujson/fuzz_ujson.py" "$target" "$ROOT/target/fuzz/module" \
        -max_total_time="$seconds" -max_len=4096 -timeout=20 -rss_limit_mb=4096 \
        -artifact_prefix="$artifacts/" "$corpus" 2>&1 | tee "$ROOT/target/fuzz/$target.log" | grep -E "^#[0-9]+ +(pulse|DONE)|ERROR|Error|crash-|Done [0-9]+ runs"; then
        :
    fi
    found=("$artifacts"/*)
    if [ ! -e "${found[0]}" ] && ! grep -qE "^Done [0-9]+ runs" "$ROOT/target/fuzz/$target.log"; then
        status=1
        say "$target: libFuzzer stopped early without saving an input: see target/fuzz/$target.log"
    elif [ -e "${found[0]}" ]; then
        status=1
        mkdir -p "$ROOT/tests/python/fuzz_regressions/$target"
        cp "${found[@]}" "$ROOT/tests/python/fuzz_regressions/$target/"
        say "$target: ${#found[@]} finding(s), copied into tests/python/fuzz_regressions/$target/"
    else
        say "$target: no finding ($(grep -Eo 'Done [0-9]+ runs' "$ROOT/target/fuzz/$target.log" | tail -1 || echo 'see the log'))"
    fi
done
exit "$status"
