/* runner.c -- the differential test runner: run scripts against Redis (the
 * oracle) and Runnel (the target) and compare every reply.
 *
 *   compat-runner --oracle HOST:PORT --target HOST:PORT [options] FILE...
 *
 * Each script line is a command (sent to both servers on the current named
 * connection, one reply read from each, the two reply trees compared) or a
 * directive starting with '@' (README.md documents them all).  Every compared
 * reply counts as one case; the last line printed is always
 *
 *   compat: N passed, M failed
 *
 * Both servers see the same commands in the same order.  For a plain
 * command the oracle is asked first and then the target, so a script's
 * cross-connection effects (one connection blocks, another writes) happen on
 * both servers in the same order.
 *
 * Normalisation is applied to each side's reply before comparing, in this
 * order: @ignore-fields, @match-ids, @normalize-info / @info-has,
 * @ignore-value / @type-only, @unordered. */
#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define SIDES 2
#define ORACLE 0
#define TARGET 1
#define DEFAULT_TIMEOUT_MS 5000
#define DEFAULT_NORECV_MS 100
#define CONNECT_TIMEOUT_MS 2000
#define RENDER_LIMIT 2000
#define SCAN_MAX_CALLS 100000
#define ID_MIN_MS_DIGITS 12

/* What one line's modifiers ask for. */
struct mods {
    unsigned ignore_value:1;
    unsigned type_only:1;
    unsigned unordered:1;
    unsigned unordered_pairs:1;
    unsigned match_ids:1;
    unsigned scan_all:1;
    unsigned noreply:1;
    unsigned skip_oracle:1;
    unsigned normalize_info:1;
    int has_approx;
    long long approx;
    struct tokens ignore_fields;  /* @ignore-fields a,b,c */
    struct tokens info_sections;  /* @normalize-info s1,s2 ("*": all) */
    struct tokens info_has;       /* @info-has f1,f2 */
    char *info_field;             /* @info-field name */
};

struct side {
    const char *label;
    char host[256];
    int port;
    char **ids;                   /* @match-ids: ids[k] is <id{k+1}> */
    size_t nids;
};

struct client {
    char *name;
    struct rconn c[SIDES];
    char **pending;               /* commands sent by @send, oldest first */
    size_t npending;
};

struct run {
    struct side side[SIDES];
    int self_test;
    int verbose;
    int no_flush;
    int default_timeout_ms;

    /* Per file. */
    const char *file;
    int line;
    int timeout_ms;
    struct client *clients;
    size_t nclients;
    size_t cur;
    struct mods sticky;           /* flags switched on with "@x on" */
    char *diff_name;              /* @expect-diff waiting for its command */
    struct tokens newer_fields;   /* @newer-fields NAME a,b,c: keys newer Redis adds */
    char *newer_name;             /* ... and the named difference they belong to */
    int abort_file;

    long passed;
    long failed;
    long diffs;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* ---- small helpers ------------------------------------------------------ */

static void split_list(const char *s, struct tokens *out)
{
    memset(out, 0, sizeof(*out));
    const char *p = s;
    while (*p) {
        const char *q = strchr(p, ',');
        size_t n = q ? (size_t)(q - p) : strlen(p);
        if (n) {
            if (out->n == out->cap) {
                out->cap = out->cap ? out->cap * 2 : 4;
                out->v = xrealloc(out->v, (size_t)out->cap * sizeof(*out->v));
            }
            out->v[out->n].s = xstrndup(p, n);
            out->v[out->n].len = n;
            out->v[out->n].quoted = 0;
            out->n++;
        }
        if (!q)
            break;
        p = q + 1;
    }
}

static void mods_free(struct mods *m)
{
    tokens_free(&m->ignore_fields);
    tokens_free(&m->info_sections);
    tokens_free(&m->info_has);
    free(m->info_field);
    m->info_field = NULL;
}

static void render_cmd(int argc, char **argv, const size_t *lens, struct buf *out)
{
    for (int i = 0; i < argc; i++) {
        if (i)
            buf_addc(out, ' ');
        render_token(argv[i], lens[i], out, 0);
    }
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !interrupted)
        ;
}

/* ---- clients ------------------------------------------------------------ */

static struct client *client_get(struct run *run, const char *name)
{
    for (size_t i = 0; i < run->nclients; i++)
        if (strcmp(run->clients[i].name, name) == 0)
            return &run->clients[i];
    run->clients = xrealloc(run->clients, (run->nclients + 1) * sizeof(*run->clients));
    struct client *cl = &run->clients[run->nclients++];
    memset(cl, 0, sizeof(*cl));
    cl->name = xstrndup(name, strlen(name));
    for (int s = 0; s < SIDES; s++)
        rconn_init(&cl->c[s]);
    return cl;
}

static void client_clear_pending(struct client *cl)
{
    for (size_t i = 0; i < cl->npending; i++)
        free(cl->pending[i]);
    free(cl->pending);
    cl->pending = NULL;
    cl->npending = 0;
}

static void clients_free(struct run *run)
{
    for (size_t i = 0; i < run->nclients; i++) {
        struct client *cl = &run->clients[i];
        for (int s = 0; s < SIDES; s++) {
            rconn_close(&cl->c[s]);
            buf_free(&cl->c[s].in);
        }
        client_clear_pending(cl);
        free(cl->name);
    }
    free(run->clients);
    run->clients = NULL;
    run->nclients = 0;
    run->cur = 0;
}

/* When one server closed a connection (QUIT, protocol error, timeout) and
 * the other did not, close the other too: both reopen fresh on next use,
 * so the two sides keep the same connection state (db, MULTI, protocol). */
static void sync_closed(struct client *cl)
{
    if ((cl->c[ORACLE].fd < 0) != (cl->c[TARGET].fd < 0)) {
        rconn_close(&cl->c[ORACLE]);
        rconn_close(&cl->c[TARGET]);
        client_clear_pending(cl);
    }
}

/* ---- reporting ---------------------------------------------------------- */

static void script_error(struct run *run, const char *msg)
{
    printf("FAIL %s:%d: script error: %s\n", run->file, run->line, msg);
    run->failed++;
}

