/* test_check_budget.c - N_check and N_validate take O(capacity) time on
 * every block the library makes, however full, and bounded time on blocks
 * crafted to make the search for keys stored twice quadratic.
 *
 * The search for keys stored twice sorts the entries by hash in scratch
 * memory (16 bytes an entry), so a completely full table of millions of
 * slots is checked in a few passes. Without scratch memory it compares
 * each key with the slots of its probe that hold the byte a copy of it
 * would have there, bounded at 1024 * capacity + 2^20 steps
 * (OHM_TOO_COSTLY past that). Distinct keys of one hash (a constant hash,
 * or a crafted block) are compared pairwise, bounded the same way. */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

/* An allocator the test can make fail, and whose calls it counts. */
#include "alloc_count.h"

#include "test.h"
#include "util.h"

/* These tests fill tables to their last slot: maximum load 100, by
 * name (the default, 88, stops short). */
#define OHM_NAME same /* every key homed in slot 0, same fingerprint */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_HASH(k) ((void)(k), (uint64_t)0)
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

/* Distinct hashes whose homes all fall in the first 64 slots: a full
 * table of these has entries tens of thousands of slots from home, so
 * comparing each key with its probe path (the old check) costs
 * capacity^2 / 2 visits, while the sort by hash is linear. */
#define OHM_NAME near
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_HASH(k) (((uint64_t)(k) * 0x9e3779b97f4a7c15u & ~(uint64_t)0xffff) | ((k) % 64u))
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define OHM_NAME full32 /* the default hash, as a user's map has it */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

/* Make slot `to` a second copy of the key in slot `from`, with the
 * metadata byte that key has in to's group and its class bit set, so
 * that every check but the search for keys stored twice passes. The
 * group, class byte and key bytes to restore are the caller's. */
#define COPY_KEY(P)                                                                           \
    static void P##_copy_key(P *m, uint32_t from, uint32_t to)                                \
    {                                                                                         \
        uint32_t cap = m->hdr.capacity, gm = cap >= 16 ? cap / 16 - 1 : 0;                  \
        *P##__key(m, to) = *P##__key(m, from);                                               \
        uint64_t h = P##__hash(m, P##__key(m, to));                                          \
        uint32_t g = ((uint32_t)h & (cap - 1)) / 16, d = (to / 16 - g) & gm;                 \
        P##__set_meta(m, to, d ? ohm__dtag(h, d) : ohm__tag(h));                             \
        if (d) P##__cls(m)[g] |= ohm__cls_bit(h);                                            \
    }

COPY_KEY(near)
COPY_KEY(full32)

/* The search for keys stored twice on its own, over the used slots N_check
 * would have counted. */
#define DUPS(P)                                                                               \
    static ohm_status P##_dups(const P *m)                                                    \
    {                                                                                         \
        ohm__geo g = P##__geo(m);                                                             \
        return P##__check_dups(m, &g, P##_count(m));                                          \
    }
DUPS(near)
DUPS(full32)

static same *same_full_table(uint32_t cap, void **raw)
{
    ohm_layout l = same_layout_for_capacity(cap);
    *raw = aligned_alloc(same_base_align(), l.total_size);
    same *m = same_init(*raw, l);
    TEST_CHECK(m != NULL);
    for (uint32_t k = 0; k < cap && m; k++) same_put_new_assume_capacity(m, k, k);
    return m;
}

static void small_degenerate_table_is_checked_in_full(void)
{
    /* 1024 slots: 523776 comparisons, under the allowance of 2^20. */
    for (int fallback = 0; fallback < 2; fallback++) {
        alloc_fails = fallback;
        void *raw;
        same *m = same_full_table(1024, &raw);
        TEST_STATUS(same_check(m), OHM_OK);
        TEST_STATUS(same_validate(m, same_block_size(m)), OHM_OK);
        /* A duplicate at the far end is still found. */
        *same_get_key(m, 1023) = 0; /* the last key becomes a second 0 */
        TEST_STATUS(same_check(m), OHM_CORRUPT);
        free(raw);
    }
    alloc_fails = false;
}

static void quadratic_table_is_refused(void)
{
    /* 8192 slots of one hash: 33.5M comparisons, past 1024 * 8192 + 2^20
     * = 9.4M, with the scratch set and without it. */
    for (int fallback = 0; fallback < 2; fallback++) {
        alloc_fails = fallback;
        void *raw;
        same *m = same_full_table(8192, &raw);
        TEST_STATUS(same_check(m), OHM_TOO_COSTLY);
        TEST_STATUS(same_validate(m, same_block_size(m)), OHM_TOO_COSTLY);
        /* The map itself still works: the limit is on checking only. */
        TEST_CHECK(same_contains(m, 8191));
        TEST_CHECK(!same_contains(m, 8192));
        free(raw);
    }
    alloc_fails = false;
}

/* A completely full map with the default hash and maximum load 100, the
 * way a writer using defaults makes one: its reader's check accepts it
 * (2^22 slots; 2^16 when the suite is scaled down), finds a key stored
 * twice anywhere in it, and frees its scratch memory. */
