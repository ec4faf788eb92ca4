/* util.c -- number and string helpers (see util.h).
 *
 * Every parser here reproduces a Redis 7.0 helper's accept/reject decisions
 * exactly, because clients and config files observe them:
 *   util_str_to_ll      string2ll   (strict: no '+', spaces, leading zeros, "-0")
 *   util_str_to_ull     the same rules over the unsigned range (stricter than
 *                       Redis's string2ull; see util_str_to_ull_lenient)
 *   util_str_to_double  string2d    (strtod; no leading space, no nan, no junk)
 *   util_glob_match     stringmatchlen (including its quirks with an unclosed
 *                       '[', reversed ranges and a ']' used as a range end)
 *   util_parse_memory   memtoull    (k=1000, kb=1024, ...; no sign)
 *   util_split_args     sdssplitargs
 * Redis's versions read C strings; ours take counted strings and treat the
 * byte past the end as the NUL Redis would have seen there.
 *
 * Only ASCII ctype rules are used (Redis never sets LC_CTYPE), written out
 * here so that a locale can never change what parses. */
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "mem.h"

/* isspace() in the C locale. */
static int util_is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* tolower() in the C locale; other values pass through unchanged. */
static int util_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int util_is_hex(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int util_hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return c - 'A' + 10;
}

/* Parse the unsigned magnitude s[0..len) as string2ll does after the sign:
 * the first digit is 1-9 (a lone "0" is the caller's business), all bytes are
 * digits and the value fits in unsigned long long.  Returns 1 on success. */
static int util_parse_magnitude(const char *s, size_t len, unsigned long long *out)
{
    unsigned long long v;
    size_t i;

    if (len == 0 || s[0] < '1' || s[0] > '9')
        return 0;
    v = (unsigned long long)(s[0] - '0');
    for (i = 1; i < len; i++) {
        unsigned d;
        if (s[i] < '0' || s[i] > '9')
            return 0;
        d = (unsigned)(s[i] - '0');
        if (v > ULLONG_MAX / 10 || v * 10 > ULLONG_MAX - d)
            return 0;
        v = v * 10 + d;
    }
    *out = v;
    return 1;
}

/* Strict signed parse (Redis's string2ll).  Returns 1 and sets *out, or 0
 * (out untouched) on anything that is not exactly a canonical integer. */
int util_str_to_ll(const char *s, size_t len, long long *out)
{
    unsigned long long mag;
    int neg = 0;

    /* Redis bails out early on 21+ bytes; no valid value is that long. */
    if (len == 0 || len >= 21)
        return 0;
    if (len == 1 && s[0] == '0') {
        *out = 0;
        return 1;
    }
    if (s[0] == '-') {
        neg = 1;
        s++;
        len--;
    }
    if (!util_parse_magnitude(s, len, &mag))
        return 0; /* also rejects "-", "-0", "+1", " 1", "01" */
    if (neg) {
        if (mag > (unsigned long long)LLONG_MAX + 1)
            return 0;
        *out = (mag == (unsigned long long)LLONG_MAX + 1) ? LLONG_MIN : -(long long)mag;
    } else {
        if (mag > (unsigned long long)LLONG_MAX)
            return 0;
        *out = (long long)mag;
    }
    return 1;
}

/* Strict unsigned parse: the rules of util_str_to_ll, no sign at all, over
 * 0..ULLONG_MAX.  Returns 1 on success, 0 otherwise. */
int util_str_to_ull(const char *s, size_t len, unsigned long long *out)
{
    if (len == 0 || len > 20)
        return 0;
    if (len == 1 && s[0] == '0') {
        *out = 0;
        return 1;
    }
    return util_parse_magnitude(s, len, out);
}

/* Redis's string2ull() exactly, as stream IDs use it: string2ll() first
 * (negatives rejected), then a strtoull() fallback that also takes leading
 * spaces, '+', leading zeros and "-0".  Stops at an embedded NUL as the C
 * string version would.  Returns 1 on success, 0 otherwise. */
int util_str_to_ull_lenient(const char *s, size_t len, unsigned long long *out)
{
    char small[128];
    char *buf = small;
    char *end;
    unsigned long long v;
    long long ll;
    int ok;
    const char *nul = memchr(s, '\0', len);

    if (nul)
        len = (size_t)(nul - s);
    if (util_str_to_ll(s, len, &ll)) {
        if (ll < 0)
            return 0;
        *out = (unsigned long long)ll;
        return 1;
    }
    if (len == 0)
        return 0;
    if (len >= sizeof(small))
        buf = mem_alloc(len + 1);
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    v = strtoull(buf, &end, 10);
    ok = !(errno == EINVAL || errno == ERANGE || *end != '\0');
    if (buf != small)
        mem_free(buf);
    if (ok)
        *out = v;
    return ok;
}

