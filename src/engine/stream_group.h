/* stream_group.h -- consumer groups of a stream: groups, consumers and the
 * pending entries list (PEL).  Pure data structure: no I/O, no reply text,
 * every time is an argument (ms since the epoch).
 *
 *   stream->groups: groups sorted by name (byte order, as Redis lists them)
 *     group: last_id, entries_read, consumers sorted by name,
 *            pel       entry ID -> record           (XPENDING, XAUTOCLAIM, XACK)
 *            pel_time  {delivery time, order} -> record  (XREADGROUP CLAIM)
 *       consumer: pending  entry ID -> record (its own ordered set),
 *                 seen_time, active_time
 *       record (struct stream_pending): id, owner, delivery time and count
 *
 * Invariants (stream_groups_check verifies them):
 *   - every record is in its group's pel and pel_time under its keys, and
 *     in exactly one consumer's set -- its owner's -- or in none when it was
 *     released by XNACK (owner NULL, delivery time 0: the "NACK zone" that
 *     sorts first in pel_time, in release order);
 *   - a group's record count = the sum of its consumers' counts + nacked;
 *   - pel_time orders records by delivery time, ties by the order they got
 *     that time (a group-wide counter), so claiming "the longest idle
 *     first" is a seek to the head.
 *
 * Costs: find/ack/claim one record O(log n); a range of the PEL (XPENDING,
 * XAUTOCLAIM) O(log n + returned); the idlest records O(log n + returned).
 *
 * entries_read and lag follow Redis's rules (t_stream.c of Redis 8): the
 * counter is the number of entries ever added up to last_id when it can be
 * known, STREAM_ENTRIES_READ_INVALID (-1) when it cannot; the lag is
 * entries_added - entries_read, or unknown (nil) when deletions make it
 * unknowable. */
#ifndef RUNNEL_STREAM_GROUP_H
#define RUNNEL_STREAM_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "index.h"
#include "stream.h"
#include "stream_id.h"

/* Redis's SCG_INVALID_ENTRIES_READ. */
#define STREAM_ENTRIES_READ_INVALID (-1)

/* The delivery counter never goes past this (LLONG_MAX; XNACK FATAL). */
#define STREAM_DELIVERY_COUNT_MAX ((uint64_t)INT64_MAX)

struct stream_consumer;

/* One pending entry (Redis's streamNACK).  Read the fields freely; change
 * owner and delivery_time only through the functions below (they key the
 * indexes).  delivery_count may be set directly. */
struct stream_pending {
    struct stream_id id;
    struct stream_consumer *owner;  /* NULL: released by XNACK */
    int64_t delivery_time;          /* ms of the last delivery; 0 when released */
    uint64_t delivery_count;        /* deliveries so far, <= STREAM_DELIVERY_COUNT_MAX */
    uint64_t order;                 /* tie-break in pel_time */
};

struct stream_consumer {
    char *name;                     /* name_len bytes, NUL-terminated too */
    size_t name_len;
    struct index *pending;          /* entry ID -> struct stream_pending * */
    int64_t seen_time;              /* last attempted interaction (ms) */
    int64_t active_time;            /* last successful one, -1 never */
};

struct stream_group {
    char *name;                     /* name_len bytes, NUL-terminated too */
    size_t name_len;
    struct stream_id last_id;       /* last-delivered-id */
    int64_t entries_read;           /* or STREAM_ENTRIES_READ_INVALID */
    struct index *pel;              /* entry ID -> struct stream_pending * */
    struct index *pel_time;         /* {delivery_time, order} -> record */
    uint64_t next_order;
    uint64_t nacked;                /* records without an owner */
    struct stream_consumer **consumers; /* sorted by name */
    size_t nconsumers;
    size_t consumers_cap;
};

struct stream_groups {
    struct stream_group **v;        /* sorted by name */
    size_t n;
    size_t cap;
};

/* Byte order of names, shorter first on a common prefix (Redis's rax). */
int stream_name_cmp(const char *a, size_t alen, const char *b, size_t blen);

/* --- Groups -------------------------------------------------------------- */

/* Number of groups of s, and the i-th in name order. */
size_t stream_group_count(const struct stream *s);
struct stream_group *stream_group_at(const struct stream *s, size_t i);

/* The group with this name, or NULL. */
struct stream_group *stream_group_find(const struct stream *s, const char *name, size_t len);

/* XGROUP CREATE: a new group with this last-delivered-id and counter (an
 * entries_read above the stream's entries_added is lowered to it, as
 * Redis 7.4+ does).  Returns NULL when the name is taken. */
struct stream_group *stream_group_create(struct stream *s, const char *name, size_t len,
                                         const struct stream_id *last_id, int64_t entries_read);

