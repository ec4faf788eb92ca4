/* check_util.c -- Check suite for util.c.
 *
 * The glob table was produced by running each (pattern, key) pair through
 * KEYS on redis-server 7.0.15 (a lone "*" is special-cased by KEYS, so the
 * empty-string rows use "**"); the numeric and splitting cases mirror what
 * Redis's string2ll/string2d/memtoull/sdssplitargs accept, checked against
 * the same server through ZADD, XADD, CONFIG SET and inline commands. */
#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "util.h"

/* ---- integers ---------------------------------------------------------- */

static int ll_ok(const char *s, long long *v)
{
    return util_str_to_ll(s, strlen(s), v);
}

START_TEST(test_ll_accepts)
{
    static const struct {
        const char *s;
        long long v;
    } cases[] = {
        {"0", 0},
        {"1", 1},
        {"-1", -1},
        {"42", 42},
        {"9223372036854775807", LLONG_MAX},
        {"-9223372036854775808", LLONG_MIN},
        {"-9223372036854775807", -LLONG_MAX},
        {"1000000", 1000000},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long long v = 12345;
        ck_assert_msg(ll_ok(cases[i].s, &v), "rejected %s", cases[i].s);
        ck_assert_msg(v == cases[i].v, "%s parsed as %lld", cases[i].s, v);
    }
}
END_TEST

START_TEST(test_ll_rejects)
{
    static const char *bad[] = {
        "", "-", "+1", " 1", "1 ", "007", "00", "-0", "-01", "1a", "a1", "0x10", "1.0", "1e3",
        "9223372036854775808", "-9223372036854775809", "18446744073709551616",
        "99999999999999999999", "123456789012345678901", "--1", "- 1", "\t1",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        long long v = 777;
        ck_assert_msg(!ll_ok(bad[i], &v), "accepted \"%s\"", bad[i]);
        ck_assert_int_eq(v, 777); /* untouched on failure */
    }
}
END_TEST

START_TEST(test_ll_counted)
{
    long long v;
    /* Only len bytes count: "12" out of "123", and an embedded NUL fails. */
    ck_assert(util_str_to_ll("123", 2, &v));
    ck_assert_int_eq(v, 12);
    ck_assert(!util_str_to_ll("1\0" "2", 3, &v));
    ck_assert(!util_str_to_ll("5", 0, &v));
}
END_TEST

START_TEST(test_ull_strict)
{
    unsigned long long v;
    ck_assert(util_str_to_ull("0", 1, &v) && v == 0);
    ck_assert(util_str_to_ull("18446744073709551615", 20, &v) && v == ULLONG_MAX);
    ck_assert(util_str_to_ull("9223372036854775808", 19, &v) && v == 9223372036854775808ULL);
    ck_assert(!util_str_to_ull("18446744073709551616", 20, &v));
    ck_assert(!util_str_to_ull("-1", 2, &v));
    ck_assert(!util_str_to_ull("-0", 2, &v));
    ck_assert(!util_str_to_ull("+1", 2, &v));
    ck_assert(!util_str_to_ull("007", 3, &v));
    ck_assert(!util_str_to_ull(" 1", 2, &v));
    ck_assert(!util_str_to_ull("", 0, &v));
}
END_TEST

/* Redis's string2ull as XADD uses it: "007-1" is 7-1, "+8-1" is 8-1, " 9-1"
 * is 9-1, "18446744073709551616-1" is invalid (checked on 7.0.15). */
START_TEST(test_ull_lenient)
{
    unsigned long long v;
    ck_assert(util_str_to_ull_lenient("007", 3, &v) && v == 7);
    ck_assert(util_str_to_ull_lenient("+8", 2, &v) && v == 8);
    ck_assert(util_str_to_ull_lenient(" 9", 2, &v) && v == 9);
    ck_assert(util_str_to_ull_lenient("-0", 2, &v) && v == 0);
    ck_assert(util_str_to_ull_lenient("18446744073709551615", 20, &v) && v == ULLONG_MAX);
    ck_assert(!util_str_to_ull_lenient("18446744073709551616", 20, &v));
    ck_assert(!util_str_to_ull_lenient("99999999999999999999", 20, &v));
    ck_assert(!util_str_to_ull_lenient("-1", 2, &v));
    ck_assert(!util_str_to_ull_lenient("", 0, &v));
    ck_assert(!util_str_to_ull_lenient("1x", 2, &v));
    ck_assert(!util_str_to_ull_lenient("1 ", 2, &v));
}
END_TEST

