#!/usr/bin/env bash
# utils/failover.sh -- a Sentinel failover of Runnel, end to end (make failover).
#
# One Runnel master, two Runnel replicas and three Redis 7.0 sentinels on
# loopback ports in a temp dir.  A writer XADDs and confirms each entry with
# WAIT 1 <ms>, recording the IDs that at least one replica acknowledged.  The
# master is killed with SIGKILL; the script then checks, and times:
#   - Sentinel promotes replica b (SENTINEL get-master-addr-by-name changes),
#     never c, whose config says slave-priority 0 (INFO slave_priority:0);
#   - the writer, asking Sentinel where the master is, writes there;
#   - every WAIT-acknowledged ID is on the new master (none may be lost);
#   - the other replica follows the new master (link up);
#   - the old master, restarted, is turned into a replica of the new one by
#     Sentinel and syncs.
# It prints PASS or FAIL (exit 0 or 1) with the timings.  FAILOVER_SERVER=redis
# runs the same with Redis 7.0 servers (make failover runs both).  Logs stay in the
# temp dir on failure (FAILOVER_KEEP=1 keeps them always).
#
# The sentinel: /usr/bin/redis-sentinel if installed, else the redis-tools
# package's /usr/bin/redis-check-rdb (the whole Redis 7.0 server) started
# through a symlink named redis-sentinel.  Do not install the redis-sentinel
# package: it starts a system service.
set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$here/servers.sh"
RUNNEL=${RUNNEL_SERVER:-$here/../src/runnel-server}
RUNNEL=$(cd "$(dirname "$RUNNEL")" && pwd)/$(basename "$RUNNEL")
WRITE_SECONDS=${FAILOVER_WRITE_SECONDS:-2}

T=$(mktemp -d "${TMPDIR:-/tmp}/runnel-failover.XXXXXX")
# FAILOVER_SERVER=redis: the same scenario with Redis 7.0 servers (the
# oracle, through a symlink named redis-server), for comparison.
if [ "${FAILOVER_SERVER:-runnel}" = redis ]; then
    ln -s "$SRV_ORACLE_BIN" "$T/redis-server"
    RUNNEL=$T/redis-server
