/* rdb_stream.c -- a stream object in Redis's RDB encoding; see
 * rdb_stream.h.  The layout, checked byte for byte against redis-server
 * 7.0's DUMP (tests/unit/check_rdb_stream.c):
 *
 *   len     number of nodes
 *   per node:   string  master ID, 16 bytes big-endian (ms, seq)
 *               string  listpack:
 *                 master entry: count  deleted  nfields  field...  0
 *                 per entry:    flags  ms-delta  seq-delta  [nfields field...]
 *                               value...  lp-count
 *                 flags: 1 DELETED, 2 SAMEFIELDS (the master's field names:
 *                 nfields and the fields are left out); IDs as deltas from the
 *                 master ID (wrapping, so a seq delta may be negative);
 *                 lp-count: the entry's other elements, so a reverse walk can
 *                 find its start (3 + values, + nfields + 1 with fields)
 *   len     length                      len  last-id ms, seq
 *   [19+]   len first-id ms, seq   len max-deleted ms, seq   len entries-added
 *   len     number of groups, in name order; per group:
 *             string name   len last-id ms, seq   [19+] len entries-read
 *             (-1, "unknown", as the 64-bit length 2^64-1)
 *             len PEL size; per record in ID order: 16-byte ID, 8-byte LE
 *                 delivery time, len delivery count
 *             len consumers, in name order; per consumer: string name,
 *                 8-byte seen-time, [21+] 8-byte active-time, len n, n IDs
 *             [27] len NACK zone size, its IDs (16 bytes) in release order
 *   [26+]   IDMP: len duration, len maxsize, len producers; per producer
 *           (pid order): string pid, len n, n x (string iid, len ms, len seq);
 *           len iids-added, len iids-duplicates
 *
 * Writing.  Our nodes hold the entries Redis's listpacks would hold: XADD
 * cuts them as Redis's XADD cuts listpacks (stream_node_lp_bytes: a new
 * node when the tail's listpack bytes plus the entry's field and value
 * bytes reach stream-node-max-bytes, or its entries, deleted included,
 * reach stream-node-max-entries), and a loaded node is the listpack it
 * came from.  So each node becomes one listpack, rebuilt in Redis's
 * element encoding (the bytes differ), tombstones included; the node
 * count comes from the nodes' headers, and the entries are walked once, a
 * listpack at a time, so a snapshot never holds a second copy of a
 * stream.  An entry whose cells are its predecessor's very bytes (the
 * engine cursor says so) is not decoded again, and its field and value
 * elements are copied from the previous entry's in the listpack being
 * built.
 *
 * Reading rebuilds the stream with explicit-ID appends (a stream_appender,
 * which keeps the tail node's master decoded; an entry whose elements are
 * the previous entry's very bytes is appended as a repeat, its cells
 * copied), one node per listpack, whatever the limits (Redis keeps a
 * loaded listpack whole too), which takes the listpack's size for the
 * XADDs that follow.  Tombstones are appended too and deleted once their
 * node is in, so they stay in our nodes like Redis's and a save after a
 * load writes the same listpacks.
 * Every listpack element is bounds-checked (lp_iter), every count checked
 * against what was read, IDs must rise strictly across the stream; a
 * consumer's PEL ID must be in its group's PEL and owned once.  A 5.0-6.2
 * stream (type 15) gets Redis 7's migration values: entries-added = length,
 * max-deleted 0-0, entries-read estimated; consumers without an
 * active-time (types 15, 19) get their seen-time, as Redis 7.2 does.
 *
 * Types 26 and 27 (Redis 8.6's IDMP map, 8.8's NACK zone) follow what
 * public readers of those formats parse (redis/librdb's callbacks: IDMP
 * duration, max entries, producers with their pid and count, entries with
 * iid and stream ID, the NACK zone after a group's consumers; a Java RDB
 * parser for how each field is encoded); no 8.6+ server was at hand to
 * check the bytes, as the 7.0 oracle checks type 19.
 *
 * What the engine cannot take from a file: the order of PEL records that
 * share a delivery time (ID order on load).  The IDMP lifetime counters
 * (iids-added, iids-duplicates) are restored as written. */
#include "rdb_stream.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lpsize.h"
#include "mem.h"
#include "rdb_codec.h"
#include "rdb_prefetch.h"
#include "stream.h"
#include "stream_group.h"
#include "stream_idmp.h"
#include "stream_node.h"
#include "util.h"

#define ITEM_DELETED 1
#define ITEM_SAMEFIELDS 2
#define LISTPACK_MAX ((size_t)1 << 30)   /* Redis's STREAM_LISTPACK_MAX_SIZE */
#define ENTRIES_READ_UNKNOWN UINT64_MAX  /* -1 as rdbSaveLen writes it */
#define LP_HEADER 6                      /* a listpack's total bytes and count */

/* ---- Walking every entry, tombstones included ---------------------------- */

/* Entries come as cells (stream_node_read_cells), so numbers are not
 * formatted only to be parsed back into listpack integers, and a cell
 * that repeats its engine node's master cell (the common case: a value
 * or field that does not change) is copied as the listpack element
 * encoded once per engine node. */
#define WALK_RUN 64

struct entry_walk {
    struct stream_node_walk nodes;
    const struct stream *s;
    const struct stream_node *node;   /* NULL: step to the next node */
    uint64_t node_serial;             /* counts the engine nodes entered */
    struct stream_node_cursor cur;
    struct stream_node_view view;
    /* the engine node's master cells as listpack elements */
    struct lp_builder mlp;
    size_t *moff, *mlen;              /* element i: mlp.buf[moff[i] ..+ mlen[i]) */
    size_t mcap;
    /* the master's values alone, elements one after the other, and the
     * sums an entry made of master cells only has */
    struct lp_builder mvals;
    size_t mraw;                      /* raw length of fields and values */
    size_t msize_f, msize_v;          /* listpack bytes of the fields, values */
    /* the current entry */
    struct stream_cell *c;            /* 2 * npairs cells */
    char *numbuf;                     /* numbers formatted (cell i at i * NUM_MAX) */
    size_t cap;                       /* cells c and numbuf hold */
    struct stream_id id;
    bool deleted;
    bool repeat;                      /* the cells are the previous entry's (so
                                       * is everything derived from them) */
    bool fmaster;                     /* field names are the engine master's */
    bool allm;                        /* every cell is its master cell (so
                                       * npairs is the master's) */
    size_t npairs;
    size_t nmaster;                   /* cells that are MASTER */
    /* repeats of the current cells stepped over in one go
     * (stream_node_cursor_repeats), served one by one */
    struct stream_id run_id[WALK_RUN];
    bool run_del[WALK_RUN];
    size_t run_n, run_i;
};

