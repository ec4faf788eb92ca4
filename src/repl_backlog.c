/* repl_backlog.c -- the replication backlog and partial resynchronisation
 * (PSYNC <replid> <offset> answered with +CONTINUE), as Redis 7.0.
 *
 *   buf: a ring of `size` bytes; the last `histlen` bytes of the stream
 *   written end at `idx` (exclusive).  `first` is the replication offset of
 *   the oldest byte held (Redis's repl_backlog_first_byte_offset), so the
 *   bytes held are the stream's [first, first + histlen), with
 *   first + histlen == master_repl_offset + 1 at all times.
 *
 * Invariants:
 *   - the backlog is fed where the stream is (repl_master_feed_raw), on a
 *     master (its effects) and on a replica (its master's bytes as applied),
 *     so every server that has one can continue its replicas' histories;
 *   - a master creates it with a new replid when its first replica asks for
 *     a full sync (there is no past history then), and frees it, again with
 *     a new replid, after repl-backlog-ttl seconds without replicas; a
 *     replica keeps it always (a promoted replica serves partial resyncs to
 *     its former siblings from it);
 *   - PSYNC continues only on Redis's conditions: the asked id is our replid,
 *     or our replid2 and the offset is not past second_repl_offset, and the
 *     asked offset lies within [first, first + histlen]. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conn.h"
#include "log.h"
#include "mem.h"
#include "repl.h"
#include "server.h"

#define REPL_BACKLOG_MIN_SIZE (16 * 1024) /* Redis's CONFIG_REPL_BACKLOG_MIN_SIZE */

/* The configured size, raised to Redis's minimum (CONFIG SET accepts 1 and
 * then shows 16384, as Redis 7.0). */
static long long backlog_wanted_size(struct server *srv)
{
    if (srv->cfg.repl_backlog_size < REPL_BACKLOG_MIN_SIZE)
        srv->cfg.repl_backlog_size = REPL_BACKLOG_MIN_SIZE;
    return srv->cfg.repl_backlog_size;
}

void repl_backlog_create(struct server *srv)
{
    struct repl *r = srv->repl;
    if (r->backlog)
        return;
    struct repl_backlog *b = mem_calloc(sizeof(*b));
    b->size = backlog_wanted_size(srv);
    b->buf = mem_alloc((size_t)b->size);
    b->first = r->offset + 1;
    r->backlog = b;
    /* From now on the stream is built even when no replica is online: the
     * backlog must see every byte. */
    repl_master_sink_update(srv);
}

void repl_backlog_free(struct server *srv)
{
    struct repl *r = srv->repl;
    if (!r->backlog)
        return;
    mem_free(r->backlog->buf);
    mem_free(r->backlog);
    r->backlog = NULL;
    repl_master_sink_update(srv);
}

/* Append bytes that were just counted in r->offset. */
void repl_backlog_feed(struct repl *r, const char *p, size_t len)
{
    struct repl_backlog *b = r->backlog;
    if (!b)
        return;
    long long n = (long long)len;
    if (n > b->size) { /* only the tail can be kept */
        p += n - b->size;
        n = b->size;
    }
    while (n > 0) {
        long long room = b->size - b->idx;
        long long k = n < room ? n : room;
        memcpy(b->buf + b->idx, p, (size_t)k);
        b->idx = (b->idx + k) % b->size;
        p += k;
        n -= k;
    }
    b->histlen += (long long)len;
    if (b->histlen > b->size)
        b->histlen = b->size;
    b->first = r->offset - b->histlen + 1;
}

/* Copy the held bytes from stream offset `from` on into out. */
static void backlog_copy(const struct repl_backlog *b, long long from, struct reply_buf *out)
{
    long long skip = from - b->first;
    long long n = b->histlen - skip;
    long long start = (b->idx - b->histlen + skip) % b->size;
    if (start < 0)
        start += b->size;
    while (n > 0) {
        long long k = b->size - start < n ? b->size - start : n;
        reply_raw(out, b->buf + start, (size_t)k);
        start = (start + k) % b->size;
        n -= k;
    }
}

