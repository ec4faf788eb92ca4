/* engine_test.h -- helpers shared by the engine's Check suites.
 *
 * Check records every ck_assert* as a "passed" mark in its log, which costs
 * a write per call; the model and million-key tests make tens of millions
 * of checks, so their hot paths use REQUIRE*, which only calls into Check
 * when the condition fails. */
#ifndef RUNNEL_ENGINE_TEST_H
#define RUNNEL_ENGINE_TEST_H

#include <check.h>
#include <stdint.h>

#define REQUIRE(x)                                                              \
    do {                                                                        \
        if (!(x))                                                               \
            ck_abort_msg("%s:%d: failed: %s", __FILE__, __LINE__, #x);          \
    } while (0)
#define REQUIRE_EQ(a, b) REQUIRE((a) == (b))
#define REQUIRE_NE(a, b) REQUIRE((a) != (b))
#define REQUIRE_LT(a, b) REQUIRE((a) < (b))
#define REQUIRE_LE(a, b) REQUIRE((a) <= (b))
#define REQUIRE_GT(a, b) REQUIRE((a) > (b))

/* xorshift64: a fixed-seed generator, so failures replay exactly. */
static uint64_t test_rng_state = 88172645463325252ULL;

static inline void test_rng_seed(uint64_t seed)
{
    test_rng_state = seed ? seed : 88172645463325252ULL;
}

static inline uint64_t test_rng(void)
{
    test_rng_state ^= test_rng_state << 13;
    test_rng_state ^= test_rng_state >> 7;
    test_rng_state ^= test_rng_state << 17;
    return test_rng_state;
}

#endif
