"""Type stubs: the `.pyi` that `cargo hpy` writes from the description the macros embed in the
library matches the runtime modules (mypy's stubtest), and mypy --strict type-checks code
using them (and rejects a wrong call, so the stubs are really read)."""

import os
import subprocess
import sys

import pytest

from conftest import install, make_venv, offline_env, run

SCRIPT = """
import hello
import ujson_hpy

total: int = hello.add(1, 2)
greeting: str = hello.greet("x")
counts: dict[str, int] = hello.word_count("a b a")
answer: int = hello.ANSWER
version: str = hello.__version__ + ujson_hpy.__version__
text = ujson_hpy.dumps({"a": [1, 2]}, indent=2, sort_keys=True)
ujson_hpy.dump([1], sys.stdout, ensure_ascii=False)
value = ujson_hpy.loads(text)
print(total, greeting, counts, answer, version, value)
"""


@pytest.fixture(scope="module")
def typed_env(wheelhouse, tmp_path_factory):
    """A CPython environment with the two wheels and mypy."""
    python = make_venv(tmp_path_factory.mktemp("stubs") / "venv", sys.executable, "uv", wheelhouse)
    env = offline_env(wheelhouse)
    install(python, "uv", "hello", "ujson-hpy", "mypy==2.4.1", env=env)
    return python, env


def test_stubtest_finds_no_difference(typed_env):
    python, env = typed_env
    out = run(python, "-m", "mypy.stubtest", "hello", "ujson_hpy", env=env)
    assert "Success: no issues found in 2 modules" in out, out


