/* test_adversary.c - what an adversary who knows the format and the public
 * hash can do to a map, and what the library must hold against it:
 *
 *   - a completely full block in which every group boundary is crossed by
 *     some probe passes no check (the walks over the table, the removal's
 *     shift and remove_if need a boundary no probe crosses);
 *   - keys ordered so that one run of full groups spans the table cost one
 *     removal one pass over the run (counted in group reads, not timed);
 *   - keys whose hashes share their high 32 bits, or all but the low ones
 *     (the identity hash), validate: their full hashes are distinct;
 *   - scratch sizes never wrap a 32-bit size_t, and the check asks for 8
 *     bytes an entry;
 *   - a validator beside a thread that rewrites the header, the metadata
 *     and the keys never reads outside the block (AddressSanitizer).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_count.h" /* before ohm.h: counts the scratch allocations */

/* Every metadata group a removal's shift and class-bit upkeep reads. */
static unsigned long long group_reads;
#define OHM__COUNT_READ() (group_reads++)

#include "test.h"

/* These tests fill tables to their last slot: maximum load 100, by
 * name (the default, 88, stops short). */
#define OHM_NAME adv /* the default hash at seed 0, maximum load 100 */
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define OHM_NAME idm /* the identity hash: legal, weak, distinct hashes */
#define OHM_KEY uint64_t
#define OHM_VALUE uint32_t
#define OHM_HASH(k) (k)
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

static adv *new_adv(uint32_t cap, void **raw, size_t *len)
{
    ohm_layout l = adv_layout_for_capacity(cap);
    *raw = aligned_alloc(adv_base_align(), l.total_size);
    *len = l.total_size;
    return adv_init(*raw, l);
}

static uint32_t home_group(uint64_t key, uint32_t cap) { return (uint32_t)(ohm_hash_u64(key, 0) & (cap - 1)) / 16; }

/* `per` keys homed in each group of a table of `cap` slots (seed 0),
 * found by counting up from `from`: keys[g * per + i]. */
static uint64_t *keys_by_home(uint32_t cap, uint32_t per, uint64_t from)
{
    uint32_t groups = cap / 16, missing = groups;
    uint64_t *keys = malloc((size_t)groups * per * sizeof *keys);
    uint32_t *have = calloc(groups, sizeof *have);
    for (uint64_t k = from; missing; k++) {
        uint32_t g = home_group(k, cap);
        if (have[g] == per) continue;
        keys[(size_t)g * per + have[g]++] = k;
        if (have[g] == per) missing--;
    }
    free(have);
    return keys;
}

/* Write key k into slot s, d groups past its home, as the format says
 * (its byte and its home's class bit), without any of the library's
 * placement. */
static void put_raw(adv *m, uint32_t s, uint64_t k, uint32_t d)
{
    *adv__key(m, s) = k;
    *adv__val(m, s) = ~k;
    uint64_t h = adv__hash(m, &k);
    adv__set_meta(m, s, d ? ohm__dtag(h, d) : ohm__tag(h));
    if (d) adv__cls(m)[adv__home_group(m, h)] |= ohm__cls_bit(h);
}

/* --- 1. a full table needs a boundary that no probe crosses ---------------- */

/* Every group holds 14 keys of its own and 2 of the group before it (round
 * the end): each boundary is crossed. Every byte, class bit and the count
 * are what the format asks of each key alone, and no probe passes a group
 * with room (there is none); only the missing uncrossed boundary is wrong.
 * With `keep_one`, group 0 holds 16 keys of its own and none of the last
 * group's, so the boundary before group 0 is uncrossed: a valid table.
 * keys: 18 a home group (keys_by_home). */
static void build_crossed(adv *m, uint32_t groups, const uint64_t *keys, bool keep_one)
{
    for (uint32_t g = 0; g < groups; g++) {
        uint32_t prev = (g + groups - 1) % groups;
        if (keep_one && g == 0) {
            for (uint32_t i = 0; i < 16; i++) put_raw(m, i, keys[i], 0);
            continue;
        }
        for (uint32_t i = 0; i < 14; i++) put_raw(m, g * 16 + i, keys[g * 18 + i], 0);
        put_raw(m, g * 16 + 14, keys[prev * 18 + 16], 1);
        put_raw(m, g * 16 + 15, keys[prev * 18 + 17], 1);
    }
    m->hdr.count = groups * 16;
}

