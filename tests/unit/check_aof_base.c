/* check_aof_base.c -- Check suite for the AOF base writer (aof_base.c) and
 * the consumer-times annotation (aof_annotation.c).
 *
 * Everything runs in-process: a "node" is a struct server with fake
 * clients (conn_create_fake), driven by RESP requests through the same
 * parser and dispatcher a socket client uses.  The round trip:
 *
 *   node A  --scripted commands (every stream write command, several
 *              databases, binary names, the clock moving)-->  state
 *     |  effect sink: the effects as the AOF's incr file would hold them
 *     |  aof_base_write: the base file
 *   node B  <-- the base file replayed
 *   node C  <-- the captured effects replayed
 *
 * and A, B and C must answer the same bytes to XINFO STREAM FULL, XINFO
 * GROUPS / CONSUMERS, XPENDING (both forms), XLEN, XRANGE, PTTL,
 * PEXPIRETIME for every key, at the same clock.  The few fields commands
 * cannot carry are masked (see mask_reply).  A node A0 runs the same
 * script without a sink: every reply must equal A's, so emitting
 * annotations changes no reply.
 *
 * The clock: command_call reads the wall clock per command through
 * gettimeofday.  This file defines gettimeofday, and the linker resolves
 * every call in the test binary to it, so each command sees the time the
 * test set (a link-time seam: no production code knows about it). */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "aof_annotation.h"
#include "aof_base.h"
#include "cmd_stream.h"
#include "config.h"
#include "conn.h"
#include "effect.h"
#include "mem.h"
#include "resp.h"
#include "server.h"
#include "stream.h"
#include "stream_group.h"

/* ---- the clock ----------------------------------------------------------- */

#define T0_MS 1767225600000LL /* 2026-01-01 00:00:00 UTC */

static long long fake_now_us; /* 0: the real clock */

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
    (void)tz;
    long long us = fake_now_us;
    if (!us) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        us = (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    }
    tv->tv_sec = (time_t)(us / 1000000);
    tv->tv_usec = (suseconds_t)(us % 1000000);
    return 0;
}

static void clock_set_ms(long long ms)
{
    fake_now_us = ms * 1000;
}

static void tick(long long ms)
{
    fake_now_us += ms * 1000;
}

static long long now_ms(void)
{
    return fake_now_us / 1000;
}

/* ---- nodes ------------------------------------------------------------------ */

struct capture {
    struct reply_buf rb;
    int cur_db;
};

/* The AOF's view of the effects: each unit encoded as the incr file holds it. */
static void capture_sink(void *ud, const struct effect *effects, int n)
{
    struct capture *cap = ud;
    effect_encode(&cap->rb, effects, n, &cap->cur_db);
}

struct node {
    struct server *srv;
    struct conn *c;  /* the client commands run on */
    struct conn *c2; /* a second client, for blocking reads */
    struct capture *cap;
};

static void node_start(struct node *n, int with_sink)
{
    memset(n, 0, sizeof(*n));
    n->srv = mem_calloc(sizeof(*n->srv));
    config_init_defaults(&n->srv->cfg);
    n->srv->cfg.apply = server_apply_config;
    n->srv->cfg.apply_opaque = n->srv;
    ck_assert_int_eq(server_init(n->srv), 0);
    n->c = conn_create_fake(n->srv);
    n->c2 = conn_create_fake(n->srv);
    if (with_sink) {
        n->cap = mem_calloc(sizeof(*n->cap));
        reply_init(&n->cap->rb, 2);
        n->cap->cur_db = -1;
        ck_assert_int_eq(server_add_sink(n->srv, capture_sink, n->cap), 0);
    }
}

static void node_stop(struct node *n)
{
    conn_free(n->c);
    conn_free(n->c2);
    server_free(n->srv);
    mem_free(n->srv);
    if (n->cap) {
        reply_free(&n->cap->rb);
        mem_free(n->cap);
    }
}

/* ---- requests ---------------------------------------------------------------- */

struct bytes {
    char *p;
    size_t len, cap;
};

static void bytes_put(struct bytes *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
}

#define MAX_WORDS 512

/* A RESP request from a format: words separated by single spaces; inside a
 * word %s is a C string, %b a pointer and a size_t length (any bytes), %d
 * an int, %L a long long. */
static void format_request(struct bytes *out, const char *fmt, va_list ap)
{
    struct bytes words = {0};
    size_t start[MAX_WORDS], len[MAX_WORDS];
    int argc = 0;
    const char *f = fmt;
    while (*f) {
        ck_assert_int_lt(argc, MAX_WORDS);
        size_t s = words.len;
        bytes_put(&words, "", 0);
        while (*f && *f != ' ') {
            if (*f != '%') {
                bytes_put(&words, f++, 1);
                continue;
            }
            char num[32];
            switch (f[1]) {
            case 's': {
                const char *a = va_arg(ap, const char *);
                bytes_put(&words, a, strlen(a));
                break;
            }
            case 'b': {
                const char *a = va_arg(ap, const char *);
                size_t n = va_arg(ap, size_t);
                bytes_put(&words, a, n);
                break;
            }
            case 'd':
                bytes_put(&words, num, (size_t)snprintf(num, sizeof(num), "%d", va_arg(ap, int)));
                break;
            case 'L':
                bytes_put(&words, num,
                          (size_t)snprintf(num, sizeof(num), "%lld", va_arg(ap, long long)));
                break;
            default:
                ck_abort_msg("bad format %s", fmt);
            }
            f += 2;
        }
        start[argc] = s;
        len[argc] = words.len - s;
        argc++;
        if (*f == ' ')
            f++;
    }
    char head[32];
    bytes_put(out, head, (size_t)snprintf(head, sizeof(head), "*%d\r\n", argc));
    for (int i = 0; i < argc; i++) {
        bytes_put(out, head, (size_t)snprintf(head, sizeof(head), "$%zu\r\n", len[i]));
        bytes_put(out, words.p + start[i], len[i]);
        bytes_put(out, "\r\n", 2);
    }
    free(words.p);
}

/* Take what client c answered so far (malloc'd, NUL-terminated). */
static char *take_reply(struct conn *c, size_t *rlen)
{
    char *r = malloc(c->out.len + 1);
    if (c->out.len)
        memcpy(r, c->out.buf, c->out.len);
    r[c->out.len] = '\0';
    if (rlen)
        *rlen = c->out.len;
    c->out.len = c->out.sent = 0;
    return r;
}

