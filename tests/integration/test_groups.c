/* test_groups.c -- consumer groups as a job queue uses them, against the
 * real server: a producer adds jobs, three workers read them in a group,
 * one disconnects without acknowledging, another takes its jobs over with
 * XAUTOCLAIM once they are idle enough, and every job ends acknowledged
 * exactly once with nothing pending.  Also: XREADGROUP BLOCK wake-ups (in
 * blocking order, one entry per waiter), the error a waiter gets when its
 * group or key goes away, a CLAIM waiter woken by XNACK, and the effects:
 * replayed into an empty keyspace they rebuild the groups exactly
 * (positions, counters, owners, delivery times and counts).  State is
 * observed (INFO blocked_clients, XPENDING's idle filter), never assumed
 * after a sleep. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Sleep (only to let idle time pass; state is still observed). */
/* The number of pending records of group g on key k. */
static long long pending_count(redisContext *c, const char *k, const char *g)
{
    redisReply *r = test_cmd(c, "XPENDING %s %s", k, g);
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    long long n = r->element[0]->integer;
    freeReplyObject(r);
    return n;
}

/* --- The job queue ------------------------------------------------------------ */

#define JOBS 60

/* Acknowledgements seen per job (the job number is its field value). */
static int acked[JOBS];

/* One worker's turn: read up to count new jobs, acknowledge each (XACK
 * must answer 1: the job was pending and is acknowledged now).  Returns
 * how many were read. */
static int worker_turn(redisContext *w, const char *name, int count, int ack)
{
    redisReply *r = test_cmd(w, "XREADGROUP GROUP workers %s COUNT %d STREAMS jobs >", name, count);
    if (r->type == REDIS_REPLY_NIL) {
        freeReplyObject(r);
        return 0;
    }
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    redisReply *entries = r->element[0]->element[1];
    int n = (int)entries->elements;
    for (int i = 0; ack && i < n; i++) {
        redisReply *e = entries->element[i];
        int job = atoi(e->element[1]->element[1]->str);
        ck_assert_int_eq(test_int(w, "XACK jobs workers %s", e->element[0]->str), 1);
        acked[job]++;
    }
    freeReplyObject(r);
    return n;
}

