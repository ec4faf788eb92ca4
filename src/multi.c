/* multi.c -- transactions; see multi.h for the design.
 *
 * The watch map of a db holds, per key, a small array of watching clients.
 * Clients hold the (db, key) pairs they watch, so UNWATCH, EXEC, DISCARD and
 * disconnect remove exactly their own entries. */
#include "multi.h"

#include <string.h>

#include "cmd_acl.h"
#include "command.h"
#include "conn.h"
#include "db.h"
#include "mem.h"
#include "server.h"

struct watch_list {
    struct conn **v;
    int n, cap;
};

void multi_init(struct multi_state *m)
{
    memset(m, 0, sizeof(*m));
}

void multi_reset_queue(struct multi_state *m)
{
    for (int i = 0; i < m->count; i++) {
        for (int j = 0; j < m->cmds[i].argc; j++)
            mem_free(m->cmds[i].argv[j].ptr);
        mem_free(m->cmds[i].argv);
    }
    m->count = 0;
}

void multi_queue(struct conn *c)
{
    struct multi_state *m = &c->multi;
    if (m->count == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 8;
        m->cmds = mem_realloc(m->cmds, (size_t)m->cap * sizeof(*m->cmds));
    }
    struct multi_cmd *q = &m->cmds[m->count++];
    q->cmd = c->cmd;
    q->argc = c->argc;
    /* Take the parser's argument array over instead of copying it. */
    q->argv = c->parser.argv;
    c->parser.argv = NULL;
    c->parser.argv_cap = 0;
    c->parser.argc = 0;
    resp_request_reset(&c->parser);
    c->argv = NULL;
}

static int conn_watches(const struct conn *c, const struct db *db, const char *key, size_t klen)
{
    for (int i = 0; i < c->multi.nwatched; i++) {
        const struct watched_key *w = &c->multi.watched[i];
        if (w->db == db && w->klen == klen && memcmp(w->key, key, klen) == 0)
            return 1;
    }
    return 0;
}

static void watch_key(struct conn *c, const char *key, size_t klen)
{
    struct db *db = c->db;
    if (conn_watches(c, db, key, klen))
        return;
    struct dict_entry *e = dict_find(&db->watched, key, klen);
    if (!e)
        e = dict_add(&db->watched, key, klen, mem_calloc(sizeof(struct watch_list)));
    struct watch_list *wl = e->val;
    if (wl->n == wl->cap) {
        wl->cap = wl->cap ? wl->cap * 2 : 2;
        wl->v = mem_realloc(wl->v, (size_t)wl->cap * sizeof(*wl->v));
    }
    wl->v[wl->n++] = c;

    struct multi_state *m = &c->multi;
    if (m->nwatched == m->watched_cap) {
        m->watched_cap = m->watched_cap ? m->watched_cap * 2 : 4;
        m->watched = mem_realloc(m->watched, (size_t)m->watched_cap * sizeof(*m->watched));
    }
    struct watched_key *w = &m->watched[m->nwatched++];
    w->db = db;
    w->key = mem_strndup(key, klen);
    w->klen = klen;
    /* Redis 7: a key already logically expired when watched does not fail
     * EXEC by expiring later; one that expires after WATCH does. */
    struct dict_entry *ke = dict_find(&db->keys, key, klen);
    w->expired_at_watch = ke && ke->aux >= 0 && ke->aux <= server_mstime(c->srv);
}

void multi_unwatch_all(struct conn *c)
{
    struct multi_state *m = &c->multi;
    for (int i = 0; i < m->nwatched; i++) {
        struct watched_key *w = &m->watched[i];
        struct dict_entry *e = dict_find(&w->db->watched, w->key, w->klen);
        if (e) {
            struct watch_list *wl = e->val;
            for (int j = 0; j < wl->n; j++) {
                if (wl->v[j] == c) {
                    wl->v[j] = wl->v[--wl->n];
                    break;
                }
            }
            if (wl->n == 0) {
                dict_entry_free(dict_unlink(&w->db->watched, w->key, w->klen));
                mem_free(wl->v);
                mem_free(wl);
            }
        }
        mem_free(w->key);
    }
    m->nwatched = 0;
    c->flags &= ~CONN_DIRTY_CAS;
}

