/* config.h -- the server's options: one table, one struct, Redis 7.0 rules.
 *
 * Every option is one row of CONFIG_OPTIONS below (name, type, default,
 * bounds, flags); struct config holds one typed field per option and is
 * embedded in struct server.  The same rows drive the config file reader,
 * the command line, CONFIG GET, CONFIG SET and CONFIG REWRITE, so an option
 * added here is handled everywhere at once.
 *
 * Errors are the texts Redis 7.0 produces, so that clients and operators see
 * the same messages: start-up errors are the complete "*** FATAL CONFIG FILE
 * ERROR ***" report (print it as is), runtime errors are reply texts that
 * already carry their "ERR " code.
 *
 * libc only (plus mem and util). */
#ifndef RUNNEL_CONFIG_H
#define RUNNEL_CONFIG_H

#include <limits.h>
#include <stddef.h>

#define CONFIG_BIND_MAX 16 /* as Redis's CONFIG_BINDADDR_MAX */
#define CONFIG_HZ_MIN 1    /* hz accepts 0..INT_MAX and is clamped to this range */
#define CONFIG_HZ_MAX 500

/* loglevel values, in the order of log.h's enum log_level. */
enum config_loglevel {
    CONFIG_LOGLEVEL_DEBUG = 0,
    CONFIG_LOGLEVEL_VERBOSE,
    CONFIG_LOGLEVEL_NOTICE,
    CONFIG_LOGLEVEL_WARNING
};

/* appendfsync values, in the order of config_appendfsync_names. */
enum config_appendfsync {
    CONFIG_APPENDFSYNC_EVERYSEC = 0,
    CONFIG_APPENDFSYNC_ALWAYS,
    CONFIG_APPENDFSYNC_NO
};

/* Client classes of client-output-buffer-limit ("slave" is an alias of
 * "replica"; CONFIG GET calls it "slave", as Redis does). */
enum config_obuf_class {
    CONFIG_OBUF_NORMAL = 0,
    CONFIG_OBUF_REPLICA,
    CONFIG_OBUF_PUBSUB,
    CONFIG_OBUF_CLASSES
};

struct config_obuf_limit {
    unsigned long long hard_bytes; /* disconnect at once past this; 0 = none */
    unsigned long long soft_bytes; /* disconnect when past this for ... */
    long long soft_seconds;        /* ... this many seconds; 0 = none */
};

/* The save rules ("save <seconds> <changes> ..."): a snapshot is taken when
 * at least `changes` writes happened and more than `seconds` passed since the
 * last one.  count 0 = no automatic snapshots (save ""). */
struct config_save_rule {
    long long seconds;
    long long changes;
};

struct config_save {
    struct config_save_rule *rules; /* mem_alloc'd, count entries */
    int count;
    int file_lines;                 /* save lines read from the file/args so far */
};

/* enable-debug-command values, in the order of config_debug_names. */
enum config_protected_action {
    CONFIG_PROTECTED_NO = 0,
    CONFIG_PROTECTED_YES,
    CONFIG_PROTECTED_LOCAL
};

/* supervised values, in the order of config_supervised_names (Redis's). */
enum config_supervised {
    CONFIG_SUPERVISED_UPSTART = 0,
    CONFIG_SUPERVISED_SYSTEMD,
    CONFIG_SUPERVISED_AUTO,
    CONFIG_SUPERVISED_NO
};

/* The one maxmemory-policy Runnel runs: the last of Redis's names. */
#define CONFIG_MAXMEMORY_NOEVICTION 7

struct util_arg;

/* Directives that may repeat and are not options (user, rename-command):
 * the words after the directive's name, line by line in file order.  The
 * server acts on them at start-up (cmd_acl.c); CONFIG GET does not show
 * them and CONFIG REWRITE keeps their lines as they are. */
struct config_line {
    struct util_arg *argv; /* mem_alloc'd words (util.h) */
    int argc;
};

struct config_lines {
    struct config_line *line;
    int count;
};

/* The bind list.  An address with a leading '-' is optional: the server
 * skips it when it cannot be bound (the '-' is kept here). */
struct config_bind {
    char *addr[CONFIG_BIND_MAX]; /* mem_alloc'd */
    int count;                   /* 0 = listen on no TCP address */
};

/* The function the server installs to act on a changed option at runtime
 * (re-listen on a new port, raise the fd limit for maxclients, ...).  It is
 * called after the new values are in struct config, once per option whose
 * value changed.  Return 0, or -1 with a reason in err (may be left empty):
 * CONFIG SET then restores every option of the command and calls the hook
 * again for each changed one so the server returns to the old values. */
typedef int config_apply_fn(void *opaque, const char *name, char *err, size_t errlen);

