/* test_observability.c -- what the server tells about itself: INFO's
 * counters and sections, SLOWLOG, MONITOR, LATENCY, MEMORY STATS/DOCTOR,
 * the DEBUG helpers Redis's test suites call, and redis-cli's --bigkeys,
 * --memkeys, --stat, --latency and redis-benchmark against the server.
 *
 * Formats are Redis 7.0's (checked against the oracle while writing these
 * tests; redis-compat/observability.script compares the fixed texts). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The INFO text of the given sections (malloc'd). */
static char *info_text(redisContext *c, const char *sections)
{
    char words[256];
    const char *argv[8] = {"INFO"};
    int argc = 1;
    snprintf(words, sizeof(words), "%s", sections ? sections : "");
    for (char *w = strtok(words, " "); w && argc < 8; w = strtok(NULL, " "))
        argv[argc++] = w;
    redisReply *r = test_cmdargv(c, argc, argv);
    ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
    char *s = strdup(r->str);
    freeReplyObject(r);
    return s;
}

/* The value of "name:" in an INFO text, copied into out ("" if absent). */
static void info_value(const char *text, const char *name, char *out, size_t cap)
{
    out[0] = '\0';
    size_t n = strlen(name);
    for (const char *p = text; p && *p;) {
        if (strncmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1;
            size_t len = strcspn(v, "\r\n");
            if (len >= cap)
                len = cap - 1;
            memcpy(out, v, len);
            out[len] = '\0';
            return;
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
}

START_TEST(info_counters)
{
    redisContext *c = test_connect(&srv);
    test_ok(c, "CONFIG RESETSTAT");
    long long before = test_info_ll(c, "total_commands_processed");
    for (int i = 0; i < 5; i++)
        test_ok(c, "PING");
    /* The INFO that read `before` counts too. */
    ck_assert_int_eq(test_info_ll(c, "total_commands_processed"), before + 6);

    test_ok(c, "CONFIG RESETSTAT");
    test_ok(c, "SET a 1");            /* a write: no hit, no miss */
    test_ok(c, "GET a");              /* hit */
    test_ok(c, "GET nokey");          /* miss */
    test_ok(c, "XADD s 1-1 f v");     /* write */
    test_ok(c, "XREAD STREAMS s 0");  /* two lookups in Redis 7.0: two hits */
    test_ok(c, "EXPIRE a 100");       /* write */
    ck_assert_int_eq(test_info_ll(c, "keyspace_hits"), 3);
    ck_assert_int_eq(test_info_ll(c, "keyspace_misses"), 1);

    char *all = info_text(c, "everything");
    char v[256];
    info_value(all, "cmdstat_get", v, sizeof(v));
    ck_assert_msg(strncmp(v, "calls=2,usec=", 13) == 0, "cmdstat_get: %s", v);
    ck_assert_ptr_nonnull(strstr(v, ",rejected_calls=0,failed_calls=0"));
    info_value(all, "latency_percentiles_usec_get", v, sizeof(v));
    ck_assert_msg(strncmp(v, "p50=", 4) == 0 && strstr(v, ",p99=") && strstr(v, ",p99.9="),
                  "latencystats: %s", v);
    info_value(all, "db0", v, sizeof(v));
    ck_assert_str_eq(v, "keys=2,expires=1,avg_ttl=0");
    info_value(all, "role", v, sizeof(v));
    ck_assert_str_eq(v, "master");
    info_value(all, "master_repl_offset", v, sizeof(v));
    ck_assert_str_eq(v, "0");
    info_value(all, "cluster_enabled", v, sizeof(v));
    ck_assert_str_eq(v, "0");
    static const char *const fields[] = {
        "instantaneous_ops_per_sec", "instantaneous_input_kbps", "instantaneous_output_kbps",
        "total_net_input_bytes",     "total_reads_processed",    "total_writes_processed",
        "expire_cycle_cpu_milliseconds", "used_cpu_user_main_thread", "total_connections_received",
        NULL,
    };
    for (int i = 0; fields[i]; i++) {
        info_value(all, fields[i], v, sizeof(v));
        ck_assert_msg(v[0], "INFO everything lacks %s", fields[i]);
    }
    static const char *const sections[] = {
        "# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication",
        "# CPU", "# Modules", "# Commandstats", "# Errorstats", "# Latencystats",
        "# Cluster", "# Keyspace", NULL,
    };
    const char *at = all;
    for (int i = 0; sections[i]; i++) {
        const char *p = strstr(at, sections[i]);
        ck_assert_msg(p != NULL, "%s missing or out of order", sections[i]);
        at = p;
    }
    free(all);

    char *def = info_text(c, NULL);
    ck_assert_ptr_null(strstr(def, "# Commandstats"));
    ck_assert_ptr_null(strstr(def, "# Latencystats"));
    ck_assert_ptr_nonnull(strstr(def, "# Keyspace"));
    free(def);
    char *two = info_text(c, "commandstats latencystats");
    ck_assert(strncmp(two, "# Commandstats\r\n", 16) == 0);
    ck_assert_ptr_nonnull(strstr(two, "\r\n\r\n# Latencystats\r\n"));
    ck_assert_ptr_null(strstr(two, "# Server"));
    free(two);
    char *none = info_text(c, "nosuchsection");
    ck_assert_str_eq(none, "");
    free(none);

    /* The ops rate is sampled by the cron: a burst shows up in it. */
    for (int i = 0; i < 3000; i++)
        redisAppendCommand(c, "PING");
    for (int i = 0; i < 3000; i++) {
        redisReply *r;
        ck_assert_int_eq(redisGetReply(c, (void **)&r), REDIS_OK);
        freeReplyObject(r);
    }
    ck_assert_int_eq(test_wait_info(c, "instantaneous_ops_per_sec", 1, 5000), 0);
    redisFree(c);
}
END_TEST

START_TEST(slowlog_rules)
{
    redisContext *c = test_connect(&srv);
    test_ok(c, "CONFIG SET slowlog-log-slower-than 0");
    test_ok(c, "SLOWLOG RESET");
    test_ok(c, "CLIENT SETNAME worker");
    const char *argv[41];
    char nums[41][12];
    argv[0] = "DEL";
    for (int i = 1; i < 41; i++) {
        snprintf(nums[i], sizeof(nums[i]), "%d", i);
        argv[i] = nums[i];
    }
    freeReplyObject(test_cmdargv(c, 41, argv));
    char big[201];
    memset(big, 'a', 200);
    big[200] = '\0';
    test_ok(c, "SET big %s", big);
    redisReply *r = test_cmd(c, "AUTH secret");
    freeReplyObject(r);

    r = test_cmd(c, "SLOWLOG GET 3");
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    ck_assert_int_eq(r->elements, 3);
    /* Newest first: AUTH (redacted), SET (cut), DEL (cut). */
    redisReply *e = r->element[0];
    ck_assert_int_eq(e->elements, 6);
    ck_assert_str_eq(e->element[3]->element[0]->str, "AUTH");
    ck_assert_str_eq(e->element[3]->element[1]->str, "(redacted)");
    ck_assert_str_eq(e->element[5]->str, "worker");
    ck_assert_ptr_nonnull(strstr(e->element[4]->str, "127.0.0.1:"));
    e = r->element[1];
    ck_assert_int_eq(e->element[3]->elements, 3);
    ck_assert_int_eq(e->element[3]->element[2]->len, 128 + 19);
    ck_assert_str_eq(e->element[3]->element[2]->str + 128, "... (72 more bytes)");
    e = r->element[2];
    ck_assert_int_eq(e->element[3]->elements, 32);
    ck_assert_str_eq(e->element[3]->element[30]->str, "30");
    ck_assert_str_eq(e->element[3]->element[31]->str, "... (10 more arguments)");
    long long id_del = e->element[0]->integer;
    ck_assert_int_eq(r->element[0]->element[0]->integer, id_del + 2);
    freeReplyObject(r);

    ck_assert_int_ge(test_int(c, "SLOWLOG LEN"), 5);
    r = test_cmd(c, "SLOWLOG GET -2");
    ck_assert_str_eq(r->str, "ERR count should be greater than or equal to -1");
    freeReplyObject(r);
    r = test_cmd(c, "SLOWLOG GET 1 2");
    ck_assert_str_eq(r->str, "ERR unknown subcommand or wrong number of arguments for 'GET'. "
                             "Try SLOWLOG HELP.");
    freeReplyObject(r);

    /* A blocked command is logged when it is served, after the write that
     * served it; one that times out is not logged. */
    test_ok(c, "SLOWLOG RESET");
    redisContext *w = test_connect(&srv);
    test_send(w, "BLPOP blk 5");
    test_wait_blocked(c, 1);
    test_ok(c, "RPUSH blk x");
    freeReplyObject(test_reply(w));
    test_ok(c, "BLPOP nothing 0.05");
    r = test_cmd(c, "SLOWLOG GET 3");
    ck_assert_int_eq(r->elements, 3);
    ck_assert_str_eq(r->element[0]->element[3]->element[0]->str, "BLPOP");
    ck_assert_str_eq(r->element[0]->element[3]->element[1]->str, "blk");
    ck_assert_str_eq(r->element[1]->element[3]->element[0]->str, "RPUSH");
    freeReplyObject(r);
    redisFree(w);

    test_ok(c, "CONFIG SET slowlog-max-len 2");
    test_ok(c, "PING");
    ck_assert_int_eq(test_int(c, "SLOWLOG LEN"), 2);
    r = test_cmd(c, "SLOWLOG GET -1");
    ck_assert_int_eq(r->elements, 2);
    freeReplyObject(r);

    /* -1 disables; the default threshold skips fast commands. */
    test_ok(c, "CONFIG SET slowlog-log-slower-than -1");
    test_ok(c, "SLOWLOG RESET");
    test_ok(c, "DEBUG SLEEP 0.02");
    ck_assert_int_eq(test_int(c, "SLOWLOG LEN"), 0);
    test_ok(c, "CONFIG SET slowlog-log-slower-than 10000");
    test_ok(c, "PING");
    test_ok(c, "DEBUG SLEEP 0.02");
    r = test_cmd(c, "SLOWLOG GET");
    ck_assert_int_eq(r->elements, 1);
    ck_assert_str_eq(r->element[0]->element[3]->element[0]->str, "DEBUG");
    ck_assert_int_ge(r->element[0]->element[2]->integer, 20000);
    freeReplyObject(r);
    test_ok(c, "CONFIG SET slowlog-max-len 128");
    redisFree(c);
}
END_TEST

/* The next MONITOR line on m, after its "<sec>.<usec> " timestamp. */
static char *monitor_line(redisContext *m)
{
    redisReply *r = test_reply(m);
    ck_assert_int_eq(r->type, REDIS_REPLY_STATUS);
    const char *sp = strchr(r->str, ' ');
    ck_assert_ptr_nonnull(sp);
    ck_assert(sp - r->str > 11 && r->str[sp - r->str - 7] == '.');
    char *s = strdup(sp + 1);
    freeReplyObject(r);
    return s;
}

START_TEST(monitor_feed)
{
    redisContext *c = test_connect(&srv);
    redisReply *r = test_cmd(c, "CLIENT INFO");
    char addr[64] = "";
    const char *a = strstr(r->str, "addr=");
    ck_assert_ptr_nonnull(a);
    sscanf(a + 5, "%63s", addr);
    freeReplyObject(r);

    redisContext *m = test_connect(&srv);
    r = test_cmd(m, "MONITOR");
    ck_assert_int_eq(r->type, REDIS_REPLY_STATUS);
    ck_assert_str_eq(r->str, "OK");
    freeReplyObject(r);
    /* CLIENT LIST is an admin command: not fed. */
    char *list = test_cmd_text(c, "CLIENT LIST");
    ck_assert_ptr_nonnull(strstr(list, "flags=O "));
    free(list);

    /* A pipelined sequence: executed commands are fed after they run (the
     * db after SELECT), MULTI's queue as EXEC runs it, admin commands and
     * rejected ones not at all, AUTH's arguments redacted. */
    redisAppendCommand(c, "SET %s %b", "k", "a b\n\"\\\x01", (size_t)7);
    redisAppendCommand(c, "SELECT 1");
    redisAppendCommand(c, "GET k");
    redisAppendCommand(c, "SELECT 0");
    redisAppendCommand(c, "MULTI");
    redisAppendCommand(c, "INCR n");
    redisAppendCommand(c, "EXEC");
    redisAppendCommand(c, "CONFIG GET port");
    redisAppendCommand(c, "NOSUCH x");
    redisAppendCommand(c, "GET");
    redisAppendCommand(c, "AUTH user pass");
    redisAppendCommand(c, "PING");
    for (int i = 0; i < 12; i++) {
        ck_assert_int_eq(redisGetReply(c, (void **)&r), REDIS_OK);
        freeReplyObject(r);
    }
    char want[20][160];
    int n = 0;
    snprintf(want[n++], 160, "[0 %s] \"SET\" \"k\" \"a b\\n\\\"\\\\\\x01\"", addr);
    snprintf(want[n++], 160, "[1 %s] \"SELECT\" \"1\"", addr);
    snprintf(want[n++], 160, "[1 %s] \"GET\" \"k\"", addr);
    snprintf(want[n++], 160, "[0 %s] \"SELECT\" \"0\"", addr);
    snprintf(want[n++], 160, "[0 %s] \"MULTI\"", addr);
    snprintf(want[n++], 160, "[0 %s] \"INCR\" \"n\"", addr);
    snprintf(want[n++], 160, "[0 %s] \"EXEC\"", addr);
    snprintf(want[n++], 160, "[0 %s] \"AUTH\" \"(redacted)\" \"(redacted)\"", addr);
    snprintf(want[n++], 160, "[0 %s] \"PING\"", addr);
    for (int i = 0; i < n; i++) {
        char *got = monitor_line(m);
        ck_assert_str_eq(got, want[i]);
        free(got);
    }
    /* RESET ends MONITOR mode. */
    r = test_cmd(m, "RESET");
    ck_assert_str_eq(r->str, "RESET");
    freeReplyObject(r);
    list = test_cmd_text(c, "CLIENT LIST");
    ck_assert_ptr_null(strstr(list, "flags=O"));
    free(list);
    redisFree(c);
    redisFree(m);
}
END_TEST

START_TEST(latency_monitor)
{
    redisContext *c = test_connect(&srv);
    redisReply *r = test_cmd(c, "LATENCY DOCTOR");
    ck_assert_ptr_nonnull(strstr(r->str, "Latency monitoring is disabled"));
    freeReplyObject(r);
    test_ok(c, "CONFIG SET latency-monitor-threshold 10");
    test_ok(c, "DEBUG SLEEP 0.03");
    r = test_cmd(c, "LATENCY LATEST");
    ck_assert_int_eq(r->elements, 1);
    redisReply *ev = r->element[0];
    ck_assert_int_eq(ev->elements, 4);
    ck_assert_str_eq(ev->element[0]->str, "command");
    ck_assert_int_ge(ev->element[2]->integer, 30);
    ck_assert_int_ge(ev->element[3]->integer, ev->element[2]->integer);
    freeReplyObject(r);
    r = test_cmd(c, "LATENCY HISTORY command");
    ck_assert_int_eq(r->elements, 1);
    ck_assert_int_ge(r->element[0]->element[1]->integer, 30);
    freeReplyObject(r);
    r = test_cmd(c, "LATENCY DOCTOR");
    ck_assert_ptr_nonnull(strstr(r->str, "1. command: 1 latency spikes"));
    freeReplyObject(r);
    r = test_cmd(c, "LATENCY GRAPH nosuch");
    ck_assert_str_eq(r->str, "ERR No samples available for event 'nosuch'");
    freeReplyObject(r);
    r = test_cmd(c, "LATENCY HISTORY nosuch");
    ck_assert_int_eq(r->elements, 0);
    freeReplyObject(r);
    ck_assert_int_eq(test_int(c, "LATENCY RESET command nosuch"), 1);
    r = test_cmd(c, "LATENCY LATEST");
    ck_assert_int_eq(r->elements, 0);
    freeReplyObject(r);

    /* A fork is an event too when it reaches the threshold: with 0 ms it
     * may or may not, so only check that BGSAVE leaves the monitor sane. */
    test_ok(c, "CONFIG SET latency-monitor-threshold 1");
    test_ok(c, "SET k v");
    test_ok(c, "BGSAVE");
    ck_assert_int_eq(test_wait_info(c, "rdb_bgsave_in_progress", 0, 5000), 0);
    test_ok(c, "LATENCY LATEST");
    test_ok(c, "CONFIG SET latency-monitor-threshold 0");

    /* LATENCY HISTOGRAM: calls and the cumulative buckets. */
    test_ok(c, "CONFIG RESETSTAT");
    for (int i = 0; i < 3; i++)
        test_ok(c, "GET k");
    r = test_cmd(c, "LATENCY HISTOGRAM get config|resetstat nosuch");
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    ck_assert_int_eq(r->elements, 4);
    ck_assert_str_eq(r->element[0]->str, "get");
    redisReply *h = r->element[1];
    ck_assert_str_eq(h->element[0]->str, "calls");
    ck_assert_int_eq(h->element[1]->integer, 3);
    ck_assert_str_eq(h->element[2]->str, "histogram_usec");
    redisReply *b = h->element[3];
    ck_assert_int_ge(b->elements, 2);
    ck_assert_int_eq(b->element[b->elements - 1]->integer, 3);
    ck_assert_str_eq(r->element[2]->str, "config|resetstat");
    freeReplyObject(r);
    redisFree(c);
}
END_TEST

START_TEST(memory_and_debug)
{
    redisContext *c = test_connect(&srv);
    for (int i = 0; i < 10; i++)
        test_ok(c, "XADD s%d 1-1 f v", i);
    redisReply *r = test_cmd(c, "MEMORY STATS");
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    static const char *const keys[] = {
        "peak.allocated", "total.allocated", "startup.allocated", "replication.backlog",
        "clients.slaves", "clients.normal", "cluster.links", "aof.buffer", "lua.caches",
        "functions.caches", "db.0", "overhead.total", "keys.count", "keys.bytes-per-key",
        "dataset.bytes", "dataset.percentage", "peak.percentage", "allocator.allocated",
        "allocator.active", "allocator.resident", "allocator-fragmentation.ratio",
        "allocator-fragmentation.bytes", "allocator-rss.ratio", "allocator-rss.bytes",
        "rss-overhead.ratio", "rss-overhead.bytes", "fragmentation", "fragmentation.bytes",
        NULL,
    };
    size_t k = 0;
    for (; keys[k]; k++) {
        ck_assert_uint_gt(r->elements, 2 * k + 1);
        ck_assert_str_eq(r->element[2 * k]->str, keys[k]);
    }
    ck_assert_int_eq(r->elements, 2 * k);
    ck_assert_int_eq(test_map_field(r, "keys.count")->integer, 10);
    ck_assert_int_gt(test_map_field(r, "total.allocated")->integer, 0);
    const redisReply *db0 = test_map_field(r, "db.0");
    ck_assert_str_eq(db0->element[0]->str, "overhead.hashtable.main");
    freeReplyObject(r);
    r = test_cmd(c, "MEMORY DOCTOR");
    ck_assert(strncmp(r->str, "Hi Sam, ", 8) == 0);
    freeReplyObject(r);
    r = test_cmd(c, "MEMORY MALLOC-STATS");
    ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
    ck_assert_int_gt(r->len, 0);
    freeReplyObject(r);
    test_ok(c, "MEMORY PURGE");

    test_ok(c, "DEBUG CHANGE-REPL-ID");
    test_ok(c, "DEBUG QUICKLIST-PACKED-THRESHOLD 100");
    r = test_cmd(c, "DEBUG QUICKLIST-PACKED-THRESHOLD abc");
    ck_assert_str_eq(r->str, "ERR argument must be a memory value bigger than 1 and smaller "
                             "than 4gb");
    freeReplyObject(r);
    test_ok(c, "DEBUG JMAP");
    test_ok(c, "DEBUG SET-ACTIVE-EXPIRE 0");
    test_ok(c, "SET gone v PX 1");
    test_sleep_ms(300);
    ck_assert_int_eq(test_int(c, "DBSIZE"), 11);
    test_ok(c, "DEBUG SET-ACTIVE-EXPIRE 1");
    ck_assert_int_eq(test_wait_info(c, "expired_keys", 1, 5000), 0);

    test_ok(c, "CLIENT NO-EVICT on");
    char *info = test_cmd_text(c, "CLIENT INFO");
    ck_assert_ptr_nonnull(strstr(info, "flags=e "));
    free(info);
    test_ok(c, "CLIENT NO-EVICT off");
    r = test_cmd(c, "CLIENT NO-EVICT maybe");
    ck_assert_str_eq(r->str, "ERR syntax error");
    freeReplyObject(r);
    redisFree(c);
}
END_TEST

/* Run a shell command, return its output (malloc'd). */
static char *run(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    size_t n;
    while ((n = fread(out + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap)
            out = realloc(out, cap *= 2);
    }
    out[len] = '\0';
    pclose(f);
    return out;
}

START_TEST(redis_cli_tools)
{
    if (system("command -v redis-cli >/dev/null 2>&1") != 0)
        return; /* redis-tools missing: nothing to drive */
    redisContext *c = test_connect(&srv);
    for (int i = 0; i < 5; i++)
        test_ok(c, "XADD s 1-%d f v", i + 1);
    test_ok(c, "SET str %s", "0123456789");
    test_ok(c, "HSET h a 1 b 2");
    test_ok(c, "RPUSH l a b c");
    test_ok(c, "SADD st a b");
    redisFree(c);

    char cmd[512];
    snprintf(cmd, sizeof(cmd), "timeout 20 redis-cli -p %d --bigkeys 2>&1", srv.port);
    char *out = run(cmd);
    ck_assert_msg(strstr(out, "Biggest stream found '\"s\"' has 5 entries") != NULL, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "Biggest string found '\"str\"' has 10 bytes"));
    ck_assert_ptr_nonnull(strstr(out, "Biggest   hash found '\"h\"' has 2 fields"));
    ck_assert_ptr_nonnull(strstr(out, "Sampled 5 keys in the keyspace!"));
    free(out);

    snprintf(cmd, sizeof(cmd), "timeout 20 redis-cli -p %d --memkeys 2>&1", srv.port);
    out = run(cmd);
    ck_assert_msg(strstr(out, "Biggest stream found '\"s\"' has ") != NULL, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "1 streams with "));
    free(out);

    snprintf(cmd, sizeof(cmd),
             "timeout -s INT 2 stdbuf -o0 redis-cli -p %d --stat -i 0.2 2>&1", srv.port);
    out = run(cmd);
    ck_assert_msg(strstr(out, "------- data ------") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "\n5 ") != NULL, "--stat shows 5 keys: %s", out);
    free(out);

    snprintf(cmd, sizeof(cmd), "timeout -s INT 2 stdbuf -o0 redis-cli -p %d --latency 2>&1", srv.port);
    out = run(cmd);
    int mn, mx, samples;
    double avg;
    ck_assert_msg(sscanf(out, "%d %d %lf %d", &mn, &mx, &avg, &samples) == 4, "%s", out);
    ck_assert_int_gt(samples, 0);
    free(out);

    snprintf(cmd, sizeof(cmd),
             "timeout -s INT 3 stdbuf -o0 redis-cli -p %d --latency-history -i 1 2>&1", srv.port);
    out = run(cmd);
    ck_assert_msg(sscanf(out, "%d %d %lf %d", &mn, &mx, &avg, &samples) == 4, "%s", out);
    free(out);

    /* redis-cli MONITOR prints the fed lines without the '+'. */
    snprintf(cmd, sizeof(cmd),
             "(timeout -s INT 2 stdbuf -o0 redis-cli -p %d MONITOR & sleep 0.5; "
             "redis-cli -p %d PING >/dev/null; wait) 2>&1",
             srv.port, srv.port);
    out = run(cmd);
    ck_assert_msg(strstr(out, "OK\n") == out && strstr(out, "] \"PING\"") != NULL, "%s", out);
    free(out);

    snprintf(cmd, sizeof(cmd), "timeout 20 redis-benchmark -p %d -n 200 -c 2 -t ping -q 2>&1",
             srv.port);
    out = run(cmd);
    ck_assert_msg(strstr(out, "Could not fetch server CONFIG") == NULL, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "requests per second"));
    free(out);
}
END_TEST

static Suite *observability_suite(void)
{
    Suite *s = suite_create("observability");
    TCase *tc = tcase_create("observability");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, info_counters);
    tcase_add_test(tc, slowlog_rules);
    tcase_add_test(tc, monitor_feed);
    tcase_add_test(tc, latency_monitor);
    tcase_add_test(tc, memory_and_debug);
    tcase_add_test(tc, redis_cli_tools);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(observability_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
