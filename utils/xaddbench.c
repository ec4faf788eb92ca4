/* xaddbench.c -- closed-loop XADD load for one server, lean enough that the
 * server, not the client, is what saturates.
 *
 *   xaddbench [-c CONNS] [-n REQUESTS | -s SECONDS] [-w WARMUP_S]
 *             [-t THREADS] [-k KEY] PORT
 *
 * CONNS connections (default 50), one request in flight on each (pipeline 1,
 * like redis-benchmark -P 1).  Each sends the same preformatted
 *   XADD KEY * sensor s-1 temp 21.5 status ok
 * and sends the next one as soon as the reply (a bulk ID) has been read in
 * full.  The first WARMUP_S seconds (default 0.5) are not measured; then the
 * run lasts for REQUESTS replies (default 200000) or SECONDS.  Prints one line:
 *
 *   requests/s R p50_us A p99_us B measured M errors E sent S
 *
 * Why not redis-benchmark: it is single-threaded and on a 2-core machine it
 * used a whole core at ~50k XADD/s while either server used two thirds of
 * the other, so its figure measured the client.  Here per request there is no
 * allocation and no reply object: one epoll_wait per batch of ready
 * connections, one read() per ready connection taking everything available
 * into a per-thread buffer, a byte-level reply state machine, one write() of
 * the preformatted command, and one clock read.  Latencies go into a fixed
 * log-linear histogram (exact below 2 ms, 0.1% above).
 *
 * It checks itself: XLEN KEY before and after must differ by exactly the
 * number of successful replies; an error reply, a closed connection or a
 * mismatch prints why on stderr and exits 1 (after the result line).
 * THREADS (default 1) splits the connections over that many epoll loops;
 * in -n mode each thread serves its share of REQUESTS. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "benchlib.h"

/* Histogram: 1 us buckets below 2^11 us, then 1024 buckets per power of two
 * up to 2^41 us. */
#define HIST_EXACT 2048
#define HIST_SUB 1024
#define HIST_BUCKETS (HIST_EXACT + 30 * HIST_SUB)
#define RBUF_SIZE 65536
#define ERRTEXT 160

enum parse_state { P_TYPE, P_BULKLEN, P_BULKBODY, P_LINE };

struct conn {
    int fd;
    enum parse_state st;
    int in_flight;       /* a request was sent and its reply is not complete */
    int capture;         /* P_LINE: this line is the report's error text */
    int bulk_neg;        /* P_BULKLEN: "$-1", a null reply */
    long long bulk_need; /* P_BULKLEN: length so far; P_BULKBODY: bytes left */
    long long sent_us;
};

struct worker {
    struct conn *conns;
    int nconns;
    long long quota; /* -n mode: measured replies this thread serves */
    pthread_t tid;
    /* results */
    long long ok, errors, measured, last_us;
    uint32_t *hist;
    char errtext[ERRTEXT];
};

/* Set before the workers start, read-only afterwards. */
static struct {
    const char *cmd;
    size_t cmdlen;
    long long t0_us;  /* end of warm-up: replies from here on are measured */
    long long end_us; /* -s mode: no new request from here on */
    int by_count;     /* -n mode (else -s) */
} run;

static size_t hist_index(long long us)
{
    if (us < 0)
        us = 0;
    if (us < HIST_EXACT)
        return (size_t)us;
    int e = 63 - __builtin_clzll((unsigned long long)us);
    if (e > 40)
        return HIST_BUCKETS - 1;
    return HIST_EXACT + (size_t)(e - 11) * HIST_SUB + (size_t)((us >> (e - 10)) - HIST_SUB);
}

static long long hist_value(size_t i)
{
    if (i < HIST_EXACT)
        return (long long)i;
    size_t e = (i - HIST_EXACT) / HIST_SUB + 11;
    long long sub = (long long)((i - HIST_EXACT) % HIST_SUB + HIST_SUB);
    return sub << (e - 10);
}

