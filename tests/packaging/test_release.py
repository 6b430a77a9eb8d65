"""Shipping every interpreter: CPython-ABI wheels of an HPy crate (`cargo hpy wheel --abi cpython`),
a lower glibc floor through Zig (`--zig`, `--compatibility`), the manylinux checks, the release set
(`--release-set`: the universal wheel, a CPython-ABI wheel per CPython found, the sdist) that
installers split between CPython and PyPy, `[tool.hpy-rs] abi` for `pip install .` and
`cargo hpy develop`, and the runtime's wheels for every CPython from the same command.

The CPythons are the project's provisioned ones (target/venv, target/cpython3.1X-venv, as
scripts/setup.sh and scripts/cpython.sh make them) or those of HPY_RS_PACKAGING_PYTHONS; PyPy is
target/pypy-venv or HPY_RS_PYPY. `--find-interpreter` runs with a PATH of cargo's folder and
/usr/bin:/bin only and no pyenv, so that it finds the provisioned interpreters (and the system's
python3)."""

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import (CARGO_HPY, check_record, INTERPRETERS, PIP_VERSION, ROOT, cargo_hpy, install, make_venv,
                      offline_env, run)

# The checks a wheel of examples/array passes wherever it is installed.
ARRAY_CHECK = """
import pickle
import array_hpy
a = array_hpy.Array([1, 2])
assert repr(a) == "Array([1.0, 2.0])", repr(a)
assert len(a) == 2 and a[1] == 2.0 and list(a) == [1.0, 2.0] and a[-1:].tolist() == [2.0]
assert a.sum() == 3.0 and a.dot(a) == 5.0
assert (a + a).tolist() == [2.0, 4.0] and (a * 3).tolist() == [3.0, 6.0]
m = memoryview(a)
assert m.format == "d" and m.tolist() == [1.0, 2.0]
assert pickle.loads(pickle.dumps(a)).tolist() == [1.0, 2.0]
assert array_hpy.zeros(3).tolist() == [0.0, 0.0, 0.0]
print(array_hpy.__file__)
"""
# The tag of the wheel an environment installed a distribution from.
INSTALLED_TAG = ("import importlib.metadata as m, sys; "
                 "print([l.split(': ')[1] for l in m.distribution(sys.argv[1]).read_text('WHEEL')"
                 ".splitlines() if l.startswith('Tag: ')][0])")
AUDITWHEEL = "auditwheel==6.8.2"


def provisioned():
    """Python tag (`cp311`, `pp311`...) to interpreter: HPY_RS_PACKAGING_PYTHONS's, then the
    project's provisioned ones."""
    found = {}
    candidates = list(INTERPRETERS.values()) + [ROOT / "target" / "venv" / "bin" / "python"]
    candidates += sorted((ROOT / "target").glob("cpython3.*-venv/bin/python"))
    candidates.append(os.environ.get("HPY_RS_PYPY") or ROOT / "target" / "pypy-venv" / "bin" / "python")
    for python in candidates:
        if not Path(python).exists():
            continue
        name, version = run(python, "-c", "import sys; print(sys.implementation.name, "
                            "'%d%d' % sys.version_info[:2])").split()
        found.setdefault({"cpython": "cp", "pypy": "pp"}[name] + version, str(python))
    return found


PYTHONS = provisioned()
CPYTHONS = sorted(t for t in PYTHONS if t.startswith("cp") and int(t[2:]) >= 311)
PYPY = [t for t in PYTHONS if t.startswith("pp")]


def discovery_env(**extra):
    """`--find-interpreter` sees the provisioned interpreters under target/ and the system's
    /usr/bin only: PATH holds cargo's folder and /usr/bin:/bin, and pyenv's root is empty."""
    cargo = shutil.which("cargo")
    env = dict(os.environ, PATH=os.pathsep.join([os.path.dirname(cargo), "/usr/bin", "/bin"]),
               PYENV_ROOT=str(ROOT / "target" / "nothing"), CARGO=cargo)
    env.pop("PYO3_PYTHON", None)
    env.update(extra)
    return env


