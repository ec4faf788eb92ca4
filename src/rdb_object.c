/* rdb_object.c -- one value in RDB form, per type.  See rdb_object.h.
 *
 * Strings and hashes are written as Redis 7.0 writes them, so that their
 * DUMP payloads and dump.rdb bytes match (a hash table's pairs come in
 * Runnel's table order, which Redis's dict order need not be).  Reading
 * rebuilds the value through the type's own constructors, so it ends in
 * the encoding Redis would choose; a hash with a field twice is corrupt
 * (Redis's deep sanitization says the same). */
#include "rdb_object.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd_hash.h"
#include "cmd_list.h"
#include "cmd_set.h"
#include "cmd_stream.h"
#include "cmd_string.h"
#include "db.h"
#include "hash.h"
#include "list.h"
#include "mem.h"
#include "rdb.h"
#include "rdb_codec.h"
#include "rdb_stream.h"
#include "server.h"
#include "set.h"
#include "stream.h"
#include "strobj.h"

int rdb_type_is_stream(int type)
{
    return type == RDB_TYPE_STREAM_LISTPACKS || type == RDB_TYPE_STREAM_LISTPACKS_2 ||
           type == RDB_TYPE_STREAM_LISTPACKS_3 || type == RDB_TYPE_STREAM_LISTPACKS_4 ||
           type == RDB_TYPE_STREAM_LISTPACKS_5;
}

/* --- Writing ------------------------------------------------------------------- */

int rdb_object_min_version(const struct object *o)
{
    if (o->type == &list_object_type)
        return RDB_VERSION_WRITE;
    if (o->type == &stream_object_type) {
        int v = rdb_stream_rdbver_for(o->ptr);
        return v < RDB_VERSION_WRITE ? RDB_VERSION_WRITE : v;
    }
    if (o->type == &string_object_type || o->type == &hash_object_type ||
        o->type == &set_object_type)
        return RDB_VERSION_WRITE;
    return -1;
}

int rdb_object_type(const struct object *o, int version)
{
    if (o->type == &list_object_type)
        return RDB_TYPE_LIST_QUICKLIST_2;
    if (o->type == &stream_object_type)
        return rdb_stream_type_for(o->ptr, version);
    if (o->type == &string_object_type)
        return RDB_TYPE_STRING;
    if (o->type == &hash_object_type) {
        const struct hash *h = o->ptr;
        return h->enc == HASH_ENC_LISTPACK ? RDB_TYPE_HASH_LISTPACK : RDB_TYPE_HASH;
    }
    if (o->type == &set_object_type) {
        const struct set *st = o->ptr;
        return st->enc == SET_ENC_INTSET ? RDB_TYPE_SET_INTSET : RDB_TYPE_SET;
    }
    return -1;
}

static int write_hash(struct rdb_writer *w, const struct hash *h, int type)
{
    struct hash_iter it;
    struct hash_pair p;
    hash_iter_init(&it, h);
    if (type == RDB_TYPE_HASH_LISTPACK) {
        /* Field, value, field, value ...: Redis's listpack of a small hash. */
        struct lp_builder b;
        lp_builder_init(&b);
        while (hash_iter_next(&it, &p)) {
            lp_append_string(&b, p.field, p.flen);
            lp_append_string(&b, p.value, p.vlen);
        }
        size_t len;
        unsigned char *lp = lp_builder_finish(&b, &len);
        int rc = rdb_write_string(w, lp, len);
        mem_free(lp);
        return rc;
    }
    rdb_write_len(w, hash_len(h));
    int rc = 0;
    while (hash_iter_next(&it, &p) && rc == 0) {
        rdb_write_string(w, p.field, p.flen);
        rc = rdb_write_string(w, p.value, p.vlen);
    }
    return rc;
}

/* A set as Redis 7.0 writes it: an intset as its blob, a table as a count
 * and the members. */
static int write_set(struct rdb_writer *w, const struct set *st)
{
    if (st->enc == SET_ENC_INTSET) {
        size_t len;
        unsigned char *blob = set_intset_blob(st, &len);
        int rc = rdb_write_string(w, blob, len);
        mem_free(blob);
        return rc;
    }
    rdb_write_len(w, set_len(st));
    struct set_iter it;
    const char *p;
    size_t len;
    int rc = 0;
    set_iter_init(&it, st);
    while (rc == 0 && set_iter_next(&it, &p, &len))
        rc = rdb_write_string(w, p, len);
    return rc;
}

