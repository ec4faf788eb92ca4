/* check_hash.c -- hash values: both encodings (listpack order and in-place
 * updates, the table), the conversion rules (entries, field and value
 * length, never back), deletes and table shrinking, iteration, HSCAN's
 * cursor guarantee across resizes, random picks and sampling without
 * repeats, copies, memory accounting, and a randomised run of both
 * encodings against a plain model. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_test.h"
#include "hash.h"
#include "mem.h"

static const struct hash_limits LIMITS = {512, 64};
static const struct hash_limits TINY = {4, 8};

static int set(struct hash *h, const char *f, const char *v, const struct hash_limits *lim)
{
    return hash_set(h, f, strlen(f), v, strlen(v), lim);
}

/* The value of f as a C string in buf, or NULL. */
static const char *get(const struct hash *h, const char *f, char *buf, size_t cap)
{
    const char *v;
    size_t vlen;
    if (!hash_get(h, f, strlen(f), &v, &vlen))
        return NULL;
    ck_assert_uint_lt(vlen, cap);
    memcpy(buf, v, vlen);
    buf[vlen] = '\0';
    return buf;
}

/* The number in a field named like fmt ("k%d"), or -1; fields are not
 * NUL-terminated, so the name is copied first. */
static int field_index(const struct hash_pair *p, const char *fmt)
{
    char buf[64];
    size_t n = p->flen < sizeof(buf) - 1 ? p->flen : sizeof(buf) - 1;
    memcpy(buf, p->field, n);
    buf[n] = '\0';
    int idx = -1;
    if (sscanf(buf, fmt, &idx) != 1)
        return -1;
    return idx;
}

/* "f=v;" for every pair in iteration order. */
static void order_of(const struct hash *h, char *out, size_t cap)
{
    struct hash_iter it;
    struct hash_pair p;
    size_t n = 0;
    out[0] = '\0';
    hash_iter_init(&it, h);
    while (hash_iter_next(&it, &p))
        n += (size_t)snprintf(out + n, cap - n, "%.*s=%.*s;", (int)p.flen, p.field, (int)p.vlen,
                              p.value);
}

START_TEST(test_listpack_basics)
{
    struct hash *h = hash_new(1);
    char buf[128], order[512];
    ck_assert_uint_eq(hash_len(h), 0);
    ck_assert_str_eq(hash_encoding_name(h), "listpack");
    ck_assert_ptr_null(get(h, "a", buf, sizeof(buf)));
    ck_assert_int_eq(set(h, "a", "1", &LIMITS), 1);
    ck_assert_int_eq(set(h, "b", "2", &LIMITS), 1);
    ck_assert_int_eq(set(h, "c", "3", &LIMITS), 1);
    ck_assert_int_eq(set(h, "a", "one", &LIMITS), 0);
    ck_assert_uint_eq(hash_len(h), 3);
    ck_assert_str_eq(get(h, "a", buf, sizeof(buf)), "one");
    order_of(h, order, sizeof(order));
    ck_assert_str_eq(order, "a=one;b=2;c=3;");
    /* A shorter and a longer value in the middle keep the order. */
    ck_assert_int_eq(set(h, "b", "", &LIMITS), 0);
    ck_assert_int_eq(set(h, "c", "three-three", &LIMITS), 0);
    order_of(h, order, sizeof(order));
    ck_assert_str_eq(order, "a=one;b=;c=three-three;");
    ck_assert(hash_delete(h, "b", 1));
    ck_assert(!hash_delete(h, "b", 1));
    ck_assert(!hash_delete(h, "zz", 2));
    ck_assert_int_eq(set(h, "b", "again", &LIMITS), 1);
    order_of(h, order, sizeof(order));
    ck_assert_str_eq(order, "a=one;c=three-three;b=again;");
    ck_assert(hash_delete(h, "a", 1));
    ck_assert(hash_delete(h, "c", 1));
    ck_assert(hash_delete(h, "b", 1));
    ck_assert_uint_eq(hash_len(h), 0);
    ck_assert_ptr_null(h->u.lp.buf);
    /* Empty and binary fields. */
    ck_assert_int_eq(hash_set(h, "", 0, "", 0, &LIMITS), 1);
    ck_assert_int_eq(hash_set(h, "a\0b", 3, "x\0y", 3, &LIMITS), 1);
    const char *v;
    size_t vlen;
    ck_assert(hash_get(h, "", 0, &v, &vlen) && vlen == 0);
    ck_assert(hash_get(h, "a\0b", 3, &v, &vlen) && vlen == 3 && memcmp(v, "x\0y", 3) == 0);
    ck_assert(!hash_get(h, "a", 1, &v, &vlen));
    ck_assert(!hash_get(h, "a\0", 2, &v, &vlen));
    hash_free(h);
    hash_free(NULL);
}
END_TEST

