#!/bin/sh
# utils/bench-groups.sh -- consumer groups, Runnel vs Redis in one run (issue 5).
#
#   sh utils/bench-groups.sh            (what `make bench-groups` runs)
#
# Consume rate: one producer XADDs jobs while four consumers of one group
# loop XREADGROUP COUNT 10 (BLOCK 100) and XACK what they got; jobs consumed
# and acked per second on each server, and the ratio Runnel/Redis (target
# >= 1.0).  Also the servers' own usec per call (INFO commandstats).
#
# PEL scaling: for pending lists of 10k, 100k and 1M entries (rebuilt from
# scratch for each size), the per-call latency of XPENDING - + 10,
# XPENDING IDLE 0 <start> + 10, XCLAIM of one random pending ID and
# XAUTOCLAIM from a random start COUNT 10: client mean / p99 in us (the
# round trip included; PING is the baseline) and the server's usec_per_call.
# The target is a flat cost: the "1M/10k" row should stay near 1.
#
# Environment:
#   RUNNEL_SERVER   server binary (default: src/runnel-server)
#   BENCH_SCALE     percent of jobs, calls and PEL sizes (default 100; 10 for
#                   a quick smoke run)
#   BENCH_REPEAT    consume runs per server, alternating (default 3); the
#                   median is shown
#   BENCH_ONLY      consume | pel: run only that part
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=utils/servers.sh
. "$here/servers.sh"
runnel=${RUNNEL_SERVER:-$root/src/runnel-server}
scale=${BENCH_SCALE:-100}
repeat=${BENCH_REPEAT:-3}
only=${BENCH_ONLY:-}
case "$scale" in ''|*[!0-9]*|0) echo "bench-groups: BENCH_SCALE must be a positive integer" >&2; exit 2 ;; esac
case "$repeat" in ''|*[!0-9]*|0) echo "bench-groups: BENCH_REPEAT must be a positive integer" >&2; exit 2 ;; esac
[ -x "$runnel" ] || { echo "bench-groups: $runnel is not built (make all)" >&2; exit 2; }

srv_bench_tmp bgroups || exit 2
# shellcheck disable=SC2046 # pkg-config's flags are meant to be split
cc -O2 -o "$tmp/groupbench" "$here/groupbench.c" "$here/benchlib.c" $(pkg-config --cflags --libs hiredis) -lpthread ||
    exit 2
srv_start_pair "$tmp" || exit 2   # sets redis_port, runnel_port
# shellcheck disable=SC2154
: "$redis_port" "$runnel_port"
rate_runnel=0
rate_redis=0

