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
