/* test_scenarios.c - the reference map's own test scenarios (Ghostty's
 * hash_map.zig), written afresh in C: basic usage, reserve and
 * reserve_total, reserve with removals, clear, removing every third key,
 * reverse removals, several removals in one cluster, random put/remove
 * loops, overwrite, a full-load put, put_assume_capacity, a million
 * put_assume_capacity/remove cycles at the maximum load, moves at the
 * maximum load, clusters that wrap around the end of the table, removal
 * from a completely full table, get_or_put and get_or_put_value, fetch_put
 * and fetch_remove, remove_at, and the map found again from its offset.
 * N_check (the canonical placement invariant) runs after the mutations. */
#include "test.h"
#include "util.h"

/* The reference's maximum load, every slot (the default is 88). */
#define OHM_NAME smap /* the reference's AutoHashMap(u32, u32) */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define OHM_NAME simap /* i32 -> i32 */
#define OHM_KEY int32_t
#define OHM_VALUE int32_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define OHM_NAME s64 /* u64 -> u64 */
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define OHM_NAME sset /* the reference's AutoHashMap(u64, void) */
#define OHM_KEY uint64_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define OHM_NAME sid80 /* identity hash, maximum load 80 */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_HASH(k) ((uint64_t)(k))
#define OHM_MAX_LOAD 80
#include "ohm_map.h"

#define OHM_NAME swrap /* every key's home is slot 14 of 16 */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_HASH(k) ((void)(k), (uint64_t)14)
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define OHM_NAME s80 /* maximum load 80 */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_MAX_LOAD 80
#include "ohm_map.h"

/* A map of exactly `cap` raw slots, from N_layout_for_capacity as in the
 * reference's tests. free() it. */
#define NEW_MAP(P, cap)                                                                   \
    P##_init(test_block(P##_base_align(), P##_layout_for_capacity(cap).total_size),        \
             P##_layout_for_capacity(cap))

static uint64_t seed;

static void basic_usage(void)
{
    smap *m = NEW_MAP(smap, 16);
    uint32_t total = 0;
    for (uint32_t i = 0; i < 5; i++) {
        TEST_STATUS(smap_put(m, i, i), OHM_OK);
        total += i;
    }
    uint32_t sum = 0;
    smap_iter it = smap_iter_begin(m);
    smap_entry e;
    while (smap_iter_next(&it, &e)) sum += *e.key;
    TEST_EQ_U(sum, total);
    sum = 0;
    for (uint32_t i = 0; i < 5; i++) {
        TEST_EQ_U(*smap_get(m, i), i);
        sum += *smap_get(m, i);
    }
    TEST_EQ_U(sum, total);
    free(m);
}

/* ensureTotalCapacity / ensureUnusedCapacity: reserve never grows a map,
 * it says whether the entries fit. */
static void ensure_capacity(void)
{
    simap *m = NEW_MAP(simap, 32);
    TEST_STATUS(simap_reserve_total(m, 20), OHM_OK);
    uint32_t cap = simap_capacity(m);
    TEST_CHECK(cap >= 20);
    for (int32_t i = 0; i < 20; i++) TEST_CHECK(!simap_fetch_put_assume_capacity(m, i, i + 10, NULL));
    TEST_EQ_U(simap_capacity(m), cap);
    for (int32_t i = 0; i < 20; i++) TEST_EQ_U(*simap_get(m, i), i + 10);
    free(m);

    /* With elements already there, asking for more than fits fails and
     * changes nothing. */
    smap *s = NEW_MAP(smap, 8);
    TEST_STATUS(smap_put(s, 0, 0), OHM_OK);
    TEST_STATUS(smap_reserve_total(s, 65), OHM_FULL);
    TEST_STATUS(smap_reserve(s, 8), OHM_FULL);
    TEST_STATUS(smap_reserve(s, 7), OHM_OK);
    TEST_EQ_U(smap_count(s), 1);
    TEST_EQ_U(smap_capacity(s), 8);
    free(s);

    s64 *u = NEW_MAP(s64, 64);
    TEST_STATUS(s64_reserve(u, 32), OHM_OK);
    TEST_STATUS(s64_reserve(u, 65), OHM_FULL);
    free(u);
}

