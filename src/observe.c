/* observe.c -- see observe.h. */
#include "observe.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "conn.h"
#include "handlers.h"
#include "latency_hist.h"
#include "mem.h"
#include "server.h"
#include "util.h"

void observe_init(struct server *srv)
{
    struct observe *o = mem_calloc(sizeof(*o));
    o->nhists = srv->ncommands;
    o->hists = mem_calloc(sizeof(*o->hists) * (size_t)(o->nhists ? o->nhists : 1));
    o->slowlog.next_id = 0;
    srv->obs = o;
}

void observe_free(struct server *srv)
{
    struct observe *o = srv->obs;
    if (!o)
        return;
    for (int i = 0; i < o->nhists; i++)
        latency_hist_free(o->hists[i]);
    mem_free(o->hists);
    slowlog_reset(&o->slowlog);
    latency_free(&o->latency);
    mem_free(o->monitors);
    mem_free(o);
    srv->obs = NULL;
}

struct latency_hist *observe_hist(const struct server *srv, const struct command *cmd)
{
    if (!srv->obs)
        return NULL;
    long i = cmd - srv->commands;
    if (i < 0 || i >= srv->obs->nhists)
        return NULL;
    return srv->obs->hists[i];
}

/* Arguments Redis 7.0 hides from MONITOR and the slow log: AUTH's
 * credentials and HELLO's AUTH username password.  Returns 1 when mask
 * (argc bytes) marks any. */
static int redact_mask(const struct conn *c, const struct command *cmd, unsigned char *mask)
{
    int any = 0;
    memset(mask, 0, (size_t)c->argc);
    if (cmd->handler == cmd_auth) {
        for (int j = 1; j < c->argc; j++)
            mask[j] = 1;
        any = c->argc > 1;
    } else if (cmd->handler == cmd_hello) {
        for (int j = 2; j + 2 < c->argc; j++) {
            if (util_eq_nocase(c->argv[j].ptr, c->argv[j].len, "auth")) {
                mask[j + 1] = mask[j + 2] = 1;
                any = 1;
                j += 2;
            }
        }
    }
    return any;
}

/* One argument as Redis's sdscatrepr writes it: quoted, with C escapes
 * and \xHH for other unprintable bytes. */
static void repr_append(struct reply_buf *b, const char *p, size_t len)
{
    char tmp[8];
    reply_raw(b, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)p[i];
        const char *esc = NULL;
        switch (ch) {
        case '\\': esc = "\\\\"; break;
        case '"': esc = "\\\""; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\a': esc = "\\a"; break;
        case '\b': esc = "\\b"; break;
        default: break;
        }
        if (esc) {
            reply_raw(b, esc, 2);
        } else if (isprint(ch)) {
            reply_raw(b, (const char *)&p[i], 1);
        } else {
            snprintf(tmp, sizeof(tmp), "\\x%02x", ch);
            reply_raw(b, tmp, 4);
        }
    }
    reply_raw(b, "\"", 1);
}

/* "+<sec>.<usec> [<db> <addr>] "arg" ...\r\n" to every MONITOR client. */
static void feed_monitors(struct conn *c, const unsigned char *mask)
{
    struct observe *o = c->srv->obs;
    struct reply_buf line;
    reply_init(&line, 2);
    char head[192];
    long long us = util_ustime();
    if (c->flags & CONN_UNIX)
        snprintf(head, sizeof(head), "+%lld.%06lld [%d unix:%s]", us / 1000000, us % 1000000,
                 c->db->id, c->srv->cfg.unixsocket);
    else
        snprintf(head, sizeof(head), "+%lld.%06lld [%d %s]", us / 1000000, us % 1000000,
                 c->db->id, c->addr);
    reply_raw(&line, head, strlen(head));
    for (int j = 0; j < c->argc; j++) {
        reply_raw(&line, " ", 1);
        if (mask && mask[j])
            repr_append(&line, "(redacted)", 10);
        else
            repr_append(&line, c->argv[j].ptr, c->argv[j].len);
    }
    reply_raw(&line, "\r\n", 2);
    for (int i = 0; i < o->nmonitors; i++) {
        struct conn *m = o->monitors[i];
        if (m->flags & CONN_CLOSE_ASAP)
            continue;
        reply_raw(&m->out, line.buf, line.len);
        conn_want_write(m);
    }
    reply_free(&line);
}

