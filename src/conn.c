/* conn.c -- client connections: read, parse, dispatch, write, limits.
 *
 * Reading: the read callback appends to qbuf and runs conn_process_input,
 * which parses and dispatches up to CONN_MAX_COMMANDS_PER_EVENT requests so
 * that one pipelining client cannot starve the others; a client with
 * requests left is flagged CONN_PENDING_INPUT and resumed in before_sleep.
 *
 * Writing: replies accumulate in c->out; the client is put on the server's
 * pending list and written in before_sleep (after effects are flushed, so a
 * reply never overtakes the durability of what it acknowledges).  What the
 * socket does not take waits for EV_WRITE.
 *
 * Limits: client-query-buffer-limit counts unparsed bytes plus what the
 * parser holds of a request in progress; proto-max-bulk-len is the
 * parser's; client-output-buffer-limit (normal class) is checked after each
 * command and each write.  Exceeding any of them closes the client and logs
 * why, as Redis does. */
#include "conn.h"

#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "aof.h"
#include "client_pause.h"
#include "cmd_acl.h"
#include "command.h"
#include "log.h"
#include "mem.h"
#include "observe.h"
#include "pubsub.h"
#include "repl.h"
#include "server.h"

#define CONN_READ_CHUNK (16 * 1024)
#define CONN_MAX_COMMANDS_PER_EVENT 1000

static void conn_read_cb(evutil_socket_t fd, short what, void *arg);
static void conn_write_cb(evutil_socket_t fd, short what, void *arg);
static void conn_unlink_pending_input(struct conn *c);

static void format_sockaddr(const struct sockaddr_storage *ss, char *buf, size_t cap)
{
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
        evutil_inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
        port = ntohs(s4->sin_port);
        snprintf(buf, cap, "%s:%d", host, port);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
        evutil_inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
        port = ntohs(s6->sin6_port);
        snprintf(buf, cap, "%s:%d", host, port);
    } else {
        snprintf(buf, cap, "?:0");
    }
}

void conn_socket_addrs(struct conn *c, int fd)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0)
        format_sockaddr(&ss, c->addr, sizeof(c->addr));
    sl = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
        format_sockaddr(&ss, c->laddr, sizeof(c->laddr));
}

struct conn *conn_create(struct server *srv, int fd, unsigned flags)
{
    struct conn *c = mem_calloc(sizeof(*c));
    c->srv = srv;
    c->id = srv->next_client_id++;
    c->fd = fd;
    c->flags = flags;
    c->resp = 2;
    c->db = &srv->dbs[0];
    resp_parser_init(&c->parser, srv->cfg.proto_max_bulk_len);
    reply_init(&c->out, 2);
    c->out.on_error = server_count_error;
    c->out.on_error_ud = srv;
    multi_init(&c->multi);
    c->ctime_ms = c->last_ms = server_mstime(srv);
    acl_conn_init(c);

    evutil_make_socket_nonblocking(fd);
    evutil_make_socket_closeonexec(fd);
    if (flags & CONN_UNIX) {
        snprintf(c->addr, sizeof(c->addr), "%s:0", srv->cfg.unixsocket);
        snprintf(c->laddr, sizeof(c->laddr), "%s:0", srv->cfg.unixsocket);
    } else {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (srv->cfg.tcp_keepalive > 0) {
            int idle = srv->cfg.tcp_keepalive;
            int intvl = idle / 3 ? idle / 3 : 1;
            int cnt = 3;
            setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
            setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
            setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
            setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
        }
        conn_socket_addrs(c, fd);
    }
    c->read_ev = event_new(srv->base, fd, EV_READ | EV_PERSIST, conn_read_cb, c);
    c->write_ev = event_new(srv->base, fd, EV_WRITE | EV_PERSIST, conn_write_cb, c);
    event_add(c->read_ev, NULL);

    c->next = srv->clients;
    if (srv->clients)
        srv->clients->prev = c;
    srv->clients = c;
    srv->nclients++;
    return c;
}

