"""Debug mode's stack traces name the Rust source, and hpy_rs_runtime's own `debug` and `trace`
Python modules offer `hpy.debug`'s and `hpy.trace`'s API without the `hpy` package.

The leak: testmod.forget_handle opens a handle and calls `core::mem::forget` on it. Loaded with
HPY=debug (through the loader stub, as a user would) and a stack-trace limit of 16, the
LeakDetector's error names the function, file and line that opened the handle. hpy 0.9.0's
runtime prints raw addresses there (and PyPy's HPy none), so this is about hpy_rs_runtime."""

import os
import pathlib
import re
import subprocess
import sys
import textwrap

import pytest

from conftest import HPY_RS_RUNTIME, MODULE_DIR, ROOT, built_module, universal_only

pytestmark = [
    universal_only,
    pytest.mark.skipif(
        not HPY_RS_RUNTIME,
        reason="about hpy_rs_runtime (hpy 0.9.0 prints raw addresses; PyPy's HPy no traces)",
    ),
]

SOURCE = ROOT / "tests" / "testmod" / "src" / "lib.rs"


def opening_line():
    """The line of testmod's source where forget_handle opens the handle it forgets."""
    lines = SOURCE.read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if '"forgotten on purpose"' in line)


def run(code, hpy_env="debug"):
    """Runs `code` in a process with the built modules importable and HPY=`hpy_env` ("" for
    none); returns its output."""
    built_module("testmod")
    env = dict(os.environ, PYTHONPATH=str(MODULE_DIR), HPY=hpy_env)
    if not hpy_env:
        del env["HPY"]
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                          capture_output=True, text=True, cwd="/")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


LEAK = """
    from hpy_rs_runtime.debug import HPyLeakError, LeakDetector, set_handle_stack_trace_limit
    set_handle_stack_trace_limit({limit})
    import testmod
    try:
        with LeakDetector():
            testmod.forget_handle()
    except HPyLeakError as e:
        assert len(e.leaks) == 1
        print(e)
        e.leaks[0]._force_close()
    else:
        print("no leak reported")
"""


def test_leak_report_names_the_rust_line():
    report = run(LEAK.format(limit=16))
    assert report.startswith("1 unclosed handle:\n    <DebugHandle 0x"), report
    assert "for 'forgotten on purpose'>" in report
    frames = re.findall(r"^ +\d+: (.+)$", report, re.M)
    assert 0 < len(frames) <= 16, report
    # The function that opened the handle, with its file and line, is among the frames.
    where = f"tests/testmod/src/lib.rs:{opening_line()}:"
    assert any(f.endswith("testmod::testmod::forget_handle") for f in frames), report
    assert where in report, f"{where} not in:\n{report}"


def test_no_stack_trace_without_a_limit():
    report = run(LEAK.format(limit=0))
    assert report == "1 unclosed handle:\n    " + report.split("\n    ", 1)[1]
    assert "Allocation stacktrace" not in report and "lib.rs" not in report, report


def test_debug_module_api():
    out = run("""
        import hpy_rs_runtime
        from hpy_rs_runtime import debug
        import hpy_rs_runtime.debug as by_name
        assert by_name is debug and debug._debug is hpy_rs_runtime._debug
        assert issubclass(debug.HPyLeakError, debug.HPyDebugError)
        ld = debug.LeakDetector()
        for call, message in [(ld.stop, "not started"), (lambda: (ld.start(), ld.start()),
                                                        "already started")]:
            try:
                call()
            except ValueError as e:
                assert message in str(e), e
            else:
                raise AssertionError("no ValueError")
        ld.stop()
        import testmod
        with debug.LeakDetector():
            assert testmod.rt_i64(3) == 3  # closes what it opens: no error
        print(str(debug.HPyLeakError([])))
    """)
    assert out == "0 unclosed handles:\n"


def test_trace_module_api():
    out = run("""
        from hpy_rs_runtime import trace
        import hpy_rs_runtime.trace as by_name
        assert by_name is trace
        import testmod
        names = []
        trace.set_trace_functions(on_enter=names.append)
        before = trace.get_call_counts()
        took = trace.get_durations()["ctx_Long_FromInt64_t"]
        assert testmod.rt_i64(5) == 5
        trace.set_trace_functions(on_enter=None)
        after = trace.get_call_counts()
        assert trace.get_durations()["ctx_Long_FromInt64_t"] > took
        assert trace.get_frequency() == 10**9
        try:
            trace.set_trace_functions(on_exit=1)
        except TypeError as e:
            print(e)
        print(after["ctx_Long_FromInt64_t"] - before["ctx_Long_FromInt64_t"],
              "ctx_Long_FromInt64_t" in names)
    """, hpy_env="trace")
    assert out == (
        "set_trace_functions() argument 'on_exit': expected a callable object or None, not int\n"
        "1 True\n"
    )


def test_second_mode_copy_names_the_rust_line(tmp_path):
    """A library imported in universal mode, then loaded in debug mode (from the runtime's
    private in-memory copy of the file), still has its leak reports symbolised; no file is
    written to the temporary directory."""
    report = run(f"""
        import os, importlib.util, hpy_rs_runtime
        os.environ["TMPDIR"] = {str(tmp_path)!r}
        import testmod                                   # universal mode (HPY unset below)
        spec = importlib.util.spec_from_file_location("testmod", testmod.__file__)
        debug = hpy_rs_runtime.load("testmod", testmod.__file__, spec,
                                    mode=hpy_rs_runtime.MODE_DEBUG)
        assert debug is not testmod and debug.rt_i64(4) == 4 and testmod.rt_i64(5) == 5
        from hpy_rs_runtime.debug import HPyLeakError, LeakDetector, set_handle_stack_trace_limit
        set_handle_stack_trace_limit(16)
        try:
            with LeakDetector():
                debug.forget_handle()
        except HPyLeakError as e:
            print(e)
            e.leaks[0]._force_close()
    """, hpy_env="")
    assert f"tests/testmod/src/lib.rs:{opening_line()}:" in report, report
    assert list(tmp_path.iterdir()) == []


def test_misuse_is_a_clear_error():
    out = run("""
        import hpy_rs_runtime, importlib.util, warnings
        from hpy_rs_runtime import debug
        def error(f):
            try:
                f()
            except Exception as e:
                print(type(e).__name__ + ":", e)
        error(lambda: debug.set_handle_stack_trace_limit(-1))
        error(lambda: hpy_rs_runtime.load("testmod", "x.hpy0.so", None))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with debug.LeakDetector():
                pass
        print(len(caught), caught[0].category.__name__, "no module is loaded in HPy debug mode"
              in str(caught[0].message))
    """, hpy_env="")
    assert out == (
        "ValueError: set_handle_stack_trace_limit() argument 'limit': must be 0 or more (or "
        "None), not -1\n"
        "TypeError: load() argument 'spec': expected a module spec "
        "(importlib.machinery.ModuleSpec), not NoneType\n"
        "1 RuntimeWarning True\n"
    )
