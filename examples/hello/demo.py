"""Uses the `hello` module built by `cargo hpy build` (run through scripts/demo.sh)."""

import hello

print("module doc:", hello.__doc__)
print("hello.add(2, 40) =", hello.add(2, 40))
print("hello.add(a=1, b=2) =", hello.add(a=1, b=2))
print("hello.greet('Zoë') =", hello.greet("Zoë"))
print("hello.word_count('a b a') =", hello.word_count("a b a"))
print("hello.sorted_desc({3, 1, 2}) =", hello.sorted_desc({3, 1, 2}))
print("help:", hello.add.__name__ + str(__import__("inspect").signature(hello.add)), "-", hello.add.__doc__)

for label, call in [
    ("add(1, 'x')", lambda: hello.add(1, "x")),
    ("add(2**63, 1)", lambda: hello.add(2**63, 1)),
    ("boom()", hello.boom),
]:
    try:
        call()
    except Exception as e:  # noqa: BLE001 - the demo shows what Python sees
        print(f"{label} raised {type(e).__name__}: {e}")

print("and the interpreter keeps going: add(1, 2) =", hello.add(1, 2))

try:
    from hpy.debug import LeakDetector
    import os

    if os.environ.get("HPY") == "debug":
        with LeakDetector():
            for _ in range(1000):
                hello.add(1, 2)
                hello.greet("x")
                try:
                    hello.add(1, "x")
                except TypeError:
                    pass
        print("debug mode: LeakDetector saw no leaked handle over 3000 calls")
except ImportError:
    pass
