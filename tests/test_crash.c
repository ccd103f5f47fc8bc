/* test_crash.c - every crash point of every mutating call.
 *
 * OHM_STORE_HOOK (include/ohm.h) runs before each store a mutation makes
 * to a block. Here it counts them and, at the k-th, longjmps out of the
 * call: the block is then exactly what a writer killed at that store
 * leaves behind. For each block and call (crash_driver.h), every k from 0
 * until the call completes is tried on a fresh copy of the block:
 *   - on the cut block, N_check says OHM_BUSY (OHM_OK at k 0: nothing
 *     stored), and N_read of the key the call changes, and of another key,
 *     answers OHM_BUSY when a group it reads was marked busy (else the
 *     state before or after);
 *   - N_recover returns OHM_OK, then N_check OHM_OK;
 *   - against an oracle: every entry the call was not changing is there
 *     with its value; the one it was changing is as before or as after
 *     (an overwrite: the old value or the new, never a mix of them); no
 *     key twice, none lost, none from nowhere; the count is the number of
 *     entries; a clear is all done or not at all;
 *   - N_read then agrees with N_get.
 * A call that completes must give exactly the state after.
 *
 * Calls: put (new key, overwrite), put_new, fetch_put (both), get_or_put
 * (new: the library promises the key, not the value, which its caller
 * stores after it returns; found: no store), remove of keys chosen to
 * shift (the lowest slot of a full group, a displaced key, the farthest
 * key), remove_at, iter_remove, remove_if (every third key and a victim),
 * clear, put_many (a batch: a victim overwritten, then two new keys; each
 * key as before or after, as for the single calls). Blocks: capacities 2, 8, 16, 32, 64, 256; near empty, half,
 * full groups with long shifts, a crowd at the last group that wraps to
 * the first, completely full, keys 15 groups from home (distance code 15),
 * a constant hash; values of 8 bytes and of 40 (an overwrite is five
 * stores). Keys carry their home slot (crash_hash), so shapes are exact.
 *
 * An argument, an operation's name (put, remove, remove_if, ...), runs
 * only those calls. About 20000 cut points in all: under a second with
 * ASan, seconds under valgrind, so nothing is scaled down.
 * Built with -DOHM__TEST_FREE_BEFORE_COPY (a shift that frees an entry's
 * old slot before publishing its copy) the test must fail: `make
 * test-crash-mutant`. */
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The hook, the scratch allocator and the readers' wait: before ohm.h. */
static void crash_store(void);
static void *crash_malloc(size_t n);
static void crash_free(void *p);
#define OHM_STORE_HOOK() crash_store()
#define OHM_MALLOC(n) crash_malloc(n)
#define OHM_FREE(p) crash_free(p)
#define OHM_READ_WAIT_MS 0u /* a reader of a dead writer's groups gives up at once */

#include "test.h"
#include "util.h"

/* ---- the cut ---------------------------------------------------------- */
static jmp_buf crash_env;
static long crash_at = -1; /* the store to cut at; -1: none */
static long crash_stores;  /* stores made so far by the armed call */

static void crash_store(void)
{
    if (crash_at < 0) return;
    if (crash_stores == crash_at) longjmp(crash_env, 1);
    crash_stores++;
}

/* N_remove_if may allocate scratch; a call cut short never frees it. */
#define CRASH_LIVE 8
static void *crash_live[CRASH_LIVE];
static void *crash_malloc(size_t n)
{
    void *p = malloc(n);
    for (int i = 0; p && i < CRASH_LIVE; i++)
        if (!crash_live[i]) {
            crash_live[i] = p;
            break;
        }
    return p;
}
static void crash_free(void *p)
{
    for (int i = 0; p && i < CRASH_LIVE; i++)
        if (crash_live[i] == p) crash_live[i] = NULL;
    free(p);
}

/* Run fn(ctx), cut at store k (k < 0: not cut). True when it completed
 * (crash_stores then says how many stores it made). */
