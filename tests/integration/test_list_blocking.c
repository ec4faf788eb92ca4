/* test_list_blocking.c -- blocking list pops on XREAD's wait lists: a
 * waiter is served by a push in FIFO order, a list waiter is never woken by
 * an XADD and a stream reader never by a push, a blocked XREADGROUP whose
 * key becomes a list answers WRONGTYPE (Redis 7.2+), a BLPOP re-run by one
 * key while another became a stream meets the WRONGTYPE (Redis 7.2+), the
 * effects of served pops (LPOP, LMOVE; never the blocking command), timeouts
 * and CLIENT UNBLOCK.  State is observed through INFO blocked_clients. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static struct test_server srv;

static void setup(void)
{
    if (test_server_start_traced(&srv, NULL) != 0)
        abort();
}

static void teardown(void)
{
    test_server_stop(&srv);
}

/* "key value" of a BLPOP/BRPOP reply. */
static void assert_pair(redisReply *r, const char *key, const char *value)
{
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    ck_assert_uint_eq(r->elements, 2);
    ck_assert_str_eq(r->element[0]->str, key);
    ck_assert_str_eq(r->element[1]->str, value);
    freeReplyObject(r);
}

START_TEST(push_serves_waiters_in_order)
{
    redisContext *ctl = test_connect(&srv);
    redisContext *a = test_connect(&srv);
    redisContext *b = test_connect(&srv);
    test_ok(ctl, "FLUSHALL");
    test_send(a, "BLPOP q 0");
    test_wait_blocked(ctl, 1);
    test_send(b, "BRPOP other q 0");
    test_wait_blocked(ctl, 2);
    redisReply *r = test_cmd(ctl, "CLIENT LIST");
    ck_assert_ptr_nonnull(strstr(r->str, "flags=b "));
    freeReplyObject(r);
    ck_assert_int_eq(test_info_ll(ctl, "total_blocking_keys"), 2);
    ck_assert_int_eq(test_int(ctl, "RPUSH q x"), 1);
    assert_pair(test_reply(a), "q", "x");
    test_wait_blocked(ctl, 1);
    ck_assert_int_eq(test_int(ctl, "RPUSH q y z"), 2);
    assert_pair(test_reply(b), "q", "z");
    test_wait_blocked(ctl, 0);
    ck_assert_int_eq(test_int(ctl, "LLEN q"), 1);
    redisFree(a);
    redisFree(b);
    redisFree(ctl);
}
END_TEST

START_TEST(list_waiter_ignores_xadd_and_stream_reader_ignores_push)
{
    redisContext *ctl = test_connect(&srv);
    redisContext *lw = test_connect(&srv);
    redisContext *sw = test_connect(&srv);
    test_ok(ctl, "FLUSHALL");
    test_send(lw, "BLPOP k 0");
    test_send(sw, "XREAD BLOCK 0 STREAMS k2 $");
    test_wait_blocked(ctl, 2);
    test_ok(ctl, "XADD k 1-0 f v");
    test_ok(ctl, "RPUSH k2 a");
    test_sleep_ms(50);
    ck_assert_int_eq(test_info_ll(ctl, "blocked_clients"), 2);
    /* Each is served by its own type once the key holds it. */
    test_ok(ctl, "DEL k k2");
    test_ok(ctl, "RPUSH k v");
    assert_pair(test_reply(lw), "k", "v");
    test_ok(ctl, "XADD k2 1-0 f v");
    redisReply *r = test_reply(sw);
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    freeReplyObject(r);
    test_wait_blocked(ctl, 0);
    redisFree(lw);
    redisFree(sw);
    redisFree(ctl);
}
END_TEST

START_TEST(xreadgroup_waiter_meets_list)
{
    redisContext *ctl = test_connect(&srv);
    redisContext *g = test_connect(&srv);
    test_ok(ctl, "FLUSHALL");
    test_ok(ctl, "XGROUP CREATE s grp $ MKSTREAM");
    test_send(g, "XREADGROUP GROUP grp c BLOCK 0 STREAMS s >");
    test_wait_blocked(ctl, 1);
    test_ok(ctl, "MULTI");
    test_ok(ctl, "DEL s");
    test_ok(ctl, "RPUSH s x");
    test_ok(ctl, "EXEC");
    redisReply *r = test_reply(g);
    ck_assert_int_eq(r->type, REDIS_REPLY_ERROR);
    ck_assert_str_eq(r->str, "WRONGTYPE Operation against a key holding the wrong kind of value");
    freeReplyObject(r);
    test_wait_blocked(ctl, 0);
    redisFree(g);
    redisFree(ctl);
}
END_TEST

START_TEST(blpop_rerun_meets_stream_key)
{
    redisContext *ctl = test_connect(&srv);
    redisContext *w = test_connect(&srv);
    test_ok(ctl, "FLUSHALL");
    test_send(w, "BLPOP a b 0");
    test_wait_blocked(ctl, 1);
    test_ok(ctl, "XADD a 1-0 f v");
    test_sleep_ms(30);
    ck_assert_int_eq(test_info_ll(ctl, "blocked_clients"), 1);
    /* Redis 7.2+ runs the command again for b and meets the stream at a. */
    test_ok(ctl, "RPUSH b x");
    redisReply *r = test_reply(w);
    ck_assert_int_eq(r->type, REDIS_REPLY_ERROR);
    ck_assert_str_eq(r->str, "WRONGTYPE Operation against a key holding the wrong kind of value");
    freeReplyObject(r);
    ck_assert_int_eq(test_int(ctl, "LLEN b"), 1);
    /* A list key before the stream is served first. */
    test_send(w, "BLPOP c d 0");
    test_wait_blocked(ctl, 1);
    test_ok(ctl, "XADD d 1-0 f v");
    test_ok(ctl, "RPUSH c y");
    assert_pair(test_reply(w), "c", "y");
    redisFree(w);
    redisFree(ctl);
}
END_TEST

