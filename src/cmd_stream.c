/* cmd_stream.c -- the stream data commands: XADD, XLEN, XRANGE, XREVRANGE,
 * XDEL, XTRIM, XREAD, XSETID, XINFO STREAM/HELP, and Redis 8.6's
 * idempotent production (XADD IDMP/IDMPAUTO, XCFGSET, XIDMPRECORD).
 *
 * Argument parsing and replies only: the engine (src/engine/stream.h,
 * stream_idmp.h) does the work.  Errors and their order follow Redis's
 * behaviour (7.0's, checked against redis-server 7.0; the newer commands
 * per Redis's documentation and test suite), so a client sees the same
 * reply for the same mistake.
 *
 * Effects: XADD is emitted with the ID it generated and, when it trimmed
 * approximately, with the trim resolved to an exact one ("=" and the
 * resulting length or first ID), so that replay is deterministic.  An XADD
 * with IDMP that adds an entry becomes, as one unit,
 *     XADD key <id> field value ...     (no trimming)
 *     XIDMPRECORD key <pid> <iid> <id>  (the map's bookkeeping)
 *     XTRIM key <resolved trim>         (when it trimmed)
 * because XADD refuses IDMP with an explicit ID, and the record must name
 * an entry that exists (the trim may remove the new one).  An XADD
 * answered from the map (a retry) changes nothing and emits nothing. */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "block.h"
#include "cmd_group.h"
#include "cmd_stream.h"
#include "command.h"
#include "conn.h"
#include "dict.h"
#include "handlers.h"
#include "mem.h"
#include "notify.h"
#include "server.h"
#include "stream.h"
#include "stream_idmp.h"
#include "util.h"

/* --- Idempotent-production state ------------------------------------------
 *
 * A stream that has used IDMP or XCFGSET owns a struct stream_idmp in its
 * `idmp` field; the engine frees it with the stream. */

/* The stream's map, or NULL while it has none. */
static struct stream_idmp *idmp_of(const struct stream *s)
{
    return s->idmp;
}

/* The stream's map, created on first use with the bounds of the
 * stream-idmp-duration / stream-idmp-maxsize options (Redis 8.6). */
static struct stream_idmp *idmp_attach(struct conn *c, struct stream *s)
{
    if (!s->idmp) {
        s->idmp = stream_idmp_new();
        const struct config *cfg = &c->srv->cfg;
        int rc = stream_idmp_configure(s->idmp, (uint32_t)cfg->stream_idmp_duration,
                                       (uint32_t)cfg->stream_idmp_maxsize);
        assert(rc >= 0); /* CONFIG keeps both within XCFGSET's ranges */
        (void)rc;
    }
    return s->idmp;
}

/* Bounds other than the engine's defaults, which a replay would not
 * assume: a map created by this command is described by an XCFGSET. */
static void effect_idmp_bounds(struct conn *c, const struct util_arg *key,
                               const struct stream_idmp *m)
{
    if (stream_idmp_duration(m) == STREAM_IDMP_DURATION_DEFAULT &&
        stream_idmp_maxsize(m) == STREAM_IDMP_MAXSIZE_DEFAULT)
        return;
    struct effect *e = server_effect(c->srv, c->db->id);
    effect_arg_cstr(e, "XCFGSET");
    effect_arg(e, key->ptr, key->len);
    effect_arg_cstr(e, "IDMP-DURATION");
    effect_arg_ll(e, (long long)stream_idmp_duration(m));
    effect_arg_cstr(e, "IDMP-MAXSIZE");
    effect_arg_ll(e, (long long)stream_idmp_maxsize(m));
}

/* --- The stream type ---------------------------------------------------- */

static void stream_obj_free(void *p)
{
    stream_free(p);
}

/* COPY: a deep copy node by node (deleted entries included, as Redis
 * copies its listpacks, so XINFO's radix-tree-keys agrees), then the
 * counters.  The counters are set directly: the copy must keep what the
 * source has even where stream_load_meta's XSETID-like checks would refuse
 * it (a last ID below the greatest deleted one is legal in Redis 7.0). */
static void *stream_obj_dup(const void *p)
{
    const struct stream *s = p;
    struct stream *d = stream_new(s->node_max_bytes, s->node_max_entries);
    struct stream_node_walk w = {0};
    const struct stream_node *node;
    while (stream_walk_nodes(s, &w, &node)) {
        int rc = stream_load_node(d, &node->first, node->data, node->used);
        assert(rc == STREAM_OK); /* the source's nodes are sound */
        (void)rc;
    }
    d->entries_added = s->entries_added;
    d->last_id = s->last_id;
    d->max_deleted_id = s->max_deleted_id;
    d->first_id = s->first_id;
    stream_groups_copy(d, s); /* consumer groups, consumers and PELs */
    if (s->idmp)
        d->idmp = stream_idmp_dup(s->idmp);
    return d;
}

static size_t stream_obj_memory(const void *p)
{
    return stream_memory_usage(p);
}

const struct object_type stream_object_type = {
    .name = "stream",
    .encoding = "stream",
    .free = stream_obj_free,
    .dup = stream_obj_dup,
    .memory = stream_obj_memory,
};

static const char WRONGTYPE[] = "WRONGTYPE Operation against a key holding the wrong kind of value";
static const char INVALID_ID[] = "ERR Invalid stream ID specified as stream command argument";

/* Look a stream up; NULL with *wrongtype set (and the reply sent) when the
 * key holds another type. */
static struct stream *stream_lookup(struct conn *c, const struct util_arg *key, int flags,
                                    int *wrongtype)
{
    *wrongtype = 0;
    struct object *o = db_lookup(c->srv, c->db, key->ptr, key->len, flags);
    if (!o)
        return NULL;
    if (o->type != &stream_object_type) {
        reply_error(&c->out, WRONGTYPE);
        *wrongtype = 1;
        return NULL;
    }
    return o->ptr;
}

static struct stream *stream_create(struct conn *c, const struct util_arg *key)
{
    const struct config *cfg = &c->srv->cfg;
    struct stream *s = stream_new((size_t)cfg->stream_node_max_bytes,
                                  (size_t)cfg->stream_node_max_entries);
    db_add(c->db, key->ptr, key->len, object_new(&stream_object_type, s, c->srv->lru_clock));
    notify_key(c, NOTIFY_NEW, "new", key);
    return s;
}

/* A strict ID (no "-", "+", "("): "ms" means ms-0. */
static int parse_strict_id_or_reply(struct conn *c, const struct util_arg *a, unsigned extra,
                                    struct stream_id_spec *out)
{
    if (stream_id_parse(a->ptr, a->len, extra, out) != 0) {
        reply_error(&c->out, INVALID_ID);
        return -1;
    }
    return 0;
}

/* --- Replies --------------------------------------------------------------- */

static void reply_stream_id(struct conn *c, const struct stream_id *id)
{
    char buf[STREAM_ID_STR_MAX];
    size_t n = stream_id_format(id, buf, sizeof(buf));
    reply_bulk(&c->out, buf, n);
}

