/* set.c -- see set.h. */
#include "set.h"

#include <string.h>

#include "mem.h"
#include "strobj.h"

static const struct hash_limits TABLE_LIMITS = {(size_t)-1, (size_t)-1};

static uint8_t int_width(int64_t v)
{
    if (v >= INT16_MIN && v <= INT16_MAX)
        return 2;
    if (v >= INT32_MIN && v <= INT32_MAX)
        return 4;
    return 8;
}

struct set *set_new(uint64_t seed)
{
    struct set *s = mem_calloc(sizeof(*s));
    s->enc = SET_ENC_INTSET;
    s->width = 2;
    s->seed = seed;
    return s;
}

void set_free(struct set *s)
{
    if (!s)
        return;
    mem_free(s->iv);
    if (s->ht)
        hash_free(s->ht);
    mem_free(s);
}

struct set *set_dup(const struct set *s)
{
    struct set *d = mem_calloc(sizeof(*d));
    *d = *s;
    d->iv = NULL;
    d->ht = NULL;
    if (s->enc == SET_ENC_INTSET) {
        d->icap = s->icount;
        if (s->icount) {
            d->iv = mem_alloc(s->icount * sizeof(int64_t));
            memcpy(d->iv, s->iv, s->icount * sizeof(int64_t));
        }
    } else {
        d->ht = hash_dup(s->ht);
    }
    return d;
}

size_t set_len(const struct set *s)
{
    return s->enc == SET_ENC_INTSET ? s->icount : hash_len(s->ht);
}

const char *set_encoding_name(const struct set *s)
{
    return s->enc == SET_ENC_INTSET ? "intset" : "hashtable";
}

size_t set_memory(const struct set *s)
{
    if (s->enc == SET_ENC_INTSET)
        return sizeof(*s) + 8 + s->icount * s->width;
    return sizeof(*s) + hash_memory(s->ht);
}

/* Index of v in the intset, or where it would go (*found false). */
static size_t is_search(const struct set *s, int64_t v, bool *found)
{
    size_t lo = 0, hi = s->icount;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->iv[mid] < v)
            lo = mid + 1;
        else if (s->iv[mid] > v)
            hi = mid;
        else {
            *found = true;
            return mid;
        }
    }
    *found = false;
    return lo;
}

void set_convert(struct set *s)
{
    if (s->enc == SET_ENC_TABLE)
        return;
    struct hash *h = hash_new(s->seed);
    hash_convert(h);
    for (size_t i = 0; i < s->icount; i++) {
        char num[SET_NUM_MAX_CHARS];
        size_t n = strobj_format_ll(num, s->iv[i]);
        hash_set(h, num, n, "", 0, &TABLE_LIMITS);
    }
    mem_free(s->iv);
    s->iv = NULL;
    s->icount = s->icap = 0;
    s->ht = h;
    s->enc = SET_ENC_TABLE;
}

int set_add(struct set *s, const char *p, size_t len, size_t max_intset)
{
    long long v;
    if (s->enc == SET_ENC_INTSET) {
        if (strobj_parse_ll(p, len, &v)) {
            bool found;
            size_t at = is_search(s, v, &found);
            if (found)
                return 0;
            if (s->icount == s->icap) {
                s->icap = s->icap ? s->icap * 2 : 4;
                s->iv = mem_realloc(s->iv, s->icap * sizeof(int64_t));
            }
            memmove(s->iv + at + 1, s->iv + at, (s->icount - at) * sizeof(int64_t));
            s->iv[at] = v;
            s->icount++;
            uint8_t w = int_width(v);
            if (w > s->width)
                s->width = w;
            /* Redis 7.0 converts after the insert that passes the limit. */
            if (s->icount > max_intset)
                set_convert(s);
            return 1;
        }
        set_convert(s);
    }
    return hash_set(s->ht, p, len, "", 0, &TABLE_LIMITS);
}

bool set_remove(struct set *s, const char *p, size_t len)
{
    if (s->enc == SET_ENC_TABLE)
        return hash_delete(s->ht, p, len);
    long long v;
    bool found;
    if (!strobj_parse_ll(p, len, &v))
        return false;
    size_t at = is_search(s, v, &found);
    if (!found)
        return false;
    memmove(s->iv + at, s->iv + at + 1, (s->icount - at - 1) * sizeof(int64_t));
    s->icount--;
    return true;
}

bool set_contains(const struct set *s, const char *p, size_t len)
{
    if (s->enc == SET_ENC_TABLE) {
        const char *v;
        size_t vlen;
        return hash_get(s->ht, p, len, &v, &vlen);
    }
    long long v;
    bool found;
    if (!strobj_parse_ll(p, len, &v))
        return false;
    is_search(s, v, &found);
    return found;
}

