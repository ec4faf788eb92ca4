/* command_docs.c -- the COMMAND DOCS/INFO notation, its emitter, key specs.
 *
 * The notation.  Redis's COMMAND DOCS and COMMAND INFO replies are trees of
 * maps, arrays, sets, bulk strings, simple strings and integers, and a
 * client sees the difference (RESP3 types, RESP2 flattening).  Each node is
 * written with its type:
 *
 *   {k v k v}   map (an even number of values)
 *   [v v]       array
 *   <v v>       set
 *   word        bulk string: any run of bytes other than whitespace and
 *               { } [ ] < > ' that does not start with + : or _
 *   'a b''c'    bulk string "a b'c" ('' is one quote; any byte but NUL)
 *   +word       simple string (also +'quoted'; no CR or LF)
 *   :-12        integer
 *   _           null
 *
 * Values are separated by whitespace; after any value comes whitespace, a
 * closing bracket or the end.  Example (EXPIRE's tips-free key spec set):
 *
 *   <{flags <+RW +update> begin_search {type index spec {index :1}}
 *     find_keys {type range spec {lastkey :0 keystep :1 limit :0}}}>
 *
 * The strings are C literals compiled into the server (command_docs.def),
 * so the emitter reads them in place: it counts a container's children
 * with a skip pass, writes the header through reply.h (which flattens maps
 * and sets for RESP2 exactly as Redis does), then the children.  Every row
 * is validated once at start-up (command_docs_attach), which is what lets
 * the emitter assume well-formed input; it still stops rather than reading
 * past a malformed string.
 *
 * Key specs are decoded from the same notation into struct keyspec when
 * COMMAND GETKEYS needs them (rarely: no cache), and command_get_keys()
 * applies Redis 7.0's key-spec search to a full command line. */
#include "command_docs.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "mem.h"
#include "reply.h"
#include "util.h"

#define NT_MAX_DEPTH 16

/* The rows of command_docs.def. */
struct doc_row {
    const char *fullname;
    const char *docs;
    const char *keyspecs;
    const char *tips;
};

static const struct doc_row doc_rows[] = {
#define DOC(fullname, docs, keyspecs, tips) {fullname, docs, keyspecs, tips},
#include "command_docs.def"
#undef DOC
};

/* Key spec flag names in Redis's order (COMMAND INFO, GETKEYSANDFLAGS). */
static const struct {
    unsigned bit;
    const char *name;
} keyspec_flag_names[] = {
    {KEYSPEC_RO, "RO"},
    {KEYSPEC_RW, "RW"},
    {KEYSPEC_OW, "OW"},
    {KEYSPEC_RM, "RM"},
    {KEYSPEC_ACCESS, "access"},
    {KEYSPEC_UPDATE, "update"},
    {KEYSPEC_INSERT, "insert"},
    {KEYSPEC_DELETE, "delete"},
    {KEYSPEC_NOT_KEY, "not_key"},
    {KEYSPEC_INCOMPLETE, "incomplete"},
    {KEYSPEC_VARIABLE_FLAGS, "variable_flags"},
};

#define NFLAG_NAMES (sizeof(keyspec_flag_names) / sizeof(keyspec_flag_names[0]))

/* ---------------------------------------------------------- scanning --- */

/* 1 for the whitespace that separates values. */
static int nt_is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* 1 for a closing bracket. */
static int nt_is_closer(char ch)
{
    return ch == '}' || ch == ']' || ch == '>';
}

/* 1 for a byte that ends a bare word. */
static int nt_is_delim(char ch)
{
    return ch == '\0' || nt_is_space(ch) || ch == '{' || ch == '}' || ch == '[' ||
           ch == ']' || ch == '<' || ch == '>' || ch == '\'';
}

/* 1 for a byte that may start a bare word (a bulk string). */
static int nt_is_word_start(char ch)
{
    return !nt_is_delim(ch) && ch != '+' && ch != ':' && ch != '_';
}

