/* test_unshared.c - OHM_SHARED 0: writers that keep no bookkeeping for
 * lock-free readers and recovery still write the same map. The same
 * random operations run on a map of the default instantiation and on one
 * with OHM_SHARED 0 (same key and value types, same seed); after every
 * operation both return the same and their blocks are byte-identical but
 * for the words only the bookkeeping writes: the sequence and journal
 * words, the journal's value buffer and the stripe words, which the
 * unshared writer never touches (they stay as init left them: zero). Its
 * block validates, and the default instantiation attaches and reads it
 * (the blocks are one format). Capacities 8, 64 and 1024, at loads up to
 * a full table (maximum load 100), with puts, overwrites, put_new (of
 * absent keys),
 * fetch_put, get_or_put_value, put_many, removes (shifts across groups),
 * remove_if and clear. Seeded: argv[1] or OHM_TEST_SEED.
 */
#include <stdbool.h>
#include <stdint.h>

#include "test.h"

#define OHM_NAME smap
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#include "ohm_map.h"

#define OHM_NAME umap
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#define OHM_SHARED 0
#include "ohm_map.h"

#define OHM_NAME uset
#define OHM_KEY uint32_t
#define OHM_SHARED 0
#include "ohm_map.h"

#define OHM_NAME sset
#define OHM_KEY uint32_t
#include "ohm_map.h"

#include "template_clean.h"

static uint64_t rng;
static uint64_t rnd(void) { return test_rand(&rng); }

/* Bytes [lo, hi) of a block the bookkeeping alone writes: the sync area,
 * the rest of the writer's line, the journal's value buffer (up to the
 * metadata), and the stripe words (to the end). */
static bool bookkeeping(size_t off, size_t meta_start, size_t stripes)
{
    size_t sync = sizeof(ohm_header);
    return (off >= sync && off < meta_start) || off >= stripes;
}

/* The two blocks agree outside the bookkeeping, and the unshared one's
 * bookkeeping bytes are all still zero (unless `recovered`: N_recover
 * marks the stripes and the sequence, and steps the stamp). */
static bool same_blocks(const void *shared, const void *unshared, size_t size, bool recovered)
{
    const unsigned char *a = shared, *b = unshared;
    ohm_header h;
    memcpy(&h, b, sizeof h);
    for (size_t off = 0; off < size; off++) {
        bool bk = bookkeeping(off, (size_t)h.meta_start, (size_t)h.stripes);
        if (recovered && off >= offsetof(ohm_header, stamp) && off < offsetof(ohm_header, stamp) + 4) continue;
        if (bk ? !recovered && b[off] != 0 : a[off] != b[off]) {
            fprintf(stderr, "  byte %zu: shared %u, unshared %u (%s)\n", off, a[off], b[off],
                    bk ? "bookkeeping written" : "the maps differ");
            return false;
        }
    }
    return true;
}

static bool odd_value(smap_entry e, void *ctx)
{
    (void)ctx;
    return (*e.value & 1) != 0;
}
static bool odd_value_u(umap_entry e, void *ctx)
{
    (void)ctx;
    return (*e.value & 1) != 0;
}

