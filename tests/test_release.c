/* test_release.c - broken caller promises in a release build (NDEBUG):
 * nothing aborts, and the same violations as tests/test_contract.c must
 * not loop for ever (an alarm kills a hung run), must not write outside
 * the block (guard bytes on both sides are checked), and leave a map that
 * passes N_check. The *_assume_capacity calls on a full map, remove_at
 * with a foreign pointer and put_many with NULL arrays change nothing at all (the block is compared
 * byte for byte). put_new of a present key is the documented exception
 * (docs/map.md): it stores the key a second time, N_check reports that as
 * OHM_CORRUPT, and removing the key twice makes the map sound again. */
#define NDEBUG
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>

#include "test.h"
#include "util.h"

#define OHM_NAME rmap
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#include "ohm_map.h"

#define OHM_NAME rset
#define OHM_KEY uint64_t
#include "ohm_map.h"

#if !defined(NDEBUG) || !defined(OHM_ASSERT)
#error "expected a release build"
#endif

/* A map at its maximum load in a block with guard bytes around it. */
static rmap *guarded_map(guarded *g, uint32_t cap, unsigned load, uint32_t fill)
{
    ohm_layout l = rmap_layout_for_capacity(cap);
    *g = guarded_new(rmap_base_align(), l.total_size);
    rmap *m = rmap_init_ex(g->block, l, 0, load);
    for (uint32_t i = 0; i < fill; i++) rmap_put(m, i, i);
    return m;
}

/* The *_assume_capacity calls with no room: nothing happens. */
static void assume_capacity_on_full_map(void)
{
    static const uint32_t caps[] = {0, 1, 2, 16, 64};
    static const unsigned loads[] = {100, 50};
    for (size_t c = 0; c < 5; c++)
        for (size_t l = 0; l < 2; l++) {
            guarded g;
            rmap *m = guarded_map(&g, caps[c], loads[l], 0);
            uint32_t max = rmap_max_load(m);
            for (uint32_t i = 0; i < max; i++) TEST_STATUS(rmap_put(m, i, i), OHM_OK);
            size_t n = rmap_block_size(m);
            unsigned char *copy = malloc(n);
            memcpy(copy, m, n);
            rmap_put_assume_capacity(m, 1000, 1);
            rmap_put_new_assume_capacity(m, 1001, 1);
            bool found = true;
            rmap_entry e = rmap_get_or_put_assume_capacity(m, 1002, &found);
            TEST_CHECK(e.key == NULL); /* documented: no entry */
            TEST_CHECK(!found);
            rmap_kv old = {7, 7};
            TEST_CHECK(!rmap_fetch_put_assume_capacity(m, 1003, 1, &old));
            TEST_CHECK(old.key == 7 && old.value == 7);
            TEST_CHECK(memcmp(copy, m, n) == 0);
            TEST_CHECK(guarded_intact(&g));
            TEST_STATUS(rmap_check(m), OHM_OK);
            TEST_EQ_U(rmap_count(m), max);
            for (uint32_t k = 1000; k < 1004; k++) TEST_CHECK(!rmap_contains(m, k));
            free(copy);
            guarded_free(&g);
        }
}

/* remove_at with pointers that are not used key slots of the map. */
static void remove_at_foreign_pointer(void)
{
    guarded g, h;
    rmap *m = guarded_map(&g, 32, 100, 20);
    rmap *other = guarded_map(&h, 32, 100, 20);
    size_t n = rmap_block_size(m);
    unsigned char *copy = malloc(n);
    memcpy(copy, m, n);

    uint32_t local = 5;
    rmap_remove_at(m, &local);
    rmap_remove_at(m, rmap_get_key(other, 5));
    rmap_remove_at(m, NULL);
    rmap_remove_at(m, (uint32_t *)(void *)((char *)m + n));
    rmap_remove_at(m, (uint32_t *)(void *)((char *)rmap_get_key(m, 5) + 1));
    rmap_remove_at(m, (uint32_t *)(void *)m); /* the header */
    TEST_CHECK(memcmp(copy, m, n) == 0);
    /* The slot of a removed key, when nothing moved into it. */

    rmap_entry e = rmap_get_entry(m, 7);
    uint32_t *k7 = e.key;
    TEST_CHECK(rmap_remove(m, 7));
    memcpy(copy, m, n);
    if (!rmap_contains(m, *k7)) { /* k7's slot is free now (nothing moved in) */
        rmap_remove_at(m, k7);
        TEST_CHECK(memcmp(copy, m, n) == 0);
    }
    TEST_CHECK(guarded_intact(&g));
    TEST_CHECK(guarded_intact(&h));
    TEST_STATUS(rmap_check(m), OHM_OK);
    TEST_EQ_U(rmap_count(m), 19);
    free(copy);
    guarded_free(&g);
    guarded_free(&h);
}

