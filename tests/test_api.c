/* test_api.c - one case per API function, for a map, a set and a
 * struct-keyed map with its own hash and equality, plus the boundaries:
 * capacity 0, 1 and 2; maximum loads 1, 50, 80 and 100 (amap, aset and
 * apts ask for 100, every slot, by name: the default is 88); the
 * *_assume_capacity calls exactly at the maximum load; and a full map
 * (misses end, present keys are found and overwritten, a new key gets
 * OHM_FULL and leaves the block byte-for-byte unchanged). */
#include "test.h"
#include "util.h"

#define OHM_NAME amap /* uint32_t -> uint64_t, maximum load 100 */
#define OHM_KEY uint32_t
#define OHM_VALUE uint64_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define OHM_NAME aset /* a set of uint64_t, maximum load 100 */
#define OHM_KEY uint64_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define OHM_NAME a50
#define OHM_KEY int
#define OHM_VALUE int
#define OHM_MAX_LOAD 50
#include "ohm_map.h"

#define OHM_NAME a80
#define OHM_KEY uint16_t
#define OHM_VALUE double
#define OHM_MAX_LOAD 80
#include "ohm_map.h"

#define OHM_NAME a1
#define OHM_KEY int64_t
#define OHM_VALUE int64_t
#define OHM_MAX_LOAD 1
#include "ohm_map.h"

/* A struct key: a short name. Equality looks only at the first `len`
 * bytes, so two keys that differ in the unused tail are the same key; the
 * hash must agree (it reads the same bytes). */
typedef struct name {
    char s[15];
    unsigned char len;
} name;
static name mkname(const char *s)
{
    name n;
    memset(&n, '?', sizeof n); /* garbage in the tail */
    n.len = (unsigned char)strlen(s);
    memcpy(n.s, s, n.len);
    return n;
}
static name mkname_tail(const char *s, char tail)
{
    name n = mkname(s);
    memset(n.s + n.len, tail, sizeof n.s - n.len);
    return n;
}
static int name_eq(name a, name b) { return a.len == b.len && memcmp(a.s, b.s, a.len) == 0; }
#define OHM_NAME amapn
#define OHM_KEY name
#define OHM_VALUE int32_t
#define OHM_HASH(k) ohm_hash_bytes((k).s, (k).len, 0)
#define OHM_EQ(a, b) name_eq((a), (b))
#include "ohm_map.h"

/* A struct-keyed set with a 32-bit hash (the upper bits zero, so every
 * fingerprint is the same: the key compare decides). */
typedef struct point {
    int32_t x, y;
} point;
#define OHM_NAME apts
#define OHM_KEY point
#define OHM_HASH(k) ((uint64_t)((uint32_t)(k).x * 73856093u ^ (uint32_t)(k).y * 19349663u))
#define OHM_EQ(a, b) ((a).x == (b).x && (a).y == (b).y)
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

/* A fresh map of `cap` raw slots at maximum load `load` (0: default). The
 * map is its block's address: free() it. */
static amap *amap_new(uint32_t cap, unsigned load)
{
    ohm_layout l = amap_layout_for_capacity(cap);
    amap *m = amap_init_ex(test_block(amap_base_align(), l.total_size), l, 0, load);
    if (!m) exit(2);
    return m;
}
static aset *aset_new(uint32_t cap)
{
    ohm_layout l = aset_layout_for_capacity(cap);
    aset *m = aset_init(test_block(aset_base_align(), l.total_size), l);
    if (!m) exit(2);
    return m;
}

/* ------------------------------------------------------------------------
 * Creation and state
 * ---------------------------------------------------------------------- */

static void api_init_and_state(void)
{
    ohm_layout l = amap_layout(100);
    TEST_EQ_U(l.capacity, 128);
    unsigned char *buf = test_block(amap_base_align(), l.total_size);
    amap *m = amap_init(buf, l);
    TEST_CHECK(m == (amap *)(void *)buf);
    TEST_EQ_U(amap_count(m), 0);
    TEST_EQ_U(amap_capacity(m), 128);
    TEST_EQ_U(amap_max_load(m), 128);
    TEST_EQ_U(amap_block_size(m), l.total_size);
    TEST_EQ_U(amap_seed(m), OHM_SEED_DEFAULT);
    TEST_STATUS(amap_check(m), OHM_OK);

    /* Seeds and loads. */
    m = amap_init_seeded(buf, l, 0x1234);
    TEST_EQ_U(amap_seed(m), 0x1234);
    TEST_EQ_U(amap_max_load(m), 128);
    m = amap_init_ex(buf, l, 99, 75);
    TEST_EQ_U(amap_seed(m), 99);
    TEST_EQ_U(amap_max_load(m), 96);

    /* The owner's word is stored and moves with the block. */
    TEST_EQ_U(amap_user(m), 0);
    amap_set_user(m, 0xfeedface);
    TEST_EQ_U(amap_user(m), 0xfeedface);
    TEST_STATUS(amap_put(m, 1, 2), OHM_OK);
    TEST_EQ_U(amap_user(m), 0xfeedface);

    /* N_at: the map at an offset inside a larger block. */
    size_t off = test_round_up(40, amap_base_align());
    unsigned char *outer = test_block(amap_base_align(), off + l.total_size);
    amap *in = amap_init(outer + off, l);
    TEST_CHECK(in != NULL);
    TEST_CHECK(amap_at(outer, off) == in);
    TEST_STATUS(amap_put(amap_at(outer, off), 5, 55), OHM_OK);
    TEST_EQ_U(*amap_get(in, 5), 55);
    free(outer);
    free(buf);
}

