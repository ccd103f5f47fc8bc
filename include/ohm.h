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

/* The headers are C11 and C++17 alike: the few C-only keywords go through
 * these. So do the casts and the null pointer, so that a user's build with
 * -Wcast-qual, and in C++ -Wold-style-cast and
 * -Wzero-as-null-pointer-constant, finds nothing in the headers:
 * OHM__CAST(T, x) converts a value (static_cast), OHM__PTR_CAST(T, x)
 * turns a pointer into an integer or a pointer of an unrelated type
 * (reinterpret_cast), OHM__UNCONST(T, p) drops the const of a pointer
 * through uintptr_t, and OHM__NULL is nullptr. In C each is the plain cast
 * it stands for, and NULL. */
#ifdef __cplusplus
#define OHM__ALIGNOF(T) alignof(T)
#define OHM__STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#define OHM__CAST(T, x) static_cast<T>(x)
#define OHM__PTR_CAST(T, x) reinterpret_cast<T>(x)
#define OHM__UNCONST(T, p) reinterpret_cast<T>(reinterpret_cast<uintptr_t>(p))
#define OHM__NULL nullptr
#include <type_traits> /* std::is_trivially_copyable, in ohm_map.h */
#else
#define OHM__ALIGNOF(T) _Alignof(T)
#define OHM__STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#define OHM__CAST(T, x) ((T)(x))
#define OHM__PTR_CAST(T, x) ((T)(x))
#define OHM__UNCONST(T, p) ((T)(uintptr_t)(p))
#define OHM__NULL NULL
#endif

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
    OHM_BAD_TYPE = -7,      /* made by another instantiation: key or value
                               size or alignment, set or map, interleaving
                               or OHM_TYPE_TAG differ (types of equal sizes
                               are told apart only by the type tag) */
    OHM_TOO_SHORT = -8,     /* the buffer is shorter than the block says */
    OHM_MISALIGNED = -9,    /* the buffer is not aligned to N_base_align() */
    OHM_BAD_CAPACITY = -10, /* capacity is not 0 or a power of two <= 2^31, or
                               its block does not fit in size_t (32-bit) */
    OHM_BAD_OFFSETS = -11,  /* array offsets out of range or overlapping */
    OHM_BAD_COUNT = -12,    /* count above the maximum load */
    OHM_TOO_COSTLY = -13,   /* checking the block would take more work than
                               the check allows (see N_check) */
    OHM_BUSY = -14,         /* a write stayed unfinished: its writer is slow,
                               or died (N_read; N_check before N_recover) */
    OHM_ABSENT = 2          /* the key is absent (N_read: a success) */
} ohm_status;

/* A static, human-readable sentence for every status; never NULL. */
const char *ohm_strerror(ohm_status ohm_code);

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

#define OHM_MAX_CAPACITY (OHM__CAST(uint32_t, 1) << 31)
/* Slots a group: a probe reads the metadata of an aligned group of 16
 * slots at once (a table of fewer slots is one group), and each group has
 * a class byte whose bits say which classes of keys homed there are
 * stored outside it, so a lookup can stop at its home group
 * (docs/FORMAT.md). */
#define OHM_GROUP_SLOTS 16u
/* Slots per class byte: a group's. OHM_OVF_SLOTS is the earlier name. */
#define OHM_CLASS_SLOTS OHM_GROUP_SLOTS
#define OHM_OVF_SLOTS OHM_GROUP_SLOTS
/* Metadata bytes mirrored after the last slot so that a probe can read a
 * whole group at any slot without wrapping (see docs/FORMAT.md). */
#define OHM_GROUP_MIRROR 16u

/* Bytes from the first metadata byte to the end of the class bytes: a
 * byte per slot, the mirror, a byte per 16-slot group. */
static inline uint64_t ohm__meta_len(uint32_t ohm_capacity)
{
    if (ohm_capacity == 0) return 0;
    return OHM__CAST(uint64_t, ohm_capacity) + OHM_GROUP_MIRROR +
           (ohm_capacity >= OHM_GROUP_SLOTS ? ohm_capacity / OHM_GROUP_SLOTS : 0);
}

/* The layout of a block with `capacity` raw slots for keys and values of the
 * given sizes and alignments (alignments are powers of two; a set passes
 * val_size 0, val_align 1). `interleaved` puts each value beside its key
 * (one array of key-value slots, see OHM_SLOT_SIZE) instead of in an array
 * of its own. total_size is a multiple of the block's alignment (the
 * largest of 8 and the two alignments). Computed in 64-bit arithmetic: any
 * request whose size does not fit in size_t, or whose capacity is not 0 or
 * a power of two up to 2^31, gets total_size == 0. */
ohm_layout ohm_layout_for(uint32_t ohm_capacity, size_t ohm_key_size, size_t ohm_key_align,
                          size_t ohm_val_size, size_t ohm_val_align, bool ohm_interleaved);

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
uint32_t ohm_capacity_for(uint32_t ohm_entries, unsigned ohm_max_load);

/* The alignment a block's start needs: 8 (enough for the header's 64-bit
 * fields), or the key's or value's if larger. */
static inline size_t ohm_base_align_for(size_t ohm_key_align, size_t ohm_val_align)
{
    size_t ohm_a = 8;
    if (ohm_key_align > ohm_a) ohm_a = ohm_key_align;
    if (ohm_val_align > ohm_a) ohm_a = ohm_val_align;
    return ohm_a;
}

/* floor(capacity * max_load / 100), in 64-bit arithmetic. */
static inline uint32_t ohm_max_entries(uint32_t ohm_capacity, unsigned ohm_max_load)
{
    return OHM__CAST(uint32_t, (OHM__CAST(uint64_t, ohm_capacity) * ohm_max_load) / 100u);
}

/* ------------------------------------------------------------------------
 * The block header
 * ---------------------------------------------------------------------- */

#define OHM_MAGIC 0x424d484fu /* bytes "OHMB"; byte-swapped it reads "BMHO" */
#define OHM_FORMAT_VERSION 6u
#define OHM_BYTE_ORDER_MARK 0x0102u /* reads 0x0201 on the other byte order */
#define OHM_FLAG_SET 1u             /* the block has no values */
#define OHM_FLAG_INTERLEAVED 2u     /* each value sits beside its key */

/* The first bytes of every block, in three cache lines by who writes
 * them: the first holds what every lookup reads, the second the rest of
 * what init writes once, the third the writer's words (count, stamp and
 * the sync area), so that a writer's stores never take from a lock-free
 * reader's cache a line its lookups need. All offsets are from the block
 * start; nothing in a block is a pointer. Layout fixed by docs/FORMAT.md. */
typedef struct ohm_header {
    uint32_t magic;       /* OHM_MAGIC */
    uint16_t version;     /* OHM_FORMAT_VERSION */
    uint16_t byte_order;  /* OHM_BYTE_ORDER_MARK, as the writer stored it */
    uint32_t capacity;    /* raw slots: 0 or a power of two <= 2^31 */
    uint32_t smask;       /* stripe words - 1 (ohm__stripes(capacity) - 1) */
    uint32_t max_entries; /* floor(capacity * max_load / 100) */
    uint8_t max_load;     /* percent, 1..100 */
    uint8_t fp_bits;      /* fingerprint bits in a metadata byte: 7 */
    uint8_t mirror;       /* metadata bytes mirrored after the last: 16 */
    uint8_t flags;        /* OHM_FLAG_SET, OHM_FLAG_INTERLEAVED */
    uint64_t seed;        /* hash seed; part of the block so it moves too */
    uint64_t keys_start;  /* offset of key slot 0 */
    uint64_t vals_start;  /* offset of value slot 0 (end of keys for a set) */
    uint64_t meta_start;  /* offset of slot 0's metadata byte */
    uint64_t stripes;     /* offset of stripe word 0: smask and stripes are
                             derived from the layout, kept here so a lookup
                             or a write finds its stripe word in two loads */
    /* --- above: what every lookup reads, in the first 64 bytes --- */
    uint32_t key_size, key_align; /* sizeof and _Alignof the key type */
    uint32_t val_size, val_align; /* of the value type; 0 and 1 for a set */
    uint32_t type_tag;    /* OHM_TYPE_TAG of the instantiation, default 0 */
    uint32_t reserved0;   /* 0 */
    uint64_t user;        /* the owner's word; ohm never reads it (e.g. the
                             map's offset inside a larger block) */
    uint64_t total_size;  /* bytes of the whole block */
    uint64_t reserved1[3]; /* 0 */
    /* --- above: written once, by init; below: by every mutation --- */
    uint32_t count;       /* used slots */
    uint32_t stamp;       /* changes with every entry inserted or removed
                             (and clear): debug builds catch iteration
                             over a map changed behind the iterator */
} ohm_header;

/* Right after the header, on the writer's line (format 6): what lets
 * readers run without a lock while one writer works, and lets the next
 * writer repair a block whose writer died in the middle of a mutation
 * (docs/concurrency.md, docs/FORMAT.md). The line ends at 192; then comes a
 * value-sized buffer, the journal's copy of a value being overwritten (none
 * for a set); the stripe words (ohm__stripes(capacity) of them: stripe k
 * covers the groups g with g mod stripes == k, even while no write is
 * changing those groups) are at the end of the block. */
typedef struct ohm_sync {
    uint32_t seq;         /* the write sequence: odd while a mutation runs */
    uint32_t op;          /* the journal: the mutation in progress, OHM__OP_* */
    uint32_t hole;        /* a removal's hole, or the slot being overwritten */
    uint32_t src;         /* the slot being moved into the hole, or none */
    uint32_t start;       /* N_remove_if: the group its walk starts at */
} ohm_sync;
OHM__STATIC_ASSERT(offsetof(ohm_header, stripes) == 56 && offsetof(ohm_header, key_size) == 64 &&
                       offsetof(ohm_header, total_size) == 96 && offsetof(ohm_header, count) == 128 &&
                       sizeof(ohm_header) == 136 && sizeof(ohm_sync) == 20,
                   "the header's lines as docs/FORMAT.md draws them");
#define OHM__OP_NONE 0u      /* between mutations */
#define OHM__OP_ERASE 1u     /* a removal's backward shift: hole, src */
#define OHM__OP_OVERWRITE 2u /* a value overwrite: hole, the new value in the journal buffer */
#define OHM__OP_CLEAR 3u     /* N_clear */
#define OHM__OP_REMOVE_IF 4u /* N_remove_if: start; its moves as hole, src */
#define OHM__OP_LAST 4u

