/* snapshot.c -- SAVE, BGSAVE, the save rules, the final save, start-up
 * load, DEBUG RELOAD's save-and-load, and INFO persistence.  See
 * snapshot.h for the life of a BGSAVE child.
 *
 * Timing rules are Redis 7.0's (serverCron): a rule "S C" fires when at
 * least C changes happened and more than S seconds passed since the last
 * successful save; after a failed BGSAVE neither a rule nor a scheduled
 * BGSAVE tries again within 5 seconds. */
#include "snapshot.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aof.h"
#include "block.h"
#include "latency.h"
#include "log.h"
#include "mem.h"
#include "multi.h"
#include "rdb.h"
#include "repl.h"
#include "reply.h"
#include "server.h"
#include "util.h"

#define SNAPSHOT_RETRY_DELAY 5 /* seconds: Redis's CONFIG_BGSAVE_RETRY_DELAY */

static const char MISCONF_RDB[] =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to "
    "disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the "
    "RDB error.";

static long long now_sec(void)
{
    return (long long)time(NULL);
}

int snapshot_init(struct server *srv)
{
    struct snapshot *sn = mem_calloc(sizeof(*sn));
    sn->child = -1;
    sn->lastsave = now_sec();
    sn->lastbgsave_try = 0;
    sn->last_bgsave_ok = 1;
    sn->last_bgsave_sec = -1;
    srv->snap = sn;
    return 0;
}

void snapshot_free(struct server *srv)
{
    mem_free(srv->snap);
    srv->snap = NULL;
}

int snapshot_child_active(const struct server *srv)
{
    return srv->snap && srv->snap->child > 0;
}

/* The AOF's rewrite child, read through aof.h (the AOF owns it). */
static int aof_child_active(const struct server *srv)
{
    return srv->aof && srv->aof->child > 0;
}

int snapshot_any_child_active(const struct server *srv)
{
    return snapshot_child_active(srv) || aof_child_active(srv);
}

static void temp_name(char *out, size_t cap, pid_t pid)
{
    snprintf(out, cap, "temp-%ld.rdb", (long)pid);
}

/* --- Start-up --------------------------------------------------------------- */

int snapshot_load_at_start(struct server *srv)
{
    if (srv->cfg.appendonly)
        return 0; /* the AOF is the source of truth (aof_load_at_start) */
    long long start = util_ustime();
    char err[1024];
    errno = 0;
    if (rdb_load_file(srv, srv->cfg.dbfilename, err, sizeof(err)) < 0) {
        if (errno == ENOENT)
            return 0;
        log_warning("Fatal error loading the DB: %s. Exiting.", err);
        return -1;
    }
    log_notice("DB loaded from disk: %.3f seconds", (double)(util_ustime() - start) / 1e6);
    srv->dirty = 0;
    repl_use_rdb_info(srv);
    return 0;
}

/* --- SAVE --------------------------------------------------------------------- */

int snapshot_save(struct server *srv, char *err, size_t errlen)
{
    struct snapshot *sn = srv->snap;
    if (snapshot_child_active(srv)) {
        snprintf(err, errlen, "Background save already in progress");
        return -1;
    }
    if (rdb_save_file(srv, srv->cfg.dbfilename, err, errlen) < 0) {
        log_warning("%s", err);
        return -1;
    }
    log_notice("DB saved on disk");
    srv->dirty = 0;
    sn->lastsave = now_sec();
    sn->last_bgsave_ok = 1;
    sn->saves++;
    return 0;
}

/* --- BGSAVE ------------------------------------------------------------------- */

/* The child: save and leave without running the parent's exit paths. */
static void bgsave_child(struct server *srv)
{
    /* The parent's libevent handlers would forward these to its loop. */
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
    char err[1024];
    if (rdb_save_file(srv, srv->cfg.dbfilename, err, sizeof(err)) < 0) {
        log_warning("%s", err);
        _exit(1);
    }
    log_notice("DB saved on disk");
    _exit(0);
}

