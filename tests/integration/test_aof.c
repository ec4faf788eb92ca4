/* test_aof.c -- the append-only file against a real server process.
 *
 * Round trips (restart, BGREWRITEAOF, a rewrite racing writes, CONFIG SET
 * appendonly yes) compare the byte-exact replies of every introspection
 * command before and after; crash tests SIGKILL the server under load and
 * check that every acknowledged write came back; damaged files (cut at
 * every byte of the last command, bytes flipped in the middle) must give
 * the documented outcome and never a crash; a full disk (a small tmpfs in
 * a private mount namespace) must refuse writes with -MISCONF, lose
 * nothing, and recover when space returns. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static const char *const AOF_ALWAYS[] = {"--appendonly", "yes", "--appendfsync", "always", NULL};
/* The base in Redis's command format instead of RDB (aof-use-rdb-preamble). */
static const char *const AOF_ALWAYS_CMDS[] = {"--appendonly",  "yes", "--appendfsync",
                                             "always",        "--aof-use-rdb-preamble",
                                             "no",            NULL};

static void path_in(const struct test_server *s, const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s/appendonlydir/%s", s->dir, name);
}

/* Everything a user can see of the keys the scripts use. */
static char *state_of(redisContext *c)
{
    static const char *const keys[] = {"jobs", "audit", "empty", "gone", "bin\r\n key", "ttl",
                                       "setid"};
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    out[0] = '\0';
    for (int db = 0; db < 2; db++) {
        test_ok(c, "SELECT %d", db);
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
            /* XPENDING's extended form and XINFO CONSUMERS show idle times
             * relative to now: relative_state compares those. */
            const char *cmds[] = {"TYPE %s",         "XLEN %s",         "XRANGE %s - +",
                                  "XINFO STREAM %s FULL", "XINFO GROUPS %s", "PEXPIRETIME %s",
                                  "XPENDING %s g"};
            for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
                char *t = test_cmd_text(c, cmds[i], keys[k]);
                size_t n = strlen(t);
                while (len + n + 64 > cap) {
                    cap *= 2;
                    out = realloc(out, cap);
                }
                len += (size_t)snprintf(out + len, cap - len, "%d %s %zu: ", db, keys[k], i);
                memcpy(out + len, t, n);
                len += n;
                out[len++] = '\n';
                out[len] = '\0';
                free(t);
            }
        }
    }
    test_ok(c, "SELECT 0");
    return out;
}

/* Idle times (XPENDING - + entries, XINFO CONSUMERS idle/inactive) may
 * only have moved on by one common delta: the time between the two looks. */
static void same_but_clock(const redisReply *a, const redisReply *b, int idle, long long *delta,
                           const char *what)
{
    ck_assert_msg(a->type == b->type, "%s: type %d vs %d", what, a->type, b->type);
    if (a->type == REDIS_REPLY_INTEGER) {
        if (!idle || a->integer == -1) {
            ck_assert_msg(a->integer == b->integer, "%s: %lld vs %lld", what, a->integer,
                          b->integer);
            return;
        }
        long long d = b->integer - a->integer;
        if (*delta < 0)
            *delta = d;
        ck_assert_msg(d >= 0 && d >= *delta - 2 && d <= *delta + 2,
                      "%s: idle %lld vs %lld (shift %lld)", what, a->integer, b->integer, *delta);
        return;
    }
    if (a->type != REDIS_REPLY_ARRAY) {
        ck_assert_msg(a->len == b->len && memcmp(a->str, b->str, a->len) == 0, "%s: %s vs %s",
                      what, a->str, b->str);
        return;
    }
    ck_assert_msg(a->elements == b->elements, "%s: %zu vs %zu elements", what, a->elements,
                  b->elements);
    for (size_t i = 0; i < a->elements; i++) {
        int child_idle = 0;
        /* XPENDING - + entry: [id consumer idle count]. */
        if (a->elements == 4 && i == 2 && a->element[0]->type == REDIS_REPLY_STRING &&
            a->element[3]->type == REDIS_REPLY_INTEGER)
            child_idle = 1;
        /* XINFO CONSUMERS: a flat map. */
        if (i > 0 && a->element[i - 1]->type == REDIS_REPLY_STRING &&
            (strcmp(a->element[i - 1]->str, "idle") == 0 ||
             strcmp(a->element[i - 1]->str, "inactive") == 0))
            child_idle = 1;
        same_but_clock(a->element[i], b->element[i], child_idle, delta, what);
    }
}

#define RELATIVE_MAX 64
struct relative_state {
    int n;
    redisReply *r[RELATIVE_MAX];
};

static void relative_state(redisContext *c, struct relative_state *st)
{
    static const char *const keys[] = {"jobs", "audit", "empty", "bin\r\n key"};
    st->n = 0;
    for (int db = 0; db < 2; db++) {
        test_ok(c, "SELECT %d", db);
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
            st->r[st->n++] = test_cmd(c, "XPENDING %s g - + 100", keys[k]);
            st->r[st->n++] = test_cmd(c, "XINFO CONSUMERS %s g", keys[k]);
        }
    }
    test_ok(c, "SELECT 0");
}

static void assert_same_relative(struct relative_state *before, struct relative_state *after)
{
    ck_assert_int_eq(before->n, after->n);
    for (int i = 0; i < before->n; i++) {
        /* One reply is computed at one instant: its idle times all moved
         * by the same delta (each reply has its own). */
        long long delta = -1;
        char what[32];
        snprintf(what, sizeof(what), "relative reply %d", i);
        same_but_clock(before->r[i], after->r[i], 0, &delta, what);
        freeReplyObject(before->r[i]);
        freeReplyObject(after->r[i]);
    }
}

/* What a user can see, taken before a restart and checked after it. */
struct seen {
    char *text;
    struct relative_state rel;
};

static void seen_take(redisContext *c, struct seen *v)
{
    v->text = state_of(c);
    relative_state(c, &v->rel);
}

static void seen_check(redisContext *c, struct seen *v)
{
    struct seen now;
    seen_take(c, &now);
    assert_same_relative(&v->rel, &now.rel);
    test_assert_same(v->text, now.text);
    free(v->text);
    free(now.text);
}

