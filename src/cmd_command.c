/* cmd_command.c -- COMMAND and its subcommands, as Redis 7.0 answers them.
 *
 * Everything comes from the command table (srv->commands): the rows of
 * commands.def give name, arity, flags, key range and ACL categories; the
 * rows of command_docs.def, attached at start-up, give the docs, key specs
 * and tips in the notation command_docs.c emits.
 *
 *   COMMAND / COMMAND INFO     arrays of 10-element entries; a container's
 *                              subcommands nest as entries in its 10th
 *   COMMAND DOCS               map name -> docs; a container's docs end with
 *                              "subcommands" (map fullname -> docs)
 *   COMMAND LIST               full names, subcommands after their parent
 *   COMMAND GETKEYS[ANDFLAGS]  key positions from the key specs
 *
 * Redis lists commands in its dict's order; Runnel uses the table's order
 * (clients and the compat scripts must not rely on either).  Subcommands
 * are one level deep, as in Redis 7.0. */
#include "cmd_command.h"

#include <string.h>

#include "acl.h"
#include "command.h"
#include "command_docs.h"
#include "conn.h"
#include "mem.h"
#include "reply.h"
#include "server.h"
#include "util.h"

/* Command flags COMMAND INFO shows, in Redis's order.  may_replicate,
 * sentinel, only_sentinel and protected are hidden, as in Redis. */
static const struct {
    uint32_t bit;
    const char *name;
} command_flag_names[] = {
    {CMD_WRITE, "write"},
    {CMD_READONLY, "readonly"},
    {CMD_DENYOOM, "denyoom"},
    {CMD_ADMIN, "admin"},
    {CMD_PUBSUB, "pubsub"},
    {CMD_NOSCRIPT, "noscript"},
    {CMD_BLOCKING, "blocking"},
    {CMD_LOADING, "loading"},
    {CMD_STALE, "stale"},
    {CMD_SKIP_MONITOR, "skip_monitor"},
    {CMD_SKIP_SLOWLOG, "skip_slowlog"},
    {CMD_FAST, "fast"},
    {CMD_NO_AUTH, "no_auth"},
    {CMD_NO_MANDATORY_KEYS, "no_mandatory_keys"},
    {CMD_NO_ASYNC_LOADING, "no_async_loading"},
    {CMD_NO_MULTI, "no_multi"},
    {CMD_MOVABLE_KEYS, "movablekeys"},
    {CMD_ALLOW_BUSY, "allow_busy"},
};

#define NCOMMAND_FLAGS (sizeof(command_flag_names) / sizeof(command_flag_names[0]))


/* COMMAND HELP, line by line (Redis's text). */
static const char *const command_help_lines[] = {
    "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "(no subcommand)",
    "    Return details about all Redis commands.",
    "COUNT",
    "    Return the total number of commands in this Redis server.",
    "LIST",
    "    Return a list of all commands in this Redis server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full Redis command.",
    "GETKEYSANDFLAGS <full-command>",
    "    Return the keys and the access flags from a full Redis command.",
    "HELP",
    "    Prints this help.",
};

/* 1 for a command that is not a subcommand. */
static int is_top_level(const struct command *cmd)
{
    return cmd->parent == NULL && strchr(cmd->fullname, '|') == NULL;
}

/* Number of top-level commands (COMMAND COUNT). */
static long count_top_level(const struct server *srv)
{
    long n = 0;

    for (int i = 0; i < srv->ncommands; i++)
        if (is_top_level(&srv->commands[i]))
            n++;
    return n;
}

/* Find a command by the full name COMMAND INFO/DOCS take: "get" or
 * "config|get" (case-insensitive).  As Redis: one level of '|' only, and
 * "get|x" is unknown because GET has no subcommands. */
static struct command *lookup_fullname(struct server *srv, const char *name, size_t len)
{
    const char *bar = memchr(name, '|', len);
    struct command *base;
    size_t blen, slen;

    if (len == 0)
        return NULL;
    if (!bar)
        return command_lookup(srv, name, len);
    blen = (size_t)(bar - name);
    slen = len - blen - 1;
    if (memchr(bar + 1, '|', slen))
        return NULL;
    base = command_lookup(srv, name, blen);
    if (!base || base->nsubs == 0)
        return NULL;
    return command_lookup_sub(base, bar + 1, slen);
}