/* ------------------------------------------------------------------------
 * Lookup and insertion, map
 * ---------------------------------------------------------------------- */

static void api_put_and_lookups(void)
{
    amap *m = amap_new(16, 0);
    TEST_CHECK(amap_get(m, 3) == NULL);
    TEST_CHECK(amap_get_key(m, 3) == NULL);
    TEST_CHECK(amap_get_entry(m, 3).key == NULL);
    TEST_CHECK(!amap_contains(m, 3));

    TEST_STATUS(amap_put(m, 3, 30), OHM_OK);
    TEST_STATUS(amap_put(m, 4, 40), OHM_OK);
    TEST_EQ_U(amap_count(m), 2);
    TEST_CHECK(amap_contains(m, 3));
    TEST_EQ_U(*amap_get(m, 3), 30);
    uint32_t *k = amap_get_key(m, 4);
    TEST_CHECK(k != NULL && *k == 4);
    amap_entry e = amap_get_entry(m, 4);
    TEST_CHECK(e.key == k);
    TEST_CHECK(e.value == amap_get(m, 4));
    /* Pointers are into the block. */
    TEST_CHECK((char *)e.key > (char *)m && (char *)e.key < (char *)m + amap_block_size(m));
    TEST_CHECK((char *)e.value > (char *)m && (char *)e.value < (char *)m + amap_block_size(m));
    /* Writing through the value pointer is how a value is updated in place. */
    *e.value = 41;
    TEST_EQ_U(*amap_get(m, 4), 41);

    /* Overwrite: OHM_FOUND, the count unchanged. */
    TEST_STATUS(amap_put(m, 3, 31), OHM_FOUND);
    TEST_EQ_U(amap_count(m), 2);
    TEST_EQ_U(*amap_get(m, 3), 31);
    /* Keys 0 and UINT32_MAX are ordinary keys. */
    TEST_STATUS(amap_put(m, 0, 1), OHM_OK);
    TEST_STATUS(amap_put(m, UINT32_MAX, 2), OHM_OK);
    TEST_EQ_U(*amap_get(m, 0), 1);
    TEST_EQ_U(*amap_get(m, UINT32_MAX), 2);
    TEST_STATUS(amap_check(m), OHM_OK);
    free(m);
}

static void api_put_new(void)
{
    amap *m = amap_new(4, 0);
    for (uint32_t i = 0; i < 4; i++) TEST_STATUS(amap_put_new(m, i * 10, i), OHM_OK);
    TEST_STATUS(amap_put_new(m, 99, 0), OHM_FULL);
    for (uint32_t i = 0; i < 4; i++) TEST_EQ_U(*amap_get(m, i * 10), i);
    TEST_EQ_U(amap_count(m), 4);
    TEST_STATUS(amap_check(m), OHM_OK);
    free(m);
}

static void api_fetch_put(void)
{
    amap *m = amap_new(8, 0);
    amap_kv old = {77, 77};
    TEST_STATUS(amap_fetch_put(m, 1, 11, &old), OHM_OK);
    TEST_EQ_U(old.key, 77); /* untouched when nothing was replaced */
    TEST_STATUS(amap_fetch_put(m, 1, 12, &old), OHM_FOUND);
    TEST_EQ_U(old.key, 1);
    TEST_EQ_U(old.value, 11);
    TEST_EQ_U(*amap_get(m, 1), 12);
    TEST_STATUS(amap_fetch_put(m, 1, 13, NULL), OHM_FOUND);
    TEST_STATUS(amap_fetch_put(m, 2, 21, NULL), OHM_OK);
    TEST_EQ_U(*amap_get(m, 1), 13);
    TEST_EQ_U(*amap_get(m, 2), 21);
    TEST_EQ_U(amap_count(m), 2);
    free(m);
}

static void api_get_or_put(void)
{
    amap *m = amap_new(8, 0);
    amap_entry e;
    TEST_STATUS(amap_get_or_put(m, 5, &e), OHM_OK);
    TEST_CHECK(e.key != NULL && *e.key == 5); /* the key is stored */
    *e.value = 50;                            /* the value is the caller's to fill */
    TEST_EQ_U(*amap_get(m, 5), 50);
    TEST_STATUS(amap_get_or_put(m, 5, &e), OHM_FOUND);
    TEST_EQ_U(*e.value, 50);
    TEST_CHECK(e.key == amap_get_key(m, 5));
    TEST_STATUS(amap_get_or_put(m, 6, NULL), OHM_OK);
    TEST_CHECK(amap_contains(m, 6));
    TEST_STATUS(amap_get_or_put(m, 6, NULL), OHM_FOUND);
    TEST_EQ_U(amap_count(m), 2);

    /* get_or_put_value stores the value only for a new key. */
    TEST_STATUS(amap_get_or_put_value(m, 5, 999, &e), OHM_FOUND);
    TEST_EQ_U(*e.value, 50);
    TEST_STATUS(amap_get_or_put_value(m, 7, 70, &e), OHM_OK);
    TEST_CHECK(*e.key == 7 && *e.value == 70);
    TEST_STATUS(amap_get_or_put_value(m, 8, 80, NULL), OHM_OK);
    TEST_STATUS(amap_get_or_put_value(m, 8, 81, NULL), OHM_FOUND);
    TEST_EQ_U(*amap_get(m, 8), 80);

    /* The reference's scenario: even keys get 2, then every key 0..19
     * gets 1 unless present: the sum is 10 * 2 + 10 * 1. */
    amap *r = amap_new(32, 0);
    for (uint32_t i = 0; i < 10; i++) TEST_STATUS(amap_put(r, i * 2, 2), OHM_OK);
    for (uint32_t i = 0; i < 20; i++) amap_get_or_put_value(r, i, 1, NULL);
    uint64_t sum = 0;
    for (uint32_t i = 0; i < 20; i++) sum += *amap_get(r, i);
    TEST_EQ_U(sum, 30);
    free(r);
    free(m);
}

