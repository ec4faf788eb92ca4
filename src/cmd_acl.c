/* cmd_acl.c -- authentication, the NOAUTH/NOPERM gates, protected mode and
 * the ACL command family, with Redis 7.0's replies.
 *
 * A connection holds its user (c->user) and CONN_AUTHENTICATED.  A new
 * client is the default user, authenticated when that user is nopass; it
 * must AUTH while the default user has a password or is off (Redis's
 * auth_required).  Deleting a user closes its clients (the one running
 * ACL DELUSER after its reply); turning a user off does not, as in 7.0.
 * SETUSER taking channels away closes the user's subscribers that hold a
 * channel or pattern no longer allowed (Redis's ACLKillPubsubClientsIfNeeded).
 *
 * Every refusal (failed AUTH, denied command, key or channel) is counted
 * for INFO and becomes an ACL LOG entry carrying the client's CLIENT LIST
 * line at that moment. */
#include "cmd_acl.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "acl.h"
#include "command.h"
#include "conn.h"
#include "handlers.h"
#include "log.h"
#include "mem.h"
#include "pubsub.h"
#include "reply.h"
#include "server.h"
#include "util.h"

#define ACL_NOAUTH "NOAUTH Authentication required."
#define ACL_WRONGPASS "WRONGPASS invalid username-password pair or user is disabled."

/* --- set-up ------------------------------------------------------------- */

/* The default user's password from requirepass (Redis's
 * ACLUpdateDefaultUserPassword): resetpass, then >pass or nopass. */
static void apply_requirepass(struct server *srv)
{
    struct acl *acl = srv->acl;
    struct acl_user *d = acl->default_user;
    const char *pw = srv->cfg.requirepass ? srv->cfg.requirepass : "";
    acl_user_apply(acl, d, "resetpass", 9);
    if (pw[0]) {
        size_t n = strlen(pw);
        char *rule = mem_alloc(n + 2);
        rule[0] = '>';
        memcpy(rule + 1, pw, n + 1);
        acl_user_apply(acl, d, rule, n + 1);
        mem_free(rule);
    } else {
        acl_user_apply(acl, d, "nopass", 6);
    }
}

void acl_requirepass_changed(struct server *srv)
{
    apply_requirepass(srv);
}

/* One `user name rule...` line of the config: as Redis's loading, a
 * `user default` line starts the default user over ("reset"). */
static int apply_user_line(struct server *srv, const struct config_line *line, char *err,
                           size_t errlen)
{
    struct acl *acl = srv->acl;
    const struct util_arg *name = &line->argv[0];
    if (acl_name_invalid(name->ptr, name->len)) {
        snprintf(err, errlen, "Error in user declaration '%s': Usernames can't contain spaces "
                              "or null characters", name->ptr);
        return -1;
    }
    struct acl_user *u = acl_user_find(acl, name->ptr, name->len);
    if (u && u != acl->default_user) {
        snprintf(err, errlen, "Error in user declaration '%s': Duplicate user found. A user can "
                              "only be defined once in config files", name->ptr);
        return -1;
    }
    struct acl_user *stage = acl_user_new(acl, name->ptr, name->len);
    if (u)
        acl_user_apply(acl, stage, "reset", 5);
    for (int j = 1; j < line->argc; j++) {
        int e = acl_user_apply(acl, stage, line->argv[j].ptr, line->argv[j].len);
        if (e) {
            snprintf(err, errlen, "Error in user declaration '%s': %s", line->argv[j].ptr,
                     acl_strerror(e));
            acl_user_free(acl, stage);
            return -1;
        }
    }
    if (!u)
        u = acl_user_create(acl, name->ptr, name->len);
    acl_user_copy(acl, u, stage);
    acl_user_free(acl, stage);
    return 0;
}

/* CONFIG REWRITE's `user` lines: every user as ACL LIST shows it. */
static char **rewrite_users(void *opaque, int *n)
{
    struct acl *acl = ((struct server *)opaque)->acl;
    char **lines = mem_alloc(sizeof(*lines) * (size_t)(acl->nusers ? acl->nusers : 1));
    for (int i = 0; i < acl->nusers; i++)
        lines[i] = acl_user_describe(acl, acl->users[i]);
    *n = acl->nusers;
    return lines;
}

