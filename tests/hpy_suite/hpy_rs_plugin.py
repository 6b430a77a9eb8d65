"""pytest plugin (`-p hpy_rs_plugin`): run a test suite against hpy_rs_runtime, surviving crashes.

(With HPY_RS_SUITE_RUNTIME=hpy it leaves hpy 0.9.0's runtime in place and only isolates the
tests: the baseline that scripts/hpy-suite.sh compares with.)

Loaded by scripts/hpy-suite.sh (HPy 0.9.0's own test suite) and by the test command's
tests/python run through our runtime. It

* installs hpy_rs_runtime as `hpy.universal` when pytest starts, before any conftest imports
  `hpy.universal` or `hpy.debug`, and sets `HPY_RS_RUNTIME=hpy-rs` so that the interpreters the
  tests start use it too (through the `.pth` hook of hpy_rs_switch.py); it refuses to run if
  another runtime was imported first;
* skips the tests of HPy's suite whose ABI (`hpy_abi`: `debug`, `trace`, `hybrid+debug`,
  `hybrid+trace`) needs a mode the runtime does not implement yet, saying so; this follows the
  runtime (the probe is a call into its `_debug` / `_trace` module), so the skips go away when
  the modes exist;
* with `--hpy-rs-isolate`, runs every test in a forked child process: a test that crashes the
  interpreter (segmentation fault, abort) or hangs past `--hpy-rs-timeout` is reported as a
  failure of that test, with the signal, the Python stack faulthandler printed and the output
  captured, and the run goes on with the next test;
* with `--hpy-rs-last-test FILE`, writes the id of each test to FILE when it starts (a script can
  name the test that was running when a run without isolation died).
"""

import faulthandler
import json
import os
import select
import signal
import sys
import tempfile
import time

import pytest
from _pytest.runner import runtestprotocol

import hpy_rs_switch

CRASH_PREFIX = "CRASHED"

# With HPY_RS_SUITE_RUNTIME=hpy the plugin only isolates the tests and leaves hpy 0.9.0's
# runtime in place: the same run against the runtime ours replaces, for comparison.
BASELINE = os.environ.get("HPY_RS_SUITE_RUNTIME", "hpy-rs") == "hpy"

if BASELINE:
    import hpy.universal as RUNTIME
else:
    # Installed when the plugin is imported: pytest imports `-p` plugins before conftest files.
    os.environ[hpy_rs_switch.ENV] = hpy_rs_switch.VALUE
    RUNTIME = hpy_rs_switch.activate()


def _mode_available(mode):
    """Whether hpy_rs_runtime implements HPy's `mode` (debug or trace): its placeholder modules
    raise NotImplementedError from every function."""
    if BASELINE:
        return True
    probe = {"debug": ("_debug", "new_generation"), "trace": ("_trace", "get_call_counts")}[mode]
    try:
        getattr(getattr(RUNTIME, probe[0]), probe[1])()
    except NotImplementedError:
        return False
    return True


MISSING_MODES = [m for m in ("debug", "trace") if not _mode_available(m)]


def pytest_addoption(parser):
    group = parser.getgroup("hpy_rs", "hpy_rs_runtime")
    group.addoption(
        "--hpy-rs-isolate",
        action="store_true",
        help="run each test in a forked child process, so that a crash fails only that test",
    )
    group.addoption(
        "--hpy-rs-timeout",
        type=float,
        default=300.0,
        help="with --hpy-rs-isolate: seconds a test may take before it is stopped (default 300)",
    )
    group.addoption(
        "--hpy-rs-last-test",
        metavar="FILE",
        help="write the id of each test to FILE as it starts",
    )


def pytest_report_header(config):
    version = ", ".join(RUNTIME.get_version())
    missing = ", ".join(MISSING_MODES) or "none"
    isolated = config.getoption("hpy_rs_isolate")
    isolate = "each test in a child process" if isolated else "one process"
    name = "hpy 0.9.0's runtime" if BASELINE else "hpy_rs_runtime"
    return [
        f"hpy.universal: {name} ({version}) from {RUNTIME.__file__}",
        f"hpy_rs_runtime modes not implemented yet: {missing}; tests run in {isolate}",
    ]


