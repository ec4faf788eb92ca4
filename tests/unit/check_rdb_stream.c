/* check_rdb_stream.c -- Check suite for rdb_stream.c.
 *
 * The fixtures (tests/fixtures/rdb/stream_fixtures.h, made by
 * gen_stream_fixtures.py) are scripts of stream operations run on
 * redis-server 7.0, with the DUMP payload of the result and what XINFO
 * STREAM FULL reported.  For each one:
 *   read     the payload's object loads into a stream equal to the XINFO
 *            lines and to the stream the script builds through the engine;
 *   write    the script's stream, written as type 19 with the fixture's
 *            node limits and rdbcompression, is the payload byte for byte
 *            (consumers' seen-times, wall-clock in the oracle, are set
 *            from the XINFO lines);
 *   reload   reading then writing gives the payload again (tombstones kept);
 *   damage   every truncation fails with a message, every bit flip either
 *            fails with one or loads a stream whose invariants hold; no
 *            path leaks (mem_used) or reads out of bounds (SANITIZE=1).
 * One fixture is knowingly not byte-identical on write: see
 * known_write_difference(). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "rdb_codec.h"
#include "rdb_stream.h"
#include "stream.h"
#include "stream_group.h"
#include "stream_idmp.h"

#include "fixtures/rdb/stream_fixtures.h"

#define NFIXTURES (sizeof(stream_fixtures) / sizeof(stream_fixtures[0]))
#define MAX_TOKENS 64

/* ---- Fixture parsing ------------------------------------------------------ */

static unsigned char *hex_decode(const char *hex, size_t *len)
{
    size_t n = strlen(hex) / 2;
    unsigned char *out = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        ck_assert(sscanf(hex + 2 * i, "%2x", &v) == 1);
        out[i] = (unsigned char)v;
    }
    *len = n;
    return out;
}

/* A line split into tokens; "hex:..." and "rep:c:n" are decoded. */
struct line {
    struct stream_str t[MAX_TOKENS];
    char *own[MAX_TOKENS];
    size_t n;
};

static void line_split(struct line *l, const char *text)
{
    l->n = 0;
    const char *p = text;
    while (*p) {
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        ck_assert(l->n < MAX_TOKENS);
        char *buf;
        size_t blen;
        if (len > 4 && !strncmp(p, "hex:", 4)) {
            char *h = strndup(p + 4, len - 4);
            buf = (char *)hex_decode(h, &blen);
            free(h);
        } else if (len > 6 && !strncmp(p, "rep:", 4)) {
            blen = (size_t)strtoul(p + 6, NULL, 10);
            buf = malloc(blen ? blen : 1);
            memset(buf, p[4], blen);
        } else {
            buf = strndup(p, len);
            blen = len;
        }
        l->own[l->n] = buf;
        l->t[l->n].ptr = buf;
        l->t[l->n].len = blen;
        l->n++;
        p += len;
        if (*p == ' ')
            p++;
    }
}

static void line_free(struct line *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->own[i]);
    l->n = 0;
}

static int tok_is(const struct stream_str *t, const char *s)
{
    return t->len == strlen(s) && !memcmp(t->ptr, s, t->len);
}

static struct stream_id tok_id(const struct stream_str *t)
{
    struct stream_id_spec spec;
    ck_assert_msg(stream_id_parse(t->ptr, t->len, 0, &spec) == 0, "bad ID %.*s", (int)t->len,
                  t->ptr);
    return spec.id;
}

static long long tok_ll(const struct stream_str *t)
{
    char buf[32];
    ck_assert(t->len < sizeof(buf));
    memcpy(buf, t->ptr, t->len);
    buf[t->len] = '\0';
    return strtoll(buf, NULL, 10);
}

static unsigned long long tok_ull(const struct stream_str *t)
{
    char buf[32];
    ck_assert(t->len < sizeof(buf));
    memcpy(buf, t->ptr, t->len);
    buf[t->len] = '\0';
    return strtoull(buf, NULL, 10);
}

/* The info line of kind k whose tokens 1.. match `a` (and `b`): e.g. the
 * "G" line of a group, the "C" line of (group, consumer). */
static int info_find(const char *const *info, char kind, const struct stream_str *a,
                     const struct stream_str *b, struct line *out)
{
    for (size_t i = 0; info[i]; i++) {
        if (info[i][0] != kind)
            continue;
        line_split(out, info[i]);
        if (out->n > 2 && out->t[1].len == a->len && !memcmp(out->t[1].ptr, a->ptr, a->len) &&
            (!b || (out->t[2].len == b->len && !memcmp(out->t[2].ptr, b->ptr, b->len))))
            return 1;
        line_free(out);
    }
    return 0;
}

/* ---- Building the fixture's stream through the engine ------------------------ */

struct built {
    struct stream *s;
    size_t max_entries, max_bytes;
    int compress;
};

static struct stream_consumer *consumer_for(const struct stream_fixture *fx,
                                            struct stream_group *g, const struct stream_str *name)
{
    struct stream_consumer *c = stream_consumer_find(g, name->ptr, name->len);
    if (c)
        return c;
    struct stream_str gname = {g->name, g->name_len};
    struct line cl;
    ck_assert_msg(info_find(fx->info, 'C', &gname, name, &cl), "%s: no C line", fx->name);
    long long seen = tok_ll(&cl.t[3]);
    line_free(&cl);
    c = stream_consumer_create(g, name->ptr, name->len, seen);
    c->active_time = seen; /* what a type-19 load gives */
    return c;
}

