/* stream.c -- the stream object; see stream.h.
 *
 *   struct stream
 *     nodes: index  first ID -> node
 *              [1-0 ... 1-99] [2-0 ... 2-99] ... [k-0 ... k-37]  <- tail
 *     length, entries_added, last_id, first_id, max_deleted_id
 *
 * Invariants:
 *   - nodes are disjoint and ordered: a node's first ID is greater than the
 *     previous node's last ID; every node holds at least one live entry
 *     (a node is freed as soon as its last live entry is deleted or
 *     trimmed);
 *   - length is the sum of the nodes' live counts;
 *   - tail is the index's last node, NULL when empty;
 *   - last_id >= the last entry of the tail (XSETID may push it further);
 *   - first_id is the first live entry's ID, 0-0 when empty.
 *
 * Appends go to the tail node until Redis's rule closes it: the node's bytes
 * plus the new entry's raw field and value bytes reach stream-node-max-bytes,
 * or its entries (deleted included) reach stream-node-max-entries.  A closed
 * node gives back its spare capacity.  An append is O(1) amortised: the
 * tail is at hand and grows geometrically; the index is touched only when
 * a node starts or the tail moves in memory. */
#include "stream.h"

#include <assert.h>
#include <string.h>

#include "mem.h"
#include "stream_group.h"
#include "stream_idmp.h"

struct stream *stream_new(size_t node_max_bytes, size_t node_max_entries)
{
    struct stream *s = mem_calloc(sizeof(*s));
    s->nodes = index_new();
    s->node_max_bytes = node_max_bytes;
    s->node_max_entries = node_max_entries;
    return s;
}

/* index_free callback for the node index. */
static void free_node_value(void *p)
{
    stream_node_free(p);
}

void stream_free(struct stream *s)
{
    if (!s)
        return;
    index_free(s->nodes, free_node_value);
    stream_groups_free(s->groups);
    stream_idmp_free(s->idmp);
    mem_free(s);
}

void stream_set_node_limits(struct stream *s, size_t node_max_bytes, size_t node_max_entries)
{
    s->node_max_bytes = node_max_bytes;
    s->node_max_entries = node_max_entries;
}

/* Point the index entry of n (keyed by n->first) at n after it moved. */
static void relink_node(struct stream *s, struct stream_node *n)
{
    void **slot = index_find_ref(s->nodes, &n->first);
    assert(slot);
    *slot = n;
}

/* Should the tail stop taking entries before one of raw bytes is added?
 * Redis's XADD rule, on the bytes of the listpack Redis would hold. */
static bool tail_is_full(const struct stream *s, const struct stream_node *t, size_t raw)
{
    size_t max_bytes = s->node_max_bytes;
    if (max_bytes == 0 || max_bytes > STREAM_NODE_MAX_SIZE)
        max_bytes = STREAM_NODE_MAX_SIZE;
    if (stream_node_lp_bytes(t) + raw >= max_bytes)
        return true;
    return s->node_max_entries && (size_t)t->live + t->deleted >= s->node_max_entries;
}

/* Append at id (already checked against last_id).  With a (an
 * appender), the tail's master is taken from its view, which is loaded
 * again whenever the tail is another node than the one it describes, and
 * where the entry's cells lie is noted for stream_appender_add_repeat. */
