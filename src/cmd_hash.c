/* cmd_hash.c -- the hash commands: HSET, HSETNX, HGET, HMGET, HMSET,
 * HGETALL, HDEL, HEXISTS, HLEN, HSTRLEN, HINCRBY, HINCRBYFLOAT, HKEYS,
 * HVALS, HSCAN, HRANDFIELD.
 *
 * Argument parsing and replies only; the value is a struct hash
 * (src/engine/hash.h), a listpack until hash-max-listpack-entries or
 * hash-max-listpack-value says otherwise.  Errors and their order follow
 * Redis 7.0 (checked against redis-server 7.0); HSCAN also takes Redis
 * 7.4's NOVALUES.
 *
 * A hash key exists only while it has fields: commands create it when they
 * write the first field (never before an error), and HDEL of the last field
 * deletes it.
 *
 * Effects: HSET/HMSET/HSETNX as HSET key field value ..., HDEL and HINCRBY
 * as they are, HINCRBYFLOAT as HSET key field <result> (so float
 * formatting never differs on replay), as Redis propagates them.  Every
 * change calls server_key_modified() and counts in `dirty` as Redis does. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_hash.h"
#include "cmd_string.h"
#include "command.h"
#include "conn.h"
#include "handlers.h"
#include "mem.h"
#include "notify.h"
#include "server.h"
#include "util.h"

static const char WRONGTYPE[] = "WRONGTYPE Operation against a key holding the wrong kind of value";

/* --- The hash type ------------------------------------------------------------ */

static void hash_obj_free(void *p)
{
    hash_free(p);
}

static void *hash_obj_dup(const void *p)
{
    return hash_dup(p);
}

static size_t hash_obj_memory(const void *p)
{
    return hash_memory(p);
}

static const char *hash_obj_encoding(const void *p)
{
    return hash_encoding_name(p);
}

const struct object_type hash_object_type = {
    .name = "hash",
    .encoding = "listpack",
    .free = hash_obj_free,
    .dup = hash_obj_dup,
    .memory = hash_obj_memory,
    .encoding_of = hash_obj_encoding,
};

struct hash_limits hash_limits_of(const struct config *cfg)
{
    struct hash_limits lim = {(size_t)cfg->hash_max_listpack_entries,
                              (size_t)cfg->hash_max_listpack_value};
    return lim;
}

/* --- Lookup ----------------------------------------------------------------------- */

/* The hash at key, or NULL when absent; *wrongtype set (reply sent) for
 * another type.  write: Redis's lookupKeyWrite (no hit/miss counting). */
static struct hash *hash_lookup(struct conn *c, const struct util_arg *key, bool write,
                                bool *wrongtype)
{
    *wrongtype = false;
    struct object *o = db_lookup(c->srv, c->db, key->ptr, key->len,
                                 write ? DB_LOOKUP_WRITE | DB_LOOKUP_NOSTATS : 0);
    if (!o)
        return NULL;
    if (o->type != &hash_object_type) {
        reply_error(&c->out, WRONGTYPE);
        *wrongtype = true;
        return NULL;
    }
    return o->ptr;
}

/* A new, empty hash stored at key (the caller writes a field at once). */
static struct hash *hash_create(struct conn *c, const struct util_arg *key)
{
    struct hash *h = hash_new(c->srv->hash_seed);
    db_add(c->db, key->ptr, key->len, object_new(&hash_object_type, h, c->srv->lru_clock));
    notify_key(c, NOTIFY_NEW, "new", key);
    return h;
}

static void hash_changed(struct conn *c, const struct util_arg *key, long long dirty)
{
    server_key_modified(c->srv, c->db, key->ptr, key->len);
    c->srv->dirty += dirty;
}

/* --- HSET, HMSET, HSETNX ---------------------------------------------------------- */

static void hset_generic(struct conn *c, bool hmset)
{
    const struct util_arg *key = &c->argv[1];
    if (c->argc % 2 == 1) {
        reply_wrong_arity(c, c->cmd);
        return;
    }
    bool wrongtype;
    struct hash *h = hash_lookup(c, key, true, &wrongtype);
    if (wrongtype)
        return;
    if (!h)
        h = hash_create(c, key);
    struct hash_limits lim = hash_limits_of(&c->srv->cfg);
    /* Redis converts before writing anything when one argument is too
     * long for a listpack. */
    for (int j = 2; j < c->argc && h->enc == HASH_ENC_LISTPACK; j++)
        if (hash_too_long(c->argv[j].len, &lim))
            hash_convert(h);
    long long created = 0;
    struct effect *e = server_effect(c->srv, c->db->id);
    effect_arg_cstr(e, "HSET");
    effect_arg(e, key->ptr, key->len);
    for (int j = 2; j < c->argc; j += 2) {
        const struct util_arg *f = &c->argv[j], *v = &c->argv[j + 1];
        created += hash_set(h, f->ptr, f->len, v->ptr, v->len, &lim);
        effect_arg(e, f->ptr, f->len);
        effect_arg(e, v->ptr, v->len);
    }
    hash_changed(c, key, (c->argc - 2) / 2);
    notify_key(c, NOTIFY_HASH, "hset", key);
    if (hmset)
        reply_ok(&c->out);
    else
        reply_int(&c->out, created);
}

