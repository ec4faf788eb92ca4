/* stream_group.c -- consumer groups, consumers and PELs; see
 * stream_group.h for the structure and its invariants.
 *
 * Groups and consumers live in arrays sorted by name and found by binary
 * search: they are few (tens, thousands at most) next to the PEL, which
 * may hold millions of records and lives in B+tree indexes.  A record is
 * one allocation shared by the three indexes that point at it (group by
 * ID, group by delivery time, owner by ID); it is freed by whoever removes
 * it from the group's pel. */
#include "stream_group.h"

#include <assert.h>
#include <string.h>

#include "mem.h"

int stream_name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c < 0 ? -1 : 1;
    return alen == blen ? 0 : (alen < blen ? -1 : 1);
}

/* The pel_time key of a record. */
static struct stream_id time_key(const struct stream_pending *p)
{
    struct stream_id k = {(uint64_t)p->delivery_time, p->order};
    return k;
}

/* --- Sorted name arrays --------------------------------------------------- */

/* Binary search over a sorted array of objects with a name: the index of
 * the match (*found true) or of the insertion point.  get_name reads the
 * name of element i. */
static size_t name_search(void *const *v, size_t n, const char *name, size_t len,
                          const char *(*get_name)(const void *, size_t *), bool *found)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        size_t mlen;
        const char *mname = get_name(v[mid], &mlen);
        int c = stream_name_cmp(mname, mlen, name, len);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

/* Insert p at position pos of a growable pointer array. */
static void array_insert(void ***v, size_t *n, size_t *cap, size_t pos, void *p)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 4;
        *v = mem_realloc(*v, sizeof(void *) * *cap);
    }
    memmove(*v + pos + 1, *v + pos, sizeof(void *) * (*n - pos));
    (*v)[pos] = p;
    (*n)++;
}

/* Remove the element at pos. */
static void array_remove(void **v, size_t *n, size_t pos)
{
    memmove(v + pos, v + pos + 1, sizeof(void *) * (*n - pos - 1));
    (*n)--;
}

/* get_name for the group array. */
static const char *group_name(const void *p, size_t *len)
{
    const struct stream_group *g = p;
    *len = g->name_len;
    return g->name;
}

/* get_name for the consumer array. */
static const char *consumer_name(const void *p, size_t *len)
{
    const struct stream_consumer *c = p;
    *len = c->name_len;
    return c->name;
}

/* --- Freeing ------------------------------------------------------------------ */

static void consumer_free(struct stream_consumer *c)
{
    index_free(c->pending, NULL);
    mem_free(c->name);
    mem_free(c);
}

/* index_free callback for a group's pel (which owns the records). */
static void record_free(void *p)
{
    mem_free(p);
}

/* Free a group: consumers, both indexes and every record. */
static void group_free(struct stream_group *g)
{
    for (size_t i = 0; i < g->nconsumers; i++)
        consumer_free(g->consumers[i]);
    mem_free(g->consumers);
    index_free(g->pel_time, NULL);
    index_free(g->pel, record_free);
    mem_free(g->name);
    mem_free(g);
}

void stream_groups_free(struct stream_groups *gs)
{
    if (!gs)
        return;
    for (size_t i = 0; i < gs->n; i++)
        group_free(gs->v[i]);
    mem_free(gs->v);
    mem_free(gs);
}

/* --- Groups -------------------------------------------------------------- */

size_t stream_group_count(const struct stream *s)
{
    return s->groups ? s->groups->n : 0;
}

struct stream_group *stream_group_at(const struct stream *s, size_t i)
{
    assert(s->groups && i < s->groups->n);
    return s->groups->v[i];
}

struct stream_group *stream_group_find(const struct stream *s, const char *name, size_t len)
{
    if (!s->groups)
        return NULL;
    bool found;
    size_t i = name_search((void *const *)s->groups->v, s->groups->n, name, len, group_name,
                           &found);
    return found ? s->groups->v[i] : NULL;
}

/* entries_read as XGROUP CREATE/SETID store it: -1 stays, anything above
 * the entries ever added is lowered to that count. */
