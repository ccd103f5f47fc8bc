/* fuzz_ops.c - libFuzzer target: the map against an oracle.
 *
 * The first input byte picks a configuration (fuzz_common.h): capacity
 * 0..512, maximum load (template default 100, 87, 50 or 1), map or set,
 * the default seeded hash or a deliberately colliding one, and a seed
 * derived from the byte. The rest is an operation stream (ops_driver.h):
 * every insert, lookup and removal call, put_many, remove_at, iteration with value
 * writes, rehash into a bigger or smaller block (and its OHM_INVALID and
 * OHM_FULL cases), memcpy relocation, the adapted calls, clear, reserve and
 * the user word, and a mutation cut short at a store the input picks
 * (fuzz_cut.h), then N_recover. Each result is compared with a
 * direct-indexed oracle, and
 * after every step N_check and N_validate must pass and iteration must
 * give exactly the oracle's contents. Any mismatch abort()s.
 *
 * Build: clang -fsanitize=fuzzer,address,undefined -std=c11 -Iinclude -O1 -g
 * (fuzz/run.sh does it). This file is header-only ohm: it defines
 * OHM_IMPLEMENTATION.
 */
#define OHM_IMPLEMENTATION
#include "fuzz_cut.h" /* the store hook: before ohm.h */
#include "ohm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

/* The four instantiations: {map u32 -> u32, set of u64} x {default hash,
 * colliding hash}. The default-hash map has interleaved slots (the default
 * for u32 -> u32), the colliding one separate arrays (OHM_INTERLEAVE 0). */
#define OHM_NAME om
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#include "ohm_map.h"

#define OHM_NAME omc
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_HASH(k) fz_collide_hash(k)
#define OHM_TYPE_TAG FZ_COLLIDE_TAG
#define OHM_INTERLEAVE 0
#include "ohm_map.h"

#define OHM_NAME os
#define OHM_KEY uint64_t
#include "ohm_map.h"

#define OHM_NAME osc
#define OHM_KEY uint64_t
#define OHM_HASH(k) fz_collide_hash(k)
#define OHM_TYPE_TAG FZ_COLLIDE_TAG
#include "ohm_map.h"

/* The oracle: key index i (0 <= i < ks) is present with value val[i]. */
#define FZ_KS_MAX 1024u
typedef struct fz_oracle {
    uint32_t ks;    /* key space: 1.5 x the first capacity, + 4 */
    uint32_t count; /* present keys */
    uint32_t max;   /* the map's maximum load */
    uint64_t user;  /* the user word we last set */
    uint8_t present[FZ_KS_MAX];
    uint32_t val[FZ_KS_MAX];
} fz_oracle;
static fz_oracle fz_state;

/* The probe of the adapted calls: a key index instead of a key. */
typedef struct fz_probe {
    uint32_t idx;
} fz_probe;

/* What N_remove_if's predicate saw (ops_driver.h). */
typedef struct fz_pred_ctx {
    unsigned bits;
    uint32_t ks, calls;
    bool bad;
    uint8_t called[FZ_KS_MAX];
} fz_pred_ctx;

static uint32_t fz_key_index(fz_in *in, const fz_oracle *o)
{
    unsigned lo = fz_u8(in), hi = fz_u8(in);
    return (lo | hi << 8) % o->ks;
}

#define FZ_N om
#define FZ_K uint32_t
#define FZ_HASH(m, k) ohm_hash_u64((k), om_seed(m))
#include "ops_driver.h"

#define FZ_N omc
#define FZ_K uint32_t
#define FZ_HASH(m, k) fz_collide_hash(k)
#include "ops_driver.h"

#define FZ_N os
#define FZ_K uint64_t
#define FZ_SET
#define FZ_HASH(m, k) ohm_hash_u64((k), os_seed(m))
#include "ops_driver.h"

#define FZ_N osc
#define FZ_K uint64_t
#define FZ_SET
#define FZ_HASH(m, k) fz_collide_hash(k)
#include "ops_driver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    fz_in in = {data + 1, size - 1};
    unsigned cfg = data[0];
    uint32_t cap = fz_config_caps[cfg & 15u];
    unsigned load = fz_config_loads[cfg >> 6];
    uint64_t seed = (cfg * 0x9e3779b97f4a7c15u) ^ 0x5eed;
    bool set = (cfg & FZ_CFG_SET) != 0, collide = (cfg & FZ_CFG_COLLIDE) != 0;
    if (!set && !collide) om_fz_run(&in, cap, load, seed);
    if (!set && collide) omc_fz_run(&in, cap, load, seed);
    if (set && !collide) os_fz_run(&in, cap, load, seed);
    if (set && collide) osc_fz_run(&in, cap, load, seed);
    return 0;
}
