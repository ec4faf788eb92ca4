/* repl_replica.c -- the replica side: the link to a master, the handshake,
 * the full sync and the stream applied on a fake client.
 *
 *   CONNECT --connect()--> CONNECTING --writable--> PING --> PONG
 *     --> AUTH [masteruser] masterauth --> AUTH   (when masterauth is set)
 *     --> REPLCONF listening-port <port> --> PORT
 *     --> REPLCONF capa eof capa psync2 --> CAPA
 *     --> PSYNC <replid> <offset+1> (our cached history; "? -1" without one)
 *     --> PSYNC: "+CONTINUE [<newid>]": CONNECTED at once, the backlog's
 *                bytes follow as stream;
 *                "+FULLRESYNC <replid> <offset>":
 *     --> TRANSFER: newlines (the master's keepalive), "$<len>\r\n" and len
 *         bytes, or "$EOF:<mark>\r\n" up to the mark (repl_load.c):
 *         the RDB replaces the data
 *     --> CONNECTED: each command the master sends runs on the fake client
 *         `mc` (its replies dropped); its bytes count in the offset and go on,
 *         as they are, to this server's own replicas.
 *   Any error or EOF: close, back to CONNECT, retry a second later.
 *
 * The master's commands write through the normal command path, so their
 * effects reach this server's AOF and its blocked readers are woken; the
 * effect sink of repl_master.c ignores them on a replica (its replicas get
 * the master's bytes instead, which keeps the offsets equal down a chain). */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "aof.h"
#include "command.h"
#include "conn.h"
#include "log.h"
#include "mem.h"
#include "rdb.h"
#include "repl.h"
#include "server.h"
#include "snapshot.h"
#include "util.h"

#define REPL_RETRY_MS 1000

static void link_read_cb(evutil_socket_t fd, short what, void *arg);
static void link_connect(struct server *srv);

const char *repl_link_state_name(enum repl_link l)
{
    switch (l) {
    case REPL_LINK_NONE:
        return "none";
    case REPL_LINK_CONNECT:
        return "connect";
    case REPL_LINK_CONNECTING:
        return "connecting";
    case REPL_LINK_TRANSFER:
        return "sync";
    case REPL_LINK_CONNECTED:
        return "connected";
    default:
        return "handshake";
    }
}

int repl_is_master_link(const struct conn *c)
{
    const struct repl *r = c->srv->repl;
    return r && r->mc == c;
}

long long repl_replica_offset(const struct server *srv)
{
    const struct repl *r = srv->repl;
    return r->link == REPL_LINK_CONNECTED ? r->offset : -1;
}

/* Close the link (if any) and forget everything it held. */
static void link_close(struct server *srv)
{
    struct repl *r = srv->repl;
    if (r->rev) {
        event_free(r->rev);
        r->rev = NULL;
    }
    if (r->wev) {
        event_free(r->wev);
        r->wev = NULL;
    }
    if (r->fd >= 0) {
        close(r->fd);
        r->fd = -1;
    }
    if (r->mc) {
        /* The history goes on from where it was applied, in its db. */
        r->cached_db = r->mc->db->id;
        conn_free(r->mc);
        r->mc = NULL;
    }
    repl_load_abort(srv);
    r->inlen = 0;
    r->parsed = 0;
    r->out.len = r->out.sent = 0;
    r->bulk_len = -1;
    r->bulk_read = 0;
    r->broken = 0;
}

/* The link failed: try again in a second. */
static void link_lost(struct server *srv, const char *why)
{
    struct repl *r = srv->repl;
    if (r->link == REPL_LINK_CONNECTED)
        log_warning("Connection with master lost: %s", why);
    else
        log_warning("Replication with %s:%d failed: %s", r->master_host, r->master_port, why);
    /* A link that was up is tried again at once rather than a second
     * later, as Redis 7.0 does: the backlog may not hold the missed bytes
     * for long.  (A failed attempt waits the second: this recurses once.) */
    int was_up = r->link == REPL_LINK_CONNECTED;
    link_close(srv);
    r->link = REPL_LINK_CONNECT;
    r->retry_ms = server_mstime(srv) + REPL_RETRY_MS;
    /* Down since the established link was lost; failed attempts before
     * any link leave it -1 (Redis's repl_down_since). */
    if (was_up)
        r->down_since_ms = server_mstime(srv);
    if (was_up)
        link_connect(srv);
}

