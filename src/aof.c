/* aof.c -- the append-only file: the effect sink, writes, fsync policies,
 * the reply barrier, write errors, INFO, turning it on and off, start-up.
 * See aof.h for the design; the rewrite lives in aof_rewrite.c, loading a
 * file in aof_load.c, the base writer in aof_base.c. */
#include "aof.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <event2/event.h>

#include "aof_manifest.h"
#include "aof_base.h"
#include "rdb.h"
#include "rdb_codec.h"
#include "conn.h"
#include "latency.h"
#include "log.h"
#include "mem.h"
#include "server.h"
#include "snapshot.h"
#include "util.h"

#define AOF_FSYNC_LAG_MS 2000 /* everysec: how long a write waits for the bio */

/* Preallocation (aof-preallocate yes): the bio thread writes padding
 * ahead of the log, AOF_PREALLOC_CHUNK at a time, whenever less than half
 * a chunk is left.  The log's writes then overwrite blocks the file already
 * has, and their fdatasync flushes data only: no size change, no journal
 * commit for it (appending: ~1.6x the time per fdatasync on ext4 here).
 * PostgreSQL zero-fills its WAL segments for the same reason.  When less
 * than AOF_PREALLOC_GAP is ahead (a new file), the loop writes that much
 * itself first, so that its writes need not wait for the thread's chunk.
 *
 * The padding is not zeros but lines Redis's loaders skip: every byte is
 * '#' except the last of each AOF_PAD_LINE-byte line, counted from the
 * file's start, which is '\n'.  Redis 7.0 and redis-check-aof take a line
 * starting with '#' for an annotation, so a file a crash left padded loads
 * in Redis as it is, and one Redis appended to afterwards too (the padding
 * ends with a whole line).  What follows the log's end must never be a
 * bare '\n' (no '#' before it: Redis would stop at it, "Bad file format"),
 * so a write that would end just before a line's '\n' adds the annotation
 * "#\n" (aof_pad_fix).  The padding is cut off whenever a file is closed;
 * after a crash it stays, and Runnel's loader skips it (aof_scan). */
#define AOF_PREALLOC_CHUNK (8LL << 20)
#define AOF_PREALLOC_GAP (1LL << 20)
#define AOF_PAD_LINE 4096LL

enum { AOF_JOB_NONE = 0, AOF_JOB_FSYNC, AOF_JOB_EXTEND, AOF_JOB_CLOSE };

static void aof_prealloc_trim(struct aof *a);
static long long aof_log_end(int fd, long long size);
static long long aof_bio_extend(int fd, long long from, long long to);

/* --- Paths and files ---------------------------------------------------- */

char *aof_path(const struct aof *a, const char *name)
{
    size_t n = strlen(a->dir) + strlen(name) + 2;
    char *p = mem_alloc(n);
    snprintf(p, n, "%s/%s", a->dir, name);
    return p;
}

int aof_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int err = errno;
    close(fd);
    errno = err;
    return rc;
}

/* Write all of p to fd; -1 with errno on failure (bytes may be partly written). */
static int write_all(int fd, const char *p, size_t len, size_t *done)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, p + off, len - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            *done = off;
            return -1;
        }
        if (n == 0) {
            *done = off;
            errno = ENOSPC;
            return -1;
        }
        off += (size_t)n;
    }
    *done = off;
    return 0;
}

/* Write all of p to fd at offset at; -1 with errno on failure (bytes may
 * be partly written). */
static int write_all_at(int fd, const char *p, size_t len, long long at, size_t *done)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n = pwrite(fd, p + off, len - off, (off_t)(at + (long long)off));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            *done = off;
            return -1;
        }
        if (n == 0) {
            *done = off;
            errno = ENOSPC;
            return -1;
        }
        off += (size_t)n;
    }
    *done = off;
    return 0;
}

/* The manifest goes to a temp file, is fsynced and renamed over the old
 * one, and the directory is fsynced: a crash leaves the old or the new. */
int aof_persist_manifest(struct server *srv, const struct aof_manifest *m)
{
    struct aof *a = srv->aof;
    size_t len;
    char *text = aof_manifest_format(m, &len);
    char *name = aof_name_manifest(srv->cfg.appendfilename);
    size_t tn = strlen(name) + 6;
    char *tmpname = mem_alloc(tn);
    snprintf(tmpname, tn, "temp-%s", name);
    char *path = aof_path(a, name);
    char *tmp = aof_path(a, tmpname);
    int rc = -1;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    size_t done;
    if (fd < 0) {
        log_warning("Can't open the AOF manifest file %s: %s", tmp, strerror(errno));
    } else if (write_all(fd, text, len, &done) < 0 || fsync(fd) < 0) {
        log_warning("Can't write the AOF manifest file %s: %s", tmp, strerror(errno));
    } else if (rename(tmp, path) < 0) {
        log_warning("Can't rename the AOF manifest file %s into %s: %s", tmp, path,
                    strerror(errno));
    } else {
        aof_fsync_dir(a->dir);
        rc = 0;
    }
    if (fd >= 0)
        close(fd);
    if (rc < 0)
        unlink(tmp);
    mem_free(text);
    mem_free(name);
    mem_free(tmpname);
    mem_free(path);
    mem_free(tmp);
    return rc;
}

/* Make `name` (in the AOF dir) the file appended to.  The old one is
 * fsynced and closed by the bio thread. */