static void say_reply(struct buf *b, const char *label, const struct reply *r)
{
    buf_printf(b, " | %s: ", label);
    reply_render(r, b, RENDER_LIMIT);
}

/* Make sure side s of the client is connected.  A target that cannot be
 * reached ends the file (one failure); an unreachable oracle ends the run. */
static int ensure_conn(struct run *run, struct client *cl, int s)
{
    char err[256];
    if (cl->c[s].fd >= 0)
        return 0;
    if (rconn_open(&cl->c[s], run->side[s].host, run->side[s].port,
                   CONNECT_TIMEOUT_MS, err, sizeof(err)) == 0)
        return 0;
    if (s == ORACLE) {
        fprintf(stderr, "compat-runner: oracle unreachable: %s\n", err);
        exit(2);
    }
    printf("FAIL %s:%d: cannot connect to %s: %s (rest of file skipped)\n",
           run->file, run->line, run->side[s].label, err);
    run->failed++;
    run->abort_file = 1;
    return -1;
}

/* ---- @match-ids ---------------------------------------------------------- */

/* A stream ID generated from the clock: MS-SEQ with a millisecond part of
 * at least 12 digits.  Explicit IDs in scripts (1-1, 5-0) stay as they are. */
static int looks_generated_id(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && isdigit((unsigned char)s[i]))
        i++;
    if (i < ID_MIN_MS_DIGITS || i >= len || s[i] != '-')
        return 0;
    size_t j = ++i;
    while (i < len && isdigit((unsigned char)s[i]))
        i++;
    return i == len && i > j;
}

static void match_ids(struct side *sd, struct reply *r)
{
    if ((r->type == R_BULK || r->type == R_STATUS) && looks_generated_id(r->str, r->len)) {
        size_t k;
        for (k = 0; k < sd->nids; k++)
            if (strcmp(sd->ids[k], r->str) == 0)
                break;
        if (k == sd->nids) {
            sd->ids = xrealloc(sd->ids, (sd->nids + 1) * sizeof(*sd->ids));
            sd->ids[sd->nids++] = xstrndup(r->str, r->len);
        }
        char ph[32];
        snprintf(ph, sizeof(ph), "<id%zu>", k + 1);
        free(r->str);
        r->str = xstrndup(ph, strlen(ph));
        r->len = strlen(ph);
    }
    for (size_t i = 0; i < r->nelem; i++)
        match_ids(sd, r->elem[i]);
}

/* Replace <idN> and <msN> in an argument by this side's real ID (or its
 * millisecond part).  -1 when N names no ID seen yet. */
static int subst_ids(const struct side *sd, const char *in, size_t inlen,
                     struct buf *out, char *err, size_t errlen)
{
    out->len = 0;
    buf_reserve(out, inlen);
    out->p[0] = '\0';
    for (size_t i = 0; i < inlen;) {
        int is_id = inlen - i > 4 && memcmp(in + i, "<id", 3) == 0;
        int is_ms = inlen - i > 4 && memcmp(in + i, "<ms", 3) == 0;
        if (is_id || is_ms) {
            size_t j = i + 3;
            size_t k = 0;
            while (j < inlen && isdigit((unsigned char)in[j]))
                k = k * 10 + (size_t)(in[j++] - '0');
            if (j > i + 3 && j < inlen && in[j] == '>') {
                if (k == 0 || k > sd->nids) {
                    snprintf(err, errlen, "%.*s: no such generated ID on %s yet",
                             (int)(j + 1 - i), in + i, sd->label);
                    return -1;
                }
                const char *id = sd->ids[k - 1];
                size_t n = is_ms ? (size_t)(strchr(id, '-') - id) : strlen(id);
                buf_add(out, id, n);
                i = j + 1;
                continue;
            }
        }
        buf_addc(out, in[i++]);
    }
    return 0;
}

/* ---- normalisation ------------------------------------------------------ */

static int list_has(const struct tokens *t, const char *s, size_t len, int nocase)
{
    for (int i = 0; i < t->n; i++) {
        if (t->v[i].len != len)
            continue;
        if (nocase ? strncasecmp(t->v[i].s, s, len) == 0 : memcmp(t->v[i].s, s, len) == 0)
            return 1;
    }
    return 0;
}

/* Key/value pairs whose key is one of names are removed (in maps, or in
 * flat key/value arrays as RESP2 sends XINFO), at any depth.  Returns how
 * many were removed. */
static long strip_fields(struct reply *r, const struct tokens *names)
{
    long removed = 0;
    int flat = r->type == R_MAP || (r->type == R_ARRAY && r->nelem % 2 == 0);
    if (flat) {
        size_t out = 0;
        for (size_t i = 0; i + 1 < r->nelem; i += 2) {
            struct reply *k = r->elem[i];
            if ((k->type == R_BULK || k->type == R_STATUS) && list_has(names, k->str, k->len, 0)) {
                reply_free(r->elem[i]);
                reply_free(r->elem[i + 1]);
                removed++;
                continue;
            }
            r->elem[out++] = r->elem[i];
            r->elem[out++] = r->elem[i + 1];
        }
        r->nelem = out;
    }
    for (size_t i = 0; i < r->nelem; i++)
        removed += strip_fields(r->elem[i], names);
    return removed;
}

/* Values of the named fields (in maps, or in flat key/value arrays as
 * RESP2 sends HELLO and XINFO) become wildcards, at any depth. */
static void ignore_fields(struct reply *r, const struct tokens *names)
{
    int flat = r->type == R_MAP || (r->type == R_ARRAY && r->nelem % 2 == 0);
    if (flat) {
        for (size_t i = 0; i + 1 < r->nelem; i += 2) {
            struct reply *k = r->elem[i];
            if ((k->type == R_BULK || k->type == R_STATUS) && list_has(names, k->str, k->len, 0)) {
                reply_free(r->elem[i + 1]);
                r->elem[i + 1] = reply_new(R_ANY);
            }
        }
    }
    for (size_t i = 0; i < r->nelem; i++)
        ignore_fields(r->elem[i], names);
}

