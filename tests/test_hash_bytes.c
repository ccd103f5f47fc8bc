/* test_hash_bytes.c - ohm_hash_bytes under structured key families: no
 * input word may cancel what was hashed before it, whatever the seed.
 *
 * The flaw this guards against: a hash that multiplies by (input word ^ a
 * public constant) lets an input word equal to that constant zero the
 * product and wipe the state, so every key that shares the rest collides
 * under every seed. Here whole families of keys that differ in one word,
 * with the other words fixed to 0, to all ones, to random words or to
 * each of the hash's constants, must hash to distinct 64-bit values under
 * each of several seeds, including the default seed 0. */
#include "test.h"

/* 40-byte keys: five little-endian 64-bit words. */
#define WORDS 5
#define FAMILY 4096

static void put_word(unsigned char *key, int w, uint64_t v)
{
    for (int b = 0; b < 8; b++) key[8 * w + b] = (unsigned char)(v >> (8 * b));
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* How many of the family's hashes equal another's (0 when all differ). */
static unsigned collisions(uint64_t *h, size_t n)
{
    qsort(h, n, sizeof *h, cmp_u64);
    unsigned c = 0;
    for (size_t i = 1; i < n; i++) c += h[i] == h[i - 1];
    return c;
}

static const uint64_t seeds[] = {0, 1, 0x9e3779b97f4a7c15u, 0xdeadbeefcafef00du, UINT64_MAX};
#define NSEEDS (sizeof seeds / sizeof seeds[0])

/* The fixed words: zero, all ones, each constant of the hash, and a
 * random word for everything else. */
static const uint64_t fixed[] = {0, UINT64_MAX, OHM__HB_K0, OHM__HB_K1, OHM__HB_K2, OHM__HB_K3,
                                 0x0123456789abcdefu};
#define NFIXED (sizeof fixed / sizeof fixed[0])

static void one_word_varies_the_rest_fixed(void)
{
    static uint64_t h[FAMILY];
    unsigned char key[8 * WORDS];
    for (size_t si = 0; si < NSEEDS; si++)
        for (size_t fi = 0; fi < NFIXED; fi++)
            for (int vary = 0; vary < WORDS; vary++) {
                uint64_t rng = 12345 + vary;
                for (size_t i = 0; i < FAMILY; i++) {
                    for (int w = 0; w < WORDS; w++) put_word(key, w, fixed[fi]);
                    /* the varying word: small counters and random words alike */
                    put_word(key, vary, i < FAMILY / 2 ? i : test_rand(&rng));
                    h[i] = ohm_hash_bytes(key, sizeof key, seeds[si]);
                }
                unsigned c = collisions(h, FAMILY);
                if (c)
                    fprintf(stderr, "  seed %#" PRIx64 ", fixed %#" PRIx64 ", word %d varies: %u collisions\n",
                            seeds[si], fixed[fi], vary, c);
                TEST_EQ_U(c, 0);
            }
}

/* The attack the old hash fell to: bytes 8..15 set to a constant of the
 * hash, bytes 0..7 distinct, bytes 16..39 the same for every key. */
static void a_constant_in_the_second_word_cancels_nothing(void)
{
    static uint64_t h[FAMILY];
    unsigned char key[8 * WORDS];
    for (size_t si = 0; si < NSEEDS; si++)
        for (size_t fi = 0; fi < NFIXED; fi++) {
            for (size_t i = 0; i < FAMILY; i++) {
                uint64_t rng = 99; /* the same tail for every key */
                put_word(key, 0, i);
                put_word(key, 1, fixed[fi]);
                for (int w = 2; w < WORDS; w++) put_word(key, w, test_rand(&rng));
                h[i] = ohm_hash_bytes(key, sizeof key, seeds[si]);
            }
            TEST_EQ_U(collisions(h, FAMILY), 0);
        }
}

/* Every position in every length up to 48: keys that differ in one byte
 * differ in hash, for every seed. */
static void one_byte_changes_the_hash_at_every_length(void)
{
    unsigned char a[48], b[48];
    uint64_t rng = 7;
    for (size_t si = 0; si < NSEEDS; si++)
        for (size_t n = 1; n <= sizeof a; n++)
            for (size_t pos = 0; pos < n; pos++) {
                for (size_t i = 0; i < n; i++) a[i] = (unsigned char)test_rand(&rng);
                memcpy(b, a, n);
                b[pos] ^= (unsigned char)(1u << (test_rand(&rng) & 7));
                TEST_CHECK(ohm_hash_bytes(a, n, seeds[si]) != ohm_hash_bytes(b, n, seeds[si]));
            }
}

/* The seed changes every hash: the same keys under two seeds share no
 * more hash values than chance allows (none, for 4096 keys). */
static void seeds_give_unrelated_hashes(void)
{
    static uint64_t h[2 * FAMILY];
    unsigned char key[24];
    memset(key, 0, sizeof key);
    for (size_t si = 0; si + 1 < NSEEDS; si++) {
        for (size_t i = 0; i < FAMILY; i++) {
            put_word(key, 1, i);
            h[2 * i] = ohm_hash_bytes(key, sizeof key, seeds[si]);
            h[2 * i + 1] = ohm_hash_bytes(key, sizeof key, seeds[si + 1]);
        }
        TEST_EQ_U(collisions(h, 2 * FAMILY), 0);
    }
}

int main(void)
{
    RUN(one_word_varies_the_rest_fixed);
    RUN(a_constant_in_the_second_word_cancels_nothing);
    RUN(one_byte_changes_the_hash_at_every_length);
    RUN(seeds_give_unrelated_hashes);
    return test_finish();
}