/* Run every complete request in req on client c. */
static void run_on(struct conn *c, const char *req, size_t len)
{
    size_t off = 0;
    while (off < len) {
        size_t used = 0;
        enum resp_status st = resp_parse(&c->parser, req + off, len - off, &used);
        ck_assert_int_ne(st, RESP_ERROR);
        off += used;
        if (st != RESP_DONE)
            continue;
        if (c->parser.argc)
            conn_run_request(c);
        else
            resp_request_reset(&c->parser);
    }
}

/* The nodes a script drives: every request goes to each, and each must
 * answer the same bytes (A0 has no sink: annotations change no reply). */
static struct node *script_nodes[2];
static int script_nnodes;

static char *vcmd_on(int second_client, const char *fmt, va_list ap)
{
    struct bytes req = {0};
    format_request(&req, fmt, ap);
    char *first = NULL;
    size_t first_len = 0;
    for (int i = 0; i < script_nnodes; i++) {
        struct conn *c = second_client ? script_nodes[i]->c2 : script_nodes[i]->c;
        run_on(c, req.p, req.len);
        size_t rlen;
        char *r = take_reply(c, &rlen);
        if (!first) {
            first = r;
            first_len = rlen;
        } else {
            ck_assert_msg(rlen == first_len && memcmp(first, r, rlen) == 0,
                          "replies differ for %s:\n%s\n%s", req.p, first, r);
            free(r);
        }
    }
    free(req.p);
    return first;
}

/* Run a command on every script node; returns the (common) reply. */
static char *cmd(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *r = vcmd_on(0, fmt, ap);
    va_end(ap);
    return r;
}

/* The same, on the second client (a read that blocks). */
static char *cmd2(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *r = vcmd_on(1, fmt, ap);
    va_end(ap);
    return r;
}

/* A command that must not fail. */
static void ok(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *r = vcmd_on(0, fmt, ap);
    va_end(ap);
    ck_assert_msg(r[0] != '-', "%s -> %s", fmt, r);
    free(r);
}

/* The ID an XADD answered, into id. */
static void xadd_id(char *id, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *r = vcmd_on(0, fmt, ap);
    va_end(ap);
    ck_assert_msg(r[0] == '$', "%s -> %s", fmt, r);
    const char *p = strstr(r, "\r\n") + 2;
    size_t n = (size_t)(strstr(p, "\r\n") - p);
    ck_assert_uint_lt(n, cap);
    memcpy(id, p, n);
    id[n] = '\0';
    free(r);
}

/* ---- replay -------------------------------------------------------------------- */

/* Load a file's bytes into n as the AOF loader would: commands through the
 * request parser on a fake client, '#' lines through aof_annotation_apply.
 * An annotation met inside MULTI is applied after the EXEC: it describes
 * the state after the whole unit.  No reply may be an error. */
static void replay(struct node *n, const char *buf, size_t len)
{
    struct conn *c = n->c;
    struct bytes held = {0}; /* annotations waiting for EXEC */
    size_t off = 0;
    while (off < len) {
        if (buf[off] == '#') {
            const char *eol = memmem(buf + off, len - off, "\r\n", 2);
            ck_assert_ptr_nonnull(eol);
            if (c->flags & CONN_MULTI) {
                bytes_put(&held, buf + off, (size_t)(eol + 2 - (buf + off)));
            } else {
                char err[256];
                int rc = aof_annotation_apply(n->srv, c->db, buf + off + 1,
                                              (size_t)(eol - (buf + off + 1)), err, sizeof(err));
                ck_assert_msg(rc == 0, "annotation at %zu: %s", off, err);
            }
            off = (size_t)(eol + 2 - buf);
            continue;
        }
        size_t used = 0, at = off;
        enum resp_status st = resp_parse(&c->parser, buf + off, len - off, &used);
        ck_assert_int_eq(st, RESP_DONE);
        off += used;
        int was_multi = (c->flags & CONN_MULTI) != 0;
        conn_run_request(c);
        size_t rlen;
        char *r = take_reply(c, &rlen);
        ck_assert_msg(rlen == 0 || (r[0] != '-' && !memmem(r, rlen, "\r\n-", 3)),
                      "replay of %.*s answered %s", (int)(used > 300 ? 300 : used), buf + at, r);
        free(r);
        if (was_multi && !(c->flags & CONN_MULTI) && held.len) {
            size_t hl = held.len;
            held.len = 0;
            replay(n, held.p, hl);
        }
    }
    free(held.p);
}

/* Write A's base into a temp file and read it back. */
static char *write_base(struct node *a, size_t *len, long long *nkeys)
{
    char path[] = "/tmp/check_aof_base.XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    unlink(path);
    ck_assert_int_eq(aof_base_write(a->srv, fd, nkeys), 0);
    off_t size = lseek(fd, 0, SEEK_END);
    ck_assert_int_ge(size, 0);
    char *buf = malloc((size_t)size + 1);
    ck_assert_int_eq(pread(fd, buf, (size_t)size, 0), size);
    buf[size] = '\0';
    close(fd);
    *len = (size_t)size;
    /* For reading what was written: CHECK_AOF_BASE_DUMP=file keeps a copy. */
    const char *dump = getenv("CHECK_AOF_BASE_DUMP");
    if (dump) {
        FILE *f = fopen(dump, "ab");
        if (f) {
            fwrite(buf, 1, *len, f);
            fclose(f);
        }
    }
    return buf;
}

/* ---- comparing ------------------------------------------------------------------- */

/* Replace the integer after "<label>\r\n:" with '?' wherever it occurs
 * in the reply r of *len bytes (which may hold any byte). */
static void mask_field(char *r, size_t *len, const char *label)
{
    char pat[64];
    size_t plen = (size_t)snprintf(pat, sizeof(pat), "%s\r\n:", label);
    char *p = r;
    while ((p = memmem(p, *len - (size_t)(p - r), pat, plen))) {
        p += plen;
        char *end = memmem(p, *len - (size_t)(p - r), "\r\n", 2);
        ck_assert_ptr_nonnull(end);
        *p = '?';
        size_t tail = *len - (size_t)(end - r);
        memmove(p + 1, end, tail + 1);
        *len = (size_t)(p + 1 - r) + tail;
    }
}

/* What commands cannot carry (see aof_base.c): the node layout always;
 * IDMP's lifetime counters from a base (iids-added) and duplicates in
 * any replay (a retry answered from the map is no effect). */
