#!/bin/sh
# utils/bench.sh -- redis-benchmark against Runnel and Redis, side by side.
#
#   sh utils/bench.sh                  (what `make bench` runs)
#
# Starts Runnel (src/runnel-server) and the Redis 7.0 oracle on free ports,
# each in its own temp dir with persistence off, then runs the same
# redis-benchmark load against each, row by row (Runnel first, then Redis),
# and prints ops/s for both and the ratio Runnel/Redis.
#
# Environment:
#   RUNNEL_SERVER   server binary (default: src/runnel-server)
#   BENCH_CLIENTS   parallel connections (default 50)
#   BENCH_SCALE     percent of each row's request count (default 100; use
#                   10 for a quick smoke run)
#   BENCH_ONLY      run only rows whose name contains this text
#   BENCH_REPEAT    runs per row and server, alternating (default 1); the
#                   table shows the median, which steadies noisy machines
#   BENCH_ROWS_FILE extra rows, one per line, in the format below
#
# Rows: NAME|REQUESTS|ARGS.  ARGS go to redis-benchmark after -h -p -c -n
# --csv; they are split on whitespace with globbing off (so * is passed
# through, as XADD needs), and cannot contain quoted spaces.  A row either
# selects a built-in test (-t ping_mbulk) or gives a command (ECHO hello).
# REQUESTS is chosen so a row takes 2-3 s on a small machine.
set -u

BENCH_ROWS='
PING_INLINE -P1|150000|-t ping_inline -P 1
PING_MBULK -P1|150000|-t ping_mbulk -P 1
ECHO -P1|150000|-P 1 ECHO hello
PING_INLINE -P16|1500000|-t ping_inline -P 16
PING_MBULK -P16|1500000|-t ping_mbulk -P 16
ECHO -P16|1500000|-P 16 ECHO hello
XADD -P1|150000|-P 1 XADD bench:xadd * device_id sensor-1 val 24.5 ts 1618590100
XADD -P16|1500000|-P 16 XADD bench:xadd * device_id sensor-1 val 24.5 ts 1618590100
XRANGE COUNT 100|40000|-P 1 XRANGE bench:range - + COUNT 100
XREVRANGE COUNT 100|40000|-P 1 XREVRANGE bench:range + - COUNT 100
'

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=utils/servers.sh
. "$here/servers.sh"

runnel=${RUNNEL_SERVER:-$root/src/runnel-server}
clients=${BENCH_CLIENTS:-50}
scale=${BENCH_SCALE:-100}
only=${BENCH_ONLY:-}
repeat=${BENCH_REPEAT:-1}
case "$repeat" in ''|*[!0-9]*|0) echo "bench: BENCH_REPEAT must be a positive integer" >&2; exit 2 ;; esac

[ -x "$runnel" ] || { echo "bench: $runnel is not built (make all)" >&2; exit 2; }
command -v redis-benchmark >/dev/null 2>&1 ||
    { echo "bench: redis-benchmark missing (install redis-tools)" >&2; exit 2; }

rows=$BENCH_ROWS
if [ -n "${BENCH_ROWS_FILE:-}" ]; then
    rows="$rows
$(cat "$BENCH_ROWS_FILE")" || exit 2
fi

srv_bench_tmp bench || exit 2

mkdir -p "$tmp/runnel" "$tmp/redis"
srv_oracle_link "$tmp" || exit 2
srv_spawn "$tmp/redis.log" "$SRV_ORACLE" --port @PORT@ --save '' \
    --appendonly no --dir "$tmp/redis" || {
    echo "bench: redis-server did not start" >&2
    srv_log_tail "$tmp/redis.log" >&2
    exit 2
}
redis_pid=$SRV_PID
redis_port=$SRV_PORT
# Runnel has no persistence yet, so nothing to turn off; once it has,
# pass its "off" options here as Redis's are above.
srv_spawn "$tmp/runnel.log" "$runnel" --port @PORT@ --dir "$tmp/runnel" || {
    echo "bench: $runnel did not start" >&2
    srv_log_tail "$tmp/runnel.log" >&2
    exit 2
}
runnel_pid=$SRV_PID
runnel_port=$SRV_PORT

