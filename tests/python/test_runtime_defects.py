"""Runtime defects the SDK cannot work around, pinned with minimal HPy modules written in C
(tests/c), built here with the C compiler against the running interpreter's HPy headers. Each
test shows the defect is the runtime's, and fails (so that the skips it explains can go) once a
runtime no longer has it."""

import importlib.util
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import pytest

from conftest import INTERPRETER, ROOT, universal_only

pytestmark = universal_only

PYPY = INTERPRETER == "pypy"

# For the skips of the tests that meet it.
THREADS_ABORT_PYPY_DEBUG = (
    "PyPy 7.3.19's debug mode aborts ('Wrong HPy Context!') when threads run calls into a module "
    "outside Python execution at once, for modules written in C too; pinned by "
    "test_concurrent_calls_outside_python"
)


def build_c_module(name, tmp_path):
    """Compiles tests/c/<name>.c into <tmp_path>/<name>.hpy0.so (universal ABI)."""
    cc = shutil.which("cc")
    if cc is None:
        pytest.fail("no C compiler (cc) on PATH: these tests build C modules")
    spec = importlib.util.find_spec("hpy.devel")
    include = pathlib.Path(spec.submodule_search_locations[0]) / "include"
    out = tmp_path / f"{name}.hpy0.so"
    subprocess.run(
        [cc, "-shared", "-fPIC", "-O1", "-DHPY_ABI_UNIVERSAL",
         f"-I{include / 'hpy' / 'forbid_python_h'}", f"-I{include}",
         str(ROOT / "tests" / "c" / f"{name}.c"), "-o", str(out)],
        check=True,
    )
    return out


THREADS = textwrap.dedent("""
    import importlib.util, sys, threading
    import hpy.universal as u
    so, mode, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    spec = importlib.util.spec_from_file_location("threads_outside_python", so)
    m = u.load("threads_outside_python", so, spec, mode=getattr(u, "MODE_" + mode.upper()))
    for _ in range(rounds):
        results = []
        threads = [threading.Thread(target=lambda: results.append(m.sum_outside(200_000)))
                   for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results == [sum(range(200_000))] * 4, results
    print("ok")
""")


@pytest.mark.parametrize("mode", ["universal", "debug"])
def test_concurrent_calls_outside_python(tmp_path, mode):
    so = build_c_module("threads_outside_python", tmp_path)
    env = dict(os.environ)
    env.pop("HPY", None)
    proc = subprocess.run([sys.executable, "-c", THREADS, str(so), mode, "300"], env=env,
                          capture_output=True, text=True, timeout=600)
    if PYPY and mode == "debug":
        # Measured: the abort comes within the first 100 rounds every time.
        assert proc.returncode != 0, "PyPy's debug mode ran the threads: unskip the tests"
        assert "Wrong HPy Context!" in proc.stderr
    else:
        assert (proc.returncode, proc.stdout) == (0, "ok\n"), proc.stderr