static void set_add_unique(struct reply *set, const char *s, size_t len)
{
    for (size_t i = 0; i < set->nelem; i++)
        if (set->elem[i]->len == len && memcmp(set->elem[i]->str, s, len) == 0)
            return;
    reply_push(set, reply_str(R_BULK, s, len));
}

/* The field names of an INFO-like text ("# Section" headers, "name:value"
 * lines) or of CLIENT LIST/INFO lines ("k=v k=v").  Sections, when given,
 * limit which INFO fields count; their headers are part of the set so a
 * missing section shows. */
static struct reply *info_field_set(const struct reply *r, const struct tokens *sections)
{
    struct reply *set = reply_new(R_SET);
    int all = sections->n == 0 || (sections->n == 1 && strcmp(sections->v[0].s, "*") == 0);
    int in_section = all;
    const char *p = r->str, *end = r->str + r->len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        const char *le = eol;
        if (le > p && le[-1] == '\r')
            le--;
        size_t n = (size_t)(le - p);
        if (n > 2 && p[0] == '#' && p[1] == ' ') {
            in_section = all || list_has(sections, p + 2, n - 2, 1);
            if (in_section) {
                struct buf h;
                buf_init(&h);
                buf_adds(&h, "# ");
                for (size_t i = 2; i < n; i++)
                    buf_addc(&h, (char)tolower((unsigned char)p[i]));
                set_add_unique(set, h.p, h.len);
                buf_free(&h);
            }
        } else if (n) {
            size_t i = 0;
            while (i < n && p[i] != ':' && p[i] != '=' && p[i] != ' ')
                i++;
            if (i < n && p[i] == ':' && in_section) {
                set_add_unique(set, p, i);
            } else if (i < n && p[i] == '=') {
                /* k=v k=v ...: every token's key. */
                const char *t = p;
                while (t < le) {
                    const char *sp = memchr(t, ' ', (size_t)(le - t));
                    const char *te = sp ? sp : le;
                    const char *eq = memchr(t, '=', (size_t)(te - t));
                    if (eq)
                        set_add_unique(set, t, (size_t)(eq - t));
                    t = te + 1;
                }
            }
        }
        p = eol + 1;
    }
    set->unordered = 1;
    return set;
}

/* @info-field: the value of one "name:value" line of an INFO-like text, as
 * a bulk string, or (nil) when the field is absent. */
static struct reply *info_field_value(const struct reply *r, const char *name)
{
    size_t nl = strlen(name);
    const char *p = r->str, *end = r->str + r->len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        const char *le = eol;
        if (le > p && le[-1] == '\r')
            le--;
        if ((size_t)(le - p) > nl && memcmp(p, name, nl) == 0 && p[nl] == ':')
            return reply_str(R_BULK, p + nl + 1, (size_t)(le - p - (ptrdiff_t)nl - 1));
        p = eol + 1;
    }
    return reply_new(R_NIL_BULK);
}

/* One boolean per @info-has field: is it in the INFO-like text? */
static struct reply *info_has_fields(const struct reply *r, const struct tokens *fields)
{
    struct tokens none;
    memset(&none, 0, sizeof(none));
    struct reply *set = info_field_set(r, &none);
    struct reply *out = reply_new(R_ARRAY);
    for (int i = 0; i < fields->n; i++) {
        int found = 0;
        for (size_t j = 0; j < set->nelem && !found; j++)
            found = set->elem[j]->len == fields->v[i].len &&
                    memcmp(set->elem[j]->str, fields->v[i].s, fields->v[i].len) == 0;
        struct reply *b = reply_new(R_BOOL);
        b->num = found;
        reply_push(out, b);
    }
    reply_free(set);
    return out;
}

static void strip_values(struct reply *r, int drop_children)
{
    if (reply_is_aggregate(r->type)) {
        if (drop_children) {
            for (size_t i = 0; i < r->nelem; i++)
                reply_free(r->elem[i]);
            r->nelem = 0;
            r->stripped = 1;
        }
        for (size_t i = 0; i < r->nelem; i++)
            strip_values(r->elem[i], drop_children);
        return;
    }
    if (r->type == R_ANY)
        return;
    r->stripped = 1;
}

static int cmp_render(const void *a, const void *b)
{
    struct buf x, y;
    buf_init(&x);
    buf_init(&y);
    reply_render(*(struct reply *const *)a, &x, 0);
    reply_render(*(struct reply *const *)b, &y, 0);
    int c = strcmp(x.p, y.p);
    buf_free(&x);
    buf_free(&y);
    return c;
}

/* Sort an unordered array or set for display; maps keep their pairs. */
static void sort_for_display(struct reply *r)
{
    if (r->unordered && r->type != R_MAP && !r->pairs && r->nelem > 1)
        qsort(r->elem, r->nelem, sizeof(*r->elem), cmp_render);
}

static int is_pseudo(const struct reply *r)
{
    return r->type == R_CLOSED || r->type == R_TIMEOUT || r->type == R_NOREPLY ||
           r->type == R_PROTOERR;
}

/* Apply the line's normalisations to one side's reply; may replace it. */
static struct reply *normalize(struct run *run, const struct mods *m,
                               struct reply *r, int s)
{
    if (is_pseudo(r))
        return r;
    if (run->newer_fields.n && strip_fields(r, &run->newer_fields) && s == TARGET)
        run->diffs++; /* the named difference of @newer-fields, checked */
    if (m->ignore_fields.n)
        ignore_fields(r, &m->ignore_fields);
    if (m->match_ids && s >= 0)
        match_ids(&run->side[s], r);
    if (m->info_field && (r->type == R_BULK || r->type == R_VERB)) {
        struct reply *n = info_field_value(r, m->info_field);
        reply_free(r);
        r = n;
    } else if ((m->normalize_info || m->info_has.n) &&
               (r->type == R_BULK || r->type == R_VERB)) {
        struct reply *n = m->info_has.n ? info_has_fields(r, &m->info_has)
                                        : info_field_set(r, &m->info_sections);
        reply_free(r);
        r = n;
    }
    if (m->ignore_value || m->type_only)
        strip_values(r, m->type_only);
    if (m->unordered && reply_is_aggregate(r->type))
        r->unordered = 1;
    if (m->unordered_pairs && reply_is_aggregate(r->type) && r->nelem % 2 == 0)
        r->unordered = r->pairs = 1;
    sort_for_display(r);
    return r;
}

