/* check_aof_scan.c -- Check suite for the AOF scanner (aof_scan.c).
 *
 * The central property (aof_scan.h): scanning any prefix buf[0..cut) of a
 * file gives the same items as the whole file up to the first item that
 * does not end by the cut, then TRUNCATED, unless that item was CORRUPT
 * with its bad byte before the cut (then the same CORRUPT).  It is checked
 * for every cut of a valid file and of hundreds of damaged copies of it
 * (check_prefix_property), and every scan runs over a buffer allocated to
 * its exact length so that AddressSanitizer (make unit SANITIZE=1) catches
 * a read past the end.  Then each rule on its own, with the offsets and
 * messages the loader and runnel-check-aof report. */
#include <check.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aof_scan.h"
#include "mem.h"
#include "resp.h"

/* ---- building files ----------------------------------------------------- */

struct file {
    char *buf;
    size_t len, cap;
};

static void file_add(struct file *f, const void *p, size_t n)
{
    if (f->len + n + 1 > f->cap) {
        f->cap = (f->len + n + 1) * 2;
        f->buf = realloc(f->buf, f->cap);
    }
    memcpy(f->buf + f->len, p, n);
    f->len += n;
    f->buf[f->len] = '\0';
}

static void file_str(struct file *f, const char *s)
{
    file_add(f, s, strlen(s));
}

/* Append a command given as counted arguments (pointer, length pairs). */
static void file_cmdv(struct file *f, int argc, const char *const *argv, const size_t *lens)
{
    char line[64];
    snprintf(line, sizeof(line), "*%d\r\n", argc);
    file_str(f, line);
    for (int i = 0; i < argc; i++) {
        snprintf(line, sizeof(line), "$%zu\r\n", lens[i]);
        file_str(f, line);
        file_add(f, argv[i], lens[i]);
        file_str(f, "\r\n");
    }
}

/* Append a command of C-string arguments, NULL-terminated. */
static void file_cmd(struct file *f, ...)
{
    const char *argv[16];
    size_t lens[16];
    int argc = 0;
    va_list ap;
    va_start(ap, f);
    for (const char *a; (a = va_arg(ap, const char *)) != NULL;) {
        argv[argc] = a;
        lens[argc++] = strlen(a);
    }
    va_end(ap);
    file_cmdv(f, argc, argv, lens);
}

/* ---- scanning ----------------------------------------------------------- */

struct got {
    enum aof_item k;
    size_t start, end, bad, item_start, pad_tail;
    long long line, item_line;
    char render[512]; /* "[a|b]" for a command, "#text" for an annotation */
    char error[256];
};

struct result {
    struct got items[64];
    int n;
};

static size_t render_add(char *out, size_t at, size_t cap, const char *s, size_t n)
{
    for (size_t i = 0; i < n && at + 5 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 32 && c < 127 && c != '|' && c != '\\')
            out[at++] = (char)c;
        else
            at += (size_t)snprintf(out + at, cap - at, "\\x%02x", c);
    }
    out[at] = '\0';
    return at;
}

/* Scan buf[0..len) from an exact-size copy until END, TRUNCATED or
 * CORRUPT (included), plus the END that must follow those. */
static void scan_all(const char *src, size_t len, int check_multi, long long max_bulk,
                     struct result *r)
{
    char *buf = malloc(len ? len : 1);
    struct resp_parser p;
    struct aof_scan s;
    size_t before = mem_used();

    memcpy(buf, src, len);
    resp_parser_init(&p, max_bulk);
    aof_scan_init(&s, buf, len);
    s.check_multi = check_multi;
    r->n = 0;
    for (;;) {
        struct aof_scan_item it;
        struct got *g = &r->items[r->n];
        ck_assert_int_lt(r->n, 64);
        memset(&it, 0x5a, sizeof(it));
        enum aof_item k = aof_scan_next(&s, &p, &it);
        memset(g, 0, sizeof(*g));
        g->k = k;
        g->start = it.start;
        g->end = it.end;
        g->line = it.line;
        if (k == AOF_ITEM_TRUNCATED)
            g->pad_tail = it.pad_tail;
        ck_assert_uint_le(it.start, len);
        ck_assert_uint_le(it.end, len);
        if (k == AOF_ITEM_COMMAND) {
            size_t at = 0;
            ck_assert_int_ge(p.argc, 1);
            ck_assert_uint_lt(it.start, it.end);
            g->render[at++] = '[';
            for (int i = 0; i < p.argc; i++) {
                if (i)
                    g->render[at++] = '|';
                ck_assert(p.argv[i].ptr[p.argv[i].len] == '\0');
                at = render_add(g->render, at, sizeof(g->render) - 2, p.argv[i].ptr,
                                p.argv[i].len);
            }
            g->render[at++] = ']';
            g->render[at] = '\0';
            resp_request_reset(&p);
        } else if (k == AOF_ITEM_ANNOTATION) {
            ck_assert_ptr_eq(it.text, buf + it.start + 1);
            if (buf[it.end - 2] == '\r') {
                ck_assert_uint_eq(it.text_len, it.end - it.start - 3);
            } else { /* padding: '#' only, then '\n' */
                ck_assert_uint_eq(it.text_len, it.end - it.start - 2);
                ck_assert_int_eq(buf[it.end - 1], '\n');
                for (size_t i = 0; i < it.text_len; i++)
                    ck_assert_int_eq(it.text[i], '#');
            }
            g->render[0] = '#';
            render_add(g->render, 1, sizeof(g->render), it.text, it.text_len);
        } else if (k == AOF_ITEM_TRUNCATED || k == AOF_ITEM_CORRUPT) {
            g->bad = it.bad;
            g->item_start = it.item_start;
            g->item_line = it.item_line;
            ck_assert_uint_le(it.start, it.item_start);
            ck_assert_uint_eq(it.end, len);
            ck_assert(it.error[0] != '\0');
            snprintf(g->error, sizeof(g->error), "%s", it.error);
            if (k == AOF_ITEM_CORRUPT)
                ck_assert_uint_lt(it.bad, len);
            /* The parser is idle again. */
            ck_assert_int_eq(p.argc, 0);
            ck_assert_int_eq(p.req_type, 0);
        }
        r->n++;
        if (k == AOF_ITEM_END)
            break;
        if (k == AOF_ITEM_TRUNCATED || k == AOF_ITEM_CORRUPT) {
            /* ... and every later call says END. */
            struct aof_scan_item again;
            ck_assert_int_eq(aof_scan_next(&s, &p, &again), AOF_ITEM_END);
            ck_assert_int_eq(aof_scan_next(&s, &p, &again), AOF_ITEM_END);
            break;
        }
    }
    resp_parser_free(&p);
    free(buf);
    ck_assert_uint_eq(mem_used(), before);
}

