/* compat_resp.c -- reply trees: RESP2/RESP3 reader, rendering, comparison.
 *
 * The reader is re-entrant and stateless: it parses one whole reply from
 * the start of a buffer or reports that more bytes are needed, in which case
 * the caller reads more and parses again from the start.  Replies in tests
 * are small, so re-parsing costs nothing that matters, and there is no
 * partial state that could go wrong.
 *
 * Rendering uses the same notation scripts use for expected replies
 * (compat_literal.c), so a rendered reply can be pasted after "=>". */
#include "compat.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RESP_MAX_DEPTH 128

/* ---- construction ------------------------------------------------------ */

struct reply *reply_new(enum rtype t)
{
    struct reply *r = xcalloc(1, sizeof(*r));
    r->type = t;
    return r;
}

struct reply *reply_str(enum rtype t, const char *s, size_t len)
{
    struct reply *r = reply_new(t);
    r->str = xstrndup(s, len);
    r->len = len;
    return r;
}

/* Append a child to an aggregate (maps take keys and values in turn). */
void reply_push(struct reply *agg, struct reply *child)
{
    agg->elem = xrealloc(agg->elem, (agg->nelem + 1) * sizeof(*agg->elem));
    agg->elem[agg->nelem++] = child;
}

void reply_free(struct reply *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nelem; i++)
        reply_free(r->elem[i]);
    free(r->elem);
    free(r->str);
    reply_free(r->attr);
    free(r);
}

struct reply *reply_dup(const struct reply *r)
{
    if (!r)
        return NULL;
    struct reply *d = reply_new(r->type);
    if (r->str)
        d->str = xstrndup(r->str, r->len);
    d->len = r->len;
    memcpy(d->fmt, r->fmt, sizeof(d->fmt));
    d->num = r->num;
    d->stripped = r->stripped;
    d->unordered = r->unordered;
    d->pairs = r->pairs;
    d->attr = reply_dup(r->attr);
    for (size_t i = 0; i < r->nelem; i++)
        reply_push(d, reply_dup(r->elem[i]));
    return d;
}

int reply_is_aggregate(enum rtype t)
{
    return t == R_ARRAY || t == R_MAP || t == R_SET || t == R_PUSH;
}

int reply_is_stringlike(enum rtype t)
{
    return t == R_STATUS || t == R_ERROR || t == R_BULK || t == R_VERB ||
           t == R_BLOBERR || t == R_DOUBLE || t == R_BIGNUM;
}

const char *reply_type_name(enum rtype t)
{
    switch (t) {
    case R_STATUS: return "status";
    case R_ERROR: return "error";
    case R_INT: return "int";
    case R_BULK: return "bulk";
    case R_NIL_BULK: return "nil";
    case R_NIL_ARRAY: return "nil-array";
    case R_NULL: return "null";
    case R_DOUBLE: return "double";
    case R_BOOL: return "bool";
    case R_BIGNUM: return "bignum";
    case R_VERB: return "verbatim";
    case R_BLOBERR: return "blob-error";
    case R_ARRAY: return "array";
    case R_MAP: return "map";
    case R_SET: return "set";
    case R_PUSH: return "push";
    case R_ANY: return "any";
    case R_CLOSED: return "closed";
    case R_TIMEOUT: return "timeout";
    case R_NOREPLY: return "noreply";
    case R_PROTOERR: return "protocol-error";
    }
    return "?";
}

/* ---- reader ----------------------------------------------------------- */

struct pstate {
    const char *p;
    const char *end;
    char *err;
    size_t errlen;
};

/* Take one CRLF-terminated line.  1 ok, 0 incomplete. */
static int take_line(struct pstate *ps, const char **s, size_t *n)
{
    for (const char *q = ps->p; q + 1 < ps->end; q++) {
        if (q[0] == '\r' && q[1] == '\n') {
            *s = ps->p;
            *n = (size_t)(q - ps->p);
            ps->p = q + 2;
            return 1;
        }
    }
    return 0;
}

