/* test_attach.c - N_attach refuses every kind of foreign or damaged block
 * with its own status (docs/FORMAT.md, "Checking a block"), and never
 * writes: after each refusal the bytes are compared with a copy, *out is
 * NULL, and N_validate gives the same status.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

/* The map under test, and instantiations that differ in one way each. */
#define OHM_NAME am
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#include "ohm_map.h"

#define OHM_NAME xk64 /* key size */
#define OHM_KEY uint64_t
#define OHM_VALUE uint32_t
#include "ohm_map.h"

#define OHM_NAME xv64 /* value size */
#define OHM_KEY uint32_t
#define OHM_VALUE uint64_t
#include "ohm_map.h"

#define OHM_NAME xset /* a set of the same key */
#define OHM_KEY uint32_t
#include "ohm_map.h"

#define OHM_NAME xtag /* type tag */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_TYPE_TAG 5
#include "ohm_map.h"

#define OHM_NAME xsep /* keys and values in separate arrays */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_INTERLEAVE 0
#include "ohm_map.h"

typedef struct bytes4 {
    unsigned char b[4];
} bytes4;
#define OHM_NAME xa1 /* key of the same size, alignment 1 */
#define OHM_KEY bytes4
#define OHM_VALUE uint32_t
#define OHM_HASH(k) ohm_hash_bytes((k).b, 4, 0)
#define OHM_EQ(x, y) (memcmp((x).b, (y).b, 4) == 0)
#include "ohm_map.h"

#define OHM_NAME x50 /* same type, another default maximum load */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_MAX_LOAD 50
#include "ohm_map.h"

#define OHM_NAME x100 /* same type, every slot: the default before 0.2.0 */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

/* A zeroed block of `size` bytes aligned to 64 (more than any type here
 * needs); free() it. */
static unsigned char *block_alloc(size_t size)
{
    size_t n = (size + 63) / 64 * 64;
    unsigned char *p = aligned_alloc(64, n ? n : 64);
    if (p == NULL) abort();
    memset(p, 0, n ? n : 64);
    return p;
}

/* A u32 -> u32 block of `cap` slots holding `n` entries. */
static unsigned char *am_block(uint32_t cap, uint32_t n, size_t *size)
{
    ohm_layout l = am_layout_for_capacity(cap);
    unsigned char *p = block_alloc(l.total_size);
    am *m = am_init(p, l);
    TEST_CHECK(m != NULL);
    for (uint32_t i = 0; i < n; i++) TEST_STATUS(am_put(m, i * 7919u + 1u, i), OHM_OK);
    *size = l.total_size;
    return p;
}

/* N_attach and N_validate of type N refuse `len` bytes at `buf` with
 * `want`, write nothing, and leave *out NULL. */
