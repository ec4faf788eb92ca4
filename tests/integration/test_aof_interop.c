/* test_aof_interop.c -- Runnel's appendonlydir and Redis 7.0's, both ways.
 *
 * The oracle is redis-tools' redis-check-rdb started as redis-server (see
 * utils/servers.sh).  Runnel writes an appendonlydir (incr files, and a base
 * after BGREWRITEAOF), Redis 7.0 loads it and must show the same streams;
 * redis-check-aof must call it valid; Redis 7.0 writes one (AOF-format
 * base: Runnel does not read RDB yet) and Runnel loads it.
 *
 * Compared: what both versions report the same way (entries, IDs,
 * entries-added, max-deleted-entry-id, recorded-first-entry-id, groups'
 * last-delivered-id and entries-read, PEL records with owner, delivery
 * time and count, consumers and their pending lists).  Not compared: the
 * fields 7.2+ added (active-time, nacked-count) and a consumer's seen-time,
 * which Redis sets to the load time. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"


/* The version-independent view of one stream. */
static char *portable_view(redisContext *c, const char *key)
{
    static const char *const gfields[] = {"name", "last-delivered-id", "entries-read",
                                          "pel-count", "pending", NULL};
    static const char *const cfields[] = {"name", "pel-count", "pending", NULL};
    return test_stream_view(c, key, gfields, cfields);
}

static const char *const KEYS[] = {"jobs", "audit", "empty", NULL};

static char *portable_all(redisContext *c)
{
    char *all = NULL;
    size_t len = 0;
    for (int i = 0; KEYS[i]; i++) {
        char *v = portable_view(c, KEYS[i]);
        test_text_append(&all, &len, v);
        free(v);
    }
    return all;
}

/* Streams and groups through commands both servers have (7.0's syntax). */
static void write_portable(redisContext *c)
{
    test_ok(c, "XADD jobs 1-1 type email to a");
    test_ok(c, "XADD jobs 1-2 type email to b");
    test_ok(c, "XADD jobs 2-0 type sms n 42");
    test_ok(c, "XADD jobs * type push n 24.5");
    test_ok(c, "XGROUP CREATE jobs g 0");
    test_ok(c, "XREADGROUP GROUP g alice COUNT 2 STREAMS jobs >");
    test_ok(c, "XREADGROUP GROUP g bob COUNT 1 STREAMS jobs >");
    test_ok(c, "XACK jobs g 1-1");
    test_ok(c, "XCLAIM jobs g bob 0 1-2");
    test_ok(c, "XGROUP CREATECONSUMER jobs g erin");
    test_ok(c, "XDEL jobs 2-0");
    for (int i = 0; i < 30; i++)
        test_ok(c, "XADD audit * event e%d user u%d", i, i % 3);
    test_ok(c, "XTRIM audit MAXLEN 20");
    test_ok(c, "XADD empty 5-5 f v");
    test_ok(c, "XDEL empty 5-5");
    test_ok(c, "PEXPIRE audit 100000000");
}

static int check_aof_valid(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof(cmd),
             "redis-check-aof '%s/appendonlydir/appendonly.aof.manifest' > '%s/check.log' 2>&1",
             dir, dir);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void runnel_to_redis(int rewrite, int rdb_base)
{
    const char *const args[] = {"--appendonly", "yes", "--aof-use-rdb-preamble",
                                rdb_base ? "yes" : "no", NULL};
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, args), 0);
    redisContext *c = test_connect(&s);
    write_portable(c);
    if (rewrite) {
        redisReply *r = test_cmd(c, "BGREWRITEAOF");
        freeReplyObject(r);
        for (int i = 0; i < 500 && test_info_ll(c, "aof_rewrite_in_progress"); i++)
            test_sleep_ms(10);
        test_ok(c, "XADD jobs * after rewrite");
    }
    char *ours = portable_all(c);
    redisFree(c);
    ck_assert_int_eq(test_server_halt(&s, SIGTERM), 0);
    ck_assert_msg(check_aof_valid(s.dir) == 0, "redis-check-aof rejected Runnel's AOF");
    static const char *const rargs[] = {"--appendonly", "yes", NULL};
    struct test_oracle o;
    ck_assert_int_eq(test_oracle_start(&o, s.dir, rargs), 0);
    c = test_oracle_connect(&o);
    char *theirs = portable_all(c);
    redisFree(c);
    test_oracle_stop(&o);
    test_assert_same(ours, theirs);
    free(ours);
    free(theirs);
    test_server_stop(&s);
}

