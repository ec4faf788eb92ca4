/* check_rdb_codec.c -- Check suite for rdb_codec.c.
 *
 * Redis-made bytes come from tests/fixtures/rdb/codec_fixtures.h
 * (gen_codec_fixtures.py against redis-server 7.0): the DUMP length and
 * CRC64 of 300 strings stored with rdbcompression yes (278 of them
 * LZF-compressed by Redis's lzf), and a hash listpack holding every
 * listpack encoding.  Everything else checks the format's rules directly:
 * every length form, the integer string encodings, listpack encodings,
 * and that readers fail -- with a message, never past the end of their
 * input -- at every truncation of a valid blob (run under SANITIZE=1). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mem.h"
#include "rdb_codec.h"
#include "rdb_pipe.h"

#include "fixtures/rdb/codec_fixtures.h"
#include "unit/test_rng.h"


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

/* A memory writer's bytes, copied out. */
static unsigned char *take(struct rdb_writer *w, size_t *len)
{
    unsigned char *p = malloc(w->len ? w->len : 1);
    memcpy(p, w->buf, w->len);
    *len = w->len;
    rdb_writer_free(w);
    return p;
}

/* ---- CRC64 ------------------------------------------------------------------ */

static uint64_t crc_bitwise(const unsigned char *p, size_t len)
{
    uint64_t crc = 0;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = crc & 1 ? (crc >> 1) ^ 0x95AC9329AC4BC9B5ULL : crc >> 1;
    }
    return crc;
}

START_TEST(test_crc64)
{
    ck_assert(rdb_crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9caULL);
    ck_assert(rdb_crc64(0, "", 0) == 0);
    test_rng_state = 7;
    size_t n = 100003;
    unsigned char *p = malloc(n);
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)test_rng();
    uint64_t whole = rdb_crc64(0, p, n);
    ck_assert(whole == crc_bitwise(p, n));
    /* Any split gives the same result (the slicing path and the tail). */
    for (size_t cut = 0; cut < 40; cut++) {
        uint64_t c = rdb_crc64(0, p, cut);
        c = rdb_crc64(c, p + cut, 13);
        c = rdb_crc64(c, p + cut + 13, n - cut - 13);
        ck_assert(c == whole);
    }
    /* Every length around the folding path's 64-byte threshold and its
     * 16-byte steps, from any crc, against the bitwise definition (a crc
     * c before p equals the bitwise CRC of p with c XORed into its first
     * 8 bytes). */
    for (size_t len = 8; len < 300; len++) {
        uint64_t init = test_rng();
        unsigned char *q = malloc(len);
        memcpy(q, p + len, len);
        for (int i = 0; i < 8; i++)
            q[i] ^= (unsigned char)(init >> (8 * i));
        ck_assert_msg(rdb_crc64(init, p + len, len) == crc_bitwise(q, len), "length %zu", len);
        free(q);
    }
    free(p);
}
END_TEST

/* ---- LZF -------------------------------------------------------------------- */

/* The same construction as make_string() in gen_codec_fixtures.py. */
static unsigned char *lzf_case_string(int i, size_t *len)
{
    test_rng_state = 0x9E3779B97F4A7C15ULL ^ (uint64_t)i;
    if (!test_rng_state)
        test_rng_state = 1;
    size_t n = 21 + (size_t)(test_rng() % (i < 150 ? 40 : i < 260 ? 600 : 20000));
    uint64_t alpha = 1 + test_rng() % (i % 3 == 0 ? 4 : i % 3 == 1 ? 26 : 256);
    unsigned char *s = malloc(n + 20);
    size_t k = 0;
    while (k < n) {
        uint64_t b = test_rng() % alpha;
        uint64_t c = test_rng();
        size_t run = 1 + (c % 4 == 0 ? (size_t)(test_rng() % 12) : 0);
        for (size_t j = 0; j < run && k < n + 12; j++)
            s[k++] = (unsigned char)(alpha > 26 ? b : 'a' + b);
    }
    *len = n;
    return s;
}

/* DUMP of a string as redis-server makes it: the same length and CRC64. */
START_TEST(test_lzf_strings_match_redis)
{
    int compressed = 0;
    for (int i = 0; i < (int)(sizeof(lzf_cases) / sizeof(lzf_cases[0])); i++) {
        size_t n;
        unsigned char *s = lzf_case_string(i, &n);
        struct rdb_writer w;
        rdb_writer_init(&w, NULL, NULL, 1);
        rdb_write_byte(&w, RDB_TYPE_STRING);
        rdb_write_string(&w, s, n);
        rdb_write_byte(&w, RDB_VERSION_7_0);
        rdb_write_byte(&w, 0);
        uint64_t crc = w.crc;
        rdb_write_checksum(&w, 1);
        ck_assert_msg(w.len == lzf_cases[i].dump_len && crc == lzf_cases[i].crc,
                      "case %d (%zu bytes): %zu bytes, crc %016llx; Redis %zu, %016llx", i, n,
                      w.len, (unsigned long long)crc, lzf_cases[i].dump_len,
                      (unsigned long long)lzf_cases[i].crc);
        compressed += w.buf[1] == 0xC3;
        /* And it reads back. */
        struct rdb_reader r;
        rdb_reader_init(&r, w.buf + 1, w.len - 11);
        char *out;
        size_t olen;
        ck_assert_int_eq(rdb_read_string(&r, &out, &olen), 0);
        ck_assert(olen == n && !memcmp(out, s, n));
        ck_assert_uint_eq(r.pos, w.len - 11);
        mem_free(out);
        rdb_writer_free(&w);
        free(s);
    }
    ck_assert_int_eq(compressed, 278);
}
END_TEST

/* One writer compresses string after string with the same hash table:
 * each comes out as from a fresh table (what Redis's own cases above
 * check), also across the wrap-around of the table's 32-bit positions,
 * where nothing stored before may be taken as a match. */
