"""Runs test_geometry.py against one step of the porting example.

GEOMETRY_DIR names the folder holding that step's build (`geometry<EXT_SUFFIX>` for step 0,
`geometry.py` and its `.hpy0*.so` for the others), GEOMETRY_STEP its number. With HPY=debug (steps
1 to 3) the loader stub loads the module in HPy's debug mode and every test runs inside the
runtime's LeakDetector, which fails the test if an HPy handle is left open.
"""

import os
import sys

import pytest

STEP = int(os.environ["GEOMETRY_STEP"])
sys.path.insert(0, os.environ["GEOMETRY_DIR"])

import geometry  # noqa: E402  (from GEOMETRY_DIR)

DEBUG = os.environ.get("HPY", "") == "debug" and STEP > 0


def _leak_detector():
    if "hpy_rs_runtime" in sys.modules:
        from hpy_rs_runtime.debug import LeakDetector
    else:
        from hpy.debug import LeakDetector
    return LeakDetector


@pytest.fixture(autouse=True)
def leak_check():
    if not DEBUG:
        yield
        return
    with _leak_detector()():
        yield
