"""The build backend (backend/, hpy_rs_build) and the commands around it: `pip install .` of a
project made by `cargo hpy new` passes the project's own test, `pip install -e .` and
`cargo hpy develop` give editable installs that pick up a rebuild, and sdists made by
`cargo hpy sdist` install with pip."""

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from conftest import (INTERPRETERS, ROOT, cargo_hpy, install, make_venv, offline_env, run,
                      runtime_has_debug_mode)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project from `cargo hpy new`, depending on this checkout's `hpy` crate."""
    base = tmp_path_factory.mktemp("new")
    cargo_hpy("new", "demo_mod", "--hpy-path", ROOT / "hpy", cwd=base)
    return base / "demo_mod"


def copy_of(project, tmp_path):
    work = tmp_path / "demo_mod"
    # New modification times: the copies share one target folder, and cargo tells a changed
    # source by its time.
    shutil.copytree(project, work, copy_function=shutil.copy)
    return work


@pytest.mark.parametrize("tool", ["pip", "uv"])
def test_new_project_installs_and_passes_its_test(wheelhouse, project, tmp_path, tool):
    # The commands of the project's README: pip install . pytest; pytest tests (release build).
    work = copy_of(project, tmp_path)
    python = make_venv(tmp_path / "venv", sys.executable, tool, wheelhouse)
    env = offline_env(wheelhouse)
    install(python, tool, ".", "pytest", env=env, cwd=work)
    out = run(python, "-m", "pytest", "-p", "no:cacheprovider", "tests", env=env, cwd=work)
    assert "2 passed" in out, out
    # The installed copy is what the test imported, not a file of the project folder.
    where = run(python, "-c", "import demo_mod; print(demo_mod.__file__)", env=env, cwd=tmp_path)
    assert "site-packages" in where, where


@pytest.mark.parametrize("tool", ["pip", "uv"])
def test_pip_editable_install_picks_up_a_rebuild(wheelhouse, project, tmp_path, tool):
    work = copy_of(project, tmp_path)
    python = make_venv(tmp_path / "venv", sys.executable, tool, wheelhouse)
    env = offline_env(wheelhouse)
    add = [python, "-c", "import demo_mod; print(demo_mod.add(2, 3))"]
    install(python, tool, "-e", ".", "-C", "profile=dev", env=env, cwd=work)
    assert run(*add, env=env, cwd=tmp_path).strip() == "5"
    lib = work / "src" / "lib.rs"
    lib.write_text(lib.read_text().replace("a.checked_add(b)", "a.checked_add(b + 1)"))
    # An editable install's module lives in the target folder: `cargo hpy develop` rebuilds it.
    cargo_hpy("develop", env=dict(env, VIRTUAL_ENV=str(python.parent.parent),
                                  PATH=os.path.dirname(sys.executable) + os.pathsep + env["PATH"]),
              cwd=work)
    assert run(*add, env=env, cwd=tmp_path).strip() == "6"


@pytest.mark.parametrize("interp", sorted(INTERPRETERS))
def test_develop_picks_up_a_rebuild(wheelhouse, project, tmp_path, interp):
    work = copy_of(project, tmp_path)
    python = make_venv(tmp_path / "venv", INTERPRETERS[interp], "pip", wheelhouse)
    env = offline_env(wheelhouse, VIRTUAL_ENV=str(python.parent.parent))
    greet = [python, "-c", "import demo_mod; print(demo_mod.greet('x'))"]
    cargo_hpy("develop", env=env, cwd=work)
    assert run(*greet, env=env, cwd=tmp_path).strip() == "Hello, x!"
    lib = work / "src" / "lib.rs"
    lib.write_text(lib.read_text().replace('"Hello, {name}!"', '"Hi, {name}!"'))
    cargo_hpy("develop", env=env, cwd=work)
    assert run(*greet, env=env, cwd=tmp_path).strip() == "Hi, x!"
    if runtime_has_debug_mode(python, env):  # not yet in hpy_rs_runtime
        assert run(*greet, env=dict(env, HPY="debug"), cwd=tmp_path).strip() == "Hi, x!"
    direct_url = run(python, "-c", "import importlib.metadata as m; "
                     "print(m.distribution('demo_mod').read_text('direct_url.json'))", env=env)
    assert json.loads(direct_url)["dir_info"] == {"editable": True}, direct_url
    assert json.loads(direct_url)["url"] == work.resolve().as_uri() + "/", direct_url


