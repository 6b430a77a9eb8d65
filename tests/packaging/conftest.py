"""Shared helpers of the packaging tests: commands, fresh virtual environments, the wheelhouse.

Fresh environments are made for each interpreter of HPY_RS_PACKAGING_PYTHONS (space-separated
paths; default: the interpreter running pytest, plus HPY_RS_PYPY when set), either with pip
(`venv --without-pip`, then pip installed from its wheel) or by uv (no pip in them). They install
from a local wheelhouse only (`--no-index --find-links`): the wheels `cargo hpy wheel` makes of
examples/hello and examples/ujson, the runtime hpy-rs-runtime's wheel for each CPython of the
list and the interpreter running pytest (which the universal wheels require on CPython), the
build backend's wheel, and pip, hpy 0.9.0 (the older runtime, which the loader stubs fall back
to), pytest and mypy downloaded once from the package index. hpy 0.9.0 has no wheels past
CPython 3.11: those of HPY_RS_HPY_WHEELS (default target/cache/hpy-wheels, built by
scripts/setup.sh's cpython_env) are copied in. CARGO_HPY names the cargo-hpy executable under
test.
"""

import base64
import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CARGO_HPY = os.environ.get("CARGO_HPY") or str(ROOT / "target" / "debug" / "cargo-hpy")
HPY_WHEELS = Path(os.environ.get("HPY_RS_HPY_WHEELS") or ROOT / "target" / "cache" / "hpy-wheels")
# Builds of projects outside the workspace share one target folder (their dependencies compile once).
TARGET = ROOT / "target" / "packaging"
PIP_VERSION = "25.3"


def _interpreters():
    paths = os.environ.get("HPY_RS_PACKAGING_PYTHONS", "").split()
    if not paths:
        paths = [sys.executable] + ([os.environ["HPY_RS_PYPY"]] if os.environ.get("HPY_RS_PYPY") else [])
    found = {}
    for path in paths:
        key = subprocess.run(
            [path, "-c", "import sys; print(sys.implementation.name + '%d.%d' % sys.version_info[:2])"],
            stdout=subprocess.PIPE, text=True, check=True).stdout.strip()
        found[key] = path
    return found


# Interpreter key (e.g. "cpython3.11", "pypy3.11") to its path.
INTERPRETERS = _interpreters()


def run(*cmd, **kwargs):
    """Runs a command, failing the test with its output if it fails; returns its stdout."""
    cmd = [str(c) for c in cmd]
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)
    assert result.returncode == 0, "%s failed:\n%s" % (" ".join(cmd), result.stdout)
    return result.stdout


def cargo_hpy(*args, **kwargs):
    """Runs `cargo hpy ARGS`; returns its stdout."""
    return run(CARGO_HPY, "hpy", *args, **kwargs)


def offline_env(wheelhouse, **extra):
    """pip and uv resolve from the wheelhouse only; cargo-hpy is the one under test."""
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheelhouse),
               PIP_DISABLE_PIP_VERSION_CHECK="1", UV_NO_INDEX="1", UV_FIND_LINKS=str(wheelhouse),
               UV_NO_CACHE="1", CARGO_HPY=CARGO_HPY, CARGO_TARGET_DIR=str(TARGET))
    for name in ("VIRTUAL_ENV", "HPY", "PYTHONPATH", "PIP_REQUIRE_VIRTUALENV"):
        env.pop(name, None)
    env.update(extra)
    return env


def make_venv(path, interpreter, tool, wheelhouse):
    """A fresh environment of `interpreter`, with pip in it (tool "pip") or made by uv (no pip)."""
    path = Path(path)
    if tool == "pip":
        run(interpreter, "-m", "venv", "--without-pip", path)
        pip = Path(wheelhouse) / ("pip-%s-py3-none-any.whl" % PIP_VERSION)
        run(path / "bin" / "python", pip / "pip", "install", "-q", "--no-index", pip,
            env=offline_env(wheelhouse))
    else:
        run(sys.executable, "-m", "uv", "venv", "-q", "--python", interpreter, path,
            env=offline_env(wheelhouse))
    return path / "bin" / "python"


def install(python, tool, *args, env, **kwargs):
    """`pip install ARGS` into the environment of `python`, with pip or uv."""
    if tool == "pip":
        return run(python, "-m", "pip", "install", "-q", *args, env=env, **kwargs)
    return run(sys.executable, "-m", "uv", "pip", "install", "-q", "--python", python, *args,
               env=env, **kwargs)


def wheel_of(wheelhouse, dist):
    """The one universal wheel of `dist` in the wheelhouse."""
    (found,) = sorted(Path(wheelhouse).glob("%s-*-py3-none-*.whl" % dist))
    return found


def cpython_tag(python):
    """The wheel Python tag of a CPython (`cp311`), or None for another interpreter."""
    out = run(python, "-c", "import sys; print(sys.implementation.name, '%d%d' % sys.version_info[:2])")
    name, version = out.split()
    return "cp" + version if name == "cpython" else None


def runtime_wheels(wheelhouse):
    """The runtime's wheels in the wheelhouse: Python tag (`cp311`) to path."""
    return {w.name.split("-")[2]: w for w in Path(wheelhouse).glob("hpy_rs_runtime-*.whl")}


def runtime_has_debug_mode(python, env):
    """Whether the runtime the loader stub picks in the environment of `python` offers HPy's
    debug mode. hpy_rs_runtime's `_debug` functions raise NotImplementedError until it does."""
    code = ("import sys\n"
            "try:\n    import hpy_rs_runtime as u\n"
            "except ModuleNotFoundError:\n    import hpy.universal as u\n"
            "try:\n    u._debug.new_generation()\n"
            "except NotImplementedError:\n    sys.exit(3)\n")
    result = subprocess.run([str(python), "-c", code], env=env)
    assert result.returncode in (0, 3), result
    return result.returncode == 0


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory):
    """The wheels under test, the backend's wheel, and what fresh environments install."""
    wh = tmp_path_factory.mktemp("wheelhouse")
    for crate in ("hello", "ujson_hpy"):
        cargo_hpy("wheel", "-p", crate, "--out", wh, cwd=ROOT)
    # The runtime: one wheel per CPython (`-i` repeated), as the README builds them.
    cpythons = {}
    for python in [sys.executable] + list(INTERPRETERS.values()):
        tag = cpython_tag(python)
        if tag:
            cpythons.setdefault(tag, python)
    interpreters = [arg for python in cpythons.values() for arg in ("-i", python)]
    cargo_hpy("wheel", "-p", "hpy-rs-runtime", *interpreters, "--out", wh, cwd=ROOT)
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
        "-w", wh, ROOT / "backend")
    run(sys.executable, "-m", "pip", "download", "-q", "--only-binary", ":all:", "-d", wh,
        "pip==" + PIP_VERSION, "hpy==0.9.0", "pytest==9.2.0", "mypy==2.4.1")
    for whl in HPY_WHEELS.glob("hpy-0.9.0-*.whl"):
        shutil.copy(whl, wh)
    return wh


def check_record(z, dist_info):
    """Checks a wheel's RECORD (an open `zipfile.ZipFile`): last its own row without a hash, every
    other file with its SHA-256 and size, and every file of the wheel listed once."""
    rows = list(csv.reader(io.StringIO(z.read(dist_info + "/RECORD").decode())))
    assert rows[-1] == [dist_info + "/RECORD", "", ""]
    for path, digest, size in rows[:-1]:
        data = z.read(path)
        expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
        assert digest == "sha256=" + expected.decode() and int(size) == len(data), path
    assert sorted(r[0] for r in rows) == sorted(z.namelist())
