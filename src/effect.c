/* effect.c -- see effect.h. */
#include "effect.h"

#include <stdio.h>
#include <string.h>

#include "mem.h"

void effect_batch_init(struct effect_batch *b)
{
    b->blocks = NULL;
    b->v = NULL;
    b->n = 0;
    b->cap = 0;
    b->slots = 0;
    b->discard = 0;
    b->hard = 0;
    b->sink_hole.flags = 0;
    b->sink_hole.dbid = 0;
    b->sink_hole.argc = 0;
    b->sink_hole.cap = -1; /* marks the placeholder */
    b->sink_hole.argv = NULL;
}

/* Keep the newest block (the usual batch fits in it), free the others. */
static void effect_blocks_reset(struct effect_batch *b, int keep)
{
    struct effect_block *k = keep ? b->blocks : NULL;
    struct effect_block *x = b->blocks ? (keep ? b->blocks->next : b->blocks) : NULL;
    while (x) {
        struct effect_block *next = x->next;
        mem_free(x);
        x = next;
    }
    if (k) {
        k->next = NULL;
        k->used = 0;
    }
    b->blocks = k;
}

static char *effect_block_copy(struct effect_batch *b, const char *p, size_t len)
{
    struct effect_block *blk = b->blocks;
    if (!blk || blk->cap - blk->used < len + 1) {
        size_t cap = len + 1 > 4096 ? len + 1 : 4096;
        blk = mem_alloc(sizeof(*blk) + cap);
        blk->used = 0;
        blk->cap = cap;
        blk->next = b->blocks;
        b->blocks = blk;
    }
    char *dst = blk->data + blk->used;
    memcpy(dst, p, len);
    dst[len] = '\0';
    blk->used += len + 1;
    return dst;
}

/* The argv arrays stay with their slots for the next units. */
void effect_batch_clear(struct effect_batch *b)
{
    effect_blocks_reset(b, 1);
    b->n = 0;
    b->hard = 0;
}

void effect_batch_free(struct effect_batch *b)
{
    effect_batch_clear(b);
    effect_blocks_reset(b, 0);
    for (int i = 0; i < b->slots; i++)
        mem_free(b->v[i].argv);
    mem_free(b->v);
    effect_batch_init(b);
}

/* Words an effect's argv starts with: a 3-pair XADD fits. */
#define EFFECT_ARGV_MIN 16

struct effect *effect_new(struct effect_batch *b, int dbid)
{
    if (b->discard)
        return &b->sink_hole;
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 4;
        b->v = mem_realloc(b->v, (size_t)b->cap * sizeof(*b->v));
    }
    struct effect *e = &b->v[b->n];
    if (b->n == b->slots) {
        e->argv = NULL;
        e->cap = 0;
        b->slots++;
    }
    b->n++;
    e->dbid = dbid;
    e->argc = 0;
    e->flags = 0;
    e->batch = b;
    b->hard++;
    return e;
}

void effect_arg(struct effect *e, const char *p, size_t len)
{
    if (e->cap < 0)
        return;
    if (e->argc == e->cap) {
        e->cap = e->cap ? e->cap * 2 : EFFECT_ARGV_MIN;
        e->argv = mem_realloc(e->argv, (size_t)e->cap * sizeof(*e->argv));
    }
    e->argv[e->argc].ptr = effect_block_copy(e->batch, p, len);
    e->argv[e->argc].len = len;
    e->argc++;
}

void effect_arg_cstr(struct effect *e, const char *s)
{
    effect_arg(e, s, strlen(s));
}

void effect_arg_ll(struct effect *e, long long v)
{
    if (e->cap < 0)
        return;
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%lld", v);
    effect_arg(e, buf, (size_t)n);
}

void effect_arg_hex(struct effect *e, const char *p, size_t len)
{
    if (e->cap < 0)
        return;
    static const char digits[] = "0123456789abcdef";
    char *hex = mem_alloc(len * 2 + 1);
    for (size_t i = 0; i < len; i++) {
        hex[2 * i] = digits[(unsigned char)p[i] >> 4];
        hex[2 * i + 1] = digits[(unsigned char)p[i] & 15];
    }
    effect_arg(e, hex, len * 2);
    mem_free(hex);
}

