#!/bin/sh
# utils/bench-repl.sh -- replication, Runnel vs Redis 7.0 in one run.
#
#   sh utils/bench-repl.sh            (what `make bench-repl` runs)
#
# (a) full sync: a master holding one stream of 1M entries (3 fields, as
#     bench-rdb fills it); a fresh replica (empty dir, no persistence) is
#     started, then REPLICAOF; the time from REPLICAOF to the replica's
#     master_link_status:up with XLEN equal to the master's (the data is
#     loaded).  Pairs Runnel->Runnel, Redis->Redis and the mixed ones,
#     master-replica; disk-based (repl-diskless-sync no) and diskless (yes,
#     delay 0); replicas load as their default (repl-diskless-load
#     disabled: through a temp file).  Medians of BENCH_REPEAT runs.
# (b) lag under load: redis-benchmark XADD (50 clients, -P 16) against the
#     master of a same-server pair while utils/repllag.c samples both
#     offsets back to back; p50/p99/max of the lag in bytes and in ms.
# Ratios are Runnel's figure over Redis's (Runnel->Runnel over
# Redis->Redis for the syncs).
#
# Environment:
#   RUNNEL_SERVER   server binary (default: src/runnel-server)
#   BENCH_SCALE     percent of the entries (default 100; 10 for a quick run)
#   BENCH_REPEAT    syncs per pair and mode (default 3)
#   BENCH_ENTRIES   stream entries before scaling (default 1000000)
#   BENCH_VALUES    "repeated", "varied" (random sensor ids and readings), or
#                   both (default "repeated varied"), as bench-rdb
#   BENCH_LAG_N     XADDs of the lag run before scaling (default 2000000)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=utils/servers.sh
. "$here/servers.sh"
runnel=${RUNNEL_SERVER:-$root/src/runnel-server}
scale=${BENCH_SCALE:-100}
repeat=${BENCH_REPEAT:-3}
entries=${BENCH_ENTRIES:-1000000}
kinds=${BENCH_VALUES:-"repeated varied"}
lag_n=${BENCH_LAG_N:-2000000}
case "$scale" in ''|*[!0-9]*|0) echo "bench-repl: BENCH_SCALE must be a positive integer" >&2; exit 2 ;; esac
case "$repeat" in ''|*[!0-9]*|0) echo "bench-repl: BENCH_REPEAT must be a positive integer" >&2; exit 2 ;; esac
[ -x "$runnel" ] || { echo "bench-repl: $runnel is not built (make all)" >&2; exit 2; }

srv_bench_tmp brepl || exit 2
replica_pid=
trap 'srv_stop "$replica_pid"; srv_bench_cleanup' EXIT
cc -O2 -o "$tmp/repllag" "$here/repllag.c" "$here/benchlib.c" \
    $(pkg-config --cflags --libs hiredis) ||
    { echo "bench-repl: cannot build repllag (libhiredis-dev)" >&2; exit 2; }

scaled() { # scaled N MIN
    awk -v n="$1" -v s="$scale" -v m="$2" 'BEGIN { v = int(n * s / 100); print (v < m ? m : v) }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
now_s() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", b - a }'; }
info_val() { # info_val PORT FIELD
    redis-cli -p "$1" INFO replication | tr -d '\r' | sed -n "s/^$2://p"
}

fill() { # fill PORT KIND N KEY
    case "$2" in
    varied)
        redis-benchmark -p "$1" -n "$3" -c 8 -P 64 -q -r 1000000 XADD "$4" '*' \
            sensor s-__rand_int__ temp __rand_int__ status ok >/dev/null 2>&1 ;;
    *)
        redis-benchmark -p "$1" -n "$3" -c 8 -P 64 -q XADD "$4" '*' sensor s-1 temp 21.5 \
            status ok >/dev/null 2>&1 ;;
    esac
}

# start_replica KIND: a fresh replica (runnel|redis) in its own dir; sets
# replica_pid and replica_port.
start_replica() {
    rm -rf "$tmp/replica"
    mkdir -p "$tmp/replica"
    if [ "$1" = runnel ]; then
        srv_spawn "$tmp/replica.log" "$runnel" --port @PORT@ --dir "$tmp/replica" --save '' ||
            return 1
    else
        srv_spawn "$tmp/replica.log" "$SRV_ORACLE" --port @PORT@ --dir "$tmp/replica" \
            --save '' --appendonly no || return 1
    fi
    replica_pid=$SRV_PID
    replica_port=$SRV_PORT
}

# sync_time MASTER_PORT REPLICA_KIND LEN: seconds from REPLICAOF to link up
# with LEN entries in the replica's stream.
sync_time() {
    start_replica "$2" || { echo "bench-repl: replica did not start" >&2; exit 2; }
    _t0=$(now_s)
    redis-cli -p "$replica_port" REPLICAOF 127.0.0.1 "$1" >/dev/null
    _i=0
    while [ "$_i" -lt 60000 ]; do
        if [ "$(info_val "$replica_port" master_link_status)" = up ] &&
            [ "$(redis-cli -p "$replica_port" XLEN load)" = "$3" ]; then
            break
        fi
        sleep 0.01
        _i=$((_i + 1))
    done
    _t1=$(now_s)
    srv_stop "$replica_pid"
    replica_pid=
    elapsed "$_t0" "$_t1"
}

