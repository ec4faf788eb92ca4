/* check_stream_group.c -- consumer groups: groups and consumers in name
 * order, delivery, acknowledgement, claiming, release (XNACK), consumer
 * deletion, entries-read and lag against the values Redis gives in the
 * same situations, trimming with KEEPREF/DELREF/ACKED, COPY, and a
 * randomised model test that checks the invariants after every step:
 * every PEL record owned by exactly one consumer whose set holds it (or
 * by none after XNACK), counts that agree, the time order of the PEL, and
 * entries-read and lag equal to a naive recount whenever they are known. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_test.h"
#include "mem.h"
#include "stream.h"
#include "stream_group.h"

/* An ID. */
static struct stream_id mk(uint64_t ms, uint64_t seq)
{
    struct stream_id id = {ms, seq};
    return id;
}

/* Append "f v" with an explicit ID; asserts success. */
static void add(struct stream *s, uint64_t ms, uint64_t seq)
{
    struct stream_str fv[2] = {{"f", 1}, {"v", 1}};
    struct stream_id_spec sp = {{ms, seq}, STREAM_ID_EXPLICIT, false};
    REQUIRE_EQ(stream_append(s, &sp, fv, 1, 0, NULL), STREAM_OK);
}

/* A stream with the default node limits. */
static struct stream *new_stream(void)
{
    return stream_new(STREAM_NODE_MAX_BYTES_DEFAULT, STREAM_NODE_MAX_ENTRIES_DEFAULT);
}

static struct stream_group *create(struct stream *s, const char *name, struct stream_id id,
                                   int64_t read)
{
    return stream_group_create(s, name, strlen(name), &id, read);
}

/* The consumer, created if needed. */
static struct stream_consumer *consumer(struct stream_group *g, const char *name)
{
    struct stream_consumer *c = stream_consumer_find(g, name, strlen(name));
    return c ? c : stream_consumer_create(g, name, strlen(name), 0);
}

/* Deliver the next n entries after the group's last ID to c (XREADGROUP
 * ">" COUNT n); returns how many. */
static int deliver(struct stream *s, struct stream_group *g, struct stream_consumer *c, int n,
                   int64_t now)
{
    struct stream_id start = g->last_id, end = STREAM_ID_MAX;
    if (stream_id_incr(&start) != 0)
        return 0;
    struct stream_id ids[64];
    int k = 0;
    struct stream_iter it;
    stream_iter_start(&it, s, &start, &end, false);
    while (k < n && k < 64 && stream_iter_next(&it))
        ids[k++] = it.id;
    stream_iter_stop(&it);
    for (int i = 0; i < k; i++) {
        stream_group_advance(s, g, &ids[i]);
        stream_pel_deliver(g, c, &ids[i], now);
    }
    return k;
}

/* The group's lag, -99 when unknown. */
static int64_t lag_of(const struct stream *s, const struct stream_group *g)
{
    int64_t lag;
    return stream_group_lag(s, g, &lag) ? lag : -99;
}

START_TEST(test_groups_and_consumers_sorted)
{
    size_t base = mem_used();
    struct stream *s = new_stream();
    ck_assert_uint_eq(stream_group_count(s), 0);
    ck_assert_ptr_nonnull(create(s, "gm", STREAM_ID_MIN, -1));
    ck_assert_ptr_nonnull(create(s, "g0", STREAM_ID_MIN, -1));
    ck_assert_ptr_nonnull(create(s, "gd", STREAM_ID_MIN, -1));
    ck_assert_ptr_nonnull(create(s, "g", STREAM_ID_MIN, -1));
    ck_assert_ptr_null(create(s, "gd", STREAM_ID_MIN, -1)); /* BUSYGROUP */
    const char *order[] = {"g", "g0", "gd", "gm"};
    ck_assert_uint_eq(stream_group_count(s), 4);
    for (size_t i = 0; i < 4; i++)
        ck_assert_str_eq(stream_group_at(s, i)->name, order[i]);
    struct stream_group *g = stream_group_find(s, "g0", 2);
    ck_assert_ptr_nonnull(g);
    ck_assert_ptr_null(stream_group_find(s, "g1", 2));
    /* Consumers: byte order, the empty name allowed, no duplicates. */
    ck_assert_ptr_nonnull(stream_consumer_create(g, "bob", 3, 5));
    ck_assert_ptr_nonnull(stream_consumer_create(g, "", 0, 5));
    ck_assert_ptr_nonnull(stream_consumer_create(g, "alice", 5, 5));
    ck_assert_ptr_null(stream_consumer_create(g, "bob", 3, 6));
    ck_assert_uint_eq(g->nconsumers, 3);
    ck_assert_uint_eq(g->consumers[0]->name_len, 0);
    ck_assert_int_eq(memcmp(g->consumers[1]->name, "alice", 5), 0);
    ck_assert_int_eq(g->consumers[2]->seen_time, 5);
    ck_assert_int_eq(g->consumers[2]->active_time, -1);
    ck_assert(stream_groups_check(s));
    ck_assert(stream_group_destroy(s, "g0", 2));
    ck_assert(!stream_group_destroy(s, "g0", 2));
    ck_assert(stream_group_destroy(s, "g", 1));
    ck_assert(stream_group_destroy(s, "gd", 2));
    ck_assert(stream_group_destroy(s, "gm", 2));
    ck_assert_ptr_null(s->groups); /* the last one frees the set */
    stream_free(s);
    ck_assert_uint_eq(mem_used(), base);
}
END_TEST

