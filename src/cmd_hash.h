/* cmd_hash.h -- what other modules share with the hash commands: the hash
 * object type (its value is a struct hash, src/engine/hash.h) and the
 * encoding limits from the configuration.
 *
 * A loader (AOF, RDB, RESTORE) makes a hash key with
 *     struct hash *h = hash_new(srv->hash_seed);
 *     struct hash_limits lim = hash_limits_of(&srv->cfg);
 *     hash_set(h, field, flen, value, vlen, &lim);   ... per pair
 *     object_new(&hash_object_type, h, lru)
 * which ends in the encoding Redis would choose for the same pairs. */
#ifndef RUNNEL_CMD_HASH_H
#define RUNNEL_CMD_HASH_H

#include "config.h"
#include "db.h"
#include "hash.h"

extern const struct object_type hash_object_type;

/* hash-max-listpack-entries and hash-max-listpack-value. */
struct hash_limits hash_limits_of(const struct config *cfg);

#endif