START_TEST(test_redis_loads_runnel_incr)
{
    runnel_to_redis(0, 0);
}
END_TEST

START_TEST(test_redis_loads_runnel_base)
{
    runnel_to_redis(1, 0);
}
END_TEST

/* The base in RDB format, as Redis 7 writes it by default. */
START_TEST(test_redis_loads_runnel_rdb_base)
{
    runnel_to_redis(1, 1);
}
END_TEST

static void redis_to_runnel(int rdb_base)
{
    char dir[] = "/tmp/runnel-interop-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    const char *const rargs[] = {"--appendonly", "yes", "--aof-use-rdb-preamble",
                                 rdb_base ? "yes" : "no", "--appendfsync", "always", NULL};
    struct test_oracle o;
    ck_assert_int_eq(test_oracle_start(&o, dir, rargs), 0);
    redisContext *c = test_oracle_connect(&o);
    write_portable(c);
    redisReply *r = test_cmd(c, "BGREWRITEAOF");
    freeReplyObject(r);
    for (int i = 0; i < 500 && test_info_ll(c, "aof_rewrite_in_progress"); i++)
        test_sleep_ms(10);
    test_ok(c, "XADD jobs * after rewrite");
    test_ok(c, "XREADGROUP GROUP g carol COUNT 1 STREAMS jobs >");
    redisFree(c);
    test_oracle_stop(&o);
    /* What Redis itself makes of its files (7.0 does not carry everything
     * through a reload: PEL records of deleted entries, entries-read moved
     * by XREADGROUP), which is what Runnel must reproduce. */
    ck_assert_int_eq(test_oracle_start(&o, dir, rargs), 0);
    c = test_oracle_connect(&o);
    char *theirs = portable_all(c);
    redisFree(c);
    test_oracle_stop(&o);
    struct test_server s;
    memset(&s, 0, sizeof(s));
    snprintf(s.dir, sizeof(s.dir), "%s", dir);
    static const char *const args[] = {"--appendonly", "yes", NULL};
    ck_assert_int_eq(test_server_start_again(&s, args), 0);
    c = test_connect(&s);
    char *ours = portable_all(c);
    redisFree(c);
    test_assert_same(theirs, ours);
    free(ours);
    free(theirs);
    test_server_stop(&s);
}

START_TEST(test_runnel_loads_redis)
{
    redis_to_runnel(0);
}
END_TEST

/* Redis 7's default: the base is an RDB file. */
START_TEST(test_runnel_loads_redis_rdb_base)
{
    redis_to_runnel(1);
}
END_TEST

/* --- A Redis 6-style single appendonly.aof ------------------------------------ */

static const char LEGACY_TAIL[] = "*5\r\n$4\r\nXADD\r\n$6\r\nlegacy\r\n$3\r\n9-9\r\n$1\r\nf\r\n$1\r\nv\r\n";

static char *legacy_view(redisContext *c)
{
    char *all = portable_all(c);
    size_t len = strlen(all);
    char *x = test_cmd_text(c, "XRANGE legacy - +");
    test_text_append(&all, &len, x);
    free(x);
    return all;
}

static char *read_in(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    return test_read_file(p, NULL);
}

static int exists_in(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    return access(p, F_OK) == 0;
}

/* Redis 4-6 kept one appendonly.aof in `dir`, an RDB preamble and then
 * commands.  Redis 7.0 moves it into appendonlydir as the base of a new
 * manifest; Runnel must do the same, to the manifest's bytes, and load
 * what Redis loads.  A crash after the manifest was written and before
 * the file moved is finished at the next start. */