static void api_assume_capacity(void)
{
    amap *m = amap_new(8, 0);
    amap_put_new_assume_capacity(m, 1, 10);
    amap_put_assume_capacity(m, 2, 20);
    amap_put_assume_capacity(m, 2, 21); /* overwrite */
    TEST_EQ_U(*amap_get(m, 2), 21);
    bool found = true;
    amap_entry e = amap_get_or_put_assume_capacity(m, 3, &found);
    TEST_CHECK(!found);
    TEST_CHECK(e.key && *e.key == 3);
    *e.value = 30;
    e = amap_get_or_put_assume_capacity(m, 3, &found);
    TEST_CHECK(found);
    TEST_EQ_U(*e.value, 30);
    e = amap_get_or_put_assume_capacity(m, 4, NULL);
    *e.value = 40;
    amap_kv old;
    TEST_CHECK(!amap_fetch_put_assume_capacity(m, 5, 50, &old));
    TEST_CHECK(amap_fetch_put_assume_capacity(m, 5, 51, &old));
    TEST_CHECK(old.key == 5 && old.value == 50);
    TEST_CHECK(amap_fetch_put_assume_capacity(m, 5, 52, NULL));
    TEST_EQ_U(amap_count(m), 5);
    static const uint64_t want[] = {0, 10, 21, 30, 40, 52};
    for (uint32_t k = 1; k <= 5; k++) TEST_EQ_U(*amap_get(m, k), want[k]);
    TEST_STATUS(amap_check(m), OHM_OK);
    free(m);
}

/* ------------------------------------------------------------------------
 * Removal, clear, reserve, iteration
 * ---------------------------------------------------------------------- */

static void api_remove(void)
{
    amap *m = amap_new(16, 0);
    for (uint32_t i = 0; i < 10; i++) amap_put(m, i, i + 100);
    TEST_CHECK(amap_remove(m, 3));
    TEST_CHECK(!amap_remove(m, 3));
    TEST_CHECK(!amap_remove(m, 1000));
    TEST_CHECK(!amap_contains(m, 3));
    amap_kv out = {0, 0};
    TEST_CHECK(amap_fetch_remove(m, 4, &out));
    TEST_CHECK(out.key == 4 && out.value == 104);
    TEST_CHECK(!amap_fetch_remove(m, 4, &out));
    TEST_CHECK(amap_fetch_remove(m, 5, NULL));
    TEST_EQ_U(amap_count(m), 7);
    for (uint32_t i = 0; i < 10; i++) {
        TEST_EQ_U(amap_contains(m, i), i < 3 || i > 5);
        if (i < 3 || i > 5) TEST_EQ_U(*amap_get(m, i), i + 100);
    }
    /* remove_at with pointers from get_key, get_entry and iteration. */
    amap_remove_at(m, amap_get_key(m, 0));
    amap_remove_at(m, amap_get_entry(m, 1).key);
    amap_iter it = amap_iter_begin(m);
    amap_entry e;
    TEST_CHECK(amap_iter_next(&it, &e));
    uint32_t gone = *e.key;
    amap_remove_at(m, e.key); /* the iterator is now invalid: not used again */
    TEST_CHECK(!amap_contains(m, gone));
    TEST_CHECK(!amap_contains(m, 0) && !amap_contains(m, 1));
    TEST_EQ_U(amap_count(m), 4);
    TEST_STATUS(amap_check(m), OHM_OK);
    free(m);
}

static void api_clear(void)
{
    amap *m = amap_new(16, 80);
    amap_set_user(m, 7);
    uint64_t seed = amap_seed(m);
    amap_clear(m); /* clearing an empty map */
    TEST_EQ_U(amap_count(m), 0);
    for (uint32_t i = 0; i < 12; i++) amap_put(m, i, i);
    amap_clear(m);
    amap_clear(m);
    TEST_EQ_U(amap_count(m), 0);
    TEST_EQ_U(amap_capacity(m), 16);
    TEST_EQ_U(amap_max_load(m), 12);
    TEST_EQ_U(amap_user(m), 7);
    TEST_EQ_U(amap_seed(m), seed);
    for (uint32_t i = 0; i < 12; i++) TEST_CHECK(!amap_contains(m, i));
    amap_iter it = amap_iter_begin(m);
    TEST_CHECK(!amap_iter_next(&it, NULL));
    /* The whole capacity is usable again. */
    for (uint32_t i = 100; i < 112; i++) TEST_STATUS(amap_put(m, i, i), OHM_OK);
    TEST_STATUS(amap_put(m, 200, 0), OHM_FULL);
    TEST_STATUS(amap_check(m), OHM_OK);
    free(m);
}

