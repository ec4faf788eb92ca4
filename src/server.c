/* server.c -- the server: listeners, accept, the loop, cron, effects.
 *
 * before_sleep order (STYLE.md, after Disque/Redis):
 *   1. clients with input left by the per-event command cap run again;
 *   2. effects already went to the sinks at the end of each command, and
 *      the sinks' buffers are flushed here (AOF, trace file), so a reply
 *      never reaches a client before the change it acknowledges is written;
 *   3. replies are written; clients marked for closing are freed.
 * Then event_base_loop(EVLOOP_ONCE) waits for sockets and timers.  The cron
 * timer (hz times a second) updates the clocks, closes idle clients,
 * enforces soft output limits and runs active expiry. */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "aof.h"
#include "client_pause.h"
#include "block.h"
#include "cmd_acl.h"
#include "conn.h"
#include "log.h"
#include "maxmemory.h"
#include "mem.h"
#include "multi.h"
#include "notify.h"
#include "observe.h"
#include "pubsub.h"
#include "repl.h"
#include "snapshot.h"
#include "supervise.h"
#include "util.h"

#define SERVER_RESERVED_FDS 32
#define SERVER_GATHER_ROUNDS 4 /* non-blocking looks before an fsync (appendfsync always) */

/* The server's clock is read once per command (command_call), once per
 * loop iteration and once per cron run, and cached: every use inside one
 * command sees the same instant (as Redis 7.2's command time snapshot), and
 * a pipelined burst does not pay a clock read per lookup. */
long long server_mstime(const struct server *srv)
{
    return srv->now_us / 1000;
}

void server_update_clock(struct server *srv, long long now_us)
{
    srv->now_us = now_us ? now_us : util_ustime();
}

static void random_hex(char *out, size_t n, uint64_t *seed_out)
{
    unsigned char buf[32];
    int fd = open("/dev/urandom", O_RDONLY);
    ssize_t got = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
    if (fd >= 0)
        close(fd);
    if (got != (ssize_t)sizeof(buf)) {
        uint64_t x = (uint64_t)util_ustime() ^ ((uint64_t)getpid() << 32);
        for (size_t i = 0; i < sizeof(buf); i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[i] = (unsigned char)x;
        }
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++)
        out[i] = hex[buf[i % sizeof(buf)] & 15];
    out[n] = '\0';
    memcpy(seed_out, buf + 8, sizeof(*seed_out));
}

/* Raise RLIMIT_NOFILE so maxclients fits; lower maxclients if it cannot
 * be raised, with a warning, as Redis's adjustOpenFilesLimit does. */
static void server_adjust_fd_limit(struct server *srv)
{
    rlim_t want = (rlim_t)srv->cfg.maxclients + SERVER_RESERVED_FDS;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    if (rl.rlim_cur >= want)
        return;
    struct rlimit nl = rl;
    nl.rlim_cur = want;
    if (nl.rlim_max < want)
        nl.rlim_max = want;
    if (setrlimit(RLIMIT_NOFILE, &nl) == 0)
        return;
    nl.rlim_max = rl.rlim_max;
    nl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
    if (setrlimit(RLIMIT_NOFILE, &nl) == 0)
        rl = nl;
    if (rl.rlim_cur < want) {
        long long fit = (long long)rl.rlim_cur - SERVER_RESERVED_FDS;
        if (fit < 1)
            fit = 1;
        log_warning("You requested maxclients of %u requiring at least %llu max file descriptors.",
                    srv->cfg.maxclients, (unsigned long long)want);
        log_warning("Server can't set maximum open files to %llu because of OS error: %s.",
                    (unsigned long long)want, strerror(errno));
        log_warning("Current maximum open files is %llu. maxclients has been reduced to %lld to "
                    "compensate for low ulimit.",
                    (unsigned long long)rl.rlim_cur, fit);
        srv->cfg.maxclients = (unsigned)fit;
    }
}