/* The same item.  For a failure, `end` is the buffer's length and the
 * message may show fewer bytes of a shorter buffer: the offsets say it. */
static int got_same(const struct got *a, const struct got *b)
{
    if (a->k != b->k || a->start != b->start || a->line != b->line)
        return 0;
    if (a->k == AOF_ITEM_TRUNCATED || a->k == AOF_ITEM_CORRUPT)
        return a->bad == b->bad && a->item_start == b->item_start &&
               a->item_line == b->item_line;
    return a->end == b->end && strcmp(a->render, b->render) == 0;
}

static int is_eof_in_multi(const struct got *g)
{
    return g->k == AOF_ITEM_TRUNCATED && strstr(g->error, "EXEC for MULTI") != NULL;
}

/* The prefix property of the header, for every cut of buf. */
static void check_prefix_property(const char *buf, size_t len, int check_multi)
{
    struct result *full = malloc(sizeof(*full)), *pre = malloc(sizeof(*pre));

    scan_all(buf, len, check_multi, LLONG_MAX, full);
    for (size_t cut = 0; cut <= len; cut++) {
        int i = 0;
        scan_all(buf, cut, check_multi, LLONG_MAX, pre);
        while ((full->items[i].k == AOF_ITEM_COMMAND || full->items[i].k == AOF_ITEM_ANNOTATION) &&
               full->items[i].end <= cut) {
            ck_assert_msg(i < pre->n && got_same(&pre->items[i], &full->items[i]),
                          "cut %zu: item %d differs", cut, i);
            i++;
        }
        ck_assert_int_lt(i, pre->n);
        const struct got *f = &full->items[i], *p = &pre->items[i];
        size_t fstart = (f->k == AOF_ITEM_COMMAND || f->k == AOF_ITEM_ANNOTATION ||
                         f->k == AOF_ITEM_END)
                            ? f->start
                            : f->item_start;
        if (f->k == AOF_ITEM_END) {
            ck_assert_uint_eq(cut, len);
            ck_assert(got_same(p, f));
        } else if (f->k == AOF_ITEM_CORRUPT && cut > f->bad) {
            ck_assert_msg(got_same(p, f), "cut %zu: want the same CORRUPT (%s), got kind %d",
                          cut, f->error, p->k);
        } else if (cut == fstart) {
            /* The prefix ends between items. */
            ck_assert_msg(p->k == AOF_ITEM_END || is_eof_in_multi(p),
                          "cut %zu at a boundary: got kind %d (%s)", cut, p->k, p->error);
        } else {
            ck_assert_msg(p->k == AOF_ITEM_TRUNCATED,
                          "cut %zu inside item at %zu: got kind %d (%s)", cut, fstart, p->k,
                          p->error);
            ck_assert_uint_eq(p->item_start, fstart);
            if (f->k == AOF_ITEM_TRUNCATED || f->k == AOF_ITEM_CORRUPT)
                ck_assert_uint_eq(p->start, f->start);
        }
    }
    free(full);
    free(pre);
}

/* ---- the sample file ---------------------------------------------------- */

struct expect {
    enum aof_item k;
    const char *render;
};

static const char bin_value[] = "bin\r\n\0*$#\xff";

