"""The CPython-ABI builds (`cargo hpy build --abi cpython`, run with HPY_RS_ABI=cpython): they
import without HPy's package, leak nothing on the leak-prone paths (checked with what CPython
gives, as debug mode does not exist here: `sys.getallocatedblocks`, `sys.getrefcount`, `gc` and
`tracemalloc` over repeated calls), and their classes work, including on CPython 3.13+: a
round trip through creation, a bound method, a Python subclass and the collection of a cycle
through a `Field`."""

import gc
import subprocess
import sys
import weakref

import pytest

from conftest import CPYTHON_ABI, MODULE_DIR, built_module

pytestmark = pytest.mark.skipif(not CPYTHON_ABI, reason="about the CPython-ABI builds")

N = 3000


def growth(f, n=N):
    """Memory blocks and traced bytes still allocated after `n` more calls of `f` (after warm-up
    and a collection): stays near 0 unless each call leaks."""
    import tracemalloc  # not on PyPy, which never runs this file's tests

    for _ in range(200):
        f()
    gc.collect()
    tracemalloc.start()
    try:
        blocks = sys.getallocatedblocks()
        before, _ = tracemalloc.get_traced_memory()
        for _ in range(n):
            f()
        gc.collect()
        after, _ = tracemalloc.get_traced_memory()
        return sys.getallocatedblocks() - blocks, after - before
    finally:
        tracemalloc.stop()


def assert_no_leak(f):
    blocks, size = growth(f)
    # A leak of one object per call would show at least N blocks; allow for caches.
    assert blocks < N // 10, f"{blocks} blocks ({size} bytes) left after {N} calls"


def raises(exc, f, *args, **kw):
    def call():
        try:
            f(*args, **kw)
        except exc:
            pass
        else:
            raise AssertionError(f"{f.__name__} did not raise {exc.__name__}")

    return call


def test_imports_without_the_hpy_package(tmp_path):
    """`python -I -S` (isolated, no site-packages: HPy's package is not importable), run in an
    empty directory, imports the modules."""
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(MODULE_DIR)!r})\n"
        "try:\n"
        "    import hpy.universal\n"
        "except ImportError:\n"
        "    pass\n"
        "else:\n"
        "    raise SystemExit('hpy is importable: the check would prove nothing')\n"
        "import hello, testmod, apimod, ujson_hpy\n"
        "assert hello.add(1, 2) == 3 and ujson_hpy.dumps([1]) == '[1]'\n"
        "assert apimod.Point(3, 4).norm() == 5.0\n"
        "assert 'hpy' not in sys.modules\n"
        "print(hello.__file__)\n"
    )
    for name in ("hello", "testmod", "apimod", "ujson_hpy"):
        built_module(name)
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    assert ".cpython-3" in out.stdout


def test_the_leak_check_sees_a_leak(testmod):
    """Negative control: `testmod.leak` leaks one str per call, and the check sees it."""
    blocks, _ = growth(testmod.leak)
    assert blocks >= N * 9 // 10


def test_no_leaks_on_calls_and_conversions(testmod, apimod, hello):
    assert_no_leak(lambda: hello.add(1, 2))
    assert_no_leak(lambda: hello.greet("Zoë"))
    assert_no_leak(lambda: testmod.rt_str("é" * 40))
    assert_no_leak(lambda: testmod.rt_i64(2**40))
    assert_no_leak(lambda: testmod.rt_u128(2**100))


def test_no_leaks_on_errors_and_panics(testmod, hello):
    assert_no_leak(raises(TypeError, hello.add, 1, "x"))
    assert_no_leak(raises(TypeError, hello.add, 1))
    assert_no_leak(raises(TypeError, hello.add, 1, 2, c=3))
    assert_no_leak(raises(OverflowError, testmod.rt_i8, 1000))
    assert_no_leak(raises(ValueError, testmod.raise_value_error, "boom"))
    assert_no_leak(raises(RuntimeError, testmod.panic_with, "again"))


def test_no_leaks_on_classes(apimod):
    def classes():
        p = apimod.Point(3, 4)
        p.norm()
        b = p.norm  # a bound method
        b()
        q = p + p
        q.shift(1, 2)
        repr(q)
        a = apimod.Node(label="a")
        a.next = apimod.Node(label="b")
        a.value = [1, 2]
        apimod.Measure(2.5).describe()
        apimod.Bag([1, 2]).owner = "me"
        apimod.Adder(5)(1)

    assert_no_leak(classes)
    assert_no_leak(raises(TypeError, apimod.Point, "x", 1))


def test_no_leaks_in_ujson(ujson_hpy):
    doc = {"a": [1, 2.5, "é", None, True], "b": {"c": "x" * 100}}
    assert_no_leak(lambda: ujson_hpy.loads(ujson_hpy.dumps(doc)))
    assert_no_leak(raises(ValueError, ujson_hpy.loads, "[1, 2"))
    assert_no_leak(raises(TypeError, ujson_hpy.dumps, object()))


def test_argument_reference_counts_are_unchanged(hello, apimod):
    s = "a string argument"
    before = sys.getrefcount(s)
    for _ in range(1000):
        hello.greet(s)
        apimod.Node(value=s, label="n")
    gc.collect()
    assert sys.getrefcount(s) == before


def test_class_round_trip(apimod):
    """On every CPython, 3.13 and 3.14 included (where HPy 0.9.0's runtime cannot host classes)."""
    p = apimod.Point(3, 4)
    norm = p.norm  # attribute access through a bound method (the 3.13 crash of HPy's runtime)
    assert norm() == 5.0
    assert not hasattr(p, "missing")
    with pytest.raises(AttributeError):
        p.missing

    class Sub(apimod.Point):
        def twice(self):
            return 2 * self.norm()

    s = Sub(6, 8)
    s.extra = "an instance attribute"  # a Python subclass gets a __dict__
    assert s.twice() == 20.0 and s.extra == "an instance attribute"
    assert isinstance(s, apimod.Point) and type(s).__mro__[1] is apimod.Point
    assert apimod.point_sum(s) == 14.0


def test_cycles_through_fields_are_collected(apimod):
    class Marker:
        pass

    # A cycle of two instances through their `next` Fields, holding a Python object.
    a, b, m = apimod.Node(label="a"), apimod.Node(label="b"), Marker()
    a.next, b.next, a.value = b, a, m
    alive = weakref.ref(m)
    del a, b, m
    gc.collect()
    assert alive() is None

    # A cycle through a Field and a Python object.
    n, m = apimod.Node(label="n"), Marker()
    n.value, m.node = m, n
    alive = weakref.ref(m)
    del n, m
    gc.collect()
    assert alive() is None

    # An instance whose Field refers to itself.
    n, m = apimod.Node(label="self"), Marker()
    n.next, n.value = n, m
    alive = weakref.ref(m)
    del n, m
    gc.collect()
    assert alive() is None


def test_drop_and_finalizer_run(apimod):
    before = apimod.tracked_drops()
    t = apimod.Tracked("cpy")
    del t
    gc.collect()
    assert apimod.tracked_drops() == before + 1
