"""ujson_hpy (examples/ujson) against the standard `json`: round trips of the benchmark
documents and of generated ones, and the error paths, in universal and debug mode (leak-checked).

ujson's own upstream suite runs separately (tests/ujson/run_upstream.py); these tests add the
round-trip guarantees of the issue and the cases ujson's suite skips on PyPy.
"""

import json
import math
import pathlib
import random
import sys

import pytest

from conftest import STORAGE_WALK, Rehashed

DATA = pathlib.Path(__file__).resolve().parents[2] / "target" / "cache" / "jsonexamples"  # scripts/fetch-json-data.sh


def generated(seed, depth=0):
    """A random JSON document: nested containers, unicode, big ints, floats that round-trip."""
    rnd = random.Random(seed)

    def value(d):
        kind = rnd.randrange(10 if d < 4 else 6)
        if kind == 0:
            return rnd.choice([None, True, False])
        if kind == 1:
            return rnd.randrange(-(2**70), 2**70)
        if kind == 2:
            return rnd.randrange(-1000, 1000)
        if kind == 3:
            return rnd.uniform(-1e300, 1e300) * rnd.choice([1, 1e-300, 1e-10, 1])
        if kind in (4, 5):
            alphabet = "abc \"\\/\n\t\x00\x1f<>&é€𝄞\u2028"
            return "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(12)))
        if kind in (6, 7):
            return [value(d + 1) for _ in range(rnd.randrange(5))]
        return {f"k{rnd.randrange(50)}{'é' if rnd.random() < 0.2 else ''}": value(d + 1) for _ in range(rnd.randrange(5))}

    return value(depth)


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_generated_round_trip(ujson_hpy, seed, ensure_ascii):
    doc = generated(seed)
    text = ujson_hpy.dumps(doc, ensure_ascii=ensure_ascii)
    assert json.loads(text) == doc
    assert ujson_hpy.loads(text) == doc
    assert ujson_hpy.loads(json.dumps(doc)) == doc
    if ensure_ascii:
        assert text.isascii()


def benchmark_files():
    names = ["twitter.json", "citm_catalog.json", "canada.json", "github_events.json"]
    return [DATA / n for n in names]


@pytest.mark.parametrize("path", benchmark_files(), ids=lambda p: p.name)
def test_benchmark_files_round_trip(ujson_hpy, path):
    if not path.exists():
        pytest.skip(f"{path.name} is fetched by scripts/fetch-json-data.sh, which scripts/test.sh runs")
    text = path.read_text(encoding="utf-8")
    doc = json.loads(text)
    assert ujson_hpy.loads(text) == doc
    assert ujson_hpy.loads(text.encode()) == doc
    assert json.loads(ujson_hpy.dumps(doc)) == doc
    assert json.loads(ujson_hpy.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True)) == doc


def test_numbers(ujson_hpy):
    for n in [0, -1, 2**63 - 1, -(2**63), 2**64 - 1, 2**64, -(2**63) - 1, 10**30, -(10**30)]:
        assert ujson_hpy.loads(ujson_hpy.dumps(n)) == n
        assert ujson_hpy.dumps(n) == json.dumps(n)  # big ints on PyPy too
    for x in [0.1, 1 / 3, 1e16, 1e-5, 5e-324, sys.float_info.max, -0.0, 1e22, 123456.789]:
        assert ujson_hpy.loads(ujson_hpy.dumps(x)) == x
        assert math.copysign(1, ujson_hpy.loads(ujson_hpy.dumps(x))) == math.copysign(1, x)
    assert ujson_hpy.dumps([1e16, 1e-5, 1.0]) == "[1e+16,1e-5,1.0]"
    assert ujson_hpy.loads("0" * 50 + "7") == 7
    assert ujson_hpy.loads("[-]") == [0]
    assert math.isnan(ujson_hpy.loads("NaN")) and ujson_hpy.loads("-Infinity") == -math.inf


