/* test_list_aof.c -- lists through the append-only file and RDB snapshots.
 *
 * A scripted mix of list writes (pushes of every kind, pops with counts,
 * LSET, LREM, LTRIM, LMOVE, LMPOP, a served BLPOP, a quicklist of several
 * nodes, an element larger than a node, integers, binary names, an expiry,
 * a second database) must come back the same after a restart (the incr
 * file replayed), after BGREWRITEAOF and a restart (the base as RPUSH
 * batches, or as an RDB image), after SAVE and a restart from dump.rdb,
 * and in Redis 7.0 loading Runnel's files.
 *
 * Compared per key: TYPE, the elements, PEXPIRETIME, and on Runnel alone
 * OBJECT ENCODING and DUMP (the node layout survives; Redis 7.0 reports
 * every list as a quicklist). */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static const char *const AOF_ARGS[] = {"--appendonly", "yes", "--appendfsync", "always",
                                       "--aof-use-rdb-preamble", "no", "--save", "", NULL};
static const char *const RDB_BASE_ARGS[] = {"--appendonly", "yes", "--appendfsync", "always",
                                            "--save", "", NULL};
static const char *const SNAPSHOT_ARGS[] = {"--appendonly", "no", "--save", "", NULL};

static int file_has(const char *dir, const char *name, const char *needle)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/appendonlydir/%s", dir, name);
    size_t len;
    char *t = test_file_from(path, 0, &len);
    if (!t)
        return 0;
    int found = memmem(t, len, needle, strlen(needle)) != NULL;
    free(t);
    return found;
}

static void write_lists(struct test_server *s, redisContext *c)
{
    test_ok(c, "RPUSH small a b c");
    test_ok(c, "LPUSH small z");
    test_ok(c, "LPUSHX small y");
    test_ok(c, "RPUSHX small d");
    test_ok(c, "RPUSHX nothing d");
    test_ok(c, "LPOP small");
    test_ok(c, "RPOP small 2");
    test_ok(c, "LSET small 1 B");
    test_ok(c, "RPUSH ints 1 -5 300 70000 -2000000000 9223372036854775807 007 -0");
    test_ok(c, "RPUSH rem a b a c a b a");
    test_ok(c, "LREM rem 2 a");
    test_ok(c, "LREM rem -1 b");
    test_ok(c, "RPUSH trimmed 0 1 2 3 4 5 6 7 8 9");
    test_ok(c, "LTRIM trimmed 2 -3");
    test_ok(c, "RPUSH src 1 2 3");
    test_ok(c, "LMOVE src dst RIGHT LEFT");
    test_ok(c, "LMOVE src dst LEFT RIGHT");
    test_ok(c, "RPUSH mp a b c d");
    test_ok(c, "LMPOP 2 none mp RIGHT COUNT 2");
    test_ok(c, "RPUSH gone x");
    test_ok(c, "LPOP gone");
    test_ok(c, "RPUSH ttl a b");
    test_ok(c, "PEXPIREAT ttl 4000000000000");
    /* A quicklist of several nodes, then an element larger than a node. */
    char elem[120];
    memset(elem, 'q', sizeof(elem) - 1);
    elem[sizeof(elem) - 1] = '\0';
    for (int i = 0; i < 300; i++)
        test_ok(c, "RPUSH long %d-%s", i, elem);
    test_ok(c, "LPOP long 3");
    test_ok(c, "LSET long 10 changed");
    char *huge = malloc(10001);
    memset(huge, 'H', 10000);
    huge[10000] = '\0';
    test_ok(c, "RPUSH bigelem small1 %s small2", huge);
    free(huge);
    /* A blocked pop served by a push. */
    redisContext *w = test_connect(s);
    test_send(w, "BLPOP served 0");
    test_wait_blocked(c, 1);
    test_ok(c, "RPUSH served one two");
    freeReplyObject(test_reply(w));
    redisFree(w);
    test_ok(c, "SELECT 1");
    const char *argv[] = {"RPUSH", "bin\r\n list", "e\0\r\n", ""};
    size_t lens[] = {5, 10, 4, 0};
    redisReply *r = redisCommandArgv(c, 4, argv, lens);
    ck_assert_int_eq(r->type, REDIS_REPLY_INTEGER);
    freeReplyObject(r);
    test_ok(c, "SELECT 0");
}

