/* list.h -- the value of a list key: a sequence of strings.
 *
 * Two encodings, as Redis 7.2+ has them (OBJECT ENCODING names them):
 *
 *   listpack   one node holding every element;
 *   quicklist  a chain of nodes, each holding up to what one of Redis's
 *              quicklist nodes would hold.
 *
 *   list --> node <-> node <-> node        node: one buffer of entries
 *
 *   entry:  [varint len][bytes][backlen]
 *
 * backlen is the size of varint+bytes written as a varint stored back to
 * front, so the entry before any offset can be found (pops at the tail,
 * reverse walks).  A 3-byte element costs 5 bytes; a node of 8 KB holds
 * about as many elements as Redis's listpack node of the same bytes.
 *
 * Every node keeps `sz`, the exact byte size the same elements would have
 * as a Redis listpack (integers encoded as integers), because Redis's
 * decisions depend on it: a listpack list becomes a quicklist when its
 * bytes plus the pushed strings' lengths pass the node limit
 * (list-max-listpack-size, `fill`: negative = 4/8/16/32/64 KB per node,
 * positive = that many elements within 8 KB); a quicklist push starts a new
 * node when node bytes + element + 8 pass the limit; an element larger than
 * the limit gets a node of its own ("plain"); and a quicklist of one packed
 * node at most half the limit turns back into a listpack after a removal.
 * Replicating those rules makes OBJECT ENCODING and the RDB node layout
 * Redis's (DUMP bytes match Redis 7.0's for lists of ordinary elements).
 * One simplification: LSET replaces in place, where Redis splits a node
 * whose new value does not fit it (only the node layout can differ).
 *
 * Indexes are 0-based from the head.  Pointers handed out stay valid until
 * the next change.  Pure data: no I/O, allocation through mem.h. */
#ifndef RUNNEL_LIST_H
#define RUNNEL_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum list_enc { LIST_ENC_LISTPACK = 0, LIST_ENC_QUICKLIST };
enum list_where { LIST_HEAD = 0, LIST_TAIL = 1 };

struct list_node {
    struct list_node *prev, *next;
    unsigned char *buf; /* the entries, len bytes used of cap */
    size_t len, cap;
    uint32_t count;
    size_t sz;  /* Redis listpack bytes (plain node: the element's length) */
    bool plain; /* one large element (RDB container 1) */
};

struct list {
    uint8_t enc; /* enum list_enc */
    size_t count;
    size_t nnodes;
    struct list_node *head, *tail;
};

struct list *list_new(void);
void list_free(struct list *l);
struct list *list_dup(const struct list *l);

static inline size_t list_len(const struct list *l) { return l->count; }
/* "listpack" or "quicklist". */
const char *list_encoding_name(const struct list *l);
size_t list_memory(const struct list *l);

/* Bytes one string takes as a listpack entry (with its back-length). */
size_t list_lp_entry_size(const char *p, size_t len);
/* True for a canonical decimal int64 (stored by a listpack as an integer). */
bool list_str_is_int(const char *p, size_t len);

/* Before pushing strings whose lengths sum to add_bytes (add_count of
 * them): a listpack that would pass the limit becomes a quicklist, as
 * Redis converts before the push. */
void list_grow_check(struct list *l, size_t add_bytes, size_t add_count, int fill);
/* After removals: a quicklist of one small packed node becomes a
 * listpack again. */
void list_shrink_check(struct list *l, int fill);

void list_push(struct list *l, enum list_where where, const char *p, size_t len, int fill);
/* Remove the element at one end into a mem_alloc'd copy (caller frees);
 * NULL when empty.  Does not convert: call list_shrink_check after. */
char *list_pop(struct list *l, enum list_where where, size_t *len);

/* Element at idx (negative counts from the tail); false when out of range. */
bool list_index(const struct list *l, long long idx, const char **p, size_t *len);
/* Replace the element at idx (normalised, in range). */
void list_set(struct list *l, size_t idx, const char *p, size_t len, int fill);
/* LREM: remove up to |count| elements equal to p (count > 0 from the
 * head, < 0 from the tail, 0 all); returns how many. */
size_t list_remove(struct list *l, long long count, const char *p, size_t len);
/* Remove `head` elements from the head and `tail` from the tail. */
void list_trim(struct list *l, size_t head, size_t tail);

/* Walk from index start (normalised, in range) towards the tail, or the
 * head when reverse. */
struct list_iter {
    struct list_node *node;
    size_t off; /* byte offset of the next entry to return */
    bool reverse;
};
void list_iter_init(struct list_iter *it, const struct list *l, size_t start, bool reverse);
bool list_iter_next(struct list_iter *it, const char **p, size_t *len);

/* The entry of node n at byte offset *off (start at 0), advancing *off;
 * false past the last entry.  RDB writes a node's elements with it. */
bool list_node_next(const struct list_node *n, size_t *off, const char **p, size_t *len);

/* Append a whole node as RDB loading finds it (a listpack's elements, or a
 * plain one); the encoding is fixed afterwards with list_loaded(). */
void list_load_append(struct list *l, const char *p, size_t len, bool new_node, bool plain);
void list_loaded(struct list *l, int fill);

#endif