/* The smallest bucket value at or below which a fraction p of samples lie. */
static long long hist_percentile(const uint32_t *h, long long count, double p)
{
    long long rank = (long long)(p * (double)count + 0.999999), seen = 0;
    if (rank < 1)
        rank = 1;
    for (size_t i = 0; i < HIST_BUCKETS; i++) {
        seen += h[i];
        if (seen >= rank)
            return hist_value(i);
    }
    return 0;
}

static void conn_send(struct conn *c, long long now)
{
    bench_send_all(c->fd, run.cmd, run.cmdlen);
    c->sent_us = now;
    c->in_flight = 1;
}

/* A reply on c is complete (ok or not): account for it.  Returns 1 when it
 * was the answer to a request, 0 when the server sent more than asked. */
static int reply_done(struct worker *w, struct conn *c, int ok, long long now)
{
    if (!c->in_flight)
        return 0;
    c->in_flight = 0;
    if (ok)
        w->ok++;
    else
        w->errors++;
    if (now >= run.t0_us) {
        w->measured++;
        w->hist[hist_index(now - c->sent_us)]++;
        w->last_us = now;
    }
    return 1;
}

/* Append to the text of the first failed reply, for the report. */
static void note_error(struct worker *w, const char *p, size_t n)
{
    size_t have = strlen(w->errtext);
    while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == '\n'))
        n--;
    if (n > ERRTEXT - 1 - have)
        n = ERRTEXT - 1 - have;
    memcpy(w->errtext + have, p, n);
    w->errtext[have + n] = '\0';
}

/* Feed n bytes of c's reply stream through its state machine.  Returns the
 * number of replies completed, or -1 on a protocol error (or a reply nobody
 * asked for). */
static int conn_feed(struct worker *w, struct conn *c, const char *buf, size_t n, long long now)
{
    int done = 0;
    size_t i = 0;
    while (i < n) {
        switch (c->st) {
        case P_TYPE: {
            char t = buf[i++];
            if (t == '$') {
                c->st = P_BULKLEN;
                c->bulk_need = 0;
                c->bulk_neg = 0;
            } else if (t == '-' || t == '+' || t == ':') {
                /* XADD answers a bulk ID; anything else is a failure. */
                c->st = P_LINE;
                c->capture = w->errtext[0] == '\0';
                if (c->capture)
                    note_error(w, &t, 1);
            } else {
                return -1;
            }
            break;
        }
        case P_BULKLEN: {
            char d = buf[i++];
            if (d >= '0' && d <= '9')
                c->bulk_need = c->bulk_need * 10 + (d - '0');
            else if (d == '-')
                c->bulk_neg = 1;
            else if (d == '\n') {
                if (c->bulk_neg) { /* null bulk: no entry was added */
                    if (w->errtext[0] == '\0')
                        note_error(w, "(nil)", 5);
                    c->st = P_TYPE;
                    if (!reply_done(w, c, 0, now))
                        return -1;
                    done++;
                } else {
                    c->bulk_need += 2; /* the body's CRLF */
                    c->st = P_BULKBODY;
                }
            } else if (d != '\r') {
                return -1;
            }
            break;
        }
        case P_BULKBODY: {
            size_t take = n - i;
            if ((long long)take > c->bulk_need)
                take = (size_t)c->bulk_need;
            i += take;
            c->bulk_need -= (long long)take;
            if (c->bulk_need == 0) {
                c->st = P_TYPE;
                if (!reply_done(w, c, 1, now))
                    return -1;
                done++;
            }
            break;
        }
        case P_LINE: {
            const char *nl = memchr(buf + i, '\n', n - i);
            size_t end = nl ? (size_t)(nl - buf) : n;
            if (c->capture)
                note_error(w, buf + i, end - i);
            i = nl ? end + 1 : n;
            if (nl) {
                c->st = P_TYPE;
                if (!reply_done(w, c, 0, now))
                    return -1;
                done++;
            }
            break;
        }
        }
    }
    return done;
}

