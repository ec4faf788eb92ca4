/* repl_master.c -- the master side of replication: replicas attached by
 * PSYNC/SYNC, the full sync, the effect stream, ACKs and WAIT.
 *
 * Invariants:
 *   - every online replica has received exactly the bytes [its sync offset,
 *     repl->offset) of the stream, in the same order (one shared encoding
 *     per unit, appended to each replica's output);
 *   - the effect sink is registered only while some replica is attached or
 *     a backlog exists, so a server without either builds no effects (and
 *     its master_repl_offset stays where it is, as Redis without a backlog);
 *   - a replica that has not finished its handshake gets nothing. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#include "conn.h"
#include "handlers.h"
#include "log.h"
#include "mem.h"
#include "rdb.h"
#include "repl.h"
#include "server.h"
#include "util.h"

#define REPL_PING "*1\r\n$4\r\nPING\r\n"
#define REPL_GETACK "*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n"

/* 40 random hex digits (a replication ID). */
static void random_replid(char *out)
{
    unsigned char raw[20] = {0};
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, raw, sizeof(raw)) != (ssize_t)sizeof(raw)) {
        /* No urandom: the clock and the pid still make it unlikely to repeat. */
        unsigned long long x = (unsigned long long)util_ustime() ^ ((unsigned long long)getpid() << 32);
        for (size_t i = 0; i < sizeof(raw); i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            raw[i] = (unsigned char)(x >> 56);
        }
    }
    if (fd >= 0)
        close(fd);
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof(raw); i++) {
        out[2 * i] = hex[raw[i] >> 4];
        out[2 * i + 1] = hex[raw[i] & 15];
    }
    out[40] = '\0';
}

/* Append bytes of the stream to every online replica and count them. */
void repl_master_feed_raw(struct server *srv, const char *p, size_t len)
{
    struct repl *r = srv->repl;
    long long now = server_mstime(srv);
    for (struct repl_peer *pe = r->peers; pe; pe = pe->next) {
        if (pe->c->flags & (CONN_CLOSE_ASAP | CONN_CLOSE_AFTER_REPLY))
            continue;
        if (pe->sync == REPL_SYNC_IN_CHILD || pe->wait_ack) {
            reply_raw(&pe->pending, p, len);
            continue;
        }
        if (!pe->online)
            continue;
        reply_raw(&pe->c->out, p, len);
        conn_want_write(pe->c);
        conn_check_output_limit(pe->c, now);
    }
    r->offset += (long long)len;
    repl_backlog_feed(r, p, len);
}

/* The sink: a unit of effects, as the AOF encodes it but without the '#'
 * annotations (a replica would run them as commands). */
static void repl_sink(void *ud, const struct effect *effects, int n)
{
    struct server *srv = ud;
    struct repl *r = srv->repl;
    if (r->master_host || srv->loading)
        return; /* a replica passes its master's bytes on as they are */
    struct effect stack[16];
    struct effect *v = n <= 16 ? stack : mem_alloc(sizeof(*v) * (size_t)n);
    int k = 0;
    for (int i = 0; i < n; i++)
        if (!(effects[i].flags & EFFECT_ANNOTATION))
            v[k++] = effects[i];
    /* WAIT waits for the offset of the caller's own last write. */
    if (k > 0) {
        r->enc.len = r->enc.sent = 0;
        effect_encode(&r->enc, v, k, &r->stream_db);
        repl_master_feed_raw(srv, r->enc.buf, r->enc.len);
        if (srv->current)
            srv->current->repl_woff = r->offset;
    }
    if (v != stack)
        mem_free(v);
}

int repl_online_peers(const struct server *srv)
{
    int n = 0;
    for (struct repl_peer *pe = srv->repl->peers; pe; pe = pe->next)
        n += pe->online;
    return n;
}

void repl_master_sink_update(struct server *srv)
{
    struct repl *r = srv->repl;
    int want = r->peers || r->backlog;
    if (want && !r->sink_on && server_add_sink(srv, repl_sink, srv) == 0)
        r->sink_on = 1;
    else if (!want && r->sink_on) {
        server_remove_sink(srv, repl_sink, srv);
        r->sink_on = 0;
    }
}