/* Where the journal's value buffer and the metadata start: constants of
 * the value type. */
#define OHM__SYNC_END 192u /* the header and the sync area: three cache lines */
static inline uint64_t ohm__jval_start(uint64_t ohm_val_align) { return (OHM__SYNC_END + ohm_val_align - 1) / ohm_val_align * ohm_val_align; }
static inline uint64_t ohm__meta_start(uint64_t ohm_val_size, uint64_t ohm_val_align)
{
    return (ohm__jval_start(ohm_val_align) + ohm_val_size + 15) / 16 * 16;
}

/* Stripe words for a capacity: one per 16-slot group, at most 1024 (a
 * table of fewer than 16 slots has one). They follow the slots, at the next
 * multiple of 4. */
#define OHM_STRIPES_MAX 1024u
static inline uint32_t ohm__stripes(uint32_t ohm_capacity)
{
    uint32_t ohm_g = ohm_capacity / OHM_GROUP_SLOTS;
    return ohm_g == 0 ? 1u : ohm_g < OHM_STRIPES_MAX ? ohm_g : OHM_STRIPES_MAX;
}

/* What an instantiation expects of a block; filled in by the template. */
typedef struct ohm_signature {
    uint32_t key_size, key_align, val_size, val_align;
    uint32_t type_tag;
    uint8_t flags;
} ohm_signature;

/* Initialise the header of a block of `layout` (the caller has zeroed the
 * block). max_load must be 1..100. */
void ohm_header_init(ohm_header *ohm_h, ohm_layout ohm_lay, const ohm_signature *ohm_sig,
                     unsigned ohm_max_load, uint64_t ohm_seed);

/* O(1) checks of a block's header against an instantiation and a buffer
 * length, in this order, the first failure's status returned: NULL
 * arguments (OHM_INVALID), alignment to `base_align` (OHM_MISALIGNED),
 * fewer than 4 bytes (OHM_TOO_SHORT), the magic (OHM_BAD_MAGIC, or
 * OHM_BAD_ENDIAN when it reads byte-swapped), a whole header's length
 * (OHM_TOO_SHORT), the byte-order mark (OHM_BAD_ENDIAN), the version
 * (OHM_BAD_VERSION), the type signature and fixed fields (OHM_BAD_TYPE),
 * the capacity (OHM_BAD_CAPACITY), the offsets recomputed from the layout
 * (OHM_BAD_OFFSETS), the block's length (OHM_TOO_SHORT) and the count
 * (OHM_BAD_COUNT). Never reads outside [buf, buf + len). */
ohm_status ohm_header_check(const void *ohm_buf, size_t ohm_len, size_t ohm_base_align,
                            const ohm_signature *ohm_sig);
/* ohm_header_check that also gives the header it checked (*ohm_out, on
 * OHM_OK): the one copy of it that later reads must use when another
 * process may rewrite the block meanwhile (N_validate). */
ohm_status ohm__header_read(const void *ohm_buf, size_t ohm_len, size_t ohm_base_align,
                            const ohm_signature *ohm_sig, ohm_header *ohm_out);

/* ------------------------------------------------------------------------
 * Hashing
 *
 * Stable across platforms, compilers and versions (a change bumps the
 * format version), so a block written anywhere is read back anywhere.
 * ---------------------------------------------------------------------- */

#define OHM_SEED_DEFAULT 0u /* the seed of N_init; N_init_seeded takes one */

/* 64x64 -> 128-bit multiply, folded to 64 bits by xor of the halves. */
static inline uint64_t ohm_fold_mul(uint64_t ohm_a, uint64_t ohm_b)
{
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 ohm__u128;
    ohm__u128 ohm_r = OHM__CAST(ohm__u128, ohm_a) * ohm_b;
    return OHM__CAST(uint64_t, ohm_r) ^ OHM__CAST(uint64_t, ohm_r >> 64);
#else
    uint64_t ohm_al = ohm_a & 0xffffffffu, ohm_ah = ohm_a >> 32, ohm_bl = ohm_b & 0xffffffffu, ohm_bh = ohm_b >> 32;
    uint64_t ohm_ll = ohm_al * ohm_bl, ohm_lh = ohm_al * ohm_bh, ohm_hl = ohm_ah * ohm_bl, ohm_hh = ohm_ah * ohm_bh;
    uint64_t ohm_mid = (ohm_ll >> 32) + (ohm_lh & 0xffffffffu) + (ohm_hl & 0xffffffffu);
    uint64_t ohm_lo = (ohm_ll & 0xffffffffu) | (ohm_mid << 32);
    uint64_t ohm_hi = ohm_hh + (ohm_lh >> 32) + (ohm_hl >> 32) + (ohm_mid >> 32);
    return ohm_lo ^ ohm_hi;
#endif
}

/* The default hash of integer keys (any integer type, widened to 64 bits).
 * Seed 0 (the default): one folded multiply, which spreads sequential keys
 * and keys that differ only in their high bits over both the home slot (low
 * bits) and the fingerprint (top 7 bits). Any other seed: a second round
 * with the seed mixed in again, so that keys crafted to collide under one
 * seed do not stay clustered under another (a single xor before the
 * multiply leaves the crafted set's structure partly intact). */
static inline uint64_t ohm_hash_u64(uint64_t ohm_key, uint64_t ohm_seed)
{
    const uint64_t ohm_c = 0x243f6a8885a308d3u, ohm_k1 = 0x9e3779b97f4a7c15u, ohm_k2 = 0xd6e8feb86659fd93u;
    if (ohm_seed == 0) return ohm_fold_mul(ohm_key ^ ohm_c, ohm_k1);
    return ohm_fold_mul(ohm_fold_mul(ohm_key ^ ohm_seed ^ ohm_c, ohm_k1) ^ ohm_seed, ohm_k2);
}

/* The default hash of byte strings: `len` bytes at `p` (p may be NULL when
 * len is 0). Reads the bytes as little-endian words whatever the machine.
 *
 * How: two secrets are drawn from the seed through a bijective mix, with
 * bit 63 forced to 1 and bits 62 and 55 to 0. Each 16-byte chunk is one
 * folded 64x64->128-bit multiply of (its first word ^ secret 1) by (its
 * second word ^ the running state), the state starting at secret 2; the
 * last 0..15 bytes, followed by a 1 byte and zeros, make one more chunk;
 * a last multiply takes (state ^ secret 2) and (a constant ^ the length).
 *
 * What holds under every seed:
 *  - No seed is weak. A multiply forgets one operand when the other is 0
 *    or all ones. The operands that take a secret are such only for an
 *    input word equal to that secret or its complement: a different word
 *    for each seed, and by the forced bits never a zero word, an integer
 *    of magnitude below 2^62, or a word of 7-bit text (or of bytes all
 *    >= 0x80). The state is a product, known only to whoever knows the
 *    seed. The length's operand is neither for any length below 2^62.
 *  - The length enters only where no input word reaches it, and the 1 byte
 *    after the last bytes keeps tails of different lengths apart: a key
 *    and the same key with bytes appended, zero bytes included, are
 *    different inputs to the multiplies under every seed.
 * What the seed protects against: whoever does not know it has no input
 * word that cancels anything, so keys chosen without knowing the seed
 * are meant to collide only by chance (for a 64-bit hash, negligibly),
 * and keys chosen to collide under one seed do not collide under another;
 * so a secret random seed (N_init_seeded) defends a map whose keys come
 * from an adversary against hash flooding. What it does not: this is not a
 * cryptographic hash. Someone who knows the seed can make keys collide;
 * seed 0, the default, is public, so under it collisions can be computed;
 * a seed stored in a block is readable by whoever can read the block; and
 * someone who can watch the timing of many lookups may learn about it.
 * For keys from an adversary and a seed that must stay secret for long,
 * use a keyed cryptographic PRF such as SipHash as OHM_HASH_EX. */
uint64_t ohm_hash_bytes(const void *ohm_p, size_t ohm_len, uint64_t ohm_seed);
/* Its constants (odd 64-bit numbers with well-spread bits; K0..K3 are the
 * ones wyhash uses), named so that tests can feed them back as input words
 * and seeds. */
#define OHM__HB_K0 0xa0761d6478bd642fu
#define OHM__HB_K1 0xe7037ed1a0b428dbu
#define OHM__HB_K2 0x8ebc6af09c88c6e3u
#define OHM__HB_K3 0x589965cc75374cc3u
#define OHM__HB_K4 0xb7e151628aed2a6bu /* the fraction of e, odd; multiplies the length */

/* A NUL-terminated string. */
static inline uint64_t ohm_hash_str(const char *ohm_s, uint64_t ohm_seed)
{
    return ohm_hash_bytes(ohm_s, strlen(ohm_s), ohm_seed);
}

/* ------------------------------------------------------------------------
 * Offset helpers
 *
 * A relocatable structure keeps byte offsets from one named base (the start
 * of the owner's block) and turns them into pointers only for the moment it
 * uses them. These helpers do that arithmetic in one place.
 * ---------------------------------------------------------------------- */

/* The address `off` bytes after `base`. */
static inline void *ohm_ptr(const void *ohm_base, uint64_t ohm_off)
{
    return OHM__UNCONST(void *, OHM__CAST(const char *, ohm_base) + ohm_off);
}

/* The offset of `p` from `base` (p must not be before base). */
static inline uint64_t ohm_offset(const void *ohm_base, const void *ohm_p)
{
    return OHM__CAST(uint64_t, OHM__CAST(const char *, ohm_p) - OHM__CAST(const char *, ohm_base));
}

/* A typed pointer from an offset: OHM_AT(struct cell, page, cells_off). */
#define OHM_AT(T, base, off) OHM__CAST(T *, ohm_ptr((base), (off)))

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
    ohm_plan ohm_p = {0, 1, false};
    return ohm_p;
}

/* Add a region of `size` bytes aligned to `align` (a power of two); returns
 * its offset from the block start. */
