/* fuzz_aof_scan.c -- libFuzzer target for the AOF scanner (aof_scan.c).
 *
 * Input layout: byte 0 holds flags (bit 0: MULTI/EXEC checking off, bit 1:
 * a tiny proto-max-bulk-len of 16), bytes 1-2 pick a cut, the rest is the
 * file.  Checked on every call:
 *   - items tile the file: each starts where the previous one ended, within
 *     the buffer; a command has argc >= 1 with NUL-terminated arguments
 *     whose sizes fit in the item; an annotation's text lies inside it (a
 *     padding line's is '#' only);
 *   - a failure's repair point is at or before the failed item, its bad
 *     byte inside the buffer; the parser is idle after it and every later
 *     call returns END;
 *   - the prefix property (aof_scan.h) for three cuts: the one picked, the
 *     middle and len - 1: the prefix scans as the whole up to the first
 *     item not ending by the cut, then TRUNCATED, or the same CORRUPT when
 *     its bad byte is before the cut;
 *   - every byte allocated is freed (mem_used() returns to its start).
 * Each scan reads a buffer allocated to its exact length, so ASan sees any
 * read past the end.
 *
 * Build: see `make fuzz-aof`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aof_scan.h"
#include "mem.h"
#include "resp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                              \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "fuzz_aof_scan: check failed at line %d: %s\n", __LINE__, \
                    #cond);                                                           \
            abort();                                                                  \
        }                                                                             \
    } while (0)

#define FUZZ_MAX_ITEMS 4096

struct fuzz_item {
    enum aof_item k;
    size_t start, end, bad, item_start;
    long long line, item_line;
    uint64_t hash; /* of the command's arguments or the annotation's text */
};

struct fuzz_scan {
    struct fuzz_item items[FUZZ_MAX_ITEMS];
    int n;
    int capped; /* stopped at FUZZ_MAX_ITEMS before the end */
};

static uint64_t fuzz_mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Scan src[0..len) from an exact-size copy, checking the invariants. */
static void fuzz_scan_buf(const uint8_t *src, size_t len, int check_multi, long long max_bulk,
                          struct fuzz_scan *out)
{
    char *buf = malloc(len ? len : 1);
    struct resp_parser p;
    struct aof_scan s;
    size_t prev_end = 0;

    if (len)
        memcpy(buf, src, len);
    resp_parser_init(&p, max_bulk);
    aof_scan_init(&s, buf, len);
    s.check_multi = check_multi;
    out->n = 0;
    out->capped = 0;
    for (;;) {
        struct aof_scan_item it;
        struct fuzz_item *f;
        enum aof_item k;

        if (out->n == FUZZ_MAX_ITEMS) {
            out->capped = 1;
            break;
        }
        k = aof_scan_next(&s, &p, &it);
        f = &out->items[out->n++];
        memset(f, 0, sizeof(*f));
        f->k = k;
        f->start = it.start;
        f->end = it.end;
        f->line = it.line;
        f->hash = 14695981039346656037ULL;
        FUZZ_CHECK(it.start <= len && it.end <= len);
        if (k == AOF_ITEM_COMMAND || k == AOF_ITEM_ANNOTATION) {
            FUZZ_CHECK(it.start == prev_end);
            FUZZ_CHECK(it.start < it.end);
            prev_end = it.end;
        }
        if (k == AOF_ITEM_COMMAND) {
            size_t total = 0;
            FUZZ_CHECK(p.argc >= 1);
            for (int i = 0; i < p.argc; i++) {
                FUZZ_CHECK(p.argv[i].ptr[p.argv[i].len] == '\0');
                total += p.argv[i].len;
                f->hash = fuzz_mix(f->hash, &p.argv[i].len, sizeof(p.argv[i].len));
                f->hash = fuzz_mix(f->hash, p.argv[i].ptr, p.argv[i].len);
            }
            FUZZ_CHECK(total < it.end - it.start);
            resp_request_reset(&p);
        } else if (k == AOF_ITEM_ANNOTATION) {
            FUZZ_CHECK(it.text == buf + it.start + 1);
            if (it.text_len + 3 == it.end - it.start && buf[it.end - 2] == '\r') {
                FUZZ_CHECK(it.text_len + 3 <= AOF_ANNOTATION_MAX_LINE);
            } else { /* padding: '#' only, then '\n', any length */
                FUZZ_CHECK(it.text_len + 2 == it.end - it.start);
                FUZZ_CHECK(buf[it.end - 1] == '\n');
                for (size_t i = 0; i < it.text_len; i++)
                    FUZZ_CHECK(it.text[i] == '#');
            }
            f->hash = fuzz_mix(f->hash, it.text, it.text_len);
        } else if (k == AOF_ITEM_END) {
            FUZZ_CHECK(it.start == len && prev_end == len);
            break;
        } else {
            FUZZ_CHECK(k == AOF_ITEM_TRUNCATED || k == AOF_ITEM_CORRUPT);
            FUZZ_CHECK(it.start <= it.item_start && it.item_start <= len);
            FUZZ_CHECK(it.item_start == prev_end);
            FUZZ_CHECK(it.error[0] != '\0');
            FUZZ_CHECK(p.argc == 0 && p.req_type == 0);
            if (k == AOF_ITEM_CORRUPT)
                FUZZ_CHECK(it.bad >= it.item_start && it.bad < len);
            f->bad = it.bad;
            f->item_start = it.item_start;
            f->item_line = it.item_line;
            struct aof_scan_item again;
            FUZZ_CHECK(aof_scan_next(&s, &p, &again) == AOF_ITEM_END);
            break;
        }
    }
    resp_parser_free(&p);
    free(buf);
}

