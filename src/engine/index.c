/* index.c -- B+tree keyed by stream IDs; see index.h.
 *
 *                 inner: keys k0 .. k(n-1), children c0 .. cn
 *                 every key in c(i) is < k(i) <= every key in c(i+1)
 *               /            |              \
 *   leaf <-> leaf <-> ... <-> leaf <-> leaf      (doubly linked, in order)
 *   each leaf: n records, keys[] sorted, values[] beside them
 *
 * Invariants kept:
 *   - all leaves are at the same depth; the tree is empty (root NULL) or
 *     every leaf holds at least one record;
 *   - an inner node has at least one key (two children); the root is
 *     collapsed into its only child when it loses its last key;
 *   - below the root, a leaf with fewer than LEAF_MIN records or an inner
 *     node with fewer than INNER_MIN keys is merged with a sibling, or
 *     evened out with it when both do not fit in one node; the minimums
 *     are a quarter of a node so that deleting and re-adding around a
 *     boundary does not thrash;
 *   - separators may be stale after removals (a separator need not be a
 *     live key); they only have to keep the ordering rule above.
 *
 * Splits at the right edge of the tree (inserting past the last key) keep
 * the old node full and start the new one with the single new key, so an
 * index built in ascending order -- streams and PELs both are -- ends with
 * nearly full nodes instead of half-full ones.
 *
 * A root leaf starts with room for a few records and grows by doubling up
 * to LEAF_MAX, so the index of a tiny stream costs ~100 bytes, not 1.5 KB.
 * Leaf and inner sizes are picked so a full node is exactly 1536 bytes, a
 * jemalloc size class. */
#include "index.h"

#include <assert.h>
#include <string.h>

#include "mem.h"

#define LEAF_MAX 63
#define LEAF_MIN (LEAF_MAX / 4)
#define LEAF_FIRST_CAP 4
#define INNER_MAX 63
#define INNER_MIN (INNER_MAX / 4)
#define INDEX_MAX_DEPTH 40

struct index_leaf {
    struct index_leaf *prev, *next;
    uint32_t n;                  /* records in use */
    uint32_t cap;                /* room for records (<= LEAF_MAX) */
    struct stream_id keys[];     /* keys[cap], then void *values[cap] */
};

struct index_inner {
    uint32_t n;                  /* keys in use; children n + 1 */
    struct stream_id keys[INNER_MAX];
    void *child[INNER_MAX + 1];
};

struct index {
    void *root;                  /* struct index_leaf * when height 0 */
    unsigned height;             /* inner levels above the leaves */
    size_t count;                /* records */
    size_t nodes;                /* leaves + inner nodes */
    size_t bytes;                /* usable bytes of all nodes */
    struct index_leaf *head, *tail; /* leftmost and rightmost leaves */
};

/* One step of a root-to-leaf path: the inner node and the child taken. */
struct index_step {
    struct index_inner *node;
    unsigned idx;
};

static inline void **leaf_values(struct index_leaf *l)
{
    return (void **)(void *)(l->keys + l->cap);
}

static inline bool key_lt(const struct stream_id *a, const struct stream_id *b)
{
    return a->ms < b->ms || (a->ms == b->ms && a->seq < b->seq);
}

/* Bytes of a leaf with room for cap records. */
static size_t leaf_size(uint32_t cap)
{
    return sizeof(struct index_leaf) + cap * (sizeof(struct stream_id) + sizeof(void *));
}

/* A new empty, unlinked leaf, accounted in ix.  Cannot fail. */
static struct index_leaf *leaf_new(struct index *ix, uint32_t cap)
{
    struct index_leaf *l = mem_alloc(leaf_size(cap));
    l->prev = l->next = NULL;
    l->n = 0;
    l->cap = cap;
    ix->nodes++;
    ix->bytes += mem_block_size(l);
    return l;
}

/* Free a leaf already unlinked from the tree. */
static void leaf_free(struct index *ix, struct index_leaf *l)
{
    ix->nodes--;
    ix->bytes -= mem_block_size(l);
    mem_free(l);
}