/* A file with every kind of item; its items (in order) go to exp. */
static void sample_file(struct file *f, struct expect *exp, int *n)
{
    const char *argv[3] = {"SET", "k\r\n", bin_value};
    size_t lens[3] = {3, 3, sizeof(bin_value) - 1};
    const char *empty[3] = {"SET", "", "v"};
    size_t elens[3] = {3, 0, 1};
    int i = 0;

    memset(f, 0, sizeof(*f));
    file_cmd(f, "SELECT", "0", NULL);
    exp[i++] = (struct expect){AOF_ITEM_COMMAND, "[SELECT|0]"};
    file_str(f, "#TS:1700000000\r\n");
    exp[i++] = (struct expect){AOF_ITEM_ANNOTATION, "#TS:1700000000"};
    file_cmd(f, "XADD", "s", "1-1", "f", "v", NULL); /* the middle command */
    exp[i++] = (struct expect){AOF_ITEM_COMMAND, "[XADD|s|1-1|f|v]"};
    file_cmd(f, "MULTI", NULL);
    exp[i++] = (struct expect){AOF_ITEM_COMMAND, "[MULTI]"};
    file_cmd(f, "XADD", "s", "1-2", "a", "b", NULL);
    exp[i++] = (struct expect){AOF_ITEM_COMMAND, "[XADD|s|1-2|a|b]"};
    file_str(f, "#idmp a \r b\r\n");
    exp[i++] = (struct expect){AOF_ITEM_ANNOTATION, "#idmp a \\x0d b"};
    file_cmd(f, "exec", NULL);
    exp[i++] = (struct expect){AOF_ITEM_COMMAND, "[exec]"};
    file_cmdv(f, 3, argv, lens);
    exp[i++] = (struct expect){AOF_ITEM_COMMAND,
                               "[SET|k\\x0d\\x0a|bin\\x0d\\x0a\\x00*$#\\xff]"};
    file_cmdv(f, 3, empty, elens);
    exp[i++] = (struct expect){AOF_ITEM_COMMAND, "[SET||v]"};
    file_str(f, "#\r\n");
    exp[i++] = (struct expect){AOF_ITEM_ANNOTATION, "#"};
    file_cmd(f, "DEL", "s", NULL);
    exp[i++] = (struct expect){AOF_ITEM_COMMAND, "[DEL|s]"};
    *n = i;
}

START_TEST(test_sample_items)
{
    struct file f;
    struct expect exp[32];
    struct result *r = malloc(sizeof(*r));
    int n;
    size_t pos = 0;
    long long line = 1;

    sample_file(&f, exp, &n);
    scan_all(f.buf, f.len, 1, LLONG_MAX, r);
    ck_assert_int_eq(r->n, n + 1);
    for (int i = 0; i < n; i++) {
        const struct got *g = &r->items[i];
        ck_assert_int_eq(g->k, exp[i].k);
        ck_assert_str_eq(g->render, exp[i].render);
        /* Items tile the file, and lines count the protocol's lines. */
        ck_assert_uint_eq(g->start, pos);
        ck_assert_int_eq(g->line, line);
        pos = g->end;
        if (g->k == AOF_ITEM_ANNOTATION) {
            line++;
        } else {
            int argc = 1;
            for (const char *c = g->render; *c; c++)
                argc += *c == '|';
            line += 1 + 2 * argc;
        }
    }
    ck_assert_uint_eq(pos, f.len);
    ck_assert_int_eq(r->items[n].k, AOF_ITEM_END);
    ck_assert_uint_eq(r->items[n].start, f.len);
    ck_assert_int_eq(r->items[n].line, line);
    /* The first command's lines: *2, $6, SELECT, $1, 0. */
    ck_assert_int_eq(r->items[1].line, 6);
    free(r);
    free(f.buf);
}
END_TEST

START_TEST(test_empty_buffer)
{
    struct result r;
    scan_all("", 0, 1, LLONG_MAX, &r);
    ck_assert_int_eq(r.n, 1);
    ck_assert_int_eq(r.items[0].k, AOF_ITEM_END);
    ck_assert_int_eq(r.items[0].line, 1);
}
END_TEST

/* Cut the sample at every byte: whole items unchanged, then TRUNCATED at
 * the cut item (or its MULTI), never CORRUPT. */
START_TEST(test_every_cut)
{
    struct file f;
    struct expect exp[32];
    struct result *full = malloc(sizeof(*full)), *pre = malloc(sizeof(*pre));
    int n;

    sample_file(&f, exp, &n);
    scan_all(f.buf, f.len, 1, LLONG_MAX, full);
    for (size_t cut = 0; cut <= f.len; cut++) {
        int i = 0, in_multi = 0;
        size_t multi_start = 0;
        scan_all(f.buf, cut, 1, LLONG_MAX, pre);
        for (; i < n && full->items[i].end <= cut; i++) {
            ck_assert(got_same(&pre->items[i], &full->items[i]));
            if (strcmp(full->items[i].render, "[MULTI]") == 0) {
                in_multi = 1;
                multi_start = full->items[i].start;
            } else if (strcmp(full->items[i].render, "[exec]") == 0) {
                in_multi = 0;
            }
        }
        const struct got *g = &pre->items[i];
        ck_assert_int_eq(pre->n, i + 1);
        if (i < n && cut > full->items[i].start) {
            ck_assert_msg(g->k == AOF_ITEM_TRUNCATED, "cut %zu: kind %d (%s)", cut, g->k,
                          g->error);
            ck_assert_uint_eq(g->item_start, full->items[i].start);
            ck_assert_uint_eq(g->start, in_multi ? multi_start : full->items[i].start);
            ck_assert_int_eq(g->item_line, full->items[i].line);
        } else if (in_multi) {
            ck_assert_int_eq(g->k, AOF_ITEM_TRUNCATED);
            ck_assert_str_eq(g->error, "Reached EOF before reading EXEC for MULTI");
            ck_assert_uint_eq(g->start, multi_start);
        } else {
            ck_assert_int_eq(g->k, AOF_ITEM_END);
            ck_assert_uint_eq(g->start, cut);
        }
    }
    free(full);
    free(pre);
    free(f.buf);
}
END_TEST

