"""Runs ujson 6.1.0's upstream test suite against ujson_hpy.

    python run_upstream.py MODULE_DIR MODE [pytest args...]

MODE is universal or debug (HPy modes of ujson_hpy.hpy0.so), or cpython-abi: the CPython-ABI
build ujson_hpy<EXT_SUFFIX> (`cargo hpy build --abi cpython`), imported without HPy.

The ujson source distribution is fetched from the package index with pip (into
target/cache/ujson-6.1.0, reused afterwards); its tests/ directory is copied next to the
plugin in a scratch directory and run with `import ujson` bound to ujson_hpy.
"""

import os
import pathlib
import shutil
import subprocess
import sys
import tarfile

VERSION = "6.1.0"
HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CACHE = ROOT / "target" / "cache"


def upstream_tests() -> pathlib.Path:
    src = CACHE / f"ujson-{VERSION}"
    if not (src / "tests" / "test_ujson.py").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
             f"ujson=={VERSION}", "-d", str(CACHE)],
            check=True,
        )
        with tarfile.open(CACHE / f"ujson-{VERSION}.tar.gz") as tar:
            tar.extractall(CACHE, filter="data")
    return src / "tests"


def main() -> int:
    module_dir, mode, *rest = sys.argv[1:]
    tests = upstream_tests()
    version = "%d.%d" % sys.version_info[:2]
    work = ROOT / "target" / "ujson-upstream" / f"{sys.implementation.name}{version}-{mode}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for name in ("test_ujson.py", "334-reproducer.json", "comprehensive.json", "sample.json"):
        shutil.copy(tests / name, work / name)
    shutil.copy(HERE / "upstream_plugin.py", work / "upstream_plugin.py")
    if mode == "cpython-abi":
        import sysconfig

        name = "ujson_hpy" + sysconfig.get_config_var("EXT_SUFFIX")
    else:
        name = "ujson_hpy.hpy0.so"
    so = work / name  # one copy of the library per mode (see tests/python/conftest.py)
    shutil.copy(pathlib.Path(module_dir) / name, so)
    env = dict(os.environ, UJSON_HPY_MODE=mode, UJSON_HPY_SO=str(so), PYTHONPATH=str(work))
    cmd = [sys.executable, "-m", "pytest", "-p", "upstream_plugin", "-p", "no:cacheprovider",
           "--rootdir", str(work), "-q", str(work / "test_ujson.py"), *rest]
    return subprocess.run(cmd, cwd=work, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
