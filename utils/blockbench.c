/* blockbench.c -- blocking-read benchmarks for one server.
 *
 *   blockbench PORT latency N ROUNDS   N readers block on one key with
 *                                      XREAD BLOCK 0 ... $; a producer XADDs;
 *                                      prints p50 and p99 of the time from
 *                                      XADD sent to each reader's reply (us)
 *   blockbench PORT spread N ROUNDS    N readers each block on a key of their
 *                                      own; each round XADDs to one of them;
 *                                      prints p50 and p99 of that reader's
 *                                      wake time (cost must not grow with N)
 *   blockbench PORT pingpong SECONDS   one reader blocks, a writer XADDs,
 *                                      the reader reads and blocks again;
 *                                      prints round trips per second
 *
 * Readers are plain sockets with a hiredis reply parser; readiness is
 * observed through INFO blocked_clients, never assumed. */
#include <hiredis/hiredis.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "benchlib.h"

/* Read one complete reply from fd through reader r. */
static redisReply *read_reply(int fd, redisReader *r)
{
    void *reply = NULL;
    for (;;) {
        if (redisReaderGetReply(r, &reply) != REDIS_OK) {
            fprintf(stderr, "protocol error\n");
            exit(1);
        }
        if (reply)
            return reply;
        char buf[4096];
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n <= 0) {
            fprintf(stderr, "connection closed\n");
            exit(1);
        }
        redisReaderFeed(r, buf, (size_t)n);
    }
}

static long long blocked_clients(redisContext *ctl)
{
    redisReply *r = redisCommand(ctl, "INFO clients");
    long long v = -1;
    char *p = r && r->str ? strstr(r->str, "blocked_clients:") : NULL;
    if (p)
        v = atoll(p + 16);
    freeReplyObject(r);
    return v;
}

static void wait_blocked(redisContext *ctl, long long n)
{
    long long deadline = bench_now_us() + 10000000;
    while (blocked_clients(ctl) < n) {
        if (bench_now_us() > deadline) {
            fprintf(stderr, "readers did not block\n");
            exit(1);
        }
        usleep(200);
    }
}

static void latency(int port, int n, int rounds)
{
    redisContext *ctl = redisConnect("127.0.0.1", port);
    int *fds = calloc((size_t)n, sizeof(int));
    redisReader **rd = calloc((size_t)n, sizeof(*rd));
    for (int i = 0; i < n; i++) {
        fds[i] = bench_dial(port);
        rd[i] = redisReaderCreate();
    }
    int prod = bench_dial(port);
    redisReader *prd = redisReaderCreate();
    long long *samples = calloc((size_t)n * (size_t)rounds, sizeof(long long));
    size_t ns = 0;
    struct pollfd *pf = calloc((size_t)n, sizeof(*pf));
    static const char xread[] = "*6\r\n$5\r\nXREAD\r\n$5\r\nBLOCK\r\n$1\r\n0\r\n$7\r\nSTREAMS\r\n"
                                "$4\r\nlatk\r\n$1\r\n$\r\n";
    static const char xadd[] = "*5\r\n$4\r\nXADD\r\n$4\r\nlatk\r\n$1\r\n*\r\n$1\r\nf\r\n$1\r\nv\r\n";
    for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < n; i++)
            bench_send_all(fds[i], xread, sizeof(xread) - 1);
        wait_blocked(ctl, n);
        long long t0 = bench_now_us();
        bench_send_all(prod, xadd, sizeof(xadd) - 1);
        int left = n;
        for (int i = 0; i < n; i++) {
            pf[i].fd = fds[i];
            pf[i].events = POLLIN;
        }
        char *done = calloc((size_t)n, 1);
        while (left) {
            if (poll(pf, (nfds_t)n, 10000) <= 0) {
                fprintf(stderr, "timeout waiting for readers\n");
                exit(1);
            }
            for (int i = 0; i < n; i++) {
                if (done[i] || !(pf[i].revents & POLLIN))
                    continue;
                char buf[4096];
                ssize_t got = read(fds[i], buf, sizeof(buf));
                if (got <= 0)
                    exit(1);
                redisReaderFeed(rd[i], buf, (size_t)got);
                void *reply = NULL;
                redisReaderGetReply(rd[i], &reply);
                if (reply) {
                    samples[ns++] = bench_now_us() - t0;
                    freeReplyObject(reply);
                    done[i] = 1;
                    pf[i].fd = -1;
                    left--;
                }
            }
        }
        free(done);
        freeReplyObject(read_reply(prod, prd));
    }
    qsort(samples, ns, sizeof(long long), bench_cmp_ll);
    printf("%lld %lld\n", samples[ns / 2], samples[(ns * 99) / 100 >= ns ? ns - 1 : (ns * 99) / 100]);
    for (int i = 0; i < n; i++) {
        close(fds[i]);
        redisReaderFree(rd[i]);
    }
    redisFree(ctl);
}

