/* check_list.c -- list values: listpack entry sizes (Redis's bytes), pushes
 * and pops at both ends, indexing, LSET, LREM in both directions, LTRIM,
 * iteration both ways, the listpack -> quicklist conversion under byte and
 * count limits, node splitting, plain nodes for large elements, the way
 * back to a listpack, loading nodes, copies, and a randomised run against
 * a plain array model. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_test.h"
#include "list.h"
#include "mem.h"

static void push(struct list *l, enum list_where w, const char *s, int fill)
{
    list_grow_check(l, strlen(s), 1, fill);
    list_push(l, w, s, strlen(s), fill);
}

/* "a,b,c" of the whole list, head to tail. */
static void contents(const struct list *l, char *out, size_t cap)
{
    struct list_iter it;
    const char *p;
    size_t len, n = 0;
    out[0] = '\0';
    list_iter_init(&it, l, 0, false);
    while (list_iter_next(&it, &p, &len))
        n += (size_t)snprintf(out + n, cap - n, "%s%.*s", n ? "," : "", (int)len, p);
}

static size_t nodes_sz(const struct list *l)
{
    size_t total = 0;
    for (const struct list_node *n = l->head; n; n = n->next)
        total += n->sz;
    return total;
}

START_TEST(test_lp_sizes)
{
    /* The listpack of 1 -5 300 70000 -2000000000 INT64_MAX abc is 41 bytes
     * in a Redis 7.0 DUMP. */
    const char *v[] = {"1", "-5", "300", "70000", "-2000000000", "9223372036854775807", "abc"};
    struct list *l = list_new();
    for (size_t i = 0; i < 7; i++)
        push(l, LIST_TAIL, v[i], -2);
    ck_assert_uint_eq(nodes_sz(l), 41);
    ck_assert_uint_eq(list_lp_entry_size("127", 3), 2);
    ck_assert_uint_eq(list_lp_entry_size("128", 3), 3);
    ck_assert_uint_eq(list_lp_entry_size("-4096", 5), 3);
    ck_assert_uint_eq(list_lp_entry_size("4096", 4), 4);
    ck_assert_uint_eq(list_lp_entry_size("007", 3), 5);  /* not canonical: a string */
    ck_assert_uint_eq(list_lp_entry_size("-0", 2), 4);
    ck_assert_uint_eq(list_lp_entry_size("9223372036854775808", 19), 21);
    char big[200];
    memset(big, 'x', sizeof(big));
    ck_assert_uint_eq(list_lp_entry_size(big, 63), 65);
    ck_assert_uint_eq(list_lp_entry_size(big, 64), 67);  /* 2-byte header, backlen 1 */
    ck_assert_uint_eq(list_lp_entry_size(big, 126), 130); /* 128 bytes: backlen 2 */
    ck_assert(list_str_is_int("-9223372036854775808", 20));
    ck_assert(!list_str_is_int("", 0));
    ck_assert(!list_str_is_int("+1", 2));
    list_free(l);
}
END_TEST

START_TEST(test_push_pop_index)
{
    struct list *l = list_new();
    char buf[256];
    push(l, LIST_TAIL, "b", -2);
    push(l, LIST_HEAD, "a", -2);
    push(l, LIST_TAIL, "c", -2);
    contents(l, buf, sizeof(buf));
    ck_assert_str_eq(buf, "a,b,c");
    ck_assert_str_eq(list_encoding_name(l), "listpack");
    const char *p;
    size_t len;
    ck_assert(list_index(l, -1, &p, &len) && len == 1 && p[0] == 'c');
    ck_assert(list_index(l, 0, &p, &len) && p[0] == 'a');
    ck_assert(!list_index(l, 3, &p, &len));
    ck_assert(!list_index(l, -4, &p, &len));
    list_set(l, 1, "BB", 2, -2);
    contents(l, buf, sizeof(buf));
    ck_assert_str_eq(buf, "a,BB,c");
    char *v = list_pop(l, LIST_TAIL, &len);
    ck_assert_str_eq(v, "c");
    mem_free(v);
    v = list_pop(l, LIST_HEAD, &len);
    ck_assert_str_eq(v, "a");
    mem_free(v);
    ck_assert_uint_eq(list_len(l), 1);
    v = list_pop(l, LIST_HEAD, &len);
    mem_free(v);
    ck_assert_ptr_null(list_pop(l, LIST_HEAD, &len));
    ck_assert_uint_eq(list_len(l), 0);
    list_free(l);
}
END_TEST

