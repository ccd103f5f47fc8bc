/* fuzz_common.h - what the fuzz targets and the corpus generator share:
 * the failure macro, the input reader and allocator, the colliding hash, the key encoding of fuzz_ops and
 * its operation codes (so that gen_corpus.c writes inputs that decode into
 * meaningful operation streams).
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ohm.h"

/* A broken expectation: say where, then abort() so libFuzzer records the
 * input as a crash. */
#define FZ_REQUIRE(cond)                                                              \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "fuzz: %s:%d: expectation failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                           \
            abort();                                                                  \
        }                                                                             \
    } while (0)

/* The input, consumed from the front; reads past the end give 0. */
typedef struct fz_in {
    const uint8_t *p;
    size_t n;
} fz_in;

static inline unsigned fz_u8(fz_in *in)
{
    if (in->n == 0) return 0;
    in->n--;
    return *in->p++;
}

/* malloc of exactly `size` bytes (so that ASan flags any access past the
 * end); malloc's alignment covers every instantiation the targets use. */
static inline void *fz_alloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    FZ_REQUIRE(p != NULL);
    return p;
}

#define FZ_CAT2(a, b) a##b
#define FZ_CAT(a, b) FZ_CAT2(a, b)

/* The deliberately colliding hash. Four hash values in all: every key's
 * home is the last or the second-to-last slot of any capacity, so in the
 * last group (displaced keys wrap round to group 0 and on, every one of
 * class 7), and there are only two fingerprints (so keys with equal
 * fingerprints are compared). The instantiations that use it carry
 * FZ_COLLIDE_TAG as their type tag. */
#define FZ_COLLIDE_TAG 0x434f4c4cu /* "COLL" */
static inline uint64_t fz_collide_hash(uint64_t k)
{
    return UINT64_MAX - (k & 1u) - ((k & 2u) ? (uint64_t)1 << 57 : 0u);
}

/* Seeds made from the hashes' own constants. A seed equal to a constant
 * it is xored with (or one bit or every bit away from it) zeroes or nearly
 * zeroes an operand of a multiply: seeds like K0, K0 ^ 1, ~K0 and K1 ^ 1
 * were weak for ohm_hash_bytes once. Neither target hashes byte strings,
 * so these seeds go to the seeded integer hash, ohm_hash_u64; its own
 * constants (written inside it, not named) are here too. The targets let
 * the input pick one of these wherever they choose a seed, besides
 * arbitrary ones. */
#define FZ_HU64_C 0x243f6a8885a308d3u  /* ohm_hash_u64: xored into the key */
#define FZ_HU64_K1 0x9e3779b97f4a7c15u /* its multipliers */
#define FZ_HU64_K2 0xd6e8feb86659fd93u
static const uint64_t fz_weak_seeds[] = {
    OHM__HB_K0, OHM__HB_K0 ^ 1u, ~OHM__HB_K0, OHM__HB_K0 ^ (uint64_t)1 << 63,
    OHM__HB_K1, OHM__HB_K1 ^ 1u, ~OHM__HB_K1, OHM__HB_K1 ^ (uint64_t)1 << 63,
    OHM__HB_K2, OHM__HB_K2 ^ 1u, ~OHM__HB_K2, OHM__HB_K2 ^ (uint64_t)1 << 63,
    OHM__HB_K3, OHM__HB_K3 ^ 1u, ~OHM__HB_K3, OHM__HB_K3 ^ (uint64_t)1 << 63,
    OHM__HB_K4, OHM__HB_K4 ^ 1u, ~OHM__HB_K4,
    OHM__HB_K0 ^ OHM__HB_K1, OHM__HB_K2 ^ OHM__HB_K3, OHM__HB_K0 ^ OHM__HB_K2,
    FZ_HU64_C, FZ_HU64_C ^ 1u, ~FZ_HU64_C, FZ_HU64_K1, FZ_HU64_K2, FZ_HU64_C ^ FZ_HU64_K1,
    1u, UINT64_MAX, (uint64_t)1 << 63};
#define FZ_WEAK_SEEDS ((unsigned)(sizeof fz_weak_seeds / sizeof fz_weak_seeds[0]))

/* fuzz_ops keys: key index i (small) <-> key i * FZ_KEY_MUL. The multiplier
 * is odd, so the map is a bijection on 32 and on 64 bits, and neighbouring
 * indices differ in their high bits too. FZ_KEY_INV is its inverse mod 2^64
 * (its low 32 bits are the inverse mod 2^32). */