static void walk_init(struct entry_walk *w, const struct stream *s)
{
    memset(w, 0, sizeof(*w));
    w->s = s;
    stream_node_view_init(&w->view);
    lp_builder_init(&w->mlp);
    lp_builder_init(&w->mvals);
}

static void walk_free(struct entry_walk *w)
{
    stream_node_view_release(&w->view);
    lp_builder_free(&w->mlp);
    lp_builder_free(&w->mvals);
    mem_free(w->moff);
    mem_free(w->mlen);
    mem_free(w->c);
    mem_free(w->numbuf);
}

/* Encode the new engine node's master cells once. */
static void walk_master(struct entry_walk *w)
{
    size_t n = 2 * (size_t)w->view.nfields;
    if (n > w->mcap) {
        w->moff = mem_realloc(w->moff, n * sizeof(*w->moff));
        w->mlen = mem_realloc(w->mlen, n * sizeof(*w->mlen));
        w->mcap = n;
    }
    lp_builder_restart(&w->mlp);
    lp_builder_restart(&w->mvals);
    w->mraw = w->msize_f = w->msize_v = 0;
    for (size_t i = 0; i < n; i++) {
        size_t before = w->mlp.len;
        lp_append_string(&w->mlp, w->view.cells[i].str.ptr, w->view.cells[i].str.len);
        w->moff[i] = before;
        w->mlen[i] = w->mlp.len - before;
        w->mraw += w->view.cells[i].str.len;
        if (i & 1) {
            w->msize_v += w->mlen[i];
            lp_append_encoded(&w->mvals, w->mlp.buf + before, w->mlen[i]);
        } else {
            w->msize_f += w->mlen[i];
        }
    }
}

/* The next entry; false after the last.  Our own nodes were validated when
 * built, so a decoding failure here is a bug: abort. */
static bool walk_next_slow(struct entry_walk *w)
{
    for (;;) {
        if (!w->node) {
            if (!stream_walk_nodes(w->s, &w->nodes, &w->node))
                return false;
            if (stream_node_view_load(&w->view, w->node) != STREAM_OK)
                abort();
            stream_node_cursor_init(&w->cur, w->node);
            walk_master(w);
            w->node_serial++;
        }
        struct stream_node_entry e;
        bool repeat = false;
        int rc = stream_node_cursor_next_cells(&w->cur, &w->view, &e, w->c, w->cap,
                                               &w->nmaster, &repeat);
        if (rc == STREAM_NODE_NEED_ROOM) {
            size_t need = 2 * (size_t)e.npairs;
            w->c = mem_realloc(w->c, need * sizeof(*w->c));
            w->numbuf = mem_realloc(w->numbuf, need * STREAM_NODE_NUM_MAX);
            w->cap = need;
            continue;
        }
        if (rc < 0)
            abort();
        if (rc == 0) {
            w->node = NULL;
            continue;
        }
        w->id = e.id;
        w->deleted = e.deleted;
        w->repeat = repeat;
        w->fmaster = e.same_fields;
        w->npairs = e.npairs;
        w->allm = e.npairs == w->view.nfields && w->nmaster == 2 * (size_t)e.npairs;
        return true;
    }
}

/* walk_next_slow with the next entry of the current engine node taken
 * inline. */
static inline bool walk_next(struct entry_walk *w)
{
    if (w->run_i < w->run_n) {
        w->id = w->run_id[w->run_i];
        w->deleted = w->run_del[w->run_i];
        w->run_i++;
        w->repeat = true;
        return true;
    }
    if (w->node) {
        w->run_n = stream_node_cursor_repeats(&w->cur, w->run_id, w->run_del, WALK_RUN);
        if (w->run_n) {
            w->id = w->run_id[0];
            w->deleted = w->run_del[0];
            w->run_i = 1;
            w->repeat = true;
            return true;
        }
        struct stream_node_entry e;
        bool repeat = false;
        if (stream_node_cursor_next_cells(&w->cur, &w->view, &e, w->c, w->cap, &w->nmaster,
                                          &repeat) == 1) {
            w->id = e.id;
            w->deleted = e.deleted;
            w->repeat = repeat;
            w->fmaster = e.same_fields;
            w->npairs = e.npairs;
            w->allm = e.npairs == w->view.nfields && w->nmaster == 2 * (size_t)e.npairs;
            return true;
        }
        /* The end of the node or room needed: the cursor has not moved. */
    }
    return walk_next_slow(w);
}

/* The text of cell i of the current entry (numbers formatted into the
 * walk's buffer, where it stays until the next entry). */
static struct stream_str cell_text(const struct entry_walk *w, size_t i)
{
    const struct stream_cell *c = &w->c[i];
    if (c->kind == STREAM_CELL_MASTER)
        return w->view.cells[i].str;
    return stream_cell_text(c, w->numbuf + i * STREAM_NODE_NUM_MAX);
}

/* Append cell i of the current entry to a listpack. */
static void cell_lp_put(struct lp_builder *b, const struct entry_walk *w, size_t i)
{
    const struct stream_cell *c = &w->c[i];
    switch (c->kind) {
    case STREAM_CELL_MASTER:
        lp_append_encoded(b, w->mlp.buf + w->moff[i], w->mlen[i]);
        break;
    case STREAM_CELL_INT:
        lp_append_int(b, c->num);
        break;
    default: {
        struct stream_str t = cell_text(w, i);
        lp_append_string(b, t.ptr, t.len);
        break;
    }
    }
}

/* ---- A listpack node's master fields (copied: the walk's strings do not
 * last) ---- */

struct master_fields {
    struct stream_str *f;
    size_t n, fcap;
    char *bytes;
    size_t bcap;
    uint64_t serial;      /* the engine node same_engine was found for */
    bool same_engine;     /* the fields are that engine node's master's */
};

/* Copy the current entry's field names. */
static void master_set(struct master_fields *m, const struct entry_walk *w)
{
    size_t npairs = w->npairs;
    size_t total = 0;
    for (size_t i = 0; i < npairs; i++)
        total += cell_text(w, 2 * i).len;
    if (npairs > m->fcap) {
        m->f = mem_realloc(m->f, npairs * sizeof(*m->f));
        m->fcap = npairs;
    }
    if (total + 1 > m->bcap) {
        m->bytes = mem_realloc(m->bytes, total + 1);
        m->bcap = total + 1;
    }
    size_t off = 0;
    for (size_t i = 0; i < npairs; i++) {
        struct stream_str t = cell_text(w, 2 * i);
        if (t.len)
            memcpy(m->bytes + off, t.ptr, t.len);
        m->f[i].ptr = m->bytes + off;
        m->f[i].len = t.len;
        off += t.len;
    }
    m->n = npairs;
    m->serial = 0;
}