static void mask_reply(char *r, size_t *len, int from_base)
{
    mask_field(r, len, "radix-tree-keys");
    mask_field(r, len, "radix-tree-nodes");
    mask_field(r, len, "iids-duplicates");
    if (from_base)
        mask_field(r, len, "iids-added");
}

/* Run a command on n alone; the reply and its length. */
static char *ask_len(struct node *n, size_t *len, const char *fmt, ...)
{
    struct bytes req = {0};
    va_list ap;
    va_start(ap, fmt);
    format_request(&req, fmt, ap);
    va_end(ap);
    run_on(n->c, req.p, req.len);
    free(req.p);
    return take_reply(n->c, len);
}

#define ask(n, ...) ask_len(n, NULL, __VA_ARGS__)

/* Where two replies part (their lengths if one is a prefix of the other). */
static size_t first_difference(const char *x, size_t xl, const char *y, size_t yl)
{
    size_t i = 0;
    while (i < xl && i < yl && x[i] == y[i])
        i++;
    return i;
}

/* The same request on a and b must get the same bytes (masked); a
 * failure shows both replies from a little before where they part. */
#define SAME(fmt, ...)                                                                     \
    do {                                                                                   \
        size_t la_, lb_;                                                                   \
        char *ra_ = ask_len(a, &la_, fmt, __VA_ARGS__);                                    \
        char *rb_ = ask_len(b, &lb_, fmt, __VA_ARGS__);                                    \
        mask_reply(ra_, &la_, from_base);                                                  \
        mask_reply(rb_, &lb_, from_base);                                                  \
        size_t at_ = first_difference(ra_, la_, rb_, lb_);                                 \
        size_t from_ = at_ > 120 ? at_ - 120 : 0;                                          \
        ck_assert_msg(la_ == lb_ && at_ == la_,                                            \
                      "%s: %s on '%.*s' differs at byte %zu:\nA: %.240s\n%s: %.240s", what,  \
                      fmt, (int)klen, key, at_, ra_ + from_, what, rb_ + from_);            \
        free(ra_);                                                                         \
        free(rb_);                                                                         \
    } while (0)

struct keyname {
    char *p;
    size_t len;
};

/* Compare every key of every database of a and b at the current clock. */
static int compare_nodes(struct node *a, struct node *b, const char *what, int from_base)
{
    int keys = 0;
    for (int db = 0; db < a->srv->ndbs; db++) {
        free(ask(a, "SELECT %d", db));
        free(ask(b, "SELECT %d", db));
        const char *key = "";
        size_t klen = 0;
        SAME("DBSIZE", 0);
        /* Names first: the commands below may expire keys. */
        struct dict *d = &a->srv->dbs[db].keys;
        size_t n = 0;
        struct keyname *names = calloc(d->used + 1, sizeof(*names));
        struct dict_iter it;
        dict_iter_init(&it, d);
        for (struct dict_entry *de; (de = dict_iter_next(&it));) {
            names[n].p = malloc(de->klen + 1);
            memcpy(names[n].p, de->key, de->klen);
            names[n].len = de->klen;
            n++;
        }
        for (size_t i = 0; i < n; i++) {
            key = names[i].p;
            klen = names[i].len;
            keys++;
            SAME("TYPE %b", key, klen);
            SAME("XLEN %b", key, klen);
            SAME("XRANGE %b - +", key, klen);
            SAME("XREVRANGE %b + - COUNT 3", key, klen);
            SAME("XINFO STREAM %b", key, klen);
            SAME("XINFO STREAM %b FULL COUNT 0", key, klen);
            SAME("XINFO GROUPS %b", key, klen);
            SAME("PTTL %b", key, klen);
            SAME("PEXPIRETIME %b", key, klen);
            struct dict_entry *de = dict_find(d, key, klen);
            if (!de)
                continue;
            const struct object *o = de->val;
            const struct stream *s = o->ptr;
            struct dict_entry *bde = dict_find(&b->srv->dbs[db].keys, key, klen);
            ck_assert_ptr_nonnull(bde);
            const struct stream *bs = ((const struct object *)bde->val)->ptr;
            ck_assert(stream_check(bs));
            ck_assert(stream_groups_check(bs));
            for (size_t g = 0; g < stream_group_count(s); g++) {
                const struct stream_group *grp = stream_group_at(s, g);
                SAME("XINFO CONSUMERS %b %b", key, klen, grp->name, grp->name_len);
                SAME("XPENDING %b %b", key, klen, grp->name, grp->name_len);
                SAME("XPENDING %b %b - + 1000000", key, klen, grp->name, grp->name_len);
                SAME("XPENDING %b %b IDLE 1 - + 1000000", key, klen, grp->name, grp->name_len);
                for (size_t k = 0; k < grp->nconsumers; k++) {
                    const struct stream_consumer *cons = grp->consumers[k];
                    SAME("XPENDING %b %b - + 1000000 %b", key, klen, grp->name, grp->name_len,
                         cons->name, cons->name_len);
                }
            }
        }
        for (size_t i = 0; i < n; i++)
            free(names[i].p);
        free(names);
    }
    free(ask(a, "SELECT 0", 0));
    free(ask(b, "SELECT 0", 0));
    return keys;
}

/* Serve every group's records, idlest first (XREADGROUP CLAIM 0), on both:
 * the order of ties and of the NACK zone must be the same.  Changes both. */
static void compare_claim_order(struct node *a, struct node *b, const char *what)
{
    const int from_base = 0;
    for (int db = 0; db < a->srv->ndbs; db++) {
        if (!a->srv->dbs[db].keys.used)
            continue;
        free(ask(a, "SELECT %d", db));
        free(ask(b, "SELECT %d", db));
        struct dict *d = &a->srv->dbs[db].keys;
        struct dict_iter it;
        dict_iter_init(&it, d);
        for (struct dict_entry *de; (de = dict_iter_next(&it));) {
            const char *key = de->key;
            size_t klen = de->klen;
            const struct stream *s = ((const struct object *)de->val)->ptr;
            for (size_t g = 0; g < stream_group_count(s); g++) {
                const struct stream_group *grp = stream_group_at(s, g);
                SAME("XREADGROUP GROUP %b probe CLAIM 0 STREAMS %b >", grp->name, grp->name_len,
                     key, klen);
            }
        }
    }
    free(ask(a, "SELECT 0", 0));
    free(ask(b, "SELECT 0", 0));
}

