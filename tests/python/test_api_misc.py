"""Capsules, globals, trackers, threads, slices, eval and context vars through tests/apimod."""

import contextvars
import gc
import sys
import threading

import pytest

from test_runtime_defects import THREADS_ABORT_PYPY_DEBUG


def test_capsule_owns_rust_value(apimod):
    apimod.dropped()
    cap = apimod.capsule_new("first", True)
    assert apimod.capsule_label(cap) == "first"
    assert apimod.capsule_name(cap) == "apimod.noisy"
    assert apimod.capsule_is_valid(cap, "apimod.noisy") is True
    assert apimod.capsule_is_valid(cap, "other") is False
    apimod.capsule_rename(cap)
    assert apimod.capsule_name(cap) == "apimod.renamed"
    assert apimod.capsule_label(cap) == "first"
    del cap
    gc.collect()
    assert apimod.dropped() == ["first"]


def test_capsule_without_name_and_wrong_type(apimod):
    cap = apimod.capsule_new("anon", False)
    assert apimod.capsule_name(cap) is None
    assert apimod.capsule_is_valid(cap, None) is True
    with pytest.raises(TypeError, match="holds another type than u64"):
        apimod.capsule_wrong_type(cap)
    del cap
    gc.collect()
    assert apimod.dropped() == ["anon"]


def test_raw_capsule(apimod):
    raw = apimod.capsule_raw()
    assert apimod.capsule_raw_read(raw) == "raw data"
    with pytest.raises(TypeError, match="not made by Capsule::new"):
        apimod.capsule_label(raw)
    with pytest.raises(TypeError, match="must be capsule, not int"):
        apimod.capsule_label(1)


def test_capsule_wrong_name_is_value_error(apimod):
    cap = apimod.capsule_new("x", True)
    with pytest.raises(ValueError):
        apimod.capsule_raw_read(cap)


def test_global_keeps_object_across_calls(apimod):
    apimod.global_clear()
    assert apimod.global_get() is None
    value = ["kept"]
    apimod.global_set(value)
    assert apimod.global_get() is value
    apimod.global_set("replaced")
    assert apimod.global_get() == "replaced"
    apimod.global_clear()
    assert apimod.global_get() is None


def test_tracker(apimod):
    assert apimod.tracker(5, True) == [0, 2, 4, 6, 8]
    assert apimod.tracker(5, False) is None
    assert apimod.tracker(0, True) == []


def test_allow_threads(apimod, hpy_mode):
    assert apimod.sum_without_gil(1000) == sum(range(1000))
    with pytest.raises(RuntimeError, match="inside allow_threads"):
        apimod.panic_without_gil()
    if sys.implementation.name == "pypy" and hpy_mode == "debug":
        pytest.skip(THREADS_ABORT_PYPY_DEBUG)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(apimod.sum_without_gil(200_000)))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [sum(range(200_000))] * 4


def test_slices(apimod):
    assert apimod.slice_unpack(slice(1, 10, 2)) == (1, 10, 2)
    assert apimod.slice_unpack(slice(None, None, -1)) == (sys.maxsize, -sys.maxsize - 1, -1)
    with pytest.raises(ValueError, match="slice step cannot be zero"):
        apimod.slice_unpack(slice(1, 2, 0))
    with pytest.raises(TypeError, match="must be slice, not int"):
        apimod.slice_unpack(5)
    for s in (slice(None), slice(2, -1), slice(None, None, -2), slice(-100, 100, 3), slice(5, 1)):
        for n in (0, 1, 7, 10):
            start, stop, step = s.indices(n)
            assert apimod.slice_indices(s, n) == (start, stop, step, len(range(n)[s])), (s, n)


def test_import_module(apimod):
    imp = apimod.import_module
    import math
    import os.path

    assert imp("math") is math
    assert imp("os.path") is os.path
    with pytest.raises(ModuleNotFoundError, match="no_such_module_xyz"):
        imp("no_such_module_xyz")


def test_compile_and_eval(apimod):
    g = {"x": 20}
    assert apimod.compile_and_eval("x + 22", "eval", g, None) == 42
    assert apimod.compile_and_eval("y = x * 2", "exec", g, None) is None
    assert g["y"] == 40
    loc = {}
    apimod.compile_and_eval("z = 1", "exec", g, loc)
    assert loc == {"z": 1} and "z" not in g
    assert apimod.compile_and_eval("x", "single", g, None) is None
    assert apimod.eval("len('abc')", {}) == 3
    with pytest.raises(SyntaxError):
        apimod.compile_and_eval("1 +", "eval", {}, None)
    with pytest.raises(NameError, match="undefined_name"):
        apimod.eval("undefined_name", {})
    with pytest.raises(ValueError, match="kind must be"):
        apimod.compile_and_eval("1", "bad", {}, None)


def test_context_vars(apimod):
    var = apimod.contextvar_new("v", None)
    assert isinstance(var, contextvars.ContextVar) and var.name == "v"
    assert apimod.contextvar_get(var, None) is None
    assert apimod.contextvar_get(var, 5) == 5
    token = apimod.contextvar_set(var, "value")
    assert apimod.contextvar_get(var, 5) == "value"
    assert var.get() == "value"
    var.reset(token)
    with_default = apimod.contextvar_new("w", 7)
    assert apimod.contextvar_get(with_default, None) == 7

    def in_copy():
        apimod.contextvar_set(var, "inner")
        return apimod.contextvar_get(var, None)

    assert contextvars.copy_context().run(in_copy) == "inner"
    assert apimod.contextvar_get(var, None) is None
    with pytest.raises(TypeError, match="ContextVar"):
        apimod.contextvar_get(42, None)


def test_builtin_types_and_constants(apimod):
    got = apimod.builtin_types()
    assert got[:11] == [object, type, bool, int, float, str, tuple, list, complex, bytes, memoryview]
    assert got[11] is type(apimod.capsule_raw())
    assert got[12] is slice
    none, true, false, ni, ell, builtins_mod = apimod.constants()
    import builtins

    assert (none, true, false, ni, ell) == (None, True, False, NotImplemented, Ellipsis)
    assert builtins_mod is builtins.__dict__


def test_builtin_shape(apimod):
    # Types not defined through HPy have no HPy shape: CPython's runtime reports them as
    # Legacy and PyPy's as Object. HPy-defined types (a later issue) report their real shape.
    expected = {"cpython": "Legacy", "pypy": "Object"}[sys.implementation.name]
    for t in (object, int, float, str, tuple, list, type, dict):
        assert apimod.builtin_shape(t) == expected
    with pytest.raises(TypeError, match="argument 'ty': must be type, not int"):
        apimod.builtin_shape(5)