/* The literal gets the shape-only normalisations (not @match-ids: it is
 * written with placeholders already). */
static struct reply *normalize_literal(const struct mods *m, const struct reply *lit)
{
    struct reply *r = reply_dup(lit);
    if (m->ignore_fields.n)
        ignore_fields(r, &m->ignore_fields);
    if (m->ignore_value || m->type_only)
        strip_values(r, m->type_only);
    if ((m->unordered || m->scan_all || m->normalize_info) && reply_is_aggregate(r->type))
        r->unordered = 1;
    if (m->unordered_pairs && reply_is_aggregate(r->type) && r->nelem % 2 == 0)
        r->unordered = r->pairs = 1;
    return r;
}

/* ---- comparison and verdict ------------------------------------------- */

/* Compare and report one case.  rep[s] may be NULL for a side not asked.
 * Takes ownership of rep[] and lit. */
static void verdict(struct run *run, const struct client *cl, const struct mods *m,
                    const char *cmd, struct reply **rep, struct reply *lit)
{
    struct cmp_opts o = { m->approx, m->has_approx };
    char *diff = run->diff_name;
    run->diff_name = NULL;
    struct reply *nlit = NULL;

    if (interrupted)
        goto out; /* servers are being stopped: this reply proves nothing */
    if (diff && !lit) {
        script_error(run, "@expect-diff needs a command with '=> expected reply'");
        goto out;
    }
    if (m->info_has.n && !lit) {
        /* @info-has: every listed field must be present on both sides. */
        lit = reply_new(R_ARRAY);
        for (int i = 0; i < m->info_has.n; i++) {
            struct reply *b = reply_new(R_BOOL);
            b->num = 1;
            reply_push(lit, b);
        }
    }
    for (int s = 0; s < SIDES; s++)
        if (rep[s])
            rep[s] = normalize(run, m, rep[s], s);
    if (lit)
        nlit = normalize_literal(m, lit);

    int ok;
    const char *why = "";
    int show_oracle = rep[ORACLE] != NULL, show_lit = 0;
    if (!rep[ORACLE]) {
        /* @skip-oracle: only a literal can judge the target. */
        if (!nlit) {
            if (run->verbose) {
                struct buf b;
                buf_init(&b);
                say_reply(&b, run->side[TARGET].label, rep[TARGET]);
                printf("info %s:%d: %s%s (not compared)\n", run->file, run->line, cmd, b.p);
                buf_free(&b);
            }
            goto out;
        }
        ok = reply_equal(nlit, rep[TARGET], &o);
        show_lit = 1;
    } else if (diff && !run->self_test) {
        ok = reply_equal(nlit, rep[TARGET], &o);
        show_lit = 1;
        run->diffs++;
        if (ok && reply_equal(nlit, rep[ORACLE], &o))
            printf("note %s:%d: expected difference \"%s\" is no longer a difference\n",
                   run->file, run->line, diff);
    } else if (rep[ORACLE]->type == R_TIMEOUT) {
        ok = 0;
        why = " (the oracle did not reply: script error?)";
    } else {
        ok = reply_equal(rep[ORACLE], rep[TARGET], &o);
        if (nlit && !diff) {
            show_lit = 1;
            if (!reply_equal(nlit, rep[ORACLE], &o)) {
                ok = 0;
                why = " (the oracle disagrees with the expected reply)";
            } else if (!reply_equal(nlit, rep[TARGET], &o)) {
                ok = 0;
            }
        }
    }

    if (ok)
        run->passed++;
    else
        run->failed++;
    if (!ok || run->verbose) {
        struct buf b;
        buf_init(&b);
        buf_printf(&b, "%s %s:%d:", ok ? "ok" : "FAIL", run->file, run->line);
        if (strcmp(cl->name, "default") != 0)
            buf_printf(&b, " [%s]", cl->name);
        if (diff)
            buf_printf(&b, " (expected difference \"%s\")", diff);
        buf_printf(&b, " %s", cmd);
        if (show_lit)
            say_reply(&b, "expected", nlit);
        if (show_oracle)
            say_reply(&b, run->side[ORACLE].label, rep[ORACLE]);
        say_reply(&b, run->side[TARGET].label, rep[TARGET]);
        buf_adds(&b, why);
        printf("%s\n", b.p);
        buf_free(&b);
    }
    if (rep[TARGET] && rep[TARGET]->type == R_CLOSED && !ok) {
        /* The target may have crashed: do not drown the report. */
        struct rconn probe;
        char err[256];
        rconn_init(&probe);
        if (rconn_open(&probe, run->side[TARGET].host, run->side[TARGET].port,
                       CONNECT_TIMEOUT_MS, err, sizeof(err)) < 0) {
            printf("FAIL %s:%d: %s is gone (%s): rest of file skipped\n",
                   run->file, run->line, run->side[TARGET].label, err);
            run->abort_file = 1;
        }
        rconn_close(&probe);
        buf_free(&probe.in);
    }
out:
    free(diff);
    for (int s = 0; s < SIDES; s++)
        reply_free(rep[s]);
    reply_free(lit);
    reply_free(nlit);
}

/* ---- executing ----------------------------------------------------------- */

struct argvec {
    int argc;
    char **argv;
    size_t *lens;
};

static void argvec_free(struct argvec *a)
{
    for (int i = 0; i < a->argc; i++)
        free(a->argv[i]);
    free(a->argv);
    free(a->lens);
    memset(a, 0, sizeof(*a));
}

/* Build side s's argument vector from tokens [from, n), with <idN>/<msN>
 * substituted. */
