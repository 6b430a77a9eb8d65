"""Prints the interpreter matrix of a test run as a Markdown table: per interpreter, the HPy
runtime and the results of tests/python (in HPy's universal and debug mode, and the tests of
trace mode and of whole processes) and of ujson's upstream suite in both modes, then the same
suites against the CPython-ABI builds (`cargo hpy build --abi cpython`, CPython only), read from
the JUnit XML files the test command writes into target/matrix (`<interpreter>.json` describes
the interpreter, `<interpreter>-<suite>.xml` holds the results; the CPython ABI's are
`<interpreter>-cpython-abi-pytest.xml` and `<interpreter>-upstream-cpython-abi.xml`).

Usage: python scripts/matrix.py target/matrix
"""

import collections
import json
import pathlib
import re
import sys
import xml.etree.ElementTree as ET


def outcomes(xml):
    """{mode: Counter(outcome)} for one JUnit file; the mode is read from the test id."""
    counts = collections.defaultdict(collections.Counter)
    for case in ET.parse(xml).getroot().iter("testcase"):
        name = case.get("name", "")
        m = re.search(r"\[(?:cpython|pypy)-(cpython-abi|universal|debug|trace)\b", name)
        mode = m.group(1) if m else "other"
        if case.find("failure") is not None or case.find("error") is not None:
            counts[mode]["failed"] += 1
        elif case.find("skipped") is not None:
            counts[mode]["skipped"] += 1
        else:
            counts[mode]["passed"] += 1
    return counts


def cell(counter):
    if not counter:
        return "-"
    text = f"{counter['passed']} passed"
    if counter["skipped"]:
        text += f", {counter['skipped']} skipped"
    if counter["failed"]:
        text += f", **{counter['failed']} failed**"
    return text


def main():
    folder = pathlib.Path(sys.argv[1])
    rows = []
    for info_file in sorted(folder.glob("*.json")):
        info = json.loads(info_file.read_text())
        key = info_file.stem
        suite = outcomes(folder / f"{key}-pytest.xml") if (folder / f"{key}-pytest.xml").exists() else {}
        abi_file = folder / f"{key}-cpython-abi-pytest.xml"
        abi = collections.Counter()
        if abi_file.exists():
            for counter in outcomes(abi_file).values():
                abi.update(counter)
        upstream = {}
        for mode in ("universal", "debug", "cpython-abi"):
            xml = folder / f"{key}-upstream-{mode}.xml"
            if xml.exists():
                total = collections.Counter()
                for counter in outcomes(xml).values():
                    total.update(counter)
                upstream[mode] = total
        other = collections.Counter()
        for mode in ("trace", "other"):
            other.update(suite.get(mode, {}))
        rows.append((info["interpreter"], info["runtime"],
                     cell(suite.get("universal")), cell(suite.get("debug")), cell(other),
                     cell(upstream.get("universal")), cell(upstream.get("debug")),
                     cell(abi), cell(upstream.get("cpython-abi"))))
    print("| interpreter | HPy runtime | tests, universal | tests, debug (leak-checked) "
          "| tests, trace mode and whole-process | ujson upstream, universal "
          "| ujson upstream, debug | tests, CPython ABI | ujson upstream, CPython ABI |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