/* ---- the script -------------------------------------------------------------------- */

static const char BIN_KEY[] = "bin key\r\n\0\xff";
static const char BIN_GROUP[] = "grp \r\n";
static const char BIN_CONS[] = "con\r\n sp\0x";
#define BLEN(s) (sizeof(s) - 1)

/* Every stream write command, on several databases, the clock moving. */
static void run_script(void)
{
    char ids[260][48];
    char id[48];

    /* db 0, s1: a stream over several nodes (100 entries each), trimmed,
     * with three groups and most of the group commands. */
    for (int i = 0; i < 250; i++) {
        tick(1 + i % 3);
        if (i % 7 == 0)
            xadd_id(ids[i], sizeof(ids[i]), "XADD s1 * n %d name item-%d", i, i);
        else
            xadd_id(ids[i], sizeof(ids[i]), "XADD s1 * n %d", i);
    }
    tick(5);
    ok("XADD s1 MAXLEN ~ 200 * trim approx");
    tick(5);
    ok("XTRIM s1 MAXLEN = 190");
    tick(5);
    ok("XTRIM s1 MINID %s", ids[70]);
    ok("XGROUP CREATE s1 g1 0");
    ok("XGROUP CREATE s1 g2 $");
    ok("XGROUP CREATE s1 g3 %s ENTRIESREAD 5", ids[90]);
    tick(10);
    ok("XREADGROUP GROUP g1 alice COUNT 10 STREAMS s1 >");   /* 70..79 */
    tick(10);
    ok("XREADGROUP GROUP g1 bob COUNT 5 STREAMS s1 >");      /* 80..84 */
    tick(10);
    ok("XREADGROUP GROUP g1 bob NOACK COUNT 3 STREAMS s1 >"); /* 85..87, not pending */
    tick(10);
    ok("XREADGROUP GROUP g1 carol STREAMS s1 0");            /* empty history */
    tick(10);
    ok("XREADGROUP GROUP g1 alice COUNT 3 STREAMS s1 0");    /* redelivers 70..72 */
    tick(10);
    ok("XREADGROUP GROUP g2 dave STREAMS s1 >");             /* nothing new */
    tick(10);
    xadd_id(ids[250], sizeof(ids[250]), "XADD s1 * late 1");
    tick(10);
    ok("XREADGROUP GROUP g2 dave STREAMS s1 >");
    tick(10);
    ok("XREADGROUP GROUP g3 zoe COUNT 4 STREAMS s1 >");
    ok("XACK s1 g1 %s %s", ids[71], ids[81]);
    tick(20);
    /* Higher ID first: a tie in delivery time ordered against the IDs. */
    ok("XCLAIM s1 g1 erin 0 %s %s TIME %L RETRYCOUNT 7", ids[83], ids[82], now_ms() - 5000);
    tick(20);
    ok("XCLAIM s1 g1 erin 0 %s IDLE 100", ids[84]);
    ok("XCLAIM s1 g1 erin 0 %s FORCE JUSTID", ids[120]); /* never delivered */
    ok("XCLAIM s1 g1 erin 1000000 %s", ids[70]);         /* not idle enough: seen only */
    tick(20);
    ok("XAUTOCLAIM s1 g1 frank 0 0 COUNT 3");            /* 70, 72, 73: same time */
    tick(20);
    ok("XAUTOCLAIM s1 g1 frank 1000000 0 COUNT 3 JUSTID"); /* claims nothing */
    tick(20);
    ok("XNACK s1 g1 SILENT IDS 2 %s %s", ids[75], ids[74]);
    ok("XNACK s1 g1 FATAL IDS 1 %s", ids[76]);
    ok("XNACK s1 g1 FAIL IDS 1 %s RETRYCOUNT 4 FORCE", ids[130]); /* never delivered */
    tick(20);
    ok("XREADGROUP GROUP g1 gina CLAIM 50 COUNT 3 STREAMS s1 >");
    /* The NACK zone in release order, which is not ID order: 130, 84, 83. */
    ok("XNACK s1 g1 SILENT IDS 2 %s %s", ids[84], ids[83]);
    ok("XGROUP CREATECONSUMER s1 g1 idle-one");
    tick(3);
    ok("XGROUP CREATECONSUMER s1 g3 zed");
    ok("XGROUP CREATECONSUMER s1 g1 carol");             /* exists: 0 */
    ok("XGROUP DELCONSUMER s1 g1 carol");
    ok("XGROUP SETID s1 g3 %s ENTRIESREAD 12", ids[100]);
    ok("XGROUP CREATE s1 gone 0");
    ok("XGROUP DESTROY s1 gone");
    ok("XACKDEL s1 g1 ACKED IDS 1 %s", ids[77]);
    ok("XACKDEL s1 g1 KEEPREF IDS 1 %s", ids[78]);
    ok("XDELEX s1 KEEPREF IDS 2 %s %s", ids[79], ids[140]); /* 79 stays pending in g1 */
    ok("XDEL s1 %s %s %s", ids[80], ids[82], ids[150]);      /* pending entries gone */
    ok("XTRIM s1 MINID = %s KEEPREF", ids[73]);              /* 70..72: pending, gone */
    ok("XADD s1 MAXLEN = 500 DELREF * big %s", "x");
    tick(5);
    /* A transaction: the effects of both commands are one unit. */
    ok("MULTI");
    ok("XREADGROUP GROUP g2 hank COUNT 1 STREAMS s1 0");
    ok("XCLAIM s1 g2 hank 0 %s", ids[250]);
    ok("XREADGROUP GROUP g1 alice COUNT 2 STREAMS s1 0");
    ok("EXEC");
    tick(5);
    /* A blocked reader served by a later write. */
    ok("XREADGROUP GROUP g2 dave STREAMS s1 >");
    char *r = cmd2("XREADGROUP GROUP g2 ivy BLOCK 0 COUNT 2 STREAMS s1 >");
    ck_assert_str_eq(r, "");
    free(r);
    tick(30);
    ok("XADD s1 * wake 1");
    for (int i = 0; i < script_nnodes; i++) {
        char *w = take_reply(script_nodes[i]->c2, NULL);
        ck_assert_msg(strstr(w, "wake") != NULL, "%s", w);
        free(w);
    }
    tick(5);
    ok("PEXPIRE s1 100000000");

    /* db 0: binary key, group and consumer names; a value bigger than the
     * writer's buffer. */
    static char big[100000];
    memset(big, 'v', sizeof(big));
    ok("XADD %b 1-1 f v", BIN_KEY, BLEN(BIN_KEY));
    ok("XADD %b 2-0 f2 %b", BIN_KEY, BLEN(BIN_KEY), big, sizeof(big));
    ok("XGROUP CREATE %b %b 0", BIN_KEY, BLEN(BIN_KEY), BIN_GROUP, BLEN(BIN_GROUP));
    tick(7);
    ok("XREADGROUP GROUP %b %b COUNT 1 STREAMS %b >", BIN_GROUP, BLEN(BIN_GROUP), BIN_CONS,
       BLEN(BIN_CONS), BIN_KEY, BLEN(BIN_KEY));
    tick(7);
    ok("XGROUP CREATECONSUMER %b %b %b", BIN_KEY, BLEN(BIN_KEY), BIN_GROUP, BLEN(BIN_GROUP),
       "", (size_t)0);

    /* Empty streams: never written (0-0), emptied by a trim, by XDEL. */
    ok("XGROUP CREATE e0 g $ MKSTREAM");
    tick(3);
    ok("XREADGROUP GROUP g c STREAMS e0 >");
    ok("XADD e1 5-5 f v");
    ok("XADD e1 6-0 f v");
    ok("XTRIM e1 MAXLEN 0");
    ok("XADD e2 7-1 f v");
    ok("XDEL e2 7-1");

    /* Every entry deleted, records left pending (one released). */
    ok("XADD d1 1-0 a 1");
    ok("XADD d1 2-0 a 2");
    ok("XADD d1 3-0 a 3");
    ok("XGROUP CREATE d1 g 0");
    tick(4);
    ok("XREADGROUP GROUP g c1 COUNT 2 STREAMS d1 >");
    tick(4);
    ok("XREADGROUP GROUP g c2 STREAMS d1 >");
    ok("XNACK d1 g FAIL IDS 1 2-0");
    ok("XDEL d1 1-0 2-0 3-0");

    /* entries-added lowered below a group's entries-read. */
    for (int i = 1; i <= 5; i++)
        ok("XADD y1 %d-0 a %d", i, i);
    ok("XGROUP CREATE y1 g 0");
    tick(4);
    ok("XREADGROUP GROUP g c STREAMS y1 >");
    ok("XDEL y1 1-0 2-0 3-0");
    ok("XSETID y1 5-0 ENTRIESADDED 2");

    /* A key that expires during the script (a DEL effect). */
    ok("XADD gone 1-0 a 1");
    ok("PEXPIRE gone 5");
    tick(10);
    r = cmd("XLEN gone");
    ck_assert_str_eq(r, ":0\r\n");
    free(r);

    /* db 1: idempotent production. */
    ok("SELECT 1");
    ok("XADD ip 1-0 seed 1");
    ok("XCFGSET ip IDMP-DURATION 1000 IDMP-MAXSIZE 3");
    for (int i = 0; i < 5; i++) {
        tick(2);
        xadd_id(ids[i], sizeof(ids[i]), "XADD ip IDMP p1 iid-%d * f %d", i, i);
    }
    tick(2);
    xadd_id(id, sizeof(id), "XADD ip IDMP p1 iid-4 * f 4"); /* a retry */
    ck_assert_str_eq(id, ids[4]);
    tick(2);
    ok("XADD ip IDMPAUTO p2 * a b");
    tick(2);
    ok("XADD ip IDMP %b %b * f v", "bin\r\npid", (size_t)8, "iid x", (size_t)5);
    ok("XDEL ip %s", ids[3]); /* p1's iid-3 names a deleted entry */
    ok("XGROUP CREATE ip g 0");
    tick(2);
    ok("XREADGROUP GROUP g c COUNT 2 STREAMS ip >");
    ok("XADD ip2 1-0 f v");
    ok("XCFGSET ip2 IDMP-DURATION 500 IDMP-MAXSIZE 50");
    xadd_id(id, sizeof(id), "XADD ip3 * f v");
    ok("XIDMPRECORD ip3 p i %s", id);
    ok("XDEL ip3 %s", id); /* empty, with an iid naming the entry */

    /* db 3: a key with an expiry, set with PEXPIREAT. */
    ok("SELECT 3");
    ok("XADD z 1-0 f v");
    ok("PEXPIREAT z %L", now_ms() + 86400000LL);
    ok("SELECT 0");
    tick(100);
}