void cmd_hset(struct conn *c)
{
    hset_generic(c, false);
}

void cmd_hmset(struct conn *c)
{
    hset_generic(c, true);
}

void cmd_hsetnx(struct conn *c)
{
    const struct util_arg *key = &c->argv[1], *f = &c->argv[2], *v = &c->argv[3];
    bool wrongtype;
    struct hash *h = hash_lookup(c, key, true, &wrongtype);
    if (wrongtype)
        return;
    const char *old;
    size_t oldlen;
    if (h && hash_get(h, f->ptr, f->len, &old, &oldlen)) {
        reply_int(&c->out, 0);
        return;
    }
    if (!h)
        h = hash_create(c, key);
    struct hash_limits lim = hash_limits_of(&c->srv->cfg);
    hash_set(h, f->ptr, f->len, v->ptr, v->len, &lim);
    hash_changed(c, key, 1);
    struct effect *e = server_effect(c->srv, c->db->id);
    effect_arg_cstr(e, "HSET");
    effect_arg(e, key->ptr, key->len);
    effect_arg(e, f->ptr, f->len);
    effect_arg(e, v->ptr, v->len);
    notify_key(c, NOTIFY_HASH, "hset", key);
    reply_int(&c->out, 1);
}

/* --- Reads ----------------------------------------------------------------------- */

void cmd_hget(struct conn *c)
{
    bool wrongtype;
    struct hash *h = hash_lookup(c, &c->argv[1], false, &wrongtype);
    if (wrongtype)
        return;
    const char *v;
    size_t vlen;
    if (h && hash_get(h, c->argv[2].ptr, c->argv[2].len, &v, &vlen))
        reply_bulk(&c->out, v, vlen);
    else
        reply_null(&c->out);
}

void cmd_hmget(struct conn *c)
{
    bool wrongtype;
    struct hash *h = hash_lookup(c, &c->argv[1], false, &wrongtype);
    if (wrongtype)
        return;
    reply_array(&c->out, c->argc - 2);
    for (int j = 2; j < c->argc; j++) {
        const char *v;
        size_t vlen;
        if (h && hash_get(h, c->argv[j].ptr, c->argv[j].len, &v, &vlen))
            reply_bulk(&c->out, v, vlen);
        else
            reply_null(&c->out);
    }
}

#define HGETALL_KEYS 1
#define HGETALL_VALUES 2

static void hgetall_generic(struct conn *c, int what)
{
    bool wrongtype;
    struct hash *h = hash_lookup(c, &c->argv[1], false, &wrongtype);
    if (wrongtype)
        return;
    long n = h ? (long)hash_len(h) : 0;
    if (what == (HGETALL_KEYS | HGETALL_VALUES))
        reply_map(&c->out, n);
    else
        reply_array(&c->out, n);
    if (!h)
        return;
    struct hash_iter it;
    struct hash_pair p;
    hash_iter_init(&it, h);
    while (hash_iter_next(&it, &p)) {
        if (what & HGETALL_KEYS)
            reply_bulk(&c->out, p.field, p.flen);
        if (what & HGETALL_VALUES)
            reply_bulk(&c->out, p.value, p.vlen);
    }
}

void cmd_hgetall(struct conn *c)
{
    hgetall_generic(c, HGETALL_KEYS | HGETALL_VALUES);
}

void cmd_hkeys(struct conn *c)
{
    hgetall_generic(c, HGETALL_KEYS);
}

void cmd_hvals(struct conn *c)
{
    hgetall_generic(c, HGETALL_VALUES);
}

void cmd_hexists(struct conn *c)
{
    bool wrongtype;
    struct hash *h = hash_lookup(c, &c->argv[1], false, &wrongtype);
    if (wrongtype)
        return;
    const char *v;
    size_t vlen;
    reply_int(&c->out, h && hash_get(h, c->argv[2].ptr, c->argv[2].len, &v, &vlen));
}

void cmd_hlen(struct conn *c)
{
    bool wrongtype;
    struct hash *h = hash_lookup(c, &c->argv[1], false, &wrongtype);
    if (!wrongtype)
        reply_int(&c->out, h ? (long long)hash_len(h) : 0);
}

