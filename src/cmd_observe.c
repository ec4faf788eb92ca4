/* cmd_observe.c -- the commands that look at the running server: SLOWLOG,
 * LATENCY, MONITOR and MEMORY STATS / DOCTOR / MALLOC-STATS / PURGE.
 *
 * The data lives in observe.c (fed after every command), slowlog.c and
 * latency.c; this file only parses arguments and replies, in Redis 7.0's
 * shapes and texts (help lines, errors, the doctors' openings). */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef USE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "command.h"
#include "conn.h"
#include "db.h"
#include "handlers.h"
#include "latency.h"
#include "aof.h"
#include "latency_hist.h"
#include "maxmemory.h"
#include "mem.h"
#include "observe.h"
#include "server.h"
#include "slowlog.h"
#include "util.h"

/* --- SLOWLOG -------------------------------------------------------------- */

void cmd_slowlog_help(struct conn *c)
{
    static const char *const lines[] = {
        "GET [<count>]",
        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:",
        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN",
        "    Return the length of the slowlog.",
        "RESET",
        "    Reset the slowlog.",
        NULL,
    };
    reply_help(c, lines);
}

void cmd_slowlog_get(struct conn *c)
{
    if (c->argc > 3) {
        reply_errorf(&c->out,
                     "ERR unknown subcommand or wrong number of arguments for '%.128s'. Try "
                     "SLOWLOG HELP.",
                     c->argv[1].ptr);
        return;
    }
    long long count = 10;
    if (c->argc == 3 && (!util_str_to_ll(c->argv[2].ptr, c->argv[2].len, &count) || count < -1)) {
        reply_error(&c->out, "ERR count should be greater than or equal to -1");
        return;
    }
    struct slowlog *sl = &c->srv->obs->slowlog;
    if (count == -1 || count > sl->len)
        count = sl->len;
    reply_array(&c->out, (long)count);
    struct slowlog_entry *e = sl->head;
    for (long long i = 0; i < count && e; i++, e = e->next) {
        reply_array(&c->out, 6);
        reply_int(&c->out, e->id);
        reply_int(&c->out, e->time);
        reply_int(&c->out, e->duration);
        reply_array(&c->out, e->argc);
        for (int j = 0; j < e->argc; j++)
            reply_bulk(&c->out, e->argv[j], e->argv_len[j]);
        reply_bulk_cstr(&c->out, e->peer);
        reply_bulk_cstr(&c->out, e->name);
    }
}

void cmd_slowlog_len(struct conn *c)
{
    reply_int(&c->out, c->srv->obs->slowlog.len);
}

void cmd_slowlog_reset(struct conn *c)
{
    slowlog_reset(&c->srv->obs->slowlog);
    reply_ok(&c->out);
}

/* --- LATENCY -------------------------------------------------------------- */

void cmd_latency_help(struct conn *c)
{
    static const char *const lines[] = {
        "DOCTOR",
        "    Return a human readable latency analysis report.",
        "GRAPH <event>",
        "    Return an ASCII latency graph for the <event> class.",
        "HISTORY <event>",
        "    Return time-latency samples for the <event> class.",
        "LATEST",
        "    Return the latest latency samples for all events.",
        "RESET [<event> ...]",
        "    Reset latency data of one or more <event> classes.",
        "    (default: reset all data for all event classes)",
        "HISTOGRAM [COMMAND ...]",
        "    Return a cumulative distribution of latencies in the format of a histogram for "
        "the specified command names.",
        "    If no commands are specified then all histograms are replied.",
        NULL,
    };
    reply_help(c, lines);
}

void cmd_latency_latest(struct conn *c)
{
    struct latency_monitor *lm = &c->srv->obs->latency;
    reply_array(&c->out, lm->nevents);
    for (int i = 0; i < lm->nevents; i++) {
        const struct latency_event *ev = lm->events[i];
        const struct latency_sample *last = latency_last(ev);
        reply_array(&c->out, 4);
        reply_bulk_cstr(&c->out, ev->name);
        reply_int(&c->out, last->time);
        reply_int(&c->out, last->latency);
        reply_int(&c->out, ev->max);
    }
}

