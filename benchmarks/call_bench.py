"""Per-call cost of HPy's microbenchmark module written four ways, side by side:
the Rust SDK (benchmarks/microbench, universal ABI), the C original `hpy_simple.c` (universal
ABI), the C-API original `cpy_simple.c`, and on CPython PyO3 (benchmarks/microbench-pyo3).

Usage: python call_bench.py RUST_DIR C_HPY_DIR CPY_DIR [PYO3_DIR] [--cpython-abi DIR]
       [--rounds N] [--number N] [--isolate K]

With --cpython-abi, the SDK's port built for the CPython ABI (`cargo hpy build --abi cpython`,
`hpy_simple.cpython-3XY-<platform>.so` in DIR) runs beside them as "SDK, CPython ABI", and the
last columns give its time divided by the C API module's and PyO3's.

Rounds are interleaved (every case, every implementation, then again), each timing `number`
calls with the thread's CPU time; the table gives the median nanoseconds per call with the
loop's own cost subtracted, and the SDK's ratio to each other implementation. Prints Markdown.

Before each timed loop a full collection runs, and the order of the loops rotates each round,
so that no loop pays for the garbage of the one before it (on PyPy the C-API module's objects
are freed late, in whatever code runs next).

With --isolate K (the default on PyPy: 3), each case of each implementation runs in K processes
of its own, which share out the rounds; the medians are over all their rounds. On PyPy the JIT
compiles each timed loop: in one process the traces of the other loops change what a loop
costs, by more than the implementations differ.
"""

import argparse
import gc
import importlib.util
import json
import subprocess
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
    # The mapping slot, which PyO3 gives `__getitem__` (not in the C module).
    ("obj[0], mapping slot", "o[0]", "o = m.MappingFoo()"),
]


def applies(name, label, setup):
    """Whether the implementation `name` has the case: the C-API module has no `add_ints` (the C
    HPy one's is `cargs.c`), and only the Rust and PyO3 ports have `noargs_self` and
    `MappingFoo`."""
    if "add" in setup and name == "C API":
        return False
    return not (("noargs_self" in label or "MappingFoo" in setup) and name in ("C HPy", "C API"))


def module_arguments(parser):
    """The directories of the builds, as both this script and call_instructions.py take them."""
    parser.add_argument("rust")
    parser.add_argument("c_hpy")
    parser.add_argument("cpy")
    parser.add_argument("pyo3", nargs="?")


def measure(timers, empty, rounds, number):
    """Times every timer `rounds` times after one warm-up round (which lets the JIT compile the
    loops on PyPy), in an order that rotates by one each round, with a full collection before each
    timed loop (so no loop pays for another's garbage); returns the seconds per call of each, and
    of the empty loop."""
    for timer in timers.values():
        timer.timeit(number)
    samples = {key: [] for key in timers}
    keys = list(timers)
    loop = []
    if not keys:  # a case this implementation lacks
        return samples, loop
    for r in range(rounds):
        gc.collect()
        loop.append(empty.timeit(number) / number)
        shift = r % len(keys)
        for key in keys[shift:] + keys[:shift]:
            gc.collect()
            samples[key].append(timers[key].timeit(number) / number)
    return samples, loop


def isolated(opts, names):
    """Runs each case of each implementation in `opts.isolate` child processes (this script with
    --case and --impl), which share out the rounds, and pools their samples."""
    samples, loop = {}, []
    share = [opts.rounds // opts.isolate + (i < opts.rounds % opts.isolate) for i in range(opts.isolate)]
    argv = [opts.rust, opts.c_hpy, opts.cpy, *([opts.pyo3] if opts.pyo3 else []),
            *(["--cpython-abi", opts.cpython_abi] if opts.cpython_abi else []), "--number", str(opts.number)]
    for rep, rounds in enumerate(share):
        if rounds == 0:
            continue
        for index in range(len(CASES)):
            shift = (rep + index) % len(names)
            for name in names[shift:] + names[:shift]:
                out = subprocess.run(
                    [sys.executable, __file__, *argv, "--isolate", "0", "--rounds", str(rounds),
                     "--case", str(index), "--impl", name],
                    check=True, capture_output=True, text=True,
                ).stdout
                result = json.loads(out)
                loop += result["loop"]
                for label, impl, values in result["samples"]:
                    samples.setdefault((label, impl), []).extend(values)
    return samples, loop


def main():
    parser = argparse.ArgumentParser()
    module_arguments(parser)
    parser.add_argument("--cpython-abi", dest="cpython_abi")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--number", type=int, default=200_000)
    parser.add_argument("--isolate", type=int, default=3 if sys.implementation.name == "pypy" else 0,
                        metavar="K", help="processes per case (0: every case in this process)")
    parser.add_argument("--case", type=int, help=argparse.SUPPRESS)  # a child of --isolate
    parser.add_argument("--impl", help=argparse.SUPPRESS)
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

    cases = CASES if opts.case is None else [CASES[opts.case]]
    timers = {}
    for label, stmt, setup in cases:
        for name, module in impls.items():
            if opts.impl is not None and name != opts.impl:
                continue
            if not applies(name, label, setup):
                continue
            namespace = {"m": module, "add": adds[name]}
            exec(setup, namespace)
            timers[label, name] = timeit.Timer(stmt, globals=namespace, timer=time.thread_time)
    empty = timeit.Timer("pass", timer=time.thread_time)

    if opts.isolate and opts.case is None:
        samples, loop = isolated(opts, list(impls))
    else:
        samples, loop = measure(timers, empty, opts.rounds, opts.number)
        if opts.case is not None:
            json.dump({"loop": loop, "samples": [[k[0], k[1], v] for k, v in samples.items()]}, sys.stdout)
            return
    base = statistics.median(loop)
    ns = {key: max(statistics.median(v) - base, 0.0) * 1e9 for key, v in samples.items()}

    names = list(impls)
    others = [n for n in names if n not in ("Rust SDK", "SDK, CPython ABI")]
    abi_others = [n for n in ("C API", "PyO3") if n in impls] if "SDK, CPython ABI" in impls else []
    impl = f"{sys.implementation.name} {sys.version.split()[0]}"
    print(f"### {impl}, hpy {hpy.universal.get_version()[0]}\n")
    where = (f"each case of each implementation in {opts.isolate} processes of its own" if opts.isolate
             else "every case in one process")
    print(f"Median ns per call over {opts.rounds} interleaved rounds of {opts.number:,} calls, "
          f"{where} (CPU time of the thread, the empty loop's {base * 1e9:.1f} ns subtracted); "
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
