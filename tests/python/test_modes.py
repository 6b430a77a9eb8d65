"""Trace mode, and importing through the generated stub with HPY=debug / HPY=trace."""

import os
import subprocess
import sys

import pytest

from conftest import MODULE_DIR, built_module, load, universal_only

pytestmark = universal_only


def test_trace_mode_counts_calls(mode_dirs):
    from hpy import trace

    hello = load("hello", "trace", mode_dirs)
    before = trace.get_call_counts()
    assert hello.add(1, 2) == 3
    assert hello.greet("tracer") == "Hello, tracer!"
    after = trace.get_call_counts()
    assert after["ctx_Long_AsInt64_t"] - before["ctx_Long_AsInt64_t"] == 2
    assert after["ctx_Long_FromInt64_t"] - before["ctx_Long_FromInt64_t"] == 1
    assert after["ctx_Unicode_AsUTF8AndSize"] > before["ctx_Unicode_AsUTF8AndSize"]
    with pytest.raises(RuntimeError, match="boom"):
        hello.boom()


def run_import(code, hpy_env):
    built_module("hello")
    env = dict(os.environ, PYTHONPATH=str(MODULE_DIR), HPY_LOG="1")
    env.pop("HPY", None)
    if hpy_env is not None:
        env["HPY"] = hpy_env
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd="/"
    )


CONTEXT_NAMES = {
    "universal": "HPy Universal ABI",
    "debug": "HPy Debug Mode ABI",
    "trace": "HPy Trace Mode ABI",
}


@pytest.mark.parametrize(
    "hpy_env,mode",
    [
        (None, "universal"),
        ("debug", "debug"),
        ("TRACE", "trace"),
        ("universal", "universal"),
        ("hello:debug,testmod:trace", "trace"),
        ("hello:debug", "universal"),
    ],
)
def test_import_through_stub(hpy_env, mode):
    code = (
        "import hello, testmod, sys\n"
        "assert hello.add(2, 3) == 5, 'add'\n"
        "assert hello.__file__.endswith('/hello.hpy0.so'), hello.__file__\n"
        "assert testmod.__spec__.origin == testmod.__file__\n"
        "assert sys.modules['hello'] is hello\n"
        # No public attribute the module did not define (PyPy's loader adds `spec`).
        "assert [n for n in dir(hello) if not n.startswith('_')] == "
        "['ANSWER', 'add', 'boom', 'greet', 'kwdemo', 'sorted_desc', 'word_count'], dir(hello)\n"
        "print(testmod.context_name())\n"
        "print(hello.__name__, hello.__doc__)\n"
    )
    proc = run_import(code, hpy_env)
    assert proc.returncode == 0, proc.stderr
    suffix = {"universal": "", "debug": " with a debug context", "trace": " with a trace context"}
    assert f"Loading 'testmod' in HPy universal mode{suffix[mode]}\n" in proc.stdout
    assert f"\n{CONTEXT_NAMES[mode]}" in proc.stdout
    assert "hello A small demo module" in proc.stdout


def test_import_debug_mode_leak_check_through_stub():
    code = (
        "import hello\n"
        "from hpy.debug import LeakDetector\n"
        "with LeakDetector():\n"
        "    for bad in ((1, 'x'), (2**63, 1)):\n"
        "        try: hello.add(*bad)\n"
        "        except (TypeError, OverflowError): pass\n"
        "    try: hello.boom()\n"
        "    except RuntimeError: pass\n"
        "print('clean')\n"
    )
    proc = run_import(code, "debug")
    assert proc.returncode == 0, proc.stderr
    assert "clean" in proc.stdout


@pytest.mark.parametrize("setting", ["nonsense", "hello:fast", "hello"])
def test_invalid_hpy_mode_is_a_clear_error(setting):
    proc = run_import("import hello", setting)
    assert proc.returncode != 0
    assert f"ValueError: invalid HPy mode: '{setting}'" in proc.stderr