/* The closing bracket of an opening one, or 0. */
static char nt_closer_of(char ch)
{
    switch (ch) {
    case '{': return '}';
    case '[': return ']';
    case '<': return '>';
    default: return 0;
    }
}

/* Skip whitespace. */
static const char *nt_space(const char *p)
{
    while (nt_is_space(*p))
        p++;
    return p;
}

/* End of the bare word at p. */
static const char *nt_word_end(const char *p)
{
    while (!nt_is_delim(*p))
        p++;
    return p;
}

/* Past the closing quote of the quoted string at p (p[0] == '\''); NULL if
 * the string never ends. */
static const char *nt_quoted_end(const char *p)
{
    for (p++;; p++) {
        if (*p == '\0')
            return NULL;
        if (*p == '\'') {
            if (p[1] != '\'')
                return p + 1;
            p++;
        }
    }
}

/* End of the string (bare word or quoted) at p; NULL if there is none. */
static const char *nt_string_end(const char *p)
{
    if (*p == '\'')
        return nt_quoted_end(p);
    if (nt_is_delim(*p))
        return NULL;
    return nt_word_end(p);
}

/* End of the integer after the ':' at p, which must fit a long long;
 * NULL if malformed.  *v gets the value when v is not NULL. */
static const char *nt_int_end(const char *p, long long *v)
{
    const char *q = nt_word_end(p + 1);
    long long tmp;

    if (!util_str_to_ll(p + 1, (size_t)(q - p - 1), &tmp))
        return NULL;
    if (v)
        *v = tmp;
    return q;
}

/* Past the one value at p (p at its first byte), checking its form and what
 * follows it; NULL if malformed or nested deeper than NT_MAX_DEPTH. */
static const char *nt_skip(const char *p, int depth)
{
    const char *q;
    char close = nt_closer_of(*p);

    if (depth > NT_MAX_DEPTH)
        return NULL;
    if (close) {
        long n = 0;

        p = nt_space(p + 1);
        while (*p != close) {
            if (*p == '\0' || nt_is_closer(*p))
                return NULL;
            p = nt_skip(p, depth + 1);
            if (!p)
                return NULL;
            p = nt_space(p);
            n++;
        }
        if (close == '}' && n % 2 != 0)
            return NULL;
        q = p + 1;
    } else if (*p == '+') {
        q = nt_string_end(p + 1);
        /* A simple string cannot carry a line break. */
        for (const char *s = p + 1; q && s < q; s++)
            if (*s == '\r' || *s == '\n')
                return NULL;
    } else if (*p == ':') {
        q = nt_int_end(p, NULL);
    } else if (*p == '_') {
        q = p + 1;
    } else if (*p == '\'') {
        q = nt_quoted_end(p);
    } else if (nt_is_word_start(*p)) {
        q = nt_word_end(p);
    } else {
        return NULL;
    }
    if (!q)
        return NULL;
    if (*q != '\0' && !nt_is_space(*q) && !nt_is_closer(*q))
        return NULL;
    return q;
}

/* Number of values in the container opening at p (validated input). */
static long nt_count(const char *p)
{
    char close = nt_closer_of(*p);
    long n = 0;

    p = nt_space(p + 1);
    while (*p && *p != close) {
        p = nt_skip(p, 0);
        if (!p)
            break;
        p = nt_space(p);
        n++;
    }
    return n;
}

/* A decoded string: ptr/len, and owned when a '' had to be collapsed (or a
 * NUL-terminated copy was asked for); free with nt_str_free(). */
struct nt_str {
    const char *ptr;
    size_t len;
    char *owned;
};

/* Decode the string token at p (bare or quoted); returns its end, NULL if
 * malformed.  With want_cstr the result is always NUL-terminated. */