static int64_t clamp_entries_read(const struct stream *s, int64_t entries_read)
{
    if (entries_read != STREAM_ENTRIES_READ_INVALID && (uint64_t)entries_read > s->entries_added)
        return (int64_t)s->entries_added;
    return entries_read;
}

/* A group with no consumers and an empty PEL. */
static struct stream_group *group_new(const char *name, size_t len)
{
    struct stream_group *g = mem_calloc(sizeof(*g));
    g->name = mem_strndup(name, len);
    g->name_len = len;
    g->pel = index_new();
    g->pel_time = index_new();
    return g;
}

/* Put g into s's sorted group array at its place; false if taken. */
static bool groups_insert(struct stream *s, struct stream_group *g)
{
    if (!s->groups)
        s->groups = mem_calloc(sizeof(*s->groups));
    bool found;
    size_t pos = name_search((void *const *)s->groups->v, s->groups->n, g->name, g->name_len,
                             group_name, &found);
    if (found)
        return false;
    array_insert((void ***)&s->groups->v, &s->groups->n, &s->groups->cap, pos, g);
    return true;
}

struct stream_group *stream_group_create(struct stream *s, const char *name, size_t len,
                                         const struct stream_id *last_id, int64_t entries_read)
{
    if (stream_group_find(s, name, len))
        return NULL;
    struct stream_group *g = group_new(name, len);
    g->last_id = *last_id;
    g->entries_read = clamp_entries_read(s, entries_read);
    groups_insert(s, g);
    return g;
}

bool stream_group_destroy(struct stream *s, const char *name, size_t len)
{
    if (!s->groups)
        return false;
    bool found;
    size_t pos = name_search((void *const *)s->groups->v, s->groups->n, name, len, group_name,
                             &found);
    if (!found)
        return false;
    struct stream_group *g = s->groups->v[pos];
    array_remove((void **)s->groups->v, &s->groups->n, pos);
    group_free(g);
    /* A stream without groups costs nothing for them again. */
    if (s->groups->n == 0) {
        stream_groups_free(s->groups);
        s->groups = NULL;
    }
    return true;
}

void stream_group_set_id(const struct stream *s, struct stream_group *g,
                         const struct stream_id *id, int64_t entries_read)
{
    g->last_id = *id;
    g->entries_read = clamp_entries_read(s, entries_read);
}

bool stream_has_tombstones_after(const struct stream *s, const struct stream_id *start)
{
    if (!s->length || stream_id_is_zero(&s->max_deleted_id))
        return false;
    return stream_id_cmp(start, &s->max_deleted_id) <= 0;
}

int64_t stream_estimate_entries_read(const struct stream *s, const struct stream_id *id)
{
    /* Nothing was ever added: every counter is 0. */
    if (!s->entries_added)
        return 0;
    /* An empty stream: up to its last ID, every entry ever added. */
    if (!s->length && stream_id_cmp(id, &s->last_id) <= 0)
        return (int64_t)s->entries_added;
    /* A deletion after id makes the distance unknowable. */
    if (!stream_id_is_zero(id) && stream_id_cmp(id, &s->max_deleted_id) < 0)
        return STREAM_ENTRIES_READ_INVALID;
    int cmp_last = stream_id_cmp(id, &s->last_id);
    if (cmp_last == 0)
        return (int64_t)s->entries_added;
    if (cmp_last > 0)
        return STREAM_ENTRIES_READ_INVALID; /* the future */
    int cmp_first = stream_id_cmp(id, &s->first_id);
    if (stream_id_is_zero(&s->max_deleted_id) ||
        stream_id_cmp(&s->max_deleted_id, &s->first_id) < 0) {
        /* No deletion inside the live range: before the first entry lie
         * exactly the entries that are gone. */
        if (cmp_first < 0)
            return (int64_t)(s->entries_added - s->length);
        if (cmp_first == 0)
            return (int64_t)(s->entries_added - s->length + 1);
    }
    return STREAM_ENTRIES_READ_INVALID;
}

void stream_group_advance(const struct stream *s, struct stream_group *g,
                          const struct stream_id *id)
{
    if (stream_id_cmp(id, &g->last_id) <= 0)
        return;
    if (g->entries_read != STREAM_ENTRIES_READ_INVALID &&
        stream_id_cmp(&g->last_id, &s->first_id) >= 0 &&
        !stream_has_tombstones_after(s, &g->last_id))
        g->entries_read++;
    else if (s->entries_added)
        g->entries_read = stream_estimate_entries_read(s, id);
    g->last_id = *id;
}