/* A new empty inner node, accounted in ix.  Cannot fail. */
static struct index_inner *inner_new(struct index *ix)
{
    struct index_inner *in = mem_alloc(sizeof(*in));
    in->n = 0;
    ix->nodes++;
    ix->bytes += mem_block_size(in);
    return in;
}

/* Free an inner node already unlinked from the tree. */
static void inner_free(struct index *ix, struct index_inner *in)
{
    ix->nodes--;
    ix->bytes -= mem_block_size(in);
    mem_free(in);
}

struct index *index_new(void)
{
    struct index *ix = mem_calloc(sizeof(*ix));
    return ix;
}

/* Free a subtree of the given height, values through free_value. */
static void free_subtree(struct index *ix, void *node, unsigned height, void (*free_value)(void *))
{
    if (height == 0) {
        struct index_leaf *l = node;
        if (free_value) {
            void **v = leaf_values(l);
            for (uint32_t i = 0; i < l->n; i++)
                free_value(v[i]);
        }
        leaf_free(ix, l);
        return;
    }
    struct index_inner *in = node;
    for (uint32_t i = 0; i <= in->n; i++)
        free_subtree(ix, in->child[i], height - 1, free_value);
    inner_free(ix, in);
}

void index_free(struct index *ix, void (*free_value)(void *))
{
    if (!ix)
        return;
    if (ix->root)
        free_subtree(ix, ix->root, ix->height, free_value);
    mem_free(ix);
}

size_t index_count(const struct index *ix)
{
    return ix->count;
}

size_t index_node_count(const struct index *ix)
{
    return ix->nodes;
}

size_t index_memory(const struct index *ix)
{
    return ix->bytes + mem_block_size(ix);
}