START_TEST(test_remove_trim_iter)
{
    struct list *l = list_new();
    char buf[256];
    const char *v[] = {"a", "b", "a", "c", "a", "b", "a"};
    for (int i = 0; i < 7; i++)
        push(l, LIST_TAIL, v[i], 2); /* two per node: several nodes */
    ck_assert_uint_eq(list_remove(l, 2, "a", 1), 2);
    contents(l, buf, sizeof(buf));
    ck_assert_str_eq(buf, "b,c,a,b,a");
    ck_assert_uint_eq(list_remove(l, -1, "a", 1), 1);
    contents(l, buf, sizeof(buf));
    ck_assert_str_eq(buf, "b,c,a,b");
    ck_assert_uint_eq(list_remove(l, 0, "b", 1), 2);
    contents(l, buf, sizeof(buf));
    ck_assert_str_eq(buf, "c,a");
    list_trim(l, 1, 0);
    contents(l, buf, sizeof(buf));
    ck_assert_str_eq(buf, "a");
    list_free(l);

    l = list_new();
    for (int i = 0; i < 10; i++) {
        snprintf(buf, sizeof(buf), "%d", i);
        push(l, LIST_TAIL, buf, 3);
    }
    list_trim(l, 2, 3);
    contents(l, buf, sizeof(buf));
    ck_assert_str_eq(buf, "2,3,4,5,6");
    struct list_iter it;
    const char *p;
    size_t len;
    list_iter_init(&it, l, 4, true);
    size_t n = 0;
    while (list_iter_next(&it, &p, &len))
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%.*s", (int)len, p);
    ck_assert_str_eq(buf, "65432");
    list_free(l);
}
END_TEST

START_TEST(test_conversion_bytes)
{
    /* -2: a listpack up to 8192 bytes; the push that would pass it converts. */
    struct list *l = list_new();
    char elem[101];
    memset(elem, 'e', 100);
    elem[100] = '\0';
    int pushed = 0;
    while (!strcmp(list_encoding_name(l), "listpack")) {
        push(l, LIST_TAIL, elem, -2);
        pushed++;
    }
    /* Each entry is 2 + 100 + 1 = 103 bytes; 79 of them make 8144. */
    ck_assert_int_eq(pushed, 80);
    ck_assert_uint_eq(l->nnodes, 2);
    ck_assert_uint_eq(l->head->count, 79);
    /* Pops down to one node at most 4096 bytes: back to a listpack. */
    size_t len;
    while (list_len(l) > 39) {
        mem_free(list_pop(l, LIST_TAIL, &len));
        list_shrink_check(l, -2);
    }
    ck_assert_str_eq(list_encoding_name(l), "listpack");
    list_free(l);

    /* An element larger than the limit gets a plain node of its own. */
    l = list_new();
    char *big = mem_alloc(9000);
    memset(big, 'b', 9000);
    list_grow_check(l, 9000, 1, -2);
    list_push(l, LIST_TAIL, big, 9000, -2);
    push(l, LIST_TAIL, "x", -2);
    ck_assert_str_eq(list_encoding_name(l), "quicklist");
    ck_assert_uint_eq(l->nnodes, 2);
    ck_assert(l->head->plain);
    ck_assert(!l->tail->plain);
    mem_free(big);
    list_free(l);
}
END_TEST

START_TEST(test_conversion_count)
{
    struct list *l = list_new();
    char buf[16];
    for (int i = 0; i < 4; i++) {
        snprintf(buf, sizeof(buf), "v%d", i);
        push(l, LIST_TAIL, buf, 4);
    }
    ck_assert_str_eq(list_encoding_name(l), "listpack");
    push(l, LIST_TAIL, "v4", 4);
    ck_assert_str_eq(list_encoding_name(l), "quicklist");
    for (int i = 5; i < 12; i++) {
        snprintf(buf, sizeof(buf), "v%d", i);
        push(l, LIST_TAIL, buf, 4);
    }
    ck_assert_uint_eq(l->nnodes, 3); /* 4 + 4 + 4 */
    push(l, LIST_HEAD, "h", 4);
    ck_assert_uint_eq(l->nnodes, 4);
    struct list *d = list_dup(l);
    char a[256], b[256];
    contents(l, a, sizeof(a));
    contents(d, b, sizeof(b));
    ck_assert_str_eq(a, b);
    ck_assert_uint_eq(d->nnodes, 4);
    ck_assert_str_eq(list_encoding_name(d), "quicklist");
    ck_assert_uint_gt(list_memory(d), 0);
    list_trim(l, 0, 11);
    list_shrink_check(l, 4);
    ck_assert_str_eq(list_encoding_name(l), "quicklist"); /* h and v0: two nodes */
    ck_assert_uint_eq(l->nnodes, 2);
    list_free(l);
    list_free(d);
}
END_TEST

START_TEST(test_load)
{
    struct list *l = list_new();
    list_load_append(l, "a", 1, true, false);
    list_load_append(l, "b", 1, false, false);
    list_loaded(l, -2);
    ck_assert_str_eq(list_encoding_name(l), "listpack");
    list_free(l);
    l = list_new();
    list_load_append(l, "a", 1, true, false);
    list_load_append(l, "b", 1, true, false);
    list_loaded(l, -2);
    ck_assert_str_eq(list_encoding_name(l), "quicklist");
    ck_assert_uint_eq(l->nnodes, 2);
    list_free(l);
}
END_TEST