static int fuzz_same(const struct fuzz_item *a, const struct fuzz_item *b)
{
    if (a->k != b->k || a->start != b->start || a->line != b->line)
        return 0;
    if (a->k == AOF_ITEM_TRUNCATED || a->k == AOF_ITEM_CORRUPT)
        return a->bad == b->bad && a->item_start == b->item_start &&
               a->item_line == b->item_line;
    return a->end == b->end && a->hash == b->hash;
}

/* The prefix property for one cut (see the top of the file). */
static void fuzz_check_cut(const uint8_t *file, size_t len, size_t cut, int check_multi,
                           long long max_bulk, const struct fuzz_scan *full,
                           struct fuzz_scan *pre)
{
    int i = 0;

    fuzz_scan_buf(file, cut, check_multi, max_bulk, pre);
    while (i < full->n &&
           (full->items[i].k == AOF_ITEM_COMMAND || full->items[i].k == AOF_ITEM_ANNOTATION) &&
           full->items[i].end <= cut) {
        FUZZ_CHECK(i < pre->n);
        FUZZ_CHECK(fuzz_same(&pre->items[i], &full->items[i]));
        i++;
    }
    if (i == full->n || i >= pre->n)
        return; /* the item cap was reached */
    const struct fuzz_item *f = &full->items[i], *p = &pre->items[i];
    size_t fstart = (f->k == AOF_ITEM_TRUNCATED || f->k == AOF_ITEM_CORRUPT) ? f->item_start
                                                                             : f->start;
    if (f->k == AOF_ITEM_END) {
        FUZZ_CHECK(cut == len);
        FUZZ_CHECK(fuzz_same(p, f));
    } else if (f->k == AOF_ITEM_CORRUPT && cut > f->bad) {
        FUZZ_CHECK(fuzz_same(p, f));
    } else if (cut == fstart) {
        FUZZ_CHECK(p->k == AOF_ITEM_END || p->k == AOF_ITEM_TRUNCATED);
        if (p->k == AOF_ITEM_TRUNCATED)
            FUZZ_CHECK(p->item_start == cut && p->start < cut);
    } else {
        FUZZ_CHECK(p->k == AOF_ITEM_TRUNCATED);
        FUZZ_CHECK(p->item_start == fstart);
        if (f->k == AOF_ITEM_TRUNCATED || f->k == AOF_ITEM_CORRUPT)
            FUZZ_CHECK(p->start == f->start);
    }
    (void)len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fuzz_scan full, pre;
    size_t before = mem_used();
    int check_multi;
    long long max_bulk;
    size_t len, cuts[3];

    if (size < 3)
        return 0;
    check_multi = !(data[0] & 1);
    max_bulk = (data[0] & 2) ? 16 : 512LL * 1024 * 1024;
    len = size - 3;
    cuts[0] = ((size_t)data[1] | (size_t)data[2] << 8) % (len + 1);
    cuts[1] = len / 2;
    cuts[2] = len ? len - 1 : 0;
    data += 3;

    fuzz_scan_buf(data, len, check_multi, max_bulk, &full);
    FUZZ_CHECK(mem_used() == before);
    if (full.capped)
        return 0;
    for (int c = 0; c < 3; c++) {
        fuzz_check_cut(data, len, cuts[c], check_multi, max_bulk, &full, &pre);
        FUZZ_CHECK(mem_used() == before);
    }
    return 0;
}
