/* rdb.c -- the RDB file format around the keyspace: saving every database
 * into a writer (file or memory), loading an image back, DUMP/RESTORE
 * payloads.  See rdb.h for the layout; byte encodings are rdb_codec's, the
 * stream object's rdb_stream's.
 *
 * Loading never trusts a length: every read goes through rdb_reader, which
 * stops at the end of the buffer with an error that names the offset, and
 * a key or object that does not decode is an error, not a crash.  Keys of
 * the types Redis defines but Runnel does not serve are decoded far enough
 * to skip them (rdb_object.c) and counted; only module data and types no
 * Redis defines stop a load, because their extent cannot be known. */
#include "rdb.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd_stream.h"
#include "db.h"
#include "log.h"
#include "mem.h"
#include "rdb_codec.h"
#include "rdb_object.h"
#include "rdb_pipe.h"
#include "rdb_stream.h"
#include "repl.h"
#include "server.h"
#include "snapshot.h"
#include "stream.h"
#include "stream_group.h"
#include "util.h"
#include "version.h"

#define RDB_LOAD_PROGRESS_US 1000000LL     /* a progress line each second */
/* Consumers' active-times (Redis 7.2) when the stream type written cannot
 * carry them (7.0's): an aux field right after the key, which Redis
 * ignores, holding one 8-byte LE time per consumer in group-name then
 * consumer-name order. */
#define RDB_AUX_ACTIVE_TIMES "runnel-active-times"
#define RDB_FSYNC_EVERY (32LL * 1024 * 1024) /* rdb-save-incremental-fsync without */
#define RDB_WRITEBACK_EVERY (4LL * 1024 * 1024) /* sync_file_range */
#define RDB_BIG_IMAGE (64u * 1024 * 1024)   /* announce loads past this size */

/* --- Saving ------------------------------------------------------------------ */

static int save_aux(struct rdb_writer *w, const char *key, const char *val)
{
    rdb_write_byte(w, RDB_OPCODE_AUX);
    rdb_write_string(w, key, strlen(key));
    return rdb_write_string(w, val, strlen(val));
}

static int save_aux_ll(struct rdb_writer *w, const char *key, long long val)
{
    rdb_write_byte(w, RDB_OPCODE_AUX);
    rdb_write_string(w, key, strlen(key));
    return rdb_write_string_ll(w, val);
}

/* The file's version: the newest any stream needs (one pass over the keys,
 * before the header is written).  *needs_newer counts those streams.  -1
 * when a key has a type this file has no encoding for: a snapshot that
 * silently left keys out would lose them at the next start. */
static int rdb_file_version(struct server *srv, long long *needs_newer)
{
    int version = RDB_VERSION_WRITE;
    *needs_newer = 0;
    for (int i = 0; i < srv->ndbs; i++) {
        struct dict_iter it;
        dict_iter_init(&it, &srv->dbs[i].keys);
        struct dict_entry *e;
        while ((e = dict_iter_next(&it))) {
            const struct object *o = e->val;
            int v = rdb_object_min_version(o);
            if (v < 0) {
                log_warning("Can't save key '%.*s' (db %d): no RDB encoding for type %s yet",
                            (int)(e->klen > 64 ? 64 : e->klen), e->key, i, o->type->name);
                return -1;
            }
            if (v > RDB_VERSION_WRITE)
                (*needs_newer)++;
            if (v > version)
                version = v;
        }
    }
    return version;
}

static size_t consumer_total(const struct stream *s)
{
    size_t n = 0;
    for (size_t i = 0; i < stream_group_count(s); i++)
        n += stream_group_at(s, i)->nconsumers;
    return n;
}

static int save_active_times(struct rdb_writer *w, const struct stream *s)
{
    size_t n = consumer_total(s);
    if (n == 0)
        return 0;
    unsigned char *buf = mem_alloc(n * 8);
    size_t k = 0;
    for (size_t i = 0; i < stream_group_count(s); i++) {
        const struct stream_group *g = stream_group_at(s, i);
        for (size_t j = 0; j < g->nconsumers; j++, k++) {
            uint64_t v = (uint64_t)g->consumers[j]->active_time;
            for (int b = 0; b < 8; b++)
                buf[k * 8 + (size_t)b] = (unsigned char)(v >> (8 * b));
        }
    }
    rdb_write_byte(w, RDB_OPCODE_AUX);
    rdb_write_string(w, RDB_AUX_ACTIVE_TIMES, strlen(RDB_AUX_ACTIVE_TIMES));
    int rc = rdb_write_string(w, buf, n * 8);
    mem_free(buf);
    return rc;
}

