/* test_validate.c - N_validate and N_check find every broken invariant of
 * a block whose header is sound (docs/FORMAT.md, "Metadata bytes"): a count
 * that is not the number of used slots, a fingerprint that disagrees with
 * the key's hash, an entry that a free slot cuts off from its home, a key
 * stored twice, a mirror byte that disagrees, a metadata byte that is
 * neither free nor used, an entry past its home run whose overflow bit is
 * missing (extra bits are allowed, and change no lookup's answer). Valid
 * full and empty maps pass, with both
 * placements of the values (interleaved and separate) and for a set. And
 * validate reads nothing outside [buf, buf + len): blocks are checked flush
 * against PROT_NONE guard pages, intact, truncated and with every byte
 * damaged.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "test.h"

/* These tests fill tables to their last slot: maximum load 100, by
 * name (the default, 88, stops short). */
#define OHM_NAME vm /* interleaved slots (the default for u32 -> u32) */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define OHM_NAME vsep /* separate key and value arrays */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_INTERLEAVE 0
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define OHM_NAME vs
#define OHM_KEY uint64_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

/* --- reading and writing a block by the format --------------------------- */

static ohm_header header_of(const void *p)
{
    ohm_header h;
    memcpy(&h, p, sizeof h);
    return h;
}

static void header_put(void *p, const ohm_header *h) { memcpy(p, h, sizeof *h); }

static unsigned char *meta_of(void *p) { return (unsigned char *)p + header_of(p).meta_start; }

/* Slot s's key, located from the header as FORMAT.md says. */
static void *key_at(void *p, uint32_t s)
{
    ohm_header h = header_of(p);
    size_t stride = (h.flags & OHM_FLAG_INTERLEAVED)
                        ? OHM_SLOT_SIZE((size_t)h.key_size, (size_t)h.key_align,
                                        (size_t)h.val_size, (size_t)h.val_align)
                        : h.key_size;
    return (unsigned char *)p + h.keys_start + (size_t)s * stride;
}

static uint32_t key32(void *p, uint32_t s)
{
    uint32_t k;
    memcpy(&k, key_at(p, s), 4);
    return k;
}

/* Slot i's metadata byte and its mirror copies. */
static void set_meta(void *p, uint32_t i, uint8_t v)
{
    uint32_t cap = header_of(p).capacity;
    unsigned char *meta = meta_of(p);
    meta[i] = v;
    for (uint32_t k = 0; k < OHM_GROUP_MIRROR; k++)
        if (k % cap == i) meta[cap + k] = v;
}

static void set_count(void *p, uint32_t count)
{
    ohm_header h = header_of(p);
    h.count = count;
    header_put(p, &h);
}

static uint32_t home_of(uint64_t key, uint32_t cap) { return (uint32_t)ohm_hash_u64(key, 0) & (cap - 1); }
static uint8_t tag_of(uint64_t key) { return (uint8_t)(0x80u | (ohm_hash_u64(key, 0) >> 57)); }

/* Mark `key` as stored outside its home group: the class bit in the
 * group's class byte (after the metadata and its mirror), as the map sets
 * it on insert. */
static void set_ovf(void *p, uint64_t key)
{
    uint32_t cap = header_of(p).capacity;
    uint64_t h = ohm_hash_u64(key, 0);
    unsigned char *ovf = meta_of(p) + cap + OHM_GROUP_MIRROR;
    ovf[((uint32_t)h & (cap - 1)) / OHM_OVF_SLOTS] |= (unsigned char)(1u << ((h >> 54) & 7));
}

/* The first key from `from` on whose home slot is `home`. */
static uint32_t key_with_home(uint32_t home, uint32_t cap, uint32_t from)
{
    uint32_t k = from;
    while (home_of(k, cap) != home) k++;
    return k;
}

static unsigned char *block_alloc(size_t size)
{
    size_t n = (size + 63) / 64 * 64;
    unsigned char *p = aligned_alloc(64, n ? n : 64);
    if (p == NULL) abort();
    memset(p, 0, n ? n : 64);
    return p;
}

/* An empty u32 -> u32 map of `cap` slots (maximum load 100), interleaved
 * or not; *size gets the block size. */
static void *new_map(bool separate, uint32_t cap, size_t *size)
{
    ohm_layout l = separate ? vsep_layout_for_capacity(cap) : vm_layout_for_capacity(cap);
    void *p = block_alloc(l.total_size);
    void *m = separate ? (void *)vsep_init(p, l) : (void *)vm_init(p, l);
    TEST_CHECK(m == p);
    *size = l.total_size;
    return p;
}

