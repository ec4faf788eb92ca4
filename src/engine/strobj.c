/* strobj.c -- see strobj.h. */
#include "strobj.h"

#include <string.h>

#include "lpsize.h"
#include "mem.h"

#define STROBJ_GROW_STEP (1024 * 1024) /* sds's SDS_MAX_PREALLOC */

static struct strobj *strobj_alloc(size_t cap)
{
    struct strobj *s = mem_alloc(sizeof(*s) + cap + 1);
    s->cap = cap;
    s->shared = false;
    return s;
}

bool strobj_parse_ll(const char *p, size_t len, long long *out)
{
    int64_t v;
    if (!lpsize_parse_int(p, len, &v))
        return false;
    *out = (long long)v;
    return true;
}

size_t strobj_format_ll(char *buf, long long v)
{
    char tmp[STROBJ_LL_MAX_CHARS];
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t len = 0;
    if (v < 0)
        buf[len++] = '-';
    while (n)
        buf[len++] = tmp[--n];
    buf[len] = '\0';
    return len;
}

static struct strobj *strobj_make(const char *p, size_t len, enum strobj_enc enc)
{
    struct strobj *s = strobj_alloc(len);
    s->len = len;
    s->enc = (uint8_t)enc;
    if (len)
        memcpy(s->buf, p, len);
    s->buf[len] = '\0';
    return s;
}

struct strobj *strobj_new_plain(const char *p, size_t len)
{
    return strobj_make(p, len, len <= STROBJ_EMBSTR_MAX ? STROBJ_EMBSTR : STROBJ_RAW);
}

struct strobj *strobj_new(const char *p, size_t len)
{
    long long v;
    if (strobj_parse_ll(p, len, &v)) {
        struct strobj *s = strobj_make(p, len, STROBJ_INT);
        s->shared = v >= 0 && v < STROBJ_SHARED_INTS;
        return s;
    }
    return strobj_new_plain(p, len);
}

struct strobj *strobj_from_ll(long long v)
{
    char buf[STROBJ_LL_MAX_CHARS];
    size_t n = strobj_format_ll(buf, v);
    struct strobj *s = strobj_make(buf, n, STROBJ_INT);
    s->shared = v >= 0 && v < STROBJ_SHARED_INTS;
    return s;
}

void strobj_free(struct strobj *s)
{
    mem_free(s);
}

struct strobj *strobj_dup(const struct strobj *s)
{
    return strobj_make(s->buf, s->len, (enum strobj_enc)s->enc);
}

bool strobj_to_ll(const struct strobj *s, long long *out)
{
    return strobj_parse_ll(s->buf, s->len, out);
}

/* Make room for `need` bytes in a raw value, growing as sds does. */
static struct strobj *strobj_reserve(struct strobj *s, size_t need)
{
    if (s->enc == STROBJ_RAW && need <= s->cap)
        return s;
    size_t cap = need < STROBJ_GROW_STEP ? need * 2 : need + STROBJ_GROW_STEP;
    if (s->enc != STROBJ_RAW) {
        /* Redis first unshares an int or embstr value into an exact-size
         * raw copy, which then grows like any sds. */
        struct strobj *r = strobj_alloc(s->len);
        r->len = s->len;
        r->enc = STROBJ_RAW;
        memcpy(r->buf, s->buf, s->len + 1);
        strobj_free(s);
        s = r;
        if (need <= s->cap)
            return s;
    }
    s = mem_realloc(s, sizeof(*s) + cap + 1);
    s->cap = cap;
    return s;
}

struct strobj *strobj_append(struct strobj *s, const char *p, size_t n)
{
    size_t need = s->len + n;
    if (s->enc != STROBJ_RAW || need > s->cap)
        s = strobj_reserve(s, need);
    if (n)
        memcpy(s->buf + s->len, p, n);
    s->len = need;
    s->buf[need] = '\0';
    s->shared = false;
    return s;
}

struct strobj *strobj_setrange(struct strobj *s, size_t offset, const char *p, size_t n)
{
    size_t end = offset + n;
    if (!s) {
        /* A new key is made at its exact size, zero-filled. */
        s = strobj_alloc(end);
        s->len = 0;
        s->enc = STROBJ_RAW;
    }
    size_t need = end > s->len ? end : s->len;
    s = strobj_reserve(s, need);
    if (offset > s->len)
        memset(s->buf + s->len, 0, offset - s->len);
    if (n)
        memcpy(s->buf + offset, p, n);
    if (need > s->len) {
        s->len = need;
        s->buf[need] = '\0';
    }
    s->shared = false;
    return s;
}

const char *strobj_encoding_name(const struct strobj *s)
{
    switch (s->enc) {
    case STROBJ_INT:
        return "int";
    case STROBJ_EMBSTR:
        return "embstr";
    default:
        return "raw";
    }
}

size_t strobj_memory(const struct strobj *s)
{
    return mem_block_size(s);
}
