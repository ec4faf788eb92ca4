/* test_replication.c -- a master and its replica on ephemeral ports: the
 * full sync of streams with groups and PELs, the live stream, READONLY,
 * WAIT, a replica's blocked reader woken by replicated writes, REPLICAOF
 * NO ONE, INFO and ROLE; and both ways with Redis 7.0 (the oracle): Redis
 * as a replica of Runnel, Runnel as a replica of Redis.
 *
 * Converged means the replica's slave_repl_offset reached the master's
 * master_repl_offset; the streams are then compared through the
 * version-independent view (entries, counters, groups, PEL records with
 * owner, delivery time and count, consumers' pending lists). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Masters start a full sync at once: the default 5 s of
 * repl-diskless-sync-delay (waiting for more replicas) is test_repl_diskless's
 * subject, here it would only add 5 s to every sync. */
static const char *const FAST_SYNC[] = {"--repl-diskless-sync-delay", "0", NULL};

static char *info_repl(redisContext *c)
{
    redisReply *r = test_cmd(c, "INFO replication");
    ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
    char *s = strdup(r->str);
    freeReplyObject(r);
    return s;
}

static int redis_master; /* the test's master is Redis 7.0 */

/* Streams, groups and PELs through commands Redis 7.0 also has. */
static void write_streams(redisContext *c)
{
    test_ok(c, "XADD jobs 1-1 type email to a");
    test_ok(c, "XADD jobs 1-2 type email to b");
    test_ok(c, "XADD jobs * type sms n 42");
    test_ok(c, "XGROUP CREATE jobs g 0");
    test_ok(c, "XREADGROUP GROUP g alice COUNT 2 STREAMS jobs >");
    test_ok(c, "XREADGROUP GROUP g bob COUNT 1 STREAMS jobs >");
    test_ok(c, "XACK jobs g 1-1");
    test_ok(c, "XGROUP CREATECONSUMER jobs g erin");
    for (int i = 0; i < 20; i++)
        test_ok(c, "XADD audit * event e%d", i);
    test_ok(c, "XTRIM audit MAXLEN 15");
}

/* The live stream: the same families after the sync. */
static void write_more(redisContext *c)
{
    test_ok(c, "XADD jobs * type push n 7");
    test_ok(c, "XREADGROUP GROUP g carol STREAMS jobs >");
    test_ok(c, "XCLAIM jobs g bob 0 1-2");
    test_ok(c, "XACK jobs g 1-2");
    test_ok(c, "XDEL audit 0-1");
    test_ok(c, "XGROUP CREATE audit a2 $ MKSTREAM");
    test_ok(c, "SELECT 2");
    test_ok(c, "XADD other 5-5 f v");
    test_ok(c, "SELECT 0");
}

static void start_pair(struct test_server *m, struct test_server *r, redisContext **mc,
                       redisContext **rc, int by_config)
{
    ck_assert_int_eq(test_server_start(m, FAST_SYNC), 0);
    *mc = test_connect(m);
    write_streams(*mc);
    char port[16];
    snprintf(port, sizeof(port), "%d", m->port);
    if (by_config) {
        const char *const args[] = {"--replicaof", "127.0.0.1", port, NULL};
        ck_assert_int_eq(test_server_start(r, args), 0);
        *rc = test_connect(r);
    } else {
        ck_assert_int_eq(test_server_start(r, FAST_SYNC), 0);
        *rc = test_connect(r);
        test_ok(*rc, "REPLICAOF 127.0.0.1 %d", m->port);
    }
    test_repl_wait_converged(*mc, *rc);
}