START_TEST(job_queue_story)
{
    memset(acked, 0, sizeof(acked));
    redisContext *prod = test_connect(&srv);
    redisContext *w1 = test_connect(&srv), *w2 = test_connect(&srv), *w3 = test_connect(&srv);
    test_ok(prod, "DEL jobs");
    test_ok(prod, "XGROUP CREATE jobs workers $ MKSTREAM");
    /* Jobs arrive in batches; the workers share them. */
    int produced = 0;
    for (int batch = 0; batch < 3; batch++) {
        for (int i = 0; i < JOBS / 3; i++, produced++)
            test_ok(prod, "XADD jobs * job %d", produced);
        worker_turn(w1, "w1", 4, 1);
        worker_turn(w2, "w2", 3, 1);
        if (batch == 1) {
            /* w3 takes five jobs and dies before acknowledging them. */
            ck_assert_int_eq(worker_turn(w3, "w3", 5, 0), 5);
            redisFree(w3);
            w3 = NULL;
        }
    }
    ck_assert_int_eq(pending_count(prod, "jobs", "workers"), 5);
    /* The healthy workers drain the rest. */
    while (worker_turn(w1, "w1", 4, 1) + worker_turn(w2, "w2", 4, 1) > 0)
        ;
    /* w3's jobs become claimable once idle 200 ms: watch XPENDING's idle
     * filter rather than sleeping a fixed time. */
    redisReply *r;
    for (int tries = 0;; tries++) {
        r = test_cmd(prod, "XPENDING jobs workers IDLE 200 - + 100");
        size_t n = r->elements;
        freeReplyObject(r);
        if (n == 5)
            break;
        ck_assert_int_lt(tries, 500);
        test_sleep_ms(10);
    }
    /* Before that w2 could not take them (not idle enough for 1 hour). */
    r = test_cmd(w2, "XAUTOCLAIM jobs workers w2 3600000 0");
    ck_assert_int_eq(r->element[1]->elements, 0);
    freeReplyObject(r);
    /* w1 claims them with XAUTOCLAIM, processes and acknowledges them. */
    r = test_cmd(w1, "XAUTOCLAIM jobs workers w1 200 0 COUNT 3");
    ck_assert_int_eq(r->element[1]->elements, 3);
    ck_assert_str_ne(r->element[0]->str, "0-0"); /* more to come */
    char cursor[64];
    snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
    for (size_t i = 0; i < r->element[1]->elements; i++) {
        redisReply *e = r->element[1]->element[i];
        ck_assert_int_eq(test_int(w1, "XACK jobs workers %s", e->element[0]->str), 1);
        acked[atoi(e->element[1]->element[1]->str)]++;
    }
    freeReplyObject(r);
    r = test_cmd(w1, "XAUTOCLAIM jobs workers w1 200 %s COUNT 3", cursor);
    ck_assert_int_eq(r->element[1]->elements, 2);
    ck_assert_str_eq(r->element[0]->str, "0-0");
    for (size_t i = 0; i < r->element[1]->elements; i++) {
        redisReply *e = r->element[1]->element[i];
        /* Delivered twice: once to w3, once to w1. */
        redisReply *p = test_cmd(w1, "XPENDING jobs workers - + 1 w1");
        ck_assert_int_eq(p->element[0]->element[3]->integer, 2);
        freeReplyObject(p);
        ck_assert_int_eq(test_int(w1, "XACK jobs workers %s", e->element[0]->str), 1);
        acked[atoi(e->element[1]->element[1]->str)]++;
    }
    freeReplyObject(r);
    /* Every job acknowledged exactly once; nothing pending, nothing left. */
    for (int j = 0; j < JOBS; j++)
        ck_assert_msg(acked[j] == 1, "job %d acknowledged %d times", j, acked[j]);
    r = test_cmd(prod, "XPENDING jobs workers");
    ck_assert_int_eq(r->element[0]->integer, 0);
    ck_assert_int_eq(r->element[1]->type, REDIS_REPLY_NIL);
    freeReplyObject(r);
    r = test_cmd(prod, "XINFO GROUPS jobs");
    redisReply *g = r->element[0];
    for (size_t i = 0; i + 1 < g->elements; i += 2) {
        if (strcmp(g->element[i]->str, "lag") == 0)
            ck_assert_int_eq(g->element[i + 1]->integer, 0);
        if (strcmp(g->element[i]->str, "entries-read") == 0)
            ck_assert_int_eq(g->element[i + 1]->integer, JOBS);
        if (strcmp(g->element[i]->str, "consumers") == 0)
            ck_assert_int_eq(g->element[i + 1]->integer, 3);
    }
    freeReplyObject(r);
    /* w3 still exists, with nothing pending: XGROUP DELCONSUMER says 0. */
    ck_assert_int_eq(test_int(prod, "XGROUP DELCONSUMER jobs workers w3"), 0);
    redisFree(w1);
    redisFree(w2);
    redisFree(prod);
}
END_TEST

/* --- Blocking ------------------------------------------------------------------------ */

