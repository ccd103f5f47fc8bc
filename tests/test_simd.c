/* test_simd.c - reproducibility: the same operations in the same order
 * give byte-identical blocks, whatever the buffers held before and
 * whichever group probing the build uses. This unit has the default
 * probing (SSE2 on x86-64); tests/simd_swar.c defines OHM_NO_SIMD and so
 * has the portable SWAR probing. Both run the same sequences
 * (tests/simd_seq.h) on a map, a set, a constant-hash map and an
 * identity-hash map, across capacities 0..4096 (below and above the
 * group width) and loads 50/80/100, and must agree on every result and
 * every byte. */
#include "test.h"
#include "util.h"

#define SEQ_PREFIX simd_
#include "simd_types.h"

typedef void (*seq_run)(void *buf, uint32_t cap, unsigned load, uint64_t seed, uint64_t ops,
                        uint32_t *results);
typedef struct seq_type {
    const char *name;
    seq_run here, swar;
    size_t (*size)(uint32_t cap), (*swar_size)(uint32_t cap);
} seq_type;
#define SEQ_ENTRY(T) {#T, simd_run_##T, swar_run_##T, simd_size_##T, swar_size_##T},
static const seq_type types[] = {SEQ_TYPES(SEQ_ENTRY)};
#define N_TYPES (sizeof types / sizeof types[0])

static const uint32_t caps[] = {0, 1, 2, 4, 8, 16, 32, 64, 128, 1024, 4096};
static const unsigned loads[] = {100, 80, 50};
static uint64_t seed;

enum { DEFAULT_TWICE, SWAR_TWICE, DEFAULT_VS_SWAR };

/* Two runs on separate blocks that held different garbage: the blocks and
 * the results must be equal. */
static void compare_runs(int mode)
{
    static const char *const what[] = {"default twice", "SWAR twice", "default vs SWAR"};
    for (size_t t = 0; t < N_TYPES; t++)
        for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++)
            for (size_t l = 0; l < 3; l++) {
                seq_run ra = mode == SWAR_TWICE ? types[t].swar : types[t].here;
                seq_run rb = mode == DEFAULT_TWICE ? types[t].here : types[t].swar;
                size_t n = types[t].size(caps[c]);
                TEST_EQ_U(n, types[t].swar_size(caps[c])); /* one layout for both builds */
                uint64_t ops = test_scale(caps[c] <= 64 ? 3000 : 6000);
                unsigned char *x = test_block(64, n), *y = test_block(64, n);
                memset(x, 0x00, n);
                memset(y, 0xFF, n);
                uint32_t *rx = calloc(ops, sizeof *rx), *ry = calloc(ops, sizeof *ry);
                if (!rx || !ry) exit(2);
                uint64_t s = seed + c * 131 + l;
                ra(x, caps[c], loads[l], s, ops, rx);
                rb(y, caps[c], loads[l], s, ops, ry);
                bool same_results = memcmp(rx, ry, ops * sizeof *rx) == 0;
                bool same_bytes = memcmp(x, y, n) == 0;
                TEST_CHECK(same_results);
                TEST_CHECK(same_bytes);
                if (!same_results || !same_bytes)
                    fprintf(stderr, "  %s: %s, capacity %u, load %u\n", what[mode],
                            types[t].name, caps[c], loads[l]);
                free(rx);
                free(ry);
                free(x);
                free(y);
                if (test_failing()) return;
            }
}

static void probing_kinds(void)
{
    printf("probing: this unit %s, simd_swar.c %s\n", OHM__SIMD, swar_probing());
    TEST_CHECK(strcmp(swar_probing(), "swar") == 0);
#if defined(__SSE2__)
    TEST_CHECK(strcmp(OHM__SIMD, "sse2") == 0);
#endif
}
static void same_operations_same_bytes(void) { compare_runs(DEFAULT_TWICE); }
static void same_operations_same_bytes_swar(void) { compare_runs(SWAR_TWICE); }
static void simd_and_swar_agree(void) { compare_runs(DEFAULT_VS_SWAR); }

/* The sequences do real work: the default-hash map fills, empties and
 * ends with entries (so equal blocks are not trivially equal). */
static void sequences_are_not_trivial(void)
{
    size_t n = simd_size_u64(32);
    unsigned char *x = test_block(64, n);
    uint64_t ops = test_scale(3000);
    uint32_t *r = calloc(ops, sizeof *r);
    simd_run_u64(x, 32, 100, seed, ops, r);
    m_u64 *m = (m_u64 *)(void *)x;
    TEST_CHECK(m_u64_count(m) > 0);
    TEST_STATUS(m_u64_check(m), OHM_OK);
    unsigned full = 0, found = 0;
    for (uint64_t i = 0; i < ops; i++) {
        full += r[i] == (uint32_t)OHM_FULL;
        found += r[i] == (uint32_t)OHM_FOUND;
    }
    TEST_CHECK(found > 0);
    if (ops >= 3000) TEST_CHECK(full > 0);
    free(r);
    free(x);
}

int main(int argc, char **argv)
{
    seed = test_seed(argc, argv, 0x51d5a4);
    RUN(probing_kinds);
    RUN(sequences_are_not_trivial);
    RUN(same_operations_same_bytes);
    RUN(same_operations_same_bytes_swar);
    RUN(simd_and_swar_agree);
    return test_finish();
}
