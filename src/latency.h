/* latency.h -- the latency monitor (Redis 7.0's LATENCY LATEST/HISTORY):
 * per event class, the last LATENCY_SAMPLES samples at or above
 * latency-monitor-threshold milliseconds, at most one per second (a second
 * keeps its worst), and the all-time maximum.
 *
 * Events Runnel produces: "command" and "fast-command" (a command's
 * execution), "fork", "aof-write", "aof-fsync-always", "expire-cycle". */
#ifndef RUNNEL_LATENCY_H
#define RUNNEL_LATENCY_H

#include <stddef.h>

#define LATENCY_SAMPLES 160
#define LATENCY_MAX_EVENTS 32

struct server;

struct latency_sample {
    long long time;    /* unix seconds, 0 = unused */
    long long latency; /* ms */
};

struct latency_event {
    const char *name;  /* static string */
    struct latency_sample samples[LATENCY_SAMPLES];
    int idx;           /* next slot to write */
    long long max;
};

struct latency_monitor {
    struct latency_event *events[LATENCY_MAX_EVENTS];
    int nevents;
};

/* Record ms for event (a string literal) when the monitor is on
 * (latency-monitor-threshold > 0) and ms reaches the threshold. */
void latency_add_sample_if_needed(struct server *srv, const char *event, long long ms);
/* Record a sample unconditionally at time now (seconds). */
void latency_add_sample(struct latency_monitor *lm, const char *event, long long now,
                        long long ms);
struct latency_event *latency_find(struct latency_monitor *lm, const char *name, size_t len);
/* The most recent sample of an event. */
const struct latency_sample *latency_last(const struct latency_event *ev);
/* Forget one event (1) or all of them (name NULL: the number forgotten). */
int latency_reset(struct latency_monitor *lm, const char *name, size_t len);
void latency_free(struct latency_monitor *lm);

#endif
