#!/bin/sh
# utils/fresh-check.sh -- the README's two commands on a minimal Debian 12.
#
#   sh utils/fresh-check.sh          (as root; not part of make test)
#
# Checks that deps/install.sh installs everything the build and the tests
# need, on a system that has nothing but what a debian:12 container has:
#
#   1. a pristine minimal Debian root (debootstrap --variant=minbase), built
#      once from the Debian mirror named in the host's apt sources and cached
#      as a tarball (FRESH_CACHE, default /tmp/runnel-fresh-bookworm.tar);
#   2. unpacked into a temp dir, where apt installs only make and git
#      (plus ca-certificates when the mirror is https);
#   3. git clones the repository's committed HEAD into it (the clone is what
#      is tested, not the work tree) and runs `make test` as root, which
#      installs its packages through deps/install.sh (network needed);
#   4. runs `make run` in a network namespace of its own (only lo, so port
#      6379 cannot clash with anything on the host) and waits for PONG.
#
# Everything inside runs in private mount and pid namespaces: the mounts
# (/proc, /sys, /dev, the repository) and every process started inside end
# with the check, also on failure or interrupt.  The temp dir is removed;
# the tarball is kept for the next run.  Ends with one line:
#
#   fresh-check: PASS (make test: N passed, 0 failed; make run: PONG) in Ns, commit C
#   fresh-check: FAIL (...) in Ns, commit C            (exit status 1)
#
# Environment:
#   FRESH_SUITE    Debian suite (default bookworm)
#   FRESH_MIRROR   Debian mirror URI (default: from the host's apt sources)
#   FRESH_CACHE    the cached pristine root (default /tmp/runnel-fresh-SUITE.tar)
#   FRESH_REBUILD=1  build the cached root again
#   FRESH_LOGDIR   where the logs of the last run are kept
#                  (default /tmp/runnel-fresh-check.logs)
set -u

suite=${FRESH_SUITE:-bookworm}
cache=${FRESH_CACHE:-/tmp/runnel-fresh-$suite.tar}
logdir=${FRESH_LOGDIR:-/tmp/runnel-fresh-check.logs}
chroot_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

say() { echo "fresh-check: $*"; }

# in_root ROOT TIMEOUT SHELL SCRIPT: run SCRIPT in the chroot with a clean
# environment (as a container would have it), no stdin, bounded in time.
# FRESH_NODE_CA (set when the host's own CAs were copied in) points Node's
# npm at the system bundle that holds them.
in_root() {
    timeout "$2" env -i PATH="$chroot_path" HOME=/root \
        ${FRESH_NODE_CA:+NODE_EXTRA_CA_CERTS=$FRESH_NODE_CA} \
        chroot "$1" "$3" -c "$4" </dev/null
}

