/* test_pubsub.c -- Pub/Sub over real sockets: subscribed-mode rules in
 * RESP2 and RESP3, glob patterns, unsubscribe-all replies, CLIENT LIST and
 * INFO fields, a closing subscriber, a slow subscriber cut off by the
 * pubsub class of client-output-buffer-limit, and 1,000 subscribers that
 * each receive 1,000 messages in order, byte for byte.
 *
 * hiredis 0.14 cannot read RESP3 push frames, so RESP3 and the fan-out use
 * raw sockets and compare bytes. */
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
    test_server_start_or_abort(&srv, NULL);
}

static void teardown(void)
{
    test_server_stop(&srv);
}

static void send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        ck_assert_int_gt(w, 0);
        p += w;
        n -= (size_t)w;
    }
}

/* Read exactly n bytes (fails the test after timeout_ms). */
static void read_exact(int fd, char *buf, size_t n, int timeout_ms)
{
    size_t got = 0;
    while (got < n) {
        struct pollfd p = {fd, POLLIN, 0};
        int rc = poll(&p, 1, timeout_ms);
        ck_assert_msg(rc > 0, "timed out after %zu of %zu bytes", got, n);
        ssize_t r = read(fd, buf + got, n - got);
        ck_assert_msg(r > 0, "connection closed after %zu of %zu bytes", got, n);
        got += (size_t)r;
    }
}

static void expect_bytes(int fd, const char *want)
{
    size_t n = strlen(want);
    char *buf = malloc(n + 1);
    read_exact(fd, buf, n, 5000);
    buf[n] = '\0';
    ck_assert_str_eq(buf, want);
    free(buf);
}

static void expect_error(redisReply *r, const char *msg)
{
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->type, REDIS_REPLY_ERROR);
    ck_assert_str_eq(r->str, msg);
    freeReplyObject(r);
}

/* A [verb, name, count] confirmation (name NULL = nil). */
static void expect_confirm(redisReply *r, const char *verb, const char *name, long long count)
{
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    ck_assert_int_eq(r->elements, 3);
    ck_assert_str_eq(r->element[0]->str, verb);
    if (name)
        ck_assert_str_eq(r->element[1]->str, name);
    else
        ck_assert_int_eq(r->element[1]->type, REDIS_REPLY_NIL);
    ck_assert_int_eq(r->element[2]->integer, count);
    freeReplyObject(r);
}

static long long numsub(redisContext *c, const char *ch)
{
    redisReply *r = test_cmd(c, "PUBSUB NUMSUB %s", ch);
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    long long n = r->element[1]->integer;
    freeReplyObject(r);
    return n;
}

START_TEST(resp2_subscribed_mode)
{
    redisContext *s = test_connect(&srv);
    expect_confirm(test_cmd(s, "SUBSCRIBE a b c"), "subscribe", "a", 1);
    expect_confirm(test_reply(s), "subscribe", "b", 2);
    expect_confirm(test_reply(s), "subscribe", "c", 3);
    expect_confirm(test_cmd(s, "PSUBSCRIBE p1 p2"), "psubscribe", "p1", 4);
    expect_confirm(test_reply(s), "psubscribe", "p2", 5);
    expect_error(test_cmd(s, "GET x"),
                 "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT "
                 "/ RESET are allowed in this context");
    expect_error(test_cmd(s, "XINFO STREAM s"),
                 "ERR Can't execute 'xinfo|stream': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / "
                 "PING / QUIT / RESET are allowed in this context");
    redisReply *r = test_cmd(s, "PING");
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    ck_assert_int_eq(r->elements, 2);
    ck_assert_str_eq(r->element[0]->str, "pong");
    ck_assert_int_eq(r->element[1]->len, 0);
    freeReplyObject(r);

    /* UNSUBSCRIBE with no channel: one reply per channel, the count going
     * down to the patterns left; PUNSUBSCRIBE in subscription order. */
    r = test_cmd(s, "UNSUBSCRIBE");
    int seen = 0;
    for (long long left = 4; left >= 2; left--) {
        if (left < 4)
            r = test_reply(s);
        ck_assert_str_eq(r->element[0]->str, "unsubscribe");
        ck_assert_int_eq(r->element[2]->integer, left);
        seen |= 1 << (r->element[1]->str[0] - 'a');
        freeReplyObject(r);
    }
    ck_assert_int_eq(seen, 7);
    expect_confirm(test_cmd(s, "PUNSUBSCRIBE"), "punsubscribe", "p1", 1);
    expect_confirm(test_reply(s), "punsubscribe", "p2", 0);
    expect_confirm(test_cmd(s, "PUNSUBSCRIBE"), "punsubscribe", NULL, 0);
    /* No subscription left: ordinary commands again. */
    r = test_cmd(s, "PING");
    ck_assert_int_eq(r->type, REDIS_REPLY_STATUS);
    freeReplyObject(r);
    redisFree(s);
}
END_TEST

