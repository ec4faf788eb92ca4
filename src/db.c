/* db.c -- see db.h. */
#include "db.h"

#include "client_pause.h"
#include "mem.h"
#include "multi.h"
#include "notify.h"
#include "repl.h"
#include "server.h"

void db_init(struct db *db, int id, uint64_t seed)
{
    db->id = id;
    dict_init(&db->keys, seed);
    dict_init(&db->expires, seed ^ 0x9e3779b97f4a7c15ULL);
    dict_init(&db->watched, seed ^ 0x2545f4914f6cdd1dULL);
    dict_init(&db->blocking, seed ^ 0x94d049bb133111ebULL);
    db->avg_ttl = 0;
    db->expire_cursor = 0;
}

static void db_free_object_cb(void *p)
{
    object_free(p);
}

void db_free(struct db *db)
{
    dict_clear(&db->expires, NULL);
    dict_clear(&db->keys, db_free_object_cb);
    /* Watchers are owned by clients, which unwatch before they go. */
    dict_clear(&db->watched, NULL);
    dict_clear(&db->blocking, NULL);
}

struct object *object_new(const struct object_type *type, void *ptr, uint32_t lru)
{
    struct object *o = mem_alloc(sizeof(*o));
    o->type = type;
    o->ptr = ptr;
    o->lru = lru;
    return o;
}

void object_free(struct object *o)
{
    if (!o)
        return;
    if (o->type->free)
        o->type->free(o->ptr);
    mem_free(o);
}

const char *object_encoding(const struct object *o)
{
    return o->type->encoding_of ? o->type->encoding_of(o->ptr) : o->type->encoding;
}

long long object_refcount(const struct object *o)
{
    return o->type->refcount ? o->type->refcount(o->ptr) : 1;
}

int db_is_replica(const struct server *srv)
{
    return (srv->repl && srv->repl->master_host) || (srv->cfg.replicaof && srv->cfg.replicaof[0]);
}

static int db_is_expired(struct server *srv, const struct dict_entry *e)
{
    /* While the AOF loads, a key lives until the file says otherwise: the
     * commands after its PEXPIREAT ran while it was alive (Redis's
     * lookupKey does the same when server.loading). */
    if (srv->loading)
        return 0;
    /* The master's stream runs on keys as the master saw them: a key past
     * its time is still alive until the master's DEL arrives (Redis 7.0's
     * expireIfNeeded for server.master). */
    if (db_is_replica(srv) && srv->current && repl_is_master_link(srv->current))
        return 0;
    return e->aux >= 0 && e->aux <= server_mstime(srv);
}

int db_expiry_passed(struct server *srv, int64_t when)
{
    return when <= server_mstime(srv) && !srv->loading && !db_is_replica(srv);
}

struct dict_entry *db_lookup_entry(struct server *srv, struct db *db, const char *key,
                                   size_t klen, int flags)
{
    struct dict_entry *e = dict_find(&db->keys, key, klen);
    if (e && db_is_expired(srv, e)) {
        /* During CLIENT PAUSE a read sees it gone but nothing is deleted
         * (Redis 7.0); a write (only unpaused writers run then) deletes. */
        /* On a replica a read sees it gone and nothing is deleted: the
         * master's DEL will come, and a replica's own DEL would reach its
         * AOF and its replicas out of the stream's order (Redis 7.0); only
         * a write on a writable replica (replica-read-only no) deletes. */
        int replica = db_is_replica(srv);
        if (replica ? ((flags & DB_LOOKUP_WRITE) && !srv->cfg.replica_read_only)
                    : ((flags & DB_LOOKUP_WRITE) || !client_pause_active(srv)))
            server_key_expired(srv, db, key, klen);
        e = NULL;
    }
    /* Hits and misses count reads only, as Redis's lookupKeyRead: a write's
     * lookup (lookupKeyWrite) leaves them alone. */
    if (!(flags & (DB_LOOKUP_NOSTATS | DB_LOOKUP_WRITE))) {
        if (e)
            srv->stat.keyspace_hits++;
        else
            srv->stat.keyspace_misses++;
    }
    /* A read that finds nothing: Redis's keymiss event (class m). */
    if (!e && !(flags & (DB_LOOKUP_WRITE | DB_LOOKUP_NOSTATS)))
        notify_event(srv, NOTIFY_KEY_MISS, "keymiss", db->id, key, klen);
    if (e && !(flags & DB_LOOKUP_NOTOUCH))
        ((struct object *)e->val)->lru = srv->lru_clock;
    return e;
}

