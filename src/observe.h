/* observe.h -- what the server tells about itself while it runs: the
 * per-command latency histograms (INFO latencystats, LATENCY HISTOGRAM),
 * the slow log, the latency monitor, MONITOR clients and the instantaneous
 * rates of INFO stats (sampled by the cron as Redis does: 16 samples, one
 * every 100 ms, averaged).
 *
 * Fed after every command by observe_call (command_call), and by the cron
 * (observe_cron).  The state hangs off srv->obs; with no obs (unit tests
 * that build a bare server) every hook does nothing. */
#ifndef RUNNEL_OBSERVE_H
#define RUNNEL_OBSERVE_H

#include <stddef.h>

#include "latency.h"
#include "slowlog.h"

struct server;
struct conn;
struct command;
struct latency_hist;

#define OBSERVE_INST_SAMPLES 16

enum observe_metric {
    OBSERVE_OPS = 0,  /* commands */
    OBSERVE_NET_IN,   /* bytes read */
    OBSERVE_NET_OUT,  /* bytes written */
    OBSERVE_NMETRICS
};

struct observe_inst {
    long long last_ms;
    long long last_count;
    long long samples[OBSERVE_INST_SAMPLES];
    int idx;
};

struct observe {
    struct latency_hist **hists; /* one per srv->commands row, made on first use */
    int nhists;
    struct slowlog slowlog;
    struct latency_monitor latency;
    struct conn **monitors;
    int nmonitors, monitors_cap;
    struct observe_inst inst[OBSERVE_NMETRICS];
    long long expire_cycle_us;   /* time spent in active expiry (INFO) */
};

void observe_init(struct server *srv);
void observe_free(struct server *srv);

/* After a command ran (command_call): histogram, slow log, latency
 * monitor, MONITOR clients.  duration in microseconds. */
void observe_call(struct conn *c, struct command *cmd, long long duration);
/* Cron: sample the instantaneous rates every 100 ms. */
void observe_cron(struct server *srv);
/* Time one active-expiry pass took (expire-cycle event, INFO). */
void observe_expire_cycle(struct server *srv, long long us);
/* CONFIG RESETSTAT: histograms and rates. */
void observe_reset_stats(struct server *srv);

/* The average of the last 16 samples of a rate (per second). */
long long observe_instantaneous(const struct server *srv, enum observe_metric m);
/* A command's histogram, NULL if it never ran. */
struct latency_hist *observe_hist(const struct server *srv, const struct command *cmd);

/* latency-tracking-info-percentiles: the numbers (at most max) into out;
 * the count, or -1 with Redis's reason in err. */
int observe_parse_percentiles(const char *text, double *out, int max, char *err,
                              size_t errlen);

/* MONITOR: c gets every command executed from now on (CONN_MONITOR). */
void observe_monitor_add(struct conn *c);
/* c leaves MONITOR mode (RESET, disconnect); nothing if it was not in it. */
void observe_monitor_remove(struct conn *c);

#endif