int acl_setup(struct server *srv, char *err, size_t errlen)
{
    srv->acl = mem_calloc(sizeof(*srv->acl));
    acl_init(srv->acl, srv->commands, srv->ncommands);
    srv->cfg.rewrite_users = rewrite_users;
    srv->cfg.rewrite_users_opaque = srv;
    apply_requirepass(srv);
    for (int i = 0; i < srv->cfg.users.count; i++)
        if (apply_user_line(srv, &srv->cfg.users.line[i], err, errlen) < 0)
            return -1;
    for (int i = 0; i < srv->cfg.renames.count; i++) {
        const struct config_line *l = &srv->cfg.renames.line[i];
        if (command_rename(srv, &l->argv[0], &l->argv[1], err, errlen) < 0)
            return -1;
    }
    return 0;
}

void acl_teardown(struct server *srv)
{
    if (!srv->acl)
        return;
    acl_free(srv->acl);
    mem_free(srv->acl);
    srv->acl = NULL;
}

/* --- connections -------------------------------------------------------- */

static struct acl_user *conn_user(const struct conn *c)
{
    return c->user ? c->user : c->srv->acl->default_user;
}

void acl_conn_init(struct conn *c)
{
    struct acl_user *d = c->srv->acl->default_user;
    c->user = d;
    if ((d->flags & ACL_USER_NOPASS) && (d->flags & ACL_USER_ON))
        c->flags |= CONN_AUTHENTICATED;
    else
        c->flags &= ~CONN_AUTHENTICATED;
}

void acl_conn_reset(struct conn *c)
{
    acl_conn_init(c);
}

const char *acl_conn_username(const struct conn *c)
{
    if (!c->srv->acl)
        return "default";
    return conn_user(c)->name;
}

int acl_conn_authenticated(const struct conn *c)
{
    return (c->flags & CONN_AUTHENTICATED) != 0;
}

static int log_context(const struct conn *c)
{
    return (c->flags & (CONN_MULTI | CONN_IN_EXEC)) ? ACL_LOG_CTX_MULTI : ACL_LOG_CTX_TOPLEVEL;
}

static void log_denial(struct conn *c, enum acl_result reason, int context, const char *object,
                       size_t olen, const char *user, size_t ulen)
{
    struct server *srv = c->srv;
    char *cinfo = conn_info_line(c, server_mstime(srv));
    acl_log_add(srv->acl, reason, context, object, olen, user, ulen, cinfo, server_mstime(srv),
                (int)srv->cfg.acllog_max_len);
}

int acl_auth_or_reply(struct conn *c, const struct util_arg *user, const struct util_arg *pass)
{
    struct acl_user *u =
        acl_check_credentials(c->srv->acl, user->ptr, user->len, pass->ptr, pass->len);
    if (u) {
        c->user = u;
        c->flags |= CONN_AUTHENTICATED;
        return 0;
    }
    /* The object of an auth entry is the command as the client typed it. */
    const char *object = c->argc ? c->argv[0].ptr : "auth";
    size_t olen = c->argc ? c->argv[0].len : 4;
    log_denial(c, ACL_DENIED_AUTH, log_context(c), object, olen, user->ptr, user->len);
    log_verbose("Failed authentication for user '%.64s' from %s", user->ptr, c->addr);
    reply_error(&c->out, ACL_WRONGPASS);
    return -1;
}

/* Log a NOPERM for reason and write its text to msg (errpos is the denied
 * key's index); in EXEC, Redis's text for rules changed since queueing. */
static void noperm_text(struct conn *c, const struct command *cmd, enum acl_result res,
                        int errpos, int in_exec, char *msg, size_t cap)
{
    struct acl_user *u = conn_user(c);
    const char *object = cmd->fullname;
    size_t olen = strlen(object);
    if (res != ACL_DENIED_CMD && errpos >= 0 && errpos < c->argc) {
        object = c->argv[errpos].ptr;
        olen = c->argv[errpos].len;
    }
    log_denial(c, res, in_exec ? ACL_LOG_CTX_MULTI : log_context(c), object, olen, u->name,
               u->name_len);
    if (in_exec) {
        const char *reason = res == ACL_DENIED_CMD ? "no permission to execute the command or "
                                                     "subcommand"
                             : res == ACL_DENIED_KEY ? "no permission to touch the specified keys"
                                                     : "no permission to access one of the "
                                                       "channels used as arguments";
        snprintf(msg, cap,
                 "NOPERM ACLs rules changed between the moment the transaction was accumulated "
                 "and the EXEC call. This command is no longer allowed for the following "
                 "reason: %s",
                 reason);
    } else if (res == ACL_DENIED_CMD) {
        snprintf(msg, cap, "NOPERM this user has no permissions to run the '%s' command",
                 cmd->fullname);
    } else if (res == ACL_DENIED_KEY) {
        snprintf(msg, cap, "NOPERM this user has no permissions to access one of the keys used "
                           "as arguments");
    } else {
        snprintf(msg, cap, "NOPERM this user has no permissions to access one of the channels "
                           "used as arguments");
    }
}

