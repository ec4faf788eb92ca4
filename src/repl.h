/* repl.h -- replication as Redis 7.0's replicas and tooling speak it.
 *
 *   master side (repl_master.c)             replica side (repl_replica.c)
 *   REPLCONF listening-port/capa  <-------- handshake: PING, REPLCONF, PSYNC
 *                                           <replid> <off+1> (or ? -1)
 *   PSYNC: +CONTINUE [id] <backlog bytes> -> the stream goes on, no RDB
 *   PSYNC/SYNC: +FULLRESYNC id off -------> read "$len", the RDB: empty, load
 *               $len <rdb bytes>
 *   effect sink: every unit of effects ----> applied on a fake client (effects
 *     RESP-encoded as the AOF writes them    feed the replica's own AOF; the raw
 *     (no annotations), to every online      bytes go on to its own replicas)
 *     replica, master_repl_offset += bytes
 *   REPLCONF ACK off  <-------------------- every second and on REPLCONF GETACK
 *   WAIT n timeout: served by the ACKs
 *
 * The full sync: a forked child writes the RDB to a file (as BGSAVE does);
 * +FULLRESYNC goes out at the fork with the offset of that moment, and the
 * stream from then on is kept in the replica's `pending` buffer.  When the
 * child ends, the cron queues "$len", the file and the pending bytes on the
 * replica's output, and the replica is online.  Replicas that ask while a
 * child runs wait for it to end and share the next one.
 *
 * Partial resync (repl_backlog.c): the stream is also kept in a backlog, on
 * masters and replicas alike; a replica that lost its link keeps its replid
 * and offset (the "cached master") and asks PSYNC <replid> <offset+1>; the
 * master answers +CONTINUE [<replid>] and the missing bytes when its backlog
 * still holds them and the id is in its history (replid, or replid2 up to
 * second_repl_offset).  The RDB carries repl-stream-db/repl-id/repl-offset,
 * so a restarted replica can continue too.
 *
 * Diskless (repl_diskless.c; repl-diskless-sync yes and every waiting
 * replica said REPLCONF capa eof): after repl-diskless-sync-delay (or at
 * once when repl-diskless-sync-max-replicas wait) the child writes
 * "$EOF:<40 hex>\r\n", the RDB and the 40 bytes again into a pipe; the
 * loop reads the pipe and appends to each replica's output, and stops
 * reading while one of them holds more than REPL_PIPE_HIGH unsent bytes
 * (conn_write's hook starts it again).  A replica that leaves drops out;
 * when none is left the child is killed.  The mark seen at the pipe's end
 * means success; the replica then waits (wait_ack) for its first REPLCONF
 * ACK before its pending stream is sent, as Redis 7.0 does, so that
 * nothing follows the mark while it looks for it.
 *
 * The replica announces capa eof and takes both forms of the bulk; see
 * repl_replica.c for repl-diskless-load. */
#ifndef RUNNEL_REPL_H
#define RUNNEL_REPL_H

#include <stddef.h>

#include "reply.h"

struct server;
struct conn;
struct command;
struct event;

/* A replica of this server, as its master sees it (conn->repl_peer). */
struct repl_peer {
    struct conn *c;
    int online;             /* got its RDB: receives the stream */
    int sync;               /* REPL_SYNC_*: where its full sync is */
    int psync;              /* asked with PSYNC (+FULLRESYNC), not SYNC */
    struct reply_buf pending; /* the stream while its RDB is being made */
    int port;               /* REPLCONF listening-port (0 = not told) */
    char ip[64];            /* REPLCONF ip-address, else the peer address */
    long long ack_off;      /* last REPLCONF ACK offset */
    long long ack_ms;       /* when it came (ms), or when it went online */
    int capa_psync2;        /* REPLCONF capa psync2: +CONTINUE <replid> */
    int diskless;           /* its RDB comes from the pipe (repl_diskless.c) */
    int wait_ack;           /* diskless RDB sent: online at its first ACK */
    long long wait_since_ms; /* asked for a full sync (diskless delay) */
    long long progress_ms;  /* last byte of the diskless RDB written to it */
    struct repl_peer *next;
};

#define REPL_SYNC_NONE 0
#define REPL_SYNC_WAIT_BGSAVE 1 /* waits for the running child to end */
#define REPL_SYNC_IN_CHILD 2    /* the child is writing its RDB */

/* A WAIT in progress: the client is blocked until numreplicas replicas
 * acknowledged target, or deadline_ms (0 = forever). */
struct repl_waiter {
    struct conn *c;
    long long target;
    long long numreplicas;
    long long deadline_ms;
    struct repl_waiter *next;
};

