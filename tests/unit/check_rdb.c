/* check_rdb.c -- Check suite for rdb.c: the file structure around the keys.
 *
 * Images are built here with the codec's writer: a header, aux fields,
 * SELECTDB/RESIZEDB, keys of every type Redis defines (strings and hashes
 * loaded, in each of their encodings; the types Runnel does not serve
 * skipped, in each of theirs), expiry opcodes,
 * EOF and the CRC64.  The stream object is the one Redis 7.0 DUMPs for
 * "XADD y 1-1 a 1" (its payload without type byte and footer).  Then:
 * every truncation and every bit flip of an image fails with a message and
 * never crashes (SANITIZE=1 checks the reads); version, signature, module,
 * unknown type, duplicate key and checksum errors name their cause; a save
 * loads back to the same payloads; DUMP payloads verify. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_stream.h"
#include "config.h"
#include "hash.h"
#include "list.h"
#include "set.h"
#include "strobj.h"
#include "db.h"
#include "log.h"
#include "mem.h"
#include "rdb.h"
#include "rdb_codec.h"
#include "server.h"
#include "stream.h"

/* DUMP y on Redis 7.0 after XADD y 1-1 a 1. */
static const unsigned char PAYLOAD_Y[] = {
    0x13, 0x01, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x1c, 0x1c, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x01, 0x01, 0x00, 0x01,
    0x01, 0x01, 0x81, 0x61, 0x02, 0x00, 0x01, 0x02, 0x01, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01,
    0x04, 0x01, 0xff, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x0a, 0x00, 0x29,
    0x7d, 0x78, 0x0f, 0xd8, 0x8a, 0xa6, 0x2c};

static struct server *server_new(void)
{
    struct server *srv = mem_calloc(sizeof(*srv));
    config_init_defaults(&srv->cfg);
    srv->ndbs = 16;
    srv->dbs = mem_calloc(sizeof(struct db) * 16);
    for (int i = 0; i < 16; i++)
        db_init(&srv->dbs[i], i, 0x1234 + (uint64_t)i);
    srv->lru_clock = 1000000;
    return srv;
}

static void server_del(struct server *srv)
{
    for (int i = 0; i < srv->ndbs; i++)
        db_free(&srv->dbs[i]);
    mem_free(srv->dbs);
    config_free(&srv->cfg);
    mem_free(srv);
}

static long long total_keys(const struct server *srv)
{
    long long n = 0;
    for (int i = 0; i < srv->ndbs; i++)
        n += (long long)srv->dbs[i].keys.used;
    return n;
}

/* The stream object's bytes inside PAYLOAD_Y. */
static void put_stream(struct rdb_writer *w, const char *key)
{
    rdb_write_byte(w, RDB_TYPE_STREAM_LISTPACKS_2);
    rdb_write_string(w, key, strlen(key));
    rdb_write_raw(w, PAYLOAD_Y + 1, sizeof(PAYLOAD_Y) - 11);
}

static void put_key(struct rdb_writer *w, int type, const char *key)
{
    rdb_write_byte(w, (unsigned char)type);
    rdb_write_string(w, key, strlen(key));
}

enum image_opts { IMG_PLAIN = 0, IMG_EXPIRED = 1, IMG_AOF_BASE = 2 };

/* A file with one key of every skippable encoding, a string, hashes in
 * their three encodings and two streams (db 0 and db 5), old and new
 * expiry opcodes, IDLE/FREQ and a function. */