def cargo_hpy_files(*args, env=None):
    """Runs `cargo hpy ARGS` in the repository; returns the files it printed (stdout, one a line)
    and its log (stderr)."""
    result = subprocess.run([CARGO_HPY, "hpy", *map(str, args)], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return [Path(line) for line in result.stdout.splitlines()], result.stderr


def found_cpythons(log):
    """The Python tags of the CPythons `--find-interpreter` reported finding, in order."""
    return ["cp%s%s" % m for m in re.findall(r"Found CPython (\d+)\.(\d+) at ", log)]


def glibc_floor(data):
    """The highest GLIBC_2.N version string in a library (its version needs)."""
    return max(int(n) for n in re.findall(rb"GLIBC_2\.(\d+)", data))


@pytest.fixture(scope="module")
def auditwheel(tmp_path_factory):
    """auditwheel (PyPA's manylinux checker) in an environment of its own, from the index."""
    venv = tmp_path_factory.mktemp("auditwheel") / "venv"
    run(sys.executable, "-m", "venv", venv)
    run(venv / "bin" / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check", AUDITWHEEL)
    return venv / "bin" / "auditwheel"


def audit(auditwheel, whl):
    """The platform tag auditwheel says the wheel is consistent with."""
    out = run(auditwheel, "show", whl)
    found = re.search(r'consistent\s+with the following platform tag:\s+"([^"]+)"', out)
    assert found, out
    return found.group(1)


@pytest.mark.skipif(not {"cp311", "cp313"} <= set(CPYTHONS), reason="needs CPython 3.11 and 3.13")
def test_cpython_abi_wheels_through_zig(wheelhouse, tmp_path, auditwheel):
    # The first acceptance case, word for word.
    out_dir = tmp_path / "wheels"
    wheels, log = cargo_hpy_files("wheel", "-p", "array_hpy", "--abi", "cpython", "-i", PYTHONS["cp311"],
                                  "-i", PYTHONS["cp313"], "--zig", "--out", out_dir)
    assert [w.name for w in wheels] == [
        "array_hpy-0.1.0-cp311-cp311-manylinux_2_17_x86_64.whl",
        "array_hpy-0.1.0-cp313-cp313-manylinux_2_17_x86_64.whl"], log
    for whl in wheels:
        tag = whl.name.split("-")[2]
        python = PYTHONS[tag]
        suffix = run(python, "-c", "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))").strip()
        with zipfile.ZipFile(whl) as z:
            dist_info = "array_hpy-0.1.0.dist-info"
            so_name = "array_hpy/array_hpy" + suffix
            # The universal wheel's layout, with the CPython build of the library.
            assert sorted(z.namelist()) == sorted(
                [so_name] + ["array_hpy/" + f for f in ("__init__.py", "__init__.pyi", "py.typed")]
                + [dist_info + f for f in ("/METADATA", "/WHEEL", "/RECORD")])
            check_record(z, dist_info)
            assert "Tag: %s-%s-manylinux_2_17_x86_64\n" % (tag, tag) in z.read(dist_info + "/WHEEL").decode()
            metadata = z.read(dist_info + "/METADATA").decode()
            # An ordinary CPython extension: no HPy runtime required.
            assert "Requires-Dist" not in metadata, metadata
            so = z.read(so_name)
        # Linked through Zig against glibc 2.17: no symbol version past it, and only the C runtime.
        assert glibc_floor(so) <= 17, glibc_floor(so)
        assert b"PyInit_array_hpy" in so and b"HPyInit_array_hpy" not in so
        assert audit(auditwheel, whl) == "manylinux_2_17_x86_64"
        venv = make_venv(tmp_path / ("venv-" + tag), python, "pip", wheelhouse)
        env = offline_env(wheelhouse)
        install(venv, "pip", whl, env=env)
        where = run(venv, "-c", ARRAY_CHECK, env=env, cwd=tmp_path).strip()
        assert where.endswith("site-packages/array_hpy/array_hpy" + suffix), where
        listed = run(venv, "-m", "pip", "list", "--format=freeze", env=env)
        assert sorted(listed.split()) == ["array_hpy==0.1.0", "pip==" + PIP_VERSION], listed
    out = run(sys.executable, "-m", "twine", "check", "--strict", *wheels)
    assert out.count("PASSED") == 2, out


def test_zig_is_installed_on_demand_for_the_policy_asked(tmp_path):
    # A Zig folder of its own (CARGO_HPY_ZIG_DIR): ziglang is installed there with pip on first
    # use, and --compatibility manylinux_2_28 links against glibc 2.28 and tags the wheel so.
    zig_dir = tmp_path / "zig"
    env = dict(os.environ, CARGO_HPY_ZIG_DIR=str(zig_dir))
    env.pop("CARGO_HPY_ZIG", None)
    wheels, log = cargo_hpy_files("wheel", "-p", "hello", "--zig", "--compatibility", "manylinux_2_28",
                                  "--out", tmp_path / "wheels", env=env)
    assert "Installing ziglang 0.17.1" in log, log
    assert (zig_dir / "ziglang-0.17.1" / "ziglang" / "zig").is_file()
    script = zig_dir / "cc-x86_64-linux-gnu.2.28"
    assert "-target x86_64-linux-gnu.2.28" in script.read_text()
    assert [w.name for w in wheels] == ["hello-0.1.0-py3-none-manylinux_2_28_x86_64.whl"], log
    with zipfile.ZipFile(wheels[0]) as z:
        assert glibc_floor(z.read("hello/hello.hpy0.so")) <= 28
    # The second run finds it installed.
    _, log = cargo_hpy_files("wheel", "-p", "hello", "--zig", "--compatibility", "manylinux_2_28",
                             "--out", tmp_path / "wheels", env=env)
    assert "Installing ziglang" not in log, log


def test_a_library_outside_the_policy_is_retagged_or_refused(tmp_path):
    # hello linked against libz as well (a library the manylinux policies do not let a wheel take
    # from the system): tagged linux_x86_64 with a warning, refused when a policy is asked for.
    env = dict(os.environ, CARGO_TARGET_DIR=str(ROOT / "target" / "packaging-libz"),
               RUSTFLAGS="-C link-arg=-Wl,--no-as-needed -C link-arg=-l:libz.so.1")
    result = subprocess.run([CARGO_HPY, "hpy", "wheel", "-p", "hello", "--out", tmp_path],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.split()[-1]).name == "hello-0.1.0-py3-none-linux_x86_64.whl"
    assert "it links libz.so.1 (not in the manylinux allow-list" in result.stderr, result.stderr
    assert "package indexes will refuse it" in result.stderr, result.stderr
    result = subprocess.run([CARGO_HPY, "hpy", "wheel", "-p", "hello", "--out", tmp_path / "x",
                             "--compatibility", "manylinux_2_34"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "does not meet manylinux_2_34: it links libz.so.1" in result.stderr, result.stderr
    assert not (tmp_path / "x").exists() or not list((tmp_path / "x").iterdir())


def test_a_glibc_floor_above_the_policy_is_refused(tmp_path):
    # Built by the machine's own linker, hello needs the build machine's glibc; asking for
    # manylinux_2_17 without --zig is refused, naming a symbol that needs the newer version.
    out = cargo_hpy("wheel", "-p", "hello", "--out", tmp_path, cwd=ROOT)
    whl = Path(out.split()[-1])
    floor = int(re.fullmatch(r"hello-0\.1\.0-py3-none-manylinux_2_(\d+)_x86_64\.whl", whl.name).group(1))
    if floor <= 17:
        pytest.skip("this machine's glibc links hello within manylinux_2_17")
    with zipfile.ZipFile(whl) as z:
        assert glibc_floor(z.read("hello/hello.hpy0.so")) == floor
    result = subprocess.run([CARGO_HPY, "hpy", "wheel", "-p", "hello", "--out", tmp_path / "x",
                             "--compatibility", "manylinux_2_17"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0
    assert re.search(r"does not meet manylinux_2_17: it needs glibc 2\.%d \(for \S+@GLIBC_2\.%d, the newest"
                     % (floor, floor), result.stderr), result.stderr
    assert "--zig" in result.stderr


@pytest.fixture(scope="module")
def release_set(tmp_path_factory):
    """`cargo hpy wheel --release-set --zig` of examples/array, with the interpreters it finds."""
    out_dir = tmp_path_factory.mktemp("release")
    files, log = cargo_hpy_files("wheel", "-p", "array_hpy", "--release-set", "--zig", "--out", out_dir,
                                 env=discovery_env())
    return out_dir, files, log


def test_release_set_holds_every_file_of_a_release(release_set, wheelhouse):
    out_dir, files, log = release_set
    names = [f.name for f in files]
    # The universal wheel, a CPython-ABI wheel per CPython found (3.11 or later, one per version:
    # every provisioned one among them), the sdist.
    found = found_cpythons(log)
    assert set(CPYTHONS) <= set(found) and len(found) == len(set(found)), (found, log)
    assert all(int(t[2:]) >= 311 for t in found), found
    expected = (["array_hpy-0.1.0-py3-none-manylinux_2_17_x86_64.whl"]
                + ["array_hpy-0.1.0-%s-%s-manylinux_2_17_x86_64.whl" % (t, t) for t in found]
                + ["array_hpy-0.1.0.tar.gz"])
    assert names == expected, (names, log)
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(expected)
    out = run(sys.executable, "-m", "twine", "check", "--strict", *files)
    assert out.count("PASSED") == len(files), out


@pytest.mark.parametrize("tag,tool", [(t, "pip") for t in CPYTHONS + PYPY]
                         + [(t, "uv") for t in CPYTHONS[-1:] + PYPY])
def test_release_set_installs_the_right_wheel(release_set, wheelhouse, tmp_path, tag, tool):
    # The release folder alone: pip (and uv) pick the CPython-ABI wheel on CPython, the universal
    # one on PyPy (whose built-in HPy loads it), and the module works.
    out_dir, files, _ = release_set
    python = make_venv(tmp_path / "venv", PYTHONS[tag], tool, wheelhouse)
    env = offline_env(out_dir)
    install(python, tool, "--no-index", "--find-links", out_dir, "array_hpy", env=env, cwd=tmp_path)
    installed = run(python, "-c", INSTALLED_TAG, "array_hpy", env=env, cwd=tmp_path).strip()
    where = run(python, "-c", ARRAY_CHECK, env=env, cwd=tmp_path).strip()
    if tag.startswith("cp"):
        assert installed == "%s-%s-manylinux_2_17_x86_64" % (tag, tag), installed
        assert re.search(r"/array_hpy/array_hpy\.cpython-%s-[^/]+\.so$" % tag[2:], where), where
    else:
        assert installed == "py3-none-manylinux_2_17_x86_64", installed
        assert where.endswith("/array_hpy/array_hpy.hpy0.so"), where
    # Nothing else: no runtime on either (PyPy's list also shows its built-in hpy, cffi, ...).
    if tool == "uv":
        out = run(sys.executable, "-m", "uv", "pip", "list", "--format=freeze", "--python", python, env=env)
    else:
        out = run(python, "-m", "pip", "list", "--format=freeze", env=env)
    # Not uv's "Using Python ..." line; names normalized (uv writes array-hpy).
    listed = [word.replace("-", "_").lower() for word in out.split() if "==" in word]
    if tag.startswith("cp"):
        assert sorted(listed) == ["array_hpy==0.1.0"] + (["pip==" + PIP_VERSION] if tool == "pip" else []), listed
    else:
        assert "array_hpy==0.1.0" in listed and not any(l.startswith("hpy_rs_runtime") for l in listed), listed


@pytest.mark.skipif(not CPYTHONS, reason="no CPython")
def test_runtime_release_set_for_every_cpython(wheelhouse, tmp_path, auditwheel):
    # The runtime's wheels for every CPython found come from the same command, and install with
    # no C compiler reachable.
    out_dir = tmp_path / "runtime"
    files, log = cargo_hpy_files("wheel", "-p", "hpy-rs-runtime", "--release-set", "--zig", "--out", out_dir,
                                 env=discovery_env())
    names = [f.name for f in files]
    found = found_cpythons(log)
    assert set(CPYTHONS) <= set(found), (found, log)
    assert names == ["hpy_rs_runtime-0.1.0-%s-%s-manylinux_2_17_x86_64.whl" % (t, t) for t in found] \
        + ["hpy_rs_runtime-0.1.0.tar.gz"], names
    assert audit(auditwheel, out_dir / names[0]) == "manylinux_2_17_x86_64"
    shutil.copy(Path(wheelhouse) / ("pip-%s-py3-none-any.whl" % PIP_VERSION), out_dir)
    for tag in CPYTHONS:
        python = make_venv(tmp_path / ("venv-" + tag), PYTHONS[tag], "pip", out_dir)
        bin_dir = str(python.parent)
        env = offline_env(out_dir, PATH=bin_dir, CC="/nonexistent/cc", CXX="/nonexistent/c++")
        out = run(python, "-m", "pip", "install", "--only-binary", ":all:", "hpy-rs-runtime", env=env,
                  cwd=tmp_path)
        assert "Successfully installed hpy-rs-runtime-0.1.0" in out, out
        out = run(python, "-c", "import hpy_rs_runtime as r; print(r.get_version()[1])", env=env, cwd=tmp_path)
        assert out.strip() == "hpy-rs-runtime 0.1.0", out


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project from `cargo hpy new` whose pyproject.toml asks for the CPython ABI."""
    base = tmp_path_factory.mktemp("new-cpython-abi")
    cargo_hpy("new", "demo_mod", "--hpy-path", ROOT / "hpy", cwd=base)
    pyproject = base / "demo_mod" / "pyproject.toml"
    text = pyproject.read_text()
    assert '\nabi = "universal"\n' in text, text
    pyproject.write_text(text.replace('\nabi = "universal"\n', '\nabi = "cpython"\n'))
    return base / "demo_mod"


@pytest.mark.skipif("cp313" not in CPYTHONS, reason="needs CPython 3.13")
def test_pip_install_of_a_cpython_abi_project(wheelhouse, project, tmp_path):
    # `pip install .` on CPython 3.13 builds the CPython-ABI wheel for it; its own test passes.
    python = make_venv(tmp_path / "venv", PYTHONS["cp313"], "pip", wheelhouse)
    env = offline_env(wheelhouse)
    out = run(python, "-m", "pip", "install", "-v", ".", "pytest", "-C", "profile=dev", env=env, cwd=project)
    assert re.search(r"demo_mod-0\.1\.0-cp313-cp313-manylinux_2_\d+_x86_64\.whl", out), out
    where = run(python, "-c", "import demo_mod; print(demo_mod.__file__, demo_mod.add(1, 2))",
                env=env, cwd=tmp_path).split()
    assert where[0].endswith("site-packages/demo_mod/demo_mod.cpython-313-x86_64-linux-gnu.so"), where
    assert where[1] == "3"
    listed = run(python, "-m", "pip", "list", "--format=freeze", env=env)
    assert "hpy-rs-runtime" not in listed and "hpy==" not in listed, listed
    out = run(python, "-m", "pytest", "-p", "no:cacheprovider", "tests", env=env, cwd=project)
    assert "2 passed" in out, out


@pytest.mark.skipif(not PYPY, reason="needs PyPy")
def test_pip_install_of_a_cpython_abi_project_on_pypy(wheelhouse, project, tmp_path):
    # On PyPy the CPython ABI asked for in pyproject.toml gives way to the universal wheel.
    python = make_venv(tmp_path / "venv", PYTHONS[PYPY[0]], "pip", wheelhouse)
    env = offline_env(wheelhouse)
    out = run(python, "-m", "pip", "install", "-v", ".", "-C", "profile=dev", env=env, cwd=project)
    assert "pyproject.toml asks for the CPython ABI, but" in out, out
    assert "demo_mod-0.1.0-py3-none-" in out, out
    where = run(python, "-c", "import demo_mod; print(demo_mod.__file__)", env=env, cwd=tmp_path)
    assert where.strip().endswith("demo_mod/demo_mod.hpy0.so"), where


def test_develop_with_the_cpython_abi(wheelhouse, project, tmp_path):
    # `cargo hpy develop` follows pyproject.toml's abi: an editable CPython-ABI module, rebuilt in
    # place; `--abi universal` switches the same install to the universal module.
    work = tmp_path / "demo_mod"
    shutil.copytree(project, work, copy_function=shutil.copy)
    python = make_venv(tmp_path / "venv", sys.executable, "pip", wheelhouse)
    env = offline_env(wheelhouse, VIRTUAL_ENV=str(python.parent.parent))
    check = [python, "-c", "import demo_mod; print(demo_mod.__file__, demo_mod.greet('x'))"]
    cargo_hpy("develop", env=env, cwd=work)
    suffix = run(sys.executable, "-c", "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))").strip()
    where, greeting = run(*check, env=env, cwd=tmp_path).split(" ", 1)
    assert where.endswith("/hpy/editable/demo_mod/demo_mod" + suffix), where
    assert greeting.strip() == "Hello, x!"
    lib = work / "src" / "lib.rs"
    lib.write_text(lib.read_text().replace('"Hello, {name}!"', '"Hi, {name}!"'))
    cargo_hpy("develop", env=env, cwd=work)
    assert run(*check, env=env, cwd=tmp_path).split(" ", 1)[1].strip() == "Hi, x!"
    # The universal module needs a runtime on CPython: the wheelhouse has this CPython's.
    cargo_hpy("develop", "--abi", "universal", env=env, cwd=work)
    where = run(*check, env=env, cwd=tmp_path).split(" ", 1)[0]
    assert where.endswith("/hpy/editable/demo_mod/demo_mod.hpy0.so"), where