/* A list as Redis 7.x writes it (RDB_TYPE_LIST_QUICKLIST_2): the node
 * count, then per node its container (2 packed: a listpack of its
 * elements; 1 plain: the one large element) and the blob.  A listpack
 * list is one packed node, as Redis 7.2+ writes it. */
static int write_list(struct rdb_writer *w, const struct list *l)
{
    rdb_write_len(w, l->nnodes);
    int rc = 0;
    for (const struct list_node *n = l->head; n && rc == 0; n = n->next) {
        size_t off = 0;
        const char *p;
        size_t plen;
        if (n->plain) {
            rdb_write_len(w, 1);
            list_node_next(n, &off, &p, &plen);
            rc = rdb_write_string(w, p, plen);
            continue;
        }
        rdb_write_len(w, 2);
        struct lp_builder b;
        lp_builder_init(&b);
        while (list_node_next(n, &off, &p, &plen))
            lp_append_string(&b, p, plen);
        size_t len;
        unsigned char *lp = lp_builder_finish(&b, &len);
        rc = rdb_write_string(w, lp, len);
        mem_free(lp);
    }
    return rc;
}

int rdb_object_write(struct rdb_writer *w, const struct object *o, int type)
{
    if (o->type == &list_object_type)
        return write_list(w, o->ptr);
    if (o->type == &stream_object_type)
        return rdb_stream_write(w, o->ptr, type);
    if (o->type == &string_object_type) {
        const struct strobj *s = o->ptr;
        return rdb_write_string(w, s->buf, s->len);
    }
    if (o->type == &hash_object_type)
        return write_hash(w, o->ptr, type);
    if (o->type == &set_object_type)
        return write_set(w, o->ptr);
    w->err = ENOTSUP;
    return -1;
}

/* --- Reading: errors ------------------------------------------------------------ */

static int fail(struct rdb_reader *r, const char *what)
{
    snprintf(r->err, sizeof(r->err), "%s at offset %zu", what, r->pos);
    return -1;
}

/* A count that cannot fit in what is left of the input is corruption (each
 * element takes at least `per` bytes). */
static int read_count(struct rdb_reader *r, uint64_t *n, uint64_t per)
{
    if (rdb_read_len(r, n, NULL) < 0)
        return -1;
    if (per && *n > (r->len - r->pos) / per) {
        snprintf(r->err, sizeof(r->err), "element count %" PRIu64 " past the end at offset %zu",
                 *n, r->pos);
        return -1;
    }
    return 0;
}

/* --- Reading: hashes --------------------------------------------------------------- */

struct hash_load {
    struct hash *h;
    struct hash_limits lim;
    int field_next;       /* the next string is a field (else its value) */
    char *field;
    size_t flen;
};

static void hash_load_init(struct server *srv, struct hash_load *hl)
{
    hl->h = hash_new(srv->hash_seed);
    hl->lim = hash_limits_of(&srv->cfg);
    hl->field_next = 1;
    hl->field = NULL;
    hl->flen = 0;
}

/* One string of the field, value, field, value ... sequence; -1 on a
 * field seen twice. */
static int hash_load_add(struct hash_load *hl, const char *p, size_t len)
{
    if (hl->field_next) {
        hl->field = mem_alloc(len + 1);
        memcpy(hl->field, p, len);
        hl->flen = len;
        hl->field_next = 0;
        return 0;
    }
    int added = hash_set(hl->h, hl->field, hl->flen, p, len, &hl->lim);
    mem_free(hl->field);
    hl->field = NULL;
    hl->field_next = 1;
    return added == 1 ? 0 : -1;
}

static void hash_load_abort(struct hash_load *hl)
{
    mem_free(hl->field);
    hash_free(hl->h);
}

