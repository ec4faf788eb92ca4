#!/bin/sh
# utils/bench-rdb.sh -- RDB snapshots, Runnel vs Redis in one run (issue 11).
#
#   sh utils/bench-rdb.sh            (what `make bench-rdb` runs)
#
# For each size (1M and 10M stream entries, 3 fields each, in one stream):
#   SAVE     wall time of a foreground SAVE, as a client with an open
#            connection sees it (utils/cmdtime.c: starting a redis-cli per
#            SAVE would add ~15 ms of client start-up to both sides, a third
#            of a 1M-entry SAVE, and pull every ratio towards 1)
#   load     start-up load of that dump.rdb: the "DB loaded from disk: X
#            seconds" line both servers log
#   fork     the event loop's pause for BGSAVE's fork: INFO stats
#            latest_fork_usec after a BGSAVE
# Targets (issue 11): SAVE and load <= 1.0x Redis's time; the fork pause is
# reported for both.  Medians of BENCH_REPEAT runs.
#
# Environment:
#   RUNNEL_SERVER   server binary (default: src/runnel-server)
#   BENCH_SCALE     percent of the entries (default 100; 10 for a quick run)
#   BENCH_REPEAT    runs per server and row (default 3)
#   BENCH_SIZES     entry counts before scaling (default "1000000 10000000")
#   BENCH_VALUES    "repeated" (every entry the same fields and values, which
#                   listpacks and Runnel's loader/saver take as runs), "varied"
#                   (random sensor ids and readings: -r 1000000 __rand_int__),
#                   or both (default "repeated varied")
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=utils/servers.sh
. "$here/servers.sh"
runnel=${RUNNEL_SERVER:-$root/src/runnel-server}
scale=${BENCH_SCALE:-100}
repeat=${BENCH_REPEAT:-3}
sizes=${BENCH_SIZES:-"1000000 10000000"}
kinds=${BENCH_VALUES:-"repeated varied"}
case "$scale" in ''|*[!0-9]*|0) echo "bench-rdb: BENCH_SCALE must be a positive integer" >&2; exit 2 ;; esac
case "$repeat" in ''|*[!0-9]*|0) echo "bench-rdb: BENCH_REPEAT must be a positive integer" >&2; exit 2 ;; esac
[ -x "$runnel" ] || { echo "bench-rdb: $runnel is not built (make all)" >&2; exit 2; }

srv_bench_tmp brdb || exit 2
cc -O2 -o "$tmp/cmdtime" "$here/cmdtime.c" "$here/benchlib.c" || exit 2

