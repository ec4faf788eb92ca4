/* check_aof_rdb.c -- runnel-check-aof's check of an RDB base (or an
 * old-style file's RDB preamble).
 *
 * The image is loaded by the server's own loader (rdb_load_buffer) into a
 * bare server struct -- databases and default config, no event loop, no
 * socket -- so the tool judges a base exactly as a start-up would: every
 * opcode, every value of every type, the CRC64 trailer.  redis-check-rdb
 * loads the file the same way.  What the tool then prints is in
 * check_aof.c. */
#include "check_aof_rdb.h"

#include <string.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "mem.h"
#include "rdb.h"
#include "server.h"

int check_aof_rdb_prefix(const char *buf, size_t len, size_t *consumed, long long *keys,
                         long long *expires, char *err, size_t errlen)
{
    struct server *srv = mem_calloc(sizeof(*srv));
    config_init_defaults(&srv->cfg);
    srv->ndbs = srv->cfg.databases > 0 ? srv->cfg.databases : 16;
    srv->dbs = mem_calloc(sizeof(struct db) * (size_t)srv->ndbs);
    for (int i = 0; i < srv->ndbs; i++)
        db_init(&srv->dbs[i], i, 0x9e3779b97f4a7c15ULL + (uint64_t)i);
    *consumed = 0;
    int level = log_get_level();
    log_set_level(LOG_WARNING); /* the loader's progress lines are not the tool's */
    int rc = rdb_load_buffer(srv, buf, len, consumed, err, errlen);
    log_set_level(level);
    *keys = *expires = 0;
    for (int i = 0; i < srv->ndbs; i++) {
        *keys += (long long)srv->dbs[i].keys.used;
        *expires += (long long)srv->dbs[i].expires.used;
        db_free(&srv->dbs[i]);
    }
    mem_free(srv->dbs);
    config_free(&srv->cfg);
    mem_free(srv);
    return rc;
}