static void server_trace_sink(void *ud, const struct effect *effects, int n)
{
    struct server *srv = ud;
    struct reply_buf rb;
    reply_init(&rb, 2);
    effect_encode(&rb, effects, n, &srv->trace_db);
    size_t off = 0;
    while (off < rb.len) {
        ssize_t w = write(srv->trace_fd, rb.buf + off, rb.len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            log_warning("effect-trace-file write failed: %s", strerror(errno));
            break;
        }
        off += (size_t)w;
    }
    reply_free(&rb);
}

void server_remove_sink(struct server *srv, effect_sink_fn fn, void *ud)
{
    for (int i = 0; i < srv->nsinks; i++) {
        if (srv->sinks[i].fn == fn && srv->sinks[i].ud == ud) {
            memmove(&srv->sinks[i], &srv->sinks[i + 1],
                    (size_t)(srv->nsinks - i - 1) * sizeof(srv->sinks[0]));
            srv->nsinks--;
            break;
        }
    }
    srv->effects.discard = srv->nsinks == 0;
}

int server_add_sink(struct server *srv, effect_sink_fn fn, void *ud)
{
    if (srv->nsinks == SERVER_MAX_SINKS)
        return -1;
    srv->sinks[srv->nsinks].fn = fn;
    srv->sinks[srv->nsinks].ud = ud;
    srv->nsinks++;
    srv->effects.discard = 0;
    return 0;
}