void cmd_latency_history(struct conn *c)
{
    struct latency_event *ev =
        latency_find(&c->srv->obs->latency, c->argv[2].ptr, c->argv[2].len);
    if (!ev) {
        reply_array(&c->out, 0);
        return;
    }
    long n = 0;
    for (int i = 0; i < LATENCY_SAMPLES; i++)
        n += ev->samples[i].time != 0;
    reply_array(&c->out, n);
    /* Oldest first: the ring starts at the slot written next. */
    for (int k = 0; k < LATENCY_SAMPLES; k++) {
        const struct latency_sample *s = &ev->samples[(ev->idx + k) % LATENCY_SAMPLES];
        if (!s->time)
            continue;
        reply_array(&c->out, 2);
        reply_int(&c->out, s->time);
        reply_int(&c->out, s->latency);
    }
}

void cmd_latency_reset(struct conn *c)
{
    struct latency_monitor *lm = &c->srv->obs->latency;
    if (c->argc == 2) {
        reply_int(&c->out, latency_reset(lm, NULL, 0));
        return;
    }
    int n = 0;
    for (int j = 2; j < c->argc; j++)
        n += latency_reset(lm, c->argv[j].ptr, c->argv[j].len);
    reply_int(&c->out, n);
}

/* Append a fixed text to the doctors' and the graph's report. */
static void text_add(struct reply_buf *b, const char *text)
{
    reply_raw(b, text, strlen(text));
}

/* A plain text graph (not Redis's sparkline): one line per sample, oldest
 * first, a bar scaled to the event's worst sample. */
void cmd_latency_graph(struct conn *c)
{
    struct latency_event *ev =
        latency_find(&c->srv->obs->latency, c->argv[2].ptr, c->argv[2].len);
    if (!ev) {
        reply_errorf(&c->out, "ERR No samples available for event '%.128s'", c->argv[2].ptr);
        return;
    }
    long long hi = 0, lo = -1;
    for (int i = 0; i < LATENCY_SAMPLES; i++) {
        const struct latency_sample *s = &ev->samples[i];
        if (!s->time)
            continue;
        if (s->latency > hi)
            hi = s->latency;
        if (lo < 0 || s->latency < lo)
            lo = s->latency;
    }
    struct reply_buf b;
    reply_init(&b, 2);
    char line[256];
    int n = snprintf(line, sizeof(line), "%s - high %lld ms, low %lld ms (all time high %lld ms)\n",
                     ev->name, hi, lo < 0 ? 0 : lo, ev->max);
    reply_raw(&b, line, (size_t)n);
    reply_raw(&b, "--------------------------------------------------------------------------------\n",
              81);
    long long now = util_mstime() / 1000;
    for (int k = 0; k < LATENCY_SAMPLES; k++) {
        const struct latency_sample *s = &ev->samples[(ev->idx + k) % LATENCY_SAMPLES];
        if (!s->time)
            continue;
        int bar = hi ? (int)(s->latency * 50 / hi) : 0;
        n = snprintf(line, sizeof(line), "%6llds ago %6lld ms |", now - s->time, s->latency);
        reply_raw(&b, line, (size_t)n);
        for (int i = 0; i < bar; i++)
            reply_raw(&b, "#", 1);
        reply_raw(&b, "\n", 1);
    }
    reply_verbatim(&c->out, b.buf, b.len, "txt");
    reply_free(&b);
}

/* A short version of Redis's latency report: Redis's opening, one line per
 * event with its spike count, average, mean deviation and period, and the
 * advice that fits what Runnel has. */