/* Damage each byte of the middle command: the items before it are
 * unchanged, and what follows is CORRUPT or another valid parse, never a
 * cut; and every damaged copy keeps the prefix property. */
START_TEST(test_flipped_bytes)
{
    struct file f;
    struct expect exp[32];
    struct result *clean = malloc(sizeof(*clean)), *r = malloc(sizeof(*r));
    int n, variants = 0, corrupt = 0;

    sample_file(&f, exp, &n);
    scan_all(f.buf, f.len, 1, LLONG_MAX, clean);
    const struct got *mid = &clean->items[2];
    for (size_t at = mid->start; at < mid->end; at++) {
        unsigned char orig = (unsigned char)f.buf[at];
        const unsigned char vals[] = {0x00, '\r', '\n', '*', '$', '#', '0', '1', '9',
                                      '-',  'x',  0xff, (unsigned char)(orig ^ 0x20),
                                      (unsigned char)(orig + 1)};
        for (size_t v = 0; v < sizeof(vals); v++) {
            if (vals[v] == orig)
                continue;
            f.buf[at] = (char)vals[v];
            scan_all(f.buf, f.len, 1, LLONG_MAX, r);
            ck_assert_int_ge(r->n, 3);
            ck_assert(got_same(&r->items[0], &clean->items[0]));
            ck_assert(got_same(&r->items[1], &clean->items[1]));
            for (int i = 2; i < r->n; i++)
                ck_assert_msg(r->items[i].k != AOF_ITEM_TRUNCATED,
                              "byte %zu set to 0x%02x: TRUNCATED (%s)", at, vals[v],
                              r->items[i].error);
            corrupt += r->items[r->n - 1].k == AOF_ITEM_CORRUPT;
            /* A corrupt verdict points into the damaged command or after. */
            if (r->items[r->n - 1].k == AOF_ITEM_CORRUPT)
                ck_assert_uint_ge(r->items[r->n - 1].bad, at);
            check_prefix_property(f.buf, f.len, 1);
            variants++;
        }
        f.buf[at] = (char)orig;
    }
    ck_assert_int_gt(variants, 300);
    ck_assert_int_gt(corrupt, variants / 2);
    free(clean);
    free(r);
    free(f.buf);
}
END_TEST

START_TEST(test_prefix_property_sample)
{
    struct file f;
    struct expect exp[32];
    int n;
    sample_file(&f, exp, &n);
    check_prefix_property(f.buf, f.len, 1);
    check_prefix_property(f.buf, f.len, 0);
    free(f.buf);
}
END_TEST

/* ---- each rule ---------------------------------------------------------- */

/* Scan text (counted) and expect, after `ncmd` good items, an item of kind
 * k with bad byte `bad` (CORRUPT) and an error starting with `msg`. */
static void expect_fail_n(const char *text, size_t len, int ngood, enum aof_item k, size_t start,
                          size_t bad, const char *msg)
{
    struct result r;
    scan_all(text, len, 1, LLONG_MAX, &r);
    ck_assert_msg(r.n >= ngood + 1, "[%s]: only %d items", text, r.n);
    for (int i = 0; i < ngood; i++)
        ck_assert_msg(r.items[i].k == AOF_ITEM_COMMAND || r.items[i].k == AOF_ITEM_ANNOTATION,
                      "[%s]: item %d is kind %d (%s)", text, i, r.items[i].k, r.items[i].error);
    const struct got *g = &r.items[ngood];
    ck_assert_msg(g->k == k, "[%s]: kind %d, want %d (%s)", text, g->k, k, g->error);
    ck_assert_msg(g->start == start, "[%s]: start %zu, want %zu", text, g->start, start);
    if (k == AOF_ITEM_CORRUPT)
        ck_assert_msg(g->bad == bad, "[%s]: bad %zu, want %zu (%s)", text, g->bad, bad, g->error);
    ck_assert_msg(strncmp(g->error, msg, strlen(msg)) == 0, "[%s]: error '%s', want '%s'", text,
                  g->error, msg);
    check_prefix_property(text, len, 1);
}

static void expect_fail(const char *text, int ngood, enum aof_item k, size_t start, size_t bad,
                        const char *msg)
{
    expect_fail_n(text, strlen(text), ngood, k, start, bad, msg);
}

/* Zeros where an item would start, to the end: a preallocated tail
 * (pad_tail says how long) -- not inside a MULTI. */
