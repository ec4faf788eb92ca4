#!/bin/sh
# redis-cli and redis-benchmark (Debian's redis-tools 7.0) running the
# stream workflows (see ../README.md).
#
#   sh workflows.sh WORKFLOW PORT PREFIX [STATE_FILE]
#
# WORKFLOW: jobs    one-shot commands (a background redis-cli per blocked
#                   worker; the dying worker is a redis-cli that exits)
#           iot     four concurrent `redis-cli --pipe` writers (mass
#                   insertion), the aggregator reading with `--csv`
#           audit1, audit2  commands fed on stdin, replay and latest read
#                   with `-3` (RESP3), XINFO STREAM's map
#           bench   redis-benchmark on stream commands, no errors allowed,
#                   XLEN equal to the XADDs it was asked for
# Exit 0 when every invariant held; otherwise the broken one goes to
# stderr and the exit status is 1.
set -u
workflow=$1
port=$2
prefix=$3
state=${4:-}
cli="redis-cli -p $port"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/runnel-cli.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

N_JOBS=60
N_WRITERS=4
PER_WRITER=1500
TS0=1700000000000

fail() {
    echo "broken invariant: $*" | head -c 600 >&2
    echo >&2
    exit 1
}

# The reply of a one-shot command; a reply starting with ERR/WRONGTYPE/...
# fails the workflow.
run() {
    out=$($cli "$@" 2>&1) || fail "redis-cli $*: exit status $?"
    case "$out" in
    ERR* | WRONGTYPE* | NOGROUP* | BUSYGROUP* | *"Could not connect"*) fail "$*: $out" ;;
    esac
    printf '%s\n' "$out"
}

wait_blocked() {
    i=0
    while [ "$(run INFO clients | sed -n 's/^blocked_clients:\([0-9]*\).*/\1/p')" != "$1" ]; do
        i=$((i + 1))
        [ $i -lt 2000 ] || fail "never saw $1 blocked clients"
        sleep 0.005
    done
}

# Stream IDs in a plain (non-tty) redis-cli reply: the lines that are IDs.
ids_of() {
    grep -E '^[0-9]+-[0-9]+$' "$1" || true
}

jobs() {
    key=${prefix}jobs:email
    run DEL "$key" >/dev/null
    [ "$(run XGROUP CREATE "$key" workers '$' MKSTREAM)" = OK ] || fail "XGROUP CREATE"
    $cli XREADGROUP GROUP workers dead COUNT 5 BLOCK 10000 STREAMS "$key" '>' >"$tmp/dead" 2>&1 &
    dead_pid=$!
    wait_blocked 1
    $cli XREADGROUP GROUP workers w1 COUNT 10 BLOCK 10000 STREAMS "$key" '>' >"$tmp/w1.0" 2>&1 &
    w1_pid=$!
    $cli XREADGROUP GROUP workers w2 COUNT 10 BLOCK 10000 STREAMS "$key" '>' >"$tmp/w2.0" 2>&1 &
    w2_pid=$!
    wait_blocked 3
    i=0
    while [ $i -lt $N_JOBS ]; do
        run XADD "$key" '*' to "user$i@example.com" template welcome context_id $((42 + i)) >>"$tmp/produced"
        i=$((i + 1))
    done
    wait $dead_pid $w1_pid $w2_pid
    # The dying worker (its redis-cli has exited) holds its jobs unacked.
    ids_of "$tmp/dead" >"$tmp/dead.ids"
    ndead=$(wc -l <"$tmp/dead.ids")
    [ "$ndead" -ge 1 ] && [ "$(head -n 1 "$tmp/dead.ids")" = "$(head -n 1 "$tmp/produced")" ] ||
        fail "the dying worker got: $(cat "$tmp/dead")"
    for w in w1 w2; do
        n=0
        while :; do
            ids=$(ids_of "$tmp/$w.$n")
            [ -n "$ids" ] || break
            for id in $ids; do
                [ "$(run XACK "$key" workers "$id")" = 1 ] || fail "XACK $id"
                echo "$id" >>"$tmp/acked"
            done
            n=$((n + 1))
            run XREADGROUP GROUP workers $w COUNT 10 BLOCK 300 STREAMS "$key" '>' >"$tmp/$w.$n"
        done
    done
    run XPENDING "$key" workers >"$tmp/pending"
    [ "$(sed -n 1p "$tmp/pending")" = "$ndead" ] && [ "$(sed -n 4p "$tmp/pending")" = dead ] &&
        [ "$(sed -n 5p "$tmp/pending")" = "$ndead" ] || fail "XPENDING before the claim: $(cat "$tmp/pending")"
    sleep 0.05
    run XAUTOCLAIM "$key" workers w1 20 0-0 COUNT 100 >"$tmp/claim"
    [ "$(sed -n 1p "$tmp/claim")" = 0-0 ] || fail "XAUTOCLAIM cursor: $(cat "$tmp/claim")"
    sed 1d "$tmp/claim" >"$tmp/claim.rest"
    ids_of "$tmp/claim.rest" >"$tmp/claim.ids"
    cmp -s "$tmp/claim.ids" "$tmp/dead.ids" || fail "XAUTOCLAIM took $(cat "$tmp/claim.ids")"
    grep -qx welcome "$tmp/claim.rest" || fail "claimed job fields"
    for id in $(cat "$tmp/claim.ids"); do
        [ "$(run XACK "$key" workers "$id")" = 1 ] || fail "XACK $id"
        echo "$id" >>"$tmp/acked"
    done
    sort "$tmp/acked" | uniq -c | awk '$1 != 1 { print "acked " $1 " times: " $2 }' >"$tmp/twice"
    [ -s "$tmp/twice" ] && fail "$(cat "$tmp/twice")"
    sort -u "$tmp/acked" >"$tmp/a.sorted"
    sort "$tmp/produced" >"$tmp/p.sorted"
    cmp -s "$tmp/a.sorted" "$tmp/p.sorted" || fail "acked jobs differ from the produced ones"
    [ "$(run XPENDING "$key" workers | head -n 1)" = 0 ] || fail "XPENDING at the end"
}

