#!/usr/bin/env bash
# Builds the examples with `cargo hpy build` and uses them from Python, in HPy's universal mode
# and again in its debug mode (same binary, no rebuild).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

say "cargo hpy build --release"
cargo run -q -p cargo-hpy -- hpy build --release

for mode in universal debug; do
    say "demo, HPY=$mode"
    HPY="$mode" HPY_LOG=1 PYTHONPATH="$ROOT/target/hpy/release" "$VENV_PYTHON" "$ROOT/examples/hello/demo.py"
    HPY="$mode" PYTHONPATH="$ROOT/target/hpy/release" "$VENV_PYTHON" "$ROOT/examples/ujson/demo.py"
done