void reply_stream_entry(struct reply_buf *r, const struct stream_id *id,
                        const struct stream_str *fv, size_t npairs)
{
    char buf[STREAM_ID_STR_MAX];
    reply_array(r, 2);
    reply_bulk(r, buf, stream_id_format(id, buf, sizeof(buf)));
    reply_array(r, (long)(npairs * 2));
    for (size_t i = 0; i < npairs * 2; i++)
        reply_bulk(r, fv[i].ptr, fv[i].len);
}

long reply_stream_range(struct reply_buf *r, const struct stream *s, const struct stream_id *start,
                        const struct stream_id *end, long long count, bool rev)
{
    size_t handle = reply_defer(r);
    long n = 0;
    struct stream_iter it;
    stream_iter_start(&it, s, start, end, rev);
    while ((count == 0 || n < count) && stream_iter_next(&it)) {
        reply_stream_entry(r, &it.id, it.fv, it.npairs);
        n++;
    }
    stream_iter_stop(&it);
    reply_defer_array(r, handle, n);
    return n;
}

/* --- XADD / XTRIM argument parsing ---------------------------------------- */

struct add_trim_args {
    int strategy;           /* -1 none, STREAM_TRIM_MAXLEN, STREAM_TRIM_MINID */
    bool approx;
    long long maxlen;
    struct stream_id minid;
    long long limit;
    bool limit_given;
    int threshold_idx;      /* argv index of the threshold */
    bool nomkstream;
    enum stream_ref_policy refs; /* KEEPREF (default) | DELREF | ACKED (Redis 8.2) */
    bool refs_given;
    struct stream_id_spec id;
    bool id_given;          /* XADD: an ID other than "*" */
    int idmp;               /* XADD: IDMP_NONE, IDMP_EXPLICIT or IDMP_AUTO */
    const struct util_arg *pid, *iid; /* XADD IDMP pid iid / IDMPAUTO pid */
};

enum { IDMP_NONE = 0, IDMP_EXPLICIT, IDMP_AUTO };

static const char IDMP_TWICE[] = "ERR IDMP/IDMPAUTO specified multiple times";

/* Redis's streamParseAddOrTrimArgsOrReply(): returns the index of the ID
 * argument (XADD) or argc (XTRIM), or -1 after replying with an error. */
