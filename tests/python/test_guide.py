"""The Python code blocks of README.md and docs/guide/*.md, run as written (the Rust ones are
doctests of the hpy crate): each in a process of its own, in an empty directory, with the modules
this run tests importable through the loader stubs `cargo hpy build` wrote next to them
(`import hello`). A block that uses a mode's module (`hpy.debug`, `hpy.trace`, or
`hpy_rs_runtime`'s) runs in that mode (`HPY=debug`, `HPY=trace`), as the page says to; the others
in universal mode. A block fails its test if it raises or the process fails."""

import os
import re
import subprocess
import sys
import textwrap

import pytest

from conftest import MODULE_DIR, ROOT, universal_only

pytestmark = universal_only  # the blocks load modules through HPy's runtimes

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs" / "guide").glob("*.md"))]

# A fenced ```python block, at any indentation (a list item's block is indented).
BLOCK = re.compile(r"^(?P<indent>[ \t]*)```python[ \t]*\n(?P<code>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)

# Blocks that cannot run here, found by a line of theirs, with the reason.
NOT_RUN = {
    "import pof": "imports HPy's proof-of-concept module written in C, built by hpy.devel "
    "(tests/runtime builds and imports it through hpy_rs_runtime)",
}


def blocks():
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for m in BLOCK.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            found.append(pytest.param(
                textwrap.dedent(m.group("code")),
                id=f"{page.relative_to(ROOT)}:{line}",
            ))
    return found


BLOCKS = blocks()


def mode_of(code):
    """The HPy mode a block is written for: the one whose module it imports."""
    if re.search(r"\b(hpy|hpy_rs_runtime)\.trace\b", code):
        return "trace"
    if re.search(r"\b(hpy|hpy_rs_runtime)\.debug\b", code):
        return "debug"
    return "universal"


def test_the_pages_have_python_blocks():
    # The modes page has three; a change of the pattern above that found none would pass silently.
    assert len([b for b in BLOCKS if "modes.md" in b.id]) >= 3


@pytest.mark.parametrize("code", BLOCKS)
def test_python_block(code, tmp_path):
    for line, reason in NOT_RUN.items():
        if line in code:
            pytest.skip(reason)
    env = dict(os.environ, HPY=mode_of(code))
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(MODULE_DIR), env.get("PYTHONPATH")) if p
    )
    env.pop("HPY_LOG", None)
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300,
    )
    assert proc.returncode == 0, f"HPY={env['HPY']}\n{code}\n{proc.stdout}\n{proc.stderr}"
