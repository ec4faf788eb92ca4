/* reply.c -- RESP2/RESP3 reply builder (see reply.h for the shapes).
 *
 * One contiguous buffer per connection, grown by doubling so appends are
 * amortised O(1).  Lengths and integers are formatted by util_ll_to_str()
 * straight into the buffer; snprintf() is kept for doubles (Redis 7.0's
 * "%.17g") and reply_errorf().  Byte-level behaviour follows Redis 7.0's
 * networking.c:
 *   - addReplyDouble: RESP2 "$<n>\r\n%.17g\r\n", RESP3 ",%.17g\r\n"; infinity
 *     is spelt "inf"/"-inf" explicitly, NaN as printf prints it.
 *   - addReplyErrorFormat: CR/LF at either end are trimmed, the rest become
 *     spaces.  We apply that to reply_error() too, so no caller can emit a
 *     reply that breaks the protocol; the same holds for reply_simple().
 *   - addReplyVerbatim: RESP3 "=<len+4>\r\n<ext>:<text>\r\n", RESP2 a bulk.
 *
 * Deferred headers: reply_defer() returns the offset where the header
 * belongs; reply_defer_*() formats it and inserts it there, moving the bytes
 * built since.  A handle stays valid while nothing before it changes: fill
 * nested containers innermost first, and do not compact in between. */
#include "reply.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mem.h"
#include "util.h"

#define REPLY_MIN_CAP 256
#define REPLY_KEEP_CAP (64 * 1024) /* an idle buffer keeps this much */
#define REPLY_HDR_MAX 24           /* prefix + 20 digits + CRLF, rounded up */

/* Start an empty builder for protocol 2 or 3.  Allocates nothing yet. */
void reply_init(struct reply_buf *r, int proto)
{
    r->buf = NULL;
    r->len = 0;
    r->cap = 0;
    r->sent = 0;
    r->proto = proto;
    r->on_error = NULL;
    r->on_error_ud = NULL;
}

/* Free the buffer; the builder may be init'ed again. */
void reply_free(struct reply_buf *r)
{
    mem_free(r->buf);
    r->buf = NULL;
    r->len = r->cap = r->sent = 0;
}

/* Move the unsent bytes to the front.  A large buffer that empties is
 * given back, so one big reply does not pin memory to an idle client. */
void reply_compact(struct reply_buf *r)
{
    size_t left = r->len - r->sent;

    if (r->sent == 0)
        return;
    if (left)
        memmove(r->buf, r->buf + r->sent, left);
    r->len = left;
    r->sent = 0;
    if (left == 0 && r->cap > REPLY_KEEP_CAP) {
        mem_free(r->buf);
        r->buf = NULL;
        r->cap = 0;
    }
}

/* Make room for n more bytes; aborts (via mem_realloc) only when memory is
 * exhausted. */
static void reply_reserve(struct reply_buf *r, size_t n)
{
    size_t want;

    if (r->cap - r->len >= n)
        return;
    want = r->cap ? r->cap * 2 : REPLY_MIN_CAP;
    if (want < r->len + n)
        want = r->len + n;
    r->buf = mem_realloc(r->buf, want);
    r->cap = want;
}

/* Append n raw bytes. */
void reply_raw(struct reply_buf *r, const char *p, size_t n)
{
    reply_reserve(r, n);
    if (n)
        memcpy(r->buf + r->len, p, n);
    r->len += n;
}

void reply_info_line(struct reply_buf *r, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(line))
        n = sizeof(line) - 1;
    reply_raw(r, line, (size_t)n);
    reply_raw(r, "\r\n", 2);
}

char *reply_space(struct reply_buf *r, size_t n)
{
    reply_reserve(r, n);
    return r->buf + r->len;
}

/* Write "<prefix><v>\r\n" at dst (room for REPLY_HDR_MAX bytes); returns
 * the bytes written. */
static size_t reply_fmt_header(char *dst, char prefix, long long v)
{
    int n;
    dst[0] = prefix;
    n = util_ll_to_str(dst + 1, REPLY_HDR_MAX - 1, v);
    dst[n + 1] = '\r';
    dst[n + 2] = '\n';
    return (size_t)n + 3;
}