static int parse_add_trim_or_reply(struct conn *c, struct add_trim_args *a, bool xadd)
{
    memset(a, 0, sizeof(*a));
    a->strategy = -1;
    int i = 2;
    for (; i < c->argc; i++) {
        int more = c->argc - 1 - i;
        const struct util_arg *o = &c->argv[i];
        bool is_maxlen = util_eq_nocase(o->ptr, o->len, "maxlen");
        bool is_minid = util_eq_nocase(o->ptr, o->len, "minid");
        if (xadd && o->len == 1 && o->ptr[0] == '*') {
            break;
        } else if ((is_maxlen || is_minid) && more) {
            if (a->strategy != -1) {
                reply_error(&c->out, "ERR syntax error, MAXLEN and MINID options at the same "
                                     "time are not compatible");
                return -1;
            }
            a->approx = false;
            const struct util_arg *next = &c->argv[i + 1];
            if (more >= 2 && next->len == 1 && next->ptr[0] == '~') {
                a->approx = true;
                i++;
            } else if (more >= 2 && next->len == 1 && next->ptr[0] == '=') {
                i++;
            }
            if (is_maxlen) {
                if (arg_ll_or_reply(c, i + 1, &a->maxlen) < 0)
                    return -1;
                if (a->maxlen < 0) {
                    reply_error(&c->out, "ERR The MAXLEN argument must be >= 0.");
                    return -1;
                }
                a->strategy = STREAM_TRIM_MAXLEN;
            } else {
                struct stream_id_spec spec;
                if (parse_strict_id_or_reply(c, &c->argv[i + 1], 0, &spec) < 0)
                    return -1;
                a->minid = spec.id;
                a->strategy = STREAM_TRIM_MINID;
            }
            i++;
            a->threshold_idx = i;
        } else if (util_eq_nocase(o->ptr, o->len, "limit") && more) {
            if (arg_ll_or_reply(c, i + 1, &a->limit) < 0)
                return -1;
            if (a->limit < 0) {
                reply_error(&c->out, "ERR The LIMIT argument must be >= 0.");
                return -1;
            }
            a->limit_given = true;
            i++;
        } else if (!a->refs_given && (util_eq_nocase(o->ptr, o->len, "keepref") ||
                                      util_eq_nocase(o->ptr, o->len, "delref") ||
                                      util_eq_nocase(o->ptr, o->len, "acked"))) {
            /* Redis 8.2: what trimming does about consumer groups. */
            a->refs = util_eq_nocase(o->ptr, o->len, "keepref") ? STREAM_REFS_KEEP
                      : util_eq_nocase(o->ptr, o->len, "delref") ? STREAM_REFS_DELETE
                                                                 : STREAM_REFS_ACKED;
            a->refs_given = true;
        } else if (xadd && util_eq_nocase(o->ptr, o->len, "nomkstream")) {
            a->nomkstream = true;
        } else if (xadd && util_eq_nocase(o->ptr, o->len, "idmp") && more >= 2) {
            /* Redis 8.6: IDMP producer-id idempotent-id. */
            if (a->idmp != IDMP_NONE) {
                reply_error(&c->out, IDMP_TWICE);
                return -1;
            }
            a->pid = &c->argv[i + 1];
            a->iid = &c->argv[i + 2];
            if (a->pid->len == 0) {
                reply_error(&c->out, "ERR IDMP requires a non-empty producer ID");
                return -1;
            }
            if (a->iid->len == 0) {
                reply_error(&c->out, "ERR IDMP requires a non-empty idempotent ID");
                return -1;
            }
            a->idmp = IDMP_EXPLICIT;
            i += 2;
        } else if (xadd && util_eq_nocase(o->ptr, o->len, "idmpauto") && more) {
            /* Redis 8.6: IDMPAUTO producer-id (the iid is made from the
             * message's content). */
            if (a->idmp != IDMP_NONE) {
                reply_error(&c->out, IDMP_TWICE);
                return -1;
            }
            a->pid = &c->argv[i + 1];
            if (a->pid->len == 0) {
                reply_error(&c->out, "ERR IDMPAUTO requires a non-empty producer ID");
                return -1;
            }
            a->idmp = IDMP_AUTO;
            i++;
        } else if (xadd) {
            if (parse_strict_id_or_reply(c, o, STREAM_ID_ALLOW_AUTO_SEQ, &a->id) < 0)
                return -1;
            a->id_given = true;
            /* A retried message must be able to get a fresh ID, and the
             * map ages iids by their entry's time: "*" only. */
            if (a->idmp != IDMP_NONE) {
                reply_error(&c->out, "ERR IDMP/IDMPAUTO can be used only with auto-generated IDs");
                return -1;
            }
            break;
        } else {
            reply_syntax_error(c);
            return -1;
        }
    }
    if (a->limit && a->strategy == -1) {
        reply_error(&c->out,
                    "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
        return -1;
    }
    if (!xadd && a->strategy == -1) {
        reply_error(&c->out, "ERR syntax error, XTRIM must be called with a trimming strategy");
        return -1;
    }
    if (a->limit_given) {
        if (!a->approx) {
            reply_error(&c->out,
                        "ERR syntax error, LIMIT cannot be used without the special ~ option");
            return -1;
        }
    } else if (a->approx) {
        a->limit = (long long)stream_trim_default_limit((size_t)c->srv->cfg.stream_node_max_entries);
    } else {
        a->limit = 0;
    }
    return i;
}

static uint64_t apply_trim(struct stream *s, const struct add_trim_args *a)
{
    struct stream_trim_args t;
    memset(&t, 0, sizeof(t));
    t.strategy = (enum stream_trim_strategy)a->strategy;
    t.maxlen = (uint64_t)a->maxlen;
    t.minid = a->minid;
    t.approx = a->approx;
    t.limit = (uint64_t)a->limit;
    t.refs = a->refs;
    return stream_trim(s, &t);
}

/* The resolved threshold of an approximate trim, for the effect: the
 * length reached (MAXLEN) or the first ID kept (MINID). */
static void effect_trim_args(struct effect *e, const struct stream *s, const struct add_trim_args *a)
{
    if (a->refs != STREAM_REFS_KEEP) {
        /* DELREF / ACKED look at every entry (see stream_trim): the same
         * threshold, LIMIT made explicit, replays the same removals. */
        char buf[STREAM_ID_STR_MAX];
        effect_arg_cstr(e, a->strategy == STREAM_TRIM_MAXLEN ? "MAXLEN" : "MINID");
        effect_arg_cstr(e, a->limit ? "~" : "=");
        if (a->strategy == STREAM_TRIM_MAXLEN)
            effect_arg_ll(e, a->maxlen);
        else
            effect_arg(e, buf, stream_id_format(&a->minid, buf, sizeof(buf)));
        if (a->limit) {
            effect_arg_cstr(e, "LIMIT");
            effect_arg_ll(e, a->limit);
        }
        effect_arg_cstr(e, a->refs == STREAM_REFS_DELETE ? "DELREF" : "ACKED");
        return;
    }
    if (a->strategy == STREAM_TRIM_MAXLEN) {
        effect_arg_cstr(e, "MAXLEN");
        effect_arg_cstr(e, "=");
        effect_arg_ll(e, a->approx ? (long long)s->length : a->maxlen);
    } else {
        struct stream_id first = a->minid;
        if (a->approx && !stream_first_entry(s, &first))
            first = s->last_id;
        char buf[STREAM_ID_STR_MAX];
        effect_arg_cstr(e, "MINID");
        effect_arg_cstr(e, "=");
        effect_arg(e, buf, stream_id_format(&first, buf, sizeof(buf)));
    }
}

/* The error reply for a failed stream_append. */
static void reply_append_error(struct conn *c, int rc)
{
    /* An ms-* at ms's last sequence number: Redis 7.2+ answers as for a
     * too small ID (7.0: "Elements are too large"; named difference
     * xadd-seq-exhausted). */
    if (rc == STREAM_ERR_ID_TOO_SMALL || rc == STREAM_ERR_ID_ZERO ||
        rc == STREAM_ERR_SEQ_OVERFLOW)
        reply_error(&c->out, "ERR The ID specified in XADD is equal or smaller than the target "
                             "stream top item");
    else if (rc == STREAM_ERR_EXHAUSTED)
        reply_error(&c->out, "ERR The stream has exhausted the last possible ID, unable to "
                             "add more items");
    else
        reply_error(&c->out, "ERR Elements are too large to be stored");
}

/* The effects of an XADD that added id: one XADD carrying the trim (see
 * the top of the file), or for IDMP the XADD / XIDMPRECORD / XTRIM unit. */
static void effect_xadd(struct conn *c, const struct stream *s, const struct add_trim_args *a,
                        int field_pos, const struct stream_id *id, const char *iid,
                        size_t iidlen, uint64_t removed, bool idmp_created)
{
    const struct util_arg *key = &c->argv[1];
    char buf[STREAM_ID_STR_MAX];
    size_t idlen = stream_id_format(id, buf, sizeof(buf));
    c->srv->dirty++; /* one change, whatever the XADD trimmed (Redis) */
    struct effect *e = server_effect(c->srv, c->db->id);
    effect_arg_cstr(e, "XADD");
    effect_arg(e, key->ptr, key->len);
    if (a->strategy != -1 && a->idmp == IDMP_NONE)
        effect_trim_args(e, s, a);
    effect_arg(e, buf, idlen);
    for (int j = field_pos; j < c->argc; j++)
        effect_arg(e, c->argv[j].ptr, c->argv[j].len);
    if (a->idmp == IDMP_NONE)
        return;
    if (idmp_created)
        effect_idmp_bounds(c, key, s->idmp);
    e = server_effect(c->srv, c->db->id);
    effect_arg_cstr(e, "XIDMPRECORD");
    effect_arg(e, key->ptr, key->len);
    effect_arg(e, a->pid->ptr, a->pid->len);
    effect_arg(e, iid, iidlen);
    effect_arg(e, buf, idlen);
    if (removed) {
        e = server_effect(c->srv, c->db->id);
        effect_arg_cstr(e, "XTRIM");
        effect_arg(e, key->ptr, key->len);
        effect_trim_args(e, s, a);
    }
}

void cmd_xadd(struct conn *c)
{
    struct add_trim_args a;
    int id_pos = parse_add_trim_or_reply(c, &a, true);
    if (id_pos < 0)
        return;
    int field_pos = id_pos + 1;
    int nfv = c->argc - field_pos;
    if (nfv < 2 || nfv % 2 == 1) {
        reply_wrong_arity(c, c->cmd);
        return;
    }
    if (a.id_given && a.id.kind == STREAM_ID_EXPLICIT && stream_id_is_zero(&a.id.id)) {
        reply_error(&c->out, "ERR The ID specified in XADD must be greater than 0-0");
        return;
    }
    const struct util_arg *key = &c->argv[1];
    int wrongtype;
    struct stream *s = stream_lookup(c, key, DB_LOOKUP_WRITE, &wrongtype);
    if (wrongtype)
        return;
    if (!s && a.nomkstream) {
        reply_null(&c->out);
        return;
    }
    struct stream_str *fv = mem_alloc(sizeof(*fv) * (size_t)nfv);
    for (int j = 0; j < nfv; j++) {
        fv[j].ptr = c->argv[field_pos + j].ptr;
        fv[j].len = c->argv[field_pos + j].len;
    }
    uint64_t now = (uint64_t)server_mstime(c->srv);

    /* IDMP: a message the map already holds is a retry; it gets the ID
     * its first attempt was given, and nothing changes. */
    unsigned char auto_iid[STREAM_IDMP_AUTO_IID_LEN];
    const char *iid = NULL;
    size_t iidlen = 0;
    if (a.idmp != IDMP_NONE) {
        if (a.idmp == IDMP_AUTO) {
            stream_idmp_auto_iid(fv, (size_t)nfv / 2, auto_iid);
            iid = (const char *)auto_iid;
            iidlen = sizeof(auto_iid);
        } else {
            iid = a.iid->ptr;
            iidlen = a.iid->len;
        }
        struct stream_idmp *m = s ? idmp_of(s) : NULL;
        struct stream_id first;
        if (m && stream_idmp_find(m, a.pid->ptr, a.pid->len, iid, iidlen, now, &first)) {
            stream_idmp_count_duplicate(m);
            reply_stream_id(c, &first);
            mem_free(fv);
            return;
        }
    }

    if (!s)
        s = stream_create(c, key);
    struct stream_id id;
    int rc;
    if (stream_id_is_max(&s->last_id)) {
        rc = STREAM_ERR_EXHAUSTED;
    } else {
        struct stream_id_spec spec = a.id;
        if (!a.id_given)
            spec.kind = STREAM_ID_AUTO;
        /* Redis's XADD reads stream-node-max-* as they are now, whatever
         * they were when the stream was made (or loaded). */
        stream_set_node_limits(s, (size_t)c->srv->cfg.stream_node_max_bytes,
                               (size_t)c->srv->cfg.stream_node_max_entries);
        rc = stream_append(s, &spec, fv, (size_t)nfv / 2, now, &id);
    }
    mem_free(fv);
    if (rc != 0) {
        reply_append_error(c, rc);
        /* A stream XADD just created stays only if it holds something. */
        if (s->length == 0 && s->entries_added == 0)
            db_delete(c->db, key->ptr, key->len);
        return;
    }
    reply_stream_id(c, &id);
    bool idmp_created = a.idmp != IDMP_NONE && !idmp_of(s);
    if (a.idmp != IDMP_NONE) {
        int recorded = stream_idmp_record(idmp_attach(c, s), a.pid->ptr, a.pid->len, iid, iidlen,
                                          &id, now);
        assert(recorded == 0); /* a new entry's ID is in no record yet */
        (void)recorded;
    }
    uint64_t removed = a.strategy != -1 ? apply_trim(s, &a) : 0;
    effect_xadd(c, s, &a, field_pos, &id, iid, iidlen, removed, idmp_created);
    server_key_modified(c->srv, c->db, key->ptr, key->len);
    notify_key(c, NOTIFY_STREAM, "xadd", key);
    if (removed)
        notify_key(c, NOTIFY_STREAM, "xtrim", key);
}

void cmd_xtrim(struct conn *c)
{
    struct add_trim_args a;
    if (parse_add_trim_or_reply(c, &a, false) < 0)
        return;
    const struct util_arg *key = &c->argv[1];
    int wrongtype;
    struct stream *s = stream_lookup(c, key, DB_LOOKUP_WRITE, &wrongtype);
    if (wrongtype)
        return;
    if (!s) {
        reply_int(&c->out, 0);
        return;
    }
    uint64_t removed = apply_trim(s, &a);
    if (removed) {
        c->srv->dirty += (long long)removed;
        struct effect *e = server_effect(c->srv, c->db->id);
        effect_arg_cstr(e, "XTRIM");
        effect_arg(e, key->ptr, key->len);
        effect_trim_args(e, s, &a);
        server_key_modified(c->srv, c->db, key->ptr, key->len);
        notify_key(c, NOTIFY_STREAM, "xtrim", key);
    }
    reply_int(&c->out, (long long)removed);
}

/* --- XLEN, XRANGE, XREVRANGE, XDEL ----------------------------------------- */

void cmd_xlen(struct conn *c)
{
    int wrongtype;
    struct stream *s = stream_lookup(c, &c->argv[1], 0, &wrongtype);
    if (wrongtype)
        return;
    reply_int(&c->out, s ? (long long)s->length : 0);
}

/* An interval bound: "-", "+", "ms", "ms-seq", "(ms-seq". */
static int parse_bound_or_reply(struct conn *c, const struct util_arg *a, bool is_end,
                                struct stream_id *out)
{
    struct stream_id_spec spec;
    unsigned flags = STREAM_ID_ALLOW_MINMAX | STREAM_ID_ALLOW_EXCL | (is_end ? STREAM_ID_SEQ_MAX : 0);
    if (stream_id_parse(a->ptr, a->len, flags, &spec) != 0) {
        reply_error(&c->out, INVALID_ID);
        return -1;
    }
    *out = spec.id;
    if (spec.exclusive) {
        int rc = is_end ? stream_id_decr(out) : stream_id_incr(out);
        if (rc != 0) {
            reply_error(&c->out, is_end ? "ERR invalid end ID for the interval"
                                        : "ERR invalid start ID for the interval");
            return -1;
        }
    }
    return 0;
}

static void xrange_generic(struct conn *c, bool rev)
{
    const struct util_arg *startarg = rev ? &c->argv[3] : &c->argv[2];
    const struct util_arg *endarg = rev ? &c->argv[2] : &c->argv[3];
    struct stream_id start, end;
    if (parse_bound_or_reply(c, startarg, false, &start) < 0 ||
        parse_bound_or_reply(c, endarg, true, &end) < 0)
        return;
    long long count = -1;
    for (int j = 4; j < c->argc; j++) {
        if (util_eq_nocase(c->argv[j].ptr, c->argv[j].len, "count") && j + 1 < c->argc) {
            if (arg_ll_or_reply(c, j + 1, &count) < 0)
                return;
            if (count < 0)
                count = 0;
            j++;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    int wrongtype;
    struct stream *s = stream_lookup(c, &c->argv[1], 0, &wrongtype);
    if (wrongtype)
        return;
    if (!s) {
        reply_array(&c->out, 0);
        return;
    }
    if (count == 0) {
        reply_null_array(&c->out);
        return;
    }
    if (count == -1)
        count = 0;
    reply_stream_range(&c->out, s, &start, &end, count, rev);
}

void cmd_xrange(struct conn *c)
{
    xrange_generic(c, false);
}

void cmd_xrevrange(struct conn *c)
{
    xrange_generic(c, true);
}

void cmd_xdel(struct conn *c)
{
    const struct util_arg *key = &c->argv[1];
    int wrongtype;
    struct stream *s = stream_lookup(c, key, DB_LOOKUP_WRITE, &wrongtype);
    if (wrongtype)
        return;
    if (!s) {
        reply_int(&c->out, 0);
        return;
    }
    /* Every ID is checked before anything is deleted (Redis: a command
     * that fails half-way would be worse than one refused). */
    int n = c->argc - 2;
    struct stream_id *ids = mem_alloc(sizeof(*ids) * (size_t)n);
    for (int j = 0; j < n; j++) {
        struct stream_id_spec spec;
        if (parse_strict_id_or_reply(c, &c->argv[2 + j], 0, &spec) < 0) {
            mem_free(ids);
            return;
        }
        ids[j] = spec.id;
    }
    struct effect *e = NULL;
    long long deleted = 0;
    for (int j = 0; j < n; j++) {
        if (!stream_delete(s, &ids[j]))
            continue;
        if (!e) {
            e = server_effect(c->srv, c->db->id);
            effect_arg_cstr(e, "XDEL");
            effect_arg(e, key->ptr, key->len);
        }
        char buf[STREAM_ID_STR_MAX];
        effect_arg(e, buf, stream_id_format(&ids[j], buf, sizeof(buf)));
        deleted++;
        c->srv->dirty++;
    }
    mem_free(ids);
    if (deleted) {
        server_key_modified(c->srv, c->db, key->ptr, key->len);
        notify_key(c, NOTIFY_STREAM, "xdel", key);
    }
    reply_int(&c->out, deleted);
}

/* --- XREAD ---------------------------------------------------------------- */

/* MAXCOUNT or MAXSIZE used up. */
bool read_budget_spent(const struct read_budget *b)
{
    return b->entries == 0 || b->bytes == 0;
}

/* One entry sent: count it against both caps. */
void read_budget_charge(struct read_budget *b, const struct stream_str *fv, size_t npairs)
{
    if (b->entries > 0)
        b->entries--;
    if (b->bytes > 0) {
        for (size_t j = 0; j < npairs * 2; j++)
            b->bytes -= (long long)fv[j].len;
        if (b->bytes < 0)
            b->bytes = 0;
    }
}

/* The entries of s from start on (at most count, 0 = all) that fit the
 * budget, as an array; the budget is charged.  Returns how many. */
static long reply_read_range(struct reply_buf *r, const struct stream *s,
                             const struct stream_id *start, long long count,
                             struct read_budget *b)
{
    size_t handle = reply_defer(r);
    long n = 0;
    struct stream_iter it;
    struct stream_id end = STREAM_ID_MAX;
    stream_iter_start(&it, s, start, &end, false);
    while ((count == 0 || n < count) && !read_budget_spent(b) && stream_iter_next(&it)) {
        reply_stream_entry(r, &it.id, it.fv, it.npairs);
        n++;
        read_budget_charge(b, it.fv, it.npairs);
    }
    stream_iter_stop(&it);
    reply_defer_array(r, handle, n);
    return n;
}

/* Argument i as a non-negative integer, or reply not_int / negative. */
static int nonneg_ll_or_reply(struct conn *c, int i, long long *out, const char *not_int,
                              const char *negative)
{
    if (!util_str_to_ll(c->argv[i].ptr, c->argv[i].len, out)) {
        reply_error(&c->out, not_int);
        return -1;
    }
    if (*out < 0) {
        reply_error(&c->out, negative);
        return -1;
    }
    return 0;
}

/* XREAD / XREADGROUP options up to STREAMS (Redis's streamReadGeneric
 * parsing): the group-only ones (GROUP, NOACK, CLAIM) are refused for XREAD
 * with Redis's own texts; an odd STREAMS list, a missing STREAMS and a
 * missing GROUP are errors.  0, or -1 after replying. */
int read_args_parse_or_reply(struct conn *c, bool group, struct read_args *a)
{
    memset(a, 0, sizeof(*a));
    a->timeout = -1;
    a->min_idle = -1;
    a->maxcount = a->maxsize = -1;
    for (int i = 1; i < c->argc; i++) {
        int more = c->argc - i - 1;
        const struct util_arg *o = &c->argv[i];
        if (util_eq_nocase(o->ptr, o->len, "claim") && more) {
            if (!group) {
                /* Redis 8.4's XREAD refuses XREADGROUP's CLAIM (7.0: a
                 * syntax error). */
                reply_error(&c->out, "ERR The CLAIM option is only supported by XREADGROUP. "
                                     "You called XREAD instead.");
                return -1;
            }
            i++;
            if (nonneg_ll_or_reply(c, i, &a->min_idle,
                                   "ERR min-idle-time is not an integer or out of range",
                                   "ERR min-idle-time must be a positive integer") < 0)
                return -1;
        } else if (util_eq_nocase(o->ptr, o->len, "block") && more) {
            i++;
            if (nonneg_ll_or_reply(c, i, &a->timeout,
                                   "ERR timeout is not an integer or out of range",
                                   "ERR timeout is negative") < 0)
                return -1;
        } else if (util_eq_nocase(o->ptr, o->len, "count") && more) {
            i++;
            if (arg_ll_or_reply(c, i, &a->count) < 0)
                return -1;
            if (a->count < 0)
                a->count = 0;
        } else if ((util_eq_nocase(o->ptr, o->len, "maxcount") ||
                    util_eq_nocase(o->ptr, o->len, "maxsize")) && more) {
            long long v;
            if (arg_ll_or_reply(c, i + 1, &v) < 0)
                return -1;
            if (v <= 0) {
                reply_error(&c->out, "ERR value is out of range, must be positive");
                return -1;
            }
            if (util_eq_nocase(o->ptr, o->len, "maxcount"))
                a->maxcount = v;
            else
                a->maxsize = v;
            i++;
        } else if (util_eq_nocase(o->ptr, o->len, "streams") && more) {
            a->streams_arg = i + 1;
            a->nstreams = c->argc - a->streams_arg;
            if (a->nstreams % 2 != 0) {
                /* Redis 7.4+'s text (7.0 said "XREAD" and "an ID or '$'"
                 * for both commands). */
                if (group)
                    reply_error(&c->out, "ERR Unbalanced 'xreadgroup' list of streams: for each "
                                         "stream key an ID or '>' must be specified.");
                else
                    reply_error(&c->out, "ERR Unbalanced 'xread' list of streams: for each stream "
                                         "key an ID, '+', or '$' must be specified.");
                return -1;
            }
            a->nstreams /= 2;
            break;
        } else if (util_eq_nocase(o->ptr, o->len, "group") && more >= 2) {
            if (!group) {
                reply_error(&c->out, "ERR The GROUP option is only supported by XREADGROUP. "
                                     "You called XREAD instead.");
                return -1;
            }
            a->group_arg = i + 1;
            i += 2;
        } else if (util_eq_nocase(o->ptr, o->len, "noack")) {
            if (!group) {
                reply_error(&c->out, "ERR The NOACK option is only supported by XREADGROUP. "
                                     "You called XREAD instead.");
                return -1;
            }
            a->noack = true;
        } else {
            reply_syntax_error(c);
            return -1;
        }
    }
    if (a->streams_arg == 0) {
        reply_syntax_error(c);
        return -1;
    }
    if (group && a->group_arg == 0) {
        reply_error(&c->out, "ERR Missing GROUP option for XREADGROUP");
        return -1;
    }
    return 0;
}

static bool key_holds_other_type(struct conn *c, const struct util_arg *key)
{
    struct object *o = db_lookup(c->srv, c->db, key->ptr, key->len,
                                 DB_LOOKUP_NOSTATS | DB_LOOKUP_NOTOUCH);
    return o && o->type != &stream_object_type;
}

/* A blocked XREAD re-run while one of its keys holds another type (a SET
 * over the stream, or a key it waited for made as a string).  Redis 7.2+
 * wakes an XREAD waiter only for a stream, so the client waits on; but
 * when another key has entries for it, the command runs again and meets
 * the WRONGTYPE (Redis's "Blocking XREAD: key type changed with SET"). */
static void xread_rerun_wrongtype(struct conn *c, int streams_arg, int nstreams,
                                  const struct stream_id *ids, const bool *last_entry,
                                  long long timeout)
{
    for (int k = 0; k < nstreams; k++) {
        const struct util_arg *key = &c->argv[streams_arg + k];
        struct object *o = db_lookup(c->srv, c->db, key->ptr, key->len,
                                     DB_LOOKUP_NOSTATS | DB_LOOKUP_NOTOUCH);
        if (!o || o->type != &stream_object_type)
            continue;
        const struct stream *s = o->ptr;
        if (!s->length)
            continue;
        struct stream_id last;
        stream_last_entry(s, &last);
        if (last_entry[k] || stream_id_cmp(&last, &ids[k]) > 0) {
            reply_error(&c->out, WRONGTYPE);
            return;
        }
    }
    int *keys = mem_alloc(sizeof(int) * (size_t)nstreams);
    for (int k = 0; k < nstreams; k++)
        keys[k] = streams_arg + k;
    block_for_keys(c, keys, nstreams, timeout);
    mem_free(keys);
}

void cmd_xread(struct conn *c)
{
    struct read_args a;
    if (read_args_parse_or_reply(c, false, &a) < 0)
        return;
    long long count = a.count, timeout = a.timeout;
    struct read_budget budget = {a.maxcount, a.maxsize};
    int streams_arg = a.streams_arg, nstreams = a.nstreams;
    /* Resolve every ID first: "$" is the stream's last ID now, "+" (Redis
     * 7.4) asks for the last entry itself. */
    struct stream_id *ids = mem_alloc(sizeof(*ids) * (size_t)nstreams);
    bool *last_entry = mem_calloc(sizeof(bool) * (size_t)nstreams);
    bool other_type = false; /* a re-run met a key of another type */
    for (int k = 0; k < nstreams; k++) {
        const struct util_arg *key = &c->argv[streams_arg + k];
        const struct util_arg *ida = &c->argv[streams_arg + nstreams + k];
        struct stream *s = NULL;
        if (block_rerunning(c) && key_holds_other_type(c, key)) {
            other_type = true;
        } else {
            int wrongtype;
            /* Counted: Redis 7.0 looks every key up here and again when
             * serving (two hits or misses per key). */
            s = stream_lookup(c, key, 0, &wrongtype);
            if (wrongtype)
                goto done;
        }
        if (ida->len == 1 && ida->ptr[0] == '$') {
            ids[k] = s ? s->last_id : STREAM_ID_MIN;
            continue;
        }
        if (ida->len == 1 && ida->ptr[0] == '+') {
            last_entry[k] = true;
            ids[k] = STREAM_ID_MIN;
            continue;
        }
        if (ida->len == 1 && ida->ptr[0] == '>') {
            reply_error(&c->out, "ERR The > ID can be specified only when calling XREADGROUP "
                                 "using the GROUP <group> <consumer> option.");
            goto done;
        }
        struct stream_id_spec spec;
        if (parse_strict_id_or_reply(c, ida, 0, &spec) < 0)
            goto done;
        ids[k] = spec.id;
    }
    if (other_type) {
        xread_rerun_wrongtype(c, streams_arg, nstreams, ids, last_entry, timeout);
        goto done;
    }

    size_t handle = 0;
    long served = 0;
    for (int k = 0; k < nstreams; k++) {
        const struct util_arg *key = &c->argv[streams_arg + k];
        int wrongtype;
        struct stream *s = stream_lookup(c, key, 0, &wrongtype);
        if (!s || !s->length)
            continue;
        if (read_budget_spent(&budget))
            break;
        struct stream_id last;
        stream_last_entry(s, &last);
        struct stream_id start = ids[k];
        if (last_entry[k]) {
            start = last;
        } else {
            if (stream_id_cmp(&last, &ids[k]) <= 0)
                continue;
            stream_id_incr(&start);
        }
        if (served++ == 0)
            handle = reply_defer(&c->out);
        if (c->resp == 2)
            reply_array(&c->out, 2);
        reply_bulk(&c->out, key->ptr, key->len);
        reply_read_range(&c->out, s, &start, last_entry[k] ? 1 : count, &budget);
    }
    if (served) {
        if (c->resp == 2)
            reply_defer_array(&c->out, handle, served);
        else
            reply_defer_map(&c->out, handle, served);
    } else if (timeout >= 0 && !(c->flags & CONN_IN_EXEC)) {
        /* Nothing to read: wait for a write to any of the keys (inside
         * MULTI a blocking read is a plain one, as in Redis). */
        int *keys = mem_alloc(sizeof(int) * (size_t)nstreams);
        for (int k = 0; k < nstreams; k++)
            keys[k] = streams_arg + k;
        bool rerun = block_rerunning(c);
        block_for_keys(c, keys, nstreams, timeout);
        mem_free(keys);
        /* "$" and "+" stand for the last ID as of now: the re-run must
         * read what arrives after it, not what will be last then. */
        for (int k = 0; k < nstreams && !rerun; k++) {
            const struct util_arg *ida = &c->argv[streams_arg + nstreams + k];
            if (ida->len != 1 || (ida->ptr[0] != '$' && ida->ptr[0] != '+'))
                continue;
            int wrongtype;
            struct stream *s = stream_lookup(c, &c->argv[streams_arg + k],
                                             DB_LOOKUP_NOSTATS, &wrongtype);
            struct stream_id last = s ? s->last_id : STREAM_ID_MIN;
            char buf[STREAM_ID_STR_MAX];
            block_rewrite_arg(c, streams_arg + nstreams + k, buf,
                              stream_id_format(&last, buf, sizeof(buf)));
        }
    } else {
        reply_null_array(&c->out);
    }
done:
    mem_free(ids);
    mem_free(last_entry);
}

/* --- XSETID ------------------------------------------------------------------ */

void cmd_xsetid(struct conn *c)
{
    struct stream_id_spec spec;
    if (parse_strict_id_or_reply(c, &c->argv[2], 0, &spec) < 0)
        return;
    struct stream_id id = spec.id, max_del = STREAM_ID_MIN;
    long long entries_added = -1;
    for (int i = 3; i < c->argc;) {
        int more = c->argc - 1 - i;
        const struct util_arg *o = &c->argv[i];
        if (util_eq_nocase(o->ptr, o->len, "entriesadded") && more) {
            if (arg_ll_or_reply(c, i + 1, &entries_added) < 0)
                return;
            if (entries_added < 0) {
                reply_error(&c->out, "ERR entries_added must be positive");
                return;
            }
            i += 2;
        } else if (util_eq_nocase(o->ptr, o->len, "maxdeletedid") && more) {
            struct stream_id_spec ms;
            if (parse_strict_id_or_reply(c, &c->argv[i + 1], 0, &ms) < 0)
                return;
            if (stream_id_cmp(&id, &ms.id) < 0) {
                reply_error(&c->out, "ERR The ID specified in XSETID is smaller than the "
                                     "provided max_deleted_entry_id");
                return;
            }
            max_del = ms.id;
            i += 2;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    const struct util_arg *key = &c->argv[1];
    int wrongtype;
    struct stream *s = stream_lookup(c, key, DB_LOOKUP_WRITE, &wrongtype);
    if (wrongtype)
        return;
    if (!s) {
        reply_error(&c->out, "ERR no such key");
        return;
    }
    /* Redis 7.2+ refuses a last ID below the greatest deleted ID (7.0 took
     * it: named difference xsetid-max-deleted).  A fake client (AOF
     * replay) keeps 7.0's leniency: a stream loaded from 7.0 data can have
     * such a last ID, and the AOF base writes it as a last XSETID. */
    int rc = (c->flags & CONN_FAKE) ? stream_set_last_id(s, &id, entries_added, &max_del)
                                    : stream_setid(s, &id, entries_added, &max_del);
    if (rc == STREAM_ERR_BELOW_MAX_DELETED) {
        reply_error(&c->out, "ERR The ID specified in XSETID is smaller than current "
                             "max_deleted_entry_id");
        return;
    }
    if (rc == STREAM_ERR_ID_TOO_SMALL) {
        reply_error(&c->out,
                    "ERR The ID specified in XSETID is smaller than the target stream top item");
        return;
    }
    if (rc == STREAM_ERR_ENTRIES_ADDED) {
        reply_error(&c->out, "ERR The entries_added specified in XSETID is smaller than the "
                             "target stream length");
        return;
    }
    if (rc != 0) {
        reply_error(&c->out, "ERR The ID specified in XSETID is smaller than the provided "
                             "max_deleted_entry_id");
        return;
    }
    char buf[STREAM_ID_STR_MAX];
    c->srv->dirty++;
    struct effect *e = server_effect(c->srv, c->db->id);
    effect_arg_cstr(e, "XSETID");
    effect_arg(e, key->ptr, key->len);
    effect_arg(e, buf, stream_id_format(&s->last_id, buf, sizeof(buf)));
    effect_arg_cstr(e, "ENTRIESADDED");
    effect_arg_ll(e, (long long)s->entries_added);
    /* A last ID below the greatest deleted one (only a replay sets it)
     * keeps max-deleted-entry-id as it is; naming it would fail on replay. */
    if (stream_id_cmp(&s->max_deleted_id, &s->last_id) <= 0) {
        effect_arg_cstr(e, "MAXDELETEDID");
        effect_arg(e, buf, stream_id_format(&s->max_deleted_id, buf, sizeof(buf)));
    }
    server_key_modified(c->srv, c->db, key->ptr, key->len);
    notify_key(c, NOTIFY_STREAM, "xsetid", key);
    reply_ok(&c->out);
}

/* --- XCFGSET, XIDMPRECORD (Redis 8.6, 8.8) ----------------------------------- */

/* XCFGSET key [IDMP-DURATION seconds] [IDMP-MAXSIZE count]: the bounds of
 * the stream's IDMP map.  New values clear every producer's iids; the same
 * values change nothing.  Errors (Redis's docs and tests): no parameter,
 * a keyword without its value or an unknown word (syntax), a value that is
 * not an integer, out of range, no such key. */
void cmd_xcfgset(struct conn *c)
{
    long long duration = -1, maxsize = -1;
    if (c->argc == 2) {
        reply_error(&c->out, "ERR At least one parameter must be specified: IDMP-DURATION or "
                             "IDMP-MAXSIZE");
        return;
    }
    for (int i = 2; i < c->argc; i += 2) {
        const struct util_arg *o = &c->argv[i];
        bool is_duration = util_eq_nocase(o->ptr, o->len, "idmp-duration");
        if ((!is_duration && !util_eq_nocase(o->ptr, o->len, "idmp-maxsize")) ||
            i + 1 >= c->argc) {
            reply_syntax_error(c);
            return;
        }
        long long v;
        if (arg_ll_or_reply(c, i + 1, &v) < 0)
            return;
        if (is_duration) {
            if (v < STREAM_IDMP_DURATION_MIN || v > STREAM_IDMP_DURATION_MAX) {
                reply_error(&c->out, "ERR IDMP-DURATION must be between 1 and 86400 seconds");
                return;
            }
            duration = v;
        } else {
            if (v < STREAM_IDMP_MAXSIZE_MIN || v > STREAM_IDMP_MAXSIZE_MAX) {
                reply_error(&c->out, "ERR IDMP-MAXSIZE must be between 1 and 10000 entries");
                return;
            }
            maxsize = v;
        }
    }
    const struct util_arg *key = &c->argv[1];
    int wrongtype;
    struct stream *s = stream_lookup(c, key, DB_LOOKUP_WRITE, &wrongtype);
    if (wrongtype)
        return;
    if (!s) {
        reply_error(&c->out, "ERR no such key");
        return;
    }
    bool created = idmp_of(s) == NULL;
    struct stream_idmp *m = idmp_attach(c, s);
    if (duration < 0)
        duration = stream_idmp_duration(m);
    if (maxsize < 0)
        maxsize = stream_idmp_maxsize(m);
    int changed = stream_idmp_configure(m, (uint32_t)duration, (uint32_t)maxsize);
    assert(changed >= 0);
    if (changed || created) {
        /* Both bounds, resolved: replay does not depend on the defaults. */
        c->srv->dirty++;
        struct effect *e = server_effect(c->srv, c->db->id);
        effect_arg_cstr(e, "XCFGSET");
        effect_arg(e, key->ptr, key->len);
        effect_arg_cstr(e, "IDMP-DURATION");
        effect_arg_ll(e, duration);
        effect_arg_cstr(e, "IDMP-MAXSIZE");
        effect_arg_ll(e, maxsize);
        server_key_modified(c->srv, c->db, key->ptr, key->len);
    }
    reply_ok(&c->out);
}

/* XIDMPRECORD key pid iid stream-id: record that (pid, iid) added the
 * existing entry stream-id.  Redis 8.8 uses it to replay the IDMP map from
 * the AOF; here it is also the effect of an XADD with IDMP.  OK when the
 * pair already maps to that entry; errors for a missing key, an entry that
 * does not exist, an empty pid or iid, a pair that maps to another entry. */
void cmd_xidmprecord(struct conn *c)
{
    const struct util_arg *key = &c->argv[1], *pid = &c->argv[2], *iid = &c->argv[3];
    struct stream_id_spec spec;
    if (parse_strict_id_or_reply(c, &c->argv[4], 0, &spec) < 0)
        return;
    int wrongtype;
    struct stream *s = stream_lookup(c, key, DB_LOOKUP_WRITE, &wrongtype);
    if (wrongtype)
        return;
    if (!s) {
        reply_error(&c->out, "ERR no such key");
        return;
    }
    if (!stream_has_entry(s, &spec.id)) {
        reply_error(&c->out, "ERR The stream ID does not refer to an existing entry");
        return;
    }
    if (pid->len == 0 || iid->len == 0) {
        reply_error(&c->out, pid->len == 0 ? "ERR IDMP requires a non-empty producer ID"
                                           : "ERR IDMP requires a non-empty idempotent ID");
        return;
    }
    bool created = idmp_of(s) == NULL;
    struct stream_idmp *m = idmp_attach(c, s);
    int rc = stream_idmp_record(m, pid->ptr, pid->len, iid->ptr, iid->len, &spec.id,
                                (uint64_t)server_mstime(c->srv));
    if (rc == STREAM_IDMP_ERR_CONFLICT) {
        reply_error(&c->out, "ERR The producer ID and idempotent ID already map to another "
                             "stream ID");
        return;
    }
    if (rc == 0) {
        c->srv->dirty++;
        if (created)
            effect_idmp_bounds(c, key, m);
        command_effect_verbatim(c);
        server_key_modified(c->srv, c->db, key->ptr, key->len);
    }
    reply_ok(&c->out);
}

/* --- XINFO ------------------------------------------------------------------ */

void cmd_xinfo_help(struct conn *c)
{
    static const char *const lines[] = {
        "CONSUMERS <key> <groupname>",
        "    Show consumers of <groupname>.",
        "GROUPS <key>",
        "    Show the stream consumer groups.",
        "STREAM <key> [FULL [COUNT <count>]",
        "    Show information about the stream.",
        NULL,
    };
    reply_help(c, lines);
}

static void reply_first_or_last(struct conn *c, const struct stream *s, bool last)
{
    struct stream_id lo = STREAM_ID_MIN, hi = STREAM_ID_MAX;
    struct stream_iter it;
    stream_iter_start(&it, s, &lo, &hi, last);
    if (stream_iter_next(&it))
        reply_stream_entry(&c->out, &it.id, it.fv, it.npairs);
    else
        reply_null(&c->out);
    stream_iter_stop(&it);
}

void cmd_xinfo_stream(struct conn *c)
{
    bool full = false;
    long long count = 10;
    /* Redis answers any other shape as an unknown subcommand of XINFO. */
    static const char BAD_SHAPE[] = "ERR unknown subcommand or wrong number of arguments for "
                                    "'STREAM'. Try XINFO HELP.";
    if (c->argc > 3) {
        if (!util_eq_nocase(c->argv[3].ptr, c->argv[3].len, "full") ||
            (c->argc != 4 && c->argc != 6)) {
            reply_error(&c->out, BAD_SHAPE);
            return;
        }
        full = true;
        if (c->argc == 6) {
            if (!util_eq_nocase(c->argv[4].ptr, c->argv[4].len, "count")) {
                reply_error(&c->out, BAD_SHAPE);
                return;
            }
            if (arg_ll_or_reply(c, 5, &count) < 0)
                return;
            if (count < 0)
                count = 10;
        }
    }
    int wrongtype;
    struct stream *s = stream_lookup(c, &c->argv[2], DB_LOOKUP_NOTOUCH, &wrongtype);
    if (wrongtype)
        return;
    if (!s) {
        reply_error(&c->out, "ERR no such key");
        return;
    }
    /* Redis 8.6 adds the IDMP fields, on every stream: a stream without a
     * map shows the bounds a map would start with and zero counts. */
    struct stream_idmp *m = idmp_of(s);
    struct stream_idmp_stats st = {0};
    long long duration = c->srv->cfg.stream_idmp_duration;
    long long maxsize = c->srv->cfg.stream_idmp_maxsize;
    if (m) {
        stream_idmp_expire(m, (uint64_t)server_mstime(c->srv));
        stream_idmp_stats(m, &st);
        duration = stream_idmp_duration(m);
        maxsize = stream_idmp_maxsize(m);
    }
    reply_map(&c->out, (full ? 9 : 10) + 6);
    reply_bulk_cstr(&c->out, "length");
    reply_int(&c->out, (long long)s->length);
    reply_bulk_cstr(&c->out, "radix-tree-keys");
    reply_int(&c->out, (long long)stream_node_count(s));
    reply_bulk_cstr(&c->out, "radix-tree-nodes");
    reply_int(&c->out, (long long)stream_index_node_count(s));
    reply_bulk_cstr(&c->out, "last-generated-id");
    reply_stream_id(c, &s->last_id);
    reply_bulk_cstr(&c->out, "max-deleted-entry-id");
    reply_stream_id(c, &s->max_deleted_id);
    reply_bulk_cstr(&c->out, "entries-added");
    reply_int(&c->out, (long long)s->entries_added);
    reply_bulk_cstr(&c->out, "recorded-first-entry-id");
    reply_stream_id(c, &s->first_id);
    reply_bulk_cstr(&c->out, "idmp-duration");
    reply_int(&c->out, duration);
    reply_bulk_cstr(&c->out, "idmp-maxsize");
    reply_int(&c->out, maxsize);
    reply_bulk_cstr(&c->out, "pids-tracked");
    reply_int(&c->out, (long long)st.pids_tracked);
    reply_bulk_cstr(&c->out, "iids-tracked");
    reply_int(&c->out, (long long)st.iids_tracked);
    reply_bulk_cstr(&c->out, "iids-added");
    reply_int(&c->out, (long long)st.iids_added);
    reply_bulk_cstr(&c->out, "iids-duplicates");
    reply_int(&c->out, (long long)st.iids_duplicates);
    if (!full) {
        reply_bulk_cstr(&c->out, "groups");
        reply_int(&c->out, (long long)stream_group_count(s));
        reply_bulk_cstr(&c->out, "first-entry");
        reply_first_or_last(c, s, false);
        reply_bulk_cstr(&c->out, "last-entry");
        reply_first_or_last(c, s, true);
        return;
    }
    reply_bulk_cstr(&c->out, "entries");
    struct stream_id lo = STREAM_ID_MIN, hi = STREAM_ID_MAX;
    reply_stream_range(&c->out, s, &lo, &hi, count, false);
    reply_bulk_cstr(&c->out, "groups");
    group_reply_full_groups(c, s, count);
}
