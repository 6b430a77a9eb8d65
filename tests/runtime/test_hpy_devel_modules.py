"""C modules built by HPy's own tools load through hpy_rs_runtime.

HPy 0.9.0's proof-of-concept package (`proof-of-concept/` of the hpy 0.9.0 sdist: `pof`, a C
module with functions and a class, `pofcpp`, the same in C++, and `pofpackage.foo` / `.bar`,
modules inside a package) is built with `hpy.devel`'s setuptools integration in the universal ABI
(`setup.py --hpy-abi=universal build_ext --inplace`), which writes each `.hpy0.so` and the loader
stub (`.py`) that calls `hpy.universal._load_bootstrap`. A child interpreter with
HPY_RS_RUNTIME=hpy-rs (scripts/build-runtime.sh's switch: hpy_rs_runtime is `hpy.universal`)
then imports them and runs the package's own checks (`test_pof.py`, unmodified), and the test
checks that hpy 0.9.0's runtime library was never loaded into it.

The sdist comes from the package index at test time (cached in target/cache, where
scripts/hpy-suite.sh keeps it). Run by the test command on every CPython, after
scripts/build-runtime.sh and scripts/hpy-suite.sh (which installs setuptools on 3.12+):

    PY -m pytest tests/runtime
"""

import os
import pathlib
import subprocess
import sys
import sysconfig
import tarfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CACHE = ROOT / "target" / "cache"
SDIST = CACHE / "hpy-0.9.0.tar.gz"


def sdist():
    if not SDIST.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check",
             "--no-binary", ":all:", "--no-deps", "-d", str(CACHE), "hpy==0.9.0"],
            check=True,
        )
    return SDIST


def child_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("HPY", "HPY_LOG", "PYTHONPATH")}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def pof(tmp_path_factory):
    """The proof-of-concept package, built in the universal ABI."""
    out = tmp_path_factory.mktemp("pof")
    prefix = "hpy-0.9.0/proof-of-concept/"
    with tarfile.open(sdist()) as tar:
        members = [m for m in tar.getmembers() if m.name.startswith(prefix)]
        for m in members:
            m.name = m.name[len(prefix):]
        tar.extractall(out, members=[m for m in members if m.name], filter="data")
    # Debian's CPythons keep pyconfig.h beside the include directory (scripts/hpy-suite.sh).
    include = os.path.dirname(sysconfig.get_paths()["include"])
    env = child_env(CPATH=include + os.pathsep + os.environ.get("CPATH", ""))
    proc = subprocess.run(
        [sys.executable, "setup.py", "--hpy-abi=universal", "build_ext", "--inplace"],
        cwd=out, env=env, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


def test_hpy_devel_wrote_universal_modules(pof):
    for name in ("pof", "pofcpp", "pofpackage/foo", "pofpackage/bar"):
        assert (pof / f"{name}.hpy0.so").is_file()
        assert "_load_bootstrap" in (pof / f"{name}.py").read_text()


def test_proof_of_concept_through_hpy_rs_runtime(pof):
    code = (
        "import sys, hpy.universal, hpy_rs_runtime\n"
        "assert hpy.universal is hpy_rs_runtime, hpy.universal\n"
        "import pytest\n"
        "status = pytest.main(['-q', '-p', 'no:cacheprovider', '-W', 'ignore::UserWarning', 'test_pof.py'])\n"
        "import pof\n"
        "print(pof.Point(1, 2), pof.double(21), type(pof.Point).__name__)\n"
        "maps = open('/proc/self/maps').read()\n"
        "assert 'hpy_rs_runtime' in maps\n"
        "assert '/hpy/universal.' not in maps, 'hpy 0.9.0 runtime loaded'\n"
        "sys.exit(int(status))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=pof, capture_output=True, text=True,
                          env=child_env(HPY_RS_RUNTIME="hpy-rs"))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "12 passed" in proc.stdout
    assert proc.stdout.rstrip().endswith("Point(1, 2) 42 type")


def test_loading_through_hpy_rs_runtime_says_so(pof):
    proc = subprocess.run([sys.executable, "-c", "import pof"], cwd=pof, capture_output=True,
                          text=True, env=child_env(HPY_RS_RUNTIME="hpy-rs", HPY_LOG="1"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "Loading 'pof' in HPy universal mode\n"


def test_a_wrong_mode_is_a_clear_error(pof):
    proc = subprocess.run([sys.executable, "-c", "import pof"], cwd=pof, capture_output=True,
                          text=True, env=child_env(HPY_RS_RUNTIME="hpy-rs", HPY="pof:fast"))
    assert proc.returncode == 1
    assert proc.stderr.rstrip().endswith(
        "ValueError: invalid HPy mode: pof:fast (HPY takes universal, debug or trace, or "
        "MODULE:MODE,MODULE:MODE,... such as 'pof:debug')")
