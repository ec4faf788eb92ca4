/* cmd_string.c -- the string commands: GET, SET (EX, PX, EXAT, PXAT, NX, XX,
 * KEEPTTL, GET), SETNX, SETEX, PSETEX, GETDEL, GETEX, GETSET, MGET, MSET,
 * MSETNX, INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT, APPEND, STRLEN,
 * GETRANGE, SETRANGE.
 *
 * Argument parsing and replies only; the value is a struct strobj
 * (src/engine/strobj.h).  Errors, their order and the encodings reported
 * by OBJECT ENCODING follow Redis 7.0, checked against redis-server 7.0.
 *
 * Effects (what the AOF records) replay each change exactly, as Redis
 * propagates them:
 *   SET with EX/PX/EXAT/PXAT, SETEX, PSETEX   SET key value PXAT <abs ms>
 *   SET otherwise, SETNX, GETSET               SET key value [KEEPTTL]
 *   MSET, MSETNX                               MSET key value ...
 *   INCRBYFLOAT                                SET key <result> KEEPTTL
 *   GETEX EX/PX/EXAT/PXAT                      PEXPIREAT key <abs ms>
 *   GETEX PERSIST (when a TTL went)            PERSIST key
 *   GETEX with a time already past, GETDEL     DEL key
 *   INCR, DECR, INCRBY, DECRBY, APPEND,
 *   SETRANGE                                   the command itself
 * A command that changes nothing emits nothing.  Every change also calls
 * server_key_modified() (WATCH, blocked readers) and counts in `dirty` as
 * Redis counts it. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_string.h"
#include "command.h"
#include "conn.h"
#include "handlers.h"
#include "notify.h"
#include "server.h"
#include "strobj.h"
#include "util.h"

static const char WRONGTYPE[] = "WRONGTYPE Operation against a key holding the wrong kind of value";
static const char NOT_INTEGER[] = "ERR value is not an integer or out of range";
static const char NOT_FLOAT[] = "ERR value is not a valid float";
static const char TOO_BIG[] = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

/* --- The string type ---------------------------------------------------------- */

static void string_obj_free(void *p)
{
    strobj_free(p);
}

static void *string_obj_dup(const void *p)
{
    return strobj_dup(p);
}

static size_t string_obj_memory(const void *p)
{
    return strobj_memory(p);
}

static const char *string_obj_encoding(const void *p)
{
    return strobj_encoding_name(p);
}

static long long string_obj_refcount(const void *p)
{
    return ((const struct strobj *)p)->shared ? INT_MAX : 1;
}

const struct object_type string_object_type = {
    .name = "string",
    .encoding = "raw",
    .free = string_obj_free,
    .dup = string_obj_dup,
    .memory = string_obj_memory,
    .encoding_of = string_obj_encoding,
    .refcount = string_obj_refcount,
};

/* --- Lookup and store --------------------------------------------------------- */

/* Read lookup (counts hits and misses): the string at key, or NULL when
 * absent.  *wrongtype is set, with the reply sent, for another type. */
static const struct strobj *string_read(struct conn *c, const struct util_arg *key,
                                        bool *wrongtype)
{
    *wrongtype = false;
    struct object *o = db_lookup(c->srv, c->db, key->ptr, key->len, 0);
    if (!o)
        return NULL;
    if (o->type != &string_object_type) {
        reply_error(&c->out, WRONGTYPE);
        *wrongtype = true;
        return NULL;
    }
    return o->ptr;
}

/* Write lookup (no hit/miss statistics, as Redis's lookupKeyWrite). */
static struct dict_entry *key_for_write(struct conn *c, const struct util_arg *key)
{
    return db_lookup_entry(c->srv, c->db, key->ptr, key->len,
                           DB_LOOKUP_WRITE | DB_LOOKUP_NOSTATS);
}

static bool is_string(const struct dict_entry *de)
{
    return ((const struct object *)de->val)->type == &string_object_type;
}

/* Put v at key: de is the key's entry (NULL when absent); the old value,
 * of any type, is replaced and its TTL dropped unless keepttl. */