static unsigned char *image(size_t *len, int opts)
{
    struct rdb_writer w;
    rdb_writer_init(&w, NULL, NULL, 0);
    rdb_write_raw(&w, "REDIS0010", 9);
    rdb_write_byte(&w, RDB_OPCODE_AUX);
    rdb_write_string(&w, "redis-ver", 9);
    rdb_write_string(&w, "7.0.15", 6);
    rdb_write_byte(&w, RDB_OPCODE_AUX);
    rdb_write_string(&w, "aof-base", 8);
    rdb_write_string_ll(&w, opts & IMG_AOF_BASE ? 1 : 0);
    rdb_write_byte(&w, RDB_OPCODE_FUNCTION2);
    rdb_write_string(&w, "#!lua name=lib\n", 15);
    rdb_write_byte(&w, RDB_OPCODE_SELECTDB);
    rdb_write_len(&w, 0);
    rdb_write_byte(&w, RDB_OPCODE_RESIZEDB);
    rdb_write_len(&w, 13);
    rdb_write_len(&w, 1);
    put_key(&w, RDB_TYPE_STRING, "str");
    rdb_write_string(&w, "hello", 5);
    put_key(&w, RDB_TYPE_LIST, "oldlist");
    rdb_write_len(&w, 2);
    rdb_write_string(&w, "a", 1);
    rdb_write_string_ll(&w, 12345);
    put_key(&w, RDB_TYPE_SET, "set");
    rdb_write_len(&w, 1);
    rdb_write_string(&w, "m", 1);
    put_key(&w, RDB_TYPE_ZSET, "oldzset");
    rdb_write_len(&w, 2);
    rdb_write_string(&w, "m", 1);
    rdb_write_byte(&w, 3);
    rdb_write_raw(&w, "1.5", 3);
    rdb_write_string(&w, "n", 1);
    rdb_write_byte(&w, 254); /* +inf */
    put_key(&w, RDB_TYPE_ZSET_2, "zset");
    rdb_write_len(&w, 1);
    rdb_write_string(&w, "m", 1);
    rdb_write_raw(&w, "\0\0\0\0\0\0\xf8\x3f", 8);
    put_key(&w, RDB_TYPE_HASH, "hash");
    rdb_write_len(&w, 1);
    rdb_write_string(&w, "f", 1);
    rdb_write_string(&w, "v", 1);
    put_key(&w, RDB_TYPE_HASH_LISTPACK, "hlp");
    struct lp_builder b;
    lp_builder_init(&b);
    lp_append_string(&b, "a", 1);
    lp_append_string(&b, "1", 1);
    lp_append_string(&b, "b", 1);
    lp_append_string(&b, "two", 3);
    size_t lplen;
    unsigned char *lp = lp_builder_finish(&b, &lplen);
    rdb_write_string(&w, lp, lplen);
    mem_free(lp);
    /* Redis 6.2's ziplist: f v, n 12 (an immediate), m 12345 (int16). */
    put_key(&w, RDB_TYPE_HASH_ZIPLIST, "hzl");
    rdb_write_string(&w,
                     "\x1d\x00\x00\x00\x18\x00\x00\x00\x06\x00"
                     "\x00\x01\x66\x03\x01\x76\x03\x01\x6e\x03\xfd\x02\x01\x6d\x03\xc0\x39\x30\xff",
                     29);
    /* An intset: width 2, members 1 and 5. */
    put_key(&w, RDB_TYPE_SET_INTSET, "intset");
    rdb_write_string(&w, "\x02\x00\x00\x00\x02\x00\x00\x00\x01\x00\x05\x00", 12);
    put_key(&w, RDB_TYPE_LIST_QUICKLIST, "ql");
    rdb_write_len(&w, 2);
    /* Two ziplists: "a", 12345 (int16), 7 (an immediate); then "b". */
    rdb_write_string(&w, "\x14\x00\x00\x00\x11\x00\x00\x00\x03\x00\x00\x01" "a"
                         "\x03\xc0\x39\x30\x04\xf8\xff", 20);
    rdb_write_string(&w, "\x0e\x00\x00\x00\x0a\x00\x00\x00\x01\x00\x00\x01" "b\xff", 14);
    put_key(&w, RDB_TYPE_LIST_QUICKLIST_2, "ql2");
    rdb_write_len(&w, 1);
    rdb_write_len(&w, 2);
    lp_builder_init(&b);
    lp_append_string(&b, "packed", 6);
    lp = lp_builder_finish(&b, &lplen);
    rdb_write_string(&w, lp, lplen);
    mem_free(lp);
    rdb_write_byte(&w, RDB_OPCODE_IDLE);
    rdb_write_len(&w, 50);
    rdb_write_byte(&w, RDB_OPCODE_FREQ);
    rdb_write_byte(&w, 7);
    if (opts & IMG_EXPIRED) {
        rdb_write_byte(&w, RDB_OPCODE_EXPIRETIME_MS);
        rdb_write_millis(&w, 1000); /* 1970 */
    } else {
        rdb_write_byte(&w, RDB_OPCODE_EXPIRETIME_MS);
        rdb_write_millis(&w, 4102444800000LL);
    }
    put_stream(&w, "y");
    rdb_write_byte(&w, RDB_OPCODE_SELECTDB);
    rdb_write_len(&w, 5);
    rdb_write_byte(&w, RDB_OPCODE_EXPIRETIME);
    rdb_write_raw(&w, "\x00\x94\x35\x77", 4); /* 2000000000 s, little-endian int32 */
    put_stream(&w, "five");
    rdb_write_byte(&w, RDB_OPCODE_EOF);
    rdb_write_checksum(&w, 1);
    *len = w.len;
    unsigned char *out = mem_memdup(w.buf, w.len);
    rdb_writer_free(&w);
    return out;
}

