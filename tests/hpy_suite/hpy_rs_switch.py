"""Makes `import hpy.universal` load hpy_rs_runtime, in every Python process of an environment.

`scripts/build-runtime.sh` copies this file into the interpreter's site-packages beside a `.pth`
file that imports it when the interpreter starts. It does nothing unless the environment variable
`HPY_RS_RUNTIME` is `hpy-rs`; then it calls `hpy_rs_runtime.install()`, which registers our
runtime as `hpy.universal`. Test processes set that variable, and it reaches the interpreters
they start (HPy's `python_subprocess`, tests/python's stub and load-guard tests), so those use our
runtime too, whatever their `PYTHONPATH`.

If the variable is set and our runtime cannot be installed, `hpy.universal` is made unimportable
(with a message on stderr), so that no process falls back to another runtime unnoticed.
"""

import os
import sys

ENV = "HPY_RS_RUNTIME"
VALUE = "hpy-rs"


def requested():
    """Whether this process should use hpy_rs_runtime as `hpy.universal`."""
    return os.environ.get(ENV) == VALUE


def activate():
    """Installs hpy_rs_runtime as `hpy.universal` and returns it (raises if it cannot)."""
    current = sys.modules.get("hpy.universal")
    import hpy_rs_runtime

    if current is not None and current is not hpy_rs_runtime:
        raise RuntimeError(
            f"another HPy runtime ({current!r}) was imported as hpy.universal before "
            "hpy_rs_runtime could be installed"
        )
    hpy_rs_runtime.install()
    return hpy_rs_runtime


def _startup():
    try:
        activate()
    except Exception as e:  # noqa: BLE001 - reported, then hpy.universal is blocked
        sys.stderr.write(
            f"hpy_rs_switch: {ENV}={VALUE}, but hpy_rs_runtime cannot be installed as "
            f"hpy.universal ({type(e).__name__}: {e}); hpy.universal is left unimportable\n"
        )
        sys.modules["hpy.universal"] = None


if requested():
    _startup()
