#!/bin/sh
# utils/bench-aof.sh -- the append-only file, Runnel vs Redis in one run (issue 10).
#
#   sh utils/bench-aof.sh            (what `make bench-aof` runs)
#
# 1. XADD throughput with 50 clients, pipeline 1, appendonly yes, for
#    appendfsync always (group commit must show: target >= 1.5x Redis) and
#    everysec (target >= 1.0x).  Each row is measured by two load
#    generators against both servers, alternating (the order flips every
#    repeat so drift in the machine's load hits both alike), BENCH_REPEAT
#    times; medians, and the spread (max - min) / median of the worse side.
#    Why two: redis-benchmark is single-threaded and costs ~18 us of CPU per
#    request on loopback, so on a 2-core machine it saturates its core near
#    50k XADD/s while either server still has CPU to spare (everysec: client
#    ~95%, servers ~65-70%); its ratio then measures the client, not the
#    server.  utils/xaddbench.c sends the same command with the same
#    concurrency at less than half that cost per request (no allocation, one
#    read per ready connection, one epoll loop), so the server saturates
#    first and the ratio is the servers'.  redis-benchmark stays for
#    comparability with earlier figures and with Redis's own numbers.
# 2. Start-up load of an AOF holding 1M XADDs: both servers fill their own
#    AOF (appendfsync no), are stopped, then started again; the time is the
#    "DB loaded from append only file: X seconds" line both servers log
#    (target <= 1.0x Redis).
#
# Environment:
#   RUNNEL_SERVER   server binary (default: src/runnel-server)
#   BENCH_SCALE     percent of requests and entries (default 100; 10 for a
#                   quick smoke run)
#   BENCH_REPEAT    runs per server and row (default 3)
#   BENCH_ONLY      xadd | load: run only that part
#
# Pinning (taskset) is deliberately not done: on 2 cores it only moves the
# bottleneck around, and another job on the machine would then hit one side.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=utils/servers.sh
. "$here/servers.sh"
runnel=${RUNNEL_SERVER:-$root/src/runnel-server}
scale=${BENCH_SCALE:-100}
repeat=${BENCH_REPEAT:-3}
only=${BENCH_ONLY:-}
case "$scale" in ''|*[!0-9]*|0) echo "bench-aof: BENCH_SCALE must be a positive integer" >&2; exit 2 ;; esac
case "$repeat" in ''|*[!0-9]*|0) echo "bench-aof: BENCH_REPEAT must be a positive integer" >&2; exit 2 ;; esac
[ -x "$runnel" ] || { echo "bench-aof: $runnel is not built (make all)" >&2; exit 2; }

srv_bench_tmp baof || exit 2

scaled() { # scaled N MIN
    awk -v n="$1" -v s="$scale" -v m="$2" 'BEGIN { v = int(n * s / 100); print (v < m ? m : v) }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# rb_rps PORT N: requests per second of XADD with 3 fields, redis-benchmark.
rb_rps() {
    redis-benchmark -p "$1" -n "$2" -c 50 -P 1 -q \
        XADD bench '*' sensor s-1 temp 21.5 status ok 2>/dev/null |
        tr '\r' '\n' | sed -n 's/.*: \([0-9.]*\) requests per second.*/\1/p' | tail -n 1
}

# xb_rps PORT N NAME: the same with xaddbench (its own key; it checks that
# XLEN grew by the XADDs it counted, and fails on any error reply).
xb_rps() {
    _xb_out=$("$tmp/xaddbench" -c 50 -n "$2" "$1") || {
        echo "bench-aof: xaddbench against $3 failed: $_xb_out" >&2
        exit 1
    }
    echo "$_xb_out" | awk '{ print $2 }'
}

# spread FILE...: the largest (max - min) / median over the files, percent.
spread() {
    for _f in "$@"; do
        sort -n "$_f" | awk '{ v[NR] = $1 } END {
            m = v[int((NR + 1) / 2)]; if (m > 0) printf "%.0f\n", (v[NR] - v[1]) * 100 / m; else print 0 }'
    done | sort -n | tail -n 1
}

start_pair() { # start_pair NAME ARG...: fresh dirs, both servers
    _name=$1
    shift
    srv_stop "$redis_pid"
    srv_stop "$runnel_pid"
    rm -rf "$tmp/redis" "$tmp/runnel"
    srv_start_pair "$tmp" "$@" || { echo "bench-aof: $_name: servers did not start" >&2; exit 2; }
}

