"""Iteration and the other special methods HPy 0.9 has no slot for (tests/apimod/src/protocols):
`__iter__`/`__next__` (StopIteration from `None`), `__reversed__`, `__length_hint__`, `__contains__`,
context managers and descriptors. They are methods of the type; on CPython the SDK switches on the
type's slot (`tp_iter`, `tp_iternext`, `tp_descr_get`, `tp_descr_set`) after making the type."""

import gc
import operator
import sys

import pytest

from conftest import requires_classes

pytestmark = requires_classes


def test_iterator_is_its_own_iterator(apimod):
    c = apimod.Countdown(3)
    assert iter(c) is c
    assert next(c) == 2
    assert list(c) == [1, 0]
    with pytest.raises(StopIteration):
        next(c)
    assert list(apimod.Countdown(0)) == []
    assert [x for x in apimod.Countdown(4)] == [3, 2, 1, 0]
    assert sum(apimod.Countdown(5)) == 10
    assert operator.length_hint(apimod.Countdown(7)) == 7
    assert apimod.Countdown.__next__.__doc__ == "The next number, or StopIteration."


def test_container_with_separate_iterator(apimod):
    s = apimod.Span(2, 6)
    it = iter(s)
    assert type(it) is apimod.SpanIter
    assert list(it) == [2, 3, 4, 5]
    assert list(it) == []  # exhausted
    assert list(s) == [2, 3, 4, 5]  # a fresh iterator each time
    assert [x * 2 for x in s] == [4, 6, 8, 10]
    assert list(reversed(s)) == [5, 4, 3, 2]
    assert len(s) == 4
    assert 3 in s and 6 not in s
    assert tuple(s) == (2, 3, 4, 5)
    assert dict(zip(s, s)) == {2: 2, 3: 3, 4: 4, 5: 5}
    a, b, *rest = s
    assert (a, b, rest) == (2, 3, [4, 5])


def test_next_errors_propagate(apimod):
    it = iter(apimod.Span(12, 15))
    assert next(it) == 12
    with pytest.raises(ValueError, match="unlucky number"):
        next(it)
    with pytest.raises(ValueError, match="unlucky number"):
        list(apimod.Span(10, 20))


def test_iteration_in_generators(apimod):
    assert list(x for x in apimod.Countdown(3)) == [2, 1, 0]
    assert sorted(apimod.Span(0, 3), reverse=True) == [2, 1, 0]
    gc.collect()


def test_context_manager(apimod):
    m = apimod.Managed()
    with m as entered:
        assert entered is m
        assert (m.entered, m.exited) == (1, 0)
    assert (m.entered, m.exited, m.last_exc) == (1, 1, None)
    with m:
        raise ValueError("swallowed by __exit__")
    assert m.last_exc == "ValueError"
    with pytest.raises(KeyError):
        with m:
            raise KeyError("passes through")
    assert (m.entered, m.exited, m.last_exc) == (3, 3, "KeyError")


def test_descriptor(apimod):
    class Holder:
        d = apimod.Managed()

    assert Holder.__dict__["d"].attr_name == "Holder.d"  # __set_name__ ran
    assert apimod.Managed().attr_name is None
    assert Holder.d == "from the class"
    h = Holder()
    assert h.d == "from a Holder"
    h.d = 7
    assert Holder.__dict__["d"].stored == 7
    with pytest.raises(TypeError):
        h.d = "not an int"


def test_getattr_hook(apimod, hpy_mode):
    d = apimod.Dynamic()
    assert d.plain() == "a normal method"  # normal lookup first
    assert d.misses == 0
    assert d.xyz == "dynamic xyz"
    assert getattr(d, "x1") == "dynamic x1"
    assert not hasattr(d, "nope")
    with pytest.raises(AttributeError, match="'Dynamic' object has no attribute 'other'"):
        d.other
    assert d.misses == 4


def test_class_attributes_match_args_and_generic(apimod):
    R = apimod.Record
    assert (R.DEFAULT_VALUE, R.KINDS, R.__match_args__) == (42, ["a", "b"], ("name", "value"))
    r = R("n", 3)
    assert r.DEFAULT_VALUE == 42
    match r:
        case R(name, value):
            assert (name, value) == ("n", 3)
        case _:
            pytest.fail("no match")
    alias = R[int]
    assert type(alias).__name__ == "GenericAlias"
    assert alias.__origin__ is R and alias.__args__ == (int,)


def test_static_and_class_methods(apimod, hpy_mode):
    T = apimod.Temperature
    assert T.to_kelvin(0) == 273.15
    assert T(1.0).to_kelvin(1) == 274.15  # through an instance too
    assert T.class_name() == "Temperature"
    assert T(0.0).class_name() == "Temperature"
    assert T.to_kelvin.__doc__.endswith("Celsius to kelvin.")
    with pytest.raises(TypeError):
        T.to_kelvin("x")

    class Sub(T):
        pass

    assert Sub.class_name() == "Sub"  # the class it is called on
    pypy = sys.implementation.name == "pypy"
    if hpy_mode == "debug" and pypy:
        # from_celsius calls the class, a function of the module, from inside the module.
        pytest.skip("PyPy's debug mode aborts ('Wrong HPy Context!') when a function of an HPy "
                    "module is called from inside another; pinned by test_pypy_debug_nested_call_aborts")
    t = T.from_celsius(10)
    assert type(t) is T and t.kelvin == 283.15
    if hpy_mode == "debug" and not pypy:
        return  # the debug mode cannot reach a subclass instance's value (test_python_subclass)
    s = Sub.from_celsius(0)
    assert type(s) is Sub and s.kelvin == 273.15


def test_setattr_and_delattr_hooks(apimod, hpy_mode):
    pypy = sys.implementation.name == "pypy"
    if hpy_mode == "debug" and pypy:
        # __setattr__ runs the property's setter, a function of the module, from inside it.
        pytest.skip("PyPy's debug mode aborts ('Wrong HPy Context!') when a function of an HPy "
                    "module is called from inside another; pinned by test_pypy_debug_nested_call_aborts")
    g = apimod.Guarded()
    g.value = 5  # __setattr__ validates, then object.__setattr__ runs the property's setter
    assert (g.value, g.sets) == (5, 1)
    with pytest.raises(ValueError, match="must not be negative"):
        g.value = -1
    assert (g.value, g.sets) == (5, 1)
    if pypy:
        g.other = 1  # PyPy's HPy objects take new attributes
        assert g.other == 1
    else:
        with pytest.raises(AttributeError):
            g.other = 1  # no such attribute: object.__setattr__ refuses
    with pytest.raises(TypeError, match="cannot delete Guarded.value"):
        del g.value
    setattr(g, "value", 7)
    assert (g.value, g.sets) == (7, 3)  # the refused "other" counted too