# The RESP protocol of writer $1's XADDs, for --pipe.
writer_protocol() {
    awk -v w="$1" -v n=$PER_WRITER -v ts0=$TS0 -v key="${prefix}sensors:temp" '
    function bulk(s) { printf "$%d\r\n%s\r\n", length(s), s }
    BEGIN {
        for (i = 0; i < n; i++) {
            t = 200 + (w * 7 + i * 13) % 100
            printf "*12\r\n"
            bulk("XADD"); bulk(key); bulk("MAXLEN"); bulk("~"); bulk("100000"); bulk("*")
            bulk("device_id"); bulk("sensor-" w)
            bulk("val"); bulk(sprintf("%d.%d", int(t / 10), t % 10))
            bulk("ts"); bulk(sprintf("%.0f", ts0 + i * 1000))
        }
    }'
}

iot() {
    key=${prefix}sensors:temp
    run DEL "$key" >/dev/null
    w=0
    pids=
    while [ $w -lt $N_WRITERS ]; do
        writer_protocol $w >"$tmp/proto.$w"
        $cli --pipe <"$tmp/proto.$w" >"$tmp/pipe.$w" 2>&1 &
        pids="$pids $!"
        w=$((w + 1))
    done
    # shellcheck disable=SC2086
    wait $pids
    w=0
    while [ $w -lt $N_WRITERS ]; do
        grep -q "errors: 0, replies: $PER_WRITER" "$tmp/pipe.$w" || fail "--pipe writer $w: $(cat "$tmp/pipe.$w")"
        w=$((w + 1))
    done
    total=$((N_WRITERS * PER_WRITER))
    [ "$(run XLEN "$key")" = $total ] || fail "XLEN after the writers"
    last=0-0
    : >"$tmp/readings"
    batches=0
    while :; do
        run --csv XREAD COUNT 1000 STREAMS "$key" "$last" >"$tmp/batch"
        # One CSV line: "key","id","device_id","sensor-N","val","V","ts","T",...
        awk -F'","' 'NF > 1 {
            if ((NF - 1) % 7 != 0) { print "bad"; exit }
            for (i = 2; i <= NF; i += 7) { gsub(/"/, "", $(i + 6)); print $i, $(i + 2), $(i + 4), $(i + 6) }
        }' "$tmp/batch" >"$tmp/entries"
        [ -s "$tmp/entries" ] || break
        grep -q '^bad' "$tmp/entries" && fail "--csv reply: $(head -c 300 "$tmp/batch")"
        n=$(wc -l <"$tmp/entries")
        [ "$n" -ge 1 ] && [ "$n" -le 1000 ] || fail "batch of $n"
        batches=$((batches + 1))
        cat "$tmp/entries" >>"$tmp/readings"
        last=$(tail -n 1 "$tmp/entries" | cut -d' ' -f1)
    done
    [ $batches -eq $(((total + 999) / 1000)) ] || fail "$batches batches"
    # Per-minute averages (exact in tenths) against the writers' formula,
    # and each device's readings in order.
    awk -v nw=$N_WRITERS -v n=$PER_WRITER -v ts0=$TS0 -v total=$total '
    { dev = $2; ts = $4 + 0
      if ((dev in last) && ts <= last[dev]) { print "device " dev " out of order at " ts; bad = 1 }
      last[dev] = ts; m = int(ts / 60000); split($3, p, "."); s[m] += p[1] * 10 + p[2]; c[m]++; seen++ }
    END {
        if (seen != total) { print "aggregator saw " seen; exit 1 }
        for (w = 0; w < nw; w++) for (i = 0; i < n; i++) {
            t = 200 + (w * 7 + i * 13) % 100; m = int((ts0 + i * 1000) / 60000); ws[m] += t; wc[m]++ }
        for (m in wc) if (c[m] != wc[m] || s[m] * wc[m] != ws[m] * c[m]) {
            printf "minute %d: %d/%d expected %d/%d\n", m, s[m], c[m], ws[m], wc[m]; bad = 1 }
        exit bad
    }' "$tmp/readings" >"$tmp/agg" || fail "$(head -n 3 "$tmp/agg")"
    trimmed=$(run XTRIM "$key" MAXLEN '~' 1000)
    left=$(run XLEN "$key")
    [ "$left" -ge 1000 ] && [ "$left" -lt $total ] && [ $((left + trimmed)) -eq $total ] ||
        fail "XTRIM ~ 1000: removed $trimmed, XLEN $left"
}

state_name() {
    case $1 in
    0) echo new ;;
    1) echo paid ;;
    *) echo "step$1" ;;
    esac
}