def test_strings_and_surrogates(ujson_hpy):
    s = "\ud800 lone \udfff and a pair \U0001f4a9 \x00"
    assert ujson_hpy.loads(ujson_hpy.dumps(s)) == s
    assert ujson_hpy.loads(ujson_hpy.dumps(s, ensure_ascii=False)) == s
    assert ujson_hpy.dumps("\U0001f4a9é/<") == '"\\ud83d\\udca9\\u00e9\\/<"'
    assert ujson_hpy.dumps("é/<", ensure_ascii=False, escape_forward_slashes=False, encode_html_chars=True) == '"é/\\u003c"'
    assert ujson_hpy.loads('"\\ud83d\\udca9"') == "\U0001f4a9"
    assert ujson_hpy.loads(b'"\xf0\x9f\x92\xa9"') == "\U0001f4a9"


def test_options(ujson_hpy):
    doc = {"b": [1, {}], "a": None}
    assert ujson_hpy.dumps(doc, indent=2, sort_keys=True) == json.dumps(doc, indent=2, sort_keys=True)
    assert ujson_hpy.dumps(doc, separators=(", ", ": ")) == json.dumps(doc, separators=(", ", ": "))
    assert ujson_hpy.dumps({1: 2, None: 3, False: 4, b"k": 5}) == '{"1":2,"null":3,"false":4,"k":5}'
    assert ujson_hpy.dumps(b"raw", reject_bytes=False) == '"raw"'

    class Obj:
        def __json__(self):
            return '{"raw":1}'

    class D:
        def toDict(self):
            return {"d": 1}

    assert ujson_hpy.dumps([Obj(), D()]) == '[{"raw":1},{"d":1}]'
    assert ujson_hpy.dumps({1, 2}, default=sorted) == "[1,2]"


def test_file_functions(ujson_hpy):
    import io

    f = io.StringIO()
    assert ujson_hpy.dump({"a": [1, "é"]}, f, ensure_ascii=False) is None
    assert f.getvalue() == '{"a":[1,"é"]}'
    f.seek(0)
    assert ujson_hpy.load(f) == {"a": [1, "é"]}
    with pytest.raises(TypeError, match="expected file"):
        ujson_hpy.load("[]")
    with pytest.raises(TypeError, match="expected file"):
        ujson_hpy.dump([], "")


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Expected object or value"),
        ("[1,]", "array value \\(1\\)"),
        ('{"a" 1}', "No ':' found"),
        ('{"a":1,}', "Unexpected character in found when decoding object value"),
        ("[1] x", "Trailing data"),
        ('"\\x"', "Unrecognized escape sequence"),
        ('"\\u12"', "Unexpected character in unicode escape"),
        ('"abc', "Unmatched"),
        (b'"\xff"', "Invalid UTF-8 sequence length"),
        (b'"\xc3("', "Invalid UTF-8 continuation byte"),
        ("tru", "'true'"),
        ("{1:2}", "Key name of object must be 'string'"),
        ("[" * 1025 + "]" * 1025, "depth limit"),
    ],
)
def test_decode_errors(ujson_hpy, text, message):
    with pytest.raises(ujson_hpy.JSONDecodeError, match=message) as info:
        ujson_hpy.loads(text)
    assert isinstance(info.value, ValueError)


