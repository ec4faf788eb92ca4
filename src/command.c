/* command.c -- the command table, lookup, checks and dispatch.
 *
 * The rows of commands.def are copied into srv->commands at start-up (so
 * per-command statistics live in the server), indexed by lower-case full
 * name in srv->command_index, and each subcommand is attached to its
 * parent.  Dispatch order, as Redis's processCommand():
 *
 *   lookup -> unknown command | unknown subcommand | arity
 *          -> MULTI gate (queue, or reject with EXECABORT bookkeeping)
 *          -> command_call (handler, statistics, effects, blocked wake-ups)
 */
#include "command.h"

#include <ctype.h>
#include <stdlib.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "aof.h"
#include "cmd_acl.h"
#include "client_pause.h"
#include "cmd_command.h"
#include "command_docs.h"
#include "conn.h"
#include "handlers.h"
#include "log.h"
#include "maxmemory.h"
#include "mem.h"
#include "multi.h"
#include "observe.h"
#include "repl.h"
#include "server.h"
#include "snapshot.h"
#include "util.h"

/* rename-command: clients call cmd by `to`; `from` is unknown to them. */
struct command_rename {
    char *from, *to; /* lower case; to "" = disabled */
    struct command *cmd;
};

static const struct command command_rows[] = {
#define CMD(fullname, handler, arity, flags, fk, lk, step, acl) \
    {fullname, handler, arity, flags, fk, lk, step, acl, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0},
#include "commands.def"
#undef CMD
};

#define NROWS ((int)(sizeof(command_rows) / sizeof(command_rows[0])))

static void lower_copy(char *dst, size_t cap, const char *src, size_t len)
{
    size_t i;
    for (i = 0; i < len && i + 1 < cap; i++)
        dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = '\0';
}

int command_table_init(struct server *srv)
{
    srv->ncommands = NROWS;
    srv->commands = mem_calloc(sizeof(struct command) * NROWS);
    dict_init(&srv->command_index, srv->hash_seed ^ 0x51ed270b27f1ab61ULL);
    for (int i = 0; i < NROWS; i++) {
        struct command *cmd = &srv->commands[i];
        *cmd = command_rows[i];
        const char *bar = strchr(cmd->fullname, '|');
        cmd->name = bar ? bar + 1 : cmd->fullname;
        dict_add(&srv->command_index, cmd->fullname, strlen(cmd->fullname), cmd);
    }
    /* Attach subcommands to their parents (parents come first). */
    for (int i = 0; i < NROWS; i++) {
        struct command *cmd = &srv->commands[i];
        const char *bar = strchr(cmd->fullname, '|');
        if (!bar)
            continue;
        struct dict_entry *pe = dict_find(&srv->command_index, cmd->fullname,
                                          (size_t)(bar - cmd->fullname));
        if (!pe) {
            log_warning("command table: %s has no parent row", cmd->fullname);
            continue;
        }
        struct command *parent = pe->val;
        cmd->parent = parent;
        parent->subs = mem_realloc(parent->subs, sizeof(*parent->subs) * (size_t)(parent->nsubs + 1));
        parent->subs[parent->nsubs++] = cmd;
    }
    /* Documentation, key specs and tips (command_docs.def), validated so a
     * malformed row stops start-up instead of answering garbage. */
    char err[256];
    if (command_docs_attach(srv->commands, srv->ncommands, err, sizeof(err)) < 0) {
        log_warning("command table: %s", err);
        return -1;
    }
    return 0;
}

void command_table_free(struct server *srv)
{
    for (int i = 0; i < srv->nrenames; i++) {
        mem_free(srv->renames[i].from);
        mem_free(srv->renames[i].to);
    }
    mem_free(srv->renames);
    srv->renames = NULL;
    srv->nrenames = 0;
    for (int i = 0; i < srv->ncommands; i++)
        mem_free(srv->commands[i].subs);
    dict_clear(&srv->command_index, NULL);
    mem_free(srv->commands);
    srv->commands = NULL;
    srv->ncommands = 0;
}