/* The peer's address without the port: "ip" of "ip:port". */
static void peer_ip(const struct conn *c, char *out, size_t cap)
{
    snprintf(out, cap, "%s", c->addr);
    char *colon = strrchr(out, ':');
    if (colon)
        *colon = '\0';
}

int repl_master_attach(struct conn *c, const char *ip)
{
    struct server *srv = c->srv;
    struct repl *r = srv->repl;
    if (c->repl_peer)
        return 0;
    struct repl_peer *pe = mem_calloc(sizeof(*pe));
    pe->c = c;
    reply_init(&pe->pending, 2);
    if (ip)
        snprintf(pe->ip, sizeof(pe->ip), "%s", ip);
    else
        peer_ip(c, pe->ip, sizeof(pe->ip));
    pe->next = r->peers;
    r->peers = pe;
    c->repl_peer = pe;
    repl_master_sink_update(srv);
    return 0;
}

/* The child: the dataset as it was at the fork, into r->sync_file. */
static void sync_child_main(struct server *srv)
{
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
    char err[1024];
    if (rdb_save_file(srv, srv->repl->sync_file, err, sizeof(err)) < 0) {
        log_warning("Replication RDB: %s", err);
        _exit(1);
    }
    _exit(0);
}

/* Fork a child for every replica waiting for one; +FULLRESYNC to each. */
static void sync_start_child(struct server *srv)
{
    struct repl *r = srv->repl;
    int waiting = 0, all_eof = 1;
    long long oldest = LLONG_MAX;
    for (struct repl_peer *pe = r->peers; pe; pe = pe->next) {
        if (pe->sync != REPL_SYNC_WAIT_BGSAVE)
            continue;
        waiting++;
        all_eof &= (pe->c->flags & CONN_REPL_CAPA_EOF) != 0;
        if (pe->wait_since_ms < oldest)
            oldest = pe->wait_since_ms;
    }
    if (!waiting || r->sync_child > 0 || r->pipe_fd >= 0)
        return;
    /* Diskless when every waiting replica takes the EOF form (Redis picks
     * the disk when one of them cannot); it waits for more replicas to
     * share the child, up to the delay or the max count. */
    int diskless = srv->cfg.repl_diskless_sync && all_eof;
    int max = srv->cfg.repl_diskless_sync_max_replicas;
    if (diskless && !(max > 0 && waiting >= max) &&
        server_mstime(srv) - oldest < (long long)srv->cfg.repl_diskless_sync_delay * 1000)
        return;
    snprintf(r->sync_file, sizeof(r->sync_file), "temp-repl-%ld.rdb", (long)getpid());
    long long start = util_ustime();
    pid_t pid = diskless ? repl_diskless_fork(srv) : fork();
    if (pid < 0) {
        log_warning("Can't fork for the replicas' full sync: %s", strerror(errno));
        for (struct repl_peer *pe = r->peers; pe; pe = pe->next)
            if (pe->sync == REPL_SYNC_WAIT_BGSAVE)
                conn_close_asap(pe->c);
        return;
    }
    if (pid == 0)
        sync_child_main(srv); /* never returns */
    srv->stat.total_forks++;
    srv->stat.latest_fork_usec = util_ustime() - start;
    r->sync_child = pid;
    r->sync_diskless = diskless;
    log_notice("Starting BGSAVE for SYNC with target: %s (pid %ld), offset %lld",
               diskless ? "replicas sockets" : "disk", (long)pid, r->offset);
    for (struct repl_peer *pe = r->peers; pe; pe = pe->next) {
        if (pe->sync != REPL_SYNC_WAIT_BGSAVE)
            continue;
        pe->sync = REPL_SYNC_IN_CHILD;
        pe->pending.len = pe->pending.sent = 0;
        if (pe->psync) {
            char head[128];
            int hl = snprintf(head, sizeof(head), "+FULLRESYNC %s %lld\r\n", r->replid,
                              r->offset);
            reply_raw(&pe->c->out, head, (size_t)hl);
            conn_want_write(pe->c);
        }
    }
    /* The new readers start in db 0: the next effect says SELECT. */
    r->stream_db = -1;
}

