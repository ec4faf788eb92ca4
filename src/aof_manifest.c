/* aof_manifest.c -- parse, format and edit the AOF manifest (see
 * aof_manifest.h).
 *
 * Reading follows Redis 7.0's aofLoadManifestFromFile() and its error texts:
 *   - lines end at '\n'; a line (without its '\n') of AOF_MANIFEST_MAX_LINE
 *     bytes or more is refused, as Redis's fgets() buffer cannot hold it;
 *   - a line starting with '#' is a comment (of any length);
 *   - the line is trimmed of spaces, tabs and CRs and split like
 *     sdssplitargs() (util_split_args): "double quotes" with C escapes,
 *     'single quotes';
 *   - key/value pairs in any order, keys case-insensitive, unknown keys
 *     ignored (Redis's forward compatibility), at least six tokens and an
 *     even count; file, seq and type must all be present;
 *   - only incr files must come in increasing seq order.
 * Where we differ, we are stricter about values and kinder about layout:
 *   - seq must be a canonical integer >= 1 (Redis takes strtoll's prefix);
 *     a name may not be empty, ".", ".." or hold a NUL; a NUL anywhere in
 *     a line is refused (a manifest is text);
 *   - a whitespace-only line is skipped (Redis refuses it), and the last
 *     line may lack its '\n' (Redis calls that a too long line).
 *
 * base_seq/incr_seq are the highest sequence numbers seen, counting the
 * history files too (classified by their name's suffix): a new file must
 * never take the name of a history file that is still waiting on disk to
 * be deleted.  Redis counts only the listed base and incr files; with its
 * rewrite flow both give the same numbers.
 *
 * Writing quotes a name only when the split would not give it back as is
 * (spaces, quotes, backslashes, control or non-ASCII bytes), as Redis's
 * sdsneedsrepr()/sdscatrepr() do; unlike Redis we also quote a name with a
 * single quote, which sdssplitargs would otherwise take as a quote. */
#include "aof_manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"
#include "util.h"

/* ---- small helpers ------------------------------------------------------ */

/* A growing text buffer for the formatter. */
struct man_buf {
    char *p;
    size_t len, cap;
};

static void man_buf_reserve(struct man_buf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap * 2 : 256;
    while (cap < b->len + more + 1)
        cap *= 2;
    b->p = mem_realloc(b->p, cap);
    b->cap = cap;
}