static struct dict_entry *string_store(struct conn *c, struct dict_entry *de,
                                       const struct util_arg *key, struct strobj *v, bool keepttl)
{
    if (!de) {
        de = db_add(c->db, key->ptr, key->len,
                    object_new(&string_object_type, v, c->srv->lru_clock));
        notify_key(c, NOTIFY_NEW, "new", key);
        return de;
    }
    struct object *o = de->val;
    if (o->type->free)
        o->type->free(o->ptr);
    o->type = &string_object_type;
    o->ptr = v;
    o->lru = c->srv->lru_clock;
    if (!keepttl)
        db_remove_expire(c->db, de);
    return de;
}

/* Replace the strobj of an entry that holds a string (after it moved). */
static void string_replace(struct dict_entry *de, struct strobj *v)
{
    ((struct object *)de->val)->ptr = v;
}

static void effect_set(struct conn *c, const struct util_arg *key, const char *v, size_t vlen,
                       long long pxat, bool keepttl)
{
    struct effect *e = server_effect(c->srv, c->db->id);
    effect_arg_cstr(e, "SET");
    effect_arg(e, key->ptr, key->len);
    effect_arg(e, v, vlen);
    if (pxat >= 0) {
        effect_arg_cstr(e, "PXAT");
        effect_arg_ll(e, pxat);
    } else if (keepttl) {
        effect_arg_cstr(e, "KEEPTTL");
    }
}

static void effect_key(struct conn *c, const char *verb, const struct util_arg *key)
{
    struct effect *e = server_effect(c->srv, c->db->id);
    effect_arg_cstr(e, verb);
    effect_arg(e, key->ptr, key->len);
}

/* The change is done: watchers, waiters, the save counter. */
static void string_changed(struct conn *c, const struct util_arg *key, long long dirty)
{
    server_key_modified(c->srv, c->db, key->ptr, key->len);
    c->srv->dirty += dirty;
}

/* Redis's checkStringLength: size + append must stay within
 * proto-max-bulk-len (not checked while loading the AOF, whose commands
 * were accepted once). */
static bool length_ok_or_reply(struct conn *c, unsigned long long size, unsigned long long add)
{
    unsigned long long total = size + add;
    if (!c->srv->loading &&
        (total < size || total > (unsigned long long)c->srv->cfg.proto_max_bulk_len)) {
        reply_error(&c->out, TOO_BIG);
        return false;
    }
    return true;
}

/* --- SET options (Redis's parseExtendedStringArgumentsOrReply) --------------- */

#define SET_NX (1u << 0)
#define SET_XX (1u << 1)
#define SET_GET (1u << 2)
#define SET_KEEPTTL (1u << 3)
#define SET_PERSIST (1u << 4)
#define SET_EX (1u << 5)
#define SET_PX (1u << 6)
#define SET_EXAT (1u << 7)
#define SET_PXAT (1u << 8)
#define SET_ANY_EXPIRE (SET_EX | SET_PX | SET_EXAT | SET_PXAT)

struct set_opts {
    unsigned flags;
    const struct util_arg *expire; /* the time argument, or NULL */
};

/* Options from argv[first] on.  for_set: SET's set (NX XX GET KEEPTTL and
 * the times), else GETEX's (PERSIST and the times).  An option may repeat;
 * one that conflicts with an earlier one, or a time without its argument,
 * is a syntax error.  0, or -1 after replying. */
static int set_opts_parse_or_reply(struct conn *c, int first, bool for_set, struct set_opts *o)
{
    o->flags = 0;
    o->expire = NULL;
    for (int j = first; j < c->argc; j++) {
        const struct util_arg *a = &c->argv[j];
        bool has_next = j + 1 < c->argc;
        unsigned f = 0, conflicts = 0;
        if (util_eq_nocase(a->ptr, a->len, "nx") && for_set) {
            f = SET_NX;
            conflicts = SET_XX;
        } else if (util_eq_nocase(a->ptr, a->len, "xx") && for_set) {
            f = SET_XX;
            conflicts = SET_NX;
        } else if (util_eq_nocase(a->ptr, a->len, "get") && for_set) {
            f = SET_GET;
        } else if (util_eq_nocase(a->ptr, a->len, "keepttl") && for_set) {
            f = SET_KEEPTTL;
            conflicts = SET_PERSIST | SET_ANY_EXPIRE;
        } else if (util_eq_nocase(a->ptr, a->len, "persist") && !for_set) {
            f = SET_PERSIST;
            conflicts = SET_KEEPTTL | SET_ANY_EXPIRE;
        } else if (util_eq_nocase(a->ptr, a->len, "ex") && has_next) {
            f = SET_EX;
        } else if (util_eq_nocase(a->ptr, a->len, "px") && has_next) {
            f = SET_PX;
        } else if (util_eq_nocase(a->ptr, a->len, "exat") && has_next) {
            f = SET_EXAT;
        } else if (util_eq_nocase(a->ptr, a->len, "pxat") && has_next) {
            f = SET_PXAT;
        }
        if (f & SET_ANY_EXPIRE)
            conflicts = SET_KEEPTTL | SET_PERSIST | (SET_ANY_EXPIRE & ~f);
        if (!f || (o->flags & conflicts)) {
            reply_syntax_error(c);
            return -1;
        }
        o->flags |= f;
        if (f & SET_ANY_EXPIRE)
            o->expire = &c->argv[++j];
    }
    return 0;
}

