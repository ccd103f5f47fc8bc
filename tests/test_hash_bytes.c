/* test_hash_bytes.c - ohm_hash_bytes under structured key families: no
 * input word may cancel what was hashed before it, nor the length, and no
 * seed may be weak.
 *
 * The flaws this guards against:
 *  - a hash that multiplies by (input word ^ a public constant) lets an
 *    input word equal to that constant zero the product and wipe the
 *    state, so every key that shares the rest collides under every seed;
 *  - a length xored into a state the input words are also xored into lets
 *    a word cancel the length, and zero padding makes tails of different
 *    lengths read alike: "ABCDEFGH" and "ABCDEFGH\x01" collided under
 *    every seed;
 *  - secrets drawn from the seed such that some seed makes a multiplier
 *    zero: under it every key (or every key of some lengths) hashed alike.
 * Here whole families of keys must hash to distinct 64-bit values under
 * each of many seeds, including the default seed 0, and keys under seeds
 * built from the hash's own constants must hash like keys under any seed. */
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

/* ------------------------------------------------------------------------
 * Families of keys that differ in length: the length must not cancel
 * against an input word, and tails of different lengths must not read
 * alike. Each family is checked under seeds 0, 1, UINT64_MAX and 1000
 * random seeds from a fixed generator.
 * ---------------------------------------------------------------------- */

#define NRANDOM_SEEDS 1000
#define MAXKEY 128

typedef struct family {
    size_t n;                         /* members */
    size_t len[128];                  /* each member's length */
    unsigned char key[128][MAXKEY];   /* and bytes */
    int is_str[128];                  /* a C string (no NUL inside): also ohm_hash_str */
} family;

static void family_add(family *f, const unsigned char *k, size_t len)
{
    if (f->n >= 128 || len >= MAXKEY) {
        TEST_CHECK(!"family too big");
        return;
    }
    memcpy(f->key[f->n], k, len);
    f->key[f->n][len] = 0;
    f->len[f->n] = len;
    f->is_str[f->n] = memchr(k, 0, len) == NULL;
    f->n++;
}

/* The family's seeds: 0, 1, UINT64_MAX, then random ones. */
static uint64_t family_seed(size_t i, uint64_t *rng)
{
    static const uint64_t fixed_seeds[] = {0, 1, UINT64_MAX};
    return i < 3 ? fixed_seeds[i] : test_rand(rng);
}

/* How many pairs of the family hash equal, summed over the seeds (0 when
 * every member's hash differs from every other's under every seed); the
 * first offending pair is printed. ohm_hash_str must agree with
 * ohm_hash_bytes on the members that are C strings. */
static unsigned family_collisions(const char *what, const family *f)
{
    static uint64_t h[128];
    unsigned bad = 0;
    uint64_t rng = 0x5eed5eed;
    for (size_t si = 0; si < 3 + NRANDOM_SEEDS; si++) {
        uint64_t seed = family_seed(si, &rng);
        for (size_t i = 0; i < f->n; i++) {
            h[i] = ohm_hash_bytes(f->key[i], f->len[i], seed);
            if (f->is_str[i]) TEST_EQ_U(ohm_hash_str((const char *)f->key[i], seed), h[i]);
        }
        for (size_t i = 0; i < f->n; i++)
            for (size_t j = i + 1; j < f->n; j++)
                if (h[i] == h[j]) {
                    if (!bad)
                        fprintf(stderr, "  %s: members %zu and %zu (lengths %zu, %zu) hash equal under seed %#" PRIx64 "\n",
                                what, i, j, f->len[i], f->len[j], seed);
                    bad++;
                }
    }
    return bad;
}

/* A key, and the same key with one byte appended, for every length up to
 * 48 and every appended byte up to 16 (and the byte that would make the
 * length difference L ^ (L + 1)): "ABCDEFGH" and "ABCDEFGH\x01" were
 * one hash under every seed. The strings are also C strings where the
 * appended byte is not 0, so ohm_hash_str is covered. */
