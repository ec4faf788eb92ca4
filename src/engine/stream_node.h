/* stream_node.h -- a packed run of stream entries (the unit the stream's
 * index points to; see stream_node.c for the byte layout).
 *
 * A node holds entries in ID order.  Its first entry (the "master") is
 * stored in full and is the reference later entries lean on: their field
 * names are not stored again when they repeat the master's list, and a
 * value may be stored as "same as the master's" or "the master's integer
 * plus a small delta".  Deleting only sets a flag; counts live in the node
 * header.  Nodes are plain byte arrays behind a small header so that the
 * snapshot writer can dump them and the loader can validate and adopt
 * them. */
#ifndef RUNNEL_STREAM_NODE_H
#define RUNNEL_STREAM_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "stream_id.h"

/* A counted byte string (not NUL-terminated). */
struct stream_str {
    const char *ptr;
    size_t len;
};

/* Room one number formatted by the decoder needs ("-9223372036854775808",
 * "-0.00000001" and the like), rounded up. */
#define STREAM_NODE_NUM_MAX 24

/* Largest node and largest single entry (sum of field and value bytes),
 * 1 GiB as Redis's listpack cap. */
#define STREAM_NODE_MAX_SIZE ((size_t)1 << 30)

struct stream_node {
    struct stream_id first;   /* ID of the first entry: the index key */
    struct stream_id last;    /* ID of the last entry, deleted or not */
    size_t used;              /* bytes of data[] holding entries */
    size_t cap;               /* bytes allocated for data[] */
    uint32_t live;            /* entries not flagged deleted */
    uint32_t deleted;         /* entries flagged deleted */
    uint32_t master_nfields;  /* fields of the first entry */
    uint32_t lp_body;         /* bytes Redis's listpack of these entries
                               * takes, less its live and deleted counts
                               * (stream_node_lp_bytes); saturates */
    unsigned char data[];
};

/* One decoded entry header, as the cursor reports it. */
struct stream_node_entry {
    struct stream_id id;
    size_t off;               /* offset of the entry's first byte */
    size_t body;              /* offset of its first cell */
    size_t end;               /* offset just past the entry */
    uint32_t npairs;          /* field/value pairs */
    bool deleted;
    bool same_fields;         /* field names are the master's */
};

/* Walks a node's entries forwards. */
struct stream_node_cursor {
    const struct stream_node *node;
    size_t off;               /* next entry's offset */
    struct stream_id prev;    /* ID of the entry last returned */
    /* stream_node_cursor_next_cells: the cells it decoded last,
     * node->data[rep_body .. rep_end), rep_end 0 when none */
    size_t rep_body, rep_end;
    uint32_t rep_npairs;
    bool rep_same;
    /* stream_node_cursor_repeats found the entry at this offset differs
     * from those cells (0: none; the master is never compared) */
    size_t norep_off;
};

/* A decoded master cell. */
enum stream_cell_kind {
    STREAM_CELL_STR = 0,
    STREAM_CELL_INT = 1,
    STREAM_CELL_DEC = 2,
    STREAM_CELL_MASTER = 3,   /* stream_node_read_cells: the master's cell in
                               * the same position, unchanged */
};

struct stream_cell {
    struct stream_str str;    /* its bytes (into the node, or the view's buffer) */
    int64_t num;              /* INT: the value; DEC: the mantissa */
    uint8_t kind;             /* enum stream_cell_kind */
    uint8_t scale;            /* DEC: digits after the point */
};

/* A node's master entry decoded once, so entries can be read without
 * decoding it again.  Reuse it across nodes.  Its buffers are the
 * caller's (stream_node_view_init_buffers) until a master needs more,
 * then its own.  Valid while the node is neither modified nor moved. */
struct stream_node_view {
    const struct stream_node *node;
    uint32_t nfields;
    struct stream_cell *cells;    /* 2 * nfields: field0 value0 field1 ... */
    size_t cells_cap;
    char *numbuf;
    size_t numbuf_cap;
    bool owned;                   /* cells and numbuf are mem_alloc'd */
};

/* Sum of the field and value lengths of an entry (the measure Redis uses
 * for node boundaries and its 1 GiB cap). */
size_t stream_fields_raw_len(const struct stream_str *fv, size_t npairs);

/* A new node holding one entry.  fv[2i] / fv[2i+1] are the fields and
 * values.  The caller checks the raw size cap first; cannot fail. */
struct stream_node *stream_node_new(const struct stream_id *id, const struct stream_str *fv,
                                    size_t npairs);

void stream_node_free(struct stream_node *n);

/* Bytes of the listpack Redis would hold for n's entries, counts
 * included: where XADD cuts nodes, Redis's rule is applied to it, so that
 * a snapshot's nodes are the listpacks Redis would have (and XINFO's
 * radix-tree figures agree).  Kept by stream_node_new, stream_node_append
 * and stream_node_from_bytes; the bulk appends (stream_node_append_view,
 * stream_node_append_cells) leave it to their caller, which knows it from
 * the listpack it loads: stream_node_set_lp_body. */
