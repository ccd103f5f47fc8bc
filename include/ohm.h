/* ohm.h - the non-generic core of ohm, a relocatable hash map for C.
 *
 * ohm is a fixed-capacity, open-addressing hash map that lives entirely
 * inside one block of memory the caller provides and stores byte offsets,
 * never pointers: copy the block with memcpy, map it from a file at another
 * address or share it between processes, and it is still a working map.
 *
 * This header holds what every map shares: status codes, the layout of a
 * block, the block header, the default hash functions and the offset
 * helpers. The typed map itself comes from the template <ohm_map.h>.
 *
 * Compiled part: exactly one translation unit of a program either links
 * build/libohm.a or defines OHM_IMPLEMENTATION before including this header.
 *
 * Reference: docs/map.md (API), docs/FORMAT.md (block bytes),
 * docs/design.md (why it is built this way).
 */
#ifndef OHM_H
#define OHM_H

/* The library version, separate from the block format version OHM_FORMAT_VERSION. */
#define OHM_VERSION_MAJOR 0
#define OHM_VERSION_MINOR 2
#define OHM_VERSION_PATCH 0
#define OHM_VERSION_STRING "0.2.0"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Status codes
 * ---------------------------------------------------------------------- */

/* Errors are negative; the two successes say whether the key was there. */
typedef enum ohm_status {
    OHM_OK = 0,             /* done; a new entry was made where that applies */
    OHM_FOUND = 1,          /* the key was already present */
    OHM_FULL = -1,          /* the key is absent and the map has no room */
    OHM_INVALID = -2,       /* bad argument, layout or alignment */
    OHM_CORRUPT = -3,       /* the block's contents break an invariant */
    OHM_BAD_MAGIC = -4,     /* not an ohm block */
    OHM_BAD_VERSION = -5,   /* an ohm block of another format version */
    OHM_BAD_ENDIAN = -6,    /* written on a machine of the other byte order */
    OHM_BAD_TYPE = -7,      /* made by another instantiation (key/value type,
                               maximum load or type tag differ) */
    OHM_TOO_SHORT = -8,     /* the buffer is shorter than the block says */
    OHM_MISALIGNED = -9,    /* the buffer is not aligned to N_base_align() */
    OHM_BAD_CAPACITY = -10, /* capacity is not 0 or a power of two <= 2^31 */
    OHM_BAD_OFFSETS = -11,  /* array offsets out of range or overlapping */
    OHM_BAD_COUNT = -12,    /* count above the maximum load */
    OHM_TOO_COSTLY = -13    /* checking the block would take more work than
                               the check allows (see N_check) */
} ohm_status;

/* A static, human-readable sentence for every status; never NULL. */
const char *ohm_strerror(ohm_status status);

/* ------------------------------------------------------------------------
 * Layout of a block
 * ---------------------------------------------------------------------- */

/* Where everything sits in a block; all offsets are bytes from its start.
 * total_size == 0 marks a request that cannot be laid out. */
typedef struct ohm_layout {
    size_t total_size; /* bytes the block needs; 0 when impossible */
    size_t keys_start; /* offset of key slot 0, aligned to the key type */
    size_t vals_start; /* offset of value slot 0; for a set, end of keys */
    uint32_t capacity; /* raw slots: 0 or a power of two, at most 2^31 */
    size_t meta_start; /* offset of the metadata byte of slot 0 */
} ohm_layout;

#define OHM_MAX_CAPACITY ((uint32_t)1 << 31)
/* Metadata bytes mirrored after the last slot so that a probe can read a
 * whole group at any slot without wrapping (see docs/FORMAT.md). */
#define OHM_GROUP_MIRROR 16u
/* Slots per overflow byte: each aligned run of 16 slots has one byte whose
 * bits say which classes of keys homed there are stored past its end, so a
 * lookup can stop at the run's end (docs/FORMAT.md). */
#define OHM_OVF_SLOTS 16u

