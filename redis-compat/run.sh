#!/bin/sh
# redis-compat/run.sh -- run the differential scripts against Redis and Runnel.
#
#   RUNNEL_SERVER=/abs/path/runnel-server sh redis-compat/run.sh RUNNER [SCRIPT...]
#
# Starts the oracle (Redis 7.0, see utils/servers.sh) and Runnel on free
# ports, each with its own temp dir, waits for both to answer PING, runs
# RUNNER over the scripts (default: every redis-compat/*.script), stops both
# servers (also on failure or interrupt) and exits with the runner's status.
#
# Environment:
#   RUNNEL_SERVER       the server under test (required unless self-testing)
#   COMPAT_SELF_TEST=1  check the scripts themselves: the target is a second
#                       Redis (or RUNNEL_SERVER if set) and the runner gets
#                       --self-test; every script must pass with 0 failures
#   COMPAT_FLAGS        extra runner flags, e.g. -v
#   COMPAT_KEEP=1       keep the temp dir (server logs) afterwards
set -u

usage="usage: RUNNEL_SERVER=/abs/path/runnel-server sh redis-compat/run.sh RUNNER [SCRIPT...]"
[ $# -ge 1 ] || { echo "$usage" >&2; exit 2; }
runner=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=utils/servers.sh
. "$here/../utils/servers.sh"

self_test=${COMPAT_SELF_TEST:-0}
if [ "$self_test" != 1 ] && [ -z "${RUNNEL_SERVER:-}" ]; then
    echo "run.sh: RUNNEL_SERVER is not set" >&2
    echo "$usage" >&2
    exit 2
fi
[ -x "$runner" ] || { echo "run.sh: runner '$runner' is not executable" >&2; exit 2; }
if [ $# -eq 0 ]; then
    set -- "$here"/*.script
    [ -e "$1" ] || { echo "run.sh: no scripts in $here" >&2; exit 2; }
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/runnel-compat.XXXXXX") || exit 2
oracle_pid=
target_pid=
runner_pid=

# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
    [ -n "$runner_pid" ] && kill -TERM "$runner_pid" 2>/dev/null
    srv_stop "$oracle_pid"
    srv_stop "$target_pid"
    if [ "${COMPAT_KEEP:-0}" = 1 ]; then
        echo "run.sh: kept $tmp"
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

mkdir -p "$tmp/redis" "$tmp/runnel"
srv_oracle_link "$tmp" || exit 2

if ! srv_spawn "$tmp/redis.log" "$SRV_ORACLE" --port @PORT@ --save '' \
        --appendonly no --dir "$tmp/redis"; then
    echo "run.sh: the oracle (redis-server) did not start" >&2
    srv_log_tail "$tmp/redis.log" >&2
    exit 2
fi
oracle_pid=$SRV_PID
oracle_port=$SRV_PORT

if [ -n "${RUNNEL_SERVER:-}" ]; then
    srv_spawn "$tmp/runnel.log" "$RUNNEL_SERVER" --port @PORT@ --dir "$tmp/runnel"
else
    srv_spawn "$tmp/runnel.log" "$SRV_ORACLE" --port @PORT@ --save '' \
        --appendonly no --dir "$tmp/runnel"
fi || {
    echo "run.sh: the server under test did not start: ${RUNNEL_SERVER:-second oracle}" >&2
    srv_log_tail "$tmp/runnel.log" >&2
    exit 2
}
target_pid=$SRV_PID
target_port=$SRV_PORT

label=runnel
flags=
if [ "$self_test" = 1 ]; then
    flags=--self-test
    label="redis#2 (self-test)"
fi
echo "compat: redis on port $oracle_port, $label on port $target_port"

# In the background so that a signal to this shell runs the traps at once
# (a foreground child would be waited for first).
# shellcheck disable=SC2086
"$runner" --oracle "127.0.0.1:$oracle_port" --target "127.0.0.1:$target_port" \
    $flags ${COMPAT_FLAGS:-} "$@" &
runner_pid=$!
wait "$runner_pid"
rc=$?
runner_pid=

if ! kill -0 "$target_pid" 2>/dev/null; then
    echo "run.sh: the server under test exited during the run" >&2
    srv_log_tail "$tmp/runnel.log" 40 >&2
    [ "$rc" -eq 0 ] && rc=1
    target_pid=
fi
if ! kill -0 "$oracle_pid" 2>/dev/null; then
    echo "run.sh: the oracle exited during the run" >&2
    srv_log_tail "$tmp/redis.log" >&2
    [ "$rc" -eq 0 ] && rc=1
    oracle_pid=
fi
exit "$rc"
