"""Coverage-guided fuzz targets for ujson_hpy (atheris, CPython), run by scripts/fuzz-ujson.sh.

    python fuzz_ujson.py loads|dumps MODULE_DIR [libFuzzer options ...]

`loads` feeds the input to `loads` as bytes and as text; `dumps` builds a Python value and an
option set from the input (see `build`), encodes it and reads the result back. Both compare the
outcome with ujson's (the C original): a different value or exception type, an exception
outside the documented ones, a `SystemError` (a Rust panic caught by the SDK) or a crash is a
finding: libFuzzer saves the input of a crash, and the harness itself saves the input of a Python
exception into the directory named by `FUZZ_FINDINGS`. `replay` (used by the regression test) runs one input
through the same checks without atheris.
"""

import hashlib
import math
import os
import struct
import sys

# Documented outcomes of bad input: ujson's own errors and those of the value's objects.
EXPECTED = (ValueError, TypeError, OverflowError, RecursionError, UnicodeError)


def outcome(f, *args, **kwargs):
    try:
        return "value", f(*args, **kwargs)
    except SystemError:
        raise
    except EXPECTED as e:
        return "error", type(e).__name__


def same(a, b):
    """Equality of decoded values (NaN equal to NaN, -0.0 apart from 0.0, dict order kept)."""
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


def check(mine, theirs, what):
    if mine[0] != theirs[0] or (mine[0] == "error" and mine != theirs):
        raise AssertionError(f"{what}: ujson_hpy {mine!r}, ujson {theirs!r}")
    if mine[0] == "value" and not same(mine[1], theirs[1]):
        raise AssertionError(f"{what}: ujson_hpy {mine[1]!r}, ujson {theirs[1]!r}")


class Reader:
    """Draws small numbers from the input bytes (0 once they run out)."""

    def __init__(self, data):
        self.data, self.pos = data, 0

    def byte(self):
        b = self.data[self.pos] if self.pos < len(self.data) else 0
        self.pos += 1
        return b

    def take(self, n):
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk


def build(r, depth=0):
    """A Python value from the input: scalars, strings (with surrogates), containers."""
    kind = r.byte() % (12 if depth < 30 else 8)
    if kind == 0:
        return None
    if kind == 1:
        return bool(r.byte() & 1)
    if kind == 2:
        return int.from_bytes(r.take(r.byte() % 12), "little", signed=True)
    if kind == 3:
        raw = r.take(8).ljust(8, b"\0")
        return struct.unpack("<d", raw)[0]
    if kind in (4, 5):
        raw = r.take(r.byte() % 16)
        return raw.decode("utf-16-le", "surrogatepass") if len(raw) % 2 == 0 and kind == 4 \
            else raw.decode("utf-8", "replace")
    if kind == 6:
        return r.take(r.byte() % 8)  # bytes: written as text unless reject_bytes
    if kind == 7:
        return ["\ud800", "\udfff", "<>&/", "\x00\x1f", "é€𝄞", ""][r.byte() % 6]
    if kind in (8, 9):
        items = [build(r, depth + 1) for _ in range(r.byte() % 5)]
        return tuple(items) if kind == 9 and r.byte() & 1 else items
    d = {}
    for _ in range(r.byte() % 5):
        key = build(r, depth + 1) if kind == 11 else str(r.take(r.byte() % 6))
        try:
            d[key] = build(r, depth + 1)
        except TypeError:  # an unhashable key
            pass
    return d


def options(r):
    flags = r.byte()
    opts = {
        "ensure_ascii": bool(flags & 1),
        "encode_html_chars": bool(flags & 2),
        "escape_forward_slashes": bool(flags & 4),
        "sort_keys": bool(flags & 8),
        "allow_nan": bool(flags & 16),
        "reject_bytes": bool(flags & 32),
        "indent": r.byte() % 7 - 2,
    }
    if flags & 64:
        opts["separators"] = ([",", ", ", ";"][r.byte() % 3], [":", ": ", "="][r.byte() % 3])
    return opts


def run_loads(uh, ujson, data):
    check(outcome(uh.loads, data), outcome(ujson.loads, data), f"loads({data!r})")
    text = data.decode("utf-8", "surrogateescape")
    check(outcome(uh.loads, text), outcome(ujson.loads, text), f"loads({text!r})")


def run_dumps(uh, ujson, data):
    r = Reader(data)
    opts = options(r)
    value = build(r)
    mine, theirs = outcome(uh.dumps, value, **opts), outcome(ujson.dumps, value, **opts)
    if theirs[0] == "value" and mine[0] == "error" and not valid_json(theirs[1]):
        return  # ujson wrote broken JSON (e.g. '{]' after a failed sort): ujson_hpy raised
    if opts["sort_keys"] and mine == ("error", "TypeError") and has_unorderable_keys(value):
        # ujson goes on writing after a failed sort: its outcome is broken JSON, or the error
        # of whatever fails later in the value (which then replaces the TypeError).
        return
    if mine != theirs:
        raise AssertionError(f"dumps({value!r}, **{opts}): ujson_hpy {mine!r}, ujson {theirs!r}")
    if mine[0] == "value":
        check(outcome(uh.loads, mine[1]), outcome(ujson.loads, mine[1]), f"loads({mine[1]!r})")


def has_unorderable_keys(value):
    """Whether a dict inside `value` has keys that `sorted` refuses."""
    if isinstance(value, dict):
        try:
            sorted(value)
        except TypeError:
            return True
        return any(has_unorderable_keys(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(has_unorderable_keys(v) for v in value)
    return False


def valid_json(text):
    import json

    try:
        json.loads(text)
        return True
    except ValueError:
        return False


TARGETS = {"loads": run_loads, "dumps": run_dumps}


def load_modules(module_dir):
    sys.path.insert(0, module_dir)
    import ujson
    import ujson_hpy

    return ujson_hpy, ujson


def replay(target, module_dir, data):
    uh, ujson = load_modules(module_dir)
    TARGETS[target](uh, ujson, data)


def main():
    target, module_dir = sys.argv[1], sys.argv[2]
    import atheris

    uh, ujson = load_modules(module_dir)
    run = TARGETS[target]
    saved = os.environ.get("FUZZ_FINDINGS")

    def one(data):
        try:
            run(uh, ujson, data)
        except BaseException:
            # libFuzzer does not always save the input of an uncaught Python exception.
            if saved:
                name = "finding-" + hashlib.sha1(data).hexdigest()
                with open(os.path.join(saved, name), "wb") as f:
                    f.write(data)
            raise

    atheris.Setup([sys.argv[0], *sys.argv[3:]], one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