START_TEST(test_lzf_table_reuse)
{
    /* After the first pass, the table holds small positions that the
     * passes wrapping around to 0 must not see. */
    static const uint32_t bases[] = {0, UINT32_MAX - 50000, UINT32_MAX - 21};
    struct rdb_writer shared;
    rdb_writer_init(&shared, NULL, NULL, 1);
    for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
        rdb_writer_lzf_set_base(&shared, bases[b]);
        for (int i = 0; i < (int)(sizeof(lzf_cases) / sizeof(lzf_cases[0])); i++) {
            size_t n;
            unsigned char *s = lzf_case_string(i, &n);
            struct rdb_writer fresh;
            rdb_writer_init(&fresh, NULL, NULL, 1);
            rdb_write_string(&fresh, s, n);
            size_t at = shared.len;
            rdb_write_string(&shared, s, n);
            ck_assert_msg(shared.len - at == fresh.len &&
                              !memcmp(shared.buf + at, fresh.buf, fresh.len),
                          "base %u, case %d differs", bases[b], i);
            rdb_writer_free(&fresh);
            free(s);
        }
    }
    rdb_writer_free(&shared);
}
END_TEST

static void lzf_roundtrip(const unsigned char *in, size_t n)
{
    size_t cap = n + n / 8 + 64;
    unsigned char *c = malloc(cap), *d = malloc(n ? n : 1);
    size_t clen = rdb_lzf_compress(in, n, c, cap);
    ck_assert_msg(n == 0 ? clen == 0 : clen > 0, "compress of %zu bytes failed", n);
    if (n) {
        ck_assert_uint_eq(rdb_lzf_decompress(c, clen, d, n), n);
        ck_assert(!memcmp(in, d, n));
        /* A wrong expected length is an error, too short or too long. */
        ck_assert_uint_eq(rdb_lzf_decompress(c, clen, d, n - 1), 0);
        unsigned char *big = malloc(n + 1);
        ck_assert_uint_eq(rdb_lzf_decompress(c, clen, big, n + 1), 0);
        free(big);
        /* Less room: the same output or 0 (lzf wants a little slack past
         * the end), never a write past cap (exact-size buffers, ASan). */
        for (size_t k = clen > 40 ? clen - 40 : 0; k <= clen + 4; k++) {
            unsigned char *small = malloc(k ? k : 1);
            size_t got = rdb_lzf_compress(in, n, small, k);
            ck_assert(got == 0 || (got == clen && !memcmp(small, c, clen)));
            ck_assert(k >= clen || got == 0);
            free(small);
        }
    }
    free(c);
    free(d);
}

START_TEST(test_lzf_roundtrips)
{
    test_rng_state = 99;
    for (size_t n = 0; n < 300; n++) {
        unsigned char *p = malloc(n ? n : 1);
        uint64_t alpha = 1 + n % 7;
        for (size_t i = 0; i < n; i++)
            p[i] = (unsigned char)('a' + test_rng() % alpha);
        lzf_roundtrip(p, n);
        free(p);
    }
    /* Incompressible, long runs, periods around the 8 KiB window and the
     * 264-byte longest match. */
    size_t n = 70000;
    unsigned char *p = malloc(n);
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)test_rng();
    lzf_roundtrip(p, n);
    size_t cap = n - 4;
    unsigned char *c = malloc(cap);
    ck_assert_uint_eq(rdb_lzf_compress(p, n, c, cap), 0);
    memset(p, 'z', n);
    lzf_roundtrip(p, n);
    static const size_t periods[] = {8190, 8191, 8192, 8193, 8194, 263, 264, 265, 3};
    for (size_t k = 0; k < sizeof(periods) / sizeof(periods[0]); k++) {
        unsigned char *seg = malloc(periods[k]);
        for (size_t i = 0; i < periods[k]; i++)
            seg[i] = (unsigned char)test_rng();
        for (size_t i = 0; i < n; i++)
            p[i] = seg[i % periods[k]];
        lzf_roundtrip(p, n);
        free(seg);
    }
    free(c);
    free(p);
}
END_TEST

START_TEST(test_lzf_corrupt_input)
{
    unsigned char out[600];
    /* Literal run longer than the input, reference before the start,
     * truncated long reference. */
    static const unsigned char bad1[] = {0x05, 'a', 'b'};
    static const unsigned char bad2[] = {0x00, 'a', 0x20, 0x05};
    static const unsigned char bad3[] = {0x00, 'a', 0xE0};
    static const unsigned char bad4[] = {0x00, 'a', 0xE0, 0x01};
    ck_assert_uint_eq(rdb_lzf_decompress(bad1, sizeof(bad1), out, 6), 0);
    ck_assert_uint_eq(rdb_lzf_decompress(bad2, sizeof(bad2), out, 4), 0);
    ck_assert_uint_eq(rdb_lzf_decompress(bad3, sizeof(bad3), out, 10), 0);
    ck_assert_uint_eq(rdb_lzf_decompress(bad4, sizeof(bad4), out, 10), 0);
    /* Random garbage, and every truncation of a valid stream, into an
     * exact-size buffer: never a write or read outside (ASan). */
    test_rng_state = 5;
    for (int round = 0; round < 3000; round++) {
        size_t n = 1 + test_rng() % 64;
        unsigned char *in = malloc(n);
        for (size_t i = 0; i < n; i++)
            in[i] = (unsigned char)test_rng();
        size_t cap = 1 + test_rng() % 500;
        unsigned char *o = malloc(cap);
        size_t got = rdb_lzf_decompress(in, n, o, cap);
        ck_assert(got == 0 || got == cap);
        free(o);
        free(in);
    }
    size_t n;
    unsigned char *s = lzf_case_string(200, &n);
    unsigned char *c = malloc(n + 64);
    size_t clen = rdb_lzf_compress(s, n, c, n + 64);
    ck_assert(clen > 0);
    for (size_t cut = 0; cut < clen; cut++) {
        unsigned char *in = malloc(cut ? cut : 1), *o = malloc(n);
        memcpy(in, c, cut);
        ck_assert_uint_eq(rdb_lzf_decompress(in, cut, o, n), 0);
        free(in);
        free(o);
    }
    free(c);
    free(s);
}
END_TEST

/* ---- Lengths and strings -------------------------------------------------------- */

