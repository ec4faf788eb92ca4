/* check_aof_manifest.c -- Check suite for the AOF manifest (aof_manifest.c).
 *
 * The manifests here are the ones Redis 7.0 writes (its exact bytes), the
 * layouts it reads (comments, quoting, any key order, unknown keys), every
 * error it reports, and the edits a rewrite makes, compared with the text
 * Redis's backgroundRewriteDoneHandler() would leave.  Every case also
 * checks that no allocation outlives the manifest. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aof_manifest.h"
#include "mem.h"

/* Parse text; returns the rc and leaves the error in err. */
static int parse(struct aof_manifest *m, const char *text, char *err, size_t errlen)
{
    aof_manifest_init(m);
    err[0] = '\0';
    return aof_manifest_parse(m, text, strlen(text), err, errlen);
}

/* Format m into a NUL-terminated string (caller mem_frees). */
static char *format(const struct aof_manifest *m)
{
    size_t len = 12345;
    char *s = aof_manifest_format(m, &len);
    ck_assert_uint_eq(len, strlen(s));
    return s;
}

/* The text must fail to parse with a message starting with `want`, leave
 * the manifest empty and leak nothing. */
static void expect_error(const char *text, const char *want)
{
    struct aof_manifest m;
    char err[256];
    size_t before = mem_used();

    ck_assert_int_eq(parse(&m, text, err, sizeof(err)), -1);
    ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "text [%s]: got error '%s', want '%s'",
                  text, err, want);
    ck_assert_ptr_null(m.base);
    ck_assert_ptr_null(m.incr);
    ck_assert_ptr_null(m.hist);
    ck_assert_int_eq(m.nincr, 0);
    ck_assert_int_eq(m.nhist, 0);
    aof_manifest_free(&m);
    ck_assert_uint_eq(mem_used(), before);
}

/* ---- reading what Redis writes ------------------------------------------ */

START_TEST(test_parse_redis_output)
{
    const char *text = "file appendonly.aof.1.base.rdb seq 1 type b\n"
                       "file appendonly.aof.1.incr.aof seq 1 type i\n";
    struct aof_manifest m;
    char err[256];
    size_t before = mem_used();

    ck_assert_int_eq(parse(&m, text, err, sizeof(err)), 0);
    ck_assert_ptr_nonnull(m.base);
    ck_assert_str_eq(m.base->name, "appendonly.aof.1.base.rdb");
    ck_assert_int_eq(m.base->seq, 1);
    ck_assert_int_eq(m.base->type, AOF_FILE_BASE);
    ck_assert_int_eq(m.nincr, 1);
    ck_assert_str_eq(m.incr[0].name, "appendonly.aof.1.incr.aof");
    ck_assert_int_eq(m.incr[0].type, AOF_FILE_INCR);
    ck_assert_int_eq(m.nhist, 0);
    ck_assert_int_eq(m.base_seq, 1);
    ck_assert_int_eq(m.incr_seq, 1);

    /* Formatting gives Redis's bytes back. */
    char *out = format(&m);
    ck_assert_str_eq(out, text);
    mem_free(out);
    aof_manifest_free(&m);
    ck_assert_uint_eq(mem_used(), before);
}
END_TEST

START_TEST(test_parse_with_history)
{
    /* The example in Redis's aof.c: a base, three history files, two incr. */
    const char *text = "file appendonly.aof.2.base.rdb seq 2 type b\n"
                       "file appendonly.aof.1.incr.aof seq 1 type h\n"
                       "file appendonly.aof.2.incr.aof seq 2 type h\n"
                       "file appendonly.aof.3.incr.aof seq 3 type h\n"
                       "file appendonly.aof.4.incr.aof seq 4 type i\n"
                       "file appendonly.aof.5.incr.aof seq 5 type i\n";
    struct aof_manifest m;
    char err[256];

    ck_assert_int_eq(parse(&m, text, err, sizeof(err)), 0);
    ck_assert_int_eq(m.nhist, 3);
    ck_assert_int_eq(m.nincr, 2);
    ck_assert_str_eq(m.hist[0].name, "appendonly.aof.1.incr.aof");
    ck_assert_str_eq(m.hist[2].name, "appendonly.aof.3.incr.aof");
    ck_assert_int_eq(m.hist[1].type, AOF_FILE_HIST);
    ck_assert_int_eq(m.incr[0].seq, 4);
    ck_assert_int_eq(m.incr[1].seq, 5);
    ck_assert_int_eq(m.base_seq, 2);
    ck_assert_int_eq(m.incr_seq, 5);
    char *out = format(&m);
    ck_assert_str_eq(out, text);
    mem_free(out);
    aof_manifest_free(&m);
}
END_TEST

