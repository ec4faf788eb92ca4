/* server.h -- the one struct server: every piece of mutable state the
 * process has (except the allocator's counters and the log destination,
 * which are process-wide by nature).
 *
 * The loop (server_run):
 *
 *   for (;;) {
 *       before_sleep();   serve clients with leftover input (command cap),
 *                         deliver effects to sinks, write replies, free
 *                         clients marked for closing
 *       event_base_loop(base, EVLOOP_ONCE);   sockets, timers, cron
 *   }
 */
#ifndef RUNNEL_SERVER_H
#define RUNNEL_SERVER_H

#include <stdint.h>

#include "command.h"
#include "config.h"
#include "db.h"
#include "effect.h"

struct event_base;
struct event;
struct evconnlistener;
struct conn;
struct aof;
struct snapshot;
struct observe;
struct pubsub;
struct acl;
struct command_rename;
struct repl;

#define SERVER_MAX_LISTENERS 16
#define SERVER_MAX_SINKS 8

/* CLIENT PAUSE modes, ordered: a pause only widens (client_pause.c). */
enum { CLIENT_PAUSE_OFF = 0, CLIENT_PAUSE_WRITE = 1, CLIENT_PAUSE_ALL = 2 };

struct listener {
    struct server *srv;
    int fd;
    struct event *ev;
    int unix_socket;
    char addr[64];
};

struct effect_sink {
    effect_sink_fn fn;
    void *ud;
};

struct server_stats {
    long long numcommands;
    long long numconnections;
    long long rejected_conn;
    long long net_input_bytes;
    long long net_output_bytes;
    long long expiredkeys;
    long long keyspace_hits;
    long long keyspace_misses;
    long long total_error_replies;
    long long unexpected_error_replies;
    long long client_qbuf_limit_disconnections;
    long long client_outbuf_limit_disconnections;
    long long total_reads;
    long long total_writes;
    /* INFO errorstats: error replies by their first word (ERR, WRONGTYPE,
     * NOGROUP, ...), at most SERVER_ERRSTATS_MAX kinds as Redis. */
    struct {
        char name[32];
        long long count;
    } errstats[128];
    int nerrstats;
    long long total_forks;       /* fork()s for snapshots (INFO total_forks) */
    long long latest_fork_usec;  /* how long the last one paused the loop */
    long long sync_full;         /* full resyncs served (SYNC, PSYNC) */
    long long sync_partial_ok;   /* PSYNCs continued from the backlog */
    long long sync_partial_err;  /* PSYNCs with an id that had to be full */
};

struct server {
    struct event_base *base;
    struct config cfg;
    char *executable;           /* absolute path of argv[0] */

    struct listener listeners[SERVER_MAX_LISTENERS];
    int nlisteners;
    struct event *cron_ev;
    struct event *signal_evs[3]; /* SIGTERM, SIGINT, SIGHUP */
    long long cronloops;

    struct db *dbs;
    int ndbs;

    /* Commands (command.c); the table lives here so its stats do too. */
    struct command *commands;  /* ncommands rows, copied from commands.def */
    int ncommands;
    struct dict command_index;

    /* Clients. */
    struct conn *clients;       /* all, newest first */
    long long nclients;
    uint64_t next_client_id;
    struct conn *pending;       /* clients with output or closing work */
    struct conn *pending_input; /* clients with requests left to run */
    struct conn *current;       /* client running a command */
    int pause_type;             /* CLIENT PAUSE: CLIENT_PAUSE_* (client_pause.c) */
    long long pause_end_ms;
    long long blocked_clients;
    void **ready;               /* wait lists with new data (block.c) */
    int nready, ready_cap;

    /* Effects of the command running now, delivered when it ends. */
    struct effect_batch effects;
    int effects_depth;          /* >0 while a command (or EXEC) runs */
    struct effect_sink sinks[SERVER_MAX_SINKS];
    int nsinks;
    int trace_fd;               /* effect-trace-file, or -1 */
    int trace_db;

    struct server_stats stat;
    long long now_us;           /* cached clock (server_update_clock) */
    long long start_ms;
    long long start_us;
    char run_id[41];
    uint64_t hash_seed;
    uint32_t lru_clock;         /* seconds, updated by cron */
    int loading;                /* replaying the AOF: no expiry, no sinks */
    struct aof *aof;            /* append-only file state (aof.c) */
    struct snapshot *snap;      /* RDB snapshot state (snapshot.c) */
    struct pubsub *pubsub;      /* channels, patterns, shard channels (pubsub.c) */
    struct acl *acl;            /* users, rules, ACL LOG (acl.c, cmd_acl.c) */
    struct command_rename *renames; /* rename-command lines (command.c) */
    int nrenames;
    struct observe *obs;        /* slow log, latency, MONITOR, rates (observe.c) */
    struct repl *repl;          /* replication, both sides (repl.h) */
    int shutdown_asap;
    int shutdown_prepared;      /* SHUTDOWN already did the final save */
    int active_expire_off;      /* DEBUG SET-ACTIVE-EXPIRE 0 */
    int exit_code;
    long long dirty;            /* changes since start (rdb_changes_since_last_save) */
    /* Memory accounting for maxmemory and INFO memory (maxmemory.c). */
    size_t mem_peak;            /* highest used_memory seen */
    size_t mem_startup;         /* used_memory once start-up finished */
    size_t mem_alloc_snap;      /* allocator's allocated bytes at the last refresh, 0 = none */
    size_t mem_count_snap;      /* mem_used() at that refresh */
    long long mem_snap_ms;      /* when it was taken */
    int supervised;             /* enum supervise_mode (supervise.c): who runs us */
    int hz;
};

int server_init(struct server *srv);
int server_listen(struct server *srv);
int server_run(struct server *srv);
void server_shutdown(struct server *srv);
void server_free(struct server *srv);

/* Cached wall clock in ms (see server.c); server_update_clock refreshes it
 * (now_us 0 = read the clock). */
long long server_mstime(const struct server *srv);
void server_update_clock(struct server *srv, long long now_us);

/* reply_buf's on_error for clients: count the reply in INFO errorstats. */
void server_count_error(void *srv, const char *msg, size_t len);

/* Hooks for command handlers. */
/* A key changed: WATCH, and (later) ready keys for blocked clients. */
void server_key_modified(struct server *srv, struct db *db, const char *key, size_t klen);
/* A key expired (lazily or actively): DEL effect, stats, watchers. */
void server_key_expired(struct server *srv, struct db *db, const char *key, size_t klen);
/* Open a new effect in the current batch.  It does not count as a change:
 * the handler adds to srv->dirty what Redis counts (see server.c). */
struct effect *server_effect(struct server *srv, int dbid);
/* Open an annotation (EFFECT_ANNOTATION | EFFECT_SOFT, see effect.h) in
 * the current batch; it does not count as a change (dirty). */
struct effect *server_annotation(struct server *srv, int dbid);
/* Start/end a unit of effects (a command, an EXEC). */
void server_effects_begin(struct server *srv);
void server_effects_end(struct server *srv);
int server_add_sink(struct server *srv, effect_sink_fn fn, void *ud);
void server_remove_sink(struct server *srv, effect_sink_fn fn, void *ud);

/* Apply config changes (CONFIG SET hook). */
/* The config module's runtime hook (config_apply_fn); opaque is the server. */
int server_apply_config(void *srv, const char *name, char *err, size_t errlen);

#endif