bool stream_group_lag(const struct stream *s, const struct stream_group *g, int64_t *lag)
{
    if (!s->entries_added || !s->length) {
        /* Never written, or emptied: nothing left to read. */
        *lag = 0;
        return true;
    }
    if (stream_id_cmp(&g->last_id, &s->first_id) < 0 &&
        stream_id_cmp(&s->max_deleted_id, &s->first_id) < 0) {
        /* Behind the whole stream with no hole in it: all of it. */
        *lag = (int64_t)s->length;
        return true;
    }
    if (g->entries_read != STREAM_ENTRIES_READ_INVALID &&
        !stream_has_tombstones_after(s, &g->last_id)) {
        *lag = (int64_t)s->entries_added - g->entries_read;
        return true;
    }
    int64_t read = stream_estimate_entries_read(s, &g->last_id);
    if (read == STREAM_ENTRIES_READ_INVALID)
        return false;
    *lag = (int64_t)s->entries_added - read;
    return true;
}

/* --- Consumers ----------------------------------------------------------- */

struct stream_consumer *stream_consumer_find(const struct stream_group *g, const char *name,
                                             size_t len)
{
    bool found;
    size_t i = name_search((void *const *)g->consumers, g->nconsumers, name, len, consumer_name,
                           &found);
    return found ? g->consumers[i] : NULL;
}

struct stream_consumer *stream_consumer_create(struct stream_group *g, const char *name,
                                               size_t len, int64_t now_ms)
{
    bool found;
    size_t pos = name_search((void *const *)g->consumers, g->nconsumers, name, len,
                             consumer_name, &found);
    if (found)
        return NULL;
    struct stream_consumer *c = mem_calloc(sizeof(*c));
    c->name = mem_strndup(name, len);
    c->name_len = len;
    c->pending = index_new();
    c->seen_time = now_ms;
    c->active_time = -1;
    array_insert((void ***)&g->consumers, &g->nconsumers, &g->consumers_cap, pos, c);
    return c;
}

/* Unlink p from the group's indexes and its owner's set, and free it. */
static void record_remove(struct stream_group *g, struct stream_pending *p)
{
    struct stream_id tk = time_key(p);
    bool ok = index_remove(g->pel_time, &tk, NULL);
    assert(ok);
    ok = index_remove(g->pel, &p->id, NULL);
    assert(ok);
    if (p->owner) {
        ok = index_remove(p->owner->pending, &p->id, NULL);
        assert(ok);
    } else {
        g->nacked--;
    }
    (void)ok;
    mem_free(p);
}

uint64_t stream_consumer_delete(struct stream_group *g, struct stream_consumer *c)
{
    uint64_t had = index_count(c->pending);
    struct index_iter it;
    while (index_seek(c->pending, &it, INDEX_FIRST, NULL))
        record_remove(g, it.value);
    bool found;
    size_t pos = name_search((void *const *)g->consumers, g->nconsumers, c->name, c->name_len,
                             consumer_name, &found);
    assert(found && g->consumers[pos] == c);
    array_remove((void **)g->consumers, &g->nconsumers, pos);
    consumer_free(c);
    return had;
}

/* --- The PEL ------------------------------------------------------------- */

struct stream_pending *stream_pel_find(const struct stream_group *g, const struct stream_id *id)
{
    void *v;
    return index_find(g->pel, id, &v) ? v : NULL;
}

/* Key p into pel_time at its delivery time, after everything there. */
static void time_insert(struct stream_group *g, struct stream_pending *p)
{
    p->order = g->next_order++;
    struct stream_id tk = time_key(p);
    bool ok = index_insert(g->pel_time, &tk, p);
    assert(ok);
    (void)ok;
}

/* Take p out of pel_time (before its time or order changes). */
static void time_remove(struct stream_group *g, struct stream_pending *p)
{
    struct stream_id tk = time_key(p);
    bool ok = index_remove(g->pel_time, &tk, NULL);
    assert(ok);
    (void)ok;
}

