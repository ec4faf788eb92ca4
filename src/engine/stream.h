/* stream.h -- the stream object: an ordered index of packed nodes plus the
 * counters Redis keeps per stream (length, last/first IDs, entries added,
 * max deleted ID).  Pure data structure: no I/O, no reply text.
 *
 * Command handlers read the fields of struct stream directly (treat them
 * as read-only) and change a stream only through these functions.  Any
 * change to a stream invalidates its iterators. */
#ifndef RUNNEL_STREAM_H
#define RUNNEL_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "index.h"
#include "stream_id.h"
#include "stream_node.h"

/* Defaults of stream-node-max-bytes and stream-node-max-entries. */
#define STREAM_NODE_MAX_BYTES_DEFAULT 4096
#define STREAM_NODE_MAX_ENTRIES_DEFAULT 100

struct stream_groups;
struct stream_idmp;

struct stream {
    struct index *nodes;            /* first ID of a node -> struct stream_node * */
    struct stream_node *tail;       /* the last node, where appends go (or NULL) */
    uint64_t length;                /* live entries */
    uint64_t entries_added;         /* entries ever appended (XADD count, XSETID) */
    struct stream_id last_id;       /* the last ID ever added (or set by XSETID) */
    struct stream_id first_id;      /* first live entry, 0-0 when empty */
    struct stream_id max_deleted_id; /* greatest ID removed by XDEL */
    size_t node_max_bytes;          /* 0: no limit (capped at 1 GiB) */
    size_t node_max_entries;        /* 0: no limit */
    struct stream_groups *groups;   /* consumer groups (stream_group.h), NULL
                                      * while the stream has none */
    struct stream_idmp *idmp;       /* idempotent-production map (stream_idmp.h),
                                     * NULL until IDMP or XCFGSET is used */
};

/* A new empty stream with the given node limits (copies of
 * stream-node-max-bytes / -entries).  Cannot fail. */
struct stream *stream_new(size_t node_max_bytes, size_t node_max_entries);

void stream_free(struct stream *s);

/* Change the node limits; existing nodes stay as they are, new appends
 * follow the new limits. */
void stream_set_node_limits(struct stream *s, size_t node_max_bytes, size_t node_max_entries);

/* Append an entry (fv[2i] field, fv[2i+1] value, npairs pairs).  The ID is
 * chosen by stream_id_next (see its errors) from spec and now_ms.  Fails
 * also with STREAM_ERR_TOO_BIG when the fields and values add up to more
 * than 1 GiB (Redis: "Elements are too large to be stored").  On success
 * stores the ID in *out_id (if not NULL), updates length, entries_added,
 * last_id (and first_id for the first entry), returns 0; on failure the
 * stream is unchanged. */
int stream_append(struct stream *s, const struct stream_id_spec *spec,
                  const struct stream_str *fv, size_t npairs, uint64_t now_ms,
                  struct stream_id *out_id);

/* Appending many entries in a row (a snapshot load): stream_append with
 * an explicit ID, but the tail node's master entry stays decoded between
 * calls instead of being decoded for every entry.  Same checks and errors
 * as stream_append.  Between calls the stream may change only through
 * this appender and stream_delete.
 *
 * Nodes are the caller's: the appender never cuts one by itself (Redis
 * keeps a loaded listpack whole, whatever its limits say), but starts a
 * new one for the first add after stream_appender_new_node, with room for
 * `want` bytes of entries when that is not 0 (a loader that can tell how
 * big the node will be spares it growing and shrinking).  The caller
 * also gives each node its listpack size (stream_node_set_lp_body), which
 * it knows from the listpack it loads, before XADD appends to it.
 *
 *     struct stream_appender a;
 *     stream_appender_init(&a, s);
 *     stream_appender_new_node(&a, 0);
 *     rc = stream_appender_add(&a, &id, fv, npairs);  ...
 *     stream_node_set_lp_body(s->tail, listpack_bytes_less_counts);
 *     stream_appender_release(&a);
 *
 * stream_appender_add_repeat is stream_appender_add for an entry whose
 * fields and values are byte for byte those of the previous add (or
 * add_repeat) on this appender -- a caller that sees the same bytes again
 * (a snapshot's listpack repeating an entry) says so, and the entry's
 * cells are copied from the previous entry when that lies in the same
 * tail node instead of being encoded again.  fv and npairs are still
 * needed (when the entry starts a node).  Same result and errors. */
#define STREAM_APPENDER_CELLS 16

