/* hash.h -- the value of a hash key: fields mapped to values.
 *
 * Two encodings, as Redis 7.0 has them (OBJECT ENCODING names them):
 *
 *   listpack   one flat blob of pairs in insertion order,
 *                [varint flen][field][varint vlen][value] ...
 *              searched linearly.  A new field goes at the end, a changed
 *              value stays in its place, so HGETALL's order is Redis's.
 *   hashtable  a chained table of entries, each one allocation holding the
 *              same pair encoding; a power of two of buckets, doubled when
 *              the fields outnumber them and halved below an eighth, whole
 *              at once (a hash this big is thousands of fields, not
 *              millions of keys).  Seeded hashing.
 *
 * A hash starts as a listpack and becomes a table, never back, when a
 * field or value longer than limits.max_value is written or the fields
 * outnumber limits.max_entries (hash-max-listpack-value / -entries), or
 * the blob would pass 1 GiB (Redis's listpack safety limit).
 *
 * Scanning (HSCAN) a table walks buckets in reverse-bit order of the
 * cursor, which returns every field present for the whole scan at least
 * once across resizes; a listpack is returned whole with cursor 0.
 *
 * Pointers handed out (hash_get, iteration, sampling) stay valid until the
 * next change to the hash.  Pure data: no I/O, allocation through mem.h. */
#ifndef RUNNEL_HASH_H
#define RUNNEL_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum hash_enc { HASH_ENC_LISTPACK = 0, HASH_ENC_TABLE };

#define HASH_LISTPACK_MAX_BYTES ((size_t)1 << 30) /* Redis's LISTPACK_MAX_SAFETY_SIZE */

struct hash_limits {
    size_t max_entries; /* hash-max-listpack-entries */
    size_t max_value;   /* hash-max-listpack-value */
};

struct hash_entry;

struct hash {
    uint8_t enc;         /* enum hash_enc */
    size_t count;        /* fields */
    uint64_t seed;       /* table hashing */
    union {
        struct {
            unsigned char *buf; /* the pairs, exactly lp.len bytes */
            size_t len;
        } lp;
        struct {
            struct hash_entry **buckets;
            size_t size;        /* buckets, a power of two */
            size_t bytes;       /* allocated by the entries (MEMORY USAGE) */
        } ht;
    } u;
};

struct hash_pair {
    const char *field;
    size_t flen;
    const char *value;
    size_t vlen;
};

struct hash *hash_new(uint64_t seed);
void hash_free(struct hash *h);
/* COPY: the same pairs, order and encoding. */
struct hash *hash_dup(const struct hash *h);

static inline size_t hash_len(const struct hash *h) { return h->count; }
/* "listpack" or "hashtable". */
const char *hash_encoding_name(const struct hash *h);
size_t hash_memory(const struct hash *h);

/* The value of field, or false when there is none. */
bool hash_get(const struct hash *h, const char *field, size_t flen, const char **value,
              size_t *vlen);
/* Set field to value: 1 if the field is new, 0 if it existed (its value
 * replaced in place).  Converts to a table when lim says so. */
int hash_set(struct hash *h, const char *field, size_t flen, const char *value, size_t vlen,
             const struct hash_limits *lim);
/* Remove field; true if it was there. */
bool hash_delete(struct hash *h, const char *field, size_t flen);
/* Become a table now (HSET converts before writing any field when one of
 * its arguments is too long, as Redis does).  No-op for a table. */
void hash_convert(struct hash *h);
/* True when a string of len bytes may not live in a listpack under lim. */
static inline bool hash_too_long(size_t len, const struct hash_limits *lim)
{
    return len > lim->max_value;
}

/* Iteration in the hash's order (insertion order for a listpack).  The
 * hash must not change while iterating. */
struct hash_iter {
    const struct hash *h;
    size_t pos;                    /* listpack: byte offset */
    size_t bucket;                 /* table: next bucket */
    const struct hash_entry *next; /* table: next entry in the chain */
};
void hash_iter_init(struct hash_iter *it, const struct hash *h);
bool hash_iter_next(struct hash_iter *it, struct hash_pair *out);

/* HSCAN: visit the pairs at cursor; returns the next cursor, 0 at the end.
 * A listpack visits everything and returns 0. */
typedef void (*hash_pair_fn)(void *ud, const struct hash_pair *p);
uint64_t hash_scan(const struct hash *h, uint64_t cursor, hash_pair_fn fn, void *ud);

/* Random choice with the caller's generator state (*rng, any non-zero
 * seed; advanced).  hash_random: one pair (false when empty).
 * hash_sample: min(count, len) distinct pairs, each yielded once; the
 * whole hash in its order when count >= len.  Returns how many. */
bool hash_random(const struct hash *h, uint64_t *rng, struct hash_pair *out);
size_t hash_sample(const struct hash *h, size_t count, uint64_t *rng, hash_pair_fn fn, void *ud);

/* The engine's 64-bit generator (xorshift64*), exposed for callers that
 * draw their own numbers alongside the hash's. */
uint64_t hash_rng_next(uint64_t *rng);

#endif
