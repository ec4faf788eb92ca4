/* test_connection.c -- the protocol and connection layer over real sockets:
 * RESP2/RESP3, inline and pipelined requests, protocol errors, limits,
 * client commands, effects trace, shutdown. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static struct test_server srv;

static void setup(void)
{
    if (test_server_start_traced(&srv, NULL) != 0) {
        fprintf(stderr, "server did not start\n");
        abort();
    }
}

static void teardown(void)
{
    test_server_stop(&srv);
}

START_TEST(ping_echo)
{
    redisContext *c = test_connect(&srv);
    redisReply *r = test_cmd(c, "PING");
    test_assert_status(r, "PONG");
    freeReplyObject(r);
    r = test_cmd(c, "PING %s", "hello world");
    ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
    ck_assert_str_eq(r->str, "hello world");
    freeReplyObject(r);
    r = test_cmd(c, "ECHO %b", "a\0b", (size_t)3);
    ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
    ck_assert_int_eq(r->len, 3);
    ck_assert_mem_eq(r->str, "a\0b", 3);
    freeReplyObject(r);
    r = test_cmd(c, "PING a b");
    test_assert_error(r, "ERR wrong number of arguments for 'ping' command");
    freeReplyObject(r);
    r = test_cmd(c, "NOSUCH x y");
    test_assert_error(r, "ERR unknown command 'NOSUCH', with args beginning with: 'x' 'y' ");
    freeReplyObject(r);
    redisFree(c);
}
END_TEST

START_TEST(pipeline_many)
{
    redisContext *c = test_connect(&srv);
    for (int i = 0; i < 5000; i++)
        redisAppendCommand(c, "ECHO %d", i);
    for (int i = 0; i < 5000; i++) {
        redisReply *r = NULL;
        ck_assert_int_eq(redisGetReply(c, (void **)&r), REDIS_OK);
        char want[16];
        snprintf(want, sizeof(want), "%d", i);
        ck_assert_str_eq(r->str, want);
        freeReplyObject(r);
    }
    redisFree(c);
}
END_TEST

START_TEST(inline_commands)
{
    char buf[256];
    const char req[] = "PING\r\nECHO \"a b\" \r\n\r\nECHO 'x\\'y'\nSELECT 99\r\n";
    test_raw(&srv, req, sizeof(req) - 1, buf, sizeof(buf), 300);
    ck_assert_str_eq(buf, "+PONG\r\n$3\r\na b\r\n$3\r\nx'y\r\n-ERR DB index is out of range\r\n");
}
END_TEST

START_TEST(split_at_every_byte)
{
    const char req[] = "*3\r\n$4\r\nECHO\r\n$5\r\nhello\r\n$3\r\nxyz\r\n*2\r\n$4\r\nECHO\r\n$2\r\nok\r\n";
    int fd = test_raw_connect(&srv);
    ck_assert_int_ge(fd, 0);
    for (size_t i = 0; i < sizeof(req) - 1; i++) {
        ck_assert_int_eq(write(fd, req + i, 1), 1);
        usleep(200);
    }
    char buf[256];
    size_t got = 0;
    const char *want = "-ERR wrong number of arguments for 'echo' command\r\n$2\r\nok\r\n";
    while (got < strlen(want)) {
        struct pollfd p = {fd, POLLIN, 0};
        ck_assert_int_gt(poll(&p, 1, 2000), 0);
        ssize_t n = read(fd, buf + got, sizeof(buf) - 1 - got);
        ck_assert_int_gt(n, 0);
        got += (size_t)n;
    }
    buf[got] = '\0';
    ck_assert_str_eq(buf, want);
    close(fd);
}
END_TEST

START_TEST(protocol_errors_close)
{
    static const struct {
        const char *req, *reply;
    } cases[] = {
        {"*1\r\n#3\r\n", "-ERR Protocol error: expected '$', got '#'\r\n"},
        {"*x\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
        {"*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
        {"ECHO \"abc\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"},
        {"PING\r\n*1\r\n$x\r\nPING\r\n", "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[256];
        /* The server closes after the error: reading returns it, then EOF. */
        test_raw(&srv, cases[i].req, strlen(cases[i].req), buf, sizeof(buf), 2000);
        ck_assert_str_eq(buf, cases[i].reply);
    }
}
END_TEST