/* A listpack entry as the string Redis stores (integers in decimal). */
static int hash_load_lp_entry(struct hash_load *hl, const struct lp_entry *e)
{
    if (!e->is_int)
        return hash_load_add(hl, (const char *)e->str, e->slen);
    char num[STROBJ_LL_MAX_CHARS];
    size_t n = strobj_format_ll(num, (long long)e->v);
    return hash_load_add(hl, num, n);
}

/* Redis 7's listpack of a small hash. */
static int read_hash_listpack(struct hash_load *hl, struct rdb_reader *r)
{
    char *blob;
    size_t len;
    if (rdb_read_string(r, &blob, &len) < 0)
        return -1;
    struct lp_iter it;
    struct lp_entry e;
    int rc = lp_iter_init(&it, (const unsigned char *)blob, len);
    if (rc < 0)
        fail(r, "bad hash listpack header");
    while (rc == 0) {
        int k = lp_iter_next(&it, &e);
        if (k == 0)
            break;
        if (k < 0) {
            rc = fail(r, "bad hash listpack entry");
        } else if (hash_load_lp_entry(hl, &e) < 0) {
            rc = fail(r, "a hash field is listed twice");
        }
    }
    if (rc == 0 && !hl->field_next)
        rc = fail(r, "a hash listpack with an odd number of entries");
    mem_free(blob);
    return rc;
}

/* The ziplist of a small hash (Redis 2.6 to 6.2): header zlbytes zltail
 * zllen, entries [prevlen][encoding][data], 0xFF. */
static int read_hash_ziplist(struct hash_load *hl, struct rdb_reader *r)
{
    char *blob;
    size_t len;
    if (rdb_read_string(r, &blob, &len) < 0)
        return -1;
    const unsigned char *z = (const unsigned char *)blob;
    int rc = 0;
    if (len < 11 || (z[0] | z[1] << 8 | z[2] << 16 | (uint32_t)z[3] << 24) != len ||
        z[len - 1] != 0xff)
        rc = fail(r, "bad hash ziplist header");
    size_t pos = 10;
    while (rc == 0 && pos < len - 1) {
        /* prevlen: one byte, or 0xFE and four (0xFF is the end mark). */
        if (z[pos] == 0xff) {
            rc = fail(r, "bad hash ziplist entry");
            break;
        }
        pos += z[pos] == 0xfe ? 5 : 1;
        if (pos >= len - 1) {
            rc = fail(r, "truncated hash ziplist entry");
            break;
        }
        unsigned char enc = z[pos];
        size_t slen = 0, hdr = 1;
        long long v = 0;
        int is_int = 1;
        if ((enc >> 6) == 0) {
            is_int = 0;
            slen = enc & 0x3f;
        } else if ((enc >> 6) == 1) {
            is_int = 0;
            hdr = 2;
            slen = pos + 1 < len ? (size_t)(enc & 0x3f) << 8 | z[pos + 1] : 0;
        } else if (enc == 0x80) {
            is_int = 0;
            hdr = 5;
            if (pos + 5 <= len)
                slen = (size_t)z[pos + 1] << 24 | (size_t)z[pos + 2] << 16 |
                       (size_t)z[pos + 3] << 8 | z[pos + 4];
        } else if (enc == 0xc0 || enc == 0xd0 || enc == 0xe0 || enc == 0xf0 || enc == 0xfe) {
            size_t n = enc == 0xc0 ? 2 : enc == 0xd0 ? 4 : enc == 0xe0 ? 8 : enc == 0xf0 ? 3 : 1;
            if (pos + 1 + n > len - 1) {
                rc = fail(r, "truncated hash ziplist integer");
                break;
            }
            uint64_t u = 0;
            for (size_t i = 0; i < n; i++)
                u |= (uint64_t)z[pos + 1 + i] << (8 * i);
            int bits = (int)n * 8;
            if (bits < 64 && (u >> (bits - 1)) & 1)
                u |= ~0ULL << bits; /* sign-extend */
            v = (long long)u;
            hdr = 1 + n;
        } else if (enc >= 0xf1 && enc <= 0xfd) {
            v = (enc & 0x0f) - 1;
        } else {
            rc = fail(r, "bad hash ziplist encoding");
            break;
        }
        if (pos + hdr > len - 1 || slen > len - 1 - pos - hdr) {
            rc = fail(r, "truncated hash ziplist entry");
            break;
        }
        int added;
        if (is_int) {
            char num[STROBJ_LL_MAX_CHARS];
            added = hash_load_add(hl, num, strobj_format_ll(num, v));
        } else {
            added = hash_load_add(hl, (const char *)z + pos + hdr, slen);
        }
        if (added < 0)
            rc = fail(r, "a hash field is listed twice");
        pos += hdr + slen;
    }
    if (rc == 0 && !hl->field_next)
        rc = fail(r, "a hash ziplist with an odd number of entries");
    mem_free(blob);
    return rc;
}