int aof_open_incr(struct server *srv, const char *name)
{
    struct aof *a = srv->aof;
    char *path = aof_path(a, name);
    /* The mode is fixed per file: a CONFIG SET aof-preallocate applies from
     * the next file on (a write to an O_APPEND fd ignores its offset). */
    int prealloc = srv->cfg.aof_preallocate;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | (prealloc ? 0 : O_APPEND), 0644);
    if (fd < 0) {
        log_warning("Can't open the append-only file %s: %s", path, strerror(errno));
        mem_free(path);
        return -1;
    }
    mem_free(path);
    struct stat st;
    long long size = fstat(fd, &st) == 0 ? (long long)st.st_size : 0;
    if (a->fd >= 0) {
        /* Replies may wait on the old file's offsets: make them true now
         * (a rare event: a rewrite starting). */
        aof_prealloc_trim(a);
        if (a->synced < a->written && fdatasync(a->fd) == 0)
            a->synced = a->written;
        a->incr_base += a->file_size;
        aof_bio_close(a, a->fd);
    }
    a->fd = fd;
    a->fd_prealloc = prealloc;
    a->file_size = aof_log_end(fd, size);
    if (a->file_size < size) {
        /* Padding a crash left after the log (or zeros: an older run's, a
         * file system's extended but unwritten tail): appends must follow
         * the log, and new padding is written as it is now. */
        if (ftruncate(fd, (off_t)a->file_size) < 0) {
            log_warning("Can't cut the padding off the end of the append-only file %s: %s", name,
                        strerror(errno));
            close(fd);
            a->fd = -1;
            return -1;
        }
        size = a->file_size;
    }
    a->alloc_end = size;
    a->prealloc_retry_ms = 0;
    a->cur_db = -1; /* a new file starts without a SELECT */
    return 0;
}

/* --- The background fsync thread ---------------------------------------- */

static void *aof_bio_main(void *arg)
{
    struct aof *a = arg;
    pthread_mutex_lock(&a->bio.mu);
    for (;;) {
        while (!a->bio.stop && a->bio.fsync_fd < 0 && a->bio.ext_fd < 0 && a->bio.nclose == 0)
            pthread_cond_wait(&a->bio.cv, &a->bio.mu);
        if (a->bio.fsync_fd < 0 && a->bio.ext_fd < 0 && a->bio.nclose == 0 && a->bio.stop)
            break;
        if (a->bio.fsync_fd >= 0) {
            a->bio.busy = AOF_JOB_FSYNC;
            int fd = a->bio.fsync_fd;
            long long upto = a->bio.fsync_upto;
            pthread_mutex_unlock(&a->bio.mu);
            int rc = fdatasync(fd);
            int err = rc < 0 ? errno : 0;
            pthread_mutex_lock(&a->bio.mu);
            a->bio.fsync_fd = -1;
            if (rc == 0 && upto > a->bio.synced)
                a->bio.synced = upto;
            if (rc < 0 && err != EBADF && err != EINVAL)
                a->bio.err = err;
        } else if (a->bio.ext_fd >= 0) {
            a->bio.busy = AOF_JOB_EXTEND;
            int fd = a->bio.ext_fd;
            long long from = a->bio.ext_from, to = a->bio.ext_to;
            pthread_mutex_unlock(&a->bio.mu);
            long long result = aof_bio_extend(fd, from, to);
            pthread_mutex_lock(&a->bio.mu);
            a->bio.ext_fd = -1;
            a->bio.ext_result = result;
            a->bio.ext_ready = 1;
        } else {
            a->bio.busy = AOF_JOB_CLOSE;
            int fd = a->bio.close_fds[--a->bio.nclose];
            pthread_mutex_unlock(&a->bio.mu);
            fsync(fd);
            close(fd);
            pthread_mutex_lock(&a->bio.mu);
        }
        a->bio.busy = AOF_JOB_NONE;
        pthread_cond_broadcast(&a->bio.idle_cv);
        if (a->bio.notify[1] >= 0) {
            char x = 1;
            if (write(a->bio.notify[1], &x, 1) < 0) {
                /* Full pipe: a wake-up is already pending. */
            }
        }
    }
    pthread_mutex_unlock(&a->bio.mu);
    return NULL;
}

static void aof_bio_notify_cb(evutil_socket_t fd, short what, void *arg);

static void aof_bio_start(struct server *srv)
{
    struct aof *a = srv->aof;
    if (a->bio.started)
        return;
    a->bio.notify[0] = a->bio.notify[1] = -1;
    if (pipe2(a->bio.notify, O_NONBLOCK | O_CLOEXEC) == 0) {
        a->bio.notify_ev = event_new(srv->base, a->bio.notify[0], EV_READ | EV_PERSIST,
                                     aof_bio_notify_cb, srv);
        event_add(a->bio.notify_ev, NULL);
    } else {
        a->bio.notify[0] = a->bio.notify[1] = -1;
    }
    pthread_mutex_init(&a->bio.mu, NULL);
    pthread_cond_init(&a->bio.cv, NULL);
    pthread_cond_init(&a->bio.idle_cv, NULL);
    a->bio.fsync_fd = -1;
    a->bio.ext_fd = -1;
    if (pthread_create(&a->bio.thread, NULL, aof_bio_main, a) != 0) {
        log_warning("Can't create the AOF fsync thread: files will be fsynced inline");
        return;
    }
    a->bio.started = 1;
}

/* An fsync (or a close, which fsyncs) is running or queued: a write now
 * would wait behind it.  A preallocation does not count: the log's writes
 * never touch the range it fills. */
static int aof_bio_pending(struct aof *a)
{
    if (!a->bio.started)
        return 0;
    pthread_mutex_lock(&a->bio.mu);
    int n = a->bio.busy == AOF_JOB_FSYNC || a->bio.busy == AOF_JOB_CLOSE ||
            a->bio.fsync_fd >= 0 || a->bio.nclose > 0;
    pthread_mutex_unlock(&a->bio.mu);
    return n;
}

void aof_bio_wait_idle(struct aof *a)
{
    if (!a->bio.started)
        return;
    pthread_mutex_lock(&a->bio.mu);
    while (a->bio.busy || a->bio.fsync_fd >= 0 || a->bio.ext_fd >= 0 || a->bio.nclose > 0)
        pthread_cond_wait(&a->bio.idle_cv, &a->bio.mu);
    pthread_mutex_unlock(&a->bio.mu);
}

/* Wait for a queued or running fsync only (not a preallocation). */
static void aof_bio_wait_fsync(struct aof *a)
{
    if (!a->bio.started)
        return;
    pthread_mutex_lock(&a->bio.mu);
    while (a->bio.busy == AOF_JOB_FSYNC || a->bio.fsync_fd >= 0)
        pthread_cond_wait(&a->bio.idle_cv, &a->bio.mu);
    pthread_mutex_unlock(&a->bio.mu);
}

