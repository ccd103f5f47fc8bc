/* test_remove_if_cost.c - N_remove_if stays O(capacity) on the layouts
 * that make its compaction quadratic, and is right on them with and
 * without scratch memory.
 *
 * The layout: one removed entry in group B, then a long run of full
 * groups of keys whose home is group B + 1. Every displaced survivor
 * needs the first group with room at or after its home; reading the
 * groups from its home on costs the run's length each time, 16 G^2 / 2
 * group reads in all for G groups (2^35 at 2^20 slots, G = 2^16). The
 * search through the union-find of full groups makes it linear (the
 * layouts are written into the block directly: inserting them would cost
 * as much). Without scratch memory
 * the search falls back to reading the groups, checked on a small table. */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

/* An allocator the test can make fail, and whose calls it counts. */
#include "alloc_count.h"

#include "test.h"
#include "util.h"

/* These tests fill tables to their last slot: maximum load 100, by
 * name (the default, 88, stops short). */
#define OHM_NAME ident /* home = key mod capacity (capacity <= 2^32); high bits mixed */
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#define OHM_HASH(k) (((uint64_t)(k) * 0x9e3779b97f4a7c15u & ~(uint64_t)0xffffffffu) | ((k) & 0xffffffffu))
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

typedef struct doom {
    uint64_t cap, every; /* remove key b, and keys j with j % every == 0 (every 0: none) */
    uint64_t b, calls;   /* b: the key in group B, 16 B */
} doom;

/* Key j of the run: home slot 16 (B + 1), told apart by multiples of cap. */
static uint64_t nth_key(const doom *d, uint64_t j) { return d->b + 16 + (j + 1) * d->cap; }

static bool doomed(uint64_t key, const doom *d)
{
    if (key == d->b) return true;
    uint64_t j = (key - d->b - 16) / d->cap - 1;
    return d->every && j % d->every == 0;
}

static bool pred(ident_entry e, void *vctx)
{
    doom *d = vctx;
    d->calls++;
    TEST_EQ_U(*e.value, *e.key ^ 0x5555);
    return doomed(*e.key, d);
}

/* Writes key k into slot s as an insertion that found s's group the first
 * with room would, but without the insertion's probe: building a run of
 * n keys of one home by inserting them costs n^2 / 512 group reads (as
 * much as the old compaction did), so the test writes the block itself. */
static void place(ident *m, uint32_t s, uint64_t k)
{
    uint32_t cap = m->hdr.capacity, gm = cap / 16 - 1;
    uint64_t h = ident__hash(m, &k);
    uint32_t g = ((uint32_t)h & (cap - 1)) / 16, d = (s / 16 - g) & gm;
    *ident__key(m, s) = k;
    *ident__val(m, s) = k ^ 0x5555;
    ident__set_meta(m, s, d ? ohm__dtag(h, d) : ohm__tag(h));
    if (d) ident__cls(m)[g] |= ohm__cls_bit(h);
    m->hdr.count++;
}

/* A map of `cap` slots: key b alone in group B, then n keys homed at
 * group B + 1 filling groups B + 1, B + 2, ... (round the end when B is
 * near it). */
static void crafted_case(uint32_t cap, uint32_t B, uint32_t n, uint32_t every, bool fail_alloc)
{
    ohm_layout l = ident_layout_for_capacity(cap);
    void *raw = test_block(ident_base_align(), l.total_size);
    ident *m = ident_init(raw, l);
    uint32_t b = 16 * B;
    doom d = {cap, every, b, 0};
    TEST_STATUS(ident_put(m, b, b ^ 0x5555), OHM_OK);
    for (uint64_t j = 0; j < n; j++) place(m, (b + 16 + (uint32_t)j) & (cap - 1), nth_key(&d, j));
    TEST_STATUS(ident_check(m), OHM_OK);
    uint64_t want = 1;
    for (uint64_t j = 0; j < n; j++) want += every && j % every == 0;
    alloc_fails = fail_alloc;
    allocs = 0;
    TEST_EQ_U(ident_remove_if(m, pred, &d), want);
    /* the scratch was asked for (it is needed), once, and freed (ASan and
     * valgrind see leaks) */
    TEST_EQ_U(allocs, 1);
    alloc_fails = false;
    TEST_EQ_U(d.calls, n + 1);
    uint32_t left = n + 1 - (uint32_t)want;
    TEST_EQ_U(ident_count(m), left);
    /* the survivors, each once, by iteration (a lookup of each would cost
     * the run's length); N_check below says each is where a lookup finds
     * it */
    uint8_t *seen = calloc(n, 1);
    ident_iter it = ident_iter_begin(m);
    ident_entry e;
    while (ident_iter_next(&it, &e)) {
        uint64_t k = *e.key;
        TEST_CHECK(k != b && !doomed(k, &d));
        if (k == b) continue;
        uint64_t j = (k - b - 16) / cap - 1;
        TEST_CHECK(j < n && !seen[j]);
        if (j < n) seen[j] = 1;
        TEST_EQ_U(*e.value, k ^ 0x5555);
    }
    for (uint64_t j = 0; j < n; j++) TEST_EQ_U(seen[j], !doomed(nth_key(&d, j), &d));
    free(seen);
    /* the survivors were packed from home: group B is empty, and groups
     * B + 1, B + 2, ... are full but for the last */
    for (uint32_t s = b; s < b + 16; s++) TEST_CHECK(ident__meta(m)[s] == 0);
    for (uint32_t i = 0; i * 16 < left; i++) {
        uint32_t used = 0, g = (B + 1 + i) & (cap / 16 - 1);
        for (uint32_t s = g * 16; s < g * 16 + 16; s++) used += ident__meta(m)[s] != 0;
        TEST_EQ_U(used, left - i * 16 < 16 ? left - i * 16 : 16);
    }
    TEST_STATUS(ident_check(m), OHM_OK);
    free(raw);
}