static int read_hash(struct server *srv, struct rdb_reader *r, int type, struct object **out)
{
    struct hash_load hl;
    hash_load_init(srv, &hl);
    int rc = 0;
    if (type == RDB_TYPE_HASH_LISTPACK) {
        rc = read_hash_listpack(&hl, r);
    } else if (type == RDB_TYPE_HASH_ZIPLIST) {
        rc = read_hash_ziplist(&hl, r);
    } else {
        uint64_t n;
        rc = read_count(r, &n, 2);
        for (uint64_t i = 0; i < n * 2 && rc == 0; i++) {
            char *str = NULL;
            size_t len;
            if (rdb_read_string(r, &str, &len) < 0) {
                rc = -1;
                break;
            }
            if (hash_load_add(&hl, str, len) < 0)
                rc = fail(r, "a hash field is listed twice");
            mem_free(str);
        }
    }
    if (rc < 0) {
        hash_load_abort(&hl);
        return -1;
    }
    *out = object_new(&hash_object_type, hl.h, srv->lru_clock);
    return 0;
}

/* --- Reading: sets ------------------------------------------------------------------- */

/* RDB_TYPE_SET (a count and the members), RDB_TYPE_SET_INTSET (Redis's
 * intset blob) and Redis 7.2's RDB_TYPE_SET_LISTPACK: the set ends in the
 * encoding Redis 7.0 would give it (a table past set-max-intset-entries or
 * with a member that is not an integer).  A member listed twice is
 * corruption, as Redis says. */
static int read_set(struct server *srv, struct rdb_reader *r, int type, struct object **out)
{
    size_t max = set_max_intset_of(&srv->cfg);
    struct set *st = NULL;
    int rc = 0;
    char *blob = NULL;
    size_t len;
    if (type == RDB_TYPE_SET_INTSET) {
        if (rdb_read_string(r, &blob, &len) < 0)
            return -1;
        if (set_from_intset_blob(&st, (const unsigned char *)blob, len, srv->hash_seed) < 0)
            rc = fail(r, "bad intset");
        else if (set_len(st) > max)
            set_convert(st);
    } else if (type == RDB_TYPE_SET_LISTPACK) {
        if (rdb_read_string(r, &blob, &len) < 0)
            return -1;
        st = set_new(srv->hash_seed);
        struct lp_iter it;
        struct lp_entry e;
        rc = lp_iter_init(&it, (const unsigned char *)blob, len);
        if (rc < 0)
            fail(r, "bad set listpack header");
        while (rc == 0) {
            int k = lp_iter_next(&it, &e);
            if (k == 0)
                break;
            char num[STROBJ_LL_MAX_CHARS];
            const char *p = (const char *)e.str;
            size_t n = e.slen;
            if (k > 0 && e.is_int) {
                n = strobj_format_ll(num, (long long)e.v);
                p = num;
            }
            if (k < 0)
                rc = fail(r, "bad set listpack entry");
            else if (set_add(st, p, n, max) != 1)
                rc = fail(r, "a set member is listed twice");
        }
    } else {
        uint64_t n;
        if (read_count(r, &n, 1) < 0)
            return -1;
        st = set_new(srv->hash_seed);
        if (n > max)
            set_convert(st);
        for (uint64_t i = 0; i < n && rc == 0; i++) {
            char *str = NULL;
            size_t slen;
            if (rdb_read_string(r, &str, &slen) < 0) {
                rc = -1;
                break;
            }
            if (set_add(st, str, slen, max) != 1)
                rc = fail(r, "a set member is listed twice");
            mem_free(str);
        }
    }
    mem_free(blob);
    if (rc < 0) {
        set_free(st);
        return -1;
    }
    *out = object_new(&set_object_type, st, srv->lru_clock);
    return 0;
}

