"""Per-call cost of the porting example's functions (examples/porting) before and after the port:
step 1 (the PyO3 code inside an #[hpy_module], hybrid ABI: on PyPy PyO3's calls go through
cpyext) against step 3 (the same functions written with hpy-rs, universal ABI: on PyPy called
through its HPy).

Usage: python porting_bench.py STEP1_DIR STEP3_DIR [--rounds N] [--number N]

Each directory holds that step's build (`geometry.py` and its library). Both modules are named
`geometry`, so each timing runs in a process of its own; rounds are interleaved (every case of
step 1, then of step 3, then again). A process imports the step, calls the case 20 000 times
(warming PyPy's JIT), then times `number` calls five times with the thread's CPU time and
reports its best, less the cost of the same loop around a no-op. The table gives, per case, the
median over the rounds of those nanoseconds per call and step 1's time divided by step 3's.
Prints Markdown.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

CASES = [
    ("clamp(5.0, 0.0, 3.0)", "f(5.0, 0.0, 3.0)", "f = m.clamp"),
    ("mean([1.0, 2.0, 3.0])", "f(l)", "f = m.mean; l = [1.0, 2.0, 3.0]"),
    ("v.length()", "v.length()", "v = m.Vector(3.0, 4.0)"),
    ("v + w", "v + w", "v = m.Vector(3.0, 4.0); w = m.Vector(1.0, 2.0)"),
]

CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
import geometry as m
stmt, setup, number = sys.argv[2], sys.argv[3], int(sys.argv[4])
ns = {"m": m}
exec(setup, ns)
src = (
    "def timed(n):\n"
    "    clock = time.thread_time_ns\n"
    "    t0 = clock()\n"
    "    for _ in range(n):\n"
    "        " + stmt + "\n"
    "    return clock() - t0\n"
    "def empty(n):\n"
    "    clock = time.thread_time_ns\n"
    "    t0 = clock()\n"
    "    for _ in range(n):\n"
    "        pass\n"
    "    return clock() - t0\n"
)
ns["time"] = time
exec(src, ns)
ns["timed"](20000)
ns["empty"](20000)
best = min(ns["timed"](number) for _ in range(5))
base = min(ns["empty"](number) for _ in range(5))
print(json.dumps(max(best - base, 0) / number))
"""


def one(directory, stmt, setup, number):
    out = subprocess.run(
        [sys.executable, "-c", CHILD, directory, stmt, setup, str(number)],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step1")
    parser.add_argument("step3")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--number", type=int, default=200_000)
    args = parser.parse_args()
    times = {(label, step): [] for label, _, _ in CASES for step in (1, 3)}
    for _ in range(args.rounds):
        for label, stmt, setup in CASES:
            for step, directory in ((1, args.step1), (3, args.step3)):
                times[(label, step)].append(one(directory, stmt, setup, args.number))
    impl = sys.implementation.name
    version = "%d.%d" % sys.version_info[:2]
    print(f"{impl} {version}, median of {args.rounds} rounds, ns per call")
    print()
    print("| call | step 1 (PyO3 in the hybrid module) | step 3 (hpy-rs, universal) | step 1 / step 3 |")
    print("|---|---:|---:|---:|")
    for label, _, _ in CASES:
        a = statistics.median(times[(label, 1)])
        b = statistics.median(times[(label, 3)])
        print(f"| `{label}` | {a:.1f} | {b:.1f} | {a / b:.2f}x |")


if __name__ == "__main__":
    main()