@pytest.mark.parametrize("crate", ["hello", "demo_mod"])
def test_sdist_installs(wheelhouse, project, tmp_path, crate):
    manifest = ROOT / "examples" / "hello" / "Cargo.toml" if crate == "hello" else project / "Cargo.toml"
    out = cargo_hpy("sdist", "--manifest-path", manifest, "--out", tmp_path)
    sdist = Path(out.strip().splitlines()[-1])
    assert sdist.name == "%s-0.1.0.tar.gz" % crate
    python = make_venv(tmp_path / "venv", sys.executable, "pip", wheelhouse)
    env = offline_env(wheelhouse)
    install(python, "pip", sdist, "-C", "profile=dev", env=env, cwd=tmp_path)
    out = run(python, "-c", "import %s as m; print(m.add(40, 2), m.__file__)" % crate, env=env,
              cwd=tmp_path)
    assert out.startswith("42 ") and "site-packages" in out, out


def test_python_package_with_the_module_inside(wheelhouse, project, tmp_path):
    # [tool.hpy-rs]: the module is demo_pkg._native, beside the project's Python code.
    work = copy_of(project, tmp_path)
    lib = work / "src" / "lib.rs"
    lib.write_text(lib.read_text().replace("#[hpy::hpy_module]", '#[hpy::hpy_module(name = "_native")]'))
    pyproject = work / "pyproject.toml"
    # `cargo hpy new` writes [tool.hpy-rs] with `abi`: the layout joins it.
    text = pyproject.read_text().replace('name = "demo_mod"', 'name = "demo-pkg"')
    assert '\n[tool.hpy-rs]\n' in text and '\nabi = "universal"\n' in text, text
    pyproject.write_text(text.replace('\nabi = "universal"\n', '\nabi = "universal"\npython-source = "python"\n'
                                      'module-name = "demo_pkg._native"\n'))
    package = work / "python" / "demo_pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "from ._native import add, greet\n\n\ndef add3(a, b, c):\n    return add(add(a, b), c)\n")
    (package / "py.typed").write_text("")
    python = make_venv(tmp_path / "venv", sys.executable, "pip", wheelhouse)
    env = offline_env(wheelhouse)
    check = [python, "-c", "import demo_pkg, demo_pkg._native as n; "
             "print(demo_pkg.add3(1, 2, 3), demo_pkg.greet('x'), n.__name__, n.__file__)"]
    install(python, "pip", ".", "-C", "profile=dev", env=env, cwd=work)
    out = run(*check, env=env, cwd=tmp_path).split()
    assert out[:4] == ["6", "Hello,", "x!", "demo_pkg._native"], out
    assert out[4].endswith("site-packages/demo_pkg/_native.hpy0.so"), out
    files = run(python, "-c", "import importlib.metadata as m; "
                "print(sorted(str(f) for f in m.files('demo-pkg')))", env=env)
    for f in ("demo_pkg/__init__.py", "demo_pkg/py.typed", "demo_pkg/_native.py",
              "demo_pkg/_native.pyi", "demo_pkg/_native.hpy0.so"):
        assert "'%s'" % f in files, files
    # Editable: the module is built into the project's package, which the .pth names.
    run(python, "-m", "pip", "uninstall", "-q", "-y", "demo-pkg", env=env)
    cargo_hpy("develop", env=dict(env, VIRTUAL_ENV=str(python.parent.parent)), cwd=work)
    out = run(*check, env=env, cwd=tmp_path).split()
    assert out[4] == str(package.resolve() / "_native.hpy0.so"), out
    lib.write_text(lib.read_text().replace('"Hello, {name}!"', '"Hi, {name}!"'))
    cargo_hpy("develop", env=dict(env, VIRTUAL_ENV=str(python.parent.parent)), cwd=work)
    assert run(*check, env=env, cwd=tmp_path).split()[1] == "Hi,"
