/* check_resp.c -- Check suite for the request parser (resp.c).
 *
 * Most tests drive the parser the way a connection does (struct feeder
 * below): bytes arrive in chunks, unconsumed bytes stay buffered and are
 * passed again with the next chunk, and each request is rendered into a
 * string such as "[SET|k|v]" so that any two ways of cutting the same input
 * can be compared.  Error texts are the ones redis-server 7.0.15 sends. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "resp.h"

#define MAX_BULK (512LL * 1024 * 1024)

/* ---- a simulated connection -------------------------------------------- */

struct feeder {
    struct resp_parser p;
    char *q; /* buffered, unconsumed input */
    size_t qlen;
    char *out; /* rendered requests and errors */
    size_t outlen, outcap;
    int failed;   /* a protocol error happened */
    int requests; /* requests completed */
};

static void out_add(struct feeder *f, const char *s, size_t n)
{
    if (f->outlen + n + 1 > f->outcap) {
        f->outcap = (f->outlen + n + 1) * 2;
        f->out = realloc(f->out, f->outcap);
    }
    memcpy(f->out + f->outlen, s, n);
    f->outlen += n;
    f->out[f->outlen] = '\0';
}

/* Render one argument: printable bytes as is, others as \xHH. */
static void out_arg(struct feeder *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 32 && c < 127 && c != '\\' && c != '|') {
            out_add(f, (const char *)&c, 1);
        } else {
            char hex[8];
            snprintf(hex, sizeof(hex), "\\x%02x", c);
            out_add(f, hex, 4);
        }
    }
}

static void feeder_init(struct feeder *f, int unauth)
{
    memset(f, 0, sizeof(*f));
    resp_parser_init(&f->p, MAX_BULK);
    f->p.unauthenticated = unauth;
    out_add(f, "", 0);
}

/* Give the parser a new chunk and run it over everything buffered,
 * rendering each complete request; stops at the first protocol error. */
static void feeder_push(struct feeder *f, const char *chunk, size_t n)
{
    size_t off = 0;

    if (f->failed)
        return;
    f->q = realloc(f->q, f->qlen + n + 1);
    if (n)
        memcpy(f->q + f->qlen, chunk, n);
    f->qlen += n;
    for (;;) {
        size_t used = 12345;
        enum resp_status st = resp_parse(&f->p, f->q + off, f->qlen - off, &used);
        ck_assert_uint_le(used, f->qlen - off);
        off += used;
        if (st == RESP_DONE) {
            ck_assert_int_ge(f->p.argc, 0);
            out_add(f, "[", 1);
            for (int i = 0; i < f->p.argc; i++) {
                if (i)
                    out_add(f, "|", 1);
                out_arg(f, f->p.argv[i].ptr, f->p.argv[i].len);
                ck_assert(f->p.argv[i].ptr[f->p.argv[i].len] == '\0');
            }
            out_add(f, "]", 1);
            f->requests++;
            resp_request_reset(&f->p);
            if (off == f->qlen)
                break;
            continue;
        }
        if (st == RESP_ERROR) {
            out_add(f, "E:", 2);
            out_arg(f, f->p.error, strlen(f->p.error));
            f->failed = 1;
        } else {
            ck_assert_int_eq(st, RESP_INCOMPLETE);
        }
        break;
    }
    memmove(f->q, f->q + off, f->qlen - off);
    f->qlen -= off;
}

static void feeder_free(struct feeder *f)
{
    resp_parser_free(&f->p);
    free(f->q);
    free(f->out);
}

/* Parse buf in chunks of `step` bytes (0: all at once) and return the
 * rendering (caller frees); *pending gets the bytes left buffered. */
static char *parse_chunked(const char *buf, size_t len, size_t step, int unauth, size_t *pending)
{
    struct feeder f;
    char *res;
    size_t before = mem_used();

    feeder_init(&f, unauth);
    if (step == 0)
        step = len ? len : 1;
    if (len == 0)
        feeder_push(&f, buf, 0);
    for (size_t i = 0; i < len; i += step)
        feeder_push(&f, buf + i, len - i < step ? len - i : step);
    if (pending)
        *pending = f.qlen;
    res = f.out;
    f.out = NULL;
    feeder_free(&f);
    ck_assert_uint_eq(mem_used(), before); /* no leak on any path */
    return res;
}