if [ -z "$only" ] || [ "$only" = xadd ]; then
    cc -O2 -o "$tmp/xaddbench" "$here/xaddbench.c" "$here/benchlib.c" -lpthread || exit 2
    n=$(scaled 200000 2000)
    echo "XADD, 50 clients, pipeline 1, $n requests per run, appendonly yes (medians of $repeat)"
    row() { printf '  %-11s %-16s %12s %12s %7s %7s\n' "$@"; }
    row appendfsync client "Runnel rps" "Redis rps" ratio spread
    for policy in always everysec; do
        # shellcheck disable=SC2154 # set by srv_start_pair
        start_pair "$policy" --appendonly yes --appendfsync "$policy" --aof-use-rdb-preamble no
        for f in rb.runnel rb.redis xb.runnel xb.redis; do : >"$tmp/$f"; done
        i=0
        while [ "$i" -lt "$repeat" ]; do
            if [ $((i % 2)) -eq 0 ]; then order="runnel redis"; else order="redis runnel"; fi
            for gen in rb xb; do
                for srv in $order; do
                    if [ "$srv" = runnel ]; then port=$runnel_port; else port=$redis_port; fi
                    "${gen}_rps" "$port" "$n" "$srv" >>"$tmp/$gen.$srv"
                done
            done
            i=$((i + 1))
        done
        for gen in rb xb; do
            a=$(median <"$tmp/$gen.runnel")
            b=$(median <"$tmp/$gen.redis")
            if [ "$gen" = rb ]; then name=redis-benchmark; else name=xaddbench; fi
            row "$policy" "$name" "$a" "$b" "$(ratio "$a" "$b")" \
                "$(spread "$tmp/$gen.runnel" "$tmp/$gen.redis")%"
        done
    done
fi

if [ -z "$only" ] || [ "$only" = load ]; then
    n=$(scaled 1000000 10000)
    echo "Start-up load of an AOF with $n XADDs (3 fields), seconds (medians of $repeat)"
    start_pair load --appendonly yes --appendfsync no --aof-use-rdb-preamble no
    for port in "$runnel_port" "$redis_port"; do
        redis-benchmark -p "$port" -n "$n" -c 8 -P 64 -q XADD load '*' sensor s-1 temp 21.5 \
            status ok >/dev/null 2>&1
    done
    ln_runnel=$(redis-cli -p "$runnel_port" xlen load)
    ln_redis=$(redis-cli -p "$redis_port" xlen load)
    srv_stop "$runnel_pid"
    srv_stop "$redis_pid"
    runnel_pid=
    redis_pid=
    : >"$tmp/l.runnel"
    : >"$tmp/l.redis"
    i=0
    while [ "$i" -lt "$repeat" ]; do
        srv_spawn "$tmp/runnel-load.log" "$runnel" --port @PORT@ --dir "$tmp/runnel" \
            --appendonly yes --appendfsync no || exit 2
        runnel_pid=$SRV_PID
        srv_stop "$runnel_pid"
        runnel_pid=
        sed -n 's/.*DB loaded from append only file: \([0-9.]*\) seconds.*/\1/p' \
            "$tmp/runnel-load.log" | tail -n 1 >>"$tmp/l.runnel"
        srv_spawn "$tmp/redis-load.log" "$SRV_ORACLE" --port @PORT@ --dir "$tmp/redis" \
            --appendonly yes --appendfsync no --save '' || exit 2
        redis_pid=$SRV_PID
        srv_stop "$redis_pid"
        redis_pid=
        sed -n 's/.*DB loaded from append only file: \([0-9.]*\) seconds.*/\1/p' \
            "$tmp/redis-load.log" | tail -n 1 >>"$tmp/l.redis"
        i=$((i + 1))
    done
    a=$(median <"$tmp/l.runnel")
    b=$(median <"$tmp/l.redis")
    printf '  entries: Runnel %s, Redis %s\n' "$ln_runnel" "$ln_redis"
    printf '  %-10s %14s %14s %8s\n' load "Runnel s" "Redis s" "ratio"
    printf '  %-10s %14s %14s %8s\n' aof "$a" "$b" "$(ratio "$a" "$b")"
fi
