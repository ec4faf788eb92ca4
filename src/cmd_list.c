/* cmd_list.c -- the list commands: LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP,
 * LLEN, LRANGE, LINDEX, LSET, LREM, LTRIM, LPOS, LMOVE, LMPOP and the
 * blocking BLPOP, BRPOP, BLMOVE, BLMPOP.
 *
 * Argument parsing and replies only; the value is a struct list
 * (src/engine/list.h), a listpack until list-max-listpack-size says
 * otherwise.  Errors and their order follow Redis 7.0 (checked against
 * redis-server 7.0).
 *
 * A list key exists only while it has elements: a pop, LREM or LTRIM that
 * empties it deletes it.
 *
 * Blocking pops wait on the same per-key wait lists as XREAD BLOCK
 * (block.c): a push marks the key ready and the waiter's command runs
 * again after the writing command, in the order the clients blocked.  On
 * that re-run a key that holds another type (a stream made at the key the
 * client waits on) does not wake it, as Redis 7.2+ serves a list waiter
 * only for a list; when another of its keys has elements, the command
 * meets the WRONGTYPE as Redis's re-executed command does.  Inside MULTI a
 * blocking pop is a plain one.
 *
 * Effects: pushes, LPOP/RPOP, LSET, LREM, LTRIM and LMOVE as they are;
 * BLPOP/BRPOP as LPOP/RPOP key, BLMOVE as LMOVE, LMPOP/BLMPOP as LPOP/RPOP
 * key count, as Redis propagates them. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "cmd_list.h"
#include "command.h"
#include "conn.h"
#include "handlers.h"
#include "mem.h"
#include "notify.h"
#include "server.h"
#include "util.h"

static const char WRONGTYPE[] = "WRONGTYPE Operation against a key holding the wrong kind of value";

/* --- The list type ---------------------------------------------------------------- */

static void list_obj_free(void *p)
{
    list_free(p);
}

static void *list_obj_dup(const void *p)
{
    return list_dup(p);
}

static size_t list_obj_memory(const void *p)
{
    return list_memory(p);
}

static const char *list_obj_encoding(const void *p)
{
    return list_encoding_name(p);
}

const struct object_type list_object_type = {
    .name = "list",
    .encoding = "listpack",
    .free = list_obj_free,
    .dup = list_obj_dup,
    .memory = list_obj_memory,
    .encoding_of = list_obj_encoding,
};

/* --- Helpers ----------------------------------------------------------------------- */

/* The list at key, or NULL when absent; *wrongtype set (reply sent) for
 * another type.  write: Redis's lookupKeyWrite (no hit/miss counting). */
static struct list *list_lookup(struct conn *c, const struct util_arg *key, bool write,
                                bool *wrongtype)
{
    *wrongtype = false;
    struct object *o = db_lookup(c->srv, c->db, key->ptr, key->len,
                                 write ? DB_LOOKUP_WRITE | DB_LOOKUP_NOSTATS : 0);
    if (!o)
        return NULL;
    if (o->type != &list_object_type) {
        reply_error(&c->out, WRONGTYPE);
        *wrongtype = true;
        return NULL;
    }
    return o->ptr;
}

/* The object at key without replying or counting (re-run checks). */
static struct object *peek_key(struct conn *c, const struct util_arg *key)
{
    return db_lookup(c->srv, c->db, key->ptr, key->len,
                     DB_LOOKUP_NOSTATS | DB_LOOKUP_NOTOUCH | DB_LOOKUP_WRITE);
}

static struct list *list_create(struct conn *c, const struct util_arg *key)
{
    struct list *l = list_new();
    db_add(c->db, key->ptr, key->len, object_new(&list_object_type, l, c->srv->lru_clock));
    notify_key(c, NOTIFY_NEW, "new", key);
    return l;
}

static int fill_of(const struct conn *c)
{
    return list_fill_of(&c->srv->cfg);
}

/* After a removal: delete the key when it is empty, else maybe go back to
 * a listpack.  Returns true when the key is gone. */
