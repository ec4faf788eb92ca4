/* strobj.h -- the value of a string key.
 *
 * One allocation per value: a small header and the bytes, NUL-terminated
 * (the bytes may contain NULs; len is authoritative).  The encoding is the
 * one Redis 7.0 would report for the same history of commands, because
 * OBJECT ENCODING shows it:
 *
 *   int     a canonical 64-bit integer of at most 20 characters, stored by
 *           SET-like commands (Redis's tryObjectEncoding) or produced by
 *           INCR/DECR; the digits are kept, so reads cost nothing
 *   embstr  any other value of at most 44 bytes written whole
 *   raw     longer values, and every value APPEND or SETRANGE touched
 *           (Redis unshares such a value into a growable buffer)
 *
 * Redis shares the integers 0..9999 between keys: OBJECT REFCOUNT of such a
 * value answers INT_MAX.  `shared` records that the value is one Redis
 * would share (set by strobj_new and strobj_from_ll, cleared by a copy).
 *
 * Raw values keep spare capacity for repeated appends (doubling up to
 * 1 MiB, then 1 MiB at a time, as Redis's sds grows); appends and
 * SETRANGE may move the value, so they return the new pointer.
 *
 * Pure data: no I/O, allocation through mem.h (which aborts on failure). */
#ifndef RUNNEL_STROBJ_H
#define RUNNEL_STROBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum strobj_enc { STROBJ_INT = 0, STROBJ_EMBSTR, STROBJ_RAW };

#define STROBJ_EMBSTR_MAX 44      /* Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT */
#define STROBJ_SHARED_INTS 10000  /* Redis's OBJ_SHARED_INTEGERS */
#define STROBJ_LL_MAX_CHARS 21    /* "-9223372036854775808" and a NUL */

struct strobj {
    size_t len;     /* bytes of the value */
    size_t cap;     /* bytes buf can hold before it must grow (raw) */
    uint8_t enc;    /* enum strobj_enc */
    bool shared;    /* an integer Redis would share (OBJECT REFCOUNT) */
    char buf[];     /* len bytes, then a NUL */
};

/* A value written whole (SET, SETNX, SETEX, GETSET, MSET, APPEND to a new
 * key): int when it is a canonical integer of at most 20 characters,
 * otherwise embstr or raw by length. */
struct strobj *strobj_new(const char *p, size_t len);
/* A value written whole that Redis never turns into an integer (the
 * result of INCRBYFLOAT): embstr or raw by length. */
struct strobj *strobj_new_plain(const char *p, size_t len);
/* The result of INCR/DECR/INCRBY/DECRBY. */
struct strobj *strobj_from_ll(long long v);
void strobj_free(struct strobj *s);
/* COPY: the same bytes and encoding, never shared. */
struct strobj *strobj_dup(const struct strobj *s);

/* The value as a long long if it is one exactly as Redis's string2ll()
 * reads it; true on success. */
bool strobj_to_ll(const struct strobj *s, long long *out);
/* Canonical integer parsing (string2ll): optional '-', digits without
 * leading zeros ("0" alone), within int64.  Exposed for the hash engine's
 * callers and tests. */
bool strobj_parse_ll(const char *p, size_t len, long long *out);
/* Decimal form of v into buf (>= STROBJ_LL_MAX_CHARS); returns the length. */
size_t strobj_format_ll(char *buf, long long v);

/* APPEND: the value with p appended, raw; may move (use the result). */
struct strobj *strobj_append(struct strobj *s, const char *p, size_t n);
/* SETRANGE: write p at offset, zero-filling any gap past the end; raw;
 * may move.  s may be NULL (a new key). */
struct strobj *strobj_setrange(struct strobj *s, size_t offset, const char *p, size_t n);

/* "int", "embstr" or "raw". */
const char *strobj_encoding_name(const struct strobj *s);
/* Bytes allocated for the value (MEMORY USAGE). */
size_t strobj_memory(const struct strobj *s);

#endif
