/* check_stream_idmp.c -- the idempotent-production map: bounds and
 * XCFGSET's clearing rule, lookup and recording per producer, eviction by
 * maxsize, expiry by duration (age from the entry ID), out-of-order
 * records, copies, walks, IDMPAUTO's content iids, memory accounting, and
 * a randomised run against a plain model. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_test.h"
#include "mem.h"
#include "stream_idmp.h"

static struct stream_id mk(uint64_t ms, uint64_t seq)
{
    struct stream_id id = {ms, seq};
    return id;
}

/* Record with C strings as pid and iid. */
static int rec(struct stream_idmp *m, const char *pid, const char *iid, uint64_t ms, uint64_t seq,
               uint64_t now)
{
    struct stream_id id = mk(ms, seq);
    return stream_idmp_record(m, pid, strlen(pid), iid, strlen(iid), &id, now);
}

/* Look up with C strings; returns the ID's ms+seq packed, or -1. */
static bool find(struct stream_idmp *m, const char *pid, const char *iid, uint64_t now,
                 struct stream_id *out)
{
    return stream_idmp_find(m, pid, strlen(pid), iid, strlen(iid), now, out);
}

static struct stream_idmp_stats stats(const struct stream_idmp *m)
{
    struct stream_idmp_stats st;
    stream_idmp_stats(m, &st);
    return st;
}

START_TEST(test_defaults_and_configure)
{
    struct stream_idmp *m = stream_idmp_new();
    ck_assert_uint_eq(stream_idmp_duration(m), 100);
    ck_assert_uint_eq(stream_idmp_maxsize(m), 100);
    struct stream_idmp_stats st = stats(m);
    ck_assert_uint_eq(st.pids_tracked, 0);
    ck_assert_uint_eq(st.iids_tracked, 0);
    ck_assert_uint_eq(st.iids_added, 0);
    ck_assert_uint_eq(st.iids_duplicates, 0);
    /* Out of range: nothing changes. */
    ck_assert_int_eq(stream_idmp_configure(m, 0, 100), STREAM_IDMP_ERR_RANGE);
    ck_assert_int_eq(stream_idmp_configure(m, 86401, 100), STREAM_IDMP_ERR_RANGE);
    ck_assert_int_eq(stream_idmp_configure(m, 100, 0), STREAM_IDMP_ERR_RANGE);
    ck_assert_int_eq(stream_idmp_configure(m, 100, 10001), STREAM_IDMP_ERR_RANGE);
    ck_assert_uint_eq(stream_idmp_duration(m), 100);
    /* The same values: no change, history kept. */
    ck_assert_int_eq(rec(m, "p1", "a", 1000, 0, 1000), 0);
    ck_assert_int_eq(stream_idmp_configure(m, 100, 100), 0);
    ck_assert_uint_eq(stats(m).iids_tracked, 1);
    /* A new value clears every producer; lifetime counters stay. */
    ck_assert_int_eq(rec(m, "p2", "a", 1001, 0, 1001), 0);
    stream_idmp_count_duplicate(m);
    ck_assert_int_eq(stream_idmp_configure(m, 1, 100), 1);
    st = stats(m);
    ck_assert_uint_eq(st.pids_tracked, 0);
    ck_assert_uint_eq(st.iids_tracked, 0);
    ck_assert_uint_eq(st.iids_added, 2);
    ck_assert_uint_eq(st.iids_duplicates, 1);
    struct stream_id id;
    ck_assert(!find(m, "p1", "a", 1002, &id));
    ck_assert_int_eq(stream_idmp_configure(m, 1, 10000), 1);
    ck_assert_int_eq(stream_idmp_configure(m, 86400, 1), 1);
    ck_assert_uint_eq(stream_idmp_duration(m), 86400);
    ck_assert_uint_eq(stream_idmp_maxsize(m), 1);
    ck_assert(stream_idmp_check(m));
    stream_idmp_free(m);
    stream_idmp_free(NULL);
}
END_TEST

