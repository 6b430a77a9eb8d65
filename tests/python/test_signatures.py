"""`#[hpy_method(signature = ...)]`: every parameter kind, checked against the same `def` in Python."""

import inspect
import sys

import pytest


def kwdemo(a, /, b=2, *args, c, d=None, **kwargs):
    return (a, b, args, c, d, kwargs)


CALLS = {
    "only-required": lambda f: f(1, c=3),
    "everything": lambda f: f(1, 5, 6, 7, c=3, d=4, e=5),
    "posonly-name-in-kwargs": lambda f: f(1, 5, 6, 7, c=3, a=9),
    "b-by-keyword": lambda f: f(1, b=7, c=3),
    "d-none": lambda f: f(1, c=3, d=None),
    "many-extra-kwargs": lambda f: f(0, c=1, x=1, y=2, z=3),
}

ERRORS = {
    "nothing": lambda f: f(),
    "no-c": lambda f: f(1),
    "no-c-with-varargs": lambda f: f(1, 2, 3),
    "no-a": lambda f: f(c=1),
    "no-a-b-keyword": lambda f: f(b=1, c=2),
    "b-twice": lambda f: f(1, 2, b=3, c=4),
    "c-twice-is-impossible-but-b-twice-with-extras": lambda f: f(1, 2, 3, b=3, c=4),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_kwdemo_matches_python(hello, call):
    assert call(hello.kwdemo) == call(kwdemo)


def test_kwdemo_examples_from_the_issue(hello):
    assert hello.kwdemo(1, c=3) == (1, 2, (), 3, None, {})
    assert hello.kwdemo(1, 5, 6, 7, c=3, a=9) == (1, 5, (6, 7), 3, None, {"a": 9})


@pytest.mark.parametrize("call", ERRORS.values(), ids=ERRORS.keys())
def test_kwdemo_errors_match_python(hello, call):
    with pytest.raises(TypeError) as expected:
        call(kwdemo)
    with pytest.raises(TypeError) as got:
        call(hello.kwdemo)
    assert str(got.value) == str(expected.value)


def test_keyword_names_remembered_per_call(hello):
    """A function remembers the keyword names of its last call, so that a call site passing the
    same names (CPython reuses the site's tuple) is matched with one identity check. Calls with
    other names, orders, extras, clashes or too many keywords are still matched by name."""

    def calls(f):
        out = [f(1, c=3, d=4), f(1, d=4, c=3), f(1, b=7, c=3), f(1, 2, c=3, x=1)]
        out.append(f(1, c=3, d=4, e=5, g=6, h=7, i=8, j=9, k=10))  # more than the 8 remembered
        out.append(f(1, b=3, c=4))
        try:
            f(1, 2, b=3, c=4)  # the same names as the call before, `b` also given by position
        except TypeError as e:
            out.append(str(e))
        return out

    # Past the point where a function whose calls keep changing names stops remembering.
    for _ in range(40):
        assert calls(hello.kwdemo) == calls(kwdemo)
    for _ in range(40):  # one call site, remembered
        assert hello.kwdemo(1, c=3, d=4) == kwdemo(1, c=3, d=4)
        with pytest.raises(TypeError, match=r"kwdemo\(\) got multiple values for argument 'b'"):
            hello.kwdemo(1, 2, b=3, c=4)


def test_kwdemo_conversion_error_names_the_argument(hello):
    with pytest.raises(TypeError, match=r"^kwdemo\(\) argument 'b': 'str' object cannot be"):
        hello.kwdemo(1, "x", c=3)


def test_kwdemo_signature(hello):
    assert hello.kwdemo.__text_signature__ == "(a, /, b=2, *args, c, d=None, **kwargs)"
    if sys.implementation.name != "pypy":  # PyPy's inspect ignores __text_signature__
        assert inspect.signature(hello.kwdemo) == inspect.signature(kwdemo)
    assert hello.kwdemo.__doc__.startswith("Return the arguments as the tuple")


def test_varargs_as_vec(testmod):
    assert testmod.total() == 0
    assert testmod.total(1, 2, 3) == 6
    assert testmod.total(1, 2, start=10) == 13
    with pytest.raises(TypeError, match=r"^total\(\) argument 'values\[1\]': 'str' object"):
        testmod.total(1, "x")
    with pytest.raises(TypeError, match=r"^total\(\) got an unexpected keyword argument 'values'"):
        testmod.total(values=1)


def test_varkw_always_a_dict_and_text_signature_override(testmod):
    assert testmod.count_options() == 0
    assert testmod.count_options(a=1, b=2) == 2
    assert testmod.count_options.__text_signature__ == "(**options: int)"
    with pytest.raises(TypeError, match="takes 0 positional arguments but 1 was given"):
        testmod.count_options(1)


def test_positional_only_conventions(testmod):
    """`(x, /)` is defined with HPy's O convention and `(a, b=10, /)` with VARARGS: the same
    results and CPython's messages for a wrong number of arguments; keywords are refused by the
    runtime, as for built-in functions."""
    assert testmod.double(21) == 42
    assert testmod.pair(1) == (1, 10)
    assert testmod.pair(1, 2) == (1, 2)
    with pytest.raises(TypeError, match=r"^double\(\) argument 'x': 'str' object cannot be"):
        testmod.double("x")
    with pytest.raises(TypeError, match=r"double\(\) takes exactly one argument \(0 given\)"):
        testmod.double()
    with pytest.raises(TypeError, match=r"double\(\) takes exactly one argument \(2 given\)"):
        testmod.double(1, 2)
    with pytest.raises(TypeError, match=r"^pair\(\) missing 1 required positional argument: 'a'"):
        testmod.pair()
    with pytest.raises(TypeError, match=r"^pair\(\) takes from 1 to 2 positional arguments but 3 were given"):
        testmod.pair(1, 2, 3)
    for call in (lambda: testmod.double(x=1), lambda: testmod.pair(1, b=2)):
        with pytest.raises(TypeError, match=r"takes no keyword arguments"):
            call()


def test_varargs_borrowed(testmod):
    assert testmod.borrowed_args() == ([], (), True, None)
    marker = object()
    got = testmod.borrowed_args(marker, "a", None)
    assert got == (["object", "str", "NoneType"], (marker, "a", None), False, marker)
    assert got[3] is marker
    with pytest.raises(TypeError, match="takes no keyword arguments"):
        testmod.borrowed_args(1, x=2)