int server_init(struct server *srv)
{
    srv->start_us = util_ustime();
    srv->now_us = srv->start_us;
    srv->start_ms = srv->start_us / 1000;
    random_hex(srv->run_id, 40, &srv->hash_seed);
    srv->lru_clock = (uint32_t)(srv->start_ms / 1000);
    srv->next_client_id = 1;
    srv->trace_fd = -1;
    srv->trace_db = -1;
    effect_batch_init(&srv->effects);
    srv->effects.discard = 1; /* until a sink registers */

    srv->base = event_base_new();
    if (!srv->base) {
        log_warning("Failed creating the event loop.");
        return -1;
    }
    server_adjust_fd_limit(srv);
    srv->ndbs = srv->cfg.databases;
    srv->dbs = mem_calloc(sizeof(struct db) * (size_t)srv->ndbs);
    for (int i = 0; i < srv->ndbs; i++)
        db_init(&srv->dbs[i], i, srv->hash_seed + (uint64_t)i * 0x9e3779b97f4a7c15ULL);
    srv->pubsub = pubsub_create(srv->hash_seed ^ 0x7075627375620000ULL);
    if (command_table_init(srv) < 0)
        return -1;
    char aclerr[512];
    if (acl_setup(srv, aclerr, sizeof(aclerr)) < 0) {
        log_warning("Fatal error in the configuration: %s", aclerr);
        return -1;
    }
    observe_init(srv);
    if (aof_init(srv) < 0)
        return -1;
    if (snapshot_init(srv) < 0)
        return -1;
    if (repl_init(srv) < 0)
        return -1;

    if (srv->cfg.effect_trace_file && srv->cfg.effect_trace_file[0]) {
        srv->trace_fd = open(srv->cfg.effect_trace_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (srv->trace_fd < 0) {
            log_warning("Can't open the effect trace file %s: %s", srv->cfg.effect_trace_file,
                        strerror(errno));
            return -1;
        }
        server_add_sink(srv, server_trace_sink, srv);
    }
    repl_start_from_config(srv);
    return 0;
}

/* --- Effects -------------------------------------------------------- */

void server_effects_begin(struct server *srv)
{
    srv->effects_depth++;
}

void server_effects_end(struct server *srv)
{
    if (--srv->effects_depth > 0)
        return;
    if (!srv->effects.n)
        return;
    if (srv->loading) {
        effect_batch_clear(&srv->effects);
        return;
    }
    for (int i = 0; i < srv->nsinks; i++)
        srv->sinks[i].fn(srv->sinks[i].ud, srv->effects.v, srv->effects.n);
    effect_batch_clear(&srv->effects);
}

/* An effect is not a change count: handlers add to srv->dirty what Redis
 * adds to server.dirty (an XADD 1 whatever it trims, an XDEL the entries
 * deleted, an XREADGROUP 1 per stream it delivered new entries from and 0
 * for a history read, ...), and an expired key counts nothing. */
struct effect *server_effect(struct server *srv, int dbid)
{
    return effect_new(&srv->effects, dbid);
}

struct effect *server_annotation(struct server *srv, int dbid)
{
    struct effect *e = effect_new(&srv->effects, dbid);
    effect_set_flags(&srv->effects, e, EFFECT_ANNOTATION | EFFECT_SOFT);
    return e;
}

void server_count_error(void *ud, const char *msg, size_t len)
{
    struct server *srv = ud;
    size_t n = 0;
    while (n < len && msg[n] != ' ')
        n++;
    if (n >= sizeof(srv->stat.errstats[0].name))
        n = sizeof(srv->stat.errstats[0].name) - 1;
    for (int i = 0; i < srv->stat.nerrstats; i++) {
        if (strlen(srv->stat.errstats[i].name) == n &&
            memcmp(srv->stat.errstats[i].name, msg, n) == 0) {
            srv->stat.errstats[i].count++;
            return;
        }
    }
    int cap = (int)(sizeof(srv->stat.errstats) / sizeof(srv->stat.errstats[0]));
    if (srv->stat.nerrstats == cap)
        return; /* Redis stops tracking new kinds past 128 as well */
    memcpy(srv->stat.errstats[srv->stat.nerrstats].name, msg, n);
    srv->stat.errstats[srv->stat.nerrstats].name[n] = '\0';
    srv->stat.errstats[srv->stat.nerrstats].count = 1;
    srv->stat.nerrstats++;
}

void server_key_modified(struct server *srv, struct db *db, const char *key, size_t klen)
{
    multi_touch_key(db, key, klen);
    block_signal_key(srv, db, key, klen);
}

void server_key_expired(struct server *srv, struct db *db, const char *key, size_t klen)
{
    /* The DEL is a unit of its own when no command is running (active
     * expiry), or part of the running command's unit (lazy expiry). */
    server_effects_begin(srv);
    struct effect *e = server_effect(srv, db->id);
    effect_arg(e, "DEL", 3);
    effect_arg(e, key, klen);
    multi_touch_key(db, key, klen);
    block_signal_key(srv, db, key, klen);
    notify_event(srv, NOTIFY_EXPIRED, "expired", db->id, key, klen); /* key may live in the entry */
    db_delete(db, key, klen);
    srv->stat.expiredkeys++;
    server_effects_end(srv);
}

/* --- Listeners ------------------------------------------------------- */

static void server_accept_cb(evutil_socket_t fd, short what, void *arg);

static int listen_tcp(struct server *srv, const char *addr, int port, int optional)
{
    if (srv->nlisteners == SERVER_MAX_LISTENERS) {
        log_warning("Too many bind addresses");
        return -1;
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
    char portstr[16];
    snprintf(portstr, sizeof(portstr), "%d", port);
    const char *host = addr;
    if (strcmp(addr, "*") == 0)
        host = "0.0.0.0";
    else if (strcmp(addr, "::*") == 0)
        host = "::";
    int rc = getaddrinfo(host, portstr, &hints, &res);
    if (rc != 0) {
        if (optional)
            return 0;
        log_warning("Warning: Could not create server TCP listening socket %s:%d: %s", addr, port,
                    gai_strerror(rc));
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        goto fail;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (res->ai_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, srv->cfg.tcp_backlog) < 0)
        goto fail;
    freeaddrinfo(res);
    evutil_make_socket_nonblocking(fd);
    struct listener *l = &srv->listeners[srv->nlisteners++];
    l->srv = srv;
    l->fd = fd;
    l->unix_socket = 0;
    snprintf(l->addr, sizeof(l->addr), "%s:%d", addr, port);
    l->ev = event_new(srv->base, fd, EV_READ | EV_PERSIST, server_accept_cb, l);
    event_add(l->ev, NULL);
    return 0;
fail:;
    int err = errno;
    if (fd >= 0)
        close(fd);
    freeaddrinfo(res);
    if (optional && (err == EADDRNOTAVAIL || err == EAFNOSUPPORT || err == EPROTONOSUPPORT ||
                     err == ESOCKTNOSUPPORT || err == EINVAL)) {
        return 0;
    }
    log_warning("Warning: Could not create server TCP listening socket %s:%d: %s", addr, port,
                strerror(err));
    return -1;
}

static int listen_unix(struct server *srv)
{
    const char *path = srv->cfg.unixsocket;
    struct sockaddr_un sa;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        log_warning("Unix socket path too long: %s", path);
        return -1;
    }
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, path);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(fd, srv->cfg.tcp_backlog) < 0) {
        log_warning("Failed opening Unix socket: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (srv->cfg.unixsocketperm)
        chmod(path, (mode_t)srv->cfg.unixsocketperm);
    evutil_make_socket_nonblocking(fd);
    struct listener *l = &srv->listeners[srv->nlisteners++];
    l->srv = srv;
    l->fd = fd;
    l->unix_socket = 1;
    snprintf(l->addr, sizeof(l->addr), "%s", path);
    l->ev = event_new(srv->base, fd, EV_READ | EV_PERSIST, server_accept_cb, l);
    event_add(l->ev, NULL);
    return 0;
}

static void server_close_listeners(struct server *srv, int tcp_only)
{
    int kept = 0;
    for (int i = 0; i < srv->nlisteners; i++) {
        struct listener *l = &srv->listeners[i];
        if (tcp_only && l->unix_socket) {
            srv->listeners[kept++] = *l;
            continue;
        }
        event_free(l->ev);
        close(l->fd);
        if (l->unix_socket)
            unlink(l->addr);
    }
    srv->nlisteners = kept;
}

static int server_listen_tcp(struct server *srv)
{
    if (srv->cfg.port == 0)
        return 0;
    for (int i = 0; i < srv->cfg.bind.count; i++) {
        const char *a = srv->cfg.bind.addr[i];
        int optional = a[0] == '-';
        if (listen_tcp(srv, optional ? a + 1 : a, srv->cfg.port, optional) < 0)
            return -1;
    }
    return 0;
}

int server_listen(struct server *srv)
{
    if (server_listen_tcp(srv) < 0)
        return -1;
    if (srv->cfg.unixsocket && srv->cfg.unixsocket[0] && listen_unix(srv) < 0)
        return -1;
    if (srv->nlisteners == 0) {
        log_warning("Configured to not listen anywhere, exiting.");
        return -1;
    }
    return 0;
}

/* The peer's address as text ("127.0.0.1", "::1", "::ffff:10.0.0.1"). */
static int peer_ip(int fd, char *buf, size_t cap)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (getpeername(fd, (struct sockaddr *)&ss, &sl) < 0)
        return -1;
    const void *a = ss.ss_family == AF_INET6 ? (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr
                                             : (const void *)&((struct sockaddr_in *)&ss)->sin_addr;
    if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
        return -1;
    return inet_ntop(ss.ss_family, a, buf, (socklen_t)cap) ? 0 : -1;
}

static void server_accept_cb(evutil_socket_t lfd, short what, void *arg)
{
    (void)what;
    struct listener *l = arg;
    struct server *srv = l->srv;
    /* Accept a bounded batch per event so a connection storm cannot hold
     * the loop. */
    for (int i = 0; i < 100; i++) {
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                log_warning("Accepting client connection: %s", strerror(errno));
            return;
        }
        if (srv->nclients >= (long long)srv->cfg.maxclients) {
            static const char err[] = "-ERR max number of clients reached\r\n";
            /* Best effort, as Redis: the socket is new, the write fits. */
            if (write(fd, err, sizeof(err) - 1) < 0) {
            }
            close(fd);
            srv->stat.rejected_conn++;
            log_verbose("Rejected connection: max number of clients reached");
            continue;
        }
        const char *denied;
        char ip[INET6_ADDRSTRLEN];
        if (!l->unix_socket && peer_ip(fd, ip, sizeof(ip)) == 0 &&
            acl_protected_mode_refuses(srv, ip, &denied)) {
            /* Protected mode: Redis's DENIED text, then close. */
            if (write(fd, denied, strlen(denied)) < 0) {
            }
            close(fd);
            srv->stat.rejected_conn++;
            log_verbose("Refused a connection from %s: protected mode", ip);
            continue;
        }
        struct conn *c = conn_create(srv, fd, l->unix_socket ? CONN_UNIX : 0);
        srv->stat.numconnections++;
        log_verbose("Accepted %s", c->addr);
    }
}