/* A table of `groups` groups built by build_crossed; its keys in *keys. */
static adv *new_crossed(uint32_t groups, bool keep_one, uint64_t **keys, void **raw, size_t *len)
{
    *keys = keys_by_home(groups * 16, 18, 1);
    adv *m = new_adv(groups * 16, raw, len);
    build_crossed(m, groups, *keys, keep_one);
    return m;
}

static void full_table_with_every_boundary_crossed_is_corrupt(void)
{
    for (uint32_t groups = 2; groups <= 16; groups *= 2) {
        uint32_t cap = groups * 16;
        uint64_t *keys;
        void *raw;
        size_t len;
        adv *m = new_crossed(groups, false, &keys, &raw, &len);
        TEST_EQ_U(adv_count(m), cap);
        TEST_STATUS(adv_validate(raw, len), OHM_CORRUPT);
        TEST_STATUS(adv_check(m), OHM_CORRUPT);
        free(raw);
        free(keys);
    }
}

/* The same table with one boundary left uncrossed validates, and then
 * every removal (by key, by iterator, by predicate) keeps every other key
 * findable. */
static bool is_odd(adv_entry e, void *ctx)
{
    (void)ctx;
    return (*e.key & 1) != 0;
}

static void full_table_with_one_uncrossed_boundary_works(void)
{
    for (uint32_t groups = 2; groups <= 16; groups *= 2) {
        uint32_t cap = groups * 16;
        uint64_t *keys;
        void *raw;
        size_t len;
        adv *m = new_crossed(groups, true, &keys, &raw, &len);
        TEST_STATUS(adv_validate(raw, len), OHM_OK);
        uint64_t stored[256];
        uint32_t n = 0;
        adv_iter it = adv_iter_begin(m);
        adv_entry e;
        while (adv_iter_next(&it, &e)) stored[n++] = *e.key;
        TEST_EQ_U(n, cap);
        void *copy = malloc(len);
        memcpy(copy, raw, len);
        /* one removal at a time, each key in turn, from the full table */
        for (uint32_t r = 0; r < n; r++) {
            memcpy(raw, copy, len);
            TEST_CHECK(adv_remove(m, stored[r]));
            TEST_STATUS(adv_check(m), OHM_OK);
            for (uint32_t i = 0; i < n; i++) TEST_CHECK((adv_get(m, stored[i]) != NULL) == (i != r));
        }
        /* removal through the iterator: every key visited once */
        memcpy(raw, copy, len);
        uint32_t visits = 0;
        it = adv_iter_begin(m);
        while (adv_iter_next(&it, &e)) {
            visits++;
            if (visits % 3 == 0) TEST_CHECK(adv_iter_remove(&it));
        }
        TEST_EQ_U(visits, cap);
        TEST_STATUS(adv_check(m), OHM_OK);
        /* remove_if: exactly the odd keys go */
        memcpy(raw, copy, len);
        uint32_t odd = 0;
        for (uint32_t i = 0; i < n; i++) odd += stored[i] & 1;
        TEST_EQ_U(adv_remove_if(m, is_odd, NULL), odd);
        TEST_STATUS(adv_check(m), OHM_OK);
        for (uint32_t i = 0; i < n; i++) TEST_CHECK((adv_get(m, stored[i]) != NULL) == !(stored[i] & 1));
        free(copy);
        free(raw);
        free(keys);
    }
}

/* --- 2. one removal, one pass over the run ------------------------------------ */

/* Keys put with N_put alone, in an order that makes one run of full groups
 * span the table: for each group in turn, its own keys until it is full,
 * then one more of its own, which spills into the next group. The last
 * group keeps one free slot. A removal from group 0 then pulls a key back
 * into every group of the run, each going home; the class bits of every
 * group must be kept exact. Old cost: a scan to the end of the run at each
 * step (2^31 group reads at 2^20 slots); now: a few passes over the run. */
