/* cmd_group_claim.c -- consumer groups, part two: moving pending records
 * between consumers and deleting what groups reference: XCLAIM,
 * XAUTOCLAIM, XNACK (Redis 8.8), XACKDEL and XDELEX (Redis 8.2).
 *
 * Same conventions as cmd_group.c: Redis's errors in Redis's order (7.0's
 * texts for XCLAIM/XAUTOCLAIM, the newest Redis's for the 8.x commands),
 * engine calls for the work.  Effects: every claimed record as the exact
 * XCLAIM that recreates it (TIME, RETRYCOUNT, FORCE, JUSTID, LASTID), a
 * record dropped because its entry is gone as XACK, and the 8.x commands,
 * whose outcome does not depend on the clock, as given; then the claiming
 * consumer's seen and active times as an annotation (aof_annotation.h). */
#include <string.h>

#include "aof_annotation.h"
#include "cmd_group.h"
#include "command.h"
#include "conn.h"
#include "handlers.h"
#include "mem.h"
#include "notify.h"
#include "server.h"
#include "util.h"

/* Argument i as a long long, or reply msg. */
static int ll_or_reply_msg(struct conn *c, int i, long long *out, const char *msg)
{
    if (!util_str_to_ll(c->argv[i].ptr, c->argv[i].len, out)) {
        reply_error(&c->out, msg);
        return -1;
    }
    return 0;
}

/* The consumer named by arg, created (and its creation emitted) if new;
 * marked seen now. */
static struct stream_consumer *touch_consumer(struct conn *c, const struct util_arg *key,
                                              struct stream_group *g, const struct util_arg *name,
                                              int64_t now)
{
    struct stream_consumer *cons = stream_consumer_find(g, name->ptr, name->len);
    if (!cons) {
        cons = stream_consumer_create(g, name->ptr, name->len, now);
        c->srv->dirty++; /* Redis 7.2+ counts a consumer XCLAIM/XAUTOCLAIM creates */
        struct effect *e = server_effect(c->srv, c->db->id);
        effect_arg_cstr(e, "XGROUP");
        effect_arg_cstr(e, "CREATECONSUMER");
        effect_arg(e, key->ptr, key->len);
        effect_arg(e, g->name, g->name_len);
        effect_arg(e, name->ptr, name->len);
        notify_key(c, NOTIFY_STREAM, "xgroup-createconsumer", key);
    }
    cons->seen_time = now;
    return cons;
}

/* --- XCLAIM ------------------------------------------------------------------ */

struct xclaim_opts {
    int last_id_arg;          /* the last ID argument */
    bool force, justid;
    int64_t delivery_time;    /* -1: now */
    long long retrycount;     /* -1: not given */
    struct stream_id last_id; /* LASTID, 0-0 when not given */
};

/* IDs from argv[5] while they parse, then the options (Redis's order and
 * texts).  Returns -1 after replying. */
static int xclaim_parse_or_reply(struct conn *c, struct xclaim_opts *o, int64_t now)
{
    memset(o, 0, sizeof(*o));
    o->delivery_time = -1;
    o->retrycount = -1;
    int j = 5;
    for (; j < c->argc; j++) {
        struct stream_id_spec spec;
        if (stream_id_parse(c->argv[j].ptr, c->argv[j].len, 0, &spec) != 0)
            break;
    }
    o->last_id_arg = j - 1;
    for (; j < c->argc; j++) {
        int more = c->argc - 1 - j;
        const struct util_arg *a = &c->argv[j];
        long long v;
        if (util_eq_nocase(a->ptr, a->len, "force")) {
            o->force = true;
        } else if (util_eq_nocase(a->ptr, a->len, "justid")) {
            o->justid = true;
        } else if (util_eq_nocase(a->ptr, a->len, "idle") && more) {
            if (ll_or_reply_msg(c, ++j, &v, "ERR Invalid IDLE option argument for XCLAIM") < 0)
                return -1;
            o->delivery_time = now - v;
        } else if (util_eq_nocase(a->ptr, a->len, "time") && more) {
            if (ll_or_reply_msg(c, ++j, &v, "ERR Invalid TIME option argument for XCLAIM") < 0)
                return -1;
            o->delivery_time = v;
        } else if (util_eq_nocase(a->ptr, a->len, "retrycount") && more) {
            if (ll_or_reply_msg(c, ++j, &o->retrycount,
                                "ERR Invalid RETRYCOUNT option argument for XCLAIM") < 0)
                return -1;
        } else if (util_eq_nocase(a->ptr, a->len, "lastid") && more) {
            if (group_parse_id_or_reply(c, &c->argv[++j], &o->last_id) < 0)
                return -1;
        } else {
            reply_errorf(&c->out, "ERR Unrecognized XCLAIM option '%.*s'", (int)a->len, a->ptr);
            return -1;
        }
    }
    /* A bogus time (negative, or in the future) becomes now rather than an
     * error: clients compute it from their own clocks (Redis's reasoning). */
    if (o->delivery_time < 0 || o->delivery_time > now)
        o->delivery_time = now;
    return 0;
}

