/* cmd_list.h -- what other modules share with the list commands: the list
 * object type (its value is a struct list, src/engine/list.h) and the node
 * limit from the configuration.
 *
 * A loader (AOF, RDB, RESTORE) makes a list key with
 *     struct list *l = list_new();
 *     list_grow_check(l, len, 1, fill); list_push(l, LIST_TAIL, p, len, fill);  ... per element
 *     object_new(&list_object_type, l, lru)
 * or, for an RDB image, list_load_append() per element and list_loaded(). */
#ifndef RUNNEL_CMD_LIST_H
#define RUNNEL_CMD_LIST_H

#include "config.h"
#include "db.h"
#include "list.h"

extern const struct object_type list_object_type;

/* list-max-listpack-size */
static inline int list_fill_of(const struct config *cfg) { return cfg->list_max_listpack_size; }

#endif
