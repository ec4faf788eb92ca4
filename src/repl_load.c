/* repl_load.c -- the replica's side of a full sync: the RDB bulk from the
 * master, in either form, and how it replaces the data.
 *
 *   "$<len>\r\n" <len bytes>               (disk-based sync on the master)
 *   "$EOF:<40 bytes>\r\n" <rdb> <40 bytes>  (diskless: the end is the mark;
 *                                           the master sends nothing after
 *                                           it until our first ACK)
 *
 * repl-diskless-load, as Redis 7.0 documents it:
 *   disabled     the bulk goes to temp-<unixtime>.<pid>.rdb as it arrives;
 *                at its end the file is renamed to dbfilename, the data
 *                flushed and the file loaded (deleted afterwards when
 *                rdb-del-sync-files is yes and there is no persistence);
 *   on-empty-db  as swapdb when every db is empty, else as disabled;
 *   swapdb       the bulk is kept in memory; at its end the old keys are
 *                set aside, the RDB loaded into empty dbs, then the old
 *                keys freed (success) or put back (a failed load).
 * Reading never blocks the loop: bytes are taken as the socket gives them.
 * Unlike Redis, the diskless forms parse the RDB once it is whole (not
 * from the socket as it comes), so the old data is not served while the
 * RDB loads (no async_loading); the loop is held for the parse alone, as
 * Redis's is for a disk load.  A link cut before the end leaves the data
 * as it was in every mode. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aof.h"
#include "block.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "mem.h"
#include "multi.h"
#include "rdb.h"
#include "repl.h"
#include "server.h"
#include "snapshot.h"

static int dbs_empty(const struct server *srv)
{
    for (int i = 0; i < srv->ndbs; i++)
        if (srv->dbs[i].keys.used)
            return 0;
    return 1;
}

static void in_drop(struct repl *r, size_t n)
{
    memmove(r->in, r->in + n, r->inlen - n);
    r->inlen -= n;
}

void repl_load_abort(struct server *srv)
{
    struct repl *r = srv->repl;
    if (r->xfer_fd >= 0) {
        close(r->xfer_fd);
        r->xfer_fd = -1;
        unlink(r->xfer_tmp);
    }
    r->eof_mode = 0;
}

int repl_load_begin(struct server *srv, const char *line)
{
    struct repl *r = srv->repl;
    long long len = 0;
    if (strncmp(line, "$EOF:", 5) == 0 && strlen(line + 5) >= 40) {
        r->eof_mode = 1;
        memcpy(r->eof_mark_in, line + 5, 40);
    } else {
        char *end;
        if (line[0] != '$' || (len = strtoll(line + 1, &end, 10)) < 0 || *end) {
            log_warning("Bad protocol from MASTER, the first byte is not '$' (we received "
                        "'%s'), are you sure the host and port are right?",
                        line);
            return -1;
        }
        r->eof_mode = 0;
    }
    int mode = srv->cfg.repl_diskless_load;
    int to_disk = mode == CONFIG_DISKLESS_LOAD_DISABLED ||
                  (mode == CONFIG_DISKLESS_LOAD_ON_EMPTY_DB && !dbs_empty(srv));
    if (to_disk) {
        snprintf(r->xfer_tmp, sizeof(r->xfer_tmp), "temp-%lld.%ld.rdb", (long long)time(NULL),
                 (long)getpid());
        r->xfer_fd = open(r->xfer_tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (r->xfer_fd < 0) {
            log_warning("Opening the temp file needed for MASTER <-> REPLICA synchronization: %s",
                        strerror(errno));
            return -1;
        }
    }
    if (r->eof_mode)
        log_notice("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to %s",
                   to_disk ? "disk" : "memory");
    else
        log_notice("MASTER <-> REPLICA sync: receiving %lld bytes from master to %s", len,
                   to_disk ? "disk" : "memory");
    r->bulk_len = r->eof_mode ? 0 : len;
    r->bulk_read = 0;
    return 0;
}

static int file_put(struct repl *r, size_t n)
{
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(r->xfer_fd, r->in + off, n - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            log_warning("Write error or short write writing to the DB dump file needed for "
                        "MASTER <-> REPLICA synchronization: %s",
                        strerror(errno));
            return -1;
        }
        off += (size_t)w;
    }
    in_drop(r, n);
    r->bulk_read += (long long)n;
    return 0;
}

/* After a load: the AOF held the old data, write it anew. */
static void after_load(struct server *srv)
{
    log_notice("MASTER <-> REPLICA sync: Finished with success");
    if (srv->cfg.appendonly) {
        char why[256];
        if (aof_rewrite_background(srv, why, sizeof(why)) < 0)
            log_warning("AOF rewrite after the sync with the master failed: %s", why);
    }
}