static int append_at(struct stream *s, const struct stream_id *idp, const struct stream_str *fv,
                     size_t npairs, struct stream_appender *a)
{
    struct stream_id id = *idp;
    size_t raw = stream_fields_raw_len(fv, npairs);
    if (raw > STREAM_NODE_MAX_SIZE)
        return STREAM_ERR_TOO_BIG;

    struct stream_node *t = s->tail;
    size_t start = t ? t->used : 0;
    if (t && (a ? a->new_node : tail_is_full(s, t, raw))) {
        if (a)
            a->node_hint = t->used;
        struct stream_node *shrunk = stream_node_shrink(t);
        if (shrunk != t)
            relink_node(s, shrunk);
        t = NULL;
    }
    if (!t) {
        t = stream_node_new(&id, fv, npairs);
        /* A little over the last node's size: nodes cut by the same
         * rules tend to end alike. */
        if (a && a->node_want > 16)
            t = stream_node_reserve(t, a->node_want);
        else if (a && a->node_hint)
            t = stream_node_reserve(t, a->node_hint + a->node_hint / 16 + 32);
        bool added = index_insert(s->nodes, &id, t);
        assert(added);
        (void)added;
        start = 0;
        if (a)
            a->new_node = false;
    } else {
        struct stream_node *moved;
        if (a) {
            /* The node and its first ID: a node freed (stream_delete) and
             * another made at the same address cannot share a first ID. */
            if (a->node != t || !stream_id_eq(&a->first, &t->first)) {
                int rc = stream_node_view_load(&a->view, t);
                assert(rc == STREAM_OK);
                (void)rc;
                a->node = t;
                a->first = t->first;
            }
            moved = stream_node_append_view(t, &a->view, &id, fv, npairs);
            if (moved != t)
                a->node = NULL;
        } else {
            moved = stream_node_append(t, &id, fv, npairs);
        }
        if (moved != t)
            relink_node(s, moved);
        t = moved;
    }
    if (a) {
        a->rep_node = t;
        a->rep_first = t->first;
        a->rep_off = start; /* its cells are found when a repeat comes */
        a->rep_body = 0;
        a->rep_end = t->used;
    }
    s->tail = t;
    s->length++;
    s->entries_added++;
    s->last_id = id;
    if (s->length == 1)
        s->first_id = id;
    return STREAM_OK;
}

int stream_append(struct stream *s, const struct stream_id_spec *spec,
                  const struct stream_str *fv, size_t npairs, uint64_t now_ms,
                  struct stream_id *out_id)
{
    struct stream_id id;
    int rc = stream_id_next(&s->last_id, spec, now_ms, &id);
    if (rc != STREAM_OK)
        return rc;
    rc = append_at(s, &id, fv, npairs, NULL);
    if (rc == STREAM_OK && out_id)
        *out_id = id;
    return rc;
}

void stream_appender_init(struct stream_appender *a, struct stream *s)
{
    a->s = s;
    a->node = NULL;
    a->first = (struct stream_id){0, 0};
    a->rep_node = NULL;
    a->rep_off = a->rep_body = 0;
    a->node_hint = 0;
    a->node_want = 0;
    a->new_node = false;
    stream_node_view_init_buffers(&a->view, a->cells, STREAM_APPENDER_CELLS, a->numbuf,
                                  sizeof(a->numbuf));
}

int stream_appender_add(struct stream_appender *a, const struct stream_id *id,
                        const struct stream_str *fv, size_t npairs)
{
    struct stream_id_spec spec = {.id = *id, .kind = STREAM_ID_EXPLICIT};
    struct stream_id next;
    int rc = stream_id_next(&a->s->last_id, &spec, 0, &next);
    if (rc != STREAM_OK)
        return rc;
    return append_at(a->s, &next, fv, npairs, a);
}