static void api_reserve(void)
{
    amap *m = amap_new(64, 50); /* room for 32 */
    TEST_STATUS(amap_reserve(m, 0), OHM_OK);
    TEST_STATUS(amap_reserve(m, 32), OHM_OK);
    TEST_STATUS(amap_reserve(m, 33), OHM_FULL);
    TEST_STATUS(amap_reserve(m, UINT32_MAX), OHM_FULL);
    TEST_STATUS(amap_reserve_total(m, 32), OHM_OK);
    TEST_STATUS(amap_reserve_total(m, 33), OHM_FULL);
    TEST_STATUS(amap_reserve_total(m, UINT32_MAX), OHM_FULL);
    for (uint32_t i = 0; i < 20; i++) amap_put(m, i, i);
    TEST_STATUS(amap_reserve(m, 12), OHM_OK);
    TEST_STATUS(amap_reserve(m, 13), OHM_FULL);
    TEST_STATUS(amap_reserve_total(m, 20), OHM_OK);
    TEST_STATUS(amap_reserve_total(m, 10), OHM_OK); /* fewer than present is fine */
    TEST_STATUS(amap_reserve_total(m, 33), OHM_FULL);
    /* reserve changes nothing: the promise it checks is for the caller. */
    TEST_EQ_U(amap_count(m), 20);
    TEST_EQ_U(amap_capacity(m), 64);
    free(m);
}

static void api_iterate(void)
{
    amap *m = amap_new(64, 0);
    amap_iter it = amap_iter_begin(m);
    TEST_CHECK(!amap_iter_next(&it, NULL)); /* empty */
    for (uint32_t i = 0; i < 64; i += 1) amap_put(m, i * 3, i);
    unsigned char seen[64] = {0};
    unsigned visits = 0;
    amap_entry e;
    it = amap_iter_begin(m);
    while (amap_iter_next(&it, &e)) {
        visits++;
        TEST_EQ_U(*e.key % 3, 0);
        TEST_EQ_U(*e.value, *e.key / 3);
        TEST_CHECK(!seen[*e.key / 3]);
        seen[*e.key / 3] = 1;
        *e.value += 1000; /* values may be written while iterating */
    }
    TEST_EQ_U(visits, 64);
    TEST_CHECK(!amap_iter_next(&it, &e)); /* stays at the end */
    for (uint32_t i = 0; i < 64; i++) TEST_EQ_U(*amap_get(m, i * 3), i + 1000);
    /* Two iterators are independent; NULL out skips entries too. */
    amap_iter a = amap_iter_begin(m), b = amap_iter_begin(m);
    unsigned na = 0, nb = 0;
    while (amap_iter_next(&a, NULL)) {
        na++;
        if (na % 2 == 0 && amap_iter_next(&b, NULL)) nb++;
    }
    while (amap_iter_next(&b, NULL)) nb++;
    TEST_EQ_U(na, 64);
    TEST_EQ_U(nb, 64);
    free(m);
}

/* Adapted calls, briefly (tests/test_adapted.c has the full story): a
 * probe of another type whose hash matches the stored key's. */
static bool eq_decimal(const void *probe, const uint32_t *key, void *ctx)
{
    (void)ctx;
    return (uint32_t)strtoul((const char *)probe, NULL, 10) == *key;
}
static void api_adapted(void)
{
    amap *m = amap_new(16, 0);
    uint64_t h42 = ohm_hash_u64(42, amap_seed(m));
    amap_entry e;
    TEST_CHECK(amap_get_adapted(m, h42, "42", eq_decimal, NULL).key == NULL);
    TEST_STATUS(amap_get_or_put_adapted(m, h42, "42", eq_decimal, NULL, &e), OHM_OK);
    *e.key = 42; /* the caller stores the key the probe stands for */
    *e.value = 4200;
    TEST_EQ_U(*amap_get(m, 42), 4200);
    TEST_CHECK(amap_get_adapted(m, h42, "42", eq_decimal, NULL).value == amap_get(m, 42));
    TEST_STATUS(amap_get_or_put_adapted(m, h42, "42", eq_decimal, NULL, NULL), OHM_FOUND);
    TEST_CHECK(amap_remove_adapted(m, h42, "42", eq_decimal, NULL));
    TEST_CHECK(!amap_remove_adapted(m, h42, "42", eq_decimal, NULL));
    TEST_EQ_U(amap_count(m), 0);
    free(m);
}

/* ------------------------------------------------------------------------
 * Checking, attaching and rehashing
 * ---------------------------------------------------------------------- */