START_TEST(test_parse_only_incr_and_empty_lists)
{
    struct aof_manifest m;
    char err[256];

    /* No base: Redis writes this after a start with data only in incr. */
    ck_assert_int_eq(parse(&m, "file a.1.incr.aof seq 1 type i\n", err, sizeof(err)), 0);
    ck_assert_ptr_null(m.base);
    ck_assert_int_eq(m.nincr, 1);
    ck_assert_int_eq(m.base_seq, 0);
    aof_manifest_free(&m);

    /* Only comments: a manifest with no files (Redis accepts it too). */
    ck_assert_int_eq(parse(&m, "# nothing yet\n", err, sizeof(err)), 0);
    ck_assert_ptr_null(m.base);
    ck_assert_int_eq(m.nincr + m.nhist, 0);
    aof_manifest_free(&m);
}
END_TEST

START_TEST(test_parse_layout)
{
    /* Comments, blank lines, CRLF, spaces and tabs around, keys in any
     * order and any case, unknown keys, no final newline. */
    const char *text = "# written by hand\n"
                       "\n"
                       "   \t \r\n"
                       "  seq 1 type b file base.aof  \r\n"
                       "#file x seq 9 type i\n"
                       "FILE a.1.incr.aof Seq 1 TYPE i size 1234 future \"x y\"\n"
                       "type i\tseq 3 file a.3.incr.aof";
    struct aof_manifest m;
    char err[256];

    ck_assert_int_eq(parse(&m, text, err, sizeof(err)), 0);
    ck_assert_str_eq(m.base->name, "base.aof");
    ck_assert_int_eq(m.nincr, 2);
    ck_assert_str_eq(m.incr[0].name, "a.1.incr.aof");
    ck_assert_str_eq(m.incr[1].name, "a.3.incr.aof");
    ck_assert_int_eq(m.incr_seq, 3);
    aof_manifest_free(&m);

    /* A repeated key: the last one counts. */
    ck_assert_int_eq(parse(&m, "file x seq 1 type i file y\n", err, sizeof(err)), 0);
    ck_assert_str_eq(m.incr[0].name, "y");
    aof_manifest_free(&m);
    ck_assert_int_eq(parse(&m, "file x seq 1 type i file y seq 2\n", err, sizeof(err)), 0);
    ck_assert_str_eq(m.incr[0].name, "y");
    ck_assert_int_eq(m.incr[0].seq, 2);
    aof_manifest_free(&m);

    /* Redis reads the first byte of the type. */
    ck_assert_int_eq(parse(&m, "file x seq 1 type incr\n", err, sizeof(err)), 0);
    ck_assert_int_eq(m.nincr, 1);
    aof_manifest_free(&m);
}
END_TEST

START_TEST(test_parse_quoted_names)
{
    struct aof_manifest m;
    char err[256];
    const char *text = "file \"my aof.1.base.aof\" seq 1 type b\n"
                       "file 'single quoted.aof' seq 1 type h\n"
                       "file \"tab\\there\\x41\\\"q\" seq 2 type i\n";

    ck_assert_int_eq(parse(&m, text, err, sizeof(err)), 0);
    ck_assert_str_eq(m.base->name, "my aof.1.base.aof");
    ck_assert_str_eq(m.hist[0].name, "single quoted.aof");
    ck_assert_str_eq(m.incr[0].name, "tab\there" "A\"q");

    /* Written back quoted, with C escapes. */
    char *out = format(&m);
    ck_assert_str_eq(out, "file \"my aof.1.base.aof\" seq 1 type b\n"
                          "file \"single quoted.aof\" seq 1 type h\n"
                          "file \"tab\\thereA\\\"q\" seq 2 type i\n");
    mem_free(out);
    aof_manifest_free(&m);
}
END_TEST

/* Every kind of name survives format -> parse unchanged (a backslash
 * never gets that far: it makes the name a path, see test_errors). */