typedef void (*crash_fn)(void *ctx);
static bool crash_run(crash_fn fn, void *ctx, long k)
{
    crash_stores = 0;
    crash_at = k;
    if (setjmp(crash_env) == 0) {
        fn(ctx);
        crash_at = -1;
        return true;
    }
    crash_at = -1;
    for (int i = 0; i < CRASH_LIVE; i++) {
        free(crash_live[i]);
        crash_live[i] = NULL;
    }
    return false;
}

/* ---- keys: an id and the home slot they hash to ------------------------ */
#define CRASH_MAXU 300u
static inline uint64_t crash_key(uint32_t id, uint32_t home) { return (uint64_t)home << 32 | id; }
static inline uint32_t crash_id(uint64_t key) { return (uint32_t)key; }
static inline uint64_t crash_mix(uint64_t x)
{
    x ^= x >> 31;
    x *= 0x7fb5d329728ea185u;
    x ^= x >> 27;
    x *= 0x81dadef4bc2dd44du;
    return x ^ (x >> 33);
}
/* The home slot in the low 32 bits (masked by the capacity), fingerprint
 * and class from the id. */
static inline uint64_t crash_hash(uint64_t key)
{
    return (crash_mix(crash_id(key) + 1u) & ~(uint64_t)0xffffffffu) | (key >> 32);
}
static const uint32_t *crash_home_of; /* the current scenario's homes, by id */
static uint32_t crash_home_n;
static inline uint64_t crash_key_of(uint32_t cap, uint32_t id)
{
    (void)cap;
    return crash_key(id, crash_home_of[id]);
}

/* ---- values: 8 bytes, or 40 (five words, each different in every
 * generation: a mix of old and new shows) ---------------------------- */
typedef struct wide40 {
    uint64_t w[5];
} wide40;
static inline void crash_val8(uint32_t id, uint32_t gen, uint64_t *v) { *v = crash_mix((uint64_t)id << 20 | gen); }
static inline void crash_val40(uint32_t id, uint32_t gen, wide40 *v)
{
    for (unsigned j = 0; j < 5; j++) v->w[j] = crash_mix(((uint64_t)id << 20 | gen) * 8u + j + 1000u);
}

/* ---- operations, failures, statistics --------------------------------- */
enum {
    CRASH_OP_PUT, CRASH_OP_PUT_NEW, CRASH_OP_FETCH_PUT, CRASH_OP_GET_OR_PUT, CRASH_OP_REMOVE,
    CRASH_OP_REMOVE_AT, CRASH_OP_ITER_REMOVE, CRASH_OP_REMOVE_IF, CRASH_OP_CLEAR, CRASH_OP_PUT_MANY, CRASH_OP_COUNT
};
static const char *const crash_op_names[CRASH_OP_COUNT] = {
    "put", "put_new", "fetch_put", "get_or_put", "remove", "remove_at", "iter_remove", "remove_if", "clear",
    "put_many"};
static int crash_only_op = -1; /* argv[1]: only this operation */

static struct {
    uint64_t cases, cuts, stores, busy;
} crash_stat;
static int crash_fails_in_case;

static void crash_fail(const char *type, const char *scn, int op, long k, uint32_t id, const char *what)
{
    test__failed_checks++;
    if (crash_fails_in_case++ >= 5) return;
    fprintf(stderr, "FAIL %s: %s %s, %s, cut at store %ld", test__case, type, scn,
            op >= 0 ? crash_op_names[op] : "build", k);
    if (id != UINT32_MAX) fprintf(stderr, ", key id %u", id);
    fprintf(stderr, ": %s\n", what);
}

/* ---- block shapes ------------------------------------------------------ */
enum {
    SH_FEW,      /* three keys */
    SH_HALF,     /* half full, homes at random */
    SH_RUN,      /* 3/4 full: a crowd homed in group 0 fills groups from there */
    SH_WRAP,     /* a crowd homed in the last group wraps round to group 0 */
    SH_FULL,     /* completely full: half at random, half crowding the last group */
    SH_FAR,      /* all homed in group 0, up to 15 groups on (distance code 15) */
    SH_FAR_FULL  /* the same, completely full */
};

