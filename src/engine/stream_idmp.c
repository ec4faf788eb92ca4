/* stream_idmp.c -- the idempotent-production map of a stream (see
 * stream_idmp.h for the semantics).
 *
 * Two levels of chained hash tables share one small implementation
 * (struct table): producers by pid, and in each producer its records by
 * iid.  A producer also keeps its records on a doubly linked list ordered
 * by entry ID, oldest at the head: XADD appends at the tail (a new entry
 * has the greatest ID), so expiry (age from the ID's ms) and eviction
 * (oldest first) both pop the head.  XIDMPRECORD may insert an older ID;
 * it walks back from the tail to its place, which keeps the order exact.
 *
 * Memory is counted as it is allocated (usable block sizes), so MEMORY
 * USAGE costs nothing.  Keys live inline after their struct. */
#include "stream_idmp.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* Other producers examined for expired iids on each write. */
#define IDMP_SWEEP_BUCKETS 4

/* --- Hash table of byte keys ------------------------------------------------ */

/* The header every hashed node starts with; key points into the node. */
struct hnode {
    struct hnode *next;
    uint64_t hash;
    const char *key;
    size_t len;
};

struct table {
    struct hnode **b; /* nb buckets, a power of two, or NULL */
    size_t nb;
    size_t n;
};

/* FNV-1a over the bytes, then a 64-bit finaliser so every bit of the
 * result depends on every input bit (the table uses the low bits). */
static uint64_t fmix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static uint64_t key_hash(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 0x100000001b3ULL;
    }
    return fmix64(h ^ n);
}

/* Find the node with this key; NULL when absent. */
static struct hnode *table_find(const struct table *t, uint64_t hash, const char *key, size_t len)
{
    if (!t->nb)
        return NULL;
    for (struct hnode *h = t->b[hash & (t->nb - 1)]; h; h = h->next)
        if (h->hash == hash && h->len == len && memcmp(h->key, key, len) == 0)
            return h;
    return NULL;
}

/* Resize to nb buckets (a power of two); *bytes tracks the allocation. */
static void table_resize(struct table *t, size_t nb, size_t *bytes)
{
    struct hnode **nbk = mem_calloc(nb * sizeof(*nbk));
    *bytes += mem_block_size(nbk);
    for (size_t i = 0; i < t->nb; i++) {
        struct hnode *h = t->b[i];
        while (h) {
            struct hnode *next = h->next;
            size_t j = h->hash & (nb - 1);
            h->next = nbk[j];
            nbk[j] = h;
            h = next;
        }
    }
    if (t->b)
        *bytes -= mem_block_size(t->b);
    mem_free(t->b);
    t->b = nbk;
    t->nb = nb;
}

/* Free the bucket array (the nodes are the caller's). */
static void table_release(struct table *t, size_t *bytes)
{
    if (t->b)
        *bytes -= mem_block_size(t->b);
    mem_free(t->b);
    t->b = NULL;
    t->nb = t->n = 0;
}

/* Add a node whose key is not in the table (the table grows at load 1). */
static void table_add(struct table *t, struct hnode *h, size_t *bytes)
{
    if (t->n >= t->nb)
        table_resize(t, t->nb ? t->nb * 2 : 4, bytes);
    size_t j = h->hash & (t->nb - 1);
    h->next = t->b[j];
    t->b[j] = h;
    t->n++;
}

/* Unlink a node that is in the table (the table shrinks at load 1/8 and
 * is freed when empty). */
static void table_del(struct table *t, struct hnode *h, size_t *bytes)
{
    struct hnode **pp = &t->b[h->hash & (t->nb - 1)];
    while (*pp != h)
        pp = &(*pp)->next;
    *pp = h->next;
    t->n--;
    if (t->n == 0)
        table_release(t, bytes);
    else if (t->nb > 4 && t->n < t->nb / 8)
        table_resize(t, t->nb / 2, bytes);
}

/* --- Records and producers ------------------------------------------------------- */

