/* rdb_pipe.h -- a file writer's LZF, CRC and write() on a helper thread.
 *
 * A snapshot spends most of its time building listpacks (rdb_stream.c) and
 * compressing them; with a second core the two can overlap.  After
 * rdb_pipe_start, the writer's calls queue their bytes -- raw, or strings
 * over 20 bytes that may be compressed -- in a few fixed chunks, and the
 * thread feeds them to an inner synchronous writer (the same code, so the
 * same bytes in the same order); while the thread is behind, the caller
 * compresses strings itself and queues the result.  Memory: eight 256 KiB
 * chunks (each hand-over costs the two threads context switches: 64 KiB
 * chunks made ~450 per 6 MB SAVE, ~3 ms here) and scratch
 * buffers, whatever the dataset; a string too big for a chunk is written by
 * the calling thread once the queue is empty.
 *
 * A process keeps its pipe between snapshots -- the thread waits for the
 * next one, the buffers stay -- in memory a fork does not share (see
 * rdb_pipe.c); a child makes its own.
 *
 * The thread allocates nothing (its writers' buffers are the pipe's) and
 * calls nothing of the server: only the codec and the flush callback,
 * which from then on runs on the thread, never on two threads at once.
 * Errors reach the writer's err when chunks are handed over, and at the
 * latest at rdb_writer_flush, so loops that test w->err stop a little
 * later than without the thread, but always. */
#ifndef RUNNEL_RDB_PIPE_H
#define RUNNEL_RDB_PIPE_H

#include <stddef.h>

#include "rdb_codec.h"

/* Start the thread for a file writer nothing has been written to yet;
 * 0, or -1 when it could not be started (the writer then stays
 * synchronous, which is always correct). */
int rdb_pipe_start(struct rdb_writer *w);

/* The writer's hooks (rdb_codec.c calls them while w->pipe is set). */
int rdb_pipe_put_raw(struct rdb_writer *w, const void *p, size_t len);
int rdb_pipe_put_string(struct rdb_writer *w, const void *p, size_t len);
/* Wait until the thread has written everything queued; w->crc, w->total
 * and w->err then describe it.  0 or -1. */
int rdb_pipe_drain(struct rdb_writer *w);
/* rdb_pipe_drain, then the inner writer's flush. */
int rdb_pipe_flush(struct rdb_writer *w);
/* Finish what is queued and detach the pipe from the writer: the kept
 * pipe waits for the next rdb_pipe_start, another one (started while the
 * kept one was in use) stops its thread and is freed. */
void rdb_pipe_stop(struct rdb_writer *w);

#endif
