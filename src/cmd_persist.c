/* cmd_persist.c -- persistence commands: SAVE, BGSAVE, LASTSAVE, DUMP,
 * RESTORE, and DEBUG (RELOAD, OBJECT and the few subcommands test suites
 * use).  Replies and error texts are Redis 7.0's.
 *
 * RESTORE's effect is the RESTORE itself with an absolute TTL (ABSTTL), as
 * Redis propagates it: the payload is the one the client sent, so a replay
 * builds the same object. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aof.h"
#include "command.h"
#include "conn.h"
#include "handlers.h"
#include "log.h"
#include "mem.h"
#include "notify.h"
#include "rdb.h"
#include "server.h"
#include "snapshot.h"
#include "util.h"

/* --- SAVE, BGSAVE, LASTSAVE -------------------------------------------------- */

void cmd_save(struct conn *c)
{
    char err[1024];
    if (snapshot_child_active(c->srv)) {
        reply_error(&c->out, "ERR Background save already in progress");
        return;
    }
    if (snapshot_save(c->srv, err, sizeof(err)) < 0) {
        reply_error(&c->out, "ERR"); /* Redis's shared.err: the log says why */
        return;
    }
    reply_ok(&c->out);
}

void cmd_bgsave(struct conn *c)
{
    int schedule = 0;
    if (c->argc > 2 ||
        (c->argc == 2 && !util_eq_nocase(c->argv[1].ptr, c->argv[1].len, "schedule"))) {
        reply_syntax_error(c);
        return;
    }
    schedule = c->argc == 2;
    /* Inside EXEC a fork would snapshot a half-applied transaction: Redis
     * only schedules it then. */
    if ((c->flags & CONN_IN_EXEC) && !snapshot_child_active(c->srv)) {
        if (schedule) {
            c->srv->snap->bgsave_scheduled = 1;
            reply_simple(&c->out, "Background saving scheduled");
        } else {
            reply_error(&c->out, "ERR Another child process is active (AOF?): can't BGSAVE right "
                                 "now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE "
                                 "whenever possible.");
        }
        return;
    }
    char err[512];
    int rc = snapshot_bgsave(c->srv, schedule, err, sizeof(err));
    if (rc < 0)
        reply_error(&c->out, err);
    else if (rc == 1)
        reply_simple(&c->out, "Background saving scheduled");
    else
        reply_simple(&c->out, "Background saving started");
}

void cmd_lastsave(struct conn *c)
{
    reply_int(&c->out, c->srv->snap->lastsave);
}

/* --- DUMP, RESTORE ------------------------------------------------------------- */

void cmd_dump(struct conn *c)
{
    struct object *o = db_lookup(c->srv, c->db, c->argv[1].ptr, c->argv[1].len, 0);
    if (!o) {
        reply_null(&c->out);
        return;
    }
    unsigned char *payload;
    size_t len;
    if (rdb_dump_payload(c->srv, o, &payload, &len) < 0) {
        reply_errorf(&c->out, "ERR DUMP of a %s is not supported yet", o->type->name);
        return;
    }
    reply_bulk(&c->out, (const char *)payload, len);
    mem_free(payload);
}