audit() {
    key=${prefix}audit:orders
    total=200
    if [ "$1" = 1 ]; then
        run DEL "$key" >/dev/null
        i=0
        while [ $i -lt $total ]; do
            k=$((i / 10))
            user=clerk_$((i % 7))
            [ $((i % 3)) -eq 0 ] && user=manager_alex
            echo "XADD $key * action status_change order_id $((550 + i % 10)) old $(state_name $k) new $(state_name $((k + 1))) user $user"
            i=$((i + 1))
        done | $cli >"$tmp/ids" 2>&1
        [ "$(ids_of "$tmp/ids" | wc -l)" = $total ] || fail "XADD from stdin: $(head -n 3 "$tmp/ids")"
        awk 'NR % 10 == 6' "$tmp/ids" | tr '\n' ' ' >"$tmp/ids555"
        tail -n 10 "$tmp/ids" | tac | tr '\n' ' ' >"$tmp/latest"
    else
        sed -n 1p "$state" | tr -d '\n' >"$tmp/ids555"
        sed -n 2p "$state" | tr -d '\n' >"$tmp/latest"
        total=$(sed -n 3p "$state")
        [ "$(run XLEN "$key")" = "$total" ] || fail "after the restart: XLEN $(run XLEN "$key"), expected $total"
    fi
    # XINFO STREAM under RESP3 is a map: redis-cli -3 prints "field value".
    run -3 XINFO STREAM "$key" >"$tmp/xinfo"
    grep -qx "length $total" "$tmp/xinfo" || fail "XINFO STREAM (-3): $(head -n 2 "$tmp/xinfo")"
    # Replay in pages of 50 with -3; each entry prints as id, then its
    # fields and values one per line (the first line of a reply carries the
    # top-level index in a tty only, so none here).
    start=-
    : >"$tmp/replay"
    while :; do
        run -3 XRANGE "$key" "$start" + COUNT 50 >"$tmp/page"
        cat "$tmp/page" >>"$tmp/replay"
        n=$(ids_of "$tmp/page" | wc -l)
        [ "$n" -lt 50 ] && break
        start="($(ids_of "$tmp/page" | tail -n 1)"
    done
    [ "$(ids_of "$tmp/replay" | wc -l)" = "$total" ] || fail "XRANGE replay: $(ids_of "$tmp/replay" | wc -l) entries"
    awk 'BEGIN { prev = "new" }
    /^[0-9]+-[0-9]+$/ { id = $0; f = ""; next }
    { if (f == "") { f = $0 } else { v[f] = $0; f = "" }
      if (f == "" && v["user"] != "" ) {
        if (v["order_id"] == "555") {
            if (v["old"] != prev) { print "order 555: old " v["old"] " after " prev; exit 1 }
            prev = v["new"]; printf "%s ", id }
        delete v } }' "$tmp/replay" >"$tmp/hist" || fail "$(cat "$tmp/hist")"
    [ "$(cat "$tmp/hist")" = "$(cat "$tmp/ids555")" ] || fail "order 555 replay: $(cat "$tmp/hist")"
    run -3 XREVRANGE "$key" + - COUNT 10 >"$tmp/rev"
    [ "$(ids_of "$tmp/rev" | tr '\n' ' ')" = "$(cat "$tmp/latest")" ] || fail "XREVRANGE latest 10"
    if [ "$1" = 1 ]; then
        { cat "$tmp/ids555"; echo; cat "$tmp/latest"; echo; echo "$total"; } >"$state"
    else
        id=$(run XADD "$key" '*' action status_change order_id 555 old x new y user manager_alex)
        top=$(cut -d' ' -f1 "$tmp/latest")
        awk -v a="$id" -v b="$top" 'BEGIN { split(a, x, "-"); split(b, y, "-")
            exit !(x[1] + 0 > y[1] + 0 || (x[1] == y[1] && x[2] + 0 > y[2] + 0)) }' ||
            fail "an ID after the restart $id is not above $top"
    fi
}

