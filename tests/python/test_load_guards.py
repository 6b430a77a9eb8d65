"""One library, one HPy context and one interpreter: the library keeps per-process state (the
context its trampolines hand back to the runtime, its Globals). A second load of the same library
file into another HPy mode raises ImportError with hpy 0.9.0's runtime and PyPy's; hpy_rs_runtime
loads a private copy of the file instead, so both modules work, each in its own mode. An import
from a sub-interpreter raises ImportError. The module made first keeps working in every case.
Each case runs in a fresh process on its own copy of the file."""

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from conftest import HPY_RS_RUNTIME, INTERPRETER, built_module, universal_only

pytestmark = universal_only

LOAD = textwrap.dedent("""
    import importlib.util, sys
    import hpy.universal as u
    so = sys.argv[1]
    spec = importlib.util.spec_from_file_location("hello", so)
    def load(mode):
        return u.load("hello", so, spec, mode=getattr(u, "MODE_" + mode.upper()))
""")


def run(code, tmp_path):
    """What `code` prints, run in a new process with the path of a fresh copy of hello's file
    as `sys.argv[1]`; the process must succeed."""
    so = tmp_path / "hello.hpy0.so"
    shutil.copy(built_module("hello"), so)
    env = dict(os.environ)
    env.pop("HPY", None)
    proc = subprocess.run([sys.executable, "-c", code, str(so)], env=env,
                          capture_output=True, text=True, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("first,second", [("universal", "debug"), ("debug", "universal"),
                                          ("universal", "trace")])
def test_second_load_into_another_mode(tmp_path, first, second):
    code = LOAD + textwrap.dedent(f"""
        import gc
        first = load({first!r})
        assert first.add(1, 2) == 3
        try:
            second = load({second!r})
        except ImportError as e:
            print(e)
            error = e  # kept alive over a collection: the failed module must not crash it
        else:
            print("loaded twice", second.add(5, 6), second.greet("y"), second is not first)
        gc.collect()
        assert first.add(3, 4) == 7, "the first module keeps its context"
        assert first.greet("x") == "Hello, x!"
    """)
    if HPY_RS_RUNTIME:
        # A private copy of the library serves the second mode.
        assert run(code, tmp_path) == "loaded twice 11 Hello, y! True\n"
        return
    assert run(code, tmp_path) == (
        "hello: this library is already loaded into another HPy context in this process "
        "(another HPy mode: universal, debug or trace), and its per-process state can serve only "
        "one. Load a copy of the library file for the second mode.\n"
    )


@pytest.mark.parametrize("mode", ["universal", "debug"])
def test_second_load_into_the_same_mode_works(tmp_path, mode):
    code = LOAD + textwrap.dedent(f"""
        a = load({mode!r})
        b = load({mode!r})
        assert a is not b
        print(a.add(1, 2), b.add(2, 3))
    """)
    assert run(code, tmp_path) == "3 5\n"


@pytest.mark.skipif(INTERPRETER != "cpython", reason="PyPy has no sub-interpreters")
@pytest.mark.parametrize("mode", ["universal", "debug"])
def test_import_from_a_sub_interpreter_is_refused(tmp_path, mode):
    code = LOAD + textwrap.dedent(f"""
        # A legacy (shared-GIL) sub-interpreter: an isolated one (3.12's default) refuses every
        # single-phase module, hpy.universal included, before HPy gets to say anything.
        try:
            import _xxsubinterpreters as interpreters  # CPython 3.11, 3.12
            sub_args, sub_kwargs = (), {{"isolated": False}}
        except ImportError:
            import _interpreters as interpreters  # CPython 3.13+
            sub_args, sub_kwargs = ("legacy",), {{}}
        main = load({mode!r})
        assert main.add(1, 2) == 3
        sub = interpreters.create(*sub_args, **sub_kwargs)
        interpreters.run_string(sub, '''
        import importlib.util, sys
        import hpy.universal as u
        so = {{so!r}}
        spec = importlib.util.spec_from_file_location("hello", so)
        try:
            u.load("hello", so, spec, mode=u.MODE_{mode.upper()})
        except ImportError as e:
            print(e)
        else:
            print("loaded in a sub-interpreter")
        '''.format(so=so))
        interpreters.destroy(sub)
        assert main.add(2, 3) == 5
    """)
    if HPY_RS_RUNTIME:
        # Our runtime refuses before the module's own guard gets to run.
        expected = ("cannot load 'hello' in a sub-interpreter: HPy 0.9 modules and this "
                    "runtime's context keep per-process state, which only the main interpreter "
                    "may use\n")
    else:
        expected = ("hello: this library was already initialized by another Python interpreter "
                    "of this process; HPy 0.9 extensions keep per-process state and cannot be "
                    "shared between interpreters\n")
    assert run(code, tmp_path) == expected


@pytest.mark.parametrize("mode", ["universal", "debug"])
@pytest.mark.parametrize("how,message", [
    ("raise", "ValueError: testmod's exec failed on request"),
    ("call", "AttributeError: module 'testmod' has no attribute 'no_such_attribute'"),
])
def test_failed_module_creation_does_not_crash_later(tmp_path, mode, how, message):
    """A module whose exec hook fails is dropped by the runtime; HPy 0.9.0's CPython runtime also
    frees the module's definition, which used to crash the next garbage collection (the module
    lived on in the cycle with its functions). The error is kept alive over collections, and the
    module then loads once the hook succeeds."""
    so = tmp_path / "testmod.hpy0.so"
    shutil.copy(built_module("testmod"), so)
    code = textwrap.dedent(f"""
        import gc, importlib.util, os, sys
        import hpy.universal as u
        spec = importlib.util.spec_from_file_location("testmod", {str(so)!r})
        os.environ["TESTMOD_FAIL_EXEC"] = {how!r}
        errors = []
        for _ in range(3):
            try:
                u.load("testmod", {str(so)!r}, spec, mode=u.MODE_{mode.upper()})
            except Exception as e:
                errors.append(e)
            gc.collect()
        print(*sorted({{f"{{type(e).__name__}}: {{e}}" for e in errors}}), len(errors))
        del os.environ["TESTMOD_FAIL_EXEC"]
        m = u.load("testmod", {str(so)!r}, spec, mode=u.MODE_{mode.upper()})
        gc.collect()
        print(m.EXEC_ORDER)
    """)
    env = dict(os.environ)
    env.pop("HPY", None)
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"{message} 3\nfirst,second\n"
