/* repl_diskless.c -- the master's diskless full sync: the RDB streamed from
 * a forked child through a pipe to the replicas that said capa eof.
 *
 *   child                         parent (event loop)
 *   "$EOF:<mark>\r\n"  --pipe-->  pipe_read_cb: append each chunk to every
 *   RDB (rdb_save_to_writer)      target's output; stop reading while one
 *   <mark>, exit 0                holds > REPL_PIPE_HIGH unsent bytes
 *                                 (repl_master_conn_wrote resumes)
 *                                 EOF: the last 40 bytes are the mark ->
 *                                 targets wait for their first ACK
 *
 * The mark is made by the parent before the fork, so the parent knows
 * success from the bytes alone and never waits for the child's exit
 * (sync_cron in repl_master.c reaps it).  The pipe's read end is
 * non-blocking; the child's write end blocks, so a slow replica slows the
 * child, never the loop.  A target that leaves is just no longer fed; the
 * last one leaving kills the child (SIGUSR1, as BGSAVE's kill). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "conn.h"
#include "log.h"
#include "rdb.h"
#include "rdb_codec.h"
#include "rdb_pipe.h"
#include "repl.h"
#include "server.h"
#include "util.h"

#define PIPE_READ_CHUNK (64 * 1024)
#define PIPE_READS_PER_EVENT 16

static int is_target(const struct repl_peer *pe)
{
    return pe->diskless && pe->sync == REPL_SYNC_IN_CHILD &&
           !(pe->c->flags & (CONN_CLOSE_ASAP | CONN_CLOSE_AFTER_REPLY));
}

/* 1 when some target's output holds more than the high mark. */
static int throttled(const struct server *srv)
{
    for (const struct repl_peer *pe = srv->repl->peers; pe; pe = pe->next)
        if (is_target(pe) && reply_pending(&pe->c->out) > REPL_PIPE_HIGH)
            return 1;
    return 0;
}

static int write_all(int fd, const void *p, size_t len)
{
    const char *b = p;
    while (len) {
        ssize_t n = write(fd, b, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        b += n;
        len -= (size_t)n;
    }
    return 0;
}

static int pipe_sink_write(void *ud, const void *p, size_t len)
{
    return write_all(*(int *)ud, p, len);
}

/* The child: prefix, RDB, mark into the pipe. */
static void child_main(struct server *srv, int fd)
{
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
    const char *mark = srv->repl->eof_mark;
    char head[48];
    memcpy(head, "$EOF:", 5);
    memcpy(head + 5, mark, 40);
    memcpy(head + 45, "\r\n", 2);
    if (write_all(fd, head, 47) < 0)
        _exit(1);
    struct rdb_writer w;
    rdb_writer_init(&w, pipe_sink_write, &fd, srv->cfg.rdbcompression);
    /* LZF, CRC and the pipe writes on a second core, as BGSAVE's. */
    if (sysconf(_SC_NPROCESSORS_ONLN) > 1)
        rdb_pipe_start(&w);
    int rc = rdb_save_to_writer(srv, &w, 0);
    if (rc == 0)
        rc = rdb_writer_flush(&w);
    if (rc < 0)
        log_warning("Diskless replication RDB: %s", strerror(w.err ? w.err : errno));
    rdb_writer_free(&w);
    if (rc < 0 || write_all(fd, mark, 40) < 0)
        _exit(1);
    _exit(0);
}

static void close_pipe(struct repl *r)
{
    if (r->pipe_ev) {
        event_free(r->pipe_ev);
        r->pipe_ev = NULL;
    }
    if (r->pipe_fd >= 0) {
        close(r->pipe_fd);
        r->pipe_fd = -1;
    }
    r->pipe_paused = 0;
}

/* The pipe ended: the mark at its end means every byte went out. */
static void transfer_done(struct server *srv)
{
    struct repl *r = srv->repl;
    int ok = r->pipe_bytes >= 47 + 40 && memcmp(r->pipe_tail, r->eof_mark, 40) == 0;
    close_pipe(r);
    long long now = server_mstime(srv);
    for (struct repl_peer *pe = r->peers; pe; pe = pe->next) {
        if (!pe->diskless || pe->sync != REPL_SYNC_IN_CHILD)
            continue;
        pe->diskless = 0;
        pe->sync = REPL_SYNC_NONE;
        if (!ok) {
            conn_close_asap(pe->c);
            continue;
        }
        pe->wait_ack = 1;
        pe->ack_ms = now;
        pe->c->reply_mode = REPLY_OFF;
        log_notice("Streamed RDB transfer with replica %s succeeded (socket). Waiting for "
                   "REPLCONF ACK from replica to enable streaming",
                   pe->c->addr);
    }
    if (ok)
        log_notice("Diskless rdb transfer, done reading from pipe, %lld bytes",
                   r->pipe_bytes);
    else
        log_warning("Diskless rdb transfer failed: the child's pipe ended without the EOF mark; "
                    "the replicas' links are closed");
}

static void forward(struct server *srv, const char *buf, size_t n)
{
    struct repl *r = srv->repl;
    for (struct repl_peer *pe = r->peers; pe; pe = pe->next) {
        if (!is_target(pe))
            continue;
        reply_raw(&pe->c->out, buf, n);
        conn_want_write(pe->c);
    }
    if (n >= 40) {
        memcpy(r->pipe_tail, buf + n - 40, 40);
    } else {
        memmove(r->pipe_tail, r->pipe_tail + n, 40 - n);
        memcpy(r->pipe_tail + 40 - n, buf, n);
    }
    r->pipe_bytes += (long long)n;
}

static void pipe_read_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)what;
    struct server *srv = arg;
    struct repl *r = srv->repl;
    char buf[PIPE_READ_CHUNK];
    for (int i = 0; i < PIPE_READS_PER_EVENT; i++) {
        if (throttled(srv)) {
            event_del(r->pipe_ev);
            r->pipe_paused = 1;
            return;
        }
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n > 0) {
            forward(srv, buf, (size_t)n);
            /* The mark is the child's last write: done without waiting
             * for the pipe's end (the replica ACKs as soon as it sees it). */
            if (r->pipe_bytes >= 47 + 40 && memcmp(r->pipe_tail, r->eof_mark, 40) == 0) {
                transfer_done(srv);
                return;
            }
            continue;
        }
        if (n == 0) {
            transfer_done(srv);
            return;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            log_warning("Diskless rdb transfer, error reading from the child's pipe: %s",
                        strerror(errno));
            transfer_done(srv);
        }
        return;
    }
}

