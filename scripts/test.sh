#!/usr/bin/env bash
# The whole test suite:
#   0. the checked-in bindings of hpy-sys against bindgen's output for hpy 0.9.0's and PyPy's headers;
#   1. the Markdown links, formatting and clippy;
#   2. the Rust tests (unit, doc (with the guide's examples), coverage-table and compile-fail UI
#      tests) and the docs build;
#   3. the example and test modules, built once with `cargo hpy build`;
#   4. the Python suite against those same files on CPython 3.11 (hpy 0.9.0 from PyPI), PyPy 3.11
#      (HPy built in) and CPython 3.12 (where one is found), 3.13, 3.14 and 3.15
#      (scripts/cpython.sh; HPY_RS_PYTHONS names others instead), each in HPy's universal, debug
#      (with leak checks) and trace modes;
#   5. ujson 6.1.0's upstream test suite against examples/ujson, on every interpreter and in both
#      modes (the suite and the round-trip documents are downloaded into target/cache);
#   5b. the CPython ABI: the same modules built with `cargo hpy build --abi cpython` for each
#      CPython above (<name>.cpython-3XY-<platform>.so), then tests/python (HPY_RS_ABI=cpython,
#      mode cpython-abi, with test_cpython_abi.py's leak checks) and ujson's upstream suite
#      against them; clippy and the compile-fail UI tests with the feature hpy/cpython-abi;
#   6. hpy-sys and the modules built with bindings generated at build time (feature `bindgen`)
#      from PyPy's own HPy headers, tested on CPython;
#   7. packaging (tests/packaging): wheels of examples/hello and examples/ujson installed with pip
#      and with uv into fresh environments of every interpreter, the wheel checkers
#      (check-wheel-contents, twine check), CPython-ABI wheels linked through Zig (manylinux_2_17,
#      checked by auditwheel) and the release set (--release-set) installed on every interpreter,
#      `pip install .` of a `cargo hpy new` project and its
#      test, `pip install -e .` and `cargo hpy develop`, sdists, and the generated type stubs
#      (mypy's stubtest, mypy --strict). pip, hpy 0.9.0, pytest and mypy are downloaded from the
#      package index into the test's wheelhouse; the environments install from it alone;
#   8. hpy_rs_runtime, our own universal runtime (runtime/), on every CPython above: built in
#      release mode for each (scripts/build-runtime.sh), then tests/python in universal mode
#      through it (HPY_RS_RUNTIME=hpy-rs), and HPy 0.9.0's own test suite against it
#      (scripts/hpy-suite.sh, the universal and hybrid ABIs) and tests/runtime (C modules built
#      by hpy.devel: HPy's proof-of-concept), each test in a child process of its
#      own (a crash fails that test only). Failures there do not stop the run before the matrix;
#      the command fails at its end;
#   9. the porting example (examples/porting, PyO3 to hpy-rs in four steps) on every interpreter,
#      PyPy included (scripts/test-porting.sh); failures fail the command at its end.
# Every module is built with Rust alone: LIBCLANG_PATH names an empty directory and HPY_PYTHON no
# interpreter (tests/python/test_rust_only_build.py does the same for a release build).
# PyPy comes from scripts/pypy.sh, or from HPY_RS_PYPY; if neither works the run fails.
# At the end it prints the interpreter matrix (scripts/matrix.py). Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
pypy_env
need_libclang

say "hpy-sys bindings up to date (cargo xtask bindings --check)"
cargo xtask bindings --check --hpy-python "$VENV_PYTHON" --pypy-python "$PYPY"

say "the modules of hpy/src, hpy-macros/src and cargo-hpy/src depend on each other one way (scripts/module-cycles.py)"
"$VENV_PYTHON" "$ROOT/scripts/module-cycles.py" "$ROOT/hpy/src" >/dev/null
"$VENV_PYTHON" "$ROOT/scripts/module-cycles.py" "$ROOT/hpy-macros/src" >/dev/null
"$VENV_PYTHON" "$ROOT/scripts/module-cycles.py" "$ROOT/cargo-hpy/src" >/dev/null

say "links in README.md, ARCHITECTURE.md, CHANGELOG.md and docs/ (scripts/check-links.py)"
"$VENV_PYTHON" "$ROOT/scripts/check-links.py"

say "cargo fmt --check"
cargo fmt --all -- --check

say "cargo clippy"
cargo clippy --workspace --all-targets -q -- -D warnings

say "cargo clippy --features hpy/cpython-abi (the CPython-ABI backend, for CPython 3.11)"
PYO3_PYTHON="$VENV_PYTHON" CARGO_TARGET_DIR="$ROOT/target/hpy-abi/clippy" \
    cargo clippy --workspace --all-targets --features hpy/cpython-abi -q -- -D warnings

say "cargo fmt and clippy of examples/porting (a workspace of its own; the hybrid ABI, feature hpy/hybrid)"
cargo fmt --manifest-path "$ROOT/examples/porting/Cargo.toml" --all -- --check
PYO3_PYTHON="$VENV_PYTHON" CARGO_TARGET_DIR="$ROOT/target/porting/clippy" \
    cargo clippy --manifest-path "$ROOT/examples/porting/Cargo.toml" --workspace --all-targets \
    --features hpy/hybrid -q -- -D warnings

