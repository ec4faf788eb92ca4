/* groupbench.c -- consumer-group benchmarks for one server (issue 5).
 *
 *   groupbench PORT consume JOBS CONSUMERS MAXSECONDS
 *       One producer thread XADDs JOBS jobs to "gb:jobs" (pipelined, 100 a
 *       batch) while CONSUMERS threads, each a consumer of group g, loop
 *       XREADGROUP GROUP g cN COUNT 10 BLOCK 100 STREAMS gb:jobs > and XACK
 *       what they got (the XACK pipelined with the next XREADGROUP).  Ends
 *       when every job is acked or after MAXSECONDS (then exits 1).  Checks
 *       XLEN and the pending count at the end.  Prints
 *           JOBS_PER_SECOND ELAPSED_SECONDS PRODUCER_SECONDS
 *           XADD_USEC XREADGROUP_USEC XACK_USEC
 *       where the rate counts jobs consumed and acked from the first XADD to
 *       the last XACK reply, and the last three are the server's
 *       usec_per_call from INFO commandstats (reset at the start).
 *
 *   groupbench PORT pel SIZE CALLS MAXSECONDS
 *       Builds "gb:pel" with SIZE entries, creates group g and delivers all
 *       of them to consumer c1 with pipelined XREADGROUP COUNT 10000 (no
 *       ack), checks XPENDING's count, then times CALLS calls (after 100
 *       warm-up calls) of each of
 *           PING                                (round-trip baseline)
 *           XPENDING gb:pel g - + 10
 *           XPENDING gb:pel g IDLE 0 <random pending id> + 10
 *           XCLAIM gb:pel g c2 0 <random pending id>
 *           XAUTOCLAIM gb:pel g c3 0 <random pending id> COUNT 10
 *       one at a time (no pipelining).  Each command stops early after
 *       MAXSECONDS.  Deletes the key before and after.  Prints
 *           BUILD_SECONDS, then for PING (the round-trip baseline) and each
 *           command: client mean and p99 (us) and the server's own
 *           usec_per_call (INFO commandstats, reset before each command),
 *           then the number of calls timed for each
 *       on one line.  The random positions come from a fixed seed, so both
 *       servers get the same positions in their PEL.
 *
 * Every error reply is fatal (printed with the command, exit 1); hiredis
 * calls time out after 60 s so a stuck server cannot hang the run. */
#include <hiredis/hiredis.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "benchlib.h"

static int port;

static redisContext *connect_or_die(void)
{
    struct timeval tv = {5, 0};
    redisContext *c = redisConnectWithTimeout("127.0.0.1", port, tv);
    if (!c || c->err) {
        fprintf(stderr, "groupbench: connect to %d: %s\n", port, c ? c->errstr : "oom");
        exit(1);
    }
    struct timeval rw = {60, 0};
    redisSetTimeout(c, rw);
    return c;
}

static void die_reply(const char *what, redisContext *c, redisReply *r)
{
    if (!r)
        fprintf(stderr, "groupbench: %s: %s\n", what, c->errstr[0] ? c->errstr : "no reply");
    else
        fprintf(stderr, "groupbench: %s: error reply: %s\n", what, r->str ? r->str : "?");
    exit(1);
}

/* One reply of the pipeline, with errors fatal. */
static redisReply *get_reply(redisContext *c, const char *what)
{
    void *v = NULL;
    if (redisGetReply(c, &v) != REDIS_OK || !v)
        die_reply(what, c, NULL);
    redisReply *r = v;
    if (r->type == REDIS_REPLY_ERROR)
        die_reply(what, c, r);
    return r;
}

static redisReply *cmd(redisContext *c, const char *what, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    if (!r || r->type == REDIS_REPLY_ERROR)
        die_reply(what, c, r);
    return r;
}

static long long pending_count(redisContext *c, const char *key)
{
    redisReply *r = cmd(c, "XPENDING summary", "XPENDING %s g", key);
    long long n = -1;
    if (r->type == REDIS_REPLY_ARRAY && r->elements >= 1 &&
        r->element[0]->type == REDIS_REPLY_INTEGER)
        n = r->element[0]->integer;
    freeReplyObject(r);
    return n;
}

