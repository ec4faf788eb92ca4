/* check_strobj.c -- string values: the encoding Redis 7.0 reports for each
 * way a value is made (int / embstr / raw and their boundaries), shared
 * small integers, canonical integer parsing and formatting at the int64
 * limits, APPEND and SETRANGE (growth, zero fill, the move to raw), copies,
 * and memory accounting. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "engine_test.h"
#include "mem.h"
#include "strobj.h"

static struct strobj *mk(const char *s)
{
    return strobj_new(s, strlen(s));
}

static void expect_value(const struct strobj *s, const char *want, size_t len)
{
    ck_assert_uint_eq(s->len, len);
    ck_assert(memcmp(s->buf, want, len) == 0);
    ck_assert_int_eq(s->buf[len], '\0');
}

START_TEST(test_encoding_of_new_values)
{
    static const struct {
        const char *v;
        const char *enc;
    } cases[] = {
        {"0", "int"},
        {"123", "int"},
        {"-1", "int"},
        {"9223372036854775807", "int"},
        {"-9223372036854775808", "int"},
        {"9223372036854775808", "embstr"},  /* past int64 */
        {"-9223372036854775809", "embstr"},
        {"12345678901234567890", "embstr"}, /* 20 digits, too big */
        {"-0", "embstr"},
        {"007", "embstr"},
        {"+7", "embstr"},
        {" 7", "embstr"},
        {"7 ", "embstr"},
        {"", "embstr"},
        {"-", "embstr"},
        {"1.5", "embstr"},
        {"abc", "embstr"},
        {"12345678901234567890123456789012345678901234", "embstr"}, /* 44 bytes */
        {"123456789012345678901234567890123456789012345", "raw"},   /* 45 bytes */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct strobj *s = mk(cases[i].v);
        ck_assert_msg(strcmp(strobj_encoding_name(s), cases[i].enc) == 0, "%s: %s, want %s",
                      cases[i].v, strobj_encoding_name(s), cases[i].enc);
        expect_value(s, cases[i].v, strlen(cases[i].v));
        strobj_free(s);
    }
    /* Never an integer when made plain (INCRBYFLOAT's result). */
    struct strobj *s = strobj_new_plain("11", 2);
    ck_assert_str_eq(strobj_encoding_name(s), "embstr");
    ck_assert(!s->shared);
    strobj_free(s);
    s = strobj_new_plain("123456789012345678901234567890123456789012345", 45);
    ck_assert_str_eq(strobj_encoding_name(s), "raw");
    strobj_free(s);
    /* Binary bytes are kept whole. */
    s = strobj_new("a\0b", 3);
    expect_value(s, "a\0b", 3);
    ck_assert_str_eq(strobj_encoding_name(s), "embstr");
    strobj_free(s);
}
END_TEST

START_TEST(test_shared_integers)
{
    static const struct {
        const char *v;
        bool shared;
    } cases[] = {{"0", true},     {"1", true},     {"9999", true}, {"10000", false},
                 {"-1", false},   {"123456", false}, {"abc", false}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct strobj *s = mk(cases[i].v);
        ck_assert_msg(s->shared == cases[i].shared, "%s", cases[i].v);
        strobj_free(s);
    }
    struct strobj *s = strobj_from_ll(42);
    ck_assert(s->shared);
    ck_assert_str_eq(strobj_encoding_name(s), "int");
    expect_value(s, "42", 2);
    /* A copy is a value of its own (Redis's dupStringObject). */
    struct strobj *d = strobj_dup(s);
    ck_assert(!d->shared);
    ck_assert_str_eq(strobj_encoding_name(d), "int");
    strobj_free(d);
    /* Any change unshares. */
    s = strobj_append(s, "", 0);
    ck_assert(!s->shared);
    ck_assert_str_eq(strobj_encoding_name(s), "raw");
    strobj_free(s);
    s = strobj_from_ll(-5);
    ck_assert(!s->shared);
    strobj_free(s);
    s = strobj_from_ll(10000);
    ck_assert(!s->shared);
    strobj_free(s);
}
END_TEST

START_TEST(test_parse_and_format_ll)
{
    long long v;
    ck_assert(strobj_parse_ll("0", 1, &v) && v == 0);
    ck_assert(strobj_parse_ll("-9223372036854775808", 20, &v) && v == LLONG_MIN);
    ck_assert(strobj_parse_ll("9223372036854775807", 19, &v) && v == LLONG_MAX);
    ck_assert(!strobj_parse_ll("9223372036854775808", 19, &v));
    ck_assert(!strobj_parse_ll("-9223372036854775809", 20, &v));
    ck_assert(!strobj_parse_ll("99999999999999999999", 20, &v));
    ck_assert(!strobj_parse_ll("", 0, &v));
    ck_assert(!strobj_parse_ll("-", 1, &v));
    ck_assert(!strobj_parse_ll("-0", 2, &v));
    ck_assert(!strobj_parse_ll("00", 2, &v));
    ck_assert(!strobj_parse_ll("01", 2, &v));
    ck_assert(!strobj_parse_ll("+1", 2, &v));
    ck_assert(!strobj_parse_ll("1a", 2, &v));
    ck_assert(!strobj_parse_ll("1\0", 2, &v));
    ck_assert(!strobj_parse_ll("000000000000000000001", 21, &v));
    /* Only len bytes are read. */
    ck_assert(strobj_parse_ll("12x", 2, &v) && v == 12);

    char buf[STROBJ_LL_MAX_CHARS];
    ck_assert_uint_eq(strobj_format_ll(buf, 0), 1);
    ck_assert_str_eq(buf, "0");
    ck_assert_uint_eq(strobj_format_ll(buf, LLONG_MIN), 20);
    ck_assert_str_eq(buf, "-9223372036854775808");
    ck_assert_uint_eq(strobj_format_ll(buf, LLONG_MAX), 19);
    ck_assert_str_eq(buf, "9223372036854775807");
    ck_assert_uint_eq(strobj_format_ll(buf, -7), 2);
    ck_assert_str_eq(buf, "-7");
    /* Round trips. */
    test_rng_seed(7);
    for (int i = 0; i < 100000; i++) {
        long long x = (long long)test_rng();
        if (i % 3 == 0)
            x >>= (test_rng() % 63);
        size_t n = strobj_format_ll(buf, x);
        REQUIRE(strobj_parse_ll(buf, n, &v));
        REQUIRE_EQ(v, x);
    }
    struct strobj *s = strobj_from_ll(LLONG_MIN);
    ck_assert(strobj_to_ll(s, &v) && v == LLONG_MIN);
    strobj_free(s);
}
END_TEST