# Run one row against one port; print ops/s, or "error".
bench_one() {
    _bo_port=$1
    _bo_n=$2
    _bo_args=$3
    set -f
    # shellcheck disable=SC2086
    _bo_out=$(redis-benchmark -h 127.0.0.1 -p "$_bo_port" -c "$clients" -n "$_bo_n" \
        --csv $_bo_args 2>"$tmp/bench.err")
    _bo_rc=$?
    set +f
    # CSV: a header line, then "TEST","RPS",... per test; take the first.
    _bo_rps=$(printf '%s\n' "$_bo_out" | awk -F'","' 'NR == 2 { print $2; exit }')
    if [ "$_bo_rc" -ne 0 ] || [ -z "$_bo_rps" ]; then
        echo error
        return 1
    fi
    echo "$_bo_rps"
}

# Median of the numbers on stdin; "error" if any run failed.
median() {
    sort -g | awk '$1 == "error" { bad = 1 } { v[NR] = $1 }
        END {
            if (bad || NR == 0) { print "error"; exit }
            if (NR % 2) print v[(NR + 1) / 2]
            else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2
        }'
}

# Rows reading bench:range need a 1M-entry stream on both servers, loaded
# from the same seed by utils/streamload.c.
case "$rows" in *bench:range*)
    if cc -O2 -o "$tmp/streamload" "$here/streamload.c" $(pkg-config --cflags --libs hiredis); then
        for p in "$runnel_port" "$redis_port"; do
            "$tmp/streamload" 127.0.0.1 "$p" bench:range "${BENCH_RANGE_ENTRIES:-1000000}" iot 1 || exit 2
        done
    else
        echo "bench: cannot build utils/streamload.c" >&2
        exit 2
    fi
    ;;
esac

echo "bench: runnel $runnel (port $runnel_port), redis $("$SRV_ORACLE" --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') (port $redis_port)"
echo "bench: $clients clients, $(nproc 2>/dev/null || echo '?') CPUs, requests at $scale%, median of $repeat run(s)"
echo
printf '%-24s %14s %14s %8s\n' test "runnel ops/s" "redis ops/s" ratio
failed=0
printf '%s\n' "$rows" | while IFS='|' read -r name requests args; do
    case "$name" in ''|'#'*) continue ;; esac
    if [ -n "$only" ]; then
        case "$name" in *"$only"*) ;; *) continue ;; esac
    fi
    n=$((requests * scale / 100))
    [ "$n" -lt 1 ] && n=1
    : >"$tmp/runnel.rps"
    : >"$tmp/redis.rps"
    i=0
    while [ "$i" -lt "$repeat" ]; do
        i=$((i + 1))
        bench_one "$runnel_port" "$n" "$args" >>"$tmp/runnel.rps"
        bench_one "$redis_port" "$n" "$args" >>"$tmp/redis.rps"
    done
    r_runnel=$(median <"$tmp/runnel.rps")
    r_redis=$(median <"$tmp/redis.rps")
    ratio=$(awk -v a="$r_runnel" -v b="$r_redis" \
        'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }')
    printf '%-24s %14s %14s %8s\n' "$name" "$r_runnel" "$r_redis" "$ratio"
    if [ "$r_runnel" = error ] || [ "$r_redis" = error ]; then
        sed 's/^/    /' "$tmp/bench.err" | tail -n 3
        echo fail >"$tmp/failed"
    fi
    if ! kill -0 "$runnel_pid" 2>/dev/null; then
        echo "bench: runnel exited" >&2
        srv_log_tail "$tmp/runnel.log" >&2
        echo fail >"$tmp/failed"
        break
    fi
done
[ -e "$tmp/failed" ] && failed=1
exit "$failed"
