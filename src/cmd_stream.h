/* cmd_stream.h -- what other command families share with the stream
 * commands: the stream object type and the entry reply shapes. */
#ifndef RUNNEL_CMD_STREAM_H
#define RUNNEL_CMD_STREAM_H

#include <stdbool.h>

#include "db.h"
#include "reply.h"
#include "stream.h"

extern const struct object_type stream_object_type;

/* [id, [field, value, ...]] */
void reply_stream_entry(struct reply_buf *r, const struct stream_id *id,
                        const struct stream_str *fv, size_t npairs);
/* An array of entries in [start, end] (count 0 = all); returns how many. */
long reply_stream_range(struct reply_buf *r, const struct stream *s, const struct stream_id *start,
                        const struct stream_id *end, long long count, bool rev);

/* XREAD and XREADGROUP options, parsed by one function with Redis's errors
 * in its order (the group-only options are refused for XREAD). */
struct read_args {
    long long count;    /* per stream, 0 = all */
    long long maxcount; /* MAXCOUNT (8.10): entries in all, -1 = no cap */
    long long maxsize;  /* MAXSIZE (8.10): field and value bytes, -1 */
    long long timeout;  /* -1: no BLOCK */
    long long min_idle; /* XREADGROUP CLAIM (8.4), -1: none */
    bool noack;
    int group_arg;      /* argv index of the group name (0: none) */
    int streams_arg, nstreams;
};
struct conn;
/* 0, or -1 after replying with the error. */
int read_args_parse_or_reply(struct conn *c, bool group, struct read_args *a);

/* Redis 8.10's caps on a whole XREAD/XREADGROUP reply, across its keys: at
 * most `entries` entries (MAXCOUNT) and about `bytes` bytes of fields and
 * values (MAXSIZE; the entry that reaches it is still sent, so a reply is
 * never empty because of it).  -1: no cap. */
struct read_budget {
    long long entries;
    long long bytes;
};
/* Nothing more may be sent. */
bool read_budget_spent(const struct read_budget *b);
/* Charge one entry of npairs field/value pairs. */
void read_budget_charge(struct read_budget *b, const struct stream_str *fv, size_t npairs);

#endif