/* CONFIG SET repl-backlog-size: keep the newest history that fits. */
void repl_backlog_resize(struct server *srv)
{
    struct repl *r = srv->repl;
    long long size = backlog_wanted_size(srv);
    struct repl_backlog *b = r->backlog;
    if (!b || b->size == size)
        return;
    struct reply_buf keep;
    reply_init(&keep, 2);
    long long hist = b->histlen < size ? b->histlen : size;
    backlog_copy(b, r->offset + 1 - hist, &keep);
    mem_free(b->buf);
    b->size = size;
    b->buf = mem_alloc((size_t)size);
    memcpy(b->buf, keep.buf, keep.len);
    b->idx = (long long)keep.len % size;
    b->histlen = (long long)keep.len;
    b->first = r->offset - b->histlen + 1;
    reply_free(&keep);
}

/* PSYNC <replid> <offset>: 0 when the replica was continued (its reply and
 * the missing bytes are queued, it is online), -1 for a full resync. */
int repl_master_try_partial(struct conn *c, const char *replid, long long psync_offset)
{
    struct server *srv = c->srv;
    struct repl *r = srv->repl;
    struct repl_backlog *b = r->backlog;
    if (strcasecmp(replid, r->replid) != 0 &&
        (strcasecmp(replid, r->replid2) != 0 || psync_offset > r->second_offset)) {
        if (replid[0] != '?') {
            if (strcasecmp(replid, r->replid2) != 0)
                log_notice("Partial resynchronization not accepted: Replication ID mismatch "
                           "(Replica asked for '%s', my replication IDs are '%s' and '%s')",
                           replid, r->replid, r->replid2);
            else
                log_notice("Partial resynchronization not accepted: Requested offset for "
                           "second ID was %lld, but I can reply up to %lld",
                           psync_offset, r->second_offset);
        } else {
            log_notice("Full resync requested by replica %s", c->addr);
        }
        return -1;
    }
    if (!b || psync_offset < b->first || psync_offset > b->first + b->histlen) {
        log_notice("Unable to partial resync with replica %s for lack of backlog (Replica "
                   "request was: %lld).", c->addr, psync_offset);
        if (b && psync_offset > r->offset)
            log_warning("Warning: replica %s tried to PSYNC with an offset that is greater "
                        "than the master replication offset.", c->addr);
        return -1;
    }
    if (!c->repl_peer)
        repl_master_attach(c, NULL);
    struct repl_peer *pe = c->repl_peer;
    pe->psync = 1;
    pe->sync = REPL_SYNC_NONE;
    pe->online = 1;
    pe->ack_ms = server_mstime(srv);
    char head[64];
    int hl = pe->capa_psync2 ? snprintf(head, sizeof(head), "+CONTINUE %s\r\n", r->replid)
                             : snprintf(head, sizeof(head), "+CONTINUE\r\n");
    reply_raw(&c->out, head, (size_t)hl);
    backlog_copy(b, psync_offset, &c->out);
    /* From now on its output is the stream alone. */
    c->reply_mode = REPLY_OFF;
    conn_want_write(c);
    srv->stat.sync_partial_ok++;
    log_notice("Partial resynchronization request from %s accepted. Sending %lld bytes of "
               "backlog starting from offset %lld.", c->addr, b->first + b->histlen - psync_offset,
               psync_offset);
    return 0;
}

/* Master half of the cron: free the backlog of a master without replicas
 * after repl-backlog-ttl seconds (0: never), with a new replid as Redis. */
void repl_backlog_cron(struct server *srv)
{
    struct repl *r = srv->repl;
    if (!r->backlog || r->master_host || r->peers || srv->cfg.repl_backlog_ttl <= 0)
        return;
    if (r->no_peers_since_ms == 0) { /* never had replicas (a restart) */
        r->no_peers_since_ms = server_mstime(srv);
        return;
    }
    long long idle = (server_mstime(srv) - r->no_peers_since_ms) / 1000;
    if (idle <= srv->cfg.repl_backlog_ttl)
        return;
    repl_new_replid(srv);
    repl_clear_replid2(srv);
    repl_backlog_free(srv);
    log_notice("Replication backlog freed after %lld seconds without connected replicas.",
               srv->cfg.repl_backlog_ttl);
}
