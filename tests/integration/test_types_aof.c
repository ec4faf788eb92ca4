/* test_types_aof.c -- strings, hashes and sets through the append-only file.
 *
 * A scripted mix of every string and hash write (SET with PX, NX and
 * KEEPTTL, INCR, INCRBYFLOAT, GETEX, APPEND, SETRANGE, HSET, HINCRBY,
 * HINCRBYFLOAT, HDEL, a hash past the listpack limits, binary names, a
 * second database) must come back the same after a restart (the incr file
 * replayed), after BGREWRITEAOF and a restart (the base written as SET and
 * HSET, or as an RDB image), and in Redis 7.0 loading Runnel's files.  The incr file must hold
 * the effects, not the requests: SET ... PXAT for a relative expiry,
 * SET ... KEEPTTL for INCRBYFLOAT, HSET for HINCRBYFLOAT, PEXPIREAT for
 * GETEX.
 *
 * Compared per key: TYPE, the value (GET; a hash's pairs sorted, since a
 * hash table's order is its own), HLEN, the hash's OBJECT ENCODING and
 * PEXPIRETIME.  A string's encoding is not compared across a rewrite: a
 * value APPEND made "raw" is written back whole by SET, as Redis does. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* The base in AOF format (aof_base.c's SET and HSET), or an RDB base (the
 * default, rdb_object.c's encodings).  No RDB snapshot at shutdown: the
 * AOF is what is tested. */
static const char *const AOF_ARGS[] = {"--appendonly", "yes", "--appendfsync", "always",
                                       "--aof-use-rdb-preamble", "no", "--save", "", NULL};
static const char *const RDB_BASE_ARGS[] = {"--appendonly", "yes", "--appendfsync", "always",
                                            "--save", "", NULL};

/* Whether the file at dir/appendonlydir/<name> contains needle (binary). */
static int file_has(const char *dir, const char *name, const char *needle)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/appendonlydir/%s", dir, name);
    size_t len;
    char *buf = test_read_file(path, &len);
    if (!buf)
        return 0;
    int found = memmem(buf, len, needle, strlen(needle)) != NULL;
    free(buf);
    return found;
}

/* The name of the base file the manifest lists ("" when none). */
static void base_name_of(const char *dir, char *out, size_t cap)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/appendonlydir/appendonly.aof.manifest", dir);
    char *m = test_read_file(path, NULL);
    out[0] = '\0';
    if (!m)
        return;
    for (char *line = strtok(m, "\n"); line; line = strtok(NULL, "\n")) {
        char name[256];
        if (strstr(line, "type b") && sscanf(line, "file %255s", name) == 1)
            snprintf(out, cap, "%s", name);
    }
    free(m);
}

/* --- The writes ------------------------------------------------------------------ */

static const char LONG_VALUE[] =
    "a value longer than hash-max-listpack-value: 0123456789012345678901234567890123456789";

