/* test_layout.c - block layout arithmetic: sizes and offsets for every
 * capacity, alignment, impossible requests (total_size 0), the capacity
 * N_layout picks for a number of entries at each maximum load, N_max_load,
 * the block planner, and which layouts and buffers N_init accepts. */
#include <stdalign.h>

#include "test.h"
#include "util.h"

#define OHM_NAME lk8 /* 8-byte keys and values, the default maximum load */
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#include "ohm_map.h"

/* ohm_map.h's OHM_MAX_LOAD when none is given (docs/map.md). */
#define DEFAULT_LOAD 88u

#define OHM_NAME lset /* a set: no values array */
#define OHM_KEY uint32_t
#include "ohm_map.h"

#define OHM_NAME lchar /* 1-byte keys, 8-byte values: padding before the values */
#define OHM_KEY unsigned char
#define OHM_VALUE double
#include "ohm_map.h"

/* A key more aligned than the header. The template passes keys by value,
 * and gcc notes that the ABI for passing 64-byte aligned arguments changed
 * in gcc 4.6: information about linking with code built by gcc 4.5 or
 * older, not a warning. The Makefile builds this test with -Wno-psabi; a
 * user with such a key type sees the same note (docs/map.md). */
typedef struct wide {
    alignas(64) unsigned char bytes[72];
} wide;
#define OHM_NAME lwide
#define OHM_KEY wide
#define OHM_VALUE uint16_t
#define OHM_HASH(k) ohm_hash_bytes((k).bytes, sizeof (k).bytes, 0)
#define OHM_EQ(a, b) (memcmp((a).bytes, (b).bytes, sizeof (a).bytes) == 0)
#include "ohm_map.h"

#define OHM_NAME l50
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_MAX_LOAD 50
#include "ohm_map.h"

#define OHM_NAME l80
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_MAX_LOAD 80
#include "ohm_map.h"

#define OHM_NAME l1
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_MAX_LOAD 1
#include "ohm_map.h"