static void expect_bytes(struct rdb_writer *w, const char *hex)
{
    size_t n;
    unsigned char *want = hex_decode(hex, &n);
    ck_assert_msg(w->len == n && !memcmp(w->buf, want, n), "wrong bytes, wanted %s", hex);
    free(want);
}

START_TEST(test_lengths)
{
    static const struct {
        uint64_t v;
        const char *hex;
    } cases[] = {
        {0, "00"},
        {1, "01"},
        {63, "3f"},
        {64, "4040"},
        {300, "412c"},
        {16383, "7fff"},
        {16384, "8000004000"},
        {UINT32_MAX, "80ffffffff"},
        {(uint64_t)UINT32_MAX + 1, "810000000100000000"},
        {UINT64_MAX, "81ffffffffffffffff"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct rdb_writer w;
        rdb_writer_init(&w, NULL, NULL, 0);
        rdb_write_len(&w, cases[i].v);
        expect_bytes(&w, cases[i].hex);
        struct rdb_reader r;
        rdb_reader_init(&r, w.buf, w.len);
        uint64_t v;
        int enc = 7;
        ck_assert_int_eq(rdb_read_len(&r, &v, &enc), 0);
        ck_assert(v == cases[i].v && enc == 0 && r.pos == w.len);
        /* Every truncation fails, with a message. */
        for (size_t cut = 0; cut < w.len; cut++) {
            unsigned char *p = malloc(cut ? cut : 1);
            memcpy(p, w.buf, cut);
            rdb_reader_init(&r, p, cut);
            ck_assert_int_eq(rdb_read_len(&r, &v, NULL), -1);
            ck_assert(r.err[0]);
            free(p);
        }
        rdb_writer_free(&w);
    }
    /* 10xxxxxx other than 0x80/0x81 is no length; 11xxxxxx is a string
     * encoding, an error where a plain length is expected. */
    static const unsigned char odd[] = {0x82, 0xC0};
    struct rdb_reader r;
    uint64_t v;
    int enc;
    rdb_reader_init(&r, odd, 1);
    ck_assert_int_eq(rdb_read_len(&r, &v, &enc), -1);
    ck_assert(strstr(r.err, "unknown length encoding") != NULL);
    rdb_reader_init(&r, odd + 1, 1);
    ck_assert_int_eq(rdb_read_len(&r, &v, NULL), -1);
    rdb_reader_init(&r, odd + 1, 1);
    ck_assert_int_eq(rdb_read_len(&r, &v, &enc), 0);
    ck_assert(enc == 1 && v == 0);
}
END_TEST

START_TEST(test_string_encodings)
{
    static const struct {
        const char *s;
        const char *hex;
    } cases[] = {
        {"0", "c000"},
        {"-1", "c0ff"},
        {"127", "c07f"},
        {"-128", "c080"},
        {"128", "c18000"},
        {"-129", "c17fff"},
        {"32767", "c1ff7f"},
        {"-32768", "c10080"},
        {"32768", "c200800000"},
        {"2147483647", "c2ffffff7f"},
        {"-2147483648", "c200000080"},
        {"2147483648", "0a32313437343833363438"},
        {"12345678901", "0b3132333435363738393031"},
        {"007", "03303037"},
        {"-0", "022d30"},
        {"+1", "022b31"},
        {" 1", "022031"},
        {"", "00"},
        {"abc", "03616263"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct rdb_writer w;
        rdb_writer_init(&w, NULL, NULL, 1);
        rdb_write_string(&w, cases[i].s, strlen(cases[i].s));
        expect_bytes(&w, cases[i].hex);
        struct rdb_reader r;
        rdb_reader_init(&r, w.buf, w.len);
        char *out;
        size_t len;
        ck_assert_int_eq(rdb_read_string(&r, &out, &len), 0);
        ck_assert_str_eq(out, cases[i].s);
        ck_assert_uint_eq(len, strlen(cases[i].s));
        mem_free(out);
        rdb_reader_init(&r, w.buf, w.len);
        ck_assert_int_eq(rdb_skip_string(&r), 0);
        ck_assert_uint_eq(r.pos, w.len);
        rdb_writer_free(&w);
    }
    /* rdb_write_string_ll: integer forms, decimals past 32 bits. */
    struct rdb_writer w;
    rdb_writer_init(&w, NULL, NULL, 0);
    rdb_write_string_ll(&w, -5);
    rdb_write_string_ll(&w, 1099511627776LL);
    rdb_write_string(&w, "77", 2);
    rdb_write_string(&w, "x7", 2);
    expect_bytes(&w, "c0fb0d31303939353131363237373736c04d027837");
    struct rdb_reader r;
    rdb_reader_init(&r, w.buf, w.len);
    long long v;
    ck_assert_int_eq(rdb_read_string_ll(&r, &v), 0);
    ck_assert_int_eq(v, -5);
    ck_assert_int_eq(rdb_read_string_ll(&r, &v), 0);
    ck_assert_int_eq(v, 1099511627776LL);
    ck_assert_int_eq(rdb_read_string_ll(&r, &v), 0);
    ck_assert_int_eq(v, 77);
    ck_assert_int_eq(rdb_read_string_ll(&r, &v), -1);
    ck_assert(strstr(r.err, "not an integer") != NULL);
    rdb_writer_free(&w);
}
END_TEST

START_TEST(test_lzf_string_form)
{
    /* Over 20 bytes and compressible: 0xC3, compressed and original
     * lengths, data; rdbcompression off or incompressible: raw. */
    char s[100];
    memset(s, 'q', sizeof(s));
    struct rdb_writer w;
    rdb_writer_init(&w, NULL, NULL, 1);
    rdb_write_string(&w, s, sizeof(s));
    ck_assert_int_eq(w.buf[0], 0xC3);
    struct rdb_reader r;
    rdb_reader_init(&r, w.buf, w.len);
    char *out;
    size_t len;
    ck_assert_int_eq(rdb_read_string(&r, &out, &len), 0);
    ck_assert(len == 100 && !memcmp(out, s, 100));
    mem_free(out);
    rdb_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(rdb_skip_string(&r), 0);
    ck_assert_uint_eq(r.pos, w.len);
    rdb_writer_free(&w);
    rdb_writer_init(&w, NULL, NULL, 0);
    rdb_write_string(&w, s, sizeof(s));
    ck_assert_int_eq(w.buf[0], 0x40);
    ck_assert_int_eq(w.buf[1], 100);
    rdb_writer_free(&w);
    /* 20 bytes is never compressed. */
    rdb_writer_init(&w, NULL, NULL, 1);
    rdb_write_string(&w, s, 20);
    ck_assert_int_eq(w.buf[0], 20);
    rdb_writer_free(&w);

    /* Impossible LZF headers: an expansion past 88:1, data past the end, a
     * zero length, a stream that does not decode to the length. */
    static const char *const bad[] = {"c30140ff61", "c30a0b00", "c30000", "c301010161",
                                      "c3020a0161", "c4"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t n;
        unsigned char *p = hex_decode(bad[i], &n);
        rdb_reader_init(&r, p, n);
        ck_assert_msg(rdb_read_string(&r, &out, &len) == -1, "accepted %s", bad[i]);
        ck_assert(out == NULL && r.err[0]);
        free(p);
    }
}
END_TEST

START_TEST(test_fixed_width_values)
{
    struct rdb_writer w;
    rdb_writer_init(&w, NULL, NULL, 0);
    rdb_write_millis(&w, 1700000000123LL);
    rdb_write_millis(&w, -1);
    rdb_write_u64le(&w, 0x0102030405060708ULL);
    rdb_write_raw(&w, "\x00\x00\x00\x00\x00\x00\xf8\x3f", 8); /* 1.5 */
    expect_bytes(&w, "7b68e5cf8b010000ffffffffffffffff0807060504030201000000000000f83f");
    struct rdb_reader r;
    rdb_reader_init(&r, w.buf, w.len);
    int64_t ms;
    uint64_t u;
    double d;
    ck_assert_int_eq(rdb_read_millis(&r, &ms), 0);
    ck_assert_int_eq(ms, 1700000000123LL);
    ck_assert_int_eq(rdb_read_millis(&r, &ms), 0);
    ck_assert_int_eq(ms, -1);
    ck_assert_int_eq(rdb_read_u64le(&r, &u), 0);
    ck_assert(u == 0x0102030405060708ULL);
    ck_assert_int_eq(rdb_read_binary_double(&r, &d), 0);
    ck_assert(d == 1.5);
    ck_assert_int_eq(rdb_read_u64le(&r, &u), -1);
    rdb_writer_free(&w);
}
END_TEST

/* A blob of every kind of item; reading it back item by item fails at
 * every truncation, never reading past the end. */
START_TEST(test_reader_truncations)
{
    struct rdb_writer w;
    rdb_writer_init(&w, NULL, NULL, 1);
    rdb_write_len(&w, 5);
    rdb_write_len(&w, 5000);
    rdb_write_len(&w, 70000);
    rdb_write_len(&w, (uint64_t)1 << 40);
    rdb_write_string(&w, "hello", 5);
    rdb_write_string(&w, "-300", 4);
    rdb_write_string(&w, "100000", 6);
    char big[300];
    memset(big, 'r', sizeof(big));
    rdb_write_string(&w, big, sizeof(big));
    rdb_write_millis(&w, 42);
    rdb_write_string_ll(&w, 7);
    size_t n;
    unsigned char *blob = take(&w, &n);
    size_t base = mem_used();
    for (size_t cut = 0; cut <= n; cut++) {
        unsigned char *p = malloc(cut ? cut : 1);
        memcpy(p, blob, cut);
        struct rdb_reader r;
        rdb_reader_init(&r, p, cut);
        uint64_t v;
        char *s = NULL;
        size_t len;
        int64_t ms;
        long long ll;
        int ok = rdb_read_len(&r, &v, NULL) == 0 && rdb_read_len(&r, &v, NULL) == 0 &&
                 rdb_read_len(&r, &v, NULL) == 0 && rdb_read_len(&r, &v, NULL) == 0;
        for (int k = 0; ok && k < 3; k++) {
            ok = rdb_read_string(&r, &s, &len) == 0;
            mem_free(s);
            s = NULL;
        }
        ok = ok && rdb_skip_string(&r) == 0 && rdb_read_millis(&r, &ms) == 0 &&
             rdb_read_string_ll(&r, &ll) == 0;
        if (cut == n) {
            ck_assert_msg(ok, "full blob: %s", r.err);
            ck_assert(ll == 7 && ms == 42 && r.pos == n);
        } else {
            ck_assert_msg(!ok, "cut at %zu read fine", cut);
            ck_assert(r.err[0]);
            ck_assert(strstr(r.err, "offset") != NULL);
        }
        ck_assert(mem_used() == base);
        free(p);
    }
    free(blob);
}
END_TEST

/* ---- Writer to a sink --------------------------------------------------------------- */

struct sink {
    unsigned char *buf;
    size_t len;
    int calls;
    int fail_after;   /* calls before failing; -1 never */
};

/* The sink's buffer holds the next power of two of its length. */
static size_t sink_room(size_t n)
{
    size_t c = 64;
    while (c < n)
        c *= 2;
    return c;
}

static int sink_write(void *ud, const void *p, size_t len)
{
    struct sink *s = ud;
    if (s->fail_after >= 0 && s->calls >= s->fail_after) {
        errno = ENOSPC;
        return -1;
    }
    s->calls++;
    if (!s->buf || sink_room(s->len) < s->len + len)
        s->buf = realloc(s->buf, sink_room(s->len + len));
    memcpy(s->buf + s->len, p, len);
    s->len += len;
    return 0;
}

START_TEST(test_writer_sink)
{
    struct sink k = {NULL, 0, 0, -1};
    struct rdb_writer w, m;
    rdb_writer_init(&w, sink_write, &k, 0);
    rdb_writer_init(&m, NULL, NULL, 0);
    unsigned char *big = malloc(200000);
    memset(big, 7, 200000);
    for (int i = 0; i < 3000; i++) {
        rdb_write_len(&w, (uint64_t)i);
        rdb_write_len(&m, (uint64_t)i);
        if (i % 1000 == 0) {
            rdb_write_string(&w, big, 100000 + (size_t)i);
            rdb_write_string(&m, big, 100000 + (size_t)i);
        }
    }
    ck_assert_int_eq(rdb_write_checksum(&w, 1), 0);
    rdb_write_checksum(&m, 1);
    ck_assert_int_eq(rdb_writer_flush(&w), 0);
    ck_assert_uint_eq(k.len, m.len);
    ck_assert(!memcmp(k.buf, m.buf, m.len));
    ck_assert(w.total == m.total && w.crc == m.crc);
    uint64_t trailer = 0;
    for (int i = 7; i >= 0; i--)
        trailer = trailer << 8 | k.buf[k.len - 8 + (size_t)i];
    ck_assert(rdb_crc64(0, k.buf, k.len - 8) == trailer);
    rdb_writer_free(&w);
    rdb_writer_free(&m);

    /* A failing sink: the error sticks, with its errno. */
    struct sink f = {NULL, 0, 0, 1};
    rdb_writer_init(&w, sink_write, &f, 0);
    for (int i = 0; i < 200000 && !w.err; i++)
        rdb_write_len(&w, 1000);
    ck_assert_int_eq(w.err, ENOSPC);
    ck_assert_int_eq(rdb_write_byte(&w, 1), -1);
    ck_assert_int_eq(rdb_writer_flush(&w), -1);
    rdb_writer_free(&w);
    /* Checksum off writes zeros. */
    rdb_writer_init(&w, NULL, NULL, 0);
    rdb_write_byte(&w, 1);
    rdb_write_checksum(&w, 0);
    expect_bytes(&w, "010000000000000000");
    rdb_writer_free(&w);
    free(big);
    free(k.buf);
    free(f.buf);
}
END_TEST

/* The same calls through a writer with rdb_pipe's thread and through a
 * plain one: the same bytes, CRC and total (raw runs across chunks,
 * strings compressed on the thread, strings too big for a chunk written
 * inline, integer strings, the checksum after a drain). */
static void pipe_script(struct rdb_writer *w, const unsigned char *big, size_t bign)
{
    test_rng_state = 4242;
    unsigned char s[6000];
    for (int i = 0; i < 4000; i++) {
        rdb_write_len(w, (uint64_t)i * 977);
        size_t n = 1 + (size_t)(test_rng() % (i % 50 == 0 ? sizeof(s) : 90));
        uint64_t alpha = 1 + test_rng() % 30;
        for (size_t k = 0; k < n; k++)
            s[k] = (unsigned char)('a' + test_rng() % alpha);
        rdb_write_string(w, s, n);
        rdb_write_string_ll(w, (long long)test_rng() % 100000);
        if (i % 700 == 0)
            rdb_write_raw(w, big, bign); /* more than a chunk */
        if (i % 1500 == 0) {
            rdb_write_string(w, big, 600000);          /* compressible, inline */
            rdb_write_string(w, big + bign - 700000, 700000);
        }
    }
    rdb_write_checksum(w, 1);
}

/* Run pipe_script through w (a pipe started on it, or not) into a fresh
 * sink; the bytes, or NULL with *len 0 when the writer failed. */
static unsigned char *pipe_run(int piped, int compress, const unsigned char *big, size_t bign,
                               size_t *len)
{
    struct sink k = {NULL, 0, 0, -1};
    struct rdb_writer w;
    rdb_writer_init(&w, sink_write, &k, compress);
    if (piped)
        ck_assert_int_eq(rdb_pipe_start(&w), 0);
    pipe_script(&w, big, bign);
    int rc = rdb_writer_flush(&w);
    rdb_writer_free(&w);
    *len = rc == 0 ? k.len : 0;
    return k.buf;
}

static unsigned char *pipe_big(size_t *bign)
{
    *bign = 3 * 1024 * 1024 + 17;
    unsigned char *big = malloc(*bign);
    test_rng_state = 7;
    for (size_t i = 0; i < *bign; i++)
        big[i] = i < *bign / 2 ? (unsigned char)('a' + (i / 7) % 5) : (unsigned char)test_rng();
    return big;
}

/* The process keeps its pipe between writers (rdb_pipe.c): what one
 * writer left in it -- an error, LZF tables' state -- changes nothing for
 * the next; a second writer while the kept pipe is busy gets a pipe of
 * its own; and a forked child, where the parent's pipe is not mapped,
 * makes its own and writes the same bytes. */
START_TEST(test_writer_pipe_kept)
{
    size_t bign, plain_len, n;
    unsigned char *big = pipe_big(&bign);
    unsigned char *plain = pipe_run(0, 1, big, bign, &plain_len);
    ck_assert_uint_gt(plain_len, 0);
    /* A failed writer leaves its error in the kept pipe. */
    struct sink f = {NULL, 0, 0, 2};
    struct rdb_writer w;
    rdb_writer_init(&w, sink_write, &f, 1);
    ck_assert_int_eq(rdb_pipe_start(&w), 0);
    for (int i = 0; i < 10 && !w.err; i++)
        rdb_write_raw(&w, big, bign);
    ck_assert_int_eq(w.err, ENOSPC);
    rdb_writer_free(&w);
    free(f.buf);
    for (int round = 0; round < 3; round++) {
        unsigned char *b = pipe_run(1, 1, big, bign, &n);
        ck_assert_uint_eq(n, plain_len);
        ck_assert(!memcmp(b, plain, n));
        free(b);
    }
    /* Two at once: the second is not the kept one. */
    struct sink ka = {NULL, 0, 0, -1}, kb = {NULL, 0, 0, -1};
    struct rdb_writer wa, wb;
    rdb_writer_init(&wa, sink_write, &ka, 1);
    rdb_writer_init(&wb, sink_write, &kb, 1);
    ck_assert_int_eq(rdb_pipe_start(&wa), 0);
    ck_assert_int_eq(rdb_pipe_start(&wb), 0);
    ck_assert(wa.pipe != wb.pipe);
    pipe_script(&wa, big, bign);
    pipe_script(&wb, big, bign);
    ck_assert_int_eq(rdb_writer_flush(&wa), 0);
    ck_assert_int_eq(rdb_writer_flush(&wb), 0);
    ck_assert_uint_eq(ka.len, plain_len);
    ck_assert_uint_eq(kb.len, plain_len);
    ck_assert(!memcmp(ka.buf, plain, plain_len) && !memcmp(kb.buf, plain, plain_len));
    rdb_writer_free(&wb);
    rdb_writer_free(&wa);
    free(ka.buf);
    free(kb.buf);
    /* A child: 0 when its bytes match, 1 when not; a touch of the
     * parent's unmapped pipe would kill it with SIGSEGV. */
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        unsigned char *b = pipe_run(1, 1, big, bign, &n);
        _exit(n == plain_len && !memcmp(b, plain, n) ? 0 : 1);
    }
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    /* And the parent's kept pipe still works after the fork. */
    unsigned char *b = pipe_run(1, 1, big, bign, &n);
    ck_assert_uint_eq(n, plain_len);
    ck_assert(!memcmp(b, plain, n));
    free(b);
    free(plain);
    free(big);
}
END_TEST

START_TEST(test_writer_pipe)
{
    size_t bign = 3 * 1024 * 1024 + 17;
    unsigned char *big = malloc(bign);
    test_rng_state = 7;
    for (size_t i = 0; i < bign; i++)
        big[i] = i < bign / 2 ? (unsigned char)('a' + (i / 7) % 5) : (unsigned char)test_rng();
    for (int compress = 0; compress <= 1; compress++) {
        struct sink a = {NULL, 0, 0, -1}, b = {NULL, 0, 0, -1};
        struct rdb_writer wa, wb;
        rdb_writer_init(&wa, sink_write, &a, compress);
        rdb_writer_init(&wb, sink_write, &b, compress);
        ck_assert_int_eq(rdb_pipe_start(&wb), 0);
        ck_assert(wb.pipe != NULL);
        pipe_script(&wa, big, bign);
        pipe_script(&wb, big, bign);
        ck_assert_int_eq(rdb_writer_flush(&wa), 0);
        ck_assert_int_eq(rdb_writer_flush(&wb), 0);
        ck_assert_uint_eq(a.len, b.len);
        ck_assert(!memcmp(a.buf, b.buf, a.len));
        ck_assert(wa.crc == wb.crc && wa.total == wb.total);
        rdb_writer_free(&wa);
        rdb_writer_free(&wb);
        ck_assert(wb.pipe == NULL);
        free(a.buf);
        free(b.buf);
    }
    /* A failing sink: the thread's error becomes the writer's. */
    struct sink f = {NULL, 0, 0, 3};
    struct rdb_writer w;
    rdb_writer_init(&w, sink_write, &f, 1);
    ck_assert_int_eq(rdb_pipe_start(&w), 0);
    for (int i = 0; i < 100 && !w.err; i++)
        rdb_write_raw(&w, big, bign);
    ck_assert_int_eq(w.err, ENOSPC);
    ck_assert_int_eq(rdb_write_byte(&w, 1), -1);
    ck_assert_int_eq(rdb_writer_flush(&w), -1);
    rdb_writer_free(&w);
    free(f.buf);
    /* Only a file writer nothing was written to gets a thread. */
    rdb_writer_init(&w, NULL, NULL, 1);
    ck_assert_int_eq(rdb_pipe_start(&w), -1);
    rdb_writer_free(&w);
    struct sink g = {NULL, 0, 0, -1};
    rdb_writer_init(&w, sink_write, &g, 1);
    rdb_write_byte(&w, 1);
    ck_assert_int_eq(rdb_pipe_start(&w), -1);
    ck_assert(w.pipe == NULL);
    rdb_writer_free(&w);
    free(g.buf);
    free(big);
}
END_TEST

/* ---- Listpacks ----------------------------------------------------------------------- */

/* The hash listpack Redis built equals ours byte for byte; Redis stored
 * it LZF-compressed, so reading it also decompresses Redis's lzf. */
START_TEST(test_listpack_matches_redis)
{
    size_t n;
    unsigned char *dump = hex_decode(lp_hash_dump, &n);
    ck_assert_int_eq(dump[0], RDB_TYPE_HASH_LISTPACK);
    ck_assert_int_eq(dump[1], 0xC3);
    uint64_t crc = 0;
    for (int i = 7; i >= 0; i--)
        crc = crc << 8 | dump[n - 8 + (size_t)i];
    ck_assert(rdb_crc64(0, dump, n - 8) == crc);
    struct rdb_reader r;
    rdb_reader_init(&r, dump + 1, n - 11);
    char *redis_lp;
    size_t rlen;
    ck_assert_msg(rdb_read_string(&r, &redis_lp, &rlen) == 0, "%s", r.err);

    size_t ne = sizeof(lp_hash_elems) / sizeof(lp_hash_elems[0]);
    struct lp_builder b;
    lp_builder_init(&b);
    char **vals = calloc(ne, sizeof(char *));
    for (size_t i = 0; i < ne; i++) {
        vals[i] = malloc(lp_hash_elems[i].len + 1);
        if (lp_hash_elems[i].p)
            memcpy(vals[i], lp_hash_elems[i].p, lp_hash_elems[i].len);
        else
            memset(vals[i], lp_hash_fill[i], lp_hash_elems[i].len);
        lp_append_string(&b, vals[i], lp_hash_elems[i].len);
    }
    size_t len;
    unsigned char *lp = lp_builder_finish(&b, &len);
    ck_assert_uint_eq(len, rlen);
    ck_assert(!memcmp(lp, redis_lp, len));

    /* Walking it gives the elements back, integers where canonical. */
    struct lp_iter it;
    ck_assert_int_eq(lp_iter_init(&it, lp, len), 0);
    for (size_t i = 0; i < ne; i++) {
        struct lp_entry e;
        ck_assert_int_eq(lp_iter_next(&it, &e), 1);
        char buf[32];
        const char *p = (const char *)e.str;
        size_t elen = e.slen;
        if (e.is_int) {
            elen = (size_t)snprintf(buf, sizeof(buf), "%lld", (long long)e.v);
            p = buf;
        }
        ck_assert_msg(elen == lp_hash_elems[i].len && !memcmp(p, vals[i], elen), "element %zu",
                      i);
        free(vals[i]);
    }
    struct lp_entry e;
    ck_assert_int_eq(lp_iter_next(&it, &e), 0);
    free(vals);
    mem_free(lp);
    mem_free(redis_lp);
    free(dump);
}
END_TEST

START_TEST(test_listpack_encodings)
{
    static const struct {
        int64_t v;
        const char *hex; /* element bytes, back-length included */
    } ints[] = {
        {0, "0001"},
        {127, "7f01"},
        {128, "c08002"},
        {-1, "dfff02"},
        {4095, "cfff02"},
        {-4096, "d00002"},
        {4096, "f1001003"},
        {-32768, "f1008003"},
        {32768, "f200800004"},
        {-8388608, "f200008004"},
        {8388608, "f30000800005"},
        {INT32_MIN, "f30000008005"},
        {(int64_t)INT32_MAX + 1, "f4000000800000000009"},
        {INT64_MIN, "f4000000000000008009"},
        {INT64_MAX, "f4ffffffffffffff7f09"},
    };
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        struct lp_builder b;
        lp_builder_init(&b);
        lp_append_int(&b, ints[i].v);
        size_t len, n;
        unsigned char *lp = lp_builder_finish(&b, &len);
        unsigned char *want = hex_decode(ints[i].hex, &n);
        ck_assert_uint_eq(len, 6 + n + 1);
        ck_assert_msg(!memcmp(lp + 6, want, n), "int %lld", (long long)ints[i].v);
        ck_assert(lp[0] == len && lp[4] == 1 && lp[5] == 0 && lp[len - 1] == 0xFF);
        struct lp_iter it;
        struct lp_entry e;
        ck_assert_int_eq(lp_iter_init(&it, lp, len), 0);
        ck_assert_int_eq(lp_iter_next(&it, &e), 1);
        ck_assert(e.is_int && e.v == ints[i].v);
        ck_assert_int_eq(lp_iter_next(&it, &e), 0);
        mem_free(lp);
        free(want);
    }
    /* Strings: 6/12/32-bit lengths and back-lengths of 1, 2 and 3 bytes
     * (127 -> 1 byte, 128 -> 2, 16382 -> 2, 16383 -> 3). */
    static const size_t lens[] = {0, 1, 63, 64, 125, 126, 4095, 4096, 16377, 16378, 70000};
    static const size_t hdr[] = {1, 1, 1, 2, 2, 2, 2, 5, 5, 5, 5};
    static const size_t bl[] = {1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3};
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        char *s = malloc(lens[i] + 1);
        memset(s, 'k', lens[i]);
        struct lp_builder b;
        lp_builder_init(&b);
        lp_append_string(&b, s, lens[i]);
        size_t len;
        unsigned char *lp = lp_builder_finish(&b, &len);
        ck_assert_msg(len == 6 + hdr[i] + lens[i] + bl[i] + 1, "string of %zu", lens[i]);
        struct lp_iter it;
        struct lp_entry e;
        ck_assert_int_eq(lp_iter_init(&it, lp, len), 0);
        ck_assert_int_eq(lp_iter_next(&it, &e), 1);
        ck_assert(!e.is_int && e.slen == lens[i] && !memcmp(e.str, s, lens[i]));
        mem_free(lp);
        free(s);
    }
    /* Canonical integers in string form are integers; others are not. */
    struct lp_builder b;
    lp_builder_init(&b);
    lp_append_string(&b, "-42", 3);
    lp_append_string(&b, "042", 3);
    lp_append_string(&b, "9223372036854775808", 19);
    size_t len;
    unsigned char *lp = lp_builder_finish(&b, &len);
    struct lp_iter it;
    struct lp_entry e;
    lp_iter_init(&it, lp, len);
    ck_assert(lp_iter_next(&it, &e) == 1 && e.is_int && e.v == -42);
    ck_assert(lp_iter_next(&it, &e) == 1 && !e.is_int && e.slen == 3);
    ck_assert(lp_iter_next(&it, &e) == 1 && !e.is_int && e.slen == 19);
    mem_free(lp);
}
END_TEST