/* Assert that buf parses to `want`, whole and byte by byte. */
static void expect_parse(const char *buf, size_t len, int unauth, const char *want)
{
    char *whole = parse_chunked(buf, len, 0, unauth, NULL);
    char *bytes = parse_chunked(buf, len, 1, unauth, NULL);
    ck_assert_msg(strcmp(whole, want) == 0, "whole: got \"%s\" want \"%s\"", whole, want);
    ck_assert_msg(strcmp(bytes, want) == 0, "bytewise: got \"%s\" want \"%s\"", bytes, want);
    free(whole);
    free(bytes);
}

#define EXPECT(lit, want) expect_parse(lit, sizeof(lit) - 1, 0, want)
#define EXPECT_UNAUTH(lit, want) expect_parse(lit, sizeof(lit) - 1, 1, want)

/* ---- multibulk --------------------------------------------------------- */

START_TEST(test_multibulk_basic)
{
    EXPECT("*1\r\n$4\r\nPING\r\n", "[PING]");
    EXPECT("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n", "[SET|k|hello]");
    EXPECT("*2\r\n$0\r\n\r\n$0\r\n\r\n", "[|]");
    EXPECT("*1\r\n$4\r\nPING", "");     /* waits for the CRLF */
    EXPECT("*3\r\n$3\r\nfoo", "");      /* waits for the rest */
    EXPECT("*2147483647\r\n", "");      /* INT_MAX is a valid count */
    EXPECT("*1\r\n$536870912\r\n", ""); /* exactly proto-max-bulk-len */
}
END_TEST

START_TEST(test_multibulk_then_rest)
{
    /* "*3\r\n$3\r\nfoo" then the rest in a second read. */
    struct feeder f;
    feeder_init(&f, 0);
    feeder_push(&f, "*3\r\n$3\r\nfoo", 11);
    ck_assert_int_eq(f.requests, 0);
    ck_assert_uint_eq(f.qlen, 0); /* all taken: the count, the $ line, the data */
    ck_assert_int_eq(f.p.argc, 0);
    ck_assert_int_eq((int)f.p.bulk_read, 3);
    feeder_push(&f, "\r\n$3\r\nbar\r\n$3\r\nbaz\r\n", 20);
    ck_assert_str_eq(f.out, "[foo|bar|baz]");
    feeder_free(&f);
}
END_TEST

START_TEST(test_empty_requests)
{
    EXPECT("*0\r\n", "[]");
    EXPECT("*-1\r\n", "[]");
    EXPECT("*-5\r\n", "[]");
    EXPECT("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n", "[][][PING]");

    /* consumed covers exactly the count line. */
    struct resp_parser p;
    size_t used;
    resp_parser_init(&p, MAX_BULK);
    ck_assert_int_eq(resp_parse(&p, "*0\r\nPING\r\n", 10, &used), RESP_DONE);
    ck_assert_uint_eq(used, 4);
    ck_assert_int_eq(p.argc, 0);
    resp_request_reset(&p);
    ck_assert_int_eq(resp_parse(&p, "*-1\r\n", 5, &used), RESP_DONE);
    ck_assert_uint_eq(used, 5);
    resp_request_reset(&p);
    ck_assert_int_eq(resp_parse(&p, "", 0, &used), RESP_INCOMPLETE);
    ck_assert_uint_eq(used, 0);
    resp_parser_free(&p);
}
END_TEST

START_TEST(test_binary_safe)
{
    static const char req[] = "*3\r\n$3\r\nSET\r\n$3\r\na\0b\r\n$6\r\n\r\n\r\n\0\0\r\n";
    expect_parse(req, sizeof(req) - 1, 0, "[SET|a\\x00b|\\x0d\\x0a\\x0d\\x0a\\x00\\x00]");

    /* The exact bytes come back, NUL-terminated. */
    struct resp_parser p;
    size_t used;
    resp_parser_init(&p, MAX_BULK);
    ck_assert_int_eq(resp_parse(&p, req, sizeof(req) - 1, &used), RESP_DONE);
    ck_assert_uint_eq(used, sizeof(req) - 1);
    ck_assert_int_eq(p.argc, 3);
    ck_assert_uint_eq(p.argv[1].len, 3);
    ck_assert(memcmp(p.argv[1].ptr, "a\0b", 4) == 0);
    ck_assert_uint_eq(p.argv[2].len, 6);
    ck_assert(memcmp(p.argv[2].ptr, "\r\n\r\n\0\0", 7) == 0);
    resp_parser_free(&p);
}
END_TEST

