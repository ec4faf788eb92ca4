/* stream_node.c -- packed stream entries; see stream_node.h.
 *
 * Byte layout of data[] (everything little-endian LEB128 varints, "v"):
 *
 *   node:   entry entry entry ...                (entry 0 is the master)
 *
 *   entry:  +-----+------------+-----------+---------------+--------------+
 *           | hdr | [small: v] | [seq: v]  | [npairs: v]   | cells ...    |
 *           +-----+------------+-----------+---------------+--------------+
 *
 *   hdr:    bit 0    DELETED      the entry is a tombstone
 *           bit 1    SAME_FIELDS  field names are the master's: npairs and
 *                                 field cells are omitted, only values follow
 *           bits 2-3 ID form, relative to the previous entry's ID P:
 *                    0  ms = P.ms,           seq = P.seq + 1 + small
 *                    1  ms = P.ms + 1 + small, seq = 0
 *                    2  ms = P.ms + 1 + small, seq = v
 *           bits 4-7 "small" inline when 0..14; 15 means a varint follows
 *
 *   The master's ID is the node's first ID (in the header and the index
 *   key), so its hdr is 0 or DELETED and nothing else; it always carries
 *   npairs and its field cells, and none of its cells are references.
 *
 *   cell:   tag v, then for strings the bytes.  tag & 3 says what it is:
 *           0  string of tag >> 2 bytes
 *           1  integer, zigzag(value) = tag >> 2 (canonical decimals that
 *              round-trip exactly, |v| < 2^61)
 *           2  decimal "I.F": x = tag >> 2, digits after the point
 *              (x & 7) + 1, mantissa zigzag = x >> 3 ("24.5" is 245, 1)
 *           3  reference to the master's cell in the same position
 *              (field i <-> master field i, value i <-> master value i):
 *              tag >> 2 == 0 is "the same bytes", k > 0 is "the master's
 *              integer plus unzigzag(k - 1)" (rising counters, timestamps)
 *
 * Typical sizes: an auto-ID entry costs one header byte for its ID; a value
 * repeating the master costs one byte; a rising integer a byte or two.
 * Reading goes forwards only; a reverse walk decodes the node's entry
 * offsets first (nodes are small).  A cursor never trusts the bytes: each
 * read is bounds checked, so the same code validates loaded snapshots. */
#include "stream_node.h"

#include <assert.h>
#include <string.h>

#include "lpsize.h"
#include "mem.h"

#define HDR_DELETED 0x01u
#define HDR_SAME 0x02u
#define HDR_FORM_SHIFT 2
#define HDR_SMALL_SHIFT 4
#define HDR_SMALL_VARINT 15u

#define FORM_SEQ 0u
#define FORM_MS 1u
#define FORM_MS_SEQ 2u

#define TAG_STR 0u
#define TAG_INT 1u
#define TAG_DEC 2u
#define TAG_REF 3u

#define INT_ZZ_LIMIT ((uint64_t)1 << 62)   /* zigzag values an INT tag holds */
#define DEC_MAX_SCALE 8
#define DEC_MAX_DIGITS 17
#define VARINT_MAX 10

/* ---- varints and zigzag ---- */

static inline size_t varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* Write v at p (when p is not NULL); returns its length. */
static inline size_t varint_put(unsigned char *p, uint64_t v)
{
    if (!p)
        return varint_len(v);
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

/* Read a varint from d[*off] with end as the limit; false on truncation
 * or more than 64 bits. */
static inline bool varint_get(const unsigned char *d, size_t *off, size_t end, uint64_t *out)
{
    size_t i = *off;
    if (i < end && d[i] < 0x80) {   /* the common one-byte case */
        *out = d[i];
        *off = i + 1;
        return true;
    }
    uint64_t v = 0;
    for (unsigned shift = 0; i < end; shift += 7) {
        unsigned char b = d[i++];
        if (shift == 63 && b > 1)
            return false;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            *off = i;
            return true;
        }
        if (shift == 63)
            return false;
    }
    return false;
}

static inline uint64_t zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t unzigzag(uint64_t u)
{
    return (int64_t)((u >> 1) ^ (0 - (u & 1)));
}

/* ---- numbers as text ---- */

/* A decimal that round-trips through (mantissa, scale): optional '-', an
 * integer part "0" or without leading zeros, '.', 1..8 digits, at most 17
 * digits in all, and not a negative zero. */
static bool parse_canon_dec(const char *p, size_t len, int64_t *mant, uint8_t *scale)
{
    if (len < 3 || len > DEC_MAX_DIGITS + 2)
        return false;
    bool neg = p[0] == '-';
    size_t i = neg;
    const char *dot = memchr(p + i, '.', len - i);
    if (!dot)
        return false;
    size_t ilen = (size_t)(dot - (p + i)), flen = len - (size_t)(dot - p) - 1;
    if (ilen == 0 || flen == 0 || flen > DEC_MAX_SCALE || ilen + flen > DEC_MAX_DIGITS)
        return false;
    if (ilen > 1 && p[i] == '0')
        return false;
    uint64_t v = 0;
    for (; i < len; i++) {
        if (p + i == dot)
            continue;
        unsigned d = (unsigned)(unsigned char)p[i] - '0';
        if (d > 9)
            return false;
        v = v * 10 + d;
    }
    if (neg && v == 0)
        return false;
    *mant = neg ? -(int64_t)v : (int64_t)v;
    *scale = (uint8_t)flen;
    return true;
}

