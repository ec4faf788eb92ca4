/* acl.h -- users, their rules and the permission checks (Redis 7.0's ACL).
 *
 * A user has flags (on/off, nopass, allkeys, allchannels, allcommands,
 * sanitize-payload), password hashes (SHA-256, hex), a bit per row of the
 * command table (a container's bit stands for "all its subcommands" when
 * set with it, as Redis's), allowed first arguments per command (+select|0),
 * key patterns with read/write permissions and channel patterns.  Rules are
 * Redis's ACL SETUSER words; ACL LIST / GETUSER describe a user back the way
 * Redis 7.0 does: categories picked greedily to approximate the command
 * bits, then single commands to make them exact.
 *
 * The module knows the command table (names, categories) but nothing of
 * sockets, connections or replies: cmd_acl.c turns its results into
 * replies and the ACL LOG's client-info text. */
#ifndef RUNNEL_ACL_H
#define RUNNEL_ACL_H

#include <stddef.h>
#include <stdint.h>

struct command;
struct util_arg;

/* User flags (the first five are shown by ACL LIST / GETUSER). */
#define ACL_USER_ON (1u << 0)
#define ACL_USER_OFF (1u << 1)
#define ACL_USER_NOPASS (1u << 2)
#define ACL_USER_SKIP_SANITIZE (1u << 3)
#define ACL_USER_SANITIZE (1u << 4)
#define ACL_USER_ALLKEYS (1u << 5)
#define ACL_USER_ALLCHANNELS (1u << 6)
#define ACL_USER_ALLCOMMANDS (1u << 7) /* every bit set since +@all (fast path) */
#define ACL_USER_FUTURE (1u << 8)      /* given +@all: ACL LIST starts from +@all */

/* Key pattern permissions (%R~ %W~ %RW~; ~ is both). */
#define ACL_PERM_READ 1u
#define ACL_PERM_WRITE 2u

/* Results of a check, and reasons of ACL LOG entries. */
enum acl_result { ACL_OK = 0, ACL_DENIED_CMD, ACL_DENIED_KEY, ACL_DENIED_AUTH, ACL_DENIED_CHANNEL };

/* Rule errors (acl_strerror gives Redis's text). */
enum acl_rule_error {
    ACL_ERR_UNKNOWN = 1,    /* unknown command or category */
    ACL_ERR_SYNTAX,
    ACL_ERR_KEY_AFTER_ALL,  /* ~pattern after allkeys */
    ACL_ERR_CHAN_AFTER_ALL, /* &pattern after allchannels */
    ACL_ERR_NO_SUCH_PASS,   /* <pass / !hash not set */
    ACL_ERR_BAD_HASH,       /* #hash / !hash not 64 lower-case hex digits */
    ACL_ERR_FIRSTARG_SUB,   /* +cmd|sub|arg */
};

struct acl_pattern {
    char *text;
    size_t len;
    unsigned perms; /* ACL_PERM_* (channels: 0) */
};

struct acl_user {
    char *name;
    size_t name_len;
    unsigned flags;
    char (*pass)[65];   /* hex SHA-256 hashes, in the order added */
    int npass;
    uint8_t *cmd_bits;  /* one bit per command table row */
    char ***firstargs;  /* per row: NULL or a NULL-terminated list */
    struct acl_pattern *keys;
    int nkeys;
    struct acl_pattern *chans;
    int nchans;
};

#define ACL_LOG_CTX_TOPLEVEL 0
#define ACL_LOG_CTX_MULTI 1

struct acl_log_entry {
    long long count;
    enum acl_result reason;
    int context;
    char *object;
    char *username;
    long long ctime_ms;
    char *cinfo;        /* the client's CLIENT LIST line */
};

