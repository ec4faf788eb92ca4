/* check_sha256.c -- SHA-256 against the FIPS 180-2/180-4 example vectors
 * (NIST "abc", the empty message, the 448- and 896-bit messages, one
 * million 'a'), fed whole and in odd-sized pieces. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

static const struct {
    const char *msg;
    const char *hex;
} vectors[] = {
    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopq"
     "rsmnopqrstnopqrstu",
     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
};

START_TEST(test_vectors_whole)
{
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        char hex[SHA256_HEX_LEN + 1];
        sha256_hex(vectors[i].msg, strlen(vectors[i].msg), hex);
        ck_assert_str_eq(hex, vectors[i].hex);
    }
}
END_TEST

START_TEST(test_vectors_pieces)
{
    /* Every split size from 1 to 70 bytes crosses block boundaries
     * differently; the digest must not change. */
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        size_t len = strlen(vectors[i].msg);
        for (size_t piece = 1; piece <= 70; piece++) {
            struct sha256 s;
            uint8_t d[SHA256_DIGEST_LEN];
            char hex[SHA256_HEX_LEN + 1];
            sha256_init(&s);
            for (size_t off = 0; off < len; off += piece)
                sha256_update(&s, vectors[i].msg + off, len - off < piece ? len - off : piece);
            sha256_final(&s, d);
            for (int k = 0; k < SHA256_DIGEST_LEN; k++)
                sprintf(hex + 2 * k, "%02x", d[k]);
            ck_assert_str_eq(hex, vectors[i].hex);
        }
    }
}
END_TEST

START_TEST(test_million_a)
{
    char *buf = malloc(1000000);
    memset(buf, 'a', 1000000);
    char hex[SHA256_HEX_LEN + 1];
    sha256_hex(buf, 1000000, hex);
    ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(buf);
}
END_TEST

START_TEST(test_padding_edges)
{
    /* 55, 56, 63 and 64 bytes put the length in the same block or the
     * next one; compare one-shot with byte-at-a-time. */
    static const size_t lens[] = {55, 56, 57, 63, 64, 65, 119, 120, 128};
    char msg[128];
    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (char)('A' + i % 26);
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        uint8_t a[SHA256_DIGEST_LEN], b[SHA256_DIGEST_LEN];
        struct sha256 s;
        sha256(msg, lens[i], a);
        sha256_init(&s);
        for (size_t k = 0; k < lens[i]; k++)
            sha256_update(&s, msg + k, 1);
        sha256_final(&s, b);
        ck_assert_mem_eq(a, b, SHA256_DIGEST_LEN);
    }
    /* Redis's ACL hash of "secret" (ACL LIST on Redis 7.0). */
    char hex[SHA256_HEX_LEN + 1];
    sha256_hex("secret", 6, hex);
    ck_assert_str_eq(hex, "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sha256");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_vectors_whole);
    tcase_add_test(tc, test_vectors_pieces);
    tcase_add_test(tc, test_million_a);
    tcase_add_test(tc, test_padding_edges);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
