#!/bin/sh
# deps/install.sh -- install the Debian packages Runnel needs, if missing.
#
#   sh deps/install.sh build        compiler, C library headers, make, pkg-config, libevent, jemalloc
#   sh deps/install.sh test         hiredis, Check, redis-tools (the oracle), python3-minimal
#   sh deps/install.sh build test   both
#   sh deps/install.sh fuzz         clang and its libFuzzer runtime
#
# As root it runs apt-get; otherwise it prints the exact apt-get line and
# fails, so nothing is installed behind anybody's back.  The redis-server
# package is deliberately not installed: it starts a system service on port
# 6379.  The oracle is redis-tools' redis-check-rdb, which is the whole Redis
# server and runs as one when started under the name redis-server.
#
# apt-get runs with --no-install-recommends, so every package that is only
# *recommended* by another must be named here: gcc only recommends libc6-dev
# (without it: "errno.h: No such file or directory"), libclang-common only
# recommends the libFuzzer runtime (libclang-rt-dev).  Everything else the
# build and the test scripts call (sh, sed, grep, mktemp, tee, od, timeout,
# rm) is in Debian's minimal base system.  python3-minimal lets
# utils/servers.sh ask the kernel for a free port (bind to port 0) instead of
# guessing one.  utils/fresh-check.sh checks the whole list on a minimal
# Debian 12 (debootstrap --variant=minbase plus make and git).
set -eu

need=""
for group in "$@"; do
    case "$group" in
    build) pkgs="gcc libc6-dev make pkg-config libevent-dev libjemalloc-dev" ;;
    test)  pkgs="libhiredis-dev check redis-tools python3-minimal" ;;
    fuzz)  pkgs="clang libclang-rt-dev" ;;
    *) echo "deps/install.sh: unknown group '$group' (build, test, fuzz)" >&2; exit 2 ;;
    esac
    for p in $pkgs; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            need="$need $p"
        fi
    done
done

[ -z "$need" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "Runnel needs these Debian packages:$need" >&2
    echo "Install them with:" >&2
    echo "    sudo apt-get install -y$need" >&2
    exit 1
fi

echo "deps: installing$need"
export DEBIAN_FRONTEND=noninteractive
# The package lists may be empty or stale on a fresh machine.
apt-get update -qq || apt-get update
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $need
