/* cmd_connection.c -- connection commands: PING, ECHO, QUIT, HELLO,
 * SELECT, AUTH, RESET and the CLIENT family. */
#include <stdio.h>
#include <string.h>

#include "acl.h"
#include "block.h"
#include "cmd_acl.h"
#include "command.h"
#include "conn.h"
#include "handlers.h"
#include "mem.h"
#include "observe.h"
#include "multi.h"
#include "pubsub.h"
#include "repl.h"
#include "server.h"
#include "util.h"
#include "version.h"

void cmd_ping(struct conn *c)
{
    if (c->argc > 2) {
        reply_wrong_arity(c, c->cmd);
        return;
    }
    if ((c->flags & CONN_PUBSUB) && c->resp == 2) {
        /* RESP2 subscribed mode: ["pong", message or ""], as Redis. */
        reply_array(&c->out, 2);
        reply_bulk(&c->out, "pong", 4);
        reply_bulk(&c->out, c->argc == 2 ? c->argv[1].ptr : "", c->argc == 2 ? c->argv[1].len : 0);
    } else if (c->argc == 1) {
        reply_simple(&c->out, "PONG");
    } else {
        reply_bulk(&c->out, c->argv[1].ptr, c->argv[1].len);
    }
}

void cmd_echo(struct conn *c)
{
    reply_bulk(&c->out, c->argv[1].ptr, c->argv[1].len);
}

void cmd_quit(struct conn *c)
{
    reply_ok(&c->out);
    c->flags |= CONN_CLOSE_AFTER_REPLY;
}

void cmd_select(struct conn *c)
{
    long long id;
    if (!util_str_to_ll(c->argv[1].ptr, c->argv[1].len, &id) || id < -2147483648LL ||
        id > 2147483647LL) {
        reply_error(&c->out, "ERR value is not an integer or out of range");
        return;
    }
    if (id < 0 || id >= c->srv->ndbs) {
        reply_error(&c->out, "ERR DB index is out of range");
        return;
    }
    c->db = &c->srv->dbs[id];
    reply_ok(&c->out);
}

/* AUTH [username] password, as Redis 7.0's authCommand: the one-argument
 * form is the default user's, and an error while it needs no password. */
void cmd_auth(struct conn *c)
{
    if (c->argc > 3) {
        reply_syntax_error(c);
        return;
    }
    if (c->argc == 2) {
        if (c->srv->acl->default_user->flags & ACL_USER_NOPASS) {
            reply_error(&c->out, "ERR AUTH <password> called without any password configured "
                                 "for the default user. Are you sure your configuration is "
                                 "correct?");
            return;
        }
        const struct util_arg user = {(char *)"default", 7};
        if (acl_auth_or_reply(c, &user, &c->argv[1]) == 0)
            reply_ok(&c->out);
        return;
    }
    if (acl_auth_or_reply(c, &c->argv[1], &c->argv[2]) == 0)
        reply_ok(&c->out);
}

/* Client names and library fields: printable ASCII without spaces. */
static int valid_client_word(const struct util_arg *a)
{
    for (size_t i = 0; i < a->len; i++) {
        unsigned char ch = (unsigned char)a->ptr[i];
        if (ch < '!' || ch > '~')
            return 0;
    }
    return 1;
}

static int set_name_or_reply(struct conn *c, const struct util_arg *a)
{
    if (!valid_client_word(a)) {
        reply_error(&c->out,
                    "ERR Client names cannot contain spaces, newlines or special characters.");
        return -1;
    }
    mem_free(c->name);
    c->name = a->len ? mem_strndup(a->ptr, a->len) : NULL;
    return 0;
}