/* XCLAIM key group consumer min-idle id... [IDLE ms] [TIME ms] [RETRYCOUNT n]
 * [FORCE] [JUSTID] [LASTID id] */
void cmd_xclaim(struct conn *c)
{
    const struct util_arg *key = &c->argv[1], *gname = &c->argv[2];
    struct stream *s;
    struct stream_group *g = group_lookup_or_nogroup(c, key, gname, false, &s);
    if (!g)
        return;
    long long min_idle;
    if (ll_or_reply_msg(c, 4, &min_idle, "ERR Invalid min-idle-time argument for XCLAIM") < 0)
        return;
    if (min_idle < 0)
        min_idle = 0;
    int64_t now = server_mstime(c->srv);
    struct xclaim_opts o;
    if (xclaim_parse_or_reply(c, &o, now) < 0)
        return;
    bool last_id_moved = false;
    if (stream_id_cmp(&o.last_id, &g->last_id) > 0) {
        g->last_id = o.last_id;
        last_id_moved = true;
    }
    struct stream_consumer *cons = touch_consumer(c, key, g, &c->argv[3], now);
    size_t handle = reply_defer(&c->out);
    long n = 0;
    for (int j = 5; j <= o.last_id_arg; j++) {
        struct stream_id id;
        struct stream_id_spec spec;
        stream_id_parse(c->argv[j].ptr, c->argv[j].len, 0, &spec);
        id = spec.id;
        struct stream_pending *p = stream_pel_find(g, &id);
        if (!stream_has_entry(s, &id)) {
            /* The entry is gone: so goes its record. */
            if (p) {
                c->srv->dirty++;
                group_effect_xack(c, key, g, &id);
                stream_pel_ack(g, &id);
            }
            continue;
        }
        bool fresh = false;
        if (!p && o.force) {
            /* FORCE: a record for an entry nobody has pending (how AOF and
             * replicas rebuild PELs); no idle time to respect. */
            p = stream_pel_add(g, &id, cons, o.delivery_time, 1);
            fresh = true;
        }
        if (!p)
            continue;
        if (!fresh) {
            if (p->owner && min_idle && now - p->delivery_time < min_idle)
                continue;
            stream_pel_claim(g, p, cons, o.delivery_time);
        }
        if (o.retrycount >= 0)
            p->delivery_count = (uint64_t)o.retrycount;
        else if (!o.justid)
            stream_pending_count_up(p);
        if (o.justid)
            group_reply_id(&c->out, &id);
        else
            group_reply_entry(&c->out, s, &id);
        n++;
        cons->active_time = now;
        c->srv->dirty++;
        group_effect_xclaim(c, key, g, p);
        last_id_moved = false; /* the XCLAIM carries LASTID */
    }
    if (last_id_moved) {
        c->srv->dirty++;
        group_effect_setid(c, key, g);
    }
    aof_annotate_consumer(c->srv, c->db->id, key->ptr, key->len, g, cons);
    reply_defer_array(&c->out, handle, n);
}

/* --- XAUTOCLAIM ------------------------------------------------------------- */

/* COUNT's bounds: Redis takes 1 .. LONG_MAX/16 and then fails to allocate
 * 16 bytes per COUNT for huge values; beyond 2^36 we answer as it does
 * rather than trying. */
#define XAUTOCLAIM_COUNT_MAX (INT64_MAX / 16)
#define XAUTOCLAIM_COUNT_ALLOC_MAX ((long long)1 << 36)

/* XAUTOCLAIM key group consumer min-idle start [COUNT n] [JUSTID]:
 * [next cursor, claimed entries, IDs that no longer exist] (7.0 form). */