/* Bytes from the first metadata byte to the end of the overflow bytes: a
 * byte per slot, the mirror, a byte per 16-slot run. */
static inline uint64_t ohm__meta_len(uint32_t capacity)
{
    if (capacity == 0) return 0;
    return (uint64_t)capacity + OHM_GROUP_MIRROR +
           (capacity >= OHM_OVF_SLOTS ? capacity / OHM_OVF_SLOTS : 0);
}

/* The layout of a block with `capacity` raw slots for keys and values of the
 * given sizes and alignments (alignments are powers of two; a set passes
 * val_size 0, val_align 1). `interleaved` puts each value beside its key
 * (one array of key-value slots, see OHM_SLOT_SIZE) instead of in an array
 * of its own. total_size is a multiple of the block's alignment (the
 * largest of 8 and the two alignments). Computed in 64-bit arithmetic: any
 * request whose size does not fit in size_t, or whose capacity is not 0 or
 * a power of two up to 2^31, gets total_size == 0. */
ohm_layout ohm_layout_for(uint32_t capacity, size_t key_size, size_t key_align,
                          size_t val_size, size_t val_align, bool interleaved);

/* Interleaved slots: the value's offset in a slot, and the slot's size
 * (the key, padding to the value's alignment, the value, padding to the
 * larger alignment). */
#define OHM__ALIGN_UP(x, a) (((x) + (a) - 1) / (a) * (a))
#define OHM__MAXOF(a, b) ((a) > (b) ? (a) : (b))
#define OHM_SLOT_VAL_OFFSET(ks, va) OHM__ALIGN_UP((ks), (va))
#define OHM_SLOT_SIZE(ks, ka, vs, va) OHM__ALIGN_UP(OHM_SLOT_VAL_OFFSET((ks), (va)) + (vs), OHM__MAXOF((ka), (va)))

/* The smallest power-of-two capacity whose maximum load
 * floor(capacity * max_load / 100) holds `entries`; 0 for 0 entries;
 * UINT32_MAX when none up to 2^31 does or max_load is not 1..100. */
uint32_t ohm_capacity_for(uint32_t entries, unsigned max_load);

/* The alignment a block's start needs: 8 (enough for the header's 64-bit
 * fields), or the key's or value's if larger. */
static inline size_t ohm_base_align_for(size_t key_align, size_t val_align)
{
    size_t a = 8;
    if (key_align > a) a = key_align;
    if (val_align > a) a = val_align;
    return a;
}

/* floor(capacity * max_load / 100), in 64-bit arithmetic. */
static inline uint32_t ohm_max_entries(uint32_t capacity, unsigned max_load)
{
    return (uint32_t)(((uint64_t)capacity * max_load) / 100u);
}

/* ------------------------------------------------------------------------
 * The block header
 * ---------------------------------------------------------------------- */

#define OHM_MAGIC 0x424d484fu /* bytes "OHMB"; byte-swapped it reads "BMHO" */
#define OHM_FORMAT_VERSION 1u
#define OHM_BYTE_ORDER_MARK 0x0102u /* reads 0x0201 on the other byte order */
#define OHM_FLAG_SET 1u             /* the block has no values */
#define OHM_FLAG_INTERLEAVED 2u     /* each value sits beside its key */

/* The first bytes of every block. All offsets are from the block start;
 * nothing in a block is a pointer. Layout fixed by docs/FORMAT.md. */