START_TEST(test_conversion_rules)
{
    char buf[256];
    /* More fields than max_entries. */
    struct hash *h = hash_new(2);
    for (int i = 0; i < 4; i++) {
        char f[16];
        snprintf(f, sizeof(f), "f%d", i);
        set(h, f, "v", &TINY);
    }
    ck_assert_str_eq(hash_encoding_name(h), "listpack");
    set(h, "f0", "changed", &TINY); /* an update adds nothing */
    ck_assert_str_eq(hash_encoding_name(h), "listpack");
    set(h, "f4", "v", &TINY);
    ck_assert_str_eq(hash_encoding_name(h), "hashtable");
    ck_assert_uint_eq(hash_len(h), 5);
    ck_assert_str_eq(get(h, "f0", buf, sizeof(buf)), "changed");
    /* Never back, even when small again. */
    for (int i = 0; i < 5; i++) {
        char f[16];
        snprintf(f, sizeof(f), "f%d", i);
        ck_assert(hash_delete(h, f, strlen(f)));
    }
    set(h, "x", "y", &TINY);
    ck_assert_str_eq(hash_encoding_name(h), "hashtable");
    hash_free(h);
    /* A field or a value longer than max_value: at the limit stays. */
    h = hash_new(3);
    set(h, "12345678", "12345678", &TINY);
    ck_assert_str_eq(hash_encoding_name(h), "listpack");
    set(h, "a", "123456789", &TINY);
    ck_assert_str_eq(hash_encoding_name(h), "hashtable");
    ck_assert_str_eq(get(h, "a", buf, sizeof(buf)), "123456789");
    ck_assert_str_eq(get(h, "12345678", buf, sizeof(buf)), "12345678");
    hash_free(h);
    h = hash_new(3);
    set(h, "123456789", "v", &TINY);
    ck_assert_str_eq(hash_encoding_name(h), "hashtable");
    hash_free(h);
    /* An update to a long value converts too. */
    h = hash_new(3);
    set(h, "a", "short", &TINY);
    set(h, "a", "much longer", &TINY);
    ck_assert_str_eq(hash_encoding_name(h), "hashtable");
    ck_assert_uint_eq(hash_len(h), 1);
    hash_free(h);
    /* Limits of zero: an empty pair fits, anything else does not. */
    struct hash_limits zero_value = {512, 0};
    h = hash_new(4);
    ck_assert_int_eq(hash_set(h, "", 0, "", 0, &zero_value), 1);
    ck_assert_str_eq(hash_encoding_name(h), "listpack");
    set(h, "a", "", &zero_value);
    ck_assert_str_eq(hash_encoding_name(h), "hashtable");
    hash_free(h);
    struct hash_limits zero_entries = {0, 64};
    h = hash_new(4);
    set(h, "a", "1", &zero_entries);
    ck_assert_str_eq(hash_encoding_name(h), "hashtable");
    hash_free(h);
    /* hash_convert keeps every pair and is idempotent. */
    h = hash_new(5);
    set(h, "a", "1", &LIMITS);
    set(h, "b", "2", &LIMITS);
    hash_convert(h);
    hash_convert(h);
    ck_assert_str_eq(hash_encoding_name(h), "hashtable");
    ck_assert_str_eq(get(h, "a", buf, sizeof(buf)), "1");
    ck_assert_str_eq(get(h, "b", buf, sizeof(buf)), "2");
    ck_assert(hash_too_long(65, &LIMITS));
    ck_assert(!hash_too_long(64, &LIMITS));
    hash_free(h);
}
END_TEST