int stream_appender_add_repeat(struct stream_appender *a, const struct stream_id *id,
                               const struct stream_str *fv, size_t npairs)
{
    /* The copy needs the last entry at the end of the tail and room in
     * it; the ID checks are stream_id_next's for an explicit ID (above
     * last_id, which so is not the maximum; not 0-0). */
    struct stream *s = a->s;
    struct stream_node *t = s->tail;
    if (!a->rep_off || !t || a->rep_node != t || a->rep_end != t->used ||
        !stream_id_eq(&a->rep_first, &t->first) || stream_id_is_zero(id) ||
        stream_id_cmp(id, &s->last_id) <= 0 || a->new_node)
        return stream_appender_add(a, id, fv, npairs);
    if (!a->rep_body)
        a->rep_body = stream_node_entry_cells(t, a->rep_off, &a->rep_same);
    size_t blen = a->rep_end - a->rep_body, start = t->used;
    struct stream_node *moved = stream_node_append_cells(t, id, a->rep_same, a->rep_body,
                                                         a->rep_end);
    if (moved != t) {
        relink_node(s, moved);
        if (a->node == t)
            a->node = NULL;
        a->rep_node = moved;
    }
    a->rep_off = start;
    a->rep_end = moved->used;
    a->rep_body = moved->used - blen;
    s->tail = moved;
    s->length++;
    s->entries_added++;
    s->last_id = *id;
    return STREAM_OK;
}

void stream_appender_new_node(struct stream_appender *a, size_t want)
{
    a->new_node = true;
    a->node_want = want;
}

void stream_appender_release(struct stream_appender *a)
{
    stream_node_view_release(&a->view);
    a->node = NULL;
}

/* ---- iteration ---- */

void stream_iter_start(struct stream_iter *it, const struct stream *s,
                       const struct stream_id *start, const struct stream_id *end, bool rev)
{
    memset(it, 0, sizeof(*it));
    it->s = s;
    it->start = *start;
    it->end = *end;
    it->rev = rev;
    stream_node_view_init(&it->view);
    if (s->length == 0 || stream_id_cmp(start, end) > 0) {
        it->done = true;
        return;
    }
    if (!rev) {
        /* The node holding start is the last one beginning at or before
         * it; when start precedes every node, the first node. */
        if (!index_seek(s->nodes, &it->pos, INDEX_LE, start) &&
            !index_seek(s->nodes, &it->pos, INDEX_FIRST, NULL))
            it->done = true;
    } else {
        if (!index_seek(s->nodes, &it->pos, INDEX_LE, end))
            it->done = true;
    }
}

/* Make the node under it->pos current.  A reverse walk first collects the
 * node's entry headers so it can step back through them. */
static void iter_load_node(struct stream_iter *it)
{
    const struct stream_node *n = it->pos.value;
    int rc = stream_node_view_load(&it->view, n);
    assert(rc == STREAM_OK);
    (void)rc;
    stream_node_cursor_init(&it->cur, n);
    it->node = n;
    if (!it->rev)
        return;
    it->nents = 0;
    struct stream_node_entry e;
    while ((rc = stream_node_cursor_next(&it->cur, &e)) == 1) {
        if (it->nents == it->ents_cap) {
            it->ents_cap = it->ents_cap ? it->ents_cap * 2 : 128;
            it->ents = mem_realloc(it->ents, it->ents_cap * sizeof(*it->ents));
        }
        it->ents[it->nents++] = e;
    }
    assert(rc == 0);
    it->ent_next = it->nents;
}

/* Decode entry e's fields and values into the iterator's buffers. */
static void iter_emit(struct stream_iter *it, const struct stream_node_entry *e)
{
    size_t ncells = 2 * (size_t)e->npairs;
    if (ncells > it->out_cap) {
        it->out = mem_realloc(it->out, ncells * sizeof(*it->out));
        it->out_cap = ncells;
    }
    if (ncells * STREAM_NODE_NUM_MAX > it->numbuf_cap) {
        it->numbuf = mem_realloc(it->numbuf, ncells * STREAM_NODE_NUM_MAX);
        it->numbuf_cap = ncells * STREAM_NODE_NUM_MAX;
    }
    int rc = stream_node_read(&it->view, e, it->out, it->numbuf);
    assert(rc == STREAM_OK);
    (void)rc;
    it->id = e->id;
    it->fv = it->out;
    it->npairs = e->npairs;
}