static int build_argv(struct run *run, int s, const struct tokens *t, int from,
                      struct argvec *out)
{
    char err[200];
    struct buf b;
    buf_init(&b);
    out->argc = t->n - from;
    out->argv = xcalloc((size_t)out->argc, sizeof(char *));
    out->lens = xcalloc((size_t)out->argc, sizeof(size_t));
    for (int i = 0; i < out->argc; i++) {
        const struct token *tk = &t->v[from + i];
        if (subst_ids(&run->side[s], tk->s, tk->len, &b, err, sizeof(err)) < 0) {
            script_error(run, err);
            buf_free(&b);
            argvec_free(out);
            return -1;
        }
        out->argv[i] = xstrndup(b.p, b.len);
        out->lens[i] = b.len;
    }
    buf_free(&b);
    return 0;
}

/* @scan-all: iterate a SCAN-family command to cursor 0 and return the set of
 * everything it returned.  HSCAN/ZSCAN elements are kept as [field value]
 * pairs.  A reply that is not [cursor, [elements]] ends the scan and is
 * returned as it is (an error, typically). */
static struct reply *scan_all(struct run *run, struct client *cl, int s, struct argvec *a)
{
    int cidx = strcasecmp(a->argv[0], "scan") == 0 ? 1 : 2;
    int pairs = strcasecmp(a->argv[0], "hscan") == 0 || strcasecmp(a->argv[0], "zscan") == 0;
    struct reply *set = reply_new(R_SET);
    set->unordered = 1;
    if (cidx >= a->argc) {
        /* No cursor argument: let the server report the arity error. */
        reply_free(set);
        if (rconn_send(&cl->c[s], a->argc, a->argv, a->lens) < 0)
            return reply_new(R_CLOSED);
        return rconn_read(&cl->c[s], run->timeout_ms);
    }
    for (int calls = 0; calls < SCAN_MAX_CALLS; calls++) {
        if (rconn_send(&cl->c[s], a->argc, a->argv, a->lens) < 0) {
            reply_free(set);
            return reply_new(R_CLOSED);
        }
        struct reply *r = rconn_read(&cl->c[s], run->timeout_ms);
        if (r->type != R_ARRAY || r->nelem != 2 || r->elem[0]->type != R_BULK ||
            r->elem[1]->type != R_ARRAY) {
            reply_free(set);
            return r;
        }
        struct reply *items = r->elem[1];
        for (size_t i = 0; i < items->nelem; i += pairs ? 2 : 1) {
            struct reply *item;
            if (pairs) {
                item = reply_new(R_ARRAY);
                reply_push(item, reply_dup(items->elem[i]));
                if (i + 1 < items->nelem)
                    reply_push(item, reply_dup(items->elem[i + 1]));
            } else {
                item = reply_dup(items->elem[i]);
            }
            int dup = 0;
            for (size_t j = 0; j < set->nelem && !dup; j++)
                dup = reply_equal(set->elem[j], item, NULL);
            if (dup)
                reply_free(item);
            else
                reply_push(set, item);
        }
        int done = r->elem[0]->len == 1 && r->elem[0]->str[0] == '0';
        free(a->argv[cidx]);
        a->argv[cidx] = xstrndup(r->elem[0]->str, r->elem[0]->len);
        a->lens[cidx] = r->elem[0]->len;
        reply_free(r);
        if (done)
            return set;
    }
    reply_free(set);
    return reply_str(R_PROTOERR, "scan did not reach cursor 0", 27);
}

/* Run one command line: tokens [from, n) on the current connection. */
static void exec_command(struct run *run, const struct mods *m,
                         const struct tokens *t, int from, struct reply *lit)
{
    struct client *cl = &run->clients[run->cur];
    struct reply *rep[SIDES] = { NULL, NULL };
    struct buf cmd;
    buf_init(&cmd);

    if (m->skip_oracle && run->self_test) {
        /* Both servers are Redis: a target-only command does not apply. */
        reply_free(lit);
        free(run->diff_name);
        run->diff_name = NULL;
        return;
    }
    for (int s = 0; s < SIDES; s++) {
        struct argvec a;
        if (s == ORACLE && m->skip_oracle)
            continue;
        if (build_argv(run, s, t, from, &a) < 0)
            goto fail;
        if (s == ORACLE || m->skip_oracle)
            render_cmd(a.argc, a.argv, a.lens, &cmd);
        if (ensure_conn(run, cl, s) < 0) {
            argvec_free(&a);
            goto fail;
        }
        if (m->scan_all) {
            rep[s] = scan_all(run, cl, s, &a);
        } else if (rconn_send(&cl->c[s], a.argc, a.argv, a.lens) < 0) {
            rep[s] = reply_new(R_CLOSED);
        } else if (m->noreply) {
            rep[s] = rconn_read_maybe(&cl->c[s], DEFAULT_NORECV_MS);
        } else {
            rep[s] = rconn_read(&cl->c[s], run->timeout_ms);
        }
        argvec_free(&a);
    }
    if (!m->skip_oracle)
        sync_closed(cl);
    if (m->noreply && !lit)
        lit = reply_new(R_NOREPLY);
    verdict(run, cl, m, cmd.p ? cmd.p : "", rep, lit);
    buf_free(&cmd);
    return;
fail:
    for (int s = 0; s < SIDES; s++)
        reply_free(rep[s]);
    reply_free(lit);
    free(run->diff_name);
    run->diff_name = NULL;
    buf_free(&cmd);
}

/* @send NAME CMD...: send on a named connection, do not read. */
static void exec_send(struct run *run, const struct tokens *t, int from)
{
    if (t->n - from < 2) {
        script_error(run, "usage: @send NAME COMMAND [ARG...]");
        return;
    }
    struct client *cl = client_get(run, t->v[from].s);
    struct buf cmd;
    buf_init(&cmd);
    for (int s = 0; s < SIDES; s++) {
        struct argvec a;
        if (build_argv(run, s, t, from + 1, &a) < 0)
            break;
        if (s == ORACLE)
            render_cmd(a.argc, a.argv, a.lens, &cmd);
        if (ensure_conn(run, cl, s) == 0)
            rconn_send(&cl->c[s], a.argc, a.argv, a.lens);
        argvec_free(&a);
    }
    cl->pending = xrealloc(cl->pending, (cl->npending + 1) * sizeof(*cl->pending));
    cl->pending[cl->npending++] = cmd.p ? cmd.p : xstrndup("", 0);
}

