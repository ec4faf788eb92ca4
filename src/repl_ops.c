/* repl_ops.c -- the operational rules of replication that Redis 7.0's
 * tooling relies on: min-replicas-to-write (-NOREPLICAS), replica-serve-
 * stale-data (-MASTERDOWN), and the count of good replicas INFO shows.
 *
 * Both refusals are taken by command_dispatch where Redis's processCommand
 * takes them: NOREPLICAS after -MISCONF and before -READONLY, MASTERDOWN
 * after the pub/sub context check (and both before MULTI queueing, so a
 * queued command refused here aborts its EXEC). */
#include "command.h"
#include "conn.h"
#include "handlers.h"
#include "log.h"
#include "repl.h"
#include "server.h"

/* A write, or an EXEC with a write queued (processCommand's
 * is_write_command). */
static int is_write(const struct conn *c, const struct command *cmd)
{
    if (cmd->flags & CMD_WRITE)
        return 1;
    if (cmd->handler == cmd_exec) {
        for (int i = 0; i < c->multi.count; i++)
            if (c->multi.cmds[i].cmd->flags & CMD_WRITE)
                return 1;
    }
    return 0;
}

int repl_good_replicas(const struct server *srv)
{
    /* Lag in whole seconds, as Redis's unixtime - repl_ack_time. */
    long long now_s = server_mstime(srv) / 1000;
    int n = 0;
    for (const struct repl_peer *pe = srv->repl->peers; pe; pe = pe->next)
        if (pe->online && now_s - pe->ack_ms / 1000 <= srv->cfg.min_replicas_max_lag)
            n++;
    return n;
}

int repl_min_replicas_active(const struct server *srv)
{
    return srv->cfg.min_replicas_to_write > 0 && srv->cfg.min_replicas_max_lag > 0;
}

int repl_refuses_noreplicas(const struct conn *c, const struct command *cmd)
{
    const struct server *srv = c->srv;
    /* A replica applies what its master sends, whatever its own setting. */
    if (srv->repl->master_host || !repl_min_replicas_active(srv) || (c->flags & CONN_FAKE))
        return 0;
    if (!is_write(c, cmd))
        return 0;
    return repl_good_replicas(srv) < srv->cfg.min_replicas_to_write;
}

int repl_refuses_stale(const struct conn *c, const struct command *cmd)
{
    const struct server *srv = c->srv;
    const struct repl *r = srv->repl;
    if (!r->master_host || r->link == REPL_LINK_CONNECTED || srv->cfg.replica_serve_stale_data ||
        (c->flags & CONN_FAKE))
        return 0;
    /* Commands without the stale flag, or an EXEC queueing one. */
    if (!(cmd->flags & CMD_STALE))
        return 1;
    if (cmd->handler == cmd_exec) {
        for (int i = 0; i < c->multi.count; i++)
            if (!(c->multi.cmds[i].cmd->flags & CMD_STALE))
                return 1;
    }
    return 0;
}

/* The fake client that applies the master's stream stands for the link in
 * CLIENT LIST (flag M, the master's address, a real client id) and CLIENT
 * KILL TYPE master, as Redis's master client does. */
void repl_master_client_init(struct server *srv)
{
    struct repl *r = srv->repl;
    struct conn *mc = r->mc;
    mc->id = srv->next_client_id++;
    mc->fd = r->fd;
    mc->flags |= CONN_MASTER;
    conn_socket_addrs(mc, r->fd);
}

struct conn *repl_master_client(const struct server *srv)
{
    const struct repl *r = srv->repl;
    return r->link == REPL_LINK_CONNECTED && r->mc ? r->mc : NULL;
}

void repl_master_client_kill(struct server *srv)
{
    struct repl *r = srv->repl;
    if (r->link != REPL_LINK_CONNECTED)
        return;
    log_notice("Closing the connection with the master (CLIENT KILL)");
    /* Dropped at the next safe point, never under a running command. */
    r->broken = 1;
}