/* SIGTERM (a clean stop must exit 0) and start again on the same dir. */
static void restart(struct test_server *s, const char *const *args)
{
    ck_assert_int_eq(test_server_halt(s, SIGTERM), 0);
    ck_assert_int_eq(test_server_start_again(s, args), 0);
}

/* n pipelined XADDs to key, so a rewrite has something to chew on. */
static void fill_stream(redisContext *c, const char *key, int n)
{
    for (int i = 0; i < n; i++)
        redisAppendCommand(c, "XADD %s * n %d payload xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                           key, i);
    for (int i = 0; i < n; i++) {
        redisReply *r;
        ck_assert_int_eq(redisGetReply(c, (void **)&r), REDIS_OK);
        ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
        freeReplyObject(r);
    }
}

/* A scripted mix of every write command the AOF must carry. */
static void write_mix(redisContext *c)
{
    test_ok(c, "XADD jobs 1-1 type email to a");
    test_ok(c, "XADD jobs 1-2 type email to b");
    test_ok(c, "XADD jobs 2-0 type sms n 42");
    test_ok(c, "XADD jobs * type push n 24.5");
    test_ok(c, "XADD jobs MAXLEN = 10 * type trim n 1");
    test_ok(c, "XGROUP CREATE jobs g 0");
    test_ok(c, "XGROUP CREATE jobs g2 $ ENTRIESREAD 3");
    test_ok(c, "XREADGROUP GROUP g alice COUNT 2 STREAMS jobs >");
    test_ok(c, "XREADGROUP GROUP g bob COUNT 1 STREAMS jobs >");
    test_ok(c, "XREADGROUP GROUP g carol COUNT 1 STREAMS jobs >");
    test_ok(c, "XACK jobs g 1-1");
    test_sleep_ms(15);
    test_ok(c, "XCLAIM jobs g bob 5 1-2");
    test_ok(c, "XAUTOCLAIM jobs g dave 0 0-0 COUNT 1");
    test_ok(c, "XGROUP CREATECONSUMER jobs g erin");
    test_ok(c, "XREADGROUP GROUP g erin COUNT 5 STREAMS jobs 0"); /* history, empty */
    test_ok(c, "XDEL jobs 2-0");
    test_ok(c, "XGROUP DELCONSUMER jobs g carol");
    test_ok(c, "XGROUP SETID jobs g2 1-2 ENTRIESREAD 2");
    test_ok(c, "XREADGROUP GROUP g2 zed NOACK COUNT 1 STREAMS jobs >");
    for (int i = 0; i < 30; i++)
        test_ok(c, "XADD audit * event e%d user u%d", i, i % 3);
    test_ok(c, "XTRIM audit MAXLEN 20");
    test_ok(c, "XTRIM audit MINID 0-1");
    test_ok(c, "XADD empty 5-5 f v");
    test_ok(c, "XDEL empty 5-5");
    test_ok(c, "XADD gone 1-1 a b");
    test_ok(c, "DEL gone");
    test_ok(c, "XSETID empty 7-7 ENTRIESADDED 3 MAXDELETEDID 6-6");
    test_ok(c, "XADD setid 1-0 a b");
    test_ok(c, "XADD setid 3-0 a b");
    test_ok(c, "XDEL setid 3-0");
    /* (Below max-deleted-entry-id Redis 7.2+ refuses it; check_aof_base
     * replays that state, which only 7.0 data can bring.) */
    test_ok(c, "XSETID setid 4-0 ENTRIESADDED 7");
    test_ok(c, "MULTI");
    test_ok(c, "XADD ttl 1-1 a b");
    test_ok(c, "PEXPIRE ttl 100000000");
    test_ok(c, "EXEC");
    test_ok(c, "SELECT 1");
    const char *argv[] = {"XADD", "bin\r\n key", "3-3", "f\r\nx", "v\0w"};
    size_t lens[] = {4, 9, 3, 4, 3};
    redisReply *r = redisCommandArgv(c, 5, argv, lens);
    ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
    freeReplyObject(r);
    const char *gargv[] = {"XGROUP", "CREATE", "bin\r\n key", "g", "0"};
    r = redisCommandArgv(c, 5, gargv, NULL);
    ck_assert_int_eq(r->type, REDIS_REPLY_STATUS);
    freeReplyObject(r);
    const char *rargv[] = {"XREADGROUP", "GROUP", "g", "c c\r\n", "STREAMS", "bin\r\n key", ">"};
    size_t rlens[] = {10, 5, 1, 5, 7, 9, 1};
    r = redisCommandArgv(c, 7, rargv, rlens);
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    freeReplyObject(r);
    test_ok(c, "SELECT 0");
}

static void wait_rewrite_done(redisContext *c)
{
    for (int i = 0; i < 1000; i++) {
        if (test_info_ll(c, "aof_rewrite_in_progress") == 0 &&
            test_info_ll(c, "aof_rewrite_scheduled") == 0)
            return;
        test_sleep_ms(10);
    }
    ck_abort_msg("the AOF rewrite did not finish");
}

/* Redis 7's first start: base 1 (RDB by default, commands with
 * aof-use-rdb-preamble no), incr 1, a manifest naming both. */
static void first_start_layout(const char *const *args, const char *ext)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, args), 0);
    char path[512];
    path_in(&s, "appendonly.aof.manifest", path, sizeof(path));
    char *m = test_read_file(path, NULL);
    ck_assert_ptr_nonnull(m);
    char want[256];
    snprintf(want, sizeof(want),
             "file appendonly.aof.1.base.%s seq 1 type b\n"
             "file appendonly.aof.1.incr.aof seq 1 type i\n",
             ext);
    ck_assert_str_eq(m, want);
    free(m);
    redisContext *c = test_connect(&s);
    test_ok(c, "XADD s 1-1 a b");
    ck_assert_int_eq(test_info_ll(c, "aof_enabled"), 1);
    redisFree(c);
    path_in(&s, "appendonly.aof.1.incr.aof", path, sizeof(path));
    size_t len;
    char *inc = test_read_file(path, &len);
    static const char log[] = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
                              "*5\r\n$4\r\nXADD\r\n$1\r\ns\r\n$3\r\n1-1\r\n$1\r\na\r\n$1\r\nb\r\n";
    /* The log, then the padding written ahead of it (if any yet). */
    ck_assert_uint_ge(len, sizeof(log) - 1);
    ck_assert(!memcmp(inc, log, sizeof(log) - 1));
    ck_assert(len == sizeof(log) - 1 || inc[sizeof(log) - 1] == '#');
    free(inc);
    test_server_stop(&s);
}

