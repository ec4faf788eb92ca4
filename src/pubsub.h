/* pubsub.h -- the subscription registry and PUBLISH's fan-out.
 *
 * Three namespaces, as Redis 7.0 has them: channels (SUBSCRIBE), patterns
 * (PSUBSCRIBE, glob-matched against a published channel) and shard channels
 * (SSUBSCRIBE; without a cluster just a second set of channel names).
 *
 *   server side:  name -> subscriber list (conns in subscription order)
 *   client side:  name -> subscription number, per namespace
 *
 * A message is formatted once per PUBLISH (and once per matching pattern)
 * into a RESP2 array; a RESP3 subscriber gets the same bytes with the
 * leading '*' sent as '>' (a push frame).  Delivery appends to the
 * subscriber's output buffer, queues it for the write pass and enforces the
 * pubsub class of client-output-buffer-limit.
 *
 * Invariant: c is in the list of every name its client table holds, and
 * the CONN_PUBSUB flag is set exactly while it holds at least one
 * subscription of any kind. */
#ifndef RUNNEL_PUBSUB_H
#define RUNNEL_PUBSUB_H

#include <stddef.h>

struct conn;
struct server;
struct util_arg;

enum pubsub_kind { PUBSUB_CHANNEL = 0, PUBSUB_PATTERN = 1, PUBSUB_SHARD = 2, PUBSUB_KINDS = 3 };

/* The server's registry (server_init / server_free). */
struct pubsub *pubsub_create(unsigned long long seed);
void pubsub_free(struct pubsub *ps);

/* Subscribe / unsubscribe c to name in namespace kind.  1 when the
 * subscription was added (removed), 0 when it already existed (did not). */
int pubsub_subscribe(struct conn *c, enum pubsub_kind kind, const char *name, size_t len);
int pubsub_unsubscribe(struct conn *c, enum pubsub_kind kind, const char *name, size_t len);
/* Remove every subscription of kind, oldest first; with notify, reply one
 * (un)subscribe confirmation per name, or one with a null name when there
 * was none (UNSUBSCRIBE without arguments). */
void pubsub_unsubscribe_all(struct conn *c, enum pubsub_kind kind, int notify);
/* The confirmation Redis sends for (un)subscribing: [verb, name, count]
 * (a push in RESP3); name NULL = null. */
void pubsub_reply_confirm(struct conn *c, const char *verb, const char *name, size_t len,
                          long long count);
/* A closing client: drop all its subscriptions silently. */
void pubsub_client_free(struct conn *c);

/* c's subscriptions of one kind, and channels + patterns (what SUBSCRIBE
 * and PSUBSCRIBE report). */
long pubsub_client_count(const struct conn *c, enum pubsub_kind kind);
long pubsub_client_channels_patterns(const struct conn *c);
/* 1 if pred holds for one of c's subscriptions of kind (the ACL's check
 * of a subscriber whose channel permissions shrank), else 0. */
int pubsub_client_any(const struct conn *c, enum pubsub_kind kind,
                      int (*pred)(const char *name, size_t len, void *ud), void *ud);
/* The count an (un)subscribe confirmation of kind carries: shard channels
 * for the S forms, channels + patterns otherwise. */
long long pubsub_confirm_count(const struct conn *c, enum pubsub_kind kind);

/* Deliver msg on channel (kind PUBSUB_CHANNEL: to its subscribers and the
 * matching patterns' subscribers; PUBSUB_SHARD: to its shard subscribers).
 * Returns how many deliveries were made (PUBLISH's reply). */
long pubsub_publish(struct server *srv, enum pubsub_kind kind, const char *ch, size_t chlen,
                    const char *msg, size_t mlen);

/* Registry counts: distinct names of kind (INFO, PUBSUB NUMPAT), and the
 * subscribers of one name (PUBSUB NUMSUB). */
long pubsub_names(const struct server *srv, enum pubsub_kind kind);
long pubsub_subscribers(const struct server *srv, enum pubsub_kind kind, const char *name,
                        size_t len);
/* PUBSUB CHANNELS / SHARDCHANNELS: the names of kind matching pat (NULL
 * = all), as an array reply. */
void pubsub_reply_names(struct conn *c, enum pubsub_kind kind, const struct util_arg *pat);
/* "subscribe"/"unsubscribe", "psubscribe"/..., "ssubscribe"/... */
const char *pubsub_verb(enum pubsub_kind kind, int subscribe);

#endif