static void link_flush(struct server *srv)
{
    struct repl *r = srv->repl;
    while (reply_pending(&r->out)) {
        ssize_t w = write(r->fd, r->out.buf + r->out.sent, reply_pending(&r->out));
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                if (r->wev)
                    event_add(r->wev, NULL);
                return;
            }
            /* Maybe called from a command running on mc (GETACK): the
             * link is dropped where nothing of it is in use. */
            r->broken = 1;
            return;
        }
        r->out.sent += (size_t)w;
    }
    r->out.len = r->out.sent = 0;
}

/* Queue a command (words) to the master and try to write it. */
static void link_send(struct server *srv, int argc, const char **argv)
{
    struct repl *r = srv->repl;
    reply_array(&r->out, argc);
    for (int i = 0; i < argc; i++)
        reply_bulk_cstr(&r->out, argv[i]);
    link_flush(srv);
}

void repl_replica_send_ack(struct server *srv)
{
    struct repl *r = srv->repl;
    if (r->link != REPL_LINK_CONNECTED)
        return;
    char off[32];
    snprintf(off, sizeof(off), "%lld", r->offset);
    const char *argv[] = {"REPLCONF", "ACK", off};
    link_send(srv, 3, argv);
    r->last_ack_ms = server_mstime(srv);
}

static void link_write_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct server *srv = arg;
    if (srv->repl->link >= REPL_LINK_PONG)
        link_flush(srv);
}

/* The TCP connect finished (or failed): start the handshake. */
static void link_connected_cb(evutil_socket_t fd, short what, void *arg)
{
    struct server *srv = arg;
    struct repl *r = srv->repl;
    int err = 0;
    socklen_t len = sizeof(err);
    if (what & EV_TIMEOUT)
        err = ETIMEDOUT;
    else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        err = errno;
    event_free(r->wev);
    r->wev = NULL;
    if (err) {
        link_lost(srv, strerror(err));
        return;
    }
    log_notice("MASTER <-> REPLICA sync started");
    r->wev = event_new(srv->base, r->fd, EV_WRITE, link_write_cb, srv);
    r->rev = event_new(srv->base, r->fd, EV_READ | EV_PERSIST, link_read_cb, srv);
    event_add(r->rev, NULL);
    r->link = REPL_LINK_PONG;
    r->last_io_ms = server_mstime(srv);
    const char *argv[] = {"PING"};
    link_send(srv, 1, argv);
}

