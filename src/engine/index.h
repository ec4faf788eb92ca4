/* index.h -- an ordered map from stream IDs (128-bit keys) to pointers.
 *
 * A B+tree: the stream keeps its nodes in one (key = first ID of a node),
 * and consumer groups will keep their pending-entries lists in others (key
 * = entry ID, millions of records).  Seeks are O(log n); appends at the
 * high end fill leaves completely, so an index built in key order (the
 * common case for both uses) stays ~100% full.  Iterators are plain
 * structs on the caller's stack; any insert or remove invalidates every
 * iterator of that index except where a function says otherwise (re-seek
 * by key to continue). */
#ifndef RUNNEL_INDEX_H
#define RUNNEL_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stream_id.h"

struct index;
struct index_leaf;

/* Where a seek lands. */
enum index_seek_op {
    INDEX_FIRST,   /* the smallest key (key argument ignored) */
    INDEX_LAST,    /* the largest key (key argument ignored) */
    INDEX_GE,      /* the first key >= key */
    INDEX_GT,      /* the first key > key */
    INDEX_LE,      /* the last key <= key */
    INDEX_LT,      /* the last key < key */
};

/* A position in the index.  key and value are the current record's while
 * the iterator is valid (the last seek/next/prev returned true). */
struct index_iter {
    struct stream_id key;
    void *value;
    /* private */
    struct index_leaf *leaf;
    unsigned pos;
};

/* A new empty index.  Cannot fail (allocation failure aborts). */
struct index *index_new(void);

/* Free the index; free_value, if not NULL, is called on every value. */
void index_free(struct index *ix, void (*free_value)(void *));

/* Number of records. */
size_t index_count(const struct index *ix);

/* Number of tree nodes (leaves and inner nodes), for XINFO's
 * radix-tree-nodes. */
size_t index_node_count(const struct index *ix);

/* Bytes allocated by the index's nodes (the values are the caller's). */
size_t index_memory(const struct index *ix);

/* Add key -> value.  Returns true when added, false when the key is
 * already present (the index is then unchanged). */
bool index_insert(struct index *ix, const struct stream_id *key, void *value);

/* The value of key into *value (if not NULL); false when absent. */
bool index_find(const struct index *ix, const struct stream_id *key, void **value);

/* The address of key's value slot, to replace it in place; NULL when
 * absent.  Valid until the next insert or remove. */
void **index_find_ref(struct index *ix, const struct stream_id *key);

/* Remove key, storing its value in *value (if not NULL); false when
 * absent. */
bool index_remove(struct index *ix, const struct stream_id *key, void **value);

/* Position it by op (and key).  Returns true and fills it->key/value when
 * such a record exists, false otherwise (it is then invalid). */
bool index_seek(const struct index *ix, struct index_iter *it, enum index_seek_op op,
                const struct stream_id *key);

/* Step to the next (greater) or previous (smaller) record; false, leaving
 * it invalid, past either end. */
bool index_next(struct index_iter *it);
bool index_prev(struct index_iter *it);

/* Replace the value of the record under a valid iterator. */
void index_iter_set_value(struct index_iter *it, void *value);

/* Walk the whole tree checking its invariants (order, separators, fill,
 * counts, leaf links); returns true when sound.  For tests: O(n). */
bool index_check(const struct index *ix);

#endif