START_TEST(served_pops_are_logged_as_pops)
{
    redisContext *ctl = test_connect(&srv);
    redisContext *p = test_connect(&srv);
    redisContext *m = test_connect(&srv);
    test_ok(ctl, "FLUSHALL");
    long from = test_file_size(srv.trace);
    test_send(m, "BLMOVE src dst RIGHT LEFT 0");
    test_wait_blocked(ctl, 1);
    test_send(p, "BLPOP dst 0");
    test_wait_blocked(ctl, 2);
    test_ok(ctl, "RPUSH src one two");
    redisReply *r = test_reply(m);
    ck_assert_str_eq(r->str, "two");
    freeReplyObject(r);
    assert_pair(test_reply(p), "dst", "two");
    test_wait_blocked(ctl, 0);
    test_send(m, "BLMPOP 0 2 nokey src LEFT COUNT 5");
    r = test_reply(m);
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    freeReplyObject(r);
    test_ok(ctl, "RPUSH src 1 2 3");
    r = test_cmd(m, "BRPOP src 0");
    freeReplyObject(r);
    size_t len;
    char *t = test_file_from(srv.trace, from, &len);
    ck_assert_ptr_null(strstr(t, "BLMOVE"));
    ck_assert_ptr_null(strstr(t, "BLPOP"));
    ck_assert_ptr_null(strstr(t, "BRPOP"));
    ck_assert_ptr_null(strstr(t, "BLMPOP"));
    ck_assert_ptr_nonnull(strstr(t, "$5\r\nLMOVE\r\n$3\r\nsrc\r\n$3\r\ndst\r\n$5\r\nRIGHT\r\n$4\r\nLEFT\r\n"));
    ck_assert_ptr_nonnull(strstr(t, "*2\r\n$4\r\nLPOP\r\n$3\r\ndst\r\n"));
    ck_assert_ptr_nonnull(strstr(t, "*3\r\n$4\r\nLPOP\r\n$3\r\nsrc\r\n$1\r\n1\r\n"));
    ck_assert_ptr_nonnull(strstr(t, "*2\r\n$4\r\nRPOP\r\n$3\r\nsrc\r\n"));
    free(t);
    redisFree(p);
    redisFree(m);
    redisFree(ctl);
}
END_TEST

START_TEST(timeouts_and_client_unblock)
{
    redisContext *ctl = test_connect(&srv);
    redisContext *w = test_connect(&srv);
    test_ok(ctl, "FLUSHALL");
    redisReply *r = test_cmd(w, "CLIENT ID");
    long long id = r->integer;
    freeReplyObject(r);
    r = test_cmd(w, "BLPOP nothing 0.05");
    ck_assert_int_eq(r->type, REDIS_REPLY_NIL);
    freeReplyObject(r);
    test_send(w, "BLMOVE nothing dst LEFT LEFT 0");
    test_wait_blocked(ctl, 1);
    ck_assert_int_eq(test_int(ctl, "CLIENT UNBLOCK %lld", id), 1);
    r = test_reply(w);
    ck_assert_int_eq(r->type, REDIS_REPLY_NIL);
    freeReplyObject(r);
    test_send(w, "BLMPOP 0 1 nothing RIGHT");
    test_wait_blocked(ctl, 1);
    ck_assert_int_eq(test_int(ctl, "CLIENT UNBLOCK %lld ERROR", id), 1);
    r = test_reply(w);
    ck_assert_int_eq(r->type, REDIS_REPLY_ERROR);
    ck_assert_str_eq(r->str, "UNBLOCKED client unblocked via CLIENT UNBLOCK");
    freeReplyObject(r);
    test_wait_blocked(ctl, 0);
    /* A disconnected waiter leaves nothing behind: the push stays. */
    test_send(w, "BLPOP gone 0");
    test_wait_blocked(ctl, 1);
    redisFree(w);
    test_wait_blocked(ctl, 0);
    ck_assert_int_eq(test_int(ctl, "RPUSH gone x"), 1);
    ck_assert_int_eq(test_info_ll(ctl, "total_blocking_keys"), 0);
    redisFree(ctl);
}
END_TEST

static Suite *list_blocking_suite(void)
{
    Suite *s = suite_create("list_blocking");
    TCase *tc = tcase_create("list_blocking");
    tcase_set_timeout(tc, 30);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, push_serves_waiters_in_order);
    tcase_add_test(tc, list_waiter_ignores_xadd_and_stream_reader_ignores_push);
    tcase_add_test(tc, xreadgroup_waiter_meets_list);
    tcase_add_test(tc, blpop_rerun_meets_stream_key);
    tcase_add_test(tc, served_pops_are_logged_as_pops);
    tcase_add_test(tc, timeouts_and_client_unblock);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(list_blocking_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