static int load(struct server *srv, const void *buf, size_t len, size_t *used, char *err)
{
    return rdb_load_buffer(srv, buf, len, used, err, 512);
}

START_TEST(test_load_skips_what_is_not_served)
{
    struct server *srv = server_new();
    size_t len, used;
    char err[512] = "";
    unsigned char *img = image(&len, IMG_PLAIN);
    srv->dirty = 77;
    ck_assert_msg(load(srv, img, len, &used, err) == 0, "%s", err);
    ck_assert_uint_eq(used, len);
    ck_assert_int_eq(srv->dirty, 0);
    ck_assert_int_eq(srv->loading, 0);
    ck_assert_int_eq(total_keys(srv), 11);
    /* Lists: the old plain form, a quicklist of ziplists, and a quicklist
     * of one listpack node. */
    struct dict_entry *le = dict_find(&srv->dbs[0].keys, "oldlist", 7);
    ck_assert_ptr_nonnull(le);
    const struct list *lst = ((const struct object *)le->val)->ptr;
    const char *lv;
    size_t lvlen;
    ck_assert_uint_eq(list_len(lst), 2);
    ck_assert(list_index(lst, 1, &lv, &lvlen) && lvlen == 5 && !memcmp(lv, "12345", 5));
    le = dict_find(&srv->dbs[0].keys, "ql2", 3);
    ck_assert_ptr_nonnull(le);
    lst = ((const struct object *)le->val)->ptr;
    ck_assert(list_index(lst, 0, &lv, &lvlen) && lvlen == 6 && !memcmp(lv, "packed", 6));
    ck_assert_str_eq(list_encoding_name(lst), "listpack");
    le = dict_find(&srv->dbs[0].keys, "ql", 2);
    ck_assert_ptr_nonnull(le);
    lst = ((const struct object *)le->val)->ptr;
    ck_assert_uint_eq(list_len(lst), 4);
    ck_assert_str_eq(list_encoding_name(lst), "quicklist");
    static const char *const ql[] = {"a", "12345", "7", "b"};
    for (int i = 0; i < 4; i++)
        ck_assert(list_index(lst, i, &lv, &lvlen) && lvlen == strlen(ql[i]) &&
                  !memcmp(lv, ql[i], lvlen));
    /* Sets: a table's members and an intset's. */
    static const char *const sets[][3] = {{"set", "m", NULL}, {"intset", "1", "5"}};
    for (int i = 0; i < 2; i++) {
        struct dict_entry *se = dict_find(&srv->dbs[0].keys, sets[i][0], strlen(sets[i][0]));
        ck_assert_ptr_nonnull(se);
        const struct set *st = ((const struct object *)se->val)->ptr;
        ck_assert_uint_eq(set_len(st), sets[i][2] ? 2 : 1);
        for (int j = 1; j < 3 && sets[i][j]; j++)
            ck_assert(set_contains(st, sets[i][j], strlen(sets[i][j])));
    }
    /* Strings and hashes, in each of their encodings. */
    struct dict_entry *e = dict_find(&srv->dbs[0].keys, "str", 3);
    ck_assert_ptr_nonnull(e);
    const struct strobj *so = ((const struct object *)e->val)->ptr;
    ck_assert_uint_eq(so->len, 5);
    ck_assert_int_eq(memcmp(so->buf, "hello", 5), 0);
    static const char *const hashes[][7] = {{"hash", "f", "v", NULL},
                                            {"hlp", "a", "1", "b", "two", NULL},
                                            {"hzl", "f", "v", "n", "12", "m", "12345"}};
    for (int i = 0; i < 3; i++) {
        e = dict_find(&srv->dbs[0].keys, hashes[i][0], strlen(hashes[i][0]));
        ck_assert_ptr_nonnull(e);
        const struct hash *h = ((const struct object *)e->val)->ptr;
        size_t n = 0;
        for (int j = 1; j < 7 && hashes[i][j]; j += 2, n++) {
            const char *v;
            size_t vlen;
            ck_assert(hash_get(h, hashes[i][j], strlen(hashes[i][j]), &v, &vlen));
            ck_assert_uint_eq(vlen, strlen(hashes[i][j + 1]));
            ck_assert_int_eq(memcmp(v, hashes[i][j + 1], vlen), 0);
        }
        ck_assert_uint_eq(hash_len(h), n);
    }
    e = dict_find(&srv->dbs[0].keys, "y", 1);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->aux, 4102444800000LL);
    const struct object *o = e->val;
    ck_assert_ptr_eq(o->type, &stream_object_type);
    ck_assert_uint_eq(((const struct stream *)o->ptr)->length, 1);
    ck_assert_uint_eq(o->lru, 1000000 - 50); /* IDLE 50 s */
    e = dict_find(&srv->dbs[5].keys, "five", 4);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->aux, 2000000000000LL); /* the 4-byte seconds form */
    /* The same key again: an error naming it. */
    ck_assert_int_eq(load(srv, img, len, &used, err), -1);
    ck_assert_msg(strstr(err, "duplicate key 'str' in db 0"), "%s", err);
    mem_free(img);
    server_del(srv);
}
END_TEST