/* --- The loop ---------------------------------------------------------- */

static void server_before_sleep(struct server *srv)
{
    /* 0. Keys made ready outside a command (expiry, timers). */
    block_serve_ready(srv);
    /* 1. Input left over by the per-event command cap. */
    struct conn *work = srv->pending_input;
    srv->pending_input = NULL;
    while (work) {
        struct conn *c = work;
        work = c->input_next;
        c->input_next = NULL;
        c->flags &= ~CONN_PENDING_INPUT;
        conn_process_input(c); /* may queue c again, or free it */
    }

    /* 2. The AOF: one write (and under appendfsync always one fsync) for
     * every unit of this iteration, before any reply acknowledges one.
     * Group commit: before an fsync, the requests that arrived while this
     * batch ran are taken in too (a look at the sockets that does not
     * wait), so that their writes share it instead of paying for the
     * next.  With 50 clients at pipeline 1 a batch was ~36 requests,
     * because the rest were still on their way when the loop looked. */
    for (int round = 0; round < SERVER_GATHER_ROUNDS && aof_fsync_due(srv); round++) {
        long long before = srv->stat.numcommands;
        if (event_base_loop(srv->base, EVLOOP_NONBLOCK) < 0 || srv->stat.numcommands == before)
            break;
    }
    aof_before_sleep(srv);

    /* 3. Replies and closes. */
    while (srv->pending) {
        struct conn *c = srv->pending;
        srv->pending = c->pending_next;
        c->pending_next = NULL;
        c->flags &= ~CONN_PENDING_WRITE;
        if (c->flags & CONN_CLOSE_ASAP) {
            conn_free(c);
            continue;
        }
        if (conn_write(c) < 0) {
            conn_free(c);
            continue;
        }
        if ((c->flags & CONN_CLOSE_AFTER_REPLY) && !reply_pending(&c->out))
            conn_free(c);
    }
}

