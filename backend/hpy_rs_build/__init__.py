"""PEP 517 / PEP 660 build backend for HPy extension crates: runs ``cargo hpy``.

``build_wheel``, ``build_editable`` and ``build_sdist`` run ``cargo hpy wheel``,
``cargo hpy wheel --editable`` and ``cargo hpy sdist`` in the project folder (the one holding
``pyproject.toml`` and ``Cargo.toml``) and return the name of the file whose path the command
prints on its last line of output.

The wheel commands name the interpreter running the build (``--python sys.executable``): an HPy
crate's universal wheel ignores it; a CPython-ABI build of an HPy crate (``abi = "cpython"`` in
the project's ``[tool.hpy-rs]``, or ``-C abi=cpython``) and a crate that is a CPython extension of
its own (PyO3 or pyo3-ffi, such as the runtime hpy-rs-runtime) are built for that interpreter, as
a ``cp3XY-cp3XY-<platform>`` wheel. On an interpreter other than CPython, a CPython ABI asked for
in ``pyproject.toml`` gives way to the universal wheel, which that interpreter loads.

Config settings (``pip install . -C KEY=VALUE``): ``profile`` (``release``, the default, or
``dev``), ``features`` (Cargo features, comma- or space-separated), ``abi`` (``universal`` or
``cpython``, overriding ``pyproject.toml``), ``zig`` (``true``: link through Zig for a
``manylinux_2_17`` wheel) and ``compatibility`` (``manylinux_2_X``).
"""

import os
import shutil
import subprocess
import sys

__all__ = [
    "build_wheel",
    "build_editable",
    "build_sdist",
    "get_requires_for_build_wheel",
    "get_requires_for_build_editable",
    "get_requires_for_build_sdist",
]


def _cargo_hpy():
    """The ``cargo-hpy`` executable: $CARGO_HPY, then PATH, then $CARGO_HOME/bin."""
    explicit = os.environ.get("CARGO_HPY")
    if explicit:
        return explicit
    found = shutil.which("cargo-hpy")
    if found:
        return found
    cargo_home = os.environ.get("CARGO_HOME") or os.path.join(os.path.expanduser("~"), ".cargo")
    candidate = os.path.join(cargo_home, "bin", "cargo-hpy")
    if os.path.isfile(candidate):
        return candidate
    raise RuntimeError(
        "hpy-rs-build needs cargo-hpy, which was not found (looked at $CARGO_HPY, PATH and "
        "%s). Install it with: cargo install --git https://github.com/hpy-rs/hpy-rs cargo-hpy"
        % os.path.dirname(candidate)
    )


def _settings(config_settings):
    """Command-line options from PEP 517 config settings (``profile``, ``features``, ``abi``,
    ``zig``, ``compatibility``)."""
    config_settings = config_settings or {}
    args = []
    profile = config_settings.get("profile", "release")
    if profile == "release":
        args.append("--release")
    elif profile not in ("dev", "debug"):
        raise ValueError("hpy-rs-build: profile must be 'release' or 'dev', not %r" % (profile,))
    features = config_settings.get("features") or ""
    if isinstance(features, list):
        features = " ".join(features)
    for feature in features.replace(",", " ").split():
        args += ["--features", feature]
    abi = config_settings.get("abi")
    if abi is not None:
        if abi not in ("universal", "cpython"):
            raise ValueError("hpy-rs-build: abi must be 'universal' or 'cpython', not %r" % (abi,))
        args += ["--abi", abi]
    zig = str(config_settings.get("zig", "false")).lower()
    if zig in ("1", "true", "yes"):
        args.append("--zig")
    elif zig not in ("0", "false", "no"):
        raise ValueError("hpy-rs-build: zig must be 'true' or 'false', not %r" % (zig,))
    compatibility = config_settings.get("compatibility")
    if compatibility:
        args += ["--compatibility", compatibility]
    return args


def _run(args, out_dir):
    cmd = [_cargo_hpy(), "hpy"] + args + ["--manifest-path", "Cargo.toml", "--out", out_dir]
    print("hpy-rs-build: running %s" % " ".join(cmd), file=sys.stderr)
    sys.stderr.flush()
    result = subprocess.run(cmd, stdout=subprocess.PIPE, universal_newlines=True)
    if result.returncode != 0:
        raise RuntimeError("hpy-rs-build: %s failed (exit code %d)" % (cmd[2], result.returncode))
    lines = result.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError("hpy-rs-build: %s printed no file name" % cmd[2])
    return os.path.basename(lines[-1])


def get_requires_for_build_wheel(config_settings=None):
    """Nothing beyond the backend: the build runs cargo."""
    return []


def get_requires_for_build_editable(config_settings=None):
    """Nothing beyond the backend: the build runs cargo."""
    return []


def get_requires_for_build_sdist(config_settings=None):
    """Nothing beyond the backend: the build runs cargo."""
    return []


def _interpreter():
    """The interpreter the wheel is for: the one running the build."""
    return ["--python", sys.executable]


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    """Builds the wheel with ``cargo hpy wheel`` into ``wheel_directory``."""
    return _run(["wheel"] + _interpreter() + _settings(config_settings), wheel_directory)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """Builds an editable wheel: the module stays in the project's target folder."""
    return _run(["wheel", "--editable"] + _interpreter() + _settings(config_settings),
                wheel_directory)


def build_sdist(sdist_directory, config_settings=None):
    """Builds the source distribution with ``cargo hpy sdist``."""
    return _run(["sdist"], sdist_directory)