/* The child ended: ship its file and the pending stream, or give up. */
static void sync_child_done(struct server *srv, int ok)
{
    struct repl *r = srv->repl;
    char *data = NULL;
    size_t len = 0;
    if (ok) {
        int fd = open(r->sync_file, O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd >= 0 && fstat(fd, &st) == 0) {
            len = (size_t)st.st_size;
            data = mem_alloc(len ? len : 1);
            size_t got = 0;
            while (got < len) {
                ssize_t n = read(fd, data + got, len - got);
                if (n <= 0 && !(n < 0 && errno == EINTR))
                    break;
                if (n > 0)
                    got += (size_t)n;
            }
            ok = got == len;
        } else {
            ok = 0;
        }
        if (fd >= 0)
            close(fd);
    }
    unlink(r->sync_file);
    long long now = server_mstime(srv);
    for (struct repl_peer *pe = r->peers; pe; pe = pe->next) {
        if (pe->sync != REPL_SYNC_IN_CHILD)
            continue;
        struct conn *c = pe->c;
        pe->sync = REPL_SYNC_NONE;
        if (!ok) {
            conn_close_asap(c);
            continue;
        }
        char head[64];
        int hl = snprintf(head, sizeof(head), "$%zu\r\n", len);
        reply_raw(&c->out, head, (size_t)hl);
        reply_raw(&c->out, data, len);
        reply_raw(&c->out, pe->pending.buf, pe->pending.len);
        reply_free(&pe->pending);
        reply_init(&pe->pending, 2);
        pe->online = 1;
        pe->ack_ms = now;
        /* Its own requests get no replies from now on: the output is the
         * stream (Redis never answers a replica's REPLCONF ACK). */
        c->reply_mode = REPLY_OFF;
        conn_want_write(c);
        log_notice("Synchronization with replica %s succeeded (%zu bytes of RDB)", c->addr, len);
    }
    if (!ok)
        log_warning("The RDB for the replicas' full sync failed; their links are closed");
    mem_free(data);
}

/* PSYNC/SYNC: the replica waits for a child (see sync_start_child). */
void repl_master_full_sync(struct conn *c, int psync)
{
    struct server *srv = c->srv;
    struct repl *r = srv->repl;
    if (!c->repl_peer)
        repl_master_attach(c, NULL);
    struct repl_peer *pe = c->repl_peer;
    pe->psync = psync;
    pe->ack_off = 0;
    pe->sync = REPL_SYNC_WAIT_BGSAVE;
    srv->stat.sync_full++;
    pe->wait_since_ms = server_mstime(c->srv);
    log_notice("Replica %s asks for synchronization", c->addr);
    /* A backlog made from scratch starts a new history: no replica can
     * continue an older one from it (Redis's syncCommand). */
    if (!r->backlog && !r->master_host) {
        repl_new_replid(srv);
        repl_clear_replid2(srv);
        repl_backlog_create(srv);
        log_notice("Replication backlog created, my new replication IDs are '%s' and '%s'",
                   r->replid, r->replid2);
    }
    if (c->srv->cfg.repl_diskless_sync && (c->flags & CONN_REPL_CAPA_EOF) &&
        c->srv->cfg.repl_diskless_sync_delay > 0)
        log_notice("Delay next BGSAVE for diskless SYNC");
    sync_start_child(c->srv);
}

static void sync_cron(struct server *srv)
{
    struct repl *r = srv->repl;
    if (r->sync_child > 0) {
        int status;
        pid_t p = waitpid(r->sync_child, &status, WNOHANG);
        if (p == 0)
            return;
        r->sync_child = -1;
        int ok = p > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (!r->sync_diskless)
            sync_child_done(srv, ok);
        else if (!ok)
            log_warning("The diskless sync child exited with an error (or was killed)");
        /* A diskless child's end is its pipe's (repl_diskless.c). */
        r->sync_diskless = 0;
    }
    sync_start_child(srv);
}

