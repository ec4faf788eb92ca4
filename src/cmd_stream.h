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

#endif