/* Strict decimal parse of a whole line. */
static int parse_ll(const char *s, size_t n, long long *v)
{
    char tmp[32];
    if (n == 0 || n >= sizeof(tmp))
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char *endp;
    errno = 0;
    long long x = strtoll(tmp, &endp, 10);
    if (errno || *endp)
        return -1;
    *v = x;
    return 0;
}

static int perr(struct pstate *ps, const char *msg, char type)
{
    snprintf(ps->err, ps->errlen, "%s (type byte '%c')", msg, type);
    return -1;
}

static int parse_one(struct pstate *ps, struct reply **out, int depth)
{
    const char *s;
    size_t n;
    long long len;

    if (depth > RESP_MAX_DEPTH) {
        snprintf(ps->err, ps->errlen, "nesting deeper than %d", RESP_MAX_DEPTH);
        return -1;
    }
    if (ps->p >= ps->end)
        return 0;
    char t = *ps->p++;
    if (!take_line(ps, &s, &n))
        return 0;

    switch (t) {
    case '+':
        *out = reply_str(R_STATUS, s, n);
        return 1;
    case '-':
        *out = reply_str(R_ERROR, s, n);
        return 1;
    case ',':
        *out = reply_str(R_DOUBLE, s, n);
        return 1;
    case '(':
        *out = reply_str(R_BIGNUM, s, n);
        return 1;
    case ':':
        if (parse_ll(s, n, &len) < 0)
            return perr(ps, "bad integer", t);
        *out = reply_new(R_INT);
        (*out)->num = len;
        return 1;
    case '#':
        if (n != 1 || (s[0] != 't' && s[0] != 'f'))
            return perr(ps, "bad boolean", t);
        *out = reply_new(R_BOOL);
        (*out)->num = s[0] == 't';
        return 1;
    case '_':
        if (n != 0)
            return perr(ps, "bad null", t);
        *out = reply_new(R_NULL);
        return 1;
    case '$':
    case '!':
    case '=': {
        if (parse_ll(s, n, &len) < 0)
            return perr(ps, "bad length", t);
        if (len == -1 && t == '$') {
            *out = reply_new(R_NIL_BULK);
            return 1;
        }
        if (len < 0)
            return perr(ps, "negative length", t);
        if ((long long)(ps->end - ps->p) < len + 2)
            return 0;
        const char *body = ps->p;
        if (body[len] != '\r' || body[len + 1] != '\n')
            return perr(ps, "string not followed by CRLF", t);
        ps->p += len + 2;
        if (t == '$') {
            *out = reply_str(R_BULK, body, (size_t)len);
        } else if (t == '!') {
            *out = reply_str(R_BLOBERR, body, (size_t)len);
        } else {
            if (len < 4 || body[3] != ':')
                return perr(ps, "verbatim string without format", t);
            *out = reply_str(R_VERB, body + 4, (size_t)len - 4);
            memcpy((*out)->fmt, body, 3);
            (*out)->fmt[3] = '\0';
        }
        return 1;
    }
    case '*':
    case '%':
    case '~':
    case '>':
    case '|': {
        if (parse_ll(s, n, &len) < 0)
            return perr(ps, "bad aggregate length", t);
        if (len == -1 && t == '*') {
            *out = reply_new(R_NIL_ARRAY);
            return 1;
        }
        if (len < 0)
            return perr(ps, "negative aggregate length", t);
        long long count = (t == '%' || t == '|') ? len * 2 : len;
        /* Every element takes at least 3 bytes: refuse absurd counts before
         * allocating anything for them. */
        if (count > (long long)(ps->end - ps->p))
            return 0;
        enum rtype rt = t == '*' ? R_ARRAY : t == '~' ? R_SET :
                        t == '>' ? R_PUSH : R_MAP;
        struct reply *agg = reply_new(rt);
        for (long long i = 0; i < count; i++) {
            struct reply *child = NULL;
            int rc = parse_one(ps, &child, depth + 1);
            if (rc <= 0) {
                reply_free(agg);
                return rc;
            }
            reply_push(agg, child);
        }
        if (t == '|') {
            /* An attribute decorates the reply that follows it. */
            struct reply *value = NULL;
            int rc = parse_one(ps, &value, depth + 1);
            if (rc <= 0) {
                reply_free(agg);
                return rc;
            }
            reply_free(value->attr);
            value->attr = agg;
            *out = value;
            return 1;
        }
        *out = agg;
        return 1;
    }
    default:
        return perr(ps, "unknown reply type", t);
    }
}