START_TEST(test_first_start_layout)
{
    first_start_layout(AOF_ALWAYS, "rdb");
    first_start_layout(AOF_ALWAYS_CMDS, "aof");
}
END_TEST

START_TEST(test_round_trip_restart)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, AOF_ALWAYS), 0);
    redisContext *c = test_connect(&s);
    write_mix(c);
    struct seen before;
    seen_take(c, &before);
    redisFree(c);
    restart(&s, AOF_ALWAYS);
    c = test_connect(&s);
    seen_check(c, &before);
    /* Writes go on after a restart, to the same incr file. */
    test_ok(c, "XADD jobs * type more");
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

static void rewrite_round_trip(const char *const *args, const char *ext)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, args), 0);
    redisContext *c = test_connect(&s);
    write_mix(c);
    struct seen before;
    seen_take(c, &before);
    redisReply *r = test_cmd(c, "BGREWRITEAOF");
    ck_assert_str_eq(r->str, "Background append only file rewriting started");
    freeReplyObject(r);
    wait_rewrite_done(c);
    ck_assert_int_eq(test_info_ll(c, "aof_rewrites"), 1);
    redisFree(c);
    char path[512], name[64];
    path_in(&s, "appendonly.aof.manifest", path, sizeof(path));
    char *m = test_read_file(path, NULL);
    char want[256];
    snprintf(want, sizeof(want),
             "file appendonly.aof.2.base.%s seq 2 type b\n"
             "file appendonly.aof.2.incr.aof seq 2 type i\n",
             ext);
    ck_assert_str_eq(m, want);
    free(m);
    /* The old files are gone. */
    snprintf(name, sizeof(name), "appendonly.aof.1.base.%s", ext);
    path_in(&s, name, path, sizeof(path));
    ck_assert_int_ne(access(path, F_OK), 0);
    path_in(&s, "appendonly.aof.1.incr.aof", path, sizeof(path));
    ck_assert_int_ne(access(path, F_OK), 0);
    restart(&s, args);
    c = test_connect(&s);
    seen_check(c, &before);
    redisFree(c);
    test_server_stop(&s);
}

START_TEST(test_round_trip_rewrite)
{
    rewrite_round_trip(AOF_ALWAYS, "rdb");
}
END_TEST

START_TEST(test_round_trip_rewrite_cmds)
{
    rewrite_round_trip(AOF_ALWAYS_CMDS, "aof");
}
END_TEST

/* Writers keep writing while the child writes the base: every write lands
 * either in the base or in the new incr file, never in neither or both. */
START_TEST(test_rewrite_while_writing)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, AOF_ALWAYS), 0);
    redisContext *c = test_connect(&s);
    fill_stream(c, "big", 20000);
    test_ok(c, "XGROUP CREATE big g 0");
    redisReply *r = test_cmd(c, "BGREWRITEAOF");
    ck_assert_int_eq(r->type, REDIS_REPLY_STATUS);
    freeReplyObject(r);
    int n = 0;
    while (test_info_ll(c, "aof_rewrite_in_progress") == 1 || n < 200) {
        test_ok(c, "XADD big * n during%d", n);
        if (n % 3 == 0)
            test_ok(c, "XREADGROUP GROUP g w%d COUNT 2 STREAMS big >", n % 4);
        n++;
        ck_assert_int_lt(n, 1000000);
    }
    wait_rewrite_done(c);
    write_mix(c);
    struct seen before;
    seen_take(c, &before);
    char *big_before = test_cmd_text(c, "XINFO STREAM big FULL COUNT 0");
    redisFree(c);
    restart(&s, AOF_ALWAYS);
    c = test_connect(&s);
    seen_check(c, &before);
    char *big_after = test_cmd_text(c, "XINFO STREAM big FULL COUNT 0");
    test_assert_same(big_before, big_after);
    redisFree(c);
    free(big_before);
    free(big_after);
    test_server_stop(&s);
}
END_TEST

START_TEST(test_config_set_appendonly)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, NULL), 0);
    redisContext *c = test_connect(&s);
    write_mix(c);
    ck_assert_int_eq(test_info_ll(c, "aof_enabled"), 0);
    test_ok(c, "CONFIG SET appendonly yes");
    test_ok(c, "XADD jobs * after on");
    wait_rewrite_done(c);
    ck_assert_int_eq(test_info_ll(c, "aof_enabled"), 1);
    test_ok(c, "XADD jobs * after base");
    struct seen before;
    seen_take(c, &before);
    redisFree(c);
    char path[512];
    path_in(&s, "appendonly.aof.manifest", path, sizeof(path));
    char *m = test_read_file(path, NULL);
    ck_assert_str_eq(m, "file appendonly.aof.1.base.rdb seq 1 type b\n"
                        "file appendonly.aof.1.incr.aof seq 1 type i\n");
    free(m);
    restart(&s, AOF_ALWAYS);
    c = test_connect(&s);
    seen_check(c, &before);
    test_ok(c, "CONFIG SET appendonly no");
    ck_assert_int_eq(test_info_ll(c, "aof_enabled"), 0);
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

/* Off again before the first base was written, then on: the new attempt
 * opens its own temp incr file and the next write is answered. */
START_TEST(test_appendonly_on_off_on)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, NULL), 0);
    redisContext *c = test_connect(&s);
    fill_stream(c, "big", 3000);
    for (int round = 0; round < 3; round++) {
        test_ok(c, "CONFIG SET appendonly yes");
        for (int i = 0; i < 100; i++)
            test_ok(c, "XADD big * round %d i %d", round, i);
        test_ok(c, "CONFIG SET appendonly no");
        test_ok(c, "FLUSHALL");
    }
    test_ok(c, "CONFIG SET appendonly yes");
    test_ok(c, "XADD last * f v");
    wait_rewrite_done(c);
    ck_assert_int_eq(test_info_ll(c, "aof_enabled"), 1);
    test_ok(c, "XADD last * g w");
    redisFree(c);
    static const char *const args[] = {"--appendonly", "yes", NULL};
    restart(&s, args);
    c = test_connect(&s);
    ck_assert_int_eq(test_int(c, "XLEN last"), 2);
    ck_assert_int_eq(test_int(c, "DBSIZE"), 1);
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

