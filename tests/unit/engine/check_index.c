/* check_index.c -- the B+tree index: inserts, removals, every seek, both
 * iteration directions, with up to a million keys in ascending, descending
 * and random order, checked against a sorted array. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "engine_test.h"
#include "index.h"
#include "mem.h"

#define BIG 1000000


static struct stream_id key(uint64_t ms, uint64_t seq)
{
    struct stream_id k = {ms, seq};
    return k;
}

/* The value stored for a key, so lookups can be verified. */
static void *val_of(const struct stream_id *k)
{
    return (void *)(uintptr_t)((k->ms * 1000003u) ^ k->seq ^ 1u);
}

static int cmp_ids(const void *a, const void *b)
{
    return stream_id_cmp(a, b);
}

START_TEST(test_empty)
{
    size_t base = mem_used();
    struct index *ix = index_new();
    struct index_iter it;
    struct stream_id k = key(1, 1);
    void *v;
    REQUIRE_EQ(index_count(ix), 0);
    REQUIRE_EQ(index_node_count(ix), 0);
    REQUIRE(!index_find(ix, &k, &v));
    REQUIRE(index_find_ref(ix, &k) == NULL);
    REQUIRE(!index_remove(ix, &k, &v));
    for (int op = INDEX_FIRST; op <= INDEX_LT; op++)
        REQUIRE(!index_seek(ix, &it, (enum index_seek_op)op, &k));
    REQUIRE(!index_next(&it));
    REQUIRE(!index_prev(&it));
    REQUIRE(index_check(ix));
    index_free(ix, NULL);
    REQUIRE_EQ(mem_used(), base);
}
END_TEST

START_TEST(test_small)
{
    struct index *ix = index_new();
    struct stream_id a = key(5, 0), b = key(5, 1), c = key(3, 9);
    REQUIRE(index_insert(ix, &a, (void *)1));
    REQUIRE(index_insert(ix, &b, (void *)2));
    REQUIRE(index_insert(ix, &c, (void *)3));
    REQUIRE(!index_insert(ix, &a, (void *)9));   /* duplicate: unchanged */
    REQUIRE_EQ(index_count(ix), 3);
    void *v;
    REQUIRE(index_find(ix, &a, &v));
    REQUIRE_EQ(v, (void *)1);
    void **slot = index_find_ref(ix, &b);
    REQUIRE(slot != NULL);
    *slot = (void *)22;
    REQUIRE(index_find(ix, &b, &v));
    REQUIRE_EQ(v, (void *)22);

    struct index_iter it;
    REQUIRE(index_seek(ix, &it, INDEX_FIRST, NULL));
    REQUIRE(stream_id_eq(&it.key, &c));
    REQUIRE(index_next(&it));
    REQUIRE(stream_id_eq(&it.key, &a));
    index_iter_set_value(&it, (void *)11);
    REQUIRE(index_find(ix, &a, &v));
    REQUIRE_EQ(v, (void *)11);
    REQUIRE(index_next(&it));
    REQUIRE(stream_id_eq(&it.key, &b));
    REQUIRE(!index_next(&it));
    REQUIRE(!index_next(&it));

    REQUIRE(index_remove(ix, &a, &v));
    REQUIRE_EQ(v, (void *)11);
    REQUIRE(!index_remove(ix, &a, &v));
    REQUIRE_EQ(index_count(ix), 2);
    REQUIRE(index_check(ix));
    REQUIRE(index_remove(ix, &b, NULL));
    REQUIRE(index_remove(ix, &c, NULL));
    REQUIRE_EQ(index_count(ix), 0);
    REQUIRE_EQ(index_node_count(ix), 0);
    REQUIRE(index_check(ix));
    /* Usable again after becoming empty. */
    REQUIRE(index_insert(ix, &c, (void *)3));
    REQUIRE(index_seek(ix, &it, INDEX_LAST, NULL));
    REQUIRE(stream_id_eq(&it.key, &c));
    index_free(ix, NULL);
}
END_TEST

