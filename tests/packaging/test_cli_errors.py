"""What `cargo hpy` says when it is asked for something it cannot make."""

import subprocess

from conftest import CARGO_HPY, ROOT


def test_cpython_abi_feature_on_a_universal_build_names_the_option():
    """`-F cpython-abi` (the feature `cargo hpy new` writes) or `-F hpy/cpython-abi` would build an
    ordinary CPython extension, of which no universal module or wheel can be made: the command
    refuses it before building and names `--abi cpython`."""
    for command in ("wheel", "build"):
        for feature in ("cpython-abi", "hpy/cpython-abi"):
            result = subprocess.run(
                [CARGO_HPY, "hpy", command, "-p", "hello", "-F", feature],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300,
            )
            assert result.returncode == 1, result.stdout + result.stderr
            assert result.stderr == (
                f"error: `-F {feature}` builds the module for the CPython ABI, which a universal "
                "build cannot use: use `--abi cpython` instead of the feature (it turns the feature "
                "on itself and builds for each interpreter `--python` names)\n"
            )
