/* aof_base.c -- the base file of the append-only file: the whole data set
 * as commands, in the style of Redis 7.0's own rewrite, so that a stream
 * without newer state (IDMP, released records) loads into Redis 7.0 too.
 *
 * Per database that has keys, SELECT n; per stream, in this order (each
 * step needs what the ones before it built):
 *
 *   XADD key <id> f v ...          every live entry, its exact ID, in order
 *                                  (placeholders, below, merged in)
 *   XADD key MAXLEN 0 <id> x y     instead, when nothing was added (id: the
 *                                  last ID, 0-1 for 0-0, which XADD refuses)
 *   XSETID key <last> ENTRIESADDED <n> MAXDELETEDID <id>
 *   XCFGSET key IDMP-DURATION <s> IDMP-MAXSIZE <n>     only with IDMP state
 *   XIDMPRECORD key <pid> <iid> <id>                   each iid held
 *   per group, in name order:
 *     XGROUP CREATE key <g> <last-delivered-id> ENTRIESREAD <n|-1>
 *     per pending record, in the group's delivery-time order:
 *       XCLAIM key <g> <c> 0 <id> TIME <ms> RETRYCOUNT <n> JUSTID FORCE
 *       XNACK key <g> SILENT IDS 1 <id> RETRYCOUNT <n> FORCE  (no owner)
 *     XGROUP CREATECONSUMER key <g> <c>    consumers with nothing pending
 *     #runnel-consumer ...                  every consumer's two times
 *   XTRIM key MINID = <id> / XDEL key <id> ...   placeholders go again
 *   XSETID ...                     the counters again, if anything moved them
 *   PEXPIREAT key <ms>             keys with an expiry
 *
 * Why this order and these forms:
 *   - Replay order is the group's delivery-time order (pel_time), so the
 *     records get the same relative order of ties and of the NACK zone:
 *     XREADGROUP CLAIM serves the idlest first by that order.
 *   - XGROUP CREATE lowers an ENTRIESREAD above the stream's entries-added,
 *     so the counter is set first (to at least every group's entries-read).
 *   - Placeholders: a pending record or an IDMP iid may name an entry that
 *     is gone (XDEL and trims keep references, as in Redis), and XCLAIM
 *     FORCE, XNACK FORCE and XIDMPRECORD refuse an ID without an entry.
 *     So an entry "x y" is added for each such ID, in ID order among the
 *     live ones, and removed once the references exist: those below the
 *     first live entry by XTRIM (which leaves max-deleted-entry-id alone),
 *     the others by XDEL.  The first XSETID then uses a last ID and an
 *     entries-added count that admit them, and the final one restores the
 *     stream's own (in two steps when its last ID is below its greatest
 *     deleted ID, which XSETID cannot take in one).
 *   - The annotation comes after every command that touches the consumer
 *     (XCLAIM sets its times to the load time).
 *
 * What commands cannot give back: the layout of entries in nodes (XINFO's
 * radix-tree-keys and radix-tree-nodes; Redis's rewrite does not keep it
 * either); IDMP's lifetime counters iids-added and iids-duplicates
 * (XIDMPRECORD counts each held iid once); a max-deleted-entry-id of 0-0
 * when a placeholder had to be removed with XDEL (only an ACKED trim can
 * leave such a hole without setting it; logged).
 *
 * Speed: one pass over the entries with the iterator (no allocation per
 * entry), the PELs walked alongside as sorted cursors (no lookup per
 * record), everything through one 64 KiB buffer written with write(2).
 *
 * The other types, as Redis 7.0's rewrite writes them:
 *
 *   SET key value                  a string
 *   RPUSH key e ... (64 elements a command)   a list, head to tail
 *   HSET key f v ... (64 pairs a command)   a hash, in its own order, so a
 *                                  listpack loads with the same order
 *   SADD key m ... (64 members a command)   a set, in its own order
 *   PEXPIREAT key <ms>             keys with an expiry, as for streams
 *
 * A hash that became a table while small (a long field since deleted)
 * loads as a listpack again, as it does in Redis. */
