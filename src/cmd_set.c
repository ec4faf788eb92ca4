/* cmd_set.c -- the set commands: SADD, SREM, SISMEMBER, SMISMEMBER,
 * SMEMBERS, SCARD, SPOP, SRANDMEMBER, SSCAN, SINTER, SUNION, SDIFF and
 * SINTERSTORE, SUNIONSTORE, SDIFFSTORE.
 *
 * Argument parsing and replies only; the value is a struct set
 * (src/engine/set.h), an intset until a member is not an integer or
 * set-max-intset-entries is passed, then a hashtable (Redis 7.0's
 * encodings).  Errors and their order follow Redis 7.0; SRANDMEMBER with
 * a count answers an array in RESP3 as Redis 7.2+ does.
 *
 * A set key exists only while it has members: commands create it when
 * they add the first member, and removing the last deletes it.
 *
 * Effects: SADD and SREM as they are (only when they changed the set),
 * SPOP as SREM of the popped members (DEL when it pops the whole set, as
 * Redis 7.0 propagates it), the STORE forms as DEL of the destination
 * followed by SADD of the result in batches.  SRANDMEMBER and the reads
 * emit none.  Every change calls server_key_modified() and counts in
 * `dirty` as Redis does. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_set.h"
#include "command.h"
#include "conn.h"
#include "handlers.h"
#include "mem.h"
#include "notify.h"
#include "server.h"
#include "util.h"

static const char WRONGTYPE[] = "WRONGTYPE Operation against a key holding the wrong kind of value";

#define SET_EFFECT_BATCH 64 /* members per SADD/SREM effect */

/* --- The set type --------------------------------------------------------------- */

static void set_obj_free(void *p)
{
    set_free(p);
}

static void *set_obj_dup(const void *p)
{
    return set_dup(p);
}

static size_t set_obj_memory(const void *p)
{
    return set_memory(p);
}

static const char *set_obj_encoding(const void *p)
{
    return set_encoding_name(p);
}

const struct object_type set_object_type = {
    .name = "set",
    .encoding = "intset",
    .free = set_obj_free,
    .dup = set_obj_dup,
    .memory = set_obj_memory,
    .encoding_of = set_obj_encoding,
};

size_t set_max_intset_of(const struct config *cfg)
{
    return (size_t)cfg->set_max_intset_entries;
}

/* --- Lookup ----------------------------------------------------------------------- */

/* The set at key, or NULL when absent; *wrongtype set (reply sent) for
 * another type.  write: Redis's lookupKeyWrite (no hit/miss counting). */
static struct set *set_lookup(struct conn *c, const struct util_arg *key, bool write,
                              bool *wrongtype)
{
    *wrongtype = false;
    struct object *o = db_lookup(c->srv, c->db, key->ptr, key->len,
                                 write ? DB_LOOKUP_WRITE | DB_LOOKUP_NOSTATS : 0);
    if (!o)
        return NULL;
    if (o->type != &set_object_type) {
        reply_error(&c->out, WRONGTYPE);
        *wrongtype = true;
        return NULL;
    }
    return o->ptr;
}

static void set_changed(struct conn *c, const struct util_arg *key, long long dirty)
{
    server_key_modified(c->srv, c->db, key->ptr, key->len);
    c->srv->dirty += dirty;
}

static uint64_t set_rng_seed(struct conn *c)
{
    return (uint64_t)util_ustime() ^ ((uint64_t)c->srv->stat.numcommands * 0x9e3779b97f4a7c15ULL) ^
           (c->id << 40) ^ 0x2545f4914f6cdd1dULL;
}

/* Set-typed replies (SMEMBERS, SINTER, SPOP with a count): a RESP3 set. */
static void reply_members_len(struct conn *c, long n)
{
    reply_set(&c->out, n);
}

/* --- SADD, SREM --------------------------------------------------------------------- */