void multi_touch_key(struct db *db, const char *key, size_t klen)
{
    if (!db->watched.used)
        return;
    struct dict_entry *e = dict_find(&db->watched, key, klen);
    if (!e)
        return;
    struct watch_list *wl = e->val;
    for (int i = 0; i < wl->n; i++)
        wl->v[i]->flags |= CONN_DIRTY_CAS;
}

void multi_touch_all(struct db *db)
{
    struct dict_iter it;
    dict_iter_init(&it, &db->watched);
    struct dict_entry *e;
    while ((e = dict_iter_next(&it))) {
        if (!dict_find(&db->keys, e->key, e->klen))
            continue;
        struct watch_list *wl = e->val;
        for (int i = 0; i < wl->n; i++)
            wl->v[i]->flags |= CONN_DIRTY_CAS;
    }
}

/* A watched key that was live at WATCH time and has expired since makes
 * EXEC fail even if nobody touched it (Redis 7's isWatchedKeyExpired). */
static int watched_key_expired(struct conn *c)
{
    long long now = server_mstime(c->srv);
    for (int i = 0; i < c->multi.nwatched; i++) {
        struct watched_key *w = &c->multi.watched[i];
        if (w->expired_at_watch)
            continue;
        struct dict_entry *ke = dict_find(&w->db->keys, w->key, w->klen);
        if (ke && ke->aux >= 0 && ke->aux <= now)
            return 1;
    }
    return 0;
}

void cmd_multi(struct conn *c)
{
    if (c->flags & CONN_MULTI) {
        reply_error(&c->out, "ERR MULTI calls can not be nested");
        return;
    }
    c->flags |= CONN_MULTI;
    reply_ok(&c->out);
}

void multi_discard(struct conn *c)
{
    multi_reset_queue(&c->multi);
    c->flags &= ~(CONN_MULTI | CONN_DIRTY_EXEC);
    multi_unwatch_all(c);
}

void cmd_discard(struct conn *c)
{
    if (!(c->flags & CONN_MULTI)) {
        reply_error(&c->out, "ERR DISCARD without MULTI");
        return;
    }
    multi_discard(c);
    reply_ok(&c->out);
}

void cmd_exec(struct conn *c)
{
    if (!(c->flags & CONN_MULTI)) {
        reply_error(&c->out, "ERR EXEC without MULTI");
        return;
    }
    if (c->flags & CONN_DIRTY_EXEC) {
        reply_error(&c->out, "EXECABORT Transaction discarded because of previous errors.");
        multi_discard(c);
        return;
    }
    if ((c->flags & CONN_DIRTY_CAS) || watched_key_expired(c)) {
        reply_null_array(&c->out);
        multi_discard(c);
        return;
    }
    /* Unwatch first: the transaction's own writes must not flag it. */
    multi_unwatch_all(c);
    struct multi_state *m = &c->multi;
    int count = m->count;
    struct multi_cmd *cmds = m->cmds;
    m->cmds = NULL;
    m->count = m->cap = 0;
    c->flags &= ~CONN_MULTI;
    c->flags |= CONN_IN_EXEC;
    reply_array(&c->out, count);
    int saved_argc = c->argc;
    struct util_arg *saved_argv = c->argv;
    const struct command *saved_cmd = c->cmd;
    for (int i = 0; i < count; i++) {
        c->argc = cmds[i].argc;
        c->argv = cmds[i].argv;
        c->lastcmd = cmds[i].cmd;
        /* Permissions may have changed since it was queued (Redis 7.0). */
        if (acl_exec_denies_or_reply(c, cmds[i].cmd))
            continue;
        command_call(c, (struct command *)cmds[i].cmd);
    }
    c->argc = saved_argc;
    c->argv = saved_argv;
    c->cmd = saved_cmd;
    c->flags &= ~CONN_IN_EXEC;
    m->cmds = cmds;
    m->count = m->cap = count;
    multi_reset_queue(m);
}

void cmd_watch(struct conn *c)
{
    if (c->flags & CONN_MULTI) {
        reply_error(&c->out, "ERR WATCH inside MULTI is not allowed");
        return;
    }
    /* Redis 7: WATCH after the client's watched key changed keeps EXEC
     * failing; nothing to do here but add the keys. */
    for (int i = 1; i < c->argc; i++)
        watch_key(c, c->argv[i].ptr, c->argv[i].len);
    reply_ok(&c->out);
}

void cmd_unwatch(struct conn *c)
{
    multi_unwatch_all(c);
    reply_ok(&c->out);
}