void set_iter_init(struct set_iter *it, const struct set *s)
{
    it->s = s;
    it->pos = 0;
    if (s->enc == SET_ENC_TABLE)
        hash_iter_init(&it->hit, s->ht);
}

bool set_iter_next(struct set_iter *it, const char **p, size_t *len)
{
    if (it->s->enc == SET_ENC_TABLE) {
        struct hash_pair hp;
        if (!hash_iter_next(&it->hit, &hp))
            return false;
        *p = hp.field;
        *len = hp.flen;
        return true;
    }
    if (it->pos >= it->s->icount)
        return false;
    *len = strobj_format_ll(it->num, it->s->iv[it->pos++]);
    *p = it->num;
    return true;
}

struct member_cb {
    set_member_fn fn;
    void *ud;
};

static void pair_to_member(void *ud, const struct hash_pair *hp)
{
    const struct member_cb *cb = ud;
    cb->fn(cb->ud, hp->field, hp->flen);
}

uint64_t set_scan(const struct set *s, uint64_t cursor, set_member_fn fn, void *ud)
{
    if (s->enc == SET_ENC_TABLE) {
        struct member_cb cb = {fn, ud};
        return hash_scan(s->ht, cursor, pair_to_member, &cb);
    }
    for (size_t i = 0; i < s->icount; i++) {
        char num[SET_NUM_MAX_CHARS];
        fn(ud, num, strobj_format_ll(num, s->iv[i]));
    }
    return 0;
}

static size_t rng_below(uint64_t *rng, size_t n)
{
    return (size_t)(hash_rng_next(rng) % n);
}

bool set_random(const struct set *s, uint64_t *rng, char buf[SET_NUM_MAX_CHARS], const char **p,
                size_t *len)
{
    if (s->enc == SET_ENC_TABLE) {
        struct hash_pair hp;
        if (!hash_random(s->ht, rng, &hp))
            return false;
        *p = hp.field;
        *len = hp.flen;
        return true;
    }
    if (!s->icount)
        return false;
    *len = strobj_format_ll(buf, s->iv[rng_below(rng, s->icount)]);
    *p = buf;
    return true;
}

size_t set_sample(const struct set *s, size_t count, uint64_t *rng, set_member_fn fn, void *ud)
{
    if (s->enc == SET_ENC_TABLE) {
        struct member_cb cb = {fn, ud};
        return hash_sample(s->ht, count, rng, pair_to_member, &cb);
    }
    /* Selection sampling: one pass, each member taken with probability
     * (still needed) / (still unseen), so the whole set when count >= len. */
    size_t need = count < s->icount ? count : s->icount, left = s->icount, got = 0;
    for (size_t i = 0; i < s->icount && got < need; i++, left--) {
        if (rng_below(rng, left) < need - got) {
            char num[SET_NUM_MAX_CHARS];
            fn(ud, num, strobj_format_ll(num, s->iv[i]));
            got++;
        }
    }
    return got;
}

static void put_le(unsigned char *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static int64_t get_le(const unsigned char *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    if (n < 8 && (v >> (8 * n - 1)) & 1)
        v |= ~0ULL << (8 * n); /* sign-extend */
    return (int64_t)v;
}

unsigned char *set_intset_blob(const struct set *s, size_t *len)
{
    *len = 8 + s->icount * s->width;
    unsigned char *b = mem_alloc(*len);
    put_le(b, s->width, 4);
    put_le(b + 4, s->icount, 4);
    for (size_t i = 0; i < s->icount; i++)
        put_le(b + 8 + i * s->width, (uint64_t)s->iv[i], s->width);
    return b;
}

int set_from_intset_blob(struct set **out, const unsigned char *blob, size_t len, uint64_t seed)
{
    if (len < 8)
        return -1;
    unsigned w = (unsigned)get_le(blob, 4) & 0xffffffffu;
    uint64_t n = (uint64_t)get_le(blob + 4, 4) & 0xffffffffu;
    if ((w != 2 && w != 4 && w != 8) || (len - 8) / w != n || (len - 8) % w)
        return -1;
    struct set *s = set_new(seed);
    s->width = (uint8_t)w;
    s->icap = n;
    s->iv = n ? mem_alloc(n * sizeof(int64_t)) : NULL;
    for (uint64_t i = 0; i < n; i++) {
        int64_t v = get_le(blob + 8 + i * w, w);
        if (i && v <= s->iv[i - 1]) {
            set_free(s);
            return -1;
        }
        s->iv[i] = v;
    }
    s->icount = n;
    *out = s;
    return 0;
}