START_TEST(test_record_and_find)
{
    struct stream_idmp *m = stream_idmp_new();
    struct stream_id id;
    ck_assert(!find(m, "p1", "a", 1000, &id));
    ck_assert_int_eq(rec(m, "p1", "a", 1000, 0, 1000), 0);
    ck_assert(find(m, "p1", "a", 1000, &id));
    ck_assert_uint_eq(id.ms, 1000);
    ck_assert_uint_eq(id.seq, 0);
    /* The same pair again: already there with this ID, or a conflict. */
    ck_assert_int_eq(rec(m, "p1", "a", 1000, 0, 1000), 1);
    ck_assert_int_eq(rec(m, "p1", "a", 1000, 1, 1000), STREAM_IDMP_ERR_CONFLICT);
    /* Producers are isolated namespaces. */
    ck_assert(!find(m, "p2", "a", 1000, &id));
    ck_assert_int_eq(rec(m, "p2", "a", 1000, 1, 1000), 0);
    ck_assert(find(m, "p2", "a", 1000, &id));
    ck_assert_uint_eq(id.seq, 1);
    ck_assert(find(m, "p1", "a", 1000, &id));
    ck_assert_uint_eq(id.seq, 0);
    /* Empty pid or iid. */
    ck_assert_int_eq(rec(m, "", "a", 1000, 2, 1000), STREAM_IDMP_ERR_EMPTY);
    ck_assert_int_eq(rec(m, "p1", "", 1000, 2, 1000), STREAM_IDMP_ERR_EMPTY);
    /* Binary-safe keys: embedded NULs, prefixes are different keys. */
    struct stream_id b = mk(1000, 3);
    ck_assert_int_eq(stream_idmp_record(m, "p\0x", 3, "i\0\xff", 3, &b, 1000), 0);
    ck_assert(stream_idmp_find(m, "p\0x", 3, "i\0\xff", 3, 1000, &id));
    ck_assert(!stream_idmp_find(m, "p", 1, "i\0\xff", 3, 1000, &id));
    ck_assert(!stream_idmp_find(m, "p\0x", 3, "i", 1, 1000, &id));
    /* A long iid. */
    char *big = malloc(65536);
    memset(big, 'x', 65536);
    struct stream_id l = mk(1000, 4);
    ck_assert_int_eq(stream_idmp_record(m, "p1", 2, big, 65536, &l, 1000), 0);
    ck_assert(stream_idmp_find(m, "p1", 2, big, 65536, 1000, &id));
    ck_assert(!stream_idmp_find(m, "p1", 2, big, 65535, 1000, &id));
    free(big);
    struct stream_idmp_stats st = stats(m);
    ck_assert_uint_eq(st.pids_tracked, 3);
    ck_assert_uint_eq(st.iids_tracked, 4);
    ck_assert_uint_eq(st.iids_added, 4);
    ck_assert(stream_idmp_check(m));
    stream_idmp_free(m);
}
END_TEST

START_TEST(test_maxsize_eviction)
{
    struct stream_idmp *m = stream_idmp_new();
    ck_assert_int_eq(stream_idmp_configure(m, 60, 3), 1);
    char iid[16];
    for (int i = 1; i <= 4; i++) {
        snprintf(iid, sizeof(iid), "req-%d", i);
        ck_assert_int_eq(rec(m, "p1", iid, 5000, (uint64_t)i, 5000), 0);
    }
    struct stream_id id;
    ck_assert(!find(m, "p1", "req-1", 5000, &id));
    ck_assert(find(m, "p1", "req-2", 5000, &id));
    ck_assert(find(m, "p1", "req-4", 5000, &id));
    /* Each producer has its own budget. */
    for (int i = 1; i <= 3; i++) {
        snprintf(iid, sizeof(iid), "req-%d", i);
        ck_assert_int_eq(rec(m, "p2", iid, 5000, (uint64_t)(10 + i), 5000), 0);
    }
    ck_assert(find(m, "p1", "req-2", 5000, &id));
    ck_assert(find(m, "p2", "req-1", 5000, &id));
    struct stream_idmp_stats st = stats(m);
    ck_assert_uint_eq(st.pids_tracked, 2);
    ck_assert_uint_eq(st.iids_tracked, 6);
    ck_assert_uint_eq(st.iids_added, 7);
    /* Wraparound: only the last maxsize of 100 stay. */
    ck_assert_int_eq(stream_idmp_configure(m, 60, 8), 1);
    for (int i = 1; i <= 100; i++) {
        snprintf(iid, sizeof(iid), "req-%d", i);
        ck_assert_int_eq(rec(m, "p1", iid, 6000, (uint64_t)i, 6000), 0);
    }
    for (int i = 1; i <= 100; i++) {
        snprintf(iid, sizeof(iid), "req-%d", i);
        ck_assert_int_eq(find(m, "p1", iid, 6000, &id), i > 92);
        if (i > 92)
            ck_assert_uint_eq(id.seq, (uint64_t)i);
    }
    ck_assert(stream_idmp_check(m));
    stream_idmp_free(m);
}
END_TEST