/* Every seek operation against a reference sorted array of keys. */
static void check_seeks(const struct index *ix, const struct stream_id *keys, size_t n,
                        const struct stream_id *q)
{
    /* lo = first index with keys[lo] >= q; hi = first with keys[hi] > q */
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (stream_id_cmp(&keys[mid], q) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t ge = lo;
    size_t gt = (ge < n && stream_id_eq(&keys[ge], q)) ? ge + 1 : ge;
    struct index_iter it;
    bool ok;

    ok = index_seek(ix, &it, INDEX_GE, q);
    REQUIRE_EQ(ok, ge < n);
    if (ok) {
        REQUIRE(stream_id_eq(&it.key, &keys[ge]));
        REQUIRE_EQ(it.value, val_of(&keys[ge]));
    }
    ok = index_seek(ix, &it, INDEX_GT, q);
    REQUIRE_EQ(ok, gt < n);
    if (ok)
        REQUIRE(stream_id_eq(&it.key, &keys[gt]));
    ok = index_seek(ix, &it, INDEX_LE, q);
    REQUIRE_EQ(ok, gt > 0);
    if (ok)
        REQUIRE(stream_id_eq(&it.key, &keys[gt - 1]));
    ok = index_seek(ix, &it, INDEX_LT, q);
    REQUIRE_EQ(ok, ge > 0);
    if (ok) {
        REQUIRE(stream_id_eq(&it.key, &keys[ge - 1]));
        /* And walk a few steps both ways from there. */
        size_t pos = ge - 1;
        for (int s = 0; s < 3; s++) {
            bool more = index_next(&it);
            pos++;
            REQUIRE_EQ(more, pos < n);
            if (!more)
                break;
            REQUIRE(stream_id_eq(&it.key, &keys[pos]));
        }
    }
    ok = index_seek(ix, &it, INDEX_GE, q);
    if (ok) {
        size_t pos = ge;
        for (int s = 0; s < 3; s++) {
            bool more = index_prev(&it);
            REQUIRE_EQ(more, pos > 0);
            if (!more)
                break;
            pos--;
            REQUIRE(stream_id_eq(&it.key, &keys[pos]));
        }
    }
}

/* Full forward and backward walks must list exactly keys[0..n). */
static void check_walks(const struct index *ix, const struct stream_id *keys, size_t n)
{
    struct index_iter it;
    size_t i = 0;
    for (bool ok = index_seek(ix, &it, INDEX_FIRST, NULL); ok; ok = index_next(&it)) {
        REQUIRE_LT(i, n);
        REQUIRE(stream_id_eq(&it.key, &keys[i]));
        REQUIRE_EQ(it.value, val_of(&keys[i]));
        i++;
    }
    REQUIRE_EQ(i, n);
    for (bool ok = index_seek(ix, &it, INDEX_LAST, NULL); ok; ok = index_prev(&it)) {
        REQUIRE_GT(i, 0);
        i--;
        REQUIRE(stream_id_eq(&it.key, &keys[i]));
    }
    REQUIRE_EQ(i, 0);
}

START_TEST(test_seek_gaps)
{
    /* Keys with gaps; query every neighbour of every key and the ends. */
    struct index *ix = index_new();
    size_t n = 5000;
    struct stream_id *keys = malloc(n * sizeof(*keys));
    for (size_t i = 0; i < n; i++) {
        keys[i] = key(10 + (i / 7) * 3, (i % 7) * 2 + 1);
        REQUIRE(index_insert(ix, &keys[i], val_of(&keys[i])));
    }
    REQUIRE(index_check(ix));
    check_walks(ix, keys, n);
    for (size_t i = 0; i < n; i++) {
        struct stream_id q = keys[i];
        check_seeks(ix, keys, n, &q);
        q.seq--;
        check_seeks(ix, keys, n, &q);
        q.seq += 2;
        check_seeks(ix, keys, n, &q);
        q = key(keys[i].ms + 1, 0);
        check_seeks(ix, keys, n, &q);
    }
    struct stream_id lo = STREAM_ID_MIN, hi = STREAM_ID_MAX;
    check_seeks(ix, keys, n, &lo);
    check_seeks(ix, keys, n, &hi);
    free(keys);
    index_free(ix, NULL);
}
END_TEST

START_TEST(test_ascending_million)
{
    size_t base = mem_used();
    struct index *ix = index_new();
    struct stream_id *keys = malloc(BIG * sizeof(*keys));
    for (size_t i = 0; i < BIG; i++) {
        keys[i] = key(1700000000000ULL + i / 3, i % 3);
        REQUIRE(index_insert(ix, &keys[i], val_of(&keys[i])));
    }
    REQUIRE_EQ(index_count(ix), BIG);
    REQUIRE(index_check(ix));
    /* Built in order, leaves are full: ~63 records each. */
    REQUIRE_LT(index_node_count(ix), BIG / 60 + 100);
    REQUIRE_LT(index_memory(ix), (size_t)BIG * 26);
    check_walks(ix, keys, BIG);
    test_rng_seed(11);
    for (int i = 0; i < 20000; i++) {
        struct stream_id q = keys[test_rng() % BIG];
        q.seq += test_rng() % 3;
        check_seeks(ix, keys, BIG, &q);
    }
    /* Consume from the head, as acknowledgements drain a PEL. */
    for (size_t i = 0; i < BIG; i++) {
        void *v;
        REQUIRE(index_remove(ix, &keys[i], &v));
        REQUIRE_EQ(v, val_of(&keys[i]));
        if (i % 99991 == 0) {
            REQUIRE(index_check(ix));
            struct index_iter it;
            REQUIRE_EQ(index_seek(ix, &it, INDEX_FIRST, NULL), i + 1 < BIG);
            if (i + 1 < BIG)
                REQUIRE(stream_id_eq(&it.key, &keys[i + 1]));
        }
    }
    REQUIRE_EQ(index_count(ix), 0);
    REQUIRE_EQ(index_node_count(ix), 0);
    REQUIRE(index_check(ix));
    index_free(ix, NULL);
    REQUIRE_EQ(mem_used(), base);
    free(keys);
}
END_TEST

START_TEST(test_descending_then_tail_removal)
{
    struct index *ix = index_new();
    size_t n = 200000;
    struct stream_id *keys = malloc(n * sizeof(*keys));
    for (size_t i = 0; i < n; i++)
        keys[i] = key(i * 2, 0);
    for (size_t i = n; i-- > 0;)
        REQUIRE(index_insert(ix, &keys[i], val_of(&keys[i])));
    REQUIRE(index_check(ix));
    check_walks(ix, keys, n);
    /* Remove from the tail end. */
    for (size_t i = n; i-- > n / 2;) {
        REQUIRE(index_remove(ix, &keys[i], NULL));
        if (i % 9973 == 0)
            REQUIRE(index_check(ix));
    }
    REQUIRE(index_check(ix));
    check_walks(ix, keys, n / 2);
    free(keys);
    index_free(ix, NULL);
}
END_TEST

static int free_calls;
static void count_free(void *v)
{
    (void)v;
    free_calls++;
}

START_TEST(test_random_million)
{
    size_t base = mem_used();
    struct index *ix = index_new();
    struct stream_id *keys = malloc(BIG * sizeof(*keys));
    test_rng_seed(12345);
    size_t n = 0;
    for (size_t i = 0; i < BIG; i++) {
        struct stream_id k = key(test_rng() % 5000000, test_rng() % 4);
        if (index_insert(ix, &k, val_of(&k)))
            keys[n++] = k;
        else
            REQUIRE(index_find(ix, &k, NULL));
    }
    REQUIRE_EQ(index_count(ix), n);
    REQUIRE(index_check(ix));
    qsort(keys, n, sizeof(*keys), cmp_ids);
    check_walks(ix, keys, n);
    for (int i = 0; i < 20000; i++) {
        struct stream_id q = key(test_rng() % 5100000, test_rng() % 5);
        check_seeks(ix, keys, n, &q);
    }
    /* Remove a random half (every key with a coin flip), then check
     * everything against the survivors. */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (test_rng() & 1) {
            void *v;
            REQUIRE(index_remove(ix, &keys[i], &v));
            REQUIRE_EQ(v, val_of(&keys[i]));
            REQUIRE(!index_find(ix, &keys[i], NULL));
        } else {
            keys[kept++] = keys[i];
        }
    }
    REQUIRE_EQ(index_count(ix), kept);
    REQUIRE(index_check(ix));
    check_walks(ix, keys, kept);
    for (int i = 0; i < 20000; i++) {
        struct stream_id q = key(test_rng() % 5100000, test_rng() % 5);
        check_seeks(ix, keys, kept, &q);
    }
    for (size_t i = 0; i < kept; i += 97) {
        void *v;
        REQUIRE(index_find(ix, &keys[i], &v));
        REQUIRE_EQ(v, val_of(&keys[i]));
    }
    free_calls = 0;
    index_free(ix, count_free);
    REQUIRE_EQ(free_calls, (int)kept);
    REQUIRE_EQ(mem_used(), base);
    free(keys);
}
END_TEST