/* Replicas whose first ACK after a diskless RDB came: online now. */
static void peers_go_online(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct server *srv = arg;
    for (struct repl_peer *pe = srv->repl->peers; pe; pe = pe->next) {
        if (pe->wait_ack != 2)
            continue;
        struct conn *c = pe->c;
        pe->wait_ack = 0;
        pe->online = 1;
        reply_raw(&c->out, pe->pending.buf, pe->pending.len);
        reply_free(&pe->pending);
        reply_init(&pe->pending, 2);
        conn_want_write(c);
        log_notice("Synchronization with replica %s succeeded", c->addr);
    }
}

void repl_master_ack(struct conn *c, long long off)
{
    struct repl_peer *pe = c->repl_peer;
    if (!pe)
        return;
    if (off > pe->ack_off)
        pe->ack_off = off;
    pe->ack_ms = server_mstime(c->srv);
    if (pe->wait_ack == 1) {
        /* The diskless RDB was read: the stream since the fork follows,
         * from the loop (what this ACK's own command writes to c->out is
         * dropped, its reply mode being off). */
        pe->wait_ack = 2;
        struct timeval now0 = {0, 0};
        event_base_once(c->srv->base, -1, EV_TIMEOUT, peers_go_online, c->srv, &now0);
    }
    repl_master_check_waiters(c->srv);
}

static long long acked_count(const struct server *srv, long long target)
{
    long long n = 0;
    for (struct repl_peer *pe = srv->repl->peers; pe; pe = pe->next)
        if (pe->online && pe->ack_off >= target)
            n++;
    return n;
}

/* End a WAIT: its reply, and the client runs again. */
static void waiter_end(struct server *srv, struct repl_waiter *w)
{
    struct conn *c = w->c;
    if (c->flags & CONN_BLOCKED) {
        c->flags &= ~CONN_BLOCKED;
        srv->blocked_clients--;
        /* Counted when it ends, as block_end counts blocked commands:
         * INFO commandstats showed no WAIT that had to wait. */
        if (c->block.cmd)
            ((struct command *)c->block.cmd)->calls++;
        reply_int(&c->out, acked_count(srv, w->target));
        if (c->qpos < c->qlen)
            conn_want_input(c);
        conn_want_write(c);
    }
}

void repl_master_wait(struct conn *c, long long numreplicas, long long timeout_ms)
{
    struct server *srv = c->srv;
    struct repl *r = srv->repl;
    long long target = c->repl_woff;
    long long have = acked_count(srv, target);
    if (have >= numreplicas || (c->flags & (CONN_MULTI | CONN_IN_EXEC | CONN_FAKE))) {
        reply_int(&c->out, have);
        return;
    }
    struct repl_waiter *w = mem_calloc(sizeof(*w));
    w->c = c;
    w->target = target;
    w->numreplicas = numreplicas;
    w->deadline_ms = timeout_ms > 0 ? server_mstime(srv) + timeout_ms : 0;
    w->next = r->waiters;
    r->waiters = w;
    /* Blocked without keys: input stops until waiter_end; CLIENT UNBLOCK
     * and disconnects go through block_end, which knows nothing of us
     * (repl_master_check_waiters notices the flag is gone). */
    c->block.cmd = c->cmd;
    c->block.since_ms = server_mstime(srv);
    c->flags |= CONN_BLOCKED;
    srv->blocked_clients++;
    /* Ask every replica for its offset now rather than at its next ACK. */
    if (repl_online_peers(srv) && !r->master_host)
        repl_master_feed_raw(srv, REPL_GETACK, sizeof(REPL_GETACK) - 1);
}

void repl_master_check_waiters(struct server *srv)
{
    struct repl *r = srv->repl;
    long long now = server_mstime(srv);
    struct repl_waiter **pp = &r->waiters;
    while (*pp) {
        struct repl_waiter *w = *pp;
        int done = !(w->c->flags & CONN_BLOCKED) ||
                   acked_count(srv, w->target) >= w->numreplicas ||
                   (w->deadline_ms && now >= w->deadline_ms);
        if (!done) {
            pp = &w->next;
            continue;
        }
        *pp = w->next;
        waiter_end(srv, w);
        mem_free(w);
    }
}

