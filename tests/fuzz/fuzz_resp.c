/* fuzz_resp.c -- libFuzzer target for the request parser.
 *
 * Input layout: byte 0 holds flags (bit 0: unauthenticated, bit 1: a tiny
 * proto-max-bulk-len, bits 2-4: the largest chunk as a power of two), bytes
 * 1-4 seed the generator of chunk sizes, the rest is the byte stream a
 * client sends.  The stream is fed the way a connection feeds it (chunks
 * appended to a buffer, unconsumed bytes passed again) and, separately, in
 * one piece.  Checked on every call:
 *   - consumed never exceeds what was passed; argv is sane (lengths, NULs);
 *   - bulk progress stays within the announced length;
 *   - both feedings produce the same requests and the same error (when the
 *     stream is under the 64KB line limit, above which chunking legitimately
 *     changes when "too big" fires);
 *   - every byte the parser allocated is freed (mem_used() returns to its
 *     starting value) after resetting each request and freeing the parser.
 *
 * Build: clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined
 *        -Isrc -o fuzz tests/fuzz/fuzz_resp.c src/resp.c src/util.c src/mem.c */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "resp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                          \
    do {                                                                          \
        if (!(cond)) {                                                            \
            fprintf(stderr, "fuzz_resp: check failed at line %d: %s\n", __LINE__, \
                    #cond);                                                       \
            abort();                                                              \
        }                                                                         \
    } while (0)

/* What one feeding produced: a hash of every request and the final error. */
struct fuzz_result {
    uint64_t hash;
    int requests;
    int failed;
    char error[128];
};

static uint64_t fuzz_mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static uint32_t fuzz_next(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

/* Check one completed request and fold it into the result. */
static void fuzz_take_request(struct resp_parser *p, struct fuzz_result *res, size_t fed)
{
    size_t total = 0;

    FUZZ_CHECK(p->argc >= 0);
    FUZZ_CHECK(p->argc == 0 || p->argv != NULL);
    FUZZ_CHECK((size_t)p->argc <= fed); /* each argument costs input bytes */
    res->hash = fuzz_mix(res->hash, &p->argc, sizeof(p->argc));
    for (int i = 0; i < p->argc; i++) {
        FUZZ_CHECK(p->argv[i].ptr != NULL);
        FUZZ_CHECK(p->argv[i].ptr[p->argv[i].len] == '\0');
        total += p->argv[i].len;
        res->hash = fuzz_mix(res->hash, &p->argv[i].len, sizeof(p->argv[i].len));
        res->hash = fuzz_mix(res->hash, p->argv[i].ptr, p->argv[i].len);
    }
    FUZZ_CHECK(total <= fed);
    res->requests++;
}

/* Feed stream[0..len) in chunks whose sizes come from seed (max_chunk 0:
 * all at once), like a connection would. */
static void fuzz_feed(const uint8_t *stream, size_t len, uint32_t seed, size_t max_chunk,
                      int unauth, long long max_bulk, struct fuzz_result *res)
{
    struct resp_parser p;
    char *q = malloc(len + 1);
    size_t qlen = 0, in = 0, fed = 0;

    memset(res, 0, sizeof(*res));
    res->hash = 14695981039346656037ULL;
    resp_parser_init(&p, max_bulk);
    p.unauthenticated = unauth;
    if (seed == 0)
        seed = 0x9e3779b9u;

    while (in < len && !res->failed) {
        size_t chunk = max_chunk ? 1 + fuzz_next(&seed) % max_chunk : len;
        size_t off = 0;
        if (chunk > len - in)
            chunk = len - in;
        memcpy(q + qlen, stream + in, chunk);
        qlen += chunk;
        in += chunk;

        for (;;) {
            size_t used = (size_t)-1;
            enum resp_status st = resp_parse(&p, q + off, qlen - off, &used);
            FUZZ_CHECK(used <= qlen - off);
            off += used;
            fed += used;
            if (st == RESP_DONE) {
                fuzz_take_request(&p, res, fed);
                resp_request_reset(&p);
                FUZZ_CHECK(p.argc == 0 && p.req_type == 0 && p.bulk_len == -1);
                if (off == qlen)
                    break;
                continue;
            }
            if (st == RESP_ERROR) {
                FUZZ_CHECK(strncmp(p.error, "Protocol error: ", 16) == 0);
                res->failed = 1;
                memcpy(res->error, p.error, sizeof(res->error));
                break;
            }
            FUZZ_CHECK(st == RESP_INCOMPLETE);
            FUZZ_CHECK(p.multibulk_left >= 0 && p.multibulk_left <= 2147483647LL);
            if (p.bulk_len >= 0) {
                FUZZ_CHECK(p.bulk_len <= max_bulk);
                FUZZ_CHECK(p.bulk_read <= (size_t)p.bulk_len + 2);
            }
            FUZZ_CHECK(p.argc >= 0 && (long long)p.argc + p.multibulk_left <= 2147483647LL);
            break;
        }
        memmove(q, q + off, qlen - off);
        qlen -= off;
    }
    resp_parser_free(&p);
    free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_result chunked, whole;
    size_t before = mem_used();
    uint32_t seed;
    int unauth;
    long long max_bulk;
    size_t max_chunk;

    if (size < 5)
        return 0;
    unauth = data[0] & 1;
    max_bulk = (data[0] & 2) ? 16 : 512LL * 1024 * 1024;
    max_chunk = (size_t)1 << ((data[0] >> 2) & 7); /* 1 .. 128 bytes */
    memcpy(&seed, data + 1, 4);

    fuzz_feed(data + 5, size - 5, seed, max_chunk, unauth, max_bulk, &chunked);
    FUZZ_CHECK(mem_used() == before);
    fuzz_feed(data + 5, size - 5, seed, 0, unauth, max_bulk, &whole);
    FUZZ_CHECK(mem_used() == before);

    if (size - 5 <= RESP_INLINE_MAX_SIZE) {
        FUZZ_CHECK(chunked.requests == whole.requests);
        FUZZ_CHECK(chunked.hash == whole.hash);
        FUZZ_CHECK(chunked.failed == whole.failed);
        FUZZ_CHECK(strcmp(chunked.error, whole.error) == 0);
    }
    return 0;
}
