/* cmd_repl.c -- REPLCONF, PSYNC, SYNC, REPLICAOF/SLAVEOF, ROLE, WAIT and
 * INFO replication: argument parsing and replies as Redis 7.0 gives them;
 * the work is in repl_master.c and repl_replica.c. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conn.h"
#include "handlers.h"
#include "log.h"
#include "repl.h"
#include "server.h"
#include "util.h"

static int arg_is(const struct util_arg *a, const char *s)
{
    return a->len == strlen(s) && strncasecmp(a->ptr, s, a->len) == 0;
}

static int arg_ll(const struct util_arg *a, long long *v)
{
    return util_str_to_ll(a->ptr, a->len, v);
}

void cmd_replconf(struct conn *c)
{
    if (c->argc % 2 == 0) {
        reply_error(&c->out, "ERR syntax error");
        return;
    }
    for (int i = 1; i < c->argc; i += 2) {
        const struct util_arg *opt = &c->argv[i], *val = &c->argv[i + 1];
        long long v;
        if (arg_is(opt, "listening-port")) {
            if (!arg_ll(val, &v)) {
                reply_error(&c->out, "ERR value is not an integer or out of range");
                return;
            }
            if (!c->repl_peer) {
                char ip[64];
                snprintf(ip, sizeof(ip), "%s", c->addr);
                char *colon = strrchr(ip, ':');
                if (colon)
                    *colon = '\0';
                repl_master_attach(c, ip);
            }
            c->repl_peer->port = (int)v;
        } else if (arg_is(opt, "ip-address")) {
            if (!c->repl_peer)
                repl_master_attach(c, "");
            snprintf(c->repl_peer->ip, sizeof(c->repl_peer->ip), "%.*s",
                     (int)(val->len < 63 ? val->len : 63), val->ptr);
        } else if (arg_is(opt, "capa")) {
            /* psync2: knows +CONTINUE <replid> (repl_master_try_partial);
             * eof: takes a diskless sync; others are ignored. */
            if (arg_is(val, "psync2")) {
                if (!c->repl_peer)
                    repl_master_attach(c, NULL);
                c->repl_peer->capa_psync2 = 1;
            } else if (arg_is(val, "eof")) {
                c->flags |= CONN_REPL_CAPA_EOF;
            }
        } else if (arg_is(opt, "rdb-only") || arg_is(opt, "rdb-filter-only")) {
            /* Accepted. */
        } else if (arg_is(opt, "ack")) {
            /* From a replica: its offset; never answered (Redis). */
            if (c->repl_peer && arg_ll(val, &v))
                repl_master_ack(c, v);
            return;
        } else if (arg_is(opt, "getack")) {
            /* From our master: answer with an ACK on the link. */
            if (repl_is_master_link(c))
                repl_replica_send_ack(c->srv);
            return;
        } else {
            reply_errorf(&c->out, "ERR Unrecognized REPLCONF option: %.*s", (int)opt->len,
                         opt->ptr);
            return;
        }
    }
    reply_ok(&c->out);
}

static void sync_common(struct conn *c, int psync)
{
    struct server *srv = c->srv;
    if (c->repl_peer && (c->repl_peer->online || c->repl_peer->sync != REPL_SYNC_NONE))
        return; /* already a replica: ignore, as Redis */
    if (srv->repl->master_host && srv->repl->link != REPL_LINK_CONNECTED) {
        reply_error(&c->out, "NOMASTERLINK Can't SYNC while not connected with my master");
        return;
    }
    if (reply_pending(&c->out)) {
        reply_error(&c->out, "ERR SYNC and PSYNC are invalid with pending output");
        return;
    }
    if (psync) {
        /* PSYNC <replid> <offset>: continue from the backlog when it can. */
        char id[41];
        snprintf(id, sizeof(id), "%.*s", (int)(c->argv[1].len < 40 ? c->argv[1].len : 40),
                 c->argv[1].ptr);
        long long off;
        if (!arg_ll(&c->argv[2], &off)) {
            reply_error(&c->out, "ERR value is not an integer or out of range");
            return;
        }
        if (repl_master_try_partial(c, id, off) == 0)
            return;
        if (id[0] != '?')
            srv->stat.sync_partial_err++;
    }
    repl_master_full_sync(c, psync);
}

