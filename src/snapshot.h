/* snapshot.h -- RDB snapshots: SAVE, BGSAVE in a forked child, the save
 * rules, the final save at shutdown, the load at start-up, and the state
 * INFO persistence reports.
 *
 *   parent                                  child (BGSAVE)
 *   fork ---------------------------------> rdb_save_file(dbfilename):
 *   goes on serving; dirty counts on          temp-<pid>.rdb, fsync,
 *                                             rename, fsync dir; exit 0|1
 *   cron: waitpid <-------------------------
 *   ok:  dirty -= dirty at fork, lastsave = now
 *   err: status err (stop-writes-on-bgsave-error: writes get -MISCONF
 *        until a save succeeds); the save rules retry after 5 s
 *
 * One child at a time, as Redis: BGSAVE while an AOF rewrite child runs is
 * refused, or with SCHEDULE started by the cron once that child is gone.
 * The file is always dbfilename in dir (the working directory). */
#ifndef RUNNEL_SNAPSHOT_H
#define RUNNEL_SNAPSHOT_H

#include <stddef.h>
#include <sys/types.h>

struct server;
struct reply_buf;

struct snapshot {
    pid_t child;                    /* the BGSAVE child, or -1 */
    long long child_start_ms;
    long long dirty_before_bgsave;  /* dirty when the child forked */
    int bgsave_scheduled;           /* BGSAVE SCHEDULE waiting for a child to end */
    long long lastsave;             /* unix time of the last successful save */
    long long lastbgsave_try;       /* unix time of the last BGSAVE attempt */
    int last_bgsave_ok;             /* rdb_last_bgsave_status */
    long long last_bgsave_sec;      /* rdb_last_bgsave_time_sec, -1 */
    long long saves;                /* rdb_saves: successful saves */
    long long load_keys_loaded;     /* rdb_last_load_keys_* (rdb.c sets them) */
    long long load_keys_expired;
    int load_merge;                 /* DEBUG RELOAD MERGE: the file's keys win */
};

/* SHUTDOWN flags. */
#define SNAPSHOT_SHUTDOWN_NOSAVE 1
#define SNAPSHOT_SHUTDOWN_SAVE 2
#define SNAPSHOT_SHUTDOWN_FORCE 4

int snapshot_init(struct server *srv);
void snapshot_free(struct server *srv);
/* Start-up with appendonly no: load dbfilename if it exists.  -1 when the
 * server must not start (the reason is logged). */
int snapshot_load_at_start(struct server *srv);

/* SAVE: in the foreground.  0, or -1 (logged; err says why). */
int snapshot_save(struct server *srv, char *err, size_t errlen);
/* BGSAVE [SCHEDULE]: 0 started, 1 scheduled, -1 with the error reply text. */
int snapshot_bgsave(struct server *srv, int schedule, char *err, size_t errlen);
/* Cron: reap the child, the save rules, a scheduled BGSAVE. */
void snapshot_cron(struct server *srv);

/* Is a BGSAVE child running?  (The AOF rewrite should wait for it.) */
int snapshot_child_active(const struct server *srv);
/* Is any child running (ours or the AOF's)? */
int snapshot_any_child_active(const struct server *srv);
/* Kill the BGSAVE child (and remove its temp file). */
void snapshot_kill_child(struct server *srv);

/* Writes are refused while the last BGSAVE failed, save rules exist and
 * stop-writes-on-bgsave-error is yes: Redis's -MISCONF text, or NULL. */
const char *snapshot_deny_write_error(const struct server *srv);

/* SHUTDOWN / SIGTERM: kill the child, then save when asked (SAVE), or when
 * save rules exist and NOSAVE was not given.  0, or -1 when the save failed
 * and FORCE was not given (the server must keep running). */
int snapshot_prepare_shutdown(struct server *srv, int flags);
/* FLUSHALL with save rules: kill the child and save the empty dataset now
 * (Redis does, so a restart does not bring the data back). */
void snapshot_after_flushall(struct server *srv);
/* DEBUG RELOAD: save (unless !save), empty the databases (unless !flush),
 * load dbfilename (merge: the file's copy of a key wins).  0, or -1 + err. */
/* Empty every database for a reload (watchers and blocked readers of the
 * keys told, no effects: what follows is loaded, not written). */
void snapshot_empty_all(struct server *srv);
int snapshot_reload(struct server *srv, int save, int flush, int merge, char *err,
                    size_t errlen);

/* INFO persistence, the lines after loading/async_loading and before the
 * AOF's. */
void snapshot_info(struct server *srv, struct reply_buf *b);

#endif
