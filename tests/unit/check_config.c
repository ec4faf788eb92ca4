/* check_config.c -- Check suite for config.c.
 *
 * Expected texts were taken from a real Redis 7.0.15 (redis-server started
 * with bad files and options, CONFIG SET/GET/REWRITE driven by redis-cli),
 * with "Redis 7.0.15" replaced by Runnel's banner and the file named in the
 * "Reading ..." line.  Every test runs in its own forked process (Check's
 * default), so tests that chdir do not disturb each other; files go to a
 * fresh directory under /tmp. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "mem.h"
#include "util.h"

/* The report's first lines, with the version normalised (see load_argv). */
#define BANNER "\n*** FATAL CONFIG FILE ERROR (Runnel V) ***\n"

static char tmpdir[32]; /* "/tmp/check_config.XXXXXX" */
static char errbuf[4096];
static char start_cwd[PATH_MAX]; /* restored after each test (for CK_FORK=no) */

/* A fresh temp directory per test (each test is a separate process). */
static void setup(void)
{
    strcpy(tmpdir, "/tmp/check_config.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    errbuf[0] = '\0';
}

static void teardown(void)
{
    char cmd[PATH_MAX + 16];

    if (chdir(start_cwd) != 0)
        fprintf(stderr, "could not return to %s\n", start_cwd);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
}

/* Write content to tmpdir/name; returns the path (static buffer rotation). */
static const char *write_file(const char *name, const char *content)
{
    static char paths[8][PATH_MAX];
    static int next;
    char *path = paths[next++ % 8];
    FILE *fp;

    snprintf(path, PATH_MAX, "%s/%s", tmpdir, name);
    fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(content, fp);
    fclose(fp);
    return path;
}

/* The whole of a file as a mem_alloc'd string. */
static char *read_file(const char *path)
{
    FILE *fp = fopen(path, "r");
    char *buf;
    long n;

    ck_assert_ptr_nonnull(fp);
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    buf = mem_alloc((size_t)n + 1);
    ck_assert_int_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

/* Replace the version in errbuf's banner by "V", so that expected texts
 * do not depend on the release. */
static void normalise_banner(void)
{
    char *v = strstr(errbuf, "(Runnel ");
    char *end = v ? strstr(v, ") ***") : NULL;

    if (!v || !end)
        return;
    v += strlen("(Runnel ");
    *v++ = 'V';
    memmove(v, end, strlen(end) + 1);
}

/* Load content as tmpdir/t.conf into c (already initialised). */
static int load_text(struct config *c, const char *content)
{
    const char *path = write_file("t.conf", content);
    int rc = config_load_file(c, path, errbuf, sizeof(errbuf));

    normalise_banner();
    return rc;
}

/* Assert that loading content fails at line `line` echoing `echo` with the
 * one-line reason. */
static void expect_file_error(const char *content, int line, const char *echo, const char *reason)
{
    struct config c;
    char expected[4096];
    const char *path;

    config_init_defaults(&c);
    path = write_file("bad.conf", content);
    ck_assert_int_eq(config_load_file(&c, path, errbuf, sizeof(errbuf)), -1);
    normalise_banner();
    snprintf(expected, sizeof(expected),
             BANNER "Reading the configuration file '%s', at line %d\n>>> '%s'\n%s\n", path, line,
             echo, reason);
    ck_assert_str_eq(errbuf, expected);
    config_free(&c);
}

/* CONFIG GET value of one option, compared and freed. */
static void expect_get(const struct config *c, const char *name, const char *value)
{
    int id = config_lookup(name);
    char *v;

    ck_assert_msg(id >= 0, "unknown option %s", name);
    v = config_get_value(c, id);
    ck_assert_msg(strcmp(v, value) == 0, "%s: got '%s', want '%s'", name, v, value);
    mem_free(v);
}

/* CONFIG SET expected to succeed. */
static void set_ok(struct config *c, const char *name, const char *value)
{
    int rc = config_set(c, name, value, errbuf, sizeof(errbuf));
    ck_assert_msg(rc == 0, "config set %s '%s': %s", name, value, errbuf);
}

/* CONFIG SET expected to fail with exactly msg. */
static void set_err(struct config *c, const char *name, const char *value, const char *msg)
{
    errbuf[0] = '\0';
    ck_assert_int_eq(config_set(c, name, value, errbuf, sizeof(errbuf)), -1);
    ck_assert_str_eq(errbuf, msg);
}

/* Every option's CONFIG GET value must be equal in a and b. */
static void expect_same(const struct config *a, const struct config *b)
{
    int i;

    for (i = 0; i < CONFIG_NOPTIONS; i++) {
        char *va = config_get_value(a, i), *vb = config_get_value(b, i);
        ck_assert_msg(strcmp(va, vb) == 0, "%s: '%s' vs '%s'", config_option_name(i), va, vb);
        mem_free(va);
        mem_free(vb);
    }
}

/* conf/runnel.conf: $RUNNEL_CONF, else found from this file's path, else
 * relative to the working directory (the Makefile runs tests from the
 * repository root). */
static void find_runnel_conf(char *path, size_t size)
{
    const char *env = getenv("RUNNEL_CONF");
    const char *file = __FILE__;
    const char *tail = strstr(file, "tests/unit/check_config.c");

    if (env && *env) {
        snprintf(path, size, "%s", env);
        return;
    }
    if (tail) {
        snprintf(path, size, "%.*sconf/runnel.conf", (int)(tail - file), file);
        if (access(path, R_OK) == 0)
            return;
    }
    snprintf(path, size, "conf/runnel.conf");
}

/* ---------------------------------------------------------------------- */

START_TEST(test_defaults)
{
    struct config c;
    char cwd[PATH_MAX];

    config_init_defaults(&c);
    ck_assert_int_eq(c.bind.count, 2);
    ck_assert_str_eq(c.bind.addr[0], "127.0.0.1");
    ck_assert_str_eq(c.bind.addr[1], "-::1");
    ck_assert_int_eq(c.port, 6379);
    ck_assert_str_eq(c.unixsocket, "");
    ck_assert_int_eq(c.unixsocketperm, 0);
    ck_assert_int_eq(c.tcp_backlog, 511);
    ck_assert_int_eq(c.tcp_keepalive, 300);
    ck_assert_int_eq(c.timeout, 0);
    ck_assert_uint_eq(c.maxclients, 10000);
    ck_assert_int_eq(c.databases, 16);
    ck_assert_int_eq(c.proto_max_bulk_len, 512LL * 1024 * 1024);
    ck_assert_int_eq(c.client_query_buffer_limit, 1024LL * 1024 * 1024);
    ck_assert_uint_eq(c.obuf_limits[CONFIG_OBUF_NORMAL].hard_bytes, 0);
    ck_assert_uint_eq(c.obuf_limits[CONFIG_OBUF_REPLICA].hard_bytes, 268435456);
    ck_assert_uint_eq(c.obuf_limits[CONFIG_OBUF_REPLICA].soft_bytes, 67108864);
    ck_assert_int_eq(c.obuf_limits[CONFIG_OBUF_REPLICA].soft_seconds, 60);
    ck_assert_uint_eq(c.obuf_limits[CONFIG_OBUF_PUBSUB].hard_bytes, 33554432);
    ck_assert_uint_eq(c.obuf_limits[CONFIG_OBUF_PUBSUB].soft_bytes, 8388608);
    ck_assert_int_eq(c.obuf_limits[CONFIG_OBUF_PUBSUB].soft_seconds, 60);
    ck_assert_int_eq(c.loglevel, CONFIG_LOGLEVEL_NOTICE);
    ck_assert_str_eq(c.logfile, "");
    ck_assert_int_eq(c.daemonize, 0);
    ck_assert_str_eq(c.pidfile, "");
    ck_assert_int_eq(c.hz, 10);
    ck_assert_int_eq(c.stream_node_max_bytes, 4096);
    ck_assert_int_eq(c.stream_node_max_entries, 100);
    ck_assert_str_eq(c.effect_trace_file, "");
    ck_assert_ptr_null(c.config_file);
    ck_assert_ptr_null(c.apply);

    /* CONFIG GET texts, as Redis 7.0 prints its own defaults. */
    expect_get(&c, "bind", "127.0.0.1 -::1");
    expect_get(&c, "port", "6379");
    expect_get(&c, "unixsocket", "");
    expect_get(&c, "unixsocketperm", "0");
    expect_get(&c, "tcp-backlog", "511");
    expect_get(&c, "tcp-keepalive", "300");
    expect_get(&c, "timeout", "0");
    expect_get(&c, "maxclients", "10000");
    expect_get(&c, "databases", "16");
    expect_get(&c, "proto-max-bulk-len", "536870912");
    expect_get(&c, "client-query-buffer-limit", "1073741824");
    expect_get(&c, "client-output-buffer-limit",
               "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
    expect_get(&c, "loglevel", "notice");
    expect_get(&c, "logfile", "");
    expect_get(&c, "daemonize", "no");
    expect_get(&c, "pidfile", "");
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
    expect_get(&c, "dir", cwd);
    expect_get(&c, "hz", "10");
    expect_get(&c, "stream-node-max-bytes", "4096");
    expect_get(&c, "stream-node-max-entries", "100");
    expect_get(&c, "effect-trace-file", "");
    config_free(&c);
}
END_TEST

START_TEST(test_table_lookup)
{
    ck_assert_int_eq(config_lookup("port"), CONFIG_ID_PORT);
    ck_assert_int_eq(config_lookup("PoRt"), CONFIG_ID_PORT);
    ck_assert_int_eq(config_lookup("client-output-buffer-limit"), CONFIG_ID_CLIENT_OUTPUT_BUFFER_LIMIT);
    ck_assert_int_eq(config_lookup("nosuch"), -1);
    ck_assert_int_eq(config_lookup(""), -1);
    ck_assert_int_eq(config_lookup("port "), -1);
    ck_assert_str_eq(config_option_name(CONFIG_ID_HZ), "hz");
    ck_assert_ptr_null(config_option_name(-1));
    ck_assert_ptr_null(config_option_name(CONFIG_NOPTIONS));
    {
        char *v = config_get_value(NULL, -1);
        ck_assert_str_eq(v, "");
        mem_free(v);
    }
}
END_TEST

START_TEST(test_free_and_reinit)
{
    struct config c;

    config_init_defaults(&c);
    ck_assert_int_eq(load_text(&c, "logfile /tmp/x.log\nbind 1.2.3.4\n"), 0);
    config_free(&c);
    ck_assert_ptr_null(c.logfile);
    ck_assert_int_eq(c.bind.count, 0);
    config_init_defaults(&c);
    ck_assert_str_eq(c.logfile, "");
    config_free(&c);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Files                                                                  */

START_TEST(test_file_basic)
{
    struct config c;

    config_init_defaults(&c);
    ck_assert_int_eq(load_text(&c, "# a comment\n"
                                   "\n"
                                   "   # an indented comment\n"
                                   "port 7000\r\n"
                                   "\tPORT\t7001   \n"
                                   "  HZ 20\n"
                                   "logfile \"/tmp/a b.log\"\n"
                                   "unixsocket \"/tmp/\\x41\\n.sock\"\n"
                                   "unixsocketperm 700\n"
                                   "daemonize YES\n"
                                   "loglevel WARNING\n"
                                   "proto-max-bulk-len 2mb\n"
                                   "client-query-buffer-limit 1G\n"
                                   "stream-node-max-bytes 4k\n"
                                   "stream-node-max-entries 0\n"
                                   "maxclients 4294967295\n"
                                   "databases 4\n"
                                   "tcp-backlog 0\n"
                                   "timeout 30\n"
                                   "tcp-keepalive 0\n"
                                   "effect-trace-file /tmp/fx\n"
                                   "bind 10.0.0.1 -::1 *"),
                     0);
    ck_assert_int_eq(c.port, 7001);
    ck_assert_int_eq(c.hz, 20);
    ck_assert_str_eq(c.logfile, "/tmp/a b.log");
    ck_assert_str_eq(c.unixsocket, "/tmp/A\n.sock");
    ck_assert_int_eq(c.unixsocketperm, 0700);
    expect_get(&c, "unixsocketperm", "700");
    ck_assert_int_eq(c.daemonize, 1);
    ck_assert_int_eq(c.loglevel, CONFIG_LOGLEVEL_WARNING);
    expect_get(&c, "loglevel", "warning");
    ck_assert_int_eq(c.proto_max_bulk_len, 2 * 1024 * 1024);
    ck_assert_int_eq(c.client_query_buffer_limit, 1000000000LL);
    ck_assert_int_eq(c.stream_node_max_bytes, 4000);
    ck_assert_int_eq(c.stream_node_max_entries, 0);
    ck_assert_uint_eq(c.maxclients, 4294967295U);
    ck_assert_int_eq(c.databases, 4);
    ck_assert_int_eq(c.tcp_backlog, 0);
    ck_assert_int_eq(c.timeout, 30);
    ck_assert_int_eq(c.tcp_keepalive, 0);
    ck_assert_str_eq(c.effect_trace_file, "/tmp/fx");
    expect_get(&c, "bind", "10.0.0.1 -::1 *");
    ck_assert_str_eq(c.config_file, write_file("t.conf", ""));
    config_free(&c);
}
END_TEST

START_TEST(test_file_single_quote_escape)
{
    struct config c;

    config_init_defaults(&c);
    ck_assert_int_eq(load_text(&c, "pidfile 'it\\'s'\n"), 0);
    ck_assert_str_eq(c.pidfile, "it's");
    ck_assert_int_eq(load_text(&c, "logfile \"\"\n"), 0);
    ck_assert_str_eq(c.logfile, "");
    config_free(&c);
}
END_TEST

START_TEST(test_file_lists)
{
    struct config c;

    config_init_defaults(&c);
    /* Each obuf line updates only the classes it names. */
    ck_assert_int_eq(load_text(&c, "client-output-buffer-limit normal 1mb 2mb 3\n"
                                   "client-output-buffer-limit pubsub 1 2 3 replica 1gb 0 0\n"),
                     0);
    expect_get(&c, "client-output-buffer-limit",
               "normal 1048576 2097152 3 slave 1073741824 0 0 pubsub 1 2 3");
    /* One quoted word holding the list is split again (Redis 7.0). */
    ck_assert_int_eq(load_text(&c, "client-output-buffer-limit \"SLAVE 5 6 7\"\n"
                                   "bind \"1.1.1.1 2.2.2.2\"\n"),
                     0);
    expect_get(&c, "client-output-buffer-limit",
               "normal 1048576 2097152 3 slave 5 6 7 pubsub 1 2 3");
    expect_get(&c, "bind", "1.1.1.1 2.2.2.2");
    /* A later bind replaces the list; an empty one empties it. */
    ck_assert_int_eq(load_text(&c, "bind 3.3.3.3\nbind \"\"\n"), 0);
    ck_assert_int_eq(c.bind.count, 0);
    expect_get(&c, "bind", "");
    ck_assert_int_eq(load_text(&c, "bind\n"), 0);
    ck_assert_int_eq(c.bind.count, 0);
    /* A bare client-output-buffer-limit changes nothing, as in Redis. */
    ck_assert_int_eq(load_text(&c, "client-output-buffer-limit\n"), 0);
    expect_get(&c, "client-output-buffer-limit",
               "normal 1048576 2097152 3 slave 5 6 7 pubsub 1 2 3");
    /* soft seconds go through strtoll: "" is 0, "+5" and "05" are 5. */
    ck_assert_int_eq(load_text(&c, "client-output-buffer-limit normal 0 0 \"\" pubsub 0 0 +5 "
                                   "slave 0 0 05\n"),
                     0);
    expect_get(&c, "client-output-buffer-limit", "normal 0 0 0 slave 0 0 5 pubsub 0 0 5");
    config_free(&c);
}
END_TEST

START_TEST(test_file_hz_clamp_and_memory_forms)
{
    struct config c;

    config_init_defaults(&c);
    ck_assert_int_eq(load_text(&c, "hz 1000\n"), 0);
    ck_assert_int_eq(c.hz, 500);
    ck_assert_int_eq(load_text(&c, "hz 0\n"), 0);
    ck_assert_int_eq(c.hz, 1);
    /* memtoull's forms: no digits reads as 0, "b" suffix, leading zeros. */
    ck_assert_int_eq(load_text(&c, "stream-node-max-bytes \"\"\n"), 0);
    ck_assert_int_eq(c.stream_node_max_bytes, 0);
    ck_assert_int_eq(load_text(&c, "stream-node-max-bytes 10B\n"), 0);
    ck_assert_int_eq(c.stream_node_max_bytes, 10);
    ck_assert_int_eq(load_text(&c, "stream-node-max-bytes 01kB\n"), 0);
    ck_assert_int_eq(c.stream_node_max_bytes, 1024);
    ck_assert_int_eq(load_text(&c, "stream-node-max-bytes 9223372036854775807\n"), 0);
    ck_assert_int_eq(c.stream_node_max_bytes, LLONG_MAX);
    /* strtoll(base 8) forms Redis accepts. */
    ck_assert_int_eq(load_text(&c, "unixsocketperm \"+17\"\n"), 0);
    ck_assert_int_eq(c.unixsocketperm, 017);
    ck_assert_int_eq(load_text(&c, "unixsocketperm \"\"\n"), 0);
    ck_assert_int_eq(c.unixsocketperm, 0);
    config_free(&c);
}
END_TEST

START_TEST(test_file_include)
{
    struct config c;
    char text[PATH_MAX * 3];

    write_file("inc1.conf", "port 7100\nhz 30\n");
    write_file("frag-a.conf", "timeout 11\n");
    write_file("frag-b.conf", "tcp-keepalive 12\n");
    snprintf(text, sizeof(text),
             "port 7000\ninclude %s/inc1.conf\nhz 40\nINCLUDE %s/frag-*.conf\n"
             "include %s/nomatch-*.conf\n",
             tmpdir, tmpdir, tmpdir);
    config_init_defaults(&c);
    ck_assert_int_eq(load_text(&c, text), 0);
    ck_assert_int_eq(c.port, 7100); /* the include came after port 7000 */
    ck_assert_int_eq(c.hz, 40);     /* and before hz 40 */
    ck_assert_int_eq(c.timeout, 11);
    ck_assert_int_eq(c.tcp_keepalive, 12);
    /* config_file stays the main file. */
    ck_assert_str_eq(c.config_file, write_file("t.conf", text));
    config_free(&c);
}
END_TEST

START_TEST(test_file_include_relative_to_dir)
{
    struct config c;
    char text[PATH_MAX * 2];

    write_file("inc2.conf", "port 7200\n");
    snprintf(text, sizeof(text), "dir %s\ninclude inc2.conf\n", tmpdir);
    ck_assert_int_eq(chdir("/"), 0);
    config_init_defaults(&c);
    ck_assert_int_eq(load_text(&c, text), 0);
    ck_assert_int_eq(c.port, 7200);
    expect_get(&c, "dir", tmpdir);
    config_free(&c);
}
END_TEST

START_TEST(test_file_errors)
{
    expect_file_error("port 7400\nfoo bar\n", 2, "foo bar",
                      "Bad directive or wrong number of arguments");
    expect_file_error("port abc\n", 1, "port abc", "argument couldn't be parsed into an integer");
    expect_file_error("# c\n\nport 70000\n", 3, "port 70000",
                      "argument must be between 0 and 65535 inclusive");
    expect_file_error("port -1\n", 1, "port -1", "argument must be between 0 and 65535 inclusive");
    expect_file_error("port 007\n", 1, "port 007", "argument couldn't be parsed into an integer");
    expect_file_error("port +7\n", 1, "port +7", "argument couldn't be parsed into an integer");
    expect_file_error("port \"\"\n", 1, "port \"\"", "argument couldn't be parsed into an integer");
    expect_file_error("loglevel foo\n", 1, "loglevel foo",
                      "argument(s) must be one of the following: debug, verbose, notice, warning");
    expect_file_error("loglevel nothing\n", 1, "loglevel nothing",
                      "argument(s) must be one of the following: debug, verbose, notice, warning");
    expect_file_error("port \"7400\n", 1, "port \"7400", "Unbalanced quotes in configuration line");
    expect_file_error("port 'abc'x\n", 1, "port 'abc'x", "Unbalanced quotes in configuration line");
    expect_file_error("port 1 2\n", 1, "port 1 2", "wrong number of arguments");
    expect_file_error("hz 10 # comment\n", 1, "hz 10 # comment", "wrong number of arguments");
    expect_file_error("logfile\n", 1, "logfile", "wrong number of arguments");
    expect_file_error("dir\n", 1, "dir", "wrong number of arguments");
    expect_file_error("daemonize maybe\n", 1, "daemonize maybe", "argument must be 'yes' or 'no'");
    expect_file_error("proto-max-bulk-len 1k\n", 1, "proto-max-bulk-len 1k",
                      "argument must be between 1048576 and 9223372036854775807 inclusive");
    expect_file_error("proto-max-bulk-len 1.5mb\n", 1, "proto-max-bulk-len 1.5mb",
                      "argument must be a memory value");
    expect_file_error("stream-node-max-bytes -1\n", 1, "stream-node-max-bytes -1",
                      "argument must be a memory value");
    expect_file_error("stream-node-max-bytes +1\n", 1, "stream-node-max-bytes +1",
                      "argument must be a memory value");
    expect_file_error("stream-node-max-bytes 18446744073709551615\n", 1,
                      "stream-node-max-bytes 18446744073709551615",
                      "argument must be between 0 and 9223372036854775807 inclusive");
    expect_file_error("stream-node-max-bytes 9223372036854775808\n", 1,
                      "stream-node-max-bytes 9223372036854775808",
                      "argument must be between 0 and 9223372036854775807 inclusive");
    expect_file_error("stream-node-max-entries 1k\n", 1, "stream-node-max-entries 1k",
                      "argument couldn't be parsed into an integer");
    expect_file_error("stream-node-max-entries -1\n", 1, "stream-node-max-entries -1",
                      "argument must be between 0 and 9223372036854775807 inclusive");
    expect_file_error("maxclients 0\n", 1, "maxclients 0",
                      "argument must be between 1 and 4294967295 inclusive");
    expect_file_error("databases 0\n", 1, "databases 0",
                      "argument must be between 1 and 2147483647 inclusive");
    expect_file_error("tcp-keepalive 99999999999\n", 1, "tcp-keepalive 99999999999",
                      "argument must be between 0 and 2147483647 inclusive");
    expect_file_error("hz -1\n", 1, "hz -1", "argument must be between 0 and 2147483647 inclusive");
    expect_file_error("unixsocketperm 800\n", 1, "unixsocketperm 800",
                      "argument couldn't be parsed as an octal number");
    expect_file_error("unixsocketperm abc\n", 1, "unixsocketperm abc",
                      "argument couldn't be parsed as an octal number");
    expect_file_error("unixsocketperm -1\n", 1, "unixsocketperm -1",
                      "argument must be between 0 and 777 inclusive");
    expect_file_error("unixsocketperm 0777777777777\n", 1, "unixsocketperm 0777777777777",
                      "argument must be between 0 and 777 inclusive");
    expect_file_error("client-output-buffer-limit normal 0 0\n", 1,
                      "client-output-buffer-limit normal 0 0",
                      "Wrong number of arguments in buffer limit configuration.");
    expect_file_error("client-output-buffer-limit \"\"\n", 1, "client-output-buffer-limit \"\"",
                      "Wrong number of arguments in buffer limit configuration.");
    expect_file_error("client-output-buffer-limit master 0 0 0\n", 1,
                      "client-output-buffer-limit master 0 0 0",
                      "Invalid client class specified in buffer limit configuration.");
    expect_file_error("client-output-buffer-limit normal x 0 0\n", 1,
                      "client-output-buffer-limit normal x 0 0",
                      "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
    expect_file_error("client-output-buffer-limit normal 0 0 -1\n", 1,
                      "client-output-buffer-limit normal 0 0 -1",
                      "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
    expect_file_error("client-output-buffer-limit normal 0 0 1x\n", 1,
                      "client-output-buffer-limit normal 0 0 1x",
                      "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
    expect_file_error("client-output-buffer-limit normal 0 0 99999999999999999999\n", 1,
                      "client-output-buffer-limit normal 0 0 99999999999999999999",
                      "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
    expect_file_error("bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n", 1,
                      "bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17",
                      "Too many bind addresses specified.");
    expect_file_error("include\n", 1, "include", "Bad directive or wrong number of arguments");
    expect_file_error("include a b\n", 1, "include a b", "Bad directive or wrong number of arguments");
    expect_file_error("dir /nonexistent-dir-xyz\n", 1, "dir /nonexistent-dir-xyz",
                      "No such file or directory");
    expect_file_error("dir /etc/passwd\n", 1, "dir /etc/passwd", "Not a directory");
    expect_file_error("\n\n\n  port   abc   \n", 4, "port   abc",
                      "argument couldn't be parsed into an integer");
    expect_file_error("bind \"\\\"1.2.3.4\"\n", 1, "bind \"\\\"1.2.3.4\"",
                      "Unbalanced quotes in configuration line");
}
END_TEST

START_TEST(test_file_error_stops_load)
{
    struct config c;

    config_init_defaults(&c);
    ck_assert_int_eq(load_text(&c, "port 7000\nport abc\nhz 50\n"), -1);
    ck_assert_int_eq(c.port, 7000); /* lines before the error were applied */
    ck_assert_int_eq(c.hz, 10);     /* lines after it were not */
    config_free(&c);
}
END_TEST

START_TEST(test_file_cannot_open)
{
    struct config c;
    char expected[PATH_MAX + 128];
    char cwd[PATH_MAX];

    config_init_defaults(&c);
    ck_assert_int_eq(config_load_file(&c, "/nonexistent/x.conf", errbuf, sizeof(errbuf)), -1);
    ck_assert_str_eq(errbuf, "Fatal error, can't open config file '/nonexistent/x.conf': "
                             "No such file or directory\n");
    /* A relative name is shown made absolute, as Redis shows it. */
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
    ck_assert_int_eq(config_load_file(&c, "./nope.conf", errbuf, sizeof(errbuf)), -1);
    snprintf(expected, sizeof(expected),
             "Fatal error, can't open config file '%s%snope.conf': No such file or directory\n", cwd,
             strcmp(cwd, "/") ? "/" : "");
    ck_assert_str_eq(errbuf, expected);
    config_free(&c);
}
END_TEST

START_TEST(test_file_include_errors)
{
    struct config c;
    char text[PATH_MAX * 2], expected[PATH_MAX * 3];
    const char *inc;

    /* An error inside an included file names that file and its line. */
    inc = write_file("inc3.conf", "# x\nport abc\n");
    snprintf(text, sizeof(text), "hz 5\ninclude %s\n", inc);
    config_init_defaults(&c);
    ck_assert_int_eq(load_text(&c, text), -1);
    snprintf(expected, sizeof(expected),
             BANNER "Reading the configuration file '%s', at line 2\n>>> 'port abc'\n"
                    "argument couldn't be parsed into an integer\n",
             inc);
    ck_assert_str_eq(errbuf, expected);

    /* A missing include: Redis's can't-open message with the given path. */
    ck_assert_int_eq(load_text(&c, "include /nonexistent/inc.conf\n"), -1);
    ck_assert_str_eq(errbuf, "Fatal error, can't open config file '/nonexistent/inc.conf': "
                             "No such file or directory\n");

    /* A file including itself stops at the nesting limit. */
    snprintf(text, sizeof(text), "include %s/self.conf\n", tmpdir);
    inc = write_file("self.conf", text);
    ck_assert_int_eq(config_load_file(&c, inc, errbuf, sizeof(errbuf)), -1);
    ck_assert_ptr_nonnull(strstr(errbuf, "include nested more than 16 levels deep\n"));
    config_free(&c);
}
END_TEST

START_TEST(test_runnel_conf_is_default)
{
    struct config c, d;
    char path[PATH_MAX];

    find_runnel_conf(path, sizeof(path));
    config_init_defaults(&c);
    config_init_defaults(&d);
    ck_assert_msg(config_load_file(&c, path, errbuf, sizeof(errbuf)) == 0, "%s", errbuf);
    expect_same(&c, &d);
    config_free(&c);
    config_free(&d);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Command line                                                           */

static int load_argv(struct config *c, int argc, const char **argv)
{
    int rc = config_load_args(c, argc, (char **)argv, errbuf, sizeof(errbuf));

    normalise_banner();
    return rc;
}

START_TEST(test_args_overrides)
{
    struct config c;
    const char *path = write_file("a.conf", "port 7000\nhz 20\n");
    const char *argv[] = {"runnel-server", path, "--port", "7001", "--bind", "127.0.0.1",
                          "::1", "--logfile", "", "--client-output-buffer-limit", "normal",
                          "1mb", "0", "0", "--hz", "-1"};
    const char *argv_ok[] = {"runnel-server", path, "--port", "7001", "--bind", "127.0.0.1",
                             "::1", "--logfile", "a b", "--client-output-buffer-limit",
                             "pubsub 1 2 3", "--maxclients 50", "--timeout", "--5"};

    config_init_defaults(&c);
    ck_assert_int_eq(load_argv(&c, 12, argv_ok), 0);
    ck_assert_int_eq(c.port, 7001);
    ck_assert_int_eq(c.hz, 20);
    expect_get(&c, "bind", "127.0.0.1 ::1");
    ck_assert_str_eq(c.logfile, "a b");
    expect_get(&c, "client-output-buffer-limit",
               "normal 0 0 0 slave 268435456 67108864 60 pubsub 1 2 3");
    ck_assert_uint_eq(c.maxclients, 50);
    ck_assert_str_eq(c.config_file, path);
    config_free(&c);

    /* "--timeout --5": a word after a bare option name is its value even if
     * it starts with "--" (Redis 7.0), so this is "timeout --5". */
    config_init_defaults(&c);
    ck_assert_int_eq(load_argv(&c, 14, argv_ok), -1);
    ck_assert_str_eq(errbuf, BANNER "Reading the command line options, at line 6\n"
                                    ">>> 'timeout \"--5\"'\n"
                                    "argument couldn't be parsed into an integer\n");
    config_free(&c);

    config_init_defaults(&c);
    ck_assert_int_eq(load_argv(&c, 16, argv), -1);
    ck_assert_str_eq(errbuf, BANNER "Reading the command line options, at line 5\n"
                                    ">>> 'hz \"-1\"'\n"
                                    "argument must be between 0 and 2147483647 inclusive\n");
    config_free(&c);
}
END_TEST

START_TEST(test_args_without_file)
{
    struct config c;
    const char *a1[] = {"runnel-server", "--port", "6380", "--daemonize", "yes"};
    const char *a2[] = {"runnel-server", "--port", "1", "--foo", "bar"};
    const char *a3[] = {"runnel-server", "--hz"};
    const char *a4[] = {"runnel-server", "--bind"};
    const char *a5[] = {"runnel-server", "--save"};
    const char *a6[] = {"runnel-server", "--logfile", "a", "b"};
    const char *a7[] = {"runnel-server"};

    config_init_defaults(&c);
    ck_assert_int_eq(load_argv(&c, 5, a1), 0);
    ck_assert_int_eq(c.port, 6380);
    ck_assert_int_eq(c.daemonize, 1);
    ck_assert_ptr_null(c.config_file);
    ck_assert_int_eq(load_argv(&c, 1, a7), 0);

    ck_assert_int_eq(load_argv(&c, 5, a2), -1);
    ck_assert_str_eq(errbuf, BANNER "Reading the command line options, at line 2\n"
                                    ">>> 'foo \"bar\"'\n"
                                    "Bad directive or wrong number of arguments\n");
    ck_assert_int_eq(load_argv(&c, 2, a3), -1);
    ck_assert_str_eq(errbuf, BANNER "Reading the command line options, at line 1\n"
                                    ">>> 'hz'\nwrong number of arguments\n");
    /* A bare --bind empties the list (redis-server then refuses to start
     * listening nowhere; that is the server's decision). */
    ck_assert_int_eq(load_argv(&c, 2, a4), 0);
    ck_assert_int_eq(c.bind.count, 0);
    /* A trailing --save becomes save "" as in redis-server: no rules. */
    ck_assert_int_eq(load_argv(&c, 2, a5), 0);
    ck_assert_int_eq(c.save.count, 0);
    ck_assert_int_eq(load_argv(&c, 4, a6), -1);
    ck_assert_ptr_nonnull(strstr(errbuf, ">>> 'logfile \"a\" \"b\"'\nwrong number of arguments\n"));
    config_free(&c);
}
END_TEST

START_TEST(test_args_file_error)
{
    struct config c;
    const char *path = write_file("b.conf", "port 7000\nnope\n");
    const char *argv[] = {"runnel-server", path, "--port", "1"};
    char expected[PATH_MAX + 256];

    config_init_defaults(&c);
    ck_assert_int_eq(load_argv(&c, 4, argv), -1);
    snprintf(expected, sizeof(expected),
             BANNER "Reading the configuration file '%s', at line 2\n>>> 'nope'\n"
                    "Bad directive or wrong number of arguments\n",
             path);
    ck_assert_str_eq(errbuf, expected);
    config_free(&c);
}
END_TEST

START_TEST(test_args_quoting_round_trip)
{
    struct config c;
    const char *argv[] = {"runnel-server", "--logfile", "we\"ird\\ \n\x01 name"};

    config_init_defaults(&c);
    ck_assert_int_eq(load_argv(&c, 3, argv), 0);
    ck_assert_str_eq(c.logfile, "we\"ird\\ \n\x01 name");
    config_free(&c);
}
END_TEST

START_TEST(test_args_stdin)
{
    struct config c;
    int fds[2];
    const char *path = write_file("s.conf", "port 7000\nhz 20\n");
    const char *argv[] = {"runnel-server", path, "--hz", "30", "-"};
    const char *bad[] = {"runnel-server", "-"};
    const char *text = "hz 25\ntimeout 3\n";

    ck_assert_int_eq(pipe(fds), 0);
    ck_assert_int_eq(write(fds[1], text, strlen(text)), (ssize_t)strlen(text));
    close(fds[1]);
    ck_assert_int_eq(dup2(fds[0], 0), 0);
    config_init_defaults(&c);
    /* file, then standard input, then the options */
    ck_assert_int_eq(load_argv(&c, 5, argv), 0);
    ck_assert_int_eq(c.port, 7000);
    ck_assert_int_eq(c.timeout, 3);
    ck_assert_int_eq(c.hz, 30);

    text = "port 1\nport x\n";
    ck_assert_int_eq(pipe(fds), 0);
    ck_assert_int_eq(write(fds[1], text, strlen(text)), (ssize_t)strlen(text));
    close(fds[1]);
    ck_assert_int_eq(dup2(fds[0], 0), 0);
    clearerr(stdin);
    ck_assert_int_eq(load_argv(&c, 2, bad), -1);
    ck_assert_str_eq(errbuf, BANNER "Reading the configuration from standard input, at line 2\n"
                                    ">>> 'port x'\nargument couldn't be parsed into an integer\n");
    config_free(&c);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* CONFIG SET / GET                                                       */

START_TEST(test_set_values)
{
    struct config c;

    config_init_defaults(&c);
    set_ok(&c, "port", "7391");
    ck_assert_int_eq(c.port, 7391);
    set_ok(&c, "PORT", "0");
    ck_assert_int_eq(c.port, 0);
    set_ok(&c, "hz", "0");
    expect_get(&c, "hz", "1");
    set_ok(&c, "hz", "1000");
    expect_get(&c, "hz", "500");
    set_ok(&c, "loglevel", "DEBUG");
    expect_get(&c, "loglevel", "debug");
    set_ok(&c, "proto-max-bulk-len", "1MB");
    expect_get(&c, "proto-max-bulk-len", "1048576");
    set_ok(&c, "client-query-buffer-limit", "2gb");
    expect_get(&c, "client-query-buffer-limit", "2147483648");
    set_ok(&c, "stream-node-max-bytes", "");
    expect_get(&c, "stream-node-max-bytes", "0");
    set_ok(&c, "stream-node-max-bytes", "b");
    set_ok(&c, "stream-node-max-bytes", "4k");
    expect_get(&c, "stream-node-max-bytes", "4000");
    set_ok(&c, "stream-node-max-entries", "9223372036854775807");
    set_ok(&c, "maxclients", "1");
    set_ok(&c, "timeout", "2147483647");
    set_ok(&c, "tcp-keepalive", "0");
    set_ok(&c, "bind", "-1.2.3.4 127.0.0.1");
    expect_get(&c, "bind", "-1.2.3.4 127.0.0.1");
    set_ok(&c, "bind", "");
    ck_assert_int_eq(c.bind.count, 0);
    set_ok(&c, "bind", "* -::*");
    expect_get(&c, "bind", "* -::*");
    config_free(&c);
}
END_TEST

START_TEST(test_set_obuf_partial)
{
    struct config c;

    config_init_defaults(&c);
    set_ok(&c, "client-output-buffer-limit", "normal 1mb 0 0");
    expect_get(&c, "client-output-buffer-limit",
               "normal 1048576 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
    set_ok(&c, "client-output-buffer-limit", "replica 1gb 2kb 5");
    expect_get(&c, "client-output-buffer-limit",
               "normal 1048576 0 0 slave 1073741824 2048 5 pubsub 33554432 8388608 60");
    set_ok(&c, "client-output-buffer-limit", "NORMAL 0 0 0");
    set_ok(&c, "client-output-buffer-limit", "");
    expect_get(&c, "client-output-buffer-limit",
               "normal 0 0 0 slave 1073741824 2048 5 pubsub 33554432 8388608 60");
    set_err(&c, "client-output-buffer-limit", "master 0 0 0",
            "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - "
            "Invalid client class specified in buffer limit configuration.");
    set_err(&c, "client-output-buffer-limit", "normal 0 0",
            "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - "
            "Wrong number of arguments in buffer limit configuration.");
    /* CONFIG SET splits on single spaces: a double space is an empty word. */
    set_err(&c, "client-output-buffer-limit", "normal  0 0 0",
            "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - "
            "Wrong number of arguments in buffer limit configuration.");
    /* A bad later group leaves the earlier one unapplied. */
    set_err(&c, "client-output-buffer-limit", "normal 7 7 7 pubsub x 0 0",
            "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - "
            "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
    set_err(&c, "client-output-buffer-limit", "normal -1 0 0",
            "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - "
            "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
    expect_get(&c, "client-output-buffer-limit",
               "normal 0 0 0 slave 1073741824 2048 5 pubsub 33554432 8388608 60");
    config_free(&c);
}
END_TEST

START_TEST(test_set_errors)
{
    struct config c;

    config_init_defaults(&c);
    set_err(&c, "port", "abc",
            "ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be "
            "parsed into an integer");
    set_err(&c, "PORT", " 80",
            "ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be "
            "parsed into an integer");
    set_err(&c, "port", "70000",
            "ERR CONFIG SET failed (possibly related to argument 'port') - argument must be "
            "between 0 and 65535 inclusive");
    set_err(&c, "port", "",
            "ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be "
            "parsed into an integer");
    set_err(&c, "databases", "3",
            "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set "
            "immutable config");
    set_err(&c, "DATABASES", "3",
            "ERR CONFIG SET failed (possibly related to argument 'DATABASES') - can't set "
            "immutable config");
    set_err(&c, "daemonize", "",
            "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set "
            "immutable config");
    const char *immutable[] = {"unixsocket", "unixsocketperm", "tcp-backlog", "logfile",
                               "pidfile", "effect-trace-file"};
    for (size_t i = 0; i < sizeof(immutable) / sizeof(immutable[0]); i++) {
        char msg[256];
        snprintf(msg, sizeof(msg),
                 "ERR CONFIG SET failed (possibly related to argument '%s') - can't set "
                 "immutable config",
                 immutable[i]);
        set_err(&c, immutable[i], "x", msg);
    }
    set_err(&c, "foo", "bar", "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
    set_err(&c, "hz", "-1",
            "ERR CONFIG SET failed (possibly related to argument 'hz') - argument must be between "
            "0 and 2147483647 inclusive");
    set_err(&c, "maxclients", "0",
            "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be "
            "between 1 and 4294967295 inclusive");
    set_err(&c, "loglevel", "",
            "ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be "
            "one of the following: debug, verbose, notice, warning");
    set_err(&c, "proto-max-bulk-len", "abc",
            "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument "
            "must be a memory value");
    set_err(&c, "proto-max-bulk-len", "1000",
            "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument "
            "must be between 1048576 and 9223372036854775807 inclusive");
    set_err(&c, "proto-max-bulk-len", "99999999999999999999",
            "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument "
            "must be between 1048576 and 9223372036854775807 inclusive");
    set_err(&c, "client-query-buffer-limit", "1k",
            "ERR CONFIG SET failed (possibly related to argument 'client-query-buffer-limit') - "
            "argument must be between 1048576 and 9223372036854775807 inclusive");
    set_err(&c, "stream-node-max-bytes", " 1",
            "ERR CONFIG SET failed (possibly related to argument 'stream-node-max-bytes') - "
            "argument must be a memory value");
    set_err(&c, "stream-node-max-entries", "1k",
            "ERR CONFIG SET failed (possibly related to argument 'stream-node-max-entries') - "
            "argument couldn't be parsed into an integer");
    set_err(&c, "bind", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17",
            "ERR CONFIG SET failed (possibly related to argument 'bind') - Too many bind addresses "
            "specified.");
    set_err(&c, "dir", "/nonexistent-dir-xyz",
            "ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or "
            "directory");
    set_err(&c, "dir", "",
            "ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or "
            "directory");
    set_err(&c, "dir", "/etc/passwd",
            "ERR CONFIG SET failed (possibly related to argument 'dir') - Not a directory");
    /* Nothing changed. */
    {
        struct config d;
        config_init_defaults(&d);
        expect_same(&c, &d);
        config_free(&d);
    }
    config_free(&c);
}
END_TEST

START_TEST(test_set_dir)
{
    struct config c;
    char sub[PATH_MAX + 8], slash[PATH_MAX + 8];

    config_init_defaults(&c);
    set_ok(&c, "dir", tmpdir);
    expect_get(&c, "dir", tmpdir);
    snprintf(sub, sizeof(sub), "%s/sub", tmpdir);
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    set_ok(&c, "dir", "sub");
    expect_get(&c, "dir", sub);
    snprintf(slash, sizeof(slash), "%s/", tmpdir);
    set_ok(&c, "dir", slash);
    expect_get(&c, "dir", tmpdir);
    config_free(&c);
}
END_TEST

START_TEST(test_set_multi_checks)
{
    struct config c;
    const char *n1[] = {"hz", "HZ"}, *v1[] = {"5", "6"};
    const char *n2[] = {"hz", "foo", "databases"}, *v2[] = {"5", "1", "2"};
    const char *n3[] = {"databases", "foo"}, *v3[] = {"2", "1"};
    const char *n4[] = {"hz", "port"}, *v4[] = {"5", "abc"};
    const char *n5[] = {"hz", "port"}, *v5[] = {"abc", "abc"};
    const char *n6[] = {"hz", "port", "bind", "client-output-buffer-limit"},
               *v6[] = {"20", "7000", "1.1.1.1 2.2.2.2", "pubsub 1 1 1"};
    const char *n7[] = {"hz", "bind", "client-output-buffer-limit", "port"},
               *v7[] = {"20", "1.1.1.1", "pubsub 1 1 1", "70000"};

    config_init_defaults(&c);
    ck_assert_int_eq(config_set_multi(&c, 2, n1, v1, errbuf, sizeof(errbuf)), -1);
    ck_assert_str_eq(errbuf, "ERR CONFIG SET failed (possibly related to argument 'HZ') - "
                             "duplicate parameter");
    ck_assert_int_eq(config_set_multi(&c, 3, n2, v2, errbuf, sizeof(errbuf)), -1);
    ck_assert_str_eq(errbuf, "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
    ck_assert_int_eq(config_set_multi(&c, 2, n3, v3, errbuf, sizeof(errbuf)), -1);
    ck_assert_str_eq(errbuf, "ERR CONFIG SET failed (possibly related to argument 'databases') - "
                             "can't set immutable config");
    ck_assert_int_eq(config_set_multi(&c, 2, n4, v4, errbuf, sizeof(errbuf)), -1);
    ck_assert_str_eq(errbuf, "ERR CONFIG SET failed (possibly related to argument 'port') - "
                             "argument couldn't be parsed into an integer");
    ck_assert_int_eq(c.hz, 10); /* hz 5 was undone */
    ck_assert_int_eq(config_set_multi(&c, 2, n5, v5, errbuf, sizeof(errbuf)), -1);
    ck_assert_str_eq(errbuf, "ERR CONFIG SET failed (possibly related to argument 'hz') - "
                             "argument couldn't be parsed into an integer");

    ck_assert_int_eq(config_set_multi(&c, 4, n6, v6, errbuf, sizeof(errbuf)), 0);
    ck_assert_int_eq(c.hz, 20);
    ck_assert_int_eq(c.port, 7000);
    expect_get(&c, "bind", "1.1.1.1 2.2.2.2");
    expect_get(&c, "client-output-buffer-limit",
               "normal 0 0 0 slave 268435456 67108864 60 pubsub 1 1 1");

    /* The last value is bad: every earlier one goes back. */
    ck_assert_int_eq(config_set_multi(&c, 4, n7, v7, errbuf, sizeof(errbuf)), -1);
    ck_assert_str_eq(errbuf, "ERR CONFIG SET failed (possibly related to argument 'port') - "
                             "argument must be between 0 and 65535 inclusive");
    ck_assert_int_eq(c.hz, 20);
    ck_assert_int_eq(c.port, 7000);
    expect_get(&c, "bind", "1.1.1.1 2.2.2.2");
    expect_get(&c, "client-output-buffer-limit",
               "normal 0 0 0 slave 268435456 67108864 60 pubsub 1 1 1");
    config_free(&c);
}
END_TEST

/* An apply hook that records its calls and fails on a chosen option. */
struct hook_log {
    struct config *c;
    char calls[512];
    const char *fail_on;
    const char *reason;
    int seen_port; /* c->port as the hook saw it on the first "port" call */
};

static int hook_apply(void *opaque, const char *name, char *err, size_t errlen)
{
    struct hook_log *h = opaque;

    if (h->calls[0])
        strcat(h->calls, ",");
    strcat(h->calls, name);
    if (!h->seen_port && strcmp(name, "port") == 0)
        h->seen_port = h->c->port;
    if (h->fail_on && strcmp(name, h->fail_on) == 0 && h->c->port != 6379) {
        snprintf(err, errlen, "%s", h->reason);
        return -1;
    }
    return 0;
}

START_TEST(test_apply_hook)
{
    struct config c;
    struct hook_log h = {0};
    const char *n1[] = {"hz", "port", "maxclients", "timeout"},
               *v1[] = {"20", "7000", "50", "0"};

    config_init_defaults(&c);
    h.c = &c;
    c.apply = hook_apply;
    c.apply_opaque = &h;

    /* Only changed options reach the hook, after all values are stored. */
    ck_assert_int_eq(config_set_multi(&c, 4, n1, v1, errbuf, sizeof(errbuf)), 0);
    ck_assert_str_eq(h.calls, "hz,port,maxclients");
    ck_assert_int_eq(h.seen_port, 7000);

    /* Setting the same value again calls nothing. */
    h.calls[0] = '\0';
    set_ok(&c, "port", "7000");
    set_ok(&c, "hz", "20");
    set_ok(&c, "hz", "600"); /* 500 after clamping: a change */
    set_ok(&c, "hz", "501"); /* 500 again: no change */
    ck_assert_str_eq(h.calls, "hz");

    /* Non-mutable and unknown options never reach the hook. */
    h.calls[0] = '\0';
    set_err(&c, "databases", "1",
            "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set "
            "immutable config");
    ck_assert_str_eq(h.calls, "");
    config_free(&c);
}
END_TEST

START_TEST(test_apply_hook_failure_rolls_back)
{
    struct config c;
    struct hook_log h = {0};
    const char *n1[] = {"hz", "port", "maxclients"}, *v1[] = {"20", "7000", "50"};

    config_init_defaults(&c);
    h.c = &c;
    h.fail_on = "port";
    h.reason = "Unable to listen on this port.";
    c.apply = hook_apply;
    c.apply_opaque = &h;

    ck_assert_int_eq(config_set_multi(&c, 3, n1, v1, errbuf, sizeof(errbuf)), -1);
    ck_assert_str_eq(errbuf, "ERR CONFIG SET failed (possibly related to argument 'port') - "
                             "Unable to listen on this port.");
    ck_assert_int_eq(c.hz, 10);
    ck_assert_int_eq(c.port, 6379);
    ck_assert_uint_eq(c.maxclients, 10000);
    /* hz and port were applied, port failed; then every changed option is
     * re-applied with its restored value. */
    ck_assert_str_eq(h.calls, "hz,port,hz,port,maxclients");

    /* A hook that fails without a reason: Redis's short form. */
    h.reason = "";
    h.calls[0] = '\0';
    set_err(&c, "port", "7001", "ERR CONFIG SET failed (possibly related to argument 'port')");
    ck_assert_int_eq(c.port, 6379);
    config_free(&c);
}
END_TEST

START_TEST(test_apply_hook_rollback_dir)
{
    struct config c;
    struct hook_log h = {0};
    char cwd[PATH_MAX];
    const char *n1[] = {"dir", "port"}, *v1[2] = {tmpdir, "7000"};

    ck_assert_int_eq(chdir("/"), 0);
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
    config_init_defaults(&c);
    h.c = &c;
    h.fail_on = "port";
    h.reason = "nope";
    c.apply = hook_apply;
    c.apply_opaque = &h;
    ck_assert_int_eq(config_set_multi(&c, 2, n1, v1, errbuf, sizeof(errbuf)), -1);
    expect_get(&c, "dir", cwd);
    config_free(&c);
}
END_TEST

START_TEST(test_get_match)
{
    struct config_match m;
    const char *p1[] = {"port"};
    const char *p2[] = {"PORT", "port", "p*rt", "tcp-backlog"};
    const char *p3[] = {"port", "PORT"};
    const char *p4[] = {"PO*"};
    const char *p5[] = {"*"};
    const char *p6[] = {"nosuch", "", "po\\rt", "por\\t"};
    const char *p7[] = {"P[O]RT", "*ind", "stream-node-max-????s", "client-*-limit"};
    const char *p8[] = {"PORT", "p*"};
    const char *p9[] = {"port*\0junk"};
    size_t l9[] = {10};
    int i;

    config_match(&m, 1, p1, NULL);
    ck_assert_int_eq(m.count, 1);
    ck_assert_int_eq(m.id[0], CONFIG_ID_PORT);
    ck_assert_str_eq(m.name[0], "port");

    /* An exact name replies as the client spelt it; later matches of the
     * same option are dropped. */
    config_match(&m, 4, p2, NULL);
    ck_assert_int_eq(m.count, 2);
    ck_assert_int_eq(m.id[0], CONFIG_ID_PORT);
    ck_assert_int_eq((int)m.name_len[0], 4);
    ck_assert(memcmp(m.name[0], "PORT", 4) == 0);
    ck_assert_int_eq(m.id[1], CONFIG_ID_TCP_BACKLOG);
    config_match(&m, 2, p3, NULL);
    ck_assert_int_eq(m.count, 1);
    ck_assert(memcmp(m.name[0], "port", 4) == 0);

    /* Globs are case-insensitive and reply with the option's name. */
    config_match(&m, 1, p4, NULL);
    ck_assert_int_eq(m.count, 1);
    ck_assert_str_eq(m.name[0], "port");

    /* "*" lists every option, then every alias (7.0 lists both names). */
    config_match(&m, 1, p5, NULL);
    ck_assert_int_eq(m.count, CONFIG_NOPTIONS + CONFIG_NALIASES);
    for (i = 0; i < CONFIG_NOPTIONS; i++)
        ck_assert_str_eq(m.name[i], config_option_name(m.id[i]));
    for (i = CONFIG_NOPTIONS; i < m.count; i++)
        ck_assert_int_eq(config_lookup(m.name[i]), m.id[i]);
    ck_assert_int_eq(config_lookup("slave-priority"), CONFIG_ID_REPLICA_PRIORITY);
    ck_assert_int_eq(config_lookup("SLAVEOF"), CONFIG_ID_REPLICAOF);

    /* No glob characters means an exact lookup, so escapes do not apply. */
    config_match(&m, 4, p6, NULL);
    ck_assert_int_eq(m.count, 0);

    config_match(&m, 4, p7, NULL);
    ck_assert_int_eq(m.count, 5);
    ck_assert_int_eq(m.id[0], CONFIG_ID_PORT);
    ck_assert_str_eq(m.name[0], "port");
    ck_assert_int_eq(m.id[1], CONFIG_ID_BIND);
    ck_assert_int_eq(m.id[2], CONFIG_ID_STREAM_NODE_MAX_BYTES);
    ck_assert_int_eq(m.id[3], CONFIG_ID_CLIENT_QUERY_BUFFER_LIMIT);
    ck_assert_int_eq(m.id[4], CONFIG_ID_CLIENT_OUTPUT_BUFFER_LIMIT);

    /* PORT then p*: port once, as PORT, then the other p* options. */
    config_match(&m, 2, p8, NULL);
    ck_assert_int_eq(m.count, 5);
    ck_assert(memcmp(m.name[0], "PORT", 4) == 0);
    ck_assert_int_eq(m.id[1], CONFIG_ID_PROTO_MAX_BULK_LEN);
    ck_assert_int_eq(m.id[2], CONFIG_ID_PIDFILE);
    ck_assert_int_eq(m.id[3], CONFIG_ID_PROPAGATION_ERROR_BEHAVIOR);
    ck_assert_int_eq(m.id[4], CONFIG_ID_PROTECTED_MODE);

    /* Counted patterns: bytes past a NUL still count. */
    config_match(&m, 1, p9, l9);
    ck_assert_int_eq(m.count, 0);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* CONFIG REWRITE                                                         */

/* save: Redis 7.0's checks and texts; file lines add up, CONFIG SET
 * replaces; REWRITE puts every rule on the first save line. */
START_TEST(test_save_rules)
{
    struct config c;
    char *v;

    config_init_defaults(&c);
    v = config_get_value(&c, CONFIG_ID_SAVE);
    ck_assert_str_eq(v, "3600 1 300 100 60 10000");
    mem_free(v);
    ck_assert_int_eq(load_text(&c, "save 900 1\nport 7000\nsave 300 10\n"), 0);
    ck_assert_int_eq(c.save.count, 2);
    ck_assert_int_eq(c.save.rules[1].seconds, 300);
    ck_assert_int_eq(c.save.rules[1].changes, 10);
    static const char *const bad[] = {"1", "a b", "-1 5", "0 5", "10 -1", " 100 5", "100  5"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_int_eq(config_set(&c, "save", bad[i], errbuf, sizeof(errbuf)), -1);
        ck_assert_str_eq(errbuf, "ERR CONFIG SET failed (possibly related to argument 'save') - "
                                 "Invalid save parameters");
    }
    ck_assert_int_eq(c.save.count, 2);
    ck_assert_int_eq(config_set(&c, "save", "+5 0", errbuf, sizeof(errbuf)), 0);
    ck_assert_int_eq(c.save.count, 1);
    ck_assert_int_eq(c.save.rules[0].seconds, 5);
    ck_assert_int_eq(config_set(&c, "save", "", errbuf, sizeof(errbuf)), 0);
    ck_assert_int_eq(c.save.count, 0);
    v = config_get_value(&c, CONFIG_ID_SAVE);
    ck_assert_str_eq(v, "");
    mem_free(v);
    ck_assert_int_eq(config_rewrite(&c, c.config_file, errbuf, sizeof(errbuf)), 0);
    v = read_file(c.config_file);
    ck_assert_int_eq(strncmp(v, "save \"\"\nport 7000\n", 18), 0);
    mem_free(v);
    ck_assert_int_eq(config_set(&c, "save", "10 1 20 2", errbuf, sizeof(errbuf)), 0);
    ck_assert_int_eq(config_rewrite(&c, c.config_file, errbuf, sizeof(errbuf)), 0);
    v = read_file(c.config_file);
    ck_assert_int_eq(strncmp(v, "save 10 1 20 2\nport 7000\n", 25), 0);
    ck_assert_ptr_null(strstr(v + 24, "\nsave ")); /* no second save line */
    mem_free(v);
    ck_assert_int_eq(config_set(&c, "dbfilename", "a/b.rdb", errbuf, sizeof(errbuf)), -1);
    ck_assert_ptr_nonnull(strstr(errbuf, "dbfilename can't be a path, just a filename"));
    config_free(&c);
}
END_TEST

START_TEST(test_rewrite_no_file)
{
    struct config c;

    config_init_defaults(&c);
    ck_assert_int_eq(config_rewrite(&c, NULL, errbuf, sizeof(errbuf)), -1);
    ck_assert_str_eq(errbuf, "ERR The server is running without a config file");
    config_free(&c);
}
END_TEST

START_TEST(test_rewrite_layout)
{
    struct config c;
    char text[4096], expected[4096];
    const char *path;
    char *out;

    /* The file of a Redis 7.0.15 session whose rewrite we compare with:
     * Redis dropped the bind line (it held its default) and the
     * unixsocket "" line; we rewrite both in place instead. */
    ck_assert_int_eq(chdir(tmpdir), 0);
    write_file("inc.conf", "timeout 5\n");
    snprintf(text, sizeof(text),
             "# top comment\n"
             "   # indented comment\n"
             "port 7492\n"
             "bind * -::*\n"
             "\n"
             "\n"
             "hz 10\n"
             "hz 20\n"
             "  LOGLEVEL   warning\n"
             "proto-max-bulk-len 1048576\n"
             "unixsocket \"\"\n"
             "client-output-buffer-limit pubsub 32mb 8mb 60\n"
             "include %s/inc.conf\n",
             tmpdir);
    config_init_defaults(&c);
    ck_assert_int_eq(load_text(&c, text), 0);
    path = c.config_file;
    set_ok(&c, "hz", "15");
    set_ok(&c, "maxclients", "500");
    set_ok(&c, "tcp-keepalive", "300");
    set_ok(&c, "stream-node-max-bytes", "1mb");
    set_ok(&c, "client-output-buffer-limit", "normal 1mb 0 0");
    ck_assert_int_eq(config_rewrite(&c, path, errbuf, sizeof(errbuf)), 0);
    snprintf(expected, sizeof(expected),
             "# top comment\n"
             "# indented comment\n"
             "port 7492\n"
             "bind * -::*\n"
             "\n"
             "hz 15\n"
             "\n"
             "loglevel warning\n"
             "proto-max-bulk-len 1mb\n"
             "unixsocket \"\"\n"
             "client-output-buffer-limit normal 1mb 0 0\n"
             "include %s/inc.conf\n"
             "\n"
             "# Generated by CONFIG REWRITE\n"
             "timeout 5\n"
             "maxclients 500\n"
             "dir \"%s\"\n"
             "stream-node-max-bytes 1mb\n",
             tmpdir, tmpdir);
    out = read_file(path);
    ck_assert_str_eq(out, expected);
    mem_free(out);

    /* A second rewrite after another change reuses the generated lines. */
    set_ok(&c, "timeout", "7");
    ck_assert_int_eq(config_rewrite(&c, path, errbuf, sizeof(errbuf)), 0);
    out = read_file(path);
    ck_assert_ptr_nonnull(strstr(out, "# Generated by CONFIG REWRITE\ntimeout 7\nmaxclients 500\n"));
    ck_assert_ptr_null(strstr(out, "timeout 5"));
    mem_free(out);
    config_free(&c);
}
END_TEST

/* CONFIG REWRITE's user lines come from the ACL (a stub here). */
static char **stub_users(void *opaque, int *n)
{
    static const char *const users[] = {"user alice on nopass", "user bob off",
                                        "user default on nopass ~* &* +@all"};
    char **out = mem_alloc(sizeof(users));
    (void)opaque;
    for (int i = 0; i < 3; i++)
        out[i] = mem_strdup(users[i]);
    *n = 3;
    return out;
}

START_TEST(test_rewrite_users)
{
    struct config c;
    char *out;
    char expected[PATH_MAX + 512];

    ck_assert_int_eq(chdir(tmpdir), 0);
    config_init_defaults(&c);
    /* user and rename-command lines are kept for the server; a rewrite
     * puts the current users on the old user lines, in order, then after
     * the signature, and leaves rename-command alone (Redis 7.0). */
    ck_assert_int_eq(load_text(&c, "port 7492\nrename-command FLUSHALL \"\"\nuser alice on >x\n"
                                   "# c\nuser gone on\n"),
                     0);
    ck_assert_int_eq(c.users.count, 2);
    ck_assert_int_eq(c.users.line[0].argc, 3);
    ck_assert_str_eq(c.users.line[0].argv[2].ptr, ">x");
    ck_assert_int_eq(c.renames.count, 1);
    ck_assert_int_eq(c.renames.line[0].argv[1].len, 0);
    c.rewrite_users = stub_users;
    ck_assert_int_eq(config_rewrite(&c, c.config_file, errbuf, sizeof(errbuf)), 0);
    out = read_file(c.config_file);
    snprintf(expected, sizeof(expected),
             "port 7492\nrename-command FLUSHALL \"\"\nuser alice on nopass\n# c\nuser bob off\n"
             "\n# Generated by CONFIG REWRITE\ndir \"%s\"\nuser default on nopass ~* &* +@all\n",
             tmpdir);
    ck_assert_str_eq(out, expected);
    mem_free(out);
    config_free(&c);
}
END_TEST

START_TEST(test_rewrite_trailing_lines)
{
    struct config c;
    char *out;
    char expected[PATH_MAX + 128];

    ck_assert_int_eq(chdir(tmpdir), 0);
    config_init_defaults(&c);
    /* No final newline: no blank line before the signature. */
    ck_assert_int_eq(load_text(&c, "port 7492"), 0);
    set_ok(&c, "maxclients", "500");
    ck_assert_int_eq(config_rewrite(&c, c.config_file, errbuf, sizeof(errbuf)), 0);
    out = read_file(c.config_file);
    snprintf(expected, sizeof(expected),
             "port 7492\n# Generated by CONFIG REWRITE\nmaxclients 500\ndir \"%s\"\n", tmpdir);
    ck_assert_str_eq(out, expected);
    mem_free(out);

    /* A signature already there is reused, and what follows it kept. */
    ck_assert_int_eq(load_text(&c, "port 7492\n# Generated by CONFIG REWRITE\nhz 11\n# end"), 0);
    set_ok(&c, "timeout", "9");
    ck_assert_int_eq(config_rewrite(&c, c.config_file, errbuf, sizeof(errbuf)), 0);
    out = read_file(c.config_file);
    snprintf(expected, sizeof(expected),
             "port 7492\n# Generated by CONFIG REWRITE\nhz 11\n# end\ntimeout 9\nmaxclients 500\n"
             "dir \"%s\"\n",
             tmpdir);
    ck_assert_str_eq(out, expected);
    mem_free(out);

    /* An empty file: only the generated section. */
    ck_assert_int_eq(load_text(&c, ""), 0);
    ck_assert_int_eq(config_rewrite(&c, c.config_file, errbuf, sizeof(errbuf)), 0);
    out = read_file(c.config_file);
    snprintf(expected, sizeof(expected),
             "# Generated by CONFIG REWRITE\nport 7492\ntimeout 9\nmaxclients 500\n"
             "dir \"%s\"\nhz 11\n",
             tmpdir);
    ck_assert_str_eq(out, expected);
    mem_free(out);
    config_free(&c);
}
END_TEST

START_TEST(test_rewrite_aliases)
{
    struct config c;
    char *out;
    char expected[PATH_MAX + 256];

    ck_assert_int_eq(chdir(tmpdir), 0);
    config_init_defaults(&c);
    /* 7.0's old names load as their options; REWRITE writes the option's
     * own name over each alias's line (what Redis 7.0.15 writes), and
     * replicaof as two plain words. */
    ck_assert_int_eq(load_text(&c, "slave-read-only no\nslaveof 127.0.0.1 6380\n"
                                   "hash-max-ziplist-entries 100\nslave-priority 5\n"),
                     0);
    ck_assert_int_eq(c.replica_read_only, 0);
    ck_assert_int_eq(c.replica_priority, 5);
    ck_assert_int_eq(c.hash_max_listpack_entries, 100);
    ck_assert_str_eq(c.replicaof, "127.0.0.1 6380");
    ck_assert_int_eq(config_rewrite(&c, c.config_file, errbuf, sizeof(errbuf)), 0);
    out = read_file(c.config_file);
    snprintf(expected, sizeof(expected),
             "replica-read-only no\nreplicaof 127.0.0.1 6380\nhash-max-listpack-entries 100\n"
             "replica-priority 5\n\n# Generated by CONFIG REWRITE\ndir \"%s\"\n",
             tmpdir);
    ck_assert_str_eq(out, expected);
    mem_free(out);

    /* A master has no replicaof line: its line is blanked (the file's
     * last newline had made an empty last line, kept as in Redis). */
    set_ok(&c, "slave-priority", "6");
    ck_assert_int_eq(c.replica_priority, 6);
    mem_free(c.replicaof);
    c.replicaof = mem_strdup("");
    ck_assert_int_eq(config_rewrite(&c, c.config_file, errbuf, sizeof(errbuf)), 0);
    out = read_file(c.config_file);
    snprintf(expected, sizeof(expected),
             "replica-read-only no\n\nhash-max-listpack-entries 100\n"
             "replica-priority 6\n\n# Generated by CONFIG REWRITE\ndir \"%s\"\n\n",
             tmpdir);
    ck_assert_str_eq(out, expected);
    mem_free(out);
    config_free(&c);
}
END_TEST

START_TEST(test_rewrite_formats)
{
    struct config c;
    const char *path;
    char *out;

    ck_assert_int_eq(chdir(tmpdir), 0);
    config_init_defaults(&c);
    ck_assert_int_eq(load_text(&c, "logfile \"a \\\"b\\\"\\n\\x01\"\nunixsocketperm 750\n"
                                   "bind \"\"\nclient-output-buffer-limit slave 1 2 3\n"
                                   "client-output-buffer-limit normal 0 0 0\n"
                                   "daemonize yes\nloglevel debug\nclient-query-buffer-limit 3gb\n"
                                   "proto-max-bulk-len 1025kb\nstream-node-max-bytes 1000\n"
                                   "unknown-now\n"),
                     -1);
    /* Unknown lines can appear when the file is edited after start-up. */
    ck_assert_int_eq(load_text(&c, "logfile \"a \\\"b\\\"\\n\\x01\"\nunixsocketperm 750\n"
                                   "bind \"\"\nclient-output-buffer-limit slave 1 2 3\n"
                                   "client-output-buffer-limit normal 0 0 0\n"
                                   "daemonize yes\nloglevel debug\nclient-query-buffer-limit 3gb\n"
                                   "proto-max-bulk-len 1025kb\nstream-node-max-bytes 1000\n"),
                     0);
    path = write_file("t.conf", "logfile x\nunixsocketperm 1\nbind 1\n"
                                "client-output-buffer-limit slave 1 2 3\n"
                                "client-output-buffer-limit normal 0 0 0\n"
                                "unknown-now 1\nport \"unbalanced\n");
    ck_assert_int_eq(config_rewrite(&c, path, errbuf, sizeof(errbuf)), 0);
    out = read_file(path);
    ck_assert_ptr_nonnull(strstr(out, "logfile \"a \\\"b\\\"\\n\\x01\"\n"
                                      "unixsocketperm 750\n"
                                      "bind \"\"\n"
                                      "client-output-buffer-limit normal 0 0 0\n"
                                      "client-output-buffer-limit replica 1 2 3\n"
                                      "# ??? unknown-now 1\n"
                                      "# ??? port \"unbalanced\n"
                                      "\n# Generated by CONFIG REWRITE\n"));
    ck_assert_ptr_nonnull(strstr(out, "\nclient-query-buffer-limit 3gb\n"));
    ck_assert_ptr_nonnull(strstr(out, "\nproto-max-bulk-len 1025kb\n"));
    ck_assert_ptr_nonnull(strstr(out, "\nloglevel debug\n"));
    ck_assert_ptr_nonnull(strstr(out, "\ndaemonize yes\n"));
    ck_assert_ptr_nonnull(strstr(out, "\nstream-node-max-bytes 1000\n"));
    ck_assert_ptr_null(strstr(out, "pubsub"));   /* still at its default */
    ck_assert_ptr_null(strstr(out, "\nport "));  /* default, not in the file */
    mem_free(out);
    config_free(&c);
}
END_TEST

START_TEST(test_rewrite_round_trip)
{
    struct config c, d;
    const char *path;
    char *out;
    int i;
    const char *sets[][2] = {
        {"bind", "10.0.0.1 -::1"},
        {"port", "6390"},
        {"tcp-keepalive", "60"},
        {"timeout", "12"},
        {"maxclients", "123"},
        {"proto-max-bulk-len", "3000000"},
        {"client-query-buffer-limit", "2gb"},
        {"client-output-buffer-limit", "normal 1 2 3 replica 4mb 5kb 6 pubsub 0 0 0"},
        {"loglevel", "verbose"},
        {"hz", "77"},
        {"stream-node-max-bytes", "0"},
        {"stream-node-max-entries", "5"},
    };

    ck_assert_int_eq(chdir(tmpdir), 0);
    config_init_defaults(&c);
    ck_assert_int_eq(load_text(&c, "# keep me\n"
                                   "unixsocket /tmp/r.sock\n"
                                   "unixsocketperm 755\n"
                                   "logfile \"with space.log\"\n"
                                   "daemonize yes\n"
                                   "databases 3\n"
                                   "tcp-backlog 100\n"
                                   "pidfile ''\n"
                                   "effect-trace-file \"/tmp/fx \\\"1\\\"\"\n"
                                   "port 1\n"
                                   "# keep me too\n"
                                   "port 2\n"),
                     0);
    path = c.config_file;
    for (i = 0; i < (int)(sizeof(sets) / sizeof(sets[0])); i++)
        set_ok(&c, sets[i][0], sets[i][1]);
    ck_assert_int_eq(config_rewrite(&c, path, errbuf, sizeof(errbuf)), 0);

    config_init_defaults(&d);
    ck_assert_int_eq(chdir("/"), 0);
    ck_assert_msg(config_load_file(&d, path, errbuf, sizeof(errbuf)) == 0, "%s", errbuf);
    expect_same(&c, &d);
    out = read_file(path);
    ck_assert_ptr_nonnull(strstr(out, "# keep me\n"));
    ck_assert_ptr_nonnull(strstr(out, "# keep me too\n"));
    ck_assert_ptr_nonnull(strstr(out, "port 6390\n# keep me too\n\n"));
    mem_free(out);

    /* Rewriting again without changes is stable.  (The first time adds one
     * blank line at the end, as Redis 7.0 does: the text after the final
     * newline counts as an empty line.) */
    ck_assert_int_eq(config_rewrite(&d, path, errbuf, sizeof(errbuf)), 0);
    out = read_file(path);
    ck_assert_int_eq(config_rewrite(&d, path, errbuf, sizeof(errbuf)), 0);
    {
        char *again = read_file(path);
        ck_assert_str_eq(again, out);
        mem_free(again);
    }
    mem_free(out);
    config_free(&c);
    config_free(&d);
}
END_TEST

START_TEST(test_rewrite_creates_missing_file_and_mode)
{
    struct config c;
    char path[PATH_MAX + 16];
    struct stat st;
    char *out;

    ck_assert_int_eq(chdir(tmpdir), 0);
    umask(022);
    snprintf(path, sizeof(path), "%s/new.conf", tmpdir);
    config_init_defaults(&c);
    ck_assert_int_eq(config_rewrite(&c, path, errbuf, sizeof(errbuf)), 0);
    out = read_file(path);
    /* Defaults are not written; dir always is (it has no default). */
    ck_assert_ptr_nonnull(strstr(out, "# Generated by CONFIG REWRITE\ndir \""));
    ck_assert_ptr_null(strstr(out, "port"));
    mem_free(out);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0644);
    config_free(&c);
}
END_TEST

START_TEST(test_rewrite_unwritable)
{
    struct config c;

    config_init_defaults(&c);
    ck_assert_int_eq(config_rewrite(&c, "/nonexistent-dir-xyz/r.conf", errbuf, sizeof(errbuf)), -1);
    ck_assert_str_eq(errbuf, "ERR Rewriting config file: No such file or directory");
    config_free(&c);
}
END_TEST

START_TEST(test_rewrite_runnel_conf_copy)
{
    struct config c, d;
    char src[PATH_MAX], *text, *out;
    const char *path;

    find_runnel_conf(src, sizeof(src));
    text = read_file(src);
    ck_assert_int_eq(chdir(tmpdir), 0);
    config_init_defaults(&c);
    ck_assert_int_eq(load_text(&c, text), 0);
    path = c.config_file;
    set_ok(&c, "port", "6400");
    ck_assert_int_eq(config_rewrite(&c, path, errbuf, sizeof(errbuf)), 0);
    out = read_file(path);
    /* Only port and dir changed text; every comment survived. */
    ck_assert_ptr_nonnull(strstr(out, "\nport 6400\n"));
    ck_assert_ptr_nonnull(strstr(out, "# Runnel configuration file example."));
    ck_assert_ptr_nonnull(strstr(out, "# effect-trace-file /tmp/runnel-effects.resp\n"));
    ck_assert_ptr_null(strstr(out, "Generated by CONFIG REWRITE"));
    config_init_defaults(&d);
    ck_assert_int_eq(config_load_file(&d, path, errbuf, sizeof(errbuf)), 0);
    expect_same(&c, &d);
    mem_free(out);
    mem_free(text);
    config_free(&c);
    config_free(&d);
}
END_TEST

/* ---------------------------------------------------------------------- */

static Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc;

    tc = tcase_create("table");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_table_lookup);
    tcase_add_test(tc, test_free_and_reinit);
    suite_add_tcase(s, tc);

    tc = tcase_create("file");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_file_basic);
    tcase_add_test(tc, test_file_single_quote_escape);
    tcase_add_test(tc, test_file_lists);
    tcase_add_test(tc, test_file_hz_clamp_and_memory_forms);
    tcase_add_test(tc, test_file_include);
    tcase_add_test(tc, test_file_include_relative_to_dir);
    tcase_add_test(tc, test_file_errors);
    tcase_add_test(tc, test_file_error_stops_load);
    tcase_add_test(tc, test_file_cannot_open);
    tcase_add_test(tc, test_file_include_errors);
    tcase_add_test(tc, test_runnel_conf_is_default);
    suite_add_tcase(s, tc);

    tc = tcase_create("args");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_args_overrides);
    tcase_add_test(tc, test_args_without_file);
    tcase_add_test(tc, test_args_file_error);
    tcase_add_test(tc, test_args_quoting_round_trip);
    tcase_add_test(tc, test_args_stdin);
    suite_add_tcase(s, tc);

    tc = tcase_create("set_get");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_set_values);
    tcase_add_test(tc, test_set_obuf_partial);
    tcase_add_test(tc, test_set_errors);
    tcase_add_test(tc, test_set_dir);
    tcase_add_test(tc, test_set_multi_checks);
    tcase_add_test(tc, test_apply_hook);
    tcase_add_test(tc, test_apply_hook_failure_rolls_back);
    tcase_add_test(tc, test_apply_hook_rollback_dir);
    tcase_add_test(tc, test_get_match);
    suite_add_tcase(s, tc);

    tc = tcase_create("rewrite");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_rewrite_no_file);
    tcase_add_test(tc, test_save_rules);
    tcase_add_test(tc, test_rewrite_layout);
    tcase_add_test(tc, test_rewrite_users);
    tcase_add_test(tc, test_rewrite_trailing_lines);
    tcase_add_test(tc, test_rewrite_aliases);
    tcase_add_test(tc, test_rewrite_formats);
    tcase_add_test(tc, test_rewrite_round_trip);
    tcase_add_test(tc, test_rewrite_creates_missing_file_and_mode);
    tcase_add_test(tc, test_rewrite_unwritable);
    tcase_add_test(tc, test_rewrite_runnel_conf_copy);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    if (!getcwd(start_cwd, sizeof(start_cwd)))
        strcpy(start_cwd, "/");
    sr = srunner_create(config_suite());

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
