"""The runtime hpy-rs-runtime as a distribution: `cargo hpy wheel -p hpy-rs-runtime -i PYTHON ...`
makes one well-formed `cp3XY-cp3XY-<platform>` wheel per CPython, which installs offline into a
fresh environment; `pip install ./runtime` and `pip install` of its sdist build and install it
for the interpreter running pip; and a universal wheel installs on CPython 3.13 with no C compiler reachable, pulling the
runtime in through its Requires-Dist, without the hpy package."""

import re
import shutil
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from conftest import (INTERPRETERS, check_record, PIP_VERSION, ROOT, cargo_hpy, cpython_tag, install, make_venv,
                      offline_env, run, runtime_wheels, wheel_of)

VERSION = "0.1.0"
CHECK_RUNTIME = ("import hpy_rs_runtime as r, sysconfig; "
                 "print(r.get_version(), r.__file__.endswith(sysconfig.get_config_var('EXT_SUFFIX')), "
                 "r.MODE_UNIVERSAL, r.MODE_DEBUG, r.MODE_TRACE)")
RUNTIME_OK = "('0.9.0', 'hpy-rs-runtime %s') True 0 1 2" % VERSION
CPYTHONS = sorted(k for k in INTERPRETERS if k.startswith("cpython"))


def ext_suffix(python):
    return run(python, "-c", "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))").strip()


@pytest.mark.parametrize("interp", CPYTHONS)
def test_runtime_wheel_is_well_formed(wheelhouse, interp):
    python = INTERPRETERS[interp]
    tag = cpython_tag(python)
    whl = runtime_wheels(wheelhouse)[tag]
    name, version, py, abi, platform = whl.stem.split("-")
    assert (name, version, py, abi) == ("hpy_rs_runtime", VERSION, tag, tag)
    assert re.fullmatch(r"manylinux_2_(\d+)_x86_64", platform), platform
    dist_info = "hpy_rs_runtime-%s.dist-info" % VERSION
    so_name = "hpy_rs_runtime" + ext_suffix(python)
    with zipfile.ZipFile(whl) as z:
        names = z.namelist()
        # The extension at the top level, where CPython imports it; nothing else.
        assert names == [so_name] + [dist_info + f for f in ("/METADATA", "/WHEEL", "/RECORD")]
        assert z.getinfo(so_name).external_attr >> 16 & 0o777 == 0o755
        check_record(z, dist_info)
        wheel = z.read(dist_info + "/WHEEL").decode()
        assert "Tag: %s-%s-%s\n" % (tag, tag, platform) in wheel and "Root-Is-Purelib: false\n" in wheel
        metadata = z.read(dist_info + "/METADATA").decode()
        so = z.read(so_name)
    headers = metadata.split("\n\n")[0].splitlines()
    for line in ("Metadata-Version: 2.4", "Name: hpy-rs-runtime", "Version: " + VERSION,
                 "License-Expression: MIT", "Requires-Python: >=3.11",
                 "Description-Content-Type: text/markdown"):
        assert line in headers, headers
    assert any(h.startswith("Summary: A universal HPy 0.9 runtime for CPython") for h in headers), headers
    assert not any(h.startswith("Requires-Dist:") for h in headers), headers
    assert "# hpy-rs-runtime" in metadata  # the README as the description
    # A CPython extension (PyInit_); it links nothing outside the manylinux allow-list (the tag
    # would be linux_x86_64), libpython included.
    assert b"PyInit_hpy_rs_runtime" in so
    needed = max(int(n) for n in re.findall(rb"GLIBC_2\.(\d+)", so))
    assert platform == "manylinux_2_%d_x86_64" % max(needed, 17), (platform, needed)


def test_runtime_wheels_pass_the_checkers(wheelhouse):
    wheels = sorted(runtime_wheels(wheelhouse).values())
    out = run(sys.executable, "-m", "check_wheel_contents", *wheels)
    assert "OK" in out, out
    out = run(sys.executable, "-m", "twine", "check", "--strict", *wheels)
    assert out.count("PASSED") == len(wheels), out