bool stream_iter_next(struct stream_iter *it)
{
    while (!it->done) {
        if (!it->node) {
            /* Forwards, the node found for start may end before it. */
            const struct stream_node *n = it->pos.value;
            if (!it->rev && stream_id_cmp(&n->last, &it->start) < 0) {
                if (!index_next(&it->pos))
                    it->done = true;
                continue;
            }
            iter_load_node(it);
        }
        struct stream_node_entry e;
        if (!it->rev) {
            int rc = stream_node_cursor_next(&it->cur, &e);
            assert(rc >= 0);
            if (rc == 0) {
                it->node = NULL;
                if (!index_next(&it->pos))
                    it->done = true;
                continue;
            }
            if (stream_id_cmp(&e.id, &it->end) > 0) {
                it->done = true;
                break;
            }
            if (e.deleted || stream_id_cmp(&e.id, &it->start) < 0)
                continue;
        } else {
            if (it->ent_next == 0) {
                it->node = NULL;
                if (!index_prev(&it->pos))
                    it->done = true;
                continue;
            }
            e = it->ents[--it->ent_next];
            if (stream_id_cmp(&e.id, &it->start) < 0) {
                it->done = true;
                break;
            }
            if (e.deleted || stream_id_cmp(&e.id, &it->end) > 0)
                continue;
        }
        iter_emit(it, &e);
        return true;
    }
    return false;
}

void stream_iter_stop(struct stream_iter *it)
{
    mem_free(it->ents);
    mem_free(it->out);
    mem_free(it->numbuf);
    stream_node_view_release(&it->view);
    it->ents = NULL;
    it->out = NULL;
    it->numbuf = NULL;
    it->ents_cap = it->out_cap = it->numbuf_cap = 0;
    it->done = true;
}

/* ---- lookups ---- */

/* Find the entry with this ID, deleted or not: its node in *node and its
 * header in *e.  False when no entry has this ID. */
static bool find_entry(const struct stream *s, const struct stream_id *id,
                       struct stream_node **node, struct stream_node_entry *e)
{
    struct index_iter pos;
    if (!index_seek(s->nodes, &pos, INDEX_LE, id))
        return false;
    struct stream_node *n = pos.value;
    if (stream_id_cmp(&n->last, id) < 0)
        return false;
    struct stream_node_cursor c;
    stream_node_cursor_init(&c, n);
    int rc;
    while ((rc = stream_node_cursor_next(&c, e)) == 1) {
        int cmp = stream_id_cmp(&e->id, id);
        if (cmp == 0) {
            *node = n;
            return true;
        }
        if (cmp > 0)
            break;
    }
    assert(rc >= 0);
    return false;
}

bool stream_has_entry(const struct stream *s, const struct stream_id *id)
{
    struct stream_node *n;
    struct stream_node_entry e;
    return find_entry(s, id, &n, &e) && !e.deleted;
}

/* The first live entry of node n (it has one by the invariant). */
static struct stream_id node_first_live(const struct stream_node *n)
{
    struct stream_node_cursor c;
    struct stream_node_entry e;
    stream_node_cursor_init(&c, n);
    while (stream_node_cursor_next(&c, &e) == 1)
        if (!e.deleted)
            return e.id;
    assert(!"stream node without live entries");
    return STREAM_ID_MIN;
}

/* The last live entry of node n (it has one by the invariant). */
static struct stream_id node_last_live(const struct stream_node *n)
{
    struct stream_node_cursor c;
    struct stream_node_entry e;
    struct stream_id last = STREAM_ID_MIN;
    bool found = false;
    stream_node_cursor_init(&c, n);
    while (stream_node_cursor_next(&c, &e) == 1) {
        if (!e.deleted) {
            last = e.id;
            found = true;
        }
    }
    assert(found);
    (void)found;
    return last;
}

bool stream_first_entry(const struct stream *s, struct stream_id *id)
{
    struct index_iter pos;
    if (!index_seek(s->nodes, &pos, INDEX_FIRST, NULL))
        return false;
    *id = node_first_live(pos.value);
    return true;
}

