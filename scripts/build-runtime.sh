#!/usr/bin/env bash
# scripts/build-runtime.sh PYTHON: builds hpy_rs_runtime (runtime/, our universal HPy runtime)
# for the CPython PYTHON, and lets `HPY_RS_RUNTIME=hpy-rs` switch PYTHON's processes to it.
#
# * It builds the runtime in release mode for PYTHON (PyO3 is configured per interpreter: one
#   target directory per interpreter, target/runtime/<key>/, so each build stays up to date and
#   a second run is cargo's no-op) and copies the library as hpy_rs_runtime<EXT_SUFFIX> into
#   target/runtime/<key>/python/.
# * It writes hpy_rs_switch.pth into PYTHON's site-packages. When HPY_RS_RUNTIME=hpy-rs, that
#   puts the directory above and tests/hpy_suite (hpy_rs_switch.py, hpy_rs_plugin.py) at the
#   front of sys.path and imports hpy_rs_switch, which installs hpy_rs_runtime as hpy.universal:
#   every process of the environment then uses our runtime, the interpreters that tests start
#   too, whatever their PYTHONPATH. Without the variable it does nothing and hpy_rs_runtime is
#   not importable (the loader stubs would otherwise prefer it to hpy 0.9.0's runtime).
#
# Prints the directory holding the runtime's library.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${1:?usage: scripts/build-runtime.sh PYTHON}"
command -v "$python" >/dev/null 2>&1 || { echo "error: no interpreter $python" >&2; exit 2; }
# An absolute path (cargo runs PyO3's build script elsewhere), keeping a venv's own bin/ (no
# symbolic links resolved).
python="$(cd "$(dirname "$(command -v "$python")")" && pwd)/$(basename "$python")"

read -r key ext site < <("$python" -c '
import sys, sysconfig
key = sys.implementation.name + "%d.%d" % sys.version_info[:2] + sys.abiflags
print(key, sysconfig.get_config_var("EXT_SUFFIX"), sysconfig.get_path("purelib"))')
if [ "${key#cpython}" = "$key" ]; then
    echo "error: $python is not CPython (hpy_rs_runtime is a CPython extension)" >&2
    exit 1
fi

target="$ROOT/target/runtime/$key"
dir="$target/python"
printf '\033[1m==> %s\033[0m\n' "hpy_rs_runtime for $key (cargo build --release, target/runtime/$key)" >&2
PYO3_PYTHON="$python" CARGO_TARGET_DIR="$target" \
    cargo build -q --manifest-path "$ROOT/Cargo.toml" -p hpy-rs-runtime --release >&2
mkdir -p "$dir"
# How the runtime gets to PYTHON. With the runtime's wheel, this line becomes
#   "$python" -m pip install -q "$ROOT/runtime"
# (and $dir may be left out of the .pth below).
cp -f "$target/release/libhpy_rs_runtime.so" "$dir/hpy_rs_runtime$ext"

mkdir -p "$site"
{
    echo "# Written by hpy-rs's scripts/build-runtime.sh: with HPY_RS_RUNTIME=hpy-rs, hpy_rs_runtime is hpy.universal."
    echo "import os, sys; os.environ.get('HPY_RS_RUNTIME') == 'hpy-rs' and (sys.path.__setitem__(slice(0, 0), ['$dir', '$ROOT/tests/hpy_suite']), __import__('hpy_rs_switch'))"
} > "$site/hpy_rs_switch.pth"
echo "$dir"
