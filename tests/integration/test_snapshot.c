/* test_snapshot.c -- RDB snapshots against a real server process.
 *
 * Round trips (SAVE, BGSAVE, SIGTERM's final save, DEBUG RELOAD) compare
 * everything XINFO STREAM FULL, XRANGE, XPENDING and PEXPIRETIME show
 * before and after, over several databases.  Interop: Redis 7.0 (the
 * oracle) loads Runnel's dump.rdb, Runnel loads Redis's, DUMP payloads go
 * both ways through RESTORE, and redis-check-rdb accepts Runnel's file.
 * Damaged files (cut, bytes flipped) must stop start-up with a message and
 * an exit status, never a signal.  Then the rules around saving: save
 * rules firing, SHUTDOWN SAVE/NOSAVE/FORCE, LASTSAVE, -MISCONF after a
 * failed BGSAVE, one child at a time, and the dirty counter's rules. */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static const char *const NO_RULES[] = {"--save", "", NULL};

/* After SHUTDOWN: wait for the process to exit by itself (a SIGTERM now
 * could land while it tears its signal handling down); its exit status. */
static int wait_exit(struct test_server *s)
{
    int st = 0;
    for (int i = 0; i < 5000; i++) {
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            s->pid = 0;
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        }
        test_sleep_ms(2);
    }
    return test_server_halt(s, SIGKILL);
}

static void dump_path(const char *dir, char *out, size_t cap)
{
    snprintf(out, cap, "%s/dump.rdb", dir);
}

static void append_cmd(char **out, size_t *len, redisContext *c, const char *label,
                       const char *fmt, const char *key)
{
    char *t = test_cmd_text(c, fmt, key);
    char *line = malloc(strlen(t) + strlen(label) + strlen(key) + 8);
    sprintf(line, "%s %s: %s", label, key, t);
    test_text_append(out, len, line);
    free(line);
    free(t);
}

/* --- The dataset ------------------------------------------------------------ */

static const char *const KEYS0[] = {"jobs", "audit", "empty", "ttl", "big", NULL};
static const char *const KEYS1[] = {"bin\r\n key", "other", NULL};
/* Strings and hashes in db 0 (a listpack hash and a table). */
static const char *const TKEYS[] = {"counter", "greeting", "small", "wide", NULL};

static void fill_types(redisContext *c)
{
    test_ok(c, "SET counter 42");
    test_ok(c, "SET greeting %s", "hello, a string long enough to be raw and compressed: "
                                  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    test_ok(c, "PEXPIRE greeting 100000000");
    test_ok(c, "HSET small a 1 b two c 3.5");
    for (int i = 0; i < 199; i++)
        test_ok(c, "HSET wide f%d v%d", i, i * 7);
    /* A value past hash-max-listpack-value: a table. */
    test_ok(c, "HSET wide f199 %s", "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv");
}

/* What a string or hash shows, order-free (a table's order is its seed's). */
static char *types_view(redisContext *c, const char *key)
{
    char *out = NULL;
    size_t len = 0;
    append_cmd(&out, &len, c, "type", "TYPE %s", key);
    append_cmd(&out, &len, c, "encoding", "OBJECT ENCODING %s", key);
    append_cmd(&out, &len, c, "expire", "PEXPIRETIME %s", key);
    redisReply *t = test_cmd(c, "TYPE %s", key);
    if (strcmp(t->str, "string") == 0) {
        append_cmd(&out, &len, c, "get", "GET %s", key);
    } else {
        append_cmd(&out, &len, c, "hlen", "HLEN %s", key);
        static const char *const fields[] = {"a", "b", "c", "f0", "f77", "f199"};
        for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
            char *v = test_cmd_text(c, "HGET %s %s", key, fields[i]);
            test_text_append(&out, &len, v);
            free(v);
        }
    }
    freeReplyObject(t);
    return out;
}

static char *types_all(redisContext *c)
{
    char *all = NULL;
    size_t len = 0;
    for (int i = 0; TKEYS[i]; i++) {
        char *v = types_view(c, TKEYS[i]);
        test_text_append(&all, &len, v);
        free(v);
    }
    return all;
}