static void build(const struct stream_fixture *fx, struct built *b)
{
    b->max_entries = STREAM_NODE_MAX_ENTRIES_DEFAULT;
    b->max_bytes = STREAM_NODE_MAX_BYTES_DEFAULT;
    b->compress = 0;
    b->s = stream_new(b->max_bytes, b->max_entries);
    struct stream *s = b->s;
    for (size_t i = 0; fx->script[i]; i++) {
        struct line l;
        line_split(&l, fx->script[i]);
        const struct stream_str *t = l.t;
        if (tok_is(&t[0], "CONFIG")) {
            b->max_entries = (size_t)tok_ull(&t[1]);
            b->max_bytes = (size_t)tok_ull(&t[2]);
            b->compress = (int)tok_ll(&t[3]);
            stream_set_node_limits(s, b->max_bytes, b->max_entries);
        } else if (tok_is(&t[0], "XADD")) {
            struct stream_id_spec spec = {.id = tok_id(&t[1]), .kind = STREAM_ID_EXPLICIT};
            ck_assert_int_eq(stream_append(s, &spec, &t[2], (l.n - 2) / 2, 0, NULL), 0);
        } else if (tok_is(&t[0], "XDEL")) {
            struct stream_id id = tok_id(&t[1]);
            ck_assert_int_eq(stream_delete(s, &id), 1);
        } else if (tok_is(&t[0], "TRIMLEN") || tok_is(&t[0], "TRIMMINID")) {
            struct stream_trim_args a = {0};
            if (tok_is(&t[0], "TRIMLEN")) {
                a.strategy = STREAM_TRIM_MAXLEN;
                a.maxlen = tok_ull(&t[1]);
            } else {
                a.strategy = STREAM_TRIM_MINID;
                a.minid = tok_id(&t[1]);
            }
            stream_trim(s, &a);
        } else if (tok_is(&t[0], "XSETID")) {
            struct stream_id id = tok_id(&t[1]), md;
            int64_t ea = -1;
            if (l.n > 2) {
                ea = tok_ll(&t[2]);
                md = tok_id(&t[3]);
            }
            ck_assert_int_eq(stream_set_last_id(s, &id, ea, l.n > 2 ? &md : NULL), 0);
        } else if (tok_is(&t[0], "GROUP")) {
            struct stream_id id = tok_is(&t[2], "$") ? s->last_id : tok_id(&t[2]);
            struct line gl;
            ck_assert(info_find(fx->info, 'G', &t[1], NULL, &gl));
            int64_t er = tok_ll(&gl.t[3]);
            line_free(&gl);
            ck_assert_ptr_nonnull(stream_group_create(s, t[1].ptr, t[1].len, &id, er));
        } else if (tok_is(&t[0], "CONSUMER")) {
            struct stream_group *g = stream_group_find(s, t[1].ptr, t[1].len);
            consumer_for(fx, g, &t[2]);
        } else if (tok_is(&t[0], "CLAIM")) {
            struct stream_group *g = stream_group_find(s, t[1].ptr, t[1].len);
            struct stream_consumer *c = consumer_for(fx, g, &t[2]);
            struct stream_id id = tok_id(&t[3]);
            stream_pel_add(g, &id, c, tok_ll(&t[4]), tok_ull(&t[5]));
        } else {
            ck_abort_msg("unknown op %s", fx->script[i]);
        }
        line_free(&l);
    }
}

/* The fixture whose write is knowingly not Redis's bytes: XSETID moved the
 * last ID below a trailing tombstone; Redis keeps the tombstone in its
 * listpack, our engine drops it (stream_set_last_id) so that later IDs
 * still rise inside the tail node.  The data and counters are the same. */
static int known_write_difference(const struct stream_fixture *fx)
{
    return !strcmp(fx->name, "setid_below_tombstone");
}

/* ---- Comparing ------------------------------------------------------------- */

static void check_info(const struct stream_fixture *fx, const struct stream *s)
{
    struct stream_iter it;
    stream_iter_start(&it, s, &STREAM_ID_MIN, &STREAM_ID_MAX, false);
    for (size_t i = 0; fx->info[i]; i++) {
        struct line l;
        line_split(&l, fx->info[i]);
        const struct stream_str *t = l.t;
        if (tok_is(&t[0], "S")) {
            ck_assert_uint_eq(s->length, tok_ull(&t[1]));
            struct stream_id last = tok_id(&t[2]), md = tok_id(&t[3]), first = tok_id(&t[5]);
            ck_assert(stream_id_eq(&s->last_id, &last));
            ck_assert(stream_id_eq(&s->max_deleted_id, &md));
            ck_assert_uint_eq(s->entries_added, tok_ull(&t[4]));
            ck_assert(stream_id_eq(&s->first_id, &first));
        } else if (tok_is(&t[0], "E")) {
            ck_assert_msg(stream_iter_next(&it), "%s: missing entry", fx->name);
            struct stream_id id = tok_id(&t[1]);
            ck_assert(stream_id_eq(&it.id, &id));
            ck_assert_uint_eq(2 * it.npairs, l.n - 2);
            for (size_t j = 0; j < 2 * it.npairs; j++)
                ck_assert_msg(it.fv[j].len == t[2 + j].len &&
                                  !memcmp(it.fv[j].ptr, t[2 + j].ptr, it.fv[j].len),
                              "%s: entry %s cell %zu differs", fx->name, fx->info[i], j);
        } else if (tok_is(&t[0], "G")) {
            const struct stream_group *g = stream_group_find(s, t[1].ptr, t[1].len);
            ck_assert_ptr_nonnull(g);
            struct stream_id last = tok_id(&t[2]);
            ck_assert(stream_id_eq(&g->last_id, &last));
            ck_assert_int_eq(g->entries_read, tok_ll(&t[3]));
            ck_assert_uint_eq(stream_group_pending_count(g), tok_ull(&t[4]));
        } else if (tok_is(&t[0], "P")) {
            const struct stream_group *g = stream_group_find(s, t[1].ptr, t[1].len);
            struct stream_id id = tok_id(&t[2]);
            const struct stream_pending *p = stream_pel_find(g, &id);
            ck_assert_ptr_nonnull(p);
            ck_assert_ptr_nonnull(p->owner);
            ck_assert(p->owner->name_len == t[3].len &&
                      !memcmp(p->owner->name, t[3].ptr, t[3].len));
            ck_assert_int_eq(p->delivery_time, tok_ll(&t[4]));
            ck_assert_uint_eq(p->delivery_count, tok_ull(&t[5]));
        } else if (tok_is(&t[0], "C")) {
            const struct stream_group *g = stream_group_find(s, t[1].ptr, t[1].len);
            const struct stream_consumer *c = stream_consumer_find(g, t[2].ptr, t[2].len);
            ck_assert_ptr_nonnull(c);
            ck_assert_int_eq(c->seen_time, tok_ll(&t[3]));
            ck_assert_uint_eq(stream_consumer_pending_count(c), tok_ull(&t[4]));
        }
        line_free(&l);
    }
    ck_assert_msg(!stream_iter_next(&it), "%s: extra entries", fx->name);
    stream_iter_stop(&it);
}