START_TEST(block_wakeups)
{
    redisContext *ctl = test_connect(&srv);
    redisContext *a = test_connect(&srv), *b = test_connect(&srv);
    test_ok(ctl, "DEL q");
    test_ok(ctl, "XGROUP CREATE q g $ MKSTREAM");
    test_send(a, "XREADGROUP GROUP g a BLOCK 0 STREAMS q >");
    test_wait_blocked(ctl, 1);
    test_send(b, "XREADGROUP GROUP g b BLOCK 0 STREAMS q >");
    test_wait_blocked(ctl, 2);
    /* One entry: the first to block gets it, the other keeps waiting. */
    test_ok(ctl, "XADD q 1-0 job 1");
    redisReply *r = test_reply(a);
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    ck_assert_str_eq(r->element[0]->element[1]->element[0]->element[0]->str, "1-0");
    freeReplyObject(r);
    test_wait_blocked(ctl, 1);
    /* A group-only change (XACK, SETID forward) wakes nobody. */
    test_ok(ctl, "XACK q g 1-0");
    test_wait_blocked(ctl, 1);
    /* An entry added inside a transaction is seen when EXEC ends. */
    test_ok(ctl, "MULTI");
    test_ok(ctl, "XADD q 2-0 job 2");
    test_ok(ctl, "XADD q 3-0 job 3");
    test_ok(ctl, "EXEC");
    r = test_reply(b);
    ck_assert_int_eq(r->element[0]->element[1]->elements, 2);
    freeReplyObject(r);
    test_wait_blocked(ctl, 0);
    ck_assert_int_eq(pending_count(ctl, "q", "g"), 2);
    /* NOACK while blocked: delivered, not pending. */
    test_send(a, "XREADGROUP GROUP g a NOACK BLOCK 0 STREAMS q >");
    test_wait_blocked(ctl, 1);
    test_ok(ctl, "XADD q 4-0 job 4");
    r = test_reply(a);
    ck_assert_str_eq(r->element[0]->element[1]->element[0]->element[0]->str, "4-0");
    freeReplyObject(r);
    ck_assert_int_eq(pending_count(ctl, "q", "g"), 2);
    /* A timeout answers nil. */
    r = test_cmd(a, "XREADGROUP GROUP g a BLOCK 50 STREAMS q >");
    ck_assert_int_eq(r->type, REDIS_REPLY_NIL);
    freeReplyObject(r);
    /* A CLAIM waiter is woken by XNACK: the released record is claimable
     * at once. */
    test_send(b, "XREADGROUP GROUP g b CLAIM 60000 BLOCK 0 STREAMS q >");
    test_wait_blocked(ctl, 1);
    ck_assert_int_eq(test_int(ctl, "XNACK q g FAIL IDS 1 2-0"), 1);
    r = test_reply(b);
    redisReply *e = r->element[0]->element[1]->element[0];
    ck_assert_str_eq(e->element[0]->str, "2-0");
    ck_assert_int_eq(e->elements, 4);
    ck_assert_int_eq(e->element[3]->integer, 1); /* delivered once before */
    freeReplyObject(r);
    test_wait_blocked(ctl, 0);
    redisFree(a);
    redisFree(b);
    redisFree(ctl);
}
END_TEST

START_TEST(waiter_gets_nogroup_when_group_or_key_goes)
{
    static const char nogroup[] =
        "NOGROUP No such key 'gone' or consumer group 'g' in XREADGROUP with GROUP option";
    redisContext *ctl = test_connect(&srv);
    redisContext *w = test_connect(&srv);
    test_ok(ctl, "DEL gone");
    test_ok(ctl, "XGROUP CREATE gone g $ MKSTREAM");
    /* XGROUP DESTROY. */
    test_send(w, "XREADGROUP GROUP g c BLOCK 0 STREAMS gone >");
    test_wait_blocked(ctl, 1);
    ck_assert_int_eq(test_int(ctl, "XGROUP DESTROY gone g"), 1);
    redisReply *r = test_reply(w);
    ck_assert_int_eq(r->type, REDIS_REPLY_ERROR);
    ck_assert_str_eq(r->str, nogroup);
    freeReplyObject(r);
    test_wait_blocked(ctl, 0);
    /* Another group's waiter is not disturbed by it. */
    redisContext *other = test_connect(&srv);
    test_ok(ctl, "XGROUP CREATE gone g $");
    test_ok(ctl, "XGROUP CREATE gone h $");
    test_send(other, "XREADGROUP GROUP h c BLOCK 0 STREAMS gone >");
    test_wait_blocked(ctl, 1);
    test_ok(ctl, "XGROUP DESTROY gone g");
    test_wait_blocked(ctl, 1);
    /* DEL of the key. */
    test_ok(ctl, "XGROUP CREATE gone g $");
    test_send(w, "XREADGROUP GROUP g c BLOCK 0 STREAMS gone >");
    test_wait_blocked(ctl, 2);
    ck_assert_int_eq(test_int(ctl, "DEL gone"), 1);
    r = test_reply(w);
    ck_assert_str_eq(r->str, nogroup);
    freeReplyObject(r);
    r = test_reply(other);
    ck_assert_int_eq(r->type, REDIS_REPLY_ERROR);
    freeReplyObject(r);
    test_wait_blocked(ctl, 0);
    /* FLUSHALL. */
    test_ok(ctl, "XGROUP CREATE gone g $ MKSTREAM");
    test_send(w, "XREADGROUP GROUP g c BLOCK 0 STREAMS gone >");
    test_wait_blocked(ctl, 1);
    test_ok(ctl, "FLUSHALL");
    r = test_reply(w);
    ck_assert_str_eq(r->str, nogroup);
    freeReplyObject(r);
    test_wait_blocked(ctl, 0);
    redisFree(other);
    redisFree(w);
    redisFree(ctl);
}
END_TEST

