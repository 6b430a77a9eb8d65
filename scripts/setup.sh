# Sourced by demo.sh and test.sh: makes sure everything the build and the tests need is here.
#
# * a C compiler and libclang (bindgen) — installed with apt-get when running as root,
#   otherwise a message names the packages;
# * a virtual environment in target/venv with the pinned packages of scripts/requirements.txt
#   (hpy==0.9.0 provides the headers hpy-sys binds to and the runtime the tests load into).
#
# Exports HPY_PYTHON (read by hpy-sys's build script) and VENV_PYTHON.

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

have_libclang() {
    [ -n "${LIBCLANG_PATH:-}" ] && return 0
    compgen -G "/usr/lib/llvm-*/lib/libclang*.so*" >/dev/null && return 0
    compgen -G "/usr/lib/*/libclang*.so*" >/dev/null && return 0
    return 1
}

command -v cc >/dev/null 2>&1 || apt_install build-essential
have_libclang || apt_install libclang-dev
command -v python3 >/dev/null 2>&1 || apt_install python3 python3-venv

stamp="$VENV/.requirements"
if [ ! -x "$VENV/bin/python" ] || ! cmp -s "$ROOT/scripts/requirements.txt" "$stamp"; then
    say "creating the Python environment in target/venv"
    rm -rf "$VENV"
    if ! python3 -m venv "$VENV" 2>/dev/null; then
        rm -rf "$VENV"
        apt_install python3-venv
        python3 -m venv "$VENV"
    fi
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$ROOT/scripts/requirements.txt"
    cp "$ROOT/scripts/requirements.txt" "$stamp"
fi

export VENV_PYTHON="$VENV/bin/python"
export HPY_PYTHON="${HPY_PYTHON:-$VENV_PYTHON}"

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