static void api_check_attach_validate(void)
{
    ohm_layout l = amap_layout_for_capacity(32);
    unsigned char *buf = test_block(amap_base_align(), l.total_size);
    amap *m = amap_init(buf, l);
    for (uint32_t i = 0; i < 20; i++) amap_put(m, i, i);
    TEST_STATUS(amap_check(m), OHM_OK);
    TEST_STATUS(amap_validate(buf, l.total_size), OHM_OK);
    amap *got = NULL;
    TEST_STATUS(amap_attach(buf, l.total_size, &got), OHM_OK);
    TEST_CHECK(got == m);
    TEST_STATUS(amap_attach(buf, l.total_size, NULL), OHM_OK);
    TEST_STATUS(amap_attach(buf, l.total_size - 1, &got), OHM_TOO_SHORT);
    TEST_CHECK(got == NULL);
    TEST_STATUS(amap_attach(buf, 10, &got), OHM_TOO_SHORT);
    TEST_STATUS(aset_attach(buf, l.total_size, NULL), OHM_BAD_TYPE); /* another type */
    TEST_STATUS(a80_attach(buf, l.total_size, NULL), OHM_BAD_TYPE);

    unsigned char *copy = test_block(64, l.total_size + 8);
    memcpy(copy + 1, buf, l.total_size);
    TEST_STATUS(amap_attach(copy + 1, l.total_size, NULL), OHM_MISALIGNED);
    memcpy(copy, buf, l.total_size);
    copy[0] ^= 0xff;
    TEST_STATUS(amap_attach(copy, l.total_size, NULL), OHM_BAD_MAGIC);

    /* Damage that only the full check sees: a fingerprint, the count. */
    memcpy(copy, buf, l.total_size);
    amap *c = (amap *)(void *)copy;
    uint8_t *meta = copy + l.meta_start;
    uint32_t used = 0;
    while (meta[used] == 0) used++;
    meta[used] ^= 0x01; /* (the mirror now disagrees too) */
    TEST_STATUS(amap_attach(copy, l.total_size, NULL), OHM_OK);
    TEST_STATUS(amap_check(c), OHM_CORRUPT);
    TEST_STATUS(amap_validate(copy, l.total_size), OHM_CORRUPT);
    memcpy(copy, buf, l.total_size);
    c->hdr.count = 19;
    TEST_STATUS(amap_check(c), OHM_CORRUPT);
    memcpy(copy, buf, l.total_size);
    TEST_STATUS(amap_check(c), OHM_OK);
    free(copy);
    free(buf);
}

static void api_rehash(void)
{
    amap *src = amap_new(16, 0);
    for (uint32_t i = 0; i < 16; i++) amap_put(src, i, i * i);
    amap *big = amap_new(64, 50);
    TEST_STATUS(amap_rehash(src, big), OHM_OK);
    TEST_EQ_U(amap_count(big), 16);
    for (uint32_t i = 0; i < 16; i++) TEST_EQ_U(*amap_get(big, i), i * i);
    TEST_STATUS(amap_check(big), OHM_OK);
    TEST_STATUS(amap_rehash(src, big), OHM_INVALID); /* not empty */
    TEST_STATUS(amap_rehash(src, src), OHM_INVALID); /* overlaps */

    amap *small = amap_new(8, 0);
    unsigned char before[4096];
    TEST_CHECK(amap_block_size(small) <= sizeof before);
    memcpy(before, small, amap_block_size(small));
    TEST_STATUS(amap_rehash(src, small), OHM_FULL);
    TEST_CHECK(memcmp(before, small, amap_block_size(small)) == 0);
    free(small);
    free(big);
    free(src);
}

/* ------------------------------------------------------------------------
 * The set form: no values
 * ---------------------------------------------------------------------- */

static void api_set(void)
{
    aset *m = aset_new(8);
    TEST_STATUS(aset_put(m, 10), OHM_OK);
    TEST_STATUS(aset_put(m, 10), OHM_FOUND);
    TEST_STATUS(aset_put_new(m, 11), OHM_OK);
    TEST_CHECK(aset_contains(m, 10) && aset_contains(m, 11) && !aset_contains(m, 12));
    uint64_t *k = aset_get_key(m, 11);
    TEST_CHECK(k && *k == 11);
    aset_entry e = aset_get_entry(m, 10);
    TEST_CHECK(e.key && *e.key == 10);
    TEST_CHECK(aset_get_entry(m, 12).key == NULL);
    TEST_STATUS(aset_get_or_put(m, 12, &e), OHM_OK);
    TEST_CHECK(*e.key == 12);
    TEST_STATUS(aset_get_or_put(m, 12, NULL), OHM_FOUND);
    TEST_STATUS(aset_get_or_put_value(m, 13, &e), OHM_OK);
    TEST_CHECK(*e.key == 13);
    TEST_STATUS(aset_get_or_put_value(m, 13, NULL), OHM_FOUND);
    aset_kv old = {0};
    TEST_STATUS(aset_fetch_put(m, 13, &old), OHM_FOUND);
    TEST_EQ_U(old.key, 13);
    TEST_STATUS(aset_fetch_put(m, 14, NULL), OHM_OK);
    aset_put_assume_capacity(m, 15);
    aset_put_new_assume_capacity(m, 16);
    bool found;
    e = aset_get_or_put_assume_capacity(m, 16, &found);
    TEST_CHECK(found && *e.key == 16);
    TEST_CHECK(aset_fetch_put_assume_capacity(m, 15, &old));
    TEST_EQ_U(old.key, 15);
    TEST_EQ_U(aset_count(m), 7);
    TEST_STATUS(aset_reserve(m, 1), OHM_OK);
    TEST_STATUS(aset_reserve(m, 2), OHM_FULL);

    unsigned sum = 0, n = 0;
    aset_iter it = aset_iter_begin(m);
    while (aset_iter_next(&it, &e)) sum += (unsigned)*e.key, n++;
    TEST_EQ_U(n, 7);
    TEST_EQ_U(sum, 10 + 11 + 12 + 13 + 14 + 15 + 16);

    aset_kv out;
    TEST_CHECK(aset_fetch_remove(m, 10, &out));
    TEST_EQ_U(out.key, 10);
    TEST_CHECK(aset_remove(m, 11));
    aset_remove_at(m, aset_get_key(m, 12));
    TEST_EQ_U(aset_count(m), 4);
    TEST_STATUS(aset_check(m), OHM_OK);
    aset_clear(m);
    TEST_EQ_U(aset_count(m), 0);
    /* A set block carries no values: the keys end the slots (the stripe
     * words follow). */
    TEST_EQ_U(m->hdr.total_size, test_total_size(m->hdr.capacity, m->hdr.vals_start, 8));
    free(m);
}