static void a_completely_full_map_validates(void)
{
    uint32_t cap = test_scale(64) >= 64 ? (uint32_t)1 << 22 : (uint32_t)1 << 16;
    ohm_layout l = full32_layout_for_capacity(cap);
    void *raw = aligned_alloc(full32_base_align(), l.total_size);
    full32 *m = full32_init(raw, l);
    TEST_CHECK(m != NULL);
    if (!m) return;
    for (uint32_t k = 0; k < cap; k++) full32_put_new_assume_capacity(m, k * 2654435761u, k);
    TEST_EQ_U(full32_count(m), cap);
    TEST_STATUS(full32_put(m, 1, 1), OHM_FULL);
    size_t before = allocs;
    TEST_STATUS(full32_validate(raw, l.total_size), OHM_OK);
    TEST_CHECK(allocs > before); /* the scratch path ran */
    /* A key copied into a slot far away with the byte it would have there
     * (so that no other check can be what catches it): the search for
     * keys stored twice finds it, and so does N_check. */
    uint32_t s0 = full32__slot_of(m, full32_get_key(m, 0)), s1 = (s0 + cap / 2) & (cap - 1);
    uint32_t saved = *full32__key(m, s1);
    uint8_t saved_meta = full32__meta(m)[s1];
    uint8_t *cls = full32__cls(m);
    uint32_t g0 = ((uint32_t)full32__hash(m, full32__key(m, s0)) & (cap - 1)) / 16;
    uint8_t saved_cls = cls[g0];
    TEST_STATUS(full32_dups(m), OHM_OK);
    full32_copy_key(m, s0, s1);
    TEST_STATUS(full32_dups(m), OHM_CORRUPT);
    TEST_STATUS(full32_check(m), OHM_CORRUPT);
    *full32__key(m, s1) = saved;
    full32__set_meta(m, s1, saved_meta);
    cls[g0] = saved_cls;
    TEST_STATUS(full32_check(m), OHM_OK);
    free(raw);
}

/* A full table whose keys lie far from home, with distinct hashes: the
 * check accepts it (the bounded walk, without scratch memory, refuses it
 * as too costly) and still finds a key stored twice. */
static void far_from_home_but_distinct_hashes(void)
{
    /* 2^16 slots (2^15 when scaled down: still past the walk's allowance) */
    uint32_t cap = test_scale(64) >= 64 ? (uint32_t)1 << 16 : (uint32_t)1 << 15;
    ohm_layout l = near_layout_for_capacity(cap);
    void *raw = aligned_alloc(near_base_align(), l.total_size);
    near *m = near_init(raw, l);
    TEST_CHECK(m != NULL);
    if (!m) return;
    for (uint32_t k = 0; k < cap; k++) near_put_new_assume_capacity(m, k, k);
    TEST_STATUS(near_validate(raw, l.total_size), OHM_OK);
    alloc_fails = true;
    TEST_STATUS(near_check(m), OHM_TOO_COSTLY);
    alloc_fails = false;
    /* Key 0 copied into a slot far on, with the byte it would have there
     * (the table is full, so it is on its probe): only the search for
     * keys stored twice can tell. */
    uint32_t s0 = near__slot_of(m, near_get_key(m, 0)), s1 = (s0 + cap / 2) & (cap - 1);
    near_copy_key(m, s0, s1);
    TEST_STATUS(near_dups(m), OHM_CORRUPT); /* the duplicate search is what finds it */
    TEST_STATUS(near_check(m), OHM_CORRUPT);
    free(raw);
}

/* Duplicates wherever they sit: in full small tables, slot b is made a
 * copy of slot a (key, and the byte it would have in b) for every pair
 * a != b, and the
 * search for keys stored twice finds it, with the scratch set and with the
 * bounded walk alike. (N_check's other checks are not involved: the search
 * is called on its own.) */
static void every_duplicate_pair_is_found(void)
{
    for (int fallback = 0; fallback < 2; fallback++) {
        alloc_fails = fallback;
        for (uint32_t cap = 2; cap <= 64; cap *= 2) {
            ohm_layout l = full32_layout_for_capacity(cap);
            void *raw = aligned_alloc(full32_base_align(), l.total_size);
            full32 *m = full32_init(raw, l);
            for (uint32_t k = 0; k < cap; k++) full32_put(m, k, k);
            TEST_STATUS(full32_dups(m), OHM_OK);
            for (uint32_t a = 0; a < cap; a++)
                for (uint32_t b = 0; b < cap; b++) {
                    if (a == b) continue;
                    uint32_t key = *full32__key(m, b);
                    uint8_t tag = full32__meta(m)[b], cls[4] = {0};
                    if (cap >= 16) memcpy(cls, full32__cls(m), cap / 16);
                    full32_copy_key(m, a, b);
                    TEST_STATUS(full32_dups(m), OHM_CORRUPT);
                    *full32__key(m, b) = key;
                    full32__set_meta(m, b, tag);
                    if (cap >= 16) memcpy(full32__cls(m), cls, cap / 16);
                }
            TEST_STATUS(full32_check(m), OHM_OK);
            free(raw);
        }
    }
    alloc_fails = false;
}

int main(void)
{
    RUN(small_degenerate_table_is_checked_in_full);
    RUN(quadratic_table_is_refused);
    RUN(a_completely_full_map_validates);
    RUN(far_from_home_but_distinct_hashes);
    RUN(every_duplicate_pair_is_found);
    return test_finish();
}
