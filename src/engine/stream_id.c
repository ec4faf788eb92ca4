/* stream_id.c -- stream entry IDs; see stream_id.h.
 *
 * Parsing reproduces what Redis 7 accepts, including the leniency its
 * string2ull() inherits from strtoull() (leading zeros, '+', leading blanks,
 * and negative-looking seqs that strtoull wraps, such as "1--05").  We get
 * that behaviour by using strtoull ourselves for exactly the inputs Redis
 * hands to it: everything its strict string2ll() pass does not settle. */
#include "stream_id.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Redis copies ID arguments into a 128-byte buffer and rejects longer ones. */
#define STREAM_ID_ARG_MAX 127

const char *stream_strerror(int err)
{
    switch (err) {
    case STREAM_OK: return "ok";
    case STREAM_ERR_SYNTAX: return "invalid stream ID";
    case STREAM_ERR_ID_ZERO: return "ID must be greater than 0-0";
    case STREAM_ERR_ID_TOO_SMALL: return "ID equal or smaller than the top item";
    case STREAM_ERR_EXHAUSTED: return "stream IDs exhausted";
    case STREAM_ERR_SEQ_OVERFLOW: return "sequence overflow";
    case STREAM_ERR_OVERFLOW: return "ID out of range";
    case STREAM_ERR_ENTRIES_ADDED: return "entries_added smaller than length";
    case STREAM_ERR_MAX_DELETED: return "max deleted ID greater than last ID";
    case STREAM_ERR_TOO_BIG: return "entry too large";
    case STREAM_ERR_CORRUPT: return "corrupt stream data";
    case STREAM_ERR_BELOW_MAX_DELETED: return "ID smaller than the max deleted ID";
    default: return "unknown stream error";
    }
}

int stream_id_incr(struct stream_id *id)
{
    if (id->seq != UINT64_MAX) {
        id->seq++;
        return STREAM_OK;
    }
    if (id->ms == UINT64_MAX)
        return STREAM_ERR_OVERFLOW;
    id->ms++;
    id->seq = 0;
    return STREAM_OK;
}

int stream_id_decr(struct stream_id *id)
{
    if (id->seq != 0) {
        id->seq--;
        return STREAM_OK;
    }
    if (id->ms == 0)
        return STREAM_ERR_OVERFLOW;
    id->ms--;
    id->seq = UINT64_MAX;
    return STREAM_OK;
}

/* The decimal digits of v at out (no NUL), two at a time from a table
 * (an XADD formats its ID twice: reply and effect); returns how many. */
static size_t u64_put(char *out, uint64_t v)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";
    char tmp[20];
    size_t i = sizeof(tmp);
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        i -= 2;
        memcpy(tmp + i, pairs + 2 * r, 2);
    }
    if (v >= 10) {
        i -= 2;
        memcpy(tmp + i, pairs + 2 * v, 2);
    } else {
        tmp[--i] = (char)('0' + v);
    }
    memcpy(out, tmp + i, sizeof(tmp) - i);
    return sizeof(tmp) - i;
}

size_t stream_id_format(const struct stream_id *id, char *buf, size_t size)
{
    char tmp[STREAM_ID_STR_MAX];
    size_t len = u64_put(tmp, id->ms);
    tmp[len++] = '-';
    len += u64_put(tmp + len, id->seq);
    if (size == 0)
        return len;
    size_t copy = len < size - 1 ? len : size - 1;
    memcpy(buf, tmp, copy);
    buf[copy] = '\0';
    return len;
}

/* True when s (NUL-terminated) is "0" or [1-9][0-9]*; negative says it is
 * the same after one leading '-' (and is never "-0"). */