/* @recv NAME / @norecv NAME [MS]: read (or check for the absence of) the
 * next reply on a named connection. */
static void exec_recv(struct run *run, const struct mods *m, const struct tokens *t,
                      int from, struct reply *lit, int expect_none)
{
    if (t->n - from < 1 || (!expect_none && t->n - from > 1) || t->n - from > 2) {
        script_error(run, expect_none ? "usage: @norecv NAME [MS]" : "usage: @recv NAME");
        reply_free(lit);
        return;
    }
    struct client *cl = client_get(run, t->v[from].s);
    int wait = DEFAULT_NORECV_MS;
    if (expect_none && t->n - from == 2)
        wait = atoi(t->v[from + 1].s);
    struct reply *rep[SIDES] = { NULL, NULL };
    for (int s = 0; s < SIDES; s++) {
        if (cl->c[s].fd < 0)
            rep[s] = reply_new(R_CLOSED);
        else if (expect_none)
            rep[s] = rconn_read_maybe(&cl->c[s], wait);
        else
            rep[s] = rconn_read(&cl->c[s], run->timeout_ms);
    }
    struct buf cmd;
    buf_init(&cmd);
    buf_printf(&cmd, "%s %s", expect_none ? "@norecv" : "@recv", cl->name);
    if (!expect_none && cl->npending) {
        buf_printf(&cmd, " (reply to %s)", cl->pending[0]);
        free(cl->pending[0]);
        memmove(cl->pending, cl->pending + 1, (cl->npending - 1) * sizeof(*cl->pending));
        cl->npending--;
    }
    sync_closed(cl);
    if (expect_none && !lit)
        lit = reply_new(R_NOREPLY);
    verdict(run, cl, m, cmd.p, rep, lit);
    buf_free(&cmd);
}

/* @raw BYTES...: send the arguments, concatenated, as they are on the
 * current connection and read one reply (further replies: @recv). */
static void exec_raw(struct run *run, const struct mods *m, const struct tokens *t,
                     int from, struct reply *lit)
{
    struct client *cl = &run->clients[run->cur];
    struct reply *rep[SIDES] = { NULL, NULL };
    struct buf bytes, cmd;
    buf_init(&bytes);
    buf_init(&cmd);
    if (from >= t->n) {
        script_error(run, "usage: @raw BYTES...");
        reply_free(lit);
        return;
    }
    for (int i = from; i < t->n; i++)
        buf_add(&bytes, t->v[i].s, t->v[i].len);
    buf_adds(&cmd, "@raw ");
    render_token(bytes.p, bytes.len, &cmd, 1);
    for (int s = 0; s < SIDES; s++) {
        if (ensure_conn(run, cl, s) < 0) {
            for (int k = 0; k < SIDES; k++)
                reply_free(rep[k]);
            reply_free(lit);
            buf_free(&bytes);
            buf_free(&cmd);
            return;
        }
        if (rconn_send_raw(&cl->c[s], bytes.p, bytes.len) < 0)
            rep[s] = reply_new(R_CLOSED);
        else if (m->noreply)
            rep[s] = rconn_read_maybe(&cl->c[s], DEFAULT_NORECV_MS);
        else
            rep[s] = rconn_read(&cl->c[s], run->timeout_ms);
    }
    sync_closed(cl);
    if (m->noreply && !lit)
        lit = reply_new(R_NOREPLY);
    verdict(run, cl, m, cmd.p, rep, lit);
    buf_free(&bytes);
    buf_free(&cmd);
}

/* @resp2 / @resp3: HELLO on the current connection, replies not compared
 * (server name and version differ by design) beyond being non-errors. */
static void exec_hello(struct run *run, const char *ver)
{
    struct client *cl = &run->clients[run->cur];
    char *argv[2] = { "HELLO", (char *)ver };
    size_t lens[2] = { 5, strlen(ver) };
    for (int s = 0; s < SIDES; s++) {
        if (ensure_conn(run, cl, s) < 0)
            return;
        struct reply *r = rconn_send(&cl->c[s], 2, argv, lens) < 0
                              ? reply_new(R_CLOSED)
                              : rconn_read(&cl->c[s], run->timeout_ms);
        if (r->type != R_MAP && r->type != R_ARRAY) {
            struct buf b;
            buf_init(&b);
            reply_render(r, &b, RENDER_LIMIT);
            printf("FAIL %s:%d: HELLO %s on %s: %s\n", run->file, run->line, ver,
                   run->side[s].label, b.p);
            buf_free(&b);
            run->failed++;
        }
        reply_free(r);
    }
}

/* ---- parsing a line -------------------------------------------------------- */

enum modkind { MOD_NONE, MOD_FLAG, MOD_ARG };

static enum modkind modifier(const char *name)
{
    static const char *flags[] = { "ignore-value", "type-only", "unordered",
                                   "unordered-pairs", "match-ids",
                                   "scan-all", "noreply", "skip-oracle", NULL };
    static const char *args[] = { "approx", "ignore-fields", "normalize-info", "info-has",
                                  "info-field", NULL };
    for (int i = 0; flags[i]; i++)
        if (strcmp(name, flags[i]) == 0)
            return MOD_FLAG;
    for (int i = 0; args[i]; i++)
        if (strcmp(name, args[i]) == 0)
            return MOD_ARG;
    return MOD_NONE;
}

static int sticky_ok(const char *name)
{
    return strcmp(name, "ignore-value") == 0 || strcmp(name, "type-only") == 0 ||
           strcmp(name, "unordered") == 0 || strcmp(name, "unordered-pairs") == 0 ||
           strcmp(name, "match-ids") == 0;
}

static void set_flag(struct mods *m, const char *name, int on)
{
    if (strcmp(name, "ignore-value") == 0) m->ignore_value = on;
    else if (strcmp(name, "type-only") == 0) m->type_only = on;
    else if (strcmp(name, "unordered") == 0) m->unordered = on;
    else if (strcmp(name, "unordered-pairs") == 0) m->unordered_pairs = on;
    else if (strcmp(name, "match-ids") == 0) m->match_ids = on;
    else if (strcmp(name, "scan-all") == 0) m->scan_all = on;
    else if (strcmp(name, "noreply") == 0) m->noreply = on;
    else if (strcmp(name, "skip-oracle") == 0) m->skip_oracle = on;
}

