"""Where the runtime cannot host classes (HPy 0.9.0's CPython runtime on CPython 3.13+: it marks
its types with type-flag bit 2, which CPython 3.13 took for inline values, so an instance can
crash the interpreter), a module leaves its classes out and says why; its functions work."""

import pytest

from conftest import HPY_TYPES_BROKEN

pytestmark = pytest.mark.skipif(not HPY_TYPES_BROKEN, reason="this runtime hosts classes")

WHY = (
    "HPy 0.9.0's CPython runtime cannot host classes on CPython 3.{minor}: it marks its types "
    "with the type flag bit 2, which CPython 3.13 took for inline values, so using an instance "
    "can crash the interpreter (hpy issue 493). Module functions work; for classes build the "
    "module for this CPython with `cargo hpy build --abi cpython`, or use CPython 3.11 or 3.12, "
    "or PyPy"
)


def test_classes_are_left_out_with_the_reason(apimod, testmod):
    import sys

    why = WHY.format(minor=sys.version_info[1])
    assert apimod.add_one(41) == 42
    assert testmod.cfg_on() == "on"
    for module, name in ((apimod, "Point"), (apimod, "Tracked"), (testmod, "CfgOn")):
        with pytest.raises(AttributeError) as info:
            getattr(module, name)
        assert str(info.value) == f"module {module.__name__!r} has no class {name!r}: {why}"
        assert not hasattr(module, name)
    with pytest.raises(AttributeError, match="^module 'apimod' has no attribute 'nothing'$"):
        apimod.nothing
    with pytest.raises(NotImplementedError) as info:
        apimod.make_point(1.0, 2.0)
    assert str(info.value) == f"the class Point: {why}"
