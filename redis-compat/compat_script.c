/* compat_script.c -- split script lines into arguments the way redis-cli
 * does (its sdssplitargs rules), so a line can be pasted from redis-cli.
 *
 *   bare words       end at whitespace
 *   "double quoted"  \xHH, \n, \r, \t, \b, \a, \\ and \" escapes
 *   'single quoted'  only \' is an escape
 *
 * A closing quote must be followed by whitespace or the end of the line.
 * Unlike redis-cli, a quote only opens a quoted string at the start of a
 * token (a"b" is the three bytes a"b"), which keeps the rule obvious. */
#include "compat.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int scan_string(const char **pp, struct buf *out, const char *stop,
                int *quoted, char *err, size_t errlen)
{
    const char *p = *pp;
    out->len = 0;
    buf_reserve(out, 0);
    out->p[0] = '\0';

    if (*p == '"' || *p == '\'') {
        char q = *p++;
        *quoted = 1;
        for (;;) {
            if (*p == '\0') {
                snprintf(err, errlen, "unbalanced quotes");
                return -1;
            }
            if (q == '"' && p[0] == '\\' && p[1] == 'x' &&
                hexval(p[2]) >= 0 && hexval(p[3]) >= 0) {
                buf_addc(out, (char)(hexval(p[2]) * 16 + hexval(p[3])));
                p += 4;
            } else if (q == '"' && p[0] == '\\' && p[1] != '\0') {
                char c = p[1];
                switch (c) {
                case 'n': c = '\n'; break;
                case 'r': c = '\r'; break;
                case 't': c = '\t'; break;
                case 'b': c = '\b'; break;
                case 'a': c = '\a'; break;
                default: break;
                }
                buf_addc(out, c);
                p += 2;
            } else if (q == '\'' && p[0] == '\\' && p[1] == '\'') {
                buf_addc(out, '\'');
                p += 2;
            } else if (*p == q) {
                p++;
                if (*p && !isspace((unsigned char)*p) && !strchr(stop, *p)) {
                    snprintf(err, errlen, "closing quote must be followed by a space");
                    return -1;
                }
                break;
            } else {
                buf_addc(out, *p++);
            }
        }
    } else {
        *quoted = 0;
        while (*p && !isspace((unsigned char)*p) && !strchr(stop, *p))
            buf_addc(out, *p++);
    }
    *pp = p;
    return 0;
}

static void tokens_push(struct tokens *t, const char *s, size_t len, int quoted)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->v = xrealloc(t->v, (size_t)t->cap * sizeof(*t->v));
    }
    t->v[t->n].s = xstrndup(s, len);
    t->v[t->n].len = len;
    t->v[t->n].quoted = quoted;
    t->n++;
}

int split_line(const char *line, struct tokens *out, char *err, size_t errlen)
{
    struct buf tok;
    buf_init(&tok);
    memset(out, 0, sizeof(*out));
    const char *p = line;
    for (;;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        int quoted;
        if (scan_string(&p, &tok, "", &quoted, err, errlen) < 0) {
            buf_free(&tok);
            tokens_free(out);
            return -1;
        }
        if (!quoted && tok.len == 2 && memcmp(tok.p, "=>", 2) == 0) {
            out->rest = p;
            break;
        }
        tokens_push(out, tok.p, tok.len, quoted);
    }
    buf_free(&tok);
    return 0;
}

void tokens_free(struct tokens *t)
{
    for (int i = 0; i < t->n; i++)
        free(t->v[i].s);
    free(t->v);
    memset(t, 0, sizeof(*t));
}