int resp_parse(const char *buf, size_t len, size_t *used, struct reply **out,
               char *err, size_t errlen)
{
    struct pstate ps = { buf, buf + len, err, errlen };
    struct reply *r = NULL;
    int rc = parse_one(&ps, &r, 0);
    if (rc == 1) {
        *out = r;
        *used = (size_t)(ps.p - buf);
    }
    return rc;
}

/* ---- rendering -------------------------------------------------------- */

/* Characters a bare token may not contain: they delimit tokens in the
 * literal notation or start a quoted string. */
static int bare_safe(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c >= 0x7f || strchr("\"'[]{}\\", c))
            return 0;
    }
    return 1;
}

void render_token(const char *s, size_t len, struct buf *out, int always_quote)
{
    if (!always_quote && bare_safe(s, len)) {
        buf_add(out, s, len);
        return;
    }
    buf_addc(out, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': buf_adds(out, "\\\""); break;
        case '\\': buf_adds(out, "\\\\"); break;
        case '\n': buf_adds(out, "\\n"); break;
        case '\r': buf_adds(out, "\\r"); break;
        case '\t': buf_adds(out, "\\t"); break;
        default:
            if (c < ' ' || c >= 0x7f)
                buf_printf(out, "\\x%02x", c);
            else
                buf_addc(out, (char)c);
        }
    }
    buf_addc(out, '"');
}

static void render_rec(const struct reply *r, struct buf *out, size_t stop)
{
    if (stop && out->len > stop)
        return;
    if (r->attr) {
        buf_adds(out, "|{");
        for (size_t i = 0; i < r->attr->nelem; i++) {
            if (i)
                buf_addc(out, ' ');
            render_rec(r->attr->elem[i], out, stop);
        }
        buf_adds(out, "} ");
    }
    if (r->stripped) {
        /* @ignore-value scalars and @type-only aggregates: type only. */
        buf_printf(out, "<%s>", reply_type_name(r->type));
        return;
    }
    const char *open = NULL, *close = NULL;
    switch (r->type) {
    case R_STATUS:
        buf_addc(out, '+');
        render_token(r->str, r->len, out, 0);
        return;
    case R_ERROR:
        buf_addc(out, '-');
        render_token(r->str, r->len, out, 0);
        return;
    case R_BLOBERR:
        buf_addc(out, '!');
        render_token(r->str, r->len, out, 1);
        return;
    case R_INT:
        buf_printf(out, ":%lld", r->num);
        return;
    case R_BULK:
        render_token(r->str, r->len, out, 1);
        return;
    case R_VERB:
        buf_printf(out, "=%s:", r->fmt);
        render_token(r->str, r->len, out, 1);
        return;
    case R_DOUBLE:
        buf_addc(out, ',');
        render_token(r->str, r->len, out, 0);
        return;
    case R_BIGNUM:
        buf_addc(out, '(');
        render_token(r->str, r->len, out, 0);
        return;
    case R_BOOL:
        buf_adds(out, r->num ? "#t" : "#f");
        return;
    case R_NIL_BULK: buf_adds(out, "(nil)"); return;
    case R_NIL_ARRAY: buf_adds(out, "(nil-array)"); return;
    case R_NULL: buf_adds(out, "_"); return;
    case R_ANY: buf_adds(out, "?"); return;
    case R_CLOSED: buf_adds(out, "(closed)"); return;
    case R_TIMEOUT: buf_adds(out, "(timeout)"); return;
    case R_NOREPLY: buf_adds(out, "(noreply)"); return;
    case R_PROTOERR:
        buf_adds(out, "(protocol-error ");
        render_token(r->str, r->len, out, 1);
        buf_addc(out, ')');
        return;
    case R_ARRAY: open = "["; close = "]"; break;
    case R_PUSH: open = ">["; close = "]"; break;
    case R_MAP: open = "%{"; close = "}"; break;
    case R_SET: open = "~{"; close = "}"; break;
    }
    buf_adds(out, open);
    for (size_t i = 0; i < r->nelem; i++) {
        if (i)
            buf_addc(out, ' ');
        if (stop && out->len > stop)
            return;
        render_rec(r->elem[i], out, stop);
    }
    buf_adds(out, close);
}