static void write_types(redisContext *c)
{
    /* A lock, counters, a price, an expiring session. */
    test_ok(c, "SET lock owner-1 NX PX 100000000");
    test_ok(c, "SET counter 10");
    test_ok(c, "INCR counter");
    test_ok(c, "INCRBY counter 5");
    test_ok(c, "DECR counter");
    test_ok(c, "DECRBY counter 2");
    test_ok(c, "INCRBYFLOAT price 10.5");
    test_ok(c, "INCRBYFLOAT price 0.1");
    test_ok(c, "SET price2 3.0 EX 100000");
    test_ok(c, "INCRBYFLOAT price2 1.25");
    test_ok(c, "SETEX session 100000 token");
    test_ok(c, "PSETEX session2 100000000 token2");
    test_ok(c, "SET kept v EXAT 4000000000");
    test_ok(c, "SET kept v2 KEEPTTL");
    test_ok(c, "SET touched v");
    test_ok(c, "GETEX touched PX 200000000");
    test_ok(c, "SET persisted v EX 1000");
    test_ok(c, "GETEX persisted PERSIST");
    test_ok(c, "SET gone v");
    test_ok(c, "GETDEL gone");
    test_ok(c, "GETSET swapped old");
    test_ok(c, "GETSET swapped new");
    test_ok(c, "MSET m1 one m2 2 m3 three");
    test_ok(c, "MSETNX n1 a n2 b");
    test_ok(c, "APPEND log line1,");
    test_ok(c, "APPEND log line2,");
    test_ok(c, "SETRANGE padded 5 xyz");
    test_ok(c, "SET big 123456789012345678901234567890123456789012345678901234567890");
    test_ok(c, "SETRANGE big 0 ABC");
    test_ok(c, "SET counter2 7");
    test_ok(c, "EXPIRE counter2 100000");
    test_ok(c, "INCR counter2");

    /* Job metadata in hashes. */
    test_ok(c, "HSET job:1 state queued attempts 0 owner none");
    test_ok(c, "HINCRBY job:1 attempts 1");
    test_ok(c, "HINCRBY job:1 attempts 2");
    test_ok(c, "HINCRBYFLOAT job:1 progress 0.25");
    test_ok(c, "HINCRBYFLOAT job:1 progress 0.5");
    test_ok(c, "HSETNX job:1 created 1700000000");
    test_ok(c, "HSETNX job:1 created 1");
    test_ok(c, "HMSET job:1 state running owner w1");
    test_ok(c, "HDEL job:1 owner");
    test_ok(c, "HSET job:2 a 1 b 2");
    test_ok(c, "HDEL job:2 a b"); /* the key goes */
    test_ok(c, "HSET wide f %s", LONG_VALUE);
    /* 700 fields (past 512) in batches of 100 pairs. */
    for (int b = 0; b < 7; b++) {
        const char *argv[202];
        char words[200][24];
        argv[0] = "HSET";
        argv[1] = "many";
        for (int i = 0; i < 100; i++) {
            snprintf(words[2 * i], sizeof(words[0]), "field%d", b * 100 + i);
            snprintf(words[2 * i + 1], sizeof(words[0]), "value%d", b * 100 + i);
            argv[2 + 2 * i] = words[2 * i];
            argv[3 + 2 * i] = words[2 * i + 1];
        }
        redisReply *r = redisCommandArgv(c, 202, argv, NULL);
        ck_assert_int_eq(r->type, REDIS_REPLY_INTEGER);
        ck_assert_int_eq(r->integer, 100);
        freeReplyObject(r);
    }
    test_ok(c, "HDEL many field3 field500");
    test_ok(c, "HSET ttlhash a 1");
    test_ok(c, "PEXPIREAT ttlhash 4000000000000");

    /* Sets: an intset, a table, one past set-max-intset-entries (the base
     * writes it in SADD batches), SPOP (logged as SREM of what it
     * popped), the STORE forms (DEL + SADD) and a TTL. */
    test_ok(c, "SADD ids 1 2 3 70000 -9");
    test_ok(c, "SREM ids 2");
    test_ok(c, "SADD tags red green blue");
    test_ok(c, "SREM tags green");
    test_ok(c, "SADD popped a b c d e 1 2");
    test_ok(c, "SPOP popped 3");
    test_ok(c, "SPOP popped");
    test_ok(c, "SUNIONSTORE uni ids tags");
    test_ok(c, "SINTERSTORE inter ids ids");
    test_ok(c, "SET sdiffdst str");
    test_ok(c, "SDIFFSTORE sdiffdst ids tags");
    for (int i = 0; i < 600; i += 4)
        test_ok(c, "SADD manyints %d %d %d %d", i, i + 1, i + 2, i + 3);
    test_ok(c, "SADD ttlset x");
    test_ok(c, "PEXPIREAT ttlset 4000000000000");

    /* Binary names and values, another database. */
    test_ok(c, "SELECT 1");
    const char *sargv[] = {"SET", "bin\r\n key", "v\0w\r\n"};
    size_t slens[] = {3, 9, 5};
    redisReply *r = redisCommandArgv(c, 3, sargv, slens);
    ck_assert_int_eq(r->type, REDIS_REPLY_STATUS);
    freeReplyObject(r);
    const char *hargv[] = {"HSET", "bin\r\n hash", "f\0\r\n", "v\0"};
    size_t hlens[] = {4, 10, 4, 2};
    r = redisCommandArgv(c, 4, hargv, hlens);
    ck_assert_int_eq(r->type, REDIS_REPLY_INTEGER);
    freeReplyObject(r);
    test_ok(c, "SELECT 0");
}

