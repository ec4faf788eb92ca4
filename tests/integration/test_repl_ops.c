/* test_repl_ops.c -- the operational surface of replication that redis-cli
 * and Sentinel use, with a master and replicas on ephemeral ports:
 * min-replicas-to-write (-NOREPLICAS, EXEC aborted, INFO's good replicas,
 * a stopped replica no longer good after min-replicas-max-lag),
 * replica-serve-stale-data no (-MASTERDOWN once the master is gone), the
 * master's link in CLIENT LIST (flag M) and CLIENT KILL TYPE master|replica,
 * replica-announce-ip/-port as the master reports them, and INFO
 * replication's field list on a connected replica against a Redis 7.0
 * replica of the same master. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Masters start a full sync at once (not after repl-diskless-sync-delay's
 * default 5 s, which test_repl_diskless covers). */
static const char *const FAST_SYNC[] = {"--repl-diskless-sync-delay", "0", NULL};

#define NOREPLICAS "NOREPLICAS Not enough good replicas to write."
#define MASTERDOWN "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."

static char *info_repl(redisContext *c)
{
    redisReply *r = test_cmd(c, "INFO replication");
    ck_assert_msg(r->type == REDIS_REPLY_STRING, "INFO replication: %d %s", r->type,
                  r->str ? r->str : "");
    char *s = strdup(r->str);
    freeReplyObject(r);
    return s;
}

static void wait_info_has(redisContext *c, const char *line)
{
    for (int i = 0; i < 1000; i++) {
        if (test_repl_info_has(c, line))
            return;
        test_sleep_ms(10);
    }
    ck_abort_msg("INFO replication never showed '%s'", line);
}

/* INFO replication's field names, one per line, values dropped; the
 * replicas' own IDs and offsets differ but their names must not. */
static char *info_names(redisContext *c)
{
    char *s = info_repl(c), *out = NULL;
    size_t len = 0;
    for (char *line = strtok(s, "\r\n"); line; line = strtok(NULL, "\r\n")) {
        char *colon = strchr(line, ':');
        if (colon)
            *colon = '\0';
        test_text_append(&out, &len, line);
        test_text_append(&out, &len, "\n");
    }
    free(s);
    return out;
}

static char *client_list(redisContext *c, const char *type)
{
    redisReply *r = test_cmd(c, "CLIENT LIST TYPE %s", type);
    ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
    char *s = strdup(r->str);
    freeReplyObject(r);
    return s;
}

static void start_replica(struct test_server *r, redisContext **rc, int mport,
                          const char *const *extra)
{
    ck_assert_int_eq(test_server_start(r, extra), 0);
    *rc = test_connect(r);
    test_ok(*rc, "REPLICAOF 127.0.0.1 %d", mport);
    wait_info_has(*rc, "master_link_status:up");
}

START_TEST(test_min_replicas_to_write)
{
    struct test_server m, r;
    const char *const margs[] = {"--min-slaves-to-write", "1", "--repl-diskless-sync-delay", "0",
                                 NULL};
    ck_assert_int_eq(test_server_start(&m, margs), 0);
    redisContext *mc = test_connect(&m);
    ck_assert(test_repl_info_has(mc, "min_slaves_good_slaves:0"));
    test_error(mc, NOREPLICAS, "XADD s * f v");
    test_error(mc, NOREPLICAS, "SET k v");
    test_status(mc, "PONG", "PING");
    redisReply *x = test_cmd(mc, "XLEN s");
    ck_assert_int_eq(x->integer, 0);
    freeReplyObject(x);

    redisContext *rc;
    start_replica(&r, &rc, m.port, NULL);
    wait_info_has(mc, "min_slaves_good_slaves:1");
    x = test_cmd(mc, "XADD s * f v");
    ck_assert_int_eq(x->type, REDIS_REPLY_STRING);
    freeReplyObject(x);

    /* Queued while the replica was good; refused at EXEC once it left. */
    redisContext *tx = test_connect(&m);
    test_status(tx, "OK", "MULTI");
    test_status(tx, "QUEUED", "SET k v");
    redisFree(rc);
    test_server_stop(&r);
    wait_info_has(mc, "min_slaves_good_slaves:0");
    test_error(tx, "EXECABORT Transaction discarded because of: " NOREPLICAS, "EXEC");
    redisFree(tx);
    x = test_cmd(mc, "EXISTS k");
    ck_assert_int_eq(x->integer, 0);
    freeReplyObject(x);

    /* max-lag 0 turns the rule off, as in 7.0. */
    test_ok(mc, "CONFIG SET min-replicas-max-lag 0");
    test_ok(mc, "SET k v");
    ck_assert(!test_repl_info_has(mc, "min_slaves_good_slaves"));
    redisFree(mc);
    test_server_stop(&m);
}
END_TEST