/* Redis's getExpireMillisecondsOrReply: the absolute expiry in ms for the
 * time argument of an EX/PX (relative to now) or EXAT/PXAT option.  0, or
 * -1 after replying "invalid expire time in '<command>' command". */
static int expire_ms_or_reply(struct conn *c, const struct util_arg *arg, unsigned flags,
                              long long *out)
{
    long long ms;
    if (!util_str_to_ll(arg->ptr, arg->len, &ms)) {
        reply_error(&c->out, NOT_INTEGER);
        return -1;
    }
    bool seconds = flags & (SET_EX | SET_EXAT);
    if (ms <= 0 || (seconds && ms > LLONG_MAX / 1000))
        goto invalid;
    if (seconds)
        ms *= 1000;
    if (flags & (SET_EX | SET_PX)) {
        long long now = server_mstime(c->srv);
        if (ms > LLONG_MAX - now)
            goto invalid; /* Redis's sum wraps negative and is refused */
        ms += now;
    }
    *out = ms;
    return 0;
invalid:
    reply_errorf(&c->out, "ERR invalid expire time in '%s' command", c->cmd->fullname);
    return -1;
}

/* --- GET, SET and friends ----------------------------------------------------- */

/* Redis's getGenericCommand: reply with the value or a null; false (after
 * replying WRONGTYPE) when the key holds another type. */
static bool get_generic(struct conn *c)
{
    bool wrongtype;
    const struct strobj *s = string_read(c, &c->argv[1], &wrongtype);
    if (wrongtype)
        return false;
    if (s)
        reply_bulk(&c->out, s->buf, s->len);
    else
        reply_null(&c->out);
    return true;
}

void cmd_get(struct conn *c)
{
    get_generic(c);
}

/* SET and its short forms.  ok_reply / abort_reply: SETNX's 1 and 0 (-1:
 * +OK and a null, SET's). */
static void set_generic(struct conn *c, const struct util_arg *key, const struct util_arg *val,
                        const struct set_opts *o, int ok_reply, int abort_reply)
{
    long long when = -1;
    if (o->expire && expire_ms_or_reply(c, o->expire, o->flags, &when) < 0)
        return;
    if ((o->flags & SET_GET) && !get_generic(c))
        return;
    struct dict_entry *de = key_for_write(c, key);
    if (((o->flags & SET_NX) && de) || ((o->flags & SET_XX) && !de)) {
        if (!(o->flags & SET_GET)) {
            if (abort_reply >= 0)
                reply_int(&c->out, abort_reply);
            else
                reply_null(&c->out);
        }
        return;
    }
    bool keepttl = o->flags & SET_KEEPTTL;
    de = string_store(c, de, key, strobj_new(val->ptr, val->len), keepttl);
    if (when >= 0)
        db_set_expire(c->db, de, when);
    string_changed(c, key, 1);
    effect_set(c, key, val->ptr, val->len, when, keepttl);
    notify_key(c, NOTIFY_STRING, "set", key);
    if (when >= 0)
        notify_key(c, NOTIFY_GENERIC, "expire", key);
    if (!(o->flags & SET_GET)) {
        if (ok_reply >= 0)
            reply_int(&c->out, ok_reply);
        else
            reply_ok(&c->out);
    }
}

void cmd_set(struct conn *c)
{
    struct set_opts o;
    if (set_opts_parse_or_reply(c, 3, true, &o) < 0)
        return;
    set_generic(c, &c->argv[1], &c->argv[2], &o, -1, -1);
}

