/* listpack.h -- building and walking Redis 7 listpacks, the blobs stream
 * nodes (and small hashes, lists, sets) are stored in in RDB files and DUMP
 * payloads; entries as strings or integers.  Pure code (libc + mem). */
#ifndef RUNNEL_LISTPACK_H
#define RUNNEL_LISTPACK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* --- Listpack --------------------------------------------------------------------- */

/* A listpack under construction: total bytes (u32 LE), count (u16 LE),
 * entries, 0xFF.  Integers use the smallest integer encoding; strings
 * that are canonical integers are stored as integers, as Redis does. */
struct lp_builder {
    unsigned char *buf;
    size_t len, cap;
    uint32_t count;
};

void lp_builder_init(struct lp_builder *b);
void lp_append_string(struct lp_builder *b, const void *p, size_t len);
/* lp_append_int past its inline case. */
void lp_append_int_any(struct lp_builder *b, int64_t v);
static inline void lp_append_int(struct lp_builder *b, int64_t v)
{
    if (b->cap - b->len >= 3) {
        if (v >= 0 && v <= 127) {
            /* The common case (stream flags, counts, small deltas): the
             * value byte and a back-length of 1. */
            b->buf[b->len] = (unsigned char)v;
            b->buf[b->len + 1] = 1;
            b->len += 2;
            b->count++;
            return;
        }
        if (v >= -4096 && v <= 4095) {
            /* 13 bits (a sequence delta after the millisecond moved on):
             * two bytes and a back-length of 2. */
            uint64_t u = (uint64_t)v & 0x1fff;
            b->buf[b->len] = (unsigned char)(0xC0 | (u >> 8));
            b->buf[b->len + 1] = (unsigned char)u;
            b->buf[b->len + 2] = 2;
            b->len += 3;
            b->count++;
            return;
        }
    }
    lp_append_int_any(b, v);
}
/* Finish (header written); the blob is b->buf[0..*len), mem_alloc'd, and
 * the caller takes it. */
unsigned char *lp_builder_finish(struct lp_builder *b, size_t *len);
/* Append one element already encoded (its header, data and back-length,
 * as a builder wrote them). */
void lp_append_encoded(struct lp_builder *b, const void *elem, size_t len);
/* The same for n elements encoded one after the other in elems[0..len). */
void lp_append_encoded_n(struct lp_builder *b, const void *elems, size_t len, uint32_t n);
/* The same for n elements this builder already holds, at buf[off ..
 * off + len). */
void lp_append_copy_any(struct lp_builder *b, size_t off, size_t len, uint32_t n);
static inline void lp_append_copy(struct lp_builder *b, size_t off, size_t len, uint32_t n)
{
    if (len >= 16 && len <= 32 && b->cap - b->len >= len) {
        /* An entry's values, as two overlapping 16-byte moves. */
        unsigned char x[16], y[16];
        memcpy(x, b->buf + off, 16);
        memcpy(y, b->buf + off + len - 16, 16);
        memcpy(b->buf + b->len, x, 16);
        memcpy(b->buf + b->len + len - 16, y, 16);
        b->len += len;
        b->count += n;
        return;
    }
    lp_append_copy_any(b, off, len, n);
}
/* Finish without giving the buffer up: the listpack is the returned
 * pointer's *len bytes, valid until the builder is used again;
 * lp_builder_restart then begins a new one in the same buffer (on a
 * builder from lp_builder_init or _seal, not _finish); lp_builder_free
 * releases a builder that was never finished. */
const unsigned char *lp_builder_seal(struct lp_builder *b, size_t *len);
void lp_builder_restart(struct lp_builder *b);
void lp_builder_free(struct lp_builder *b);

struct lp_entry {
    int is_int;
    int64_t v;                 /* when is_int */
    const unsigned char *str;  /* into the listpack otherwise */
    size_t slen;
};

struct lp_iter {
    const unsigned char *lp;
    size_t len, pos;
    uint32_t left;             /* entries not yet returned (header count) */
};

/* Validate the header (total bytes == len, terminator); 0 or -1. */
int lp_iter_init(struct lp_iter *it, const unsigned char *lp, size_t len);
/* 1 with an entry, 0 at the end, -1 on a malformed entry (never reads
 * past len; backlen bytes are checked). */
int lp_iter_next(struct lp_iter *it, struct lp_entry *e);

/* lp_iter_next with the two commonest elements -- a 7-bit integer, a
 * string under 64 bytes -- decoded inline (same checks, same results);
 * anything else goes to lp_iter_next. */
static inline int lp_iter_next_fast(struct lp_iter *it, struct lp_entry *e)
{
    size_t pos = it->pos, end = it->len - 1; /* end: the terminator */
    if (pos < end && it->left != 0) {
        const unsigned char *p = it->lp + pos;
        size_t avail = end - pos;
        if (p[0] < 0x80) {
            if (avail >= 2 && p[1] == 1) {
                e->is_int = 1;
                e->v = p[0];
                e->str = NULL;
                e->slen = 0;
                it->pos = pos + 2;
                if (it->left != UINT32_MAX)
                    it->left--;
                return 1;
            }
        } else if ((p[0] & 0xC0) == 0x80) {
            size_t dn = p[0] & 0x3f; /* element of dn + 1 <= 64 bytes: 1-byte back-length */
            if (avail >= dn + 2 && p[1 + dn] == dn + 1) {
                e->is_int = 0;
                e->str = p + 1;
                e->slen = dn;
                it->pos = pos + dn + 2;
                if (it->left != UINT32_MAX)
                    it->left--;
                return 1;
            }
        }
    }
    return lp_iter_next(it, e);
}

#endif