START_TEST(test_deliver_ack_claim_release)
{
    size_t base = mem_used();
    struct stream *s = new_stream();
    for (uint64_t i = 1; i <= 5; i++)
        add(s, i, 0);
    struct stream_group *g = create(s, "g", STREAM_ID_MIN, -1);
    struct stream_consumer *a = consumer(g, "a"), *b = consumer(g, "b");
    ck_assert_int_eq(deliver(s, g, a, 3, 100), 3);
    ck_assert_int_eq(deliver(s, g, b, 10, 200), 2);
    ck_assert(stream_id_eq(&g->last_id, &(struct stream_id){5, 0}));
    ck_assert_uint_eq(stream_group_pending_count(g), 5);
    ck_assert_uint_eq(stream_consumer_pending_count(a), 3);
    ck_assert_uint_eq(stream_consumer_pending_count(b), 2);

    /* XACK */
    struct stream_id id2 = mk(2, 0);
    ck_assert(stream_pel_ack(g, &id2));
    ck_assert(!stream_pel_ack(g, &id2));
    ck_assert_uint_eq(stream_consumer_pending_count(a), 2);

    /* XCLAIM 1-0 to b at 300: b owns it, it is now the newest delivery. */
    struct stream_id id1 = mk(1, 0);
    struct stream_pending *p = stream_pel_find(g, &id1);
    ck_assert_ptr_eq(p->owner, a);
    stream_pel_claim(g, p, b, 300);
    stream_pending_count_up(p);
    ck_assert_ptr_eq(p->owner, b);
    ck_assert_uint_eq(p->delivery_count, 2);
    struct index_iter it;
    ck_assert(index_seek(g->pel_time, &it, INDEX_LAST, NULL));
    ck_assert_ptr_eq(it.value, p);
    ck_assert(index_seek(g->pel_time, &it, INDEX_FIRST, NULL));
    ck_assert(stream_id_eq(&((struct stream_pending *)it.value)->id, &(struct stream_id){3, 0}));

    /* XNACK 5-0 then 4-0: unowned, first in time order, in release order. */
    struct stream_id id5 = mk(5, 0), id4 = mk(4, 0);
    stream_pel_release(g, stream_pel_find(g, &id5));
    stream_pel_release(g, stream_pel_find(g, &id4));
    ck_assert_uint_eq(g->nacked, 2);
    ck_assert_uint_eq(stream_consumer_pending_count(b), 1);
    ck_assert(index_seek(g->pel_time, &it, INDEX_FIRST, NULL));
    ck_assert(stream_id_eq(&((struct stream_pending *)it.value)->id, &id5));
    ck_assert(index_next(&it));
    ck_assert(stream_id_eq(&((struct stream_pending *)it.value)->id, &id4));
    ck_assert(stream_groups_check(s));

    /* SETID back to 0 and deliver again: existing records are given to
     * the reader with count 1 (Redis: the admin restarted processing). */
    stream_group_set_id(s, g, &STREAM_ID_MIN, -1);
    ck_assert_int_eq(deliver(s, g, a, 10, 400), 5);
    ck_assert_uint_eq(stream_consumer_pending_count(a), 5);
    ck_assert_uint_eq(stream_consumer_pending_count(b), 0);
    ck_assert_uint_eq(g->nacked, 0);
    ck_assert_uint_eq(stream_pel_find(g, &id1)->delivery_count, 1);

    /* XGROUP DELCONSUMER drops its records. */
    ck_assert_uint_eq(stream_consumer_delete(g, a), 5);
    ck_assert_uint_eq(stream_group_pending_count(g), 0);
    ck_assert_uint_eq(g->nconsumers, 1);
    ck_assert(stream_groups_check(s));
    stream_free(s);
    ck_assert_uint_eq(mem_used(), base);
}
END_TEST

/* The same situations as in a Redis session (values checked against Redis
 * 7.0, and the newest rules where they differ). */
