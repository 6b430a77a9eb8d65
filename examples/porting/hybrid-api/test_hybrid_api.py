"""The hybrid ABI's API from Python (examples/porting/hybrid-api): legacy methods added by
hpy::legacy::add_methods, as_pyobject/from_pyobject, hpy::pyo3's conversions and errors.

HYBRID_API_DIR names the folder of the build (`hybrid_api.py` and `hybrid_api.hpy0-<tag>.so`);
with HPY=debug the module is in HPy's debug mode and every test runs inside LeakDetector. Run by
scripts/test-porting.sh."""

import os
import sys

import pytest

sys.path.insert(0, os.environ["HYBRID_API_DIR"])

import hybrid_api as m  # noqa: E402

DEBUG = os.environ.get("HPY", "") == "debug"


def debug_module():
    if "hpy_rs_runtime" in sys.modules:
        from hpy_rs_runtime import debug
    else:
        from hpy import debug
    return debug


@pytest.fixture(autouse=True)
def leak_check(request):
    if not DEBUG or "no_leak_check" in request.keywords:
        yield
        return
    with debug_module().LeakDetector():
        yield


@pytest.mark.no_leak_check
@pytest.mark.skipif(not DEBUG, reason="HPy's debug mode only")
def test_the_leak_check_sees_a_leaked_handle():
    # The negative control of the leak check every other test runs under in debug mode.
    debug = debug_module()
    obj = object()
    with pytest.raises(debug.HPyLeakError):
        with debug.LeakDetector():
            m.leak_a_handle(obj)


def test_legacy_methods_of_each_calling_convention():
    assert m.answer() == 42
    assert m.twice(21) == 42
    assert m.twice("ab") == "abab"
    assert m.count() == 0
    assert m.count(1, None, "x") == 3
    assert m.keywords() == []
    assert m.keywords(1, b=2, a=3) == ["a", "b"]
    assert m.first(5, 6) == 5
    with pytest.raises(TypeError, match="^first\\(\\) needs an argument$"):
        m.first()


def test_legacy_methods_are_the_modules_builtins():
    assert m.module_name() == "hybrid_api"
    assert type(m.answer).__name__ == "builtin_function_or_method"
    assert m.answer.__module__ == "hybrid_api"
    if sys.implementation.name == "cpython":  # PyPy's cpyext functions have no __self__
        assert m.answer.__self__ is m
    assert m.count.__doc__ == "The number of positional arguments."
    with pytest.raises(TypeError):
        m.answer(1)  # METH_NOARGS
    with pytest.raises(TypeError):
        m.twice()  # METH_O
    with pytest.raises(TypeError):
        m.count(a=1)  # METH_VARARGS takes no keywords


def test_legacy_method_errors_propagate():
    with pytest.raises(TypeError):
        m.twice(None)


@pytest.mark.parametrize("obj", [None, 1, 2.5, "text", (1, 2), [3], {"k": 1}, object()])
def test_as_pyobject_from_pyobject_round_trip(obj):
    assert m.roundtrip(obj) is obj


@pytest.mark.skipif(not hasattr(sys, "getrefcount"), reason="CPython's reference counts")
def test_round_trip_leaves_no_reference():
    obj = object()
    before = sys.getrefcount(obj)
    for _ in range(1000):
        m.roundtrip(obj)
    assert sys.getrefcount(obj) == before


def test_from_pyobject_null_without_error_is_system_error():
    with pytest.raises(SystemError):
        m.from_null()


def test_from_pyobject_of_a_c_api_result():
    assert m.int_via_c_api("123") == 123
    assert m.int_via_c_api(" -7 ") == -7
    with pytest.raises(ValueError, match="invalid literal for int"):
        m.int_via_c_api("x")
    with pytest.raises(ValueError, match="NUL"):
        m.int_via_c_api("1\x002")


def test_pyo3_conversions():
    assert m.upper_via_pyo3("abc") == "ABC"
    assert m.upper_via_pyo3(b"xy") == b"XY"
    with pytest.raises(AttributeError, match="upper"):
        m.upper_via_pyo3(5)


def test_pyo3_errors_are_raised_as_they_are():
    assert m.int_via_pyo3("12") == 12
    with pytest.raises(ValueError, match="invalid literal for int"):
        m.int_via_pyo3("x")
    with pytest.raises(OverflowError):
        m.int_via_pyo3(str(2**70))


def test_with_module():
    assert m.name_of_module(m) == "hybrid_api"
    assert m.name_of_module(sys) == "sys"
    with pytest.raises(TypeError):
        m.name_of_module(5)