/* Append one COMMAND INFO entry (and its subcommands' entries). */
static void reply_command_info(struct reply_buf *r, const struct command *cmd)
{
    uint32_t flags = cmd->flags;
    uint32_t cats = acl_command_categories(cmd);
    long n = 0;

    /* Redis derives movablekeys from the key specs as well. */
    if (command_keyspecs_movable(cmd->keyspecs))
        flags |= CMD_MOVABLE_KEYS;

    reply_array(r, 10);
    reply_bulk_cstr(r, cmd->fullname);
    reply_int(r, cmd->arity);
    for (size_t i = 0; i < NCOMMAND_FLAGS; i++)
        if (flags & command_flag_names[i].bit)
            n++;
    reply_set(r, n);
    for (size_t i = 0; i < NCOMMAND_FLAGS; i++)
        if (flags & command_flag_names[i].bit)
            reply_simple(r, command_flag_names[i].name);
    reply_int(r, cmd->first_key);
    reply_int(r, cmd->last_key);
    reply_int(r, cmd->key_step);

    n = 0;
    for (size_t i = 0; i < ACL_NCATEGORIES; i++)
        if (cats & (1u << i))
            n++;
    reply_set(r, n);
    for (size_t i = 0; i < ACL_NCATEGORIES; i++) {
        if (cats & (1u << i)) {
            char name[32];

            name[0] = '@';
            strcpy(name + 1, acl_category_names[i]);
            reply_simple(r, name);
        }
    }
    command_docs_emit(r, cmd->tips);
    command_docs_emit(r, cmd->keyspecs);
    if (cmd->nsubs == 0) {
        reply_set(r, 0); /* Redis: an empty set when there are none */
        return;
    }
    reply_array(r, cmd->nsubs);
    for (int i = 0; i < cmd->nsubs; i++)
        reply_command_info(r, cmd->subs[i]);
}

/* Append the COMMAND DOCS map of one command, subcommands nested. */
static void reply_command_docs(struct reply_buf *r, const struct command *cmd)
{
    command_docs_emit_map(r, cmd->docs, cmd->nsubs ? 1 : 0);
    if (cmd->nsubs == 0)
        return;
    reply_bulk_cstr(r, "subcommands");
    reply_map(r, cmd->nsubs);
    for (int i = 0; i < cmd->nsubs; i++) {
        reply_bulk_cstr(r, cmd->subs[i]->fullname);
        reply_command_docs(r, cmd->subs[i]);
    }
}

/* COMMAND: every top-level command's COMMAND INFO entry. */
void cmd_command(struct conn *c)
{
    struct server *srv = c->srv;

    reply_array(&c->out, count_top_level(srv));
    for (int i = 0; i < srv->ncommands; i++)
        if (is_top_level(&srv->commands[i]))
            reply_command_info(&c->out, &srv->commands[i]);
}

/* COMMAND COUNT: the number of top-level commands. */
void cmd_command_count(struct conn *c)
{
    reply_int(&c->out, count_top_level(c->srv));
}

/* COMMAND INFO [name ...]: all commands without names; otherwise one entry
 * per name, null for an unknown one. */
void cmd_command_info(struct conn *c)
{
    if (c->argc == 2) {
        cmd_command(c);
        return;
    }
    reply_array(&c->out, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        struct command *cmd = lookup_fullname(c->srv, c->argv[i].ptr, c->argv[i].len);

        if (cmd)
            reply_command_info(&c->out, cmd);
        else
            reply_null(&c->out);
    }
}

/* COMMAND DOCS [name ...]: map name -> docs; unknown names are left out. */
void cmd_command_docs(struct conn *c)
{
    struct server *srv = c->srv;
    long n = 0;

    if (c->argc == 2) {
        reply_map(&c->out, count_top_level(srv));
        for (int i = 0; i < srv->ncommands; i++) {
            const struct command *cmd = &srv->commands[i];

            if (!is_top_level(cmd))
                continue;
            reply_bulk_cstr(&c->out, cmd->fullname);
            reply_command_docs(&c->out, cmd);
        }
        return;
    }
    for (int i = 2; i < c->argc; i++)
        if (lookup_fullname(srv, c->argv[i].ptr, c->argv[i].len))
            n++;
    reply_map(&c->out, n);
    for (int i = 2; i < c->argc; i++) {
        struct command *cmd = lookup_fullname(srv, c->argv[i].ptr, c->argv[i].len);

        if (!cmd)
            continue;
        reply_bulk_cstr(&c->out, cmd->fullname);
        reply_command_docs(&c->out, cmd);
    }
}

/* A COMMAND LIST filter. */
enum list_filter { LIST_ALL, LIST_MODULE, LIST_ACLCAT, LIST_PATTERN };

struct list_query {
    enum list_filter type;
    const struct util_arg *arg;
    uint32_t aclcat; /* LIST_ACLCAT: the category's bit, 0 if unknown */
};

/* 1 if cmd passes the filter. */
static int list_match(const struct list_query *q, const struct command *cmd)
{
    switch (q->type) {
    case LIST_ALL:
        return 1;
    case LIST_MODULE:
        return 0; /* Runnel loads no modules */
    case LIST_ACLCAT:
        return (acl_command_categories(cmd) & q->aclcat) != 0;
    case LIST_PATTERN:
        return util_glob_match(q->arg->ptr, q->arg->len, cmd->fullname,
                               strlen(cmd->fullname), 1);
    }
    return 0;
}

