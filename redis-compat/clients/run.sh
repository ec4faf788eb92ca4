#!/bin/sh
# redis-compat/clients/run.sh -- real client libraries through the stream
# workflows, against Redis 7.0 (to prove the workflows) and then Runnel.
#
#   RUNNEL_SERVER=/abs/path/runnel-server sh redis-compat/clients/run.sh
#
# For each server (the oracle first, see utils/servers.sh) it starts the
# server with appendonly yes in its own temp dir, runs every client's job
# queue, IoT buffer and the first half of its audit log workflow, restarts
# the server (SIGTERM, then start again on the same dir: the AOF is
# replayed), runs the second half of every audit log (replay after the
# restart), and stops it.  One line per (client, workflow, server):
#
#   ok   py-sync      jobs   runnel  0.61s
#   FAIL ioredis      audit  runnel  0.20s: broken invariant: ...
#
# and at the end exactly "clients: N passed, M failed".  A client whose
# runtime or library is missing, or that does not build, fails all its
# lines loudly; nothing is skipped.  Exit status 1 if anything failed.
#
# Environment:
#   RUNNEL_SERVER        the server under test (required)
#   CLIENTS_ONLY="a b"   run only these clients (names as printed)
#   CLIENTS_KEEP=1       keep the temp dir (server logs, state files)
set -u

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=utils/servers.sh
. "$here/../../utils/servers.sh"

[ -n "${RUNNEL_SERVER:-}" ] || { echo "clients: RUNNEL_SERVER is not set" >&2; exit 2; }
PY=/usr/bin/python3 # Debian's python, where python3-redis is installed
ALL_CLIENTS="py-sync py-pipeline py-async node-redis4 node-redis5 node-redis5-resp3 ioredis redigo hiredis redis-cli"
clients=${CLIENTS_ONLY:-$ALL_CLIENTS}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/runnel-clients.XXXXXX") || exit 2
srv_pid=
cleanup() {
    srv_stop "$srv_pid"
    if [ "${CLIENTS_KEEP:-0}" = 1 ]; then echo "clients: kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

passed=0
failed=0
# result CLIENT WORKFLOW SERVER SECONDS [REASON]: one verdict line.
result() {
    if [ $# -lt 5 ]; then
        passed=$((passed + 1))
        printf 'ok   %-18s %-6s %-7s %ss\n' "$1" "$2" "$3" "$4"
    else
        failed=$((failed + 1))
        printf 'FAIL %-18s %-6s %-7s %ss: %s\n' "$1" "$2" "$3" "$4" "$5"
    fi
}

now_ms() { date +%s%3N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1000 }'; }

# ---- runtimes and builds: a missing one marks the client broken ----------
mkdir -p "$tmp/bin"
broken_reason() { eval "printf '%s' \"\${broken_$(echo "$1" | tr '-' '_'):-}\""; }
set_broken() { eval "broken_$(echo "$1" | tr '-' '_')=\$2"; }

if ! "$PY" -c 'import redis, redis.asyncio' 2>/dev/null; then
    for c in py-sync py-pipeline py-async; do set_broken $c "python3-redis missing (sh deps/install.sh clients)"; done
else
    echo "clients: redis-py $("$PY" -c 'import redis; print(redis.__version__)')"
fi
if ! command -v node >/dev/null 2>&1; then
    for c in node-redis4 node-redis5 node-redis5-resp3 ioredis; do set_broken $c "node missing (sh deps/install.sh clients)"; done
elif ! (cd "$here/node" && node -e 'require("redis4"); require("redis"); require("ioredis")') 2>/dev/null; then
    for c in node-redis4 node-redis5 node-redis5-resp3 ioredis; do
        set_broken $c "redis-compat/clients/node/node_modules missing (sh deps/install.sh clients runs npm ci)"
    done
else
    echo "clients: node $(node --version), $(cd "$here/node" && node -e '
        const v = (p) => require(p + "/package.json").version;
        console.log(`node-redis ${v("redis4")} and ${v("redis")}, ioredis ${v("ioredis")}`)')"
fi
# go needs a build cache; without HOME (some CI shells) use the temp dir.
[ -n "${HOME:-}" ] || [ -n "${GOCACHE:-}" ] || export GOCACHE="$tmp/gocache"
if ! command -v go >/dev/null 2>&1; then
    set_broken redigo "go missing (sh deps/install.sh clients)"
elif ! (cd "$here/go" && GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS='' \
        go build -o "$tmp/bin/redigo-workflows" workflows.go) >"$tmp/go-build.log" 2>&1; then
    set_broken redigo "go build failed (golang-github-gomodule-redigo-dev?): $(head -c 300 "$tmp/go-build.log")"
fi
if ! ${CC:-cc} -std=c11 -O2 -Wall -Wextra -Werror -o "$tmp/bin/hiredis-workflows" \
        "$here/hiredis/workflows.c" -lhiredis -lm >"$tmp/cc.log" 2>&1; then
    set_broken hiredis "build failed (libhiredis-dev?): $(head -c 300 "$tmp/cc.log")"
fi
for t in redis-cli redis-benchmark; do
    command -v $t >/dev/null 2>&1 || { set_broken redis-cli "$t missing (redis-tools)"; set_broken redis-benchmark "$t missing (redis-tools)"; }
done

# client_run CLIENT WORKFLOW PORT STATE: run one workflow, output to $tmp/out.
client_run() {
    p="$1:"
    case $1 in
    py-sync | py-pipeline | py-async) set -- "$PY" "$here/py/workflows.py" "${1#py-}" "$2" "$3" "$p" "$4" ;;
    node-redis4) set -- node "$here/node/workflows.js" redis4 "$2" "$3" "$p" "$4" ;;
    node-redis5) set -- node "$here/node/workflows.js" redis5 "$2" "$3" "$p" "$4" ;;
    node-redis5-resp3) set -- node "$here/node/workflows.js" redis5-resp3 "$2" "$3" "$p" "$4" ;;
    ioredis) set -- node "$here/node/workflows.js" ioredis "$2" "$3" "$p" "$4" ;;
    redigo) set -- "$tmp/bin/redigo-workflows" "$2" "$3" "$p" "$4" ;;
    hiredis) set -- "$tmp/bin/hiredis-workflows" "$2" "$3" "$p" "$4" ;;
    redis-cli | redis-benchmark) set -- sh "$here/cli/workflows.sh" "$2" "$3" "$p" "$4" ;;
    esac
    timeout 120 "$@" >"$tmp/out" 2>&1
}