/* Move p from its owner (or the NACK zone) to owner (or the zone). */
static void set_owner(struct stream_group *g, struct stream_pending *p,
                      struct stream_consumer *owner)
{
    if (p->owner == owner)
        return;
    if (p->owner) {
        bool ok = index_remove(p->owner->pending, &p->id, NULL);
        assert(ok);
        (void)ok;
    } else {
        g->nacked--;
    }
    p->owner = owner;
    if (owner) {
        bool ok = index_insert(owner->pending, &p->id, p);
        assert(ok);
        (void)ok;
    } else {
        g->nacked++;
    }
}

struct stream_pending *stream_pel_add(struct stream_group *g, const struct stream_id *id,
                                      struct stream_consumer *owner, int64_t delivery_time,
                                      uint64_t delivery_count)
{
    struct stream_pending *p = mem_calloc(sizeof(*p));
    p->id = *id;
    p->delivery_time = owner ? delivery_time : 0;
    p->delivery_count = delivery_count;
    bool ok = index_insert(g->pel, id, p);
    assert(ok);
    (void)ok;
    p->owner = owner;
    if (owner) {
        ok = index_insert(owner->pending, id, p);
        assert(ok);
    } else {
        g->nacked++;
    }
    time_insert(g, p);
    return p;
}

void stream_pel_claim(struct stream_group *g, struct stream_pending *p,
                      struct stream_consumer *owner, int64_t delivery_time)
{
    assert(owner);
    time_remove(g, p);
    set_owner(g, p, owner);
    p->delivery_time = delivery_time;
    time_insert(g, p);
}

struct stream_pending *stream_pel_deliver(struct stream_group *g, struct stream_consumer *c,
                                          const struct stream_id *id, int64_t now_ms)
{
    struct stream_pending *p = stream_pel_find(g, id);
    if (!p)
        return stream_pel_add(g, id, c, now_ms, 1);
    stream_pel_claim(g, p, c, now_ms);
    p->delivery_count = 1;
    return p;
}

void stream_pel_release(struct stream_group *g, struct stream_pending *p)
{
    time_remove(g, p);
    set_owner(g, p, NULL);
    p->delivery_time = 0;
    time_insert(g, p);
}

bool stream_pel_ack(struct stream_group *g, const struct stream_id *id)
{
    struct stream_pending *p = stream_pel_find(g, id);
    if (!p)
        return false;
    record_remove(g, p);
    return true;
}

/* --- References ---------------------------------------------------------- */

bool stream_entry_is_referenced(const struct stream *s, const struct stream_id *id)
{
    for (size_t i = 0; i < stream_group_count(s); i++) {
        const struct stream_group *g = s->groups->v[i];
        if (stream_id_cmp(&g->last_id, id) < 0)
            return true; /* not delivered to this group yet */
        if (stream_pel_find(g, id))
            return true;
    }
    return false;
}

void stream_entry_drop_refs(struct stream *s, const struct stream_id *id)
{
    for (size_t i = 0; i < stream_group_count(s); i++)
        stream_pel_ack(s->groups->v[i], id);
}

/* --- Copy, memory, check --------------------------------------------------- */

void stream_groups_copy(struct stream *dst, const struct stream *src)
{
    assert(!dst->groups);
    for (size_t i = 0; i < stream_group_count(src); i++) {
        const struct stream_group *sg = src->groups->v[i];
        struct stream_group *dg = group_new(sg->name, sg->name_len);
        dg->last_id = sg->last_id;
        dg->entries_read = sg->entries_read;
        groups_insert(dst, dg);
        for (size_t j = 0; j < sg->nconsumers; j++) {
            const struct stream_consumer *sc = sg->consumers[j];
            struct stream_consumer *dc =
                stream_consumer_create(dg, sc->name, sc->name_len, sc->seen_time);
            dc->active_time = sc->active_time;
        }
        /* Records in pel_time order keep their keys, so claim order and
         * the NACK zone are the same in the copy. */
        struct index_iter it;
        bool more = index_seek(sg->pel_time, &it, INDEX_FIRST, NULL);
        for (; more; more = index_next(&it)) {
            const struct stream_pending *sp = it.value;
            struct stream_consumer *owner = NULL;
            if (sp->owner)
                owner = stream_consumer_find(dg, sp->owner->name, sp->owner->name_len);
            struct stream_pending *dp = mem_calloc(sizeof(*dp));
            *dp = *sp;
            dp->owner = owner;
            index_insert(dg->pel, &dp->id, dp);
            index_insert(dg->pel_time, &it.key, dp);
            if (owner)
                index_insert(owner->pending, &dp->id, dp);
            else
                dg->nacked++;
        }
        dg->next_order = sg->next_order;
    }
}

