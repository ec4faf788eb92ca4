/* aof_annotation.c -- Runnel's '#' lines in the append-only file; see
 * aof_annotation.h for the format and who writes and reads it.
 *
 * The emitting side costs nothing while no sink listens (the effect batch
 * discards).  The applying side only finds and sets: it never creates a
 * key, a group or a consumer, because the commands before the line in the
 * file did that, and a line that finds nothing means the file is damaged. */
#include "aof_annotation.h"

#include <stdio.h>
#include <string.h>

#include "cmd_stream.h"
#include "db.h"
#include "effect.h"
#include "mem.h"
#include "server.h"
#include "stream_group.h"
#include "util.h"

/* Words of a runnel-consumer line: the name, three hex names, two times. */
#define CONSUMER_WORDS 6

void aof_annotate_consumer(struct server *srv, int dbid, const char *key, size_t klen,
                           const struct stream_group *g, const struct stream_consumer *cons)
{
    if (srv->effects.discard)
        return;
    struct effect *e = server_annotation(srv, dbid);
    effect_arg_cstr(e, AOF_ANNOTATION_CONSUMER);
    effect_arg_hex(e, key, klen);
    effect_arg_hex(e, g->name, g->name_len);
    effect_arg_hex(e, cons->name, cons->name_len);
    effect_arg_ll(e, cons->seen_time);
    effect_arg_ll(e, cons->active_time);
}

/* Append the lower-case hex of p[0..n) at out; returns the end. */
static char *hex_put(char *out, const char *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        *out++ = digits[(unsigned char)p[i] >> 4];
        *out++ = digits[(unsigned char)p[i] & 15];
    }
    return out;
}

size_t aof_annotation_format_consumer(char *buf, size_t cap, const char *key, size_t klen,
                                      const struct stream_group *g,
                                      const struct stream_consumer *cons)
{
    char times[64];
    int tlen = snprintf(times, sizeof(times), "%lld %lld", (long long)cons->seen_time,
                        (long long)cons->active_time);
    /* '#', the name, a space before each of the five other words, CRLF --
     * the same length effect.c measures before dropping a long line. */
    size_t need = 1 + sizeof(AOF_ANNOTATION_CONSUMER) - 1 + 3 + 2 * klen + 2 * g->name_len +
                  2 * cons->name_len + 1 + (size_t)tlen + 2;
    if (need > EFFECT_ANNOTATION_MAX || need > cap)
        return 0;
    char *p = buf;
    *p++ = '#';
    memcpy(p, AOF_ANNOTATION_CONSUMER, sizeof(AOF_ANNOTATION_CONSUMER) - 1);
    p += sizeof(AOF_ANNOTATION_CONSUMER) - 1;
    *p++ = ' ';
    p = hex_put(p, key, klen);
    *p++ = ' ';
    p = hex_put(p, g->name, g->name_len);
    *p++ = ' ';
    p = hex_put(p, cons->name, cons->name_len);
    *p++ = ' ';
    memcpy(p, times, (size_t)tlen);
    p += tlen;
    *p++ = '\r';
    *p++ = '\n';
    return (size_t)(p - buf);
}

static int hex_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

int aof_annotation_hex_decode(const char *hex, size_t len, char *out)
{
    if (len % 2)
        return -1;
    for (size_t i = 0; i < len; i += 2) {
        int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i / 2] = (char)(hi << 4 | lo);
    }
    return 0;
}

/* One word of the line. */
struct word {
    const char *p;
    size_t n;
};

/* Split text on single spaces into at most max words; returns how many
 * words there are (which may be more than max: the rest are not stored). */
static int split_words(const char *text, size_t len, struct word *w, int max)
{
    int n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] != ' ')
            continue;
        if (n < max) {
            w[n].p = text + start;
            w[n].n = i - start;
        }
        n++;
        start = i + 1;
    }
    return n;
}

/* The runnel-consumer line, split into words. */
static int apply_consumer(struct db *db, const struct word *w, char *err, size_t errlen)
{
    /* The three names decode into one scratch buffer, one after another. */
    size_t total = (w[1].n + w[2].n + w[3].n) / 2 + 1;
    char *names = mem_alloc(total);
    char *key = names, *gname = key + w[1].n / 2, *cname = gname + w[2].n / 2;
    int rc = -1;
    long long seen, active;
    if (aof_annotation_hex_decode(w[1].p, w[1].n, key) < 0 ||
        aof_annotation_hex_decode(w[2].p, w[2].n, gname) < 0 ||
        aof_annotation_hex_decode(w[3].p, w[3].n, cname) < 0) {
        snprintf(err, errlen, "runnel-consumer annotation with a name that is not hex");
        goto done;
    }
    if (!util_str_to_ll(w[4].p, w[4].n, &seen) || seen < 0 ||
        !util_str_to_ll(w[5].p, w[5].n, &active) || active < -1) {
        snprintf(err, errlen, "runnel-consumer annotation with a bad seen or active time");
        goto done;
    }
    /* The keyspace directly: no expiry, no stats, no access time -- the
     * line only restores what the commands before it built. */
    struct dict_entry *de = dict_find(&db->keys, key, w[1].n / 2);
    if (!de) {
        snprintf(err, errlen, "runnel-consumer annotation for a key that does not exist");
        goto done;
    }
    const struct object *o = de->val;
    if (o->type != &stream_object_type) {
        snprintf(err, errlen, "runnel-consumer annotation for a key that is not a stream");
        goto done;
    }
    struct stream_group *g = stream_group_find(o->ptr, gname, w[2].n / 2);
    if (!g) {
        snprintf(err, errlen, "runnel-consumer annotation for a group that does not exist");
        goto done;
    }
    struct stream_consumer *cons = stream_consumer_find(g, cname, w[3].n / 2);
    if (!cons) {
        snprintf(err, errlen, "runnel-consumer annotation for a consumer that does not exist");
        goto done;
    }
    cons->seen_time = seen;
    cons->active_time = active;
    rc = 0;
done:
    mem_free(names);
    return rc;
}

int aof_annotation_apply(struct server *srv, struct db *db, const char *text, size_t len,
                         char *err, size_t errlen)
{
    (void)srv;
    struct word w[CONSUMER_WORDS];
    int n = split_words(text, len, w, CONSUMER_WORDS);
    if (!(w[0].n == sizeof(AOF_ANNOTATION_CONSUMER) - 1 &&
          memcmp(w[0].p, AOF_ANNOTATION_CONSUMER, w[0].n) == 0))
        return 0; /* someone else's: Redis's TS:, a later version's */
    if (n != CONSUMER_WORDS) {
        snprintf(err, errlen, "runnel-consumer annotation with %d words instead of %d", n,
                 CONSUMER_WORDS);
        return -1;
    }
    return apply_consumer(db, w, err, errlen);
}