# ---------------------------------------------------------------------------
# Inner part: pid 1 of private mount + pid namespaces, host network.
#   fresh-check.sh --inner ROOT GITDIR WORK COMMIT CERTS
# ---------------------------------------------------------------------------
if [ "${1:-}" = --inner ]; then
    root=$2 gitdir=$3 work=$4 commit=$5 certs=$6
    # shellcheck disable=SC2317 # called from the EXIT trap
    unmount_all() {
        for m in mnt/runnel-git dev sys proc; do
            if grep -q " $root/$m " /proc/self/mounts 2>/dev/null; then
                umount -R "$root/$m" 2>/dev/null || umount -R -l "$root/$m" 2>/dev/null
            fi
        done
    }
    trap unmount_all EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM HUP

    # shellcheck disable=SC2015 # any failing step leads to the message
    mount -t proc proc "$root/proc" &&
        mount -t sysfs -o ro sysfs "$root/sys" &&
        mount --rbind /dev "$root/dev" &&
        mkdir -p "$root/mnt/runnel-git" &&
        mount --bind "$gitdir" "$root/mnt/runnel-git" &&
        mount -o remount,bind,ro "$root/mnt/runnel-git" || {
        say "could not mount /proc, /sys, /dev or the repository in $root"
        exit 2
    }

    # 1. The fresh system gets make and git, nothing else, then the clone.
    t0=$(date +%s)
    {
        in_root "$root" 900 /bin/sh "
            set -e
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq
            apt-get install -y -qq --no-install-recommends make git $certs
            git -c safe.directory='*' clone -q file:///mnt/runnel-git /root/runnel
            cd /root/runnel
            git -c advice.detachedHead=false checkout -q $commit
            echo \"clone: \$(git log -1 --format='%h %s')\""
        echo "$?" >"$work/rc-setup"
    } >"$work/setup.log" 2>&1
    echo "setup: $(($(date +%s) - t0))s" >>"$work/times"
    if [ "$(cat "$work/rc-setup")" != 0 ]; then
        tail -n 20 "$work/setup.log" | sed 's/^/    /'
        exit 0
    fi
    say "installed make git${certs:+ $certs}; $(grep '^clone: ' "$work/setup.log")"

    # 2. make test, as the README says, with the host's network (deps/
    # install.sh fetches packages from the mirror).
    t0=$(date +%s)
    {
        in_root "$root" 2400 /bin/sh 'cd /root/runnel && make test'
        echo "$?" >"$work/rc-test"
    } 2>&1 | tee "$work/make-test.log"
    echo "make test: $(($(date +%s) - t0))s" >>"$work/times"

    # 3. make run in a network namespace of its own: only lo, up, so the
    # server's port 6379 is its alone.  PING through redis-cli (redis-tools
    # came with make test) or, without it, bash's /dev/tcp.
    t0=$(date +%s)
    {
        # shellcheck disable=SC2016 # the scripts expand in the namespace
        unshare --net sh -c '
            ip link set lo up || exit 2
            timeout 300 env -i PATH="$1" HOME=/root chroot "$2" /bin/bash -c "$3" </dev/null
        ' sh "$chroot_path" "$root" '
            cd /root/runnel || exit 2
            setsid make run >/tmp/make-run.log 2>&1 </dev/null &
            pid=$!
            ping_once() {
                if command -v redis-cli >/dev/null 2>&1; then
                    timeout 2 redis-cli -p 6379 ping 2>/dev/null
                else
                    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/6379 && printf \"PING\r\n\" >&3 && head -c 7 <&3" 2>/dev/null |
                        tr -d "+\r\n"
                fi
            }
            reply= i=0
            while [ $i -lt 1200 ]; do
                reply=$(ping_once)
                [ "$reply" = PONG ] && break
                kill -0 $pid 2>/dev/null || break
                sleep 0.1
                i=$((i + 1))
            done
            if [ "$reply" = PONG ]; then
                result=PONG
            elif kill -0 $pid 2>/dev/null; then
                result="no PONG in 120s"
            else
                wait $pid
                result="make run exited ($?) without PONG"
            fi
            # SIGTERM to make and the server (setsid made make a group leader).
            kill -TERM -- -$pid 2>/dev/null
            j=0
            while kill -0 $pid 2>/dev/null && [ $j -lt 100 ]; do sleep 0.1; j=$((j + 1)); done
            kill -KILL -- -$pid 2>/dev/null
            echo "--- make run output:"
            sed "s/^/    /" /tmp/make-run.log
            echo "run-result: $result"
        '
        echo "$?" >"$work/rc-run"
    } 2>&1 | tee "$work/make-run.log"
    echo "make run: $(($(date +%s) - t0))s" >>"$work/times"
    exit 0
fi

# ---------------------------------------------------------------------------
# Outer part, on the host.
# ---------------------------------------------------------------------------
start=$(date +%s)
script=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
repo=$(cd "$(dirname "$0")/.." && pwd)

finish() { # finish PASS|FAIL DETAIL
    say "$1 ($2) in $(($(date +%s) - start))s${commit:+, commit $(echo "$commit" | cut -c1-10)}"
    [ "$1" = PASS ]
    exit $?
}