void repl_master_drop_peers(struct server *srv)
{
    for (struct repl_peer *pe = srv->repl->peers; pe; pe = pe->next)
        conn_close_asap(pe->c);
}

void repl_master_shift_replid(struct server *srv)
{
    struct repl *r = srv->repl;
    memcpy(r->replid2, r->replid, sizeof(r->replid2));
    r->second_offset = r->offset + 1;
    random_replid(r->replid);
    log_notice("Setting secondary replication ID to %s, valid up to offset: %lld. New "
               "replication ID is %s", r->replid2, r->second_offset, r->replid);
}

void repl_new_replid(struct server *srv)
{
    random_replid(srv->repl->replid);
}

void repl_clear_replid2(struct server *srv)
{
    struct repl *r = srv->repl;
    memset(r->replid2, '0', 40);
    r->replid2[40] = '\0';
    r->second_offset = -1;
}

int repl_rdb_save_info(struct server *srv, int *db)
{
    struct repl *r = srv->repl;
    if (!r)
        return 0;
    if (!r->master_host && r->backlog) {
        /* No SELECT sent since the last full sync: the next write sends
         * one, so 0 is as good as any (Redis's rule). */
        *db = r->stream_db < 0 ? 0 : r->stream_db;
        return 1;
    }
    if (r->master_host && r->mc) {
        *db = r->mc->db->id;
        return 1;
    }
    if (r->master_host && r->cached) {
        *db = r->cached_db;
        return 1;
    }
    return 0;
}

void repl_conn_gone(struct conn *c)
{
    struct server *srv = c->srv;
    struct repl *r = srv->repl;
    if (!r)
        return;
    for (struct repl_waiter **pp = &r->waiters; *pp; pp = &(*pp)->next) {
        if ((*pp)->c == c) {
            struct repl_waiter *w = *pp;
            *pp = w->next;
            if (c->flags & CONN_BLOCKED) {
                c->flags &= ~CONN_BLOCKED;
                srv->blocked_clients--;
            }
            mem_free(w);
            break;
        }
    }
    if (!c->repl_peer)
        return;
    for (struct repl_peer **pp = &r->peers; *pp; pp = &(*pp)->next) {
        if (*pp == c->repl_peer) {
            *pp = c->repl_peer->next;
            break;
        }
    }
    if (c->repl_peer->online)
        log_notice("Connection with replica %s lost.", c->addr);
    reply_free(&c->repl_peer->pending);
    mem_free(c->repl_peer);
    c->repl_peer = NULL;
    if (!r->peers)
        r->no_peers_since_ms = server_mstime(srv);
    repl_master_sink_update(srv);
    repl_diskless_check(srv);
    repl_master_check_waiters(srv);
}

/* repl-timeout: a replica not heard from (online: its ACKs) or, during a
 * diskless transfer, not taking bytes, is dropped (Redis's texts). */
static void repl_master_timeouts(struct server *srv, long long now)
{
    long long limit = (long long)srv->cfg.repl_timeout * 1000;
    for (struct repl_peer *pe = srv->repl->peers; pe; pe = pe->next) {
        if (pe->c->flags & (CONN_CLOSE_ASAP | CONN_CLOSE_AFTER_REPLY))
            continue;
        if ((pe->online || pe->wait_ack) && now - pe->ack_ms > limit) {
            log_warning("Disconnecting timedout replica (streaming sync): %s", pe->c->addr);
            conn_close_asap(pe->c);
        } else if (pe->diskless && pe->sync == REPL_SYNC_IN_CHILD && now - pe->progress_ms > limit) {
            log_warning("Disconnecting timedout replica (full sync): %s", pe->c->addr);
            conn_close_asap(pe->c);
        }
    }
}

/* Master half of the cron: PING the replicas now and then (they count it
 * in their offset, as Redis's replicationCron does). */
