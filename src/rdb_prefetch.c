/* rdb_prefetch.c -- a stream's nodes read ahead on a helper thread; see
 * rdb_prefetch.h.
 *
 *   thread: pairs --> batch[filled % 4] --> filled++
 *   loader: batch[taken % 4], pair by pair --> taken++ when done with it
 *
 * A batch holds up to 32 pairs and the bytes of those that had to be
 * decompressed (offsets into its buffer, which may grow while it fills).
 * The mutex hands whole batches over, so each side sees a batch's bytes
 * complete; the loader keeps the batch it reads from, which the thread
 * does not refill until it is given back. */
#include "rdb_prefetch.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PF_BATCH 32
#define PF_RING 4
#define PF_MEM_INIT ((size_t)256 * 1024)

/* A string of a pair: in the input at `at`, or at mem + off when it was
 * decompressed (at NULL). */
struct pf_str {
    const unsigned char *at;
    size_t off, len;
};

struct pf_pair {
    struct pf_str key, lp;
    size_t end;                      /* the reader's position after it */
};

struct pf_batch {
    struct pf_pair v[PF_BATCH];
    size_t n;
    unsigned char *mem;              /* malloc'd: the thread may not use mem.c */
    size_t cap, used;
    bool failed;                     /* the pair after v[n - 1] is malformed */
    char err[sizeof(((struct rdb_reader *)0)->err)];
    size_t err_pos;
};

struct rdb_prefetch {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t filled_cv;        /* a batch was filled */
    pthread_cond_t freed_cv;         /* a batch was given back, or stop */
    struct rdb_reader r;             /* the thread's */
    uint64_t total;
    uint64_t filled, taken;          /* batches, under mu */
    bool stop;
    struct pf_batch b[PF_RING];
    /* the loader's side */
    struct pf_batch *cur;
    size_t next;                     /* the next pair in cur */
    uint64_t given;                  /* pairs handed out */
};

/* Read one string of a pair into s; 0 or -1 (r->err set). */
static int read_str(struct rdb_reader *r, struct pf_batch *b, struct pf_str *s)
{
    for (;;) {
        const unsigned char *p;
        size_t len;
        unsigned char *room = b->mem + b->used;
        int rc = rdb_read_string_view(r, &p, &len, room, b->cap - b->used);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            s->at = p == room ? NULL : p;
            s->off = b->used;
            s->len = len;
            if (p == room)
                b->used += len;
            return 0;
        }
        size_t want = b->cap * 2;
        if (want - b->used < len)
            want = b->used + len;
        unsigned char *m = realloc(b->mem, want);
        if (!m) {
            snprintf(r->err, sizeof(r->err), "out of memory reading a stream node (at offset %zu)",
                     r->pos);
            return -1;
        }
        b->mem = m;
        b->cap = want;
    }
}

static void *prefetch_main(void *arg)
{
    struct rdb_prefetch *pf = arg;
    uint64_t done = 0;
    pthread_mutex_lock(&pf->mu);
    while (done < pf->total && !pf->stop) {
        while (pf->filled - pf->taken >= PF_RING && !pf->stop)
            pthread_cond_wait(&pf->freed_cv, &pf->mu);
        if (pf->stop)
            break;
        struct pf_batch *b = &pf->b[pf->filled % PF_RING];
        pthread_mutex_unlock(&pf->mu);
        b->n = 0;
        b->used = 0;
        b->failed = false;
        while (b->n < PF_BATCH && done < pf->total) {
            struct pf_pair *q = &b->v[b->n];
            if (read_str(&pf->r, b, &q->key) < 0 || read_str(&pf->r, b, &q->lp) < 0) {
                b->failed = true;
                memcpy(b->err, pf->r.err, sizeof(b->err));
                b->err_pos = pf->r.pos;
                break;
            }
            q->end = pf->r.pos;
            b->n++;
            done++;
        }
        pthread_mutex_lock(&pf->mu);
        pf->filled++;
        pthread_cond_signal(&pf->filled_cv);
        if (b->failed)
            break;
    }
    pthread_mutex_unlock(&pf->mu);
    return NULL;
}

static void prefetch_free(struct rdb_prefetch *pf)
{
    for (int i = 0; i < PF_RING; i++)
        free(pf->b[i].mem);
    pthread_cond_destroy(&pf->filled_cv);
    pthread_cond_destroy(&pf->freed_cv);
    pthread_mutex_destroy(&pf->mu);
    free(pf);
}

struct rdb_prefetch *rdb_prefetch_start(const struct rdb_reader *r, uint64_t n)
{
    struct rdb_prefetch *pf = calloc(1, sizeof(*pf));
    if (!pf)
        return NULL;
    pthread_mutex_init(&pf->mu, NULL);
    pthread_cond_init(&pf->filled_cv, NULL);
    pthread_cond_init(&pf->freed_cv, NULL);
    pf->r = *r;
    pf->total = n;
    for (int i = 0; i < PF_RING; i++) {
        pf->b[i].mem = malloc(PF_MEM_INIT);
        if (!pf->b[i].mem) {
            prefetch_free(pf);
            return NULL;
        }
        pf->b[i].cap = PF_MEM_INIT;
    }
    if (pthread_create(&pf->thread, NULL, prefetch_main, pf) != 0) {
        prefetch_free(pf);
        return NULL;
    }
    return pf;
}

static void resolve(const struct pf_batch *b, const struct pf_str *s, const unsigned char **p,
                    size_t *len)
{
    *p = s->at ? s->at : b->mem + s->off;
    *len = s->len;
}

int rdb_prefetch_next(struct rdb_prefetch *pf, struct rdb_reader *r, const unsigned char **key,
                      size_t *klen, const unsigned char **lp, size_t *lplen)
{
    if (!pf->cur || pf->next == pf->cur->n) {
        if (pf->cur && pf->cur->failed)
            goto failed;
        if (pf->given == pf->total) {
            snprintf(r->err, sizeof(r->err), "stream node read past the count (at offset %zu)",
                     r->pos);
            return -1;
        }
        pthread_mutex_lock(&pf->mu);
        if (pf->cur) {
            pf->taken++;
            pthread_cond_signal(&pf->freed_cv);
        }
        while (pf->filled == pf->taken)
            pthread_cond_wait(&pf->filled_cv, &pf->mu);
        pf->cur = &pf->b[pf->taken % PF_RING];
        pthread_mutex_unlock(&pf->mu);
        pf->next = 0;
        if (pf->cur->n == 0)
            goto failed; /* the thread stops only at the end or at a failure */
    }
    const struct pf_pair *q = &pf->cur->v[pf->next++];
    resolve(pf->cur, &q->key, key, klen);
    resolve(pf->cur, &q->lp, lp, lplen);
    r->pos = q->end;
    pf->given++;
    return 0;

failed:
    memcpy(r->err, pf->cur->err, sizeof(r->err));
    r->pos = pf->cur->err_pos;
    return -1;
}

void rdb_prefetch_stop(struct rdb_prefetch *pf)
{
    pthread_mutex_lock(&pf->mu);
    pf->stop = true;
    pthread_cond_signal(&pf->freed_cv);
    pthread_mutex_unlock(&pf->mu);
    pthread_join(pf->thread, NULL);
    prefetch_free(pf);
}
