/* client_pause.c -- CLIENT PAUSE <timeout> [WRITE|ALL] and CLIENT UNPAUSE.
 *
 * While a pause lasts, command_dispatch hands the requests it covers here
 * (after the refusal checks, before MULTI queueing, as Redis 7.0's
 * processCommand): the client is marked postponed and its request stays in
 * the parser; conn_process_input runs it again once the pause is over.
 * Replicas and the AOF loader are never paused.  No key expires while a
 * pause lasts (db.c's lookup and the cron's active expiry ask
 * client_pause_active), as Redis 7.0. */
#include <stdlib.h>

#include "client_pause.h"
#include "command.h"
#include "conn.h"
#include "handlers.h"
#include "mem.h"
#include "server.h"
#include "util.h"

int client_pause_active(struct server *srv)
{
    if (srv->pause_type == CLIENT_PAUSE_OFF)
        return 0;
    if (server_mstime(srv) < srv->pause_end_ms)
        return 1;
    client_pause_cron(srv);
    return 0;
}

/* Places in line of the postponed clients (their c->postponed). */
static unsigned long long postponed_seq;

static int later_first(const void *a, const void *b)
{
    unsigned long long x = (*(struct conn *const *)a)->postponed;
    unsigned long long y = (*(struct conn *const *)b)->postponed;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* The held clients run again in the order they were held, as Redis's
 * postponed list: conn_want_input puts each at the head of the work
 * list, so they are queued latest first. */
static void pause_end(struct server *srv)
{
    srv->pause_type = CLIENT_PAUSE_OFF;
    srv->pause_end_ms = 0;
    size_t n = 0;
    for (struct conn *c = srv->clients; c; c = c->next)
        n += c->postponed != 0;
    if (n == 0)
        return;
    struct conn **held = mem_alloc(n * sizeof(*held));
    size_t i = 0;
    for (struct conn *c = srv->clients; c; c = c->next)
        if (c->postponed)
            held[i++] = c;
    qsort(held, n, sizeof(*held), later_first);
    for (i = 0; i < n; i++)
        conn_want_input(held[i]);
    mem_free(held);
}

void client_pause_cron(struct server *srv)
{
    if (srv->pause_type != CLIENT_PAUSE_OFF && server_mstime(srv) >= srv->pause_end_ms)
        pause_end(srv);
}

static int may_write(const struct conn *c, const struct command *cmd)
{
    if (cmd->flags & (CMD_WRITE | CMD_MAY_REPLICATE))
        return 1;
    if (cmd->handler == cmd_exec && (c->flags & CONN_MULTI)) {
        for (int i = 0; i < c->multi.count; i++) {
            if (c->multi.cmds[i].cmd->flags & (CMD_WRITE | CMD_MAY_REPLICATE))
                return 1;
        }
    }
    return 0;
}

int client_pause_postpones(struct conn *c, const struct command *cmd)
{
    if ((c->flags & CONN_FAKE) || c->repl_peer || !client_pause_active(c->srv))
        return 0;
    if (c->srv->pause_type == CLIENT_PAUSE_WRITE && !may_write(c, cmd))
        return 0;
    if (!c->postponed) /* Redis counts it as blocked: blocked_clients, flag b */
        c->postponed = ++postponed_seq;
    return 1;
}

void client_pause_release(struct conn *c)
{
    c->postponed = 0;
}

void cmd_client_pause(struct conn *c)
{
    long long ms;
    if (c->argc > 4) {
        reply_errorf(&c->out, "ERR unknown subcommand or wrong number of arguments for '%.128s'. "
                              "Try CLIENT HELP.",
                     c->argv[1].ptr);
        return;
    }
    if (!util_str_to_ll(c->argv[2].ptr, c->argv[2].len, &ms)) {
        reply_error(&c->out, "ERR timeout is not an integer or out of range");
        return;
    }
    if (ms < 0) {
        reply_error(&c->out, "ERR timeout is negative");
        return;
    }
    int type = CLIENT_PAUSE_ALL;
    if (c->argc == 4) {
        const struct util_arg *m = &c->argv[3];
        if (util_eq_nocase(m->ptr, m->len, "write")) {
            type = CLIENT_PAUSE_WRITE;
        } else if (!util_eq_nocase(m->ptr, m->len, "all")) {
            reply_error(&c->out, "ERR CLIENT PAUSE mode must be WRITE or ALL");
            return;
        }
    }
    /* As Redis: a pause only widens (ALL over WRITE) and only lengthens. */
    struct server *srv = c->srv;
    long long end = server_mstime(srv) + ms;
    if (srv->pause_type == CLIENT_PAUSE_OFF || type > srv->pause_type)
        srv->pause_type = type;
    if (end > srv->pause_end_ms)
        srv->pause_end_ms = end;
    reply_ok(&c->out);
}

void cmd_client_unpause(struct conn *c)
{
    pause_end(c->srv);
    reply_ok(&c->out);
}