START_TEST(test_min_replicas_max_lag)
{
    struct test_server m, r;
    const char *const margs[] = {"--min-replicas-to-write",     "1", "--min-slaves-max-lag", "1",
                                 "--repl-diskless-sync-delay", "0", NULL};
    ck_assert_int_eq(test_server_start(&m, margs), 0);
    redisContext *mc = test_connect(&m);
    redisContext *rc;
    start_replica(&r, &rc, m.port, NULL);
    wait_info_has(mc, "min_slaves_good_slaves:1");
    test_ok(mc, "SET k 1");
    /* A stopped replica stays connected but its ACKs stop: after the lag
     * it is no longer good and writes are refused; back once it runs. */
    ck_assert_int_eq(kill(r.pid, SIGSTOP), 0);
    wait_info_has(mc, "min_slaves_good_slaves:0");
    ck_assert(test_repl_info_has(mc, "connected_slaves:1"));
    test_error(mc, NOREPLICAS, "SET k 2");
    ck_assert_int_eq(kill(r.pid, SIGCONT), 0);
    wait_info_has(mc, "min_slaves_good_slaves:1");
    test_ok(mc, "SET k 3");
    redisFree(rc);
    test_server_stop(&r);
    redisFree(mc);
    test_server_stop(&m);
}
END_TEST

START_TEST(test_serve_stale_data)
{
    struct test_server m, r;
    ck_assert_int_eq(test_server_start(&m, FAST_SYNC), 0);
    redisContext *mc = test_connect(&m);
    test_ok(mc, "SET k v");
    redisContext *rc;
    start_replica(&r, &rc, m.port, NULL);
    ck_assert(!test_repl_info_has(rc, "master_link_down_since_seconds"));
    test_ok(rc, "CONFIG SET slave-serve-stale-data no");
    /* Served while the link is up. */
    for (int i = 0; i < 500; i++) {
        redisReply *x = test_cmd(rc, "GET k");
        int got = x->type == REDIS_REPLY_STRING;
        freeReplyObject(x);
        if (got)
            break;
        ck_assert_int_lt(i, 499);
        test_sleep_ms(10);
    }
    redisFree(mc);
    test_server_stop(&m);
    wait_info_has(rc, "master_link_status:down");
    ck_assert(test_repl_info_has(rc, "master_link_down_since_seconds:"));
    ck_assert(!test_repl_info_has(rc, "master_link_down_since_seconds:-1"));
    test_error(rc, MASTERDOWN, "GET k");
    test_error(rc, MASTERDOWN, "PING");
    test_status(rc, "OK", "MULTI");
    test_error(rc, MASTERDOWN, "XLEN s");
    test_error(rc, "EXECABORT Transaction discarded because of previous errors.", "EXEC");
    /* Commands flagged stale still run: INFO above, ROLE, CONFIG. */
    redisReply *x = test_cmd(rc, "ROLE");
    ck_assert_int_eq(x->type, REDIS_REPLY_ARRAY);
    ck_assert_str_eq(x->element[0]->str, "slave");
    freeReplyObject(x);
    test_ok(rc, "CONFIG SET replica-serve-stale-data yes");
    x = test_cmd(rc, "GET k");
    ck_assert_str_eq(x->str, "v");
    freeReplyObject(x);
    redisFree(rc);
    test_server_stop(&r);
}
END_TEST

