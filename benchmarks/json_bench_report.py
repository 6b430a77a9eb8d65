"""Writes docs/json-benchmark.md (tables and ratios) and docs/json-benchmark.png (bar chart)
from the result files json_bench.py wrote for each interpreter.

    python json_bench_report.py RESULTS_DIR DOCS_DIR
"""

import json
import pathlib
import sys


def load(results_dir):
    out = []
    for name in ("cpython.json", "pypy.json"):
        p = pathlib.Path(results_dir) / name
        if p.exists():
            out.append(json.loads(p.read_text()))
    return out


def table(res):
    libs = res["libraries"]
    lines = [
        f"### {res['interpreter']}",
        "",
        "Median milliseconds per call (lower is better); ratios are ujson_hpy's time divided by the other's.",
        "",
        "| file | op | " + " | ".join(libs) + " | ujson_hpy / ujson | ujson_hpy / json |",
        "|---|---|" + "---:|" * (len(libs) + 2),
    ]
    for key, row in res["times"].items():
        f, op = key.split(":")
        cells = [f"{row[l] * 1e3:.3f}" if row.get(l) else "n/a" for l in libs]
        ratios = [f"{row['ujson_hpy'] / row[r]:.2f}" if row.get(r) else "n/a" for r in ("ujson", "json")]
        lines.append(f"| {f} | {op} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
    return "\n".join(lines)


def chart(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(results), 1, figsize=(12, 4.5 * len(results)), squeeze=False)
    for ax, res in zip(axes[:, 0], results):
        keys = list(res["times"])
        libs = res["libraries"]
        width = 0.8 / len(libs)
        for i, lib in enumerate(libs):
            # Time relative to ujson (1.0 = ujson's time), so every file fits one scale.
            vals = [
                (res["times"][k][lib] / res["times"][k]["ujson"]) if res["times"][k].get(lib) and res["times"][k].get("ujson") else 0
                for k in keys
            ]
            ax.bar([x + i * width for x in range(len(keys))], vals, width, label=lib)
        ax.axhline(1.0, color="grey", linewidth=0.8)
        ax.set_xticks([x + 0.4 - width / 2 for x in range(len(keys))])
        ax.set_xticklabels([k.replace(".json:", "\n") for k in keys], fontsize=8)
        ax.set_ylabel("time relative to ujson (lower is better)")
        ax.set_title(res["interpreter"])
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)


def main():
    results_dir, docs = sys.argv[1:3]
    results = load(results_dir)
    docs = pathlib.Path(docs)
    docs.mkdir(parents=True, exist_ok=True)
    body = [
        "# JSON benchmark: ujson_hpy against ujson, orjson and json",
        "",
        "Written by `./scripts/bench-json.sh` (benchmarks/json_bench.py, json_bench_report.py): each",
        "interpreter runs every library side by side in one process, in interleaved rounds; medians",
        "of 9 rounds. Each library works on its own copy of the input, so none profits from the UTF-8",
        "another left cached on CPython's `str` objects. Files: simdjson@0.9.2's jsonexamples and",
        "ujson 6.1.0's tests/sample.json. ujson_hpy is the same release `.hpy0.so` on both",
        "interpreters (HPy universal mode); ujson on PyPy is the C-API original through PyPy's C-API",
        "emulation. The machine is shared: ratios move by a few hundredths between runs.",
        "",
        "![chart](json-benchmark.png)",
        "",
    ]
    body += [table(r) + "\n" for r in results]
    (docs / "json-benchmark.md").write_text("\n".join(body))
    chart(results, docs / "json-benchmark.png")
    print(f"wrote {docs / 'json-benchmark.md'} and {docs / 'json-benchmark.png'}")


if __name__ == "__main__":
    main()
