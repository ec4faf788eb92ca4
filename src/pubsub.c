/* pubsub.c -- the subscription registry and PUBLISH's fan-out (see pubsub.h).
 *
 * Server side, each namespace is a dict from name to a subscriber list (an
 * array of conns in subscription order, so a message reaches subscribers in
 * the order they subscribed, as Redis's list does).  Client side, each
 * namespace is a dict from name to the subscription's sequence number
 * (dict_entry.aux): membership in O(1), and "unsubscribe from all" replies
 * oldest first, as Redis 7.0 does for patterns (its per-client list).
 *
 * PUBLISH costs one dict lookup, one formatting of the message and one
 * append per subscriber, plus one glob match per distinct pattern. */
#include "pubsub.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "dict.h"
#include "mem.h"
#include "reply.h"
#include "server.h"
#include "util.h"

struct pubsub_subs {
    struct conn **v;
    size_t n, cap;
};

struct pubsub {
    struct dict names[PUBSUB_KINDS]; /* name -> struct pubsub_subs */
    struct reply_buf scratch;        /* one formatted message (RESP2) */
    uint64_t seed;
};

/* A client's subscriptions (allocated at its first SUBSCRIBE). */
struct pubsub_client {
    struct dict names[PUBSUB_KINDS]; /* name -> NULL, aux = sequence number */
    long long seq;
};

static const char *const verbs_sub[PUBSUB_KINDS] = {"subscribe", "psubscribe", "ssubscribe"};
static const char *const verbs_unsub[PUBSUB_KINDS] = {"unsubscribe", "punsubscribe",
                                                      "sunsubscribe"};

static void subs_free(void *p)
{
    struct pubsub_subs *s = p;
    mem_free(s->v);
    mem_free(s);
}

struct pubsub *pubsub_create(unsigned long long seed)
{
    struct pubsub *ps = mem_calloc(sizeof(*ps));
    ps->seed = seed;
    for (int k = 0; k < PUBSUB_KINDS; k++)
        dict_init(&ps->names[k], seed + (uint64_t)k * 0x9e3779b97f4a7c15ULL);
    reply_init(&ps->scratch, 2);
    return ps;
}

void pubsub_free(struct pubsub *ps)
{
    if (!ps)
        return;
    for (int k = 0; k < PUBSUB_KINDS; k++)
        dict_clear(&ps->names[k], subs_free);
    reply_free(&ps->scratch);
    mem_free(ps);
}

long pubsub_client_count(const struct conn *c, enum pubsub_kind kind)
{
    return c->pubsub ? (long)c->pubsub->names[kind].used : 0;
}

long pubsub_client_channels_patterns(const struct conn *c)
{
    return pubsub_client_count(c, PUBSUB_CHANNEL) + pubsub_client_count(c, PUBSUB_PATTERN);
}

int pubsub_client_any(const struct conn *c, enum pubsub_kind kind,
                      int (*pred)(const char *name, size_t len, void *ud), void *ud)
{
    if (!c->pubsub)
        return 0;
    struct dict_iter it;
    struct dict_entry *e;
    dict_iter_init(&it, &c->pubsub->names[kind]);
    while ((e = dict_iter_next(&it)))
        if (pred(e->key, e->klen, ud))
            return 1;
    return 0;
}

static void update_flag(struct conn *c)
{
    long total = pubsub_client_channels_patterns(c) + pubsub_client_count(c, PUBSUB_SHARD);
    if (total)
        c->flags |= CONN_PUBSUB;
    else
        c->flags &= ~CONN_PUBSUB;
}