START_TEST(test_auto_rewrite)
{
    static const char *const args[] = {"--appendonly", "yes", "--auto-aof-rewrite-min-size",
                                       "8kb", "--auto-aof-rewrite-percentage", "100", NULL};
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, args), 0);
    redisContext *c = test_connect(&s);
    for (int i = 0; i < 200; i++)
        test_ok(c, "XADD s * i %d pad %080d", i, 0);
    /* The cron notices the growth (hz 10) and rewrites by itself. */
    ck_assert_int_eq(test_wait_info(c, "aof_rewrites", 1, 5000), 0);
    wait_rewrite_done(c);
    /* The new base holds the data (an RDB base compresses it). */
    ck_assert_int_gt(test_info_ll(c, "aof_base_size"), 1000);
    /* Not again until the file doubles. */
    test_ok(c, "XADD s * i more");
    test_sleep_ms(300);
    ck_assert_int_eq(test_info_ll(c, "aof_rewrites"), 1);
    redisFree(c);
    ck_assert_int_eq(test_server_halt(&s, SIGTERM), 0);
    ck_assert_int_eq(test_server_start_again(&s, args), 0);
    c = test_connect(&s);
    ck_assert_int_eq(test_int(c, "XLEN s"), 201);
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

/* One child at a time: BGREWRITEAOF during a BGSAVE is scheduled, and the
 * cron starts it when the BGSAVE child is gone (Redis 7.0's answer). */
START_TEST(test_rewrite_waits_for_bgsave)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, AOF_ALWAYS), 0);
    redisContext *c = test_connect(&s);
    for (int i = 0; i < 5; i++)
        test_ok(c, "XADD k%d * f v", i);
    test_ok(c, "CONFIG SET rdb-key-save-delay 100000"); /* 0.1 s a key */
    redisReply *r = test_cmd(c, "BGSAVE");
    ck_assert_str_eq(r->str, "Background saving started");
    freeReplyObject(r);
    r = test_cmd(c, "BGREWRITEAOF");
    ck_assert_str_eq(r->str, "Background append only file rewriting scheduled");
    freeReplyObject(r);
    ck_assert_int_eq(test_info_ll(c, "aof_rewrite_scheduled"), 1);
    ck_assert_int_eq(test_info_ll(c, "aof_rewrite_in_progress"), 0);
    test_ok(c, "CONFIG SET rdb-key-save-delay 0");
    ck_assert_int_eq(test_wait_info(c, "aof_rewrites", 1, 10000), 0);
    wait_rewrite_done(c);
    ck_assert_int_eq(test_info_ll(c, "rdb_bgsave_in_progress"), 0);
    redisFree(c);
    restart(&s, AOF_ALWAYS);
    c = test_connect(&s);
    ck_assert_int_eq(test_int(c, "DBSIZE"), 5);
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

/* --- Crashes ---------------------------------------------------------------- */

#define CRASH_WRITERS 4

/* One writer: XADD until the connection breaks, printing each acknowledged
 * ID to fd. */
static void crash_writer(int port, int w, int fd)
{
    struct timeval tv = {5, 0};
    redisContext *c = redisConnectWithTimeout("127.0.0.1", port, tv);
    if (!c || c->err)
        _exit(1);
    for (long i = 0;; i++) {
        redisReply *r = redisCommand(c, "XADD crash * w %d i %ld pad %0100d", w, i, 7);
        if (!r || r->type != REDIS_REPLY_STRING)
            break;
        char line[128];
        int n = snprintf(line, sizeof(line), "%s %d %ld\n", r->str, w, i);
        if (write(fd, line, (size_t)n) != n)
            _exit(1);
        freeReplyObject(r);
    }
    _exit(0);
}

static void crash_round(struct test_server *s, unsigned seed, int first)
{
    if (first)
        ck_assert_int_eq(test_server_start(s, AOF_ALWAYS), 0);
    else
        ck_assert_int_eq(test_server_start_again(s, AOF_ALWAYS), 0);
    char acked[600];
    snprintf(acked, sizeof(acked), "%s/acked.txt", s->dir);
    unlink(acked);
    int fd = open(acked, O_WRONLY | O_CREAT | O_APPEND, 0644);
    ck_assert_int_ge(fd, 0);
    pid_t kids[CRASH_WRITERS];
    for (int w = 0; w < CRASH_WRITERS; w++) {
        kids[w] = fork();
        if (kids[w] == 0)
            crash_writer(s->port, w, fd);
    }
    test_sleep_ms(20 + (int)(seed % 180));
    ck_assert_int_eq(test_server_halt(s, SIGKILL), 128 + SIGKILL);
    for (int w = 0; w < CRASH_WRITERS; w++)
        waitpid(kids[w], NULL, 0);
    close(fd);
    ck_assert_int_eq(test_server_start_again(s, AOF_ALWAYS), 0);
    redisContext *c = test_connect(s);
    FILE *f = fopen(acked, "r");
    char id[64];
    int w;
    long i;
    long checked = 0;
    while (fscanf(f, "%63s %d %ld", id, &w, &i) == 3) {
        redisReply *r = test_cmd(c, "XRANGE crash %s %s", id, id);
        ck_assert_msg(r->type == REDIS_REPLY_ARRAY && r->elements == 1,
                      "acknowledged entry %s lost after SIGKILL", id);
        redisReply *fields = r->element[0]->element[1];
        ck_assert_int_eq(fields->elements, 6);
        ck_assert_int_eq(atoi(fields->element[1]->str), w);
        ck_assert_int_eq(atol(fields->element[3]->str), i);
        ck_assert_int_eq(strlen(fields->element[5]->str), 100);
        freeReplyObject(r);
        checked++;
    }
    fclose(f);
    /* No partial entry: every entry in the stream is whole. */
    redisReply *r = test_cmd(c, "XRANGE crash - +");
    for (size_t k = 0; k < r->elements; k++)
        ck_assert_int_eq(r->element[k]->element[1]->elements, 6);
    ck_assert_int_ge((long)r->elements, checked);
    freeReplyObject(r);
    redisFree(c);
    ck_assert_int_eq(test_server_halt(s, SIGTERM), 0);
}

