"""JSON benchmark (a program, not a test): ujson_hpy against ujson, orjson and json.

    python json_bench.py DATA_DIR MODULE_DIR RESULT.json [BASELINE_MODULE_DIR]

Times `loads` and `dumps` of each document for every library available in this interpreter,
side by side in this one process, and prints the median time per call and the ratios
ujson_hpy/ujson and ujson_hpy/json. The raw medians are written to RESULT.json for
json_bench_report.py.

Each library gets its own copy of the input (a new `str` for `loads`, a new object tree from
`json.loads` for `dumps`), made once and used for all of its calls. A shared input would let a
library profit from its neighbours: on CPython the first library that asks a `str` for its UTF-8
leaves a cached copy on the object, and a library that otherwise encodes the text on every call
(ujson does) then runs up to a fifth faster than it does on its own. The rounds are interleaved
(one round of each library in turn), so a slow spell of the shared machine hits every library
alike.

With BASELINE_MODULE_DIR, another build of ujson_hpy (for example from an earlier commit) runs
beside the others as `baseline`, and a last column gives ujson_hpy's time divided by its.
"""

import importlib
import json
import statistics
import sys
import time

FILES = ["twitter.json", "citm_catalog.json", "canada.json", "github_events.json", "sample.json"]
ROUNDS = 9
ROUND_SECONDS = 0.08
WARMUP_SECONDS = 0.6 if sys.implementation.name == "pypy" else 0.1


def load_baseline(directory):
    """The ujson_hpy.hpy0.so in `directory`, loaded beside the other under another name."""
    import importlib.util

    import hpy.universal

    path = f"{directory}/ujson_hpy.hpy0.so"
    spec = importlib.util.spec_from_file_location("ujson_hpy_baseline", path)
    return hpy.universal.load("ujson_hpy", path, spec, mode=hpy.universal.MODE_UNIVERSAL)


def libraries(module_dir, baseline_dir=None):
    sys.path.insert(0, module_dir)
    libs = {"ujson_hpy": importlib.import_module("ujson_hpy")}
    if baseline_dir:
        libs["baseline"] = load_baseline(baseline_dir)
    for name in ("ujson", "orjson"):
        try:
            libs[name] = importlib.import_module(name)
        except ImportError:
            pass
    libs["json"] = json
    return libs


def fresh_text(text):
    """A new `str` equal to `text`, with no cached UTF-8 (a decode makes none)."""
    return text.encode("utf-8").decode("utf-8")


def calibrate(fn, arg):
    """Warms `fn` up; returns how many calls make one round of about ROUND_SECONDS."""
    start = time.perf_counter()
    calls = 0
    while time.perf_counter() - start < WARMUP_SECONDS or calls < 3:
        fn(arg)
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    return max(1, int(ROUND_SECONDS / per_call))


def median_seconds(fns, args):
    """Median time of one call of each function on its own argument, over ROUNDS interleaved
    rounds of calibrated calls."""
    counts = {name: calibrate(fn, args[name]) for name, fn in fns.items()}
    samples = {name: [] for name in fns}
    for _ in range(ROUNDS):
        for name, fn in fns.items():
            n, arg = counts[name], args[name]
            t0 = time.perf_counter()
            for _ in range(n):
                fn(arg)
            samples[name].append((time.perf_counter() - t0) / n)
    return {name: statistics.median(s) for name, s in samples.items()}


def main():
    data_dir, module_dir, result_path = sys.argv[1:4]
    baseline_dir = sys.argv[4] if len(sys.argv) > 4 else None
    libs = libraries(module_dir, baseline_dir)
    impl = f"{sys.implementation.name} {sys.version.split()[0]}"
    results = {"interpreter": impl, "libraries": list(libs), "times": {}}
    print(f"\n{impl}: median time per call in ms (lower is better)")
    head = f"{'file':<20}{'op':<7}" + "".join(f"{n:>11}" for n in libs) + f"{'hpy/ujson':>11}{'hpy/json':>10}"
    if baseline_dir:
        head += f"{'hpy/base':>10}"
    print(head)
    print("-" * len(head))
    for name in FILES:
        text = open(f"{data_dir}/{name}", encoding="utf-8").read()
        for op in ("loads", "dumps"):
            if op == "loads":
                make_arg = lambda: fresh_text(text)  # noqa: E731
            else:
                make_arg = lambda: json.loads(text)  # noqa: E731
            fns, args = {}, {}
            for lib_name, lib in libs.items():
                fn = getattr(lib, op)
                try:
                    args[lib_name] = make_arg()
                    fn(args[lib_name])
                    fns[lib_name] = fn
                except Exception as e:  # e.g. orjson refuses sample.json's nesting depth
                    print(f"  ({lib_name}.{op}({name}) failed: {type(e).__name__}: {e})")
            row = dict.fromkeys(libs)
            row.update(median_seconds(fns, args))
            results["times"][f"{name}:{op}"] = row
            ratios = ""
            for ref in ("ujson", "json", "baseline") if baseline_dir else ("ujson", "json"):
                r = row["ujson_hpy"] / row[ref] if row.get(ref) else float("nan")
                ratios += f"{r:>11.2f}" if ref == "ujson" else f"{r:>10.2f}"
            cells = "".join(f"{row[n] * 1e3:>11.3f}" if row[n] else f"{'n/a':>11}" for n in libs)
            print(f"{name:<20}{op:<7}" + cells + ratios)
    with open(result_path, "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
