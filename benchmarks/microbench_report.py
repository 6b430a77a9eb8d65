"""Reads runs of HPy's microbench/test_microbench.py (its BENCHMARKS summary: one line per test
with the cpy and hpy timings), some with the C `hpy_simple` and as many with the Rust SDK's
(run alternately), and prints one Markdown table: each test's median time with the C-API module,
the C HPy module and the Rust module over those runs, and the Rust module's median time divided
by the C HPy module's.

Usage: python microbench_report.py TITLE C_LOG[,C_LOG...] RUST_LOG[,RUST_LOG...]
"""

import re
import statistics
import sys

# "TestModule::test_noargs      193.41 us       215.93 us [1.12]": the suite prints seconds
# times 1000 with the unit "us", so the figures are milliseconds.
LINE = re.compile(r"^(Test\w+::test_\w+)\s+([\d.]+) us\s+([\d.]+) us")


def timings(path):
    table = {}
    with open(path) as f:
        for line in f:
            m = LINE.match(line)
            if m:
                table[m.group(1)] = (float(m.group(2)), float(m.group(3)))
    if not table:
        sys.exit(f"no BENCHMARKS summary in {path}")
    return table


def medians(paths):
    """Each test's median (cpy, hpy) timing over the runs in `paths`."""
    runs = [timings(p) for p in paths]
    return {
        test: tuple(statistics.median(run[test][i] for run in runs) for i in (0, 1))
        for test in runs[0]
        if all(test in run for run in runs)
    }


def main():
    title, c_logs, rust_logs = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
    c, rust = medians(c_logs), medians(rust_logs)
    print(f"### {title}\n")
    print("| test | C API, ms | C HPy, ms | Rust SDK, ms | Rust / C HPy |")
    print("|---|---:|---:|---:|---:|")
    ratios = []
    for test, (cpy, c_hpy) in c.items():
        if test not in rust:
            sys.exit(f"{test} is missing from the Rust runs")
        r = rust[test][1]
        ratio = r / c_hpy if c_hpy else float("nan")
        ratios.append(ratio)
        print(f"| `{test}` | {cpy:.1f} | {c_hpy:.1f} | {r:.1f} | {ratio:.2f} |")
    ratios.sort()
    print(f"\n{len(ratios)} tests, medians of {len(c_logs)} runs with each module; Rust / C HPy from "
          f"{ratios[0]:.2f} to {ratios[-1]:.2f}, median {ratios[len(ratios) // 2]:.2f}.\n")


if __name__ == "__main__":
    main()