static void link_connect(struct server *srv)
{
    struct repl *r = srv->repl;
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    char port[16];
    snprintf(port, sizeof(port), "%d", r->master_port);
    log_notice("Connecting to MASTER %s:%d", r->master_host, r->master_port);
    int rc = getaddrinfo(r->master_host, port, &hints, &res);
    if (rc != 0 || !res) {
        link_lost(srv, gai_strerror(rc));
        return;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        freeaddrinfo(res);
        link_lost(srv, strerror(errno));
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    r->fd = fd;
    rc = connect(fd, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    if (rc < 0 && errno != EINPROGRESS) {
        link_lost(srv, strerror(errno));
        return;
    }
    r->link = REPL_LINK_CONNECTING;
    r->wev = event_new(srv->base, fd, EV_WRITE, link_connected_cb, srv);
    struct timeval tv = {srv->cfg.repl_timeout, 0};
    event_add(r->wev, &tv);
}

/* A line of the handshake at in[0..): its length without CRLF, or -1 when
 * it has not all come yet.  Leading newlines (keepalives) are dropped. */
static long take_line(struct repl *r, char *line, size_t cap, size_t *used)
{
    size_t i = 0;
    while (i < r->inlen && r->in[i] == '\n')
        i++;
    char *nl = memchr(r->in + i, '\n', r->inlen - i);
    if (!nl) {
        *used = i;
        return -1;
    }
    size_t len = (size_t)(nl - (r->in + i));
    if (len && r->in[i + len - 1] == '\r')
        len--;
    size_t n = len < cap - 1 ? len : cap - 1;
    memcpy(line, r->in + i, n);
    line[n] = '\0';
    *used = (size_t)(nl - r->in) + 1;
    return (long)n;
}

static void in_drop(struct repl *r, size_t n)
{
    memmove(r->in, r->in + n, r->inlen - n);
    r->inlen -= n;
}

/* Run the commands in the buffer on the fake client.  A command counts
 * in the offset (and goes on to our replicas and backlog) once it ran; a
 * transaction once its EXEC ran: a link lost inside one resumes before its
 * MULTI, as Redis's reploff does.  in[0..parsed) is already in the parser. */
static void apply_stream(struct server *srv)
{
    struct repl *r = srv->repl;
    size_t start = 0, pos = r->parsed;
    while (pos < r->inlen && r->link == REPL_LINK_CONNECTED) {
        size_t used = 0;
        enum resp_status st = resp_parse(&r->mc->parser, r->in + pos, r->inlen - pos, &used);
        pos += used;
        if (st == RESP_ERROR) {
            link_lost(srv, r->mc->parser.error);
            return;
        }
        if (st == RESP_INCOMPLETE)
            break;
        if (r->mc->parser.argc > 0) {
            long long errors = srv->stat.total_error_replies;
            conn_run_request(r->mc);
            command_note_source_errors(r->mc, errors, true);
            r->mc->out.len = r->mc->out.sent = 0;
        } else {
            resp_request_reset(&r->mc->parser);
        }
        if (r->link != REPL_LINK_CONNECTED || r->broken)
            return; /* the link failed meanwhile */
        if (r->mc->flags & CONN_MULTI)
            continue;
        /* Counted after it ran: a GETACK answers the offset before it. */
        repl_master_feed_raw(srv, r->in + start, pos - start);
        start = pos;
    }
    /* Keep the bytes not applied yet: they go on to our replicas once
     * their command (or transaction) is whole and ran. */
    in_drop(r, start);
    r->parsed = pos - start;
}

/* +CONTINUE [<newid>]: the master goes on with our history; the bytes
 * after the line are the stream from our offset + 1.  0, or -1 when the
 * link was dropped. */
static int link_continue(struct server *srv, const char *rest)
{
    struct repl *r = srv->repl;
    char id[64] = "";
    if (sscanf(rest, " %63s", id) == 1 && strlen(id) == 40 && strcmp(id, r->replid) != 0) {
        /* The master's history has a new id from our offset on (it was
         * promoted): ours is its past, our replicas must learn the new one. */
        log_notice("Master replication ID changed to %s", id);
        memcpy(r->replid2, r->replid, sizeof(r->replid2));
        r->second_offset = r->offset + 1;
        memcpy(r->replid, id, 41);
        repl_master_drop_peers(srv);
    }
    memcpy(r->master_replid, r->replid, 41);
    log_notice("Successful partial resynchronization with master.");
    r->mc = conn_create_fake(srv);
    r->mc->parser.max_bulk_len = LLONG_MAX;
    repl_master_client_init(srv);
    if (r->cached_db >= 0 && r->cached_db < srv->ndbs)
        r->mc->db = &srv->dbs[r->cached_db];
    r->link = REPL_LINK_CONNECTED;
    r->down_since_ms = 0;
    /* A replica restarted from its RDB has no backlog yet. */
    repl_backlog_create(srv);
    log_notice("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
    repl_replica_send_ack(srv);
    if (r->broken) {
        link_lost(srv, "write to the master failed");
        return -1;
    }
    return 0;
}

/* Handshake and transfer, driven by what the master sent. */
static void link_process(struct server *srv)
{
    struct repl *r = srv->repl;
    char line[256];
    size_t used;
    for (;;) {
        if (r->broken) {
            link_lost(srv, "write to the master failed");
            return;
        }
        if (r->link == REPL_LINK_CONNECTED) {
            apply_stream(srv);
            if (r->broken)
                link_lost(srv, "write to the master failed");
            return;
        }
        if (r->link == REPL_LINK_TRANSFER && r->bulk_len >= 0) {
            int st = repl_load_step(srv);
            if (st == 0)
                return;
            if (st < 0) {
                link_lost(srv, "the RDB did not load");
                return;
            }
            r->mc = conn_create_fake(srv);
            r->mc->parser.max_bulk_len = LLONG_MAX;
            /* The stream goes on in the db the master's RDB names (its
             * repl-stream-db): a chained replica's master sends no SELECT
             * of its own. */
            if (r->rdb_info.set && r->rdb_info.db >= 0 && r->rdb_info.db < srv->ndbs)
                r->mc->db = &srv->dbs[r->rdb_info.db];
            repl_master_client_init(srv);
            r->link = REPL_LINK_CONNECTED;
            r->down_since_ms = 0;
            r->cached = 1;
            /* A new history from the master's offset: no second id, and a
             * backlog that starts here. */
            repl_clear_replid2(srv);
            repl_backlog_create(srv);
            repl_replica_send_ack(srv);
            continue;
        }
        long n = take_line(r, line, sizeof(line), &used);
        if (n < 0) {
            in_drop(r, used);
            return;
        }
        in_drop(r, used);
        if (r->link == REPL_LINK_PONG) {
            /* Redis 7.0 takes an auth error to PING as an answer: AUTH
             * comes next.  Any other error stops the handshake. */
            if (line[0] == '-' && strncmp(line, "-NOAUTH", 7) != 0 &&
                strncmp(line, "-NOPERM", 7) != 0 &&
                strncmp(line, "-ERR operation not permitted", 28) != 0) {
                log_warning("Error reply to PING from master: '%s'", line);
                link_lost(srv, line + 1);
                return;
            }
            if (srv->cfg.masterauth[0]) {
                r->link = REPL_LINK_AUTH;
                if (srv->cfg.masteruser[0]) {
                    const char *argv[] = {"AUTH", srv->cfg.masteruser, srv->cfg.masterauth};
                    link_send(srv, 3, argv);
                } else {
                    const char *argv[] = {"AUTH", srv->cfg.masterauth};
                    link_send(srv, 2, argv);
                }
                continue;
            }
        }
        if (r->link == REPL_LINK_PONG || r->link == REPL_LINK_AUTH) {
            if (r->link == REPL_LINK_AUTH && line[0] == '-') {
                log_warning("Unable to AUTH to MASTER: %s", line);
                link_lost(srv, "AUTH failed");
                return;
            }
            /* replica-announce-port/-ip: what the master (and so Sentinel,
             * reading its INFO) is to know us by.  The ip goes in the same
             * REPLCONF: one reply for both, which Redis masters give too. */
            char port[16];
            int aport = srv->cfg.replica_announce_port;
            snprintf(port, sizeof(port), "%d", aport ? aport : srv->cfg.port);
            const char *argv[] = {"REPLCONF", "listening-port", port, "ip-address",
                                  srv->cfg.replica_announce_ip};
            r->link = REPL_LINK_PORT;
            link_send(srv, srv->cfg.replica_announce_ip[0] ? 5 : 3, argv);
        } else if (r->link == REPL_LINK_PORT) {
            const char *argv[] = {"REPLCONF", "capa", "eof", "capa", "psync2"};
            r->link = REPL_LINK_CAPA;
            link_send(srv, 5, argv);
        } else if (r->link == REPL_LINK_CAPA) {
            char off[32];
            snprintf(off, sizeof(off), "%lld", r->offset + 1);
            const char *argv[] = {"PSYNC", r->cached ? r->replid : "?", r->cached ? off : "-1"};
            if (r->cached)
                log_notice("Trying a partial resynchronization (request %s:%s).", r->replid, off);
            else
                log_notice("Partial resynchronization not possible (no cached master)");
            r->link = REPL_LINK_PSYNC;
            link_send(srv, 3, argv);
        } else if (r->link == REPL_LINK_PSYNC) {
            char id[64];
            long long off;
            if (strncmp(line, "+CONTINUE", 9) == 0 && r->cached) {
                if (link_continue(srv, line + 9) < 0)
                    return;
                continue;
            }
            if (sscanf(line, "+FULLRESYNC %63s %lld", id, &off) != 2 || strlen(id) != 40) {
                link_lost(srv, line[0] ? line : "unexpected reply to PSYNC");
                return;
            }
            log_notice("Full resync from master: %s:%lld", id, off);
            /* The old history is no use any more (Redis discards its cached
             * master here). */
            r->cached = 0;
            memcpy(r->master_replid, id, 41);
            memcpy(r->replid, id, 41);
            r->offset = off;
            r->link = REPL_LINK_TRANSFER;
            r->bulk_len = -1;
        } else if (r->link == REPL_LINK_TRANSFER) {
            if (repl_load_begin(srv, line) < 0) {
                link_lost(srv, "bad bulk from the master");
                return;
            }
            /* Our replicas follow a history that is about to be replaced:
             * they and our backlog go (they must not continue from it). */
            repl_master_drop_peers(srv);
            repl_backlog_free(srv);
        } else {
            return;
        }
        if (r->link == REPL_LINK_CONNECT)
            return; /* a send failed */
    }
}

static void link_read_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)what;
    struct server *srv = arg;
    struct repl *r = srv->repl;
    for (;;) {
        if (r->incap - r->inlen < 16384) {
            r->incap = r->incap ? r->incap * 2 : 65536;
            r->in = mem_realloc(r->in, r->incap);
        }
        ssize_t n = read(fd, r->in + r->inlen, r->incap - r->inlen);
        if (n > 0) {
            r->inlen += (size_t)n;
            r->last_io_ms = server_mstime(srv);
            srv->stat.net_input_bytes += n;
            continue;
        }
        if (n == 0) {
            link_lost(srv, "the master closed the connection");
            return;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
        link_lost(srv, strerror(errno));
        return;
    }
    link_process(srv);
}

void repl_replica_set_master(struct server *srv, const char *host, int port)
{
    struct repl *r = srv->repl;
    int was_master = r->master_host == NULL;
    link_close(srv);
    mem_free(r->master_host);
    r->master_host = NULL;
    r->master_port = 0;
    /* Our replicas reconnect and learn our new history (a new id when
     * promoted, our new master's otherwise); they can continue it. */
    repl_master_drop_peers(srv);
    /* CONFIG GET/REWRITE replicaof follow REPLICAOF, as Redis's do. */
    char cfgval[300] = "";
    if (host)
        snprintf(cfgval, sizeof(cfgval), "%s %d", host, port);
    mem_free(srv->cfg.replicaof);
    srv->cfg.replicaof = mem_strdup(cfgval);
    if (!host) {
        r->link = REPL_LINK_NONE;
        r->down_since_ms = 0;
        /* A new history from here (ours is its past: replid2); our
         * replicas go on with it after a partial resync. */
        repl_master_shift_replid(srv);
        r->stream_db = -1;
        r->cached = 0;
        r->no_peers_since_ms = server_mstime(srv);
        return;
    }
    if (was_master) {
        /* Our own data and offset are the history to continue with the
         * new master (Redis's replicationCacheMasterUsingMyself); its
         * stream starts with a SELECT. */
        r->cached = 1;
        r->cached_db = 0;
    }
    r->master_host = mem_strdup(host);
    r->master_port = port;
    r->link = REPL_LINK_CONNECT;
    r->retry_ms = 0;
    /* master_link_down_since_seconds is -1 until a link is lost (7.0). */
    r->down_since_ms = 0;
}

void repl_use_rdb_info(struct server *srv)
{
    struct repl *r = srv->repl;
    const struct repl_rdb_info *ri = &r->rdb_info;
    if (!ri->set || ri->offset < 0 || ri->db < 0)
        return;
    if (!r->master_host) {
        /* A master: its old history is our replid2 up to that offset, so
         * its replicas can continue with it after the restart (Redis 7.0
         * does the same); the backlog starts there, empty. */
        memcpy(r->replid2, ri->id, 41);
        r->second_offset = ri->offset + 1;
        r->offset = ri->offset;
        repl_backlog_create(srv);
        r->no_peers_since_ms = 0; /* the ttl counts from the first cron */
        log_notice("Replication ID %s and offset %lld of the RDB file kept as the secondary "
                   "ID: replicas of before the restart can continue",
                   r->replid2, r->offset);
        return;
    }
    memcpy(r->replid, ri->id, 41);
    r->offset = ri->offset;
    r->cached = 1;
    r->cached_db = ri->db < srv->ndbs ? ri->db : 0;
    log_notice("Using the replication ID %s and offset %lld of the RDB file to PSYNC the master",
               r->replid, r->offset);
}

void repl_replica_cron(struct server *srv)
{
    struct repl *r = srv->repl;
    if (!r->master_host)
        return;
    long long now = server_mstime(srv);
    if (r->broken) {
        link_lost(srv, "write to the master failed");
        return;
    }
    if (r->link == REPL_LINK_CONNECT && now >= r->retry_ms) {
        link_connect(srv);
        return;
    }
    /* repl-timeout: a silent master, a stuck handshake or transfer. */
    if (r->link >= REPL_LINK_PONG && now - r->last_io_ms > (long long)srv->cfg.repl_timeout * 1000) {
        if (r->link == REPL_LINK_CONNECTED)
            log_warning("MASTER timeout: no data nor PING received...");
        else if (r->link == REPL_LINK_TRANSFER)
            log_warning("Timeout receiving bulk data from MASTER... If the problem persists try "
                        "to set the 'repl-timeout' parameter in redis.conf to a larger value.");
        else
            log_warning("Timeout connecting to the MASTER...");
        link_lost(srv, "timeout: no data nor PING received from the master");
        return;
    }
    if (r->link == REPL_LINK_CONNECTED && now - r->last_ack_ms >= 1000)
        repl_replica_send_ack(srv);
}
