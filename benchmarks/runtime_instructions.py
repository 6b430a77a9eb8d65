"""Instructions per call through the two universal runtimes for CPython (a program, not a test):
hpy 0.9.0's `hpy.universal` and hpy-rs's `hpy_rs_runtime`, for HPy's microbenchmark module in C
(`hpy_simple.c`) and the Rust SDK's port (`benchmarks/microbench`), beside the Rust port built
for the CPython ABI (no runtime at all). The cases and the counting are call_instructions.py's
(callgrind, each case of each implementation in a fresh interpreter):

    python runtime_instructions.py RUST_DIR C_HPY_DIR RUST_CPYTHON_ABI_DIR RUNTIME_DIR
                                   [--small N] [--large N] [--repeats R] [--jobs J] [--only TEXT]

RUNTIME_DIR holds `hpy_rs_runtime<EXT_SUFFIX>` (scripts/build-runtime.sh prints it); the
interpreter running this must have hpy 0.9.0 installed. Prints Markdown: per port, hpy-rs's
count divided by hpy 0.9.0's.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from call_instructions import count, count_arguments, heading  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("rust")
    parser.add_argument("c_hpy")
    parser.add_argument("rust_cpython_abi")
    parser.add_argument("runtime_dir")
    count_arguments(parser)
    opts = parser.parse_args()
    os.environ["HPY_RS_RUNTIME_DIR"] = os.path.abspath(opts.runtime_dir)

    rust, c_hpy = os.path.abspath(opts.rust), os.path.abspath(opts.c_hpy)
    impls = {
        "C HPy, hpy 0.9.0": ("C HPy", ("hpy", c_hpy, "hpy_simple")),
        "C HPy, hpy-rs": ("C HPy", ("hpy-rs", c_hpy, "hpy_simple")),
        "Rust SDK, hpy 0.9.0": ("Rust SDK", ("hpy", rust, "hpy_simple")),
        "Rust SDK, hpy-rs": ("Rust SDK", ("hpy-rs", rust, "hpy_simple")),
        "Rust SDK, CPython ABI": ("Rust SDK", ("native", os.path.abspath(opts.rust_cpython_abi), "hpy_simple")),
    }
    cases, loop, per_call = count(impls, opts)

    def ratio(label, new, old):
        if (label, new) in per_call and (label, old) in per_call:
            return f"{per_call[label, new] / per_call[label, old]:.2f}"
        return "n/a"

    names = list(impls)
    print(f"### {sys.implementation.name} {sys.version.split()[0]}\n")
    print(f"{heading(opts, loop)}. The ratios divide hpy-rs's count by hpy 0.9.0's for the same "
          "module file.\n")
    print("| call | " + " | ".join(names) + " | C HPy: hpy-rs / 0.9.0 | Rust SDK: hpy-rs / 0.9.0 |")
    print("|---|" + "---:|" * (len(names) + 2))
    for label, _, _ in cases:
        cells = [f"{per_call[label, n]:.0f}" if (label, n) in per_call else "n/a" for n in names]
        cells.append(ratio(label, "C HPy, hpy-rs", "C HPy, hpy 0.9.0"))
        cells.append(ratio(label, "Rust SDK, hpy-rs", "Rust SDK, hpy 0.9.0"))
        print(f"| `{label}` | " + " | ".join(cells) + " |")
    print()


if __name__ == "__main__":
    main()