static const char *nt_str_decode(const char *p, struct nt_str *s, int want_cstr)
{
    const char *end = nt_string_end(p);
    const char *body;
    size_t blen;

    s->owned = NULL;
    if (!end)
        return NULL;
    if (*p == '\'') {
        body = p + 1;
        blen = (size_t)(end - p - 2);
    } else {
        body = p;
        blen = (size_t)(end - p);
    }
    s->ptr = body;
    s->len = blen;
    if (*p == '\'' && memchr(body, '\'', blen)) {
        char *w = mem_alloc(blen + 1);
        size_t n = 0;

        for (size_t i = 0; i < blen; i++) {
            w[n++] = body[i];
            if (body[i] == '\'')
                i++; /* the second quote of the pair */
        }
        w[n] = '\0';
        s->owned = w;
        s->ptr = w;
        s->len = n;
    } else if (want_cstr) {
        s->owned = mem_strndup(body, blen);
        s->ptr = s->owned;
    }
    return end;
}

/* Release what nt_str_decode() allocated. */
static void nt_str_free(struct nt_str *s)
{
    mem_free(s->owned);
    s->owned = NULL;
}

/* ---------------------------------------------------------- emitting --- */

/* Append the value at p; returns its end (NULL if malformed: the reply is
 * then cut short, which validation at start-up rules out). */
static const char *nt_emit(struct reply_buf *r, const char *p)
{
    char close = nt_closer_of(*p);
    struct nt_str s;
    long long v;
    const char *q;

    if (close) {
        long n = nt_count(p);

        if (*p == '{')
            reply_map(r, n / 2);
        else if (*p == '[')
            reply_array(r, n);
        else
            reply_set(r, n);
        p = nt_space(p + 1);
        while (*p && *p != close) {
            p = nt_emit(r, p);
            if (!p)
                return NULL;
            p = nt_space(p);
        }
        return *p ? p + 1 : NULL;
    }
    switch (*p) {
    case '+':
        q = nt_str_decode(p + 1, &s, 1);
        if (q)
            reply_simple(r, s.ptr);
        nt_str_free(&s);
        return q;
    case ':':
        q = nt_int_end(p, &v);
        if (q)
            reply_int(r, v);
        return q;
    case '_':
        reply_null(r);
        return p + 1;
    default:
        q = nt_str_decode(p, &s, 0);
        if (q)
            reply_bulk(r, s.ptr, s.len);
        nt_str_free(&s);
        return q;
    }
}

/* See command_docs.h. */
int command_docs_validate(const char *notation)
{
    const char *p;

    if (!notation)
        return -1;
    p = nt_space(notation);
    if (*p == '\0')
        return -1;
    p = nt_skip(p, 0);
    if (!p)
        return -1;
    return *nt_space(p) == '\0' ? 0 : -1;
}

/* See command_docs.h. */
void command_docs_emit(struct reply_buf *r, const char *notation)
{
    if (!notation) {
        reply_set(r, 0);
        return;
    }
    nt_emit(r, nt_space(notation));
}

/* See command_docs.h. */
void command_docs_emit_map(struct reply_buf *r, const char *notation, long extra)
{
    const char *p;

    if (!notation) {
        reply_map(r, extra);
        return;
    }
    p = nt_space(notation);
    if (*p != '{') {
        /* Validation makes docs a map; never emit a wrong shape. */
        reply_map(r, extra);
        return;
    }
    reply_map(r, nt_count(p) / 2 + extra);
    p = nt_space(p + 1);
    while (p && *p && *p != '}') {
        p = nt_emit(r, p);
        if (p)
            p = nt_space(p);
    }
}

/* ---------------------------------------------------------- key specs --- */

/* In the map at p ('{', validated), the value of the bulk key `key`, or
 * NULL when there is no such key. */
