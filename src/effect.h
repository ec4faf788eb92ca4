/* effect.h -- the effects that write commands emit.
 *
 * A write command does not hand its request to persistence; it describes
 * the change it made as commands that replay it deterministically: XADD
 * with the ID it generated instead of `*`, PEXPIREAT instead of EXPIRE, DEL
 * for a key that expired.  The effects of one top-level command (or of one
 * EXEC) are collected in the server's pending batch and delivered together,
 * as one atomic unit, to every registered sink when that command ends.
 * The append-only file and replication are sinks; so is the trace file
 * (config `effect-trace-file`) that tests read.
 *
 * Encoding a batch as RESP (SELECT when the database changes, MULTI/EXEC
 * around a unit of more than one effect) lives here so that every sink
 * writes the same bytes. */
#ifndef RUNNEL_EFFECT_H
#define RUNNEL_EFFECT_H

#include <stddef.h>

#include "reply.h"
#include "util.h"

/* Effect flags. */
#define EFFECT_ANNOTATION (1u << 0) /* a '#' line, not a command (see below) */
#define EFFECT_SOFT (1u << 1)       /* state worth keeping, but no write to
                                     * acknowledge: it never forces an fsync */

/* An annotation is a line "#word word ...\r\n" in the append-only file:
 * Redis 7 skips such lines when it loads a file (its own are "#TS:"), so
 * Runnel records state there that no Redis command can set, such as a
 * consumer's seen and active times.  Its words must not contain spaces,
 * CR or LF (binary names are hex-encoded, effect_arg_hex). */
#define EFFECT_ANNOTATION_MAX 1000 /* Redis reads annotations into 1 KiB */

struct effect {
    int dbid;
    int argc;
    int cap;
    unsigned flags;
    struct util_arg *argv;     /* words in the batch's blocks */
    struct effect_batch *batch;
};

/* The words of a batch's effects live in blocks that are never moved
 * (pointers into them stay valid) and are reused when the batch is
 * cleared: a write command's effect costs no allocation per word. */
struct effect_block {
    struct effect_block *next;
    size_t used, cap;
    char data[];
};

struct effect_batch {
    struct effect_block *blocks; /* newest first */
    struct effect *v;
    int n;
    int cap;
    int slots;            /* v[0 .. slots) have argv arrays kept for reuse
                           * (a cleared batch keeps them, as it keeps a block) */
    int discard;          /* no sink listens: effects are not built */
    int hard;             /* effects that are not EFFECT_SOFT in this unit */
    struct effect sink_hole; /* what effect_new returns while discarding */
};

/* A sink sees each atomic unit once. */
typedef void (*effect_sink_fn)(void *ud, const struct effect *effects, int n);

void effect_batch_init(struct effect_batch *b);
void effect_batch_clear(struct effect_batch *b);
void effect_batch_free(struct effect_batch *b);

/* Start a new effect in db `dbid`; add its words with effect_arg*().
 * While the batch discards (no sinks), this returns a placeholder whose
 * words are dropped, so commands pay nothing for a seam nobody uses. */
struct effect *effect_new(struct effect_batch *b, int dbid);
void effect_arg(struct effect *e, const char *p, size_t len);
void effect_arg_cstr(struct effect *e, const char *s);
void effect_arg_ll(struct effect *e, long long v);
/* A word as lower-case hex (annotations carry binary names this way). */
void effect_arg_hex(struct effect *e, const char *p, size_t len);
/* Mark e (see EFFECT_*); a soft effect does not count as a change. */
void effect_set_flags(struct effect_batch *b, struct effect *e, unsigned flags);
/* 1 if the unit changed data (some effect is not soft). */
static inline int effect_unit_is_hard(const struct effect_batch *b) { return b->hard > 0; }

/* Append the RESP encoding of one unit to out (annotations as their
 * '#' lines; MULTI/EXEC wraps a unit of more than one command).  *cur_db is the database
 * the reader of the stream is in (-1 unknown); a SELECT is written when an
 * effect is for another one, and *cur_db updated. */
void effect_encode(struct reply_buf *out, const struct effect *effects, int n, int *cur_db);

#endif
