"""examples/array (`array_hpy.Array`): a 1-D float64 array with indexing, slicing, iteration,
arithmetic (the number protocol and its in-place forms), sum/dot, pickling, a repr and the
buffer protocol, which numpy reads without a copy.

numpy (pinned below) is downloaded from the package index into target/cache at test time, for the
running interpreter, and put on sys.path for these tests only; where the index has no wheel of it
for this interpreter, the numpy tests skip and say so."""

import array
import pathlib
import pickle
import subprocess
import sys

import pytest

from conftest import collect, PYPY, requires_classes

pytestmark = requires_classes

# A pinned release with wheels for the interpreter: 2.4.6 has none for CPython 3.15 (the first
# releases with cp315 wheels are 2.5.x, which have none for 3.11).
NUMPY = "numpy==2.5.5" if sys.version_info >= (3, 15) else "numpy==2.4.6"
ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def numpy():
    tag = "%s%d%d" % (sys.implementation.name, *sys.version_info[:2])
    target = ROOT / "target" / "cache" / "numpy" / NUMPY.replace("==", "-") / tag
    if not (target / "numpy").is_dir():
        wheels = ROOT / "target" / "cache" / "numpy" / "wheels"
        got = subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check",
             "--only-binary", ":all:", "--no-deps", "-d", str(wheels), NUMPY],
            capture_output=True, text=True)
        if got.returncode != 0:
            pytest.skip(f"no {NUMPY} wheel for {tag} on the package index: {got.stderr.strip()[-300:]}")
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check",
             "--no-deps", "--no-index", "--find-links", str(wheels), "--target", str(target), NUMPY],
            check=True)
    sys.path.insert(0, str(target))
    import numpy

    return numpy


@pytest.fixture
def A(array_hpy, monkeypatch):
    # pickle finds the class through its module.
    monkeypatch.setitem(sys.modules, "array_hpy", array_hpy)
    return array_hpy.Array


def test_construction_and_repr(A, array_hpy):
    assert repr(A([1, 2.5])) == "Array([1.0, 2.5])"
    assert repr(A()) == "Array([])"
    assert A(range(3)).tolist() == [0.0, 1.0, 2.0]
    assert A(x / 2 for x in range(3)).tolist() == [0.0, 0.5, 1.0]
    assert A(array.array("d", [1.5, 2.5])).tolist() == [1.5, 2.5]  # a float64 buffer
    assert A(array.array("i", [1, 2])).tolist() == [1.0, 2.0]  # other buffers are iterated
    assert A(A([4.0])).tolist() == [4.0]
    assert array_hpy.zeros(2).tolist() == [0.0, 0.0]
    with pytest.raises(TypeError):
        A(["x"])
    with pytest.raises(TypeError):
        A(5)
    assert "float64" in A.__doc__


def test_indexing_and_slicing(A):
    a = A([1, 2, 3, 4])
    assert (a[0], a[-1], len(a)) == (1.0, 4.0, 4)
    assert a[1:3].tolist() == [2.0, 3.0]
    assert a[::-2].tolist() == [4.0, 2.0]
    assert a[10:].tolist() == []
    with pytest.raises(IndexError, match="Array index out of range"):
        a[4]
    with pytest.raises(TypeError, match="Array indices must be integers or slices, not str"):
        a["x"]
    a[0] = 10
    a[-1] = 40
    a[1:3] = [20, 30]
    assert a.tolist() == [10.0, 20.0, 30.0, 40.0]
    a[::2] = 0
    assert a.tolist() == [0.0, 20.0, 0.0, 40.0]
    with pytest.raises(ValueError, match="cannot assign 1 values to a slice of 2 elements"):
        a[:2] = [1]
    assert 20.0 in a and 5 not in a