START_TEST(test_churn)
{
    /* Interleaved inserts and removals around a moving window, checking
     * the tree after each burst: exercises borrow and merge at every
     * level. */
    struct index *ix = index_new();
    test_rng_seed(99);
    size_t cap = 300000, n = 0;
    struct stream_id *keys = malloc(cap * sizeof(*keys));
    uint64_t next = 0;
    for (int round = 0; round < 60; round++) {
        int adds = (int)(test_rng() % 6000), dels = (int)(test_rng() % 6000);
        for (int i = 0; i < adds && n < cap; i++) {
            next += 1 + test_rng() % 3;
            keys[n] = key(next, 0);
            REQUIRE(index_insert(ix, &keys[n], val_of(&keys[n])));
            n++;
        }
        for (int i = 0; i < dels && n > 0; i++) {
            size_t j = (size_t)(test_rng() % n);
            REQUIRE(index_remove(ix, &keys[j], NULL));
            keys[j] = keys[--n];
        }
        REQUIRE_EQ(index_count(ix), n);
        REQUIRE(index_check(ix));
    }
    qsort(keys, n, sizeof(*keys), cmp_ids);
    check_walks(ix, keys, n);
    free(keys);
    index_free(ix, NULL);
}
END_TEST

START_TEST(test_tiny_footprint)
{
    /* A one-record index (a one-node stream) stays small. */
    struct index *ix = index_new();
    struct stream_id k = key(1, 0);
    index_insert(ix, &k, (void *)1);
    REQUIRE_LE(index_memory(ix), 256);
    REQUIRE_EQ(index_node_count(ix), 1);
    /* Growing past the first leaf's room keeps every record. */
    for (uint64_t i = 2; i < 200; i++) {
        k = key(i, 0);
        REQUIRE(index_insert(ix, &k, (void *)(uintptr_t)i));
        REQUIRE(index_check(ix));
    }
    for (uint64_t i = 2; i < 200; i++) {
        void *v;
        k = key(i, 0);
        REQUIRE(index_find(ix, &k, &v));
        REQUIRE_EQ(v, (void *)(uintptr_t)i);
    }
    index_free(ix, NULL);
}
END_TEST

static Suite *index_suite(void)
{
    Suite *s = suite_create("index");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_empty);
    tcase_add_test(tc, test_small);
    tcase_add_test(tc, test_seek_gaps);
    tcase_add_test(tc, test_tiny_footprint);
    tcase_add_test(tc, test_churn);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    TCase *big = tcase_create("million");
    tcase_add_test(big, test_ascending_million);
    tcase_add_test(big, test_descending_then_tail_removal);
    tcase_add_test(big, test_random_million);
    tcase_set_timeout(big, 120);
    suite_add_tcase(s, big);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(index_suite());
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