@pytest.mark.parametrize("tool", ["pip", "uv"])
@pytest.mark.parametrize("interp", CPYTHONS)
def test_runtime_wheel_installs_offline(wheelhouse, tmp_path, interp, tool):
    python = make_venv(tmp_path / "venv", INTERPRETERS[interp], tool, wheelhouse)
    env = offline_env(wheelhouse)
    install(python, tool, "hpy-rs-runtime", env=env)
    assert run(python, "-c", CHECK_RUNTIME, env=env, cwd=tmp_path).strip() == RUNTIME_OK
    # It serves as hpy.universal for code written for hpy 0.9.0.
    out = run(python, "-c", "import hpy_rs_runtime; hpy_rs_runtime.install(); "
              "import hpy.universal as u; print(u is hpy_rs_runtime)", env=env, cwd=tmp_path)
    assert out.strip() == "True", out


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="the runtime is for CPython")
def test_pip_install_of_the_checkout_builds_for_the_interpreter(wheelhouse, tmp_path):
    # `pip install ./runtime`: the build backend (from the wheelhouse) runs cargo hpy wheel for the
    # interpreter running pip (a debug build here, to keep the test short).
    python = make_venv(tmp_path / "venv", sys.executable, "pip", wheelhouse)
    env = offline_env(wheelhouse)
    out = run(python, "-m", "pip", "install", ROOT / "runtime", "-C", "profile=dev", env=env,
              cwd=tmp_path)
    assert "Successfully installed hpy-rs-runtime-%s" % VERSION in out, out
    assert run(python, "-c", CHECK_RUNTIME, env=env, cwd=tmp_path).strip() == RUNTIME_OK
    files = run(python, "-c", "import importlib.metadata as m; "
                "print(sorted(str(f) for f in m.files('hpy-rs-runtime')))", env=env)
    assert "'hpy_rs_runtime%s'" % sysconfig.get_config_var("EXT_SUFFIX") in files, files


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="the runtime is for CPython")
def test_runtime_sdist_installs(wheelhouse, tmp_path):
    # `cargo hpy sdist` of a CPython extension crate: its path dependencies (hpy-sys, hpy-cpython)
    # travel in the archive, and pip builds it with the backend for the interpreter running pip.
    out = cargo_hpy("sdist", "-p", "hpy-rs-runtime", "--out", tmp_path, cwd=ROOT)
    sdist = Path(out.strip().splitlines()[-1])
    assert sdist.name == "hpy_rs_runtime-%s.tar.gz" % VERSION
    python = make_venv(tmp_path / "venv", sys.executable, "pip", wheelhouse)
    env = offline_env(wheelhouse)
    install(python, "pip", sdist, "-C", "profile=dev", env=env, cwd=tmp_path)
    assert run(python, "-c", CHECK_RUNTIME, env=env, cwd=tmp_path).strip() == RUNTIME_OK


def cpython313():
    """A CPython 3.13: from HPY_RS_PACKAGING_PYTHONS, else the one scripts/cpython.sh 3.13 makes."""
    if "cpython3.13" in INTERPRETERS:
        return INTERPRETERS["cpython3.13"]
    provisioned = ROOT / "target" / "cpython3.13-venv" / "bin" / "python"
    return str(provisioned) if provisioned.exists() else None


@pytest.mark.skipif(cpython313() is None, reason="no CPython 3.13 (scripts/cpython.sh 3.13 makes one)")
def test_universal_wheel_on_cpython313_without_a_c_compiler(wheelhouse, tmp_path):
    # The acceptance case: a universal wheel of examples/array (a class) and the runtime's wheel,
    # both built by the documented commands, installed into a fresh CPython 3.13 environment where
    # no C compiler can be found; the wheel's Requires-Dist brings in the runtime, and hpy (whose
    # only form for 3.13 is an sdist needing a C compiler) is not installed.
    python313 = cpython313()
    # A wheelhouse of its own: pip, and the two wheels.
    own = tmp_path / "wheelhouse"
    own.mkdir()
    shutil.copy(Path(wheelhouse) / ("pip-%s-py3-none-any.whl" % PIP_VERSION), own)
    cargo_hpy("wheel", "-p", "array_hpy", "--out", own, cwd=ROOT)
    cargo_hpy("wheel", "-p", "hpy-rs-runtime", "-i", python313, "--out", own, cwd=ROOT)
    assert set(runtime_wheels(own)) == {"cp313"}
    wheel_of(own, "array_hpy")
    python = make_venv(tmp_path / "venv", python313, "pip", own)
    bin_dir = str(python.parent)
    for compiler in ("cc", "gcc", "c++", "g++", "clang"):
        assert shutil.which(compiler, path=bin_dir) is None, compiler
    env = offline_env(own, PATH=bin_dir, CC="/nonexistent/cc", CXX="/nonexistent/c++")
    out = run(python, "-m", "pip", "install", "array_hpy", env=env, cwd=tmp_path)
    assert "Successfully installed array_hpy-0.1.0 hpy-rs-runtime-%s" % VERSION in out, out
    listed = run(python, "-m", "pip", "list", "--format=freeze", env=env)
    assert sorted(listed.split()) == ["array_hpy==0.1.0", "hpy-rs-runtime==%s" % VERSION,
                                      "pip==" + PIP_VERSION], listed
    assert run(python, "-c", "import importlib.util; print(importlib.util.find_spec('hpy'))",
               env=env, cwd=tmp_path).strip() == "None"
    out = run(python, "-c", "import array_hpy; print(array_hpy.Array([1, 2]))", env=env, cwd=tmp_path)
    assert out.strip() == "Array([1.0, 2.0])", out
