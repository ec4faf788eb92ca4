/* rdb_codec.h -- the byte-level pieces of Redis's RDB format.
 *
 * Pure code (libc + mem): no files, no server.  rdb.c (the file format),
 * rdb_stream.c (stream objects) and DUMP/RESTORE build on it.
 *
 *   crc64        Redis's CRC-64 (Jones polynomial, reflected, as crc64.c
 *                in Redis: crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9ca)
 *   lzf          LZF compression and decompression (the format Redis's
 *                lzf_c.c / lzf_d.c produce, written from its description)
 *   rdb_writer   lengths (6/14/32/64-bit forms), strings (integer forms
 *                when the string is a canonical integer, LZF when enabled
 *                and worth it, raw otherwise), type bytes, millisecond
 *                times, raw bytes; into a memory buffer or, through a
 *                flush callback, a file; keeps the running CRC64
 *   rdb_reader   the same, read back from a buffer (a mapped file or a
 *                DUMP payload), never past its end; every error is -1 with
 *                a message and the offset where it was found
 *   (listpacks, the blobs stream nodes are stored in: listpack.h)
 *
 * Every "len" in the format is a size_t here; a length that does not fit
 * the remaining input is an error, never an allocation of that size. */
#ifndef RUNNEL_RDB_CODEC_H
#define RUNNEL_RDB_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "listpack.h" /* stream nodes are listpacks in the file */

/* --- Constants of the format (Redis 7.x) --------------------------------- */

#define RDB_VERSION_7_0 10
#define RDB_VERSION_7_2 11
#define RDB_VERSION_8_6 13    /* stream IDMP maps (RDB_TYPE_STREAM_LISTPACKS_4) */
#define RDB_VERSION_8_8 14    /* XNACK's NACK zone (RDB_TYPE_STREAM_LISTPACKS_5) */

#define RDB_TYPE_STRING 0
#define RDB_TYPE_LIST 1
#define RDB_TYPE_SET 2
#define RDB_TYPE_ZSET 3
#define RDB_TYPE_HASH 4
#define RDB_TYPE_ZSET_2 5
#define RDB_TYPE_MODULE_2 7
#define RDB_TYPE_HASH_ZIPMAP 9
#define RDB_TYPE_LIST_ZIPLIST 10
#define RDB_TYPE_SET_INTSET 11
#define RDB_TYPE_ZSET_ZIPLIST 12
#define RDB_TYPE_HASH_ZIPLIST 13
#define RDB_TYPE_LIST_QUICKLIST 14
#define RDB_TYPE_STREAM_LISTPACKS 15
#define RDB_TYPE_HASH_LISTPACK 16
#define RDB_TYPE_ZSET_LISTPACK 17
#define RDB_TYPE_LIST_QUICKLIST_2 18
#define RDB_TYPE_STREAM_LISTPACKS_2 19
#define RDB_TYPE_SET_LISTPACK 20
#define RDB_TYPE_STREAM_LISTPACKS_3 21
#define RDB_TYPE_STREAM_LISTPACKS_4 26  /* Redis 8.6: _3 + the IDMP map */
#define RDB_TYPE_STREAM_LISTPACKS_5 27  /* Redis 8.8: _4 + each group's NACK zone */

#define RDB_OPCODE_FUNCTION2 245
#define RDB_OPCODE_MODULE_AUX 247
#define RDB_OPCODE_IDLE 248
#define RDB_OPCODE_FREQ 249
#define RDB_OPCODE_AUX 250
#define RDB_OPCODE_RESIZEDB 251
#define RDB_OPCODE_EXPIRETIME_MS 252
#define RDB_OPCODE_EXPIRETIME 253
#define RDB_OPCODE_SELECTDB 254
#define RDB_OPCODE_EOF 255

/* --- CRC64 and LZF ------------------------------------------------------------ */

uint64_t rdb_crc64(uint64_t crc, const void *p, size_t len);

/* Compress in[0..len) into out (cap bytes); the compressed length, or 0 when
 * it does not fit in cap (the caller then stores the string raw). */
size_t rdb_lzf_compress(const void *in, size_t len, void *out, size_t cap);
/* Decompress exactly into out (cap = the expected length); the length
 * produced, or 0 on corrupt input or a length other than cap. */
size_t rdb_lzf_decompress(const void *in, size_t len, void *out, size_t cap);

/* --- Writer ------------------------------------------------------------------- */

/* Where full buffers go: 0, or -1 with errno (the writer then fails every
 * later call).  NULL: everything stays in memory (DUMP payloads). */
typedef int (*rdb_flush_fn)(void *ud, const void *p, size_t len);

struct rdb_writer {
    unsigned char *buf;
    size_t len, cap;
    rdb_flush_fn flush;
    void *ud;
    uint64_t crc;        /* of every byte written so far */
    uint64_t total;      /* bytes written so far */
    int compress;        /* rdbcompression */
    int err;             /* errno of the first failure, 0 */
    void *lzf;           /* the compressor's hash table, made on first use
                          * (rdb_codec.c's own; freed by rdb_writer_free) */
    struct rdb_pipe *pipe; /* rdb_pipe.c's helper thread, or NULL; while
                          * it runs, crc and total are brought up to date
                          * by rdb_writer_flush and rdb_write_checksum */
    int lent;            /* buf and lzf belong to the caller (rdb_writer_lend) */
};