/* Strict double (Redis's string2d): strtod over exactly s[0..len), rejecting
 * an empty string, a leading space, trailing bytes, nan, and overflow or
 * underflow that strtod reports with ERANGE.  Returns 1 on success. */
int util_str_to_double(const char *s, size_t len, double *out)
{
    char small[128];
    char *buf = small;
    char *end;
    double v;
    int ok;

    if (len == 0 || util_is_space((unsigned char)s[0]))
        return 0;
    if (len >= sizeof(small))
        buf = mem_alloc(len + 1);
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    v = strtod(buf, &end);
    ok = (size_t)(end - buf) == len && !isnan(v) &&
         !(errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || fpclassify(v) == FP_ZERO));
    if (buf != small)
        mem_free(buf);
    if (ok)
        *out = v;
    return ok;
}

/* Two decimal digits for each value 0..99, so formatting does half the
 * divisions. */
static const char util_digit_pairs[201] =
    "0001020304050607080910111213141516171819"
    "2021222324252627282930313233343536373839"
    "4041424344454647484950515253545556575859"
    "6061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Number of decimal digits of v (1..20). */
static int util_digits10(unsigned long long v)
{
    int n = 1;
    while (v >= 10000) {
        v /= 10000;
        n += 4;
    }
    if (v >= 1000)
        return n + 3;
    if (v >= 100)
        return n + 2;
    if (v >= 10)
        return n + 1;
    return n;
}

/* Write v in decimal plus a NUL.  Returns the length (without the NUL), or
 * 0 with buf[0] = '\0' (when size > 0) if it does not fit. */
int util_ull_to_str(char *buf, size_t size, unsigned long long v)
{
    int n = util_digits10(v);
    int i = n - 1;

    if ((size_t)n + 1 > size) {
        if (size)
            buf[0] = '\0';
        return 0;
    }
    buf[n] = '\0';
    while (v >= 100) {
        unsigned idx = (unsigned)(v % 100) * 2;
        v /= 100;
        buf[i--] = util_digit_pairs[idx + 1];
        buf[i--] = util_digit_pairs[idx];
    }
    if (v < 10) {
        buf[i] = (char)('0' + v);
    } else {
        buf[i] = util_digit_pairs[v * 2 + 1];
        buf[i - 1] = util_digit_pairs[v * 2];
    }
    return n;
}

/* Signed counterpart of util_ull_to_str (LLONG_MIN included); same failure. */
int util_ll_to_str(char *buf, size_t size, long long v)
{
    unsigned long long mag;
    int n;

    if (v >= 0)
        return util_ull_to_str(buf, size, (unsigned long long)v);
    mag = (unsigned long long)(-(v + 1)) + 1;
    if (size < 2) {
        if (size)
            buf[0] = '\0';
        return 0;
    }
    n = util_ull_to_str(buf + 1, size - 1, mag);
    if (n == 0) {
        buf[0] = '\0';
        return 0;
    }
    buf[0] = '-';
    return n + 1;
}

/* Glob state: the pattern and string as counted strings.  Byte i of the
 * pattern past its end reads as NUL, the byte Redis finds there. */
struct util_glob {
    const unsigned char *p;
    size_t plen;
    int nocase;
    int give_up; /* see the '*' case in util_glob_from */
};

static int util_pat_at(const struct util_glob *g, size_t i)
{
    return i < g->plen ? g->p[i] : 0;
}

/* A byte compared as Redis compares it on x86-64, where char is signed: this
 * only matters for the ordering in [a-z] ranges. */
static int util_as_char(int byte)
{
    return (signed char)(unsigned char)byte;
}

/* Match the pattern from offset pi against s[0..slen).  Mirrors
 * stringmatchlen(): after the rest of a pattern fails to match at every
 * position of the string, no earlier '*' can help either, so give_up cuts
 * the search (this keeps "a*a*a*...b" polynomial; results are unchanged). */
