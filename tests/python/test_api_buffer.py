"""The buffer protocol (tests/apimod/src/protocols/floats.rs, ints.rs): classes export a
`BufferVec` through `__getbuffer__` (the format from the element type, shaped, strided and
read-only views, resizing refused while exported), and `BufferCopy<T>` parameters read any
exporter, checking format, item size and contiguity."""

import array
import hashlib
import struct

import pytest

from conftest import NESTED_CALLS_ABORT, PYPY, collect, requires_classes

pytestmark = requires_classes



def test_export_shares_memory(apimod):
    f = apimod.Floats([1.0, 2.0, 3.0, 4.0])
    with memoryview(f) as mv:
        assert (mv.format, mv.itemsize, mv.ndim, mv.shape, mv.strides) == ("d", 8, 1, (4,), (8,))
        assert not mv.readonly and mv.c_contiguous
        assert mv.tolist() == [1.0, 2.0, 3.0, 4.0]
        assert f.exports == 1
        mv[0] = 10.0  # written through the view, seen by the object
        assert f.get(0) == 10.0
        f.set(1, 20.0)  # written by the object, seen through the view
        assert mv[1] == 20.0
        assert struct.unpack_from("2d", mv, 16) == (3.0, 4.0)
    assert bytes(f) == struct.pack("4d", 10.0, 20.0, 3.0, 4.0)
    assert array.array("d", bytes(f)).tolist() == [10.0, 20.0, 3.0, 4.0]
    del mv
    collect()


def test_resize_refused_while_exported(apimod):
    f = apimod.Floats([1.0, 2.0])
    mv = memoryview(f)
    with pytest.raises(BufferError, match="cannot resize the buffer: the buffer has 1 live export"):
        f.append(3.0)
    with pytest.raises(BufferError, match="live export"):
        f.scale_all(2.0)
    mv2 = memoryview(f)
    assert f.exports == 2
    mv.release()
    mv2.release()
    if PYPY:
        # PyPy's HPy never calls the exporter's release function: the export ends when the
        # garbage collector frees the view.
        assert f.exports == 2
        with pytest.raises(BufferError):
            f.append(3.0)
        del mv, mv2
        collect()
    assert f.exports == 0
    f.append(3.0)
    f.scale_all(2.0)
    assert f.to_list() == [2.0, 4.0, 6.0]


def test_export_outlives_replaced_storage(apimod):
    f = apimod.Floats([1.0, 2.0])
    mv = memoryview(f)
    f.replace([7.0])  # the export keeps the old memory alive
    mv[0] = 5.0
    assert mv.tolist() == [5.0, 2.0]
    assert f.to_list() == [7.0]
    assert f.exports == 0
    del mv
    collect()


def test_readonly_export(apimod):
    f = apimod.Floats([1.0, 2.0])
    f.view = "readonly"
    mv = memoryview(f)
    assert mv.readonly
    with pytest.raises(TypeError, match="read-only"):
        mv[0] = 3.0
    del mv
    i = apimod.Ints([4, 5, 6])
    mv = memoryview(i)
    assert (mv.format, mv.itemsize, mv.readonly, mv.tolist()) == ("i", 4, True, [4, 5, 6])
    del mv
    collect()


def test_shaped_and_strided_exports(apimod):
    f = apimod.Floats([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    f.view = "matrix"
    mv = memoryview(f)
    assert (mv.shape, mv.strides, mv.c_contiguous) == ((2, 3), (24, 8), True)
    assert mv.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    del mv
    f.view = "every_other"
    mv = memoryview(f)
    assert (mv.shape, mv.strides, mv.c_contiguous) == ((3,), (16,), False)
    assert mv.tolist() == [1.0, 3.0, 5.0]
    del mv
    if PYPY:
        # PyPy's bytes() of an HPy buffer ignores its strides (a runtime defect, pinned).
        assert bytes(f) == struct.pack("3d", 1.0, 2.0, 3.0)
    else:
        assert bytes(f) == struct.pack("3d", 1.0, 3.0, 5.0)  # bytes() copies a strided view
    # A consumer asking for contiguous memory (PyBUF_SIMPLE) is refused.
    with pytest.raises(BufferError, match="not C-contiguous"):
        hashlib.md5(f)
    f.view = "column"
    assert memoryview(f).tolist() == [2.0, 5.0]
    f.view = "bad"
    with pytest.raises(ValueError, match=r"reaches outside the 6 elements"):
        memoryview(f)
    collect()
    assert f.exports == 0


def test_buffer_copy_parameters(apimod, hpy_mode):
    assert apimod.sum_f64(array.array("d", [1.0, 2.0, 3.5])) == 6.5
    assert apimod.sum_f64(memoryview(struct.pack("2d", 1.0, 2.0)).cast("d")) == 3.0
    assert apimod.sum_i32(array.array("i", [1, 2, 3])) == 6
    assert apimod.bytes_of(b"abc") == b"abc"
    assert apimod.bytes_of(bytearray(b"xy")) == b"xy"
    assert apimod.sum_f64(array.array("d")) == 0.0
    with pytest.raises(TypeError, match=r"sum_f64\(\) argument 'xs': expected an object supporting the buffer protocol with float64 items, not 'list'"):
        apimod.sum_f64([1.0])
    with pytest.raises(TypeError, match=r"expected a buffer of float64 \(format 'd'\), got format 'i'"):
        apimod.sum_f64(array.array("i", [1]))
    with pytest.raises(ValueError, match="expected a buffer of 8-byte items"):
        apimod.sum_f64(array.array("f", [1.0]))
    with pytest.raises(TypeError, match="got format 'B'"):
        apimod.sum_i32(b"abcd")
    strided = memoryview(array.array("d", [1.0, 2.0, 3.0]))[::2]
    with pytest.raises(BufferError, match="expected a C-contiguous buffer"):
        apimod.sum_f64(strided)
    if PYPY and hpy_mode == "debug":
        pytest.skip(NESTED_CALLS_ABORT)
    # The module's own exporters, read from inside a call into the module.
    assert apimod.sum_f64(apimod.Floats([1.5, 2.5])) == 4.0
    assert apimod.sum_i32(apimod.Ints([4, 5])) == 9
    collect()
