/* latency_hist.c -- see latency_hist.h.
 *
 * Layout of the counters: bucket 0 holds values 0..255 one per slot (slots
 * 0..255); bucket b >= 1 holds values 128<<b .. (256<<b)-1 in 128 slots of
 * width 1<<b (slots (b+1)*128 .. (b+1)*128+127).  The largest value, 1e9,
 * falls in bucket 22, so there are 24*128 slots. */
#include "latency_hist.h"

#include "mem.h"

#define SUB_BITS 7                      /* 128 sub-buckets per half */
#define SUB_HALF (1 << SUB_BITS)
#define NSLOTS (24 * SUB_HALF)

struct latency_hist {
    uint64_t total;
    uint64_t slots[NSLOTS];
};

struct latency_hist *latency_hist_new(void)
{
    return mem_calloc(sizeof(struct latency_hist));
}

void latency_hist_free(struct latency_hist *h)
{
    mem_free(h);
}

static int top_bit(uint64_t v)
{
    return 63 - __builtin_clzll(v);
}

static int slot_of(int64_t v)
{
    int bucket = top_bit((uint64_t)v | (2 * SUB_HALF - 1)) - SUB_BITS;
    int sub = (int)(v >> bucket);
    return bucket == 0 ? sub : ((bucket + 1) << SUB_BITS) + (sub - SUB_HALF);
}

/* The lowest value of a slot and the width of its range. */
static int64_t slot_low(int slot, int64_t *width)
{
    if (slot < 2 * SUB_HALF) {
        *width = 1;
        return slot;
    }
    int bucket = (slot >> SUB_BITS) - 1;
    int64_t sub = (slot & (SUB_HALF - 1)) + SUB_HALF;
    *width = (int64_t)1 << bucket;
    return sub << bucket;
}

static int64_t slot_high(int slot)
{
    int64_t width;
    int64_t low = slot_low(slot, &width);
    return low + width - 1;
}

void latency_hist_record(struct latency_hist *h, int64_t ns)
{
    if (ns < LATENCY_HIST_MIN)
        ns = LATENCY_HIST_MIN;
    if (ns > LATENCY_HIST_MAX)
        ns = LATENCY_HIST_MAX;
    h->slots[slot_of(ns)]++;
    h->total++;
}

uint64_t latency_hist_count(const struct latency_hist *h)
{
    return h->total;
}

int64_t latency_hist_percentile(const struct latency_hist *h, double p)
{
    if (!h->total)
        return 0;
    if (p > 100.0)
        p = 100.0;
    uint64_t want = (uint64_t)((p / 100.0) * (double)h->total + 0.5);
    if (want < 1)
        want = 1;
    uint64_t seen = 0;
    for (int i = 0; i < NSLOTS; i++) {
        seen += h->slots[i];
        if (seen >= want) {
            /* p0 is the lowest value of the first used sub-bucket. */
            int64_t width;
            return p == 0.0 ? slot_low(i, &width) : slot_high(i);
        }
    }
    return slot_high(NSLOTS - 1);
}

void latency_hist_levels(const struct latency_hist *h, latency_hist_level_fn *fn, void *ud)
{
    uint64_t seen = 0, reported = 0;
    int i = 0;
    for (int64_t level = 1024; seen < h->total; level *= 2) {
        int last = level > LATENCY_HIST_MAX ? NSLOTS - 1 : slot_of(level);
        for (; i <= last; i++)
            seen += h->slots[i];
        if (seen > reported) {
            fn(ud, slot_high(last), seen);
            reported = seen;
        }
    }
}
