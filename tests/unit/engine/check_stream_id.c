/* check_stream_id.c -- stream IDs: compare, step, format, parse (with
 * Redis 7's exact leniencies, checked against redis-server 7.0.15), and the
 * XADD ID rules. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream_id.h"

#define U64MAX UINT64_MAX

static struct stream_id mk(uint64_t ms, uint64_t seq)
{
    struct stream_id id = {ms, seq};
    return id;
}

static void assert_id(struct stream_id id, uint64_t ms, uint64_t seq)
{
    ck_assert_uint_eq(id.ms, ms);
    ck_assert_uint_eq(id.seq, seq);
}

START_TEST(test_compare)
{
    struct stream_id a = mk(1, 2), b = mk(1, 3), c = mk(2, 0), d = mk(1, 2);
    ck_assert_int_eq(stream_id_cmp(&a, &b), -1);
    ck_assert_int_eq(stream_id_cmp(&b, &a), 1);
    ck_assert_int_eq(stream_id_cmp(&b, &c), -1);
    ck_assert_int_eq(stream_id_cmp(&c, &b), 1);
    ck_assert_int_eq(stream_id_cmp(&a, &d), 0);
    ck_assert(stream_id_eq(&a, &d));
    ck_assert(!stream_id_eq(&a, &b));
    struct stream_id z = STREAM_ID_MIN, m = STREAM_ID_MAX;
    ck_assert(stream_id_is_zero(&z));
    ck_assert(!stream_id_is_zero(&a));
    ck_assert(stream_id_is_max(&m));
    ck_assert(!stream_id_is_max(&c));
    struct stream_id hi = mk(U64MAX, 0), lo = mk(0, U64MAX);
    ck_assert_int_eq(stream_id_cmp(&lo, &hi), -1);
    ck_assert_int_eq(stream_id_cmp(&hi, &m), -1);
}
END_TEST

START_TEST(test_incr_decr)
{
    struct stream_id id = mk(5, 7);
    ck_assert_int_eq(stream_id_incr(&id), 0);
    assert_id(id, 5, 8);
    id = mk(5, U64MAX);
    ck_assert_int_eq(stream_id_incr(&id), 0);
    assert_id(id, 6, 0);
    id = STREAM_ID_MAX;
    ck_assert_int_eq(stream_id_incr(&id), STREAM_ERR_OVERFLOW);
    assert_id(id, U64MAX, U64MAX);
    id = mk(U64MAX, U64MAX - 1);
    ck_assert_int_eq(stream_id_incr(&id), 0);
    assert_id(id, U64MAX, U64MAX);

    id = mk(5, 7);
    ck_assert_int_eq(stream_id_decr(&id), 0);
    assert_id(id, 5, 6);
    id = mk(5, 0);
    ck_assert_int_eq(stream_id_decr(&id), 0);
    assert_id(id, 4, U64MAX);
    id = STREAM_ID_MIN;
    ck_assert_int_eq(stream_id_decr(&id), STREAM_ERR_OVERFLOW);
    assert_id(id, 0, 0);
    id = mk(0, 1);
    ck_assert_int_eq(stream_id_decr(&id), 0);
    assert_id(id, 0, 0);
}
END_TEST

START_TEST(test_format)
{
    char buf[STREAM_ID_STR_MAX];
    struct stream_id id = mk(0, 0);
    ck_assert_uint_eq(stream_id_format(&id, buf, sizeof(buf)), 3);
    ck_assert_str_eq(buf, "0-0");
    id = mk(1526919030474ULL, 55);
    stream_id_format(&id, buf, sizeof(buf));
    ck_assert_str_eq(buf, "1526919030474-55");
    id = STREAM_ID_MAX;
    ck_assert_uint_eq(stream_id_format(&id, buf, sizeof(buf)), 41);
    ck_assert_str_eq(buf, "18446744073709551615-18446744073709551615");
    /* Truncation like snprintf, full length reported. */
    char small[5];
    id = mk(123456, 7);
    ck_assert_uint_eq(stream_id_format(&id, small, sizeof(small)), 8);
    ck_assert_str_eq(small, "1234");
    ck_assert_uint_eq(stream_id_format(&id, small, 0), 8);
    /* Every digit count, and both sides of each power of ten: the same
     * text as printf's. */
    uint64_t p = 1;
    for (int k = 0; k < 20; k++, p *= 10) {
        const uint64_t vals[] = {p - 1, p, p + 1, p * 9 + 9, p * 5 + 37};
        for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
            char want[STREAM_ID_STR_MAX];
            id = mk(vals[i], vals[(i + 2) % 5] / 3);
            snprintf(want, sizeof(want), "%llu-%llu", (unsigned long long)id.ms,
                     (unsigned long long)id.seq);
            ck_assert_uint_eq(stream_id_format(&id, buf, sizeof(buf)), strlen(want));
            ck_assert_str_eq(buf, want);
        }
    }
}
END_TEST

