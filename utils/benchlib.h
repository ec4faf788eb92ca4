/* benchlib.h -- the small helpers the benchmark load generators share
 * (pubsubbench, blockbench, groupbench, soakload, xaddbench, cmdtime).
 * Each tool is one .c file that its script (bench-pubsub.sh,
 * bench-block.sh, bench-groups.sh, soak.sh, bench-aof.sh, bench-rdb.sh)
 * compiles together with benchlib.c. */
#ifndef RUNNEL_BENCHLIB_H
#define RUNNEL_BENCHLIB_H

#include <stddef.h>

/* Monotonic time in microseconds. */
long long bench_now_us(void);
/* A TCP connection to 127.0.0.1:port with TCP_NODELAY set; -1 (errno set)
 * when it cannot be made. */
int bench_connect(int port);
/* bench_connect, or exit(1) after printing why. */
int bench_dial(int port);
/* Write all n bytes (retrying short writes and EINTR), or exit(1). */
void bench_send_all(int fd, const char *p, size_t n);
/* qsort comparator for long long samples, ascending. */
int bench_cmp_ll(const void *a, const void *b);

#endif
