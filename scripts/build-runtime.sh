#!/usr/bin/env bash
# scripts/build-runtime.sh PYTHON: makes hpy_rs_runtime (runtime/, our universal HPy runtime)
# importable by the CPython PYTHON, and `HPY_RS_RUNTIME=hpy-rs` switch its processes to it.
#
# * builds it in release mode for PYTHON (PyO3 is configured per interpreter: one target
#   directory per interpreter, target/runtime/<key>/, so each build stays up to date and a
#   second run is cargo's no-op) and copies the library as hpy_rs_runtime<EXT_SUFFIX> into
#   target/runtime/<key>/python/;
# * writes hpy_rs_switch.pth into PYTHON's site-packages: it puts that directory and
#   tests/hpy_suite (hpy_rs_switch.py, hpy_rs_plugin.py) on sys.path and imports hpy_rs_switch,
#   which does nothing unless HPY_RS_RUNTIME=hpy-rs; then `import hpy.universal` gives
#   hpy_rs_runtime in that process and in every interpreter it starts, whatever their PYTHONPATH.
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
[ "${key#cpython}" != "$key" ] || { echo "error: $python is not CPython (hpy_rs_runtime is a CPython extension)" >&2; exit 1; }

target="$ROOT/target/runtime/$key"
dir="$target/python"
printf '\033[1m==> %s\033[0m\n' "building hpy_rs_runtime for $key (release, target/runtime/$key)" >&2
PYO3_PYTHON="$python" CARGO_TARGET_DIR="$target" \
    cargo build -q --manifest-path "$ROOT/Cargo.toml" -p hpy-rs-runtime --release >&2
mkdir -p "$dir"
# The way the runtime gets into PYTHON's environment; once `pip install ./runtime` exists, this
# line becomes: "$python" -m pip install -q "$ROOT/runtime"   (and the .pth keeps the rest).
cp -f "$target/release/libhpy_rs_runtime.so" "$dir/hpy_rs_runtime$ext"

mkdir -p "$site"
printf '%s\n' "$dir" "$ROOT/tests/hpy_suite" "import hpy_rs_switch" > "$site/hpy_rs_switch.pth"
echo "$dir"