static bool is_pow2(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

/* Every promise about one layout: offsets aligned, regions in order and
 * not overlapping, padding minimal, size exact. Values sit beside their
 * keys (interleaved) exactly when that needs no padding; otherwise keys and
 * values have arrays of their own. */
static void check_layout(ohm_layout l, uint32_t cap, size_t ks, size_t ka, size_t vs, size_t va)
{
    /* metadata, its mirror, and one class byte per 16-slot group */
    uint64_t meta_len = cap ? (uint64_t)cap + OHM_GROUP_MIRROR : 0;
    meta_len += cap >= OHM_OVF_SLOTS ? cap / OHM_OVF_SLOTS : 0;
    uint64_t base = ka > va ? ka : va;
    if (base < 8) base = 8;
    uint64_t slot = OHM_SLOT_SIZE(ks, ka, vs, va);
    bool il = vs != 0 && slot == ks + vs;
    uint64_t first_align = il ? (ka > va ? ka : va) : ka;
    TEST_CHECK(l.total_size != 0);
    TEST_EQ_U(l.capacity, cap);
    TEST_EQ_U(l.meta_start, test_meta_start(cap, vs, vs ? va : 1));
    TEST_EQ_U(l.keys_start % ka, 0);
    TEST_EQ_U(l.vals_start % va, 0);
    TEST_CHECK(l.keys_start >= l.meta_start + meta_len);
    TEST_CHECK(l.keys_start < l.meta_start + meta_len + first_align);
    /* The size ends the last array, rounded up to the block's alignment. */
    uint64_t end;
    if (il) {
        TEST_EQ_U(l.vals_start, l.keys_start + ks);
        end = l.keys_start + (uint64_t)cap * slot;
    } else {
        TEST_CHECK(l.vals_start >= l.keys_start + (uint64_t)cap * ks);
        TEST_CHECK(l.vals_start < l.keys_start + (uint64_t)cap * ks + va);
        end = l.vals_start + (uint64_t)cap * vs;
    }
    TEST_EQ_U(l.total_size, test_total_size(cap, end, base));
    TEST_EQ_U(l.total_size % base, 0);
    ohm_layout g = ohm_layout_for(cap, ks, ka, vs, va, il);
    TEST_EQ_U(g.total_size, l.total_size);
    TEST_EQ_U(g.keys_start, l.keys_start);
    TEST_EQ_U(g.vals_start, l.vals_start);
}

static void layout_every_capacity(void)
{
    for (uint32_t cap = 0; cap <= (1u << 20); cap = cap ? cap * 2 : 1) {
        check_layout(lk8_layout_for_capacity(cap), cap, 8, alignof(uint64_t), 8, alignof(uint64_t));
        check_layout(lset_layout_for_capacity(cap), cap, 4, alignof(uint32_t), 0, 1);
        check_layout(lchar_layout_for_capacity(cap), cap, 1, 1, sizeof(double), alignof(double));
        check_layout(lwide_layout_for_capacity(cap), cap, sizeof(wide), alignof(wide), 2, 2);
        check_layout(l50_layout_for_capacity(cap), cap, 4, 4, 4, 4);
    }
    /* The largest capacity: only arithmetic, nothing is allocated. */
    if (SIZE_MAX > UINT32_MAX) {
        check_layout(lk8_layout_for_capacity(OHM_MAX_CAPACITY), OHM_MAX_CAPACITY, 8, 8, 8, 8);
        check_layout(lwide_layout_for_capacity(OHM_MAX_CAPACITY), OHM_MAX_CAPACITY, sizeof(wide),
                     alignof(wide), 2, 2);
    }
    /* A set's values "start" is the end of its keys. */
    ohm_layout s = lset_layout_for_capacity(64);
    TEST_EQ_U(s.vals_start, s.keys_start + 64 * 4);
    TEST_EQ_U(s.total_size, test_total_size(64, s.vals_start, 8));
}

static void layout_capacity_zero(void)
{
    /* Capacity 0 is a valid block: just the header, no slots. */
    ohm_layout l = lk8_layout_for_capacity(0);
    TEST_CHECK(l.total_size >= sizeof(ohm_header));
    TEST_EQ_U(l.capacity, 0);
    ohm_layout z = lk8_layout(0);
    TEST_EQ_U(z.capacity, 0);
    TEST_EQ_U(z.total_size, l.total_size);
    TEST_EQ_U(l50_layout(0).capacity, 0);
    TEST_EQ_U(l1_layout(0).capacity, 0);
}

static void layout_refuses_non_powers_of_two(void)
{
    static const uint32_t bad[] = {3, 5, 6, 7, 12, 24, 100, 1000, 1023, 1025, (1u << 20) + 1,
                                   (1u << 31) - 1, (1u << 31) + 1, 3u << 30, UINT32_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        TEST_EQ_U(lk8_layout_for_capacity(bad[i]).total_size, 0);
        TEST_EQ_U(lset_layout_for_capacity(bad[i]).total_size, 0);
        TEST_EQ_U(lwide_layout_for_capacity(bad[i]).total_size, 0);
        TEST_EQ_U(ohm_layout_for(bad[i], 8, 8, 8, 8, false).total_size, 0);
    }
    /* Alignments that are not powers of two, or absurd. */
    TEST_EQ_U(ohm_layout_for(16, 8, 0, 8, 8, true).total_size, 0);
    TEST_EQ_U(ohm_layout_for(16, 8, 3, 8, 8, true).total_size, 0);
    TEST_EQ_U(ohm_layout_for(16, 8, 8, 8, 12, true).total_size, 0);
    TEST_EQ_U(ohm_layout_for(16, 8, 8192, 8, 8, true).total_size, 0);
}

/* The capacity N_layout must pick: the smallest power of two whose
 * floor(cap * load / 100) holds `entries`; 0 for none; 0 (impossible) when
 * more than 2^31 slots would be needed. Computed here the slow way. */
static uint32_t expected_capacity(uint32_t entries, unsigned load)
{
    if (entries == 0) return 0;
    for (uint64_t cap = 1; cap <= OHM_MAX_CAPACITY; cap *= 2)
        if (cap * load / 100 >= entries) return (uint32_t)cap;
    return UINT32_MAX; /* impossible */
}

static void check_sized(ohm_layout l, uint32_t entries, unsigned load)
{
    uint32_t want = expected_capacity(entries, load);
    if (want == UINT32_MAX) {
        TEST_EQ_U(l.total_size, 0);
    } else {
        TEST_CHECK(l.total_size != 0);
        TEST_EQ_U(l.capacity, want);
    }
}

static void layout_for_entries(void)
{
    for (uint32_t n = 0; n <= 3000; n++) {
        check_sized(lk8_layout(n), n, DEFAULT_LOAD);
        check_sized(lk8_layout_for_load(n, 100), n, 100);
        check_sized(l80_layout(n), n, 80);
        check_sized(l50_layout(n), n, 50);
        check_sized(l1_layout(n), n, 1);
        check_sized(lk8_layout_for_load(n, 80), n, 80);
        check_sized(lset_layout_for_load(n, 33), n, 33);
    }
    /* The top end, where 2^31 slots are the most there can be. Where
     * size_t is 32 bits a block of 2^31 slots (16 GiB or more here) does
     * not fit in size_t, so those requests are impossible too. */
    const bool fits = SIZE_MAX > UINT32_MAX;
    static const unsigned loads[] = {1, 50, 80, 99, 100};
    for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++) {
        uint32_t most = ohm_max_entries(OHM_MAX_CAPACITY, loads[i]);
        if (fits) {
            check_sized(lk8_layout_for_load(most, loads[i]), most, loads[i]);
            TEST_EQ_U(lk8_layout_for_load(most, loads[i]).capacity, OHM_MAX_CAPACITY);
        } else {
            TEST_EQ_U(lk8_layout_for_load(most, loads[i]).total_size, 0);
        }
        TEST_EQ_U(lk8_layout_for_load(most + 1, loads[i]).total_size, 0);
        TEST_EQ_U(lk8_layout_for_load(UINT32_MAX, loads[i]).total_size, 0);
    }
    if (fits) {
        TEST_EQ_U(lk8_layout_for_load(1u << 31, 100).capacity, 1u << 31);
        TEST_EQ_U(lk8_layout(ohm_max_entries(1u << 31, DEFAULT_LOAD)).capacity, 1u << 31);
        TEST_EQ_U(l50_layout(1u << 30).capacity, 1u << 31);
        TEST_EQ_U(l80_layout(1717986918u).capacity, 1u << 31);
    } else {
        TEST_EQ_U(lk8_layout_for_load(1u << 31, 100).total_size, 0);
        TEST_EQ_U(l50_layout(1u << 30).total_size, 0);
        TEST_EQ_U(l80_layout(1717986918u).total_size, 0);
    }
    TEST_EQ_U(lk8_layout_for_load((1u << 31) + 1, 100).total_size, 0);
    TEST_EQ_U(lk8_layout(ohm_max_entries(1u << 31, DEFAULT_LOAD) + 1).total_size, 0);
    TEST_EQ_U(l50_layout((1u << 30) + 1).total_size, 0);
    TEST_EQ_U(l80_layout(1717986919u).total_size, 0);
    /* Loads outside 1..100 cannot be laid out. */
    /* load 0 means the default, as in N_init_ex */
    TEST_EQ_U(lk8_layout_for_load(10, 0).total_size, lk8_layout(10).total_size);
    TEST_EQ_U(lk8_layout_for_load(10, 0).capacity, lk8_layout(10).capacity);
    TEST_EQ_U(lk8_layout_for_load(10, 101).total_size, 0);
    TEST_EQ_U(ohm_capacity_for(10, 0), UINT32_MAX);
    TEST_EQ_U(ohm_capacity_for(0, 50), 0);
    /* A few by hand. */
    TEST_EQ_U(lk8_layout_for_load(1, 100).capacity, 1);
    TEST_EQ_U(lk8_layout_for_load(5, 100).capacity, 8);
    TEST_EQ_U(lk8_layout_for_load(16, 100).capacity, 16);
    TEST_EQ_U(lk8_layout(1).capacity, 2); /* 1 * 0.88 -> 0 */
    TEST_EQ_U(lk8_layout(5).capacity, 8);
    TEST_EQ_U(lk8_layout(16).capacity, 32); /* 16 * 0.88 = 14.08 -> 14 */
    TEST_EQ_U(lk8_layout(1000).capacity, 2048); /* 1024 at 100 */
    TEST_EQ_U(l80_layout(13).capacity, 32); /* 16 * 0.8 = 12.8 -> 12 */
    TEST_EQ_U(l80_layout(12).capacity, 16);
    TEST_EQ_U(l50_layout(8).capacity, 16);
    TEST_EQ_U(l1_layout(1).capacity, 128); /* 64 * 1% = 0.64 -> 0 */
}