struct command *command_lookup(struct server *srv, const char *name, size_t len)
{
    char lname[64];
    if (len >= sizeof(lname))
        return NULL;
    lower_copy(lname, sizeof(lname), name, len);
    struct dict_entry *e = dict_find(&srv->command_index, lname, len);
    if (!e)
        return NULL;
    struct command *cmd = e->val;
    return cmd->parent ? NULL : cmd; /* "config|get" is not a command name */
}

int command_rename(struct server *srv, const struct util_arg *from, const struct util_arg *to,
                   char *err, size_t errlen)
{
    struct command *cmd = command_lookup_client(srv, from->ptr, from->len);
    if (!cmd) {
        snprintf(err, errlen, "No such command in rename-command");
        return -1;
    }
    if (to->len && command_lookup_client(srv, to->ptr, to->len)) {
        snprintf(err, errlen, "Target command name already exists");
        return -1;
    }
    char lfrom[64], lto[64];
    lower_copy(lfrom, sizeof(lfrom), from->ptr, from->len);
    lower_copy(lto, sizeof(lto), to->ptr, to->len);
    srv->renames = mem_realloc(srv->renames, sizeof(*srv->renames) * (size_t)(srv->nrenames + 1));
    struct command_rename *r = &srv->renames[srv->nrenames++];
    r->from = mem_strdup(lfrom);
    r->to = mem_strdup(lto);
    r->cmd = cmd;
    return 0;
}

struct command *command_lookup_client(struct server *srv, const char *name, size_t len)
{
    for (int i = 0; i < srv->nrenames; i++) {
        const struct command_rename *r = &srv->renames[i];
        if (r->to[0] && strlen(r->to) == len && util_eq_nocase(name, len, r->to))
            return r->cmd;
    }
    struct command *cmd = command_lookup(srv, name, len);
    for (int i = 0; cmd && i < srv->nrenames; i++)
        if (srv->renames[i].cmd == cmd)
            return NULL;
    return cmd;
}

struct command *command_lookup_sub(const struct command *parent, const char *name, size_t len)
{
    for (int i = 0; i < parent->nsubs; i++) {
        if (util_eq_nocase(name, len, parent->subs[i]->name))
            return parent->subs[i];
    }
    return NULL;
}

void reply_wrong_arity(struct conn *c, const struct command *cmd)
{
    reply_errorf(&c->out, "ERR wrong number of arguments for '%s' command", cmd->fullname);
}

void reply_syntax_error(struct conn *c)
{
    reply_error(&c->out, "ERR syntax error");
}

/* Redis quotes the name (up to 128 bytes) and then arguments while the
 * argument text is under 128 bytes, cutting the last one so the text stays
 * within 128 (Redis 7's unknown-command error). */
static void reply_unknown_command(struct conn *c)
{
    char args[256];
    size_t alen = 0;
    args[0] = '\0';
    for (int i = 1; i < c->argc && alen < 128; i++) {
        int n = snprintf(args + alen, sizeof(args) - alen, "'%.*s' ", (int)(128 - alen),
                         c->argv[i].ptr);
        if (n > 0)
            alen += (size_t)n;
        if (alen >= sizeof(args))
            alen = sizeof(args) - 1;
    }
    reply_errorf(&c->out, "ERR unknown command '%.128s', with args beginning with: %s",
                 c->argv[0].ptr, args);
}

static void reply_unknown_subcommand(struct conn *c, const struct command *parent)
{
    char upper[64];
    size_t i;
    for (i = 0; parent->fullname[i] && i + 1 < sizeof(upper); i++)
        upper[i] = (char)toupper((unsigned char)parent->fullname[i]);
    upper[i] = '\0';
    reply_errorf(&c->out, "ERR unknown subcommand '%.128s'. Try %s HELP.", c->argv[1].ptr, upper);
}

static int arity_ok(const struct command *cmd, int argc)
{
    return cmd->arity > 0 ? argc == cmd->arity : argc >= -cmd->arity;
}

/* Mark a transaction as failed when a command is rejected inside MULTI. */
static void flag_transaction(struct conn *c)
{
    if (c->flags & CONN_MULTI)
        c->flags |= CONN_DIRTY_EXEC;
}

static int is_tx_control(const struct command *cmd)
{
    return cmd->handler == cmd_exec || cmd->handler == cmd_discard ||
           cmd->handler == cmd_multi || cmd->handler == cmd_watch ||
           cmd->handler == cmd_quit || cmd->handler == cmd_reset;
}