void cmd_latency_doctor(struct conn *c)
{
    struct server *srv = c->srv;
    struct latency_monitor *lm = &srv->obs->latency;
    struct reply_buf b;
    reply_init(&b, 2);
    char line[512];
    int n;
    if (!lm->nevents && !srv->cfg.latency_monitor_threshold) {
        text_add(&b, "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this "
                     "Redis instance. You may use \"CONFIG SET latency-monitor-threshold "
                     "<milliseconds>.\" in order to enable it. If we weren't in a deep space "
                     "mission I'd suggest to take a look at "
                     "https://redis.io/topics/latency-monitor.\n");
    } else if (!lm->nevents) {
        text_add(&b, "Dave, no latency spike was observed during the lifetime of this Redis "
                     "instance, not in the slightest bit. I honestly think you ought to sit down "
                     "calmly, take a stress pill, and think things over.\n");
    } else {
        text_add(&b, "Dave, I have observed latency spikes in this Redis instance. You don't mind "
                     "talking about it, do you Dave?\n\n");
        int slow_commands = 0, forks = 0;
        for (int i = 0; i < lm->nevents; i++) {
            const struct latency_event *ev = lm->events[i];
            long long count = 0, sum = 0, first = 0, last = 0;
            for (int k = 0; k < LATENCY_SAMPLES; k++) {
                const struct latency_sample *s = &ev->samples[(ev->idx + k) % LATENCY_SAMPLES];
                if (!s->time)
                    continue;
                if (!first)
                    first = s->time;
                last = s->time;
                count++;
                sum += s->latency;
            }
            long long avg = count ? sum / count : 0, mad = 0;
            for (int k = 0; k < LATENCY_SAMPLES; k++) {
                const struct latency_sample *s = &ev->samples[k];
                if (s->time)
                    mad += llabs(s->latency - avg);
            }
            mad = count ? mad / count : 0;
            double period = count > 1 ? (double)(last - first) / (double)(count - 1) : 0.0;
            if (period <= 0)
                period = 1.0;
            n = snprintf(line, sizeof(line),
                         "%d. %s: %lld latency spikes (average %lldms, mean deviation %lldms, "
                         "period %.2f sec). Worst all time event %lldms.\n",
                         i + 1, ev->name, count, avg, mad, period, ev->max);
            reply_raw(&b, line, (size_t)n);
            if (strstr(ev->name, "command"))
                slow_commands = 1;
            if (strcmp(ev->name, "fork") == 0)
                forks = 1;
        }
        text_add(&b, "\nI have a few advices for you:\n\n");
        if (slow_commands) {
            text_add(&b, "- Check your Slow Log to understand what are the commands you are "
                         "running which are too slow to execute. Please check "
                         "https://redis.io/commands/slowlog for more information.\n");
        }
        if (forks) {
            text_add(&b, "- Forking takes a while on big datasets: save rules and "
                         "auto-aof-rewrite settings that fork less often reduce these pauses.\n");
        }
        if (!slow_commands && !forks) {
            text_add(&b, "- Check the disk the AOF is on (aof-write, aof-fsync-always events): "
                         "appendfsync everysec waits less on a slow disk.\n");
        }
    }
    reply_verbatim(&c->out, b.buf, b.len, "txt");
    reply_free(&b);
}

struct histogram_reply {
    struct reply_buf *out;
    long n;
};

static void histogram_level(void *ud, int64_t level_ns, uint64_t cumulative)
{
    struct histogram_reply *h = ud;
    reply_int(h->out, level_ns / 1000);
    reply_int(h->out, (long long)cumulative);
    h->n++;
}

static void histogram_one(struct conn *c, const struct command *cmd, struct latency_hist *h)
{
    reply_bulk_cstr(&c->out, cmd->fullname);
    reply_map(&c->out, 2);
    reply_bulk_cstr(&c->out, "calls");
    reply_int(&c->out, (long long)latency_hist_count(h));
    reply_bulk_cstr(&c->out, "histogram_usec");
    size_t handle = reply_defer(&c->out);
    struct histogram_reply hr = {&c->out, 0};
    latency_hist_levels(h, histogram_level, &hr);
    reply_defer_map(&c->out, handle, hr.n);
}

