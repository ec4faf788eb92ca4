/* cmd_group.c -- consumer groups, part one: XGROUP (CREATE, SETID,
 * DESTROY, CREATECONSUMER, DELCONSUMER, HELP), XREADGROUP, XACK, XPENDING,
 * XINFO GROUPS / CONSUMERS and XINFO STREAM FULL's groups; the helpers the
 * claim family (cmd_group_claim.c) shares.
 *
 * Argument parsing and replies only: the engine (stream_group.h) keeps the
 * groups.  Errors and their order follow Redis (t_stream.c): Redis 7.0's
 * texts where 7.0 has the command, the newest Redis's rules for what came
 * later (CLAIM, nacked records, clamped ENTRIESREAD, XINFO's inactive and
 * active-time, the NOGROUP error a blocked reader gets when its key or
 * group goes away -- the command is simply re-run, as Redis 7.2+ does).
 *
 * Effects replay exactly: XREADGROUP becomes one XCLAIM ... TIME RETRYCOUNT
 * FORCE JUSTID LASTID per record it created or touched, plus XGROUP SETID
 * for the group's position, as Redis propagates it; "$" is resolved to an
 * ID; everything else is emitted as given.  A consumer whose seen or
 * active time a command set gets one annotation after the command's other
 * effects (aof_annotation.h), since replay would give it the load time.
 * Group changes do not touch WATCH (Redis's keyModified without signal);
 * the commands that can unblock a reader (XGROUP DESTROY, XNACK) wake the
 * waiters. */
#include <stdio.h>
#include <string.h>

#include "aof_annotation.h"
#include "block.h"
#include "cmd_group.h"
#include "cmd_stream.h"
#include "command.h"
#include "conn.h"
#include "handlers.h"
#include "mem.h"
#include "notify.h"
#include "server.h"
#include "util.h"

static const char WRONGTYPE[] = "WRONGTYPE Operation against a key holding the wrong kind of value";
static const char INVALID_ID[] = "ERR Invalid stream ID specified as stream command argument";
static const char NEED_KEY[] = "ERR The XGROUP subcommand requires the key to exist. Note that "
                               "for CREATE you may want to use the MKSTREAM option to create an "
                               "empty stream automatically.";

/* --- Shared helpers ------------------------------------------------------- */