/* The default maximum load: a table of C slots holds 7C/8 entries, as
 * Abseil's and Boost's do (N_layout(7C/8) is C for every C from 8 up; with
 * 87 it would be 2C), and a block from N_layout is at most 88% full. */
static void default_maximum_load(void)
{
    for (uint64_t cap = 8; cap <= OHM_MAX_CAPACITY; cap *= 2) {
        uint32_t c = (uint32_t)cap;
        if (SIZE_MAX > UINT32_MAX || cap < (1u << 26)) {
            TEST_EQ_U(lk8_layout((uint32_t)(cap / 8 * 7)).capacity, cap);
            TEST_EQ_U(lset_layout((uint32_t)(cap / 8 * 7)).capacity, cap);
        }
        TEST_EQ_U(ohm_capacity_for(c / 8 * 7, 87), cap < OHM_MAX_CAPACITY ? 2 * cap : UINT32_MAX);
        TEST_CHECK(ohm_max_entries(c, DEFAULT_LOAD) >= c / 8 * 7);
    }
    for (uint32_t n = 1; n <= 5000; n++) {
        ohm_layout l = lk8_layout(n);
        TEST_CHECK((uint64_t)n * 100 <= (uint64_t)l.capacity * DEFAULT_LOAD);
    }
    /* What N_init records, and 0 meaning it. */
    ohm_layout l = lk8_layout_for_capacity(64);
    void *buf = test_block(lk8_base_align(), l.total_size);
    lk8 *m = lk8_init(buf, l);
    TEST_EQ_U(lk8_max_load_percent(m), DEFAULT_LOAD);
    TEST_EQ_U(lk8_max_load(m), 56);
    TEST_EQ_U(lk8_max_load_percent(lk8_init_seeded(buf, l, 5)), DEFAULT_LOAD);
    TEST_EQ_U(lk8_max_load_percent(lk8_init_ex(buf, l, 0, 0)), DEFAULT_LOAD);
    /* 100, every slot, is one argument away. */
    m = lk8_init_ex(buf, l, 0, 100);
    TEST_EQ_U(lk8_max_load(m), 64);
    free(buf);
}