START_TEST(test_expiry_by_duration)
{
    struct stream_idmp *m = stream_idmp_new();
    ck_assert_int_eq(stream_idmp_configure(m, 2, 100), 1);
    ck_assert_int_eq(rec(m, "p1", "a", 10000, 0, 10000), 0);
    ck_assert_int_eq(rec(m, "p1", "b", 11000, 0, 11000), 0);
    struct stream_id id;
    /* Kept for the whole duration, gone at exactly duration. */
    ck_assert(find(m, "p1", "a", 11999, &id));
    ck_assert(!find(m, "p1", "a", 12000, &id));
    ck_assert(find(m, "p1", "b", 12000, &id));
    ck_assert_uint_eq(stats(m).iids_tracked, 1);
    /* An expired pair can be recorded again, with a new ID. */
    ck_assert_int_eq(rec(m, "p1", "a", 12000, 0, 12000), 0);
    ck_assert(find(m, "p1", "a", 12000, &id));
    ck_assert_uint_eq(id.ms, 12000);
    /* An ID from the future does not expire before its time. */
    ck_assert_int_eq(rec(m, "p2", "f", 50000, 0, 12000), 0);
    ck_assert(find(m, "p2", "f", 51999, &id));
    ck_assert(!find(m, "p2", "f", 52000, &id));
    /* The clock before the ID (it went back): still held. */
    ck_assert_int_eq(rec(m, "p3", "g", 60000, 0, 60000), 0);
    ck_assert(find(m, "p3", "g", 1, &id));
    /* A full expiry drops producers left empty. */
    ck_assert_int_eq(rec(m, "p4", "h", 60000, 1, 60000), 0);
    stream_idmp_expire(m, 60000);
    ck_assert_uint_eq(stats(m).pids_tracked, 2);
    stream_idmp_expire(m, 61999);
    ck_assert_uint_eq(stats(m).pids_tracked, 2);
    stream_idmp_expire(m, 62000);
    struct stream_idmp_stats st = stats(m);
    ck_assert_uint_eq(st.pids_tracked, 0);
    ck_assert_uint_eq(st.iids_tracked, 0);
    ck_assert_uint_eq(st.iids_added, 6);
    ck_assert(stream_idmp_check(m));
    stream_idmp_free(m);
}
END_TEST

struct walk_log {
    char text[512];
};

static void walk_visit(void *ud, const char *pid, size_t pidlen, const char *iid, size_t iidlen,
                       const struct stream_id *id)
{
    struct walk_log *w = ud;
    char one[256];
    snprintf(one, sizeof(one), "%.*s/%.*s=%llu-%llu;", (int)pidlen, pid, (int)iidlen, iid,
             (unsigned long long)id->ms, (unsigned long long)id->seq);
    strncat(w->text, one, sizeof(w->text) - strlen(w->text) - 1);
}