static void man_buf_add(struct man_buf *b, const char *s, size_t n)
{
    man_buf_reserve(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void man_buf_printf(struct man_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void man_buf_printf(struct man_buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[64];
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        man_buf_add(b, small, (size_t)n);
        return;
    }
    man_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static char *man_sprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *man_sprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = mem_alloc(n > 0 ? (size_t)n + 1 : 1);
    va_start(ap, fmt);
    vsnprintf(s, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    va_end(ap);
    return s;
}

static int man_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Append one file to an array (counts only: callers may take arrays away,
 * so no capacity is kept beside them). */
static struct aof_file_info *man_push(struct aof_file_info **arr, int *n, char *name,
                                      long long seq, enum aof_file_type type)
{
    *arr = mem_realloc(*arr, sizeof(**arr) * (size_t)(*n + 1));
    struct aof_file_info *f = &(*arr)[*n];
    f->name = name;
    f->seq = seq;
    f->type = type;
    (*n)++;
    return f;
}

static void man_free_array(struct aof_file_info *arr, int n)
{
    for (int i = 0; i < n; i++)
        mem_free(arr[i].name);
    mem_free(arr);
}

/* ---- life cycle --------------------------------------------------------- */

void aof_manifest_init(struct aof_manifest *m)
{
    memset(m, 0, sizeof(*m));
}

void aof_manifest_free(struct aof_manifest *m)
{
    if (m->base) {
        mem_free(m->base->name);
        mem_free(m->base);
    }
    man_free_array(m->incr, m->nincr);
    man_free_array(m->hist, m->nhist);
    aof_manifest_init(m);
}

static struct aof_file_info *man_dup_array(const struct aof_file_info *arr, int n)
{
    if (n == 0)
        return NULL;
    struct aof_file_info *out = mem_alloc(sizeof(*out) * (size_t)n);
    for (int i = 0; i < n; i++) {
        out[i] = arr[i];
        out[i].name = mem_strdup(arr[i].name);
    }
    return out;
}

struct aof_manifest *aof_manifest_dup(const struct aof_manifest *m)
{
    struct aof_manifest *d = mem_alloc(sizeof(*d));
    *d = *m;
    if (m->base) {
        d->base = mem_alloc(sizeof(*d->base));
        *d->base = *m->base;
        d->base->name = mem_strdup(m->base->name);
    }
    d->incr = man_dup_array(m->incr, m->nincr);
    d->hist = man_dup_array(m->hist, m->nhist);
    return d;
}

/* ---- parsing ------------------------------------------------------------ */

/* Fill err with Redis's text and, when a line is known, where: the line
 * number and its first bytes with anything unprintable shown as '?'. */
static void man_error(char *err, size_t errlen, const char *msg, int lineno, const char *line,
                      size_t n)
{
    char shown[68];
    size_t k = 0;

    if (!errlen)
        return;
    if (!line) {
        snprintf(err, errlen, "%s", msg);
        return;
    }
    for (size_t i = 0; i < n && k < 64; i++) {
        unsigned char c = (unsigned char)line[i];
        shown[k++] = (c >= 32 && c < 127) ? (char)c : '?';
    }
    if (n > 64) {
        shown[k++] = '.';
        shown[k++] = '.';
        shown[k++] = '.';
    }
    shown[k] = '\0';
    snprintf(err, errlen, "%s (line %d: '%s')", msg, lineno, shown);
}

/* Is this a file name we can join to the directory safely? */
static int man_name_is_base(const char *s, size_t n)
{
    if (memchr(s, '/', n) || memchr(s, '\\', n))
        return 0;
    return !((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'));
}

/* Raise base_seq/incr_seq to a history file's seq when its name says what
 * it was (see the top of the file). */
static void man_note_hist_seq(struct aof_manifest *m, const struct aof_file_info *f)
{
    if (man_ends_with(f->name, ".incr.aof")) {
        if (f->seq > m->incr_seq)
            m->incr_seq = f->seq;
    } else if (man_ends_with(f->name, ".base.aof") || man_ends_with(f->name, ".base.rdb")) {
        if (f->seq > m->base_seq)
            m->base_seq = f->seq;
    }
}

/* Parse one non-comment line (trimmed, non-empty) into m.  Returns NULL or
 * the Redis error text. */
static const char *man_parse_line(struct aof_manifest *m, const char *s, size_t n,
                                  long long *maxseq)
{
    struct util_arg *argv = NULL;
    const char *err = NULL;
    char *name = NULL;
    long long seq = 0;
    int type = 0;
    int argc;

    if (memchr(s, '\0', n))
        return "Invalid AOF manifest file format";
    argc = util_split_args(s, n, &argv);
    /* Six or more tokens, in pairs: Redis's forward-compatibility rule. */
    if (argc < 6 || argc % 2) {
        err = "Invalid AOF manifest file format";
        goto out;
    }
    for (int i = 0; i < argc; i += 2) {
        const struct util_arg *k = &argv[i], *v = &argv[i + 1];
        if (util_eq_nocase(k->ptr, k->len, "file")) {
            if (v->len == 0 || memchr(v->ptr, '\0', v->len)) {
                err = "Invalid AOF manifest file format";
                goto out;
            }
            if (!man_name_is_base(v->ptr, v->len)) {
                err = "File can't be a path, just a filename";
                goto out;
            }
            mem_free(name); /* a repeated key: the last one counts */
            name = mem_strndup(v->ptr, v->len);
        } else if (util_eq_nocase(k->ptr, k->len, "seq")) {
            if (!util_str_to_ll(v->ptr, v->len, &seq) || seq < 1) {
                err = "Invalid AOF manifest file format";
                goto out;
            }
        } else if (util_eq_nocase(k->ptr, k->len, "type")) {
            type = v->len ? (unsigned char)v->ptr[0] : 0; /* Redis reads the first byte */
        }
    }
    if (!name || !seq || !type) {
        err = "Invalid AOF manifest file format";
        goto out;
    }

    if (type == AOF_FILE_BASE) {
        if (m->base) {
            err = "Found duplicate base file information";
            goto out;
        }
        m->base = mem_alloc(sizeof(*m->base));
        m->base->name = name;
        m->base->seq = seq;
        m->base->type = AOF_FILE_BASE;
        if (seq > m->base_seq)
            m->base_seq = seq;
    } else if (type == AOF_FILE_HIST) {
        man_note_hist_seq(m, man_push(&m->hist, &m->nhist, name, seq, AOF_FILE_HIST));
    } else if (type == AOF_FILE_INCR) {
        /* Incr files are replayed in the order listed; a seq that does not
         * grow means lines were reordered or duplicated. */
        if (seq <= *maxseq) {
            err = "Found a non-monotonic sequence number";
            goto out;
        }
        *maxseq = seq;
        man_push(&m->incr, &m->nincr, name, seq, AOF_FILE_INCR);
        if (seq > m->incr_seq)
            m->incr_seq = seq;
    } else {
        err = "Unknown AOF file type";
        goto out;
    }
    name = NULL; /* owned by m now */

out:
    mem_free(name);
    util_args_free(argv, argc);
    return err;
}

int aof_manifest_parse(struct aof_manifest *m, const char *text, size_t len, char *err,
                       size_t errlen)
{
    long long maxseq = 0;
    size_t pos = 0;
    int lineno = 0;

    if (len == 0) {
        man_error(err, errlen, "Found an empty AOF manifest", 0, NULL, 0);
        return -1;
    }
    while (pos < len) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        const char *msg;

        pos += nl ? n + 1 : n;
        lineno++;
        if (n > 0 && line[0] == '#')
            continue;
        if (n >= AOF_MANIFEST_MAX_LINE) {
            man_error(err, errlen, "The AOF manifest file contains too long line", lineno, line,
                      n);
            goto fail;
        }
        /* Trim as Redis's sdstrim(line, " \t\r\n"). */
        size_t a = 0, b = n;
        while (a < b && (line[a] == ' ' || line[a] == '\t' || line[a] == '\r'))
            a++;
        while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t' || line[b - 1] == '\r'))
            b--;
        if (a == b)
            continue;
        msg = man_parse_line(m, line + a, b - a, &maxseq);
        if (msg) {
            man_error(err, errlen, msg, lineno, line + a, b - a);
            goto fail;
        }
    }
    return 0;

fail:
    aof_manifest_free(m);
    return -1;
}

int aof_manifest_load(struct aof_manifest *m, const char *path, char *err, size_t errlen)
{
    struct stat st;
    char *text = NULL;
    size_t len = 0;
    int fd, saved;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        saved = errno;
        if (saved == ENOENT)
            snprintf(err, errlen, "The AOF manifest file %s doesn't exist", path);
        else
            snprintf(err, errlen, "Fatal error: can't open the AOF manifest file %s for reading: %s",
                     path, strerror(saved));
        errno = saved;
        return -1;
    }
    if (fstat(fd, &st) < 0)
        goto readerr;
    /* Read to the end whatever the size said: the file may be replaced by
     * a rename, never grown in place, but a short read must not pass. */
    size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 256;
    text = mem_alloc(cap);
    for (;;) {
        if (len == cap) {
            cap *= 2;
            text = mem_realloc(text, cap);
        }
        ssize_t r = read(fd, text + len, cap - len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            goto readerr;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    if (aof_manifest_parse(m, text, len, err, errlen) < 0) {
        mem_free(text);
        errno = EINVAL;
        return -1;
    }
    mem_free(text);
    return 0;

readerr:
    saved = errno;
    snprintf(err, errlen, "Read AOF manifest failed: %s: %s", path, strerror(saved));
    mem_free(text);
    close(fd);
    errno = saved;
    return -1;
}

/* ---- formatting --------------------------------------------------------- */

/* Would util_split_args give this name back unchanged without quotes? */
static int man_needs_repr(const char *s)
{
    if (!*s)
        return 1;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= ' ' || c >= 127 || c == '"' || c == '\'' || c == '\\')
            return 1;
    }
    return 0;
}

/* Append s in double quotes with the escapes util_split_args reads back. */
static void man_add_repr(struct man_buf *b, const char *s)
{
    man_buf_add(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '\\': man_buf_add(b, "\\\\", 2); break;
        case '"': man_buf_add(b, "\\\"", 2); break;
        case '\n': man_buf_add(b, "\\n", 2); break;
        case '\r': man_buf_add(b, "\\r", 2); break;
        case '\t': man_buf_add(b, "\\t", 2); break;
        case '\a': man_buf_add(b, "\\a", 2); break;
        case '\b': man_buf_add(b, "\\b", 2); break;
        default:
            if (c >= 32 && c < 127)
                man_buf_add(b, (const char *)&c, 1);
            else
                man_buf_printf(b, "\\x%02x", c);
            break;
        }
    }
    man_buf_add(b, "\"", 1);
}

static void man_add_line(struct man_buf *b, const struct aof_file_info *f)
{
    man_buf_add(b, "file ", 5);
    if (man_needs_repr(f->name))
        man_add_repr(b, f->name);
    else
        man_buf_add(b, f->name, strlen(f->name));
    man_buf_printf(b, " seq %lld type %c\n", f->seq, (char)f->type);
}

char *aof_manifest_format(const struct aof_manifest *m, size_t *len)
{
    struct man_buf b = {NULL, 0, 0};

    man_buf_reserve(&b, 0); /* an empty manifest is "" */
    b.p[0] = '\0';
    if (m->base)
        man_add_line(&b, m->base);
    for (int i = 0; i < m->nhist; i++)
        man_add_line(&b, &m->hist[i]);
    for (int i = 0; i < m->nincr; i++)
        man_add_line(&b, &m->incr[i]);
    if (len)
        *len = b.len;
    return b.p;
}

/* ---- names -------------------------------------------------------------- */

char *aof_name_base(const char *appendfilename, long long seq, int rdb)
{
    return man_sprintf("%s.%lld.base.%s", appendfilename, seq, rdb ? "rdb" : "aof");
}

char *aof_name_incr(const char *appendfilename, long long seq)
{
    return man_sprintf("%s.%lld.incr.aof", appendfilename, seq);
}

char *aof_name_manifest(const char *appendfilename)
{
    return man_sprintf("%s.manifest", appendfilename);
}

char *aof_name_temp_manifest(const char *appendfilename)
{
    return man_sprintf("temp-%s.manifest", appendfilename);
}

char *aof_name_temp_incr(const char *appendfilename)
{
    return man_sprintf("temp-%s.incr", appendfilename);
}

/* ---- edits -------------------------------------------------------------- */

struct aof_file_info *aof_manifest_new_incr(struct aof_manifest *m, const char *appendfilename)
{
    long long seq = ++m->incr_seq;
    return man_push(&m->incr, &m->nincr, aof_name_incr(appendfilename, seq), seq,
                    AOF_FILE_INCR);
}

/* Put files [0, n) of `src` (retyped as history) before the history list. */
static void man_prepend_hist(struct aof_manifest *m, const struct aof_file_info *src, int n)
{
    if (n <= 0)
        return;
    struct aof_file_info *h = mem_alloc(sizeof(*h) * (size_t)(m->nhist + n));
    for (int i = 0; i < n; i++) {
        h[i] = src[i];
        h[i].type = AOF_FILE_HIST;
    }
    if (m->nhist)
        memcpy(h + n, m->hist, sizeof(*h) * (size_t)m->nhist);
    mem_free(m->hist);
    m->hist = h;
    m->nhist += n;
}

struct aof_file_info *aof_manifest_set_base(struct aof_manifest *m, const char *appendfilename,
                                            int rdb)
{
    long long seq = ++m->base_seq;

    if (m->base) {
        man_prepend_hist(m, m->base, 1); /* takes the name */
        mem_free(m->base);
    }
    m->base = mem_alloc(sizeof(*m->base));
    m->base->name = aof_name_base(appendfilename, seq, rdb);
    m->base->seq = seq;
    m->base->type = AOF_FILE_BASE;
    return m->base;
}

void aof_manifest_incr_to_hist(struct aof_manifest *m, int keep_last)
{
    int n = keep_last ? m->nincr - 1 : m->nincr;

    if (n <= 0)
        return;
    man_prepend_hist(m, m->incr, n); /* the names move with them */
    if (n == m->nincr) {
        mem_free(m->incr);
        m->incr = NULL;
        m->nincr = 0;
        return;
    }
    memmove(m->incr, m->incr + n, sizeof(*m->incr) * (size_t)(m->nincr - n));
    m->nincr -= n;
}

void aof_manifest_clear_hist(struct aof_manifest *m)
{
    man_free_array(m->hist, m->nhist);
    m->hist = NULL;
    m->nhist = 0;
}