/* LATENCY HISTOGRAM [command ...]: a map of full command names; a parent
 * name stands for its subcommands, unknown names are skipped. */
void cmd_latency_histogram(struct conn *c)
{
    struct server *srv = c->srv;
    size_t handle = reply_defer(&c->out);
    long n = 0;
    if (c->argc == 2) {
        for (int i = 0; i < srv->ncommands; i++) {
            struct latency_hist *h = observe_hist(srv, &srv->commands[i]);
            if (h) {
                histogram_one(c, &srv->commands[i], h);
                n++;
            }
        }
    } else {
        for (int j = 2; j < c->argc; j++) {
            struct command *cmd = command_lookup(srv, c->argv[j].ptr, c->argv[j].len);
            if (!cmd) {
                /* "config|get": a subcommand by its full name. */
                const char *bar = memchr(c->argv[j].ptr, '|', c->argv[j].len);
                struct command *parent =
                    bar ? command_lookup(srv, c->argv[j].ptr, (size_t)(bar - c->argv[j].ptr))
                        : NULL;
                if (parent)
                    cmd = command_lookup_sub(parent, bar + 1,
                                             c->argv[j].len - (size_t)(bar - c->argv[j].ptr) - 1);
                if (!cmd)
                    continue;
            }
            if (cmd->nsubs) {
                for (int k = 0; k < cmd->nsubs; k++) {
                    struct latency_hist *h = observe_hist(srv, cmd->subs[k]);
                    if (h) {
                        histogram_one(c, cmd->subs[k], h);
                        n++;
                    }
                }
            } else {
                struct latency_hist *h = observe_hist(srv, cmd);
                if (h) {
                    histogram_one(c, cmd, h);
                    n++;
                }
            }
        }
    }
    reply_defer_map(&c->out, handle, n);
}

/* --- MONITOR -------------------------------------------------------------- */

void cmd_monitor(struct conn *c)
{
    if (c->flags & CONN_IN_EXEC) {
        /* A transaction's client expects one reply per command. */
        reply_error(&c->out, "ERR MONITOR isn't allowed for DENY BLOCKING client");
        return;
    }
    if (c->flags & CONN_MONITOR)
        return; /* already monitoring: Redis answers nothing */
    observe_monitor_add(c);
    reply_ok(&c->out);
}

/* CLIENT NO-EVICT ON|OFF: Runnel never evicts clients (no
 * maxmemory-clients), so this only keeps the flag CLIENT LIST shows (e). */
void cmd_client_no_evict(struct conn *c)
{
    const struct util_arg *a = &c->argv[2];
    if (util_eq_nocase(a->ptr, a->len, "on")) {
        c->flags |= CONN_NO_EVICT;
    } else if (util_eq_nocase(a->ptr, a->len, "off")) {
        c->flags &= ~CONN_NO_EVICT;
    } else {
        reply_syntax_error(c);
        return;
    }
    reply_ok(&c->out);
}

/* --- MEMORY --------------------------------------------------------------- */

static size_t process_rss(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return 0;
    unsigned long long pages = 0, rss = 0;
    int ok = fscanf(f, "%llu %llu", &pages, &rss) == 2;
    fclose(f);
    return ok ? (size_t)(rss * (unsigned long long)sysconf(_SC_PAGESIZE)) : 0;
}

static size_t dict_overhead(const struct dict *d)
{
    return (size_t)d->size * sizeof(struct dict_entry *) +
           (size_t)d->used * sizeof(struct dict_entry);
}

/* The figures of INFO memory (maxmemory.c) under MEMORY STATS's names. */
struct memory_figures {
    size_t total, peak, startup, clients, aof, overhead, dataset, rss;
    struct mem_allocator_stats alloc; /* zeros without jemalloc */
    unsigned long long keys;
};

