/* dict.h -- hash table from binary-safe keys to pointers.
 *
 * Chained buckets in a power-of-two table.  The table doubles when it is
 * full and halves when it is an eighth full; the whole table is rehashed at
 * once (keyspaces here are millions of keys at most, a rehash of a million
 * entries is a few milliseconds).  dict_scan() walks buckets in reverse-bit
 * order, which is what gives SCAN its guarantee across resizes: every key
 * present for the whole scan is returned at least once.
 *
 * Each entry carries the key bytes inline and one spare 64-bit slot (`aux`)
 * for the owner's use (the keyspace keeps expiry times there). */
#ifndef RUNNEL_DICT_H
#define RUNNEL_DICT_H

#include <stddef.h>
#include <stdint.h>

struct dict_entry {
    struct dict_entry *next;
    void *val;
    int64_t aux;
    uint64_t hash;
    uint32_t klen;
    char key[]; /* klen bytes, then a NUL for convenience */
};

struct dict {
    struct dict_entry **table;
    uint64_t size; /* buckets, a power of two, or 0 */
    uint64_t used;
    uint64_t seed;
    uint64_t rng; /* state for dict_random */
};

void dict_init(struct dict *d, uint64_t seed);
/* Free every entry; free_val (may be NULL) is called on each value. */
void dict_clear(struct dict *d, void (*free_val)(void *));
struct dict_entry *dict_find(const struct dict *d, const char *key, size_t klen);
/* Insert a key that must not exist yet; returns its entry. */
struct dict_entry *dict_add(struct dict *d, const char *key, size_t klen, void *val);
/* Unlink and return the entry (caller frees with dict_entry_free), or NULL. */
struct dict_entry *dict_unlink(struct dict *d, const char *key, size_t klen);
void dict_entry_free(struct dict_entry *e);
/* A uniformly chosen bucket, then a uniformly chosen entry in it; NULL if empty. */
struct dict_entry *dict_random(struct dict *d);

/* Visit the buckets at cursor; returns the next cursor (0 when done). */
typedef void (*dict_scan_fn)(void *ud, struct dict_entry *e);
uint64_t dict_scan(const struct dict *d, uint64_t cursor, dict_scan_fn fn, void *ud);

/* Plain iteration (no changes to d while iterating). */
struct dict_iter {
    const struct dict *d;
    uint64_t bucket;
    struct dict_entry *next;
};
void dict_iter_init(struct dict_iter *it, const struct dict *d);
struct dict_entry *dict_iter_next(struct dict_iter *it);

uint64_t dict_hash(uint64_t seed, const char *key, size_t len);

#endif