/* First position in keys[0..n) whose key is >= k. */
static unsigned lower_bound(const struct stream_id *keys, unsigned n, const struct stream_id *k)
{
    unsigned lo = 0, hi = n;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (key_lt(&keys[mid], k))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* First position in keys[0..n) whose key is > k. */
static unsigned upper_bound(const struct stream_id *keys, unsigned n, const struct stream_id *k)
{
    unsigned lo = 0, hi = n;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (key_lt(k, &keys[mid]))
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Walk from the root to the leaf where k belongs, recording the path when
 * path is not NULL.  The tree must not be empty. */
static struct index_leaf *descend(const struct index *ix, const struct stream_id *k,
                                  struct index_step *path)
{
    void *node = ix->root;
    for (unsigned h = 0; h < ix->height; h++) {
        struct index_inner *in = node;
        unsigned i = upper_bound(in->keys, in->n, k);
        if (path) {
            path[h].node = in;
            path[h].idx = i;
        }
        node = in->child[i];
    }
    return node;
}

bool index_find(const struct index *ix, const struct stream_id *key, void **value)
{
    if (!ix->root)
        return false;
    struct index_leaf *l = descend(ix, key, NULL);
    unsigned pos = lower_bound(l->keys, l->n, key);
    if (pos == l->n || !stream_id_eq(&l->keys[pos], key))
        return false;
    if (value)
        *value = leaf_values(l)[pos];
    return true;
}

void **index_find_ref(struct index *ix, const struct stream_id *key)
{
    if (!ix->root)
        return NULL;
    struct index_leaf *l = descend(ix, key, NULL);
    unsigned pos = lower_bound(l->keys, l->n, key);
    if (pos == l->n || !stream_id_eq(&l->keys[pos], key))
        return NULL;
    return &leaf_values(l)[pos];
}

/* Put the slot of the child pointer at path level h (or the root) to
 * node. */
static void set_parent_slot(struct index *ix, struct index_step *path, unsigned h, void *node)
{
    if (h == 0)
        ix->root = node;
    else
        path[h - 1].node->child[path[h - 1].idx] = node;
}

/* Grow a leaf (only ever the root leaf) to twice its room, fixing the
 * links to it.  Returns the moved leaf. */
static struct index_leaf *leaf_grow(struct index *ix, struct index_leaf *l, struct index_step *path)
{
    uint32_t cap = l->cap * 2 > LEAF_MAX ? LEAF_MAX : l->cap * 2;
    struct index_leaf *nl = leaf_new(ix, cap);
    nl->prev = l->prev;
    nl->next = l->next;
    nl->n = l->n;
    memcpy(nl->keys, l->keys, l->n * sizeof(struct stream_id));
    memcpy(leaf_values(nl), leaf_values(l), l->n * sizeof(void *));
    if (nl->prev)
        nl->prev->next = nl;
    else
        ix->head = nl;
    if (nl->next)
        nl->next->prev = nl;
    else
        ix->tail = nl;
    set_parent_slot(ix, path, ix->height, nl);
    leaf_free(ix, l);
    return nl;
}

/* Insert k -> v at pos of a leaf that has room. */
static void leaf_insert_at(struct index_leaf *l, unsigned pos, const struct stream_id *k, void *v)
{
    void **vals = leaf_values(l);
    memmove(&l->keys[pos + 1], &l->keys[pos], (l->n - pos) * sizeof(struct stream_id));
    memmove(&vals[pos + 1], &vals[pos], (l->n - pos) * sizeof(void *));
    l->keys[pos] = *k;
    vals[pos] = v;
    l->n++;
}

/* Insert separator k with right child r just after child idx of in, which
 * has room. */
static void inner_insert_at(struct index_inner *in, unsigned idx, const struct stream_id *k, void *r)
{
    memmove(&in->keys[idx + 1], &in->keys[idx], (in->n - idx) * sizeof(struct stream_id));
    memmove(&in->child[idx + 2], &in->child[idx + 1], (in->n - idx) * sizeof(void *));
    in->keys[idx] = *k;
    in->child[idx + 1] = r;
    in->n++;
}

/* After a split at level h produced (sep, right) to the right of the
 * child at path[h-1], insert them upwards, splitting inner nodes as
 * needed and growing a new root at the top. */
static void insert_upwards(struct index *ix, struct index_step *path, unsigned h,
                           struct stream_id sep, void *right, bool rightmost)
{
    while (h > 0) {
        struct index_inner *in = path[h - 1].node;
        unsigned idx = path[h - 1].idx;
        if (in->n < INNER_MAX) {
            inner_insert_at(in, idx, &sep, right);
            return;
        }
        /* Split a full inner node: lay out INNER_MAX+1 keys and
         * INNER_MAX+2 children, keep a left part, push one key up. */
        struct stream_id keys[INNER_MAX + 1];
        void *child[INNER_MAX + 2];
        memcpy(keys, in->keys, idx * sizeof(struct stream_id));
        keys[idx] = sep;
        memcpy(&keys[idx + 1], &in->keys[idx], (INNER_MAX - idx) * sizeof(struct stream_id));
        memcpy(child, in->child, (idx + 1) * sizeof(void *));
        child[idx + 1] = right;
        memcpy(&child[idx + 2], &in->child[idx + 1], (INNER_MAX - idx) * sizeof(void *));
        /* Left keeps m keys, keys[m] goes up, right takes the rest; at the
         * right edge the new node takes a single key. */
        unsigned total = INNER_MAX + 1;
        unsigned m = (rightmost && idx == INNER_MAX) ? total - 2 : total / 2;
        struct index_inner *rn = inner_new(ix);
        in->n = m;
        memcpy(in->keys, keys, m * sizeof(struct stream_id));
        memcpy(in->child, child, (m + 1) * sizeof(void *));
        rn->n = total - m - 1;
        memcpy(rn->keys, &keys[m + 1], rn->n * sizeof(struct stream_id));
        memcpy(rn->child, &child[m + 1], (rn->n + 1) * sizeof(void *));
        sep = keys[m];
        right = rn;
        h--;
    }
    /* The root split: a new root with two children. */
    struct index_inner *root = inner_new(ix);
    root->n = 1;
    root->keys[0] = sep;
    root->child[0] = ix->root;
    root->child[1] = right;
    ix->root = root;
    ix->height++;
}

bool index_insert(struct index *ix, const struct stream_id *key, void *value)
{
    if (!ix->root) {
        struct index_leaf *l = leaf_new(ix, LEAF_FIRST_CAP);
        leaf_insert_at(l, 0, key, value);
        ix->root = ix->head = ix->tail = l;
        ix->count = 1;
        return true;
    }
    struct index_step path[INDEX_MAX_DEPTH];
    struct index_leaf *l = descend(ix, key, path);
    unsigned pos = lower_bound(l->keys, l->n, key);
    if (pos < l->n && stream_id_eq(&l->keys[pos], key))
        return false;
    ix->count++;
    if (l->n == l->cap && l->cap < LEAF_MAX)
        l = leaf_grow(ix, l, path);
    if (l->n < l->cap) {
        leaf_insert_at(l, pos, key, value);
        return true;
    }

    /* Split the full leaf. */
    bool rightmost = l->next == NULL;
    struct index_leaf *r = leaf_new(ix, LEAF_MAX);
    if (rightmost && pos == l->n) {
        leaf_insert_at(r, 0, key, value);
    } else {
        unsigned m = (l->n + 1) / 2;
        void **lv = leaf_values(l), **rv = leaf_values(r);
        r->n = l->n - m;
        memcpy(r->keys, &l->keys[m], r->n * sizeof(struct stream_id));
        memcpy(rv, &lv[m], r->n * sizeof(void *));
        l->n = m;
        if (pos <= m)
            leaf_insert_at(l, pos, key, value);
        else
            leaf_insert_at(r, pos - m, key, value);
    }
    r->prev = l;
    r->next = l->next;
    if (r->next)
        r->next->prev = r;
    else
        ix->tail = r;
    l->next = r;
    insert_upwards(ix, path, ix->height, r->keys[0], r, rightmost);
    return true;
}

/* Remove the child at index ci + 1 and the separator ci of in. */
static void inner_remove_right(struct index_inner *in, unsigned ci)
{
    memmove(&in->keys[ci], &in->keys[ci + 1], (in->n - ci - 1) * sizeof(struct stream_id));
    memmove(&in->child[ci + 1], &in->child[ci + 2], (in->n - ci - 1) * sizeof(void *));
    in->n--;
}

/* Rebalance the underfull leaf l, child path[h-1].idx of its parent, with
 * a sibling.  Returns true when the parent lost a key (merge). */
static bool leaf_rebalance(struct index *ix, struct index_step *path, unsigned h, struct index_leaf *l)
{
    struct index_inner *p = path[h - 1].node;
    unsigned ci = path[h - 1].idx;
    unsigned li = ci > 0 ? ci - 1 : ci;        /* the left one of the pair */
    struct index_leaf *a = p->child[li], *b = p->child[li + 1];
    (void)l;
    void **av = leaf_values(a), **bv = leaf_values(b);
    if (a->n + b->n <= a->cap) {
        memcpy(&a->keys[a->n], b->keys, b->n * sizeof(struct stream_id));
        memcpy(&av[a->n], bv, b->n * sizeof(void *));
        a->n += b->n;
        a->next = b->next;
        if (a->next)
            a->next->prev = a;
        else
            ix->tail = a;
        leaf_free(ix, b);
        inner_remove_right(p, li);
        return true;
    }
    /* Even them out. */
    unsigned total = a->n + b->n, want_a = total / 2;
    if (a->n > want_a) {
        unsigned move = a->n - want_a;
        memmove(&b->keys[move], b->keys, b->n * sizeof(struct stream_id));
        memmove(&bv[move], bv, b->n * sizeof(void *));
        memcpy(b->keys, &a->keys[want_a], move * sizeof(struct stream_id));
        memcpy(bv, &av[want_a], move * sizeof(void *));
        a->n -= move;
        b->n += move;
    } else {
        unsigned move = want_a - a->n;
        memcpy(&a->keys[a->n], b->keys, move * sizeof(struct stream_id));
        memcpy(&av[a->n], bv, move * sizeof(void *));
        memmove(b->keys, &b->keys[move], (b->n - move) * sizeof(struct stream_id));
        memmove(bv, &bv[move], (b->n - move) * sizeof(void *));
        a->n += move;
        b->n -= move;
    }
    p->keys[li] = b->keys[0];
    return false;
}

/* Rebalance the underfull inner node at level h (path[h].node), child
 * path[h-1].idx of its parent.  Returns true when the parent lost a key. */
static bool inner_rebalance(struct index *ix, struct index_step *path, unsigned h)
{
    struct index_inner *p = path[h - 1].node;
    unsigned ci = path[h - 1].idx;
    unsigned li = ci > 0 ? ci - 1 : ci;
    struct index_inner *a = p->child[li], *b = p->child[li + 1];
    if (a->n + 1 + b->n <= INNER_MAX) {
        a->keys[a->n] = p->keys[li];
        memcpy(&a->keys[a->n + 1], b->keys, b->n * sizeof(struct stream_id));
        memcpy(&a->child[a->n + 1], b->child, (b->n + 1) * sizeof(void *));
        a->n += 1 + b->n;
        inner_free(ix, b);
        inner_remove_right(p, li);
        return true;
    }
    /* Rotate through the parent: lay both out with the separator between
     * them and cut in the middle. */
    struct stream_id keys[2 * INNER_MAX + 1];
    void *child[2 * INNER_MAX + 2];
    unsigned nk = 0, nc = 0;
    memcpy(keys, a->keys, a->n * sizeof(struct stream_id));
    nk = a->n;
    keys[nk++] = p->keys[li];
    memcpy(&keys[nk], b->keys, b->n * sizeof(struct stream_id));
    nk += b->n;
    memcpy(child, a->child, (a->n + 1) * sizeof(void *));
    nc = a->n + 1;
    memcpy(&child[nc], b->child, (b->n + 1) * sizeof(void *));
    nc += b->n + 1;
    unsigned m = nk / 2;
    a->n = m;
    memcpy(a->keys, keys, m * sizeof(struct stream_id));
    memcpy(a->child, child, (m + 1) * sizeof(void *));
    p->keys[li] = keys[m];
    b->n = nk - m - 1;
    memcpy(b->keys, &keys[m + 1], b->n * sizeof(struct stream_id));
    memcpy(b->child, &child[m + 1], (b->n + 1) * sizeof(void *));
    (void)nc;
    return false;
}

bool index_remove(struct index *ix, const struct stream_id *key, void **value)
{
    if (!ix->root)
        return false;
    struct index_step path[INDEX_MAX_DEPTH];
    struct index_leaf *l = descend(ix, key, path);
    unsigned pos = lower_bound(l->keys, l->n, key);
    if (pos == l->n || !stream_id_eq(&l->keys[pos], key))
        return false;
    void **vals = leaf_values(l);
    if (value)
        *value = vals[pos];
    memmove(&l->keys[pos], &l->keys[pos + 1], (l->n - pos - 1) * sizeof(struct stream_id));
    memmove(&vals[pos], &vals[pos + 1], (l->n - pos - 1) * sizeof(void *));
    l->n--;
    ix->count--;

    unsigned h = ix->height;
    if (h == 0) {
        if (l->n == 0) {
            leaf_free(ix, l);
            ix->root = ix->head = ix->tail = NULL;
        }
        return true;
    }
    if (l->n >= LEAF_MIN)
        return true;
    if (!leaf_rebalance(ix, path, h, l))
        return true;
    /* The parent lost a key: walk up while inner nodes underflow. */
    for (h = h - 1; h > 0; h--) {
        if (path[h].node->n >= INNER_MIN)
            return true;
        if (!inner_rebalance(ix, path, h))
            return true;
    }
    struct index_inner *root = ix->root;
    if (root->n == 0) {
        ix->root = root->child[0];
        ix->height--;
        inner_free(ix, root);
    }
    return true;
}

/* Fill it->key/value from its position; false when it is past an end. */
static bool iter_load(struct index_iter *it)
{
    if (!it->leaf)
        return false;
    it->key = it->leaf->keys[it->pos];
    it->value = leaf_values(it->leaf)[it->pos];
    return true;
}

bool index_seek(const struct index *ix, struct index_iter *it, enum index_seek_op op,
                const struct stream_id *key)
{
    it->leaf = NULL;
    it->pos = 0;
    if (!ix->root)
        return false;
    struct index_leaf *l;
    unsigned pos;
    switch (op) {
    case INDEX_FIRST:
        it->leaf = ix->head;
        it->pos = 0;
        return iter_load(it);
    case INDEX_LAST:
        it->leaf = ix->tail;
        it->pos = ix->tail->n - 1;
        return iter_load(it);
    case INDEX_GE:
    case INDEX_GT:
        l = descend(ix, key, NULL);
        pos = op == INDEX_GE ? lower_bound(l->keys, l->n, key) : upper_bound(l->keys, l->n, key);
        if (pos == l->n) {
            l = l->next;
            pos = 0;
        }
        it->leaf = l;
        it->pos = pos;
        return iter_load(it);
    case INDEX_LE:
    case INDEX_LT:
    default:
        l = descend(ix, key, NULL);
        pos = op == INDEX_LE ? upper_bound(l->keys, l->n, key) : lower_bound(l->keys, l->n, key);
        if (pos == 0) {
            l = l->prev;
            pos = l ? l->n : 0;
        }
        it->leaf = l;
        it->pos = pos ? pos - 1 : 0;
        return iter_load(it);
    }
}

bool index_next(struct index_iter *it)
{
    if (!it->leaf)
        return false;
    if (++it->pos >= it->leaf->n) {
        it->leaf = it->leaf->next;
        it->pos = 0;
    }
    return iter_load(it);
}

bool index_prev(struct index_iter *it)
{
    if (!it->leaf)
        return false;
    if (it->pos == 0) {
        it->leaf = it->leaf->prev;
        it->pos = it->leaf ? it->leaf->n - 1 : 0;
    } else {
        it->pos--;
    }
    return iter_load(it);
}

void index_iter_set_value(struct index_iter *it, void *value)
{
    assert(it->leaf);
    leaf_values(it->leaf)[it->pos] = value;
    it->value = value;
}

/* Recursive part of index_check: the subtree's keys must lie in
 * [lo, hi) (bounds optional); collects leaves in order into *leaf_cursor
 * to compare with the linked list. */
static bool check_subtree(const struct index *ix, void *node, unsigned height,
                          const struct stream_id *lo, const struct stream_id *hi, bool is_root,
                          struct index_leaf **expect_leaf, size_t *count, size_t *nodes)
{
    (*nodes)++;
    if (height == 0) {
        struct index_leaf *l = node;
        if (l->n == 0 || l->n > l->cap || l->cap > LEAF_MAX)
            return false;
        if (!is_root && l->n < 1)
            return false;
        if (*expect_leaf != l)
            return false;
        for (uint32_t i = 0; i < l->n; i++) {
            if (i > 0 && !key_lt(&l->keys[i - 1], &l->keys[i]))
                return false;
            if (lo && key_lt(&l->keys[i], lo))
                return false;
            if (hi && !key_lt(&l->keys[i], hi))
                return false;
        }
        if (l->next && l->next->prev != l)
            return false;
        *expect_leaf = l->next;
        *count += l->n;
        return true;
    }
    struct index_inner *in = node;
    if (in->n == 0 || in->n > INNER_MAX)
        return false;
    for (uint32_t i = 0; i <= in->n; i++) {
        if (i < in->n) {
            if (i > 0 && !key_lt(&in->keys[i - 1], &in->keys[i]))
                return false;
            if (lo && key_lt(&in->keys[i], lo))
                return false;
            if (hi && key_lt(hi, &in->keys[i]))
                return false;
        }
        const struct stream_id *clo = i == 0 ? lo : &in->keys[i - 1];
        const struct stream_id *chi = i == in->n ? hi : &in->keys[i];
        if (!check_subtree(ix, in->child[i], height - 1, clo, chi, false, expect_leaf, count, nodes))
            return false;
    }
    return true;
}

bool index_check(const struct index *ix)
{
    if (!ix->root)
        return ix->count == 0 && ix->nodes == 0 && !ix->head && !ix->tail && ix->height == 0;
    struct index_leaf *cursor = ix->head;
    size_t count = 0, nodes = 0;
    if (ix->head->prev || ix->tail->next)
        return false;
    if (!check_subtree(ix, ix->root, ix->height, NULL, NULL, true, &cursor, &count, &nodes))
        return false;
    return cursor == NULL && count == ix->count && nodes == ix->nodes;
}
