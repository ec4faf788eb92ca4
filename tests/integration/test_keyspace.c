/* test_keyspace.c -- keyspace and stream commands over real sockets:
 * expiry (lazy and active), WATCH, effects, big values, big streams. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static struct test_server srv;

static void setup(void)
{
    const char *extra[] = {"--hz", "50", NULL};
    if (test_server_start_traced(&srv, extra) != 0)
        abort();
}

static void teardown(void)
{
    test_server_stop(&srv);
}

START_TEST(lazy_and_active_expiry)
{
    redisContext *c = test_connect(&srv);
    test_ok(c, "FLUSHALL");
    long long before = test_info_ll(c, "expired_keys");
    test_ok(c, "XADD lazy 1-1 f v");
    ck_assert_int_eq(test_int(c, "PEXPIRE lazy 50"), 1);
    /* Active expiry: a key nobody touches goes away by itself. */
    for (int i = 0; i < 100; i++) {
        char key[32];
        snprintf(key, sizeof(key), "active:%d", i);
        test_ok(c, "XADD %s 1-1 f v", key);
        ck_assert_int_eq(test_int(c, "PEXPIRE %s 30", key), 1);
    }
    usleep(60000);
    /* Reading the lazy one never sees it, whether the cron or the read
     * expired it; then every one of the 101 keys is counted as expired. */
    ck_assert_int_eq(test_int(c, "EXISTS lazy"), 0);
    ck_assert_int_eq(test_wait_info(c, "expired_keys", before + 101, 5000), 0);
    ck_assert_int_eq(test_int(c, "DBSIZE"), 0);
    redisFree(c);
}
END_TEST

START_TEST(watch_fails_on_touch_and_expiry)
{
    redisContext *c = test_connect(&srv);
    redisContext *other = test_connect(&srv);
    test_ok(c, "FLUSHALL");
    test_ok(c, "XADD w 1-1 f v");
    test_ok(c, "WATCH w");
    test_ok(other, "XADD w 2-1 f v");
    test_ok(c, "MULTI");
    test_ok(c, "XLEN w");
    redisReply *r = test_cmd(c, "EXEC");
    ck_assert_int_eq(r->type, REDIS_REPLY_NIL);
    freeReplyObject(r);

    /* A watched key that expires makes EXEC fail (Redis 7). */
    test_ok(c, "XADD e 1-1 f v");
    ck_assert_int_eq(test_int(c, "PEXPIRE e 20"), 1);
    test_ok(c, "WATCH e");
    usleep(50000);
    test_ok(c, "MULTI");
    test_ok(c, "PING");
    r = test_cmd(c, "EXEC");
    ck_assert_int_eq(r->type, REDIS_REPLY_NIL);
    freeReplyObject(r);

    /* Untouched: EXEC runs. */
    test_ok(c, "WATCH w");
    test_ok(c, "MULTI");
    test_ok(c, "XLEN w");
    r = test_cmd(c, "EXEC");
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    ck_assert_int_eq(r->element[0]->integer, 2);
    freeReplyObject(r);
    redisFree(other);
    redisFree(c);
}
END_TEST