struct config {
    struct config_bind bind;
    int port;
    char *unixsocket;         /* "" = none */
    int unixsocketperm;       /* octal in files and CONFIG GET */
    int tcp_backlog;
    int tcp_keepalive;        /* seconds, 0 = off */
    int timeout;              /* idle client timeout in seconds, 0 = never */
    unsigned int maxclients;
    int databases;
    long long proto_max_bulk_len;
    long long client_query_buffer_limit;
    struct config_obuf_limit obuf_limits[CONFIG_OBUF_CLASSES];
    int loglevel;             /* enum config_loglevel */
    char *logfile;            /* "" = standard output */
    int daemonize;            /* 0 or 1 */
    char *pidfile;            /* "" = none */
    int hz;                   /* always CONFIG_HZ_MIN..CONFIG_HZ_MAX */
    long long stream_node_max_bytes;
    long long stream_node_max_entries;
    long long stream_idmp_duration;   /* a stream's IDMP bounds until XCFGSET (Redis 8.6) */
    long long stream_idmp_maxsize;
    long long hash_max_listpack_entries; /* a hash past either becomes a table */
    long long hash_max_listpack_value;
    int list_max_listpack_size;       /* list node limit: < 0 bytes (-2 = 8 KB), > 0 elements */
    long long set_max_intset_entries; /* an integer set past it becomes a table */
    int notify_keyspace_events;       /* NOTIFY_* flags (notify.h) */
    char *effect_trace_file;  /* testing hook; "" = none (see conf/runnel.conf) */
    /* Observability (observe.c, slowlog.c, latency.c). */
    long long slowlog_log_slower_than; /* us; -1 off, 0 every command */
    long long slowlog_max_len;
    long long latency_monitor_threshold; /* ms; 0 = latency monitor off */
    int latency_tracking;     /* per-command histograms (INFO latencystats) */
    char *latency_tracking_info_percentiles; /* "50 99 99.9" */
    /* Append-only file (aof.c). */
    int appendonly;
    char *appenddirname;
    char *appendfilename;
    int appendfsync;          /* enum config_appendfsync */
    int aof_load_truncated;
    int aof_timestamp_enabled;
    int aof_preallocate;      /* Runnel's own: zeros written ahead of the AOF */
    int aof_use_rdb_preamble;
    int aof_rewrite_incremental_fsync;
    int no_appendfsync_on_rewrite;
    int auto_aof_rewrite_percentage;
    long long auto_aof_rewrite_min_size;
    /* Snapshots (snapshot.c, rdb.c). */
    struct config_save save;
    char *dbfilename;
    int rdbcompression;
    int rdbchecksum;
    int rdb_save_incremental_fsync;
    int rdb_del_sync_files;   /* accepted; Runnel has no replicas to sync */
    /* Replication (repl_master.c, repl_replica.c). */
    char *replicaof;          /* "host port" from the config file, or "" */
    int replica_read_only;
    int propagation_error_behavior; /* enum config_propagation_error */
    int repl_ping_replica_period;
    long long repl_backlog_size; /* bytes (at least 16k in use, as Redis) */
    long long repl_backlog_ttl;  /* seconds a master without replicas keeps it */
    int repl_timeout;         /* seconds without traffic before a link is dropped */
    int repl_diskless_sync;   /* full sync streamed from the child (capa eof replicas) */
    int repl_diskless_sync_delay;        /* seconds to wait for more replicas */
    int repl_diskless_sync_max_replicas; /* start at once with this many (0 = no cap) */
    int repl_diskless_load;   /* enum config_diskless_load */
    char *masterauth;         /* AUTH to the master in the handshake ("" = none) */
    char *masteruser;         /* ... as this ACL user ("" = the default user) */
    int replica_priority;
    int replica_serve_stale_data; /* no: -MASTERDOWN while the link is down */
    char *replica_announce_ip;    /* told to the master (REPLCONF ip-address) */
    int replica_announce_port;    /* told instead of port when not 0 */
    int replica_announced;        /* accepted: Sentinel's, not ours */
    int replica_lazy_flush;       /* accepted: the flush is synchronous */
    int min_replicas_to_write;    /* 0: writes never wait for replicas */
    int min_replicas_max_lag;     /* seconds since a good replica's ACK */
    int stop_writes_on_bgsave_error;
    int rdb_key_save_delay;   /* testing hook: microseconds slept per key saved */
    int enable_debug_command; /* enum config_protected_action */
    /* Security (acl.c, cmd_acl.c). */
    char *requirepass;        /* the default user's password; "" = nopass */
    int protected_mode;
    long long acllog_max_len;
    struct config_lines users;   /* `user name rule...` lines, in file order */
    struct config_lines renames; /* `rename-command from to` lines */
    /* Memory (maxmemory.c): only noeviction; samples and tenacity are
     * accepted for redis.conf compatibility and unused. */
    long long maxmemory;      /* bytes, 0 = no limit */
    int maxmemory_policy;     /* index into config_maxmemory_policy_names */
    int maxmemory_samples;
    int maxmemory_eviction_tenacity;
    int supervised;           /* enum config_supervised (supervise.c) */