static int server_has_pending_input(const struct server *srv)
{
    return srv->pending_input != NULL;
}

static void server_cron(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct server *srv = arg;
    server_update_clock(srv, 0);
    long long now = server_mstime(srv);
    srv->lru_clock = (uint32_t)(now / 1000);
    srv->cronloops++;

    /* Idle clients (timeout) and soft output-buffer limits. */
    struct conn *next;
    for (struct conn *c = srv->clients; c; c = next) {
        next = c->next;
        if (srv->cfg.timeout && !(c->flags & (CONN_BLOCKED | CONN_MONITOR)) && !c->postponed &&
            now - c->last_ms > (long long)srv->cfg.timeout * 1000) {
            log_verbose("Closing idle client");
            conn_close_asap(c);
            continue;
        }
        if (reply_pending(&c->out))
            conn_check_output_limit(c, now);
    }

    aof_cron(srv);
    client_pause_cron(srv);
    snapshot_cron(srv);
    repl_cron(srv);
    maxmemory_refresh(srv, 0);

    /* Active expiry: a bounded number of buckets per db per run. */
    long long expire_start = util_ustime();
    /* A replica waits for its master's DELs (Redis's replicas do not
     * expire keys actively either). */
    int expire_off = srv->active_expire_off || srv->repl->master_host || client_pause_active(srv);
    for (int i = 0; i < srv->ndbs && !expire_off; i++)
        db_active_expire(srv, &srv->dbs[i], 20);
    observe_expire_cycle(srv, util_ustime() - expire_start);
    observe_cron(srv);

    if (srv->shutdown_asap)
        event_base_loopbreak(srv->base);
}

