/* check_aof.c -- runnel-check-aof: check (and repair) an append-only file.
 *
 *   runnel-check-aof [--fix] [--truncate-to-timestamp <t>] <file.manifest|file.aof>
 *
 * The counterpart of redis-check-aof 7.0, with its output lines, so that
 * scripts and people used to it read ours the same way.  Given a manifest
 * (its name ends in ".manifest" or its content starts with "file "), it
 * checks the base and then the incr files it lists, found in the
 * manifest's directory (history files are never loaded, so never checked);
 * given any other file, that file alone.  A file that starts with an RDB
 * image ("REDIS": a base written with aof-use-rdb-preamble, or an
 * old-style appendonly.aof with its preamble) has the image checked by the
 * server's own RDB loader (check_aof_rdb.c: every value, the checksum) and
 * then whatever follows it as AOF commands, as redis-check-aof does.
 *
 * The walk is aof_scan's, the very code the server loads with, so the tool
 * and the loader can never disagree about a file.  Outcomes per file:
 *   valid          "... is valid";
 *   empty          "... is empty" (fine, as in Redis);
 *   cut short      (a crash during an append; a MULTI without its EXEC at
 *                  the end counts, cut at the MULTI): "not valid", or with
 *                  --fix truncated at the last whole command.  Only the
 *                  last file of the set may be cut: an earlier one was
 *                  complete when the next one was started, so a cut there
 *                  is damage, never fixed;
 *   bad bytes      report file, offset, line and reason; never fixed
 *                  (truncating would drop the valid data after them).
 * Unlike redis-check-aof, --fix asks nothing: it is run from scripts; it
 * says what it did.  --truncate-to-timestamp t cuts the last file before
 * the first "#TS:<n>" annotation with n > t, as Redis does.
 *
 * Exit status: 0 when everything is valid (or was fixed), 1 otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aof_manifest.h"
#include "aof_scan.h"
#include "check_aof_rdb.h"
#include "mem.h"
#include "resp.h"
#include "util.h"

enum check_result { CHECK_OK, CHECK_EMPTY, CHECK_TRUNCATED, CHECK_TS_TRUNCATED };

struct check_opts {
    int fix;
    int have_ts;
    long long to_ts;
};

static void check_exit(int code) __attribute__((noreturn));
static void check_exit(int code)
{
    fflush(stdout);
    exit(code);
}

/* Cut path to `size` bytes and make it durable. */
static int check_truncate(const char *path, long long size)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (ftruncate(fd, (off_t)size) < 0 || fsync(fd) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return close(fd);
}

/* The number of a "TS:<n>" annotation (text after '#'), or -1 if it is
 * not one; -2 when it is one but n is not a number. */
static int check_ts_annotation(const char *text, size_t n, long long *ts)
{
    if (n < 3 || memcmp(text, "TS:", 3) != 0)
        return -1;
    return util_str_to_ll(text + 3, n - 3, ts) ? 0 : -2;
}

/* Check the RDB image buf starts with; returns its length (the AOF tail
 * starts there) or exits. */
static size_t check_rdb_part(const char *name, const char *buf, size_t size)
{
    char err[512] = "";
    size_t used = 0;
    long long keys = 0, expires = 0;
    printf("[offset 0] Checking RDB file %s\n", name);
    if (check_aof_rdb_prefix(buf, size, &used, &keys, &expires, err, sizeof(err)) < 0) {
        printf("--- RDB ERROR DETECTED ---\n");
        printf("%s\n", err[0] ? err : "the RDB image could not be loaded");
        printf("RDB preamble of AOF file is not sane, aborting.\n");
        check_exit(1);
    }
    printf("[offset %zu] \\o/ RDB looks OK! \\o/\n", used);
    printf("[info] %lld keys read\n", keys);
    printf("[info] %lld expires\n", expires);
    printf("RDB preamble is OK, proceeding with AOF tail...\n");
    return used;
}