static int save_key(struct rdb_writer *w, const struct dict_entry *e, int version)
{
    const struct object *o = e->val; /* of a type rdb_file_version checked */
    if (e->aux >= 0) {
        rdb_write_byte(w, RDB_OPCODE_EXPIRETIME_MS);
        rdb_write_millis(w, e->aux);
    }
    int type = rdb_object_type(o, version);
    rdb_write_byte(w, (unsigned char)type);
    rdb_write_string(w, e->key, e->klen);
    if (rdb_object_write(w, o, type) < 0)
        return -1;
    if (type == RDB_TYPE_STREAM_LISTPACKS || type == RDB_TYPE_STREAM_LISTPACKS_2)
        return save_active_times(w, o->ptr);
    return 0;
}

int rdb_save_to_writer(struct server *srv, struct rdb_writer *w, int aof_base)
{
    long long newer;
    int version = rdb_file_version(srv, &newer);
    if (version < 0) {
        w->err = ENOTSUP;
        return -1;
    }
    if (version > RDB_VERSION_WRITE)
        log_notice("RDB written as version %d (the form of the Redis version that introduced "
                   "it) for %lld stream(s) holding state Redis 7.0 cannot carry (IDMP maps, "
                   "records released by XNACK); Redis 7.0 will not load this file",
                   version, newer);
    else
        log_verbose("RDB written as version %d (Redis 7.0 form)", version);
    char magic[16];
    snprintf(magic, sizeof(magic), "REDIS%04d", version);
    rdb_write_raw(w, magic, 9);
    save_aux(w, "redis-ver", RUNNEL_REDIS_VERSION);
    save_aux_ll(w, "redis-bits", (long long)sizeof(void *) * 8);
    save_aux_ll(w, "ctime", (long long)time(NULL));
    save_aux_ll(w, "used-mem", (long long)mem_used());
    /* Replication info, on Redis's conditions (repl_rdb_save_info), so a
     * replica restarted from this file, or fed it by a full sync, goes on
     * with the stream in the right db and can PSYNC.  Never in an AOF
     * base, as Redis. */
    int repl_db;
    if (!aof_base && repl_rdb_save_info(srv, &repl_db)) {
        save_aux_ll(w, "repl-stream-db", repl_db);
        save_aux(w, "repl-id", srv->repl->replid);
        save_aux_ll(w, "repl-offset", srv->repl->offset);
    }
    save_aux_ll(w, "aof-base", aof_base ? 1 : 0);
    save_aux(w, "runnel-ver", RUNNEL_VERSION);

    int delay = srv->cfg.rdb_key_save_delay;
    for (int i = 0; i < srv->ndbs; i++) {
        struct db *db = &srv->dbs[i];
        if (db->keys.used == 0)
            continue;
        rdb_write_byte(w, RDB_OPCODE_SELECTDB);
        rdb_write_len(w, (uint64_t)i);
        rdb_write_byte(w, RDB_OPCODE_RESIZEDB);
        rdb_write_len(w, db->keys.used);
        rdb_write_len(w, db->expires.used);
        struct dict_iter it;
        dict_iter_init(&it, &db->keys);
        struct dict_entry *e;
        while ((e = dict_iter_next(&it))) {
            if (save_key(w, e, version) < 0)
                return -1;
            if (delay > 0)
                usleep((useconds_t)delay);
        }
        if (w->err)
            return -1;
    }
    rdb_write_byte(w, RDB_OPCODE_EOF);
    return rdb_write_checksum(w, srv->cfg.rdbchecksum);
}

/* The file writer's sink: write everything and, when asked
 * (rdb-save-incremental-fsync), keep the dirty pages few so the final
 * fsync does not stall on the whole file: every 4 MiB, start the writeback
 * of what was written since the last time and wait for the window before
 * it (sync_file_range, as Redis 7.0's rio does on Linux), or where that is
 * not available fdatasync every 32 MiB. */
struct file_sink {
    int fd;
    int incremental_fsync;
    int no_range;                 /* sync_file_range refused: fdatasync */
    long long written, kicked, waited;
};