/* Streams with everything a snapshot carries, in dbs 0, 1 and 3. */
static void fill(redisContext *c)
{
    test_ok(c, "XADD jobs 1-1 type email to a");
    test_ok(c, "XADD jobs 1-2 type email to b");
    test_ok(c, "XADD jobs 2-0 type sms n 42");
    test_ok(c, "XADD jobs 3-0 type push n 24.5");
    test_ok(c, "XGROUP CREATE jobs g 0");
    test_ok(c, "XGROUP CREATE jobs late $");
    test_ok(c, "XREADGROUP GROUP g alice COUNT 2 STREAMS jobs >");
    test_ok(c, "XREADGROUP GROUP g bob COUNT 1 STREAMS jobs >");
    test_ok(c, "XACK jobs g 1-1");
    test_ok(c, "XCLAIM jobs g bob 0 1-2");
    test_ok(c, "XGROUP CREATECONSUMER jobs g erin");
    test_ok(c, "XDEL jobs 2-0");
    for (int i = 0; i < 30; i++)
        test_ok(c, "XADD audit %d-1 event e%d user u%d", i + 1, i, i % 3);
    test_ok(c, "XTRIM audit MAXLEN 20");
    test_ok(c, "XADD empty 5-5 f v");
    test_ok(c, "XDEL empty 5-5");
    test_ok(c, "XSETID empty 9-9 ENTRIESADDED 7 MAXDELETEDID 8-8");
    test_ok(c, "XADD ttl 1-1 f v");
    test_ok(c, "PEXPIRE ttl 100000000");
    /* Enough to span many nodes, with compressible and integer values. */
    for (int i = 0; i < 600; i++)
        test_ok(c, "XADD big %d-%d sensor s-%d temp %d note aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa%d",
                i / 7 + 1, i % 7, i % 5, i * 3, i % 2);
    test_ok(c, "XGROUP CREATE big readers 0");
    test_ok(c, "XREADGROUP GROUP readers r1 COUNT 250 STREAMS big >");
    test_ok(c, "SELECT 1");
    test_ok(c, "XADD %b 1-1 %b v", "bin\r\n key", (size_t)10, "f\0x", (size_t)3);
    test_ok(c, "XADD other 1-1 f v");
    test_ok(c, "XGROUP CREATE other g $");
    test_ok(c, "SELECT 3");
    test_ok(c, "XADD three 7-7 f v");
    test_ok(c, "SELECT 0");
    fill_types(c);
}

/* Everything the keys show, in every db used (exact: no relative times). */
static char *state_of(redisContext *c)
{
    char *out = NULL;
    size_t len = 0;
    for (int db = 0; db < 4; db++) {
        test_ok(c, "SELECT %d", db);
        char *t = test_cmd_text(c, "DBSIZE");
        test_text_append(&out, &len, t);
        free(t);
        const char *const *keys = db == 0 ? KEYS0 : db == 1 ? KEYS1 : NULL;
        const char *const three[] = {"three", NULL};
        if (db == 3)
            keys = three;
        for (int k = 0; keys && keys[k]; k++) {
            append_cmd(&out, &len, c, "type", "TYPE %s", keys[k]);
            append_cmd(&out, &len, c, "xrange", "XRANGE %s - +", keys[k]);
            append_cmd(&out, &len, c, "full", "XINFO STREAM %s FULL", keys[k]);
            append_cmd(&out, &len, c, "groups", "XINFO GROUPS %s", keys[k]);
            append_cmd(&out, &len, c, "pending", "XPENDING %s g", keys[k]);
            append_cmd(&out, &len, c, "expire", "PEXPIRETIME %s", keys[k]);
        }
    }
    test_ok(c, "SELECT 0");
    char *t = types_all(c);
    test_text_append(&out, &len, t);
    free(t);
    return out;
}

/* --- Round trips -------------------------------------------------------------- */

START_TEST(test_save_restart)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, NO_RULES), 0);
    redisContext *c = test_connect(&s);
    fill(c);
    ck_assert_int_gt(test_info_ll(c, "rdb_changes_since_last_save"), 0);
    test_ok(c, "SAVE");
    ck_assert_int_eq(test_info_ll(c, "rdb_changes_since_last_save"), 0);
    ck_assert_int_eq(test_info_ll(c, "rdb_saves"), 1);
    char *before = state_of(c);
    redisFree(c);
    test_server_halt(&s, SIGKILL);
    ck_assert_int_eq(test_server_start_again(&s, NO_RULES), 0);
    c = test_connect(&s);
    char *after = state_of(c);
    test_assert_same(before, after);
    ck_assert_int_eq(test_info_ll(c, "rdb_changes_since_last_save"), 0);
    ck_assert_int_eq(test_info_ll(c, "rdb_last_load_keys_loaded"), 12);
    /* The file is one redis-check-rdb accepts. */
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "redis-check-rdb '%s/dump.rdb' > '%s/check.log' 2>&1", s.dir,
             s.dir);
    ck_assert_int_eq(system(cmd), 0);
    free(before);
    free(after);
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

/* The server's open files that were deleted: a replaced dump.rdb the
 * background close has not closed yet. */
static int deleted_fds(pid_t pid)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "/proc/%ld/fd", (long)pid);
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[400], target[600];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        ssize_t len = readlink(path, target, sizeof(target) - 1);
        if (len > 0) {
            target[len] = '\0';
            n += strstr(target, "(deleted)") != NULL;
        }
    }
    closedir(d);
    return n;
}

