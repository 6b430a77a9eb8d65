"""One test file for every step of the porting example (examples/porting/stepN): the module
behaves the same whether it is PyO3 (step 0), an HPy module exporting PyO3 code (step 1),
half ported (step 2) or all hpy-rs (step 3). Run by scripts/test-porting.sh."""

import math
import os
import sysconfig

import pytest

from conftest import STEP, geometry

Vector = geometry.Vector


def test_the_module_file_is_the_steps_build():
    name = os.path.basename(geometry.__file__)
    if STEP == 0 or os.environ.get("GEOMETRY_ABI") == "cpython":
        # PyO3's own extension, or the CPython-ABI build of an HPy step (--abi cpython).
        assert name == "geometry" + sysconfig.get_config_var("EXT_SUFFIX")
    elif STEP in (1, 2):
        # HPy's hybrid ABI: tied to this interpreter (hpy.devel's tag: cp311, pypy311-pp73).
        tag = sysconfig.get_config_var("EXT_SUFFIX").split(".")[1].split("-")[:2]
        tag = "-".join(tag).replace("cpython-", "cp")
        assert name == f"geometry.hpy0-{tag}.so"
    else:
        assert name == "geometry.hpy0.so"


def test_public_names():
    names = {n for n in vars(geometry) if not n.startswith("_")}
    assert names == {"Vector", "clamp", "mean"}
    assert geometry.__name__ == "geometry"
    assert Vector.__name__ == "Vector"
    assert Vector.__module__ == "geometry"


def test_vector_construction_and_repr():
    v = Vector(3, 4)
    assert repr(v) == "Vector(3.0, 4.0)"
    assert repr(Vector(-0.5, 1e20)) == "Vector(-0.5, 1e20)"
    assert type(v) is Vector


def test_vector_properties():
    v = Vector(1.5, -2)
    assert (v.x, v.y) == (1.5, -2.0)
    v.x = 10
    v.y = 0.25
    assert (v.x, v.y) == (10.0, 0.25)
    assert repr(v) == "Vector(10.0, 0.25)"
    with pytest.raises(TypeError):
        v.x = "a"
    assert v.x == 10.0


def test_vector_methods():
    v = Vector(3, 4)
    assert v.length() == 5.0
    assert Vector(0, 0).length() == 0.0
    assert v.dot(Vector(2, -1)) == 2.0
    assert v.dot(v) == 25.0
    w = v.scaled(0.5)
    assert (w.x, w.y) == (1.5, 2.0)
    assert (v.x, v.y) == (3.0, 4.0)  # scaled makes a new vector


def test_vector_addition():
    s = Vector(1, 2) + Vector(10, 20)
    assert type(s) is Vector
    assert (s.x, s.y) == (11.0, 22.0)
    v = Vector(1, 1)
    assert repr(v + v) == "Vector(2.0, 2.0)"


@pytest.mark.parametrize("bad", [1, "v", None, (1, 2)])
def test_vector_operand_errors(bad):
    with pytest.raises(TypeError):
        Vector(1, 2) + bad
    with pytest.raises(TypeError):
        bad + Vector(1, 2)
    with pytest.raises(TypeError):
        Vector(1, 2).dot(bad)


def test_vector_argument_errors():
    with pytest.raises(TypeError):
        Vector("a", 1)
    with pytest.raises(TypeError):
        Vector(1)
    with pytest.raises(TypeError):
        Vector(1, 2, 3)
    with pytest.raises(TypeError):
        Vector(1, 2).scaled("k")


def test_clamp():
    assert geometry.clamp(5, 0, 3) == 3.0
    assert geometry.clamp(-5, 0, 3) == 0.0
    assert geometry.clamp(1.5, 0, 3) == 1.5
    assert geometry.clamp(2, 2, 2) == 2.0
    assert math.isinf(geometry.clamp(math.inf, 0, math.inf))
    with pytest.raises(ValueError, match="^clamp: lo must not exceed hi$"):
        geometry.clamp(1, 3, 0)
    with pytest.raises(TypeError):
        geometry.clamp("1", 0, 3)
    with pytest.raises(TypeError):
        geometry.clamp(1, 0)


def test_mean():
    assert geometry.mean([1, 2, 3]) == 2.0
    assert geometry.mean((0.5,)) == 0.5
    assert geometry.mean([1e308, -1e308]) == 0.0
    with pytest.raises(ValueError, match="^mean of an empty sequence$"):
        geometry.mean([])
    with pytest.raises(TypeError):
        geometry.mean([1, "2"])
    with pytest.raises(TypeError):
        geometry.mean(5)


def test_many_calls_keep_their_results():
    # Enough calls for a leaked reference or handle to show (LeakDetector in debug mode).
    acc = Vector(0, 0)
    for i in range(2000):
        acc = acc + Vector(1, geometry.clamp(i, 0, 1))
        assert geometry.mean([acc.x, acc.y]) == (acc.x + acc.y) / 2
    assert (acc.x, acc.y) == (2000.0, 1999.0)