    char *config_file;        /* absolute path of the file loaded, or NULL */
    config_apply_fn *apply;   /* runtime hook, or NULL */
    void *apply_opaque;
    /* CONFIG REWRITE's source of `user` lines (mem_alloc'd array of
     * mem_alloc'd "user ..." lines, count in *n), or NULL to keep them. */
    char **(*rewrite_users)(void *opaque, int *n);
    void *rewrite_users_opaque;
};

/* Types of option values. */
enum config_type {
    CONFIG_TYPE_BOOL,   /* int: yes/no */
    CONFIG_TYPE_INT,    /* int */
    CONFIG_TYPE_UINT,   /* unsigned int */
    CONFIG_TYPE_LL,     /* long long */
    CONFIG_TYPE_MEMORY, /* long long: 1k 1kb 1m 1mb 1g 1gb, bytes in CONFIG GET */
    CONFIG_TYPE_OCTAL,  /* int, written in octal */
    CONFIG_TYPE_ENUM,   /* int: index into the row's name list */
    CONFIG_TYPE_STRING, /* char *, never NULL */
    CONFIG_TYPE_BIND,   /* struct config_bind */
    CONFIG_TYPE_OBUF,   /* struct config_obuf_limit[CONFIG_OBUF_CLASSES] */
    CONFIG_TYPE_DIR,    /* no field: the process's working directory */
    CONFIG_TYPE_SAVE,   /* struct config_save: "seconds changes" pairs */
    CONFIG_TYPE_NOTIFY  /* int: notify-keyspace-events flags, written as letters */
};

/* Row flags. */
#define CONFIG_MUTABLE 0x1   /* CONFIG SET may change it */
#define CONFIG_MULTI_ARG 0x2 /* the value is a list of words */

#define CONFIG_OFF(field) offsetof(struct config, field)
#define CONFIG_NO_FIELD ((size_t)-1)

extern const char *const config_loglevel_names[]; /* NULL-terminated */
extern const char *const config_appendfsync_names[];
extern const char *const config_protected_names[];
/* repl-diskless-load values, in the order of config_diskless_load_names. */
enum config_diskless_load { CONFIG_DISKLESS_LOAD_DISABLED, CONFIG_DISKLESS_LOAD_ON_EMPTY_DB,
                            CONFIG_DISKLESS_LOAD_SWAPDB };
extern const char *const config_diskless_load_names[];
/* propagation-error-behavior values, in the order of config_propagation_error_names. */
enum config_propagation_error { CONFIG_PROPAGATION_ERROR_IGNORE, CONFIG_PROPAGATION_ERROR_PANIC,
                                CONFIG_PROPAGATION_ERROR_PANIC_ON_REPLICAS };
extern const char *const config_propagation_error_names[];
extern const char *const config_maxmemory_policy_names[];
extern const char *const config_supervised_names[];

/* X(id, name, type, field offset, default, min, max, flags, enum names).
 * Defaults are written as a config file would write them; they go through
 * the same parser as user input.  min/max bound numeric types. */