static void assert_streams_equal(const struct stream *a, const struct stream *b)
{
    ck_assert_uint_eq(a->length, b->length);
    ck_assert_uint_eq(a->entries_added, b->entries_added);
    ck_assert(stream_id_eq(&a->last_id, &b->last_id));
    ck_assert(stream_id_eq(&a->first_id, &b->first_id));
    ck_assert(stream_id_eq(&a->max_deleted_id, &b->max_deleted_id));
    struct stream_iter ia, ib;
    stream_iter_start(&ia, a, &STREAM_ID_MIN, &STREAM_ID_MAX, false);
    stream_iter_start(&ib, b, &STREAM_ID_MIN, &STREAM_ID_MAX, false);
    for (;;) {
        bool more = stream_iter_next(&ia);
        ck_assert(more == stream_iter_next(&ib));
        if (!more)
            break;
        ck_assert(stream_id_eq(&ia.id, &ib.id));
        ck_assert_uint_eq(ia.npairs, ib.npairs);
        for (size_t j = 0; j < 2 * ia.npairs; j++)
            ck_assert(ia.fv[j].len == ib.fv[j].len &&
                      !memcmp(ia.fv[j].ptr, ib.fv[j].ptr, ia.fv[j].len));
    }
    stream_iter_stop(&ia);
    stream_iter_stop(&ib);
    ck_assert_uint_eq(stream_group_count(a), stream_group_count(b));
    for (size_t i = 0; i < stream_group_count(a); i++) {
        const struct stream_group *ga = stream_group_at(a, i), *gb = stream_group_at(b, i);
        ck_assert(ga->name_len == gb->name_len && !memcmp(ga->name, gb->name, ga->name_len));
        ck_assert(stream_id_eq(&ga->last_id, &gb->last_id));
        ck_assert_int_eq(ga->entries_read, gb->entries_read);
        ck_assert_uint_eq(stream_group_pending_count(ga), stream_group_pending_count(gb));
        ck_assert_uint_eq(ga->nacked, gb->nacked);
        struct index_iter it;
        for (bool m = index_seek(ga->pel, &it, INDEX_FIRST, NULL); m; m = index_next(&it)) {
            const struct stream_pending *pa = it.value, *pb = stream_pel_find(gb, &pa->id);
            ck_assert_ptr_nonnull(pb);
            ck_assert_int_eq(pa->delivery_time, pb->delivery_time);
            ck_assert_uint_eq(pa->delivery_count, pb->delivery_count);
            ck_assert(!pa->owner == !pb->owner);
            if (pa->owner)
                ck_assert(pa->owner->name_len == pb->owner->name_len &&
                          !memcmp(pa->owner->name, pb->owner->name, pa->owner->name_len));
        }
        ck_assert_uint_eq(ga->nconsumers, gb->nconsumers);
        for (size_t j = 0; j < ga->nconsumers; j++) {
            const struct stream_consumer *ca = ga->consumers[j], *cb = gb->consumers[j];
            ck_assert(ca->name_len == cb->name_len && !memcmp(ca->name, cb->name, ca->name_len));
            ck_assert_int_eq(ca->seen_time, cb->seen_time);
            ck_assert_int_eq(ca->active_time, cb->active_time);
            ck_assert_uint_eq(stream_consumer_pending_count(ca), stream_consumer_pending_count(cb));
        }
    }
}

/* The DUMP payload of s: type byte, object, RDB version 10, CRC64. */
static unsigned char *dump_of(const struct stream *s, int type, int compress, size_t *len)
{
    struct rdb_writer w;
    rdb_writer_init(&w, NULL, NULL, compress);
    rdb_write_byte(&w, (unsigned char)type);
    ck_assert_int_eq(rdb_stream_write(&w, s, type), 0);
    rdb_write_byte(&w, RDB_VERSION_7_0);
    rdb_write_byte(&w, 0);
    rdb_write_checksum(&w, 1);
    unsigned char *out = malloc(w.len);
    memcpy(out, w.buf, w.len);
    *len = w.len;
    rdb_writer_free(&w);
    return out;
}

static void assert_same_bytes(const char *what, const unsigned char *got, size_t glen,
                              const unsigned char *want, size_t wlen)
{
    size_t n = glen < wlen ? glen : wlen, i = 0;
    while (i < n && got[i] == want[i])
        i++;
    ck_assert_msg(i == n && glen == wlen,
                  "%s: %zu bytes vs Redis's %zu, first difference at byte %zu", what, glen, wlen,
                  i);
}

/* The fixture's object bytes (between the type byte and the trailer),
 * after checking the trailer: RDB version 10 and a CRC64 that matches. */
static const unsigned char *fixture_object(const unsigned char *dump, size_t len, size_t *olen)
{
    ck_assert(len > 11);
    ck_assert_int_eq(dump[0], RDB_TYPE_STREAM_LISTPACKS_2);
    ck_assert_int_eq(dump[len - 10], RDB_VERSION_7_0);
    ck_assert_int_eq(dump[len - 9], 0);
    uint64_t crc = 0;
    for (int i = 7; i >= 0; i--)
        crc = crc << 8 | dump[len - 8 + (size_t)i];
    ck_assert_msg(rdb_crc64(0, dump, len - 8) == crc, "CRC64 of a Redis DUMP differs");
    *olen = len - 11;
    return dump + 1;
}

/* ---- The oracle fixtures -------------------------------------------------------- */