typedef struct ohm_header {
    uint32_t magic;       /* OHM_MAGIC */
    uint16_t version;     /* OHM_FORMAT_VERSION */
    uint16_t byte_order;  /* OHM_BYTE_ORDER_MARK, as the writer stored it */
    uint32_t capacity;    /* raw slots: 0 or a power of two <= 2^31 */
    uint32_t count;       /* used slots */
    uint32_t max_entries; /* floor(capacity * max_load / 100) */
    uint8_t max_load;     /* percent, 1..100 */
    uint8_t fp_bits;      /* fingerprint bits in a metadata byte: 7 */
    uint8_t mirror;       /* metadata bytes mirrored after the last: 16 */
    uint8_t flags;        /* OHM_FLAG_SET, OHM_FLAG_INTERLEAVED */
    uint64_t seed;        /* hash seed; part of the block so it moves too */
    uint64_t keys_start;  /* offset of key slot 0 */
    uint64_t vals_start;  /* offset of value slot 0 (end of keys for a set) */
    uint64_t meta_start;  /* offset of slot 0's metadata byte */
    uint64_t total_size;  /* bytes of the whole block */
    /* --- above: what every operation reads, in the first 64 bytes --- */
    uint32_t key_size, key_align; /* sizeof and _Alignof the key type */
    uint32_t val_size, val_align; /* of the value type; 0 and 1 for a set */
    uint32_t type_tag;    /* OHM_TYPE_TAG of the instantiation, default 0 */
    uint32_t reserved;    /* zero */
    uint64_t user;        /* the owner's word; ohm never reads it (e.g. the
                             map's offset inside a larger block) */
} ohm_header;

/* What an instantiation expects of a block; filled in by the template. */
typedef struct ohm_signature {
    uint32_t key_size, key_align, val_size, val_align;
    uint32_t type_tag;
    uint8_t flags;
} ohm_signature;

/* Initialise the header of a block of `layout` (the caller has zeroed the
 * block). max_load must be 1..100. */
void ohm_header_init(ohm_header *h, ohm_layout layout, const ohm_signature *sig,
                     unsigned max_load, uint64_t seed);

/* O(1) checks of a block's header against an instantiation and a buffer
 * length: magic, version, byte order, signature, alignment (`base_align`),
 * capacity, offsets (recomputed from the layout and compared), length and
 * count. Never reads outside [buf, buf + len). */
ohm_status ohm_header_check(const void *buf, size_t len, size_t base_align,
                            const ohm_signature *sig);

/* ------------------------------------------------------------------------
 * Hashing
 *
 * Stable across platforms, compilers and versions (a change bumps the
 * format version), so a block written anywhere is read back anywhere.
 * ---------------------------------------------------------------------- */

#define OHM_SEED_DEFAULT 0u /* the seed of N_init; N_init_seeded takes one */

