/* hiredis (Debian's libhiredis 0.14, C) running the three stream workflows
 * (see ../README.md).
 *
 *     workflows WORKFLOW PORT PREFIX [STATE_FILE]
 *
 * WORKFLOW: jobs, iot, audit1 (before a restart), audit2 (after it).
 * hiredis's blocking API has no threads here: the "concurrent" workers and
 * writers are several connections whose requests are all sent before their
 * replies are read (redisAppendCommand + redisBufferWrite), so the server
 * holds them blocked or interleaves their writes as it would for separate
 * processes.  Exit 0 when every invariant held; otherwise the broken one
 * goes to stderr and the exit status is 1. */
#define _POSIX_C_SOURCE 200809L
#include <hiredis/hiredis.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N_JOBS 60
#define N_WRITERS 4
#define PER_WRITER 1500
#define TS0 1700000000000LL
#define ORDERS 10
#define PER_ORDER 20
#define LATEST 10
#define ID_MAX 48

static int g_port;

static void fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("broken invariant: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) fail(__VA_ARGS__);                                                            \
    } while (0)

static redisContext *dial(void) {
    redisContext *c = redisConnect("127.0.0.1", g_port);
    CHECK(c && !c->err, "connect: %s", c ? c->errstr : "out of memory");
    return c;
}

/* A command whose reply must not be an error (or a lost connection). */
static redisReply *cmd(redisContext *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    CHECK(r != NULL, "connection: %s", c->errstr);
    CHECK(r->type != REDIS_REPLY_ERROR, "error reply to %s: %s", fmt, r->str);
    return r;
}

static long long cmd_int(redisContext *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    CHECK(r && r->type == REDIS_REPLY_INTEGER, "%s: not an integer reply", fmt);
    long long v = r->integer;
    freeReplyObject(r);
    return v;
}

/* Send what is buffered so that the server sees the request now. */
static void flush(redisContext *c) {
    int done = 0;
    while (!done) CHECK(redisBufferWrite(c, &done) == REDIS_OK, "write: %s", c->errstr);
}

static redisReply *next_reply(redisContext *c) {
    void *r = NULL;
    CHECK(redisGetReply(c, &r) == REDIS_OK && r, "read: %s", c->errstr);
    CHECK(((redisReply *)r)->type != REDIS_REPLY_ERROR, "error reply: %s", ((redisReply *)r)->str);
    return r;
}

static void wait_blocked(redisContext *c, long long n) {
    for (int i = 0; i < 2000; i++) {
        redisReply *r = cmd(c, "INFO clients");
        const char *p = strstr(r->str, "blocked_clients:");
        long long got = p ? atoll(p + 16) : -1;
        freeReplyObject(r);
        if (got == n) return;
        nanosleep(&(struct timespec){0, 5000000}, NULL);
    }
    fail("never saw %lld blocked clients", n);
}

/* The value of field f in a [field, value, ...] array, or NULL. */
static const char *field(const redisReply *fv, const char *f) {
    for (size_t i = 0; i + 1 < fv->elements; i += 2)
        if (strcmp(fv->element[i]->str, f) == 0) return fv->element[i + 1]->str;
    return NULL;
}

/* The entries of a one-stream XREAD/XREADGROUP reply (NULL: nothing). */
static const redisReply *stream_entries(const redisReply *r, const char *key) {
    if (r->type == REDIS_REPLY_NIL) return NULL;
    CHECK(r->type == REDIS_REPLY_ARRAY && r->elements == 1, "reply for %zu streams", r->elements);
    const redisReply *kv = r->element[0];
    CHECK(strcmp(kv->element[0]->str, key) == 0, "reply for key %s", kv->element[0]->str);
    return kv->element[1];
}

static int id_above(const char *a, const char *b) {
    unsigned long long am, as, bm, bs;
    sscanf(a, "%llu-%llu", &am, &as);
    sscanf(b, "%llu-%llu", &bm, &bs);
    return am > bm || (am == bm && as > bs);
}

/* ---- job queue ---------------------------------------------------------- */

static char produced[N_JOBS][ID_MAX];
static int ack_count[N_JOBS];

static void ack(redisContext *c, const char *key, const char *id) {
    long long n = cmd_int(c, "XACK %s workers %s", key, id);
    CHECK(n == 1, "XACK %s answered %lld", id, n);
    for (int i = 0; i < N_JOBS; i++)
        if (strcmp(produced[i], id) == 0) ack_count[i]++;
}

static void jobs(const char *prefix) {
    char key[256];
    snprintf(key, sizeof key, "%sjobs:email", prefix);
    redisContext *r = dial();
    freeReplyObject(cmd(r, "DEL %s", key));
    freeReplyObject(cmd(r, "XGROUP CREATE %s workers $ MKSTREAM", key));

    redisContext *dead = dial();
    redisAppendCommand(dead, "XREADGROUP GROUP workers dead COUNT 5 BLOCK 10000 STREAMS %s >", key);
    flush(dead);
    wait_blocked(r, 1);
    redisContext *w[2] = {dial(), dial()};
    const char *names[2] = {"w1", "w2"};
    for (int k = 0; k < 2; k++) {
        redisAppendCommand(w[k], "XREADGROUP GROUP workers %s COUNT 10 BLOCK 10000 STREAMS %s >",
                           names[k], key);
        flush(w[k]);
    }
    wait_blocked(r, 3);
    for (int i = 0; i < N_JOBS; i++) {
        redisReply *id = cmd(r, "XADD %s * to user%d@example.com template welcome context_id %d",
                             key, i, 42 + i);
        snprintf(produced[i], ID_MAX, "%s", id->str);
        freeReplyObject(id);
    }
    /* The dying worker reads its jobs and closes without acking them. */
    char dead_ids[5][ID_MAX];
    size_t ndead = 0;
    redisReply *dr = next_reply(dead);
    const redisReply *de = stream_entries(dr, key);
    CHECK(de && de->elements >= 1, "the dying worker got nothing");
    for (ndead = 0; ndead < de->elements; ndead++)
        snprintf(dead_ids[ndead], ID_MAX, "%s", de->element[ndead]->element[0]->str);
    freeReplyObject(dr);
    redisFree(dead);
    CHECK(strcmp(dead_ids[0], produced[0]) == 0, "the dying worker got %s first", dead_ids[0]);

    /* Live workers in turns: read a reply, ack it, ask again (BLOCK 300). */
    int live[2] = {1, 1};
    while (live[0] || live[1]) {
        for (int k = 0; k < 2; k++) {
            if (!live[k]) continue;
            redisReply *rep = next_reply(w[k]);
            const redisReply *e = stream_entries(rep, key);
            if (e == NULL) {
                live[k] = 0;
            } else {
                for (size_t j = 0; j < e->elements; j++) ack(w[k], key, e->element[j]->element[0]->str);
                redisAppendCommand(w[k],
                                   "XREADGROUP GROUP workers %s COUNT 10 BLOCK 300 STREAMS %s >",
                                   names[k], key);
                flush(w[k]);
            }
            freeReplyObject(rep);
        }
    }
    redisReply *p = cmd(r, "XPENDING %s workers", key);
    CHECK(p->element[0]->integer == (long long)ndead, "XPENDING before the claim: %lld",
          p->element[0]->integer);
    CHECK(p->element[3]->elements == 1 && strcmp(p->element[3]->element[0]->element[0]->str, "dead") == 0 &&
              atoll(p->element[3]->element[0]->element[1]->str) == (long long)ndead,
          "XPENDING consumers");
    freeReplyObject(p);
    nanosleep(&(struct timespec){0, 50000000}, NULL);
    redisReply *ac = cmd(r, "XAUTOCLAIM %s workers w1 20 0-0 COUNT 100", key);
    CHECK(strcmp(ac->element[0]->str, "0-0") == 0, "XAUTOCLAIM cursor %s", ac->element[0]->str);
    CHECK(ac->element[1]->elements == ndead, "XAUTOCLAIM took %zu, expected %zu",
          ac->element[1]->elements, ndead);
    for (size_t j = 0; j < ndead; j++) {
        const redisReply *e = ac->element[1]->element[j];
        CHECK(strcmp(e->element[0]->str, dead_ids[j]) == 0, "XAUTOCLAIM entry %zu: %s", j,
              e->element[0]->str);
        const char *t = field(e->element[1], "template");
        CHECK(t && strcmp(t, "welcome") == 0, "claimed job fields");
        ack(r, key, dead_ids[j]);
    }
    freeReplyObject(ac);
    for (int i = 0; i < N_JOBS; i++)
        CHECK(ack_count[i] == 1, "job %s acked %d times", produced[i], ack_count[i]);
    p = cmd(r, "XPENDING %s workers", key);
    CHECK(p->element[0]->integer == 0 && p->element[3]->type == REDIS_REPLY_NIL, "XPENDING at the end");
    freeReplyObject(p);
    redisFree(w[0]);
    redisFree(w[1]);
    redisFree(r);
}

/* ---- IoT buffer ----------------------------------------------------------- */

static void reading(int w, int i, long long *ts, int *tenths) {
    *ts = TS0 + (long long)i * 1000;
    *tenths = 200 + (w * 7 + i * 13) % 100;
}

static void iot(const char *prefix) {
    char key[256];
    snprintf(key, sizeof key, "%ssensors:temp", prefix);
    redisContext *r = dial();
    freeReplyObject(cmd(r, "DEL %s", key));
    /* Each writer sends a batch of 100 before any reply is read. */
    redisContext *w[N_WRITERS];
    for (int k = 0; k < N_WRITERS; k++) w[k] = dial();
    for (int start = 0; start < PER_WRITER; start += 100) {
        for (int k = 0; k < N_WRITERS; k++) {
            for (int i = start; i < start + 100 && i < PER_WRITER; i++) {
                long long ts;
                int t;
                reading(k, i, &ts, &t);
                redisAppendCommand(w[k], "XADD %s MAXLEN ~ 100000 * device_id sensor-%d val %d.%d ts %lld",
                                   key, k, t / 10, t % 10, ts);
            }
            flush(w[k]);
        }
        for (int k = 0; k < N_WRITERS; k++)
            for (int i = start; i < start + 100 && i < PER_WRITER; i++) freeReplyObject(next_reply(w[k]));
    }
    for (int k = 0; k < N_WRITERS; k++) redisFree(w[k]);
    const long long total = N_WRITERS * PER_WRITER;
    CHECK(cmd_int(r, "XLEN %s", key) == total, "XLEN after the writers");

    enum { MINUTES = PER_WRITER * 1000 / 60000 + 2 };
    long long sum[MINUTES] = {0}, cnt[MINUTES] = {0}, want_sum[MINUTES] = {0}, want_cnt[MINUTES] = {0};
    long long last_ts[N_WRITERS];
    for (int k = 0; k < N_WRITERS; k++) last_ts[k] = -1;
    long long m0 = TS0 / 60000, n = 0;
    int batches = 0;
    char last[ID_MAX] = "0-0";
    for (;;) {
        redisReply *rep = cmd(r, "XREAD COUNT 1000 STREAMS %s %s", key, last);
        const redisReply *e = stream_entries(rep, key);
        if (e == NULL) {
            freeReplyObject(rep);
            break;
        }
        batches++;
        CHECK(e->elements >= 1 && e->elements <= 1000, "batch of %zu", e->elements);
        for (size_t j = 0; j < e->elements; j++) {
            const redisReply *fv = e->element[j]->element[1];
            int dev = atoi(field(fv, "device_id") + strlen("sensor-"));
            long long ts = atoll(field(fv, "ts"));
            CHECK(dev >= 0 && dev < N_WRITERS && ts > last_ts[dev], "device %d: ts %lld out of order", dev, ts);
            last_ts[dev] = ts;
            long long m = ts / 60000 - m0;
            CHECK(m >= 0 && m < MINUTES, "ts %lld out of range", ts);
            sum[m] += lround(atof(field(fv, "val")) * 10);
            cnt[m]++;
            n++;
        }
        snprintf(last, sizeof last, "%s", e->element[e->elements - 1]->element[0]->str);
        freeReplyObject(rep);
    }
    CHECK(n == total && batches == (total + 999) / 1000, "aggregator: %lld entries in %d batches", n, batches);
    for (int k = 0; k < N_WRITERS; k++)
        for (int i = 0; i < PER_WRITER; i++) {
            long long ts;
            int t;
            reading(k, i, &ts, &t);
            want_sum[ts / 60000 - m0] += t;
            want_cnt[ts / 60000 - m0]++;
        }
    for (int m = 0; m < MINUTES; m++) {
        CHECK(cnt[m] == want_cnt[m], "minute %d: %lld readings, expected %lld", m, cnt[m], want_cnt[m]);
        if (cnt[m])
            CHECK(fabs((double)sum[m] / cnt[m] - (double)want_sum[m] / want_cnt[m]) < 1e-9,
                  "minute %d: average %f", m, (double)sum[m] / cnt[m]);
    }
    long long trimmed = cmd_int(r, "XTRIM %s MAXLEN ~ 1000", key);
    long long left = cmd_int(r, "XLEN %s", key);
    CHECK(left >= 1000 && left < total && left + trimmed == total, "XTRIM ~ 1000: removed %lld, XLEN %lld",
          trimmed, left);
    redisFree(r);
}

/* ---- audit log ------------------------------------------------------------ */

static void state_name(int k, char *out, size_t cap) {
    if (k < 2)
        snprintf(out, cap, "%s", k == 0 ? "new" : "paid");
    else
        snprintf(out, cap, "step%d", k);
}

static void append_audit(redisContext *c, const char *key, int i) {
    char old[16], nw[16], user[32];
    state_name(i / ORDERS, old, sizeof old);
    state_name(i / ORDERS + 1, nw, sizeof nw);
    if (i % 3 == 0)
        snprintf(user, sizeof user, "manager_alex");
    else
        snprintf(user, sizeof user, "clerk_%d", i % 7);
    redisAppendCommand(c, "XADD %s * action status_change order_id %d old %s new %s user %s", key,
                       550 + i % ORDERS, old, nw, user);
}

static void audit(const char *prefix, int phase, const char *state) {
    char key[256];
    snprintf(key, sizeof key, "%saudit:orders", prefix);
    redisContext *r = dial();
    int total = ORDERS * PER_ORDER;
    char ids555[PER_ORDER][ID_MAX], latest[LATEST][ID_MAX];
    if (phase == 1) {
        freeReplyObject(cmd(r, "DEL %s", key));
        for (int i = 0; i < total; i++) append_audit(r, key, i);
        for (int i = 0; i < total; i++) {
            redisReply *id = next_reply(r);
            if (i % ORDERS == 5) snprintf(ids555[i / ORDERS], ID_MAX, "%s", id->str);
            if (i >= total - LATEST) snprintf(latest[total - 1 - i], ID_MAX, "%s", id->str);
            freeReplyObject(id);
        }
    } else {
        FILE *f = fopen(state, "r");
        CHECK(f != NULL, "state file %s", state);
        for (int k = 0; k < PER_ORDER; k++) CHECK(fscanf(f, "%47s", ids555[k]) == 1, "state file");
        for (int k = 0; k < LATEST; k++) CHECK(fscanf(f, "%47s", latest[k]) == 1, "state file");
        CHECK(fscanf(f, "%d", &total) == 1, "state file");
        fclose(f);
        CHECK(cmd_int(r, "XLEN %s", key) == total, "after the restart: XLEN differs");
    }
    /* Replay in pages of 50, following order 555's states. */
    char start[ID_MAX + 1] = "-", prev[16] = "new";
    int seen = 0, k555 = 0;
    for (;;) {
        redisReply *page = cmd(r, "XRANGE %s %s + COUNT 50", key, start);
        for (size_t j = 0; j < page->elements; j++) {
            const redisReply *e = page->element[j];
            seen++;
            if (strcmp(field(e->element[1], "order_id"), "555") != 0) continue;
            CHECK(k555 < PER_ORDER && strcmp(e->element[0]->str, ids555[k555]) == 0,
                  "order 555 step %d: ID %s", k555, e->element[0]->str);
            CHECK(strcmp(field(e->element[1], "old"), prev) == 0, "order 555 step %d: old %s after %s",
                  k555, field(e->element[1], "old"), prev);
            char want_new[16];
            state_name(k555 + 1, want_new, sizeof want_new);
            CHECK(strcmp(field(e->element[1], "new"), want_new) == 0 && e->element[1]->elements == 10,
                  "order 555 step %d: fields", k555);
            snprintf(prev, sizeof prev, "%s", want_new);
            k555++;
        }
        size_t n = page->elements;
        if (n) snprintf(start, sizeof start, "(%s", page->element[n - 1]->element[0]->str);
        freeReplyObject(page);
        if (n < 50) break;
    }
    CHECK(seen == total && k555 == PER_ORDER, "XRANGE replay: %d entries, %d of order 555", seen, k555);
    redisReply *rev = cmd(r, "XREVRANGE %s + - COUNT %d", key, LATEST);
    CHECK(rev->elements == LATEST, "XREVRANGE: %zu entries", rev->elements);
    for (int j = 0; j < LATEST; j++)
        CHECK(strcmp(rev->element[j]->element[0]->str, latest[j]) == 0, "XREVRANGE entry %d", j);
    freeReplyObject(rev);
    if (phase == 1) {
        FILE *f = fopen(state, "w");
        CHECK(f != NULL, "state file %s", state);
        for (int j = 0; j < PER_ORDER; j++) fprintf(f, "%s%c", ids555[j], j + 1 < PER_ORDER ? ' ' : '\n');
        for (int j = 0; j < LATEST; j++) fprintf(f, "%s%c", latest[j], j + 1 < LATEST ? ' ' : '\n');
        fprintf(f, "%d\n", total);
        CHECK(fclose(f) == 0, "state file write");
    } else {
        append_audit(r, key, total);
        redisReply *id = next_reply(r);
        CHECK(id_above(id->str, latest[0]), "an ID after the restart %s is not above %s", id->str, latest[0]);
        freeReplyObject(id);
    }
    redisFree(r);
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: workflows WORKFLOW PORT PREFIX [STATE_FILE]\n");
        return 2;
    }
    g_port = atoi(argv[2]);
    const char *state = argc > 4 ? argv[4] : "";
    if (strcmp(argv[1], "jobs") == 0)
        jobs(argv[3]);
    else if (strcmp(argv[1], "iot") == 0)
        iot(argv[3]);
    else if (strcmp(argv[1], "audit1") == 0)
        audit(argv[3], 1, state);
    else if (strcmp(argv[1], "audit2") == 0)
        audit(argv[3], 2, state);
    else
        fail("unknown workflow %s", argv[1]);
    return 0;
}