/* The replication backlog (repl_backlog.c): the stream's last histlen
 * bytes, [first, first + histlen) in offsets, in a ring ending at idx. */
struct repl_backlog {
    char *buf;
    long long size;
    long long idx;
    long long histlen;
    long long first;        /* repl_backlog_first_byte_offset */
};

/* Replication info an RDB carried (aux repl-stream-db/repl-id/repl-offset),
 * from the last load. */
struct repl_rdb_info {
    int set;                /* all three were there */
    int db;
    char id[41];
    long long offset;
};

/* The replica side's link state, as ROLE names them. */
enum repl_link {
    REPL_LINK_NONE = 0,     /* not a replica */
    REPL_LINK_CONNECT,      /* must connect (next attempt at retry_ms) */
    REPL_LINK_CONNECTING,   /* TCP connect in flight */
    REPL_LINK_PONG,         /* waiting for PING's reply */
    REPL_LINK_AUTH,         /* waiting for AUTH's reply (masterauth) */
    REPL_LINK_PORT,         /* waiting for REPLCONF listening-port's reply */
    REPL_LINK_CAPA,         /* waiting for REPLCONF capa's reply */
    REPL_LINK_PSYNC,        /* waiting for +FULLRESYNC */
    REPL_LINK_TRANSFER,     /* reading the RDB bulk */
    REPL_LINK_CONNECTED     /* applying the stream */
};

struct repl {
    /* Both sides. */
    char replid[41];
    char replid2[41];
    long long offset;          /* master_repl_offset */
    long long second_offset;   /* second_repl_offset, -1 */

    /* Master side. */
    struct repl_peer *peers;
    int sink_on;               /* the effect sink is registered */
    int stream_db;             /* the db the stream's readers are in, -1 */
    long long last_ping_ms;
    long long last_newline_ms;
    struct repl_waiter *waiters;
    struct reply_buf enc;      /* scratch: one unit encoded */
    int sync_child;            /* pid of the child writing the sync RDB, or -1 */
    char sync_file[64];        /* the file it writes */
    struct repl_backlog *backlog; /* NULL: none (repl_backlog.c) */
    long long no_peers_since_ms;  /* when the last replica left (backlog ttl) */
    struct repl_rdb_info rdb_info;
    int sync_diskless;         /* that child writes to the pipe instead */
    int pipe_fd;               /* diskless: the pipe's read end, or -1 */
    struct event *pipe_ev;
    int pipe_paused;           /* a replica's output is over REPL_PIPE_HIGH */
    char eof_mark[40];         /* the child's mark (made before the fork) */
    char pipe_tail[40];        /* the last 40 bytes read from the pipe */
    long long pipe_bytes;

    /* Replica side. */
    char *master_host;         /* NULL: this server is a master */
    int master_port;
    enum repl_link link;
    int fd;
    struct event *rev, *wev;
    char *in;                  /* bytes read from the master, not used yet */
    size_t inlen, incap;
    long long bulk_len;        /* the RDB's length, -1 before its "$" line */
    long long bulk_read;
    int eof_mode;              /* the bulk is "$EOF:<mark>": ends at the mark */
    char eof_mark_in[40];
    int xfer_fd;               /* repl-diskless-load disabled: the temp file, -1 */
    char xfer_tmp[64];
    struct reply_buf out;      /* handshake and ACKs waiting for the socket */
    struct conn *mc;           /* the fake client that applies the stream */
    size_t parsed;             /* in[0..parsed) is in mc's parser, not yet
                                * applied as a whole (a command or a MULTI) */
    int cached;                /* replid/offset name a history to PSYNC for
                                * (Redis's cached master) */
    int cached_db;             /* the db the stream was in there */
    char master_replid[41];
    long long last_io_ms;
    long long down_since_ms;
    long long retry_ms;
    long long last_ack_ms;
    int broken;                /* a write to the master failed: drop the link
                                * at the next safe point (not under mc) */
};

int repl_init(struct server *srv);
void repl_free(struct server *srv);
/* Start replicating from the `replicaof` option, if set. */
void repl_start_from_config(struct server *srv);
/* Called by the server cron (hz times a second): PINGs, ACKs, reconnects,
 * WAIT timeouts. */
void repl_cron(struct server *srv);
/* A client is being freed: forget it as a replica or a WAIT waiter. */
void repl_conn_gone(struct conn *c);
/* 1 when this server is a read-only replica and c (not the master's link)
 * may not run cmd: the caller replies Redis's -READONLY error. */
int repl_denies_write(struct conn *c, const struct command *cmd);
#define REPL_READONLY_ERR "READONLY You can't write against a read only replica."