START_TEST(test_master_client_and_kill)
{
    struct test_server m, r;
    ck_assert_int_eq(test_server_start(&m, FAST_SYNC), 0);
    redisContext *mc = test_connect(&m);
    redisContext *rc;
    start_replica(&r, &rc, m.port, NULL);
    test_ok(mc, "SET k 1");
    ck_assert_int_eq(test_int(mc, "WAIT 1 5000"), 1);
    /* Both WAITs count in commandstats, the first (which waited for the
     * replica's ACK to the GETACK it sent) when it ended, as in 7.0. */
    ck_assert_int_eq(test_int(mc, "WAIT 1 5000"), 1);
    redisReply *cs = test_cmd(mc, "INFO commandstats");
    ck_assert_msg(strstr(cs->str, "cmdstat_wait:calls=2,"), "%s", cs->str);
    freeReplyObject(cs);

    char want[64];
    snprintf(want, sizeof(want), "addr=127.0.0.1:%d ", m.port);
    char *s = client_list(rc, "master");
    ck_assert_msg(strstr(s, want) && strstr(s, " flags=M ") && strstr(s, " user=(superuser) "),
                  "replica's CLIENT LIST TYPE master: %s", s);
    free(s);
    s = client_list(rc, "normal");
    ck_assert_msg(!strstr(s, "flags=M"), "the master's link listed as normal: %s", s);
    free(s);
    s = client_list(mc, "replica");
    ck_assert_msg(strstr(s, " flags=S "), "master's CLIENT LIST TYPE replica: %s", s);
    free(s);
    s = client_list(mc, "slave");
    ck_assert_msg(strstr(s, " flags=S "), "master's CLIENT LIST TYPE slave: %s", s);
    free(s);

    /* The replica drops its master's link and makes a new one at once (a
     * partial resync): a new client id for the link. */
    s = client_list(rc, "master");
    long long old_id = atoll(s + 3);
    free(s);
    ck_assert_int_gt(old_id, 0);
    ck_assert_int_eq(test_int(rc, "CLIENT KILL TYPE master"), 1);
    for (int i = 0;; i++) {
        s = client_list(rc, "master");
        long long id = strncmp(s, "id=", 3) == 0 ? atoll(s + 3) : 0;
        free(s);
        if (id > 0 && id != old_id)
            break;
        ck_assert_msg(i < 1000, "the replica never made a new link to its master");
        test_sleep_ms(10);
    }
    wait_info_has(rc, "master_link_status:up");
    test_ok(mc, "SET k 2");
    ck_assert_int_eq(test_int(mc, "WAIT 1 5000"), 1);
    redisReply *x = test_cmd(rc, "GET k");
    ck_assert_str_eq(x->str, "2");
    freeReplyObject(x);

    /* The master drops its replica, which comes back. */
    ck_assert_int_eq(test_int(mc, "CLIENT KILL TYPE slave"), 1);
    wait_info_has(mc, "connected_slaves:0");
    wait_info_has(mc, "connected_slaves:1");
    wait_info_has(rc, "master_link_status:up");
    ck_assert_int_eq(test_int(mc, "CLIENT KILL TYPE master"), 0);
    redisFree(rc);
    test_server_stop(&r);
    redisFree(mc);
    test_server_stop(&m);
}
END_TEST