/* The homes of the keys to insert (ids 0..n-1, in order); returns n. */
static uint32_t crash_shape(int shape, uint32_t cap, uint32_t *homes, uint64_t seed)
{
    uint32_t n = 0, last = cap >= 16 ? cap - 16 : 0, g = cap < 16 ? cap : 16;
    switch (shape) {
    case SH_FEW: n = cap < 3 ? cap : 3; break;
    case SH_HALF: n = cap / 2; break;
    case SH_RUN: n = cap * 3 / 4; break;
    case SH_WRAP: n = cap / 2 + 4; break;
    case SH_FULL: n = cap; break;
    case SH_FAR: n = cap - 11; break;
    case SH_FAR_FULL: n = cap; break;
    default: break;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = (uint32_t)test_rand(&seed);
        uint32_t any = r % cap, in_g = r % g;
        switch (shape) {
        case SH_RUN: homes[i] = i < n / 4 ? any : in_g; break;
        case SH_WRAP: homes[i] = i < 4 ? any : last + in_g; break;
        case SH_FULL: homes[i] = i % 2 == 0 ? any : last + in_g; break;
        case SH_FAR:
        case SH_FAR_FULL: homes[i] = in_g; break;
        default: homes[i] = any; break;
        }
    }
    return n;
}

/* The keys to overwrite and remove, by where they sit (slot_id: the id in
 * each slot): the lowest slot of the crowd's home group (removing it
 * shifts the most), the last key inserted (the farthest from home in a
 * crowd), the lowest slot of the group after the crowd's home (a
 * displaced key in a full group), one at random. */
#define CRASH_NVICT 4
static uint32_t crash_victims(uint32_t cap, uint32_t n, uint32_t g0, const uint32_t *slot_id, uint32_t *vict,
                              uint64_t seed)
{
    if (n == 0) return 0;
    uint32_t nv = 0, cand[CRASH_NVICT];
    uint32_t groups = cap < 16 ? 1 : cap / 16;
    cand[0] = UINT32_MAX;
    for (uint32_t s = g0 * 16; s < g0 * 16 + (cap < 16 ? cap : 16) && cand[0] == UINT32_MAX; s++) cand[0] = slot_id[s];
    cand[1] = n - 1;
    cand[2] = UINT32_MAX;
    uint32_t g1 = (g0 + 1) % groups;
    for (uint32_t s = g1 * 16; groups > 1 && s < g1 * 16 + 16 && cand[2] == UINT32_MAX; s++) cand[2] = slot_id[s];
    cand[3] = (uint32_t)(test_rand(&seed) % n);
    for (uint32_t j = 0; j < CRASH_NVICT; j++) {
        bool dup = cand[j] == UINT32_MAX;
        for (uint32_t i = 0; i < nv; i++) dup |= vict[i] == cand[j];
        if (!dup) vict[nv++] = cand[j];
    }
    return nv;
}

/* ---- the map types ----------------------------------------------------- */
#define OHM_NAME cr8 /* crafted homes, 8-byte values */
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#define OHM_HASH(k) crash_hash(k)
#include "ohm_map.h"
#define CD_N cr8
#define CD_V uint64_t
#define CD_VAL(id, g, p) crash_val8((id), (g), (p))
#define CD_NAME "u64->u64"
#include "crash_driver.h"

#define OHM_NAME crw /* crafted homes, 40-byte values */
#define OHM_KEY uint64_t
#define OHM_VALUE wide40
#define OHM_HASH(k) crash_hash(k)
#include "ohm_map.h"
#define CD_N crw
#define CD_V wide40
#define CD_VAL(id, g, p) crash_val40((id), (g), (p))
#define CD_NAME "u64->40 bytes"
#include "crash_driver.h"