/* ---- tests ----------------------------------------------------------------------- */

START_TEST(round_trip_base_and_effects)
{
    clock_set_ms(T0_MS);
    struct node a, a0, b, c;
    node_start(&a, 1);
    node_start(&a0, 0);
    script_nodes[0] = &a;
    script_nodes[1] = &a0;
    script_nnodes = 2;
    run_script();
    script_nnodes = 0;
    ck_assert_ptr_nonnull(memmem(a.cap->rb.buf, a.cap->rb.len, "#runnel-consumer ", 17));

    size_t blen;
    long long nkeys;
    char *base = write_base(&a, &blen, &nkeys);
    ck_assert_int_eq(nkeys, (long long)(a.srv->dbs[0].keys.used + a.srv->dbs[1].keys.used +
                                        a.srv->dbs[3].keys.used));
    /* Plain streams stay in Redis 7.0's vocabulary. */
    ck_assert_ptr_nonnull(memmem(base, blen, "$6\r\nXCLAIM\r\n", 12));
    ck_assert_ptr_nonnull(memmem(base, blen, "$5\r\nXNACK\r\n", 11));

    node_start(&b, 0);
    replay(&b, base, blen);
    node_start(&c, 0);
    replay(&c, a.cap->rb.buf, a.cap->rb.len);

    int keys = compare_nodes(&a, &b, "B (base)", 1);
    ck_assert_int_eq(keys, nkeys);
    compare_nodes(&a, &c, "C (effects)", 0);
    /* Idle and inactive times move together. */
    tick(12345);
    compare_nodes(&a, &b, "B (base)", 1);
    compare_nodes(&a, &c, "C (effects)", 0);

    /* A base written from B is byte-for-byte the one written from A,
     * except where placeholders and the node layout differ: load it and
     * compare again. */
    size_t b2len;
    long long nkeys2;
    char *base2 = write_base(&b, &b2len, &nkeys2);
    ck_assert_int_eq(nkeys2, nkeys);
    struct node b2;
    node_start(&b2, 0);
    replay(&b2, base2, b2len);
    compare_nodes(&a, &b2, "B2 (base of B)", 1);

    compare_claim_order(&a, &b, "B (base)");
    compare_claim_order(&a0, &c, "C (effects)");
    free(base);
    free(base2);
    node_stop(&b2);
    node_stop(&c);
    node_stop(&b);
    node_stop(&a0);
    node_stop(&a);
}
END_TEST

