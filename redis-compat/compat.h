/* compat.h -- shared types of the differential test runner.
 *
 * The runner talks to two servers over raw sockets and compares reply trees.
 * Debian 12 ships hiredis 0.14, whose reader knows only RESP2, so the runner
 * has its own small RESP2/RESP3 reader (compat_resp.c) that keeps every
 * RESP3 type apart: map, set, push, double, boolean, null, big number,
 * verbatim string, blob error and attributes.
 *
 *   compat_buf.c     growable byte buffer, used for rendering and input
 *   compat_resp.c    RESP reader, reply tree, rendering, comparison
 *   compat_literal.c the reply notation used in scripts (parser)
 *   compat_net.c     one TCP connection: send a command, read one reply
 *   compat_script.c  redis-cli style argument splitting of script lines
 *   runner.c         script execution, directives, normalisation, report
 */
#ifndef RUNNEL_COMPAT_H
#define RUNNEL_COMPAT_H

#include <stddef.h>

/* ---- growable buffer ------------------------------------------------ */

struct buf {
    char *p;      /* always NUL-terminated when cap > 0 */
    size_t len;
    size_t cap;
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reserve(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_consume(struct buf *b, size_t n);
char *xstrndup(const char *s, size_t n);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);

/* ---- replies ---------------------------------------------------------- */

enum rtype {
    R_STATUS,     /* +text */
    R_ERROR,      /* -text */
    R_INT,        /* :n */
    R_BULK,       /* $n text */
    R_NIL_BULK,   /* $-1 (RESP2 null) */
    R_NIL_ARRAY,  /* *-1 (RESP2 null array) */
    R_NULL,       /* _ (RESP3 null) */
    R_DOUBLE,     /* ,text (kept as text: the server's formatting counts) */
    R_BOOL,       /* #t / #f */
    R_BIGNUM,     /* (digits */
    R_VERB,       /* =n fmt:text */
    R_BLOBERR,    /* !n text */
    R_ARRAY,      /* *n */
    R_MAP,        /* %n (elements stored flat: k0 v0 k1 v1 ...) */
    R_SET,        /* ~n */
    R_PUSH,       /* >n */
    /* Pseudo replies, never on the wire: */
    R_ANY,        /* literal wildcard '?', or a value removed by @ignore-fields */
    R_CLOSED,     /* the server closed the connection */
    R_TIMEOUT,    /* no reply within the timeout */
    R_NOREPLY,    /* nothing arrived in the @noreply / @norecv window */
    R_PROTOERR    /* the bytes were not RESP; str holds the reason */
};

struct reply {
    enum rtype type;
    char *str;            /* text of string-like types, NUL-terminated */
    size_t len;
    char fmt[4];          /* R_VERB format, e.g. "txt" */
    long long num;        /* R_INT value, R_BOOL 0/1 */
    struct reply **elem;  /* aggregates */
    size_t nelem;
    struct reply *attr;   /* RESP3 attribute map sent before this reply */
    unsigned stripped:1;  /* @ignore-value: scalar text/number dropped */
    unsigned unordered:1; /* compare children as a multiset */
    unsigned pairs:1;     /* ... of key/value pairs (a flat RESP2 "map") */
};

struct reply *reply_new(enum rtype t);
struct reply *reply_str(enum rtype t, const char *s, size_t len);
void reply_push(struct reply *agg, struct reply *child);
void reply_free(struct reply *r);
struct reply *reply_dup(const struct reply *r);
int reply_is_aggregate(enum rtype t);
int reply_is_stringlike(enum rtype t);
const char *reply_type_name(enum rtype t);

/* Parse one reply from buf[0..len).  Returns 1 and sets *out and *used on
 * success, 0 when more bytes are needed, -1 on a protocol error (reason in
 * err). */
int resp_parse(const char *buf, size_t len, size_t *used, struct reply **out,
               char *err, size_t errlen);

/* Render a reply in the script notation (see README.md); limit 0 means no
 * limit, else the text is cut near limit bytes and ends with "...". */
void reply_render(const struct reply *r, struct buf *out, size_t limit);
/* Render a string as a script token: bare when safe, else double quoted. */
void render_token(const char *s, size_t len, struct buf *out, int always_quote);

struct cmp_opts {
    long long approx;     /* @approx N: non-negative numbers within N */
    int has_approx;
};

/* 1 when a matches b.  R_ANY on either side matches anything. */
int reply_equal(const struct reply *a, const struct reply *b,
                const struct cmp_opts *o);

/* ---- literal notation --------------------------------------------------- */

/* Parse the reply literal after "=>".  NULL on error (message in err). */
struct reply *literal_parse(const char *text, char *err, size_t errlen);

/* ---- network ------------------------------------------------------------ */

struct rconn {
    int fd;               /* -1 when not connected */
    struct buf in;        /* bytes read but not yet parsed */
};

void rconn_init(struct rconn *c);
int rconn_open(struct rconn *c, const char *host, int port, int timeout_ms,
               char *err, size_t errlen);
void rconn_close(struct rconn *c);
/* Send one command as a RESP multibulk.  0 ok, -1 when the connection is
 * gone (then the connection is closed). */
int rconn_send(struct rconn *c, int argc, char **argv, const size_t *lens);
/* Send bytes as they are (inline commands, malformed requests). */
int rconn_send_raw(struct rconn *c, const char *p, size_t len);
/* Read one reply, waiting up to timeout_ms.  Never NULL: failures come back
 * as R_CLOSED, R_TIMEOUT or R_PROTOERR, and close the connection. */
struct reply *rconn_read(struct rconn *c, int timeout_ms);
/* Like rconn_read, but nothing arriving within wait_ms is R_NOREPLY and
 * leaves the connection open. */
struct reply *rconn_read_maybe(struct rconn *c, int wait_ms);

/* ---- script lines ------------------------------------------------------- */

struct token {
    char *s;              /* decoded bytes, NUL-terminated */
    size_t len;
    int quoted;           /* written with quotes: never a directive or "=>" */
};

struct tokens {
    struct token *v;
    int n;
    int cap;
    const char *rest;     /* text after an unquoted "=>", or NULL */
};

/* Split a line like redis-cli does.  Stops at an unquoted "=>" token and
 * points rest at what follows.  0 ok, -1 on unbalanced quotes (err set). */
int split_line(const char *line, struct tokens *out, char *err, size_t errlen);
void tokens_free(struct tokens *t);
/* Decode one quoted or bare string at *pp (used by the literal parser too);
 * advances *pp.  stop lists extra bare-word terminators.  0 ok, -1 error. */
int scan_string(const char **pp, struct buf *out, const char *stop,
                int *quoted, char *err, size_t errlen);

#endif