struct acl {
    const struct command *cmds; /* the command table (srv->commands) */
    int ncmds;
    uint32_t *cats;             /* category bits of each row */
    struct acl_user **users;    /* sorted by name, byte order (ACL USERS) */
    int nusers;
    struct acl_user *default_user;
    struct acl_log_entry *log;  /* newest first */
    int nlog;
    /* INFO stats acl_access_denied_* (Redis 7.2). */
    long long denied_auth, denied_cmd, denied_key, denied_channel;
};

/* Categories in Redis's order (ACL CAT). */
extern const char *const acl_category_names[];
#define ACL_NCATEGORIES 21

/* Build the ACL for a command table: the default user "on nopass ~* &*
 * +@all".  acl_free releases users and log. */
void acl_init(struct acl *acl, const struct command *cmds, int ncmds);
void acl_free(struct acl *acl);

/* Users. */
struct acl_user *acl_user_find(const struct acl *acl, const char *name, size_t len);
/* A new user ("off", no passwords, no keys, no channels, -@all), linked;
 * NULL if the name exists. */
struct acl_user *acl_user_create(struct acl *acl, const char *name, size_t len);
/* An unlinked user (a staging copy for ACL SETUSER): create, copy, free. */
struct acl_user *acl_user_new(const struct acl *acl, const char *name, size_t len);
void acl_user_copy(const struct acl *acl, struct acl_user *dst, const struct acl_user *src);
void acl_user_free(const struct acl *acl, struct acl_user *u);
/* Unlink and free; the caller has moved its clients off the user first. */
void acl_user_delete(struct acl *acl, struct acl_user *u);
/* 1 when names carry spaces or NULs, which Redis refuses. */
int acl_name_invalid(const char *name, size_t len);

/* Apply one rule word; 0 or an enum acl_rule_error. */
int acl_user_apply(const struct acl *acl, struct acl_user *u, const char *rule, size_t len);
const char *acl_strerror(int err);

/* Describe: ACL LIST's line ("user NAME ..."), GETUSER's parts.  Each
 * returns a mem_alloc'd string. */
char *acl_user_describe(const struct acl *acl, const struct acl_user *u);
char *acl_user_commands(const struct acl *acl, const struct acl_user *u);
char *acl_user_keys(const struct acl_user *u);
char *acl_user_channels(const struct acl_user *u);
/* The flag names GETUSER lists; returns the count written to out (<= 5). */
int acl_user_flag_names(const struct acl_user *u, const char **out);

/* The user the credentials name, when enabled and the password matches one
 * of its hashes (compared in constant time) or it is nopass; else NULL. */
struct acl_user *acl_check_credentials(const struct acl *acl, const char *user, size_t ulen,
                                       const char *pass, size_t plen);
/* 1 while the default user makes clients authenticate (a password, or off). */
int acl_auth_required(const struct acl *acl);

/* May u run cmd (row index id) with argv[0..argc)?  Key positions come
 * from command_get_keys.  On a denied key or channel *errpos is its
 * argv index. */
enum acl_result acl_check_command(const struct acl *acl, const struct acl_user *u,
                                  const struct command *cmd, const struct util_arg *argv,
                                  int argc, int *errpos);
/* Key and channel checks alone (pubsub may call the channel one). */
enum acl_result acl_check_key(const struct acl_user *u, const char *key, size_t len,
                              unsigned perms);
enum acl_result acl_check_channel(const struct acl_user *u, const char *chan, size_t len,
                                  int is_pattern);

/* ACL LOG: add (grouping with a recent equal entry, as Redis), reset.
 * object and username are copied; cinfo is taken over (mem_alloc'd). */
void acl_log_add(struct acl *acl, enum acl_result reason, int context, const char *object,
                 size_t olen, const char *username, size_t ulen, char *cinfo, long long now_ms,
                 int max_len);
void acl_log_reset(struct acl *acl);

/* Category bit for a name without '@' (0 if unknown). */
uint32_t acl_category_bit(const char *name, size_t len);
/* The category bits of a command table row's acl string ("@keyspace
 * @write @slow"); COMMAND INFO and the ACL rules both read it. */
uint32_t acl_command_categories(const struct command *cmd);

#endif