def test_mypy_strict_checks_a_script(typed_env, tmp_path):
    python, env = typed_env
    script = tmp_path / "use.py"
    script.write_text("import sys\n" + SCRIPT)
    out = run(python, "-m", "mypy", "--strict", "--no-incremental", script, env=env, cwd=tmp_path)
    assert "Success: no issues found in 1 source file" in out, out
    assert "[1]3 Hello, x! " in run(python, script, env=env)
    wrong = tmp_path / "wrong.py"
    wrong.write_text("import hello\n\nhello.add('1', 2)\nx: str = hello.add(1, 2)\n")
    result = subprocess.run([python, "-m", "mypy", "--strict", "--no-incremental", wrong],
                            stdout=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 1, result.stdout
    assert 'Argument 1 to "add" has incompatible type "str"; expected "int"' in result.stdout
    assert 'Incompatible types in assignment (expression has type "int", variable has type "str")' \
        in result.stdout, result.stdout


def test_stubs_of_the_test_modules_type_check(tmp_path):
    # Every function of the test modules (keyword-named parameters, every conversion type,
    # classes left to the module __getattr__) gives a stub mypy --strict reads without error.
    from conftest import cargo_hpy, ROOT
    cargo_hpy("build", "-p", "testmod", "-p", "apimod", "-p", "hello", "-p", "ujson_hpy",
              "--out", tmp_path, cwd=ROOT)
    stubs = sorted(tmp_path.glob("*.pyi"))
    assert [s.name for s in stubs] == ["apimod.pyi", "hello.pyi", "testmod.pyi", "ujson_hpy.pyi"]
    out = run(sys.executable, "-m", "mypy", "--strict", "--no-incremental", *stubs, cwd=tmp_path)
    assert "Success: no issues found in 4 source files" in out, out
    testmod = (tmp_path / "testmod.pyi").read_text()
    # Classes exported from other files are not described: the module __getattr__ says so.
    assert "def __getattr__(name: str) -> Any: ..." in (tmp_path / "apimod.pyi").read_text()
    assert "__getattr__" not in (tmp_path / "hello.pyi").read_text() + testmod
    # A class written in the module is, with what #[cfg] leaves in.
    cls = testmod[testmod.index("@final\nclass CfgOn:"):]
    for line in ("    @property\n    def value(self) -> int: ...\n    @value.setter\n",
                 "    def __new__(cls, v: int) -> Self: ...\n", "    def present(self) -> int: ...\n",
                 "    def __add__(self, other: int, /) -> int: ...\n"):
        assert line in cls, cls
    assert "absent" not in cls and "__neg__" not in cls, cls
    # One number slot gives the reflected method too: __radd__ from __add__, __sub__ from __rsub__.
    assert "    def __radd__(self, other: int, /) -> int: ...\n" in cls, cls
    assert "    def __sub__(self, other: int, /) -> int: ...\n" in cls, cls
    # Special methods without a slot and the sequence slots appear under their Python names.
    steps = testmod[testmod.index("class Steps:"):]
    for line in ("    def __init__(self, n: int, fill: int = ...) -> None: ...\n",
                 "    def __next__(self) -> int: ...\n", "    def __getitem__(self, i: int, /) -> int: ...\n",
                 "    def __add__(self, _other: Any, /) -> int: ...\n",
                 "    def __rmul__(self, k: int, /) -> int: ...\n", "    START: int\n",
                 "    @staticmethod\n    def double(x: int) -> int: ...\n",
                 "    @classmethod\n    def name_of(cls, suffix: str) -> str: ...\n"):
        assert line in steps, steps
    assert "__radd__" not in steps and "__getbuffer__" not in steps and "__concat__" not in steps
    # The stubs of the test module with a class match it at run time as well.
    env = dict(os.environ, PYTHONPATH=str(tmp_path), MYPYPATH=str(tmp_path))
    env.pop("HPY", None)
    out = run(sys.executable, "-m", "mypy.stubtest", "testmod", "hello", "ujson_hpy", env=env,
              cwd=tmp_path)
    assert "Success: no issues found in 3 modules" in out, out


def test_stubs_name_iterators_classes_and_exceptions(tmp_path):
    """An iterator's `__iter__` returning `Obj<'_, Self>` is `-> Self`, a method returning another
    class of the module names it (`-> CountUpIter`), `Self` in a static method is the class, and
    an exception class an exec hook makes with `ctx.new_exception` is `type[<its base>]` (with
    `builtins.` where the module hides the built-in: testmod has a function `type`). mypy --strict
    reads them as such, and stubtest finds them true to the modules."""
    from conftest import cargo_hpy, ROOT
    cargo_hpy("build", "-p", "testmod", "-p", "apimod", "-p", "ujson_hpy", "--out", tmp_path, cwd=ROOT)
    apimod = (tmp_path / "apimod.pyi").read_text()
    count_up = apimod[apimod.index("class CountUp:"):apimod.index("class CountUpIter:")]
    count_up_iter = apimod[apimod.index("class CountUpIter:"):]
    assert "    def __iter__(self) -> CountUpIter: ...\n" in count_up, count_up
    assert "    def __iter__(self) -> Self: ...\n    def __next__(self) -> int: ...\n" in count_up_iter
    testmod = (tmp_path / "testmod.pyi").read_text()
    assert "    def __iter__(self) -> Self: ...\n    def __next__(self) -> int: ...\n" in testmod
    assert "    @staticmethod\n    def of_length(n: int) -> Steps: ...\n" in testmod
    assert "\nStepError: builtins.type[ValueError]\n" in testmod
    assert testmod.startswith("# Generated by cargo hpy from the description testmod carries in "
                              "its library.\nimport builtins\n")
    assert "\nJSONDecodeError: type[ValueError]\n" in (tmp_path / "ujson_hpy.pyi").read_text()

    script = tmp_path / "use.py"
    script.write_text(
        "import apimod\nimport testmod\nimport ujson_hpy\n\n"
        "reveal_type(iter(testmod.Steps(3)))\n"
        "reveal_type(iter(apimod.CountUp(3)))\n"
        "reveal_type(next(iter(apimod.CountUp(3))))\n"
        "reveal_type(testmod.Steps.of_length(2))\n"
        "reveal_type(testmod.StepError)\n"
        "try:\n    ujson_hpy.loads('[')\nexcept ujson_hpy.JSONDecodeError as e:\n    reveal_type(e)\n"
        "wrong: type[KeyError] = ujson_hpy.JSONDecodeError\n"
    )
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", script],
                            stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    revealed = [line.split("Revealed type is ")[1] for line in result.stdout.splitlines()
                if "Revealed type is" in line]
    assert revealed == ['"testmod.Steps"', '"apimod.CountUpIter"', '"int"', '"testmod.Steps"',
                        '"type[ValueError]"', '"ValueError"'], result.stdout
    assert ('Incompatible types in assignment (expression has type "type[ValueError]", variable has '
            'type "type[KeyError]")') in result.stdout, result.stdout

    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    env.pop("HPY", None)
    out = run(sys.executable, "-m", "mypy.stubtest", "testmod", "ujson_hpy", env=env, cwd=tmp_path)
    assert "Success: no issues found in 2 modules" in out, out