static const char *nt_map_find(const char *p, const char *key)
{
    size_t klen = strlen(key);

    p = nt_space(p + 1);
    while (*p && *p != '}') {
        const char *v;
        int match = 0;

        if (*p == '\'' || nt_is_word_start(*p)) {
            struct nt_str s;

            v = nt_str_decode(p, &s, 0);
            match = v && s.len == klen && memcmp(s.ptr, key, klen) == 0;
            nt_str_free(&s);
        } else {
            v = nt_skip(p, 0);
        }
        if (!v)
            return NULL;
        v = nt_space(v);
        if (match)
            return v;
        p = nt_skip(v, 0);
        if (!p)
            return NULL;
        p = nt_space(p);
    }
    return NULL;
}

/* The integer value at v (":n") into *out; -1 if absent, not an integer or
 * out of int range. */
static int nt_get_int(const char *v, int *out)
{
    long long ll;

    if (!v || *v != ':' || !nt_int_end(v, &ll) || ll < INT_MIN || ll > INT_MAX)
        return -1;
    *out = (int)ll;
    return 0;
}

/* The bulk string at v into buf (NUL-terminated); -1 if absent, not a
 * bulk string or longer than cap - 1. */
static int nt_get_str(const char *v, char *buf, size_t cap)
{
    struct nt_str s;
    int rc = -1;

    if (!v || (*v != '\'' && !nt_is_word_start(*v)))
        return -1;
    if (nt_str_decode(v, &s, 0) && s.len < cap) {
        memcpy(buf, s.ptr, s.len);
        buf[s.len] = '\0';
        rc = 0;
    }
    nt_str_free(&s);
    return rc;
}

/* The flags set at v into *flags; -1 on an unknown flag or a wrong shape. */
static int keyspec_decode_flags(const char *v, unsigned *flags)
{
    char close;

    *flags = 0;
    if (!v)
        return 0;
    close = nt_closer_of(*v);
    if (close != '>' && close != ']')
        return -1;
    v = nt_space(v + 1);
    while (*v && *v != close) {
        struct nt_str s;
        size_t i;
        const char *end;

        if (*v != '+')
            return -1;
        end = nt_str_decode(v + 1, &s, 0);
        for (i = 0; end && i < NFLAG_NAMES; i++) {
            if (strlen(keyspec_flag_names[i].name) == s.len &&
                memcmp(keyspec_flag_names[i].name, s.ptr, s.len) == 0)
                break;
        }
        nt_str_free(&s);
        if (!end || i == NFLAG_NAMES)
            return -1;
        *flags |= keyspec_flag_names[i].bit;
        v = nt_space(end);
    }
    return 0;
}

/* Decode the begin_search map at v into ks; -1 if malformed. */
static int keyspec_decode_bs(const char *v, struct keyspec *ks)
{
    char type[16];
    const char *spec;

    if (!v || *v != '{' || nt_get_str(nt_map_find(v, "type"), type, sizeof(type)) < 0)
        return -1;
    spec = nt_map_find(v, "spec");
    if (!spec || *spec != '{')
        return -1;
    if (strcmp(type, "index") == 0) {
        ks->bs = KEYSPEC_BS_INDEX;
        return nt_get_int(nt_map_find(spec, "index"), &ks->bs_index);
    }
    if (strcmp(type, "keyword") == 0) {
        ks->bs = KEYSPEC_BS_KEYWORD;
        if (nt_get_str(nt_map_find(spec, "keyword"), ks->bs_keyword,
                       sizeof(ks->bs_keyword)) < 0)
            return -1;
        return nt_get_int(nt_map_find(spec, "startfrom"), &ks->bs_startfrom);
    }
    if (strcmp(type, "unknown") == 0) {
        ks->bs = KEYSPEC_BS_UNKNOWN;
        return 0;
    }
    return -1;
}