START_TEST(test_format_parse_roundtrip)
{
    srand(7);
    for (int i = 0; i < 10000; i++) {
        struct stream_id id;
        id.ms = ((uint64_t)rand() << 40) ^ ((uint64_t)rand() << 20) ^ (uint64_t)rand();
        id.seq = (i % 3 == 0) ? U64MAX - (uint64_t)(rand() % 3) : (uint64_t)rand() % 1000;
        if (i % 5 == 0)
            id.ms >>= (unsigned)(rand() % 64);
        char buf[STREAM_ID_STR_MAX];
        size_t len = stream_id_format(&id, buf, sizeof(buf));
        struct stream_id_spec sp;
        ck_assert_int_eq(stream_id_parse(buf, len, STREAM_ID_STRICT_DIGITS, &sp), 0);
        ck_assert(stream_id_eq(&sp.id, &id));
        ck_assert_int_eq(sp.kind, STREAM_ID_EXPLICIT);
    }
}
END_TEST

/* Parse a C string; returns the result code and fills *sp. */
static int parse(const char *s, unsigned flags, struct stream_id_spec *sp)
{
    return stream_id_parse(s, strlen(s), flags, sp);
}

struct parse_case {
    const char *in;
    unsigned flags;
    int ok;
    uint64_t ms, seq;
};