START_TEST(resp3_hello_and_nulls)
{
    char buf[512];
    const char req[] = "HELLO 3\r\nCLIENT GETNAME\r\nHELLO 2\r\nCLIENT GETNAME\r\nHELLO 4\r\nHELLO x\r\n";
    test_raw(&srv, req, sizeof(req) - 1, buf, sizeof(buf), 400);
    ck_assert_msg(strncmp(buf, "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n", 26) == 0, "%s", buf);
    ck_assert_ptr_nonnull(strstr(buf, "$5\r\nproto\r\n:3\r\n"));
    ck_assert_ptr_nonnull(strstr(buf, "$7\r\nmodules\r\n*0\r\n_\r\n*14\r\n"));
    ck_assert_ptr_nonnull(strstr(buf, "$5\r\nproto\r\n:2\r\n"));
    ck_assert_ptr_nonnull(strstr(buf, "*0\r\n$-1\r\n-NOPROTO unsupported protocol version\r\n"
                                      "-ERR Protocol version is not an integer or out of range\r\n"));
}
END_TEST

START_TEST(client_commands)
{
    redisContext *c = test_connect(&srv);
    redisReply *r = test_cmd(c, "CLIENT SETNAME worker-1");
    test_assert_status(r, "OK");
    freeReplyObject(r);
    r = test_cmd(c, "CLIENT GETNAME");
    ck_assert_str_eq(r->str, "worker-1");
    freeReplyObject(r);
    r = test_cmd(c, "CLIENT SETNAME %s", "a b");
    test_assert_error(r, "ERR Client names cannot contain spaces, newlines or special characters.");
    freeReplyObject(r);
    r = test_cmd(c, "CLIENT ID");
    ck_assert_int_eq(r->type, REDIS_REPLY_INTEGER);
    long long id = r->integer;
    freeReplyObject(r);
    r = test_cmd(c, "CLIENT LIST");
    char want[64];
    snprintf(want, sizeof(want), "id=%lld ", id);
    ck_assert_ptr_nonnull(strstr(r->str, want));
    ck_assert_ptr_nonnull(strstr(r->str, "name=worker-1 "));
    freeReplyObject(r);
    r = test_cmd(c, "CLIENT INFO");
    ck_assert_ptr_nonnull(strstr(r->str, "cmd=client|info"));
    freeReplyObject(r);
    r = test_cmd(c, "CLIENT NOPE");
    test_assert_error(r, "ERR unknown subcommand 'NOPE'. Try CLIENT HELP.");
    freeReplyObject(r);

    /* Kill another client by id; it sees its connection closed. */
    redisContext *victim = test_connect(&srv);
    r = test_cmd(victim, "CLIENT ID");
    long long vid = r->integer;
    freeReplyObject(r);
    r = test_cmd(c, "CLIENT KILL ID %lld", vid);
    ck_assert_int_eq(r->integer, 1);
    freeReplyObject(r);
    r = test_cmd(victim, "PING");
    ck_assert_ptr_null(r);
    redisFree(victim);
    r = test_cmd(c, "CLIENT KILL 1.2.3.4:5");
    test_assert_error(r, "ERR No such client");
    freeReplyObject(r);
    redisFree(c);
}
END_TEST

START_TEST(client_reply_modes)
{
    char buf[256];
    const char req[] = "CLIENT REPLY OFF\r\nPING\r\nCLIENT REPLY ON\r\nPING\r\n"
                       "CLIENT REPLY SKIP\r\nECHO skipped\r\nECHO shown\r\n";
    test_raw(&srv, req, sizeof(req) - 1, buf, sizeof(buf), 300);
    ck_assert_str_eq(buf, "+OK\r\n+PONG\r\n$5\r\nshown\r\n");
}
END_TEST

START_TEST(quit_closes)
{
    char buf[64];
    const char req[] = "QUIT\r\nPING\r\n";
    int n = test_raw(&srv, req, sizeof(req) - 1, buf, sizeof(buf), 2000);
    ck_assert_int_eq(n, 5);
    ck_assert_str_eq(buf, "+OK\r\n");
}
END_TEST

