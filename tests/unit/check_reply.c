/* check_reply.c -- Check suite for the reply builder (reply.c).
 *
 * Every function is checked for its exact bytes under RESP2 and RESP3.  The
 * double formats were compared with redis-server 7.0.15 (ZSCORE under
 * HELLO 2 and HELLO 3). */
#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "reply.h"

/* Compare what r holds with want[0..wlen), then empty r. */
static void expect_bytes(struct reply_buf *r, const char *want, size_t wlen, int line)
{
    ck_assert_msg(r->len == wlen && memcmp(r->buf, want, wlen) == 0,
                  "line %d: got %zu bytes \"%.*s\", want \"%.*s\"", line, r->len, (int)r->len,
                  r->buf ? r->buf : "", (int)wlen, want);
    r->len = 0;
}

#define EXPECT(r, lit) expect_bytes(r, lit, sizeof(lit) - 1, __LINE__)

/* Run body with a RESP2 builder r2 and a RESP3 builder r3. */
static struct reply_buf r2, r3;
static size_t mem_before;

static void setup(void)
{
    mem_before = mem_used();
    reply_init(&r2, 2);
    reply_init(&r3, 3);
}

static void teardown(void)
{
    reply_free(&r2);
    reply_free(&r3);
    ck_assert_uint_eq(mem_used(), mem_before);
}

START_TEST(test_simple_ok)
{
    reply_simple(&r2, "PONG");
    EXPECT(&r2, "+PONG\r\n");
    reply_simple(&r3, "PONG");
    EXPECT(&r3, "+PONG\r\n");
    reply_simple(&r2, "");
    EXPECT(&r2, "+\r\n");
    reply_simple(&r2, "a\r\nb");
    EXPECT(&r2, "+a  b\r\n");
    reply_ok(&r2);
    EXPECT(&r2, "+OK\r\n");
    reply_ok(&r3);
    EXPECT(&r3, "+OK\r\n");
}
END_TEST