/* put_many with NULL keys or values and n > 0: nothing put, 0 returned. */
static void put_many_null_arrays(void)
{
    guarded g;
    rmap *m = guarded_map(&g, 32, 100, 20);
    size_t n = rmap_block_size(m);
    unsigned char *copy = malloc(n);
    memcpy(copy, m, n);
    const uint32_t k[2] = {100, 101}, v[2] = {1, 2};
    TEST_EQ_U(rmap_put_many(m, NULL, v, 2), 0);
    TEST_EQ_U(rmap_put_many(m, k, NULL, 2), 0);
    TEST_EQ_U(rmap_put_many(m, NULL, NULL, 5), 0);
    TEST_CHECK(memcmp(copy, m, n) == 0);
    TEST_CHECK(guarded_intact(&g));
    free(copy);
    guarded_free(&g);
    ohm_layout l = rset_layout_for_capacity(8);
    void *b = test_block(rset_base_align(), l.total_size);
    rset *s = rset_init(b, l);
    TEST_EQ_U(rset_put_many(s, NULL, 3), 0);
    TEST_EQ_U(rset_count(s), 0);
    free(b);
}

/* put_new of a present key: stored twice (documented), contained. */
static void put_new_present_key(void)
{
    static const uint32_t caps[] = {1, 2, 16, 64};
    for (size_t c = 0; c < 4; c++) {
        uint32_t cap = caps[c];
        guarded g;
        rmap *m = guarded_map(&g, cap, 100, cap - 1); /* room for one */
        uint32_t key = cap > 1 ? cap / 2 : 0;
        bool present = rmap_contains(m, key);
        ohm_status st = rmap_put_new(m, key, 99);
        TEST_CHECK(guarded_intact(&g));
        if (present) {
            TEST_STATUS(st, OHM_OK);
            TEST_EQ_U(rmap_count(m), cap);
            TEST_STATUS(rmap_check(m), OHM_CORRUPT); /* the duplicate is seen */
            /* Lookups still end; both copies can be removed. */
            TEST_CHECK(rmap_contains(m, key));
            TEST_CHECK(!rmap_contains(m, 5000));
            TEST_CHECK(rmap_remove(m, key));
            TEST_CHECK(rmap_remove(m, key));
            TEST_CHECK(!rmap_remove(m, key));
            TEST_STATUS(rmap_check(m), OHM_OK);
            TEST_EQ_U(rmap_count(m), cap - 2);
        } else {
            TEST_STATUS(st, OHM_OK); /* cap 1: the map was empty */
        }
        /* A full map refuses put_new of a present key like any other. */
        while (rmap_count(m) < rmap_max_load(m)) rmap_put(m, 100 + rmap_count(m), 0);
        size_t n = rmap_block_size(m);
        unsigned char *copy = malloc(n);
        memcpy(copy, m, n);
        uint32_t some = 100;
        TEST_STATUS(rmap_put_new(m, some, 1), OHM_FULL);
        rmap_put_new_assume_capacity(m, some, 1);
        TEST_CHECK(memcmp(copy, m, n) == 0);
        TEST_CHECK(guarded_intact(&g));
        TEST_STATUS(rmap_check(m), OHM_OK);
        free(copy);
        guarded_free(&g);
    }
    /* The set form. */
    ohm_layout l = rset_layout_for_capacity(8);
    guarded g = guarded_new(rset_base_align(), l.total_size);
    rset *s = rset_init(g.block, l);
    rset_put(s, 42);
    TEST_STATUS(rset_put_new(s, 42), OHM_OK);
    TEST_STATUS(rset_check(s), OHM_CORRUPT);
    TEST_CHECK(rset_remove(s, 42) && rset_remove(s, 42));
    TEST_STATUS(rset_check(s), OHM_OK);
    TEST_CHECK(guarded_intact(&g));
    guarded_free(&g);
}

int main(void)
{
    alarm(120); /* a violation that loops for ever fails by SIGALRM */
    RUN(assume_capacity_on_full_map);
    RUN(remove_at_foreign_pointer);
    RUN(put_new_present_key);
    RUN(put_many_null_arrays);
    return test_finish();
}
