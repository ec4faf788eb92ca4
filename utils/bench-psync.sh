#!/bin/sh
# utils/bench-psync.sh -- resync after a cut link, partial vs full, Runnel vs
# Redis 7.0 in one run (each as master of a replica of its own kind).
#
#   sh utils/bench-psync.sh
#
# Per server kind: a stream of BENCH_ENTRIES entries, a replica in sync;
# then twice: stop the replica (SIGSTOP), drop its link on the master
# (CLIENT KILL TYPE replica), write BENCH_CUT entries, let it go on
# (SIGCONT) and time until its offset equals the master's:
#   partial  the default 1mb backlog holds the cut: +CONTINUE
#   full     repl-backlog-size 16k does not: a full sync (RDB)
# Printed: the time from SIGCONT to converged (both replicas reconnect at
# once when a link that was up drops: Redis at once, Runnel at its next cron
# tick), the bytes the master sent meanwhile (INFO stats
# total_net_output_bytes) and which sync counter moved.  Both run with
# repl-diskless-sync no (a disk-based full sync; the diskless default waits
# repl-diskless-sync-delay, 5 s, for more replicas).
#
# Environment:
#   RUNNEL_SERVER   server binary (default: src/runnel-server)
#   BENCH_ENTRIES   entries before the cut (default 500000)
#   BENCH_CUT       entries written during the cut (default 2000)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=utils/servers.sh
. "$here/servers.sh"
runnel=${RUNNEL_SERVER:-$root/src/runnel-server}
entries=${BENCH_ENTRIES:-500000}
cut=${BENCH_CUT:-2000}
[ -x "$runnel" ] || { echo "bench-psync: $runnel is not built (make all)" >&2; exit 2; }

tmp=$(mktemp -d /tmp/bench-psync-XXXXXX) || exit 2
pids=""
cleanup() {
    for p in $pids; do
        kill -CONT "$p" 2>/dev/null
        srv_stop "$p"
    done
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

field() { # field PORT NAME [SECTION]: an INFO field's value
    redis-cli -p "$1" info "${3:-everything}" | tr -d '\r' | sed -n "s/^$2://p"
}

now_ms() { date +%s%3N; }

converged() { # converged MASTER REPLICA
    [ "$(field "$2" master_link_status replication)" = up ] &&
        [ "$(field "$2" slave_repl_offset replication)" = \
            "$(field "$1" master_repl_offset replication)" ]
}

wait_converged() {
    _i=0
    until converged "$1" "$2"; do
        _i=$((_i + 1))
        [ "$_i" -gt 6000 ] && { echo "bench-psync: replica never converged" >&2; exit 1; }
        sleep 0.005
    done
}

start() { # start KIND NAME: SRV_PID, SRV_PORT
    mkdir -p "$tmp/$2"
    if [ "$1" = redis ]; then
        srv_oracle_link "$tmp/$2" || exit 2
        # Disk-based full sync as Runnel's (7.0's default is diskless with
        # a 5 s delay).
        srv_spawn "$tmp/$2/log" "$SRV_ORACLE" --port @PORT@ --bind 127.0.0.1 \
            --dir "$tmp/$2" --save "" --repl-diskless-sync no || exit 2
    else
        srv_spawn "$tmp/$2/log" "$runnel" --port @PORT@ --bind 127.0.0.1 \
            --dir "$tmp/$2" --save "" --repl-diskless-sync no || exit 2
    fi
    pids="$pids $SRV_PID"
}

resync() { # resync KIND CASE MPORT RPORT RPID
    full0=$(field "$3" sync_full)
    ok0=$(field "$3" sync_partial_ok)
    kill -STOP "$5"
    redis-cli -p "$3" client kill type replica >/dev/null
    redis-benchmark -p "$3" -n "$cut" -c 4 -P 16 -q XADD load '*' sensor s-1 temp 21.5 >/dev/null
    out0=$(field "$3" total_net_output_bytes)
    t0=$(now_ms)
    kill -CONT "$5"
    wait_converged "$3" "$4"
    t1=$(now_ms)
    out1=$(field "$3" total_net_output_bytes)
    full=$(( $(field "$3" sync_full) - full0 ))
    ok=$(( $(field "$3" sync_partial_ok) - ok0 ))
    printf '%-7s %-8s %8d ms %12d bytes  sync_full +%d  sync_partial_ok +%d\n' \
        "$1" "$2" $((t1 - t0)) $((out1 - out0)) "$full" "$ok"
}

echo "bench-psync: $entries entries, $cut written during each cut"
for kind in runnel redis; do
    start "$kind" "$kind-master"; mpid=$SRV_PID; mport=$SRV_PORT
    start "$kind" "$kind-replica"; rpid=$SRV_PID; rport=$SRV_PORT
    redis-benchmark -p "$mport" -n "$entries" -c 8 -P 64 -q XADD load '*' sensor s-1 temp 21.5 \
        >/dev/null
    redis-cli -p "$rport" replicaof 127.0.0.1 "$mport" >/dev/null
    wait_converged "$mport" "$rport"
    resync "$kind" partial "$mport" "$rport" "$rpid"
    redis-cli -p "$mport" config set repl-backlog-size 1 >/dev/null
    resync "$kind" full "$mport" "$rport" "$rpid"
    [ "$(redis-cli -p "$mport" xlen load)" = "$(redis-cli -p "$rport" xlen load)" ] ||
        { echo "bench-psync: $kind replica differs" >&2; exit 1; }
done