START_TEST(test_round_trip_names)
{
    static const char *names[] = {
        "appendonly.aof.1.incr.aof", "with space", "quote\"inside", "apos'trophe",
        "nl\nand\rcr", "tab\tbell\a\bbs", "\x01\x7f\x80\xff", "utf8-\xc3\xa9",
        "trailing ", " leading", "#hash", "=eq", "x\v\f",
    };
    size_t before = mem_used();

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        struct aof_manifest m, back;
        char err[256];
        aof_manifest_init(&m);
        m.base = mem_alloc(sizeof(*m.base));
        m.base->name = mem_strdup(names[i]);
        m.base->seq = 7;
        m.base->type = AOF_FILE_BASE;
        m.base_seq = 7;
        aof_manifest_new_incr(&m, names[i]);
        size_t len;
        char *text = aof_manifest_format(&m, &len);
        aof_manifest_init(&back);
        ck_assert_msg(aof_manifest_parse(&back, text, len, err, sizeof(err)) == 0,
                      "name %zu: %s (text %s)", i, err, text);
        ck_assert_str_eq(back.base->name, names[i]);
        ck_assert_int_eq(back.base->seq, 7);
        ck_assert_int_eq(back.nincr, 1);
        ck_assert_str_eq(back.incr[0].name, m.incr[0].name);
        char *again = aof_manifest_format(&back, NULL);
        ck_assert_str_eq(again, text);
        mem_free(again);
        mem_free(text);
        aof_manifest_free(&m);
        aof_manifest_free(&back);
    }
    ck_assert_uint_eq(mem_used(), before);
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

START_TEST(test_errors)
{
    expect_error("", "Found an empty AOF manifest");
    /* Structure. */
    expect_error("file a seq 1\n", "Invalid AOF manifest file format (line 1: 'file a seq 1')");
    expect_error("file a seq 1 type\n", "Invalid AOF manifest file format");
    expect_error("file a seq 1 type i x\n", "Invalid AOF manifest file format");
    expect_error("file a seq 1 type i x y z\n", "Invalid AOF manifest file format");
    expect_error("file a seq 1 size 3\n", "Invalid AOF manifest file format");
    expect_error("seq 1 type i size 3\n", "Invalid AOF manifest file format");
    expect_error("file a type i size 3\n", "Invalid AOF manifest file format");
    expect_error("file \"a seq 1 type i\n", "Invalid AOF manifest file format");
    expect_error("file \"a\"b seq 1 type i\n", "Invalid AOF manifest file format");
    expect_error("file 'a seq 1 type i\n", "Invalid AOF manifest file format");
    expect_error("  # not a comment once indented\n", "Invalid AOF manifest file format");
    /* Values. */
    expect_error("file a seq 0 type i\n", "Invalid AOF manifest file format");
    expect_error("file a seq -1 type i\n", "Invalid AOF manifest file format");
    expect_error("file a seq 1x type i\n", "Invalid AOF manifest file format");
    expect_error("file a seq 01 type i\n", "Invalid AOF manifest file format");
    expect_error("file a seq 99999999999999999999 type i\n", "Invalid AOF manifest file format");
    expect_error("file a seq 1 type \"\"\n", "Invalid AOF manifest file format");
    expect_error("file \"\" seq 1 type i\n", "Invalid AOF manifest file format");
    expect_error("file \"a\\x00b\" seq 1 type i\n", "Invalid AOF manifest file format");
    expect_error("file a seq 1 type x\n", "Unknown AOF file type");
    expect_error("file a seq 1 type B\n", "Unknown AOF file type");
    /* Names that are paths. */
    expect_error("file ../a seq 1 type i\n", "File can't be a path, just a filename");
    expect_error("file dir/a seq 1 type i\n", "File can't be a path, just a filename");
    expect_error("file /etc/passwd seq 1 type b\n", "File can't be a path, just a filename");
    expect_error("file a\\\\b seq 1 type b\n", "File can't be a path, just a filename");
    expect_error("file .. seq 1 type b\n", "File can't be a path, just a filename");
    expect_error("file . seq 1 type b\n", "File can't be a path, just a filename");
    /* Semantics. */
    expect_error("file a seq 1 type b\nfile b seq 2 type b\n",
                 "Found duplicate base file information (line 2:");
    expect_error("file a seq 2 type i\nfile b seq 2 type i\n",
                 "Found a non-monotonic sequence number");
    expect_error("file a seq 3 type i\nfile b seq 1 type i\n",
                 "Found a non-monotonic sequence number");
    /* An error after good lines frees them. */
    expect_error("file a seq 1 type b\nfile h seq 1 type h\nfile i seq 1 type i\nbad\n",
                 "Invalid AOF manifest file format (line 4: 'bad')");
}
END_TEST