static void a_removal_reads_each_group_of_the_run_a_few_times(void)
{
    uint32_t cap = test_scale(64) >= 64 ? (uint32_t)1 << 20 : (uint32_t)1 << 12, groups = cap / 16;
    uint64_t *keys = keys_by_home(cap, 17, 1000);
    void *raw;
    size_t len;
    adv *m = new_adv(cap, &raw, &len);
    uint32_t used = 0;
    for (uint32_t g = 0; g < groups; g++) {
        uint32_t own = g == 0 ? 16 : 15; /* group g already holds the spill of g - 1 */
        if (g == groups - 1) own = 14;   /* one slot stays free */
        for (uint32_t i = 0; i < own; i++) TEST_STATUS(adv_put(m, keys[g * 17 + i], 1), OHM_OK);
        if (g < groups - 1) TEST_STATUS(adv_put(m, keys[g * 17 + own], 2), OHM_OK); /* the spill */
        used += own + (g < groups - 1);
    }
    TEST_EQ_U(adv_count(m), cap - 1);
    TEST_STATUS(adv_check(m), OHM_OK);
    /* every group but the last is full, each holding one displaced key */
    for (uint32_t g = 0; g + 1 < groups; g++) TEST_EQ_U(ohm__g16_free(adv__meta(m) + g * 16), 0);
    uint64_t worst = 0;
    uint64_t rng = 5;
    for (int r = 0; r < 8 && !test_failing(); r++) {
        /* a key of an early group (r = 0: group 0, the whole run after it) */
        uint32_t g = r == 0 ? 0 : (uint32_t)(test_rand(&rng) % (groups / 4));
        uint64_t k = keys[g * 17 + (uint32_t)(test_rand(&rng) % 14)];
        if (!adv_contains(m, k)) continue;
        group_reads = 0;
        TEST_CHECK(adv_remove(m, k));
        if (group_reads > worst) worst = group_reads;
        TEST_CHECK(group_reads <= 3 * (uint64_t)groups + 64);
        TEST_STATUS(adv_check(m), OHM_OK);
        /* the map the same puts would make without k: equal class bytes */
        TEST_CHECK(!adv_contains(m, k));
        TEST_STATUS(adv_put(m, k, 1), OHM_OK);
    }
    printf("  %u groups in the run: the worst removal read %llu groups\n", groups, (unsigned long long)worst);
    /* every key still there with its value */
    for (uint32_t g = 0; g < groups; g++) {
        uint32_t own = g == 0 ? 16 : g == groups - 1 ? 14 : 15;
        for (uint32_t i = 0; i < own + (g < groups - 1); i++) TEST_CHECK(adv_get(m, keys[g * 17 + i]) != NULL);
    }
    (void)used;
    free(raw);
    free(keys);
}

/* The class bytes after such a removal are exact: a map made fresh from the
 * remaining keys (in the same put order) has the same class bytes. */
static void class_bytes_stay_exact_after_a_long_shift(void)
{
    uint32_t cap = 1u << 10, groups = cap / 16;
    uint64_t *keys = keys_by_home(cap, 17, 77);
    void *raw, *raw2;
    size_t len;
    adv *m = new_adv(cap, &raw, &len);
    adv *fresh = new_adv(cap, &raw2, &len);
    for (uint32_t gone = 0; gone < 32 && !test_failing(); gone++) {
        adv_clear(m);
        adv_clear(fresh);
        uint64_t victim = keys[(gone % groups) * 17 + gone % 15];
        for (uint32_t g = 0; g < groups; g++) {
            uint32_t own = g == 0 ? 16 : g == groups - 1 ? 14 : 15;
            for (uint32_t i = 0; i < own + (g < groups - 1); i++) {
                adv_put(m, keys[g * 17 + i], 1);
                if (keys[g * 17 + i] != victim) adv_put(fresh, keys[g * 17 + i], 1);
            }
        }
        TEST_CHECK(adv_remove(m, victim));
        TEST_STATUS(adv_check(m), OHM_OK);
        TEST_CHECK(memcmp(adv__cls(m), adv__cls(fresh), groups) == 0);
    }
    free(raw);
    free(raw2);
    free(keys);
}

/* --- 3. distinct full hashes validate, whatever their high bits -------------- */

/* Sequential keys under the identity hash: the high 32 bits of every hash
 * are 0, the full hashes distinct. */