/* Are the current entry's field names the listpack master's? */
static bool master_same(const struct master_fields *m, const struct entry_walk *w)
{
    if (w->npairs != m->n)
        return false;
    for (size_t i = 0; i < w->npairs; i++) {
        struct stream_str t = cell_text(w, 2 * i);
        if (t.len != m->f[i].len || !stream_bytes_eq(t.ptr, m->f[i].ptr, t.len))
            return false;
    }
    return true;
}

/* Are the current entry's fields the listpack master's?  An entry whose
 * fields are its engine node's master's answers with one comparison per
 * engine node. */
static bool entry_same(struct master_fields *m, const struct entry_walk *w)
{
    if (!w->fmaster)
        return master_same(m, w);
    if (m->serial != w->node_serial) {
        m->serial = w->node_serial;
        m->same_engine = master_same(m, w);
    }
    return m->same_engine;
}

static void master_free(struct master_fields *m)
{
    mem_free(m->f);
    mem_free(m->bytes);
}

/* ---- Writing ------------------------------------------------------------- */

static void id_to_be(unsigned char out[16], const struct stream_id *id)
{
    for (int i = 0; i < 8; i++) {
        out[i] = (unsigned char)(id->ms >> (56 - 8 * i));
        out[8 + i] = (unsigned char)(id->seq >> (56 - 8 * i));
    }
}

static int write_raw_id(struct rdb_writer *w, const struct stream_id *id)
{
    unsigned char b[16];
    id_to_be(b, id);
    return rdb_write_raw(w, b, 16);
}

/* Append the walk's current entry's flags and ID deltas to the node
 * being built. */
static void lp_add_entry_id(struct lp_builder *b, const struct entry_walk *w, bool same,
                            const struct stream_id *mid)
{
    lp_append_int(b, (same ? ITEM_SAMEFIELDS : 0) | (w->deleted ? ITEM_DELETED : 0));
    lp_append_int(b, (int64_t)(w->id.ms - mid->ms));
    lp_append_int(b, (int64_t)(w->id.seq - mid->seq));
}

/* And the rest of it: fields unless same, values, lp-count. */
static void lp_add_entry_body(struct lp_builder *b, const struct entry_walk *w, bool same)
{
    if (!same) {
        lp_append_int(b, (int64_t)w->npairs);
        for (size_t i = 0; i < 2 * w->npairs; i++)
            cell_lp_put(b, w, i);
    } else if (w->allm) {
        lp_append_encoded_n(b, w->mvals.buf + LP_HEADER, w->mvals.len - LP_HEADER,
                            (uint32_t)w->npairs);
    } else {
        for (size_t i = 0; i < w->npairs; i++)
            cell_lp_put(b, w, 2 * i + 1);
    }
    lp_append_int(b, (int64_t)w->npairs + 3 + (same ? 0 : (int64_t)w->npairs + 1));
}

/* Build and write each node's listpack: XADD cuts our nodes where Redis
 * cuts its listpacks and a loaded node is the listpack it came from, so
 * the node headers give the count and each listpack's entries (every node
 * holds a live entry: the engine frees one that does not). */
static void write_nodes(struct rdb_writer *wr, const struct stream *s)
{
    struct entry_walk w;
    struct master_fields m = {0};
    struct lp_builder b;
    walk_init(&w, s);
    lp_builder_init(&b);
    rdb_write_len(wr, stream_node_count(s));
    struct stream_node_walk nodes;
    memset(&nodes, 0, sizeof(nodes));
    const struct stream_node *node;
    while (stream_walk_nodes(s, &nodes, &node)) {
        uint64_t entries = (uint64_t)node->live + node->deleted;
        struct stream_id mid = {0, 0};
        lp_builder_restart(&b);
        /* The previous entry's body elements in b (same: its fields were
         * the master's): a repeat copies them. */
        bool cached = false, same = false;
        size_t body_off = 0, body_len = 0;
        uint32_t body_n = 0;
        for (uint64_t i = 0; i < entries; i++) {
            if (!walk_next(&w))
                abort(); /* the counts came from the nodes walked */
            if (i == 0) {
                mid = w.id;
                master_set(&m, &w);
                lp_append_int(&b, (int64_t)node->live);
                lp_append_int(&b, (int64_t)node->deleted);
                lp_append_int(&b, (int64_t)w.npairs);
                for (size_t j = 0; j < w.npairs; j++)
                    cell_lp_put(&b, &w, 2 * j);
                lp_append_int(&b, 0);
            }
            if (w.repeat && cached) {
                lp_add_entry_id(&b, &w, same, &mid);
                lp_append_copy(&b, body_off, body_len, body_n);
                continue;
            }
            same = entry_same(&m, &w);
            lp_add_entry_id(&b, &w, same, &mid);
            body_off = b.len;
            body_n = b.count;
            lp_add_entry_body(&b, &w, same);
            body_len = b.len - body_off;
            body_n = b.count - body_n;
            cached = true;
        }
        size_t len;
        const unsigned char *lp = lp_builder_seal(&b, &len);
        unsigned char key[16];
        id_to_be(key, &mid);
        rdb_write_string(wr, key, sizeof(key));
        rdb_write_string(wr, lp, len);
        if (wr->err)
            break;
    }
    lp_builder_free(&b);
    master_free(&m);
    walk_free(&w);
}

static bool groups_have_nacked(const struct stream *s)
{
    for (size_t i = 0; i < stream_group_count(s); i++)
        if (stream_group_at(s, i)->nacked)
            return true;
    return false;
}

/* IDMP state worth a newer format: anything but a map at its defaults with
 * nothing in it (Redis 8.6 writes type 26 for every stream, so a stream
 * loaded from it gets a map only when it holds something). */
static bool idmp_has_state(const struct stream_idmp *m)
{
    if (!m)
        return false;
    struct stream_idmp_stats st;
    stream_idmp_stats(m, &st);
    return stream_idmp_duration(m) != STREAM_IDMP_DURATION_DEFAULT ||
           stream_idmp_maxsize(m) != STREAM_IDMP_MAXSIZE_DEFAULT || st.pids_tracked ||
           st.iids_tracked || st.iids_added || st.iids_duplicates;
}

int rdb_stream_type_for(const struct stream *s, int rdbver)
{
    if (rdbver >= RDB_VERSION_8_8 && groups_have_nacked(s))
        return RDB_TYPE_STREAM_LISTPACKS_5;
    if (rdbver >= RDB_VERSION_8_6 && idmp_has_state(s->idmp))
        return RDB_TYPE_STREAM_LISTPACKS_4;
    return rdbver >= RDB_VERSION_7_2 ? RDB_TYPE_STREAM_LISTPACKS_3 : RDB_TYPE_STREAM_LISTPACKS_2;
}

int rdb_stream_rdbver_for(const struct stream *s)
{
    if (groups_have_nacked(s))
        return RDB_VERSION_8_8;
    if (idmp_has_state(s->idmp))
        return RDB_VERSION_8_6;
    return RDB_VERSION_7_0;
}

