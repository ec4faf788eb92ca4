/* list.c -- see list.h for the design. */
#include "list.h"

#include <assert.h>
#include <string.h>

#include "lpsize.h"
#include "mem.h"

#define LIST_SAFETY_LIMIT 8192   /* Redis's SIZE_SAFETY_LIMIT */
#define LIST_ESTIMATE_OVERHEAD 8 /* Redis's SIZE_ESTIMATE_OVERHEAD */
#define LIST_LP_HEADER 7         /* total bytes (4), count (2), terminator (1) */
#define LIST_FILL_MAX 32767

static const size_t list_size_levels[] = {4096, 8192, 16384, 32768, 65536};

static int fill_clamp(int fill)
{
    if (fill > LIST_FILL_MAX)
        return LIST_FILL_MAX;
    if (fill < -5)
        return -5;
    return fill;
}

/* Redis's node limits: bytes for a negative fill, elements (within the
 * safety size) for a positive one. */
static void node_limits(int fill, size_t *bytes, size_t *count)
{
    fill = fill_clamp(fill);
    if (fill >= 0) {
        *bytes = SIZE_MAX;
        *count = fill == 0 ? 1 : (size_t)fill;
    } else {
        *bytes = list_size_levels[-fill - 1];
        *count = SIZE_MAX;
    }
}

static bool node_exceeds(int fill, size_t new_sz, size_t new_count)
{
    size_t bytes, count;
    node_limits(fill, &bytes, &count);
    if (bytes != SIZE_MAX)
        return new_sz > bytes;
    if (new_sz > LIST_SAFETY_LIMIT)
        return true;
    return new_count > count;
}

static bool is_large(size_t len, int fill)
{
    fill = fill_clamp(fill);
    if (fill >= 0)
        return len > LIST_SAFETY_LIMIT;
    return len > list_size_levels[-fill - 1];
}

/* --- Listpack sizes ----------------------------------------------------------- */

bool list_str_is_int(const char *p, size_t len)
{
    int64_t v;
    return lpsize_parse_int(p, len, &v);
}

size_t list_lp_entry_size(const char *p, size_t len)
{
    return lpsize_str(p, len);
}

/* --- Entries ---------------------------------------------------------------------- */

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