/* SAVE over an existing dump.rdb closes the replaced file off the loop;
 * it must still be closed (no descriptor or disk space held), every time,
 * and the new file is the one in place. */
START_TEST(test_save_replaces_file)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, NO_RULES), 0);
    redisContext *c = test_connect(&s);
    fill(c);
    int before = deleted_fds(s.pid); /* the harness's own, if any */
    for (int i = 0; i < 5; i++) {
        test_ok(c, "XADD more * n %d", i);
        test_ok(c, "SAVE");
    }
    long long t0 = test_mono_ms();
    while (deleted_fds(s.pid) > before && test_mono_ms() - t0 < 5000)
        test_sleep_ms(10);
    ck_assert_int_eq(deleted_fds(s.pid), before);
    redisFree(c);
    test_server_halt(&s, SIGKILL);
    ck_assert_int_eq(test_server_start_again(&s, NO_RULES), 0);
    c = test_connect(&s);
    ck_assert_int_eq(test_int(c, "XLEN more"), 5);
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

START_TEST(test_bgsave_restart)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, NO_RULES), 0);
    redisContext *c = test_connect(&s);
    fill(c);
    char *before = state_of(c);
    redisReply *r = test_cmd(c, "BGSAVE");
    ck_assert_str_eq(r->str, "Background saving started");
    freeReplyObject(r);
    ck_assert_int_eq(test_wait_info(c, "rdb_saves", 1, 10000), 0);
    ck_assert_int_eq(test_info_ll(c, "rdb_bgsave_in_progress"), 0);
    ck_assert_int_eq(test_info_ll(c, "total_forks"), 1);
    ck_assert_int_gt(test_info_ll(c, "latest_fork_usec"), 0);
    ck_assert_int_eq(test_info_ll(c, "rdb_changes_since_last_save"), 0);
    /* Written after the snapshot: not in it. */
    test_ok(c, "XADD jobs 9-9 late write");
    ck_assert_int_eq(test_info_ll(c, "rdb_changes_since_last_save"), 1);
    redisFree(c);
    test_server_halt(&s, SIGKILL);
    ck_assert_int_eq(test_server_start_again(&s, NO_RULES), 0);
    c = test_connect(&s);
    char *after = state_of(c);
    test_assert_same(before, after);
    free(before);
    free(after);
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

/* DEBUG RELOAD saves and loads in place; DEBUG OBJECT; the option's modes. */
START_TEST(test_debug_reload)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, NO_RULES), 0);
    redisContext *c = test_connect(&s);
    fill(c);
    char *before = state_of(c);
    test_ok(c, "DEBUG RELOAD");
    char *after = state_of(c);
    test_assert_same(before, after);
    redisReply *r = test_cmd(c, "DEBUG OBJECT jobs");
    ck_assert_int_eq(r->type, REDIS_REPLY_STATUS);
    ck_assert_msg(strncmp(r->str, "Value at:", 9) == 0 &&
                      strstr(r->str, " refcount:1 encoding:stream serializedlength:") &&
                      strstr(r->str, " lru_seconds_idle:"),
                  "%s", r->str);
    freeReplyObject(r);
    r = test_cmd(c, "DEBUG OBJECT nokey");
    ck_assert_str_eq(r->str, "ERR no such key");
    freeReplyObject(r);
    r = test_cmd(c, "DEBUG RELOAD BOGUS");
    ck_assert_str_eq(r->str, "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
    freeReplyObject(r);
    /* NOSAVE: what the file holds comes back; later writes go. */
    test_ok(c, "XADD jobs 9-9 not saved");
    test_ok(c, "DEBUG RELOAD NOSAVE");
    char *again = state_of(c);
    test_assert_same(before, again);
    free(before);
    free(after);
    free(again);
    redisFree(c);
    test_server_stop(&s);

    static const char *const no_debug[] = {"--save", "", "--enable-debug-command", "no", NULL};
    ck_assert_int_eq(test_server_start(&s, no_debug), 0);
    c = test_connect(&s);
    r = test_cmd(c, "DEBUG RELOAD");
    ck_assert_str_eq(r->str, "ERR DEBUG command not allowed. If the enable-debug-command option "
                             "is set to \"local\", you can run it from a local connection, "
                             "otherwise you need to set this option in the configuration file, "
                             "and then restart the server.");
    freeReplyObject(r);
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

/* State Redis 7.0 cannot carry makes the file the version that introduced
 * it (IDMP: 13, released records: 14), says so in the log, and survives. */
START_TEST(test_newer_state_versions)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, NO_RULES), 0);
    redisContext *c = test_connect(&s);
    test_ok(c, "XADD plain 1-1 f v");
    test_ok(c, "SAVE");
    char path[400];
    dump_path(s.dir, path, sizeof(path));
    char *file = test_read_file(path, NULL);
    ck_assert_int_eq(memcmp(file, "REDIS0010", 9), 0);
    free(file);
    redisReply *r = test_cmd(c, "XADD jobs IDMP producer-7 order-1 * task a");
    ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
    char id[64];
    snprintf(id, sizeof(id), "%s", r->str);
    freeReplyObject(r);
    test_ok(c, "SAVE");
    file = test_read_file(path, NULL);
    ck_assert_int_eq(memcmp(file, "REDIS0013", 9), 0);
    free(file);
    test_ok(c, "XGROUP CREATE jobs g 0");
    test_ok(c, "XREADGROUP GROUP g alice STREAMS jobs >");
    test_ok(c, "XNACK jobs g FAIL IDS 1 %s", id);
    /* A retry answered from the map: iids-duplicates 1 must survive too. */
    r = test_cmd(c, "XADD jobs IDMP producer-7 order-1 * task a");
    ck_assert_str_eq(r->str, id);
    freeReplyObject(r);
    test_ok(c, "SAVE");
    file = test_read_file(path, NULL);
    ck_assert_int_eq(memcmp(file, "REDIS0014", 9), 0);
    free(file);
    char *log = test_read_file(s.log, NULL);
    ck_assert_msg(strstr(log, "RDB written as version 14"), "no version line in the log");
    free(log);
    char *before = test_cmd_text(c, "XINFO STREAM jobs FULL");
    redisFree(c);
    test_server_halt(&s, SIGKILL);
    ck_assert_int_eq(test_server_start_again(&s, NO_RULES), 0);
    c = test_connect(&s);
    char *after = test_cmd_text(c, "XINFO STREAM jobs FULL");
    test_assert_same(before, after);
    /* The retry of a recorded IDMP pair still answers the first ID. */
    r = test_cmd(c, "XADD jobs IDMP producer-7 order-1 * task a");
    ck_assert_str_eq(r->str, id);
    freeReplyObject(r);
    free(before);
    free(after);
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