static void appending_a_byte_changes_the_hash(void)
{
    static family f;
    unsigned char base[64];
    uint64_t rng = 3;
    for (int kind = 0; kind < 3; kind++)
        for (size_t len = 0; len <= 48; len++) {
            for (size_t i = 0; i < sizeof base; i++)
                base[i] = kind == 0   ? (unsigned char)('A' + i % 26)   /* "ABCDEFGH..." */
                          : kind == 1 ? 0                               /* zero bytes */
                                      : (unsigned char)(test_rand(&rng) | 1); /* random, no NUL */
            f.n = 0;
            family_add(&f, base, len);
            for (unsigned v = 0; v <= 16; v++) {
                base[len] = (unsigned char)v;
                family_add(&f, base, len + 1);
            }
            base[len] = (unsigned char)(len ^ (len + 1));
            if (base[len] > 16) family_add(&f, base, len + 1);
            char what[64];
            snprintf(what, sizeof what, "kind %d, length %zu and one more", kind, len);
            TEST_EQ_U(family_collisions(what, &f), 0);
            if (test_failing()) return;
        }
    /* The reported pair, as C strings. */
    uint64_t rng2 = 11;
    for (size_t si = 0; si < 3 + NRANDOM_SEEDS; si++) {
        uint64_t seed = family_seed(si, &rng2);
        TEST_CHECK(ohm_hash_str("ABCDEFGH", seed) != ohm_hash_str("ABCDEFGH\x01", seed));
        TEST_CHECK(ohm_hash_bytes("ABCDEFGH", 8, seed) != ohm_hash_bytes("ABCDEFGH\x01", 9, seed));
        if (test_failing()) return;
    }
}

/* Eight keys: an 8-byte X followed by "", "\x01", "\x02\0", "\x03\0\0",
 * ..., "\x07" and six zeros (lengths 8 to 15, the tail word equal to the
 * length minus 8). They were one hash under every seed. Also with X at
 * lengths 24 and 40, and with X of zeros, text or random bytes. */
static void eight_tails_hash_apart(void)
{
    static family f;
    unsigned char key[64];
    uint64_t rng = 5;
    for (int kind = 0; kind < 3; kind++)
        for (size_t xlen = 8; xlen <= 40; xlen += 16) {
            for (size_t i = 0; i < xlen; i++)
                key[i] = kind == 0 ? 0 : kind == 1 ? (unsigned char)('A' + i % 26) : (unsigned char)test_rand(&rng);
            f.n = 0;
            for (unsigned t = 0; t < 8; t++) {
                memset(key + xlen, 0, 8);
                key[xlen] = (unsigned char)t;
                family_add(&f, key, xlen + t);
            }
            char what[64];
            snprintf(what, sizeof what, "kind %d, X of %zu bytes and eight tails", kind, xlen);
            TEST_EQ_U(family_collisions(what, &f), 0);
            if (test_failing()) return;
        }
}

/* A 32-byte M, and for every L' from 33 to 100 the key M with its second
 * word xored with (32 ^ L') and zeros appended up to length L': the word
 * cancelled the length, and the family was one hash under every seed. */
static void a_word_cancels_no_length(void)
{
    static family f;
    unsigned char m[32], key[MAXKEY];
    uint64_t rng = 7;
    for (int kind = 0; kind < 3; kind++) {
        for (size_t i = 0; i < sizeof m; i++)
            m[i] = kind == 0 ? 0 : kind == 1 ? (unsigned char)('a' + i % 26) : (unsigned char)test_rand(&rng);
        f.n = 0;
        family_add(&f, m, sizeof m);
        for (size_t lp = 33; lp <= 100; lp++) {
            memset(key, 0, sizeof key);
            memcpy(key, m, sizeof m);
            uint64_t d = (uint64_t)(32 ^ lp);
            for (int b = 0; b < 8; b++) key[8 + b] ^= (unsigned char)(d >> (8 * b));
            family_add(&f, key, lp);
        }
        char what[64];
        snprintf(what, sizeof what, "kind %d, M and M' of lengths 33..100", kind);
        TEST_EQ_U(family_collisions(what, &f), 0);
    }
}

/* ------------------------------------------------------------------------
 * No weak seed: under seeds built from the hash's constants (which could
 * make a secret drawn from the seed zero, or equal to a constant it is
 * xored with) as under random seeds, 4096 distinct keys of lengths 0 to
 * 64 (every multiple of 16 among them) give 4096 distinct hashes whose low
 * 12 bits spread.
 * ---------------------------------------------------------------------- */

