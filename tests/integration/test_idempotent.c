/* test_idempotent.c -- idempotent production (XADD IDMP / IDMPAUTO,
 * XCFGSET) as a job-queue producer meets it: the connection drops before
 * the reply arrives, the producer reconnects and resends, and must get the
 * original entry's ID with no duplicate stored.  Also: iids that age out
 * (IDMP-DURATION) or are evicted (IDMP-MAXSIZE), the XINFO counters, and
 * the effects: replaying them into an empty keyspace rebuilds the map, so a
 * retry after a restart from the AOF is still recognised. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static struct test_server srv;

/* One server for the file, tracing its effects. */
static void setup(void)
{
    if (test_server_start_traced(&srv, NULL) != 0)
        abort();
}

static void teardown(void)
{
    test_server_stop(&srv);
}

static long long now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* A command whose reply is a bulk string (an entry ID); copied to out. */
static void cmd_str(redisContext *c, char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    ck_assert_ptr_nonnull(r);
    ck_assert_msg(r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS,
                  "unexpected reply type %d: %s", r->type, r->str ? r->str : "");
    snprintf(out, cap, "%s", r->str);
    freeReplyObject(r);
}

/* The value of a field of XINFO STREAM key (an integer field). */
static long long xinfo_field(redisContext *c, const char *key, const char *field)
{
    redisReply *r = test_cmd(c, "XINFO STREAM %s", key);
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    long long v = -1;
    for (size_t i = 0; i + 1 < r->elements; i += 2)
        if (strcmp(r->element[i]->str, field) == 0)
            v = r->element[i + 1]->integer;
    freeReplyObject(r);
    ck_assert_msg(v >= 0, "XINFO STREAM has no %s", field);
    return v;
}

/* Append one RESP bulk string to buf. */
static size_t resp_bulk(char *buf, size_t off, const char *s)
{
    return off + (size_t)sprintf(buf + off, "$%zu\r\n%s\r\n", strlen(s), s);
}

/* Send a request on a fresh socket and drop the connection before reading
 * anything: with RST (linger 0), as when a producer crashes or its network
 * fails, so the server's reply goes nowhere. */
static void send_and_vanish(const char *const *argv, int argc)
{
    char req[1024];
    size_t off = (size_t)sprintf(req, "*%d\r\n", argc);
    for (int i = 0; i < argc; i++)
        off = resp_bulk(req, off, argv[i]);
    int fd = test_raw_connect(&srv);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, req, off), (ssize_t)off);
    struct linger lg = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    close(fd);
}

/* Wait until XLEN key reaches n (the vanished request was served). */
static void wait_xlen(redisContext *c, const char *key, long long n)
{
    long long deadline = now_ms() + 5000;
    while (test_int(c, "XLEN %s", key) < n) {
        ck_assert_msg(now_ms() < deadline, "XLEN %s never reached %lld", key, n);
        test_sleep_ms(5);
    }
}

START_TEST(retry_after_lost_reply_gets_the_same_id)
{
    redisContext *c = test_connect(&srv);
    freeReplyObject(test_cmd(c, "FLUSHALL"));
    /* The producer sends job order-1 and its connection dies before the
     * reply: it does not know whether the job was queued. */
    const char *job[] = {"XADD", "jobs", "IDMP", "producer-7", "order-1", "*",
                         "task", "resize", "image", "cat.png"};
    send_and_vanish(job, 10);
    wait_xlen(c, "jobs", 1);
    redisReply *r = test_cmd(c, "XRANGE jobs - +");
    ck_assert_int_eq(r->elements, 1);
    char stored[64];
    snprintf(stored, sizeof(stored), "%s", r->element[0]->element[0]->str);
    freeReplyObject(r);
    /* It reconnects and resends the same job, once more and again. */
    for (int attempt = 0; attempt < 3; attempt++) {
        redisContext *p = test_connect(&srv);
        char id[64];
        cmd_str(p, id, sizeof(id), "XADD jobs IDMP producer-7 order-1 * task resize image cat.png");
        ck_assert_str_eq(id, stored);
        redisFree(p);
    }
    ck_assert_int_eq(test_int(c, "XLEN jobs"), 1);
    /* The next job is a new entry. */
    char id2[64];
    cmd_str(c, id2, sizeof(id2), "XADD jobs IDMP producer-7 order-2 * task resize image dog.png");
    ck_assert_str_ne(id2, stored);
    ck_assert_int_eq(test_int(c, "XLEN jobs"), 2);
    ck_assert_int_eq(xinfo_field(c, "jobs", "iids-added"), 2);
    ck_assert_int_eq(xinfo_field(c, "jobs", "iids-duplicates"), 3);
    ck_assert_int_eq(xinfo_field(c, "jobs", "pids-tracked"), 1);
    ck_assert_int_eq(xinfo_field(c, "jobs", "iids-tracked"), 2);
    /* The server is fine after the connection that vanished. */
    r = test_cmd(c, "PING");
    ck_assert_str_eq(r->str, "PONG");
    freeReplyObject(r);
    redisFree(c);
}
END_TEST

