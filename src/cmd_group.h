/* cmd_group.h -- what the stream commands share with the consumer-group
 * commands (cmd_group.c, cmd_group_claim.c): XINFO STREAM FULL's groups
 * section, and the helpers both group files use. */
#ifndef RUNNEL_CMD_GROUP_H
#define RUNNEL_CMD_GROUP_H

#include <stdbool.h>
#include <stddef.h>

#include "reply.h"
#include "stream.h"
#include "stream_group.h"

struct conn;
struct util_arg;

/* XINFO STREAM key FULL [COUNT n]: the "groups" value -- an array with one
 * map per group (name, last-delivered-id, entries-read, lag, pel-count,
 * nacked-count, pending, consumers), PELs cut at count (0 = all). */
void group_reply_full_groups(struct conn *c, const struct stream *s, long long count);

/* --- Shared by cmd_group.c and cmd_group_claim.c ----------------------------- */

/* The stream at key; NULL when absent or (reply sent, *wrongtype set) of
 * another type.  write: the caller may modify it (no hit/miss stats, as
 * Redis's lookupKeyWrite). */
struct stream *group_lookup_stream(struct conn *c, const struct util_arg *key, bool write,
                                   int *wrongtype);
/* The group gname of the stream at key, for commands that need both; NULL
 * after replying WRONGTYPE or Redis's NOGROUP text.  *sp gets the stream. */
struct stream_group *group_lookup_or_nogroup(struct conn *c, const struct util_arg *key,
                                             const struct util_arg *gname, bool write,
                                             struct stream **sp);

/* A strict ID argument ("ms" or "ms-seq"); replies Redis's error and
 * returns -1 when invalid. */
int group_parse_id_or_reply(struct conn *c, const struct util_arg *a, struct stream_id *out);

/* An interval start ("-", "+", "ms[-seq]" or "(ms-seq"), as XPENDING and
 * XAUTOCLAIM take it; is_end picks the missing sequence and the error. */
int group_parse_bound_or_reply(struct conn *c, const struct util_arg *a, bool is_end,
                               struct stream_id *out);

void group_reply_id(struct reply_buf *r, const struct stream_id *id);

/* Reply the entry with this ID as [id, [f, v, ...]]; false (nothing
 * replied) when the stream has no such live entry. */
bool group_reply_entry(struct reply_buf *r, const struct stream *s, const struct stream_id *id);

/* Effects.  XCLAIM key group consumer 0 id TIME t RETRYCOUNT n FORCE
 * JUSTID LASTID last: the form that recreates one delivered record
 * exactly (Redis propagates XREADGROUP this way). */
void group_effect_xclaim(struct conn *c, const struct util_arg *key, const struct stream_group *g,
                         const struct stream_pending *p);
/* XGROUP SETID key group last_id ENTRIESREAD n. */
void group_effect_setid(struct conn *c, const struct util_arg *key, const struct stream_group *g);
/* XACK key group id: a record dropped because its entry is gone. */
void group_effect_xack(struct conn *c, const struct util_arg *key, const struct stream_group *g,
                       const struct stream_id *id);
/* The running command, word for word (for commands whose effect does not
 * depend on the clock). */

/* Wake XREADGROUP waiters on key without touching WATCH (group changes
 * are not key modifications for Redis's WATCH). */
void group_signal_waiters(struct conn *c, const struct util_arg *key);

/* Parse Redis 8.2's "[KEEPREF | DELREF | ACKED] IDS numids id ..." from
 * argv[start]: sets *policy, *ids_at and *numids; -1 after replying. */
int group_parse_refs_ids_or_reply(struct conn *c, int start, enum stream_ref_policy *policy,
                                  int *ids_at, long *numids);

#endif