/* ensureUnusedCapacity with removals: removal gives the room back, so a
 * fixed map can churn for ever. */
static void reserve_with_removals(void)
{
    simap *m = NEW_MAP(simap, 32);
    for (int32_t i = 0; i < 100; i++) {
        TEST_STATUS(simap_reserve(m, 1), OHM_OK);
        simap_put_assume_capacity(m, i, i);
        TEST_CHECK(simap_remove(m, i));
    }
    TEST_EQ_U(simap_count(m), 0);
    /* And at the edge: full, remove one, reserve(1) succeeds again. */
    for (int32_t i = 0; i < 32; i++) simap_put_assume_capacity(m, i, i);
    TEST_STATUS(simap_reserve(m, 1), OHM_FULL);
    for (int32_t i = 0; i < 200; i++) {
        TEST_CHECK(simap_remove(m, i));
        TEST_STATUS(simap_reserve(m, 1), OHM_OK);
        simap_put_assume_capacity(m, i + 32, i);
        TEST_STATUS(simap_reserve(m, 1), OHM_FULL);
    }
    TEST_STATUS(simap_check(m), OHM_OK);
    free(m);
}

static void clear_retaining_capacity(void)
{
    smap *m = NEW_MAP(smap, 16);
    smap_clear(m);
    TEST_STATUS(smap_put(m, 1, 1), OHM_OK);
    TEST_EQ_U(*smap_get(m, 1), 1);
    TEST_EQ_U(smap_count(m), 1);
    smap_clear(m);
    smap_put_assume_capacity(m, 1, 1);
    TEST_EQ_U(*smap_get(m, 1), 1);
    TEST_EQ_U(smap_count(m), 1);
    uint32_t cap = smap_capacity(m);
    TEST_CHECK(cap > 0);
    smap_clear(m);
    smap_clear(m);
    TEST_EQ_U(smap_count(m), 0);
    TEST_EQ_U(smap_capacity(m), cap);
    TEST_CHECK(!smap_contains(m, 1));
    TEST_STATUS(smap_check(m), OHM_OK);
    free(m);
}

static void remove_every_third(void)
{
    smap *m = NEW_MAP(smap, 32);
    for (uint32_t i = 0; i < 16; i++) TEST_STATUS(smap_put(m, i, i), OHM_OK);
    for (uint32_t i = 0; i < 16; i++)
        if (i % 3 == 0) {
            TEST_CHECK(smap_remove(m, i));
            TEST_STATUS(smap_check(m), OHM_OK);
        }
    TEST_EQ_U(smap_count(m), 10);
    smap_iter it = smap_iter_begin(m);
    smap_entry e;
    while (smap_iter_next(&it, &e)) {
        TEST_EQ_U(*e.key, *e.value);
        TEST_CHECK(*e.key % 3 != 0);
    }
    for (uint32_t i = 0; i < 16; i++) {
        if (i % 3 == 0) TEST_CHECK(!smap_contains(m, i));
        else TEST_EQ_U(*smap_get(m, i), i);
    }
    free(m);
}

static void reverse_removes(void)
{
    smap *m = NEW_MAP(smap, 32);
    for (uint32_t i = 0; i < 16; i++) TEST_STATUS(smap_put_new(m, i, i), OHM_OK);
    for (uint32_t i = 16; i > 0; i--) {
        TEST_CHECK(smap_remove(m, i - 1));
        TEST_CHECK(!smap_contains(m, i - 1));
        for (uint32_t j = 0; j + 1 < i; j++) TEST_EQ_U(*smap_get(m, j), j);
        TEST_STATUS(smap_check(m), OHM_OK);
    }
    TEST_EQ_U(smap_count(m), 0);
    free(m);
}