void cmd_hstrlen(struct conn *c)
{
    bool wrongtype;
    struct hash *h = hash_lookup(c, &c->argv[1], false, &wrongtype);
    if (wrongtype)
        return;
    const char *v;
    size_t vlen = 0;
    if (!h || !hash_get(h, c->argv[2].ptr, c->argv[2].len, &v, &vlen))
        vlen = 0;
    reply_int(&c->out, (long long)vlen);
}

/* --- HDEL ------------------------------------------------------------------------- */

void cmd_hdel(struct conn *c)
{
    const struct util_arg *key = &c->argv[1];
    bool wrongtype;
    struct hash *h = hash_lookup(c, key, true, &wrongtype);
    if (wrongtype)
        return;
    long long deleted = 0;
    for (int j = 2; h && j < c->argc; j++) {
        if (!hash_delete(h, c->argv[j].ptr, c->argv[j].len))
            continue;
        deleted++;
        if (!hash_len(h)) {
            db_delete(c->db, key->ptr, key->len);
            h = NULL;
        }
    }
    if (deleted) {
        hash_changed(c, key, deleted);
        command_effect_verbatim(c);
        notify_key(c, NOTIFY_HASH, "hdel", key);
        if (!h)
            notify_key(c, NOTIFY_GENERIC, "del", key);
    }
    reply_int(&c->out, deleted);
}

/* --- HINCRBY, HINCRBYFLOAT ------------------------------------------------------ */

void cmd_hincrby(struct conn *c)
{
    const struct util_arg *key = &c->argv[1], *f = &c->argv[2];
    long long incr, value = 0;
    if (arg_ll_or_reply(c, 3, &incr) < 0)
        return;
    bool wrongtype;
    struct hash *h = hash_lookup(c, key, true, &wrongtype);
    if (wrongtype)
        return;
    const char *old;
    size_t oldlen;
    if (h && hash_get(h, f->ptr, f->len, &old, &oldlen) && !strobj_parse_ll(old, oldlen, &value)) {
        reply_error(&c->out, "ERR hash value is not an integer");
        return;
    }
    if ((incr < 0 && value < 0 && incr < LLONG_MIN - value) ||
        (incr > 0 && value > 0 && incr > LLONG_MAX - value)) {
        reply_error(&c->out, "ERR increment or decrement would overflow");
        return;
    }
    value += incr;
    char buf[STROBJ_LL_MAX_CHARS];
    size_t n = strobj_format_ll(buf, value);
    if (!h)
        h = hash_create(c, key);
    struct hash_limits lim = hash_limits_of(&c->srv->cfg);
    hash_set(h, f->ptr, f->len, buf, n, &lim);
    hash_changed(c, key, 1);
    command_effect_verbatim(c);
    notify_key(c, NOTIFY_HASH, "hincrby", key);
    reply_int(&c->out, value);
}

void cmd_hincrbyfloat(struct conn *c)
{
    const struct util_arg *key = &c->argv[1], *f = &c->argv[2];
    long double incr, value = 0;
    if (!string_parse_long_double(c->argv[3].ptr, c->argv[3].len, &incr)) {
        reply_error(&c->out, "ERR value is not a valid float");
        return;
    }
    if (isnan(incr) || isinf(incr)) {
        reply_error(&c->out, "ERR value is NaN or Infinity");
        return;
    }
    bool wrongtype;
    struct hash *h = hash_lookup(c, key, true, &wrongtype);
    if (wrongtype)
        return;
    const char *old;
    size_t oldlen;
    if (h && hash_get(h, f->ptr, f->len, &old, &oldlen) &&
        !string_parse_long_double(old, oldlen, &value)) {
        reply_error(&c->out, "ERR hash value is not a float");
        return;
    }
    value += incr;
    if (isnan(value) || isinf(value)) {
        reply_error(&c->out, "ERR increment would produce NaN or Infinity");
        return;
    }
    char buf[STRING_LD_MAX_CHARS];
    size_t n = string_format_long_double(buf, sizeof(buf), value);
    if (!h)
        h = hash_create(c, key);
    struct hash_limits lim = hash_limits_of(&c->srv->cfg);
    hash_set(h, f->ptr, f->len, buf, n, &lim);
    hash_changed(c, key, 1);
    struct effect *e = server_effect(c->srv, c->db->id);
    effect_arg_cstr(e, "HSET");
    effect_arg(e, key->ptr, key->len);
    effect_arg(e, f->ptr, f->len);
    effect_arg(e, buf, n);
    notify_key(c, NOTIFY_HASH, "hincrbyfloat", key);
    reply_bulk(&c->out, buf, n);
}

/* --- HSCAN -------------------------------------------------------------------------- */

struct pair_list {
    struct hash_pair *v;
    size_t n, cap;
};

static void pair_collect(void *ud, const struct hash_pair *p)
{
    struct pair_list *l = ud;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = mem_realloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = *p;
}