/* Walk the table in COMMAND LIST's order (each parent, then its
 * subcommands), counting matches, and appending them when r is not NULL. */
static long list_walk(struct server *srv, const struct list_query *q, struct reply_buf *r)
{
    long n = 0;

    for (int i = 0; i < srv->ncommands; i++) {
        const struct command *cmd = &srv->commands[i];

        if (!is_top_level(cmd))
            continue;
        if (list_match(q, cmd)) {
            n++;
            if (r)
                reply_bulk_cstr(r, cmd->fullname);
        }
        for (int j = 0; j < cmd->nsubs; j++) {
            if (list_match(q, cmd->subs[j])) {
                n++;
                if (r)
                    reply_bulk_cstr(r, cmd->subs[j]->fullname);
            }
        }
    }
    return n;
}

/* COMMAND LIST [FILTERBY MODULE m | ACLCAT c | PATTERN p].  As Redis, the
 * filter must be the last three words (one filter), anything else is a
 * syntax error; an unknown category or module lists nothing. */
void cmd_command_list(struct conn *c)
{
    struct list_query q = {LIST_ALL, NULL, 0};

    for (int i = 2; i < c->argc; i++) {
        int more = c->argc - 1 - i;

        if (!util_eq_nocase(c->argv[i].ptr, c->argv[i].len, "filterby") || more != 2) {
            reply_syntax_error(c);
            return;
        }
        if (util_eq_nocase(c->argv[i + 1].ptr, c->argv[i + 1].len, "module")) {
            q.type = LIST_MODULE;
        } else if (util_eq_nocase(c->argv[i + 1].ptr, c->argv[i + 1].len, "aclcat")) {
            q.type = LIST_ACLCAT;
        } else if (util_eq_nocase(c->argv[i + 1].ptr, c->argv[i + 1].len, "pattern")) {
            q.type = LIST_PATTERN;
        } else {
            reply_syntax_error(c);
            return;
        }
        q.arg = &c->argv[i + 2];
        i += 2;
    }
    if (q.type == LIST_ACLCAT)
        q.aclcat = acl_category_bit(q.arg->ptr, q.arg->len);
    reply_array(&c->out, list_walk(c->srv, &q, NULL));
    list_walk(c->srv, &q, &c->out);
}

/* COMMAND GETKEYS / GETKEYSANDFLAGS <full command>.  The command is found
 * as the dispatcher would find it (a subcommand when the container has
 * any), then checked in Redis's order: known, has keys, arity. */
static void command_getkeys(struct conn *c, int with_flags)
{
    const struct util_arg *args = c->argv + 2;
    int nargs = c->argc - 2;
    struct command *cmd = command_lookup(c->srv, args[0].ptr, args[0].len);
    struct command_key *keys;
    int n;

    if (cmd && cmd->nsubs && nargs >= 2)
        cmd = command_lookup_sub(cmd, args[1].ptr, args[1].len);
    if (!cmd) {
        reply_error(&c->out, "ERR Invalid command specified");
        return;
    }
    if (!command_has_keys(cmd)) {
        reply_error(&c->out, "ERR The command has no key arguments");
        return;
    }
    if ((cmd->arity > 0 && cmd->arity != nargs) || nargs < -cmd->arity) {
        reply_error(&c->out, "ERR Invalid number of arguments specified for command");
        return;
    }
    n = command_get_keys(cmd, args, nargs, &keys);
    if (n == 0) {
        if (cmd->flags & CMD_NO_MANDATORY_KEYS)
            reply_array(&c->out, 0);
        else
            reply_error(&c->out, "ERR Invalid arguments specified for command");
        return;
    }
    reply_array(&c->out, n);
    for (int i = 0; i < n; i++) {
        const struct util_arg *key = &args[keys[i].pos];

        if (with_flags)
            reply_array(&c->out, 2);
        reply_bulk(&c->out, key->ptr, key->len);
        if (with_flags)
            command_reply_keyspec_flags(&c->out, keys[i].flags);
    }
    mem_free(keys);
}

/* COMMAND GETKEYS <full command>: the keys it would touch. */
void cmd_command_getkeys(struct conn *c)
{
    command_getkeys(c, 0);
}

/* COMMAND GETKEYSANDFLAGS <full command>: keys with their access flags. */
void cmd_command_getkeysandflags(struct conn *c)
{
    command_getkeys(c, 1);
}

/* COMMAND HELP. */
void cmd_command_help(struct conn *c)
{
    size_t n = sizeof(command_help_lines) / sizeof(command_help_lines[0]);

    reply_array(&c->out, (long)n);
    for (size_t i = 0; i < n; i++)
        reply_simple(&c->out, command_help_lines[i]);
}