int acl_denies(struct conn *c, const struct command *cmd, char *msg, size_t cap)
{
    struct acl *acl = c->srv->acl;
    if (!acl || (c->flags & CONN_FAKE))
        return 0;
    if (acl_auth_required(acl) && !(c->flags & CONN_AUTHENTICATED) &&
        !(cmd->flags & CMD_NO_AUTH)) {
        snprintf(msg, cap, "%s", ACL_NOAUTH);
        return 1;
    }
    int errpos = -1;
    enum acl_result res = acl_check_command(acl, conn_user(c), cmd, c->argv, c->argc, &errpos);
    if (res == ACL_OK)
        return 0;
    noperm_text(c, cmd, res, errpos, 0, msg, cap);
    return 1;
}

int acl_exec_denies_or_reply(struct conn *c, const struct command *cmd)
{
    struct acl *acl = c->srv->acl;
    if (!acl || (c->flags & CONN_FAKE))
        return 0;
    int errpos = -1;
    enum acl_result res = acl_check_command(acl, conn_user(c), cmd, c->argv, c->argc, &errpos);
    if (res == ACL_OK)
        return 0;
    char msg[512];
    noperm_text(c, cmd, res, errpos, 1, msg, sizeof(msg));
    reply_error(&c->out, msg);
    return 1;
}

/* Redis 7.0's text, word for word (networking.c, clientAcceptHandler). */
static const char protected_mode_msg[] =
    "-DENIED Redis is running in protected mode because protected mode is enabled and no "
    "password is set for the default user. In this mode connections are only accepted from "
    "the loopback interface. If you want to connect from external computers to Redis you may "
    "adopt one of the following solutions: 1) Just disable protected mode sending the command "
    "'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from "
    "the same host the server is running, however MAKE SURE Redis is not publicly accessible "
    "from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) "
    "Alternatively you can just disable the protected mode by editing the Redis configuration "
    "file, and setting the protected mode option to 'no', and then restarting the server. 3) "
    "If you started the server manually just for testing, restart it with the '--protected-mode "
    "no' option. 4) Setup a an authentication password for the default user. NOTE: You only "
    "need to do one of the above things in order for the server to start accepting "
    "connections from the outside.\r\n";

int acl_protected_mode_refuses(const struct server *srv, const char *peer_ip, const char **msg)
{
    /* Redis 7.0 compares the peer's address text: only 127.0.0.1 and ::1
     * count as local (not the rest of 127/8, not ::ffff:127.0.0.1), and
     * an explicit bind does not turn the check off. */
    if (!srv->cfg.protected_mode || !(srv->acl->default_user->flags & ACL_USER_NOPASS))
        return 0;
    if (strcmp(peer_ip, "127.0.0.1") == 0 || strcmp(peer_ip, "::1") == 0)
        return 0;
    *msg = protected_mode_msg;
    return 1;
}

/* --- ACL commands --------------------------------------------------------- */

void cmd_acl_help(struct conn *c)
{
    static const char *const lines[] = {
        "CAT [<category>]",
        "    List all commands that belong to <category>, or all command categories",
        "    when no category is specified.",
        "DELUSER <username> [<username> ...]",
        "    Delete a list of users.",
        "DRYRUN <username> <command> [<arg> ...]",
        "    Returns whether the user can execute the given command without executing the "
        "command.",
        "GETUSER <username>",
        "    Get the user's details.",
        "GENPASS [<bits>]",
        "    Generate a secure 256-bit user password. The optional `bits` argument can",
        "    be used to specify a different size.",
        "LIST",
        "    Show users details in config file format.",
        "LOAD",
        "    Reload users from the ACL file.",
        "LOG [<count> | RESET]",
        "    Show the ACL log entries.",
        "SAVE",
        "    Save the current config to the ACL file.",
        "SETUSER <username> <attribute> [<attribute> ...]",
        "    Create or modify a user with the specified attributes.",
        "USERS",
        "    List all the registered usernames.",
        "WHOAMI",
        "    Return the current connection username.",
        NULL,
    };
    reply_help(c, lines);
}