static size_t varint_get(const unsigned char *p, size_t *v)
{
    size_t val = 0, n = 0;
    unsigned shift = 0;
    for (;;) {
        unsigned char b = p[n++];
        val |= (size_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
        shift += 7;
    }
    *v = val;
    return n;
}

/* The back-length: the same varint, its bytes in reverse order, so that
 * it is read from its last byte towards the front. */
static void backlen_put(unsigned char *p, size_t v)
{
    unsigned char tmp[10];
    size_t n = varint_put(tmp, v);
    for (size_t i = 0; i < n; i++)
        p[i] = tmp[n - 1 - i];
}

/* Read the back-length that ends just before end; returns its bytes. */
static size_t backlen_get(const unsigned char *end, size_t *v)
{
    size_t val = 0, n = 0;
    unsigned shift = 0;
    for (;;) {
        unsigned char b = *(end - 1 - n);
        n++;
        val |= (size_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
        shift += 7;
    }
    *v = val;
    return n;
}

static size_t entry_size(size_t len)
{
    size_t body = varint_len(len) + len;
    return body + varint_len(body);
}

static void entry_put(unsigned char *p, const char *s, size_t len)
{
    size_t h = varint_put(p, len);
    if (len)
        memcpy(p + h, s, len);
    backlen_put(p + h + len, h + len);
}

/* The entry at off: its string and its whole size. */
static size_t entry_at(const struct list_node *n, size_t off, const char **p, size_t *len)
{
    size_t h = varint_get(n->buf + off, len);
    *p = (const char *)n->buf + off + h;
    return h + *len + varint_len(h + *len);
}

/* The offset of the entry that ends at off (off > 0). */
static size_t entry_before(const struct list_node *n, size_t off)
{
    size_t body;
    size_t b = backlen_get(n->buf + off, &body);
    return off - b - body;
}

/* --- Nodes ------------------------------------------------------------------------ */

static size_t cost_of(const struct list_node *n, const char *p, size_t len)
{
    return n->plain ? len : list_lp_entry_size(p, len);
}

static struct list_node *node_new(bool plain)
{
    struct list_node *n = mem_calloc(sizeof(*n));
    n->plain = plain;
    n->sz = plain ? 0 : LIST_LP_HEADER;
    return n;
}

static void node_free(struct list_node *n)
{
    mem_free(n->buf);
    mem_free(n);
}

static void node_link(struct list *l, struct list_node *n, enum list_where where)
{
    if (where == LIST_HEAD) {
        n->next = l->head;
        if (l->head)
            l->head->prev = n;
        else
            l->tail = n;
        l->head = n;
    } else {
        n->prev = l->tail;
        if (l->tail)
            l->tail->next = n;
        else
            l->head = n;
        l->tail = n;
    }
    l->nnodes++;
}

static void node_unlink_free(struct list *l, struct list_node *n)
{
    if (n->prev)
        n->prev->next = n->next;
    else
        l->head = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else
        l->tail = n->prev;
    l->nnodes--;
    node_free(n);
}

/* Insert a string as an entry at byte offset off. */
static void node_insert(struct list_node *n, size_t off, const char *p, size_t len)
{
    size_t es = entry_size(len);
    if (n->len + es > n->cap) {
        size_t cap = n->cap ? n->cap : 32;
        while (cap < n->len + es)
            cap *= 2;
        n->buf = mem_realloc(n->buf, cap);
        n->cap = cap;
    }
    memmove(n->buf + off + es, n->buf + off, n->len - off);
    entry_put(n->buf + off, p, len);
    n->len += es;
    n->count++;
    n->sz += cost_of(n, p, len);
}

/* Remove k entries starting at byte offset off. */
static void node_delete(struct list_node *n, size_t off, uint32_t k)
{
    size_t end = off;
    for (uint32_t i = 0; i < k; i++) {
        const char *p;
        size_t len;
        size_t es = entry_at(n, end, &p, &len);
        n->sz -= cost_of(n, p, len);
        end += es;
    }
    memmove(n->buf + off, n->buf + end, n->len - end);
    n->len -= end - off;
    n->count -= k;
    /* Give back memory when a node empties to under a quarter. */
    if (n->cap > 64 && n->len < n->cap / 4) {
        n->cap = n->len > 32 ? n->len * 2 : 64;
        n->buf = mem_realloc(n->buf, n->cap);
    }
}

/* Byte offset of the pos-th entry of n (pos <= count). */
static size_t node_offset(const struct list_node *n, uint32_t pos)
{
    if (pos == n->count)
        return n->len;
    size_t off;
    if (pos <= n->count / 2) {
        off = 0;
        for (uint32_t i = 0; i < pos; i++) {
            const char *p;
            size_t len;
            off += entry_at(n, off, &p, &len);
        }
    } else {
        off = n->len;
        for (uint32_t i = n->count; i > pos; i--)
            off = entry_before(n, off);
    }
    return off;
}

bool list_node_next(const struct list_node *n, size_t *off, const char **p, size_t *len)
{
    if (*off >= n->len)
        return false;
    *off += entry_at(n, *off, p, len);
    return true;
}

/* --- The list ---------------------------------------------------------------------- */

struct list *list_new(void)
{
    struct list *l = mem_calloc(sizeof(*l));
    l->enc = LIST_ENC_LISTPACK;
    return l;
}

void list_free(struct list *l)
{
    if (!l)
        return;
    struct list_node *n = l->head;
    while (n) {
        struct list_node *next = n->next;
        node_free(n);
        n = next;
    }
    mem_free(l);
}

struct list *list_dup(const struct list *l)
{
    struct list *d = list_new();
    d->enc = l->enc;
    for (const struct list_node *n = l->head; n; n = n->next) {
        struct list_node *m = node_new(n->plain);
        m->cap = n->len ? n->len : 1;
        m->buf = mem_alloc(m->cap);
        memcpy(m->buf, n->buf, n->len);
        m->len = n->len;
        m->count = n->count;
        m->sz = n->sz;
        node_link(d, m, LIST_TAIL);
    }
    d->count = l->count;
    return d;
}

const char *list_encoding_name(const struct list *l)
{
    return l->enc == LIST_ENC_LISTPACK ? "listpack" : "quicklist";
}

size_t list_memory(const struct list *l)
{
    size_t total = sizeof(*l);
    for (const struct list_node *n = l->head; n; n = n->next)
        total += sizeof(*n) + n->cap;
    return total;
}

void list_grow_check(struct list *l, size_t add_bytes, size_t add_count, int fill)
{
    if (l->enc != LIST_ENC_LISTPACK)
        return;
    size_t sz = l->head ? l->head->sz : LIST_LP_HEADER;
    if (node_exceeds(fill, sz + add_bytes, l->count + add_count)) {
        l->enc = LIST_ENC_QUICKLIST;
        /* An empty listpack is dropped rather than kept as a node. */
        if (l->head && l->head->count == 0)
            node_unlink_free(l, l->head);
    }
}

void list_shrink_check(struct list *l, int fill)
{
    if (l->enc != LIST_ENC_QUICKLIST || l->nnodes != 1 || l->head->plain)
        return;
    size_t bytes, count;
    node_limits(fill, &bytes, &count);
    if (bytes != SIZE_MAX)
        bytes /= 2;
    if (count != SIZE_MAX)
        count /= 2;
    if (l->head->sz > bytes || l->count > count)
        return;
    l->enc = LIST_ENC_LISTPACK;
}

void list_push(struct list *l, enum list_where where, const char *p, size_t len, int fill)
{
    l->count++;
    if (l->enc == LIST_ENC_LISTPACK) {
        if (!l->head)
            node_link(l, node_new(false), LIST_TAIL);
        node_insert(l->head, where == LIST_HEAD ? 0 : l->head->len, p, len);
        return;
    }
    if (is_large(len, fill)) {
        struct list_node *n = node_new(true);
        node_link(l, n, where);
        node_insert(n, 0, p, len);
        return;
    }
    struct list_node *end = where == LIST_HEAD ? l->head : l->tail;
    if (!end || end->plain || node_exceeds(fill, end->sz + len + LIST_ESTIMATE_OVERHEAD,
                                           (size_t)end->count + 1)) {
        end = node_new(false);
        node_link(l, end, where);
    }
    node_insert(end, where == LIST_HEAD ? 0 : end->len, p, len);
}

char *list_pop(struct list *l, enum list_where where, size_t *len)
{
    if (!l->count)
        return NULL;
    struct list_node *n = where == LIST_HEAD ? l->head : l->tail;
    size_t off = where == LIST_HEAD ? 0 : entry_before(n, n->len);
    const char *p;
    entry_at(n, off, &p, len);
    char *out = mem_alloc(*len + 1);
    if (*len)
        memcpy(out, p, *len);
    out[*len] = '\0';
    node_delete(n, off, 1);
    l->count--;
    if (n->count == 0)
        node_unlink_free(l, n);
    return out;
}

/* The node holding idx (in range) and the entry's byte offset in it. */
static struct list_node *locate(const struct list *l, size_t idx, size_t *off)
{
    struct list_node *n;
    uint32_t pos;
    if (idx < l->count / 2) {
        n = l->head;
        while (idx >= n->count) {
            idx -= n->count;
            n = n->next;
        }
        pos = (uint32_t)idx;
    } else {
        size_t back = l->count - 1 - idx;
        n = l->tail;
        while (back >= n->count) {
            back -= n->count;
            n = n->prev;
        }
        pos = (uint32_t)(n->count - 1 - back);
    }
    *off = node_offset(n, pos);
    return n;
}

bool list_index(const struct list *l, long long idx, const char **p, size_t *len)
{
    if (idx < 0)
        idx += (long long)l->count;
    if (idx < 0 || (unsigned long long)idx >= l->count)
        return false;
    size_t off;
    struct list_node *n = locate(l, (size_t)idx, &off);
    entry_at(n, off, p, len);
    return true;
}

void list_set(struct list *l, size_t idx, const char *p, size_t len, int fill)
{
    (void)fill;
    size_t off;
    struct list_node *n = locate(l, idx, &off);
    node_delete(n, off, 1);
    node_insert(n, off, p, len);
}

static bool entry_is(const struct list_node *n, size_t off, const char *p, size_t len,
                     size_t *es)
{
    const char *q;
    size_t qlen;
    *es = entry_at(n, off, &q, &qlen);
    return qlen == len && memcmp(q, p, len) == 0;
}

size_t list_remove(struct list *l, long long count, const char *p, size_t len)
{
    size_t removed = 0;
    size_t limit = count == 0 ? SIZE_MAX
                              : count < 0 ? (size_t)0 - (size_t)count : (size_t)count;
    bool reverse = count < 0;
    struct list_node *n = reverse ? l->tail : l->head;
    while (n && removed < limit) {
        struct list_node *next = reverse ? n->prev : n->next;
        size_t es;
        if (reverse) {
            size_t off = n->len;
            while (off > 0 && removed < limit) {
                off = entry_before(n, off);
                if (entry_is(n, off, p, len, &es)) {
                    node_delete(n, off, 1);
                    removed++;
                }
            }
        } else {
            size_t off = 0;
            while (off < n->len && removed < limit) {
                if (entry_is(n, off, p, len, &es)) {
                    node_delete(n, off, 1);
                    removed++;
                } else {
                    off += es;
                }
            }
        }
        if (n->count == 0)
            node_unlink_free(l, n);
        n = next;
    }
    l->count -= removed;
    return removed;
}

void list_trim(struct list *l, size_t head, size_t tail)
{
    while (head && l->head) {
        struct list_node *n = l->head;
        uint32_t k = head < n->count ? (uint32_t)head : n->count;
        node_delete(n, 0, k);
        head -= k;
        l->count -= k;
        if (n->count == 0)
            node_unlink_free(l, n);
    }
    while (tail && l->tail) {
        struct list_node *n = l->tail;
        uint32_t k = tail < n->count ? (uint32_t)tail : n->count;
        node_delete(n, node_offset(n, n->count - k), k);
        tail -= k;
        l->count -= k;
        if (n->count == 0)
            node_unlink_free(l, n);
    }
}

void list_iter_init(struct list_iter *it, const struct list *l, size_t start, bool reverse)
{
    it->reverse = reverse;
    it->node = NULL;
    it->off = 0;
    if (start < l->count)
        it->node = locate(l, start, &it->off);
}

bool list_iter_next(struct list_iter *it, const char **p, size_t *len)
{
    struct list_node *n = it->node;
    if (!n)
        return false;
    size_t es = entry_at(n, it->off, p, len);
    if (it->reverse) {
        if (it->off == 0) {
            it->node = n->prev;
            it->off = it->node ? entry_before(it->node, it->node->len) : 0;
        } else {
            it->off = entry_before(n, it->off);
        }
    } else {
        it->off += es;
        if (it->off >= n->len) {
            it->node = n->next;
            it->off = 0;
        }
    }
    return true;
}

void list_load_append(struct list *l, const char *p, size_t len, bool new_node, bool plain)
{
    if (new_node || !l->tail)
        node_link(l, node_new(plain), LIST_TAIL);
    node_insert(l->tail, l->tail->len, p, len);
    l->count++;
}

void list_loaded(struct list *l, int fill)
{
    l->enc = LIST_ENC_QUICKLIST;
    /* Redis converts a loaded list with the growing rule: one packed node
     * within the (whole) limit is a listpack. */
    if (l->nnodes == 1 && !l->head->plain) {
        size_t bytes, count;
        node_limits(fill, &bytes, &count);
        if (l->head->sz <= bytes && l->count <= count)
            l->enc = LIST_ENC_LISTPACK;
    }
}
