/* stream_id.h -- stream entry IDs: compare, step, format, parse, and the
 * rules XADD uses to pick the ID of a new entry.
 *
 * An ID is two unsigned 64-bit halves, "ms-seq", ordered by ms then seq.
 * 0-0 is the smallest and never names a real entry; UINT64_MAX-UINT64_MAX
 * is the largest.  This header also holds the engine's error codes: every
 * engine function returns 0 (or a count) on success and one of these
 * negative codes on failure; the command layer maps them to Redis's text. */
#ifndef RUNNEL_STREAM_ID_H
#define RUNNEL_STREAM_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stream_id {
    uint64_t ms;
    uint64_t seq;
};

/* Engine error codes (0 is success).  The comment gives the Redis reply the
 * command layer is expected to send for the XADD/XSETID cases. */
enum stream_err {
    STREAM_OK = 0,
    STREAM_ERR_SYNTAX = -1,          /* "Invalid stream ID specified as stream command argument" */
    STREAM_ERR_ID_ZERO = -2,         /* "The ID specified in XADD must be greater than 0-0" */
    STREAM_ERR_ID_TOO_SMALL = -3,    /* "The ID specified in XADD is equal or smaller than the target stream top item"
                                      * (XSETID: "... smaller than the target stream top item") */
    STREAM_ERR_EXHAUSTED = -4,       /* "The stream has exhausted the last possible ID, unable to add more items" */
    STREAM_ERR_SEQ_OVERFLOW = -5,    /* XADD ms-* with ms == last.ms and last.seq == UINT64_MAX:
                                      * Redis 7.2+ answers as for ID_TOO_SMALL (7.0 said
                                      * "Elements are too large to be stored") */
    STREAM_ERR_OVERFLOW = -6,        /* increment past the max ID / decrement below 0-0 */
    STREAM_ERR_ENTRIES_ADDED = -7,   /* XSETID: "The entries_added specified in XSETID is smaller than the target stream length" */
    STREAM_ERR_MAX_DELETED = -8,     /* XSETID: "The ID specified in XSETID is smaller than the provided max_deleted_entry_id" */
    STREAM_ERR_TOO_BIG = -9,         /* an entry too large to encode in one node (> 1 GiB) */
    STREAM_ERR_CORRUPT = -10,        /* loader: node bytes or metadata that fail validation */
    STREAM_ERR_BELOW_MAX_DELETED = -11, /* XSETID (Redis 7.2+): "The ID specified in XSETID is smaller than current max_deleted_entry_id" */
};

/* A short constant description of an error code, for logs and tests only
 * (never the Redis reply text). */
const char *stream_strerror(int err);

#define STREAM_ID_MIN ((struct stream_id){0, 0})
#define STREAM_ID_MAX ((struct stream_id){UINT64_MAX, UINT64_MAX})

/* "18446744073709551615-18446744073709551615" plus NUL. */
#define STREAM_ID_STR_MAX 42

/* -1, 0 or 1 as a is smaller, equal or greater than b. */
static inline int stream_id_cmp(const struct stream_id *a, const struct stream_id *b)
{
    if (a->ms != b->ms)
        return a->ms < b->ms ? -1 : 1;
    if (a->seq != b->seq)
        return a->seq < b->seq ? -1 : 1;
    return 0;
}

static inline bool stream_id_eq(const struct stream_id *a, const struct stream_id *b)
{
    return a->ms == b->ms && a->seq == b->seq;
}

static inline bool stream_id_is_zero(const struct stream_id *a)
{
    return a->ms == 0 && a->seq == 0;
}

static inline bool stream_id_is_max(const struct stream_id *a)
{
    return a->ms == UINT64_MAX && a->seq == UINT64_MAX;
}

/* Step *id to the next ID (seq+1, carrying into ms).  Fails with
 * STREAM_ERR_OVERFLOW, leaving *id unchanged, when it is the max ID. */
int stream_id_incr(struct stream_id *id);