/* --- The state ------------------------------------------------------------------ */

static void add_line(char **out, size_t *len, const char *label, const char *text)
{
    size_t n = strlen(label) + strlen(text) + 4;
    *out = realloc(*out, *len + n);
    *len += (size_t)sprintf(*out + *len, "%s: %s\n", label, text);
}

static int pair_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A hash's pairs as text lines, sorted. */
static char *sorted_pairs(redisContext *c, const char *key, size_t klen)
{
    const char *argv[] = {"HGETALL", key};
    size_t lens[] = {7, klen};
    redisReply *r = redisCommandArgv(c, 2, argv, lens);
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    size_t n = r->elements / 2;
    char **lines = malloc(sizeof(char *) * (n ? n : 1));
    size_t total = 1;
    for (size_t i = 0; i < n; i++) {
        char *f = test_reply_text(r->element[2 * i]);
        char *v = test_reply_text(r->element[2 * i + 1]);
        lines[i] = malloc(strlen(f) + strlen(v) + 3);
        sprintf(lines[i], "%s=%s", f, v);
        total += strlen(lines[i]) + 1;
        free(f);
        free(v);
    }
    qsort(lines, n, sizeof(char *), pair_cmp);
    char *out = malloc(total);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strcat(out, lines[i]);
        strcat(out, ";");
        free(lines[i]);
    }
    free(lines);
    freeReplyObject(r);
    return out;
}

static char *argv_text(redisContext *c, const char *cmd, const char *key, size_t klen)
{
    const char *argv[] = {cmd, key};
    size_t lens[] = {strlen(cmd), klen};
    redisReply *r = redisCommandArgv(c, 2, argv, lens);
    char *t = test_reply_text(r);
    freeReplyObject(r);
    return t;
}

struct key_ref {
    int db;
    const char *key;
    size_t klen;
};

static const struct key_ref KEYS[] = {
    {0, "lock", 4},      {0, "counter", 7},   {0, "price", 5},      {0, "price2", 6},
    {0, "session", 7},   {0, "session2", 8},  {0, "kept", 4},       {0, "touched", 7},
    {0, "persisted", 9}, {0, "gone", 4},      {0, "swapped", 7},    {0, "m1", 2},
    {0, "m2", 2},        {0, "m3", 2},        {0, "n1", 2},         {0, "n2", 2},
    {0, "log", 3},       {0, "padded", 6},    {0, "big", 3},        {0, "counter2", 8},
    {0, "job:1", 5},     {0, "job:2", 5},     {0, "wide", 4},       {0, "many", 4},
    {0, "ttlhash", 7},   {1, "bin\r\n key", 9}, {1, "bin\r\n hash", 10},
    {0, "ids", 3},       {0, "tags", 4},      {0, "popped", 6},     {0, "uni", 3},
    {0, "inter", 5},     {0, "sdiffdst", 8},  {0, "manyints", 8},   {0, "ttlset", 6},
};

/* A set's members as text, sorted (a table's order is its own). */
static char *sorted_members(redisContext *c, const char *key, size_t klen)
{
    const char *argv[] = {"SMEMBERS", key};
    size_t lens[] = {8, klen};
    redisReply *r = redisCommandArgv(c, 2, argv, lens);
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    size_t n = r->elements, total = 1;
    char **lines = malloc(sizeof(char *) * (n ? n : 1));
    for (size_t i = 0; i < n; i++) {
        lines[i] = test_reply_text(r->element[i]);
        total += strlen(lines[i]) + 1;
    }
    qsort(lines, n, sizeof(char *), pair_cmp);
    char *out = malloc(total);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strcat(out, lines[i]);
        strcat(out, ";");
        free(lines[i]);
    }
    free(lines);
    freeReplyObject(r);
    return out;
}

/* What a user sees of every key; string_encoding: include OBJECT ENCODING
 * of strings (same history only). */
