"""Core SDK behaviour through tests/testmod: conversions, errors, panics, handles."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import CPYTHON_ABI, HPY_RS_RUNTIME, HPY_TYPES_BROKEN, load, universal_only

if not CPYTHON_ABI:
    from hpy.debug import LeakDetector
    from hpy.debug.leakdetector import HPyLeakError

SIGNED = {"i8": 8, "i16": 16, "i32": 32, "i64": 64, "i128": 128, "isize": 64}
UNSIGNED = {"u8": 8, "u16": 16, "u32": 32, "u64": 64, "u128": 128, "usize": 64}


@pytest.mark.parametrize("ty,bits", SIGNED.items())
def test_signed_roundtrip_and_bounds(testmod, ty, bits):
    f = getattr(testmod, f"rt_{ty}")
    lo, hi = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    for v in (0, 1, -1, lo, hi, lo + 1, hi - 1):
        assert f(v) == v
    for bad in (hi + 1, lo - 1, 2**200, -(2**200)):
        with pytest.raises(OverflowError, match=rf"^rt_{ty}\(\) argument 'x': .*{ty}"):
            f(bad)


@pytest.mark.parametrize("ty,bits", UNSIGNED.items())
def test_unsigned_roundtrip_and_bounds(testmod, ty, bits):
    f = getattr(testmod, f"rt_{ty}")
    hi = 2**bits - 1
    for v in (0, 1, hi, hi - 1):
        assert f(v) == v
    with pytest.raises(OverflowError, match=rf"^rt_{ty}\(\) argument 'x': Python int too large to convert to {ty}$"):
        f(hi + 1)
    with pytest.raises(OverflowError, match=rf"^rt_{ty}\(\) argument 'x': can't convert negative int to unsigned$"):
        f(-1)


@pytest.mark.parametrize("ty", list(SIGNED) + list(UNSIGNED))
def test_integers_reject_non_integers(testmod, ty):
    f = getattr(testmod, f"rt_{ty}")
    for bad, tyname in (("1", "str"), (1.0, "float"), (None, "NoneType"), ([], "list")):
        with pytest.raises(TypeError, match=rf"'{tyname}' object cannot be interpreted as an integer"):
            f(bad)
    assert f(True) == 1


def test_floats(testmod):
    assert testmod.rt_f64(1.5) == 1.5
    assert testmod.rt_f64(3) == 3.0
    assert testmod.rt_f64(float("inf")) == float("inf")
    assert testmod.rt_f32(0.1) == pytest.approx(0.1, rel=1e-7)
    assert testmod.rt_f32(0.1) != 0.1
    with pytest.raises(TypeError, match=r"^rt_f64\(\) argument 'x': must be real number, not str$"):
        testmod.rt_f64("1.0")
    with pytest.raises(OverflowError, match="too large to convert to float"):
        testmod.rt_f64(10**400)


def test_bool(testmod):
    assert testmod.rt_bool(True) is True
    assert testmod.rt_bool(False) is False
    with pytest.raises(TypeError, match=r"^rt_bool\(\) argument 'x': must be bool, not int$"):
        testmod.rt_bool(1)


def test_strings(testmod):
    for s in ("", "abc", "Zoë", "😀", "a\0b", "x" * 100_000):
        assert testmod.rt_str(s) == s
    assert testmod.utf8_len("é") == 2
    assert testmod.tricky_str() == "a\0b é ✓ 😀"
    assert testmod.rt_char("é") == "é"
    with pytest.raises(ValueError, match="length 1, not length 2"):
        testmod.rt_char("ab")
    with pytest.raises(TypeError, match=r"^rt_str\(\) argument 'x': must be str, not bytes$"):
        testmod.rt_str(b"abc")


def test_option(testmod):
    assert testmod.rt_opt_i64(None) is None
    assert testmod.rt_opt_i64(5) == 5
    assert testmod.optional(1) == "1:<none>"
    assert testmod.optional(1, None) == "1:<none>"
    assert testmod.optional(1, "x") == "1:x"
    assert testmod.optional(a=1, b="y") == "1:y"
    with pytest.raises(TypeError, match=r"takes from 1 to 2 positional arguments but 3 were given"):
        testmod.optional(1, "x", 3)


def test_handles(testmod):
    obj = object()
    assert testmod.identity(obj) is obj
    assert testmod.nothing() is None
    assert testmod.constants() is True
    assert testmod.type(1.5) == "float"
    assert testmod.renamed() == 7
    assert testmod.debug_repr([1, "a"]) == "[1, 'a']"


def test_errors_propagate_and_discard(testmod):
    with pytest.raises(ValueError, match="^bad value$"):
        testmod.raise_value_error("bad value")
    with pytest.raises(KeyError):
        testmod.raise_kind("KeyError", "k")
    with pytest.raises(ZeroDivisionError, match="div"):
        testmod.raise_kind("ZeroDivisionError", "div")
    with pytest.raises(UserWarning):
        testmod.raise_kind("UserWarning", "w")
    with pytest.raises(AttributeError, match="nope"):
        testmod.getattr(object(), "nope")
    assert testmod.getattr(3, "real") == 3
    assert testmod.int_or("x", 7) == 7
    assert testmod.int_or(2**100, 8) == 8
    assert testmod.int_or(5, 8) == 5
    assert testmod.missing_attr(object(), "nope") is True
    assert testmod.missing_attr(1, "real") is False
    # A name with a NUL character is looked up as a str object, as getattr() does.
    with pytest.raises(AttributeError, match=r"re(\x00|\\x00)al"):
        testmod.getattr(1, "re\0al")


def test_error_message_with_non_ascii_text(testmod):
    with pytest.raises(ValueError, match="^héllo ✓$"):
        testmod.raise_value_error("héllo ✓")


def test_panic_message_and_no_leak(testmod):
    """A panic is the module's own PanicError, a RuntimeError, whose message names the function
    and the Rust file, line and column of the panic."""
    source = Path(__file__).parents[1] / "testmod" / "src" / "lib.rs"
    line = next(
        i for i, text in enumerate(source.read_text().splitlines(), 1) if 'panic!("custom: {msg}")' in text
    )
    with pytest.raises(RuntimeError) as info:
        testmod.panic_with("abc")
    assert str(info.value) == f"Rust panic in panic_with() at tests/testmod/src/lib.rs:{line}:9: custom: abc"
    cls = type(info.value)
    assert (cls.__name__, cls.__module__, cls.__bases__) == ("PanicError", testmod.__name__, (RuntimeError,))
    assert cls.__doc__.startswith("A Rust panic inside a call into the extension.")
    assert not hasattr(testmod, "PanicError")
    with pytest.raises(cls, match="custom: again$"):
        testmod.panic_with("again")
    assert testmod.rt_i64(1) == 1


PANIC_LOOP = textwrap.dedent("""
    import gc, importlib.util, sys
    path, mode, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    spec = importlib.util.spec_from_file_location("testmod", path)
    if mode == "cpython-abi":
        m = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(m)
    else:
        import hpy.universal as u
        m = u.load("testmod", path, spec, mode=getattr(u, "MODE_" + mode.upper()))
    page = __import__("os").sysconf("SC_PAGE_SIZE")

    def rss():
        gc.collect()  # PyPy's heap otherwise grows with the garbage of the loop
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * page

    def panics(count):
        for i in range(count):
            try:
                m.panic_with("x" * 64)
            except RuntimeError:
                pass
            else:
                raise SystemExit("panic_with did not raise")

    panics(n)  # warm-up: caches, the interpreter's free lists and heap, PyPy's JIT
    before = rss()
    panics(n)
    print(rss() - before)
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_caught_panics_leak_nothing(testmod, hpy_mode):
    """100,000 panicking calls (in a process of their own, after as many to warm up, output of the
    panic hook discarded) grow the resident set by less than 1 MiB: each caught panic's payload
    is freed (it used to be forgotten, about 110 bytes a panic: 10.7 MiB here on CPython and PyPy
    alike). Debug mode keeps records of closed handles and is left out."""
    if hpy_mode == "debug":
        pytest.skip("debug mode keeps records of closed handles: RSS is not the measure there")
    n = 100_000
    env = dict(os.environ, RUST_BACKTRACE="0")
    env.pop("HPY", None)
    proc = subprocess.run(
        [sys.executable, "-c", PANIC_LOOP, testmod.__file__, hpy_mode, str(n)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, timeout=600,
    )
    assert proc.returncode == 0
    growth = int(proc.stdout)
    assert growth < 1 << 20, f"RSS grew by {growth} bytes over {n} caught panics"


def test_exec_hooks_run_in_order(testmod):
    assert testmod.EXEC_ORDER == "first,second"


def test_context_name(testmod, hpy_mode):
    """The context names differ per runtime: CPython's hpy 0.9.0 says e.g. "HPy Debug Mode ABI",
    PyPy appends " (PyPy backend)"."""
    name = testmod.context_name()
    if hpy_mode == "cpython-abi":
        assert name == "cpython-abi"
        return
    expected = {"debug": "HPy Debug Mode ABI", "universal": "HPy Universal ABI"}[hpy_mode]
    if HPY_RS_RUNTIME:
        # hpy_rs_runtime marks its contexts (the SDK finds its extensions by that mark).
        assert name == f"{expected} (hpy-rs runtime, CPython)"
    elif sys.implementation.name == "pypy":
        assert name == f"{expected} (PyPy backend)"
    elif hpy_mode == "debug":
        assert name == expected
    else:
        assert name == f"{expected} (CPython backend)"


def test_lone_surrogates_raise_unicode_encode_error(testmod):
    """PyPy's runtime reports these as an internal SystemError; the SDK raises what CPython does."""
    for s in ("\ud800", "abc\udcff"):
        with pytest.raises(UnicodeEncodeError, match="surrogates not allowed"):
            testmod.rt_str(s)
        with pytest.raises(UnicodeEncodeError):
            testmod.utf8_len(s)


def test_context_tail_members_work(testmod):
    """HPyType_GetName lives in the context's tail, which PyPy 3.11 places one slot later than
    HPy 0.9.0: the SDK finds it on both (a wrong slot would crash here)."""
    assert testmod.type(1) == "int"
    assert testmod.type(None) == "NoneType"
    with pytest.raises(TypeError, match="must be str, not list"):
        testmod.rt_str([])


@universal_only
@pytest.mark.skipif(
    HPY_TYPES_BROKEN,
    reason="HPy 0.9.0's debug-mode handle objects are HPy types, which crash on CPython 3.13+ "
    "when inspected (type-flag bit 2); the leak check itself runs in every debug-mode test",
)
def test_leak_detector_catches_a_leak(mode_dirs):
    """Negative control: the debug-mode leak check really sees a handle the module leaks."""
    testmod = load("testmod", "debug", mode_dirs)
    with pytest.raises(HPyLeakError) as info:
        with LeakDetector():
            testmod.leak()
    assert len(info.value.leaks) == 1
    for handle in info.value.leaks:
        handle._force_close()
