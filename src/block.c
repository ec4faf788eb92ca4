/* block.c -- clients blocked on keys; see block.h for the design. */
#include "block.h"

#include <event2/event.h>
#include <string.h>

#include "command.h"
#include "conn.h"
#include "db.h"
#include "handlers.h"
#include "mem.h"
#include "server.h"
#include "util.h"

struct wait_list {
    struct block_node *head, *tail;
    struct db *db;
    char *key;
    size_t klen;
    int ready; /* on the server's ready list */
    int busy;  /* being served: freed by the server pass, not by removal */
};

struct block_node {
    struct block_node *prev, *next;
    struct conn *c;
    struct wait_list *wl;
};

static void wait_list_free_if_empty(struct wait_list *wl)
{
    if (wl->head || wl->ready || wl->busy)
        return;
    struct dict_entry *e = dict_unlink(&wl->db->blocking, wl->key, wl->klen);
    dict_entry_free(e);
    mem_free(wl->key);
    mem_free(wl);
}

static void node_unlink(struct block_node *n)
{
    struct wait_list *wl = n->wl;
    if (n->prev)
        n->prev->next = n->next;
    else
        wl->head = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else
        wl->tail = n->prev;
    n->prev = n->next = NULL;
    wait_list_free_if_empty(wl);
}

int block_rerunning(const struct conn *c)
{
    return (c->flags & CONN_RERUN) != 0;
}

int block_left_waiting(const struct conn *c)
{
    if (!(c->flags & CONN_BLOCKED))
        return 0;
    return !(c->flags & CONN_RERUN) || c->block.still_waiting;
}

static void block_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct conn *c = arg;
    /* libevent's default (coarse) clock can fire a few ms early; Redis never
     * answers a BLOCK before its time (its suite measures it), so wait on. */
    long long left = c->block.deadline_ms - util_mstime();
    if (left > 0 && c->block.timer) {
        struct timeval tv = {(time_t)(left / 1000), (suseconds_t)((left % 1000) * 1000)};
        evtimer_add(c->block.timer, &tv);
        return;
    }
    block_end(c, BLOCK_END_TIMEOUT);
}

static void block_rerun(struct conn *c);

static void block_recheck_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct conn *c = arg;
    if (c->flags & CONN_BLOCKED)
        block_rerun(c);
}

void block_recheck_at(struct conn *c, long long when_ms)
{
    struct block_state *b = &c->block;
    if (!(c->flags & CONN_BLOCKED))
        return;
    if (!b->recheck)
        b->recheck = evtimer_new(c->srv->base, block_recheck_cb, c);
    long long delay = when_ms - server_mstime(c->srv);
    if (delay < 0)
        delay = 0;
    struct timeval tv = {(time_t)(delay / 1000), (suseconds_t)((delay % 1000) * 1000)};
    evtimer_add(b->recheck, &tv);
}

void block_for_keys(struct conn *c, const int *key_idx, int nkeys, long long timeout_ms)
{
    struct block_state *b = &c->block;
    if (c->flags & CONN_RERUN) {
        b->still_waiting = 1;
        return;
    }
    struct server *srv = c->srv;
    b->argc = c->argc;
    b->argv = mem_alloc(sizeof(*b->argv) * (size_t)c->argc);
    for (int i = 0; i < c->argc; i++) {
        b->argv[i].ptr = mem_strndup(c->argv[i].ptr, c->argv[i].len);
        b->argv[i].len = c->argv[i].len;
    }
    b->cmd = c->cmd;
    b->nodes = mem_calloc(sizeof(*b->nodes) * (size_t)nkeys);
    b->nkeys = 0;
    for (int k = 0; k < nkeys; k++) {
        const struct util_arg *key = &c->argv[key_idx[k]];
        int dup = 0;
        for (int j = 0; j < b->nkeys; j++) {
            struct wait_list *o = b->nodes[j].wl;
            if (o->klen == key->len && memcmp(o->key, key->ptr, key->len) == 0)
                dup = 1;
        }
        if (dup)
            continue;
        struct dict_entry *e = dict_find(&c->db->blocking, key->ptr, key->len);
        if (!e) {
            struct wait_list *nw = mem_calloc(sizeof(*nw));
            nw->db = c->db;
            nw->key = mem_strndup(key->ptr, key->len);
            nw->klen = key->len;
            e = dict_add(&c->db->blocking, key->ptr, key->len, nw);
        }
        struct wait_list *wl = e->val;
        struct block_node *n = &b->nodes[b->nkeys++];
        n->c = c;
        n->wl = wl;
        n->prev = wl->tail;
        n->next = NULL;
        if (wl->tail)
            wl->tail->next = n;
        else
            wl->head = n;
        wl->tail = n;
    }
    b->timer = NULL;
    if (timeout_ms > 0) {
        b->timer = evtimer_new(srv->base, block_timeout_cb, c);
        struct timeval tv = {(time_t)(timeout_ms / 1000), (suseconds_t)((timeout_ms % 1000) * 1000)};
        evtimer_add(b->timer, &tv);
        b->deadline_ms = util_mstime() + timeout_ms;
    }
    b->since_ms = server_mstime(srv);
    b->still_waiting = 0;
    c->flags |= CONN_BLOCKED;
    srv->blocked_clients++;
}