void cmd_hello(struct conn *c)
{
    long long ver = 0;
    int next = 1;
    if (c->argc >= 2) {
        if (!util_str_to_ll(c->argv[1].ptr, c->argv[1].len, &ver)) {
            reply_error(&c->out, "ERR Protocol version is not an integer or out of range");
            return;
        }
        next = 2;
        if (ver < 2 || ver > 3) {
            reply_error(&c->out, "NOPROTO unsupported protocol version");
            return;
        }
    }
    const struct util_arg *setname = NULL;
    for (int j = next; j < c->argc; j++) {
        int more = c->argc - j - 1;
        const char *opt = c->argv[j].ptr;
        if (util_eq_nocase(opt, c->argv[j].len, "AUTH") && more >= 2) {
            /* Redis 7.0 authenticates as it meets the option, so a later
             * syntax error leaves the client authenticated. */
            if (acl_auth_or_reply(c, &c->argv[j + 1], &c->argv[j + 2]) < 0)
                return;
            j += 2;
        } else if (util_eq_nocase(opt, c->argv[j].len, "SETNAME") && more >= 1) {
            setname = &c->argv[j + 1];
            j++;
        } else {
            reply_errorf(&c->out, "ERR Syntax error in HELLO option '%.128s'", opt);
            return;
        }
    }
    if (!acl_conn_authenticated(c)) {
        reply_error(&c->out, "NOAUTH HELLO must be called with the client already authenticated, "
                             "otherwise the HELLO AUTH <user> <pass> option can be used to "
                             "authenticate the client and select the RESP protocol version at "
                             "the same time");
        return;
    }
    if (setname && set_name_or_reply(c, setname) < 0)
        return;
    if (ver)
        c->resp = c->out.proto = (int)ver;
    reply_map(&c->out, 7);
    reply_bulk_cstr(&c->out, "server");
    reply_bulk_cstr(&c->out, "redis");
    reply_bulk_cstr(&c->out, "version");
    reply_bulk_cstr(&c->out, RUNNEL_REDIS_VERSION);
    reply_bulk_cstr(&c->out, "proto");
    reply_int(&c->out, c->resp);
    reply_bulk_cstr(&c->out, "id");
    reply_int(&c->out, (long long)c->id);
    reply_bulk_cstr(&c->out, "mode");
    reply_bulk_cstr(&c->out, "standalone");
    reply_bulk_cstr(&c->out, "role");
    reply_bulk_cstr(&c->out, "master");
    reply_bulk_cstr(&c->out, "modules");
    reply_array(&c->out, 0);
}

void cmd_reset(struct conn *c)
{
    if (c->flags & CONN_MULTI) {
        multi_reset_queue(&c->multi);
        c->flags &= ~(CONN_MULTI | CONN_DIRTY_EXEC);
    }
    multi_unwatch_all(c);
    pubsub_client_free(c); /* no unsubscribe messages (Redis's clearClientConnectionState) */
    observe_monitor_remove(c);
    c->db = &c->srv->dbs[0];
    c->resp = c->out.proto = 2;
    mem_free(c->name);
    c->name = NULL;
    c->reply_mode = REPLY_ON;
    acl_conn_reset(c);
    reply_simple(&c->out, "RESET");
}

/* --- CLIENT ------------------------------------------------------------ */

void cmd_client_help(struct conn *c)
{
    static const char *const lines[] = {
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "    * ID <client-id>",
        "      Kill connections by client id.",
        "    * MAXAGE <maxage>",
        "      Kill connections older than the specified age.",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "    * ID <client-id> [<client-id> ...]",
        "      Return clients of specified IDs only.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "SETINFO <option> <value>",
        "    Set client meta attr. Options are:",
        "    * LIB-NAME: the client lib name.",
        "    * LIB-VER: the client lib version.",
        NULL,
    };
    reply_help(c, lines);
}

void cmd_client_id(struct conn *c)
{
    reply_int(&c->out, (long long)c->id);
}

void cmd_client_getname(struct conn *c)
{
    if (c->name)
        reply_bulk_cstr(&c->out, c->name);
    else
        reply_null(&c->out);
}

void cmd_client_setname(struct conn *c)
{
    if (set_name_or_reply(c, &c->argv[2]) == 0)
        reply_ok(&c->out);
}

void cmd_client_setinfo(struct conn *c)
{
    const struct util_arg *opt = &c->argv[2];
    const struct util_arg *val = &c->argv[3];
    char **slot;
    const char *what;
    if (util_eq_nocase(opt->ptr, opt->len, "lib-name")) {
        slot = &c->lib_name;
        what = "lib-name";
    } else if (util_eq_nocase(opt->ptr, opt->len, "lib-ver")) {
        slot = &c->lib_ver;
        what = "lib-ver";
    } else {
        reply_errorf(&c->out, "ERR Unrecognized option '%.128s'", opt->ptr);
        return;
    }
    if (!valid_client_word(val)) {
        reply_errorf(&c->out, "ERR %s cannot contain spaces, newlines or special characters.",
                     what);
        return;
    }
    mem_free(*slot);
    *slot = val->len ? mem_strndup(val->ptr, val->len) : NULL;
    reply_ok(&c->out);
}

void cmd_client_info(struct conn *c)
{
    char *line = conn_info_line(c, server_mstime(c->srv));
    size_t n = strlen(line);
    line = mem_realloc(line, n + 2);
    line[n] = '\n';
    line[n + 1] = '\0';
    reply_verbatim(&c->out, line, n + 1, "txt");
    mem_free(line);
}

enum client_type { CLIENT_TYPE_NORMAL, CLIENT_TYPE_REPLICA, CLIENT_TYPE_PUBSUB,
                   CLIENT_TYPE_MASTER, CLIENT_TYPE_BAD };