START_TEST(test_out_of_order_records)
{
    /* XIDMPRECORD can map iids to older entries: the list stays in ID
     * order, so eviction takes the smallest ID and expiry stays a prefix. */
    struct stream_idmp *m = stream_idmp_new();
    ck_assert_int_eq(stream_idmp_configure(m, 100, 3), 1);
    ck_assert_int_eq(rec(m, "p", "c", 30000, 0, 30000), 0);
    ck_assert_int_eq(rec(m, "p", "a", 10000, 0, 30000), 0);
    ck_assert_int_eq(rec(m, "p", "b", 20000, 0, 30000), 0);
    ck_assert(stream_idmp_check(m));
    struct walk_log w = {{0}};
    stream_idmp_walk(m, walk_visit, &w);
    ck_assert_str_eq(w.text, "p/a=10000-0;p/b=20000-0;p/c=30000-0;");
    ck_assert_int_eq(rec(m, "p", "d", 40000, 0, 30000), 0);
    struct stream_id id;
    ck_assert(!find(m, "p", "a", 30000, &id));
    ck_assert(find(m, "p", "b", 30000, &id));
    /* At 120000 b (20000) is 100 s old: gone; c and d stay. */
    stream_idmp_expire(m, 120000);
    ck_assert_uint_eq(stats(m).iids_tracked, 2);
    ck_assert(!find(m, "p", "b", 120000, &id));
    ck_assert(find(m, "p", "c", 120000, &id));
    ck_assert(stream_idmp_check(m));
    stream_idmp_free(m);
}
END_TEST

START_TEST(test_dup_and_walk)
{
    struct stream_idmp *m = stream_idmp_new();
    ck_assert_int_eq(stream_idmp_configure(m, 50, 10), 1);
    ck_assert_int_eq(rec(m, "p", "x", 1000, 1, 1000), 0);
    ck_assert_int_eq(rec(m, "p", "y", 1000, 2, 1000), 0);
    ck_assert_int_eq(rec(m, "p", "w", 900, 0, 1000), 0);
    stream_idmp_count_duplicate(m);
    struct walk_log w = {{0}};
    stream_idmp_walk(m, walk_visit, &w);
    ck_assert_str_eq(w.text, "p/w=900-0;p/x=1000-1;p/y=1000-2;");

    struct stream_idmp *d = stream_idmp_dup(m);
    ck_assert(stream_idmp_check(d));
    ck_assert_uint_eq(stream_idmp_duration(d), 50);
    ck_assert_uint_eq(stream_idmp_maxsize(d), 10);
    struct stream_idmp_stats a = stats(m), b = stats(d);
    ck_assert_uint_eq(a.pids_tracked, b.pids_tracked);
    ck_assert_uint_eq(a.iids_tracked, b.iids_tracked);
    ck_assert_uint_eq(a.iids_added, b.iids_added);
    ck_assert_uint_eq(a.iids_duplicates, b.iids_duplicates);
    ck_assert_uint_eq(stream_idmp_memory(m), stream_idmp_memory(d));
    struct walk_log w2 = {{0}};
    stream_idmp_walk(d, walk_visit, &w2);
    ck_assert_str_eq(w.text, w2.text);
    /* Independent: a change to the copy leaves the original alone. */
    ck_assert_int_eq(rec(d, "q", "z", 1000, 3, 1000), 0);
    struct stream_id id;
    ck_assert(!find(m, "q", "z", 1000, &id));
    stream_idmp_free(m);
    ck_assert(find(d, "p", "x", 1000, &id));
    ck_assert(stream_idmp_check(d));
    stream_idmp_free(d);
}
END_TEST

static void auto_iid(const char *const *kv, size_t npairs, unsigned char out[16])
{
    struct stream_str fv[16];
    for (size_t i = 0; i < npairs * 2; i++) {
        fv[i].ptr = kv[i];
        fv[i].len = strlen(kv[i]);
    }
    stream_idmp_auto_iid(fv, npairs, out);
}

