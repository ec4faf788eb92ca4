/* check_rdb_prefetch.c -- Check suite for rdb_prefetch.c.
 *
 * The thread must hand over exactly what reading the pairs here gives:
 * the same bytes, the reader at the same position after each pair, and at
 * a malformed pair the same error text and offset, at the same pair.
 * The input: node-like pairs (a 16-byte key, then a string of 1 byte to
 * 300 KB, compressible or not, plain, LZF or integer-encoded), written by
 * rdb_writer with compression on and off; then every cut of it, and
 * flipped bytes.  Also stopped early, and batches grown past their first
 * buffer.  Run under SANITIZE=1 for the races and leaks. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "rdb_codec.h"
#include "rdb_prefetch.h"
#include "unit/test_rng.h"


/* npairs pairs in RDB string encodings (big: some of 100-300 KB). */
static unsigned char *make_pairs(size_t npairs, int compress, int big, size_t *len)
{
    struct rdb_writer w;
    rdb_writer_init(&w, NULL, NULL, compress);
    char *v = malloc(300 * 1024);
    for (size_t i = 0; i < npairs; i++) {
        unsigned char key[16];
        for (int k = 0; k < 16; k++)
            key[k] = (unsigned char)(i >> (k % 8));
        rdb_write_string(&w, key, sizeof(key));
        uint64_t x = test_rng();
        size_t vlen;
        switch (x % 8) {
        case 0:
            rdb_write_string(&w, "12345", 5); /* integer-encoded */
            continue;
        case 1:
            vlen = 1 + x % 20; /* short: never compressed */
            break;
        case 2:
            vlen = big ? 100000 + x % 200000 : 64 + x % 64; /* big: past a batch buffer */
            break;
        default:
            vlen = 100 + x % 5000;
            break;
        }
        for (size_t k = 0; k < vlen; k++)
            v[k] = (char)(x & 1 ? 'a' + (k / 7) % 5 : (int)(test_rng() & 0xff));
        rdb_write_string(&w, v, vlen);
    }
    free(v);
    unsigned char *out = malloc(w.len);
    memcpy(out, w.buf, w.len);
    *len = w.len;
    rdb_writer_free(&w);
    return out;
}

/* What reading n pairs gives: failing pair index (n when none), and the
 * reader afterwards. */
struct outcome {
    size_t failed_at;
    size_t pos;
    char err[256];
};

static void read_here(const unsigned char *buf, size_t len, size_t n, struct outcome *o,
                      char ***keys, size_t **klens, char ***lps, size_t **lplens, size_t **ends)
{
    struct rdb_reader r;
    rdb_reader_init(&r, buf, len);
    if (keys) {
        *keys = calloc(n, sizeof(**keys));
        *lps = calloc(n, sizeof(**lps));
        *klens = calloc(n, sizeof(**klens));
        *lplens = calloc(n, sizeof(**lplens));
        *ends = calloc(n, sizeof(**ends));
    }
    o->failed_at = n;
    for (size_t i = 0; i < n; i++) {
        char *k, *l;
        size_t kl, ll;
        if (rdb_read_string(&r, &k, &kl) < 0) {
            o->failed_at = i;
            break;
        }
        if (rdb_read_string(&r, &l, &ll) < 0) {
            mem_free(k);
            o->failed_at = i;
            break;
        }
        if (keys) {
            (*keys)[i] = k;
            (*klens)[i] = kl;
            (*lps)[i] = l;
            (*lplens)[i] = ll;
            (*ends)[i] = r.pos;
        } else {
            mem_free(k);
            mem_free(l);
        }
    }
    o->pos = r.pos;
    memcpy(o->err, r.err, sizeof(o->err));
}

static void read_prefetched(const unsigned char *buf, size_t len, size_t n, struct outcome *o,
                            char **keys, size_t *klens, char **lps, size_t *lplens, size_t *ends)
{
    struct rdb_reader r;
    rdb_reader_init(&r, buf, len);
    struct rdb_prefetch *pf = rdb_prefetch_start(&r, n);
    ck_assert_ptr_nonnull(pf);
    o->failed_at = n;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *k, *l;
        size_t kl, ll;
        if (rdb_prefetch_next(pf, &r, &k, &kl, &l, &ll) < 0) {
            o->failed_at = i;
            break;
        }
        if (keys) {
            ck_assert_uint_eq(kl, klens[i]);
            ck_assert(memcmp(k, keys[i], kl) == 0);
            ck_assert_uint_eq(ll, lplens[i]);
            ck_assert(memcmp(l, lps[i], ll) == 0);
            ck_assert_uint_eq(r.pos, ends[i]);
        }
    }
    rdb_prefetch_stop(pf);
    o->pos = r.pos;
    memcpy(o->err, r.err, sizeof(o->err));
}