START_TEST(test_crash_sigkill_always)
{
    const char *env = getenv("RUNNEL_CRASH_ROUNDS");
    int rounds = env ? atoi(env) : 10;
    struct test_server s;
    unsigned seed = (unsigned)time(NULL);
    for (int round = 0; round < rounds; round++) {
        seed = seed * 1103515245u + 12345u;
        crash_round(&s, seed >> 8, round == 0);
    }
    test_server_stop(&s);
}
END_TEST

START_TEST(test_crash_during_rewrite)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, AOF_ALWAYS), 0);
    redisContext *c = test_connect(&s);
    fill_stream(c, "big", 50000);
    write_mix(c);
    struct seen before;
    seen_take(c, &before);
    redisReply *r = test_cmd(c, "BGREWRITEAOF");
    freeReplyObject(r);
    test_ok(c, "XADD after-fork 1-1 a b");
    redisFree(c);
    ck_assert_int_eq(test_server_halt(&s, SIGKILL), 128 + SIGKILL);
    ck_assert_int_eq(test_server_start_again(&s, AOF_ALWAYS), 0);
    c = test_connect(&s);
    seen_check(c, &before);
    ck_assert_int_eq(test_int(c, "XLEN big"), 50000);
    ck_assert_int_eq(test_int(c, "XLEN after-fork"), 1);
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

/* --- Damaged files ------------------------------------------------------------ */

/* Start on dir (which holds appendonlydir) with extra args; returns the
 * exit status if the server refused to start, or 0 if it runs (it is
 * then stopped with SIGTERM first). */
static int start_outcome(struct test_server *s, const char *const *extra)
{
    int rc = test_server_start_again(s, extra);
    if (rc == 0) {
        test_server_halt(s, SIGTERM);
        return 0;
    }
    /* It exited: how? */
    return 1;
}

static char *log_text(const struct test_server *s)
{
    return test_read_file(s->log, NULL);
}

/* --- A lagging fsync (everysec) ---------------------------------------------- */

/* appendfsync everysec with fsyncs that take 2.5 s (tests/shims/
 * slow_fsync.c, preloaded into the server, slow while a flag file
 * exists): as Redis's flushAppendOnlyFile, a write waits up to 2 s behind
 * the running fsync, then goes ahead and counts aof_delayed_fsync; every
 * write is answered meanwhile and nothing is lost. */