struct record {
    struct hnode h;              /* key: the iid */
    struct record *older, *newer;
    struct stream_id id;
    char iid[];
};

struct producer {
    struct hnode h;              /* key: the pid */
    struct table iids;           /* iid -> struct record */
    struct record *oldest, *newest;
    char pid[];
};

struct stream_idmp {
    uint32_t duration;           /* seconds */
    uint32_t maxsize;            /* iids per producer */
    uint64_t tracked;            /* records held, all producers */
    uint64_t added;              /* lifetime */
    uint64_t duplicates;         /* lifetime */
    struct table producers;      /* pid -> struct producer */
    size_t sweep;                /* next producer bucket to sweep */
    size_t bytes;                /* everything allocated, this struct included */
};

/* Has this record outlived the duration at now_ms?  Age counts from the
 * entry ID's millisecond part; an ID from the future is not expired. */
static bool record_expired(const struct stream_idmp *m, const struct record *r, uint64_t now_ms)
{
    uint64_t life = (uint64_t)m->duration * 1000;
    return now_ms >= r->id.ms && now_ms - r->id.ms >= life;
}

static struct record *record_new(struct stream_idmp *m, const char *iid, size_t len, uint64_t hash,
                                 const struct stream_id *id)
{
    struct record *r = mem_alloc(sizeof(*r) + len);
    m->bytes += mem_block_size(r);
    memcpy(r->iid, iid, len);
    r->h.next = NULL;
    r->h.hash = hash;
    r->h.key = r->iid;
    r->h.len = len;
    r->older = r->newer = NULL;
    r->id = *id;
    return r;
}

/* Unlink a record from its producer's table and list and free it. */
static void record_drop(struct stream_idmp *m, struct producer *p, struct record *r)
{
    table_del(&p->iids, &r->h, &m->bytes);
    if (r->older)
        r->older->newer = r->newer;
    else
        p->oldest = r->newer;
    if (r->newer)
        r->newer->older = r->older;
    else
        p->newest = r->older;
    m->tracked--;
    m->bytes -= mem_block_size(r);
    mem_free(r);
}

/* Put a record in its place in the ID order, walking back from the newest
 * (O(1) for the usual append of a greater ID). */
static void record_link(struct producer *p, struct record *r)
{
    struct record *after = p->newest;
    while (after && stream_id_cmp(&after->id, &r->id) > 0)
        after = after->older;
    r->older = after;
    r->newer = after ? after->newer : p->oldest;
    if (r->newer)
        r->newer->older = r;
    else
        p->newest = r;
    if (after)
        after->newer = r;
    else
        p->oldest = r;
}

static struct producer *producer_new(struct stream_idmp *m, const char *pid, size_t len,
                                     uint64_t hash)
{
    struct producer *p = mem_alloc(sizeof(*p) + len);
    m->bytes += mem_block_size(p);
    memcpy(p->pid, pid, len);
    p->h.next = NULL;
    p->h.hash = hash;
    p->h.key = p->pid;
    p->h.len = len;
    memset(&p->iids, 0, sizeof(p->iids));
    p->oldest = p->newest = NULL;
    table_add(&m->producers, &p->h, &m->bytes);
    return p;
}

/* Free a producer and its records (it stays in the producers table: the
 * caller unlinks it first, or is freeing the whole table). */
static void producer_free(struct stream_idmp *m, struct producer *p)
{
    struct record *r = p->oldest;
    while (r) {
        struct record *next = r->newer;
        m->tracked--;
        m->bytes -= mem_block_size(r);
        mem_free(r);
        r = next;
    }
    table_release(&p->iids, &m->bytes);
    m->bytes -= mem_block_size(p);
    mem_free(p);
}

static void producer_drop(struct stream_idmp *m, struct producer *p)
{
    table_del(&m->producers, &p->h, &m->bytes);
    producer_free(m, p);
}

/* Drop the producer's expired records from the head.  Returns false when
 * the producer was left empty and freed. */
