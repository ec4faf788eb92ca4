/* soakload.c -- the soak test's load: many idle clients and a steady writer.
 *
 *   soakload PORT CONNS SECONDS RATE
 *
 * Opens CONNS plain TCP connections to 127.0.0.1:PORT (each sends one PING
 * and waits for +PONG, so the server really holds a client for it), then
 * for SECONDS runs one writer doing RATE XADDs a second (MAXLEN ~ 10000,
 * a 64-byte value) and times each round trip.  Once a second it samples
 * INFO (used_memory, used_memory_rss, connected_clients) on a control
 * connection.  The idle connections stay open and silent throughout.
 *
 * Prints one "t=..." line per second on stderr and, at the end, one line of
 * key=value figures on stdout: the memory before and with the idle clients
 * (and per client), the peak during the writes, and the write latency
 * percentiles in microseconds.  Exits 1 if a connection or a write fails.
 * Built by utils/soak.sh. */
#include <errno.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "benchlib.h"

static void sleep_until(long long t_us)
{
    long long d = t_us - bench_now_us();
    if (d > 0) {
        struct timespec ts = {d / 1000000, (long)(d % 1000000) * 1000};
        nanosleep(&ts, NULL);
    }
}

/* One idle client: connect, PING, +PONG.  Returns the fd or -1. */
static int idle_client(int port)
{
    int fd = bench_connect(port);
    if (fd < 0)
        return -1;
    char buf[64];
    if (write(fd, "PING\r\n", 6) != 6 || read(fd, buf, sizeof(buf)) < 7 ||
        memcmp(buf, "+PONG\r\n", 7) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

struct sample {
    long long used, rss, clients;
};

static long long info_field(const char *info, const char *name)
{
    char key[64];
    snprintf(key, sizeof(key), "\n%s:", name);
    const char *p = strstr(info, key);
    return p ? atoll(p + strlen(key)) : -1;
}

static int take_sample(redisContext *ctl, struct sample *s)
{
    redisReply *r = redisCommand(ctl, "INFO");
    if (!r || r->type != REDIS_REPLY_STRING) {
        if (r)
            freeReplyObject(r);
        return -1;
    }
    s->used = info_field(r->str, "used_memory");
    s->rss = info_field(r->str, "used_memory_rss");
    s->clients = info_field(r->str, "connected_clients");
    freeReplyObject(r);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: soakload PORT CONNS SECONDS RATE\n");
        return 2;
    }
    int port = atoi(argv[1]);
    int conns = atoi(argv[2]);
    int seconds = atoi(argv[3]);
    int rate = atoi(argv[4]);
    if (port <= 0 || conns < 0 || seconds <= 0 || rate <= 0) {
        fprintf(stderr, "soakload: bad arguments\n");
        return 2;
    }
    struct rlimit rl = {(rlim_t)conns + 64, (rlim_t)conns + 64};
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
        fprintf(stderr, "soakload: cannot raise the open-file limit to %d: %s\n", conns + 64,
                strerror(errno));
        return 1;
    }
    redisContext *ctl = redisConnect("127.0.0.1", port);
    redisContext *w = redisConnect("127.0.0.1", port);
    if (!ctl || ctl->err || !w || w->err) {
        fprintf(stderr, "soakload: cannot connect to port %d\n", port);
        return 1;
    }
    struct sample before, idle, s;
    if (take_sample(ctl, &before) < 0)
        return 1;

    long long t0 = bench_now_us();
    int *fds = malloc(sizeof(int) * (size_t)(conns ? conns : 1));
    for (int i = 0; i < conns; i++) {
        fds[i] = idle_client(port);
        if (fds[i] < 0) {
            fprintf(stderr, "soakload: idle client %d of %d failed: %s\n", i + 1, conns,
                    strerror(errno));
            return 1;
        }
    }
    double connect_s = (double)(bench_now_us() - t0) / 1e6;
    if (take_sample(ctl, &idle) < 0)
        return 1;
    fprintf(stderr, "soakload: %d idle clients connected in %.2f s\n", conns, connect_s);

    char value[65];
    memset(value, 'v', 64);
    value[64] = '\0';
    long long nlat = (long long)seconds * rate;
    long long *lat = malloc(sizeof(long long) * (size_t)nlat);
    long long n = 0, peak_used = idle.used, peak_rss = idle.rss, min_clients = idle.clients;
    long long start = bench_now_us(), next = start, next_sample = start + 1000000;
    long long interval = 1000000 / rate;
    while (n < nlat) {
        sleep_until(next);
        next += interval;
        long long a = bench_now_us();
        redisReply *r = redisCommand(w, "XADD soak MAXLEN ~ 10000 * f %s", value);
        long long b = bench_now_us();
        if (!r || r->type != REDIS_REPLY_STRING) {
            fprintf(stderr, "soakload: XADD failed: %s\n",
                    r && r->type == REDIS_REPLY_ERROR ? r->str : w->errstr);
            return 1;
        }
        freeReplyObject(r);
        lat[n++] = b - a;
        if (b >= next_sample) {
            next_sample += 1000000;
            if (take_sample(ctl, &s) < 0)
                return 1;
            if (s.used > peak_used)
                peak_used = s.used;
            if (s.rss > peak_rss)
                peak_rss = s.rss;
            if (s.clients < min_clients)
                min_clients = s.clients;
            fprintf(stderr, "t=%llds clients=%lld used_memory=%lld rss=%lld writes=%lld\n",
                    (b - start) / 1000000, s.clients, s.used, s.rss, n);
        }
    }
    double elapsed = (double)(bench_now_us() - start) / 1e6;
    if (take_sample(ctl, &s) < 0)
        return 1;
    qsort(lat, (size_t)n, sizeof(*lat), bench_cmp_ll);
    long long per_client = conns ? (idle.used - before.used) / conns : 0;
    long long rss_per_client = conns ? (idle.rss - before.rss) / conns : 0;
    printf("clients=%lld min_clients=%lld connect_s=%.2f used_before=%lld used_idle=%lld "
           "used_per_client=%lld rss_before=%lld rss_idle=%lld rss_per_client=%lld "
           "peak_used=%lld peak_rss=%lld writes=%lld writes_per_s=%.0f p50_us=%lld p99_us=%lld "
           "p999_us=%lld max_us=%lld\n",
           idle.clients, min_clients, connect_s, before.used, idle.used, per_client, before.rss,
           idle.rss, rss_per_client, peak_used, peak_rss, n, (double)n / elapsed, lat[n / 2],
           lat[n * 99 / 100], lat[n * 999 / 1000], lat[n - 1]);
    for (int i = 0; i < conns; i++)
        close(fds[i]);
    free(fds);
    free(lat);
    redisFree(w);
    redisFree(ctl);
    return 0;
}
