"""Loads the built extension modules in each HPy mode, one copy of the .so per mode.

HPy keeps one context pointer per shared library, so loading the same file twice in one process
(say universal, then debug) would switch the first module to the second mode too. Every mode
therefore gets its own copy of each module file.

The modules come from the directory named by HPY_RS_MODULES (default: target/hpy/debug), where
`cargo hpy build` writes them. In debug mode every test runs inside hpy.debug.LeakDetector. Test ids name the interpreter and
the mode, e.g. `test_add[pypy-debug]`.

With HPY_RS_ABI=cpython the suite runs against the CPython-ABI builds of the same modules
(`cargo hpy build --abi cpython`, default directory target/hpy/cpython-abi/debug): each is
imported as the ordinary extension `<name>.cpython-3XY-<platform>.so`, without the `hpy` package,
in the one mode `cpython-abi` (test ids `test_add[cpython-cpython-abi]`). Debug mode does not
exist there; test_cpython_abi.py checks for leaks with reference counts, gc and tracemalloc.
Tests that only make sense for the universal ABI skip with `universal_only`.

With HPY_RS_RUNTIME=hpy-rs the universal modules are loaded by hpy_rs_runtime, this project's own
runtime (runtime/), installed as `hpy.universal` (scripts/build-runtime.sh makes it importable
and, through a .pth file, makes the interpreters the tests start use it too), instead of hpy
0.9.0's. Only the modes it implements are tested (`hpy_mode`); a test that loads a module in
another mode, or whose name or parameters name one, is skipped with the reason. The test command
writes these results to their own JUnit file (`<interpreter>-hpy-rs-pytest.xml`).
"""

import gc
import importlib.util
import os
import pathlib
import re
import shutil
import sys

import sysconfig

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
ABI = os.environ.get("HPY_RS_ABI", "universal")
if ABI not in ("universal", "cpython"):
    raise RuntimeError(f"HPY_RS_ABI must be universal or cpython, not {ABI!r}")
CPYTHON_ABI = ABI == "cpython"
RUNTIME = os.environ.get("HPY_RS_RUNTIME", "hpy")
if RUNTIME not in ("hpy", "hpy-rs"):
    raise RuntimeError(f"HPY_RS_RUNTIME must be hpy (hpy 0.9.0's) or hpy-rs, not {RUNTIME!r}")
# Whether the universal modules are loaded by hpy_rs_runtime (CPython only).
HPY_RS_RUNTIME = RUNTIME == "hpy-rs" and not CPYTHON_ABI

if HPY_RS_RUNTIME:
    try:
        import hpy_rs_runtime
    except ImportError as e:
        raise RuntimeError(
            "HPY_RS_RUNTIME=hpy-rs, but hpy_rs_runtime cannot be imported: build it for this "
            f"interpreter first (scripts/build-runtime.sh {sys.executable})"
        ) from e
    hpy_rs_runtime.install()

if CPYTHON_ABI:
    # The CPython-ABI modules must not need HPy's Python package: it is never imported here.
    hpy = None
    LeakDetector = None
    MODES = {"cpython-abi": None}
    _DEFAULT_DIR = ROOT / "target" / "hpy" / "cpython-abi" / "debug"
else:
    import hpy.universal
    from hpy.debug import LeakDetector

    MODES = {
        "universal": hpy.universal.MODE_UNIVERSAL,
        "debug": hpy.universal.MODE_DEBUG,
        "trace": hpy.universal.MODE_TRACE,
    }
    _DEFAULT_DIR = ROOT / "target" / "hpy" / "debug"
    if HPY_RS_RUNTIME and hpy.universal is not hpy_rs_runtime:
        raise RuntimeError(f"HPY_RS_RUNTIME=hpy-rs, but hpy.universal is {hpy.universal!r}")


def _implements(mode):
    """Whether the runtime implements `mode` (a runtime may offer a mode's module as a placeholder
    whose functions raise NotImplementedError; hpy_rs_runtime 0.1 implements all three)."""
    if not HPY_RS_RUNTIME or mode == "universal":
        return True
    probe = {"debug": ("_debug", "new_generation"), "trace": ("_trace", "get_call_counts")}
    module, function = probe[mode]
    try:
        getattr(getattr(hpy.universal, module), function)()
    except NotImplementedError:
        return False
    return True


# Whether the runtime walks a dict's storage (Dict::iter_storage): the CPython ABI and
# hpy_rs_runtime do; hpy 0.9.0's runtime and PyPy's HPy look each key up instead.
STORAGE_WALK = CPYTHON_ABI or HPY_RS_RUNTIME


class Rehashed(str):
    """A str key whose hash can be changed after it was inserted into a dict."""

    hash = 1

    def __hash__(self):
        return Rehashed.hash

    def __eq__(self, other):
        return str.__eq__(self, other)


# The modes of MODES this run can load modules in.
AVAILABLE_MODES = [mode for mode in MODES if CPYTHON_ABI or _implements(mode)]
MISSING_MODES = [mode for mode in MODES if mode not in AVAILABLE_MODES]
MODULE_DIR = pathlib.Path(os.environ.get("HPY_RS_MODULES", _DEFAULT_DIR))
_loaded = {}

universal_only = pytest.mark.skipif(
    CPYTHON_ABI, reason="about HPy's universal ABI (its runtime, modes or loader stub)"
)