static bool list_after_removal(struct conn *c, const struct util_arg *key, struct list *l)
{
    if (!list_len(l)) {
        db_delete(c->db, key->ptr, key->len);
        return true;
    }
    list_shrink_check(l, fill_of(c));
    return false;
}

static void list_changed(struct conn *c, const struct util_arg *key, long long dirty)
{
    server_key_modified(c->srv, c->db, key->ptr, key->len);
    c->srv->dirty += dirty;
}

static void emit_argv(struct conn *c, int from, int to)
{
    struct effect *e = server_effect(c->srv, c->db->id);
    for (int j = from; j < to; j++)
        effect_arg(e, c->argv[j].ptr, c->argv[j].len);
}

static void emit_pop(struct conn *c, enum list_where where, const struct util_arg *key,
                     long long count)
{
    struct effect *e = server_effect(c->srv, c->db->id);
    effect_arg_cstr(e, where == LIST_HEAD ? "LPOP" : "RPOP");
    effect_arg(e, key->ptr, key->len);
    if (count >= 0)
        effect_arg_ll(e, count);
}

/* A long argument, Redis's "value is not an integer or out of range". */
static int arg_long_or_reply(struct conn *c, int i, long long *out)
{
    return arg_ll_or_reply(c, i, out);
}

/* Redis's getPositiveLongFromObjectOrReply / getRangeLong with a message
 * for both a non-integer and a value out of range (msg NULL: Redis's
 * defaults). */
static int arg_range_or_reply(struct conn *c, int i, long long min, const char *msg,
                              long long *out)
{
    long long v;
    if (!util_str_to_ll(c->argv[i].ptr, c->argv[i].len, &v)) {
        reply_error(&c->out, msg ? msg : "ERR value is out of range, must be positive");
        return -1;
    }
    if (v < min) {
        reply_error(&c->out, msg ? msg : "ERR value is out of range, must be positive");
        return -1;
    }
    *out = v;
    return 0;
}

/* LEFT or RIGHT (any case), else a syntax error. */
static int where_or_reply(struct conn *c, int i, enum list_where *out)
{
    const struct util_arg *a = &c->argv[i];
    if (util_eq_nocase(a->ptr, a->len, "left")) {
        *out = LIST_HEAD;
        return 0;
    }
    if (util_eq_nocase(a->ptr, a->len, "right")) {
        *out = LIST_TAIL;
        return 0;
    }
    reply_syntax_error(c);
    return -1;
}

/* A blocking timeout in seconds (a float), as Redis 7.0 reads it: the
 * milliseconds rounded up, so a negative fraction means "forever" and a
 * value too large for milliseconds counts as negative.  0 = forever. */
static int timeout_or_reply(struct conn *c, int i, long long *ms)
{
    double v;
    if (!util_str_to_double(c->argv[i].ptr, c->argv[i].len, &v) || isnan(v)) {
        reply_error(&c->out, "ERR timeout is not a float or out of range");
        return -1;
    }
    double t = ceil(v * 1000.0);
    if (t < 0 && t > -1)
        t = 0;
    if (t < 0 || t >= 9.2e18) {
        reply_error(&c->out, "ERR timeout is negative");
        return -1;
    }
    /* A deadline past what a timer can hold waits forever in practice. */
    *ms = t > 1e15 ? 0 : (long long)t;
    return 0;
}

/* --- Pushes ------------------------------------------------------------------------- */

static void push_generic(struct conn *c, enum list_where where, bool xx)
{
    const struct util_arg *key = &c->argv[1];
    bool wrongtype;
    struct list *l = list_lookup(c, key, true, &wrongtype);
    if (wrongtype)
        return;
    if (!l) {
        if (xx) {
            reply_int(&c->out, 0);
            return;
        }
        l = list_create(c, key);
    }
    int fill = fill_of(c);
    size_t add = 0;
    for (int j = 2; j < c->argc; j++)
        add += c->argv[j].len;
    list_grow_check(l, add, (size_t)(c->argc - 2), fill);
    for (int j = 2; j < c->argc; j++)
        list_push(l, where, c->argv[j].ptr, c->argv[j].len, fill);
    list_changed(c, key, c->argc - 2);
    emit_argv(c, 0, c->argc);
    notify_key(c, NOTIFY_LIST, where == LIST_HEAD ? "lpush" : "rpush", key);
    reply_int(&c->out, (long long)list_len(l));
}