static int util_glob_from(struct util_glob *g, size_t pi, const unsigned char *s, size_t slen)
{
    size_t plen_left = g->plen - pi;

    while (plen_left && slen) {
        int pc = g->p[pi];

        if (pc == '*') {
            while (plen_left && util_pat_at(g, pi + 1) == '*') {
                pi++;
                plen_left--;
            }
            if (plen_left == 1)
                return 1;
            while (slen) {
                if (util_glob_from(g, pi + 1, s, slen))
                    return 1;
                if (g->give_up)
                    return 0;
                s++;
                slen--;
            }
            g->give_up = 1;
            return 0;
        } else if (pc == '?') {
            s++;
            slen--;
        } else if (pc == '[') {
            int negate, match = 0;
            int c = s[0];

            pi++;
            plen_left--;
            negate = util_pat_at(g, pi) == '^';
            if (negate) {
                pi++;
                plen_left--;
            }
            for (;;) {
                int cur = util_pat_at(g, pi);
                if (cur == '\\' && plen_left >= 2) {
                    pi++;
                    plen_left--;
                    if (g->p[pi] == c)
                        match = 1;
                } else if (plen_left == 0) {
                    /* Unclosed '[': step back onto its last byte, which the
                     * common advance below steps over again. */
                    pi--;
                    plen_left++;
                    break;
                } else if (cur == ']') {
                    break;
                } else if (plen_left >= 3 && util_pat_at(g, pi + 1) == '-') {
                    int lo = util_as_char(cur);
                    int hi = util_as_char(util_pat_at(g, pi + 2));
                    int sc = util_as_char(c);
                    if (lo > hi) {
                        int t = lo;
                        lo = hi;
                        hi = t;
                    }
                    if (g->nocase) {
                        lo = util_lower(lo);
                        hi = util_lower(hi);
                        sc = util_lower(sc);
                    }
                    pi += 2;
                    plen_left -= 2;
                    if (sc >= lo && sc <= hi)
                        match = 1;
                } else if (g->nocase ? util_lower(cur) == util_lower(c) : cur == c) {
                    match = 1;
                }
                pi++;
                plen_left--;
            }
            if (negate)
                match = !match;
            if (!match)
                return 0;
            s++;
            slen--;
        } else {
            if (pc == '\\' && plen_left >= 2) {
                pi++;
                plen_left--;
                pc = g->p[pi];
            }
            if (g->nocase ? util_lower(pc) != util_lower(s[0]) : pc != s[0])
                return 0;
            s++;
            slen--;
        }
        pi++;
        plen_left--;
        if (slen == 0) {
            while (util_pat_at(g, pi) == '*') {
                pi++;
                plen_left--;
            }
            break;
        }
    }
    return plen_left == 0 && slen == 0;
}

/* Redis's stringmatchlen(): 1 if s matches pattern, else 0.  Note that, as
 * in Redis, an empty string matches only an empty pattern (even "*" fails;
 * KEYS and SCAN special-case a lone "*" before calling it). */
int util_glob_match(const char *pattern, size_t plen, const char *s, size_t slen, int nocase)
{
    struct util_glob g = {(const unsigned char *)pattern, plen, nocase, 0};
    return util_glob_from(&g, 0, (const unsigned char *)s, slen);
}

/* Memory size as Redis's memtoull(): digits followed by nothing, "b", "k",
 * "kb", "m", "mb", "g" or "gb" (any case).  A leading '-' and anything else
 * is rejected; so is a value past LLONG_MAX (Redis's limit is ULLONG_MAX but
 * no config of ours can hold that).  As in Redis, the digits may be absent:
 * "" and "kb" read as 0.  Returns 1 on success. */
int util_parse_memory(const char *s, long long *out)
{
    static const struct {
        const char *unit;
        unsigned long long mul;
    } units[] = {
        {"", 1ULL},
        {"b", 1ULL},
        {"k", 1000ULL},
        {"kb", 1024ULL},
        {"m", 1000ULL * 1000},
        {"mb", 1024ULL * 1024},
        {"g", 1000ULL * 1000 * 1000},
        {"gb", 1024ULL * 1024 * 1024},
    };
    const char *u = s;
    unsigned long long v = 0, mul = 0;
    size_t i;

    while (*u >= '0' && *u <= '9')
        u++;
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (util_eq_nocase(u, strlen(u), units[i].unit)) {
            mul = units[i].mul;
            break;
        }
    }
    if (mul == 0 || u - s >= 128) /* Redis copies the digits to a 128-byte buffer */
        return 0;
    for (; s < u; s++) {
        unsigned d = (unsigned)(*s - '0');
        if (v > ULLONG_MAX / 10 || v * 10 > ULLONG_MAX - d)
            return 0;
        v = v * 10 + d;
    }
    if (v > ULLONG_MAX / mul || v * mul > (unsigned long long)LLONG_MAX)
        return 0;
    *out = (long long)(v * mul);
    return 1;
}

