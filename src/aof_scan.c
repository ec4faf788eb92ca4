/* aof_scan.c -- walk one AOF file's bytes (see aof_scan.h).
 *
 * Each command is checked in two passes over its lines, never over its
 * data.  First a strict walk of the structure: the count line, then for
 * every argument its "$len" line, a jump over the data by its length, and
 * the "\r\n" after it.  The walk decides, reading forward one byte at a
 * time and never looking past the byte it judges, whether the command is
 * whole, cut by the end of the buffer (TRUNCATED) or wrong at a given byte
 * (CORRUPT, it->bad).  Deciding at the first byte that cannot belong to a
 * valid file is what makes any cut of a file scan as a prefix of the
 * whole (see the header).  Then the caller's RESP parser takes exactly the
 * command's bytes and fills argv; it cannot disagree with the walk (the
 * walk is stricter: resp_parse skips the "\r\n" after a bulk unchecked,
 * and waits on a count line hidden by a NUL), but if it ever does, the
 * command is CORRUPT with the parser's message.
 *
 * Redis 7.0's loader and redis-check-aof read the same format; what they
 * call an "Unexpected end of file" is TRUNCATED here, their "Bad file
 * format" and check-aof's "Expected prefix"/"Expected \r\n" are CORRUPT.
 * We are stricter on count lines (canonical integers only, where Redis's
 * strtol would take "*03" or "*3x"), refuse "*0" and negative counts, and
 * treat a tail of zero bytes as a cut (file systems can leave one after a
 * crash: the size was extended but the data never written).
 *
 * Cost: per command, one pass over its count lines here, one more in
 * resp_parse, and resp_parse's copy of the data; per annotation one
 * memchr. */
#include "aof_scan.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

enum scan_rc { SCAN_OK = 0, SCAN_TRUNC, SCAN_BAD };

/* Where a failed item went wrong: the status, the bad byte, the reason. */
struct scan_fail {
    size_t bad;
    char error[256];
};

void aof_scan_init(struct aof_scan *s, const char *buf, size_t len)
{
    memset(s, 0, sizeof(*s));
    s->buf = buf;
    s->len = len;
    s->line = 1;
    s->check_multi = 1;
}

/* A byte for a message: 'x' when printable, '\xHH' otherwise. */
static const char *scan_show(unsigned char c, char out[8])
{
    if (c >= 32 && c < 127 && c != '\'')
        snprintf(out, 8, "'%c'", c);
    else
        snprintf(out, 8, "'\\x%02x'", c);
    return out;
}

static enum scan_rc scan_bad(struct scan_fail *f, size_t bad, const char *msg)
{
    f->bad = bad;
    snprintf(f->error, sizeof(f->error), "%s", msg);
    return SCAN_BAD;
}

static enum scan_rc scan_trunc(struct scan_fail *f, const char *msg)
{
    snprintf(f->error, sizeof(f->error), "%s", msg);
    return SCAN_TRUNC;
}

/* Read the number of a "*<n>\r\n" or "$<n>\r\n" line whose digits start at
 * *q, and the line's end.  The number is canonical (no sign, no leading
 * zero, at most 19 digits, fits a long long) and at least `min`, at most
 * `max`; `what` names it in messages.  On success *q is past the "\n". */
static enum scan_rc scan_number(const char *buf, size_t len, size_t *q, long long min,
                                long long max, const char *what, long long *out,
                                struct scan_fail *f)
{
    size_t i = *q, first = *q;
    unsigned long long v = 0;
    char shown[8], msg[96];

