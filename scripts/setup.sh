# Sourced by demo.sh and test.sh: makes sure everything the build and the tests need is here.
#
# * a C compiler (the Rust linker driver) and Python 3 with venv — installed with apt-get when
#   running as root, otherwise a message names the packages;
# * a virtual environment in target/venv with the pinned packages of scripts/requirements.txt
#   (hpy==0.9.0: the runtime the tests load into, and the headers the bindings check reads) and
#   scripts/requirements-packaging.txt (the tools of the packaging tests).
#
# Building a module needs nothing else: hpy-sys ships its bindings. `need_libclang` (called by
# test.sh) installs libclang-dev for the bindings check. Exports VENV_PYTHON.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/target/venv"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

APT_UPDATED=""
apt_install() {
    if [ "$(id -u)" != 0 ]; then
        echo "error: missing system packages: $*" >&2
        echo "       install them with: sudo apt-get install $*" >&2
        exit 1
    fi
    if [ -z "$APT_UPDATED" ]; then
        say "apt-get update"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        APT_UPDATED=1
    fi
    say "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Whether bindgen (through clang-sys) would find a libclang it can use: a file named like
# libclang.so, libclang-N.so or libclang.so.N in LIBCLANG_PATH or the system's library directories
# that loads and has libclang's C API. libclang-cpp (LLVM's C++ library, on many machines without
# libclang) matches the names but not the API, and bindgen cannot use it.
have_libclang() {
    python3 - <<'PY'
import ctypes, glob, os, sys
dirs = [os.environ["LIBCLANG_PATH"]] if os.environ.get("LIBCLANG_PATH") else [
    d for p in ("/usr/local/llvm*/lib*", "/usr/local/lib*/*/*", "/usr/local/lib*/*", "/usr/local/lib*",
                "/usr/lib*/*/*", "/usr/lib*/*", "/usr/lib*") for d in glob.glob(p)]
for d in dirs:
    for name in ("libclang.so", "libclang-*.so", "libclang.so.*", "libclang-*.so.*"):
        for path in glob.glob(os.path.join(d, name)):
            try:
                ctypes.CDLL(path).clang_createIndex
                sys.exit(0)
            except (OSError, AttributeError):
                pass
sys.exit(1)
PY
}

# need_libclang: installs libclang-dev unless a usable libclang is there. Only the test command
# needs it (the bindings check and the build-time bindgen test); building a module does not.
need_libclang() {
    have_libclang && return 0
    apt_install libclang-dev
    have_libclang || { echo "error: libclang-dev is installed but bindgen's libclang still cannot be loaded" >&2; exit 1; }
}

command -v cc >/dev/null 2>&1 || apt_install build-essential
command -v python3 >/dev/null 2>&1 || apt_install python3 python3-venv

stamp="$VENV/.requirements"
want="$(cat "$ROOT/scripts/requirements.txt" "$ROOT/scripts/requirements-packaging.txt")"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "creating the Python environment in target/venv"
    rm -rf "$VENV"
    if ! python3 -m venv "$VENV" 2>/dev/null; then
        rm -rf "$VENV"
        apt_install python3-venv
        python3 -m venv "$VENV"
    fi
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$ROOT/scripts/requirements.txt" \
        -r "$ROOT/scripts/requirements-packaging.txt"
    printf '%s' "$want" > "$stamp"
fi

export VENV_PYTHON="$VENV/bin/python"
# The pip put into the environments of provisioned interpreters.
PIP_VERSION=25.3

# pypy_env: sets PYPY (the interpreter: HPY_RS_PYPY, or PyPy 3.11 provisioned by scripts/pypy.sh)
# and PYPY_VENV_PYTHON (a venv of it in target/pypy-venv with scripts/requirements-pypy.txt).
pypy_env() {
    if [ -n "${HPY_RS_PYPY:-}" ]; then
        PYPY="$HPY_RS_PYPY"
    elif ! PYPY="$("$ROOT/scripts/pypy.sh")"; then
        echo "error: PyPy 3.11 could not be obtained (see above). Set HPY_RS_PYPY to a PyPy 3.11" >&2
        echo "       interpreter with HPy 0.9 to use your own." >&2
        exit 1
    fi
    "$PYPY" -c "import hpy.universal" 2>/dev/null \
        || { echo "error: $PYPY has no hpy.universal (PyPy 3.11 7.3.18 or later ships HPy 0.9)" >&2; exit 1; }
    local venv="$ROOT/target/pypy-venv" want
    want="$(cat "$ROOT/scripts/requirements-pypy.txt")
$PYPY"
    if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.requirements" 2>/dev/null)" != "$want" ]; then
        say "creating the PyPy environment in target/pypy-venv"
        rm -rf "$venv"
        "$PYPY" -m venv "$venv"
        "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$ROOT/scripts/requirements-pypy.txt"
        printf '%s' "$want" > "$venv/.requirements"
    fi
    export PYPY PYPY_VENV_PYTHON="$venv/bin/python"
}