START_TEST(test_announce_and_info_vs_oracle)
{
    struct test_server m, r;
    ck_assert_int_eq(test_server_start(&m, FAST_SYNC), 0);
    redisContext *mc = test_connect(&m);
    redisContext *rc;
    const char *const rargs[] = {"--slave-announce-ip", "127.0.0.5", "--replica-announce-port",
                                 "7777", "--replica-priority", "42", NULL};
    start_replica(&r, &rc, m.port, rargs);
    ck_assert(test_repl_info_has(rc, "slave_priority:42"));
    wait_info_has(mc, "slave0:ip=127.0.0.5,port=7777,state=online");
    redisReply *x = test_cmd(mc, "ROLE");
    ck_assert_int_eq(x->elements, 3);
    ck_assert_int_eq(x->element[2]->elements, 1);
    ck_assert_str_eq(x->element[2]->element[0]->element[0]->str, "127.0.0.5");
    ck_assert_str_eq(x->element[2]->element[0]->element[1]->str, "7777");
    freeReplyObject(x);

    /* A Redis 7.0 replica of the same master: the same INFO fields. */
    struct test_oracle o;
    ck_assert_int_eq(test_oracle_start(&o, m.dir, NULL), 0);
    redisContext *oc = test_oracle_connect(&o);
    test_ok(oc, "REPLICAOF 127.0.0.1 %d", m.port);
    wait_info_has(oc, "master_link_status:up");
    char *ours = info_names(rc), *theirs = info_names(oc);
    test_assert_same(theirs, ours);
    free(ours);
    free(theirs);
    x = test_cmd(rc, "ROLE");
    redisReply *y = test_cmd(oc, "ROLE");
    ck_assert_int_eq(x->elements, y->elements);
    ck_assert_str_eq(x->element[3]->str, y->element[3]->str); /* "connected" */
    freeReplyObject(x);
    freeReplyObject(y);
    wait_info_has(mc, "connected_slaves:2");
    redisFree(oc);
    test_oracle_stop(&o);
    redisFree(rc);
    test_server_stop(&r);
    redisFree(mc);
    test_server_stop(&m);
}
END_TEST

/* A replica whose data went apart from its master's answers the master's
 * write with an error: Redis's afterErrorReply counts it in INFO's
 * unexpected_error_replies and, with propagation-error-behavior
 * panic-on-replicas (or panic) on a read-only replica, stops the replica.
 * The Redis suite's "XREADGROUP from PEL inside MULTI" sets that option on
 * its replica so that a bad propagation cannot pass unnoticed. */
START_TEST(test_propagation_error_behavior)
{
    struct test_server m, r;
    ck_assert_int_eq(test_server_start(&m, FAST_SYNC), 0);
    redisContext *mc = test_connect(&m), *rc;
    start_replica(&r, &rc, m.port, NULL);
    test_status(rc, "OK", "CONFIG SET replica-read-only no");
    test_ok(rc, "SET k str");
    test_status(rc, "OK", "CONFIG SET replica-read-only yes");
    ck_assert_int_eq(test_info_ll(rc, "unexpected_error_replies"), 0);

    /* ignore (the default): counted, logged, the link goes on. */
    ck_assert_int_eq(test_int(mc, "LPUSH k a"), 1); /* WRONGTYPE on the replica */
    test_repl_wait_converged(mc, rc);
    ck_assert_int_eq(test_info_ll(rc, "unexpected_error_replies"), 1);
    test_ok(rc, "PING");

    /* panic-on-replicas: the next such error stops the replica. */
    test_status(rc, "OK", "CONFIG SET propagation-error-behavior panic-on-replicas");
    ck_assert_int_eq(test_int(mc, "LPUSH k b"), 2);
    for (int i = 0; i < 500 && test_server_alive(&r); i++)
        test_sleep_ms(10);
    ck_assert_msg(!test_server_alive(&r), "the replica went on after the error");
    redisFree(rc);
    test_server_stop(&r);
    redisFree(mc);
    test_server_stop(&m);
}
END_TEST

Suite *repl_ops_suite(void);
Suite *repl_ops_suite(void)
{
    Suite *s = suite_create("repl_ops");
    TCase *tc = tcase_create("repl_ops");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_min_replicas_to_write);
    tcase_add_test(tc, test_min_replicas_max_lag);
    tcase_add_test(tc, test_serve_stale_data);
    tcase_add_test(tc, test_master_client_and_kill);
    tcase_add_test(tc, test_announce_and_info_vs_oracle);
    tcase_add_test(tc, test_propagation_error_behavior);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(repl_ops_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
