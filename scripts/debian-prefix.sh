# Sourced by pypy.sh and cpython.sh: unpacks packages of a newer Debian suite into a private
# prefix under target/ (nothing on the system changes) and points its programs at that suite's
# loader and libraries with patchelf.
#
#   debian_prefix_init DIR SUITE   sets APT_OPTS (a private apt configuration in DIR/apt, using
#                                  the mirror this machine's apt already uses) and runs update
#   debian_prefix_version PACKAGE  the version SUITE offers
#   debian_prefix_unpack PREFIX PACKAGE...   downloads the packages and unpacks them
#   debian_prefix_patch PREFIX FILE...       sets the loader (executables) and the library path
#   debian_prefix_fix PREFIX PROGRAM PATTERN...  keeps PROGRAM (which Debian may make a symlink
#                                  to an absolute path) inside the prefix, and patches it and the
#                                  files under PREFIX/usr/lib whose path matches a PATTERN
#   debian_prefix_reuse PROGRAM    prints PROGRAM and exits if the caller's `works` says it runs

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { echo "error: $*" >&2; exit 1; }

debian_prefix_init() {
    local dir="$1" suite="$2" mirror=""
    [ "$(uname -m)" = x86_64 ] || die "provisioning from Debian's archive supports x86_64 only"
    command -v dpkg-deb >/dev/null || die "dpkg-deb not found: this needs a Debian-based system"
    if ! command -v patchelf >/dev/null; then
        [ "$(id -u)" = 0 ] || die "patchelf is missing: sudo apt-get install patchelf"
        say "apt-get install patchelf"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq patchelf >/dev/null 2>&1 \
            || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq patchelf >/dev/null; }
    fi
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
    fi
    if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
        mirror=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) {print $i; exit}}' /etc/apt/sources.list)
    fi
    [ -n "$mirror" ] || die "cannot find a Debian mirror in /etc/apt/sources.list(.d)"
    DEBIAN_APT="$dir/apt"
    rm -rf "$DEBIAN_APT"
    mkdir -p "$DEBIAN_APT/lists/partial" "$DEBIAN_APT/cache/archives/partial" "$DEBIAN_APT/debs"
    echo "deb $mirror $suite main" > "$DEBIAN_APT/sources.list"
    APT_OPTS=(-o "Dir::Etc::SourceList=$DEBIAN_APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
              -o "Dir::State::Lists=$DEBIAN_APT/lists" -o "Dir::Cache=$DEBIAN_APT/cache"
              -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
    apt-get "${APT_OPTS[@]}" update -qq >&2 || die "apt-get update for Debian $suite failed"
}

debian_prefix_version() {
    apt-cache "${APT_OPTS[@]}" show "$1" 2>/dev/null | awk '/^Version:/ {print $2; exit}'
}

debian_prefix_unpack() {
    local prefix="$1"
    shift
    rm -rf "$prefix"
    mkdir -p "$prefix"
    (cd "$DEBIAN_APT/debs" && apt-get "${APT_OPTS[@]}" download "$@" >&2) \
        || die "downloading the packages failed: $*"
    for deb in "$DEBIAN_APT"/debs/*.deb; do
        dpkg-deb -x "$deb" "$prefix"
    done
}

debian_prefix_patch() {
    local prefix="$1" libdir="$1/usr/lib/x86_64-linux-gnu" f
    shift
    for f in "$@"; do
        if patchelf --print-interpreter "$f" >/dev/null 2>&1; then
            patchelf --set-interpreter "$libdir/ld-linux-x86-64.so.2" --set-rpath "$libdir" "$f"
        else
            patchelf --set-rpath "$libdir" "$f"
        fi
    done
}

debian_prefix_fix() {
    local prefix="$1" program="$2" real p libs
    shift 2
    real=$(readlink -f "$program")
    case "$real" in
        "$prefix"/*) ;;
        *) real="$prefix$(readlink "$program")"; ln -sf "$real" "$program" ;;
    esac
    local match=()
    for p in "$@"; do match+=(-o -path "$p"); done
    mapfile -d '' libs < <(find "$prefix/usr/lib" \( "${match[@]:1}" \) -type f -print0)
    debian_prefix_patch "$prefix" "$real" "${libs[@]}"
}

debian_prefix_reuse() {
    if works; then
        echo "$1"
        exit 0
    fi
}