int snapshot_bgsave(struct server *srv, int schedule, char *err, size_t errlen)
{
    struct snapshot *sn = srv->snap;
    if (snapshot_child_active(srv)) {
        snprintf(err, errlen, "ERR Background save already in progress");
        return -1;
    }
    if (aof_child_active(srv)) {
        if (schedule) {
            sn->bgsave_scheduled = 1;
            return 1;
        }
        snprintf(err, errlen, "ERR Another child process is active (AOF?): can't BGSAVE right "
                              "now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever "
                              "possible.");
        return -1;
    }
    sn->lastbgsave_try = now_sec();
    long long start = util_ustime();
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        sn->last_bgsave_ok = 0;
        log_warning("Can't save in background: fork: %s", strerror(e));
        snprintf(err, errlen, "ERR Can't save in background: fork: %s", strerror(e));
        return -1;
    }
    if (pid == 0)
        bgsave_child(srv); /* never returns */
    long long pause = util_ustime() - start;
    srv->stat.total_forks++;
    srv->stat.latest_fork_usec = pause;
    latency_add_sample_if_needed(srv, "fork", pause / 1000);
    sn->child = pid;
    sn->child_start_ms = util_ustime() / 1000;
    sn->dirty_before_bgsave = srv->dirty;
    sn->bgsave_scheduled = 0;
    log_notice("Background saving started by pid %ld", (long)pid);
    return 0;
}

void snapshot_kill_child(struct server *srv)
{
    struct snapshot *sn = srv->snap;
    if (!sn || sn->child <= 0)
        return;
    kill(sn->child, SIGUSR1);
    int status;
    while (waitpid(sn->child, &status, 0) < 0 && errno == EINTR) {
    }
    char name[64];
    temp_name(name, sizeof(name), sn->child);
    unlink(name);
    sn->child = -1;
}

/* The child ended: account for it as Redis's backgroundSaveDoneHandler. */
static void bgsave_done(struct server *srv, int status)
{
    struct snapshot *sn = srv->snap;
    pid_t pid = sn->child;
    sn->child = -1;
    sn->last_bgsave_sec = (util_ustime() / 1000 - sn->child_start_ms) / 1000;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        log_notice("Background saving terminated with success");
        srv->dirty -= sn->dirty_before_bgsave;
        if (srv->dirty < 0)
            srv->dirty = 0;
        sn->lastsave = now_sec();
        sn->last_bgsave_ok = 1;
        sn->saves++;
        return;
    }
    char name[64];
    temp_name(name, sizeof(name), pid);
    unlink(name);
    if (WIFSIGNALED(status)) {
        log_warning("Background saving terminated by signal %d", WTERMSIG(status));
        /* SIGUSR1 is how Runnel stops its own child: not an error. */
        if (WTERMSIG(status) != SIGUSR1)
            sn->last_bgsave_ok = 0;
    } else {
        log_warning("Background saving error");
        sn->last_bgsave_ok = 0;
    }
}

void snapshot_cron(struct server *srv)
{
    struct snapshot *sn = srv->snap;
    if (sn->child > 0) {
        int status;
        pid_t r = waitpid(sn->child, &status, WNOHANG);
        if (r == sn->child) {
            bgsave_done(srv, status);
        } else if (r < 0 && errno != EINTR) {
            log_warning("waitpid() on the BGSAVE child failed: %s", strerror(errno));
            sn->child = -1;
            sn->last_bgsave_ok = 0;
        }
    }
    if (snapshot_any_child_active(srv))
        return;
    long long now = now_sec();
    int may_retry = sn->last_bgsave_ok || now - sn->lastbgsave_try > SNAPSHOT_RETRY_DELAY;
    char err[512];
    for (int i = 0; i < srv->cfg.save.count && may_retry; i++) {
        const struct config_save_rule *rule = &srv->cfg.save.rules[i];
        if (srv->dirty >= rule->changes && now - sn->lastsave > rule->seconds) {
            log_notice("%lld changes in %lld seconds. Saving...", rule->changes, rule->seconds);
            if (snapshot_bgsave(srv, 0, err, sizeof(err)) < 0)
                log_warning("%s", err);
            return;
        }
    }
    if (sn->bgsave_scheduled && may_retry) {
        if (snapshot_bgsave(srv, 0, err, sizeof(err)) < 0)
            log_warning("Scheduled BGSAVE failed to start: %s", err);
    }
}

const char *snapshot_deny_write_error(const struct server *srv)
{
    const struct snapshot *sn = srv->snap;
    if (!sn || sn->last_bgsave_ok || !srv->cfg.stop_writes_on_bgsave_error ||
        srv->cfg.save.count == 0)
        return NULL;
    return MISCONF_RDB;
}