static void write_group(struct rdb_writer *w, const struct stream_group *g, int type)
{
    bool with_nacked = type >= RDB_TYPE_STREAM_LISTPACKS_5;
    rdb_write_string(w, g->name, g->name_len);
    rdb_write_len(w, g->last_id.ms);
    rdb_write_len(w, g->last_id.seq);
    if (type >= RDB_TYPE_STREAM_LISTPACKS_2)
        rdb_write_len(w, g->entries_read == STREAM_ENTRIES_READ_INVALID ? ENTRIES_READ_UNKNOWN
                                                                       : (uint64_t)g->entries_read);
    /* Released records have no owner; before type 27 they are left out
     * (Redis < 8.8 would dereference their missing consumer). */
    rdb_write_len(w, stream_group_pending_count(g) - (with_nacked ? 0 : g->nacked));
    struct index_iter it;
    for (bool more = index_seek(g->pel, &it, INDEX_FIRST, NULL); more && !w->err;
         more = index_next(&it)) {
        const struct stream_pending *p = it.value;
        if (!p->owner && !with_nacked)
            continue;
        write_raw_id(w, &p->id);
        rdb_write_millis(w, p->delivery_time);
        rdb_write_len(w, p->delivery_count);
    }
    rdb_write_len(w, g->nconsumers);
    for (size_t i = 0; i < g->nconsumers && !w->err; i++) {
        const struct stream_consumer *c = g->consumers[i];
        rdb_write_string(w, c->name, c->name_len);
        rdb_write_millis(w, c->seen_time);
        if (type >= RDB_TYPE_STREAM_LISTPACKS_3)
            rdb_write_millis(w, c->active_time);
        rdb_write_len(w, stream_consumer_pending_count(c));
        for (bool more = index_seek(c->pending, &it, INDEX_FIRST, NULL); more && !w->err;
             more = index_next(&it))
            write_raw_id(w, &it.key);
    }
    if (!with_nacked)
        return;
    /* The NACK zone in release order: the ownerless records lead pel_time
     * (time 0), mixed only with owned records delivered at time 0. */
    rdb_write_len(w, g->nacked);
    uint64_t left = g->nacked;
    for (bool more = left && index_seek(g->pel_time, &it, INDEX_FIRST, NULL); more && left;
         more = index_next(&it)) {
        const struct stream_pending *p = it.value;
        if (!p->owner) {
            write_raw_id(w, &p->id);
            left--;
        }
    }
}

/* One iid as the IDMP walk reports it (pointers into the map). */
struct idmp_rec {
    const char *pid, *iid;
    size_t pidlen, iidlen;
    struct stream_id id;
    size_t seq;          /* walk order, to keep each producer's oldest first */
};

struct idmp_list {
    struct idmp_rec *v;
    size_t n, cap;
};

static void idmp_collect(void *ud, const char *pid, size_t pidlen, const char *iid,
                         size_t iidlen, const struct stream_id *id)
{
    struct idmp_list *l = ud;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = mem_realloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n] = (struct idmp_rec){pid, iid, pidlen, iidlen, *id, l->n};
    l->n++;
}

