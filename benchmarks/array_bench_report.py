"""Writes docs/array-benchmark.md from the JSON results of benchmarks/array_bench.py.

Usage: python benchmarks/array_bench_report.py RESULTS_DIR DOCS_DIR
"""

import json
import pathlib
import platform
import sys

HEAD = """# Array benchmark

examples/array's `Array` (release build, HPy universal mode) against `array.array('d')` and
numpy, on each interpreter: element access (`x[i]` in a loop, ns per element), iteration
(`for v in x`, ns per element), sum (`x.sum()`, or `sum(x)` for `array.array`; µs per call) and
elementwise add (`x + y`; for `array.array`, `array('d', map(operator.add, x, y))`; µs per call).
Each figure is the fastest of 7 runs; access and iteration touch at most 100,000 elements.
Produced by `./scripts/bench-array.sh` (a program, not a test); one run on a shared 2-core
machine, so differences under about 20% are noise.

What the figures show: on CPython, `Array`'s element access costs about what `array.array`'s
does (one call through a slot and HPy's trampoline); iteration costs more, because HPy 0.9 has no
`tp_iternext` slot and CPython calls `__next__` as a method (see the guide's classes page); sum and
add run over the Rust slice, far ahead of `array.array` and within a small factor of numpy's
vectorised loops at large sizes. On PyPy, `array.array` is compiled by the JIT, while every
`Array` operation is a call into the module that the JIT cannot see into; numpy there goes through
the C-API emulation, which makes its per-element operations the slowest.
"""


def main():
    results, docs = map(pathlib.Path, sys.argv[1:3])
    parts = [HEAD, f"Machine: {platform.machine()}, {platform.system()}.\n"]
    for path in sorted(results.glob("array-*.json")):
        r = json.loads(path.read_text())
        parts.append(f"\n## {r['interpreter']} (numpy {r['numpy']})\n")
        parts.append("| n | type | access ns/elt | iterate ns/elt | sum µs | add µs |")
        parts.append("|---:|---|---:|---:|---:|---:|")
        for row in r["rows"]:
            parts.append(f"| {row['n']:,} | {row['kind']} | {row['access']:.1f} | {row['iterate']:.1f} "
                         f"| {row['sum']:.2f} | {row['add']:.2f} |")
    (docs / "array-benchmark.md").write_text("\n".join(parts) + "\n")
    print(f"wrote {docs / 'array-benchmark.md'}")


if __name__ == "__main__":
    main()