/* --- Reading: lists --------------------------------------------------------------- */

/* RDB_TYPE_LIST_QUICKLIST_2: nodes kept as they come (empty ones
 * dropped, as Redis does), then the encoding Redis 7.2+ picks on load. */
static int read_list_quicklist2(struct rdb_reader *r, struct list *l)
{
    uint64_t n;
    if (read_count(r, &n, 2) < 0)
        return -1;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t container;
        if (rdb_read_len(r, &container, NULL) < 0)
            return -1;
        if (container != 1 && container != 2)
            return fail(r, "bad quicklist node container");
        char *str = NULL;
        size_t len;
        if (rdb_read_string(r, &str, &len) < 0)
            return -1;
        if (container == 1) {
            list_load_append(l, str, len, true, true);
            mem_free(str);
            continue;
        }
        struct lp_iter it;
        struct lp_entry e;
        if (lp_iter_init(&it, (const unsigned char *)str, len) < 0) {
            mem_free(str);
            return fail(r, "bad list listpack header");
        }
        bool first = true;
        int rc;
        while ((rc = lp_iter_next(&it, &e)) == 1) {
            char num[STROBJ_LL_MAX_CHARS];
            if (e.is_int)
                list_load_append(l, num, strobj_format_ll(num, e.v), first, false);
            else
                list_load_append(l, (const char *)e.str, e.slen, first, false);
            first = false;
        }
        mem_free(str);
        if (rc < 0)
            return fail(r, "bad list listpack entry");
    }
    return 0;
}

/* One ziplist (Redis 3.2 to 6.2's list nodes) appended as one node.
 * Entries: prevlen (1 byte, or 0xFE and 4), then an encoding byte: 00 and
 * 01 (6- and 14-bit string lengths), 0x80 (32-bit length, big-endian),
 * 0xC0/0xD0/0xE0/0xF0/0xFE (int16/32/64/24/8, little-endian), 0xF1..0xFD
 * (the immediates 0..12). */
static int read_list_ziplist_node(struct rdb_reader *r, struct list *l)
{
    char *blob;
    size_t len;
    if (rdb_read_string(r, &blob, &len) < 0)
        return -1;
    const unsigned char *z = (const unsigned char *)blob;
    int rc = 0;
    bool first = true;
    if (len < 11 || (z[0] | z[1] << 8 | z[2] << 16 | (uint32_t)z[3] << 24) != len ||
        z[len - 1] != 0xff)
        rc = fail(r, "bad list ziplist header");
    size_t pos = 10, end = len - 1;
    while (rc == 0 && pos < end) {
        size_t skip = z[pos] == 0xfe ? 5 : 1;
        if (z[pos] == 0xff || pos + skip >= end) {
            rc = fail(r, "bad list ziplist entry");
            break;
        }
        pos += skip;
        unsigned char enc = z[pos];
        size_t hdr = 1, slen = 0, nbytes = 0;
        bool is_str = true;
        int64_t v = 0;
        if (enc < 0x40) {
            slen = enc;
        } else if (enc < 0x80) {
            hdr = 2;
            slen = pos + 1 < end ? (size_t)(enc & 0x3f) << 8 | z[pos + 1] : SIZE_MAX;
        } else if (enc == 0x80) {
            hdr = 5;
            slen = pos + 4 < end ? (size_t)z[pos + 1] << 24 | (size_t)z[pos + 2] << 16 |
                                       (size_t)z[pos + 3] << 8 | z[pos + 4]
                                 : SIZE_MAX;
        } else if (enc >= 0xf1 && enc <= 0xfd) {
            is_str = false;
            v = (enc & 0x0f) - 1;
        } else {
            is_str = false;
            nbytes = enc == 0xc0 ? 2 : enc == 0xd0 ? 4 : enc == 0xe0 ? 8 : enc == 0xf0 ? 3
                   : enc == 0xfe ? 1 : 0;
            if (!nbytes) {
                rc = fail(r, "bad list ziplist encoding");
                break;
            }
            hdr = 1 + nbytes;
        }
        if (hdr > end - pos || slen > end - pos - hdr) {
            rc = fail(r, "truncated list ziplist entry");
            break;
        }
        if (nbytes) {
            uint64_t u = 0;
            for (size_t i = 0; i < nbytes; i++)
                u |= (uint64_t)z[pos + 1 + i] << (8 * i);
            if (nbytes < 8 && (u >> (nbytes * 8 - 1)) & 1)
                u |= ~0ULL << (nbytes * 8);
            v = (int64_t)u;
        }
        char num[STROBJ_LL_MAX_CHARS];
        if (is_str)
            list_load_append(l, (const char *)z + pos + hdr, slen, first, false);
        else
            list_load_append(l, num, strobj_format_ll(num, v), first, false);
        first = false;
        pos += hdr + slen;
    }
    mem_free(blob);
    return rc;
}