static int file_sink_writeback(struct file_sink *fs)
{
#ifdef SYNC_FILE_RANGE_WRITE
    if (!fs->no_range) {
        if (fs->written - fs->kicked < RDB_WRITEBACK_EVERY)
            return 0;
        if (sync_file_range(fs->fd, fs->kicked, fs->written - fs->kicked,
                            SYNC_FILE_RANGE_WRITE) == 0) {
            if (fs->kicked > fs->waited &&
                sync_file_range(fs->fd, fs->waited, fs->kicked - fs->waited,
                                SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                    SYNC_FILE_RANGE_WAIT_AFTER) < 0)
                return -1;
            fs->waited = fs->kicked;
            fs->kicked = fs->written;
            return 0;
        }
        if (errno != ENOSYS && errno != EINVAL && errno != ESPIPE && errno != EOPNOTSUPP)
            return -1;
        fs->no_range = 1;
    }
#endif
    if (fs->written - fs->waited < RDB_FSYNC_EVERY)
        return 0;
    if (fdatasync(fs->fd) < 0)
        return -1;
    fs->waited = fs->kicked = fs->written;
    return 0;
}

static int file_sink_write(void *ud, const void *p, size_t len)
{
    struct file_sink *fs = ud;
    const char *c = p;
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fs->fd, c + off, len - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0) {
            errno = ENOSPC;
            return -1;
        }
        off += (size_t)n;
    }
    fs->written += (long long)len;
    return fs->incremental_fsync ? file_sink_writeback(fs) : 0;
}

static int fsync_dir_of(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == path)
        snprintf(dir, sizeof(dir), "/");
    else
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static void *close_main(void *arg)
{
    close((int)(intptr_t)arg);
    return NULL;
}

/* Close fd on a short-lived thread (here, if none can be started). */
static void close_in_background(int fd)
{
    pthread_attr_t attr;
    pthread_t t;
    if (pthread_attr_init(&attr) != 0) {
        close(fd);
        return;
    }
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, close_main, (void *)(intptr_t)fd) != 0)
        close(fd);
    pthread_attr_destroy(&attr);
}