static inline uint64_t ohm_plan_add(ohm_plan *ohm_p, uint64_t ohm_size, uint64_t ohm_align)
{
    if (ohm_align == 0 || (ohm_align & (ohm_align - 1)) != 0 || ohm_p->size > UINT64_MAX - (ohm_align - 1)) {
        ohm_p->failed = true;
        return 0;
    }
    uint64_t ohm_off = (ohm_p->size + ohm_align - 1) & ~(ohm_align - 1);
    if (ohm_size > UINT64_MAX - ohm_off) {
        ohm_p->failed = true;
        return 0;
    }
    ohm_p->size = ohm_off + ohm_size;
    if (ohm_align > ohm_p->align) ohm_p->align = ohm_align;
    return ohm_off;
}

/* Add a map's block: ohm_plan_add_map(&plan, N_layout(n), N_base_align()). */
static inline uint64_t ohm_plan_add_map(ohm_plan *ohm_p, ohm_layout ohm_lay, size_t ohm_base_align)
{
    if (ohm_lay.total_size == 0) {
        ohm_p->failed = true;
        return 0;
    }
    return ohm_plan_add(ohm_p, ohm_lay.total_size, ohm_base_align);
}

/* ------------------------------------------------------------------------
 * Internals shared by every instantiation (names with a double underscore
 * are not part of the API).
 * ---------------------------------------------------------------------- */

/* The probe's home-group part is forced inline into every call, where
 * its constant arguments fold away, and its part past a full home group
 * is kept out of line, so that a lookup stays small enough for the
 * compiler to inline into its caller. The attributes are spelled with
 * underscores, names no user macro may take (a user's #define unused). */
#if defined(__GNUC__) || defined(__clang__)
#define OHM__ALWAYS_INLINE static inline __attribute__((__always_inline__))
#define OHM__NOINLINE static __attribute__((__noinline__, __unused__))
#else
#define OHM__ALWAYS_INLINE static inline
#define OHM__NOINLINE static
#endif

#define OHM__CAT2(a, b) a##b
#define OHM__CAT(a, b) OHM__CAT2(a, b)
#define OHM__NONE UINT32_MAX /* "no slot" */

/* Metadata bytes (docs/FORMAT.md "Metadata bytes"). Slots form aligned
 * groups of OHM_GROUP_SLOTS; a key lives in its home group (the group of
 * slot hash & (capacity - 1)) or, when that was full, d >= 1 groups past
 * it. One byte a slot:
 *
 *          bit 7   6   5   4   3   2   1   0
 *            +---+---------------------------+
 *   home     | 1 |  fingerprint: hash >> 57  |  0x80..0xff  ohm__tag(hash)
 *            +---+---------------+-----------+
 *   d >= 1   | 0 | min(d, 15)    |   class   |  0x08..0x7f  ohm__dtag(hash, d)
 *            +---+---------------+-----------+
 *   free     | 0   0   0   0   0   0   0   0 |  0x00        a zeroed block is an empty map
 *            +-------------------------------+
 *
 * The class is 3 hash bits (54..56) that neither the home slot (at most
 * the low 31 bits) nor the fingerprint uses; code 15 means "15 groups or
 * more" (the distance then comes from the key's hash). Bytes 0x01..0x07
 * are never stored, but for N_remove_if's transient mark 0x01
 * (OHM__DOOMED). A key's byte at distance d is ohm__byte_for(hash, d); a
 * byte is read back with ohm__holds_key, ohm__is_home, ohm__dist_code and
 * ohm__byte_class. The group scans (ohm__g16_*) compare whole bytes: the
 * displaced bytes of code >= k are those >= ohm__code_min(k). */
#define OHM__HOME_BIT 0x80u   /* set in a key's byte in its home group */
#define OHM__FP_BITS 7u       /* the fingerprint's bits (the header's fp_bits) */
#define OHM__DMAX 15u         /* the largest distance code: 15 or more groups */
#define OHM__CODE_SHIFT 3     /* the distance code's place in the byte */
#define OHM__CLASS_MASK 7u    /* the class bits of a displaced key's byte */
#define OHM__DISPLACED_MIN 0x08u /* the lowest displaced byte (code 1, class 0), and the lowest byte of a key */
static inline uint8_t ohm__tag(uint64_t ohm_hash) { return OHM__CAST(uint8_t, OHM__HOME_BIT | (ohm_hash >> (64 - OHM__FP_BITS))); }
static inline uint32_t ohm__class(uint64_t ohm_hash) { return OHM__CAST(uint32_t, ohm_hash >> 54) & OHM__CLASS_MASK; }
/* The byte of a key of class c, d >= 1 groups past its home (code capped at 15). */
static inline uint8_t ohm__dist_byte(uint32_t ohm_d, uint32_t ohm_c)
{
    return OHM__CAST(uint8_t, ((ohm_d < OHM__DMAX ? ohm_d : OHM__DMAX) << OHM__CODE_SHIFT) | ohm_c);
}
static inline uint8_t ohm__dtag(uint64_t ohm_hash, uint32_t ohm_d) { return ohm__dist_byte(ohm_d, ohm__class(ohm_hash)); }
/* The byte of a key of this hash stored d groups past its home (d >= 0). */
static inline uint8_t ohm__byte_for(uint64_t ohm_hash, uint32_t ohm_d)
{
    return ohm_d ? ohm__dtag(ohm_hash, ohm_d) : ohm__tag(ohm_hash);
}
/* The lowest byte whose distance code is at least min(k, 15) (k >= 1). */
static inline uint8_t ohm__code_min(uint32_t ohm_k) { return ohm__dist_byte(ohm_k, 0); }
/* What a stored byte says: a key is there (not free, not doomed); the key
 * is in its home group; a displaced key's distance code and class. */
static inline bool ohm__holds_key(uint8_t ohm_b) { return ohm_b >= OHM__DISPLACED_MIN; }
static inline bool ohm__is_home(uint8_t ohm_b) { return (ohm_b & OHM__HOME_BIT) != 0; }
static inline uint32_t ohm__dist_code(uint8_t ohm_b) { return OHM__CAST(uint32_t, ohm_b) >> OHM__CODE_SHIFT; }
static inline uint32_t ohm__byte_class(uint8_t ohm_b) { return ohm_b & OHM__CLASS_MASK; }
/* Each group has a class byte: bit c is set when a key homed in the group
 * with class c is stored outside it, so a lookup that does not find its
 * key in the home group stops there unless its class bit is set. */
static inline uint8_t ohm__class_bit(uint32_t ohm_c) { return OHM__CAST(uint8_t, 1u << ohm_c); }
static inline uint8_t ohm__cls_bit(uint64_t ohm_hash) { return ohm__class_bit(ohm__class(ohm_hash)); }

/* The default hash for integer keys: _Generic (in C++, overloads at the end
 * of this header) picks a widening that never changes the value's meaning,
 * so -1 hashes the same as an int or a long, in C and in C++. */
static inline uint64_t ohm__hash_signed(int64_t ohm_k, uint64_t ohm_seed) { return ohm_hash_u64(OHM__CAST(uint64_t, ohm_k), ohm_seed); }
static inline uint64_t ohm__hash_unsigned(uint64_t ohm_k, uint64_t ohm_seed) { return ohm_hash_u64(ohm_k, ohm_seed); }
#ifdef __cplusplus
#define OHM__HASH_INT(k, seed) ohm__hash_int((k), (seed)) /* an error here: define OHM_HASH(key) for this key type */
#else
#define OHM__HASH_INT(k, seed)                                                              \
    _Generic((k), /* a compile error here means: define OHM_HASH(key) for this key type */ \
        _Bool: ohm__hash_unsigned, char: ohm__hash_signed, signed char: ohm__hash_signed,   \
        unsigned char: ohm__hash_unsigned, short: ohm__hash_signed,                         \
        unsigned short: ohm__hash_unsigned, int: ohm__hash_signed,                          \
        unsigned int: ohm__hash_unsigned, long: ohm__hash_signed,                           \
        unsigned long: ohm__hash_unsigned, long long: ohm__hash_signed,                     \
        unsigned long long: ohm__hash_unsigned)((k), (seed))
#endif

/* Group probing: the metadata of a group's 16 slots is examined at once,
 * as a mask (bit j: slot j) the same on every architecture. SSE2 on
 * x86-64, NEON on arm64, otherwise SWAR on two 64-bit words (OHM__SIMD
 * names the one this unit has). All give the same answers and write the
 * same blocks. */
#if defined(__GNUC__) || defined(__clang__)
static inline unsigned ohm__ctz64(uint64_t ohm_x) { return OHM__CAST(unsigned, __builtin_ctzll(ohm_x)); }
#else
static inline unsigned ohm__ctz64(uint64_t ohm_x)
{
    unsigned ohm_n = 0;
    while (!(ohm_x & 1)) { ohm_x >>= 1; ohm_n++; }
    return ohm_n;
}
#endif