START_TEST(test_table_grow_and_shrink)
{
    struct hash *h = hash_new(6);
    hash_convert(h);
    char f[32], v[32], buf[64];
    for (int i = 0; i < 10000; i++) {
        snprintf(f, sizeof(f), "field:%d", i);
        snprintf(v, sizeof(v), "value:%d", i * 7);
        REQUIRE_EQ(hash_set(h, f, strlen(f), v, strlen(v), &LIMITS), 1);
    }
    ck_assert_uint_eq(hash_len(h), 10000);
    ck_assert_uint_ge(h->u.ht.size, 10000);
    for (int i = 0; i < 10000; i++) {
        snprintf(f, sizeof(f), "field:%d", i);
        snprintf(v, sizeof(v), "value:%d", i * 7);
        REQUIRE(get(h, f, buf, sizeof(buf)) && strcmp(buf, v) == 0);
    }
    /* Values that change size in place. */
    for (int i = 0; i < 10000; i += 3) {
        snprintf(f, sizeof(f), "field:%d", i);
        REQUIRE_EQ(hash_set(h, f, strlen(f), "x", 1, &LIMITS), 0);
    }
    for (int i = 0; i < 9990; i++) {
        snprintf(f, sizeof(f), "field:%d", i);
        REQUIRE(hash_delete(h, f, strlen(f)));
    }
    ck_assert_uint_eq(hash_len(h), 10);
    ck_assert_uint_le(h->u.ht.size, 128);
    ck_assert_str_eq(get(h, "field:9999", buf, sizeof(buf)), "x");
    ck_assert_str_eq(get(h, "field:9998", buf, sizeof(buf)), "value:69986");
    hash_free(h);
}
END_TEST

/* --- Scanning --------------------------------------------------------------------- */

struct seen {
    unsigned char *hit; /* per field index */
    size_t n;
};

static void scan_mark(void *ud, const struct hash_pair *p)
{
    struct seen *s = ud;
    int idx = field_index(p, "k%d");
    REQUIRE(idx >= 0 && (size_t)idx < s->n);
    s->hit[idx] = 1;
}

START_TEST(test_scan_across_resizes)
{
    enum { N = 2000 };
    struct hash *h = hash_new(7);
    hash_convert(h);
    char f[32];
    for (int i = 0; i < N; i++) {
        snprintf(f, sizeof(f), "k%d", i);
        hash_set(h, f, strlen(f), "v", 1, &LIMITS);
    }
    struct seen s = {calloc(3 * N, 1), 3 * N};
    /* Grow the table mid-scan (fields N..2N-1 come and may or may not be
     * seen), then shrink it (fields N/2..N-1 go): fields 0..N/2-1 are
     * present throughout and must all be returned. */
    uint64_t cursor = 0;
    int round = 0;
    do {
        cursor = hash_scan(h, cursor, scan_mark, &s);
        round++;
        if (round == 50)
            for (int i = N; i < 3 * N; i++) {
                snprintf(f, sizeof(f), "k%d", i);
                hash_set(h, f, strlen(f), "v", 1, &LIMITS);
            }
        if (round == 500)
            for (int i = N / 2; i < 3 * N; i++) {
                snprintf(f, sizeof(f), "k%d", i);
                hash_delete(h, f, strlen(f));
            }
    } while (cursor);
    for (int i = 0; i < N / 2; i++)
        REQUIRE(s.hit[i]);
    free(s.hit);
    /* A listpack is returned whole, cursor 0. */
    struct hash *lp = hash_new(8);
    for (int i = 0; i < 10; i++) {
        snprintf(f, sizeof(f), "k%d", i);
        hash_set(lp, f, strlen(f), "v", 1, &LIMITS);
    }
    struct seen t = {calloc(10, 1), 10};
    ck_assert_uint_eq(hash_scan(lp, 12345, scan_mark, &t), 0);
    for (int i = 0; i < 10; i++)
        ck_assert(t.hit[i]);
    free(t.hit);
    hash_free(lp);
    hash_free(h);
}
END_TEST