START_TEST(test_read_matches_oracle)
{
    const struct stream_fixture *fx = &stream_fixtures[_i];
    size_t len, olen;
    unsigned char *dump = hex_decode(fx->dump, &len);
    const unsigned char *obj = fixture_object(dump, len, &olen);
    struct rdb_reader r;
    rdb_reader_init(&r, obj, olen);
    struct stream *s;
    ck_assert_msg(rdb_stream_read(&r, RDB_TYPE_STREAM_LISTPACKS_2, &s, 4096, 100) == 0, "%s: %s",
                  fx->name, r.err);
    ck_assert_uint_eq(r.pos, olen);
    ck_assert(stream_check(s));
    ck_assert(stream_groups_check(s));
    check_info(fx, s);

    struct built b;
    build(fx, &b);
    check_info(fx, b.s);
    assert_streams_equal(s, b.s);
    stream_free(b.s);
    stream_free(s);
    free(dump);
}
END_TEST

START_TEST(test_write_matches_oracle)
{
    const struct stream_fixture *fx = &stream_fixtures[_i];
    if (known_write_difference(fx))
        return;
    size_t len, glen;
    unsigned char *dump = hex_decode(fx->dump, &len);
    struct built b;
    build(fx, &b);
    unsigned char *got = dump_of(b.s, RDB_TYPE_STREAM_LISTPACKS_2, b.compress, &glen);
    assert_same_bytes(fx->name, got, glen, dump, len);
    free(got);
    stream_free(b.s);
    free(dump);
}
END_TEST

/* Read a payload and write it again with the same limits: the same bytes,
 * tombstones included. */
START_TEST(test_reload_same_bytes)
{
    const struct stream_fixture *fx = &stream_fixtures[_i];
    if (known_write_difference(fx))
        return;
    size_t len, olen, glen;
    unsigned char *dump = hex_decode(fx->dump, &len);
    const unsigned char *obj = fixture_object(dump, len, &olen);
    struct built b;
    build(fx, &b);
    struct rdb_reader r;
    rdb_reader_init(&r, obj, olen);
    struct stream *s;
    ck_assert_int_eq(rdb_stream_read(&r, RDB_TYPE_STREAM_LISTPACKS_2, &s, b.max_bytes,
                                     b.max_entries), 0);
    unsigned char *got = dump_of(s, RDB_TYPE_STREAM_LISTPACKS_2, b.compress, &glen);
    assert_same_bytes(fx->name, got, glen, dump, len);
    free(got);
    stream_free(s);
    /* Loaded under much smaller limits: each listpack still becomes one
     * node (Redis keeps a loaded listpack whole), so the same bytes. */
    rdb_reader_init(&r, obj, olen);
    ck_assert_int_eq(rdb_stream_read(&r, RDB_TYPE_STREAM_LISTPACKS_2, &s, 7, 3), 0);
    ck_assert(stream_check(s));
    assert_streams_equal(s, b.s);
    got = dump_of(s, RDB_TYPE_STREAM_LISTPACKS_2, b.compress, &glen);
    assert_same_bytes(fx->name, got, glen, dump, len);
    free(got);
    stream_free(s);
    stream_free(b.s);
    free(dump);
}
END_TEST

/* The known difference, spelled out: same data and counters, the tail
 * tombstone above the last ID is gone. */
START_TEST(test_setid_below_tombstone)
{
    const struct stream_fixture *fx = NULL;
    for (size_t i = 0; i < NFIXTURES; i++)
        if (known_write_difference(&stream_fixtures[i]))
            fx = &stream_fixtures[i];
    ck_assert_ptr_nonnull(fx);
    size_t len, olen;
    unsigned char *dump = hex_decode(fx->dump, &len);
    const unsigned char *obj = fixture_object(dump, len, &olen);
    struct rdb_reader r;
    rdb_reader_init(&r, obj, olen);
    struct stream *s;
    ck_assert_int_eq(rdb_stream_read(&r, RDB_TYPE_STREAM_LISTPACKS_2, &s, 4096, 100), 0);
    /* max-deleted-entry-id (2-2) above the last ID (1-1) is kept. */
    ck_assert_uint_eq(s->max_deleted_id.ms, 2);
    ck_assert_uint_eq(s->last_id.ms, 1);
    ck_assert_uint_eq(s->tail->deleted, 0);
    check_info(fx, s);
    stream_free(s);
    free(dump);
}
END_TEST

/* ---- Damage --------------------------------------------------------------------- */

START_TEST(test_truncated_objects_fail)
{
    const struct stream_fixture *fx = &stream_fixtures[_i];
    size_t len, olen;
    unsigned char *dump = hex_decode(fx->dump, &len);
    const unsigned char *obj = fixture_object(dump, len, &olen);
    size_t base = mem_used();
    for (size_t cut = 0; cut < olen; cut++) {
        /* A copy of exactly cut bytes, so ASan sees any read past it. */
        unsigned char *p = malloc(cut ? cut : 1);
        memcpy(p, obj, cut);
        struct rdb_reader r;
        rdb_reader_init(&r, p, cut);
        struct stream *s = (struct stream *)1;
        int rc = rdb_stream_read(&r, RDB_TYPE_STREAM_LISTPACKS_2, &s, 4096, 100);
        ck_assert_msg(rc == -1, "%s: cut at %zu loaded", fx->name, cut);
        ck_assert_ptr_null(s);
        ck_assert_msg(r.err[0] != '\0', "%s: cut at %zu: no message", fx->name, cut);
        ck_assert_msg(mem_used() == base, "%s: cut at %zu leaked", fx->name, cut);
        free(p);
    }
    free(dump);
}
END_TEST

