/* check_stream_node.c -- packed nodes: value encodings round-trip byte for
 * byte (integers, decimals, strings that merely look like numbers), shared
 * and differing field lists, references to the master, ID deltas of every
 * form, deletion flags, huge values and wide entries, and the validating
 * loader on truncated and corrupted bytes. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_test.h"
#include "mem.h"
#include "stream_node.h"

static struct stream_str S(const char *p)
{
    struct stream_str s = {p, strlen(p)};
    return s;
}

static struct stream_id mk(uint64_t ms, uint64_t seq)
{
    struct stream_id id = {ms, seq};
    return id;
}

/* Decode every entry of n and compare with the expected entries: ids[k],
 * fv[k] (npairs[k] pairs), deleted flags optional. */
struct want {
    struct stream_id id;
    const struct stream_str *fv;
    size_t npairs;
    bool deleted;
};

static void check_node(const struct stream_node *n, const struct want *w, size_t count)
{
    struct stream_node_view v;
    stream_node_view_init(&v);
    REQUIRE_EQ(stream_node_view_load(&v, n), STREAM_OK);
    struct stream_node_cursor c;
    struct stream_node_entry e;
    stream_node_cursor_init(&c, n);
    size_t k = 0, live = 0;
    int rc;
    while ((rc = stream_node_cursor_next(&c, &e)) == 1) {
        REQUIRE_LT(k, count);
        REQUIRE(stream_id_eq(&e.id, &w[k].id));
        REQUIRE_EQ(e.npairs, w[k].npairs);
        REQUIRE_EQ(e.deleted, w[k].deleted);
        struct stream_str *out = malloc((2 * e.npairs + 1) * sizeof(*out));
        char *num = malloc(2 * e.npairs * STREAM_NODE_NUM_MAX + 1);
        REQUIRE_EQ(stream_node_read(&v, &e, out, num), STREAM_OK);
        for (size_t i = 0; i < 2 * e.npairs; i++) {
            ck_assert_msg(out[i].len == w[k].fv[i].len &&
                              (out[i].len == 0 || memcmp(out[i].ptr, w[k].fv[i].ptr, out[i].len) == 0),
                          "entry %zu cell %zu: got \"%.*s\" want \"%.*s\"", k, i, (int)out[i].len,
                          out[i].ptr, (int)w[k].fv[i].len, w[k].fv[i].ptr);
        }
        /* The same values through stream_node_read_cells. */
        struct stream_cell *cells = malloc((2 * e.npairs + 1) * sizeof(*cells));
        REQUIRE_EQ(stream_node_read_cells(&v, &e, cells), STREAM_OK);
        for (size_t i = 0; i < 2 * e.npairs; i++) {
            if (e.same_fields && !(i & 1))
                REQUIRE_EQ(cells[i].kind, STREAM_CELL_MASTER);
            struct stream_str t = cells[i].kind == STREAM_CELL_MASTER
                                      ? v.cells[i].str
                                      : stream_cell_text(&cells[i], num);
            ck_assert_msg(t.len == w[k].fv[i].len &&
                              (t.len == 0 || memcmp(t.ptr, w[k].fv[i].ptr, t.len) == 0),
                          "cells: entry %zu cell %zu: got \"%.*s\" want \"%.*s\"", k, i,
                          (int)t.len, t.ptr, (int)w[k].fv[i].len, w[k].fv[i].ptr);
        }
        free(cells);
        free(out);
        free(num);
        if (!w[k].deleted)
            live++;
        k++;
    }
    REQUIRE_EQ(rc, 0);
    REQUIRE_EQ(k, count);
    /* The fused walk: same headers and cells, room asked for as needed;
     * then again with repeats reported (the cells of a repeat are the
     * ones the previous call left). */
    for (int withrep = 0; withrep < 2; withrep++) {
        struct stream_node_cursor c2;
        struct stream_node_entry e2;
        size_t cap = 1, j = 0, nm = 0;
        struct stream_cell *cells = malloc(cap * sizeof(*cells));
        char *num = malloc(STREAM_NODE_NUM_MAX);
        stream_node_cursor_init(&c2, n);
        stream_node_cursor_init(&c, n);
        for (;;) {
            bool rep = false;
            int r2 = stream_node_cursor_next_cells(&c2, &v, &e2, cells, cap, &nm,
                                                   withrep ? &rep : NULL);
            if (r2 == STREAM_NODE_NEED_ROOM) {
                REQUIRE_GT(2 * (size_t)e2.npairs, cap);
                cap = 2 * (size_t)e2.npairs;
                cells = realloc(cells, cap * sizeof(*cells));
                continue;
            }
            REQUIRE_EQ(r2, stream_node_cursor_next(&c, &e));
            if (r2 == 0)
                break;
            REQUIRE(stream_id_eq(&e2.id, &e.id));
            REQUIRE_EQ(e2.npairs, e.npairs);
            REQUIRE_EQ(e2.deleted, e.deleted);
            REQUIRE_EQ(e2.same_fields, e.same_fields);
            REQUIRE_EQ(e2.off, e.off);
            REQUIRE_EQ(e2.end, e.end);
            size_t counted = 0;
            for (size_t i = 0; i < 2 * e2.npairs; i++)
                counted += cells[i].kind == STREAM_CELL_MASTER;
            REQUIRE_EQ(nm, counted);
            for (size_t i = 0; i < 2 * e2.npairs; i++) {
                struct stream_str t = cells[i].kind == STREAM_CELL_MASTER
                                          ? v.cells[i].str
                                          : stream_cell_text(&cells[i], num);
                ck_assert(t.len == w[j].fv[i].len &&
                          (t.len == 0 || memcmp(t.ptr, w[j].fv[i].ptr, t.len) == 0));
            }
            j++;
        }
        REQUIRE_EQ(j, count);
        free(cells);
        free(num);
    }
    REQUIRE_EQ(n->live, live);
    REQUIRE_EQ(n->deleted, count - live);
    REQUIRE(stream_id_eq(&n->first, &w[0].id));
    REQUIRE(stream_id_eq(&n->last, &w[count - 1].id));
    stream_node_view_release(&v);
}