/* What a RESP2 client holding subscriptions may run (Redis's processCommand;
 * RESP3 clients may run anything while subscribed). */
static int allowed_when_subscribed(const struct command *cmd)
{
    command_fn h = cmd->handler;
    return h == cmd_ping || h == cmd_subscribe || h == cmd_ssubscribe || h == cmd_unsubscribe ||
           h == cmd_sunsubscribe || h == cmd_psubscribe || h == cmd_punsubscribe ||
           h == cmd_quit || h == cmd_reset;
}

/* Writes (and PING, and an EXEC with writes queued) are refused while the
 * AOF cannot be written: Redis's -MISCONF, as processCommand does. */
static int server_denies_write(struct conn *c, const struct command *cmd)
{
    int is_write = (cmd->flags & CMD_WRITE) || cmd->handler == cmd_ping;
    if (cmd->handler == cmd_exec) {
        for (int i = 0; i < c->multi.count && !is_write; i++)
            is_write = (c->multi.cmds[i].cmd->flags & CMD_WRITE) != 0;
    }
    if (!is_write)
        return 0;
    char buf[256];
    /* A failed BGSAVE first, then the AOF (Redis's writeCommandsDeniedByDiskError). */
    const char *err = snapshot_deny_write_error(c->srv);
    if (!err)
        err = aof_deny_write_error(c->srv, buf, sizeof(buf));
    if (!err)
        return 0;
    reply_error(&c->out, err);
    return 1;
}

void command_call(struct conn *c, struct command *cmd)
{
    struct server *srv = c->srv;
    long long start = util_ustime();
    server_update_clock(srv, start);
    size_t reply_start = c->out.len;
    const struct command *saved = c->cmd;
    c->cmd = cmd;
    long long mark = aof_hard_mark(srv);
    server_effects_begin(srv);
    cmd->handler(c);
    server_effects_end(srv);
    if (srv->effects_depth == 0) {
        /* Its reply waits for the AOF (see aof_reply_mark). */
        long long wait = aof_reply_mark(srv, aof_hard_mark(srv) != mark);
        if (wait > c->aof_wait)
            c->aof_wait = wait;
    }
    c->cmd = saved;
    long long duration = util_ustime() - start;
    if (!block_left_waiting(c))
        cmd->calls++; /* a blocked command counts once, when it ends */
    cmd->usec += duration;
    if (c->out.len > reply_start && c->out.buf[reply_start] == '-') {
        cmd->failed_calls++;
        srv->stat.total_error_replies++;
    }
    srv->stat.numcommands++;
    observe_call(c, cmd, duration);
}

/* Redis's afterErrorReply for the clients that replay another server's
 * writes -- a master link, the AOF loader: an error answered to them means
 * this data set went apart from its source.  Each is counted in INFO's
 * unexpected_error_replies and logged; propagation-error-behavior panic
 * stops the server (for the AOF too), panic-on-replicas only a read-only
 * replica on its master's commands, as Redis's serverPanic does. */
void command_note_source_errors(struct conn *c, long long errors_before, bool master_link)
{
    struct server *srv = c->srv;
    long long n = srv->stat.total_error_replies - errors_before;
    if (n <= 0)
        return;
    srv->stat.unexpected_error_replies += n;
    const char *name = c->lastcmd ? c->lastcmd->fullname : "<unknown>";
    const char *who = master_link ? "replica" : "AOF loader";
    const char *to = master_link ? "master" : "AOF file";
    size_t len = c->out.len;
    while (len > 0 && (c->out.buf[len - 1] == '\r' || c->out.buf[len - 1] == '\n'))
        len--;
    log_warning("== CRITICAL == This %s is sending an error to its %s: '%.*s' after processing "
                "the command '%s'",
                who, to, (int)(len > 256 ? 256 : len), c->out.buf, name);
    int behavior = srv->cfg.propagation_error_behavior;
    bool panic = master_link ? srv->cfg.replica_read_only &&
                                   behavior != CONFIG_PROPAGATION_ERROR_IGNORE
                             : behavior == CONFIG_PROPAGATION_ERROR_PANIC;
    if (panic) {
        log_warning("This %s panicked sending an error to its %s after processing the "
                    "command '%s' (propagation-error-behavior %s)",
                    who, to, name, config_propagation_error_names[behavior]);
        abort();
    }
}