static int idmp_rec_cmp(const void *a, const void *b)
{
    const struct idmp_rec *x = a, *y = b;
    int c = stream_name_cmp(x->pid, x->pidlen, y->pid, y->pidlen);
    if (c)
        return c;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The IDMP section, producers in pid order (Redis keeps them in a rax). */
static void write_idmp(struct rdb_writer *w, const struct stream_idmp *m)
{
    struct idmp_list l = {0};
    struct stream_idmp_stats st = {0};
    if (m) {
        stream_idmp_walk(m, idmp_collect, &l);
        stream_idmp_stats(m, &st);
        if (l.n > 1)
            qsort(l.v, l.n, sizeof(*l.v), idmp_rec_cmp);
    }
    rdb_write_len(w, m ? stream_idmp_duration(m) : STREAM_IDMP_DURATION_DEFAULT);
    rdb_write_len(w, m ? stream_idmp_maxsize(m) : STREAM_IDMP_MAXSIZE_DEFAULT);
    size_t producers = 0;
    for (size_t i = 0; i < l.n; i++)
        if (i == 0 || stream_name_cmp(l.v[i].pid, l.v[i].pidlen, l.v[i - 1].pid,
                                      l.v[i - 1].pidlen) != 0)
            producers++;
    rdb_write_len(w, producers);
    for (size_t i = 0; i < l.n && !w->err;) {
        size_t j = i + 1;
        while (j < l.n && stream_name_cmp(l.v[j].pid, l.v[j].pidlen, l.v[i].pid,
                                          l.v[i].pidlen) == 0)
            j++;
        rdb_write_string(w, l.v[i].pid, l.v[i].pidlen);
        rdb_write_len(w, j - i);
        for (; i < j; i++) {
            rdb_write_string(w, l.v[i].iid, l.v[i].iidlen);
            rdb_write_len(w, l.v[i].id.ms);
            rdb_write_len(w, l.v[i].id.seq);
        }
    }
    rdb_write_len(w, st.iids_added);
    rdb_write_len(w, st.iids_duplicates);
    mem_free(l.v);
}

static bool type_supported(int type)
{
    return type == RDB_TYPE_STREAM_LISTPACKS || type == RDB_TYPE_STREAM_LISTPACKS_2 ||
           type == RDB_TYPE_STREAM_LISTPACKS_3 || type == RDB_TYPE_STREAM_LISTPACKS_4 ||
           type == RDB_TYPE_STREAM_LISTPACKS_5;
}

int rdb_stream_write(struct rdb_writer *w, const struct stream *s, int type)
{
    if (w->err)
        return -1;
    if (!type_supported(type)) {
        w->err = EINVAL;
        return -1;
    }
    write_nodes(w, s);

    rdb_write_len(w, s->length);
    rdb_write_len(w, s->last_id.ms);
    rdb_write_len(w, s->last_id.seq);
    if (type >= RDB_TYPE_STREAM_LISTPACKS_2) {
        rdb_write_len(w, s->first_id.ms);
        rdb_write_len(w, s->first_id.seq);
        rdb_write_len(w, s->max_deleted_id.ms);
        rdb_write_len(w, s->max_deleted_id.seq);
        rdb_write_len(w, s->entries_added);
    }
    rdb_write_len(w, stream_group_count(s));
    for (size_t i = 0; i < stream_group_count(s) && !w->err; i++)
        write_group(w, stream_group_at(s, i), type);
    if (type >= RDB_TYPE_STREAM_LISTPACKS_4)
        write_idmp(w, s->idmp);
    return w->err ? -1 : 0;
}

/* ---- Reading ------------------------------------------------------------- */

/* Record a failure the way rdb_codec.c does: the first one, with the
 * offset. */
__attribute__((format(printf, 2, 3)))
static int fail(struct rdb_reader *r, const char *fmt, ...)
{
    if (r->err[0])
        return -1;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(r->err, sizeof(r->err), fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof(r->err))
        snprintf(r->err + n, sizeof(r->err) - (size_t)n, " (at offset %zu)", r->pos);
    return -1;
}

static int read_id(struct rdb_reader *r, struct stream_id *id)
{
    uint64_t ms, seq;
    if (rdb_read_len(r, &ms, NULL) < 0 || rdb_read_len(r, &seq, NULL) < 0)
        return -1;
    id->ms = ms;
    id->seq = seq;
    return 0;
}

/* A 16-byte big-endian ID (PELs). */
static int read_raw_id(struct rdb_reader *r, struct stream_id *id)
{
    uint64_t a, b;
    if (rdb_read_u64le(r, &a) < 0 || rdb_read_u64le(r, &b) < 0)
        return -1;
    id->ms = __builtin_bswap64(a);
    id->seq = __builtin_bswap64(b);
    return 0;
}

/* A count of items that take at least `each` bytes: more than the input
 * could hold is corrupt (and never sizes an allocation). */
static int read_count(struct rdb_reader *r, uint64_t *n, size_t each, const char *what)
{
    if (rdb_read_len(r, n, NULL) < 0)
        return -1;
    if (*n > (r->len - r->pos) / each)
        return fail(r, "%s count %llu larger than the input", what, (unsigned long long)*n);
    return 0;
}

/* One listpack element as a string (integers formatted into buf). */
static struct stream_str lp_entry_str(const struct lp_entry *e, char *buf)
{
    struct stream_str s;
    if (e->is_int) {
        s.ptr = buf;
        s.len = (size_t)util_ll_to_str(buf, STREAM_NODE_NUM_MAX, e->v);
    } else {
        s.ptr = (const char *)e->str;
        s.len = e->slen;
    }
    return s;
}

/* The state of loading the nodes. */
struct node_loader {
    struct stream *s;
    struct stream_id prev;        /* the last entry ID loaded */
    bool any;
    struct stream_str *fv;        /* an entry's fields and values */
    char *numbuf;
    size_t cap;                   /* cells of fv */
    struct stream_str *mf;        /* the master's fields */
    char *mnum;
    size_t mcap;
    struct stream_id *tomb;       /* tombstones of the node, deleted after it */
    size_t ntomb, tcap;
    struct stream_appender app;   /* appends to s */
    size_t prev_lp;               /* the previous listpack's bytes */
    size_t prev_used;             /* and its node's */
};

static void loader_free(struct node_loader *l)
{
    stream_appender_release(&l->app);
    mem_free(l->fv);
    mem_free(l->numbuf);
    mem_free(l->mf);
    mem_free(l->mnum);
    mem_free(l->tomb);
}

/* lp_next_int past its inline cases. */
static __attribute__((noinline)) int lp_next_int_slow(struct rdb_reader *r, struct lp_iter *it,
                                                      int64_t *v, const char *what)
{
    struct lp_entry e;
    int rc = lp_iter_next_fast(it, &e);
    if (__builtin_expect(rc == 1 && e.is_int, 1)) {
        *v = e.v;
        return 0;
    }
    if (rc < 0)
        return fail(r, "stream node: malformed listpack element at byte %zu", it->pos);
    if (rc == 0)
        return fail(r, "stream node: listpack ends before the %s", what);
    if (!e.is_int)
        return fail(r, "stream node: the %s is not an integer", what);
    *v = e.v;
    return 0;
}

/* The next element of a node, which must be an integer.  The forms a
 * node's flags, ID deltas and counts mostly take -- 7-bit and 13-bit
 * integers, each with its 1-byte back-length -- are decoded here with
 * lp_iter_next's checks; the rest by lp_next_int_slow. */
static inline __attribute__((always_inline)) int lp_next_int(struct rdb_reader *r,
                                                             struct lp_iter *it, int64_t *v,
                                                             const char *what)
{
    size_t pos = it->pos;
    const unsigned char *p = it->lp + pos;
    if (__builtin_expect(pos + 2 < it->len && it->left != 0, 1)) {
        if (p[0] < 0x80 && p[1] == 1) {
            *v = p[0];
            it->pos = pos + 2;
        } else if ((p[0] & 0xE0) == 0xC0 && pos + 3 < it->len && p[2] == 2) {
            int64_t u = (int64_t)(p[0] & 0x1f) << 8 | p[1];
            *v = u >= 4096 ? u - 8192 : u;
            it->pos = pos + 3;
        } else {
            return lp_next_int_slow(r, it, v, what);
        }
        if (it->left != UINT32_MAX)
            it->left--;
        return 0;
    }
    return lp_next_int_slow(r, it, v, what);
}

/* The next element as a string; ints are formatted into num. */
static inline int lp_next_str(struct rdb_reader *r, struct lp_iter *it, struct stream_str *out,
                              char *num, const char *what)
{
    struct lp_entry e;
    int rc = lp_iter_next_fast(it, &e);
    if (__builtin_expect(rc == 1 && !e.is_int, 1)) {
        out->ptr = (const char *)e.str;
        out->len = e.slen;
        return 0;
    }
    if (rc < 0)
        return fail(r, "stream node: malformed listpack element at byte %zu", it->pos);
    if (rc == 0)
        return fail(r, "stream node: listpack ends before the %s", what);
    *out = lp_entry_str(&e, num);
    return 0;
}

static void grow_cells(struct stream_str **fv, char **num, size_t *cap, size_t need)
{
    if (need <= *cap)
        return;
    *fv = mem_realloc(*fv, need * sizeof(**fv));
    *num = mem_realloc(*num, need * STREAM_NODE_NUM_MAX);
    *cap = need;
}

/* Append one entry read from the node (live or tombstone); repeat: its
 * fields and values are the previous entry's bytes. */
static int load_entry(struct rdb_reader *r, struct node_loader *l, const struct stream_id *id,
                      size_t npairs, bool deleted, bool repeat)
{
    if (l->any && stream_id_cmp(id, &l->prev) <= 0)
        return fail(r, "stream node: entry IDs do not rise");
    int rc = repeat ? stream_appender_add_repeat(&l->app, id, l->fv, npairs)
                    : stream_appender_add(&l->app, id, l->fv, npairs);
    if (rc != STREAM_OK)
        return fail(r, "stream node: cannot add entry %llu-%llu (%s)",
                    (unsigned long long)id->ms, (unsigned long long)id->seq,
                    stream_strerror(rc));
    l->prev = *id;
    l->any = true;
    if (deleted) {
        if (l->ntomb == l->tcap) {
            l->tcap = l->tcap ? l->tcap * 2 : 16;
            l->tomb = mem_realloc(l->tomb, l->tcap * sizeof(*l->tomb));
        }
        l->tomb[l->ntomb++] = *id;
    }
    return 0;
}

/* Validate one node's listpack and append its entries. */
static int load_node(struct rdb_reader *r, struct node_loader *l, const struct stream_id *mid,
                     const unsigned char *lp, size_t len)
{
    struct lp_iter it;
    if (lp_iter_init(&it, lp, len) < 0)
        return fail(r, "stream node: malformed listpack header");
    int64_t count, deleted, nfields;
    if (lp_next_int(r, &it, &count, "master entry count") < 0 ||
        lp_next_int(r, &it, &deleted, "master deleted count") < 0 ||
        lp_next_int(r, &it, &nfields, "master field count") < 0)
        return -1;
    /* Every element takes at least two bytes: a bound for the arrays. */
    if (count < 0 || deleted < 0 || nfields < 1 || (uint64_t)nfields > len / 2)
        return fail(r, "stream node: bad master entry (count %lld, deleted %lld, fields %lld)",
                    (long long)count, (long long)deleted, (long long)nfields);
    size_t nf = (size_t)nfields;
    grow_cells(&l->mf, &l->mnum, &l->mcap, nf);
    for (size_t i = 0; i < nf; i++)
        if (lp_next_str(r, &it, &l->mf[i], l->mnum + i * STREAM_NODE_NUM_MAX,
                        "master field") < 0)
            return -1;
    int64_t zero;
    if (lp_next_int(r, &it, &zero, "master terminator") < 0)
        return -1;
    if (zero != 0)
        return fail(r, "stream node: master entry not terminated by 0");

    uint64_t seen = 0, seen_deleted = 0;
    l->ntomb = 0;
    /* Our node for it will be about as much smaller than the listpack as
     * the last one was: room for that (and a little) up front, so that it
     * neither grows nor is moved when it shrinks to fit. */
    size_t want = l->prev_lp ? (size_t)((double)l->prev_used * (double)len / (double)l->prev_lp) : 0;
    stream_appender_new_node(&l->app, want + want / 32 + 16);
    /* The previous entry's field and value elements: listpack bytes
     * lp[rep_pos .. + rep_len), rep_elems elements, SAMEFIELDS rep_same.
     * An entry whose elements are the very same bytes parses to the same
     * fields and values (l->fv still holds them), so they are stepped
     * over and the entry appended as a repeat. */
    size_t rep_pos = 0, rep_len = 0, rep_elems = 0, rep_np = 0;
    bool rep_same = false;
    for (;;) {
        struct lp_entry e;
        int rc = lp_iter_next_fast(&it, &e);
        if (rc < 0)
            return fail(r, "stream node: malformed listpack element at byte %zu", it.pos);
        if (rc == 0)
            break;
        if (!e.is_int || e.v < 0 || e.v > (ITEM_DELETED | ITEM_SAMEFIELDS))
            return fail(r, "stream node: bad entry flags");
        int64_t flags = e.v, dms, dseq, np = nfields;
        if (lp_next_int(r, &it, &dms, "entry ID") < 0 || lp_next_int(r, &it, &dseq, "entry ID") < 0)
            return -1;
        bool same = flags & ITEM_SAMEFIELDS;
        bool repeat = rep_len && same == rep_same &&
                      (it.left == UINT32_MAX || it.left >= rep_elems) &&
                      rep_len < len - it.pos && stream_bytes_eq(lp + it.pos, lp + rep_pos, rep_len);
        if (repeat) {
            it.pos += rep_len;
            if (it.left != UINT32_MAX)
                it.left -= (uint32_t)rep_elems;
            np = (int64_t)rep_np;
        } else {
            size_t start = it.pos;
            uint32_t left = it.left;
            if (!same) {
                if (lp_next_int(r, &it, &np, "entry field count") < 0)
                    return -1;
                if (np < 1 || (uint64_t)np > len / 4)
                    return fail(r, "stream node: bad entry field count %lld", (long long)np);
            }
            size_t npairs = (size_t)np;
            grow_cells(&l->fv, &l->numbuf, &l->cap, 2 * npairs);
            for (size_t i = 0; i < npairs; i++) {
                if (same)
                    l->fv[2 * i] = l->mf[i];
                else if (lp_next_str(r, &it, &l->fv[2 * i],
                                     l->numbuf + 2 * i * STREAM_NODE_NUM_MAX, "entry field") < 0)
                    return -1;
                if (lp_next_str(r, &it, &l->fv[2 * i + 1],
                                l->numbuf + (2 * i + 1) * STREAM_NODE_NUM_MAX, "entry value") < 0)
                    return -1;
            }
            rep_pos = start;
            rep_len = it.pos - start;
            rep_elems = left == UINT32_MAX ? 0 : left - it.left;
            rep_np = npairs;
            rep_same = same;
        }
        size_t npairs = (size_t)np;
        int64_t lp_count;
        if (lp_next_int(r, &it, &lp_count, "entry lp-count") < 0)
            return -1;
        if (lp_count != np + 3 + (same ? 0 : np + 1))
            return fail(r, "stream node: entry lp-count %lld does not match",
                        (long long)lp_count);
        struct stream_id id = {mid->ms + (uint64_t)dms, mid->seq + (uint64_t)dseq};
        bool del = flags & ITEM_DELETED;
        if (load_entry(r, l, &id, npairs, del, repeat) < 0)
            return -1;
        seen++;
        if (del)
            seen_deleted++;
    }
    if (seen == 0)
        return fail(r, "stream node: empty listpack");
    if (seen != (uint64_t)count + (uint64_t)deleted || seen_deleted != (uint64_t)deleted)
        return fail(r, "stream node: master counts %lld live + %lld deleted, found %llu + %llu",
                    (long long)count, (long long)deleted,
                    (unsigned long long)(seen - seen_deleted), (unsigned long long)seen_deleted);
    /* The node is this listpack: XADD goes on from its size. */
    stream_node_set_lp_body(l->s->tail, len - lpsize_int(count) - lpsize_int(deleted));
    l->prev_lp = len;
    l->prev_used = l->s->tail->used;
    /* Tombstones go once the node is in, so our node keeps them unless it
     * holds nothing live (Redis frees such a node too). */
    for (size_t i = 0; i < l->ntomb; i++)
        stream_delete(l->s, &l->tomb[i]);
    return 0;
}

/* A string of a node pair read here: left in the input, or put in *buf
 * (mem_alloc'd, grown as needed). */
static int read_view(struct rdb_reader *r, const unsigned char **p, size_t *len,
                     unsigned char **buf, size_t *cap)
{
    int rc;
    while ((rc = rdb_read_string_view(r, p, len, *buf, *cap)) == 1) {
        *cap = *len > 2 * *cap ? *len : 2 * *cap;
        mem_free(*buf);
        *buf = mem_alloc(*cap);
    }
    return rc;
}

static int read_nodes(struct rdb_reader *r, struct stream *s)
{
    uint64_t n;
    if (read_count(r, &n, 2, "stream node") < 0)
        return -1;
    struct node_loader l = {.s = s};
    stream_appender_init(&l.app, s);
    /* Many nodes: their listpacks are decompressed ahead on a thread. */
    struct rdb_prefetch *pf = n >= RDB_PREFETCH_MIN_NODES ? rdb_prefetch_start(r, n) : NULL;
    unsigned char *kbuf = NULL, *lbuf = NULL;
    size_t kcap = 0, lcap = 0;
    int rc = 0;
    for (uint64_t i = 0; i < n && rc == 0; i++) {
        const unsigned char *key, *lp;
        size_t klen, lplen;
        if (pf ? rdb_prefetch_next(pf, r, &key, &klen, &lp, &lplen) < 0
               : read_view(r, &key, &klen, &kbuf, &kcap) < 0 ||
                     read_view(r, &lp, &lplen, &lbuf, &lcap) < 0) {
            rc = -1;
        } else if (klen != 16) {
            rc = fail(r, "stream node key of %zu bytes, not a 16-byte ID", klen);
        } else {
            struct stream_id mid = {0, 0};
            for (int j = 0; j < 8; j++) {
                mid.ms = mid.ms << 8 | key[j];
                mid.seq = mid.seq << 8 | key[8 + j];
            }
            if (l.any && stream_id_cmp(&mid, &l.prev) <= 0)
                rc = fail(r, "stream node keys do not rise");
            else
                rc = load_node(r, &l, &mid, lp, lplen);
        }
    }
    if (pf)
        rdb_prefetch_stop(pf);
    mem_free(kbuf);
    mem_free(lbuf);
    loader_free(&l);
    return rc;
}

/* A PEL record while its group loads. */
struct pel_rec {
    struct stream_id id;
    int64_t time;
    uint64_t count;
    struct stream_consumer *owner;
    bool nacked;
};

static struct pel_rec *pel_lookup(struct pel_rec *v, size_t n, const struct stream_id *id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = stream_id_cmp(&v[mid].id, id);
        if (c == 0)
            return &v[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Owned records go into the engine by delivery time, then ID. */
static int pel_time_cmp(const void *a, const void *b)
{
    const struct pel_rec *x = *(struct pel_rec *const *)a, *y = *(struct pel_rec *const *)b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return stream_id_cmp(&x->id, &y->id);
}

static int read_consumers(struct rdb_reader *r, struct stream_group *g, int type,
                          struct pel_rec *recs, size_t nrecs)
{
    uint64_t nc;
    if (read_count(r, &nc, 9, "consumer") < 0)
        return -1;
    for (uint64_t i = 0; i < nc; i++) {
        char *name;
        size_t nlen;
        int64_t seen, active;
        if (rdb_read_string(r, &name, &nlen) < 0)
            return -1;
        if (rdb_read_millis(r, &seen) < 0) {
            mem_free(name);
            return -1;
        }
        active = seen; /* Redis 7.2's estimate for older types */
        if (type >= RDB_TYPE_STREAM_LISTPACKS_3 && rdb_read_millis(r, &active) < 0) {
            mem_free(name);
            return -1;
        }
        struct stream_consumer *c = stream_consumer_create(g, name, nlen, seen);
        mem_free(name);
        if (!c)
            return fail(r, "duplicate consumer in a stream group");
        c->active_time = active;
        uint64_t np;
        if (read_count(r, &np, 16, "consumer PEL") < 0)
            return -1;
        for (uint64_t j = 0; j < np; j++) {
            struct stream_id id;
            if (read_raw_id(r, &id) < 0)
                return -1;
            struct pel_rec *p = pel_lookup(recs, nrecs, &id);
            if (!p)
                return fail(r, "consumer PEL entry %llu-%llu not in the group PEL",
                            (unsigned long long)id.ms, (unsigned long long)id.seq);
            if (p->owner)
                return fail(r, "PEL entry %llu-%llu owned twice", (unsigned long long)id.ms,
                            (unsigned long long)id.seq);
            p->owner = c;
        }
    }
    return 0;
}

/* The global PEL, the consumers, the NACK zone; then the records go into
 * the engine: released ones first, in release order, then the others. */
static int read_group_pel(struct rdb_reader *r, struct stream_group *g, int type)
{
    uint64_t n;
    if (read_count(r, &n, 25, "group PEL") < 0)
        return -1;
    struct pel_rec *recs = n ? mem_calloc(n * sizeof(*recs)) : NULL;
    struct pel_rec **order = NULL;
    size_t nnack = 0;
    int rc = 0;
    for (uint64_t i = 0; i < n && rc == 0; i++) {
        struct pel_rec *p = &recs[i];
        if (read_raw_id(r, &p->id) < 0 || rdb_read_millis(r, &p->time) < 0 ||
            rdb_read_len(r, &p->count, NULL) < 0)
            rc = -1;
        else if (i && stream_id_cmp(&p->id, &recs[i - 1].id) <= 0)
            rc = fail(r, "group PEL IDs do not rise");
        else if (p->time < 0 || p->count > STREAM_DELIVERY_COUNT_MAX)
            rc = fail(r, "group PEL entry with delivery time %lld, count %llu",
                      (long long)p->time, (unsigned long long)p->count);
    }
    if (rc == 0)
        rc = read_consumers(r, g, type, recs, n);
    if (rc == 0)
        order = n ? mem_alloc(n * sizeof(*order)) : NULL;
    if (rc == 0 && type >= RDB_TYPE_STREAM_LISTPACKS_5) {
        uint64_t nz;
        rc = read_count(r, &nz, 16, "NACK zone");
        for (uint64_t i = 0; i < nz && rc == 0; i++) {
            struct stream_id id;
            struct pel_rec *p;
            if (read_raw_id(r, &id) < 0)
                rc = -1;
            else if (!(p = pel_lookup(recs, n, &id)) || p->owner || p->nacked)
                rc = fail(r, "NACK zone entry %llu-%llu not an ownerless PEL entry",
                          (unsigned long long)id.ms, (unsigned long long)id.seq);
            else {
                p->nacked = true;
                order[nnack++] = p;
            }
        }
    }
    for (uint64_t i = 0; i < n && rc == 0; i++)
        if (!recs[i].owner && !recs[i].nacked)
            rc = fail(r, "group PEL entry %llu-%llu has no consumer",
                      (unsigned long long)recs[i].id.ms, (unsigned long long)recs[i].id.seq);
    if (rc == 0) {
        for (size_t i = 0; i < nnack; i++)
            stream_pel_add(g, &order[i]->id, NULL, 0, order[i]->count);
        size_t k = 0;
        for (uint64_t i = 0; i < n; i++)
            if (recs[i].owner)
                order[k++] = &recs[i];
        if (k > 1)
            qsort(order, k, sizeof(*order), pel_time_cmp);
        for (size_t i = 0; i < k; i++)
            stream_pel_add(g, &order[i]->id, order[i]->owner, order[i]->time, order[i]->count);
    }
    mem_free(order);
    mem_free(recs);
    return rc;
}

static int read_groups(struct rdb_reader *r, struct stream *s, int type)
{
    uint64_t ng;
    if (read_count(r, &ng, 4, "stream group") < 0)
        return -1;
    for (uint64_t i = 0; i < ng; i++) {
        char *name;
        size_t nlen;
        struct stream_id last;
        if (rdb_read_string(r, &name, &nlen) < 0)
            return -1;
        if (read_id(r, &last) < 0) {
            mem_free(name);
            return -1;
        }
        int64_t er;
        if (type >= RDB_TYPE_STREAM_LISTPACKS_2) {
            uint64_t v;
            if (rdb_read_len(r, &v, NULL) < 0) {
                mem_free(name);
                return -1;
            }
            if (v != ENTRIES_READ_UNKNOWN && v > INT64_MAX) {
                mem_free(name);
                return fail(r, "group entries-read %llu out of range", (unsigned long long)v);
            }
            er = v == ENTRIES_READ_UNKNOWN ? STREAM_ENTRIES_READ_INVALID : (int64_t)v;
        } else {
            er = stream_estimate_entries_read(s, &last); /* Redis 7's migration */
        }
        struct stream_group *g = stream_group_create(s, name, nlen, &last, er);
        mem_free(name);
        if (!g)
            return fail(r, "duplicate stream group");
        if (read_group_pel(r, g, type) < 0)
            return -1;
    }
    return 0;
}

/* The IDMP section.  A map at its defaults holding nothing is not kept. */
static int read_idmp(struct rdb_reader *r, struct stream *s)
{
    uint64_t duration, maxsize, np, added, dups;
    if (rdb_read_len(r, &duration, NULL) < 0 || rdb_read_len(r, &maxsize, NULL) < 0)
        return -1;
    struct stream_idmp *m = stream_idmp_new();
    if (duration > UINT32_MAX || maxsize > UINT32_MAX ||
        stream_idmp_configure(m, (uint32_t)duration, (uint32_t)maxsize) < 0) {
        stream_idmp_free(m);
        return fail(r, "IDMP duration %llu / maxsize %llu out of range",
                    (unsigned long long)duration, (unsigned long long)maxsize);
    }
    int rc = read_count(r, &np, 2, "IDMP producer");
    for (uint64_t i = 0; i < np && rc == 0; i++) {
        char *pid;
        size_t pidlen;
        uint64_t n = 0;
        if (rdb_read_string(r, &pid, &pidlen) < 0)
            rc = -1;
        else
            rc = read_count(r, &n, 3, "IDMP iid");
        struct stream_id prev = {0, 0};
        for (uint64_t j = 0; rc == 0 && j < n; j++) {
            char *iid;
            size_t iidlen;
            struct stream_id id;
            if (rdb_read_string(r, &iid, &iidlen) < 0) {
                rc = -1;
                break;
            }
            if (read_id(r, &id) < 0)
                rc = -1;
            else if (j && stream_id_cmp(&id, &prev) <= 0)
                rc = fail(r, "IDMP entries of a producer not in ID order");
            else if (stream_idmp_record(m, pid, pidlen, iid, iidlen, &id, 0) < 0)
                rc = fail(r, "IDMP entry rejected (empty or conflicting)");
            prev = id;
            mem_free(iid);
        }
        mem_free(pid);
    }
    if (rc == 0 && (rdb_read_len(r, &added, NULL) < 0 || rdb_read_len(r, &dups, NULL) < 0))
        rc = -1;
    if (rc == 0 && (np || duration != STREAM_IDMP_DURATION_DEFAULT ||
                    maxsize != STREAM_IDMP_MAXSIZE_DEFAULT || added || dups)) {
        stream_idmp_set_counters(m, added, dups);
        s->idmp = m; /* the map has no setter: the loader builds the stream */
        m = NULL;
    }
    stream_idmp_free(m);
    return rc;
}

/* Set the counters read after the nodes, checked as XSETID checks them.
 * max-deleted-entry-id may lie above the last ID (XSETID can move the last
 * ID back below trailing tombstones), so it is set on its own. */
static int apply_meta(struct rdb_reader *r, struct stream *s, uint64_t length,
                      const struct stream_id *last, const struct stream_id *max_deleted,
                      uint64_t entries_added)
{
    if (length != s->length)
        return fail(r, "stream length %llu but %llu live entries", (unsigned long long)length,
                    (unsigned long long)s->length);
    if (entries_added > INT64_MAX || entries_added < s->length)
        return fail(r, "stream entries-added %llu below the length %llu",
                    (unsigned long long)entries_added, (unsigned long long)s->length);
    int rc = stream_set_last_id(s, last, (int64_t)entries_added, NULL);
    if (rc != STREAM_OK)
        return fail(r, "stream last ID %llu-%llu rejected (%s)", (unsigned long long)last->ms,
                    (unsigned long long)last->seq, stream_strerror(rc));
    s->max_deleted_id = *max_deleted;
    return 0;
}

int rdb_stream_read(struct rdb_reader *r, int type, struct stream **out, size_t node_max_bytes,
                    size_t node_max_entries)
{
    *out = NULL;
    if (!type_supported(type))
        return fail(r, "unknown stream RDB type %d", type);
    struct stream *s = stream_new(node_max_bytes, node_max_entries);
    uint64_t length, added = 0;
    struct stream_id last, first, maxdel = {0, 0};
    int rc = read_nodes(r, s);
    if (rc == 0 && (rdb_read_len(r, &length, NULL) < 0 || read_id(r, &last) < 0))
        rc = -1;
    if (rc == 0 && type >= RDB_TYPE_STREAM_LISTPACKS_2 &&
        (read_id(r, &first) < 0 || read_id(r, &maxdel) < 0 ||
         rdb_read_len(r, &added, NULL) < 0))
        rc = -1;
    if (rc == 0) {
        /* First-id is recomputed from the entries rather than trusted.
         * Before 7.0, entries-added starts at the length. */
        if (type < RDB_TYPE_STREAM_LISTPACKS_2)
            added = length;
        rc = apply_meta(r, s, length, &last, &maxdel, added);
    }
    if (rc == 0)
        rc = read_groups(r, s, type);
    if (rc == 0 && type >= RDB_TYPE_STREAM_LISTPACKS_4)
        rc = read_idmp(r, s);
    if (rc < 0) {
        if (!r->err[0])
            fail(r, "corrupt stream");
        stream_free(s);
        return -1;
    }
    *out = s;
    return 0;
}
