/* sha256.h -- SHA-256 (FIPS 180-4), for ACL passwords.
 *
 * Incremental (init/update/final) and one-shot forms; sha256_hex gives the
 * 64 lower-case hex digits Redis shows in ACL LIST / GETUSER.  libc only. */
#ifndef RUNNEL_SHA256_H
#define RUNNEL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN 64

struct sha256 {
    uint32_t h[8];
    uint64_t total;     /* bytes hashed so far */
    uint8_t block[64];  /* a partial block */
    size_t used;        /* bytes in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_DIGEST_LEN]);
/* One shot: the digest of data. */
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_LEN]);
/* One shot, as 64 lower-case hex digits and a NUL. */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);

#endif