START_TEST(test_nul_in_line)
{
    static const char text[] = "file a seq 1 type i\0x\n";
    struct aof_manifest m;
    char err[256];
    size_t before = mem_used();

    aof_manifest_init(&m);
    ck_assert_int_eq(aof_manifest_parse(&m, text, sizeof(text) - 1, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "Invalid AOF manifest file format"));
    aof_manifest_free(&m);
    ck_assert_uint_eq(mem_used(), before);
}
END_TEST

START_TEST(test_line_length)
{
    /* A line of 1023 bytes (plus '\n') fits Redis's buffer; 1024 does not. */
    char text[1100], err[256];
    struct aof_manifest m;
    const char *tail = " seq 1 type i";
    size_t head = strlen("file ");

    memcpy(text, "file ", head);
    memset(text + head, 'n', 1023 - head - strlen(tail));
    strcpy(text + 1023 - strlen(tail), tail);
    ck_assert_uint_eq(strlen(text), 1023);
    strcat(text, "\n");
    ck_assert_int_eq(parse(&m, text, err, sizeof(err)), 0);
    ck_assert_uint_eq(strlen(m.incr[0].name), 1023 - head - strlen(tail));
    aof_manifest_free(&m);

    memmove(text + 5, text + 4, strlen(text + 4) + 1);
    text[4] = ' '; /* one more space: 1024 bytes */
    ck_assert_uint_eq(strlen(text), 1025);
    expect_error(text, "The AOF manifest file contains too long line (line 1:");

    /* A comment may be any length. */
    char longc[3000];
    memset(longc, 'c', sizeof(longc));
    longc[0] = '#';
    longc[2000] = '\n';
    strcpy(longc + 2001, "file a seq 1 type i\n");
    ck_assert_int_eq(parse(&m, longc, err, sizeof(err)), 0);
    ck_assert_int_eq(m.nincr, 1);
    aof_manifest_free(&m);
}
END_TEST

/* ---- names and edits ---------------------------------------------------- */

START_TEST(test_names)
{
    char *s;
    s = aof_name_base("appendonly.aof", 1, 0);
    ck_assert_str_eq(s, "appendonly.aof.1.base.aof");
    mem_free(s);
    s = aof_name_base("appendonly.aof", 12, 1);
    ck_assert_str_eq(s, "appendonly.aof.12.base.rdb");
    mem_free(s);
    s = aof_name_incr("x", 9223372036854775807LL);
    ck_assert_str_eq(s, "x.9223372036854775807.incr.aof");
    mem_free(s);
    s = aof_name_manifest("appendonly.aof");
    ck_assert_str_eq(s, "appendonly.aof.manifest");
    mem_free(s);
    s = aof_name_temp_manifest("appendonly.aof");
    ck_assert_str_eq(s, "temp-appendonly.aof.manifest");
    mem_free(s);
    s = aof_name_temp_incr("appendonly.aof");
    ck_assert_str_eq(s, "temp-appendonly.aof.incr");
    mem_free(s);
}
END_TEST

static void expect_text(const struct aof_manifest *m, const char *want)
{
    char *s = format(m);
    ck_assert_str_eq(s, want);
    mem_free(s);
}

/* The life of a manifest through Redis's flow: first start, rewrites with
 * AOF on, a rewrite that failed and left two incr files, a rewrite with
 * AOF being turned on, deleting history. */