struct conn *conn_create_fake(struct server *srv)
{
    struct conn *c = mem_calloc(sizeof(*c));
    c->srv = srv;
    c->id = UINT64_MAX; /* never a real client's id */
    c->fd = -1;
    c->flags = CONN_FAKE;
    c->resp = 2;
    c->db = &srv->dbs[0];
    resp_parser_init(&c->parser, srv->cfg.proto_max_bulk_len);
    reply_init(&c->out, 2);
    multi_init(&c->multi);
    c->ctime_ms = c->last_ms = server_mstime(srv);
    snprintf(c->addr, sizeof(c->addr), "fake:0");
    snprintf(c->laddr, sizeof(c->laddr), "fake:0");
    return c;
}

static void conn_unlink_pending(struct conn *c)
{
    struct server *srv = c->srv;
    for (struct conn **pp = &srv->pending; *pp; pp = &(*pp)->pending_next) {
        if (*pp == c) {
            *pp = c->pending_next;
            break;
        }
    }
    c->pending_next = NULL;
    c->flags &= ~CONN_PENDING_WRITE;
}

void conn_free(struct conn *c)
{
    struct server *srv = c->srv;
    if (srv->current == c)
        srv->current = NULL;
    if (c->flags & CONN_FAKE) {
        multi_unwatch_all(c);
        multi_reset_queue(&c->multi);
        mem_free(c->multi.cmds);
        mem_free(c->multi.watched);
        resp_parser_free(&c->parser);
        reply_free(&c->out);
        mem_free(c->name);
        mem_free(c);
        return;
    }
    repl_conn_gone(c);
    block_end(c, BLOCK_END_GONE);
    client_pause_release(c);
    pubsub_client_free(c);
    observe_monitor_remove(c);
    aof_unhold(srv, c);
    multi_unwatch_all(c);
    multi_reset_queue(&c->multi);
    mem_free(c->multi.cmds);
    mem_free(c->multi.watched);
    if (c->flags & CONN_PENDING_WRITE)
        conn_unlink_pending(c);
    if (c->flags & CONN_PENDING_INPUT)
        conn_unlink_pending_input(c);
    if (c->prev)
        c->prev->next = c->next;
    else
        srv->clients = c->next;
    if (c->next)
        c->next->prev = c->prev;
    srv->nclients--;
    event_free(c->read_ev);
    event_free(c->write_ev);
    close(c->fd);
    resp_parser_free(&c->parser);
    reply_free(&c->out);
    mem_free(c->qbuf);
    mem_free(c->name);
    mem_free(c->lib_name);
    mem_free(c->lib_ver);
    mem_free(c);
}

void conn_want_input(struct conn *c)
{
    if (c->flags & CONN_PENDING_INPUT)
        return;
    c->flags |= CONN_PENDING_INPUT;
    c->input_next = c->srv->pending_input;
    c->srv->pending_input = c;
}

static void conn_unlink_pending_input(struct conn *c)
{
    for (struct conn **pp = &c->srv->pending_input; *pp; pp = &(*pp)->input_next) {
        if (*pp == c) {
            *pp = c->input_next;
            break;
        }
    }
    c->input_next = NULL;
    c->flags &= ~CONN_PENDING_INPUT;
}

void conn_want_write(struct conn *c)
{
    if (c->flags & CONN_PENDING_WRITE)
        return;
    c->flags |= CONN_PENDING_WRITE;
    c->pending_next = c->srv->pending;
    c->srv->pending = c;
}

void conn_close_asap(struct conn *c)
{
    if (c->flags & CONN_CLOSE_ASAP)
        return;
    c->flags |= CONN_CLOSE_ASAP;
    event_del(c->read_ev);
    conn_want_write(c);
}

/* Bytes the client holds of its input: unparsed bytes plus the parts of
 * a request in progress that the parser has already copied. */
static size_t conn_query_bytes(const struct conn *c)
{
    size_t n = c->qlen - c->qpos + c->parser.bulk_read;
    for (int i = 0; i < c->parser.argc; i++)
        n += c->parser.argv[i].len;
    return n;
}

