/* check_set.c -- set values: the intset (canonical integers only, sorted,
 * width that grows and never shrinks), the conversion rules (a
 * non-integer member, more members than max_intset, never back), the
 * intset blob of RDB and its validation, iteration, scanning, random
 * picks and sampling without repeats, copies, and a randomised run
 * against a plain model. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_test.h"
#include "mem.h"
#include "set.h"

static int add(struct set *s, const char *m, size_t max)
{
    return set_add(s, m, strlen(m), max);
}

static bool has(const struct set *s, const char *m)
{
    return set_contains(s, m, strlen(m));
}

/* The members in iteration order, joined by ','. */
static void joined(const struct set *s, char *out, size_t cap)
{
    struct set_iter it;
    const char *p;
    size_t len, n = 0;
    out[0] = '\0';
    set_iter_init(&it, s);
    while (set_iter_next(&it, &p, &len)) {
        ck_assert_uint_lt(n + len + 2, cap);
        if (n)
            out[n++] = ',';
        memcpy(out + n, p, len);
        n += len;
        out[n] = '\0';
    }
}

START_TEST(test_intset_basics)
{
    struct set *s = set_new(1);
    char buf[256];
    ck_assert_int_eq(add(s, "3", 512), 1);
    ck_assert_int_eq(add(s, "-1", 512), 1);
    ck_assert_int_eq(add(s, "2", 512), 1);
    ck_assert_int_eq(add(s, "3", 512), 0);
    ck_assert_uint_eq(set_len(s), 3);
    ck_assert_str_eq(set_encoding_name(s), "intset");
    joined(s, buf, sizeof(buf));
    ck_assert_str_eq(buf, "-1,2,3");
    ck_assert(has(s, "2"));
    ck_assert(!has(s, "02"));
    ck_assert(!has(s, "+2"));
    ck_assert(!has(s, "x"));
    ck_assert(!set_remove(s, "4", 1));
    ck_assert(!set_remove(s, "x", 1));
    ck_assert(set_remove(s, "-1", 2));
    joined(s, buf, sizeof(buf));
    ck_assert_str_eq(buf, "2,3");
    /* Width: 2 bytes, then 4 and 8 with wider members; never back. */
    ck_assert_uint_eq(s->width, 2);
    add(s, "70000", 512);
    ck_assert_uint_eq(s->width, 4);
    add(s, "-9223372036854775808", 512);
    ck_assert_uint_eq(s->width, 8);
    set_remove(s, "-9223372036854775808", 20);
    set_remove(s, "70000", 5);
    ck_assert_uint_eq(s->width, 8);
    ck_assert_str_eq(set_encoding_name(s), "intset");
    set_free(s);
}
END_TEST

START_TEST(test_conversion_rules)
{
    struct set *s = set_new(2);
    add(s, "1", 3);
    add(s, "2", 3);
    add(s, "3", 3);
    ck_assert_str_eq(set_encoding_name(s), "intset");
    add(s, "4", 3); /* past max_intset */
    ck_assert_str_eq(set_encoding_name(s), "hashtable");
    ck_assert_uint_eq(set_len(s), 4);
    for (int i = 1; i <= 4; i++) {
        char m[16];
        snprintf(m, sizeof(m), "%d", i);
        ck_assert(has(s, m));
    }
    set_remove(s, "1", 1);
    set_remove(s, "2", 1);
    ck_assert_str_eq(set_encoding_name(s), "hashtable");
    set_free(s);
    s = set_new(3);
    add(s, "10", 512);
    ck_assert_int_eq(add(s, "010", 512), 1); /* not canonical: a table */
    ck_assert_str_eq(set_encoding_name(s), "hashtable");
    ck_assert(has(s, "10"));
    ck_assert(has(s, "010"));
    ck_assert_int_eq(add(s, "10", 512), 0);
    ck_assert_int_eq(set_add(s, "a\0b", 3, 512), 1);
    ck_assert(set_contains(s, "a\0b", 3));
    ck_assert(!set_contains(s, "a", 1));
    ck_assert_uint_eq(set_len(s), 3);
    set_free(s);
}
END_TEST

START_TEST(test_intset_blob)
{
    struct set *s = set_new(4);
    add(s, "5", 512);
    add(s, "1", 512);
    size_t len;
    unsigned char *b = set_intset_blob(s, &len);
    ck_assert_uint_eq(len, 12);
    ck_assert_int_eq(memcmp(b, "\x02\x00\x00\x00\x02\x00\x00\x00\x01\x00\x05\x00", 12), 0);
    struct set *t = NULL;
    ck_assert_int_eq(set_from_intset_blob(&t, b, len, 4), 0);
    ck_assert_uint_eq(set_len(t), 2);
    ck_assert(has(t, "1") && has(t, "5"));
    set_free(t);
    mem_free(b);
    add(s, "-70000", 512);
    b = set_intset_blob(s, &len);
    ck_assert_uint_eq(len, 8 + 3 * 4);
    ck_assert_int_eq(set_from_intset_blob(&t, b, len, 4), 0);
    ck_assert(has(t, "-70000"));
    ck_assert_uint_eq(t->width, 4);
    set_free(t);
    mem_free(b);
    /* Malformed: short, bad width, wrong length, unsorted, repeated. */
    t = NULL;
    ck_assert_int_eq(set_from_intset_blob(&t, (const unsigned char *)"\x02\x00\x00", 3, 4), -1);
    ck_assert_int_eq(
        set_from_intset_blob(&t, (const unsigned char *)"\x03\x00\x00\x00\x00\x00\x00\x00", 8, 4),
        -1);
    ck_assert_int_eq(set_from_intset_blob(
                         &t, (const unsigned char *)"\x02\x00\x00\x00\x02\x00\x00\x00\x01\x00", 10,
                         4),
                     -1);
    ck_assert_int_eq(set_from_intset_blob(
                         &t,
                         (const unsigned char *)"\x02\x00\x00\x00\x02\x00\x00\x00\x05\x00\x01\x00",
                         12, 4),
                     -1);
    ck_assert_int_eq(set_from_intset_blob(
                         &t,
                         (const unsigned char *)"\x02\x00\x00\x00\x02\x00\x00\x00\x05\x00\x05\x00",
                         12, 4),
                     -1);
    ck_assert_ptr_null(t);
    set_free(s);
}
END_TEST