START_TEST(test_rewrite_sequence)
{
    struct aof_manifest m;
    struct aof_file_info *f;
    size_t before = mem_used();

    aof_manifest_init(&m);
    expect_text(&m, "");

    /* First start: base 1 and incr 1. */
    f = aof_manifest_set_base(&m, "appendonly.aof", 0);
    ck_assert_ptr_eq(f, m.base);
    ck_assert_str_eq(f->name, "appendonly.aof.1.base.aof");
    f = aof_manifest_new_incr(&m, "appendonly.aof");
    ck_assert_str_eq(f->name, "appendonly.aof.1.incr.aof");
    ck_assert_int_eq(f->seq, 1);
    expect_text(&m, "file appendonly.aof.1.base.aof seq 1 type b\n"
                    "file appendonly.aof.1.incr.aof seq 1 type i\n");

    /* A rewrite starts: a new incr file first. */
    aof_manifest_new_incr(&m, "appendonly.aof");
    /* It ends: new base, old base and the rewritten incr become history. */
    aof_manifest_set_base(&m, "appendonly.aof", 1);
    aof_manifest_incr_to_hist(&m, 1);
    expect_text(&m, "file appendonly.aof.2.base.rdb seq 2 type b\n"
                    "file appendonly.aof.1.incr.aof seq 1 type h\n"
                    "file appendonly.aof.1.base.aof seq 1 type h\n"
                    "file appendonly.aof.2.incr.aof seq 2 type i\n");
    aof_manifest_clear_hist(&m);
    expect_text(&m, "file appendonly.aof.2.base.rdb seq 2 type b\n"
                    "file appendonly.aof.2.incr.aof seq 2 type i\n");

    /* A failed rewrite leaves incr 3; the next one opens incr 4 and ends. */
    aof_manifest_new_incr(&m, "appendonly.aof");
    aof_manifest_new_incr(&m, "appendonly.aof");
    ck_assert_int_eq(m.nincr, 3);
    aof_manifest_set_base(&m, "appendonly.aof", 0);
    aof_manifest_incr_to_hist(&m, 1);
    expect_text(&m, "file appendonly.aof.3.base.aof seq 3 type b\n"
                    "file appendonly.aof.2.incr.aof seq 2 type h\n"
                    "file appendonly.aof.3.incr.aof seq 3 type h\n"
                    "file appendonly.aof.2.base.rdb seq 2 type h\n"
                    "file appendonly.aof.4.incr.aof seq 4 type i\n");

    /* A rewrite while AOF was being turned on: every incr file goes. */
    aof_manifest_set_base(&m, "appendonly.aof", 0);
    aof_manifest_incr_to_hist(&m, 0);
    ck_assert_int_eq(m.nincr, 0);
    ck_assert_ptr_null(m.incr);
    f = aof_manifest_new_incr(&m, "appendonly.aof");
    ck_assert_str_eq(f->name, "appendonly.aof.5.incr.aof");
    ck_assert_int_eq(m.nhist, 5);
    ck_assert_str_eq(m.hist[0].name, "appendonly.aof.4.incr.aof");
    ck_assert_str_eq(m.hist[1].name, "appendonly.aof.3.base.aof");

    /* Nothing to move: no-ops. */
    aof_manifest_clear_hist(&m);
    aof_manifest_incr_to_hist(&m, 1);
    ck_assert_int_eq(m.nincr, 1);
    ck_assert_int_eq(m.nhist, 0);

    /* What the text says parses to the same state. */
    struct aof_manifest back;
    char err[256];
    size_t len;
    char *text = aof_manifest_format(&m, &len);
    aof_manifest_init(&back);
    ck_assert_int_eq(aof_manifest_parse(&back, text, len, err, sizeof(err)), 0);
    ck_assert_int_eq(back.base_seq, m.base_seq);
    ck_assert_int_eq(back.incr_seq, m.incr_seq);
    mem_free(text);
    aof_manifest_free(&back);
    aof_manifest_free(&m);
    ck_assert_uint_eq(mem_used(), before);
}
END_TEST

START_TEST(test_next_seq_counts_history)
{
    struct aof_manifest m;
    char err[256];

    /* Every incr file became history and is still on disk: the next incr
     * must not reuse a history file's name. */
    ck_assert_int_eq(parse(&m,
                           "file a.4.base.aof seq 4 type b\n"
                           "file a.6.incr.aof seq 6 type h\n"
                           "file a.5.base.rdb seq 5 type h\n"
                           "file odd-name seq 50 type h\n",
                           err, sizeof(err)),
                     0);
    ck_assert_int_eq(m.incr_seq, 6);
    ck_assert_int_eq(m.base_seq, 5);
    struct aof_file_info *f = aof_manifest_new_incr(&m, "a");
    ck_assert_str_eq(f->name, "a.7.incr.aof");
    f = aof_manifest_set_base(&m, "a", 0);
    ck_assert_str_eq(f->name, "a.6.base.aof");
    aof_manifest_free(&m);
}
END_TEST