size_t stream_groups_memory(const struct stream_groups *gs)
{
    if (!gs)
        return 0;
    size_t total = mem_block_size(gs) + mem_block_size(gs->v);
    for (size_t i = 0; i < gs->n; i++) {
        const struct stream_group *g = gs->v[i];
        total += mem_block_size(g) + mem_block_size(g->name) + mem_block_size(g->consumers);
        total += index_memory(g->pel) + index_memory(g->pel_time);
        /* Records are all the same size: one measured, times the count. */
        struct index_iter it;
        if (index_seek(g->pel, &it, INDEX_FIRST, NULL))
            total += mem_block_size(it.value) * index_count(g->pel);
        for (size_t j = 0; j < g->nconsumers; j++) {
            const struct stream_consumer *c = g->consumers[j];
            total += mem_block_size(c) + mem_block_size(c->name) + index_memory(c->pending);
        }
    }
    return total;
}

/* Every record of one consumer is owned by it and is the group's. */
static bool check_consumer(const struct stream_group *g, const struct stream_consumer *c)
{
    if (!index_check(c->pending))
        return false;
    struct index_iter it;
    bool more = index_seek(c->pending, &it, INDEX_FIRST, NULL);
    for (; more; more = index_next(&it)) {
        const struct stream_pending *p = it.value;
        if (p->owner != c || !stream_id_eq(&p->id, &it.key) || stream_pel_find(g, &p->id) != p)
            return false;
    }
    return true;
}

/* The group's indexes agree with each other and with the consumers. */
static bool check_group(const struct stream_group *g)
{
    if (!index_check(g->pel) || !index_check(g->pel_time))
        return false;
    if (index_count(g->pel) != index_count(g->pel_time))
        return false;
    uint64_t owned = 0;
    for (size_t j = 0; j < g->nconsumers; j++) {
        const struct stream_consumer *c = g->consumers[j];
        if (j > 0 && stream_name_cmp(g->consumers[j - 1]->name, g->consumers[j - 1]->name_len,
                                     c->name, c->name_len) >= 0)
            return false;
        if (!check_consumer(g, c))
            return false;
        owned += index_count(c->pending);
    }
    if (owned + g->nacked != index_count(g->pel))
        return false;
    uint64_t nacked = 0;
    struct index_iter it;
    bool more = index_seek(g->pel, &it, INDEX_FIRST, NULL);
    for (; more; more = index_next(&it)) {
        const struct stream_pending *p = it.value;
        if (!stream_id_eq(&p->id, &it.key) || p->order >= g->next_order)
            return false;
        struct stream_id tk = time_key(p);
        void *v;
        if (!index_find(g->pel_time, &tk, &v) || v != p)
            return false;
        if (p->delivery_count > STREAM_DELIVERY_COUNT_MAX || p->delivery_time < 0)
            return false;
        if (p->owner) {
            if (stream_consumer_find(g, p->owner->name, p->owner->name_len) != p->owner)
                return false;
            if (!index_find(p->owner->pending, &p->id, &v) || v != p)
                return false;
        } else {
            if (p->delivery_time != 0)
                return false;
            nacked++;
        }
    }
    return nacked == g->nacked;
}

bool stream_groups_check(const struct stream *s)
{
    if (s->groups && s->groups->n == 0)
        return false; /* an empty set is freed */
    for (size_t i = 0; i < stream_group_count(s); i++) {
        const struct stream_group *g = s->groups->v[i];
        if (i > 0 && stream_name_cmp(s->groups->v[i - 1]->name, s->groups->v[i - 1]->name_len,
                                     g->name, g->name_len) >= 0)
            return false;
        if (!check_group(g))
            return false;
    }
    return true;
}
