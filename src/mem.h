/* mem.h -- allocation with accounting.
 *
 * Every allocation the server makes goes through these wrappers so that
 * INFO's used_memory and MEMORY USAGE are exact.  The byte count is the
 * allocator's usable size (jemalloc's size classes, or glibc's chunk size),
 * the same measure Redis reports, so memory figures compare like for like.
 * Allocation failure is not recoverable for a server of this kind: the
 * wrappers log to stderr and abort. */
#ifndef RUNNEL_MEM_H
#define RUNNEL_MEM_H

#include <stddef.h>

void *mem_alloc(size_t size);
void *mem_calloc(size_t size);
void *mem_realloc(void *ptr, size_t size);
void mem_free(void *ptr);
char *mem_strdup(const char *s);
char *mem_strndup(const char *s, size_t len);
void *mem_memdup(const void *p, size_t len);

/* Usable size of one block from mem_alloc (0 for NULL). */
size_t mem_block_size(const void *ptr);

/* Bytes currently allocated through these wrappers. */
size_t mem_used(void);

/* The allocator's own figures (INFO memory's allocator_* fields, Redis's
 * names): bytes handed to the program, in active pages, and resident.
 * Refreshing them costs jemalloc a stats merge (~10 us), so callers keep
 * a snapshot (maxmemory.c).  Returns 0, or -1 (fields 0) when the
 * allocator keeps no statistics (libc, sanitizer builds). */
struct mem_allocator_stats {
    size_t allocated;
    size_t active;
    size_t resident;
};
int mem_allocator_stats(struct mem_allocator_stats *st);

/* Name of the allocator linked in ("jemalloc-5.3.0" or "libc"). */
const char *mem_allocator_name(void);

/* Test seam: make the next allocations fail after `countdown` successes
 * (negative disables).  Failure still aborts; tests use it in forked
 * Check cases to prove no path ignores a failed allocation. */
void mem_fail_after(long countdown);

#endif
