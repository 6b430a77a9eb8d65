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

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { echo "error: $*" >&2; exit 1; }

works() {
    [ -x "$PYPY" ] && "$PYPY" -c "import sys, hpy.universal; assert sys.pypy_version_info[:3] == tuple(map(int, '$WANT_VERSION'.split('.')))" 2>/dev/null
}

if works; then
    echo "$PYPY"
    exit 0
fi

[ "$(uname -m)" = x86_64 ] || die "the PyPy provisioning script supports x86_64 only; set HPY_RS_PYPY to a PyPy 3.11 with HPy 0.9"
command -v dpkg-deb >/dev/null || die "dpkg-deb not found: this script needs a Debian-based system (or set HPY_RS_PYPY)"
if ! command -v patchelf >/dev/null; then
    [ "$(id -u)" = 0 ] || die "patchelf is missing: sudo apt-get install patchelf (or set HPY_RS_PYPY)"
    say "apt-get install patchelf"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq patchelf >/dev/null 2>&1 \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq patchelf >/dev/null; }
fi

# The mirror apt already uses on this machine.
mirror=""
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
fi
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
    mirror=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) {print $i; exit}}' /etc/apt/sources.list)
fi
[ -n "$mirror" ] || die "cannot find a Debian mirror in /etc/apt/sources.list(.d); set HPY_RS_PYPY"

say "downloading PyPy $WANT_VERSION (Debian trixie) into target/pypy"
APT="$CACHE/apt"
rm -rf "$APT" "$PREFIX"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/debs" "$PREFIX"
echo "deb $mirror trixie main" > "$APT/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
          -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache"
          -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
apt-get "${apt_opts[@]}" update -qq >&2 || die "apt-get update for trixie failed"
version=$(apt-cache "${apt_opts[@]}" show pypy3 2>/dev/null | awk '/^Version:/ {print $2; exit}')
case "$version" in
    "$WANT_VERSION"*) ;;
    *) die "Debian trixie offers pypy3 '$version', not $WANT_VERSION; set HPY_RS_PYPY to a PyPy 3.11 with HPy 0.9" ;;
esac
(cd "$APT/debs" && apt-get "${apt_opts[@]}" download "${PACKAGES[@]}" >&2) || die "downloading the trixie packages failed"
for deb in "$APT"/debs/*.deb; do
    dpkg-deb -x "$deb" "$PREFIX"
done

LIBDIR="$PREFIX/usr/lib/x86_64-linux-gnu"
# Debian's pypy3 installs the interpreter as a symlink into /usr/lib/pypy3.11.
real=$(readlink -f "$PYPY")
case "$real" in
    "$PREFIX"/*) ;;
    *) real="$PREFIX$(readlink "$PYPY")"; ln -sf "$real" "$PYPY" ;;
esac
patchelf --set-interpreter "$LIBDIR/ld-linux-x86-64.so.2" --set-rpath "$LIBDIR" "$real"
find "$PREFIX/usr/lib" \( -name 'libpypy3.11-c.so*' -o -path '*/pypy3.11/*.so' \) -type f -print0 |
    while IFS= read -r -d '' so; do patchelf --set-rpath "$LIBDIR" "$so"; done

works || die "the unpacked PyPy does not run: $("$PYPY" -c 'import hpy.universal' 2>&1 | tail -3)"
echo "$PYPY"
