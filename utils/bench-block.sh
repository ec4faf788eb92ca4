#!/bin/sh
# utils/bench-block.sh -- blocking reads, Runnel vs Redis in one run.
#
# Wake latency: a producer XADDs to a key on which N readers block (N = 1,
# 100, 1000): time from XADD sent to each reader's reply, p50 and p99 (us).
# Ping-pong: a blocked reader and a writer, round trips per second.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=utils/servers.sh
. "$here/servers.sh"
runnel=${RUNNEL_SERVER:-$root/src/runnel-server}
srv_bench_tmp bblock || exit 2
cc -O2 -o "$tmp/blockbench" "$here/blockbench.c" "$here/benchlib.c" $(pkg-config --cflags --libs hiredis) || exit 2
# 10,000 readers and a few control connections on each server.
srv_start_pair "$tmp" --maxclients 10100 || exit 2

printf '%-22s %12s %12s %12s %12s\n' test "runnel p50" "runnel p99" "redis p50" "redis p99"
for spec in "1 200" "100 50" "1000 10" "10000 3"; do
    set -- $spec
    a=$("$tmp/blockbench" "$runnel_port" latency "$1" "$2") || exit 1
    b=$("$tmp/blockbench" "$redis_port" latency "$1" "$2") || exit 1
    set -- "$1" $a $b
    printf '%-22s %12s %12s %12s %12s\n' "wake N=$1 (us)" "$2" "$3" "$4" "$5"
done
for spec in "10 200" "10000 200"; do
    set -- $spec
    a=$("$tmp/blockbench" "$runnel_port" spread "$1" "$2") || exit 1
    b=$("$tmp/blockbench" "$redis_port" spread "$1" "$2") || exit 1
    set -- "$1" $a $b
    printf '%-22s %12s %12s %12s %12s\n' "1 of $1 keys (us)" "$2" "$3" "$4" "$5"
done
a=$("$tmp/blockbench" "$runnel_port" pingpong 3) || exit 1
b=$("$tmp/blockbench" "$redis_port" pingpong 3) || exit 1
printf '%-22s %12s %12s %12s\n' "ping-pong rt/s" "$a" "$b" \
    "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "ratio %.2f", a / b }')"
