/* cmd_keyspace.c -- generic keyspace commands (any type): DEL, UNLINK,
 * EXISTS, TYPE, KEYS, SCAN, RANDOMKEY, RENAME(NX), COPY, TOUCH, FLUSHDB,
 * FLUSHALL, SWAPDB, the EXPIRE family, TTL family, PERSIST and OBJECT.
 *
 * Every change calls server_key_modified() (WATCH, blocked readers) and
 * emits an effect that replays it exactly: relative expiries become
 * PEXPIREAT with the absolute time, an expiry already in the past becomes
 * DEL, as Redis propagates them. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "block.h"
#include "command.h"
#include "conn.h"
#include "handlers.h"
#include "mem.h"
#include "notify.h"
#include "multi.h"
#include "server.h"
#include "snapshot.h"
#include "util.h"

static struct server *S(struct conn *c)
{
    return c->srv;
}

/* --- DEL, UNLINK, EXISTS, TYPE, TOUCH ------------------------------------ */

static void del_generic(struct conn *c, const char *verb)
{
    long long deleted = 0;
    struct effect *e = NULL;
    for (int j = 1; j < c->argc; j++) {
        const struct util_arg *k = &c->argv[j];
        if (!db_lookup_entry(S(c), c->db, k->ptr, k->len, DB_LOOKUP_WRITE | DB_LOOKUP_NOSTATS))
            continue;
        db_delete(c->db, k->ptr, k->len);
        server_key_modified(S(c), c->db, k->ptr, k->len);
        if (!e) {
            e = server_effect(S(c), c->db->id);
            effect_arg_cstr(e, verb);
        }
        effect_arg(e, k->ptr, k->len);
        notify_key(c, NOTIFY_GENERIC, "del", k);
        deleted++;
    }
    S(c)->dirty += deleted;
    reply_int(&c->out, deleted);
}

void cmd_del(struct conn *c)
{
    del_generic(c, "DEL");
}

void cmd_unlink(struct conn *c)
{
    del_generic(c, "UNLINK");
}

void cmd_exists(struct conn *c)
{
    long long n = 0;
    for (int j = 1; j < c->argc; j++)
        if (db_lookup(S(c), c->db, c->argv[j].ptr, c->argv[j].len, DB_LOOKUP_NOTOUCH))
            n++;
    reply_int(&c->out, n);
}

void cmd_touch(struct conn *c)
{
    long long n = 0;
    for (int j = 1; j < c->argc; j++)
        if (db_lookup(S(c), c->db, c->argv[j].ptr, c->argv[j].len, 0))
            n++;
    reply_int(&c->out, n);
}

void cmd_type(struct conn *c)
{
    struct object *o =
        db_lookup(S(c), c->db, c->argv[1].ptr, c->argv[1].len, DB_LOOKUP_NOTOUCH);
    reply_simple(&c->out, o ? o->type->name : "none");
}

/* --- KEYS, SCAN, RANDOMKEY --------------------------------------------- */

static int key_is_expired(struct conn *c, const struct dict_entry *e)
{
    return e->aux >= 0 && e->aux <= server_mstime(S(c));
}

void cmd_keys(struct conn *c)
{
    const struct util_arg *pat = &c->argv[1];
    int all = pat->len == 1 && pat->ptr[0] == '*';
    size_t handle = reply_defer(&c->out);
    long n = 0;
    struct dict_iter it;
    dict_iter_init(&it, &c->db->keys);
    struct dict_entry *e;
    while ((e = dict_iter_next(&it))) {
        if (!all && !util_glob_match(pat->ptr, pat->len, e->key, e->klen, 0))
            continue;
        if (key_is_expired(c, e))
            continue;
        reply_bulk(&c->out, e->key, e->klen);
        n++;
    }
    reply_defer_array(&c->out, handle, n);
}

struct scan_batch {
    struct dict_entry **v;
    long n, cap;
};

static void scan_collect(void *ud, struct dict_entry *e)
{
    struct scan_batch *b = ud;
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->v = mem_realloc(b->v, (size_t)b->cap * sizeof(*b->v));
    }
    b->v[b->n++] = e;
}

