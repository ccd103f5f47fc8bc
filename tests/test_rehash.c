/* test_rehash.c - N_rehash(src, dst) copies every entry into an empty map
 * in another block: larger, smaller (OHM_FULL when the entries do not
 * fit, and then dst is byte-identical to before), another maximum load
 * (N_init_ex), another seed; OHM_INVALID for a non-empty dst and for
 * blocks that overlap; the source is never written. And the grow-on-full
 * pattern that rehash exists for.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "util.h"

/* These tests fill tables to their last slot: maximum load 100, by
 * name (the default, 88, stops short). */
#define OHM_NAME rm
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define OHM_NAME rs
#define OHM_KEY uint64_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define OHM_NAME rsep /* separate key and value arrays */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_INTERLEAVE 0
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

static unsigned char *block_alloc(size_t size)
{
    size_t n = (size + 63) / 64 * 64;
    unsigned char *p = aligned_alloc(64, n ? n : 64);
    if (p == NULL) abort();
    memset(p, 0xa5, n ? n : 64); /* init must write every byte it uses */
    return p;
}

static uint32_t key_of(uint32_t i) { return i * 2654435761u + 17u; }
static uint32_t val_of(uint32_t i) { return ~i; }

/* A u32 -> u32 map of `cap` slots, maximum load `load` (0: 100), seed
 * `seed`, holding keys 0..n-1. */
static rm *rm_new(uint32_t cap, unsigned load, uint64_t seed, uint32_t n)
{
    ohm_layout l = rm_layout_for_capacity(cap);
    rm *m = rm_init_ex(block_alloc(l.total_size), l, seed, load);
    TEST_CHECK(m != NULL);
    for (uint32_t i = 0; i < n; i++) TEST_STATUS(rm_put(m, key_of(i), val_of(i)), OHM_OK);
    return m;
}

/* m holds exactly keys 0..n-1 with their values, and is valid. */
static void rm_expect_holds(const rm *m, uint32_t n)
{
    TEST_EQ_U(rm_count(m), n);
    TEST_STATUS(rm_validate(m, rm_block_size(m)), OHM_OK);
    for (uint32_t i = 0; i < n; i++) {
        const uint32_t *v = rm_get(m, key_of(i));
        TEST_CHECK(v != NULL && *v == val_of(i));
    }
    TEST_CHECK(rm_get(m, key_of(n)) == NULL);
}

/* Rehash src into dst and compare: `want`; on OHM_OK dst holds keys
 * 0..n-1; otherwise dst is byte-identical to before. src never changes. */
static void rehash_expect(const rm *src, rm *dst, uint32_t n, ohm_status want)
{
    size_t ss = rm_block_size(src), ds = rm_block_size(dst);
    unsigned char *s0 = malloc(ss), *d0 = malloc(ds);
    memcpy(s0, src, ss);
    memcpy(d0, dst, ds);
    TEST_STATUS(rm_rehash(src, dst), want);
    TEST_CHECK(memcmp(s0, src, ss) == 0);
    if (want == OHM_OK) rm_expect_holds(dst, n);
    else TEST_CHECK(memcmp(d0, dst, ds) == 0);
    free(s0);
    free(d0);
}

static void into_a_larger_block(void)
{
    rm *src = rm_new(16, 0, 0, 16); /* full */
    static const uint32_t caps[] = {16, 32, 64, 1024};
    for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
        rm *dst = rm_new(caps[c], 0, 0, 0);
        rehash_expect(src, dst, 16, OHM_OK);
        TEST_EQ_U(rm_capacity(dst), caps[c]);
        /* The bigger map takes more. */
        for (uint32_t i = 16; i < caps[c]; i++) TEST_STATUS(rm_put(dst, key_of(i), val_of(i)), OHM_OK);
        rm_expect_holds(dst, caps[c]);
        free(dst);
    }
    free(src);
}