START_TEST(test_listpack_unknown_count)
{
    struct lp_builder b;
    lp_builder_init(&b);
    for (int i = 0; i < 70000; i++)
        lp_append_int(&b, i % 100);
    size_t len;
    unsigned char *lp = lp_builder_finish(&b, &len);
    ck_assert(lp[4] == 0xFF && lp[5] == 0xFF);
    struct lp_iter it;
    struct lp_entry e;
    ck_assert_int_eq(lp_iter_init(&it, lp, len), 0);
    int n = 0, rc;
    while ((rc = lp_iter_next(&it, &e)) == 1)
        ck_assert_int_eq(e.v, n++ % 100);
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(n, 70000);
    mem_free(lp);
}
END_TEST

/* Walk a listpack to its end: 0 when sound, -1 at the first bad element. */
static int lp_walk(const unsigned char *lp, size_t len)
{
    struct lp_iter it;
    struct lp_entry e;
    if (lp_iter_init(&it, lp, len) < 0)
        return -1;
    int rc;
    while ((rc = lp_iter_next(&it, &e)) == 1)
        ;
    return rc;
}

START_TEST(test_listpack_malformed)
{
    struct lp_builder b;
    lp_builder_init(&b);
    lp_append_int(&b, 5);
    lp_append_string(&b, "hello", 5);
    lp_append_int(&b, -70000);
    char mid[200];
    memset(mid, 'm', sizeof(mid));
    lp_append_string(&b, mid, sizeof(mid));
    size_t len;
    unsigned char *lp = lp_builder_finish(&b, &len);
    ck_assert_int_eq(lp_walk(lp, len), 0);
    unsigned char *p = malloc(len);
    /* Every truncation, with the header's total patched to match (so the
     * header check passes and the element checks must catch it). */
    for (size_t cut = 0; cut < len; cut++) {
        unsigned char *q = malloc(cut ? cut : 1);
        memcpy(q, lp, cut);
        ck_assert_int_eq(lp_walk(q, cut), -1);
        if (cut >= 7) {
            q[0] = (unsigned char)cut;
            q[1] = q[2] = q[3] = 0;
            q[cut - 1] = 0xFF;
            ck_assert_msg(lp_walk(q, cut) == -1, "cut at %zu walked", cut);
        }
        free(q);
    }
    /* Count in the header that disagrees; a non-encoding; a wrong
     * back-length; a string running past the terminator. */
    static const struct {
        size_t at;
        unsigned char v;
    } flips[] = {{4, 3}, {4, 5}, {6, 0xF5}, {7, 2}, {8, 0x86}, {8, 0xF0}};
    for (size_t i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
        memcpy(p, lp, len);
        p[flips[i].at] = flips[i].v;
        ck_assert_msg(lp_walk(p, len) == -1, "flip %zu walked", i);
    }
    /* Every single-bit flip: a clean walk or -1, never out of bounds. */
    for (size_t pos = 0; pos < len; pos++) {
        for (int bit = 0; bit < 8; bit++) {
            memcpy(p, lp, len);
            p[pos] ^= (unsigned char)(1u << bit);
            int rc = lp_walk(p, len);
            ck_assert(rc == 0 || rc == -1);
        }
    }
    ck_assert_int_eq(lp_walk(lp, len - 1), -1);
    free(p);
    mem_free(lp);
}
END_TEST