void cmd_lpush(struct conn *c)
{
    push_generic(c, LIST_HEAD, false);
}

void cmd_rpush(struct conn *c)
{
    push_generic(c, LIST_TAIL, false);
}

void cmd_lpushx(struct conn *c)
{
    push_generic(c, LIST_HEAD, true);
}

void cmd_rpushx(struct conn *c)
{
    push_generic(c, LIST_TAIL, true);
}

/* --- Pops --------------------------------------------------------------------------- */

/* Pop up to count elements from l (at key) and reply them as an array
 * (count < 0: one element as a bulk).  The caller emits the effect. */
static long long pop_reply(struct conn *c, const struct util_arg *key, struct list *l,
                           enum list_where where, long long count)
{
    long long n = count < 0 ? 1 : count;
    if ((unsigned long long)n > list_len(l))
        n = (long long)list_len(l);
    if (count >= 0)
        reply_array(&c->out, n);
    for (long long i = 0; i < n; i++) {
        size_t len;
        char *v = list_pop(l, where, &len);
        reply_bulk(&c->out, v, len);
        mem_free(v);
    }
    bool gone = list_after_removal(c, key, l);
    list_changed(c, key, n);
    notify_key(c, NOTIFY_LIST, where == LIST_HEAD ? "lpop" : "rpop", key);
    if (gone)
        notify_key(c, NOTIFY_GENERIC, "del", key);
    return n;
}

static void pop_generic(struct conn *c, enum list_where where)
{
    if (c->argc > 3) {
        reply_wrong_arity(c, c->cmd);
        return;
    }
    long long count = -1;
    if (c->argc == 3 && arg_range_or_reply(c, 2, 0, NULL, &count) < 0)
        return;
    const struct util_arg *key = &c->argv[1];
    bool wrongtype;
    struct list *l = list_lookup(c, key, true, &wrongtype);
    if (wrongtype)
        return;
    if (!l) {
        if (count >= 0)
            reply_null_array(&c->out);
        else
            reply_null(&c->out);
        return;
    }
    if (count == 0) {
        reply_array(&c->out, 0);
        return;
    }
    pop_reply(c, key, l, where, count);
    emit_argv(c, 0, c->argc);
}

void cmd_lpop(struct conn *c)
{
    pop_generic(c, LIST_HEAD);
}

void cmd_rpop(struct conn *c)
{
    pop_generic(c, LIST_TAIL);
}

/* --- Reads ------------------------------------------------------------------------------ */

void cmd_llen(struct conn *c)
{
    bool wrongtype;
    struct list *l = list_lookup(c, &c->argv[1], false, &wrongtype);
    if (wrongtype)
        return;
    reply_int(&c->out, l ? (long long)list_len(l) : 0);
}

/* Redis's index window: negative indexes from the end, clamped; false
 * when the window is empty. */
static bool window(long long start, long long end, size_t len, size_t *from, size_t *to)
{
    long long n = (long long)len;
    if (start < 0)
        start += n;
    if (end < 0)
        end += n;
    if (start < 0)
        start = 0;
    if (start > end || start >= n)
        return false;
    if (end >= n)
        end = n - 1;
    *from = (size_t)start;
    *to = (size_t)end;
    return true;
}

void cmd_lrange(struct conn *c)
{
    long long start, end;
    if (arg_long_or_reply(c, 2, &start) < 0 || arg_long_or_reply(c, 3, &end) < 0)
        return;
    bool wrongtype;
    struct list *l = list_lookup(c, &c->argv[1], false, &wrongtype);
    if (wrongtype)
        return;
    size_t from, to;
    if (!l || !window(start, end, list_len(l), &from, &to)) {
        reply_array(&c->out, 0);
        return;
    }
    reply_array(&c->out, (long)(to - from + 1));
    struct list_iter it;
    list_iter_init(&it, l, from, false);
    const char *p;
    size_t len;
    for (size_t i = from; i <= to && list_iter_next(&it, &p, &len); i++)
        reply_bulk(&c->out, p, len);
}