void cmd_sadd(struct conn *c)
{
    const struct util_arg *key = &c->argv[1];
    bool wrongtype;
    struct set *s = set_lookup(c, key, true, &wrongtype);
    if (wrongtype)
        return;
    if (!s) {
        s = set_new(c->srv->hash_seed);
        db_add(c->db, key->ptr, key->len, object_new(&set_object_type, s, c->srv->lru_clock));
        notify_key(c, NOTIFY_NEW, "new", key);
    }
    size_t max = set_max_intset_of(&c->srv->cfg);
    long long added = 0;
    for (int j = 2; j < c->argc; j++)
        added += set_add(s, c->argv[j].ptr, c->argv[j].len, max);
    if (added) {
        set_changed(c, key, added);
        command_effect_verbatim(c);
        notify_key(c, NOTIFY_SET, "sadd", key);
    }
    reply_int(&c->out, added);
}

void cmd_srem(struct conn *c)
{
    const struct util_arg *key = &c->argv[1];
    bool wrongtype;
    struct set *s = set_lookup(c, key, true, &wrongtype);
    if (wrongtype)
        return;
    long long deleted = 0;
    for (int j = 2; s && j < c->argc; j++) {
        if (!set_remove(s, c->argv[j].ptr, c->argv[j].len))
            continue;
        deleted++;
        if (!set_len(s)) {
            db_delete(c->db, key->ptr, key->len);
            s = NULL;
        }
    }
    if (deleted) {
        set_changed(c, key, deleted);
        command_effect_verbatim(c);
        notify_key(c, NOTIFY_SET, "srem", key);
        if (!s)
            notify_key(c, NOTIFY_GENERIC, "del", key);
    }
    reply_int(&c->out, deleted);
}

/* --- Reads ---------------------------------------------------------------------------- */

void cmd_sismember(struct conn *c)
{
    bool wrongtype;
    struct set *s = set_lookup(c, &c->argv[1], false, &wrongtype);
    if (!wrongtype)
        reply_int(&c->out, s && set_contains(s, c->argv[2].ptr, c->argv[2].len));
}

void cmd_smismember(struct conn *c)
{
    bool wrongtype;
    struct set *s = set_lookup(c, &c->argv[1], false, &wrongtype);
    if (wrongtype)
        return;
    reply_array(&c->out, c->argc - 2);
    for (int j = 2; j < c->argc; j++)
        reply_int(&c->out, s && set_contains(s, c->argv[j].ptr, c->argv[j].len));
}

void cmd_scard(struct conn *c)
{
    bool wrongtype;
    struct set *s = set_lookup(c, &c->argv[1], false, &wrongtype);
    if (!wrongtype)
        reply_int(&c->out, s ? (long long)set_len(s) : 0);
}

static void reply_member(void *ud, const char *p, size_t len)
{
    struct conn *c = ud;
    reply_bulk(&c->out, p, len);
}

static void reply_whole_set(struct conn *c, const struct set *s, bool as_set)
{
    if (as_set)
        reply_members_len(c, (long)set_len(s));
    else
        reply_array(&c->out, (long)set_len(s));
    struct set_iter it;
    const char *p;
    size_t len;
    set_iter_init(&it, s);
    while (set_iter_next(&it, &p, &len))
        reply_bulk(&c->out, p, len);
}

/* --- SPOP, SRANDMEMBER ------------------------------------------------------------- */

struct member_list {
    char **v;
    size_t *len;
    size_t n, cap;
};

static void member_collect(void *ud, const char *p, size_t len)
{
    struct member_list *l = ud;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = mem_realloc(l->v, l->cap * sizeof(*l->v));
        l->len = mem_realloc(l->len, l->cap * sizeof(*l->len));
    }
    l->v[l->n] = mem_alloc(len ? len : 1);
    if (len)
        memcpy(l->v[l->n], p, len);
    l->len[l->n++] = len;
}

static void member_list_free(struct member_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        mem_free(l->v[i]);
    mem_free(l->v);
    mem_free(l->len);
}

/* One effect `CMD key m1 m2 ...` per SET_EFFECT_BATCH members. */
static void effect_members(struct conn *c, const char *cmd, const struct util_arg *key,
                           const struct member_list *l)
{
    for (size_t i = 0; i < l->n; i += SET_EFFECT_BATCH) {
        struct effect *e = server_effect(c->srv, c->db->id);
        effect_arg_cstr(e, cmd);
        effect_arg(e, key->ptr, key->len);
        for (size_t j = i; j < l->n && j < i + SET_EFFECT_BATCH; j++)
            effect_arg(e, l->v[j], l->len[j]);
    }
}