#define WEAK_KEYS 4096

/* The keys: key i is i % 65 bytes long; beyond its first two bytes
 * (which hold i, so keys of a length differ) its bytes are random. Of the
 * empty keys only the first is kept (the others get length 64). */
static unsigned char weak_key[WEAK_KEYS][64];
static size_t weak_len[WEAK_KEYS];

static void make_weak_keys(void)
{
    uint64_t rng = 0x6b657973;
    for (size_t i = 0; i < WEAK_KEYS; i++) {
        size_t len = i % 65;
        if (len == 0 && i != 0) len = 64;
        for (size_t b = 0; b < 64; b++) weak_key[i][b] = (unsigned char)test_rand(&rng);
        if (len == 1) weak_key[i][0] = (unsigned char)(i / 65); /* < 64: distinct */
        else if (len >= 2) {
            weak_key[i][0] = (unsigned char)i;
            weak_key[i][1] = (unsigned char)(i >> 8);
        }
        weak_len[i] = len;
    }
}

/* 0 when seed gives distinct, spread hashes; else a count of faults. */
static unsigned seed_faults(uint64_t seed)
{
    static uint64_t h[WEAK_KEYS];
    unsigned cell_lo[64] = {0}, cell_hi[64] = {0};
    for (size_t i = 0; i < WEAK_KEYS; i++) {
        h[i] = ohm_hash_bytes(weak_key[i], weak_len[i], seed);
        cell_lo[h[i] & 63]++;
        cell_hi[(h[i] >> 6) & 63]++;
    }
    unsigned worst = 0;
    for (int c = 0; c < 64; c++) {
        if (cell_lo[c] > worst) worst = cell_lo[c];
        if (cell_hi[c] > worst) worst = cell_hi[c];
    }
    unsigned c = collisions(h, WEAK_KEYS);
    unsigned faults = c + (worst > 4 * WEAK_KEYS / 64);
    if (faults)
        fprintf(stderr, "  seed %#" PRIx64 ": %u colliding hashes, fullest of 64 cells %u (mean %d)\n", seed, c,
                worst, WEAK_KEYS / 64);
    return faults;
}

static void no_seed_is_weak(void)
{
    make_weak_keys();
    static const uint64_t k[] = {OHM__HB_K0, OHM__HB_K1, OHM__HB_K2, OHM__HB_K3};
    unsigned weak = 0, tried = 0;
    for (size_t i = 0; i < 4; i++) {
        /* Ki ^ v for small v (Ki, Ki ^ 1, ...), ~Ki ^ v, Ki + v, -Ki, and
         * Ki ^ Kj: the old secrets were fold_mul(seed ^ K0, K1) and
         * fold_mul(seed ^ K2, K3), and the last multiplier s1 ^ K1, so
         * K0 (s1 = 0), K0 ^ 1 (s1 ^ K1 = 0) and K2 (s2 = 0) were weak. */
        for (uint64_t v = 0; v < 16; v++) {
            weak += seed_faults(k[i] ^ v), tried++;
            weak += seed_faults(~k[i] ^ v), tried++;
            weak += seed_faults(k[i] + v), tried++;
        }
        weak += seed_faults(0 - k[i]), tried++;
        for (size_t j = 0; j < 4; j++)
            if (j != i) weak += seed_faults(k[i] ^ k[j]), tried++;
    }
    static const uint64_t plain[] = {0, 1, 2, UINT64_MAX, (uint64_t)1 << 63};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) weak += seed_faults(plain[i]), tried++;
    uint64_t rng = 0x5eedf00d;
    for (int i = 0; i < 64; i++) weak += seed_faults(test_rand(&rng)), tried++;
    if (weak) fprintf(stderr, "  %u faults over %u seeds\n", weak, tried);
    TEST_EQ_U(weak, 0);
}

int main(void)
{
    RUN(one_word_varies_the_rest_fixed);
    RUN(a_constant_in_the_second_word_cancels_nothing);
    RUN(one_byte_changes_the_hash_at_every_length);
    RUN(seeds_give_unrelated_hashes);
    RUN(appending_a_byte_changes_the_hash);
    RUN(eight_tails_hash_apart);
    RUN(a_word_cancels_no_length);
    RUN(no_seed_is_weak);
    return test_finish();
}