/* Build a node from entries (all live). */
static struct stream_node *build(const struct want *w, size_t count)
{
    struct stream_node *n = stream_node_new(&w[0].id, w[0].fv, w[0].npairs);
    for (size_t k = 1; k < count; k++)
        n = stream_node_append(n, &w[k].id, w[k].fv, w[k].npairs);
    return n;
}

/* Values that must come back byte for byte, whatever the encoder makes of
 * them: canonical integers and decimals are packed, near misses must stay
 * strings. */
static const char *const tricky[] = {
    "0", "-0", "1", "-1", "01", "+1", " 1", "1 ", "00", "-01", "10", "-10",
    "9223372036854775807", "-9223372036854775808", "9223372036854775808",
    "-9223372036854775809", "18446744073709551615", "2305843009213693951",
    "2305843009213693952", "-2305843009213693952", "-2305843009213693953",
    "1152921504606846975", "-1152921504606846976", "99999999999999999999",
    "1.5", "-0.5", "-0.0", "0.0", "0.00", "00.5", ".5", "5.", "-.5", "1.123456789",
    "1.12345678", "24.5", "24.50", "100.01", "-100.01", "0.05", "1e5", "0x10", "",
    "abc", "12345678901234567.8", "1234567890123456.7", "123456789012345.67",
    "-", ".", "1.2.3", "1,5", "--1", "1-", "\t", " ", "0.1 ", "1.0e3", "NaN",
    "inf", "-1.00000000", "99999999999999999", "9999999999999999.9",
    "-9999999999999999.9", "sensor-12", "user@example.com",
};

START_TEST(test_value_roundtrip)
{
    size_t nt = sizeof(tricky) / sizeof(tricky[0]);
    /* Each value as the master's value and again in later entries (where
     * references to the master may kick in), plus as field names. */
    struct want *w = calloc(nt * 3, sizeof(*w));
    struct stream_str *cells = calloc(nt * 3 * 2, sizeof(*cells));
    size_t count = 0;
    for (size_t i = 0; i < nt; i++) {
        cells[2 * count] = S("f");
        cells[2 * count + 1] = S(tricky[i]);
        w[count].id = mk(100 + count, 0);
        w[count].fv = &cells[2 * count];
        w[count].npairs = 1;
        count++;
        cells[2 * count] = S(tricky[i]);
        cells[2 * count + 1] = S(tricky[(i + 1) % nt]);
        w[count].id = mk(100 + count, 0);
        w[count].fv = &cells[2 * count];
        w[count].npairs = 1;
        count++;
    }
    struct stream_node *n = build(w, count);
    check_node(n, w, count);
    stream_node_free(n);
    /* And each value alone as a master. */
    for (size_t i = 0; i < nt; i++) {
        struct stream_str fv[2] = {S(tricky[i]), S(tricky[i])};
        struct want one = {mk(1, 1), fv, 1, false};
        n = stream_node_new(&one.id, fv, 1);
        check_node(n, &one, 1);
        stream_node_free(n);
    }
    free(w);
    free(cells);
}
END_TEST