/* A builder reused with seal/restart, with elements copied already
 * encoded, makes the bytes a fresh builder makes. */
START_TEST(test_listpack_reuse_and_encoded)
{
    struct lp_builder ref, b, one;
    lp_builder_init(&b);
    lp_builder_init(&one);
    for (int round = 0; round < 3; round++) {
        lp_builder_init(&ref);
        lp_builder_restart(&b);
        lp_builder_restart(&one);
        for (int i = 0; i < 50 * (round + 1); i++) {
            char v[32];
            int n = snprintf(v, sizeof(v), i % 3 ? "v%d" : "%d", i * 977 - 3000);
            lp_append_string(&ref, v, (size_t)n);
            size_t before = one.len;
            lp_append_string(&one, v, (size_t)n);
            lp_append_encoded(&b, one.buf + before, one.len - before);
        }
        size_t rlen, blen;
        unsigned char *r = lp_builder_finish(&ref, &rlen);
        const unsigned char *p = lp_builder_seal(&b, &blen);
        ck_assert_uint_eq(rlen, blen);
        ck_assert(memcmp(r, p, rlen) == 0);
        mem_free(r);
    }
    lp_builder_free(&b);
    lp_builder_free(&one);
}
END_TEST

/* lp_iter_next_fast answers as lp_iter_next does, element by element,
 * on listpacks with bytes flipped, cut and counts changed. */