/* --- Interop with Redis 7.0 --------------------------------------------------- */

/* What both versions show the same way (not the 7.2+ fields, not times a
 * load sets). */
static char *portable_view(redisContext *c, const char *key)
{
    static const char *const gfields[] = {"name", "last-delivered-id", "entries-read", "lag",
                                          "pel-count", "pending", NULL};
    static const char *const cfields[] = {"name", "seen-time", "pel-count", "pending", NULL};
    return test_stream_view(c, key, gfields, cfields);
}

static char *types_all(redisContext *c);

static char *portable_all(redisContext *c)
{
    char *all = NULL;
    size_t len = 0;
    char *t = types_all(c);
    test_text_append(&all, &len, t);
    free(t);
    for (int db = 0; db < 2; db++) {
        test_ok(c, "SELECT %d", db);
        const char *const *keys = db == 0 ? KEYS0 : KEYS1;
        for (int i = 0; keys[i]; i++) {
            char *v = portable_view(c, keys[i]);
            test_text_append(&all, &len, v);
            free(v);
        }
    }
    test_ok(c, "SELECT 0");
    return all;
}

START_TEST(test_redis_loads_runnel)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, NO_RULES), 0);
    redisContext *c = test_connect(&s);
    fill(c);
    test_ok(c, "SAVE");
    char *ours = portable_all(c);
    redisFree(c);
    ck_assert_int_eq(test_server_halt(&s, SIGTERM), 0);
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "redis-check-rdb '%s/dump.rdb' > '%s/check.log' 2>&1", s.dir,
             s.dir);
    ck_assert_msg(system(cmd) == 0, "redis-check-rdb rejected Runnel's dump.rdb");
    struct test_oracle o;
    ck_assert_int_eq(test_oracle_start(&o, s.dir, NULL), 0);
    c = test_oracle_connect(&o);
    char *theirs = portable_all(c);
    ck_assert_int_eq(test_info_ll(c, "rdb_last_load_keys_loaded"), 12);
    redisFree(c);
    test_oracle_stop(&o);
    test_assert_same(ours, theirs);
    free(ours);
    free(theirs);
    test_server_stop(&s);
}
END_TEST

