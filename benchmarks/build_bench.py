"""Clean release build times of a small extension module (a program, not a test).

Usage: python build_bench.py ROOT WORK_DIR BEFORE_COMMIT [ROUNDS]

Builds, each time from an empty target directory (crates already downloaded), with the same
release profile (`lto = "thin"`, `codegen-units = 1`, as in this workspace):

* `hello, before`: examples/hello as of BEFORE_COMMIT (bindgen and HPy's C helpers at build
  time; needs libclang and HPY_PYTHON);
* `hello, now`: examples/hello of the working tree (checked-in bindings; built with
  LIBCLANG_PATH pointing at an empty directory and HPY_PYTHON at no interpreter);
* `one function, hpy`: a crate outside the workspace with one `add(a, b)` function on `hpy`;
* `one function, PyO3`: the same function on PyO3 0.30 (`extension-module`).

Rounds are interleaved (every variant once per round). Prints, per variant, the median wall time
and the median CPU time (user + system of all the build's processes), and each median's ratio to
PyO3's.
"""

import os
import pathlib
import resource
import shutil
import statistics
import subprocess
import sys
import time

PROFILE = '[profile.release]\nlto = "thin"\ncodegen-units = 1\n'

HPY_ONE = """\
#[hpy::hpy_module]
mod one {
    use hpy::prelude::*;

    /// Return the sum of two integers.
    #[hpy_method]
    fn add(a: i64, b: i64) -> HPyResult<i64> {
        a.checked_add(b).ok_or_else(|| HPyErr::overflow_error("result does not fit in 64 bits"))
    }
}
"""

PYO3_ONE = """\
use pyo3::exceptions::PyOverflowError;
use pyo3::prelude::*;

/// Return the sum of two integers.
#[pyfunction]
fn add(a: i64, b: i64) -> PyResult<i64> {
    a.checked_add(b).ok_or_else(|| PyOverflowError::new_err("result does not fit in 64 bits"))
}

#[pymodule]
fn one(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(add, m)?)
}
"""


def write_crate(directory, dependency, source):
    (directory / "src").mkdir(parents=True, exist_ok=True)
    (directory / "Cargo.toml").write_text(
        '[package]\nname = "one"\nversion = "0.1.0"\nedition = "2021"\n\n'
        '[lib]\ncrate-type = ["cdylib"]\n\n'
        f"[dependencies]\n{dependency}\n\n{PROFILE}\n"
        "# Not part of the enclosing repository's workspace.\n[workspace]\n"
    )
    (directory / "src" / "lib.rs").write_text(source)


def timed_build(manifest, target, env, package=None):
    """Wall and CPU seconds of a clean `cargo build --release`."""
    shutil.rmtree(target, ignore_errors=True)
    cmd = ["cargo", "build", "--release", "-q", "--manifest-path", str(manifest)]
    if package:
        cmd += ["-p", package]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=dict(env, CARGO_TARGET_DIR=str(target)), check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    root = pathlib.Path(sys.argv[1]).resolve()
    work = pathlib.Path(sys.argv[2]).resolve()
    before_commit = sys.argv[3]
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    work.mkdir(parents=True, exist_ok=True)

    before = work / "before"
    if not (before / "Cargo.toml").exists():
        subprocess.run(["git", "-C", str(root), "worktree", "add", "--detach", "-f",
                        str(before), before_commit], check=True, capture_output=True)
    hpy_one, pyo3_one = work / "hpy-one", work / "pyo3-one"
    hpy_path = str(root / "hpy").replace("\\", "/")
    write_crate(hpy_one, f'hpy = {{ path = "{hpy_path}" }}', HPY_ONE)
    write_crate(pyo3_one, 'pyo3 = { version = "=0.30.1", features = ["extension-module"] }',
                PYO3_ONE)

    nothing = work / "nothing"
    nothing.mkdir(exist_ok=True)
    base = {k: v for k, v in os.environ.items() if k not in ("HPY_INCLUDE_DIR", "CARGO_TARGET_DIR")}
    rust_only = dict(base, LIBCLANG_PATH=str(nothing), HPY_PYTHON=str(nothing / "python3"))
    variants = [
        ("hello, before (bindgen at build time)", before / "Cargo.toml", "hello", base),
        ("hello, now (checked-in bindings)", root / "Cargo.toml", "hello", rust_only),
        ("one function, hpy", hpy_one / "Cargo.toml", None, rust_only),
        ("one function, PyO3 0.30.1", pyo3_one / "Cargo.toml", None, base),
    ]
    for _, manifest, _, env in variants:  # download everything first: time only the builds
        subprocess.run(["cargo", "fetch", "-q", "--manifest-path", str(manifest)], env=env,
                       check=True)

    times = {name: [] for name, *_ in variants}
    for r in range(rounds):
        for name, manifest, package, env in variants:
            wall, cpu = timed_build(manifest, work / "target", env, package)
            times[name].append((wall, cpu))
            print(f"round {r + 1}: {name}: {wall:.1f} s wall, {cpu:.1f} s CPU", file=sys.stderr)
    shutil.rmtree(work / "target", ignore_errors=True)

    ref_wall = statistics.median(w for w, _ in times[variants[-1][0]])
    ref_cpu = statistics.median(c for _, c in times[variants[-1][0]])
    print(f"\nClean release build, median of {rounds} interleaved rounds "
          f"({os.cpu_count()} CPUs; ratio = time / PyO3's)\n")
    print("| module | wall (s) | ratio | CPU (s) | ratio |")
    print("|---|---:|---:|---:|---:|")
    for name, *_ in variants:
        wall = statistics.median(w for w, _ in times[name])
        cpu = statistics.median(c for _, c in times[name])
        print(f"| {name} | {wall:.1f} | {wall / ref_wall:.2f} | {cpu:.1f} | {cpu / ref_cpu:.2f} |")


if __name__ == "__main__":
    main()
