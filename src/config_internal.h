/* config_internal.h -- what config.c shares with config_rewrite.c.
 *
 * Private to the config module: no other file includes it.  The options
 * table, the string builder and the few parsing helpers live in config.c;
 * CONFIG REWRITE (config_rewrite.c) reads the same table and formats with
 * the same builder, so a value is spelt the same way on both paths.
 * Everything else stays static in its own file. */
#ifndef RUNNEL_CONFIG_INTERNAL_H
#define RUNNEL_CONFIG_INTERNAL_H

#include <stdio.h>

#include "config.h"

/* One row of the options table (expanded from CONFIG_OPTIONS). */
struct config_option {
    const char *name;
    enum config_type type;
    size_t offset;
    const char *def; /* NULL: no default (dir) */
    long long min;
    long long max;
    unsigned flags;
    const char *const *names; /* CONFIG_TYPE_ENUM only */
};

extern const struct config_option config_options[CONFIG_NOPTIONS];
/* The obuf classes as CONFIG GET names them ("slave", not "replica"). */
extern const char *const config_obuf_names[CONFIG_OBUF_CLASSES];

/* A growable string; the bytes are always NUL-terminated. */
struct config_sb {
    char *p;
    size_t len;
    size_t cap;
};

/* Append n bytes.  Allocation failure aborts (mem.h). */
void config_sb_add(struct config_sb *b, const char *s, size_t n);
/* Append a C string. */
void config_sb_adds(struct config_sb *b, const char *s);
/* Append printf output (bounded: used for numbers and short words only). */
void config_sb_addf(struct config_sb *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The buffer as a mem_alloc'd C string ("" when nothing was added). */
char *config_sb_take(struct config_sb *b);
/* Append s quoted the way Redis's sdscatrepr() quotes. */
void config_sb_repr(struct config_sb *b, const char *s, size_t n);

/* printf into a caller's error buffer; a NULL or empty buffer is ignored. */
void config_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Case-insensitive ASCII equality of two C strings. */
int config_eq(const char *a, const char *b);
/* The value of a numeric-like option widened to long long. */
long long config_num_get(const struct config *c, const struct config_option *o);

/* Read all of fp into a mem_alloc'd buffer; NULL (errno set) on failure. */
char *config_read_all(FILE *fp, size_t *len);
/* Trim Redis's config-line whitespace at both ends of s[0..*len), in place. */
char *config_trim(char *s, size_t *len);
/* Split on every single space as CONFIG SET does; returns the word count. */
int config_split_spaces(const char *s, char ***out);
/* Free an array from config_split_spaces. */
void config_words_free(char **v, int n);

#endif