def test_errors_of_other_types(ujson_hpy):
    with pytest.raises(TypeError, match="Expected string, bytes, or bytearray"):
        ujson_hpy.loads(3)
    with pytest.raises(TypeError, match="Arbitrary bytes-like objects"):
        ujson_hpy.loads(memoryview(b"1"))
    assert ujson_hpy.loads(bytearray(b"[99]")) == [99]
    with pytest.raises(TypeError, match="is not JSON serializable"):
        ujson_hpy.dumps([object()])
    with pytest.raises(TypeError, match="b'x' is not JSON serializable"):
        ujson_hpy.dumps({"a": [b"x"]})
    with pytest.raises(OverflowError, match="Invalid value when encoding double"):
        ujson_hpy.dumps([math.nan], allow_nan=False)
    with pytest.raises(OverflowError, match="Maximum recursion level reached"):
        x = []
        x.append(x)
        ujson_hpy.dumps(x)
    with pytest.raises(ValueError, match="Maximum allowed indentation is 1000"):
        ujson_hpy.dumps([], indent=1001)
    with pytest.raises(TypeError, match="expected tuple or None as separator"):
        ujson_hpy.dumps([], separators=[",", ":"])
    with pytest.raises(ZeroDivisionError):
        ujson_hpy.dumps([set()], default=lambda o: 1 / 0)
    with pytest.raises(TypeError, match="'<' not supported"):
        ujson_hpy.dumps({1: 1, "a": 2}, sort_keys=True)


def test_containers_changed_by_default(ujson_hpy):
    # `default` runs Python code in the middle of a container. The C original then reads a
    # slot past the end of a shortened list (a freed object); ujson_hpy stops at the new end,
    # and writes the items and keys that were there when the container was reached.
    items = [1, object(), 2, 3, 4]
    shrink = lambda o: items.pop() and "x"
    assert ujson_hpy.dumps(items, default=shrink) == '[1,"x",2,3]'
    items = [1, object(), 2]
    grow = lambda o: items.append(9) or "x"
    assert ujson_hpy.dumps(items, default=grow) == '[1,"x",2]'
    d = {"a": object(), "b": 2}
    add = lambda o: d.update(c=5) or "x"
    assert ujson_hpy.dumps(d, default=add) == '{"a":"x","b":2,"c":5}'  # as ujson: the live dict
    # A key turned into a str by str() runs Python code too.
    class Key:
        def __str__(self):
            items.clear()
            return "k"
    items = [{Key(): 1}, 2, 3]
    assert ujson_hpy.dumps(items) == '[{"k":1}]'


def test_deep_nesting_both_ways(ujson_hpy):
    doc = 1
    for _ in range(1024):
        doc = [doc]
    text = ujson_hpy.dumps(doc)
    assert text == "[" * 1024 + "1" + "]" * 1024
    assert ujson_hpy.dumps(ujson_hpy.loads(text)) == text  # (== on the lists would recurse)


def test_module_surface(ujson_hpy):
    assert ujson_hpy.__version__ == "6.1.0"
    assert issubclass(ujson_hpy.JSONDecodeError, ValueError)
    assert ujson_hpy.encode is not ujson_hpy.dumps and ujson_hpy.encode([1]) == "[1]"
    assert ujson_hpy.decode("[1]") == [1]
    assert ujson_hpy.dumps([1], 0) == "[1]"  # second positional: ensure_ascii


# Issue 18: inputs from public bug reports, with ujson 6.1.0's results on CPython.


def nest(wrap, depth, leaf=1):
    doc = leaf
    for _ in range(depth):
        doc = wrap(doc)
    return doc


def at_depth(frames, f):
    """`f()` called `frames` Python frames deeper than the caller."""
    return at_depth(frames - 1, f) if frames else f()


@pytest.mark.parametrize("frames", [0, 100, 300])
def test_deep_dicts(ujson_hpy, frames):
    # On PyPy these aborted the process (a fatal RPython error) or raised RecursionError.
    with pytest.raises(OverflowError, match="Maximum recursion level reached"):
        at_depth(frames, lambda: ujson_hpy.dumps(nest(lambda x: {"k": x}, 1100)))
    for depth in (950, 1000, 1023):
        text = at_depth(frames, lambda: ujson_hpy.dumps(nest(lambda x: {"k": x}, depth)))
        assert text == '{"k":' * depth + "1" + "}" * depth
        text = at_depth(frames, lambda: ujson_hpy.dumps(nest(lambda x: [x], depth)))
        assert text == "[" * depth + "1" + "]" * depth
    text = '{"k":' * 1024 + "1" + "}" * 1024
    assert ujson_hpy.dumps(at_depth(frames, lambda: ujson_hpy.loads(text))) == text