START_TEST(test_random_numbers_roundtrip)
{
    /* Random integers and decimals of every size, in master and later
     * entries, including deltas against the master near int64 limits. */
    test_rng_seed(5);
    enum { N = 3000 };
    static char buf[N][2][40];
    struct stream_str *cells = calloc(N * 4, sizeof(*cells));
    struct want *w = calloc(N, sizeof(*w));
    for (size_t k = 0; k < N; k++) {
        for (int j = 0; j < 2; j++) {
            uint64_t r = test_rng();
            unsigned shift = (unsigned)(test_rng() % 64);
            int64_t v = (int64_t)(r >> shift);
            if (test_rng() & 1)
                v = -v;
            switch (test_rng() % 4) {
            case 0:
                snprintf(buf[k][j], 40, "%lld", (long long)v);
                break;
            case 1:
                snprintf(buf[k][j], 40, "%lld.%0*llu", (long long)(v % 100000),
                         (int)(1 + test_rng() % 9), (unsigned long long)(test_rng() % 1000));
                break;
            case 2:
                snprintf(buf[k][j], 40, "%lld", (long long)(INT64_MAX - (int64_t)(test_rng() % 5)));
                break;
            default:
                snprintf(buf[k][j], 40, "%lld", (long long)(INT64_MIN + (int64_t)(test_rng() % 5)));
                break;
            }
        }
        cells[4 * k] = S("a");
        cells[4 * k + 1] = S(buf[k][0]);
        cells[4 * k + 2] = S("b");
        cells[4 * k + 3] = S(buf[k][1]);
        w[k].id = mk(7, k);
        w[k].fv = &cells[4 * k];
        w[k].npairs = 2;
    }
    struct stream_node *n = build(w, N);
    check_node(n, w, N);
    stream_node_free(n);
    free(cells);
    free(w);
}
END_TEST

START_TEST(test_integers_are_compact)
{
    struct stream_str a[2] = {S("f"), S("1234567890123")};
    struct stream_id id = mk(1, 0);
    struct stream_node *n = stream_node_new(&id, a, 1);
    /* hdr + npairs + "f" (2) + a 7-byte varint: well below the text. */
    ck_assert_uint_le(n->used, 1 + 1 + 2 + 7);
    /* A rising counter costs a byte or two per entry, the ID one byte. */
    size_t before = n->used;
    char v[32];
    for (int i = 1; i <= 50; i++) {
        snprintf(v, sizeof(v), "%lld", 1234567890123LL + i);
        struct stream_str b[2] = {S("f"), S(v)};
        id.ms++;
        n = stream_node_append(n, &id, b, 1);
    }
    ck_assert_uint_le(n->used - before, 50 * 3);
    /* "24.5" as a decimal: 2 bytes instead of 5. */
    struct stream_str d[2] = {S("f"), S("24.5")};
    id.ms++;
    before = n->used;
    n = stream_node_append(n, &id, d, 1);
    ck_assert_uint_le(n->used - before, 1 + 2);
    stream_node_free(n);
}
END_TEST

