/* aof_load.c -- replay one file of the AOF at start-up.
 *
 * The file is mapped and walked with aof_scan (commands and '#'
 * annotations, with exact offsets); each command runs on a fake client as
 * if a client had sent it, with the server in `loading` mode: no effects
 * go to the sinks, keys do not expire, and the dirty counter is reset
 * afterwards.  Annotations go to aof_annotation_apply.
 *
 * The outcomes, as Redis 7.0's loader has them:
 *   - a clean end: loaded;
 *   - a cut at the end of the last file (a crash during a write), or a
 *     MULTI without its EXEC there: with aof-load-truncated yes the file is
 *     truncated at the last whole command, with a warning, and loading
 *     goes on; otherwise the server refuses to start;
 *   - a cut in any other file, or bad bytes anywhere: refuse to start,
 *     naming the file, the byte offset and what was wrong;
 *   - a command the server does not know: refuse to start. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aof.h"
#include "aof_annotation.h"
#include "aof_scan.h"
#include "command.h"
#include "conn.h"
#include "log.h"
#include "rdb.h"
#include "mem.h"
#include "server.h"
#include "util.h"

#define AOF_LOAD_PROGRESS_US 1000000LL /* a progress line each second */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void refuse_truncated(const char *path)
{
    log_warning("Unexpected end of file reading the append only file %s. You can: "
                "1) Make a backup of your AOF file, then use ./runnel-check-aof --fix "
                "<filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' "
                "configuration option to yes and restart the server.",
                base_name(path));
}

/* Cut the file at `upto` (its last whole command). */
static int truncate_at(struct server *srv, const char *path, size_t upto, int last)
{
    if (!last || !srv->cfg.aof_load_truncated) {
        refuse_truncated(path);
        return -1;
    }
    log_warning("!!! Warning: short read while loading the AOF file %s!!!", base_name(path));
    log_warning("!!! Truncating the AOF %s at offset %zu !!!", base_name(path), upto);
    if (truncate(path, (off_t)upto) < 0) {
        log_warning("Error truncating the AOF file %s: %s", base_name(path), strerror(errno));
        return -1;
    }
    log_warning("AOF %s loaded anyway because aof-load-truncated is enabled", base_name(path));
    return 0;
}

int aof_load_file(struct server *srv, const char *path, int last)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        log_warning("Fatal error: can't open the append log file %s for reading: %s",
                    base_name(path), strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        log_warning("Unable to check the AOF length: %s", strerror(errno));
        close(fd);
        return -1;
    }
    size_t len = (size_t)st.st_size;
    if (len == 0) {
        close(fd);
        return 0;
    }
    const char *buf = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (buf == MAP_FAILED) {
        log_warning("Can't map the append only file %s: %s", base_name(path), strerror(errno));
        return -1;
    }
    madvise((void *)buf, len, MADV_SEQUENTIAL);
    /* A base in RDB format (aof-use-rdb-preamble: Redis 7's .base.rdb, or
     * an older single file with an RDB preamble followed by commands). */
    size_t skip = 0;
    if (len >= 5 && memcmp(buf, "REDIS", 5) == 0) {
        char err[512];
        if (rdb_load_buffer(srv, buf, len, &skip, err, sizeof(err)) < 0) {
            log_warning("Bad RDB preamble in the append only file %s: %s", base_name(path), err);
            munmap((void *)buf, len);
            return -1;
        }
        log_notice("Reading RDB base file on AOF loading...");
    }

    struct conn *c = conn_create_fake(srv);
    c->parser.max_bulk_len = LLONG_MAX; /* the file was accepted once */
    struct aof_scan scan;
    struct aof_scan_item it;
    aof_scan_init(&scan, buf + skip, len - skip);
    int saved_discard = srv->effects.discard;
    srv->loading = 1;
    srv->effects.discard = 1;
    int rc = 0;
    long long ncmds = 0, nerrors = 0;
    long long t0 = util_ustime(), last_progress = t0;
    for (;;) {
        enum aof_item k = aof_scan_next(&scan, &c->parser, &it);
        if (k == AOF_ITEM_END)
            break;
        if (k == AOF_ITEM_TRUNCATED && it.pad_tail) {
            /* Padding (or an older run's zeros) from an item boundary to
             * the end: space the writer had preallocated (aof-preallocate)
             * when the server stopped without closing the file.  The log
             * ends here; the writer cuts it and pads afresh. */
            log_verbose("AOF %s: %zu bytes of preallocated space after the last command",
                        base_name(path), it.pad_tail);
            break;
        }
        if (k == AOF_ITEM_TRUNCATED) {
            /* it.start is the last whole item's end, or the MULTI whose
             * EXEC never came (aof_scan reverts half transactions). */
            if (it.error[0])
                log_warning("%s (%s)", it.error, base_name(path));
            rc = truncate_at(srv, path, skip + it.start, last);
            break;
        }
        if (k == AOF_ITEM_CORRUPT) {
            log_warning("Bad file format reading the append only file %s at offset %zu "
                        "(line %lld): %s: make a backup of your AOF file, then use "
                        "./runnel-check-aof --fix <filename.manifest>",
                        base_name(path), skip + it.bad, it.item_line, it.error);
            rc = -1;
            break;
        }
        if (k == AOF_ITEM_ANNOTATION) {
            char err[256];
            if (aof_annotation_apply(srv, c->db, it.text, it.text_len, err, sizeof(err)) < 0) {
                log_warning("Bad annotation in the append only file %s at offset %zu: %s",
                            base_name(path), skip + it.start, err);
                rc = -1;
                break;
            }
            continue;
        }
        /* A command. */
        if (!command_lookup(srv, c->parser.argv[0].ptr, c->parser.argv[0].len)) {
            log_warning("Unknown command '%.*s' reading the append only file %s",
                        (int)(c->parser.argv[0].len > 64 ? 64 : c->parser.argv[0].len),
                        c->parser.argv[0].ptr, base_name(path));
            resp_request_reset(&c->parser);
            rc = -1;
            break;
        }
        long long errors = srv->stat.total_error_replies;
        conn_run_request(c);
        command_note_source_errors(c, errors, false);
        if (c->out.len > 0) {
            if (c->out.buf[0] == '-' && nerrors++ < 5)
                log_verbose("AOF %s offset %zu: a command answered %.*s", base_name(path),
                            it.start, (int)(c->out.len > 120 ? 120 : c->out.len - 2), c->out.buf);
            c->out.len = c->out.sent = 0;
        }
        if ((++ncmds & 4095) == 0) {
            long long now = util_ustime();
            if (now - last_progress >= AOF_LOAD_PROGRESS_US) {
                double secs = (double)(now - t0) / 1e6;
                log_notice("Loading AOF %s: %.1f%% (%lld commands, %.0f commands/s)",
                           base_name(path), 100.0 * (double)it.end / (double)len, ncmds,
                           (double)ncmds / secs);
                last_progress = now;
            }
        }
    }
    if (nerrors > 5)
        log_verbose("AOF %s: %lld commands answered an error", base_name(path), nerrors);
    srv->loading = 0;
    srv->effects.discard = saved_discard;
    effect_batch_clear(&srv->effects);
    conn_free(c);
    munmap((void *)buf, len);
    srv->stat.numcommands = 0;
    return rc;
}