/* Check one file; exits on anything that is not a success. */
static enum check_result check_single(const struct check_opts *o, const char *name,
                                      const char *path, int last_file)
{
    struct resp_parser p;
    struct aof_scan s;
    struct aof_scan_item it;
    struct stat st;
    enum aof_item k;
    long long ok_up_to, ok_line, size;
    int fd;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        printf("Cannot open file: %s (%s), aborting...\n", name, strerror(errno));
        check_exit(1);
    }
    if (fstat(fd, &st) < 0) {
        printf("Cannot stat file: %s, aborting...\n", name);
        check_exit(1);
    }
    size = (long long)st.st_size;
    if (size == 0) {
        close(fd);
        return CHECK_EMPTY;
    }
    const char *buf = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (buf == MAP_FAILED) {
        printf("Cannot read file: %s (%s), aborting...\n", name, strerror(errno));
        check_exit(1);
    }

    /* An RDB image first: checked whole, then the commands after it. */
    size_t skip = 0;
    if (size >= 8 && memcmp(buf, "REDIS", 5) == 0)
        skip = check_rdb_part(name, buf, (size_t)size);
    resp_parser_init(&p, LLONG_MAX);
    aof_scan_init(&s, buf + skip, (size_t)size - skip);
    for (;;) {
        k = aof_scan_next(&s, &p, &it);
        if (k == AOF_ITEM_COMMAND) {
            resp_request_reset(&p);
            continue;
        }
        if (k != AOF_ITEM_ANNOTATION)
            break;
        if (!o->have_ts)
            continue;
        long long ts;
        int rc = check_ts_annotation(it.text, it.text_len, &ts);
        if (rc == -2) {
            printf("Invalid timestamp annotation in AOF %s at offset %zu\n", name, it.start);
            check_exit(1);
        }
        if (rc < 0 || ts <= o->to_ts)
            continue;
        /* Cut before the annotation, or before the MULTI it falls in. */
        long long cut = (long long)(skip + (s.in_multi ? s.multi_start : it.start));
        munmap((void *)buf, (size_t)size);
        resp_parser_free(&p);
        if (cut == 0) {
            printf("AOF %s has nothing before timestamp %lld, aborting...\n", name, o->to_ts);
            check_exit(1);
        }
        if (!last_file) {
            printf("Failed to truncate AOF %s to timestamp %lld to offset %lld because it is "
                   "not the last file.\n",
                   name, o->to_ts, cut);
            printf("If you insist, please delete all files after this file according to the "
                   "manifest file and delete the corresponding records in manifest file "
                   "manually. Then re-run runnel-check-aof.\n");
            check_exit(1);
        }
        if (check_truncate(path, cut) < 0) {
            printf("Failed to truncate AOF %s to timestamp %lld: %s\n", name, o->to_ts,
                   strerror(errno));
            check_exit(1);
        }
        return CHECK_TS_TRUNCATED;
    }
    munmap((void *)buf, (size_t)size);
    resp_parser_free(&p);

    if (k == AOF_ITEM_END) {
        ok_up_to = size;
        ok_line = it.line;
    } else {
        ok_up_to = (long long)(skip + it.start);
        ok_line = it.line;
        printf("0x%16llx: %s\n",
               (unsigned long long)(skip + (k == AOF_ITEM_CORRUPT ? it.bad : it.item_start)),
               it.error);
    }
    long long diff = size - ok_up_to;

    if (diff == 0 && o->have_ts) {
        printf("Truncate nothing in AOF %s to timestamp %lld\n", name, o->to_ts);
        return CHECK_OK;
    }
    printf("AOF analyzed: filename=%s, size=%lld, ok_up_to=%lld, ok_up_to_line=%lld, "
           "diff=%lld\n",
           name, size, ok_up_to, ok_line, diff);
    if (k == AOF_ITEM_CORRUPT) {
        printf("AOF %s is not valid: bad data at offset %zu (line %lld): %s\n", name,
               skip + it.bad, it.item_line, it.error);
        if (o->fix)
            printf("Not truncating AOF %s: the damage is not a cut at its end, and truncating "
                   "at offset %lld would also drop what follows it. Restore the file from a "
                   "backup or repair it by hand.\n",
                   name, ok_up_to);
        check_exit(1);
    }
    if (diff == 0)
        return CHECK_OK;
    if (!last_file) {
        printf("AOF %s is not valid: it is cut short, and only the last file may be. "
               "--fix cannot repair it.\n",
               name);
        if (o->fix)
            printf("Failed to truncate AOF %s because it is not the last file\n", name);
        check_exit(1);
    }
    if (!o->fix) {
        printf("AOF %s is not valid. Use the --fix option to try fixing it.\n", name);
        check_exit(1);
    }
    printf("This will shrink the AOF %s from %lld bytes, with %lld bytes, to %lld bytes\n", name,
           size, diff, ok_up_to);
    if (check_truncate(path, ok_up_to) < 0) {
        printf("Failed to truncate AOF %s: %s\n", name, strerror(errno));
        check_exit(1);
    }
    return CHECK_TRUNCATED;
}

/* The message Redis prints for each outcome, with "BASE AOF", "INCR AOF"
 * or "AOF" in front. */