START_TEST(test_shared_and_different_fields)
{
    struct stream_str m[4] = {S("name"), S("alice"), S("age"), S("30")};
    struct stream_str same[4] = {S("name"), S("bob"), S("age"), S("31")};
    struct stream_str reordered[4] = {S("age"), S("32"), S("name"), S("carol")};
    struct stream_str fewer[2] = {S("name"), S("dave")};
    struct stream_str more[6] = {S("name"), S("eve"), S("age"), S("33"), S("x"), S("y")};
    struct stream_str other[4] = {S("nome"), S("alice"), S("agf"), S("30")};
    struct stream_str again[4] = {S("name"), S("alice"), S("age"), S("30")};
    struct want w[] = {
        {mk(10, 0), m, 2, false},        {mk(10, 1), same, 2, false},
        {mk(10, 2), reordered, 2, false}, {mk(11, 0), fewer, 1, false},
        {mk(12, 5), more, 3, false},     {mk(13, 0), other, 2, false},
        {mk(20, 0), again, 2, false},
    };
    size_t count = sizeof(w) / sizeof(w[0]);
    struct stream_node *n = build(w, count);
    check_node(n, w, count);
    bool expect_same[] = {false, true, false, false, false, false, true};
    struct stream_node_cursor c;
    struct stream_node_entry e;
    stream_node_cursor_init(&c, n);
    for (size_t k = 0; k < count; k++) {
        ck_assert_int_eq(stream_node_cursor_next(&c, &e), 1);
        ck_assert_int_eq(e.same_fields, expect_same[k]);
    }
    /* An exact repeat of the master costs the header and a byte a value. */
    size_t before = n->used;
    struct stream_id id = mk(21, 0);
    n = stream_node_append(n, &id, again, 2);
    ck_assert_uint_eq(n->used - before, 3);
    stream_node_free(n);
}
END_TEST

START_TEST(test_empty_strings)
{
    struct stream_str a[4] = {S(""), S(""), S("k"), S("")};
    struct stream_str b[4] = {S(""), S("x"), S("k"), S("")};
    struct stream_str c[2] = {S(""), S("")};
    struct want w[] = {{mk(1, 1), a, 2, false}, {mk(1, 2), b, 2, false}, {mk(1, 3), c, 1, false},
                       {mk(1, 4), a, 2, false}};
    struct stream_node *n = build(w, 4);
    check_node(n, w, 4);
    stream_node_free(n);
    /* No pairs at all (the engine allows it; XADD never sends it). */
    struct want z[] = {{mk(1, 1), NULL, 0, false}, {mk(1, 2), NULL, 0, false}, {mk(2, 0), a, 2, false}};
    n = build(z, 3);
    check_node(n, z, 3);
    stream_node_free(n);
}
END_TEST

START_TEST(test_megabyte_values)
{
    size_t big = 1 << 20;
    char *x = malloc(big), *y = malloc(big);
    for (size_t i = 0; i < big; i++) {
        x[i] = (char)(i * 7);
        y[i] = (char)(i * 13 + 1);
    }
    struct stream_str a[4] = {S("blob"), {x, big}, S("n"), S("1")};
    struct stream_str b[4] = {S("blob"), {y, big}, S("n"), S("2")};
    struct stream_str c[4] = {S("blob"), {x, big}, {y, big}, {x, 3}};
    struct want w[] = {{mk(5, 0), a, 2, false}, {mk(5, 1), b, 2, false}, {mk(6, 0), a, 2, false},
                       {mk(7, 0), c, 2, false}};
    struct stream_node *n = build(w, 4);
    check_node(n, w, 4);
    /* A repeat of the master's megabyte is a one-byte reference. */
    ck_assert_uint_lt(n->used, 3 * big + 1000);
    stream_node_free(n);
    free(x);
    free(y);
}
END_TEST

START_TEST(test_thousand_pairs)
{
    enum { P = 1000 };
    static char names[P][24], vals[3][P][24];
    struct stream_str *fv[3];
    for (int k = 0; k < 3; k++) {
        fv[k] = malloc(2 * P * sizeof(struct stream_str));
        for (int i = 0; i < P; i++) {
            snprintf(names[i], 24, "field%d", i);
            if (k == 2)
                snprintf(vals[k][i], 24, "v%d", i * 3);
            else
                snprintf(vals[k][i], 24, "%d", i * (k + 1));
            fv[k][2 * i] = S(names[i]);
            fv[k][2 * i + 1] = S(vals[k][i]);
        }
    }
    struct want w[] = {{mk(1, 0), fv[0], P, false}, {mk(1, 1), fv[1], P, false},
                       {mk(2, 0), fv[2], P, false}, {mk(3, 0), fv[0], 10, false}};
    struct stream_node *n = build(w, 4);
    check_node(n, w, 4);
    stream_node_free(n);
    for (int k = 0; k < 3; k++)
        free(fv[k]);
}
END_TEST

