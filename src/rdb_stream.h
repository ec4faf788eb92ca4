/* rdb_stream.h -- a stream object in Redis's RDB encoding.
 *
 * Written as Redis 7.0 writes RDB_TYPE_STREAM_LISTPACKS_2 (RDB version
 * 10): the nodes as (master ID as 16-byte big-endian key string, listpack
 * string) pairs in Redis's stream-node layout (master entry, per-entry
 * flags, ID deltas, same-fields compression, lp-count, deleted flags),
 * one per node of ours (XADD cuts them where Redis does; see
 * stream_node_lp_bytes); then length, last ID, first ID, max-deleted-
 * entry-id, entries-added; groups with last-delivered-id and entries-read,
 * the global PEL (ID, delivery time, delivery count), consumers (name,
 * seen-time, their PEL IDs).  RDB_TYPE_STREAM_LISTPACKS_3 (Redis 7.2,
 * RDB 11) adds each consumer's active-time.
 *
 * Read: RDB_TYPE_STREAM_LISTPACKS (5.0-6.2), _2 (7.0), _3 (7.2), _4 (8.6)
 * and _5 (8.8);
 * every node's listpack is validated entry by entry, every count checked
 * against what was read; a PEL record a consumer names must exist in the
 * group PEL; a corrupt object is an error with a message, never a crash.
 *
 * Which type to write: _2 unless the stream holds state 7.0 cannot carry
 * (consumers with an active-time are fine in _2: 7.0 simply loses it;
 * see rdb_stream_type_for). */
#ifndef RUNNEL_RDB_STREAM_H
#define RUNNEL_RDB_STREAM_H

#include <stddef.h>

struct stream;
struct rdb_writer;
struct rdb_reader;

/* The RDB type rdb_stream_write will use for s when the file is written
 * for RDB version `rdbver`: the richest type that version allows and s
 * needs -- _5 (27, RDB >= 14) when a group holds records released by XNACK,
 * _4 (26, RDB >= 13) when s has IDMP state, else _3 (21) for RDB >= 11 and
 * _2 (19) for RDB 10.  State the chosen type cannot carry is left out:
 * released records (ownerless, which would crash Redis < 8.8 on XPENDING)
 * from types < 27, the IDMP map from types < 26, active-times from 19. */
int rdb_stream_type_for(const struct stream *s, int rdbver);

/* The lowest RDB version that carries all of s: 10 (Redis 7.0) unless s
 * has IDMP state (13, Redis 8.6) or released records (14, Redis 8.8).  A
 * file's version is the maximum over its streams, so a snapshot without
 * such state stays loadable by Redis 7.0; DUMP uses it per payload. */
int rdb_stream_rdbver_for(const struct stream *s);

/* Write the object (not its type byte or key).  0 or -1 (the writer's
 * error). */
int rdb_stream_write(struct rdb_writer *w, const struct stream *s, int type);

/* Read an object of type `type` into a new stream, one node per listpack
 * (node limits as given, for the appends that follow); 0 with *out set,
 * or -1 with the reason in r->err. */
int rdb_stream_read(struct rdb_reader *r, int type, struct stream **out, size_t node_max_bytes,
                    size_t node_max_entries);

#endif
