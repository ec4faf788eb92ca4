/* notify.h -- keyspace notifications (notify-keyspace-events).
 *
 * A command handler that changes a key calls notify_key() once per event,
 * with the event's class and Redis 7.0's event name ("xadd", "del",
 * "expired", ...).  When the class is enabled the event is published on
 *
 *   __keyspace@<db>__:<key>     message: the event name      (flag K)
 *   __keyevent@<db>__:<event>   message: the key name        (flag E)
 *
 * in that order, through pubsub.c.  Nothing is published while the AOF or
 * a snapshot is being loaded.
 *
 * The flag letters and their canonical CONFIG GET spelling are Redis's;
 * notify_flags_parse/format are libc-only so config.c can use them. */
#ifndef RUNNEL_NOTIFY_H
#define RUNNEL_NOTIFY_H

#include <stddef.h>

struct conn;
struct server;
struct util_arg;

#define NOTIFY_KEYSPACE (1 << 0) /* K */
#define NOTIFY_KEYEVENT (1 << 1) /* E */
#define NOTIFY_GENERIC (1 << 2)  /* g */
#define NOTIFY_STRING (1 << 3)   /* $ */
#define NOTIFY_LIST (1 << 4)     /* l */
#define NOTIFY_SET (1 << 5)      /* s */
#define NOTIFY_HASH (1 << 6)     /* h */
#define NOTIFY_ZSET (1 << 7)     /* z */
#define NOTIFY_EXPIRED (1 << 8)  /* x */
#define NOTIFY_EVICTED (1 << 9)  /* e */
#define NOTIFY_STREAM (1 << 10)  /* t */
#define NOTIFY_KEY_MISS (1 << 11) /* m: not part of A */
#define NOTIFY_MODULE (1 << 13)  /* d */
#define NOTIFY_NEW (1 << 14)     /* n: not part of A */
#define NOTIFY_ALL                                                                             \
    (NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET |   \
     NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE) /* A */

/* The flags of a notify-keyspace-events string, or -1 for a character
 * that is not a flag letter. */
int notify_flags_parse(const char *s, size_t len);
/* The canonical spelling CONFIG GET shows (A for all classes, then K, E,
 * m; Redis 7.0 drops n when A is shown).  cap >= 32. */
void notify_flags_format(int flags, char *buf, size_t cap);

/* Publish event (of class type) for key in db dbid, if enabled. */
void notify_event(struct server *srv, int type, const char *event, int dbid, const char *key,
                  size_t klen);
/* The same for a key in the client's selected db. */
void notify_key(struct conn *c, int type, const char *event, const struct util_arg *key);

#endif
