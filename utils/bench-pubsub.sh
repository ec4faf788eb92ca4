#!/bin/sh
# utils/bench-pubsub.sh -- PUBLISH fan-out, Runnel vs Redis in one run.
#
# One publisher pipelines PUBLISH to a channel with N subscribers (N = 1, 10,
# 100); messages delivered per second, summed over the subscribers, for each
# server and their ratio (Runnel / Redis; the target is >= 1.0).
#   SECONDS_PER_RUN=3 MSGBYTES=16 sh utils/bench-pubsub.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=utils/servers.sh
. "$here/servers.sh"
runnel=${RUNNEL_SERVER:-$root/src/runnel-server}
secs=${SECONDS_PER_RUN:-3}
bytes=${MSGBYTES:-16}
srv_bench_tmp bpubsub || exit 2
cc -O2 -o "$tmp/pubsubbench" "$here/pubsubbench.c" "$here/benchlib.c" || exit 2
srv_start_pair "$tmp" || exit 2

printf '%-26s %14s %14s %8s\n' "test (${bytes}-byte msgs)" "runnel msg/s" "redis msg/s" ratio
for n in 1 10 100; do
    a=$("$tmp/pubsubbench" "$runnel_port" "$n" "$secs" "$bytes") || exit 1
    b=$("$tmp/pubsubbench" "$redis_port" "$n" "$secs" "$bytes") || exit 1
    printf '%-26s %14s %14s %8s\n' "PUBLISH to $n subscriber(s)" "$a" "$b" \
        "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"
done
