/* pubsubbench.c -- PUBLISH fan-out throughput for one server.
 *
 *   pubsubbench PORT SUBSCRIBERS SECONDS [MSGBYTES]
 *
 * SUBSCRIBERS plain sockets SUBSCRIBE to one channel; one publisher
 * pipelines PUBLISH in batches while the subscribers are drained, all in one
 * poll loop.  The publisher stays at most a window of messages ahead of the
 * slowest subscriber, so neither side's buffers grow without bound.  Prints
 * the messages delivered per second (summed over subscribers), counted from
 * the bytes the subscribers received (every message frame has the same
 * length), and checks that every PUBLISH reported SUBSCRIBERS receivers. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchlib.h"

#define BATCH 100   /* PUBLISH commands per write */
#define WINDOW 2000 /* messages the publisher may be ahead of a subscriber */

/* Read until the buffer ends with tail (small replies of the setup). */
static void read_until(int fd, const char *tail)
{
    char buf[4096];
    size_t n = 0, tl = strlen(tail);
    for (;;) {
        ssize_t r = read(fd, buf + n, sizeof(buf) - 1 - n);
        if (r <= 0) {
            fprintf(stderr, "setup read failed\n");
            exit(1);
        }
        n += (size_t)r;
        buf[n] = '\0';
        if (n >= tl && memcmp(buf + n - tl, tail, tl) == 0)
            return;
        if (n > sizeof(buf) / 2) {
            memmove(buf, buf + n - tl, tl);
            n = tl;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: pubsubbench PORT SUBSCRIBERS SECONDS [MSGBYTES]\n");
        return 2;
    }
    int port = atoi(argv[1]), nsub = atoi(argv[2]);
    double secs = atof(argv[3]);
    int msglen = argc > 4 ? atoi(argv[4]) : 16;
    const char *ch = "bench";

    int *subs = malloc(sizeof(int) * (size_t)nsub);
    long long *got = calloc((size_t)nsub, sizeof(long long));
    const char *sub = "*2\r\n$9\r\nSUBSCRIBE\r\n$5\r\nbench\r\n";
    for (int i = 0; i < nsub; i++) {
        subs[i] = bench_dial(port);
        bench_send_all(subs[i], sub, strlen(sub));
        read_until(subs[i], ":1\r\n");
    }
    int pub = bench_dial(port);

    /* One PUBLISH, its reply, and the frame each subscriber gets. */
    char *msg = malloc((size_t)msglen);
    memset(msg, 'x', (size_t)msglen);
    char head[128];
    int hl = snprintf(head, sizeof(head), "*3\r\n$7\r\nPUBLISH\r\n$%zu\r\n%s\r\n$%d\r\n",
                      strlen(ch), ch, msglen);
    size_t cmdlen = (size_t)hl + (size_t)msglen + 2;
    char *batch = malloc(cmdlen * BATCH);
    for (int b = 0; b < BATCH; b++) {
        memcpy(batch + cmdlen * (size_t)b, head, (size_t)hl);
        memcpy(batch + cmdlen * (size_t)b + hl, msg, (size_t)msglen);
        memcpy(batch + cmdlen * (size_t)b + hl + msglen, "\r\n", 2);
    }
    char reply[32];
    size_t replylen = (size_t)snprintf(reply, sizeof(reply), ":%d\r\n", nsub);
    size_t framelen = (size_t)snprintf(NULL, 0, "*3\r\n$7\r\nmessage\r\n$%zu\r\n%s\r\n$%d\r\n",
                                       strlen(ch), ch, msglen) +
                      (size_t)msglen + 2;

    struct pollfd *pfd = malloc(sizeof(struct pollfd) * (size_t)(nsub + 1));
    char *rbuf = malloc(1 << 16);
    long long published = 0, acked = 0, replybytes = 0;
    long long start = bench_now_us(), stop = start + (long long)(secs * 1e6), end = 0;
    for (;;) {
        long long t = bench_now_us();
        long long slowest = -1;
        for (int i = 0; i < nsub; i++) {
            long long m = (long long)(got[i] / (long long)framelen);
            if (slowest < 0 || m < slowest)
                slowest = m;
        }
        if (t >= stop && !end)
            end = t;
        if (end && slowest == published && acked == published)
            break;
        /* Publish another batch when every earlier one was answered and no
         * subscriber is a window behind. */
        if (!end && acked == published && published - slowest <= WINDOW - BATCH) {
            bench_send_all(pub, batch, cmdlen * BATCH);
            published += BATCH;
        }
        int n = 0;
        pfd[n].fd = pub;
        pfd[n].events = POLLIN;
        n++;
        for (int i = 0; i < nsub; i++) {
            pfd[n].fd = subs[i];
            pfd[n].events = POLLIN;
            n++;
        }
        if (poll(pfd, (nfds_t)n, 10000) <= 0) {
            fprintf(stderr, "stalled: published %lld acked %lld slowest %lld\n", published,
                    acked, slowest);
            return 1;
        }
        if (pfd[0].revents) {
            ssize_t r = read(pub, rbuf, 1 << 16);
            if (r <= 0) {
                fprintf(stderr, "publisher connection closed\n");
                return 1;
            }
            for (ssize_t k = 0; k < r; k++, replybytes++) {
                if (rbuf[k] != reply[replybytes % (long long)replylen]) {
                    fprintf(stderr, "PUBLISH did not reach %d subscribers\n", nsub);
                    return 1;
                }
            }
            acked = replybytes / (long long)replylen;
        }
        for (int i = 0; i < nsub; i++) {
            if (!pfd[i + 1].revents)
                continue;
            ssize_t r = read(subs[i], rbuf, 1 << 16);
            if (r <= 0) {
                fprintf(stderr, "subscriber %d closed\n", i);
                return 1;
            }
            got[i] += r;
        }
    }
    long long total = 0;
    for (int i = 0; i < nsub; i++)
        total += got[i] / (long long)framelen;
    double elapsed = (double)(bench_now_us() - start) / 1e6;
    printf("%.0f\n", (double)total / elapsed);
    return 0;
}