static void spop_with_count(struct conn *c)
{
    const struct util_arg *key = &c->argv[1];
    long long count;
    const struct util_arg *a = &c->argv[2];
    /* Redis's getPositiveLongFromObjectOrReply: one error for both. */
    if (!util_str_to_ll(a->ptr, a->len, &count) || count < 0) {
        reply_error(&c->out, "ERR value is out of range, must be positive");
        return;
    }
    bool wrongtype;
    struct set *s = set_lookup(c, key, true, &wrongtype);
    if (wrongtype)
        return;
    if (!s || count == 0) {
        reply_members_len(c, 0);
        return;
    }
    if ((unsigned long long)count >= set_len(s)) {
        /* The whole set, then the key goes: propagated as DEL. */
        long long n = (long long)set_len(s);
        reply_whole_set(c, s, true);
        db_delete(c->db, key->ptr, key->len);
        set_changed(c, key, n);
        struct effect *e = server_effect(c->srv, c->db->id);
        effect_arg_cstr(e, "DEL");
        effect_arg(e, key->ptr, key->len);
        notify_key(c, NOTIFY_SET, "spop", key);
        notify_key(c, NOTIFY_GENERIC, "del", key);
        return;
    }
    struct member_list l = {NULL, NULL, 0, 0};
    uint64_t rng = set_rng_seed(c);
    set_sample(s, (size_t)count, &rng, member_collect, &l);
    reply_members_len(c, (long)l.n);
    for (size_t i = 0; i < l.n; i++) {
        reply_bulk(&c->out, l.v[i], l.len[i]);
        set_remove(s, l.v[i], l.len[i]);
    }
    set_changed(c, key, (long long)l.n);
    effect_members(c, "SREM", key, &l);
    notify_key(c, NOTIFY_SET, "spop", key);
    member_list_free(&l);
}

void cmd_spop(struct conn *c)
{
    if (c->argc == 3) {
        spop_with_count(c);
        return;
    }
    if (c->argc > 3) {
        reply_syntax_error(c);
        return;
    }
    const struct util_arg *key = &c->argv[1];
    bool wrongtype;
    struct set *s = set_lookup(c, key, true, &wrongtype);
    if (wrongtype)
        return;
    if (!s) {
        reply_null(&c->out);
        return;
    }
    char buf[SET_NUM_MAX_CHARS];
    const char *p;
    size_t len;
    uint64_t rng = set_rng_seed(c);
    set_random(s, &rng, buf, &p, &len);
    char *copy = mem_alloc(len ? len : 1);
    if (len)
        memcpy(copy, p, len);
    reply_bulk(&c->out, copy, len);
    set_remove(s, copy, len);
    struct effect *e = server_effect(c->srv, c->db->id);
    effect_arg_cstr(e, "SREM");
    effect_arg(e, key->ptr, key->len);
    effect_arg(e, copy, len);
    mem_free(copy);
    notify_key(c, NOTIFY_SET, "spop", key);
    if (!set_len(s)) {
        db_delete(c->db, key->ptr, key->len);
        notify_key(c, NOTIFY_GENERIC, "del", key);
    }
    set_changed(c, key, 1);
}

