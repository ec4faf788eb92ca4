/* rdb_object.h -- one value in RDB form, per type (rdb.c's files and DUMP
 * payloads share it).
 *
 *   stream   the codec's types 15/19/21/26/27 (rdb_stream.h)
 *   string   RDB_TYPE_STRING (integer and LZF forms as the codec writes them)
 *   hash     RDB_TYPE_HASH_LISTPACK for a listpack-encoded hash, as Redis 7.0
 *            writes it, RDB_TYPE_HASH for a table; read also from the
 *            ziplist form of Redis 2.6 to 6.2 (RDB_TYPE_HASH_ZIPLIST)
 *   others   lists, sets, sorted sets and zipmap hashes are decoded far
 *            enough to be skipped (every encoding from RDB 1 to 12)
 *
 * A loaded hash or string ends in the encoding Redis would give it
 * (hash-max-listpack-*, strobj's int/embstr/raw).  Every read checks its
 * lengths against the input; bad data is -1 with the reason in r->err. */
#ifndef RUNNEL_RDB_OBJECT_H
#define RUNNEL_RDB_OBJECT_H

struct server;
struct object;
struct rdb_writer;
struct rdb_reader;

/* The lowest RDB version that carries all of o (10 unless a stream needs
 * more), or -1 when o's type has no RDB form here. */
int rdb_object_min_version(const struct object *o);
/* The type byte o is written with in a file of RDB version `version`. */
int rdb_object_type(const struct object *o, int version);
/* The value (no type byte, no key).  0, or -1 (the writer's error). */
int rdb_object_write(struct rdb_writer *w, const struct object *o, int type);

/* Read a value of RDB type `type` into a new object: 0 with *out set; 0
 * with *out NULL and *skipped naming the kind ("list", ...) when Runnel
 * does not serve the type (the value was consumed); -1 with the reason in
 * r->err (module data and types no Redis defines are errors too). */
int rdb_object_read(struct server *srv, struct rdb_reader *r, int type, struct object **out,
                    const char **skipped);

/* Is this one of the stream types? */
int rdb_type_is_stream(int type);

#endif
