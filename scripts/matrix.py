"""Prints the interpreter matrix of a test run as a Markdown table: per interpreter, the HPy
runtime and the results of tests/python (in HPy's universal and debug mode, and the tests of
trace mode and of whole processes) and of ujson's upstream suite in both modes, then the same
suites against the CPython-ABI builds (`cargo hpy build --abi cpython`, CPython only), then
tests/python in every mode through hpy_rs_runtime (this project's own runtime, CPython only)
and HPy 0.9.0's own test suite against it (its universal and hybrid ABIs, then its debug and
trace modes; scripts/hpy-suite.sh),
read from the JUnit XML files the test command writes into target/matrix (`<interpreter>.json`
describes the interpreter, `<interpreter>-<suite>.xml` holds the results; the CPython ABI's are
`<interpreter>-cpython-abi-pytest.xml` and `<interpreter>-upstream-cpython-abi.xml`,
hpy_rs_runtime's `<interpreter>-hpy-rs-pytest.xml`, `<interpreter>-hpy-suite.xml` and
`<interpreter>-hpy-suite-debug.xml`). A test
that crashed its process (hpy_rs_plugin.py's isolation reports it as a failure whose message
starts with CRASHED) counts as failed, and the cell says how many of the failures were crashes.

Usage: python scripts/matrix.py target/matrix
"""

import collections
import json
import pathlib
import re
import sys
import xml.etree.ElementTree as ET


# hpy_rs_plugin.py's failure message for a test whose process died (JUnit quotes a setup or
# teardown failure's message: 'failed on setup with "CRASHED ...').
CRASHED = re.compile(r'(^|")CRASHED\b')


def outcomes(xml):
    """{mode: Counter(outcome)} for one JUnit file; the mode is read from the test id."""
    counts = collections.defaultdict(collections.Counter)
    for case in ET.parse(xml).getroot().iter("testcase"):
        name = case.get("name", "")
        m = re.search(r"\[(?:cpython|pypy)-(cpython-abi|universal|debug|trace)\b", name)
        mode = m.group(1) if m else "other"
        problems = [e for e in case if e.tag in ("failure", "error")]
        if problems:
            counts[mode]["failed"] += 1
            if any(CRASHED.search(e.get("message", "")) for e in problems):
                counts[mode]["crashed"] += 1
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
        crashed = f" ({counter['crashed']} crashed)" if counter["crashed"] else ""
        text += f", **{counter['failed']} failed{crashed}**"
    return text


def total(xml):
    """Counter of every outcome in one JUnit file (empty if the file is not there)."""
    counter = collections.Counter()
    if xml.exists():
        for mode_counter in outcomes(xml).values():
            counter.update(mode_counter)
    return counter


def main():
    folder = pathlib.Path(sys.argv[1])
    rows = []
    for info_file in sorted(folder.glob("*.json")):
        info = json.loads(info_file.read_text())
        key = info_file.stem
        suite = outcomes(folder / f"{key}-pytest.xml") if (folder / f"{key}-pytest.xml").exists() else {}
        abi = total(folder / f"{key}-cpython-abi-pytest.xml")
        upstream = {mode: total(folder / f"{key}-upstream-{mode}.xml")
                    for mode in ("universal", "debug", "cpython-abi")}
        other = collections.Counter()
        for mode in ("trace", "other"):
            other.update(suite.get(mode, {}))
        rows.append((info["interpreter"], info["runtime"],
                     cell(suite.get("universal")), cell(suite.get("debug")), cell(other),
                     cell(upstream.get("universal")), cell(upstream.get("debug")),
                     cell(abi), cell(upstream.get("cpython-abi")),
                     cell(total(folder / f"{key}-hpy-rs-pytest.xml")),
                     cell(total(folder / f"{key}-hpy-suite.xml")),
                     cell(total(folder / f"{key}-hpy-suite-debug.xml"))))
    print("| interpreter | HPy runtime | tests, universal | tests, debug (leak-checked) "
          "| tests, trace mode and whole-process | ujson upstream, universal "
          "| ujson upstream, debug | tests, CPython ABI | ujson upstream, CPython ABI "
          "| tests (all modes), hpy_rs_runtime | HPy 0.9.0's suite (universal, hybrid), hpy_rs_runtime "
          "| HPy 0.9.0's suite (debug, trace), hpy_rs_runtime |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