START_TEST(test_flipped_bits_are_safe)
{
    static const unsigned char masks[] = {0x01, 0x10, 0x80};
    const struct stream_fixture *fx = &stream_fixtures[_i];
    size_t len, olen;
    unsigned char *dump = hex_decode(fx->dump, &len);
    const unsigned char *obj = fixture_object(dump, len, &olen);
    unsigned char *p = malloc(olen);
    size_t base = mem_used();
    for (size_t pos = 0; pos < olen; pos++) {
        for (size_t m = 0; m < sizeof(masks); m++) {
            memcpy(p, obj, olen);
            p[pos] ^= masks[m];
            struct rdb_reader r;
            rdb_reader_init(&r, p, olen);
            struct stream *s;
            if (rdb_stream_read(&r, RDB_TYPE_STREAM_LISTPACKS_2, &s, 4096, 100) == 0) {
                ck_assert_msg(stream_check(s) && stream_groups_check(s),
                              "%s: flip at %zu loaded a broken stream", fx->name, pos);
                stream_free(s);
            } else {
                ck_assert_msg(r.err[0] != '\0', "%s: flip at %zu: no message", fx->name, pos);
            }
            ck_assert_msg(mem_used() == base, "%s: flip at %zu leaked", fx->name, pos);
        }
    }
    free(p);
    free(dump);
}
END_TEST

/* ---- Other types and state 7.0 cannot carry --------------------------------------- */

static void add(struct stream *s, uint64_t ms, uint64_t seq, const char *f, const char *v)
{
    struct stream_str fv[2] = {{f, strlen(f)}, {v, strlen(v)}};
    struct stream_id_spec spec = {.id = {ms, seq}, .kind = STREAM_ID_EXPLICIT};
    ck_assert_int_eq(stream_append(s, &spec, fv, 1, 0, NULL), 0);
}

/* A stream with a group, consumers with active-times, a released record. */
static struct stream *rich_stream(void)
{
    struct stream *s = stream_new(4096, 100);
    for (uint64_t i = 1; i <= 6; i++)
        add(s, i, 0, "k", "v");
    struct stream_id id = {3, 0}, d = {2, 0};
    ck_assert_int_eq(stream_delete(s, &d), 1);
    struct stream_group *g = stream_group_create(s, "grp", 3, &id, 3);
    struct stream_consumer *a = stream_consumer_create(g, "a", 1, 5000);
    struct stream_consumer *b = stream_consumer_create(g, "b", 1, 6000);
    a->active_time = 4500;
    b->active_time = -1;
    for (uint64_t i = 1; i <= 3; i++) {
        struct stream_id pid = {i, 0};
        stream_pel_add(g, &pid, i == 2 ? b : a, 1000 * (int64_t)i, i);
    }
    struct stream_id rid = {1, 0};
    stream_pel_release(g, stream_pel_find(g, &rid));
    return s;
}

static struct stream *reload(const struct stream *s, int type)
{
    struct rdb_writer w;
    rdb_writer_init(&w, NULL, NULL, 1);
    ck_assert_int_eq(rdb_stream_write(&w, s, type), 0);
    struct rdb_reader r;
    rdb_reader_init(&r, w.buf, w.len);
    struct stream *out;
    ck_assert_msg(rdb_stream_read(&r, type, &out, 4096, 100) == 0, "type %d: %s", type, r.err);
    ck_assert_uint_eq(r.pos, w.len);
    rdb_writer_free(&w);
    ck_assert(stream_check(out));
    ck_assert(stream_groups_check(out));
    return out;
}

START_TEST(test_type_choice)
{
    struct stream *s = stream_new(4096, 100);
    add(s, 1, 0, "a", "b");
    ck_assert_int_eq(rdb_stream_rdbver_for(s), RDB_VERSION_7_0);
    ck_assert_int_eq(rdb_stream_type_for(s, 10), RDB_TYPE_STREAM_LISTPACKS_2);
    ck_assert_int_eq(rdb_stream_type_for(s, 11), RDB_TYPE_STREAM_LISTPACKS_3);
    ck_assert_int_eq(rdb_stream_type_for(s, 14), RDB_TYPE_STREAM_LISTPACKS_3);
    /* A map at its defaults holding nothing is no reason for a new format. */
    s->idmp = stream_idmp_new();
    ck_assert_int_eq(rdb_stream_rdbver_for(s), RDB_VERSION_7_0);
    ck_assert_int_eq(stream_idmp_configure(s->idmp, 300, 100), 1);
    ck_assert_int_eq(rdb_stream_rdbver_for(s), RDB_VERSION_8_6);
    ck_assert_int_eq(rdb_stream_type_for(s, 10), RDB_TYPE_STREAM_LISTPACKS_2);
    ck_assert_int_eq(rdb_stream_type_for(s, 13), RDB_TYPE_STREAM_LISTPACKS_4);
    stream_free(s);

    s = rich_stream();
    ck_assert_int_eq(rdb_stream_rdbver_for(s), RDB_VERSION_8_8);
    ck_assert_int_eq(rdb_stream_type_for(s, 14), RDB_TYPE_STREAM_LISTPACKS_5);
    ck_assert_int_eq(rdb_stream_type_for(s, 13), RDB_TYPE_STREAM_LISTPACKS_3);
    ck_assert_int_eq(rdb_stream_type_for(s, 10), RDB_TYPE_STREAM_LISTPACKS_2);
    stream_free(s);
}
END_TEST

START_TEST(test_type27_keeps_everything)
{
    struct stream *s = rich_stream();
    struct stream *t = reload(s, RDB_TYPE_STREAM_LISTPACKS_5);
    assert_streams_equal(s, t);
    const struct stream_group *g = stream_group_at(t, 0);
    ck_assert_uint_eq(g->nacked, 1);
    struct stream_id rid = {1, 0};
    ck_assert_ptr_null(stream_pel_find(g, &rid)->owner);
    stream_free(t);
    stream_free(s);
}
END_TEST