START_TEST(test_legacy_single_file_upgrade)
{
    /* The legacy file: a 7.0 dump.rdb (RDB 10, as a 6.x preamble would be
     * an older version of) followed by a command. */
    char src[] = "/tmp/runnel-legacy-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(src));
    static const char *const plain[] = {"--appendonly", "no", NULL};
    struct test_oracle o;
    ck_assert_int_eq(test_oracle_start(&o, src, plain), 0);
    redisContext *c = test_oracle_connect(&o);
    write_portable(c);
    test_ok(c, "SAVE");
    redisFree(c);
    test_oracle_stop(&o);
    size_t rdblen;
    char p[512];
    snprintf(p, sizeof(p), "%s/dump.rdb", src);
    char *rdb = test_read_file(p, &rdblen);
    size_t tl = sizeof(LEGACY_TAIL) - 1;
    char *legacy = malloc(rdblen + tl);
    memcpy(legacy, rdb, rdblen);
    memcpy(legacy + rdblen, LEGACY_TAIL, tl);
    free(rdb);

    char rdir[] = "/tmp/runnel-legacy-r-XXXXXX", ndir[] = "/tmp/runnel-legacy-n-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(rdir));
    ck_assert_ptr_nonnull(mkdtemp(ndir));
    snprintf(p, sizeof(p), "%s/appendonly.aof", rdir);
    test_write_file(p, legacy, rdblen + tl);
    snprintf(p, sizeof(p), "%s/appendonly.aof", ndir);
    test_write_file(p, legacy, rdblen + tl);

    static const char *const aof[] = {"--appendonly", "yes", NULL};
    ck_assert_int_eq(test_oracle_start(&o, rdir, aof), 0);
    c = test_oracle_connect(&o);
    char *theirs = legacy_view(c);
    redisFree(c);
    test_oracle_stop(&o);

    struct test_server s;
    memset(&s, 0, sizeof(s));
    snprintf(s.dir, sizeof(s.dir), "%s", ndir);
    ck_assert_int_eq(test_server_start_again(&s, aof), 0);
    c = test_connect(&s);
    char *ours = legacy_view(c);
    redisFree(c);
    ck_assert_int_eq(test_server_halt(&s, SIGTERM), 0);
    test_assert_same(theirs, ours);
    ck_assert_msg(strstr(ours, "9-9"), "the command after the preamble was not loaded");
    free(ours);

    char *rman = read_in(rdir, "appendonlydir/appendonly.aof.manifest");
    char *nman = read_in(ndir, "appendonlydir/appendonly.aof.manifest");
    ck_assert_str_eq(nman, rman);
    ck_assert_str_eq(nman, "file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 "
                           "type i\n");
    ck_assert(!exists_in(ndir, "appendonly.aof"));
    ck_assert(exists_in(ndir, "appendonlydir/appendonly.aof"));
    free(rman);
    free(nman);

    /* Restarted on the upgraded directory: the same data. */
    ck_assert_int_eq(test_server_start_again(&s, aof), 0);
    c = test_connect(&s);
    ours = legacy_view(c);
    redisFree(c);
    ck_assert_int_eq(test_server_halt(&s, SIGTERM), 0);
    test_assert_same(theirs, ours);
    free(ours);

    /* Interrupted: the manifest names the base, the file is still in dir. */
    char mdir[] = "/tmp/runnel-legacy-m-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(mdir));
    snprintf(p, sizeof(p), "%s/appendonlydir", mdir);
    ck_assert_int_eq(mkdir(p, 0755), 0);
    snprintf(p, sizeof(p), "%s/appendonlydir/appendonly.aof.manifest", mdir);
    static const char man[] = "file appendonly.aof seq 1 type b\n";
    test_write_file(p, man, sizeof(man) - 1);
    snprintf(p, sizeof(p), "%s/appendonly.aof", mdir);
    test_write_file(p, legacy, rdblen + tl);
    struct test_server m;
    memset(&m, 0, sizeof(m));
    snprintf(m.dir, sizeof(m.dir), "%s", mdir);
    ck_assert_int_eq(test_server_start_again(&m, aof), 0);
    c = test_connect(&m);
    ours = legacy_view(c);
    redisFree(c);
    test_assert_same(theirs, ours);
    ck_assert(!exists_in(mdir, "appendonly.aof"));
    free(ours);
    test_server_stop(&m);

    free(theirs);
    free(legacy);
    test_server_stop(&s);
    char cmd[700];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", src, rdir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *aof_interop_suite(void);
Suite *aof_interop_suite(void)
{
    Suite *s = suite_create("aof_interop");
    TCase *tc = tcase_create("interop");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_redis_loads_runnel_incr);
    tcase_add_test(tc, test_redis_loads_runnel_base);
    tcase_add_test(tc, test_redis_loads_runnel_rdb_base);
    tcase_add_test(tc, test_runnel_loads_redis);
    tcase_add_test(tc, test_runnel_loads_redis_rdb_base);
    tcase_add_test(tc, test_legacy_single_file_upgrade);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(aof_interop_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