START_TEST(test_runnel_loads_redis)
{
    char dir[] = "/tmp/runnel-rdb-interop-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    struct test_oracle o;
    ck_assert_int_eq(test_oracle_start(&o, dir, NULL), 0);
    redisContext *c = test_oracle_connect(&o);
    fill(c);
    /* A list and a set (loaded), and a type Runnel does not serve:
     * skipped, counted in the log. */
    test_ok(c, "RPUSH l a b c");
    test_ok(c, "SADD st 1 2 3");
    test_ok(c, "ZADD z 1 a 2 b");
    test_ok(c, "SAVE");
    redisFree(c);
    test_oracle_stop(&o);
    /* What Redis itself makes of its file (a consumer's seen-time is the
     * saved one in 7.0). */
    ck_assert_int_eq(test_oracle_start(&o, dir, NULL), 0);
    c = test_oracle_connect(&o);
    char *theirs = portable_all(c);
    redisFree(c);
    test_oracle_stop(&o);
    struct test_server s;
    memset(&s, 0, sizeof(s));
    snprintf(s.dir, sizeof(s.dir), "%s", dir);
    ck_assert_int_eq(test_server_start_again(&s, NO_RULES), 0);
    c = test_connect(&s);
    char *ours = portable_all(c);
    test_assert_same(theirs, ours);
    ck_assert_int_eq(test_info_ll(c, "rdb_last_load_keys_loaded"), 14);
    ck_assert_int_eq(test_int(c, "LLEN l"), 3);
    redisFree(c);
    size_t loglen;
    char *log = test_read_file(s.log, &loglen);
    char *w = strstr(log, "Skipped 1 key(s) of types Runnel does not serve (");
    ck_assert_msg(w && strstr(w, "zset 1"),
                  "no skip warning in the log");
    free(log);
    free(ours);
    free(theirs);
    test_server_stop(&s);
}
END_TEST

/* The payload of key on one server, RESTOREd on the other with args. */
static void carry(redisContext *from, redisContext *to, const char *key, const char *args)
{
    redisReply *d = test_cmd(from, "DUMP %s", key);
    ck_assert_int_eq(d->type, REDIS_REPLY_STRING);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "RESTORE %%s %%s %%b %s", args);
    redisReply *r = test_cmd(to, cmd, key, strstr(args, "ABSTTL") ? "4102444800000" : "0", d->str,
                             d->len);
    ck_assert_msg(r->type == REDIS_REPLY_STATUS, "RESTORE %s: %s", key, r->str);
    freeReplyObject(r);
    freeReplyObject(d);
}

START_TEST(test_dump_restore_both_ways)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, NO_RULES), 0);
    struct test_oracle o;
    ck_assert_int_eq(test_oracle_start(&o, s.dir, NULL), 0);
    redisContext *rn = test_connect(&s);
    redisContext *rd = test_oracle_connect(&o);
    fill(rn);
    /* Runnel's payloads into Redis (jobs, empty, big with an absolute TTL). */
    for (int i = 0; KEYS0[i]; i++)
        carry(rn, rd, KEYS0[i], i % 2 ? "REPLACE IDLETIME 5" : "REPLACE ABSTTL");
    ck_assert_int_eq(test_int(rd, "PEXPIRETIME big"), 4102444800000LL);
    char *a = portable_view(rn, "jobs"), *b = portable_view(rd, "jobs");
    char *pa = strstr(a, "pexpiretime"), *pb = strstr(b, "pexpiretime");
    *pa = *pb = '\0';
    test_assert_same(a, b);
    free(a);
    free(b);
    test_ok(rd, "PERSIST jobs");
    test_ok(rd, "PERSIST empty");
    test_ok(rd, "PERSIST big");
    /* And back: Redis's payloads into Runnel, replacing (no TTL). */
    for (int i = 0; KEYS0[i]; i++)
        carry(rd, rn, KEYS0[i], "REPLACE FREQ 3");
    for (int i = 0; KEYS0[i]; i++) {
        a = portable_view(rn, KEYS0[i]);
        b = portable_view(rd, KEYS0[i]);
        test_assert_same(a, b);
        free(a);
        free(b);
    }
    /* Strings and hashes, there and back. */
    test_ok(rn, "PERSIST greeting");
    for (int i = 0; TKEYS[i]; i++)
        carry(rn, rd, TKEYS[i], "REPLACE");
    for (int i = 0; TKEYS[i]; i++)
        carry(rd, rn, TKEYS[i], "REPLACE");
    a = types_all(rn);
    b = types_all(rd);
    test_assert_same(a, b);
    free(a);
    free(b);
    /* The errors match, byte for byte. */
    static const char *const errs[] = {"RESTORE jobs 0 x", "RESTORE newkey 0 x",
                                       "RESTORE newkey -5 x", "RESTORE newkey 0 x IDLETIME -1",
                                       "RESTORE newkey 0 x FREQ 300", "RESTORE newkey 0 x ABSTTL X",
                                       NULL};
    for (int i = 0; errs[i]; i++) {
        char *x = test_cmd_text(rn, errs[i]), *y = test_cmd_text(rd, errs[i]);
        ck_assert_msg(strcmp(x, y) == 0, "%s: %s vs %s", errs[i], x, y);
        free(x);
        free(y);
    }
    redisFree(rn);
    redisFree(rd);
    test_oracle_stop(&o);
    test_server_stop(&s);
}
END_TEST