START_TEST(test_auto_iid)
{
    unsigned char a[16], b[16];
    const char *x1[] = {"amount", "100", "currency", "USD"};
    const char *x2[] = {"currency", "USD", "amount", "100"};
    auto_iid(x1, 2, a);
    auto_iid(x2, 2, b);
    ck_assert(memcmp(a, b, 16) == 0);
    /* A different value, a different field name, swapped field/value. */
    const char *y1[] = {"amount", "200", "currency", "USD"};
    auto_iid(y1, 2, b);
    ck_assert(memcmp(a, b, 16) != 0);
    const char *y2[] = {"field1", "value"}, *y3[] = {"field2", "value"};
    auto_iid(y2, 1, a);
    auto_iid(y3, 1, b);
    ck_assert(memcmp(a, b, 16) != 0);
    const char *y4[] = {"a", "b"}, *y5[] = {"b", "a"};
    auto_iid(y4, 1, a);
    auto_iid(y5, 1, b);
    ck_assert(memcmp(a, b, 16) != 0);
    /* Boundaries between parts matter: "ab"+"c" is not "a"+"bc". */
    const char *y6[] = {"ab", "c"}, *y7[] = {"a", "bc"};
    auto_iid(y6, 1, a);
    auto_iid(y7, 1, b);
    ck_assert(memcmp(a, b, 16) != 0);
    /* Empty values, and a repeated pair is not the single pair. */
    const char *y8[] = {"f", ""}, *y9[] = {"f", "value"};
    auto_iid(y8, 1, a);
    auto_iid(y9, 1, b);
    ck_assert(memcmp(a, b, 16) != 0);
    const char *z1[] = {"f", "v"}, *z2[] = {"f", "v", "f", "v"};
    auto_iid(z1, 1, a);
    auto_iid(z2, 2, b);
    ck_assert(memcmp(a, b, 16) != 0);
    /* Duplicate field names in any order. */
    const char *z3[] = {"f", "1", "f", "2"}, *z4[] = {"f", "2", "f", "1"};
    auto_iid(z3, 2, a);
    auto_iid(z4, 2, b);
    ck_assert(memcmp(a, b, 16) == 0);
    /* Stable across builds and runs: a known answer. */
    auto_iid(x1, 2, a);
    char hex[33];
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", a[i]);
    ck_assert_str_eq(hex, "765de9ff58b620ee08e49d1e87596a0b");
    /* Many distinct messages, no collisions. */
    enum { N = 20000 };
    unsigned char(*all)[16] = malloc(sizeof(*all) * N);
    for (int i = 0; i < N; i++) {
        char v[16];
        snprintf(v, sizeof(v), "%d", i);
        const char *kv[] = {"n", v};
        auto_iid(kv, 1, all[i]);
    }
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++)
            REQUIRE(memcmp(all[i], all[j], 8) != 0);
    free(all);
}
END_TEST

START_TEST(test_memory_accounting)
{
    size_t before = mem_used();
    struct stream_idmp *m = stream_idmp_new();
    size_t empty = stream_idmp_memory(m);
    ck_assert_uint_gt(empty, 0);
    ck_assert_uint_eq(mem_used() - before, empty);
    char iid[32];
    for (int p = 0; p < 20; p++) {
        char pid[32];
        snprintf(pid, sizeof(pid), "producer-%d", p);
        for (int i = 0; i < 50; i++) {
            snprintf(iid, sizeof(iid), "iid-%d", i);
            ck_assert_int_eq(rec(m, pid, iid, 1000, (uint64_t)(p * 100 + i), 1000), 0);
        }
    }
    /* The map's own count equals what the allocator handed out. */
    ck_assert_uint_eq(mem_used() - before, stream_idmp_memory(m));
    ck_assert_uint_gt(stream_idmp_memory(m), empty + 1000 * 16);
    stream_idmp_expire(m, 1000 + 100 * 1000);
    ck_assert_uint_eq(stats(m).iids_tracked, 0);
    ck_assert_uint_eq(mem_used() - before, stream_idmp_memory(m));
    ck_assert_uint_eq(stream_idmp_memory(m), empty);
    struct stream_idmp *d = stream_idmp_dup(m);
    stream_idmp_free(d);
    stream_idmp_free(m);
    ck_assert_uint_eq(mem_used(), before);
}
END_TEST

START_TEST(test_sweep_frees_idle_producers)
{
    /* Producers that never come back lose their iids while others write. */
    struct stream_idmp *m = stream_idmp_new();
    ck_assert_int_eq(stream_idmp_configure(m, 1, 100), 1);
    char pid[32];
    for (int p = 0; p < 64; p++) {
        snprintf(pid, sizeof(pid), "idle-%d", p);
        ck_assert_int_eq(rec(m, pid, "x", 1000, (uint64_t)p, 1000), 0);
    }
    ck_assert_uint_eq(stats(m).pids_tracked, 64);
    char iid[16];
    for (int i = 0; i < 200; i++) {
        snprintf(iid, sizeof(iid), "%d", i);
        ck_assert_int_eq(rec(m, "busy", iid, 5000, (uint64_t)i, 5000), 0);
    }
    ck_assert_uint_eq(stats(m).pids_tracked, 1);
    ck_assert(stream_idmp_check(m));
    stream_idmp_free(m);
}
END_TEST

