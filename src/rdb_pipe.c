/* rdb_pipe.c -- a file writer's LZF, CRC and write() on a helper thread;
 * see rdb_pipe.h.
 *
 *   caller --put_raw/put_string--> chunk[submitted % 8] --submit-->
 *   thread: records in order --> inner writer (LZF, CRC, buffer, flush)
 *
 * A chunk holds records: a kind byte, a 32-bit length (host order: the
 * bytes never leave the process) and the bytes.  Consecutive raw writes
 * grow one record.  The caller fills chunk number `submitted` while the
 * thread works through `consumed` .. `submitted` - 1; the caller waits
 * when all eight are queued, the thread when none is.  The mutex hands each
 * chunk over, so its bytes (and the inner writer's state, at a drain) are
 * seen whole by the other side. */
#include "rdb_pipe.h"

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PIPE_CHUNK ((size_t)1 << 18)
#define PIPE_CHUNKS 8
#define PIPE_STR_MAX (PIPE_CHUNK / 2)  /* larger strings: written inline */
#define REC_HDR 5
#define REC_RAW 0
#define REC_STR 1
#define NO_RECORD SIZE_MAX

struct rdb_pipe {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t ready;             /* a chunk was submitted, or stop */
    pthread_cond_t done;              /* a chunk was consumed */
    struct rdb_writer inner;          /* the thread's (the caller's at a drain) */
    unsigned char *chunk[PIPE_CHUNKS];
    size_t clen[PIPE_CHUNKS];
    uint64_t submitted, consumed;     /* chunk counts, under mu */
    bool stop;
    int err;                          /* inner.err as of the last chunk */
    /* the caller's side */
    size_t len;                       /* bytes in chunk[submitted % 8] */
    size_t raw_hdr;                   /* its open raw record, or NO_RECORD */
    unsigned char *scratch;           /* the thread's: compressed strings */
    /* the caller's own compressor, used while the thread is behind */
    struct rdb_writer side;           /* only its LZF table and setting */
    unsigned char *side_out;          /* PIPE_STR_MAX + RDB_LONG_STRING_EXTRA */
    /* memory */
    unsigned char *inner_buf, *inner_lzf, *side_lzf;
    void *map;                        /* this struct and the buffers above */
    size_t map_len;
    bool in_use;                      /* attached to a writer */
};

/* The pipe this process keeps between snapshots, and the process: after
 * a fork the child finds the parent's pid here and leaves the pointer
 * alone (the memory behind it is not mapped in the child).
 *
 * Why keep it: a fork write-protects every page the parent has, and the
 * parent's first write to each afterwards is a page fault (~11 us in this
 * VM); fresh allocations fault on first touch as well.  A 1M-entry SAVE
 * right after a BGSAVE took 310 faults, and 132 back to back, nearly all
 * in the chunks, the writers' buffer and the two LZF tables (256 KiB
 * each).  Kept, and mapped MADV_DONTFORK (never shared with a child, so
 * never write-protected), they fault once in the process's life. */
static struct rdb_pipe *kept;
static pid_t kept_pid;

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

/* One mapping for the struct and its buffers, or NULL.  (Not the
 * thread's stack: glibc keeps a thread's descriptor at the top of a stack
 * given to it, and a child's fork handling walks those of every thread.) */
