/* test_stream_conformance.c -- stream behaviour that Redis's own stream
 * suites (stream.tcl, stream-cgroups.tcl of Redis 8.x) check and the
 * differential scripts cannot: a blocked command counted once in INFO
 * commandstats, a BLOCK timeout that never answers early, and the
 * stream-idmp-duration / stream-idmp-maxsize defaults surviving an AOF
 * replay on a server started with other defaults, and DEBUG LOADAOF. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A number after "name=" in INFO commandstats' line for cmd, or -1 when
 * the command has no line. */
static long long cmdstat(redisContext *c, const char *cmd, const char *name)
{
    redisReply *r = test_cmd(c, "INFO commandstats");
    ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "\ncmdstat_%s:", cmd);
    long long v = -1;
    const char *line = strstr(r->str, prefix);
    if (line) {
        char key[32];
        snprintf(key, sizeof(key), "%s=", name);
        const char *eol = strchr(line + 1, '\n');
        const char *p = strstr(line, key);
        if (p && (!eol || p < eol))
            v = atoll(p + strlen(key));
    }
    freeReplyObject(r);
    return v;
}

/* Redis's "XGROUP DESTROY should unblock XREADGROUP with -NOGROUP": the
 * blocked XREADGROUP, re-run when its group goes, is one call that failed. */
START_TEST(blocked_command_counts_once)
{
    redisContext *ctl = test_connect(&srv);
    redisContext *rd = test_connect(&srv);
    test_ok(ctl, "CONFIG RESETSTAT");
    test_ok(ctl, "XGROUP CREATE s g $ MKSTREAM");
    test_send(rd, "XREADGROUP GROUP g alice BLOCK 0 STREAMS s >");
    test_wait_blocked(ctl, 1);
    test_ok(ctl, "XGROUP DESTROY s g");
    redisReply *r = test_reply(rd);
    ck_assert_int_eq(r->type, REDIS_REPLY_ERROR);
    ck_assert(strncmp(r->str, "NOGROUP", 7) == 0);
    freeReplyObject(r);
    ck_assert_int_eq(cmdstat(ctl, "xreadgroup", "calls"), 1);
    ck_assert_int_eq(cmdstat(ctl, "xreadgroup", "failed_calls"), 1);

    /* Re-runs that find nothing and keep waiting, then a served read:
     * still one call. */
    test_ok(ctl, "CONFIG RESETSTAT");
    test_ok(ctl, "XGROUP CREATE s g $");
    test_send(rd, "XREADGROUP GROUP g bob BLOCK 0 STREAMS s >");
    test_wait_blocked(ctl, 1);
    test_ok(ctl, "XADD s MAXLEN 0 2-0 f v"); /* trimmed at once: nothing to serve */
    test_ok(ctl, "XADD s MAXLEN 0 3-0 f v");
    ck_assert_int_eq(test_info_ll(ctl, "blocked_clients"), 1);
    test_ok(ctl, "XADD s 4-0 f v");
    r = test_reply(rd);
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    freeReplyObject(r);
    ck_assert_int_eq(cmdstat(ctl, "xreadgroup", "calls"), 1);
    ck_assert_int_eq(cmdstat(ctl, "xreadgroup", "failed_calls"), 0);

    /* A timeout and a CLIENT UNBLOCK each end one call. */
    test_ok(ctl, "CONFIG RESETSTAT");
    r = test_cmd(rd, "XREAD BLOCK 20 STREAMS nokey $");
    ck_assert_int_eq(r->type, REDIS_REPLY_NIL);
    freeReplyObject(r);
    ck_assert_int_eq(cmdstat(ctl, "xread", "calls"), 1);
    long long id = test_int(rd, "CLIENT ID");
    test_send(rd, "XREAD BLOCK 0 STREAMS nokey $");
    test_wait_blocked(ctl, 1);
    ck_assert_int_eq(test_int(ctl, "CLIENT UNBLOCK %lld ERROR", id), 1);
    r = test_reply(rd);
    ck_assert_int_eq(r->type, REDIS_REPLY_ERROR);
    freeReplyObject(r);
    ck_assert_int_eq(cmdstat(ctl, "xread", "calls"), 2);
    ck_assert_int_eq(cmdstat(ctl, "xread", "failed_calls"), 1);
    redisFree(rd);
    redisFree(ctl);
}
END_TEST

/* Redis's "reprocessing command" test measures a BLOCK 1000 from the
 * client and wants at least 1000 ms: the timer must not fire early. */
START_TEST(block_timeout_never_early)
{
    redisContext *c = test_connect(&srv);
    for (int i = 0; i < 8; i++) {
        long long start = test_mono_ms();
        redisReply *r = test_cmd(c, "XREAD BLOCK 37 STREAMS nokey $");
        long long elapsed = test_mono_ms() - start;
        ck_assert_int_eq(r->type, REDIS_REPLY_NIL);
        freeReplyObject(r);
        ck_assert_msg(elapsed >= 37, "answered after %lld ms", elapsed);
    }
    redisFree(c);
}
END_TEST

/* The IDMP bounds a stream gets on first use come from the options; the
 * AOF carries them, so a restart with the defaults keeps them. */
