/* cmd_set.h -- what other modules share with the set commands: the set
 * object type (RDB, AOF base) and set-max-intset-entries. */
#ifndef RUNNEL_CMD_SET_H
#define RUNNEL_CMD_SET_H

#include <stddef.h>

#include "config.h"
#include "db.h"
#include "set.h"

extern const struct object_type set_object_type;

/* set-max-intset-entries. */
size_t set_max_intset_of(const struct config *cfg);

#endif