static void into_a_smaller_block(void)
{
    /* Fits: 10 entries of 256 slots into 16, and into 16 slots at maximum
     * load 63, which hold exactly 10. */
    rm *src = rm_new(256, 0, 0, 10);
    rm *dst = rm_new(16, 0, 0, 0);
    rehash_expect(src, dst, 10, OHM_OK);
    free(dst);
    dst = rm_new(16, 63, 0, 0);
    TEST_EQ_U(rm_max_load(dst), 10);
    rehash_expect(src, dst, 10, OHM_OK);
    TEST_STATUS(rm_put(dst, key_of(10), 0), OHM_FULL); /* dst kept its load */
    free(dst);
    free(src);

    /* Does not fit: OHM_FULL, dst byte-identical. */
    src = rm_new(64, 0, 0, 20);
    static const uint32_t small[] = {0, 1, 2, 8, 16};
    for (size_t c = 0; c < sizeof small / sizeof small[0]; c++) {
        dst = rm_new(small[c], 0, 0, 0);
        rehash_expect(src, dst, 20, OHM_FULL);
        TEST_EQ_U(rm_count(dst), 0);
        free(dst);
    }
    dst = rm_new(32, 60, 0, 0); /* 19 room */
    rehash_expect(src, dst, 20, OHM_FULL);
    free(dst);
    dst = rm_new(32, 63, 0, 0); /* 20 room: exactly */
    rehash_expect(src, dst, 20, OHM_OK);
    free(dst);
    free(src);
}

static void another_maximum_load(void)
{
    rm *src = rm_new(32, 0, 0, 16);
    rm *dst = rm_new(32, 50, 0, 0);
    TEST_EQ_U(rm_max_load(dst), 16);
    rehash_expect(src, dst, 16, OHM_OK);
    TEST_STATUS(rm_put(dst, key_of(16), 1), OHM_FULL);
    TEST_STATUS(rm_reserve(dst, 1), OHM_FULL);
    free(dst);
    /* One more than its load: refused, unchanged. */
    TEST_STATUS(rm_put(src, key_of(16), val_of(16)), OHM_OK);
    dst = rm_new(32, 50, 0, 0);
    rehash_expect(src, dst, 17, OHM_FULL);
    free(dst);
    /* And the other way: from load 50 to 100 in a smaller block. */
    free(src);
    src = rm_new(64, 50, 0, 32);
    dst = rm_new(32, 100, 0, 0);
    rehash_expect(src, dst, 32, OHM_OK);
    free(dst);
    free(src);
}

/* The byte offset of key i's slot in m's block. */
static size_t slot_offset(const rm *m, uint32_t i)
{
    return (size_t)((const unsigned char *)rm_get_key(m, key_of(i)) - (const unsigned char *)m);
}

static void another_seed(void)
{
    rm *src = rm_new(64, 0, 0, 40);
    rm *dst = rm_new(64, 0, 0x0123456789abcdefu, 0);
    rehash_expect(src, dst, 40, OHM_OK);
    TEST_EQ_U(rm_seed(dst), 0x0123456789abcdefu);
    TEST_EQ_U(rm_seed(src), 0);
    /* Same capacity, another seed: the keys sit in other slots. */
    uint32_t moved = 0;
    for (uint32_t i = 0; i < 40; i++) moved += slot_offset(src, i) != slot_offset(dst, i);
    TEST_CHECK(moved > 20);
    /* And back to seed 0, smaller. */
    rm *back = rm_new(64, 0, 0, 0);
    rehash_expect(dst, back, 40, OHM_OK);
    TEST_EQ_U(rm_seed(back), 0);
    free(back);
    free(dst);
    free(src);
}

static void empty_and_zero_capacity(void)
{
    rm *src = rm_new(0, 0, 0, 0);
    rm *dst = rm_new(0, 0, 0, 0);
    rehash_expect(src, dst, 0, OHM_OK);
    free(dst);
    dst = rm_new(16, 0, 0, 0);
    rehash_expect(src, dst, 0, OHM_OK);
    free(dst);
    free(src);
    src = rm_new(16, 0, 0, 0);
    dst = rm_new(0, 0, 0, 0);
    rehash_expect(src, dst, 0, OHM_OK);
    free(dst);
    free(src);
}