/* repl_ops.c: min-replicas-to-write and replica-serve-stale-data, checked
 * by command_dispatch where Redis's processCommand checks them. */
#define REPL_NOREPLICAS_ERR "NOREPLICAS Not enough good replicas to write."
#define REPL_MASTERDOWN_ERR                                                                   \
    "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."
/* Online replicas whose last ACK is at most min-replicas-max-lag s old. */
int repl_good_replicas(const struct server *srv);
/* Both min-replicas options are set (INFO then shows min_slaves_good_slaves). */
int repl_min_replicas_active(const struct server *srv);
int repl_refuses_noreplicas(const struct conn *c, const struct command *cmd);
int repl_refuses_stale(const struct conn *c, const struct command *cmd);
/* The master's link as a client: set up once synced (r->mc), listed by
 * CLIENT LIST while connected (NULL otherwise), killed by CLIENT KILL. */
void repl_master_client_init(struct server *srv);
struct conn *repl_master_client(const struct server *srv);
void repl_master_client_kill(struct server *srv);

/* INFO replication, whole section. */
void repl_info(struct server *srv, struct reply_buf *b);

/* Master side (repl_master.c). */
void repl_master_feed_raw(struct server *srv, const char *p, size_t len);
int repl_master_attach(struct conn *c, const char *ip);
/* PSYNC (psync 1: +FULLRESYNC first) or SYNC (0: the RDB alone). */
void repl_master_full_sync(struct conn *c, int psync);
void repl_master_ack(struct conn *c, long long off);
int repl_online_peers(const struct server *srv);
void repl_master_wait(struct conn *c, long long numreplicas, long long timeout_ms);
void repl_master_check_waiters(struct server *srv);
void repl_master_drop_peers(struct server *srv);
/* A new history (promotion, or becoming a replica): replid2 = replid. */
void repl_master_shift_replid(struct server *srv);

void repl_master_cron(struct server *srv);
/* Register the effect sink while replicas or a backlog need the stream,
 * drop it otherwise. */
void repl_master_sink_update(struct server *srv);
void repl_new_replid(struct server *srv);
void repl_clear_replid2(struct server *srv);
/* The replication info an RDB saved now carries, as Redis's
 * rdbPopulateSaveInfo: 1 and *db when there is one (a master with a
 * backlog, a replica with a master or a cached one), else 0. */
int repl_rdb_save_info(struct server *srv, int *db);
/* Start-up: the RDB carried replication info: a replica PSYNCs with it, a
 * master keeps it as replid2 (its replicas can continue). */
void repl_use_rdb_info(struct server *srv);

/* Backlog and partial resync (repl_backlog.c). */
void repl_backlog_create(struct server *srv);
void repl_backlog_free(struct server *srv);
void repl_backlog_feed(struct repl *r, const char *p, size_t len);
void repl_backlog_resize(struct server *srv);
void repl_backlog_cron(struct server *srv);
int repl_master_try_partial(struct conn *c, const char *replid, long long psync_offset);
/* conn_write wrote `wrote` bytes to a replica (diskless progress). */
void repl_master_conn_wrote(struct conn *c, size_t wrote);

/* Diskless full sync (repl_diskless.c). */
#define REPL_PIPE_HIGH (1 << 20)
/* Fork the child streaming the RDB for the waiting capa-eof replicas into
 * the pipe: its pid, or -1 (errno). */
int repl_diskless_fork(struct server *srv);
/* A replica left or wrote: kill the child if no replica is left to feed,
 * or read the pipe again once every output drained. */
void repl_diskless_check(struct server *srv);
/* Shutdown: kill the child, close the pipe. */
void repl_diskless_abort(struct server *srv);

/* Replica side (repl_replica.c). */
void repl_replica_cron(struct server *srv);
/* REPLICAOF host port (host NULL: NO ONE). */
void repl_replica_set_master(struct server *srv, const char *host, int port);
/* REPLCONF GETACK from the master's link: answer with an ACK now. */
void repl_replica_send_ack(struct server *srv);
int repl_is_master_link(const struct conn *c);
/* The replica's processed offset (slave_repl_offset). */
long long repl_replica_offset(const struct server *srv);
const char *repl_link_state_name(enum repl_link l);

/* The full sync's bulk (repl_load.c).  begin: its "$len" / "$EOF:<mark>"
 * line, 0 or -1; step: 0 more bytes needed, 1 loaded (the bytes after it
 * stay in r->in), -1 failed (logged); abort: the link went away. */
int repl_load_begin(struct server *srv, const char *line);
int repl_load_step(struct server *srv);
void repl_load_abort(struct server *srv);

#endif