int pubsub_subscribe(struct conn *c, enum pubsub_kind kind, const char *name, size_t len)
{
    struct pubsub *ps = c->srv->pubsub;
    if (!c->pubsub) {
        c->pubsub = mem_calloc(sizeof(*c->pubsub));
        for (int k = 0; k < PUBSUB_KINDS; k++)
            dict_init(&c->pubsub->names[k], ps->seed ^ (c->id * 0x2545f4914f6cdd1dULL) ^ (uint64_t)k);
    }
    struct dict *mine = &c->pubsub->names[kind];
    if (dict_find(mine, name, len))
        return 0;
    dict_add(mine, name, len, NULL)->aux = c->pubsub->seq++;
    struct dict_entry *e = dict_find(&ps->names[kind], name, len);
    if (!e)
        e = dict_add(&ps->names[kind], name, len, mem_calloc(sizeof(struct pubsub_subs)));
    struct pubsub_subs *s = e->val;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4;
        s->v = mem_realloc(s->v, s->cap * sizeof(*s->v));
    }
    s->v[s->n++] = c;
    c->flags |= CONN_PUBSUB;
    return 1;
}

int pubsub_unsubscribe(struct conn *c, enum pubsub_kind kind, const char *name, size_t len)
{
    if (!c->pubsub)
        return 0;
    struct dict_entry *mine = dict_unlink(&c->pubsub->names[kind], name, len);
    if (!mine)
        return 0;
    dict_entry_free(mine);
    struct dict *reg = &c->srv->pubsub->names[kind];
    struct dict_entry *e = dict_find(reg, name, len);
    if (e) {
        struct pubsub_subs *s = e->val;
        for (size_t i = 0; i < s->n; i++) {
            if (s->v[i] == c) {
                memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
                s->n--;
                break;
            }
        }
        if (s->n == 0) {
            dict_entry_free(dict_unlink(reg, name, len));
            subs_free(s);
        }
    }
    update_flag(c);
    return 1;
}

void pubsub_reply_confirm(struct conn *c, const char *verb, const char *name, size_t len,
                          long long count)
{
    reply_push(&c->out, 3);
    reply_bulk(&c->out, verb, strlen(verb));
    if (name)
        reply_bulk(&c->out, name, len);
    else
        reply_null(&c->out);
    reply_int(&c->out, count);
}

long long pubsub_confirm_count(const struct conn *c, enum pubsub_kind kind)
{
    return kind == PUBSUB_SHARD ? pubsub_client_count(c, PUBSUB_SHARD)
                                : pubsub_client_channels_patterns(c);
}

static int by_seq(const void *a, const void *b)
{
    const struct dict_entry *x = *(const struct dict_entry *const *)a;
    const struct dict_entry *y = *(const struct dict_entry *const *)b;
    return x->aux < y->aux ? -1 : x->aux > y->aux;
}

void pubsub_unsubscribe_all(struct conn *c, enum pubsub_kind kind, int notify)
{
    long n = pubsub_client_count(c, kind);
    if (n == 0) {
        if (notify)
            pubsub_reply_confirm(c, verbs_unsub[kind], NULL, 0, pubsub_confirm_count(c, kind));
        return;
    }
    /* Copy the names first: unsubscribing frees the client's entries. */
    struct dict_entry **v = mem_alloc(sizeof(*v) * (size_t)n);
    struct dict_iter it;
    struct dict_entry *e;
    long k = 0;
    dict_iter_init(&it, &c->pubsub->names[kind]);
    while ((e = dict_iter_next(&it)) && k < n)
        v[k++] = e;
    qsort(v, (size_t)k, sizeof(*v), by_seq);
    struct util_arg *names = mem_alloc(sizeof(*names) * (size_t)k);
    for (long i = 0; i < k; i++) {
        names[i].len = v[i]->klen;
        names[i].ptr = mem_alloc(v[i]->klen + 1);
        memcpy(names[i].ptr, v[i]->key, v[i]->klen + 1);
    }
    mem_free(v);
    for (long i = 0; i < k; i++) {
        pubsub_unsubscribe(c, kind, names[i].ptr, names[i].len);
        if (notify)
            pubsub_reply_confirm(c, verbs_unsub[kind], names[i].ptr, names[i].len,
                                 pubsub_confirm_count(c, kind));
        mem_free(names[i].ptr);
    }
    mem_free(names);
}

void pubsub_client_free(struct conn *c)
{
    if (!c->pubsub)
        return;
    for (int k = 0; k < PUBSUB_KINDS; k++)
        pubsub_unsubscribe_all(c, (enum pubsub_kind)k, 0);
    for (int k = 0; k < PUBSUB_KINDS; k++)
        dict_clear(&c->pubsub->names[k], NULL);
    mem_free(c->pubsub);
    c->pubsub = NULL;
    c->flags &= ~CONN_PUBSUB;
}

