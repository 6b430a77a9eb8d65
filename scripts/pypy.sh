#!/usr/bin/env bash
# Provides PyPy 3.11 v7.3.19 (with its built-in HPy 0.9.1) on Debian 12, and prints the path of
# its interpreter on stdout.
#
# Debian 12's own pypy3 (7.3.11) vendors HPy 0.0.4, an incompatible ABI. Debian 13 ("trixie")
# packages PyPy 7.3.19 for Python 3.11, whose binaries need glibc 2.38: the script downloads
# trixie's pypy3 packages and the libraries they need from Debian's archive (the mirror this
# machine's apt already uses), unpacks them into target/pypy/root (nothing on the system is
# replaced), and points the interpreter and its libraries at trixie's loader and libraries with
# patchelf. A finished tree is reused.
#
# Users with their own PyPy 3.11 (with HPy 0.9) set HPY_RS_PYPY to its interpreter instead.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/target/pypy"
PREFIX="$CACHE/root"
PYPY="$PREFIX/usr/bin/pypy3.11"
WANT_VERSION="7.3.19"
PACKAGES=(pypy3 pypy3-lib pypy3-dev pypy3-venv libc6 libffi8 libexpat1 zlib1g libbz2-1.0
          liblzma5 libssl3t64 libgcc-s1 libstdc++6 libtinfo6 libncursesw6 libsqlite3-0 libgdbm6t64)

source "$ROOT/scripts/debian-prefix.sh"

works() {
    [ -x "$PYPY" ] && "$PYPY" -c "import sys, hpy.universal; assert sys.pypy_version_info[:3] == tuple(map(int, '$WANT_VERSION'.split('.')))" 2>/dev/null
}

debian_prefix_reuse "$PYPY"

say "downloading PyPy $WANT_VERSION (Debian trixie) into target/pypy"
debian_prefix_init "$CACHE" trixie
version=$(debian_prefix_version pypy3)
case "$version" in
    "$WANT_VERSION"*) ;;
    *) die "Debian trixie offers pypy3 '$version', not $WANT_VERSION; set HPY_RS_PYPY to a PyPy 3.11 with HPy 0.9" ;;
esac
debian_prefix_unpack "$PREFIX" "${PACKAGES[@]}"

# Debian's pypy3 installs the interpreter as a symlink into /usr/lib/pypy3.11.
debian_prefix_fix "$PREFIX" "$PYPY" '*/libpypy3.11-c.so*' '*/pypy3.11/*.so'

works || die "the unpacked PyPy does not run: $("$PYPY" -c 'import hpy.universal' 2>&1 | tail -3)"
echo "$PYPY"