    for (;;) {
        if (i == len)
            return scan_trunc(f, "Unexpected end of file reading a count line");
        unsigned char c = (unsigned char)buf[i];
        if (c == '\r')
            break;
        if (c < '0' || c > '9' || i - first == 19 || (i > first && buf[first] == '0')) {
            snprintf(msg, sizeof(msg), "Invalid %s length: unexpected byte %s", what,
                     scan_show(c, shown));
            return scan_bad(f, i, msg);
        }
        v = v * 10 + (c - '0');
        i++;
    }
    /* The value is judged at the '\r', before its '\n' is needed. */
    if (i == first || v > (unsigned long long)LLONG_MAX || (long long)v < min ||
        (long long)v > max) {
        snprintf(msg, sizeof(msg), "Invalid %s length", what);
        return scan_bad(f, i, msg);
    }
    if (i + 1 == len)
        return scan_trunc(f, "Unexpected end of file reading a count line");
    if (buf[i + 1] != '\n') {
        snprintf(msg, sizeof(msg), "Expected \\r\\n, got: 0d%02x", (unsigned char)buf[i + 1]);
        return scan_bad(f, i + 1, msg);
    }
    *q = i + 2;
    *out = (long long)v;
    return SCAN_OK;
}

/* Walk the command starting at s->pos ('*'): sets *end and *argc, or says
 * where and why it fails. */
static enum scan_rc scan_walk_command(const struct aof_scan *s, long long max_bulk, size_t *end,
                                      long long *argc, struct scan_fail *f)
{
    const char *buf = s->buf;
    size_t len = s->len;
    size_t q = s->pos + 1;
    long long n, blen;
    enum scan_rc rc;
    char shown[8], msg[96];

    rc = scan_number(buf, len, &q, 1, INT_MAX, "multibulk", &n, f);
    if (rc != SCAN_OK)
        return rc;
    for (long long i = 0; i < n; i++) {
        if (q == len)
            return scan_trunc(f, "Unexpected end of file reading a bulk length");
        if (buf[q] != '$') {
            snprintf(msg, sizeof(msg), "Expected prefix '$', got: %s",
                     scan_show((unsigned char)buf[q], shown));
            return scan_bad(f, q, msg);
        }
        q++;
        rc = scan_number(buf, len, &q, 0, max_bulk, "bulk", &blen, f);
        if (rc != SCAN_OK)
            return rc;
        if ((unsigned long long)blen > len - q) {
            snprintf(msg, sizeof(msg), "Expected to read %llu bytes, got %zu bytes",
                     (unsigned long long)blen + 2, len - q);
            return scan_trunc(f, msg);
        }
        q += (size_t)blen;
        if (q == len)
            return scan_trunc(f, "Unexpected end of file reading a bulk's \\r\\n");
        if (buf[q] != '\r') {
            if (q + 1 < len)
                snprintf(msg, sizeof(msg), "Expected \\r\\n, got: %02x%02x",
                         (unsigned char)buf[q], (unsigned char)buf[q + 1]);
            else
                snprintf(msg, sizeof(msg), "Expected \\r\\n, got: %02x",
                         (unsigned char)buf[q]);
            return scan_bad(f, q, msg);
        }
        if (q + 1 == len)
            return scan_trunc(f, "Unexpected end of file reading a bulk's \\r\\n");
        if (buf[q + 1] != '\n') {
            snprintf(msg, sizeof(msg), "Expected \\r\\n, got: 0d%02x",
                     (unsigned char)buf[q + 1]);
            return scan_bad(f, q + 1, msg);
        }
        q += 2;
    }
    *end = q;
    *argc = n;
    return SCAN_OK;
}

/* The annotation at s->pos ('#'): one line of at most
 * AOF_ANNOTATION_MAX_LINE bytes ending in "\r\n". */
static enum scan_rc scan_walk_annotation(const struct aof_scan *s, size_t *end,
                                         struct scan_fail *f)
{
    size_t avail = s->len - s->pos;
    size_t lim = avail < AOF_ANNOTATION_MAX_LINE ? avail : AOF_ANNOTATION_MAX_LINE;
    const char *at = s->buf + s->pos;
    const char *nl = memchr(at, '\n', lim);

    if (!nl) {
        if (avail < AOF_ANNOTATION_MAX_LINE)
            return scan_trunc(f, "Unexpected end of file reading an annotation");
        return scan_bad(f, s->pos + AOF_ANNOTATION_MAX_LINE - 1,
                        "Annotation line too long (the limit is 1024 bytes)");
    }
    size_t n = (size_t)(nl - at); /* >= 1: at[0] is '#' */
    if (at[n - 1] != '\r')
        return scan_bad(f, s->pos + n, "Annotation line must end with \\r\\n");
    *end = s->pos + n + 1;
    return SCAN_OK;
}

