/* resp.c -- incremental request parser (see resp.h).
 *
 * Behaviour is Redis 7.0's processInlineBuffer()/processMultibulkBuffer(),
 * checked byte for byte against redis-server 7.0.15:
 *
 *   input                          Redis 7.0.15
 *   "*1\r\n#3\r\n"                 expected '$', got '#'
 *   "*1\r\n\n\r\n"                 expected '$', got ' '  (CR/LF shown as space)
 *   "*1\r\n\x80\r\n"               expected '$', got '\x80' (the raw byte)
 *   "*\r\n" "*-0" "*+1" "*01"      invalid multibulk length
 *   "*1 \r\n" "*2147483648"        invalid multibulk length (INT_MAX is fine)
 *   "*0" "*-1" "*-5"               an empty request, consumed; no reply
 *   "$-1" "$-0" "$" "$01" "$+4"    invalid bulk length; also len > max_bulk_len
 *   unauthenticated "*11"          unauthenticated multibulk length ("*10" ok;
 *                                  the invalid-length checks come first)
 *   unauthenticated "$16385"       unauthenticated bulk length ("$16384" ok;
 *                                  "$-1" and "$536870913" stay "invalid")
 *   65537 bytes, no '\r'           too big mbulk count string / too big bulk
 *                                  count string; 65536 bytes just wait
 *   65537 bytes inline, no '\n'    too big inline request; a longer line whose
 *                                  '\n' has already arrived is accepted
 *   "ECHO \"a\"b"                  unbalanced quotes in request
 *   "*3\r\n$3\r\nfoo" + more       waits, then completes when the rest arrives
 *
 * Quirks reproduced on purpose (they follow from Redis scanning C strings):
 *   - The two bytes after a bulk's data are skipped, not checked:
 *     "*1\r\n$4\r\nPINGxx" is PING.
 *   - A count line ends at its '\r'; the byte after it is skipped unchecked:
 *     "*1\rX$4\r\nPING\r\n" is PING.
 *   - A NUL before the '\r' of a count line (or the '\n' of an inline line)
 *     hides the line end: the parser waits until 64KB are buffered and then
 *     fails with the "too big" error.  Bulk data may hold any bytes.
 *   - An inline line is cut at its first NUL by the splitter.
 *
 * Progress lives in the parser: a count or $ line is consumed only when
 * whole, bulk data is copied into its argument as it arrives (bulk_read
 * counts the bytes taken, the trailing two included), so no byte of a bulk
 * is scanned twice.  A big bulk's buffer grows as data arrives rather than
 * being allocated from the announced length, so "$536870912" alone costs
 * little. */
#include "resp.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "mem.h"
#include "util.h"

#define RESP_UNAUTH_MAX_ARGS 10
#define RESP_UNAUTH_MAX_BULK 16384
#define RESP_ARGV_PREALLOC 1024          /* argv slots reserved from "*n" at most */
#define RESP_BULK_PREALLOC (1024 * 1024) /* bulk bytes reserved from "$n" at most */
#define RESP_ARGV_KEEP 64                /* argv kept between requests up to this */

/* Prepare an idle parser with the given proto-max-bulk-len. */
void resp_parser_init(struct resp_parser *p, long long max_bulk_len)
{
    memset(p, 0, sizeof(*p));
    p->max_bulk_len = max_bulk_len;
    p->bulk_len = -1;
}

/* Free the request's arguments (complete and partial) and, when drop_argv
 * is set or the array grew large, the argv array itself. */
static void resp_free_args(struct resp_parser *p, int drop_argv)
{
    int i;
    for (i = 0; i < p->argc; i++)
        mem_free(p->argv[i].ptr);
    if (p->bulk_len >= 0 && p->argv && p->argc < p->argv_cap)
        mem_free(p->argv[p->argc].ptr); /* the bulk being read */
    p->argc = 0;
    if (drop_argv || p->argv_cap > RESP_ARGV_KEEP) {
        mem_free(p->argv);
        p->argv = NULL;
        p->argv_cap = 0;
    }
}

/* Release everything the parser holds; it may be init'ed again. */
void resp_parser_free(struct resp_parser *p)
{
    resp_free_args(p, 1);
    p->bulk_len = -1;
}

/* Forget the request just returned (or abandoned) and get ready for the
 * next one.  Limits are kept. */