START_TEST(test_pad_tail)
{
    struct result r;
    scan_all("*1\r\n$4\r\nPING\r\n\0\0\0", 17, 1, LLONG_MAX, &r);
    ck_assert_int_eq(r.n, 2);
    ck_assert_int_eq(r.items[1].k, AOF_ITEM_TRUNCATED);
    ck_assert_uint_eq(r.items[1].start, 14);
    ck_assert_uint_eq(r.items[1].pad_tail, 3);
    scan_all("\0", 1, 1, LLONG_MAX, &r);
    ck_assert_int_eq(r.items[0].k, AOF_ITEM_TRUNCATED);
    ck_assert_uint_eq(r.items[0].pad_tail, 1);
    /* Inside a MULTI: a cut transaction, not a tail. */
    scan_all("*1\r\n$5\r\nMULTI\r\n\0\0", 17, 1, LLONG_MAX, &r);
    ck_assert_int_eq(r.items[1].k, AOF_ITEM_TRUNCATED);
    ck_assert_uint_eq(r.items[1].start, 0);
    ck_assert_uint_eq(r.items[1].pad_tail, 0);
    /* Zeros inside half a command are damage, not a tail. */
    scan_all("*1\r\n$4\r\nPI\0\0\0\0", 14, 1, LLONG_MAX, &r);
    ck_assert_int_eq(r.items[0].k, AOF_ITEM_CORRUPT);
    /* aof.c's padding: '#' to a line's '\n', or cut, or zeros after it. */
    const char *cut = "*1\r\n$4\r\nPING\r\n#\n####";
    scan_all(cut, strlen(cut), 1, LLONG_MAX, &r);
    ck_assert_int_eq(r.n, 3);
    ck_assert_int_eq(r.items[0].k, AOF_ITEM_COMMAND);
    ck_assert_int_eq(r.items[1].k, AOF_ITEM_ANNOTATION);
    ck_assert_int_eq(r.items[2].k, AOF_ITEM_TRUNCATED);
    ck_assert_uint_eq(r.items[2].start, 16);
    ck_assert_uint_eq(r.items[2].pad_tail, 4);
    scan_all("###\0\0", 5, 1, LLONG_MAX, &r);
    ck_assert_int_eq(r.items[0].k, AOF_ITEM_TRUNCATED);
    ck_assert_uint_eq(r.items[0].pad_tail, 5);
    /* Padding bytes, then one that is not: damage, judged at that byte
     * (a cut before it would be a tail), and so is a '#' run too long
     * for an annotation; a short '#' run is an annotation's start. */
    scan_all("#\0x", 3, 1, LLONG_MAX, &r);
    ck_assert_int_eq(r.items[0].k, AOF_ITEM_CORRUPT);
    ck_assert_uint_eq(r.items[0].bad, 2);
    static char run[1100];
    memset(run, '#', sizeof(run));
    run[sizeof(run) - 1] = 'x';
    scan_all(run, sizeof(run), 1, LLONG_MAX, &r);
    ck_assert_int_eq(r.items[0].k, AOF_ITEM_CORRUPT);
    ck_assert_uint_eq(r.items[0].bad, sizeof(run) - 1);
    scan_all("##TS:1\r\n", 8, 1, LLONG_MAX, &r);
    ck_assert_int_eq(r.items[0].k, AOF_ITEM_ANNOTATION);
}
END_TEST

/* Whole padding lines are annotations (that nothing applies) wherever
 * they are, whatever their length: a file a crash left padded, and one
 * Redis appended to after that, load as the commands they hold. */
START_TEST(test_pad_lines)
{
    static char buf[3 * 4096 + 64];
    size_t n = 0;
    memcpy(buf + n, "*1\r\n$4\r\nPING\r\n", 14);
    n += 14;
    memcpy(buf + n, "#\n", 2); /* the annotation aof.c adds */
    n += 2;
    memset(buf + n, '#', 2 * 4096 - 1);
    n += 2 * 4096 - 1;
    buf[n++] = '\n';
    const char *rest = "###\n#TS:17\r\n*1\r\n$4\r\nPING\r\n####\n";
    memcpy(buf + n, rest, strlen(rest));
    n += strlen(rest);
    struct result r;
    scan_all(buf, n, 1, LLONG_MAX, &r);
    static const enum aof_item want[] = {AOF_ITEM_COMMAND,    AOF_ITEM_ANNOTATION,
                                         AOF_ITEM_ANNOTATION, AOF_ITEM_ANNOTATION,
                                         AOF_ITEM_ANNOTATION, AOF_ITEM_COMMAND,
                                         AOF_ITEM_ANNOTATION, AOF_ITEM_END};
    ck_assert_int_eq(r.n, 8);
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(r.items[i].k, want[i]);
    ck_assert_uint_eq(r.items[1].end, 16);               /* "#\n" */
    ck_assert_uint_eq(r.items[2].end, 16 + 2 * 4096);    /* a long padding line */
    ck_assert_str_eq(r.items[4].render, "#TS:17");
    ck_assert_uint_eq(r.items[5].start, 14 + 2 + 2 * 4096 + 4 + 8);
    /* Not padding: '#' text without "\r\n" is still a bad annotation. */
    expect_fail("#abc\n", 0, AOF_ITEM_CORRUPT, 0, 4, "Annotation line must end with");
}
END_TEST

