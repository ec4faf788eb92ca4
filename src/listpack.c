/* listpack.c -- Redis 7 listpacks, built and walked (see listpack.h).
 *
 * Written from the format's description.  Listpacks are built as Redis 7
 * builds them, because their bytes end up in RDB files and DUMP payloads
 * that redis-server compares or loads: smallest integer encoding, strings
 * that are canonical int64 decimals stored as integers, canonical
 * back-lengths, element count saturating at 65535 ("unknown").  The
 * iterator never reads past the blob it was given. */
#include "listpack.h"

#include <string.h>

#include "lpsize.h"
#include "mem.h"
#include "util.h"

#define LP_HDR_SIZE 6
#define LP_EOF 0xFF
#define LP_COUNT_UNKNOWN 65535u

/* The back-length bytes of an element of l bytes, most significant group
 * first (a reader walking backwards meets the low group first). */
static void lp_backlen_put(unsigned char *p, uint64_t l, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)((l >> (7 * (n - 1 - i))) & 127);
        p[i] = i == 0 ? b : (unsigned char)(b | 128);
    }
}

void lp_builder_init(struct lp_builder *b)
{
    b->cap = 64;
    b->buf = mem_alloc(b->cap);
    b->len = LP_HDR_SIZE; /* the header is written by finish */
    b->count = 0;
}

static unsigned char *lp_grow(struct lp_builder *b, size_t n)
{
    if (b->cap - b->len < n) {
        size_t cap = b->cap;
        while (cap - b->len < n)
            cap *= 2;
        b->buf = mem_realloc(b->buf, cap);
        b->cap = cap;
    }
    return b->buf + b->len;
}

/* Append an element whose encoding and data are enc[0..n), then its
 * back-length. */
static void lp_put_element(struct lp_builder *b, const unsigned char *hdr, size_t hn,
                           const void *data, size_t dn)
{
    size_t l = hn + dn;
    size_t bl = lpsize_backlen(l);
    unsigned char *p = lp_grow(b, l + bl);
    memcpy(p, hdr, hn);
    if (dn)
        memcpy(p + hn, data, dn);
    lp_backlen_put(p + l, l, bl);
    b->len += l + bl;
    b->count++;
}

void lp_append_int_any(struct lp_builder *b, int64_t v)
{
    if (v >= 0 && v <= 127) {
        /* The common case (stream flags, counts, small deltas): the value
         * byte and a back-length of 1. */
        unsigned char *p = lp_grow(b, 2);
        p[0] = (unsigned char)v;
        p[1] = 1;
        b->len += 2;
        b->count++;
        return;
    }
    unsigned char e[9];
    size_t n;
    uint64_t u = (uint64_t)v;
    if (v >= 0 && v <= 127) {
        e[0] = (unsigned char)v;
        n = 1;
    } else if (v >= -4096 && v <= 4095) {
        u &= 0x1fff;
        e[0] = (unsigned char)(0xC0 | (u >> 8));
        e[1] = (unsigned char)u;
        n = 2;
    } else {
        size_t bytes;
        if (v >= -32768 && v <= 32767) {
            e[0] = 0xF1;
            bytes = 2;
        } else if (v >= -8388608 && v <= 8388607) {
            e[0] = 0xF2;
            bytes = 3;
        } else if (v >= INT32_MIN && v <= INT32_MAX) {
            e[0] = 0xF3;
            bytes = 4;
        } else {
            e[0] = 0xF4;
            bytes = 8;
        }
        for (size_t i = 0; i < bytes; i++)
            e[1 + i] = (unsigned char)(u >> (8 * i));
        n = 1 + bytes;
    }
    lp_put_element(b, e, n, NULL, 0);
}

void lp_append_string(struct lp_builder *b, const void *p, size_t len)
{
    long long v;
    if (len < 21 && util_str_to_ll(p, len, &v)) {
        lp_append_int(b, v);
        return;
    }
    unsigned char e[5];
    size_t n;
    if (len < 64) {
        e[0] = (unsigned char)(0x80 | len);
        n = 1;
    } else if (len < 4096) {
        e[0] = (unsigned char)(0xE0 | (len >> 8));
        e[1] = (unsigned char)len;
        n = 2;
    } else {
        e[0] = 0xF0;
        for (int i = 0; i < 4; i++)
            e[1 + i] = (unsigned char)((uint64_t)len >> (8 * i));
        n = 5;
    }
    lp_put_element(b, e, n, p, len);
}

unsigned char *lp_builder_finish(struct lp_builder *b, size_t *len)
{
    unsigned char *p = lp_grow(b, 1);
    p[0] = LP_EOF;
    b->len++;
    uint64_t total = b->len;
    uint32_t count = b->count < LP_COUNT_UNKNOWN ? b->count : LP_COUNT_UNKNOWN;
    for (int i = 0; i < 4; i++)
        b->buf[i] = (unsigned char)(total >> (8 * i));
    b->buf[4] = (unsigned char)count;
    b->buf[5] = (unsigned char)(count >> 8);
    unsigned char *out = b->buf;
    *len = b->len;
    b->buf = NULL;
    b->len = b->cap = 0;
    b->count = 0;
    return out;
}

void lp_append_encoded(struct lp_builder *b, const void *elem, size_t len)
{
    memcpy(lp_grow(b, len), elem, len);
    b->len += len;
    b->count++;
}

void lp_append_encoded_n(struct lp_builder *b, const void *elems, size_t len, uint32_t n)
{
    if (len)
        memcpy(lp_grow(b, len), elems, len);
    b->len += len;
    b->count += n;
}