void cmd_psync(struct conn *c)
{
    sync_common(c, 1);
}

void cmd_sync(struct conn *c)
{
    sync_common(c, 0);
}

void cmd_replicaof(struct conn *c)
{
    struct server *srv = c->srv;
    struct repl *r = srv->repl;
    if (arg_is(&c->argv[1], "no") && arg_is(&c->argv[2], "one")) {
        if (r->master_host) {
            repl_replica_set_master(srv, NULL, 0);
            log_notice("MASTER MODE enabled (user request from 'id=%llu addr=%s')",
                       (unsigned long long)c->id, c->addr);
        }
        reply_ok(&c->out);
        return;
    }
    if (c->repl_peer) {
        reply_error(&c->out, "ERR Command is not valid when client is a replica.");
        return;
    }
    long long port;
    if (!arg_ll(&c->argv[2], &port)) {
        reply_error(&c->out, "ERR value is not an integer or out of range");
        return;
    }
    if (port < 0 || port > 65535) {
        reply_error(&c->out, "ERR Invalid master port");
        return;
    }
    char host[256];
    snprintf(host, sizeof(host), "%.*s", (int)(c->argv[1].len < 255 ? c->argv[1].len : 255),
             c->argv[1].ptr);
    if (r->master_host && strcasecmp(r->master_host, host) == 0 && r->master_port == port) {
        log_notice("REPLICAOF would result into synchronization with the master we are already "
                   "connected with. No operation performed.");
        reply_simple(&c->out, "OK Already connected to specified master");
        return;
    }
    repl_replica_set_master(srv, host, (int)port);
    log_notice("REPLICAOF %s:%d enabled (user request from 'id=%llu addr=%s')", host, (int)port,
               (unsigned long long)c->id, c->addr);
    reply_ok(&c->out);
}

void cmd_role(struct conn *c)
{
    struct server *srv = c->srv;
    struct repl *r = srv->repl;
    if (r->master_host) {
        reply_array(&c->out, 5);
        reply_bulk_cstr(&c->out, "slave");
        reply_bulk_cstr(&c->out, r->master_host);
        reply_int(&c->out, r->master_port);
        reply_bulk_cstr(&c->out, repl_link_state_name(r->link));
        reply_int(&c->out, repl_replica_offset(srv));
        return;
    }
    reply_array(&c->out, 3);
    reply_bulk_cstr(&c->out, "master");
    reply_int(&c->out, r->offset);
    reply_array(&c->out, repl_online_peers(srv));
    for (struct repl_peer *pe = r->peers; pe; pe = pe->next) {
        if (!pe->online)
            continue;
        reply_array(&c->out, 3);
        reply_bulk_cstr(&c->out, pe->ip);
        reply_bulk_ll(&c->out, pe->port);
        reply_bulk_ll(&c->out, pe->ack_off);
    }
}

void cmd_wait(struct conn *c)
{
    struct server *srv = c->srv;
    if (srv->repl->master_host) {
        reply_error(&c->out, "ERR WAIT cannot be used with replica instances. Please also note "
                             "that since Redis 4.0 if a replica is configured to be writable "
                             "(which is not the default) writes to replicas are just local and "
                             "are not propagated.");
        return;
    }
    long long n, timeout;
    if (!arg_ll(&c->argv[1], &n)) {
        reply_error(&c->out, "ERR value is not an integer or out of range");
        return;
    }
    if (!arg_ll(&c->argv[2], &timeout)) {
        reply_error(&c->out, "ERR timeout is not an integer or out of range");
        return;
    }
    if (timeout < 0) {
        reply_error(&c->out, "ERR timeout is negative");
        return;
    }
    repl_master_wait(c, n, timeout);
}

