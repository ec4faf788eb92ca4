/* cmd_acl.h -- the ACL as clients meet it: authentication, the NOAUTH and
 * NOPERM gates of command_dispatch, protected mode, and the ACL command
 * family (handlers are declared in handlers.h).
 *
 * acl.c holds users and rules without knowing connections; this layer
 * binds a connection to its user, writes Redis's replies and ACL LOG
 * entries, and disconnects the clients of a deleted user. */
#ifndef RUNNEL_CMD_ACL_H
#define RUNNEL_CMD_ACL_H

#include <stddef.h>

struct conn;
struct command;
struct server;
struct util_arg;

/* At start-up, after the command table: the default user, requirepass,
 * the config's `user` lines and `rename-command` lines.  0, or -1 with the
 * reason in err (start-up must stop). */
int acl_setup(struct server *srv, char *err, size_t errlen);
void acl_teardown(struct server *srv);

/* A new client: the default user, authenticated when it needs no password. */
void acl_conn_init(struct conn *c);
/* RESET: back to the default user, authenticated only if it is nopass. */
void acl_conn_reset(struct conn *c);
/* The client's user name (CLIENT LIST user=). */
const char *acl_conn_username(const struct conn *c);

/* AUTH / HELLO AUTH: 0 when the credentials are good (the client is now
 * that user), -1 after replying WRONGPASS, counting and logging it. */
int acl_auth_or_reply(struct conn *c, const struct util_arg *user, const struct util_arg *pass);
/* 1 if the client has authenticated (HELLO's NOAUTH check). */
int acl_conn_authenticated(const struct conn *c);

/* command_dispatch's gates, in Redis's order: NOAUTH, then NOPERM.  1
 * when refused, with the error text (no leading '-') in msg; a NOPERM is
 * logged and counted.  The caller replies (EXEC wraps it in EXECABORT). */
int acl_denies(struct conn *c, const struct command *cmd, char *msg, size_t cap);
/* EXEC's re-check of a queued command (permissions may have changed since
 * it was queued): 1 after replying Redis's NOPERM for EXEC. */
int acl_exec_denies_or_reply(struct conn *c, const struct command *cmd);

/* requirepass changed (CONFIG SET): the default user's password. */
void acl_requirepass_changed(struct server *srv);

/* Protected mode: 1 when a TCP client from peer (its "ip" text) must be
 * refused; *msg is Redis's DENIED reply (with CRLF). */
int acl_protected_mode_refuses(const struct server *srv, const char *peer_ip, const char **msg);

#endif