/* A subscribed client is of type pubsub (Redis's getClientType). */
static enum client_type client_type_of(const struct conn *o)
{
    if (o->flags & CONN_MASTER)
        return CLIENT_TYPE_MASTER;
    if (o->repl_peer)
        return CLIENT_TYPE_REPLICA;
    return (o->flags & CONN_PUBSUB) ? CLIENT_TYPE_PUBSUB : CLIENT_TYPE_NORMAL;
}

static enum client_type parse_client_type(const struct util_arg *a)
{
    if (util_eq_nocase(a->ptr, a->len, "normal"))
        return CLIENT_TYPE_NORMAL;
    if (util_eq_nocase(a->ptr, a->len, "replica") || util_eq_nocase(a->ptr, a->len, "slave"))
        return CLIENT_TYPE_REPLICA;
    if (util_eq_nocase(a->ptr, a->len, "pubsub"))
        return CLIENT_TYPE_PUBSUB;
    if (util_eq_nocase(a->ptr, a->len, "master"))
        return CLIENT_TYPE_MASTER;
    return CLIENT_TYPE_BAD;
}

/* One CLIENT LIST line for o, if it passes the TYPE or ID filter. */
static void client_list_add(struct reply_buf *text, struct conn *o, enum client_type type,
                            const long long *ids, int nids, long long now)
{
    if (type != CLIENT_TYPE_BAD && type != client_type_of(o))
        return;
    if (nids) {
        int found = 0;
        for (int k = 0; k < nids; k++)
            if ((uint64_t)ids[k] == o->id)
                found = 1;
        if (!found)
            return;
    }
    char *line = conn_info_line(o, now);
    reply_raw(text, line, strlen(line));
    reply_raw(text, "\n", 1);
    mem_free(line);
}

void cmd_client_list(struct conn *c)
{
    enum client_type type = CLIENT_TYPE_BAD;
    long long *ids = NULL;
    int nids = 0;
    if (c->argc == 4 && util_eq_nocase(c->argv[2].ptr, c->argv[2].len, "type")) {
        type = parse_client_type(&c->argv[3]);
        if (type == CLIENT_TYPE_BAD) {
            reply_errorf(&c->out, "ERR Unknown client type '%.128s'", c->argv[3].ptr);
            return;
        }
    } else if (c->argc > 3 && util_eq_nocase(c->argv[2].ptr, c->argv[2].len, "id")) {
        ids = mem_alloc(sizeof(*ids) * (size_t)(c->argc - 3));
        for (int j = 3; j < c->argc; j++) {
            long long id;
            if (!util_str_to_ll(c->argv[j].ptr, c->argv[j].len, &id) || id <= 0) {
                reply_error(&c->out, "ERR Invalid client ID");
                mem_free(ids);
                return;
            }
            ids[nids++] = id;
        }
    } else if (c->argc != 2) {
        reply_syntax_error(c);
        return;
    }
    struct reply_buf text;
    reply_init(&text, 2);
    long long now = server_mstime(c->srv);
    /* Redis lists the oldest client first; the list is newest first. */
    struct conn *last = c->srv->clients;
    while (last && last->next)
        last = last->next;
    /* The master's link is no member of the list: it goes where its id
     * (its age) puts it, as Redis appends its master client when made. */
    struct conn *mc = repl_master_client(c->srv);
    for (struct conn *o = last; o; o = o->prev) {
        if (mc && o->id > mc->id) {
            client_list_add(&text, mc, type, ids, nids, now);
            mc = NULL;
        }
        client_list_add(&text, o, type, ids, nids, now);
    }
    if (mc)
        client_list_add(&text, mc, type, ids, nids, now);
    reply_verbatim(&c->out, text.buf ? text.buf : "", text.len, "txt");
    reply_free(&text);
    mem_free(ids);
}

void cmd_client_reply(struct conn *c)
{
    const struct util_arg *a = &c->argv[2];
    if (util_eq_nocase(a->ptr, a->len, "on")) {
        c->reply_mode = REPLY_ON;
        reply_ok(&c->out);
    } else if (util_eq_nocase(a->ptr, a->len, "off")) {
        c->reply_mode = REPLY_OFF;
    } else if (util_eq_nocase(a->ptr, a->len, "skip")) {
        if (c->reply_mode != REPLY_OFF)
            c->reply_mode = REPLY_SKIP_NEXT;
    } else {
        reply_syntax_error(c);
    }
}

/* CLIENT KILL's filters (ADDR, LADDR, ID, USER, TYPE, MAXAGE) on o. */
static int client_kill_matches(const struct conn *o, const char *addr, const char *laddr,
                               long long id, const struct acl_user *kuser,
                               enum client_type type, long long maxage, long long now)
{
    if (addr && strcmp(o->addr, addr) != 0)
        return 0;
    if (laddr && strcmp(o->laddr, laddr) != 0)
        return 0;
    if (id && o->id != (uint64_t)id)
        return 0;
    if (kuser && o->user != kuser)
        return 0;
    if (type != CLIENT_TYPE_BAD && type != client_type_of(o))
        return 0;
    if (maxage && (now - o->ctime_ms) / 1000 < maxage)
        return 0;
    return 1;
}

