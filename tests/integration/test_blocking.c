/* test_blocking.c -- XREAD BLOCK: wake-ups, timeouts, order, MULTI, CLIENT
 * UNBLOCK, disconnects.  State is observed through INFO blocked_clients,
 * never assumed after a sleep. */
#include <check.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static struct test_server srv;

static void setup(void)
{
    test_server_start_or_abort(&srv, NULL);
}

static void teardown(void)
{
    test_server_stop(&srv);
}

START_TEST(xread_block_woken_by_xadd)
{
    redisContext *ctl = test_connect(&srv);
    redisContext *r1 = test_connect(&srv);
    test_ok(ctl, "DEL jobs");
    test_send(r1, "XREAD BLOCK 0 STREAMS jobs $");
    test_wait_blocked(ctl, 1);
    test_ok(ctl, "XADD jobs 5-1 task a");
    redisReply *r = test_reply(r1);
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    ck_assert_str_eq(r->element[0]->element[0]->str, "jobs");
    redisReply *entries = r->element[0]->element[1];
    ck_assert_int_eq(entries->elements, 1);
    ck_assert_str_eq(entries->element[0]->element[0]->str, "5-1");
    freeReplyObject(r);
    ck_assert_int_eq(test_info_ll(ctl, "blocked_clients"), 0);
    redisFree(r1);
    redisFree(ctl);
}
END_TEST

START_TEST(dollar_means_after_block_time)
{
    redisContext *ctl = test_connect(&srv);
    redisContext *r1 = test_connect(&srv);
    test_ok(ctl, "DEL d");
    test_ok(ctl, "XADD d 1-1 old x");
    test_send(r1, "XREAD BLOCK 0 STREAMS d $");
    test_wait_blocked(ctl, 1);
    test_ok(ctl, "XADD d 2-1 new y");
    redisReply *r = test_reply(r1);
    redisReply *entries = r->element[0]->element[1];
    ck_assert_int_eq(entries->elements, 1);
    ck_assert_str_eq(entries->element[0]->element[0]->str, "2-1");
    freeReplyObject(r);
    redisFree(r1);
    redisFree(ctl);
}
END_TEST

START_TEST(timeout_replies_null_resp2_and_resp3)
{
    char buf[512];
    long long t0 = test_mono_ms();
    const char req2[] = "XREAD BLOCK 100 STREAMS none $\r\n";
    test_raw(&srv, req2, sizeof(req2) - 1, buf, sizeof(buf), 1500);
    ck_assert_str_eq(buf, "*-1\r\n");
    ck_assert_int_ge(test_mono_ms() - t0, 95);
    const char req3[] = "HELLO 3\r\nXREAD BLOCK 50 STREAMS none $\r\n";
    test_raw(&srv, req3, sizeof(req3) - 1, buf, sizeof(buf), 1500);
    ck_assert_msg(strlen(buf) > 3 && strcmp(buf + strlen(buf) - 3, "_\r\n") == 0, "%s", buf);
}
END_TEST

START_TEST(waiters_served_in_order_and_each_key)
{
    redisContext *ctl = test_connect(&srv);
    redisContext *a = test_connect(&srv);
    redisContext *b = test_connect(&srv);
    redisContext *other = test_connect(&srv);
    test_ok(ctl, "DEL q1 q2");
    test_send(a, "XREAD BLOCK 0 STREAMS q1 q2 $ $");
    test_wait_blocked(ctl, 1);
    test_send(b, "XREAD BLOCK 0 STREAMS q2 $");
    test_wait_blocked(ctl, 2);
    test_send(other, "XREAD BLOCK 0 STREAMS q3 $");
    test_wait_blocked(ctl, 3);
    /* One write to q2 wakes both of its waiters, first-blocked first,
     * and not the client waiting on q3. */
    test_ok(ctl, "XADD q2 1-1 k v");
    redisReply *ra = test_reply(a);
    ck_assert_str_eq(ra->element[0]->element[0]->str, "q2");
    freeReplyObject(ra);
    redisReply *rb = test_reply(b);
    ck_assert_str_eq(rb->element[0]->element[0]->str, "q2");
    freeReplyObject(rb);
    test_wait_blocked(ctl, 1);
    redisFree(other);
    test_wait_blocked(ctl, 0);
    redisFree(a);
    redisFree(b);
    redisFree(ctl);
}
END_TEST

