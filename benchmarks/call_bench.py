"""Per-call cost of HPy's microbenchmark module written four ways, side by side in one process:
the Rust SDK (benchmarks/microbench, universal ABI), the C original `hpy_simple.c` (universal
ABI), the C-API original `cpy_simple.c`, and on CPython PyO3 (benchmarks/microbench-pyo3).

Usage: python call_bench.py RUST_DIR C_HPY_DIR CPY_DIR [PYO3_DIR] [--cpython-abi DIR]
       [--rounds N] [--number N]

With --cpython-abi, the SDK's port built for the CPython ABI (`cargo hpy build --abi cpython`,
`hpy_simple.cpython-3XY-<platform>.so` in DIR) runs beside them as "SDK, CPython ABI", and the
last columns give its time divided by the C API module's and PyO3's.

Rounds are interleaved (every case, every implementation, then again), each timing `number`
calls with the thread's CPU time; the table gives the median nanoseconds per call with the
loop's own cost subtracted, and the SDK's ratio to each other implementation. Prints Markdown.
"""

import argparse
import importlib.util
import statistics
import sys
import time
import timeit

import hpy.universal


def load_hpy(name, directory, alias):
    path = f"{directory}/{name}.hpy0.so"
    spec = importlib.util.spec_from_file_location(alias, path)
    return hpy.universal.load(name, path, spec, mode=hpy.universal.MODE_UNIVERSAL)


def load_native(name, directory):
    sys.path.insert(0, directory)
    try:
        return importlib.import_module(name)
    finally:
        sys.path.pop(0)


# (label, statement, setup): `m` is the module; `add` is add_ints where the module has one.
# `Foo`'s methods read no struct in any implementation, as in the C module; `noargs_self` (the
# Rust ports only) takes `&self`.
CASES = [
    ("noargs()", "f()", "f = m.noargs"),
    ("onearg(1)", "f(1)", "f = m.onearg"),
    ("varargs(None, None)", "f(None, None)", "f = m.varargs"),
    ("varargs(*args), 2 args", "f(*t)", "f = m.varargs; t = (None, None)"),
    ("add_ints(1, 2)", "f(1, 2)", "f = add"),
    ("add_ints(a=1, b=2)", "f(a=1, b=2)", "f = add"),
    ("allocate_int()", "f()", "f = m.allocate_int"),
    ("allocate_tuple()", "f()", "f = m.allocate_tuple"),
    ("call_with_tuple(g, (1, 2))", "f(g, t)", "f = m.call_with_tuple; g = lambda a, b: a; t = (1, 2)"),
    ("Foo()", "F()", "F = m.Foo"),
    ("obj.noargs()", "o.noargs()", "o = m.Foo()"),
    ("obj.noargs_self() (reads the struct)", "o.noargs_self()", "o = m.Foo()"),
    ("obj.onearg(1)", "o.onearg(1)", "o = m.Foo()"),
    ("len(obj)", "len(o)", "o = m.Foo()"),
    ("obj[0]", "o[0]", "o = m.Foo()"),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("rust")
    parser.add_argument("c_hpy")
    parser.add_argument("cpy")
    parser.add_argument("pyo3", nargs="?")
    parser.add_argument("--cpython-abi", dest="cpython_abi")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--number", type=int, default=200_000)
    opts = parser.parse_args()

    impls = {
        "Rust SDK": load_hpy("hpy_simple", opts.rust, "hpy_simple_rust"),
        "C HPy": load_hpy("hpy_simple", opts.c_hpy, "hpy_simple_c"),
        "C API": load_native("cpy_simple", opts.cpy),
    }
    adds = {
        "Rust SDK": impls["Rust SDK"].add_ints,
        "C HPy": load_hpy("cargs", opts.c_hpy, "cargs").add,
        "C API": None,
    }
    if opts.pyo3 and sys.implementation.name == "cpython":
        impls["PyO3"] = load_native("pyo3_simple", opts.pyo3)
        adds["PyO3"] = impls["PyO3"].add_ints
    if opts.cpython_abi and sys.implementation.name == "cpython":
        impls["SDK, CPython ABI"] = load_native("hpy_simple", opts.cpython_abi)
        adds["SDK, CPython ABI"] = impls["SDK, CPython ABI"].add_ints
    assert impls["Rust SDK"] is not impls["C HPy"]

    timers = {}
    for label, stmt, setup in CASES:
        for name, module in impls.items():
            if "add" in setup and adds[name] is None:
                continue
            namespace = {"m": module, "add": adds[name]}
            exec(setup, namespace)
            if stmt.startswith("o.") and not hasattr(namespace["o"], stmt[2:].split("(")[0]):
                continue  # a method only the Rust ports have
            timers[label, name] = timeit.Timer(stmt, globals=namespace, timer=time.thread_time)
    empty = timeit.Timer("pass", timer=time.thread_time)

    for timer in timers.values():  # warm-up (and the JIT on PyPy)
        timer.timeit(opts.number)
    samples = {key: [] for key in timers}
    loop = []
    for _ in range(opts.rounds):
        loop.append(empty.timeit(opts.number) / opts.number)
        for key, timer in timers.items():
            samples[key].append(timer.timeit(opts.number) / opts.number)
    base = statistics.median(loop)
    ns = {key: max(statistics.median(v) - base, 0.0) * 1e9 for key, v in samples.items()}

    names = list(impls)
    others = [n for n in names if n not in ("Rust SDK", "SDK, CPython ABI")]
    abi_others = [n for n in ("C API", "PyO3") if n in impls] if "SDK, CPython ABI" in impls else []
    impl = f"{sys.implementation.name} {sys.version.split()[0]}"
    print(f"### {impl}, hpy {hpy.universal.get_version()[0]}\n")
    print(f"Median ns per call over {opts.rounds} interleaved rounds of {opts.number:,} calls "
          f"(CPU time of the thread, the empty loop's {base * 1e9:.1f} ns subtracted); "
          "ratio = the Rust SDK's time divided by the other's.\n")
    head = "| call | " + " | ".join(names) + " | " + " | ".join(f"SDK / {n}" for n in others)
    head += "".join(f" | SDK, CPython ABI / {n}" for n in abi_others) + " |"
    print(head)
    print("|---|" + "---:|" * (len(names) + len(others) + len(abi_others)))
    for label, _, _ in CASES:
        cells = [f"{ns[label, n]:.1f}" if (label, n) in ns else "n/a" for n in names]
        ratios = []
        for n in others:
            if (label, n) in ns and ns[label, n] > 0:
                ratios.append(f"{ns[label, 'Rust SDK'] / ns[label, n]:.2f}")
            else:
                ratios.append("n/a")
        for n in abi_others:
            key = (label, "SDK, CPython ABI")
            if key in ns and (label, n) in ns and ns[label, n] > 0:
                ratios.append(f"{ns[key] / ns[label, n]:.2f}")
            else:
                ratios.append("n/a")
        print(f"| `{label}` | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
    print()


if __name__ == "__main__":
    main()