static void server_signal_cb(evutil_socket_t sig, short what, void *arg)
{
    (void)what;
    struct server *srv = arg;
    const char *name = sig == SIGINT ? "SIGINT" : "SIGTERM";
    if (srv->shutdown_asap && sig == SIGINT) {
        log_warning("You insist... exiting now.");
        exit(1);
    }
    log_warning("Received %s scheduling shutdown...", name);
    srv->shutdown_asap = 1;
    event_base_loopbreak(srv->base);
}

/* SIGHUP: reopen the log file (logrotate).  libevent runs this from the
 * loop, never inside the signal handler, so fopen and logging are safe. */
static void server_sighup_cb(evutil_socket_t sig, short what, void *arg)
{
    (void)sig;
    (void)what;
    (void)arg;
    if (log_reopen() < 0)
        log_warning("Received SIGHUP, but the log file could not be reopened: %s",
                    strerror(errno));
    else
        log_notice("Received SIGHUP, log file reopened.");
}

static void server_schedule_cron(struct server *srv)
{
    int hz = srv->cfg.hz > 0 ? srv->cfg.hz : 10;
    struct timeval tv = {0, 1000000 / hz};
    if (!srv->cron_ev)
        srv->cron_ev = event_new(srv->base, -1, EV_PERSIST, server_cron, srv);
    event_del(srv->cron_ev);
    event_add(srv->cron_ev, &tv);
    srv->hz = hz;
}

int server_run(struct server *srv)
{
    signal(SIGPIPE, SIG_IGN);
    srv->signal_evs[0] = evsignal_new(srv->base, SIGTERM, server_signal_cb, srv);
    srv->signal_evs[1] = evsignal_new(srv->base, SIGINT, server_signal_cb, srv);
    srv->signal_evs[2] = evsignal_new(srv->base, SIGHUP, server_sighup_cb, srv);
    event_add(srv->signal_evs[0], NULL);
    event_add(srv->signal_evs[1], NULL);
    event_add(srv->signal_evs[2], NULL);
    server_schedule_cron(srv);
    log_notice("Ready to accept connections");
again:
    while (!srv->shutdown_asap) {
        server_update_clock(srv, 0);
        server_before_sleep(srv);
        if (srv->shutdown_asap)
            break;
        if (srv->hz != srv->cfg.hz)
            server_schedule_cron(srv);
        int flags = server_has_pending_input(srv) || srv->pending ? EVLOOP_NONBLOCK : EVLOOP_ONCE;
        if (event_base_loop(srv->base, flags) < 0) {
            log_warning("Event loop failed");
            return -1;
        }
    }
    supervise_stopping(srv);
    /* SIGTERM/SIGINT: the final save, as SHUTDOWN without options (SHUTDOWN
     * itself saved before replying).  A failed save keeps the server
     * running, as Redis does. */
    if (!srv->shutdown_prepared && snapshot_prepare_shutdown(srv, 0) < 0) {
        log_warning("SIGTERM received but errors trying to shut down the server, check the logs "
                    "for more information");
        srv->shutdown_asap = 0;
        goto again;
    }
    /* Flush what SHUTDOWN or the last commands queued. */
    server_before_sleep(srv);
    return 0;
}

void server_shutdown(struct server *srv)
{
    log_warning("User requested shutdown...");
    server_close_listeners(srv, 0);
    aof_shutdown(srv);
    if (srv->cfg.pidfile && srv->cfg.pidfile[0]) {
        log_notice("Removing the pid file.");
        unlink(srv->cfg.pidfile);
    }
    log_warning("Runnel is now ready to exit, bye bye...");
}