#include "aof_base.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aof_annotation.h"
#include "cmd_hash.h"
#include "cmd_list.h"
#include "cmd_set.h"
#include "cmd_stream.h"
#include "cmd_string.h"
#include "db.h"
#include "effect.h"
#include "log.h"
#include "mem.h"
#include "server.h"
#include "stream.h"
#include "stream_group.h"
#include "stream_idmp.h"

#define BASE_BUF_SIZE (64 * 1024)
#define BASE_XDEL_BATCH 64 /* placeholder IDs per XDEL */
#define BASE_HSET_BATCH 64 /* field-value pairs per HSET (Redis's AOF_REWRITE_ITEMS_PER_CMD) */

/* --- Buffered RESP output ------------------------------------------------ */

struct base_out {
    int fd;
    int err;    /* errno of the first failed write; nothing is written after */
    size_t len;
    char buf[BASE_BUF_SIZE];
};

/* write(2) all of p, through EINTR and short writes. */
static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void out_flush(struct base_out *o)
{
    if (o->err || !o->len)
        return;
    if (write_all(o->fd, o->buf, o->len) < 0)
        o->err = errno ? errno : EIO;
    o->len = 0;
}

static void out_raw(struct base_out *o, const char *p, size_t n)
{
    if (o->err)
        return;
    if (n > BASE_BUF_SIZE - o->len) {
        out_flush(o);
        if (o->err)
            return;
    }
    if (n > BASE_BUF_SIZE) {
        /* A big value goes straight to the file. */
        if (write_all(o->fd, p, n) < 0)
            o->err = errno ? errno : EIO;
        return;
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
}

/* Decimal digits of v at out; returns how many. */
static size_t u64_digits(char *out, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

/* "<mark><n>\r\n": an array or bulk header. */
static void out_header(struct base_out *o, char mark, uint64_t n)
{
    char line[24];
    line[0] = mark;
    size_t len = 1 + u64_digits(line + 1, n);
    line[len++] = '\r';
    line[len++] = '\n';
    out_raw(o, line, len);
}

static void out_array(struct base_out *o, uint64_t argc)
{
    out_header(o, '*', argc);
}

static void out_bulk(struct base_out *o, const char *p, size_t n)
{
    out_header(o, '$', n);
    out_raw(o, p, n);
    out_raw(o, "\r\n", 2);
}

static void out_cstr(struct base_out *o, const char *s)
{
    out_bulk(o, s, strlen(s));
}

static void out_ll(struct base_out *o, long long v)
{
    char buf[24];
    size_t n = 0;
    if (v < 0) {
        buf[n++] = '-';
        n += u64_digits(buf + n, (uint64_t)0 - (uint64_t)v);
    } else {
        n = u64_digits(buf, (uint64_t)v);
    }
    out_bulk(o, buf, n);
}

static void out_id(struct base_out *o, const struct stream_id *id)
{
    char buf[STREAM_ID_STR_MAX];
    out_bulk(o, buf, stream_id_format(id, buf, sizeof(buf)));
}

/* --- References to entries (PELs, IDMP) ------------------------------------ */

/* The IDs that pending records and iids name, in ascending order, without
 * repeats: one cursor per group's PEL, plus the iids' IDs sorted. */
struct refs {
    struct index_iter *pel;
    bool *pel_more;
    size_t npel;
    struct stream_id *idmp;
    size_t nidmp, idmp_pos, idmp_cap;
};

static void collect_idmp_id(void *ud, const char *pid, size_t pidlen, const char *iid,
                            size_t iidlen, const struct stream_id *id)
{
    (void)pid;
    (void)pidlen;
    (void)iid;
    (void)iidlen;
    struct refs *r = ud;
    if (r->nidmp == r->idmp_cap) {
        r->idmp_cap = r->idmp_cap ? r->idmp_cap * 2 : 16;
        r->idmp = mem_realloc(r->idmp, sizeof(*r->idmp) * r->idmp_cap);
    }
    r->idmp[r->nidmp++] = *id;
}

static int id_qsort_cmp(const void *a, const void *b)
{
    return stream_id_cmp(a, b);
}

static void refs_init(struct refs *r, const struct stream *s)
{
    memset(r, 0, sizeof(*r));
    r->npel = stream_group_count(s);
    if (r->npel) {
        r->pel = mem_alloc(sizeof(*r->pel) * r->npel);
        r->pel_more = mem_alloc(sizeof(*r->pel_more) * r->npel);
        for (size_t i = 0; i < r->npel; i++)
            r->pel_more[i] = index_seek(stream_group_at(s, i)->pel, &r->pel[i], INDEX_FIRST, NULL);
    }
    if (s->idmp) {
        stream_idmp_walk(s->idmp, collect_idmp_id, r);
        if (r->nidmp > 1)
            qsort(r->idmp, r->nidmp, sizeof(*r->idmp), id_qsort_cmp);
    }
}

static void refs_free(struct refs *r)
{
    mem_free(r->pel);
    mem_free(r->pel_more);
    mem_free(r->idmp);
}

/* The smallest ID not passed yet; false when there is none. */
static bool refs_peek(const struct refs *r, struct stream_id *out)
{
    bool have = false;
    for (size_t i = 0; i < r->npel; i++) {
        if (r->pel_more[i] && (!have || stream_id_cmp(&r->pel[i].key, out) < 0)) {
            *out = r->pel[i].key;
            have = true;
        }
    }
    if (r->idmp_pos < r->nidmp &&
        (!have || stream_id_cmp(&r->idmp[r->idmp_pos], out) < 0)) {
        *out = r->idmp[r->idmp_pos];
        have = true;
    }
    return have;
}

/* Pass id (the smallest) in every cursor that is at it. */
static void refs_skip(struct refs *r, const struct stream_id *id)
{
    for (size_t i = 0; i < r->npel; i++)
        if (r->pel_more[i] && stream_id_eq(&r->pel[i].key, id))
            r->pel_more[i] = index_next(&r->pel[i]);
    while (r->idmp_pos < r->nidmp && stream_id_eq(&r->idmp[r->idmp_pos], id))
        r->idmp_pos++;
}

/* --- One stream ------------------------------------------------------------------ */

struct stream_writer {
    struct base_out *o;
    const char *key;
    size_t klen;
    const struct stream *s;
    struct stream_id *ph;      /* placeholder IDs, ascending */
    size_t nph, ph_cap;
    uint64_t added;            /* XADDs that left an entry (live + placeholders) */
    struct stream_id top;      /* the greatest ID added */
};

static void cmd_head(struct stream_writer *w, uint64_t argc, const char *name)
{
    out_array(w->o, argc);
    out_cstr(w->o, name);
    out_bulk(w->o, w->key, w->klen);
}

/* The same for a subcommand: "XGROUP CREATE key". */
static void subcmd_head(struct stream_writer *w, uint64_t argc, const char *name,
                        const char *sub)
{
    out_array(w->o, argc);
    out_cstr(w->o, name);
    out_cstr(w->o, sub);
    out_bulk(w->o, w->key, w->klen);
}

static void write_placeholder(struct stream_writer *w, const struct stream_id *id)
{
    if (stream_id_is_zero(id))
        return; /* no entry can have it, so no record can name it */
    cmd_head(w, 5, "XADD");
    out_id(w->o, id);
    out_cstr(w->o, "x");
    out_cstr(w->o, "y");
    if (w->nph == w->ph_cap) {
        w->ph_cap = w->ph_cap ? w->ph_cap * 2 : 16;
        w->ph = mem_realloc(w->ph, sizeof(*w->ph) * w->ph_cap);
    }
    w->ph[w->nph++] = *id;
    w->added++;
    w->top = *id;
}

/* Every live entry as XADD, with the placeholders in their places. */
static void write_entries(struct stream_writer *w)
{
    struct refs r;
    refs_init(&r, w->s);
    struct stream_iter it;
    stream_iter_start(&it, w->s, &STREAM_ID_MIN, &STREAM_ID_MAX, false);
    while (stream_iter_next(&it) && !w->o->err) {
        struct stream_id ref;
        while (refs_peek(&r, &ref) && stream_id_cmp(&ref, &it.id) <= 0) {
            if (stream_id_cmp(&ref, &it.id) < 0)
                write_placeholder(w, &ref);
            refs_skip(&r, &ref);
        }
        cmd_head(w, 3 + 2 * (uint64_t)it.npairs, "XADD");
        out_id(w->o, &it.id);
        for (size_t j = 0; j < 2 * it.npairs; j++)
            out_bulk(w->o, it.fv[j].ptr, it.fv[j].len);
        w->added++;
        w->top = it.id;
    }
    stream_iter_stop(&it);
    struct stream_id ref;
    while (refs_peek(&r, &ref)) {
        write_placeholder(w, &ref);
        refs_skip(&r, &ref);
    }
    refs_free(&r);
}

static const struct stream_id *id_max(const struct stream_id *a, const struct stream_id *b)
{
    return stream_id_cmp(a, b) >= 0 ? a : b;
}

static void write_xsetid(struct stream_writer *w, const struct stream_id *last,
                         long long entries_added, const struct stream_id *max_deleted)
{
    cmd_head(w, max_deleted ? 7 : (entries_added >= 0 ? 5 : 3), "XSETID");
    out_id(w->o, last);
    if (entries_added >= 0) {
        out_cstr(w->o, "ENTRIESADDED");
        out_ll(w->o, entries_added);
    }
    if (max_deleted) {
        out_cstr(w->o, "MAXDELETEDID");
        out_id(w->o, max_deleted);
    }
}

static void write_idmp_record(void *ud, const char *pid, size_t pidlen, const char *iid,
                              size_t iidlen, const struct stream_id *id)
{
    struct stream_writer *w = ud;
    cmd_head(w, 5, "XIDMPRECORD");
    out_bulk(w->o, pid, pidlen);
    out_bulk(w->o, iid, iidlen);
    out_id(w->o, id);
}

static void write_idmp(struct stream_writer *w)
{
    const struct stream_idmp *m = w->s->idmp;
    if (!m)
        return;
    cmd_head(w, 6, "XCFGSET");
    out_cstr(w->o, "IDMP-DURATION");
    out_ll(w->o, stream_idmp_duration(m));
    out_cstr(w->o, "IDMP-MAXSIZE");
    out_ll(w->o, stream_idmp_maxsize(m));
    stream_idmp_walk(m, write_idmp_record, w);
}

static void write_group(struct stream_writer *w, const struct stream_group *g)
{
    struct base_out *o = w->o;
    subcmd_head(w, 7, "XGROUP", "CREATE");
    out_bulk(o, g->name, g->name_len);
    out_id(o, &g->last_id);
    out_cstr(o, "ENTRIESREAD");
    out_ll(o, g->entries_read);

    struct index_iter it;
    for (bool more = index_seek(g->pel_time, &it, INDEX_FIRST, NULL); more && !o->err;
         more = index_next(&it)) {
        const struct stream_pending *p = it.value;
        if (p->owner) {
            out_array(o, 12);
            out_cstr(o, "XCLAIM");
            out_bulk(o, w->key, w->klen);
            out_bulk(o, g->name, g->name_len);
            out_bulk(o, p->owner->name, p->owner->name_len);
            out_cstr(o, "0");
            out_id(o, &p->id);
            out_cstr(o, "TIME");
            out_ll(o, p->delivery_time);
            out_cstr(o, "RETRYCOUNT");
            out_ll(o, (long long)p->delivery_count);
            out_cstr(o, "JUSTID");
            out_cstr(o, "FORCE");
        } else {
            /* Released by XNACK: the one command that makes an ownerless
             * record, at the end of the NACK zone as it was. */
            out_array(o, 10);
            out_cstr(o, "XNACK");
            out_bulk(o, w->key, w->klen);
            out_bulk(o, g->name, g->name_len);
            out_cstr(o, "SILENT");
            out_cstr(o, "IDS");
            out_cstr(o, "1");
            out_id(o, &p->id);
            out_cstr(o, "RETRYCOUNT");
            out_ll(o, (long long)p->delivery_count);
            out_cstr(o, "FORCE");
        }
    }
    for (size_t i = 0; i < g->nconsumers; i++) {
        const struct stream_consumer *cons = g->consumers[i];
        if (stream_consumer_pending_count(cons))
            continue; /* its XCLAIMs made it */
        subcmd_head(w, 5, "XGROUP", "CREATECONSUMER");
        out_bulk(o, g->name, g->name_len);
        out_bulk(o, cons->name, cons->name_len);
    }
    for (size_t i = 0; i < g->nconsumers; i++) {
        char line[EFFECT_ANNOTATION_MAX];
        size_t n = aof_annotation_format_consumer(line, sizeof(line), w->key, w->klen, g,
                                                  g->consumers[i]);
        if (n)
            out_raw(o, line, n);
        else
            log_verbose("AOF base: consumer names too long for an annotation; its seen and "
                        "active times will be the load time");
    }
}

/* Remove the placeholders: those below the first live entry with one
 * XTRIM, the rest with XDEL.  Returns how many went by XDEL. */
static size_t remove_placeholders(struct stream_writer *w)
{
    const struct stream *s = w->s;
    size_t head = 0;
    while (head < w->nph && (!s->length || stream_id_cmp(&w->ph[head], &s->first_id) < 0))
        head++;
    if (head) {
        cmd_head(w, 5, "XTRIM");
        if (s->length) {
            out_cstr(w->o, "MINID");
            out_cstr(w->o, "=");
            out_id(w->o, &s->first_id);
        } else {
            out_cstr(w->o, "MAXLEN");
            out_cstr(w->o, "=");
            out_cstr(w->o, "0");
        }
    }
    for (size_t i = head; i < w->nph; i += BASE_XDEL_BATCH) {
        size_t n = w->nph - i < BASE_XDEL_BATCH ? w->nph - i : BASE_XDEL_BATCH;
        cmd_head(w, 2 + n, "XDEL");
        for (size_t j = 0; j < n; j++)
            out_id(w->o, &w->ph[i + j]);
    }
    return w->nph - head;
}

static void write_stream(struct base_out *o, const char *key, size_t klen, const struct stream *s)
{
    struct stream_writer w = {.o = o, .key = key, .klen = klen, .s = s};
    write_entries(&w);

    /* The first XSETID must admit every entry added and every group's
     * entries-read (see the top of the file). */
    const struct stream_id *last1 = id_max(id_max(&s->last_id, &s->max_deleted_id), &w.top);
    uint64_t added1 = s->entries_added > w.added ? s->entries_added : w.added;
    for (size_t i = 0; i < stream_group_count(s); i++) {
        int64_t er = stream_group_at(s, i)->entries_read;
        if (er > 0 && (uint64_t)er > added1)
            added1 = (uint64_t)er;
    }
    if (!w.added) {
        /* Redis's way to make an empty stream: add one entry, trimmed at once. */
        struct stream_id one = {0, 1};
        cmd_head(&w, 7, "XADD");
        out_cstr(o, "MAXLEN");
        out_cstr(o, "0");
        out_id(o, stream_id_is_zero(last1) ? &one : last1);
        out_cstr(o, "x");
        out_cstr(o, "y");
    }
    write_xsetid(&w, last1, (long long)added1, &s->max_deleted_id);
    write_idmp(&w);
    for (size_t i = 0; i < stream_group_count(s); i++)
        write_group(&w, stream_group_at(s, i));

    size_t deleted = remove_placeholders(&w);
    bool last_off = !stream_id_eq(last1, &s->last_id);
    if (deleted || added1 != s->entries_added) {
        if (deleted && stream_id_is_zero(&s->max_deleted_id))
            log_warning("AOF base: a stream whose max-deleted-entry-id is 0-0 references "
                        "entries removed by a trim in the middle; after loading its "
                        "max-deleted-entry-id will be the greatest of them");
        if (stream_id_cmp(&s->max_deleted_id, &s->last_id) <= 0) {
            write_xsetid(&w, &s->last_id, (long long)s->entries_added, &s->max_deleted_id);
            last_off = false;
        } else {
            write_xsetid(&w, last1, (long long)s->entries_added, &s->max_deleted_id);
        }
    }
    if (last_off)
        write_xsetid(&w, &s->last_id, -1, NULL);
    mem_free(w.ph);
}

/* --- Strings and hashes ---------------------------------------------------------- */

static void write_string(struct base_out *o, const char *key, size_t klen,
                         const struct strobj *v)
{
    out_array(o, 3);
    out_cstr(o, "SET");
    out_bulk(o, key, klen);
    out_bulk(o, v->buf, v->len);
}

static void write_hash(struct base_out *o, const char *key, size_t klen, const struct hash *h)
{
    size_t left = hash_len(h);
    struct hash_iter it;
    struct hash_pair p;
    hash_iter_init(&it, h);
    while (left && !o->err) {
        size_t n = left < BASE_HSET_BATCH ? left : BASE_HSET_BATCH;
        out_array(o, 2 + 2 * (uint64_t)n);
        out_cstr(o, "HSET");
        out_bulk(o, key, klen);
        for (size_t i = 0; i < n && hash_iter_next(&it, &p); i++) {
            out_bulk(o, p.field, p.flen);
            out_bulk(o, p.value, p.vlen);
        }
        left -= n;
    }
}

static void write_set(struct base_out *o, const char *key, size_t klen, const struct set *st)
{
    size_t left = set_len(st);
    struct set_iter it;
    const char *p;
    size_t len;
    set_iter_init(&it, st);
    while (left && !o->err) {
        size_t n = left < BASE_HSET_BATCH ? left : BASE_HSET_BATCH;
        out_array(o, 2 + (uint64_t)n);
        out_cstr(o, "SADD");
        out_bulk(o, key, klen);
        for (size_t i = 0; i < n && set_iter_next(&it, &p, &len); i++)
            out_bulk(o, p, len);
        left -= n;
    }
}

static void write_list(struct base_out *o, const char *key, size_t klen, const struct list *l)
{
    size_t left = list_len(l);
    struct list_iter it;
    const char *p;
    size_t len;
    list_iter_init(&it, l, 0, false);
    while (left && !o->err) {
        size_t n = left < BASE_HSET_BATCH ? left : BASE_HSET_BATCH;
        out_array(o, 2 + (uint64_t)n);
        out_cstr(o, "RPUSH");
        out_bulk(o, key, klen);
        for (size_t i = 0; i < n && list_iter_next(&it, &p, &len); i++)
            out_bulk(o, p, len);
        left -= n;
    }
}

/* --- The data set -------------------------------------------------------------- */

int aof_base_write(struct server *srv, int fd, long long *nkeys)
{
    struct base_out *o = mem_alloc(sizeof(*o));
    o->fd = fd;
    o->err = 0;
    o->len = 0;
    *nkeys = 0;
    for (int i = 0; i < srv->ndbs && !o->err; i++) {
        struct db *db = &srv->dbs[i];
        if (!db->keys.used)
            continue;
        out_array(o, 2);
        out_cstr(o, "SELECT");
        out_ll(o, i);
        struct dict_iter di;
        dict_iter_init(&di, &db->keys);
        struct dict_entry *de;
        while ((de = dict_iter_next(&di)) && !o->err) {
            const struct object *ob = de->val;
            if (ob->type == &stream_object_type) {
                write_stream(o, de->key, de->klen, ob->ptr);
            } else if (ob->type == &string_object_type) {
                write_string(o, de->key, de->klen, ob->ptr);
            } else if (ob->type == &list_object_type) {
                write_list(o, de->key, de->klen, ob->ptr);
            } else if (ob->type == &hash_object_type) {
                write_hash(o, de->key, de->klen, ob->ptr);
            } else if (ob->type == &set_object_type) {
                write_set(o, de->key, de->klen, ob->ptr);
            } else {
                log_warning("AOF base: skipping key '%.*s' of type %s, which it cannot write",
                            (int)(de->klen > 64 ? 64 : de->klen), de->key, ob->type->name);
                continue;
            }
            int64_t when = db_get_expire(de);
            if (when >= 0) {
                out_array(o, 3);
                out_cstr(o, "PEXPIREAT");
                out_bulk(o, de->key, de->klen);
                out_ll(o, when);
            }
            (*nkeys)++;
        }
    }
    out_flush(o);
    int err = o->err;
    mem_free(o);
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}