void cmd_hscan(struct conn *c)
{
    uint64_t cursor;
    if (scan_cursor_or_reply(c, &c->argv[2], &cursor) < 0)
        return;
    bool wrongtype;
    struct hash *h = hash_lookup(c, &c->argv[1], false, &wrongtype);
    if (wrongtype)
        return;
    if (!h) {
        reply_scan_empty(c);
        return;
    }
    struct scan_opts so;
    if (scan_opts_or_reply(c, 3, true, &so) < 0)
        return;
    long long count = so.count;
    const struct util_arg *pat = so.pat;
    bool novalues = so.novalues;
    /* As Redis: visit buckets until `count` items (a field and its value
     * are two, one with NOVALUES) or ten times as many buckets were
     * visited; a listpack comes whole. */
    struct pair_list l = {NULL, 0, 0};
    long long budget = count > LLONG_MAX / 10 ? LLONG_MAX : count * 10;
    size_t per = novalues ? 1 : 2;
    do {
        cursor = hash_scan(h, cursor, pair_collect, &l);
    } while (cursor && budget-- && (long long)(l.n * per) < count);

    reply_array(&c->out, 2);
    char num[32];
    int len = util_ull_to_str(num, sizeof(num), cursor);
    reply_bulk(&c->out, num, (size_t)len);
    size_t handle = reply_defer(&c->out);
    long n = 0;
    for (size_t i = 0; i < l.n; i++) {
        const struct hash_pair *p = &l.v[i];
        if (pat && !util_glob_match(pat->ptr, pat->len, p->field, p->flen, 0))
            continue;
        reply_bulk(&c->out, p->field, p->flen);
        n++;
        if (!novalues) {
            reply_bulk(&c->out, p->value, p->vlen);
            n++;
        }
    }
    reply_defer_array(&c->out, handle, n);
    mem_free(l.v);
}

/* --- HRANDFIELD -------------------------------------------------------------------- */

struct randfield_out {
    struct conn *c;
    bool withvalues;
};

static void randfield_reply(void *ud, const struct hash_pair *p)
{
    struct randfield_out *o = ud;
    struct reply_buf *r = &o->c->out;
    if (o->withvalues && r->proto > 2)
        reply_array(r, 2);
    reply_bulk(r, p->field, p->flen);
    if (o->withvalues)
        reply_bulk(r, p->value, p->vlen);
}

static uint64_t randfield_seed(struct conn *c)
{
    return (uint64_t)util_ustime() ^ ((uint64_t)c->srv->stat.numcommands * 0x9e3779b97f4a7c15ULL) ^
           (c->id << 40) ^ 0x5bd1e9955bd1e995ULL;
}

void cmd_hrandfield(struct conn *c)
{
    bool wrongtype;
    if (c->argc == 2) {
        struct hash *h = hash_lookup(c, &c->argv[1], false, &wrongtype);
        if (wrongtype)
            return;
        struct hash_pair p;
        uint64_t rng = randfield_seed(c);
        if (!h || !hash_random(h, &rng, &p))
            reply_null(&c->out);
        else
            reply_bulk(&c->out, p.field, p.flen);
        return;
    }
    long long l;
    if (arg_ll_or_reply(c, 2, &l) < 0)
        return;
    if (l < -LLONG_MAX) {
        reply_errorf(&c->out, "ERR value is out of range, value must between %lld and %lld",
                     -LLONG_MAX, LLONG_MAX);
        return;
    }
    bool withvalues = false;
    if (c->argc > 4 ||
        (c->argc == 4 && !util_eq_nocase(c->argv[3].ptr, c->argv[3].len, "withvalues"))) {
        reply_syntax_error(c);
        return;
    }
    if (c->argc == 4) {
        withvalues = true;
        if (l < -LLONG_MAX / 2 || l > LLONG_MAX / 2) {
            reply_error(&c->out, "ERR value is out of range");
            return;
        }
    }
    struct hash *h = hash_lookup(c, &c->argv[1], false, &wrongtype);
    if (wrongtype)
        return;
    if (!h || l == 0) {
        reply_array(&c->out, 0);
        return;
    }
    bool uniq = l > 0;
    unsigned long long count = uniq ? (unsigned long long)l : (unsigned long long)-l;
    struct randfield_out out = {c, withvalues};
    uint64_t rng = randfield_seed(c);
    long per = withvalues && c->resp == 2 ? 2 : 1;
    if (!uniq || count == 1) {
        /* Repeats allowed: count independent picks. */
        reply_array(&c->out, (long)count * per);
        for (unsigned long long i = 0; i < count; i++) {
            struct hash_pair p;
            hash_random(h, &rng, &p);
            randfield_reply(&out, &p);
        }
        return;
    }
    size_t n = count < hash_len(h) ? (size_t)count : hash_len(h);
    reply_array(&c->out, (long)n * per);
    hash_sample(h, n, &rng, randfield_reply, &out);
}
