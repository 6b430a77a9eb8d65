"""Instructions per call of HPy's microbenchmark module written several ways (a program, not a
test): the Rust SDK's port, the C `hpy_simple.c` (both universal ABI), the C-API `cpy_simple.c`
and, on CPython, PyO3's port. It takes call_bench.py's cases and directories:

    python call_instructions.py RUST_DIR C_HPY_DIR CPY_DIR [PYO3_DIR] [--small N] [--large N]
                                [--repeats R] [--jobs J]

Time on a shared machine moves by more than the differences this is for, and on PyPy by far
more (a loop's cost changes with what else the JIT compiled, and from process to process). This
counts instructions instead, with valgrind's callgrind (self-modifying code checked, so that
PyPy's JIT runs under it). Each case of each implementation runs in a fresh interpreter (hash
seed fixed, address randomisation off) as `for _ in range(n): <call>` in a function: once to
warm up (the JIT compiles the loop on PyPy), then for n = small and n = large, each inside a
region that a small C helper marks with callgrind's client requests. The figure is
(I(large) - I(small)) / (large - small) less the same for an empty loop, the median of R runs.
Needs `valgrind` (with its headers) and a C compiler. Prints Markdown.
"""

import argparse
import concurrent.futures
import os
import re
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from call_bench import CASES, applies, module_arguments  # noqa: E402

# Counts the instructions of body() alone, and dumps them under `label`.
REGION_C = """
#include <valgrind/callgrind.h>
void hpy_bench_region(void (*body)(void), const char *label) {
    CALLGRIND_ZERO_STATS;
    CALLGRIND_TOGGLE_COLLECT;
    body();
    CALLGRIND_TOGGLE_COLLECT;
    CALLGRIND_DUMP_STATS_AT(label);
}
"""

CHILD = r"""
import ctypes, importlib.util, sys
region, kind, directory, name, stmt, setup, small, large = sys.argv[1:9]
if kind == "hpy":
    import hpy.universal
    def load(name):
        path = f"{directory}/{name}.hpy0.so"
        spec = importlib.util.spec_from_file_location(name, path)
        return hpy.universal.load(name, path, spec, mode=hpy.universal.MODE_UNIVERSAL)
    m = load(name)
elif kind == "hpy-rs":
    # hpy_rs_runtime from the directory HPY_RS_RUNTIME_DIR names (runtime_instructions.py).
    import os
    sys.path.insert(0, os.environ["HPY_RS_RUNTIME_DIR"])
    import hpy_rs_runtime
    def load(name):
        path = f"{directory}/{name}.hpy0.so"
        spec = importlib.util.spec_from_file_location(name, path)
        return hpy_rs_runtime.load(name, path, spec, mode=hpy_rs_runtime.MODE_UNIVERSAL)
    m = load(name)
elif kind == "native":
    sys.path.insert(0, directory)
    m = importlib.import_module(name)
else:
    m = None
ns = {"m": m}
if "add" in setup:
    ns["add"] = m.add_ints if hasattr(m, "add_ints") else load("cargs").add
exec(setup, ns)
exec(f"def run(n):\n    for _ in range(n):\n        {stmt}\n", ns)
run = ns["run"]
run(20000)
lib = ctypes.CDLL(region)
lib.hpy_bench_region.argtypes = [ctypes.CFUNCTYPE(None), ctypes.c_char_p]
for label, n in (("small", int(small)), ("large", int(large))):
    body = ctypes.CFUNCTYPE(None)(lambda: run(n))
    lib.hpy_bench_region(body, label.encode())
"""


def instructions(region, impl, stmt, setup, small, large):
    """I(large) - I(small) for one case of one implementation, in a fresh interpreter."""
    kind, directory, name = impl
    env = dict(os.environ, PYTHONHASHSEED="0")
    with tempfile.TemporaryDirectory() as out:
        cmd = ["setarch", "-R", "valgrind", "--tool=callgrind", "--smc-check=all", "--collect-atstart=no",
               f"--callgrind-out-file={out}/cg.%p", sys.executable, "-c", CHILD,
               region, kind, directory, name, stmt, setup, str(small), str(large)]
        r = subprocess.run(cmd, capture_output=True, text=True, env=env)
        counts = {}
        for f in os.listdir(out):
            text = open(os.path.join(out, f)).read()
            label = re.search(r"^desc: Trigger: Client Request: (\w+)", text, re.M)
            total = re.search(r"^summary: (\d+)", text, re.M)
            if label and total:
                counts[label.group(1)] = int(total.group(1))
    if r.returncode != 0 or set(counts) != {"small", "large"}:
        raise RuntimeError(f"callgrind failed for {name} in {directory}, {stmt!r}: {r.stderr[-2000:]}")
    return counts["large"] - counts["small"]


def build_region(directory):
    source = os.path.join(directory, "region.c")
    with open(source, "w") as f:
        f.write(REGION_C)
    lib = os.path.join(directory, "libregion.so")
    subprocess.run(["cc", "-shared", "-fPIC", "-O1", source, "-o", lib], check=True)
    return lib


def count_arguments(parser):
    """The counting options, as this script and runtime_instructions.py take them."""
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=400_000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", help="the cases whose label contains this text")


def count(impls, opts):
    """Instructions per call of every case for every implementation that has it: `impls` maps a
    column name to (the port's name for `applies`, (kind, directory, module)). Returns the cases
    counted, the empty loop's count per iteration, and {(label, column): count per call}."""
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
    return cases, loop, per_call


def heading(opts, loop):
    """What the counts are, for the tables."""
    span = opts.large - opts.small
    return (f"Instructions per call (callgrind; (I({opts.large:,} calls) - I({opts.small:,} calls)) / "
            f"{span:,}, {'one run' if opts.repeats == 1 else f'median of {opts.repeats} runs'}, "
            f"the empty loop's {loop:.1f} subtracted)")


def main():
    parser = argparse.ArgumentParser()
    module_arguments(parser)
    count_arguments(parser)
    opts = parser.parse_args()

    impls = {
        "Rust SDK": ("hpy", os.path.abspath(opts.rust), "hpy_simple"),
        "C HPy": ("hpy", os.path.abspath(opts.c_hpy), "hpy_simple"),
        "C API": ("native", os.path.abspath(opts.cpy), "cpy_simple"),
    }
    if opts.pyo3 and sys.implementation.name == "cpython":
        impls["PyO3"] = ("native", os.path.abspath(opts.pyo3), "pyo3_simple")
    cases, loop, per_call = count({name: (name, impl) for name, impl in impls.items()}, opts)
    names = list(impls)
    others = names[1:]
    impl = f"{sys.implementation.name} {sys.version.split()[0]}"
    print(f"### {impl}\n")
    print(f"{heading(opts, loop)}; ratio = the Rust SDK's count divided by the other's.\n")
    print("| call | " + " | ".join(names) + " | " + " | ".join(f"SDK / {n}" for n in others) + " |")
    print("|---|" + "---:|" * (len(names) + len(others)))
    for label, _, _ in cases:
        cells = [f"{per_call[label, n]:.0f}" if (label, n) in per_call else "n/a" for n in names]
        ratios = [
            f"{per_call[label, 'Rust SDK'] / per_call[label, n]:.2f}" if (label, n) in per_call else "n/a"
            for n in others
        ]
        print(f"| `{label}` | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
    print()


if __name__ == "__main__":
    main()