static void long_run_of_full_groups(void)
{
    /* none of the run removed: every survivor stays, and each search
     * finds no group with room before it */
    crafted_case(1u << 20, 5, (1u << 20) - 4096, 0, false);
    /* one in three removed: survivors move into groups far from home */
    crafted_case(1u << 20, 5, (1u << 20) - 4096, 3, false);
    /* the run wraps round the end of the table */
    crafted_case(1u << 20, (1u << 16) - 7, (1u << 20) - 4096, 2, false);
    /* every group but B full */
    crafted_case(1u << 16, 9, (1u << 16) - 16, 5, false);
    crafted_case(1u << 16, (1u << 12) - 1, (1u << 16) - 16, 4, false); /* B the last group */
}

static void without_scratch(void)
{
    crafted_case(4096, 5, 4000, 0, true);
    crafted_case(4096, 5, 4000, 3, true);
    crafted_case(4096, 250, 4000, 2, true);
    crafted_case(4096, 200, 4080, 7, true);
}

#define OHM_NAME few /* every home in the first 64 slots: long clusters */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_HASH(k) (((uint64_t)(k) * 0x9e3779b97f4a7c15u & ~(uint64_t)0xffffffffu) | ((k) % 64u))
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

typedef struct pick {
    uint64_t salt;
    uint32_t one_in;
} pick;

static bool picked(uint32_t k, const pick *p) { return (((uint64_t)k * 0xd6e8feb86659fd93u ^ p->salt) >> 40) % p->one_in == 0; }
static bool pick_pred(few_entry e, void *vctx) { return picked(*e.key, vctx); }

/* Random tables of long clusters and random subsets removed, checked
 * against what should remain, with scratch and without: the hole search
 * and its table of full blocks are exercised on all sorts of hole
 * patterns, with N_check after each removal. */
static void random_long_clusters(void)
{
    uint64_t rng = 11;
    size_t scratch_used = 0;
    for (int round = 0; round < 120; round++) {
        uint32_t cap = 1u << (6 + test_rand(&rng) % 6), n = (uint32_t)(test_rand(&rng) % (cap + 1));
        ohm_layout l = few_layout_for_capacity(cap);
        void *raw = test_block(few_base_align(), l.total_size);
        few *m = few_init(raw, l);
        for (uint32_t k = 0; k < n; k++) TEST_STATUS(few_put(m, k * 7 + 3, k), OHM_OK);
        pick p = {test_rand(&rng), 1 + (uint32_t)(test_rand(&rng) % 5)};
        uint32_t want = 0;
        for (uint32_t k = 0; k < n; k++) want += picked(k * 7 + 3, &p);
        alloc_fails = round % 3 == 2;
        allocs = 0;
        TEST_EQ_U(few_remove_if(m, pick_pred, &p), want);
        scratch_used += allocs && !alloc_fails;
        alloc_fails = false;
        TEST_EQ_U(few_count(m), n - want);
        for (uint32_t k = 0; k < n; k++) {
            const uint32_t *v = few_get(m, k * 7 + 3);
            TEST_EQ_U(v != NULL, !picked(k * 7 + 3, &p));
            if (v) TEST_EQ_U(*v, k);
        }
        TEST_STATUS(few_check(m), OHM_OK);
        free(raw);
    }
    TEST_CHECK(scratch_used >= 10); /* the searches through full blocks ran (17 times) */
}

int main(void)
{
    RUN(long_run_of_full_groups);
    RUN(without_scratch);
    RUN(random_long_clusters);
    return test_finish();
}