START_TEST(test_everysec_fsync_lag)
{
    char exe[512], shim[600], flag[600];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    ck_assert_int_gt(n, 0);
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0'; /* .../tests/integration */
    *strrchr(exe, '/') = '\0'; /* .../tests */
    snprintf(shim, sizeof(shim), "%s/slow_fsync.so", exe);
    ck_assert_msg(access(shim, R_OK) == 0, "%s is not built", shim);

    struct test_server s;
    static const char *const everysec[] = {"--appendonly", "yes", "--appendfsync", "everysec",
                                           NULL};
    char asan[700];
    const char *old_asan = getenv("ASAN_OPTIONS");
    snprintf(asan, sizeof(asan), "%s%sverify_asan_link_order=0", old_asan ? old_asan : "",
             old_asan && *old_asan ? ":" : "");
    char *saved_asan = old_asan ? strdup(old_asan) : NULL;
    setenv("ASAN_OPTIONS", asan, 1);
    setenv("LD_PRELOAD", shim, 1);
    setenv("RUNNEL_SLOW_FSYNC_MS", "2500", 1);
    /* The flag's path must be known before the server starts: a dir of
     * the test's own. */
    char fdir[] = "/tmp/runnel-slowfsync-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(fdir));
    snprintf(flag, sizeof(flag), "%s/slow", fdir);
    setenv("RUNNEL_SLOW_FSYNC_FLAG", flag, 1);
    int rc = test_server_start(&s, everysec);
    unsetenv("LD_PRELOAD");
    unsetenv("RUNNEL_SLOW_FSYNC_FLAG");
    if (saved_asan)
        setenv("ASAN_OPTIONS", saved_asan, 1);
    else
        unsetenv("ASAN_OPTIONS");
    free(saved_asan);
    ck_assert_int_eq(rc, 0);

    redisContext *c = test_connect(&s);
    test_ok(c, "XADD lag * n 0");
    test_write_file(flag, "1", 1);
    long long acked = 1, t0 = test_mono_ms();
    while (test_info_ll(c, "aof_delayed_fsync") < 1 && test_mono_ms() - t0 < 20000) {
        test_ok(c, "XADD lag * n %lld", acked);
        acked++;
        test_sleep_ms(5);
    }
    ck_assert_int_ge(test_info_ll(c, "aof_delayed_fsync"), 1);
    char *st = test_cmd_text(c, "INFO persistence");
    ck_assert_msg(strstr(st, "aof_last_write_status:ok"), "%s", st);
    free(st);
    unlink(flag);
    rmdir(fdir);
    ck_assert_int_eq(test_int(c, "XLEN lag"), acked);
    redisFree(c);

    ck_assert_int_eq(test_server_halt(&s, SIGTERM), 0);
    ck_assert_int_eq(test_server_start_again(&s, everysec), 0);
    c = test_connect(&s);
    ck_assert_int_eq(test_int(c, "XLEN lag"), acked);
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

/* --- Preallocation (aof-preallocate) ------------------------------------------ */

/* The bytes of the incr file on disk; *padded: whether the log in it is
 * followed by aof.c's padding ('#' lines of 4096 bytes counted from the
 * file's start, the file ending with a whole one).  Zero bytes, or
 * padding of any other shape, fail the test. */
static long incr_file(const struct test_server *s, long long log_len, int *padded)
{
    char path[512];
    path_in(s, "appendonly.aof.1.incr.aof", path, sizeof(path));
    size_t len;
    char *b = test_read_file(path, &len);
    ck_assert_msg(memchr(b, '\0', len) == NULL, "zero bytes in the incr file");
    *padded = (long long)len > log_len;
    for (size_t i = (size_t)log_len; i < len; i++)
        ck_assert_msg(b[i] == (i % 4096 == 4095 ? '\n' : '#'), "padding byte %zu is %d", i,
                      b[i]);
    ck_assert(!*padded || len % 4096 == 0);
    free(b);
    return (long)len;
}

/* Does redis-check-aof (redis-tools) take the directory as valid? */
static int redis_check_aof_ok(const struct test_server *s)
{
    char cmd[700];
    snprintf(cmd, sizeof(cmd), "redis-check-aof %s/appendonlydir/appendonly.aof.manifest "
             ">/dev/null 2>&1", s->dir);
    return system(cmd) == 0;
}

/* The incr log's length, from INFO. */
static long long incr_log(redisContext *c)
{
    return test_info_ll(c, "aof_current_size") - test_info_ll(c, "aof_base_size");
}

/* Padding is written ahead of the log while it runs.  A SIGKILL leaves
 * it: the next start reads it as the log's end (even with
 * aof-load-truncated no: nothing was cut), and so do Redis 7.0 and
 * redis-check-aof, which take '#' lines for annotations -- also after
 * Redis appended to the file.  A clean stop cuts it off. */
START_TEST(test_preallocation)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, AOF_ALWAYS), 0);
    redisContext *c = test_connect(&s);
    fill_stream(c, "pre", 100);
    long long logical = incr_log(c);
    int padded = 0;
    long long t0 = test_mono_ms();
    while (incr_file(&s, logical, &padded) <= logical + (1 << 20) && test_mono_ms() - t0 < 10000)
        test_sleep_ms(20);
    ck_assert_msg(incr_file(&s, logical, &padded) > logical + (1 << 20),
                  "no preallocation: file %ld bytes, log %lld", incr_file(&s, logical, &padded),
                  logical);
    redisFree(c);

    /* Crash: the padding stays; for Redis's tools too it is no damage. */
    ck_assert_int_eq(test_server_halt(&s, SIGKILL), 128 + SIGKILL);
    incr_file(&s, logical, &padded);
    ck_assert(padded);
    ck_assert(redis_check_aof_ok(&s));
    static const char *const rargs[] = {"--appendonly", "yes", NULL};
    struct test_oracle o;
    ck_assert_int_eq(test_oracle_start(&o, s.dir, rargs), 0);
    c = test_oracle_connect(&o);
    ck_assert_int_eq(test_int(c, "XLEN pre"), 100);
    fill_stream(c, "pre", 5); /* Redis appends after the padding */
    redisFree(c);
    test_oracle_stop(&o);
    ck_assert(redis_check_aof_ok(&s));

    static const char *const strict[] = {"--appendonly",         "yes", "--aof-load-truncated",
                                         "no",                   "--appendfsync", "always",
                                         NULL};
    ck_assert_int_eq(test_server_start_again(&s, strict), 0);
    c = test_connect(&s);
    ck_assert_int_eq(test_int(c, "XLEN pre"), 105);
    fill_stream(c, "pre", 5);
    long long incr_len = incr_log(c);
    redisFree(c);
    ck_assert_int_eq(test_server_halt(&s, SIGTERM), 0);
    ck_assert_int_eq(incr_file(&s, incr_len, &padded), incr_len);
    ck_assert(!padded);

    /* After the clean stop Redis 7.0 loads the directory as it is. */
    ck_assert_int_eq(test_oracle_start(&o, s.dir, rargs), 0);
    c = test_oracle_connect(&o);
    ck_assert_int_eq(test_int(c, "XLEN pre"), 110);
    redisFree(c);
    test_oracle_stop(&o);

    /* A zero tail inside a MULTI is a cut transaction, not preallocation
     * (zeros: what an older Runnel preallocated, or a file system's
     * unwritten tail). */
    char path[512];
    path_in(&s, "appendonly.aof.1.incr.aof", path, sizeof(path));
    size_t len;
    char *full = test_read_file(path, &len);
    static const char multi[] = "*1\r\n$5\r\nMULTI\r\n";
    char *cut = malloc(len + sizeof(multi) + 64);
    memcpy(cut, full, len);
    memcpy(cut + len, multi, sizeof(multi) - 1);
    memset(cut + len + sizeof(multi) - 1, 0, 64);
    test_write_file(path, cut, len + sizeof(multi) - 1 + 64);
    ck_assert_int_eq(start_outcome(&s, strict), 1);
    free(cut);
    free(full);
    test_server_stop(&s);

    /* aof-preallocate no: the file is the log, nothing more. */
    static const char *const off[] = {"--appendonly", "yes", "--appendfsync", "always",
                                      "--aof-preallocate", "no", NULL};
    ck_assert_int_eq(test_server_start(&s, off), 0);
    c = test_connect(&s);
    fill_stream(c, "pre", 100);
    incr_len = incr_log(c);
    ck_assert_int_eq(incr_file(&s, incr_len, &padded), incr_len);
    redisFree(c);
    test_server_stop(&s);

    /* A crash with preallocation, then a start without it: the padding
     * is cut at once, so what it appends follows the log (a crash again,
     * and the file still loads). */
    ck_assert_int_eq(test_server_start(&s, AOF_ALWAYS), 0);
    c = test_connect(&s);
    fill_stream(c, "mix", 50);
    incr_len = incr_log(c);
    t0 = test_mono_ms();
    while (incr_file(&s, incr_len, &padded) < (1 << 20) && test_mono_ms() - t0 < 10000)
        test_sleep_ms(20);
    redisFree(c);
    ck_assert_int_eq(test_server_halt(&s, SIGKILL), 128 + SIGKILL);
    ck_assert_int_eq(test_server_start_again(&s, off), 0);
    ck_assert_int_eq(incr_file(&s, incr_len, &padded), incr_len);
    c = test_connect(&s);
    fill_stream(c, "mix", 10);
    redisFree(c);
    ck_assert_int_eq(test_server_halt(&s, SIGKILL), 128 + SIGKILL);
    ck_assert_int_eq(test_server_start_again(&s, strict), 0);
    c = test_connect(&s);
    ck_assert_int_eq(test_int(c, "XLEN mix"), 60);
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

/* A write that would end just before one of the padding's '\n' (so that
 * a bare "\n" would follow the log, which Redis refuses) brings the
 * annotation "#\n" with it: after a crash there Redis 7.0 loads the file
 * as it is. */
