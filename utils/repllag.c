/* repllag.c -- replication lag of a master/replica pair while a load runs
 * (utils/bench-repl.sh).
 *
 *   repllag MASTER_PORT REPLICA_PORT LOAD_PID
 *
 * Samples, back to back until LOAD_PID has exited, the master's
 * master_repl_offset and then the replica's slave_repl_offset (INFO
 * replication).  Byte lag of a sample: master offset minus replica offset
 * (0 when the replica passed the master's earlier reading).  Time lag: how
 * long before the replica's sample the master's samples first showed that
 * offset (so it is short by at most one master sampling interval, well
 * under a millisecond here).  Prints one line:
 *   samples p50_bytes p99_bytes max_bytes p50_ms p99_ms max_ms */
#include <hiredis/hiredis.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchlib.h"

/* The load is running: alive and not yet a zombie its parent has not
 * reaped (kill(pid, 0) succeeds on those). */
static int running(pid_t pid)
{
    char path[64], buf[256];
    snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return kill(pid, 0) == 0;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')');
    return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

static long long info_field(redisContext *c, const char *field)
{
    redisReply *r = redisCommand(c, "INFO replication");
    if (!r || r->type != REDIS_REPLY_STRING) {
        fprintf(stderr, "repllag: INFO failed: %s\n", c->errstr);
        exit(1);
    }
    const char *p = strstr(r->str, field);
    long long v = p ? atoll(p + strlen(field)) : -1;
    freeReplyObject(r);
    return v;
}

struct series {
    long long *t, *v;
    size_t n, cap;
};

static void push(struct series *s, long long t, long long v)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4096;
        s->t = realloc(s->t, s->cap * sizeof(*s->t));
        s->v = realloc(s->v, s->cap * sizeof(*s->v));
        if (!s->t || !s->v) {
            fprintf(stderr, "repllag: out of memory\n");
            exit(1);
        }
    }
    s->t[s->n] = t;
    s->v[s->n] = v;
    s->n++;
}

static long long pct(long long *v, size_t n, double p)
{
    if (!n)
        return 0;
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i];
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: repllag MASTER_PORT REPLICA_PORT LOAD_PID\n");
        return 2;
    }
    redisContext *m = redisConnect("127.0.0.1", atoi(argv[1]));
    redisContext *r = redisConnect("127.0.0.1", atoi(argv[2]));
    if (!m || m->err || !r || r->err) {
        fprintf(stderr, "repllag: cannot connect\n");
        return 1;
    }
    pid_t load = (pid_t)atol(argv[3]);
    struct series ms = {0}, rs = {0};
    while (running(load)) {
        long long mo = info_field(m, "master_repl_offset:");
        push(&ms, bench_now_us(), mo);
        long long ro = info_field(r, "slave_repl_offset:");
        push(&rs, bench_now_us(), ro);
    }
    size_t n = rs.n;
    long long *bytes = calloc(n + 1, sizeof(long long));
    long long *us = calloc(n + 1, sizeof(long long));
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        long long b = ms.v[i] - rs.v[i];
        bytes[i] = b > 0 ? b : 0;
        /* The first master sample at or past the replica's offset (the
         * master's series only grows; j never goes back). */
        while (j < ms.n && ms.v[j] < rs.v[i])
            j++;
        long long t = j < ms.n ? ms.t[j] : rs.t[i];
        us[i] = rs.t[i] > t ? rs.t[i] - t : 0;
    }
    qsort(bytes, n, sizeof(long long), bench_cmp_ll);
    qsort(us, n, sizeof(long long), bench_cmp_ll);
    printf("%zu %lld %lld %lld %.2f %.2f %.2f\n", n, pct(bytes, n, 0.5), pct(bytes, n, 0.99),
           n ? bytes[n - 1] : 0, pct(us, n, 0.5) / 1000.0, pct(us, n, 0.99) / 1000.0,
           n ? us[n - 1] / 1000.0 : 0.0);
    return 0;
}