static void memory_figures(struct server *srv, struct memory_figures *m)
{
    memset(m, 0, sizeof(*m));
    maxmemory_refresh(srv, 1);
    m->total = maxmemory_used(srv); /* also raises the peak */
    m->peak = srv->mem_peak > m->total ? srv->mem_peak : m->total;
    m->startup = srv->mem_startup;
    m->rss = process_rss();
    mem_allocator_stats(&m->alloc);
    for (struct conn *c = srv->clients; c; c = c->next)
        m->clients += sizeof(*c) + mem_block_size(c->qbuf) + mem_block_size(c->out.buf);
    m->aof = srv->aof ? mem_block_size(srv->aof->buf.buf) : 0;
    m->overhead = m->startup + m->clients + m->aof;
    for (int i = 0; i < srv->ndbs; i++) {
        m->keys += srv->dbs[i].keys.used;
        m->overhead += dict_overhead(&srv->dbs[i].keys) + dict_overhead(&srv->dbs[i].expires);
    }
    m->dataset = m->total > m->overhead ? m->total - m->overhead : 0;
}

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 0.0;
}

static void stat_int(struct conn *c, const char *name, long long v)
{
    reply_bulk_cstr(&c->out, name);
    reply_int(&c->out, v);
}

static void stat_double(struct conn *c, const char *name, double v)
{
    reply_bulk_cstr(&c->out, name);
    reply_double(&c->out, v);
}

/* MEMORY STATS with Redis 7.0's keys and order, from the figures INFO
 * memory shows.  Runnel has no replication backlog, replicas, cluster, Lua
 * or functions: those are 0. */
void cmd_memory_stats(struct conn *c)
{
    struct server *srv = c->srv;
    struct memory_figures m;
    memory_figures(srv, &m);
    size_t handle = reply_defer(&c->out);
    long n = 0;
    stat_int(c, "peak.allocated", (long long)m.peak), n++;
    stat_int(c, "total.allocated", (long long)m.total), n++;
    stat_int(c, "startup.allocated", (long long)m.startup), n++;
    stat_int(c, "replication.backlog", 0), n++;
    stat_int(c, "clients.slaves", 0), n++;
    stat_int(c, "clients.normal", (long long)m.clients), n++;
    stat_int(c, "cluster.links", 0), n++;
    stat_int(c, "aof.buffer", (long long)m.aof), n++;
    stat_int(c, "lua.caches", 0), n++;
    stat_int(c, "functions.caches", 0), n++;
    for (int i = 0; i < srv->ndbs; i++) {
        const struct db *db = &srv->dbs[i];
        if (!db->keys.used)
            continue;
        char name[32];
        snprintf(name, sizeof(name), "db.%d", i);
        reply_bulk_cstr(&c->out, name);
        reply_map(&c->out, 3);
        stat_int(c, "overhead.hashtable.main", (long long)dict_overhead(&db->keys));
        stat_int(c, "overhead.hashtable.expires", (long long)dict_overhead(&db->expires));
        stat_int(c, "overhead.hashtable.slot-to-keys", 0);
        n++;
    }
    stat_int(c, "overhead.total", (long long)m.overhead), n++;
    stat_int(c, "keys.count", (long long)m.keys), n++;
    size_t net = m.total > m.startup ? m.total - m.startup : 0;
    stat_int(c, "keys.bytes-per-key", m.keys ? (long long)(net / m.keys) : 0), n++;
    stat_int(c, "dataset.bytes", (long long)m.dataset), n++;
    stat_double(c, "dataset.percentage", net ? (double)m.dataset * 100.0 / (double)net : 0.0), n++;
    stat_double(c, "peak.percentage", m.peak ? (double)m.total * 100.0 / (double)m.peak : 0.0), n++;
    const struct mem_allocator_stats *a = &m.alloc;
    stat_int(c, "allocator.allocated", (long long)a->allocated), n++;
    stat_int(c, "allocator.active", (long long)a->active), n++;
    stat_int(c, "allocator.resident", (long long)a->resident), n++;
    stat_double(c, "allocator-fragmentation.ratio", ratio(a->active, a->allocated)), n++;
    stat_int(c, "allocator-fragmentation.bytes", (long long)a->active - (long long)a->allocated),
        n++;
    stat_double(c, "allocator-rss.ratio", ratio(a->resident, a->active)), n++;
    stat_int(c, "allocator-rss.bytes", (long long)a->resident - (long long)a->active), n++;
    stat_double(c, "rss-overhead.ratio", ratio(m.rss, a->resident)), n++;
    stat_int(c, "rss-overhead.bytes", a->resident ? (long long)m.rss - (long long)a->resident : 0),
        n++;
    stat_double(c, "fragmentation", m.total ? (double)m.rss / (double)m.total : 0.0), n++;
    stat_int(c, "fragmentation.bytes", (long long)m.rss - (long long)m.total), n++;
    reply_defer_map(&c->out, handle, n);
}