START_TEST(block_inside_multi_is_plain_read)
{
    redisContext *c = test_connect(&srv);
    test_ok(c, "DEL m");
    test_ok(c, "MULTI");
    test_ok(c, "XREAD BLOCK 0 STREAMS m $");
    redisReply *r = test_cmd(c, "EXEC");
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    ck_assert_int_eq(r->elements, 1);
    ck_assert_int_eq(r->element[0]->type, REDIS_REPLY_NIL);
    freeReplyObject(r);
    redisFree(c);
}
END_TEST

START_TEST(wake_after_exec)
{
    redisContext *ctl = test_connect(&srv);
    redisContext *r1 = test_connect(&srv);
    test_ok(ctl, "DEL tx");
    test_send(r1, "XREAD BLOCK 0 STREAMS tx 0-0");
    test_wait_blocked(ctl, 1);
    test_ok(ctl, "MULTI");
    test_ok(ctl, "XADD tx 1-1 a 1");
    test_ok(ctl, "XADD tx 2-1 a 2");
    test_ok(ctl, "EXEC");
    redisReply *r = test_reply(r1);
    /* Both entries of the transaction are visible at once. */
    ck_assert_int_eq(r->element[0]->element[1]->elements, 2);
    freeReplyObject(r);
    redisFree(r1);
    redisFree(ctl);
}
END_TEST

START_TEST(client_unblock_and_kill)
{
    redisContext *ctl = test_connect(&srv);
    redisContext *r1 = test_connect(&srv);
    redisReply *r = test_cmd(r1, "CLIENT ID");
    long long id = r->integer;
    freeReplyObject(r);
    test_send(r1, "XREAD BLOCK 0 STREAMS u $");
    test_wait_blocked(ctl, 1);
    r = test_cmd(ctl, "CLIENT LIST");
    ck_assert_ptr_nonnull(strstr(r->str, "flags=b "));
    freeReplyObject(r);
    r = test_cmd(ctl, "CLIENT UNBLOCK %lld", id);
    ck_assert_int_eq(r->integer, 1);
    freeReplyObject(r);
    r = test_reply(r1);
    ck_assert_int_eq(r->type, REDIS_REPLY_NIL);
    freeReplyObject(r);

    test_send(r1, "XREAD BLOCK 0 STREAMS u $");
    test_wait_blocked(ctl, 1);
    r = test_cmd(ctl, "CLIENT UNBLOCK %lld ERROR", id);
    ck_assert_int_eq(r->integer, 1);
    freeReplyObject(r);
    r = test_reply(r1);
    ck_assert_int_eq(r->type, REDIS_REPLY_ERROR);
    ck_assert_str_eq(r->str, "UNBLOCKED client unblocked via CLIENT UNBLOCK");
    freeReplyObject(r);
    r = test_cmd(ctl, "CLIENT UNBLOCK %lld", id);
    ck_assert_int_eq(r->integer, 0);
    freeReplyObject(r);

    /* Pipelined commands behind a blocked one run after it is served. */
    test_send(r1, "XREAD BLOCK 0 STREAMS u $");
    test_send(r1, "PING");
    test_wait_blocked(ctl, 1);
    test_ok(ctl, "XADD u 9-9 x y");
    r = test_reply(r1);
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    freeReplyObject(r);
    r = test_reply(r1);
    ck_assert_str_eq(r->str, "PONG");
    freeReplyObject(r);

    test_send(r1, "XREAD BLOCK 0 STREAMS u $");
    test_wait_blocked(ctl, 1);
    r = test_cmd(ctl, "CLIENT KILL ID %lld", id);
    ck_assert_int_eq(r->integer, 1);
    freeReplyObject(r);
    test_wait_blocked(ctl, 0);
    redisFree(r1);
    redisFree(ctl);
}
END_TEST