# What is left to undo at exit, also on failure or interrupt: the namespace
# running the check or debootstrap (unshare --fork blocks SIGTERM while it
# waits, so SIGKILL; --kill-child then kills the namespace's first process,
# and with it every other), and the temp dirs.  Every mount was made in a private mount
# namespace, gone with it: in this namespace the roots are plain
# directories, and rm stays on this file system.
commit=
boot=
work=
child=
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
    if [ -n "$child" ]; then
        kill -KILL "$child" 2>/dev/null
        wait "$child" 2>/dev/null
    fi
    if [ -n "$work" ]; then
        cp "$work"/*.log "$logdir"/ 2>/dev/null
        rm -rf --one-file-system "$work"
    fi
    [ -n "$boot" ] && rm -rf --one-file-system "$boot"
    rm -f "$cache.tmp.$$"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
# run_ns ARG...: unshare ARG... in the background, waited for so that a
# signal to this shell is handled at once; returns its status.
run_ns() {
    unshare "$@" &
    child=$!
    wait "$child"
    _rc=$?
    child=
    return $_rc
}

[ "$(id -u)" -eq 0 ] || finish FAIL "must run as root: debootstrap, chroot and mounts"
commit=$(git -C "$repo" rev-parse --verify -q HEAD) || finish FAIL "$repo has no committed HEAD"
gitdir=$(cd "$repo" && cd "$(git rev-parse --git-common-dir)" && pwd) ||
    finish FAIL "cannot find the git dir of $repo"

# Host tools: debootstrap (and the Debian keyring it verifies with), ip for
# lo in the new network namespace; unshare, chroot, tar are in the base.
missing=
command -v debootstrap >/dev/null 2>&1 || missing="$missing debootstrap debian-archive-keyring"
command -v ip >/dev/null 2>&1 || missing="$missing iproute2"
if [ -n "$missing" ]; then
    say "installing on the host:$missing"
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing ||
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends $missing; } ||
        finish FAIL "could not install$missing on the host"
fi
for t in unshare chroot tar timeout setsid; do
    command -v "$t" >/dev/null 2>&1 || finish FAIL "$t missing on the host"
done

# The Debian mirror: what the host's apt sources name, as "URI SUITE COMPONENTS"
# lines from both the one-line (.list) and the deb822 (.sources) formats.
host_sources() {
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] || continue
        awk '$1 == "deb" {
            i = 2
            if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
            uri = $i; s = $(i + 1); c = ""
            for (k = i + 2; k <= NF; k++) c = c " " $k
            print uri, s, c
        }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] || continue
        awk '
        function flush(  n, m, i, j, u, s) {
            if (types ~ /(^| )deb( |$)/ && enabled != "no") {
                n = split(uris, u, " "); m = split(suites, s, " ")
                for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) print u[i], s[j], comps
            }
            types = uris = suites = comps = enabled = ""
        }
        function val() { sub(/^[^:]*:[ \t]*/, ""); return $0 }
        /^[ \t]*#/ { next }
        /^[ \t]*$/ { flush(); next }
        tolower($1) == "types:" { types = val(); next }
        tolower($1) == "uris:" { uris = val(); next }
        tolower($1) == "suites:" { suites = val(); next }
        tolower($1) == "components:" { comps = val(); next }
        tolower($1) == "enabled:" { enabled = tolower(val()); next }
        END { flush() }' "$f"
    done
}
# pick SUITE: the first URI for SUITE with component main, one ending in
# /debian or /debian-security first (third-party repositories also name
# Debian's suites).
pick() {
    host_sources | awk -v s="$1" '$2 == s && $0 ~ / main( |$)/ { sub(/\/+$/, "", $1); print $1 }' >"$work_list"
    grep -E '/debian(-security)?$' "$work_list" | head -n 1 | grep . || head -n 1 "$work_list"
}
work_list=$(mktemp) || finish FAIL "mktemp failed"
mirror=${FRESH_MIRROR:-$(pick "$suite")}
updates=$(pick "$suite-updates")
security=$(pick "$suite-security")
rm -f "$work_list"
if [ -z "$mirror" ]; then
    mirror=http://deb.debian.org/debian
    say "no $suite mirror in the host's apt sources, using $mirror"
fi
certs=
case "$mirror $updates $security" in *https:*) certs=ca-certificates ;; esac
say "commit $(echo "$commit" | cut -c1-10), mirror $mirror ($suite${updates:+, $suite-updates}${security:+, $security $suite-security})"

