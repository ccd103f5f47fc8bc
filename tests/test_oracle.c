/* test_oracle.c - the randomized differential test: random operation
 * streams on many map types, capacities (1 to 1024) and maximum loads (50,
 * 80, 100), each operation's result compared with a direct-indexed array,
 * N_check after every operation, the whole map compared every 64 and
 * iterated every ~32. Covers put, put_new, get_or_put, get_or_put_value,
 * fetch_put, the four *_assume_capacity calls (when room exists), put_many,
 * remove, fetch_remove, remove_at, clear, reserve, lookups and iteration
 * (and N_iter_at at three of its entries, against the rest of its order).
 *
 * Hashes: the default integer hash (seeded), a constant hash (everything
 * collides), a hash whose home slot is always the last one (every cluster
 * wraps), and the identity hash with sequential keys; maps and sets; and a
 * struct key whose equality ignores one field.
 *
 * The seed is printed; pass another as argv[1] (or OHM_TEST_SEED). Run
 * lengths scale with OHM_TEST_SCALE. */
#include "test.h"
#include "util.h"

/* ---- keys spread over all 64 bits, invertible for the oracle ---------- */
#define SPREAD_A UINT64_C(0x100000001b3)
#define SPREAD_B UINT64_C(0x0123456789abcdef)
static inline uint64_t spread_key(uint32_t i) { return (uint64_t)i * SPREAD_A + SPREAD_B; }
static inline uint64_t spread_index(uint64_t k)
{
    uint64_t d = k - SPREAD_B;
    return d % SPREAD_A == 0 ? d / SPREAD_A : UINT64_MAX;
}

/* ---- default hash, 8-byte keys and values; loads set at init ---------- */
#define OHM_NAME om
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#include "ohm_map.h"
#define ORC_N om
#define ORC_K uint64_t
#define ORC_KEY(i) spread_key(i)
#define ORC_INDEX(k) spread_index(k)
#define ORC_RUN run_om
#include "oracle.h"

/* ---- the same with OHM_MAX_LOAD 80 compiled in ------------------------ */
#define OHM_NAME om80
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#define OHM_MAX_LOAD 80
#include "ohm_map.h"
#define ORC_N om80
#define ORC_K uint64_t
#define ORC_KEY(i) spread_key(i)
#define ORC_INDEX(k) spread_index(k)
#define ORC_RUN run_om80
#include "oracle.h"

/* ---- a set, default hash ---------------------------------------------- */
#define OHM_NAME os
#define OHM_KEY uint64_t
#include "ohm_map.h"
#define ORC_N os
#define ORC_K uint64_t
#define ORC_SET
#define ORC_KEY(i) spread_key(i)
#define ORC_INDEX(k) spread_index(k)
#define ORC_RUN run_os
#include "oracle.h"

/* ---- constant hash: one home slot, one fingerprint -------------------- */
#define CONST_HASH UINT64_C(0xdeadbeef00000005)
#define OHM_NAME ocon
#define OHM_KEY uint32_t
#define OHM_VALUE uint64_t
#define OHM_HASH(k) ((void)(k), CONST_HASH)
#include "ohm_map.h"
#define ORC_N ocon
#define ORC_K uint32_t
#define ORC_KEY(i) ((uint32_t)(i))
#define ORC_INDEX(k) ((uint64_t)(k))
#define ORC_RUN run_ocon
#include "oracle.h"

#define OHM_NAME ocons
#define OHM_KEY uint32_t
#define OHM_HASH(k) ((void)(k), CONST_HASH)
#include "ohm_map.h"
#define ORC_N ocons
#define ORC_K uint32_t
#define ORC_SET
#define ORC_KEY(i) ((uint32_t)(i))
#define ORC_INDEX(k) ((uint64_t)(k))
#define ORC_RUN run_ocons
#include "oracle.h"

/* ---- every home slot is the last one; fingerprints still differ -------- */
#define LAST_HASH(k) ((ohm_hash_u64((k), 0) << 32) | 0xffffffffu)
#define OHM_NAME olast
#define OHM_KEY uint32_t
#define OHM_VALUE uint64_t
#define OHM_HASH(k) LAST_HASH(k)
#include "ohm_map.h"
#define ORC_N olast
#define ORC_K uint32_t
#define ORC_KEY(i) ((uint32_t)(i) * 7u + 3u)
#define ORC_INDEX(k) ((k) % 7u == 3u ? (uint64_t)((k) / 7u) : UINT64_MAX)
#define ORC_RUN run_olast
#include "oracle.h"

#define OHM_NAME olasts
#define OHM_KEY uint32_t
#define OHM_HASH(k) LAST_HASH(k)
#include "ohm_map.h"
#define ORC_N olasts
#define ORC_K uint32_t
#define ORC_SET
#define ORC_KEY(i) ((uint32_t)(i) * 7u + 3u)
#define ORC_INDEX(k) ((k) % 7u == 3u ? (uint64_t)((k) / 7u) : UINT64_MAX)
#define ORC_RUN run_olasts
#include "oracle.h"

/* ---- identity hash, sequential keys: k and k + capacity share a home --- */
#define OHM_NAME oid
#define OHM_KEY uint32_t
#define OHM_VALUE uint64_t
#define OHM_HASH(k) ((uint64_t)(k))
#include "ohm_map.h"
#define ORC_N oid
#define ORC_K uint32_t
#define ORC_KEY(i) ((uint32_t)(i))
#define ORC_INDEX(k) ((uint64_t)(k))
#define ORC_RUN run_oid
#include "oracle.h"

