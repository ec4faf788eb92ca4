/* command.h -- the command table, lookup, checks and dispatch.
 *
 * Every command is one row of commands.def (an X-macro list), with its
 * handler, arity (Redis's rule: N exactly, -N at least N), flags, key
 * positions, ACL categories and documentation; COMMAND INFO/DOCS/LIST/COUNT
 * answer from it.  Subcommands (CONFIG GET, CLIENT LIST, ...) are rows with
 * a parent, full name "config|get" as Redis names them in errors.
 *
 * command_dispatch() runs one request: lookup, unknown-command and arity
 * errors with Redis's exact text, the MULTI gate (queue instead of run),
 * then the handler; afterwards the server delivers effects and serves
 * ready keys. */
#ifndef RUNNEL_COMMAND_H
#define RUNNEL_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct conn;
struct server;
struct util_arg;

#define CMD_WRITE (1u << 0)
#define CMD_READONLY (1u << 1)
#define CMD_DENYOOM (1u << 2)
#define CMD_ADMIN (1u << 3)
#define CMD_PUBSUB (1u << 4)
#define CMD_NOSCRIPT (1u << 5)
#define CMD_BLOCKING (1u << 6)
#define CMD_LOADING (1u << 7)
#define CMD_STALE (1u << 8)
#define CMD_SKIP_MONITOR (1u << 9)
#define CMD_SKIP_SLOWLOG (1u << 10)
#define CMD_FAST (1u << 11)
#define CMD_NO_AUTH (1u << 12)
#define CMD_MAY_REPLICATE (1u << 13)
#define CMD_SENTINEL (1u << 14)
#define CMD_ONLY_SENTINEL (1u << 15)
#define CMD_NO_MANDATORY_KEYS (1u << 16)
#define CMD_PROTECTED (1u << 17)
#define CMD_NO_ASYNC_LOADING (1u << 18)
#define CMD_NO_MULTI (1u << 19)
#define CMD_MOVABLE_KEYS (1u << 20)
#define CMD_ALLOW_BUSY (1u << 21)
/* Runnel-internal: runs even inside MULTI (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET). */
#define CMD_TX_CONTROL (1u << 30)

typedef void (*command_fn)(struct conn *c);

struct command {
    const char *fullname;   /* lower case; "config|get" for a subcommand */
    command_fn handler;     /* NULL for a container with subcommands only */
    int arity;
    uint32_t flags;
    int first_key, last_key, key_step;
    const char *acl;        /* "@keyspace @write @slow" */
    /* From command_docs.def (NULL when a row has none), in the notation
     * command_docs.c parses. */
    const char *docs;       /* COMMAND DOCS body */
    const char *keyspecs;   /* COMMAND INFO key specs */
    const char *tips;       /* COMMAND INFO tips */

    /* Filled at start-up. */
    const char *name;       /* the part after '|' for a subcommand */
    struct command *parent;
    struct command **subs;
    int nsubs;
    /* Statistics (INFO commandstats). */
    long long calls, usec, rejected_calls, failed_calls;
};

/* Build the table into srv (copies of the static rows, so the statistics
 * are part of the server's state).  -1 (logged) if the docs do not fit. */
int command_table_init(struct server *srv);
void command_table_free(struct server *srv);
/* Lookup by name, case-insensitive; NULL if unknown. */
struct command *command_lookup(struct server *srv, const char *name, size_t len);
struct command *command_lookup_sub(const struct command *parent, const char *name, size_t len);
/* Lookup as clients name commands: rename-command's new names, and not the
 * old ones.  Dispatch and ACL DRYRUN use it; the server's own lookups (AOF
 * replay, ACL rules, COMMAND INFO) keep the table's names. */
struct command *command_lookup_client(struct server *srv, const char *name, size_t len);
/* rename-command from to (to "" disables): 0, or -1 with Redis's reason. */
int command_rename(struct server *srv, const struct util_arg *from, const struct util_arg *to,
                   char *err, size_t errlen);

/* Run the client's current request (c->argc/argv). */
void command_dispatch(struct conn *c);
/* Run an already looked-up command (EXEC does this for its queue). */
void command_call(struct conn *c, struct command *cmd);

/* After a master link's or the AOF loader's command: errors it answered
 * since errors_before (stat.total_error_replies) are counted, logged, and
 * may stop the server per propagation-error-behavior. */
void command_note_source_errors(struct conn *c, long long errors_before, bool master_link);

/* Common replies with Redis's exact texts. */
void reply_wrong_arity(struct conn *c, const struct command *cmd);
void reply_syntax_error(struct conn *c);
/* A HELP reply: Redis's header line for the current command, the given
 * lines (NULL-terminated), then the HELP entry. */
void reply_help(struct conn *c, const char *const *lines);
/* Argument i as a long long, or reply Redis's error and return -1. */
int arg_ll_or_reply(struct conn *c, int i, long long *out);

/* An effect made of the running request's words as they are (a write whose
 * replay is its own request: SADD, HDEL, XGROUP CREATECONSUMER, ...). */
void command_effect_verbatim(struct conn *c);

/* HSCAN/SSCAN's arguments.  The cursor as Redis's parseScanCursorOrReply
 * reads it ("ERR invalid cursor"); then from argv[first] on COUNT n (>= 1,
 * default 10), MATCH pattern (NULL for "*") and, when novalues is not NULL,
 * NOVALUES (Redis 7.4); anything else is a syntax error.  0, or -1 after
 * replying. */
struct scan_opts {
    long long count;
    const struct util_arg *pat;
    bool novalues;
};
int scan_cursor_or_reply(struct conn *c, const struct util_arg *a, uint64_t *out);
int scan_opts_or_reply(struct conn *c, int first, bool allow_novalues, struct scan_opts *o);
/* The reply to a scan of a missing key: cursor 0, no elements. */
void reply_scan_empty(struct conn *c);

#endif
