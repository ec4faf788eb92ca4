/* aof_annotation.h -- Runnel's own '#' lines in the append-only file: the
 * state no Redis command can set, written where Redis 7 skips it.
 *
 * One annotation exists today:
 *
 *   #runnel-consumer <hex key> <hex group> <hex consumer> <seen_ms> <active_ms>
 *
 * the exact seen and active times of one consumer (struct stream_consumer:
 * seen = last attempted interaction, active = last successful one, -1
 * never).  Commands set them from the clock when they run, so a replayed
 * XCLAIM or XGROUP CREATECONSUMER would give them the load time; the line
 * follows the effects that replay the command, and loading it puts the
 * original times back.  Names are lower-case hex (any byte may occur in
 * them); the numbers are decimal.  A line longer than EFFECT_ANNOTATION_MAX
 * is never written (effect.c drops it; the base writer skips it): the
 * consumer then keeps the time its replay gave it.
 *
 * Emitters: every command path that changes a consumer's times calls
 * aof_annotate_consumer once per consumer it touched, after its other
 * effects (XREADGROUP, XCLAIM, XAUTOCLAIM, XGROUP CREATECONSUMER); the base
 * writer (aof_base.c) writes one line per consumer with
 * aof_annotation_format_consumer.  The loader hands every '#' line to
 * aof_annotation_apply. */
#ifndef RUNNEL_AOF_ANNOTATION_H
#define RUNNEL_AOF_ANNOTATION_H

#include <stddef.h>

struct server;
struct db;
struct stream_group;
struct stream_consumer;

#define AOF_ANNOTATION_CONSUMER "runnel-consumer"

/* Add the runnel-consumer annotation of cons (of group g of the stream at
 * key, in database dbid) to the running command's effects.  Free when no
 * sink listens. */
void aof_annotate_consumer(struct server *srv, int dbid, const char *key, size_t klen,
                           const struct stream_group *g, const struct stream_consumer *cons);

/* The same annotation as a whole line, '#' and CRLF included, into buf
 * (cap bytes).  Returns its length, or 0 when the line would be longer
 * than EFFECT_ANNOTATION_MAX or cap (it must not be written then). */
size_t aof_annotation_format_consumer(char *buf, size_t cap, const char *key, size_t klen,
                                      const struct stream_group *g,
                                      const struct stream_consumer *cons);

/* Apply one annotation: text is the line after its '#', without the CRLF;
 * words are separated by single spaces (an empty word is an empty name).
 * db is the database the file has selected.  Unknown annotations (Redis's
 * "TS:<unix>", those of later versions) are ignored: 0.  A runnel-consumer
 * line sets the consumer's two times: 0; -1 with the reason in err when
 * the line is malformed (word count, hex, numbers) or names a key, group
 * or consumer that does not exist (the effect that created the consumer
 * always comes first in a sound file, so this is corruption). */
int aof_annotation_apply(struct server *srv, struct db *db, const char *text, size_t len,
                         char *err, size_t errlen);

/* Decode len hex digits (either case) into len / 2 bytes at out; -1 on an
 * odd length or a character that is not a hex digit. */
int aof_annotation_hex_decode(const char *hex, size_t len, char *out);

#endif