static ohm_status put(bool separate, void *p, uint32_t k)
{
    return separate ? vsep_put(p, k, ~k) : vm_put(p, k, ~k);
}
static bool rm(bool separate, void *p, uint32_t k) { return separate ? vsep_remove(p, k) : vm_remove(p, k); }

static ohm_status validate(bool separate, const void *p, size_t size)
{
    return separate ? vsep_validate(p, size) : vm_validate(p, size);
}

/* validate and check both answer `want`; attach passes; nothing written. */
#define EXPECT(sep, p, size, want)                                              \
    do {                                                                        \
        unsigned char *c_ = malloc(size);                                       \
        memcpy(c_, (p), (size));                                                \
        vsep *ms_ = NULL;                                                       \
        vm *mv_ = NULL;                                                         \
        TEST_STATUS((sep) ? vsep_attach((p), (size), &ms_)                      \
                          : vm_attach((p), (size), &mv_), OHM_OK);              \
        TEST_CHECK((sep) ? (void *)ms_ == (void *)(p) : (void *)mv_ == (void *)(p)); \
        TEST_STATUS(validate((sep), (p), (size)), (want));                      \
        TEST_STATUS((sep) ? vsep_check((const vsep *)(p)) : vm_check((const vm *)(p)), (want)); \
        TEST_CHECK(memcmp(c_, (p), (size)) == 0);                               \
        free(c_);                                                               \
    } while (0)

/* --- valid blocks pass ----------------------------------------------------- */

static void valid_empty_and_full_maps_pass(void)
{
    static const uint32_t caps[] = {0, 1, 2, 4, 8, 16, 64, 1024};
    for (int sep = 0; sep < 2; sep++)
        for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
            size_t size;
            void *p = new_map(sep, caps[c], &size);
            EXPECT(sep, p, size, OHM_OK);
            for (uint32_t i = 0; i < caps[c]; i++) TEST_STATUS(put(sep, p, i * 2654435761u), OHM_OK);
            TEST_EQ_U(header_of(p).count, caps[c]); /* full: no free slot */
            EXPECT(sep, p, size, OHM_OK);
            free(p);
        }
    /* A full set, and a full map whose keys all share one home slot. */
    ohm_layout l = vs_layout_for_capacity(64);
    vs *s = vs_init(block_alloc(l.total_size), l);
    for (uint64_t i = 0; i < 64; i++) TEST_STATUS(vs_put(s, i << 33), OHM_OK);
    TEST_STATUS(vs_validate(s, l.total_size), OHM_OK);
    TEST_STATUS(vs_check(s), OHM_OK);
    free(s);
    size_t size;
    void *p = new_map(false, 16, &size);
    for (uint32_t k = 0, n = 0; n < 16; n++) {
        k = key_with_home(15, 16, k + 1);
        TEST_STATUS(vm_put(p, k, k), OHM_OK);
    }
    EXPECT(false, p, size, OHM_OK);
    free(p);
}

/* --- each broken invariant ------------------------------------------------- */

static void count_not_the_used_slots(void)
{
    for (int sep = 0; sep < 2; sep++) {
        size_t size;
        void *p = new_map(sep, 16, &size);
        for (uint32_t i = 0; i < 5; i++) put(sep, p, i);
        set_count(p, 4);
        EXPECT(sep, p, size, OHM_CORRUPT);
        set_count(p, 6);
        EXPECT(sep, p, size, OHM_CORRUPT);
        set_count(p, 0);
        EXPECT(sep, p, size, OHM_CORRUPT);
        set_count(p, 5);
        EXPECT(sep, p, size, OHM_OK);
        free(p);
        /* An empty map that claims an entry. */
        p = new_map(sep, 16, &size);
        set_count(p, 1);
        EXPECT(sep, p, size, OHM_CORRUPT);
        free(p);
    }
}