void reply_render(const struct reply *r, struct buf *out, size_t limit)
{
    size_t start = out->len;
    render_rec(r, out, limit ? start + limit : 0);
    if (limit && out->len > start + limit) {
        out->len = start + limit;
        out->p[out->len] = '\0';
        buf_adds(out, "...");
    }
}

/* ---- comparison ------------------------------------------------------- */

static int num_close(long double a, long double b, const struct cmp_opts *o)
{
    if (!o || !o->has_approx)
        return a == b;
    /* Negative values are sentinels (TTL -1/-2): they must match exactly,
     * and a sentinel never matches a real value. */
    if (a < 0 || b < 0)
        return a == b;
    long double d = a > b ? a - b : b - a;
    return d <= (long double)o->approx;
}

static int equal_rec(const struct reply *a, const struct reply *b,
                     const struct cmp_opts *o);

/* Children compared as a multiset: each child of a must pair with a
 * distinct child of b.  Maps pair key and value together.  Greedy matching
 * is enough here: wildcards inside unordered aggregates are rare. */
static int equal_unordered(const struct reply *a, const struct reply *b,
                           const struct cmp_opts *o)
{
    size_t step = (a->type == R_MAP || a->pairs || b->pairs) ? 2 : 1;
    size_t units = a->nelem / step;
    char *used = xcalloc(units ? units : 1, 1);
    int ok = 1;
    for (size_t i = 0; ok && i < units; i++) {
        int found = 0;
        for (size_t j = 0; j < units && !found; j++) {
            if (used[j])
                continue;
            int same = 1;
            for (size_t k = 0; k < step && same; k++)
                same = equal_rec(a->elem[i * step + k], b->elem[j * step + k], o);
            if (same) {
                used[j] = 1;
                found = 1;
            }
        }
        ok = found;
    }
    free(used);
    return ok;
}

static int equal_rec(const struct reply *a, const struct reply *b,
                     const struct cmp_opts *o)
{
    if (a->type == R_ANY || b->type == R_ANY)
        return 1;
    if (!a->attr != !b->attr)
        return 0;
    if (a->attr && !equal_rec(a->attr, b->attr, o))
        return 0;
    if (a->type != b->type)
        return 0;
    if ((a->stripped || b->stripped) && !reply_is_aggregate(a->type))
        return 1;
    switch (a->type) {
    case R_INT:
        return num_close((long double)a->num, (long double)b->num, o);
    case R_BOOL:
        return a->num == b->num;
    case R_DOUBLE:
        if (o && o->has_approx) {
            char *ea, *eb;
            long double x = strtold(a->str, &ea), y = strtold(b->str, &eb);
            if (!*ea && !*eb && !isnan((double)x) && !isnan((double)y))
                return num_close(x, y, o);
        }
        return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
    case R_VERB:
        if (strcmp(a->fmt, b->fmt) != 0)
            return 0;
        return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
    case R_STATUS:
    case R_ERROR:
    case R_BULK:
    case R_BLOBERR:
    case R_BIGNUM:
    case R_PROTOERR:
        return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
    case R_NIL_BULK:
    case R_NIL_ARRAY:
    case R_NULL:
    case R_CLOSED:
    case R_TIMEOUT:
    case R_NOREPLY:
    case R_ANY:
        return 1;
    case R_ARRAY:
    case R_MAP:
    case R_SET:
    case R_PUSH:
        if (a->nelem != b->nelem)
            return 0;
        if (a->unordered || b->unordered)
            return equal_unordered(a, b, o);
        for (size_t i = 0; i < a->nelem; i++)
            if (!equal_rec(a->elem[i], b->elem[i], o))
                return 0;
        return 1;
    }
    return 0;
}

int reply_equal(const struct reply *a, const struct reply *b,
                const struct cmp_opts *o)
{
    return equal_rec(a, b, o);
}