static void a_destination_that_is_not_empty(void)
{
    rm *src = rm_new(16, 0, 0, 4);
    rm *dst = rm_new(64, 0, 0, 0);
    TEST_STATUS(rm_put(dst, 999, 1), OHM_OK);
    rehash_expect(src, dst, 4, OHM_INVALID); /* even with room */
    /* Emptied (clear), it is a destination again. */
    rm_clear(dst);
    rehash_expect(src, dst, 4, OHM_OK);
    free(dst);
    /* Not empty and too small: the emptiness is what is reported. */
    dst = rm_new(2, 0, 0, 1);
    rehash_expect(src, dst, 4, OHM_INVALID);
    free(dst);
    free(src);
}

static void overlapping_blocks(void)
{
    ohm_layout l = rm_layout_for_capacity(16);
    TEST_EQ_U(l.total_size % 8, 0);
    /* The same block. */
    rm *m = rm_new(16, 0, 0, 3);
    rehash_expect(m, m, 3, OHM_INVALID);
    free(m);

    /* Two blocks in one arena, the second starting inside the first (at
     * half its size), both orders; then exactly adjacent, which is fine. */
    size_t half = l.total_size / 2 / 8 * 8;
    unsigned char *arena = block_alloc(3 * l.total_size);
    unsigned char *before = malloc(3 * l.total_size);
    for (int order = 0; order < 2; order++) {
        memset(arena, 0, 3 * l.total_size);
        rm *a = rm_init(arena, l);
        rm *b = rm_init(arena + half, l); /* overwrites a's upper half */
        TEST_CHECK(a != NULL && b != NULL);
        rm *src = order ? a : b, *dst = order ? b : a;
        /* (a's entries would land in b's header: only b gets one.) */
        if (src == b) TEST_STATUS(rm_put(src, 5, 5), OHM_OK);
        TEST_EQ_U(rm_count(dst), 0);
        memcpy(before, arena, 3 * l.total_size);
        TEST_STATUS(rm_rehash(src, dst), OHM_INVALID);
        TEST_CHECK(memcmp(before, arena, 3 * l.total_size) == 0);
        /* Eight bytes of overlap (the least that keeps both aligned). */
        rm *d = rm_init(arena + l.total_size, l);
        rm *c = rm_init(arena + 2 * l.total_size - 8, l);
        TEST_CHECK(c != NULL && d != NULL);
        memcpy(before, arena, 3 * l.total_size);
        TEST_STATUS(rm_rehash(d, c), OHM_INVALID);
        TEST_STATUS(rm_rehash(c, d), OHM_INVALID);
        TEST_CHECK(memcmp(before, arena, 3 * l.total_size) == 0);
    }
    memset(arena, 0, 3 * l.total_size);
    rm *a = rm_init(arena, l), *b = rm_init(arena + l.total_size, l);
    for (uint32_t i = 0; i < 7; i++) TEST_STATUS(rm_put(a, key_of(i), val_of(i)), OHM_OK);
    rehash_expect(a, b, 7, OHM_OK);
    rm_clear(a);
    rehash_expect(b, a, 7, OHM_OK);
    free(before);
    free(arena);
}

/* Insert, and when the map is full, move it into a block of twice the
 * capacity (same seed) and retry: the pattern docs/map.md shows. */
static rm *put_growing(rm *m, uint32_t k, uint32_t v, unsigned *grows)
{
    ohm_status st = rm_put(m, k, v);
    if (st != OHM_FULL) return m;
    uint32_t cap = rm_capacity(m) ? rm_capacity(m) * 2 : 1;
    ohm_layout l = rm_layout_for_capacity(cap);
    rm *bigger = rm_init_seeded(block_alloc(l.total_size), l, rm_seed(m));
    TEST_CHECK(bigger != NULL);
    TEST_STATUS(rm_rehash(m, bigger), OHM_OK);
    free(m);
    (*grows)++;
    TEST_STATUS(rm_put(bigger, k, v), OHM_OK);
    return bigger;
}