void block_rewrite_arg(struct conn *c, int idx, const char *p, size_t len)
{
    struct block_state *b = &c->block;
    if (!(c->flags & CONN_BLOCKED) || idx >= b->argc)
        return;
    mem_free(b->argv[idx].ptr);
    b->argv[idx].ptr = mem_strndup(p, len);
    b->argv[idx].len = len;
}

/* Forget every trace of the wait and let the client run again. */
static void block_cleanup(struct conn *c)
{
    struct block_state *b = &c->block;
    if (!(c->flags & CONN_BLOCKED))
        return;
    for (int k = 0; k < b->nkeys; k++)
        node_unlink(&b->nodes[k]);
    mem_free(b->nodes);
    b->nodes = NULL;
    b->nkeys = 0;
    if (b->timer) {
        event_free(b->timer);
        b->timer = NULL;
    }
    if (b->recheck) {
        event_free(b->recheck);
        b->recheck = NULL;
    }
    for (int i = 0; i < b->argc; i++)
        mem_free(b->argv[i].ptr);
    mem_free(b->argv);
    b->argv = NULL;
    b->argc = 0;
    c->flags &= ~CONN_BLOCKED;
    c->srv->blocked_clients--;
}

/* The client may have pipelined more requests while it waited. */
static void block_resume(struct conn *c)
{
    if (c->qpos < c->qlen)
        conn_want_input(c);
    conn_want_write(c);
}

void block_end(struct conn *c, enum block_end how)
{
    if (!(c->flags & CONN_BLOCKED))
        return;
    struct command *cmd = (struct command *)c->block.cmd;
    block_cleanup(c);
    if (how == BLOCK_END_GONE)
        return;
    cmd->calls++; /* its runs while it waited were not counted */
    if (how == BLOCK_END_TIMEOUT) {
        reply_null_array(&c->out);
    } else {
        reply_error(&c->out, "UNBLOCKED client unblocked via CLIENT UNBLOCK");
        cmd->failed_calls++;
        c->srv->stat.total_error_replies++;
    }
    block_resume(c);
}

void block_signal_key(struct server *srv, struct db *db, const char *key, size_t klen)
{
    if (!db->blocking.used)
        return;
    struct dict_entry *e = dict_find(&db->blocking, key, klen);
    if (!e)
        return;
    struct wait_list *wl = e->val;
    if (wl->ready)
        return;
    wl->ready = 1;
    if (srv->nready == srv->ready_cap) {
        srv->ready_cap = srv->ready_cap ? srv->ready_cap * 2 : 16;
        srv->ready = mem_realloc(srv->ready, sizeof(*srv->ready) * (size_t)srv->ready_cap);
    }
    srv->ready[srv->nready++] = wl;
}

/* Re-run c's blocked command; unblock it unless it asked to wait on. */
static void block_rerun(struct conn *c)
{
    struct block_state *b = &c->block;
    int saved_argc = c->argc;
    struct util_arg *saved_argv = c->argv;
    c->argc = b->argc;
    c->argv = b->argv;
    b->still_waiting = 0;
    c->flags |= CONN_RERUN;
    command_call(c, (struct command *)b->cmd);
    c->flags &= ~CONN_RERUN;
    c->argc = saved_argc;
    c->argv = saved_argv;
    if (!b->still_waiting) {
        block_cleanup(c);
        block_resume(c);
    }
}

void block_serve_ready(struct server *srv)
{
    while (srv->nready) {
        /* New signals raised while serving go to a fresh list. */
        struct wait_list **batch = (struct wait_list **)srv->ready;
        int n = srv->nready;
        srv->ready = NULL;
        srv->nready = srv->ready_cap = 0;
        for (int i = 0; i < n; i++) {
            struct wait_list *wl = batch[i];
            wl->ready = 0;
            wl->busy = 1;
            /* Waiters that block anew during this pass (none can: no other
             * command runs) would be appended after the tail we stop at. */
            struct block_node *last = wl->tail;
            struct block_node *node = wl->head;
            while (node) {
                struct block_node *next = node == last ? NULL : node->next;
                block_rerun(node->c);
                node = next;
            }
            wl->busy = 0;
            wait_list_free_if_empty(wl);
        }
        mem_free(batch);
    }
}

void block_rerun_key(struct server *srv, struct db *db, const char *key, size_t klen)
{
    block_signal_key(srv, db, key, klen);
    block_serve_ready(srv);
}

long long block_count(const struct server *srv)
{
    return srv->blocked_clients;
}

/* A waiter that a deleted key must wake (with NOGROUP): XREADGROUP's. */
static int waits_on_nokey(const struct conn *c)
{
    const struct command *cmd = c->block.cmd;
    return cmd && cmd->handler == cmd_xreadgroup;
}

unsigned long long block_keys_on_nokey(const struct server *srv)
{
    unsigned long long n = 0;
    for (int i = 0; i < srv->ndbs; i++) {
        struct dict_iter it;
        dict_iter_init(&it, &srv->dbs[i].blocking);
        for (struct dict_entry *e; (e = dict_iter_next(&it));) {
            const struct wait_list *wl = e->val;
            for (const struct block_node *b = wl->head; b; b = b->next) {
                if (waits_on_nokey(b->c)) {
                    n++;
                    break;
                }
            }
        }
    }
    return n;
}