void server_free(struct server *srv)
{
    while (srv->clients)
        conn_free(srv->clients);
    repl_free(srv);
    pubsub_free(srv->pubsub);
    srv->pubsub = NULL;
    for (int i = 0; i < srv->ndbs; i++)
        db_free(&srv->dbs[i]);
    mem_free(srv->dbs);
    observe_free(srv);
    acl_teardown(srv);
    command_table_free(srv);
    effect_batch_free(&srv->effects);
    aof_free(srv);
    snapshot_free(srv);
    mem_free(srv->ready);
    if (srv->trace_fd >= 0)
        close(srv->trace_fd);
    for (int i = 0; i < 3; i++)
        if (srv->signal_evs[i])
            event_free(srv->signal_evs[i]);
    if (srv->cron_ev)
        event_free(srv->cron_ev);
    if (srv->base)
        event_base_free(srv->base);
    config_free(&srv->cfg);
    mem_free(srv->executable);
}

/* --- Runtime config changes --------------------------------------------- */

int server_apply_config(void *opaque, const char *name, char *err, size_t errlen)
{
    struct server *srv = opaque;
    if (strcmp(name, "port") == 0 || strcmp(name, "bind") == 0) {
        /* Re-listen on the new TCP addresses; keep the old ones if that
         * fails, as Redis's changeBindAddr does. */
        struct listener saved[SERVER_MAX_LISTENERS];
        int nsaved = srv->nlisteners;
        memcpy(saved, srv->listeners, sizeof(saved));
        srv->nlisteners = 0;
        for (int i = 0; i < nsaved; i++)
            if (saved[i].unix_socket)
                srv->listeners[srv->nlisteners++] = saved[i];
        int keep_unix = srv->nlisteners;
        if (server_listen_tcp(srv) < 0) {
            for (int i = keep_unix; i < srv->nlisteners; i++) {
                event_free(srv->listeners[i].ev);
                close(srv->listeners[i].fd);
            }
            memcpy(srv->listeners, saved, sizeof(saved));
            srv->nlisteners = nsaved;
            snprintf(err, errlen, "Unable to listen on this port");
            return -1;
        }
        for (int i = 0; i < nsaved; i++) {
            if (!saved[i].unix_socket) {
                event_free(saved[i].ev);
                close(saved[i].fd);
            }
        }
        return 0;
    }
    if (strcmp(name, "maxclients") == 0) {
        unsigned wanted = srv->cfg.maxclients;
        server_adjust_fd_limit(srv);
        if (srv->cfg.maxclients != wanted) {
            snprintf(err, errlen, "The operating system is not able to handle the specified "
                                  "number of clients, try with %u", srv->cfg.maxclients);
            return -1;
        }
        return 0;
    }
    if (strcmp(name, "appendonly") == 0)
        return aof_set_enabled(srv, srv->cfg.appendonly, err, errlen);
    if (strcmp(name, "latency-tracking-info-percentiles") == 0) {
        double pct[16];
        return observe_parse_percentiles(srv->cfg.latency_tracking_info_percentiles, pct, 16,
                                         err, errlen) < 0
                   ? -1
                   : 0;
    }
    if (strcmp(name, "maxmemory") == 0) {
        maxmemory_config_changed(srv);
        return 0;
    }
    if (strcmp(name, "requirepass") == 0) {
        acl_requirepass_changed(srv);
        return 0;
    }
    if (strcmp(name, "repl-backlog-size") == 0) {
        repl_backlog_resize(srv);
        return 0;
    }
    if (strcmp(name, "loglevel") == 0) {
        log_set_level(srv->cfg.loglevel);
        return 0;
    }
    if (strcmp(name, "proto-max-bulk-len") == 0) {
        for (struct conn *c = srv->clients; c; c = c->next)
            c->parser.max_bulk_len = srv->cfg.proto_max_bulk_len;
        return 0;
    }
    return 0;
}