/* 1 if a[0..alen) equals the C string b, ignoring ASCII case. */
int util_eq_nocase(const char *a, size_t alen, const char *b)
{
    size_t i;
    for (i = 0; i < alen; i++) {
        if (b[i] == '\0' || util_lower((unsigned char)a[i]) != util_lower((unsigned char)b[i]))
            return 0;
    }
    return b[alen] == '\0';
}

/* Wall clock in milliseconds since the epoch. */
long long util_mstime(void)
{
    return util_ustime() / 1000;
}

/* Wall clock in microseconds since the epoch. */
long long util_ustime(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* Monotonic clock in microseconds (arbitrary origin). */
long long util_monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Append one finished token to *args (grown by doubling). */
static void util_args_push(struct util_arg **args, int *argc, int *cap, const char *tok, size_t n)
{
    if (*argc == *cap) {
        *cap = *cap ? *cap * 2 : 4;
        *args = mem_realloc(*args, sizeof(**args) * (size_t)*cap);
    }
    (*args)[*argc].ptr = mem_strndup(tok, n);
    (*args)[*argc].len = n;
    (*argc)++;
}

/* Split like sdssplitargs().  The line ends at len or at its first NUL, as
 * Redis sees only the C string.  Returns argc >= 0 with *out a non-NULL
 * array (even for argc 0), or -1 with *out NULL on an unterminated quote or
 * a closing quote followed by something other than a space. */
int util_split_args(const char *line, size_t len, struct util_arg **out)
{
    const char *nul = memchr(line, '\0', len);
    const char *p = line;
    const char *end;
    struct util_arg *args = NULL;
    int argc = 0, cap = 0;
    char small[256];
    char *tok = small;
    size_t n;

    if (nul)
        len = (size_t)(nul - line);
    end = line + len;
    /* A token is never longer than the line, so one buffer holds any. */
    if (len >= sizeof(small))
        tok = mem_alloc(len + 1);

#define UTIL_AT(q) ((q) < end ? (unsigned char)*(q) : 0)
    for (;;) {
        int in_dq = 0, in_sq = 0, done = 0;

        while (p < end && util_is_space((unsigned char)*p))
            p++;
        if (p == end)
            break;
        n = 0;
        while (!done) {
            int c = UTIL_AT(p);
            if (in_dq) {
                if (c == '\\' && UTIL_AT(p + 1) == 'x' && util_is_hex(UTIL_AT(p + 2)) &&
                    util_is_hex(UTIL_AT(p + 3))) {
                    tok[n++] = (char)(util_hex_value(p[2]) * 16 + util_hex_value(p[3]));
                    p += 3;
                } else if (c == '\\' && UTIL_AT(p + 1)) {
                    p++;
                    switch (*p) {
                    case 'n': tok[n++] = '\n'; break;
                    case 'r': tok[n++] = '\r'; break;
                    case 't': tok[n++] = '\t'; break;
                    case 'b': tok[n++] = '\b'; break;
                    case 'a': tok[n++] = '\a'; break;
                    default: tok[n++] = *p; break;
                    }
                } else if (c == '"') {
                    if (UTIL_AT(p + 1) && !util_is_space(UTIL_AT(p + 1)))
                        goto err;
                    done = 1;
                } else if (c == 0) {
                    goto err;
                } else {
                    tok[n++] = (char)c;
                }
            } else if (in_sq) {
                if (c == '\\' && UTIL_AT(p + 1) == '\'') {
                    p++;
                    tok[n++] = '\'';
                } else if (c == '\'') {
                    if (UTIL_AT(p + 1) && !util_is_space(UTIL_AT(p + 1)))
                        goto err;
                    done = 1;
                } else if (c == 0) {
                    goto err;
                } else {
                    tok[n++] = (char)c;
                }
            } else {
                switch (c) {
                case ' ':
                case '\n':
                case '\r':
                case '\t':
                case 0:
                    done = 1;
                    break;
                case '"':
                    in_dq = 1;
                    break;
                case '\'':
                    in_sq = 1;
                    break;
                default:
                    tok[n++] = (char)c;
                    break;
                }
            }
            if (p < end)
                p++;
        }
        util_args_push(&args, &argc, &cap, tok, n);
    }
#undef UTIL_AT
    if (tok != small)
        mem_free(tok);
    if (!args)
        args = mem_alloc(sizeof(*args));
    *out = args;
    return argc;

err:
    if (tok != small)
        mem_free(tok);
    util_args_free(args, argc);
    *out = NULL;
    return -1;
}

/* Free an array from util_split_args (NULL is fine). */
void util_args_free(struct util_arg *args, int argc)
{
    int i;
    if (!args)
        return;
    for (i = 0; i < argc; i++)
        mem_free(args[i].ptr);
    mem_free(args);
}