static void grow_on_full(void)
{
    uint32_t n = (uint32_t)test_scale(3000);
    ohm_layout l = rm_layout(0);
    TEST_EQ_U(l.capacity, 0);
    rm *m = rm_init_seeded(block_alloc(l.total_size), l, 77);
    unsigned grows = 0;
    for (uint32_t i = 0; i < n; i++) {
        m = put_growing(m, key_of(i), val_of(i), &grows);
        if (i % 7 == 3) /* overwrites never grow */
            m = put_growing(m, key_of(i / 2), val_of(i / 2), &grows);
    }
    rm_expect_holds(m, n);
    TEST_EQ_U(rm_seed(m), 77);
    uint32_t cap = 1;
    unsigned want = 1;
    while (cap < n) {
        cap *= 2;
        want++;
    }
    TEST_EQ_U(rm_capacity(m), cap);
    TEST_EQ_U(grows, want);
    free(m);
}

/* The same over a set and over separate key and value arrays. */
static void sets_and_separate_arrays(void)
{
    ohm_layout ls = rs_layout_for_capacity(64), lt = rs_layout_for_capacity(128);
    rs *s = rs_init(block_alloc(ls.total_size), ls);
    rs *t = rs_init_ex(block_alloc(lt.total_size), lt, 5, 40);
    for (uint64_t i = 0; i < 50; i++) TEST_STATUS(rs_put(s, i << 35 | i), OHM_OK);
    TEST_STATUS(rs_rehash(s, t), OHM_OK);
    TEST_STATUS(rs_validate(t, lt.total_size), OHM_OK);
    TEST_EQ_U(rs_count(t), 50);
    for (uint64_t i = 0; i < 50; i++) TEST_CHECK(rs_contains(t, i << 35 | i));
    /* 52 entries; t holds floor(128 * 40%) = 51. */
    TEST_STATUS(rs_put(s, 12345), OHM_OK);
    TEST_STATUS(rs_put(s, 67890), OHM_OK);
    rs_clear(t);
    unsigned char *t0 = malloc(lt.total_size);
    memcpy(t0, t, lt.total_size);
    TEST_STATUS(rs_rehash(s, t), OHM_FULL);
    TEST_CHECK(memcmp(t0, t, lt.total_size) == 0);
    free(t0);
    free(s);
    free(t);

    ohm_layout la = rsep_layout_for_capacity(32), lb = rsep_layout_for_capacity(8);
    rsep *a = rsep_init(block_alloc(la.total_size), la);
    rsep *b = rsep_init(block_alloc(lb.total_size), lb);
    for (uint32_t i = 0; i < 8; i++) TEST_STATUS(rsep_put(a, key_of(i), val_of(i)), OHM_OK);
    TEST_STATUS(rsep_rehash(a, b), OHM_OK);
    TEST_STATUS(rsep_validate(b, lb.total_size), OHM_OK);
    for (uint32_t i = 0; i < 8; i++) TEST_CHECK(*rsep_get(b, key_of(i)) == val_of(i));
    free(a);
    free(b);
}