def pytest_collection_modifyitems(config, items):
    """Skips HPy-suite tests whose ABI needs a mode the runtime lacks."""
    if not MISSING_MODES:
        return
    for item in items:
        callspec = getattr(item, "callspec", None)
        abi = callspec.params.get("hpy_abi") if callspec else None
        if not isinstance(abi, str):
            continue
        missing = [m for m in MISSING_MODES if m in abi.split("+")]
        if missing:
            item.add_marker(
                pytest.mark.skip(
                    reason=f"hpy_rs_runtime does not implement HPy's {missing[0]} mode yet"
                )
            )


def pytest_runtest_logstart(nodeid, location):
    path = _last_test_file
    if path:
        with open(path, "w") as f:
            f.write(nodeid + "\n")


_last_test_file = None
# In a forked child: the pipe end its reports go to.
_child_pipe = None


def pytest_configure(config):
    global _last_test_file
    _last_test_file = config.getoption("hpy_rs_last_test")


def pytest_sessionstart(session):
    """Makes the base temporary directory once, in this process: each forked child would
    otherwise make (or, with --basetemp, empty) its own."""
    factory = getattr(session.config, "_tmp_path_factory", None)
    if session.config.getoption("hpy_rs_isolate") and factory is not None:
        factory.getbasetemp()


def pytest_terminal_summary(terminalreporter):
    stats = terminalreporter.stats
    crashed = [
        r for r in stats.get("failed", []) + stats.get("error", [])
        if isinstance(r.longrepr, CrashRepr)
    ]
    if crashed:
        terminalreporter.section(
            f"{len(crashed)} test(s) crashed their process", sep="=", red=True
        )
        for r in crashed:
            terminalreporter.line(f"{r.nodeid}: {r.longrepr.reprcrash.message}")


def pytest_unconfigure(config):
    if _last_test_file and os.path.exists(_last_test_file):
        os.unlink(_last_test_file)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """In a forked child, sends each phase's report to the parent as soon as it is made, so the
    parent knows which phase a crash ended."""
    report = yield
    if _child_pipe is not None:
        data = item.config.hook.pytest_report_to_serializable(config=item.config, report=report)
        _write_line(_child_pipe, {"report": data})
    return report


def _write_line(fd, obj):
    data = (json.dumps(obj) + "\n").encode()
    while data:
        data = data[os.write(fd, data) :]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    if not item.config.getoption("hpy_rs_isolate"):
        return None
    ihook = item.ihook
    ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    for report in _run_forked(item):
        ihook.pytest_runtest_logreport(report=report)
    ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    return True


def _child(item, write_fd, crash_file):
    """Runs in the forked child: the whole test protocol (fixtures of every scope are set up and
    torn down here), the reports going to the parent through the makereport wrapper."""
    global _child_pipe
    _child_pipe = write_fd
    code = 0
    try:
        # The parent reads the Python stack of a crash from this file.
        faulthandler.enable(file=crash_file, all_threads=True)
        runtestprotocol(item, log=False, nextitem=None)
    except pytest.exit.Exception as e:
        _write_line(write_fd, {"exit": str(e.msg), "returncode": e.returncode})
    except BaseException as e:  # noqa: BLE001 - reported by the parent
        _write_line(write_fd, {"error": f"{type(e).__name__}: {e}"})
        code = 3
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _run_forked(item):
    """The reports of `item` run in a forked child (see `_child`), or of its crash."""
    config = item.config
    timeout = config.getoption("hpy_rs_timeout")
    with tempfile.TemporaryFile() as crash_file:
        read_fd, write_fd = os.pipe()
        start = time.time()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            _child(item, write_fd, crash_file)
        os.close(write_fd)
        try:
            received, timed_out = _read_until_eof(read_fd, start + timeout)
        except BaseException:  # Ctrl-C: the child goes too
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise
        finally:
            os.close(read_fd)
        status = _stop(pid) if timed_out else os.waitpid(pid, 0)[1]
        stop = time.time()

        reports, problem = [], None
        for line in received.decode(errors="replace").splitlines():
            message = json.loads(line)
            if "report" in message:
                report = config.hook.pytest_report_from_serializable(
                    config=config, data=message["report"]
                )
                if isinstance(report.longrepr, list):  # a skip's (path, line, reason) via JSON
                    report.longrepr = tuple(report.longrepr)
                reports.append(report)
            elif "exit" in message:
                pytest.exit(message["exit"], returncode=message["returncode"])
            elif "error" in message:
                problem = f"the test's child process failed: {message['error']}"
        if timed_out:
            problem = f"{CRASH_PREFIX}: timed out after {timeout:g} s (stopped with SIGABRT)"
        elif os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            problem = f"{CRASH_PREFIX} with signal {sig} ({signal.Signals(sig).name})"
        elif os.WEXITSTATUS(status) != 0 and problem is None:
            code = os.WEXITSTATUS(status)
            problem = f"{CRASH_PREFIX}: the test's process exited with status {code}"
        elif problem is None and {r.when for r in reports} >= {"setup", "teardown"}:
            return reports
        elif problem is None:
            problem = f"{CRASH_PREFIX}: the test's process ended without finishing the test"
        crash_file.seek(0)
        stack = _trim_stack(crash_file.read().decode(errors="replace").strip())
    return _crash_reports(item, reports, problem, stack, start, stop)