scaled() { # scaled N MIN
    awk -v n="$1" -v s="$scale" -v m="$2" 'BEGIN { v = int(n * s / 100); print (v < m ? m : v) }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# save_time PORT: seconds a SAVE takes, seen from an open connection.
save_time() {
    "$tmp/cmdtime" "$1" 1 SAVE | awk '{ printf "%.4f\n", $1 / 1e6 }'
}

# fork_usec PORT: BGSAVE, wait for it, then INFO's latest_fork_usec.
fork_usec() {
    redis-cli -p "$1" BGSAVE >/dev/null
    _i=0
    while [ "$_i" -lt 6000 ]; do
        redis-cli -p "$1" INFO persistence | grep -q '^rdb_bgsave_in_progress:0' && break
        sleep 0.05
        _i=$((_i + 1))
    done
    redis-cli -p "$1" INFO stats | tr -d '\r' | sed -n 's/^latest_fork_usec://p'
}

load_secs() { # load_secs LOG
    sed -n 's/.*DB loaded from disk: \([0-9.]*\) seconds.*/\1/p' "$1" | tail -n 1
}

printf '%-10s %-9s %-6s %12s %12s %8s\n' entries values what Runnel Redis ratio
for kind in $kinds; do
for size in $sizes; do
    n=$(scaled "$size" 10000)
    srv_stop "$redis_pid"
    srv_stop "$runnel_pid"
    redis_pid=
    runnel_pid=
    rm -rf "$tmp/redis" "$tmp/runnel"
    # shellcheck disable=SC2154 # set by srv_start_pair
    srv_start_pair "$tmp" --save '' || { echo "bench-rdb: servers did not start" >&2; exit 2; }
    for port in "$runnel_port" "$redis_port"; do
        case "$kind" in
        varied)
            redis-benchmark -p "$port" -n "$n" -c 8 -P 64 -q -r 1000000 XADD load '*' \
                sensor s-__rand_int__ temp __rand_int__ status ok >/dev/null 2>&1 ;;
        *)
            redis-benchmark -p "$port" -n "$n" -c 8 -P 64 -q XADD load '*' sensor s-1 temp 21.5 \
                status ok >/dev/null 2>&1 ;;
        esac
    done
    ln_runnel=$(redis-cli -p "$runnel_port" XLEN load)
    ln_redis=$(redis-cli -p "$redis_port" XLEN load)
    # redis-benchmark rounds -n up to whole pipelines: compare the two.
    [ "$ln_runnel" = "$ln_redis" ] ||
        echo "bench-rdb: filled $ln_runnel (Runnel) and $ln_redis (Redis) entries" >&2

    : >"$tmp/s.runnel"
    : >"$tmp/s.redis"
    : >"$tmp/f.runnel"
    : >"$tmp/f.redis"
    i=0
    while [ "$i" -lt "$repeat" ]; do
        save_time "$runnel_port" >>"$tmp/s.runnel"
        save_time "$redis_port" >>"$tmp/s.redis"
        fork_usec "$runnel_port" >>"$tmp/f.runnel"
        fork_usec "$redis_port" >>"$tmp/f.redis"
        i=$((i + 1))
    done
    redis-cli -p "$runnel_port" SAVE >/dev/null
    redis-cli -p "$redis_port" SAVE >/dev/null
    size_runnel=$(wc -c <"$tmp/runnel/dump.rdb")
    size_redis=$(wc -c <"$tmp/redis/dump.rdb")
    srv_stop "$runnel_pid"
    srv_stop "$redis_pid"
    runnel_pid=
    redis_pid=

    : >"$tmp/l.runnel"
    : >"$tmp/l.redis"
    i=0
    while [ "$i" -lt "$repeat" ]; do
        # Loading 10M entries takes more than srv_spawn's usual 10 s on a
        # busy machine: wait up to 5 minutes for each server's PONG.
        SRV_WAIT_TENTHS=3000 srv_spawn "$tmp/runnel-load.log" "$runnel" --port @PORT@ \
            --dir "$tmp/runnel" --save '' ||
            { echo "bench-rdb: Runnel did not load $n entries" >&2; exit 2; }
        runnel_pid=$SRV_PID
        srv_stop "$runnel_pid"
        runnel_pid=
        load_secs "$tmp/runnel-load.log" >>"$tmp/l.runnel"
        SRV_WAIT_TENTHS=3000 srv_spawn "$tmp/redis-load.log" "$SRV_ORACLE" --port @PORT@ \
            --dir "$tmp/redis" --save '' --appendonly no ||
            { echo "bench-rdb: Redis did not load $n entries" >&2; exit 2; }
        redis_pid=$SRV_PID
        srv_stop "$redis_pid"
        redis_pid=
        load_secs "$tmp/redis-load.log" >>"$tmp/l.redis"
        i=$((i + 1))
    done

    a=$(median <"$tmp/s.runnel")
    b=$(median <"$tmp/s.redis")
    printf '%-10s %-9s %-6s %11ss %11ss %8s\n' "$n" "$kind" SAVE "$a" "$b" "$(ratio "$a" "$b")"
    a=$(median <"$tmp/l.runnel")
    b=$(median <"$tmp/l.redis")
    printf '%-10s %-9s %-6s %11ss %11ss %8s\n' "$n" "$kind" load "$a" "$b" "$(ratio "$a" "$b")"
    a=$(median <"$tmp/f.runnel")
    b=$(median <"$tmp/f.redis")
    printf '%-10s %-9s %-6s %10sus %10sus %8s\n' "$n" "$kind" fork "$a" "$b" "$(ratio "$a" "$b")"
    printf '%-10s %-9s %-6s %12s %12s %8s\n' "$n" "$kind" bytes "$size_runnel" "$size_redis" \
        "$(ratio "$size_runnel" "$size_redis")"
done
done