/* Decode the find_keys map at v into ks; -1 if malformed. */
static int keyspec_decode_fk(const char *v, struct keyspec *ks)
{
    char type[16];
    const char *spec;

    if (!v || *v != '{' || nt_get_str(nt_map_find(v, "type"), type, sizeof(type)) < 0)
        return -1;
    spec = nt_map_find(v, "spec");
    if (!spec || *spec != '{')
        return -1;
    if (strcmp(type, "range") == 0) {
        ks->fk = KEYSPEC_FK_RANGE;
        if (nt_get_int(nt_map_find(spec, "lastkey"), &ks->fk_lastkey) < 0 ||
            nt_get_int(nt_map_find(spec, "keystep"), &ks->fk_keystep) < 0 ||
            nt_get_int(nt_map_find(spec, "limit"), &ks->fk_limit) < 0)
            return -1;
        /* Redis only divides by limit when lastkey is -1; a zero or negative
         * step would never advance. */
        return ks->fk_keystep >= 1 && ks->fk_limit >= 0 ? 0 : -1;
    }
    if (strcmp(type, "keynum") == 0) {
        ks->fk = KEYSPEC_FK_KEYNUM;
        if (nt_get_int(nt_map_find(spec, "keynumidx"), &ks->fk_keynumidx) < 0 ||
            nt_get_int(nt_map_find(spec, "firstkey"), &ks->fk_firstkey) < 0 ||
            nt_get_int(nt_map_find(spec, "keystep"), &ks->fk_keystep) < 0)
            return -1;
        return ks->fk_keystep >= 1 && ks->fk_keynumidx >= 0 ? 0 : -1;
    }
    if (strcmp(type, "unknown") == 0) {
        ks->fk = KEYSPEC_FK_UNKNOWN;
        return 0;
    }
    return -1;
}

/* Decode the key spec map at p into ks; -1 if malformed. */
static int keyspec_decode(const char *p, struct keyspec *ks)
{
    memset(ks, 0, sizeof(*ks));
    if (*p != '{')
        return -1;
    if (keyspec_decode_flags(nt_map_find(p, "flags"), &ks->flags) < 0 ||
        keyspec_decode_bs(nt_map_find(p, "begin_search"), ks) < 0 ||
        keyspec_decode_fk(nt_map_find(p, "find_keys"), ks) < 0)
        return -1;
    return 0;
}

/* See command_docs.h. */
int command_keyspecs_parse(const char *notation, struct keyspec *specs, int max)
{
    const char *p;
    char close;
    int n = 0;

    if (!notation)
        return 0;
    if (command_docs_validate(notation) < 0)
        return -1;
    p = nt_space(notation);
    close = nt_closer_of(*p);
    if (close != '>' && close != ']')
        return -1;
    p = nt_space(p + 1);
    while (*p != close) {
        if (n == max || keyspec_decode(p, &specs[n]) < 0)
            return -1;
        n++;
        p = nt_space(nt_skip(p, 0));
    }
    return n;
}

/* See command_docs.h. */
int command_keyspecs_movable(const char *notation)
{
    struct keyspec specs[KEYSPEC_MAX];
    int n = command_keyspecs_parse(notation, specs, KEYSPEC_MAX);

    for (int i = 0; i < n; i++)
        if (specs[i].bs != KEYSPEC_BS_INDEX || specs[i].fk != KEYSPEC_FK_RANGE)
            return 1;
    return 0;
}

/* See command_docs.h. */
int command_has_keys(const struct command *cmd)
{
    struct keyspec specs[KEYSPEC_MAX];
    int n = command_keyspecs_parse(cmd->keyspecs, specs, KEYSPEC_MAX);

    for (int i = 0; i < n; i++)
        if (!(specs[i].flags & KEYSPEC_NOT_KEY))
            return 1;
    if (cmd->flags & CMD_MOVABLE_KEYS)
        return 1;
    return n <= 0 && cmd->first_key > 0;
}

/* A growing list of found keys. */
struct key_list {
    struct command_key *keys;
    int n, cap;
};

