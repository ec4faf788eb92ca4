#!/bin/sh
# utils/bench-memory.sh -- bytes per stream entry, Runnel vs Redis.
#
#   sh utils/bench-memory.sh [COUNT]      (default 1000000 entries)
#
# Starts both servers (persistence off on Redis), loads COUNT entries of
# the IoT shape and then of the job shape with utils/streamload.c (fixed
# seed: both servers get identical commands), and reports used_memory
# growth per entry on each and the ratio Runnel/Redis.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=utils/servers.sh
. "$here/servers.sh"
count=${1:-1000000}
runnel=${RUNNEL_SERVER:-$root/src/runnel-server}
srv_bench_tmp mem || exit 2

cc -O2 -o "$tmp/streamload" "$here/streamload.c" $(pkg-config --cflags --libs hiredis) || exit 2
srv_start_pair "$tmp" || exit 2

used() {
    redis-cli -p "$1" info memory | tr -d '\r' | sed -n 's/^used_memory:\([0-9]*\)$/\1/p'
}

printf '%-8s %10s %16s %16s %8s\n' shape entries "runnel B/entry" "redis B/entry" ratio
for shape in iot job; do
    line=$shape
    for port in "$runnel_port" "$redis_port"; do
        before=$(used "$port")
        "$tmp/streamload" 127.0.0.1 "$port" "mem:$shape" "$count" "$shape" 7 || exit 1
        after=$(used "$port")
        line="$line $(awk -v a="$after" -v b="$before" -v n="$count" 'BEGIN { printf "%.1f", (a - b) / n }')"
    done
    set -- $line
    printf '%-8s %10s %16s %16s %8s\n' "$1" "$count" "$2" "$3" \
        "$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.2f", a / b }')"
done
