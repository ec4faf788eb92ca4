/* reply.h -- reply builder for RESP2 and RESP3.
 *
 * A struct reply_buf is a growable byte buffer plus the protocol version the
 * client negotiated (HELLO).  Every function appends one RESP element; the
 * shape chosen depends on proto where RESP2 and RESP3 differ:
 *
 *   element        RESP2                 RESP3
 *   null           $-1                   _
 *   null array     *-1                   _
 *   map of n       *2n (flat pairs)      %n
 *   set of n       *n                    ~n
 *   double         $ bulk "%.17g"        ,%.17g (inf, -inf, nan)
 *   bool           :1 / :0               #t / #f
 *   verbatim       $ bulk text           =len\r\ntxt:text
 *   push of n      *n                    >n
 *   big number     $ bulk                (digits
 *
 * Containers whose size is known only at the end use reply_defer() to leave
 * a placeholder and reply_defer_*() to fill it in; the header is inserted in
 * place (the bytes after it move), so keep deferred containers for replies
 * where counting first would cost a second pass.
 *
 * The builder knows nothing of sockets: the connection writes buf[sent..len)
 * and compacts.  libc only. */
#ifndef RUNNEL_REPLY_H
#define RUNNEL_REPLY_H

#include <stddef.h>
#include <stdint.h>

struct reply_buf {
    char *buf;   /* mem_alloc'd */
    size_t len;  /* bytes built */
    size_t cap;
    size_t sent; /* bytes the connection has already written */
    int proto;   /* 2 or 3 */
    /* Told of every error reply (its text without the '-'): the server's
     * INFO errorstats.  NULL: nobody counts. */
    void (*on_error)(void *ud, const char *msg, size_t len);
    void *on_error_ud;
};

void reply_init(struct reply_buf *r, int proto);
void reply_free(struct reply_buf *r);
/* Drop the bytes already sent; move the rest to the front. */
void reply_compact(struct reply_buf *r);
/* Bytes built but not sent yet. */
static inline size_t reply_pending(const struct reply_buf *r) { return r->len - r->sent; }
/* Append raw, already-encoded RESP (MULTI's queued replies, tests). */
void reply_raw(struct reply_buf *r, const char *p, size_t n);
/* One "name:value" line of an INFO text (printf, up to 1 KB) and its CRLF;
 * the INFO sections of every module write through it. */
void reply_info_line(struct reply_buf *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Room for n more bytes at r->buf + r->len (returned): an encoder writes
 * there and then adds what it wrote to r->len. */
char *reply_space(struct reply_buf *r, size_t n);

void reply_simple(struct reply_buf *r, const char *s);      /* +s */
void reply_ok(struct reply_buf *r);                         /* +OK */
/* -msg. msg carries its own code ("ERR ...", "WRONGTYPE ...").  If msg
 * begins with '-' it is taken as is.  CR and LF inside msg become spaces,
 * as Redis does, so a reply can never break the protocol. */
void reply_error(struct reply_buf *r, const char *msg);
void reply_errorf(struct reply_buf *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void reply_int(struct reply_buf *r, long long v);           /* :v */
void reply_bulk(struct reply_buf *r, const char *p, size_t n);
void reply_bulk_cstr(struct reply_buf *r, const char *s);   /* NULL -> null */
void reply_bulk_ll(struct reply_buf *r, long long v);       /* number as bulk */
void reply_null(struct reply_buf *r);
void reply_null_array(struct reply_buf *r);
void reply_array(struct reply_buf *r, long n);
void reply_map(struct reply_buf *r, long n);
void reply_set(struct reply_buf *r, long n);
void reply_push(struct reply_buf *r, long n);
void reply_double(struct reply_buf *r, double d);
void reply_bool(struct reply_buf *r, int b);
void reply_verbatim(struct reply_buf *r, const char *p, size_t n, const char *ext3);
void reply_bignum(struct reply_buf *r, const char *digits, size_t n);

/* Deferred container length. */
size_t reply_defer(struct reply_buf *r);
void reply_defer_array(struct reply_buf *r, size_t handle, long n);
void reply_defer_map(struct reply_buf *r, size_t handle, long n);
void reply_defer_set(struct reply_buf *r, size_t handle, long n);

#endif