struct object *db_lookup(struct server *srv, struct db *db, const char *key, size_t klen,
                         int flags)
{
    struct dict_entry *e = db_lookup_entry(srv, db, key, klen, flags);
    return e ? e->val : NULL;
}

struct dict_entry *db_add(struct db *db, const char *key, size_t klen, struct object *o)
{
    return dict_add(&db->keys, key, klen, o);
}

void db_set_expire(struct db *db, struct dict_entry *e, int64_t when_ms)
{
    if (e->aux < 0)
        dict_add(&db->expires, e->key, e->klen, e);
    e->aux = when_ms;
}

int db_remove_expire(struct db *db, struct dict_entry *e)
{
    if (e->aux < 0)
        return 0;
    struct dict_entry *x = dict_unlink(&db->expires, e->key, e->klen);
    dict_entry_free(x);
    e->aux = -1;
    return 1;
}

struct object *db_take(struct db *db, const char *key, size_t klen, int64_t *expire)
{
    struct dict_entry *e = dict_unlink(&db->keys, key, klen);
    if (!e)
        return NULL;
    if (e->aux >= 0)
        dict_entry_free(dict_unlink(&db->expires, key, klen));
    if (expire)
        *expire = e->aux;
    struct object *o = e->val;
    dict_entry_free(e);
    return o;
}

int db_delete(struct db *db, const char *key, size_t klen)
{
    struct object *o = db_take(db, key, klen, NULL);
    if (!o)
        return 0;
    object_free(o);
    return 1;
}

long long db_empty(struct db *db)
{
    long long n = (long long)db->keys.used;
    dict_clear(&db->expires, NULL);
    dict_clear(&db->keys, db_free_object_cb);
    db->avg_ttl = 0;
    db->expire_cursor = 0;
    return n;
}

struct expire_sample {
    struct server *srv;
    struct db *db;
    long long now;
    char **keys;
    size_t *lens;
    int n, cap;
    long long ttl_sum;
    int ttl_count;
};

static void db_expire_scan_cb(void *ud, struct dict_entry *xe)
{
    struct expire_sample *s = ud;
    struct dict_entry *e = xe->val;
    if (e->aux <= s->now) {
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 32;
            s->keys = mem_realloc(s->keys, (size_t)s->cap * sizeof(char *));
            s->lens = mem_realloc(s->lens, (size_t)s->cap * sizeof(size_t));
        }
        s->keys[s->n] = mem_strndup(e->key, e->klen);
        s->lens[s->n] = e->klen;
        s->n++;
    } else {
        s->ttl_sum += e->aux - s->now;
        s->ttl_count++;
    }
}

/* Walk the expires table with a cursor kept in the db (like SCAN), so that
 * successive cron runs cover every key with a TTL; stop after `budget`
 * buckets.  Keys found expired are collected first and deleted after, so
 * the table does not shrink under the cursor mid-bucket. */
long long db_active_expire(struct server *srv, struct db *db, int budget)
{
    if (!db->expires.used)
        return 0;
    struct expire_sample s = {srv, db, server_mstime(srv), NULL, NULL, 0, 0, 0, 0};
    uint64_t cursor = db->expire_cursor;
    do {
        cursor = dict_scan(&db->expires, cursor, db_expire_scan_cb, &s);
    } while (cursor && --budget > 0);
    db->expire_cursor = cursor;
    for (int i = 0; i < s.n; i++) {
        struct dict_entry *e = dict_find(&db->keys, s.keys[i], s.lens[i]);
        if (e && e->aux >= 0 && e->aux <= s.now)
            server_key_expired(srv, db, s.keys[i], s.lens[i]);
        mem_free(s.keys[i]);
    }
    if (s.ttl_count) {
        long long avg = s.ttl_sum / s.ttl_count;
        db->avg_ttl = db->avg_ttl ? (db->avg_ttl / 50) * 49 + avg / 50 : avg;
    }
    mem_free(s.keys);
    mem_free(s.lens);
    return s.n;
}