static void spread(int port, int n, int rounds)
{
    redisContext *ctl = redisConnect("127.0.0.1", port);
    int *fds = calloc((size_t)n, sizeof(int));
    redisReader **rd = calloc((size_t)n, sizeof(*rd));
    char req[256];
    for (int i = 0; i < n; i++) {
        fds[i] = bench_dial(port);
        rd[i] = redisReaderCreate();
        char key[32];
        int kl = snprintf(key, sizeof(key), "spread:%d", i);
        int len = snprintf(req, sizeof(req),
                           "*6\r\n$5\r\nXREAD\r\n$5\r\nBLOCK\r\n$1\r\n0\r\n$7\r\nSTREAMS\r\n"
                           "$%d\r\n%s\r\n$1\r\n$\r\n", kl, key);
        bench_send_all(fds[i], req, (size_t)len);
    }
    wait_blocked(ctl, n);
    int prod = bench_dial(port);
    redisReader *prd = redisReaderCreate();
    long long *samples = calloc((size_t)rounds, sizeof(long long));
    for (int round = 0; round < rounds; round++) {
        int j = (int)(((long long)round * 7919) % n);
        char key[32];
        int kl = snprintf(key, sizeof(key), "spread:%d", j);
        int len = snprintf(req, sizeof(req),
                           "*5\r\n$4\r\nXADD\r\n$%d\r\n%s\r\n$1\r\n*\r\n$1\r\nf\r\n$1\r\nv\r\n",
                           kl, key);
        long long t0 = bench_now_us();
        bench_send_all(prod, req, (size_t)len);
        freeReplyObject(read_reply(fds[j], rd[j]));
        samples[round] = bench_now_us() - t0;
        freeReplyObject(read_reply(prod, prd));
        len = snprintf(req, sizeof(req),
                       "*6\r\n$5\r\nXREAD\r\n$5\r\nBLOCK\r\n$1\r\n0\r\n$7\r\nSTREAMS\r\n"
                       "$%d\r\n%s\r\n$1\r\n$\r\n", kl, key);
        bench_send_all(fds[j], req, (size_t)len);
        wait_blocked(ctl, n);
    }
    qsort(samples, (size_t)rounds, sizeof(long long), bench_cmp_ll);
    printf("%lld %lld\n", samples[rounds / 2], samples[(rounds * 99) / 100]);
    for (int i = 0; i < n; i++)
        close(fds[i]);
    redisFree(ctl);
}

static void pingpong(int port, double seconds)
{
    int rfd = bench_dial(port), wfd = bench_dial(port);
    redisReader *rr = redisReaderCreate(), *wr = redisReaderCreate();
    static const char xadd[] = "*5\r\n$4\r\nXADD\r\n$4\r\npong\r\n$1\r\n*\r\n$1\r\nf\r\n$1\r\nv\r\n";
    char last[64] = "$";
    long long end = bench_now_us() + (long long)(seconds * 1e6), count = 0;
    redisContext *ctl = redisConnect("127.0.0.1", port);
    while (bench_now_us() < end) {
        char req[256];
        int len = snprintf(req, sizeof(req),
                           "*6\r\n$5\r\nXREAD\r\n$5\r\nBLOCK\r\n$1\r\n0\r\n$7\r\nSTREAMS\r\n"
                           "$4\r\npong\r\n$%zu\r\n%s\r\n", strlen(last), last);
        bench_send_all(rfd, req, (size_t)len);
        if (count == 0)
            wait_blocked(ctl, 1);
        bench_send_all(wfd, xadd, sizeof(xadd) - 1);
        redisReply *w = read_reply(wfd, wr);
        snprintf(last, sizeof(last), "%s", w->str);
        freeReplyObject(w);
        freeReplyObject(read_reply(rfd, rr));
        count++;
    }
    printf("%.0f\n", (double)count / seconds);
    redisFree(ctl);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: blockbench PORT latency N ROUNDS | PORT pingpong SECONDS\n");
        return 2;
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    int port = atoi(argv[1]);
    if (strcmp(argv[2], "latency") == 0 && argc >= 5)
        latency(port, atoi(argv[3]), atoi(argv[4]));
    else if (strcmp(argv[2], "spread") == 0 && argc >= 5)
        spread(port, atoi(argv[3]), atoi(argv[4]));
    else if (strcmp(argv[2], "pingpong") == 0)
        pingpong(port, atof(argv[3]));
    else
        return 2;
    return 0;
}