START_TEST(test_entries_read_and_lag)
{
    struct stream *s = new_stream();
    struct stream_group *g;
    /* A group on an empty, never written stream: lag 0. */
    g = create(s, "e", STREAM_ID_MIN, -1);
    ck_assert_int_eq(lag_of(s, g), 0);
    stream_group_destroy(s, "e", 1);

    add(s, 1, 1);
    add(s, 2, 1);
    add(s, 3, 1);
    struct stream_group *gd = create(s, "gd", s->last_id, -1);
    struct stream_group *g0 = create(s, "g0", STREAM_ID_MIN, -1);
    struct stream_group *gm = create(s, "gm", mk(2, 1), -1);
    ck_assert_int_eq(lag_of(s, g0), 3);   /* behind the whole stream */
    ck_assert_int_eq(lag_of(s, gd), 0);   /* at the last ID */
    ck_assert_int_eq(lag_of(s, gm), -99); /* in the middle, counter unknown */
    ck_assert_int_eq(gm->entries_read, -1);

    struct stream_consumer *c = consumer(g0, "c");
    deliver(s, g0, c, 1, 10);
    ck_assert_int_eq(g0->entries_read, 1); /* estimated: the first entry */
    ck_assert_int_eq(lag_of(s, g0), 2);
    deliver(s, g0, c, 1, 10);
    ck_assert_int_eq(g0->entries_read, 2); /* counted up */

    /* A deletion after the group's position makes its lag unknown. */
    struct stream_id d = mk(3, 1);
    ck_assert_int_eq(stream_delete(s, &d), 1);
    ck_assert_int_eq(lag_of(s, g0), -99);
    ck_assert_int_eq(lag_of(s, gd), 0);

    /* SETID with ENTRIESREAD above entries_added is lowered (Redis 7.4+). */
    stream_group_set_id(s, g0, &STREAM_ID_MIN, 100);
    ck_assert_int_eq(g0->entries_read, 3);

    /* A stream emptied by deletions: lag 0 for everyone. */
    d = mk(1, 1);
    stream_delete(s, &d);
    d = mk(2, 1);
    stream_delete(s, &d);
    ck_assert_int_eq(lag_of(s, g0), 0);
    ck_assert_int_eq(lag_of(s, gm), 0);

    /* New entries after the deletions: a group at the end counts on. */
    add(s, 4, 1);
    add(s, 5, 1);
    /* Every deletion lies before the first entry: a position before it
     * has seen exactly the entries that are gone. */
    ck_assert_int_eq(stream_estimate_entries_read(s, &(struct stream_id){3, 1}), 3);
    g = create(s, "late", mk(3, 1), -1);
    ck_assert_int_eq(lag_of(s, g), 2);
    deliver(s, g, consumer(g, "c"), 1, 20);
    ck_assert_int_eq(g->entries_read, 4);
    ck_assert_int_eq(lag_of(s, g), 1);
    stream_free(s);
}
END_TEST

START_TEST(test_estimate_rules)
{
    struct stream *s = new_stream();
    ck_assert_int_eq(stream_estimate_entries_read(s, &(struct stream_id){5, 0}), 0);
    for (uint64_t i = 1; i <= 10; i++)
        add(s, i, 0);
    ck_assert_int_eq(stream_estimate_entries_read(s, &(struct stream_id){10, 0}), 10);
    ck_assert_int_eq(stream_estimate_entries_read(s, &(struct stream_id){1, 0}), 1);
    ck_assert_int_eq(stream_estimate_entries_read(s, &(struct stream_id){0, 0}), 0);
    ck_assert_int_eq(stream_estimate_entries_read(s, &(struct stream_id){5, 0}), -1);
    ck_assert_int_eq(stream_estimate_entries_read(s, &(struct stream_id){11, 0}), -1);
    /* Trimmed head: before the first entry lie the trimmed ones. */
    struct stream_trim_args t = {.strategy = STREAM_TRIM_MAXLEN, .maxlen = 6};
    ck_assert_uint_eq(stream_trim(s, &t), 4);
    ck_assert_int_eq(stream_estimate_entries_read(s, &(struct stream_id){5, 0}), 5);
    ck_assert_int_eq(stream_estimate_entries_read(s, &(struct stream_id){2, 0}), 4);
    /* A hole in the live range. */
    struct stream_id d = mk(7, 0);
    stream_delete(s, &d);
    ck_assert_int_eq(stream_estimate_entries_read(s, &(struct stream_id){5, 0}), -1);
    ck_assert_int_eq(stream_estimate_entries_read(s, &(struct stream_id){8, 0}), -1);
    ck_assert_int_eq(stream_estimate_entries_read(s, &(struct stream_id){10, 0}), 10);
    ck_assert(stream_has_tombstones_after(s, &(struct stream_id){7, 0}));
    ck_assert(!stream_has_tombstones_after(s, &(struct stream_id){7, 1}));
    stream_free(s);
}
END_TEST