START_TEST(test_type21_and_19_leave_out_released)
{
    struct stream *s = rich_stream();
    struct stream_id rid = {1, 0};
    struct stream *t = reload(s, RDB_TYPE_STREAM_LISTPACKS_3);
    const struct stream_group *g = stream_group_at(t, 0);
    ck_assert_uint_eq(stream_group_pending_count(g), 2);
    ck_assert_ptr_null(stream_pel_find(g, &rid));
    ck_assert_int_eq(stream_consumer_find(g, "a", 1)->active_time, 4500);
    ck_assert_int_eq(stream_consumer_find(g, "b", 1)->active_time, -1);
    stream_free(t);

    /* 7.0 has no active-time: Redis 7.2 loads it as the seen-time. */
    t = reload(s, RDB_TYPE_STREAM_LISTPACKS_2);
    g = stream_group_at(t, 0);
    ck_assert_uint_eq(stream_group_pending_count(g), 2);
    ck_assert_int_eq(stream_consumer_find(g, "a", 1)->active_time, 5000);
    ck_assert_int_eq(stream_consumer_find(g, "b", 1)->active_time, 6000);
    ck_assert_int_eq(g->entries_read, 3);
    stream_free(t);
    stream_free(s);
}
END_TEST

/* 5.0-6.2's type: no first/max-deleted/entries-added, no entries-read;
 * Redis 7 migrates with entries-added = length and an estimated counter. */
START_TEST(test_type15_migration)
{
    struct stream *s = stream_new(4096, 100);
    for (uint64_t i = 1; i <= 4; i++)
        add(s, i, 0, "k", "v");
    struct stream_id three = {3, 0}, last = {9, 9};
    ck_assert_int_eq(stream_set_last_id(s, &last, 10, NULL), 0);
    stream_group_create(s, "g", 1, &three, 7);
    stream_group_create(s, "h", 1, &last, 10);
    struct stream *t = reload(s, RDB_TYPE_STREAM_LISTPACKS);
    ck_assert_uint_eq(t->entries_added, 4);
    ck_assert(stream_id_eq(&t->last_id, &last));
    ck_assert(stream_id_is_zero(&t->max_deleted_id));
    /* streamEstimateDistanceFromFirstEverEntry: unknown in the middle,
     * every entry added at the last ID. */
    ck_assert_int_eq(stream_group_at(t, 0)->entries_read, STREAM_ENTRIES_READ_INVALID);
    ck_assert_int_eq(stream_group_at(t, 1)->entries_read, 4);
    stream_free(t);
    stream_free(s);
}
END_TEST

START_TEST(test_type26_idmp)
{
    struct stream *s = stream_new(4096, 100);
    for (uint64_t i = 1; i <= 5; i++)
        add(s, 1000 + i, 0, "k", "v");
    s->idmp = stream_idmp_new();
    ck_assert_int_eq(stream_idmp_configure(s->idmp, 600, 3), 1);
    const char *rec[][3] = {{"p2", "x", "1001"}, {"p1", "a", "1002"}, {"p1", "b", "1003"},
                            {"p2", "y", "1004"}, {"p1", "c", "1005"}};
    for (size_t i = 0; i < 5; i++) {
        struct stream_id id = {(uint64_t)atoi(rec[i][2]), 0};
        ck_assert_int_eq(stream_idmp_record(s->idmp, rec[i][0], 2, rec[i][1], 1, &id, 1000), 0);
    }
    stream_idmp_count_duplicate(s->idmp);
    stream_idmp_count_duplicate(s->idmp);
    ck_assert_int_eq(rdb_stream_type_for(s, RDB_VERSION_8_6), RDB_TYPE_STREAM_LISTPACKS_4);
    struct stream *t = reload(s, RDB_TYPE_STREAM_LISTPACKS_4);
    assert_streams_equal(s, t);
    ck_assert_ptr_nonnull(t->idmp);
    ck_assert_uint_eq(stream_idmp_duration(t->idmp), 600);
    ck_assert_uint_eq(stream_idmp_maxsize(t->idmp), 3);
    struct stream_idmp_stats sa, sb;
    stream_idmp_stats(s->idmp, &sa);
    stream_idmp_stats(t->idmp, &sb);
    ck_assert_uint_eq(sa.pids_tracked, sb.pids_tracked);
    ck_assert_uint_eq(sa.iids_tracked, sb.iids_tracked);
    /* Lifetime counters: 5 added (2 of them since evicted by maxsize 3),
     * 2 duplicates answered. */
    ck_assert_uint_eq(sa.iids_added, 5);
    ck_assert_uint_eq(sa.iids_duplicates, 2);
    ck_assert_uint_eq(sb.iids_added, sa.iids_added);
    ck_assert_uint_eq(sb.iids_duplicates, sa.iids_duplicates);
    for (size_t i = 0; i < 5; i++) {
        struct stream_id want = {(uint64_t)atoi(rec[i][2]), 0}, got;
        bool held = stream_idmp_find(s->idmp, rec[i][0], 2, rec[i][1], 1, 1000, &got);
        ck_assert(held == stream_idmp_find(t->idmp, rec[i][0], 2, rec[i][1], 1, 1000, &got));
        if (held)
            ck_assert(stream_id_eq(&got, &want));
    }
    ck_assert(stream_idmp_check(t->idmp));
    stream_free(t);

    /* Written for 7.0, the map is left out. */
    t = reload(s, RDB_TYPE_STREAM_LISTPACKS_2);
    ck_assert_ptr_null(t->idmp);
    stream_free(t);
    stream_free(s);
}
END_TEST

/* ---- Hand-made corrupt objects ------------------------------------------------------ */

/* A one-node object with the given listpack elements (ints, or strings
 * when the pointer is set), then length/IDs/counters and no groups. */
struct elem {
    const char *s;
    int64_t v;
};

static void write_one_node(struct rdb_writer *w, const struct elem *e, size_t n, uint64_t length)
{
    struct lp_builder b;
    lp_builder_init(&b);
    for (size_t i = 0; i < n; i++) {
        if (e[i].s)
            lp_append_string(&b, e[i].s, strlen(e[i].s));
        else
            lp_append_int(&b, e[i].v);
    }
    size_t len;
    unsigned char *lp = lp_builder_finish(&b, &len);
    unsigned char key[16] = {0};
    key[7] = 1;
    rdb_write_len(w, 1);
    rdb_write_string(w, key, 16);
    rdb_write_string(w, lp, len);
    mem_free(lp);
    rdb_write_len(w, length);
    for (int i = 0; i < 6; i++)
        rdb_write_len(w, i == 0 ? 9 : 0); /* last 9-0, first 0-0, max-deleted 0-0 */
    rdb_write_len(w, length);             /* entries-added */
}

