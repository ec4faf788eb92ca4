/* stream_idmp.h -- idempotent production for one stream (Redis 8.6's
 * XADD IDMP / IDMPAUTO and XCFGSET).
 *
 * A producer that retries an XADD after a lost reply names the message
 * with an idempotent ID (iid), unique for its producer ID (pid).  The map
 * remembers, per pid, the recent iids and the entry ID each one added, so
 * a retry gets the original ID back instead of adding a duplicate.
 *
 * Bounds, both per stream (XCFGSET):
 *   - duration (seconds, 1..86400, default 100): an iid is kept at least
 *     this long.  Its age is measured from the millisecond part of the
 *     entry ID it maps to, so the map's state follows from the entries and
 *     the clock alone, and a replayed XADD (explicit ID) rebuilds it exactly.
 *   - maxsize (1..10000, default 100): at most this many iids per pid; the
 *     oldest go first, whatever their age.
 * Changing either bound clears every producer's iids (Redis does the same);
 * setting the same values keeps them.  The lifetime counters (iids added,
 * duplicates seen) survive both.
 *
 *   struct stream_idmp
 *     producers: hash pid -> struct producer
 *       iids: hash iid -> record
 *       records in entry-ID order, oldest first (expiry and eviction pop
 *       the head; XADD appends at the tail)
 *
 * Expired iids are dropped lazily: a producer's own when it is looked up or
 * written, a few other producers' on every write (so producers that went
 * away do not hold memory forever), and all of them by stream_idmp_expire
 * (XINFO calls it before reporting counts).  Pure data structure: no I/O;
 * allocation through mem.h, whose failure aborts. */
#ifndef RUNNEL_STREAM_IDMP_H
#define RUNNEL_STREAM_IDMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stream_id.h"
#include "stream_node.h"

#define STREAM_IDMP_DURATION_DEFAULT 100u
#define STREAM_IDMP_DURATION_MIN 1u
#define STREAM_IDMP_DURATION_MAX 86400u
#define STREAM_IDMP_MAXSIZE_DEFAULT 100u
#define STREAM_IDMP_MAXSIZE_MIN 1u
#define STREAM_IDMP_MAXSIZE_MAX 10000u

/* Bytes of an iid made by stream_idmp_auto_iid (IDMPAUTO). */
#define STREAM_IDMP_AUTO_IID_LEN 16

/* Error codes of this module, negative like enum stream_err and clear of
 * its range. */
enum stream_idmp_err {
    STREAM_IDMP_ERR_RANGE = -101,    /* duration or maxsize out of range */
    STREAM_IDMP_ERR_EMPTY = -102,    /* empty pid or iid */
    STREAM_IDMP_ERR_CONFLICT = -103, /* the (pid, iid) pair maps to another entry */
};

struct stream_idmp;

struct stream_idmp_stats {
    uint64_t pids_tracked;    /* producers with at least one iid */
    uint64_t iids_tracked;    /* iids held, all producers */
    uint64_t iids_added;      /* lifetime: iids ever recorded */
    uint64_t iids_duplicates; /* lifetime: retries answered from the map */
};

/* An empty map with the default bounds.  Cannot fail. */
struct stream_idmp *stream_idmp_new(void);

/* Free the map and everything in it (NULL is ignored). */
void stream_idmp_free(struct stream_idmp *m);

/* A deep copy: bounds, iids in the same order, lifetime counters. */
struct stream_idmp *stream_idmp_dup(const struct stream_idmp *m);

uint32_t stream_idmp_duration(const struct stream_idmp *m);
uint32_t stream_idmp_maxsize(const struct stream_idmp *m);

/* XCFGSET: set both bounds.  Returns 1 when either changed (every
 * producer's iids are then dropped), 0 when both were already so (nothing
 * changes), STREAM_IDMP_ERR_RANGE when one is out of range (nothing
 * changes). */
int stream_idmp_configure(struct stream_idmp *m, uint32_t duration, uint32_t maxsize);

/* Look an iid up for pid: true with the entry's ID in *id when it is held
 * and not expired at now_ms.  Drops pid's expired iids first.  Does not
 * count a duplicate (see stream_idmp_count_duplicate). */
bool stream_idmp_find(struct stream_idmp *m, const char *pid, size_t pidlen, const char *iid,
                      size_t iidlen, uint64_t now_ms, struct stream_id *id);

/* Record that (pid, iid) added the entry id.  Drops expired iids first
 * (pid's, and a few other producers'), then evicts pid's oldest iids
 * beyond maxsize.  Returns 0 when recorded (iids_added grows), 1 when the
 * pair already maps to id (nothing changes), STREAM_IDMP_ERR_CONFLICT when
 * it maps to another live entry ID, STREAM_IDMP_ERR_EMPTY for an empty pid
 * or iid (nothing changes on failure). */
int stream_idmp_record(struct stream_idmp *m, const char *pid, size_t pidlen, const char *iid,
                       size_t iidlen, const struct stream_id *id, uint64_t now_ms);

/* A retry was answered from the map (XINFO's iids-duplicates). */
void stream_idmp_count_duplicate(struct stream_idmp *m);
/* Set the lifetime counters (iids-added, iids-duplicates) a snapshot
 * carried; the loader calls it after recording the iids it read. */
void stream_idmp_set_counters(struct stream_idmp *m, uint64_t added, uint64_t duplicates);

/* Drop every expired iid, and producers left with none. */
void stream_idmp_expire(struct stream_idmp *m, uint64_t now_ms);

/* Current counts (call stream_idmp_expire first for exact figures). */
void stream_idmp_stats(const struct stream_idmp *m, struct stream_idmp_stats *st);

/* Bytes the map occupies (MEMORY USAGE). */
size_t stream_idmp_memory(const struct stream_idmp *m);

/* Visit every held iid, producer by producer, each producer's oldest
 * first (for rewriting the map as commands).  The map must not change
 * during the walk. */
typedef void (*stream_idmp_visit_fn)(void *ud, const char *pid, size_t pidlen, const char *iid,
                                     size_t iidlen, const struct stream_id *id);
void stream_idmp_walk(const struct stream_idmp *m, stream_idmp_visit_fn fn, void *ud);

/* IDMPAUTO: the iid of a message from its content, npairs field/value
 * pairs in fv.  The same pairs in any order give the same iid; a field
 * name or a value that differs gives a different one (128 bits, so two
 * messages collide with negligible probability).  Stable across runs and
 * builds: a producer that retries after a restart gets the same iid. */
void stream_idmp_auto_iid(const struct stream_str *fv, size_t npairs,
                          unsigned char out[STREAM_IDMP_AUTO_IID_LEN]);

/* Check the map's invariants (counts, order, hash tables, bounds); true
 * when sound.  For tests: O(n). */
bool stream_idmp_check(const struct stream_idmp *m);

#endif