/* Several removals from one cluster, then the keys back in another order. */
static void multiple_removes_same_cluster(void)
{
    smap *m = NEW_MAP(smap, 32);
    for (uint32_t i = 0; i < 16; i++) TEST_STATUS(smap_put(m, i, i), OHM_OK);
    static const uint32_t gone[] = {7, 15, 14, 13};
    for (size_t g = 0; g < 4; g++) {
        TEST_CHECK(smap_remove(m, gone[g]));
        TEST_STATUS(smap_check(m), OHM_OK);
    }
    for (size_t g = 0; g < 4; g++) TEST_CHECK(!smap_contains(m, gone[g]));
    for (uint32_t i = 0; i < 13; i++) {
        if (i == 7) TEST_CHECK(!smap_contains(m, i));
        else TEST_EQ_U(*smap_get(m, i), i);
    }
    static const uint32_t back[] = {15, 13, 14, 7};
    for (size_t g = 0; g < 4; g++) TEST_STATUS(smap_put(m, back[g], back[g]), OHM_OK);
    for (uint32_t i = 0; i < 16; i++) TEST_EQ_U(*smap_get(m, i), i);
    TEST_STATUS(smap_check(m), OHM_OK);
    free(m);

    /* The same with every key in one cluster: identity hash, keys that
     * share a home slot (k and k + 16 in a 16-slot map). */
    sid80 *c = NEW_MAP(sid80, 16);
    for (uint32_t i = 0; i < 12; i++) TEST_STATUS(sid80_put(c, 3 + 16 * i, i), OHM_OK);
    static const uint32_t order[] = {5, 0, 11, 6, 1, 10};
    for (size_t g = 0; g < 6; g++) {
        TEST_CHECK(sid80_remove(c, 3 + 16 * order[g]));
        TEST_STATUS(sid80_check(c), OHM_OK);
        for (uint32_t i = 0; i < 12; i++) {
            bool removed = false;
            for (size_t h = 0; h <= g; h++) removed |= order[h] == i;
            TEST_EQ_U(sid80_contains(c, 3 + 16 * i), !removed);
        }
    }
    free(c);
}