void resp_request_reset(struct resp_parser *p)
{
    resp_free_args(p, 0);
    p->req_type = 0;
    p->multibulk_left = 0;
    p->bulk_len = -1;
    p->bulk_read = 0;
    p->error[0] = '\0';
}

/* Record a protocol error and return RESP_ERROR. */
static enum resp_status resp_fail(struct resp_parser *p, const char *msg)
{
    snprintf(p->error, sizeof(p->error), "Protocol error: %s", msg);
    return RESP_ERROR;
}

/* Find the first `want` byte in buf[0..len) as strchr() would on Redis's
 * NUL-terminated query buffer: a NUL seen first means "not found". */
static const char *resp_find(const char *buf, size_t len, char want)
{
    const char *hit = memchr(buf, want, len);
    const char *nul = memchr(buf, '\0', hit ? (size_t)(hit - buf) : len);
    return nul ? NULL : hit;
}

/* Parse one inline request from buf.  Fails with "too big inline request"
 * when more than RESP_INLINE_MAX_SIZE bytes hold no line end, and with
 * "unbalanced quotes in request" when the splitter rejects the line. */
static enum resp_status resp_parse_inline(struct resp_parser *p, const char *buf, size_t len,
                                          size_t *consumed)
{
    const char *nl = resp_find(buf, len, '\n');
    size_t line_len;
    struct util_arg *args;
    int argc;

    if (!nl) {
        if (len > RESP_INLINE_MAX_SIZE)
            return resp_fail(p, "too big inline request");
        return RESP_INCOMPLETE;
    }
    line_len = (size_t)(nl - buf);
    argc = util_split_args(buf, line_len && buf[line_len - 1] == '\r' ? line_len - 1 : line_len,
                           &args);
    if (argc < 0)
        return resp_fail(p, "unbalanced quotes in request");
    mem_free(p->argv);
    p->argv = args;
    p->argc = argc;
    p->argv_cap = argc ? argc : 1;
    *consumed = line_len + 1;
    return RESP_DONE;
}

/* Make room for one more argument in argv, growing by doubling but never
 * past what the request can still hold. */
static void resp_argv_reserve(struct resp_parser *p)
{
    long long want;

    if (p->argc < p->argv_cap)
        return;
    want = p->argv_cap ? (long long)p->argv_cap * 2 : 8;
    if (want > (long long)p->argc + p->multibulk_left)
        want = (long long)p->argc + p->multibulk_left;
    if (want > INT_MAX)
        want = INT_MAX;
    p->argv = mem_realloc(p->argv, sizeof(*p->argv) * (size_t)want);
    p->argv_cap = (int)want;
}

/* Read a "<prefix><number>\r" line at buf: returns 1 with the number in *ll
 * and the line length (CR and the byte after it included) in *line_len; 0
 * when the line is not all here yet; -1 when the number is not a strict
 * integer.  Sets *too_big when no line end is found within the limit. */
static int resp_read_count(const char *buf, size_t len, long long *ll, size_t *line_len,
                           int *too_big)
{
    const char *cr = resp_find(buf, len, '\r');

    *too_big = 0;
    if (!cr) {
        *too_big = len > RESP_INLINE_MAX_SIZE;
        return 0;
    }
    if ((size_t)(cr - buf) + 1 >= len)
        return 0; /* Redis waits for one more byte, whatever it is */
    *line_len = (size_t)(cr - buf) + 2;
    return util_str_to_ll(buf + 1, (size_t)(cr - buf) - 1, ll) ? 1 : -1;
}

/* Continue a multibulk request from buf.  See the table at the top of the
 * file for every error it reports. */