/* usec_per_call of one command from INFO commandstats (0 when never called). */
static double cmdstat(redisContext *c, const char *name)
{
    redisReply *r = cmd(c, "INFO commandstats", "INFO commandstats");
    char pat[64];
    snprintf(pat, sizeof(pat), "cmdstat_%s:", name);
    double v = 0;
    char *p = r->str ? strstr(r->str, pat) : NULL;
    if (p && (p = strstr(p, "usec_per_call=")) != NULL)
        v = atof(p + 14);
    freeReplyObject(r);
    return v;
}

static void resetstat(redisContext *c)
{
    freeReplyObject(cmd(c, "CONFIG RESETSTAT", "CONFIG RESETSTAT"));
}

/* --- consume ----------------------------------------------------------------- */

static long long c_jobs;
static long long c_deadline;
static long long c_t0, c_t_end, c_t_produced;
static atomic_llong c_acked;
static atomic_int c_stop;

static void *producer(void *arg)
{
    (void)arg;
    redisContext *c = connect_or_die();
    long long sent = 0;
    while (sent < c_jobs && !atomic_load(&c_stop)) {
        int batch = c_jobs - sent < 100 ? (int)(c_jobs - sent) : 100;
        for (int i = 0; i < batch; i++)
            redisAppendCommand(c, "XADD gb:jobs * to user@example.com template welcome "
                                  "context_id %lld", sent + i);
        for (int i = 0; i < batch; i++)
            freeReplyObject(get_reply(c, "XADD"));
        sent += batch;
        if (bench_now_us() > c_deadline)
            break;
    }
    c_t_produced = bench_now_us();
    redisFree(c);
    return NULL;
}

struct consumer {
    pthread_t tid;
    int n;
    long long got;
};

static void *consumer(void *arg)
{
    struct consumer *me = arg;
    redisContext *c = connect_or_die();
    char name[16];
    snprintf(name, sizeof(name), "c%d", me->n);
    /* argv for XACK gb:jobs g id... (at most 10 ids a read) */
    const char *av[3 + 10];
    size_t al[3 + 10];
    char ids[10][48];
    int nids = 0;
    while (!atomic_load(&c_stop)) {
        if (nids) {
            av[0] = "XACK", av[1] = "gb:jobs", av[2] = "g";
            for (int i = 0; i < nids; i++)
                av[3 + i] = ids[i];
            for (int i = 0; i < 3 + nids; i++)
                al[i] = strlen(av[i]);
            redisAppendCommandArgv(c, 3 + nids, av, al);
        }
        redisAppendCommand(c, "XREADGROUP GROUP g %s COUNT 10 BLOCK 100 STREAMS gb:jobs >", name);
        if (nids) {
            redisReply *a = get_reply(c, "XACK");
            if (a->type != REDIS_REPLY_INTEGER || a->integer != nids) {
                fprintf(stderr, "groupbench: XACK of %d ids acked %lld\n", nids,
                        a->type == REDIS_REPLY_INTEGER ? a->integer : -1LL);
                exit(1);
            }
            freeReplyObject(a);
            long long total = atomic_fetch_add(&c_acked, nids) + nids;
            if (total >= c_jobs) {
                c_t_end = bench_now_us();
                atomic_store(&c_stop, 1);
            }
            nids = 0;
        }
        redisReply *r = get_reply(c, "XREADGROUP");
        /* RESP2: nil on timeout, else [[key, [[id, [f, v...]], ...]]] */
        if (r->type == REDIS_REPLY_ARRAY && r->elements == 1) {
            redisReply *entries = r->element[0]->element[1];
            for (size_t i = 0; i < entries->elements && nids < 10; i++) {
                redisReply *id = entries->element[i]->element[0];
                snprintf(ids[nids++], sizeof(ids[0]), "%s", id->str);
            }
            me->got += nids;
        }
        freeReplyObject(r);
        if (bench_now_us() > c_deadline)
            break;
    }
    redisFree(c);
    return NULL;
}