START_TEST(test_error)
{
    reply_error(&r2, "ERR unknown command");
    EXPECT(&r2, "-ERR unknown command\r\n");
    reply_error(&r3, "WRONGTYPE Operation against a key holding the wrong kind of value");
    EXPECT(&r3, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    /* A leading '-' is not doubled. */
    reply_error(&r2, "-NOAUTH Authentication required.");
    EXPECT(&r2, "-NOAUTH Authentication required.\r\n");
    /* CR/LF inside become spaces; at the ends they are trimmed. */
    reply_error(&r2, "ERR a\nb\rc");
    EXPECT(&r2, "-ERR a b c\r\n");
    reply_error(&r2, "ERR trailing\r\n");
    EXPECT(&r2, "-ERR trailing\r\n");
    reply_error(&r2, "\r\n-ERR lead");
    EXPECT(&r2, "-ERR lead\r\n");
    reply_error(&r2, "");
    EXPECT(&r2, "-\r\n");
    reply_error(&r2, "ERR Protocol error: expected '$', got '\n'");
    EXPECT(&r2, "-ERR Protocol error: expected '$', got ' '\r\n");
}
END_TEST

START_TEST(test_errorf)
{
    reply_errorf(&r2, "ERR unknown command '%s', with args beginning with: %s", "FOO", "");
    EXPECT(&r2, "-ERR unknown command 'FOO', with args beginning with: \r\n");
    reply_errorf(&r3, "ERR value %d\n", 5);
    EXPECT(&r3, "-ERR value 5\r\n");

    /* Longer than the stack buffer. */
    char big[1000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    reply_errorf(&r2, "ERR %s!", big);
    ck_assert_uint_eq(r2.len, 1 + 4 + 999 + 1 + 2);
    ck_assert(memcmp(r2.buf, "-ERR xxx", 8) == 0);
    ck_assert(memcmp(r2.buf + r2.len - 3, "!\r\n", 3) == 0);
    r2.len = 0;
}
END_TEST

START_TEST(test_int)
{
    reply_int(&r2, 0);
    EXPECT(&r2, ":0\r\n");
    reply_int(&r3, -1);
    EXPECT(&r3, ":-1\r\n");
    reply_int(&r2, LLONG_MAX);
    EXPECT(&r2, ":9223372036854775807\r\n");
    reply_int(&r2, LLONG_MIN);
    EXPECT(&r2, ":-9223372036854775808\r\n");
    reply_int(&r2, 12345);
    EXPECT(&r2, ":12345\r\n");
}
END_TEST

START_TEST(test_bulk)
{
    reply_bulk(&r2, "hello", 5);
    EXPECT(&r2, "$5\r\nhello\r\n");
    reply_bulk(&r3, "hello", 5);
    EXPECT(&r3, "$5\r\nhello\r\n");
    reply_bulk(&r2, "", 0);
    EXPECT(&r2, "$0\r\n\r\n");
    reply_bulk(&r2, "a\0\r\n", 4);
    EXPECT(&r2, "$4\r\na\0\r\n\r\n");
    reply_bulk_cstr(&r2, "abc");
    EXPECT(&r2, "$3\r\nabc\r\n");
    reply_bulk_cstr(&r2, NULL);
    EXPECT(&r2, "$-1\r\n");
    reply_bulk_cstr(&r3, NULL);
    EXPECT(&r3, "_\r\n");
    reply_bulk_ll(&r2, 1234);
    EXPECT(&r2, "$4\r\n1234\r\n");
    reply_bulk_ll(&r3, LLONG_MIN);
    EXPECT(&r3, "$20\r\n-9223372036854775808\r\n");
    reply_bulk_ll(&r2, 0);
    EXPECT(&r2, "$1\r\n0\r\n");
}
END_TEST

START_TEST(test_nulls)
{
    reply_null(&r2);
    EXPECT(&r2, "$-1\r\n");
    reply_null(&r3);
    EXPECT(&r3, "_\r\n");
    reply_null_array(&r2);
    EXPECT(&r2, "*-1\r\n");
    reply_null_array(&r3);
    EXPECT(&r3, "_\r\n");
}
END_TEST

START_TEST(test_containers)
{
    reply_array(&r2, 3);
    EXPECT(&r2, "*3\r\n");
    reply_array(&r3, 0);
    EXPECT(&r3, "*0\r\n");
    reply_map(&r2, 2);
    EXPECT(&r2, "*4\r\n");
    reply_map(&r3, 2);
    EXPECT(&r3, "%2\r\n");
    reply_set(&r2, 5);
    EXPECT(&r2, "*5\r\n");
    reply_set(&r3, 5);
    EXPECT(&r3, "~5\r\n");
    reply_push(&r2, 3);
    EXPECT(&r2, "*3\r\n");
    reply_push(&r3, 3);
    EXPECT(&r3, ">3\r\n");
    reply_map(&r2, 0);
    EXPECT(&r2, "*0\r\n");
}
END_TEST

START_TEST(test_double)
{
    /* Byte for byte what ZSCORE sends on 7.0.15. */
    reply_double(&r2, 0.1);
    EXPECT(&r2, "$19\r\n0.10000000000000001\r\n");
    reply_double(&r3, 0.1);
    EXPECT(&r3, ",0.10000000000000001\r\n");
    reply_double(&r2, 1.0);
    EXPECT(&r2, "$1\r\n1\r\n");
    reply_double(&r3, 1.0);
    EXPECT(&r3, ",1\r\n");
    reply_double(&r2, INFINITY);
    EXPECT(&r2, "$3\r\ninf\r\n");
    reply_double(&r2, -INFINITY);
    EXPECT(&r2, "$4\r\n-inf\r\n");
    reply_double(&r3, INFINITY);
    EXPECT(&r3, ",inf\r\n");
    reply_double(&r3, -INFINITY);
    EXPECT(&r3, ",-inf\r\n");
    reply_double(&r2, 1e300);
    EXPECT(&r2, "$23\r\n1.0000000000000001e+300\r\n");
    reply_double(&r3, 1e-5);
    EXPECT(&r3, ",1.0000000000000001e-05\r\n");
    reply_double(&r3, 123456789012345678.0);
    EXPECT(&r3, ",1.2345678901234568e+17\r\n");
    reply_double(&r2, 3.0000000000000004);
    EXPECT(&r2, "$18\r\n3.0000000000000004\r\n");
    reply_double(&r3, NAN);
    EXPECT(&r3, ",nan\r\n");
    reply_double(&r2, NAN);
    EXPECT(&r2, "$3\r\nnan\r\n");
    reply_double(&r2, -0.0);
    EXPECT(&r2, "$2\r\n-0\r\n");
}
END_TEST

START_TEST(test_bool)
{
    reply_bool(&r2, 1);
    EXPECT(&r2, ":1\r\n");
    reply_bool(&r2, 0);
    EXPECT(&r2, ":0\r\n");
    reply_bool(&r3, 1);
    EXPECT(&r3, "#t\r\n");
    reply_bool(&r3, 0);
    EXPECT(&r3, "#f\r\n");
    reply_bool(&r3, 42);
    EXPECT(&r3, "#t\r\n");
}
END_TEST

START_TEST(test_verbatim)
{
    reply_verbatim(&r2, "hello", 5, "txt");
    EXPECT(&r2, "$5\r\nhello\r\n");
    reply_verbatim(&r3, "hello", 5, "txt");
    EXPECT(&r3, "=9\r\ntxt:hello\r\n");
    reply_verbatim(&r3, "# x", 3, "mkd");
    EXPECT(&r3, "=7\r\nmkd:# x\r\n");
    reply_verbatim(&r3, "", 0, NULL);
    EXPECT(&r3, "=4\r\ntxt:\r\n");
    reply_verbatim(&r3, "x", 1, "md");
    EXPECT(&r3, "=5\r\nmd :x\r\n");
    reply_verbatim(&r3, "x", 1, "");
    EXPECT(&r3, "=5\r\n   :x\r\n");
    reply_verbatim(&r3, "x", 1, "text");
    EXPECT(&r3, "=5\r\ntex:x\r\n");
    reply_verbatim(&r3, "a\r\nb", 4, "txt");
    EXPECT(&r3, "=8\r\ntxt:a\r\nb\r\n");
}
END_TEST

START_TEST(test_bignum)
{
    reply_bignum(&r2, "3492890328409238509324850943850943825024385", 43);
    EXPECT(&r2, "$43\r\n3492890328409238509324850943850943825024385\r\n");
    reply_bignum(&r3, "-3492890328409238509324850943850943825024385", 44);
    EXPECT(&r3, "(-3492890328409238509324850943850943825024385\r\n");
}
END_TEST

START_TEST(test_raw_pending_compact)
{
    reply_raw(&r2, "+QUEUED\r\n", 9);
    reply_raw(&r2, "", 0);
    ck_assert_uint_eq(reply_pending(&r2), 9);
    r2.sent = 4;
    ck_assert_uint_eq(reply_pending(&r2), 5);
    reply_compact(&r2);
    ck_assert_uint_eq(r2.sent, 0);
    EXPECT(&r2, "UED\r\n");
    reply_compact(&r2); /* nothing sent: no-op */
    ck_assert_uint_eq(r2.len, 0);
}
END_TEST

START_TEST(test_compact_releases_big_buffer)
{
    char chunk[4096];
    memset(chunk, 'z', sizeof(chunk));
    for (int i = 0; i < 100; i++)
        reply_bulk(&r2, chunk, sizeof(chunk));
    ck_assert_uint_ge(r2.cap, 100 * 4096);
    r2.sent = r2.len;
    reply_compact(&r2);
    ck_assert_uint_eq(r2.len, 0);
    ck_assert_uint_le(r2.cap, 64 * 1024);
    reply_ok(&r2);
    EXPECT(&r2, "+OK\r\n");
}
END_TEST

START_TEST(test_growth_amortised)
{
    /* 200k small replies: the buffer doubles, so few reallocations. */
    size_t reallocs = 0, last_cap = 0;
    for (int i = 0; i < 200000; i++) {
        reply_int(&r2, i);
        if (r2.cap != last_cap) {
            reallocs++;
            last_cap = r2.cap;
        }
    }
    ck_assert_uint_le(reallocs, 20);
    ck_assert(memcmp(r2.buf, ":0\r\n:1\r\n:2\r\n", 12) == 0);
    ck_assert(memcmp(r2.buf + r2.len - 9, ":199999\r\n", 9) == 0);
    r2.len = 0;
}
END_TEST

START_TEST(test_defer_array)
{
    size_t h;
    reply_int(&r2, 7); /* something before: handles are offsets */
    h = reply_defer(&r2);
    reply_bulk(&r2, "a", 1);
    reply_bulk(&r2, "b", 1);
    reply_defer_array(&r2, h, 2);
    EXPECT(&r2, ":7\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n");

    h = reply_defer(&r3);
    reply_defer_array(&r3, h, 0);
    EXPECT(&r3, "*0\r\n");
}
END_TEST

START_TEST(test_defer_map_set)
{
    size_t h = reply_defer(&r2);
    reply_bulk(&r2, "k", 1);
    reply_int(&r2, 1);
    reply_defer_map(&r2, h, 1);
    EXPECT(&r2, "*2\r\n$1\r\nk\r\n:1\r\n");

    h = reply_defer(&r3);
    reply_bulk(&r3, "k", 1);
    reply_int(&r3, 1);
    reply_defer_map(&r3, h, 1);
    EXPECT(&r3, "%1\r\n$1\r\nk\r\n:1\r\n");

    h = reply_defer(&r2);
    reply_bulk(&r2, "x", 1);
    reply_defer_set(&r2, h, 1);
    EXPECT(&r2, "*1\r\n$1\r\nx\r\n");

    h = reply_defer(&r3);
    reply_bulk(&r3, "x", 1);
    reply_defer_set(&r3, h, 1);
    EXPECT(&r3, "~1\r\n$1\r\nx\r\n");
}
END_TEST

START_TEST(test_defer_nested)
{
    /* XRANGE-like: an outer array of [id, [field, value]] pairs, with the
     * inner counts also deferred; filled innermost first. */
    size_t outer = reply_defer(&r3);
    for (int i = 0; i < 2; i++) {
        reply_array(&r3, 2);
        reply_bulk(&r3, i ? "2-0" : "1-0", 3);
        size_t inner = reply_defer(&r3);
        reply_bulk(&r3, "f", 1);
        reply_bulk(&r3, "v", 1);
        reply_defer_map(&r3, inner, 1);
    }
    reply_defer_array(&r3, outer, 2);
    EXPECT(&r3, "*2\r\n*2\r\n$3\r\n1-0\r\n%1\r\n$1\r\nf\r\n$1\r\nv\r\n"
                "*2\r\n$3\r\n2-0\r\n%1\r\n$1\r\nf\r\n$1\r\nv\r\n");
}
END_TEST

START_TEST(test_defer_large_count_and_body)
{
    size_t h = reply_defer(&r2);
    for (int i = 0; i < 100000; i++)
        reply_int(&r2, 1);
    reply_defer_array(&r2, h, 100000);
    ck_assert(memcmp(r2.buf, "*100000\r\n:1\r\n", 13) == 0);
    ck_assert_uint_eq(r2.len, 9 + 100000 * 4);
    r2.len = 0;
}
END_TEST

START_TEST(test_defer_after_partial_send)
{
    /* Bytes already written by the connection stay untouched. */
    reply_ok(&r2);
    r2.sent = 3;
    size_t h = reply_defer(&r2);
    reply_int(&r2, 1);
    reply_defer_array(&r2, h, 1);
    ck_assert_uint_eq(r2.sent, 3);
    EXPECT(&r2, "+OK\r\n*1\r\n:1\r\n");
    r2.sent = 0;
}
END_TEST

static Suite *reply_suite(void)
{
    Suite *s = suite_create("reply");
    TCase *tc;

    tc = tcase_create("scalars");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_simple_ok);
    tcase_add_test(tc, test_error);
    tcase_add_test(tc, test_errorf);
    tcase_add_test(tc, test_int);
    tcase_add_test(tc, test_bulk);
    tcase_add_test(tc, test_nulls);
    tcase_add_test(tc, test_double);
    tcase_add_test(tc, test_bool);
    tcase_add_test(tc, test_verbatim);
    tcase_add_test(tc, test_bignum);
    suite_add_tcase(s, tc);

    tc = tcase_create("containers");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_containers);
    tcase_add_test(tc, test_defer_array);
    tcase_add_test(tc, test_defer_map_set);
    tcase_add_test(tc, test_defer_nested);
    tcase_add_test(tc, test_defer_large_count_and_body);
    tcase_add_test(tc, test_defer_after_partial_send);
    suite_add_tcase(s, tc);

    tc = tcase_create("buffer");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_raw_pending_compact);
    tcase_add_test(tc, test_compact_releases_big_buffer);
    tcase_add_test(tc, test_growth_amortised);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(reply_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