void aof_bio_close(struct aof *a, int fd)
{
    if (!a->bio.started) {
        fsync(fd);
        close(fd);
        return;
    }
    pthread_mutex_lock(&a->bio.mu);
    while (a->bio.nclose == (int)(sizeof(a->bio.close_fds) / sizeof(a->bio.close_fds[0])))
        pthread_cond_wait(&a->bio.idle_cv, &a->bio.mu);
    a->bio.close_fds[a->bio.nclose++] = fd;
    pthread_cond_signal(&a->bio.cv);
    pthread_mutex_unlock(&a->bio.mu);
}

static void aof_bio_fsync(struct aof *a, long long upto)
{
    if (!a->bio.started) {
        if (fdatasync(a->fd) == 0)
            a->synced = upto;
        return;
    }
    pthread_mutex_lock(&a->bio.mu);
    if (a->bio.fsync_fd < 0) {
        a->bio.fsync_fd = a->fd;
        a->bio.fsync_upto = upto;
        pthread_cond_signal(&a->bio.cv);
    }
    pthread_mutex_unlock(&a->bio.mu);
}

static void aof_bio_stop(struct aof *a)
{
    if (!a->bio.started)
        return;
    pthread_mutex_lock(&a->bio.mu);
    a->bio.stop = 1;
    pthread_cond_signal(&a->bio.cv);
    pthread_mutex_unlock(&a->bio.mu);
    pthread_join(a->bio.thread, NULL);
    pthread_mutex_destroy(&a->bio.mu);
    pthread_cond_destroy(&a->bio.cv);
    pthread_cond_destroy(&a->bio.idle_cv);
    if (a->bio.notify_ev)
        event_free(a->bio.notify_ev);
    a->bio.notify_ev = NULL;
    for (int i = 0; i < 2; i++)
        if (a->bio.notify[i] >= 0)
            close(a->bio.notify[i]);
    a->bio.started = 0;
}

/* --- Preallocation (see AOF_PREALLOC_CHUNK) ------------------------------ */

/* The padding's bytes for [at, at + n) (see AOF_PAD_LINE). */
static void aof_pad_fill(char *p, long long at, size_t n)
{
    memset(p, '#', n);
    long long first = at / AOF_PAD_LINE * AOF_PAD_LINE + AOF_PAD_LINE - 1;
    for (long long nl = first; nl < at + (long long)n; nl += AOF_PAD_LINE)
        p[nl - at] = '\n';
}

/* Padding over [from, to) with pwrite; 0, or -errno. */
static int aof_pad_write(int fd, long long from, long long to)
{
    char block[1 << 16];
    for (long long at = from; at < to;) {
        size_t n = (size_t)(to - at < (long long)sizeof(block) ? to - at : (long long)sizeof(block));
        aof_pad_fill(block, at, n);
        size_t done = 0;
        if (write_all_at(fd, block, n, at, &done) < 0)
            return -errno;
        at += (long long)n;
    }
    return 0;
}

/* The end of the padding that starts `n` bytes from `at`: a line's end,
 * so that the file ends with a whole '#' line. */
static long long aof_pad_end(long long at, long long n)
{
    return (at + n + AOF_PAD_LINE - 1) / AOF_PAD_LINE * AOF_PAD_LINE;
}

/* The thread's job: padding over [from, to), written out as it goes (so
 * the loop's fdatasync never finds much of it dirty), then one fdatasync
 * for the new size.  Returns `to`, or -errno after cutting the file back
 * to `from` (the loop never writes at or past `from` while the job runs,
 * so nothing of the log is lost). */
static long long aof_bio_extend(int fd, long long from, long long to)
{
    static char pad[1 << 16];
    long long at = from, synced = from;
    int err = 0;
    while (at < to && !err) {
        size_t n = (size_t)(to - at < (long long)sizeof(pad) ? to - at : (long long)sizeof(pad));
        aof_pad_fill(pad, at, n);
        ssize_t w = pwrite(fd, pad, n, (off_t)at);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            err = w < 0 ? errno : ENOSPC;
            break;
        }
        at += w;
        if (at - synced >= (1LL << 20) || at == to) {
            sync_file_range(fd, (off_t)synced, (off_t)(at - synced),
                            SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                SYNC_FILE_RANGE_WAIT_AFTER);
            synced = at;
        }
    }
    if (!err && fdatasync(fd) < 0)
        err = errno;
    if (!err)
        return to;
    if (ftruncate(fd, (off_t)from) < 0) {
        /* Padding past the log's end is harmless; the next close cuts it. */
    }
    return -(long long)err;
}

static int aof_pad_byte(int c)
{
    return c == '#' || c == '\n' || c == '\0';
}

/* Where the log in a file of `size` bytes ends: before the padding (or
 * the zeros of older files, or of a file system's unwritten tail) it ends
 * with.  A whole log ends with "\r\n", and padding never holds '\r': the
 * end is after the last byte that is not padding, and after the '\n'
 * that follows it when it is a '\r'. */
static long long aof_log_end(int fd, long long size)
{
    char block[1 << 16];
    long long end = size;
    while (end > 0) {
        long long from = end > (long long)sizeof(block) ? end - (long long)sizeof(block) : 0;
        ssize_t n = pread(fd, block, (size_t)(end - from), (off_t)from);
        if (n != end - from)
            return size; /* unreadable: take the size, never lose bytes */
        long long i = n;
        while (i > 0 && aof_pad_byte((unsigned char)block[i - 1]))
            i--;
        if (i > 0) {
            long long stop = from + i - 1;
            char next = 0;
            if (block[i - 1] == '\r' && stop + 1 < size &&
                pread(fd, &next, 1, (off_t)(stop + 1)) == 1 && next == '\n')
                return stop + 2;
            return stop + 1;
        }
        end = from;
    }
    return 0;
}

/* Before writing len bytes at the log's end: if they would end where the
 * padding has a line's '\n', add the annotation "#\n" to them so that
 * the padding left after the log starts with '#'.  Returns len, or
 * len + 2. */
static size_t aof_pad_fix(struct aof *a, size_t len)
{
    long long end = a->file_size + (long long)len;
    if (!a->fd_prealloc || end >= a->alloc_end || end % AOF_PAD_LINE != AOF_PAD_LINE - 1)
        return len;
    reply_raw(&a->buf, "#\n", 2);
    a->appended += 2; /* offsets count every byte of the buffer */
    return len + 2;
}

