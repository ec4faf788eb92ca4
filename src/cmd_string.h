/* cmd_string.h -- what other modules share with the string commands: the
 * string object type (its value is a struct strobj, src/engine/strobj.h).
 *
 * A loader (AOF, RDB, RESTORE) makes a string key with
 *     object_new(&string_object_type, strobj_new(p, len), lru)
 * which picks the encoding (int, embstr, raw) Redis would. */
#ifndef RUNNEL_CMD_STRING_H
#define RUNNEL_CMD_STRING_H

#include "db.h"
#include "strobj.h"

#include <stdbool.h>
#include <stddef.h>

extern const struct object_type string_object_type;

/* Numbers as INCRBYFLOAT and HINCRBYFLOAT read and write them: Redis's
 * string2ld (strtold over the whole string, no leading space, no NaN, no
 * overflow) and ld2string's human-friendly form ("%.17Lf", trailing zeros
 * and a bare point dropped, "-0" as "0"), which fits STRING_LD_MAX_CHARS. */
#define STRING_LD_MAX_CHARS (5 * 1024) /* Redis's MAX_LONG_DOUBLE_CHARS */
bool string_parse_long_double(const char *p, size_t len, long double *out);
size_t string_format_long_double(char *buf, size_t size, long double v);

#endif