#define CONFIG_OPTIONS(X)                                                                     \
    X(BIND, "bind", CONFIG_TYPE_BIND, CONFIG_OFF(bind), "127.0.0.1 -::1", 0, CONFIG_BIND_MAX, \
      CONFIG_MUTABLE | CONFIG_MULTI_ARG, NULL)                                                \
    X(PORT, "port", CONFIG_TYPE_INT, CONFIG_OFF(port), "6379", 0, 65535, CONFIG_MUTABLE, NULL) \
    X(UNIXSOCKET, "unixsocket", CONFIG_TYPE_STRING, CONFIG_OFF(unixsocket), "", 0, 0, 0, NULL) \
    X(UNIXSOCKETPERM, "unixsocketperm", CONFIG_TYPE_OCTAL, CONFIG_OFF(unixsocketperm), "0", 0, \
      0777, 0, NULL)                                                                          \
    X(TCP_BACKLOG, "tcp-backlog", CONFIG_TYPE_INT, CONFIG_OFF(tcp_backlog), "511", 0, INT_MAX, \
      0, NULL)                                                                                \
    X(TCP_KEEPALIVE, "tcp-keepalive", CONFIG_TYPE_INT, CONFIG_OFF(tcp_keepalive), "300", 0,   \
      INT_MAX, CONFIG_MUTABLE, NULL)                                                          \
    X(TIMEOUT, "timeout", CONFIG_TYPE_INT, CONFIG_OFF(timeout), "0", 0, INT_MAX,              \
      CONFIG_MUTABLE, NULL)                                                                   \
    X(MAXCLIENTS, "maxclients", CONFIG_TYPE_UINT, CONFIG_OFF(maxclients), "10000", 1,         \
      UINT_MAX, CONFIG_MUTABLE, NULL)                                                         \
    X(DATABASES, "databases", CONFIG_TYPE_INT, CONFIG_OFF(databases), "16", 1, INT_MAX, 0,    \
      NULL)                                                                                   \
    X(PROTO_MAX_BULK_LEN, "proto-max-bulk-len", CONFIG_TYPE_MEMORY,                           \
      CONFIG_OFF(proto_max_bulk_len), "512mb", 1024 * 1024, LLONG_MAX, CONFIG_MUTABLE, NULL)  \
    X(CLIENT_QUERY_BUFFER_LIMIT, "client-query-buffer-limit", CONFIG_TYPE_MEMORY,             \
      CONFIG_OFF(client_query_buffer_limit), "1gb", 1024 * 1024, LLONG_MAX, CONFIG_MUTABLE,   \
      NULL)                                                                                   \
    X(CLIENT_OUTPUT_BUFFER_LIMIT, "client-output-buffer-limit", CONFIG_TYPE_OBUF,             \
      CONFIG_OFF(obuf_limits),                                                                \
      "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", 0, 0,            \
      CONFIG_MUTABLE | CONFIG_MULTI_ARG, NULL)                                                \
    X(LOGLEVEL, "loglevel", CONFIG_TYPE_ENUM, CONFIG_OFF(loglevel), "notice", 0, 0,           \
      CONFIG_MUTABLE, config_loglevel_names)                                                  \
    X(LOGFILE, "logfile", CONFIG_TYPE_STRING, CONFIG_OFF(logfile), "", 0, 0, 0, NULL)         \
    X(DAEMONIZE, "daemonize", CONFIG_TYPE_BOOL, CONFIG_OFF(daemonize), "no", 0, 1, 0, NULL)   \
    X(PIDFILE, "pidfile", CONFIG_TYPE_STRING, CONFIG_OFF(pidfile), "", 0, 0, 0, NULL)         \
    X(DIR, "dir", CONFIG_TYPE_DIR, CONFIG_NO_FIELD, NULL, 0, 0, CONFIG_MUTABLE, NULL)         \
    X(HZ, "hz", CONFIG_TYPE_INT, CONFIG_OFF(hz), "10", 0, INT_MAX, CONFIG_MUTABLE, NULL)      \
    X(STREAM_NODE_MAX_BYTES, "stream-node-max-bytes", CONFIG_TYPE_MEMORY,                     \
      CONFIG_OFF(stream_node_max_bytes), "4096", 0, LLONG_MAX, CONFIG_MUTABLE, NULL)          \
    X(STREAM_NODE_MAX_ENTRIES, "stream-node-max-entries", CONFIG_TYPE_LL,                     \
      CONFIG_OFF(stream_node_max_entries), "100", 0, LLONG_MAX, CONFIG_MUTABLE, NULL)         \
    X(STREAM_IDMP_DURATION, "stream-idmp-duration", CONFIG_TYPE_LL,                           \
      CONFIG_OFF(stream_idmp_duration), "100", 1, 86400, CONFIG_MUTABLE, NULL)                \
    X(STREAM_IDMP_MAXSIZE, "stream-idmp-maxsize", CONFIG_TYPE_LL,                             \
      CONFIG_OFF(stream_idmp_maxsize), "100", 1, 10000, CONFIG_MUTABLE, NULL)                 \
    X(HASH_MAX_LISTPACK_ENTRIES, "hash-max-listpack-entries", CONFIG_TYPE_LL,                 \
      CONFIG_OFF(hash_max_listpack_entries), "512", 0, LLONG_MAX, CONFIG_MUTABLE, NULL)       \
    X(HASH_MAX_LISTPACK_VALUE, "hash-max-listpack-value", CONFIG_TYPE_MEMORY,                 \
      CONFIG_OFF(hash_max_listpack_value), "64", 0, LLONG_MAX, CONFIG_MUTABLE, NULL)          \
    X(LIST_MAX_LISTPACK_SIZE, "list-max-listpack-size", CONFIG_TYPE_INT,                      \
      CONFIG_OFF(list_max_listpack_size), "-2", INT_MIN, INT_MAX, CONFIG_MUTABLE, NULL)       \
    X(SET_MAX_INTSET_ENTRIES, "set-max-intset-entries", CONFIG_TYPE_LL,                       \
      CONFIG_OFF(set_max_intset_entries), "512", 0, LLONG_MAX, CONFIG_MUTABLE, NULL)          \
    X(NOTIFY_KEYSPACE_EVENTS, "notify-keyspace-events", CONFIG_TYPE_NOTIFY,                   \
      CONFIG_OFF(notify_keyspace_events), "", 0, 0, CONFIG_MUTABLE, NULL)                     \
    X(EFFECT_TRACE_FILE, "effect-trace-file", CONFIG_TYPE_STRING,                             \
      CONFIG_OFF(effect_trace_file), "", 0, 0, 0, NULL)                                       \
    X(SLOWLOG_LOG_SLOWER_THAN, "slowlog-log-slower-than", CONFIG_TYPE_LL,                     \
      CONFIG_OFF(slowlog_log_slower_than), "10000", -1, LLONG_MAX, CONFIG_MUTABLE, NULL)      \
    X(SLOWLOG_MAX_LEN, "slowlog-max-len", CONFIG_TYPE_LL, CONFIG_OFF(slowlog_max_len), "128", \
      0, LLONG_MAX, CONFIG_MUTABLE, NULL)                                                     \
    X(LATENCY_MONITOR_THRESHOLD, "latency-monitor-threshold", CONFIG_TYPE_LL,                 \
      CONFIG_OFF(latency_monitor_threshold), "0", 0, LLONG_MAX, CONFIG_MUTABLE, NULL)         \
    X(LATENCY_TRACKING, "latency-tracking", CONFIG_TYPE_BOOL, CONFIG_OFF(latency_tracking),   \
      "yes", 0, 1, CONFIG_MUTABLE, NULL)                                                      \
    X(LATENCY_TRACKING_INFO_PERCENTILES, "latency-tracking-info-percentiles",                 \
      CONFIG_TYPE_STRING, CONFIG_OFF(latency_tracking_info_percentiles), "50 99 99.9", 0, 0,  \
      CONFIG_MUTABLE, NULL)                                                                   \
    X(APPENDONLY, "appendonly", CONFIG_TYPE_BOOL, CONFIG_OFF(appendonly), "no", 0, 1,         \
      CONFIG_MUTABLE, NULL)                                                                   \
    X(APPENDDIRNAME, "appenddirname", CONFIG_TYPE_STRING, CONFIG_OFF(appenddirname),          \
      "appendonlydir", 0, 0, 0, NULL)                                                         \
    X(APPENDFILENAME, "appendfilename", CONFIG_TYPE_STRING, CONFIG_OFF(appendfilename),       \
      "appendonly.aof", 0, 0, 0, NULL)                                                        \
    X(APPENDFSYNC, "appendfsync", CONFIG_TYPE_ENUM, CONFIG_OFF(appendfsync), "everysec", 0, 0, \
      CONFIG_MUTABLE, config_appendfsync_names)                                               \
    X(AOF_LOAD_TRUNCATED, "aof-load-truncated", CONFIG_TYPE_BOOL,                             \
      CONFIG_OFF(aof_load_truncated), "yes", 0, 1, CONFIG_MUTABLE, NULL)                      \
    X(AOF_PREALLOCATE, "aof-preallocate", CONFIG_TYPE_BOOL, CONFIG_OFF(aof_preallocate), "yes", \
      0, 1, CONFIG_MUTABLE, NULL)                                                             \
    X(AOF_TIMESTAMP_ENABLED, "aof-timestamp-enabled", CONFIG_TYPE_BOOL,                       \
      CONFIG_OFF(aof_timestamp_enabled), "no", 0, 1, CONFIG_MUTABLE, NULL)                    \
    X(AOF_USE_RDB_PREAMBLE, "aof-use-rdb-preamble", CONFIG_TYPE_BOOL,                         \
      CONFIG_OFF(aof_use_rdb_preamble), "yes", 0, 1, CONFIG_MUTABLE, NULL)                    \
    X(AOF_REWRITE_INCREMENTAL_FSYNC, "aof-rewrite-incremental-fsync", CONFIG_TYPE_BOOL,       \
      CONFIG_OFF(aof_rewrite_incremental_fsync), "yes", 0, 1, CONFIG_MUTABLE, NULL)           \
    X(NO_APPENDFSYNC_ON_REWRITE, "no-appendfsync-on-rewrite", CONFIG_TYPE_BOOL,               \
      CONFIG_OFF(no_appendfsync_on_rewrite), "no", 0, 1, CONFIG_MUTABLE, NULL)                \
    X(AUTO_AOF_REWRITE_PERCENTAGE, "auto-aof-rewrite-percentage", CONFIG_TYPE_INT,            \
      CONFIG_OFF(auto_aof_rewrite_percentage), "100", 0, INT_MAX, CONFIG_MUTABLE, NULL)       \
    X(AUTO_AOF_REWRITE_MIN_SIZE, "auto-aof-rewrite-min-size", CONFIG_TYPE_MEMORY,             \
      CONFIG_OFF(auto_aof_rewrite_min_size), "64mb", 0, LLONG_MAX, CONFIG_MUTABLE, NULL)     \
    X(SAVE, "save", CONFIG_TYPE_SAVE, CONFIG_OFF(save), "3600 1 300 100 60 10000", 0, 0,       \
      CONFIG_MUTABLE | CONFIG_MULTI_ARG, NULL)                                                \
    X(DBFILENAME, "dbfilename", CONFIG_TYPE_STRING, CONFIG_OFF(dbfilename), "dump.rdb", 0, 0,  \
      CONFIG_MUTABLE, NULL)                                                                   \
    X(RDBCOMPRESSION, "rdbcompression", CONFIG_TYPE_BOOL, CONFIG_OFF(rdbcompression), "yes",  \
      0, 1, CONFIG_MUTABLE, NULL)                                                             \
    X(RDBCHECKSUM, "rdbchecksum", CONFIG_TYPE_BOOL, CONFIG_OFF(rdbchecksum), "yes", 0, 1,     \
      0, NULL)                                                                                \
    X(RDB_SAVE_INCREMENTAL_FSYNC, "rdb-save-incremental-fsync", CONFIG_TYPE_BOOL,             \
      CONFIG_OFF(rdb_save_incremental_fsync), "yes", 0, 1, CONFIG_MUTABLE, NULL)              \
    X(RDB_DEL_SYNC_FILES, "rdb-del-sync-files", CONFIG_TYPE_BOOL,                             \
      CONFIG_OFF(rdb_del_sync_files), "no", 0, 1, CONFIG_MUTABLE, NULL)                       \
    X(REPLICAOF, "replicaof", CONFIG_TYPE_STRING, CONFIG_OFF(replicaof), "", 0, 0,            \
      CONFIG_MULTI_ARG, NULL)                                                                 \
    X(REPLICA_READ_ONLY, "replica-read-only", CONFIG_TYPE_BOOL,                               \
      CONFIG_OFF(replica_read_only), "yes", 0, 1, CONFIG_MUTABLE, NULL)                       \
    X(PROPAGATION_ERROR_BEHAVIOR, "propagation-error-behavior", CONFIG_TYPE_ENUM,             \
      CONFIG_OFF(propagation_error_behavior), "ignore", 0, 0, CONFIG_MUTABLE,                 \
      config_propagation_error_names)                                                         \
    X(REPL_PING_REPLICA_PERIOD, "repl-ping-replica-period", CONFIG_TYPE_INT,                  \
      CONFIG_OFF(repl_ping_replica_period), "10", 1, INT_MAX, CONFIG_MUTABLE, NULL)           \
    X(REPL_BACKLOG_SIZE, "repl-backlog-size", CONFIG_TYPE_MEMORY,                             \
      CONFIG_OFF(repl_backlog_size), "1mb", 1, LLONG_MAX, CONFIG_MUTABLE, NULL)               \
    X(REPL_BACKLOG_TTL, "repl-backlog-ttl", CONFIG_TYPE_LL, CONFIG_OFF(repl_backlog_ttl),     \
      "3600", 0, LLONG_MAX, CONFIG_MUTABLE, NULL)                                             \
    X(REPL_TIMEOUT, "repl-timeout", CONFIG_TYPE_INT, CONFIG_OFF(repl_timeout), "60", 1,        \
      INT_MAX, CONFIG_MUTABLE, NULL)                                                          \
    X(REPL_DISKLESS_SYNC, "repl-diskless-sync", CONFIG_TYPE_BOOL,                             \
      CONFIG_OFF(repl_diskless_sync), "yes", 0, 1, CONFIG_MUTABLE, NULL)                      \
    X(REPL_DISKLESS_SYNC_DELAY, "repl-diskless-sync-delay", CONFIG_TYPE_INT,                  \
      CONFIG_OFF(repl_diskless_sync_delay), "5", 0, INT_MAX, CONFIG_MUTABLE, NULL)            \
    X(REPL_DISKLESS_SYNC_MAX_REPLICAS, "repl-diskless-sync-max-replicas", CONFIG_TYPE_INT,    \
      CONFIG_OFF(repl_diskless_sync_max_replicas), "0", 0, INT_MAX, CONFIG_MUTABLE, NULL)     \
    X(REPL_DISKLESS_LOAD, "repl-diskless-load", CONFIG_TYPE_ENUM,                             \
      CONFIG_OFF(repl_diskless_load), "disabled", 0, 0, CONFIG_MUTABLE,                       \
      config_diskless_load_names)                                                             \
    X(MASTERAUTH, "masterauth", CONFIG_TYPE_STRING, CONFIG_OFF(masterauth), "", 0, 0,         \
      CONFIG_MUTABLE, NULL)                                                                   \
    X(MASTERUSER, "masteruser", CONFIG_TYPE_STRING, CONFIG_OFF(masteruser), "", 0, 0,         \
      CONFIG_MUTABLE, NULL)                                                                   \
    X(REPLICA_PRIORITY, "replica-priority", CONFIG_TYPE_INT, CONFIG_OFF(replica_priority),    \
      "100", 0, INT_MAX, CONFIG_MUTABLE, NULL)                                                \
    X(REPLICA_SERVE_STALE_DATA, "replica-serve-stale-data", CONFIG_TYPE_BOOL,                 \
      CONFIG_OFF(replica_serve_stale_data), "yes", 0, 1, CONFIG_MUTABLE, NULL)                \
    X(REPLICA_ANNOUNCE_IP, "replica-announce-ip", CONFIG_TYPE_STRING,                         \
      CONFIG_OFF(replica_announce_ip), "", 0, 0, CONFIG_MUTABLE, NULL)                        \
    X(REPLICA_ANNOUNCE_PORT, "replica-announce-port", CONFIG_TYPE_INT,                        \
      CONFIG_OFF(replica_announce_port), "0", 0, 65535, CONFIG_MUTABLE, NULL)                 \
    X(REPLICA_ANNOUNCED, "replica-announced", CONFIG_TYPE_BOOL,                               \
      CONFIG_OFF(replica_announced), "yes", 0, 1, CONFIG_MUTABLE, NULL)                       \
    X(REPLICA_LAZY_FLUSH, "replica-lazy-flush", CONFIG_TYPE_BOOL,                             \
      CONFIG_OFF(replica_lazy_flush), "no", 0, 1, CONFIG_MUTABLE, NULL)                       \
    X(MIN_REPLICAS_TO_WRITE, "min-replicas-to-write", CONFIG_TYPE_INT,                        \
      CONFIG_OFF(min_replicas_to_write), "0", 0, INT_MAX, CONFIG_MUTABLE, NULL)               \
    X(MIN_REPLICAS_MAX_LAG, "min-replicas-max-lag", CONFIG_TYPE_INT,                          \
      CONFIG_OFF(min_replicas_max_lag), "10", 0, INT_MAX, CONFIG_MUTABLE, NULL)               \
    X(STOP_WRITES_ON_BGSAVE_ERROR, "stop-writes-on-bgsave-error", CONFIG_TYPE_BOOL,           \
      CONFIG_OFF(stop_writes_on_bgsave_error), "yes", 0, 1, CONFIG_MUTABLE, NULL)             \
    X(RDB_KEY_SAVE_DELAY, "rdb-key-save-delay", CONFIG_TYPE_INT,                              \
      CONFIG_OFF(rdb_key_save_delay), "0", INT_MIN, INT_MAX, CONFIG_MUTABLE, NULL)            \
    X(ENABLE_DEBUG_COMMAND, "enable-debug-command", CONFIG_TYPE_ENUM,                         \
      CONFIG_OFF(enable_debug_command), "local", 0, 0, 0, config_protected_names)         \
    X(REQUIREPASS, "requirepass", CONFIG_TYPE_STRING, CONFIG_OFF(requirepass), "", 0, 0,      \
      CONFIG_MUTABLE, NULL)                                                                   \
    X(PROTECTED_MODE, "protected-mode", CONFIG_TYPE_BOOL, CONFIG_OFF(protected_mode), "yes",  \
      0, 1, CONFIG_MUTABLE, NULL)                                                             \
    X(ACLLOG_MAX_LEN, "acllog-max-len", CONFIG_TYPE_LL, CONFIG_OFF(acllog_max_len), "128", 0, \
      LLONG_MAX, CONFIG_MUTABLE, NULL)                                                        \
    X(MAXMEMORY, "maxmemory", CONFIG_TYPE_MEMORY, CONFIG_OFF(maxmemory), "0", 0, LLONG_MAX,   \
      CONFIG_MUTABLE, NULL)                                                                   \
    X(MAXMEMORY_POLICY, "maxmemory-policy", CONFIG_TYPE_ENUM, CONFIG_OFF(maxmemory_policy),   \
      "noeviction", 0, 0, CONFIG_MUTABLE, config_maxmemory_policy_names)                      \
    X(MAXMEMORY_SAMPLES, "maxmemory-samples", CONFIG_TYPE_INT, CONFIG_OFF(maxmemory_samples), \
      "5", 1, INT_MAX, CONFIG_MUTABLE, NULL)                                                  \
    X(MAXMEMORY_EVICTION_TENACITY, "maxmemory-eviction-tenacity", CONFIG_TYPE_INT,            \
      CONFIG_OFF(maxmemory_eviction_tenacity), "10", 0, 100, CONFIG_MUTABLE, NULL)            \
    X(SUPERVISED, "supervised", CONFIG_TYPE_ENUM, CONFIG_OFF(supervised), "no", 0, 0, 0,      \
      config_supervised_names)