/* The model: per producer an array of (iid number, id, insertion), oldest
 * first in ID order. */
struct model_rec {
    int iid;
    struct stream_id id;
};

struct model_prod {
    struct model_rec r[64];
    int n;
};

static void model_expire(struct model_prod *p, uint32_t duration, uint64_t now)
{
    int k = 0;
    for (int i = 0; i < p->n; i++) {
        bool expired = now >= p->r[i].id.ms && now - p->r[i].id.ms >= (uint64_t)duration * 1000;
        if (!expired)
            p->r[k++] = p->r[i];
    }
    p->n = k;
}

START_TEST(test_model)
{
    enum { PIDS = 8, IIDS = 40, STEPS = 200000 };
    test_rng_seed(12345);
    struct stream_idmp *m = stream_idmp_new();
    static struct model_prod prods[PIDS];
    memset(prods, 0, sizeof(prods));
    uint32_t duration = 5, maxsize = 16;
    ck_assert_int_eq(stream_idmp_configure(m, duration, maxsize), 1);
    uint64_t now = 100000, seq = 0, added = 0;
    for (int step = 0; step < STEPS; step++) {
        now += test_rng() % 40;
        int p = (int)(test_rng() % PIDS), iid = (int)(test_rng() % IIDS);
        char pid[16], iids[16];
        snprintf(pid, sizeof(pid), "p%d", p);
        snprintf(iids, sizeof(iids), "i%d", iid);
        struct model_prod *mp = &prods[p];
        model_expire(mp, duration, now);
        int at = -1;
        for (int i = 0; i < mp->n; i++)
            if (mp->r[i].iid == iid)
                at = i;
        struct stream_id got;
        bool found = find(m, pid, iids, now, &got);
        REQUIRE_EQ(found, at >= 0);
        if (found) {
            REQUIRE(stream_id_eq(&got, &mp->r[at].id));
            continue;
        }
        struct stream_id id = mk(now, seq++);
        REQUIRE_EQ(stream_idmp_record(m, pid, strlen(pid), iids, strlen(iids), &id, now), 0);
        added++;
        mp->r[mp->n].iid = iid;
        mp->r[mp->n].id = id;
        mp->n++;
        if (mp->n > (int)maxsize) {
            memmove(&mp->r[0], &mp->r[1], sizeof(mp->r[0]) * (size_t)(mp->n - 1));
            mp->n--;
        }
        if (step % 997 == 0) {
            REQUIRE(stream_idmp_check(m));
            stream_idmp_expire(m, now);
            uint64_t held = 0, pids = 0;
            for (int q = 0; q < PIDS; q++) {
                model_expire(&prods[q], duration, now);
                held += (uint64_t)prods[q].n;
                pids += prods[q].n > 0;
            }
            struct stream_idmp_stats st = stats(m);
            REQUIRE_EQ(st.iids_tracked, held);
            REQUIRE_EQ(st.pids_tracked, pids);
            REQUIRE_EQ(st.iids_added, added);
        }
    }
    ck_assert(stream_idmp_check(m));
    stream_idmp_free(m);
}
END_TEST

static Suite *stream_idmp_suite(void)
{
    Suite *s = suite_create("stream_idmp");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_defaults_and_configure);
    tcase_add_test(tc, test_record_and_find);
    tcase_add_test(tc, test_maxsize_eviction);
    tcase_add_test(tc, test_expiry_by_duration);
    tcase_add_test(tc, test_out_of_order_records);
    tcase_add_test(tc, test_dup_and_walk);
    tcase_add_test(tc, test_auto_iid);
    tcase_add_test(tc, test_memory_accounting);
    tcase_add_test(tc, test_sweep_frees_idle_producers);
    tcase_add_test(tc, test_model);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(stream_idmp_suite());
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