int conn_check_output_limit(struct conn *c, long long now_ms)
{
    const struct config *cfg = &c->srv->cfg;
    /* A subscribed client is in the pubsub class (Redis's getClientType). */
    int cls = c->repl_peer                 ? CONFIG_OBUF_REPLICA
              : (c->flags & CONN_PUBSUB) ? CONFIG_OBUF_PUBSUB
                                         : CONFIG_OBUF_NORMAL;
    unsigned long long hard = cfg->obuf_limits[cls].hard_bytes;
    unsigned long long soft = cfg->obuf_limits[cls].soft_bytes;
    long long soft_secs = cfg->obuf_limits[cls].soft_seconds;
    size_t used = reply_pending(&c->out);
    int over = 0;
    if (hard && used >= hard)
        over = 1;
    if (soft && used >= soft) {
        if (!c->obuf_soft_since)
            c->obuf_soft_since = now_ms;
        else if (now_ms - c->obuf_soft_since >= soft_secs * 1000)
            over = 1;
    } else {
        c->obuf_soft_since = 0;
    }
    if (!over || (c->flags & CONN_CLOSE_ASAP))
        return 0;
    char *info = conn_info_line(c, now_ms);
    log_warning("Client %s scheduled to be closed ASAP for overcoming of output buffer limits.",
                info);
    mem_free(info);
    c->srv->stat.client_outbuf_limit_disconnections++;
    conn_close_asap(c);
    return 1;
}

/* The first max bytes of p quoted with C escapes, as Redis's sdscatrepr
 * shows a query buffer in its log; out holds max * 4 + 3 bytes. */
static void conn_repr(char *out, const char *p, size_t len, size_t max)
{
    static const char hex[] = "0123456789abcdef";
    char *o = out;
    *o++ = '"';
    for (size_t i = 0; i < len && i < max; i++) {
        unsigned char ch = (unsigned char)p[i];
        const char *esc = ch == '\\' ? "\\\\" : ch == '"' ? "\\\"" : ch == '\n' ? "\\n"
                        : ch == '\r' ? "\\r" : ch == '\t' ? "\\t" : ch == '\a' ? "\\a"
                        : ch == '\b' ? "\\b" : NULL;
        if (esc) {
            *o++ = esc[0];
            *o++ = esc[1];
        } else if (ch >= 0x20 && ch < 0x7f) {
            *o++ = (char)ch;
        } else {
            *o++ = '\\';
            *o++ = 'x';
            *o++ = hex[ch >> 4];
            *o++ = hex[ch & 15];
        }
    }
    *o++ = '"';
    *o = '\0';
}

/* Reply with a protocol error and close after it, as Redis does. */
static void conn_protocol_error(struct conn *c)
{
    log_verbose("Protocol error (%s) from client: id=%llu addr=%s", c->parser.error,
                (unsigned long long)c->id, c->addr);
    reply_errorf(&c->out, "ERR %s", c->parser.error);
    c->srv->stat.total_error_replies++;
    c->flags |= CONN_CLOSE_AFTER_REPLY;
    c->qpos = c->qlen = 0;
    event_del(c->read_ev);
    conn_want_write(c);
}

/* Run one parsed request, honouring CLIENT REPLY OFF|SKIP. */
void conn_run_request(struct conn *c)
{
    enum conn_reply_mode before = c->reply_mode;
    size_t reply_start = c->out.len;
    c->argc = c->parser.argc;
    c->argv = c->parser.argv;
    c->srv->current = c;
    c->flags |= CONN_EXECUTING;
    command_dispatch(c);
    c->flags &= ~CONN_EXECUTING;
    c->srv->current = NULL;
    if (c->postponed)
        return; /* CLIENT PAUSE: the request stays in the parser */
    /* Wake readers of what this command wrote, before the next request. */
    block_serve_ready(c->srv);
    if ((before == REPLY_OFF && c->reply_mode != REPLY_ON) || before == REPLY_SKIP) {
        if (c->out.len > reply_start)
            c->out.len = reply_start;
    }
    if (before == REPLY_SKIP && c->reply_mode == REPLY_SKIP)
        c->reply_mode = REPLY_ON;
    else if (c->reply_mode == REPLY_SKIP_NEXT && before != REPLY_SKIP_NEXT)
        c->reply_mode = REPLY_SKIP;
    /* multi_queue may have taken the arguments over. */
    if (c->argv == c->parser.argv)
        resp_request_reset(&c->parser);
    c->argc = 0;
    c->argv = NULL;
}