fi
pids=()
status=1
cleanup() {
    touch "$T/stop"
    { for p in "${pids[@]}"; do kill -9 "$p"; done; wait; } 2>/dev/null
    if [ "$status" -eq 0 ] && [ "${FAILOVER_KEEP:-0}" != 1 ]; then
        rm -rf "$T"
    else
        echo "logs kept in $T"
    fi
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
fail() {
    echo "FAIL (${FAILOVER_SERVER:-runnel}): $*"
    for f in "$T"/*/log "$T"/*/sentinel.log; do
        [ -f "$f" ] || continue
        echo "--- tail $f"
        tail -n 15 "$f"
    done
    exit 1
}
cli() { timeout 3 redis-cli -h 127.0.0.1 "$@" 2>/dev/null; }
info_field() { cli -p "$1" info replication | tr -d '\r' | sed -n "s/^$2://p"; }
# wait_for SECONDS CMD...: poll CMD every 100 ms until it succeeds.
wait_for() {
    local end=$(($(now_ms) + $1 * 1000))
    shift
    while [ "$(now_ms)" -lt "$end" ]; do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

if [ -x /usr/bin/redis-sentinel ]; then
    SENTINEL=/usr/bin/redis-sentinel
else
    ln -s "$SRV_ORACLE_BIN" "$T/redis-sentinel"
    SENTINEL=$T/redis-sentinel
fi

# --- Runnel: master and two replicas, each with its own config file (Sentinel
# sends CONFIG REWRITE) and directory.
declare -A port pid
start_runnel() { # name [replicaof-port]
    local n=$1 d="$T/$1"
    mkdir -p "$d"
    if [ ! -f "$d/runnel.conf" ]; then
        {
            echo "port ${port[$n]}"
            echo "bind 127.0.0.1"
            echo "dir $d"
            echo "save \"\""
            echo "appendonly no"
            echo "logfile $d/log"
            [ -n "${2:-}" ] && echo "replicaof 127.0.0.1 $2"
            # Sentinel never promotes a replica of priority 0: c, whose
            # file says so through 7.0's old name for the option.
            [ "$n" = c ] && echo "slave-priority 0"
        } >"$d/runnel.conf"
    fi
    (cd "$d" && exec "$RUNNEL" "$d/runnel.conf") &
    pid[$n]=$!
    pids+=("${pid[$n]}")
    srv_wait_ping "${port[$n]}" "${pid[$n]}" 100 || fail "runnel $n did not start"
}
for n in a b c; do port[$n]=$(srv_free_port); done
start_runnel a
start_runnel b "${port[a]}"
start_runnel c "${port[a]}"
link_up() { [ "$(info_field "$1" master_link_status)" = up ]; }
wait_for 20 link_up "${port[b]}" || fail "replica b never synced"
wait_for 20 link_up "${port[c]}" || fail "replica c never synced"

# --- Three sentinels, quorum 2.  Their down-after-milliseconds are 1000,
# 1400 and 1800: with the same value all three see the master go down in the
# same tick, each votes for itself and the election is retried only after
# 2 x failover-timeout (a split vote, seen here as 14 s failovers).
sports=()
for i in 1 2 3; do
    d="$T/s$i"
    mkdir -p "$d"
    sp=$(srv_free_port)
    sports+=("$sp")
    cat >"$d/sentinel.conf" <<EOF
port $sp
bind 127.0.0.1
dir $d
logfile $d/sentinel.log
sentinel monitor mymaster 127.0.0.1 ${port[a]} 2
sentinel down-after-milliseconds mymaster $((${FAILOVER_DOWN_AFTER:-1000} + (i - 1) * 400))
sentinel failover-timeout mymaster 6000
sentinel parallel-syncs mymaster 2
EOF
    "$SENTINEL" "$d/sentinel.conf" >/dev/null 2>&1 &
    pids+=("$!")
    srv_wait_ping "$sp" "$!" 100 || fail "sentinel $i did not start"
done
sentinels_ready() {
    local s
    for s in "${sports[@]}"; do
        local inf
        inf=$(cli -p "$s" info sentinel | tr -d '\r')
        echo "$inf" | grep -q "slaves=2,sentinels=3" || return 1
    done
}
wait_for 30 sentinels_ready || fail "the sentinels never saw 2 replicas and 3 sentinels"

master_addr() { cli -p "${sports[0]}" sentinel get-master-addr-by-name mymaster | tr -d '\r' | sed -n 2p; }

# --- The writer: XADD, WAIT 1 500; acknowledged IDs go to $T/acked.  When a
# write fails it asks the sentinels where the master is now.
writer() {
    local p=${port[a]} i=0 out id acks np s
    : >"$T/acked"
    while [ ! -e "$T/stop" ]; do
        i=$((i + 1))
        out=$(printf 'XADD s * n %d\nWAIT 1 500\n' "$i" | cli -p "$p" | tr -d '\r')
        id=$(sed -n 1p <<<"$out")
        acks=$(sed -n 2p <<<"$out")
        if [[ $id =~ ^[0-9]+-[0-9]+$ && $acks =~ ^[0-9]+$ ]]; then
            if [ "$acks" -ge 1 ]; then
                echo "$id $p $(now_ms)" >>"$T/acked"
            fi
            sleep 0.01
            continue
        fi
        for s in "${sports[@]}"; do
            np=$(cli -p "$s" sentinel get-master-addr-by-name mymaster | tr -d '\r' | sed -n 2p)
            [ -n "$np" ] && break
        done
        [ -n "$np" ] && p=$np
        sleep 0.05
    done
}
writer &
writer_pid=$!
pids+=("$writer_pid")
sleep "$WRITE_SECONDS"
before=$(wc -l <"$T/acked")
[ "$before" -gt 0 ] || fail "no write was acknowledged by WAIT before the kill"

# --- Kill the master.
{ kill -9 "${pid[a]}"; t_kill=$(now_ms); wait "${pid[a]}"; } 2>/dev/null # bash's "Killed" notice
promoted() { local a; a=$(master_addr); [ -n "$a" ] && [ "$a" != "${port[a]}" ]; }
wait_for 60 promoted || fail "no replica was promoted"
t_promoted=$(now_ms)
first=$(master_addr)
[ "$first" = "${port[b]}" ] || fail "Sentinel promoted $first, not b (${port[b]}): c has slave-priority 0"
# Under load a sentinel can miss the new master's replies for
# down-after-milliseconds and fail over a second time: the checks below take
# the master the sentinels agree on at the end, not the first one promoted.
agreed_master() { # prints the port all three sentinels name
    local s a first=
    for s in "${sports[@]}"; do
        a=$(cli -p "$s" sentinel get-master-addr-by-name mymaster | tr -d '\r' | sed -n 2p)
        [ -n "$a" ] || return 1
        [ -z "$first" ] && first=$a
        [ "$a" = "$first" ] || return 1
    done
    echo "$first"
}
# stable NAMES...: the agreed master is a master, and each named server other
# than it replicates it with its link up; sets newp.
stable() {
    local m n
    m=$(agreed_master) || return 1
    [ "$(info_field "$m" role)" = master ] || return 1
    for n in "$@"; do
        [ "${port[$n]}" = "$m" ] && continue
        [ "$(info_field "${port[$n]}" master_port)" = "$m" ] || return 1
        link_up "${port[$n]}" || return 1
    done
    newp=$m
}
wait_for 60 stable b c || fail "b and c never settled on one master"
t_follow=$(now_ms)
written_new() { awk -v p="$newp" '$2 == p' "$T/acked" | grep -q .; }
wait_for 30 written_new || fail "the writer never got a WAIT-acknowledged write on the new master"
t_write=$(awk -v p="$newp" '$2 == p {print $3; exit}' "$T/acked")

# --- The old master comes back: Sentinel must make it a replica of the new one.
start_runnel a
t_restart=$(now_ms)
wait_for 90 stable a b c || fail "the restarted old master did not become a replica of the master"
t_rejoin=$(now_ms)
if [ "$newp" = "${port[b]}" ]; then other=c; else other=b; fi

touch "$T/stop"
wait "$writer_pid" 2>/dev/null

# --- Every acknowledged ID must be on the new master and on both replicas.
cut -d' ' -f1 "$T/acked" | sort -u >"$T/acked.ids"
acked=$(wc -l <"$T/acked.ids")
ok_ids() { # port -> file of IDs in stream s
    cli -p "$1" xrange s - + | tr -d '\r' | grep -E '^[0-9]+-[0-9]+$' | sort -u >"$T/ids.$1"
}
ok_ids "$newp"
lost=$(comm -23 "$T/acked.ids" "$T/ids.$newp" | wc -l)
# The replicas catch up with the new master's offset before being compared.
synced() {
    local mo; mo=$(info_field "$newp" master_repl_offset)
    [ "$(info_field "$1" slave_repl_offset)" = "$mo" ]
}
wait_for 20 synced "${port[$other]}" || fail "replica $other did not catch up"
wait_for 20 synced "${port[a]}" || fail "the old master did not catch up"
ok_ids "${port[$other]}"
ok_ids "${port[a]}"
diff_other=$(cmp -s "$T/ids.$newp" "$T/ids.${port[$other]}" && echo same || echo differs)
diff_old=$(cmp -s "$T/ids.$newp" "$T/ids.${port[a]}" && echo same || echo differs)

# What the Runnel servers refused (Sentinel's commands included): their
# error counters and the commands with failed or rejected calls.  The writer
# may meet READONLY or a refused connection while the roles change.
refused=
for n in a b c; do
    e=$(cli -p "${port[$n]}" info errorstats | tr -d '\r' | grep '^errorstat_')
    f=$(cli -p "${port[$n]}" info commandstats | tr -d '\r' |
        grep -E 'rejected_calls=[1-9]|failed_calls=[1-9]')
    [ -n "$e$f" ] && refused="$refused$n: $(echo $e $f)
"
done
served=$(cli -p "$newp" info commandstats | tr -d '\r' |
    sed -n 's/^cmdstat_\([^:]*\):calls=\([0-9]*\).*/\1=\2/p' | tr '\n' ' ')
full=$(cat "$T"/*/log | grep -c "Full resync from master")
partial=$(cat "$T"/*/log | grep -c "Successful partial resynchronization")

echo "acknowledged writes: $acked ($before before the kill), lost: $lost"
echo "kill -> promotion seen by Sentinel: $((t_promoted - t_kill)) ms"
echo "kill -> first acknowledged write on the new master: $((t_write - t_kill)) ms"
echo "kill -> both replicas settled on the new master: $((t_follow - t_kill)) ms"
echo "failovers (switch-master events seen by sentinel 1): $(grep -c +switch-master "$T/s1/sentinel.log")"
echo "old master restart -> replica of the new master: $((t_rejoin - t_restart)) ms"
echo "replica $other stream vs new master: $diff_other; old master: $diff_old"
echo "replica syncs: $full full, $partial partial (all servers, whole run)"
echo "commands the new master ran (Sentinel's and the writer's): $served"
if [ -n "$refused" ]; then
    echo "errors Runnel replied (errorstats, commands with failed/rejected calls):"
    printf '%s' "$refused"
fi
if [ "$lost" -ne 0 ] || [ "$diff_other" != same ] || [ "$diff_old" != same ]; then
    comm -23 "$T/acked.ids" "$T/ids.$newp" | head -5
    fail "acknowledged writes lost or replicas differ"
fi
status=0
echo "PASS (${FAILOVER_SERVER:-runnel}): failover in $((t_promoted - t_kill)) ms, $acked acknowledged writes, 0 lost"