@pytest.mark.parametrize("frames", [0, 300])
def test_self_nesting_conversions(ujson_hpy, frames):
    class Loop:
        def toDict(self):
            return {"k": self}

    with pytest.raises(OverflowError, match="Maximum recursion level reached"):
        at_depth(frames, lambda: ujson_hpy.dumps(Loop()))
    with pytest.raises(OverflowError, match="Maximum recursion level reached"):
        at_depth(frames, lambda: ujson_hpy.dumps(object(), default=lambda o: {"k": o}))
    d = {}
    d["self"] = d
    with pytest.raises(OverflowError, match="Maximum recursion level reached"):
        at_depth(frames, lambda: ujson_hpy.dumps(d))


def in_thread(stack_size, f):
    """`f()`'s result or exception, run in a thread with that stack size."""
    import threading

    out = []

    def run():
        try:
            out.append(("value", f()))
        except BaseException as e:  # noqa: BLE001 - the outcome is what is checked
            out.append(("error", e))

    old = threading.stack_size(stack_size)
    try:
        t = threading.Thread(target=run)
        t.start()
        t.join()
    finally:
        threading.stack_size(old)
    return out[0]


@pytest.mark.parametrize("kib", [64, 96, 128, 192, 256, 512, 1024])
def test_small_thread_stacks(ujson_hpy, kib):
    # Too little stack is an exception, never a crash; ujson needs 112 KiB (loads) and
    # 416 KiB (dumps of dicts), and so does ujson_hpy at most.
    deep = "[" * 1024 + "]" * 1024
    kind, got = in_thread(kib * 1024, lambda: ujson_hpy.loads(deep))
    assert kind == "value" or isinstance(got, RecursionError), got
    if kib >= 512:
        assert kind == "value"
    doc = nest(lambda x: {"k": x}, 1023)
    kind, got = in_thread(kib * 1024, lambda: ujson_hpy.dumps(doc))
    assert kind == "value" or isinstance(got, RecursionError), got
    if kib >= 512:
        assert got == '{"k":' * 1023 + "1" + "}" * 1023


class ItemIsAString(dict):
    def __getitem__(self, key):
        return "from-getitem"


class ItemIsMissing(dict):
    def __getitem__(self, key):
        raise KeyError(key)


class ItemsAndIterLie(dict):
    def __iter__(self):
        return iter(["nope"])

    def keys(self):
        return ["nope"]

    def get(self, key, default=None):
        return "from-get"


@pytest.mark.parametrize("sort_keys", [False, True])
def test_dict_subclasses_are_read_from_storage(ujson_hpy, sort_keys):
    for cls in (ItemIsAString, ItemIsMissing, ItemsAndIterLie):
        assert ujson_hpy.dumps(cls({"b": 2, "a": 1}), sort_keys=sort_keys) == (
            '{"a":1,"b":2}' if sort_keys else '{"b":2,"a":1}'
        )

    class Doc:
        def toDict(self):
            return ItemIsAString({"a": 1})

    assert ujson_hpy.dumps(Doc(), sort_keys=sort_keys) == '{"a":1}'


class Unserializable:
    pass


def changing(change):
    """A dict whose first value is converted by a `default` that calls `change(d)`."""
    d = {"a": Unserializable(), "b": 2, "c": 3}

    def default(o):
        change(d)
        return 0

    return d, default


def readd_a(d):
    del d["a"]
    d["a"] = 7


