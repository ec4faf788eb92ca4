# utils/servers.sh -- start and stop throw-away servers (sourced, POSIX sh).
#
# Used by redis-compat/run.sh, utils/bench.sh and utils/startup-time.sh.
#
#   srv_free_port              print a TCP port nobody listens on right now
#   srv_ping PORT              true when PORT answers PING with PONG
#   srv_wait_ping PORT PID [N] wait up to N tenths of a second (default 100)
#                              for PONG; false early if PID has exited
#   srv_spawn LOG ARG...       start ARG... with each argument that is exactly
#                              @PORT@ replaced by a free port; waits for PONG
#                              (SRV_WAIT_TENTHS, default 100: 10 s);
#                              sets SRV_PID and SRV_PORT; retries with another
#                              port if the first one was taken meanwhile
#   srv_oracle_link DIR        make DIR/redis-server, the oracle (Redis 7.0),
#                              and set SRV_ORACLE to its path
#   srv_stop PID               SIGTERM, wait up to 5 s, then SIGKILL; reaps
#   srv_start_pair TMP [ARG..] oracle and Runnel side by side (benchmarks)
#   srv_bench_tmp NAME         a benchmark's temp dir in $tmp, removed (after
#                              stopping $redis_pid and $runnel_pid) on exit
#
# The oracle: the redis-tools package's /usr/bin/redis-check-rdb is the whole
# Redis server and runs as one when started under the name redis-server, so
# we start it through a symlink of that name in a temp dir.  Do not install
# the redis-server package: it starts a system service on port 6379.
# REDIS_ORACLE_BIN overrides the binary.

SRV_ORACLE_BIN=${REDIS_ORACLE_BIN:-/usr/bin/redis-check-rdb}
SRV_PID=
SRV_PORT=

srv_free_port() {
    # Python's bind to port 0 asks the kernel, which is the only reliable
    # answer; pyenv shims can exist without a working python, so test it.
    if command -v python3 >/dev/null 2>&1 &&
        python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()' 2>/dev/null; then
        return 0
    fi
    _sfp_try=0
    while [ "$_sfp_try" -lt 100 ]; do
        _sfp_try=$((_sfp_try + 1))
        _sfp_r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
        _sfp_p=$((20000 + _sfp_r % 40000))
        if command -v ss >/dev/null 2>&1; then
            [ -n "$(ss -Htln "sport = :$_sfp_p" 2>/dev/null)" ] && continue
        fi
        srv_ping "$_sfp_p" && continue
        echo "$_sfp_p"
        return 0
    done
    echo "srv_free_port: no free port found" >&2
    return 1
}

srv_ping() {
    if command -v timeout >/dev/null 2>&1; then
        [ "$(timeout 2 redis-cli -p "$1" ping 2>/dev/null)" = PONG ]
    else
        [ "$(redis-cli -p "$1" ping 2>/dev/null)" = PONG ]
    fi
}

srv_wait_ping() {
    _swp_n=${3:-100}
    _swp_i=0
    while [ "$_swp_i" -lt "$_swp_n" ]; do
        srv_ping "$1" && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
        _swp_i=$((_swp_i + 1))
    done
    return 1
}

srv_spawn() {
    _ss_log=$1
    shift
    _ss_attempt=0
    while [ "$_ss_attempt" -lt 3 ]; do
        _ss_attempt=$((_ss_attempt + 1))
        SRV_PORT=$(srv_free_port) || return 1
        (
            # Rebuild the argument list with the port filled in, then become
            # the server, so $! is the server's own pid.
            for _ss_a in "$@"; do
                shift
                [ "$_ss_a" = @PORT@ ] && _ss_a=$SRV_PORT
                set -- "$@" "$_ss_a"
            done
            exec "$@"
        ) >"$_ss_log" 2>&1 </dev/null &
        SRV_PID=$!
        if srv_wait_ping "$SRV_PORT" "$SRV_PID" "${SRV_WAIT_TENTHS:-100}"; then
            return 0
        fi
        if kill -0 "$SRV_PID" 2>/dev/null; then
            # Alive but silent all that time: not a port race, give up.
            srv_stop "$SRV_PID"
            SRV_PID=
            return 1
        fi
        wait "$SRV_PID" 2>/dev/null
        SRV_PID=
        # Exited: most likely the port was taken between choosing and
        # binding it; the log says.  Try another port.
    done
    return 1
}

srv_oracle_link() {
    SRV_ORACLE=$1/redis-server
    [ -x "$SRV_ORACLE_BIN" ] || {
        echo "oracle binary $SRV_ORACLE_BIN missing (install redis-tools)" >&2
        return 1
    }
    ln -sf "$SRV_ORACLE_BIN" "$SRV_ORACLE"
}

srv_stop() {
    [ -n "${1:-}" ] || return 0
    kill -TERM "$1" 2>/dev/null || { wait "$1" 2>/dev/null; return 0; }
    _sst_i=0
    while [ "$_sst_i" -lt 50 ] && kill -0 "$1" 2>/dev/null; do
        sleep 0.1
        _sst_i=$((_sst_i + 1))
    done
    kill -KILL "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    return 0
}

# Print the last lines of a log, indented, when it exists.
srv_log_tail() {
    [ -s "$1" ] || return 0
    echo "--- last lines of $1:"
    tail -n "${2:-20}" "$1" | sed 's/^/    /'
}

# srv_bench_tmp NAME: the benchmarks' scratch space.  Makes the temp dir
# ${TMPDIR:-/tmp}/runnel-NAME.XXXXXX and sets tmp to it, clears redis_pid and
# runnel_pid, and traps EXIT (and INT, TERM, HUP, which exit) to stop both
# servers and remove the dir.  Returns 1 when the dir cannot be made.
srv_bench_tmp() {
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/runnel-$1.XXXXXX") || return 1
    redis_pid=
    runnel_pid=
    trap srv_bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM HUP
}

# shellcheck disable=SC2317 # called from the EXIT trap
srv_bench_cleanup() {
    srv_stop "$redis_pid"
    srv_stop "$runnel_pid"
    rm -rf "$tmp"
}

# srv_start_pair TMP [ARG...]: the benchmarks' set-up.  Makes TMP/redis and
# TMP/runnel, starts the oracle (persistence off) and Runnel ($runnel, or
# src/runnel-server) on free ports with ARG... added to both, and sets
# redis_pid, redis_port, runnel_pid, runnel_port.  Returns 1 (after printing
# the log tail) when either does not start.
srv_start_pair() {
    _sp_tmp=$1
    shift
    mkdir -p "$_sp_tmp/redis" "$_sp_tmp/runnel"
    srv_oracle_link "$_sp_tmp" || return 1
    if ! srv_spawn "$_sp_tmp/redis.log" "$SRV_ORACLE" --port @PORT@ --save '' --appendonly no \
        --dir "$_sp_tmp/redis" "$@"; then
        srv_log_tail "$_sp_tmp/redis.log" >&2
        return 1
    fi
    redis_pid=$SRV_PID
    redis_port=$SRV_PORT
    if ! srv_spawn "$_sp_tmp/runnel.log" "${runnel:-src/runnel-server}" --port @PORT@ \
        --dir "$_sp_tmp/runnel" "$@"; then
        srv_log_tail "$_sp_tmp/runnel.log" >&2
        return 1
    fi
    runnel_pid=$SRV_PID
    runnel_port=$SRV_PORT
}
