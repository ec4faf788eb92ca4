/* rdb_prefetch.h -- a stream's nodes read ahead on a helper thread.
 *
 * Loading a large stream spends about a quarter of its time decompressing
 * the LZF listpacks of its nodes; the rest goes into checking them and
 * building the engine's nodes.  With a second core the two overlap: the
 * thread walks the (key, listpack) pairs ahead of the loader, leaves plain
 * strings where they lie in the input and decompresses the others into
 * batch buffers of its own, which the loader takes in order.
 *
 * The thread only reads the input (the caller keeps it mapped until
 * rdb_prefetch_stop) and touches nothing of the server: not mem.c's
 * accounting (its buffers come from malloc), not the log.  A malformed
 * pair stops it; the loader gets the same error text and offset as from
 * reading the pair itself, when it reaches that pair. */
#ifndef RUNNEL_RDB_PREFETCH_H
#define RUNNEL_RDB_PREFETCH_H

#include <stddef.h>
#include <stdint.h>

#include "rdb_codec.h"

struct rdb_prefetch;

/* Below this many nodes a stream is read without the thread. */
#define RDB_PREFETCH_MIN_NODES 64

/* Start reading n pairs from r's position; NULL when the thread could not
 * be started (the caller then reads them itself). r is not moved. */
struct rdb_prefetch *rdb_prefetch_start(const struct rdb_reader *r, uint64_t n);

/* The next pair, in order: key and listpack, valid until the next call.
 * r->pos is set past the pair, as reading it would have left it.  0, or -1
 * with r->err and r->pos as reading the pair would have set them. */
int rdb_prefetch_next(struct rdb_prefetch *pf, struct rdb_reader *r, const unsigned char **key,
                      size_t *klen, const unsigned char **lp, size_t *lplen);

/* Stop the thread (also before the last pair) and free everything. */
void rdb_prefetch_stop(struct rdb_prefetch *pf);

#endif