struct stream_appender {
    struct stream *s;
    const struct stream_node *node;   /* the node view describes, or NULL */
    struct stream_id first;           /* its first ID */
    struct stream_node_view view;
    struct stream_cell cells[STREAM_APPENDER_CELLS];
    char numbuf[STREAM_APPENDER_CELLS * STREAM_NODE_NUM_MAX];
    /* the entry the last add appended (for add_repeat): its bytes
     * rep_node->data[rep_off .. rep_end), rep_off 0 when there is none or
     * it is a master; its cells from rep_body (stream_node_entry_cells,
     * found on the first repeat: 0 until then) with SAME_FIELDS rep_same */
    const struct stream_node *rep_node;
    struct stream_id rep_first;
    size_t rep_off, rep_body, rep_end;
    bool rep_same;
    bool new_node;                    /* the next add starts a node */
    /* data bytes of the last tail this appender filled: a new tail gets
     * about that much room at once instead of growing by doubling (each
     * step a copy) and shrinking at the end (another) */
    size_t node_hint;
    size_t node_want;                 /* room the next new node gets, or 0 */
};

void stream_appender_init(struct stream_appender *a, struct stream *s);
void stream_appender_new_node(struct stream_appender *a, size_t want);
int stream_appender_add(struct stream_appender *a, const struct stream_id *id,
                        const struct stream_str *fv, size_t npairs);
int stream_appender_add_repeat(struct stream_appender *a, const struct stream_id *id,
                               const struct stream_str *fv, size_t npairs);
void stream_appender_release(struct stream_appender *a);

/* Range iteration over live entries with start <= id <= end (inclusive;
 * callers turn "(" bounds into inclusive ones with stream_id_incr/decr),
 * ascending, or descending when rev.  Example:
 *
 *     struct stream_iter it;
 *     stream_iter_start(&it, s, &start, &end, false);
 *     while (stream_iter_next(&it)) { use it.id, it.fv[0 .. 2*it.npairs) }
 *     stream_iter_stop(&it);
 *
 * it.fv's strings are valid until the next call (numbers stored compactly
 * are formatted into buffers the iterator owns).  The stream must not
 * change while an iterator is in use. */
struct stream_iter {
    /* current entry, valid after stream_iter_next returned true */
    struct stream_id id;
    const struct stream_str *fv;
    size_t npairs;
    /* private */
    const struct stream *s;
    struct stream_id start, end;
    bool rev, done;
    struct index_iter pos;            /* the current node in s->nodes */
    const struct stream_node *node;   /* NULL: load the node at pos */
    struct stream_node_cursor cur;    /* forward walk */
    struct stream_node_entry *ents;   /* reverse walk: the node's entries */
    size_t nents, ents_cap, ent_next;
    struct stream_node_view view;
    struct stream_str *out;
    size_t out_cap;
    char *numbuf;
    size_t numbuf_cap;
};

void stream_iter_start(struct stream_iter *it, const struct stream *s,
                       const struct stream_id *start, const struct stream_id *end, bool rev);

/* Step to the next entry in range; false when there are no more. */
bool stream_iter_next(struct stream_iter *it);

/* Release the iterator's buffers (it may be started again after). */
void stream_iter_stop(struct stream_iter *it);

/* Does a live entry with this ID exist? */
bool stream_has_entry(const struct stream *s, const struct stream_id *id);

/* Remove the entry with this ID (XDEL).  Returns 1 when removed, 0 when
 * there was no such live entry.  Updates length, max_deleted_id (when id
 * is greater) and first_id; frees the node when its last live entry
 * goes. */
int stream_delete(struct stream *s, const struct stream_id *id);

enum stream_trim_strategy {
    STREAM_TRIM_MAXLEN,
    STREAM_TRIM_MINID,
};

/* What removing entries does about consumer groups (Redis 8.2's KEEPREF |
 * DELREF | ACKED on XADD, XTRIM, XDELEX, XACKDEL). */
enum stream_ref_policy {
    STREAM_REFS_KEEP = 0,             /* remove; PELs keep the IDs (default) */
    STREAM_REFS_DELETE,               /* remove, and the IDs from every PEL */
    STREAM_REFS_ACKED,                /* remove only entries no group needs */
};

struct stream_trim_args {
    enum stream_trim_strategy strategy;
    uint64_t maxlen;                  /* MAXLEN: keep at most this many */
    struct stream_id minid;           /* MINID: drop entries below this ID */
    bool approx;                      /* "~": whole nodes only */
    uint64_t limit;                   /* at most this many removed; 0 = none */
    enum stream_ref_policy refs;      /* DELETE/ACKED: see stream_trim */
};

/* The LIMIT Redis uses for "~" when none is given: 100 times
 * stream-node-max-entries, 10000 when that is 0, at most 1000000.  (Exact
 * trimming has no limit; Redis refuses LIMIT without "~".) */
