/* streamload.c -- fill a stream with realistic, seeded data for benchmarks.
 *
 *   streamload HOST PORT KEY COUNT iot|job [SEED]
 *
 * iot:  device_id sensor-<0..999>  val <reading like 24.5>  ts <rising>
 * job:  to user<N>@example.com  template <one of five>  context_id <N>
 *
 * Values vary the way real data does (a fleet of a thousand devices,
 * readings that drift, distinct addresses and ids) and come from a fixed
 * seed, so Runnel and Redis receive byte-identical commands.  XADD uses
 * "*" IDs, pipelined 1000 at a time.  Exit status 1 on any error reply. */
#include <hiredis/hiredis.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;

static uint64_t rng(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: streamload HOST PORT KEY COUNT iot|job [SEED]\n");
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    const char *key = argv[3];
    long count = atol(argv[4]);
    int job = strcmp(argv[5], "job") == 0;
    rng_state = argc > 6 ? strtoull(argv[6], NULL, 10) : 42;
    if (!rng_state)
        rng_state = 42;
    redisContext *c = redisConnect(host, port);
    if (!c || c->err) {
        fprintf(stderr, "streamload: connect: %s\n", c ? c->errstr : "oom");
        return 1;
    }
    static const char *templates[] = {"welcome", "password-reset", "invoice", "digest", "alert"};
    double reading[1000];
    for (int i = 0; i < 1000; i++)
        reading[i] = 15.0 + (double)(rng() % 150) / 10.0;
    long sent = 0, done = 0;
    int failed = 0;
    while (done < count) {
        long batch = count - sent < 1000 ? count - sent : 1000;
        for (long i = 0; i < batch; i++, sent++) {
            char a[64], b[64], d[64];
            const char *av[9];
            size_t al[9];
            av[0] = "XADD";
            av[1] = key;
            av[2] = "*";
            if (job) {
                snprintf(a, sizeof(a), "user%llu@example.com",
                         (unsigned long long)(rng() % 5000000));
                snprintf(d, sizeof(d), "%ld", 100000 + sent * 3 + (long)(rng() % 3));
                av[3] = "to";
                av[4] = a;
                av[5] = "template";
                av[6] = templates[rng() % 5];
                av[7] = "context_id";
                av[8] = d;
            } else {
                int dev = (int)(rng() % 1000);
                reading[dev] += (double)((int)(rng() % 21) - 10) / 10.0;
                snprintf(a, sizeof(a), "sensor-%d", dev);
                snprintf(b, sizeof(b), "%.1f", reading[dev]);
                snprintf(d, sizeof(d), "%ld", 1618590100L + sent);
                av[3] = "device_id";
                av[4] = a;
                av[5] = "val";
                av[6] = b;
                av[7] = "ts";
                av[8] = d;
            }
            for (int k = 0; k < 9; k++)
                al[k] = strlen(av[k]);
            redisAppendCommandArgv(c, 9, av, al);
        }
        for (long i = 0; i < batch; i++, done++) {
            redisReply *r;
            if (redisGetReply(c, (void **)&r) != REDIS_OK) {
                fprintf(stderr, "streamload: %s\n", c->errstr);
                return 1;
            }
            if (r->type == REDIS_REPLY_ERROR) {
                if (!failed)
                    fprintf(stderr, "streamload: %s\n", r->str);
                failed = 1;
            }
            freeReplyObject(r);
        }
    }
    redisFree(c);
    return failed;
}