say "cargo test"
cargo test --workspace -q

say "the UI tests with the feature hpy/cpython-abi"
PYO3_PYTHON="$VENV_PYTHON" CARGO_TARGET_DIR="$ROOT/target/hpy-abi/clippy" \
    cargo test -p hpy --features cpython-abi --test ui -q

say "cargo doc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps -q

say "cargo hpy build (with Rust alone)"
nothing="$ROOT/target/nothing"
mkdir -p "$nothing"
env -u HPY_INCLUDE_DIR LIBCLANG_PATH="$nothing" HPY_PYTHON="$nothing/python3" \
    cargo run -q -p cargo-hpy -- hpy build --out "$ROOT/target/hpy/test"

MATRIX="$ROOT/target/matrix"
rm -rf "$MATRIX"
mkdir -p "$MATRIX"

# key PYTHON: a file name for the interpreter's results (e.g. cpython3.13).
key() { "$1" -c 'import sys; print(sys.implementation.name + "%d.%d" % sys.version_info[:2])'; }

run_pytest() {
    local python="$1" modules="$2" k
    shift 2
    k="$(key "$python")"
    "$python" -c 'import json, sys, hpy.universal as u; print(json.dumps({"interpreter": sys.implementation.name + " " + sys.version.split()[0], "runtime": "hpy " + u.get_version()[0] + (" (built in)" if sys.implementation.name == "pypy" else "")}))' > "$MATRIX/$k.json"
    say "pytest on $("$python" -c 'import sys; print(sys.implementation.name, sys.version.split()[0])'), modules from ${modules#"$ROOT"/}"
    HPY_RS_MODULES="$modules" "$python" -m pytest "$ROOT/tests/python" -p no:cacheprovider \
        --junitxml "$MATRIX/$k-pytest.xml" "$@"
}

run_upstream() {
    local python="$1" mode
    for mode in universal debug; do
        say "upstream ujson 6.1.0 tests on $("$python" -c 'import sys; print(sys.implementation.name, sys.version.split()[0])'), HPy $mode mode"
        "$python" "$ROOT/tests/ujson/run_upstream.py" "$ROOT/target/hpy/test" "$mode" -p no:warnings \
            --junitxml "$MATRIX/$(key "$python")-upstream-$mode.xml"
    done
}

"$ROOT/scripts/fetch-json-data.sh"  # documents for the ujson_hpy round-trip tests

# CPython 3.11 and PyPy 3.11: every test, listed one by one.
run_pytest "$VENV_PYTHON" "$ROOT/target/hpy/test" -v "$@"
run_pytest "$PYPY_VENV_PYTHON" "$ROOT/target/hpy/test" -v "$@"
# ujson's own upstream test suite (downloaded from the package index into target/cache) against
# examples/ujson, in universal and debug mode.
run_upstream "$VENV_PYTHON"
run_upstream "$PYPY_VENV_PYTHON"

# The newer CPythons (scripts/cpython.sh, from Debian's archive, with hpy 0.9.0 built from its
# sdist), or the interpreters HPY_RS_PYTHONS names (space-separated; each with the packages of
# scripts/requirements.txt): the same test files and upstream suite, against the same files.
if [ -n "${HPY_RS_PYTHONS:-}" ]; then
    read -ra others <<< "$HPY_RS_PYTHONS"
else
    others=()
    for v in 3.12 3.13 3.14 3.15; do
        if py="$(cpython_env "$v")"; then
            others+=("$py")
        elif [ "$v" = 3.12 ] || [ "$v" = 3.15 ]; then
            echo "note: CPython $v could not be provisioned (see above); it is left out of this run" >&2
        else
            echo "error: CPython $v could not be provisioned (see above); set HPY_RS_PYTHONS to name your own interpreters" >&2
            exit 1
        fi
    done
fi
for python in "${others[@]}"; do
    run_pytest "$python" "$ROOT/target/hpy/test" -q "$@"
    run_upstream "$python"
done

# The CPython ABI: each CPython gets its own build of the same modules (one target directory per
# interpreter, kept by cargo hpy), then the same tests against them, without HPy's package.
run_cpython_abi() {
    local python="$1" k out="$ROOT/target/hpy/test-cpython-abi"
    k="$(key "$python")"
    say "cargo hpy build --abi cpython for $("$python" -c 'import sys; print(sys.implementation.name, sys.version.split()[0])')"
    cargo run -q -p cargo-hpy -- hpy build --abi cpython --python "$python" --out "$out"
    say "pytest on $("$python" -c 'import sys; print(sys.implementation.name, sys.version.split()[0])'), CPython-ABI modules"
    HPY_RS_ABI=cpython HPY_RS_MODULES="$out" "$python" -m pytest "$ROOT/tests/python" \
        -p no:cacheprovider --junitxml "$MATRIX/$k-cpython-abi-pytest.xml" -q "${@:2}"
    say "upstream ujson 6.1.0 tests, CPython-ABI ujson_hpy"
    "$python" "$ROOT/tests/ujson/run_upstream.py" "$out" cpython-abi -p no:warnings \
        --junitxml "$MATRIX/$k-upstream-cpython-abi.xml"
}
for python in "$VENV_PYTHON" "${others[@]}"; do
    run_cpython_abi "$python" "$@"