static enum resp_status resp_parse_multibulk(struct resp_parser *p, const char *buf, size_t len,
                                             size_t *consumed)
{
    size_t pos = 0;
    size_t line_len = 0;
    long long ll = 0;
    int too_big, rc;

    if (p->multibulk_left == 0) {
        rc = resp_read_count(buf, len, &ll, &line_len, &too_big);
        if (rc == 0)
            return too_big ? resp_fail(p, "too big mbulk count string") : RESP_INCOMPLETE;
        if (rc < 0 || ll > INT_MAX)
            return resp_fail(p, "invalid multibulk length");
        if (ll > RESP_UNAUTH_MAX_ARGS && p->unauthenticated)
            return resp_fail(p, "unauthenticated multibulk length");
        pos = line_len;
        if (ll <= 0) {
            *consumed = pos;
            return RESP_DONE; /* "*0" and "*-1": an empty request */
        }
        p->multibulk_left = ll;
        if (p->argv_cap < RESP_ARGV_PREALLOC && p->argv_cap < ll) {
            int want = ll < RESP_ARGV_PREALLOC ? (int)ll : RESP_ARGV_PREALLOC;
            p->argv = mem_realloc(p->argv, sizeof(*p->argv) * (size_t)want);
            p->argv_cap = want;
        }
    }

    while (p->multibulk_left > 0) {
        struct util_arg *arg;
        size_t take;

        if (p->bulk_len < 0) {
            rc = resp_read_count(buf + pos, len - pos, &ll, &line_len, &too_big);
            if (rc == 0) {
                if (too_big) {
                    *consumed = pos;
                    return resp_fail(p, "too big bulk count string");
                }
                break;
            }
            if (buf[pos] != '$') {
                char c = buf[pos];
                if (c == '\r' || c == '\n')
                    c = ' '; /* as addReplyErrorFormat() shows them */
                *consumed = pos;
                snprintf(p->error, sizeof(p->error), "Protocol error: expected '$', got '%c'", c);
                return RESP_ERROR;
            }
            if (rc < 0 || ll < 0 || ll > p->max_bulk_len) {
                *consumed = pos;
                return resp_fail(p, "invalid bulk length");
            }
            if (ll > RESP_UNAUTH_MAX_BULK && p->unauthenticated) {
                *consumed = pos;
                return resp_fail(p, "unauthenticated bulk length");
            }
            pos += line_len;
            resp_argv_reserve(p);
            arg = &p->argv[p->argc];
            arg->ptr = mem_alloc(ll < RESP_BULK_PREALLOC ? (size_t)ll + 1 : RESP_BULK_PREALLOC);
            arg->len = 0;
            p->bulk_len = ll;
            p->bulk_read = 0;
        }

        arg = &p->argv[p->argc];
        /* The data itself. */
        take = p->bulk_read < (size_t)p->bulk_len ? (size_t)p->bulk_len - p->bulk_read : 0;
        if (take > len - pos)
            take = len - pos;
        if (take) {
            size_t need = p->bulk_read + take + 1;
            /* Only a bulk of RESP_BULK_PREALLOC or more can outgrow its
             * first allocation; the allocator knows its usable size. */
            if (p->bulk_len >= RESP_BULK_PREALLOC && need > mem_block_size(arg->ptr)) {
                size_t cap = mem_block_size(arg->ptr);
                size_t grow = cap * 2 > need ? cap * 2 : need;
                if (grow > (size_t)p->bulk_len + 1)
                    grow = (size_t)p->bulk_len + 1;
                arg->ptr = mem_realloc(arg->ptr, grow);
            }
            memcpy(arg->ptr + p->bulk_read, buf + pos, take);
            p->bulk_read += take;
            pos += take;
        }
        /* The two bytes after it, skipped unchecked as Redis does. */
        if (p->bulk_read >= (size_t)p->bulk_len) {
            take = (size_t)p->bulk_len + 2 - p->bulk_read;
            if (take > len - pos)
                take = len - pos;
            p->bulk_read += take;
            pos += take;
        }
        if (p->bulk_read < (size_t)p->bulk_len + 2)
            break;
        arg->len = (size_t)p->bulk_len;
        arg->ptr[arg->len] = '\0';
        p->argc++;
        p->bulk_len = -1;
        p->bulk_read = 0;
        p->multibulk_left--;
    }

    *consumed = pos;
    return p->multibulk_left == 0 ? RESP_DONE : RESP_INCOMPLETE;
}

/* Parse at most one request from buf[0..len); see resp.h.  On RESP_ERROR,
 * *consumed covers the lines accepted before the bad one. */
enum resp_status resp_parse(struct resp_parser *p, const char *buf, size_t len, size_t *consumed)
{
    *consumed = 0;
    if (p->req_type == 0) {
        if (len == 0)
            return RESP_INCOMPLETE;
        p->req_type = buf[0] == '*' ? '*' : 1;
    }
    if (p->req_type == 1)
        return resp_parse_inline(p, buf, len, consumed);
    return resp_parse_multibulk(p, buf, len, consumed);
}