static char *state_of(redisContext *c, int string_encoding)
{
    char *out = NULL;
    size_t len = 0;
    for (size_t i = 0; i < sizeof(KEYS) / sizeof(KEYS[0]); i++) {
        const struct key_ref *k = &KEYS[i];
        test_ok(c, "SELECT %d", k->db);
        char label[64];
        snprintf(label, sizeof(label), "%d %.*s", k->db, (int)(k->klen > 20 ? 20 : k->klen),
                 k->key);
        char *type = argv_text(c, "TYPE", k->key, k->klen);
        add_line(&out, &len, label, type);
        char *t;
        if (strstr(type, "set")) {
            t = sorted_members(c, k->key, k->klen);
            add_line(&out, &len, label, t);
            free(t);
            const char *argv[] = {"OBJECT", "ENCODING", k->key};
            size_t lens[] = {6, 8, k->klen};
            redisReply *r = redisCommandArgv(c, 3, argv, lens);
            t = test_reply_text(r);
            freeReplyObject(r);
            add_line(&out, &len, label, t);
            free(t);
        } else if (strstr(type, "hash")) {
            t = sorted_pairs(c, k->key, k->klen);
            add_line(&out, &len, label, t);
            free(t);
            t = argv_text(c, "HLEN", k->key, k->klen);
            add_line(&out, &len, label, t);
            free(t);
            const char *argv[] = {"OBJECT", "ENCODING", k->key};
            size_t lens[] = {6, 8, k->klen};
            redisReply *r = redisCommandArgv(c, 3, argv, lens);
            t = test_reply_text(r);
            freeReplyObject(r);
            add_line(&out, &len, label, t);
            free(t);
        } else {
            t = argv_text(c, "GET", k->key, k->klen);
            add_line(&out, &len, label, t);
            free(t);
            if (string_encoding) {
                const char *argv[] = {"OBJECT", "ENCODING", k->key};
                size_t lens[] = {6, 8, k->klen};
                redisReply *r = redisCommandArgv(c, 3, argv, lens);
                t = test_reply_text(r);
                freeReplyObject(r);
                add_line(&out, &len, label, t);
                free(t);
            }
        }
        free(type);
        t = argv_text(c, "PEXPIRETIME", k->key, k->klen);
        add_line(&out, &len, label, t);
        free(t);
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

/* --- Tests ------------------------------------------------------------------------ */

START_TEST(test_restart_keeps_types)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, AOF_ARGS), 0);
    redisContext *c = test_connect(&s);
    write_types(c);
    char *before = state_of(c, 1);
    ck_assert_ptr_nonnull(strstr(before, "hashtable"));
    ck_assert_ptr_nonnull(strstr(before, "listpack"));
    redisFree(c);
    restart(&s, AOF_ARGS);
    c = test_connect(&s);
    char *after = state_of(c, 1);
    test_assert_same(before, after);
    /* Writes go on after the restart. */
    ck_assert_int_eq(test_int(c, "INCR counter"), 14);
    redisFree(c);
    free(before);
    free(after);
    test_server_stop(&s);
}
END_TEST

START_TEST(test_incr_file_holds_effects)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, AOF_ARGS), 0);
    redisContext *c = test_connect(&s);
    write_types(c);
    redisFree(c);
    /* The incr file of the first start is number 1. */
    const char *name = "appendonly.aof.1.incr.aof";
    ck_assert(file_has(s.dir, name, "$4\r\nPXAT\r\n"));
    ck_assert(file_has(s.dir, name, "$7\r\nKEEPTTL\r\n"));
    ck_assert(file_has(s.dir, name, "$9\r\nPEXPIREAT\r\n$7\r\ntouched\r\n"));
    ck_assert(file_has(s.dir, name, "$7\r\nPERSIST\r\n$9\r\npersisted\r\n"));
    ck_assert(file_has(s.dir, name, "$3\r\nDEL\r\n$4\r\ngone\r\n"));
    /* INCRBYFLOAT as SET <result> KEEPTTL; HINCRBYFLOAT as HSET <result>. */
    ck_assert(file_has(s.dir, name,
                       "$3\r\nSET\r\n$5\r\nprice\r\n$4\r\n10.6\r\n$7\r\nKEEPTTL\r\n"));
    ck_assert(file_has(s.dir, name,
                       "$4\r\nHSET\r\n$5\r\njob:1\r\n$8\r\nprogress\r\n$4\r\n0.75\r\n"));
    /* Relative times never reach the file. */
    ck_assert(!file_has(s.dir, name, "$2\r\nPX\r\n"));
    ck_assert(!file_has(s.dir, name, "$5\r\nSETEX\r\n"));
    ck_assert(!file_has(s.dir, name, "$11\r\nINCRBYFLOAT\r\n"));
    ck_assert(!file_has(s.dir, name, "$5\r\nGETEX\r\n"));
    test_server_stop(&s);
}
END_TEST