static void fingerprint_disagrees_with_hash(void)
{
    for (int sep = 0; sep < 2; sep++) {
        size_t size;
        void *p = new_map(sep, 32, &size);
        for (uint32_t i = 0; i < 20; i++) put(sep, p, i * 7u);
        unsigned char *meta = meta_of(p);
        for (uint32_t s = 0; s < 32; s++) {
            uint8_t was = meta[s];
            if (!was) continue;
            set_meta(p, s, (uint8_t)(was ^ 0x01)); /* still "used" */
            EXPECT(sep, p, size, OHM_CORRUPT);
            set_meta(p, s, (uint8_t)(was ^ 0x40));
            EXPECT(sep, p, size, OHM_CORRUPT);
            set_meta(p, s, was);
        }
        /* The key changed under its fingerprint (unless the new key happens
         * to share the fingerprint: pick one that does not). */
        uint32_t s = 0;
        while (!meta[s]) s++;
        uint32_t k = key32(p, s), other = k + 1;
        while (tag_of(other) == meta[s]) other++;
        memcpy(key_at(p, s), &other, 4);
        EXPECT(sep, p, size, OHM_CORRUPT);
        memcpy(key_at(p, s), &k, 4);
        EXPECT(sep, p, size, OHM_OK);
        free(p);
    }
}

/* A displaced key's metadata byte: its distance in groups (15: 15 or
 * more) and its class (docs/FORMAT.md). */
static uint8_t dtag_of(uint64_t key, uint32_t d)
{
    return (uint8_t)(((d < 15 ? d : 15) << 3) | ((ohm_hash_u64(key, 0) >> 54) & 7));
}

/* The first key from `from` on whose home slot lies in group `g`. */
static uint32_t key_with_home_group(uint32_t g, uint32_t cap, uint32_t from)
{
    uint32_t k = from;
    while (home_of(k, cap) / 16 != g) k++;
    return k;
}

static void entry_cut_off_from_its_home(void)
{
    for (int sep = 0; sep < 2; sep++) {
        size_t size;
        /* Group 1 full of keys homed there; B, homed there too, one group
         * on, in slot 32. */
        void *p = new_map(sep, 64, &size);
        uint32_t k = 0, home_keys[16];
        for (uint32_t n = 0; n < 16; n++) {
            k = key_with_home_group(1, 64, k + 1);
            home_keys[n] = k;
            TEST_STATUS(put(sep, p, k), OHM_OK);
        }
        uint32_t b = key_with_home_group(1, 64, k + 1);
        put(sep, p, b);
        TEST_EQ_U(key32(p, 32), b);
        TEST_EQ_U(meta_of(p)[32], dtag_of(b, 1));
        EXPECT(sep, p, size, OHM_OK);
        /* Free a slot of group 1 without pulling B back: B's probe passes
         * a group with room, where a lookup stops. */
        uint32_t a_slot = 16 + 5;
        uint8_t was = meta_of(p)[a_slot];
        set_meta(p, a_slot, 0);
        set_count(p, 16);
        EXPECT(sep, p, size, OHM_CORRUPT);
        set_meta(p, a_slot, was);
        set_count(p, 17);
        /* What remove does instead: B moves home, into the freed slot. */
        TEST_CHECK(rm(sep, p, home_keys[5]));
        TEST_EQ_U(key32(p, a_slot), b);
        TEST_EQ_U(meta_of(p)[a_slot], tag_of(b));
        TEST_EQ_U(meta_of(p)[32], 0);
        EXPECT(sep, p, size, OHM_OK);
        /* A displaced byte with the wrong distance, or on a key at home. */
        set_meta(p, a_slot, dtag_of(b, 1));
        EXPECT(sep, p, size, OHM_CORRUPT);
        set_meta(p, a_slot, tag_of(b));
        EXPECT(sep, p, size, OHM_OK);
        free(p);

        /* A lone key two groups past its home group. */
        p = new_map(sep, 64, &size);
        uint32_t c = key_with_home_group(0, 64, 1);
        memcpy(key_at(p, 40), &c, 4);
        set_meta(p, 40, dtag_of(c, 2));
        set_ovf(p, c);
        set_count(p, 1);
        EXPECT(sep, p, size, OHM_CORRUPT);
        set_meta(p, 40, 0); /* the same key at home is fine */
        memcpy(key_at(p, 3), &c, 4);
        set_meta(p, 3, tag_of(c));
        EXPECT(sep, p, size, OHM_OK);
        free(p);

        /* Around the end: the last group (3) full of its own keys, e homed
         * there stored in group 0. Without e's class bit a lookup stops at
         * home; with a distance code other than 1 it looks elsewhere. */
        p = new_map(sep, 64, &size);
        k = 0;
        for (uint32_t n = 0; n < 16; n++) {
            k = key_with_home_group(3, 64, k + 1);
            TEST_STATUS(put(sep, p, k), OHM_OK);
        }
        uint32_t e = key_with_home_group(3, 64, k + 1);
        memcpy(key_at(p, 2), &e, 4);
        set_meta(p, 2, dtag_of(e, 1));
        set_count(p, 17);
        EXPECT(sep, p, size, OHM_CORRUPT);
        set_ovf(p, e);
        EXPECT(sep, p, size, OHM_OK);
        set_meta(p, 2, dtag_of(e, 2));
        EXPECT(sep, p, size, OHM_CORRUPT);
        set_meta(p, 2, 0x05); /* never a slot's byte */
        EXPECT(sep, p, size, OHM_CORRUPT);
        set_meta(p, 2, dtag_of(e, 1));
        EXPECT(sep, p, size, OHM_OK);
        free(p);
    }
}