/* --- Shutdown, FLUSHALL, DEBUG RELOAD ----------------------------------------------- */

int snapshot_prepare_shutdown(struct server *srv, int flags)
{
    if (snapshot_child_active(srv)) {
        log_warning("There is a child saving an .rdb. Killing it!");
        snapshot_kill_child(srv);
    }
    int want = (flags & SNAPSHOT_SHUTDOWN_SAVE) ||
               (srv->cfg.save.count > 0 && !(flags & SNAPSHOT_SHUTDOWN_NOSAVE));
    if (!want)
        return 0;
    log_notice("Saving the final RDB snapshot before exiting.");
    char err[1024];
    if (snapshot_save(srv, err, sizeof(err)) == 0)
        return 0;
    if (flags & SNAPSHOT_SHUTDOWN_FORCE) {
        log_warning("Error trying to save the DB, but FORCE was given: exiting anyway.");
        return 0;
    }
    log_warning("Error trying to save the DB, can't exit.");
    return -1;
}

void snapshot_after_flushall(struct server *srv)
{
    if (snapshot_child_active(srv))
        snapshot_kill_child(srv);
    if (srv->cfg.save.count == 0)
        return;
    /* The counter is left as the save leaves it (0), as in Redis 7.0. */
    char err[1024];
    snapshot_save(srv, err, sizeof(err));
}

/* Empty a database the way FLUSHDB does for watchers and waiters. */
static void empty_db(struct server *srv, struct db *db)
{
    multi_touch_all(db);
    struct dict_iter it;
    dict_iter_init(&it, &db->blocking);
    struct dict_entry *e;
    while ((e = dict_iter_next(&it)))
        block_signal_key(srv, db, e->key, e->klen);
    db_empty(db);
}

void snapshot_empty_all(struct server *srv)
{
    for (int i = 0; i < srv->ndbs; i++)
        empty_db(srv, &srv->dbs[i]);
}

int snapshot_reload(struct server *srv, int save, int flush, int merge, char *err,
                    size_t errlen)
{
    if (save && snapshot_save(srv, err, errlen) < 0)
        return -1;
    if (flush)
        snapshot_empty_all(srv);
    long long dirty = srv->dirty;
    srv->snap->load_merge = merge;
    int rc = rdb_load_file(srv, srv->cfg.dbfilename, err, errlen);
    srv->snap->load_merge = 0;
    srv->dirty = dirty;
    if (rc < 0)
        return -1;
    log_notice("DB reloaded by DEBUG RELOAD");
    return 0;
}

/* --- INFO ------------------------------------------------------------------------- */

void snapshot_info(struct server *srv, struct reply_buf *b)
{
    struct snapshot *sn = srv->snap;
#define INFO_LINE(...) reply_info_line(b, __VA_ARGS__)
    long long now_ms = util_ustime() / 1000;
    INFO_LINE("current_cow_peak:0");
    INFO_LINE("current_cow_size:0");
    INFO_LINE("current_cow_size_age:0");
    INFO_LINE("current_fork_perc:0.00");
    INFO_LINE("current_save_keys_processed:0");
    INFO_LINE("current_save_keys_total:0");
    INFO_LINE("rdb_changes_since_last_save:%lld", srv->dirty);
    INFO_LINE("rdb_bgsave_in_progress:%d", sn->child > 0);
    INFO_LINE("rdb_last_save_time:%lld", sn->lastsave);
    INFO_LINE("rdb_last_bgsave_status:%s", sn->last_bgsave_ok ? "ok" : "err");
    INFO_LINE("rdb_last_bgsave_time_sec:%lld", sn->last_bgsave_sec);
    INFO_LINE("rdb_current_bgsave_time_sec:%lld",
              sn->child > 0 ? (now_ms - sn->child_start_ms) / 1000 : -1);
    INFO_LINE("rdb_saves:%lld", sn->saves);
    INFO_LINE("rdb_last_cow_size:0");
    INFO_LINE("rdb_last_load_keys_expired:%lld", sn->load_keys_expired);
    INFO_LINE("rdb_last_load_keys_loaded:%lld", sn->load_keys_loaded);
#undef INFO_LINE
}