START_TEST(select_and_dbsize)
{
    redisContext *c = test_connect(&srv);
    redisReply *r = test_cmd(c, "SELECT 15");
    test_assert_status(r, "OK");
    freeReplyObject(r);
    r = test_cmd(c, "SELECT 16");
    test_assert_error(r, "ERR DB index is out of range");
    freeReplyObject(r);
    r = test_cmd(c, "SELECT abc");
    test_assert_error(r, "ERR value is not an integer or out of range");
    freeReplyObject(r);
    r = test_cmd(c, "DBSIZE");
    ck_assert_int_eq(r->type, REDIS_REPLY_INTEGER);
    ck_assert_int_eq(r->integer, 0);
    freeReplyObject(r);
    redisFree(c);
}
END_TEST

START_TEST(maxclients_refuses_extra)
{
    redisContext *c = test_connect(&srv);
    long long now = test_info_ll(c, "connected_clients");
    redisReply *r = test_cmd(c, "CONFIG SET maxclients %lld", now + 1);
    test_assert_status(r, "OK");
    freeReplyObject(r);
    redisContext *extra = test_connect(&srv);
    r = test_cmd(extra, "PING");
    test_assert_status(r, "PONG");
    freeReplyObject(r);
    char buf[128];
    test_raw(&srv, "PING\r\n", 6, buf, sizeof(buf), 2000);
    ck_assert_str_eq(buf, "-ERR max number of clients reached\r\n");
    r = test_cmd(c, "CONFIG SET maxclients 10000");
    test_assert_status(r, "OK");
    freeReplyObject(r);
    ck_assert_int_ge(test_info_ll(c, "rejected_connections"), 1);
    redisFree(extra);
    redisFree(c);
}
END_TEST

START_TEST(idle_timeout_closes)
{
    redisContext *c = test_connect(&srv);
    redisReply *r = test_cmd(c, "CONFIG SET timeout 1");
    test_assert_status(r, "OK");
    freeReplyObject(r);
    int fd = test_raw_connect(&srv);
    ck_assert_int_ge(fd, 0);
    /* The idle socket is closed by the server: read sees EOF. */
    struct pollfd p = {fd, POLLIN, 0};
    ck_assert_int_gt(poll(&p, 1, 5000), 0);
    char b;
    ck_assert_int_eq(read(fd, &b, 1), 0);
    close(fd);
    redisFree(c);
    c = test_connect(&srv);
    r = test_cmd(c, "CONFIG SET timeout 0");
    test_assert_status(r, "OK");
    freeReplyObject(r);
    redisFree(c);
}
END_TEST

START_TEST(bulk_and_query_limits)
{
    redisContext *c = test_connect(&srv);
    redisReply *r = test_cmd(c, "CONFIG SET proto-max-bulk-len 1mb");
    test_assert_status(r, "OK");
    freeReplyObject(r);
    char buf[256];
    const char big[] = "*2\r\n$4\r\nECHO\r\n$2000000\r\n";
    test_raw(&srv, big, sizeof(big) - 1, buf, sizeof(buf), 2000);
    ck_assert_str_eq(buf, "-ERR Protocol error: invalid bulk length\r\n");
    r = test_cmd(c, "CONFIG SET proto-max-bulk-len 512mb client-query-buffer-limit 1mb");
    test_assert_status(r, "OK");
    freeReplyObject(r);

    /* 1.5 MB of a declared 3 MB argument exceeds a 1 MB query buffer. */
    int fd = test_raw_connect(&srv);
    const char head[] = "*2\r\n$4\r\nECHO\r\n$3000000\r\n";
    ck_assert_int_eq(write(fd, head, sizeof(head) - 1), (ssize_t)sizeof(head) - 1);
    char *chunk = calloc(1, 1500000);
    memset(chunk, 'x', 1500000);
    size_t off = 0;
    fcntl(fd, F_SETFL, O_NONBLOCK);
    int closed = 0;
    for (int spins = 0; spins < 5000 && !closed; spins++) {
        if (off < 1500000) {
            ssize_t w = write(fd, chunk + off, 1500000 - off);
            if (w > 0)
                off += (size_t)w;
            else if (w < 0 && errno != EAGAIN)
                closed = 1;
        }
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 1) > 0) {
            ssize_t n = read(fd, buf, sizeof(buf));
            if (n <= 0)
                closed = 1;
        }
    }
    ck_assert_msg(closed, "client over the query buffer limit was not closed");
    close(fd);
    free(chunk);
    ck_assert_int_ge(test_info_ll(c, "client_query_buffer_limit_disconnections"), 1);
    r = test_cmd(c, "CONFIG SET client-query-buffer-limit 1gb");
    test_assert_status(r, "OK");
    freeReplyObject(r);
    redisFree(c);
}
END_TEST