uint64_t stream_trim_default_limit(size_t node_max_entries);

/* Trim from the head as Redis's XTRIM/XADD trimming does and return the
 * number of entries removed.  Nodes are walked from the first: a node
 * that can go entirely (MAXLEN: length - its live entries >= maxlen;
 * MINID: its last ID < minid) is freed, unless the limit would be passed
 * (limit && removed + its live entries > limit stops the walk).  With
 * approx the walk stops at the first node that cannot go entirely;
 * otherwise entries of that node are flagged deleted one by one until
 * MAXLEN is met or an ID >= minid is reached, and the walk ends there.
 * Does not touch max_deleted_id; updates first_id.  Cannot fail.
 *
 * With refs DELETE or ACKED every entry is looked at (as Redis 8.2 does,
 * "~" then only brings its LIMIT): a node that could go entirely is walked
 * and the walk goes on to the next node, any other node is walked up to
 * the threshold and the walk ends; ACKED spares the entries some group
 * still needs, DELETE drops them from every PEL as it removes them. */
uint64_t stream_trim(struct stream *s, const struct stream_trim_args *args);

/* First / last live entry's ID; false when the stream is empty. */
bool stream_first_entry(const struct stream *s, struct stream_id *id);
bool stream_last_entry(const struct stream *s, struct stream_id *id);

/* XSETID: set last_id, and entries_added (when >= 0) and max_deleted_id
 * (when not NULL and not 0-0), with Redis 7.0's checks in its order:
 *   max_deleted greater than id              -> STREAM_ERR_MAX_DELETED
 *   id smaller than the last live entry      -> STREAM_ERR_ID_TOO_SMALL
 *   entries_added smaller than the length    -> STREAM_ERR_ENTRIES_ADDED
 * (the last two only when the stream is not empty).  As in Redis, id may
 * be below deleted entries that follow the last live one; those
 * tombstones are then dropped so later IDs still rise inside the tail
 * node.  Nothing changes on failure. */
int stream_set_last_id(struct stream *s, const struct stream_id *id, int64_t entries_added,
                       const struct stream_id *max_deleted);

/* The XSETID command (Redis 7.2+): stream_set_last_id's checks, and
 * before the top-item check, an id below the stream's current
 * max_deleted_id fails with STREAM_ERR_BELOW_MAX_DELETED (Redis 7.0 took
 * it).  Loaders keep using stream_set_last_id, which accepts such data. */
int stream_setid(struct stream *s, const struct stream_id *id, int64_t entries_added,
                 const struct stream_id *max_deleted);

/* Bytes the stream occupies: struct, index and nodes (MEMORY USAGE). */
size_t stream_memory_usage(const struct stream *s);

/* XINFO's radix-tree-keys (number of nodes) and radix-tree-nodes (nodes
 * of the index tree). */
size_t stream_node_count(const struct stream *s);
size_t stream_index_node_count(const struct stream *s);

/* Snapshot support.  The writer walks the nodes in order and stores each
 * node's first ID and data bytes (plus the stream's counters); the
 * loader hands them back with stream_load_node, then restores the
 * counters with stream_load_meta.  (A writer may instead iterate entries
 * and a loader rebuild with stream_append and explicit IDs.) */
struct stream_node_walk {
    struct index_iter it;
    bool started;
};

/* The next node in ID order; false after the last.  *node stays valid
 * until the stream changes. */
bool stream_walk_nodes(const struct stream *s, struct stream_node_walk *w,
                       const struct stream_node **node);

/* Adopt a node from snapshot bytes (see stream_node_from_bytes): it must
 * start after the stream's current last node ends.  Updates length, the
 * tail and first_id; last_id and entries_added are raised to at least the
 * node's last ID and the length, so the stream is coherent (and usable)
 * between calls.  Fails with STREAM_ERR_CORRUPT, the stream then
 * unchanged. */
int stream_load_node(struct stream *s, const struct stream_id *first, const void *data, size_t len);

/* Restore the counters after the nodes were loaded; validates them as
 * XSETID would (last_id not below the last entry, entries_added not below
 * the length, max_deleted not above last_id) and fails with
 * STREAM_ERR_CORRUPT.  first_id is recomputed. */
int stream_load_meta(struct stream *s, const struct stream_id *last_id, uint64_t entries_added,
                     const struct stream_id *max_deleted);

/* Check the stream's invariants (node order, counts, first/last IDs, the
 * index); true when sound.  For tests: O(n). */
bool stream_check(const struct stream *s);

#endif