void conn_process_input(struct conn *c)
{
    struct server *srv = c->srv;
    int budget = CONN_MAX_COMMANDS_PER_EVENT;
    if (c->flags & CONN_PENDING_INPUT)
        conn_unlink_pending_input(c);
    if (c->postponed) {
        /* A request held by CLIENT PAUSE: try it again first. */
        client_pause_release(c);
        conn_run_request(c);
        if (c->postponed)
            return;
    }
    while (c->qpos < c->qlen) {
        if (c->flags & (CONN_CLOSE_ASAP | CONN_CLOSE_AFTER_REPLY | CONN_BLOCKED))
            break;
        if (budget-- == 0) {
            conn_want_input(c);
            break;
        }
        size_t used = 0;
        enum resp_status st =
            resp_parse(&c->parser, c->qbuf + c->qpos, c->qlen - c->qpos, &used);
        c->qpos += used;
        if (st == RESP_ERROR) {
            conn_protocol_error(c);
            break;
        }
        if (st == RESP_INCOMPLETE)
            break;
        if (c->parser.argc == 0) {
            resp_request_reset(&c->parser);
            continue;
        }
        conn_run_request(c);
        if (c->postponed)
            break;
    }
    if (c->qpos == c->qlen) {
        /* Everything parsed (arguments are copies): give the buffer back,
         * so an idle client holds no query buffer and one big request does
         * not pin its size (Redis 7.4's shared query buffer, in effect).
         * The next read takes a fresh chunk from the allocator's cache. */
        c->qpos = c->qlen = 0;
        mem_free(c->qbuf);
        c->qbuf = NULL;
        c->qcap = 0;
    } else if (c->qpos > c->qcap / 2) {
        memmove(c->qbuf, c->qbuf + c->qpos, c->qlen - c->qpos);
        c->qlen -= c->qpos;
        c->qpos = 0;
    }
    if (reply_pending(&c->out) || (c->flags & (CONN_CLOSE_ASAP | CONN_CLOSE_AFTER_REPLY))) {
        conn_want_write(c);
        conn_check_output_limit(c, server_mstime(srv));
    }
}

static void conn_read_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)what;
    struct conn *c = arg;
    struct server *srv = c->srv;
    if (c->qcap - c->qlen < CONN_READ_CHUNK) {
        if (c->qpos) {
            memmove(c->qbuf, c->qbuf + c->qpos, c->qlen - c->qpos);
            c->qlen -= c->qpos;
            c->qpos = 0;
        }
        if (c->qcap - c->qlen < CONN_READ_CHUNK) {
            c->qcap = c->qlen + CONN_READ_CHUNK;
            c->qbuf = mem_realloc(c->qbuf, c->qcap);
        }
    }
    ssize_t n = read(fd, c->qbuf + c->qlen, c->qcap - c->qlen);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return;
        log_verbose("Reading from client: %s", strerror(errno));
        conn_free(c);
        return;
    }
    if (n == 0) {
        log_verbose("Client closed connection id=%llu addr=%s", (unsigned long long)c->id,
                    c->addr);
        conn_free(c);
        return;
    }
    c->qlen += (size_t)n;
    c->last_ms = server_mstime(srv);
    srv->stat.net_input_bytes += n;
    srv->stat.total_reads++;
    if (conn_query_bytes(c) > (size_t)srv->cfg.client_query_buffer_limit) {
        char *info = conn_info_line(c, c->last_ms);
        char bytes[64 * 4 + 3];
        conn_repr(bytes, c->qbuf + c->qpos, c->qlen - c->qpos, 64);
        log_warning("Closing client that reached max query buffer length: %s (qbuf initial "
                    "bytes: %s)",
                    info, bytes);
        mem_free(info);
        srv->stat.client_qbuf_limit_disconnections++;
        conn_close_asap(c);
        return;
    }
    conn_process_input(c);
}

int conn_write(struct conn *c)
{
    struct server *srv = c->srv;
    if (c->aof_wait && !aof_reply_allowed(srv, c)) {
        /* Its write is not on disk yet: the AOF releases it (aof_cron). */
        aof_hold(srv, c);
        event_del(c->write_ev);
        return 0;
    }
    size_t before = reply_pending(&c->out);
    while (reply_pending(&c->out)) {
        ssize_t n = write(c->fd, c->out.buf + c->out.sent, reply_pending(&c->out));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            log_verbose("Error writing to client: %s", strerror(errno));
            return -1;
        }
        c->out.sent += (size_t)n;
        srv->stat.net_output_bytes += n;
        srv->stat.total_writes++;
    }
    if (c->repl_peer)
        repl_master_conn_wrote(c, before - reply_pending(&c->out));
    reply_compact(&c->out);
    if (reply_pending(&c->out)) {
        event_add(c->write_ev, NULL);
    } else {
        event_del(c->write_ev);
        c->obuf_soft_since = 0;
    }
    return 0;
}