void effect_set_flags(struct effect_batch *b, struct effect *e, unsigned flags)
{
    if (e->cap < 0)
        return;
    if ((flags & EFFECT_SOFT) && !(e->flags & EFFECT_SOFT))
        b->hard--;
    e->flags |= flags;
}

static void effect_encode_annotation(struct reply_buf *out, const struct effect *e)
{
    size_t len = 1;
    for (int i = 0; i < e->argc; i++)
        len += e->argv[i].len + 1;
    if (len + 1 > EFFECT_ANNOTATION_MAX)
        return; /* Redis could not skip it: leave the state out instead */
    reply_raw(out, "#", 1);
    for (int i = 0; i < e->argc; i++) {
        if (i)
            reply_raw(out, " ", 1);
        reply_raw(out, e->argv[i].ptr, e->argv[i].len);
    }
    reply_raw(out, "\r\n", 2);
}

/* "<prefix><n>\r\n" at p (room for 24 bytes); returns its length. */
static inline size_t put_header(char *p, char prefix, size_t n)
{
    p[0] = prefix;
    size_t k;
    if (n < 10) {
        p[1] = (char)('0' + n);
        k = 1;
    } else if (n < 100) {
        p[1] = (char)('0' + n / 10);
        p[2] = (char)('0' + n % 10);
        k = 2;
    } else {
        k = (size_t)util_ull_to_str(p + 1, 21, n);
    }
    p[k + 1] = '\r';
    p[k + 2] = '\n';
    return k + 3;
}

/* The command as a RESP array of bulk strings, written in one go (room
 * reserved once; lengths under 100 without a conversion call). */
static void effect_encode_words(struct reply_buf *out, int argc, const struct util_arg *argv)
{
    size_t need = 24;
    for (int i = 0; i < argc; i++)
        need += 24 + argv[i].len + 2;
    char *start = reply_space(out, need), *p = start;
    p += put_header(p, '*', (size_t)argc);
    for (int i = 0; i < argc; i++) {
        size_t len = argv[i].len;
        p += put_header(p, '$', len);
        if (len)
            memcpy(p, argv[i].ptr, len);
        p[len] = '\r';
        p[len + 1] = '\n';
        p += len + 2;
    }
    out->len += (size_t)(p - start);
}

static void effect_encode_select(struct reply_buf *out, int dbid, int *cur_db)
{
    if (dbid == *cur_db)
        return;
    char num[16];
    int len = snprintf(num, sizeof(num), "%d", dbid);
    struct util_arg sel[2] = {{(char *)"SELECT", 6}, {num, (size_t)len}};
    effect_encode_words(out, 2, sel);
    *cur_db = dbid;
}

/* Commands first (in MULTI/EXEC when there are several), annotations
 * after the EXEC: an annotation describes the state the unit left, and a
 * loader replaying a transaction only applies its commands at the EXEC. */
void effect_encode(struct reply_buf *out, const struct effect *effects, int n, int *cur_db)
{
    if (n <= 0)
        return;
    int ncmds = 0;
    for (int i = 0; i < n; i++)
        ncmds += !(effects[i].flags & EFFECT_ANNOTATION);
    int wrap = ncmds > 1;
    int opened = 0;
    for (int i = 0; i < n; i++) {
        if (effects[i].flags & EFFECT_ANNOTATION)
            continue;
        effect_encode_select(out, effects[i].dbid, cur_db);
        if (wrap && !opened) {
            struct util_arg m = {(char *)"MULTI", 5};
            effect_encode_words(out, 1, &m);
            opened = 1;
        }
        effect_encode_words(out, effects[i].argc, effects[i].argv);
    }
    if (wrap) {
        struct util_arg x = {(char *)"EXEC", 4};
        effect_encode_words(out, 1, &x);
    }
    for (int i = 0; i < n; i++) {
        if (!(effects[i].flags & EFFECT_ANNOTATION))
            continue;
        effect_encode_select(out, effects[i].dbid, cur_db);
        effect_encode_annotation(out, &effects[i]);
    }
}
