"""Array benchmark (a program, not a test): examples/array's `Array` against `array.array('d')`
and numpy for element access, iteration, sum and elementwise add, at sizes 10, 1,000 and
1,000,000, on the running interpreter. Writes the results as JSON.

Usage: python benchmarks/array_bench.py MODULE_DIR NUMPY_DIR OUT.json
"""

import array
import importlib.util
import json
import operator
import sys
import timeit

import hpy.universal

SIZES = [10, 1_000, 1_000_000]
# Element access and iteration touch at most this many elements per run.
TOUCH = 100_000


def load(module_dir):
    so = f"{module_dir}/array_hpy.hpy0.so"
    spec = importlib.util.spec_from_file_location("array_hpy", so)
    return hpy.universal.load("array_hpy", so, spec, mode=hpy.universal.MODE_UNIVERSAL)


def best(stmt, number, repeat=7):
    """The fastest of `repeat` runs of `number` calls, in seconds per call."""
    return min(timeit.repeat(stmt, number=number, repeat=repeat)) / number


def bench(kind, make, n):
    x, y = make(n), make(n)
    k = min(n, TOUCH)
    idx = range(k)

    def access():
        for i in idx:
            x[i]

    def iterate():
        for i, _ in zip(idx, x):
            pass

    if kind == "Array (hpy)":
        def total():
            return x.sum()

        def add():
            return x + y
    elif kind == "numpy":
        def total():
            return x.sum()

        def add():
            return x + y
    else:
        def total():
            return sum(x)

        def add():
            return array.array("d", map(operator.add, x, y))

    reps = max(1, 200_000 // max(n, 1))
    return {
        "access": best(access, max(1, 100_000 // k)) / k * 1e9,
        "iterate": best(iterate, max(1, 100_000 // k)) / k * 1e9,
        "sum": best(total, reps) * 1e6,
        "add": best(add, reps) * 1e6,
    }


def main():
    module_dir, numpy_dir, out = sys.argv[1:4]
    sys.path.insert(0, numpy_dir)
    import numpy

    mod = load(module_dir)
    kinds = {
        "Array (hpy)": lambda n: mod.Array(array.array("d", range(n))),
        "array.array": lambda n: array.array("d", range(n)),
        "numpy": lambda n: numpy.arange(n, dtype=numpy.float64),
    }
    results = {
        "interpreter": f"{sys.implementation.name} {sys.version.split()[0]}",
        "numpy": numpy.__version__,
        "rows": [],
    }
    for n in SIZES:
        for kind, make in kinds.items():
            r = bench(kind, make, n)
            results["rows"].append({"kind": kind, "n": n, **r})
            print(f"{results['interpreter']:>16} n={n:>9} {kind:<12} access {r['access']:8.1f} ns/elt  "
                  f"iterate {r['iterate']:8.1f} ns/elt  sum {r['sum']:10.2f} us  add {r['add']:10.2f} us",
                  flush=True)
    with open(out, "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