/* XTRIM/XADD with ACKED and DELREF, XDELEX ACKED after XGROUP DESTROY. */
START_TEST(test_trim_with_refs)
{
    size_t base = mem_used();
    struct stream *s = new_stream();
    for (uint64_t i = 1; i <= 5; i++)
        add(s, i, 0);
    struct stream_group *g = create(s, "g", STREAM_ID_MIN, -1);
    struct stream_consumer *c = consumer(g, "c");
    deliver(s, g, c, 2, 1);
    struct stream_id id1 = mk(1, 0);
    stream_pel_ack(g, &id1);
    /* ACKED: 1 is read and acknowledged, 2 pending, 3..5 unread. */
    ck_assert(!stream_entry_is_referenced(s, &id1));
    ck_assert(stream_entry_is_referenced(s, &(struct stream_id){2, 0}));
    ck_assert(stream_entry_is_referenced(s, &(struct stream_id){3, 0}));
    struct stream_trim_args t = {.strategy = STREAM_TRIM_MAXLEN, .maxlen = 0,
                                 .refs = STREAM_REFS_ACKED};
    ck_assert_uint_eq(stream_trim(s, &t), 1);
    ck_assert_uint_eq(s->length, 4);
    ck_assert(stream_id_eq(&s->first_id, &(struct stream_id){2, 0}));
    /* DELREF: removes and forgets. */
    t.refs = STREAM_REFS_DELETE;
    t.maxlen = 2;
    ck_assert_uint_eq(stream_trim(s, &t), 2);
    ck_assert_uint_eq(stream_group_pending_count(g), 0);
    ck_assert(stream_check(s));
    ck_assert(stream_groups_check(s));
    /* A second group further back keeps entries referenced until it goes
     * (Redis's "XGROUP DESTROY correctly manage min_cgroup_last_id"). */
    stream_group_set_id(s, g, &s->last_id, -1);
    ck_assert(!stream_entry_is_referenced(s, &(struct stream_id){4, 0}));
    create(s, "h", mk(3, 0), -1);
    ck_assert(stream_entry_is_referenced(s, &(struct stream_id){4, 0}));
    ck_assert(!stream_entry_is_referenced(s, &(struct stream_id){3, 0}));
    stream_group_destroy(s, "h", 1);
    ck_assert(!stream_entry_is_referenced(s, &(struct stream_id){4, 0}));
    /* MINID with ACKED across several nodes: only unreferenced go. */
    stream_free(s);
    s = stream_new(STREAM_NODE_MAX_BYTES_DEFAULT, 3);
    for (uint64_t i = 1; i <= 12; i++)
        add(s, i, 0);
    g = create(s, "g", mk(12, 0), -1);
    c = consumer(g, "c");
    stream_pel_add(g, &(struct stream_id){2, 0}, c, 5, 1);
    stream_pel_add(g, &(struct stream_id){8, 0}, NULL, 0, 1);
    t = (struct stream_trim_args){.strategy = STREAM_TRIM_MINID, .minid = mk(10, 0),
                                  .refs = STREAM_REFS_ACKED};
    ck_assert_uint_eq(stream_trim(s, &t), 7);
    ck_assert_uint_eq(s->length, 5); /* 2, 8, 10, 11, 12 */
    ck_assert(stream_id_eq(&s->first_id, &(struct stream_id){2, 0}));
    ck_assert(stream_check(s));
    stream_free(s);
    ck_assert_uint_eq(mem_used(), base);
}
END_TEST

/* --- The model ---------------------------------------------------------------- */

#define MAXG 3
#define MAXC 5

struct mrec {
    struct stream_id id;
    int owner; /* consumer index, -1 released */
    int64_t time;
    uint64_t count;
    uint64_t seq;
};

struct mgroup {
    bool exists;
    char name[4];
    struct stream_id last;
    bool cexists[MAXC];
    struct mrec *recs;
    size_t n, cap;
    uint64_t seq;
};

struct model {
    struct mgroup g[MAXG];
    struct stream_id *added; /* every ID ever appended, ascending */
    size_t nadded, added_cap;
    int64_t now;
    uint64_t known_read, known_lag, unknown_lag; /* how often each was checked */
};

/* The model's consumer names (the empty name included). */
static const char *cname(int i)
{
    static const char *names[MAXC] = {"", "alice", "bob", "carol", "c"};
    return names[i];
}

