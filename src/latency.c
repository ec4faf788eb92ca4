/* latency.c -- see latency.h. */
#include "latency.h"

#include <string.h>

#include "mem.h"
#include "observe.h"
#include "server.h"
#include "util.h"

struct latency_event *latency_find(struct latency_monitor *lm, const char *name, size_t len)
{
    for (int i = 0; i < lm->nevents; i++) {
        const char *n = lm->events[i]->name;
        if (strlen(n) == len && memcmp(n, name, len) == 0)
            return lm->events[i];
    }
    return NULL;
}

void latency_add_sample(struct latency_monitor *lm, const char *event, long long now,
                        long long ms)
{
    struct latency_event *ev = latency_find(lm, event, strlen(event));
    if (!ev) {
        if (lm->nevents == LATENCY_MAX_EVENTS)
            return;
        ev = mem_calloc(sizeof(*ev));
        ev->name = event;
        lm->events[lm->nevents++] = ev;
    }
    if (ms > ev->max)
        ev->max = ms;
    struct latency_sample *prev = &ev->samples[(ev->idx + LATENCY_SAMPLES - 1) % LATENCY_SAMPLES];
    if (prev->time == now) {
        /* One sample per second: the second keeps its worst. */
        if (ms > prev->latency)
            prev->latency = ms;
        return;
    }
    ev->samples[ev->idx].time = now;
    ev->samples[ev->idx].latency = ms;
    ev->idx = (ev->idx + 1) % LATENCY_SAMPLES;
}

void latency_add_sample_if_needed(struct server *srv, const char *event, long long ms)
{
    long long threshold = srv->cfg.latency_monitor_threshold;
    if (!threshold || ms < threshold || !srv->obs)
        return;
    latency_add_sample(&srv->obs->latency, event, util_mstime() / 1000, ms);
}

const struct latency_sample *latency_last(const struct latency_event *ev)
{
    return &ev->samples[(ev->idx + LATENCY_SAMPLES - 1) % LATENCY_SAMPLES];
}

int latency_reset(struct latency_monitor *lm, const char *name, size_t len)
{
    int n = 0;
    for (int i = 0; i < lm->nevents;) {
        const char *en = lm->events[i]->name;
        if (name && !(strlen(en) == len && memcmp(en, name, len) == 0)) {
            i++;
            continue;
        }
        mem_free(lm->events[i]);
        lm->events[i] = lm->events[--lm->nevents];
        n++;
    }
    return n;
}

void latency_free(struct latency_monitor *lm)
{
    latency_reset(lm, NULL, 0);
}