void cmd_setnx(struct conn *c)
{
    struct set_opts o = {SET_NX, NULL};
    set_generic(c, &c->argv[1], &c->argv[2], &o, 1, 0);
}

void cmd_setex(struct conn *c)
{
    struct set_opts o = {SET_EX, &c->argv[2]};
    set_generic(c, &c->argv[1], &c->argv[3], &o, -1, -1);
}

void cmd_psetex(struct conn *c)
{
    struct set_opts o = {SET_PX, &c->argv[2]};
    set_generic(c, &c->argv[1], &c->argv[3], &o, -1, -1);
}

void cmd_getset(struct conn *c)
{
    const struct util_arg *key = &c->argv[1], *val = &c->argv[2];
    if (!get_generic(c))
        return;
    string_store(c, key_for_write(c, key), key, strobj_new(val->ptr, val->len), false);
    string_changed(c, key, 1);
    effect_set(c, key, val->ptr, val->len, -1, false);
    notify_key(c, NOTIFY_STRING, "set", key);
}

void cmd_getdel(struct conn *c)
{
    const struct util_arg *key = &c->argv[1];
    if (!get_generic(c))
        return;
    if (db_delete(c->db, key->ptr, key->len)) {
        string_changed(c, key, 1);
        effect_key(c, "DEL", key);
        notify_key(c, NOTIFY_GENERIC, "del", key);
    }
}

void cmd_getex(struct conn *c)
{
    const struct util_arg *key = &c->argv[1];
    struct set_opts o;
    if (set_opts_parse_or_reply(c, 2, false, &o) < 0)
        return;
    bool wrongtype;
    const struct strobj *s = string_read(c, key, &wrongtype);
    if (wrongtype)
        return;
    if (!s) {
        reply_null(&c->out);
        return;
    }
    long long when = -1;
    if (o.expire && expire_ms_or_reply(c, o.expire, o.flags, &when) < 0)
        return;
    reply_bulk(&c->out, s->buf, s->len);
    if ((o.flags & (SET_EXAT | SET_PXAT)) && db_expiry_passed(c->srv, when)) {
        /* An absolute time already past: the key goes now. */
        db_delete(c->db, key->ptr, key->len);
        string_changed(c, key, 1);
        effect_key(c, "DEL", key);
        notify_key(c, NOTIFY_GENERIC, "del", key);
    } else if (o.expire) {
        db_set_expire(c->db, key_for_write(c, key), when);
        string_changed(c, key, 1);
        struct effect *e = server_effect(c->srv, c->db->id);
        effect_arg_cstr(e, "PEXPIREAT");
        effect_arg(e, key->ptr, key->len);
        effect_arg_ll(e, when);
        notify_key(c, NOTIFY_GENERIC, "expire", key);
    } else if (o.flags & SET_PERSIST) {
        if (db_remove_expire(c->db, key_for_write(c, key))) {
            string_changed(c, key, 1);
            effect_key(c, "PERSIST", key);
            notify_key(c, NOTIFY_GENERIC, "persist", key);
        }
    }
}

/* --- MGET, MSET, MSETNX ------------------------------------------------------- */

void cmd_mget(struct conn *c)
{
    reply_array(&c->out, c->argc - 1);
    for (int j = 1; j < c->argc; j++) {
        struct object *o = db_lookup(c->srv, c->db, c->argv[j].ptr, c->argv[j].len, 0);
        if (o && o->type == &string_object_type) {
            const struct strobj *s = o->ptr;
            reply_bulk(&c->out, s->buf, s->len);
        } else {
            reply_null(&c->out);
        }
    }
}

static void mset_generic(struct conn *c, bool nx)
{
    if (c->argc % 2 == 0) {
        reply_wrong_arity(c, c->cmd);
        return;
    }
    if (nx) {
        for (int j = 1; j < c->argc; j += 2) {
            if (key_for_write(c, &c->argv[j])) {
                reply_int(&c->out, 0);
                return;
            }
        }
    }
    struct effect *e = server_effect(c->srv, c->db->id);
    effect_arg_cstr(e, "MSET");
    for (int j = 1; j < c->argc; j += 2) {
        const struct util_arg *key = &c->argv[j], *val = &c->argv[j + 1];
        string_store(c, key_for_write(c, key), key, strobj_new(val->ptr, val->len), false);
        server_key_modified(c->srv, c->db, key->ptr, key->len);
        effect_arg(e, key->ptr, key->len);
        effect_arg(e, val->ptr, val->len);
        notify_key(c, NOTIFY_STRING, "set", key);
    }
    c->srv->dirty += (c->argc - 1) / 2;
    if (nx)
        reply_int(&c->out, 1);
    else
        reply_ok(&c->out);
}