int rdb_save_file(struct server *srv, const char *path, char *err, size_t errlen)
{
    char tmp[4200];
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path + 1) : 0;
    snprintf(tmp, sizeof(tmp), "%.*stemp-%ld.rdb", dirlen, path, (long)getpid());
    char cwd[1024];
    if (!getcwd(cwd, sizeof(cwd)))
        snprintf(cwd, sizeof(cwd), "unknown");

    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen,
                 "Failed opening the temp RDB file %s (in server root dir %s) for saving: %s",
                 tmp + dirlen, cwd, strerror(errno));
        return -1;
    }
    struct file_sink fs = {fd, srv->cfg.rdb_save_incremental_fsync, 0, 0, 0, 0};
    struct rdb_writer w;
    rdb_writer_init(&w, file_sink_write, &fs, srv->cfg.rdbcompression);
    /* With a second core, LZF, CRC and write() overlap the building of
     * listpacks (rdb_pipe.h); on one core the thread would only add
     * hand-overs. */
    if (sysconf(_SC_NPROCESSORS_ONLN) > 1)
        rdb_pipe_start(&w);
    int rc = rdb_save_to_writer(srv, &w, 0);
    if (rc == 0)
        rc = rdb_writer_flush(&w);
    int werr = w.err ? w.err : errno;
    rdb_writer_free(&w);
    if (rc == 0 && fsync(fd) < 0) {
        rc = -1;
        werr = errno;
    }
    if (close(fd) < 0 && rc == 0) {
        rc = -1;
        werr = errno;
    }
    if (rc < 0) {
        snprintf(err, errlen, "Write error saving DB on disk: %s", strerror(werr ? werr : EIO));
        unlink(tmp);
        return -1;
    }
    /* The file being replaced stays open across the rename, so that the
     * rename does not free its pages and blocks (~3 ms for 6 MB here, in
     * the loop); a thread's close does (Redis closes an old AOF so). */
    int old_fd = open(path, O_RDONLY | O_CLOEXEC);
    if (rename(tmp, path) < 0) {
        if (old_fd >= 0)
            close(old_fd);
        snprintf(err, errlen,
                 "Error moving temp DB file %s on the final destination %s (in server root dir "
                 "%s): %s",
                 tmp + dirlen, path, cwd, strerror(errno));
        unlink(tmp);
        return -1;
    }
    if (old_fd >= 0)
        close_in_background(old_fd);
    if (fsync_dir_of(path) < 0) {
        snprintf(err, errlen, "Failed to fsync the directory of %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

size_t rdb_object_serialized_len(struct server *srv, const struct object *o)
{
    int version = rdb_object_min_version(o);
    if (version < 0)
        return 0;
    struct rdb_writer w;
    rdb_writer_init(&w, NULL, NULL, srv->cfg.rdbcompression);
    rdb_object_write(&w, o, rdb_object_type(o, version));
    size_t n = (size_t)w.total;
    rdb_writer_free(&w);
    return n;
}

/* --- DUMP / RESTORE ------------------------------------------------------------- */

int rdb_dump_payload(struct server *srv, const struct object *o, unsigned char **out,
                     size_t *len)
{
    int version = rdb_object_min_version(o);
    if (version < 0)
        return -1;
    int type = rdb_object_type(o, version);
    struct rdb_writer w;
    rdb_writer_init(&w, NULL, NULL, srv->cfg.rdbcompression);
    rdb_write_byte(&w, (unsigned char)type);
    rdb_object_write(&w, o, type);
    unsigned char ver[2] = {(unsigned char)(version & 0xff), (unsigned char)(version >> 8)};
    rdb_write_raw(&w, ver, 2);
    rdb_write_checksum(&w, 1);
    *len = w.len;
    *out = mem_memdup(w.buf, w.len);
    rdb_writer_free(&w);
    return 0;
}

int rdb_verify_payload(const void *p, size_t len)
{
    const unsigned char *b = p;
    if (len < 10)
        return -1;
    int version = b[len - 10] | (b[len - 9] << 8);
    if (version > RDB_VERSION_MAX)
        return -1;
    uint64_t want = 0;
    for (int i = 7; i >= 0; i--)
        want = (want << 8) | b[len - 8 + (size_t)i];
    return rdb_crc64(0, b, len - 8) == want ? 0 : -1;
}

int rdb_restore_payload(struct server *srv, const void *p, size_t len, struct object **out,
                        int *unsupported, char *err, size_t errlen)
{
    struct rdb_reader r;
    unsigned char type;
    const char *skipped;
    *unsupported = 0;
    rdb_reader_init(&r, p, len - 10);
    if (rdb_read_byte(&r, &type) < 0 || rdb_object_read(srv, &r, type, out, &skipped) < 0) {
        snprintf(err, errlen, "%s", r.err);
        return -1;
    }
    if (!*out) {
        *unsupported = 1;
        snprintf(err, errlen, "the payload holds a %s", skipped);
        return -1;
    }
    if (r.pos != r.len) {
        object_free(*out);
        *out = NULL;
        snprintf(err, errlen, "%zu bytes after the object", r.len - r.pos);
        return -1;
    }
    return 0;
}

/* --- Loading ------------------------------------------------------------------------ */

struct load_state {
    struct server *srv;
    struct rdb_reader r;
    int version;
    int aof_base;              /* aux aof-base 1: keep expired keys */
    struct repl_rdb_info repl; /* aux repl-stream-db/repl-id/repl-offset */
    int repl_fields;           /* how many of the three were read */
    long long now_ms;
    long long keys_loaded;
    long long keys_expired;
    const char *skipped_kind[8];   /* kinds of keys skipped, and how many */
    long long skipped[8];
    int nkinds;
    long long functions_skipped;
    struct stream *last_stream;  /* the key just loaded (NULL: skipped) */
    long long start_us, last_log_us;
    char *err;
    size_t errlen;
};

static int load_fail(struct load_state *ls, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int load_fail(struct load_state *ls, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ls->err, ls->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static int load_reader_fail(struct load_state *ls)
{
    return load_fail(ls, "%s", ls->r.err[0] ? ls->r.err : "corrupt RDB data");
}

static void load_progress(struct load_state *ls)
{
    long long now = util_ustime();
    if (now - ls->last_log_us < RDB_LOAD_PROGRESS_US)
        return;
    ls->last_log_us = now;
    log_notice("Loading RDB: %lld keys, %zu of %zu bytes (%.1f%%), %.1f seconds", ls->keys_loaded,
               ls->r.pos, ls->r.len, ls->r.len ? 100.0 * (double)ls->r.pos / (double)ls->r.len : 0,
               (double)(now - ls->start_us) / 1e6);
}

static int load_aux(struct load_state *ls)
{
    char *key = NULL, *val = NULL;
    size_t klen, vlen;
    if (rdb_read_string(&ls->r, &key, &klen) < 0 || rdb_read_string(&ls->r, &val, &vlen) < 0) {
        mem_free(key);
        return load_reader_fail(ls);
    }
    if (strcmp(key, "redis-ver") == 0) {
        log_notice("Loading RDB produced by version %s", val);
    } else if (strcmp(key, "ctime") == 0) {
        long long ctime;
        if (util_str_to_ll(val, vlen, &ctime)) {
            long long age = (long long)time(NULL) - ctime;
            log_notice("RDB age %lld seconds", age < 0 ? 0 : age);
        }
    } else if (strcmp(key, "used-mem") == 0) {
        long long used;
        if (util_str_to_ll(val, vlen, &used))
            log_notice("RDB memory usage when created %.2f Mb", (double)used / (1024 * 1024));
    } else if (strcmp(key, "aof-base") == 0) {
        ls->aof_base = vlen == 1 && val[0] == '1';
    } else if (strcmp(key, "repl-stream-db") == 0) {
        long long v;
        if (util_str_to_ll(val, vlen, &v) && v >= -1 && v <= INT_MAX) {
            ls->repl.db = (int)v;
            ls->repl_fields |= 1;
        }
    } else if (strcmp(key, "repl-id") == 0) {
        if (vlen == 40) {
            memcpy(ls->repl.id, val, 40);
            ls->repl.id[40] = '\0';
            ls->repl_fields |= 2;
        }
    } else if (strcmp(key, "repl-offset") == 0) {
        long long v;
        if (util_str_to_ll(val, vlen, &v)) {
            ls->repl.offset = v;
            ls->repl_fields |= 4;
        }
    } else if (strcmp(key, RDB_AUX_ACTIVE_TIMES) == 0) {
        struct stream *s = ls->last_stream;
        if (s && vlen == consumer_total(s) * 8) {
            size_t k = 0;
            for (size_t i = 0; i < stream_group_count(s); i++) {
                struct stream_group *g = stream_group_at(s, i);
                for (size_t j = 0; j < g->nconsumers; j++, k++) {
                    uint64_t v = 0;
                    for (int b = 7; b >= 0; b--)
                        v = (v << 8) | (unsigned char)val[k * 8 + (size_t)b];
                    g->consumers[j]->active_time = (int64_t)v;
                }
            }
        } else {
            log_verbose("RDB: consumers' active-times that match no stream were ignored");
        }
    } else {
        log_debug("RDB aux field %s = %s", key, val);
    }
    mem_free(key);
    mem_free(val);
    return 0;
}

static void count_skipped(struct load_state *ls, const char *kind)
{
    for (int i = 0; i < ls->nkinds; i++) {
        if (strcmp(ls->skipped_kind[i], kind) == 0) {
            ls->skipped[i]++;
            return;
        }
    }
    if (ls->nkinds < 8) {
        ls->skipped_kind[ls->nkinds] = kind;
        ls->skipped[ls->nkinds++] = 1;
    }
}

/* One key of type `type` (its type byte was read) into db. */
static int load_key(struct load_state *ls, struct db *db, int type, long long expire,
                    long long idle)
{
    struct server *srv = ls->srv;
    size_t key_at = ls->r.pos;
    char *key;
    size_t klen;
    ls->last_stream = NULL;
    if (rdb_read_string(&ls->r, &key, &klen) < 0)
        return load_reader_fail(ls);
    struct object *o = NULL;
    const char *skipped = NULL;
    if (rdb_object_read(srv, &ls->r, type, &o, &skipped) < 0) {
        int rc = load_fail(ls, "key '%.*s' (RDB type %d): %s", (int)(klen > 64 ? 64 : klen), key,
                           type, ls->r.err[0] ? ls->r.err : "corrupt RDB data");
        mem_free(key);
        return rc;
    }
    if (!o) {
        count_skipped(ls, skipped);
        mem_free(key);
        return 0;
    }
    /* A master drops keys whose time has passed (Redis's rdbLoad); an AOF
     * base keeps them, the AOF's own commands follow; so does a replica,
     * whose master sends the DELs. */
    if (expire != -1 && expire < ls->now_ms && !ls->aof_base && !db_is_replica(srv)) {
        object_free(o);
        mem_free(key);
        ls->keys_expired++;
        return 0;
    }
    if (dict_find(&db->keys, key, klen) && srv->snap && srv->snap->load_merge) {
        db_delete(db, key, klen); /* DEBUG RELOAD MERGE: the file's copy wins */
    } else if (dict_find(&db->keys, key, klen)) {
        object_free(o);
        int rc = load_fail(ls, "duplicate key '%.*s' in db %d at offset %zu",
                           (int)(klen > 64 ? 64 : klen), key, db->id, key_at);
        mem_free(key);
        return rc;
    }
    if (idle > 0)
        o->lru = idle >= (long long)o->lru ? 0 : o->lru - (uint32_t)idle;
    struct dict_entry *e = db_add(db, key, klen, o);
    if (expire != -1)
        db_set_expire(db, e, expire < 0 ? 0 : expire); /* -1 is "none" here */
    mem_free(key);
    if (o->type == &stream_object_type)
        ls->last_stream = o->ptr;
    ls->keys_loaded++;
    return 0;
}

static int load_body(struct load_state *ls)
{
    struct server *srv = ls->srv;
    struct rdb_reader *r = &ls->r;
    if (r->len < 9 || memcmp(r->buf, "REDIS", 5) != 0)
        return load_fail(ls, "Wrong signature trying to load DB from file");
    int version = 0;
    for (int i = 5; i < 9; i++) {
        if (r->buf[i] < '0' || r->buf[i] > '9')
            return load_fail(ls, "Wrong signature trying to load DB from file");
        version = version * 10 + (r->buf[i] - '0');
    }
    if (version < 1 || version > RDB_VERSION_MAX)
        return load_fail(ls, "Can't handle RDB format version %d", version);
    ls->version = version;
    r->pos = 9;

    struct db *db = &srv->dbs[0];
    long long expire = -1, idle = -1;
    for (;;) {
        unsigned char op;
        if (rdb_read_byte(r, &op) < 0)
            return load_reader_fail(ls);
        if (op == RDB_OPCODE_EOF)
            break;
        switch (op) {
        case RDB_OPCODE_EXPIRETIME_MS: {
            int64_t ms;
            if (rdb_read_millis(r, &ms) < 0)
                return load_reader_fail(ls);
            expire = ms;
            continue;
        }
        case RDB_OPCODE_EXPIRETIME: {
            unsigned char b[4];
            for (int i = 0; i < 4; i++)
                if (rdb_read_byte(r, &b[i]) < 0)
                    return load_reader_fail(ls);
            int32_t sec = (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                                    (uint32_t)b[3] << 24);
            expire = (long long)sec * 1000;
            continue;
        }
        case RDB_OPCODE_IDLE: {
            uint64_t v;
            if (rdb_read_len(r, &v, NULL) < 0)
                return load_reader_fail(ls);
            idle = v > INT64_MAX ? INT64_MAX : (long long)v;
            continue;
        }
        case RDB_OPCODE_FREQ: {
            unsigned char f;
            if (rdb_read_byte(r, &f) < 0)
                return load_reader_fail(ls);
            continue; /* no LFU policy: nothing keeps the counter */
        }
        case RDB_OPCODE_SELECTDB: {
            uint64_t id;
            if (rdb_read_len(r, &id, NULL) < 0)
                return load_reader_fail(ls);
            if (id >= (uint64_t)srv->ndbs)
                return load_fail(ls, "FATAL: Data file was created with a Redis server "
                                     "configured to handle more than %d databases (db %" PRIu64
                                     " at offset %zu)",
                                 srv->ndbs, id, r->pos);
            db = &srv->dbs[id];
            continue;
        }
        case RDB_OPCODE_RESIZEDB: {
            uint64_t a, b;
            if (rdb_read_len(r, &a, NULL) < 0 || rdb_read_len(r, &b, NULL) < 0)
                return load_reader_fail(ls);
            continue;
        }
        case RDB_OPCODE_AUX:
            if (load_aux(ls) < 0)
                return -1;
            continue;
        case RDB_OPCODE_MODULE_AUX:
            return load_fail(ls, "module auxiliary data at offset %zu: Runnel has no modules",
                             r->pos - 1);
        case RDB_OPCODE_FUNCTION2:
            if (rdb_skip_string(r) < 0)
                return load_reader_fail(ls);
            ls->functions_skipped++;
            continue;
        default:
            break;
        }
        if (load_key(ls, db, op, expire, idle) < 0)
            return -1;
        expire = idle = -1;
        if (((ls->keys_loaded + ls->keys_expired) & 1023) == 0)
            load_progress(ls);
    }
    /* The checksum (RDB 5+): 0 means it was not computed at save time. */
    if (version >= 5) {
        size_t covered = r->pos;
        uint64_t stored;
        if (rdb_read_u64le(r, &stored) < 0)
            return load_reader_fail(ls);
        if (stored == 0) {
            log_notice("RDB file was saved with checksum disabled: no check performed.");
        } else if (srv->cfg.rdbchecksum) {
            uint64_t got = rdb_crc64(0, r->buf, covered);
            if (got != stored)
                return load_fail(ls, "Wrong RDB checksum expected: (%016" PRIx64 ") got (%016" PRIx64
                                     ")",
                                 stored, got);
        }
    }
    return 0;
}

static void load_report(struct load_state *ls)
{
    long long total = 0;
    char detail[256] = "";
    size_t dl = 0;
    for (int i = 0; i < ls->nkinds; i++) {
        total += ls->skipped[i];
        int n = snprintf(detail + dl, sizeof(detail) - dl, "%s%s %lld", dl ? ", " : "",
                         ls->skipped_kind[i], ls->skipped[i]);
        if (n > 0 && (size_t)n < sizeof(detail) - dl)
            dl += (size_t)n;
    }
    if (total)
        log_warning("Skipped %lld key(s) of types Runnel does not serve (%s)", total, detail);
    if (ls->functions_skipped)
        log_warning("Skipped %lld function librar%s: Runnel has no scripting",
                    ls->functions_skipped, ls->functions_skipped == 1 ? "y" : "ies");
    if (ls->keys_expired)
        log_notice("Done loading RDB, keys loaded: %lld, keys expired: %lld.", ls->keys_loaded,
                   ls->keys_expired);
}

int rdb_load_buffer(struct server *srv, const void *buf, size_t len, size_t *consumed, char *err,
                    size_t errlen)
{
    struct load_state ls;
    memset(&ls, 0, sizeof(ls));
    ls.srv = srv;
    ls.err = err;
    ls.errlen = errlen;
    ls.now_ms = util_ustime() / 1000;
    ls.start_us = ls.last_log_us = util_ustime();
    rdb_reader_init(&ls.r, buf, len);
    if (len >= RDB_BIG_IMAGE)
        log_notice("Loading RDB of %.1f MB...", (double)len / (1024 * 1024));
    int was_loading = srv->loading;
    srv->loading = 1;
    int rc = load_body(&ls);
    srv->loading = was_loading;
    *consumed = ls.r.pos;
    if (srv->snap) {
        srv->snap->load_keys_loaded = ls.keys_loaded;
        srv->snap->load_keys_expired = ls.keys_expired;
    }
    if (rc == 0) {
        load_report(&ls);
        srv->dirty = 0;
    }
    if (srv->repl) {
        ls.repl.set = rc == 0 && ls.repl_fields == 7;
        srv->repl->rdb_info = ls.repl;
    }
    return rc;
}

int rdb_load_file(struct server *srv, const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "Can't open %s: %s", path, strerror(e));
        errno = e;
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        snprintf(err, errlen, "Can't stat %s: %s", path, strerror(e));
        close(fd);
        errno = e;
        return -1;
    }
    size_t len = (size_t)st.st_size;
    if (len == 0) {
        close(fd);
        snprintf(err, errlen, "%s is empty (short read)", path);
        errno = EINVAL;
        return -1;
    }
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) {
        int e = errno;
        snprintf(err, errlen, "Can't map %s: %s", path, strerror(e));
        errno = e;
        return -1;
    }
    madvise(map, len, MADV_SEQUENTIAL);
    size_t used = 0;
    char why[512];
    int rc = rdb_load_buffer(srv, map, len, &used, why, sizeof(why));
    munmap(map, len);
    if (rc < 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        errno = EINVAL;
        return -1;
    }
    if (used < len)
        log_warning("%zu byte(s) after the end of the RDB in %s were ignored", len - used, path);
    return 0;
}