/* Take the result of a finished extension. */
static void aof_prealloc_take(struct server *srv)
{
    struct aof *a = srv->aof;
    if (a->ext_from < 0 || !a->bio.started)
        return;
    pthread_mutex_lock(&a->bio.mu);
    int ready = a->bio.ext_ready;
    long long result = a->bio.ext_result;
    a->bio.ext_ready = 0;
    pthread_mutex_unlock(&a->bio.mu);
    if (!ready)
        return;
    a->ext_from = -1;
    if (result > a->alloc_end) {
        a->alloc_end = result;
    } else if (result < 0) {
        log_warning("Can't preallocate space for the append-only file: %s (the log goes on "
                    "appending; next try in 10 seconds)",
                    strerror((int)-result));
        a->prealloc_retry_ms = server_mstime(srv) + 10000;
    }
}

/* Wait for an extension in flight and take its result. */
static void aof_prealloc_wait(struct server *srv)
{
    struct aof *a = srv->aof;
    if (a->ext_from < 0)
        return;
    pthread_mutex_lock(&a->bio.mu);
    while (!a->bio.ext_ready)
        pthread_cond_wait(&a->bio.idle_cv, &a->bio.mu);
    pthread_mutex_unlock(&a->bio.mu);
    aof_prealloc_take(srv);
}

/* Start an extension when less than half a chunk is left ahead. */
static void aof_prealloc_maybe(struct server *srv)
{
    struct aof *a = srv->aof;
    if (!a->fd_prealloc || a->fd < 0 || !a->bio.started)
        return;
    aof_prealloc_take(srv);
    if (a->ext_from >= 0 || a->alloc_end - a->file_size >= AOF_PREALLOC_CHUNK / 2 ||
        a->write_errno || server_mstime(srv) < a->prealloc_retry_ms)
        return;
    /* Never take a nearly full disk's last space ahead of the log: the
     * zeros would make the log's own writes fail (ENOSPC) sooner. */
    struct statvfs vfs;
    if (fstatvfs(a->fd, &vfs) == 0 &&
        (long long)vfs.f_bavail * (long long)vfs.f_frsize < 4 * AOF_PREALLOC_CHUNK) {
        a->prealloc_retry_ms = server_mstime(srv) + 10000;
        return;
    }
    long long from = a->alloc_end;
    if (from < a->file_size + AOF_PREALLOC_GAP) {
        /* No hole may open between the log and the padding (it would
         * read as zeros): the loop pads up to the gap itself (~1 MiB into
         * the page cache, the next fdatasync takes it out). */
        long long to = aof_pad_end(a->file_size, AOF_PREALLOC_GAP);
        int rc = aof_pad_write(a->fd, from, to);
        if (rc < 0) {
            if (ftruncate(a->fd, (off_t)from) < 0) {
                /* Padding past the log is harmless; the next close cuts it. */
            }
            log_warning("Can't preallocate space for the append-only file: %s (the log goes on "
                        "appending; next try in 10 seconds)",
                        strerror(-rc));
            a->prealloc_retry_ms = server_mstime(srv) + 10000;
            return;
        }
        a->alloc_end = from = to;
    }
    a->ext_from = from;
    pthread_mutex_lock(&a->bio.mu);
    a->bio.ext_fd = a->fd;
    a->bio.ext_from = from;
    a->bio.ext_to = from + AOF_PREALLOC_CHUNK;
    a->bio.ext_ready = 0;
    pthread_cond_signal(&a->bio.cv);
    pthread_mutex_unlock(&a->bio.mu);
}

/* Before a file is closed (or cut on a write error): no job may still
 * use it, and the zeros past the log go. */
static void aof_prealloc_trim(struct aof *a)
{
    aof_bio_wait_idle(a);
    if (a->bio.started) {
        pthread_mutex_lock(&a->bio.mu);
        a->bio.ext_ready = 0;
        pthread_mutex_unlock(&a->bio.mu);
    }
    a->ext_from = -1;
    struct stat st;
    if (a->fd >= 0 && fstat(a->fd, &st) == 0 && (long long)st.st_size > a->file_size) {
        if (ftruncate(a->fd, (off_t)a->file_size) < 0)
            log_warning("Can't cut the preallocated space off the append-only file: %s",
                        strerror(errno));
    }
    a->alloc_end = a->file_size;
}

/* --- The sink and the writer ---------------------------------------------- */

void aof_sink(void *ud, const struct effect *effects, int n)
{
    struct server *srv = ud;
    struct aof *a = srv->aof;
    if (a->state == AOF_OFF || srv->loading)
        return;
    size_t before = a->buf.len;
    if (srv->cfg.aof_timestamp_enabled) {
        long long sec = server_mstime(srv) / 1000;
        if (sec > a->last_ts) {
            char ts[40];
            int len = snprintf(ts, sizeof(ts), "#TS:%lld\r\n", sec);
            reply_raw(&a->buf, ts, (size_t)len);
            a->last_ts = sec;
        }
    }
    effect_encode(&a->buf, effects, n, &a->cur_db);
    a->appended += (long long)(a->buf.len - before);
    for (int i = 0; i < n; i++) {
        if (!(effects[i].flags & EFFECT_SOFT)) {
            a->hard_appended = a->appended;
            break;
        }
    }
}

long long aof_hard_mark(const struct server *srv)
{
    const struct aof *a = srv->aof;
    return a && a->state != AOF_OFF ? a->hard_appended : 0;
}

long long aof_reply_mark(const struct server *srv, int changed)
{
    const struct aof *a = srv->aof;
    if (!a || a->state == AOF_OFF)
        return 0;
    if (changed)
        return a->hard_appended;
    if (srv->cfg.appendfsync == CONFIG_APPENDFSYNC_ALWAYS && !a->write_errno &&
        a->hard_appended > a->synced)
        return a->hard_appended;
    return 0;
}

void aof_hold(struct server *srv, struct conn *c)
{
    struct aof *a = srv->aof;
    if (c->flags & CONN_AOF_HELD)
        return;
    if (a->nheld == a->held_cap) {
        a->held_cap = a->held_cap ? a->held_cap * 2 : 64;
        a->held = mem_realloc(a->held, (size_t)a->held_cap * sizeof(*a->held));
    }
    a->held[a->nheld++] = c;
    c->flags |= CONN_AOF_HELD;
}