struct key_ref {
    int db;
    const char *key;
    size_t klen;
};

static const struct key_ref KEYS[] = {
    {0, "small", 5}, {0, "ints", 4}, {0, "rem", 3},  {0, "trimmed", 7}, {0, "src", 3},
    {0, "dst", 3},   {0, "mp", 2},   {0, "gone", 4}, {0, "ttl", 3},     {0, "long", 4},
    {0, "bigelem", 7}, {0, "served", 6}, {0, "nothing", 7}, {1, "bin\r\n list", 10},
};

static void add_line(char **out, size_t *len, const char *label, const char *text)
{
    size_t n = strlen(label) + strlen(text) + 3;
    *out = realloc(*out, *len + n + 1);
    *len += (size_t)sprintf(*out + *len, "%s: %s\n", label, text);
}

static char *argv_text(redisContext *c, int argc, const char **argv, const size_t *lens)
{
    redisReply *r = redisCommandArgv(c, argc, argv, lens);
    ck_assert_ptr_nonnull(r);
    char *t = test_reply_text(r);
    freeReplyObject(r);
    return t;
}

/* What a user sees of every key; runnel_only: OBJECT ENCODING, and DUMP
 * too when it is 1 (2: not DUMP, for a base of RPUSH batches, which packs
 * nodes afresh as Redis's rewrite does). */
static char *state_of(redisContext *c, int runnel_only)
{
    char *out = NULL;
    size_t len = 0;
    for (size_t i = 0; i < sizeof(KEYS) / sizeof(KEYS[0]); i++) {
        const struct key_ref *k = &KEYS[i];
        test_ok(c, "SELECT %d", k->db);
        char label[64];
        snprintf(label, sizeof(label), "%d %.*s", k->db, (int)k->klen, k->key);
        const char *a_type[] = {"TYPE", k->key};
        size_t l_type[] = {4, k->klen};
        char *t = argv_text(c, 2, a_type, l_type);
        add_line(&out, &len, label, t);
        free(t);
        const char *a_range[] = {"LRANGE", k->key, "0", "-1"};
        size_t l_range[] = {6, k->klen, 1, 2};
        t = argv_text(c, 4, a_range, l_range);
        add_line(&out, &len, label, t);
        free(t);
        const char *a_ttl[] = {"PEXPIRETIME", k->key};
        size_t l_ttl[] = {11, k->klen};
        t = argv_text(c, 2, a_ttl, l_ttl);
        add_line(&out, &len, label, t);
        free(t);
        if (runnel_only) {
            const char *a_enc[] = {"OBJECT", "ENCODING", k->key};
            size_t l_enc[] = {6, 8, k->klen};
            t = argv_text(c, 3, a_enc, l_enc);
            add_line(&out, &len, label, t);
            free(t);
        }
        if (runnel_only == 1) {
            const char *a_dump[] = {"DUMP", k->key};
            size_t l_dump[] = {4, k->klen};
            t = argv_text(c, 2, a_dump, l_dump);
            add_line(&out, &len, label, t);
            free(t);
        }
    }
    test_ok(c, "SELECT 0");
    char n[32];
    snprintf(n, sizeof(n), "%lld", test_int(c, "DBSIZE"));
    add_line(&out, &len, "dbsize", n);
    return out;
}

static void restart(struct test_server *s, const char *const *args)
{
    ck_assert_int_eq(test_server_halt(s, SIGTERM), 0);
    ck_assert_int_eq(test_server_start_again(s, args), 0);
}