/* Random operations against an array of strings. */
START_TEST(test_model)
{
    test_rng_seed(7);
    enum { CAP = 4000 };
    char **model = calloc(CAP, sizeof(char *));
    size_t n = 0;
    int fills[] = {-2, -1, 3, 1};
    for (int f = 0; f < 4; f++) {
        int fill = fills[f];
        struct list *l = list_new();
        for (int step = 0; step < 20000; step++) {
            unsigned op = (unsigned)(test_rng() % 10);
            char buf[64];
            size_t len;
            if (op < 5 && n < CAP) {
                int blen = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)(test_rng() % 50));
                if (test_rng() % 3 == 0)
                    blen = snprintf(buf, sizeof(buf), "s%llu-padding-padding",
                                    (unsigned long long)(test_rng() % 50));
                bool head = test_rng() & 1;
                list_grow_check(l, (size_t)blen, 1, fill);
                list_push(l, head ? LIST_HEAD : LIST_TAIL, buf, (size_t)blen, fill);
                if (head) {
                    memmove(model + 1, model, n * sizeof(char *));
                    model[0] = strdup(buf);
                } else {
                    model[n] = strdup(buf);
                }
                n++;
            } else if (op < 7 && n) {
                bool head = test_rng() & 1;
                char *v = list_pop(l, head ? LIST_HEAD : LIST_TAIL, &len);
                char *m = head ? model[0] : model[n - 1];
                REQUIRE(strcmp(v, m) == 0);
                if (head)
                    memmove(model, model + 1, (n - 1) * sizeof(char *));
                free(m);
                n--;
                mem_free(v);
                list_shrink_check(l, fill);
            } else if (op == 7 && n) {
                long long c = (long long)(test_rng() % 5) - 2;
                const char *want = model[test_rng() % n];
                char w[64];
                snprintf(w, sizeof(w), "%s", want);
                size_t removed = list_remove(l, c, w, strlen(w));
                size_t limit = c == 0 ? (size_t)-1 : (size_t)(c < 0 ? -c : c), got = 0;
                if (c >= 0) {
                    size_t o = 0;
                    for (size_t i = 0; i < n; i++) {
                        if (got < limit && !strcmp(model[i], w)) {
                            free(model[i]);
                            got++;
                        } else {
                            model[o++] = model[i];
                        }
                    }
                    n = o;
                } else {
                    for (size_t i = n; i-- > 0;) {
                        if (got < limit && !strcmp(model[i], w)) {
                            free(model[i]);
                            memmove(model + i, model + i + 1, (n - i - 1) * sizeof(char *));
                            n--;
                            got++;
                        }
                    }
                }
                REQUIRE_EQ(removed, got);
            } else if (op == 8 && n) {
                size_t idx = (size_t)(test_rng() % n);
                const char *p;
                REQUIRE(list_index(l, (long long)idx, &p, &len));
                REQUIRE(len == strlen(model[idx]) && !memcmp(p, model[idx], len));
            } else if (op == 9 && n > 10) {
                size_t h = (size_t)(test_rng() % 3), t = (size_t)(test_rng() % 3);
                list_trim(l, h, t);
                for (size_t i = 0; i < h; i++)
                    free(model[i]);
                for (size_t i = n - t; i < n; i++)
                    free(model[i]);
                memmove(model, model + h, (n - h - t) * sizeof(char *));
                n -= h + t;
            }
            REQUIRE_EQ(list_len(l), n);
            if (step % 997 == 0) {
                /* Node sizes add up to the recomputed listpack bytes. */
                struct list_iter it;
                const char *p;
                size_t i = 0;
                list_iter_init(&it, l, 0, false);
                while (list_iter_next(&it, &p, &len)) {
                    REQUIRE(len == strlen(model[i]) && !memcmp(p, model[i], len));
                    i++;
                }
                REQUIRE_EQ(i, n);
                for (const struct list_node *nd = l->head; nd; nd = nd->next) {
                    size_t sz = 7, off = 0, k = 0;
                    while (list_node_next(nd, &off, &p, &len)) {
                        sz += list_lp_entry_size(p, len);
                        k++;
                    }
                    REQUIRE_EQ(k, nd->count);
                    REQUIRE(nd->plain || sz == nd->sz);
                    REQUIRE_GT(nd->count, 0);
                }
            }
        }
        for (size_t i = 0; i < n; i++)
            free(model[i]);
        n = 0;
        list_free(l);
    }
    free(model);
}
END_TEST

static Suite *list_suite(void)
{
    Suite *s = suite_create("list");
    TCase *tc = tcase_create("list");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_lp_sizes);
    tcase_add_test(tc, test_push_pop_index);
    tcase_add_test(tc, test_remove_trim_iter);
    tcase_add_test(tc, test_conversion_bytes);
    tcase_add_test(tc, test_conversion_count);
    tcase_add_test(tc, test_load);
    tcase_add_test(tc, test_model);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(list_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
