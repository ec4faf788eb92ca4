/* check_observe.c -- Check suite for latency_hist.c and slowlog.c.
 *
 * The histogram figures are Redis 7.0.15's: a single 5 us call shows as
 * p50=5.023 in INFO latencystats (8 us as 8.031, 15 us as 15.039), and
 * LATENCY HISTOGRAM reports levels 1, 2, 4, 8, 16, 33, 66, 132, ... 2113,
 * ... 33816, 67633 us.  The slow log's cut markers are the ones SLOWLOG GET
 * shows on that server for a 41-argument DEL and a 200-byte value. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latency_hist.h"
#include "mem.h"
#include "slowlog.h"
#include "util.h"

START_TEST(test_hist_single_values)
{
    static const struct {
        int64_t ns, p50;
    } cases[] = {
        {5000, 5023}, {8000, 8031}, {15000, 15039}, {1, 1}, {255, 255}, {0, 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct latency_hist *h = latency_hist_new();
        latency_hist_record(h, cases[i].ns);
        ck_assert_int_eq(latency_hist_percentile(h, 50), cases[i].p50);
        ck_assert_int_eq(latency_hist_percentile(h, 99.9), cases[i].p50);
        /* p0 is the sub-bucket's lowest value (Redis: p0=4.000 for 4 us). */
        ck_assert_int_le(latency_hist_percentile(h, 0), cases[i].ns > 0 ? cases[i].ns : 1);
        ck_assert_uint_eq(latency_hist_count(h), 1);
        latency_hist_free(h);
    }
}
END_TEST

START_TEST(test_hist_percentiles)
{
    struct latency_hist *h = latency_hist_new();
    ck_assert_int_eq(latency_hist_percentile(h, 50), 0);
    latency_hist_record(h, 4000);
    ck_assert_int_eq(latency_hist_percentile(h, 0), 4000);
    ck_assert_int_eq(latency_hist_percentile(h, 50), 4015);
    latency_hist_free(h);
    h = latency_hist_new();
    for (int i = 1; i <= 100; i++)
        latency_hist_record(h, i * 1000);
    /* 50% of 100 values is the 50th: 50000 ns, within 1/128 above. */
    int64_t p50 = latency_hist_percentile(h, 50);
    ck_assert(p50 >= 50000 && p50 <= 50000 + 50000 / 128);
    int64_t p99 = latency_hist_percentile(h, 99);
    ck_assert(p99 >= 99000 && p99 <= 99000 + 99000 / 128);
    int64_t p100 = latency_hist_percentile(h, 100);
    ck_assert(p100 >= 100000 && p100 <= 100000 + 100000 / 128);
    /* Huge values are clamped to 1 s. */
    latency_hist_record(h, 5000000000LL);
    ck_assert(latency_hist_percentile(h, 100) >= 1000000000LL);
    latency_hist_free(h);
}
END_TEST

struct levels {
    int n;
    int64_t us[64];
    uint64_t count[64];
};

static void collect(void *ud, int64_t level_ns, uint64_t cumulative)
{
    struct levels *l = ud;
    l->us[l->n] = level_ns / 1000;
    l->count[l->n] = cumulative;
    l->n++;
}

START_TEST(test_hist_levels)
{
    /* Redis 7.0.15, three DEBUG SLEEPs (a few us, 50 ms, 30 ms... ):
     * {33:1, 33816:2, 67633:3}. */
    struct latency_hist *h = latency_hist_new();
    latency_hist_record(h, 20000);
    latency_hist_record(h, 30000000);
    latency_hist_record(h, 50000000);
    struct levels l = {0};
    latency_hist_levels(h, collect, &l);
    ck_assert_int_eq(l.n, 3);
    ck_assert_int_eq(l.us[0], 33);
    ck_assert_uint_eq(l.count[0], 1);
    ck_assert_int_eq(l.us[1], 33816);
    ck_assert_uint_eq(l.count[1], 2);
    ck_assert_int_eq(l.us[2], 67633);
    ck_assert_uint_eq(l.count[2], 3);
    latency_hist_free(h);

    /* A sub-microsecond value is reported at the first level (1 us). */
    h = latency_hist_new();
    latency_hist_record(h, 300);
    latency_hist_record(h, 3000);
    memset(&l, 0, sizeof(l));
    latency_hist_levels(h, collect, &l);
    ck_assert_int_eq(l.n, 2);
    ck_assert_int_eq(l.us[0], 1);
    ck_assert_uint_eq(l.count[0], 1);
    ck_assert_int_eq(l.us[1], 4);
    ck_assert_uint_eq(l.count[1], 2);
    latency_hist_free(h);
}
END_TEST

START_TEST(test_slowlog_truncation)
{
    struct slowlog sl = {0};
    struct util_arg argv[41];
    char names[41][12];
    snprintf(names[0], sizeof(names[0]), "del");
    for (int i = 0; i < 41; i++) {
        if (i)
            snprintf(names[i], sizeof(names[i]), "%d", i);
        argv[i].ptr = names[i];
        argv[i].len = strlen(names[i]);
    }
    slowlog_push(&sl, argv, 41, NULL, 100, 7, "127.0.0.1:1", "", 128);
    struct slowlog_entry *e = sl.head;
    ck_assert_int_eq(e->argc, 32);
    ck_assert_str_eq(e->argv[30], "30");
    ck_assert_str_eq(e->argv[31], "... (10 more arguments)");

    char big[201];
    memset(big, 'a', 200);
    big[200] = '\0';
    struct util_arg set[3] = {{"set", 3}, {"big", 3}, {big, 200}};
    slowlog_push(&sl, set, 3, NULL, 101, 8, "127.0.0.1:2", "worker", 128);
    e = sl.head;
    ck_assert_int_eq(e->id, 1);
    ck_assert_uint_eq(e->argv_len[2], 128 + strlen("... (72 more bytes)"));
    ck_assert(memcmp(e->argv[2] + 128, "... (72 more bytes)", 19) == 0);
    ck_assert_str_eq(e->name, "worker");

    unsigned char mask[2] = {0, 1};
    struct util_arg auth[2] = {{"auth", 4}, {"secret", 6}};
    slowlog_push(&sl, auth, 2, mask, 102, 9, "127.0.0.1:3", NULL, 2);
    ck_assert_int_eq(sl.len, 2); /* trimmed to max_len */
    ck_assert_str_eq(sl.head->argv[1], "(redacted)");
    ck_assert_int_eq(sl.head->next->id, 1);
    slowlog_reset(&sl);
    ck_assert_int_eq(sl.len, 0);
    ck_assert_ptr_null(sl.head);
}
END_TEST

static Suite *observe_suite(void)
{
    Suite *s = suite_create("observe");
    TCase *tc = tcase_create("histogram");
    tcase_add_test(tc, test_hist_single_values);
    tcase_add_test(tc, test_hist_percentiles);
    tcase_add_test(tc, test_hist_levels);
    suite_add_tcase(s, tc);
    tc = tcase_create("slowlog");
    tcase_add_test(tc, test_slowlog_truncation);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(observe_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
