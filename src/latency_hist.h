/* latency_hist.h -- a log-bucketed latency histogram (HDR-like).
 *
 * Values are nanoseconds, clamped to 1 .. 1e9 as Redis 7.0 records its
 * per-command latencies, kept with two significant digits: values below 256
 * are exact, and each power-of-two range above holds 128 sub-buckets, so a
 * value is known within 1/128 of itself.  A percentile is reported as the
 * highest value of the sub-bucket that reaches it, which is what makes
 * INFO latencystats print 5.023 for a 5 us call, as Redis does.
 *
 * Memory: one block of counters (about 24 KB), so the server allocates a
 * histogram only for commands that have run. */
#ifndef RUNNEL_LATENCY_HIST_H
#define RUNNEL_LATENCY_HIST_H

#include <stdint.h>

#define LATENCY_HIST_MIN 1LL
#define LATENCY_HIST_MAX 1000000000LL

struct latency_hist;

struct latency_hist *latency_hist_new(void);
void latency_hist_free(struct latency_hist *h);
/* Record one value (ns), clamped to MIN..MAX. */
void latency_hist_record(struct latency_hist *h, int64_t ns);
uint64_t latency_hist_count(const struct latency_hist *h);
/* The value (ns) at percentile p (0..100): the highest value equivalent to
 * the sub-bucket where the cumulative count reaches p% of the total (the
 * lowest for p 0); 0 when empty. */
int64_t latency_hist_percentile(const struct latency_hist *h, double p);

/* The cumulative distribution LATENCY HISTOGRAM replies with: levels
 * 1024 ns, 2048 ns, ... (doubling); for each level the highest value
 * equivalent to it and the count of values up to it.  Calls fn for each
 * level whose count grew, until every value is counted. */
typedef void latency_hist_level_fn(void *ud, int64_t level_ns, uint64_t cumulative);
void latency_hist_levels(const struct latency_hist *h, latency_hist_level_fn *fn, void *ud);

#endif