START_TEST(resp3_push_and_any_command)
{
    int fd = test_raw_connect(&srv);
    ck_assert_int_ge(fd, 0);
    const char *hello = "*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n";
    send_all(fd, hello, strlen(hello));
    char buf[4096];
    /* Skip HELLO's map: read until the subscribe confirmation. */
    const char *sub = "*2\r\n$9\r\nSUBSCRIBE\r\n$2\r\nch\r\n";
    send_all(fd, sub, strlen(sub));
    const char *confirm = ">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n";
    size_t have = 0;
    while (have < sizeof(buf) - 1) {
        read_exact(fd, buf + have, 1, 5000);
        have++;
        buf[have] = '\0';
        if (have >= strlen(confirm) && strcmp(buf + have - strlen(confirm), confirm) == 0)
            break;
    }
    ck_assert_ptr_nonnull(strstr(buf, confirm));
    /* Any command while subscribed in RESP3. */
    const char *get = "*2\r\n$3\r\nGET\r\n$1\r\nx\r\n";
    send_all(fd, get, strlen(get));
    expect_bytes(fd, "_\r\n");
    redisContext *c = test_connect(&srv);
    ck_assert_int_eq(test_int(c, "PUBLISH ch %s", "hello"), 1);
    expect_bytes(fd, ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n");
    const char *ping = "*1\r\n$4\r\nPING\r\n";
    send_all(fd, ping, strlen(ping));
    expect_bytes(fd, "+PONG\r\n");
    const char *unsub = "*1\r\n$11\r\nUNSUBSCRIBE\r\n";
    send_all(fd, unsub, strlen(unsub));
    expect_bytes(fd, ">3\r\n$11\r\nunsubscribe\r\n$2\r\nch\r\n:0\r\n");
    send_all(fd, unsub, strlen(unsub));
    expect_bytes(fd, ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n");
    close(fd);
    redisFree(c);
}
END_TEST

/* Redis 8.2's XDELEX and XACKDEL announce what they delete as XDEL does
 * ("xdel"), and nothing when nothing was deleted.  7.0 lacks both commands,
 * so this is not in pubsub.script. */
START_TEST(newer_stream_commands_notify_xdel)
{
    redisContext *c = test_connect(&srv);
    test_ok(c, "CONFIG SET notify-keyspace-events Et");
    redisContext *s = test_connect(&srv);
    expect_confirm(test_cmd(s, "SUBSCRIBE __keyevent@0__:xdel"), "subscribe",
                   "__keyevent@0__:xdel", 1);
    test_ok(c, "XADD nx 1-0 f v");
    test_ok(c, "XADD nx 2-0 f v");
    test_ok(c, "XGROUP CREATE nx g 0");
    test_ok(c, "XREADGROUP GROUP g alice STREAMS nx >");
    test_ok(c, "XDELEX nx IDS 1 9-0"); /* deletes nothing: no event */
    test_ok(c, "XDELEX nx IDS 1 1-0");
    test_ok(c, "XACKDEL nx g IDS 1 2-0");
    /* PUBLISH is a fence: its message comes after whatever came before. */
    test_int(c, "PUBLISH __keyevent@0__:xdel fence");
    const char *const want[] = {"nx", "nx", "fence"};
    for (int i = 0; i < 3; i++) {
        redisReply *r = test_reply(s);
        ck_assert_int_eq(r->elements, 3);
        ck_assert_str_eq(r->element[0]->str, "message");
        ck_assert_str_eq(r->element[2]->str, want[i]);
        freeReplyObject(r);
    }
    test_ok(c, "CONFIG SET notify-keyspace-events %s", "");
    redisFree(s);
    redisFree(c);
}
END_TEST

START_TEST(pattern_matching)
{
    redisContext *s = test_connect(&srv);
    static const char *const pats[] = {"h?llo", "h*llo", "h[ae]llo", "h[^e]llo", "h[a-b]llo",
                                       "h\\*llo", "*", NULL};
    for (int i = 0; pats[i]; i++) {
        redisReply *r = test_cmd(s, "PSUBSCRIBE %s", pats[i]);
        ck_assert_int_eq(r->element[2]->integer, i + 1);
        freeReplyObject(r);
    }
    redisContext *c = test_connect(&srv);
    static const struct {
        const char *ch;
        long long matches;
    } cases[] = {
        {"hello", 4},  /* h?llo h*llo h[ae]llo * */
        {"hallo", 6},  /* h?llo h*llo h[ae]llo h[^e]llo h[a-b]llo * */
        {"hxllo", 4},  /* h?llo h*llo h[^e]llo * */
        {"heeello", 2}, /* h*llo * */
        {"h*llo", 5},  /* h?llo h*llo h[^e]llo h\*llo * */
        {"world", 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long long n = test_int(c, "PUBLISH %s m", cases[i].ch);
        ck_assert_msg(n == cases[i].matches, "%s: %lld deliveries", cases[i].ch, n);
        for (long long k = 0; k < n; k++) {
            redisReply *r = test_reply(s);
            ck_assert_int_eq(r->elements, 4);
            ck_assert_str_eq(r->element[0]->str, "pmessage");
            ck_assert_str_eq(r->element[2]->str, cases[i].ch);
            freeReplyObject(r);
        }
    }
    ck_assert_int_eq(test_int(c, "PUBSUB NUMPAT"), 7);
    /* The same pattern twice counts once. */
    expect_confirm(test_cmd(s, "PSUBSCRIBE *"), "psubscribe", "*", 7);
    redisFree(s);
    redisFree(c);
}
END_TEST

START_TEST(client_list_info_and_close)
{
    redisContext *s = test_connect(&srv);
    expect_confirm(test_cmd(s, "SUBSCRIBE x y"), "subscribe", "x", 1);
    expect_confirm(test_reply(s), "subscribe", "y", 2);
    expect_confirm(test_cmd(s, "PSUBSCRIBE z*"), "psubscribe", "z*", 3);
    expect_confirm(test_cmd(s, "SSUBSCRIBE sh"), "ssubscribe", "sh", 1);
    redisContext *c = test_connect(&srv);
    redisReply *r = test_cmd(c, "CLIENT LIST");
    ck_assert_ptr_nonnull(strstr(r->str, "flags=P db=0 sub=2 psub=1 ssub=1 "));
    ck_assert_ptr_nonnull(strstr(r->str, "flags=N db=0 sub=0 psub=0 ssub=0 "));
    freeReplyObject(r);
    ck_assert_int_eq(test_info_ll(c, "pubsub_channels"), 2);
    ck_assert_int_eq(test_info_ll(c, "pubsub_patterns"), 1);
    ck_assert_int_eq(test_info_ll(c, "pubsubshard_channels"), 1);
    ck_assert_int_eq(numsub(c, "x"), 1);
    redisFree(s);
    for (int i = 0; i < 500 && numsub(c, "x"); i++)
        test_sleep_ms(10);
    ck_assert_int_eq(numsub(c, "x"), 0);
    ck_assert_int_eq(test_info_ll(c, "pubsub_channels"), 0);
    ck_assert_int_eq(test_info_ll(c, "pubsub_patterns"), 0);
    ck_assert_int_eq(test_info_ll(c, "pubsubshard_channels"), 0);
    ck_assert_int_eq(test_int(c, "PUBLISH x m"), 0);
    redisFree(c);
}
END_TEST

START_TEST(slow_subscriber_disconnected)
{
    redisContext *c = test_connect(&srv);
    test_ok(c, "CONFIG SET client-output-buffer-limit %s", "pubsub 256kb 0 0");
    /* A subscriber that never reads. */
    int fd = test_raw_connect(&srv);
    const char *sub = "*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nslow\r\n";
    send_all(fd, sub, strlen(sub));
    for (int i = 0; i < 500 && numsub(c, "slow") != 1; i++)
        test_sleep_ms(10);
    ck_assert_int_eq(numsub(c, "slow"), 1);
    /* A normal client reading as much is not in the pubsub class. */
    char *big = malloc(65536);
    memset(big, 'm', 65536);
    for (int i = 0; i < 400 && numsub(c, "slow"); i++) {
        redisReply *r = test_cmd(c, "PUBLISH slow %b", big, (size_t)65536);
        freeReplyObject(r);
    }
    free(big);
    ck_assert_int_eq(numsub(c, "slow"), 0);
    ck_assert_int_ge(test_info_ll(c, "client_output_buffer_limit_disconnections"), 1);
    char *log = test_read_file(srv.log, NULL);
    ck_assert_ptr_nonnull(log);
    ck_assert_ptr_nonnull(strstr(log, "scheduled to be closed ASAP for overcoming of output "
                                      "buffer limits"));
    ck_assert_ptr_nonnull(strstr(log, "flags=P"));
    free(log);
    /* Its socket is closed once what was written is drained. */
    char buf[65536];
    ssize_t n;
    struct pollfd p = {fd, POLLIN, 0};
    do {
        ck_assert_int_gt(poll(&p, 1, 5000), 0);
        n = read(fd, buf, sizeof(buf));
    } while (n > 0);
    ck_assert_int_eq(n, 0);
    close(fd);
    test_ok(c, "CONFIG SET client-output-buffer-limit %s", "pubsub 32mb 8mb 60");
    redisFree(c);
}
END_TEST

/* 1,000 subscribers on one channel, 1,000 messages: every subscriber gets
 * every message, in order (its whole byte stream is compared). */
START_TEST(fanout_1000_by_1000)
{
    enum { NSUB = 1000, NMSG = 1000 };
    int *fds = malloc(sizeof(int) * NSUB);
    const char *sub = "*2\r\n$9\r\nSUBSCRIBE\r\n$3\r\nfan\r\n";
    for (int i = 0; i < NSUB; i++) {
        fds[i] = test_raw_connect(&srv);
        ck_assert_int_ge(fds[i], 0);
        send_all(fds[i], sub, strlen(sub));
    }
    redisContext *c = test_connect(&srv);
    for (int i = 0; i < 1000 && numsub(c, "fan") != NSUB; i++)
        test_sleep_ms(10);
    ck_assert_int_eq(numsub(c, "fan"), NSUB);

    /* What each subscriber must read: its confirmation, then the messages. */
    size_t cap = 64 + (size_t)NMSG * 64, want_len = 0;
    char *want = malloc(cap);
    want_len += (size_t)sprintf(want, "*3\r\n$9\r\nsubscribe\r\n$3\r\nfan\r\n:1\r\n");
    for (int m = 0; m < NMSG; m++) {
        char msg[32];
        int ml = snprintf(msg, sizeof(msg), "msg-%d", m);
        want_len += (size_t)sprintf(want + want_len, "*3\r\n$7\r\nmessage\r\n$3\r\nfan\r\n$%d\r\n%s\r\n",
                                    ml, msg);
        redisAppendCommand(c, "PUBLISH fan %s", msg);
    }
    for (int m = 0; m < NMSG; m++) {
        redisReply *r = test_reply(c);
        ck_assert_int_eq(r->type, REDIS_REPLY_INTEGER);
        ck_assert_int_eq(r->integer, NSUB);
        freeReplyObject(r);
    }

    char **got = malloc(sizeof(char *) * NSUB);
    size_t *glen = calloc(NSUB, sizeof(size_t));
    struct pollfd *pfd = malloc(sizeof(struct pollfd) * NSUB);
    for (int i = 0; i < NSUB; i++)
        got[i] = malloc(want_len);
    int done = 0;
    while (done < NSUB) {
        int np = 0;
        for (int i = 0; i < NSUB; i++) {
            if (glen[i] < want_len) {
                pfd[np].fd = fds[i];
                pfd[np].events = POLLIN;
                pfd[np].revents = 0;
                np++;
            }
        }
        int rc = poll(pfd, (nfds_t)np, 10000);
        ck_assert_msg(rc > 0, "timed out with %d subscribers complete", done);
        for (int k = 0; k < np; k++) {
            if (!(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            int i;
            for (i = 0; fds[i] != pfd[k].fd; i++)
                ;
            ssize_t r = read(fds[i], got[i] + glen[i], want_len - glen[i]);
            ck_assert_msg(r > 0, "subscriber %d closed after %zu bytes", i, glen[i]);
            glen[i] += (size_t)r;
            if (glen[i] == want_len)
                done++;
        }
    }
    for (int i = 0; i < NSUB; i++) {
        ck_assert_msg(memcmp(got[i], want, want_len) == 0, "subscriber %d: wrong bytes", i);
        free(got[i]);
        close(fds[i]);
    }
    free(got);
    free(glen);
    free(pfd);
    free(want);
    free(fds);
    redisFree(c);
}
END_TEST

static Suite *pubsub_suite(void)
{
    Suite *s = suite_create("pubsub");
    TCase *tc = tcase_create("pubsub");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, resp2_subscribed_mode);
    tcase_add_test(tc, resp3_push_and_any_command);
    tcase_add_test(tc, newer_stream_commands_notify_xdel);
    tcase_add_test(tc, pattern_matching);
    tcase_add_test(tc, client_list_info_and_close);
    tcase_add_test(tc, slow_subscriber_disconnected);
    tcase_add_test(tc, fanout_1000_by_1000);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pubsub_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
