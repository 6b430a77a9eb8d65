"""`cargo hpy wheel`: the wheels of examples/hello and examples/ujson are well formed, pass the
wheel checkers, and install with pip and with uv into fresh environments of every interpreter of
the matrix (pulling in the runtime hpy-rs-runtime on CPython), where they import and work in
HPy's universal and debug modes (debug mode where the runtime offers it)."""

import re
import subprocess
import sys
import zipfile

import pytest

from conftest import (INTERPRETERS, check_record, install, make_venv, offline_env, run, runtime_has_debug_mode,
                      wheel_of)

SMOKE = """
import hello, ujson_hpy
assert hello.add(1, 2) == 3, hello.add(1, 2)
assert hello.greet("Zoë") == "Hello, Zoë!"
assert hello.word_count("a b a") == {"a": 2, "b": 1}
assert ujson_hpy.dumps({"a": [1, 2.5, None]}) == '{"a":[1,2.5,null]}', ujson_hpy.dumps({"a": [1]})
assert ujson_hpy.loads('{"a": [1, 2.5, null]}') == {"a": [1, 2.5, None]}
for m in (hello, ujson_hpy):
    assert "site-packages" in m.__file__ and m.__file__.endswith(".hpy0.so"), m.__file__
print("ok")
"""
MODULES = {"hello": "hello", "ujson_hpy": "ujson_hpy"}


@pytest.mark.parametrize("dist", sorted(MODULES))
def test_wheel_is_well_formed(wheelhouse, dist):
    whl = wheel_of(wheelhouse, dist)
    name, version, python, abi, platform = whl.stem.split("-")
    assert (python, abi) == ("py3", "none")
    # The glibc floor read from the library: what the build machine's glibc gave it.
    floor = re.fullmatch(r"manylinux_2_(\d+)_x86_64", platform)
    assert floor and int(floor.group(1)) >= 17, platform
    module = MODULES[dist]
    dist_info = "%s-%s.dist-info" % (name, version)
    with zipfile.ZipFile(whl) as z:
        names = z.namelist()
        assert names[-1] == dist_info + "/RECORD"
        so_name = "%s/%s.hpy0.so" % (module, module)
        package = {so_name} | {"%s/%s" % (module, f) for f in ("__init__.py", "__init__.pyi", "py.typed")}
        assert set(names) == package | {dist_info + f for f in ("/METADATA", "/WHEEL", "/RECORD")}
        assert z.getinfo(so_name).external_attr >> 16 & 0o777 == 0o755
        check_record(z, dist_info)
        wheel = z.read(dist_info + "/WHEEL").decode()
        assert "Tag: py3-none-%s\n" % platform in wheel and "Root-Is-Purelib: false\n" in wheel
        metadata = z.read(dist_info + "/METADATA").decode()
        so = z.read(so_name)
    assert "Metadata-Version: 2.4\n" in metadata
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert requires == ["Requires-Dist: hpy-rs-runtime ; platform_python_implementation == 'CPython'"]
    if dist == "ujson_hpy":  # from its pyproject.toml
        assert "Name: ujson-hpy\n" in metadata and "Version: 6.1.0\n" in metadata
        assert "Requires-Python: >=3.11\n" in metadata
    # The tag's floor is the highest GLIBC_2.N the library's symbols need.
    needed = max(int(n) for n in re.findall(rb"GLIBC_2\.(\d+)", so))
    assert int(floor.group(1)) == max(needed, 17), (platform, needed)


def test_check_wheel_contents(wheelhouse):
    wheels = [wheel_of(wheelhouse, d) for d in sorted(MODULES)]
    out = run(sys.executable, "-m", "check_wheel_contents", *wheels)
    assert "OK" in out, out


def test_twine_check(wheelhouse):
    wheels = [wheel_of(wheelhouse, d) for d in sorted(MODULES)]
    out = run(sys.executable, "-m", "twine", "check", "--strict", *wheels)
    assert out.count("PASSED") == len(wheels), out


@pytest.mark.parametrize("tool", ["pip", "uv"])
@pytest.mark.parametrize("interp", sorted(INTERPRETERS))
def test_wheels_install_and_import(wheelhouse, tmp_path, interp, tool):
    python = make_venv(tmp_path / "venv", INTERPRETERS[interp], tool, wheelhouse)
    env = offline_env(wheelhouse)
    install(python, tool, "hello", "ujson-hpy", env=env)
    out = run(python, "-c", SMOKE, env=dict(env, HPY="universal"))
    assert out.strip().endswith("ok"), out
    # hpy-rs-runtime comes with the wheels on CPython, and the loader uses it; the hpy package is
    # not installed. PyPy's HPy is built in (its metadata says 0.9.1.dev61 in PyPy 7.3.19), and
    # the marker keeps pip and uv from installing a runtime there.
    versions = run(python, "-c", "import importlib.metadata as m, sys, hello\n"
                   "for d in ('hpy-rs-runtime', 'hpy'):\n"
                   "    try: print(d, m.version(d))\n"
                   "    except m.PackageNotFoundError: print(d, None)\n"
                   "print('loaded-by', 'hpy_rs_runtime' in sys.modules)", env=env).split("\n")
    cpython = interp.startswith("cpython")
    assert versions[0] == "hpy-rs-runtime %s" % ("0.1.0" if cpython else None), versions
    assert (versions[1] == "hpy None") == cpython, versions
    assert versions[2] == "loaded-by %s" % cpython, versions
    if runtime_has_debug_mode(python, env):
        out = run(python, "-c", SMOKE, env=dict(env, HPY="debug"))
        assert out.strip().endswith("ok"), out
    else:
        # hpy_rs_runtime's debug mode is not written yet: loading in it says so.
        result = subprocess.run([python, "-c", SMOKE], env=dict(env, HPY="debug"),
                                stderr=subprocess.PIPE, text=True)
        assert "hpy_rs_runtime does not implement that mode yet" in result.stderr, result.stderr
        pytest.skip("debug mode: hpy_rs_runtime does not implement it yet (universal mode passed)")


def test_import_without_the_runtime_says_what_to_install(wheelhouse, tmp_path):
    python = make_venv(tmp_path / "venv", sys.executable, "uv", wheelhouse)
    env = offline_env(wheelhouse)
    install(python, "uv", "--no-deps", "hello", env=env)
    result = subprocess.run([python, "-c", "import hello"], stderr=subprocess.PIPE, text=True, env=env)
    assert result.returncode != 0
    assert ("ModuleNotFoundError: hello needs an HPy 0.9 runtime, and neither hpy_rs_runtime nor "
            "hpy.universal is installed: install it with: pip install hpy-rs-runtime"
            in result.stderr), result.stderr


def test_the_loader_falls_back_to_hpy_090(wheelhouse, tmp_path):
    # A wheel installed beside hpy 0.9.0 instead of hpy-rs-runtime loads through hpy.universal.
    python = make_venv(tmp_path / "venv", sys.executable, "uv", wheelhouse)
    env = offline_env(wheelhouse)
    install(python, "uv", "--no-deps", "hello", "hpy==0.9.0", env=env)
    out = run(python, "-c", "import sys, hello, hpy.universal as u; print(hello.add(1, 2), "
              "'hpy_rs_runtime' in sys.modules, u.get_version()[0])", env=env)
    assert out.split() == ["3", "False", "0.9.0"], out