START_TEST(output_buffer_limit)
{
    redisContext *c = test_connect(&srv);
    redisReply *r = test_cmd(c, "CONFIG SET client-output-buffer-limit %s", "normal 1mb 0 0");
    test_assert_status(r, "OK");
    freeReplyObject(r);
    /* A client that sends requests for 40 MB of replies and reads nothing. */
    int fd = test_raw_connect(&srv);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    char *val = malloc(100000);
    memset(val, 'v', 100000);
    char head[64];
    int hl = snprintf(head, sizeof(head), "*2\r\n$4\r\nECHO\r\n$100000\r\n");
    int closed = 0;
    for (int i = 0; i < 400 && !closed; i++) {
        struct iovec_like {
            const char *p;
            size_t n;
        } parts[3] = {{head, (size_t)hl}, {val, 100000}, {"\r\n", 2}};
        for (int k = 0; k < 3 && !closed; k++) {
            size_t off = 0;
            int spins = 0;
            while (off < parts[k].n && spins++ < 2000) {
                ssize_t w = write(fd, parts[k].p + off, parts[k].n - off);
                if (w > 0)
                    off += (size_t)w;
                else if (w < 0 && errno != EAGAIN) {
                    closed = 1;
                    break;
                } else
                    usleep(500);
            }
        }
    }
    free(val);
    close(fd);
    ck_assert_int_eq(test_wait_info(c, "client_output_buffer_limit_disconnections", 1, 5000), 0);
    r = test_cmd(c, "CONFIG SET client-output-buffer-limit %s", "normal 0 0 0");
    test_assert_status(r, "OK");
    freeReplyObject(r);
    redisFree(c);
}
END_TEST

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

START_TEST(effects_trace)
{
    redisContext *c = test_connect(&srv);
    redisReply *r = test_cmd(c, "SELECT 3");
    freeReplyObject(r);
    r = test_cmd(c, "FLUSHDB");
    freeReplyObject(r);
    r = test_cmd(c, "MULTI");
    freeReplyObject(r);
    r = test_cmd(c, "FLUSHDB");
    freeReplyObject(r);
    r = test_cmd(c, "PING");
    freeReplyObject(r);
    r = test_cmd(c, "FLUSHDB ASYNC");
    freeReplyObject(r);
    r = test_cmd(c, "EXEC");
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    ck_assert_int_eq(r->elements, 3);
    freeReplyObject(r);
    redisFree(c);
    const char *t = read_file(srv.trace);
    ck_assert_ptr_nonnull(t);
    const char *want = "*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*1\r\n$7\r\nFLUSHDB\r\n"
                       "*1\r\n$5\r\nMULTI\r\n*1\r\n$7\r\nFLUSHDB\r\n*1\r\n$7\r\nFLUSHDB\r\n"
                       "*1\r\n$4\r\nEXEC\r\n";
    ck_assert_ptr_nonnull(strstr(t, want));
}
END_TEST

START_TEST(info_sections)
{
    redisContext *c = test_connect(&srv);
    redisReply *r = test_cmd(c, "INFO");
    ck_assert_ptr_nonnull(strstr(r->str, "# Server\r\nredis_version:"));
    ck_assert_ptr_nonnull(strstr(r->str, "# Keyspace\r\n"));
    ck_assert_ptr_null(strstr(r->str, "# Commandstats"));
    freeReplyObject(r);
    r = test_cmd(c, "INFO commandstats clients");
    ck_assert_ptr_nonnull(strstr(r->str, "# Clients\r\nconnected_clients:"));
    ck_assert_ptr_nonnull(strstr(r->str, "cmdstat_info:calls="));
    ck_assert_ptr_null(strstr(r->str, "# Server"));
    freeReplyObject(r);
    redisFree(c);
}
END_TEST

/* INFO errorstats (Redis 7.0): error replies by their first word, reset by
 * CONFIG RESETSTAT. */