START_TEST(test_listpack_fast_iter_agrees)
{
    struct lp_builder b;
    lp_builder_init(&b);
    for (int i = 0; i < 40; i++) {
        char v[80];
        int n = snprintf(v, sizeof(v), i % 4 == 0 ? "%d" : i % 4 == 1 ? "s%d" : "%d.5", i * 37 - 200);
        if (i % 9 == 0)
            n = snprintf(v, sizeof(v), "%070d", i);
        lp_append_string(&b, v, (size_t)n);
        lp_append_int(&b, i % 3 ? i : -i * 1000);
    }
    size_t len;
    unsigned char *lp = lp_builder_finish(&b, &len);
    unsigned char *m = malloc(len);
    uint64_t x = 12345;
    for (int round = 0; round < 3000; round++) {
        memcpy(m, lp, len);
        size_t mlen = len;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        if (round % 3 == 0)
            m[6 + x % (len - 6)] ^= (unsigned char)(1u << (x >> 20) % 8);
        else if (round % 3 == 1)
            m[4 + (x >> 8) % 2] = (unsigned char)(x >> 16);
        else {
            mlen = 7 + x % (len - 7);
            m[mlen - 1] = 0xFF;
            for (int k = 0; k < 4; k++)
                m[k] = (unsigned char)(mlen >> (8 * k));
        }
        struct lp_iter a, f;
        if (lp_iter_init(&a, m, mlen) < 0)
            continue;
        lp_iter_init(&f, m, mlen);
        for (;;) {
            struct lp_entry ea, ef;
            int ra = lp_iter_next(&a, &ea), rf = lp_iter_next_fast(&f, &ef);
            ck_assert_int_eq(ra, rf);
            if (ra != 1)
                break;
            ck_assert_uint_eq(a.pos, f.pos);
            ck_assert_uint_eq(a.left, f.left);
            ck_assert_int_eq(ea.is_int, ef.is_int);
            if (ea.is_int)
                ck_assert_int_eq(ea.v, ef.v);
            else
                ck_assert(ea.str == ef.str && ea.slen == ef.slen);
        }
    }
    free(m);
    mem_free(lp);
}
END_TEST

