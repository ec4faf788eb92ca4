/* rdb.h -- the RDB file format: the whole dataset as Redis writes dump.rdb,
 * and DUMP/RESTORE payloads.
 *
 *   file     "REDIS" + 4-digit version
 *            AUX redis-ver, redis-bits, ctime, used-mem, aof-base, runnel-ver
 *            per non-empty db: SELECTDB n, RESIZEDB keys expires,
 *              per key: [EXPIRETIME_MS t] type key object
 *            EOF, CRC64 of everything before (8 bytes LE; 0 = not computed)
 *   payload  type object, RDB version (2 bytes LE), CRC64 (8 bytes LE)
 *
 * The byte-level pieces (lengths, strings, LZF, CRC64, listpacks) are in
 * rdb_codec.h, one value per type in rdb_object.h (streams through
 * rdb_stream.h, strings, hashes).  This file adds the structure around them
 * and the keyspace: which version a file gets (10, as Redis 7.0 writes,
 * unless a stream holds state 7.0 cannot carry), which keys are dropped at
 * load (expired ones, as a master does), which are skipped (the types Redis
 * defines but Runnel does not serve: counted and reported once) and what
 * stops the load (module data, unknown types, corruption: an error naming
 * the key and the offset, never a crash). */
#ifndef RUNNEL_RDB_H
#define RUNNEL_RDB_H

#include <stddef.h>

struct server;
struct object;
struct rdb_writer;

/* The newest RDB version Runnel reads (files and DUMP payloads): 14, the
 * form Redis 8.8 gives streams with released (XNACK) records.  What Runnel
 * writes is 10 (Redis 7.0) unless a stream needs a newer stream type (see
 * rdb_stream_rdbver_for); types of those versions that are not streams
 * are unknown to Runnel and stop a load. */
#define RDB_VERSION_MAX 14
#define RDB_VERSION_WRITE 10

/* The whole dataset as an RDB file into w (header "REDIS0010" or newer, aux
 * fields redis-ver/redis-bits/ctime/used-mem/aof-base (0/1), per db
 * SELECTDB + RESIZEDB, keys with EXPIRETIME_MS, EOF, then the CRC64, or 0
 * when rdbchecksum is no).  Does not flush w.  0, or -1 (w->err). */
int rdb_save_to_writer(struct server *srv, struct rdb_writer *w, int aof_base);

/* Save to path: a temp file in the same directory (temp-<pid>.rdb), write,
 * fsync, rename to path, fsync the directory.  0, or -1 with the reason in
 * err (the temp file is removed). */
int rdb_save_file(struct server *srv, const char *path, char *err, size_t errlen);

/* Load an RDB image into the databases (empty, or holding none of its
 * keys: a key already present is an error).  *consumed = bytes used, up to
 * and including the checksum (an AOF preamble is followed by commands).
 * Sets srv->loading while it runs; keys already expired are dropped unless
 * the image is an AOF base (aux aof-base 1); leaves srv->dirty 0.  0, or -1
 * with the reason in err (the databases may then hold part of the image). */
int rdb_load_buffer(struct server *srv, const void *buf, size_t len, size_t *consumed, char *err,
                    size_t errlen);
/* The same from a file (mapped).  errno is ENOENT when the file does not
 * exist (err says so too). */
int rdb_load_file(struct server *srv, const char *path, char *err, size_t errlen);

/* The RDB encoding of o without type and key (DEBUG OBJECT's
 * serializedlength). */
size_t rdb_object_serialized_len(struct server *srv, const struct object *o);

/* DUMP: the payload of o, mem_alloc'd into *out; -1 when o's type has no
 * RDB form. */
int rdb_dump_payload(struct server *srv, const struct object *o, unsigned char **out,
                     size_t *len);
/* RESTORE's first check: 0 when the payload's RDB version is one Runnel
 * reads and its CRC64 matches (DUMP always computes it, whatever
 * rdbchecksum says), else -1. */
int rdb_verify_payload(const void *p, size_t len);
/* Decode a verified payload into a new object.  0, or -1 with err: the
 * reason (corrupt data) or, for a type Runnel does not serve, which. */
int rdb_restore_payload(struct server *srv, const void *p, size_t len, struct object **out,
                        int *unsupported, char *err, size_t errlen);

#endif