/* --- Damaged files -------------------------------------------------------------- */

/* Start the server on dir and wait for it to exit: its exit status, or
 * 128 + the signal that killed it, or -1 if it is still running after 10 s
 * (then killed). */
static int run_to_exit(const char *dir)
{
    const char *bin = getenv("RUNNEL_SERVER");
    if (!bin)
        bin = "src/runnel-server";
    char logf[400];
    snprintf(logf, sizeof(logf), "%s/start.log", dir);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(logf, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execl(bin, bin, "--port", "0", "--unixsocket", "", "--dir", dir, "--save", "",
              (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 5000; i++) {
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        test_sleep_ms(2);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

START_TEST(test_damaged_file_refuses_start)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, NO_RULES), 0);
    redisContext *c = test_connect(&s);
    test_ok(c, "XADD jobs 1-1 type email to a");
    test_ok(c, "XADD jobs 2-1 type sms n 42");
    test_ok(c, "XGROUP CREATE jobs g 0");
    test_ok(c, "XREADGROUP GROUP g alice STREAMS jobs >");
    test_ok(c, "SELECT 2");
    test_ok(c, "XADD other 5-5 f v");
    test_ok(c, "SAVE");
    redisFree(c);
    test_server_halt(&s, SIGKILL);
    char path[400];
    dump_path(s.dir, path, sizeof(path));
    size_t len;
    char *good = test_read_file(path, &len);
    ck_assert_uint_gt(len, 60);
    char logf[400];
    snprintf(logf, sizeof(logf), "%s/start.log", s.dir);
    /* Cut at spread offsets, then bit flips at spread offsets. */
    for (int round = 0; round < 2; round++) {
        for (size_t k = 1; k <= 12; k++) {
            size_t at = (len - 1) * k / 13;
            char *bad = malloc(len);
            memcpy(bad, good, len);
            if (round == 0) {
                test_write_file(path, bad, at);
            } else {
                bad[at] ^= (char)(1u << (k % 8));
                test_write_file(path, bad, len);
            }
            free(bad);
            int st = run_to_exit(s.dir);
            char *log = test_read_file(logf, NULL);
            ck_assert_msg(st == 1, "%s at %zu: exit %d\n%s", round ? "flip" : "cut", at, st, log);
            ck_assert_msg(strstr(log, "Fatal error loading the DB: "), "%s", log);
            free(log);
        }
    }
    /* The good file still loads. */
    test_write_file(path, good, len);
    ck_assert_int_eq(test_server_start_again(&s, NO_RULES), 0);
    c = test_connect(&s);
    ck_assert_int_eq(test_int(c, "XLEN jobs"), 2);
    redisFree(c);
    free(good);
    test_server_stop(&s);
}
END_TEST

/* --- Saving rules ------------------------------------------------------------------ */

START_TEST(test_save_rule_fires)
{
    static const char *const rules[] = {"--save", "1 1", NULL};
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, rules), 0);
    redisContext *c = test_connect(&s);
    long long t0 = test_info_ll(c, "rdb_last_save_time");
    ck_assert_int_eq(test_int(c, "LASTSAVE"), t0);
    test_ok(c, "XADD s 1-1 f v");
    /* More than one second after the last save, with one change. */
    ck_assert_int_eq(test_wait_info(c, "rdb_saves", 1, 5000), 0);
    ck_assert_int_eq(test_wait_info(c, "rdb_last_save_time", t0 + 1, 5000), 0);
    ck_assert_int_eq(test_info_ll(c, "rdb_changes_since_last_save"), 0);
    ck_assert_int_gt(test_int(c, "LASTSAVE"), t0);
    struct stat st;
    char path[400];
    dump_path(s.dir, path, sizeof(path));
    ck_assert_int_eq(stat(path, &st), 0);
    /* No change, no save. */
    test_sleep_ms(1300);
    ck_assert_int_eq(test_info_ll(c, "rdb_saves"), 1);
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