START_TEST(test_id_forms)
{
    /* Every ID form: next seq, seq gaps (inline and varint), new ms with
     * seq 0 and seq > 0, small and huge ms jumps, up to the max ID. */
    struct stream_str fv[2] = {S("f"), S("v")};
    struct stream_id ids[] = {
        mk(0, 1), mk(0, 2), mk(0, 3), mk(0, 17), mk(0, 18), mk(0, 1000000),
        mk(1, 0), mk(2, 0), mk(16, 0), mk(17, 0), mk(32, 0), mk(33, 5), mk(34, 99999),
        mk(1700000000000ULL, 0), mk(1700000000000ULL, 1), mk(1700000000001ULL, UINT64_MAX - 1),
        mk(1700000000001ULL, UINT64_MAX), mk(1700000000002ULL, 0),
        mk(UINT64_MAX - 1, UINT64_MAX), mk(UINT64_MAX, 0), mk(UINT64_MAX, 1),
        mk(UINT64_MAX, UINT64_MAX - 1), mk(UINT64_MAX, UINT64_MAX),
    };
    size_t count = sizeof(ids) / sizeof(ids[0]);
    struct want *w = calloc(count, sizeof(*w));
    for (size_t k = 0; k < count; k++) {
        w[k].id = ids[k];
        w[k].fv = fv;
        w[k].npairs = 1;
    }
    struct stream_node *n = build(w, count);
    check_node(n, w, count);
    stream_node_free(n);
    /* A dense auto-ID run costs one byte of ID per entry. */
    struct stream_id id = mk(1000, 0);
    n = stream_node_new(&id, fv, 1);
    size_t before = n->used;
    for (int i = 0; i < 100; i++) {
        if (i % 3)
            id.seq++;
        else {
            id.ms += 1 + (uint64_t)(i % 7);
            id.seq = 0;
        }
        n = stream_node_append(n, &id, fv, 1);
    }
    ck_assert_uint_eq(n->used - before, 100 * 2);
    stream_node_free(n);
    free(w);
}
END_TEST

START_TEST(test_delete_flags)
{
    struct stream_str fv[2] = {S("f"), S("1")};
    struct want w[10];
    for (int k = 0; k < 10; k++) {
        w[k].id = mk(5, (uint64_t)k);
        w[k].fv = fv;
        w[k].npairs = 1;
        w[k].deleted = false;
    }
    struct stream_node *n = build(w, 10);
    struct stream_node_cursor c;
    struct stream_node_entry e;
    stream_node_cursor_init(&c, n);
    for (int k = 0; k < 10; k++) {
        ck_assert_int_eq(stream_node_cursor_next(&c, &e), 1);
        if (k % 3 == 0) {
            ck_assert(stream_node_mark_deleted(n, &e));
            ck_assert(!stream_node_mark_deleted(n, &e));
            w[k].deleted = true;
        }
    }
    ck_assert_uint_eq(n->live, 6);
    ck_assert_uint_eq(n->deleted, 4);
    /* Deleted entries, the master included, still decode (the master is
     * still everyone's reference). */
    check_node(n, w, 10);
    /* Appending after the master was deleted still leans on it. */
    struct stream_id id = mk(6, 0);
    n = stream_node_append(n, &id, fv, 1);
    struct want w2[11];
    memcpy(w2, w, sizeof(w));
    w2[10] = (struct want){id, fv, 1, false};
    check_node(n, w2, 11);
    stream_node_free(n);
}
END_TEST

START_TEST(test_shrink_and_memory)
{
    size_t base = mem_used();
    struct stream_str fv[2] = {S("temperature"), S("21.5")};
    struct stream_id id = mk(1, 0);
    struct stream_node *n = stream_node_new(&id, fv, 1);
    for (int i = 0; i < 99; i++) {
        id.ms++;
        n = stream_node_append(n, &id, fv, 1);
    }
    ck_assert_uint_ge(n->cap, n->used);
    n = stream_node_shrink(n);
    ck_assert_uint_ge(n->cap, n->used);
    ck_assert_uint_lt(n->cap - n->used, 64);
    ck_assert_uint_eq(stream_node_memory(n), mem_used() - base);
    stream_node_free(n);
    ck_assert_uint_eq(mem_used(), base);
}
END_TEST