#define OHM_NAME oids
#define OHM_KEY uint32_t
#define OHM_HASH(k) ((uint64_t)(k))
#include "ohm_map.h"
#define ORC_N oids
#define ORC_K uint32_t
#define ORC_SET
#define ORC_KEY(i) ((uint32_t)(i))
#define ORC_INDEX(k) ((uint64_t)(k))
#define ORC_RUN run_oids
#include "oracle.h"

/* ---- a struct key: equality ignores `tag`, the hash uses the seed ------ */
typedef struct skey {
    uint32_t a;
    uint16_t b;
    uint16_t tag; /* not part of the key's identity */
} skey;
static uint16_t skey_tags;
static inline skey skey_make(uint32_t i)
{
    skey k;
    k.a = i;
    k.b = (uint16_t)(i * 31u + 7u);
    k.tag = skey_tags++; /* every probe differs from what is stored */
    return k;
}
#define SKEY_EQ(x, y) ((x).a == (y).a && (x).b == (y).b)
#define OHM_NAME ostruct
#define OHM_KEY skey
#define OHM_VALUE uint64_t
#define OHM_HASH_EX(m, k, seed) ohm_hash_u64(((uint64_t)(k).a << 16) | (k).b, (seed))
#define OHM_EQ(x, y) SKEY_EQ(x, y)
#include "ohm_map.h"
#define ORC_N ostruct
#define ORC_K skey
#define ORC_KEY(i) skey_make(i)
#define ORC_INDEX(k) ((k).b == (uint16_t)((k).a * 31u + 7u) ? (uint64_t)(k).a : UINT64_MAX)
#define ORC_KEQ(x, y) SKEY_EQ(x, y)
#define ORC_RUN run_ostruct
#include "oracle.h"

/* ---- the configurations ------------------------------------------------ */
typedef uint64_t (*runner)(uint32_t cap, unsigned max_load, uint64_t seed, uint64_t ops);
typedef struct config {
    const char *name;
    runner run;
    uint32_t max_cap;  /* capacities 1, 2, 4, ... max_cap */
    unsigned loads[3]; /* maximum loads to run at (0 ends; 0 first: default) */
} config;

static const config configs[] = {
    {"om (default hash)", run_om, 1024, {100, 80, 50}},
    {"om80 (OHM_MAX_LOAD 80)", run_om80, 1024, {0, 0, 0}},
    {"os (set)", run_os, 1024, {100, 80, 50}},
    {"oid (identity hash)", run_oid, 1024, {100, 80, 50}},
    {"oids (identity hash)", run_oids, 1024, {100, 0, 0}},
    {"ostruct (struct key)", run_ostruct, 1024, {100, 50, 0}},
    {"ocon (constant hash)", run_ocon, 128, {100, 80, 0}},
    {"ocons (constant hash)", run_ocons, 128, {100, 0, 0}},
    {"olast (last-slot hash)", run_olast, 128, {100, 50, 0}},
    {"olasts (last-slot hash)", run_olasts, 128, {100, 0, 0}},
};

/* Operations per run: more for small maps, where one operation is cheap
 * and the boundaries (capacity 1 and 2, full) are dense. */
static uint64_t ops_for(uint32_t cap)
{
    uint64_t n = cap <= 16 ? 8192 : 131072 / cap;
    return test_scale(n < 4096 ? 4096 : n);
}

static uint64_t seed;

static void oracle_all_configurations(void)
{
    uint64_t run_seed = seed;
    for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++) {
        const config *cf = &configs[c];
        uint64_t before = orc_total.ops;
        for (uint32_t cap = 1; cap <= cf->max_cap; cap *= 2) {
            for (size_t li = 0; li < 3; li++) {
                if (li > 0 && cf->loads[li] == 0) break;
                uint64_t s = test_rand(&run_seed);
                uint64_t want = ops_for(cap);
                TEST_EQ_U(cf->run(cap, cf->loads[li], s, want), want);
                if (test_failing()) return;
            }
        }
        printf("  %-28s %8" PRIu64 " operations\n", cf->name, orc_total.ops - before);
    }
}

/* Capacity 0: every insertion is refused, every lookup misses. */
static void oracle_capacity_zero(void)
{
    TEST_EQ_U(run_om(0, 100, seed, test_scale(500)), test_scale(500));
    TEST_EQ_U(run_os(0, 50, seed, test_scale(500)), test_scale(500));
}

/* The suite promises a million checked operations at full scale. */
static void oracle_operation_count(void)
{
    TEST_CHECK(orc_total.ops >= test_scale(1000000));
    /* and the bulk calls really ran */
    TEST_CHECK(orc_total.iter_removed > 0 && orc_total.removed_if > 0 && orc_total.many > 0 &&
               orc_total.put_many > 0);
}

int main(int argc, char **argv)
{
    seed = test_seed(argc, argv, 0x0badc0ffee);
    RUN(oracle_capacity_zero);
    RUN(oracle_all_configurations);
    printf("total: %" PRIu64 " operations (%" PRIu64 " inserted, %" PRIu64 " found, %" PRIu64
           " refused as full, %" PRIu64 " removed, %" PRIu64 " clears, %" PRIu64 " iterations;\n"
           "  %" PRIu64 " removed while iterating, %" PRIu64 " by remove_if, %" PRIu64 " batched lookups, %" PRIu64
           " batched puts)\n",
           orc_total.ops, orc_total.inserted, orc_total.found, orc_total.full, orc_total.removed,
           orc_total.clears, orc_total.iters, orc_total.iter_removed, orc_total.removed_if, orc_total.many,
           orc_total.put_many);
    RUN(oracle_operation_count);
    return test_finish();
}