static int set_arg(struct run *run, struct mods *m, const char *name, const char *arg)
{
    if (strcmp(name, "approx") == 0) {
        char *end;
        errno = 0;
        m->approx = strtoll(arg, &end, 10);
        if (errno || *end || m->approx < 0) {
            script_error(run, "@approx needs a non-negative integer");
            return -1;
        }
        m->has_approx = 1;
    } else if (strcmp(name, "ignore-fields") == 0) {
        tokens_free(&m->ignore_fields);
        split_list(arg, &m->ignore_fields);
    } else if (strcmp(name, "normalize-info") == 0) {
        tokens_free(&m->info_sections);
        split_list(arg, &m->info_sections);
        m->normalize_info = 1;
    } else if (strcmp(name, "info-has") == 0) {
        tokens_free(&m->info_has);
        split_list(arg, &m->info_has);
    } else if (strcmp(name, "info-field") == 0) {
        free(m->info_field);
        m->info_field = xstrndup(arg, strlen(arg));
    }
    return 0;
}

static void reset_file_state(struct run *run)
{
    clients_free(run);
    client_get(run, "default");
    run->cur = 0;
    for (int s = 0; s < SIDES; s++) {
        for (size_t i = 0; i < run->side[s].nids; i++)
            free(run->side[s].ids[i]);
        free(run->side[s].ids);
        run->side[s].ids = NULL;
        run->side[s].nids = 0;
    }
    memset(&run->sticky, 0, sizeof(run->sticky));
    free(run->diff_name);
    run->diff_name = NULL;
    tokens_free(&run->newer_fields);
    free(run->newer_name);
    run->newer_name = NULL;
    run->timeout_ms = run->default_timeout_ms;
    run->abort_file = 0;
}

/* Positional directives: the ones that are not per-command modifiers. */
static int exec_directive(struct run *run, const char *name, struct mods *m,
                          const struct tokens *t, int from, const char *rest)
{
    int nargs = t->n - from;
    struct reply *lit = NULL;
    char err[200];

    if (rest && strcmp(name, "recv") != 0 && strcmp(name, "norecv") != 0 &&
        strcmp(name, "raw") != 0) {
        script_error(run, "'=>' only follows a command, @raw, @recv or @norecv");
        return 0;
    }
    if (rest) {
        lit = literal_parse(rest, err, sizeof(err));
        if (!lit) {
            script_error(run, err);
            return 0;
        }
    }
    if (strcmp(name, "conn") == 0) {
        if (nargs != 1) {
            script_error(run, "usage: @conn NAME");
            return 0;
        }
        run->cur = (size_t)(client_get(run, t->v[from].s) - run->clients);
    } else if (strcmp(name, "send") == 0) {
        exec_send(run, t, from);
    } else if (strcmp(name, "raw") == 0) {
        exec_raw(run, m, t, from, lit);
    } else if (strcmp(name, "recv") == 0 || strcmp(name, "norecv") == 0) {
        exec_recv(run, m, t, from, lit, name[0] == 'n');
    } else if (strcmp(name, "sleep") == 0 || strcmp(name, "timeout") == 0) {
        long v = nargs == 1 ? strtol(t->v[from].s, NULL, 10) : -1;
        if (v < 0 || v > 600000) {
            script_error(run, "usage: @sleep MS / @timeout MS (0..600000)");
            return 0;
        }
        if (name[0] == 's')
            sleep_ms(v);
        else
            run->timeout_ms = (int)v;
    } else if (strcmp(name, "reconnect") == 0) {
        if (nargs > 1) {
            script_error(run, "usage: @reconnect [NAME]");
            return 0;
        }
        struct client *cl = nargs ? client_get(run, t->v[from].s) : &run->clients[run->cur];
        for (int s = 0; s < SIDES; s++)
            rconn_close(&cl->c[s]);
        client_clear_pending(cl);
    } else if (strcmp(name, "resp2") == 0 || strcmp(name, "resp3") == 0) {
        exec_hello(run, name[4] == '2' ? "2" : "3");
    } else if (strcmp(name, "expect-diff") == 0) {
        if (nargs < 1) {
            script_error(run, "usage: @expect-diff NAME REASON...");
            return 0;
        }
        free(run->diff_name);
        run->diff_name = xstrndup(t->v[from].s, t->v[from].len);
    } else if (strcmp(name, "newer-fields") == 0) {
        /* @newer-fields NAME a,b,c | @newer-fields off */
        tokens_free(&run->newer_fields);
        free(run->newer_name);
        run->newer_name = NULL;
        if (nargs == 1 && t->v[from].len == 3 && memcmp(t->v[from].s, "off", 3) == 0)
            return 0;
        if (nargs != 2) {
            script_error(run, "usage: @newer-fields NAME field,field... | @newer-fields off");
            return 0;
        }
        run->newer_name = xstrndup(t->v[from].s, t->v[from].len);
        char *list = xstrndup(t->v[from + 1].s, t->v[from + 1].len);
        split_list(list, &run->newer_fields);
        free(list);
    } else {
        snprintf(err, sizeof(err), "unknown directive '@%s'", name);
        script_error(run, err);
    }
    return 0;
}

