"""hpy_rs_runtime.trace: HPy's trace-mode API for Python code, as `hpy.trace` offers it, for
processes without the `hpy` package.

Modules loaded in trace mode (`HPY=trace`, or `load(..., mode=MODE_TRACE)`) count and time
every call they make into the HPy context:

* `get_call_counts()`: a dict from each context function's name (`"ctx_Add"`, ...) to its
  number of calls so far;
* `get_durations()`: the same names to the total time spent in each, in nanoseconds;
* `get_frequency()`: the clock's resolution in Hz (durations are nanoseconds: 10**9);
* `set_trace_functions(on_enter=..., on_exit=...)`: functions called with the name on entering
  and leaving each call (`None` removes one; an argument left out is kept).
"""

# `_trace` (hpy_rs_runtime._trace) is set by hpy_rs_runtime before it runs this file.

__all__ = ["get_call_counts", "get_durations", "get_frequency", "set_trace_functions"]

get_call_counts = _trace.get_call_counts  # noqa: F821
get_durations = _trace.get_durations  # noqa: F821
get_frequency = _trace.get_frequency  # noqa: F821
set_trace_functions = _trace.set_trace_functions  # noqa: F821
