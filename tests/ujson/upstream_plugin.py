"""pytest plugin that runs ujson's own test suite against ujson_hpy.

Loaded with `-p upstream_plugin` by run_upstream.py. It loads ujson_hpy's .hpy0.so in the HPy
mode named by UJSON_HPY_MODE (universal or debug) and installs it as `ujson`, so the upstream
test_ujson.py imports it unchanged. In debug mode every test runs under hpy.debug.LeakDetector.
In mode cpython-abi the CPython-ABI build is imported as an ordinary extension (no `hpy`).
"""

import importlib.util
import os
import sys

import pytest

MODE = os.environ["UJSON_HPY_MODE"]
SO = os.environ["UJSON_HPY_SO"]
_spec = importlib.util.spec_from_file_location("ujson_hpy", SO)
if MODE == "cpython-abi":
    module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(module)
    assert "hpy" not in sys.modules, "the CPython-ABI build must not need HPy's package"
else:
    import hpy.universal

    _mode = {"universal": hpy.universal.MODE_UNIVERSAL, "debug": hpy.universal.MODE_DEBUG}[MODE]
    module = hpy.universal.load("ujson_hpy", SO, _spec, mode=_mode)
    module.__file__ = SO
sys.modules["ujson"] = module

# No upstream test is left out. (The two `sys.getrefcount(None)` cases of
# test_encode_dict_key_ref_counting once were: `sort_keys` made a new "sort" string per call, each
# a miss in CPython's type method cache, whose entries hold references to None. The encoder now
# uses interned names made once.)


def pytest_report_header(config):
    what = "the CPython ABI" if MODE == "cpython-abi" else f"HPy {MODE} mode"
    return f"upstream ujson tests against ujson_hpy ({SO}) in {what}"


# Upstream skips these on PyPy because the C-API original cannot do them there; ujson_hpy can,
# so they run.
UNSKIPPED = ("PyPy can't serialise big ints", "PyPy & GraalPy crash if .__hash__() fails")


def pytest_collection_modifyitems(config, items):
    for item in items:
        item.own_markers = [
            m for m in item.own_markers
            if not (m.name == "skipif" and m.kwargs.get("reason") in UNSKIPPED)
        ]


if MODE == "debug":
    from hpy.debug import LeakDetector

    @pytest.fixture(autouse=True)
    def _no_leaks():
        with LeakDetector():
            yield
