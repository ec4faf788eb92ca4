/* util.h -- number and string helpers shared by every layer (libc only). */
#ifndef RUNNEL_UTIL_H
#define RUNNEL_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Strict integer parsing as Redis's string2ll(): optional '-', no leading
 * '+', no spaces, no leading zeros (except "0"), must fit.  1 on success. */
int util_str_to_ll(const char *s, size_t len, long long *out);
int util_str_to_ull(const char *s, size_t len, unsigned long long *out);
/* Redis's own string2ull(), which stream IDs use: string2ll() first, then a
 * strtoull() fallback that also takes "007", "+7", " 7" and "-0".  Use it
 * where Redis uses string2ull so that IDs parse identically. 1 on success. */
int util_str_to_ull_lenient(const char *s, size_t len, unsigned long long *out);
/* Strict double as Redis's string2d/strtold use for config and scores. */
int util_str_to_double(const char *s, size_t len, double *out);
/* Decimal formatting; returns the length written (buf >= 21 bytes). */
int util_ll_to_str(char *buf, size_t size, long long v);
int util_ull_to_str(char *buf, size_t size, unsigned long long v);

/* Glob matching exactly as Redis's stringmatchlen(): * ? [abc] [^a] [a-z]
 * and \ escapes; nocase compares ASCII case-insensitively. 1 on match. */
int util_glob_match(const char *pattern, size_t plen, const char *s, size_t slen,
                    int nocase);

/* Memory sizes as redis.conf writes them: 1k=1000, 1kb=1024, 1m, 1mb, 1g, 1gb
 * (case-insensitive), or a plain byte count.  1 on success. */
int util_parse_memory(const char *s, long long *out);

/* Case-insensitive ASCII compare of a counted string with a C string. */
int util_eq_nocase(const char *a, size_t alen, const char *b);

/* Monotonic and wall clocks; tests may replace them (struct server owns the
 * seam pointer, these are the defaults). */
long long util_mstime(void);   /* wall clock, ms since the epoch */
long long util_ustime(void);   /* wall clock, us */
long long util_monotonic_us(void);

/* A counted, NUL-terminated, mem_alloc'd string (it may contain NULs). */
struct util_arg {
    char *ptr;
    size_t len;
};

/* Split a line like Redis's sdssplitargs(): spaces separate; "double quotes"
 * take \n \r \t \b \a \\ \" and \xHH escapes; 'single quotes' take \'
 * only; a closing quote must be followed by a space or the end of the line.
 * Returns the number of arguments, stored in *out (free with
 * util_args_free), or -1 on unbalanced quotes (*out is then NULL).
 * Used by the inline request parser and the config file reader. */
int util_split_args(const char *line, size_t len, struct util_arg **out);
void util_args_free(struct util_arg *args, int argc);

#endif