START_TEST(test_dup_is_deep)
{
    struct aof_manifest m;
    char err[256];
    size_t before = mem_used();

    ck_assert_int_eq(parse(&m,
                           "file a.1.base.aof seq 1 type b\n"
                           "file a.1.incr.aof seq 1 type h\n"
                           "file a.2.incr.aof seq 2 type i\n",
                           err, sizeof(err)),
                     0);
    struct aof_manifest *d = aof_manifest_dup(&m);
    char *orig = format(&m);
    /* Edits to the copy leave the original alone, and the other way. */
    aof_manifest_new_incr(d, "a");
    aof_manifest_set_base(d, "a", 1);
    aof_manifest_incr_to_hist(d, 1);
    char *now = format(&m);
    ck_assert_str_eq(now, orig);
    mem_free(now);
    m.base->name[0] = 'Z';
    ck_assert_str_eq(d->hist[d->nhist - 2].name, "a.1.base.aof");
    aof_manifest_free(d);
    mem_free(d);

    /* An empty manifest copies too. */
    struct aof_manifest e;
    aof_manifest_init(&e);
    d = aof_manifest_dup(&e);
    ck_assert_ptr_null(d->base);
    ck_assert_ptr_null(d->incr);
    aof_manifest_free(d);
    mem_free(d);

    mem_free(orig);
    aof_manifest_free(&m);
    ck_assert_uint_eq(mem_used(), before);
}
END_TEST

/* A caller may take the history array away and free it itself. */
START_TEST(test_take_arrays)
{
    struct aof_manifest m;
    char err[256];
    size_t before = mem_used();

    ck_assert_int_eq(parse(&m, "file a seq 1 type h\nfile b seq 2 type h\nfile c seq 1 type i\n",
                           err, sizeof(err)),
                     0);
    struct aof_file_info *h = m.hist;
    int n = m.nhist;
    m.hist = NULL;
    m.nhist = 0;
    aof_manifest_new_incr(&m, "x");
    aof_manifest_incr_to_hist(&m, 1);
    ck_assert_int_eq(m.nhist, 1);
    for (int i = 0; i < n; i++)
        mem_free(h[i].name);
    mem_free(h);
    aof_manifest_free(&m);
    ck_assert_uint_eq(mem_used(), before);
}
END_TEST

/* ---- files -------------------------------------------------------------- */

START_TEST(test_load)
{
    char dir[] = "/tmp/runnel-manifest-XXXXXX";
    char path[256], err[512];
    struct aof_manifest m;
    FILE *f;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/appendonly.aof.manifest", dir);

    aof_manifest_init(&m);
    errno = 0;
    ck_assert_int_eq(aof_manifest_load(&m, path, err, sizeof(err)), -1);
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_ptr_nonnull(strstr(err, "doesn't exist"));

    f = fopen(path, "w");
    fputs("file appendonly.aof.1.base.rdb seq 1 type b\n"
          "file appendonly.aof.1.incr.aof seq 1 type i\n",
          f);
    fclose(f);
    ck_assert_int_eq(aof_manifest_load(&m, path, err, sizeof(err)), 0);
    ck_assert_str_eq(m.base->name, "appendonly.aof.1.base.rdb");
    aof_manifest_free(&m);

    f = fopen(path, "w");
    fputs("file appendonly.aof.1.base.rdb seq 1 type b\nfile x seq 1 type b\n", f);
    fclose(f);
    errno = 0;
    ck_assert_int_eq(aof_manifest_load(&m, path, err, sizeof(err)), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "Found duplicate base file information"));

    f = fopen(path, "w");
    fclose(f);
    ck_assert_int_eq(aof_manifest_load(&m, path, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "Found an empty AOF manifest");

    /* A directory where the file should be: a read error, not ENOENT. */
    unlink(path);
    ck_assert_int_eq(aof_manifest_load(&m, dir, err, sizeof(err)), -1);
    ck_assert_int_ne(errno, ENOENT);

    rmdir(dir);
}
END_TEST

static Suite *manifest_suite(void)
{
    Suite *s = suite_create("aof_manifest");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_parse_redis_output);
    tcase_add_test(tc, test_parse_with_history);
    tcase_add_test(tc, test_parse_only_incr_and_empty_lists);
    tcase_add_test(tc, test_parse_layout);
    tcase_add_test(tc, test_parse_quoted_names);
    tcase_add_test(tc, test_round_trip_names);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_nul_in_line);
    tcase_add_test(tc, test_line_length);
    suite_add_tcase(s, tc);

    tc = tcase_create("edit");
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_rewrite_sequence);
    tcase_add_test(tc, test_next_seq_counts_history);
    tcase_add_test(tc, test_dup_is_deep);
    tcase_add_test(tc, test_take_arrays);
    suite_add_tcase(s, tc);

    tc = tcase_create("file");
    tcase_add_test(tc, test_load);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(manifest_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