START_TEST(test_shutdown_and_sigterm)
{
    static const char *const rules[] = {"--save", "3600 1", NULL};
    struct test_server s;
    char path[400];
    /* SIGTERM with save rules: the final save. */
    ck_assert_int_eq(test_server_start(&s, rules), 0);
    dump_path(s.dir, path, sizeof(path));
    redisContext *c = test_connect(&s);
    test_ok(c, "XADD s 1-1 f v");
    redisFree(c);
    ck_assert_int_eq(test_server_halt(&s, SIGTERM), 0);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    /* SHUTDOWN NOSAVE: the change after the snapshot is lost. */
    ck_assert_int_eq(test_server_start_again(&s, rules), 0);
    c = test_connect(&s);
    ck_assert_int_eq(test_int(c, "XLEN s"), 1);
    test_ok(c, "XADD s 2-1 f v");
    redisReply *r = test_cmd(c, "SHUTDOWN NOSAVE");
    if (r)
        freeReplyObject(r);
    redisFree(c);
    ck_assert_int_eq(wait_exit(&s), 0);
    /* No rules: SIGTERM and SHUTDOWN do not save, SHUTDOWN SAVE does. */
    ck_assert_int_eq(test_server_start_again(&s, NO_RULES), 0);
    c = test_connect(&s);
    ck_assert_int_eq(test_int(c, "XLEN s"), 1);
    test_ok(c, "XADD s 3-1 f v");
    r = test_cmd(c, "SHUTDOWN SAVE NOSAVE");
    ck_assert_str_eq(r->str, "ERR syntax error");
    freeReplyObject(r);
    r = test_cmd(c, "SHUTDOWN ABORT");
    ck_assert_str_eq(r->str, "ERR No shutdown in progress.");
    freeReplyObject(r);
    r = test_cmd(c, "SHUTDOWN SAVE");
    if (r)
        freeReplyObject(r);
    redisFree(c);
    ck_assert_int_eq(wait_exit(&s), 0);
    ck_assert_int_eq(test_server_start_again(&s, NO_RULES), 0);
    c = test_connect(&s);
    ck_assert_int_eq(test_int(c, "XLEN s"), 2);
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

static const char MISCONF[] =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to "
    "disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the "
    "RDB error.";

/* dump.rdb made a directory: the rename fails, even for root. */
START_TEST(test_bgsave_error_misconf)
{
    static const char *const rules[] = {"--save", "3600 1", NULL};
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, rules), 0);
    char path[400];
    dump_path(s.dir, path, sizeof(path));
    ck_assert_int_eq(mkdir(path, 0755), 0);
    redisContext *c = test_connect(&s);
    test_ok(c, "XADD s 1-1 f v");
    test_ok(c, "BGSAVE");
    for (int i = 0; i < 1000 && test_info_ll(c, "rdb_bgsave_in_progress"); i++)
        test_sleep_ms(5);
    char *st = test_cmd_text(c, "INFO persistence");
    ck_assert_msg(strstr(st, "rdb_last_bgsave_status:err"), "%s", st);
    free(st);
    redisReply *r = test_cmd(c, "XADD s 2-1 f v");
    ck_assert_int_eq(r->type, REDIS_REPLY_ERROR);
    ck_assert_str_eq(r->str, MISCONF);
    freeReplyObject(r);
    r = test_cmd(c, "PING");
    ck_assert_str_eq(r->str, MISCONF);
    freeReplyObject(r);
    ck_assert_int_eq(test_int(c, "XLEN s"), 1);
    r = test_cmd(c, "SAVE");
    ck_assert_str_eq(r->str, "ERR");
    freeReplyObject(r);
    /* SHUTDOWN cannot save: it answers an error and stays up. */
    r = test_cmd(c, "SHUTDOWN");
    ck_assert_str_eq(r->str, "ERR Errors trying to SHUTDOWN. Check logs.");
    freeReplyObject(r);
    /* no: writes go on despite the error. */
    test_ok(c, "CONFIG SET stop-writes-on-bgsave-error no");
    test_ok(c, "XADD s 2-1 f v");
    test_ok(c, "CONFIG SET stop-writes-on-bgsave-error yes");
    ck_assert_int_eq(rmdir(path), 0);
    test_ok(c, "SAVE");
    test_ok(c, "XADD s 3-1 f v");
    test_ok(c, "PING");
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

/* One BGSAVE at a time; SAVE waits for none; SHUTDOWN kills the child. */
START_TEST(test_bgsave_in_progress)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, NO_RULES), 0);
    redisContext *c = test_connect(&s);
    for (int i = 0; i < 20; i++)
        test_ok(c, "XADD k%d 1-1 f v", i);
    test_ok(c, "CONFIG SET rdb-key-save-delay 100000");
    test_ok(c, "BGSAVE");
    ck_assert_int_eq(test_info_ll(c, "rdb_bgsave_in_progress"), 1);
    redisReply *r = test_cmd(c, "BGSAVE");
    ck_assert_str_eq(r->str, "ERR Background save already in progress");
    freeReplyObject(r);
    r = test_cmd(c, "BGSAVE SCHEDULE");
    ck_assert_str_eq(r->str, "ERR Background save already in progress");
    freeReplyObject(r);
    r = test_cmd(c, "SAVE");
    ck_assert_str_eq(r->str, "ERR Background save already in progress");
    freeReplyObject(r);
    r = test_cmd(c, "SHUTDOWN NOSAVE");
    if (r)
        freeReplyObject(r);
    redisFree(c);
    ck_assert_int_eq(wait_exit(&s), 0);
    /* The child's temp file went with it. */
    char cmd[400];
    snprintf(cmd, sizeof(cmd), "ls '%s' | grep -q '^temp-'", s.dir);
    ck_assert_int_ne(system(cmd), 0);
    test_server_stop(&s);
}
END_TEST