/* Room reserved up front: the entries so far unchanged, and appends that
 * fit never move the node; shrinking gives the rest back. */
START_TEST(test_reserve)
{
    size_t base = mem_used();
    struct stream_str fv[2] = {S("temperature"), S("21.5")};
    struct stream_id id = mk(1, 0);
    struct stream_node *n = stream_node_new(&id, fv, 1);
    size_t first = n->used;
    n = stream_node_reserve(n, 4096);
    ck_assert_uint_ge(n->cap, 4096);
    ck_assert_uint_eq(n->used, first);
    struct want w[60];
    w[0] = (struct want){id, fv, 1, false};
    struct stream_node *at = n;
    for (int i = 1; i < 60; i++) {
        id.ms++;
        n = stream_node_append(n, &id, fv, 1);
        w[i] = (struct want){id, fv, 1, false};
    }
    ck_assert(n->used <= 4096 && n == at);
    check_node(n, w, 60);
    ck_assert(stream_node_reserve(n, 16) == n); /* less than held: nothing */
    n = stream_node_shrink(n);
    ck_assert_uint_lt(n->cap - n->used, 64);
    check_node(n, w, 60);
    ck_assert_uint_eq(stream_node_memory(n), mem_used() - base);
    stream_node_free(n);
    ck_assert_uint_eq(mem_used(), base);
}
END_TEST

/* Build a varied node for the loader tests. */
static struct stream_node *sample_node(void)
{
    static char vals[40][24];
    static struct stream_str cells[40][6];
    struct stream_id id = mk(1700000000000ULL, 3);
    struct stream_node *n = NULL;
    for (int k = 0; k < 40; k++) {
        snprintf(vals[k], 24, "%d", 1000 + k * 7);
        cells[k][0] = S("device");
        cells[k][1] = S(k % 5 ? "sensor-7" : "sensor-9");
        cells[k][2] = S(k % 7 == 3 ? "other" : "reading");
        cells[k][3] = S(k % 4 ? vals[k] : "12.25");
        cells[k][4] = S("x");
        cells[k][5] = S("-3");
        size_t np = k % 9 == 8 ? 2 : 3;
        if (!n)
            n = stream_node_new(&id, cells[k], np);
        else
            n = stream_node_append(n, &id, cells[k], np);
        id.ms += (uint64_t)(k % 3);
        id.seq = k % 3 ? 0 : id.seq + 1 + (uint64_t)k;
    }
    return n;
}

/* Runs of entries with the same values: the fused walk reports each
 * entry that repeats the previous one's cells (not the master, whose
 * cells are plain, nor the first entry after it), and check_node's walk
 * with repeats gets the same values. */