static void maps_agree(uint32_t cap, uint32_t ops)
{
    ohm_layout l = smap_layout_for_capacity(cap);
    TEST_EQ_U(l.total_size, umap_layout_for_capacity(cap).total_size);
    void *pa = aligned_alloc(smap_base_align(), l.total_size), *pb = aligned_alloc(umap_base_align(), l.total_size);
    smap *a = smap_init_seeded(pa, l, 77);
    umap *b = umap_init_seeded(pb, l, 77);
    TEST_CHECK(a && b);
    uint64_t range = cap + cap / 2 + 1; /* keys: enough to fill the table */
    bool ok = true;
    for (uint32_t i = 0; i < ops && ok; i++) {
        uint64_t r = rnd(), k = 1 + r % range, v = rnd();
        unsigned op = (unsigned)(r >> 40) % 100;
        if (op < 40) {
            ok = smap_put(a, k, v) == umap_put(b, k, v);
        } else if (op < 50) {
            if (!smap_contains(a, k)) ok = smap_put_new(a, k, v) == umap_put_new(b, k, v); /* absent keys only */
        } else if (op < 56) {
            smap_kv x = {0, 0};
            umap_kv y = {0, 0};
            ok = smap_fetch_put(a, k, v, &x) == umap_fetch_put(b, k, v, &y) && x.key == y.key && x.value == y.value;
        } else if (op < 62) {
            smap_entry x;
            umap_entry y;
            ok = smap_get_or_put_value(a, k, v, &x) == umap_get_or_put_value(b, k, v, &y) &&
                 (x.key == NULL) == (y.key == NULL) && (!x.key || (*x.key == *y.key && *x.value == *y.value));
        } else if (op < 66) { /* a batch, often running into a full map */
            uint64_t bk[8], bv[8];
            size_t n = (size_t)(v % 9);
            for (size_t j = 0; j < n; j++) bk[j] = 1 + rnd() % range, bv[j] = rnd();
            ok = smap_put_many(a, bk, bv, n) == umap_put_many(b, bk, bv, n);
        } else if (op < 96) {
            ok = smap_remove(a, k) == umap_remove(b, k);
        } else if (op < 99) {
            ok = smap_remove_if(a, odd_value, NULL) == umap_remove_if(b, odd_value_u, NULL);
        } else {
            smap_clear(a);
            umap_clear(b);
        }
        ok = ok && smap_count(a) == umap_count(b) && same_blocks(pa, pb, l.total_size, false);
        if (!ok) fprintf(stderr, "  capacity %u, operation %u (kind %u, key %" PRIu64 ")\n", cap, i, op, k);
    }
    TEST_CHECK(ok);
    TEST_STATUS(umap_validate(pb, l.total_size), OHM_OK);
    /* One format: the default instantiation attaches and reads the
     * unshared writer's block, and recovering it changes nothing. */
    smap *c;
    TEST_STATUS(smap_attach(pb, l.total_size, &c), OHM_OK);
    for (uint64_t k = 1; k <= range; k++) {
        uint64_t x = 0, y = 0;
        const uint64_t *p = smap_get(a, k);
        TEST_STATUS(smap_read(c, k, &y), p ? OHM_FOUND : OHM_ABSENT);
        if (p) x = *p;
        TEST_EQ_U(x, y);
    }
    TEST_STATUS(smap_recover(c), OHM_OK);
    TEST_CHECK(same_blocks(pa, pb, l.total_size, true));
    free(pa);
    free(pb);
}

static void sets_agree(void)
{
    ohm_layout l = sset_layout_for_capacity(256);
    void *pa = aligned_alloc(sset_base_align(), l.total_size), *pb = aligned_alloc(uset_base_align(), l.total_size);
    sset *a = sset_init_seeded(pa, l, 5);
    uset *b = uset_init_seeded(pb, l, 5);
    bool ok = true;
    for (uint32_t i = 0; i < 20000 && ok; i++) {
        uint64_t r = rnd();
        uint32_t k = (uint32_t)(r % 300);
        if ((r >> 40) % 7 == 0) {
            uint32_t bk[4] = {k, (k + 1) % 300, (k + 7) % 300, k};
            ok = sset_put_many(a, bk, 4) == uset_put_many(b, bk, 4);
        } else if ((r >> 40) % 3) {
            ok = sset_put(a, k) == uset_put(b, k);
        } else {
            ok = sset_remove(a, k) == uset_remove(b, k);
        }
        ok = ok && same_blocks(pa, pb, l.total_size, false);
    }
    TEST_CHECK(ok);
    TEST_STATUS(uset_validate(pb, l.total_size), OHM_OK);
    free(pa);
    free(pb);
}

static void cap8(void) { maps_agree(8, 4000); }
static void cap64(void) { maps_agree(64, 20000); }
static void cap1024(void) { maps_agree(1024, (uint32_t)test_scale(60000)); }

int main(int argc, char **argv)
{
    rng = test_seed(argc, argv, 20261206);
    RUN(cap8);
    RUN(cap64);
    RUN(cap1024);
    RUN(sets_agree);
    return test_finish();
}