START_TEST(idmpauto_retry_by_content)
{
    redisContext *c = test_connect(&srv);
    freeReplyObject(test_cmd(c, "FLUSHALL"));
    const char *job[] = {"XADD", "q", "IDMPAUTO", "billing", "*",
                         "invoice", "1042", "amount", "99.50"};
    send_and_vanish(job, 9);
    wait_xlen(c, "q", 1);
    redisReply *r = test_cmd(c, "XRANGE q - +");
    char stored[64];
    snprintf(stored, sizeof(stored), "%s", r->element[0]->element[0]->str);
    freeReplyObject(r);
    /* The same content, even with the fields in another order. */
    char id[64];
    cmd_str(c, id, sizeof(id), "XADD q IDMPAUTO billing * amount 99.50 invoice 1042");
    ck_assert_str_eq(id, stored);
    cmd_str(c, id, sizeof(id), "XADD q IDMPAUTO billing * invoice 1042 amount 99.50");
    ck_assert_str_eq(id, stored);
    /* Other content, or another producer: new entries. */
    cmd_str(c, id, sizeof(id), "XADD q IDMPAUTO billing * invoice 1043 amount 99.50");
    ck_assert_str_ne(id, stored);
    cmd_str(c, id, sizeof(id), "XADD q IDMPAUTO shipping * invoice 1042 amount 99.50");
    ck_assert_str_ne(id, stored);
    ck_assert_int_eq(test_int(c, "XLEN q"), 3);
    redisFree(c);
}
END_TEST

START_TEST(iids_expire_after_the_duration)
{
    redisContext *c = test_connect(&srv);
    freeReplyObject(test_cmd(c, "FLUSHALL"));
    freeReplyObject(test_cmd(c, "XADD t * boot 1"));
    redisReply *r = test_cmd(c, "XCFGSET t IDMP-DURATION 1");
    ck_assert_str_eq(r->str, "OK");
    freeReplyObject(r);
    char first[64], again[64], later[64];
    long long t0 = now_ms();
    cmd_str(c, first, sizeof(first), "XADD t IDMP p job-1 * n 1");
    cmd_str(c, again, sizeof(again), "XADD t IDMP p job-1 * n 1");
    /* Within the second the retry is recognised (skip the check if this
     * machine was too slow to get here in time). */
    if (now_ms() - t0 < 900)
        ck_assert_str_eq(again, first);
    /* After it, the iid is forgotten and the same message is new again. */
    test_sleep_ms(1300);
    ck_assert_int_eq(xinfo_field(c, "t", "iids-tracked"), 0);
    ck_assert_int_eq(xinfo_field(c, "t", "pids-tracked"), 0);
    cmd_str(c, later, sizeof(later), "XADD t IDMP p job-1 * n 1");
    ck_assert_str_ne(later, first);
    ck_assert_int_eq(test_int(c, "XLEN t"), 3);
    ck_assert_int_eq(xinfo_field(c, "t", "iids-tracked"), 1);
    ck_assert_int_eq(xinfo_field(c, "t", "iids-added"), 2);
    redisFree(c);
}
END_TEST