void rdb_writer_init(struct rdb_writer *w, rdb_flush_fn flush, void *ud, int compress);
/* A file writer's buffer and an LZF table: their sizes, for memory a
 * caller keeps between writers and lends them (rdb_pipe.c). */
#define RDB_WRITER_BUF_SIZE (64 * 1024)
size_t rdb_lzf_table_bytes(void);
/* Give a file writer nothing was written to yet its buffer
 * (RDB_WRITER_BUF_SIZE bytes) and LZF table (rdb_lzf_table_bytes(), zeroed
 * the first time, then as an earlier writer left it) from the caller's
 * memory; rdb_writer_free leaves them to the caller. */
void rdb_writer_lend(struct rdb_writer *w, void *buf, void *lzf);
/* Flush what is buffered (file writers); 0 or -1. */
int rdb_writer_flush(struct rdb_writer *w);
void rdb_writer_free(struct rdb_writer *w);
/* All return 0, or -1 once the writer has failed. */
int rdb_write_raw(struct rdb_writer *w, const void *p, size_t len);
int rdb_write_byte(struct rdb_writer *w, unsigned char b);
int rdb_write_len(struct rdb_writer *w, uint64_t len);
int rdb_write_string(struct rdb_writer *w, const void *p, size_t len);
int rdb_write_string_ll(struct rdb_writer *w, long long v); /* as a string, integer-encoded */
int rdb_write_millis(struct rdb_writer *w, int64_t ms);       /* 8 bytes little-endian */
int rdb_write_u64le(struct rdb_writer *w, uint64_t v);
/* Allocate what writing needs up front (the buffer of a file writer, the
 * LZF table), so that afterwards writing allocates nothing for strings
 * that rdb_write_long_string gets scratch for (rdb_pipe.c's thread may
 * not use mem.c's accounting). */
void rdb_writer_prepare(struct rdb_writer *w);
/* rdb_write_string for a string over 20 bytes (never integer-encoded):
 * LZF when enabled and worth it, raw otherwise.  scratch: len bytes for
 * the compressed form, or NULL to allocate them. */
int rdb_write_long_string(struct rdb_writer *w, const void *p, size_t len, void *scratch);
/* The bytes rdb_write_long_string(w, p, len) writes, put in out instead
 * (out holds len + RDB_LONG_STRING_EXTRA bytes) with w's compression
 * setting and LZF table; returns their count.  Nothing is written to w:
 * rdb_pipe.c's caller compresses with it while the thread is behind. */
#define RDB_LONG_STRING_EXTRA 19
size_t rdb_encode_long_string(struct rdb_writer *w, const void *p, size_t len, unsigned char *out);
/* Tests: the base the writer's LZF table stores its next call's positions
 * from, so that their 32-bit wrap-around (and the table's clearing) is
 * reached without 4 GiB of input. */
void rdb_writer_lzf_set_base(struct rdb_writer *w, uint32_t base);
/* The CRC64 trailer of a file (8 bytes LE of the CRC so far; 0 when
 * rdbchecksum is off). */
int rdb_write_checksum(struct rdb_writer *w, int enabled);

/* --- Reader --------------------------------------------------------------------- */

struct rdb_reader {
    const unsigned char *buf;
    size_t len, pos;
    char err[256];       /* set on the first failure, with the offset */
};

void rdb_reader_init(struct rdb_reader *r, const void *buf, size_t len);
int rdb_read_byte(struct rdb_reader *r, unsigned char *out);
/* A length; *encoded set when it is a special string encoding (integer or
 * LZF) instead, with the encoding in *out.  encoded may be NULL when the
 * caller expects a plain length (an encoding is then an error). */
int rdb_read_len(struct rdb_reader *r, uint64_t *out, int *encoded);
/* A string in any of its encodings; *out is mem_alloc'd (NUL-terminated,
 * free with mem_free), *len its length. */
int rdb_read_string(struct rdb_reader *r, char **out, size_t *len);
/* rdb_read_string without allocating: a plain string is left in the
 * reader's buffer (*p points there), an integer or LZF string is put in
 * out (out_cap bytes).  0; 1 when out is too small (*len the room needed,
 * the reader not moved); -1 on failure (r->err).  Touches nothing but r
 * and out, so a helper thread may call it. */
int rdb_read_string_view(struct rdb_reader *r, const unsigned char **p, size_t *len,
                         unsigned char *out, size_t out_cap);
/* A string that must be a canonical integer (stream IDs' parts, counts). */
int rdb_read_string_ll(struct rdb_reader *r, long long *out);
int rdb_read_millis(struct rdb_reader *r, int64_t *out);
int rdb_read_u64le(struct rdb_reader *r, uint64_t *out);
/* The 8-byte binary double (RDB_TYPE_ZSET_2 scores), for skipping. */
int rdb_read_binary_double(struct rdb_reader *r, double *out);
/* Skip one string without keeping it. */
int rdb_skip_string(struct rdb_reader *r);

#endif