START_TEST(test_expired_keys)
{
    struct server *srv = server_new();
    size_t len, used;
    char err[512];
    unsigned char *img = image(&len, IMG_EXPIRED);
    ck_assert_int_eq(load(srv, img, len, &used, err), 0);
    ck_assert_ptr_null(dict_find(&srv->dbs[0].keys, "y", 1));
    ck_assert_int_eq(total_keys(srv), 10);
    mem_free(img);
    server_del(srv);
    /* An AOF base keeps them: the AOF's commands that follow decide. */
    srv = server_new();
    img = image(&len, IMG_EXPIRED | IMG_AOF_BASE);
    ck_assert_int_eq(load(srv, img, len, &used, err), 0);
    ck_assert_ptr_nonnull(dict_find(&srv->dbs[0].keys, "y", 1));
    mem_free(img);
    server_del(srv);
}
END_TEST

START_TEST(test_every_truncation_fails)
{
    size_t len;
    unsigned char *img = image(&len, IMG_PLAIN);
    for (size_t cut = 0; cut < len; cut++) {
        struct server *srv = server_new();
        size_t used;
        char err[512] = "";
        unsigned char *part = mem_memdup(img, cut ? cut : 1);
        ck_assert_msg(load(srv, part, cut, &used, err) == -1, "cut at %zu loaded", cut);
        ck_assert_msg(err[0], "cut at %zu: no message", cut);
        ck_assert_uint_le(used, cut);
        mem_free(part);
        server_del(srv);
    }
    mem_free(img);
}
END_TEST

START_TEST(test_every_bit_flip)
{
    size_t len;
    unsigned char *img = image(&len, IMG_PLAIN);
    for (int checksum = 1; checksum >= 0; checksum--) {
        for (size_t at = 0; at < len; at++) {
            for (int bit = 0; bit < 8; bit += 3) {
                struct server *srv = server_new();
                srv->cfg.rdbchecksum = checksum;
                size_t used;
                char err[512] = "";
                unsigned char *bad = mem_memdup(img, len);
                bad[at] ^= (unsigned char)(1u << bit);
                int rc = load(srv, bad, len, &used, err);
                /* With the checksum on, CRC64 catches every single-bit flip. */
                if (checksum)
                    ck_assert_msg(rc == -1, "flip at %zu bit %d loaded", at, bit);
                if (rc < 0)
                    ck_assert_msg(err[0], "flip at %zu: no message", at);
                mem_free(bad);
                server_del(srv);
            }
        }
    }
    mem_free(img);
}
END_TEST