/* --- Random choice ------------------------------------------------------------------- */

struct sample {
    int count[64];
    int yielded;
    char order[1024];
    size_t olen;
};

static void sample_mark(void *ud, const struct hash_pair *p)
{
    struct sample *s = ud;
    int idx = field_index(p, "k%d");
    REQUIRE(idx >= 0 && idx < 64);
    s->count[idx]++;
    s->yielded++;
    s->olen += (size_t)snprintf(s->order + s->olen, sizeof(s->order) - s->olen, "%d,", idx);
}

static void check_sampling(struct hash *h, int size)
{
    uint64_t rng = 12345;
    for (int count = 0; count <= size + 2; count++) {
        for (int round = 0; round < 20; round++) {
            struct sample s;
            memset(&s, 0, sizeof(s));
            size_t got = hash_sample(h, (size_t)count, &rng, sample_mark, &s);
            int want = count < size ? count : size;
            REQUIRE_EQ(got, (size_t)want);
            REQUIRE_EQ(s.yielded, want);
            for (int i = 0; i < 64; i++)
                REQUIRE(s.count[i] <= 1);
        }
    }
    /* Every field turns up in single picks. */
    int hits[64] = {0};
    for (int i = 0; i < 5000; i++) {
        struct hash_pair p;
        REQUIRE(hash_random(h, &rng, &p));
        int idx = field_index(&p, "k%d");
        REQUIRE(idx >= 0 && idx < 64);
        hits[idx]++;
    }
    for (int i = 0; i < size; i++)
        REQUIRE(hits[i] > 0);
}

START_TEST(test_random_and_sample)
{
    struct hash *h = hash_new(9);
    struct hash_pair p;
    uint64_t rng = 1;
    ck_assert(!hash_random(h, &rng, &p));
    char f[16];
    for (int i = 0; i < 40; i++) {
        snprintf(f, sizeof(f), "k%d", i);
        hash_set(h, f, strlen(f), "v", 1, &LIMITS);
    }
    check_sampling(h, 40);
    /* A listpack sample keeps the hash's order. */
    struct sample s;
    memset(&s, 0, sizeof(s));
    hash_sample(h, 10, &rng, sample_mark, &s);
    int last = -1, idx;
    for (char *q = s.order; sscanf(q, "%d,", &idx) == 1; q = strchr(q, ',') + 1) {
        ck_assert_int_gt(idx, last);
        last = idx;
    }
    hash_convert(h);
    check_sampling(h, 40);
    hash_free(h);
}
END_TEST

START_TEST(test_dup_and_memory)
{
    size_t base = mem_used();
    char order1[4096], order2[4096];
    struct hash *h = hash_new(10);
    set(h, "a", "1", &LIMITS);
    set(h, "b", "2", &LIMITS);
    size_t m1 = hash_memory(h);
    ck_assert_uint_gt(m1, 0);
    struct hash *d = hash_dup(h);
    order_of(h, order1, sizeof(order1));
    order_of(d, order2, sizeof(order2));
    ck_assert_str_eq(order1, order2);
    ck_assert_str_eq(hash_encoding_name(d), "listpack");
    set(d, "c", "3", &LIMITS);
    ck_assert_uint_eq(hash_len(h), 2);
    hash_free(d);
    char f[16];
    for (int i = 0; i < 100; i++) {
        snprintf(f, sizeof(f), "f%d", i);
        set(h, f, "value", &TINY);
    }
    ck_assert_str_eq(hash_encoding_name(h), "hashtable");
    ck_assert_uint_gt(hash_memory(h), m1);
    d = hash_dup(h);
    ck_assert_str_eq(hash_encoding_name(d), "hashtable");
    order_of(h, order1, sizeof(order1));
    order_of(d, order2, sizeof(order2));
    ck_assert_str_eq(order1, order2);
    ck_assert_uint_eq(hash_memory(d), hash_memory(h));
    /* The table's entry bytes are accounted as they change. */
    size_t before = hash_memory(h);
    set(h, "f1", "a much longer value than before, to grow the entry", &TINY);
    ck_assert_uint_gt(hash_memory(h), before);
    hash_free(d);
    hash_free(h);
    ck_assert_uint_eq(mem_used(), base);
}
END_TEST

