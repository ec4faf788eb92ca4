/* aof_rewrite.c -- BGREWRITEAOF: a forked child writes a new base file.
 *
 *   parent                                child
 *   flush the buffer to the old incr
 *   open incr n+1, list it (manifest)
 *   fork --------------------------------> write temp-rewriteaof-bg-<pid>.aof
 *   go on appending to incr n+1            fsync, exit 0
 *   cron: waitpid <-----------------------
 *   rename temp -> <name>.<b+1>.base.aof
 *   manifest: new base + incr n+1 only (temp, fsync, rename, fsync dir)
 *   unlink the old base and incr files
 *
 * Every manifest on disk, at every step, loads to the same data: before
 * the switch it lists the old base and every incr file (n+1 included),
 * after it the new base (which holds everything up to the fork) and incr
 * n+1 (everything after).  When the AOF is being turned on at run time
 * (AOF_WAIT_REWRITE) the effects go to a temp incr file that is not in any
 * manifest until the base exists, as Redis 7 does. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aof.h"
#include "aof_manifest.h"
#include "latency.h"
#include "log.h"
#include "mem.h"
#include "server.h"
#include "snapshot.h"
#include "util.h"

static char *temp_base_name(pid_t pid)
{
    char *s = mem_alloc(64);
    snprintf(s, 64, "temp-rewriteaof-bg-%ld.aof", (long)pid);
    return s;
}

static char *temp_incr_name(const char *appendfilename)
{
    size_t n = strlen(appendfilename) + 16;
    char *s = mem_alloc(n);
    snprintf(s, n, "temp-%s.incr", appendfilename);
    return s;
}

/* The child: write the base and leave.  Only async-signal-safe exits. */
static void rewrite_child(struct server *srv)
{
    struct aof *a = srv->aof;
    char *name = temp_base_name(getpid());
    char *path = aof_path(a, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    long long nkeys = 0;
    if (fd < 0) {
        log_warning("Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): %s",
                    strerror(errno));
        _exit(1);
    }
    if (aof_write_base_file(srv, fd, a->child_rdb, &nkeys) < 0 || fsync(fd) < 0) {
        log_warning("Write error writing append only file on disk: %s", strerror(errno));
        close(fd);
        unlink(path);
        _exit(1);
    }
    close(fd);
    log_notice("Successfully created the temporary AOF base file %s", name);
    _exit(0);
}

int aof_rewrite_background(struct server *srv, char *err, size_t errlen)
{
    struct aof *a = srv->aof;
    if (a->child > 0) {
        snprintf(err, errlen, "ERR Background append only file rewriting already in progress");
        return -1;
    }
    if (snapshot_child_active(srv)) {
        /* One child at a time: the cron starts it after the BGSAVE (Redis
         * 7.0 answers "scheduled" the same way). */
        a->rewrite_scheduled = 1;
        return 1;
    }
    if (mkdir(a->dir, 0755) < 0 && errno != EEXIST) {
        snprintf(err, errlen, "ERR Can't open or create append-only dir %s: %s", a->dir,
                 strerror(errno));
        return -1;
    }
    if (!a->manifest) {
        a->manifest = mem_calloc(sizeof(*a->manifest));
        aof_manifest_init(a->manifest);
        char *mname = aof_name_manifest(srv->cfg.appendfilename);
        char *mpath = aof_path(a, mname);
        char merr[256];
        errno = 0;
        if (aof_manifest_load(a->manifest, mpath, merr, sizeof(merr)) < 0) {
            aof_manifest_free(a->manifest);
            aof_manifest_init(a->manifest);
        }
        mem_free(mname);
        mem_free(mpath);
    }
    /* Everything before the fork goes to the files the old manifest lists;
     * everything after to a file the child's base does not cover. */
    if (a->state == AOF_ON) {
        aof_flush(srv, 1);
        struct aof_manifest *next = aof_manifest_dup(a->manifest);
        struct aof_file_info *inc = aof_manifest_new_incr(next, srv->cfg.appendfilename);
        if (aof_open_incr(srv, inc->name) < 0 || aof_persist_manifest(srv, next) < 0) {
            aof_manifest_free(next);
            mem_free(next);
            snprintf(err, errlen, "ERR Can't open a new AOF incr file");
            a->last_rewrite_ok = 0;
            return -1;
        }
        aof_manifest_free(a->manifest);
        mem_free(a->manifest);
        a->manifest = next;
    } else if (a->state == AOF_WAIT_REWRITE && !a->temp_incr) {
        char *tn = temp_incr_name(srv->cfg.appendfilename);
        char *tp = aof_path(a, tn);
        unlink(tp);
        mem_free(tp);
        if (aof_open_incr(srv, tn) < 0) {
            mem_free(tn);
            snprintf(err, errlen, "ERR Can't open the temp AOF incr file");
            return -1;
        }
        a->incr_base = 0;
        log_notice("Creating AOF incr file %s on background rewrite", tn);
        a->temp_incr = tn;
    }
    long long start = util_ustime();
    a->child_rdb = srv->cfg.aof_use_rdb_preamble;
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "ERR Can't rewrite append only file in background: fork: %s",
                 strerror(errno));
        a->last_rewrite_ok = 0;
        a->rewrite_failures++;
        return -1;
    }
    if (pid == 0) {
        /* libevent's signal handlers would forward a SIGTERM meant for the
         * child to the parent's loop: the child dies of it instead. */
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        rewrite_child(srv); /* never returns */
    }
    long long pause = util_ustime() - start;
    srv->stat.total_forks++;
    srv->stat.latest_fork_usec = pause;
    latency_add_sample_if_needed(srv, "fork", pause / 1000);
    a->child = pid;
    a->child_start_ms = server_mstime(srv);
    a->rewrite_scheduled = 0;
    log_notice("Background append only file rewriting started by pid %ld (fork took %.3f ms)",
               (long)pid, (double)pause / 1000.0);
    return 0;
}