static void key_stored_twice(void)
{
    for (int sep = 0; sep < 2; sep++) {
        size_t size;
        void *p = new_map(sep, 16, &size);
        uint32_t a = key_with_home(5, 16, 1);
        put(sep, p, a);
        put(sep, p, 1000);
        /* A again, right after its home: reachable, fingerprint right. */
        uint32_t s = 6;
        while (meta_of(p)[s]) s = (s + 1) & 15;
        memcpy(key_at(p, s), &a, 4);
        set_meta(p, s, tag_of(a));
        set_count(p, 3);
        EXPECT(sep, p, size, OHM_CORRUPT);
        free(p);

        /* A full table (no free slot anywhere): one key copied over
         * another's slot, so it is there twice and the other is gone. */
        p = new_map(sep, 4, &size);
        for (uint32_t k = 10; k < 14; k++) TEST_STATUS(put(sep, p, k), OHM_OK);
        EXPECT(sep, p, size, OHM_OK);
        for (uint32_t from = 0; from < 4; from++)
            for (uint32_t to = 0; to < 4; to++) {
                if (from == to) continue;
                unsigned char saved[512];
                TEST_CHECK(size <= sizeof saved);
                memcpy(saved, p, size);
                uint32_t k = key32(p, from);
                memcpy(key_at(p, to), &k, 4);
                set_meta(p, to, meta_of(p)[from]);
                EXPECT(sep, p, size, OHM_CORRUPT);
                memcpy(p, saved, size);
            }
        free(p);
    }
}

static void mirror_byte_disagrees(void)
{
    static const uint32_t caps[] = {1, 2, 4, 16, 64};
    for (int sep = 0; sep < 2; sep++)
        for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
            uint32_t cap = caps[c];
            size_t size;
            void *p = new_map(sep, cap, &size);
            for (uint32_t i = 0; i < (cap + 1) / 2; i++) put(sep, p, i * 31u);
            EXPECT(sep, p, size, OHM_OK);
            unsigned char *mirror = meta_of(p) + cap;
            for (uint32_t k = 0; k < OHM_GROUP_MIRROR; k++) {
                uint8_t was = mirror[k];
                mirror[k] = (uint8_t)(was ? 0 : 0x80); /* free <-> used */
                EXPECT(sep, p, size, OHM_CORRUPT);
                mirror[k] = (uint8_t)(was ^ 0x01);
                EXPECT(sep, p, size, OHM_CORRUPT);
                mirror[k] = was;
            }
            EXPECT(sep, p, size, OHM_OK);
            free(p);
        }
}

static void metadata_byte_neither_free_nor_used(void)
{
    for (int sep = 0; sep < 2; sep++) {
        size_t size;
        void *p = new_map(sep, 16, &size);
        for (uint32_t i = 0; i < 6; i++) put(sep, p, i * 3u);
        unsigned char *meta = meta_of(p);
        static const uint8_t odd[] = {0x01, 0x40, 0x7f};
        for (uint32_t s = 0; s < 16; s++)
            for (size_t v = 0; v < sizeof odd; v++) {
                uint8_t was = meta[s];
                /* A free slot with a stray byte, or a used one that lost
                 * its used bit. */
                set_meta(p, s, was ? (uint8_t)(was & 0x7f ? was & 0x7f : 0x7f) : odd[v]);
                EXPECT(sep, p, size, OHM_CORRUPT);
                set_meta(p, s, was);
            }
        EXPECT(sep, p, size, OHM_OK);
        free(p);
    }
}