static void free_pairs(size_t n, char **keys, size_t *klens, char **lps, size_t *lplens,
                       size_t *ends)
{
    for (size_t i = 0; i < n; i++) {
        mem_free(keys[i]);
        mem_free(lps[i]);
    }
    free(keys);
    free(klens);
    free(lps);
    free(lplens);
    free(ends);
}

START_TEST(test_same_pairs)
{
    test_rng_state = 0x9e3779b97f4a7c15ULL + (uint64_t)_i;
    size_t n = 300, len;
    unsigned char *buf = make_pairs(n, _i, 1, &len);
    char **keys, **lps;
    size_t *klens, *lplens, *ends;
    struct outcome a, b;
    read_here(buf, len, n, &a, &keys, &klens, &lps, &lplens, &ends);
    ck_assert_uint_eq(a.failed_at, n);
    ck_assert_uint_eq(a.pos, len);
    read_prefetched(buf, len, n, &b, keys, klens, lps, lplens, ends);
    ck_assert_uint_eq(b.failed_at, n);
    ck_assert_uint_eq(b.pos, len);
    free_pairs(n, keys, klens, lps, lplens, ends);
    free(buf);
}
END_TEST

static void assert_same_outcome(const struct outcome *a, const struct outcome *b, size_t cut)
{
    ck_assert_msg(a->failed_at == b->failed_at, "cut %zu: failed at pair %zu, prefetched %zu", cut,
                  a->failed_at, b->failed_at);
    ck_assert_msg(a->pos == b->pos, "cut %zu: pos %zu, prefetched %zu", cut, a->pos, b->pos);
    ck_assert_str_eq(a->err, b->err);
}

START_TEST(test_cuts_and_flips_fail_alike)
{
    test_rng_state = 77 + (uint64_t)_i;
    size_t n = 120, len;
    unsigned char *buf = make_pairs(n, _i, 0, &len);
    /* Cuts: a few hundred spread over the input, the first bytes all. */
    for (size_t cut = 0; cut < len; cut += cut < 64 ? 1 : 1 + len / 400) {
        struct outcome a, b;
        read_here(buf, cut, n, &a, NULL, NULL, NULL, NULL, NULL);
        ck_assert(a.failed_at < n);
        read_prefetched(buf, cut, n, &b, NULL, NULL, NULL, NULL, NULL);
        assert_same_outcome(&a, &b, cut);
    }
    /* Flipped bytes: an error or other bytes, the same either way. */
    unsigned char *copy = malloc(len);
    for (int round = 0; round < 200; round++) {
        memcpy(copy, buf, len);
        size_t at = test_rng() % len;
        copy[at] ^= (unsigned char)(1 + test_rng() % 255);
        struct outcome a, b;
        char **keys, **lps;
        size_t *klens, *lplens, *ends;
        read_here(copy, len, n, &a, &keys, &klens, &lps, &lplens, &ends);
        read_prefetched(copy, len, n, &b, keys, klens, lps, lplens, ends);
        assert_same_outcome(&a, &b, at);
        free_pairs(n, keys, klens, lps, lplens, ends);
    }
    free(copy);
    free(buf);
}
END_TEST

/* Stopped after a few pairs, or before any: the thread is joined, nothing
 * leaks (SANITIZE=1). */
START_TEST(test_stop_early)
{
    test_rng_state = 5;
    size_t n = 400, len;
    unsigned char *buf = make_pairs(n, 1, 1, &len);
    for (size_t take = 0; take < 70; take += 7) {
        struct rdb_reader r;
        rdb_reader_init(&r, buf, len);
        struct rdb_prefetch *pf = rdb_prefetch_start(&r, n);
        ck_assert_ptr_nonnull(pf);
        for (size_t i = 0; i < take; i++) {
            const unsigned char *k, *l;
            size_t kl, ll;
            ck_assert_int_eq(rdb_prefetch_next(pf, &r, &k, &kl, &l, &ll), 0);
            ck_assert_uint_eq(kl, 16);
        }
        rdb_prefetch_stop(pf);
    }
    free(buf);
}
END_TEST

static Suite *prefetch_suite(void)
{
    Suite *s = suite_create("rdb_prefetch");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_same_pairs, 0, 2);
    tcase_add_loop_test(tc, test_cuts_and_flips_fail_alike, 0, 2);
    tcase_add_test(tc, test_stop_early);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(prefetch_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