bench() {
    key=${prefix}bench
    run DEL "$key" >/dev/null
    # Redis 7.0's redis-benchmark has no built-in stream test (-t xadd is
    # not one of its tests), so the stream commands are given as custom
    # command lines; it exits non-zero on an error reply.
    redis-benchmark -p "$port" -n 20000 -c 20 -P 16 -q XADD "$key" '*' device_id sensor-1 val 24.5 \
        >"$tmp/b1" 2>&1 || fail "redis-benchmark XADD: $(tail -c 300 "$tmp/b1")"
    [ "$(run XLEN "$key")" = 20000 ] || fail "XLEN after 20000 benchmark XADDs: $(run XLEN "$key")"
    redis-benchmark -p "$port" -n 5000 -c 10 -q XADD "$key" MAXLEN '~' 1000 '*' f __rand_int__ -r 1000 \
        >"$tmp/b2" 2>&1 || fail "redis-benchmark XADD MAXLEN: $(tail -c 300 "$tmp/b2")"
    left=$(run XLEN "$key")
    [ "$left" -ge 1000 ] && [ "$left" -lt 25000 ] || fail "XLEN after XADD MAXLEN ~ 1000: $left"
    for c in "XRANGE $key - + COUNT 10" "XREVRANGE $key + - COUNT 10" "XREAD COUNT 10 STREAMS $key 0" "XLEN $key"; do
        # shellcheck disable=SC2086
        redis-benchmark -p "$port" -n 5000 -c 10 -P 8 -q $c >"$tmp/b3" 2>&1 ||
            fail "redis-benchmark $c: $(tail -c 300 "$tmp/b3")"
        grep -q "requests per second" "$tmp/b3" || fail "redis-benchmark $c: $(tail -c 300 "$tmp/b3")"
    done
    grep -il error "$tmp"/b* >/dev/null && fail "redis-benchmark printed an error"
    return 0
}

case $workflow in
jobs) jobs ;;
iot) iot ;;
audit1) audit 1 ;;
audit2) audit 2 ;;
bench) bench ;;
*) fail "unknown workflow $workflow" ;;
esac