/* Append one key position. */
static void key_list_add(struct key_list *kl, int pos, unsigned flags)
{
    if (kl->n == kl->cap) {
        kl->cap = kl->cap ? kl->cap * 2 : 8;
        kl->keys = mem_realloc(kl->keys, (size_t)kl->cap * sizeof(*kl->keys));
    }
    kl->keys[kl->n].pos = pos;
    kl->keys[kl->n].flags = flags;
    kl->n++;
}

/* Where the keys of one spec start in argv: 0 when a keyword spec finds no
 * keyword (the spec is skipped), -1 when the spec cannot be searched.  A
 * keyword is looked for from startfrom towards the end (positive) or from
 * the end backwards (negative), never at argv[0] and, as in Redis, never at
 * the far end of the walk (the last argument, or argv[1] walking back),
 * where no key could follow it. */
static int keyspec_first(const struct keyspec *ks, const struct util_arg *argv, int argc)
{
    int start, stop, dir;

    if (ks->bs == KEYSPEC_BS_INDEX)
        return ks->bs_index;
    if (ks->bs != KEYSPEC_BS_KEYWORD)
        return -1;
    if (ks->bs_startfrom > 0) {
        start = ks->bs_startfrom;
        stop = argc - 1;
    } else {
        start = argc + ks->bs_startfrom;
        stop = 1;
    }
    dir = start <= stop ? 1 : -1;
    for (int i = start; i != stop; i += dir) {
        if (i < 1 || i >= argc)
            break;
        if (util_eq_nocase(argv[i].ptr, argv[i].len, ks->bs_keyword))
            return i + 1;
    }
    return 0;
}

/* Add the keys one spec finds; 0 done (possibly none), -1 when the
 * arguments do not hold what the spec promises. */
static int keyspec_apply(const struct keyspec *ks, const struct util_arg *argv, int argc,
                         struct key_list *kl)
{
    int first = keyspec_first(ks, argv, argc);
    int last, step;

    if (first <= 0)
        return first;
    if (ks->fk == KEYSPEC_FK_RANGE) {
        step = ks->fk_keystep;
        if (ks->fk_lastkey >= 0)
            last = first + ks->fk_lastkey;
        else if (ks->fk_limit == 0)
            last = argc + ks->fk_lastkey;
        else
            last = first + ((argc - first) / ks->fk_limit + ks->fk_lastkey);
    } else if (ks->fk == KEYSPEC_FK_KEYNUM) {
        long long numkeys;
        int at = first + ks->fk_keynumidx;

        step = ks->fk_keystep;
        if (at >= argc || !util_str_to_ll(argv[at].ptr, argv[at].len, &numkeys) ||
            numkeys < 0 || numkeys > argc)
            return -1;
        first += ks->fk_firstkey;
        last = first + (int)numkeys - 1;
    } else {
        return -1;
    }
    if (step < 1 || first >= argc || last >= argc || last < first)
        return -1;
    for (int i = first; i <= last; i += step)
        key_list_add(kl, i, ks->flags);
    return 0;
}

/* See command_docs.h. */
int command_get_keys(const struct command *cmd, const struct util_arg *argv, int argc,
                     struct command_key **out)
{
    struct keyspec specs[KEYSPEC_MAX];
    struct key_list kl = {NULL, 0, 0};
    int n = command_keyspecs_parse(cmd->keyspecs, specs, KEYSPEC_MAX);