/* Redis's rejectCommand: the error, or for EXEC the transaction aborted
 * with it (EXECABORT ... because of: <error>). */
static void reject_exec_aware(struct conn *c, struct command *cmd, const char *err)
{
    if (cmd->handler == cmd_exec) {
        reply_errorf(&c->out, "EXECABORT Transaction discarded because of: %s", err);
        multi_discard(c);
    } else {
        flag_transaction(c);
        reply_error(&c->out, err);
    }
    cmd->rejected_calls++;
    c->srv->stat.total_error_replies++;
}

void command_dispatch(struct conn *c)
{
    struct server *srv = c->srv;
    struct command *cmd = command_lookup_client(srv, c->argv[0].ptr, c->argv[0].len);
    if (!cmd) {
        flag_transaction(c);
        reply_unknown_command(c);
        srv->stat.total_error_replies++;
        return;
    }
    if (cmd->nsubs && c->argc >= 2) {
        struct command *sub = command_lookup_sub(cmd, c->argv[1].ptr, c->argv[1].len);
        if (!sub) {
            flag_transaction(c);
            reply_unknown_subcommand(c, cmd);
            srv->stat.total_error_replies++;
            return;
        }
        cmd = sub;
    } else if (cmd->nsubs && !cmd->handler) {
        flag_transaction(c);
        reply_wrong_arity(c, cmd);
        cmd->rejected_calls++;
        srv->stat.total_error_replies++;
        return;
    }
    if (!arity_ok(cmd, c->argc)) {
        if (cmd->handler == cmd_exec) {
            /* A refused EXEC aborts the transaction, and says EXECABORT even
             * outside MULTI (Redis 7's execCommandAbort). */
            reply_errorf(&c->out,
                         "EXECABORT Transaction discarded because of: wrong number of arguments "
                         "for '%s' command",
                         cmd->fullname);
            multi_discard(c);
            cmd->rejected_calls++;
            srv->stat.total_error_replies++;
            return;
        }
        flag_transaction(c);
        reply_wrong_arity(c, cmd);
        cmd->rejected_calls++;
        srv->stat.total_error_replies++;
        return;
    }
    c->lastcmd = cmd;
    char aclmsg[512];
    if (acl_denies(c, cmd, aclmsg, sizeof(aclmsg))) {
        /* NOAUTH, NOPERM: Redis's rejectCommand, EXEC aborting. */
        if (cmd->handler == cmd_exec) {
            reply_errorf(&c->out, "EXECABORT Transaction discarded because of: %s", aclmsg);
            multi_discard(c);
        } else {
            flag_transaction(c);
            reply_error(&c->out, aclmsg);
        }
        cmd->rejected_calls++;
        srv->stat.total_error_replies++;
        return;
    }
    if (maxmemory_refuses(c, cmd)) {
        /* Redis's rejectCommand: a refused EXEC aborts its transaction. */
        if (cmd->handler == cmd_exec) {
            reply_error(&c->out, "EXECABORT Transaction discarded because of: " MAXMEMORY_OOM_ERR);
            multi_discard(c);
        } else {
            flag_transaction(c);
            reply_error(&c->out, MAXMEMORY_OOM_ERR);
        }
        cmd->rejected_calls++;
        srv->stat.total_error_replies++;
        return;
    }
    if (server_denies_write(c, cmd)) {
        flag_transaction(c);
        cmd->rejected_calls++;
        srv->stat.total_error_replies++;
        return;
    }
    if (repl_refuses_noreplicas(c, cmd)) {
        reject_exec_aware(c, cmd, REPL_NOREPLICAS_ERR);
        return;
    }
    if (repl_denies_write(c, cmd)) {
        flag_transaction(c);
        reply_error(&c->out, REPL_READONLY_ERR);
        cmd->rejected_calls++;
        srv->stat.total_error_replies++;
        return;
    }
    if ((c->flags & CONN_PUBSUB) && c->resp == 2 && !allowed_when_subscribed(cmd)) {
        flag_transaction(c);
        reply_errorf(&c->out,
                     "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / "
                     "QUIT / RESET are allowed in this context",
                     cmd->fullname);
        cmd->rejected_calls++;
        srv->stat.total_error_replies++;
        return;
    }
    if (repl_refuses_stale(c, cmd)) {
        reject_exec_aware(c, cmd, REPL_MASTERDOWN_ERR);
        return;
    }
    if (client_pause_postpones(c, cmd))
        return; /* run again when the pause ends (conn_process_input) */
    if (c->flags & CONN_MULTI) {
        if (cmd->flags & CMD_NO_MULTI) {
            flag_transaction(c);
            reply_error(&c->out, "ERR Command not allowed inside a transaction");
            cmd->rejected_calls++;
            srv->stat.total_error_replies++;
            return;
        }
        if (!is_tx_control(cmd)) {
            c->cmd = cmd;
            multi_queue(c);
            reply_simple(&c->out, "QUEUED");
            return;
        }
    }
    command_call(c, cmd);
}