/* Redis's addReplySubcommandSyntaxError. */
static void reply_sub_syntax(struct conn *c)
{
    char upper[64];
    size_t i;
    for (i = 0; i < c->argv[0].len && i + 1 < sizeof(upper); i++) {
        char ch = c->argv[0].ptr[i];
        upper[i] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 'a' + 'A') : ch;
    }
    upper[i] = '\0';
    reply_errorf(&c->out, "ERR unknown subcommand or wrong number of arguments for '%.128s'. "
                          "Try %s HELP.",
                 c->argv[1].ptr, upper);
}

void cmd_acl_whoami(struct conn *c)
{
    struct acl_user *u = conn_user(c);
    reply_bulk(&c->out, u->name, u->name_len);
}

void cmd_acl_users(struct conn *c)
{
    struct acl *acl = c->srv->acl;
    reply_array(&c->out, acl->nusers);
    for (int i = 0; i < acl->nusers; i++)
        reply_bulk(&c->out, acl->users[i]->name, acl->users[i]->name_len);
}

void cmd_acl_list(struct conn *c)
{
    struct acl *acl = c->srv->acl;
    reply_array(&c->out, acl->nusers);
    for (int i = 0; i < acl->nusers; i++) {
        char *line = acl_user_describe(acl, acl->users[i]);
        reply_bulk_cstr(&c->out, line);
        mem_free(line);
    }
}

struct sub_check {
    const struct acl_user *u;
    int is_pattern;
};

static int sub_denied(const char *name, size_t len, void *ud)
{
    const struct sub_check *k = ud;
    return acl_check_channel(k->u, name, len, k->is_pattern) != ACL_OK;
}

/* Redis 7.0's ACLKillPubsubClientsIfNeeded: when SETUSER takes channels
 * away from a user, its clients subscribed to a channel or pattern it may
 * no longer use are disconnected (after the reply, for the caller). */
static void kill_denied_subscribers(struct conn *self, const struct acl_user *old,
                                    const struct acl_user *next)
{
    if (next->flags & ACL_USER_ALLCHANNELS)
        return;
    /* Nothing was taken away when every old channel pattern is still there. */
    int narrowed = (old->flags & ACL_USER_ALLCHANNELS) != 0;
    for (int i = 0; i < old->nchans && !narrowed; i++) {
        int found = 0;
        for (int j = 0; j < next->nchans && !found; j++)
            found = old->chans[i].len == next->chans[j].len &&
                    memcmp(old->chans[i].text, next->chans[j].text, old->chans[i].len) == 0;
        narrowed = !found;
    }
    if (!narrowed)
        return;
    for (struct conn *o = self->srv->clients; o; o = o->next) {
        if (o->user != old || !(o->flags & CONN_PUBSUB))
            continue;
        struct sub_check pat = {next, 1}, chan = {next, 0};
        if (pubsub_client_any(o, PUBSUB_PATTERN, sub_denied, &pat) ||
            pubsub_client_any(o, PUBSUB_CHANNEL, sub_denied, &chan) ||
            pubsub_client_any(o, PUBSUB_SHARD, sub_denied, &chan)) {
            if (o == self)
                o->flags |= CONN_CLOSE_AFTER_REPLY;
            else
                conn_close_asap(o);
        }
    }
}

void cmd_acl_setuser(struct conn *c)
{
    struct acl *acl = c->srv->acl;
    const struct util_arg *name = &c->argv[2];
    if (acl_name_invalid(name->ptr, name->len)) {
        reply_error(&c->out, "ERR Usernames can't contain spaces or null characters");
        return;
    }
    /* All rules or none: they are applied to a copy first. */
    struct acl_user *u = acl_user_find(acl, name->ptr, name->len);
    struct acl_user *stage = acl_user_new(acl, name->ptr, name->len);
    if (u)
        acl_user_copy(acl, stage, u);
    for (int j = 3; j < c->argc; j++) {
        int e = acl_user_apply(acl, stage, c->argv[j].ptr, c->argv[j].len);
        if (e) {
            reply_errorf(&c->out, "ERR Error in ACL SETUSER modifier '%s': %s", c->argv[j].ptr,
                         acl_strerror(e));
            acl_user_free(acl, stage);
            return;
        }
    }
    if (u)
        kill_denied_subscribers(c, u, stage);
    else
        u = acl_user_create(acl, name->ptr, name->len);
    acl_user_copy(acl, u, stage);
    acl_user_free(acl, stage);
    reply_ok(&c->out);
}