static void shuffle(uint32_t *a, uint32_t n, uint64_t *rng)
{
    for (uint32_t i = n; i > 1; i--) {
        uint32_t j = (uint32_t)(test_rand(rng) % i);
        uint32_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

/* Put and remove loop in random order: 32 keys in a 64-slot map, every
 * round a new order for both. */
static void put_remove_loop_random_order(void)
{
    smap *m = NEW_MAP(smap, 64);
    uint32_t keys[32];
    for (uint32_t i = 0; i < 32; i++) keys[i] = i;
    uint64_t rng = seed;
    uint64_t rounds = test_scale(2000);
    for (uint64_t r = 0; r < rounds && !test_failing(); r++) {
        shuffle(keys, 32, &rng);
        for (uint32_t i = 0; i < 32; i++) TEST_STATUS(smap_put(m, keys[i], keys[i]), OHM_OK);
        TEST_EQ_U(smap_count(m), 32);
        TEST_STATUS(smap_check(m), OHM_OK);
        shuffle(keys, 32, &rng);
        for (uint32_t i = 0; i < 32; i++) {
            TEST_CHECK(smap_remove(m, keys[i]));
            if (i % 8 == 0) TEST_STATUS(smap_check(m), OHM_OK);
        }
        TEST_EQ_U(smap_count(m), 0);
    }
    free(m);

    /* Remove many elements in random order from a full 100% map. */
    uint32_t n = 4096;
    s64 *b = NEW_MAP(s64, n);
    uint32_t *all = malloc(n * sizeof *all);
    for (uint32_t i = 0; i < n; i++) all[i] = i;
    shuffle(all, n, &rng);
    for (uint32_t i = 0; i < n; i++) TEST_STATUS(s64_put(b, all[i], i), OHM_OK);
    TEST_EQ_U(s64_count(b), n);
    shuffle(all, n, &rng);
    for (uint32_t i = 0; i < n; i++) {
        TEST_CHECK(s64_remove(b, all[i]));
        if (i % 512 == 0) TEST_STATUS(s64_check(b), OHM_OK);
    }
    TEST_EQ_U(s64_count(b), 0);
    free(all);
    free(b);
}

static void put_overwrite(void)
{
    smap *m = NEW_MAP(smap, 32);
    for (uint32_t i = 0; i < 16; i++) TEST_STATUS(smap_put(m, i, i), OHM_OK);
    for (uint32_t i = 0; i < 16; i++) TEST_EQ_U(*smap_get(m, i), i);
    for (uint32_t i = 0; i < 16; i++) TEST_STATUS(smap_put(m, i, i * 16 + 1), OHM_FOUND);
    for (uint32_t i = 0; i < 16; i++) TEST_EQ_U(*smap_get(m, i), i * 16 + 1);
    TEST_EQ_U(smap_count(m), 16);
    free(m);
}

static void put_full_load(void)
{
    s64 *m = NEW_MAP(s64, 16);
    for (uint64_t i = 0; i < 16; i++) TEST_STATUS(s64_put(m, i, i), OHM_OK);
    for (uint64_t i = 0; i < 16; i++) TEST_EQ_U(*s64_get(m, i), i);
    TEST_STATUS(s64_put(m, 16, 16), OHM_FULL);
    TEST_STATUS(s64_check(m), OHM_OK);
    free(m);
}

static void put_assume_capacity(void)
{
    smap *m = NEW_MAP(smap, 32);
    for (uint32_t i = 0; i < 20; i++) smap_put_new_assume_capacity(m, i, i);
    uint32_t sum = 0;
    for (uint32_t i = 0; i < 20; i++) sum += *smap_get(m, i);
    TEST_EQ_U(sum, 190);
    for (uint32_t i = 0; i < 20; i++) smap_put_assume_capacity(m, i, 1);
    sum = 0;
    for (uint32_t i = 0; i < 20; i++) sum += *smap_get(m, i);
    TEST_EQ_U(sum, 20);
    free(m);
}

/* Repeatedly delete and insert at the maximum load (a full 100% table),
 * putting different keys so that entries do not just land in the slot
 * just freed. A million cycles at full scale. */
static void repeat_put_assume_capacity_remove(void)
{
    const uint32_t limit = 32;
    smap *m = NEW_MAP(smap, limit);
    TEST_EQ_U(smap_max_load(m), limit);
    for (uint32_t i = 0; i < limit; i++) smap_put_new_assume_capacity(m, i, i);
    uint64_t cycles = test_scale(1000000);
    if (cycles < 10 * limit) cycles = 10 * limit;
    for (uint64_t c = 0; c < cycles && !test_failing(); c++) {
        uint32_t i = (uint32_t)c;
        TEST_CHECK(smap_remove(m, i));
        if (i % 2 == 0) smap_put_new_assume_capacity(m, limit + i, i);
        else smap_put_assume_capacity(m, limit + i, i);
        if (c % 64 == 0) {
            TEST_EQ_U(smap_count(m), limit);
            TEST_STATUS(smap_check(m), OHM_OK);
        }
    }
    for (uint64_t c = cycles - limit; c < cycles; c++) {
        uint32_t *v = smap_get(m, limit + (uint32_t)c);
        TEST_CHECK(v != NULL && *v == (uint32_t)c);
    }
    TEST_EQ_U(smap_count(m), limit);
    TEST_STATUS(smap_check(m), OHM_OK);
    free(m);

    /* fetchRemove gives its slot back too (the reference's set case). */
    sset *s = NEW_MAP(sset, 64);
    for (uint64_t k = 0; k < 4; k++) sset_put_assume_capacity(s, k);
    for (int r = 0; r < 10; r++) {
        sset_kv out = {0};
        TEST_CHECK(sset_fetch_remove(s, 3, &out));
        TEST_EQ_U(out.key, 3);
        sset_put_assume_capacity(s, 3);
    }
    for (uint64_t k = 0; k < 4; k++) TEST_CHECK(sset_contains(s, k));
    TEST_EQ_U(sset_count(s), 4);
    free(s);
}

/* At the maximum load a move (remove the source, put_new the destination)
 * always works, since removal really frees a slot. */
static void moves_at_max_load(void)
{
    sid80 *m = NEW_MAP(sid80, 16);
    uint32_t max = sid80_max_load(m);
    TEST_EQ_U(max, 12);
    for (uint32_t i = 0; i < max; i++) sid80_put_new_assume_capacity(m, i, i);
    for (uint32_t i = 0; i < 100; i++) {
        TEST_CHECK(sid80_remove(m, i));
        sid80_put_new_assume_capacity(m, i + max, i + max);
        TEST_EQ_U(sid80_count(m), max);
        TEST_EQ_U(*sid80_get(m, i + max), i + max);
        TEST_STATUS(sid80_check(m), OHM_OK);
    }
    free(m);
}

/* Every key's home is slot 14 of 16, so the cluster runs 14, 15, 0, 1...:
 * backward shift must do its arithmetic modulo the capacity. */
static void wraparound_cluster(void)
{
    swrap *m = NEW_MAP(swrap, 16);
    for (uint32_t i = 0; i < 8; i++) swrap_put_new_assume_capacity(m, i, i);
    /* Insertion never moves entries: key i sits at slot (14 + i) % 16.
     * Iteration goes in slot order from the slot after the first free one
     * (slot 6), so it sees the wrapping cluster whole: slots 14, 15, 0..5. */
    static const uint32_t slot_order[] = {0, 1, 2, 3, 4, 5, 6, 7};
    swrap_iter it = swrap_iter_begin(m);
    swrap_entry e;
    for (size_t n = 0; n < 8; n++) TEST_CHECK(swrap_iter_next(&it, &e) && *e.key == slot_order[n]);
    TEST_CHECK(!swrap_iter_next(&it, &e));
    TEST_STATUS(swrap_check(m), OHM_OK);
    static const uint32_t order[] = {3, 0, 7, 4, 1, 6, 2, 5};
    for (size_t r = 0; r < 8; r++) {
        TEST_CHECK(swrap_remove(m, order[r]));
        for (uint32_t i = 0; i < 8; i++) {
            bool removed = false;
            for (size_t h = 0; h <= r; h++) removed |= order[h] == i;
            TEST_EQ_U(swrap_contains(m, i), !removed);
            if (!removed) TEST_EQ_U(*swrap_get(m, i), i);
        }
        TEST_EQ_U(swrap_count(m), 8 - r - 1);
        TEST_STATUS(swrap_check(m), OHM_OK);
    }
    /* Fill the whole table through the wrap, then empty it from the
     * middle outwards. */
    for (uint32_t i = 0; i < 16; i++) TEST_STATUS(swrap_put(m, 100 + i, i), OHM_OK);
    TEST_STATUS(swrap_put(m, 200, 0), OHM_FULL);
    TEST_CHECK(!swrap_contains(m, 200));
    for (uint32_t d = 0; d < 16; d++) {
        uint32_t i = (8 + (d % 2 ? d / 2 + 1 : 16 - d / 2)) % 16;
        TEST_CHECK(swrap_remove(m, 100 + i));
        TEST_STATUS(swrap_check(m), OHM_OK);
    }
    TEST_EQ_U(swrap_count(m), 0);
    free(m);
}

/* At 100% load removal cannot count on a free slot to end its scan. */
static void removal_from_full_table(void)
{
    smap *m = NEW_MAP(smap, 64);
    for (uint32_t i = 0; i < 64; i++) smap_put_new_assume_capacity(m, i, i);
    TEST_EQ_U(smap_count(m), 64);
    uint32_t expected = 64;
    for (uint32_t i = 0; i < 64; i += 2) {
        TEST_CHECK(smap_remove(m, i));
        TEST_EQ_U(smap_count(m), --expected);
        TEST_STATUS(smap_check(m), OHM_OK);
    }
    for (uint32_t i = 0; i < 64; i++) {
        if (i % 2 == 0) TEST_CHECK(smap_get(m, i) == NULL);
        else TEST_EQ_U(*smap_get(m, i), i);
    }
    free(m);
    /* And with everything in one cluster (constant hash): each removal from
     * the full table shifts the whole rest of the cluster. */
    swrap *w = NEW_MAP(swrap, 16);
    for (uint32_t i = 0; i < 16; i++) swrap_put_new_assume_capacity(w, i, i);
    for (uint32_t i = 0; i < 16; i++) {
        TEST_CHECK(swrap_remove(w, (i * 5) % 16));
        TEST_STATUS(swrap_check(w), OHM_OK);
        for (uint32_t j = i + 1; j < 16; j++) TEST_CHECK(swrap_contains(w, (j * 5) % 16));
    }
    free(w);
}

/* The reference's "basic hash map usage": fetch_put, put_new, get_or_put,
 * get_or_put_value, get_entry, fetch_remove. */
static void get_or_put_and_fetch(void)
{
    simap *m = NEW_MAP(simap, 32);
    simap_kv old;
    TEST_STATUS(simap_fetch_put(m, 1, 11, &old), OHM_OK);
    TEST_STATUS(simap_fetch_put(m, 2, 22, &old), OHM_OK);
    TEST_STATUS(simap_fetch_put(m, 3, 33, &old), OHM_OK);
    TEST_STATUS(simap_fetch_put(m, 4, 44, &old), OHM_OK);
    TEST_STATUS(simap_put_new(m, 5, 55), OHM_OK);
    TEST_STATUS(simap_fetch_put(m, 5, 66, &old), OHM_FOUND);
    TEST_EQ_U(old.value, 55);
    TEST_STATUS(simap_fetch_put(m, 5, 55, &old), OHM_FOUND);
    TEST_EQ_U(old.value, 66);

    simap_entry gop;
    TEST_STATUS(simap_get_or_put(m, 5, &gop), OHM_FOUND);
    TEST_EQ_U(*gop.value, 55);
    *gop.value = 77;
    TEST_EQ_U(*simap_get_entry(m, 5).value, 77);
    TEST_STATUS(simap_get_or_put(m, 99, &gop), OHM_OK);
    *gop.value = 42;
    TEST_EQ_U(*simap_get_entry(m, 99).value, 42);
    TEST_STATUS(simap_get_or_put_value(m, 5, 5, &gop), OHM_FOUND);
    TEST_EQ_U(*gop.value, 77);
    TEST_STATUS(simap_get_or_put_value(m, 100, 41, &gop), OHM_OK);
    TEST_EQ_U(*gop.value, 41);

    TEST_CHECK(simap_contains(m, 2));
    TEST_EQ_U(*simap_get_entry(m, 2).value, 22);
    TEST_EQ_U(*simap_get(m, 2), 22);
    simap_kv rm;
    TEST_CHECK(simap_fetch_remove(m, 2, &rm));
    TEST_CHECK(rm.key == 2 && rm.value == 22);
    TEST_CHECK(!simap_fetch_remove(m, 2, &rm));
    TEST_CHECK(!simap_remove(m, 2));
    TEST_CHECK(simap_get_entry(m, 2).key == NULL);
    TEST_CHECK(simap_get(m, 2) == NULL);
    TEST_CHECK(simap_remove(m, 3));
    TEST_STATUS(simap_check(m), OHM_OK);
    free(m);
}

static void remove_at_scenarios(void)
{
    simap *m = NEW_MAP(simap, 64);
    for (int32_t i = 0; i < 10; i++) TEST_STATUS(simap_put(m, i, 0), OHM_OK);
    TEST_EQ_U(simap_count(m), 10);
    for (int32_t i = 0; i < 10; i++) {
        int32_t *k = simap_get_key(m, i);
        TEST_CHECK(k != NULL);
        if (k) simap_remove_at(m, k);
        TEST_STATUS(simap_check(m), OHM_OK);
    }
    TEST_EQ_U(simap_count(m), 0);
    /* Key 0 (all-zero bytes) is an ordinary key. */
    TEST_STATUS(simap_put(m, 0, 0), OHM_OK);
    int32_t *k = simap_get_key(m, 0);
    TEST_CHECK(k != NULL);
    if (k) simap_remove_at(m, k);
    TEST_EQ_U(simap_count(m), 0);
    /* Removing while iterating: after each remove_at the iteration starts
     * again (removal invalidates iterators). */
    for (int32_t i = 0; i < 40; i++) simap_put(m, i, i);
    simap_iter it;
    simap_entry e;
    uint32_t removed = 0;
    for (it = simap_iter_begin(m); simap_iter_next(&it, &e); it = simap_iter_begin(m)) {
        simap_remove_at(m, e.key);
        removed++;
        if (removed > 40) break;
    }
    TEST_EQ_U(removed, 40);
    TEST_EQ_U(simap_count(m), 0);
    free(m);
}

/* The reference's OffsetHashMap: the map is found from (base, offset), and
 * found again later from the same pair. */
static void offset_map_remake(void)
{
    ohm_layout l = smap_layout(16);
    size_t off = test_round_up(100, smap_base_align());
    unsigned char *base = test_block(smap_base_align(), off + l.total_size);
    TEST_CHECK(smap_init(base + off, l) != NULL);
    {
        smap *m = smap_at(base, off);
        TEST_STATUS(smap_put(m, 5, 5), OHM_OK);
    }
    {
        smap *m = smap_at(base, off);
        TEST_EQ_U(*smap_get(m, 5), 5);
    }
    free(base);
}

/* A maximum load below 100 leaves free slots, so churn at the maximum
 * keeps working and lookups stay short. */
static void max_load_leaves_headroom(void)
{
    ohm_layout l = s80_layout(16);
    s80 *m = s80_init(test_block(s80_base_align(), l.total_size), l);
    TEST_CHECK(s80_capacity(m) > 16);
    TEST_CHECK(s80_max_load(m) >= 16);
    TEST_CHECK(s80_max_load(m) < s80_capacity(m));
    for (uint32_t i = 0; i < 16; i++) TEST_STATUS(s80_put(m, i, i), OHM_OK);
    for (int r = 0; r < 100; r++)
        for (uint32_t i = 0; i < 16; i++) {
            TEST_CHECK(s80_remove(m, i));
            TEST_STATUS(s80_put(m, i, i), OHM_OK);
        }
    for (uint32_t i = 0; i < 16; i++) TEST_EQ_U(*s80_get(m, i), i);
    TEST_STATUS(s80_check(m), OHM_OK);
    free(m);
}

int main(int argc, char **argv)
{
    seed = test_seed(argc, argv, 0x5ce4a210);
    RUN(basic_usage);
    RUN(ensure_capacity);
    RUN(reserve_with_removals);
    RUN(clear_retaining_capacity);
    RUN(remove_every_third);
    RUN(reverse_removes);
    RUN(multiple_removes_same_cluster);
    RUN(put_remove_loop_random_order);
    RUN(put_overwrite);
    RUN(put_full_load);
    RUN(put_assume_capacity);
    RUN(repeat_put_assume_capacity_remove);
    RUN(moves_at_max_load);
    RUN(wraparound_cluster);
    RUN(removal_from_full_table);
    RUN(get_or_put_and_fetch);
    RUN(remove_at_scenarios);
    RUN(offset_map_remake);
    RUN(max_load_leaves_headroom);
    return test_finish();
}