size_t stream_node_lp_bytes(const struct stream_node *n);

/* Set n's lp_body: lp_bytes less the live and deleted count elements. */
void stream_node_set_lp_body(struct stream_node *n, size_t lp_body);

/* lp_body computed afresh from n's entries (what the appends would have
 * kept), or SIZE_MAX when n's bytes are malformed. */
size_t stream_node_lp_body_of(const struct stream_node *n);

/* Bytes the node occupies (allocator's usable size). */
size_t stream_node_memory(const struct stream_node *n);

/* Append an entry whose ID must be greater than n->last (asserted).  The
 * node may move: use the returned pointer.  Cannot fail. */
struct stream_node *stream_node_append(struct stream_node *n, const struct stream_id *id,
                                       const struct stream_str *fv, size_t npairs);

/* stream_node_append with n's master already decoded into master (a view
 * loaded from n, kept by a caller that appends many entries in a row).
 * When the node moves, the view no longer describes it: load it again
 * from the returned node before the next call. */
struct stream_node *stream_node_append_view(struct stream_node *n,
                                            const struct stream_node_view *master,
                                            const struct stream_id *id,
                                            const struct stream_str *fv, size_t npairs);

/* Where the cells of n's entry at off begin (after its ID part: its
 * field count when it has one, then its cells); *same_fields gets its
 * SAME_FIELDS flag. */
size_t stream_node_entry_cells(const struct stream_node *n, size_t off, bool *same_fields);

/* Append an entry with ID id (greater than n->last) whose fields and
 * values are those of an earlier entry of n other than the master: its
 * SAME_FIELDS flag and its bytes n->data[body .. body_end) from
 * stream_node_entry_cells (up to the entry's end) are copied, not encoded
 * again -- the bytes stream_node_append_view would write for the same
 * fields and values.  The node may move: use the returned pointer.
 * Cannot fail. */
struct stream_node *stream_node_append_cells(struct stream_node *n, const struct stream_id *id,
                                             bool same_fields, size_t body, size_t body_end);

/* Give back unused capacity (when the node stops being the tail).  The
 * node may move: use the returned pointer. */
struct stream_node *stream_node_shrink(struct stream_node *n);

/* Make room for at least bytes of data in all, so that appends up to
 * that size do not reallocate (and copy) the node as it grows.  The node
 * may move: use the returned pointer.  Cannot fail. */
struct stream_node *stream_node_reserve(struct stream_node *n, size_t bytes);

/* Start walking n from its first entry. */
void stream_node_cursor_init(struct stream_node_cursor *c, const struct stream_node *n);

/* Decode the next entry's header into *e (deleted ones included).
 * Returns 1 when an entry was read, 0 at the end of the node, and
 * STREAM_ERR_CORRUPT when the bytes are malformed (every read is bounds
 * checked, so this is safe on untrusted data). */
int stream_node_cursor_next(struct stream_node_cursor *c, struct stream_node_entry *e);

/* Flag entry e of n deleted and update the counts.  Returns false when it
 * already was. */
bool stream_node_mark_deleted(struct stream_node *n, const struct stream_node_entry *e);

/* Cut off the entries after bound at the end of n; they must all be
 * tombstones (asserted), and the master must not be among them.  Used
 * when XSETID moves the last ID back below trailing deleted entries, so
 * that IDs inside a node keep rising. */
void stream_node_drop_tombstones_after(struct stream_node *n, const struct stream_id *bound);

/* An empty view (buffers allocated on first load); release frees what it
 * allocated. */
void stream_node_view_init(struct stream_node_view *v);
void stream_node_view_release(struct stream_node_view *v);

/* A view that starts on caller-provided buffers: cells for ncells cells
 * and numbuf of numbuf_size bytes (ncells * STREAM_NODE_NUM_MAX is what a
 * master of ncells cells needs). */
void stream_node_view_init_buffers(struct stream_node_view *v, struct stream_cell *cells,
                                   size_t ncells, char *numbuf, size_t numbuf_size);

/* Decode n's master entry into v.  Fails with STREAM_ERR_CORRUPT on
 * malformed bytes. */
int stream_node_view_load(struct stream_node_view *v, const struct stream_node *n);

/* Fill out[0 .. 2*e->npairs) with entry e's fields and values.  Strings
 * point into the node or into v; numbers are formatted into numbuf, which
 * must hold 2 * e->npairs * STREAM_NODE_NUM_MAX bytes.  Valid until the
 * node changes or numbuf is reused.  Fails with STREAM_ERR_CORRUPT. */
int stream_node_read(const struct stream_node_view *v, const struct stream_node_entry *e,
                     struct stream_str *out, char *numbuf);