START_TEST(iids_evicted_beyond_the_maxsize)
{
    redisContext *c = test_connect(&srv);
    freeReplyObject(test_cmd(c, "FLUSHALL"));
    freeReplyObject(test_cmd(c, "XADD e * boot 1"));
    freeReplyObject(test_cmd(c, "XCFGSET e IDMP-MAXSIZE 3 IDMP-DURATION 600"));
    char ids[6][64];
    for (int i = 1; i <= 5; i++)
        cmd_str(c, ids[i], sizeof(ids[i]), "XADD e IDMP p job-%d * n %d", i, i);
    /* Only the last three are remembered. */
    char id[64];
    for (int i = 3; i <= 5; i++) {
        cmd_str(c, id, sizeof(id), "XADD e IDMP p job-%d * n %d", i, i);
        ck_assert_str_eq(id, ids[i]);
    }
    ck_assert_int_eq(test_int(c, "XLEN e"), 6);
    cmd_str(c, id, sizeof(id), "XADD e IDMP p job-1 * n 1");
    ck_assert_str_ne(id, ids[1]);
    ck_assert_int_eq(test_int(c, "XLEN e"), 7);
    /* Each producer has its own three. */
    for (int i = 1; i <= 3; i++)
        cmd_str(c, ids[i], sizeof(ids[i]), "XADD e IDMP other job-%d * n %d", i, i);
    cmd_str(c, id, sizeof(id), "XADD e IDMP other job-1 * n 1");
    ck_assert_str_eq(id, ids[1]);
    ck_assert_int_eq(xinfo_field(c, "e", "pids-tracked"), 2);
    ck_assert_int_eq(xinfo_field(c, "e", "iids-tracked"), 6);
    redisFree(c);
}
END_TEST

START_TEST(retries_inside_a_transaction)
{
    redisContext *c = test_connect(&srv);
    freeReplyObject(test_cmd(c, "FLUSHALL"));
    freeReplyObject(test_cmd(c, "MULTI"));
    freeReplyObject(test_cmd(c, "XADD m IDMP p a * n 1"));
    freeReplyObject(test_cmd(c, "XADD m IDMP p a * n 2"));
    freeReplyObject(test_cmd(c, "XADD m IDMP p b * n 3"));
    redisReply *r = test_cmd(c, "EXEC");
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    ck_assert_int_eq(r->elements, 3);
    ck_assert_str_eq(r->element[0]->str, r->element[1]->str);
    ck_assert_str_ne(r->element[0]->str, r->element[2]->str);
    freeReplyObject(r);
    ck_assert_int_eq(test_int(c, "XLEN m"), 2);
    redisFree(c);
}
END_TEST

START_TEST(effects_replay_the_map)
{
    redisContext *c = test_connect(&srv);
    freeReplyObject(test_cmd(c, "FLUSHALL"));
    long from = test_file_size(srv.trace);
    char first[64], retry[64], other[64];
    cmd_str(c, first, sizeof(first), "XADD r IDMP prod job-1 MAXLEN 1 * n 1");
    cmd_str(c, retry, sizeof(retry), "XADD r IDMP prod job-1 * n 1");
    ck_assert_str_eq(retry, first);
    cmd_str(c, other, sizeof(other), "XADD r IDMPAUTO prod2 * k v");
    freeReplyObject(test_cmd(c, "XCFGSET r IDMP-MAXSIZE 50"));
    cmd_str(c, other, sizeof(other), "XADD r IDMP prod job-2 MAXLEN 1 * n 2");
    size_t len;
    char *t = test_file_from(srv.trace, from, &len);
    /* XADD with the generated ID, never IDMP; the record; the trim as an
     * XTRIM; the retry emitted nothing. */
    char want[256];
    snprintf(want, sizeof(want), "$4\r\nXADD\r\n$1\r\nr\r\n$%zu\r\n%s\r\n$1\r\nn\r\n$1\r\n1\r\n",
             strlen(first), first);
    ck_assert_msg(strstr(t, want), "XADD effect missing: %s", t);
    snprintf(want, sizeof(want),
             "$11\r\nXIDMPRECORD\r\n$1\r\nr\r\n$4\r\nprod\r\n$5\r\njob-1\r\n$%zu\r\n%s\r\n",
             strlen(first), first);
    ck_assert_msg(strstr(t, want), "XIDMPRECORD effect missing: %s", t);
    ck_assert_ptr_null(strstr(t, "IDMPAUTO"));
    ck_assert_ptr_null(strstr(t, "$4\r\nIDMP\r\n"));
    ck_assert_ptr_nonnull(strstr(t, "$5\r\nXTRIM\r\n$1\r\nr\r\n$6\r\nMAXLEN\r\n$1\r\n=\r\n"));
    ck_assert_ptr_nonnull(
        strstr(t, "$7\r\nXCFGSET\r\n$1\r\nr\r\n$13\r\nIDMP-DURATION\r\n$3\r\n100\r\n"));
    const char *p = t;
    int xadds = 0;
    while ((p = strstr(p, "$4\r\nXADD\r\n")) != NULL) {
        xadds++;
        p++;
    }
    ck_assert_int_eq(xadds, 3);

    /* Replay the effects into an empty keyspace, as an AOF load would. */
    freeReplyObject(test_cmd(c, "FLUSHALL"));
    char *replies = malloc(1 << 16);
    ck_assert_int_ge(test_raw(&srv, t, len, replies, 1 << 16, 500), 0);
    ck_assert_ptr_null(strstr(replies, "-ERR"));
    free(replies);
    free(t);
    ck_assert_int_eq(test_int(c, "XLEN r"), 1);
    /* The map came back: retries are still recognised. */
    char id[64];
    cmd_str(c, id, sizeof(id), "XADD r IDMP prod job-2 * n 2");
    ck_assert_str_eq(id, other);
    ck_assert_int_eq(test_int(c, "XLEN r"), 1);
    ck_assert_int_eq(xinfo_field(c, "r", "idmp-maxsize"), 50);
    ck_assert_int_eq(xinfo_field(c, "r", "iids-tracked"), 1);
    redisFree(c);
}
END_TEST