void cmd_srandmember(struct conn *c)
{
    bool wrongtype;
    if (c->argc > 3) {
        reply_syntax_error(c);
        return;
    }
    if (c->argc == 2) {
        struct set *s = set_lookup(c, &c->argv[1], false, &wrongtype);
        if (wrongtype)
            return;
        char buf[SET_NUM_MAX_CHARS];
        const char *p;
        size_t len;
        uint64_t rng = set_rng_seed(c);
        if (!s || !set_random(s, &rng, buf, &p, &len))
            reply_null(&c->out);
        else
            reply_bulk(&c->out, p, len);
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
    struct set *s = set_lookup(c, &c->argv[1], false, &wrongtype);
    if (wrongtype)
        return;
    if (!s || l == 0) {
        reply_array(&c->out, 0);
        return;
    }
    uint64_t rng = set_rng_seed(c);
    if (l < 0 || l == 1) {
        /* Repeats allowed: independent picks. */
        unsigned long long count = l < 0 ? (unsigned long long)-l : 1;
        reply_array(&c->out, (long)count);
        for (unsigned long long i = 0; i < count; i++) {
            char buf[SET_NUM_MAX_CHARS];
            const char *p;
            size_t len;
            set_random(s, &rng, buf, &p, &len);
            reply_bulk(&c->out, p, len);
        }
        return;
    }
    size_t n = (unsigned long long)l < set_len(s) ? (size_t)l : set_len(s);
    reply_array(&c->out, (long)n);
    set_sample(s, n, &rng, reply_member, c);
}

/* --- SSCAN ---------------------------------------------------------------------------- */

void cmd_sscan(struct conn *c)
{
    uint64_t cursor;
    if (scan_cursor_or_reply(c, &c->argv[2], &cursor) < 0)
        return;
    bool wrongtype;
    struct set *s = set_lookup(c, &c->argv[1], false, &wrongtype);
    if (wrongtype)
        return;
    if (!s) {
        reply_scan_empty(c);
        return;
    }
    struct scan_opts so;
    if (scan_opts_or_reply(c, 3, false, &so) < 0)
        return;
    long long count = so.count;
    const struct util_arg *pat = so.pat;
    /* As Redis: buckets until `count` members or ten times as many
     * buckets were visited; an intset comes whole. */
    struct member_list l = {NULL, NULL, 0, 0};
    long long budget = count > LLONG_MAX / 10 ? LLONG_MAX : count * 10;
    do {
        cursor = set_scan(s, cursor, member_collect, &l);
    } while (cursor && budget-- && (long long)l.n < count);

    reply_array(&c->out, 2);
    char num[32];
    int len = util_ull_to_str(num, sizeof(num), cursor);
    reply_bulk(&c->out, num, (size_t)len);
    size_t handle = reply_defer(&c->out);
    long n = 0;
    for (size_t i = 0; i < l.n; i++) {
        if (pat && !util_glob_match(pat->ptr, pat->len, l.v[i], l.len[i], 0))
            continue;
        reply_bulk(&c->out, l.v[i], l.len[i]);
        n++;
    }
    reply_defer_array(&c->out, handle, n);
    member_list_free(&l);
}

/* --- SINTER, SUNION, SDIFF and their STORE forms ---------------------------------- */

enum set_op { SET_OP_INTER, SET_OP_UNION, SET_OP_DIFF };

/* The sets named by argv[first..], NULL for missing keys; false (reply
 * sent) when one holds another type.  Every key is looked up, as Redis
 * does, so a missing key never hides a WRONGTYPE after it. */
static bool sets_lookup(struct conn *c, int first, struct set **sets)
{
    for (int j = first; j < c->argc; j++) {
        bool wrongtype;
        sets[j - first] = set_lookup(c, &c->argv[j], false, &wrongtype);
        if (wrongtype)
            return false;
    }
    return true;
}

static int cmp_by_len(const void *a, const void *b)
{
    size_t la = set_len(*(struct set *const *)a), lb = set_len(*(struct set *const *)b);
    return la < lb ? -1 : la > lb;
}

/* The result of op over n sets (a new set, possibly empty). */
static struct set *set_compute(struct conn *c, enum set_op op, struct set **sets, int n)
{
    size_t max = set_max_intset_of(&c->srv->cfg);
    struct set *dst = set_new(c->srv->hash_seed);
    struct set_iter it;
    const char *p;
    size_t len;
    if (op == SET_OP_INTER) {
        for (int j = 0; j < n; j++)
            if (!sets[j])
                return dst;
        /* Smallest first: it is walked, the others probed. */
        qsort(sets, (size_t)n, sizeof(*sets), cmp_by_len);
        set_iter_init(&it, sets[0]);
        while (set_iter_next(&it, &p, &len)) {
            int j = 1;
            while (j < n && (sets[j] == sets[0] || set_contains(sets[j], p, len)))
                j++;
            if (j == n)
                set_add(dst, p, len, max);
        }
        return dst;
    }
    if (op == SET_OP_UNION) {
        for (int j = 0; j < n; j++) {
            if (!sets[j])
                continue;
            set_iter_init(&it, sets[j]);
            while (set_iter_next(&it, &p, &len))
                set_add(dst, p, len, max);
        }
        return dst;
    }
    if (!sets[0])
        return dst;
    set_iter_init(&it, sets[0]);
    while (set_iter_next(&it, &p, &len)) {
        int j = 1;
        while (j < n && (!sets[j] || (sets[j] != sets[0] && !set_contains(sets[j], p, len))))
            j++;
        if (j == n)
            set_add(dst, p, len, max);
    }
    return dst;
}

/* SINTER and SMEMBERS answer while walking the smallest set, as Redis
 * does, without building the result. */
static void sinter_reply(struct conn *c, struct set **sets, int n)
{
    for (int j = 0; j < n; j++) {
        if (!sets[j]) {
            reply_members_len(c, 0);
            return;
        }
    }
    qsort(sets, (size_t)n, sizeof(*sets), cmp_by_len);
    size_t handle = reply_defer(&c->out);
    long count = 0;
    struct set_iter it;
    const char *p;
    size_t len;
    set_iter_init(&it, sets[0]);
    while (set_iter_next(&it, &p, &len)) {
        int j = 1;
        while (j < n && (sets[j] == sets[0] || set_contains(sets[j], p, len)))
            j++;
        if (j == n) {
            reply_bulk(&c->out, p, len);
            count++;
        }
    }
    reply_defer_set(&c->out, handle, count);
}

static void set_op_generic(struct conn *c, enum set_op op, bool store)
{
    int first = store ? 2 : 1, n = c->argc - first;
    struct set **sets = mem_alloc((size_t)n * sizeof(*sets));
    if (!sets_lookup(c, first, sets)) {
        mem_free(sets);
        return;
    }
    if (op == SET_OP_INTER && !store) {
        sinter_reply(c, sets, n);
        mem_free(sets);
        return;
    }
    struct set *dst = set_compute(c, op, sets, n);
    mem_free(sets);
    if (!store) {
        reply_whole_set(c, dst, true);
        set_free(dst);
        return;
    }
    /* SINTERSTORE and friends: the destination, of any type, is replaced
     * (its TTL dropped) or deleted when the result is empty. */
    const struct util_arg *key = &c->argv[1];
    long long size = (long long)set_len(dst);
    bool existed = db_delete(c->db, key->ptr, key->len);
    if (existed) {
        struct effect *e = server_effect(c->srv, c->db->id);
        effect_arg_cstr(e, "DEL");
        effect_arg(e, key->ptr, key->len);
    }
    if (size) {
        db_add(c->db, key->ptr, key->len, object_new(&set_object_type, dst, c->srv->lru_clock));
        if (!existed)
            notify_key(c, NOTIFY_NEW, "new", key);
        struct member_list l = {NULL, NULL, 0, 0};
        struct set_iter it;
        const char *p;
        size_t len;
        set_iter_init(&it, dst);
        while (set_iter_next(&it, &p, &len))
            member_collect(&l, p, len);
        effect_members(c, "SADD", key, &l);
        member_list_free(&l);
        set_changed(c, key, 1);
        notify_key(c, NOTIFY_SET, c->cmd->fullname, key); /* sinterstore, sunionstore, ... */
    } else {
        set_free(dst);
        if (existed) {
            set_changed(c, key, 1);
            notify_key(c, NOTIFY_GENERIC, "del", key);
        }
    }
    reply_int(&c->out, size);
}

void cmd_smembers(struct conn *c)
{
    set_op_generic(c, SET_OP_INTER, false);
}

void cmd_sinter(struct conn *c)
{
    set_op_generic(c, SET_OP_INTER, false);
}

void cmd_sunion(struct conn *c)
{
    set_op_generic(c, SET_OP_UNION, false);
}

void cmd_sdiff(struct conn *c)
{
    set_op_generic(c, SET_OP_DIFF, false);
}

void cmd_sinterstore(struct conn *c)
{
    set_op_generic(c, SET_OP_INTER, true);
}

void cmd_sunionstore(struct conn *c)
{
    set_op_generic(c, SET_OP_UNION, true);
}

void cmd_sdiffstore(struct conn *c)
{
    set_op_generic(c, SET_OP_DIFF, true);
}
