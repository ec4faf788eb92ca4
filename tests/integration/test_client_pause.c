/* test_client_pause.c -- CLIENT PAUSE <timeout> [WRITE|ALL] and CLIENT
 * UNPAUSE: a paused request waits (counted in blocked_clients, flag b in
 * CLIENT LIST, as Redis 7.0's postponed clients) and runs when the pause
 * ends; a WRITE pause lets reads through; an EXEC whose queue writes waits;
 * keys do not expire while a pause lasts.
 * (Behaviour checked against the oracle while writing; redis-compat's
 * connection.script compares the replies and error texts.) */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct test_server srv;

static void setup(void)
{
    if (test_server_start(&srv, NULL) != 0) {
        fprintf(stderr, "server did not start\n");
        abort();
    }
}

static void teardown(void)
{
    test_server_stop(&srv);
}

START_TEST(write_pause_holds_writes_only)
{
    redisContext *ctl = test_connect(&srv), *w = test_connect(&srv);
    test_ok(ctl, "CLIENT PAUSE 100000 WRITE");
    test_send(w, "SET k v");
    test_wait_blocked(ctl, 1);
    char *list = test_cmd_text(ctl, "CLIENT LIST");
    ck_assert_ptr_nonnull(strstr(list, "flags=b "));
    free(list);
    /* Reads run during a WRITE pause; the held SET has not. */
    ck_assert_int_eq(test_int(ctl, "EXISTS k"), 0);
    redisReply *r = test_cmd(ctl, "GET k");
    ck_assert_int_eq(r->type, REDIS_REPLY_NIL);
    freeReplyObject(r);
    test_ok(ctl, "CLIENT UNPAUSE");
    r = test_reply(w);
    ck_assert_str_eq(r->str, "OK");
    freeReplyObject(r);
    test_wait_blocked(ctl, 0);
    r = test_cmd(ctl, "GET k");
    ck_assert_str_eq(r->str, "v");
    freeReplyObject(r);
    /* Pipelined requests behind the held one keep their order. */
    test_ok(ctl, "CLIENT PAUSE 100000 WRITE");
    test_send(w, "INCR n");
    test_send(w, "GET n");
    test_wait_blocked(ctl, 1);
    test_ok(ctl, "CLIENT UNPAUSE");
    r = test_reply(w);
    ck_assert_int_eq(r->integer, 1);
    freeReplyObject(r);
    r = test_reply(w);
    ck_assert_str_eq(r->str, "1");
    freeReplyObject(r);
    redisFree(w);
    redisFree(ctl);
}
END_TEST

START_TEST(exec_with_a_write_waits)
{
    redisContext *ctl = test_connect(&srv), *w = test_connect(&srv);
    test_ok(w, "MULTI");
    redisReply *r = test_cmd(w, "INCR tx");
    ck_assert_str_eq(r->str, "QUEUED");
    freeReplyObject(r);
    test_ok(ctl, "CLIENT PAUSE 100000 WRITE");
    test_send(w, "EXEC");
    test_wait_blocked(ctl, 1);
    ck_assert_int_eq(test_int(ctl, "EXISTS tx"), 0);
    test_ok(ctl, "CLIENT UNPAUSE");
    r = test_reply(w);
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    ck_assert_int_eq(r->element[0]->integer, 1);
    freeReplyObject(r);
    redisFree(w);
    redisFree(ctl);
}
END_TEST

START_TEST(all_pause_ends_by_itself)
{
    redisContext *ctl = test_connect(&srv), *w = test_connect(&srv);
    /* ALL holds every client's commands, the pauser's too, until the
     * timeout; then they run in order. */
    test_ok(ctl, "CLIENT PAUSE 200 ALL");
    test_send(w, "SET a 1");
    /* Two connections: on a busy machine the server could read the GET
     * first if both arrived in one wake-up; "in order" means in the order
     * the server read them, so let the SET arrive well before. */
    test_sleep_ms(50);
    test_send(ctl, "GET a");
    redisReply *r = test_reply(w);
    ck_assert_str_eq(r->str, "OK");
    freeReplyObject(r);
    r = test_reply(ctl);
    ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
    freeReplyObject(r);
    /* A held client that goes away is no longer counted. */
    test_ok(ctl, "CLIENT PAUSE 100000 WRITE");
    redisContext *gone = test_connect(&srv);
    test_send(gone, "SET b 1");
    test_wait_blocked(ctl, 1);
    redisFree(gone);
    test_wait_blocked(ctl, 0);
    test_ok(ctl, "CLIENT UNPAUSE");
    ck_assert_int_eq(test_int(ctl, "EXISTS b"), 0);
    redisFree(w);
    redisFree(ctl);
}
END_TEST

START_TEST(no_expiry_while_paused)
{
    redisContext *ctl = test_connect(&srv);
    test_ok(ctl, "FLUSHALL");
    long long before = test_info_ll(ctl, "expired_keys");
    test_ok(ctl, "SET short v PX 30");
    test_ok(ctl, "CLIENT PAUSE 100000 WRITE");
    /* Once its time is up a read sees it gone (Redis 7.0), but neither
     * the read nor active expiry deletes it while the pause lasts. */
    while (test_int(ctl, "PTTL short") != -2)
        test_sleep_ms(10);
    redisReply *r = test_cmd(ctl, "GET short");
    ck_assert_int_eq(r->type, REDIS_REPLY_NIL);
    freeReplyObject(r);
    test_sleep_ms(250); /* a few cron runs */
    ck_assert_int_eq(test_int(ctl, "DBSIZE"), 1);
    ck_assert_int_eq(test_info_ll(ctl, "expired_keys"), before);
    test_ok(ctl, "CLIENT UNPAUSE");
    ck_assert_int_eq(test_wait_info(ctl, "expired_keys", before + 1, 5000), 0);
    ck_assert_int_eq(test_int(ctl, "DBSIZE"), 0);
    redisFree(ctl);
}
END_TEST

static Suite *client_pause_suite(void)
{
    Suite *s = suite_create("client_pause");
    TCase *tc = tcase_create("client_pause");
    tcase_set_timeout(tc, 30);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, write_pause_holds_writes_only);
    tcase_add_test(tc, exec_with_a_write_waits);
    tcase_add_test(tc, all_pause_ends_by_itself);
    tcase_add_test(tc, no_expiry_while_paused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(client_pause_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