/* --- A randomised run against a plain model --------------------------------------------- */

#define MODEL_FIELDS 300

struct model {
    char *val[MODEL_FIELDS]; /* NULL: absent */
    size_t vlen[MODEL_FIELDS];
    size_t count;
};

static void model_run(const struct hash_limits *lim, uint64_t seed, int steps)
{
    test_rng_seed(seed);
    struct model m;
    memset(&m, 0, sizeof(m));
    struct hash *h = hash_new(seed);
    char f[32], v[128];
    for (int step = 0; step < steps; step++) {
        int i = (int)(test_rng() % MODEL_FIELDS);
        size_t flen = (size_t)snprintf(f, sizeof(f), "field-%d", i);
        unsigned op = (unsigned)(test_rng() % 10);
        if (op < 6) {
            size_t vlen = (size_t)(test_rng() % (op == 0 ? 100 : 12));
            for (size_t j = 0; j < vlen; j++)
                v[j] = (char)(test_rng() & 0xff);
            int rc = hash_set(h, f, flen, v, vlen, lim);
            REQUIRE_EQ(rc, m.val[i] ? 0 : 1);
            if (!m.val[i])
                m.count++;
            free(m.val[i]);
            m.val[i] = malloc(vlen + 1);
            memcpy(m.val[i], v, vlen);
            m.vlen[i] = vlen;
        } else if (op < 9) {
            REQUIRE_EQ(hash_delete(h, f, flen), m.val[i] != NULL);
            if (m.val[i]) {
                free(m.val[i]);
                m.val[i] = NULL;
                m.count--;
            }
        } else {
            const char *got;
            size_t glen;
            bool found = hash_get(h, f, flen, &got, &glen);
            REQUIRE_EQ(found, m.val[i] != NULL);
            if (found)
                REQUIRE(glen == m.vlen[i] && memcmp(got, m.val[i], glen) == 0);
        }
        REQUIRE_EQ(hash_len(h), m.count);
        if (step % 997 == 0) {
            /* Iteration yields each present field exactly once. */
            unsigned char seen[MODEL_FIELDS] = {0};
            struct hash_iter it;
            struct hash_pair p;
            size_t n = 0;
            hash_iter_init(&it, h);
            while (hash_iter_next(&it, &p)) {
                int idx = field_index(&p, "field-%d");
                REQUIRE(idx >= 0 && m.val[idx] && !seen[idx]);
                REQUIRE(p.vlen == m.vlen[idx] && memcmp(p.value, m.val[idx], p.vlen) == 0);
                seen[idx] = 1;
                n++;
            }
            REQUIRE_EQ(n, m.count);
        }
    }
    for (int i = 0; i < MODEL_FIELDS; i++)
        free(m.val[i]);
    hash_free(h);
}

START_TEST(test_model_listpack)
{
    struct hash_limits big = {100000, 1000};
    model_run(&big, 11, 100000);
}
END_TEST

START_TEST(test_model_converting)
{
    model_run(&LIMITS, 12, 100000); /* values up to 99 bytes: converts early */
    struct hash_limits entries = {50, 1000};
    model_run(&entries, 13, 100000);
}
END_TEST

static Suite *hash_suite(void)
{
    Suite *s = suite_create("hash");
    TCase *tc = tcase_create("hash");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_listpack_basics);
    tcase_add_test(tc, test_conversion_rules);
    tcase_add_test(tc, test_table_grow_and_shrink);
    tcase_add_test(tc, test_scan_across_resizes);
    tcase_add_test(tc, test_random_and_sample);
    tcase_add_test(tc, test_dup_and_memory);
    tcase_add_test(tc, test_model_listpack);
    tcase_add_test(tc, test_model_converting);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(hash_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
