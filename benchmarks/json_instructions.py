"""Instructions per call of ujson_hpy against a baseline build (a program, not a test).

    python json_instructions.py DATA_DIR MODULE_DIR BASELINE_MODULE_DIR [REPEATS]

Wall time on a shared machine moves by a few percent between runs, more than the differences
this is for (a change that costs 1 to 4%). This counts instructions instead, with valgrind's
callgrind, which is deterministic up to small noise: for each document of
`json_bench.py` and for `loads` and `dumps`, it runs `k` calls in a fresh interpreter for k = 2
and k = 10 (hash seed fixed, address randomisation and the garbage collector off), and reports
(I(10) - I(2)) / 8 for each build, the smallest of REPEATS (default 2) runs each, and their
ratio. Needs `valgrind` and `setarch` on PATH.
"""

import concurrent.futures
import os
import re
import subprocess
import sys

FILES = ["twitter.json", "citm_catalog.json", "canada.json", "github_events.json", "sample.json"]

CHILD = """
import gc, importlib.util, json, sys
gc.disable()
import hpy.universal
directory, path, op, k = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
so = directory + "/ujson_hpy.hpy0.so"
spec = importlib.util.spec_from_file_location("ujson_hpy", so)
m = hpy.universal.load("ujson_hpy", so, spec, mode=hpy.universal.MODE_UNIVERSAL)
text = open(path, encoding="utf-8").read()
arg = text.encode().decode() if op == "loads" else json.loads(text)
f = getattr(m, op)
for _ in range(k):
    f(arg)
"""


def instructions(module_dir, path, op, k):
    env = dict(os.environ, PYTHONHASHSEED="0")
    cmd = ["setarch", "-R", "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
           sys.executable, "-c", CHILD, module_dir, path, op, str(k)]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    found = re.search(r"Collected : (\d+)", r.stderr)
    if r.returncode != 0 or not found:
        raise RuntimeError(f"callgrind failed for {module_dir} {path} {op}: {r.stderr[-2000:]}")
    return int(found.group(1))


def main():
    data, module, baseline = (os.path.abspath(a) for a in sys.argv[1:4])
    repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    builds = {"ujson_hpy": module, "baseline": baseline}
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        jobs = {
            (f, op, name, k): [
                pool.submit(instructions, d, os.path.join(data, f), op, k) for _ in range(repeats)
            ]
            for f in FILES
            for op in ("loads", "dumps")
            for name, d in builds.items()
            for k in (2, 10)
        }
        print(f"Instructions per call (callgrind), {sys.implementation.name} "
              f"{sys.version.split()[0]}; ratio = ujson_hpy / baseline")
        print()
        print("| document | op | ujson_hpy | baseline | ratio |")
        print("|---|---|---:|---:|---:|")
        for f in FILES:
            for op in ("loads", "dumps"):
                per = {}
                for name in builds:
                    high = min(j.result() for j in jobs[(f, op, name, 10)])
                    low = min(j.result() for j in jobs[(f, op, name, 2)])
                    per[name] = (high - low) / 8
                ratio = per["ujson_hpy"] / per["baseline"]
                print(f"| {f} | {op} | {per['ujson_hpy']:,.0f} | {per['baseline']:,.0f} | {ratio:.3f} |",
                      flush=True)


if __name__ == "__main__":
    main()