/* May this worker send another request now? */
static int may_send(const struct worker *w, long long now, long long in_flight)
{
    if (now < run.t0_us)
        return 1;
    if (run.by_count)
        return w->measured + in_flight < w->quota;
    return now < run.end_us;
}

static void *worker_run(void *arg)
{
    struct worker *w = arg;
    int ep = epoll_create1(0);
    if (ep < 0) {
        perror("epoll_create1");
        exit(1);
    }
    struct epoll_event *evs = malloc(sizeof(*evs) * (size_t)w->nconns);
    char *rbuf = malloc(RBUF_SIZE);
    if (!evs || !rbuf) {
        perror("malloc");
        exit(1);
    }
    long long in_flight = 0, now = bench_now_us();
    for (int i = 0; i < w->nconns; i++) {
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &w->conns[i]};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, w->conns[i].fd, &ev) < 0) {
            perror("epoll_ctl");
            exit(1);
        }
        conn_send(&w->conns[i], now);
        in_flight++;
    }
    while (in_flight > 0) {
        int ne = epoll_wait(ep, evs, w->nconns, 10000);
        if (ne < 0) {
            if (errno == EINTR)
                continue;
            perror("epoll_wait");
            exit(1);
        }
        if (ne == 0) {
            fprintf(stderr, "xaddbench: no reply for 10 s (%lld in flight)\n", in_flight);
            exit(1);
        }
        for (int k = 0; k < ne; k++) {
            struct conn *c = evs[k].data.ptr;
            ssize_t r = read(c->fd, rbuf, RBUF_SIZE);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) {
                fprintf(stderr, "xaddbench: server closed a connection\n");
                exit(1);
            }
            now = bench_now_us();
            int done = conn_feed(w, c, rbuf, (size_t)r, now);
            if (done < 0) {
                fprintf(stderr, "xaddbench: unexpected reply bytes\n");
                exit(1);
            }
            in_flight -= done;
            if (done && may_send(w, now, in_flight)) {
                conn_send(c, now);
                in_flight++;
            }
        }
    }
    close(ep);
    free(evs);
    free(rbuf);
    return NULL;
}

/* One request/reply on a blocking socket: XLEN key, as an integer. */
static long long xlen(int port, const char *key)
{
    int fd = bench_dial(port);
    char req[256];
    int n = snprintf(req, sizeof(req), "*2\r\n$4\r\nXLEN\r\n$%zu\r\n%s\r\n", strlen(key), key);
    bench_send_all(fd, req, (size_t)n);
    char buf[256];
    size_t have = 0;
    while (have == 0 || buf[have - 1] != '\n') {
        ssize_t r = read(fd, buf + have, sizeof(buf) - 1 - have);
        if (r <= 0 || have + (size_t)r >= sizeof(buf) - 1) {
            fprintf(stderr, "xaddbench: XLEN failed\n");
            exit(1);
        }
        have += (size_t)r;
    }
    buf[have] = '\0';
    close(fd);
    if (buf[0] != ':') {
        fprintf(stderr, "xaddbench: XLEN replied %s", buf);
        exit(1);
    }
    return atoll(buf + 1);
}

