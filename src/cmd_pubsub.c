/* cmd_pubsub.c -- SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and their UNSUBSCRIBEs,
 * PUBLISH, SPUBLISH and PUBSUB, as Redis 7.0 answers them.
 *
 * Each (un)subscribed name gets its own confirmation [verb, name, count]
 * (a push frame in RESP3), where count is the client's channels plus
 * patterns, or its shard channels for the S forms.  The registry and the
 * fan-out are pubsub.c's. */
#include <string.h>

#include "command.h"
#include "conn.h"
#include "handlers.h"
#include "pubsub.h"
#include "reply.h"
#include "server.h"

static void subscribe_names(struct conn *c, enum pubsub_kind kind)
{
    for (int j = 1; j < c->argc; j++) {
        pubsub_subscribe(c, kind, c->argv[j].ptr, c->argv[j].len);
        pubsub_reply_confirm(c, pubsub_verb(kind, 1), c->argv[j].ptr, c->argv[j].len,
                             pubsub_confirm_count(c, kind));
    }
}

static void unsubscribe_names(struct conn *c, enum pubsub_kind kind)
{
    if (c->argc == 1) {
        pubsub_unsubscribe_all(c, kind, 1);
        return;
    }
    for (int j = 1; j < c->argc; j++) {
        pubsub_unsubscribe(c, kind, c->argv[j].ptr, c->argv[j].len);
        pubsub_reply_confirm(c, pubsub_verb(kind, 0), c->argv[j].ptr, c->argv[j].len,
                             pubsub_confirm_count(c, kind));
    }
}

void cmd_subscribe(struct conn *c)
{
    subscribe_names(c, PUBSUB_CHANNEL);
}

void cmd_psubscribe(struct conn *c)
{
    subscribe_names(c, PUBSUB_PATTERN);
}

void cmd_ssubscribe(struct conn *c)
{
    subscribe_names(c, PUBSUB_SHARD);
}

void cmd_unsubscribe(struct conn *c)
{
    unsubscribe_names(c, PUBSUB_CHANNEL);
}

void cmd_punsubscribe(struct conn *c)
{
    unsubscribe_names(c, PUBSUB_PATTERN);
}

void cmd_sunsubscribe(struct conn *c)
{
    unsubscribe_names(c, PUBSUB_SHARD);
}

void cmd_publish(struct conn *c)
{
    reply_int(&c->out, pubsub_publish(c->srv, PUBSUB_CHANNEL, c->argv[1].ptr, c->argv[1].len,
                                      c->argv[2].ptr, c->argv[2].len));
}

void cmd_spublish(struct conn *c)
{
    reply_int(&c->out, pubsub_publish(c->srv, PUBSUB_SHARD, c->argv[1].ptr, c->argv[1].len,
                                      c->argv[2].ptr, c->argv[2].len));
}

/* PUBSUB CHANNELS|SHARDCHANNELS [pattern]: more than one pattern is
 * Redis's generic subcommand error. */
static void reply_channels(struct conn *c, enum pubsub_kind kind)
{
    if (c->argc > 3) {
        reply_errorf(&c->out,
                     "ERR unknown subcommand or wrong number of arguments for '%.128s'. Try PUBSUB "
                     "HELP.",
                     c->argv[1].ptr);
        return;
    }
    pubsub_reply_names(c, kind, c->argc == 3 ? &c->argv[2] : NULL);
}

static void reply_numsub(struct conn *c, enum pubsub_kind kind)
{
    reply_array(&c->out, 2L * (c->argc - 2));
    for (int j = 2; j < c->argc; j++) {
        reply_bulk(&c->out, c->argv[j].ptr, c->argv[j].len);
        reply_int(&c->out, pubsub_subscribers(c->srv, kind, c->argv[j].ptr, c->argv[j].len));
    }
}

void cmd_pubsub_channels(struct conn *c)
{
    reply_channels(c, PUBSUB_CHANNEL);
}

void cmd_pubsub_shardchannels(struct conn *c)
{
    reply_channels(c, PUBSUB_SHARD);
}

void cmd_pubsub_numsub(struct conn *c)
{
    reply_numsub(c, PUBSUB_CHANNEL);
}

void cmd_pubsub_shardnumsub(struct conn *c)
{
    reply_numsub(c, PUBSUB_SHARD);
}

void cmd_pubsub_numpat(struct conn *c)
{
    reply_int(&c->out, pubsub_names(c->srv, PUBSUB_PATTERN));
}

void cmd_pubsub_help(struct conn *c)
{
    static const char *const lines[] = {
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: "
        "'*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        NULL,
    };
    reply_help(c, lines);
}