static bool is_plain_digits(const char *s)
{
    if (s[0] == '0')
        return s[1] == '\0';
    if (s[0] < '1' || s[0] > '9')
        return false;
    for (s++; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* Parse canonical digits (already checked by is_plain_digits) into *out;
 * false on uint64 overflow. */
static bool digits_to_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    for (; *s; s++) {
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* One half of an ID, as Redis's string2ull(): canonical digits first; a
 * negative number its string2ll() would take is rejected; anything else
 * goes to strtoull() (unless strict). */
static bool parse_u64(const char *s, unsigned flags, uint64_t *out)
{
    if (*s == '\0')
        return false;
    if (is_plain_digits(s))
        return digits_to_u64(s, out);
    if (s[0] == '-' && is_plain_digits(s + 1) && s[1] != '0') {
        /* string2ll() accepts it when it fits a long long (down to -2^63);
         * Redis then refuses the negative value outright. */
        uint64_t mag;
        if (digits_to_u64(s + 1, &mag) && mag <= (uint64_t)1 << 63)
            return false;
    }
    if (flags & STREAM_ID_STRICT_DIGITS)
        return false;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno == EINVAL || errno == ERANGE || *end != '\0')
        return false;
    *out = (uint64_t)v;
    return true;
}

int stream_id_parse(const char *s, size_t len, unsigned flags, struct stream_id_spec *out)
{
    char buf[STREAM_ID_ARG_MAX + 1];

    out->id = STREAM_ID_MIN;
    out->kind = STREAM_ID_EXPLICIT;
    out->exclusive = false;

    if ((flags & STREAM_ID_ALLOW_EXCL) && len > 1 && s[0] == '(') {
        out->exclusive = true;
        s++;
        len--;
        flags &= ~(STREAM_ID_ALLOW_MINMAX | STREAM_ID_ALLOW_AUTO | STREAM_ID_ALLOW_AUTO_SEQ);
    }
    if (len == 0 || len > STREAM_ID_ARG_MAX)
        return STREAM_ERR_SYNTAX;
    /* Work on a NUL-terminated copy: like Redis, an embedded NUL ends the
     * argument as far as the parser is concerned. */
    memcpy(buf, s, len);
    buf[len] = '\0';

    if (len == 1) {
        if ((flags & STREAM_ID_ALLOW_AUTO) && buf[0] == '*') {
            out->kind = STREAM_ID_AUTO;
            return STREAM_OK;
        }
        if ((flags & STREAM_ID_ALLOW_MINMAX) && buf[0] == '-') {
            out->id = STREAM_ID_MIN;
            return STREAM_OK;
        }
        if ((flags & STREAM_ID_ALLOW_MINMAX) && buf[0] == '+') {
            out->id = STREAM_ID_MAX;
            return STREAM_OK;
        }
    }

    char *dash = strchr(buf, '-');
    if (!dash) {
        if (!parse_u64(buf, flags, &out->id.ms))
            return STREAM_ERR_SYNTAX;
        out->id.seq = (flags & STREAM_ID_SEQ_MAX) ? UINT64_MAX : 0;
        return STREAM_OK;
    }
    *dash = '\0';
    if (!parse_u64(buf, flags, &out->id.ms))
        return STREAM_ERR_SYNTAX;
    const char *seq = dash + 1;
    if ((flags & STREAM_ID_ALLOW_AUTO_SEQ) && seq[0] == '*' && seq[1] == '\0') {
        out->kind = STREAM_ID_AUTO_SEQ;
        out->id.seq = 0;
        return STREAM_OK;
    }
    if (!parse_u64(seq, flags, &out->id.seq))
        return STREAM_ERR_SYNTAX;
    return STREAM_OK;
}

int stream_id_next(const struct stream_id *last, const struct stream_id_spec *spec,
                   uint64_t now_ms, struct stream_id *out)
{
    if (spec->kind == STREAM_ID_EXPLICIT && stream_id_is_zero(&spec->id))
        return STREAM_ERR_ID_ZERO;
    if (stream_id_is_max(last))
        return STREAM_ERR_EXHAUSTED;

    switch (spec->kind) {
    case STREAM_ID_AUTO:
        if (now_ms > last->ms) {
            out->ms = now_ms;
            out->seq = 0;
        } else {
            /* The clock went backwards or we are within the same ms: keep
             * the last ms and bump the seq; cannot fail, last is not max. */
            *out = *last;
            stream_id_incr(out);
        }
        return STREAM_OK;
    case STREAM_ID_AUTO_SEQ:
        if (spec->id.ms < last->ms)
            return STREAM_ERR_ID_TOO_SMALL;
        if (spec->id.ms > last->ms) {
            out->ms = spec->id.ms;
            out->seq = 0;
            return STREAM_OK;
        }
        if (last->seq == UINT64_MAX)
            return STREAM_ERR_SEQ_OVERFLOW;
        out->ms = last->ms;
        out->seq = last->seq + 1;
        return STREAM_OK;
    case STREAM_ID_EXPLICIT:
    default:
        if (stream_id_cmp(&spec->id, last) <= 0)
            return STREAM_ERR_ID_TOO_SMALL;
        *out = spec->id;
        return STREAM_OK;
    }
}