/* A short version of Redis's memory doctor: the same opening for a nearly
 * empty instance and for one without findings, and the findings Runnel can
 * judge (peak far above use, RSS far above use, big client buffers). */
void cmd_memory_doctor(struct conn *c)
{
    struct memory_figures m;
    memory_figures(c->srv, &m);
    struct reply_buf b;
    reply_init(&b, 2);
    if (m.total < 5 * 1024 * 1024) {
        text_add(&b, "Hi Sam, this instance is empty or is using very little memory, my issues "
                     "detector can't be used in these conditions. Please, leave for your mission "
                     "on Earth and fill it with some data. The new Sam and I will be back to our "
                     "programming as soon as I finished rebooting.\n");
    } else {
        int peak = m.peak > m.total + m.total / 2;
        int frag = m.rss > m.total + m.total / 2;
        int clients = m.clients > 200 * 1024 && c->srv->nclients &&
                      m.clients / (size_t)c->srv->nclients > 200 * 1024;
        if (!peak && !frag && !clients) {
            text_add(&b, "Hi Sam, I can't find any memory issue in your instance. I can only "
                         "account for what occurs on this base.\n");
        } else {
            text_add(&b, "Sam, I detected a few issues in this Redis instance memory "
                         "implants:\n\n");
            if (peak) {
                text_add(&b, " * Peak memory: In the past this instance used more than 150% "
                             "the memory that is currently using.\n\n");
            }
            if (frag) {
                text_add(&b, " * High total RSS: This instance has a memory fragmentation and "
                             "RSS overhead greater than 1.4 (this means that the Resident Set "
                             "Size of the Redis process is much larger than the sum of the "
                             "logical allocations Redis performed).\n\n");
            }
            if (clients) {
                text_add(&b, " * Big client buffers: The clients output buffers are using much "
                             "memory. Check CLIENT LIST for clients with a big omem.\n\n");
            }
            text_add(&b, "I'm here to keep you safe, Sam. I want to help you.\n");
        }
    }
    reply_verbatim(&c->out, b.buf, b.len, "txt");
    reply_free(&b);
}

#ifdef USE_JEMALLOC
static void malloc_stats_write(void *ud, const char *text)
{
    reply_raw(ud, text, strlen(text));
}
#endif

void cmd_memory_malloc_stats(struct conn *c)
{
#ifdef USE_JEMALLOC
    struct reply_buf b;
    reply_init(&b, 2);
    malloc_stats_print(malloc_stats_write, &b, NULL);
    reply_verbatim(&c->out, b.buf ? b.buf : "", b.len, "txt");
    reply_free(&b);
#else
    const char *text = "Stats not supported for the current allocator";
    reply_verbatim(&c->out, text, strlen(text), "txt");
#endif
}

void cmd_memory_purge(struct conn *c)
{
#ifdef USE_JEMALLOC
    char cmd[64];
    snprintf(cmd, sizeof(cmd), "arena.%u.purge", (unsigned)MALLCTL_ARENAS_ALL);
    mallctl(cmd, NULL, NULL, NULL, 0);
#else
    malloc_trim(0);
#endif
    reply_ok(&c->out);
}
