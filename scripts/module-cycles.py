"""Checks that the modules of hpy/src depend on each other one way only.

A module is a top-level module of the crate: a file `src/<name>.rs` or a directory
`src/<name>/`. Module A depends on module B when code in A names `crate::B::...`, or names an item
that the crate root re-exports from B (`pub use b::{Item, ...}` in lib.rs, used as `crate::Item`
or `use crate::{Item, ...}`). The only cycle allowed is among the core trio (context, handle,
err). Prints the dependencies of each module and every forbidden cycle; exits 1 if there is one.

The crate root (`lib.rs`, or `main.rs` for a binary such as cargo-hpy) is not a module of the
graph: every module may use what it declares.

Usage: python scripts/module-cycles.py [CRATE_SRC_DIR]   (default: hpy/src)
"""

import pathlib
import re
import sys

ALLOWED = {"context", "handle", "err"}


def modules(src):
    mods = {}
    for p in sorted(src.iterdir()):
        if p.name in ("lib.rs", "main.rs") or p.name.startswith("."):
            continue
        if p.is_dir():
            mods[p.name] = sorted(p.rglob("*.rs"))
        elif p.suffix == ".rs":
            mods[p.stem] = [p]
    return mods


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(line.split("//")[0] for line in text.splitlines())


def root_exports(lib):
    """Item name -> module, from `pub use module::{...};` / `pub use module::Item;` in lib.rs."""
    out = {}
    text = strip_comments(lib.read_text())
    for m in re.finditer(r"pub use (\w+)(?:::\w+)*::(\{[^}]*\}|\w+)\s*;", text, re.S):
        module, items = m.group(1), m.group(2)
        if module in ("crate", "self", "super"):
            continue
        for item in re.findall(r"\w+", items):
            out[item] = module
    return out


def uses(text):
    """Every path written after `crate::`, including inside `use crate::{a, b::c}` groups."""
    paths = []
    for m in re.finditer(r"crate::(\{(?:[^{}]|\{[^{}]*\})*\}|\w+)", text):
        part = m.group(1)
        if part.startswith("{"):
            paths += re.findall(r"(?:^|[{,\s])(\w+)", part[1:-1])
        else:
            paths.append(part)
    return paths


def graph(src):
    mods = modules(src)
    root = src / "lib.rs" if (src / "lib.rs").exists() else src / "main.rs"
    exports = root_exports(root)
    deps = {}
    for name, files in mods.items():
        found = set()
        for f in files:
            for first in uses(strip_comments(f.read_text())):
                target = first if first in mods else exports.get(first)
                if target in mods and target != name:
                    found.add(target)
        deps[name] = found
    return deps


def cycles(deps):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(deps[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    sys.setrecursionlimit(10000)
    for v in sorted(deps):
        if v not in index:
            visit(v)
    return out


def main():
    src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "hpy/src")
    deps = graph(src)
    for name in sorted(deps):
        print(f"{name}: {', '.join(sorted(deps[name])) or '-'}")
    bad = [c for c in cycles(deps) if not c <= ALLOWED]
    for c in bad:
        print(f"error: import cycle among {', '.join(sorted(c))}", file=sys.stderr)
    if bad:
        sys.exit(1)
    print("no import cycle outside the core trio (context, handle, err)")


if __name__ == "__main__":
    main()