void cmd_restore(struct conn *c)
{
    struct server *srv = c->srv;
    const struct util_arg *key = &c->argv[1];
    const struct util_arg *payload = &c->argv[3];
    int replace = 0, absttl = 0;
    long long idle = -1, freq = -1;
    for (int j = 4; j < c->argc; j++) {
        const struct util_arg *a = &c->argv[j];
        int more = c->argc - j - 1;
        if (util_eq_nocase(a->ptr, a->len, "replace")) {
            replace = 1;
        } else if (util_eq_nocase(a->ptr, a->len, "absttl")) {
            absttl = 1;
        } else if (util_eq_nocase(a->ptr, a->len, "idletime") && more >= 1 && freq == -1) {
            if (arg_ll_or_reply(c, j + 1, &idle) < 0)
                return;
            if (idle < 0) {
                reply_error(&c->out, "ERR Invalid IDLETIME value, must be >= 0");
                return;
            }
            j++;
        } else if (util_eq_nocase(a->ptr, a->len, "freq") && more >= 1 && idle == -1) {
            if (arg_ll_or_reply(c, j + 1, &freq) < 0)
                return;
            if (freq < 0 || freq > 255) {
                reply_error(&c->out, "ERR Invalid FREQ value, must be >= 0 and <= 255");
                return;
            }
            j++;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    if (!replace && db_lookup(srv, c->db, key->ptr, key->len, DB_LOOKUP_WRITE | DB_LOOKUP_NOSTATS)) {
        reply_error(&c->out, "BUSYKEY Target key name already exists.");
        return;
    }
    long long ttl;
    if (arg_ll_or_reply(c, 2, &ttl) < 0)
        return;
    if (ttl < 0) {
        reply_error(&c->out, "ERR Invalid TTL value, must be >= 0");
        return;
    }
    if (rdb_verify_payload(payload->ptr, payload->len) < 0) {
        reply_error(&c->out, "ERR DUMP payload version or checksum are wrong");
        return;
    }
    struct object *o = NULL;
    int unsupported = 0;
    char why[300];
    if (rdb_restore_payload(srv, payload->ptr, payload->len, &o, &unsupported, why,
                            sizeof(why)) < 0) {
        if (unsupported)
            reply_errorf(&c->out, "ERR Runnel serves streams only: %s", why);
        else
            reply_error(&c->out, "ERR Bad data format");
        log_verbose("RESTORE of '%.*s' refused: %s", (int)(key->len > 64 ? 64 : key->len),
                    key->ptr, why);
        return;
    }

    int deleted = 0;
    if (replace &&
        db_lookup_entry(srv, c->db, key->ptr, key->len, DB_LOOKUP_WRITE | DB_LOOKUP_NOSTATS))
        deleted = db_delete(c->db, key->ptr, key->len);
    long long now = server_mstime(srv);
    if (ttl && !absttl)
        ttl += now;
    if (ttl && ttl <= now && !srv->loading) {
        /* Already expired: the key is not created; a replaced key is gone.
         * (Not while loading: later commands of the file ran on the key.) */
        object_free(o);
        if (deleted) {
            server_key_modified(srv, c->db, key->ptr, key->len);
            struct effect *e = server_effect(srv, c->db->id);
            effect_arg_cstr(e, "DEL");
            effect_arg(e, key->ptr, key->len);
            srv->dirty++;
            notify_key(c, NOTIFY_GENERIC, "del", key);
        }
        reply_ok(&c->out);
        return;
    }
    if (idle >= 0)
        o->lru = idle >= (long long)srv->lru_clock ? 0 : srv->lru_clock - (uint32_t)idle;
    struct dict_entry *de = db_add(c->db, key->ptr, key->len, o);
    notify_key(c, NOTIFY_NEW, "new", key);
    if (ttl)
        db_set_expire(c->db, de, ttl);
    server_key_modified(srv, c->db, key->ptr, key->len);
    notify_key(c, NOTIFY_GENERIC, "restore", key);

    struct effect *e = server_effect(srv, c->db->id);
    effect_arg_cstr(e, "RESTORE");
    effect_arg(e, key->ptr, key->len);
    effect_arg_ll(e, ttl);
    effect_arg(e, payload->ptr, payload->len);
    if (ttl)
        effect_arg_cstr(e, "ABSTTL");
    if (replace)
        effect_arg_cstr(e, "REPLACE");
    if (idle >= 0) {
        effect_arg_cstr(e, "IDLETIME");
        effect_arg_ll(e, idle);
    }
    srv->dirty++;
    reply_ok(&c->out);
}

/* --- DEBUG ---------------------------------------------------------------------- */

/* enable-debug-command local: unix socket and loopback peers only. */
static int conn_is_local(const struct conn *c)
{
    if (c->flags & (CONN_UNIX | CONN_FAKE))
        return 1;
    return strncmp(c->addr, "127.", 4) == 0 || strncmp(c->addr, "::1:", 4) == 0 ||
           strncmp(c->addr, "::ffff:127.", 11) == 0;
}

static void debug_help(struct conn *c)
{
    static const char *const lines[] = {
        "CHANGE-REPL-ID",
        "    Change the replication IDs of the instance.",
        "    Dangerous: should be used only for testing the replication subsystem.",
        "ERROR <string>",
        "    Return a Redis protocol error with <string> as message. Useful for clients",
        "    unit tests to simulate Redis errors.",
        "LOADAOF",
        "    Flush the AOF buffers on disk and reload the AOF in memory.",
        "LOG <message>",
        "    Write <message> to the server log.",
        "OBJECT <key>",
        "    Show low level info about `key` and associated value.",
        "RELOAD [option ...]",
        "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
        "    * MERGE: conflicting keys will be loaded from RDB.",
        "    * NOFLUSH: the existing database will not be removed before load, but",
        "      conflicting keys will generate an exception and kill the server.",
        "    * NOSAVE: the database will be loaded from an existing RDB file.",
        "    Examples:",
        "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
        "      the database.",
        "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
        "      existing RDB file.",
        "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
        "      file to the database.",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    Setting it to 0 disables expiring keys in background when they are not",
        "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
        "    default.",
        "QUICKLIST-PACKED-THRESHOLD <size>",
        "    Sets the threshold for elements to be inserted as plain vs packed nodes",
        "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
        "SLEEP <seconds>",
        "    Stop the server for <seconds>. Decimals allowed.",
        NULL,
    };
    reply_help(c, lines);
}

/* DEBUG ERROR <string>: "-<string>" as it is (CR/LF as spaces, no error code
 * added), which client test suites use to fake LOADING, READONLY and AUTH
 * errors.  Like Redis it is a plain reply, not counted in the errorstats. */
static void debug_error(struct conn *c)
{
    const struct util_arg *msg = &c->argv[2];
    char *dst = reply_space(&c->out, msg->len + 3);
    dst[0] = '-';
    for (size_t i = 0; i < msg->len; i++)
        dst[1 + i] = (msg->ptr[i] == '\r' || msg->ptr[i] == '\n') ? ' ' : msg->ptr[i];
    dst[1 + msg->len] = '\r';
    dst[2 + msg->len] = '\n';
    c->out.len += msg->len + 3;
}

static void debug_reload(struct conn *c)
{
    int save = 1, flush = 1, merge = 0;
    for (int j = 2; j < c->argc; j++) {
        const struct util_arg *a = &c->argv[j];
        if (util_eq_nocase(a->ptr, a->len, "merge")) {
            merge = 1;
        } else if (util_eq_nocase(a->ptr, a->len, "noflush")) {
            flush = 0;
        } else if (util_eq_nocase(a->ptr, a->len, "nosave")) {
            save = 0;
        } else {
            reply_error(&c->out,
                        "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
            return;
        }
    }
    char err[1024];
    if (save && snapshot_save(c->srv, err, sizeof(err)) < 0) {
        reply_error(&c->out, "ERR");
        return;
    }
    if (snapshot_reload(c->srv, 0, flush, merge, err, sizeof(err)) < 0) {
        log_warning("DEBUG RELOAD: %s", err);
        reply_error(&c->out, "ERR Error trying to load the RDB dump, check server logs.");
        return;
    }
    reply_ok(&c->out);
}

static void debug_object(struct conn *c)
{
    struct object *o = db_lookup(c->srv, c->db, c->argv[2].ptr, c->argv[2].len,
                                 DB_LOOKUP_NOTOUCH | DB_LOOKUP_NOSTATS);
    if (!o) {
        reply_error(&c->out, "ERR no such key");
        return;
    }
    long long idle = (long long)c->srv->lru_clock - (long long)o->lru;
    char line[256];
    snprintf(line, sizeof(line),
             "Value at:%p refcount:%lld encoding:%s serializedlength:%zu lru:%u "
             "lru_seconds_idle:%lld",
             (void *)o, object_refcount(o), object_encoding(o),
             rdb_object_serialized_len(c->srv, o),
             o->lru & ((1u << 24) - 1), idle < 0 ? 0 : idle);
    reply_simple(&c->out, line);
}

void cmd_debug(struct conn *c)
{
    int mode = c->srv->cfg.enable_debug_command;
    if (mode == CONFIG_PROTECTED_NO || (mode == CONFIG_PROTECTED_LOCAL && !conn_is_local(c))) {
        reply_error(&c->out, "ERR DEBUG command not allowed. If the enable-debug-command option "
                             "is set to \"local\", you can run it from a local connection, "
                             "otherwise you need to set this option in the configuration file, "
                             "and then restart the server.");
        return;
    }
    const struct util_arg *sub = &c->argv[1];
    if (c->argc == 2 && util_eq_nocase(sub->ptr, sub->len, "help")) {
        debug_help(c);
    } else if (util_eq_nocase(sub->ptr, sub->len, "reload")) {
        debug_reload(c);
    } else if (c->argc == 2 && util_eq_nocase(sub->ptr, sub->len, "loadaof")) {
        /* Redis 7.0 exits when the reload fails; Runnel keeps serving and
         * says so (an AOF that is off is an error here, not an empty
         * dataset). */
        if (aof_reload(c->srv) < 0)
            reply_error(&c->out, "ERR Error trying to load the AOF files, check server logs.");
        else
            reply_ok(&c->out);
    } else if (c->argc == 3 && util_eq_nocase(sub->ptr, sub->len, "object")) {
        debug_object(c);
    } else if (c->argc == 3 && util_eq_nocase(sub->ptr, sub->len, "sleep")) {
        double secs = strtod(c->argv[2].ptr, NULL);
        if (secs > 0) {
            struct timespec ts;
            ts.tv_sec = (time_t)secs;
            ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
            while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
            }
        }
        reply_ok(&c->out);
    } else if (c->argc == 3 && util_eq_nocase(sub->ptr, sub->len, "set-active-expire")) {
        c->srv->active_expire_off = !atoi(c->argv[2].ptr);
        reply_ok(&c->out);
    } else if (c->argc == 2 && util_eq_nocase(sub->ptr, sub->len, "change-repl-id")) {
        /* No replication yet: nothing to change, Redis's reply. */
        log_notice("Changing replication IDs after receiving DEBUG change-repl-id");
        reply_ok(&c->out);
    } else if (c->argc == 3 &&
               util_eq_nocase(sub->ptr, sub->len, "quicklist-packed-threshold")) {
        /* Accepted for Redis's test suites; Runnel's lists give an element
         * its own node past the node size limit instead (list-plain-nodes). */
        long long v;
        if (!util_parse_memory(c->argv[2].ptr, &v) || v < 0 || v > (1LL << 32)) {
            reply_error(&c->out,
                        "ERR argument must be a memory value bigger than 1 and smaller than 4gb");
            return;
        }
        reply_ok(&c->out);
    } else if (c->argc == 2 && util_eq_nocase(sub->ptr, sub->len, "jmap")) {
        /* Runnel-only: a heap summary in the log (used_memory), for scripts
         * written against other servers' DEBUG JMAP. */
        log_notice("DEBUG JMAP: used_memory %zu bytes", mem_used());
        reply_ok(&c->out);
    } else if (c->argc == 3 && util_eq_nocase(sub->ptr, sub->len, "error")) {
        debug_error(c);
    } else if (c->argc >= 3 && util_eq_nocase(sub->ptr, sub->len, "log")) {
        log_warning("DEBUG LOG: %s", c->argv[2].ptr);
        reply_ok(&c->out);
    } else {
        reply_errorf(&c->out, "ERR unknown subcommand or wrong number of arguments for '%.128s'. "
                              "Try DEBUG HELP.",
                     sub->ptr);
    }
}