#if defined(__SSE2__) && !defined(OHM_NO_SIMD)
#include <emmintrin.h>
#define OHM__SIMD "sse2"
#elif defined(__aarch64__) && defined(__ARM_NEON) && !defined(OHM_NO_SIMD)
#include <arm_neon.h>
#define OHM__SIMD "neon"
#else
#define OHM__SIMD "swar"
static inline uint64_t ohm__load_le64(const uint8_t *ohm_p)
{
    uint64_t ohm_v;
    memcpy(&ohm_v, ohm_p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    ohm_v = __builtin_bswap64(ohm_v);
#endif
    return ohm_v;
}
/* 0x80 in each byte of w that is 0, exactly (no false positives). */
static inline uint64_t ohm__swar_zero(uint64_t ohm_w)
{
    const uint64_t ohm_lo7 = 0x7f7f7f7f7f7f7f7fu;
    return ~(((ohm_w & ohm_lo7) + ohm_lo7) | ohm_w | ohm_lo7);
}
#endif
/* Masks over one 16-slot group (bit j: slot j): the slots whose byte is
 * v, and the displaced slots whose distance code is at least k (bytes
 * lo..0x7f, lo = ohm__code_min(k)). */
#if defined(__SSE2__) && !defined(OHM_NO_SIMD)
static inline uint32_t ohm__g16_eq(const uint8_t *ohm_p, uint8_t ohm_v)
{
    __m128i ohm_g = _mm_loadu_si128(OHM__CAST(const __m128i *, OHM__CAST(const void *, ohm_p)));
    return OHM__CAST(uint32_t, _mm_movemask_epi8(_mm_cmpeq_epi8(ohm_g, _mm_set1_epi8(OHM__CAST(char, ohm_v)))));
}
static inline uint32_t ohm__g16_ge(const uint8_t *ohm_p, uint8_t ohm_lo)
{
    __m128i ohm_g = _mm_loadu_si128(OHM__CAST(const __m128i *, OHM__CAST(const void *, ohm_p))); /* signed: used home bytes are < 0 */
    return OHM__CAST(uint32_t, _mm_movemask_epi8(_mm_cmpgt_epi8(ohm_g, _mm_set1_epi8(OHM__CAST(char, ohm_lo - 1)))));
}
#elif defined(__aarch64__) && defined(__ARM_NEON) && !defined(OHM_NO_SIMD)
static inline uint32_t ohm__neon_m16(uint8x16_t ohm_sel)
{
    static const uint8_t ohm_w[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
    uint8x16_t ohm_b = vandq_u8(ohm_sel, vld1q_u8(ohm_w));
    return OHM__CAST(uint32_t, vaddv_u8(vget_low_u8(ohm_b))) | (OHM__CAST(uint32_t, vaddv_u8(vget_high_u8(ohm_b))) << 8);
}
static inline uint32_t ohm__g16_eq(const uint8_t *ohm_p, uint8_t ohm_v)
{
    return ohm__neon_m16(vceqq_u8(vld1q_u8(ohm_p), vdupq_n_u8(ohm_v)));
}
static inline uint32_t ohm__g16_ge(const uint8_t *ohm_p, uint8_t ohm_lo)
{
    return ohm__neon_m16(vcgeq_s8(vreinterpretq_s8_u8(vld1q_u8(ohm_p)), vdupq_n_s8(OHM__CAST(int8_t, ohm_lo))));
}
#else
/* 0x80 bytes of a word (byte i: slot i) as 8 bits. */
static inline uint32_t ohm__swar_m8(uint64_t ohm_x) { return OHM__CAST(uint32_t, ((ohm_x >> 7) * 0x0102040810204080u) >> 56); }
static inline uint32_t ohm__g16_eq(const uint8_t *ohm_p, uint8_t ohm_v)
{
    uint64_t ohm_b = 0x0101010101010101u * ohm_v;
    return ohm__swar_m8(ohm__swar_zero(ohm__load_le64(ohm_p) ^ ohm_b)) |
           ohm__swar_m8(ohm__swar_zero(ohm__load_le64(ohm_p + 8) ^ ohm_b)) << 8;
}
static inline uint32_t ohm__g16_ge(const uint8_t *ohm_p, uint8_t ohm_lo)
{
    /* (byte | 0x80) - lo never borrows from the next byte; its top bit is
     * set when the byte's low 7 bits are >= lo, and the byte's own top bit
     * must be clear */
    const uint64_t ohm_hi = 0x8080808080808080u, ohm_l = 0x0101010101010101u * ohm_lo;
    uint64_t ohm_w0 = ohm__load_le64(ohm_p), ohm_w1 = ohm__load_le64(ohm_p + 8);
    return ohm__swar_m8(((ohm_w0 | ohm_hi) - ohm_l) & ~ohm_w0 & ohm_hi) |
           ohm__swar_m8(((ohm_w1 | ohm_hi) - ohm_l) & ~ohm_w1 & ohm_hi) << 8;
}
#endif
static inline uint32_t ohm__g16_free(const uint8_t *ohm_p) { return ohm__g16_eq(ohm_p, 0); }
static inline unsigned ohm__m16_first(uint32_t ohm_m) { return ohm__ctz64(ohm_m); }

/* The used slots of the group at p, and the slots 0..n-1 of a group (n < 16). */
static inline uint32_t ohm__g16_used(const uint8_t *ohm_p) { return ~ohm__g16_free(ohm_p) & 0xffffu; }
static inline uint32_t ohm__m16_below(unsigned ohm_n) { return (1u << ohm_n) - 1; }

/* The groups after group g in probe order, once round a table of gm + 1
 * groups: a for statement whose body sees j = 1 .. gm (groups past g) and
 * y, the group j past g: the probe's walk past a home group, and the
 * shift's and the class bits' walks past a hole. */
#define OHM__GROUPS_AFTER(g, gm, j, y) for (uint32_t j = 1, y = 0; j <= (gm) && ((y = ((g) + j) & (gm)), 1); j++)

/* ------------------------------------------------------------------------
 * Racing accesses (docs/concurrency.md). Readers without a lock load the
 * block while one writer stores into it; both sides go through these, so
 * that every racing access is an atomic one (defined behaviour in C11 and
 * C++, nothing for ThreadSanitizer to report). Relaxed word accesses plus
 * the fences of a seqlock (Boehm, "Can seqlocks get along with programming
 * language memory models?", 2012); they compile to plain moves on x86.
 * ThreadSanitizer does not model fences, so its builds make the data
 * accesses themselves acquire loads and release stores, which order the
 * same things (slower on arm64, where fences are cheaper).
 * ---------------------------------------------------------------------- */
#if defined(__SANITIZE_THREAD__)
#define OHM__TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define OHM__TSAN 1
#endif
#endif
#ifdef OHM__TSAN
#define OHM__LD_ORDER __ATOMIC_ACQUIRE
#define OHM__ST_ORDER __ATOMIC_RELEASE
#define OHM__FENCE_ACQ() ((void)0)
#define OHM__FENCE_REL() ((void)0)
#else
#define OHM__LD_ORDER __ATOMIC_RELAXED
#define OHM__ST_ORDER __ATOMIC_RELAXED
#define OHM__FENCE_ACQ() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define OHM__FENCE_REL() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif

/* Called before every store a mutation makes to a block (before every
 * copy, in an instantiation with OHM_SHARED 0). Tests define it to stop a
 * mutation at its k-th store, as a crash would (tests/test_crash.c). */
#ifndef OHM_STORE_HOOK
#define OHM_STORE_HOOK() ((void)0)
#endif

static inline void ohm__st8(uint8_t *ohm_p, uint8_t ohm_v)
{
    OHM_STORE_HOOK();
    __atomic_store_n(ohm_p, ohm_v, OHM__ST_ORDER);
}
static inline void ohm__st16(uint16_t *ohm_p, uint16_t ohm_v)
{
    OHM_STORE_HOOK();
    __atomic_store_n(ohm_p, ohm_v, OHM__ST_ORDER);
}
static inline void ohm__st32(uint32_t *ohm_p, uint32_t ohm_v)
{
    OHM_STORE_HOOK();
    __atomic_store_n(ohm_p, ohm_v, OHM__ST_ORDER);
}
static inline void ohm__st64(uint64_t *ohm_p, uint64_t ohm_v)
{
    OHM_STORE_HOOK();
    __atomic_store_n(ohm_p, ohm_v, OHM__ST_ORDER);
}
static inline uint8_t ohm__ld8(const uint8_t *ohm_p) { return __atomic_load_n(ohm_p, OHM__LD_ORDER); }
static inline uint32_t ohm__ld32(const uint32_t *ohm_p) { return __atomic_load_n(ohm_p, OHM__LD_ORDER); }
static inline uint64_t ohm__ld64(const uint64_t *ohm_p) { return __atomic_load_n(ohm_p, OHM__LD_ORDER); }

/* The word a key or value is copied by: its alignment, at most 8 bytes (a
 * compile-time constant where the copies are inlined). */
static inline size_t ohm__word(size_t ohm_align) { return ohm_align >= 8 ? 8 : ohm_align >= 4 ? 4 : ohm_align >= 2 ? 2 : 1; }
/* n bytes from src (the writer's own, or the block) into the block at dst,
 * which is aligned to `align`, of which n is a multiple. */
static inline void ohm__st_copy(void *ohm_dst, const void *ohm_src, size_t ohm_n, size_t ohm_align)
{
    unsigned char *ohm_d = OHM__CAST(unsigned char *, ohm_dst);
    const unsigned char *ohm_s = OHM__CAST(const unsigned char *, ohm_src);
    size_t ohm_w = ohm__word(ohm_align);
    for (size_t ohm_i = 0; ohm_i < ohm_n; ohm_i += ohm_w) {
        if (ohm_w == 8) {
            uint64_t ohm_v;
            memcpy(&ohm_v, ohm_s + ohm_i, 8);
            ohm__st64(OHM__CAST(uint64_t *, OHM__CAST(void *, ohm_d + ohm_i)), ohm_v);
        } else if (ohm_w == 4) {
            uint32_t ohm_v;
            memcpy(&ohm_v, ohm_s + ohm_i, 4);
            ohm__st32(OHM__CAST(uint32_t *, OHM__CAST(void *, ohm_d + ohm_i)), ohm_v);
        } else if (ohm_w == 2) {
            uint16_t ohm_v;
            memcpy(&ohm_v, ohm_s + ohm_i, 2);
            ohm__st16(OHM__CAST(uint16_t *, OHM__CAST(void *, ohm_d + ohm_i)), ohm_v);
        } else {
            ohm__st8(ohm_d + ohm_i, ohm_s[ohm_i]);
        }
    }
}
/* n zero bytes into the block (n and dst multiples of 8 or not). */
static inline void ohm__st_zero(void *ohm_dst, size_t ohm_n)
{
    unsigned char *ohm_d = OHM__CAST(unsigned char *, ohm_dst);
    size_t ohm_i = 0;
    for (; ohm_i < ohm_n && (OHM__PTR_CAST(uintptr_t, ohm_d + ohm_i) & 7) != 0; ohm_i++) ohm__st8(ohm_d + ohm_i, 0);
    for (; ohm_i + 8 <= ohm_n; ohm_i += 8) ohm__st64(OHM__CAST(uint64_t *, OHM__CAST(void *, ohm_d + ohm_i)), 0);
    for (; ohm_i < ohm_n; ohm_i++) ohm__st8(ohm_d + ohm_i, 0);
}
/* The same stores, plain, for instantiations with OHM_SHARED 0: no
 * lock-free reader and no N_recover depend on their order or width, so
 * the compiler may merge and reorder them (an insert then costs what it
 * did before the write order existed). The hook runs once per call. */
static inline void ohm__st8_plain(uint8_t *ohm_p, uint8_t ohm_v)
{
    OHM_STORE_HOOK();
    *ohm_p = ohm_v;
}
static inline void ohm__st32_plain(uint32_t *ohm_p, uint32_t ohm_v)
{
    OHM_STORE_HOOK();
    *ohm_p = ohm_v;
}
static inline void ohm__st64_plain(uint64_t *ohm_p, uint64_t ohm_v)
{
    OHM_STORE_HOOK();
    *ohm_p = ohm_v;
}
static inline void ohm__st_copy_plain(void *ohm_dst, const void *ohm_src, size_t ohm_n, size_t ohm_align)
{
    (void)ohm_align;
    OHM_STORE_HOOK();
    memcpy(ohm_dst, ohm_src, ohm_n);
}
static inline void ohm__st_zero_plain(void *ohm_dst, size_t ohm_n)
{
    OHM_STORE_HOOK();
    memset(ohm_dst, 0, ohm_n);
}
/* n bytes of the block at src (aligned to `align`, of which n is a
 * multiple) into the reader's own dst. */
static inline void ohm__ld_copy(void *ohm_dst, const void *ohm_src, size_t ohm_n, size_t ohm_align)
{
    unsigned char *ohm_d = OHM__CAST(unsigned char *, ohm_dst);
    const unsigned char *ohm_s = OHM__CAST(const unsigned char *, ohm_src);
    size_t ohm_w = ohm__word(ohm_align);
    for (size_t ohm_i = 0; ohm_i < ohm_n; ohm_i += ohm_w) {
        if (ohm_w == 8) {
            uint64_t ohm_v = ohm__ld64(OHM__CAST(const uint64_t *, OHM__CAST(const void *, ohm_s + ohm_i)));
            memcpy(ohm_d + ohm_i, &ohm_v, 8);
        } else if (ohm_w == 4) {
            uint32_t ohm_v = ohm__ld32(OHM__CAST(const uint32_t *, OHM__CAST(const void *, ohm_s + ohm_i)));
            memcpy(ohm_d + ohm_i, &ohm_v, 4);
        } else if (ohm_w == 2) {
            uint16_t ohm_v = __atomic_load_n(OHM__CAST(const uint16_t *, OHM__CAST(const void *, ohm_s + ohm_i)), OHM__LD_ORDER);
            memcpy(ohm_d + ohm_i, &ohm_v, 2);
        } else {
            ohm_d[ohm_i] = ohm__ld8(ohm_s + ohm_i);
        }
    }
}

/* A group's 16 metadata bytes as a reader loads them racing a writer.
 * On x86-64 outside ThreadSanitizer: one 16-byte load written in asm, so
 * that it is outside the C memory model (no data race for the compiler to
 * assume away) and costs what N_get's load costs; the processor reads
 * each byte from some store, and the reader's stripe check discards a
 * group a racing write changed. Elsewhere, and under ThreadSanitizer (which
 * must see every racing access as atomic): two atomic 8-byte loads
 * (groups are 16-byte aligned in the block). */
#if defined(__SSE2__) && defined(__x86_64__) && !defined(OHM_NO_SIMD) && !defined(OHM__TSAN)
typedef struct ohm__b16 {
    uint8_t b[16];
} ohm__b16;
typedef struct ohm__grp {
    __m128i v;
} ohm__grp;
static inline ohm__grp ohm__grp_load(const uint8_t *ohm_p)
{
    ohm__grp ohm_g;
    __asm__ volatile("movdqu %1, %0" : "=x"(ohm_g.v) : "m"(*OHM__CAST(const ohm__b16 *, OHM__CAST(const void *, ohm_p))));
    return ohm_g;
}
static inline uint32_t ohm__grp_eq(ohm__grp ohm_g, uint8_t ohm_v)
{
    return OHM__CAST(uint32_t, _mm_movemask_epi8(_mm_cmpeq_epi8(ohm_g.v, _mm_set1_epi8(OHM__CAST(char, ohm_v)))));
}
#else
typedef struct ohm__grp {
    uint64_t w0, w1; /* bytes 0..7 and 8..15, in memory order */
} ohm__grp;
static inline ohm__grp ohm__grp_load(const uint8_t *ohm_p)
{
    ohm__grp ohm_g;
    ohm_g.w0 = ohm__ld64(OHM__CAST(const uint64_t *, OHM__CAST(const void *, ohm_p)));
    ohm_g.w1 = ohm__ld64(OHM__CAST(const uint64_t *, OHM__CAST(const void *, ohm_p + 8)));
    return ohm_g;
}
#endif
#if defined(__SSE2__) && defined(__x86_64__) && !defined(OHM_NO_SIMD) && !defined(OHM__TSAN)
/* above */
#elif defined(__SSE2__) && !defined(OHM_NO_SIMD)
static inline uint32_t ohm__grp_eq(ohm__grp ohm_g, uint8_t ohm_v)
{
    __m128i ohm_x = _mm_set_epi64x(OHM__CAST(long long, ohm_g.w1), OHM__CAST(long long, ohm_g.w0));
    return OHM__CAST(uint32_t, _mm_movemask_epi8(_mm_cmpeq_epi8(ohm_x, _mm_set1_epi8(OHM__CAST(char, ohm_v)))));
}
#elif defined(__aarch64__) && defined(__ARM_NEON) && !defined(OHM_NO_SIMD) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static inline uint32_t ohm__grp_eq(ohm__grp ohm_g, uint8_t ohm_v)
{
    uint8x16_t ohm_x = vcombine_u8(vcreate_u8(ohm_g.w0), vcreate_u8(ohm_g.w1));
    return ohm__neon_m16(vceqq_u8(ohm_x, vdupq_n_u8(ohm_v)));
}
#else
static inline uint32_t ohm__grp_eq(ohm__grp ohm_g, uint8_t ohm_v)
{
    uint8_t ohm_b[16];
    memcpy(ohm_b, &ohm_g.w0, 8);
    memcpy(ohm_b + 8, &ohm_g.w1, 8);
    return ohm__g16_eq(ohm_b, ohm_v);
}
#endif

/* How long a lock-free reader waits for a write in progress (a stripe or
 * the sequence word staying odd, or changing under every attempt) before
 * it answers OHM_BUSY, in milliseconds. A slow writer (descheduled, or
 * under a debugger) and a dead one look alike; the bound tells them apart
 * only by time. Defined per translation unit before including ohm_map.h. */
#ifndef OHM_READ_WAIT_MS
#define OHM_READ_WAIT_MS 1000u
#endif
/* A reader's wait: polls count, and the time of the first slow one. */
typedef struct ohm__wait {
    uint32_t polls;
    uint64_t t0_ns;
} ohm__wait;
/* One poll of a waiting reader: spins briefly, then yields the processor
 * and watches the clock; false once it has waited `ms` in all. */
bool ohm__read_wait(ohm__wait *ohm_w, uint32_t ohm_ms);

/* A mutation's bookkeeping (the template's N__w_begin fills it in): the
 * block's sequence and stripe words, its group mask and stripe count, read
 * once, and the groups marked busy so far: lo and the n groups from it,
 * round the end (their stripe words are odd; past a lap of stripes, all). */
typedef struct ohm__wr {
    uint32_t *seq, *stripes;
    uint32_t gm, ns;
    uint32_t lo, n;
} ohm__wr;

/* Marks the stripes of the groups from the end of the marked span up to g
 * (the span of groups marked busy begins at the mutation's first group and
 * grows forward). */
static inline void ohm__w_extend(ohm__wr *ohm_w, uint32_t ohm_g)
{
    if (ohm_w->n == 0) ohm_w->lo = ohm_g;
    do {
        if (ohm_w->n < ohm_w->ns) {
            uint32_t *ohm_s = ohm_w->stripes + ((ohm_w->lo + ohm_w->n) & (ohm_w->ns - 1));
            ohm__st32(ohm_s, *ohm_s + 1);
        }
        ohm_w->n++;
    } while (ohm_w->n <= ohm_w->gm && ((ohm_g - ohm_w->lo) & ohm_w->gm) >= ohm_w->n);
    OHM__FENCE_REL(); /* the marks before the group's stores */
}
/* Before the first store to group g. Most mutations stay in one group:
 * after the first mark, the test below is all they pay. */
static inline void ohm__w_touch(ohm__wr *ohm_w, uint32_t ohm_g)
{
    if (((ohm_g - ohm_w->lo) & ohm_w->gm) < ohm_w->n) return; /* marked already (never when n is 0) */
    ohm__w_extend(ohm_w, ohm_g);
}
/* Every group (clear, remove_if). An empty span begins at group 0 (the
 * first mark sets lo), then grows to the group before its start. */
static inline void ohm__w_touch_all(ohm__wr *ohm_w)
{
    if (ohm_w->n == 0) ohm__w_extend(ohm_w, 0);
    ohm__w_touch(ohm_w, (ohm_w->lo + ohm_w->gm) & ohm_w->gm);
}
/* The mutation ends: its stripes turn even again, then the sequence word,
 * each after every store the mutation made. */
static inline void ohm__w_end(ohm__wr *ohm_w)
{
    OHM__FENCE_REL();
    if (ohm_w->n == 1) {
        uint32_t *ohm_s = ohm_w->stripes + (ohm_w->lo & (ohm_w->ns - 1));
        ohm__st32(ohm_s, *ohm_s + 1);
    } else {
        uint32_t ohm_n = ohm_w->n < ohm_w->ns ? ohm_w->n : ohm_w->ns;
        for (uint32_t ohm_i = 0; ohm_i < ohm_n; ohm_i++) {
            uint32_t *ohm_s = ohm_w->stripes + ((ohm_w->lo + ohm_i) & (ohm_w->ns - 1));
            ohm__st32(ohm_s, *ohm_s + 1);
        }
    }
    OHM__FENCE_REL(); /* a snapshot that sees the sequence even sees the stripes even */
    ohm__st32(ohm_w->seq, *ohm_w->seq + 1);
}

/* A reader's check: after what it read, the n stripe words at the indexes
 * k still hold the values v it noted before (no write touched them). */
static inline bool ohm__stripes_same(const uint32_t *ohm_st, const uint32_t *ohm_k, const uint32_t *ohm_v,
                                     uint32_t ohm_n)
{
    OHM__FENCE_ACQ();
    for (uint32_t ohm_i = 0; ohm_i < ohm_n; ohm_i++)
        if (ohm__ld32(ohm_st + ohm_k[ohm_i]) != ohm_v[ohm_i]) return false;
    return true;
}

/* Where a block's metadata, class bytes and keys are, computed once from
 * one reading of its capacity and key offset: the checks of an untrusted
 * block use it throughout, so that a header rewritten under them (a
 * hostile process sharing the memory) cannot move their reads out of the
 * block they checked. */
typedef struct ohm__geo {
    uint32_t cap;        /* slots: 0 or a power of two */
    uint32_t mask;       /* cap - 1 (0 for cap 0) */
    uint32_t gm;         /* groups - 1: the group mask (0 below 16 slots) */
    uint32_t valid;      /* the bits of a group mask that are slots */
    const uint8_t *meta; /* slot 0's metadata byte */
    const uint8_t *cls;  /* group 0's class byte (none below 16 slots) */
    char *kb;            /* key slot 0 */
} ohm__geo;

/* n * each bytes into *out, or false when that does not fit in size_t
 * (a 32-bit size_t wraps at 2^28 entries of 16 bytes): every scratch
 * allocation's size goes through it. */
static inline bool ohm__scratch_size(uint64_t ohm_n, uint64_t ohm_each, size_t *ohm_out)
{
    if (ohm_each != 0 && ohm_n > OHM__CAST(uint64_t, SIZE_MAX) / ohm_each) return false;
    *ohm_out = OHM__CAST(size_t, ohm_n * ohm_each);
    return true;
}

/* The most key comparisons N_check makes in its search for keys stored
 * twice, past which it answers OHM_TOO_COSTLY: linear in the capacity. */
#define OHM__CHECK_BUDGET(cap) (1024 * OHM__CAST(uint64_t, cap) + (OHM__CAST(uint64_t, 1) << 20))

/* Sort words by their high 32 bits (the low 32 ride along, in no
 * particular order among equal high halves), in place, in O(n): a most
 * significant digit first radix sort, a byte at a time, finishing small
 * ranges by insertion. For N_check's search for keys stored twice. */
void ohm__sort_high32(uint64_t *ohm_a, size_t ohm_n);

/* Test builds may count the metadata groups a removal's shift and class
 * bit upkeep read (tests/test_remove_cost.c bounds that work). */
#ifndef OHM__COUNT_READ
#define OHM__COUNT_READ() ((void)0)
#endif

/* Scratch memory: only N_check (and N_validate) allocates, for its search
 * for keys stored twice, and N_remove_if, for its search for holes on
 * tables with long runs of full groups; both free it before returning. Define both
 * before the first include of ohm.h to use another allocator; an
 * OHM_MALLOC that returns NULL makes them fall back to slower searches
 * (the check's stays bounded). */
#ifndef OHM_MALLOC
#include <stdlib.h>
#define OHM_MALLOC(n) malloc(n)
#define OHM_FREE(p) free(p)
#endif

/* Contract breaches (a caller's broken promise) go through OHM_ASSERT. It
 * aborts with a message in debug builds and is off under NDEBUG; define it
 * before including ohm headers to route it elsewhere. */
void ohm_assert_fail(const char *ohm_what, const char *ohm_file, int ohm_line);
#ifndef OHM_ASSERT
#ifdef NDEBUG
#define OHM_ASSERT(cond, what) ((void)0)
#else
#define OHM_ASSERT(cond, what) ((cond) ? (void)0 : ohm_assert_fail((what), __FILE__, __LINE__))
#endif
#endif

/* OHM_DEBUG_CHECKS: whether the check after a mutation runs this time.
 * Every time in tables of up to 1024 slots; in larger ones when the
 * stamp (one step a mutation) is a multiple of capacity / 1024, so that a
 * debug build's checks cost about 1024 slots of work a mutation whatever
 * the table's size (a check after every mutation made filling a table
 * quadratic), and a broken invariant is still caught within that many
 * mutations. */
static inline bool ohm__debug_due(uint32_t ohm_stamp, uint32_t ohm_capacity)
{
    return ohm_capacity <= 1024 || (ohm_stamp & (ohm_capacity / 1024 - 1)) == 0;
}
/* What a debug check found: nothing on OHM_OK; a note on standard error,
 * once a process, on OHM_TOO_COSTLY (the check could not finish, which
 * says nothing against the map); otherwise the status, its name and what
 * it means, then abort. */
void ohm__debug_checked(ohm_status ohm_st, const char *ohm_map, const char *ohm_file, int ohm_line);
/* Debug builds: a map whose hash is OHM_HASH(key), which cannot read the
 * seed, was given a seed other than 0. A note on standard error, once a
 * process: seeding such a map protects nothing. */
void ohm__note_seed_unused(const char *ohm_map);
/* The name of a status as written in the source ("OHM_CORRUPT"). */
const char *ohm__status_name(ohm_status ohm_code);
#define OHM__STR2(x) #x
#define OHM__STR(x) OHM__STR2(x)

#ifdef __cplusplus
} /* extern "C" */

/* C++: the default integer hash by overloading, each integer type widened
 * as _Generic widens it in C, so that C and C++ build the same blocks. */
static inline uint64_t ohm__hash_int(bool ohm_k, uint64_t ohm_s) { return ohm__hash_unsigned(ohm_k, ohm_s); }
static inline uint64_t ohm__hash_int(char ohm_k, uint64_t ohm_s) { return ohm__hash_signed(ohm_k, ohm_s); }
static inline uint64_t ohm__hash_int(signed char ohm_k, uint64_t ohm_s) { return ohm__hash_signed(ohm_k, ohm_s); }
static inline uint64_t ohm__hash_int(unsigned char ohm_k, uint64_t ohm_s) { return ohm__hash_unsigned(ohm_k, ohm_s); }
static inline uint64_t ohm__hash_int(short ohm_k, uint64_t ohm_s) { return ohm__hash_signed(ohm_k, ohm_s); }
static inline uint64_t ohm__hash_int(unsigned short ohm_k, uint64_t ohm_s) { return ohm__hash_unsigned(ohm_k, ohm_s); }
static inline uint64_t ohm__hash_int(int ohm_k, uint64_t ohm_s) { return ohm__hash_signed(ohm_k, ohm_s); }
static inline uint64_t ohm__hash_int(unsigned ohm_k, uint64_t ohm_s) { return ohm__hash_unsigned(ohm_k, ohm_s); }
static inline uint64_t ohm__hash_int(long ohm_k, uint64_t ohm_s) { return ohm__hash_signed(ohm_k, ohm_s); }
static inline uint64_t ohm__hash_int(unsigned long ohm_k, uint64_t ohm_s) { return ohm__hash_unsigned(ohm_k, ohm_s); }
static inline uint64_t ohm__hash_int(long long ohm_k, uint64_t ohm_s) { return ohm__hash_signed(ohm_k, ohm_s); }
static inline uint64_t ohm__hash_int(unsigned long long ohm_k, uint64_t ohm_s) { return ohm__hash_unsigned(ohm_k, ohm_s); }
/* C's wchar_t, char16_t and char32_t are typedefs of the integer types
 * below; C++'s are types of their own, hashed as their C typedefs are. */
static inline uint64_t ohm__hash_int(wchar_t ohm_k, uint64_t ohm_s)
{
    return OHM__CAST(wchar_t, -1) < 0 ? ohm__hash_signed(OHM__CAST(int64_t, ohm_k), ohm_s) : ohm__hash_unsigned(OHM__CAST(uint64_t, ohm_k), ohm_s);
}
static inline uint64_t ohm__hash_int(char16_t ohm_k, uint64_t ohm_s) { return ohm__hash_unsigned(ohm_k, ohm_s); }
static inline uint64_t ohm__hash_int(char32_t ohm_k, uint64_t ohm_s) { return ohm__hash_unsigned(ohm_k, ohm_s); }
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
#include <time.h>
#if defined(__unix__) || defined(__APPLE__)
#include <sched.h>
#define OHM__YIELD() sched_yield()
#else
#define OHM__YIELD() ((void)0)
#endif

bool ohm__read_wait(ohm__wait *ohm_w, uint32_t ohm_ms)
{
    ohm_w->polls++;
    if ((ohm_w->polls & 63) != 0) { /* a short spin first: most writes take nanoseconds */
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#elif defined(__aarch64__)
        __asm__ __volatile__("yield");
#endif
        return true;
    }
    struct timespec ohm_ts;
    if (timespec_get(&ohm_ts, TIME_UTC) == 0) return ohm_w->polls < (OHM__CAST(uint32_t, 1) << 24);
    uint64_t ohm_now = OHM__CAST(uint64_t, ohm_ts.tv_sec) * 1000000000u + OHM__CAST(uint64_t, ohm_ts.tv_nsec);
    if (ohm_w->t0_ns == 0 || ohm_now < ohm_w->t0_ns) ohm_w->t0_ns = ohm_now; /* the first slow poll, or the clock went back */
    else if (ohm_now - ohm_w->t0_ns >= OHM__CAST(uint64_t, ohm_ms) * 1000000u) return false;
    OHM__YIELD(); /* the writer may be waiting for this processor */
    return true;
}

const char *ohm_strerror(ohm_status ohm_code)
{
    switch (ohm_code) {
    case OHM_OK: return "ok";
    case OHM_FOUND: return "the key was already present";
    case OHM_FULL: return "the map is full: no room for a new key";
    case OHM_INVALID: return "invalid argument, layout or alignment";
    case OHM_CORRUPT: return "corrupt block: its entries break an invariant";
    case OHM_BAD_MAGIC: return "not an ohm block (bad magic number)";
    case OHM_BAD_VERSION: return "ohm block of an unsupported format version";
    case OHM_BAD_ENDIAN: return "ohm block written with the other byte order";
    case OHM_BAD_TYPE: return "ohm block of another map type (key or value size or alignment, set or map, interleaving or type tag differ)";
    case OHM_TOO_SHORT: return "buffer shorter than the ohm block it holds";
    case OHM_MISALIGNED: return "buffer not aligned for this map type";
    case OHM_BAD_CAPACITY: return "capacity is not zero or a power of two up to 2^31, or its block does not fit in this machine's address space (size_t)";
    case OHM_BAD_OFFSETS: return "block offsets out of range or overlapping";
    case OHM_BAD_COUNT: return "entry count above the maximum load";
    case OHM_TOO_COSTLY: return "block too costly to check: too many keys share a hash (a broken hash or a crafted block), or no scratch memory for a very full table";
    case OHM_BUSY: return "a write to the block is unfinished: its writer is slow or died (recover the map under the writers' lock)";
    case OHM_ABSENT: return "the key is absent";
    }
    return "unknown ohm status";
}

const char *ohm__status_name(ohm_status ohm_code)
{
    switch (ohm_code) {
    case OHM_OK: return "OHM_OK";
    case OHM_FOUND: return "OHM_FOUND";
    case OHM_FULL: return "OHM_FULL";
    case OHM_INVALID: return "OHM_INVALID";
    case OHM_CORRUPT: return "OHM_CORRUPT";
    case OHM_BAD_MAGIC: return "OHM_BAD_MAGIC";
    case OHM_BAD_VERSION: return "OHM_BAD_VERSION";
    case OHM_BAD_ENDIAN: return "OHM_BAD_ENDIAN";
    case OHM_BAD_TYPE: return "OHM_BAD_TYPE";
    case OHM_TOO_SHORT: return "OHM_TOO_SHORT";
    case OHM_MISALIGNED: return "OHM_MISALIGNED";
    case OHM_BAD_CAPACITY: return "OHM_BAD_CAPACITY";
    case OHM_BAD_OFFSETS: return "OHM_BAD_OFFSETS";
    case OHM_BAD_COUNT: return "OHM_BAD_COUNT";
    case OHM_TOO_COSTLY: return "OHM_TOO_COSTLY";
    case OHM_BUSY: return "OHM_BUSY";
    case OHM_ABSENT: return "OHM_ABSENT";
    }
    return "(unknown status)";
}

void ohm__note_seed_unused(const char *ohm_map)
{
    static int ohm_noted;
    if (ohm_noted) return;
    ohm_noted = 1;
    fprintf(stderr, "ohm: %s: a seed was given, but the map hashes with OHM_HASH(key), which does not read it: "
                    "seeding changes nothing (use OHM_HASH_EX(m, key, seed) to hash with it)\n", ohm_map);
}

void ohm__debug_checked(ohm_status ohm_st, const char *ohm_map, const char *ohm_file, int ohm_line)
{
    static int ohm_noted;
    if (ohm_st == OHM_OK) return;
    if (ohm_st == OHM_TOO_COSTLY) {
        if (!ohm_noted)
            fprintf(stderr, "ohm: %s: debug check after a mutation at %s:%d skipped: %s (%s); later ones may be too\n",
                    ohm_map, ohm_file, ohm_line, ohm__status_name(ohm_st), ohm_strerror(ohm_st));
        ohm_noted = 1;
        return;
    }
    fprintf(stderr, "ohm: %s: the check after a mutation at %s:%d returned %s: %s\n", ohm_map, ohm_file, ohm_line,
            ohm__status_name(ohm_st), ohm_strerror(ohm_st));
    fflush(stderr);
    abort();
}

void ohm_assert_fail(const char *ohm_what, const char *ohm_file, int ohm_line)
{
    fprintf(stderr, "ohm: contract violation at %s:%d: %s\n", ohm_file, ohm_line, ohm_what);
    fflush(stderr);
    abort();
}

OHM__STATIC_ASSERT(OHM__ALIGNOF(ohm_header) <= 8, "ohm_base_align_for assumes the header needs at most 8");
static uint64_t ohm__align_up(uint64_t ohm_x, uint64_t ohm_a) { return (ohm_x + ohm_a - 1) & ~(ohm_a - 1); }
static bool ohm__pow2(uint64_t ohm_x) { return ohm_x != 0 && (ohm_x & (ohm_x - 1)) == 0; }

ohm_layout ohm_layout_for(uint32_t ohm_capacity, size_t ohm_key_size, size_t ohm_key_align,
                          size_t ohm_val_size, size_t ohm_val_align, bool ohm_interleaved)
{
    ohm_layout ohm_bad = {0, 0, 0, 0, 0};
    if (ohm_capacity != 0 && (!ohm__pow2(ohm_capacity) || ohm_capacity > OHM_MAX_CAPACITY)) return ohm_bad;
    if (!ohm__pow2(ohm_key_align) || !ohm__pow2(ohm_val_align) || ohm_key_align > 4096 || ohm_val_align > 4096)
        return ohm_bad;
    if (ohm_key_size > UINT32_MAX || ohm_val_size > UINT32_MAX) return ohm_bad;
    /* Every term is below 2^31 * 2^33, so 64-bit sums cannot wrap. */
    uint64_t ohm_cap = ohm_capacity;
    /* The header, the sync area, the journal's value buffer; the metadata
     * at the next multiple of 16 (a constant of the value type, so a
     * lookup adds no header read to reach it). */
    uint64_t ohm_meta = ohm__meta_start(ohm_val_size, ohm_val_align);
    uint64_t ohm_meta_len = ohm__meta_len(ohm_capacity);
    uint64_t ohm_keys, ohm_vals, end;
    if (ohm_interleaved) {
        uint64_t ohm_slot_align = ohm_key_align > ohm_val_align ? ohm_key_align : ohm_val_align;
        uint64_t ohm_slot = OHM_SLOT_SIZE(OHM__CAST(uint64_t, ohm_key_size), OHM__CAST(uint64_t, ohm_key_align),
                                      OHM__CAST(uint64_t, ohm_val_size), OHM__CAST(uint64_t, ohm_val_align));
        ohm_keys = ohm__align_up(ohm_meta + ohm_meta_len, ohm_slot_align);
        ohm_vals = ohm_keys + OHM_SLOT_VAL_OFFSET(OHM__CAST(uint64_t, ohm_key_size), OHM__CAST(uint64_t, ohm_val_align));
        end = ohm_keys + ohm_cap * ohm_slot;
    } else {
        ohm_keys = ohm__align_up(ohm_meta + ohm_meta_len, ohm_key_align);
        ohm_vals = ohm__align_up(ohm_keys + ohm_cap * ohm_key_size, ohm_val_align);
        end = ohm_vals + ohm_cap * ohm_val_size;
    }
    /* The stripe words after the slots; the size a multiple of the block's
     * alignment, so blocks can sit back to back and aligned_alloc(align,
     * total_size) is valid C. */
    end = ohm__align_up(end, 4) + 4u * OHM__CAST(uint64_t, ohm__stripes(ohm_capacity));
    end = ohm__align_up(end, ohm_base_align_for(ohm_key_align, ohm_val_align));
    if (end > SIZE_MAX) return ohm_bad;
    ohm_layout ohm_l;
    ohm_l.total_size = OHM__CAST(size_t, end);
    ohm_l.keys_start = OHM__CAST(size_t, ohm_keys);
    ohm_l.vals_start = OHM__CAST(size_t, ohm_vals);
    ohm_l.capacity = ohm_capacity;
    ohm_l.meta_start = OHM__CAST(size_t, ohm_meta);
    return ohm_l;
}

uint32_t ohm_capacity_for(uint32_t ohm_entries, unsigned ohm_max_load)
{
    if (ohm_max_load < 1 || ohm_max_load > 100) return UINT32_MAX;
    if (ohm_entries == 0) return 0;
    for (uint64_t ohm_cap = 1; ohm_cap <= OHM_MAX_CAPACITY; ohm_cap <<= 1)
        if (ohm_max_entries(OHM__CAST(uint32_t, ohm_cap), ohm_max_load) >= ohm_entries) return OHM__CAST(uint32_t, ohm_cap);
    return UINT32_MAX;
}

void ohm_header_init(ohm_header *ohm_h, ohm_layout ohm_lay, const ohm_signature *ohm_sig,
                     unsigned ohm_max_load, uint64_t ohm_seed)
{
    memset(ohm_h, 0, sizeof *ohm_h);
    ohm_h->magic = OHM_MAGIC;
    ohm_h->version = OHM_FORMAT_VERSION;
    ohm_h->byte_order = OHM_BYTE_ORDER_MARK;
    ohm_h->capacity = ohm_lay.capacity;
    ohm_h->count = 0;
    ohm_h->max_entries = ohm_max_entries(ohm_lay.capacity, ohm_max_load);
    ohm_h->max_load = OHM__CAST(uint8_t, ohm_max_load);
    ohm_h->fp_bits = OHM__FP_BITS;
    ohm_h->mirror = OHM_GROUP_MIRROR;
    ohm_h->flags = ohm_sig->flags;
    ohm_h->seed = ohm_seed;
    ohm_h->key_size = ohm_sig->key_size;
    ohm_h->key_align = ohm_sig->key_align;
    ohm_h->val_size = ohm_sig->val_size;
    ohm_h->val_align = ohm_sig->val_align;
    ohm_h->type_tag = ohm_sig->type_tag;
    ohm_h->meta_start = ohm_lay.meta_start;
    ohm_h->keys_start = ohm_lay.keys_start;
    ohm_h->vals_start = ohm_lay.vals_start;
    ohm_h->total_size = ohm_lay.total_size;
}

static uint32_t ohm__bswap32(uint32_t ohm_x)
{
    return (ohm_x >> 24) | ((ohm_x >> 8) & 0xff00u) | ((ohm_x << 8) & 0xff0000u) | (ohm_x << 24);
}

ohm_status ohm_header_check(const void *ohm_buf, size_t ohm_len, size_t ohm_base_align,
                            const ohm_signature *ohm_sig)
{
    ohm_header ohm_h;
    return ohm__header_read(ohm_buf, ohm_len, ohm_base_align, ohm_sig, &ohm_h);
}

ohm_status ohm__header_read(const void *ohm_buf, size_t ohm_len, size_t ohm_base_align,
                            const ohm_signature *ohm_sig, ohm_header *ohm_out)
{
    if (ohm_buf == OHM__NULL || ohm_sig == OHM__NULL) return OHM_INVALID;
    if ((OHM__PTR_CAST(uintptr_t, ohm_buf) & (ohm_base_align - 1)) != 0) return OHM_MISALIGNED;
    /* The magic first, as soon as its 4 bytes are there: a short file of
     * another format is "not an ohm block", not "too short". */
    uint32_t ohm_magic;
    if (ohm_len < sizeof ohm_magic) return OHM_TOO_SHORT;
    memcpy(&ohm_magic, ohm_buf, sizeof ohm_magic);
    if (ohm_magic != OHM_MAGIC)
        return ohm_magic == ohm__bswap32(OHM_MAGIC) ? OHM_BAD_ENDIAN : OHM_BAD_MAGIC;
    if (ohm_len < sizeof(ohm_header)) return OHM_TOO_SHORT;
    ohm_header ohm_h;
    memcpy(&ohm_h, ohm_buf, sizeof ohm_h);
    if (ohm_h.byte_order != OHM_BYTE_ORDER_MARK) return OHM_BAD_ENDIAN;
    if (ohm_h.version != OHM_FORMAT_VERSION) return OHM_BAD_VERSION;
    if (ohm_h.key_size != ohm_sig->key_size || ohm_h.key_align != ohm_sig->key_align ||
        ohm_h.val_size != ohm_sig->val_size || ohm_h.val_align != ohm_sig->val_align ||
        ohm_h.flags != ohm_sig->flags || ohm_h.type_tag != ohm_sig->type_tag)
        return OHM_BAD_TYPE;
    if (ohm_h.max_load < 1 || ohm_h.max_load > 100 || ohm_h.fp_bits != OHM__FP_BITS || ohm_h.mirror != OHM_GROUP_MIRROR)
        return OHM_BAD_TYPE;
    if (ohm_h.capacity != 0 && (!ohm__pow2(ohm_h.capacity) || ohm_h.capacity > OHM_MAX_CAPACITY))
        return OHM_BAD_CAPACITY;
    ohm_layout ohm_l = ohm_layout_for(ohm_h.capacity, ohm_sig->key_size, ohm_sig->key_align, ohm_sig->val_size,
                                  ohm_sig->val_align, (ohm_sig->flags & OHM_FLAG_INTERLEAVED) != 0);
    if (ohm_l.total_size == 0) return OHM_BAD_CAPACITY;
    if (ohm_h.meta_start != ohm_l.meta_start || ohm_h.keys_start != ohm_l.keys_start ||
        ohm_h.vals_start != ohm_l.vals_start || ohm_h.total_size != ohm_l.total_size)
        return OHM_BAD_OFFSETS;
    if (ohm_h.total_size > ohm_len) return OHM_TOO_SHORT;
    if (ohm_h.max_entries != ohm_max_entries(ohm_h.capacity, ohm_h.max_load)) return OHM_BAD_COUNT;
    if (ohm_h.count > ohm_h.max_entries) return OHM_BAD_COUNT;
    *ohm_out = ohm_h;
    return OHM_OK;
}

/* Insertion sort by the high halves, for the small ranges. */
static void ohm__isort_high32(uint64_t *ohm_a, size_t ohm_n)
{
    for (size_t ohm_i = 1; ohm_i < ohm_n; ohm_i++) {
        uint64_t ohm_v = ohm_a[ohm_i];
        size_t ohm_j = ohm_i;
        for (; ohm_j > 0 && (ohm_a[ohm_j - 1] >> 32) > (ohm_v >> 32); ohm_j--) ohm_a[ohm_j] = ohm_a[ohm_j - 1];
        ohm_a[ohm_j] = ohm_v;
    }
}

/* One level of the radix sort: the byte at `shift` of the high half
 * distributes the range over 256 buckets by swapping in place (each word
 * moves straight to its bucket), then each bucket is sorted by the next
 * byte. Depth at most 4; a range of n words costs O(n + 256). */
static void ohm__rsort_high32(uint64_t *ohm_a, size_t ohm_n, unsigned ohm_shift)
{
    if (ohm_n <= 32) {
        ohm__isort_high32(ohm_a, ohm_n);
        return;
    }
    size_t ohm_next[256] = {0}, ohm_end[256];
    for (size_t ohm_i = 0; ohm_i < ohm_n; ohm_i++) ohm_next[(ohm_a[ohm_i] >> ohm_shift) & 0xff]++;
    for (size_t ohm_d = 0, ohm_sum = 0; ohm_d < 256; ohm_d++) {
        size_t ohm_c = ohm_next[ohm_d];
        ohm_next[ohm_d] = ohm_sum;
        ohm_sum += ohm_c;
        ohm_end[ohm_d] = ohm_sum;
    }
    for (size_t ohm_d = 0; ohm_d < 256; ohm_d++)
        while (ohm_next[ohm_d] < ohm_end[ohm_d]) {
            uint64_t ohm_v = ohm_a[ohm_next[ohm_d]];
            size_t ohm_b = (ohm_v >> ohm_shift) & 0xff;
            if (ohm_b == ohm_d) {
                ohm_next[ohm_d]++;
                continue;
            }
            ohm_a[ohm_next[ohm_d]] = ohm_a[ohm_next[ohm_b]]; /* v to its bucket, that bucket's word here */
            ohm_a[ohm_next[ohm_b]++] = ohm_v;
        }
    if (ohm_shift == 32) return;
    for (size_t ohm_d = 0, ohm_from = 0; ohm_d < 256; ohm_from = ohm_end[ohm_d++])
        if (ohm_end[ohm_d] - ohm_from > 1) ohm__rsort_high32(ohm_a + ohm_from, ohm_end[ohm_d] - ohm_from, ohm_shift - 8);
}

void ohm__sort_high32(uint64_t *ohm_a, size_t ohm_n) { ohm__rsort_high32(ohm_a, ohm_n, 56); }

/* Little-endian reads, so the hash of a byte string is the same everywhere.
 * One expression of the eight bytes, which gcc and clang compile to one
 * load (and a byte swap, or a byte-reversed load, on big-endian machines);
 * as a loop it stayed eight loads and shifts. */
static inline uint64_t ohm__read64(const unsigned char *ohm_p)
{
    return OHM__CAST(uint64_t, ohm_p[0]) | OHM__CAST(uint64_t, ohm_p[1]) << 8 | OHM__CAST(uint64_t, ohm_p[2]) << 16 | OHM__CAST(uint64_t, ohm_p[3]) << 24 |
           OHM__CAST(uint64_t, ohm_p[4]) << 32 | OHM__CAST(uint64_t, ohm_p[5]) << 40 | OHM__CAST(uint64_t, ohm_p[6]) << 48 | OHM__CAST(uint64_t, ohm_p[7]) << 56;
}

/* The last n bytes of a key (n in 0..7), little-endian, with a 1 byte
 * after them: "" reads as 1, "a" as 0x161, "a\0" as 0x10061. Because the
 * 1 marks where the bytes end, tails of different lengths never read
 * alike, zero bytes included. */
static uint64_t ohm__read_tail(const unsigned char *ohm_p, size_t ohm_n)
{
    uint64_t ohm_v = 1;
    for (size_t ohm_i = ohm_n; ohm_i-- > 0;) ohm_v = (ohm_v << 8) | ohm_p[ohm_i];
    return ohm_v;
}

/* A secret from the seed's mix: bit 63 set, bits 62 and 55 clear. An
 * operand (input word ^ secret) is then 0 or all ones (the two values that
 * make a folded multiply forget its other operand: fold_mul(~0, y) is ~0
 * for every y != 0) only for a word whose bits 63 and 62 differ and whose
 * bits 63 and 55 differ, never for a zero word, a small integer of either
 * sign, or a word of ASCII text or of bytes >= 0x80, whatever the seed. */
static uint64_t ohm__hb_secret(uint64_t ohm_x)
{
    return (ohm_x | 0x8000000000000000u) & ~OHM__CAST(uint64_t, 0x4080000000000000u);
}

uint64_t ohm_hash_bytes(const void *ohm_data, size_t ohm_len, uint64_t ohm_seed)
{
    /* Two secrets from the seed through a bijective mix (xor with a
     * constant, multiply by an odd constant, xor-shift: each step can be
     * undone, so distinct seeds mix to distinct values), so that a seed
     * built from the constants gives secrets as unrelated to them as any
     * other seed's. No secret is a constant xored with something the seed
     * can cancel, and none is a multiplier on its own. */
    uint64_t ohm_x = (ohm_seed ^ OHM__HB_K0) * OHM__HB_K1;
    ohm_x ^= ohm_x >> 32;
    uint64_t ohm_s1 = (ohm_x ^ OHM__HB_K2) * OHM__HB_K3, ohm_s2 = (ohm_x ^ OHM__HB_K1) * OHM__HB_K0;
    ohm_s1 = ohm__hb_secret(ohm_s1 ^ (ohm_s1 >> 29));
    ohm_s2 = ohm__hb_secret(ohm_s2 ^ (ohm_s2 >> 31));

    /* Each 16-byte chunk: one folded multiply of (first word ^ s1) by
     * (second word ^ state); the state starts at s2. The remaining 0..15
     * bytes, with a 1 byte after them, make one more chunk, so the chunks
     * spell the key unambiguously. An operand is zeroed (or made all ones)
     * only by a word that equals a secret or the running state, which
     * takes knowing the seed. */
    const unsigned char *ohm_p = OHM__CAST(const unsigned char *, ohm_data);
    uint64_t ohm_h = ohm_s2;
    size_t ohm_n = ohm_len;
    while (ohm_n >= 16) {
        ohm_h = ohm_fold_mul(ohm__read64(ohm_p) ^ ohm_s1, ohm__read64(ohm_p + 8) ^ ohm_h);
        ohm_p += 16;
        ohm_n -= 16;
    }
    uint64_t ohm_a, ohm_b = 0;
    if (ohm_n >= 8) {
        ohm_a = ohm__read64(ohm_p);
        ohm_b = ohm__read_tail(ohm_p + 8, ohm_n - 8);
    } else {
        ohm_a = ohm__read_tail(ohm_p, ohm_n);
    }
    ohm_h = ohm_fold_mul(ohm_a ^ ohm_s1, ohm_b ^ ohm_h);

    /* The length is the other operand of the last multiply, where no input
     * word reaches it. K4 has bits 63 and 62 set to 1 and 0, so K4 ^ len is
     * neither 0 nor all ones for any length below 2^62. */
    return ohm_fold_mul(ohm_h ^ ohm_s2, OHM__HB_K4 ^ OHM__CAST(uint64_t, ohm_len));
}
#endif /* OHM_IMPLEMENTATION */