void cmd_lindex(struct conn *c)
{
    bool wrongtype;
    struct list *l = list_lookup(c, &c->argv[1], false, &wrongtype);
    if (wrongtype)
        return;
    if (!l) {
        reply_null(&c->out);
        return;
    }
    long long idx;
    if (arg_long_or_reply(c, 2, &idx) < 0)
        return;
    const char *p;
    size_t len;
    if (list_index(l, idx, &p, &len))
        reply_bulk(&c->out, p, len);
    else
        reply_null(&c->out);
}

void cmd_lpos(struct conn *c)
{
    long long rank = 1, count = -1, maxlen = 0;
    for (int j = 3; j < c->argc; j += 2) {
        const struct util_arg *opt = &c->argv[j];
        if (j + 1 >= c->argc) {
            reply_syntax_error(c);
            return;
        }
        if (util_eq_nocase(opt->ptr, opt->len, "rank")) {
            if (arg_long_or_reply(c, j + 1, &rank) < 0)
                return;
            /* Redis 7.2+ reads RANK in -LLONG_MAX..LLONG_MAX (7.0 took
             * LLONG_MIN and answered 0). */
            if (rank == LLONG_MIN) {
                reply_error(&c->out, "ERR value is out of range, value must between "
                                     "-9223372036854775807 and 9223372036854775807");
                return;
            }
            if (rank == 0) {
                reply_error(&c->out, "ERR RANK can't be zero: use 1 to start from the first "
                                     "match, 2 from the second ... or use negative to start "
                                     "from the end of the list");
                return;
            }
        } else if (util_eq_nocase(opt->ptr, opt->len, "count")) {
            if (arg_range_or_reply(c, j + 1, 0, "ERR COUNT can't be negative", &count) < 0)
                return;
        } else if (util_eq_nocase(opt->ptr, opt->len, "maxlen")) {
            if (arg_range_or_reply(c, j + 1, 0, "ERR MAXLEN can't be negative", &maxlen) < 0)
                return;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    bool wrongtype;
    struct list *l = list_lookup(c, &c->argv[1], false, &wrongtype);
    if (wrongtype)
        return;
    if (!l) {
        if (count >= 0)
            reply_array(&c->out, 0);
        else
            reply_null(&c->out);
        return;
    }
    const struct util_arg *want = &c->argv[2];
    bool reverse = rank < 0;
    unsigned long long skip = rank < 0 ? (unsigned long long)(-(rank + 1)) : (unsigned long long)(rank - 1);
    size_t len = list_len(l);
    struct list_iter it;
    list_iter_init(&it, l, reverse ? len - 1 : 0, reverse);
    size_t handle = 0;
    if (count >= 0)
        handle = reply_defer(&c->out);
    long long found = 0;
    const char *p;
    size_t plen;
    for (size_t i = 0; list_iter_next(&it, &p, &plen); i++) {
        if (maxlen && i >= (size_t)maxlen)
            break;
        if (plen != want->len || memcmp(p, want->ptr, plen) != 0)
            continue;
        if (skip) {
            skip--;
            continue;
        }
        long long pos = reverse ? (long long)(len - 1 - i) : (long long)i;
        if (count < 0) {
            reply_int(&c->out, pos);
            return;
        }
        reply_int(&c->out, pos);
        if (++found == count && count > 0)
            break;
    }
    if (count >= 0)
        reply_defer_array(&c->out, handle, found);
    else
        reply_null(&c->out);
}

/* --- LSET, LREM, LTRIM ---------------------------------------------------------------- */

void cmd_lset(struct conn *c)
{
    const struct util_arg *key = &c->argv[1];
    bool wrongtype;
    struct list *l = list_lookup(c, key, true, &wrongtype);
    if (wrongtype)
        return;
    if (!l) {
        reply_error(&c->out, "ERR no such key");
        return;
    }
    long long idx;
    if (arg_long_or_reply(c, 2, &idx) < 0)
        return;
    if (idx < 0)
        idx += (long long)list_len(l);
    if (idx < 0 || (unsigned long long)idx >= list_len(l)) {
        reply_error(&c->out, "ERR index out of range");
        return;
    }
    int fill = fill_of(c);
    /* Redis counts the new value as one more element here too. */
    list_grow_check(l, c->argv[3].len, 1, fill);
    list_set(l, (size_t)idx, c->argv[3].ptr, c->argv[3].len, fill);
    list_shrink_check(l, fill);
    list_changed(c, key, 1);
    emit_argv(c, 0, c->argc);
    notify_key(c, NOTIFY_LIST, "lset", key);
    reply_ok(&c->out);
}

void cmd_lrem(struct conn *c)
{
    const struct util_arg *key = &c->argv[1];
    long long count;
    if (arg_long_or_reply(c, 2, &count) < 0)
        return;
    bool wrongtype;
    struct list *l = list_lookup(c, key, true, &wrongtype);
    if (wrongtype)
        return;
    if (!l) {
        reply_int(&c->out, 0);
        return;
    }
    size_t removed = list_remove(l, count, c->argv[3].ptr, c->argv[3].len);
    if (removed) {
        bool gone = list_after_removal(c, key, l);
        list_changed(c, key, (long long)removed);
        emit_argv(c, 0, c->argc);
        notify_key(c, NOTIFY_LIST, "lrem", key);
        if (gone)
            notify_key(c, NOTIFY_GENERIC, "del", key);
    }
    reply_int(&c->out, (long long)removed);
}

void cmd_ltrim(struct conn *c)
{
    const struct util_arg *key = &c->argv[1];
    long long start, end;
    if (arg_long_or_reply(c, 2, &start) < 0 || arg_long_or_reply(c, 3, &end) < 0)
        return;
    bool wrongtype;
    struct list *l = list_lookup(c, key, true, &wrongtype);
    if (wrongtype)
        return;
    if (!l) {
        reply_ok(&c->out);
        return;
    }
    size_t len = list_len(l), from, to, head, tail;
    if (window(start, end, len, &from, &to)) {
        head = from;
        tail = len - 1 - to;
    } else {
        head = len;
        tail = 0;
    }
    bool gone = false;
    if (head || tail) {
        list_trim(l, head, tail);
        gone = list_after_removal(c, key, l);
        list_changed(c, key, (long long)(head + tail));
        emit_argv(c, 0, c->argc);
    }
    notify_key(c, NOTIFY_LIST, "ltrim", key); /* even when nothing went, as Redis */
    if (gone)
        notify_key(c, NOTIFY_GENERIC, "del", key);
    reply_ok(&c->out);
}

/* --- LMOVE ----------------------------------------------------------------------------- */

/* Move one element from src (a non-empty list) to dst; replies the
 * element.  The destination's type was checked by the caller. */
static void move_one(struct conn *c, const struct util_arg *srckey, struct list *src,
                     const struct util_arg *dstkey, enum list_where from, enum list_where to)
{
    int fill = fill_of(c);
    size_t len;
    char *v = list_pop(src, from, &len);
    bool same = srckey->len == dstkey->len && memcmp(srckey->ptr, dstkey->ptr, srckey->len) == 0;
    struct list *dst;
    if (same) {
        dst = src;
    } else {
        bool wrongtype;
        dst = list_lookup(c, dstkey, true, &wrongtype);
        if (!dst)
            dst = list_create(c, dstkey);
    }
    /* Redis hands the popped value on as an integer object when it is one,
     * which adds nothing to its conversion estimate. */
    size_t add = list_str_is_int(v, len) ? 0 : len;
    list_grow_check(dst, add, 1, fill);
    list_push(dst, to, v, len, fill);
    list_changed(c, dstkey, 1);
    notify_key(c, NOTIFY_LIST, to == LIST_HEAD ? "lpush" : "rpush", dstkey);
    notify_key(c, NOTIFY_LIST, from == LIST_HEAD ? "lpop" : "rpop", srckey);
    if (!same) {
        if (list_after_removal(c, srckey, src))
            notify_key(c, NOTIFY_GENERIC, "del", srckey);
        server_key_modified(c->srv, c->db, srckey->ptr, srckey->len);
    }
    reply_bulk(&c->out, v, len);
    mem_free(v);
}

/* The destination of a move must be a list or absent: reply WRONGTYPE
 * otherwise (after the source was found, as Redis checks). */
static bool dst_ok_or_reply(struct conn *c, const struct util_arg *dstkey)
{
    struct object *o = peek_key(c, dstkey);
    if (o && o->type != &list_object_type) {
        reply_error(&c->out, WRONGTYPE);
        return false;
    }
    return true;
}

static void emit_lmove(struct conn *c, const struct util_arg *src, const struct util_arg *dst,
                       enum list_where from, enum list_where to)
{
    struct effect *e = server_effect(c->srv, c->db->id);
    effect_arg_cstr(e, "LMOVE");
    effect_arg(e, src->ptr, src->len);
    effect_arg(e, dst->ptr, dst->len);
    effect_arg_cstr(e, from == LIST_HEAD ? "LEFT" : "RIGHT");
    effect_arg_cstr(e, to == LIST_HEAD ? "LEFT" : "RIGHT");
}

void cmd_lmove(struct conn *c)
{
    enum list_where from, to;
    if (where_or_reply(c, 3, &from) < 0 || where_or_reply(c, 4, &to) < 0)
        return;
    const struct util_arg *srckey = &c->argv[1], *dstkey = &c->argv[2];
    bool wrongtype;
    struct list *src = list_lookup(c, srckey, true, &wrongtype);
    if (wrongtype)
        return;
    if (!src) {
        reply_null(&c->out);
        return;
    }
    if (!dst_ok_or_reply(c, dstkey))
        return;
    move_one(c, srckey, src, dstkey, from, to);
    emit_lmove(c, srckey, dstkey, from, to);
}

/* --- Blocking ------------------------------------------------------------------------------ */

/* During a re-run: true when a key among keys[] holds another type and
 * none of the list keys has elements, so the client waits on (Redis 7.2+
 * does not wake a list waiter for another type). */
static bool rerun_wait_on(struct conn *c, const int *keys, int nkeys)
{
    if (!block_rerunning(c))
        return false;
    bool other = false, data = false;
    for (int k = 0; k < nkeys; k++) {
        struct object *o = peek_key(c, &c->argv[keys[k]]);
        if (!o)
            continue;
        if (o->type != &list_object_type)
            other = true;
        else if (list_len(o->ptr))
            data = true;
    }
    return other && !data;
}

/* Block on keys[], or reply the null a pop without data gives inside
 * MULTI (where blocking pops do not block). */
static void block_or_null(struct conn *c, const int *keys, int nkeys, long long timeout,
                          bool array)
{
    if (c->flags & CONN_IN_EXEC) {
        if (array)
            reply_null_array(&c->out);
        else
            reply_null(&c->out);
        return;
    }
    block_for_keys(c, keys, nkeys, timeout);
}

/* BLPOP/BRPOP key [key ...] timeout; BLMPOP (mpop: count >= 1) replies
 * [key, [elements]] instead of [key, element]. */
static void bpop_keys(struct conn *c, const int *keys, int nkeys, enum list_where where,
                      long long count, long long timeout, bool mpop)
{
    if (rerun_wait_on(c, keys, nkeys)) {
        block_for_keys(c, keys, nkeys, timeout);
        return;
    }
    for (int k = 0; k < nkeys; k++) {
        const struct util_arg *key = &c->argv[keys[k]];
        bool wrongtype;
        struct list *l = list_lookup(c, key, true, &wrongtype);
        if (wrongtype)
            return;
        if (!l || !list_len(l))
            continue;
        reply_array(&c->out, 2);
        reply_bulk(&c->out, key->ptr, key->len);
        long long n = pop_reply(c, key, l, where, mpop ? count : -1);
        emit_pop(c, where, key, mpop ? n : -1);
        return;
    }
    if (timeout < 0) {
        reply_null_array(&c->out);
        return;
    }
    block_or_null(c, keys, nkeys, timeout, true);
}

static void bpop_generic(struct conn *c, enum list_where where)
{
    long long timeout;
    if (timeout_or_reply(c, c->argc - 1, &timeout) < 0)
        return;
    int nkeys = c->argc - 2;
    int *keys = mem_alloc(sizeof(int) * (size_t)nkeys);
    for (int k = 0; k < nkeys; k++)
        keys[k] = 1 + k;
    bpop_keys(c, keys, nkeys, where, -1, timeout, false);
    mem_free(keys);
}

void cmd_blpop(struct conn *c)
{
    bpop_generic(c, LIST_HEAD);
}

void cmd_brpop(struct conn *c)
{
    bpop_generic(c, LIST_TAIL);
}

/* LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] and BLMPOP timeout
 * numkeys ...: numkeys, direction and COUNT are checked before the
 * timeout, as Redis does. */
static void mpop_generic(struct conn *c, int numkeys_idx, bool blocking)
{
    long long numkeys;
    if (arg_range_or_reply(c, numkeys_idx, 1, "ERR numkeys should be greater than 0",
                           &numkeys) < 0)
        return;
    if (numkeys > c->argc - numkeys_idx - 2) {
        reply_syntax_error(c);
        return;
    }
    int where_idx = numkeys_idx + (int)numkeys + 1;
    enum list_where where;
    if (where_or_reply(c, where_idx, &where) < 0)
        return;
    long long count = -1;
    for (int j = where_idx + 1; j < c->argc; j++) {
        const struct util_arg *opt = &c->argv[j];
        if (count == -1 && util_eq_nocase(opt->ptr, opt->len, "count") && j + 1 < c->argc) {
            j++;
            if (arg_range_or_reply(c, j, 1, "ERR count should be greater than 0", &count) < 0)
                return;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    if (count == -1)
        count = 1;
    long long timeout = -1;
    if (blocking && timeout_or_reply(c, 1, &timeout) < 0)
        return;
    int *keys = mem_alloc(sizeof(int) * (size_t)numkeys);
    for (int k = 0; k < numkeys; k++)
        keys[k] = numkeys_idx + 1 + k;
    bpop_keys(c, keys, (int)numkeys, where, count, timeout, true);
    mem_free(keys);
}

void cmd_lmpop(struct conn *c)
{
    mpop_generic(c, 1, false);
}

void cmd_blmpop(struct conn *c)
{
    mpop_generic(c, 2, true);
}

void cmd_blmove(struct conn *c)
{
    enum list_where from, to;
    if (where_or_reply(c, 3, &from) < 0 || where_or_reply(c, 4, &to) < 0)
        return;
    long long timeout;
    if (timeout_or_reply(c, 5, &timeout) < 0)
        return;
    const struct util_arg *srckey = &c->argv[1], *dstkey = &c->argv[2];
    int keys[1] = {1};
    if (rerun_wait_on(c, keys, 1)) {
        block_for_keys(c, keys, 1, timeout);
        return;
    }
    bool wrongtype;
    struct list *src = list_lookup(c, srckey, true, &wrongtype);
    if (wrongtype)
        return;
    if (!src || !list_len(src)) {
        if (c->flags & CONN_IN_EXEC)
            reply_null(&c->out);
        else
            block_for_keys(c, keys, 1, timeout);
        return;
    }
    if (!dst_ok_or_reply(c, dstkey))
        return;
    move_one(c, srckey, src, dstkey, from, to);
    emit_lmove(c, srckey, dstkey, from, to);
}
