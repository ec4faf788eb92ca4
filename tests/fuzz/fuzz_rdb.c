/* fuzz_rdb.c -- libFuzzer target for the RDB loader (make fuzz-rdb).
 *
 * Each input is loaded as a whole RDB image into empty databases, and also
 * taken as a DUMP payload (verified, then decoded as RESTORE would).  The
 * loader must return 0 or -1 with a message, never read past the input
 * (ASan) or crash; when it loads, the image is saved again and that save
 * must load back.  The checksum is not verified (rdbchecksum no), or
 * almost every mutation would stop at the CRC and nothing else would be
 * explored. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "mem.h"
#include "rdb.h"
#include "rdb_codec.h"
#include "server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct server *fuzz_server(void)
{
    struct server *srv = mem_calloc(sizeof(*srv));
    config_init_defaults(&srv->cfg);
    srv->cfg.rdbchecksum = 0;
    srv->ndbs = 16;
    srv->dbs = mem_calloc(sizeof(struct db) * 16);
    for (int i = 0; i < 16; i++)
        db_init(&srv->dbs[i], i, 0x5eed + (uint64_t)i);
    srv->lru_clock = 1000000;
    return srv;
}

static void fuzz_server_free(struct server *srv)
{
    for (int i = 0; i < srv->ndbs; i++)
        db_free(&srv->dbs[i]);
    mem_free(srv->dbs);
    config_free(&srv->cfg);
    mem_free(srv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int quiet;
    if (!quiet) {
        log_setup(LOG_WARNING, "/dev/null");
        quiet = 1;
    }
    struct server *srv = fuzz_server();
    size_t used = 0;
    char err[512];
    if (rdb_load_buffer(srv, data, size, &used, err, sizeof(err)) == 0) {
        if (used > size)
            abort();
        struct rdb_writer w;
        rdb_writer_init(&w, NULL, NULL, 1);
        if (rdb_save_to_writer(srv, &w, 0) < 0)
            abort();
        struct server *again = fuzz_server();
        if (rdb_load_buffer(again, w.buf, w.len, &used, err, sizeof(err)) < 0)
            abort(); /* what Runnel saves it must load */
        fuzz_server_free(again);
        rdb_writer_free(&w);
    } else if (!err[0]) {
        abort(); /* every failure says why */
    }
    /* As a DUMP payload, past the CRC check (mutations rarely keep it). */
    rdb_verify_payload(data, size);
    if (size >= 10) {
        struct object *o = NULL;
        int unsupported;
        if (rdb_restore_payload(srv, data, size, &o, &unsupported, err, sizeof(err)) == 0)
            object_free(o);
    }
    fuzz_server_free(srv);
    return 0;
}
