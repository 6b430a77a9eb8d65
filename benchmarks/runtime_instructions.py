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
import concurrent.futures
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from call_bench import CASES, applies  # noqa: E402
from call_instructions import build_region, instructions  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("rust")
    parser.add_argument("c_hpy")
    parser.add_argument("rust_cpython_abi")
    parser.add_argument("runtime_dir")
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=400_000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", help="the cases whose label contains this text")
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
    cases = [case for case in CASES if opts.only is None or opts.only in case[0]]
    span = opts.large - opts.small
    with tempfile.TemporaryDirectory() as tmp, concurrent.futures.ThreadPoolExecutor(opts.jobs) as pool:
        region = build_region(tmp)

        def submit(impl, stmt, setup):
            return [pool.submit(instructions, region, impl, stmt, setup, opts.small, opts.large)
                    for _ in range(opts.repeats)]

        empty = submit(("none", "", ""), "pass", "")
        jobs = {
            (label, name): submit(impl, stmt, setup)
            for label, stmt, setup in cases
            for name, (port, impl) in impls.items()
            if applies(port, label, setup)
        }
        loop = statistics.median(f.result() for f in empty) / span
        per_call = {key: statistics.median(f.result() for f in futures) / span - loop
                    for key, futures in jobs.items()}

    def ratio(label, new, old):
        if (label, new) in per_call and (label, old) in per_call:
            return f"{per_call[label, new] / per_call[label, old]:.2f}"
        return "n/a"

    names = list(impls)
    print(f"### {sys.implementation.name} {sys.version.split()[0]}\n")
    print(f"Instructions per call (callgrind; (I({opts.large:,} calls) - I({opts.small:,} calls)) / "
          f"{span:,}, {'one run' if opts.repeats == 1 else f'median of {opts.repeats} runs'}, "
          f"the empty loop's {loop:.1f} subtracted). The ratios divide hpy-rs's count by hpy "
          "0.9.0's for the same module file.\n")
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