/* The model record for id, or NULL. */
static struct mrec *mfind(struct mgroup *mg, const struct stream_id *id)
{
    for (size_t i = 0; i < mg->n; i++)
        if (stream_id_eq(&mg->recs[i].id, id))
            return &mg->recs[i];
    return NULL;
}

/* Drop the model record for id, if any. */
static void mremove(struct mgroup *mg, const struct stream_id *id)
{
    for (size_t i = 0; i < mg->n; i++) {
        if (stream_id_eq(&mg->recs[i].id, id)) {
            mg->recs[i] = mg->recs[--mg->n];
            return;
        }
    }
}

/* A new zeroed model record for id. */
static struct mrec *madd(struct mgroup *mg, const struct stream_id *id)
{
    if (mg->n == mg->cap) {
        mg->cap = mg->cap ? mg->cap * 2 : 16;
        mg->recs = realloc(mg->recs, sizeof(*mg->recs) * mg->cap);
    }
    struct mrec *r = &mg->recs[mg->n++];
    memset(r, 0, sizeof(*r));
    r->id = *id;
    return r;
}

/* Naive: entries ever added up to id, and live entries after id. */
static int64_t naive_read(const struct model *m, const struct stream_id *id)
{
    int64_t n = 0;
    for (size_t i = 0; i < m->nadded; i++)
        if (stream_id_cmp(&m->added[i], id) <= 0)
            n++;
    return n;
}

/* Live entries after id. */
static int64_t naive_lag(const struct stream *s, const struct stream_id *id)
{
    int64_t n = 0;
    struct stream_iter it;
    struct stream_id lo = STREAM_ID_MIN, hi = STREAM_ID_MAX;
    stream_iter_start(&it, s, &lo, &hi, false);
    while (stream_iter_next(&it))
        if (stream_id_cmp(&it.id, id) > 0)
            n++;
    stream_iter_stop(&it);
    return n;
}