struct stream *group_lookup_stream(struct conn *c, const struct util_arg *key, bool write,
                                   int *wrongtype)
{
    *wrongtype = 0;
    int flags = write ? (DB_LOOKUP_WRITE | DB_LOOKUP_NOSTATS) : 0;
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

int group_parse_id_or_reply(struct conn *c, const struct util_arg *a, struct stream_id *out)
{
    struct stream_id_spec spec;
    if (stream_id_parse(a->ptr, a->len, 0, &spec) != 0) {
        reply_error(&c->out, INVALID_ID);
        return -1;
    }
    *out = spec.id;
    return 0;
}

int group_parse_bound_or_reply(struct conn *c, const struct util_arg *a, bool is_end,
                               struct stream_id *out)
{
    struct stream_id_spec spec;
    unsigned flags = STREAM_ID_ALLOW_MINMAX | STREAM_ID_ALLOW_EXCL | (is_end ? STREAM_ID_SEQ_MAX : 0);
    if (stream_id_parse(a->ptr, a->len, flags, &spec) != 0) {
        reply_error(&c->out, INVALID_ID);
        return -1;
    }
    *out = spec.id;
    if (spec.exclusive && (is_end ? stream_id_decr(out) : stream_id_incr(out)) != 0) {
        reply_error(&c->out, is_end ? "ERR invalid end ID for the interval"
                                    : "ERR invalid start ID for the interval");
        return -1;
    }
    return 0;
}

void group_reply_id(struct reply_buf *r, const struct stream_id *id)
{
    char buf[STREAM_ID_STR_MAX];
    reply_bulk(r, buf, stream_id_format(id, buf, sizeof(buf)));
}

bool group_reply_entry(struct reply_buf *r, const struct stream *s, const struct stream_id *id)
{
    struct stream_iter it;
    stream_iter_start(&it, s, id, id, false);
    bool found = stream_iter_next(&it);
    if (found)
        reply_stream_entry(r, &it.id, it.fv, it.npairs);
    stream_iter_stop(&it);
    return found;
}

/* Add an ID word to an effect. */
static void effect_arg_id(struct effect *e, const struct stream_id *id)
{
    char buf[STREAM_ID_STR_MAX];
    effect_arg(e, buf, stream_id_format(id, buf, sizeof(buf)));
}

void group_effect_xclaim(struct conn *c, const struct util_arg *key, const struct stream_group *g,
                         const struct stream_pending *p)
{
    struct effect *e = server_effect(c->srv, c->db->id);
    effect_arg_cstr(e, "XCLAIM");
    effect_arg(e, key->ptr, key->len);
    effect_arg(e, g->name, g->name_len);
    effect_arg(e, p->owner->name, p->owner->name_len);
    effect_arg_cstr(e, "0");
    effect_arg_id(e, &p->id);
    effect_arg_cstr(e, "TIME");
    effect_arg_ll(e, p->delivery_time);
    effect_arg_cstr(e, "RETRYCOUNT");
    effect_arg_ll(e, (long long)p->delivery_count);
    effect_arg_cstr(e, "FORCE");
    effect_arg_cstr(e, "JUSTID");
    effect_arg_cstr(e, "LASTID");
    effect_arg_id(e, &g->last_id);
}

void group_effect_setid(struct conn *c, const struct util_arg *key, const struct stream_group *g)
{
    struct effect *e = server_effect(c->srv, c->db->id);
    effect_arg_cstr(e, "XGROUP");
    effect_arg_cstr(e, "SETID");
    effect_arg(e, key->ptr, key->len);
    effect_arg(e, g->name, g->name_len);
    effect_arg_id(e, &g->last_id);
    effect_arg_cstr(e, "ENTRIESREAD");
    effect_arg_ll(e, g->entries_read);
}

void group_effect_xack(struct conn *c, const struct util_arg *key, const struct stream_group *g,
                       const struct stream_id *id)
{
    struct effect *e = server_effect(c->srv, c->db->id);
    effect_arg_cstr(e, "XACK");
    effect_arg(e, key->ptr, key->len);
    effect_arg(e, g->name, g->name_len);
    effect_arg_id(e, id);
}


/* XGROUP CREATECONSUMER key group name, for a consumer a command made. */
static void effect_createconsumer(struct conn *c, const struct util_arg *key,
                                  const struct stream_group *g, const struct stream_consumer *cons)
{
    c->srv->dirty++; /* creating a consumer is a change (Redis 7.2+) */
    struct effect *e = server_effect(c->srv, c->db->id);
    effect_arg_cstr(e, "XGROUP");
    effect_arg_cstr(e, "CREATECONSUMER");
    effect_arg(e, key->ptr, key->len);
    effect_arg(e, g->name, g->name_len);
    effect_arg(e, cons->name, cons->name_len);
    notify_key(c, NOTIFY_STREAM, "xgroup-createconsumer", key);
}

void group_signal_waiters(struct conn *c, const struct util_arg *key)
{
    block_signal_key(c->srv, c->db, key->ptr, key->len);
}

int group_parse_refs_ids_or_reply(struct conn *c, int start, enum stream_ref_policy *policy,
                                  int *ids_at, long *numids)
{
    bool policy_given = false;
    *policy = STREAM_REFS_KEEP;
    *ids_at = -1;
    *numids = 0;
    int j = start;
    while (j < c->argc) {
        const struct util_arg *o = &c->argv[j];
        if (!policy_given && util_eq_nocase(o->ptr, o->len, "keepref")) {
            *policy = STREAM_REFS_KEEP;
            policy_given = true;
            j++;
        } else if (!policy_given && util_eq_nocase(o->ptr, o->len, "delref")) {
            *policy = STREAM_REFS_DELETE;
            policy_given = true;
            j++;
        } else if (!policy_given && util_eq_nocase(o->ptr, o->len, "acked")) {
            *policy = STREAM_REFS_ACKED;
            policy_given = true;
            j++;
        } else if (util_eq_nocase(o->ptr, o->len, "ids") && j + 1 < c->argc) {
            long long n;
            if (!util_str_to_ll(c->argv[j + 1].ptr, c->argv[j + 1].len, &n) || n < 1) {
                reply_error(&c->out, "ERR Number of IDs must be a positive integer");
                return -1;
            }
            if (n > c->argc - j - 2) {
                reply_error(&c->out, "ERR The `numids` parameter must match the number of "
                                     "arguments");
                return -1;
            }
            *numids = (long)n;
            *ids_at = j + 2;
            j = *ids_at + (int)n;
        } else {
            reply_syntax_error(c);
            return -1;
        }
    }
    if (*ids_at < 0) {
        reply_error(&c->out, "ERR IDS option is required");
        return -1;
    }
    return 0;
}

struct stream_group *group_lookup_or_nogroup(struct conn *c, const struct util_arg *key,
                                             const struct util_arg *gname, bool write,
                                             struct stream **sp)
{
    int wrongtype;
    struct stream *s = group_lookup_stream(c, key, write, &wrongtype);
    *sp = s;
    if (wrongtype)
        return NULL;
    struct stream_group *g = s ? stream_group_find(s, gname->ptr, gname->len) : NULL;
    if (!g)
        reply_errorf(&c->out, "NOGROUP No such key '%.*s' or consumer group '%.*s'",
                     (int)key->len, key->ptr, (int)gname->len, gname->ptr);
    return g;
}

/* --- XGROUP ------------------------------------------------------------------- */

void cmd_xgroup_help(struct conn *c)
{
    static const char *const lines[] = {
        "CREATE <key> <groupname> <id|$> [option]",
        "    Create a new consumer group. Options are:",
        "    * MKSTREAM",
        "      Create the empty stream if it does not exist.",
        "    * ENTRIESREAD entries_read",
        "      Set the group's entries_read counter (internal use).",
        "CREATECONSUMER <key> <groupname> <consumer>",
        "    Create a new consumer in the specified group.",
        "DELCONSUMER <key> <groupname> <consumer>",
        "    Remove the specified consumer.",
        "DESTROY <key> <groupname>",
        "    Remove the specified group.",
        "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
        "    Set the current group ID and entries_read counter.",
        NULL,
    };
    reply_help(c, lines);
}

/* Redis's addReplySubcommandSyntaxError for XGROUP: the subcommand as typed. */
static void reply_xgroup_syntax(struct conn *c)
{
    reply_errorf(&c->out, "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try "
                          "XGROUP HELP.",
                 (int)c->argv[1].len, c->argv[1].ptr);
}

/* The common head of every XGROUP subcommand with a key and a group:
 * options from argv[5] (CREATE: MKSTREAM, ENTRIESREAD; SETID: ENTRIESREAD),
 * the key (which must exist unless MKSTREAM) and, unless create, the group.
 * Returns -1 after replying. */
struct xgroup_args {
    bool create, setid, mkstream;
    long long entries_read;
    struct stream *s;
    struct stream_group *g;
};

static int xgroup_prepare_or_reply(struct conn *c, struct xgroup_args *a)
{
    memset(a, 0, sizeof(*a));
    a->entries_read = STREAM_ENTRIES_READ_INVALID;
    const struct util_arg *sub = &c->argv[1];
    a->create = util_eq_nocase(sub->ptr, sub->len, "create");
    a->setid = util_eq_nocase(sub->ptr, sub->len, "setid");
    for (int i = 5; i < c->argc;) {
        const struct util_arg *o = &c->argv[i];
        if (a->create && util_eq_nocase(o->ptr, o->len, "mkstream")) {
            a->mkstream = true;
            i++;
        } else if ((a->create || a->setid) && util_eq_nocase(o->ptr, o->len, "entriesread") &&
                   i + 1 < c->argc) {
            if (arg_ll_or_reply(c, i + 1, &a->entries_read) < 0)
                return -1;
            if (a->entries_read < 0 && a->entries_read != STREAM_ENTRIES_READ_INVALID) {
                reply_error(&c->out, "ERR value for ENTRIESREAD must be positive or -1");
                return -1;
            }
            i += 2;
        } else {
            reply_xgroup_syntax(c);
            return -1;
        }
    }
    int wrongtype;
    a->s = group_lookup_stream(c, &c->argv[2], true, &wrongtype);
    if (wrongtype)
        return -1;
    if (a->mkstream)
        return 0;
    if (!a->s) {
        reply_error(&c->out, NEED_KEY);
        return -1;
    }
    const struct util_arg *gname = &c->argv[3];
    a->g = stream_group_find(a->s, gname->ptr, gname->len);
    if (!a->g && !a->create && !util_eq_nocase(sub->ptr, sub->len, "destroy")) {
        reply_errorf(&c->out, "NOGROUP No such consumer group '%.*s' for key name '%.*s'",
                     (int)gname->len, gname->ptr, (int)c->argv[2].len, c->argv[2].ptr);
        return -1;
    }
    return 0;
}

/* XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n] */
void cmd_xgroup_create(struct conn *c)
{
    struct xgroup_args a;
    if (xgroup_prepare_or_reply(c, &a) < 0)
        return;
    if (c->argc > 8) {
        reply_xgroup_syntax(c);
        return;
    }
    const struct util_arg *key = &c->argv[2], *gname = &c->argv[3], *ida = &c->argv[4];
    struct stream_id id = STREAM_ID_MIN;
    if (ida->len == 1 && ida->ptr[0] == '$') {
        if (a.s)
            id = a.s->last_id;
    } else if (group_parse_id_or_reply(c, ida, &id) < 0) {
        return;
    }
    bool created_key = false;
    if (!a.s) {
        /* MKSTREAM, now that nothing can fail. */
        const struct config *cfg = &c->srv->cfg;
        a.s = stream_new((size_t)cfg->stream_node_max_bytes, (size_t)cfg->stream_node_max_entries);
        db_add(c->db, key->ptr, key->len,
               object_new(&stream_object_type, a.s, c->srv->lru_clock));
        notify_key(c, NOTIFY_NEW, "new", key);
        created_key = true;
    }
    struct stream_group *g =
        stream_group_create(a.s, gname->ptr, gname->len, &id, a.entries_read);
    if (!g) {
        reply_error(&c->out, "BUSYGROUP Consumer Group name already exists");
        return;
    }
    c->srv->dirty++;
    struct effect *e = server_effect(c->srv, c->db->id);
    effect_arg_cstr(e, "XGROUP");
    effect_arg_cstr(e, "CREATE");
    effect_arg(e, key->ptr, key->len);
    effect_arg(e, gname->ptr, gname->len);
    effect_arg_id(e, &g->last_id);
    if (created_key)
        effect_arg_cstr(e, "MKSTREAM");
    effect_arg_cstr(e, "ENTRIESREAD");
    effect_arg_ll(e, g->entries_read);
    if (created_key)
        server_key_modified(c->srv, c->db, key->ptr, key->len);
    notify_key(c, NOTIFY_STREAM, "xgroup-create", key);
    reply_ok(&c->out);
}

/* XGROUP SETID key group id|$ [ENTRIESREAD n] */
void cmd_xgroup_setid(struct conn *c)
{
    struct xgroup_args a;
    if (xgroup_prepare_or_reply(c, &a) < 0)
        return;
    if (c->argc != 5 && c->argc != 7) {
        reply_xgroup_syntax(c);
        return;
    }
    const struct util_arg *ida = &c->argv[4];
    struct stream_id id;
    if (ida->len == 1 && ida->ptr[0] == '$') {
        id = a.s->last_id;
    } else {
        /* Unlike CREATE, SETID takes "-" and "+" (Redis parses it loosely). */
        struct stream_id_spec spec;
        if (stream_id_parse(ida->ptr, ida->len, STREAM_ID_ALLOW_MINMAX, &spec) != 0) {
            reply_error(&c->out, INVALID_ID);
            return;
        }
        id = spec.id;
    }
    stream_group_set_id(a.s, a.g, &id, a.entries_read);
    c->srv->dirty++;
    group_effect_setid(c, &c->argv[2], a.g);
    notify_key(c, NOTIFY_STREAM, "xgroup-setid", &c->argv[2]);
    reply_ok(&c->out);
}

/* XGROUP DESTROY key group: 1 when it existed. */
void cmd_xgroup_destroy(struct conn *c)
{
    struct xgroup_args a;
    if (xgroup_prepare_or_reply(c, &a) < 0)
        return;
    if (!a.g) {
        reply_int(&c->out, 0);
        return;
    }
    stream_group_destroy(a.s, a.g->name, a.g->name_len);
    c->srv->dirty++;
    command_effect_verbatim(c);
    /* Readers blocked on this group re-run and get NOGROUP. */
    group_signal_waiters(c, &c->argv[2]);
    notify_key(c, NOTIFY_STREAM, "xgroup-destroy", &c->argv[2]);
    reply_int(&c->out, 1);
}

/* XGROUP CREATECONSUMER key group name: 1 when created. */
void cmd_xgroup_createconsumer(struct conn *c)
{
    struct xgroup_args a;
    if (xgroup_prepare_or_reply(c, &a) < 0)
        return;
    const struct util_arg *name = &c->argv[4];
    struct stream_consumer *cons =
        stream_consumer_create(a.g, name->ptr, name->len, server_mstime(c->srv));
    if (cons) {
        c->srv->dirty++;
        command_effect_verbatim(c);
        aof_annotate_consumer(c->srv, c->db->id, c->argv[2].ptr, c->argv[2].len, a.g, cons);
        notify_key(c, NOTIFY_STREAM, "xgroup-createconsumer", &c->argv[2]);
    }
    reply_int(&c->out, cons ? 1 : 0);
}

/* XGROUP DELCONSUMER key group name: the pending records it had. */
void cmd_xgroup_delconsumer(struct conn *c)
{
    struct xgroup_args a;
    if (xgroup_prepare_or_reply(c, &a) < 0)
        return;
    const struct util_arg *name = &c->argv[4];
    struct stream_consumer *cons = stream_consumer_find(a.g, name->ptr, name->len);
    long long pending = 0;
    if (cons) {
        pending = (long long)stream_consumer_delete(a.g, cons);
        c->srv->dirty++;
        command_effect_verbatim(c);
        notify_key(c, NOTIFY_STREAM, "xgroup-delconsumer", &c->argv[2]);
    }
    reply_int(&c->out, pending);
}

/* --- XREADGROUP --------------------------------------------------------------- */

/* One XREADGROUP over one stream: what it serves and how. */
struct xrg_read {
    struct read_budget *budget;
    struct stream *s;
    struct stream_group *g;
    struct stream_consumer *cons;
    const struct util_arg *key;
    struct stream_id after;   /* entries with greater IDs */
    long long count;
    long long min_idle;       /* -1: no CLAIM part */
    bool noack;
    int64_t now;
};

/* The CLAIM part: records idle at least min_idle, idlest first, go to the
 * reader (4-element entries: id, fields, idle, deliveries before this
 * one).  Records whose entry is gone are skipped and stay.  Returns how
 * many were served. */
static long xrg_serve_claimed(struct conn *c, struct xrg_read *r)
{
    struct stream_group *g = r->g;
    uint64_t first_new = g->next_order; /* records claimed now sort after this */
    long n = 0;
    struct index_iter it;
    bool more = index_seek(g->pel_time, &it, INDEX_FIRST, NULL);
    while (more) {
        struct stream_pending *p = it.value;
        if (p->order >= first_new || read_budget_spent(r->budget))
            break;
        int64_t idle = r->now - p->delivery_time;
        if (idle < 0)
            idle = 0;
        if (idle < r->min_idle)
            break;
        struct stream_id key = it.key;
        struct stream_iter si;
        stream_iter_start(&si, r->s, &p->id, &p->id, false);
        if (stream_iter_next(&si)) {
            reply_array(&c->out, 4);
            group_reply_id(&c->out, &si.id);
            reply_array(&c->out, (long)(si.npairs * 2));
            for (size_t k = 0; k < si.npairs * 2; k++)
                reply_bulk(&c->out, si.fv[k].ptr, si.fv[k].len);
            reply_int(&c->out, idle);
            reply_int(&c->out, (long long)p->delivery_count);
            read_budget_charge(r->budget, si.fv, si.npairs);
            stream_pending_count_up(p);
            stream_pel_claim(g, p, r->cons, r->now);
            r->cons->active_time = r->now;
            group_effect_xclaim(c, r->key, g, p);
            n++;
        }
        stream_iter_stop(&si);
        if (r->count && n >= r->count)
            break;
        /* The claim moved p to the end: continue after its old place. */
        more = index_seek(g->pel_time, &it, INDEX_GT, &key);
    }
    return n;
}

/* The ">" part: entries after the group's last ID, delivered now (and
 * recorded as pending unless NOACK).  served counts what the claim part
 * already used of COUNT.  Returns how many entries were added. */
static long xrg_serve_new(struct conn *c, struct xrg_read *r, long served)
{
    struct stream_group *g = r->g;
    struct stream_id start = r->after, end = STREAM_ID_MAX;
    if (stream_id_incr(&start) != 0)
        return 0;
    /* Delivering changes the group, never the stream, so the iterator
     * stays valid. */
    long n = 0;
    bool advanced = false;
    struct stream_iter it;
    stream_iter_start(&it, r->s, &start, &end, false);
    while ((r->count == 0 || served + n < r->count) && !read_budget_spent(r->budget) &&
           stream_iter_next(&it)) {
        read_budget_charge(r->budget, it.fv, it.npairs);
        if (stream_id_cmp(&it.id, &g->last_id) > 0) {
            stream_group_advance(r->s, g, &it.id);
            advanced = true;
        }
        if (r->min_idle >= 0) {
            reply_array(&c->out, 4);
            group_reply_id(&c->out, &it.id);
            reply_array(&c->out, (long)(it.npairs * 2));
            for (size_t k = 0; k < it.npairs * 2; k++)
                reply_bulk(&c->out, it.fv[k].ptr, it.fv[k].len);
            reply_int(&c->out, 0);
            reply_int(&c->out, 0);
        } else {
            reply_stream_entry(&c->out, &it.id, it.fv, it.npairs);
        }
        if (!r->noack) {
            struct stream_pending *p = stream_pel_deliver(g, r->cons, &it.id, r->now);
            r->cons->active_time = r->now;
            group_effect_xclaim(c, r->key, g, p);
        }
        n++;
    }
    stream_iter_stop(&it);
    if (advanced)
        group_effect_setid(c, r->key, g);
    return n;
}

/* A history read: the reader's own pending records after r->after; each
 * delivered again (count up, time now), a deleted entry as [id, nil]. */
static void xrg_serve_history(struct conn *c, struct xrg_read *r)
{
    size_t handle = reply_defer(&c->out);
    long n = 0;
    struct stream_id start = r->after;
    if (stream_id_incr(&start) != 0) {
        reply_defer_array(&c->out, handle, 0);
        return;
    }
    struct index_iter it;
    bool more = index_seek(r->cons->pending, &it, INDEX_GE, &start);
    while (more && (r->count == 0 || n < r->count) && !read_budget_spent(r->budget)) {
        struct stream_pending *p = it.value;
        struct stream_id key = it.key;
        struct stream_iter si;
        stream_iter_start(&si, r->s, &p->id, &p->id, false);
        bool found = stream_iter_next(&si);
        if (found) {
            reply_stream_entry(&c->out, &si.id, si.fv, si.npairs);
            read_budget_charge(r->budget, si.fv, si.npairs);
        } else {
            read_budget_charge(r->budget, NULL, 0);
        }
        stream_iter_stop(&si);
        if (found) {
            stream_pending_count_up(p);
            stream_pel_claim(r->g, p, r->cons, r->now);
            group_effect_xclaim(c, r->key, r->g, p);
        } else {
            reply_array(&c->out, 2);
            group_reply_id(&c->out, &p->id);
            reply_null_array(&c->out);
        }
        n++;
        more = index_seek(r->cons->pending, &it, INDEX_GT, &key);
    }
    reply_defer_array(&c->out, handle, n);
}

/* Is the idlest record whose entry still exists claimable? (Redis's
 * pre-check before serving a CLAIM read.) */
static bool xrg_has_claimable(const struct xrg_read *r)
{
    struct index_iter it;
    for (bool more = index_seek(r->g->pel_time, &it, INDEX_FIRST, NULL); more;
         more = index_next(&it)) {
        const struct stream_pending *p = it.value;
        if (!stream_has_entry(r->s, &p->id))
            continue;
        int64_t idle = r->now - p->delivery_time;
        return idle >= r->min_idle;
    }
    return false;
}

/* When the idlest record whose entry still exists becomes claimable
 * (delivery time + min-idle), or -1 when the group has none. */
static long long xrg_next_claim_time(const struct xrg_read *r)
{
    struct index_iter it;
    for (bool more = index_seek(r->g->pel_time, &it, INDEX_FIRST, NULL); more;
         more = index_next(&it)) {
        const struct stream_pending *p = it.value;
        if (stream_has_entry(r->s, &p->id))
            return (long long)p->delivery_time + r->min_idle;
    }
    return -1;
}

/* A consumer an XREADGROUP touched: its times go to the AOF once, after
 * every other effect of the command (a key may be named twice). */
struct xrg_touched {
    const struct util_arg *key;
    const struct stream_group *g;
    const struct stream_consumer *cons;
};

static void xrg_note_touched(struct xrg_touched *t, int *n, const struct util_arg *key,
                             const struct stream_group *g, const struct stream_consumer *cons)
{
    if (!t)
        return; /* no sink listens */
    for (int i = 0; i < *n; i++)
        if (t[i].cons == cons)
            return;
    t[*n].key = key;
    t[*n].g = g;
    t[*n].cons = cons;
    (*n)++;
}

/* XREADGROUP GROUP g c [COUNT n] [MAXCOUNT n] [MAXSIZE n] [BLOCK ms]
 * [CLAIM min-idle] [NOACK] STREAMS key... id... */
void cmd_xreadgroup(struct conn *c)
{
    struct read_args a;
    if (read_args_parse_or_reply(c, true, &a) < 0)
        return;
    const struct util_arg *gname = &c->argv[a.group_arg];
    const struct util_arg *cname = &c->argv[a.group_arg + 1];
    /* Check every key and ID before serving any (">" is kept as the max ID,
     * the same marker Redis uses). */
    struct stream_id *ids = mem_alloc(sizeof(*ids) * (size_t)a.nstreams);
    bool *history = mem_calloc(sizeof(bool) * (size_t)a.nstreams);
    /* Every read sets its consumer's seen time -- one that delivers
     * nothing, or the history, too -- so each gets an annotation. */
    struct xrg_touched *touched =
        c->srv->effects.discard ? NULL : mem_alloc(sizeof(*touched) * (size_t)a.nstreams);
    int ntouched = 0;
    for (int k = 0; k < a.nstreams; k++) {
        const struct util_arg *key = &c->argv[a.streams_arg + k];
        const struct util_arg *ida = &c->argv[a.streams_arg + a.nstreams + k];
        int wrongtype;
        struct stream *s = group_lookup_stream(c, key, false, &wrongtype);
        if (wrongtype)
            goto done;
        if (!s || !stream_group_find(s, gname->ptr, gname->len)) {
            reply_errorf(&c->out, "NOGROUP No such key '%.*s' or consumer group '%.*s' in "
                                  "XREADGROUP with GROUP option",
                         (int)key->len, key->ptr, (int)gname->len, gname->ptr);
            goto done;
        }
        if (ida->len == 1 && ida->ptr[0] == '$') {
            reply_error(&c->out, "ERR The $ ID is meaningless in the context of XREADGROUP: you "
                                 "want to read the history of this consumer by specifying a "
                                 "proper ID, or use the > ID to get new messages. The $ ID "
                                 "would just return an empty result set.");
            goto done;
        }
        if (ida->len == 1 && ida->ptr[0] == '+') {
            reply_error(&c->out, "ERR The + ID is meaningless in the context of XREADGROUP: you "
                                 "want to read the history of this consumer by specifying a "
                                 "proper ID, or use the > ID to get new messages. The + ID "
                                 "would just return an empty result set.");
            goto done;
        }
        if (ida->len == 1 && ida->ptr[0] == '>') {
            ids[k] = STREAM_ID_MAX;
            continue;
        }
        if (group_parse_id_or_reply(c, ida, &ids[k]) < 0)
            goto done;
        history[k] = true;
    }

    int64_t now = server_mstime(c->srv);
    long long min_idle = a.min_idle;
    struct read_budget budget = {a.maxcount, a.maxsize};
    size_t handle = 0;
    long served = 0;
    for (int k = 0; k < a.nstreams; k++) {
        const struct util_arg *key = &c->argv[a.streams_arg + k];
        int wrongtype;
        /* A read lookup: Redis 7.0 counts a keyspace hit here too. */
        struct stream *s = group_lookup_stream(c, key, false, &wrongtype);
        if (!s)
            continue;
        if (read_budget_spent(&budget))
            break;
        struct xrg_read r = {.s = s, .key = key, .count = a.count, .noack = a.noack, .now = now,
                             .budget = &budget};
        r.g = stream_group_find(s, gname->ptr, gname->len);
        r.min_idle = min_idle;
        bool serve = false, claimed_only = false;
        bool claimable = min_idle >= 0 && xrg_has_claimable(&r);
        if (history[k]) {
            serve = true;
            r.after = ids[k];
        } else if (s->length) {
            struct stream_id last;
            stream_last_entry(s, &last);
            if (stream_id_cmp(&last, &r.g->last_id) > 0) {
                serve = true;
                r.after = r.g->last_id;
            }
        }
        r.cons = stream_consumer_find(r.g, cname->ptr, cname->len);
        if (!r.cons) {
            r.cons = stream_consumer_create(r.g, cname->ptr, cname->len, now);
            effect_createconsumer(c, key, r.g, r.cons);
        }
        r.cons->seen_time = now;
        xrg_note_touched(touched, &ntouched, key, r.g, r.cons);
        if (history[k]) {
            /* A history read ignores CLAIM -- for this stream and, as in
             * Redis, for the streams after it. */
            min_idle = -1;
            r.min_idle = -1;
        } else if (!serve && claimable) {
            serve = true;
            claimed_only = true;
        }
        if (!serve)
            continue;
        if (served++ == 0)
            handle = reply_defer(&c->out);
        if (c->resp == 2)
            reply_array(&c->out, 2);
        reply_bulk(&c->out, key->ptr, key->len);
        if (history[k]) {
            xrg_serve_history(c, &r);
            continue;
        }
        size_t inner = reply_defer(&c->out);
        long n = 0;
        if (r.min_idle >= 0)
            n = xrg_serve_claimed(c, &r);
        if (!claimed_only && (r.count == 0 || n < r.count))
            n += xrg_serve_new(c, &r, n);
        reply_defer_array(&c->out, inner, n);
        /* One change per stream that delivered or claimed something, however
         * many entries; a history read changes nothing worth a save (Redis
         * 7.2+: "XREADGROUP from PEL does not change dirty"). */
        if (n > 0)
            c->srv->dirty++;
    }
    for (int i = 0; i < ntouched; i++)
        aof_annotate_consumer(c->srv, c->db->id, touched[i].key->ptr, touched[i].key->len,
                              touched[i].g, touched[i].cons);
    if (served) {
        if (c->resp == 2)
            reply_defer_array(&c->out, handle, served);
        else
            reply_defer_map(&c->out, handle, served);
    } else if (a.timeout >= 0 && !(c->flags & CONN_IN_EXEC)) {
        /* Nothing to serve: wait for a write to one of the keys (a re-run
         * that still finds nothing just keeps waiting). */
        int *keys = mem_alloc(sizeof(int) * (size_t)a.nstreams);
        for (int k = 0; k < a.nstreams; k++)
            keys[k] = a.streams_arg + k;
        block_for_keys(c, keys, a.nstreams, a.timeout);
        mem_free(keys);
        /* With CLAIM, time alone can make a pending entry claimable:
         * re-run when the first one becomes so. */
        long long recheck = -1;
        for (int k = 0; k < a.nstreams && min_idle >= 0; k++) {
            int wrongtype;
            struct stream *s = group_lookup_stream(c, &c->argv[a.streams_arg + k], true,
                                                   &wrongtype);
            struct stream_group *g = s ? stream_group_find(s, gname->ptr, gname->len) : NULL;
            if (!g)
                continue;
            struct xrg_read r = {.s = s, .g = g, .min_idle = min_idle};
            long long when = xrg_next_claim_time(&r);
            if (when >= 0 && (recheck < 0 || when < recheck))
                recheck = when;
        }
        if (recheck >= 0)
            block_recheck_at(c, recheck);
    } else {
        reply_null_array(&c->out);
    }
done:
    mem_free(ids);
    mem_free(history);
    mem_free(touched);
}

/* --- XACK ----------------------------------------------------------------------- */

void cmd_xack(struct conn *c)
{
    const struct util_arg *key = &c->argv[1], *gname = &c->argv[2];
    int wrongtype;
    struct stream *s = group_lookup_stream(c, key, false, &wrongtype);
    if (wrongtype)
        return;
    struct stream_group *g = s ? stream_group_find(s, gname->ptr, gname->len) : NULL;
    if (!g) {
        reply_int(&c->out, 0);
        return;
    }
    /* All IDs are checked first: a reply cannot be an error once some
     * records were acknowledged. */
    int n = c->argc - 3;
    struct stream_id *ids = mem_alloc(sizeof(*ids) * (size_t)n);
    for (int j = 0; j < n; j++) {
        if (group_parse_id_or_reply(c, &c->argv[3 + j], &ids[j]) < 0) {
            mem_free(ids);
            return;
        }
    }
    long long acked = 0;
    for (int j = 0; j < n; j++)
        if (stream_pel_ack(g, &ids[j]))
            acked++;
    mem_free(ids);
    c->srv->dirty += acked;
    if (acked)
        command_effect_verbatim(c);
    reply_int(&c->out, acked);
}

/* --- XPENDING ------------------------------------------------------------------------ */

/* XPENDING key group: [count, smallest, greatest, [[consumer, count] ...]]. */
static void xpending_summary(struct conn *c, const struct stream_group *g)
{
    reply_array(&c->out, 4);
    reply_int(&c->out, (long long)stream_group_pending_count(g));
    if (stream_group_pending_count(g) == 0) {
        reply_null(&c->out);
        reply_null(&c->out);
        reply_null_array(&c->out);
        return;
    }
    struct index_iter it;
    index_seek(g->pel, &it, INDEX_FIRST, NULL);
    group_reply_id(&c->out, &it.key);
    index_seek(g->pel, &it, INDEX_LAST, NULL);
    group_reply_id(&c->out, &it.key);
    long n = 0;
    for (size_t i = 0; i < g->nconsumers; i++)
        if (stream_consumer_pending_count(g->consumers[i]))
            n++;
    reply_array(&c->out, n);
    for (size_t i = 0; i < g->nconsumers; i++) {
        const struct stream_consumer *cons = g->consumers[i];
        uint64_t count = stream_consumer_pending_count(cons);
        if (!count)
            continue;
        reply_array(&c->out, 2);
        reply_bulk(&c->out, cons->name, cons->name_len);
        reply_bulk_ll(&c->out, (long long)count);
    }
}

/* XPENDING key group [[IDLE ms] start end count [consumer]] */
void cmd_xpending(struct conn *c)
{
    const struct util_arg *key = &c->argv[1], *gname = &c->argv[2];
    if (c->argc != 3 && (c->argc < 6 || c->argc > 9)) {
        reply_syntax_error(c);
        return;
    }
    long long count = 0, min_idle = 0;
    struct stream_id start = STREAM_ID_MIN, end = STREAM_ID_MAX;
    const struct util_arg *cname = NULL;
    if (c->argc >= 6) {
        int at = 3;
        if (util_eq_nocase(c->argv[3].ptr, c->argv[3].len, "idle")) {
            if (arg_ll_or_reply(c, 4, &min_idle) < 0)
                return;
            if (c->argc < 8) {
                reply_syntax_error(c);
                return;
            }
            at += 2;
        }
        if (arg_ll_or_reply(c, at + 2, &count) < 0)
            return;
        if (count < 0)
            count = 0;
        if (group_parse_bound_or_reply(c, &c->argv[at], false, &start) < 0 ||
            group_parse_bound_or_reply(c, &c->argv[at + 1], true, &end) < 0)
            return;
        if (at + 3 < c->argc)
            cname = &c->argv[at + 3];
    }
    struct stream *s;
    struct stream_group *g = group_lookup_or_nogroup(c, key, gname, false, &s);
    if (!g)
        return;
    if (c->argc == 3) {
        xpending_summary(c, g);
        return;
    }
    const struct index *pel = g->pel;
    if (cname) {
        struct stream_consumer *cons = stream_consumer_find(g, cname->ptr, cname->len);
        if (!cons) {
            reply_array(&c->out, 0);
            return;
        }
        pel = cons->pending;
    }
    int64_t now = server_mstime(c->srv);
    size_t handle = reply_defer(&c->out);
    long n = 0;
    struct index_iter it;
    bool more = count && index_seek(pel, &it, INDEX_GE, &start);
    for (; more && n < count && stream_id_cmp(&it.key, &end) <= 0; more = index_next(&it)) {
        const struct stream_pending *p = it.value;
        if (p->owner && min_idle && now - p->delivery_time < min_idle)
            continue;
        reply_array(&c->out, 4);
        group_reply_id(&c->out, &p->id);
        if (p->owner) {
            reply_bulk(&c->out, p->owner->name, p->owner->name_len);
            int64_t idle = now - p->delivery_time;
            reply_int(&c->out, idle < 0 ? 0 : idle);
        } else {
            /* Released by XNACK: no owner, no idle time. */
            reply_bulk(&c->out, "", 0);
            reply_int(&c->out, -1);
        }
        reply_int(&c->out, (long long)p->delivery_count);
        n++;
    }
    reply_defer_array(&c->out, handle, n);
}

/* --- XINFO GROUPS / CONSUMERS, and STREAM FULL's groups --------------------------------- */

/* The lag value: an integer, or null when it cannot be known. */
static void reply_lag(struct conn *c, const struct stream *s, const struct stream_group *g)
{
    int64_t lag;
    if (stream_group_lag(s, g, &lag))
        reply_int(&c->out, lag);
    else
        reply_null(&c->out);
}

/* entries-read: an integer, or null when unknown. */
static void reply_entries_read(struct conn *c, const struct stream_group *g)
{
    if (g->entries_read != STREAM_ENTRIES_READ_INVALID)
        reply_int(&c->out, g->entries_read);
    else
        reply_null(&c->out);
}

/* XINFO GROUPS key: one map per group, in name order. */
void cmd_xinfo_groups(struct conn *c)
{
    int wrongtype;
    struct stream *s = group_lookup_stream(c, &c->argv[2], false, &wrongtype);
    if (wrongtype)
        return;
    if (!s) {
        reply_error(&c->out, "ERR no such key");
        return;
    }
    size_t n = stream_group_count(s);
    reply_array(&c->out, (long)n);
    for (size_t i = 0; i < n; i++) {
        const struct stream_group *g = stream_group_at(s, i);
        reply_map(&c->out, 6);
        reply_bulk_cstr(&c->out, "name");
        reply_bulk(&c->out, g->name, g->name_len);
        reply_bulk_cstr(&c->out, "consumers");
        reply_int(&c->out, (long long)g->nconsumers);
        reply_bulk_cstr(&c->out, "pending");
        reply_int(&c->out, (long long)stream_group_pending_count(g));
        reply_bulk_cstr(&c->out, "last-delivered-id");
        group_reply_id(&c->out, &g->last_id);
        reply_bulk_cstr(&c->out, "entries-read");
        reply_entries_read(c, g);
        reply_bulk_cstr(&c->out, "lag");
        reply_lag(c, s, g);
    }
}

/* XINFO CONSUMERS key group: name, pending, idle, inactive (7.2). */
void cmd_xinfo_consumers(struct conn *c)
{
    int wrongtype;
    const struct util_arg *key = &c->argv[2], *gname = &c->argv[3];
    struct stream *s = group_lookup_stream(c, key, false, &wrongtype);
    if (wrongtype)
        return;
    if (!s) {
        reply_error(&c->out, "ERR no such key");
        return;
    }
    const struct stream_group *g = stream_group_find(s, gname->ptr, gname->len);
    if (!g) {
        reply_errorf(&c->out, "NOGROUP No such consumer group '%.*s' for key name '%.*s'",
                     (int)gname->len, gname->ptr, (int)key->len, key->ptr);
        return;
    }
    int64_t now = server_mstime(c->srv);
    reply_array(&c->out, (long)g->nconsumers);
    for (size_t i = 0; i < g->nconsumers; i++) {
        const struct stream_consumer *cons = g->consumers[i];
        int64_t idle = now - cons->seen_time;
        reply_map(&c->out, 4);
        reply_bulk_cstr(&c->out, "name");
        reply_bulk(&c->out, cons->name, cons->name_len);
        reply_bulk_cstr(&c->out, "pending");
        reply_int(&c->out, (long long)stream_consumer_pending_count(cons));
        reply_bulk_cstr(&c->out, "idle");
        reply_int(&c->out, idle < 0 ? 0 : idle);
        reply_bulk_cstr(&c->out, "inactive");
        reply_int(&c->out, cons->active_time == -1 ? -1 : now - cons->active_time);
    }
}

/* One consumer of XINFO STREAM FULL. */
static void reply_full_consumer(struct conn *c, const struct stream_consumer *cons,
                                long long count)
{
    reply_map(&c->out, 5);
    reply_bulk_cstr(&c->out, "name");
    reply_bulk(&c->out, cons->name, cons->name_len);
    reply_bulk_cstr(&c->out, "seen-time");
    reply_int(&c->out, cons->seen_time);
    reply_bulk_cstr(&c->out, "active-time");
    reply_int(&c->out, cons->active_time);
    reply_bulk_cstr(&c->out, "pel-count");
    reply_int(&c->out, (long long)stream_consumer_pending_count(cons));
    reply_bulk_cstr(&c->out, "pending");
    size_t handle = reply_defer(&c->out);
    long n = 0;
    struct index_iter it;
    bool more = index_seek(cons->pending, &it, INDEX_FIRST, NULL);
    for (; more && (!count || n < count); more = index_next(&it), n++) {
        const struct stream_pending *p = it.value;
        reply_array(&c->out, 3);
        group_reply_id(&c->out, &p->id);
        reply_int(&c->out, p->delivery_time);
        reply_int(&c->out, (long long)p->delivery_count);
    }
    reply_defer_array(&c->out, handle, n);
}

void group_reply_full_groups(struct conn *c, const struct stream *s, long long count)
{
    size_t ng = stream_group_count(s);
    reply_array(&c->out, (long)ng);
    for (size_t i = 0; i < ng; i++) {
        const struct stream_group *g = stream_group_at(s, i);
        reply_map(&c->out, 8);
        reply_bulk_cstr(&c->out, "name");
        reply_bulk(&c->out, g->name, g->name_len);
        reply_bulk_cstr(&c->out, "last-delivered-id");
        group_reply_id(&c->out, &g->last_id);
        reply_bulk_cstr(&c->out, "entries-read");
        reply_entries_read(c, g);
        reply_bulk_cstr(&c->out, "lag");
        reply_lag(c, s, g);
        reply_bulk_cstr(&c->out, "pel-count");
        reply_int(&c->out, (long long)stream_group_pending_count(g));
        reply_bulk_cstr(&c->out, "nacked-count");
        reply_int(&c->out, (long long)g->nacked);
        reply_bulk_cstr(&c->out, "pending");
        size_t handle = reply_defer(&c->out);
        long n = 0;
        struct index_iter it;
        bool more = index_seek(g->pel, &it, INDEX_FIRST, NULL);
        for (; more && (!count || n < count); more = index_next(&it), n++) {
            const struct stream_pending *p = it.value;
            reply_array(&c->out, 4);
            group_reply_id(&c->out, &p->id);
            if (p->owner)
                reply_bulk(&c->out, p->owner->name, p->owner->name_len);
            else
                reply_bulk(&c->out, "", 0);
            reply_int(&c->out, p->delivery_time);
            reply_int(&c->out, (long long)p->delivery_count);
        }
        reply_defer_array(&c->out, handle, n);
        reply_bulk_cstr(&c->out, "consumers");
        reply_array(&c->out, (long)g->nconsumers);
        for (size_t j = 0; j < g->nconsumers; j++)
            reply_full_consumer(c, g->consumers[j], count);
    }
}
