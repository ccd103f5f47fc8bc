/* test.h - the tests' tiny runner: named checks that count failures,
 * print where and why, and make the program exit non-zero.
 *
 *   TEST_CHECK(cond)             a failed check is reported and counted
 *   TEST_EQ_U(a, b)              unsigned equality, both values printed
 *   TEST_STATUS(expr, status)    an ohm_status, printed by name
 *   RUN(fn)                      runs `static void fn(void)` as a case
 *   test_seed(argc, argv, dflt)  seed from argv[1] or OHM_TEST_SEED, printed
 *   test_scale(n)                n scaled by OHM_TEST_SCALE (default 1), >= 1
 *   return test_finish();        prints "N passed, N failed", exit status
 */
#ifndef OHM_TEST_H
#define OHM_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ohm.h"

static int test__failed_checks, test__cases_passed, test__cases_failed;
static int test__failed_before_case; /* test__failed_checks when the case began */
static const char *test__case = "(none)";

#define TEST_CHECK(cond)                                                                  \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            test__failed_checks++;                                                        \
            fprintf(stderr, "FAIL %s:%d in %s: %s\n", __FILE__, __LINE__, test__case, #cond); \
        }                                                                                 \
    } while (0)

#define TEST_EQ_U(a, b)                                                                   \
    do {                                                                                  \
        uint64_t test__a = (uint64_t)(a), test__b = (uint64_t)(b);                        \
        if (test__a != test__b) {                                                         \
            test__failed_checks++;                                                        \
            fprintf(stderr, "FAIL %s:%d in %s: %s == %s (%" PRIu64 " != %" PRIu64 ")\n",  \
                    __FILE__, __LINE__, test__case, #a, #b, test__a, test__b);            \
        }                                                                                 \
    } while (0)

#define TEST_STATUS(expr, want)                                                           \
    do {                                                                                  \
        ohm_status test__s = (expr), test__w = (want);                                    \
        if (test__s != test__w) {                                                         \
            test__failed_checks++;                                                        \
            fprintf(stderr, "FAIL %s:%d in %s: %s gave %d (%s), wanted %d (%s)\n",        \
                    __FILE__, __LINE__, test__case, #expr, (int)test__s,                  \
                    ohm_strerror(test__s), (int)test__w, ohm_strerror(test__w));          \
        }                                                                                 \
    } while (0)

#define RUN(fn)                                                                           \
    do {                                                                                  \
        test__failed_before_case = test__failed_checks;                                   \
        test__case = #fn;                                                                 \
        fn();                                                                             \
        if (test__failed_checks == test__failed_before_case) test__cases_passed++;        \
        else test__cases_failed++;                                                        \
    } while (0)

/* True when the current case has failed so far (to stop a long loop). */
/* Where a block's metadata starts (docs/FORMAT.md, format 6), computed
 * here independently of the library: three 64-byte lines (the 128-byte
 * header, the writer's line), the journal's value buffer at the value's
 * alignment, then the next multiple of 16, whatever the capacity. */
static inline size_t test_meta_start(uint32_t cap, size_t val_size, size_t val_align)
{
    (void)cap;
    size_t at = (192 + val_align - 1) / val_align * val_align + val_size;
    return (at + 15) / 16 * 16;
}

/* Formats 5 and 6: the stripe words (one per 16 groups, 1 to 1024) follow the
 * slots, 4-aligned; the size is then rounded up to the block's alignment. */
static inline uint64_t test_stripes(uint64_t cap)
{
    return cap / 16 == 0 ? 1 : cap / 16 < 1024 ? cap / 16 : 1024;
}
static inline uint64_t test_total_size(uint64_t cap, uint64_t slots_end, uint64_t base)
{
    uint64_t end = (slots_end + 3) / 4 * 4 + 4 * test_stripes(cap);
    return (end + base - 1) / base * base;
}

static inline int test_failing(void) { return test__failed_checks != test__failed_before_case; }

static inline uint64_t test_seed(int argc, char **argv, uint64_t dflt)
{
    const char *s = argc > 1 ? argv[1] : getenv("OHM_TEST_SEED");
    uint64_t seed = s ? strtoull(s, NULL, 0) : dflt;
    printf("seed %" PRIu64 " (rerun with this seed as the first argument)\n", seed);
    return seed;
}

static inline uint64_t test_scale(uint64_t n)
{
    const char *s = getenv("OHM_TEST_SCALE");
    double f = s ? strtod(s, NULL) : 1.0;
    uint64_t r = (uint64_t)((double)n * f);
    return r ? r : 1;
}

/* splitmix64: the tests' deterministic random numbers. */
static inline uint64_t test_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static inline int test_finish(void)
{
    printf("%s: %d passed, %d failed\n", test__cases_failed ? "FAILED" : "ok",
           test__cases_passed, test__cases_failed);
    return test__cases_failed ? 1 : 0;
}

#endif