# cpython_env X.Y: prints the interpreter of target/cpythonX.Y-venv, a virtual environment of
# CPython X.Y (scripts/cpython.sh) with scripts/requirements.txt; hpy 0.9.0 has no wheels past
# CPython 3.11, so pip builds it from its sdist, and keeps a wheel of it in target/cache/hpy-wheels
# for the fresh environments of the packaging tests. Fails (status 1) if the interpreter cannot be
# provisioned.
cpython_env() {
    local v="$1" py prefix venv want whl
    py="$("$ROOT/scripts/cpython.sh" "$v")" || return 1
    # Debian's packages keep the headers under the prefix (a 3.12 found elsewhere has its own).
    local headers=()
    prefix="${py%/usr/bin/*}"
    if [ "$prefix" != "$py" ]; then
        headers=("CPATH=$prefix/usr/include/python$v:$prefix/usr/include")
    fi
    venv="$ROOT/target/cpython$v-venv"
    want="$(cat "$ROOT/scripts/requirements.txt")
$py"
    if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.requirements" 2>/dev/null)" != "$want" ]; then
        say "creating the CPython $v environment in target/cpython$v-venv (builds hpy 0.9.0 from its sdist)"
        rm -rf "$venv"
        # Debian's ensurepip reads its wheels from the system's /usr/share/python-wheels: install
        # pip from its wheel instead.
        "$py" -m venv --without-pip "$venv"
        "$VENV_PYTHON" -m pip download -q --disable-pip-version-check --only-binary :all: --no-deps \
            -d "$ROOT/target/cache/pip" "pip==$PIP_VERSION" >&2
        whl="$ROOT/target/cache/pip/pip-$PIP_VERSION-py3-none-any.whl"
        "$venv/bin/python" "$whl/pip" install -q --disable-pip-version-check --no-index "$whl" >&2
        # Debian keeps the headers under the prefix; with glibc 2.43's headers (sid) HPy's debug
        # runtime needs Python.h first and its -Werror spares one warning.
        env "${headers[@]}" CFLAGS="-include Python.h -Wno-error=discarded-qualifiers" \
            "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$ROOT/scripts/requirements.txt" >&2
        printf '%s' "$want" > "$venv/.requirements"
    fi
    local tag="cp${v/./}"
    if ! compgen -G "$ROOT/target/cache/hpy-wheels/hpy-0.9.0-$tag-$tag-*.whl" >/dev/null; then
        say "building a wheel of hpy 0.9.0 for CPython $v (target/cache/hpy-wheels)"
        env "${headers[@]}" CFLAGS="-include Python.h -Wno-error=discarded-qualifiers" \
            "$venv/bin/python" -m pip wheel -q --disable-pip-version-check --no-deps \
            -w "$ROOT/target/cache/hpy-wheels" hpy==0.9.0 >&2
    fi
    echo "$venv/bin/python"
}

# hpy_sdist PYTHON: prints the path of hpy 0.9.0's sdist in target/cache, downloading it from the
# package index with PYTHON's pip first if it is not there (HPy's test suite, proof-of-concept and
# microbenchmarks come from it at test time; none of its code is committed).
hpy_sdist() {
    local sdist="$ROOT/target/cache/hpy-0.9.0.tar.gz"
    if [ ! -f "$sdist" ]; then
        say "fetching the hpy 0.9.0 sdist into target/cache"
        "$1" -m pip download -q --disable-pip-version-check --no-binary :all: --no-deps \
            -d "$ROOT/target/cache" hpy==0.9.0 >&2 || true
        [ -f "$sdist" ] || { echo "error: could not fetch the hpy 0.9.0 sdist" >&2; return 1; }
    fi
    echo "$sdist"
}