enum config_id {
#define CONFIG_ID_ENUM(id, ...) CONFIG_ID_##id,
    CONFIG_OPTIONS(CONFIG_ID_ENUM)
#undef CONFIG_ID_ENUM
    CONFIG_NOPTIONS
};

/* Redis 7.0's other names for options: X(id of the option, alias).  An
 * alias is read from files and set like its option; CONFIG GET with a
 * pattern lists both names (7.0 does); CONFIG REWRITE writes the option's
 * own name over an alias's line.  A separate list rather than a column of
 * CONFIG_OPTIONS: only a few rows have one. */
#define CONFIG_ALIASES(X)                                                                     \
    X(REPLICAOF, "slaveof")                                                                   \
    X(REPLICA_READ_ONLY, "slave-read-only")                                                   \
    X(REPLICA_SERVE_STALE_DATA, "slave-serve-stale-data")                                     \
    X(REPLICA_PRIORITY, "slave-priority")                                                     \
    X(REPLICA_ANNOUNCE_IP, "slave-announce-ip")                                               \
    X(REPLICA_ANNOUNCE_PORT, "slave-announce-port")                                           \
    X(REPLICA_LAZY_FLUSH, "slave-lazy-flush")                                                 \
    X(REPL_PING_REPLICA_PERIOD, "repl-ping-slave-period")                                     \
    X(MIN_REPLICAS_TO_WRITE, "min-slaves-to-write")                                           \
    X(MIN_REPLICAS_MAX_LAG, "min-slaves-max-lag")                                             \
    X(HASH_MAX_LISTPACK_ENTRIES, "hash-max-ziplist-entries")                                  \
    X(HASH_MAX_LISTPACK_VALUE, "hash-max-ziplist-value")                                      \
    X(LIST_MAX_LISTPACK_SIZE, "list-max-ziplist-size")

