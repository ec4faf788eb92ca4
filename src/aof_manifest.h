/* aof_manifest.h -- the AOF manifest of Redis 7's multi-part layout.
 *
 * `<appendfilename>.manifest` in the appenddirname directory lists the files
 * that make up the AOF, one line each:
 *
 *     file appendonly.aof.2.base.rdb seq 2 type b
 *     file appendonly.aof.1.incr.aof seq 1 type h
 *     file appendonly.aof.3.incr.aof seq 3 type i
 *
 * b is the base (at most one: the data as of the last rewrite), h a history
 * file (replaced by a rewrite, waiting to be deleted; never loaded), i an
 * incremental file (appended effects; loaded after the base, in the order
 * listed, which is the order of their sequence numbers).
 *
 * This module is pure (no I/O except aof_manifest_load reading one file):
 * it parses, formats and edits the in-memory list.  The caller owns the
 * struct; aof_manifest_free releases what it holds, not the struct itself.
 * Arrays and names are mem_alloc'd: a caller may take an array away (set
 * the pointer to NULL and the count to 0) and free it with mem_free. */
#ifndef RUNNEL_AOF_MANIFEST_H
#define RUNNEL_AOF_MANIFEST_H

#include <stddef.h>

#define AOF_MANIFEST_MAX_LINE 1024 /* a line of 1024 bytes or more is refused */

enum aof_file_type { AOF_FILE_BASE = 'b', AOF_FILE_HIST = 'h', AOF_FILE_INCR = 'i' };

struct aof_file_info {
    char *name;              /* a bare file name, never a path */
    long long seq;           /* >= 1 */
    enum aof_file_type type;
};

struct aof_manifest {
    struct aof_file_info *base;  /* NULL if none (one mem_alloc'd element) */
    struct aof_file_info *incr;  /* load order (ascending seq) */
    int nincr;
    struct aof_file_info *hist;  /* in the order Redis lists them */
    int nhist;
    long long base_seq;          /* highest base seq seen: the next base gets +1 */
    long long incr_seq;          /* highest incr seq seen: the next incr gets +1 */
};

void aof_manifest_init(struct aof_manifest *m);
/* Free what m holds and leave it empty (as after init); m itself stays. */
void aof_manifest_free(struct aof_manifest *m);

/* Parse a manifest's text into m, which must be empty (just init'ed).
 * Returns 0, or -1 with m empty again and a message in err, one of Redis
 * 7.0's texts followed by where it was found, e.g.
 *   "Invalid AOF manifest file format (line 2: 'file a seq 1')"
 * Redis's texts: "Found an empty AOF manifest", "The AOF manifest file
 * contains too long line", "Invalid AOF manifest file format", "File can't
 * be a path, just a filename", "Found duplicate base file information",
 * "Found a non-monotonic sequence number", "Unknown AOF file type". */
int aof_manifest_parse(struct aof_manifest *m, const char *text, size_t len, char *err,
                       size_t errlen);

/* Read and parse the file at path.  -1 on failure with errno set: ENOENT
 * when the file does not exist (err then says so, and a caller starting
 * from scratch treats it as "no AOF yet"), EINVAL when it does not parse,
 * the read's errno otherwise. */
int aof_manifest_load(struct aof_manifest *m, const char *path, char *err, size_t errlen);

/* The text to write: base, then history, then incr files, one line each,
 * as Redis writes it (a name is quoted with C escapes only when it would
 * not survive the split otherwise).  mem_alloc'd, NUL-terminated; *len is
 * its length without the NUL. */
char *aof_manifest_format(const struct aof_manifest *m, size_t *len);

/* A deep copy (mem_alloc'd struct; free with aof_manifest_free + mem_free). */
struct aof_manifest *aof_manifest_dup(const struct aof_manifest *m);

/* File names (mem_alloc'd):
 *   aof_name_base("appendonly.aof", 3, 0)  "appendonly.aof.3.base.aof"
 *   aof_name_base("appendonly.aof", 3, 1)  "appendonly.aof.3.base.rdb"
 *   aof_name_incr("appendonly.aof", 4)     "appendonly.aof.4.incr.aof"
 *   aof_name_manifest("appendonly.aof")    "appendonly.aof.manifest"
 *   aof_name_temp_manifest(...)            "temp-appendonly.aof.manifest"
 *   aof_name_temp_incr(...)                "temp-appendonly.aof.incr" */
char *aof_name_base(const char *appendfilename, long long seq, int rdb);
char *aof_name_incr(const char *appendfilename, long long seq);
char *aof_name_manifest(const char *appendfilename);
char *aof_name_temp_manifest(const char *appendfilename);
char *aof_name_temp_incr(const char *appendfilename);

/* Append a new incr file with seq ++incr_seq.  The pointer is into m->incr
 * and stays valid until m's incr list changes. */
struct aof_file_info *aof_manifest_new_incr(struct aof_manifest *m, const char *appendfilename);
/* Make a new base with seq ++base_seq; the old base (if any) becomes the
 * first history file.  Returns m->base. */
struct aof_file_info *aof_manifest_set_base(struct aof_manifest *m, const char *appendfilename,
                                            int rdb);
/* After a rewrite: every incr file but the last (keep_last) or all of them
 * become history files, placed before the existing ones in incr order. */
void aof_manifest_incr_to_hist(struct aof_manifest *m, int keep_last);
/* Forget the history files (after deleting them). */
void aof_manifest_clear_hist(struct aof_manifest *m);

#endif