static void expect_error(const unsigned char *buf, size_t len, const char *want)
{
    struct server *srv = server_new();
    size_t used;
    char err[512] = "";
    ck_assert_int_eq(load(srv, buf, len, &used, err), -1);
    ck_assert_msg(strstr(err, want), "wanted '%s', got '%s'", want, err);
    server_del(srv);
}

START_TEST(test_errors_name_their_cause)
{
    expect_error((const unsigned char *)"RDIS0010\xff", 9, "Wrong signature");
    expect_error((const unsigned char *)"REDIS0015\xff", 10, "Can't handle RDB format version 15");
    expect_error((const unsigned char *)"REDIS00x0\xff", 10, "Wrong signature");
    struct rdb_writer w;
    /* Module data. */
    rdb_writer_init(&w, NULL, NULL, 0);
    rdb_write_raw(&w, "REDIS0010", 9);
    put_key(&w, RDB_TYPE_MODULE_2, "m");
    rdb_write_len(&w, 12345);
    expect_error(w.buf, w.len, "module data");
    rdb_writer_free(&w);
    /* A type no Redis defines. */
    rdb_writer_init(&w, NULL, NULL, 0);
    rdb_write_raw(&w, "REDIS0010", 9);
    put_key(&w, 100, "u");
    expect_error(w.buf, w.len, "key 'u' (RDB type 100): unknown RDB type 100");
    rdb_writer_free(&w);
    /* A db past `databases`. */
    rdb_writer_init(&w, NULL, NULL, 0);
    rdb_write_raw(&w, "REDIS0010", 9);
    rdb_write_byte(&w, RDB_OPCODE_SELECTDB);
    rdb_write_len(&w, 16);
    expect_error(w.buf, w.len, "more than 16 databases");
    rdb_writer_free(&w);
    /* A wrong checksum. */
    rdb_writer_init(&w, NULL, NULL, 0);
    rdb_write_raw(&w, "REDIS0010", 9);
    rdb_write_byte(&w, RDB_OPCODE_EOF);
    rdb_write_u64le(&w, 0x1122334455667788ULL);
    expect_error(w.buf, w.len, "Wrong RDB checksum");
    /* ... which rdbchecksum no does not verify, and 0 means "not computed". */
    struct server *srv = server_new();
    size_t used;
    char err[512];
    srv->cfg.rdbchecksum = 0;
    ck_assert_int_eq(load(srv, w.buf, w.len, &used, err), 0);
    server_del(srv);
    rdb_writer_free(&w);
    rdb_writer_init(&w, NULL, NULL, 0);
    rdb_write_raw(&w, "REDIS0010", 9);
    rdb_write_byte(&w, RDB_OPCODE_EOF);
    rdb_write_checksum(&w, 0);
    srv = server_new();
    ck_assert_int_eq(load(srv, w.buf, w.len, &used, err), 0);
    ck_assert_uint_eq(used, 18);
    server_del(srv);
    rdb_writer_free(&w);
}
END_TEST

/* Save what was loaded, load it into another server: the same payloads;
 * the file's structure is what rdb.h says. */
START_TEST(test_save_load_round_trip)
{
    struct server *a = server_new(), *b = server_new();
    size_t len, used;
    char err[512];
    unsigned char *img = image(&len, IMG_PLAIN);
    ck_assert_int_eq(load(a, img, len, &used, err), 0);
    struct rdb_writer w;
    rdb_writer_init(&w, NULL, NULL, 1);
    ck_assert_int_eq(rdb_save_to_writer(a, &w, 0), 0);
    ck_assert_int_eq(memcmp(w.buf, "REDIS0010", 9), 0);
    ck_assert_msg(load(b, w.buf, w.len, &used, err) == 0, "%s", err);
    ck_assert_uint_eq(used, w.len);
    ck_assert_int_eq(total_keys(b), 11);
    const char *keys[] = {"y", "five", "str", "hash", "hlp", "hzl", "set", "intset"};
    int dbs[] = {0, 5, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 8; i++) {
        struct dict_entry *ea = dict_find(&a->dbs[dbs[i]].keys, keys[i], strlen(keys[i]));
        struct dict_entry *eb = dict_find(&b->dbs[dbs[i]].keys, keys[i], strlen(keys[i]));
        ck_assert_ptr_nonnull(eb);
        ck_assert_int_eq(ea->aux, eb->aux);
        unsigned char *pa, *pb;
        size_t la, lb;
        rdb_dump_payload(a, ea->val, &pa, &la);
        rdb_dump_payload(b, eb->val, &pb, &lb);
        ck_assert_uint_eq(la, lb);
        ck_assert_int_eq(memcmp(pa, pb, la), 0);
        /* Redis 7.0's own payload, byte for byte. */
        if (i < 2) {
            ck_assert_uint_eq(la, sizeof(PAYLOAD_Y));
            ck_assert_int_eq(memcmp(pa, PAYLOAD_Y, la), 0);
        }
        mem_free(pa);
        mem_free(pb);
    }
    rdb_writer_free(&w);
    mem_free(img);
    server_del(a);
    server_del(b);
}
END_TEST

