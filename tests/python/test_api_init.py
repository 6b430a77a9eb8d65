"""`__init__` (HPy_tp_init) through tests/apimod/src/protocols: Python calls `__new__` and then
`__init__` with the same arguments; a class without `#[new]` (`default`) gets its value from
`Default` and `__init__` fills it; Python subclasses pass arguments on with `super().__init__`."""

import sys

import pytest

from conftest import HPY_RS_RUNTIME, requires_classes

pytestmark = requires_classes

PYPY = sys.implementation.name == "pypy"


def test_init_fills_a_default_instance(apimod):
    b = apimod.InitBase(3, b=4)
    assert (b.a, b.b, b.inits) == (3, 4, 1)
    assert (apimod.InitBase(5).a, apimod.InitBase(5).b) == (5, 0)
    b.__init__(7)  # may be called again, as for any Python object
    assert (b.a, b.b, b.inits) == (7, 0, 2)
    with pytest.raises(ValueError, match="a must not be negative"):
        apimod.InitBase(-1)
    with pytest.raises(TypeError, match=r"__init__\(\) missing 1 required positional argument: 'a'"):
        apimod.InitBase()
    with pytest.raises(TypeError, match="__init__"):
        apimod.InitBase(1, 2, 3)


def test_new_then_init(apimod):
    assert apimod.Both(5).log == ["new(5)", "init(5)"]
    with pytest.raises(TypeError):
        apimod.Both("x")


def test_subclass_passes_arguments_through_super_init(apimod, hpy_mode):
    class Sub(apimod.InitBase):
        def __init__(self, a, b, label):
            super().__init__(a, b=b)
            self.label = label

    if hpy_mode == "debug" and not PYPY and not HPY_RS_RUNTIME:
        # HPy 0.9.0's CPython runtime reports Python subclasses as legacy types; the debug mode
        # would abort on reaching the struct, the SDK raises instead (test_python_subclass).
        with pytest.raises(TypeError, match="debug mode cannot reach the Rust value"):
            Sub(1, 2, "x")
        return
    s = Sub(1, 2, "x")
    assert (s.a, s.b, s.inits, s.label) == (1, 2, 1, "x")
    with pytest.raises(ValueError, match="a must not be negative"):
        Sub(-1, 2, "x")

    class NoInit(apimod.InitBase):
        pass

    n = NoInit(9, 8)
    assert (n.a, n.b) == (9, 8)
