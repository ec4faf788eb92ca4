/* mem.c -- allocation with accounting; see mem.h. */
#include "mem.h"

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef USE_JEMALLOC
#include <jemalloc/jemalloc.h>
#define MEM_STR2(x) #x
#define MEM_STR(x) MEM_STR2(x)
#define JEMALLOC_VERSION_STR MEM_STR(JEMALLOC_VERSION_MAJOR) "." MEM_STR(JEMALLOC_VERSION_MINOR) "." MEM_STR(JEMALLOC_VERSION_BUGFIX)
#endif

/* The allocator's own state: a running total and the failure seam.  Both are
 * process-wide by nature (the allocator is), hence not in struct server. */
static size_t used_bytes;
static long fail_countdown = -1;

static void mem_oom(size_t size)
{
    fprintf(stderr, "runnel: out of memory allocating %zu bytes\n", size);
    fflush(stderr);
    abort();
}

static void mem_check_seam(size_t size)
{
    if (fail_countdown < 0)
        return;
    if (fail_countdown == 0)
        mem_oom(size);
    fail_countdown--;
}

size_t mem_block_size(const void *ptr)
{
    return ptr ? malloc_usable_size((void *)ptr) : 0;
}

void *mem_alloc(size_t size)
{
    mem_check_seam(size);
    void *p = malloc(size ? size : 1);
    if (!p)
        mem_oom(size);
    used_bytes += mem_block_size(p);
    return p;
}

void *mem_calloc(size_t size)
{
    mem_check_seam(size);
    void *p = calloc(1, size ? size : 1);
    if (!p)
        mem_oom(size);
    used_bytes += mem_block_size(p);
    return p;
}

void *mem_realloc(void *ptr, size_t size)
{
    if (!ptr)
        return mem_alloc(size);
    mem_check_seam(size);
    size_t old = mem_block_size(ptr);
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        mem_oom(size);
    used_bytes = used_bytes - old + mem_block_size(p);
    return p;
}

void mem_free(void *ptr)
{
    if (!ptr)
        return;
    used_bytes -= mem_block_size(ptr);
    free(ptr);
}

void *mem_memdup(const void *src, size_t len)
{
    void *p = mem_alloc(len);
    if (len)
        memcpy(p, src, len);
    return p;
}

char *mem_strndup(const char *s, size_t len)
{
    char *p = mem_alloc(len + 1);
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *mem_strdup(const char *s)
{
    return mem_strndup(s, strlen(s));
}

size_t mem_used(void)
{
    return used_bytes;
}

int mem_allocator_stats(struct mem_allocator_stats *st)
{
    memset(st, 0, sizeof(*st));
#ifdef USE_JEMALLOC
    /* Writing "epoch" makes jemalloc merge its per-arena statistics. */
    uint64_t epoch = 1;
    size_t sz = sizeof(epoch);
    if (mallctl("epoch", &epoch, &sz, &epoch, sz) != 0)
        return -1;
    sz = sizeof(size_t);
    if (mallctl("stats.allocated", &st->allocated, &sz, NULL, 0) != 0 ||
        mallctl("stats.active", &st->active, &sz, NULL, 0) != 0 ||
        mallctl("stats.resident", &st->resident, &sz, NULL, 0) != 0) {
        memset(st, 0, sizeof(*st));
        return -1;
    }
    return 0;
#else
    return -1;
#endif
}

const char *mem_allocator_name(void)
{
#ifdef USE_JEMALLOC
    return "jemalloc-" JEMALLOC_VERSION_STR;
#else
    return "libc";
#endif
}

void mem_fail_after(long countdown)
{
    fail_countdown = countdown;
}