void cmd_scan(struct conn *c)
{
    /* Redis parses the cursor with strtoul(): a sign and leading zeros are
     * taken (a negative cursor wraps), leading space and trailing bytes are
     * not. */
    const char *cs = c->argv[1].ptr;
    char *end;
    errno = 0;
    unsigned long long cursor = strtoull(cs, &end, 10);
    if (isspace((unsigned char)cs[0]) || *end != '\0' || errno == ERANGE ||
        end != cs + c->argv[1].len) {
        reply_error(&c->out, "ERR invalid cursor");
        return;
    }
    long long count = 10;
    const struct util_arg *pat = NULL, *type = NULL;
    for (int j = 2; j < c->argc; j += 2) {
        const struct util_arg *o = &c->argv[j];
        if (j + 1 >= c->argc) {
            reply_syntax_error(c);
            return;
        }
        if (util_eq_nocase(o->ptr, o->len, "count")) {
            if (arg_ll_or_reply(c, j + 1, &count) < 0)
                return;
            if (count < 1) {
                reply_syntax_error(c);
                return;
            }
        } else if (util_eq_nocase(o->ptr, o->len, "match")) {
            pat = &c->argv[j + 1];
            if (pat->len == 1 && pat->ptr[0] == '*')
                pat = NULL;
        } else if (util_eq_nocase(o->ptr, o->len, "type")) {
            type = &c->argv[j + 1];
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    /* As Redis: visit buckets until `count` keys are collected or ten
     * times as many buckets were visited. */
    struct scan_batch b = {NULL, 0, 0};
    long long budget = count > LLONG_MAX / 10 ? LLONG_MAX : count * 10;
    do {
        cursor = dict_scan(&c->db->keys, cursor, scan_collect, &b);
    } while (cursor && budget-- && b.n < count);

    reply_array(&c->out, 2);
    char num[32];
    int len = util_ull_to_str(num, sizeof(num), cursor);
    reply_bulk(&c->out, num, (size_t)len);
    size_t handle = reply_defer(&c->out);
    long n = 0;
    for (long i = 0; i < b.n; i++) {
        struct dict_entry *e = b.v[i];
        if (pat && !util_glob_match(pat->ptr, pat->len, e->key, e->klen, 0))
            continue;
        if (type) {
            const struct object *o = e->val;
            if (!util_eq_nocase(type->ptr, type->len, o->type->name))
                continue;
        }
        if (key_is_expired(c, e))
            continue;
        reply_bulk(&c->out, e->key, e->klen);
        n++;
    }
    reply_defer_array(&c->out, handle, n);
    mem_free(b.v);
}

void cmd_randomkey(struct conn *c)
{
    /* Keys with a passed expiry are skipped (and expired); give up after a
     * bounded number of tries when every key is a stale one. */
    for (int tries = 0; tries < 100; tries++) {
        struct dict_entry *e = dict_random(&c->db->keys);
        if (!e)
            break;
        if (!key_is_expired(c, e)) {
            reply_bulk(&c->out, e->key, e->klen);
            return;
        }
        char *k = mem_strndup(e->key, e->klen);
        size_t kl = e->klen;
        server_key_expired(S(c), c->db, k, kl);
        mem_free(k);
    }
    reply_null(&c->out);
}

/* --- RENAME, RENAMENX, COPY ------------------------------------------- */

static void rename_generic(struct conn *c, int nx)
{
    const struct util_arg *src = &c->argv[1], *dst = &c->argv[2];
    struct dict_entry *se = db_lookup_entry(S(c), c->db, src->ptr, src->len, DB_LOOKUP_WRITE);
    if (!se) {
        reply_error(&c->out, "ERR no such key");
        return;
    }
    if (src->len == dst->len && memcmp(src->ptr, dst->ptr, src->len) == 0) {
        if (nx)
            reply_int(&c->out, 0);
        else
            reply_ok(&c->out);
        return;
    }
    if (db_lookup_entry(S(c), c->db, dst->ptr, dst->len, DB_LOOKUP_WRITE | DB_LOOKUP_NOSTATS)) {
        if (nx) {
            reply_int(&c->out, 0);
            return;
        }
        db_delete(c->db, dst->ptr, dst->len);
    }
    int64_t expire;
    struct object *o = db_take(c->db, src->ptr, src->len, &expire);
    struct dict_entry *de = db_add(c->db, dst->ptr, dst->len, o);
    notify_key(c, NOTIFY_NEW, "new", dst);
    if (expire >= 0)
        db_set_expire(c->db, de, expire);
    server_key_modified(S(c), c->db, src->ptr, src->len);
    server_key_modified(S(c), c->db, dst->ptr, dst->len);
    S(c)->dirty++;
    struct effect *e = server_effect(S(c), c->db->id);
    effect_arg_cstr(e, nx ? "RENAMENX" : "RENAME");
    effect_arg(e, src->ptr, src->len);
    effect_arg(e, dst->ptr, dst->len);
    notify_key(c, NOTIFY_GENERIC, "rename_from", src);
    notify_key(c, NOTIFY_GENERIC, "rename_to", dst);
    if (nx)
        reply_int(&c->out, 1);
    else
        reply_ok(&c->out);
}

void cmd_rename(struct conn *c)
{
    rename_generic(c, 0);
}

void cmd_renamenx(struct conn *c)
{
    rename_generic(c, 1);
}

void cmd_copy(struct conn *c)
{
    const struct util_arg *src = &c->argv[1], *dst = &c->argv[2];
    struct db *dstdb = c->db;
    int replace = 0;
    for (int j = 3; j < c->argc; j++) {
        const struct util_arg *o = &c->argv[j];
        if (util_eq_nocase(o->ptr, o->len, "replace")) {
            replace = 1;
        } else if (util_eq_nocase(o->ptr, o->len, "db") && j + 1 < c->argc) {
            long long id;
            if (!util_str_to_ll(c->argv[j + 1].ptr, c->argv[j + 1].len, &id) ||
                id < -2147483648LL || id > 2147483647LL) {
                reply_error(&c->out, "ERR value is not an integer or out of range");
                return;
            }
            if (id < 0 || id >= S(c)->ndbs) {
                reply_error(&c->out, "ERR DB index is out of range");
                return;
            }
            dstdb = &S(c)->dbs[id];
            j++;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    if (dstdb == c->db && src->len == dst->len && memcmp(src->ptr, dst->ptr, src->len) == 0) {
        reply_error(&c->out, "ERR source and destination objects are the same");
        return;
    }
    struct dict_entry *se = db_lookup_entry(S(c), c->db, src->ptr, src->len, 0);
    if (!se) {
        reply_int(&c->out, 0);
        return;
    }
    if (db_lookup_entry(S(c), dstdb, dst->ptr, dst->len, DB_LOOKUP_WRITE | DB_LOOKUP_NOSTATS)) {
        if (!replace) {
            reply_int(&c->out, 0);
            return;
        }
        db_delete(dstdb, dst->ptr, dst->len);
    }
    const struct object *so = se->val;
    struct object *copy = object_new(so->type, so->type->dup(so->ptr), S(c)->lru_clock);
    struct dict_entry *de = db_add(dstdb, dst->ptr, dst->len, copy);
    notify_event(S(c), NOTIFY_NEW, "new", dstdb->id, dst->ptr, dst->len);
    if (se->aux >= 0)
        db_set_expire(dstdb, de, se->aux);
    server_key_modified(S(c), dstdb, dst->ptr, dst->len);
    S(c)->dirty++;
    struct effect *e = server_effect(S(c), c->db->id);
    effect_arg_cstr(e, "COPY");
    effect_arg(e, src->ptr, src->len);
    effect_arg(e, dst->ptr, dst->len);
    effect_arg_cstr(e, "DB");
    effect_arg_ll(e, dstdb->id);
    if (replace)
        effect_arg_cstr(e, "REPLACE");
    notify_event(S(c), NOTIFY_GENERIC, "copy_to", dstdb->id, dst->ptr, dst->len);
    reply_int(&c->out, 1);
}

/* --- FLUSHDB, FLUSHALL -------------------------------------------------- */

static int flush_args_ok_or_reply(struct conn *c)
{
    if (c->argc > 2 || (c->argc == 2 && !util_eq_nocase(c->argv[1].ptr, c->argv[1].len, "sync") &&
                        !util_eq_nocase(c->argv[1].ptr, c->argv[1].len, "async"))) {
        reply_syntax_error(c);
        return 0;
    }
    return 1;
}

static void flush_db(struct server *srv, struct db *db)
{
    multi_touch_all(db);
    /* Waiters re-check their keys after the flush (XREADGROUP ones get
     * their error, XREAD ones keep waiting). */
    struct dict_iter it;
    dict_iter_init(&it, &db->blocking);
    struct dict_entry *e;
    while ((e = dict_iter_next(&it)))
        block_signal_key(srv, db, e->key, e->klen);
    srv->dirty += db_empty(db);
}

void cmd_flushdb(struct conn *c)
{
    if (!flush_args_ok_or_reply(c))
        return;
    flush_db(S(c), c->db);
    struct effect *e = server_effect(S(c), c->db->id);
    effect_arg_cstr(e, "FLUSHDB");
    reply_ok(&c->out);
}

void cmd_flushall(struct conn *c)
{
    if (!flush_args_ok_or_reply(c))
        return;
    for (int i = 0; i < S(c)->ndbs; i++)
        flush_db(S(c), &S(c)->dbs[i]);
    /* With save rules the empty dataset is saved at once (Redis 7.0). */
    if (!S(c)->loading)
        snapshot_after_flushall(S(c));
    struct effect *e = server_effect(S(c), c->db->id);
    effect_arg_cstr(e, "FLUSHALL");
    reply_ok(&c->out);
}

/* --- SWAPDB ------------------------------------------------------------- */

/* Watchers of a key in a that exists in a or in b: the swap changes what
 * they see (Redis's touchAllWatchedKeysInDb). */
static void swapdb_touch_watched(struct db *a, struct db *b)
{
    struct dict_iter it;
    dict_iter_init(&it, &a->watched);
    struct dict_entry *e;
    while ((e = dict_iter_next(&it)))
        if (dict_find(&a->keys, e->key, e->klen) || dict_find(&b->keys, e->key, e->klen))
            multi_touch_key(a, e->key, e->klen);
}

/* SWAPDB index1 index2: the keyspaces trade places; watched keys and
 * waiters stay with their index, as clients stay in their db.  Every
 * waiter of both dbs re-checks its keys after the command (a blocked
 * XREAD is served if its key now has data, a blocked XREADGROUP whose
 * stream went away gets its error), as Redis 7.2's scans for ready and
 * deleted keys do. */
void cmd_swapdb(struct conn *c)
{
    long long id[2];
    static const char *const what[2] = {"ERR invalid first DB index",
                                        "ERR invalid second DB index"};
    for (int i = 0; i < 2; i++) {
        if (!util_str_to_ll(c->argv[1 + i].ptr, c->argv[1 + i].len, &id[i]) ||
            id[i] < INT_MIN || id[i] > INT_MAX) {
            reply_error(&c->out, what[i]);
            return;
        }
    }
    struct server *srv = S(c);
    if (id[0] < 0 || id[0] >= srv->ndbs || id[1] < 0 || id[1] >= srv->ndbs) {
        reply_error(&c->out, "ERR DB index is out of range");
        return;
    }
    if (id[0] != id[1]) {
        struct db *a = &srv->dbs[id[0]], *b = &srv->dbs[id[1]];
        swapdb_touch_watched(a, b);
        swapdb_touch_watched(b, a);
        struct dict keys = a->keys, expires = a->expires;
        long long avg_ttl = a->avg_ttl;
        uint64_t cursor = a->expire_cursor;
        a->keys = b->keys;
        a->expires = b->expires;
        a->avg_ttl = b->avg_ttl;
        a->expire_cursor = b->expire_cursor;
        b->keys = keys;
        b->expires = expires;
        b->avg_ttl = avg_ttl;
        b->expire_cursor = cursor;
        struct db *both[2] = {a, b};
        for (int i = 0; i < 2; i++) {
            struct dict_iter it;
            dict_iter_init(&it, &both[i]->blocking);
            struct dict_entry *e;
            while ((e = dict_iter_next(&it)))
                block_signal_key(srv, both[i], e->key, e->klen);
        }
    }
    srv->dirty++;
    command_effect_verbatim(c);
    reply_ok(&c->out);
}

/* --- EXPIRE family ----------------------------------------------------- */

#define EXPIRE_NX 1
#define EXPIRE_XX 2
#define EXPIRE_GT 4
#define EXPIRE_LT 8

/* EXPIRE key time [NX|XX|GT|LT]: basetime is now (relative forms) or 0,
 * unit_ms 1000 for seconds. */
static void expire_generic(struct conn *c, long long basetime, long long unit_ms)
{
    int flags = 0;
    for (int j = 3; j < c->argc; j++) {
        const struct util_arg *o = &c->argv[j];
        if (util_eq_nocase(o->ptr, o->len, "nx"))
            flags |= EXPIRE_NX;
        else if (util_eq_nocase(o->ptr, o->len, "xx"))
            flags |= EXPIRE_XX;
        else if (util_eq_nocase(o->ptr, o->len, "gt"))
            flags |= EXPIRE_GT;
        else if (util_eq_nocase(o->ptr, o->len, "lt"))
            flags |= EXPIRE_LT;
        else {
            reply_errorf(&c->out, "ERR Unsupported option %.128s", o->ptr);
            return;
        }
    }
    if ((flags & EXPIRE_NX) && (flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT))) {
        reply_error(&c->out, "ERR NX and XX, GT or LT options at the same time are not compatible");
        return;
    }
    if ((flags & EXPIRE_GT) && (flags & EXPIRE_LT)) {
        reply_error(&c->out, "ERR GT and LT options at the same time are not compatible");
        return;
    }
    long long when;
    if (arg_ll_or_reply(c, 2, &when) < 0)
        return;
    if (unit_ms == 1000) {
        if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000)
            goto invalid;
        when *= 1000;
    }
    if (when > LLONG_MAX - basetime)
        goto invalid;
    when += basetime;

    const struct util_arg *key = &c->argv[1];
    struct dict_entry *de = db_lookup_entry(S(c), c->db, key->ptr, key->len, DB_LOOKUP_WRITE);
    if (!de) {
        reply_int(&c->out, 0);
        return;
    }
    long long cur = de->aux;
    if ((flags & EXPIRE_NX) && cur != -1) {
        reply_int(&c->out, 0);
        return;
    }
    if ((flags & EXPIRE_XX) && cur == -1) {
        reply_int(&c->out, 0);
        return;
    }
    if ((flags & EXPIRE_GT) && (cur == -1 || when <= cur)) {
        reply_int(&c->out, 0);
        return;
    }
    if ((flags & EXPIRE_LT) && cur != -1 && when >= cur) {
        reply_int(&c->out, 0);
        return;
    }
    S(c)->dirty++;
    struct effect *e = server_effect(S(c), c->db->id);
    if (db_expiry_passed(S(c), when)) {
        /* Already in the past: the key goes now, replicated as a DEL (not
         * while loading, not on a replica: see db_expiry_passed). */
        db_delete(c->db, key->ptr, key->len);
        effect_arg_cstr(e, "DEL");
        effect_arg(e, key->ptr, key->len);
        notify_key(c, NOTIFY_GENERIC, "del", key);
    } else {
        db_set_expire(c->db, de, when);
        effect_arg_cstr(e, "PEXPIREAT");
        effect_arg(e, key->ptr, key->len);
        effect_arg_ll(e, when);
        notify_key(c, NOTIFY_GENERIC, "expire", key);
    }
    server_key_modified(S(c), c->db, key->ptr, key->len);
    reply_int(&c->out, 1);
    return;
invalid:
    reply_errorf(&c->out, "ERR invalid expire time in '%s' command", c->cmd->fullname);
}

void cmd_expire(struct conn *c)
{
    expire_generic(c, server_mstime(S(c)), 1000);
}

void cmd_pexpire(struct conn *c)
{
    expire_generic(c, server_mstime(S(c)), 1);
}

void cmd_expireat(struct conn *c)
{
    expire_generic(c, 0, 1000);
}

void cmd_pexpireat(struct conn *c)
{
    expire_generic(c, 0, 1);
}

/* TTL and friends: -2 missing, -1 no expiry. */
static void ttl_generic(struct conn *c, int ms, int absolute)
{
    struct dict_entry *de =
        db_lookup_entry(S(c), c->db, c->argv[1].ptr, c->argv[1].len, DB_LOOKUP_NOTOUCH);
    if (!de) {
        reply_int(&c->out, -2);
        return;
    }
    long long when = de->aux;
    if (when < 0) {
        reply_int(&c->out, -1);
        return;
    }
    long long v = when;
    if (!absolute) {
        v = when - server_mstime(S(c));
        if (v < 0)
            v = 0;
    }
    reply_int(&c->out, ms ? v : (v + 500) / 1000);
}

void cmd_ttl(struct conn *c)
{
    ttl_generic(c, 0, 0);
}

void cmd_pttl(struct conn *c)
{
    ttl_generic(c, 1, 0);
}

void cmd_expiretime(struct conn *c)
{
    ttl_generic(c, 0, 1);
}

void cmd_pexpiretime(struct conn *c)
{
    ttl_generic(c, 1, 1);
}

void cmd_persist(struct conn *c)
{
    const struct util_arg *key = &c->argv[1];
    struct dict_entry *de = db_lookup_entry(S(c), c->db, key->ptr, key->len, DB_LOOKUP_WRITE);
    if (!de || !db_remove_expire(c->db, de)) {
        reply_int(&c->out, 0);
        return;
    }
    S(c)->dirty++;
    struct effect *e = server_effect(S(c), c->db->id);
    effect_arg_cstr(e, "PERSIST");
    effect_arg(e, key->ptr, key->len);
    server_key_modified(S(c), c->db, key->ptr, key->len);
    notify_key(c, NOTIFY_GENERIC, "persist", key);
    reply_int(&c->out, 1);
}

/* --- OBJECT --------------------------------------------------------------- */

static struct object *object_lookup_or_reply(struct conn *c)
{
    /* Counted as a read (Redis's OBJECT uses lookupKeyReadWithFlags). */
    struct object *o = db_lookup(S(c), c->db, c->argv[2].ptr, c->argv[2].len, DB_LOOKUP_NOTOUCH);
    if (!o)
        reply_null(&c->out);
    return o;
}

void cmd_object_encoding(struct conn *c)
{
    struct object *o = object_lookup_or_reply(c);
    if (o)
        reply_bulk_cstr(&c->out, object_encoding(o));
}

void cmd_object_refcount(struct conn *c)
{
    struct object *o = object_lookup_or_reply(c);
    if (o)
        reply_int(&c->out, object_refcount(o));
}

void cmd_object_idletime(struct conn *c)
{
    struct object *o = object_lookup_or_reply(c);
    if (!o)
        return;
    long long now = (long long)(server_mstime(S(c)) / 1000);
    long long idle = now - (long long)o->lru;
    reply_int(&c->out, idle < 0 ? 0 : idle);
}

void cmd_object_freq(struct conn *c)
{
    if (!object_lookup_or_reply(c))
        return;
    reply_error(&c->out, "ERR An LFU maxmemory policy is not selected, access frequency not "
                         "tracked. Please note that when switching between policies at runtime "
                         "LRU and LFU data will take some time to adjust.");
}

void cmd_object_help(struct conn *c)
{
    static const char *const lines[] = {
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        NULL,
    };
    reply_help(c, lines);
}

/* --- MEMORY ---------------------------------------------------------------- */

void cmd_memory_usage(struct conn *c)
{
    for (int j = 3; j < c->argc; j += 2) {
        if (util_eq_nocase(c->argv[j].ptr, c->argv[j].len, "samples") && j + 1 < c->argc) {
            long long samples;
            if (arg_ll_or_reply(c, j + 1, &samples) < 0)
                return;
            if (samples < 0) {
                reply_syntax_error(c);
                return;
            }
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    struct dict_entry *de = db_lookup_entry(S(c), c->db, c->argv[2].ptr, c->argv[2].len,
                                            DB_LOOKUP_NOTOUCH | DB_LOOKUP_NOSTATS);
    if (!de) {
        reply_null(&c->out);
        return;
    }
    const struct object *o = de->val;
    size_t bytes = mem_block_size(de) + mem_block_size(o) + o->type->memory(o->ptr);
    reply_int(&c->out, (long long)bytes);
}

void cmd_memory_help(struct conn *c)
{
    static const char *const lines[] = {
        "DOCTOR",
        "    Return memory problems reports.",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "STATS",
        "    Return information about the memory usage of the server.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
        NULL,
    };
    reply_help(c, lines);
}
