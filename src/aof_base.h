/* aof_base.h -- the base file of the append-only file: every key of every
 * database written as the commands that rebuild it (see aof_base.c for
 * the exact sequence per stream). */
#ifndef RUNNEL_AOF_BASE_H
#define RUNNEL_AOF_BASE_H

struct server;

/* Write every key of every database as commands (RESP multibulk, the AOF
 * format) that rebuild it exactly, plus the annotations that carry what
 * commands cannot.  Writes through a buffer to fd; returns 0, or -1 with
 * errno set on a write error.  *nkeys gets the number of keys written.
 * Runs in a forked child (or at start-up before any client): it reads the
 * data and never touches the event loop; it logs through log.h. */
int aof_base_write(struct server *srv, int fd, long long *nkeys);

#endif