static void random_hex(char *out, size_t n)
{
    unsigned char raw[40];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, raw, n / 2) : -1;
    if (fd >= 0)
        close(fd);
    if (got != (ssize_t)(n / 2)) {
        unsigned long long x = (unsigned long long)util_ustime() ^ ((unsigned long long)getpid() << 32);
        for (size_t i = 0; i < n / 2; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            raw[i] = (unsigned char)(x >> 56);
        }
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n / 2; i++) {
        out[2 * i] = hex[raw[i] >> 4];
        out[2 * i + 1] = hex[raw[i] & 15];
    }
}

int repl_diskless_fork(struct server *srv)
{
    struct repl *r = srv->repl;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -1;
    /* A larger pipe: fewer wake-ups of the loop per megabyte. */
    (void)fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
    random_hex(r->eof_mark, sizeof(r->eof_mark));
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        errno = e;
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        child_main(srv, fds[1]); /* never returns */
    }
    close(fds[1]);
    evutil_make_socket_nonblocking(fds[0]);
    r->pipe_fd = fds[0];
    r->pipe_bytes = 0;
    r->pipe_paused = 0;
    memset(r->pipe_tail, 0, sizeof(r->pipe_tail));
    r->pipe_ev = event_new(srv->base, fds[0], EV_READ | EV_PERSIST, pipe_read_cb, srv);
    event_add(r->pipe_ev, NULL);
    long long now = server_mstime(srv);
    for (struct repl_peer *pe = r->peers; pe; pe = pe->next) {
        if (pe->sync == REPL_SYNC_WAIT_BGSAVE) {
            pe->diskless = 1;
            pe->progress_ms = now;
        }
    }
    return pid;
}

void repl_diskless_check(struct server *srv)
{
    struct repl *r = srv->repl;
    if (r->pipe_fd < 0)
        return;
    int targets = 0;
    for (struct repl_peer *pe = r->peers; pe; pe = pe->next)
        targets += is_target(pe);
    if (!targets) {
        log_warning("Diskless rdb transfer, last replica dropped, killing fork child.");
        if (r->sync_child > 0)
            kill(r->sync_child, SIGUSR1);
        close_pipe(r);
        return;
    }
    if (r->pipe_paused && !throttled(srv)) {
        r->pipe_paused = 0;
        event_add(r->pipe_ev, NULL);
    }
}

void repl_diskless_abort(struct server *srv)
{
    close_pipe(srv->repl);
}