/* Entry e's cells as stored, numbers not formatted (for writers that
 * re-encode entries): out[0 .. 2*e->npairs) gets STR (str), INT (num), DEC
 * (num, scale) or MASTER, which says "v->cells[i], unchanged" (every
 * field cell of a same-fields entry is one).  Reads the same values as
 * stream_node_read.  Fails with STREAM_ERR_CORRUPT. */
int stream_node_read_cells(const struct stream_node_view *v, const struct stream_node_entry *e,
                           struct stream_cell *out);

/* stream_node_cursor_next and stream_node_read_cells in one step (the
 * cells decoded once), v being the view of the cursor's node.  out holds
 * cap cells; an entry with more (2 * e->npairs > cap) is not consumed and
 * STREAM_NODE_NEED_ROOM returned, e->npairs set: call again with room.
 * Otherwise returns as stream_node_cursor_next; with an entry, *nmaster is
 * the number of its cells that are MASTER.
 *
 * With repeat not NULL, an entry whose cells are byte for byte those of
 * the entry this function decoded last on this cursor (same field count
 * and SAME_FIELDS flag; they then mean the same fields and values) is not
 * decoded again: *repeat is set, out and *nmaster are left as that call
 * left them (the caller keeps them), only *e is filled. */
#define STREAM_NODE_NEED_ROOM 2
int stream_node_cursor_next_cells(struct stream_node_cursor *c, const struct stream_node_view *v,
                                  struct stream_node_entry *e, struct stream_cell *out,
                                  size_t cap, size_t *nmaster, bool *repeat);

/* Step over up to max entries that follow the one
 * stream_node_cursor_next_cells decoded last and would each be reported
 * as its repeat (a run of identical entries in one go): their IDs into
 * ids[], their deleted flags into deleted[]; returns how many (0 when
 * the next entry is no repeat, or at the end). */
size_t stream_node_cursor_repeats(struct stream_node_cursor *c, struct stream_id *ids,
                                  bool *deleted, size_t max);

/* The text of an INT or DEC cell, formatted into buf (STREAM_NODE_NUM_MAX
 * bytes); a STR cell's own bytes. */
struct stream_str stream_cell_text(const struct stream_cell *c, char *buf);

/* Build a node from bytes a snapshot wrote (the data[] of a node whose
 * first ID was first), checking everything: the entry encoding, IDs
 * strictly increasing from first, references to the master, and at least
 * one live entry.  On success stores a new node in *out and returns 0;
 * fails with STREAM_ERR_CORRUPT. */
int stream_node_from_bytes(const struct stream_id *first, const void *data, size_t len,
                           struct stream_node **out);

/* a[0..n) == b[0..n); short strings (field names, small values) without
 * a libc call (the node code and the RDB stream codec compare cells). */
static inline bool stream_bytes_eq(const void *pa, const void *pb, size_t n)
{
    const unsigned char *a = pa, *b = pb;
    if (n > 16) {
        /* Sixteen bytes first (an entry's cells compared with the
         * previous entry's usually differ there), then two more words
         * for up to 32 or the rest through libc. */
        uint64_t x0, y0, x1, y1;
        memcpy(&x0, a, 8);
        memcpy(&y0, b, 8);
        memcpy(&x1, a + 8, 8);
        memcpy(&y1, b + 8, 8);
        if ((x0 ^ y0) | (x1 ^ y1))
            return false;
        if (n > 32)
            return memcmp(a + 16, b + 16, n - 16) == 0;
        memcpy(&x0, a + n - 16, 8);
        memcpy(&y0, b + n - 16, 8);
        memcpy(&x1, a + n - 8, 8);
        memcpy(&y1, b + n - 8, 8);
        return ((x0 ^ y0) | (x1 ^ y1)) == 0;
    }
    if (n >= 4) {
        /* Two overlapping words cover the string: first and last bytes. */
        if (n >= 8) {
            uint64_t x0, y0, x1, y1;
            memcpy(&x0, a, 8);
            memcpy(&y0, b, 8);
            memcpy(&x1, a + n - 8, 8);
            memcpy(&y1, b + n - 8, 8);
            return ((x0 ^ y0) | (x1 ^ y1)) == 0;
        }
        uint32_t x0, y0, x1, y1;
        memcpy(&x0, a, 4);
        memcpy(&y0, b, 4);
        memcpy(&x1, a + n - 4, 4);
        memcpy(&y1, b + n - 4, 4);
        return ((x0 ^ y0) | (x1 ^ y1)) == 0;
    }
    if (n >= 2) {
        uint16_t x0, y0, x1, y1;
        memcpy(&x0, a, 2);
        memcpy(&y0, b, 2);
        memcpy(&x1, a + n - 2, 2);
        memcpy(&y1, b + n - 2, 2);
        return ((x0 ^ y0) | (x1 ^ y1)) == 0;
    }
    return n == 0 || a[0] == b[0];
}

#endif
