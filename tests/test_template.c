/* test_template.c - template hygiene: one translation unit instantiates a
 * map, a set and struct-keyed maps (with every optional parameter), and
 * after each instantiation tests/template_clean.h fails the build if any
 * OHM_ parameter or internal helper is still defined. At run time the
 * instantiations are shown not to leak into each other: each keeps its own
 * maximum load, type tag and value/set shape. ohm_map.h comes first, before
 * anything else includes ohm.h: it must stand on its own. */
#define OHM_NAME tmap /* every parameter given */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_HASH(k) ohm_hash_u64((k), 0)
#define OHM_EQ(a, b) ((a) == (b))
#define OHM_MAX_LOAD 50
#define OHM_TYPE_TAG 7
#define OHM_INTERLEAVE 0
#include "ohm_map.h"
#include "template_clean.h"

/* A set right after a map: had OHM_VALUE leaked, tset_put(m, k) below
 * would not compile. */
#define OHM_NAME tset
#define OHM_KEY uint32_t
#include "ohm_map.h"
#include "template_clean.h"

/* The same types as tmap, all defaults. */
#define OHM_NAME tmap2
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#include "ohm_map.h"
#include "template_clean.h"

/* A struct key with the map-aware hash and equality. */
typedef struct tpoint {
    int32_t x, y;
} tpoint;
#define OHM_NAME tpt
#define OHM_KEY tpoint
#define OHM_VALUE double
#define OHM_HASH_EX(m, k, seed) ((void)(m), ohm_hash_u64(((uint64_t)(uint32_t)(k).x << 32) | (uint32_t)(k).y, (seed)))
#define OHM_EQ_EX(m, a, b) ((void)(m), (a).x == (b).x && (a).y == (b).y)
#include "ohm_map.h"
#include "template_clean.h"

/* With the debug checker on: N_check runs after every mutation. */
#define OHM_DEBUG_CHECKS
#define OHM_NAME tdbg
#define OHM_KEY uint64_t
#define OHM_VALUE uint16_t
#include "ohm_map.h"
#include "template_clean.h" /* and OHM_DEBUG_CHECKS is gone */

/* The core header again: it is guarded. */
#include "ohm.h"

#include "test.h"
#include "util.h"

#define NEW(P, cap)                                                                        \
    P##_init(test_block(P##_base_align(), P##_layout_for_capacity(cap).total_size),         \
             P##_layout_for_capacity(cap))

static void instantiations_are_independent(void)
{
    tmap *a = NEW(tmap, 64);
    tmap2 *b = NEW(tmap2, 64);
    tset *s = NEW(tset, 64);
    tpt *p = NEW(tpt, 64);
    tdbg *d = NEW(tdbg, 64);
    TEST_CHECK(a && b && s && p && d);
    /* Each keeps its own maximum load: tmap's 50, the default 88 for the
     * others (floor(64 * 0.88) = 56), not tmap's leaked into them. */
    TEST_EQ_U(tmap_max_load(a), 32);
    TEST_EQ_U(tmap2_max_load(b), 56);
    TEST_EQ_U(tset_max_load(s), 56);
    TEST_EQ_U(tpt_max_load(p), 56);
    /* The same key and value types, but another tag, load and placement:
     * each refuses the other's block. */
    TEST_STATUS(tmap_attach(b, tmap2_block_size(b), NULL), OHM_BAD_TYPE);
    TEST_STATUS(tmap2_attach(a, tmap_block_size(a), NULL), OHM_BAD_TYPE);
    TEST_STATUS(tset_attach(b, tmap2_block_size(b), NULL), OHM_BAD_TYPE);
    TEST_EQ_U(a->hdr.type_tag, 7);
    TEST_EQ_U(b->hdr.type_tag, 0);
    /* Every one works. */
    for (uint32_t i = 0; i < 32; i++) {
        TEST_STATUS(tmap_put(a, i, i + 1), OHM_OK);
        TEST_STATUS(tmap2_put(b, i, i + 2), OHM_OK);
        TEST_STATUS(tset_put(s, i), OHM_OK);
        TEST_STATUS(tpt_put(p, (tpoint){(int32_t)i, -(int32_t)i}, i * 0.5), OHM_OK);
        TEST_STATUS(tdbg_put(d, (uint64_t)i << 33, (uint16_t)i), OHM_OK);
    }
    TEST_STATUS(tmap_put(a, 99, 0), OHM_FULL); /* 50% of 64 */
    TEST_STATUS(tmap2_put(b, 99, 0), OHM_OK);
    for (uint32_t i = 0; i < 32; i++) {
        TEST_EQ_U(*tmap_get(a, i), i + 1);
        TEST_EQ_U(*tmap2_get(b, i), i + 2);
        TEST_CHECK(tset_contains(s, i));
        TEST_CHECK(*tpt_get(p, (tpoint){(int32_t)i, -(int32_t)i}) == i * 0.5);
        TEST_CHECK(!tpt_contains(p, (tpoint){(int32_t)i, (int32_t)i + 1}));
        TEST_EQ_U(*tdbg_get(d, (uint64_t)i << 33), i);
    }
    for (uint32_t i = 0; i < 32; i += 2) {
        TEST_CHECK(tpt_remove(p, (tpoint){(int32_t)i, -(int32_t)i}));
        TEST_CHECK(tdbg_remove(d, (uint64_t)i << 33));
    }
    TEST_STATUS(tmap_check(a), OHM_OK);
    TEST_STATUS(tmap2_check(b), OHM_OK);
    TEST_STATUS(tset_check(s), OHM_OK);
    TEST_STATUS(tpt_check(p), OHM_OK);
    TEST_STATUS(tdbg_check(d), OHM_OK);
    free(a);
    free(b);
    free(s);
    free(p);
    free(d);
}

int main(void)
{
    RUN(instantiations_are_independent);
    return test_finish();
}