START_TEST(test_cursor_repeats)
{
    struct stream_str a[] = {S("sensor"), S("s-1"), S("temp"), S("21.5")};
    struct stream_str b[] = {S("sensor"), S("s-2"), S("temp"), S("21.5")};
    struct stream_str c[] = {S("other"), S("s-2")};
    const struct stream_str *pick[] = {a, a, a, a, b, b, a, c, c, c, a, a};
    const size_t np[] = {2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2};
    const bool want_rep[] = {0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1};
    struct want w[12];
    for (size_t k = 0; k < 12; k++)
        w[k] = (struct want){mk(5, k * 3), pick[k], np[k], false};
    struct stream_node *n = build(w, 12);
    check_node(n, w, 12);
    struct stream_node_view v;
    stream_node_view_init(&v);
    REQUIRE_EQ(stream_node_view_load(&v, n), STREAM_OK);
    struct stream_node_cursor cur;
    struct stream_node_entry e;
    struct stream_cell cells[8];
    size_t nm = 0;
    stream_node_cursor_init(&cur, n);
    for (size_t k = 0; k < 12; k++) {
        bool rep = !want_rep[k];
        REQUIRE_EQ(stream_node_cursor_next_cells(&cur, &v, &e, cells, 8, &nm, &rep), 1);
        ck_assert_msg(rep == want_rep[k], "entry %zu: repeat %d", k, (int)rep);
        REQUIRE(stream_id_eq(&e.id, &w[k].id));
    }
    bool rep;
    REQUIRE_EQ(stream_node_cursor_next_cells(&cur, &v, &e, cells, 8, &nm, &rep), 0);
    stream_node_view_release(&v);
    stream_node_free(n);

    /* Runs taken by stream_node_cursor_repeats, a few at a time, over IDs
     * of every header form (seq steps, ms steps, ms with a seq, gaps that
     * need varints) with some entries deleted: every entry comes back
     * once, in order, with its ID and flag. */
    struct want w2[300];
    struct stream_id id = mk(1000, 0);
    for (size_t k = 0; k < 300; k++) {
        switch (k % 7) {
        case 0: id.ms += 1; id.seq = 0; break;
        case 1: id.ms += 40; id.seq = 7; break;
        case 2: id.seq += 100; break;
        default: id.seq += 1; break;
        }
        w2[k] = (struct want){id, k % 50 < 45 ? a : b, 2, false};
    }
    n = build(w2, 300);
    stream_node_cursor_init(&cur, n);
    for (size_t k = 0; k < 300; k++) {
        REQUIRE_EQ(stream_node_cursor_next(&cur, &e), 1);
        if (k % 11 == 3) {
            stream_node_mark_deleted(n, &e);
            w2[k].deleted = true;
        }
    }
    check_node(n, w2, 300);
    REQUIRE_EQ(stream_node_view_load(&v, n), STREAM_OK);
    stream_node_cursor_init(&cur, n);
    size_t got = 0, runs = 0;
    for (;;) {
        bool r2;
        int rc = stream_node_cursor_next_cells(&cur, &v, &e, cells, 8, &nm, &r2);
        if (rc == 0)
            break;
        REQUIRE_EQ(rc, 1);
        REQUIRE(stream_id_eq(&e.id, &w2[got].id));
        REQUIRE_EQ(e.deleted, w2[got].deleted);
        got++;
        struct stream_id ids[3];
        bool del[3];
        size_t m;
        while ((m = stream_node_cursor_repeats(&cur, ids, del, 3)) > 0) {
            runs += m;
            for (size_t j = 0; j < m; j++, got++) {
                ck_assert_msg(stream_id_eq(&ids[j], &w2[got].id), "entry %zu", got);
                REQUIRE_EQ(del[j], w2[got].deleted);
                REQUIRE(w2[got].fv == w2[got - 1].fv);
            }
        }
    }
    REQUIRE_EQ(got, 300);
    REQUIRE_GT(runs, 200);
    stream_node_view_release(&v);
    stream_node_free(n);
}
END_TEST

START_TEST(test_from_bytes_roundtrip)
{
    struct stream_node *n = sample_node();
    struct stream_node_cursor c;
    struct stream_node_entry e;
    stream_node_cursor_init(&c, n);
    for (int k = 0; stream_node_cursor_next(&c, &e) == 1; k++)
        if (k % 6 == 0)
            stream_node_mark_deleted(n, &e);
    struct stream_node *m;
    ck_assert_int_eq(stream_node_from_bytes(&n->first, n->data, n->used, &m), STREAM_OK);
    ck_assert_uint_eq(m->used, n->used);
    ck_assert_int_eq(memcmp(m->data, n->data, n->used), 0);
    ck_assert(stream_id_eq(&m->last, &n->last));
    ck_assert_uint_eq(m->live, n->live);
    ck_assert_uint_eq(m->deleted, n->deleted);
    ck_assert_uint_eq(m->master_nfields, n->master_nfields);
    stream_node_free(m);
    stream_node_free(n);
}
END_TEST