/* 64x64 -> 128-bit multiply, folded to 64 bits by xor of the halves. */
static inline uint64_t ohm_fold_mul(uint64_t a, uint64_t b)
{
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 ohm__u128;
    ohm__u128 r = (ohm__u128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
    uint64_t al = a & 0xffffffffu, ah = a >> 32, bl = b & 0xffffffffu, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
    uint64_t lo = (ll & 0xffffffffu) | (mid << 32);
    uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    return lo ^ hi;
#endif
}

/* The default hash of integer keys (any integer type, widened to 64 bits).
 * Seed 0 (the default): one folded multiply, which spreads sequential keys
 * and keys that differ only in their high bits over both the home slot (low
 * bits) and the fingerprint (top 7 bits). Any other seed: a second round
 * with the seed mixed in again, so that keys crafted to collide under one
 * seed do not stay clustered under another (a single xor before the
 * multiply leaves the crafted set's structure partly intact). */
static inline uint64_t ohm_hash_u64(uint64_t key, uint64_t seed)
{
    const uint64_t c = 0x243f6a8885a308d3u, k1 = 0x9e3779b97f4a7c15u, k2 = 0xd6e8feb86659fd93u;
    if (seed == 0) return ohm_fold_mul(key ^ c, k1);
    return ohm_fold_mul(ohm_fold_mul(key ^ seed ^ c, k1) ^ seed, k2);
}

/* The default hash of byte strings: `len` bytes at `p` (p may be NULL when
 * len is 0). Reads the bytes as little-endian words whatever the machine. */
uint64_t ohm_hash_bytes(const void *p, size_t len, uint64_t seed);

/* A NUL-terminated string. */
static inline uint64_t ohm_hash_str(const char *s, uint64_t seed)
{
    return ohm_hash_bytes(s, strlen(s), seed);
}

/* ------------------------------------------------------------------------
 * Offset helpers
 *
 * A relocatable structure keeps byte offsets from one named base (the start
 * of the owner's block) and turns them into pointers only for the moment it
 * uses them. These helpers do that arithmetic in one place.
 * ---------------------------------------------------------------------- */

/* The address `off` bytes after `base`. */
static inline void *ohm_ptr(const void *base, uint64_t off)
{
    return (void *)((const char *)base + off);
}

/* The offset of `p` from `base` (p must not be before base). */
static inline uint64_t ohm_offset(const void *base, const void *p)
{
    return (uint64_t)((const char *)p - (const char *)base);
}

/* A typed pointer from an offset: OHM_AT(struct cell, page, cells_off). */
#define OHM_AT(T, base, off) ((T *)ohm_ptr((base), (off)))

/* Plans one block holding several aligned regions (maps, arrays, arenas).
 * Start with ohm_plan_init(), add regions in order, read .size and .align.
 * Arithmetic is 64-bit and saturates: .failed is set on overflow. */
typedef struct ohm_plan {
    uint64_t size;  /* bytes so far: the block's total when done */
    uint64_t align; /* largest alignment asked for: the block's alignment */
    bool failed;    /* some region did not fit in 64 bits or had a bad align */
} ohm_plan;

static inline ohm_plan ohm_plan_init(void)
{
    ohm_plan p = {0, 1, false};
    return p;
}

/* Add a region of `size` bytes aligned to `align` (a power of two); returns
 * its offset from the block start. */
static inline uint64_t ohm_plan_add(ohm_plan *p, uint64_t size, uint64_t align)
{
    if (align == 0 || (align & (align - 1)) != 0 || p->size > UINT64_MAX - (align - 1)) {
        p->failed = true;
        return 0;
    }
    uint64_t off = (p->size + align - 1) & ~(align - 1);
    if (size > UINT64_MAX - off) {
        p->failed = true;
        return 0;
    }
    p->size = off + size;
    if (align > p->align) p->align = align;
    return off;
}

/* Add a map's block: ohm_plan_add_map(&plan, N_layout(n), N_base_align()). */
static inline uint64_t ohm_plan_add_map(ohm_plan *p, ohm_layout layout, size_t base_align)
{
    if (layout.total_size == 0) {
        p->failed = true;
        return 0;
    }
    return ohm_plan_add(p, layout.total_size, base_align);
}

/* ------------------------------------------------------------------------
 * Internals shared by every instantiation (names with a double underscore
 * are not part of the API).
 * ---------------------------------------------------------------------- */

#define OHM__CAT2(a, b) a##b
#define OHM__CAT(a, b) OHM__CAT2(a, b)
#define OHM__NONE UINT32_MAX /* "no slot" */

/* A used slot's metadata byte: the used bit and the hash's top 7 bits. A
 * free slot's byte is 0, so "free" and "fingerprint differs" are both one
 * byte compare, and a zeroed block is an empty map. */
static inline uint8_t ohm__tag(uint64_t hash) { return (uint8_t)(0x80u | (hash >> 57)); }

/* Overflow tracking: a key homed at `home` and stored `dist` slots later
 * has left its 16-slot run when it lies past the run's last slot; then its
 * class bit is set in the run's overflow byte. The class is 3 hash bits
 * (54..56) that neither the home slot (at most the low 31 bits) nor the
 * fingerprint (the top 7) uses. */
static inline bool ohm__overflows(uint32_t home, uint32_t dist)
{
    return dist > (OHM_OVF_SLOTS - 1) - (home & (OHM_OVF_SLOTS - 1));
}
static inline uint8_t ohm__ovf_bit(uint64_t hash) { return (uint8_t)(1u << ((hash >> 54) & 7)); }

/* The default hash for integer keys: _Generic picks a widening that never
 * changes the value's meaning, so -1 hashes the same as an int or a long. */
static inline uint64_t ohm__hash_signed(int64_t k, uint64_t seed) { return ohm_hash_u64((uint64_t)k, seed); }
static inline uint64_t ohm__hash_unsigned(uint64_t k, uint64_t seed) { return ohm_hash_u64(k, seed); }
#define OHM__HASH_INT(k, seed)                                                              \
    _Generic((k), /* a compile error here means: define OHM_HASH(key) for this key type */ \
        _Bool: ohm__hash_unsigned, char: ohm__hash_signed, signed char: ohm__hash_signed,   \
        unsigned char: ohm__hash_unsigned, short: ohm__hash_signed,                         \
        unsigned short: ohm__hash_unsigned, int: ohm__hash_signed,                          \
        unsigned int: ohm__hash_unsigned, long: ohm__hash_signed,                           \
        unsigned long: ohm__hash_unsigned, long long: ohm__hash_signed,                     \
        unsigned long long: ohm__hash_unsigned)((k), (seed))

/* Group probing: the metadata of OHM__GROUP consecutive slots is examined at
 * once. ohm__group_scan gives two bit sets over the group, the slots whose
 * byte equals `tag` and the free slots; ohm__bits_first gives the index of
 * the lowest member. SSE2 on x86-64, NEON on arm64, otherwise SWAR on one
 * 64-bit word. All give the same answers and write the same blocks. */
#if defined(__GNUC__) || defined(__clang__)
static inline unsigned ohm__ctz64(uint64_t x) { return (unsigned)__builtin_ctzll(x); }
#else
static inline unsigned ohm__ctz64(uint64_t x)
{
    unsigned n = 0;
    while (!(x & 1)) { x >>= 1; n++; }
    return n;
}
#endif

#if defined(__SSE2__) && !defined(OHM_NO_SIMD)
#include <emmintrin.h>
#define OHM__GROUP 16u
#define OHM__SIMD "sse2"
typedef uint32_t ohm__bits; /* bit j: slot pos + j */
static inline void ohm__group_scan(const uint8_t *p, uint8_t tag, ohm__bits *match, ohm__bits *empty)
{
    __m128i g = _mm_loadu_si128((const __m128i *)(const void *)p);
    *match = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(g, _mm_set1_epi8((char)tag)));
    *empty = ~(uint32_t)_mm_movemask_epi8(g) & 0xffffu; /* used bytes have the top bit */
}
static inline ohm__bits ohm__group_used(const uint8_t *p)
{
    return (uint32_t)_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)p));
}
static inline unsigned ohm__bits_first(ohm__bits b) { return ohm__ctz64(b); }
#elif defined(__aarch64__) && defined(__ARM_NEON) && !defined(OHM_NO_SIMD)
#include <arm_neon.h>
#define OHM__GROUP 8u
#define OHM__SIMD "neon"
typedef uint64_t ohm__bits; /* bit 8j+7: slot pos + j, as in SWAR */
static inline uint64_t ohm__neon_bits(uint8x8_t v)
{
    return vget_lane_u64(vreinterpret_u64_u8(v), 0) & 0x8080808080808080u;
}
static inline void ohm__group_scan(const uint8_t *p, uint8_t tag, ohm__bits *match, ohm__bits *empty)
{
    uint8x8_t g = vld1_u8(p);
    *match = ohm__neon_bits(vceq_u8(g, vdup_n_u8(tag)));
    *empty = ~ohm__neon_bits(g) & 0x8080808080808080u;
}
static inline ohm__bits ohm__group_used(const uint8_t *p) { return ohm__neon_bits(vld1_u8(p)); }
static inline unsigned ohm__bits_first(ohm__bits b) { return ohm__ctz64(b) >> 3; }
#else
#define OHM__GROUP 8u
#define OHM__SIMD "swar"
typedef uint64_t ohm__bits; /* bit 8j+7: slot pos + j */
static inline uint64_t ohm__load_le64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}
static inline void ohm__group_scan(const uint8_t *p, uint8_t tag, ohm__bits *match, ohm__bits *empty)
{
    const uint64_t lo7 = 0x7f7f7f7f7f7f7f7fu, hi = 0x8080808080808080u;
    uint64_t w = ohm__load_le64(p);
    uint64_t x = w ^ (0x0101010101010101u * tag);
    *match = ~(((x & lo7) + lo7) | x | lo7); /* exact: 0x80 where x's byte is 0 */
    *empty = ~w & hi;
}
static inline ohm__bits ohm__group_used(const uint8_t *p)
{
    return ohm__load_le64(p) & 0x8080808080808080u;
}
static inline unsigned ohm__bits_first(ohm__bits b) { return ohm__ctz64(b) >> 3; }
#endif
/* The free slots of the group at p. */
static inline ohm__bits ohm__group_free(const uint8_t *p)
{
    return ~ohm__group_used(p) & (OHM__GROUP == 16u ? (ohm__bits)0xffffu : (ohm__bits)0x8080808080808080u);
}
/* The members for slots 0..n-1 of a group (n < OHM__GROUP). */
static inline ohm__bits ohm__bits_below(unsigned n)
{
    return OHM__GROUP == 16u ? (((ohm__bits)1 << n) - 1) : (((ohm__bits)1 << (8 * n)) - 1);
}
/* `b` without its lowest member. */
static inline ohm__bits ohm__bits_drop_first(ohm__bits b) { return b & (b - 1); }

