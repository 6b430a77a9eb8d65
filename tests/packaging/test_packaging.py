"""Packaging: wheels, the build backend, editable installs, sdists and `cargo hpy new`.

Each test installs into fresh virtual environments of CPython (the interpreter running pytest)
and PyPy (HPY_RS_PYPY) from a local wheelhouse only (`--no-index --find-links`): the wheels
`cargo hpy wheel` makes of examples/hello and examples/ujson, the backend's wheel, and hpy 0.9.0
and pytest fetched once into it. CARGO_HPY names the cargo-hpy executable under test.
"""

import base64
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CARGO_HPY = os.environ.get("CARGO_HPY") or str(ROOT / "target" / "debug" / "cargo-hpy")
PYPY = os.environ.get("HPY_RS_PYPY")
INTERPRETERS = {"cpython": sys.executable, "pypy": PYPY}
# Builds of projects outside the workspace share one target folder (their dependencies compile once).
TARGET = ROOT / "target" / "packaging"

SMOKE = """
import hello, ujson_hpy
assert hello.add(1, 2) == 3, hello.add(1, 2)
assert hello.greet("Zoë") == "Hello, Zoë!"
assert ujson_hpy.loads(ujson_hpy.dumps({"a": [1, 2.5, None]})) == {"a": [1, 2.5, None]}
assert "site-packages" in hello.__file__, hello.__file__
print("ok", hello.__file__)
"""


def run(*cmd, **kwargs):
    """Runs a command, failing the test with its output if it fails; returns stdout."""
    cmd = [str(c) for c in cmd]
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)
    assert result.returncode == 0, "%s failed:\n%s" % (" ".join(cmd), result.stdout)
    return result.stdout


def cargo_hpy(*args, **kwargs):
    return run(CARGO_HPY, "hpy", *args, **kwargs)


def offline_env(wheelhouse, **extra):
    """pip and uv resolve only from the wheelhouse; cargo-hpy is the one under test."""
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheelhouse),
               PIP_DISABLE_PIP_VERSION_CHECK="1", UV_NO_INDEX="1",
               UV_FIND_LINKS=str(wheelhouse), CARGO_HPY=CARGO_HPY,
               CARGO_TARGET_DIR=str(TARGET))
    for name in ("VIRTUAL_ENV", "HPY", "PYTHONPATH"):
        env.pop(name, None)
    env.update(extra)
    return env


def make_venv(path, interpreter, tool):
    """A fresh environment: with pip (`python -m venv`) or made by uv (no pip in it)."""
    if interpreter is None:
        pytest.fail("HPY_RS_PYPY is not set")
    if tool == "pip":
        run(interpreter, "-m", "venv", path)
    else:
        run(sys.executable, "-m", "uv", "venv", "-q", "--python", interpreter, path)
    return Path(path) / "bin" / "python"


def install(python, tool, *args, env):
    if tool == "pip":
        return run(python, "-m", "pip", "install", "-q", *args, env=env)
    return run(sys.executable, "-m", "uv", "pip", "install", "-q", "--python", python, *args, env=env)


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory):
    """The wheels under test, the backend's wheel, and hpy 0.9.0 and pytest for fresh venvs."""
    wh = tmp_path_factory.mktemp("wheelhouse")
    for crate in ("hello", "ujson_hpy"):
        cargo_hpy("wheel", "-p", crate, "--out", wh, cwd=ROOT)
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
        "-w", wh, ROOT / "backend")
    run(sys.executable, "-m", "pip", "download", "-q", "--only-binary", ":all:", "-d", wh,
        "hpy==0.9.0", "pytest==9.2.0")
    # pytest's own dependencies for PyPy come from the same index as pip's defaults.
    return wh


def wheel_of(wheelhouse, dist):
    (found,) = sorted(Path(wheelhouse).glob("%s-*-py3-none-*.whl" % dist))
    return found


@pytest.mark.parametrize("dist", ["hello", "ujson_hpy"])
def test_wheel_is_well_formed(wheelhouse, dist):
    whl = wheel_of(wheelhouse, dist)
    name, version, python, abi, platform = whl.stem.split("-")
    assert (python, abi) == ("py3", "none")
    assert re.fullmatch(r"manylinux_2_\d+_x86_64|manylinux_2_\d+_aarch64", platform), platform
    with zipfile.ZipFile(whl) as z:
        names = z.namelist()
        dist_info = "%s-%s.dist-info" % (name, version)
        assert names[-1] == dist_info + "/RECORD"
        module = "hello" if dist == "hello" else "ujson_hpy"
        assert set(names) == {module + ".hpy0.so", module + ".py", dist_info + "/METADATA",
                              dist_info + "/WHEEL", dist_info + "/RECORD"}
        assert z.getinfo(module + ".hpy0.so").external_attr >> 16 & 0o777 == 0o755
        rows = list(csv.reader(io.StringIO(z.read(dist_info + "/RECORD").decode())))
        assert rows[-1] == [dist_info + "/RECORD", "", ""]
        for path, digest, size in rows[:-1]:
            data = z.read(path)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert digest == "sha256=" + expected.decode() and int(size) == len(data), path
        wheel = z.read(dist_info + "/WHEEL").decode()
        assert "Tag: py3-none-%s\n" % platform in wheel and "Root-Is-Purelib: false" in wheel
        metadata = z.read(dist_info + "/METADATA").decode()
    assert "Metadata-Version: 2.4\n" in metadata
    assert "Requires-Dist: hpy==0.9.0 ; platform_python_implementation == 'CPython'\n" in metadata
    if dist == "ujson_hpy":  # from its pyproject.toml
        assert "Name: ujson-hpy\n" in metadata and "Version: 6.1.0\n" in metadata
        assert "Requires-Python: >=3.8\n" in metadata


