/* test_write_marks.c - every store a mutation makes to a group (its
 * metadata and mirror bytes, class byte, keys and values) is made while the
 * group's stripe word is odd, and while the sequence word is odd; after
 * the mutation all are even (docs/FORMAT.md, "Sync area"). Deterministic:
 * OHM_STORE_HOOK runs before each store and compares the block with its
 * copy from the previous store, byte by byte: what the previous store
 * changed is mapped to its group, whose stripe must be odd (a store to a
 * stripe word changes no group's bytes).
 *
 * Mutations: inserts (home and displaced), overwrites, removals with a
 * shift across groups, N_put_many (a batch of puts: the sequence word
 * turns even between them, and the next store is the next put's first,
 * which makes it odd again), N_remove_if, N_clear; in a 64-slot table (4
 * groups, 4 stripes) kept nearly full, and an 8-slot one.
 */
#include <stdbool.h>
#include <stdint.h>

static void hook(void);
#define OHM_STORE_HOOK() hook()

#include "test.h"

/* These tests fill tables to their last slot: maximum load 100, by
 * name (the default, 88, stops short). */
#define OHM_NAME tmap
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

static tmap *cur;                /* the map being watched, or NULL */
static unsigned char before[8192]; /* its bytes at the previous store */
static uint64_t hooks, bad;
static uint32_t last_seq;          /* the sequence word at the previous store */

/* The store announced while the sequence word was even must be the one
 * that makes it odd (a mutation's first): so no other store is made
 * outside a mutation, and a batch (put_many) is one mutation after
 * another. */
static void seq_step(uint32_t seq)
{
    if (hooks > 0 && !(last_seq & 1) && seq != last_seq + 1) {
        if (bad++ < 3) fprintf(stderr, "  a store made while the sequence word was even\n");
    }
    last_seq = seq;
}

/* The group of the byte at offset off of the block, or -1 (header, sync,
 * journal buffer, stripes, padding). */
static int group_of(const tmap *m, size_t off)
{
    uint32_t cap = tmap_capacity(m);
    size_t meta = (size_t)m->hdr.meta_start, ks = (size_t)m->hdr.keys_start;
    if (off >= meta && off < meta + cap) return (int)((off - meta) / 16);
    if (off >= meta + cap && off < meta + cap + 16) return 0; /* the mirror: slots 0..15 */
    if (cap >= 16 && off >= meta + cap + 16 && off < meta + cap + 16 + cap / 16) return (int)(off - meta - cap - 16);
    if (off >= ks && off < ks + (size_t)cap * 16) return (int)((off - ks) / 16 / 16);
    return -1;
}

static void hook(void)
{
    if (!cur) return;
    seq_step(__atomic_load_n(&tmap__sync(cur)->seq, __ATOMIC_RELAXED));
    hooks++;
    const unsigned char *b = (const unsigned char *)cur;
    uint32_t cap = tmap_capacity(cur), ns = cap / 16 ? cap / 16 : 1;
    const uint32_t *stripes = tmap__stripes(cur);
    for (size_t off = 0; off < tmap_block_size(cur); off++) {
        if (b[off] == before[off]) continue;
        int g = group_of(cur, off);
        if (g >= 0 && !(stripes[(uint32_t)g % ns] & 1)) {
            if (bad++ < 3)
                fprintf(stderr, "  a store to group %d (block byte %zu) under an even stripe word\n", g, off);
        }
    }
    memcpy(before, b, tmap_block_size(cur));
}

static void watch(tmap *m)
{
    memcpy(before, m, tmap_block_size(m));
    hooks = 0;
    cur = m;
}

static void unwatch(tmap *m)
{
    cur = NULL;
    seq_step(tmap__sync(m)->seq); /* the last store */
    uint32_t cap = tmap_capacity(m), ns = cap / 16 ? cap / 16 : 1;
    const uint32_t *stripes = tmap__stripes(m);
    for (uint32_t k = 0; k < ns; k++) TEST_CHECK(!(stripes[k] & 1));
    TEST_CHECK(!(tmap__sync(m)->seq & 1));
    TEST_EQ_U(bad, 0);
    bad = 0;
}

static bool odd_key(tmap_entry e, void *ctx)
{
    (void)ctx;
    return (*e.key & 1) != 0;
}

static void churn(uint32_t cap)
{
    ohm_layout l = tmap_layout_for_capacity(cap);
    TEST_CHECK(l.total_size <= sizeof before);
    void *buf = aligned_alloc(tmap_base_align(), (size_t)l.total_size);
    tmap *m = tmap_init(buf, l);
    uint64_t rng = 5, keys[64];
    uint32_t n = 0;
    for (int round = 0; round < 40; round++) {
        while (n < cap - cap / 16) { /* nearly full: displaced keys */
            keys[n] = test_rand(&rng);
            watch(m);
            TEST_STATUS(tmap_put(m, keys[n], n), OHM_OK);
            unwatch(m);
            n++;
        }
        watch(m);
        TEST_STATUS(tmap_put(m, keys[0], 7), OHM_FOUND);
        unwatch(m);
        for (int i = 0; i < 6 && n > 0; i++) { /* removals: shifts */
            uint32_t k = (uint32_t)(test_rand(&rng) % n);
            watch(m);
            TEST_CHECK(tmap_remove(m, keys[k]));
            unwatch(m);
            keys[k] = keys[--n];
        }
        { /* a batch: an overwrite, then new keys, one mutation after another */
            uint64_t bk[3] = {keys[0], test_rand(&rng), test_rand(&rng)}, bv[3] = {1, 2, 3};
            watch(m);
            TEST_EQ_U(tmap_put_many(m, bk, bv, 3), 3);
            unwatch(m);
            keys[n++] = bk[1];
            keys[n++] = bk[2];
        }
        if (round % 8 == 3) {
            watch(m);
            tmap_remove_if(m, odd_key, NULL);
            unwatch(m);
            uint32_t w = 0;
            for (uint32_t i = 0; i < n; i++)
                if (!(keys[i] & 1)) keys[w++] = keys[i];
            n = w;
        }
        if (round % 16 == 15) {
            watch(m);
            tmap_clear(m);
            unwatch(m);
            n = 0;
        }
        TEST_STATUS(tmap_check(m), OHM_OK);
        TEST_EQ_U(tmap_count(m), n);
    }
    free(buf);
}

static void cap64(void) { churn(64); }
static void cap8(void) { churn(8); }

int main(void)
{
    RUN(cap64);
    RUN(cap8);
    return test_finish();
}