static int consume(long long jobs, int nconsumers, double maxsec)
{
    redisContext *c = connect_or_die();
    freeReplyObject(cmd(c, "DEL", "DEL gb:jobs"));
    freeReplyObject(cmd(c, "XGROUP CREATE", "XGROUP CREATE gb:jobs g $ MKSTREAM"));
    resetstat(c);
    c_jobs = jobs;
    c_t0 = bench_now_us();
    c_deadline = c_t0 + (long long)(maxsec * 1e6);
    pthread_t prod;
    struct consumer *cs = calloc((size_t)nconsumers, sizeof(*cs));
    for (int i = 0; i < nconsumers; i++) {
        cs[i].n = i + 1;
        pthread_create(&cs[i].tid, NULL, consumer, &cs[i]);
    }
    pthread_create(&prod, NULL, producer, NULL);
    pthread_join(prod, NULL);
    for (int i = 0; i < nconsumers; i++)
        pthread_join(cs[i].tid, NULL);
    long long acked = atomic_load(&c_acked);
    if (acked < jobs) {
        fprintf(stderr, "groupbench: only %lld of %lld jobs acked in %.0f s\n", acked, jobs, maxsec);
        return 1;
    }
    redisReply *r = cmd(c, "XLEN", "XLEN gb:jobs");
    long long len = r->integer;
    freeReplyObject(r);
    long long pend = pending_count(c, "gb:jobs");
    if (len != jobs || pend != 0) {
        fprintf(stderr, "groupbench: after the run XLEN=%lld (want %lld), pending=%lld (want 0)\n",
                len, jobs, pend);
        return 1;
    }
    for (int i = 0; i < nconsumers; i++)
        if (cs[i].got == 0)
            fprintf(stderr, "groupbench: warning: consumer c%d got no jobs\n", cs[i].n);
    double s_xadd = cmdstat(c, "xadd"), s_xrg = cmdstat(c, "xreadgroup"), s_xack = cmdstat(c, "xack");
    freeReplyObject(cmd(c, "DEL", "DEL gb:jobs"));
    redisFree(c);
    double el = (double)(c_t_end - c_t0) / 1e6;
    printf("%.0f %.3f %.3f %.2f %.2f %.2f\n", (double)jobs / el, el,
           (double)(c_t_produced - c_t0) / 1e6, s_xadd, s_xrg, s_xack);
    return 0;
}

/* --- pel ---------------------------------------------------------------------- */

struct sid {
    uint64_t ms, seq;
};