/* Clients authenticated as u go: the one running the command after its
 * reply, the others at once.  They are moved to the default user first,
 * unauthenticated, so nothing can act as a freed user. */
static void kill_clients_of(struct server *srv, struct conn *self, struct acl_user *u)
{
    for (struct conn *o = srv->clients; o; o = o->next) {
        if (o->user != u)
            continue;
        o->user = srv->acl->default_user;
        o->flags &= ~CONN_AUTHENTICATED;
        if (o == self)
            o->flags |= CONN_CLOSE_AFTER_REPLY;
        else
            conn_close_asap(o);
    }
}

void cmd_acl_deluser(struct conn *c)
{
    struct acl *acl = c->srv->acl;
    for (int j = 2; j < c->argc; j++) {
        if (strcmp(c->argv[j].ptr, "default") == 0) {
            reply_error(&c->out, "ERR The 'default' user cannot be removed");
            return;
        }
    }
    long long deleted = 0;
    for (int j = 2; j < c->argc; j++) {
        struct acl_user *u = acl_user_find(acl, c->argv[j].ptr, c->argv[j].len);
        if (!u)
            continue;
        kill_clients_of(c->srv, c, u);
        acl_user_delete(acl, u);
        deleted++;
    }
    reply_int(&c->out, deleted);
}

void cmd_acl_getuser(struct conn *c)
{
    struct acl *acl = c->srv->acl;
    struct acl_user *u = acl_user_find(acl, c->argv[2].ptr, c->argv[2].len);
    if (!u) {
        reply_null(&c->out);
        return;
    }
    const char *flags[5];
    int nf = acl_user_flag_names(u, flags);
    reply_map(&c->out, 6);
    reply_bulk_cstr(&c->out, "flags");
    reply_set(&c->out, nf);
    for (int i = 0; i < nf; i++)
        reply_bulk_cstr(&c->out, flags[i]);
    reply_bulk_cstr(&c->out, "passwords");
    reply_array(&c->out, u->npass);
    for (int i = 0; i < u->npass; i++)
        reply_bulk(&c->out, u->pass[i], 64);
    char *s = acl_user_commands(acl, u);
    reply_bulk_cstr(&c->out, "commands");
    reply_bulk_cstr(&c->out, s);
    mem_free(s);
    s = acl_user_keys(u);
    reply_bulk_cstr(&c->out, "keys");
    reply_bulk_cstr(&c->out, s);
    mem_free(s);
    s = acl_user_channels(u);
    reply_bulk_cstr(&c->out, "channels");
    reply_bulk_cstr(&c->out, s);
    mem_free(s);
    reply_bulk_cstr(&c->out, "selectors");
    reply_array(&c->out, 0);
}

void cmd_acl_cat(struct conn *c)
{
    struct acl *acl = c->srv->acl;
    if (c->argc > 3) {
        reply_sub_syntax(c);
        return;
    }
    if (c->argc == 2) {
        reply_array(&c->out, ACL_NCATEGORIES);
        for (int i = 0; i < ACL_NCATEGORIES; i++)
            reply_bulk_cstr(&c->out, acl_category_names[i]);
        return;
    }
    uint32_t cat = acl_category_bit(c->argv[2].ptr, c->argv[2].len);
    if (!cat) {
        reply_errorf(&c->out, "ERR Unknown category '%.128s'", c->argv[2].ptr);
        return;
    }
    long n = 0;
    for (int i = 0; i < acl->ncmds; i++)
        n += (acl->cats[i] & cat) != 0;
    reply_array(&c->out, n);
    for (int i = 0; i < acl->ncmds; i++)
        if (acl->cats[i] & cat)
            reply_bulk_cstr(&c->out, acl->cmds[i].fullname);
}