scaled() { # scaled N MIN: N * scale%, at least MIN
    awk -v n="$1" -v s="$scale" -v m="$2" 'BEGIN { v = int(n * s / 100); print (v < m ? m : v) }'
}
# gb NAME PORT ARG...: run the load tool with a hard time limit; on failure
# say which server and show its log tail.
gb() {
    _gb_name=$1
    _gb_port=$2
    shift 2
    if command -v timeout >/dev/null 2>&1; then
        set -- timeout 600 "$tmp/groupbench" "$_gb_port" "$@"
    else
        set -- "$tmp/groupbench" "$_gb_port" "$@"
    fi
    if ! "$@"; then
        echo "bench-groups: groupbench $* failed against $_gb_name" >&2
        srv_log_tail "$tmp/$_gb_name.log" >&2
        return 1
    fi
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

echo "bench-groups: $(nproc 2>/dev/null || echo '?') CPUs, scale $scale%"

# --- consume rate ---------------------------------------------------------------
if [ -z "$only" ] || [ "$only" = consume ]; then
    jobs=$(scaled 200000 2000)
    : >"$tmp/c.runnel"
    : >"$tmp/c.redis"
    i=0
    while [ "$i" -lt "$repeat" ]; do
        i=$((i + 1))
        gb runnel "$runnel_port" consume "$jobs" 4 120 >>"$tmp/c.runnel" || exit 1
        gb redis "$redis_port" consume "$jobs" 4 120 >>"$tmp/c.redis" || exit 1
    done
    echo
    echo "consume: $jobs jobs, 1 producer + 4 consumers (XREADGROUP COUNT 10, XACK), median of $repeat"
    printf '%-8s %10s %10s %16s %16s %16s\n' server "jobs/s" "elapsed s" "xadd us/call" \
        "xreadgroup us/c" "xack us/call"
    for s in runnel redis; do
        # the run with the median rate, whole line
        m=$(cut -d' ' -f1 "$tmp/c.$s" | median)
        # shellcheck disable=SC2046 # one line of numbers, split on purpose
        set -- $(awk -v m="$m" '$1 == m { print; exit }' "$tmp/c.$s")
        printf '%-8s %10s %10s %16s %16s %16s\n' "$s" "$1" "$2" "$4" "$5" "$6"
        if [ "$s" = runnel ]; then rate_runnel=$1; else rate_redis=$1; fi
    done
    echo "ratio runnel/redis jobs/s: $(ratio "$rate_runnel" "$rate_redis") (target >= 1.00)"
    echo "all runs (jobs/s): runnel $(cut -d' ' -f1 "$tmp/c.runnel" | tr '\n' ' ')" \
        "redis $(cut -d' ' -f1 "$tmp/c.redis" | tr '\n' ' ')"
fi

# --- PEL scaling ------------------------------------------------------------------
if [ -z "$only" ] || [ "$only" = pel ]; then
    calls=$(scaled 2000 100)
    sizes=
    for n in 10000 100000 1000000; do
        sizes="$sizes $(scaled "$n" 1000)"
    done
    : >"$tmp/p.runnel"
    : >"$tmp/p.redis"
    for n in $sizes; do
        echo "pel: building and timing $n pending entries ..." >&2
        line=$(gb runnel "$runnel_port" pel "$n" "$calls" 20) || exit 1
        echo "$n $line" >>"$tmp/p.runnel"
        line=$(gb redis "$redis_port" pel "$n" "$calls" 20) || exit 1
        echo "$n $line" >>"$tmp/p.redis"
    done
    echo
    echo "PEL scaling: $calls calls each, one at a time; each cell is client mean/p99 us (round"
    echo "trip included) and, after the bar, the server's usec_per_call (INFO commandstats)"
    for s in runnel redis; do
        echo
        echo "$s"
        # Line fields: size build, then 5 x (mean p99 srv), then 5 counts.
        awk -v calls="$calls" '
        function cell(m, p, v) { return sprintf("%.0f/%d | %.2f", m, p, v) }
        BEGIN {
            printf "%-9s %7s  %-16s %-19s %-19s %-19s %-19s\n", "PEL size", "build s", "PING",
                "XPENDING - + 10", "XPENDING IDLE 0", "XCLAIM", "XAUTOCLAIM"
        }
        {
            row = sprintf("%-9s %7.2f ", $1, $2)
            for (q = 0; q < 5; q++) {
                c = cell($(3 + 3 * q), $(4 + 3 * q), $(5 + 3 * q))
                if ($(18 + q) < calls) c = c "*"
                short = short || ($(18 + q) < calls)
                row = row sprintf(" %-" (q ? 19 : 16) "s", c)
                if (NR == 1) { m0[q] = $(3 + 3 * q); v0[q] = $(5 + 3 * q) }
                m1[q] = $(3 + 3 * q); v1[q] = $(5 + 3 * q)
            }
            print row
            first = first ? first : $1; last = $1
        }
        END {
            row = sprintf("%-9s %7s ", "growth", "")
            for (q = 0; q < 5; q++) {
                c = sprintf("x%.2f | x%.2f", m0[q] ? m1[q] / m0[q] : 0, v0[q] ? v1[q] / v0[q] : 0)
                row = row sprintf(" %-" (q ? 19 : 16) "s", c)
            }
            print row "  (" last " vs " first ")"
            if (short) print "* stopped at the 20 s limit before " calls " calls"
        }' "$tmp/p.$s"
    done
    echo
    echo "runnel/redis server usec_per_call (and client mean)"
    paste -d' ' "$tmp/p.runnel" "$tmp/p.redis" | awk '
    BEGIN { printf "%-9s %-19s %-19s %-19s %-19s\n", "PEL size", "XPENDING - + 10",
            "XPENDING IDLE 0", "XCLAIM", "XAUTOCLAIM" }
    function r(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
    {
        row = sprintf("%-9s", $1)
        # runnel fields start at 1, redis at 23 (22 per line)
        for (q = 1; q < 5; q++)
            row = row sprintf(" %-19s", r($(5 + 3 * q), $(27 + 3 * q)) " (" r($(3 + 3 * q), $(25 + 3 * q)) ")")
        print row
    }'
fi