bool stream_last_entry(const struct stream *s, struct stream_id *id)
{
    if (!s->tail)
        return false;
    *id = node_last_live(s->tail);
    return true;
}

/* Recompute first_id after entries went away. */
static void refresh_first_id(struct stream *s)
{
    if (s->length == 0 || !stream_first_entry(s, &s->first_id))
        s->first_id = STREAM_ID_MIN;
}

/* Drop node n (no live entries left, or trimmed whole) from the stream. */
static void remove_node(struct stream *s, struct stream_node *n)
{
    bool removed = index_remove(s->nodes, &n->first, NULL);
    assert(removed);
    (void)removed;
    if (n == s->tail) {
        struct index_iter pos;
        s->tail = index_seek(s->nodes, &pos, INDEX_LAST, NULL) ? pos.value : NULL;
    }
    stream_node_free(n);
}

int stream_delete(struct stream *s, const struct stream_id *id)
{
    struct stream_node *n;
    struct stream_node_entry e;
    if (!find_entry(s, id, &n, &e) || e.deleted)
        return 0;
    stream_node_mark_deleted(n, &e);
    s->length--;
    if (n->live == 0)
        remove_node(s, n);
    if (stream_id_cmp(id, &s->max_deleted_id) > 0)
        s->max_deleted_id = *id;
    if (s->length == 0 || stream_id_eq(id, &s->first_id))
        refresh_first_id(s);
    return 1;
}

/* ---- trimming ---- */

uint64_t stream_trim_default_limit(size_t node_max_entries)
{
    uint64_t limit = (uint64_t)node_max_entries * 100;
    if (limit == 0 || node_max_entries > UINT64_MAX / 100)
        limit = 10000;
    if (limit > 1000000)
        limit = 1000000;
    return limit;
}

/* stream_trim with a DELETE or ACKED reference policy: entry by entry,
 * node after node while whole nodes qualify (Redis 8.2's streamTrim for
 * DELREF and ACKED). */
static uint64_t trim_with_refs(struct stream *s, const struct stream_trim_args *a)
{
    bool maxlen = a->strategy == STREAM_TRIM_MAXLEN;
    uint64_t removed = 0;
    struct index_iter pos;
    bool more = index_seek(s->nodes, &pos, INDEX_FIRST, NULL);
    while (more) {
        struct stream_node *n = pos.value;
        struct stream_id key = pos.key;
        if (maxlen && s->length <= a->maxlen)
            break;
        uint64_t entries = n->live;
        if (a->limit && removed + entries > a->limit)
            break;
        bool whole = maxlen ? s->length - entries >= a->maxlen
                            : stream_id_cmp(&n->last, &a->minid) < 0;
        struct stream_node_cursor c;
        struct stream_node_entry e;
        stream_node_cursor_init(&c, n);
        while (stream_node_cursor_next(&c, &e) == 1) {
            bool stop = maxlen ? s->length <= a->maxlen : stream_id_cmp(&e.id, &a->minid) >= 0;
            if (stop)
                break;
            if (e.deleted)
                continue;
            if (a->refs == STREAM_REFS_ACKED && stream_entry_is_referenced(s, &e.id))
                continue;
            if (a->refs == STREAM_REFS_DELETE)
                stream_entry_drop_refs(s, &e.id);
            stream_node_mark_deleted(n, &e);
            s->length--;
            removed++;
        }
        if (n->live == 0)
            remove_node(s, n);
        if (!whole)
            break;
        more = index_seek(s->nodes, &pos, INDEX_GT, &key);
    }
    if (s->length == 0)
        s->first_id = STREAM_ID_MIN;
    else if (removed)
        refresh_first_id(s);
    return removed;
}