/* Report a failed item: the repair point is the item, or its MULTI. */
static enum aof_item scan_fail_item(struct aof_scan *s, struct resp_parser *p,
                                    struct aof_scan_item *it, enum scan_rc rc,
                                    const struct scan_fail *f)
{
    it->item_start = s->pos;
    it->item_line = s->line;
    it->start = s->in_multi ? s->multi_start : s->pos;
    it->line = s->in_multi ? s->multi_line : s->line;
    it->end = s->len;
    it->bad = rc == SCAN_BAD ? f->bad : s->len;
    it->pad_tail = 0;
    memcpy(it->error, f->error, sizeof(it->error));
    s->done = 1;
    if (p)
        resp_request_reset(p);
    return rc == SCAN_BAD ? AOF_ITEM_CORRUPT : AOF_ITEM_TRUNCATED;
}

/* Is a line of '#' only, ended by '\n', at s->pos (aof.c's padding, or
 * the "#\n" it adds)?  Then *end is past its '\n'. */
static int scan_pad_line(const struct aof_scan *s, size_t *end)
{
    size_t q = s->pos;
    while (q < s->len && s->buf[q] == '#')
        q++;
    if (q == s->len || s->buf[q] != '\n')
        return 0;
    *end = q + 1;
    return 1;
}

/* Where the run of padding bytes ('#', '\n', zeros) from `from` ends. */
static size_t scan_pad_run(const struct aof_scan *s, size_t from)
{
    size_t q = from;
    while (q < s->len && (s->buf[q] == '#' || s->buf[q] == '\n' || s->buf[q] == '\0'))
        q++;
    return q;
}

/* Padding bytes from s->pos to the end that are not whole padding lines
 * (a cut one, zeros): the log ends where they start. */
static enum aof_item scan_pad_tail(struct aof_scan *s, struct resp_parser *p,
                                   struct aof_scan_item *it, struct scan_fail *f)
{
    size_t n = s->len - s->pos;
    f->bad = s->len;
    snprintf(f->error, sizeof(f->error),
             "The file ends with %zu bytes of padding or zeros (an interrupted write)", n);
    enum aof_item k = scan_fail_item(s, p, it, SCAN_TRUNC, f);
    if (!s->in_multi)
        it->pad_tail = n;
    return k;
}

/* The annotation at s->pos, ending at end, its text after the '#' and
 * text_len bytes long; the scan moves past it. */
static enum aof_item scan_annotation_item(struct aof_scan *s, struct aof_scan_item *it,
                                          size_t end, size_t text_len)
{
    it->text = s->buf + s->pos + 1;
    it->text_len = text_len;
    it->start = s->pos;
    it->end = end;
    it->line = s->line;
    s->pos = end;
    s->line++;
    return AOF_ITEM_ANNOTATION;
}

/* Is argv[0] the command `name` (ASCII, any case)? */
static int scan_is_cmd(const struct resp_parser *p, const char *name, size_t n)
{
    return p->argv[0].len == n && util_eq_nocase(p->argv[0].ptr, n, name);
}

enum aof_item aof_scan_next(struct aof_scan *s, struct resp_parser *p, struct aof_scan_item *it)
{
    struct scan_fail f;
    enum scan_rc rc;
    size_t end = 0;
    long long argc = 0;

    it->text = NULL;
    it->text_len = 0;
    it->error[0] = '\0';
    it->bad = 0;
    if (s->done)
        goto at_end;
    if (s->pos == s->len) {
        if (s->in_multi) {
            f.bad = s->len;
            snprintf(f.error, sizeof(f.error), "Reached EOF before reading EXEC for MULTI");
            return scan_fail_item(s, NULL, it, SCAN_TRUNC, &f);
        }
        s->done = 1;
        goto at_end;
    }