#define FZ_KEY_MUL 0x9e3779b97f4a7c15u
#define FZ_KEY_INV 0xf1de83e19937733du

/* fuzz_ops capacities: the config byte's low four bits and the rehash
 * operation's parameter byte pick from these. */
static const uint32_t fz_config_caps[16] = {0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512,
                                            1, 2, 4, 8, 16};
static const uint32_t fz_rehash_caps[12] = {0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
/* Maximum loads: the config byte's top two bits (0 is the template default,
 * FZ_DEFAULT_LOAD) and the rehash operation's second byte (mod 8). */
#define FZ_DEFAULT_LOAD 88u /* ohm_map.h's OHM_MAX_LOAD when none is given */
static const unsigned fz_config_loads[4] = {0, 87, 50, 1};
static const unsigned fz_rehash_loads[8] = {100, 75, 50, 90, 33, 1, 99, 60};

/* fuzz_ops config byte: bits 0-3 capacity, bit 4 set, bit 5 colliding hash,
 * bits 6-7 maximum load; the seed is derived from the whole byte. */
#define FZ_CFG_SET 0x10u
#define FZ_CFG_COLLIDE 0x20u

/* fuzz_ops operation codes: an op byte is taken mod 32; the codes after
 * FZ_OP_USER repeat the common ones so that random streams mostly insert,
 * remove and look up. Parameter bytes follow each op byte: K is a 2-byte
 * little-endian key index (mod the key space), B one byte. */
enum fz_op {
    FZ_OP_PUT,                 /* K */
    FZ_OP_PUT_NEW,             /* K */
    FZ_OP_GET,                 /* K */
    FZ_OP_REMOVE,              /* K */
    FZ_OP_FETCH_REMOVE,        /* K B (bit 0: pass NULL) */
    FZ_OP_FETCH_PUT,           /* K B (bit 0: pass NULL) */
    FZ_OP_GET_OR_PUT,          /* K */
    FZ_OP_GET_OR_PUT_VALUE,    /* K */
    FZ_OP_ASSUME,              /* K B (which *_assume_capacity call) */
    FZ_OP_REMOVE_AT,           /* B (which entry, in iteration order) */
    FZ_OP_ITER,                /* B (value update during iteration) */
    FZ_OP_REHASH,              /* B (capacity) B (max load, seed, weak seed, invalid cases) */
    FZ_OP_RELOCATE,            /* B (where the copy goes) */
    FZ_OP_GET_ADAPTED,         /* K */
    FZ_OP_GET_OR_PUT_ADAPTED,  /* K */
    FZ_OP_REMOVE_ADAPTED,      /* K */
    FZ_OP_CLEAR,               /* B (clears only when 0) */
    FZ_OP_RESERVE,             /* B B */
    FZ_OP_USER,                /* B */
    FZ_OP_ITER_REMOVE,         /* B (which entries: a bit pattern) */
    FZ_OP_REMOVE_IF,           /* B (which entries: a bit pattern) */
    FZ_OP_GET_MANY,            /* B (how many keys) */
    FZ_OP_CUT,                 /* B (which call) K B B (the store it is cut at): see FZ_CUT_CALLS */
    FZ_OP_PUT_MANY,            /* B (how many keys) B (which keys) */
    FZ_OP_COUNT
};
/* FZ_OP_CUT: a mutation cut short at its store b1 + 256 * (b2 % 4) (fuzz_cut.h),
 * then N_recover, N_check and the contents against the states before and
 * after; the stream goes on with the recovered map. The call (its first
 * byte mod FZ_CUT_CALLS): put, put_new, fetch_put, get_or_put, remove,
 * remove_at, iter_remove of the key K, remove_if (K's low byte the bit
 * pattern, as FZ_OP_REMOVE_IF), clear, put_many of the keys K, K + 1,
 * K + 2 (mod the key space). */
#define FZ_CUT_CALLS 10u
static inline int fz_op_decode(unsigned byte)
{
    static const uint8_t more[32 - FZ_OP_COUNT] = {
        FZ_OP_PUT, FZ_OP_PUT, FZ_OP_PUT, FZ_OP_PUT_NEW, FZ_OP_REMOVE, FZ_OP_REMOVE,
        FZ_OP_GET, FZ_OP_GET_OR_PUT};
    unsigned op = byte % 32u;
    return op < FZ_OP_COUNT ? (int)op : more[op - FZ_OP_COUNT];
}

#endif