void repl_master_cron(struct server *srv)
{
    struct repl *r = srv->repl;
    long long now = server_mstime(srv);
    /* A replica passes its master's PINGs on instead. */
    if (r->peers && !r->master_host && now - r->last_ping_ms >= (long long)srv->cfg.repl_ping_replica_period * 1000) {
        r->last_ping_ms = now;
        if (repl_online_peers(srv))
            repl_master_feed_raw(srv, REPL_PING, sizeof(REPL_PING) - 1);
    }
    if (r->waiters)
        repl_master_check_waiters(srv);
    if (now - r->last_newline_ms >= 1000) {
        /* Replicas waiting for their RDB get a newline a second so that
         * their read timeout does not fire (Redis's replicationCron). */
        r->last_newline_ms = now;
        for (struct repl_peer *pe = r->peers; pe; pe = pe->next) {
            if (pe->sync == REPL_SYNC_WAIT_BGSAVE ||
                (pe->sync == REPL_SYNC_IN_CHILD && !pe->diskless)) {
                reply_raw(&pe->c->out, "\n", 1);
                conn_want_write(pe->c);
            }
        }
    }
    repl_master_timeouts(srv, now);
    sync_cron(srv);
    repl_backlog_cron(srv);
}

void repl_master_conn_wrote(struct conn *c, size_t wrote)
{
    struct repl_peer *pe = c->repl_peer;
    if (!pe->diskless)
        return;
    if (wrote)
        pe->progress_ms = server_mstime(c->srv);
    if (c->srv->repl->pipe_paused && reply_pending(&c->out) <= REPL_PIPE_HIGH)
        repl_diskless_check(c->srv);
}

/* --- Life cycle ------------------------------------------------------ */

int repl_init(struct server *srv)
{
    struct repl *r = mem_calloc(sizeof(*r));
    srv->repl = r;
    random_replid(r->replid);
    memset(r->replid2, '0', 40);
    r->replid2[40] = '\0';
    r->second_offset = -1;
    r->stream_db = -1;
    r->fd = -1;
    r->sync_child = -1;
    r->pipe_fd = -1;
    r->xfer_fd = -1;
    r->bulk_len = -1;
    reply_init(&r->enc, 2);
    reply_init(&r->out, 2);
    return 0;
}

void repl_start_from_config(struct server *srv)
{
    const char *v = srv->cfg.replicaof;
    if (!v || !v[0])
        return;
    char host[256];
    int port;
    if (sscanf(v, "%255s %d", host, &port) != 2) {
        log_warning("Bad replicaof option '%s': expected 'host port'", v);
        return;
    }
    repl_replica_set_master(srv, host, port);
    /* Started as a replica: no history to continue unless the RDB loaded
     * next names one (repl_use_rdb_info). */
    srv->repl->cached = 0;
}

void repl_free(struct server *srv)
{
    struct repl *r = srv->repl;
    if (!r)
        return;
    repl_replica_set_master(srv, NULL, 0);
    repl_diskless_abort(srv);
    if (r->sync_child > 0) {
        kill(r->sync_child, SIGUSR1);
        int status;
        while (waitpid(r->sync_child, &status, 0) < 0 && errno == EINTR) {
        }
        unlink(r->sync_file);
        r->sync_child = -1;
    }
    while (r->waiters) {
        struct repl_waiter *w = r->waiters;
        r->waiters = w->next;
        mem_free(w);
    }
    while (r->peers) {
        struct repl_peer *pe = r->peers;
        r->peers = pe->next;
        pe->c->repl_peer = NULL;
        reply_free(&pe->pending);
        mem_free(pe);
    }
    if (r->backlog) {
        mem_free(r->backlog->buf);
        mem_free(r->backlog);
    }
    reply_free(&r->enc);
    reply_free(&r->out);
    mem_free(r->in);
    mem_free(r);
    srv->repl = NULL;
}

void repl_cron(struct server *srv)
{
    repl_master_cron(srv);
    repl_replica_cron(srv);
}

int repl_denies_write(struct conn *c, const struct command *cmd)
{
    struct server *srv = c->srv;
    if (!srv->repl->master_host || !srv->cfg.replica_read_only || (c->flags & CONN_FAKE))
        return 0;
    int is_write = (cmd->flags & CMD_WRITE) != 0;
    if (cmd->handler == cmd_exec) {
        for (int i = 0; i < c->multi.count && !is_write; i++)
            is_write = (c->multi.cmds[i].cmd->flags & CMD_WRITE) != 0;
    }
    return is_write;
}
