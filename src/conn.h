/* conn.h -- one client connection.
 *
 *   socket -> qbuf -> resp_parse -> argv -> command_dispatch -> out (reply_buf)
 *                                                                 |
 *   before_sleep: conn_write_pending() writes out; leftover -> EV_WRITE
 *
 * The connection owns its query buffer, parser state, reply buffer,
 * selected database, transaction state and flags.  It never holds a
 * pointer into the keyspace across commands.
 *
 * Lifetime: a connection that must go (protocol error after its reply, QUIT,
 * CLIENT KILL, output buffer limit) is flagged CONN_CLOSE_ASAP or
 * CONN_CLOSE_AFTER_REPLY and freed by the server in before_sleep, never in
 * the middle of a command that may still touch it. */
#ifndef RUNNEL_CONN_H
#define RUNNEL_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "block.h"
#include "multi.h"
#include "reply.h"
#include "resp.h"

struct server;
struct db;
struct event;
struct command;
struct pubsub_client;
struct acl_user;
struct repl_peer;

#define CONN_CLOSE_AFTER_REPLY (1u << 0) /* write what is queued, then close */
#define CONN_CLOSE_ASAP (1u << 1)        /* close without writing more */
#define CONN_MULTI (1u << 2)             /* inside MULTI */
#define CONN_DIRTY_CAS (1u << 3)         /* a WATCHed key changed */
#define CONN_DIRTY_EXEC (1u << 4)        /* a command failed to queue */
#define CONN_PENDING_WRITE (1u << 5)     /* in the server's write list */
#define CONN_UNIX (1u << 6)              /* unix socket client */
#define CONN_BLOCKED (1u << 7)           /* waiting in a blocking command */
#define CONN_PENDING_INPUT (1u << 8)     /* unparsed requests left (command cap) */
#define CONN_EXECUTING (1u << 9)         /* inside a command */
#define CONN_IN_EXEC (1u << 10)          /* running EXEC's queue */
#define CONN_RERUN (1u << 11)            /* re-running its blocked command */
#define CONN_FAKE (1u << 12)             /* no socket: AOF loading, tests */
#define CONN_AOF_HELD (1u << 13)         /* output waits for the AOF (aof.h) */
#define CONN_PUBSUB (1u << 14)           /* holds a (P|S)SUBSCRIBE subscription (pubsub.h) */
#define CONN_MONITOR (1u << 16)          /* MONITOR: gets every command (observe.c) */
#define CONN_NO_EVICT (1u << 17)         /* CLIENT NO-EVICT on (flag e; no client eviction) */
#define CONN_AUTHENTICATED (1u << 18)    /* passed AUTH, or needed none (cmd_acl.h) */
#define CONN_REPL_CAPA_EOF (1u << 20)    /* REPLCONF capa eof: takes a diskless sync (repl.h) */
#define CONN_MASTER (1u << 21)           /* a replica's link to its master (flag M, repl_ops.c) */

enum conn_reply_mode { REPLY_ON = 0, REPLY_OFF, REPLY_SKIP_NEXT, REPLY_SKIP };

struct conn {
    struct server *srv;
    uint64_t id;
    int fd;
    unsigned flags;
    struct event *read_ev;
    struct event *write_ev;

    /* Input. */
    char *qbuf;
    size_t qlen, qpos, qcap;
    struct resp_parser parser;
    int argc;               /* the request being executed */
    struct util_arg *argv;
    const struct command *cmd;     /* its command (or subcommand) */
    const struct command *lastcmd; /* CLIENT LIST's cmd= */
    unsigned long long postponed; /* its parsed request waits for CLIENT PAUSE to
                                   * end: its place in line (1, 2, ...), 0 = not */

    /* Output. */
    struct reply_buf out;
    enum conn_reply_mode reply_mode;
    long long obuf_soft_since; /* ms when the soft limit was first exceeded, 0 */
    long long aof_wait;        /* AOF offset its last write must reach before
                                * its output goes out (0 = none) */

    /* State. */
    struct db *db;
    int resp;               /* protocol version: 2 or 3 */
    char *name;             /* CLIENT SETNAME; NULL = none */
    char *lib_name, *lib_ver;
    struct multi_state multi;
    struct block_state block;
    struct pubsub_client *pubsub; /* its subscriptions (pubsub.c); NULL = never subscribed */
    struct acl_user *user;  /* authenticated as (cmd_acl.c); the default user at first */
    struct repl_peer *repl_peer; /* set when it is a replica of ours (repl.h) */
    long long repl_woff;    /* replication offset after its last write (WAIT) */
    long long ctime_ms;     /* connected at */
    long long last_ms;      /* last interaction (timeout, idle=) */
    char addr[64];          /* peer "ip:port" or socket path */
    char laddr[64];         /* local "ip:port" */

    struct conn *prev, *next;             /* all clients */
    struct conn *pending_next;            /* write/close work list */
    struct conn *input_next;              /* leftover-input work list */
};

struct conn *conn_create(struct server *srv, int fd, unsigned flags);
/* A client without a socket (the AOF loader's): not in the client list,
 * never written to; its replies pile up in out for the caller to read
 * or drop.  Free it with conn_free. */
struct conn *conn_create_fake(struct server *srv);
/* Fill c's addr and laddr from the TCP socket fd (peer and local ends). */
void conn_socket_addrs(struct conn *c, int fd);
/* Run the request the parser holds (c->parser.argc/argv after RESP_DONE)
 * as a client's request: dispatch, serve woken readers, reset the parser. */
void conn_run_request(struct conn *c);
/* Free now: unlink from every list, close the socket. */
void conn_free(struct conn *c);
/* Ask the server to close c at the next safe point. */
void conn_close_asap(struct conn *c);
/* Parse and run the requests in the query buffer (up to the command cap). */
void conn_process_input(struct conn *c);
/* Write as much pending output as the socket takes; 0 ok, -1 closed. */
int conn_write(struct conn *c);
/* Queue c to parse and run its leftover input in before_sleep. */
void conn_want_input(struct conn *c);
/* Queue c for the write pass in before_sleep (after a reply was added). */
void conn_want_write(struct conn *c);
/* CLIENT LIST / CLIENT INFO line for c (mem_alloc'd). */
char *conn_info_line(struct conn *c, long long now_ms);
/* Enforce client-output-buffer-limit; 1 if c was scheduled for closing. */
int conn_check_output_limit(struct conn *c, long long now_ms);

#endif
