/* aof.h -- the append-only file, in Redis 7's multi-part layout.
 *
 *   <dir>/<appenddirname>/
 *       <appendfilename>.manifest          which files, in load order
 *       <appendfilename>.<n>.base.aof      the data as of the last rewrite
 *       <appendfilename>.<m>.incr.aof      the effects since, appended
 *
 * What is written: the effects of write commands (effect.h), never the
 * requests; a unit (one command or one EXEC) is written whole, wrapped in
 * MULTI/EXEC when it has several commands, with SELECT when the database
 * changes, and with '#' annotation lines for state no command can carry.
 *
 * Durability (appendfsync):
 *   always    every unit of one loop iteration shares one write() and one
 *             fsync() in before_sleep (group commit); a client's reply is
 *             held until the bytes of its last write are fsynced.
 *   everysec  write() in before_sleep; fsync() in a background thread once
 *             a second; a write waits up to 2 s for a lagging fsync, then
 *             goes ahead (counted in aof_delayed_fsync), as Redis does.
 *   no        write() in before_sleep; the kernel decides.
 * With every policy a reply is held until its write's bytes reached the
 * kernel (the "reply barrier": conn.aof_wait against the written or fsynced
 * offset), so an acknowledged write is never only in our buffer.
 *
 * A failed write (disk full, EIO) keeps the bytes in the buffer, cuts any
 * partial command off the file, refuses write commands with Redis's
 * -MISCONF error and retries from the cron; replies of the commands whose
 * bytes are not on disk stay held.  A failed fsync under `always` stops the
 * process (Redis does the same: after a failed fsync the kernel may have
 * dropped the pages, so nothing can be promised any more).
 *
 * Rewrite (BGREWRITEAOF, auto-aof-rewrite-*): the parent opens a new incr
 * file and lists it in the manifest first, then forks; the child writes a
 * new base from its copy of the data (aof_base.c) to a temp file and
 * fsyncs it; when it exits, the parent renames it, writes the manifest
 * (temp, fsync, rename, fsync of the directory) with the new base and the
 * new incr file only, then deletes the old files.  A crash at any point
 * leaves a manifest whose files load to the same data. */
#ifndef RUNNEL_AOF_H
#define RUNNEL_AOF_H

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>

#include "effect.h"
#include "reply.h"

struct server;
struct conn;
struct event;
struct aof_manifest;

enum aof_state {
    AOF_OFF = 0,
    AOF_ON,
    AOF_WAIT_REWRITE /* turned on at run time: waiting for the first base */
};

/* The background fsync/close thread (everysec, and closing old files). */
struct aof_bio {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_cond_t idle_cv;
    int started;
    int stop;
    int fsync_fd;          /* a file to fsync, or -1 */
    long long fsync_upto;  /* written offset covered by that fsync */
    int close_fds[8];      /* files to close (after their fsync) */
    int nclose;
    int busy;              /* a job is running: AOF_JOB_* */
    int ext_fd;            /* a file to extend with zeros, or -1 */
    long long ext_from, ext_to;
    long long ext_result;  /* the extension's new end, or -errno */
    int ext_ready;         /* ext_result not taken by the loop yet */
    long long synced;      /* offset known on disk (set by the thread) */
    int err;               /* errno of the last failed fsync, 0 */
    int notify[2];         /* the thread writes a byte here after a job */
    struct event *notify_ev;
};

struct aof {
    enum aof_state state;
    int fd;                       /* the incr file being appended, or -1 */
    struct aof_manifest *manifest;
    char *dir;                    /* appenddirname as configured */

    struct reply_buf buf;         /* bytes not written yet */
    int cur_db;                   /* database the file's reader is in */
    long long last_ts;            /* last #TS: second written */
    long long appended;           /* offsets since start: appended to buf */
    long long written;            /*   handed to write() */
    long long synced;             /*   known on disk (always, or bio) */
    long long hard_appended;      /* end of the last unit that changed data */
    long long last_fsync_ms;
    long long postponed_since;    /* everysec: write waiting for a slow fsync */
    long long delayed_fsync;
    long long file_size;          /* the incr file's size (its log's end) */
    long long alloc_end;          /* bytes the file has: past file_size they
                                   * are zeros written ahead (aof-preallocate) */
    long long ext_from;           /* an extension is in flight from here, -1 */
    long long prealloc_retry_ms;  /* after a failed extension */
    int fd_prealloc;              /* fd was opened for preallocation: written
                                   * with pwrite at file_size; else O_APPEND
                                   * and write, as Redis (aof-preallocate no) */
    long long incr_base;          /* sizes of the other incr files */
    long long base_size;
    long long rewrite_base_size;  /* aof size right after the last rewrite */