static bool producer_expire(struct stream_idmp *m, struct producer *p, uint64_t now_ms)
{
    while (p->oldest && record_expired(m, p->oldest, now_ms))
        record_drop(m, p, p->oldest);
    if (p->oldest)
        return true;
    producer_drop(m, p);
    return false;
}

static struct producer *producer_find(const struct stream_idmp *m, const char *pid, size_t len)
{
    struct hnode *h = table_find(&m->producers, key_hash(pid, len), pid, len);
    return (struct producer *)h;
}

/* Expire the producers of a few buckets after the cursor, so that iids
 * of producers that stopped writing go in time without a full scan. */
static void sweep_some(struct stream_idmp *m, uint64_t now_ms)
{
    for (int k = 0; k < IDMP_SWEEP_BUCKETS && m->producers.nb; k++) {
        size_t j = m->sweep++ & (m->producers.nb - 1);
        struct hnode *h = m->producers.b[j];
        while (h) {
            struct hnode *next = h->next;
            producer_expire(m, (struct producer *)h, now_ms);
            /* A drop may shrink the table; restart from a fresh bucket. */
            if (!m->producers.nb || j >= m->producers.nb)
                break;
            h = next;
        }
    }
}

/* Free every producer and its records; the producers table is left empty. */
static void clear_producers(struct stream_idmp *m)
{
    for (size_t i = 0; i < m->producers.nb; i++) {
        struct hnode *h = m->producers.b[i];
        while (h) {
            struct hnode *next = h->next;
            producer_free(m, (struct producer *)h);
            h = next;
        }
    }
    table_release(&m->producers, &m->bytes);
}

/* --- The map ----------------------------------------------------------------------- */

struct stream_idmp *stream_idmp_new(void)
{
    struct stream_idmp *m = mem_calloc(sizeof(*m));
    m->duration = STREAM_IDMP_DURATION_DEFAULT;
    m->maxsize = STREAM_IDMP_MAXSIZE_DEFAULT;
    m->bytes = mem_block_size(m);
    return m;
}

void stream_idmp_free(struct stream_idmp *m)
{
    if (!m)
        return;
    clear_producers(m);
    mem_free(m);
}

struct stream_idmp *stream_idmp_dup(const struct stream_idmp *m)
{
    struct stream_idmp *d = stream_idmp_new();
    d->duration = m->duration;
    d->maxsize = m->maxsize;
    for (size_t i = 0; i < m->producers.nb; i++) {
        for (const struct hnode *h = m->producers.b[i]; h; h = h->next) {
            const struct producer *p = (const struct producer *)h;
            struct producer *q = producer_new(d, p->pid, p->h.len, p->h.hash);
            for (const struct record *r = p->oldest; r; r = r->newer) {
                struct record *c = record_new(d, r->iid, r->h.len, r->h.hash, &r->id);
                table_add(&q->iids, &c->h, &d->bytes);
                c->older = q->newest;
                if (q->newest)
                    q->newest->newer = c;
                else
                    q->oldest = c;
                q->newest = c;
                d->tracked++;
            }
        }
    }
    d->added = m->added;
    d->duplicates = m->duplicates;
    return d;
}

uint32_t stream_idmp_duration(const struct stream_idmp *m)
{
    return m->duration;
}

uint32_t stream_idmp_maxsize(const struct stream_idmp *m)
{
    return m->maxsize;
}

int stream_idmp_configure(struct stream_idmp *m, uint32_t duration, uint32_t maxsize)
{
    if (duration < STREAM_IDMP_DURATION_MIN || duration > STREAM_IDMP_DURATION_MAX ||
        maxsize < STREAM_IDMP_MAXSIZE_MIN || maxsize > STREAM_IDMP_MAXSIZE_MAX)
        return STREAM_IDMP_ERR_RANGE;
    if (duration == m->duration && maxsize == m->maxsize)
        return 0;
    m->duration = duration;
    m->maxsize = maxsize;
    clear_producers(m);
    return 1;
}