static void expect_error(const unsigned char *p, size_t len, const char *needle)
{
    struct rdb_reader r;
    rdb_reader_init(&r, p, len);
    struct stream *s;
    size_t base = mem_used();
    ck_assert_int_eq(rdb_stream_read(&r, RDB_TYPE_STREAM_LISTPACKS_2, &s, 4096, 100), -1);
    ck_assert_msg(strstr(r.err, needle) != NULL, "wanted \"%s\", got \"%s\"", needle, r.err);
    ck_assert(mem_used() == base);
}

START_TEST(test_corrupt_nodes)
{
    /* master: count 2, deleted 0, 1 field "f", 0; entries 1-0 and 1-1. */
    struct elem good[] = {{NULL, 2}, {NULL, 0}, {NULL, 1}, {"f", 0}, {NULL, 0},
                          {NULL, 2}, {NULL, 0}, {NULL, 0}, {"a", 0}, {NULL, 4},
                          {NULL, 2}, {NULL, 0}, {NULL, 1}, {"b", 0}, {NULL, 4}};
    struct rdb_writer w;
    rdb_writer_init(&w, NULL, NULL, 0);
    write_one_node(&w, good, 15, 2);
    rdb_write_len(&w, 0); /* groups */
    struct rdb_reader r;
    rdb_reader_init(&r, w.buf, w.len);
    struct stream *s;
    ck_assert_msg(rdb_stream_read(&r, RDB_TYPE_STREAM_LISTPACKS_2, &s, 4096, 100) == 0, "%s", r.err);
    stream_free(s);
    rdb_writer_free(&w);

    struct {
        size_t at;
        int64_t v;
        const char *err;
    } cases[] = {
        {0, 3, "master counts"},     /* count says 3 */
        {9, 5, "lp-count"},          /* lp-count */
        {12, 0, "IDs do not rise"},  /* second entry's seq delta 0: same ID */
        {10, 7, "flags"},            /* flags */
        {2, 0, "master entry"},      /* no fields */
        {4, 3, "terminated"},        /* master terminator */
        {5, 3, ""},                  /* a tombstone, with counts to match: loads */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct elem bad[15];
        memcpy(bad, good, sizeof(bad));
        bad[cases[i].at].v = cases[i].v;
        if (cases[i].at == 5)
            bad[0].v = 1, bad[1].v = 1; /* consistent counts: loads fine */
        rdb_writer_init(&w, NULL, NULL, 0);
        write_one_node(&w, bad, 15, cases[i].at == 5 ? 1 : 2);
        rdb_write_len(&w, 0);
        if (cases[i].at == 5) {
            rdb_reader_init(&r, w.buf, w.len);
            ck_assert_msg(rdb_stream_read(&r, RDB_TYPE_STREAM_LISTPACKS_2, &s, 4096, 100) == 0,
                          "%s", r.err);
            ck_assert_uint_eq(s->length, 1);
            stream_free(s);
        } else {
            expect_error(w.buf, w.len, cases[i].err);
        }
        rdb_writer_free(&w);
    }

    /* A node key that is not 16 bytes. */
    rdb_writer_init(&w, NULL, NULL, 0);
    rdb_write_len(&w, 1);
    rdb_write_string(&w, "short", 5);
    rdb_write_string(&w, "x", 1);
    expect_error(w.buf, w.len, "16-byte");
    rdb_writer_free(&w);

    /* Length that disagrees with the entries. */
    rdb_writer_init(&w, NULL, NULL, 0);
    write_one_node(&w, good, 15, 5);
    rdb_write_len(&w, 0);
    expect_error(w.buf, w.len, "stream length");
    rdb_writer_free(&w);
}
END_TEST

/* Groups: a consumer's PEL ID must be in the group PEL, owned once; every
 * record needs an owner before type 27. */
START_TEST(test_corrupt_groups)
{
    for (int kind = 0; kind < 4; kind++) {
        struct rdb_writer w;
        rdb_writer_init(&w, NULL, NULL, 0);
        rdb_write_len(&w, 0);          /* no nodes */
        rdb_write_len(&w, 0);          /* length */
        for (int i = 0; i < 7; i++)
            rdb_write_len(&w, i == 0 ? 5 : 0);
        rdb_write_len(&w, kind == 3 ? 2 : 1); /* groups */
        for (int gi = 0; gi < (kind == 3 ? 2 : 1); gi++) {
            rdb_write_string(&w, "g", 1);
            rdb_write_len(&w, 0);
            rdb_write_len(&w, 0);
            rdb_write_len(&w, 0);      /* entries-read */
            rdb_write_len(&w, 1);      /* PEL: 1-0 */
            unsigned char id[16] = {0};
            id[7] = 1;
            rdb_write_raw(&w, id, 16);
            rdb_write_millis(&w, 100);
            rdb_write_len(&w, 1);
            rdb_write_len(&w, kind == 1 ? 0 : kind == 2 ? 2 : 1);
            for (int c = 0; c < (kind == 1 ? 0 : kind == 2 ? 2 : 1); c++) {
                rdb_write_string(&w, c ? "d" : "c", 1);
                rdb_write_millis(&w, 100);
                rdb_write_len(&w, 1);
                if (kind == 0)
                    id[7] = 2; /* not in the group PEL */
                rdb_write_raw(&w, id, 16);
            }
        }
        static const char *const want[] = {"not in the group PEL", "has no consumer",
                                           "owned twice", "duplicate stream group"};
        expect_error(w.buf, w.len, want[kind]);
        rdb_writer_free(&w);
    }
}
END_TEST