/* RDB_TYPE_LIST (Redis < 3.2 for big lists): a count and the elements,
 * pushed as a client would. */
static int read_list_plain(struct rdb_reader *r, struct list *l, int fill)
{
    uint64_t n;
    if (read_count(r, &n, 1) < 0)
        return -1;
    for (uint64_t i = 0; i < n; i++) {
        char *str = NULL;
        size_t len;
        if (rdb_read_string(r, &str, &len) < 0)
            return -1;
        list_grow_check(l, len, 1, fill);
        list_push(l, LIST_TAIL, str, len, fill);
        mem_free(str);
    }
    return 0;
}

static int read_list(struct server *srv, struct rdb_reader *r, int type, struct object **out)
{
    int fill = list_fill_of(&srv->cfg);
    struct list *l = list_new();
    int rc;
    if (type == RDB_TYPE_LIST) {
        rc = read_list_plain(r, l, fill);
    } else if (type == RDB_TYPE_LIST_ZIPLIST) {
        rc = read_list_ziplist_node(r, l);
    } else if (type == RDB_TYPE_LIST_QUICKLIST) {
        uint64_t n;
        rc = read_count(r, &n, 1);
        for (uint64_t i = 0; i < n && rc == 0; i++)
            rc = read_list_ziplist_node(r, l);
    } else {
        rc = read_list_quicklist2(r, l);
    }
    if (rc < 0) {
        list_free(l);
        return -1;
    }
    if (type != RDB_TYPE_LIST)
        list_loaded(l, fill);
    *out = object_new(&list_object_type, l, srv->lru_clock);
    return 0;
}

/* --- Reading: what Runnel skips ----------------------------------------------------- */

/* The kind of a type Runnel reads past without serving (NULL otherwise). */
static const char *skipped_kind(int type)
{
    switch (type) {
    case RDB_TYPE_LIST:
    case RDB_TYPE_LIST_ZIPLIST:
    case RDB_TYPE_LIST_QUICKLIST:
    case RDB_TYPE_LIST_QUICKLIST_2:
        return "list";
    case RDB_TYPE_ZSET:
    case RDB_TYPE_ZSET_2:
    case RDB_TYPE_ZSET_ZIPLIST:
    case RDB_TYPE_ZSET_LISTPACK:
        return "zset";
    case RDB_TYPE_HASH_ZIPMAP:
        return "hash (zipmap, Redis < 2.6)";
    default:
        return NULL;
    }
}

static int skip_strings(struct rdb_reader *r, uint64_t count)
{
    for (uint64_t i = 0; i < count; i++)
        if (rdb_skip_string(r) < 0)
            return -1;
    return 0;
}

/* The old zset score: one length byte (253 nan, 254 +inf, 255 -inf) and
 * that many bytes of decimal text. */
static int skip_old_double(struct rdb_reader *r)
{
    unsigned char n;
    if (rdb_read_byte(r, &n) < 0)
        return -1;
    if (n >= 253)
        return 0;
    if (r->len - r->pos < n)
        return fail(r, "truncated score");
    r->pos += n;
    return 0;
}