/* ------------------------------------------------------------------------
 * Struct keys with a custom hash and equality
 * ---------------------------------------------------------------------- */

static void api_struct_keys(void)
{
    ohm_layout l = amapn_layout(10);
    amapn *m = amapn_init(test_block(amapn_base_align(), l.total_size), l);
    TEST_STATUS(amapn_put(m, mkname("alpha"), 1), OHM_OK);
    TEST_STATUS(amapn_put(m, mkname("beta"), 2), OHM_OK);
    TEST_STATUS(amapn_put(m, mkname(""), 3), OHM_OK);
    /* Equal by OHM_EQ although the tail bytes differ. */
    TEST_CHECK(amapn_contains(m, mkname_tail("alpha", 'x')));
    TEST_STATUS(amapn_put(m, mkname_tail("alpha", 'z'), 11), OHM_FOUND);
    TEST_EQ_U(*amapn_get(m, mkname_tail("alpha", 0)), 11);
    TEST_EQ_U(*amapn_get(m, mkname("")), 3);
    TEST_CHECK(!amapn_contains(m, mkname("alph")));
    TEST_CHECK(!amapn_contains(m, mkname("alphab")));
    name *k = amapn_get_key(m, mkname_tail("beta", 'q'));
    TEST_CHECK(k && k->len == 4 && memcmp(k->s, "beta", 4) == 0);
    amapn_kv old;
    memset(&old, 0, sizeof old);
    TEST_CHECK(amapn_fetch_remove(m, mkname_tail("beta", '!'), &old));
    TEST_CHECK(old.value == 2 && name_eq(old.key, mkname("beta")));
    TEST_EQ_U(amapn_count(m), 2);
    TEST_STATUS(amapn_check(m), OHM_OK);
    free(m);

    /* Points: one fingerprint for all (32-bit hash), many collisions. */
    ohm_layout pl = apts_layout_for_capacity(256);
    apts *s = apts_init(test_block(apts_base_align(), pl.total_size), pl);
    for (int32_t x = -8; x < 8; x++)
        for (int32_t y = -8; y < 8; y++) TEST_STATUS(apts_put(s, (point){x, y}), OHM_OK);
    TEST_EQ_U(apts_count(s), 256);
    TEST_STATUS(apts_put(s, (point){100, 100}), OHM_FULL);
    for (int32_t x = -8; x < 8; x++)
        for (int32_t y = -8; y < 8; y++) TEST_CHECK(apts_contains(s, (point){x, y}));
    for (int32_t x = -8; x < 8; x += 2)
        for (int32_t y = -8; y < 8; y++) TEST_CHECK(apts_remove(s, (point){x, y}));
    for (int32_t x = -8; x < 8; x++)
        for (int32_t y = -8; y < 8; y++) TEST_EQ_U(apts_contains(s, (point){x, y}), (x & 1) != 0);
    TEST_STATUS(apts_check(s), OHM_OK);
    free(s);
}

/* ------------------------------------------------------------------------
 * Boundaries
 * ---------------------------------------------------------------------- */

static void edge_capacity_0(void)
{
    amap *m = amap_new(0, 0);
    TEST_EQ_U(amap_capacity(m), 0);
    TEST_EQ_U(amap_max_load(m), 0);
    TEST_CHECK(amap_get(m, 1) == NULL);
    TEST_CHECK(!amap_contains(m, 0));
    TEST_STATUS(amap_put(m, 1, 1), OHM_FULL);
    TEST_STATUS(amap_put_new(m, 1, 1), OHM_FULL);
    TEST_STATUS(amap_get_or_put(m, 1, NULL), OHM_FULL);
    TEST_STATUS(amap_get_or_put_value(m, 1, 1, NULL), OHM_FULL);
    TEST_STATUS(amap_fetch_put(m, 1, 1, NULL), OHM_FULL);
    TEST_CHECK(!amap_remove(m, 1));
    TEST_CHECK(!amap_fetch_remove(m, 1, NULL));
    TEST_STATUS(amap_reserve(m, 0), OHM_OK);
    TEST_STATUS(amap_reserve(m, 1), OHM_FULL);
    amap_clear(m);
    amap_iter it = amap_iter_begin(m);
    TEST_CHECK(!amap_iter_next(&it, NULL));
    TEST_EQ_U(amap_count(m), 0);
    TEST_STATUS(amap_check(m), OHM_OK);
    free(m);
    aset *s = aset_new(0);
    TEST_STATUS(aset_put(s, 1), OHM_FULL);
    TEST_CHECK(!aset_contains(s, 1));
    TEST_STATUS(aset_check(s), OHM_OK);
    free(s);
}

