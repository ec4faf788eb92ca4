/* compat_literal.c -- parse the reply notation written after "=>".
 *
 * The notation is the one reply_render() prints (README.md has the table):
 *
 *   +OK  -"ERR x"  :12  "bulk"  bare-bulk  (nil)  (nil-array)  _  ,1.5
 *   #t  #f  (12345  =txt:"text"  !"blob error"  ?
 *   [a b c]  %{k v}  ~{a b}  >[a b]  |{k v} value
 *   (closed)  (timeout)  (noreply)
 *
 * Tokens are separated by whitespace; strings after a type marker are bare
 * words or quoted like script arguments. */
#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIT_MAX_DEPTH 64

static void skip_ws(const char **pp)
{
    while (**pp && isspace((unsigned char)**pp))
        (*pp)++;
}

static int at_delim(const char *p)
{
    return *p == '\0' || isspace((unsigned char)*p) || *p == ']' || *p == '}';
}

/* A string after a type marker (or a bulk on its own). */
static struct reply *lit_string(const char **pp, enum rtype t, char *err,
                                size_t errlen)
{
    struct buf b;
    int quoted;
    buf_init(&b);
    if (scan_string(pp, &b, "]}", &quoted, err, errlen) < 0) {
        buf_free(&b);
        return NULL;
    }
    if (!quoted && b.len == 0 && t != R_BULK) {
        snprintf(err, errlen, "missing text after type marker");
        buf_free(&b);
        return NULL;
    }
    struct reply *r = reply_str(t, b.p, b.len);
    buf_free(&b);
    return r;
}

static struct reply *lit_value(const char **pp, char *err, size_t errlen,
                               int depth);

/* Elements up to the closing character. */
static struct reply *lit_aggregate(const char **pp, enum rtype t, char close,
                                   char *err, size_t errlen, int depth)
{
    struct reply *agg = reply_new(t);
    for (;;) {
        skip_ws(pp);
        if (**pp == close) {
            (*pp)++;
            break;
        }
        if (**pp == '\0' || **pp == ']' || **pp == '}') {
            snprintf(err, errlen, "expected '%c' to close the aggregate", close);
            reply_free(agg);
            return NULL;
        }
        struct reply *child = lit_value(pp, err, errlen, depth + 1);
        if (!child) {
            reply_free(agg);
            return NULL;
        }
        reply_push(agg, child);
    }
    if (t == R_MAP && agg->nelem % 2) {
        snprintf(err, errlen, "a map needs an even number of elements");
        reply_free(agg);
        return NULL;
    }
    return agg;
}

static const struct {
    const char *word;
    enum rtype type;
} paren_words[] = {
    { "(nil)", R_NIL_BULK },
    { "(nil-array)", R_NIL_ARRAY },
    { "(closed)", R_CLOSED },
    { "(timeout)", R_TIMEOUT },
    { "(noreply)", R_NOREPLY },
};

static struct reply *lit_value(const char **pp, char *err, size_t errlen,
                               int depth)
{
    if (depth > LIT_MAX_DEPTH) {
        snprintf(err, errlen, "literal nested too deeply");
        return NULL;
    }
    skip_ws(pp);
    const char *p = *pp;
    struct reply *r;

    switch (*p) {
    case '\0':
        snprintf(err, errlen, "missing reply");
        return NULL;
    case '?':
        if (!at_delim(p + 1))
            break;
        *pp = p + 1;
        return reply_new(R_ANY);
    case '_':
        if (!at_delim(p + 1))
            break;
        *pp = p + 1;
        return reply_new(R_NULL);
    case '+':
        *pp = p + 1;
        return lit_string(pp, R_STATUS, err, errlen);
    case '-':
        *pp = p + 1;
        return lit_string(pp, R_ERROR, err, errlen);
    case '!':
        *pp = p + 1;
        return lit_string(pp, R_BLOBERR, err, errlen);
    case ',':
        *pp = p + 1;
        return lit_string(pp, R_DOUBLE, err, errlen);
    case ':': {
        *pp = p + 1;
        r = lit_string(pp, R_INT, err, errlen);
        if (!r)
            return NULL;
        char *end;
        errno = 0;
        long long v = strtoll(r->str, &end, 10);
        if (errno || *end || r->len == 0) {
            snprintf(err, errlen, "bad integer ':%s'", r->str);
            reply_free(r);
            return NULL;
        }
        free(r->str);
        r->str = NULL;
        r->len = 0;
        r->num = v;
        return r;
    }
    case '#':
        if ((p[1] == 't' || p[1] == 'f') && at_delim(p + 2)) {
            r = reply_new(R_BOOL);
            r->num = p[1] == 't';
            *pp = p + 2;
            return r;
        }
        snprintf(err, errlen, "a boolean is #t or #f");
        return NULL;
    case '(':
        for (size_t i = 0; i < sizeof(paren_words) / sizeof(paren_words[0]); i++) {
            size_t n = strlen(paren_words[i].word);
            if (strncmp(p, paren_words[i].word, n) == 0 && at_delim(p + n)) {
                *pp = p + n;
                return reply_new(paren_words[i].type);
            }
        }
        /* A big number: digits from a real server, kept as text. */
        *pp = p + 1;
        r = lit_string(pp, R_BIGNUM, err, errlen);
        return r;
    case '=':
        if (p[1] && p[2] && p[3] && p[4] == ':') {
            *pp = p + 5;
            r = lit_string(pp, R_VERB, err, errlen);
            if (r)
                memcpy(r->fmt, p + 1, 3);
            return r;
        }
        snprintf(err, errlen, "a verbatim string is =fmt:\"text\" (fmt is 3 characters)");
        return NULL;
    case '[':
        *pp = p + 1;
        return lit_aggregate(pp, R_ARRAY, ']', err, errlen, depth);
    case '%':
        if (p[1] != '{')
            break;
        *pp = p + 2;
        return lit_aggregate(pp, R_MAP, '}', err, errlen, depth);
    case '~':
        if (p[1] != '{')
            break;
        *pp = p + 2;
        return lit_aggregate(pp, R_SET, '}', err, errlen, depth);
    case '>':
        if (p[1] != '[')
            break;
        *pp = p + 2;
        return lit_aggregate(pp, R_PUSH, ']', err, errlen, depth);
    case '|': {
        if (p[1] != '{')
            break;
        *pp = p + 2;
        struct reply *attr = lit_aggregate(pp, R_MAP, '}', err, errlen, depth);
        if (!attr)
            return NULL;
        r = lit_value(pp, err, errlen, depth + 1);
        if (!r) {
            reply_free(attr);
            return NULL;
        }
        reply_free(r->attr);
        r->attr = attr;
        return r;
    }
    default:
        break;
    }
    /* Anything else is a bulk string, bare or quoted. */
    return lit_string(pp, R_BULK, err, errlen);
}

struct reply *literal_parse(const char *text, char *err, size_t errlen)
{
    const char *p = text;
    struct reply *r = lit_value(&p, err, errlen, 0);
    if (!r)
        return NULL;
    skip_ws(&p);
    if (*p) {
        snprintf(err, errlen, "unexpected text after the reply: '%.40s'", p);
        reply_free(r);
        return NULL;
    }
    return r;
}
