/* check_notify.c -- Check suite for notify.c's flag letters.
 *
 * The canonical spellings were read from redis-server 7.0.15 with
 * CONFIG SET notify-keyspace-events X / CONFIG GET notify-keyspace-events. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "notify.h"

static int parse(const char *s)
{
    return notify_flags_parse(s, strlen(s));
}

static const char *canon(const char *s)
{
    static char buf[32];
    int f = parse(s);
    ck_assert_int_ge(f, 0);
    notify_flags_format(f, buf, sizeof(buf));
    return buf;
}

START_TEST(test_parse_letters)
{
    ck_assert_int_eq(parse(""), 0);
    ck_assert_int_eq(parse("K"), NOTIFY_KEYSPACE);
    ck_assert_int_eq(parse("E"), NOTIFY_KEYEVENT);
    ck_assert_int_eq(parse("g$lshzxetdnm"),
                     NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH |
                         NOTIFY_ZSET | NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM |
                         NOTIFY_MODULE | NOTIFY_NEW | NOTIFY_KEY_MISS);
    ck_assert_int_eq(parse("A"), NOTIFY_ALL);
    ck_assert_int_eq(parse("AAA"), NOTIFY_ALL);
    /* A leaves out new and keymiss, as Redis's NOTIFY_ALL does. */
    ck_assert_int_eq(parse("A") & (NOTIFY_NEW | NOTIFY_KEY_MISS), 0);
}
END_TEST

START_TEST(test_parse_rejects)
{
    ck_assert_int_eq(parse("Q"), -1);
    ck_assert_int_eq(parse("KEA "), -1);
    ck_assert_int_eq(parse("k"), -1); /* case matters */
    ck_assert_int_eq(notify_flags_parse("K\0E", 3), -1);
}
END_TEST

START_TEST(test_format_canonical)
{
    ck_assert_str_eq(canon(""), "");
    ck_assert_str_eq(canon("KEA"), "AKE");
    ck_assert_str_eq(canon("g$lshzxetd"), "A");
    ck_assert_str_eq(canon("ntexzhsl$gEKm"), "g$lshzxetnKEm");
    ck_assert_str_eq(canon("Ex$lshzxetdgmnKA"), "AKEm"); /* Redis 7.0 drops n after A */
    ck_assert_str_eq(canon("tmn"), "tnm");
    ck_assert_str_eq(canon("EK"), "KE");
    ck_assert_str_eq(canon("xg"), "gx");
}
END_TEST

START_TEST(test_format_small_buffer)
{
    char buf[3];
    notify_flags_format(parse("g$lsh"), buf, sizeof(buf));
    ck_assert_str_eq(buf, "g$");
}
END_TEST

static Suite *notify_suite(void)
{
    Suite *s = suite_create("notify");
    TCase *tc = tcase_create("flags");
    tcase_add_test(tc, test_parse_letters);
    tcase_add_test(tc, test_parse_rejects);
    tcase_add_test(tc, test_format_canonical);
    tcase_add_test(tc, test_format_small_buffer);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(notify_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
