"""Native stack per nesting level (a program, not a test): the smallest thread stack with which
ujson_hpy and ujson each handle the deepest documents ujson accepts.

    python stack_depth.py MODULE_DIR [MODULE_DIR ...]

For every operation below and every library it searches, in 8 KiB steps, the smallest
`threading.stack_size` whose thread runs the operation to completion. Each try runs in a child
process, because a stack that is too small may kill the process (a segfault) rather than raise.
A try counts as "ok" when the thread finished the operation with the expected result, and as
"exception" when it raised (ujson_hpy's guard); only "ok" sizes count towards the figure.
ujson_hpy is the `ujson_hpy` module found in each MODULE_DIR, one column per directory.
"""

import os
import subprocess
import sys

OPS = {
    "loads, arrays 1024 deep": "m.loads('[' * 1024 + ']' * 1024)",
    "loads, objects 1024 deep": "m.loads('{\"k\":' * 1024 + '1' + '}' * 1024)",
    "dumps, lists 1023 deep": "m.dumps(nest(lambda x: [x], 1023))",
    "dumps, dicts 1023 deep": "m.dumps(nest(lambda x: {'k': x}, 1023))",
}

CHILD = """
import importlib, sys, threading
sys.path.insert(0, {dir!r})
m = importlib.import_module({lib!r})
def nest(f, n):
    x = 1
    for _ in range(n):
        x = f(x)
    return x
out = []
def run():
    try:
        {op}
        out.append("ok")
    except BaseException as e:
        out.append("exception " + type(e).__name__)
threading.stack_size({size})
t = threading.Thread(target=run)
t.start()
t.join()
print(out[0] if out else "nothing")
"""

STEP = 8 * 1024


def outcome(lib, mod_dir, op, size):
    code = CHILD.format(dir=mod_dir, lib=lib, op=op, size=size)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if r.returncode != 0:
        return f"died ({r.returncode})"
    return r.stdout.strip()


def smallest(lib, mod_dir, op):
    """The smallest stack (bytes) that works, assuming that working is monotonic in size."""
    lo, hi = 32 * 1024 // STEP, 4096 * 1024 // STEP  # in steps; hi is known to work
    if outcome(lib, mod_dir, op, hi * STEP) != "ok":
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if outcome(lib, mod_dir, op, mid * STEP) == "ok":
            hi = mid
        else:
            lo = mid + 1
    return hi * STEP


def main():
    dirs = [os.path.abspath(d) for d in sys.argv[1:]]
    libs = [("ujson_hpy", d) for d in dirs]
    try:
        import ujson  # noqa: F401

        libs.append(("ujson", dirs[0]))
    except ImportError:
        pass
    print(f"{sys.implementation.name} {sys.version.split()[0]}: smallest thread stack (KiB)")
    header = ["operation"] + [lib if lib == "ujson" else f"ujson_hpy ({os.path.basename(d)})" for lib, d in libs]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name, op in OPS.items():
        cells = []
        for lib, d in libs:
            size = smallest(lib, d, op)
            cells.append("n/a" if size is None else str(size // 1024))
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