START_TEST(test_full_sync_and_live_stream)
{
    struct test_server m, r;
    redisContext *mc, *rc;
    start_pair(&m, &r, &mc, &rc, 1);
    test_repl_assert_same_stream(mc, rc, "jobs", redis_master);
    test_repl_assert_same_stream(mc, rc, "audit", redis_master);

    write_more(mc);
    test_repl_wait_converged(mc, rc);
    test_repl_assert_same_stream(mc, rc, "jobs", redis_master);
    test_repl_assert_same_stream(mc, rc, "audit", redis_master);
    test_ok(rc, "SELECT 2");
    redisReply *x = test_cmd(rc, "XLEN other");
    ck_assert_int_eq(x->integer, 1);
    freeReplyObject(x);
    test_ok(rc, "SELECT 0");

    /* Writes from clients: Redis's error; reads are served. */
    x = test_cmd(rc, "XADD jobs * a b");
    ck_assert_int_eq(x->type, REDIS_REPLY_ERROR);
    ck_assert_str_eq(x->str, "READONLY You can't write against a read only replica.");
    freeReplyObject(x);
    x = test_cmd(rc, "XLEN jobs");
    ck_assert_int_eq(x->integer, 4);
    freeReplyObject(x);

    /* INFO and ROLE on both sides. */
    ck_assert(test_repl_info_has(rc, "role:slave"));
    ck_assert(test_repl_info_has(rc, "master_sync_in_progress:0"));
    ck_assert(test_repl_info_has(rc, "slave_read_only:1"));
    ck_assert(test_repl_info_has(mc, "role:master"));
    ck_assert(test_repl_info_has(mc, "connected_slaves:1"));
    ck_assert(test_repl_info_has(mc, "state=online"));
    char *mi = info_repl(mc), *ri = info_repl(rc);
    char *id = strstr(mi, "master_replid:");
    ck_assert_ptr_nonnull(id);
    char idline[60];
    snprintf(idline, sizeof(idline), "%.54s", id);
    ck_assert_msg(strstr(ri, idline) != NULL, "the replica follows the master's replid");
    free(mi);
    free(ri);
    x = test_cmd(rc, "ROLE");
    ck_assert_int_eq(x->elements, 5);
    ck_assert_str_eq(x->element[0]->str, "slave");
    ck_assert_int_eq(x->element[2]->integer, m.port);
    ck_assert_str_eq(x->element[3]->str, "connected");
    freeReplyObject(x);
    x = test_cmd(mc, "ROLE");
    ck_assert_int_eq(x->elements, 3);
    ck_assert_str_eq(x->element[0]->str, "master");
    ck_assert_int_eq(x->element[2]->elements, 1);
    char rport[16];
    snprintf(rport, sizeof(rport), "%d", r.port);
    ck_assert_str_eq(x->element[2]->element[0]->element[1]->str, rport);
    freeReplyObject(x);

    /* The link is cut: the replica connects again (a full resync in this
     * slice) and catches up with what was written meanwhile. */
    ck_assert_int_eq(test_int(mc, "CLIENT KILL TYPE replica"), 1);
    test_ok(mc, "XADD jobs * while cut");
    test_ok(mc, "XADD audit * while cut");
    for (int i = 0; i < 500 && !test_repl_info_has(mc, "connected_slaves:1"); i++)
        test_sleep_ms(10);
    test_repl_wait_converged(mc, rc);
    test_repl_assert_same_stream(mc, rc, "jobs", redis_master);
    test_repl_assert_same_stream(mc, rc, "audit", redis_master);

    redisFree(mc);
    redisFree(rc);
    test_server_stop(&r);
    test_server_stop(&m);
}
END_TEST

START_TEST(test_wait_block_and_promote)
{
    struct test_server m, r;
    redisContext *mc, *rc;
    start_pair(&m, &r, &mc, &rc, 0);

    /* A reader blocked on the replica is woken by a replicated write. */
    redisContext *reader = test_connect(&r);
    test_send(reader, "XREAD BLOCK 0 STREAMS jobs $");
    test_wait_blocked(rc, 1);
    redisReply *x = test_cmd(mc, "XADD jobs * woke up");
    char id[64];
    snprintf(id, sizeof(id), "%s", x->str);
    freeReplyObject(x);
    x = test_reply(reader);
    ck_assert_int_eq(x->type, REDIS_REPLY_ARRAY);
    ck_assert_str_eq(x->element[0]->element[1]->element[0]->element[0]->str, id);
    freeReplyObject(x);
    redisFree(reader);

    /* WAIT: the write reached the one replica; two cannot be had. */
    test_ok(mc, "XADD jobs * w 1");
    ck_assert_int_eq(test_int(mc, "WAIT 1 5000"), 1);
    ck_assert_int_eq(test_int(mc, "WAIT 2 100"), 1);
    x = test_cmd(rc, "WAIT 1 0");
    ck_assert_int_eq(x->type, REDIS_REPLY_ERROR);
    freeReplyObject(x);

    /* Promotion: writes accepted, a new history (the old one is replid2). */
    test_repl_wait_converged(mc, rc);
    char *before = info_repl(rc);
    char old[41];
    ck_assert_int_eq(sscanf(strstr(before, "master_replid:"), "master_replid:%40s", old), 1);
    free(before);
    test_ok(rc, "REPLICAOF NO ONE");
    ck_assert(test_repl_info_has(rc, "role:master"));
    char want[60];
    snprintf(want, sizeof(want), "master_replid2:%s", old);
    ck_assert(test_repl_info_has(rc, want));
    test_ok(rc, "XADD jobs * after promotion");
    x = test_cmd(rc, "XLEN jobs");
    ck_assert_int_eq(x->integer, 6);
    freeReplyObject(x);

    redisFree(mc);
    redisFree(rc);
    test_server_stop(&r);
    test_server_stop(&m);
}
END_TEST

/* The RDB is made by a child (slowed by rdb-key-save-delay here): the
 * master keeps serving, and what is written meanwhile reaches the replica
 * after its RDB. */