void cmd_mset(struct conn *c)
{
    mset_generic(c, false);
}

void cmd_msetnx(struct conn *c)
{
    mset_generic(c, true);
}

/* --- INCR, DECR, INCRBY, DECRBY ---------------------------------------------- */

static void incr_generic(struct conn *c, long long incr)
{
    const struct util_arg *key = &c->argv[1];
    struct dict_entry *de = key_for_write(c, key);
    long long value = 0;
    if (de) {
        if (!is_string(de)) {
            reply_error(&c->out, WRONGTYPE);
            return;
        }
        if (!strobj_to_ll(((struct object *)de->val)->ptr, &value)) {
            reply_error(&c->out, NOT_INTEGER);
            return;
        }
    }
    if ((incr < 0 && value < 0 && incr < LLONG_MIN - value) ||
        (incr > 0 && value > 0 && incr > LLONG_MAX - value)) {
        reply_error(&c->out, "ERR increment or decrement would overflow");
        return;
    }
    value += incr;
    /* The TTL stays (Redis replaces the value, not the key). */
    string_store(c, de, key, strobj_from_ll(value), true);
    string_changed(c, key, 1);
    command_effect_verbatim(c);
    notify_key(c, NOTIFY_STRING, "incrby", key);
    reply_int(&c->out, value);
}

void cmd_incr(struct conn *c)
{
    incr_generic(c, 1);
}

void cmd_decr(struct conn *c)
{
    incr_generic(c, -1);
}

void cmd_incrby(struct conn *c)
{
    long long incr;
    if (arg_ll_or_reply(c, 2, &incr) < 0)
        return;
    incr_generic(c, incr);
}

void cmd_decrby(struct conn *c)
{
    long long incr;
    if (arg_ll_or_reply(c, 2, &incr) < 0)
        return;
    if (incr == LLONG_MIN) {
        reply_error(&c->out, "ERR decrement would overflow");
        return;
    }
    incr_generic(c, -incr);
}

/* --- INCRBYFLOAT ------------------------------------------------------------- */

/* Redis's string2ld: strtold must read the whole string (so an inner NUL
 * is refused), no leading space, no overflow, no underflow to zero, no
 * NaN.  "inf" and hex floats are taken, as strtold takes them. */
bool string_parse_long_double(const char *p, size_t len, long double *out)
{
    char buf[STRING_LD_MAX_CHARS];
    if (len == 0 || len >= sizeof(buf))
        return false;
    memcpy(buf, p, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    long double v = strtold(buf, &end);
    if (buf[0] == ' ' || (buf[0] >= '\t' && buf[0] <= '\r') || end != buf + len ||
        (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || fpclassify(v) == FP_ZERO)) ||
        isnan(v))
        return false;
    *out = v;
    return true;
}

/* Redis's ld2string in its human-friendly mode: 17 decimals, trailing
 * zeros (and a bare point) dropped, "-0" written "0". */
size_t string_format_long_double(char *buf, size_t size, long double v)
{
    int n = snprintf(buf, size, "%.17Lf", v);
    if (n < 0 || (size_t)n >= size)
        return 0;
    size_t len = (size_t)n;
    if (memchr(buf, '.', len)) {
        while (buf[len - 1] == '0')
            len--;
        if (buf[len - 1] == '.')
            len--;
    }
    if (len == 2 && buf[0] == '-' && buf[1] == '0') {
        buf[0] = '0';
        len = 1;
    }
    buf[len] = '\0';
    return len;
}

