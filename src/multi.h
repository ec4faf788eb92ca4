/* multi.h -- MULTI/EXEC/DISCARD/WATCH/UNWATCH.
 *
 * A client in MULTI queues each command (argv copies) and gets +QUEUED; a
 * command that fails to queue (unknown, wrong arity) marks the transaction
 * dirty and EXEC then replies EXECABORT.  WATCH records (db, key) pairs in
 * the client and the client in the db's `watched` map; any change to a
 * watched key (multi_touch_key, called by every writer through
 * server_key_modified) flags the watchers CONN_DIRTY_CAS, and EXEC then
 * replies a null array without running anything.  A watched key that
 * expires while watched also fails EXEC, as in Redis 7. */
#ifndef RUNNEL_MULTI_H
#define RUNNEL_MULTI_H

#include <stddef.h>

struct conn;
struct db;
struct util_arg;
struct command;

struct multi_cmd {
    const struct command *cmd;
    int argc;
    struct util_arg *argv;
};

struct watched_key {
    struct db *db;
    char *key;
    size_t klen;
    int expired_at_watch; /* the key was already logically expired */
};

struct multi_state {
    struct multi_cmd *cmds;
    int count, cap;
    struct watched_key *watched;
    int nwatched, watched_cap;
};

void multi_init(struct multi_state *m);
/* Discard the queue (not the watches). */
void multi_reset_queue(struct multi_state *m);
/* Queue the client's current command; takes ownership of its argv. */
void multi_queue(struct conn *c);
void multi_unwatch_all(struct conn *c);
/* Leave MULTI: drop the queue and the watches (DISCARD, EXEC, EXECABORT). */
void multi_discard(struct conn *c);
/* A key changed: flag every client watching it. */
void multi_touch_key(struct db *db, const char *key, size_t klen);
/* Every watched key of db that exists is considered changed (FLUSHDB). */
void multi_touch_all(struct db *db);

void cmd_multi(struct conn *c);
void cmd_exec(struct conn *c);
void cmd_discard(struct conn *c);
void cmd_watch(struct conn *c);
void cmd_unwatch(struct conn *c);

#endif