    *out = NULL;
    if (n > 0) {
        for (int i = 0; i < n; i++) {
            if (specs[i].flags & KEYSPEC_NOT_KEY)
                continue;
            if (keyspec_apply(&specs[i], argv, argc, &kl) < 0) {
                mem_free(kl.keys);
                return 0;
            }
        }
    } else if (cmd->first_key > 0) {
        /* No key specs: the table's first/last/step, as Redis did before
         * key specs (a command line too short for them has no keys). */
        int last = cmd->last_key < 0 ? argc + cmd->last_key : cmd->last_key;
        int step = cmd->key_step > 0 ? cmd->key_step : 1;

        for (int i = cmd->first_key; i <= last; i += step) {
            if (i >= argc) {
                mem_free(kl.keys);
                return 0;
            }
            key_list_add(&kl, i, 0);
        }
    }
    /* SET's key spec has variable flags: Redis's setGetKeys makes them
     * OW update, or RW access update when a GET argument follows the value
     * (COMMAND GETKEYSANDFLAGS and the ACL's read/write key check). */
    if (kl.n == 1 && (kl.keys[0].flags & KEYSPEC_VARIABLE_FLAGS) &&
        strcmp(cmd->fullname, "set") == 0) {
        unsigned f = KEYSPEC_OW | KEYSPEC_UPDATE;
        for (int i = 3; i < argc; i++)
            if (argv[i].len == 3 && util_eq_nocase(argv[i].ptr, 3, "get"))
                f = KEYSPEC_RW | KEYSPEC_ACCESS | KEYSPEC_UPDATE;
        kl.keys[0].flags = f;
    }
    *out = kl.keys;
    return kl.n;
}

/* See command_docs.h. */
void command_reply_keyspec_flags(struct reply_buf *r, unsigned flags)
{
    long n = 0;

    for (size_t i = 0; i < NFLAG_NAMES; i++)
        if (flags & keyspec_flag_names[i].bit)
            n++;
    reply_set(r, n);
    for (size_t i = 0; i < NFLAG_NAMES; i++)
        if (flags & keyspec_flag_names[i].bit)
            reply_simple(r, keyspec_flag_names[i].name);
}

/* ------------------------------------------------------------ the table --- */

/* 0 if notation is NULL or a valid value whose top level opens with one of
 * `opens`; -1 with a message otherwise. */
static int check_shape(const char *what, const char *notation, const char *opens,
                       char *err, size_t errlen)
{
    if (!notation)
        return 0;
    if (command_docs_validate(notation) < 0) {
        snprintf(err, errlen, "malformed %s notation", what);
        return -1;
    }
    if (!strchr(opens, *nt_space(notation))) {
        snprintf(err, errlen, "%s must open with one of %s", what, opens);
        return -1;
    }
    return 0;
}

/* See command_docs.h. */
int command_docs_check_row(const char *docs, const char *keyspecs, const char *tips,
                           char *err, size_t errlen)
{
    struct keyspec specs[KEYSPEC_MAX];

    if (check_shape("docs", docs, "{", err, errlen) < 0 ||
        check_shape("keyspecs", keyspecs, "<[", err, errlen) < 0 ||
        check_shape("tips", tips, "<[", err, errlen) < 0)
        return -1;
    if (command_keyspecs_parse(keyspecs, specs, KEYSPEC_MAX) < 0) {
        snprintf(err, errlen, "undecodable key specs (or more than %d)", KEYSPEC_MAX);
        return -1;
    }
    return 0;
}

/* See command_docs.h. */
int command_docs_attach(struct command *cmds, int n, char *err, size_t errlen)
{
    size_t nrows = sizeof(doc_rows) / sizeof(doc_rows[0]);

    for (size_t i = 0; i < nrows; i++) {
        const struct doc_row *row = &doc_rows[i];
        char why[128];
        int j;

        if (command_docs_check_row(row->docs, row->keyspecs, row->tips, why,
                                   sizeof(why)) < 0) {
            snprintf(err, errlen, "command_docs.def row '%s': %s", row->fullname, why);
            return -1;
        }
        for (j = 0; j < n; j++)
            if (strcmp(cmds[j].fullname, row->fullname) == 0)
                break;
        if (j == n) {
            snprintf(err, errlen, "command_docs.def row '%s' names no command",
                     row->fullname);
            return -1;
        }
        cmds[j].docs = row->docs;
        cmds[j].keyspecs = row->keyspecs;
        cmds[j].tips = row->tips;
    }
    return 0;
}