void reply_help(struct conn *c, const char *const *lines)
{
    const struct command *cmd = c->cmd && c->cmd->parent ? c->cmd->parent : c->cmd;
    char upper[64];
    size_t i;
    for (i = 0; cmd && cmd->fullname[i] && i + 1 < sizeof(upper); i++)
        upper[i] = (char)toupper((unsigned char)cmd->fullname[i]);
    upper[i] = '\0';
    long n = 0;
    while (lines[n])
        n++;
    reply_array(&c->out, n + 3);
    char head[128];
    snprintf(head, sizeof(head), "%s <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
             upper);
    reply_simple(&c->out, head);
    for (long k = 0; k < n; k++)
        reply_simple(&c->out, lines[k]);
    reply_simple(&c->out, "HELP");
    reply_simple(&c->out, "    Prints this help.");
}

int arg_ll_or_reply(struct conn *c, int i, long long *out)
{
    if (!util_str_to_ll(c->argv[i].ptr, c->argv[i].len, out)) {
        reply_error(&c->out, "ERR value is not an integer or out of range");
        return -1;
    }
    return 0;
}

int scan_cursor_or_reply(struct conn *c, const struct util_arg *a, uint64_t *out)
{
    /* strtoull's reading: a sign and leading zeros taken, a negative cursor
     * wraps; it stops at a NUL as Redis's C string does; no leading space,
     * nothing after the number. */
    char *end;
    errno = 0;
    unsigned long long v = strtoull(a->ptr, &end, 10);
    if (isspace((unsigned char)a->ptr[0]) || *end != '\0' || errno == ERANGE) {
        reply_error(&c->out, "ERR invalid cursor");
        return -1;
    }
    *out = v;
    return 0;
}

int scan_opts_or_reply(struct conn *c, int first, bool allow_novalues, struct scan_opts *o)
{
    o->count = 10;
    o->pat = NULL;
    o->novalues = false;
    for (int j = first; j < c->argc;) {
        const struct util_arg *a = &c->argv[j];
        bool has_arg = j + 1 < c->argc;
        if (util_eq_nocase(a->ptr, a->len, "count") && has_arg) {
            if (arg_ll_or_reply(c, j + 1, &o->count) < 0)
                return -1;
            if (o->count < 1) {
                reply_syntax_error(c);
                return -1;
            }
            j += 2;
        } else if (util_eq_nocase(a->ptr, a->len, "match") && has_arg) {
            o->pat = &c->argv[j + 1];
            if (o->pat->len == 1 && o->pat->ptr[0] == '*')
                o->pat = NULL;
            j += 2;
        } else if (allow_novalues && util_eq_nocase(a->ptr, a->len, "novalues")) {
            o->novalues = true;
            j++;
        } else {
            reply_syntax_error(c);
            return -1;
        }
    }
    return 0;
}

void reply_scan_empty(struct conn *c)
{
    reply_array(&c->out, 2);
    reply_bulk(&c->out, "0", 1);
    reply_array(&c->out, 0);
}

void command_effect_verbatim(struct conn *c)
{
    struct effect *e = server_effect(c->srv, c->db->id);
    for (int j = 0; j < c->argc; j++)
        effect_arg(e, c->argv[j].ptr, c->argv[j].len);
}