uint64_t stream_trim(struct stream *s, const struct stream_trim_args *a)
{
    if (a->refs != STREAM_REFS_KEEP)
        return trim_with_refs(s, a);
    bool maxlen = a->strategy == STREAM_TRIM_MAXLEN;
    uint64_t removed = 0;
    struct index_iter pos;
    while (index_seek(s->nodes, &pos, INDEX_FIRST, NULL)) {
        struct stream_node *n = pos.value;
        if (maxlen && s->length <= a->maxlen)
            break;
        uint64_t entries = n->live;
        if (a->limit && removed + entries > a->limit)
            break;
        bool whole = maxlen ? s->length - entries >= a->maxlen
                            : stream_id_cmp(&n->last, &a->minid) < 0;
        if (whole) {
            s->length -= entries;
            removed += entries;
            remove_node(s, n);
            continue;
        }
        if (a->approx)
            break;
        /* Exact: flag entries of this node from its head, then stop. */
        struct stream_node_cursor c;
        struct stream_node_entry e;
        stream_node_cursor_init(&c, n);
        while (stream_node_cursor_next(&c, &e) == 1) {
            bool stop = maxlen ? s->length <= a->maxlen : stream_id_cmp(&e.id, &a->minid) >= 0;
            if (stop)
                break;
            if (stream_node_mark_deleted(n, &e)) {
                s->length--;
                removed++;
            }
        }
        /* MINID can flag every live entry of a node whose last (deleted)
         * entry is >= minid; Redis keeps such an empty node, we free it. */
        if (n->live == 0)
            remove_node(s, n);
        break;
    }
    if (s->length == 0)
        s->first_id = STREAM_ID_MIN;
    else if (removed)
        refresh_first_id(s);
    return removed;
}

/* ---- XSETID and facts ---- */

int stream_set_last_id(struct stream *s, const struct stream_id *id, int64_t entries_added,
                       const struct stream_id *max_deleted)
{
    if (max_deleted && stream_id_cmp(id, max_deleted) < 0)
        return STREAM_ERR_MAX_DELETED;
    if (s->length > 0) {
        struct stream_id top;
        stream_last_entry(s, &top);
        if (stream_id_cmp(id, &top) < 0)
            return STREAM_ERR_ID_TOO_SMALL;
        if (entries_added >= 0 && (uint64_t)entries_added < s->length)
            return STREAM_ERR_ENTRIES_ADDED;
    }
    /* Redis lets the last ID go back below trailing tombstones (the top
     * live entry is the bound); drop them so appends keep node order. */
    if (s->tail && stream_id_cmp(id, &s->tail->last) < 0)
        stream_node_drop_tombstones_after(s->tail, id);
    s->last_id = *id;
    if (entries_added >= 0)
        s->entries_added = (uint64_t)entries_added;
    if (max_deleted && !stream_id_is_zero(max_deleted))
        s->max_deleted_id = *max_deleted;
    return STREAM_OK;
}

int stream_setid(struct stream *s, const struct stream_id *id, int64_t entries_added,
                 const struct stream_id *max_deleted)
{
    /* Redis's order: the given max deleted ID, then the current one, then
     * the top live entry and the length. */
    if (max_deleted && stream_id_cmp(id, max_deleted) < 0)
        return STREAM_ERR_MAX_DELETED;
    if (stream_id_cmp(id, &s->max_deleted_id) < 0)
        return STREAM_ERR_BELOW_MAX_DELETED;
    return stream_set_last_id(s, id, entries_added, max_deleted);
}

size_t stream_memory_usage(const struct stream *s)
{
    size_t total = mem_block_size(s) + index_memory(s->nodes);
    struct index_iter pos;
    for (bool ok = index_seek(s->nodes, &pos, INDEX_FIRST, NULL); ok; ok = index_next(&pos))
        total += stream_node_memory(pos.value);
    total += stream_groups_memory(s->groups);
    return total + (s->idmp ? stream_idmp_memory(s->idmp) : 0);
}

size_t stream_node_count(const struct stream *s)
{
    return index_count(s->nodes);
}