static void layout_max_entries(void)
{
    TEST_EQ_U(ohm_max_entries(OHM_MAX_CAPACITY, 100), OHM_MAX_CAPACITY);
    TEST_EQ_U(ohm_max_entries(OHM_MAX_CAPACITY, 99), 2126008811u);
    TEST_EQ_U(ohm_max_entries(OHM_MAX_CAPACITY, 1), 21474836u);
    TEST_EQ_U(ohm_max_entries(0, 100), 0);
    TEST_EQ_U(ohm_max_entries(1, 99), 0);
    TEST_EQ_U(ohm_max_entries(1, 100), 1);
    TEST_EQ_U(ohm_max_entries(16, 80), 12);
    /* What an initialised map reports, for every small capacity. */
    for (uint32_t cap = 0; cap <= 1024; cap = cap ? cap * 2 : 1) {
        static const unsigned loads[] = {1, 50, 80, 100};
        ohm_layout l = l50_layout_for_capacity(cap);
        void *buf = test_block(l50_base_align(), l.total_size);
        for (size_t i = 0; i < 4; i++) {
            l50 *m = l50_init_ex(buf, l, 0, loads[i]);
            TEST_CHECK(m != NULL);
            TEST_EQ_U(l50_capacity(m), cap);
            TEST_EQ_U(l50_max_load(m), (uint64_t)cap * loads[i] / 100);
            TEST_EQ_U(l50_count(m), 0);
            TEST_EQ_U(l50_block_size(m), l.total_size);
        }
        /* 0 means the instantiation's OHM_MAX_LOAD. */
        TEST_EQ_U(l50_max_load(l50_init_ex(buf, l, 0, 0)), cap / 2);
        TEST_EQ_U(l50_max_load(l50_init(buf, l)), cap / 2);
        free(buf);
    }
}

