/* resp.h -- incremental request parser: RESP multibulk and inline commands.
 *
 * The connection owns a query buffer; it calls resp_parse() with the unread
 * part of it.  The parser consumes at most one request per call and keeps
 * its progress (how many arguments are left, the length of the bulk being
 * read) in struct resp_parser, so a request split at any byte resumes where
 * it stopped without re-scanning what it already took.  A complete request
 * leaves argc/argv filled; the caller takes them, then calls
 * resp_request_reset() before parsing the next one.
 *
 * Errors are Redis's protocol errors; the text (without "-ERR " and the
 * CRLF) is in parser->error, e.g. "Protocol error: invalid bulk length".
 * After an error the connection must reply with it and close. */
#ifndef RUNNEL_RESP_H
#define RUNNEL_RESP_H

#include <stddef.h>

#define RESP_INLINE_MAX_SIZE (64 * 1024) /* longest inline request / count line */

enum resp_status {
    RESP_INCOMPLETE = 0, /* need more bytes; everything passed may be consumed */
    RESP_DONE = 1,       /* one request complete in argc/argv (argc may be 0) */
    RESP_ERROR = -1      /* protocol error; see parser->error */
};

/* One argument: see util.h (shared with the inline and config splitters). */
#include "util.h"


struct resp_parser {
    /* Limits, set by the owner before parsing. */
    long long max_bulk_len;   /* proto-max-bulk-len */
    int unauthenticated;      /* before AUTH, as Redis: more than 10 args is
                                 "unauthenticated multibulk length", a bulk
                                 over 16384 "unauthenticated bulk length" */

    /* The request being built. */
    int argc;
    int argv_cap;
    struct util_arg *argv;

    /* Progress through a multibulk request. */
    int req_type;             /* 0 unknown, '*' multibulk, 1 inline */
    long long multibulk_left; /* arguments still to read */
    long long bulk_len;       /* -1 when the next thing is a $len line */
    size_t bulk_read;         /* bytes of the current bulk already copied */

    char error[128];          /* set on RESP_ERROR */
};

void resp_parser_init(struct resp_parser *p, long long max_bulk_len);
void resp_parser_free(struct resp_parser *p);

/* Parse from buf[0..len).  *consumed is set to the bytes taken (the caller
 * drops them from its buffer).  Returns RESP_DONE with one request,
 * RESP_INCOMPLETE when more input is needed, RESP_ERROR on a protocol error.
 * An empty inline line or "*0\r\n" / "*-1\r\n" yields RESP_DONE with argc 0:
 * the caller skips it, as Redis does. */
enum resp_status resp_parse(struct resp_parser *p, const char *buf, size_t len,
                            size_t *consumed);

/* Free the arguments of the request just returned and prepare for the next. */
void resp_request_reset(struct resp_parser *p);

#endif