START_TEST(test_payloads)
{
    ck_assert_int_eq(rdb_verify_payload(PAYLOAD_Y, sizeof(PAYLOAD_Y)), 0);
    unsigned char bad[sizeof(PAYLOAD_Y)];
    memcpy(bad, PAYLOAD_Y, sizeof(bad));
    bad[5] ^= 1;
    ck_assert_int_eq(rdb_verify_payload(bad, sizeof(bad)), -1);
    ck_assert_int_eq(rdb_verify_payload(PAYLOAD_Y, 9), -1);
    struct server *srv = server_new();
    struct object *o = NULL;
    int unsupported;
    char err[300];
    ck_assert_int_eq(rdb_restore_payload(srv, PAYLOAD_Y, sizeof(PAYLOAD_Y), &o, &unsupported, err,
                                         sizeof(err)),
                     0);
    ck_assert_uint_eq(((const struct stream *)o->ptr)->length, 1);
    ck_assert_uint_gt(rdb_object_serialized_len(srv, o), 40);
    object_free(o);
    /* A zset payload: valid, but not a type Runnel serves. */
    struct rdb_writer w;
    rdb_writer_init(&w, NULL, NULL, 0);
    rdb_write_byte(&w, RDB_TYPE_ZSET_2);
    rdb_write_len(&w, 1);
    rdb_write_string(&w, "v", 1);
    rdb_write_raw(&w, "\0\0\0\0\0\0\xf8\x3f", 8);
    rdb_write_raw(&w, "\x0a\x00", 2);
    rdb_write_checksum(&w, 1);
    ck_assert_int_eq(rdb_verify_payload(w.buf, w.len), 0);
    ck_assert_int_eq(rdb_restore_payload(srv, w.buf, w.len, &o, &unsupported, err, sizeof(err)),
                     -1);
    ck_assert_int_eq(unsupported, 1);
    ck_assert_str_eq(err, "the payload holds a zset");
    rdb_writer_free(&w);
    /* Every truncated body fails cleanly (the footer re-made each time). */
    for (size_t cut = 1; cut < sizeof(PAYLOAD_Y) - 10; cut++) {
        rdb_writer_init(&w, NULL, NULL, 0);
        rdb_write_raw(&w, PAYLOAD_Y, cut);
        rdb_write_raw(&w, "\x0a\x00", 2);
        rdb_write_checksum(&w, 1);
        ck_assert_int_eq(rdb_verify_payload(w.buf, w.len), 0);
        ck_assert_int_eq(
            rdb_restore_payload(srv, w.buf, w.len, &o, &unsupported, err, sizeof(err)), -1);
        rdb_writer_free(&w);
    }
    server_del(srv);
}
END_TEST

static Suite *rdb_suite(void)
{
    Suite *s = suite_create("rdb");
    TCase *tc = tcase_create("load");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_load_skips_what_is_not_served);
    tcase_add_test(tc, test_expired_keys);
    tcase_add_test(tc, test_every_truncation_fails);
    tcase_add_test(tc, test_every_bit_flip);
    tcase_add_test(tc, test_errors_name_their_cause);
    tcase_add_test(tc, test_save_load_round_trip);
    tcase_add_test(tc, test_payloads);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    log_setup(LOG_WARNING, "/dev/null");
    SRunner *sr = srunner_create(rdb_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