/* Model time order: delivery time, then when the time was set. */
static int cmp_time_seq(const void *a, const void *b)
{
    const struct mrec *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

/* The engine's groups agree with the model; with_counters also checks
 * entries-read and lag against the naive recount. */
static void compare(const struct stream *s, struct model *m, bool with_counters)
{
    REQUIRE(stream_groups_check(s));
    size_t ng = 0;
    for (int gi = 0; gi < MAXG; gi++) {
        struct mgroup *mg = &m->g[gi];
        struct stream_group *g = stream_group_find(s, mg->name, strlen(mg->name));
        REQUIRE_EQ(g != NULL, mg->exists);
        if (!g)
            continue;
        ng++;
        REQUIRE(stream_id_eq(&g->last_id, &mg->last));
        REQUIRE_EQ(stream_group_pending_count(g), mg->n);
        uint64_t per[MAXC] = {0}, nacked = 0;
        for (size_t i = 0; i < mg->n; i++) {
            struct mrec *r = &mg->recs[i];
            struct stream_pending *p = stream_pel_find(g, &r->id);
            REQUIRE(p != NULL);
            REQUIRE_EQ(p->delivery_time, r->time);
            REQUIRE_EQ(p->delivery_count, r->count);
            if (r->owner < 0) {
                REQUIRE(p->owner == NULL);
                nacked++;
            } else {
                REQUIRE(p->owner != NULL);
                REQUIRE_EQ(stream_name_cmp(p->owner->name, p->owner->name_len, cname(r->owner),
                                           strlen(cname(r->owner))),
                           0);
                per[r->owner]++;
            }
        }
        REQUIRE_EQ(g->nacked, nacked);
        size_t nc = 0;
        for (int ci = 0; ci < MAXC; ci++) {
            struct stream_consumer *c = stream_consumer_find(g, cname(ci), strlen(cname(ci)));
            REQUIRE_EQ(c != NULL, mg->cexists[ci]);
            if (c) {
                nc++;
                REQUIRE_EQ(stream_consumer_pending_count(c), per[ci]);
            }
        }
        REQUIRE_EQ(g->nconsumers, nc);
        /* The time order: by delivery time, ties by when they got it. */
        if (mg->n)
            qsort(mg->recs, mg->n, sizeof(*mg->recs), cmp_time_seq);
        struct index_iter it;
        size_t k = 0;
        for (bool more = index_seek(g->pel_time, &it, INDEX_FIRST, NULL); more;
             more = index_next(&it), k++)
            REQUIRE(stream_id_eq(&((struct stream_pending *)it.value)->id, &mg->recs[k].id));
        REQUIRE_EQ(k, mg->n);
        if (with_counters) {
            if (g->entries_read != STREAM_ENTRIES_READ_INVALID) {
                REQUIRE_EQ(g->entries_read, naive_read(m, &g->last_id));
                m->known_read++;
            }
            int64_t lag;
            if (stream_group_lag(s, g, &lag)) {
                REQUIRE_EQ(lag, naive_lag(s, &g->last_id));
                m->known_lag++;
            } else {
                m->unknown_lag++;
            }
        }
    }
    REQUIRE_EQ(stream_group_count(s), ng);
}

/* A random existing record of a random existing group, or NULL. */
static struct mrec *pick_rec(struct model *m, int *gi)
{
    *gi = (int)(test_rng() % MAXG);
    struct mgroup *mg = &m->g[*gi];
    if (!mg->exists || mg->n == 0)
        return NULL;
    return &mg->recs[test_rng() % mg->n];
}

/* A random live entry (false when the stream is empty). */
static bool pick_live(const struct stream *s, struct stream_id *out)
{
    if (!s->length)
        return false;
    uint64_t k = test_rng() % s->length;
    struct stream_iter it;
    struct stream_id lo = STREAM_ID_MIN, hi = STREAM_ID_MAX;
    stream_iter_start(&it, s, &lo, &hi, false);
    bool found = false;
    while (stream_iter_next(&it))
        if (k-- == 0) {
            *out = it.id;
            found = true;
            break;
        }
    stream_iter_stop(&it);
    return found;
}

/* XREADGROUP ">" COUNT n of group gi by consumer ci, engine and model. */
static void model_deliver(struct stream *s, struct model *m, int gi, int ci, int n)
{
    struct mgroup *mg = &m->g[gi];
    struct stream_group *g = stream_group_find(s, mg->name, strlen(mg->name));
    struct stream_consumer *c = stream_consumer_find(g, cname(ci), strlen(cname(ci)));
    if (!c) {
        c = stream_consumer_create(g, cname(ci), strlen(cname(ci)), m->now);
        mg->cexists[ci] = true;
    }
    struct stream_id start = g->last_id, end = STREAM_ID_MAX;
    if (stream_id_incr(&start) != 0)
        return;
    struct stream_id ids[16];
    int k = 0;
    struct stream_iter it;
    stream_iter_start(&it, s, &start, &end, false);
    while (k < n && stream_iter_next(&it))
        ids[k++] = it.id;
    stream_iter_stop(&it);
    for (int i = 0; i < k; i++) {
        stream_group_advance(s, g, &ids[i]);
        stream_pel_deliver(g, c, &ids[i], m->now);
        mg->last = ids[i];
        struct mrec *r = mfind(mg, &ids[i]);
        if (!r)
            r = madd(mg, &ids[i]);
        r->owner = ci;
        r->time = m->now;
        r->count = 1;
        r->seq = mg->seq++;
    }
}

/* One random step of the model test. */
static void model_step(struct stream *s, struct model *m)
{
    m->now += (int64_t)(test_rng() % 3);
    unsigned op = (unsigned)(test_rng() % 100);
    int gi = (int)(test_rng() % MAXG), ci = (int)(test_rng() % MAXC);
    struct mgroup *mg = &m->g[gi];
    struct stream_group *g = mg->exists ? stream_group_find(s, mg->name, strlen(mg->name)) : NULL;
    struct mrec *r;
    struct stream_id id;
    if (op < 25) { /* XADD */
        struct stream_id next = {s->last_id.ms + 1 + test_rng() % 2, test_rng() % 2};
        add(s, next.ms, next.seq);
        if (m->nadded == m->added_cap) {
            m->added_cap = m->added_cap ? m->added_cap * 2 : 256;
            m->added = realloc(m->added, sizeof(*m->added) * m->added_cap);
        }
        m->added[m->nadded++] = next;
    } else if (op < 45) { /* XREADGROUP > */
        if (g)
            model_deliver(s, m, gi, ci, 1 + (int)(test_rng() % 5));
    } else if (op < 55) { /* XACK */
        if ((r = pick_rec(m, &gi))) {
            mg = &m->g[gi];
            g = stream_group_find(s, mg->name, strlen(mg->name));
            id = r->id;
            REQUIRE(stream_pel_ack(g, &id));
            mremove(mg, &id);
        }
    } else if (op < 63) { /* XCLAIM to ci, now or a bit earlier */
        if ((r = pick_rec(m, &gi))) {
            mg = &m->g[gi];
            g = stream_group_find(s, mg->name, strlen(mg->name));
            struct stream_consumer *c = stream_consumer_find(g, cname(ci), strlen(cname(ci)));
            if (!c) {
                c = stream_consumer_create(g, cname(ci), strlen(cname(ci)), m->now);
                mg->cexists[ci] = true;
            }
            int64_t t = m->now - (int64_t)(test_rng() % 4);
            if (t < 0)
                t = 0;
            struct stream_pending *p = stream_pel_find(g, &r->id);
            stream_pel_claim(g, p, c, t);
            stream_pending_count_up(p);
            r->owner = ci;
            r->time = t;
            if (r->count < STREAM_DELIVERY_COUNT_MAX)
                r->count++;
            r->seq = mg->seq++;
        }
    } else if (op < 68) { /* XNACK */
        if ((r = pick_rec(m, &gi))) {
            mg = &m->g[gi];
            g = stream_group_find(s, mg->name, strlen(mg->name));
            struct stream_pending *p = stream_pel_find(g, &r->id);
            stream_pel_release(g, p);
            p->delivery_count = STREAM_DELIVERY_COUNT_MAX;
            r->owner = -1;
            r->time = 0;
            r->count = STREAM_DELIVERY_COUNT_MAX;
            r->seq = mg->seq++;
        }
    } else if (op < 73) { /* XDEL */
        if (pick_live(s, &id))
            REQUIRE_EQ(stream_delete(s, &id), 1);
    } else if (op < 77) { /* XTRIM MAXLEN n KEEPREF|DELREF|ACKED */
        size_t before_n = s->length, k = 0;
        struct stream_id *before = malloc(sizeof(*before) * (before_n + 1));
        struct stream_iter it;
        struct stream_id lo = STREAM_ID_MIN, hi = STREAM_ID_MAX;
        stream_iter_start(&it, s, &lo, &hi, false);
        while (stream_iter_next(&it))
            before[k++] = it.id;
        stream_iter_stop(&it);
        bool *refd = calloc(before_n + 1, 1);
        for (size_t i = 0; i < before_n; i++)
            refd[i] = stream_entry_is_referenced(s, &before[i]);
        struct stream_trim_args t = {.strategy = STREAM_TRIM_MAXLEN,
                                     .maxlen = test_rng() % (before_n + 1),
                                     .approx = test_rng() % 2,
                                     .refs = (enum stream_ref_policy)(test_rng() % 3)};
        uint64_t removed = stream_trim(s, &t);
        REQUIRE_EQ(s->length + removed, before_n);
        for (size_t i = 0; i < before_n; i++) {
            if (stream_has_entry(s, &before[i]))
                continue;
            if (t.refs == STREAM_REFS_ACKED)
                REQUIRE(!refd[i]);
            if (t.refs == STREAM_REFS_DELETE)
                for (int j = 0; j < MAXG; j++)
                    mremove(&m->g[j], &before[i]);
        }
        free(before);
        free(refd);
    } else if (op < 79) { /* XGROUP DELCONSUMER */
        if (g && mg->cexists[ci]) {
            struct stream_consumer *c = stream_consumer_find(g, cname(ci), strlen(cname(ci)));
            uint64_t expect = 0;
            for (size_t i = 0; i < mg->n;)
                if (mg->recs[i].owner == ci) {
                    mg->recs[i] = mg->recs[--mg->n];
                    expect++;
                } else {
                    i++;
                }
            REQUIRE_EQ(stream_consumer_delete(g, c), expect);
            mg->cexists[ci] = false;
        }
    } else if (op < 82) { /* XGROUP SETID: an entry, 0 or $, counter known or not */
        if (g) {
            unsigned w = (unsigned)(test_rng() % 3);
            if (w == 0 && pick_live(s, &id))
                ;
            else if (w == 1)
                id = STREAM_ID_MIN;
            else
                id = s->last_id;
            int64_t read = test_rng() % 2 ? naive_read(m, &id) : STREAM_ENTRIES_READ_INVALID;
            stream_group_set_id(s, g, &id, read);
            mg->last = id;
        }
    } else if (op < 84) { /* XGROUP CREATE / DESTROY */
        if (g) {
            REQUIRE(stream_group_destroy(s, mg->name, strlen(mg->name)));
            mg->exists = false;
            mg->n = 0;
            memset(mg->cexists, 0, sizeof(mg->cexists));
        } else {
            id = test_rng() % 2 ? s->last_id : STREAM_ID_MIN;
            int64_t read = test_rng() % 2 ? naive_read(m, &id) : STREAM_ENTRIES_READ_INVALID;
            REQUIRE(stream_group_create(s, mg->name, strlen(mg->name), &id, read) != NULL);
            mg->exists = true;
            mg->last = id;
            mg->seq = 0;
        }
    } else if (op < 92) { /* history re-read: count up, time now, same owner */
        if ((r = pick_rec(m, &gi)) && r->owner >= 0) {
            mg = &m->g[gi];
            g = stream_group_find(s, mg->name, strlen(mg->name));
            struct stream_pending *p = stream_pel_find(g, &r->id);
            stream_pel_claim(g, p, p->owner, m->now);
            stream_pending_count_up(p);
            r->time = m->now;
            if (r->count < STREAM_DELIVERY_COUNT_MAX)
                r->count++;
            r->seq = mg->seq++;
        }
    } else if (op < 96) { /* XNACK FORCE of a live entry not pending */
        if (g && pick_live(s, &id) && !mfind(mg, &id)) {
            stream_pel_add(g, &id, NULL, 0, 0);
            r = madd(mg, &id);
            r->owner = -1;
            r->seq = mg->seq++;
        }
    } else { /* COPY: the copy's groups equal the model too */
        struct stream *d = new_stream();
        stream_groups_copy(d, s);
        compare(d, m, false);
        stream_free(d);
    }
}

/* Run the model test for steps random steps from seed. */
static void run_model(uint64_t seed, int steps)
{
    size_t base = mem_used();
    test_rng_seed(seed);
    struct stream *s = stream_new(STREAM_NODE_MAX_BYTES_DEFAULT, 1 + seed % 7);
    struct model m;
    memset(&m, 0, sizeof(m));
    for (int i = 0; i < MAXG; i++) {
        m.g[i].name[0] = 'g';
        m.g[i].name[1] = (char)('0' + i);
    }
    for (int i = 0; i < steps; i++) {
        model_step(s, &m);
        compare(s, &m, true);
        REQUIRE(stream_check(s));
        /* Keep the stream small so the naive recounts stay cheap. */
        if (s->length > 300) {
            struct stream_trim_args t = {.strategy = STREAM_TRIM_MAXLEN, .maxlen = 100};
            stream_trim(s, &t);
        }
    }
    /* The counters were checked in both states many times. */
    REQUIRE_GT(m.known_read, (uint64_t)steps / 4);
    REQUIRE_GT(m.known_lag, (uint64_t)steps / 4);
    REQUIRE_GT(m.unknown_lag, (uint64_t)steps / 50);
    stream_free(s);
    for (int i = 0; i < MAXG; i++)
        free(m.g[i].recs);
    free(m.added);
    REQUIRE_EQ(mem_used(), base);
}

START_TEST(test_model_20k)
{
    run_model(20261122, 20000);
}
END_TEST

START_TEST(test_model_seeds)
{
    for (uint64_t seed = 1; seed <= 12; seed++)
        run_model(seed * 7919, 3000);
}
END_TEST

/* A PEL of a million records: range and claim costs stay logarithmic
 * (this would take minutes if any step were linear in the PEL). */
START_TEST(test_million_pel)
{
    struct stream *s = stream_new(STREAM_NODE_MAX_BYTES_DEFAULT, STREAM_NODE_MAX_ENTRIES_DEFAULT);
    struct stream_group *g = create(s, "g", STREAM_ID_MIN, -1);
    struct stream_consumer *a = consumer(g, "a"), *b = consumer(g, "b");
    enum { N = 1000000 };
    for (uint64_t i = 1; i <= N; i++) {
        struct stream_id id = {i, 0};
        stream_pel_add(g, &id, i % 2 ? a : b, (int64_t)i, 1);
    }
    REQUIRE_EQ(stream_group_pending_count(g), N);
    /* 100k claims of the idlest record to the other consumer. */
    for (int i = 0; i < 100000; i++) {
        struct index_iter it;
        REQUIRE(index_seek(g->pel_time, &it, INDEX_FIRST, NULL));
        struct stream_pending *p = it.value;
        stream_pel_claim(g, p, p->owner == a ? b : a, N + i);
    }
    /* 100k acks spread over the PEL. */
    for (uint64_t i = 1; i <= N; i += 10) {
        struct stream_id id = {i, 0};
        REQUIRE(stream_pel_ack(g, &id));
    }
    REQUIRE_EQ(stream_group_pending_count(g), N - 100000);
    REQUIRE(stream_groups_check(s));
    stream_free(s);
}
END_TEST

/* The suite. */
static Suite *group_suite(void)
{
    Suite *s = suite_create("stream_group");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_groups_and_consumers_sorted);
    tcase_add_test(tc, test_deliver_ack_claim_release);
    tcase_add_test(tc, test_entries_read_and_lag);
    tcase_add_test(tc, test_estimate_rules);
    tcase_add_test(tc, test_trim_with_refs);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    TCase *model = tcase_create("model");
    tcase_add_test(model, test_model_20k);
    tcase_add_test(model, test_model_seeds);
    tcase_add_test(model, test_million_pel);
    tcase_set_timeout(model, 300);
    suite_add_tcase(s, model);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(group_suite());
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