START_TEST(test_bad_counts)
{
    expect_fail("*0\r\n", 0, AOF_ITEM_CORRUPT, 0, 2, "Invalid multibulk length");
    expect_fail("*-1\r\n", 0, AOF_ITEM_CORRUPT, 0, 1,
                "Invalid multibulk length: unexpected byte '-'");
    expect_fail("*\r\n", 0, AOF_ITEM_CORRUPT, 0, 1, "Invalid multibulk length");
    expect_fail("*01\r\n", 0, AOF_ITEM_CORRUPT, 0, 2, "Invalid multibulk length");
    expect_fail("*+1\r\n", 0, AOF_ITEM_CORRUPT, 0, 1, "Invalid multibulk length");
    expect_fail("*1x\r\n", 0, AOF_ITEM_CORRUPT, 0, 2,
                "Invalid multibulk length: unexpected byte 'x'");
    expect_fail("*1 \r\n", 0, AOF_ITEM_CORRUPT, 0, 2, "Invalid multibulk length");
    expect_fail("*2147483648\r\n", 0, AOF_ITEM_CORRUPT, 0, 11, "Invalid multibulk length");
    expect_fail("*1\rX", 0, AOF_ITEM_CORRUPT, 0, 3, "Expected \\r\\n, got: 0d58");
    expect_fail("*1\r\n$01\r\n", 0, AOF_ITEM_CORRUPT, 0, 6, "Invalid bulk length");
    expect_fail("*1\r\n$-1\r\n", 0, AOF_ITEM_CORRUPT, 0, 5, "Invalid bulk length");
    expect_fail("*1\r\n$12345678901234567890\r\n", 0, AOF_ITEM_CORRUPT, 0, 24,
                "Invalid bulk length");
    expect_fail("*1\r\n$9999999999999999999\r\n", 0, AOF_ITEM_CORRUPT, 0, 24,
                "Invalid bulk length");
    expect_fail("*1\r\n+3\r\n", 0, AOF_ITEM_CORRUPT, 0, 4, "Expected prefix '$', got: '+'");
    expect_fail("*2\r\n$1\r\na\r\n*1\r\n", 0, AOF_ITEM_CORRUPT, 0, 11,
                "Expected prefix '$', got: '*'");
    expect_fail("*1\r\n\n", 0, AOF_ITEM_CORRUPT, 0, 4, "Expected prefix '$', got: '\\x0a'");
    /* A count line hidden by a NUL: resp_parse would wait for 64KB. */
    expect_fail_n("*1\0\r\n$4\r\nPING\r\n", 15, 0, AOF_ITEM_CORRUPT, 0, 2,
                  "Invalid multibulk length: unexpected byte '\\x00'");
}
END_TEST

START_TEST(test_bad_bulk_ends)
{
    expect_fail("*1\r\n$3\r\nabcXY", 0, AOF_ITEM_CORRUPT, 0, 11, "Expected \\r\\n, got: 5859");
    expect_fail("*1\r\n$3\r\nabcX", 0, AOF_ITEM_CORRUPT, 0, 11, "Expected \\r\\n, got: 58");
    expect_fail("*1\r\n$3\r\nabc\rX", 0, AOF_ITEM_CORRUPT, 0, 12, "Expected \\r\\n, got: 0d58");
    expect_fail("*1\r\n$3\r\nabc\n\r", 0, AOF_ITEM_CORRUPT, 0, 11, "Expected \\r\\n, got: 0a0d");
    /* The PINGxx quirk of the client parser is not accepted from a file. */
    expect_fail("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n", 0, AOF_ITEM_CORRUPT, 0, 12,
                "Expected \\r\\n");
}
END_TEST

START_TEST(test_truncations)
{
    expect_fail("*", 0, AOF_ITEM_TRUNCATED, 0, 0, "Unexpected end of file");
    expect_fail("*12", 0, AOF_ITEM_TRUNCATED, 0, 0, "Unexpected end of file");
    expect_fail("*1\r", 0, AOF_ITEM_TRUNCATED, 0, 0, "Unexpected end of file");
    expect_fail("*1\r\n$", 0, AOF_ITEM_TRUNCATED, 0, 0, "Unexpected end of file");
    expect_fail("*1\r\n$4\r\nPI", 0, AOF_ITEM_TRUNCATED, 0, 0,
                "Expected to read 6 bytes, got 2 bytes");
    expect_fail("*1\r\n$4\r\nPING\r", 0, AOF_ITEM_TRUNCATED, 0, 0, "Unexpected end of file");
    expect_fail("*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPI", 1, AOF_ITEM_TRUNCATED, 14, 0,
                "Expected to read");
    /* A huge announced bulk is judged by the bytes present, never allocated. */
    expect_fail("*1\r\n$9223372036854775807\r\nabc", 0, AOF_ITEM_TRUNCATED, 0, 0,
                "Expected to read");
    expect_fail("*2147483647\r\n$1\r\na\r\n", 0, AOF_ITEM_TRUNCATED, 0, 0,
                "Unexpected end of file");
}
END_TEST

START_TEST(test_item_starts)
{
    expect_fail("PING\r\n", 0, AOF_ITEM_CORRUPT, 0, 0,
                "Bad file format: expected '*' or '#', got: 'P'");
    expect_fail("*1\r\n$4\r\nPING\r\n\r\n", 1, AOF_ITEM_CORRUPT, 14, 14,
                "Bad file format: expected '*' or '#', got: '\\x0d'");
    expect_fail("$4\r\nPING\r\n", 0, AOF_ITEM_CORRUPT, 0, 0, "Bad file format");
    expect_fail("REDIS0009", 0, AOF_ITEM_CORRUPT, 0, 0, "Bad file format");
    /* Zeros to the end: an interrupted write, a cut. */
    expect_fail_n("*1\r\n$4\r\nPING\r\n\0\0\0", 17, 1, AOF_ITEM_TRUNCATED, 14, 0,
                  "The file ends with 3 bytes of padding or zeros");
    expect_fail_n("\0", 1, 0, AOF_ITEM_TRUNCATED, 0, 0,
                  "The file ends with 1 bytes of padding or zeros");
    /* Zeros and then anything: damage, judged at the first non-zero. */
    expect_fail_n("\0\0*1\r\n$4\r\nPING\r\n", 16, 0, AOF_ITEM_CORRUPT, 0, 2,
                  "Bad file format: zero bytes");
}
END_TEST