/* FLUSHALL with save rules saves the empty dataset at once. */
START_TEST(test_flushall_saves)
{
    static const char *const rules[] = {"--save", "3600 1", NULL};
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, rules), 0);
    redisContext *c = test_connect(&s);
    test_ok(c, "XADD s 1-1 f v");
    test_ok(c, "SAVE");
    test_ok(c, "FLUSHALL");
    ck_assert_int_eq(test_info_ll(c, "rdb_changes_since_last_save"), 0);
    redisFree(c);
    test_server_halt(&s, SIGKILL);
    ck_assert_int_eq(test_server_start_again(&s, rules), 0);
    c = test_connect(&s);
    ck_assert_int_eq(test_int(c, "DBSIZE"), 0);
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

/* --- The dirty counter: the rules Redis's own stream suite checks ---------------- */

START_TEST(test_dirty_rules)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, NO_RULES), 0);
    redisContext *c = test_connect(&s);
    test_ok(c, "XADD x 1-0 data a");
    test_ok(c, "XADD x 2-0 data b");
    test_ok(c, "XADD x 3-0 data c");
    test_ok(c, "XADD x 4-0 data d");
    test_ok(c, "XGROUP CREATE x g1 0");
    test_ok(c, "XGROUP CREATECONSUMER x g1 Alice");
    long long d = test_info_ll(c, "rdb_changes_since_last_save");
    test_ok(c, "XREADGROUP GROUP g1 Alice COUNT 2 STREAMS x >");
    ck_assert_int_eq(test_info_ll(c, "rdb_changes_since_last_save"), d + 1);
    d++;
    test_ok(c, "XREADGROUP GROUP g1 Alice NOACK COUNT 2 STREAMS x >");
    ck_assert_int_eq(test_info_ll(c, "rdb_changes_since_last_save"), d + 1);
    d++;
    test_ok(c, "XREADGROUP GROUP g1 Alice COUNT 2 STREAMS x 0");
    ck_assert_int_eq(test_info_ll(c, "rdb_changes_since_last_save"), d);
    test_ok(c, "XREADGROUP GROUP g1 Alice COUNT 2 STREAMS x 9000");
    ck_assert_int_eq(test_info_ll(c, "rdb_changes_since_last_save"), d);
    test_ok(c, "XREADGROUP GROUP g1 noconsumer COUNT 2 STREAMS x 0");
    ck_assert_int_eq(test_info_ll(c, "rdb_changes_since_last_save"), d + 1);
    d++;
    /* An expired key is not a change. */
    test_ok(c, "XADD e 1-1 f v");
    test_ok(c, "PEXPIRE e 1");
    d += 2;
    test_sleep_ms(20);
    ck_assert_int_eq(test_int(c, "EXISTS e"), 0);
    ck_assert_int_eq(test_info_ll(c, "rdb_changes_since_last_save"), d);
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

Suite *snapshot_suite(void);
Suite *snapshot_suite(void)
{
    Suite *s = suite_create("snapshot");
    TCase *tc = tcase_create("round_trip");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_save_restart);
    tcase_add_test(tc, test_save_replaces_file);
    tcase_add_test(tc, test_bgsave_restart);
    tcase_add_test(tc, test_debug_reload);
    tcase_add_test(tc, test_newer_state_versions);
    suite_add_tcase(s, tc);
    tc = tcase_create("interop");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_redis_loads_runnel);
    tcase_add_test(tc, test_runnel_loads_redis);
    tcase_add_test(tc, test_dump_restore_both_ways);
    suite_add_tcase(s, tc);
    tc = tcase_create("damaged");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_damaged_file_refuses_start);
    suite_add_tcase(s, tc);
    tc = tcase_create("rules");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_save_rule_fires);
    tcase_add_test(tc, test_shutdown_and_sigterm);
    tcase_add_test(tc, test_bgsave_error_misconf);
    tcase_add_test(tc, test_bgsave_in_progress);
    tcase_add_test(tc, test_flushall_saves);
    tcase_add_test(tc, test_dirty_rules);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(snapshot_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