/* The exact commands written for a small stream (the documented form). */
START_TEST(base_commands_for_one_stream)
{
    clock_set_ms(T0_MS);
    struct node a;
    node_start(&a, 0);
    script_nodes[0] = &a;
    script_nnodes = 1;
    ok("XADD s 1-0 f v");
    ok("XADD s 2-0 f v");
    ok("XADD s 3-0 f v");
    ok("XDEL s 1-0");
    ok("XGROUP CREATE s g 0");
    tick(1);
    ok("XREADGROUP GROUP g alice COUNT 1 STREAMS s >");
    tick(1);
    ok("XGROUP CREATECONSUMER s g bob");
    ok("PEXPIREAT s %L", T0_MS + 100000);
    script_nnodes = 0;
    size_t len;
    long long nkeys;
    char *base = write_base(&a, &len, &nkeys);
    ck_assert_int_eq(nkeys, 1);
    static const char expect[] =
        "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
        "*5\r\n$4\r\nXADD\r\n$1\r\ns\r\n$3\r\n2-0\r\n$1\r\nf\r\n$1\r\nv\r\n"
        "*5\r\n$4\r\nXADD\r\n$1\r\ns\r\n$3\r\n3-0\r\n$1\r\nf\r\n$1\r\nv\r\n"
        "*7\r\n$6\r\nXSETID\r\n$1\r\ns\r\n$3\r\n3-0\r\n$12\r\nENTRIESADDED\r\n$1\r\n3\r\n"
        "$12\r\nMAXDELETEDID\r\n$3\r\n1-0\r\n"
        "*7\r\n$6\r\nXGROUP\r\n$6\r\nCREATE\r\n$1\r\ns\r\n$1\r\ng\r\n$3\r\n2-0\r\n"
        "$11\r\nENTRIESREAD\r\n$1\r\n2\r\n"
        "*12\r\n$6\r\nXCLAIM\r\n$1\r\ns\r\n$1\r\ng\r\n$5\r\nalice\r\n$1\r\n0\r\n$3\r\n2-0\r\n"
        "$4\r\nTIME\r\n$13\r\n1767225600001\r\n$10\r\nRETRYCOUNT\r\n$1\r\n1\r\n"
        "$6\r\nJUSTID\r\n$5\r\nFORCE\r\n"
        "*5\r\n$6\r\nXGROUP\r\n$14\r\nCREATECONSUMER\r\n$1\r\ns\r\n$1\r\ng\r\n$3\r\nbob\r\n"
        "#runnel-consumer 73 67 616c696365 1767225600001 1767225600001\r\n"
        "#runnel-consumer 73 67 626f62 1767225600002 -1\r\n"
        "*3\r\n$9\r\nPEXPIREAT\r\n$1\r\ns\r\n$13\r\n1767225700000\r\n";
    ck_assert_str_eq(base, expect);
    free(base);
    node_stop(&a);
}
END_TEST

/* XSETID may put the last ID below the greatest deleted one (Redis 7.0
 * allows it), and a record may name a deleted entry above the last ID.
 * Base only: the effect cmd_xsetid emits for it always carries
 * MAXDELETEDID, which XSETID refuses above the given ID on replay. */
START_TEST(base_last_id_below_max_deleted)
{
    clock_set_ms(T0_MS);
    struct node a, b;
    node_start(&a, 0);
    script_nodes[0] = &a;
    script_nnodes = 1;
    ok("XADD x1 1-0 a 1");
    ok("XADD x1 2-0 a 2");
    ok("XADD x1 3-0 a 3");
    ok("XGROUP CREATE x1 g 0");
    tick(4);
    ok("XREADGROUP GROUP g c STREAMS x1 >");
    ok("XDEL x1 3-0");
    ok("XSETID x1 2-0");
    tick(4);
    script_nnodes = 0;
    size_t len;
    long long nkeys;
    char *base = write_base(&a, &len, &nkeys);
    /* The two-step ending: counters with a last ID that admits them, then
     * the last ID alone. */
    ck_assert_ptr_nonnull(strstr(base, "*3\r\n$6\r\nXSETID\r\n$2\r\nx1\r\n$3\r\n2-0\r\n"));
    node_start(&b, 0);
    replay(&b, base, len);
    ck_assert_int_eq(compare_nodes(&a, &b, "B (base)", 1), 1);
    compare_claim_order(&a, &b, "B (base)");
    free(base);
    node_stop(&b);
    node_stop(&a);
}
END_TEST

START_TEST(base_of_nothing_is_empty)
{
    struct node a;
    node_start(&a, 0);
    size_t len;
    long long nkeys = -1;
    char *base = write_base(&a, &len, &nkeys);
    ck_assert_uint_eq(len, 0);
    ck_assert_int_eq(nkeys, 0);
    free(base);
    node_stop(&a);
}
END_TEST

START_TEST(base_write_error_sets_errno)
{
    struct node a;
    node_start(&a, 0);
    script_nodes[0] = &a;
    script_nnodes = 1;
    ok("XADD s 1-0 f v");
    script_nnodes = 0;
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    close(fds[0]);
    signal(SIGPIPE, SIG_IGN);
    long long nkeys;
    errno = 0;
    ck_assert_int_eq(aof_base_write(a.srv, fds[1], &nkeys), -1);
    ck_assert_int_eq(errno, EPIPE);
    close(fds[1]);
    node_stop(&a);
}
END_TEST

/* Many entries and pending records: the writer's cost per entry. */
START_TEST(base_of_a_large_stream)
{
    clock_set_ms(T0_MS);
    struct node a;
    node_start(&a, 0);
    script_nodes[0] = &a;
    script_nnodes = 1;
    for (int i = 1; i <= 20000; i++)
        ok("XADD big %d-0 field %d other text-%d", i, i, i);
    ok("XGROUP CREATE big g 0");
    tick(1);
    ok("XREADGROUP GROUP g c COUNT 5000 STREAMS big >");
    for (int i = 1; i <= 5000; i += 2)
        ok("XDEL big %d-0", i);
    script_nnodes = 0;
    size_t len;
    long long nkeys;
    char *base = write_base(&a, &len, &nkeys);
    struct node b;
    node_start(&b, 0);
    replay(&b, base, len);
    compare_nodes(&a, &b, "B (base)", 1);
    free(base);
    node_stop(&b);
    node_stop(&a);
}
END_TEST