void aof_unhold(struct server *srv, struct conn *c)
{
    struct aof *a = srv->aof;
    if (!a || !(c->flags & CONN_AOF_HELD))
        return;
    for (int i = 0; i < a->nheld; i++) {
        if (a->held[i] == c) {
            a->held[i] = a->held[--a->nheld];
            break;
        }
    }
    c->flags &= ~CONN_AOF_HELD;
}

static long long aof_release_offset(struct aof *a, const struct server *srv);

/* Hand back to the write pass every parked client whose wait is over. */
static void aof_release_held(struct server *srv)
{
    struct aof *a = srv->aof;
    long long upto = a->state == AOF_OFF ? LLONG_MAX : aof_release_offset(a, srv);
    for (int i = 0; i < a->nheld;) {
        struct conn *c = a->held[i];
        if (c->aof_wait <= upto) {
            a->held[i] = a->held[--a->nheld];
            c->flags &= ~CONN_AOF_HELD;
            conn_want_write(c);
        } else {
            i++;
        }
    }
}

/* The offset a reply may be released at: fsynced under always, written
 * otherwise -- except while an everysec write waits behind a running
 * fsync (aof_flush): Redis 7.0 answers meanwhile (its replies go out
 * after flushAppendOnlyFile whether that wrote or postponed), and holding
 * them would stall every writer for as long as each fsync takes. */
static long long aof_release_offset(struct aof *a, const struct server *srv)
{
    if (srv->cfg.appendfsync == CONFIG_APPENDFSYNC_ALWAYS)
        return a->synced;
    if (a->postponed_since)
        return LLONG_MAX;
    return a->written;
}

static void aof_fsync_failed_always(int err)
{
    log_warning("Can't persist AOF for fsync error when the AOF fsync policy is 'always': %s. "
                "Exiting...",
                strerror(err));
    exit(1);
}

/* Write the buffer (and fsync under always).  force: write even when an
 * everysec fsync lags (shutdown, rewrite start). */
void aof_flush(struct server *srv, int force)
{
    struct aof *a = srv->aof;
    if (a->fd < 0 || a->state == AOF_OFF)
        return;
    int policy = srv->cfg.appendfsync;
    if (reply_pending(&a->buf)) {
        if (policy == CONFIG_APPENDFSYNC_EVERYSEC && !force && aof_bio_pending(a)) {
            /* A write now would block behind the running fsync.  Wait up to
             * 2 s, then write anyway (Redis's flushAppendOnlyFile). */
            long long now = server_mstime(srv);
            if (a->postponed_since == 0) {
                a->postponed_since = now;
                return;
            }
            if (now - a->postponed_since < AOF_FSYNC_LAG_MS)
                return;
            a->delayed_fsync++;
            log_notice("Asynchronous AOF fsync is taking too long (disk is busy?). Writing the "
                       "AOF buffer without waiting for fsync to complete, this may slow down "
                       "Redis.");
        }
        a->postponed_since = 0;
        size_t done = 0;
        aof_prealloc_take(srv);
        size_t len = reply_pending(&a->buf);
        if (a->ext_from >= 0 && a->file_size + (long long)len > a->ext_from)
            aof_prealloc_wait(srv); /* it would write where the padding goes */
        len = aof_pad_fix(a, len);
        if (a->ext_from >= 0 && a->file_size + (long long)len > a->ext_from)
            aof_prealloc_wait(srv); /* "#\n" reaches it */
        long long write_start = util_ustime();
        int write_rc = a->fd_prealloc
                           ? write_all_at(a->fd, a->buf.buf + a->buf.sent, len, a->file_size, &done)
                           : write_all(a->fd, a->buf.buf + a->buf.sent, len, &done);
        latency_add_sample_if_needed(srv, "aof-write", (util_ustime() - write_start) / 1000);
        if (write_rc < 0) {
            int err = errno;
            long long now = server_mstime(srv);
            if (now - a->write_err_logged_ms > 30000 || a->write_errno == 0) {
                log_warning("Error writing to the AOF file: %s", strerror(err));
                a->write_err_logged_ms = now;
            }
            /* Cut the partial command off so the file stays loadable; if
             * that fails, keep what reached the file and drop it from the
             * buffer instead (Redis does the same). */
            if (done > 0) {
                aof_prealloc_wait(srv);
                a->alloc_end = a->file_size;
                if (ftruncate(a->fd, a->file_size) == 0) {
                    done = 0;
                } else {
                    log_warning("Could not remove short write from the append-only file. "
                                "Redis may refuse to load the AOF the next time it starts. "
                                "ftruncate: %s",
                                strerror(errno));
                    a->buf.sent += done;
                    a->written += (long long)done;
                    a->file_size += (long long)done;
                }
            }
            a->write_errno = err;
            return;
        }
        a->buf.sent += done;
        a->written += (long long)done;
        a->file_size += (long long)done;
        if (a->file_size > a->alloc_end)
            a->alloc_end = a->file_size;
        reply_compact(&a->buf);
        if (a->write_errno) {
            log_warning("AOF write error looks solved, Runnel can write again.");
            a->write_errno = 0;
        }
    }
    if (policy == CONFIG_APPENDFSYNC_ALWAYS) {
        /* Group commit: one fdatasync, in the loop, covers every unit of
         * the iteration, before any of their replies goes out.  (Handing
         * it to the thread so the loop could go on serving was measured:
         * 20-28% fewer XADDs/s with 50 clients, because each fsync then
         * starts with the few requests that had arrived, while a blocking
         * fsync lets the next batch gather.) */
        if (a->synced < a->hard_appended && a->synced < a->written) {
            aof_bio_wait_fsync(a); /* an everysec fsync left from a policy change */
            long long sync_start = util_ustime();
            if (fdatasync(a->fd) < 0)
                aof_fsync_failed_always(errno);
            latency_add_sample_if_needed(srv, "aof-fsync-always",
                                         (util_ustime() - sync_start) / 1000);
            a->synced = a->written;
            a->last_fsync_ms = server_mstime(srv);
        }
    } else if (policy == CONFIG_APPENDFSYNC_EVERYSEC) {
        long long now = server_mstime(srv);
        if (a->synced < a->written && now - a->last_fsync_ms >= 1000 && !aof_bio_pending(a) &&
            !(srv->cfg.no_appendfsync_on_rewrite && a->child > 0)) {
            aof_bio_fsync(a, a->written);
            a->last_fsync_ms = now;
        }
    }
    if (a->bio.started) {
        pthread_mutex_lock(&a->bio.mu);
        if (a->bio.synced > a->synced)
            a->synced = a->bio.synced;
        int err = a->bio.err;
        a->bio.err = 0;
        pthread_mutex_unlock(&a->bio.mu);
        if (err && policy == CONFIG_APPENDFSYNC_ALWAYS)
            aof_fsync_failed_always(err);
        if (err) {
            log_warning("Fail to fsync the AOF file: %s", strerror(err));
            a->fsync_errno = err;
        } else if (a->fsync_errno && a->synced >= a->written) {
            a->fsync_errno = 0;
        }
    }
    aof_prealloc_maybe(srv);
}