static void run_line(struct run *run, char *line)
{
    struct tokens t;
    char err[200];
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    const char *p = line;
    while (*p && isspace((unsigned char)*p))
        p++;
    if (!*p || *p == '#')
        return;
    if (split_line(line, &t, err, sizeof(err)) < 0) {
        script_error(run, err);
        return;
    }

    struct mods m;
    memset(&m, 0, sizeof(m));
    m.ignore_value = run->sticky.ignore_value;
    m.type_only = run->sticky.type_only;
    m.unordered = run->sticky.unordered;
    m.unordered_pairs = run->sticky.unordered_pairs;
    m.match_ids = run->sticky.match_ids;

    int i = 0;
    while (i < t.n && !t.v[i].quoted && t.v[i].s[0] == '@') {
        const char *name = t.v[i].s + 1;
        enum modkind k = modifier(name);
        if (k == MOD_NONE) {
            exec_directive(run, name, &m, &t, i + 1, t.rest);
            goto done;
        }
        if (k == MOD_FLAG && i == 0 && t.n == 2 && !t.rest &&
            (strcmp(t.v[1].s, "on") == 0 || strcmp(t.v[1].s, "off") == 0)) {
            if (!sticky_ok(name)) {
                snprintf(err, sizeof(err), "@%s cannot be switched on for a whole file", name);
                script_error(run, err);
            } else {
                set_flag(&run->sticky, name, strcmp(t.v[1].s, "on") == 0);
            }
            goto done;
        }
        if (k == MOD_FLAG) {
            set_flag(&m, name, 1);
            i++;
            continue;
        }
        if (i + 1 >= t.n) {
            snprintf(err, sizeof(err), "@%s needs an argument", name);
            script_error(run, err);
            goto done;
        }
        if (set_arg(run, &m, name, t.v[i + 1].s) < 0)
            goto done;
        i += 2;
    }
    if (i >= t.n) {
        script_error(run, "modifiers without a command");
        goto done;
    }
    struct reply *lit = NULL;
    if (t.rest) {
        lit = literal_parse(t.rest, err, sizeof(err));
        if (!lit) {
            script_error(run, err);
            goto done;
        }
    }
    exec_command(run, &m, &t, i, lit);
done:
    mods_free(&m);
    tokens_free(&t);
}

/* FLUSHALL both servers on a fresh connection so files do not leak keys
 * into each other.  Not a case: a failure is only a warning. */
static void flush_servers(struct run *run)
{
    char *argv[1] = { "FLUSHALL" };
    size_t lens[1] = { 8 };
    for (int s = 0; s < SIDES; s++) {
        struct rconn c;
        char err[256];
        rconn_init(&c);
        if (rconn_open(&c, run->side[s].host, run->side[s].port, CONNECT_TIMEOUT_MS,
                       err, sizeof(err)) < 0) {
            printf("warning: %s: cannot connect to %s to flush: %s\n", run->file,
                   run->side[s].label, err);
            continue;
        }
        struct reply *r = rconn_send(&c, 1, argv, lens) < 0 ? reply_new(R_CLOSED)
                                                            : rconn_read(&c, run->default_timeout_ms);
        if (r->type != R_STATUS) {
            struct buf b;
            buf_init(&b);
            reply_render(r, &b, 200);
            printf("warning: %s: FLUSHALL on %s replied %s\n", run->file, run->side[s].label, b.p);
            buf_free(&b);
        }
        reply_free(r);
        rconn_close(&c);
        buf_free(&c.in);
    }
}

static void run_file(struct run *run, const char *path)
{
    FILE *f = fopen(path, "r");
    const char *base = strrchr(path, '/');
    run->file = base ? base + 1 : path;
    run->line = 0;
    if (!f) {
        printf("FAIL %s: cannot open: %s\n", path, strerror(errno));
        run->failed++;
        return;
    }
    reset_file_state(run);
    if (!run->no_flush)
        flush_servers(run);
    char *line = NULL;
    size_t cap = 0;
    while (!interrupted && !run->abort_file && getline(&line, &cap, f) >= 0) {
        run->line++;
        run_line(run, line);
    }
    if (run->diff_name)
        script_error(run, "@expect-diff at the end of the file has no command");
    free(line);
    fclose(f);
    clients_free(run);
}

/* ---- main ---------------------------------------------------------------- */

static int parse_hostport(const char *s, struct side *sd)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || (size_t)(colon - s) >= sizeof(sd->host))
        return -1;
    memcpy(sd->host, s, (size_t)(colon - s));
    sd->host[colon - s] = '\0';
    sd->port = atoi(colon + 1);
    return sd->port > 0 && sd->port < 65536 ? 0 : -1;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: compat-runner --oracle HOST:PORT --target HOST:PORT [options] FILE...\n"
            "  --self-test     the target is Redis too: @expect-diff lines compare\n"
            "                  both servers, @skip-oracle lines are skipped\n"
            "  --timeout MS    reply timeout (default %d)\n"
            "  --no-flush      do not FLUSHALL both servers before each file\n"
            "  -v              print every case, not only failures\n",
            DEFAULT_TIMEOUT_MS);
    exit(2);
}

int main(int argc, char **argv)
{
    struct run run;
    memset(&run, 0, sizeof(run));
    run.side[ORACLE].label = "redis";
    run.side[TARGET].label = "runnel";
    run.default_timeout_ms = DEFAULT_TIMEOUT_MS;
    int have_oracle = 0, have_target = 0, i;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--oracle") == 0 && i + 1 < argc) {
            if (parse_hostport(argv[++i], &run.side[ORACLE]) < 0)
                usage();
            have_oracle = 1;
        } else if (strcmp(argv[i], "--target") == 0 && i + 1 < argc) {
            if (parse_hostport(argv[++i], &run.side[TARGET]) < 0)
                usage();
            have_target = 1;
        } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            run.default_timeout_ms = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--self-test") == 0) {
            run.self_test = 1;
            run.side[TARGET].label = "redis#2";
        } else if (strcmp(argv[i], "--no-flush") == 0) {
            run.no_flush = 1;
        } else if (strcmp(argv[i], "-v") == 0) {
            run.verbose = 1;
        } else {
            usage();
        }
    }
    if (!have_oracle || !have_target || i >= argc || run.default_timeout_ms <= 0)
        usage();

    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    setvbuf(stdout, NULL, _IOLBF, 0);

    for (; i < argc && !interrupted; i++)
        run_file(&run, argv[i]);
    reset_file_state(&run);
    clients_free(&run);
    for (int s = 0; s < SIDES; s++)
        free(run.side[s].ids);

    if (interrupted)
        printf("compat: interrupted\n");
    if (run.diffs)
        printf("compat: %ld named expected differences checked\n", run.diffs);
    printf("compat: %ld passed, %ld failed\n", run.passed, run.failed);
    return run.failed || interrupted ? 1 : 0;
}