    switch (s->buf[s->pos]) {
    case '*':
        rc = scan_walk_command(s, p->max_bulk_len, &end, &argc, &f);
        if (rc != SCAN_OK)
            return scan_fail_item(s, p, it, rc, &f);
        break;
    case '#': {
        if (scan_pad_line(s, &end)) /* padding: its text is '#'s, no "\r\n" */
            return scan_annotation_item(s, it, end, end - s->pos - 2);
        /* Padding bytes to the end: a cut padding line, an interrupted
         * write.  A run that cannot start an annotation (a '\n' or a zero
         * in it, or too long) is damage judged where it ends, as zeros
         * are: so a cut inside it is always a tail. */
        size_t q = scan_pad_run(s, s->pos);
        if (q == s->len)
            return scan_pad_tail(s, p, it, &f);
        if (q - s->pos >= AOF_ANNOTATION_MAX_LINE - 1 || memchr(s->buf + s->pos, '\n', q - s->pos) ||
            memchr(s->buf + s->pos, '\0', q - s->pos)) {
            scan_bad(&f, q, "Bad file format: padding in the middle of the file");
            return scan_fail_item(s, p, it, SCAN_BAD, &f);
        }
        rc = scan_walk_annotation(s, &end, &f);
        if (rc != SCAN_OK)
            return scan_fail_item(s, p, it, rc, &f);
        return scan_annotation_item(s, it, end, end - s->pos - 3);
    }
    case '\0': {
        /* Zeros (with padding) to the end are an interrupted write or an
         * older run's preallocation; anything after them is damage, judged
         * at the first byte that is not padding. */
        size_t q = scan_pad_run(s, s->pos);
        if (q == s->len)
            return scan_pad_tail(s, p, it, &f);
        scan_bad(&f, q, "Bad file format: zero bytes in the middle of the file");
        return scan_fail_item(s, p, it, SCAN_BAD, &f);
    }
    default: {
        char shown[8], msg[96];
        snprintf(msg, sizeof(msg), "Bad file format: expected '*' or '#', got: %s",
                 scan_show((unsigned char)s->buf[s->pos], shown));
        scan_bad(&f, s->pos, msg);
        return scan_fail_item(s, p, it, SCAN_BAD, &f);
    }
    }

    /* A whole command: let the RESP parser build argv from its bytes. */
    size_t consumed = 0;
    enum resp_status st = resp_parse(p, s->buf + s->pos, end - s->pos, &consumed);
    if (st != RESP_DONE || consumed != end - s->pos || p->argc != argc) {
        if (st == RESP_ERROR)
            snprintf(f.error, sizeof(f.error), "%s", p->error);
        else
            snprintf(f.error, sizeof(f.error),
                     "The RESP parser disagrees with the scan (status %d, %zu of %zu bytes)",
                     (int)st, consumed, end - s->pos);
        f.bad = s->pos + (consumed < end - s->pos ? consumed : end - s->pos - 1);
        return scan_fail_item(s, p, it, SCAN_BAD, &f);
    }
    if (s->check_multi) {
        /* redis-check-aof's rule: a transaction is never nested or open
         * twice; judged at the command's last byte. */
        if (scan_is_cmd(p, "multi", 5)) {
            if (s->in_multi) {
                scan_bad(&f, end - 1, "Unexpected MULTI");
                return scan_fail_item(s, p, it, SCAN_BAD, &f);
            }
            s->in_multi = 1;
            s->multi_start = s->pos;
            s->multi_line = s->line;
        } else if (scan_is_cmd(p, "exec", 4)) {
            if (!s->in_multi) {
                scan_bad(&f, end - 1, "Unexpected EXEC");
                return scan_fail_item(s, p, it, SCAN_BAD, &f);
            }
            s->in_multi = 0;
        }
    }
    it->start = s->pos;
    it->end = end;
    it->line = s->line;
    s->pos = end;
    s->line += 1 + 2 * argc;
    return AOF_ITEM_COMMAND;

at_end:
    it->start = it->end = s->pos;
    it->line = s->line;
    return AOF_ITEM_END;
}