@pytest.mark.parametrize(
    "change, unsorted, sorted_",
    [
        (lambda d: d.pop("b"), '{"a":0,"c":3}', RuntimeError),  # ujson sorted: '{"a":0' (cut)
        (lambda d: d.update(z=9), '{"a":0,"b":2,"c":3,"z":9}', '{"a":0,"b":2,"c":3}'),
        (lambda d: d.clear(), '{"a":0}', RuntimeError),  # ujson sorted: '{"a":0' (cut)
        (readd_a, '{"a":0,"b":2,"c":3,"a":7}', '{"a":0,"b":2,"c":3}'),
        (lambda d: d.update(b=5), '{"a":0,"b":5,"c":3}', '{"a":0,"b":5,"c":3}'),
    ],
)
def test_dict_changed_by_default(ujson_hpy, change, unsorted, sorted_):
    # ujson writes what the dict holds as its walk reaches it; with sort_keys, the keys sorted
    # at the start.
    for sort_keys, expected in ((False, unsorted), (True, sorted_)):
        d, default = changing(change)
        if isinstance(expected, str):
            assert ujson_hpy.dumps(d, default=default, sort_keys=sort_keys) == expected
        else:
            with pytest.raises(expected):
                ujson_hpy.dumps(d, default=default, sort_keys=sort_keys)


def test_dict_grown_without_end(ujson_hpy):
    d = {"a": Unserializable()}

    def default(o):
        d[len(d)] = Unserializable()
        return 0

    with pytest.raises(RuntimeError, match="dictionary changed size"):
        ujson_hpy.dumps(d, default=default)


KEYS_CHANGED = r"^dictionary keys changed during iteration: a key cannot be found in its dict"


def test_key_whose_hash_changed_is_written_or_raises(ujson_hpy):
    """A key whose hash changed since its insertion cannot be looked up: its entry is written
    (from the dict's storage, as ujson does) or the call raises RuntimeError; it is never left out
    without a word (it used to give '{"b":2}')."""
    Rehashed.hash = 1
    d = {Rehashed("k"): 1, "b": 2}
    Rehashed.hash = 2
    if STORAGE_WALK:
        assert ujson_hpy.dumps(d) == '{"k":1,"b":2}'
    else:
        with pytest.raises(RuntimeError, match=KEYS_CHANGED):
            ujson_hpy.dumps(d)
    # With sort_keys every runtime looks the sorted keys up.
    with pytest.raises(RuntimeError, match=KEYS_CHANGED):
        ujson_hpy.dumps(d, sort_keys=True)
    # A key deleted by Python code the call ran (`default`) is still skipped, as ujson does.
    d, default = changing(lambda d: d.pop("b"))
    assert ujson_hpy.dumps(d, default=default) == '{"a":0,"c":3}'


class Counted(str):
    """A str key that counts the calls of its `__hash__` and `__eq__`."""

    calls = 0

    def __hash__(self):
        Counted.calls += 1
        return str.__hash__(self)

    def __eq__(self, other):
        Counted.calls += 1
        return str.__eq__(self, other)


@pytest.mark.skipif(not STORAGE_WALK, reason="hpy 0.9.0's runtime and PyPy's HPy have no dict walk: "
                    "each key is looked up (its __hash__ runs)")
def test_no_key_hash_or_eq_runs_during_dumps(ujson_hpy):
    """Where the runtime walks a dict's storage, dumps runs no `__hash__` or `__eq__` of the
    keys (ujson runs none; the key-then-lookup walk ran 30 for 30 keys)."""
    d = {Counted("k%d" % i): i for i in range(30)}
    Counted.calls = 0
    out = ujson_hpy.dumps(d)
    assert Counted.calls == 0
    assert out == "{" + ",".join('"k%d":%d' % (i, i) for i in range(30)) + "}"


def test_fuzz_regressions(ujson_hpy):
    # Inputs with which scripts/fuzz-ujson.sh found a fault, replayed through the same checks.
    ujson = pytest.importorskip("ujson")
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "ujson"))
    try:
        import fuzz_ujson
    finally:
        sys.path.pop(0)
    for path in sorted((pathlib.Path(__file__).parent / "fuzz_regressions").glob("*/*")):
        fuzz_ujson.TARGETS[path.parent.name](ujson_hpy, ujson, path.read_bytes())