static void rewrite_round_trip(const char *const *args, int rdb_base)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, args), 0);
    redisContext *c = test_connect(&s);
    write_types(c);
    char *before = state_of(c, 0);
    rewrite(c);
    redisFree(c);
    char base[256];
    base_name_of(s.dir, base, sizeof(base));
    if (rdb_base) {
        ck_assert_msg(strstr(base, ".base.rdb"), "base file: %s", base);
    } else {
        ck_assert_msg(strstr(base, ".base.aof"), "base file: %s", base);
        ck_assert(file_has(s.dir, base, "$3\r\nSET\r\n$7\r\ncounter\r\n$2\r\n13\r\n"));
        ck_assert(file_has(s.dir, base, "$4\r\nHSET\r\n$5\r\njob:1\r\n"));
        ck_assert(file_has(s.dir, base, "$9\r\nPEXPIREAT\r\n$4\r\nlock\r\n"));
    }
    restart(&s, args);
    c = test_connect(&s);
    char *after = state_of(c, 0);
    test_assert_same(before, after);
    redisFree(c);
    free(before);
    free(after);
    test_server_stop(&s);
}

START_TEST(test_rewrite_keeps_types)
{
    rewrite_round_trip(AOF_ARGS, 0);
}
END_TEST

START_TEST(test_rewrite_rdb_base_keeps_types)
{
    rewrite_round_trip(RDB_BASE_ARGS, 1);
}
END_TEST

/* Redis 7.0 loads the files Runnel wrote (incr only, then base + incr). */
static void redis_loads(int with_rewrite, const char *const *args)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, args), 0);
    redisContext *c = test_connect(&s);
    write_types(c);
    if (with_rewrite) {
        rewrite(c);
        test_ok(c, "HSET job:1 after rewrite");
        test_ok(c, "INCRBYFLOAT price 1");
    }
    char *ours = state_of(c, 0);
    redisFree(c);
    ck_assert_int_eq(test_server_halt(&s, SIGTERM), 0);
    struct test_oracle o;
    ck_assert_int_eq(test_oracle_start(&o, s.dir, args), 0);
    c = test_oracle_connect(&o);
    char *theirs = state_of(c, 0);
    redisFree(c);
    test_oracle_stop(&o);
    test_assert_same(ours, theirs);
    free(ours);
    free(theirs);
    test_server_stop(&s);
}

START_TEST(test_redis_loads_incr)
{
    redis_loads(0, AOF_ARGS);
}
END_TEST

START_TEST(test_redis_loads_base)
{
    redis_loads(1, AOF_ARGS);
}
END_TEST

START_TEST(test_redis_loads_rdb_base)
{
    redis_loads(1, RDB_BASE_ARGS);
}
END_TEST

static Suite *types_aof_suite(void)
{
    Suite *s = suite_create("types_aof");
    TCase *tc = tcase_create("aof");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_restart_keeps_types);
    tcase_add_test(tc, test_incr_file_holds_effects);
    tcase_add_test(tc, test_rewrite_keeps_types);
    tcase_add_test(tc, test_rewrite_rdb_base_keeps_types);
    tcase_add_test(tc, test_redis_loads_incr);
    tcase_add_test(tc, test_redis_loads_base);
    tcase_add_test(tc, test_redis_loads_rdb_base);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(types_aof_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
