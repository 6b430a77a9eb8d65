"""A module built with Rust alone: `cargo hpy build --release -p hello` with no libclang, no
Python and no HPy headers reachable (LIBCLANG_PATH names an empty directory, HPY_PYTHON names no
interpreter, HPY_INCLUDE_DIR is unset), then imported through its stub in universal and debug
mode (with the leak check) on the interpreter running the tests."""

import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, universal_only

pytestmark = universal_only


@pytest.fixture(scope="session")
def release_dir(tmp_path_factory):
    if shutil.which("cargo") is None:
        pytest.fail("cargo is not on PATH: this test builds a module")
    nothing = tmp_path_factory.mktemp("nothing")
    out = tmp_path_factory.mktemp("release")
    env = dict(os.environ, LIBCLANG_PATH=str(nothing), HPY_PYTHON=str(nothing / "python3"))
    env.pop("HPY_INCLUDE_DIR", None)
    proc = subprocess.run(
        ["cargo", "run", "-q", "-p", "cargo-hpy", "--",
         "hpy", "build", "--release", "-p", "hello", "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    # The type stub comes from the description in the release (LTO) library too.
    assert sorted(p.name for p in out.iterdir()) == ["hello.hpy0.so", "hello.py", "hello.pyi"]
    assert "def add(a: int, b: int) -> int: ..." in (out / "hello.pyi").read_text()
    return out


@pytest.mark.parametrize("mode", ["universal", "debug"])
def test_release_module_built_with_rust_alone(release_dir, mode):
    code = (
        "import hello\n"
        "from hpy.debug import LeakDetector\n"
        "with LeakDetector():\n"
        "    assert hello.add(2, 40) == 42\n"
        "    assert hello.greet('Zoë') == 'Hello, Zoë!'\n"
        "    try: hello.add(1, 'x')\n"
        "    except TypeError as e: print(e)\n"
        "print(hello.ANSWER, hello.__file__)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(release_dir), HPY=mode)
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, cwd="/")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (
        "add() argument 'b': 'str' object cannot be interpreted as an integer\n"
        f"42 {release_dir / 'hello.hpy0.so'}\n"
    )