/* Contract breaches (a caller's broken promise) go through OHM_ASSERT. It
 * aborts with a message in debug builds and is off under NDEBUG; define it
 * before including ohm headers to route it elsewhere. */
void ohm_assert_fail(const char *what, const char *file, int line);
#ifndef OHM_ASSERT
#ifdef NDEBUG
#define OHM_ASSERT(cond, what) ((void)0)
#else
#define OHM_ASSERT(cond, what) ((cond) ? (void)0 : ohm_assert_fail((what), __FILE__, __LINE__))
#endif
#endif

#ifdef __cplusplus
}
#endif
#endif /* OHM_H */

/* ========================================================================
 * Implementation: compiled once, into libohm.a or the one translation unit
 * that defines OHM_IMPLEMENTATION.
 * ====================================================================== */
#if defined(OHM_IMPLEMENTATION) && !defined(OHM_IMPLEMENTATION_DONE)
#define OHM_IMPLEMENTATION_DONE
#include <stdio.h>
#include <stdlib.h>

const char *ohm_strerror(ohm_status status)
{
    switch (status) {
    case OHM_OK: return "ok";
    case OHM_FOUND: return "the key was already present";
    case OHM_FULL: return "the map is full: no room for a new key";
    case OHM_INVALID: return "invalid argument, layout or alignment";
    case OHM_CORRUPT: return "corrupt block: its entries break an invariant";
    case OHM_BAD_MAGIC: return "not an ohm block (bad magic number)";
    case OHM_BAD_VERSION: return "ohm block of an unsupported format version";
    case OHM_BAD_ENDIAN: return "ohm block written with the other byte order";
    case OHM_BAD_TYPE: return "ohm block of another map type (key, value, load or tag differ)";
    case OHM_TOO_SHORT: return "buffer shorter than the block it holds";
    case OHM_MISALIGNED: return "buffer not aligned for this map type";
    case OHM_BAD_CAPACITY: return "capacity is not zero or a power of two up to 2^31";
    case OHM_BAD_OFFSETS: return "block offsets out of range or overlapping";
    case OHM_BAD_COUNT: return "entry count above the maximum load";
    case OHM_TOO_COSTLY: return "block too costly to check: its probe paths are far longer than any sane table's";
    }
    return "unknown ohm status";
}