static void identity_hash_keys_validate(void)
{
    uint32_t n = (uint32_t)test_scale(100000);
    if (n < 20000) n = 20000; /* the old check refused this many */
    ohm_layout l = idm_layout(n);
    void *raw = aligned_alloc(idm_base_align(), l.total_size);
    idm *m = idm_init(raw, l);
    for (uint32_t k = 0; k < n; k++) TEST_STATUS(idm_put(m, k, k), OHM_OK);
    size_t before = allocs;
    TEST_STATUS(idm_validate(raw, l.total_size), OHM_OK);
    TEST_EQ_U(allocs - before, 1);
    TEST_EQ_U(alloc_last, (size_t)n * 8); /* 8 bytes an entry */
    /* and a key stored twice is still found */
    uint32_t s = idm__slot_of(m, idm_get_key(m, 5));
    uint32_t t = idm__slot_of(m, idm_get_key(m, 6));
    if (s / 16 == t / 16 && idm__meta(m)[s] == idm__meta(m)[t]) { /* same byte: a copy of key 5 in t */
        *idm__key(m, t) = 5;
        TEST_STATUS(idm_validate(raw, l.total_size), OHM_CORRUPT);
    }
    free(raw);
}

#if defined(__SIZEOF_INT128__)
#define HAVE_U128 1
#endif

#ifdef HAVE_U128
__extension__ typedef unsigned __int128 u128;
/* x^-1 mod p for p = 2^64 + 1 (prime factors 274177 and 67280421310721:
 * K1 is odd and shares neither, so it has an inverse). */
static u128 inverse_mod(u128 x, u128 p)
{
    /* extended Euclid on signed 128-bit values (all below 2^65) */
    __extension__ typedef __int128 s128;
    s128 r0 = (s128)p, r1 = (s128)(x % p), t0 = 0, t1 = 1;
    while (r1 != 0) {
        s128 q = r0 / r1, r2 = r0 - q * r1, t2 = t0 - q * t1;
        r0 = r1, r1 = r2, t0 = t1, t1 = t2;
    }
    return (u128)(t0 < 0 ? t0 + (s128)p : t0);
}
#endif

/* The seed-0 hash is one folded multiply by K1: keys x ^ C with x * K1 = e
 * mod 2^64 + 1 have products whose halves differ by e, so most of their
 * hashes have 0 in the high 32 bits. 12,000 of them put into 2^16 slots
 * validate (the old check compared every pair of equal high halves). */
static void inverted_seed0_keys_validate(void)
{
#ifdef HAVE_U128
    const u128 p = ((u128)1 << 64) + 1;
    const uint64_t c = 0x243f6a8885a308d3u, k1 = 0x9e3779b97f4a7c15u;
    u128 inv = inverse_mod(k1, p);
    TEST_CHECK((inv * k1) % p == 1);
    uint32_t cap = 1u << 16, n = 12000, zero_high = 0;
    ohm_layout l = adv_layout_for_capacity(cap);
    void *raw = aligned_alloc(adv_base_align(), l.total_size);
    adv *m = adv_init(raw, l);
    uint32_t put = 0;
    for (uint64_t e = 1; put < n; e++) {
        u128 x = ((u128)e * inv) % p;
        if (x >> 64) continue; /* 2^64 is not a key */
        uint64_t k = (uint64_t)x ^ c;
        zero_high += (ohm_hash_u64(k, 0) >> 32) == 0;
        TEST_STATUS(adv_put(m, k, e), OHM_OK);
        put++;
    }
    printf("  %u of %u keys hash to 0 in the high 32 bits\n", zero_high, n);
    TEST_CHECK(zero_high > n / 2); /* the family is what it claims */
    TEST_STATUS(adv_validate(raw, l.total_size), OHM_OK);
    free(raw);
#else
    printf("  (no 128-bit integers on this target: skipped)\n");
#endif
}

/* --- 4. scratch sizes on 32-bit size_t ---------------------------------------- */

static void scratch_sizes_never_wrap(void)
{
    size_t b = 1;
    /* 2^28 entries of 16 bytes: 4 GiB, which a 32-bit size_t cannot hold */
    TEST_CHECK(ohm__scratch_size((uint64_t)1 << 28, 16, &b) == (SIZE_MAX > 0xffffffffu));
    TEST_CHECK(ohm__scratch_size((uint64_t)1 << 31, 8, &b) == (SIZE_MAX > 0xffffffffu));
    TEST_CHECK(!ohm__scratch_size(UINT64_MAX, 2, &b));
    TEST_CHECK(!ohm__scratch_size((uint64_t)1 << 62, 8, &b));
    TEST_CHECK(ohm__scratch_size(0, 8, &b) && b == 0);
    TEST_CHECK(ohm__scratch_size(1000, 8, &b) && b == 8000);
    TEST_CHECK(ohm__scratch_size((uint64_t)1 << 27, 8, &b) && b == (size_t)1 << 30);
}