/* The thread finished a job: take its synced offset, release the replies
 * it covers, and start the next fsync if more was written meanwhile. */
static void aof_bio_notify_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)what;
    struct server *srv = arg;
    char drain[64];
    while (read(fd, drain, sizeof(drain)) > 0) {
    }
    if (srv->aof->state == AOF_OFF)
        return;
    aof_flush(srv, 0);
    aof_release_held(srv);
}

int aof_reply_allowed(struct server *srv, struct conn *c)
{
    struct aof *a = srv->aof;
    if (!a || a->state == AOF_OFF || c->aof_wait == 0)
        return 1;
    if (aof_release_offset(a, srv) >= c->aof_wait)
        return 1;
    aof_flush(srv, 0);
    return aof_release_offset(a, srv) >= c->aof_wait;
}

int aof_fsync_due(const struct server *srv)
{
    const struct aof *a = srv->aof;
    return a && a->state != AOF_OFF && a->fd >= 0 &&
           srv->cfg.appendfsync == CONFIG_APPENDFSYNC_ALWAYS && !a->write_errno &&
           a->hard_appended > a->synced;
}

void aof_before_sleep(struct server *srv)
{
    struct aof *a = srv->aof;
    if (a && a->state != AOF_OFF)
        aof_flush(srv, 0);
}

const char *aof_deny_write_error(struct server *srv, char *buf, size_t cap)
{
    struct aof *a = srv->aof;
    if (!a || a->state == AOF_OFF)
        return NULL;
    int err = a->write_errno ? a->write_errno : a->fsync_errno;
    if (!err)
        return NULL;
    snprintf(buf, cap, "MISCONF Errors writing to the AOF file: %s", strerror(err));
    return buf;
}

void aof_cron(struct server *srv)
{
    struct aof *a = srv->aof;
    if (!a)
        return;
    if (a->child > 0)
        aof_rewrite_check_child(srv);
    if (a->state != AOF_OFF) {
        aof_flush(srv, 0);
        aof_release_held(srv);
    }
    if (a->child <= 0 && a->rewrite_scheduled && !snapshot_child_active(srv)) {
        char err[256];
        if (aof_rewrite_background(srv, err, sizeof(err)) < 0)
            log_warning("Scheduled AOF rewrite failed to start: %s", err);
    }
    /* Automatic rewrite when the file grew by the configured percentage. */
    if (a->state == AOF_ON && a->child <= 0 && !a->rewrite_scheduled &&
        !snapshot_child_active(srv) && srv->cfg.auto_aof_rewrite_percentage > 0) {
        long long size = a->base_size + a->incr_base + a->file_size;
        long long base = a->rewrite_base_size ? a->rewrite_base_size : 1;
        long long growth = (size * 100 / base) - 100;
        if (size > srv->cfg.auto_aof_rewrite_min_size &&
            growth >= srv->cfg.auto_aof_rewrite_percentage) {
            log_notice("Starting automatic rewriting of AOF on %lld%% growth", growth);
            char err[256];
            if (aof_rewrite_background(srv, err, sizeof(err)) < 0)
                log_warning("Automatic AOF rewrite failed to start: %s", err);
        }
    }
}

/* --- Set-up, on/off, shutdown, INFO ------------------------------------------- */

int aof_init(struct server *srv)
{
    struct aof *a = mem_calloc(sizeof(*a));
    a->fd = -1;
    a->ext_from = -1;
    a->cur_db = -1;
    a->child = -1;
    a->last_rewrite_ok = 1;
    a->last_rewrite_sec = -1;
    a->dir = mem_strdup(srv->cfg.appenddirname);
    reply_init(&a->buf, 2);
    srv->aof = a;
    return 0;
}

void aof_free(struct server *srv)
{
    struct aof *a = srv->aof;
    if (!a)
        return;
    aof_bio_stop(a);
    if (a->fd >= 0)
        close(a->fd);
    if (a->manifest) {
        aof_manifest_free(a->manifest);
        mem_free(a->manifest);
    }
    reply_free(&a->buf);
    mem_free(a->held);
    mem_free(a->temp_incr);
    mem_free(a->dir);
    mem_free(a);
    srv->aof = NULL;
}

static long long file_size_of(struct aof *a, const char *name)
{
    char *p = aof_path(a, name);
    struct stat st;
    long long n = stat(p, &st) == 0 ? (long long)st.st_size : 0;
    mem_free(p);
    return n;
}

static int aof_rdb_flush(void *ud, const void *p, size_t len)
{
    size_t done;
    return write_all(*(int *)ud, p, len, &done);
}

int aof_write_base_file(struct server *srv, int fd, int rdb, long long *nkeys)
{
    if (!rdb)
        return aof_base_write(srv, fd, nkeys);
    struct rdb_writer w;
    rdb_writer_init(&w, aof_rdb_flush, &fd, srv->cfg.rdbcompression);
    int rc = rdb_save_to_writer(srv, &w, 1);
    if (rc == 0)
        rc = rdb_writer_flush(&w);
    int err = w.err;
    rdb_writer_free(&w);
    if (rc < 0 && err)
        errno = err;
    *nkeys = 0;
    return rc;
}

/* A new data set on disk: base seq 1 written from memory now, incr seq 1,
 * the manifest (Redis 7 does this on its first start with appendonly yes). */
