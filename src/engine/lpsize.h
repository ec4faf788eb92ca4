/* lpsize.h -- the bytes an element takes in Redis's listpack format.
 *
 * Runnel keeps its own node formats, but two rules of Redis depend on
 * listpack sizes: a stream's XADD starts a new node where the tail's
 * listpack would pass stream-node-max-bytes, and a list's node fills up to
 * list-max-listpack-size bytes.  Following them keeps snapshots, XINFO and
 * MEMORY figures in step with Redis without building listpacks.  An
 * element is its encoding byte(s) and data, then a back-length of 1..5
 * bytes; strings that read as a canonical int64 are stored as integers. */
#ifndef RUNNEL_LPSIZE_H
#define RUNNEL_LPSIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Do p[0..len) read as a canonical decimal int64 (no sign but '-', no
 * leading zero, at most 20 bytes)?  Then *v gets it. */
bool lpsize_parse_int(const char *p, size_t len, int64_t *v);

/* Bytes of the back-length that follows an element of l bytes. */
size_t lpsize_backlen(uint64_t l);

/* Bytes of an integer element, back-length included. */
size_t lpsize_int(int64_t v);

/* Bytes of a string element of len bytes that is not stored as an
 * integer, back-length included. */
size_t lpsize_raw_str(size_t len);

/* Bytes of the element a string becomes: an integer when it reads as one. */
size_t lpsize_str(const char *p, size_t len);

#endif