static void overflow_bit_missing(void)
{
    for (int sep = 0; sep < 2; sep++) {
        size_t size;
        void *p = new_map(sep, 64, &size);
        for (uint32_t i = 0; i < 64; i++) TEST_STATUS(put(sep, p, i * 40503u), OHM_OK);
        EXPECT(sep, p, size, OHM_OK);
        unsigned char *meta = meta_of(p), *ovf = meta + 64 + OHM_GROUP_MIRROR;
        uint32_t overflowing = 0;
        for (uint32_t s = 0; s < 64; s++) {
            uint32_t k = key32(p, s), home = home_of(k, 64);
            if (s / 16 == home / 16) continue; /* in its home group */
            overflowing++;
            unsigned char bit = (unsigned char)(1u << ((ohm_hash_u64(k, 0) >> 54) & 7));
            TEST_CHECK(ovf[home / 16] & bit);
            unsigned char was = ovf[home / 16];
            ovf[home / 16] = (unsigned char)(was & ~bit);
            EXPECT(sep, p, size, OHM_CORRUPT);
            ovf[home / 16] = was;
        }
        TEST_CHECK(overflowing > 0); /* a full table has some */
        /* Bits with no key behind them only make lookups longer. */
        memset(ovf, 0xff, 4);
        EXPECT(sep, p, size, OHM_OK);
        free(p);
    }
}

/* Extra class bits are allowed, so a lookup must answer right whatever
 * they say: with every bit set, a miss whose home group has a free slot
 * stops there, and one whose home group is full walks on to the first
 * group with room. A map at 94% load (most groups full), holes made by
 * removals, then every class byte set to 0xff: every key present is found
 * with its value and every absent key is absent, before and after further
 * removals and inserts (which recompute some of the bits). */
static bool lookup(bool separate, void *p, uint32_t k, uint32_t *v)
{
    uint32_t *got = separate ? vsep_get(p, k) : vm_get(p, k);
    if (got) *v = *got;
    return got != NULL;
}
static void extra_class_bits_change_no_answer(void)
{
    enum { CAP = 1024, KEYS = 2 * CAP };
    static bool in[KEYS];
    for (int sep = 0; sep < 2; sep++) {
        size_t size;
        void *p = new_map(sep, CAP, &size);
        memset(in, 0, sizeof in);
        uint32_t n = CAP * 94 / 100;
        for (uint32_t k = 0; k < n; k++) {
            TEST_STATUS(put(sep, p, k), OHM_OK);
            in[k] = true;
        }
        for (uint32_t k = 0; k < n; k += 7) {
            TEST_CHECK(rm(sep, p, k));
            in[k] = false;
        }
        memset(meta_of(p) + CAP + OHM_GROUP_MIRROR, 0xff, CAP / 16);
        EXPECT(sep, p, size, OHM_OK);
        for (int round = 0; round < 3; round++) {
            uint32_t found = 0, v = 0;
            for (uint32_t k = 0; k < KEYS; k++) {
                bool there = lookup(sep, p, k, &v);
                TEST_CHECK(there == in[k]);
                if (there) {
                    TEST_CHECK(v == ~k);
                    found++;
                }
            }
            TEST_CHECK(found > CAP / 2);
            /* more churn: some keys leave, others arrive, still 94% */
            for (uint32_t k = (uint32_t)round; k < KEYS; k += 5)
                if (in[k]) {
                    TEST_CHECK(rm(sep, p, k));
                    in[k] = false;
                }
            for (uint32_t j = 0; j < KEYS && (sep ? vsep_count(p) : vm_count(p)) < n; j++) {
                uint32_t k = KEYS - 1 - j;
                if (!in[k]) {
                    TEST_STATUS(put(sep, p, k), OHM_OK);
                    in[k] = true;
                }
            }
            TEST_CHECK((sep ? vsep_count(p) : vm_count(p)) == n);
            EXPECT(sep, p, size, OHM_OK);
        }
        free(p);
    }
}

/* --- validate stays inside [buf, buf + len) --------------------------------- */

/* Two pages of data between two PROT_NONE pages. */
typedef struct fenced {
    unsigned char *map;    /* the whole mapping */
    size_t page;
    unsigned char *lo, *hi; /* the data: [lo, hi) */
} fenced;