START_TEST(idmp_options_survive_aof_replay)
{
    struct test_server s;
    const char *const extra[] = {"--appendonly", "yes", NULL};
    ck_assert_int_eq(test_server_start(&s, extra), 0);
    redisContext *c = test_connect(&s);
    redisReply *r = test_cmd(c, "CONFIG SET stream-idmp-duration 0");
    ck_assert_int_eq(r->type, REDIS_REPLY_ERROR);
    ck_assert(strstr(r->str, "must be between 1 and 86400") != NULL);
    freeReplyObject(r);
    test_ok(c, "CONFIG SET stream-idmp-duration 7");
    test_ok(c, "CONFIG SET stream-idmp-maxsize 3");
    r = test_cmd(c, "XADD q IDMP p1 i1 * f v");
    ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
    char first[64];
    snprintf(first, sizeof(first), "%s", r->str);
    freeReplyObject(r);
    r = test_cmd(c, "XINFO STREAM q");
    ck_assert_int_eq(test_map_field(r, "idmp-duration")->integer, 7);
    ck_assert_int_eq(test_map_field(r, "idmp-maxsize")->integer, 3);
    freeReplyObject(r);
    redisFree(c);

    test_server_halt(&s, 15);
    ck_assert_int_eq(test_server_start_again(&s, extra), 0);
    c = test_connect(&s);
    r = test_cmd(c, "CONFIG GET stream-idmp-duration");
    ck_assert_str_eq(r->element[1]->str, "100");
    freeReplyObject(r);
    r = test_cmd(c, "XINFO STREAM q");
    ck_assert_int_eq(test_map_field(r, "idmp-duration")->integer, 7);
    ck_assert_int_eq(test_map_field(r, "idmp-maxsize")->integer, 3);
    freeReplyObject(r);
    r = test_cmd(c, "XADD q IDMP p1 i1 * f other");
    ck_assert_str_eq(r->str, first); /* the retry is still recognised */
    freeReplyObject(r);
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

/* DEBUG LOADAOF (the suites' "... can propagate correctly" tests): the
 * data is emptied and loaded again from the AOF files in place, the
 * dirty counter ends at 0, and with the AOF off it is refused without
 * touching the data. */
START_TEST(debug_loadaof_reloads_in_place)
{
    struct test_server s;
    /* aof-preallocate no: the test appends to the file's physical end
     * below, which with preallocation lies past the zeros written ahead
     * (the loader rightly calls data after zeros damage). */
    const char *const extra[] = {"--appendonly", "yes", "--aof-preallocate", "no", NULL};
    ck_assert_int_eq(test_server_start(&s, extra), 0);
    redisContext *c = test_connect(&s);
    for (int i = 0; i < 100; i++)
        test_ok(c, "XADD s * n %d", i);
    test_ok(c, "XADD s MAXLEN 50 * n last");
    test_ok(c, "XGROUP CREATE s g 0");
    test_ok(c, "XREADGROUP GROUP g alice COUNT 3 STREAMS s >");
    test_ok(c, "XDEL s 0-1"); /* nothing deleted: still logged state */
    test_ok(c, "SET other v");
    char *before = test_stream_view(c, "s", (const char *const[]){"last-delivered-id",
                                                                "entries-read", "pel-count", NULL},
                                    (const char *const[]){"name", "pel-count", NULL});
    /* A command that only the file has (appended behind the server's
     * back; the server writes at the log's end, which is the file's end
     * without preallocation): it must appear, so the data really comes
     * from the files. */
    char incr[512];
    snprintf(incr, sizeof(incr), "%s/appendonlydir/appendonly.aof.1.incr.aof", s.dir);
    FILE *f = fopen(incr, "a");
    ck_assert_ptr_nonnull(f);
    fputs("*3\r\n$3\r\nSET\r\n$9\r\nfile-only\r\n$1\r\n1\r\n", f);
    fclose(f);
    ck_assert_int_eq(test_int(c, "EXISTS file-only"), 0);
    redisReply *r = test_cmd(c, "DEBUG LOADAOF");
    ck_assert_int_eq(r->type, REDIS_REPLY_STATUS);
    ck_assert_str_eq(r->str, "OK");
    freeReplyObject(r);
    char *after = test_stream_view(c, "s", (const char *const[]){"last-delivered-id",
                                                               "entries-read", "pel-count", NULL},
                                   (const char *const[]){"name", "pel-count", NULL});
    ck_assert_str_eq(after, before);
    free(before);
    free(after);
    ck_assert_int_eq(test_int(c, "XLEN s"), 50);
    ck_assert_int_eq(test_int(c, "EXISTS file-only"), 1);
    r = test_cmd(c, "GET other");
    ck_assert_str_eq(r->str, "v");
    freeReplyObject(r);
    r = test_cmd(c, "INFO persistence");
    ck_assert(strstr(r->str, "rdb_changes_since_last_save:0\r\n") != NULL);
    freeReplyObject(r);
    /* Writes go on after the reload and survive the next one. */
    test_ok(c, "XADD s * n after");
    test_ok(c, "DEBUG LOADAOF");
    ck_assert_int_eq(test_int(c, "XLEN s"), 51);

    test_ok(c, "CONFIG SET appendonly no");
    r = test_cmd(c, "DEBUG LOADAOF");
    ck_assert_int_eq(r->type, REDIS_REPLY_ERROR);
    freeReplyObject(r);
    ck_assert_int_eq(test_int(c, "XLEN s"), 51);
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

static Suite *conformance_suite(void)
{
    Suite *s = suite_create("stream_conformance");
    TCase *tc = tcase_create("redis8");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, blocked_command_counts_once);
    tcase_add_test(tc, block_timeout_never_early);
    tcase_add_test(tc, idmp_options_survive_aof_replay);
    tcase_add_test(tc, debug_loadaof_reloads_in_place);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(conformance_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