def test_check_wheel_contents(wheelhouse):
    wheels = [wheel_of(wheelhouse, d) for d in ("hello", "ujson_hpy")]
    print(run(sys.executable, "-m", "check_wheel_contents", *wheels))


@pytest.mark.parametrize("tool", ["pip", "uv"])
@pytest.mark.parametrize("interp", ["cpython", "pypy"])
def test_wheels_install_and_import(wheelhouse, tmp_path, interp, tool):
    python = make_venv(tmp_path / "venv", INTERPRETERS[interp], tool)
    env = offline_env(wheelhouse)
    install(python, tool, "hello", "ujson_hpy", env=env)
    for mode in ("universal", "debug"):
        out = run(python, "-c", SMOKE, env=dict(env, HPY=mode))
        assert out.startswith("ok"), out
    installed = run(python, "-c", "import importlib.metadata as m; print(sorted(d.metadata['Name'] for d in m.distributions()))", env=env)
    assert ("'hpy'" in installed) == (interp == "cpython"), installed


def test_import_without_the_runtime_says_what_to_install(wheelhouse, tmp_path):
    python = make_venv(tmp_path / "venv", sys.executable, "uv")
    env = offline_env(wheelhouse)
    install(python, "uv", "--no-deps", "hello", env=env)
    result = subprocess.run([python, "-c", "import hello"], stderr=subprocess.PIPE, text=True, env=env)
    assert result.returncode != 0
    assert "ModuleNotFoundError: hello needs the HPy 0.9 runtime" in result.stderr, result.stderr
    assert "pip install hpy==0.9.0" in result.stderr


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project from `cargo hpy new`, depending on this checkout's `hpy`."""
    base = tmp_path_factory.mktemp("new")
    cargo_hpy("new", "demo_mod", "--hpy-path", ROOT / "hpy", cwd=base)
    return base / "demo_mod"


def test_new_project_installs_and_passes_its_test(wheelhouse, project, tmp_path):
    # The README's commands: pip install . pytest; pytest tests.
    python = make_venv(tmp_path / "venv", sys.executable, "pip")
    env = offline_env(wheelhouse)
    install(python, "pip", ".", "pytest", env=env, cwd=project)
    print(run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", env=env, cwd=project))


@pytest.mark.parametrize("interp", ["cpython", "pypy"])
def test_develop_picks_up_a_rebuild(wheelhouse, project, tmp_path, interp):
    work = tmp_path / "demo_mod"
    shutil.copytree(project, work)
    python = make_venv(tmp_path / "venv", INTERPRETERS[interp], "pip")
    env = offline_env(wheelhouse, VIRTUAL_ENV=str(python.parent.parent))
    greet = [python, "-c", "import demo_mod; print(demo_mod.greet('x'))"]
    cargo_hpy("develop", env=env, cwd=work)
    assert run(*greet, env=env).strip() == "Hello, x!"
    lib = work / "src" / "lib.rs"
    lib.write_text(lib.read_text().replace('"Hello, {name}!"', '"Hi, {name}!"'))
    cargo_hpy("develop", env=env, cwd=work)
    assert run(*greet, env=env).strip() == "Hi, x!"
    assert run(*greet, env=dict(env, HPY="debug")).strip() == "Hi, x!"
    direct_url = run(python, "-c", "import importlib.metadata as m; print(m.distribution('demo_mod').read_text('direct_url.json'))", env=env)
    assert json.loads(direct_url)["dir_info"] == {"editable": True}, direct_url


def test_pip_editable_install(wheelhouse, project, tmp_path):
    work = tmp_path / "demo_mod"
    shutil.copytree(project, work)
    python = make_venv(tmp_path / "venv", sys.executable, "uv")
    env = offline_env(wheelhouse)
    install(python, "uv", "-e", ".", "-C", "profile=dev", env=env, cwd=work)
    assert run(python, "-c", "import demo_mod; print(demo_mod.add(2, 3))", env=env).strip() == "5"


@pytest.mark.parametrize("crate", ["hello", "demo_mod"])
def test_sdist_installs(wheelhouse, project, tmp_path, crate):
    manifest = ROOT / "examples" / "hello" / "Cargo.toml" if crate == "hello" else project / "Cargo.toml"
    sdist = Path(cargo_hpy("sdist", "--manifest-path", manifest, "--out", tmp_path).strip().splitlines()[-1])
    assert sdist.name == "%s-0.1.0.tar.gz" % crate
    python = make_venv(tmp_path / "venv", sys.executable, "pip")
    env = offline_env(wheelhouse)
    install(python, "pip", sdist, "-C", "profile=dev", env=env)
    out = run(python, "-c", "import %s as m; print(m.add(40, 2), m.__file__)" % crate, env=env)
    assert out.startswith("42 ") and "site-packages" in out, out