START_TEST(test_unknown_type)
{
    unsigned char b[1] = {0};
    struct rdb_reader r;
    rdb_reader_init(&r, b, 1);
    struct stream *s;
    ck_assert_int_eq(rdb_stream_read(&r, RDB_TYPE_STRING, &s, 4096, 100), -1);
    ck_assert(strstr(r.err, "unknown stream") != NULL);
    struct rdb_writer w;
    rdb_writer_init(&w, NULL, NULL, 0);
    s = stream_new(4096, 100);
    ck_assert_int_eq(rdb_stream_write(&w, s, RDB_TYPE_HASH), -1);
    stream_free(s);
    rdb_writer_free(&w);
}
END_TEST

/* ---- Node cutting beyond the fixtures ------------------------------------------------ */

/* Writing never loses or reorders an entry whatever the limits, and what
 * is written reads back equal. */
START_TEST(test_random_streams_roundtrip)
{
    uint64_t x = 0x1234567;
    for (int round = 0; round < 40; round++) {
        size_t me = (size_t)(round % 5) * 3, mb = round % 3 == 0 ? 0 : 60 + (size_t)round * 37;
        struct stream *s = stream_new(mb, me);
        uint64_t ms = 1;
        for (int i = 0; i < 200; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            char v[64];
            /* odd rounds: few values, so entries often repeat the
             * previous one's bytes (the loader's repeat path) */
            snprintf(v, sizeof(v), "%llu", (unsigned long long)(x % (round & 1 ? 3 : 100000)));
            ms += x % 3;
            add(s, ms, (uint64_t)i, x % 4 ? "f" : "g", x % 5 ? v : "text value");
        }
        for (int i = 0; i < 60; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            struct stream_id id;
            if (stream_first_entry(s, &id)) {
                struct stream_iter it;
                stream_iter_start(&it, s, &id, &STREAM_ID_MAX, false);
                for (uint64_t k = x % 50; stream_iter_next(&it) && k; k--)
                    id = it.id;
                stream_iter_stop(&it);
                stream_delete(s, &id);
            }
        }
        struct rdb_writer w;
        rdb_writer_init(&w, NULL, NULL, round & 1);
        ck_assert_int_eq(rdb_stream_write(&w, s, RDB_TYPE_STREAM_LISTPACKS_2), 0);
        struct rdb_reader r;
        /* Each node is one listpack, of the size XADD's rule measured. */
        rdb_reader_init(&r, w.buf, w.len);
        uint64_t nlp;
        ck_assert_int_eq(rdb_read_len(&r, &nlp, NULL), 0);
        ck_assert_uint_eq(nlp, stream_node_count(s));
        struct stream_node_walk nw = {0};
        const struct stream_node *node;
        for (uint64_t k = 0; k < nlp; k++) {
            char *key, *lp;
            size_t klen, lplen;
            ck_assert_int_eq(rdb_read_string(&r, &key, &klen), 0);
            ck_assert_int_eq(rdb_read_string(&r, &lp, &lplen), 0);
            ck_assert(stream_walk_nodes(s, &nw, &node));
            ck_assert_uint_eq(lplen, stream_node_lp_bytes(node));
            mem_free(key);
            mem_free(lp);
        }
        rdb_reader_init(&r, w.buf, w.len);
        struct stream *t;
        ck_assert_msg(rdb_stream_read(&r, RDB_TYPE_STREAM_LISTPACKS_2, &t, 4096, 100) == 0, "%s",
                      r.err);
        ck_assert(stream_check(t));
        assert_streams_equal(s, t);
        /* Loaded under other limits: the same nodes, data and bytes. */
        struct stream *small;
        rdb_reader_init(&r, w.buf, w.len);
        ck_assert_msg(rdb_stream_read(&r, RDB_TYPE_STREAM_LISTPACKS_2, &small, 60, 3) == 0, "%s",
                      r.err);
        ck_assert(stream_check(small));
        assert_streams_equal(s, small);
        ck_assert_uint_eq(stream_node_count(small), stream_node_count(s));
        struct rdb_writer w3;
        rdb_writer_init(&w3, NULL, NULL, round & 1);
        ck_assert_int_eq(rdb_stream_write(&w3, small, RDB_TYPE_STREAM_LISTPACKS_2), 0);
        assert_same_bytes("other limits", w3.buf, w3.len, w.buf, w.len);
        rdb_writer_free(&w3);
        stream_free(small);
        /* And once more: a reload writes the same bytes. */
        struct rdb_writer w2;
        rdb_writer_init(&w2, NULL, NULL, round & 1);
        ck_assert_int_eq(rdb_stream_write(&w2, t, RDB_TYPE_STREAM_LISTPACKS_2), 0);
        assert_same_bytes("reload", w2.buf, w2.len, w.buf, w.len);
        rdb_writer_free(&w2);
        rdb_writer_free(&w);
        stream_free(t);
        stream_free(s);
    }
}
END_TEST

static Suite *rdb_stream_suite(void)
{
    Suite *s = suite_create("rdb_stream");
    TCase *tc = tcase_create("oracle");
    tcase_add_loop_test(tc, test_read_matches_oracle, 0, (int)NFIXTURES);
    tcase_add_loop_test(tc, test_write_matches_oracle, 0, (int)NFIXTURES);
    tcase_add_loop_test(tc, test_reload_same_bytes, 0, (int)NFIXTURES);
    tcase_add_test(tc, test_setid_below_tombstone);
    suite_add_tcase(s, tc);

    tc = tcase_create("damage");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_truncated_objects_fail, 0, (int)NFIXTURES);
    tcase_add_loop_test(tc, test_flipped_bits_are_safe, 0, (int)NFIXTURES);
    tcase_add_test(tc, test_corrupt_nodes);
    tcase_add_test(tc, test_corrupt_groups);
    tcase_add_test(tc, test_unknown_type);
    suite_add_tcase(s, tc);

    tc = tcase_create("types");
    tcase_add_test(tc, test_type_choice);
    tcase_add_test(tc, test_type27_keeps_everything);
    tcase_add_test(tc, test_type21_and_19_leave_out_released);
    tcase_add_test(tc, test_type15_migration);
    tcase_add_test(tc, test_type26_idmp);
    suite_add_tcase(s, tc);

    tc = tcase_create("random");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_random_streams_roundtrip);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(rdb_stream_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