static void layout_base_align(void)
{
    TEST_CHECK(is_pow2(lk8_base_align()));
    TEST_CHECK(lk8_base_align() >= alignof(ohm_header));
    TEST_CHECK(lk8_base_align() >= alignof(uint64_t));
    TEST_CHECK(is_pow2(lset_base_align()));
    TEST_CHECK(lset_base_align() >= alignof(ohm_header));
    TEST_CHECK(is_pow2(lchar_base_align()));
    TEST_CHECK(lchar_base_align() >= alignof(double));
    TEST_EQ_U(lwide_base_align(), 64);
    /* With the base aligned, every key and value address is aligned. */
    ohm_layout l = lwide_layout_for_capacity(8);
    wide *w = test_block(lwide_base_align(), l.total_size);
    lwide *m = lwide_init(w, l);
    TEST_CHECK(m != NULL);
    lwide_entry e;
    wide k;
    memset(&k, 7, sizeof k);
    TEST_STATUS(lwide_get_or_put(m, k, &e), OHM_OK);
    TEST_EQ_U((uintptr_t)e.key % alignof(wide), 0);
    TEST_EQ_U((uintptr_t)e.value % alignof(uint16_t), 0);
    free(w);
}

/* N_init refuses NULL, a misaligned buffer and any layout that is not what
 * its own layout function gives, and then leaves the buffer untouched. */
