/* check_aof_rdb.h -- check the RDB image at the start of an AOF file (see
 * check_aof_rdb.c). */
#ifndef RUNNEL_CHECK_AOF_RDB_H
#define RUNNEL_CHECK_AOF_RDB_H

#include <stddef.h>

/* Load the RDB image at buf (len bytes, possibly followed by AOF
 * commands) into a throw-away server.  0 with *consumed = the image's
 * length and the number of keys (and of keys with an expiry) it held, or
 * -1 with the loader's reason in err. */
int check_aof_rdb_prefix(const char *buf, size_t len, size_t *consumed, long long *keys,
                         long long *expires, char *err, size_t errlen);

#endif
