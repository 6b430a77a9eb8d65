"""`#[cfg]` on the items of `#[hpy_module]` and `#[hpy_methods]` (tests/testmod): `cfg(all())` is
always on and `cfg(any())` always off. An item configured out is absent, one configured in is
there."""

import pytest

from conftest import requires_classes


def test_module_functions(testmod):
    assert testmod.cfg_on() == "on"
    assert not hasattr(testmod, "cfg_off")
    # The exec hook configured out would have failed the import.
    assert testmod.EXEC_ORDER == "first,second"


@requires_classes
def test_classes(testmod):
    assert hasattr(testmod, "CfgOn")
    assert not hasattr(testmod, "CfgOff")


@requires_classes
def test_methods_and_properties(testmod):
    C = testmod.CfgOn
    c = C(3)
    assert c.present() == 3
    assert not hasattr(C, "absent")
    assert c.value == 3
    assert not hasattr(C, "hidden")
    # `#[new]` configured out: the one configured in is used.
    with pytest.raises(TypeError):
        C()


@requires_classes
def test_special_methods(testmod):
    C = testmod.CfgOn
    c = C(3)
    assert len(c) == 3
    assert not hasattr(C, "__neg__")
    with pytest.raises(TypeError):
        -c
    # `__add__` in, `__radd__` out; `__sub__` out, `__rsub__` in.
    assert c + 1 == 4
    with pytest.raises(TypeError):
        1 + c
    assert 5 - c == 2
    with pytest.raises(TypeError):
        c - 1
    # `__getitem__` and `__delitem__` in, `__setitem__` out.
    assert c[2] == 6
    with pytest.raises(TypeError, match="does not support item assignment"):
        c[0] = 1
    del c[0]
    assert c.value == 0