/* ---- the annotation ------------------------------------------------------------ */

START_TEST(hex_decode)
{
    char out[8];
    ck_assert_int_eq(aof_annotation_hex_decode("", 0, out), 0);
    ck_assert_int_eq(aof_annotation_hex_decode("00ff7A0d", 8, out), 0);
    ck_assert_int_eq(memcmp(out, "\x00\xff\x7a\x0d", 4), 0);
    ck_assert_int_eq(aof_annotation_hex_decode("0", 1, out), -1);
    ck_assert_int_eq(aof_annotation_hex_decode("abc", 3, out), -1);
    ck_assert_int_eq(aof_annotation_hex_decode("zz", 2, out), -1);
    ck_assert_int_eq(aof_annotation_hex_decode("0g", 2, out), -1);
    ck_assert_int_eq(aof_annotation_hex_decode("g0", 2, out), -1);
    ck_assert_int_eq(aof_annotation_hex_decode(" 0", 2, out), -1);
}
END_TEST

static int apply(struct node *n, const char *text, char *err)
{
    err[0] = '\0';
    return aof_annotation_apply(n->srv, n->c->db, text, strlen(text), err, 256);
}

static const struct stream_consumer *find_consumer(struct node *n, const char *key,
                                                   const char *group, const char *name,
                                                   size_t nlen)
{
    struct dict_entry *de = dict_find(&n->c->db->keys, key, strlen(key));
    ck_assert_ptr_nonnull(de);
    const struct stream *s = ((const struct object *)de->val)->ptr;
    const struct stream_group *g = stream_group_find(s, group, strlen(group));
    ck_assert_ptr_nonnull(g);
    return stream_consumer_find(g, name, nlen);
}

START_TEST(apply_parses_and_checks)
{
    clock_set_ms(T0_MS);
    struct node n;
    node_start(&n, 0);
    script_nodes[0] = &n;
    script_nnodes = 1;
    ok("XADD s 1-0 f v");
    ok("XGROUP CREATE s g 0");
    ok("XGROUP CREATECONSUMER s g c");
    ok("XGROUP CREATECONSUMER s g %b", "", (size_t)0);
    script_nnodes = 0;
    char err[256];
    /* 73 = "s", 67 = "g", 63 = "c" */
    ck_assert_int_eq(apply(&n, "runnel-consumer 73 67 63 123 456", err), 0);
    const struct stream_consumer *c = find_consumer(&n, "s", "g", "c", 1);
    ck_assert_int_eq(c->seen_time, 123);
    ck_assert_int_eq(c->active_time, 456);
    ck_assert_int_eq(apply(&n, "runnel-consumer 73 67 63 9 -1", err), 0);
    ck_assert_int_eq(c->seen_time, 9);
    ck_assert_int_eq(c->active_time, -1);
    ck_assert_int_eq(apply(&n, "runnel-consumer 73 67  77 88", err), 0); /* empty name */
    c = find_consumer(&n, "s", "g", "", 0);
    ck_assert_int_eq(c->seen_time, 77);
    ck_assert_int_eq(c->active_time, 88);
    ck_assert_int_eq(apply(&n, "runnel-consumer 73 67 63 1767225600000 1767225600000", err), 0);

    /* Not ours: ignored. */
    ck_assert_int_eq(apply(&n, "TS:1767225600", err), 0);
    ck_assert_int_eq(apply(&n, "", err), 0);
    ck_assert_int_eq(apply(&n, "runnel-consumers 73 67 63 1 1", err), 0);
    ck_assert_int_eq(apply(&n, "runnel-future x y z", err), 0);

    /* Malformed. */
    static const char *const bad[] = {
        "runnel-consumer",
        "runnel-consumer 73 67 63 1",
        "runnel-consumer 73 67 63 1 1 1",
        "runnel-consumer 73 67 63 1 1 ",
        "runnel-consumer 7 67 63 1 1",
        "runnel-consumer 73 6g 63 1 1",
        "runnel-consumer 73 67 6 1 1",
        "runnel-consumer 73 67 63 x 1",
        "runnel-consumer 73 67 63 1 y",
        "runnel-consumer 73 67 63 -1 1",
        "runnel-consumer 73 67 63 1 -2",
        "runnel-consumer 73 67 63 01 1",
        "runnel-consumer 73 67 63 1 99999999999999999999",
        "runnel-consumer  73 67 63 1 1",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(apply(&n, bad[i], err) == -1, "accepted '%s'", bad[i]);
        ck_assert_msg(strstr(err, "runnel-consumer annotation") != NULL, "%s", err);
    }
    /* What it names must exist. */
    ck_assert_int_eq(apply(&n, "runnel-consumer 74 67 63 1 1", err), -1);
    ck_assert_str_eq(err, "runnel-consumer annotation for a key that does not exist");
    ck_assert_int_eq(apply(&n, "runnel-consumer 73 68 63 1 1", err), -1);
    ck_assert_str_eq(err, "runnel-consumer annotation for a group that does not exist");
    ck_assert_int_eq(apply(&n, "runnel-consumer 73 67 64 1 1", err), -1);
    ck_assert_str_eq(err, "runnel-consumer annotation for a consumer that does not exist");
    /* Nothing changed by the failures. */
    c = find_consumer(&n, "s", "g", "c", 1);
    ck_assert_int_eq(c->seen_time, 1767225600000LL);
    node_stop(&n);
}
END_TEST

/* The base writer's line and the effect path's line are the same bytes;
 * a line too long for Redis's loader is not written by either. */