void repl_info(struct server *srv, struct reply_buf *b)
{
    struct repl *r = srv->repl;
    long long now = server_mstime(srv);
    reply_info_line(b, "# Replication");
    if (r->master_host) {
        int up = r->link == REPL_LINK_CONNECTED;
        reply_info_line(b, "role:slave");
        reply_info_line(b, "master_host:%s", r->master_host);
        reply_info_line(b, "master_port:%d", r->master_port);
        reply_info_line(b, "master_link_status:%s", up ? "up" : "down");
        reply_info_line(b, "master_last_io_seconds_ago:%lld",
                        up ? (now - r->last_io_ms) / 1000 : -1LL);
        reply_info_line(b, "master_sync_in_progress:%d", r->link == REPL_LINK_TRANSFER);
        reply_info_line(b, "slave_read_repl_offset:%lld",
                        up ? r->offset + (long long)r->inlen : 1LL);
        reply_info_line(b, "slave_repl_offset:%lld", up ? r->offset : 1LL);
        if (r->link == REPL_LINK_TRANSFER) {
            /* A diskless ($EOF:) bulk has no known total: 0, as Redis. */
            long long total = r->bulk_len > 0 ? r->bulk_len : 0;
            long long got = r->bulk_read;
            if (got > total)
                total = got;
            reply_info_line(b, "master_sync_total_bytes:%lld", r->bulk_len);
            reply_info_line(b, "master_sync_read_bytes:%lld", got);
            reply_info_line(b, "master_sync_left_bytes:%lld", total - got);
            reply_info_line(b, "master_sync_perc:%.2f",
                            total ? 100.0 * (double)got / (double)total : 0.0);
            reply_info_line(b, "master_sync_last_io_seconds_ago:%lld",
                            (now - r->last_io_ms) / 1000);
        }
        if (!up)
            reply_info_line(b, "master_link_down_since_seconds:%lld",
                            r->down_since_ms ? (now - r->down_since_ms) / 1000 : -1LL);
        reply_info_line(b, "slave_priority:%d", srv->cfg.replica_priority);
        reply_info_line(b, "slave_read_only:%d", srv->cfg.replica_read_only);
        reply_info_line(b, "replica_announced:%d", srv->cfg.replica_announced);
    } else {
        reply_info_line(b, "role:master");
    }
    /* Replicas past SYNC/PSYNC: online, or waiting for their RDB. */
    int n = 0;
    for (struct repl_peer *pe = r->peers; pe; pe = pe->next)
        n += pe->online || pe->wait_ack || pe->sync != REPL_SYNC_NONE;
    reply_info_line(b, "connected_slaves:%d", n);
    if (repl_min_replicas_active(srv))
        reply_info_line(b, "min_slaves_good_slaves:%d", repl_good_replicas(srv));
    int i = 0;
    for (struct repl_peer *pe = r->peers; pe; pe = pe->next) {
        if (!pe->online && !pe->wait_ack && pe->sync == REPL_SYNC_NONE)
            continue;
        reply_info_line(b, "slave%d:ip=%s,port=%d,state=%s,offset=%lld,lag=%lld", i++, pe->ip,
                        pe->port, pe->online || pe->wait_ack ? "online" : "wait_bgsave",
                        pe->ack_off, pe->online ? (now - pe->ack_ms) / 1000 : 0LL);
    }
    reply_info_line(b, "master_failover_state:no-failover");
    reply_info_line(b, "master_replid:%s", r->replid);
    reply_info_line(b, "master_replid2:%s", r->replid2);
    reply_info_line(b, "master_repl_offset:%lld", r->offset);
    reply_info_line(b, "second_repl_offset:%lld", r->second_offset);
    const struct repl_backlog *bl = r->backlog;
    reply_info_line(b, "repl_backlog_active:%d", bl != NULL);
    reply_info_line(b, "repl_backlog_size:%lld", srv->cfg.repl_backlog_size);
    reply_info_line(b, "repl_backlog_first_byte_offset:%lld", bl ? bl->first : 0LL);
    reply_info_line(b, "repl_backlog_histlen:%lld", bl ? bl->histlen : 0LL);
}
