/* db.h -- the keyspaces: SELECT 0..databases-1, each a map key -> object.
 *
 * An object is a typed value; the type's operations (name for TYPE, encoding
 * for OBJECT ENCODING, free, deep copy for COPY, memory for MEMORY USAGE)
 * come from a struct object_type, so the keyspace never needs to know what
 * a stream is.
 *
 * Expiry: a key's expiry time (ms since the epoch, or -1) lives in its
 * entry's aux slot; every key with one is also in `expires`, whose values
 * point back at the main entry, so the active-expiry cycle samples only
 * keys that can expire.  Reads and writes go through db_lookup(), which
 * deletes a key whose time has come (lazy expiry) and reports it through
 * the server (a DEL effect, expired_keys, WATCH). */
#ifndef RUNNEL_DB_H
#define RUNNEL_DB_H

#include <stddef.h>
#include <stdint.h>

#include "dict.h"

struct server;

struct object_type {
    const char *name;     /* TYPE reply: "stream" */
    const char *encoding; /* OBJECT ENCODING reply */
    void (*free)(void *ptr);
    void *(*dup)(const void *ptr);
    size_t (*memory)(const void *ptr);
    /* Optional, for types whose encoding depends on the value (strings:
     * int/embstr/raw, hashes: listpack/hashtable); NULL: `encoding`. */
    const char *(*encoding_of)(const void *ptr);
    /* Optional: OBJECT REFCOUNT (Redis shares small integers and answers
     * INT_MAX for them); NULL: 1. */
    long long (*refcount)(const void *ptr);
};

struct object {
    const struct object_type *type;
    uint32_t lru; /* server clock (seconds) of the last access: OBJECT IDLETIME */
    void *ptr;
};

struct db {
    int id;
    struct dict keys;    /* key -> struct object*; aux = expire ms or -1 */
    struct dict expires; /* key -> struct dict_entry* in keys */
    struct dict watched; /* key -> struct watch_list* (multi.c) */
    struct dict blocking; /* key -> struct wait_list* (block.c) */
    long long avg_ttl;
    uint64_t expire_cursor;
};

void db_init(struct db *db, int id, uint64_t seed);
void db_free(struct db *db);

struct object *object_new(const struct object_type *type, void *ptr, uint32_t lru);
void object_free(struct object *o);
/* OBJECT ENCODING's and OBJECT REFCOUNT's answers (DEBUG OBJECT's too). */
const char *object_encoding(const struct object *o);
long long object_refcount(const struct object *o);

/* Lookup flags */
#define DB_LOOKUP_NOTOUCH 1 /* do not update the access time (TYPE, OBJECT) */
#define DB_LOOKUP_WRITE 2   /* the caller will modify the key */
#define DB_LOOKUP_NOSTATS 4 /* do not count keyspace hits/misses */

/* Find a key, expiring it first if its time has passed.  NULL if absent. */
struct object *db_lookup(struct server *srv, struct db *db, const char *key, size_t klen,
                         int flags);
struct dict_entry *db_lookup_entry(struct server *srv, struct db *db, const char *key,
                                   size_t klen, int flags);
/* Add a key that must not exist (look it up first). */
struct dict_entry *db_add(struct db *db, const char *key, size_t klen, struct object *o);
/* Delete a key with its expiry; 1 if it existed. Does not signal. */
int db_delete(struct db *db, const char *key, size_t klen);
/* Remove the key from the map and hand its object to the caller (RENAME). */
struct object *db_take(struct db *db, const char *key, size_t klen, int64_t *expire);
void db_set_expire(struct db *db, struct dict_entry *e, int64_t when_ms);
/* 1 if the key had an expiry to remove. */
int db_remove_expire(struct db *db, struct dict_entry *e);
static inline int64_t db_get_expire(const struct dict_entry *e) { return e->aux; }
/* Does an expiry time already past (`when`, ms) make a command delete its
 * key at once?  Not while the AOF loads (later commands in the file ran on
 * the live key), and not on a replica, whose keys go when the master's DEL
 * arrives (Redis 7.0's checkAlreadyExpired). */
int db_expiry_passed(struct server *srv, int64_t when);
/* This server replicates a master (REPLICAOF, or `replicaof` before the
 * link starts): its keys die when the master's DEL arrives. */
int db_is_replica(const struct server *srv);
/* Drop every key; returns how many there were. */
long long db_empty(struct db *db);
/* Delete up to the keys whose time has passed among a sample; returns how
 * many expired.  Used by the active-expiry cron. */
long long db_active_expire(struct server *srv, struct db *db, int budget);

#endif