/* --- Effects ---------------------------------------------------------------------------- */

/* Render a reply as text, leaving out the values of the map keys
 * seen-time and active-time (they are when a command ran, and a replay
 * runs later). */
static void render(const redisReply *r, char *out, size_t cap, size_t *len)
{
    char tmp[64];
    switch (r->type) {
    case REDIS_REPLY_ARRAY:
        *len += (size_t)snprintf(out + *len, cap - *len, "[");
        for (size_t i = 0; i < r->elements && *len < cap; i++) {
            const redisReply *e = r->element[i];
            if (i > 0 && r->element[i - 1]->type == REDIS_REPLY_STRING &&
                (strcmp(r->element[i - 1]->str, "seen-time") == 0 ||
                 strcmp(r->element[i - 1]->str, "active-time") == 0)) {
                *len += (size_t)snprintf(out + *len, cap - *len, "? ");
                continue;
            }
            render(e, out, cap, len);
        }
        *len += (size_t)snprintf(out + *len, cap - *len, "] ");
        break;
    case REDIS_REPLY_INTEGER:
        snprintf(tmp, sizeof(tmp), ":%lld ", r->integer);
        *len += (size_t)snprintf(out + *len, cap - *len, "%s", tmp);
        break;
    case REDIS_REPLY_NIL:
        *len += (size_t)snprintf(out + *len, cap - *len, "nil ");
        break;
    default:
        *len += (size_t)snprintf(out + *len, cap - *len, "\"%s\" ", r->str);
        break;
    }
    if (*len >= cap)
        *len = cap - 1;
}

/* Drop the '#' annotation lines (effect.h) from a trace: they are for AOF
 * loaders, and a server reading them as requests would answer unknown
 * command.  Requests are skipped whole (a bulk may hold any byte). */
static size_t strip_annotations(char *t, size_t len)
{
    size_t r = 0, w = 0;
    while (r < len) {
        const char *eol = memmem(t + r, len - r, "\r\n", 2);
        ck_assert_ptr_nonnull(eol);
        size_t end = (size_t)(eol - t) + 2;
        if (t[r] == '*') {
            long n = strtol(t + r + 1, NULL, 10);
            for (long i = 0; i < n; i++) {
                long blen = strtol(t + end + 1, NULL, 10);
                const char *head = memmem(t + end, len - end, "\r\n", 2);
                ck_assert_ptr_nonnull(head);
                end = (size_t)(head - t) + 2 + (size_t)blen + 2;
            }
        }
        if (t[r] != '#') {
            memmove(t + w, t + r, end - r);
            w += end - r;
        }
        r = end;
    }
    t[w] = '\0';
    return w;
}