static void check_report(const struct check_opts *o, const char *kind, const char *name,
                         enum check_result r)
{
    switch (r) {
    case CHECK_OK: printf("%s %s is valid\n", kind, name); break;
    case CHECK_EMPTY: printf("%s %s is empty\n", kind, name); break;
    case CHECK_TS_TRUNCATED:
        printf("Successfully truncated AOF %s to timestamp %lld\n", name, o->to_ts);
        break;
    case CHECK_TRUNCATED: printf("Successfully truncated AOF %s\n", name); break;
    }
}

/* Does the file begin like an RDB file?  (Redis: 8 bytes or more, "REDIS".) */
static int check_file_is_rdb(const char *path)
{
    char sig[5];
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int yes = 0;

    if (fd < 0)
        return 0;
    if (fstat(fd, &st) == 0 && st.st_size >= 8 && read(fd, sig, 5) == 5 &&
        memcmp(sig, "REDIS", 5) == 0)
        yes = 1;
    close(fd);
    return yes;
}

static int check_file_is_manifest(const char *path)
{
    size_t n = strlen(path);
    char sig[5];
    int fd, yes = 0;

    if (n >= 9 && strcmp(path + n - 9, ".manifest") == 0)
        return 1;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    if (read(fd, sig, 5) == 5 && memcmp(sig, "file ", 5) == 0)
        yes = 1;
    close(fd);
    return yes;
}

static char *check_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = mem_alloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* A file the manifest lists must be there: the manifest names it because
 * the server wrote it before listing it. */
static void check_exists(const char *path, const char *name)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        printf("AOF %s listed in the manifest cannot be read (%s), aborting...\n", name,
               strerror(errno));
        check_exit(1);
    }
}

static void check_multi_part(const struct check_opts *o, const char *manifest_path)
{
    struct aof_manifest m;
    char err[512];
    char *copy = mem_strdup(manifest_path);
    const char *dir = dirname(copy);
    int total, num = 0;

    printf("Start checking Multi Part AOF\n");
    aof_manifest_init(&m);
    if (aof_manifest_load(&m, manifest_path, err, sizeof(err)) < 0) {
        if (errno == EINVAL)
            printf("\n*** FATAL AOF MANIFEST FILE ERROR ***\n");
        printf("%s\n", err);
        check_exit(1);
    }
    total = (m.base ? 1 : 0) + m.nincr;

    if (m.base) {
        const char *name = m.base->name;
        char *path = check_join(dir, name);
        int last = ++num == total;
        check_exists(path, name);
        if (check_file_is_rdb(path))
            printf("Start to check BASE AOF (RDB format).\n");
        else
            printf("Start to check BASE AOF (RESP format).\n");
        check_report(o, "BASE AOF", name, check_single(o, name, path, last));
        mem_free(path);
    }
    if (m.nincr) {
        printf("Start to check INCR files.\n");
        for (int i = 0; i < m.nincr; i++) {
            const char *name = m.incr[i].name;
            char *path = check_join(dir, name);
            int last = ++num == total;
            check_exists(path, name);
            check_report(o, "INCR AOF", name, check_single(o, name, path, last));
            mem_free(path);
        }
    }
    aof_manifest_free(&m);
    mem_free(copy);
    printf("All AOF files and manifest are valid\n");
}

static void check_usage(const char *argv0)
{
    printf("Usage: %s [--fix] [--truncate-to-timestamp <timestamp>] <file.manifest|file.aof>\n",
           argv0);
    check_exit(1);
}

int main(int argc, char **argv)
{
    struct check_opts o = {0, 0, 0};
    const char *path = NULL;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--fix") == 0) {
            o.fix = 1;
        } else if (strcmp(argv[i], "--truncate-to-timestamp") == 0) {
            if (i + 1 >= argc)
                check_usage(argv[0]);
            i++;
            if (!util_str_to_ll(argv[i], strlen(argv[i]), &o.to_ts)) {
                printf("Invalid timestamp, aborting...\n");
                check_exit(1);
            }
            o.have_ts = 1;
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            printf("Invalid argument: %s\n", argv[i]);
            check_usage(argv[0]);
        } else if (!path) {
            path = argv[i];
        } else {
            check_usage(argv[0]);
        }
    }
    if (!path)
        check_usage(argv[0]);

    struct stat st;
    if (stat(path, &st) < 0) {
        printf("Cannot open file: %s (%s)\n", path, strerror(errno));
        check_exit(1);
    }
    if (check_file_is_manifest(path)) {
        check_multi_part(&o, path);
    } else {
        printf("Start checking Old-Style AOF\n");
        check_report(&o, "AOF", path, check_single(&o, path, path, 1));
    }
    check_exit(0);
}
