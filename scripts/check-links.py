#!/usr/bin/env python3
"""Checks the links of the project's Markdown: README.md, ARCHITECTURE.md, CHANGELOG.md and docs/.

Every relative link must name a file or directory of the repository, and a `#fragment` must name
a heading of the target Markdown file (GitHub's anchors: lower case, punctuation dropped, spaces
as hyphens). Links to other sites are not fetched (the test command runs without network), only
required to be http(s) URLs. Prints each broken link as `file:line: link: reason` and exits 1 if
there is one.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"(?<!!)\[(?:[^\]\\]|\\.)*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^\s*(```|~~~)")


def files():
    for name in ("README.md", "ARCHITECTURE.md", "CHANGELOG.md"):
        if (ROOT / name).exists():
            yield ROOT / name
    yield from sorted((ROOT / "docs").rglob("*.md"))


def prose_lines(path):
    """(line number, text) of the lines outside fenced code blocks, inline code removed."""
    fenced = False
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield n, re.sub(r"`[^`]*`", "", line)


def anchor(heading):
    """GitHub's anchor for a heading's text."""
    text = re.sub(r"`([^`]*)`", r"\1", heading.strip().lower())
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path):
    found, seen = set(), {}
    for _, line in prose_lines(path):
        m = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if not m:
            continue
        a = anchor(m.group(2))
        count = seen.get(a, 0)
        seen[a] = count + 1
        found.add(a if count == 0 else f"{a}-{count}")
    return found


def check(path):
    problems = []
    for n, line in prose_lines(path):
        for m in LINK.finditer(line):
            target = m.group(1)
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):
                if not re.match(r"^https?://[^\s/]+", target) and not target.startswith("mailto:"):
                    problems.append((n, target, "not an http(s) URL"))
                continue
            file_part, _, fragment = target.partition("#")
            dest = (path.parent / file_part).resolve() if file_part else path
            if not dest.exists():
                problems.append((n, target, "no such file"))
                continue
            if ROOT not in dest.parents and dest != ROOT:
                problems.append((n, target, "outside the repository"))
                continue
            if fragment and dest.suffix == ".md" and fragment not in anchors(dest):
                problems.append((n, target, f"no heading #{fragment} in {dest.relative_to(ROOT)}"))
    return problems


def main():
    bad = 0
    checked = 0
    for path in files():
        checked += 1
        for n, target, reason in check(path):
            print(f"{path.relative_to(ROOT)}:{n}: {target}: {reason}")
            bad += 1
    if bad:
        print(f"{bad} broken link(s)", file=sys.stderr)
        return 1
    print(f"links ok in {checked} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