static int skip_object(struct rdb_reader *r, int type)
{
    uint64_t n;
    switch (type) {
    case RDB_TYPE_HASH_ZIPMAP:
    case RDB_TYPE_LIST_ZIPLIST:
    case RDB_TYPE_SET_INTSET:
    case RDB_TYPE_ZSET_ZIPLIST:
    case RDB_TYPE_ZSET_LISTPACK:
    case RDB_TYPE_SET_LISTPACK:
        return rdb_skip_string(r);
    case RDB_TYPE_LIST:
    case RDB_TYPE_SET:
    case RDB_TYPE_LIST_QUICKLIST:
        if (read_count(r, &n, 1) < 0)
            return -1;
        return skip_strings(r, n);
    case RDB_TYPE_ZSET:
        if (read_count(r, &n, 2) < 0)
            return -1;
        for (uint64_t i = 0; i < n; i++)
            if (rdb_skip_string(r) < 0 || skip_old_double(r) < 0)
                return -1;
        return 0;
    case RDB_TYPE_ZSET_2:
        if (read_count(r, &n, 9) < 0)
            return -1;
        for (uint64_t i = 0; i < n; i++) {
            double d;
            if (rdb_skip_string(r) < 0 || rdb_read_binary_double(r, &d) < 0)
                return -1;
        }
        return 0;
    case RDB_TYPE_LIST_QUICKLIST_2:
        if (read_count(r, &n, 2) < 0)
            return -1;
        for (uint64_t i = 0; i < n; i++) {
            uint64_t container;
            if (rdb_read_len(r, &container, NULL) < 0 || rdb_skip_string(r) < 0)
                return -1;
        }
        return 0;
    default:
        return fail(r, "cannot skip this RDB type");
    }
}

/* --- Reading ----------------------------------------------------------------------------- */

int rdb_object_read(struct server *srv, struct rdb_reader *r, int type, struct object **out,
                    const char **skipped)
{
    *out = NULL;
    *skipped = NULL;
    if (type == RDB_TYPE_LIST || type == RDB_TYPE_LIST_QUICKLIST_2 ||
        type == RDB_TYPE_LIST_QUICKLIST || type == RDB_TYPE_LIST_ZIPLIST) {
        if (read_list(srv, r, type, out) < 0)
            return -1;
        if (list_len((*out)->ptr) == 0) {
            object_free(*out);
            *out = NULL;
            *skipped = "empty list";
        }
        return 0;
    }
    if (rdb_type_is_stream(type)) {
        struct stream *s = NULL;
        if (rdb_stream_read(r, type, &s, (size_t)srv->cfg.stream_node_max_bytes,
                            (size_t)srv->cfg.stream_node_max_entries) < 0)
            return -1;
        *out = object_new(&stream_object_type, s, srv->lru_clock);
        return 0;
    }
    if (type == RDB_TYPE_STRING) {
        char *p;
        size_t len;
        if (rdb_read_string(r, &p, &len) < 0)
            return -1;
        *out = object_new(&string_object_type, strobj_new(p, len), srv->lru_clock);
        mem_free(p);
        return 0;
    }
    if (type == RDB_TYPE_HASH || type == RDB_TYPE_HASH_LISTPACK || type == RDB_TYPE_HASH_ZIPLIST) {
        if (read_hash(srv, r, type, out) < 0)
            return -1;
        if (hash_len((*out)->ptr) == 0) {
            /* Redis skips empty keys ("empty keys skipped" in its log). */
            object_free(*out);
            *out = NULL;
            *skipped = "empty hash";
        }
        return 0;
    }
    if (type == RDB_TYPE_SET || type == RDB_TYPE_SET_INTSET || type == RDB_TYPE_SET_LISTPACK) {
        if (read_set(srv, r, type, out) < 0)
            return -1;
        if (set_len((*out)->ptr) == 0) {
            object_free(*out);
            *out = NULL;
            *skipped = "empty set";
        }
        return 0;
    }
    const char *kind = skipped_kind(type);
    if (kind) {
        if (skip_object(r, type) < 0)
            return -1;
        *skipped = kind;
        return 0;
    }
    if (type == RDB_TYPE_MODULE_2 || type == 6) {
        snprintf(r->err, sizeof(r->err),
                 "module data (RDB type %d) at offset %zu, which Runnel cannot load", type,
                 r->pos);
        return -1;
    }
    snprintf(r->err, sizeof(r->err), "unknown RDB type %d at offset %zu", type, r->pos);
    return -1;
}
