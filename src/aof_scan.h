/* aof_scan.h -- walk the bytes of one AOF file: commands and annotations.
 *
 * One file's bytes (mapped or read by the caller) are a sequence of items:
 *
 *     *<argc>\r\n ($<len>\r\n<len bytes>\r\n){argc}   a command (RESP multibulk)
 *     #<text>\r\n                                      an annotation (e.g. #TS:<unix time>)
 *     #...#\n                                         padding: '#' only, any length
 *                                                      (aof.c's preallocation), an
 *                                                      annotation of '#'s to its reader
 *
 * aof_scan_next() returns them one at a time with exact offsets, and when
 * the bytes stop making sense it says how:
 *
 *   TRUNCATED  the file ends inside an item (or inside a MULTI whose EXEC
 *              never came, or with padding bytes only): what is there is a
 *              prefix of something valid, as a crash during an append
 *              leaves it.  Everything before it->start is whole; cutting
 *              the file there repairs it.
 *   CORRUPT    a byte that no valid file has at its place.  it->bad is
 *              its offset and it->error the reason (redis-check-aof's
 *              wording where it has one); it->start is still the offset
 *              up to which the file is good.
 *
 * The classification is exact in this sense: for any cut of a file,
 * scanning buf[0..cut) returns the same items as scanning the whole file
 * up to the first item that does not end by the cut, and then TRUNCATED
 * if that item was whole or its bad byte lies at or after the cut.
 *
 * Commands are validated line by line here (strict counts, "\r\n" after
 * every line and every bulk, proto-max-bulk-len) and then parsed by the
 * caller's RESP parser (resp_parse), which leaves the arguments in p->argv
 * as for a client's request.  The caller runs the command or takes the
 * arguments, then calls resp_request_reset(p).  The parser must be idle
 * when aof_scan_next() is called; on anything but a command it is left
 * idle again.
 *
 * MULTI/EXEC (on unless s->check_multi is cleared after init): a MULTI
 * inside a MULTI, or an EXEC outside one, is CORRUPT ("Unexpected MULTI",
 * "Unexpected EXEC"); the end of the buffer inside a MULTI is TRUNCATED
 * at the MULTI ("Reached EOF before reading EXEC for MULTI"), and so is a
 * cut or bad item inside one: it->start of a failure is the MULTI's offset,
 * so that a repair never leaves half a transaction.
 *
 * Never reads past len.  After END, TRUNCATED or CORRUPT every further
 * call returns END. */
#ifndef RUNNEL_AOF_SCAN_H
#define RUNNEL_AOF_SCAN_H

#include <stddef.h>

#include "resp.h"

#define AOF_ANNOTATION_MAX_LINE 1024 /* '#', text and "\r\n" together */

enum aof_item {
    AOF_ITEM_END = 0,
    AOF_ITEM_COMMAND,
    AOF_ITEM_ANNOTATION,
    AOF_ITEM_TRUNCATED,
    AOF_ITEM_CORRUPT
};

struct aof_scan {
    const char *buf;
    size_t len;
    size_t pos;           /* where the next item starts */
    long long line;       /* its line number (1-based; see aof_scan_item.line) */
    int check_multi;      /* 1 after init: MULTI/EXEC nesting is checked */
    int in_multi;         /* a MULTI was read and its EXEC was not yet */
    size_t multi_start;   /* offset and line of that MULTI */
    long long multi_line;
    int done;             /* END, TRUNCATED or CORRUPT was returned */
};

struct aof_scan_item {
    /* COMMAND, ANNOTATION: the item's bytes are [start, end).
     * TRUNCATED, CORRUPT: the file is good up to start (the failed item's
     * offset, or its MULTI's); end is len. */
    size_t start, end;
    /* Line number at start, counting the protocol's lines: a command of n
     * arguments is 1 + 2n lines, an annotation 1 (newlines inside bulk
     * data are not lines).  For a whole file it ends as redis-check-aof's
     * ok_up_to_line does for a file without annotations. */
    long long line;
    /* TRUNCATED, CORRUPT: the item that failed (differs from start/line
     * only inside a MULTI). */
    size_t item_start;
    long long item_line;
    size_t bad;            /* CORRUPT: offset of the first bad byte */
    const char *text;      /* ANNOTATION: after '#', without "\r\n" (in buf) */
    size_t text_len;
    /* TRUNCATED: the number of padding bytes ('#', '\n', zeros) the
     * file ends with when they start where an item would (outside a
     * MULTI) and are not whole padding lines, else 0.  A server that
     * preallocates its log (aof-preallocate) leaves such a tail after a
     * crash (older versions wrote zeros); it is the end of the log, not
     * damage. */
    size_t pad_tail;
    char error[256];       /* TRUNCATED, CORRUPT: why, without the offset */
};

void aof_scan_init(struct aof_scan *s, const char *buf, size_t len);

/* The next item; see the top of the file.  On AOF_ITEM_COMMAND the request
 * is in p->argc/p->argv (argc >= 1) exactly as resp_parse leaves it after
 * RESP_DONE. */
enum aof_item aof_scan_next(struct aof_scan *s, struct resp_parser *p, struct aof_scan_item *it);

#endif
