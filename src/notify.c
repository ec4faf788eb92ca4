/* notify.c -- keyspace notifications (see notify.h). */
#include "notify.h"

#include <stdio.h>
#include <string.h>

#include "conn.h"
#include "db.h"
#include "mem.h"
#include "pubsub.h"
#include "server.h"
#include "util.h"

/* In the order CONFIG GET writes them. */
static const struct {
    char letter;
    int flag;
} notify_letters[] = {
    {'g', NOTIFY_GENERIC}, {'$', NOTIFY_STRING},  {'l', NOTIFY_LIST},    {'s', NOTIFY_SET},
    {'h', NOTIFY_HASH},    {'z', NOTIFY_ZSET},    {'x', NOTIFY_EXPIRED}, {'e', NOTIFY_EVICTED},
    {'t', NOTIFY_STREAM},  {'d', NOTIFY_MODULE},  {'n', NOTIFY_NEW},     {'K', NOTIFY_KEYSPACE},
    {'E', NOTIFY_KEYEVENT}, {'m', NOTIFY_KEY_MISS},
};
#define NOTIFY_NLETTERS (sizeof(notify_letters) / sizeof(notify_letters[0]))
#define NOTIFY_NCLASSES 11 /* the class letters come first, K E m last */

int notify_flags_parse(const char *s, size_t len)
{
    int flags = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == 'A') {
            flags |= NOTIFY_ALL;
            continue;
        }
        size_t k;
        for (k = 0; k < NOTIFY_NLETTERS; k++)
            if (notify_letters[k].letter == s[i])
                break;
        if (k == NOTIFY_NLETTERS)
            return -1;
        flags |= notify_letters[k].flag;
    }
    return flags;
}

void notify_flags_format(int flags, char *buf, size_t cap)
{
    size_t n = 0;
    size_t k = 0;
    if ((flags & NOTIFY_ALL) == NOTIFY_ALL) {
        buf[n++] = 'A';
        k = NOTIFY_NCLASSES; /* Redis 7.0 writes no class letter after A, n included */
    }
    for (; k < NOTIFY_NLETTERS && n + 1 < cap; k++)
        if (flags & notify_letters[k].flag)
            buf[n++] = notify_letters[k].letter;
    buf[n] = '\0';
}

/* Publish msg on "__<space>@<db>__:<suffix>". */
static void notify_publish(struct server *srv, const char *space, int dbid, const char *suffix,
                           size_t slen, const char *msg, size_t mlen)
{
    char head[48];
    int hn = snprintf(head, sizeof(head), "__%s@%d__:", space, dbid);
    char small[256];
    size_t clen = (size_t)hn + slen;
    char *ch = clen <= sizeof(small) ? small : mem_alloc(clen);
    memcpy(ch, head, (size_t)hn);
    memcpy(ch + hn, suffix, slen);
    pubsub_publish(srv, PUBSUB_CHANNEL, ch, clen, msg, mlen);
    if (ch != small)
        mem_free(ch);
}

void notify_event(struct server *srv, int type, const char *event, int dbid, const char *key,
                  size_t klen)
{
    int flags = srv->cfg.notify_keyspace_events;
    if (!(flags & type) || srv->loading)
        return;
    size_t elen = strlen(event);
    if (flags & NOTIFY_KEYSPACE)
        notify_publish(srv, "keyspace", dbid, key, klen, event, elen);
    if (flags & NOTIFY_KEYEVENT)
        notify_publish(srv, "keyevent", dbid, event, elen, key, klen);
}

void notify_key(struct conn *c, int type, const char *event, const struct util_arg *key)
{
    notify_event(c->srv, type, event, c->db->id, key->ptr, key->len);
}
