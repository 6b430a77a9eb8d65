#!/usr/bin/env bash
# Fetches the JSON documents the ujson_hpy round-trip tests and the JSON benchmark use into
# target/cache/jsonexamples (once): simdjson@0.9.2's jsonexamples from npm, and ujson 6.1.0's
# tests/sample.json from its source distribution on the Python package index.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

CACHE="$ROOT/target/cache"
DATA="$CACHE/jsonexamples"
mkdir -p "$DATA"
if [ ! -f "$DATA/github_events.json" ]; then
    say "fetching simdjson@0.9.2's jsonexamples with npm"
    command -v npm >/dev/null 2>&1 || apt_install npm
    tgz="$(cd "$CACHE" && npm pack --silent simdjson@0.9.2)"
    tar -xzf "$CACHE/$tgz" -C "$CACHE" package/jsonexamples
    for f in twitter citm_catalog canada github_events; do
        cp "$CACHE/package/jsonexamples/$f.json" "$DATA/"
    done
fi
if [ ! -f "$DATA/sample.json" ]; then
    say "fetching ujson 6.1.0's sample.json (from its source distribution)"
    "$VENV_PYTHON" -c 'import sys; sys.path.insert(0, "tests/ujson"); import run_upstream; run_upstream.upstream_tests()'
    cp "$CACHE/ujson-6.1.0/tests/sample.json" "$DATA/"
fi