static struct rdb_pipe *pipe_map(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t lzf = round_up(rdb_lzf_table_bytes(), 64);
    size_t body = round_up(sizeof(struct rdb_pipe), 64) + PIPE_CHUNKS * PIPE_CHUNK +
                  PIPE_STR_MAX + round_up(PIPE_STR_MAX + RDB_LONG_STRING_EXTRA, 64) +
                  RDB_WRITER_BUF_SIZE + 2 * lzf;
    size_t len = round_up(body, page);
    unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
#ifdef MADV_DONTFORK
    madvise(m, len, MADV_DONTFORK); /* if refused: children share it, copy-on-write */
#endif
    unsigned char *p = m;
    struct rdb_pipe *pp = (struct rdb_pipe *)p;
    p += round_up(sizeof(*pp), 64);
    for (int i = 0; i < PIPE_CHUNKS; i++, p += PIPE_CHUNK)
        pp->chunk[i] = p;
    pp->scratch = p;
    p += PIPE_STR_MAX;
    pp->side_out = p;
    p += round_up(PIPE_STR_MAX + RDB_LONG_STRING_EXTRA, 64);
    pp->inner_buf = p;
    p += RDB_WRITER_BUF_SIZE;
    pp->inner_lzf = p;
    pp->side_lzf = p + lzf;
    pp->map = m;
    pp->map_len = len;
    return pp;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static uint32_t get_u32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Write one chunk's records to the inner writer (on the thread). */
static void pipe_consume(struct rdb_pipe *pp, const unsigned char *c, size_t n)
{
    size_t off = 0;
    while (off < n && !pp->inner.err) {
        unsigned kind = c[off];
        size_t len = get_u32(c + off + 1);
        const unsigned char *p = c + off + REC_HDR;
        if (kind == REC_RAW)
            rdb_write_raw(&pp->inner, p, len);
        else
            rdb_write_long_string(&pp->inner, p, len, pp->scratch);
        off += REC_HDR + len;
    }
}

static void *pipe_main(void *arg)
{
    struct rdb_pipe *pp = arg;
    pthread_mutex_lock(&pp->mu);
    for (;;) {
        while (pp->consumed == pp->submitted && !pp->stop)
            pthread_cond_wait(&pp->ready, &pp->mu);
        if (pp->consumed == pp->submitted)
            break;
        unsigned i = (unsigned)(pp->consumed % PIPE_CHUNKS);
        pthread_mutex_unlock(&pp->mu);
        pipe_consume(pp, pp->chunk[i], pp->clen[i]);
        pthread_mutex_lock(&pp->mu);
        /* Atomic: the caller peeks at it without the lock (pipe_behind). */
        __atomic_store_n(&pp->consumed, pp->consumed + 1, __ATOMIC_RELEASE);
        pp->err = pp->inner.err;
        pthread_cond_signal(&pp->done);
    }
    pthread_mutex_unlock(&pp->mu);
    return NULL;
}

/* Hand the chunk being filled to the thread and wait for a free one;
 * the thread's first error becomes the writer's. */
static void pipe_submit(struct rdb_writer *w)
{
    struct rdb_pipe *pp = w->pipe;
    pthread_mutex_lock(&pp->mu);
    pp->clen[pp->submitted % PIPE_CHUNKS] = pp->len;
    pp->submitted++;
    pthread_cond_signal(&pp->ready);
    while (pp->submitted - pp->consumed >= PIPE_CHUNKS)
        pthread_cond_wait(&pp->done, &pp->mu);
    if (pp->err && !w->err)
        w->err = pp->err;
    pthread_mutex_unlock(&pp->mu);
    pp->len = 0;
    pp->raw_hdr = NO_RECORD;
}

static unsigned char *pipe_cur(const struct rdb_pipe *pp)
{
    return pp->chunk[pp->submitted % PIPE_CHUNKS];
}

int rdb_pipe_put_raw(struct rdb_writer *w, const void *p, size_t len)
{
    struct rdb_pipe *pp = w->pipe;
    const unsigned char *s = p;
    while (len && !w->err) {
        if (pp->raw_hdr == NO_RECORD) {
            if (PIPE_CHUNK - pp->len < REC_HDR + 1)
                pipe_submit(w);
            unsigned char *c = pipe_cur(pp);
            c[pp->len] = REC_RAW;
            put_u32(c + pp->len + 1, 0);
            pp->raw_hdr = pp->len;
            pp->len += REC_HDR;
        }
        unsigned char *c = pipe_cur(pp);
        size_t n = PIPE_CHUNK - pp->len;
        if (n > len)
            n = len;
        memcpy(c + pp->len, s, n);
        put_u32(c + pp->raw_hdr + 1, get_u32(c + pp->raw_hdr + 1) + (uint32_t)n);
        pp->len += n;
        s += n;
        len -= n;
        if (pp->len == PIPE_CHUNK)
            pipe_submit(w);
    }
    return w->err ? -1 : 0;
}

/* Is the thread two chunks or more behind the caller?  Then the caller
 * compresses strings itself (the same bytes: an LZF table's state from
 * earlier calls never changes what it outputs), so that both cores
 * compress when building listpacks is the faster half. */
static bool pipe_behind(struct rdb_pipe *pp)
{
    return pp->submitted - __atomic_load_n(&pp->consumed, __ATOMIC_ACQUIRE) >= 2;
}

int rdb_pipe_put_string(struct rdb_writer *w, const void *p, size_t len)
{
    struct rdb_pipe *pp = w->pipe;
    if (w->err)
        return -1;
    if (len <= PIPE_STR_MAX && pipe_behind(pp)) {
        size_t n = rdb_encode_long_string(&pp->side, p, len, pp->side_out);
        return rdb_pipe_put_raw(w, pp->side_out, n);
    }
    if (len > PIPE_STR_MAX) {
        /* Too big for a chunk: the thread idle, write it from here. */
        if (rdb_pipe_drain(w) < 0)
            return -1;
        if (rdb_write_long_string(&pp->inner, p, len, NULL) < 0)
            w->err = pp->inner.err;
        return w->err ? -1 : 0;
    }
    if (PIPE_CHUNK - pp->len < REC_HDR + len)
        pipe_submit(w);
    unsigned char *c = pipe_cur(pp);
    c[pp->len] = REC_STR;
    put_u32(c + pp->len + 1, (uint32_t)len);
    memcpy(c + pp->len + REC_HDR, p, len);
    pp->len += REC_HDR + len;
    pp->raw_hdr = NO_RECORD;
    return w->err ? -1 : 0;
}

int rdb_pipe_drain(struct rdb_writer *w)
{
    struct rdb_pipe *pp = w->pipe;
    if (pp->len)
        pipe_submit(w);
    pthread_mutex_lock(&pp->mu);
    while (pp->consumed != pp->submitted)
        pthread_cond_wait(&pp->done, &pp->mu);
    if (pp->err && !w->err)
        w->err = pp->err;
    w->crc = pp->inner.crc;
    w->total = pp->inner.total;
    pthread_mutex_unlock(&pp->mu);
    return w->err ? -1 : 0;
}

int rdb_pipe_flush(struct rdb_writer *w)
{
    struct rdb_pipe *pp = w->pipe;
    if (rdb_pipe_drain(w) < 0)
        return -1;
    if (rdb_writer_flush(&pp->inner) < 0) {
        w->err = pp->inner.err;
        return -1;
    }
    return 0;
}

/* Stop the thread (if started) and unmap everything. */
static void pipe_free(struct rdb_pipe *pp, bool started)
{
    if (started) {
        pthread_mutex_lock(&pp->mu);
        pp->stop = true;
        pthread_cond_signal(&pp->ready);
        pthread_mutex_unlock(&pp->mu);
        pthread_join(pp->thread, NULL);
    }
    rdb_writer_free(&pp->inner);
    rdb_writer_free(&pp->side);
    pthread_cond_destroy(&pp->ready);
    pthread_cond_destroy(&pp->done);
    pthread_mutex_destroy(&pp->mu);
    munmap(pp->map, pp->map_len);
}

/* Keep the thread off the caller's CPU while a snapshot runs, or let it
 * anywhere the caller may run (off: false).  Without it, the thread woken
 * at every hand-over was often placed on the caller's CPU (the kernel
 * favours the waker's) and the two shared one core for a while: a 1M-entry
 * SAVE took 30-34 ms instead of 24-26 ms in about a third of the runs
 * here, most of them right after a BGSAVE.  Only CPUs the caller may use
 * are chosen (a cpuset or taskset stays respected); with one, nothing. */
static void pipe_place(struct rdb_pipe *pp, bool off)
{
#ifdef __linux__
    cpu_set_t set;
    if (pthread_getaffinity_np(pthread_self(), sizeof(set), &set) != 0)
        return;
    int cpu = sched_getcpu();
    if (off && cpu >= 0 && CPU_ISSET(cpu, &set) && CPU_COUNT(&set) > 1)
        CPU_CLR(cpu, &set);
    pthread_setaffinity_np(pp->thread, sizeof(set), &set);
#else
    (void)pp;
    (void)off;
#endif
}

void rdb_pipe_stop(struct rdb_writer *w)
{
    struct rdb_pipe *pp = w->pipe;
    rdb_pipe_drain(w);
    w->pipe = NULL;
    pp->in_use = false;
    if (pp == kept)
        pipe_place(pp, false);
    if (pp != kept)
        pipe_free(pp, true);
}

/* A new pipe with its thread, or NULL. */
static struct rdb_pipe *pipe_new(void)
{
    struct rdb_pipe *pp = pipe_map();
    if (!pp)
        return NULL;
    pthread_mutex_init(&pp->mu, NULL);
    pthread_cond_init(&pp->ready, NULL);
    pthread_cond_init(&pp->done, NULL);
    if (pthread_create(&pp->thread, NULL, pipe_main, pp) != 0) {
        pipe_free(pp, false);
        return NULL;
    }
    return pp;
}

int rdb_pipe_start(struct rdb_writer *w)
{
    if (!w->flush || w->pipe || w->total || w->len || w->err)
        return -1;
    if (kept_pid != getpid()) {
        kept = NULL; /* a child: the parent's pipe is not ours to touch */
        kept_pid = getpid();
    }
    struct rdb_pipe *pp = kept && !kept->in_use ? kept : pipe_new();
    if (!pp)
        return -1;
    if (!kept)
        kept = pp;
    /* The thread is idle (consumed == submitted): nothing it reads
     * changes under it until the next submit hands over the mutex. */
    pthread_mutex_lock(&pp->mu);
    pp->submitted = pp->consumed = 0;
    pp->err = 0;
    pp->stop = false;
    rdb_writer_init(&pp->inner, w->flush, w->ud, w->compress);
    rdb_writer_lend(&pp->inner, pp->inner_buf, pp->inner_lzf);
    rdb_writer_init(&pp->side, NULL, NULL, w->compress);
    rdb_writer_lend(&pp->side, NULL, pp->side_lzf);
    pthread_mutex_unlock(&pp->mu);
    pp->len = 0;
    pp->raw_hdr = NO_RECORD;
    pp->in_use = true;
    pipe_place(pp, true);
    w->pipe = pp;
    return 0;
}