START_TEST(test_redis_quirks)
{
    /* The two bytes after bulk data are skipped without a check. */
    EXPECT("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n", "[PING][PING]");
    /* A count line ends at '\r'; the next byte is skipped unchecked. */
    EXPECT("*1\rX$4\r\nPING\r\n", "[PING]");
    EXPECT("*1\r\n$4\rXPING\r\n", "[PING]");
    /* A count line waits for the byte after its '\r'. */
    EXPECT("*1\r", "");
    EXPECT("*1\r\n$4\r", "");
    /* A NUL before the '\r' hides the line end: Redis just waits. */
    EXPECT("*1\0\r\n", "");
    EXPECT("*1\r\n$4\0\r\nPING\r\n", "");
    /* But NULs in bulk data are data. */
    EXPECT("*1\r\n$4\r\nPI\0G\r\n", "[PI\\x00G]");
}
END_TEST

/* ---- errors ------------------------------------------------------------ */

START_TEST(test_errors)
{
    static const struct {
        const char *in;
        size_t len;
        const char *want;
    } cases[] = {
#define C(lit, want) {lit, sizeof(lit) - 1, want}
        C("*1\r\n#3\r\n", "E:Protocol error: expected '$', got '#'"),
        C("*1\r\n\n\r\n", "E:Protocol error: expected '$', got ' '"),
        C("*1\r\n\r\r\n", "E:Protocol error: expected '$', got ' '"),
        C("*1\r\n\x80\r\n", "E:Protocol error: expected '$', got '\\x80'"),
        C("*2\r\n$1\r\na\r\n:1\r\n", "E:Protocol error: expected '$', got ':'"),
        C("*\r\n", "E:Protocol error: invalid multibulk length"),
        C("*-0\r\n", "E:Protocol error: invalid multibulk length"),
        C("*+1\r\n", "E:Protocol error: invalid multibulk length"),
        C("*01\r\n", "E:Protocol error: invalid multibulk length"),
        C("*1 \r\n", "E:Protocol error: invalid multibulk length"),
        C("* 1\r\n", "E:Protocol error: invalid multibulk length"),
        C("*x\r\n", "E:Protocol error: invalid multibulk length"),
        C("*2147483648\r\n", "E:Protocol error: invalid multibulk length"),
        C("*99999999999999999999\r\n", "E:Protocol error: invalid multibulk length"),
        C("*1\r\n$-1\r\n", "E:Protocol error: invalid bulk length"),
        C("*1\r\n$-0\r\n", "E:Protocol error: invalid bulk length"),
        C("*1\r\n$\r\n", "E:Protocol error: invalid bulk length"),
        C("*1\r\n$01\r\n", "E:Protocol error: invalid bulk length"),
        C("*1\r\n$+4\r\nPING\r\n", "E:Protocol error: invalid bulk length"),
        C("*1\r\n$4 \r\nPING\r\n", "E:Protocol error: invalid bulk length"),
        C("*1\r\n$536870913\r\n", "E:Protocol error: invalid bulk length"),
        C("*1\r\n$9223372036854775808\r\n", "E:Protocol error: invalid bulk length"),
        C("ECHO \"foo\"bar\r\n", "E:Protocol error: unbalanced quotes in request"),
        C("ECHO \"foo\r\n", "E:Protocol error: unbalanced quotes in request"),
        C("PING\r\nECHO 'a\r\n", "[PING]E:Protocol error: unbalanced quotes in request"),
        /* Requests before the bad one are still returned. */
        C("*1\r\n$4\r\nPING\r\n*1\r\n#", "[PING]"),
        C("*1\r\n$4\r\nPING\r\n*1\r\n#\r\n", "[PING]E:Protocol error: expected '$', got '#'"),
#undef C
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_parse(cases[i].in, cases[i].len, 0, cases[i].want);
}
END_TEST

START_TEST(test_error_text_in_parser)
{
    struct resp_parser p;
    size_t used;
    resp_parser_init(&p, MAX_BULK);
    ck_assert_int_eq(resp_parse(&p, "*1\r\n$-1\r\n", 9, &used), RESP_ERROR);
    ck_assert_str_eq(p.error, "Protocol error: invalid bulk length");
    ck_assert_uint_le(used, 9);
    resp_parser_free(&p);
}
END_TEST

START_TEST(test_error_after_partial_bulk_no_leak)
{
    /* Two arguments taken, the third's data half read, then abandoned. */
    size_t before = mem_used();
    struct resp_parser p;
    size_t used;
    resp_parser_init(&p, MAX_BULK);
    static const char partial[] = "*3\r\n$1\r\na\r\n$1\r\nb\r\n$10\r\nhello";
    ck_assert_int_eq(resp_parse(&p, partial, sizeof(partial) - 1, &used), RESP_INCOMPLETE);
    ck_assert_uint_eq(used, sizeof(partial) - 1);
    ck_assert_int_eq(p.argc, 2);
    resp_request_reset(&p);
    ck_assert_int_eq(resp_parse(&p, "*2\r\n$1\r\nx\r\n#\r\n", 14, &used), RESP_ERROR);
    ck_assert_uint_eq(used, 11);
    resp_parser_free(&p);
    ck_assert_uint_eq(mem_used(), before);
}
END_TEST

START_TEST(test_max_bulk_len)
{
    struct feeder f;
    feeder_init(&f, 0);
    f.p.max_bulk_len = 5;
    feeder_push(&f, "*1\r\n$5\r\nhello\r\n*1\r\n$6\r\n", 24);
    ck_assert_str_eq(f.out, "[hello]E:Protocol error: invalid bulk length");
    feeder_free(&f);
}
END_TEST

/* ---- limits ------------------------------------------------------------ */

/* A buffer of n bytes of `fill` after `prefix`. */
static char *filled(const char *prefix, size_t pl, char fill, size_t n, size_t *len)
{
    char *b = malloc(pl + n);
    memcpy(b, prefix, pl);
    memset(b + pl, fill, n);
    *len = pl + n;
    return b;
}

static void expect_limit_n(const char *prefix, size_t pl, char fill, size_t n, const char *want)
{
    size_t len;
    char *b = filled(prefix, pl, fill, n, &len);
    char *got = parse_chunked(b, len, 0, 0, NULL);
    ck_assert_msg(strcmp(got, want) == 0, "%s + %zu: got \"%s\"", prefix, n, got);
    free(got);
    /* In 4KB reads the error comes once the buffer passes the limit. */
    got = parse_chunked(b, len, 4096, 0, NULL);
    ck_assert_msg(strcmp(got, want) == 0, "%s + %zu in 4KB reads: got \"%s\"", prefix, n, got);
    free(got);
    free(b);
}

#define expect_limit(lit, fill, n, want) expect_limit_n(lit, sizeof(lit) - 1, fill, n, want)

START_TEST(test_inline_limit)
{
    expect_limit("", 'a', RESP_INLINE_MAX_SIZE, "");
    expect_limit("", 'a', RESP_INLINE_MAX_SIZE + 1, "E:Protocol error: too big inline request");
    /* A NUL hides the newline, so the wait ends in the same error. */
    expect_limit("PING\0\r\n", 'a', RESP_INLINE_MAX_SIZE, "E:Protocol error: too big inline request");

    /* A long line whose newline is already buffered is fine. */
    size_t len;
    char *b = filled("ECHO ", 5, 'a', 100000, &len);
    b = realloc(b, len + 2);
    memcpy(b + len, "\r\n", 2);
    struct resp_parser p;
    size_t used;
    resp_parser_init(&p, MAX_BULK);
    ck_assert_int_eq(resp_parse(&p, b, len + 2, &used), RESP_DONE);
    ck_assert_uint_eq(used, len + 2);
    ck_assert_int_eq(p.argc, 2);
    ck_assert_uint_eq(p.argv[1].len, 100000);
    resp_parser_free(&p);
    free(b);
}
END_TEST

START_TEST(test_count_limits)
{
    /* Limit counts the bytes buffered from the start of the line. */
    expect_limit("*", '1', RESP_INLINE_MAX_SIZE - 1, "");
    expect_limit("*", '1', RESP_INLINE_MAX_SIZE, "E:Protocol error: too big mbulk count string");
    expect_limit("*1\r\n$", '1', RESP_INLINE_MAX_SIZE - 1, "");
    expect_limit("*1\r\n$", '1', RESP_INLINE_MAX_SIZE, "E:Protocol error: too big bulk count string");
    expect_limit("*1\0", '\r', RESP_INLINE_MAX_SIZE, "E:Protocol error: too big mbulk count string");
    expect_limit("*1\r\n$1\0", '1', RESP_INLINE_MAX_SIZE,
                 "E:Protocol error: too big bulk count string");
}
END_TEST

START_TEST(test_unauthenticated)
{
    EXPECT_UNAUTH("*10\r\n", "");
    EXPECT_UNAUTH("*11\r\n", "E:Protocol error: unauthenticated multibulk length");
    EXPECT_UNAUTH("*2147483648\r\n", "E:Protocol error: invalid multibulk length");
    EXPECT_UNAUTH("*x\r\n", "E:Protocol error: invalid multibulk length");
    EXPECT_UNAUTH("*-20\r\n", "[]");
    EXPECT_UNAUTH("*1\r\n$16384\r\n", "");
    EXPECT_UNAUTH("*1\r\n$16385\r\n", "E:Protocol error: unauthenticated bulk length");
    EXPECT_UNAUTH("*1\r\n$-1\r\n", "E:Protocol error: invalid bulk length");
    EXPECT_UNAUTH("*1\r\n$536870913\r\n", "E:Protocol error: invalid bulk length");
    EXPECT_UNAUTH("a b c d e f g h i j k l m\r\n", "[a|b|c|d|e|f|g|h|i|j|k|l|m]");
    /* The same inputs are fine once authenticated. */
    EXPECT("*11\r\n", "");
    EXPECT("*1\r\n$16385\r\n", "");

    /* The flag is read at each line: AUTH succeeded mid-pipeline. */
    struct feeder f;
    feeder_init(&f, 1);
    feeder_push(&f, "*2\r\n$4\r\nAUTH\r\n$1\r\np\r\n", 21);
    f.p.unauthenticated = 0;
    feeder_push(&f, "*12\r\n", 5);
    ck_assert_str_eq(f.out, "[AUTH|p]");
    ck_assert_int_eq(f.failed, 0);
    feeder_free(&f);
}
END_TEST

/* ---- inline ------------------------------------------------------------ */

START_TEST(test_inline)
{
    EXPECT("PING\r\n", "[PING]");
    EXPECT("PING\n", "[PING]");
    EXPECT("set a \"b c\"\r\n", "[set|a|b c]");
    EXPECT("\r\n", "[]");
    EXPECT("\n", "[]");
    EXPECT("   \t \r\n", "[]");
    EXPECT("PING\r\r\n", "[PING]");     /* one '\r' stripped, the other splits */
    EXPECT("PING", "");                 /* no newline yet */
    EXPECT("PING\r", "");
    EXPECT("ECHO x\0 y\r\n", "");       /* NUL hides the newline */
    EXPECT("ECHO \"\\x00\"\r\n", "[ECHO|\\x00]");
    EXPECT("ECHO \"\"\r\n", "[ECHO|]");
    EXPECT("ECHO foo\"bar\"\n", "[ECHO|foobar]");
    EXPECT("$4\r\n", "[$4]");           /* not '*': inline */
    EXPECT(" *1\r\n", "[*1]");
    EXPECT("PING\r\n\r\nPING\n", "[PING][][PING]");
}
END_TEST

START_TEST(test_inline_consumed)
{
    struct resp_parser p;
    size_t used;
    resp_parser_init(&p, MAX_BULK);
    ck_assert_int_eq(resp_parse(&p, "PING\r\nPING\r\n", 12, &used), RESP_DONE);
    ck_assert_uint_eq(used, 6);
    resp_request_reset(&p);
    ck_assert_int_eq(resp_parse(&p, "PI", 2, &used), RESP_INCOMPLETE);
    ck_assert_uint_eq(used, 0);
    ck_assert_int_eq(resp_parse(&p, "PING\n", 5, &used), RESP_DONE);
    ck_assert_uint_eq(used, 5);
    ck_assert_int_eq(p.argc, 1);
    resp_parser_free(&p);
}
END_TEST

/* ---- pipelines cut at every point --------------------------------------- */

static const char pipeline[] =
    "*3\r\n$3\r\nSET\r\n$3\r\nk\r\n\r\n$5\r\na\0\r\nb\r\n"
    "PING\r\n"
    "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"
    "*0\r\n"
    "set 'a b' \"c\\x41\"\n"
    "\r\n"
    "*1\r\n$4\r\nPINGzz"
    "*-1\r\n";
static const char pipeline_want[] =
    "[SET|k\\x0d\\x0a|a\\x00\\x0d\\x0ab][PING][ECHO|][][set|a b|cA][][PING][]";

START_TEST(test_pipeline_whole_and_bytewise)
{
    expect_parse(pipeline, sizeof(pipeline) - 1, 0, pipeline_want);
}
END_TEST

START_TEST(test_pipeline_every_split)
{
    size_t len = sizeof(pipeline) - 1;
    for (size_t cut = 0; cut <= len; cut++) {
        struct feeder f;
        size_t before = mem_used();
        feeder_init(&f, 0);
        feeder_push(&f, pipeline, cut);
        feeder_push(&f, pipeline + cut, len - cut);
        ck_assert_msg(strcmp(f.out, pipeline_want) == 0, "cut %zu: %s", cut, f.out);
        ck_assert_uint_eq(f.qlen, 0);
        feeder_free(&f);
        ck_assert_uint_eq(mem_used(), before);
    }
}
END_TEST

START_TEST(test_pipeline_every_two_splits)
{
    size_t len = sizeof(pipeline) - 1;
    for (size_t a = 0; a <= len; a++) {
        for (size_t b = a; b <= len; b++) {
            struct feeder f;
            feeder_init(&f, 0);
            feeder_push(&f, pipeline, a);
            feeder_push(&f, pipeline + a, b - a);
            feeder_push(&f, pipeline + b, len - b);
            ck_assert_msg(strcmp(f.out, pipeline_want) == 0, "cuts %zu,%zu: %s", a, b, f.out);
            feeder_free(&f);
        }
    }
}
END_TEST

START_TEST(test_pipeline_all_chunk_sizes)
{
    size_t len = sizeof(pipeline) - 1;
    for (size_t step = 1; step <= len; step++) {
        char *got = parse_chunked(pipeline, len, step, 0, NULL);
        ck_assert_msg(strcmp(got, pipeline_want) == 0, "step %zu: %s", step, got);
        free(got);
    }
}
END_TEST

/* ---- big arguments ----------------------------------------------------- */

START_TEST(test_big_bulk_progressive)
{
    size_t n = 3 * 1024 * 1024 + 17;
    char hdr[64];
    int hl = snprintf(hdr, sizeof(hdr), "*2\r\n$3\r\nSET\r\n$%zu\r\n", n);
    char *data = malloc(n);
    struct resp_parser p;
    size_t used, off = 0, chunk = 1000;
    enum resp_status st;

    for (size_t i = 0; i < n; i++)
        data[i] = (char)(i * 7);
    resp_parser_init(&p, MAX_BULK);
    ck_assert_int_eq(resp_parse(&p, hdr, (size_t)hl, &used), RESP_INCOMPLETE);
    ck_assert_uint_eq(used, (size_t)hl);
    ck_assert_int_eq(p.argc, 1);
    ck_assert_int_eq(p.bulk_len, (long long)n);
    /* Every data byte is taken as it arrives: nothing is handed back. */
    while (off < n) {
        size_t take = n - off < chunk ? n - off : chunk;
        st = resp_parse(&p, data + off, take, &used);
        ck_assert_int_eq(st, RESP_INCOMPLETE);
        ck_assert_uint_eq(used, take);
        off += take;
        ck_assert_uint_eq(p.bulk_read, off);
    }
    ck_assert_int_eq(resp_parse(&p, "\r", 1, &used), RESP_INCOMPLETE);
    ck_assert_uint_eq(used, 1);
    ck_assert_int_eq(resp_parse(&p, "\n", 1, &used), RESP_DONE);
    ck_assert_uint_eq(used, 1);
    ck_assert_int_eq(p.argc, 2);
    ck_assert_uint_eq(p.argv[1].len, n);
    ck_assert(memcmp(p.argv[1].ptr, data, n) == 0);
    ck_assert(p.argv[1].ptr[n] == '\0');
    resp_parser_free(&p);
    free(data);
}
END_TEST

START_TEST(test_big_bulk_not_preallocated)
{
    /* Announcing 512MB costs at most the first chunk until data arrives. */
    struct resp_parser p;
    size_t used, before = mem_used();
    resp_parser_init(&p, MAX_BULK);
    ck_assert_int_eq(resp_parse(&p, "*1\r\n$536870912\r\n", 16, &used), RESP_INCOMPLETE);
    ck_assert_uint_lt(mem_used() - before, 2 * 1024 * 1024);
    resp_parser_free(&p);
    ck_assert_uint_eq(mem_used(), before);
}
END_TEST

START_TEST(test_many_args)
{
    /* More arguments than the first argv allocation; then a small request
     * must not keep the large array. */
    size_t cap = 16 * 3000 + 64, len = 0;
    char *buf = malloc(cap);
    len += (size_t)snprintf(buf + len, cap - len, "*3000\r\n");
    for (int i = 0; i < 3000; i++)
        len += (size_t)snprintf(buf + len, cap - len, "$%d\r\n%d\r\n", i < 10 ? 1 : i < 100 ? 2 : i < 1000 ? 3 : 4, i);
    struct resp_parser p;
    size_t used, before = mem_used();
    resp_parser_init(&p, MAX_BULK);
    ck_assert_int_eq(resp_parse(&p, buf, len, &used), RESP_DONE);
    ck_assert_uint_eq(used, len);
    ck_assert_int_eq(p.argc, 3000);
    ck_assert_str_eq(p.argv[2999].ptr, "2999");
    resp_request_reset(&p);
    ck_assert_int_le(p.argv_cap, 64);
    ck_assert_int_eq(resp_parse(&p, "*1\r\n$1\r\nx\r\n", 11, &used), RESP_DONE);
    resp_parser_free(&p);
    ck_assert_uint_eq(mem_used(), before);
    free(buf);
}
END_TEST

START_TEST(test_huge_count_small_alloc)
{
    /* "*2147483647" must not reserve two billion slots. */
    struct resp_parser p;
    size_t used, before = mem_used();
    resp_parser_init(&p, MAX_BULK);
    ck_assert_int_eq(resp_parse(&p, "*2147483647\r\n$1\r\na\r\n", 20, &used), RESP_INCOMPLETE);
    ck_assert_int_eq(p.argc, 1);
    ck_assert_uint_lt(mem_used() - before, 64 * 1024);
    resp_parser_free(&p);
}
END_TEST

static Suite *resp_suite(void)
{
    Suite *s = suite_create("resp");
    TCase *tc;

    tc = tcase_create("multibulk");
    tcase_add_test(tc, test_multibulk_basic);
    tcase_add_test(tc, test_multibulk_then_rest);
    tcase_add_test(tc, test_empty_requests);
    tcase_add_test(tc, test_binary_safe);
    tcase_add_test(tc, test_redis_quirks);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_error_text_in_parser);
    tcase_add_test(tc, test_error_after_partial_bulk_no_leak);
    tcase_add_test(tc, test_max_bulk_len);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_inline_limit);
    tcase_add_test(tc, test_count_limits);
    tcase_add_test(tc, test_unauthenticated);
    suite_add_tcase(s, tc);

    tc = tcase_create("inline");
    tcase_add_test(tc, test_inline);
    tcase_add_test(tc, test_inline_consumed);
    suite_add_tcase(s, tc);

    tc = tcase_create("pipeline");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_pipeline_whole_and_bytewise);
    tcase_add_test(tc, test_pipeline_every_split);
    tcase_add_test(tc, test_pipeline_every_two_splits);
    tcase_add_test(tc, test_pipeline_all_chunk_sizes);
    suite_add_tcase(s, tc);

    tc = tcase_create("big");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_big_bulk_progressive);
    tcase_add_test(tc, test_big_bulk_not_preallocated);
    tcase_add_test(tc, test_many_args);
    tcase_add_test(tc, test_huge_count_small_alloc);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(resp_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