START_TEST(test_append)
{
    struct strobj *s = mk("hello");
    ck_assert_str_eq(strobj_encoding_name(s), "embstr");
    s = strobj_append(s, " world", 6);
    ck_assert_str_eq(strobj_encoding_name(s), "raw");
    expect_value(s, "hello world", 11);
    /* Spare room: the next small appends do not move the value. */
    ck_assert_uint_ge(s->cap, 22);
    struct strobj *before = s;
    s = strobj_append(s, "!", 1);
    ck_assert_ptr_eq(s, before);
    expect_value(s, "hello world!", 12);
    /* An integer becomes raw text. */
    struct strobj *n = mk("12");
    n = strobj_append(n, "3", 1);
    ck_assert_str_eq(strobj_encoding_name(n), "raw");
    expect_value(n, "123", 3);
    long long v;
    ck_assert(strobj_to_ll(n, &v) && v == 123);
    strobj_free(n);
    /* Many appends: the bytes are all there. */
    char want[20001];
    for (int i = 0; i < 20000; i++)
        want[i] = (char)('a' + i % 26);
    struct strobj *big = strobj_new("", 0);
    for (int i = 0; i < 20000; i += 100)
        big = strobj_append(big, want + i, 100);
    expect_value(big, want, 20000);
    strobj_free(big);
    strobj_free(s);
}
END_TEST

START_TEST(test_setrange)
{
    /* A new key: zero-filled up to the offset, exactly sized. */
    struct strobj *s = strobj_setrange(NULL, 3, "abc", 3);
    ck_assert_str_eq(strobj_encoding_name(s), "raw");
    expect_value(s, "\0\0\0abc", 6);
    ck_assert_uint_eq(s->cap, 6);
    /* Inside the value. */
    s = strobj_setrange(s, 0, "XY", 2);
    expect_value(s, "XY\0abc", 6);
    /* Across the end. */
    s = strobj_setrange(s, 5, "123", 3);
    expect_value(s, "XY\0ab123", 8);
    /* Past the end: the gap is zeros. */
    s = strobj_setrange(s, 10, "z", 1);
    expect_value(s, "XY\0ab123\0\0z", 11);
    strobj_free(s);
    /* An embstr or int is unshared into raw first. */
    s = mk("10");
    ck_assert(s->shared);
    s = strobj_setrange(s, 0, "2", 1);
    ck_assert_str_eq(strobj_encoding_name(s), "raw");
    ck_assert(!s->shared);
    expect_value(s, "20", 2);
    strobj_free(s);
    s = mk("Hello World");
    s = strobj_setrange(s, 6, "Redis", 5);
    expect_value(s, "Hello Redis", 11);
    strobj_free(s);
}
END_TEST

START_TEST(test_dup_and_memory)
{
    size_t base = mem_used();
    struct strobj *s = mk("123456789012345678901234567890123456789012345678");
    s = strobj_append(s, "x", 1);
    struct strobj *d = strobj_dup(s);
    ck_assert_str_eq(strobj_encoding_name(d), "raw");
    expect_value(d, s->buf, s->len);
    ck_assert_ptr_ne(d->buf, s->buf);
    ck_assert_uint_gt(strobj_memory(s), s->len);
    ck_assert_uint_eq(strobj_memory(s), mem_block_size(s));
    strobj_free(s);
    strobj_free(d);
    ck_assert_uint_eq(mem_used(), base);
    struct strobj *e = strobj_new("emb", 3);
    d = strobj_dup(e);
    ck_assert_str_eq(strobj_encoding_name(d), "embstr");
    strobj_free(e);
    strobj_free(d);
    ck_assert_uint_eq(mem_used(), base);
}
END_TEST

static Suite *strobj_suite(void)
{
    Suite *s = suite_create("strobj");
    TCase *tc = tcase_create("strobj");
    tcase_add_test(tc, test_encoding_of_new_values);
    tcase_add_test(tc, test_shared_integers);
    tcase_add_test(tc, test_parse_and_format_ll);
    tcase_add_test(tc, test_append);
    tcase_add_test(tc, test_setrange);
    tcase_add_test(tc, test_dup_and_memory);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(strobj_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