static void conn_write_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct conn *c = arg;
    if (conn_write(c) < 0) {
        conn_free(c);
        return;
    }
    if (!reply_pending(&c->out) && (c->flags & CONN_CLOSE_AFTER_REPLY))
        conn_free(c);
}

static void flags_string(const struct conn *c, char *buf)
{
    char *p = buf;
    if (c->flags & CONN_MONITOR)
        *p++ = 'O';
    if (c->repl_peer)
        *p++ = 'S';
    if (c->flags & CONN_MASTER)
        *p++ = 'M';
    if (c->flags & CONN_PUBSUB)
        *p++ = 'P';
    if (c->flags & CONN_MULTI)
        *p++ = 'x';
    if ((c->flags & CONN_BLOCKED) || c->postponed)
        *p++ = 'b';
    if (c->flags & CONN_DIRTY_CAS)
        *p++ = 'd';
    if (c->flags & CONN_CLOSE_AFTER_REPLY)
        *p++ = 'c';
    if (c->flags & CONN_UNIX)
        *p++ = 'U';
    if (c->flags & CONN_CLOSE_ASAP)
        *p++ = 'A';
    if (c->flags & CONN_NO_EVICT)
        *p++ = 'e';
    if (p == buf)
        *p++ = 'N';
    *p = '\0';
}

char *conn_info_line(struct conn *c, long long now_ms)
{
    char flags[16];
    flags_string(c, flags);
    char events[3] = {0};
    int ne = 0;
    if (!(c->flags & CONN_CLOSE_ASAP))
        events[ne++] = 'r';
    if (reply_pending(&c->out))
        events[ne++] = 'w';
    char name[256];
    snprintf(name, sizeof(name), "%s", c->name ? c->name : "");
    size_t qbuf = c->qlen - c->qpos;
    size_t argv_mem = 0;
    for (int i = 0; i < c->argc; i++)
        argv_mem += c->argv[i].len;
    size_t multi_mem = 0;
    for (int i = 0; i < c->multi.count; i++)
        for (int j = 0; j < c->multi.cmds[i].argc; j++)
            multi_mem += c->multi.cmds[i].argv[j].len;
    size_t omem = c->out.cap;
    size_t tot = sizeof(*c) + c->qcap + omem + argv_mem + multi_mem;
    const char *cmd = c->lastcmd ? c->lastcmd->fullname : "NULL";
    char *line = mem_alloc(1024 + strlen(name) * 2);
    snprintf(line, 1024 + strlen(name) * 2,
             "id=%llu addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=%s db=%d sub=%ld "
             "psub=%ld ssub=%ld multi=%d qbuf=%zu qbuf-free=%zu argv-mem=%zu multi-mem=%zu "
             "rbs=%zu rbp=%zu obl=%zu oll=0 omem=%zu tot-mem=%zu events=%s cmd=%s "
             "user=%s redir=-1 resp=%d lib-name=%s lib-ver=%s",
             (unsigned long long)c->id, c->addr, c->laddr, c->fd, name,
             (now_ms - c->ctime_ms) / 1000, (now_ms - c->last_ms) / 1000, flags, c->db->id,
             pubsub_client_count(c, PUBSUB_CHANNEL), pubsub_client_count(c, PUBSUB_PATTERN),
             pubsub_client_count(c, PUBSUB_SHARD),
             (c->flags & CONN_MULTI) ? c->multi.count : -1, qbuf, c->qcap - c->qlen, argv_mem,
             multi_mem, c->qcap, c->qcap, reply_pending(&c->out), omem, tot, events, cmd,
             (c->flags & CONN_MASTER) ? "(superuser)" : acl_conn_username(c), c->resp, c->lib_name ? c->lib_name : "", c->lib_ver ? c->lib_ver : "");
    return line;
}
