#!/bin/sh
# utils/soak.sh -- soak test: many idle connections and a steady writer,
# Runnel and Redis 7.0 side by side (not part of make test).
#
#   sh utils/soak.sh [SECONDS] [CONNS] [RATE]     (default 30 s, 10000, 1000/s)
#
# Each server gets CONNS idle clients (one PING each, then silence) and,
# for SECONDS, one writer doing RATE XADDs a second to a stream capped at
# ~10000 entries; INFO is sampled every second.  Prints per server: memory
# before and with the idle clients (bytes per client, used_memory and RSS),
# the peak during the run, the clients still connected (all of them must
# be), and the XADD round-trip latency p50 / p99 / p99.9 / max in
# microseconds.  Exits non-zero if a server dropped a client or a write
# failed.
#
# Environment: RUNNEL_SERVER (default src/runnel-server).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=utils/servers.sh
. "$here/servers.sh"
runnel=${RUNNEL_SERVER:-$root/src/runnel-server}
seconds=${1:-30}
conns=${2:-10000}
rate=${3:-1000}
for v in "$seconds" "$conns" "$rate"; do
    case "$v" in ''|*[!0-9]*) echo "usage: sh utils/soak.sh [SECONDS] [CONNS] [RATE]" >&2; exit 2 ;; esac
done
srv_bench_tmp soak || exit 2

# The servers raise their own descriptor limit up to the hard limit.
ulimit -n $((conns + 256)) 2>/dev/null || {
    echo "soak: cannot raise the open-file limit to $((conns + 256)) (run as root or lower CONNS)" >&2
    exit 2
}
cc -O2 -o "$tmp/soakload" "$here/soakload.c" "$here/benchlib.c" $(pkg-config --cflags --libs hiredis) || exit 2
srv_start_pair "$tmp" --maxclients $((conns + 100)) || exit 2

status=0
for s in runnel redis; do
    eval "port=\$${s}_port"
    echo "== $s: $conns idle clients, $rate XADD/s for $seconds s"
    if ! "$tmp/soakload" "$port" "$conns" "$seconds" "$rate" >"$tmp/$s.out" 2>"$tmp/$s.err"; then
        cat "$tmp/$s.err" >&2
        status=1
        continue
    fi
    tail -n 3 "$tmp/$s.err"
    tr ' ' '\n' <"$tmp/$s.out" | awk -F= -v conns="$conns" '
        { v[$1] = $2 }
        END {
            printf "  clients held:           %s (min %s during the run)\n", v["clients"], v["min_clients"]
            printf "  used_memory:            %.1f MB -> %.1f MB with the clients (%s B each), peak %.1f MB\n",
                v["used_before"] / 1048576, v["used_idle"] / 1048576, v["used_per_client"], v["peak_used"] / 1048576
            printf "  rss:                    %.1f MB -> %.1f MB (%s B per client), peak %.1f MB\n",
                v["rss_before"] / 1048576, v["rss_idle"] / 1048576, v["rss_per_client"], v["peak_rss"] / 1048576
            printf "  XADD latency (us):      p50 %s  p99 %s  p99.9 %s  max %s  (%s writes, %s/s)\n",
                v["p50_us"], v["p99_us"], v["p999_us"], v["max_us"], v["writes"], v["writes_per_s"]
            if (v["min_clients"] + 0 < conns + 0) exit 1
        }' || status=1
done
exit "$status"