START_TEST(disconnect_leaves_no_trace_and_delete_keeps_xread_waiting)
{
    redisContext *ctl = test_connect(&srv);
    test_ok(ctl, "DEL g");
    test_ok(ctl, "XADD g 1-1 a 1");
    redisContext *gone = test_connect(&srv);
    test_send(gone, "XREAD BLOCK 0 STREAMS g $");
    test_wait_blocked(ctl, 1);
    redisFree(gone);
    test_wait_blocked(ctl, 0);

    redisContext *r1 = test_connect(&srv);
    test_send(r1, "XREAD BLOCK 0 STREAMS g $");
    test_wait_blocked(ctl, 1);
    test_ok(ctl, "DEL g");
    test_ok(ctl, "FLUSHALL");
    /* XREAD keeps waiting for new data after the key went away; "$" was
     * resolved to 1-1 when it blocked, so only a later ID serves it. */
    test_wait_blocked(ctl, 1);
    test_ok(ctl, "XADD g 1-1 again 1");
    test_wait_blocked(ctl, 1);
    test_ok(ctl, "XADD g 2-1 again 2");
    redisReply *r = test_reply(r1);
    ck_assert_str_eq(r->element[0]->element[1]->element[0]->element[0]->str, "2-1");
    freeReplyObject(r);
    redisFree(r1);
    redisFree(ctl);
}
END_TEST

START_TEST(many_waiters_one_key)
{
    enum { N = 200 };
    redisContext *ctl = test_connect(&srv);
    test_ok(ctl, "DEL fan");
    redisContext *w[N];
    for (int i = 0; i < N; i++) {
        w[i] = test_connect(&srv);
        test_send(w[i], "XREAD BLOCK 0 STREAMS fan $");
    }
    test_wait_blocked(ctl, N);
    test_ok(ctl, "XADD fan 1-1 event x");
    for (int i = 0; i < N; i++) {
        redisReply *r = test_reply(w[i]);
        ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
        freeReplyObject(r);
        redisFree(w[i]);
    }
    test_wait_blocked(ctl, 0);
    redisFree(ctl);
}
END_TEST

/* Entries added and trimmed away by one command: the group waiter has
 * nothing new and keeps waiting, as Redis 7.2+ does by re-running the read
 * (7.0 answered an empty list). */
START_TEST(group_waiter_ignores_entries_trimmed_before_delivery)
{
    redisContext *ctl = test_connect(&srv);
    redisContext *w = test_connect(&srv);
    test_ok(ctl, "DEL tq");
    test_ok(ctl, "XGROUP CREATE tq g $ MKSTREAM");
    test_send(w, "XREADGROUP GROUP g c BLOCK 0 STREAMS tq >");
    test_wait_blocked(ctl, 1);
    test_ok(ctl, "XADD tq MAXLEN 0 4-0 job 4");
    struct pollfd p = {w->fd, POLLIN, 0};
    ck_assert_int_eq(poll(&p, 1, 150), 0);
    ck_assert_int_eq(test_info_ll(ctl, "blocked_clients"), 1);
    test_ok(ctl, "XADD tq 5-0 job 5");
    redisReply *r = test_reply(w);
    ck_assert_str_eq(r->element[0]->element[1]->element[0]->element[0]->str, "5-0");
    freeReplyObject(r);
    redisFree(w);
    redisFree(ctl);
}
END_TEST

static Suite *blocking_suite(void)
{
    Suite *s = suite_create("blocking");
    TCase *tc = tcase_create("xread");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, xread_block_woken_by_xadd);
    tcase_add_test(tc, dollar_means_after_block_time);
    tcase_add_test(tc, timeout_replies_null_resp2_and_resp3);
    tcase_add_test(tc, waiters_served_in_order_and_each_key);
    tcase_add_test(tc, block_inside_multi_is_plain_read);
    tcase_add_test(tc, wake_after_exec);
    tcase_add_test(tc, client_unblock_and_kill);
    tcase_add_test(tc, disconnect_leaves_no_trace_and_delete_keeps_xread_waiting);
    tcase_add_test(tc, many_waiters_one_key);
    tcase_add_test(tc, group_waiter_ignores_entries_trimmed_before_delivery);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(blocking_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