START_TEST(test_annotations)
{
    struct result r;
    char line[1100];

    scan_all("#\r\n#TS:1\r\n", 10, 1, LLONG_MAX, &r);
    ck_assert_int_eq(r.items[0].k, AOF_ITEM_ANNOTATION);
    ck_assert_str_eq(r.items[0].render, "#");
    ck_assert_str_eq(r.items[1].render, "#TS:1");
    ck_assert_int_eq(r.items[1].line, 2);
    ck_assert_int_eq(r.items[2].k, AOF_ITEM_END);
    ck_assert_int_eq(r.items[2].line, 3);

    expect_fail("#ts\n", 0, AOF_ITEM_CORRUPT, 0, 3, "Annotation line must end with \\r\\n");
    /* "#\n" is padding (aof.c), not a bad annotation. */
    scan_all("#\n", 2, 1, LLONG_MAX, &r);
    ck_assert_int_eq(r.n, 2);
    ck_assert_int_eq(r.items[0].k, AOF_ITEM_ANNOTATION);
    ck_assert_int_eq(r.items[1].k, AOF_ITEM_END);
    expect_fail("#TS:1", 0, AOF_ITEM_TRUNCATED, 0, 0, "Unexpected end of file reading an anno");
    expect_fail("#TS:1\r", 0, AOF_ITEM_TRUNCATED, 0, 0, "Unexpected end of file");

    /* 1024 bytes with its "\r\n" is the longest line. */
    memset(line, 'a', sizeof(line));
    line[sizeof(line) - 1] = '\0'; /* printable in failure messages */
    line[0] = '#';
    line[1022] = '\r';
    line[1023] = '\n';
    scan_all(line, 1024, 1, LLONG_MAX, &r);
    ck_assert_int_eq(r.items[0].k, AOF_ITEM_ANNOTATION);
    ck_assert_uint_eq(r.items[0].end, 1024);
    line[1022] = 'a';
    line[1023] = '\r';
    line[1024] = '\n';
    expect_fail_n(line, 1025, 0, AOF_ITEM_CORRUPT, 0, 1023, "Annotation line too long");
    expect_fail_n(line, 1023, 0, AOF_ITEM_TRUNCATED, 0, 0, "Unexpected end of file");
    expect_fail_n(line, 1024, 0, AOF_ITEM_CORRUPT, 0, 1023, "Annotation line too long");
}
END_TEST

static const char cmd_multi[] = "*1\r\n$5\r\nMULTI\r\n";      /* 15 bytes */
static const char cmd_exec[] = "*1\r\n$4\r\nEXEC\r\n";        /* 14 bytes */
static const char cmd_set[] = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"; /* 27 */

START_TEST(test_multi)
{
    struct file f = {0};
    struct result r;

    /* EOF inside MULTI: cut at the MULTI. */
    file_str(&f, cmd_set);
    file_str(&f, cmd_multi);
    file_str(&f, cmd_set);
    expect_fail(f.buf, 3, AOF_ITEM_TRUNCATED, 27, 0, "Reached EOF before reading EXEC for MULTI");
    /* A command cut inside MULTI: cut at the MULTI too. */
    file_str(&f, "*1\r\n$4\r\nEX");
    expect_fail(f.buf, 3, AOF_ITEM_TRUNCATED, 27, 0, "Expected to read");
    scan_all(f.buf, f.len, 1, LLONG_MAX, &r);
    ck_assert_uint_eq(r.items[3].item_start, 27 + 15 + 27);
    ck_assert_int_eq(r.items[3].line, 1 + 7);
    ck_assert_int_eq(r.items[3].item_line, 1 + 7 + 3 + 7);
    /* Bad bytes inside MULTI: the good part ends at the MULTI. */
    f.len -= 10;
    file_str(&f, "*1\r\n$4\r\nEXECxx");
    expect_fail(f.buf, 3, AOF_ITEM_CORRUPT, 27, 27 + 15 + 27 + 12, "Expected \\r\\n");
    /* Closed: fine, any case. */
    f.len -= 14;
    file_str(&f, "*1\r\n$4\r\nexeC\r\n");
    scan_all(f.buf, f.len, 1, LLONG_MAX, &r);
    ck_assert_int_eq(r.n, 5);
    ck_assert_int_eq(r.items[4].k, AOF_ITEM_END);

    /* Nested MULTI and a stray EXEC, judged at their last byte. */
    f.len = 0;
    file_str(&f, cmd_multi);
    file_str(&f, cmd_multi);
    expect_fail(f.buf, 1, AOF_ITEM_CORRUPT, 0, 29, "Unexpected MULTI");
    scan_all(f.buf, f.len, 1, LLONG_MAX, &r);
    ck_assert_uint_eq(r.items[1].item_start, 15);
    f.len = 0;
    file_str(&f, cmd_set);
    file_str(&f, cmd_exec);
    expect_fail(f.buf, 1, AOF_ITEM_CORRUPT, 27, 27 + 13, "Unexpected EXEC");

    /* MULTI with arguments is still a MULTI for the nesting rule (as in
     * redis-check-aof, which looks at the first argument only). */
    f.len = 0;
    file_str(&f, cmd_multi);
    file_str(&f, "*2\r\n$5\r\nmulti\r\n$1\r\nx\r\n");
    expect_fail(f.buf, 1, AOF_ITEM_CORRUPT, 0, f.len - 1, "Unexpected MULTI");

    /* check_multi off: the scanner passes them through. */
    f.len = 0;
    file_str(&f, cmd_exec);
    file_str(&f, cmd_multi);
    file_str(&f, cmd_multi);
    scan_all(f.buf, f.len, 0, LLONG_MAX, &r);
    ck_assert_int_eq(r.n, 4);
    ck_assert_int_eq(r.items[3].k, AOF_ITEM_END);
    check_prefix_property(f.buf, f.len, 0);
    free(f.buf);
}
END_TEST

