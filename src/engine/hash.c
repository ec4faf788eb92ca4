/* hash.c -- see hash.h.
 *
 * Both encodings store a pair the same way, so one decoder serves both:
 *
 *   [varint flen][field bytes][varint vlen][value bytes]
 *
 * (varints are LEB128: seven bits a byte, low bits first).  The listpack
 * is a run of such pairs in one buffer sized exactly; a table entry is a
 * chain pointer followed by one pair. */
#include "hash.h"

#include <string.h>

#include "mem.h"

struct hash_entry {
    struct hash_entry *next;
    unsigned char data[]; /* one pair */
};

#define HASH_TABLE_MIN 4

/* --- Pair encoding --------------------------------------------------------- */

static size_t varint_len(size_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static size_t varint_put(unsigned char *p, size_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

/* Data written by varint_put only, so no bounds to check. */
static size_t varint_get(const unsigned char *p, size_t *out)
{
    size_t v = 0, n = 0;
    unsigned shift = 0;
    for (;;) {
        unsigned char b = p[n++];
        v |= (size_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
        shift += 7;
    }
    *out = v;
    return n;
}

static size_t pair_size(size_t flen, size_t vlen)
{
    return varint_len(flen) + flen + varint_len(vlen) + vlen;
}

static size_t pair_put(unsigned char *p, const char *f, size_t flen, const char *v, size_t vlen)
{
    size_t n = varint_put(p, flen);
    if (flen)
        memcpy(p + n, f, flen);
    n += flen;
    n += varint_put(p + n, vlen);
    if (vlen)
        memcpy(p + n, v, vlen);
    return n + vlen;
}

/* Decode the pair at p; returns its size in bytes. */
static size_t pair_get(const unsigned char *p, struct hash_pair *out)
{
    size_t n = varint_get(p, &out->flen);
    out->field = (const char *)p + n;
    n += out->flen;
    n += varint_get(p + n, &out->vlen);
    out->value = (const char *)p + n;
    return n + out->vlen;
}

static bool pair_field_is(const struct hash_pair *p, const char *f, size_t flen)
{
    return p->flen == flen && (flen == 0 || memcmp(p->field, f, flen) == 0);
}

/* --- Seeded hashing of field names ------------------------------------------- */

static uint64_t read64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* Multiply two words to 128 bits and fold the halves. */
static uint64_t fold_mul(uint64_t a, uint64_t b)
{
    unsigned __int128 r = (unsigned __int128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static uint64_t field_hash(uint64_t seed, const char *s, size_t len)
{
    static const uint64_t K1 = 0xa0761d6478bd642fULL, K2 = 0xe7037ed1a0b428dbULL,
                          K3 = 0x8ebc6af09c88c6e3ULL;
    const unsigned char *p = (const unsigned char *)s;
    uint64_t h = seed ^ fold_mul(seed ^ K1, (uint64_t)len ^ K2);
    while (len > 16) {
        h = fold_mul(read64(p) ^ K1, read64(p + 8) ^ h);
        p += 16;
        len -= 16;
    }
    unsigned char tail[16] = {0};
    memcpy(tail, p, len);
    h = fold_mul(read64(tail) ^ K2, read64(tail + 8) ^ h);
    return fold_mul(h ^ K3, (uint64_t)len ^ K1);
}

uint64_t hash_rng_next(uint64_t *rng)
{
    uint64_t x = *rng ? *rng : 0x9e3779b97f4a7c15ULL;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *rng = x;
    return x * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, n). */
static size_t rng_below(uint64_t *rng, size_t n)
{
    return (size_t)(hash_rng_next(rng) % n);
}

/* --- Creation ------------------------------------------------------------------ */

struct hash *hash_new(uint64_t seed)
{
    struct hash *h = mem_alloc(sizeof(*h));
    h->enc = HASH_ENC_LISTPACK;
    h->count = 0;
    h->seed = seed;
    h->u.lp.buf = NULL;
    h->u.lp.len = 0;
    return h;
}

static void ht_free_entries(struct hash *h)
{
    for (size_t b = 0; b < h->u.ht.size; b++) {
        struct hash_entry *e = h->u.ht.buckets[b];
        while (e) {
            struct hash_entry *next = e->next;
            mem_free(e);
            e = next;
        }
    }
    mem_free(h->u.ht.buckets);
}

void hash_free(struct hash *h)
{
    if (!h)
        return;
    if (h->enc == HASH_ENC_LISTPACK)
        mem_free(h->u.lp.buf);
    else
        ht_free_entries(h);
    mem_free(h);
}

static struct hash_entry *entry_new(struct hash *h, const char *f, size_t flen, const char *v,
                                    size_t vlen)
{
    struct hash_entry *e = mem_alloc(sizeof(*e) + pair_size(flen, vlen));
    pair_put(e->data, f, flen, v, vlen);
    e->next = NULL;
    h->u.ht.bytes += mem_block_size(e);
    return e;
}

struct hash *hash_dup(const struct hash *h)
{
    struct hash *d = hash_new(h->seed);
    d->count = h->count;
    if (h->enc == HASH_ENC_LISTPACK) {
        if (h->u.lp.len)
            d->u.lp.buf = mem_memdup(h->u.lp.buf, h->u.lp.len);
        d->u.lp.len = h->u.lp.len;
        return d;
    }
    d->enc = HASH_ENC_TABLE;
    d->u.ht.size = h->u.ht.size;
    d->u.ht.bytes = 0;
    d->u.ht.buckets = mem_calloc(sizeof(*d->u.ht.buckets) * d->u.ht.size);
    for (size_t b = 0; b < h->u.ht.size; b++) {
        struct hash_entry **tail = &d->u.ht.buckets[b];
        for (const struct hash_entry *e = h->u.ht.buckets[b]; e; e = e->next) {
            struct hash_pair p;
            pair_get(e->data, &p);
            *tail = entry_new(d, p.field, p.flen, p.value, p.vlen);
            tail = &(*tail)->next;
        }
    }
    return d;
}

const char *hash_encoding_name(const struct hash *h)
{
    return h->enc == HASH_ENC_LISTPACK ? "listpack" : "hashtable";
}

size_t hash_memory(const struct hash *h)
{
    size_t m = mem_block_size(h);
    if (h->enc == HASH_ENC_LISTPACK)
        return m + mem_block_size(h->u.lp.buf);
    return m + mem_block_size(h->u.ht.buckets) + h->u.ht.bytes;
}

/* --- Listpack ------------------------------------------------------------------- */

/* Offset of the pair whose field is f (decoded into *pair), or lp.len. */
static size_t lp_find(const struct hash *h, const char *f, size_t flen, struct hash_pair *pair)
{
    size_t pos = 0;
    while (pos < h->u.lp.len) {
        size_t n = pair_get(h->u.lp.buf + pos, pair);
        if (pair_field_is(pair, f, flen))
            return pos;
        pos += n;
    }
    return pos;
}

/* Replace bytes [from, to) of the blob with n bytes from src (src may be
 * NULL: the caller fills them in); returns where they start. */
static unsigned char *lp_splice(struct hash *h, size_t from, size_t to, const unsigned char *src,
                                size_t n)
{
    size_t len = h->u.lp.len, tail = len - to;
    size_t newlen = len - (to - from) + n;
    if (n > to - from)
        h->u.lp.buf = mem_realloc(h->u.lp.buf, newlen);
    memmove(h->u.lp.buf + from + n, h->u.lp.buf + to, tail);
    if (newlen == 0) {
        mem_free(h->u.lp.buf);
        h->u.lp.buf = NULL;
    } else if (n < to - from) {
        h->u.lp.buf = mem_realloc(h->u.lp.buf, newlen);
    }
    h->u.lp.len = newlen;
    if (src && n)
        memcpy(h->u.lp.buf + from, src, n);
    return h->u.lp.buf + from;
}

/* --- Table ------------------------------------------------------------------------ */

static size_t ht_bucket(const struct hash *h, const char *f, size_t flen)
{
    return (size_t)(field_hash(h->seed, f, flen) & (h->u.ht.size - 1));
}

/* The link that points at the entry for f, or NULL. */
static struct hash_entry **ht_find(const struct hash *h, const char *f, size_t flen,
                                   struct hash_pair *pair)
{
    struct hash_entry **link = &h->u.ht.buckets[ht_bucket(h, f, flen)];
    for (; *link; link = &(*link)->next) {
        pair_get((*link)->data, pair);
        if (pair_field_is(pair, f, flen))
            return link;
    }
    return NULL;
}

static void ht_resize(struct hash *h, size_t size)
{
    struct hash_entry **old = h->u.ht.buckets;
    size_t oldsize = h->u.ht.size;
    h->u.ht.buckets = mem_calloc(sizeof(*h->u.ht.buckets) * size);
    h->u.ht.size = size;
    for (size_t b = 0; b < oldsize; b++) {
        struct hash_entry *e = old[b];
        while (e) {
            struct hash_entry *next = e->next;
            struct hash_pair p;
            pair_get(e->data, &p);
            size_t nb = ht_bucket(h, p.field, p.flen);
            e->next = h->u.ht.buckets[nb];
            h->u.ht.buckets[nb] = e;
            e = next;
        }
    }
    mem_free(old);
}

static void ht_insert_new(struct hash *h, const char *f, size_t flen, const char *v, size_t vlen)
{
    struct hash_entry *e = entry_new(h, f, flen, v, vlen);
    size_t b = ht_bucket(h, f, flen);
    e->next = h->u.ht.buckets[b];
    h->u.ht.buckets[b] = e;
    h->count++;
    if (h->count > h->u.ht.size)
        ht_resize(h, h->u.ht.size * 2);
}

void hash_convert(struct hash *h)
{
    if (h->enc != HASH_ENC_LISTPACK)
        return;
    unsigned char *buf = h->u.lp.buf;
    size_t len = h->u.lp.len, count = h->count;
    size_t size = HASH_TABLE_MIN;
    while (size < count)
        size *= 2;
    h->enc = HASH_ENC_TABLE;
    h->count = 0;
    h->u.ht.size = size;
    h->u.ht.bytes = 0;
    h->u.ht.buckets = mem_calloc(sizeof(*h->u.ht.buckets) * size);
    for (size_t pos = 0; pos < len;) {
        struct hash_pair p;
        pos += pair_get(buf + pos, &p);
        ht_insert_new(h, p.field, p.flen, p.value, p.vlen);
    }
    mem_free(buf);
}

/* --- Access ---------------------------------------------------------------------- */

bool hash_get(const struct hash *h, const char *field, size_t flen, const char **value,
              size_t *vlen)
{
    struct hash_pair p;
    if (h->enc == HASH_ENC_LISTPACK) {
        if (lp_find(h, field, flen, &p) == h->u.lp.len)
            return false;
    } else if (!ht_find(h, field, flen, &p)) {
        return false;
    }
    *value = p.value;
    *vlen = p.vlen;
    return true;
}

static int lp_set(struct hash *h, const char *f, size_t flen, const char *v, size_t vlen,
                  const struct hash_limits *lim)
{
    struct hash_pair p;
    size_t pos = lp_find(h, f, flen, &p);
    if (pos < h->u.lp.len) {
        /* Replace the value where it is: the order stays. */
        size_t vstart = (size_t)((const unsigned char *)p.value - h->u.lp.buf) -
                        varint_len(p.vlen);
        size_t vend = (size_t)((const unsigned char *)p.value - h->u.lp.buf) + p.vlen;
        size_t seg = varint_len(vlen) + vlen;
        if (h->u.lp.len - (vend - vstart) + seg > HASH_LISTPACK_MAX_BYTES)
            return -1;
        unsigned char *at = lp_splice(h, vstart, vend, NULL, seg);
        size_t n = varint_put(at, vlen);
        if (vlen)
            memcpy(at + n, v, vlen);
        return 0;
    }
    size_t add = pair_size(flen, vlen);
    if (h->u.lp.len + add > HASH_LISTPACK_MAX_BYTES)
        return -1;
    size_t end = h->u.lp.len;
    unsigned char *at = lp_splice(h, end, end, NULL, add);
    pair_put(at, f, flen, v, vlen);
    h->count++;
    if (h->count > lim->max_entries)
        hash_convert(h);
    return 1;
}

int hash_set(struct hash *h, const char *field, size_t flen, const char *value, size_t vlen,
             const struct hash_limits *lim)
{
    if (h->enc == HASH_ENC_LISTPACK) {
        if (!hash_too_long(flen, lim) && !hash_too_long(vlen, lim)) {
            int rc = lp_set(h, field, flen, value, vlen, lim);
            if (rc >= 0)
                return rc;
        }
        hash_convert(h); /* too long for a listpack */
    }
    struct hash_pair p;
    struct hash_entry **link = ht_find(h, field, flen, &p);
    if (!link) {
        ht_insert_new(h, field, flen, value, vlen);
        return 1;
    }
    /* Rewrite the value part of the entry in place, reallocated to size. */
    struct hash_entry *e = *link;
    size_t fpart = varint_len(flen) + flen;
    h->u.ht.bytes -= mem_block_size(e);
    e = mem_realloc(e, sizeof(*e) + fpart + varint_len(vlen) + vlen);
    h->u.ht.bytes += mem_block_size(e);
    size_t n = varint_put(e->data + fpart, vlen);
    if (vlen)
        memcpy(e->data + fpart + n, value, vlen);
    *link = e;
    return 0;
}

bool hash_delete(struct hash *h, const char *field, size_t flen)
{
    struct hash_pair p;
    if (h->enc == HASH_ENC_LISTPACK) {
        size_t pos = lp_find(h, field, flen, &p);
        if (pos == h->u.lp.len)
            return false;
        size_t end = (size_t)((const unsigned char *)p.value - h->u.lp.buf) + p.vlen;
        lp_splice(h, pos, end, NULL, 0);
        h->count--;
        return true;
    }
    struct hash_entry **link = ht_find(h, field, flen, &p);
    if (!link)
        return false;
    struct hash_entry *e = *link;
    *link = e->next;
    h->u.ht.bytes -= mem_block_size(e);
    mem_free(e);
    h->count--;
    size_t size = h->u.ht.size;
    while (size > HASH_TABLE_MIN && h->count < size / 8)
        size /= 2;
    if (size != h->u.ht.size)
        ht_resize(h, size);
    return true;
}

/* --- Iteration and scanning ---------------------------------------------------------- */

void hash_iter_init(struct hash_iter *it, const struct hash *h)
{
    it->h = h;
    it->pos = 0;
    it->bucket = 0;
    it->next = NULL;
}

bool hash_iter_next(struct hash_iter *it, struct hash_pair *out)
{
    const struct hash *h = it->h;
    if (h->enc == HASH_ENC_LISTPACK) {
        if (it->pos >= h->u.lp.len)
            return false;
        it->pos += pair_get(h->u.lp.buf + it->pos, out);
        return true;
    }
    while (!it->next) {
        if (it->bucket >= h->u.ht.size)
            return false;
        it->next = h->u.ht.buckets[it->bucket++];
    }
    pair_get(it->next->data, out);
    it->next = it->next->next;
    return true;
}

static uint64_t rev64(uint64_t v)
{
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0f0f0f0f0f0f0f0fULL) | ((v & 0x0f0f0f0f0f0f0f0fULL) << 4);
    v = ((v >> 8) & 0x00ff00ff00ff00ffULL) | ((v & 0x00ff00ff00ff00ffULL) << 8);
    v = ((v >> 16) & 0x0000ffff0000ffffULL) | ((v & 0x0000ffff0000ffffULL) << 16);
    return (v >> 32) | (v << 32);
}

uint64_t hash_scan(const struct hash *h, uint64_t cursor, hash_pair_fn fn, void *ud)
{
    struct hash_pair p;
    if (h->enc == HASH_ENC_LISTPACK) {
        struct hash_iter it;
        hash_iter_init(&it, h);
        while (hash_iter_next(&it, &p))
            fn(ud, &p);
        return 0;
    }
    uint64_t mask = h->u.ht.size - 1;
    for (const struct hash_entry *e = h->u.ht.buckets[cursor & mask]; e; e = e->next) {
        pair_get(e->data, &p);
        fn(ud, &p);
    }
    /* Increment the reversed cursor in the bits the mask keeps. */
    cursor |= ~mask;
    cursor = rev64(cursor);
    cursor++;
    return rev64(cursor);
}

/* --- Random choice --------------------------------------------------------------------- */

/* A random non-empty bucket, then a random entry of its chain. */
static const struct hash_entry *ht_random_entry(const struct hash *h, uint64_t *rng)
{
    const struct hash_entry *chain;
    do {
        chain = h->u.ht.buckets[rng_below(rng, h->u.ht.size)];
    } while (!chain);
    size_t n = 0;
    for (const struct hash_entry *e = chain; e; e = e->next)
        n++;
    for (size_t i = rng_below(rng, n); i; i--)
        chain = chain->next;
    return chain;
}

bool hash_random(const struct hash *h, uint64_t *rng, struct hash_pair *out)
{
    if (!h->count)
        return false;
    if (h->enc == HASH_ENC_TABLE) {
        pair_get(ht_random_entry(h, rng)->data, out);
        return true;
    }
    size_t i = rng_below(rng, h->count);
    struct hash_iter it;
    hash_iter_init(&it, h);
    do
        hash_iter_next(&it, out);
    while (i--);
    return true;
}

/* A set of entry pointers (open addressing), for sampling without repeats. */
struct ptr_set {
    const void **slot;
    size_t mask;
};

static bool ptr_set_add(struct ptr_set *s, const void *p)
{
    size_t i = (size_t)(((uintptr_t)p >> 4) * 0x9e3779b97f4a7c15ULL) & s->mask;
    while (s->slot[i]) {
        if (s->slot[i] == p)
            return false;
        i = (i + 1) & s->mask;
    }
    s->slot[i] = p;
    return true;
}

size_t hash_sample(const struct hash *h, size_t count, uint64_t *rng, hash_pair_fn fn, void *ud)
{
    struct hash_pair p;
    struct hash_iter it;
    if (count >= h->count) {
        hash_iter_init(&it, h);
        while (hash_iter_next(&it, &p))
            fn(ud, &p);
        return h->count;
    }
    if (h->enc == HASH_ENC_LISTPACK || count * 3 > h->count) {
        /* Selection sampling: one pass, each pair taken with probability
         * (still needed) / (still unseen); the result keeps the order. */
        size_t need = count, left = h->count;
        hash_iter_init(&it, h);
        while (need && hash_iter_next(&it, &p)) {
            if (rng_below(rng, left) < need) {
                fn(ud, &p);
                need--;
            }
            left--;
        }
        return count;
    }
    /* Few of many: random picks, repeats skipped. */
    size_t cap = 16;
    while (cap < count * 2)
        cap *= 2;
    struct ptr_set seen = {mem_calloc(sizeof(*seen.slot) * cap), cap - 1};
    size_t got = 0;
    while (got < count) {
        const struct hash_entry *e = ht_random_entry(h, rng);
        if (!ptr_set_add(&seen, e))
            continue;
        pair_get(e->data, &p);
        fn(ud, &p);
        got++;
    }
    mem_free(seen.slot);
    return got;
}