bool stream_idmp_find(struct stream_idmp *m, const char *pid, size_t pidlen, const char *iid,
                      size_t iidlen, uint64_t now_ms, struct stream_id *id)
{
    struct producer *p = producer_find(m, pid, pidlen);
    if (!p || !producer_expire(m, p, now_ms))
        return false;
    struct hnode *h = table_find(&p->iids, key_hash(iid, iidlen), iid, iidlen);
    if (!h)
        return false;
    /* The list is in ID order, so expired records are always a prefix:
     * producer_expire has dropped every one. */
    *id = ((struct record *)h)->id;
    return true;
}

int stream_idmp_record(struct stream_idmp *m, const char *pid, size_t pidlen, const char *iid,
                       size_t iidlen, const struct stream_id *id, uint64_t now_ms)
{
    if (pidlen == 0 || iidlen == 0)
        return STREAM_IDMP_ERR_EMPTY;
    struct stream_id held;
    if (stream_idmp_find(m, pid, pidlen, iid, iidlen, now_ms, &held))
        return stream_id_eq(&held, id) ? 1 : STREAM_IDMP_ERR_CONFLICT;
    sweep_some(m, now_ms);
    uint64_t phash = key_hash(pid, pidlen);
    struct producer *p = (struct producer *)table_find(&m->producers, phash, pid, pidlen);
    if (!p)
        p = producer_new(m, pid, pidlen, phash);
    struct record *r = record_new(m, iid, iidlen, key_hash(iid, iidlen), id);
    table_add(&p->iids, &r->h, &m->bytes);
    record_link(p, r);
    m->tracked++;
    m->added++;
    while (p->iids.n > m->maxsize)
        record_drop(m, p, p->oldest);
    return 0;
}

void stream_idmp_count_duplicate(struct stream_idmp *m)
{
    m->duplicates++;
}

void stream_idmp_expire(struct stream_idmp *m, uint64_t now_ms)
{
    /* Collect first: dropping producers may shrink the table mid-walk. */
    size_t n = m->producers.n, k = 0;
    if (!n)
        return;
    struct producer **all = mem_alloc(n * sizeof(*all));
    for (size_t i = 0; i < m->producers.nb; i++)
        for (struct hnode *h = m->producers.b[i]; h; h = h->next)
            all[k++] = (struct producer *)h;
    for (size_t i = 0; i < k; i++)
        producer_expire(m, all[i], now_ms);
    mem_free(all);
}

void stream_idmp_set_counters(struct stream_idmp *m, uint64_t added, uint64_t duplicates)
{
    m->added = added;
    m->duplicates = duplicates;
}

void stream_idmp_stats(const struct stream_idmp *m, struct stream_idmp_stats *st)
{
    st->pids_tracked = m->producers.n;
    st->iids_tracked = m->tracked;
    st->iids_added = m->added;
    st->iids_duplicates = m->duplicates;
}

size_t stream_idmp_memory(const struct stream_idmp *m)
{
    return m->bytes;
}

void stream_idmp_walk(const struct stream_idmp *m, stream_idmp_visit_fn fn, void *ud)
{
    for (size_t i = 0; i < m->producers.nb; i++) {
        for (const struct hnode *h = m->producers.b[i]; h; h = h->next) {
            const struct producer *p = (const struct producer *)h;
            for (const struct record *r = p->oldest; r; r = r->newer)
                fn(ud, p->pid, p->h.len, r->iid, r->h.len, &r->id);
        }
    }
}

/* --- IDMPAUTO ------------------------------------------------------------------------ */

/* Two independent 64-bit hashes fed the same bytes: FNV-1a, and a
 * rotate-multiply hash.  Each is finalised with fmix64. */
struct auto_hash {
    uint64_t a, b;
};

static void auto_feed(struct auto_hash *h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h->a = (h->a ^ p[i]) * 0x100000001b3ULL;
        h->b ^= p[i];
        h->b = ((h->b << 23) | (h->b >> 41)) * 0x9e3779b97f4a7c15ULL;
    }
}