/* Digits of v, least significant first; returns how many. */
static size_t digits_rev(uint64_t v, char *d)
{
    size_t n = 0;
    do {
        d[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return n;
}

/* Write v in decimal into buf (21 bytes suffice); returns the length. */
static size_t format_int(int64_t v, char *buf)
{
    char d[24];
    uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    size_t n = digits_rev(a, d), len = 0;
    if (v < 0)
        buf[len++] = '-';
    while (n)
        buf[len++] = d[--n];
    return len;
}

/* Write mant / 10^scale as "I.F" with exactly scale digits after the
 * point; returns the length. */
static size_t format_dec(int64_t mant, unsigned scale, char *buf)
{
    char d[24];
    uint64_t a = mant < 0 ? 0 - (uint64_t)mant : (uint64_t)mant;
    size_t n = digits_rev(a, d), len = 0;
    while (n < scale + 1)
        d[n++] = '0';
    if (mant < 0)
        buf[len++] = '-';
    for (size_t k = n; k > 0; k--) {
        if (k == scale)
            buf[len++] = '.';
        buf[len++] = d[k - 1];
    }
    return len;
}

/* What a value's bytes can be stored as. */
struct cell_class {
    uint8_t kind;     /* enum stream_cell_kind */
    uint8_t scale;
    int64_t num;
};

/* Decide how a value's bytes can be stored: INT or DEC only when they
 * format back to exactly the same bytes, STR otherwise. */
static void classify(const struct stream_str *s, struct cell_class *c)
{
    c->kind = STREAM_CELL_STR;
    c->scale = 0;
    c->num = 0;
    if (s->len == 0 || s->len > 20)
        return;
    unsigned char first = (unsigned char)s->ptr[0];
    if (first != '-' && (first < '0' || first > '9'))
        return;
    /* Canonical integers exactly as Redis's string2ll() accepts and its
     * ll2string writes back, which are also what a listpack stores as one. */
    if (lpsize_parse_int(s->ptr, s->len, &c->num)) {
        if (zigzag(c->num) < INT_ZZ_LIMIT)
            c->kind = STREAM_CELL_INT;
        return;
    }
    if (parse_canon_dec(s->ptr, s->len, &c->num, &c->scale))
        c->kind = STREAM_CELL_DEC;
}

/* ---- encoding ---- */

size_t stream_fields_raw_len(const struct stream_str *fv, size_t npairs)
{
    size_t total = 0;
    for (size_t i = 0; i < 2 * npairs; i++)
        total += fv[i].len;
    return total;
}

/* An upper bound of the encoded size of an entry. */
static size_t entry_bound(const struct stream_str *fv, size_t npairs)
{
    size_t b = 1 + 3 * VARINT_MAX;
    for (size_t i = 0; i < 2 * npairs; i++)
        b += VARINT_MAX + fv[i].len;
    return b;
}

/* The tag of a cell stored without reference to the master, into *tag;
 * returns the cell's encoded size. */
static size_t plain_cell_tag(const struct stream_str *s, const struct cell_class *c, uint64_t *tag)
{
    switch (c->kind) {
    case STREAM_CELL_INT:
        *tag = zigzag(c->num) << 2 | TAG_INT;
        return varint_len(*tag);
    case STREAM_CELL_DEC:
        *tag = ((zigzag(c->num) << 3 | (uint64_t)(c->scale - 1)) << 2) | TAG_DEC;
        return varint_len(*tag);
    default:
        *tag = (uint64_t)s->len << 2 | TAG_STR;
        return varint_len(*tag) + s->len;
    }
}

/* Are these bytes (classified as c) the same value as master cell m? */
static bool cell_equal(const struct stream_cell *m, const struct stream_str *s,
                       const struct cell_class *c)
{
    if (m->kind != c->kind)
        return false;
    if (c->kind == STREAM_CELL_STR)
        return m->str.len == s->len && stream_bytes_eq(m->str.ptr, s->ptr, s->len);
    return m->num == c->num && m->scale == c->scale;
}

/* Encode one cell at p (NULL: only measure), in position pos of an entry
 * whose node master is m (NULL for the master itself). */
static size_t encode_cell(unsigned char *p, const struct stream_node_view *m, size_t pos,
                          const struct stream_str *s)
{
    if (m && pos < 2 * (size_t)m->nfields && s->len) {
        /* The master's very bytes (a repeated value): they classify as the
         * master's cell did, so the choice below is made without parsing
         * them again. */
        const struct stream_cell *mc = &m->cells[pos];
        if (mc->str.len == s->len && stream_bytes_eq(mc->str.ptr, s->ptr, s->len)) {
            if (mc->kind == STREAM_CELL_STR)
                return varint_put(p, TAG_REF); /* plain would take 2+ bytes */
            struct cell_class mcc = {mc->kind, mc->scale, mc->num};
            uint64_t mtag;
            if (plain_cell_tag(s, &mcc, &mtag) > 1)
                return varint_put(p, TAG_REF);
            return varint_put(p, mtag); /* a one-byte INT or DEC: no bytes follow */
        }
    }
    struct cell_class c;
    classify(s, &c);
    uint64_t tag;
    size_t plain = plain_cell_tag(s, &c, &tag);
    if (m && pos < 2 * (size_t)m->nfields) {
        const struct stream_cell *mc = &m->cells[pos];
        if (plain > 1 && cell_equal(mc, s, &c))
            return varint_put(p, TAG_REF);
        int64_t delta;
        if (c.kind == STREAM_CELL_INT && mc->kind == STREAM_CELL_INT &&
            !__builtin_sub_overflow(c.num, mc->num, &delta)) {
            uint64_t zz = zigzag(delta);
            if (zz < INT_ZZ_LIMIT - 1) {
                uint64_t rtag = (zz + 1) << 2 | TAG_REF;
                if (varint_len(rtag) < plain)
                    return varint_put(p, rtag);
            }
        }
    }
    size_t n = varint_put(p, tag);
    if (c.kind == STREAM_CELL_STR) {
        if (p && s->len)
            memcpy(p + n, s->ptr, s->len);
        n += s->len;
    }
    return n;
}

/* The ID part of an entry encoded after prev: its header byte's form and
 * small bits (also stored in *hdr), the varints that follow it; returns its
 * length, written at out (room for 1 + 2 * VARINT_MAX bytes) unless out is
 * NULL (sizing only). */
static size_t encode_id_part(unsigned char *out, const struct stream_id *prev,
                             const struct stream_id *id, unsigned *hdr)
{
    size_t n = 1;
    uint64_t small;
    unsigned form;
    if (id->ms == prev->ms) {
        form = FORM_SEQ;
        small = id->seq - prev->seq - 1;
    } else {
        form = id->seq == 0 ? FORM_MS : FORM_MS_SEQ;
        small = id->ms - prev->ms - 1;
    }
    *hdr = form << HDR_FORM_SHIFT;
    if (small < HDR_SMALL_VARINT) {
        *hdr |= (unsigned)small << HDR_SMALL_SHIFT;
    } else {
        *hdr |= HDR_SMALL_VARINT << HDR_SMALL_SHIFT;
        n += varint_put(out ? out + n : NULL, small);
    }
    if (form == FORM_MS_SEQ)
        n += varint_put(out ? out + n : NULL, id->seq);
    if (out)
        out[0] = (unsigned char)*hdr;
    return n;
}

/* Encode an entry at out (NULL: only measure).  m is the node's master
 * view and prev the previous entry's ID, both NULL for a master. */
static size_t encode_entry(unsigned char *out, const struct stream_node_view *m,
                           const struct stream_id *prev, const struct stream_id *id,
                           const struct stream_str *fv, size_t npairs, bool *same_out)
{
    size_t n = 1;
    unsigned hdr = 0;
    bool same = false;
    if (m) {
        n = encode_id_part(out, prev, id, &hdr);
        if (npairs == m->nfields) {
            same = true;
            for (size_t i = 0; i < npairs && same; i++) {
                const struct stream_str *f = &m->cells[2 * i].str;
                same = f->len == fv[2 * i].len && stream_bytes_eq(f->ptr, fv[2 * i].ptr, f->len);
            }
        }
    }
    if (same_out)
        *same_out = same;
    if (same)
        hdr |= HDR_SAME;
    else
        n += varint_put(out ? out + n : NULL, npairs);
    for (size_t i = 0; i < npairs; i++) {
        if (!same)
            n += encode_cell(out ? out + n : NULL, m, 2 * i, &fv[2 * i]);
        n += encode_cell(out ? out + n : NULL, m, 2 * i + 1, &fv[2 * i + 1]);
    }
    if (out)
        out[0] = (unsigned char)hdr;
    return n;
}

/* ---- Redis listpack sizes (see stream_node_lp_bytes) ----
 *
 * Redis's stream listpack: a 6-byte header; the master entry (live count,
 * deleted count, field count, the fields, a 0); then per entry its flags,
 * ID as ms and seq relative to the node's first ID, the field count and
 * fields unless they are the master's (SAMEFIELDS), the values, and the
 * number of elements the entry took (lp-count); a 1-byte end mark. */
#define LP_FRAME 7          /* header and end mark */

static uint32_t lp_add(uint32_t body, size_t bytes)
{
    return bytes >= (size_t)(UINT32_MAX - body) ? UINT32_MAX : body + (uint32_t)bytes;
}

/* An entry's flags and ID elements in a node whose first ID is first. */
static size_t lp_entry_id_size(const struct stream_id *first, const struct stream_id *id)
{
    return lpsize_int(0) /* flags: 0..3 */ + lpsize_int((int64_t)(id->ms - first->ms)) +
           lpsize_int((int64_t)(id->seq - first->seq));
}

/* The rest of an entry: cells holds the bytes of its fields (unless same)
 * and values; the field count and lp-count are added here. */
static size_t lp_entry_rest_size(size_t npairs, bool same, size_t cells)
{
    size_t count = npairs + 3 + (same ? 0 : npairs + 1);
    return cells + (same ? 0 : lpsize_int((int64_t)npairs)) + lpsize_int((int64_t)count);
}

static size_t lp_cells_size(const struct stream_str *fv, size_t npairs, bool same)
{
    size_t n = 0;
    for (size_t i = 0; i < npairs; i++) {
        if (!same)
            n += lpsize_str(fv[2 * i].ptr, fv[2 * i].len);
        n += lpsize_str(fv[2 * i + 1].ptr, fv[2 * i + 1].len);
    }
    return n;
}

/* A new listpack's bytes (counts left out) with its first entry. */
static size_t lp_new_size(const struct stream_id *id, const struct stream_str *fv, size_t npairs)
{
    size_t fields = 0, values = 0;
    for (size_t i = 0; i < npairs; i++) {
        fields += lpsize_str(fv[2 * i].ptr, fv[2 * i].len);
        values += lpsize_str(fv[2 * i + 1].ptr, fv[2 * i + 1].len);
    }
    size_t master = lpsize_int((int64_t)npairs) + fields + lpsize_int(0);
    return LP_FRAME + master + lp_entry_id_size(id, id) + lp_entry_rest_size(npairs, true, values);
}

size_t stream_node_lp_bytes(const struct stream_node *n)
{
    return (size_t)n->lp_body + lpsize_int(n->live) + lpsize_int(n->deleted);
}

void stream_node_set_lp_body(struct stream_node *n, size_t lp_body)
{
    n->lp_body = lp_add(0, lp_body);
}

/* Listpack bytes of entry e of a node whose first ID is first, from its
 * fields and values (stream_node_read's); the first entry brings the
 * listpack's frame and master entry. */
static size_t lp_entry_size_of(const struct stream_id *first, const struct stream_node_entry *e,
                               const struct stream_str *fv)
{
    if (e->off == 0)
        return lp_new_size(first, fv, e->npairs);
    return lp_entry_id_size(first, &e->id) +
           lp_entry_rest_size(e->npairs, e->same_fields,
                              lp_cells_size(fv, e->npairs, e->same_fields));
}

/* Room in the node's allocation beyond its header. */
static size_t node_capacity(const struct stream_node *n)
{
    return mem_block_size(n) - sizeof(struct stream_node);
}

struct stream_node *stream_node_new(const struct stream_id *id, const struct stream_str *fv,
                                    size_t npairs)
{
    size_t len = encode_entry(NULL, NULL, NULL, id, fv, npairs, NULL);
    struct stream_node *n = mem_alloc(sizeof(*n) + len);
    n->first = n->last = *id;
    n->used = encode_entry(n->data, NULL, NULL, id, fv, npairs, NULL);
    assert(n->used == len);
    n->cap = node_capacity(n);
    n->live = 1;
    n->deleted = 0;
    n->master_nfields = (uint32_t)npairs;
    n->lp_body = lp_add(0, lp_new_size(id, fv, npairs));
    return n;
}

void stream_node_free(struct stream_node *n)
{
    mem_free(n);
}

size_t stream_node_memory(const struct stream_node *n)
{
    return mem_block_size(n);
}

static struct stream_node *append_entry(struct stream_node *n,
                                        const struct stream_node_view *master,
                                        const struct stream_id *id, const struct stream_str *fv,
                                        size_t npairs, bool *same);

/* Masters of up to this many cells are decoded on the stack by appends. */
#define APPEND_STACK_CELLS 16

struct stream_node *stream_node_append(struct stream_node *n, const struct stream_id *id,
                                       const struct stream_str *fv, size_t npairs)
{
    /* The master is decoded afresh each time (a few cells, no allocation
     * for up to APPEND_STACK_CELLS): no cache to keep in step with nodes
     * that move or die.  Bulk appenders keep one: stream_node_append_view. */
    struct stream_cell cells[APPEND_STACK_CELLS];
    char numbuf[APPEND_STACK_CELLS * STREAM_NODE_NUM_MAX];
    struct stream_node_view master;
    stream_node_view_init_buffers(&master, cells, APPEND_STACK_CELLS, numbuf, sizeof(numbuf));
    int rc = stream_node_view_load(&master, n);
    assert(rc == STREAM_OK);
    (void)rc;
    bool same;
    struct stream_id first = n->first;
    n = append_entry(n, &master, id, fv, npairs, &same);
    stream_node_view_release(&master);
    n->lp_body = lp_add(n->lp_body, lp_entry_id_size(&first, id) +
                                        lp_entry_rest_size(npairs, same,
                                                           lp_cells_size(fv, npairs, same)));
    return n;
}

struct stream_node *stream_node_append_view(struct stream_node *n,
                                            const struct stream_node_view *master,
                                            const struct stream_id *id,
                                            const struct stream_str *fv, size_t npairs)
{
    return append_entry(n, master, id, fv, npairs, NULL);
}

static struct stream_node *append_entry(struct stream_node *n,
                                        const struct stream_node_view *master,
                                        const struct stream_id *id, const struct stream_str *fv,
                                        size_t npairs, bool *same)
{
    assert(master->node == n);
    assert(stream_id_cmp(id, &n->last) > 0);
    size_t bound = entry_bound(fv, npairs);
    if (n->cap - n->used >= bound) {
        n->used += encode_entry(n->data + n->used, master, &n->last, id, fv, npairs, same);
    } else {
        /* Encode first: the view's strings point into the node, which the
         * reallocation may move. */
        size_t want = n->used + bound;
        if (want < 2 * n->cap)
            want = 2 * n->cap;
        unsigned char *tmp = mem_alloc(bound);
        size_t len = encode_entry(tmp, master, &n->last, id, fv, npairs, same);
        n = mem_realloc(n, sizeof(*n) + want);
        n->cap = node_capacity(n);
        memcpy(n->data + n->used, tmp, len);
        n->used += len;
        mem_free(tmp);
    }
    n->last = *id;
    n->live++;
    return n;
}


size_t stream_node_entry_cells(const struct stream_node *n, size_t off, bool *same_fields)
{
    unsigned hdr = n->data[off];
    size_t body = off + 1;
    *same_fields = (hdr & HDR_SAME) != 0;
    if (off == 0)
        return body;
    uint64_t skip;
    if ((hdr >> HDR_SMALL_SHIFT) == HDR_SMALL_VARINT) {
        bool ok = varint_get(n->data, &body, n->used, &skip);
        assert(ok);
        (void)ok;
    }
    if (((hdr >> HDR_FORM_SHIFT) & 3) == FORM_MS_SEQ) {
        bool ok = varint_get(n->data, &body, n->used, &skip);
        assert(ok);
        (void)ok;
    }
    return body;
}

/* Copy len bytes from src to dst (not overlapping); short runs -- an
 * entry's cells are often a few bytes -- without a libc call. */
static inline void copy_short(unsigned char *dst, const unsigned char *src, size_t len)
{
    if (len >= 8 && len <= 16) {
        uint64_t a, b;
        memcpy(&a, src, 8);
        memcpy(&b, src + len - 8, 8);
        memcpy(dst, &a, 8);
        memcpy(dst + len - 8, &b, 8);
    } else if (len >= 4 && len < 8) {
        uint32_t a, b;
        memcpy(&a, src, 4);
        memcpy(&b, src + len - 4, 4);
        memcpy(dst, &a, 4);
        memcpy(dst + len - 4, &b, 4);
    } else if (len < 4) {
        if (len) {
            dst[0] = src[0];
            dst[len / 2] = src[len / 2];
            dst[len - 1] = src[len - 1];
        }
    } else {
        memcpy(dst, src, len);
    }
}

struct stream_node *stream_node_append_cells(struct stream_node *n, const struct stream_id *id,
                                             bool same_fields, size_t body, size_t body_end)
{
    assert(stream_id_cmp(id, &n->last) > 0);
    assert(body > 0 && body <= body_end && body_end <= n->used);
    size_t blen = body_end - body;
    if (n->cap - n->used < 1 + 2 * VARINT_MAX + blen) {
        size_t want = n->used + 1 + 2 * VARINT_MAX + blen;
        if (want < 2 * n->cap)
            want = 2 * n->cap;
        n = mem_realloc(n, sizeof(*n) + want);
        n->cap = node_capacity(n);
    }
    unsigned char *out = n->data + n->used;
    unsigned hdr;
    size_t ilen = encode_id_part(out, &n->last, id, &hdr);
    if (same_fields)
        out[0] |= HDR_SAME;
    copy_short(out + ilen, n->data + body, blen);
    n->used += ilen + blen;
    n->last = *id;
    n->live++;
    return n;
}

struct stream_node *stream_node_reserve(struct stream_node *n, size_t bytes)
{
    if (n->cap < bytes) {
        n = mem_realloc(n, sizeof(*n) + bytes);
        n->cap = node_capacity(n);
    }
    return n;
}

struct stream_node *stream_node_shrink(struct stream_node *n)
{
    if (n->cap > n->used) {
        n = mem_realloc(n, sizeof(*n) + n->used);
        n->cap = node_capacity(n);
    }
    return n;
}

/* ---- decoding ---- */

void stream_node_cursor_init(struct stream_node_cursor *c, const struct stream_node *n)
{
    c->node = n;
    c->off = 0;
    c->prev = n->first;
    c->rep_body = c->rep_end = 0;
    c->rep_npairs = 0;
    c->rep_same = false;
    c->norep_off = 0;
}

/* Step over one cell; false when malformed. */
static inline bool cell_skip(const unsigned char *d, size_t *off, size_t end)
{
    uint64_t tag;
    if (!varint_get(d, off, end, &tag))
        return false;
    if ((tag & 3) == TAG_STR) {
        uint64_t len = tag >> 2;
        if (len > end - *off)
            return false;
        *off += len;
    }
    return true;
}

/* Decode the header of the entry at c->off into *e (everything but body
 * and end) and *off to its first cell; *cells gets the number of cells
 * stored.  Returns 1, 0 at the end of the node, or STREAM_ERR_CORRUPT. */
static inline __attribute__((always_inline)) int
cursor_header(const struct stream_node_cursor *c, struct stream_node_entry *e, size_t *offp,
              uint64_t *cellsp)
{
    const struct stream_node *n = c->node;
    const unsigned char *d = n->data;
    size_t end = n->used, off = c->off;
    if (off >= end)
        return 0;
    e->off = off;
    unsigned hdr = d[off++];
    e->deleted = (hdr & HDR_DELETED) != 0;
    e->same_fields = (hdr & HDR_SAME) != 0;
    if (e->off == 0) {
        if (hdr & ~HDR_DELETED)
            return STREAM_ERR_CORRUPT;
        e->id = n->first;
    } else {
        uint64_t small = hdr >> HDR_SMALL_SHIFT, seq;
        if (small == HDR_SMALL_VARINT && !varint_get(d, &off, end, &small))
            return STREAM_ERR_CORRUPT;
        const struct stream_id *p = &c->prev;
        switch ((hdr >> HDR_FORM_SHIFT) & 3) {
        case FORM_SEQ:
            if (p->seq == UINT64_MAX || small > UINT64_MAX - p->seq - 1)
                return STREAM_ERR_CORRUPT;
            e->id.ms = p->ms;
            e->id.seq = p->seq + 1 + small;
            break;
        case FORM_MS:
        case FORM_MS_SEQ:
            if (p->ms == UINT64_MAX || small > UINT64_MAX - p->ms - 1)
                return STREAM_ERR_CORRUPT;
            e->id.ms = p->ms + 1 + small;
            e->id.seq = 0;
            if (((hdr >> HDR_FORM_SHIFT) & 3) == FORM_MS_SEQ) {
                if (!varint_get(d, &off, end, &seq))
                    return STREAM_ERR_CORRUPT;
                e->id.seq = seq;
            }
            break;
        default:
            return STREAM_ERR_CORRUPT;
        }
    }
    uint64_t cells;
    if (e->same_fields) {
        e->npairs = n->master_nfields;
        cells = n->master_nfields;
    } else {
        uint64_t np;
        if (!varint_get(d, &off, end, &np) || np > (end - off) / 2 + 1)
            return STREAM_ERR_CORRUPT;
        e->npairs = (uint32_t)np;
        cells = 2 * np;
    }
    if (cells > end - off)
        return STREAM_ERR_CORRUPT;
    e->body = off;
    *offp = off;
    *cellsp = cells;
    return 1;
}

int stream_node_cursor_next(struct stream_node_cursor *c, struct stream_node_entry *e)
{
    size_t off;
    uint64_t cells;
    int rc = cursor_header(c, e, &off, &cells);
    if (rc != 1)
        return rc;
    const unsigned char *d = c->node->data;
    size_t end = c->node->used;
    for (uint64_t i = 0; i < cells; i++)
        if (!cell_skip(d, &off, end))
            return STREAM_ERR_CORRUPT;
    e->end = off;
    c->off = off;
    c->prev = e->id;
    return 1;
}

bool stream_node_mark_deleted(struct stream_node *n, const struct stream_node_entry *e)
{
    if (n->data[e->off] & HDR_DELETED)
        return false;
    n->data[e->off] |= HDR_DELETED;
    n->live--;
    n->deleted++;
    return true;
}

void stream_node_drop_tombstones_after(struct stream_node *n, const struct stream_id *bound)
{
    assert(stream_id_cmp(&n->first, bound) <= 0);
    struct stream_node_cursor c;
    struct stream_node_entry e;
    size_t cut = n->used;
    struct stream_id kept = n->first;
    uint32_t dropped = 0;
    stream_node_cursor_init(&c, n);
    while (stream_node_cursor_next(&c, &e) == 1) {
        if (stream_id_cmp(&e.id, bound) > 0) {
            assert(e.deleted);
            if (cut == n->used)
                cut = e.off;
            dropped++;
        } else {
            kept = e.id;
        }
    }
    n->used = cut;
    n->last = kept;
    n->deleted -= dropped;
    /* Redis keeps such tombstones; our listpack has them no more. */
    size_t body = stream_node_lp_body_of(n);
    assert(body != SIZE_MAX);
    stream_node_set_lp_body(n, body);
}

void stream_node_view_init(struct stream_node_view *v)
{
    memset(v, 0, sizeof(*v));
}

void stream_node_view_init_buffers(struct stream_node_view *v, struct stream_cell *cells,
                                   size_t ncells, char *numbuf, size_t numbuf_size)
{
    memset(v, 0, sizeof(*v));
    v->cells = cells;
    v->cells_cap = ncells;
    v->numbuf = numbuf;
    v->numbuf_cap = numbuf_size;
}

void stream_node_view_release(struct stream_node_view *v)
{
    if (v->owned) {
        mem_free(v->cells);
        mem_free(v->numbuf);
    }
    memset(v, 0, sizeof(*v));
}

/* Decode a cell that is not a reference into *out, formatting numbers into
 * num (STREAM_NODE_NUM_MAX bytes).  Returns the tag kind, or -1 when
 * malformed.  For references only the tag payload is returned in *ref. */
static int cell_decode(const unsigned char *d, size_t *off, size_t end, struct stream_cell *out,
                       char *num, uint64_t *ref)
{
    uint64_t tag;
    if (!varint_get(d, off, end, &tag))
        return -1;
    uint64_t x = tag >> 2;
    switch (tag & 3) {
    case TAG_STR:
        if (x > end - *off)
            return -1;
        out->kind = STREAM_CELL_STR;
        out->str.ptr = (const char *)d + *off;
        out->str.len = (size_t)x;
        *off += x;
        return TAG_STR;
    case TAG_INT:
        out->kind = STREAM_CELL_INT;
        out->num = unzigzag(x);
        out->str.ptr = num;
        out->str.len = format_int(out->num, num);
        return TAG_INT;
    case TAG_DEC:
        out->kind = STREAM_CELL_DEC;
        out->scale = (uint8_t)((x & 7) + 1);
        out->num = unzigzag(x >> 3);
        out->str.ptr = num;
        out->str.len = format_dec(out->num, out->scale, num);
        return TAG_DEC;
    default:
        *ref = x;
        return TAG_REF;
    }
}

int stream_node_view_load(struct stream_node_view *v, const struct stream_node *n)
{
    struct stream_node_cursor c;
    struct stream_node_entry e;
    stream_node_cursor_init(&c, n);
    if (stream_node_cursor_next(&c, &e) != 1 || e.same_fields || e.npairs != n->master_nfields)
        return STREAM_ERR_CORRUPT;
    size_t ncells = 2 * (size_t)e.npairs;
    if (ncells > v->cells_cap || ncells * STREAM_NODE_NUM_MAX > v->numbuf_cap) {
        /* Outgrown: move to (bigger) buffers of our own. */
        if (v->owned) {
            mem_free(v->cells);
            mem_free(v->numbuf);
        }
        v->cells = mem_alloc(ncells * sizeof(*v->cells));
        v->numbuf = mem_alloc(ncells * STREAM_NODE_NUM_MAX);
        v->cells_cap = ncells;
        v->numbuf_cap = ncells * STREAM_NODE_NUM_MAX;
        v->owned = true;
    }
    size_t off = e.body;
    for (size_t i = 0; i < ncells; i++) {
        uint64_t ref;
        v->cells[i].scale = 0;
        v->cells[i].num = 0;
        int kind = cell_decode(n->data, &off, e.end, &v->cells[i],
                               v->numbuf + i * STREAM_NODE_NUM_MAX, &ref);
        if (kind < 0 || kind == TAG_REF)
            return STREAM_ERR_CORRUPT;
    }
    v->node = n;
    v->nfields = e.npairs;
    return STREAM_OK;
}

/* Decode the cell at *off in position pos into *out (numbers formatted
 * into num), resolving references through v. */
static bool read_cell(const struct stream_node_view *v, size_t pos, size_t *off, size_t end,
                      struct stream_str *out, char *num)
{
    struct stream_cell cell;
    uint64_t ref;
    int kind = cell_decode(v->node->data, off, end, &cell, num, &ref);
    if (kind < 0)
        return false;
    if (kind != TAG_REF) {
        *out = cell.str;
        return true;
    }
    if (pos >= 2 * (size_t)v->nfields)
        return false;
    const struct stream_cell *mc = &v->cells[pos];
    if (ref == 0) {
        *out = mc->str;
        return true;
    }
    int64_t value;
    if (mc->kind != STREAM_CELL_INT || __builtin_add_overflow(mc->num, unzigzag(ref - 1), &value))
        return false;
    out->ptr = num;
    out->len = format_int(value, num);
    return true;
}

int stream_node_read(const struct stream_node_view *v, const struct stream_node_entry *e,
                     struct stream_str *out, char *numbuf)
{
    size_t off = e->body, end = e->end;
    if (e->same_fields) {
        if (e->npairs != v->nfields)
            return STREAM_ERR_CORRUPT;
        for (size_t i = 0; i < e->npairs; i++) {
            out[2 * i] = v->cells[2 * i].str;
            if (!read_cell(v, 2 * i + 1, &off, end, &out[2 * i + 1],
                           numbuf + (2 * i + 1) * STREAM_NODE_NUM_MAX))
                return STREAM_ERR_CORRUPT;
        }
    } else {
        for (size_t i = 0; i < 2 * (size_t)e->npairs; i++)
            if (!read_cell(v, i, &off, end, &out[i], numbuf + i * STREAM_NODE_NUM_MAX))
                return STREAM_ERR_CORRUPT;
    }
    return off == end ? STREAM_OK : STREAM_ERR_CORRUPT;
}

/* Decode entry e's cells from *offp (bounded by end) into out, as
 * stream_node_read_cells describes; false when malformed. */
static bool cells_decode(const struct stream_node_view *v, const struct stream_node_entry *e,
                         size_t *offp, size_t end, struct stream_cell *out, size_t *nmaster)
{
    const unsigned char *d = v->node->data;
    size_t off = *offp, nm = 0;
    size_t ncells = 2 * (size_t)e->npairs;
    if (e->same_fields && e->npairs != v->nfields)
        return false;
    for (size_t i = 0; i < ncells; i++) {
        struct stream_cell *c = &out[i];
        if (e->same_fields && !(i & 1)) {
            c->kind = STREAM_CELL_MASTER;
            nm++;
            continue;
        }
        uint64_t tag;
        if (!varint_get(d, &off, end, &tag))
            return false;
        uint64_t x = tag >> 2;
        switch (tag & 3) {
        case TAG_STR:
            if (x > end - off)
                return false;
            c->kind = STREAM_CELL_STR;
            c->str.ptr = (const char *)d + off;
            c->str.len = (size_t)x;
            off += x;
            break;
        case TAG_INT:
            c->kind = STREAM_CELL_INT;
            c->num = unzigzag(x);
            break;
        case TAG_DEC:
            c->kind = STREAM_CELL_DEC;
            c->scale = (uint8_t)((x & 7) + 1);
            c->num = unzigzag(x >> 3);
            break;
        default:
            if (i >= 2 * (size_t)v->nfields)
                return false;
            if (x == 0) {
                c->kind = STREAM_CELL_MASTER;
                nm++;
            } else {
                const struct stream_cell *mc = &v->cells[i];
                if (mc->kind != STREAM_CELL_INT ||
                    __builtin_add_overflow(mc->num, unzigzag(x - 1), &c->num))
                    return false;
                c->kind = STREAM_CELL_INT;
            }
            break;
        }
    }
    *offp = off;
    *nmaster = nm;
    return true;
}

int stream_node_read_cells(const struct stream_node_view *v, const struct stream_node_entry *e,
                           struct stream_cell *out)
{
    size_t off = e->body, nm;
    if (!cells_decode(v, e, &off, e->end, out, &nm) || off != e->end)
        return STREAM_ERR_CORRUPT;
    return STREAM_OK;
}

int stream_node_cursor_next_cells(struct stream_node_cursor *c, const struct stream_node_view *v,
                                  struct stream_node_entry *e, struct stream_cell *out,
                                  size_t cap, size_t *nmaster, bool *repeat)
{
    size_t off;
    uint64_t cells;
    int rc = cursor_header(c, e, &off, &cells);
    if (rc != 1)
        return rc;
    if (repeat) {
        /* Cells are read by position against the one master, so the
         * same bytes in the same places decode to the same values. */
        size_t len = c->rep_end - c->rep_body;
        const char *d = (const char *)c->node->data;
        *repeat = c->rep_end && c->norep_off != e->off && e->same_fields == c->rep_same &&
                  e->npairs == c->rep_npairs && len <= c->node->used - off &&
                  stream_bytes_eq(d + off, d + c->rep_body, len);
        if (*repeat) {
            e->end = off + len;
            c->off = e->end;
            c->prev = e->id;
            return 1;
        }
    }
    if (2 * (size_t)e->npairs > cap)
        return STREAM_NODE_NEED_ROOM;
    size_t body = off;
    if (v->node != c->node || !cells_decode(v, e, &off, c->node->used, out, nmaster))
        return STREAM_ERR_CORRUPT;
    e->end = off;
    c->off = off;
    c->prev = e->id;
    c->rep_body = body;
    c->rep_end = off;
    c->rep_npairs = e->npairs;
    c->rep_same = e->same_fields;
    return 1;
}

size_t stream_node_cursor_repeats(struct stream_node_cursor *c, struct stream_id *ids,
                                  bool *deleted, size_t max)
{
    if (!c->rep_end)
        return 0;
    const char *d = (const char *)c->node->data;
    const char *rep = d + c->rep_body;
    size_t used = c->node->used, len = c->rep_end - c->rep_body, k = 0;
    /* The position and previous ID in locals while the loop runs (the
     * stores to ids[] could alias the cursor's). */
    size_t at = c->off;
    struct stream_id prev = c->prev;
    while (k < max) {
        /* The usual run entry inline: SAME_FIELDS like the run, an ID one
         * header byte describes (no varints), the cells compared. */
        if (c->rep_same && at < used && len < used - at) {
            unsigned hdr = (unsigned char)d[at];
            unsigned form = (hdr >> HDR_FORM_SHIFT) & 3;
            uint64_t small = hdr >> HDR_SMALL_SHIFT;
            if ((hdr & HDR_SAME) && small != HDR_SMALL_VARINT && form != FORM_MS_SEQ) {
                if (!stream_bytes_eq(d + at + 1, rep, len)) {
                    /* Not a repeat, and the slow path below would compare
                     * the same bytes again; stream_node_cursor_next_cells
                     * need not either. */
                    c->off = at;
                    c->prev = prev;
                    c->norep_off = at;
                    return k;
                }
                struct stream_id id = prev;
                bool ok;
                if (form == FORM_SEQ) {
                    ok = id.seq != UINT64_MAX && small <= UINT64_MAX - id.seq - 1;
                    id.seq += 1 + small;
                } else {
                    ok = form == FORM_MS && id.ms != UINT64_MAX &&
                         small <= UINT64_MAX - id.ms - 1;
                    id.ms += 1 + small;
                    id.seq = 0;
                }
                if (ok) {
                    at += 1 + len;
                    prev = id;
                    ids[k] = id;
                    deleted[k] = (hdr & HDR_DELETED) != 0;
                    k++;
                    continue;
                }
            }
        }
        c->off = at;
        c->prev = prev;
        struct stream_node_entry e;
        size_t off;
        uint64_t cells;
        if (cursor_header(c, &e, &off, &cells) != 1 || e.same_fields != c->rep_same ||
            e.npairs != c->rep_npairs || len > used - off)
            return k; /* the next call decodes it (or reports the end) */
        if (!stream_bytes_eq(d + off, rep, len)) {
            c->norep_off = at;
            return k;
        }
        at = off + len;
        prev = e.id;
        ids[k] = e.id;
        deleted[k] = e.deleted;
        k++;
    }
    c->off = at;
    c->prev = prev;
    return k;
}

struct stream_str stream_cell_text(const struct stream_cell *c, char *buf)
{
    struct stream_str t;
    switch (c->kind) {
    case STREAM_CELL_INT:
        t.ptr = buf;
        t.len = format_int(c->num, buf);
        return t;
    case STREAM_CELL_DEC:
        t.ptr = buf;
        t.len = format_dec(c->num, c->scale, buf);
        return t;
    default:
        return c->str;
    }
}

/* Walk n's entries, each read whole (which checks every cell), and give
 * each to fn with its fields and values; STREAM_OK, or the first error,
 * the bytes' or fn's. */
typedef int (*entry_fn)(void *ud, const struct stream_node_entry *e, const struct stream_str *fv);

static int walk_entries(const struct stream_node *n, entry_fn fn, void *ud)
{
    struct stream_node_view v;
    stream_node_view_init(&v);
    struct stream_str *strs = NULL;
    char *numbuf = NULL;
    size_t strs_cap = 0;
    int rc = stream_node_view_load(&v, n);
    struct stream_node_cursor c;
    struct stream_node_entry e;
    stream_node_cursor_init(&c, n);
    while (rc == STREAM_OK) {
        int r = stream_node_cursor_next(&c, &e);
        if (r <= 0) {
            rc = r;
            break;
        }
        size_t ncells = 2 * (size_t)e.npairs;
        if (ncells > strs_cap) {
            strs = mem_realloc(strs, ncells * sizeof(*strs));
            numbuf = mem_realloc(numbuf, ncells * STREAM_NODE_NUM_MAX);
            strs_cap = ncells;
        }
        if (ncells)
            rc = stream_node_read(&v, &e, strs, numbuf);
        if (rc == STREAM_OK)
            rc = fn(ud, &e, strs);
    }
    mem_free(strs);
    mem_free(numbuf);
    stream_node_view_release(&v);
    return rc;
}

/* from_bytes: IDs rising, the counts, the listpack size. */
static int adopt_entry(void *ud, const struct stream_node_entry *e, const struct stream_str *fv)
{
    struct stream_node *n = ud;
    if (e->off > 0 && stream_id_cmp(&e->id, &n->last) <= 0)
        return STREAM_ERR_CORRUPT;
    n->lp_body = lp_add(n->lp_body, lp_entry_size_of(&n->first, e, fv));
    n->last = e->id;
    if (e->deleted)
        n->deleted++;
    else
        n->live++;
    return STREAM_OK;
}

int stream_node_from_bytes(const struct stream_id *first, const void *data, size_t len,
                           struct stream_node **out)
{
    if (len == 0 || len > STREAM_NODE_MAX_SIZE)
        return STREAM_ERR_CORRUPT;
    struct stream_node *n = mem_alloc(sizeof(*n) + len);
    memcpy(n->data, data, len);
    n->first = n->last = *first;
    n->used = len;
    n->cap = node_capacity(n);
    n->live = n->deleted = 0;
    n->lp_body = 0;
    /* The master's field count, needed before any entry can be walked. */
    uint64_t np;
    size_t off = 1;
    if (!varint_get(n->data, &off, len, &np) || np > len) {
        mem_free(n);
        return STREAM_ERR_CORRUPT;
    }
    n->master_nfields = (uint32_t)np;
    if (walk_entries(n, adopt_entry, n) != STREAM_OK || n->live == 0) {
        mem_free(n);
        return STREAM_ERR_CORRUPT;
    }
    *out = n;
    return STREAM_OK;
}

static int add_lp_size(void *ud, const struct stream_node_entry *e, const struct stream_str *fv)
{
    struct stream_node *sum = ud; /* first and lp_body used */
    sum->lp_body = lp_add(sum->lp_body, lp_entry_size_of(&sum->first, e, fv));
    return STREAM_OK;
}

size_t stream_node_lp_body_of(const struct stream_node *n)
{
    struct stream_node sum = {.first = n->first};
    return walk_entries(n, add_lp_size, &sum) == STREAM_OK ? sum.lp_body : SIZE_MAX;
}