static void init_refuses(void)
{
    ohm_layout l = lk8_layout_for_capacity(64);
    size_t n = l.total_size + 64;
    unsigned char *buf = test_block(64, n);
    unsigned char *copy = malloc(n);
    memset(buf, 0xA5, n);
    memcpy(copy, buf, n);

    TEST_CHECK(lk8_init(NULL, l) == NULL);
    TEST_CHECK(lk8_init_ex(NULL, l, 1, 50) == NULL);
    for (size_t off = 1; off < lk8_base_align(); off++)
        TEST_CHECK(lk8_init(buf + off, l) == NULL);

    ohm_layout bad = l;
    bad.total_size = 0;
    TEST_CHECK(lk8_init(buf, bad) == NULL);
    bad = l;
    bad.total_size += 8;
    TEST_CHECK(lk8_init(buf, bad) == NULL);
    bad = l;
    bad.keys_start += 8;
    TEST_CHECK(lk8_init(buf, bad) == NULL);
    bad = l;
    bad.vals_start -= 8;
    TEST_CHECK(lk8_init(buf, bad) == NULL);
    bad = l;
    bad.meta_start = 0;
    TEST_CHECK(lk8_init(buf, bad) == NULL);
    bad = l;
    bad.capacity = 32; /* the rest is the 64-slot layout */
    TEST_CHECK(lk8_init(buf, bad) == NULL);
    bad = l;
    bad.capacity = 48; /* not a power of two */
    TEST_CHECK(lk8_init(buf, bad) == NULL);
    TEST_CHECK(lk8_init(buf, lk8_layout_for_capacity(48)) == NULL);
    TEST_CHECK(lk8_init(buf, lk8_layout((1u << 31) + 1)) == NULL);
    /* Foreign layouts: other instantiations' blocks of the same capacity. */
    TEST_CHECK(lk8_init(buf, lset_layout_for_capacity(64)) == NULL);
    TEST_CHECK(lk8_init(buf, lchar_layout_for_capacity(64)) == NULL);
    TEST_CHECK(lk8_init(buf, l50_layout_for_capacity(64)) == NULL);
    TEST_CHECK(lset_init(buf, lk8_layout_for_capacity(64)) == NULL);
    /* A maximum load above 100. */
    TEST_CHECK(lk8_init_ex(buf, l, 0, 101) == NULL);
    TEST_CHECK(lk8_init_ex(buf, l, 0, 1000) == NULL);

    TEST_CHECK(memcmp(buf, copy, n) == 0); /* nothing was written */

    /* The layout it accepts; the header's stripe geometry is the layout's
     * and its reserved words are zero, and every byte from the writer's
     * line on is zeroed (count, stamp, the sync area, metadata, padding,
     * keys and values: docs/FORMAT.md). */
    lk8 *m = lk8_init(buf, l);
    TEST_CHECK(m == (lk8 *)(void *)buf);
    ohm_header h;
    memcpy(&h, buf, sizeof h);
    TEST_EQ_U(h.smask, test_stripes(l.capacity) - 1);
    TEST_EQ_U(h.stripes, l.keys_start + (uint64_t)l.capacity * 16); /* right after the slots */
    TEST_EQ_U(h.reserved0, 0);
    for (size_t i = 0; i < 3; i++) TEST_EQ_U(h.reserved1[i], 0);
    for (size_t i = offsetof(ohm_header, count); i < l.total_size; i++)
        if (buf[i] != 0) {
            TEST_CHECK(!"init left a nonzero byte after the header");
            break;
        }
    for (size_t i = l.total_size; i < n; i++) TEST_EQ_U(buf[i], 0xA5);
    TEST_STATUS(lk8_check(m), OHM_OK);
    free(copy);
    free(buf);
}

/* The planner for a block holding several regions. */
static void layout_plan(void)
{
    ohm_plan p = ohm_plan_init();
    TEST_EQ_U(p.size, 0);
    TEST_EQ_U(p.align, 1);
    TEST_EQ_U(ohm_plan_add(&p, 3, 1), 0);
    TEST_EQ_U(ohm_plan_add(&p, 16, 8), 8);
    TEST_EQ_U(ohm_plan_add(&p, 1, 1), 24);
    ohm_layout l = lk8_layout_for_capacity(16);
    uint64_t at = ohm_plan_add_map(&p, l, lk8_base_align());
    TEST_EQ_U(at % lk8_base_align(), 0);
    TEST_CHECK(at >= 25);
    TEST_EQ_U(p.size, at + l.total_size);
    TEST_CHECK(p.align >= lk8_base_align());
    TEST_CHECK(!p.failed);

    ohm_plan q = ohm_plan_init();
    ohm_plan_add(&q, 1, 3);
    TEST_CHECK(q.failed);
    q = ohm_plan_init();
    ohm_plan_add(&q, UINT64_MAX - 4, 1);
    ohm_plan_add(&q, 16, 8);
    TEST_CHECK(q.failed);
    q = ohm_plan_init();
    ohm_plan_add_map(&q, lk8_layout_for_capacity(3), lk8_base_align());
    TEST_CHECK(q.failed);

    /* Offsets and typed pointers. */
    char block[64];
    TEST_CHECK(ohm_ptr(block, 17) == block + 17);
    TEST_EQ_U(ohm_offset(block, block + 40), 40);
    TEST_CHECK(OHM_AT(char, block, 5) == block + 5);
}

int main(void)
{
    RUN(layout_every_capacity);
    RUN(layout_capacity_zero);
    RUN(layout_refuses_non_powers_of_two);
    RUN(layout_for_entries);
    RUN(default_maximum_load);
    RUN(layout_max_entries);
    RUN(layout_base_align);
    RUN(init_refuses);
    RUN(layout_plan);
    return test_finish();
}