START_TEST(test_limits_from_parser)
{
    struct result r;
    static const char ping[] = "*1\r\n$4\r\nPING\r\n";

    /* proto-max-bulk-len, judged at the length line's '\r'. */
    scan_all(ping, 14, 1, 3, &r);
    ck_assert_int_eq(r.items[0].k, AOF_ITEM_CORRUPT);
    ck_assert_uint_eq(r.items[0].bad, 6);
    ck_assert_str_eq(r.items[0].error, "Invalid bulk length");
    scan_all(ping, 14, 1, 4, &r);
    ck_assert_int_eq(r.items[0].k, AOF_ITEM_COMMAND);

    /* A limit only the parser knows (an unauthenticated parser): CORRUPT
     * with the parser's message, and the parser idle afterwards. */
    struct file f = {0};
    for (int i = 0; i < 12; i++)
        file_str(&f, i ? "$1\r\nx\r\n" : "*11\r\n");
    struct resp_parser p;
    struct aof_scan s;
    struct aof_scan_item it;
    resp_parser_init(&p, LLONG_MAX);
    p.unauthenticated = 1;
    aof_scan_init(&s, f.buf, f.len);
    ck_assert_int_eq(aof_scan_next(&s, &p, &it), AOF_ITEM_CORRUPT);
    ck_assert_str_eq(it.error, "Protocol error: unauthenticated multibulk length");
    ck_assert_int_eq(p.argc, 0);
    ck_assert_int_eq(p.req_type, 0);
    resp_parser_free(&p);
    free(f.buf);
}
END_TEST

/* Many commands: counts, lines and the end offset add up. */
START_TEST(test_many_commands)
{
    struct file f = {0};
    struct resp_parser p;
    struct aof_scan s;
    struct aof_scan_item it;
    const int n = 200000;
    char id[32];
    size_t before = mem_used();

    for (int i = 0; i < n; i++) {
        snprintf(id, sizeof(id), "%d-0", i + 1);
        file_cmd(&f, "XADD", "stream", id, "field", "value", NULL);
        if (i % 1000 == 0)
            file_str(&f, "#TS:1700000000\r\n");
    }
    resp_parser_init(&p, LLONG_MAX);
    aof_scan_init(&s, f.buf, f.len);
    long long cmds = 0, notes = 0;
    enum aof_item k;
    while ((k = aof_scan_next(&s, &p, &it)) == AOF_ITEM_COMMAND || k == AOF_ITEM_ANNOTATION) {
        if (k == AOF_ITEM_COMMAND) {
            ck_assert_int_eq(p.argc, 5);
            cmds++;
            resp_request_reset(&p);
        } else {
            notes++;
        }
    }
    ck_assert_int_eq(k, AOF_ITEM_END);
    ck_assert_int_eq(cmds, n);
    ck_assert_int_eq(notes, n / 1000);
    ck_assert_uint_eq(it.start, f.len);
    ck_assert_int_eq(it.line, 1 + 11LL * n + n / 1000);
    resp_parser_free(&p);
    free(f.buf);
    ck_assert_uint_eq(mem_used(), before);
}
END_TEST

static Suite *scan_suite(void)
{
    Suite *s = suite_create("aof_scan");
    TCase *tc = tcase_create("sample");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_sample_items);
    tcase_add_test(tc, test_pad_tail);
    tcase_add_test(tc, test_pad_lines);
    tcase_add_test(tc, test_empty_buffer);
    tcase_add_test(tc, test_every_cut);
    tcase_add_test(tc, test_prefix_property_sample);
    tcase_add_test(tc, test_flipped_bytes);
    suite_add_tcase(s, tc);

    tc = tcase_create("rules");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_bad_counts);
    tcase_add_test(tc, test_bad_bulk_ends);
    tcase_add_test(tc, test_truncations);
    tcase_add_test(tc, test_item_starts);
    tcase_add_test(tc, test_annotations);
    tcase_add_test(tc, test_multi);
    tcase_add_test(tc, test_limits_from_parser);
    tcase_add_test(tc, test_many_commands);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(scan_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