static int aof_create_first(struct server *srv)
{
    struct aof *a = srv->aof;
    struct aof_manifest *m = a->manifest;
    int rdb = srv->cfg.aof_use_rdb_preamble;
    aof_manifest_set_base(m, srv->cfg.appendfilename, rdb);
    char *path = aof_path(a, m->base->name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    long long nkeys = 0;
    int rc = -1;
    if (fd < 0 || aof_write_base_file(srv, fd, rdb, &nkeys) < 0 || fsync(fd) < 0) {
        log_warning("Can't create the AOF base file %s: %s", path, strerror(errno));
    } else {
        log_notice("Creating AOF base file %s on server start", m->base->name);
        rc = 0;
    }
    if (fd >= 0)
        close(fd);
    mem_free(path);
    if (rc < 0)
        return -1;
    struct aof_file_info *inc = aof_manifest_new_incr(m, srv->cfg.appendfilename);
    if (aof_open_incr(srv, inc->name) < 0)
        return -1;
    log_notice("Creating AOF incr file %s on server start", inc->name);
    if (aof_persist_manifest(srv, m) < 0)
        return -1;
    a->base_size = file_size_of(a, m->base->name);
    a->rewrite_base_size = a->base_size;
    return 0;
}

/* A Redis 6-style single appendonly.aof in `dir` (no manifest yet): make
 * it the base of a manifest in the AOF directory, as Redis 7.0 does at
 * start-up ("file appendonly.aof seq 1 type b"; the first incr file
 * follows).  The manifest is written before the file moves, so a crash in
 * between leaves a manifest naming a base that is still outside: the next
 * start finishes the move (aof_finish_legacy_move).  0: nothing to do or
 * done; -1: failed (logged). */
static int aof_upgrade_legacy(struct server *srv, int *upgraded)
{
    struct aof *a = srv->aof;
    const char *old = srv->cfg.appendfilename;
    struct stat st;
    *upgraded = 0;
    if (stat(old, &st) < 0 || !S_ISREG(st.st_mode))
        return 0;
    struct aof_manifest *m = a->manifest;
    m->base = mem_alloc(sizeof(*m->base));
    m->base->name = mem_strdup(old);
    m->base->seq = 1;
    m->base->type = AOF_FILE_BASE;
    m->base_seq = 1;
    if (aof_persist_manifest(srv, m) < 0)
        return -1;
    *upgraded = 1;
    return 0;
}

/* The manifest's base is the legacy file's name, not in the directory yet,
 * but in `dir`: move it in. */
static int aof_finish_legacy_move(struct server *srv)
{
    struct aof *a = srv->aof;
    const struct aof_manifest *m = a->manifest;
    const char *old = srv->cfg.appendfilename;
    struct stat st;
    if (!m->base || strcmp(m->base->name, old) != 0)
        return 0;
    char *to = aof_path(a, old);
    int rc = 0;
    if (stat(to, &st) < 0 && errno == ENOENT && stat(old, &st) == 0) {
        if (rename(old, to) < 0) {
            log_warning("Error moving the old-style AOF file %s into the AOF directory %s: %s",
                        old, a->dir, strerror(errno));
            rc = -1;
        } else {
            aof_fsync_dir(a->dir);
            aof_fsync_dir(".");
            log_notice("Successfully migrated an old-style AOF file (%s) into the AOF "
                       "directory (%s).",
                       old, a->dir);
        }
    }
    mem_free(to);
    return rc;
}

int aof_load_at_start(struct server *srv)
{
    struct aof *a = srv->aof;
    if (!srv->cfg.appendonly)
        return 0;
    a->state = AOF_ON;
    aof_bio_start(srv);
    if (mkdir(a->dir, 0755) < 0 && errno != EEXIST) {
        log_warning("Can't open or create append-only dir %s: %s", a->dir, strerror(errno));
        return -1;
    }
    a->manifest = mem_calloc(sizeof(*a->manifest));
    aof_manifest_init(a->manifest);
    char *mname = aof_name_manifest(srv->cfg.appendfilename);
    char *mpath = aof_path(a, mname);
    mem_free(mname);
    char err[512] = "";
    errno = 0;
    int rc = aof_manifest_load(a->manifest, mpath, err, sizeof(err));
    int missing = rc < 0 && errno == ENOENT;
    if (rc < 0 && !missing) {
        log_warning("%s (%s)", err[0] ? err : "Can't read the AOF manifest", mpath);
        mem_free(mpath);
        return -1;
    }
    mem_free(mpath);
    if (missing) {
        aof_manifest_free(a->manifest);
        aof_manifest_init(a->manifest);
        int upgraded;
        if (aof_upgrade_legacy(srv, &upgraded) < 0)
            return -1;
        missing = !upgraded;
    }
    if (!missing && aof_finish_legacy_move(srv) < 0)
        return -1;
    if (missing) {
        if (aof_create_first(srv) < 0)
            return -1;
        server_add_sink(srv, aof_sink, srv);
        return 0;
    }

    long long start = util_ustime();
    struct aof_manifest *m = a->manifest;
    int nfiles = (m->base ? 1 : 0) + m->nincr;
    int loaded = 0;
    if (m->base) {
        char *p = aof_path(a, m->base->name);
        int last = m->nincr == 0;
        rc = aof_load_file(srv, p, last);
        mem_free(p);
        if (rc < 0)
            return -1;
        a->base_size = file_size_of(a, m->base->name);
        log_notice("DB loaded from base file %s: %.3f seconds", m->base->name,
                   (double)(util_ustime() - start) / 1e6);
        loaded++;
    }
    for (int i = 0; i < m->nincr; i++) {
        long long t0 = util_ustime();
        char *p = aof_path(a, m->incr[i].name);
        rc = aof_load_file(srv, p, i == m->nincr - 1);
        mem_free(p);
        if (rc < 0)
            return -1;
        log_notice("DB loaded from incr file %s: %.3f seconds", m->incr[i].name,
                   (double)(util_ustime() - t0) / 1e6);
        if (i < m->nincr - 1)
            a->incr_base += file_size_of(a, m->incr[i].name);
        loaded++;
    }
    if (nfiles > 0)
        log_notice("DB loaded from append only file: %.3f seconds",
                   (double)(util_ustime() - start) / 1e6);
    srv->dirty = 0;

    /* Append to the last incr file, or start one. */
    if (m->nincr == 0) {
        struct aof_file_info *inc = aof_manifest_new_incr(m, srv->cfg.appendfilename);
        if (aof_open_incr(srv, inc->name) < 0 || aof_persist_manifest(srv, m) < 0)
            return -1;
        log_notice("Creating AOF incr file %s on server start", inc->name);
    } else {
        if (aof_open_incr(srv, m->incr[m->nincr - 1].name) < 0)
            return -1;
        log_notice("Opening AOF incr file %s on server start", m->incr[m->nincr - 1].name);
    }
    a->rewrite_base_size = a->base_size + a->incr_base + a->file_size;
    (void)loaded;
    server_add_sink(srv, aof_sink, srv);
    return 0;
}

int aof_set_enabled(struct server *srv, int on, char *err, size_t errlen)
{
    struct aof *a = srv->aof;
    if (on) {
        if (a->state != AOF_OFF)
            return 0;
        aof_bio_start(srv);
        if (mkdir(a->dir, 0755) < 0 && errno != EEXIST) {
            snprintf(err, errlen, "Can't open or create append-only dir %s: %s", a->dir,
                     strerror(errno));
            return -1;
        }
        if (a->child > 0)
            aof_rewrite_kill_child(srv);
        a->state = AOF_WAIT_REWRITE;
        server_add_sink(srv, aof_sink, srv);
        if (aof_rewrite_background(srv, err, errlen) < 0) {
            a->state = AOF_OFF;
            server_remove_sink(srv, aof_sink, srv);
            return -1;
        }
        return 0;
    }
    if (a->state == AOF_OFF)
        return 0;
    aof_flush(srv, 1);
    if (a->fd >= 0) {
        aof_prealloc_trim(a);
        fsync(a->fd);
        close(a->fd);
        a->fd = -1;
    }
    if (a->child > 0)
        aof_rewrite_kill_child(srv);
    /* Turned off before its first base was written: the temp incr file of
     * that attempt goes too, or turning it on again would find the name
     * taken and never open a file (replies would wait for ever). */
    if (a->temp_incr) {
        char *p = aof_path(a, a->temp_incr);
        unlink(p);
        mem_free(p);
        mem_free(a->temp_incr);
        a->temp_incr = NULL;
    }
    a->rewrite_scheduled = 0;
    a->state = AOF_OFF;
    a->buf.len = a->buf.sent = 0;
    a->synced = a->written = a->appended;
    a->write_errno = a->fsync_errno = 0;
    server_remove_sink(srv, aof_sink, srv);
    aof_release_held(srv);
    return 0;
}

int aof_reload(struct server *srv)
{
    struct aof *a = srv->aof;
    if (a->state != AOF_ON || !a->manifest)
        return -1;
    aof_flush(srv, 1);
    snapshot_empty_all(srv);
    long long numcommands = srv->stat.numcommands;
    const struct aof_manifest *m = a->manifest;
    int rc = 0;
    if (m->base) {
        char *p = aof_path(a, m->base->name);
        rc = aof_load_file(srv, p, m->nincr == 0);
        mem_free(p);
    }
    for (int i = 0; rc == 0 && i < m->nincr; i++) {
        char *p = aof_path(a, m->incr[i].name);
        rc = aof_load_file(srv, p, i == m->nincr - 1);
        mem_free(p);
    }
    srv->stat.numcommands = numcommands;
    srv->dirty = 0;
    if (rc == 0)
        log_notice("Append Only File loaded by DEBUG LOADAOF");
    return rc;
}

void aof_shutdown(struct server *srv)
{
    struct aof *a = srv->aof;
    if (!a)
        return;
    if (a->child > 0) {
        log_warning("There is a child rewriting the AOF. Killing it!");
        aof_rewrite_kill_child(srv);
    }
    if (a->state == AOF_OFF || a->fd < 0)
        return;
    aof_flush(srv, 1);
    if (reply_pending(&a->buf))
        log_warning("Writing the AOF buffer failed on shutdown: %s", strerror(a->write_errno));
    aof_prealloc_trim(a); /* waits for the thread too */
    log_notice("Calling fsync() on the AOF file.");
    fsync(a->fd);
}

void aof_info(struct server *srv, struct reply_buf *b)
{
    struct aof *a = srv->aof;
#define INFO_LINE(...) reply_info_line(b, __VA_ARGS__)
    long long now = server_mstime(srv);
    INFO_LINE("aof_enabled:%d", a && a->state != AOF_OFF);
    INFO_LINE("aof_rewrite_in_progress:%d", a && a->child > 0);
    INFO_LINE("aof_rewrite_scheduled:%d", a && a->rewrite_scheduled);
    INFO_LINE("aof_last_rewrite_time_sec:%lld", a ? a->last_rewrite_sec : -1);
    INFO_LINE("aof_current_rewrite_time_sec:%lld",
              a && a->child > 0 ? (now - a->child_start_ms) / 1000 : -1);
    INFO_LINE("aof_last_bgrewrite_status:%s", !a || a->last_rewrite_ok ? "ok" : "err");
    INFO_LINE("aof_rewrites:%lld", a ? a->rewrites : 0);
    INFO_LINE("aof_rewrites_consecutive_failures:%lld", a ? a->rewrite_failures : 0);
    INFO_LINE("aof_last_write_status:%s", a && a->write_errno ? "err" : "ok");
    INFO_LINE("aof_last_cow_size:0");
    INFO_LINE("module_fork_in_progress:0");
    INFO_LINE("module_fork_last_cow_size:0");
    if (a && a->state != AOF_OFF) {
        INFO_LINE("aof_current_size:%lld", a->base_size + a->incr_base + a->file_size);
        INFO_LINE("aof_base_size:%lld", a->base_size);
        INFO_LINE("aof_pending_rewrite:%d", a->rewrite_scheduled);
        INFO_LINE("aof_buffer_length:%zu", reply_pending(&a->buf));
        INFO_LINE("aof_pending_bio_fsync:%d", aof_bio_pending(a));
        INFO_LINE("aof_delayed_fsync:%lld", a->delayed_fsync);
    }
#undef INFO_LINE
}
