/* test_collide.c - adversarial hashes, checked slot by slot: a constant
 * hash (one cluster holding everything), a hash whose home is always the
 * last slot (every cluster wraps), the identity hash with sequential keys
 * (keys k and k + capacity share a home), and a 32-bit hash (every
 * fingerprint equal, so only the key compare decides).
 *
 * Besides lookups and N_check, what removal promises is tested literally:
 * after any removal every 16-slot group holds as many keys as it would if
 * the remaining keys had been inserted into an empty map (the group-level
 * backward shift keeps invariant I, and I fixes how full each group is),
 * and exact slots are checked where the format fixes them. */
#include "test.h"
#include "util.h"

#define OHM_NAME ccon /* constant hash */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_HASH(k) ((void)(k), UINT64_C(0x8000000000000003))
#include "ohm_map.h"

#define OHM_NAME clast /* home is the last slot; fingerprints differ */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_HASH(k) ((ohm_hash_u64((k), 7) << 32) | 0xffffffffu)
#include "ohm_map.h"

#define OHM_NAME cid /* identity */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_HASH(k) ((uint64_t)(k))
#include "ohm_map.h"

#define OHM_NAME c32 /* 32-bit hash: fingerprint bits all zero */
#define OHM_KEY uint64_t
#define OHM_HASH(k) ((uint64_t)(uint32_t)ohm_hash_u64((k), 0))
#include "ohm_map.h"

#define OHM_NAME cdef /* the default hash, for comparison */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#include "ohm_map.h"

#define NEW_MAP(P, cap, load)                                                               \
    P##_init_ex(test_block(P##_base_align(), P##_layout_for_capacity(cap).total_size),       \
                P##_layout_for_capacity(cap), 0, (load))

static uint64_t seed;

/* The keys of a map in slot order (slot 0 first), into out[] (at most n);
 * returns count. Iteration starts after a free slot, not at slot 0, so
 * each entry is put at its slot (N__slot_of, the template's own helper)
 * and the used slots are then read in order. */
#define SLOT_ORDER(P)                                                                       \
    static uint32_t P##_slot_order(const P *m, uint64_t *out, uint32_t n)                  \
    {                                                                                      \
        uint32_t cap = P##_capacity(m), c = 0;                                             \
        uint64_t *by_slot = calloc(cap ? cap : 1, sizeof *by_slot);                       \
        uint8_t *used = calloc(cap ? cap : 1, 1);                                         \
        if (!by_slot || !used) exit(2);                                                    \
        P##_iter it = P##_iter_begin(m);                                                   \
        P##_entry e;                                                                       \
        while (P##_iter_next(&it, &e)) {                                                   \
            uint32_t s = P##__slot_of(m, e.key);                                           \
            TEST_CHECK(s < cap && !used[s]);                                               \
            if (s < cap) { by_slot[s] = (uint64_t)*e.key; used[s] = 1; }                   \
        }                                                                                  \
        for (uint32_t s = 0; s < cap && c < n; s++)                                        \
            if (used[s]) out[c++] = by_slot[s];                                            \
        free(by_slot);                                                                     \
        free(used);                                                                        \
        return c;                                                                          \
    }
SLOT_ORDER(ccon)
SLOT_ORDER(clast)
SLOT_ORDER(cid)
SLOT_ORDER(cdef)

/* Keys used in each 16-slot group of a map (a table of fewer slots is
 * one group), from its metadata bytes. */