/* The whole state of key's groups as text. */
static void group_state(redisContext *c, const char *key, char *out, size_t cap)
{
    size_t len = 0;
    redisReply *r = test_cmd(c, "XINFO STREAM %s FULL COUNT 0", key);
    render(r, out, cap, &len);
    freeReplyObject(r);
    r = test_cmd(c, "XINFO GROUPS %s", key);
    render(r, out, cap, &len);
    freeReplyObject(r);
}

START_TEST(effects_replay_groups_exactly)
{
    redisContext *c = test_connect(&srv);
    redisContext *w = test_connect(&srv);
    test_ok(c, "FLUSHALL");
    long from = test_file_size(srv.trace);
    test_ok(c, "XGROUP CREATE s g $ MKSTREAM");
    test_ok(c, "XGROUP CREATE s h 0");
    for (int i = 1; i <= 12; i++)
        test_ok(c, "XADD s %d-0 n %d", i, i);
    test_ok(c, "XREADGROUP GROUP g a COUNT 4 STREAMS s >");
    test_ok(c, "XREADGROUP GROUP g b COUNT 3 STREAMS s >");
    test_ok(c, "XREADGROUP GROUP g b NOACK COUNT 2 STREAMS s >");
    test_ok(c, "XREADGROUP GROUP h a STREAMS s >");
    test_ok(c, "XREADGROUP GROUP g a STREAMS s 0");       /* history: counts up */
    test_ok(c, "XACK s g 2-0 6-0");
    test_ok(c, "XCLAIM s g c 0 3-0 4-0 TIME 12345");
    test_ok(c, "XCLAIM s g c 0 11-0 FORCE RETRYCOUNT 9");
    test_ok(c, "XAUTOCLAIM s h d 0 5-0 COUNT 3");
    test_ok(c, "XNACK s h FAIL IDS 2 9-0 10-0");
    test_ok(c, "XNACK s h FATAL IDS 1 12-0");
    test_ok(c, "XDEL s 1-0");
    test_ok(c, "XAUTOCLAIM s g e 0 0 COUNT 1");            /* drops 1-0 */
    test_ok(c, "XREADGROUP GROUP h x CLAIM 0 COUNT 2 STREAMS s >");
    test_ok(c, "XGROUP CREATECONSUMER s g idle");
    test_ok(c, "XGROUP SETID s h 3-0 ENTRIESREAD 3");
    test_ok(c, "XREADGROUP GROUP h y COUNT 2 STREAMS s >"); /* redelivers 4-0, 5-0 */
    test_ok(c, "XGROUP DELCONSUMER s h d");
    test_ok(c, "XACKDEL s g ACKED IDS 2 7-0 3-0");
    test_ok(c, "XTRIM s MAXLEN 8 DELREF");
    test_ok(c, "XGROUP CREATE s tmp $");
    test_ok(c, "XGROUP DESTROY s tmp");
    /* A waiter served by a write: its delivery is an effect too. */
    test_ok(c, "XREADGROUP GROUP g a STREAMS s >");
    test_send(w, "XREADGROUP GROUP g z BLOCK 0 STREAMS s >");
    test_wait_blocked(c, 1);
    test_ok(c, "XADD s 13-0 n 13");
    freeReplyObject(test_reply(w));
    static char before[1 << 16], after[1 << 16];
    group_state(c, "s", before, sizeof(before));
    /* Sanity: the state compared below is the rich one built above. */
    ck_assert_ptr_nonnull(strstr(before, "\"nacked-count\" :1 "));
    ck_assert_ptr_nonnull(strstr(before, "[\"9-0\" \"x\" "));
    ck_assert_ptr_nonnull(strstr(before, "[\"12-0\" \"\" :0 :9223372036854775807 ]"));
    ck_assert_ptr_nonnull(strstr(before, "\"name\" \"z\" "));

    size_t len;
    char *t = test_file_from(srv.trace, from, &len);
    /* XREADGROUP itself is never an effect; deliveries are XCLAIMs. */
    ck_assert_ptr_null(strstr(t, "XREADGROUP"));
    ck_assert_ptr_nonnull(strstr(t, "$6\r\nXCLAIM\r\n"));
    ck_assert_ptr_nonnull(strstr(t, "$4\r\nTIME\r\n"));
    ck_assert_ptr_nonnull(strstr(t, "$5\r\nSETID\r\n"));
    ck_assert_ptr_nonnull(strstr(t, "#runnel-consumer "));
    len = strip_annotations(t, len);
    test_ok(c, "FLUSHALL");
    char *replies = malloc(1 << 18);
    ck_assert_int_ge(test_raw(&srv, t, len, replies, 1 << 18, 500), 0);
    ck_assert_msg(!strstr(replies, "-ERR") && !strstr(replies, "-NOGROUP"), "%s", replies);
    free(replies);
    free(t);
    group_state(c, "s", after, sizeof(after));
    ck_assert_str_eq(after, before);
    redisFree(w);
    redisFree(c);
}
END_TEST