echo "(a) full sync, REPLICAOF to link up with the data loaded (master -> replica)"
printf '%-9s %-9s %-9s %12s %12s %12s %12s %8s\n' entries values mode \
    Runnel-Runnel Redis-Redis Runnel-Redis Redis-Runnel RR/DD
n=$(scaled "$entries" 10000)
for kind in $kinds; do
    srv_stop "$redis_pid"
    srv_stop "$runnel_pid"
    redis_pid=
    runnel_pid=
    rm -rf "$tmp/redis" "$tmp/runnel"
    # shellcheck disable=SC2154 # set by srv_start_pair
    srv_start_pair "$tmp" --save '' --repl-diskless-sync-delay 0 ||
        { echo "bench-repl: servers did not start" >&2; exit 2; }
    fill "$runnel_port" "$kind" "$n" load
    fill "$redis_port" "$kind" "$n" load
    len_runnel=$(redis-cli -p "$runnel_port" XLEN load)
    len_redis=$(redis-cli -p "$redis_port" XLEN load)
    for mode in disk diskless; do
        yes=no
        [ "$mode" = diskless ] && yes=yes
        redis-cli -p "$runnel_port" CONFIG SET repl-diskless-sync "$yes" >/dev/null
        redis-cli -p "$redis_port" CONFIG SET repl-diskless-sync "$yes" >/dev/null
        for pair in rr dd rd dr; do
            : >"$tmp/t.$pair"
        done
        i=0
        while [ "$i" -lt "$repeat" ]; do
            sync_time "$runnel_port" runnel "$len_runnel" >>"$tmp/t.rr"
            sync_time "$redis_port" redis "$len_redis" >>"$tmp/t.dd"
            sync_time "$runnel_port" redis "$len_runnel" >>"$tmp/t.rd"
            sync_time "$redis_port" runnel "$len_redis" >>"$tmp/t.dr"
            i=$((i + 1))
        done
        rr=$(median <"$tmp/t.rr")
        dd=$(median <"$tmp/t.dd")
        rd=$(median <"$tmp/t.rd")
        dr=$(median <"$tmp/t.dr")
        printf '%-9s %-9s %-9s %11ss %11ss %11ss %11ss %8s\n' "$n" "$kind" "$mode" \
            "$rr" "$dd" "$rd" "$dr" "$(ratio "$rr" "$dd")"
    done
done
srv_stop "$redis_pid"
srv_stop "$runnel_pid"
redis_pid=
runnel_pid=

echo
echo "(b) replication lag under XADD load (50 clients, -P 16), same-server pairs"
printf '%-8s %8s %10s %10s %10s %9s %9s %9s %8s\n' server samples p50_bytes p99_bytes \
    max_bytes p50_ms p99_ms max_ms ops/s
ln=$(scaled "$lag_n" 20000)
for kind in runnel redis; do
    rm -rf "$tmp/runnel" "$tmp/redis"
    srv_start_pair "$tmp" --save '' || { echo "bench-repl: servers did not start" >&2; exit 2; }
    if [ "$kind" = runnel ]; then
        mport=$runnel_port
    else
        mport=$redis_port
    fi
    start_replica "$kind" || { echo "bench-repl: replica did not start" >&2; exit 2; }
    redis-cli -p "$replica_port" REPLICAOF 127.0.0.1 "$mport" >/dev/null
    i=0
    while [ "$(info_val "$replica_port" master_link_status)" != up ] && [ "$i" -lt 3000 ]; do
        sleep 0.01
        i=$((i + 1))
    done
    redis-benchmark -p "$mport" -n "$ln" -c 50 -P 16 -q -r 1000000 XADD lag '*' \
        sensor s-__rand_int__ temp __rand_int__ >"$tmp/lag.bench" 2>&1 &
    bpid=$!
    lag=$("$tmp/repllag" "$mport" "$replica_port" "$bpid")
    wait "$bpid"
    ops=$(tr '\r' '\n' <"$tmp/lag.bench" | sed -n 's/.*XADD[^:]*: \([0-9.]*\) requests per second.*/\1/p' | tail -n 1)
    # shellcheck disable=SC2086 # lag is seven numbers
    set -- $lag
    printf '%-8s %8s %10s %10s %10s %9s %9s %9s %8s\n' "$kind" "$1" "$2" "$3" "$4" "$5" "$6" \
        "$7" "${ops:-?}"
    echo "$kind $lag" >>"$tmp/lag.all"
    srv_stop "$replica_pid"
    replica_pid=
    srv_stop "$redis_pid"
    srv_stop "$runnel_pid"
    redis_pid=
    runnel_pid=
done
awk '$1 == "runnel" { for (i = 2; i <= 8; i++) a[i] = $i }
     $1 == "redis"  { for (i = 2; i <= 8; i++) b[i] = $i }
     END { printf "%-8s %8s", "ratio", "";
           for (i = 3; i <= 8; i++) printf (i < 6 ? " %10s" : " %9s"), (b[i] > 0 ? sprintf("%.2f", a[i] / b[i]) : "n/a");
           printf "\n" }' "$tmp/lag.all"