static void group_counts(const void *m, uint32_t cap, uint32_t *out)
{
    const ohm_header *h = m;
    const uint8_t *meta = (const uint8_t *)m + h->meta_start;
    for (uint32_t g = 0; g * 16 < cap || g == 0; g++) out[g] = 0;
    for (uint32_t s = 0; s < cap; s++) out[s / 16] += meta[s] != 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Random inserts and removals on map `m` of type P, keys drawn by KEYOF
 * from 0..nkeys-1. After every removal a fresh map gets the live keys in
 * their insertion order and must have the same keys and as many in each
 * group. */
#define SAME_GROUPS_AS_NEVER_INSERTED(P, KEYOF)                                             \
    static void P##_as_if_never_inserted(uint32_t cap, unsigned load, uint64_t ops)         \
    {                                                                                      \
        P *m = NEW_MAP(P, cap, load), *fresh = NEW_MAP(P, cap, load);                      \
        uint32_t nkeys = cap + cap / 2 + 1, live = 0, groups = cap / 16 + 1;               \
        uint32_t *order = malloc(nkeys * sizeof *order); /* live keys, insertion order */ \
        uint64_t *a = malloc(cap * sizeof *a), *b = malloc(cap * sizeof *b);               \
        uint32_t *ga = malloc(groups * sizeof *ga), *gb = malloc(groups * sizeof *gb);     \
        uint64_t rng = seed ^ cap ^ ((uint64_t)load << 20);                                \
        for (uint64_t op = 0; op < ops && !test_failing(); op++) {                         \
            uint32_t i = (uint32_t)(test_rand(&rng) % nkeys);                              \
            uint32_t at = live;                                                            \
            for (uint32_t j = 0; j < live; j++)                                            \
                if (order[j] == i) at = j;                                                 \
            if (test_rand(&rng) % 100 < 55) {                                              \
                ohm_status st = P##_put(m, KEYOF(i), i);                                   \
                if (at < live) TEST_STATUS(st, OHM_FOUND);                                 \
                else if (live < P##_max_load(m)) { TEST_STATUS(st, OHM_OK); order[live++] = i; } \
                else TEST_STATUS(st, OHM_FULL);                                            \
                continue;                                                                  \
            }                                                                              \
            TEST_EQ_U(P##_remove(m, KEYOF(i)), at < live);                                 \
            if (at == live) continue;                                                      \
            memmove(order + at, order + at + 1, (live - at - 1) * sizeof *order);          \
            live--;                                                                        \
            P##_clear(fresh);                                                              \
            for (uint32_t j = 0; j < live; j++)                                            \
                TEST_STATUS(P##_put(fresh, KEYOF(order[j]), order[j]), OHM_OK);            \
            uint32_t na = P##_slot_order(m, a, cap), nb = P##_slot_order(fresh, b, cap);   \
            TEST_EQ_U(na, live);                                                           \
            TEST_EQ_U(nb, live);                                                           \
            qsort(a, na, sizeof *a, cmp_u64);                                              \
            qsort(b, nb, sizeof *b, cmp_u64);                                              \
            TEST_CHECK(na == nb && memcmp(a, b, na * sizeof *a) == 0);                     \
            TEST_STATUS(P##_check(m), OHM_OK);                                             \
            group_counts(m, cap, ga);                                                      \
            group_counts(fresh, cap, gb);                                                  \
            TEST_CHECK(memcmp(ga, gb, (cap / 16 + (cap < 16)) * sizeof *ga) == 0);         \
        }                                                                                  \
        free(order);                                                                       \
        free(a);                                                                           \
        free(b);                                                                           \
        free(ga);                                                                          \
        free(gb);                                                                          \
        free(fresh);                                                                       \
        free(m);                                                                           \
    }
#define ID_KEY(i) ((uint32_t)(i))
#define C32_KEY(i) ((uint64_t)(i) << 40 | 5u)
SAME_GROUPS_AS_NEVER_INSERTED(ccon, ID_KEY)
SAME_GROUPS_AS_NEVER_INSERTED(clast, ID_KEY)
SAME_GROUPS_AS_NEVER_INSERTED(cid, ID_KEY)
SAME_GROUPS_AS_NEVER_INSERTED(cdef, ID_KEY)

static void removal_as_if_never_inserted(void)
{
    static const unsigned loads[] = {100, 80, 50};
    for (uint32_t cap = 1; cap <= 128; cap *= 2)
        for (size_t l = 0; l < 3; l++) {
            uint64_t ops = test_scale(cap <= 16 ? 3000 : 1500);
            ccon_as_if_never_inserted(cap, loads[l], ops);
            clast_as_if_never_inserted(cap, loads[l], ops);
            cid_as_if_never_inserted(cap, loads[l], ops);
            cdef_as_if_never_inserted(cap, loads[l], ops);
            if (test_failing()) {
                fprintf(stderr, "  capacity %u, load %u\n", cap, loads[l]);
                return;
            }
        }
}

/* The key in each slot (UINT64_MAX: free), from iteration. */
#define BY_SLOT(P)                                                                          \
    static void P##_by_slot(const P *m, uint64_t *out)                                     \
    {                                                                                      \
        for (uint32_t s = 0; s < P##_capacity(m); s++) out[s] = UINT64_MAX;                \
        P##_iter it = P##_iter_begin(m);                                                   \
        P##_entry e;                                                                       \
        while (P##_iter_next(&it, &e)) out[P##__slot_of(m, e.key)] = (uint64_t)*e.key;     \
    }
BY_SLOT(ccon)
BY_SLOT(clast)

/* Constant hash: every key's home is group 0 (slot 3's group); keys fill
 * the lowest free slot of the first group with one, so key i sits in slot
 * i; misses read every group. Removing key 0 pulls the first key of each
 * later group back into the group before it. */
static void constant_hash_one_cluster(void)
{
    for (uint32_t cap = 1; cap <= 256; cap *= 2) {
        ccon *m = NEW_MAP(ccon, cap, 100);
        for (uint32_t i = 0; i < cap; i++) TEST_STATUS(ccon_put(m, i, i * 2), OHM_OK);
        uint64_t *slots = malloc(cap * sizeof *slots);
        ccon_by_slot(m, slots);
        for (uint32_t s = 0; s < cap; s++) TEST_EQ_U(slots[s], s);
        for (uint32_t i = 0; i < cap; i++) TEST_EQ_U(*ccon_get(m, i), i * 2);
        TEST_CHECK(!ccon_contains(m, cap)); /* a miss in a full table ends */
        TEST_STATUS(ccon_put(m, cap, 0), OHM_FULL);
        TEST_CHECK(ccon_remove(m, 0));
        ccon_by_slot(m, slots);
        uint32_t groups = cap / 16;
        for (uint32_t s = 0; s < cap; s++) {
            uint64_t want = s;
            if (groups <= 1) want = s == 0 ? UINT64_MAX : s; /* one group: nothing to pull */
            else if (s % 16 == 0) want = s / 16 + 1 < groups ? s + 16 : UINT64_MAX;
            TEST_EQ_U(slots[s], want);
        }
        for (uint32_t i = 1; i < cap; i++) TEST_EQ_U(*ccon_get(m, i), i * 2);
        TEST_STATUS(ccon_check(m), OHM_OK);
        free(slots);
        free(m);
    }
}

/* Last-slot hash: every key's home is the last group, so every table of
 * two or more groups wraps to group 0. */
static void last_slot_hash_wraps(void)
{
    for (uint32_t cap = 2; cap <= 256; cap *= 2) {
        static const unsigned loads[] = {100, 50};
        for (size_t l = 0; l < 2; l++) {
            clast *m = NEW_MAP(clast, cap, loads[l]);
            uint32_t max = clast_max_load(m);
            for (uint32_t i = 0; i < max; i++) TEST_STATUS(clast_put(m, i, ~i), OHM_OK);
            /* Key i fills the last group, then group 0, 1, ... in order. */
            uint64_t *slots = malloc(cap * sizeof *slots);
            clast_by_slot(m, slots);
            uint32_t groups = cap < 16 ? 1 : cap / 16;
            for (uint32_t i = 0; i < max; i++) {
                uint32_t at = cap < 16 ? i : ((groups - 1 + i / 16) % groups) * 16 + i % 16;
                TEST_EQ_U(slots[at], i);
            }
            /* Remove from the wrapped part and from the end, alternately. */
            for (uint32_t r = 0; r < max; r++) {
                uint32_t k = r % 2 ? r / 2 : max - 1 - r / 2;
                TEST_CHECK(clast_remove(m, k));
                TEST_STATUS(clast_check(m), OHM_OK);
            }
            TEST_EQ_U(clast_count(m), 0);
            free(slots);
            free(m);
        }
    }
}

/* Identity hash with sequential keys: 0..cap-1 each sit at home; cap..
 * collide with them. */
static void identity_hash_sequential(void)
{
    for (uint32_t cap = 1; cap <= 1024; cap *= 2) {
        cid *m = NEW_MAP(cid, cap, 100);
        for (uint32_t k = 0; k < cap; k++) TEST_STATUS(cid_put(m, k, k), OHM_OK);
        uint64_t *slots = malloc(cap * sizeof *slots);
        TEST_EQ_U(cid_slot_order(m, slots, cap), cap);
        for (uint32_t s = 0; s < cap; s++) TEST_EQ_U(slots[s], s); /* no displacement */
        for (uint32_t k = cap; k < 2 * cap; k++) {
            TEST_CHECK(!cid_contains(m, k));
            TEST_STATUS(cid_put(m, k, k), OHM_FULL);
        }
        /* Swap the low half for keys that share their homes. */
        for (uint32_t k = 0; k < cap / 2; k++) {
            TEST_CHECK(cid_remove(m, k));
            TEST_STATUS(cid_put(m, k + cap, k), OHM_OK);
        }
        TEST_EQ_U(cid_slot_order(m, slots, cap), cap);
        for (uint32_t s = 0; s < cap; s++) TEST_EQ_U(slots[s], s < cap / 2 ? s + cap : s);
        TEST_STATUS(cid_check(m), OHM_OK);
        free(slots);
        free(m);
    }
    /* At 50%: keys 0..15 at home, then 64..79 (same homes) displaced by
     * 16; removing 0..15 brings every one of them back home. */
    cid *m = NEW_MAP(cid, 64, 50);
    for (uint32_t k = 0; k < 16; k++) TEST_STATUS(cid_put(m, k, 0), OHM_OK);
    for (uint32_t k = 64; k < 80; k++) TEST_STATUS(cid_put(m, k, 0), OHM_OK);
    TEST_STATUS(cid_put(m, 999, 0), OHM_FULL);
    for (uint32_t k = 0; k < 16; k++) TEST_CHECK(cid_remove(m, k));
    for (uint32_t k = 64; k < 80; k++) TEST_CHECK(cid_contains(m, k));
    uint64_t slots[64];
    TEST_EQ_U(cid_slot_order(m, slots, 64), 16);
    for (uint32_t s = 0; s < 16; s++) TEST_EQ_U(slots[s], 64 + s); /* back at home */
    TEST_STATUS(cid_check(m), OHM_OK);
    free(m);
}

/* A hash with no fingerprint bits: every used slot's metadata byte is the
 * same, so every probe compares keys. Results must not change. */
static void equal_fingerprints(void)
{
    c32 *m = NEW_MAP(c32, 512, 100);
    uint64_t rng = seed;
    for (uint32_t i = 0; i < 512; i++) TEST_STATUS(c32_put(m, C32_KEY(i)), OHM_OK);
    for (uint32_t i = 0; i < 512; i++) TEST_CHECK(c32_contains(m, C32_KEY(i)));
    for (uint32_t i = 512; i < 1024; i++) TEST_CHECK(!c32_contains(m, C32_KEY(i)));
    for (int r = 0; r < 2000; r++) {
        uint32_t i = (uint32_t)(test_rand(&rng) % 512);
        TEST_CHECK(c32_remove(m, C32_KEY(i)));
        TEST_STATUS(c32_put(m, C32_KEY(i)), OHM_OK);
    }
    TEST_EQ_U(c32_count(m), 512);
    TEST_STATUS(c32_check(m), OHM_OK);
    free(m);
}

int main(int argc, char **argv)
{
    seed = test_seed(argc, argv, 0xc011de);
    RUN(removal_as_if_never_inserted);
    RUN(constant_hash_one_cluster);
    RUN(last_slot_hash_wraps);
    RUN(identity_hash_sequential);
    RUN(equal_fingerprints);
    return test_finish();
}