void ohm_assert_fail(const char *what, const char *file, int line)
{
    fprintf(stderr, "ohm: contract violation at %s:%d: %s\n", file, line, what);
    fflush(stderr);
    abort();
}

_Static_assert(_Alignof(ohm_header) <= 8, "ohm_base_align_for assumes the header needs at most 8");
static uint64_t ohm__align_up(uint64_t x, uint64_t a) { return (x + a - 1) & ~(a - 1); }
static bool ohm__pow2(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

ohm_layout ohm_layout_for(uint32_t capacity, size_t key_size, size_t key_align,
                          size_t val_size, size_t val_align, bool interleaved)
{
    ohm_layout bad = {0, 0, 0, 0, 0};
    if (capacity != 0 && (!ohm__pow2(capacity) || capacity > OHM_MAX_CAPACITY)) return bad;
    if (!ohm__pow2(key_align) || !ohm__pow2(val_align) || key_align > 4096 || val_align > 4096)
        return bad;
    if (key_size > UINT32_MAX || val_size > UINT32_MAX) return bad;
    /* Every term is below 2^31 * 2^33, so 64-bit sums cannot wrap. */
    uint64_t cap = capacity;
    uint64_t meta = sizeof(ohm_header);
    uint64_t meta_len = ohm__meta_len(capacity);
    uint64_t keys, vals, end;
    if (interleaved) {
        uint64_t slot_align = key_align > val_align ? key_align : val_align;
        uint64_t slot = OHM_SLOT_SIZE((uint64_t)key_size, (uint64_t)key_align,
                                      (uint64_t)val_size, (uint64_t)val_align);
        keys = ohm__align_up(meta + meta_len, slot_align);
        vals = keys + OHM_SLOT_VAL_OFFSET((uint64_t)key_size, (uint64_t)val_align);
        end = keys + cap * slot;
    } else {
        keys = ohm__align_up(meta + meta_len, key_align);
        vals = ohm__align_up(keys + cap * key_size, val_align);
        end = vals + cap * val_size;
    }
    /* The size is a multiple of the block's alignment, so blocks can sit
     * back to back and aligned_alloc(align, total_size) is valid C. */
    end = ohm__align_up(end, ohm_base_align_for(key_align, val_align));
    if (end > SIZE_MAX) return bad;
    ohm_layout l;
    l.total_size = (size_t)end;
    l.keys_start = (size_t)keys;
    l.vals_start = (size_t)vals;
    l.capacity = capacity;
    l.meta_start = (size_t)meta;
    return l;
}

uint32_t ohm_capacity_for(uint32_t entries, unsigned max_load)
{
    if (max_load < 1 || max_load > 100) return UINT32_MAX;
    if (entries == 0) return 0;
    for (uint64_t cap = 1; cap <= OHM_MAX_CAPACITY; cap <<= 1)
        if (ohm_max_entries((uint32_t)cap, max_load) >= entries) return (uint32_t)cap;
    return UINT32_MAX;
}

void ohm_header_init(ohm_header *h, ohm_layout layout, const ohm_signature *sig,
                     unsigned max_load, uint64_t seed)
{
    memset(h, 0, sizeof *h);
    h->magic = OHM_MAGIC;
    h->version = OHM_FORMAT_VERSION;
    h->byte_order = OHM_BYTE_ORDER_MARK;
    h->capacity = layout.capacity;
    h->count = 0;
    h->max_entries = ohm_max_entries(layout.capacity, max_load);
    h->max_load = (uint8_t)max_load;
    h->fp_bits = 7;
    h->mirror = OHM_GROUP_MIRROR;
    h->flags = sig->flags;
    h->seed = seed;
    h->key_size = sig->key_size;
    h->key_align = sig->key_align;
    h->val_size = sig->val_size;
    h->val_align = sig->val_align;
    h->type_tag = sig->type_tag;
    h->meta_start = layout.meta_start;
    h->keys_start = layout.keys_start;
    h->vals_start = layout.vals_start;
    h->total_size = layout.total_size;
}

static uint32_t ohm__bswap32(uint32_t x)
{
    return (x >> 24) | ((x >> 8) & 0xff00u) | ((x << 8) & 0xff0000u) | (x << 24);
}

ohm_status ohm_header_check(const void *buf, size_t len, size_t base_align,
                            const ohm_signature *sig)
{
    if (buf == NULL || sig == NULL) return OHM_INVALID;
    if (((uintptr_t)buf & (base_align - 1)) != 0) return OHM_MISALIGNED;
    if (len < sizeof(ohm_header)) return OHM_TOO_SHORT;
    ohm_header h;
    memcpy(&h, buf, sizeof h);
    if (h.magic != OHM_MAGIC)
        return h.magic == ohm__bswap32(OHM_MAGIC) ? OHM_BAD_ENDIAN : OHM_BAD_MAGIC;
    if (h.byte_order != OHM_BYTE_ORDER_MARK) return OHM_BAD_ENDIAN;
    if (h.version != OHM_FORMAT_VERSION) return OHM_BAD_VERSION;
    if (h.key_size != sig->key_size || h.key_align != sig->key_align ||
        h.val_size != sig->val_size || h.val_align != sig->val_align ||
        h.flags != sig->flags || h.type_tag != sig->type_tag)
        return OHM_BAD_TYPE;
    if (h.max_load < 1 || h.max_load > 100 || h.fp_bits != 7 || h.mirror != OHM_GROUP_MIRROR ||
        h.reserved != 0)
        return OHM_BAD_TYPE;
    if (h.capacity != 0 && (!ohm__pow2(h.capacity) || h.capacity > OHM_MAX_CAPACITY))
        return OHM_BAD_CAPACITY;
    ohm_layout l = ohm_layout_for(h.capacity, sig->key_size, sig->key_align, sig->val_size,
                                  sig->val_align, (sig->flags & OHM_FLAG_INTERLEAVED) != 0);
    if (l.total_size == 0) return OHM_BAD_CAPACITY;
    if (h.meta_start != l.meta_start || h.keys_start != l.keys_start ||
        h.vals_start != l.vals_start || h.total_size != l.total_size)
        return OHM_BAD_OFFSETS;
    if (h.total_size > len) return OHM_TOO_SHORT;
    if (h.max_entries != ohm_max_entries(h.capacity, h.max_load)) return OHM_BAD_COUNT;
    if (h.count > h.max_entries) return OHM_BAD_COUNT;
    return OHM_OK;
}

/* Little-endian reads, so the hash of a byte string is the same everywhere. */
static uint64_t ohm__read64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

static uint64_t ohm__read_tail(const unsigned char *p, size_t n) /* n in 1..7 */
{
    uint64_t v = 0;
    for (size_t i = n; i-- > 0;) v = (v << 8) | p[i];
    return v;
}

uint64_t ohm_hash_bytes(const void *data, size_t len, uint64_t seed)
{
    /* Folded multiplies over 16-byte chunks, with the length mixed in so
     * that strings of zero bytes of different lengths differ. */
    const uint64_t k0 = 0xa0761d6478bd642fu, k1 = 0xe7037ed1a0b428dbu,
                   k2 = 0x8ebc6af09c88c6e3u;
    const unsigned char *p = (const unsigned char *)data;
    uint64_t h = seed ^ k0 ^ ((uint64_t)len * k2);
    size_t n = len;
    while (n >= 16) {
        h = ohm_fold_mul(ohm__read64(p) ^ k1 ^ h, ohm__read64(p + 8) ^ k2);
        p += 16;
        n -= 16;
    }
    uint64_t a = 0, b = 0;
    if (n >= 8) {
        a = ohm__read64(p);
        if (n > 8) b = ohm__read_tail(p + 8, n - 8);
    } else if (n > 0) {
        a = ohm__read_tail(p, n);
    }
    h = ohm_fold_mul(a ^ k1 ^ h, b ^ k2 ^ (uint64_t)n);
    return ohm_fold_mul(h ^ k0, k1 ^ (uint64_t)len);
}
#endif /* OHM_IMPLEMENTATION */