# run_one CLIENT WORKFLOW SERVER [print]: runs it; prints its line unless
# the workflow is audit1 (whose verdict joins audit2's); returns its status.
run_one() {
    reason=$(broken_reason "$1")
    start=$(now_ms)
    if [ -n "$reason" ]; then
        rc=1
        printf '%s\n' "$reason" >"$tmp/out"
    else
        client_run "$1" "$2" "$port" "$tmp/$3/$1.audit"
        rc=$?
        [ $rc -eq 124 ] && echo "timed out after 120 s" >>"$tmp/out"
    fi
    t=$(secs "$start" "$(now_ms)")
    why=$(tr '\n' ' ' <"$tmp/out" | head -c 400 | sed 's/ *$//')
    [ -n "$why" ] || why="exit status $rc"
    case $2 in
    audit1)
        eval "audit1_$(echo "$1" | tr '-' '_')=\$rc"
        eval "audit1_why_$(echo "$1" | tr '-' '_')=\$why"
        eval "audit1_t_$(echo "$1" | tr '-' '_')=\$t"
        ;;
    audit2)
        first=$(eval "printf '%s' \"\$audit1_$(echo "$1" | tr '-' '_')\"")
        t1=$(eval "printf '%s' \"\$audit1_t_$(echo "$1" | tr '-' '_')\"")
        tt=$(awk -v a="$t1" -v b="$t" 'BEGIN { printf "%.2f", a + b }')
        if [ "$first" != 0 ]; then
            result "$1" audit "$3" "$tt" "before the restart: $(eval "printf '%s' \"\$audit1_why_$(echo "$1" | tr '-' '_')\"")"
        elif [ $rc -ne 0 ]; then
            result "$1" audit "$3" "$tt" "after the restart: $why"
        else
            result "$1" audit "$3" "$tt"
        fi
        ;;
    *)
        if [ $rc -eq 0 ]; then result "$1" "$2" "$3" "$t"; else result "$1" "$2" "$3" "$t" "$why"; fi
        ;;
    esac
    return $rc
}

# start_server NAME: the oracle (redis) or Runnel, appendonly yes, in
# $tmp/NAME/data (kept across the restart).  Sets srv_pid and port.
start_server() {
    mkdir -p "$tmp/$1/data"
    if [ "$1" = redis ]; then
        srv_oracle_link "$tmp" || return 1
        srv_spawn "$tmp/$1/server.log.$2" "$SRV_ORACLE" --port @PORT@ --save '' --appendonly yes \
            --dir "$tmp/$1/data"
    else
        srv_spawn "$tmp/$1/server.log.$2" "$RUNNEL_SERVER" --port @PORT@ --save '' --appendonly yes \
            --dir "$tmp/$1/data"
    fi || { srv_log_tail "$tmp/$1/server.log.$2" >&2; return 1; }
    srv_pid=$SRV_PID
    port=$SRV_PORT
}

suite_start=$(now_ms)
for server in redis runnel; do
    server_start=$(now_ms)
    if ! start_server $server 1; then
        for c in $clients; do
            for w in jobs iot audit; do result "$c" $w $server 0 "the server did not start"; done
        done
        continue
    fi
    for c in $clients; do
        run_one "$c" jobs $server
        run_one "$c" iot $server
        run_one "$c" audit1 $server
    done
    case " $clients " in *" redis-cli "*) run_one redis-benchmark bench $server ;; esac
    # The restart: SIGTERM (the server writes and fsyncs its AOF), start
    # again on the same dir, which replays it.
    alive=1
    kill -0 "$srv_pid" 2>/dev/null || alive=0
    srv_stop "$srv_pid"
    srv_pid=
    if [ $alive = 0 ]; then
        echo "clients: $server died during the run" >&2
        srv_log_tail "$tmp/$server/server.log.1" 30 >&2
    fi
    if ! start_server $server 2; then
        for c in $clients; do result "$c" audit $server 0 "the server did not start again after the restart"; done
        continue
    fi
    for c in $clients; do run_one "$c" audit2 $server; done
    kill -0 "$srv_pid" 2>/dev/null || {
        echo "clients: $server died after the restart" >&2
        srv_log_tail "$tmp/$server/server.log.2" 30 >&2
    }
    srv_stop "$srv_pid"
    srv_pid=
    echo "clients: $server took $(secs "$server_start" "$(now_ms)")s"
done
echo "clients: total $(secs "$suite_start" "$(now_ms)")s"
echo "clients: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