mkdir -p "$logdir" || finish FAIL "cannot create $logdir"
rm -f "$logdir"/*.log

# The pristine root, built once.  debootstrap runs in private mount and pid
# namespaces so that whatever it mounts or starts in the target goes away
# with it.
if [ "${FRESH_REBUILD:-0}" = 1 ]; then rm -f "$cache"; fi
if [ ! -s "$cache" ]; then
    say "building the minimal $suite root (debootstrap, a few minutes) -> $cache"
    boot=$(mktemp -d /tmp/runnel-fresh-boot.XXXXXX) || finish FAIL "mktemp failed"
    t0=$(date +%s)
    if run_ns --mount --propagation private --pid --fork --kill-child \
        debootstrap --variant=minbase "$suite" "$boot/root" "$mirror" \
        >"$logdir/debootstrap.log" 2>&1 &&
        tar --numeric-owner -C "$boot/root" -cf "$cache.tmp.$$" . &&
        mv -f "$cache.tmp.$$" "$cache"; then
        rm -rf --one-file-system "$boot"
        boot=
        say "debootstrap: $(($(date +%s) - t0))s, $(du -m "$cache" | cut -f1) MB"
    else
        tail -n 20 "$logdir/debootstrap.log" | sed 's/^/    /'
        finish FAIL "debootstrap failed, see $logdir/debootstrap.log"
    fi
else
    say "reusing the cached root $cache (FRESH_REBUILD=1 builds it again)"
fi

work=$(mktemp -d /tmp/runnel-fresh.XXXXXX) || finish FAIL "mktemp failed"
root=$work/root

# shellcheck disable=SC2015 # any failing step leads to the message
mkdir -p "$root" && tar --numeric-owner -C "$root" -xpf "$cache" && [ -x "$root/bin/sh" ] || {
    rm -f "$cache"
    finish FAIL "the cached root $cache did not unpack (removed: the next run builds it again)"
}
# What a container gets from its host: name resolution.  The apt sources of
# a debian:12 image (suite, -updates, -security), from the same mirrors.
rm -f "$root/etc/resolv.conf" "$root/etc/hosts"
cat /etc/resolv.conf >"$root/etc/resolv.conf" 2>/dev/null
cat /etc/hosts >"$root/etc/hosts" 2>/dev/null
{
    echo "deb $mirror $suite main"
    [ -n "$updates" ] && echo "deb $updates $suite-updates main"
    [ -n "$security" ] && echo "deb $security $suite-security main"
} >"$root/etc/apt/sources.list"
# No package may start a service here (the phase with packages shares the
# host's network); Runnel's lists have none, this is a guard.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
# The host's own trust anchors (here a TLS-intercepting egress proxy's CA,
# without which npm's registry answers SELF_SIGNED_CERT_IN_CHAIN), as an
# image built on this host would carry them: ca-certificates adds them to
# the system bundle, Node is pointed at it.
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
    certs=ca-certificates
    FRESH_NODE_CA=/etc/ssl/certs/ca-certificates.crt
    export FRESH_NODE_CA
fi

say "running in $root"
run_ns --mount --propagation private --pid --fork --kill-child \
    sh "$script" --inner "$root" "$gitdir" "$work" "$commit" "$certs"
rc=$?
[ -s "$work/times" ] && say "times: $(paste -sd ',' "$work/times" | sed 's/,/, /g')"

rc_setup=$(cat "$work/rc-setup" 2>/dev/null)
rc_test=$(cat "$work/rc-test" 2>/dev/null)
total=$(grep -E '^total: [0-9]+ passed, [0-9]+ failed' "$work/make-test.log" 2>/dev/null |
    tail -n 1 | sed 's/^total: //')
run=$(grep '^run-result: ' "$work/make-run.log" 2>/dev/null | tail -n 1 | sed 's/^run-result: //')

[ "$rc_setup" = 0 ] ||
    finish FAIL "setting up the fresh system failed (${rc_setup:-no status, inner rc $rc}), see $logdir/setup.log"
detail="make test: ${total:-no total line}"
[ "$rc_test" = 0 ] || detail="$detail, exit ${rc_test:-?}"
detail="$detail; make run: ${run:-no result}"
if [ "$rc_test" = 0 ] && [ -n "$total" ] && [ "${total#*passed, }" = "0 failed" ] && [ "$run" = PONG ]; then
    finish PASS "$detail"
fi
say "logs: $logdir"
finish FAIL "$detail"