static void auto_feed_len(struct auto_hash *h, size_t len)
{
    unsigned char le[8];
    uint64_t v = len;
    for (int i = 0; i < 8; i++)
        le[i] = (unsigned char)(v >> (8 * i));
    auto_feed(h, le, sizeof(le));
}

/* Order two strings bytewise, the shorter first on a common prefix. */
static int str_cmp(const struct stream_str *x, const struct stream_str *y)
{
    size_t n = x->len < y->len ? x->len : y->len;
    int c = n ? memcmp(x->ptr, y->ptr, n) : 0;
    if (c)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

/* qsort order of pairs (pointers to a field followed by its value). */
static int pair_cmp(const void *pa, const void *pb)
{
    const struct stream_str *a = *(const struct stream_str *const *)pa;
    const struct stream_str *b = *(const struct stream_str *const *)pb;
    int c = str_cmp(&a[0], &b[0]);
    return c ? c : str_cmp(&a[1], &b[1]);
}

void stream_idmp_auto_iid(const struct stream_str *fv, size_t npairs,
                          unsigned char out[STREAM_IDMP_AUTO_IID_LEN])
{
    /* The pairs are hashed sorted, each part length-prefixed, so the order
     * of the pairs does not matter and no two contents share an encoding. */
    const struct stream_str **pairs = mem_alloc((npairs ? npairs : 1) * sizeof(*pairs));
    for (size_t i = 0; i < npairs; i++)
        pairs[i] = &fv[2 * i];
    qsort(pairs, npairs, sizeof(*pairs), pair_cmp);
    struct auto_hash h = {0xcbf29ce484222325ULL, 0x243f6a8885a308d3ULL};
    auto_feed_len(&h, npairs);
    for (size_t i = 0; i < npairs; i++) {
        for (int k = 0; k < 2; k++) {
            auto_feed_len(&h, pairs[i][k].len);
            auto_feed(&h, pairs[i][k].ptr, pairs[i][k].len);
        }
    }
    mem_free(pairs);
    uint64_t a = fmix64(h.a), b = fmix64(h.b ^ h.a);
    for (int i = 0; i < 8; i++) {
        out[i] = (unsigned char)(a >> (8 * i));
        out[8 + i] = (unsigned char)(b >> (8 * i));
    }
}

/* --- Invariants ------------------------------------------------------------------------- */

/* Does the table hold exactly n nodes, each in its bucket? */
static bool table_sound(const struct table *t)
{
    if (t->nb & (t->nb - 1))
        return false;
    size_t n = 0;
    for (size_t i = 0; i < t->nb; i++)
        for (const struct hnode *h = t->b[i]; h; h = h->next) {
            if ((h->hash & (t->nb - 1)) != i || h->hash != key_hash(h->key, h->len))
                return false;
            n++;
        }
    return n == t->n;
}

bool stream_idmp_check(const struct stream_idmp *m)
{
    if (m->duration < STREAM_IDMP_DURATION_MIN || m->duration > STREAM_IDMP_DURATION_MAX ||
        m->maxsize < STREAM_IDMP_MAXSIZE_MIN || m->maxsize > STREAM_IDMP_MAXSIZE_MAX)
        return false;
    if (!table_sound(&m->producers))
        return false;
    uint64_t tracked = 0;
    for (size_t i = 0; i < m->producers.nb; i++) {
        for (const struct hnode *h = m->producers.b[i]; h; h = h->next) {
            const struct producer *p = (const struct producer *)h;
            if (!table_sound(&p->iids) || p->iids.n == 0 || p->iids.n > m->maxsize)
                return false;
            size_t n = 0;
            const struct record *prev = NULL;
            for (const struct record *r = p->oldest; r; r = r->newer) {
                if (r->older != prev || (prev && stream_id_cmp(&prev->id, &r->id) > 0))
                    return false;
                if (table_find(&p->iids, r->h.hash, r->iid, r->h.len) != &r->h)
                    return false;
                prev = r;
                n++;
            }
            if (prev != p->newest || n != p->iids.n)
                return false;
            tracked += n;
        }
    }
    return tracked == m->tracked && m->added >= m->tracked;
}