done

say "cargo hpy build with bindings generated from PyPy's HPy headers (feature hpy/bindgen)"
HPY_PYTHON="$PYPY" CARGO_TARGET_DIR="$ROOT/target/pypy-headers" \
    cargo run -q -p cargo-hpy -- hpy build -F hpy/bindgen --out "$ROOT/target/hpy/test-pypy-headers"
say "pytest on CPython, modules built from PyPy's HPy headers"
HPY_RS_MODULES="$ROOT/target/hpy/test-pypy-headers" "$VENV_PYTHON" -m pytest "$ROOT/tests/python" \
    -p no:cacheprovider -q "$@"

say "packaging: cargo hpy wheel/sdist/develop/new, the build backend, pip and uv on every interpreter"
cargo build -q -p cargo-hpy
CARGO_HPY="$ROOT/target/debug/cargo-hpy" \
    HPY_RS_PACKAGING_PYTHONS="$VENV_PYTHON $PYPY_VENV_PYTHON ${others[*]}" \
    "$VENV_PYTHON" -m pytest "$ROOT/tests/packaging" -p no:cacheprovider -v "$@"

# hpy_rs_runtime: tests/python in every mode through our runtime, and HPy 0.9.0's own suite
# against it (universal and hybrid ABIs; debug and trace modes), on each CPython. Their results go to their own JUnit files
# (<interpreter>-hpy-rs-pytest.xml, <interpreter>-hpy-suite.xml) and columns of the matrix.
runtime_failed=()
for python in "$VENV_PYTHON" "${others[@]}"; do
    k="$(key "$python")"
    "$ROOT/scripts/build-runtime.sh" "$python" >/dev/null
    say "pytest on $("$python" -c 'import sys; print(sys.implementation.name, sys.version.split()[0])'), modules from target/hpy/test, through hpy_rs_runtime"
    HPY_RS_RUNTIME=hpy-rs HPY_RS_MODULES="$ROOT/target/hpy/test" "$python" -m pytest "$ROOT/tests/python" \
        -p hpy_rs_plugin --hpy-rs-isolate --hpy-rs-timeout 120 -p no:cacheprovider \
        -o junit_suite_name="hpy-rs-runtime-$k" \
        --junitxml "$MATRIX/$k-hpy-rs-pytest.xml" -q "$@" || runtime_failed+=("tests/python on $k")
    HPY_RS_SUITE_JUNITXML="$MATRIX/$k-hpy-suite.xml" "$ROOT/scripts/hpy-suite.sh" "$python" \
        -k "universal or hybrid" -q --tb=short || runtime_failed+=("HPy 0.9.0's suite on $k")
    # Debug and trace mode in one process, in the suite's order, as HPy runs it:
    # test_reuse_closed_handles counts on the closed handles earlier tests leave (alone, it fails
    # with hpy 0.9.0's runtime too). A crash ends this run and the script names the test.
    HPY_RS_SUITE_ISOLATE=0 HPY_RS_SUITE_JUNITXML="$MATRIX/$k-hpy-suite-debug.xml" \
        "$ROOT/scripts/hpy-suite.sh" "$python" -k "debug or trace" -q --tb=short \
        || runtime_failed+=("HPy 0.9.0's suite (debug, trace) on $k")
    say "C modules built by hpy.devel (HPy's proof-of-concept) through hpy_rs_runtime on $k"
    "$python" -m pytest "$ROOT/tests/runtime" -p no:cacheprovider -q \
        --junitxml "$MATRIX/$k-hpy-devel-modules.xml" || runtime_failed+=("tests/runtime on $k")
done

# The porting example (examples/porting: a PyO3 module ported to hpy-rs in four steps) on every
# interpreter, PyPy included (step 0 and the PyO3 halves through cpyext): each step built for it
# and examples/porting/tests run against it, the HPy steps in universal and debug mode (with
# LeakDetector); one line per step and mode (scripts/test-porting.sh).
porting_failed=()
for python in "$VENV_PYTHON" "${others[@]}" "$PYPY_VENV_PYTHON"; do
    k="$(key "$python")"
    say "the porting example (examples/porting) on $k"
    "$ROOT/scripts/test-porting.sh" "$python" || porting_failed+=("$k")
done

say "the interpreter matrix (also in target/matrix/matrix.md)"
"$VENV_PYTHON" "$ROOT/scripts/matrix.py" "$MATRIX" | tee "$MATRIX/matrix.md"
if [ "${#runtime_failed[@]}" -gt 0 ]; then
    echo "error: failures through hpy_rs_runtime: ${runtime_failed[*]} (see above)" >&2
    exit 1
fi
if [ "${#porting_failed[@]}" -gt 0 ]; then
    echo "error: the porting example failed on ${porting_failed[*]} (see above)" >&2
    exit 1
fi
