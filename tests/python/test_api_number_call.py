"""The number protocol (test_number.py) and calls (test_call.py) through tests/apimod."""

import operator
import sys

import pytest


class M:
    """Records matrix multiplication, which no built-in type implements."""

    def __init__(self, v):
        self.v = v

    def __matmul__(self, other):
        return ("matmul", self.v, other)

    def __imatmul__(self, other):
        return ("imatmul", self.v, other)


BINARY = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul,
    "floordiv": operator.floordiv, "truediv": operator.truediv, "mod": operator.mod,
    "divmod": divmod, "lshift": operator.lshift, "rshift": operator.rshift,
    "and": operator.and_, "xor": operator.xor, "or": operator.or_,
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary(apimod, name):
    for a, b in ((7, 3), (-7, 3), (2**70, 5)):
        assert apimod.binary(name, a, b) == BINARY[name](a, b)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_inplace_on_lists_and_ints(apimod, name):
    iname = "i" + name
    if name == "divmod":
        return
    assert apimod.binary(iname, 12, 5) == BINARY[name](12, 5)


def test_inplace_mutates(apimod):
    lst = [1]
    res = apimod.binary("iadd", lst, [2])
    assert res is lst and lst == [1, 2]
    lst2 = [0]
    assert apimod.binary("imul", lst2, 3) is lst2 and lst2 == [0, 0, 0]


def test_matmul(apimod):
    m = M(1)
    assert apimod.binary("matmul", m, 2) == ("matmul", 1, 2)
    assert apimod.binary("imatmul", m, 3) == ("imatmul", 1, 3)
    with pytest.raises(TypeError):
        apimod.binary("matmul", 1, 2)


def test_binary_errors(apimod):
    with pytest.raises(ZeroDivisionError):
        apimod.binary("floordiv", 1, 0)
    with pytest.raises(TypeError, match="unsupported operand"):
        apimod.binary("sub", "a", 1)
    with pytest.raises(ValueError, match="negative shift"):
        apimod.binary("lshift", 1, -1)


def test_unary(apimod):
    assert apimod.unary("neg", 5) == -5
    assert apimod.unary("pos", -5) == -5
    assert apimod.unary("abs", -5) == 5
    assert apimod.unary("invert", 5) == -6
    assert apimod.unary("index", True) == 1 and type(apimod.unary("index", True)) is int
    assert apimod.unary("int", "42") == 42
    assert apimod.unary("int", 3.9) == 3
    assert apimod.unary("float", "1.5") == 1.5
    with pytest.raises(TypeError):
        apimod.unary("neg", "a")
    with pytest.raises(TypeError):
        apimod.unary("index", 1.5)
    with pytest.raises(ValueError):
        apimod.unary("int", "x")


def test_power(apimod):
    assert apimod.power(2, 10, False) == 1024
    assert apimod.power(2, 10, False, 1000) == 24
    assert apimod.power(2, 10, True, None) == 1024
    assert apimod.power(3, 4, True, 5) == pow(3, 4, 5)
    assert apimod.power(2.0, 0.5, False) == 2**0.5
    with pytest.raises(TypeError):
        apimod.power(2.0, 2, False, 3)
    with pytest.raises(ZeroDivisionError):
        apimod.power(0, -1, False)


def test_number_check_and_rust_operand(apimod):
    assert apimod.is_number(1) and apimod.is_number(1.5)
    if sys.implementation.name == "cpython":
        assert apimod.is_number(1j)  # PyPy's runtime says no for complex
    assert not apimod.is_number("1") and not apimod.is_number([])
    assert apimod.add_one(41) == 42
    assert apimod.add_one(0.5) == 1.5
    with pytest.raises(TypeError):
        apimod.add_one("x")


def test_long_conversions(apimod):
    assert apimod.long_as(2**32 + 5, "u32mask") == 5
    assert apimod.long_as(-1, "u32mask") == 2**32 - 1
    assert apimod.long_as(2**64 + 7, "u64mask") == 7
    assert apimod.long_as(-1, "u64mask") == 2**64 - 1
    assert apimod.long_as(0xDEADBEEF, "address") == 0xDEADBEEF
    assert apimod.long_as(2**53 + 1, "int_as_f64") == float(2**53)
    with pytest.raises(OverflowError):
        apimod.long_as(10**400, "int_as_f64")
    with pytest.raises(TypeError):
        apimod.long_as("1", "u32mask")
    with pytest.raises(TypeError, match="must be int, not float"):
        apimod.long_as(1.5, "int_as_f64")


def record(*args, **kwargs):
    return (args, kwargs)


def test_call_tuple_dict(apimod):
    assert apimod.call_tuple_dict(record, (1, 2), {"k": 3}) == ((1, 2), {"k": 3})
    assert apimod.call_tuple_dict(record, None, None) == ((), {})
    assert apimod.call_tuple_dict(record, (1,), None) == ((1,), {})
    assert apimod.call_tuple_dict(record, None, {"a": 1}) == ((), {"a": 1})
    with pytest.raises(TypeError, match="args must be a tuple, not list"):
        apimod.call_tuple_dict(record, [1], None)
    with pytest.raises(TypeError, match="kwargs must be a dict, not tuple"):
        apimod.call_tuple_dict(record, None, ())
    with pytest.raises(TypeError, match="not callable"):
        apimod.call_tuple_dict(42, None, None)


def test_call_with_rust_arguments(apimod):
    assert apimod.call_rust_args(record) == ((1, "two"), {})
    assert apimod.call_no_args(record) == ((), {})
    assert apimod.call_kw(record, "X", [1]) == ((1, 2), {"x": "X", "y": [1]})


def test_vectorcall(apimod):
    assert apimod.vectorcall(record, [1, 2], {}) == ((1, 2), {})
    assert apimod.vectorcall(record, [], {"a": 1, "b": 2}) == ((), {"a": 1, "b": 2})
    assert apimod.vectorcall(record, [0], {"a": 1}) == ((0,), {"a": 1})
    with pytest.raises(TypeError, match="unexpected keyword"):
        apimod.vectorcall(lambda: 0, [], {"a": 1})


def test_call_errors_propagate(apimod):
    def boom(*a):
        raise KeyError("inside")

    with pytest.raises(KeyError, match="inside"):
        apimod.call_rust_args(boom)


def test_call_method(apimod):
    assert apimod.call_method("a,b", "split", (",",)) == ["a", "b"]
    assert apimod.call_method([3, 1], "index", (1,)) == 1
    with pytest.raises(AttributeError):
        apimod.call_method(1, "nope", ())
    assert apimod.call_method_tuple_dict("{0}-{a}", "format", (1,), {"a": 2}) == "1-2"
    assert apimod.call_method_tuple_dict("ab", "upper", None, None) == "AB"


def test_callable_check(apimod):
    assert apimod.callable(len) and apimod.callable(record) and apimod.callable(int)
    assert not apimod.callable(1) and not apimod.callable("f")