START_TEST(format_matches_effects)
{
    clock_set_ms(T0_MS);
    struct node n;
    node_start(&n, 1);
    script_nodes[0] = &n;
    script_nnodes = 1;
    ok("XADD %b 1-0 f v", BIN_KEY, BLEN(BIN_KEY));
    ok("XGROUP CREATE %b g 0", BIN_KEY, BLEN(BIN_KEY));
    tick(3);
    ok("XREADGROUP GROUP g %b STREAMS %b >", BIN_CONS, BLEN(BIN_CONS), BIN_KEY, BLEN(BIN_KEY));
    char long_name[600];
    memset(long_name, 'n', sizeof(long_name));
    ok("XGROUP CREATECONSUMER %b g %b", BIN_KEY, BLEN(BIN_KEY), long_name, sizeof(long_name));
    script_nnodes = 0;
    struct dict_entry *de = dict_find(&n.c->db->keys, BIN_KEY, BLEN(BIN_KEY));
    const struct stream *s = ((const struct object *)de->val)->ptr;
    const struct stream_group *g = stream_group_find(s, "g", 1);
    const struct stream_consumer *cons = stream_consumer_find(g, BIN_CONS, BLEN(BIN_CONS));
    char line[EFFECT_ANNOTATION_MAX + 1];
    size_t len =
        aof_annotation_format_consumer(line, sizeof(line), BIN_KEY, BLEN(BIN_KEY), g, cons);
    ck_assert_uint_gt(len, 0);
    line[len] = '\0';
    ck_assert_str_eq(line, "#runnel-consumer 62696e206b65790d0a00ff 67 636f6e0d0a2073700078 "
                           "1767225600003 1767225600003\r\n");
    ck_assert_ptr_nonnull(memmem(n.cap->rb.buf, n.cap->rb.len, line, len));
    /* 2 * 600 hex digits: too long for one line. */
    const struct stream_consumer *lc = stream_consumer_find(g, long_name, sizeof(long_name));
    ck_assert_uint_eq(aof_annotation_format_consumer(line, sizeof(line), BIN_KEY, BLEN(BIN_KEY),
                                                     g, lc),
                      0);
    ck_assert_ptr_null(memmem(n.cap->rb.buf, n.cap->rb.len, "6e6e6e6e", 8));
    /* At the limit: 42 + 2 * 479 = 1000 bytes are written, 1002 are not,
     * by both paths. */
    script_nnodes = 1;
    ok("XADD s 1-0 f v");
    ok("XGROUP CREATE s g 0");
    for (size_t clen = 479; clen <= 480; clen++) {
        size_t before = n.cap->rb.len;
        ok("XGROUP CREATECONSUMER s g %b", long_name, clen);
        size_t elen = n.cap->rb.len - before;
        struct dict_entry *se = dict_find(&n.c->db->keys, "s", 1);
        const struct stream_group *sg = stream_group_find(((const struct object *)se->val)->ptr,
                                                          "g", 1);
        size_t flen = aof_annotation_format_consumer(line, sizeof(line), "s", 1, sg,
                                                     stream_consumer_find(sg, long_name, clen));
        const char *hash = memmem(n.cap->rb.buf + before, elen, "#runnel", 7);
        if (clen == 479) {
            ck_assert_uint_eq(flen, 1000);
            ck_assert_ptr_nonnull(hash);
            ck_assert_int_eq(memcmp(hash, line, flen), 0);
        } else {
            ck_assert_uint_eq(flen, 0);
            ck_assert_ptr_null(hash);
        }
    }
    script_nnodes = 0;
    /* The line applies back. */
    ck_assert_int_eq(apply(&n, "runnel-consumer 62696e206b65790d0a00ff 67 636f6e0d0a2073700078 "
                               "5 6",
                           line),
                     0);
    ck_assert_int_eq(cons->seen_time, 5);
    ck_assert_int_eq(cons->active_time, 6);
    node_stop(&n);
}
END_TEST

/* Which commands annotate, and where: after the unit's other effects,
 * once per consumer, also when nothing was delivered. */
START_TEST(emission_sites)
{
    clock_set_ms(T0_MS);
    struct node n;
    node_start(&n, 1);
    script_nodes[0] = &n;
    script_nnodes = 1;
    ok("XADD s 1-0 f v");
    ok("XADD s 2-0 f v");
    ok("XGROUP CREATE s g 0");
    struct {
        const char *cmd;
        int annotations;
    } cases[] = {
        {"XGROUP CREATECONSUMER s g a", 1},
        {"XGROUP CREATECONSUMER s g a", 0},                  /* exists: no change */
        {"XREADGROUP GROUP g a STREAMS s s > >", 1},         /* the same consumer twice */
        {"XREADGROUP GROUP g a STREAMS s >", 1},             /* nothing new */
        {"XREADGROUP GROUP g a STREAMS s 0", 1},             /* history */
        {"XREADGROUP GROUP g b STREAMS s >", 1},             /* new consumer, nothing */
        {"XCLAIM s g b 0 1-0", 1},
        {"XCLAIM s g c 99999999 1-0", 1},                    /* claims nothing */
        {"XAUTOCLAIM s g d 0 0", 1},
        {"XACK s g 1-0", 0},
        {"XNACK s g SILENT IDS 1 2-0", 0},
        {"XGROUP DELCONSUMER s g c", 0},
        {"XPENDING s g", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tick(10);
        size_t before = n.cap->rb.len;
        ok(cases[i].cmd);
        const char *p = n.cap->rb.buf + before;
        size_t len = n.cap->rb.len - before;
        int count = 0;
        const char *last = NULL;
        for (const char *q = p; (q = memmem(q, len - (size_t)(q - p), "#runnel-consumer ", 17));
             q++) {
            count++;
            last = q;
        }
        ck_assert_msg(count == cases[i].annotations, "%s: %d annotations", cases[i].cmd, count);
        if (last) {
            /* Nothing but the line (and EXEC) after it. */
            const char *eol = strstr(last, "\r\n") + 2;
            size_t rest = len - (size_t)(eol - p);
            ck_assert_msg(rest == 0 || (rest == 14 && memcmp(eol, "*1\r\n$4\r\nEXEC\r\n", 14) == 0),
                          "%s: effects after the annotation", cases[i].cmd);
        }
    }
    node_stop(&n);
}
END_TEST

static Suite *aof_base_suite(void)
{
    Suite *s = suite_create("aof_base");
    TCase *tc = tcase_create("annotation");
    tcase_add_test(tc, hex_decode);
    tcase_add_test(tc, apply_parses_and_checks);
    tcase_add_test(tc, format_matches_effects);
    tcase_add_test(tc, emission_sites);
    suite_add_tcase(s, tc);
    tc = tcase_create("base");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, base_commands_for_one_stream);
    tcase_add_test(tc, base_last_id_below_max_deleted);
    tcase_add_test(tc, base_of_nothing_is_empty);
    tcase_add_test(tc, base_write_error_sets_errno);
    tcase_add_test(tc, round_trip_base_and_effects);
    tcase_add_test(tc, base_of_a_large_stream);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(aof_base_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