/* Append one formatted message (RESP2 bytes in msg) to c: as it is in
 * RESP2, as a push frame in RESP3.  A client closing, or with CLIENT REPLY
 * OFF, gets nothing (Redis's prepareClientToWrite refuses both). */
static void deliver(struct conn *c, const char *msg, size_t n, long long now_ms)
{
    if ((c->flags & (CONN_CLOSE_ASAP | CONN_FAKE)) || c->reply_mode == REPLY_OFF)
        return;
    if (c->resp >= 3) {
        reply_raw(&c->out, ">", 1);
        reply_raw(&c->out, msg + 1, n - 1);
    } else {
        reply_raw(&c->out, msg, n);
    }
    conn_want_write(c);
    conn_check_output_limit(c, now_ms);
}

long pubsub_publish(struct server *srv, enum pubsub_kind kind, const char *ch, size_t chlen,
                    const char *msg, size_t mlen)
{
    struct pubsub *ps = srv->pubsub;
    struct reply_buf *f = &ps->scratch;
    long long now_ms = server_mstime(srv);
    long delivered = 0;

    struct dict_entry *e = dict_find(&ps->names[kind], ch, chlen);
    if (e) {
        struct pubsub_subs *s = e->val;
        f->len = f->sent = 0;
        reply_array(f, 3);
        if (kind == PUBSUB_SHARD)
            reply_bulk(f, "smessage", 8);
        else
            reply_bulk(f, "message", 7);
        reply_bulk(f, ch, chlen);
        reply_bulk(f, msg, mlen);
        /* A subscriber may be closed by its output limit while we loop, but
         * it stays subscribed (and allocated) until before_sleep frees it. */
        for (size_t i = 0; i < s->n; i++)
            deliver(s->v[i], f->buf, f->len, now_ms);
        delivered += (long)s->n;
    }
    if (kind == PUBSUB_SHARD || ps->names[PUBSUB_PATTERN].used == 0)
        return delivered;
    struct dict_iter it;
    dict_iter_init(&it, &ps->names[PUBSUB_PATTERN]);
    while ((e = dict_iter_next(&it))) {
        if (!util_glob_match(e->key, e->klen, ch, chlen, 0))
            continue;
        struct pubsub_subs *s = e->val;
        f->len = f->sent = 0;
        reply_array(f, 4);
        reply_bulk(f, "pmessage", 8);
        reply_bulk(f, e->key, e->klen);
        reply_bulk(f, ch, chlen);
        reply_bulk(f, msg, mlen);
        for (size_t i = 0; i < s->n; i++)
            deliver(s->v[i], f->buf, f->len, now_ms);
        delivered += (long)s->n;
    }
    return delivered;
}

long pubsub_names(const struct server *srv, enum pubsub_kind kind)
{
    return (long)srv->pubsub->names[kind].used;
}

long pubsub_subscribers(const struct server *srv, enum pubsub_kind kind, const char *name,
                        size_t len)
{
    struct dict_entry *e = dict_find(&srv->pubsub->names[kind], name, len);
    return e ? (long)((struct pubsub_subs *)e->val)->n : 0;
}

void pubsub_reply_names(struct conn *c, enum pubsub_kind kind, const struct util_arg *pat)
{
    struct dict_iter it;
    struct dict_entry *e;
    long n = 0;
    size_t h = reply_defer(&c->out);
    dict_iter_init(&it, &c->srv->pubsub->names[kind]);
    while ((e = dict_iter_next(&it))) {
        if (pat && !util_glob_match(pat->ptr, pat->len, e->key, e->klen, 0))
            continue;
        reply_bulk(&c->out, e->key, e->klen);
        n++;
    }
    reply_defer_array(&c->out, h, n);
}

const char *pubsub_verb(enum pubsub_kind kind, int subscribe)
{
    return subscribe ? verbs_sub[kind] : verbs_unsub[kind];
}