START_TEST(test_ll_to_str)
{
    static const long long vals[] = {0, 1, -1, 9, 10, 99, 100, -100, 12345, 1000000007,
                                     LLONG_MAX, LLONG_MIN, LLONG_MIN + 1};
    char buf[32], want[32];
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        int n = util_ll_to_str(buf, sizeof(buf), vals[i]);
        int wn = snprintf(want, sizeof(want), "%lld", vals[i]);
        ck_assert_int_eq(n, wn);
        ck_assert_str_eq(buf, want);
    }
    /* Every power of ten and its neighbours. */
    for (unsigned long long p = 1; p <= 1000000000000000000ULL; p *= 10) {
        for (int d = -1; d <= 1; d++) {
            unsigned long long u = p + (unsigned long long)d;
            int n = util_ull_to_str(buf, sizeof(buf), u);
            snprintf(want, sizeof(want), "%llu", u);
            ck_assert_str_eq(buf, want);
            ck_assert_int_eq(n, (int)strlen(want));
        }
    }
    ck_assert_int_eq(util_ull_to_str(buf, sizeof(buf), ULLONG_MAX), 20);
    ck_assert_str_eq(buf, "18446744073709551615");
}
END_TEST

START_TEST(test_ll_to_str_small_buffer)
{
    char buf[4];
    ck_assert_int_eq(util_ll_to_str(buf, sizeof(buf), 999), 3);
    ck_assert_str_eq(buf, "999");
    ck_assert_int_eq(util_ll_to_str(buf, sizeof(buf), 1000), 0);
    ck_assert_int_eq(util_ll_to_str(buf, sizeof(buf), -99), 3);
    ck_assert_int_eq(util_ll_to_str(buf, sizeof(buf), -100), 0);
    ck_assert_int_eq(util_ll_to_str(buf, 0, 1), 0);
    ck_assert_int_eq(util_ull_to_str(buf, 1, 1), 0);
    ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(test_ll_roundtrip_random)
{
    char buf[32];
    srand(7);
    for (int i = 0; i < 100000; i++) {
        long long v = (long long)(((unsigned long long)rand() << 33) ^
                                  ((unsigned long long)rand() << 2) ^ (unsigned long long)rand());
        if (i & 1)
            v = -v;
        long long back;
        int n = util_ll_to_str(buf, sizeof(buf), v);
        ck_assert(util_str_to_ll(buf, (size_t)n, &back));
        ck_assert(back == v);
    }
}
END_TEST

/* ---- doubles ----------------------------------------------------------- */

START_TEST(test_double)
{
    /* Accepted and rejected exactly as ZADD's score parsing on 7.0.15. */
    static const struct {
        const char *s;
        int ok;
        double v;
    } cases[] = {
        {"1", 1, 1},          {"1.5", 1, 1.5},     {".5", 1, 0.5},      {"5.", 1, 5},
        {"+1", 1, 1},         {"-0", 1, -0.0},     {"00001", 1, 1},     {"1e5", 1, 1e5},
        {"0x10", 1, 16},      {"inf", 1, INFINITY}, {"-inf", 1, -INFINITY},
        {"+inf", 1, INFINITY}, {"infinity", 1, INFINITY},
        {" 1", 0, 0},         {"\t1", 0, 0},       {"1 ", 0, 0},        {"", 0, 0},
        {"nan", 0, 0},        {"-nan", 0, 0},      {"1e", 0, 0},        {"1e400", 0, 0},
        {"-1e400", 0, 0},     {"1e-400", 0, 0},    {"abc", 0, 0},       {"1,5", 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double v = 0;
        int ok = util_str_to_double(cases[i].s, strlen(cases[i].s), &v);
        ck_assert_msg(ok == cases[i].ok, "\"%s\": got %d", cases[i].s, ok);
        if (ok)
            ck_assert_msg(v == cases[i].v, "\"%s\" -> %g", cases[i].s, v);
    }
}
END_TEST

START_TEST(test_double_counted)
{
    double v;
    char big[600];
    ck_assert(util_str_to_double("2.5xyz", 3, &v) && v == 2.5);
    ck_assert(!util_str_to_double("1\0" "5", 3, &v));
    /* Longer than the stack buffer. */
    memset(big, '0', sizeof(big));
    big[1] = '.';
    big[2] = '5';
    ck_assert(util_str_to_double(big, sizeof(big), &v) && v == 0.5);
    big[sizeof(big) - 1] = 'x';
    ck_assert(!util_str_to_double(big, sizeof(big), &v));
}
END_TEST

/* ---- glob -------------------------------------------------------------- */

static const struct {
    const char *p;
    size_t plen;
    const char *s;
    size_t slen;
    int match;
} glob_cases[] = {
    {"**", 2, "", 0, 0},
    {"", 0, "", 0, 1},
    {"", 0, "a", 1, 0},
    {"*", 1, "a", 1, 1},
    {"a*", 2, "a", 1, 1},
    {"*a", 2, "a", 1, 1},
    {"a*b", 3, "ab", 2, 1},
    {"a*b", 3, "axxb", 4, 1},
    {"a*b", 3, "axxbc", 5, 0},
    {"a**", 3, "a", 1, 1},
    {"*\077*", 3, "", 0, 0},
    {"*\077*", 3, "x", 1, 1},
    {"\077", 1, "", 0, 0},
    {"\077", 1, "a", 1, 1},
    {"\077\077", 2, "a", 1, 0},
    {"h\077llo", 5, "hello", 5, 1},
    {"[abc]", 5, "b", 1, 1},
    {"[abc]", 5, "d", 1, 0},
    {"[^abc]", 6, "b", 1, 0},
    {"[^abc]", 6, "d", 1, 1},
    {"[a-c]", 5, "b", 1, 1},
    {"[c-a]", 5, "b", 1, 1},
    {"[a-c]", 5, "d", 1, 0},
    {"[a-c]", 5, "-", 1, 0},
    {"[\134]]", 4, "]", 1, 1},
    {"[\134-]", 4, "-", 1, 1},
    {"[abc", 4, "a", 1, 1},
    {"[abc", 4, "c", 1, 1},
    {"[abc", 4, "ab", 2, 0},
    {"[", 1, "[", 1, 0},
    {"[", 1, "", 0, 0},
    {"[^", 2, "x", 1, 1},
    {"[^", 2, "^", 1, 1},
    {"[a-]", 4, "]", 1, 1},
    {"[a-]", 4, "_", 1, 1},
    {"[a-]", 4, "-", 1, 0},
    {"[a-]", 4, "b", 1, 0},
    {"[]]", 3, "]", 1, 0},
    {"[]", 2, "a", 1, 0},
    {"[]a", 3, "a", 1, 0},
    {"[-a]", 4, "-", 1, 1},
    {"[a-b-c]", 7, "-", 1, 1},
    {"[a-b-c]", 7, "c", 1, 1},
    {"\134*", 2, "*", 1, 1},
    {"\134*", 2, "a", 1, 0},
    {"a\134", 2, "a\134", 2, 1},
    {"\134", 1, "\134", 1, 1},
    {"*\134", 2, "a\134", 2, 1},
    {"\134a", 2, "a", 1, 1},
    {"[\134", 2, "\134", 1, 1},
    {"[^]", 3, "a", 1, 1},
    {"[^]a", 4, "xa", 2, 1},
    {"[a\134", 3, "\134", 1, 1},
    {"[a-\134", 4, "b", 1, 0},
    {"[\200-\377]", 5, "\220", 1, 1},
    {"[\200-\377]", 5, "a", 1, 0},
    {"[a-\200]", 5, "b", 1, 0},
    {"[a-\200]", 5, "A", 1, 1},
    {"[a-\200]", 5, "\300", 1, 1},
    {"a*a*a*a*a*a*a*a*a*a*a*b", 23, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 40, 0},
    {"*a*a*a*a*a*a*a*a*a*a*a*", 23, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", 41, 1},
    {"h*llo*", 6, "hello world", 11, 1},
    {"*[0-9]", 6, "key9", 4, 1},
    {"user:*:name", 11, "user:42:name", 12, 1},
    {"user:*:name", 11, "user:42:nam", 11, 0},

};

START_TEST(test_glob_table)
{
    for (size_t i = 0; i < sizeof(glob_cases) / sizeof(glob_cases[0]); i++) {
        int m = util_glob_match(glob_cases[i].p, glob_cases[i].plen, glob_cases[i].s,
                                glob_cases[i].slen, 0);
        ck_assert_msg(m == glob_cases[i].match, "row %zu: \"%s\" vs \"%s\": got %d", i,
                      glob_cases[i].p, glob_cases[i].s, m);
    }
}
END_TEST

START_TEST(test_glob_nocase)
{
    ck_assert(util_glob_match("A*", 2, "abc", 3, 1));
    ck_assert(!util_glob_match("A*", 2, "abc", 3, 0));
    ck_assert(util_glob_match("maxmem[A-Z]*", 12, "maxmemory", 9, 1));
    ck_assert(util_glob_match("[A-C]", 5, "b", 1, 1));
    ck_assert(!util_glob_match("[a-c]", 5, "B", 1, 0));
    ck_assert(util_glob_match("[abc]", 5, "B", 1, 1));
    ck_assert(util_glob_match("\\A", 2, "a", 1, 1));
    /* Inside brackets an escaped byte compares exactly, even with nocase. */
    ck_assert(!util_glob_match("[\\A]", 4, "a", 1, 1));
    ck_assert(util_glob_match("[\\A]", 4, "A", 1, 1));
}
END_TEST

START_TEST(test_glob_binary)
{
    /* Counted strings: NULs are ordinary bytes, nothing past plen is read. */
    ck_assert(util_glob_match("a\0b", 3, "a\0b", 3, 0));
    ck_assert(!util_glob_match("a\0b", 3, "a\0c", 3, 0));
    ck_assert(util_glob_match("a?b", 3, "a\0b", 3, 0));
    ck_assert(util_glob_match("a*", 2, "a\0\0", 3, 0));
    ck_assert(util_glob_match("abc*", 1, "a", 1, 0)); /* only "a" counts */
}
END_TEST

START_TEST(test_glob_pathological)
{
    /* Exponential without Redis's early give-up; must finish at once. */
    char pat[201], str[4001];
    for (int i = 0; i < 100; i++) {
        pat[2 * i] = '*';
        pat[2 * i + 1] = 'a';
    }
    pat[200] = 'b';
    memset(str, 'a', 4000);
    str[4000] = '\0';
    ck_assert(!util_glob_match(pat, 201, str, 4000, 0));
}
END_TEST

/* ---- memory sizes ------------------------------------------------------ */

START_TEST(test_memory)
{
    static const struct {
        const char *s;
        int ok;
        long long v;
    } cases[] = {
        {"0", 1, 0},
        {"100", 1, 100},
        {"1b", 1, 1},
        {"1k", 1, 1000},
        {"1K", 1, 1000},
        {"1kb", 1, 1024},
        {"1KB", 1, 1024},
        {"1kB", 1, 1024},
        {"2m", 1, 2000000},
        {"2mb", 1, 2097152},
        {"2MB", 1, 2097152},
        {"3g", 1, 3000000000LL},
        {"3gb", 1, 3221225472LL},
        {"3GB", 1, 3221225472LL},
        {"0002mb", 1, 2097152},
        {"9223372036854775807", 1, LLONG_MAX},
        /* memtoull() quirk (CONFIG SET proto-max-bulk-len "" reports the
         * bounds, not "must be a memory value"): the digits may be absent. */
        {"", 1, 0},
        {"kb", 1, 0},
        {"b", 1, 0},
        {"-1", 0, 0},
        {"-1mb", 0, 0},
        {"+2mb", 0, 0},
        {" 2mb", 0, 0},
        {"2 mb", 0, 0},
        {"2mb ", 0, 0},
        {"2.5mb", 0, 0},
        {"2t", 0, 0},
        {"2tb", 0, 0},
        {"2kbb", 0, 0},
        {"0x10", 0, 0},
        {"9223372036854775808", 0, 0},
        {"18446744073709551616", 0, 0},
        {"9999999999gb", 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long long v = -5;
        int ok = util_parse_memory(cases[i].s, &v);
        ck_assert_msg(ok == cases[i].ok, "\"%s\": got %d", cases[i].s, ok);
        if (ok)
            ck_assert_msg(v == cases[i].v, "\"%s\" -> %lld", cases[i].s, v);
        else
            ck_assert_int_eq(v, -5);
    }
}
END_TEST

/* ---- split_args -------------------------------------------------------- */

/* Split s and compare with the expected arguments (NULL-terminated list,
 * lengths via strlen unless given in lens). */
static void expect_split(const char *line, size_t len, int want_argc, const char *const *want,
                         const size_t *lens)
{
    struct util_arg *args = (struct util_arg *)1;
    size_t before = mem_used();
    int argc = util_split_args(line, len, &args);
    ck_assert_msg(argc == want_argc, "line \"%s\": argc %d, want %d", line, argc, want_argc);
    if (argc < 0) {
        ck_assert_ptr_null(args);
        ck_assert_uint_eq(mem_used(), before);
        return;
    }
    ck_assert_ptr_nonnull(args);
    for (int i = 0; i < argc; i++) {
        size_t wl = lens ? lens[i] : strlen(want[i]);
        ck_assert_msg(args[i].len == wl, "line \"%s\" arg %d: len %zu want %zu", line, i,
                      args[i].len, wl);
        ck_assert(memcmp(args[i].ptr, want[i], wl) == 0);
        ck_assert(args[i].ptr[wl] == '\0');
    }
    util_args_free(args, argc);
    ck_assert_uint_eq(mem_used(), before);
}

#define SPLIT(line, n, ...)                                                 \
    do {                                                                    \
        static const char *const want_[] = {__VA_ARGS__, NULL};             \
        expect_split(line, strlen(line), n, want_, NULL);                   \
    } while (0)
#define SPLIT_FAIL(line) expect_split(line, strlen(line), -1, NULL, NULL)

START_TEST(test_split_basic)
{
    SPLIT("set a b", 3, "set", "a", "b");
    SPLIT("  set   a\tb  ", 3, "set", "a", "b");
    SPLIT("", 0, NULL);
    SPLIT("   \t ", 0, NULL);
    SPLIT("\v\f", 0, NULL);
    SPLIT("one", 1, "one");
    /* \v separates only as leading blank, never inside a bare token. */
    SPLIT("a\vb", 1, "a\vb");
    SPLIT("\vab", 1, "ab");
    SPLIT("a\rb\nc", 3, "a", "b", "c");
}
END_TEST

START_TEST(test_split_quotes)
{
    SPLIT("set a \"b c\"", 3, "set", "a", "b c");
    SPLIT("\"\"", 1, "");
    SPLIT("'' \"\"", 2, "", "");
    SPLIT("'it\\'s'", 1, "it's");
    SPLIT("'a\\nb'", 1, "a\\nb"); /* single quotes take only \' */
    SPLIT("\"a\\nb\\r\\t\\b\\a\\\\\\\"\"", 1, "a\nb\r\t\b\a\\\"");
    SPLIT("\"\\x41\\x4g\\x\"", 1, "Ax4gx");
    SPLIT("\"\\x7e\\x7E\"", 1, "~~");
    SPLIT("\"\\q\"", 1, "q");
    /* A quote inside a bare token opens a quoted part: foo"bar" is foobar. */
    SPLIT("foo\"bar\"", 1, "foobar");
    SPLIT("a'b c'", 1, "ab c");
    /* A closing quote followed by \v or \f is fine (isspace). */
    SPLIT("\"a\"\v", 1, "a");
    SPLIT("\"a\"\f", 1, "a");
}
END_TEST

START_TEST(test_split_errors)
{
    SPLIT_FAIL("\"foo\"bar");
    SPLIT_FAIL("'foo'bar");
    SPLIT_FAIL("\"unterminated");
    SPLIT_FAIL("'unterminated");
    SPLIT_FAIL("\"abc\\");
    SPLIT_FAIL("set a \"b");
    SPLIT_FAIL("a \"b\"c d");
}
END_TEST

START_TEST(test_split_binary)
{
    /* \x00 makes a NUL inside an argument. */
    {
        static const char *const want[] = {"a\0b"};
        static const size_t lens[] = {3};
        expect_split("\"a\\x00b\"", 8, 1, want, lens);
    }
    /* A raw NUL ends the line, as in Redis's C-string splitter. */
    {
        static const char *const want[] = {"ECHO", "x"};
        expect_split("ECHO x\0 y z", 11, 2, want, NULL);
    }
    /* A raw NUL inside quotes ends the line: unbalanced. */
    expect_split("\"ab\0cd\"", 7, -1, NULL, NULL);
    /* Only len bytes are read. */
    {
        static const char *const want[] = {"ab"};
        expect_split("ab cd", 2, 1, want, NULL);
    }
    /* High bytes are ordinary. */
    SPLIT("\x80\xff \"\xfe\"", 2, "\x80\xff", "\xfe");
}
END_TEST

START_TEST(test_split_long)
{
    /* Longer than the splitter's stack buffer, many arguments. */
    size_t n = 5000;
    char *line = malloc(n * 2);
    struct util_arg *args;
    for (size_t i = 0; i < n; i++) {
        line[2 * i] = (char)('a' + i % 26);
        line[2 * i + 1] = ' ';
    }
    int argc = util_split_args(line, n * 2, &args);
    ck_assert_int_eq(argc, (int)n);
    ck_assert_int_eq(args[4999].ptr[0], 'a' + 4999 % 26);
    util_args_free(args, argc);
    memset(line, 'x', n * 2);
    argc = util_split_args(line, n * 2, &args);
    ck_assert_int_eq(argc, 1);
    ck_assert_uint_eq(args[0].len, n * 2);
    util_args_free(args, argc);
    util_args_free(NULL, 0);
    free(line);
}
END_TEST

/* ---- misc -------------------------------------------------------------- */

START_TEST(test_eq_nocase)
{
    ck_assert(util_eq_nocase("GET", 3, "get"));
    ck_assert(util_eq_nocase("xAdD", 4, "XADD"));
    ck_assert(!util_eq_nocase("GET", 3, "gets"));
    ck_assert(!util_eq_nocase("GETS", 4, "get"));
    ck_assert(!util_eq_nocase("GET", 2, "get"));
    ck_assert(util_eq_nocase("", 0, ""));
    ck_assert(!util_eq_nocase("a\0", 2, "a"));
    ck_assert(!util_eq_nocase("[", 1, "{")); /* no letter folding beyond A-Z */
}
END_TEST

START_TEST(test_clocks)
{
    long long ms = util_mstime(), us = util_ustime(), m1 = util_monotonic_us();
    ck_assert(ms > 1600000000000LL);
    ck_assert(us / 1000 >= ms - 1);
    long long m2 = util_monotonic_us();
    ck_assert(m2 >= m1);
}
END_TEST

static Suite *util_suite(void)
{
    Suite *s = suite_create("util");
    TCase *tc;

    tc = tcase_create("numbers");
    tcase_add_test(tc, test_ll_accepts);
    tcase_add_test(tc, test_ll_rejects);
    tcase_add_test(tc, test_ll_counted);
    tcase_add_test(tc, test_ull_strict);
    tcase_add_test(tc, test_ull_lenient);
    tcase_add_test(tc, test_ll_to_str);
    tcase_add_test(tc, test_ll_to_str_small_buffer);
    tcase_add_test(tc, test_ll_roundtrip_random);
    tcase_add_test(tc, test_double);
    tcase_add_test(tc, test_double_counted);
    suite_add_tcase(s, tc);

    tc = tcase_create("glob");
    tcase_add_test(tc, test_glob_table);
    tcase_add_test(tc, test_glob_nocase);
    tcase_add_test(tc, test_glob_binary);
    tcase_add_test(tc, test_glob_pathological);
    suite_add_tcase(s, tc);

    tc = tcase_create("memory");
    tcase_add_test(tc, test_memory);
    suite_add_tcase(s, tc);

    tc = tcase_create("split");
    tcase_add_test(tc, test_split_basic);
    tcase_add_test(tc, test_split_quotes);
    tcase_add_test(tc, test_split_errors);
    tcase_add_test(tc, test_split_binary);
    tcase_add_test(tc, test_split_long);
    suite_add_tcase(s, tc);

    tc = tcase_create("misc");
    tcase_add_test(tc, test_eq_nocase);
    tcase_add_test(tc, test_clocks);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(util_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