static uint64_t rng = 88172645463325252ULL;
static uint64_t xorshift(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

enum { Q_PING, Q_PENDING, Q_IDLE, Q_CLAIM, Q_AUTOCLAIM, NQ };
static const char *qname[NQ] = {"PING", "XPENDING - + 10", "XPENDING IDLE 0", "XCLAIM",
                                "XAUTOCLAIM"};
static const char *qstat[NQ] = {"ping", "xpending", "xpending", "xclaim", "xautoclaim"};

static void one_call(redisContext *c, int q, const struct sid *id)
{
    char s[48];
    snprintf(s, sizeof(s), "%" PRIu64 "-%" PRIu64, id->ms, id->seq);
    redisReply *r;
    switch (q) {
    case Q_PING:
        r = cmd(c, qname[q], "PING");
        freeReplyObject(r);
        return;
    case Q_PENDING:
        r = cmd(c, qname[q], "XPENDING gb:pel g - + 10");
        break;
    case Q_IDLE:
        r = cmd(c, qname[q], "XPENDING gb:pel g IDLE 0 %s + 10", s);
        break;
    case Q_CLAIM:
        r = cmd(c, qname[q], "XCLAIM gb:pel g c2 0 %s", s);
        if (r->type != REDIS_REPLY_ARRAY || r->elements != 1) {
            fprintf(stderr, "groupbench: XCLAIM %s claimed %zu entries, want 1\n", s,
                    r->type == REDIS_REPLY_ARRAY ? r->elements : (size_t)0);
            exit(1);
        }
        break;
    default:
        r = cmd(c, qname[q], "XAUTOCLAIM gb:pel g c3 0 %s COUNT 10", s);
        break;
    }
    if (r->type != REDIS_REPLY_ARRAY || (q <= Q_IDLE && r->elements == 0)) {
        fprintf(stderr, "groupbench: %s %s: unexpected reply shape\n", qname[q], s);
        exit(1);
    }
    freeReplyObject(r);
}

static int pel(long long size, int calls, double maxsec)
{
    redisContext *c = connect_or_die();
    freeReplyObject(cmd(c, "DEL", "DEL gb:pel"));
    struct sid *ids = malloc((size_t)size * sizeof(*ids));
    long long t0 = bench_now_us();
    for (long long done = 0; done < size;) {
        int batch = size - done < 1000 ? (int)(size - done) : 1000;
        for (int i = 0; i < batch; i++)
            redisAppendCommand(c, "XADD gb:pel * to user@example.com template welcome "
                                  "context_id %lld", done + i);
        for (int i = 0; i < batch; i++) {
            redisReply *r = get_reply(c, "XADD");
            if (r->type != REDIS_REPLY_STRING ||
                sscanf(r->str, "%" SCNu64 "-%" SCNu64, &ids[done + i].ms, &ids[done + i].seq) != 2) {
                fprintf(stderr, "groupbench: XADD gave no ID\n");
                exit(1);
            }
            freeReplyObject(r);
        }
        done += batch;
    }
    freeReplyObject(cmd(c, "XGROUP CREATE", "XGROUP CREATE gb:pel g 0"));
    long long delivered = 0;
    while (delivered < size) {
        long long need = (size - delivered + 9999) / 10000;
        int pipe = need < 8 ? (int)need : 8;
        for (int i = 0; i < pipe; i++)
            redisAppendCommand(c, "XREADGROUP GROUP g c1 COUNT 10000 STREAMS gb:pel >");
        for (int i = 0; i < pipe; i++) {
            redisReply *r = get_reply(c, "XREADGROUP");
            if (r->type != REDIS_REPLY_ARRAY || r->elements != 1) {
                fprintf(stderr, "groupbench: XREADGROUP returned nothing after %lld of %lld\n",
                        delivered, size);
                exit(1);
            }
            delivered += (long long)r->element[0]->element[1]->elements;
            freeReplyObject(r);
        }
    }
    long long pend = pending_count(c, "gb:pel");
    if (pend != size) {
        fprintf(stderr, "groupbench: PEL holds %lld, want %lld\n", pend, size);
        return 1;
    }
    double build = (double)(bench_now_us() - t0) / 1e6;

    long long *lat = malloc((size_t)calls * sizeof(*lat));
    printf("%.2f", build);
    int timed[NQ];
    for (int q = 0; q < NQ; q++) {
        for (int i = 0; i < 100; i++)
            one_call(c, q, &ids[xorshift() % (uint64_t)size]);
        resetstat(c);
        long long stop_at = bench_now_us() + (long long)(maxsec * 1e6);
        long long sum = 0;
        int n = 0;
        while (n < calls && bench_now_us() < stop_at) {
            const struct sid *id = &ids[xorshift() % (uint64_t)size];
            long long a = bench_now_us();
            one_call(c, q, id);
            lat[n] = bench_now_us() - a;
            sum += lat[n++];
        }
        qsort(lat, (size_t)n, sizeof(*lat), bench_cmp_ll);
        long long p99i = (long long)n * 99 / 100;
        if (p99i >= n)
            p99i = n - 1;
        printf(" %.1f %lld %.2f", (double)sum / n, lat[p99i], cmdstat(c, qstat[q]));
        timed[q] = n;
    }
    for (int q = 0; q < NQ; q++)
        printf(" %d", timed[q]);
    printf("\n");
    pend = pending_count(c, "gb:pel");
    if (pend != size) {
        fprintf(stderr, "groupbench: PEL holds %lld after the claims, want %lld\n", pend, size);
        return 1;
    }
    freeReplyObject(cmd(c, "DEL", "DEL gb:pel"));
    redisFree(c);
    free(lat);
    free(ids);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: groupbench PORT consume JOBS CONSUMERS MAXSECONDS\n"
                        "       groupbench PORT pel SIZE CALLS MAXSECONDS\n");
        return 2;
    }
    port = atoi(argv[1]);
    if (strcmp(argv[2], "consume") == 0)
        return consume(atoll(argv[3]), atoi(argv[4]), atof(argv[5]));
    if (strcmp(argv[2], "pel") == 0)
        return pel(atoll(argv[3]), atoi(argv[4]), atof(argv[5]));
    return 2;
}