/* XGROUP DESTROY: true when the group existed. */
bool stream_group_destroy(struct stream *s, const char *name, size_t len);

/* XGROUP SETID: last_id and entries_read (clamped as in create). */
void stream_group_set_id(const struct stream *s, struct stream_group *g,
                         const struct stream_id *id, int64_t entries_read);

/* Delivering id (greater than last_id) to the group: the counter goes up
 * by one when it is known and nothing was deleted between last_id and the
 * end of the stream, else it is estimated for id; then last_id = id.  Does
 * nothing when id <= last_id. */
void stream_group_advance(const struct stream *s, struct stream_group *g,
                          const struct stream_id *id);

/* The group's lag: true with *lag set, false when it cannot be known. */
bool stream_group_lag(const struct stream *s, const struct stream_group *g, int64_t *lag);

/* Redis's streamEstimateDistanceFromFirstEverEntry: the number of entries
 * ever added up to id, or STREAM_ENTRIES_READ_INVALID. */
int64_t stream_estimate_entries_read(const struct stream *s, const struct stream_id *id);

/* True when an entry that was deleted (max_deleted_id) lies at or after
 * start (the stream must not be empty for this to hold). */
bool stream_has_tombstones_after(const struct stream *s, const struct stream_id *start);

/* --- Consumers ----------------------------------------------------------- */

struct stream_consumer *stream_consumer_find(const struct stream_group *g, const char *name,
                                             size_t len);

/* A new consumer seen now (active_time -1); NULL when it exists. */
struct stream_consumer *stream_consumer_create(struct stream_group *g, const char *name,
                                               size_t len, int64_t now_ms);

/* Remove the consumer and its pending records; returns how many it had. */
uint64_t stream_consumer_delete(struct stream_group *g, struct stream_consumer *c);

static inline uint64_t stream_consumer_pending_count(const struct stream_consumer *c)
{
    return index_count(c->pending);
}

static inline uint64_t stream_group_pending_count(const struct stream_group *g)
{
    return index_count(g->pel);
}

/* --- The PEL ------------------------------------------------------------- */

struct stream_pending *stream_pel_find(const struct stream_group *g, const struct stream_id *id);

/* A new record for id (which must not be pending) owned by owner with this
 * delivery time and count; owner NULL puts it at the end of the NACK zone
 * (time 0), as XNACK FORCE does. */
struct stream_pending *stream_pel_add(struct stream_group *g, const struct stream_id *id,
                                      struct stream_consumer *owner, int64_t delivery_time,
                                      uint64_t delivery_count);

/* Give p to owner (not NULL) with a new delivery time; it moves in
 * pel_time after every record delivered at that time so far. */
void stream_pel_claim(struct stream_group *g, struct stream_pending *p,
                      struct stream_consumer *owner, int64_t delivery_time);

/* XREADGROUP ">": id is delivered to c now, count 1 -- a new record, or an
 * existing one (the group's last ID was moved back) given to c. */
struct stream_pending *stream_pel_deliver(struct stream_group *g, struct stream_consumer *c,
                                          const struct stream_id *id, int64_t now_ms);

/* XNACK: release p (no owner, time 0, at the end of the NACK zone). */
void stream_pel_release(struct stream_group *g, struct stream_pending *p);

/* XACK: remove the record for id; false when there was none. */
bool stream_pel_ack(struct stream_group *g, const struct stream_id *id);

/* Add one delivery, saturating at STREAM_DELIVERY_COUNT_MAX. */
static inline void stream_pending_count_up(struct stream_pending *p)
{
    if (p->delivery_count < STREAM_DELIVERY_COUNT_MAX)
        p->delivery_count++;
}

/* --- References (XADD/XTRIM/XDELEX/XACKDEL KEEPREF|DELREF|ACKED) ---------- */

/* ACKED: is the entry still needed by some group -- not yet delivered to
 * one of them (beyond the smallest last_id), or pending in one? */
bool stream_entry_is_referenced(const struct stream *s, const struct stream_id *id);

/* DELREF: remove the entry from every group's PEL. */
void stream_entry_drop_refs(struct stream *s, const struct stream_id *id);

/* --- The whole set --------------------------------------------------------- */

void stream_groups_free(struct stream_groups *gs);

/* COPY: give dst (which has no groups) copies of src's groups, consumers
 * and PELs, times and order included. */
void stream_groups_copy(struct stream *dst, const struct stream *src);

/* Bytes the groups occupy (MEMORY USAGE). */
size_t stream_groups_memory(const struct stream_groups *gs);

/* Check every invariant listed at the top; true when sound.  O(n). */
bool stream_groups_check(const struct stream *s);

#endif