static int load_from_disk(struct server *srv)
{
    struct repl *r = srv->repl;
    char err[512];
    if (fsync(r->xfer_fd) < 0 || close(r->xfer_fd) < 0) {
        log_warning("Failed trying to sync the temp DB to disk in MASTER <-> REPLICA "
                    "synchronization: %s",
                    strerror(errno));
        close(r->xfer_fd);
        r->xfer_fd = -1;
        unlink(r->xfer_tmp);
        return -1;
    }
    r->xfer_fd = -1;
    /* A BGSAVE child would rename its own file over the master's. */
    if (snapshot_child_active(srv))
        snapshot_kill_child(srv);
    if (rename(r->xfer_tmp, srv->cfg.dbfilename) < 0) {
        log_warning("Failed trying to rename the temp DB into %s in MASTER <-> REPLICA "
                    "synchronization: %s",
                    srv->cfg.dbfilename, strerror(errno));
        unlink(r->xfer_tmp);
        return -1;
    }
    log_notice("MASTER <-> REPLICA sync: Flushing old data");
    snapshot_empty_all(srv);
    log_notice("MASTER <-> REPLICA sync: Loading DB in memory");
    long long dirty = srv->dirty;
    int rc = rdb_load_file(srv, srv->cfg.dbfilename, err, sizeof(err));
    srv->dirty = dirty + 1;
    if (rc < 0) {
        log_warning("Failed trying to load the MASTER synchronization DB from disk, check "
                    "server logs: %s",
                    err);
        snapshot_empty_all(srv);
        return -1;
    }
    if (srv->cfg.rdb_del_sync_files && !srv->cfg.appendonly && srv->cfg.save.count == 0) {
        log_notice("Removing the RDB file obtained from the master. This replica has "
                   "persistence disabled");
        unlink(srv->cfg.dbfilename);
    }
    after_load(srv);
    return 0;
}

/* swapdb (and on-empty-db): the old keys wait aside while the RDB loads. */
static int load_from_memory(struct server *srv, size_t len)
{
    struct repl *r = srv->repl;
    int n = srv->ndbs;
    struct db *old = mem_calloc(sizeof(*old) * (size_t)n);
    for (int i = 0; i < n; i++) {
        struct db *db = &srv->dbs[i];
        old[i].keys = db->keys;
        old[i].expires = db->expires;
        old[i].avg_ttl = db->avg_ttl;
        db->keys.table = db->expires.table = NULL;
        db->keys.size = db->keys.used = db->expires.size = db->expires.used = 0;
        db->avg_ttl = 0;
        db->expire_cursor = 0;
    }
    log_notice("MASTER <-> REPLICA sync: Loading DB in memory");
    char err[512];
    size_t used = 0;
    long long dirty = srv->dirty;
    int rc = rdb_load_buffer(srv, r->in, len, &used, err, sizeof(err));
    srv->dirty = dirty + 1;
    for (int i = 0; i < n; i++) {
        struct db *db = &srv->dbs[i];
        if (rc < 0) {
            /* The old data comes back as it was. */
            db_empty(db);
            db->keys = old[i].keys;
            db->expires = old[i].expires;
            db->avg_ttl = old[i].avg_ttl;
        } else {
            db_empty(&old[i]);
            /* What WATCHers and blocked readers saw has changed. */
            multi_touch_all(db);
            struct dict_iter it;
            dict_iter_init(&it, &db->blocking);
            struct dict_entry *e;
            while ((e = dict_iter_next(&it)))
                block_signal_key(srv, db, e->key, e->klen);
        }
    }
    mem_free(old);
    if (rc < 0) {
        log_warning("Failed trying to load the MASTER synchronization DB from socket: %s; "
                    "the old data is kept",
                    err);
        return -1;
    }
    log_notice("MASTER <-> REPLICA sync: Discarding previously cached master data");
    after_load(srv);
    return 0;
}

int repl_load_step(struct server *srv)
{
    struct repl *r = srv->repl;
    size_t body;
    if (r->xfer_fd >= 0) {
        if (!r->eof_mode) {
            long long left = r->bulk_len - r->bulk_read;
            size_t n = (long long)r->inlen < left ? r->inlen : (size_t)left;
            if (n && file_put(r, n) < 0)
                return -1;
            if (r->bulk_read < r->bulk_len)
                return 0;
        } else {
            /* Keep the last 40 bytes back: they may be the mark. */
            if (r->inlen > 40 && file_put(r, r->inlen - 40) < 0)
                return -1;
            if (r->inlen < 40 || memcmp(r->in, r->eof_mark_in, 40) != 0)
                return 0;
            in_drop(r, 40);
        }
        int rc = load_from_disk(srv);
        r->eof_mode = 0;
        return rc < 0 ? -1 : 1;
    }
    if (!r->eof_mode) {
        r->bulk_read = (long long)r->inlen < r->bulk_len ? (long long)r->inlen : r->bulk_len;
        if ((long long)r->inlen < r->bulk_len)
            return 0;
        body = (size_t)r->bulk_len;
    } else {
        r->bulk_read = (long long)r->inlen;
        if (r->inlen < 40 || memcmp(r->in + r->inlen - 40, r->eof_mark_in, 40) != 0)
            return 0;
        body = r->inlen - 40;
    }
    int rc = load_from_memory(srv, body);
    in_drop(r, body + (r->eof_mode ? 40 : 0));
    r->eof_mode = 0;
    return rc < 0 ? -1 : 1;
}
