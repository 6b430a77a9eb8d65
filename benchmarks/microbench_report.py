"""Reads two runs of HPy's microbench/test_microbench.py (its BENCHMARKS summary: one line per
test with the cpy and hpy timings), one with the C `hpy_simple` and one with the Rust SDK's, and
prints one Markdown table: each test's time with the C-API module, the C HPy module and the Rust
module, and the Rust module's time divided by the C HPy module's.

Usage: python microbench_report.py TITLE C_LOG RUST_LOG
"""

import re
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


def main():
    title, c_log, rust_log = sys.argv[1:4]
    c, rust = timings(c_log), timings(rust_log)
    print(f"### {title}\n")
    print("| test | C API, ms | C HPy, ms | Rust SDK, ms | Rust / C HPy |")
    print("|---|---:|---:|---:|---:|")
    ratios = []
    for test, (cpy, c_hpy) in c.items():
        if test not in rust:
            sys.exit(f"{test} is missing from the Rust run")
        r = rust[test][1]
        ratio = r / c_hpy if c_hpy else float("nan")
        ratios.append(ratio)
        print(f"| `{test}` | {cpy:.1f} | {c_hpy:.1f} | {r:.1f} | {ratio:.2f} |")
    ratios.sort()
    print(f"\n{len(ratios)} tests; Rust / C HPy from {ratios[0]:.2f} to {ratios[-1]:.2f}, "
          f"median {ratios[len(ratios) // 2]:.2f}.\n")


if __name__ == "__main__":
    main()