/* Step *id to the previous ID.  Fails with STREAM_ERR_OVERFLOW, leaving
 * *id unchanged, when it is 0-0. */
int stream_id_decr(struct stream_id *id);

/* Write "ms-seq" and a NUL into buf (size >= STREAM_ID_STR_MAX is always
 * enough); returns the length written, without the NUL.  Truncates like
 * snprintf when buf is too small. */
size_t stream_id_format(const struct stream_id *id, char *buf, size_t size);

/* What an ID argument asked for. */
enum stream_id_kind {
    STREAM_ID_EXPLICIT = 0,   /* "ms-seq" or "ms" */
    STREAM_ID_AUTO,           /* "*": XADD picks ms and seq */
    STREAM_ID_AUTO_SEQ,       /* "ms-*": XADD picks seq (id.seq is 0) */
};

struct stream_id_spec {
    struct stream_id id;
    enum stream_id_kind kind;
    bool exclusive;           /* a "(" prefix was given (interval bounds) */
};

/* Options for stream_id_parse. */
#define STREAM_ID_SEQ_MAX        (1u << 0) /* "ms" means ms-UINT64_MAX (else ms-0) */
#define STREAM_ID_ALLOW_MINMAX   (1u << 1) /* "-" is 0-0 and "+" the max ID */
#define STREAM_ID_ALLOW_AUTO     (1u << 2) /* "*" accepted (XADD) */
#define STREAM_ID_ALLOW_AUTO_SEQ (1u << 3) /* "ms-*" accepted (XADD) */
#define STREAM_ID_ALLOW_EXCL     (1u << 4) /* "(" prefix accepted (XRANGE bounds);
                                            * what follows must be a plain ID, never
                                            * "-" or "+", as in Redis */
#define STREAM_ID_STRICT_DIGITS  (1u << 5) /* reject what Redis lets through by its
                                            * strtoull() fallback: leading zeros,
                                            * '+', leading blanks, "-0" seqs */

/* Parse an ID argument of len bytes as Redis's stream ID parser does:
 * "ms" or "ms-seq", each part a decimal uint64.  Like Redis (string2ull's
 * strtoull fallback) it accepts leading zeros, a leading '+' or blanks in
 * either part, and a seq of "-0" ("5--0" is 5-0), unless
 * STREAM_ID_STRICT_DIGITS; arguments longer than 127 bytes are rejected.
 * The flags above enable the special forms.  On success fills *out and
 * returns 0; fails with STREAM_ERR_SYNTAX, *out then undefined.  The 0-0
 * check of XADD is not made here (see stream_id_next). */
int stream_id_parse(const char *s, size_t len, unsigned flags, struct stream_id_spec *out);

/* The ID XADD gives a new entry, from the stream's last ID, what the
 * argument asked for, and the wall clock (ms).  Checks in Redis's order:
 *   - an explicit 0-0 fails with STREAM_ERR_ID_ZERO (also on empty streams);
 *   - a stream whose last ID is the max ID fails with STREAM_ERR_EXHAUSTED
 *     whatever was asked;
 *   - "*": now-0 if now > last.ms, else last.ms-(last.seq+1), carrying into
 *     (last.ms+1)-0 when the seq would overflow (a clock going backwards
 *     never makes IDs go backwards);
 *   - "ms-*": ms > last.ms gives ms-0; ms == last.ms gives ms-(last.seq+1),
 *     or STREAM_ERR_SEQ_OVERFLOW when last.seq is UINT64_MAX; ms < last.ms
 *     fails with STREAM_ERR_ID_TOO_SMALL;
 *   - explicit: must be greater than last, else STREAM_ERR_ID_TOO_SMALL.
 * spec->exclusive is ignored.  On success stores the ID in *out, returns 0. */
int stream_id_next(const struct stream_id *last, const struct stream_id_spec *spec,
                   uint64_t now_ms, struct stream_id *out);

#endif