/* A constant hash: one home (slot 37: group 2 of 64 slots, so the crowd
 * wraps round), one fingerprint, one class. */
#define CRASH_CONST_HASH (UINT64_C(0x9e3779b900000000) | 37u)
#define OHM_NAME crc
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#define OHM_HASH(k) ((void)(k), CRASH_CONST_HASH)
#include "ohm_map.h"
#define CD_N crc
#define CD_V uint64_t
#define CD_VAL(id, g, p) crash_val8((id), (g), (p))
#define CD_NAME "u64->u64 constant hash"
#include "crash_driver.h"

#define OHM_NAME crcw
#define OHM_KEY uint64_t
#define OHM_VALUE wide40
#define OHM_HASH(k) ((void)(k), CRASH_CONST_HASH)
#include "ohm_map.h"
#define CD_N crcw
#define CD_V wide40
#define CD_VAL(id, g, p) crash_val40((id), (g), (p))
#define CD_NAME "u64->40 bytes constant hash"
#include "crash_driver.h"

/* ---- the cases ---------------------------------------------------------- */
/* One shape with both value sizes. */
static void both(const char *scn, uint32_t cap, int shape, uint64_t seed)
{
    cr8_scenario(scn, cap, shape, seed);
    crw_scenario(scn, cap, shape, seed + 1000);
}

/* Tables of fewer than 16 slots (one group, no shift) and of one group. */
static void small_tables(void)
{
    both("cap 2 full", 2, SH_FULL, 11);
    both("cap 8 few", 8, SH_FEW, 12);
    both("cap 8 full", 8, SH_FULL, 13);
    both("cap 16 half", 16, SH_HALF, 15);
    both("cap 16 full", 16, SH_FULL, 16);
}

/* Several groups: full groups with long shifts, wrap-around, full tables. */
static void group_tables(void)
{
    both("cap 32 few", 32, SH_FEW, 21);
    both("cap 32 run", 32, SH_RUN, 22);
    both("cap 32 wrap", 32, SH_WRAP, 23);
    both("cap 32 full", 32, SH_FULL, 24);
    both("cap 64 few", 64, SH_FEW, 25);
    both("cap 64 run", 64, SH_RUN, 26);
    both("cap 64 wrap", 64, SH_WRAP, 27);
    both("cap 64 full", 64, SH_FULL, 28);
    both("cap 128 wrap", 128, SH_WRAP, 29);
}

/* Keys 15 groups from home: distance code 15 (their distance is found by
 * hashing), and shifts through 15 full groups. */
static void far_keys(void)
{
    both("cap 256 far", 256, SH_FAR, 31);
    both("cap 256 far full", 256, SH_FAR_FULL, 32);
}

/* Every key hashes alike: one home, every fingerprint equal. */
static void constant_hash(void)
{
    crc_scenario("cap 8 full", 8, SH_FULL, 41);
    crc_scenario("cap 16 full", 16, SH_FULL, 42);
    crc_scenario("cap 32 run", 32, SH_RUN, 43);
    crc_scenario("cap 64 full", 64, SH_FULL, 44);
    crcw_scenario("cap 32 full", 32, SH_FULL, 45);
    crcw_scenario("cap 64 run", 64, SH_RUN, 46);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        for (int i = 0; i < CRASH_OP_COUNT; i++)
            if (strcmp(argv[1], crash_op_names[i]) == 0) crash_only_op = i;
        if (crash_only_op < 0) {
            fprintf(stderr, "usage: %s [operation]\n", argv[0]);
            return 2;
        }
    }
    (void)crash_home_n;
    RUN(small_tables);
    RUN(group_tables);
    RUN(far_keys);
    RUN(constant_hash);
    printf("%" PRIu64 " calls, %" PRIu64 " cut points (each recovered and compared), %" PRIu64
           " stores in the completed calls, %" PRIu64 " reads answered OHM_BUSY on a cut block\n",
           crash_stat.cases, crash_stat.cuts, crash_stat.stores, crash_stat.busy);
    return test_finish();
}