/* COPY gives an independent copy; MEMORY USAGE counts the PEL. */
START_TEST(copy_and_memory)
{
    redisContext *c = test_connect(&srv);
    test_ok(c, "FLUSHALL");
    for (int i = 1; i <= 200; i++)
        test_ok(c, "XADD m %d-0 n %d", i, i);
    long long bare = test_int(c, "MEMORY USAGE m");
    test_ok(c, "XGROUP CREATE m g 0");
    test_ok(c, "XREADGROUP GROUP g a STREAMS m >");
    ck_assert_int_gt(test_int(c, "MEMORY USAGE m"), bare + 200 * 16);
    ck_assert_int_eq(test_int(c, "COPY m m2"), 1);
    ck_assert_int_eq(test_int(c, "XACK m2 g 1-0 2-0"), 2);
    ck_assert_int_eq(pending_count(c, "m", "g"), 200);
    ck_assert_int_eq(pending_count(c, "m2", "g"), 198);
    ck_assert_int_eq(test_int(c, "XGROUP DESTROY m g"), 1);
    ck_assert_int_eq(test_int(c, "MEMORY USAGE m"), bare);
    ck_assert_int_eq(pending_count(c, "m2", "g"), 198);
    redisFree(c);
}
END_TEST

/* The suite. */
/* XREADGROUP BLOCK ... CLAIM: with no write at all, the waiter is served
 * once a pending entry has been idle long enough. */
START_TEST(claim_waiter_woken_by_time)
{
    redisContext *ctl = test_connect(&srv);
    redisContext *w = test_connect(&srv);
    test_ok(ctl, "DEL cq");
    test_ok(ctl, "XADD cq 1-1 job a");
    test_ok(ctl, "XGROUP CREATE cq g 0");
    redisReply *r = test_cmd(ctl, "XREADGROUP GROUP g c1 STREAMS cq >");
    freeReplyObject(r);
    test_send(w, "XREADGROUP GROUP g c2 BLOCK 5000 CLAIM 150 STREAMS cq >");
    test_wait_blocked(ctl, 1);
    r = test_reply(w);
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    redisReply *entry = r->element[0]->element[1]->element[0];
    ck_assert_str_eq(entry->element[0]->str, "1-1");
    /* CLAIM entries carry the idle time and the delivery count. */
    ck_assert_int_eq(entry->elements, 4);
    ck_assert_int_ge(entry->element[2]->integer, 150);
    freeReplyObject(r);
    redisFree(w);
    redisFree(ctl);
}
END_TEST

static Suite *groups_suite(void)
{
    Suite *s = suite_create("groups");
    TCase *tc = tcase_create("core");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, job_queue_story);
    tcase_add_test(tc, block_wakeups);
    tcase_add_test(tc, waiter_gets_nogroup_when_group_or_key_goes);
    tcase_add_test(tc, effects_replay_groups_exactly);
    tcase_add_test(tc, copy_and_memory);
    tcase_add_test(tc, claim_waiter_woken_by_time);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(groups_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