static Suite *rdb_codec_suite(void)
{
    Suite *s = suite_create("rdb_codec");
    TCase *tc = tcase_create("crc_lzf");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_crc64);
    tcase_add_test(tc, test_lzf_strings_match_redis);
    tcase_add_test(tc, test_lzf_table_reuse);
    tcase_add_test(tc, test_lzf_roundtrips);
    tcase_add_test(tc, test_lzf_corrupt_input);
    suite_add_tcase(s, tc);

    tc = tcase_create("values");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_lengths);
    tcase_add_test(tc, test_string_encodings);
    tcase_add_test(tc, test_lzf_string_form);
    tcase_add_test(tc, test_fixed_width_values);
    tcase_add_test(tc, test_reader_truncations);
    tcase_add_test(tc, test_writer_sink);
    tcase_add_test(tc, test_writer_pipe);
    tcase_add_test(tc, test_writer_pipe_kept);
    suite_add_tcase(s, tc);

    tc = tcase_create("listpack");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_listpack_matches_redis);
    tcase_add_test(tc, test_listpack_encodings);
    tcase_add_test(tc, test_listpack_unknown_count);
    tcase_add_test(tc, test_listpack_malformed);
    tcase_add_test(tc, test_listpack_reuse_and_encoded);
    tcase_add_test(tc, test_listpack_fast_iter_agrees);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(rdb_codec_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