static void usage(void)
{
    fprintf(stderr, "usage: xaddbench [-c CONNS] [-n REQUESTS | -s SECONDS] [-w WARMUP_S] "
                    "[-t THREADS] [-k KEY] PORT\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int nconns = 50, nthreads = 1;
    long long requests = 200000;
    double secs = 0, warmup = 0.5;
    const char *key = "xaddbench";
    int opt;
    while ((opt = getopt(argc, argv, "c:n:s:w:t:k:")) != -1) {
        switch (opt) {
        case 'c': nconns = atoi(optarg); break;
        case 'n': requests = atoll(optarg); break;
        case 's': secs = atof(optarg); requests = 0; break;
        case 'w': warmup = atof(optarg); break;
        case 't': nthreads = atoi(optarg); break;
        case 'k': key = optarg; break;
        default: usage();
        }
    }
    if (optind != argc - 1 || nconns < 1 || nthreads < 1 || nthreads > nconns || warmup < 0 ||
        (requests <= 0 && secs <= 0) || (requests > 0 && requests < nthreads))
        usage();
    int port = atoi(argv[optind]);

    static char cmd[512];
    int cl = snprintf(cmd, sizeof(cmd),
                      "*9\r\n$4\r\nXADD\r\n$%zu\r\n%s\r\n$1\r\n*\r\n$6\r\nsensor\r\n$3\r\ns-1\r\n"
                      "$4\r\ntemp\r\n$4\r\n21.5\r\n$6\r\nstatus\r\n$2\r\nok\r\n",
                      strlen(key), key);
    if (cl < 0 || (size_t)cl >= sizeof(cmd)) {
        fprintf(stderr, "xaddbench: key too long\n");
        return 2;
    }
    run.cmd = cmd;
    run.cmdlen = (size_t)cl;

    long long before = xlen(port, key);
    struct conn *conns = calloc((size_t)nconns, sizeof(*conns));
    struct worker *ws = calloc((size_t)nthreads, sizeof(*ws));
    if (!conns || !ws) {
        perror("calloc");
        return 1;
    }
    for (int i = 0; i < nconns; i++)
        conns[i].fd = bench_dial(port);
    int at = 0;
    for (int t = 0; t < nthreads; t++) {
        ws[t].nconns = nconns / nthreads + (t < nconns % nthreads);
        ws[t].conns = conns + at;
        at += ws[t].nconns;
        ws[t].quota = requests / nthreads + (t < requests % nthreads);
        ws[t].hist = calloc(HIST_BUCKETS, sizeof(uint32_t));
        if (!ws[t].hist) {
            perror("calloc");
            return 1;
        }
    }
    long long start = bench_now_us();
    run.t0_us = start + (long long)(warmup * 1e6);
    run.end_us = run.t0_us + (long long)(secs * 1e6);
    run.by_count = requests > 0;
    if (nthreads == 1) {
        worker_run(&ws[0]);
    } else {
        for (int t = 0; t < nthreads; t++)
            if (pthread_create(&ws[t].tid, NULL, worker_run, &ws[t]) != 0) {
                fprintf(stderr, "xaddbench: pthread_create failed\n");
                return 1;
            }
        for (int t = 0; t < nthreads; t++)
            pthread_join(ws[t].tid, NULL);
    }

    long long ok = 0, errors = 0, measured = 0, last = run.t0_us;
    for (int t = 0; t < nthreads; t++) {
        ok += ws[t].ok;
        errors += ws[t].errors;
        measured += ws[t].measured;
        if (ws[t].last_us > last)
            last = ws[t].last_us;
        if (t > 0)
            for (size_t i = 0; i < HIST_BUCKETS; i++)
                ws[0].hist[i] += ws[t].hist[i];
    }
    double elapsed = (double)(last - run.t0_us) / 1e6;
    printf("requests/s %.0f p50_us %lld p99_us %lld measured %lld errors %lld sent %lld\n",
           elapsed > 0 ? (double)measured / elapsed : 0.0,
           hist_percentile(ws[0].hist, measured, 0.50),
           hist_percentile(ws[0].hist, measured, 0.99), measured, errors, ok + errors);
    fflush(stdout);

    int status = 0;
    if (errors) {
        for (int t = 0; t < nthreads; t++)
            if (ws[t].errtext[0]) {
                fprintf(stderr, "xaddbench: %lld error replies, e.g. %s\n", errors, ws[t].errtext);
                break;
            }
        status = 1;
    }
    long long after = xlen(port, key);
    if (after - before != ok) {
        fprintf(stderr, "xaddbench: XLEN grew by %lld but %lld XADDs succeeded\n", after - before,
                ok);
        status = 1;
    }
    if (measured == 0) {
        fprintf(stderr, "xaddbench: nothing measured (warm-up longer than the run?)\n");
        status = 1;
    }
    for (int i = 0; i < nconns; i++)
        close(conns[i].fd);
    return status;
}