START_TEST(test_writes_during_full_sync)
{
    const char *const margs[] = {"--rdb-key-save-delay", "400000", "--repl-diskless-sync-delay", "0",
                                 NULL};
    struct test_server m, r;
    ck_assert_int_eq(test_server_start(&m, margs), 0);
    redisContext *mc = test_connect(&m);
    write_streams(mc);
    ck_assert_int_eq(test_server_start(&r, FAST_SYNC), 0);
    redisContext *rc = test_connect(&r);
    test_ok(rc, "REPLICAOF 127.0.0.1 %d", m.port);
    int seen = 0;
    for (int i = 0; i < 500 && !(seen = test_repl_info_has(mc, "state=wait_bgsave")); i++)
        test_sleep_ms(5);
    ck_assert_msg(seen, "the replica never waited for its RDB");
    write_more(mc);
    test_ok(mc, "XADD jobs * during sync");
    ck_assert(test_repl_info_has(mc, "state=wait_bgsave"));
    test_repl_wait_converged(mc, rc);
    test_repl_assert_same_stream(mc, rc, "jobs", redis_master);
    test_repl_assert_same_stream(mc, rc, "audit", redis_master);
    redisFree(mc);
    redisFree(rc);
    test_server_stop(&r);
    test_server_stop(&m);
}
END_TEST

/* master -> r1 -> r2: r1 passes the master's bytes on as they are, so r2
 * reaches the master's own offset. */
START_TEST(test_chained_replicas)
{
    struct test_server m, r1, r2;
    redisContext *mc, *c1;
    start_pair(&m, &r1, &mc, &c1, 0);
    ck_assert_int_eq(test_server_start(&r2, NULL), 0);
    redisContext *c2 = test_connect(&r2);
    test_ok(c2, "REPLICAOF 127.0.0.1 %d", r1.port);
    redisReply *x = test_cmd(c2, "CONFIG GET replicaof");
    char want[64];
    snprintf(want, sizeof(want), "127.0.0.1 %d", r1.port);
    ck_assert_str_eq(x->element[1]->str, want);
    freeReplyObject(x);
    test_repl_wait_converged(c1, c2);
    write_more(mc);
    test_repl_wait_converged(mc, c1);
    test_repl_wait_converged(mc, c2);
    test_repl_assert_same_stream(mc, c2, "jobs", redis_master);
    test_repl_assert_same_stream(mc, c2, "audit", redis_master);
    redisFree(c2);
    redisFree(c1);
    redisFree(mc);
    test_server_stop(&r2);
    test_server_stop(&r1);
    test_server_stop(&m);
}
END_TEST

/* Redis 7.0 as a replica of a Runnel master. */
START_TEST(test_redis_replica_of_runnel)
{
    struct test_server m;
    ck_assert_int_eq(test_server_start(&m, FAST_SYNC), 0);
    redisContext *mc = test_connect(&m);
    write_streams(mc);
    struct test_oracle o;
    ck_assert_int_eq(test_oracle_start(&o, m.dir, NULL), 0);
    redisContext *oc = test_oracle_connect(&o);
    test_ok(oc, "REPLICAOF 127.0.0.1 %d", m.port);
    test_repl_wait_converged(mc, oc);
    test_repl_assert_same_stream(mc, oc, "jobs", redis_master);
    test_repl_assert_same_stream(mc, oc, "audit", redis_master);
    write_more(mc);
    test_repl_wait_converged(mc, oc);
    test_repl_assert_same_stream(mc, oc, "jobs", redis_master);
    test_repl_assert_same_stream(mc, oc, "audit", redis_master);
    ck_assert_int_eq(test_int(mc, "WAIT 1 5000"), 1);
    redisFree(oc);
    test_oracle_stop(&o);
    redisFree(mc);
    test_server_stop(&m);
}
END_TEST

/* Runnel as a replica of Redis 7.0. */
START_TEST(test_runnel_replica_of_redis)
{
    struct test_server r;
    ck_assert_int_eq(test_server_start(&r, FAST_SYNC), 0);
    redisContext *rc = test_connect(&r);
    struct test_oracle o;
    ck_assert_int_eq(test_oracle_start(&o, r.dir, NULL), 0);
    redisContext *oc = test_oracle_connect(&o);
    redis_master = 1;
    write_streams(oc);
    test_ok(rc, "REPLICAOF 127.0.0.1 %d", o.port);
    test_repl_wait_converged(oc, rc);
    test_repl_assert_same_stream(oc, rc, "jobs", redis_master);
    test_repl_assert_same_stream(oc, rc, "audit", redis_master);
    write_more(oc);
    test_repl_wait_converged(oc, rc);
    test_repl_assert_same_stream(oc, rc, "jobs", redis_master);
    test_repl_assert_same_stream(oc, rc, "audit", redis_master);
    ck_assert_int_eq(test_int(oc, "WAIT 1 5000"), 1);
    redisFree(oc);
    test_oracle_stop(&o);
    redisFree(rc);
    test_server_stop(&r);
}
END_TEST

Suite *replication_suite(void);
Suite *replication_suite(void)
{
    Suite *s = suite_create("replication");
    TCase *tc = tcase_create("replication");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_full_sync_and_live_stream);
    tcase_add_test(tc, test_wait_block_and_promote);
    tcase_add_test(tc, test_writes_during_full_sync);
    tcase_add_test(tc, test_chained_replicas);
    tcase_add_test(tc, test_redis_replica_of_runnel);
    tcase_add_test(tc, test_runnel_replica_of_redis);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(replication_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
