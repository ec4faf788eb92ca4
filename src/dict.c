/* dict.c -- see dict.h. */
#include "dict.h"

#include <string.h>

#include "mem.h"

#define DICT_MIN_SIZE 4

/* 64-bit hash: a multiply-xorshift over 8-byte words with a seeded start
 * and a murmur-style finaliser, so that every input bit reaches every
 * output bit.  The seed is random per process, which keeps a client from
 * choosing keys that all land in one bucket. */
uint64_t dict_hash(uint64_t seed, const char *key, size_t len)
{
    const uint64_t m = 0xc6a4a7935bd1e995ULL;
    uint64_t h = seed ^ (len * m);
    const unsigned char *p = (const unsigned char *)key;
    while (len >= 8) {
        uint64_t k;
        memcpy(&k, p, 8);
        k *= m;
        k ^= k >> 47;
        k *= m;
        h ^= k;
        h *= m;
        p += 8;
        len -= 8;
    }
    uint64_t tail = 0;
    for (size_t i = 0; i < len; i++)
        tail |= (uint64_t)p[i] << (8 * i);
    if (len) {
        h ^= tail;
        h *= m;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

void dict_init(struct dict *d, uint64_t seed)
{
    d->table = NULL;
    d->size = 0;
    d->used = 0;
    d->seed = seed;
    d->rng = seed | 1;
}

void dict_entry_free(struct dict_entry *e)
{
    mem_free(e);
}

void dict_clear(struct dict *d, void (*free_val)(void *))
{
    for (uint64_t i = 0; i < d->size; i++) {
        struct dict_entry *e = d->table[i];
        while (e) {
            struct dict_entry *next = e->next;
            if (free_val)
                free_val(e->val);
            mem_free(e);
            e = next;
        }
    }
    mem_free(d->table);
    d->table = NULL;
    d->size = 0;
    d->used = 0;
}

/* Move every entry into a table of new_size buckets. */
static void dict_resize(struct dict *d, uint64_t new_size)
{
    struct dict_entry **nt = mem_calloc(new_size * sizeof(*nt));
    for (uint64_t i = 0; i < d->size; i++) {
        struct dict_entry *e = d->table[i];
        while (e) {
            struct dict_entry *next = e->next;
            uint64_t b = e->hash & (new_size - 1);
            e->next = nt[b];
            nt[b] = e;
            e = next;
        }
    }
    mem_free(d->table);
    d->table = nt;
    d->size = new_size;
}

struct dict_entry *dict_find(const struct dict *d, const char *key, size_t klen)
{
    if (!d->size)
        return NULL;
    uint64_t h = dict_hash(d->seed, key, klen);
    for (struct dict_entry *e = d->table[h & (d->size - 1)]; e; e = e->next)
        if (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0)
            return e;
    return NULL;
}

struct dict_entry *dict_add(struct dict *d, const char *key, size_t klen, void *val)
{
    if (d->used >= d->size)
        dict_resize(d, d->size ? d->size * 2 : DICT_MIN_SIZE);
    struct dict_entry *e = mem_alloc(sizeof(*e) + klen + 1);
    e->hash = dict_hash(d->seed, key, klen);
    e->klen = (uint32_t)klen;
    memcpy(e->key, key, klen);
    e->key[klen] = '\0';
    e->val = val;
    e->aux = -1;
    uint64_t b = e->hash & (d->size - 1);
    e->next = d->table[b];
    d->table[b] = e;
    d->used++;
    return e;
}

struct dict_entry *dict_unlink(struct dict *d, const char *key, size_t klen)
{
    if (!d->size)
        return NULL;
    uint64_t h = dict_hash(d->seed, key, klen);
    struct dict_entry **pp = &d->table[h & (d->size - 1)];
    for (; *pp; pp = &(*pp)->next) {
        struct dict_entry *e = *pp;
        if (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0) {
            *pp = e->next;
            d->used--;
            if (d->size > DICT_MIN_SIZE && d->used < d->size / 8)
                dict_resize(d, d->size / 2);
            return e;
        }
    }
    return NULL;
}

/* xorshift64 over the table's own state: only used to pick keys for
 * RANDOMKEY and expiry sampling, never for anything a client could profit
 * from predicting. */
static uint64_t dict_rand(struct dict *d)
{
    uint64_t x = d->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return d->rng = x;
}

struct dict_entry *dict_random(struct dict *d)
{
    if (!d->used)
        return NULL;
    struct dict_entry *e;
    do {
        e = d->table[dict_rand(d) & (d->size - 1)];
    } while (!e);
    uint64_t n = 0;
    for (struct dict_entry *x = e; x; x = x->next)
        n++;
    uint64_t pick = dict_rand(d) % n;
    while (pick--)
        e = e->next;
    return e;
}

static uint64_t rev64(uint64_t v)
{
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    v = ((v >> 8) & 0x00FF00FF00FF00FFULL) | ((v & 0x00FF00FF00FF00FFULL) << 8);
    v = ((v >> 16) & 0x0000FFFF0000FFFFULL) | ((v & 0x0000FFFF0000FFFFULL) << 16);
    return (v >> 32) | (v << 32);
}

uint64_t dict_scan(const struct dict *d, uint64_t cursor, dict_scan_fn fn, void *ud)
{
    if (!d->size)
        return 0;
    uint64_t mask = d->size - 1;
    for (struct dict_entry *e = d->table[cursor & mask]; e; e = e->next)
        fn(ud, e);
    /* Increment the reversed cursor: set the unmasked high bits, reverse,
     * add one, reverse back. */
    cursor |= ~mask;
    cursor = rev64(cursor);
    cursor++;
    cursor = rev64(cursor);
    return cursor;
}

void dict_iter_init(struct dict_iter *it, const struct dict *d)
{
    it->d = d;
    it->bucket = 0;
    it->next = NULL;
}

struct dict_entry *dict_iter_next(struct dict_iter *it)
{
    while (!it->next) {
        if (it->bucket >= it->d->size)
            return NULL;
        it->next = it->d->table[it->bucket++];
    }
    struct dict_entry *e = it->next;
    it->next = e->next;
    return e;
}