static fenced fenced_new(void)
{
    fenced f;
    f.page = (size_t)sysconf(_SC_PAGESIZE);
    f.map = mmap(NULL, 4 * f.page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (f.map == MAP_FAILED) abort();
    if (mprotect(f.map, f.page, PROT_NONE) != 0 ||
        mprotect(f.map + 3 * f.page, f.page, PROT_NONE) != 0)
        abort();
    f.lo = f.map + f.page;
    f.hi = f.map + 3 * f.page;
    return f;
}

static void fenced_free(fenced *f) { munmap(f->map, 4 * f->page); }

/* Validate `img` (a valid block of `total` bytes, type chosen by `kind`:
 * 0 vm, 1 vsep, 2 vs) placed against each fence: intact, with each byte
 * damaged (every `step`-th byte), and truncated to every length. */
static ohm_status validate_kind(int kind, const void *p, size_t len)
{
    return kind == 2 ? vs_validate(p, len) : validate(kind == 1, p, len);
}

static void fenced_checks(fenced *f, int kind, const unsigned char *img, size_t total, size_t step)
{
    size_t len = (total + 7) / 8 * 8; /* the start must stay 8-aligned */
    TEST_CHECK(len <= 2 * f->page);
    unsigned char *at[2] = {f->lo, f->hi - len};
    for (int w = 0; w < 2; w++) {
        unsigned char *p = at[w];
        memset(p, 0xee, len);
        memcpy(p, img, total);
        TEST_STATUS(validate_kind(kind, p, len), OHM_OK);
        if (w == 1 && len == total) TEST_CHECK(p + total == f->hi); /* flush */
        /* The header says more than len. */
        TEST_STATUS(validate_kind(kind, p, total - 1), OHM_TOO_SHORT);
        static const uint8_t xors[] = {0x01, 0x80, 0xff};
        for (size_t i = 0; i < total; i += step)
            for (size_t x = 0; x < sizeof xors; x++) {
                p[i] ^= xors[x];
                ohm_status st = validate_kind(kind, p, len);
                TEST_CHECK(st <= 0);
                p[i] ^= xors[x];
            }
        TEST_CHECK(memcmp(p, img, total) == 0);
    }
    /* The first n bytes of the block, ending at the fence. */
    for (size_t n = 0; n <= total; n++) {
        unsigned char *p = f->hi - n;
        memcpy(p, img, n);
        ohm_status st = validate_kind(kind, p, n);
        if (n == total && (uintptr_t)p % 8 == 0) TEST_STATUS(st, OHM_OK);
        else if ((uintptr_t)p % 8 != 0) TEST_STATUS(st, OHM_MISALIGNED);
        else TEST_STATUS(st, OHM_TOO_SHORT);
    }
}

static void validate_reads_only_inside_the_length(void)
{
    fenced f = fenced_new();
    size_t step = 1;
    const char *scale = getenv("OHM_TEST_SCALE");
    if (scale && strtod(scale, NULL) < 0.5) step = 7; /* valgrind: a sample */
    static const uint32_t caps[] = {0, 1, 4, 16, 256};
    for (int kind = 0; kind < 3; kind++)
        for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
            uint32_t cap = caps[c];
            ohm_layout l = kind == 0 ? vm_layout_for_capacity(cap)
                         : kind == 1 ? vsep_layout_for_capacity(cap)
                                     : vs_layout_for_capacity(cap);
            unsigned char *img = block_alloc(l.total_size);
            if (kind == 2) {
                vs *s = vs_init(img, l);
                for (uint32_t i = 0; i < cap * 3 / 4; i++) vs_put(s, (uint64_t)i << 40 | i);
            } else {
                TEST_CHECK((kind == 1 ? (void *)vsep_init(img, l) : (void *)vm_init(img, l)) != NULL);
                for (uint32_t i = 0; i < cap * 3 / 4; i++) put(kind == 1, img, i * 0x9e3779b9u);
            }
            fenced_checks(&f, kind, img, l.total_size, cap >= 256 ? step * 3 : step);
            free(img);
        }
    fenced_free(&f);
}

int main(void)
{
    RUN(valid_empty_and_full_maps_pass);
    RUN(count_not_the_used_slots);
    RUN(fingerprint_disagrees_with_hash);
    RUN(entry_cut_off_from_its_home);
    RUN(key_stored_twice);
    RUN(mirror_byte_disagrees);
    RUN(metadata_byte_neither_free_nor_used);
    RUN(overflow_bit_missing);
    RUN(extra_class_bits_change_no_answer);
    RUN(validate_reads_only_inside_the_length);
    return test_finish();
}