static void edge_capacity_1(void)
{
    amap *m = amap_new(1, 0);
    TEST_EQ_U(amap_max_load(m), 1);
    TEST_STATUS(amap_put(m, 7, 70), OHM_OK);
    TEST_STATUS(amap_put(m, 8, 80), OHM_FULL);
    TEST_CHECK(!amap_contains(m, 8)); /* a miss in a full 1-slot table ends */
    TEST_STATUS(amap_put(m, 7, 71), OHM_FOUND);
    TEST_EQ_U(*amap_get(m, 7), 71);
    TEST_CHECK(amap_remove(m, 7));
    TEST_STATUS(amap_put(m, 8, 80), OHM_OK);
    amap_iter it = amap_iter_begin(m);
    amap_entry e;
    TEST_CHECK(amap_iter_next(&it, &e) && *e.key == 8);
    TEST_CHECK(!amap_iter_next(&it, &e));
    amap_remove_at(m, amap_get_key(m, 8));
    TEST_EQ_U(amap_count(m), 0);
    TEST_STATUS(amap_check(m), OHM_OK);
    free(m);
    /* At 50% a 1-slot map holds nothing. */
    m = amap_new(1, 50);
    TEST_EQ_U(amap_max_load(m), 0);
    TEST_STATUS(amap_put(m, 1, 1), OHM_FULL);
    free(m);
}

static void edge_capacity_2(void)
{
    amap *m = amap_new(2, 0);
    TEST_STATUS(amap_put(m, 1, 1), OHM_OK);
    TEST_STATUS(amap_put(m, 2, 2), OHM_OK);
    TEST_STATUS(amap_put(m, 3, 3), OHM_FULL);
    TEST_CHECK(!amap_contains(m, 3));
    TEST_CHECK(amap_remove(m, 1));
    TEST_CHECK(amap_contains(m, 2));
    TEST_STATUS(amap_put(m, 3, 3), OHM_OK);
    TEST_CHECK(amap_remove(m, 2));
    TEST_CHECK(amap_remove(m, 3));
    TEST_EQ_U(amap_count(m), 0);
    TEST_STATUS(amap_check(m), OHM_OK);
    free(m);
    m = amap_new(2, 50);
    TEST_EQ_U(amap_max_load(m), 1);
    TEST_STATUS(amap_put(m, 1, 1), OHM_OK);
    TEST_STATUS(amap_put(m, 2, 2), OHM_FULL);
    TEST_STATUS(amap_put(m, 1, 5), OHM_FOUND);
    free(m);
}

/* Fill a map to exactly its maximum load with put, then the next new key
 * is refused and present keys still work. */
