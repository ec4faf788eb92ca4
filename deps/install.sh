#!/bin/sh
# deps/install.sh -- install the Debian packages Runnel needs, if missing.
#
#   sh deps/install.sh build        compiler, C library headers, make, pkg-config, libevent, jemalloc
#   sh deps/install.sh test         hiredis, Check, redis-tools (the oracle), python3-minimal
#   sh deps/install.sh build test   both
#   sh deps/install.sh fuzz         clang and its libFuzzer runtime
#   sh deps/install.sh clients      the client suite's runtimes (redis-compat/clients/):
#                                   Go and redigo, python3-redis, Node.js and npm
#                                   (when no node/npm is on PATH), then `npm ci` in
#                                   redis-compat/clients/node when node_modules is missing
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
npm_ci=0
for group in "$@"; do
    case "$group" in
    build) pkgs="gcc libc6-dev make pkg-config libevent-dev libjemalloc-dev" ;;
    test)  pkgs="libhiredis-dev check redis-tools python3-minimal" ;;
    fuzz)  pkgs="clang libclang-rt-dev" ;;
    clients)
        # redigo is built in GOPATH mode from Debian's source package;
        # python3-redis is redis-py 4.3 for Debian's /usr/bin/python3.  A
        # machine may already have Node (e.g. NodeSource's nodejs, which
        # carries npm): then neither Debian package is wanted.
        pkgs="golang-go golang-github-gomodule-redigo-dev python3-redis"
        command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
        command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
        npm_ci=1 ;;
    *) echo "deps/install.sh: unknown group '$group' (build, test, fuzz, clients)" >&2; exit 2 ;;
    esac
    for p in $pkgs; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            need="$need $p"
        fi
    done
done

# The node clients' packages, exactly as package-lock.json pins them, into
# the repository (not the system): needs node and npm, so after apt-get.
npm_ci() {
    [ "$npm_ci" = 1 ] || return 0
    dir=$(cd "$(dirname "$0")/.." && pwd)/redis-compat/clients/node
    [ -d "$dir/node_modules" ] && return 0
    echo "deps: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
}

[ -z "$need" ] && { npm_ci; exit $?; }

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
npm_ci