START_TEST(test_preallocation_line_end)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, AOF_ALWAYS), 0);
    redisContext *c = test_connect(&s);
    static char v[6000];
    memset(v, 'v', sizeof(v));
    test_ok(c, "XADD k 1-1 f x"); /* the SELECT goes before this one */
    long long t0 = test_mono_ms();
    int padded = 0;
    while (incr_file(&s, incr_log(c), &padded) < (1 << 20) && test_mono_ms() - t0 < 10000)
        test_sleep_ms(20);
    long long l0 = incr_log(c);
    test_ok(c, "XADD k 2-1 f %b", v, (size_t)1000);
    long long d0 = incr_log(c) - l0; /* with 1000 bytes; 4-digit lengths */
    long long l1 = incr_log(c);
    long long want = 1000 + (((4095 - l1 - d0) % 4096) + 4096) % 4096;
    test_ok(c, "XADD k 3-1 f %b", v, (size_t)want);
    long long l2 = incr_log(c);
    ck_assert_int_eq(l2, l1 + d0 + (want - 1000) + 2);
    ck_assert_int_eq((l2 - 2) % 4096, 4095);
    incr_file(&s, l2, &padded); /* the padding resumes after "#\n" */
    ck_assert(padded);
    redisFree(c);
    ck_assert_int_eq(test_server_halt(&s, SIGKILL), 128 + SIGKILL);

    char path[512];
    path_in(&s, "appendonly.aof.1.incr.aof", path, sizeof(path));
    size_t len;
    char *b = test_read_file(path, &len);
    ck_assert_uint_gt(len, (size_t)l2);
    ck_assert(!memcmp(b + l2 - 4, "\r\n#\n", 4));
    ck_assert_int_eq(b[l2], '#');
    free(b);
    ck_assert(redis_check_aof_ok(&s));
    static const char *const rargs[] = {"--appendonly", "yes", NULL};
    struct test_oracle o;
    ck_assert_int_eq(test_oracle_start(&o, s.dir, rargs), 0);
    c = test_oracle_connect(&o);
    ck_assert_int_eq(test_int(c, "XLEN k"), 3);
    redisReply *r = test_cmd(c, "XRANGE k 3-1 3-1");
    ck_assert_int_eq((long long)r->element[0]->element[1]->element[1]->len, want);
    freeReplyObject(r);
    redisFree(c);
    test_oracle_stop(&o);
    ck_assert_int_eq(test_server_start_again(&s, AOF_ALWAYS), 0);
    c = test_connect(&s);
    ck_assert_int_eq(test_int(c, "XLEN k"), 3);
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

START_TEST(test_truncated_tail_every_byte)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, AOF_ALWAYS), 0);
    redisContext *c = test_connect(&s);
    test_ok(c, "XADD s 1-1 a b");
    test_ok(c, "XADD s 2-2 c d");
    redisFree(c);
    ck_assert_int_eq(test_server_halt(&s, SIGTERM), 0);
    char path[512];
    path_in(&s, "appendonly.aof.1.incr.aof", path, sizeof(path));
    size_t len;
    char *full = test_read_file(path, &len);
    const char *last = strstr(full, "*5\r\n$4\r\nXADD\r\n$1\r\ns\r\n$3\r\n2-2");
    ck_assert_ptr_nonnull(last);
    size_t cut0 = (size_t)(last - full);
    static const char *const no_truncated[] = {"--appendonly", "yes", "--aof-load-truncated",
                                               "no", NULL};
    for (size_t cut = cut0 + 1; cut < len; cut++) {
        /* aof-load-truncated no: refuse, and say so. */
        test_write_file(path, full, cut);
        unlink(s.log);
        ck_assert_int_eq(start_outcome(&s, no_truncated), 1);
        char *log = log_text(&s);
        ck_assert_msg(strstr(log, "Unexpected end of file reading the append only file"),
                      "cut at %zu: %.600s", cut, log + (strlen(log) > 600 ? strlen(log) - 600 : 0));
        free(log);
        /* aof-load-truncated yes: load up to the cut command, truncate. */
        test_write_file(path, full, cut);
        ck_assert_int_eq(test_server_start_again(&s, AOF_ALWAYS), 0);
        c = test_connect(&s);
        ck_assert_int_eq(test_int(c, "XLEN s"), 1);
        test_ok(c, "XADD s 3-3 e f"); /* appends after the cut, loadable */
        redisFree(c);
        ck_assert_int_eq(test_server_halt(&s, SIGTERM), 0);
        ck_assert_int_eq(test_server_start_again(&s, AOF_ALWAYS), 0);
        c = test_connect(&s);
        ck_assert_int_eq(test_int(c, "XLEN s"), 2);
        redisFree(c);
        ck_assert_int_eq(test_server_halt(&s, SIGTERM), 0);
    }
    free(full);
    test_server_stop(&s);
}
END_TEST

START_TEST(test_corrupt_middle_refuses)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, AOF_ALWAYS), 0);
    redisContext *c = test_connect(&s);
    for (int i = 1; i <= 5; i++)
        test_ok(c, "XADD s %d-1 field value%d", i, i);
    redisFree(c);
    ck_assert_int_eq(test_server_halt(&s, SIGTERM), 0);
    char path[512];
    path_in(&s, "appendonly.aof.1.incr.aof", path, sizeof(path));
    size_t len;
    char *full = test_read_file(path, &len);
    /* Flip every byte of the third command to a few bad values. */
    const char *third = strstr(full, "$3\r\n3-1");
    ck_assert_ptr_nonnull(third);
    while (third > full && *third != '*')
        third--;
    size_t from = (size_t)(third - full);
    size_t to = (size_t)(strstr(full + from + 1, "*5") - full);
    static const char bad[] = {'x', '\0', '\n', '9'};
    int refused = 0, loaded = 0;
    for (size_t pos = from; pos < to; pos++) {
        for (size_t b = 0; b < sizeof(bad); b++) {
            if (full[pos] == bad[b])
                continue;
            char *copy = malloc(len);
            memcpy(copy, full, len);
            copy[pos] = bad[b];
            test_write_file(path, copy, len);
            free(copy);
            unlink(s.log);
            static const char *const args[] = {"--appendonly", "yes", NULL};
            int rc = test_server_start_again(&s, args);
            if (rc == 0) {
                /* A flip inside a value (a different but valid file). */
                loaded++;
                ck_assert(test_server_alive(&s));
                test_server_halt(&s, SIGTERM);
                continue;
            }
            refused++;
            char *log = log_text(&s);
            ck_assert_msg(strstr(log, "Bad file format reading the append only file") ||
                              strstr(log, "Unknown command") ||
                              strstr(log, "Unexpected end of file"),
                          "flip at %zu: %.600s", pos, log + (strlen(log) > 600 ? strlen(log) - 600 : 0));
            ck_assert_msg(!strstr(log, "AddressSanitizer") && !strstr(log, "runtime error"),
                          "flip at %zu crashed: %.600s", pos, log + (strlen(log) > 600 ? strlen(log) - 600 : 0));
            free(log);
        }
    }
    ck_assert_int_gt(refused, 0);
    /* The refusal names the file and the byte offset. */
    char *copy = malloc(len);
    memcpy(copy, full, len);
    copy[from] = 'x';
    test_write_file(path, copy, len);
    free(copy);
    static const char *const args[] = {"--appendonly", "yes", NULL};
    ck_assert_int_ne(test_server_start_again(&s, args), 0);
    char *log = log_text(&s);
    char want[128];
    snprintf(want, sizeof(want), "appendonly.aof.1.incr.aof at offset %zu", from);
    ck_assert_msg(strstr(log, want), "%.600s", log + (strlen(log) > 600 ? strlen(log) - 600 : 0));
    free(log);
    free(full);
    (void)loaded;
    test_server_stop(&s);
}
END_TEST