START_TEST(copy_and_delete_keep_maps_apart)
{
    redisContext *c = test_connect(&srv);
    freeReplyObject(test_cmd(c, "FLUSHALL"));
    char a[64], b[64], id[64];
    cmd_str(c, a, sizeof(a), "XADD src IDMP p x * n 1");
    redisReply *r = test_cmd(c, "COPY src dst");
    ck_assert_int_eq(r->integer, 1);
    freeReplyObject(r);
    /* The copy knows the iid; each map changes alone afterwards. */
    cmd_str(c, id, sizeof(id), "XADD dst IDMP p x * n 1");
    ck_assert_str_eq(id, a);
    cmd_str(c, b, sizeof(b), "XADD dst IDMP p y * n 2");
    ck_assert_int_eq(test_int(c, "XLEN dst"), 2);
    /* The source did not see y: the same message is new there. */
    cmd_str(c, id, sizeof(id), "XADD src IDMP p y * n 2");
    ck_assert_int_eq(test_int(c, "XLEN src"), 2);
    ck_assert_int_eq(xinfo_field(c, "src", "iids-added"), 2);
    ck_assert_int_eq(xinfo_field(c, "dst", "iids-added"), 2);
    ck_assert_int_eq(xinfo_field(c, "dst", "iids-duplicates"), 1);
    /* A stream deleted and made again starts with no map. */
    ck_assert_int_eq(test_int(c, "DEL src"), 1);
    cmd_str(c, id, sizeof(id), "XADD src IDMP p x * n 1");
    ck_assert_int_eq(test_int(c, "XLEN src"), 1);
    ck_assert_int_eq(xinfo_field(c, "src", "iids-added"), 1);
    ck_assert_int_eq(xinfo_field(c, "src", "iids-duplicates"), 0);
    /* MEMORY USAGE counts the map. */
    long long with_map = test_int(c, "MEMORY USAGE dst");
    freeReplyObject(test_cmd(c, "XCFGSET dst IDMP-MAXSIZE 1"));
    ck_assert_int_lt(test_int(c, "MEMORY USAGE dst"), with_map);
    freeReplyObject(test_cmd(c, "FLUSHALL"));
    redisFree(c);
}
END_TEST

static Suite *idempotent_suite(void)
{
    Suite *s = suite_create("idempotent");
    TCase *tc = tcase_create("core");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, retry_after_lost_reply_gets_the_same_id);
    tcase_add_test(tc, idmpauto_retry_by_content);
    tcase_add_test(tc, iids_expire_after_the_duration);
    tcase_add_test(tc, iids_evicted_beyond_the_maxsize);
    tcase_add_test(tc, retries_inside_a_transaction);
    tcase_add_test(tc, effects_replay_the_map);
    tcase_add_test(tc, copy_and_delete_keep_maps_apart);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(idempotent_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
