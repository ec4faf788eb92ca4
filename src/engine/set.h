/* set.h -- the value of a set key: distinct members (byte strings).
 *
 * Two encodings, as Redis 7.0 has them (OBJECT ENCODING names them):
 *
 *   intset     a sorted array of int64 members, searched by bisection;
 *              only members that are canonical integers (string2ll's
 *              reading: "12", never "012" or "+12").  `width` is the
 *              byte width Redis's intset would use (2, 4 or 8): it grows
 *              with the widest member ever added and never shrinks, as
 *              Redis's never downgrades; RDB writes the blob at it.
 *   hashtable  Runnel's chained hash table (engine/hash.h, table mode)
 *              with each member a field and an empty value: one seeded
 *              table implementation for hashes and sets.
 *
 * A set starts as an intset and becomes a table, never back, when a
 * member that is not a canonical integer is added or the members
 * outnumber max_intset (set-max-intset-entries).  Redis 7.2's listpack
 * sets are not used (a named difference: 7.0's encodings are matched).
 *
 * Members handed out (iteration, sampling) stay valid until the next
 * change to the set; an intset member is formatted into the iterator's or
 * caller's buffer.  Pure data: no I/O, allocation through mem.h. */
#ifndef RUNNEL_SET_H
#define RUNNEL_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hash.h"

enum set_enc { SET_ENC_INTSET = 0, SET_ENC_TABLE };

#define SET_NUM_MAX_CHARS 24 /* an int64 in decimal, with sign and NUL */

struct set {
    uint8_t enc;   /* enum set_enc */
    uint8_t width; /* intset: 2, 4 or 8 */
    uint64_t seed;
    int64_t *iv;   /* intset: sorted members */
    size_t icount, icap;
    struct hash *ht; /* table */
};

/* One member, for callbacks. */
typedef void (*set_member_fn)(void *ud, const char *p, size_t len);

struct set *set_new(uint64_t seed);
void set_free(struct set *s);
/* COPY: same members, order and encoding. */
struct set *set_dup(const struct set *s);

size_t set_len(const struct set *s);
/* "intset" or "hashtable". */
const char *set_encoding_name(const struct set *s);
size_t set_memory(const struct set *s);

/* 1 if added, 0 if it was a member.  Converts as described above. */
int set_add(struct set *s, const char *p, size_t len, size_t max_intset);
/* true if p was a member (now removed). */
bool set_remove(struct set *s, const char *p, size_t len);
bool set_contains(const struct set *s, const char *p, size_t len);
/* Become a table now; no-op for a table. */
void set_convert(struct set *s);

/* Iteration in the set's order (ascending for an intset). */
struct set_iter {
    const struct set *s;
    size_t pos;
    struct hash_iter hit;
    char num[SET_NUM_MAX_CHARS];
};
void set_iter_init(struct set_iter *it, const struct set *s);
bool set_iter_next(struct set_iter *it, const char **p, size_t *len);

/* SSCAN: visit the members at cursor; returns the next cursor, 0 at the
 * end.  An intset visits everything and returns 0. */
uint64_t set_scan(const struct set *s, uint64_t cursor, set_member_fn fn, void *ud);

/* One random member (false when empty), formatted into buf when it is an
 * intset member. */
bool set_random(const struct set *s, uint64_t *rng, char buf[SET_NUM_MAX_CHARS], const char **p,
                size_t *len);
/* min(count, len) distinct members, each yielded once; the whole set in
 * its order when count >= len.  Returns how many. */
size_t set_sample(const struct set *s, size_t count, uint64_t *rng, set_member_fn fn, void *ud);

/* RDB: Redis's intset blob (u32 LE encoding = width, u32 LE length, the
 * members little-endian at width), allocated with mem.h. */
unsigned char *set_intset_blob(const struct set *s, size_t *len);
/* Load one: -1 when the blob is malformed (bad width or length, members
 * not strictly ascending or too wide for the width). */
int set_from_intset_blob(struct set **out, const unsigned char *blob, size_t len, uint64_t seed);

#endif