size_t stream_index_node_count(const struct stream *s)
{
    return index_node_count(s->nodes);
}

/* ---- snapshots ---- */

bool stream_walk_nodes(const struct stream *s, struct stream_node_walk *w,
                       const struct stream_node **node)
{
    bool ok;
    if (!w->started) {
        w->started = true;
        ok = index_seek(s->nodes, &w->it, INDEX_FIRST, NULL);
    } else {
        ok = index_next(&w->it);
    }
    if (ok)
        *node = w->it.value;
    return ok;
}

int stream_load_node(struct stream *s, const struct stream_id *first, const void *data, size_t len)
{
    if (s->tail && stream_id_cmp(first, &s->tail->last) <= 0)
        return STREAM_ERR_CORRUPT;
    struct stream_node *n;
    if (stream_node_from_bytes(first, data, len, &n) != STREAM_OK)
        return STREAM_ERR_CORRUPT;
    if (s->tail) {
        struct stream_node *shrunk = stream_node_shrink(s->tail);
        if (shrunk != s->tail)
            relink_node(s, shrunk);
    }
    bool added = index_insert(s->nodes, first, n);
    assert(added);
    (void)added;
    s->tail = n;
    if (s->length == 0)
        s->first_id = node_first_live(n);
    s->length += n->live;
    /* Keep the counters coherent until stream_load_meta sets them. */
    if (s->entries_added < s->length)
        s->entries_added = s->length;
    if (stream_id_cmp(&n->last, &s->last_id) > 0)
        s->last_id = n->last;
    return STREAM_OK;
}

int stream_load_meta(struct stream *s, const struct stream_id *last_id, uint64_t entries_added,
                     const struct stream_id *max_deleted)
{
    if (entries_added > INT64_MAX)
        return STREAM_ERR_CORRUPT;
    if (s->tail && stream_id_cmp(last_id, &s->tail->last) < 0)
        return STREAM_ERR_CORRUPT;
    if (stream_set_last_id(s, last_id, (int64_t)entries_added, max_deleted) != STREAM_OK)
        return STREAM_ERR_CORRUPT;
    if (max_deleted)
        s->max_deleted_id = *max_deleted;
    refresh_first_id(s);
    return STREAM_OK;
}

bool stream_check(const struct stream *s)
{
    if (!index_check(s->nodes))
        return false;
    struct index_iter pos;
    uint64_t length = 0;
    const struct stream_node *prev = NULL;
    struct stream_id first_live = STREAM_ID_MIN;
    bool have_first = false;
    for (bool ok = index_seek(s->nodes, &pos, INDEX_FIRST, NULL); ok; ok = index_next(&pos)) {
        const struct stream_node *n = pos.value;
        if (!stream_id_eq(&pos.key, &n->first) || n->live == 0 || n->used > n->cap)
            return false;
        if (prev && stream_id_cmp(&n->first, &prev->last) <= 0)
            return false;
        struct stream_node_cursor c;
        struct stream_node_entry e;
        uint32_t live = 0, deleted = 0;
        struct stream_id last = STREAM_ID_MIN;
        int rc;
        stream_node_cursor_init(&c, n);
        while ((rc = stream_node_cursor_next(&c, &e)) == 1) {
            if ((live || deleted) && stream_id_cmp(&e.id, &last) <= 0)
                return false;
            last = e.id;
            if (e.deleted) {
                deleted++;
            } else {
                live++;
                if (!have_first) {
                    first_live = e.id;
                    have_first = true;
                }
            }
        }
        if (rc != 0 || live != n->live || deleted != n->deleted || !stream_id_eq(&last, &n->last))
            return false;
        length += live;
        prev = n;
    }
    if (length != s->length || prev != s->tail)
        return false;
    if (!stream_id_eq(&first_live, &s->first_id))
        return false;
    if (prev && stream_id_cmp(&s->last_id, &prev->last) < 0)
        return false;
    return s->entries_added >= s->length;
}