    int write_errno;              /* 0, or the errno of the failed write */
    int fsync_errno;
    long long write_err_logged_ms;

    /* Rewrite child. */
    pid_t child;
    int child_rdb;                /* the child writes an RDB-format base */
    long long child_start_ms;
    int rewrite_scheduled;
    long long rewrites;
    long long rewrite_failures;   /* consecutive */
    int last_rewrite_ok;
    long long last_rewrite_sec;
    char *temp_incr;              /* temp incr file while AOF_WAIT_REWRITE */

    struct aof_bio bio;

    /* Clients whose output waits for the AOF (CONN_AOF_HELD). */
    struct conn **held;
    int nheld, held_cap;

    /* Last load (INFO loading_*). */
    long long load_start;
    long long load_bytes;
};

/* Set up the state (appendonly off or on per config); no file is touched. */
int aof_init(struct server *srv);
void aof_free(struct server *srv);
/* Start-up: with appendonly yes, load the manifest's files (or create the
 * first base and incr file) and open the incr file for appending.  -1
 * when the server must not start (the reason is logged). */
int aof_load_at_start(struct server *srv);

/* before_sleep: write the buffer and fsync per policy. */
void aof_before_sleep(struct server *srv);
/* Will aof_before_sleep fsync data changes (appendfsync always)?  The
 * loop then takes in requests that arrived meanwhile first (group
 * commit, server.c). */
int aof_fsync_due(const struct server *srv);
/* Cron: everysec fsync, retrying a failed write, the rewrite child,
 * automatic rewrites. */
void aof_cron(struct server *srv);
/* The end of the last unit that changed data (0 when the AOF is off):
 * command_call compares it before and after a command. */
long long aof_hard_mark(const struct server *srv);
/* The offset a command's reply must wait for (0: none).  changed: the
 * command's own unit changed data.  Under appendfsync always every reply,
 * a read's too, waits for what was logged before it ran (a reader never
 * sees a write that a crash could still take back, as with Redis, where
 * replies leave after the loop's fsync). */
long long aof_reply_mark(const struct server *srv, int changed);
/* conn_write found c's output must wait: park it until the AOF catches up. */
void aof_hold(struct server *srv, struct conn *c);
/* c goes away while parked. */
void aof_unhold(struct server *srv, struct conn *c);
/* May c's pending output be written now?  Tries a flush when not. */
int aof_reply_allowed(struct server *srv, struct conn *c);

/* Write commands are refused (-MISCONF) while a write to the AOF fails:
 * the error text, or NULL. */
const char *aof_deny_write_error(struct server *srv, char *buf, size_t cap);

/* BGREWRITEAOF: 0 started, 1 scheduled (another child runs), -1 with err. */
int aof_rewrite_background(struct server *srv, char *err, size_t errlen);
/* CONFIG SET appendonly yes|no. */
int aof_set_enabled(struct server *srv, int on, char *err, size_t errlen);
/* SHUTDOWN / SIGTERM: stop a rewrite, write and fsync what is buffered. */
void aof_shutdown(struct server *srv);
/* DEBUG LOADAOF: write out what is buffered, empty every database and load
 * the manifest's files again (the dirty counter ends at 0, as Redis's).
 * 0, or -1 when the AOF is off or a file does not load (logged). */
int aof_reload(struct server *srv);
/* The AOF fields of INFO persistence. */
void aof_info(struct server *srv, struct reply_buf *b);

/* Files (aof_load.c).  Load one file of the manifest into the server;
 * `last` allows a truncated end. 0 ok, -1 refuse to start. */
int aof_load_file(struct server *srv, const char *path, int last);

/* Write a base file to fd: RDB (aof-use-rdb-preamble yes, as Redis 7
 * does: <name>.<n>.base.rdb) or commands (.base.aof).  0 or -1 + errno. */
int aof_write_base_file(struct server *srv, int fd, int rdb, long long *nkeys);

/* Internals shared by aof.c and aof_rewrite.c. */
char *aof_path(const struct aof *a, const char *name);
int aof_persist_manifest(struct server *srv, const struct aof_manifest *m);
int aof_open_incr(struct server *srv, const char *name);
void aof_flush(struct server *srv, int force);
void aof_bio_close(struct aof *a, int fd);
void aof_bio_wait_idle(struct aof *a);
void aof_rewrite_check_child(struct server *srv);
void aof_rewrite_kill_child(struct server *srv);
void aof_sink(void *ud, const struct effect *effects, int n);
int aof_fsync_dir(const char *dir);

#endif
