/* test_rng.h -- the seeded generator unit tests draw their inputs from
 * (xorshift64*): set test_rng_state, and a failing run repeats exactly. */
#ifndef RUNNEL_TEST_RNG_H
#define RUNNEL_TEST_RNG_H

#include <stdint.h>

static uint64_t test_rng_state;

static inline uint64_t test_rng(void)
{
    uint64_t x = test_rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    test_rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

#endif