#define EXPECT_REFUSED(N, buf, len, want)                                  \
    do {                                                                   \
        size_t n_ = (len);                                                 \
        unsigned char *copy_ = malloc(n_ + 1);                             \
        if (n_) memcpy(copy_, (buf), n_);                                  \
        N *m_ = (N *)(void *)copy_;                                        \
        TEST_STATUS(N##_attach((buf), n_, &m_), (want));                   \
        TEST_CHECK(m_ == NULL);                                            \
        TEST_STATUS(N##_attach((buf), n_, NULL), (want));                  \
        const N *c_ = (const N *)(void *)copy_;                            \
        TEST_STATUS(N##_attach_const((buf), n_, &c_), (want));             \
        TEST_CHECK(c_ == NULL);                                            \
        TEST_STATUS(N##_validate((buf), n_), (want));                      \
        TEST_CHECK(n_ == 0 || memcmp(copy_, (buf), n_) == 0);              \
        free(copy_);                                                       \
    } while (0)

/* Edit the header of `p` with STMT (on `h`), expect `want` from am, then
 * put the header back. */
#define WITH_HEADER(p, size, want, STMT)                                   \
    do {                                                                   \
        ohm_header saved_, h;                                              \
        memcpy(&saved_, (p), sizeof saved_);                               \
        h = saved_;                                                        \
        STMT;                                                              \
        memcpy((p), &h, sizeof h);                                         \
        EXPECT_REFUSED(am, (p), (size), (want));                           \
        memcpy((p), &saved_, sizeof saved_);                               \
    } while (0)

static void a_valid_block_attaches(void)
{
    size_t size;
    unsigned char *p = am_block(16, 9, &size);
    am *m = NULL;
    TEST_STATUS(am_attach(p, size, &m), OHM_OK);
    TEST_CHECK(m == (am *)(void *)p);
    TEST_STATUS(am_attach(p, size, NULL), OHM_OK);
    TEST_STATUS(am_validate(p, size), OHM_OK);
    /* A read-only block attaches as a const map. */
    const am *cm = NULL;
    TEST_STATUS(am_attach_const((const unsigned char *)p, size, &cm), OHM_OK);
    TEST_CHECK(cm == (const am *)(const void *)p && *am_get(cm, 3u * 7919u + 1u) == 3);
    /* A longer buffer (the block followed by other data) is fine. */
    unsigned char *q = block_alloc(size + 100);
    memcpy(q, p, size);
    TEST_STATUS(am_attach(q, size + 100, &m), OHM_OK);
    TEST_CHECK(m == (am *)(void *)q && am_count(m) == 9 && *am_get(m, 8u * 7919u + 1u) == 8);
    /* Capacity 0 and 1. */
    free(p);
    p = am_block(0, 0, &size);
    TEST_STATUS(am_validate(p, size), OHM_OK);
    free(p);
    p = am_block(2, 1, &size);
    TEST_STATUS(am_validate(p, size), OHM_OK);
    free(p);
    {
        ohm_layout l = am_layout_for_capacity(1); /* one slot, at 100: its entry */
        p = block_alloc(l.total_size);
        m = am_init_ex(p, l, 0, 100);
        TEST_STATUS(am_put(m, 5, 6), OHM_OK);
        TEST_STATUS(am_validate(p, l.total_size), OHM_OK);
        free(p);
    }
    free(q);
}

static void a_null_buffer_is_invalid(void)
{
    am *m = (am *)(void *)&m;
    TEST_STATUS(am_attach(NULL, 4096, &m), OHM_INVALID);
    TEST_CHECK(m == NULL);
    TEST_STATUS(am_validate(NULL, 4096), OHM_INVALID);
}

static void wrong_magic(void)
{
    size_t size;
    unsigned char *p = am_block(16, 5, &size);
    WITH_HEADER(p, size, OHM_BAD_MAGIC, h.magic = 0);
    WITH_HEADER(p, size, OHM_BAD_MAGIC, h.magic ^= 0x100);
    WITH_HEADER(p, size, OHM_BAD_MAGIC, h.magic = 0x464c457fu); /* an ELF file */
    /* Not a block at all: zeros, and text. */
    unsigned char *z = block_alloc(size);
    EXPECT_REFUSED(am, z, size, OHM_BAD_MAGIC);
    memset(z, 'x', size);
    EXPECT_REFUSED(am, z, size, OHM_BAD_MAGIC);
    free(z);
    free(p);
}

static void wrong_version(void)
{
    size_t size;
    unsigned char *p = am_block(16, 5, &size);
    WITH_HEADER(p, size, OHM_BAD_VERSION, h.version = 0);
    WITH_HEADER(p, size, OHM_BAD_VERSION, h.version = OHM_FORMAT_VERSION + 1);
    WITH_HEADER(p, size, OHM_BAD_VERSION, h.version = 0xffff);
    free(p);
}

static uint16_t swap16(uint16_t x) { return (uint16_t)(x >> 8 | x << 8); }
static uint32_t swap32(uint32_t x) { return (uint32_t)swap16((uint16_t)x) << 16 | swap16((uint16_t)(x >> 16)); }
static uint64_t swap64(uint64_t x) { return (uint64_t)swap32((uint32_t)x) << 32 | swap32((uint32_t)(x >> 32)); }

/* The header as a machine of the other byte order would have stored it. */
static void swap_header(ohm_header *h)
{
    h->magic = swap32(h->magic);
    h->version = swap16(h->version);
    h->byte_order = swap16(h->byte_order);
    h->capacity = swap32(h->capacity);
    h->count = swap32(h->count);
    h->max_entries = swap32(h->max_entries);
    h->seed = swap64(h->seed);
    h->keys_start = swap64(h->keys_start);
    h->vals_start = swap64(h->vals_start);
    h->meta_start = swap64(h->meta_start);
    h->total_size = swap64(h->total_size);
    h->key_size = swap32(h->key_size);
    h->key_align = swap32(h->key_align);
    h->val_size = swap32(h->val_size);
    h->val_align = swap32(h->val_align);
    h->type_tag = swap32(h->type_tag);
    h->stamp = swap32(h->stamp);
    h->user = swap64(h->user);
}

static void other_byte_order(void)
{
    size_t size;
    unsigned char *p = am_block(16, 5, &size);
    /* The whole header swapped: the version then reads 0x0100 too, but the
     * byte order is the answer. */
    WITH_HEADER(p, size, OHM_BAD_ENDIAN, swap_header(&h));
    WITH_HEADER(p, size, OHM_BAD_ENDIAN, h.magic = swap32(h.magic));
    WITH_HEADER(p, size, OHM_BAD_ENDIAN, h.byte_order = swap16(h.byte_order));
    free(p);
}

/* A block of type N (cap 16, one entry put by PUT, on mf) refused by am,
 * and am's block refused by N. */
#define FOREIGN_TYPE(N, PUT)                                               \
    do {                                                                   \
        ohm_layout l_ = N##_layout_for_capacity(16);                       \
        unsigned char *b_ = block_alloc(l_.total_size);                    \
        N *mf = N##_init(b_, l_);                                          \
        TEST_CHECK(mf != NULL);                                            \
        TEST_STATUS(PUT, OHM_OK);                                          \
        TEST_STATUS(N##_validate(b_, l_.total_size), OHM_OK);              \
        EXPECT_REFUSED(am, b_, l_.total_size, OHM_BAD_TYPE);               \
        size_t s_;                                                         \
        unsigned char *a_ = am_block(16, 1, &s_);                          \
        EXPECT_REFUSED(N, a_, s_, OHM_BAD_TYPE);                           \
        free(a_);                                                          \
        free(b_);                                                          \
    } while (0)

static void another_instantiations_block(void)
{
    bytes4 k4 = {{1, 2, 3, 4}};
    FOREIGN_TYPE(xk64, xk64_put(mf, 1u, 1u)); /* key size */
    FOREIGN_TYPE(xv64, xv64_put(mf, 1u, 1u)); /* value size */
    FOREIGN_TYPE(xset, xset_put(mf, 1u));     /* set vs map */
    FOREIGN_TYPE(xtag, xtag_put(mf, 1u, 1u)); /* type tag */
    FOREIGN_TYPE(xsep, xsep_put(mf, 1u, 1u)); /* placement of the values */
    FOREIGN_TYPE(xa1, xa1_put(mf, k4, 1u));   /* key alignment */
}

static void header_fields_of_the_type(void)
{
    size_t size;
    unsigned char *p = am_block(16, 5, &size);
    WITH_HEADER(p, size, OHM_BAD_TYPE, h.key_size = 8);
    WITH_HEADER(p, size, OHM_BAD_TYPE, h.key_align = 8);
    WITH_HEADER(p, size, OHM_BAD_TYPE, h.val_size = 8);
    WITH_HEADER(p, size, OHM_BAD_TYPE, h.val_align = 1);
    WITH_HEADER(p, size, OHM_BAD_TYPE, h.flags ^= OHM_FLAG_SET);
    WITH_HEADER(p, size, OHM_BAD_TYPE, h.flags ^= OHM_FLAG_INTERLEAVED);
    WITH_HEADER(p, size, OHM_BAD_TYPE, h.flags |= 0x40);
    WITH_HEADER(p, size, OHM_BAD_TYPE, h.type_tag = 1);
    WITH_HEADER(p, size, OHM_BAD_TYPE, h.max_load = 0);
    WITH_HEADER(p, size, OHM_BAD_TYPE, h.max_load = 101);
    WITH_HEADER(p, size, OHM_BAD_TYPE, h.max_load = 255);
    WITH_HEADER(p, size, OHM_BAD_TYPE, h.fp_bits = 8);
    WITH_HEADER(p, size, OHM_BAD_TYPE, h.mirror = 8);
    /* The stamp is any value: it only counts changes. */
    ohm_header h;
    memcpy(&h, p, sizeof h);
    h.stamp = 0xdeadbeefu;
    memcpy(p, &h, sizeof h);
    TEST_STATUS(am_validate(p, size), OHM_OK);
    free(p);
}

/* The maximum load is the block's own, not the type's: a block made with
 * another load (by another instantiation or N_init_ex) is accepted and
 * keeps it. */
static void the_blocks_own_maximum_load(void)
{
    ohm_layout l = x50_layout_for_capacity(16);
    unsigned char *p = block_alloc(l.total_size);
    x50 *h = x50_init(p, l);
    TEST_EQ_U(x50_max_load(h), 8);
    am *m = NULL;
    TEST_STATUS(am_attach(p, l.total_size, &m), OHM_OK);
    TEST_EQ_U(am_max_load(m), 8);
    for (uint32_t i = 0; i < 8; i++) TEST_STATUS(am_put(m, i, i), OHM_OK);
    TEST_STATUS(am_put(m, 99, 99), OHM_FULL);
    TEST_STATUS(am_validate(p, l.total_size), OHM_OK);
    free(p);
}

/* A block made at maximum load 100 (every slot; the default before 0.2.0)
 * keeps 100 under an instantiation whose default is another (am: 88): it
 * attaches, fills to its last slot, refuses one more, and grows at 100. */
static void a_block_made_at_100_keeps_it(void)
{
    ohm_layout l = x100_layout(16);
    TEST_EQ_U(l.capacity, 16);
    TEST_EQ_U(am_layout(16).capacity, 32); /* what the default sizes */
    unsigned char *p = block_alloc(l.total_size);
    x100 *old = x100_init(p, l);
    for (uint32_t i = 0; i < 16; i++) TEST_STATUS(x100_put(old, i * 7919u + 1u, i), OHM_OK);
    am *m = NULL;
    TEST_STATUS(am_attach(p, l.total_size, &m), OHM_OK);
    TEST_STATUS(am_validate(p, l.total_size), OHM_OK);
    TEST_EQ_U(am_max_load_percent(m), 100);
    TEST_EQ_U(am_max_load(m), 16);
    TEST_EQ_U(am_count(m), 16);
    for (uint32_t i = 0; i < 16; i++) TEST_CHECK(*am_get(m, i * 7919u + 1u) == i);
    TEST_STATUS(am_put(m, 99, 99), OHM_FULL);
    TEST_STATUS(am_reserve(m, 1), OHM_FULL);
    TEST_CHECK(am_remove(m, 1u));
    TEST_STATUS(am_put(m, 99, 99), OHM_OK);
    TEST_STATUS(am_check(m), OHM_OK);
    /* Grown, it is still at 100. */
    ohm_layout g = am_layout_grown(m);
    TEST_EQ_U(g.capacity, 32);
    unsigned char *q = block_alloc(g.total_size);
    am *big = am_init_like(q, g, m);
    TEST_CHECK(big != NULL);
    TEST_STATUS(am_rehash(m, big), OHM_OK);
    TEST_EQ_U(am_max_load_percent(big), 100);
    TEST_EQ_U(am_max_load(big), 32);
    TEST_EQ_U(am_count(big), 16);
    free(q);
    free(p);
}

static void too_short(void)
{
    size_t size;
    unsigned char *p = am_block(16, 5, &size);
    /* Shorter than the header. */
    EXPECT_REFUSED(am, p, 0, OHM_TOO_SHORT);
    EXPECT_REFUSED(am, p, 1, OHM_TOO_SHORT);
    EXPECT_REFUSED(am, p, sizeof(ohm_header) - 1, OHM_TOO_SHORT);
    /* Under 4 bytes the magic cannot be read; from 4 bytes on, data of
     * another format is "not an ohm block", however short (a 50-byte file
     * of another format must not be called a short ohm block). */
    EXPECT_REFUSED(am, p, 3, OHM_TOO_SHORT);
    EXPECT_REFUSED(am, p, 4, OHM_TOO_SHORT); /* the magic is ohm's */
    {
        unsigned char *other = block_alloc(64);
        memset(other, 'x', 64);
        EXPECT_REFUSED(am, other, 4, OHM_BAD_MAGIC);
        EXPECT_REFUSED(am, other, 50, OHM_BAD_MAGIC);
        ohm_header swapped;
        memcpy(&swapped, p, sizeof swapped);
        uint32_t mg = swap32(swapped.magic);
        memcpy(other, &mg, 4);
        EXPECT_REFUSED(am, other, 50, OHM_BAD_ENDIAN);
        free(other);
    }
    /* A whole header, but shorter than total_size. */
    EXPECT_REFUSED(am, p, sizeof(ohm_header), OHM_TOO_SHORT);
    EXPECT_REFUSED(am, p, size - 1, OHM_TOO_SHORT);
    TEST_STATUS(am_validate(p, size), OHM_OK);
    free(p);
    /* Capacity 0: the block is the header and the sync area (one stripe
     * word, the journal's value buffer). */
    p = am_block(0, 0, &size);
    TEST_EQ_U(size, test_total_size(0, test_meta_start(0, sizeof(uint32_t), 4), 8));
    EXPECT_REFUSED(am, p, size - 1, OHM_TOO_SHORT);
    TEST_STATUS(am_validate(p, size), OHM_OK);
    free(p);
    /* The largest capacity, with offsets to match: 16 GiB it says, and
     * the length is checked without overflow. (64-bit: where size_t is
     * 32 bits such a block has no layout at all.) */
    if (SIZE_MAX <= UINT32_MAX) return;
    p = am_block(16, 5, &size);
    ohm_layout big = am_layout_for_capacity(OHM_MAX_CAPACITY);
    TEST_CHECK((uint64_t)big.total_size > ((uint64_t)1 << 34));
    WITH_HEADER(p, size, OHM_TOO_SHORT, {
        h.capacity = OHM_MAX_CAPACITY;
        h.max_entries = OHM_MAX_CAPACITY;
        h.meta_start = big.meta_start;
        h.keys_start = big.keys_start;
        h.vals_start = big.vals_start;
        h.total_size = big.total_size;
    });
    free(p);
}

static void misaligned(void)
{
    size_t size;
    unsigned char *p = am_block(16, 5, &size);
    TEST_EQ_U(am_base_align(), 8);
    unsigned char *q = block_alloc(size + 64);
    for (size_t off = 1; off < 8; off++) {
        memcpy(q + off, p, size);
        EXPECT_REFUSED(am, q + off, size, OHM_MISALIGNED);
        /* Alignment is checked first, before the length. */
        EXPECT_REFUSED(am, q + off, 10, OHM_MISALIGNED);
    }
    memcpy(q + 8, p, size);
    TEST_STATUS(am_validate(q + 8, size), OHM_OK);
    free(q);
    free(p);
}

static void bad_capacity(void)
{
    size_t size;
    unsigned char *p = am_block(16, 5, &size);
    WITH_HEADER(p, size, OHM_BAD_CAPACITY, h.capacity = 3);
    WITH_HEADER(p, size, OHM_BAD_CAPACITY, h.capacity = 24);
    WITH_HEADER(p, size, OHM_BAD_CAPACITY, h.capacity = 0x7fffffffu);
    WITH_HEADER(p, size, OHM_BAD_CAPACITY, h.capacity = 0x80000001u); /* > 2^31 */
    WITH_HEADER(p, size, OHM_BAD_CAPACITY, h.capacity = 0xc0000000u);
    WITH_HEADER(p, size, OHM_BAD_CAPACITY, h.capacity = UINT32_MAX);
    /* A power of two that does not match the offsets is an offsets error. */
    WITH_HEADER(p, size, OHM_BAD_OFFSETS, h.capacity = 32);
    WITH_HEADER(p, size, OHM_BAD_OFFSETS, h.capacity = 8);
    WITH_HEADER(p, size, OHM_BAD_OFFSETS, h.capacity = 0);
    /* Where size_t is 32 bits, 2^31 slots have no layout at all (16 GiB):
     * the capacity itself is refused. */
    WITH_HEADER(p, size, SIZE_MAX > UINT32_MAX ? OHM_BAD_OFFSETS : OHM_BAD_CAPACITY,
                h.capacity = OHM_MAX_CAPACITY);
    free(p);
}

static void bad_offsets(void)
{
    size_t size;
    unsigned char *p = am_block(16, 5, &size);
    ohm_header g;
    memcpy(&g, p, sizeof g);
    WITH_HEADER(p, size, OHM_BAD_OFFSETS, h.meta_start += 1);
    WITH_HEADER(p, size, OHM_BAD_OFFSETS, h.meta_start = 0); /* over the header */
    WITH_HEADER(p, size, OHM_BAD_OFFSETS, h.keys_start += 4);
    WITH_HEADER(p, size, OHM_BAD_OFFSETS, h.keys_start -= 4);
    WITH_HEADER(p, size, OHM_BAD_OFFSETS, h.keys_start = h.meta_start); /* over metadata */
    WITH_HEADER(p, size, OHM_BAD_OFFSETS, h.keys_start = size);           /* past the end */
    WITH_HEADER(p, size, OHM_BAD_OFFSETS, h.keys_start = UINT64_MAX);
    WITH_HEADER(p, size, OHM_BAD_OFFSETS, h.vals_start = h.keys_start);   /* over a key */
    WITH_HEADER(p, size, OHM_BAD_OFFSETS, h.vals_start = size);
    WITH_HEADER(p, size, OHM_BAD_OFFSETS, h.vals_start = UINT64_MAX - 3);
    WITH_HEADER(p, size, OHM_BAD_OFFSETS, h.total_size -= 1);
    WITH_HEADER(p, size, OHM_BAD_OFFSETS, h.total_size += 8);
    WITH_HEADER(p, size, OHM_BAD_OFFSETS, h.total_size = UINT64_MAX);
    TEST_EQ_U(g.total_size, size);
    free(p);

    /* Separate arrays: values over the keys, keys over the values. */
    ohm_layout l = xsep_layout_for_capacity(16);
    p = block_alloc(l.total_size);
    TEST_CHECK(xsep_init(p, l) != NULL);
    memcpy(&g, p, sizeof g);
    TEST_CHECK(g.vals_start == g.keys_start + 16 * 4);
    ohm_header h = g;
    h.vals_start = g.keys_start + 32;
    memcpy(p, &h, sizeof h);
    EXPECT_REFUSED(xsep, p, l.total_size, OHM_BAD_OFFSETS);
    h = g;
    h.keys_start = g.vals_start;
    memcpy(p, &h, sizeof h);
    EXPECT_REFUSED(xsep, p, l.total_size, OHM_BAD_OFFSETS);
    memcpy(p, &g, sizeof g);
    TEST_STATUS(xsep_validate(p, l.total_size), OHM_OK);
    free(p);
}

static void bad_count(void)
{
    size_t size;
    unsigned char *p = am_block(16, 5, &size);
    WITH_HEADER(p, size, OHM_BAD_COUNT, h.count = 17);          /* above capacity */
    WITH_HEADER(p, size, OHM_BAD_COUNT, h.count = UINT32_MAX);
    WITH_HEADER(p, size, OHM_BAD_COUNT, h.max_entries = 17);    /* not cap * load */
    WITH_HEADER(p, size, OHM_BAD_COUNT, h.max_entries = 15);
    WITH_HEADER(p, size, OHM_BAD_COUNT, h.max_load = 50);       /* max_entries stale */
    /* Above the maximum load, below the capacity. */
    WITH_HEADER(p, size, OHM_BAD_COUNT, {
        h.max_load = 50;
        h.max_entries = 8;
        h.count = 9;
    });
    /* A count within the maximum that disagrees with the slots passes the
     * O(1) attach; validate finds it. */
    ohm_header h;
    memcpy(&h, p, sizeof h);
    h.count = 6;
    memcpy(p, &h, sizeof h);
    am *m = NULL;
    TEST_STATUS(am_attach(p, size, &m), OHM_OK);
    TEST_CHECK(m == (am *)(void *)p);
    TEST_STATUS(am_validate(p, size), OHM_CORRUPT);
    free(p);
}

/* Checks run in the order FORMAT.md gives: with two damages the earlier
 * check's status is the answer. */
static void first_failure_wins(void)
{
    size_t size;
    unsigned char *p = am_block(16, 5, &size);
    WITH_HEADER(p, size, OHM_BAD_MAGIC, { h.magic = 0; h.version = 9; });
    WITH_HEADER(p, size, OHM_BAD_ENDIAN, { h.byte_order = 0x0201; h.version = 9; });
    WITH_HEADER(p, size, OHM_BAD_VERSION, { h.version = 9; h.key_size = 2; });
    WITH_HEADER(p, size, OHM_BAD_TYPE, { h.key_size = 2; h.capacity = 3; });
    WITH_HEADER(p, size, OHM_BAD_CAPACITY, { h.capacity = 3; h.keys_start = 1; });
    WITH_HEADER(p, size, OHM_BAD_OFFSETS, { h.keys_start = 1; h.count = 99; });
    WITH_HEADER(p, size, OHM_BAD_OFFSETS, h.total_size = size + 64); /* not TOO_SHORT */
    EXPECT_REFUSED(am, p, size - 1, OHM_TOO_SHORT);
    WITH_HEADER(p, size - 1, OHM_TOO_SHORT, h.count = 99);
    free(p);
}

/* N_init_checked says why a block cannot be made, and writes nothing. */
static void init_says_why(void)
{
    ohm_layout l = am_layout_for_capacity(64);
    unsigned char *p = block_alloc(l.total_size + 64);
    memset(p, 0xab, l.total_size + 64);
    am *m = (am *)(void *)p;
    TEST_STATUS(am_init_checked(NULL, l, 0, 0, &m), OHM_INVALID);
    TEST_CHECK(m == NULL);
    TEST_STATUS(am_init_checked(p, l, 0, 0, NULL), OHM_INVALID);
    TEST_STATUS(am_init_checked(p + 4, l, 0, 0, &m), OHM_MISALIGNED);
    TEST_STATUS(am_init_checked(p, l, 0, 101, &m), OHM_INVALID);
    ohm_layout bad = l;
    bad.total_size += 8;
    TEST_STATUS(am_init_checked(p, bad, 0, 0, &m), OHM_INVALID);
    TEST_STATUS(am_init_checked(p, am_layout_for_capacity(3), 0, 0, &m), OHM_INVALID);
    for (size_t i = 0; i < l.total_size + 64; i++) TEST_CHECK(p[i] == 0xab); /* untouched */
    TEST_CHECK(am_init_ex(p + 4, l, 0, 0) == NULL);
    TEST_STATUS(am_init_checked(p, l, 9, 80, &m), OHM_OK);
    TEST_CHECK(m == (am *)(void *)p && am_seed(m) == 9 && am_max_load_percent(m) == 80 &&
               am_max_load(m) == 51 && am_count(m) == 0);
    free(p);
}

/* The sync area (docs/FORMAT.md): a journal naming an unknown mutation
 * or stripe words placed other than the layout says are OHM_CORRUPT (and
 * N_recover refuses them); a write in progress or cut short (the sequence
 * odd, a mutation named, a stripe odd) is OHM_BUSY, and N_recover ends it. */
static void sync_area(void)
{
    size_t size;
    unsigned char *p = am_block(64, 40, &size);
    unsigned char *q = block_alloc(size);
    ohm_header h0;
    memcpy(&h0, p, sizeof h0);
    TEST_EQ_U(h0.smask, 64 / 16 - 1);
    TEST_CHECK(h0.stripes + 4 * 4 <= size && h0.stripes % 4 == 0);
    const size_t sync = sizeof(ohm_header); /* offsets from the block's start */
    struct {
        size_t off, width;
        uint64_t value;
        ohm_status want;
    } cases[] = {
        {sync + offsetof(ohm_sync, op), 4, 5, OHM_CORRUPT},
        {sync + offsetof(ohm_sync, op), 4, 0xffffffffu, OHM_CORRUPT},
        {offsetof(ohm_header, smask), 4, 7, OHM_CORRUPT},
        {offsetof(ohm_header, smask), 4, 0, OHM_CORRUPT},
        {offsetof(ohm_header, stripes), 8, h0.stripes + 4, OHM_CORRUPT},
        {offsetof(ohm_header, stripes), 8, 0, OHM_CORRUPT},
        {offsetof(ohm_header, stripes), 8, UINT64_MAX - 3, OHM_CORRUPT},
        {sync + offsetof(ohm_sync, seq), 4, 7, OHM_BUSY},
        {sync + offsetof(ohm_sync, op), 4, 3, OHM_BUSY}, /* a clear cut short */
        {h0.stripes + 8, 4, 1, OHM_BUSY}, /* stripe 2 odd */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(q, p, size);
        unsigned char *at = q + cases[i].off;
        if (cases[i].width == 4) {
            uint32_t v = (uint32_t)cases[i].value;
            memcpy(at, &v, 4);
        } else {
            memcpy(at, &cases[i].value, 8);
        }
        /* N_attach checks the header only; the full checks see the sync area. */
        TEST_STATUS(am_validate(q, size), cases[i].want);
        TEST_STATUS(am_check((am *)(void *)q), cases[i].want);
        TEST_STATUS(am_recover((am *)(void *)q), cases[i].want == OHM_BUSY ? OHM_OK : OHM_CORRUPT);
        if (cases[i].want == OHM_BUSY) { /* repaired: valid, every entry kept (a cut clear is finished) */
            am *m;
            bool cleared = cases[i].off == sync + offsetof(ohm_sync, op);
            TEST_STATUS(am_validate(q, size), OHM_OK);
            TEST_STATUS(am_attach(q, size, &m), OHM_OK);
            TEST_EQ_U(am_count(m), cleared ? 0 : 40);
            for (uint32_t k = 0; k < 40; k++) {
                uint32_t v = 0;
                TEST_STATUS(am_read(m, k * 7919u + 1u, &v), cleared ? OHM_ABSENT : OHM_FOUND);
                TEST_EQ_U(v, cleared ? 0 : k);
            }
            TEST_STATUS(am_read(m, 2, NULL), OHM_ABSENT);
        }
    }
    /* A snapshot of a block at rest is the same map; a destination too
     * small or misaligned is refused. */
    am *m = (am *)(void *)p;
    TEST_STATUS(am_snapshot(m, q, size), OHM_OK);
    TEST_CHECK(memcmp(p, q, size) == 0);
    TEST_STATUS(am_validate(q, size), OHM_OK);
    TEST_STATUS(am_snapshot(m, q, size - 1), OHM_INVALID);
    TEST_STATUS(am_snapshot(m, q + 4, size - 4), OHM_INVALID);
    TEST_STATUS(am_snapshot(m, NULL, size), OHM_INVALID);
    uint32_t t = am_read_begin(m);
    TEST_CHECK(am_read_end(m, t));
    TEST_STATUS(am_put(m, 5, 5), OHM_OK);
    TEST_CHECK(!am_read_end(m, t)); /* a write ran since the ticket */
    free(p);
    free(q);
}

int main(void)
{
    RUN(a_valid_block_attaches);
    RUN(a_null_buffer_is_invalid);
    RUN(wrong_magic);
    RUN(wrong_version);
    RUN(other_byte_order);
    RUN(another_instantiations_block);
    RUN(header_fields_of_the_type);
    RUN(the_blocks_own_maximum_load);
    RUN(a_block_made_at_100_keeps_it);
    RUN(too_short);
    RUN(misaligned);
    RUN(bad_capacity);
    RUN(bad_offsets);
    RUN(bad_count);
    RUN(first_failure_wins);
    RUN(init_says_why);
    RUN(sync_area);
    return test_finish();
}