START_TEST(info_errorstats)
{
    redisContext *c = test_connect(&srv);
    test_ok(c, "CONFIG RESETSTAT");
    test_ok(c, "SET errkey v");
    freeReplyObject(test_cmd(c, "XADD errkey * f v"));   /* WRONGTYPE */
    freeReplyObject(test_cmd(c, "NOSUCHCOMMAND"));       /* ERR */
    freeReplyObject(test_cmd(c, "XLEN"));                /* ERR arity */
    freeReplyObject(test_cmd(c, "XGROUP CREATECONSUMER nokey g c"));
    redisReply *r = test_cmd(c, "INFO errorstats");
    ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
    ck_assert_ptr_nonnull(strstr(r->str, "# Errorstats\r\n"));
    ck_assert_ptr_nonnull(strstr(r->str, "errorstat_WRONGTYPE:count=1\r\n"));
    ck_assert_ptr_nonnull(strstr(r->str, "errorstat_ERR:count=3\r\n"));
    freeReplyObject(r);
    test_ok(c, "CONFIG RESETSTAT");
    r = test_cmd(c, "INFO errorstats");
    ck_assert_ptr_null(strstr(r->str, "errorstat_"));
    freeReplyObject(r);
    test_ok(c, "DEL errkey");
    redisFree(c);
}
END_TEST

START_TEST(shutdown_stops_server)
{
    struct test_server other;
    ck_assert_int_eq(test_server_start(&other, NULL), 0);
    redisContext *c = test_connect(&other);
    redisReply *r = test_cmd(c, "SHUTDOWN NOSAVE");
    ck_assert_ptr_null(r);
    redisFree(c);
    for (int i = 0; i < 500 && test_server_alive(&other); i++)
        usleep(10000);
    ck_assert(!test_server_alive(&other));
    test_server_stop(&other);
}
END_TEST

/* redis-cli's hints read COMMAND DOCS: the stream commands document the
 * arguments Redis 8.2-8.10 added. */
static int docs_mention(redisReply *r, const char *word)
{
    if (!r)
        return 0;
    if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS)
        return strcmp(r->str, word) == 0;
    for (size_t i = 0; i < r->elements; i++)
        if (docs_mention(r->element[i], word))
            return 1;
    return 0;
}

START_TEST(command_docs_newer_stream_arguments)
{
    redisContext *c = test_connect(&srv);
    static const struct {
        const char *cmd, *word;
    } cases[] = {
        {"XADD", "IDMPAUTO"},     {"XADD", "KEEPREF"},   {"XTRIM", "ACKED"},
        {"XREAD", "MAXCOUNT"},    {"XREAD", "MAXSIZE"},  {"XREADGROUP", "CLAIM"},
        {"XREADGROUP", "MAXSIZE"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        redisReply *r = test_cmd(c, "COMMAND DOCS %s", cases[i].cmd);
        ck_assert_msg(docs_mention(r, cases[i].word), "%s docs lack %s", cases[i].cmd,
                      cases[i].word);
        freeReplyObject(r);
    }
    redisFree(c);
}
END_TEST

static Suite *connection_suite(void)
{
    Suite *s = suite_create("connection");
    TCase *tc = tcase_create("core");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, ping_echo);
    tcase_add_test(tc, pipeline_many);
    tcase_add_test(tc, inline_commands);
    tcase_add_test(tc, split_at_every_byte);
    tcase_add_test(tc, protocol_errors_close);
    tcase_add_test(tc, resp3_hello_and_nulls);
    tcase_add_test(tc, client_commands);
    tcase_add_test(tc, client_reply_modes);
    tcase_add_test(tc, quit_closes);
    tcase_add_test(tc, select_and_dbsize);
    tcase_add_test(tc, maxclients_refuses_extra);
    tcase_add_test(tc, idle_timeout_closes);
    tcase_add_test(tc, bulk_and_query_limits);
    tcase_add_test(tc, output_buffer_limit);
    tcase_add_test(tc, effects_trace);
    tcase_add_test(tc, info_sections);
    tcase_add_test(tc, command_docs_newer_stream_arguments);
    tcase_add_test(tc, info_errorstats);
    tcase_add_test(tc, shutdown_stops_server);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(connection_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