def built_module(name):
    """Path of the module file `cargo hpy build` wrote."""
    suffix = sysconfig.get_config_var("EXT_SUFFIX") if CPYTHON_ABI else ".hpy0.so"
    path = MODULE_DIR / f"{name}{suffix}"
    if not path.exists():
        pytest.exit(
            f"{path} does not exist: build the modules first "
            f"(`cargo run -p cargo-hpy -- hpy build{' --abi cpython' if CPYTHON_ABI else ''}`) "
            "or set HPY_RS_MODULES",
            returncode=2,
        )
    return path


@pytest.fixture(scope="session")
def mode_dirs(tmp_path_factory):
    # One directory for the run, not one per session: with hpy_rs_plugin's --hpy-rs-isolate each
    # test is a session of its own (in a forked child), and every child shares these copies.
    path = tmp_path_factory.getbasetemp() / "modes"
    path.mkdir(exist_ok=True)
    return path


def load(name, mode, mode_dirs):
    """The module `name` loaded in `mode`, from that mode's own copy of the file."""
    key = (name, mode)
    if mode in MISSING_MODES:
        pytest.skip(f"hpy_rs_runtime does not implement HPy's {mode} mode yet")
    if key not in _loaded and mode == "cpython-abi":
        # An ordinary extension module, imported from its file.
        so = built_module(name)
        spec = importlib.util.spec_from_file_location(name, so)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _loaded[key] = module
    if key not in _loaded:
        src = built_module(name)
        target_dir = mode_dirs / mode
        target_dir.mkdir(exist_ok=True)
        so = target_dir / src.name
        if not so.exists():  # made by this run (a fresh base directory), never rewritten
            shutil.copy(src, so)
        spec = importlib.util.spec_from_file_location(name, so)
        module = hpy.universal.load(name, str(so), spec, mode=MODES[mode])
        module.__file__ = str(so)
        module.__spec__ = spec
        _loaded[key] = module
    return _loaded[key]


INTERPRETER = sys.implementation.name

# HPy 0.9.0's CPython runtime marks its types with type-flag bit 2, which CPython 3.13 took for
# inline values: the SDK leaves classes out there and says why (test_classes_refused.py). HPy's
# own debug-mode handle objects are such types too, so a reported leak cannot be inspected there.
HPY_TYPES_BROKEN = (
    not CPYTHON_ABI
    and not HPY_RS_RUNTIME  # hpy_rs_runtime also reports HPy version 0.9.0
    and INTERPRETER == "cpython"
    and sys.version_info >= (3, 13)
    and hpy.universal.get_version()[0] == "0.9.0"
)
requires_classes = pytest.mark.skipif(
    HPY_TYPES_BROKEN,
    reason="HPy 0.9.0's CPython runtime cannot host classes on CPython 3.13+ (its type-flag bit 2 "
    "is 3.13's inline-values bit); the SDK leaves them out, tested by test_classes_refused.py",
)


PYPY = sys.implementation.name == "pypy"
NESTED_CALLS_ABORT = (
    "PyPy's debug mode aborts ('Wrong HPy Context!') when a function of an HPy module is called "
    "from inside another; pinned by test_pypy_debug_nested_call_aborts"
)


def collect():
    """A few full collections, so that objects in cycles and their finalizers are gone."""
    for _ in range(3):
        gc.collect()


@pytest.fixture(autouse=True, params=[INTERPRETER])
def interpreter(request):
    """Puts the interpreter's name (cpython, pypy) into every test id."""
    return request.param


@pytest.fixture(
    params=["cpython-abi"]
    if CPYTHON_ABI
    else [mode for mode in ("universal", "debug") if mode in AVAILABLE_MODES]
)
def hpy_mode(request):
    return request.param


def _names_missing_mode(item):
    """The first mode the runtime lacks that the test's name or string parameters name (as a
    word: `test_import_debug_mode_...`, `hello:debug`, `TRACE`)."""
    words = set(re.split(r"[^a-z0-9]+", getattr(item, "originalname", item.name).lower()))
    callspec = getattr(item, "callspec", None)
    for value in callspec.params.values() if callspec else ():
        if isinstance(value, str):
            words.update(re.split(r"[^a-z0-9]+", value.lower()))
    return next((mode for mode in MISSING_MODES if mode in words), None)


def pytest_collection_modifyitems(config, items):
    """Skips the tests about modes the runtime does not implement (through the stub's HPY=...,
    in a subprocess, ...), which would otherwise fail for that reason alone."""
    for item in items if MISSING_MODES else ():
        mode = _names_missing_mode(item)
        if mode:
            item.add_marker(pytest.mark.skip(
                reason=f"about HPy's {mode} mode, which hpy_rs_runtime does not implement yet"
            ))


def pytest_report_header(config):
    if CPYTHON_ABI:
        runtime = "CPython ABI"
    elif HPY_RS_RUNTIME:
        version = ", ".join(hpy.universal.get_version())
        runtime = f"hpy_rs_runtime ({version}; modes: {', '.join(AVAILABLE_MODES)})"
    else:
        runtime = f"HPy runtime {hpy.universal.get_version()[0]}"
    return f"{runtime} on {INTERPRETER} {sys.version.split()[0]}; modules from {MODULE_DIR}"


def _module_fixture(name):
    @pytest.fixture
    def fixture(hpy_mode, mode_dirs):
        module = load(name, hpy_mode, mode_dirs)
        if hpy_mode == "debug":
            with LeakDetector():
                yield module
        else:
            yield module

    return fixture


hello = _module_fixture("hello")
testmod = _module_fixture("testmod")
apimod = _module_fixture("apimod")
ujson_hpy = _module_fixture("ujson_hpy")
array_hpy = _module_fixture("array_hpy")
