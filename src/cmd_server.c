/* cmd_server.c -- server commands: DBSIZE, TIME, INFO, CONFIG, SHUTDOWN.
 *
 * INFO's sections and field names are Redis's, so that monitoring tools
 * and client libraries that parse INFO keep working; fields for features
 * Runnel does not have yet (persistence, replication) report the values
 * Redis reports when those features are idle. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "acl.h"
#include "aof.h"
#include "block.h"
#include "command.h"
#include "config.h"
#include "conn.h"
#include "handlers.h"
#include "log.h"
#include "latency_hist.h"
#include "maxmemory.h"
#include "mem.h"
#include "observe.h"
#include "pubsub.h"
#include "repl.h"
#include "server.h"
#include "snapshot.h"
#include "supervise.h"
#include "util.h"
#include "version.h"

void cmd_dbsize(struct conn *c)
{
    reply_int(&c->out, (long long)c->db->keys.used);
}

void cmd_time(struct conn *c)
{
    long long us = util_ustime();
    reply_array(&c->out, 2);
    reply_bulk_ll(&c->out, us / 1000000);
    reply_bulk_ll(&c->out, us % 1000000);
}

/* --- INFO ----------------------------------------------------------------- */

static void info_server(struct server *srv, struct reply_buf *b)
{
    struct utsname un;
    uname(&un);
    long long now_us = util_ustime();
    long long up = (now_us - srv->start_us) / 1000000;
    reply_info_line(b, "# Server");
    reply_info_line(b, "redis_version:%s", RUNNEL_REDIS_VERSION);
    reply_info_line(b, "runnel_version:%s", RUNNEL_VERSION);
    reply_info_line(b, "redis_git_sha1:00000000");
    reply_info_line(b, "redis_git_dirty:0");
    reply_info_line(b, "redis_build_id:0");
    reply_info_line(b, "redis_mode:standalone");
    reply_info_line(b, "os:%s %s %s", un.sysname, un.release, un.machine);
    reply_info_line(b, "arch_bits:%d", (int)(sizeof(long) * 8));
    reply_info_line(b, "monotonic_clock:POSIX clock_gettime");
    reply_info_line(b, "multiplexing_api:libevent");
    reply_info_line(b, "atomicvar_api:c11-builtin");
#ifdef __GNUC__
    reply_info_line(b, "gcc_version:%d.%d.%d", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#endif
    reply_info_line(b, "process_id:%ld", (long)getpid());
    reply_info_line(b, "process_supervised:%s", supervise_mode_name(srv->supervised));
    reply_info_line(b, "run_id:%s", srv->run_id);
    reply_info_line(b, "tcp_port:%d", srv->cfg.port);
    reply_info_line(b, "server_time_usec:%lld", now_us);
    reply_info_line(b, "uptime_in_seconds:%lld", up);
    reply_info_line(b, "uptime_in_days:%lld", up / 86400);
    reply_info_line(b, "hz:%d", srv->hz);
    reply_info_line(b, "configured_hz:%d", srv->cfg.hz);
    reply_info_line(b, "lru_clock:%u", srv->lru_clock & ((1u << 24) - 1));
    reply_info_line(b, "executable:%s", srv->executable ? srv->executable : "");
    reply_info_line(b, "config_file:%s", srv->cfg.config_file ? srv->cfg.config_file : "");
    reply_info_line(b, "io_threads_active:0");
}

static void info_clients(struct server *srv, struct reply_buf *b)
{
    long long blocked = 0;
    size_t max_in = 0, max_out = 0;
    for (struct conn *c = srv->clients; c; c = c->next) {
        if ((c->flags & CONN_BLOCKED) || c->postponed) /* CLIENT PAUSE's count too */
            blocked++;
        if (c->qcap > max_in)
            max_in = c->qcap;
        if (c->out.cap > max_out)
            max_out = c->out.cap;
    }
    reply_info_line(b, "# Clients");
    reply_info_line(b, "connected_clients:%lld", srv->nclients);
    reply_info_line(b, "cluster_connections:0");
    reply_info_line(b, "maxclients:%u", srv->cfg.maxclients);
    reply_info_line(b, "client_recent_max_input_buffer:%zu", max_in);
    reply_info_line(b, "client_recent_max_output_buffer:%zu", max_out);
    unsigned long long blocking_keys = 0;
    long long in_timeout = 0;
    for (int i = 0; i < srv->ndbs; i++)
        blocking_keys += srv->dbs[i].blocking.used;
    for (struct conn *c = srv->clients; c; c = c->next)
        if ((c->flags & CONN_BLOCKED) && c->block.timer)
            in_timeout++;
    reply_info_line(b, "blocked_clients:%lld", blocked);
    reply_info_line(b, "tracking_clients:0");
    reply_info_line(b, "clients_in_timeout_table:%lld", in_timeout);
    reply_info_line(b, "total_blocking_keys:%llu", blocking_keys);
    reply_info_line(b, "total_blocking_keys_on_nokey:%llu", block_keys_on_nokey(srv));
}

/* The memory section is maxmemory.c's (it owns used_memory). */
static void info_memory(struct server *srv, struct reply_buf *b)
{
    maxmemory_info(srv, b);
}

static void info_persistence(struct server *srv, struct reply_buf *b)
{
    reply_info_line(b, "# Persistence");
    reply_info_line(b, "loading:0");
    reply_info_line(b, "async_loading:0");
    snapshot_info(srv, b);
    aof_info(srv, b);
}

static void info_stats(struct server *srv, struct reply_buf *b)
{
    const struct server_stats *s = &srv->stat;
    reply_info_line(b, "# Stats");
    reply_info_line(b, "total_connections_received:%lld", s->numconnections);
    reply_info_line(b, "total_commands_processed:%lld", s->numcommands);
    reply_info_line(b, "instantaneous_ops_per_sec:%lld", observe_instantaneous(srv, OBSERVE_OPS));
    reply_info_line(b, "total_net_input_bytes:%lld", s->net_input_bytes);
    reply_info_line(b, "total_net_output_bytes:%lld", s->net_output_bytes);
    reply_info_line(b, "total_net_repl_input_bytes:0");
    reply_info_line(b, "total_net_repl_output_bytes:0");
    reply_info_line(b, "instantaneous_input_kbps:%.2f",
             (double)observe_instantaneous(srv, OBSERVE_NET_IN) / 1024);
    reply_info_line(b, "instantaneous_output_kbps:%.2f",
             (double)observe_instantaneous(srv, OBSERVE_NET_OUT) / 1024);
    reply_info_line(b, "instantaneous_input_repl_kbps:0.00");
    reply_info_line(b, "instantaneous_output_repl_kbps:0.00");
    reply_info_line(b, "rejected_connections:%lld", s->rejected_conn);
    reply_info_line(b, "sync_full:%lld", s->sync_full);
    reply_info_line(b, "sync_partial_ok:%lld", s->sync_partial_ok);
    reply_info_line(b, "sync_partial_err:%lld", s->sync_partial_err);
    reply_info_line(b, "expired_keys:%lld", s->expiredkeys);
    reply_info_line(b, "expired_stale_perc:0.00");
    reply_info_line(b, "expired_time_cap_reached_count:0");
    reply_info_line(b, "expire_cycle_cpu_milliseconds:%lld",
             srv->obs ? srv->obs->expire_cycle_us / 1000 : 0);
    reply_info_line(b, "evicted_keys:0");
    reply_info_line(b, "evicted_clients:0");
    reply_info_line(b, "total_eviction_exceeded_time:0");
    reply_info_line(b, "current_eviction_exceeded_time:0");
    reply_info_line(b, "keyspace_hits:%lld", s->keyspace_hits);
    reply_info_line(b, "keyspace_misses:%lld", s->keyspace_misses);
    reply_info_line(b, "pubsub_channels:%ld", pubsub_names(srv, PUBSUB_CHANNEL));
    reply_info_line(b, "pubsub_patterns:%ld", pubsub_names(srv, PUBSUB_PATTERN));
    reply_info_line(b, "pubsubshard_channels:%ld", pubsub_names(srv, PUBSUB_SHARD));
    reply_info_line(b, "latest_fork_usec:%lld", s->latest_fork_usec);
    reply_info_line(b, "total_forks:%lld", s->total_forks);
    reply_info_line(b, "migrate_cached_sockets:0");
    reply_info_line(b, "slave_expires_tracked_keys:0");
    reply_info_line(b, "active_defrag_hits:0");
    reply_info_line(b, "active_defrag_misses:0");
    reply_info_line(b, "active_defrag_key_hits:0");
    reply_info_line(b, "active_defrag_key_misses:0");
    reply_info_line(b, "total_active_defrag_time:0");
    reply_info_line(b, "current_active_defrag_time:0");
    reply_info_line(b, "tracking_total_keys:0");
    reply_info_line(b, "tracking_total_items:0");
    reply_info_line(b, "tracking_total_prefixes:0");
    reply_info_line(b, "unexpected_error_replies:%lld", s->unexpected_error_replies);
    reply_info_line(b, "total_error_replies:%lld", s->total_error_replies);
    reply_info_line(b, "dump_payload_sanitizations:0");
    reply_info_line(b, "total_reads_processed:%lld", s->total_reads);
    reply_info_line(b, "total_writes_processed:%lld", s->total_writes);
    reply_info_line(b, "io_threaded_reads_processed:0");
    reply_info_line(b, "io_threaded_writes_processed:0");
    reply_info_line(b, "reply_buffer_shrinks:0");
    reply_info_line(b, "reply_buffer_expands:0");
    reply_info_line(b, "client_query_buffer_limit_disconnections:%lld",
             s->client_qbuf_limit_disconnections);
    reply_info_line(b, "client_output_buffer_limit_disconnections:%lld",
             s->client_outbuf_limit_disconnections);
    /* Redis 7.2's ACL counters (7.0 has none). */
    reply_info_line(b, "acl_access_denied_auth:%lld", srv->acl->denied_auth);
    reply_info_line(b, "acl_access_denied_cmd:%lld", srv->acl->denied_cmd);
    reply_info_line(b, "acl_access_denied_key:%lld", srv->acl->denied_key);
    reply_info_line(b, "acl_access_denied_channel:%lld", srv->acl->denied_channel);
}

static void info_replication(struct server *srv, struct reply_buf *b)
{
    repl_info(srv, b); /* repl.h */
}

static void info_cpu(struct server *srv, struct reply_buf *b)
{
    (void)srv;
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    reply_info_line(b, "# CPU");
    reply_info_line(b, "used_cpu_sys:%ld.%06ld", (long)self.ru_stime.tv_sec, (long)self.ru_stime.tv_usec);
    reply_info_line(b, "used_cpu_user:%ld.%06ld", (long)self.ru_utime.tv_sec, (long)self.ru_utime.tv_usec);
    reply_info_line(b, "used_cpu_sys_children:%ld.%06ld", (long)kids.ru_stime.tv_sec,
             (long)kids.ru_stime.tv_usec);
    reply_info_line(b, "used_cpu_user_children:%ld.%06ld", (long)kids.ru_utime.tv_sec,
             (long)kids.ru_utime.tv_usec);
    struct rusage main_thread;
    getrusage(RUSAGE_THREAD, &main_thread);
    reply_info_line(b, "used_cpu_sys_main_thread:%ld.%06ld", (long)main_thread.ru_stime.tv_sec,
             (long)main_thread.ru_stime.tv_usec);
    reply_info_line(b, "used_cpu_user_main_thread:%ld.%06ld", (long)main_thread.ru_utime.tv_sec,
             (long)main_thread.ru_utime.tv_usec);
}

static void info_commandstats(struct server *srv, struct reply_buf *b)
{
    reply_info_line(b, "# Commandstats");
    for (int i = 0; i < srv->ncommands; i++) {
        const struct command *cmd = &srv->commands[i];
        if (!cmd->calls && !cmd->failed_calls && !cmd->rejected_calls)
            continue;
        reply_info_line(b, "cmdstat_%s:calls=%lld,usec=%lld,usec_per_call=%.2f,rejected_calls=%lld,"
                    "failed_calls=%lld",
                 cmd->fullname, cmd->calls, cmd->usec,
                 cmd->calls ? (double)cmd->usec / (double)cmd->calls : 0.0, cmd->rejected_calls,
                 cmd->failed_calls);
    }
}

static void info_errorstats(struct server *srv, struct reply_buf *b)
{
    reply_info_line(b, "# Errorstats");
    for (int i = 0; i < srv->stat.nerrstats; i++)
        reply_info_line(b, "errorstat_%s:count=%lld", srv->stat.errstats[i].name,
                 srv->stat.errstats[i].count);
}

static void info_modules(struct server *srv, struct reply_buf *b)
{
    (void)srv;
    reply_info_line(b, "# Modules");
}

/* latency_percentiles_usec_<cmd>:p50=..,p99=..,p99.9=.. for every command
 * that ran, at the percentiles of latency-tracking-info-percentiles. */
static void info_latencystats(struct server *srv, struct reply_buf *b)
{
    reply_info_line(b, "# Latencystats");
    double pct[16];
    char err[128];
    int npct = observe_parse_percentiles(srv->cfg.latency_tracking_info_percentiles, pct, 16, err,
                                         sizeof(err));
    if (npct < 0)
        npct = 0;
    for (int i = 0; i < srv->ncommands; i++) {
        struct latency_hist *h = observe_hist(srv, &srv->commands[i]);
        if (!h || !latency_hist_count(h))
            continue;
        char line[512];
        size_t len = 0;
        for (int k = 0; k < npct && len < sizeof(line); k++) {
            int n = snprintf(line + len, sizeof(line) - len, "%sp%.15g=%.3f", k ? "," : "",
                             pct[k], (double)latency_hist_percentile(h, pct[k]) / 1000.0);
            if (n > 0)
                len += (size_t)n;
        }
        if (len >= sizeof(line))
            len = sizeof(line) - 1;
        line[len] = '\0';
        reply_info_line(b, "latency_percentiles_usec_%s:%s", srv->commands[i].fullname, line);
    }
}

static void info_cluster(struct server *srv, struct reply_buf *b)
{
    (void)srv;
    reply_info_line(b, "# Cluster");
    reply_info_line(b, "cluster_enabled:0");
}

static void info_keyspace(struct server *srv, struct reply_buf *b)
{
    reply_info_line(b, "# Keyspace");
    for (int i = 0; i < srv->ndbs; i++) {
        const struct db *db = &srv->dbs[i];
        if (!db->keys.used)
            continue;
        reply_info_line(b, "db%d:keys=%llu,expires=%llu,avg_ttl=%lld", i,
                 (unsigned long long)db->keys.used, (unsigned long long)db->expires.used,
                 db->avg_ttl);
    }
}

struct info_section {
    const char *name;
    void (*fn)(struct server *, struct reply_buf *);
    int in_default;
};

static const struct info_section info_sections[] = {
    {"server", info_server, 1},           {"clients", info_clients, 1},
    {"memory", info_memory, 1},           {"persistence", info_persistence, 1},
    {"stats", info_stats, 1},             {"replication", info_replication, 1},
    {"cpu", info_cpu, 1},                 {"modules", info_modules, 1},
    {"commandstats", info_commandstats, 0}, {"errorstats", info_errorstats, 1},
    {"latencystats", info_latencystats, 0}, {"cluster", info_cluster, 1},
    {"keyspace", info_keyspace, 1},
};
#define INFO_NSECTIONS ((int)(sizeof(info_sections) / sizeof(info_sections[0])))

void cmd_info(struct conn *c)
{
    int want[INFO_NSECTIONS] = {0};
    if (c->argc == 1) {
        for (int i = 0; i < INFO_NSECTIONS; i++)
            want[i] = info_sections[i].in_default;
    }
    for (int j = 1; j < c->argc; j++) {
        const struct util_arg *a = &c->argv[j];
        if (util_eq_nocase(a->ptr, a->len, "all") || util_eq_nocase(a->ptr, a->len, "everything")) {
            for (int i = 0; i < INFO_NSECTIONS; i++)
                want[i] = 1;
        } else if (util_eq_nocase(a->ptr, a->len, "default")) {
            for (int i = 0; i < INFO_NSECTIONS; i++)
                want[i] |= info_sections[i].in_default;
        } else {
            for (int i = 0; i < INFO_NSECTIONS; i++)
                if (util_eq_nocase(a->ptr, a->len, info_sections[i].name))
                    want[i] = 1;
        }
    }
    struct reply_buf b;
    reply_init(&b, 2);
    int first = 1;
    for (int i = 0; i < INFO_NSECTIONS; i++) {
        if (!want[i])
            continue;
        if (!first)
            reply_raw(&b, "\r\n", 2);
        first = 0;
        info_sections[i].fn(c->srv, &b);
    }
    reply_verbatim(&c->out, b.buf ? b.buf : "", b.len, "txt");
    reply_free(&b);
}

/* --- CONFIG --------------------------------------------------------------- */

void cmd_config_help(struct conn *c)
{
    static const char *const lines[] = {
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
        NULL,
    };
    reply_help(c, lines);
}

void cmd_config_get(struct conn *c)
{
    int n = c->argc - 2;
    const char **pats = mem_alloc(sizeof(char *) * (size_t)n);
    size_t *lens = mem_alloc(sizeof(size_t) * (size_t)n);
    for (int i = 0; i < n; i++) {
        pats[i] = c->argv[i + 2].ptr;
        lens[i] = c->argv[i + 2].len;
    }
    struct config_match m;
    config_match(&m, n, pats, lens);
    reply_map(&c->out, m.count);
    for (int i = 0; i < m.count; i++) {
        reply_bulk(&c->out, m.name[i], m.name_len[i]);
        char *v = config_get_value(&c->srv->cfg, m.id[i]);
        reply_bulk_cstr(&c->out, v);
        mem_free(v);
    }
    mem_free(pats);
    mem_free(lens);
}

void cmd_config_set(struct conn *c)
{
    if ((c->argc - 2) % 2 != 0) {
        reply_syntax_error(c);
        return;
    }
    int n = (c->argc - 2) / 2;
    const char **names = mem_alloc(sizeof(char *) * (size_t)n);
    const char **values = mem_alloc(sizeof(char *) * (size_t)n);
    for (int i = 0; i < n; i++) {
        names[i] = c->argv[2 + 2 * i].ptr;
        values[i] = c->argv[3 + 2 * i].ptr;
    }
    char err[512];
    if (config_set_multi(&c->srv->cfg, n, names, values, err, sizeof(err)) == 0)
        reply_ok(&c->out);
    else
        reply_error(&c->out, err);
    mem_free(names);
    mem_free(values);
}

void cmd_config_resetstat(struct conn *c)
{
    struct server *srv = c->srv;
    memset(&srv->stat, 0, sizeof(srv->stat));
    observe_reset_stats(srv);
    srv->acl->denied_auth = srv->acl->denied_cmd = 0;
    srv->acl->denied_key = srv->acl->denied_channel = 0;
    for (int i = 0; i < srv->ncommands; i++) {
        struct command *cmd = &srv->commands[i];
        cmd->calls = cmd->usec = cmd->rejected_calls = cmd->failed_calls = 0;
    }
    reply_ok(&c->out);
}

void cmd_config_rewrite(struct conn *c)
{
    char err[512];
    if (!c->srv->cfg.config_file) {
        reply_error(&c->out, "ERR The server is running without a config file");
        return;
    }
    if (config_rewrite(&c->srv->cfg, c->srv->cfg.config_file, err, sizeof(err)) < 0) {
        log_warning("CONFIG REWRITE failed: %s", err);
        reply_error(&c->out, err);
        return;
    }
    log_notice("CONFIG REWRITE executed with success.");
    reply_ok(&c->out);
}

/* --- BGREWRITEAOF ------------------------------------------------------- */

void cmd_bgrewriteaof(struct conn *c)
{
    char err[256];
    int rc = aof_rewrite_background(c->srv, err, sizeof(err));
    if (rc < 0)
        reply_error(&c->out, err);
    else if (rc == 1)
        reply_simple(&c->out, "Background append only file rewriting scheduled");
    else
        reply_simple(&c->out, "Background append only file rewriting started");
}

/* --- SHUTDOWN --------------------------------------------------------- */

/* SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT], Redis 7.0's rules: the
 * final save runs here, before the reply, so that a failed save can answer
 * an error and leave the server running (FORCE exits anyway).  NOW has
 * nothing to skip (no replicas to wait for); ABORT finds no shutdown in
 * progress for the same reason. */
void cmd_shutdown(struct conn *c)
{
    int flags = 0, abort_ = 0, other = 0;
    for (int j = 1; j < c->argc; j++) {
        const struct util_arg *a = &c->argv[j];
        if (util_eq_nocase(a->ptr, a->len, "nosave")) {
            flags |= SNAPSHOT_SHUTDOWN_NOSAVE;
        } else if (util_eq_nocase(a->ptr, a->len, "save")) {
            flags |= SNAPSHOT_SHUTDOWN_SAVE;
        } else if (util_eq_nocase(a->ptr, a->len, "now")) {
            other = 1;
        } else if (util_eq_nocase(a->ptr, a->len, "force")) {
            flags |= SNAPSHOT_SHUTDOWN_FORCE;
        } else if (util_eq_nocase(a->ptr, a->len, "abort")) {
            abort_ = 1;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    if ((abort_ && (flags || other)) ||
        ((flags & SNAPSHOT_SHUTDOWN_NOSAVE) && (flags & SNAPSHOT_SHUTDOWN_SAVE))) {
        reply_syntax_error(c);
        return;
    }
    if (abort_) {
        reply_error(&c->out, "ERR No shutdown in progress.");
        return;
    }
    if (snapshot_prepare_shutdown(c->srv, flags) < 0) {
        reply_error(&c->out, "ERR Errors trying to SHUTDOWN. Check logs.");
        return;
    }
    /* Stop the loop; server_shutdown flushes and fsyncs the AOF.  The
     * client sees the connection close, as with Redis. */
    c->srv->shutdown_asap = 1;
    c->srv->shutdown_prepared = 1;
    c->flags |= CONN_CLOSE_ASAP;
}