enum config_alias_id {
#define CONFIG_ALIAS_ENUM(id, alias) CONFIG_ALIAS_##id,
    CONFIG_ALIASES(CONFIG_ALIAS_ENUM)
#undef CONFIG_ALIAS_ENUM
    CONFIG_NALIASES
};

/* Set every option to its default (dir is left alone: the working directory
 * is the process's).  The struct is zeroed first, so call it before setting
 * apply/apply_opaque, and only on a fresh or config_free'd struct. */
void config_init_defaults(struct config *c);
/* Free what the struct owns; it may then be re-initialised. */
void config_free(struct config *c);

/* Read a file in redis.conf syntax on top of the current values and record
 * its absolute path in c->config_file.  0, or -1 with the full report in err
 * (Redis's "*** FATAL CONFIG FILE ERROR" shape, plus the file name; it
 * starts and ends with a newline: write it to stderr as is, then exit(1)).
 * The apply hook is not called while loading. */
int config_load_file(struct config *c, const char *path, char *err, size_t errlen);
/* Start-up arguments as redis-server takes them: argv[0] is the program,
 * then an optional config file (the first argument not starting with '-'),
 * "-" for standard input, and "--name value..." overrides applied after the
 * file.  0, or -1 with the report in err. */
int config_load_args(struct config *c, int argc, char **argv, char *err, size_t errlen);