/* Entries moved by backward-shift removal are all carried over. */
static void after_churn(void)
{
    rm *src = rm_new(64, 0, 9, 0);
    uint64_t rng = 1;
    uint8_t present[96] = {0};
    uint32_t vals[96] = {0};
    for (int step = 0; step < 2000; step++) {
        uint32_t i = (uint32_t)(test_rand(&rng) % 96);
        if (test_rand(&rng) % 3 == 0) {
            TEST_CHECK(rm_remove(src, key_of(i)) == (present[i] != 0));
            present[i] = 0;
        } else if (rm_put(src, key_of(i), (uint32_t)step) != OHM_FULL) {
            present[i] = 1;
            vals[i] = (uint32_t)step;
        }
    }
    rm *dst = rm_new(128, 75, 3, 0);
    TEST_STATUS(rm_rehash(src, dst), OHM_OK);
    TEST_STATUS(rm_validate(dst, rm_block_size(dst)), OHM_OK);
    TEST_EQ_U(rm_count(dst), rm_count(src));
    for (uint32_t i = 0; i < 96; i++) {
        const uint32_t *v = rm_get(dst, key_of(i));
        TEST_CHECK(present[i] ? v != NULL && *v == vals[i] : v == NULL);
    }
    free(dst);
    free(src);
}

/* N_layout_grown: at least twice the capacity, enough for one more entry
 * at the map's own maximum load, nothing at the ceiling. */
static void the_layout_to_grow_into(void)
{
    static const unsigned loads[] = {1, 50, 87, 100};
    for (size_t li = 0; li < 4; li++)
        for (uint32_t cap = 0; cap <= 4096; cap = cap ? cap * 2 : 1) {
            ohm_layout l = rm_layout_for_capacity(cap);
            void *buf = test_block(rm_base_align(), l.total_size);
            rm *m = rm_init_ex(buf, l, 5, loads[li]);
            TEST_CHECK(m != NULL);
            if (!m) return;
            for (uint32_t k = 0; rm_put(m, k, k) != OHM_FULL; k++) {}
            ohm_layout g = rm_layout_grown(m);
            TEST_CHECK(g.total_size != 0);
            TEST_CHECK(g.capacity >= 2 * cap);
            TEST_CHECK(ohm_max_entries(g.capacity, loads[li]) > rm_count(m));
            /* The recipe: init like, rehash, put: every step succeeds and
             * the settings come along. */
            rm_set_user(m, 0x55);
            void *nb = test_block(rm_base_align(), g.total_size);
            rm *big = rm_init_like(nb, g, m);
            TEST_CHECK(big != NULL);
            if (!big) return;
            TEST_EQ_U(rm_seed(big), 5);
            TEST_EQ_U(rm_max_load_percent(big), loads[li]);
            TEST_EQ_U(rm_user(big), 0x55);
            TEST_STATUS(rm_rehash(m, big), OHM_OK);
            TEST_STATUS(rm_put(big, 999999, 1), OHM_OK);
            TEST_EQ_U(rm_count(big), rm_count(m) + 1);
            free(buf);
            free(nb);
        }
    /* At the ceiling: a header that says 2^31 slots (only the header is
     * read) gets no layout. */
    rm fake;
    memset(&fake, 0, sizeof fake);
    fake.hdr.capacity = OHM_MAX_CAPACITY;
    fake.hdr.count = OHM_MAX_CAPACITY;
    fake.hdr.max_load = 100;
    TEST_EQ_U(rm_layout_grown(&fake).total_size, 0);
    fake.hdr.capacity = OHM_MAX_CAPACITY / 2; /* the last doubling is fine */
    fake.hdr.count = OHM_MAX_CAPACITY / 2;
    ohm_layout last = rm_layout_grown(&fake);
    TEST_EQ_U(last.capacity, SIZE_MAX > UINT32_MAX ? OHM_MAX_CAPACITY : 0);
    fake.hdr.max_load = 40; /* 2^30 entries do not fit 2^31 slots at 40% */
    TEST_EQ_U(rm_layout_grown(&fake).total_size, 0);
}

int main(void)
{
    RUN(into_a_larger_block);
    RUN(into_a_smaller_block);
    RUN(another_maximum_load);
    RUN(another_seed);
    RUN(empty_and_zero_capacity);
    RUN(a_destination_that_is_not_empty);
    RUN(overlapping_blocks);
    RUN(grow_on_full);
    RUN(sets_and_separate_arrays);
    RUN(after_churn);
    RUN(the_layout_to_grow_into);
    return test_finish();
}