void aof_rewrite_kill_child(struct server *srv)
{
    struct aof *a = srv->aof;
    if (a->child <= 0)
        return;
    kill(a->child, SIGUSR1);
    int status;
    while (waitpid(a->child, &status, 0) < 0 && errno == EINTR) {
    }
    char *name = temp_base_name(a->child);
    char *path = aof_path(a, name);
    unlink(path);
    mem_free(name);
    mem_free(path);
    a->child = -1;
}

static void unlink_in_dir(struct aof *a, const char *name)
{
    char *p = aof_path(a, name);
    if (unlink(p) == 0)
        log_notice("Removing the history file %s", name);
    mem_free(p);
}

static int name_listed(const struct aof_manifest *m, const char *name)
{
    if (m->base && strcmp(m->base->name, name) == 0)
        return 1;
    for (int i = 0; i < m->nincr; i++)
        if (strcmp(m->incr[i].name, name) == 0)
            return 1;
    return 0;
}

/* The child succeeded: switch the manifest to the new base. */
static void rewrite_done(struct server *srv, pid_t pid)
{
    struct aof *a = srv->aof;
    char *tname = temp_base_name(pid);
    char *tpath = aof_path(a, tname);
    struct aof_manifest *old = a->manifest;
    struct aof_manifest *next = aof_manifest_dup(old);
    aof_manifest_set_base(next, srv->cfg.appendfilename, a->child_rdb);
    char *bpath = aof_path(a, next->base->name);
    int ok = 0;
    if (rename(tpath, bpath) < 0) {
        log_warning("Error trying to rename the temporary AOF base file %s into %s: %s", tname,
                    next->base->name, strerror(errno));
        goto out;
    }
    log_notice("Successfully renamed the temporary AOF base file %s into %s", tname,
               next->base->name);
    if (a->state == AOF_ON) {
        aof_manifest_incr_to_hist(next, 1);
    } else if (a->state == AOF_WAIT_REWRITE) {
        aof_manifest_incr_to_hist(next, 0);
        struct aof_file_info *inc = aof_manifest_new_incr(next, srv->cfg.appendfilename);
        char *from = aof_path(a, a->temp_incr);
        char *to = aof_path(a, inc->name);
        int rc = rename(from, to);
        mem_free(from);
        mem_free(to);
        if (rc < 0) {
            log_warning("Error trying to rename the temporary AOF incr file %s into %s: %s",
                        a->temp_incr, inc->name, strerror(errno));
            unlink(bpath);
            goto out;
        }
        log_notice("Successfully renamed the temporary AOF incr file %s into %s", a->temp_incr,
                   inc->name);
    } else {
        aof_manifest_incr_to_hist(next, 0);
    }
    /* The history files are not listed: they are deleted right after. */
    struct aof_file_info *hist = next->hist;
    int nhist = next->nhist;
    next->hist = NULL;
    next->nhist = 0;
    if (aof_persist_manifest(srv, next) < 0) {
        next->hist = hist;
        next->nhist = nhist;
        goto out;
    }
    for (int i = 0; i < nhist; i++) {
        if (!name_listed(next, hist[i].name))
            unlink_in_dir(a, hist[i].name);
        mem_free(hist[i].name);
    }
    mem_free(hist);
    if (old->base && !name_listed(next, old->base->name))
        unlink_in_dir(a, old->base->name);
    for (int i = 0; i < old->nincr; i++)
        if (!name_listed(next, old->incr[i].name))
            unlink_in_dir(a, old->incr[i].name);
    ok = 1;
out:
    if (ok) {
        aof_manifest_free(old);
        mem_free(old);
        a->manifest = next;
        struct stat st;
        a->base_size = stat(bpath, &st) == 0 ? (long long)st.st_size : 0;
        a->incr_base = 0;
        if (a->state == AOF_WAIT_REWRITE) {
            mem_free(a->temp_incr);
            a->temp_incr = NULL;
            a->state = AOF_ON;
            log_notice("Background AOF rewrite finished successfully");
            log_notice("AOF rewrite: the append only file is on");
        } else {
            log_notice("Background AOF rewrite finished successfully");
        }
        a->rewrite_base_size = a->base_size + a->file_size;
        a->last_rewrite_ok = 1;
        a->rewrite_failures = 0;
        a->rewrites++;
    } else {
        aof_manifest_free(next);
        mem_free(next);
        unlink(tpath);
        a->last_rewrite_ok = 0;
        a->rewrite_failures++;
        if (a->state == AOF_WAIT_REWRITE)
            a->rewrite_scheduled = 1;
    }
    mem_free(tname);
    mem_free(tpath);
    mem_free(bpath);
}

void aof_rewrite_check_child(struct server *srv)
{
    struct aof *a = srv->aof;
    int status;
    pid_t pid = waitpid(a->child, &status, WNOHANG);
    if (pid == 0 || (pid < 0 && errno == EINTR))
        return;
    a->child = -1;
    a->last_rewrite_sec = (server_mstime(srv) - a->child_start_ms) / 1000;
    if (pid < 0) {
        log_warning("waitpid() on the AOF rewrite child failed: %s", strerror(errno));
        a->last_rewrite_ok = 0;
        return;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        log_notice("Background AOF rewrite terminated with success");
        rewrite_done(srv, pid);
        return;
    }
    if (WIFSIGNALED(status))
        log_warning("Background AOF rewrite terminated by signal %d", WTERMSIG(status));
    else
        log_warning("Background AOF rewrite terminated with error");
    char *name = temp_base_name(pid);
    char *path = aof_path(a, name);
    unlink(path);
    mem_free(name);
    mem_free(path);
    a->last_rewrite_ok = 0;
    a->rewrite_failures++;
    if (a->state == AOF_WAIT_REWRITE)
        a->rewrite_scheduled = 1;
}