/* Append "<prefix><v>\r\n". */
static void reply_header(struct reply_buf *r, char prefix, long long v)
{
    reply_reserve(r, REPLY_HDR_MAX);
    r->len += reply_fmt_header(r->buf + r->len, prefix, v);
}

/* Append "<prefix><s>\r\n" with s[0..n) copied and CR/LF trimmed at the
 * ends and turned into spaces inside (addReplyErrorFormat's cleanup). */
static void reply_line_clean(struct reply_buf *r, char prefix, const char *s, size_t n)
{
    char *dst;
    size_t i;

    while (n && (s[0] == '\r' || s[0] == '\n')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    reply_reserve(r, n + 3);
    dst = r->buf + r->len;
    if (prefix)
        *dst++ = prefix;
    for (i = 0; i < n; i++)
        dst[i] = (s[i] == '\r' || s[i] == '\n') ? ' ' : s[i];
    dst[n] = '\r';
    dst[n + 1] = '\n';
    r->len = (size_t)(dst - r->buf) + n + 2;
}

/* +s (CR/LF cleaned as for errors). */
void reply_simple(struct reply_buf *r, const char *s)
{
    reply_line_clean(r, '+', s, strlen(s));
}

/* +OK */
void reply_ok(struct reply_buf *r)
{
    reply_raw(r, "+OK\r\n", 5);
}

/* -msg: msg holds its own code; a leading '-' (after trimming) is kept and
 * not doubled. */
void reply_error(struct reply_buf *r, const char *msg)
{
    size_t n = strlen(msg);
    const char *s = msg;

    while (n && (s[0] == '\r' || s[0] == '\n')) {
        s++;
        n--;
    }
    reply_line_clean(r, (n && s[0] == '-') ? 0 : '-', s, n);
    if (r->on_error) {
        if (n && s[0] == '-') {
            s++;
            n--;
        }
        r->on_error(r->on_error_ud, s, n);
    }
}

/* Formatted reply_error().  Formatting failure (a bad format) yields the
 * format string itself rather than nothing. */
void reply_errorf(struct reply_buf *r, const char *fmt, ...)
{
    char small[256];
    char *msg = small;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        reply_error(r, fmt);
        return;
    }
    if ((size_t)n >= sizeof(small)) {
        msg = mem_alloc((size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    reply_error(r, msg);
    if (msg != small)
        mem_free(msg);
}

/* :v */
void reply_int(struct reply_buf *r, long long v)
{
    reply_header(r, ':', v);
}

/* $n\r\n<p>\r\n */
void reply_bulk(struct reply_buf *r, const char *p, size_t n)
{
    reply_reserve(r, REPLY_HDR_MAX + n + 2);
    r->len += reply_fmt_header(r->buf + r->len, '$', (long long)n);
    if (n)
        memcpy(r->buf + r->len, p, n);
    r->buf[r->len + n] = '\r';
    r->buf[r->len + n + 1] = '\n';
    r->len += n + 2;
}

/* A C string as a bulk; NULL is a null reply. */
void reply_bulk_cstr(struct reply_buf *r, const char *s)
{
    if (s)
        reply_bulk(r, s, strlen(s));
    else
        reply_null(r);
}

/* v in decimal as a bulk. */
void reply_bulk_ll(struct reply_buf *r, long long v)
{
    char digits[24];
    int n = util_ll_to_str(digits, sizeof(digits), v);
    reply_bulk(r, digits, (size_t)n);
}

/* $-1 or _ */
void reply_null(struct reply_buf *r)
{
    if (r->proto >= 3)
        reply_raw(r, "_\r\n", 3);
    else
        reply_raw(r, "$-1\r\n", 5);
}

/* *-1 or _ */
void reply_null_array(struct reply_buf *r)
{
    if (r->proto >= 3)
        reply_raw(r, "_\r\n", 3);
    else
        reply_raw(r, "*-1\r\n", 5);
}

/* *n */
void reply_array(struct reply_buf *r, long n)
{
    reply_header(r, '*', n);
}

/* %n, or *2n in RESP2 (pairs flattened). */
void reply_map(struct reply_buf *r, long n)
{
    if (r->proto >= 3)
        reply_header(r, '%', n);
    else
        reply_header(r, '*', 2LL * n);
}

/* ~n, or *n in RESP2. */
void reply_set(struct reply_buf *r, long n)
{
    reply_header(r, r->proto >= 3 ? '~' : '*', n);
}

/* >n, or *n in RESP2. */
void reply_push(struct reply_buf *r, long n)
{
    reply_header(r, r->proto >= 3 ? '>' : '*', n);
}

/* A double as Redis 7.0's addReplyDouble() writes it. */
void reply_double(struct reply_buf *r, double d)
{
    char num[40];
    int n;

    if (isinf(d)) {
        if (r->proto >= 3)
            reply_raw(r, d > 0 ? ",inf\r\n" : ",-inf\r\n", d > 0 ? 6 : 7);
        else
            reply_bulk(r, d > 0 ? "inf" : "-inf", d > 0 ? 3 : 4);
        return;
    }
    n = snprintf(num, sizeof(num), "%.17g", d);
    if (r->proto >= 3) {
        reply_reserve(r, (size_t)n + 3);
        r->buf[r->len] = ',';
        memcpy(r->buf + r->len + 1, num, (size_t)n);
        memcpy(r->buf + r->len + 1 + n, "\r\n", 2);
        r->len += (size_t)n + 3;
    } else {
        reply_bulk(r, num, (size_t)n);
    }
}

/* #t/#f, or :1/:0 in RESP2. */
void reply_bool(struct reply_buf *r, int b)
{
    if (r->proto >= 3)
        reply_raw(r, b ? "#t\r\n" : "#f\r\n", 4);
    else
        reply_raw(r, b ? ":1\r\n" : ":0\r\n", 4);
}

/* =<n+4>\r\n<ext>:<text>\r\n, or a bulk of the text in RESP2.  ext3 is the
 * three-letter format ("txt", "mkd"); NULL means "txt", a shorter one is
 * padded with spaces and a longer one cut, as addReplyVerbatim() does. */
void reply_verbatim(struct reply_buf *r, const char *p, size_t n, const char *ext3)
{
    if (r->proto < 3) {
        reply_bulk(r, p, n);
        return;
    }
    if (!ext3)
        ext3 = "txt";
    reply_reserve(r, REPLY_HDR_MAX + 4 + n + 2);
    r->len += reply_fmt_header(r->buf + r->len, '=', (long long)n + 4);
    for (int i = 0; i < 3; i++) /* a shorter ext is space-padded, as Redis does */
        r->buf[r->len + i] = *ext3 ? *ext3++ : ' ';
    r->buf[r->len + 3] = ':';
    r->len += 4;
    reply_raw(r, p, n);
    reply_raw(r, "\r\n", 2);
}

/* (digits, or a bulk of the digits in RESP2. */
void reply_bignum(struct reply_buf *r, const char *digits, size_t n)
{
    if (r->proto < 3) {
        reply_bulk(r, digits, n);
        return;
    }
    reply_reserve(r, n + 3);
    r->buf[r->len++] = '(';
    reply_raw(r, digits, n);
    reply_raw(r, "\r\n", 2);
}

/* Mark where a container header will go; returns the handle for
 * reply_defer_*(). */
size_t reply_defer(struct reply_buf *r)
{
    return r->len;
}

/* Insert "<prefix><n>\r\n" at the deferred position. */
static void reply_defer_fill(struct reply_buf *r, size_t handle, char prefix, long long n)
{
    char hdr[REPLY_HDR_MAX];
    size_t hlen = reply_fmt_header(hdr, prefix, n);

    assert(handle <= r->len && handle >= r->sent);
    reply_reserve(r, hlen);
    memmove(r->buf + handle + hlen, r->buf + handle, r->len - handle);
    memcpy(r->buf + handle, hdr, hlen);
    r->len += hlen;
}

/* Fill a deferred array of n elements. */
void reply_defer_array(struct reply_buf *r, size_t handle, long n)
{
    reply_defer_fill(r, handle, '*', n);
}

/* Fill a deferred map of n pairs (*2n in RESP2). */
void reply_defer_map(struct reply_buf *r, size_t handle, long n)
{
    if (r->proto >= 3)
        reply_defer_fill(r, handle, '%', n);
    else
        reply_defer_fill(r, handle, '*', 2LL * n);
}

/* Fill a deferred set of n elements (*n in RESP2). */
void reply_defer_set(struct reply_buf *r, size_t handle, long n)
{
    reply_defer_fill(r, handle, r->proto >= 3 ? '~' : '*', n);
}
