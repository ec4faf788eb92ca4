/* test_repl_expiry.c -- keys past their time on a replica.
 *
 * A replica never expires keys itself (Redis 7.0): a read from a client
 * sees an expired key as gone, but the key stays until the master's DEL
 * arrives through the stream, so the replica's AOF, its own replicas and
 * its replication offset only ever follow the master. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Masters start a full sync at once (not after repl-diskless-sync-delay's
 * default 5 s, which test_repl_diskless covers). */
static const char *const FAST_SYNC[] = {"--repl-diskless-sync-delay", "0", NULL};

START_TEST(test_replica_hides_but_keeps_expired_keys)
{
    struct test_server m, r;
    ck_assert_int_eq(test_server_start(&m, FAST_SYNC), 0);
    redisContext *mc = test_connect(&m);
    test_ok(mc, "DEBUG SET-ACTIVE-EXPIRE 0"); /* the master deletes on access only */
    ck_assert_int_eq(test_server_start(&r, NULL), 0);
    redisContext *rc = test_connect(&r);
    test_ok(rc, "REPLICAOF 127.0.0.1 %d", m.port);
    test_ok(mc, "XADD jobs 1-1 f v");
    test_ok(mc, "PEXPIRE jobs 150");
    test_ok(mc, "SET s v PX 150");
    test_repl_wait_converged(mc, rc);
    ck_assert_int_eq(test_int(rc, "DBSIZE"), 2);
    test_sleep_ms(300);

    /* Past their time: gone for the replica's readers... */
    long long off = test_info_ll(rc, "slave_repl_offset");
    ck_assert_int_eq(test_int(rc, "EXISTS jobs"), 0);
    ck_assert_int_eq(test_int(rc, "XLEN jobs"), 0);
    redisReply *x = test_cmd(rc, "GET s");
    ck_assert_int_eq(x->type, REDIS_REPLY_NIL);
    freeReplyObject(x);
    /* ...but still there: nothing deleted, counted or sent on its own. */
    ck_assert_int_eq(test_int(rc, "DBSIZE"), 2);
    ck_assert_int_eq(test_info_ll(rc, "expired_keys"), 0);
    ck_assert_int_eq(test_info_ll(rc, "slave_repl_offset"), off);
    ck_assert_int_eq(test_info_ll(rc, "master_repl_offset"), off);

    /* The master's access deletes them and its DELs reach the replica. */
    ck_assert_int_eq(test_int(mc, "EXISTS jobs s"), 0);
    ck_assert_int_eq(test_info_ll(mc, "expired_keys"), 2);
    test_repl_wait_converged(mc, rc);
    ck_assert_int_eq(test_int(rc, "DBSIZE"), 0);
    ck_assert_int_gt(test_info_ll(rc, "slave_repl_offset"), off);

    /* Promoted, it expires keys itself again. */
    test_ok(rc, "REPLICAOF NO ONE");
    test_ok(rc, "SET t v PX 50");
    test_sleep_ms(150);
    ck_assert_int_eq(test_int(rc, "EXISTS t"), 0);
    ck_assert_int_eq(test_int(rc, "DBSIZE"), 0);
    ck_assert_int_eq(test_info_ll(rc, "expired_keys"), 1);

    redisFree(mc);
    redisFree(rc);
    test_server_stop(&r);
    test_server_stop(&m);
}
END_TEST

static Suite *repl_expiry_suite(void)
{
    Suite *s = suite_create("repl_expiry");
    TCase *tc = tcase_create("expiry");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_replica_hides_but_keeps_expired_keys);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(repl_expiry_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