void cmd_incrbyfloat(struct conn *c)
{
    const struct util_arg *key = &c->argv[1];
    struct dict_entry *de = key_for_write(c, key);
    long double value = 0, incr;
    if (de && !is_string(de)) {
        reply_error(&c->out, WRONGTYPE);
        return;
    }
    if (de) {
        const struct strobj *s = ((struct object *)de->val)->ptr;
        if (!string_parse_long_double(s->buf, s->len, &value)) {
            reply_error(&c->out, NOT_FLOAT);
            return;
        }
    }
    if (!string_parse_long_double(c->argv[2].ptr, c->argv[2].len, &incr)) {
        reply_error(&c->out, NOT_FLOAT);
        return;
    }
    value += incr;
    if (isnan(value) || isinf(value)) {
        reply_error(&c->out, "ERR increment would produce NaN or Infinity");
        return;
    }
    char buf[STRING_LD_MAX_CHARS];
    size_t n = string_format_long_double(buf, sizeof(buf), value);
    string_store(c, de, key, strobj_new_plain(buf, n), true);
    string_changed(c, key, 1);
    /* Replicated as the result, so float formatting never differs. */
    effect_set(c, key, buf, n, -1, true);
    notify_key(c, NOTIFY_STRING, "incrbyfloat", key);
    reply_bulk(&c->out, buf, n);
}

/* --- APPEND, STRLEN, GETRANGE, SETRANGE -------------------------------------- */

void cmd_append(struct conn *c)
{
    const struct util_arg *key = &c->argv[1], *val = &c->argv[2];
    struct dict_entry *de = key_for_write(c, key);
    size_t total;
    if (!de) {
        de = string_store(c, NULL, key, strobj_new(val->ptr, val->len), false);
        total = val->len;
    } else {
        if (!is_string(de)) {
            reply_error(&c->out, WRONGTYPE);
            return;
        }
        struct strobj *s = ((struct object *)de->val)->ptr;
        if (!length_ok_or_reply(c, s->len, val->len))
            return;
        s = strobj_append(s, val->ptr, val->len);
        string_replace(de, s);
        total = s->len;
    }
    string_changed(c, key, 1);
    command_effect_verbatim(c);
    notify_key(c, NOTIFY_STRING, "append", key);
    reply_int(&c->out, (long long)total);
}

void cmd_strlen(struct conn *c)
{
    bool wrongtype;
    const struct strobj *s = string_read(c, &c->argv[1], &wrongtype);
    if (!wrongtype)
        reply_int(&c->out, s ? (long long)s->len : 0);
}

void cmd_getrange(struct conn *c)
{
    long long start, end;
    if (arg_ll_or_reply(c, 2, &start) < 0 || arg_ll_or_reply(c, 3, &end) < 0)
        return;
    bool wrongtype;
    const struct strobj *s = string_read(c, &c->argv[1], &wrongtype);
    if (wrongtype)
        return;
    long long len = s ? (long long)s->len : 0;
    /* Redis 7.0's arithmetic, quirks included: both ends negative with
     * start after end is empty; otherwise a negative end that falls before
     * the string clamps to 0 and still returns the first byte. */
    if (!s || (start < 0 && end < 0 && start > end)) {
        reply_bulk(&c->out, "", 0);
        return;
    }
    if (start < 0)
        start = len + start;
    if (end < 0)
        end = len + end;
    if (start < 0)
        start = 0;
    if (end < 0)
        end = 0;
    if (end >= len)
        end = len - 1;
    if (start > end || len == 0)
        reply_bulk(&c->out, "", 0);
    else
        reply_bulk(&c->out, s->buf + start, (size_t)(end - start + 1));
}

void cmd_setrange(struct conn *c)
{
    const struct util_arg *key = &c->argv[1], *val = &c->argv[3];
    long long offset;
    if (arg_ll_or_reply(c, 2, &offset) < 0)
        return;
    if (offset < 0) {
        reply_error(&c->out, "ERR offset is out of range");
        return;
    }
    struct dict_entry *de = key_for_write(c, key);
    struct strobj *s = NULL;
    if (de) {
        if (!is_string(de)) {
            reply_error(&c->out, WRONGTYPE);
            return;
        }
        s = ((struct object *)de->val)->ptr;
    }
    if (val->len == 0) {
        /* Nothing to write: the length as it is (0 for no key, which is
         * not created). */
        reply_int(&c->out, s ? (long long)s->len : 0);
        return;
    }
    if (!length_ok_or_reply(c, (unsigned long long)offset, val->len))
        return;
    struct strobj *n = strobj_setrange(s, (size_t)offset, val->ptr, val->len);
    if (de)
        string_replace(de, n);
    else
        string_store(c, NULL, key, n, false);
    string_changed(c, key, 1);
    command_effect_verbatim(c);
    notify_key(c, NOTIFY_STRING, "setrange", key);
    reply_int(&c->out, (long long)n->len);
}