void lp_append_copy_any(struct lp_builder *b, size_t off, size_t len, uint32_t n)
{
    unsigned char *p = lp_grow(b, len); /* may move buf: take the source after */
    const unsigned char *src = b->buf + off;
    if (len <= 16 && len >= 8) {
        /* Short runs (an entry's values) as two overlapping words. */
        uint64_t x, y;
        memcpy(&x, src, 8);
        memcpy(&y, src + len - 8, 8);
        memcpy(p, &x, 8);
        memcpy(p + len - 8, &y, 8);
    } else if (len) {
        memcpy(p, src, len);
    }
    b->len += len;
    b->count += n;
}

const unsigned char *lp_builder_seal(struct lp_builder *b, size_t *len)
{
    unsigned char *p = lp_grow(b, 1);
    p[0] = LP_EOF;
    size_t total = b->len + 1;
    uint32_t count = b->count < LP_COUNT_UNKNOWN ? b->count : LP_COUNT_UNKNOWN;
    for (int i = 0; i < 4; i++)
        b->buf[i] = (unsigned char)((uint64_t)total >> (8 * i));
    b->buf[4] = (unsigned char)count;
    b->buf[5] = (unsigned char)(count >> 8);
    *len = total;
    return b->buf;
}

void lp_builder_restart(struct lp_builder *b)
{
    b->len = LP_HDR_SIZE;
    b->count = 0;
}

void lp_builder_free(struct lp_builder *b)
{
    mem_free(b->buf);
    b->buf = NULL;
    b->len = b->cap = 0;
    b->count = 0;
}

int lp_iter_init(struct lp_iter *it, const unsigned char *lp, size_t len)
{
    it->lp = lp;
    it->len = len;
    it->pos = LP_HDR_SIZE;
    it->left = 0;
    if (len < LP_HDR_SIZE + 1 || len > UINT32_MAX)
        return -1;
    uint32_t total = (uint32_t)lp[0] | (uint32_t)lp[1] << 8 | (uint32_t)lp[2] << 16 |
                     (uint32_t)lp[3] << 24;
    if (total != len || lp[len - 1] != LP_EOF)
        return -1;
    uint32_t count = (uint32_t)lp[4] | (uint32_t)lp[5] << 8;
    it->left = count == LP_COUNT_UNKNOWN ? UINT32_MAX : count;
    return 0;
}

int lp_iter_next(struct lp_iter *it, struct lp_entry *e)
{
    const unsigned char *lp = it->lp;
    size_t end = it->len - 1; /* the terminator's position */
    size_t pos = it->pos;
    if (pos > end)
        return -1;
    if (pos == end)
        return it->left == 0 || it->left == UINT32_MAX ? 0 : -1;
    if (it->left == 0)
        return -1; /* more entries than the header counts */
    unsigned char b = lp[pos];
    size_t avail = end - pos; /* bytes before the terminator */
    size_t hn, dn = 0;
    e->is_int = 1;
    e->str = NULL;
    e->slen = 0;
    /* Header bytes and data length by encoding, every byte bounds-checked. */
    if (b < 0x80) {
        hn = 1;
        e->v = b;
    } else if ((b & 0xC0) == 0x80) {
        hn = 1;
        dn = b & 0x3f;
        e->is_int = 0;
    } else if ((b & 0xE0) == 0xC0) {
        if (avail < 2)
            return -1;
        hn = 2;
        uint64_t u = (uint64_t)(b & 0x1f) << 8 | lp[pos + 1];
        e->v = u >= 4096 ? (int64_t)u - 8192 : (int64_t)u;
    } else if ((b & 0xF0) == 0xE0) {
        if (avail < 2)
            return -1;
        hn = 2;
        dn = (size_t)(b & 0x0f) << 8 | lp[pos + 1];
        e->is_int = 0;
    } else if (b == 0xF0) {
        if (avail < 5)
            return -1;
        hn = 5;
        dn = (size_t)lp[pos + 1] | (size_t)lp[pos + 2] << 8 | (size_t)lp[pos + 3] << 16 |
             (size_t)lp[pos + 4] << 24;
        e->is_int = 0;
    } else if (b >= 0xF1 && b <= 0xF4) {
        size_t bytes = b == 0xF1 ? 2 : b == 0xF2 ? 3 : b == 0xF3 ? 4 : 8;
        if (avail < 1 + bytes)
            return -1;
        hn = 1 + bytes;
        uint64_t u = 0;
        for (size_t i = 0; i < bytes; i++)
            u |= (uint64_t)lp[pos + 1 + i] << (8 * i);
        if (bytes < 8 && (u >> (8 * bytes - 1)))
            u |= ~(uint64_t)0 << (8 * bytes); /* sign-extend */
        e->v = (int64_t)u;
    } else {
        return -1; /* 0xF5..0xFE are not encodings; 0xFF only at the end */
    }
    if (dn > avail - hn)
        return -1;
    size_t l = hn + dn;
    size_t bl = lpsize_backlen(l);
    if (bl > avail - l)
        return -1;
    /* The back-length must be the canonical one (byte by byte: a libc
     * memcmp call per element was most of a load's time). */
    const unsigned char *back = lp + pos + l;
    if (bl == 1) {
        if (back[0] != l)
            return -1;
    } else {
        unsigned char want[5];
        lp_backlen_put(want, l, bl);
        for (size_t i = 0; i < bl; i++)
            if (back[i] != want[i])
                return -1;
    }
    if (!e->is_int) {
        e->str = lp + pos + hn;
        e->slen = dn;
    }
    it->pos = pos + l + bl;
    if (it->left != UINT32_MAX)
        it->left--;
    return 1;
}

