/* slowlog.h -- the slow log: the last slowlog-max-len commands that took at
 * least slowlog-log-slower-than microseconds (Redis 7.0's SLOWLOG).
 *
 * Entries are kept newest first.  Each keeps at most SLOWLOG_MAX_ARGC
 * arguments and SLOWLOG_MAX_STRING bytes of each, with Redis's markers for
 * what was cut ("... (N more arguments)", "... (N more bytes)"). */
#ifndef RUNNEL_SLOWLOG_H
#define RUNNEL_SLOWLOG_H

#include <stddef.h>

#define SLOWLOG_MAX_ARGC 32
#define SLOWLOG_MAX_STRING 128

struct util_arg;

struct slowlog_entry {
    long long id;
    long long time;      /* unix seconds */
    long long duration;  /* microseconds */
    int argc;
    char **argv;         /* mem_alloc'd copies */
    size_t *argv_len;
    char *peer;          /* client address */
    char *name;          /* client name, "" for none */
    struct slowlog_entry *next;
};

struct slowlog {
    struct slowlog_entry *head; /* newest */
    long long len;
    long long next_id;
};

/* Add an entry; redact[j] nonzero replaces argument j with "(redacted)"
 * (redact may be NULL).  Trims to max_len. */
void slowlog_push(struct slowlog *sl, const struct util_arg *argv, int argc,
                  const unsigned char *redact, long long time, long long duration,
                  const char *peer, const char *name, long long max_len);
void slowlog_trim(struct slowlog *sl, long long max_len);
void slowlog_reset(struct slowlog *sl);

#endif