/* --- 5. a validator beside a hostile writer ----------------------------------- */

struct hostile {
    unsigned char *buf;
    size_t len;
    uint32_t cap;
    int stop;
    int mode; /* 0: the capacity alone; 1: raw bytes and header fields;
                 2: the map's own insertions and removals */
};

static void *hostile_writer(void *arg)
{
    struct hostile *w = arg;
    uint64_t rng = 1234;
    adv *m = (adv *)(void *)w->buf;
    while (!__atomic_load_n(&w->stop, __ATOMIC_RELAXED)) {
        uint64_t r = test_rand(&rng);
        if (w->mode == 0) { /* a valid block whose capacity flips to 2^31 and back */
            __atomic_store_n(&m->hdr.capacity, (r & 1) ? OHM_MAX_CAPACITY : w->cap, __ATOMIC_RELAXED);
            continue;
        }
        if (w->mode == 2) {
            /* runs of insertions, then the same keys removed, no lock: the
             * count and the used slots grow and shrink under the check */
            uint64_t base = (uint64_t)1 << 40 | (r & 0xffffff) << 12;
            for (uint64_t k = 0; k < 512; k++) (void)adv_put(m, base + k, k);
            for (uint64_t k = 0; k < 512; k++) (void)adv_remove(m, base + k);
            continue;
        }
        switch (r % 4) {
        case 0: { /* the capacity, between the real one and 2^31 */
            uint32_t c = (r & 16) ? OHM_MAX_CAPACITY : w->cap;
            __atomic_store_n(&m->hdr.capacity, c, __ATOMIC_RELAXED);
            break;
        }
        case 1: /* the count */
            __atomic_store_n(&m->hdr.count, (uint32_t)(r >> 8) % (w->cap + 1), __ATOMIC_RELAXED);
            break;
        case 2: { /* a metadata byte: free, used at home, displaced */
            uint32_t s = (uint32_t)(r >> 8) % w->cap;
            __atomic_store_n(adv__meta(m) + s, (unsigned char)(r >> 40), __ATOMIC_RELAXED);
            break;
        }
        default: { /* the keys offset, nudged */
            uint64_t ks = (r & 32) ? (uint64_t)1 << 40 : adv_layout_for_capacity(w->cap).keys_start;
            __atomic_store_n(&m->hdr.keys_start, ks, __ATOMIC_RELAXED);
            break;
        }
        }
    }
    return NULL;
}

static void validate_beside_a_hostile_writer(void)
{
    uint32_t cap = 1u << 12;
    for (int mode = 0; mode < 3; mode++) {
        void *raw;
        size_t len;
        adv *m = new_adv(cap, &raw, &len);
        /* mode 2 starts nearly empty, so the used slots can outgrow what the
         * duplicate search allocated for */
        for (uint64_t k = 0; k < (mode == 2 ? 8 : cap * 7 / 8); k++) adv_put(m, k, k);
        struct hostile w = {raw, len, cap, 0, mode};
        pthread_t t;
        TEST_CHECK(pthread_create(&t, NULL, hostile_writer, &w) == 0);
        unsigned runs = (unsigned)test_scale(400), ok = 0;
        for (unsigned i = 0; i < runs; i++) {
            ohm_status st = adv_validate(raw, len);
            ok += st == OHM_OK;
            TEST_CHECK(st == OHM_OK || st < 0); /* an answer, never a crash */
        }
        __atomic_store_n(&w.stop, 1, __ATOMIC_RELAXED);
        pthread_join(t, NULL);
        printf("  mode %d: %u validations, %u said OHM_OK\n", mode, runs, ok);
        free(raw);
    }
}

int main(void)
{
    RUN(full_table_with_every_boundary_crossed_is_corrupt);
    RUN(full_table_with_one_uncrossed_boundary_works);
    RUN(a_removal_reads_each_group_of_the_run_a_few_times);
    RUN(class_bytes_stay_exact_after_a_long_shift);
    RUN(identity_hash_keys_validate);
    RUN(inverted_seed0_keys_validate);
    RUN(scratch_sizes_never_wrap);
    RUN(validate_beside_a_hostile_writer);
    return test_finish();
}