void observe_call(struct conn *c, struct command *cmd, long long duration)
{
    struct server *srv = c->srv;
    struct observe *o = srv->obs;
    if (!o || srv->loading || (c->flags & CONN_FAKE))
        return;
    long idx = cmd - srv->commands;
    if (srv->cfg.latency_tracking && idx >= 0 && idx < o->nhists) {
        if (!o->hists[idx])
            o->hists[idx] = latency_hist_new();
        latency_hist_record(o->hists[idx], duration * 1000);
    }
    /* A command that blocked is logged when it is served: the re-run that
     * does not wait again (Redis logs it at unblock; a timeout is not). */
    int done = !(c->flags & CONN_BLOCKED) || ((c->flags & CONN_RERUN) && !c->block.still_waiting);
    int logged = !(cmd->flags & CMD_SKIP_SLOWLOG) && done;
    long long slower = srv->cfg.slowlog_log_slower_than;
    int to_slowlog = logged && slower >= 0 && duration >= slower && srv->cfg.slowlog_max_len > 0;
    /* MONITOR sees each command once (not the re-run of a blocked one),
     * and not the administrative ones (Redis's CMD_ADMIN rule). */
    int to_monitors = o->nmonitors && !(c->flags & CONN_RERUN) &&
                      !(cmd->flags & (CMD_SKIP_MONITOR | CMD_ADMIN));
    if (logged)
        latency_add_sample_if_needed(srv, (cmd->flags & CMD_FAST) ? "fast-command" : "command",
                                     duration / 1000);
    if (!to_slowlog && !to_monitors)
        return;
    unsigned char small[64];
    unsigned char *mask = c->argc <= (int)sizeof(small) ? small : mem_alloc((size_t)c->argc);
    int redacted = redact_mask(c, cmd, mask);
    if (to_slowlog)
        slowlog_push(&o->slowlog, c->argv, c->argc, redacted ? mask : NULL,
                     server_mstime(srv) / 1000, duration, c->addr, c->name,
                     srv->cfg.slowlog_max_len);
    if (to_monitors)
        feed_monitors(c, redacted ? mask : NULL);
    if (mask != small)
        mem_free(mask);
}

static void inst_sample(struct observe_inst *m, long long now, long long reading)
{
    long long t = now - m->last_ms;
    long long delta = reading - m->last_count;
    m->samples[m->idx] = t > 0 ? delta * 1000 / t : 0;
    m->idx = (m->idx + 1) % OBSERVE_INST_SAMPLES;
    m->last_ms = now;
    m->last_count = reading;
}

void observe_cron(struct server *srv)
{
    struct observe *o = srv->obs;
    if (!o)
        return;
    long long now = util_mstime();
    if (now - o->inst[OBSERVE_OPS].last_ms < 100)
        return;
    inst_sample(&o->inst[OBSERVE_OPS], now, srv->stat.numcommands);
    inst_sample(&o->inst[OBSERVE_NET_IN], now, srv->stat.net_input_bytes);
    inst_sample(&o->inst[OBSERVE_NET_OUT], now, srv->stat.net_output_bytes);
}

long long observe_instantaneous(const struct server *srv, enum observe_metric m)
{
    if (!srv->obs)
        return 0;
    long long sum = 0;
    for (int i = 0; i < OBSERVE_INST_SAMPLES; i++)
        sum += srv->obs->inst[m].samples[i];
    return sum / OBSERVE_INST_SAMPLES;
}

void observe_expire_cycle(struct server *srv, long long us)
{
    if (!srv->obs)
        return;
    srv->obs->expire_cycle_us += us;
    latency_add_sample_if_needed(srv, "expire-cycle", us / 1000);
}

void observe_reset_stats(struct server *srv)
{
    struct observe *o = srv->obs;
    if (!o)
        return;
    for (int i = 0; i < o->nhists; i++) {
        latency_hist_free(o->hists[i]);
        o->hists[i] = NULL;
    }
    /* The rates restart from the counters RESETSTAT just zeroed. */
    memset(o->inst, 0, sizeof(o->inst));
    o->expire_cycle_us = 0;
}

void observe_monitor_add(struct conn *c)
{
    struct observe *o = c->srv->obs;
    if (!o || (c->flags & CONN_MONITOR))
        return;
    if (o->nmonitors == o->monitors_cap) {
        o->monitors_cap = o->monitors_cap ? o->monitors_cap * 2 : 4;
        o->monitors = mem_realloc(o->monitors, sizeof(*o->monitors) * (size_t)o->monitors_cap);
    }
    o->monitors[o->nmonitors++] = c;
    c->flags |= CONN_MONITOR;
}

void observe_monitor_remove(struct conn *c)
{
    struct observe *o = c->srv->obs;
    if (!o || !(c->flags & CONN_MONITOR))
        return;
    for (int i = 0; i < o->nmonitors; i++) {
        if (o->monitors[i] == c) {
            memmove(&o->monitors[i], &o->monitors[i + 1],
                    sizeof(*o->monitors) * (size_t)(o->nmonitors - i - 1));
            o->nmonitors--;
            break;
        }
    }
    c->flags &= ~CONN_MONITOR;
}

int observe_parse_percentiles(const char *text, double *out, int max, char *err, size_t errlen)
{
    int n = 0;
    const char *p = text ? text : "";
    for (;;) {
        while (*p == ' ')
            p++;
        if (!*p)
            return n;
        char *end;
        double v = strtod(p, &end);
        if (end == p || (*end && *end != ' ') || n == max) {
            snprintf(err, errlen, "Invalid latency-tracking-info-percentiles parameters");
            return -1;
        }
        if (v < 0.0 || v > 100.0) {
            snprintf(err, errlen,
                     "latency-tracking-info-percentiles parameters should sit between "
                     "[0.0,100.0]");
            return -1;
        }
        out[n++] = v;
        p = end;
    }
}
