"""Instructions per call of HPy's microbenchmark module written several ways (a program, not a
test): the Rust SDK's port, the C `hpy_simple.c` (both universal ABI), the C-API `cpy_simple.c`
and, on CPython, PyO3's port. It takes call_bench.py's cases and directories:

    python call_instructions.py RUST_DIR C_HPY_DIR CPY_DIR [PYO3_DIR] [--small N] [--large N]
                                [--repeats R] [--jobs J]

Time on a shared machine moves by more than the differences this is for, and on PyPy by far
more (a loop's cost changes with what else the JIT compiled, and from process to process). This
counts instructions instead, with valgrind's callgrind (self-modifying code checked, so PyPy's
JIT runs under it): each case runs as `for _ in range(n): <call>` in a function of a fresh
interpreter, after a warm-up of the same loop (which the JIT compiles on PyPy), for n = small and
n = large, with the hash seed fixed and address randomisation off; the figure is
(I(large) - I(small)) / (large - small), the median of R runs. It includes what the loop itself
costs, so the ratios understate differences in the call alone. Needs `valgrind` and `setarch`.
Prints Markdown.
"""

import argparse
import concurrent.futures
import os
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from call_bench import CASES  # noqa: E402

CHILD = """
import importlib.util, sys
kind, directory, name, stmt, setup, n = sys.argv[1:7]
if kind == "hpy":
    import hpy.universal
    path = f"{directory}/{name}.hpy0.so"
    spec = importlib.util.spec_from_file_location(name, path)
    m = hpy.universal.load(name, path, spec, mode=hpy.universal.MODE_UNIVERSAL)
else:
    sys.path.insert(0, directory)
    m = importlib.import_module(name)
ns = {"m": m}
if "add" in setup:
    ns["add"] = m.add_ints if hasattr(m, "add_ints") else None
    if kind == "hpy" and ns["add"] is None:
        path = f"{directory}/cargs.hpy0.so"
        spec = importlib.util.spec_from_file_location("cargs", path)
        ns["add"] = hpy.universal.load("cargs", path, spec, mode=hpy.universal.MODE_UNIVERSAL).add
exec(setup, ns)
exec(f"def run(n):\\n    for _ in range(n):\\n        {stmt}\\n", ns)
ns["run"](20000)
ns["run"](int(n))
"""


def instructions(impl, stmt, setup, n):
    kind, directory, name = impl
    env = dict(os.environ, PYTHONHASHSEED="0")
    cmd = ["setarch", "-R", "valgrind", "--tool=callgrind", "--smc-check=all",
           "--callgrind-out-file=/dev/null", sys.executable, "-c", CHILD,
           kind, directory, name, stmt, setup, str(n)]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    found = re.search(r"Collected : (\d+)", r.stderr)
    if r.returncode != 0 or not found:
        raise RuntimeError(f"callgrind failed for {name} in {directory}, {stmt!r}: {r.stderr[-2000:]}")
    return int(found.group(1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("rust")
    parser.add_argument("c_hpy")
    parser.add_argument("cpy")
    parser.add_argument("pyo3", nargs="?")
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=600_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    opts = parser.parse_args()

    impls = {
        "Rust SDK": ("hpy", os.path.abspath(opts.rust), "hpy_simple"),
        "C HPy": ("hpy", os.path.abspath(opts.c_hpy), "hpy_simple"),
        "C API": ("native", os.path.abspath(opts.cpy), "cpy_simple"),
    }
    if opts.pyo3 and sys.implementation.name == "cpython":
        impls["PyO3"] = ("native", os.path.abspath(opts.pyo3), "pyo3_simple")

    def applies(name, label, setup):
        if "add" in setup and name == "C API":
            return False  # cpy_simple has no add_ints
        return not ("noargs_self" in label and name in ("C HPy", "C API"))

    with concurrent.futures.ThreadPoolExecutor(opts.jobs) as pool:
        jobs = {
            (label, name, n): [pool.submit(instructions, impl, stmt, setup, n) for _ in range(opts.repeats)]
            for label, stmt, setup in CASES
            for name, impl in impls.items()
            if applies(name, label, setup)
            for n in (opts.small, opts.large)
        }
        counts = {key: statistics.median(f.result() for f in futures) for key, futures in jobs.items()}

    per_call = {
        (label, name): (counts[label, name, opts.large] - counts[label, name, opts.small]) / (opts.large - opts.small)
        for label, _, setup in CASES
        for name in impls
        if applies(name, label, setup)
    }
    names = list(impls)
    others = names[1:]
    impl = f"{sys.implementation.name} {sys.version.split()[0]}"
    print(f"### {impl}\n")
    print(f"Instructions per loop iteration (callgrind; (I({opts.large:,}) - I({opts.small:,})) / "
          f"{opts.large - opts.small:,}, median of {opts.repeats} runs); ratio = the Rust SDK's count "
          "divided by the other's.\n")
    print("| call | " + " | ".join(names) + " | " + " | ".join(f"SDK / {n}" for n in others) + " |")
    print("|---|" + "---:|" * (len(names) + len(others)))
    for label, _, _ in CASES:
        cells = [f"{per_call[label, n]:.0f}" if (label, n) in per_call else "n/a" for n in names]
        ratios = [
            f"{per_call[label, 'Rust SDK'] / per_call[label, n]:.2f}" if (label, n) in per_call else "n/a"
            for n in others
        ]
        print(f"| `{label}` | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
    print()


if __name__ == "__main__":
    main()
