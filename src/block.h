/* block.h -- clients blocked on keys (XREAD/XREADGROUP BLOCK).
 *
 *   db->blocking: key -> wait list (FIFO of block nodes, one per waiter)
 *   conn->block:  the keys it waits on (one node in each list), its timer,
 *                 a copy of its request with "$" already resolved
 *
 * A write to a key with waiters (server_key_modified -> block_signal_key)
 * puts the key on the server's ready list once.  After the command that
 * wrote it (after EXEC for a transaction), block_serve_ready() walks each
 * ready key's waiters in the order they blocked and re-runs each one's
 * command.  A command that finds data replies and the client is unblocked;
 * one that still finds nothing calls block_for_keys() again, which during a
 * re-run only says "still waiting" (the original deadline stands).  So a
 * write wakes exactly the clients waiting on that key, and an idle blocked
 * client costs nothing but its timer.
 *
 * Timeouts are libevent timers, one per blocked client; they reply with the
 * protocol's null (RESP2 *-1, RESP3 _). */
#ifndef RUNNEL_BLOCK_H
#define RUNNEL_BLOCK_H

#include <stddef.h>

struct conn;
struct db;
struct server;
struct util_arg;
struct event;
struct block_node;
struct command;

struct block_state {
    struct block_node *nodes; /* one per key waited on */
    int nkeys;
    struct event *timer;      /* NULL when waiting forever */
    long long since_ms;       /* when it blocked */
    long long deadline_ms;    /* wall clock ms the timeout is due (with timer) */
    int argc;                 /* the request to re-run */
    struct util_arg *argv;
    struct event *recheck;    /* block_recheck_at's timer, or NULL */
    int still_waiting;        /* set by block_for_keys during a re-run */
    const struct command *cmd; /* the command to re-run */
};

/* Block c on keys (indexes into c->argv) of its current db until one is
 * written, or timeout_ms passes (0 = forever).  The request is copied for
 * re-running; change words of the copy with block_rewrite_arg() (resolve
 * "$" to an ID).  During a re-run it only marks the client still waiting. */
void block_for_keys(struct conn *c, const int *key_idx, int nkeys, long long timeout_ms);
void block_rewrite_arg(struct conn *c, int idx, const char *p, size_t len);
/* Also re-run c's command at when_ms (ms since the epoch) even if no key
 * is written: XREADGROUP CLAIM waits for a pending entry to become idle
 * enough.  Replaces an earlier deadline; call after block_for_keys (also
 * during a re-run, to move the deadline). */
void block_recheck_at(struct conn *c, long long when_ms);
/* 1 while c's blocked command is being re-run. */
int block_rerunning(const struct conn *c);
/* 1 when the command c just ran left it waiting (it blocked, or a re-run
 * found nothing): Redis counts a blocked command's call once, when it
 * ends (its last run, a timeout or CLIENT UNBLOCK). */
int block_left_waiting(const struct conn *c);

/* A key was written: wake its waiters after the current command. */
void block_signal_key(struct server *srv, struct db *db, const char *key, size_t klen);
/* Serve the ready keys (run after every top-level command). */
void block_serve_ready(struct server *srv);

enum block_end { BLOCK_END_TIMEOUT, BLOCK_END_ERROR, BLOCK_END_GONE };
/* End c's wait without data: TIMEOUT replies the null a timeout gives,
 * ERROR replies "-UNBLOCKED client unblocked via CLIENT UNBLOCK", GONE
 * (disconnect) replies nothing. */
void block_end(struct conn *c, enum block_end how);
/* Wake every waiter of a key with an error reply built by the caller's
 * command on re-run (key deleted, group destroyed...): re-run them now. */
void block_rerun_key(struct server *srv, struct db *db, const char *key, size_t klen);

long long block_count(const struct server *srv);
/* Keys with a waiter that the key's deletion wakes (XREADGROUP): INFO's
 * total_blocking_keys_on_nokey (Redis 7.2). */
unsigned long long block_keys_on_nokey(const struct server *srv);

#endif