/* CONFIG SET of one option.  0, or -1 with Redis's reply text in err. */
int config_set(struct config *c, const char *name, const char *value, char *err, size_t errlen);
/* CONFIG SET name value [name value ...]: all or nothing.  Unknown,
 * immutable and repeated names fail first; then every value is parsed (the
 * first bad one undoes the others); then c->apply runs for each option that
 * changed (a failure restores all of them).  0, or -1 with the reply text. */
int config_set_multi(struct config *c, int n, const char *const *names,
                     const char *const *values, char *err, size_t errlen);

/* CONFIG GET: the options any pattern matches, each once, in the order of
 * the first pattern that names them.  A pattern without * ? [ is an exact,
 * case-insensitive name and is replied with as the client spelt it (Redis
 * 7.0 does so); glob matches reply with the option's own name. */
struct config_match {
    int count;
    int id[CONFIG_NOPTIONS + CONFIG_NALIASES];           /* enum config_id */
    const char *name[CONFIG_NOPTIONS + CONFIG_NALIASES]; /* patterns or the tables */
    size_t name_len[CONFIG_NOPTIONS + CONFIG_NALIASES];
};
/* lens may be NULL for NUL-terminated patterns. */
void config_match(struct config_match *m, int npatterns, const char *const *patterns,
                  const size_t *lens);
/* The value of one option as CONFIG GET shows it; mem_alloc'd, never NULL. */
char *config_get_value(const struct config *c, int id);
/* The option's name, or NULL for an id out of range. */
const char *config_option_name(int id);
/* An option's id by name or alias (case-insensitive), or -1. */
int config_lookup(const char *name);

/* CONFIG REWRITE into path (the loaded file; NULL = none): keeps comments
 * and unknown lines, rewrites each option's first line in place, blanks its
 * later lines, appends changed options after "# Generated by CONFIG
 * REWRITE"; temp file, fsync, rename.  0, or -1 with the reply text. */
int config_rewrite(const struct config *c, const char *path, char *err, size_t errlen);

#endif
