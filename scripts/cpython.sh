#!/usr/bin/env bash
# Provides CPython X.Y from Debian's archive on Debian 12, and prints the path of its interpreter
# on stdout. Usage: scripts/cpython.sh 3.13|3.14|3.15
#
# Debian 12 has only CPython 3.11. Debian 13 ("trixie") packages 3.13, and sid 3.14 and 3.15; their
# binaries need those suites' glibc. The script downloads the interpreter's packages and the
# libraries they need from the mirror this machine's apt already uses, unpacks them into
# target/cpythonX.Y/root (nothing on the system is replaced) and points the interpreter and its
# extension modules at that suite's loader and libraries with patchelf. A finished tree is
# reused. No Debian suite has CPython 3.12 any more: for 3.12 the script prints the interpreter
# HPY_RS_PYTHON312 names, or else a `python3.12` on PATH or among pyenv's versions, and fails
# if there is none.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/debian-prefix.sh"

V="${1:?usage: scripts/cpython.sh 3.12|3.13|3.14|3.15}"
if [ "$V" = 3.12 ]; then
    # The interpreter itself, not a launcher (pyenv's shim) that would pick another later.
    pyenv_root="$(pyenv root 2>/dev/null || true)"
    for candidate in "${HPY_RS_PYTHON312:-}" "$(command -v python3.12 || true)" \
        ${pyenv_root:+"$pyenv_root"/versions/3.12*/bin/python3.12}; do
        [ -n "$candidate" ] || continue
        if real=$("$candidate" -c "import sys, ssl, ctypes, venv; assert sys.version_info[:2] == (3, 12); print(sys.executable)" 2>/dev/null); then
            echo "$real"
            exit 0
        fi
    done
    die "no CPython 3.12 here: no Debian suite packages it any more; set HPY_RS_PYTHON312 to one (pyenv's, a distribution's)"
fi
case "$V" in
    3.13) SUITE=trixie ;;
    3.14 | 3.15) SUITE=sid ;;
    *) die "no Debian suite provides CPython $V (3.13: trixie; 3.14 and 3.15: sid)" ;;
esac
CACHE="$ROOT/target/cpython$V"
PREFIX="$CACHE/root"
PY="$PREFIX/usr/bin/python$V"
PACKAGES=("python$V" "python$V-minimal" "libpython$V-minimal" "libpython$V-stdlib" "libpython$V-dev"
          "libpython$V" "python$V-venv" libc6 libssl3t64 libexpat1 zlib1g libbz2-1.0 libffi8 liblzma5
          libncursesw6 libreadline8t64 libsqlite3-0 libtinfo6 libuuid1 libzstd1 libgcc-s1 libstdc++6
          libgdbm6t64 media-types libmpdec4)

works() {
    [ -x "$PY" ] && "$PY" -c "import sys, ssl, ctypes, sqlite3, venv; assert '%d.%d' % sys.version_info[:2] == '$V'" 2>/dev/null
}

debian_prefix_reuse "$PY"

say "downloading CPython $V (Debian $SUITE) into target/cpython$V"
debian_prefix_init "$CACHE" "$SUITE"
version=$(debian_prefix_version "python$V")
[ -n "$version" ] || die "Debian $SUITE offers no python$V"
# Packages that a suite does not have (e.g. libmpdec4 before 3.13) are left out.
available=()
for p in "${PACKAGES[@]}"; do
    [ -n "$(debian_prefix_version "$p")" ] && available+=("$p")
done
debian_prefix_unpack "$PREFIX" "${available[@]}"

debian_prefix_fix "$PREFIX" "$PY" "*/libpython$V*.so*" "*/python$V/lib-dynload/*.so"

works || die "the unpacked CPython $V does not run: $("$PY" -c 'import ssl, ctypes, sqlite3, venv' 2>&1 | tail -3)"
echo "$PY"