void cmd_acl_log(struct conn *c)
{
    struct acl *acl = c->srv->acl;
    long long count = 10;
    if (c->argc > 3) {
        reply_sub_syntax(c);
        return;
    }
    if (c->argc == 3) {
        if (util_eq_nocase(c->argv[2].ptr, c->argv[2].len, "reset")) {
            acl_log_reset(acl);
            reply_ok(&c->out);
            return;
        }
        if (arg_ll_or_reply(c, 2, &count) < 0)
            return;
        if (count < 0)
            count = 0;
    }
    long n = count < acl->nlog ? (long)count : acl->nlog;
    long long now = server_mstime(c->srv);
    static const char *const reasons[] = {"", "command", "key", "auth", "channel"};
    reply_array(&c->out, n);
    for (long i = 0; i < n; i++) {
        const struct acl_log_entry *e = &acl->log[i];
        reply_map(&c->out, 7);
        reply_bulk_cstr(&c->out, "count");
        reply_int(&c->out, e->count);
        reply_bulk_cstr(&c->out, "reason");
        reply_bulk_cstr(&c->out, reasons[e->reason]);
        reply_bulk_cstr(&c->out, "context");
        reply_bulk_cstr(&c->out, e->context == ACL_LOG_CTX_MULTI ? "multi" : "toplevel");
        reply_bulk_cstr(&c->out, "object");
        reply_bulk_cstr(&c->out, e->object);
        reply_bulk_cstr(&c->out, "username");
        reply_bulk_cstr(&c->out, e->username);
        reply_bulk_cstr(&c->out, "age-seconds");
        reply_double(&c->out, (double)(now - e->ctime_ms) / 1000.0);
        reply_bulk_cstr(&c->out, "client-info");
        reply_bulk_cstr(&c->out, e->cinfo);
    }
}

void cmd_acl_genpass(struct conn *c)
{
    long long bits = 256;
    if (c->argc > 3) {
        reply_sub_syntax(c);
        return;
    }
    if (c->argc == 3 && arg_ll_or_reply(c, 2, &bits) < 0)
        return;
    if (bits <= 0 || bits > 4096) {
        reply_error(&c->out, "ERR ACL GENPASS argument must be the number of bits for the output "
                             "password, a positive number up to 4096");
        return;
    }
    size_t chars = (size_t)(bits + 3) / 4;
    unsigned char raw[512];
    size_t need = (chars + 1) / 2;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, raw, need) : -1;
    if (fd >= 0)
        close(fd);
    if (got != (ssize_t)need) {
        reply_error(&c->out, "ERR can't read random bytes");
        return;
    }
    static const char hex[] = "0123456789abcdef";
    char out[1025];
    for (size_t i = 0; i < chars; i++)
        out[i] = hex[(raw[i / 2] >> ((i & 1) ? 0 : 4)) & 15];
    reply_bulk(&c->out, out, chars);
}

void cmd_acl_dryrun(struct conn *c)
{
    struct server *srv = c->srv;
    struct acl_user *u = acl_user_find(srv->acl, c->argv[2].ptr, c->argv[2].len);
    if (!u) {
        reply_errorf(&c->out, "ERR User '%.128s' not found", c->argv[2].ptr);
        return;
    }
    const struct util_arg *args = c->argv + 3;
    int nargs = c->argc - 3;
    struct command *cmd = command_lookup_client(srv, args[0].ptr, args[0].len);
    if (cmd && cmd->nsubs && nargs >= 2)
        cmd = command_lookup_sub(cmd, args[1].ptr, args[1].len);
    if (!cmd) {
        reply_errorf(&c->out, "ERR Command '%.128s' not found", args[0].ptr);
        return;
    }
    if ((cmd->arity > 0 && cmd->arity != nargs) || nargs < -cmd->arity) {
        reply_wrong_arity(c, cmd);
        return;
    }
    int errpos = -1;
    enum acl_result res = acl_check_command(srv->acl, u, cmd, args, nargs, &errpos);
    if (res == ACL_OK) {
        reply_ok(&c->out);
        return;
    }
    char msg[512];
    if (res == ACL_DENIED_CMD)
        snprintf(msg, sizeof(msg), "This user has no permissions to run the '%s' command",
                 cmd->fullname);
    else
        snprintf(msg, sizeof(msg), "This user has no permissions to access the '%.300s' %s",
                 errpos >= 0 ? args[errpos].ptr : "", res == ACL_DENIED_KEY ? "key" : "channel");
    reply_bulk_cstr(&c->out, msg);
}

/* ACL LOAD / SAVE: Runnel has no aclfile, so Redis's answer for a server
 * configured without one. */
void cmd_acl_load(struct conn *c)
{
    reply_error(&c->out, "ERR This Redis instance is not configured to use an ACL file. You may "
                         "want to specify users via the ACL SETUSER command and then issue a "
                         "CONFIG REWRITE (assuming you have a Redis configuration file set) in "
                         "order to store users in the Redis configuration.");
}

void cmd_acl_save(struct conn *c)
{
    cmd_acl_load(c);
}