def _read_until_eof(fd, deadline):
    """What the child writes to `fd` until it closes it, and whether `deadline` came first."""
    received = b""
    while True:
        left = deadline - time.time()
        if left <= 0:
            return received, True
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                return received, False
            received += chunk


def _stop(pid):
    """Stops a hanging child: SIGABRT first, so that faulthandler writes its stack, then
    SIGKILL after five seconds. Returns its wait status."""
    os.kill(pid, signal.SIGABRT)
    for _ in range(50):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    return os.waitpid(pid, 0)[1]


class CrashRepr:
    """The failure of a test whose process died: `message` (one line, JUnit's failure message
    and the short summary's) and the details (faulthandler's stack of the test's frames)."""

    def __init__(self, message, details):
        self.reprcrash = _Message(message)
        self.text = message + ("\n\n" + details if details else "")

    def toterminal(self, out):
        out.line(self.text, red=True)

    def __str__(self):
        return self.text


class _Message:
    def __init__(self, message):
        self.message = message


_HARNESS_FRAMES = ("/_pytest/", "/pluggy/", "/pytest/__main__.py", "<frozen runpy>", __file__)


def _trim_stack(stack):
    """faulthandler's output without the frames of pytest and pluggy under the test."""
    lines, skipping = [], False
    for line in stack.splitlines():
        frame = line.startswith("  File ")
        if frame and any(part in line for part in _HARNESS_FRAMES):
            if not skipping:
                lines.append("  ... (pytest)")
            skipping = True
            continue
        if not frame:
            skipping = False
        lines.append(line)
    return "\n".join(lines)


def _crash_reports(item, reports, problem, stack, start, stop):
    """The reports of a test whose child process died: those it sent, then a failure of the
    phase it died in (with what it printed), then a teardown report that closes the test."""
    sections = []
    capman = item.config.pluginmanager.getplugin("capturemanager")
    if capman is not None and capman.is_globally_capturing():
        # Whatever the child printed after its last captured phase (the crash's own messages).
        out, err = capman.read_global_capture()
        if out:
            sections.append(("Captured stdout (crashed child)", out))
        if err:
            sections.append(("Captured stderr (crashed child)", err))
    done = [r.when for r in reports]
    if not done:
        when = "setup"
    elif done[-1] == "setup" and reports[-1].passed:
        when = "call"
    else:
        when = "teardown"
    if when == "teardown" and "teardown" in done:
        reports = [r for r in reports if r.when != "teardown"]
    longrepr = CrashRepr(f"{problem} (in {when})", f"faulthandler:\n{stack}" if stack else "")
    keywords = {k: 1 for k in item.keywords}
    reports.append(
        pytest.TestReport(item.nodeid, item.location, keywords, "failed", longrepr, when,
                          sections=sections, duration=stop - start, start=start, stop=stop)
    )
    if when != "teardown":
        reports.append(pytest.TestReport(item.nodeid, item.location, keywords, "passed", None,
                                         "teardown", start=stop, stop=stop))
    return reports