struct seen {
    char m[700][16];
    int n;
};

static void collect(void *ud, const char *p, size_t len)
{
    struct seen *s = ud;
    ck_assert_int_lt(s->n, 700);
    ck_assert_uint_lt(len, 16);
    memcpy(s->m[s->n], p, len);
    s->m[s->n][len] = '\0';
    s->n++;
}

static int seen_has(const struct seen *s, const char *m)
{
    int c = 0;
    for (int i = 0; i < s->n; i++)
        c += strcmp(s->m[i], m) == 0;
    return c;
}

START_TEST(test_scan_random_sample)
{
    for (int enc = 0; enc < 2; enc++) {
        struct set *s = set_new(5);
        for (int i = 0; i < 300; i++) {
            char m[16];
            snprintf(m, sizeof(m), enc ? "m%d" : "%d", i);
            add(s, m, 512);
        }
        ck_assert_str_eq(set_encoding_name(s), enc ? "hashtable" : "intset");
        /* Scan to the end: every member exactly once (no resize here). */
        static struct seen seen;
        seen.n = 0;
        uint64_t cursor = 0;
        do {
            cursor = set_scan(s, cursor, collect, &seen);
        } while (cursor);
        ck_assert_int_eq(seen.n, 300);
        for (int i = 0; i < 300; i++) {
            char m[16];
            snprintf(m, sizeof(m), enc ? "m%d" : "%d", i);
            ck_assert_int_eq(seen_has(&seen, m), 1);
        }
        /* Samples: distinct members; the whole set when count >= len. */
        uint64_t rng = 42;
        size_t counts[] = {1, 5, 120, 299, 300, 1000};
        for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
            seen.n = 0;
            size_t got = set_sample(s, counts[k], &rng, collect, &seen);
            ck_assert_uint_eq(got, counts[k] < 300 ? counts[k] : 300);
            ck_assert_int_eq(seen.n, (int)got);
            for (int i = 0; i < seen.n; i++) {
                ck_assert(has(s, seen.m[i]));
                ck_assert_int_eq(seen_has(&seen, seen.m[i]), 1);
            }
        }
        char buf[SET_NUM_MAX_CHARS];
        const char *p;
        size_t len;
        for (int i = 0; i < 100; i++) {
            ck_assert(set_random(s, &rng, buf, &p, &len));
            ck_assert(set_contains(s, p, len));
        }
        set_free(s);
    }
    struct set *e = set_new(6);
    char buf[SET_NUM_MAX_CHARS];
    const char *p;
    size_t len;
    uint64_t rng = 7;
    ck_assert(!set_random(e, &rng, buf, &p, &len));
    set_free(e);
}
END_TEST

START_TEST(test_dup_and_memory)
{
    for (int enc = 0; enc < 2; enc++) {
        struct set *s = set_new(8);
        add(s, "1", 512);
        add(s, "2", 512);
        if (enc)
            add(s, "x", 512);
        size_t m = set_memory(s);
        ck_assert_uint_gt(m, 0);
        struct set *d = set_dup(s);
        char a[64], b[64];
        joined(s, a, sizeof(a));
        joined(d, b, sizeof(b));
        ck_assert_str_eq(a, b);
        ck_assert_str_eq(set_encoding_name(d), set_encoding_name(s));
        add(d, "3", 512);
        ck_assert(!has(s, "3"));
        set_free(s);
        set_free(d);
    }
}
END_TEST

/* Random adds and removes against a bitmap over a small universe of
 * integers and words; max_intset small so conversions happen. */
START_TEST(test_model)
{
    test_rng_seed(99);
    for (int round = 0; round < 40; round++) {
        struct set *s = set_new((uint64_t)round);
        unsigned char model[200] = {0};
        size_t count = 0;
        bool words = round % 2;
        for (int op = 0; op < 2000; op++) {
            int k = (int)(test_rng() % 200);
            char m[16];
            if (words && k >= 150)
                snprintf(m, sizeof(m), "w%d", k);
            else
                snprintf(m, sizeof(m), "%d", k - 100);
            if (test_rng() % 3) {
                int r = add(s, m, 64);
                REQUIRE_EQ(r, !model[k]);
                count += !model[k];
                model[k] = 1;
            } else {
                bool r = set_remove(s, m, strlen(m));
                REQUIRE_EQ(r, model[k] != 0);
                count -= model[k];
                model[k] = 0;
            }
            REQUIRE_EQ(set_len(s), count);
        }
        for (int k = 0; k < 200; k++) {
            char m[16];
            if (words && k >= 150)
                snprintf(m, sizeof(m), "w%d", k);
            else
                snprintf(m, sizeof(m), "%d", k - 100);
            REQUIRE_EQ(has(s, m), model[k] != 0);
        }
        set_free(s);
    }
}
END_TEST

static Suite *set_suite(void)
{
    Suite *s = suite_create("set");
    TCase *tc = tcase_create("set");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_intset_basics);
    tcase_add_test(tc, test_conversion_rules);
    tcase_add_test(tc, test_intset_blob);
    tcase_add_test(tc, test_scan_random_sample);
    tcase_add_test(tc, test_dup_and_memory);
    tcase_add_test(tc, test_model);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(set_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