START_TEST(test_from_bytes_rejects)
{
    struct stream_node *n = sample_node(), *m;
    unsigned char *buf = malloc(n->used + 16);
    size_t base = mem_used();

    ck_assert_int_eq(stream_node_from_bytes(&n->first, n->data, 0, &m), STREAM_ERR_CORRUPT);
    /* Every truncation either ends on an entry boundary (a valid, shorter
     * node) or is refused; never read out of bounds (ASan). */
    for (size_t len = 1; len < n->used; len++) {
        memcpy(buf, n->data, len);
        int rc = stream_node_from_bytes(&n->first, buf, len, &m);
        REQUIRE(rc == STREAM_OK || rc == STREAM_ERR_CORRUPT);
        if (rc == STREAM_OK)
            stream_node_free(m);
    }
    /* Random corruption: one to three bytes changed. */
    test_rng_seed(77);
    for (int t = 0; t < 20000; t++) {
        memcpy(buf, n->data, n->used);
        int flips = 1 + (int)(test_rng() % 3);
        for (int f = 0; f < flips; f++)
            buf[test_rng() % n->used] = (unsigned char)test_rng();
        int rc = stream_node_from_bytes(&n->first, buf, n->used, &m);
        REQUIRE(rc == STREAM_OK || rc == STREAM_ERR_CORRUPT);
        if (rc == STREAM_OK)
            stream_node_free(m);
    }
    ck_assert_uint_eq(mem_used(), base);

    /* Specific breakages. */
    memcpy(buf, n->data, n->used);
    buf[0] |= 0x02;                 /* SAME_FIELDS on the master */
    ck_assert_int_eq(stream_node_from_bytes(&n->first, buf, n->used, &m), STREAM_ERR_CORRUPT);
    memcpy(buf, n->data, n->used);
    buf[0] |= 0x10;                 /* ID bits on the master */
    ck_assert_int_eq(stream_node_from_bytes(&n->first, buf, n->used, &m), STREAM_ERR_CORRUPT);
    /* A master with a reference cell: f -> "x", value REF. */
    unsigned char ref_master[] = {0x00, 0x01, 0x04, 'f', 0x03};
    struct stream_id id = mk(1, 0);
    ck_assert_int_eq(stream_node_from_bytes(&id, ref_master, sizeof(ref_master), &m), STREAM_ERR_CORRUPT);
    /* Master with every entry deleted: no live entry. */
    unsigned char dead[] = {0x01, 0x01, 0x04, 'f', 0x04, 'v'};
    ck_assert_int_eq(stream_node_from_bytes(&id, dead, sizeof(dead), &m), STREAM_ERR_CORRUPT);
    dead[0] = 0;
    ck_assert_int_eq(stream_node_from_bytes(&id, dead, sizeof(dead), &m), STREAM_OK);
    stream_node_free(m);
    /* A reference delta on a string master. */
    unsigned char bad_delta[] = {0x00, 0x01, 0x04, 'f', 0x04, 'v', 0x02 | (0 << 2), 0x07};
    ck_assert_int_eq(stream_node_from_bytes(&id, bad_delta, sizeof(bad_delta), &m), STREAM_ERR_CORRUPT);
    /* Seq overflow in a "next seq" entry after seq UINT64_MAX. */
    struct stream_id top = mk(5, UINT64_MAX);
    unsigned char overflow[] = {0x00, 0x01, 0x04, 'f', 0x04, 'v', 0x02, 0x03};
    ck_assert_int_eq(stream_node_from_bytes(&top, overflow, sizeof(overflow), &m), STREAM_ERR_CORRUPT);
    /* An over-long varint. */
    unsigned char longv[] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    ck_assert_int_eq(stream_node_from_bytes(&id, longv, sizeof(longv), &m), STREAM_ERR_CORRUPT);
    /* A string longer than the node. */
    unsigned char longs[] = {0x00, 0x01, 0x04, 'f', 0x7c, 'v'};
    ck_assert_int_eq(stream_node_from_bytes(&id, longs, sizeof(longs), &m), STREAM_ERR_CORRUPT);
    free(buf);
    stream_node_free(n);
}
END_TEST

static Suite *stream_node_suite(void)
{
    Suite *s = suite_create("stream_node");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_value_roundtrip);
    tcase_add_test(tc, test_reserve);
    tcase_add_test(tc, test_random_numbers_roundtrip);
    tcase_add_test(tc, test_integers_are_compact);
    tcase_add_test(tc, test_shared_and_different_fields);
    tcase_add_test(tc, test_empty_strings);
    tcase_add_test(tc, test_megabyte_values);
    tcase_add_test(tc, test_thousand_pairs);
    tcase_add_test(tc, test_id_forms);
    tcase_add_test(tc, test_delete_flags);
    tcase_add_test(tc, test_shrink_and_memory);
    tcase_add_test(tc, test_cursor_repeats);
    tcase_add_test(tc, test_from_bytes_roundtrip);
    tcase_add_test(tc, test_from_bytes_rejects);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(stream_node_suite());
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
