"""Times `add(a, b)` called positionally and by keyword: the Rust SDK's generated argument
handling (examples/hello, release build) against the same function in C with HPy's
HPyArg_ParseKeywords (benchmarks/cargs.c), both universal-ABI modules loaded in this process.

Usage: python args_bench.py RUST_MODULE_DIR C_MODULE_DIR
Prints median nanoseconds per call over several repeats, and the Rust/C ratio (lower is better).
"""

import importlib.util
import statistics
import sys
import timeit

import hpy.universal


def load(name, directory):
    path = f"{directory}/{name}.hpy0.so"
    spec = importlib.util.spec_from_file_location(name, path)
    return hpy.universal.load(name, path, spec, mode=hpy.universal.MODE_UNIVERSAL)


def median_ns(stmt, namespace, number, repeat):
    timer = timeit.Timer(stmt, globals=namespace)
    timer.timeit(number)  # warm-up (and JIT on PyPy)
    return statistics.median(t / number * 1e9 for t in timer.repeat(repeat, number))


def main():
    rust = load("hello", sys.argv[1])
    c = load("cargs", sys.argv[2])
    assert rust.add(1, 2) == c.add(1, 2) == 3
    assert rust.add(a=1, b=2) == c.add(a=1, b=2) == 3
    number, repeat = 200_000, 15
    impl = f"{sys.implementation.name} {sys.version.split()[0]}"
    print(f"add(a, b): median ns per call over {repeat} x {number} calls, {impl}, hpy {hpy.universal.get_version()[0]}")
    print(f"{'call':<22}{'Rust SDK':>10}{'C + HPyArg':>12}{'Rust / C':>10}")
    for label, stmt in [("add(1, 2)", "f(1, 2)"), ("add(a=1, b=2)", "f(a=1, b=2)"), ("add(1, b=2)", "f(1, b=2)")]:
        r = median_ns(stmt, {"f": rust.add}, number, repeat)
        k = median_ns(stmt, {"f": c.add}, number, repeat)
        print(f"{label:<22}{r:>10.1f}{k:>12.1f}{r / k:>10.2f}")


if __name__ == "__main__":
    main()