/* --- A full disk ------------------------------------------------------------------ */

static int readable_within(redisContext *c, int ms)
{
    struct pollfd p = {c->fd, POLLIN, 0};
    return poll(&p, 1, ms) == 1;
}

static int info_has(redisContext *c, const char *needle)
{
    redisReply *r = test_cmd(c, "INFO persistence");
    int has = r && r->type == REDIS_REPLY_STRING && strstr(r->str, needle) != NULL;
    freeReplyObject(r);
    return has;
}

/* The server's dir on a small tmpfs in this test process's own mount
 * namespace (Check runs each test in a child: the namespace dies with it). */
START_TEST(test_disk_full_misconf)
{
    ck_assert_int_eq(unshare(CLONE_NEWNS), 0);
    /* Keep the tmpfs out of the parent's namespace.  In a chroot "/" is no
     * mount point (EINVAL): there the caller's namespace is its own
     * already (utils/fresh-check.sh runs in one). */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        ck_assert_int_eq(errno, EINVAL);
    char dir[] = "/tmp/runnel-full-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(mount("tmpfs", dir, "tmpfs", 0, "size=4m"), 0);
    struct test_server s;
    memset(&s, 0, sizeof(s));
    snprintf(s.dir, sizeof(s.dir), "%s", dir);
    ck_assert_int_eq(test_server_start_again(&s, AOF_ALWAYS), 0);
    redisContext *a = test_connect(&s);
    redisContext *b = test_connect(&s);
    /* Fill the disk. */
    char filler[600];
    snprintf(filler, sizeof(filler), "%s/filler", dir);
    int fd = open(filler, O_WRONLY | O_CREAT, 0644);
    char block[1024];
    memset(block, 'z', sizeof(block));
    while (write(fd, block, sizeof(block)) == (ssize_t)sizeof(block)) {
    }
    close(fd);
    /* A writes until a reply does not come: its write is held. */
    long acked = 0;
    int held = 0;
    for (int i = 0; i < 100000 && !held; i++) {
        test_send(a, "XADD s * i %d pad %0300d", i, 1);
        if (!readable_within(a, 2000)) {
            held = 1;
            break;
        }
        redisReply *r = test_reply(a);
        ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
        freeReplyObject(r);
        acked++;
    }
    ck_assert(held);
    ck_assert(info_has(b, "aof_last_write_status:err"));
    /* Writes are refused with Redis's text; reads work. */
    redisReply *r = test_cmd(b, "XADD other * x y");
    ck_assert_int_eq(r->type, REDIS_REPLY_ERROR);
    ck_assert_str_eq(r->str, "MISCONF Errors writing to the AOF file: No space left on device");
    freeReplyObject(r);
    ck_assert_int_eq(test_int(b, "XLEN s"), acked + 1);
    /* Space returns: the held reply goes out, writes resume. */
    ck_assert_int_eq(unlink(filler), 0);
    ck_assert(readable_within(a, 5000));
    r = test_reply(a);
    ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
    freeReplyObject(r);
    acked++;
    ck_assert(info_has(b, "aof_last_write_status:ok"));
    test_ok(b, "XADD other * x y");
    redisFree(a);
    redisFree(b);
    restart(&s, AOF_ALWAYS);
    redisContext *c = test_connect(&s);
    ck_assert_int_eq(test_int(c, "XLEN s"), acked);
    ck_assert_int_eq(test_int(c, "XLEN other"), 1);
    redisFree(c);
    test_server_halt(&s, SIGTERM);
    umount2(dir, MNT_DETACH);
    test_server_stop(&s);
}
END_TEST

Suite *aof_suite(void);
Suite *aof_suite(void)
{
    Suite *s = suite_create("aof");
    TCase *tc = tcase_create("aof");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_first_start_layout);
    tcase_add_test(tc, test_round_trip_restart);
    tcase_add_test(tc, test_round_trip_rewrite);
    tcase_add_test(tc, test_round_trip_rewrite_cmds);
    tcase_add_test(tc, test_rewrite_while_writing);
    tcase_add_test(tc, test_config_set_appendonly);
    tcase_add_test(tc, test_auto_rewrite);
    tcase_add_test(tc, test_appendonly_on_off_on);
    tcase_add_test(tc, test_rewrite_waits_for_bgsave);
    tcase_add_test(tc, test_preallocation);
    tcase_add_test(tc, test_preallocation_line_end);
    tcase_add_test(tc, test_everysec_fsync_lag);
    tcase_add_test(tc, test_truncated_tail_every_byte);
    tcase_add_test(tc, test_corrupt_middle_refuses);
    tcase_add_test(tc, test_disk_full_misconf);
    suite_add_tcase(s, tc);
    /* `make crashtest` runs this case alone with 100 rounds. */
    TCase *crash = tcase_create("crash");
    tcase_set_timeout(crash, 1800);
    tcase_add_test(crash, test_crash_sigkill_always);
    tcase_add_test(crash, test_crash_during_rewrite);
    suite_add_tcase(s, crash);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(aof_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