/* CLIENT KILL addr (old form: OK or "No such client") or
 * CLIENT KILL <filter> <value> ... (new form: the number killed). */
void cmd_client_kill(struct conn *c)
{
    const char *addr = NULL, *laddr = NULL;
    long long id = 0, maxage = 0;
    enum client_type type = CLIENT_TYPE_BAD;
    const char *user = NULL;
    int skipme = 1, old_form = 0;
    if (c->argc == 3) {
        addr = c->argv[2].ptr;
        skipme = 0;
        old_form = 1;
    } else if (c->argc % 2 != 0) {
        reply_syntax_error(c);
        return;
    } else {
        for (int j = 2; j < c->argc; j += 2) {
            const struct util_arg *o = &c->argv[j], *v = &c->argv[j + 1];
            if (util_eq_nocase(o->ptr, o->len, "id")) {
                if (!util_str_to_ll(v->ptr, v->len, &id) || id <= 0) {
                    reply_error(&c->out, "ERR client-id should be greater than 0");
                    return;
                }
            } else if (util_eq_nocase(o->ptr, o->len, "type")) {
                type = parse_client_type(v);
                if (type == CLIENT_TYPE_BAD) {
                    reply_errorf(&c->out, "ERR Unknown client type '%.128s'", v->ptr);
                    return;
                }
            } else if (util_eq_nocase(o->ptr, o->len, "addr")) {
                addr = v->ptr;
            } else if (util_eq_nocase(o->ptr, o->len, "laddr")) {
                laddr = v->ptr;
            } else if (util_eq_nocase(o->ptr, o->len, "user")) {
                user = v->ptr;
            } else if (util_eq_nocase(o->ptr, o->len, "skipme")) {
                if (util_eq_nocase(v->ptr, v->len, "yes"))
                    skipme = 1;
                else if (util_eq_nocase(v->ptr, v->len, "no"))
                    skipme = 0;
                else {
                    reply_syntax_error(c);
                    return;
                }
            } else if (util_eq_nocase(o->ptr, o->len, "maxage")) {
                if (!util_str_to_ll(v->ptr, v->len, &maxage) || maxage <= 0) {
                    reply_syntax_error(c);
                    return;
                }
            } else {
                reply_syntax_error(c);
                return;
            }
        }
    }
    const struct acl_user *kuser = NULL;
    if (user) {
        kuser = acl_user_find(c->srv->acl, user, strlen(user));
        if (!kuser) {
            reply_errorf(&c->out, "ERR No such user '%.128s'", user);
            return;
        }
    }
    long long killed = 0;
    long long now = server_mstime(c->srv);
    struct conn *mc = repl_master_client(c->srv);
    if (mc && client_kill_matches(mc, addr, laddr, id, kuser, type, maxage, now)) {
        repl_master_client_kill(c->srv);
        killed++;
    }
    for (struct conn *o = c->srv->clients; o; o = o->next) {
        if (!client_kill_matches(o, addr, laddr, id, kuser, type, maxage, now))
            continue;
        if (o == c && skipme)
            continue;
        if (o == c)
            c->flags |= CONN_CLOSE_AFTER_REPLY; /* reply first, then go */
        else
            conn_close_asap(o);
        killed++;
    }
    if (old_form) {
        if (killed)
            reply_ok(&c->out);
        else
            reply_error(&c->out, "ERR No such client");
    } else {
        reply_int(&c->out, killed);
    }
}

/* CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 if that client was blocked. */
void cmd_client_unblock(struct conn *c)
{
    long long id;
    if (arg_ll_or_reply(c, 2, &id) < 0)
        return;
    enum block_end how = BLOCK_END_TIMEOUT;
    if (c->argc == 4) {
        if (util_eq_nocase(c->argv[3].ptr, c->argv[3].len, "timeout"))
            how = BLOCK_END_TIMEOUT;
        else if (util_eq_nocase(c->argv[3].ptr, c->argv[3].len, "error"))
            how = BLOCK_END_ERROR;
        else {
            reply_error(&c->out, "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            return;
        }
    } else if (c->argc > 4) {
        reply_syntax_error(c);
        return;
    }
    for (struct conn *o = c->srv->clients; o; o = o->next) {
        if (o->id == (uint64_t)id && (o->flags & CONN_BLOCKED)) {
            block_end(o, how);
            reply_int(&c->out, 1);
            return;
        }
    }
    reply_int(&c->out, 0);
}