START_TEST(test_parse_table)
{
    /* Expected values for the lenient forms were observed on redis-server
     * 7.0.15 with XADD (see the file comment). */
    static const struct parse_case cases[] = {
        {"0", 0, 1, 0, 0},
        {"0-0", 0, 1, 0, 0},
        {"1-1", 0, 1, 1, 1},
        {"1526919030474-55", 0, 1, 1526919030474ULL, 55},
        {"7", 0, 1, 7, 0},
        {"7", STREAM_ID_SEQ_MAX, 1, 7, U64MAX},
        {"7-3", STREAM_ID_SEQ_MAX, 1, 7, 3},
        {"18446744073709551615-18446744073709551615", 0, 1, U64MAX, U64MAX},
        {"18446744073709551615", STREAM_ID_SEQ_MAX, 1, U64MAX, U64MAX},
        {"9223372036854775808-9223372036854775807", 0, 1, 9223372036854775808ULL, 9223372036854775807ULL},
        {"18446744073709551616-0", 0, 0, 0, 0},
        {"0-18446744073709551616", 0, 0, 0, 0},
        /* Redis's strtoull() fallback. */
        {"01-1", 0, 1, 1, 1},
        {"+2-1", 0, 1, 2, 1},
        {" 3-1", 0, 1, 3, 1},
        {"4- 1", 0, 1, 4, 1},
        {"4- +7", 0, 1, 4, 7},
        {"5--0", 0, 1, 5, 0},
        {"6-+1", 0, 1, 6, 1},
        {"5-\t8", 0, 1, 5, 8},
        {"1--05", 0, 1, 1, 18446744073709551611ULL},
        {"3--9223372036854775809", 0, 1, 3, 9223372036854775807ULL},
        {"2--5", 0, 0, 0, 0},
        {"2--9223372036854775808", 0, 0, 0, 0},
        /* ... all refused when strict. */
        {"01-1", STREAM_ID_STRICT_DIGITS, 0, 0, 0},
        {"+2-1", STREAM_ID_STRICT_DIGITS, 0, 0, 0},
        {" 3-1", STREAM_ID_STRICT_DIGITS, 0, 0, 0},
        {"5--0", STREAM_ID_STRICT_DIGITS, 0, 0, 0},
        {"1--05", STREAM_ID_STRICT_DIGITS, 0, 0, 0},
        /* Plain garbage. */
        {"", 0, 0, 0, 0},
        {"-", 0, 0, 0, 0},
        {"+", 0, 0, 0, 0},
        {"*", 0, 0, 0, 0},
        {"1-", 0, 0, 0, 0},
        {"-1", 0, 0, 0, 0},
        {"1-2-3", 0, 0, 0, 0},
        {"abc", 0, 0, 0, 0},
        {"0x8-1", 0, 0, 0, 0},
        {"9-1 ", 0, 0, 0, 0},
        {"1.5-0", 0, 0, 0, 0},
        {"1-*", 0, 0, 0, 0},
        {"*-1", STREAM_ID_ALLOW_AUTO_SEQ, 0, 0, 0},
        {"1-**", STREAM_ID_ALLOW_AUTO_SEQ, 0, 0, 0},
        {"(1-1", 0, 0, 0, 0},
        /* Min and max. */
        {"-", STREAM_ID_ALLOW_MINMAX, 1, 0, 0},
        {"+", STREAM_ID_ALLOW_MINMAX, 1, U64MAX, U64MAX},
        {"+", STREAM_ID_ALLOW_MINMAX | STREAM_ID_SEQ_MAX, 1, U64MAX, U64MAX},
        {"-", STREAM_ID_ALLOW_MINMAX | STREAM_ID_SEQ_MAX, 1, 0, 0},
        {"--", STREAM_ID_ALLOW_MINMAX, 0, 0, 0},
        {"++", STREAM_ID_ALLOW_MINMAX, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct stream_id_spec sp;
        int rc = parse(cases[i].in, cases[i].flags, &sp);
        if (cases[i].ok) {
            ck_assert_msg(rc == 0, "case %zu \"%s\" should parse", i, cases[i].in);
            ck_assert_msg(sp.id.ms == cases[i].ms && sp.id.seq == cases[i].seq,
                          "case %zu \"%s\" got %llu-%llu", i, cases[i].in,
                          (unsigned long long)sp.id.ms, (unsigned long long)sp.id.seq);
            ck_assert_int_eq(sp.kind, STREAM_ID_EXPLICIT);
            ck_assert(!sp.exclusive);
        } else {
            ck_assert_msg(rc == STREAM_ERR_SYNTAX, "case %zu \"%s\" should fail", i, cases[i].in);
        }
    }
}
END_TEST

START_TEST(test_parse_auto)
{
    struct stream_id_spec sp;
    ck_assert_int_eq(parse("*", STREAM_ID_ALLOW_AUTO, &sp), 0);
    ck_assert_int_eq(sp.kind, STREAM_ID_AUTO);
    ck_assert_int_eq(parse("*", STREAM_ID_ALLOW_AUTO_SEQ, &sp), STREAM_ERR_SYNTAX);
    ck_assert_int_eq(parse("**", STREAM_ID_ALLOW_AUTO, &sp), STREAM_ERR_SYNTAX);

    ck_assert_int_eq(parse("10-*", STREAM_ID_ALLOW_AUTO_SEQ, &sp), 0);
    ck_assert_int_eq(sp.kind, STREAM_ID_AUTO_SEQ);
    assert_id(sp.id, 10, 0);
    ck_assert_int_eq(parse("0-*", STREAM_ID_ALLOW_AUTO_SEQ, &sp), 0);
    ck_assert_int_eq(sp.kind, STREAM_ID_AUTO_SEQ);
    assert_id(sp.id, 0, 0);
    ck_assert_int_eq(parse("18446744073709551615-*", STREAM_ID_ALLOW_AUTO_SEQ, &sp), 0);
    assert_id(sp.id, U64MAX, 0);
    ck_assert_int_eq(parse("010-*", STREAM_ID_ALLOW_AUTO_SEQ, &sp), 0);
    assert_id(sp.id, 10, 0);
    ck_assert_int_eq(parse("x-*", STREAM_ID_ALLOW_AUTO_SEQ, &sp), STREAM_ERR_SYNTAX);
    ck_assert_int_eq(parse("10-*", STREAM_ID_ALLOW_AUTO, &sp), STREAM_ERR_SYNTAX);
    /* Plain IDs still parse with the auto flags on. */
    ck_assert_int_eq(parse("10-3", STREAM_ID_ALLOW_AUTO | STREAM_ID_ALLOW_AUTO_SEQ, &sp), 0);
    ck_assert_int_eq(sp.kind, STREAM_ID_EXPLICIT);
    assert_id(sp.id, 10, 3);
}
END_TEST

START_TEST(test_parse_exclusive)
{
    struct stream_id_spec sp;
    unsigned f = STREAM_ID_ALLOW_EXCL | STREAM_ID_ALLOW_MINMAX;
    ck_assert_int_eq(parse("(5-5", f, &sp), 0);
    ck_assert(sp.exclusive);
    assert_id(sp.id, 5, 5);
    ck_assert_int_eq(parse("(5", f | STREAM_ID_SEQ_MAX, &sp), 0);
    ck_assert(sp.exclusive);
    assert_id(sp.id, 5, U64MAX);
    ck_assert_int_eq(parse("5-5", f, &sp), 0);
    ck_assert(!sp.exclusive);
    /* "(" alone, "(-" and "(+" are invalid, as in Redis. */
    ck_assert_int_eq(parse("(", f, &sp), STREAM_ERR_SYNTAX);
    ck_assert_int_eq(parse("(-", f, &sp), STREAM_ERR_SYNTAX);
    ck_assert_int_eq(parse("(+", f, &sp), STREAM_ERR_SYNTAX);
    ck_assert_int_eq(parse("((5", f, &sp), STREAM_ERR_SYNTAX);
    ck_assert_int_eq(parse("-", f, &sp), 0);
    ck_assert(!sp.exclusive);
    assert_id(sp.id, 0, 0);
    /* The callers turn exclusive bounds into inclusive ones. */
    ck_assert_int_eq(parse("(18446744073709551615-18446744073709551615", f, &sp), 0);
    ck_assert_int_eq(stream_id_incr(&sp.id), STREAM_ERR_OVERFLOW);
    ck_assert_int_eq(parse("(0-0", f, &sp), 0);
    ck_assert_int_eq(stream_id_decr(&sp.id), STREAM_ERR_OVERFLOW);
}
END_TEST

START_TEST(test_parse_lengths)
{
    char buf[300];
    struct stream_id_spec sp;
    /* 127 bytes is the longest Redis takes, zeros and all. */
    memset(buf, '0', 124);
    memcpy(buf + 124, "1-0", 3);
    ck_assert_int_eq(stream_id_parse(buf, 127, 0, &sp), 0);
    assert_id(sp.id, 1, 0);
    memset(buf, '0', 125);
    memcpy(buf + 125, "1-0", 3);
    ck_assert_int_eq(stream_id_parse(buf, 128, 0, &sp), STREAM_ERR_SYNTAX);
    ck_assert_int_eq(stream_id_parse(buf, 0, 0, &sp), STREAM_ERR_SYNTAX);
    /* Not NUL-terminated input: only len bytes count. */
    ck_assert_int_eq(stream_id_parse("12-34xyz", 5, 0, &sp), 0);
    assert_id(sp.id, 12, 34);
    /* An embedded NUL ends the argument, as in Redis's C-string parse. */
    ck_assert_int_eq(stream_id_parse("5\0-3", 4, 0, &sp), 0);
    assert_id(sp.id, 5, 0);
    /* A "(" prefix does not count towards the 127. */
    buf[0] = '(';
    memset(buf + 1, '0', 124);
    memcpy(buf + 125, "1-0", 3);
    ck_assert_int_eq(stream_id_parse(buf, 128, STREAM_ID_ALLOW_EXCL, &sp), 0);
    ck_assert(sp.exclusive);
}
END_TEST

/* stream_id_next with a spec built from its parts. */
static int next_id(struct stream_id last, enum stream_id_kind kind, uint64_t ms, uint64_t seq,
                   uint64_t now, struct stream_id *out)
{
    struct stream_id_spec sp = {{ms, seq}, kind, false};
    return stream_id_next(&last, &sp, now, out);
}

START_TEST(test_next_auto)
{
    struct stream_id out;
    /* Clock ahead of the last ID. */
    ck_assert_int_eq(next_id(mk(100, 5), STREAM_ID_AUTO, 0, 0, 200, &out), 0);
    assert_id(out, 200, 0);
    /* Same ms. */
    ck_assert_int_eq(next_id(mk(200, 5), STREAM_ID_AUTO, 0, 0, 200, &out), 0);
    assert_id(out, 200, 6);
    /* Clock gone backwards: stay on the last ms. */
    ck_assert_int_eq(next_id(mk(200, 5), STREAM_ID_AUTO, 0, 0, 150, &out), 0);
    assert_id(out, 200, 6);
    /* Sequence exhausted within a ms: carry into the next ms. */
    ck_assert_int_eq(next_id(mk(200, U64MAX), STREAM_ID_AUTO, 0, 0, 150, &out), 0);
    assert_id(out, 201, 0);
    ck_assert_int_eq(next_id(mk(200, U64MAX), STREAM_ID_AUTO, 0, 0, 200, &out), 0);
    assert_id(out, 201, 0);
    /* Empty stream, clock at 0. */
    ck_assert_int_eq(next_id(mk(0, 0), STREAM_ID_AUTO, 0, 0, 0, &out), 0);
    assert_id(out, 0, 1);
    /* Last possible ID: nothing more can be added. */
    ck_assert_int_eq(next_id(STREAM_ID_MAX, STREAM_ID_AUTO, 0, 0, 5, &out), STREAM_ERR_EXHAUSTED);
    ck_assert_int_eq(next_id(mk(U64MAX, U64MAX - 1), STREAM_ID_AUTO, 0, 0, 5, &out), 0);
    assert_id(out, U64MAX, U64MAX);
    ck_assert_int_eq(next_id(mk(U64MAX - 1, U64MAX), STREAM_ID_AUTO, 0, 0, 5, &out), 0);
    assert_id(out, U64MAX, 0);
}
END_TEST

START_TEST(test_next_auto_seq)
{
    struct stream_id out;
    ck_assert_int_eq(next_id(mk(5, 3), STREAM_ID_AUTO_SEQ, 5, 0, 0, &out), 0);
    assert_id(out, 5, 4);
    ck_assert_int_eq(next_id(mk(5, 3), STREAM_ID_AUTO_SEQ, 9, 0, 0, &out), 0);
    assert_id(out, 9, 0);
    ck_assert_int_eq(next_id(mk(5, 3), STREAM_ID_AUTO_SEQ, 4, 0, 0, &out), STREAM_ERR_ID_TOO_SMALL);
    ck_assert_int_eq(next_id(mk(5, U64MAX), STREAM_ID_AUTO_SEQ, 5, 0, 0, &out),
                     STREAM_ERR_SEQ_OVERFLOW);
    ck_assert_int_eq(next_id(mk(5, U64MAX), STREAM_ID_AUTO_SEQ, 6, 0, 0, &out), 0);
    assert_id(out, 6, 0);
    /* "0-*" on an empty stream is 0-1 (0-0 is never an entry). */
    ck_assert_int_eq(next_id(mk(0, 0), STREAM_ID_AUTO_SEQ, 0, 0, 0, &out), 0);
    assert_id(out, 0, 1);
    ck_assert_int_eq(next_id(STREAM_ID_MAX, STREAM_ID_AUTO_SEQ, U64MAX, 0, 0, &out),
                     STREAM_ERR_EXHAUSTED);
    ck_assert_int_eq(next_id(mk(U64MAX, 7), STREAM_ID_AUTO_SEQ, U64MAX, 0, 0, &out), 0);
    assert_id(out, U64MAX, 8);
}
END_TEST

START_TEST(test_next_explicit)
{
    struct stream_id out;
    ck_assert_int_eq(next_id(mk(5, 3), STREAM_ID_EXPLICIT, 5, 4, 0, &out), 0);
    assert_id(out, 5, 4);
    ck_assert_int_eq(next_id(mk(5, 3), STREAM_ID_EXPLICIT, 5, 3, 0, &out), STREAM_ERR_ID_TOO_SMALL);
    ck_assert_int_eq(next_id(mk(5, 3), STREAM_ID_EXPLICIT, 5, 2, 0, &out), STREAM_ERR_ID_TOO_SMALL);
    ck_assert_int_eq(next_id(mk(5, 3), STREAM_ID_EXPLICIT, 4, 9, 0, &out), STREAM_ERR_ID_TOO_SMALL);
    ck_assert_int_eq(next_id(mk(5, 3), STREAM_ID_EXPLICIT, 6, 0, 0, &out), 0);
    assert_id(out, 6, 0);
    /* 0-0 is refused with its own code, before anything else. */
    ck_assert_int_eq(next_id(mk(0, 0), STREAM_ID_EXPLICIT, 0, 0, 0, &out), STREAM_ERR_ID_ZERO);
    ck_assert_int_eq(next_id(mk(5, 3), STREAM_ID_EXPLICIT, 0, 0, 0, &out), STREAM_ERR_ID_ZERO);
    ck_assert_int_eq(next_id(STREAM_ID_MAX, STREAM_ID_EXPLICIT, 0, 0, 0, &out), STREAM_ERR_ID_ZERO);
    ck_assert_int_eq(next_id(mk(0, 0), STREAM_ID_EXPLICIT, 0, 1, 0, &out), 0);
    assert_id(out, 0, 1);
    /* An exhausted stream reports exhaustion even for explicit IDs. */
    ck_assert_int_eq(next_id(STREAM_ID_MAX, STREAM_ID_EXPLICIT, 1, 1, 0, &out), STREAM_ERR_EXHAUSTED);
    ck_assert_int_eq(next_id(mk(U64MAX, U64MAX - 1), STREAM_ID_EXPLICIT, U64MAX, U64MAX, 0, &out), 0);
    assert_id(out, U64MAX, U64MAX);
}
END_TEST

START_TEST(test_next_sequence)
{
    /* A run of auto IDs with a jittering clock never goes backwards. */
    struct stream_id last = mk(0, 0), out;
    uint64_t clock = 1000;
    srand(3);
    for (int i = 0; i < 100000; i++) {
        int r = rand() % 10;
        if (r < 3)
            clock += (uint64_t)(rand() % 5);
        else if (r == 3)
            clock -= (uint64_t)(rand() % 50);
        ck_assert_int_eq(next_id(last, STREAM_ID_AUTO, 0, 0, clock, &out), 0);
        ck_assert_int_eq(stream_id_cmp(&out, &last), 1);
        if (clock > last.ms)
            assert_id(out, clock, 0);
        last = out;
    }
}
END_TEST

START_TEST(test_strerror)
{
    for (int e = 0; e >= -10; e--) {
        const char *m = stream_strerror(e);
        ck_assert_ptr_nonnull(m);
        ck_assert_str_ne(m, "unknown stream error");
    }
    ck_assert_str_eq(stream_strerror(-99), "unknown stream error");
}
END_TEST

static Suite *stream_id_suite(void)
{
    Suite *s = suite_create("stream_id");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_compare);
    tcase_add_test(tc, test_incr_decr);
    tcase_add_test(tc, test_format);
    tcase_add_test(tc, test_format_parse_roundtrip);
    tcase_add_test(tc, test_parse_table);
    tcase_add_test(tc, test_parse_auto);
    tcase_add_test(tc, test_parse_exclusive);
    tcase_add_test(tc, test_parse_lengths);
    tcase_add_test(tc, test_next_auto);
    tcase_add_test(tc, test_next_auto_seq);
    tcase_add_test(tc, test_next_explicit);
    tcase_add_test(tc, test_next_sequence);
    tcase_add_test(tc, test_strerror);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(stream_id_suite());
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
