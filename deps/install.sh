#!/bin/sh
# deps/install.sh -- install the Debian packages Runnel needs, if missing.
#
#   sh deps/install.sh build        compiler, make, pkg-config, libevent, jemalloc
#   sh deps/install.sh test         hiredis, Check, redis-tools (the oracle)
#   sh deps/install.sh build test   both
#
# As root it runs apt-get; otherwise it prints the exact apt-get line and
# fails, so nothing is installed behind anybody's back.  The redis-server
# package is deliberately not installed: it starts a system service on port
# 6379.  The oracle is redis-tools' redis-check-rdb, which is the whole Redis
# server and runs as one when started under the name redis-server.
set -eu

need=""
for group in "$@"; do
    case "$group" in
    build) pkgs="gcc make pkg-config libevent-dev libjemalloc-dev" ;;
    test)  pkgs="libhiredis-dev check redis-tools" ;;
    fuzz)  pkgs="clang" ;;
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