#define FILL_TO_MAX(P, m, keyof)                                                  \
    do {                                                                          \
        uint32_t fill_max = P##_max_load(m);                                      \
        for (uint32_t fi = 0; fi < fill_max; fi++)                                \
            TEST_STATUS(P##_put(m, keyof(fi), 1), OHM_OK);                        \
        TEST_EQ_U(P##_count(m), fill_max);                                        \
        TEST_STATUS(P##_put(m, keyof(fill_max), 1), OHM_FULL);                    \
        if (fill_max) TEST_STATUS(P##_put(m, keyof(fill_max - 1), 2), OHM_FOUND); \
        TEST_STATUS(P##_check(m), OHM_OK);                                        \
    } while (0)
#define INT_KEY(i) ((int)(i) * 7 - 100)
#define U16_KEY(i) ((uint16_t)((i) * 3))
#define I64_KEY(i) ((int64_t)(i) * INT64_C(0x100000001))

static void edge_max_loads(void)
{
    for (uint32_t cap = 1; cap <= 1024; cap *= 2) {
        ohm_layout l = a50_layout_for_capacity(cap);
        a50 *m50 = a50_init(test_block(a50_base_align(), l.total_size), l);
        TEST_EQ_U(a50_max_load(m50), cap / 2);
        FILL_TO_MAX(a50, m50, INT_KEY);
        free(m50);

        l = a80_layout_for_capacity(cap);
        a80 *m80 = a80_init(test_block(a80_base_align(), l.total_size), l);
        TEST_EQ_U(a80_max_load(m80), cap * 8 / 10);
        FILL_TO_MAX(a80, m80, U16_KEY);
        free(m80);

        l = a1_layout_for_capacity(cap);
        a1 *m1 = a1_init(test_block(a1_base_align(), l.total_size), l);
        TEST_EQ_U(a1_max_load(m1), cap / 100);
        FILL_TO_MAX(a1, m1, I64_KEY);
        free(m1);

        amap *m100 = amap_new(cap, 0);
        TEST_EQ_U(amap_max_load(m100), cap);
        FILL_TO_MAX(amap, m100, (uint32_t));
        free(m100);
    }
    /* N_layout(n) at each load gives a map that holds n. */
    static const uint32_t ns[] = {1, 2, 3, 7, 12, 13, 100, 1000};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        ohm_layout l = a80_layout(ns[i]);
        a80 *m = a80_init(test_block(a80_base_align(), l.total_size), l);
        TEST_CHECK(a80_max_load(m) >= ns[i]);
        for (uint32_t k = 0; k < ns[i]; k++) TEST_STATUS(a80_put(m, U16_KEY(k), 0.5), OHM_OK);
        free(m);
        l = a1_layout(ns[i]);
        a1 *m1 = a1_init(test_block(a1_base_align(), l.total_size), l);
        TEST_EQ_U(a1_max_load(m1) >= ns[i], 1);
        for (uint32_t k = 0; k < ns[i]; k++) TEST_STATUS(a1_put(m1, I64_KEY(k), 1), OHM_OK);
        free(m1);
    }
}

/* The *_assume_capacity calls with count == max load - 1 (room for exactly
 * one), then at the maximum with present keys (no room needed). */
static void edge_assume_capacity_at_max_load(void)
{
    static const unsigned loads[] = {50, 80, 100};
    for (size_t li = 0; li < 3; li++) {
        for (int variant = 0; variant < 4; variant++) {
            amap *m = amap_new(32, loads[li]);
            uint32_t max = amap_max_load(m);
            for (uint32_t i = 0; i + 1 < max; i++) amap_put_new_assume_capacity(m, i, i);
            uint32_t last = 1000;
            bool found = true;
            amap_entry e;
            switch (variant) { /* the last room, four ways */
            case 0: amap_put_assume_capacity(m, last, 5); break;
            case 1: amap_put_new_assume_capacity(m, last, 5); break;
            case 2:
                e = amap_get_or_put_assume_capacity(m, last, &found);
                TEST_CHECK(!found && e.key);
                *e.value = 5;
                break;
            case 3: TEST_CHECK(!amap_fetch_put_assume_capacity(m, last, 5, NULL)); break;
            }
            TEST_EQ_U(amap_count(m), max);
            TEST_STATUS(amap_reserve(m, 1), OHM_FULL);
            /* Present keys need no room. */
            amap_put_assume_capacity(m, last, 6);
            e = amap_get_or_put_assume_capacity(m, 0, &found);
            TEST_CHECK(found && *e.value == 0);
            amap_kv old = {0, 0};
            TEST_CHECK(amap_fetch_put_assume_capacity(m, last, 7, &old));
            TEST_EQ_U(old.value, 6);
            TEST_EQ_U(*amap_get(m, last), 7);
            TEST_EQ_U(amap_count(m), max);
            TEST_STATUS(amap_put(m, 2000, 0), OHM_FULL);
            TEST_STATUS(amap_check(m), OHM_OK);
            free(m);
        }
    }
}

/* A map at 100% load: no free slot anywhere. */
static void edge_full_map(void)
{
    for (uint32_t cap = 1; cap <= 256; cap *= 2) {
        amap *m = amap_new(cap, 100);
        for (uint32_t i = 0; i < cap; i++) TEST_STATUS(amap_put(m, i * 2, i), OHM_OK);
        size_t n = amap_block_size(m);
        unsigned char *copy = malloc(n);
        memcpy(copy, m, n);

        /* Misses end (a full lap at most) ... */
        for (uint32_t i = 0; i < cap; i++) TEST_CHECK(!amap_contains(m, i * 2 + 1));
        TEST_CHECK(!amap_remove(m, 1));
        TEST_CHECK(!amap_fetch_remove(m, 3, NULL));
        /* ... every new-key insertion is refused, the block untouched ... */
        amap_entry e = {(uint32_t *)1, (uint64_t *)1};
        TEST_STATUS(amap_put(m, 1, 1), OHM_FULL);
        TEST_STATUS(amap_put_new(m, 3, 1), OHM_FULL);
        TEST_STATUS(amap_get_or_put(m, 5, &e), OHM_FULL);
        TEST_CHECK(e.key == NULL);
        TEST_STATUS(amap_get_or_put_value(m, 7, 1, &e), OHM_FULL);
        TEST_CHECK(e.key == NULL);
        TEST_STATUS(amap_fetch_put(m, 9, 1, NULL), OHM_FULL);
        TEST_STATUS(amap_reserve(m, 1), OHM_FULL);
        TEST_CHECK(memcmp(copy, m, n) == 0);
        /* ... and present keys are found and overwritten. */
        for (uint32_t i = 0; i < cap; i++) {
            TEST_EQ_U(*amap_get(m, i * 2), i);
            TEST_STATUS(amap_put(m, i * 2, i + 1), OHM_FOUND);
            TEST_STATUS(amap_get_or_put(m, i * 2, &e), OHM_FOUND);
            TEST_EQ_U(*e.value, i + 1);
        }
        TEST_EQ_U(amap_count(m), cap);
        TEST_STATUS(amap_check(m), OHM_OK);
        free(copy);
        free(m);
    }
}

int main(void)
{
    RUN(api_init_and_state);
    RUN(api_put_and_lookups);
    RUN(api_put_new);
    RUN(api_fetch_put);
    RUN(api_get_or_put);
    RUN(api_assume_capacity);
    RUN(api_remove);
    RUN(api_clear);
    RUN(api_reserve);
    RUN(api_iterate);
    RUN(api_adapted);
    RUN(api_check_attach_validate);
    RUN(api_rehash);
    RUN(api_set);
    RUN(api_struct_keys);
    RUN(edge_capacity_0);
    RUN(edge_capacity_1);
    RUN(edge_capacity_2);
    RUN(edge_max_loads);
    RUN(edge_assume_capacity_at_max_load);
    RUN(edge_full_map);
    return test_finish();
}