static void rewrite(redisContext *c)
{
    redisReply *r = test_cmd(c, "BGREWRITEAOF");
    ck_assert_int_eq(r->type, REDIS_REPLY_STATUS);
    freeReplyObject(r);
    for (int i = 0; i < 1000; i++) {
        if (test_info_ll(c, "aof_rewrite_in_progress") == 0 &&
            test_info_ll(c, "aof_rewrite_scheduled") == 0)
            return;
        test_sleep_ms(10);
    }
    ck_abort_msg("the AOF rewrite did not finish");
}

/* Write, optionally rewrite or SAVE, restart, compare. */
static void round_trip(const char *const *args, int do_rewrite, int do_save)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, args), 0);
    redisContext *c = test_connect(&s);
    write_lists(&s, c);
    int mode = do_rewrite && args == AOF_ARGS ? 2 : 1;
    char *before = state_of(c, mode);
    ck_assert_ptr_nonnull(strstr(before, "quicklist"));
    ck_assert_ptr_nonnull(strstr(before, "listpack"));
    if (do_rewrite)
        rewrite(c);
    if (do_save)
        test_ok(c, "SAVE");
    redisFree(c);
    if (do_rewrite && args == AOF_ARGS)
        ck_assert(file_has(s.dir, "appendonly.aof.2.base.aof", "$5\r\nRPUSH\r\n$4\r\nlong\r\n"));
    if (!do_rewrite && !do_save) {
        const char *incr = "appendonly.aof.1.incr.aof";
        ck_assert(file_has(s.dir, incr, "*2\r\n$4\r\nLPOP\r\n$6\r\nserved\r\n"));
        ck_assert(!file_has(s.dir, incr, "BLPOP"));
    }
    restart(&s, args);
    c = test_connect(&s);
    char *after = state_of(c, mode);
    test_assert_same(before, after);
    /* Writes go on after the restart. */
    ck_assert_int_eq(test_int(c, "RPUSH small again"), 4);
    redisFree(c);
    free(before);
    free(after);
    test_server_stop(&s);
}

START_TEST(test_restart_replays_incr)
{
    round_trip(AOF_ARGS, 0, 0);
}
END_TEST

START_TEST(test_rewrite_aof_base)
{
    round_trip(AOF_ARGS, 1, 0);
}
END_TEST

START_TEST(test_rewrite_rdb_base)
{
    round_trip(RDB_BASE_ARGS, 1, 0);
}
END_TEST

START_TEST(test_snapshot_restart)
{
    round_trip(SNAPSHOT_ARGS, 0, 1);
}
END_TEST

/* Redis 7.0 loads Runnel's files: an RDB base written by a rewrite and the
 * incr file after it. */
START_TEST(test_redis_loads_lists)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, RDB_BASE_ARGS), 0);
    redisContext *c = test_connect(&s);
    write_lists(&s, c);
    rewrite(c);
    test_ok(c, "RPUSH small after-rewrite");
    test_ok(c, "LPOP long");
    char *ours = state_of(c, 0);
    redisFree(c);
    ck_assert_int_eq(test_server_halt(&s, SIGTERM), 0);
    struct test_oracle o;
    ck_assert_int_eq(test_oracle_start(&o, s.dir, RDB_BASE_ARGS), 0);
    c = test_oracle_connect(&o);
    char *theirs = state_of(c, 0);
    redisFree(c);
    test_oracle_stop(&o);
    test_assert_same(ours, theirs);
    free(ours);
    free(theirs);
    test_server_stop(&s);
}
END_TEST

static Suite *list_aof_suite(void)
{
    Suite *s = suite_create("list_aof");
    TCase *tc = tcase_create("list_aof");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_restart_replays_incr);
    tcase_add_test(tc, test_rewrite_aof_base);
    tcase_add_test(tc, test_rewrite_rdb_base);
    tcase_add_test(tc, test_snapshot_restart);
    tcase_add_test(tc, test_redis_loads_lists);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(list_aof_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