def test_iteration(A):
    a = A([1, 2, 3])
    assert list(a) == [1.0, 2.0, 3.0]
    assert [x * 2 for x in a] == [2.0, 4.0, 6.0]
    assert list(reversed(a)) == [3.0, 2.0, 1.0]
    it = iter(a)
    assert next(it) == 1.0
    a[1] = 9  # the iterator reads the array as it goes
    assert list(it) == [9.0, 3.0]
    with pytest.raises(StopIteration):
        next(it)
    assert sum(a) == 13.0


def test_arithmetic(A):
    a, b = A([1, 2, 3]), A([10, 20, 30])
    assert (a + b).tolist() == [11.0, 22.0, 33.0]
    assert (a * 2.0).tolist() == [2.0, 4.0, 6.0]
    assert (2 * a).tolist() == [2.0, 4.0, 6.0]
    assert (b - a).tolist() == [9.0, 18.0, 27.0]
    assert (1 - a).tolist() == [0.0, -1.0, -2.0]
    assert (a / 2).tolist() == [0.5, 1.0, 1.5]
    assert (6 / a).tolist() == [6.0, 3.0, 2.0]
    assert (-a).tolist() == [-1.0, -2.0, -3.0]
    assert (a.sum(), a.dot(b)) == (6.0, 140.0)
    with pytest.raises(ValueError, match="lengths 3 and 2"):
        a + A([1, 2])
    with pytest.raises(TypeError):
        a + "x"
    with pytest.raises(ValueError, match="dot: lengths 3 and 1 differ"):
        a.dot(A([1]))


def test_inplace_arithmetic(A):
    a, b = A([1, 2, 3]), A([10, 20, 30])
    before = a
    a += b
    assert a is before and a.tolist() == [11.0, 22.0, 33.0]
    a -= 1
    a *= 2
    a /= 4
    assert a is before and a.tolist() == [5.0, 10.5, 16.0]
    a += a
    assert a.tolist() == [10.0, 21.0, 32.0]
    with pytest.raises(TypeError, match=r"unsupported operand type\(s\) for \+=: 'Array' and 'str'"):
        a += "x"


def test_pickle(A):
    a = A([1.5, -2.0])
    b = pickle.loads(pickle.dumps(a))
    assert type(b) is A and b.tolist() == [1.5, -2.0] and b is not a
    assert pickle.loads(pickle.dumps(A())).tolist() == []


def test_memoryview_and_resizing(A):
    a = A([1, 2, 3])
    mv = memoryview(a)
    assert (mv.format, mv.itemsize, mv.shape, mv.readonly) == ("d", 8, (3,), False)
    mv[0] = 7.0
    assert a[0] == 7.0
    for resize in (lambda: a.append(1.0), lambda: a.extend([1.0]), lambda: a.resize(1)):
        with pytest.raises(BufferError, match="live export"):
            resize()
    a += 1  # writing in place is fine while exported
    assert mv.tolist() == [8.0, 3.0, 4.0]
    mv.release()
    del mv
    collect()  # PyPy ends an export when the view is collected
    a.append(5.0)
    a.resize(5)
    assert a.tolist() == [8.0, 3.0, 4.0, 5.0, 0.0]


def test_numpy_shares_memory(A, numpy):
    a = A([1, 2, 3])
    v = numpy.asarray(a)
    assert v.dtype == numpy.float64 and v.shape == (3,)
    assert numpy.shares_memory(v, numpy.asarray(a))
    v[0] = -1.0  # a write through the numpy view is seen by the array
    assert a[0] == -1.0
    a *= 2  # and the array's writes by the view
    assert v.tolist() == [-2.0, 4.0, 6.0]
    with pytest.raises(BufferError, match="live export"):
        a.append(1.0)
    assert numpy.array_equal(numpy.asarray(a) + 1, (a + 1).tolist())
    assert A(numpy.arange(3.0)).tolist() == [0.0, 1.0, 2.0]
    del v
    collect()
    if PYPY:
        # numpy runs on PyPy's C-API emulation, which never releases the HPy buffers it gets:
        # the array stays locked against resizing (pinned).
        with pytest.raises(BufferError, match="live export"):
            a.append(1.0)
    else:
        a.append(1.0)
        assert len(a) == 4
