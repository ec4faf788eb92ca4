/* maxmemory.h -- used memory, the maxmemory limit and INFO memory.
 *
 * used_memory is the allocator's own figure (jemalloc's stats.allocated:
 * everything the process has malloc'd, libevent's blocks included).
 * Reading it costs jemalloc a stats merge of ~10 us, too much for every
 * write, so the server keeps a snapshot refreshed by the cron (every 100 ms)
 * and by INFO and CONFIG SET maxmemory, and moves it between refreshes by
 * what our own allocation counter (mem_used) moved: exact for our blocks,
 * current to the command.  Without jemalloc (MALLOC=libc, SANITIZE=1) the
 * counter alone is used_memory.
 *
 * Policy: noeviction only (streams are not a cache; config.c refuses the
 * eviction policies).  Over the limit, commands flagged denyoom, every
 * command queued inside MULTI, and an EXEC whose queue holds a denyoom
 * command are refused with Redis's -OOM text, as Redis 7.0's
 * processCommand does; reads, deletes, trims and acks keep working. */
#ifndef RUNNEL_MAXMEMORY_H
#define RUNNEL_MAXMEMORY_H

#include <stddef.h>

struct server;
struct conn;
struct command;
struct reply_buf;

#define MAXMEMORY_OOM_ERR "OOM command not allowed when used memory > 'maxmemory'."

/* used_memory now (also raises the peak). */
size_t maxmemory_used(struct server *srv);
/* Re-read the allocator's figure (cron, INFO): at most every 100 ms unless
 * force. */
void maxmemory_refresh(struct server *srv, int force);
/* Start-up done: record used_memory_startup, warn about a tiny limit. */
void maxmemory_startup(struct server *srv);
/* CONFIG SET maxmemory: warn when the new limit is below what is used. */
void maxmemory_config_changed(struct server *srv);
/* 1 if c's request for cmd must be refused with MAXMEMORY_OOM_ERR (the
 * caller replies: EXECABORT for EXEC, as Redis's rejectCommand). */
int maxmemory_refuses(struct conn *c, const struct command *cmd);
/* INFO's "# Memory" section, Redis 7.0's fields in its order. */
void maxmemory_info(struct server *srv, struct reply_buf *b);

#endif