static const char *trace(void)
{
    static char buf[1 << 16];
    FILE *f = fopen(srv.trace, "rb");
    if (!f)
        return "";
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

START_TEST(effects_are_deterministic)
{
    redisContext *c = test_connect(&srv);
    test_ok(c, "SELECT 2");
    redisReply *r = test_cmd(c, "XADD fx * a 1");
    ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
    char id[64];
    snprintf(id, sizeof(id), "%s", r->str);
    freeReplyObject(r);
    ck_assert_int_eq(test_int(c, "EXPIRE fx 100"), 1);
    r = test_cmd(c, "PEXPIRETIME fx");
    long long at = r->integer;
    freeReplyObject(r);
    ck_assert_int_eq(test_int(c, "EXPIRE fx -1"), 1);
    const char *t = trace();
    char want[256];
    snprintf(want, sizeof(want), "$4\r\nXADD\r\n$2\r\nfx\r\n$%zu\r\n%s\r\n", strlen(id), id);
    ck_assert_msg(strstr(t, want), "XADD effect with the generated ID missing");
    snprintf(want, sizeof(want), "$9\r\nPEXPIREAT\r\n$2\r\nfx\r\n$13\r\n%lld\r\n", at);
    ck_assert_msg(strstr(t, want), "PEXPIREAT effect missing");
    ck_assert_ptr_nonnull(strstr(t, "*2\r\n$3\r\nDEL\r\n$2\r\nfx\r\n"));
    ck_assert_ptr_nonnull(strstr(t, "*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n"));
    redisFree(c);
}
END_TEST

START_TEST(large_values_and_many_fields)
{
    redisContext *c = test_connect(&srv);
    test_ok(c, "FLUSHALL");
    size_t big = 1024 * 1024;
    char *val = malloc(big);
    for (size_t i = 0; i < big; i++)
        val[i] = (char)('a' + i % 26);
    for (int i = 0; i < 3; i++) {
        redisReply *r = test_cmd(c, "XADD big * payload %b", val, big);
        ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
        freeReplyObject(r);
    }
    redisReply *r = test_cmd(c, "XRANGE big - +");
    ck_assert_int_eq(r->elements, 3);
    for (size_t i = 0; i < 3; i++) {
        redisReply *fv = r->element[i]->element[1];
        ck_assert_int_eq(fv->element[1]->len, big);
        ck_assert_int_eq(memcmp(fv->element[1]->str, val, big), 0);
    }
    freeReplyObject(r);
    free(val);

    /* 1000 field/value pairs in one entry. */
    const char **argv = malloc(sizeof(char *) * 2003);
    char (*words)[16] = malloc(2000 * 16);
    argv[0] = "XADD";
    argv[1] = "wide";
    argv[2] = "1-1";
    for (int i = 0; i < 2000; i++) {
        snprintf(words[i], 16, "%c%d", i % 2 ? 'v' : 'f', i / 2);
        argv[3 + i] = words[i];
    }
    r = test_cmdargv(c, 2003, argv);
    ck_assert_str_eq(r->str, "1-1");
    freeReplyObject(r);
    r = test_cmd(c, "XREVRANGE wide + -");
    ck_assert_int_eq(r->elements, 1);
    redisReply *fv = r->element[0]->element[1];
    ck_assert_int_eq(fv->elements, 2000);
    for (int i = 0; i < 2000; i++)
        ck_assert_str_eq(fv->element[i]->str, words[i]);
    freeReplyObject(r);
    free(words);
    free(argv);
    redisFree(c);
}
END_TEST

START_TEST(million_entry_stream)
{
    redisContext *c = test_connect(&srv);
    test_ok(c, "FLUSHALL");
    const int total = 1000000, batch = 10000;
    for (int done = 0; done < total; done += batch) {
        for (int i = 0; i < batch; i++)
            redisAppendCommand(c, "XADD m %d-1 device_id sensor-%d val %d.%d ts %d", done + i + 1,
                               (done + i) % 1000, (done + i) % 50, i % 10, 1618590100 + done + i);
        for (int i = 0; i < batch; i++) {
            redisReply *r;
            ck_assert_int_eq(redisGetReply(c, (void **)&r), REDIS_OK);
            ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
            freeReplyObject(r);
        }
    }
    ck_assert_int_eq(test_int(c, "XLEN m"), total);
    redisReply *r = test_cmd(c, "XRANGE m 500000 + COUNT 3");
    ck_assert_int_eq(r->elements, 3);
    ck_assert_str_eq(r->element[0]->element[0]->str, "500000-1");
    ck_assert_str_eq(r->element[2]->element[0]->str, "500002-1");
    ck_assert_str_eq(r->element[0]->element[1]->element[1]->str, "sensor-999");
    freeReplyObject(r);
    r = test_cmd(c, "XREVRANGE m + - COUNT 2");
    ck_assert_str_eq(r->element[0]->element[0]->str, "1000000-1");
    freeReplyObject(r);
    ck_assert_int_eq(test_int(c, "XTRIM m MAXLEN 10"), total - 10);
    ck_assert_int_eq(test_int(c, "XLEN m"), 10);
    redisFree(c);
}
END_TEST

static Suite *keyspace_suite(void)
{
    Suite *s = suite_create("keyspace");
    TCase *tc = tcase_create("core");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, lazy_and_active_expiry);
    tcase_add_test(tc, watch_fails_on_touch_and_expiry);
    tcase_add_test(tc, effects_are_deterministic);
    tcase_add_test(tc, large_values_and_many_fields);
    tcase_add_test(tc, million_entry_stream);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(keyspace_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
