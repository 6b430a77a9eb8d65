"""hpy_rs_runtime.debug: HPy's debug-mode API for Python code, as `hpy.debug` offers it, for
processes without the `hpy` package (with it, `hpy.debug` works against this runtime too).

* `LeakDetector`: a context manager (or `start()` / `stop()`) that raises `HPyLeakError` when
  handles opened by modules in debug mode since `start()` are still open at `stop()`.
* `HPyDebugError`, the base of the debug mode's errors, and `HPyLeakError(leaks)`, whose `leaks`
  is the list of `DebugHandle`s left open.
* `set_handle_stack_trace_limit(n)`: from now on, each handle records the `n` innermost frames
  where it was opened, shown in its repr (and so in `HPyLeakError`'s message), symbolised as
  function, file and line where the module has debug information.
  `disable_handle_stack_traces()` stops recording.
"""

# `_debug` (hpy_rs_runtime._debug) and `_runtime` (hpy_rs_runtime) are set by hpy_rs_runtime
# before it runs this file.

import warnings

__all__ = ["HPyDebugError", "HPyLeakError", "LeakDetector", "set_handle_stack_trace_limit",
           "disable_handle_stack_traces"]


class HPyDebugError(Exception):
    """An error found by HPy's debug mode."""


class HPyLeakError(HPyDebugError):
    """Handles left open: `leaks` is the list of their `DebugHandle`s."""

    def __init__(self, leaks):
        super().__init__(leaks)
        self.leaks = list(leaks)

    def __str__(self):
        count = len(self.leaks)
        head = f"{count} unclosed handle{'' if count == 1 else 's'}:"
        return "\n".join([head] + [f"    {handle!r}" for handle in self.leaks])


class LeakDetector:
    """Checks that the handles opened between `start()` and `stop()` (or inside a `with`
    block) by modules loaded in debug mode are all closed; `stop()` raises `HPyLeakError`
    otherwise. Raises `ValueError` when started twice or stopped before being started.

    Only modules loaded in debug mode (`HPY=debug`) have handles it can see: when none is loaded
    in this process by `stop()`, it warns (`RuntimeWarning`) that nothing was checked."""

    def __init__(self):
        self.generation = None

    def start(self):
        if self.generation is not None:
            raise ValueError("LeakDetector.start(): already started")
        self.generation = _debug.new_generation()  # noqa: F821

    def stop(self):
        if self.generation is None:
            raise ValueError("LeakDetector.stop(): not started")
        generation, self.generation = self.generation, None
        leaks = _debug.get_open_handles(generation)  # noqa: F821
        if leaks:
            raise HPyLeakError(leaks)
        if "debug" not in _runtime._loaded_modes():  # noqa: F821
            warnings.warn(
                "LeakDetector: no module is loaded in HPy debug mode in this process, so no "
                "handle was checked (import modules with HPY=debug, or load them with "
                "mode=MODE_DEBUG)", RuntimeWarning, stacklevel=3)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.stop()


def set_handle_stack_trace_limit(limit):
    """Handles opened from now on record their `limit` innermost frames (an int; 0 or None:
    none, at no cost)."""
    _debug.set_handle_stack_trace_limit(limit)  # noqa: F821


def disable_handle_stack_traces():
    """Handles opened from now on record no frames."""
    _debug.set_handle_stack_trace_limit(None)  # noqa: F821
