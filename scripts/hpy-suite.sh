#!/usr/bin/env bash
# scripts/hpy-suite.sh PYTHON [PYTEST_ARGS...]: HPy 0.9.0's own test suite against hpy_rs_runtime.
#
# PYTHON is a CPython with hpy==0.9.0 installed (its hpy.devel compiles the suite's C modules;
# its hpy.universal is NOT used). The script
#   1. builds hpy_rs_runtime for PYTHON, or finds the build up to date (scripts/build-runtime.sh);
#   2. installs scripts/requirements-hpy-suite.txt into PYTHON's environment (once);
#   3. downloads hpy 0.9.0's sdist from the package index into target/cache (once) and extracts
#      a fresh copy into target/hpy-suite/<interpreter>/, moving the sdist's `hpy/` source
#      directory aside (it would shadow the installed `hpy` package, whose hpy.devel has the
#      built helper libraries);
#   4. runs pytest from the sdist's root (test/ is a package with relative imports) with the
#      plugin tests/hpy_suite/hpy_rs_plugin.py, which installs hpy_rs_runtime as hpy.universal
#      (in the interpreters the tests start too) and runs each test in a child process of its
#      own, so that a crash fails that test, names it and its signal, and the run goes on.
#
# PYTEST_ARGS go to pytest; paths in them are relative to the sdist's root, e.g.
#   scripts/hpy-suite.sh target/venv/bin/python test/test_hpytype.py -k universal
# Without a path it runs test/ except test/hpy_devel (which tests HPy's build tools, not the
# runtime). The test command runs `-k "universal or hybrid"` (the ABIs our runtime serves;
# `cpython` builds no HPy module) and `-k "debug or trace"` (its debug and trace modes).
#
# Environment:
#   HPY_RS_SUITE_JUNITXML=FILE   write JUnit XML to FILE (a relative FILE is relative to the
#                                directory the script is started from; `--junitxml` in
#                                PYTEST_ARGS works too, relative to the sdist's root)
#   HPY_RS_SUITE_ISOLATE=0       run the tests in one pytest process (faster, but the first crash
#                                ends the run; the script then names the test that was running)
#   HPY_RS_SUITE_TIMEOUT=SECONDS per-test limit when isolated (default 120)
#   HPY_RS_SUITE_RUNTIME=hpy     run against hpy 0.9.0's own runtime instead (the baseline of the
#                                README's comparison; crashes are counted per test as above)
# Exits with pytest's status, or 3 if pytest died (signal) without isolation.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

if [ $# -lt 1 ]; then
    echo "usage: scripts/hpy-suite.sh PYTHON [PYTEST_ARGS...]" >&2
    exit 2
fi
python="$1"
shift
command -v "$python" >/dev/null 2>&1 || { echo "error: no interpreter $python" >&2; exit 2; }
python="$(cd "$(dirname "$(command -v "$python")")" && pwd)/$(basename "$python")"
junit="${HPY_RS_SUITE_JUNITXML:-}"
[ -z "$junit" ] || junit="$(realpath -m "$junit")"

key="$("$python" -c 'import sys; print(sys.implementation.name + "%d.%d" % sys.version_info[:2] + sys.abiflags)')"
version="$("$python" -c 'import sys; print(sys.implementation.name, sys.version.split()[0])')"
"$python" -c 'import hpy.devel' 2>/dev/null \
    || { echo "error: $python has no hpy.devel: install hpy==0.9.0 (scripts/requirements.txt)" >&2; exit 2; }

# 1. Our runtime, importable by $python (HPY_RS_RUNTIME=hpy-rs then selects it).
"$ROOT/scripts/build-runtime.sh" "$python" >/dev/null

# 2. What the suite needs beside hpy and pytest.
req="$ROOT/scripts/requirements-hpy-suite.txt"
stamp="$("$python" -c 'import sys; print(sys.prefix)')/.hpy-rs-suite-requirements"
if [ "$(cat "$stamp" 2>/dev/null)" != "$(cat "$req")" ]; then
    say "installing scripts/requirements-hpy-suite.txt for $version"
    "$python" -m pip install -q --disable-pip-version-check -r "$req" >&2
    cp "$req" "$stamp"
fi

# 3. A fresh copy of the suite.
sdist="$(hpy_sdist "$python")"
work="$ROOT/target/hpy-suite/$key"
rm -rf "$work"
mkdir -p "$work"
tar -xzf "$sdist" -C "$work"
src="$work/hpy-0.9.0"
mv "$src/hpy" "$src/hpy-sources-moved-aside"

# 4. pytest from the sdist's root. The hybrid ABI's modules include Python.h; Debian's packages
# (scripts/cpython.sh unpacks them into a prefix) keep pyconfig.h in
# <prefix>/usr/include/<multiarch>/python3.X, which Python.h reaches through the parent of
# Python's include directory.
include="$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')"
export CPATH="$(dirname "$include")${CPATH:+:$CPATH}"
args=(-p hpy_rs_plugin -p no:cacheprovider -o testpaths=test --ignore=test/hpy_devel
      --basetemp "$work/tmp" -o junit_suite_name="hpy-0.9.0-suite-on-hpy_rs_runtime-$key")
if [ "${HPY_RS_SUITE_ISOLATE:-1}" != 0 ]; then
    args+=(--hpy-rs-isolate --hpy-rs-timeout "${HPY_RS_SUITE_TIMEOUT:-120}")
fi
[ -z "$junit" ] || { mkdir -p "$(dirname "$junit")"; args+=(--junitxml "$junit"); }
last="$work/last-test"
args+=(--hpy-rs-last-test "$last")

runtime=hpy-rs
against=hpy_rs_runtime
if [ "${HPY_RS_SUITE_RUNTIME:-hpy-rs}" = hpy ]; then
    runtime=hpy
    against="hpy 0.9.0's runtime (baseline)"
    # The plugin (which the .pth puts on the path only for hpy_rs_runtime runs).
    export PYTHONPATH="$ROOT/tests/hpy_suite${PYTHONPATH:+:$PYTHONPATH}"
fi
say "HPy 0.9.0's test suite on $version against $against${*:+ ($*)}"
cd "$src"
status=0
HPY_RS_RUNTIME=$runtime HPY_RS_SUITE_RUNTIME=$runtime \
    "$python" -m pytest "${args[@]}" "$@" || status=$?
if [ "$status" -gt 128 ]; then
    echo "error: pytest was killed by signal $((status - 128)) ($(kill -l "$((status - 128))" 2>/dev/null || echo '?'))" \
         "while running: $(cat "$last" 2>/dev/null || echo 'no test (before the first one)')" >&2
    echo "       (HPY_RS_SUITE_ISOLATE=1, the default, runs each test in its own process)" >&2
    exit 3
fi
exit "$status"