void cmd_xautoclaim(struct conn *c)
{
    const struct util_arg *key = &c->argv[1], *gname = &c->argv[2];
    long long min_idle, count = 100;
    bool justid = false;
    if (ll_or_reply_msg(c, 4, &min_idle, "ERR Invalid min-idle-time argument for XAUTOCLAIM") < 0)
        return;
    if (min_idle < 0)
        min_idle = 0;
    struct stream_id start;
    if (group_parse_bound_or_reply(c, &c->argv[5], false, &start) < 0)
        return;
    for (int j = 6; j < c->argc; j++) {
        const struct util_arg *a = &c->argv[j];
        if (util_eq_nocase(a->ptr, a->len, "count") && j + 1 < c->argc) {
            if (!util_str_to_ll(c->argv[j + 1].ptr, c->argv[j + 1].len, &count) || count < 1 ||
                count > XAUTOCLAIM_COUNT_MAX) {
                reply_error(&c->out, "ERR COUNT must be > 0");
                return;
            }
            j++;
        } else if (util_eq_nocase(a->ptr, a->len, "justid")) {
            justid = true;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    struct stream *s;
    struct stream_group *g = group_lookup_or_nogroup(c, key, gname, false, &s);
    if (!g)
        return;
    if (count > XAUTOCLAIM_COUNT_ALLOC_MAX) {
        reply_error(&c->out, "ERR Insufficient memory, failed allocating transient memory, "
                             "COUNT too high.");
        return;
    }
    int64_t now = server_mstime(c->srv);
    struct stream_consumer *cons = touch_consumer(c, key, g, &c->argv[3], now);
    long long attempts = count * 10;
    struct stream_id *gone = NULL;
    size_t ngone = 0, gone_cap = 0;
    /* The cursor goes first but is known last: the claimed entries are
     * built aside, then the three parts written in order. */
    struct reply_buf claimed;
    reply_init(&claimed, c->out.proto);
    long n = 0;
    struct index_iter it;
    bool have = index_seek(g->pel, &it, INDEX_GE, &start);
    while (attempts > 0 && count > 0 && have) {
        attempts--;
        struct stream_pending *p = it.value;
        struct stream_id id = it.key;
        if (!stream_has_entry(s, &id)) {
            c->srv->dirty++;
            group_effect_xack(c, key, g, &id);
            stream_pel_ack(g, &id);
            if (ngone == gone_cap) {
                gone_cap = gone_cap ? gone_cap * 2 : 8;
                gone = mem_realloc(gone, sizeof(*gone) * gone_cap);
            }
            gone[ngone++] = id;
            count--;
            have = index_seek(g->pel, &it, INDEX_GE, &id);
            continue;
        }
        if (p->owner && min_idle && now - p->delivery_time < min_idle) {
            have = index_next(&it);
            continue;
        }
        /* Claiming re-keys the time index and the owners' sets, never the
         * group's pel: the iterator stays valid. */
        stream_pel_claim(g, p, cons, now);
        if (!justid)
            stream_pending_count_up(p);
        if (justid)
            group_reply_id(&claimed, &id);
        else
            group_reply_entry(&claimed, s, &id);
        n++;
        count--;
        cons->active_time = now;
        c->srv->dirty++;
        group_effect_xclaim(c, key, g, p);
        have = index_next(&it);
    }
    aof_annotate_consumer(c->srv, c->db->id, key->ptr, key->len, g, cons);
    reply_array(&c->out, 3);
    /* The cursor: the first record not looked at, 0-0 past the end. */
    group_reply_id(&c->out, have ? &it.key : &STREAM_ID_MIN);
    reply_array(&c->out, n);
    reply_raw(&c->out, claimed.buf, claimed.len);
    reply_free(&claimed);
    reply_array(&c->out, (long)ngone);
    for (size_t i = 0; i < ngone; i++)
        group_reply_id(&c->out, &gone[i]);
    mem_free(gone);
}

/* --- XNACK (Redis 8.8) ----------------------------------------------------------- */

enum xnack_mode { XNACK_SILENT, XNACK_FAIL, XNACK_FATAL };

/* XNACK key group SILENT|FAIL|FATAL IDS n id... [RETRYCOUNT n] [FORCE]:
 * the number of records released. */
void cmd_xnack(struct conn *c)
{
    const struct util_arg *key = &c->argv[1], *gname = &c->argv[2];
    struct stream *s;
    struct stream_group *g = group_lookup_or_nogroup(c, key, gname, true, &s);
    if (!g)
        return;
    const struct util_arg *m = &c->argv[3];
    enum xnack_mode mode;
    if (util_eq_nocase(m->ptr, m->len, "silent")) {
        mode = XNACK_SILENT;
    } else if (util_eq_nocase(m->ptr, m->len, "fail")) {
        mode = XNACK_FAIL;
    } else if (util_eq_nocase(m->ptr, m->len, "fatal")) {
        mode = XNACK_FATAL;
    } else {
        reply_error(&c->out, "ERR mode must be SILENT, FAIL, or FATAL");
        return;
    }
    int ids_at = 0, numids = 0;
    bool force = false;
    long long retrycount = -1;
    for (int i = 4; i < c->argc; i++) {
        int more = c->argc - 1 - i;
        const struct util_arg *o = &c->argv[i];
        if (util_eq_nocase(o->ptr, o->len, "ids") && more) {
            long long n;
            if (!util_str_to_ll(c->argv[i + 1].ptr, c->argv[i + 1].len, &n) || n < 1 ||
                n > INT32_MAX) {
                reply_error(&c->out, "ERR numids must be a positive integer");
                return;
            }
            ids_at = i + 2;
            if (n > c->argc - ids_at) {
                reply_error(&c->out, "ERR number of IDs doesn't match numids");
                return;
            }
            numids = (int)n;
            i = ids_at + numids - 1;
        } else if (util_eq_nocase(o->ptr, o->len, "force")) {
            force = true;
        } else if (util_eq_nocase(o->ptr, o->len, "retrycount") && more) {
            if (arg_ll_or_reply(c, ++i, &retrycount) < 0)
                return;
            if (retrycount < 0) {
                reply_error(&c->out, "ERR Invalid RETRYCOUNT value, must be >= 0");
                return;
            }
        } else {
            reply_errorf(&c->out, "ERR Unrecognized XNACK option '%.*s'", (int)o->len, o->ptr);
            return;
        }
    }
    if (ids_at == 0) {
        reply_error(&c->out, "ERR syntax error, expected IDS keyword");
        return;
    }
    struct stream_id *ids = mem_alloc(sizeof(*ids) * (size_t)numids);
    for (int j = 0; j < numids; j++) {
        if (group_parse_id_or_reply(c, &c->argv[ids_at + j], &ids[j]) < 0) {
            mem_free(ids);
            return;
        }
    }
    long long nacked = 0;
    for (int j = 0; j < numids; j++) {
        struct stream_pending *p = stream_pel_find(g, &ids[j]);
        if (p) {
            stream_pel_release(g, p);
        } else if (force && stream_has_entry(s, &ids[j])) {
            /* A new unowned record, as if delivered zero times. */
            p = stream_pel_add(g, &ids[j], NULL, 0, 0);
        } else {
            continue;
        }
        if (retrycount >= 0)
            p->delivery_count = (uint64_t)retrycount;
        else if (mode == XNACK_SILENT && p->delivery_count > 0)
            p->delivery_count--;
        else if (mode == XNACK_FATAL)
            p->delivery_count = STREAM_DELIVERY_COUNT_MAX;
        nacked++;
    }
    mem_free(ids);
    if (nacked) {
        c->srv->dirty += nacked;
        command_effect_verbatim(c);
        /* Released records are claimable at once: wake CLAIM readers. */
        group_signal_waiters(c, key);
    }
    reply_int(&c->out, nacked);
}

/* --- XACKDEL, XDELEX (Redis 8.2) ------------------------------------------------------ */

/* Results per ID, as Redis 8.2 replies them. */
#define DEL_NO_ID (-1)
#define DEL_DELETED 1
#define DEL_REFERENCED 2

/* Reply an array of n DEL_NO_ID (missing key or group). */
static void reply_all_missing(struct conn *c, long n)
{
    reply_array(&c->out, n);
    for (long i = 0; i < n; i++)
        reply_int(&c->out, DEL_NO_ID);
}

/* Parse numids IDs from argv[at]; NULL after replying. */
static struct stream_id *parse_ids_or_reply(struct conn *c, int at, long numids)
{
    struct stream_id *ids = mem_alloc(sizeof(*ids) * (size_t)numids);
    for (long j = 0; j < numids; j++) {
        if (group_parse_id_or_reply(c, &c->argv[at + j], &ids[j]) < 0) {
            mem_free(ids);
            return NULL;
        }
    }
    return ids;
}

/* Total records in every PEL of s (to see whether DELREF changed any). */
static uint64_t total_pending(const struct stream *s)
{
    uint64_t n = 0;
    for (size_t i = 0; i < stream_group_count(s); i++)
        n += stream_group_pending_count(stream_group_at(s, i));
    return n;
}

/* Delete id from s under policy (the caller acknowledged first when it
 * is XACKDEL); DEL_DELETED, DEL_REFERENCED or DEL_NO_ID. */
static int delete_with_policy(struct stream *s, const struct stream_id *id,
                              enum stream_ref_policy policy)
{
    if (policy == STREAM_REFS_ACKED && stream_entry_is_referenced(s, id))
        return DEL_REFERENCED;
    if (policy == STREAM_REFS_DELETE)
        stream_entry_drop_refs(s, id);
    return stream_delete(s, id) ? DEL_DELETED : DEL_NO_ID;
}

/* XACKDEL key group [KEEPREF|DELREF|ACKED] IDS n id...: acknowledge, then
 * delete under the policy; per ID 1, 2 or -1. */
void cmd_xackdel(struct conn *c)
{
    const struct util_arg *key = &c->argv[1], *gname = &c->argv[2];
    int wrongtype;
    struct stream *s = group_lookup_stream(c, key, false, &wrongtype);
    if (wrongtype)
        return;
    enum stream_ref_policy policy;
    int ids_at;
    long numids;
    if (group_parse_refs_ids_or_reply(c, 3, &policy, &ids_at, &numids) < 0)
        return;
    struct stream_group *g = s ? stream_group_find(s, gname->ptr, gname->len) : NULL;
    if (!g) {
        reply_all_missing(c, numids);
        return;
    }
    struct stream_id *ids = parse_ids_or_reply(c, ids_at, numids);
    if (!ids)
        return;
    bool changed = false;
    long deleted = 0;
    reply_array(&c->out, numids);
    for (long j = 0; j < numids; j++) {
        if (!stream_pel_ack(g, &ids[j])) {
            reply_int(&c->out, DEL_NO_ID);
            continue;
        }
        changed = true;
        int res = delete_with_policy(s, &ids[j], policy);
        if (res == DEL_DELETED)
            deleted++;
        /* Acknowledged but already gone from the stream still counts as
         * deleted (Redis). */
        reply_int(&c->out, res == DEL_REFERENCED ? DEL_REFERENCED : DEL_DELETED);
    }
    mem_free(ids);
    if (changed) {
        c->srv->dirty += deleted ? deleted : 1;
        command_effect_verbatim(c);
    }
    if (deleted) {
        server_key_modified(c->srv, c->db, key->ptr, key->len);
        notify_key(c, NOTIFY_STREAM, "xdel", key); /* Redis 8.2, as XDEL */
    }
}

/* XDELEX key [KEEPREF|DELREF|ACKED] IDS n id...: per ID 1, 2 or -1. */
void cmd_xdelex(struct conn *c)
{
    const struct util_arg *key = &c->argv[1];
    int wrongtype;
    struct stream *s = group_lookup_stream(c, key, true, &wrongtype);
    if (wrongtype)
        return;
    enum stream_ref_policy policy;
    int ids_at;
    long numids;
    if (group_parse_refs_ids_or_reply(c, 2, &policy, &ids_at, &numids) < 0)
        return;
    if (!s) {
        reply_all_missing(c, numids);
        return;
    }
    struct stream_id *ids = parse_ids_or_reply(c, ids_at, numids);
    if (!ids)
        return;
    uint64_t pending_before = total_pending(s);
    long deleted = 0;
    reply_array(&c->out, numids);
    for (long j = 0; j < numids; j++) {
        int res = delete_with_policy(s, &ids[j], policy);
        if (res == DEL_DELETED)
            deleted++;
        reply_int(&c->out, res);
    }
    mem_free(ids);
    if (deleted || total_pending(s) != pending_before) {
        c->srv->dirty += deleted ? deleted : 1;
        command_effect_verbatim(c);
    }
    if (deleted) {
        server_key_modified(c->srv, c->db, key->ptr, key->len);
        notify_key(c, NOTIFY_STREAM, "xdel", key); /* Redis 8.2, as XDEL */
    }
}
