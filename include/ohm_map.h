/* ohm_map.h - the ohm map template: define the parameters, include, get a
 * type-specialised relocatable hash map whose hash and equality are inlined.
 *
 * A map lives in one block of memory that you provide: a header, one
 * metadata byte per slot (used bit + 7-bit fingerprint), one overflow byte
 * per 16 slots, then the keys and values (side by side when that adds no
 * padding). Nothing in the block is a pointer, so a memcpy'd, mmap'd or
 * shared copy of the block is the same map at its new address. Capacity is
 * fixed (a power of two); linear probing; backward-shift deletion, so the
 * map never degrades under churn.
 *
 *     #define OHM_NAME imap            // prefix of every generated name
 *     #define OHM_KEY uint32_t
 *     #define OHM_VALUE uint32_t       // leave undefined for a set
 *     #include "ohm_map.h"             // parameters are #undef'd after
 *
 *     ohm_layout l = imap_layout(1000);            // room for 1000 entries
 *     void *buf = aligned_alloc(imap_base_align(), l.total_size);
 *     imap *m = imap_init(buf, l);
 *     imap_put(m, 7, 49);                          // OHM_OK: new entry
 *     uint32_t *v = imap_get(m, 7);                // *v == 49
 *     memcpy(other, buf, l.total_size);            // other is the same map
 *     imap_get((imap *)other, 7);                  // found there too
 *
 * Parameters (defaults in brackets):
 *   OHM_NAME             prefix N of the generated names (required)
 *   OHM_KEY              key type, any assignable complete type (required)
 *   OHM_VALUE            value type [none: the map is a set]
 *   OHM_HASH(key)        uint64_t hash of a key value [ohm_hash_u64 of the
 *                        seed, for integer keys; required for others]
 *   OHM_HASH_EX(m, key, seed)  hash with the map (const N *) and the
 *                        block's seed, for keys that are offsets into the
 *                        map's own block or its owner's [unused]
 *   OHM_EQ(a, b)         key equality on values [(a) == (b)]
 *   OHM_EQ_EX(m, a, b)   equality with the map (const N *) [unused]
 *   OHM_MAX_LOAD         default maximum load in percent, 1..100 [100]
 *   OHM_TYPE_TAG         uint32_t stored in and checked against blocks, to
 *                        tell apart instantiations with equal sizes [0]
 *   OHM_INTERLEAVE       1: each value beside its key; 0: keys and values
 *                        in arrays of their own [1 when that adds no
 *                        padding]
 *
 * Pointer stability: insertion never moves entries. Removal (backward
 * shift) may move other entries of the same cluster: every key or value
 * pointer obtained before a removal is invalid after it, and a removal
 * during iteration invalidates the iterator. clear invalidates everything.
 * A hash must be deterministic: the blocks it builds outlive the process.
 *
 * Full reference: docs/map.md. Block format: docs/FORMAT.md.
 */
#include "ohm.h"

/* ========================================================================
 * Parameters and defaults
 * ====================================================================== */
#ifndef OHM_NAME
#error "ohm_map.h: define OHM_NAME (the prefix of every generated name) before including it"
#endif
#ifndef OHM_KEY
#error "ohm_map.h: define OHM_KEY (the key type) before including it"
#endif
#ifndef OHM_MAX_LOAD
#define OHM_MAX_LOAD 100
#endif
#if (OHM_MAX_LOAD) < 1 || (OHM_MAX_LOAD) > 100
#error "ohm_map.h: OHM_MAX_LOAD must be a whole percentage from 1 to 100"
#endif
#ifndef OHM_TYPE_TAG
#define OHM_TYPE_TAG 0
#endif

#if defined(OHM_HASH_EX)
#define OHM__HASH(m, k) ((uint64_t)(OHM_HASH_EX((m), (k), (m)->hdr.seed)))
#elif defined(OHM_HASH)
#define OHM__HASH(m, k) ((uint64_t)(OHM_HASH(k)))
#else
#define OHM__HASH(m, k) OHM__HASH_INT((k), (m)->hdr.seed)
#endif

#if defined(OHM_EQ_EX)
#define OHM__EQ(m, a, b) (OHM_EQ_EX((m), (a), (b)))
#elif defined(OHM_EQ)
#define OHM__EQ(m, a, b) (OHM_EQ((a), (b)))
#else
#define OHM__EQ(m, a, b) ((a) == (b))
#endif

/* OHM__MAP_ONLY(x) is x for a map and nothing for a set, so one function
 * body serves both. */
#ifdef OHM_VALUE
#define OHM__MAP_ONLY(...) __VA_ARGS__
#define OHM__VAL_SIZE sizeof(OHM_VALUE)
#define OHM__VAL_ALIGN _Alignof(OHM_VALUE)
/* Values beside their keys when that adds no padding: a hit then reads one
 * slot line instead of a key line and a value line (docs/PERFORMANCE.md). */
#ifndef OHM_INTERLEAVE
#define OHM_INTERLEAVE                                                                        \
    (OHM_SLOT_SIZE(sizeof(OHM_KEY), _Alignof(OHM_KEY), sizeof(OHM_VALUE), _Alignof(OHM_VALUE)) == \
     sizeof(OHM_KEY) + sizeof(OHM_VALUE))
#endif
#define OHM__FLAGS ((OHM_INTERLEAVE) ? OHM_FLAG_INTERLEAVED : 0u)
#define OHM__KSTRIDE                                                                          \
    ((OHM_INTERLEAVE) ? OHM_SLOT_SIZE(sizeof(OHM_KEY), _Alignof(OHM_KEY), sizeof(OHM_VALUE),  \
                                      _Alignof(OHM_VALUE))                                    \
                      : sizeof(OHM_KEY))
#define OHM__VSTRIDE ((OHM_INTERLEAVE) ? OHM__KSTRIDE : sizeof(OHM_VALUE))
#else
#define OHM__MAP_ONLY(...)
#define OHM__VAL_SIZE 0u
#define OHM__VAL_ALIGN 1u
#define OHM_INTERLEAVE 0
#define OHM__FLAGS OHM_FLAG_SET
#define OHM__KSTRIDE sizeof(OHM_KEY)
#endif

#ifdef OHM_DEBUG_CHECKS
#define OHM__DEBUG_CHECK(m) OHM_ASSERT(OHM__F(_check)(m) == OHM_OK, "invariant broken after a mutation")
#else
#define OHM__DEBUG_CHECK(m) ((void)0)
#endif

#define OHM__F(suffix) OHM__CAT(OHM_NAME, suffix)
#define OHM__N OHM_NAME
#define OHM__K OHM_KEY
#define OHM__V OHM_VALUE
#define OHM__ENTRY OHM__F(_entry)
#define OHM__KV OHM__F(_kv)
#define OHM__ITER OHM__F(_iter)
#define OHM__EQ_FN OHM__F(_eq_fn)

/* ========================================================================
 * Types
 * ====================================================================== */

/* The map: the address of its block. Only the header is a C member; the
 * metadata, keys and values follow at the offsets it records. */
typedef struct OHM__N {
    ohm_header hdr;
} OHM__N;

/* Pointers into the block to one entry; key == NULL when there is none. */
typedef struct OHM__ENTRY {
    OHM__K *key;
    OHM__MAP_ONLY(OHM__V *value;)
} OHM__ENTRY;

/* A copy of one entry (what fetch_put replaced, what fetch_remove took). */
typedef struct OHM__KV {
    OHM__K key;
    OHM__MAP_ONLY(OHM__V value;)
} OHM__KV;

/* Iteration state: the group of slots being visited and which of its used
 * slots are still to come. */
typedef struct OHM__ITER {
    const OHM__N *map;
    uint32_t group; /* first slot of the current group */
    ohm__bits used; /* used slots of the group not visited yet */
} OHM__ITER;

/* Equality of a caller's probe (any type) with a stored key, for the
 * adapted calls. */
typedef bool (*OHM__EQ_FN)(const void *probe, const OHM__K *key, void *ctx);

/* The invariant checker (defined with the block checks at the end), which
 * OHM_DEBUG_CHECKS builds run after every mutation. */
static inline ohm_status OHM__F(_check)(const OHM__N *m);

/* ========================================================================
 * Small helpers (private)
 * ====================================================================== */

static inline uint8_t *OHM__F(__meta)(const OHM__N *m)
{
    return (uint8_t *)(uintptr_t)m + sizeof(ohm_header);
}
/* The overflow bytes, one per aligned run of OHM_OVF_SLOTS slots, after
 * the metadata mirror; tables smaller than a run have none. */
static inline uint8_t *OHM__F(__ovf)(const OHM__N *m)
{
    return OHM__F(__meta)(m) + m->hdr.capacity + OHM_GROUP_MIRROR;
}

/* Slot s's key and value. Keys (and values) are OHM__KSTRIDE (and
 * OHM__VSTRIDE) bytes apart: their own arrays, or interleaved slots. */
static inline char *OHM__F(__key_base)(const OHM__N *m)
{
    return (char *)(uintptr_t)m + m->hdr.keys_start;
}
static inline OHM__K *OHM__F(__key_in)(char *key_base, uint32_t s)
{
    return (OHM__K *)(void *)(key_base + (size_t)s * OHM__KSTRIDE);
}
static inline OHM__K *OHM__F(__key)(const OHM__N *m, uint32_t s)
{
    return OHM__F(__key_in)(OHM__F(__key_base)(m), s);
}
#ifdef OHM_VALUE
static inline OHM__V *OHM__F(__val)(const OHM__N *m, uint32_t s)
{
    return (OHM__V *)(void *)((char *)(uintptr_t)m + m->hdr.vals_start + (size_t)s * OHM__VSTRIDE);
}
#endif

static inline ohm_signature OHM__F(__signature)(void)
{
    ohm_signature s;
    s.key_size = (uint32_t)sizeof(OHM__K);
    s.key_align = (uint32_t)_Alignof(OHM__K);
    s.val_size = (uint32_t)OHM__VAL_SIZE;
    s.val_align = (uint32_t)OHM__VAL_ALIGN;
    s.type_tag = (uint32_t)(OHM_TYPE_TAG);
    s.flags = (uint8_t)OHM__FLAGS;
    return s;
}

/* Write slot i's metadata byte and its mirror copies after the last slot
 * (slots below OHM_GROUP_MIRROR are mirrored; a capacity smaller than the
 * mirror repeats cyclically). */
static inline void OHM__F(__set_meta)(OHM__N *m, uint32_t i, uint8_t v)
{
    uint8_t *meta = OHM__F(__meta)(m);
    uint32_t cap = m->hdr.capacity;
    meta[i] = v;
    if (cap >= OHM_GROUP_MIRROR) {
        /* i itself when i >= mirror, else its mirror: no branch needed */
        meta[((i - OHM_GROUP_MIRROR) & (cap - 1)) + OHM_GROUP_MIRROR] = v;
    } else {
        for (uint32_t k = i; k < OHM_GROUP_MIRROR; k += cap) meta[cap + k] = v;
    }
}

/* The probe. Looks for a key from its home slot (hash & (capacity - 1)),
 * a group of slots at a time, up to the first free slot. Returns the slot
 * holding the key, or OHM__NONE; then *free_slot (when asked) is the first
 * free slot on the way, where the key belongs, or OHM__NONE when the table
 * has no free slot. Keys are compared with OHM_EQ, or with `eq` when it is
 * given (adapted calls); `no_eq` skips comparing (put_new). */
static inline uint32_t OHM__F(__probe)(const OHM__N *m, uint64_t hash, const OHM__K *key,
                                       OHM__EQ_FN eq, const void *probe, void *ctx,
                                       bool no_eq, uint32_t *free_slot)
{
    uint32_t cap = m->hdr.capacity;
    if (free_slot) *free_slot = OHM__NONE;
    if (cap == 0) return OHM__NONE;
    uint32_t mask = cap - 1, pos = (uint32_t)hash & mask;
    uint8_t tag = ohm__tag(hash);
    const uint8_t *meta = OHM__F(__meta)(m);
    char *kb = OHM__F(__key_base)(m);
    /* A lookup may stop once it has searched the home slot's run (the
     * `run_left` slots after home) when no key of its class overflowed the
     * run. Only insertion needs the free slot beyond. */
    uint32_t home = pos, run_left = (OHM_OVF_SLOTS - 1) - (pos & (OHM_OVF_SLOTS - 1));
    /* Reading a group at pos never passes the mirror, and `seen` bounds a
     * full table's probe to one lap. */
    for (uint32_t seen = 0; seen < cap; seen += OHM__GROUP) {
        ohm__bits match, empty;
        ohm__group_scan(meta + pos, tag, &match, &empty);
        if (!no_eq) {
            /* A match past the group's first free slot belongs to another
             * cluster and cannot be the key; comparing it (rare) is cheaper
             * than masking it off, which costs an unpredictable branch. */
            for (; match; match = ohm__bits_drop_first(match)) {
                uint32_t s = (pos + ohm__bits_first(match)) & mask;
                const OHM__K *k = OHM__F(__key_in)(kb, s);
                if (eq ? eq(probe, k, ctx) : OHM__EQ(m, *k, *key)) return s;
            }
        }
        if (empty) {
            if (free_slot) *free_slot = (pos + ohm__bits_first(empty)) & mask;
            return OHM__NONE;
        }
        if (free_slot == NULL && cap >= OHM_OVF_SLOTS && seen <= run_left &&
            seen + OHM__GROUP > run_left &&
            !(OHM__F(__ovf)(m)[home / OHM_OVF_SLOTS] & ohm__ovf_bit(hash)))
            return OHM__NONE; /* the run is searched and nothing overflowed it */
        pos = (pos + OHM__GROUP) & mask;
    }
    return OHM__NONE;
}

/* Find the key or claim a slot for it: OHM_FOUND with its slot, OHM_OK with
 * a new slot whose metadata is set and counted (the caller stores the key
 * and value), or OHM_FULL with nothing changed. */
static inline ohm_status OHM__F(__claim)(OHM__N *m, uint64_t hash, const OHM__K *key,
                                         OHM__EQ_FN eq, const void *probe, void *ctx,
                                         bool no_eq, uint32_t *slot)
{
    uint32_t free_slot;
    uint32_t s = OHM__F(__probe)(m, hash, key, eq, probe, ctx, no_eq, &free_slot);
    if (s != OHM__NONE) {
        *slot = s;
        return OHM_FOUND;
    }
    if (m->hdr.count >= m->hdr.max_entries || free_slot == OHM__NONE) return OHM_FULL;
    uint32_t cap = m->hdr.capacity, home = (uint32_t)hash & (cap - 1);
    if (cap >= OHM_OVF_SLOTS && ohm__overflows(home, (free_slot - home) & (cap - 1)))
        OHM__F(__ovf)(m)[home / OHM_OVF_SLOTS] |= ohm__ovf_bit(hash);
    OHM__F(__set_meta)(m, free_slot, ohm__tag(hash));
    m->hdr.count++;
    *slot = free_slot;
    return OHM_OK;
}

/* The slot whose key `key_ptr` points at, or OHM__NONE when it is not a
 * key slot of this map (compared as integers: it may point anywhere). */
static inline uint32_t OHM__F(__slot_of)(const OHM__N *m, const OHM__K *key_ptr)
{
    uintptr_t base = (uintptr_t)OHM__F(__key_base)(m), p = (uintptr_t)key_ptr;
    uintptr_t span = (uintptr_t)m->hdr.capacity * OHM__KSTRIDE;
    if (p < base || p - base >= span || (p - base) % OHM__KSTRIDE != 0) return OHM__NONE;
    return (uint32_t)((p - base) / OHM__KSTRIDE);
}

static inline OHM__ENTRY OHM__F(__entry_at)(const OHM__N *m, uint32_t s)
{
    OHM__ENTRY e;
    e.key = s == OHM__NONE ? NULL : OHM__F(__key)(m, s);
    OHM__MAP_ONLY(e.value = s == OHM__NONE ? NULL : OHM__F(__val)(m, s);)
    return e;
}

static inline OHM__KV OHM__F(__kv_at)(const OHM__N *m, uint32_t s)
{
    OHM__KV kv;
    kv.key = *OHM__F(__key)(m, s);
    OHM__MAP_ONLY(kv.value = *OHM__F(__val)(m, s);)
    return kv;
}

/* Remove the entry in slot i by backward shift (Knuth 6.4, Algorithm R):
 * each later entry of the cluster whose home is not cyclically in (i, j]
 * moves back into the hole, so the table is as if the key had never been
 * inserted. Bounded by two laps even on a damaged block.
 *
 * Overflow bytes: every entry that overflows a run from i's run up to (not
 * including) the run holding the cluster's end lies in the part of the
 * cluster after i, which the shift visits; so those bytes are cleared and
 * rebuilt from the entries as they end up. Bytes of earlier runs keep
 * their bits (a bit with no key left behind only costs a longer probe). */
static inline void OHM__F(__erase_slot)(OHM__N *m, uint32_t i)
{
    uint32_t cap = m->hdr.capacity, mask = cap - 1;
    uint8_t *meta = OHM__F(__meta)(m);
    uint8_t *ovf = OHM__F(__ovf)(m);
    char *kb = OHM__F(__key_base)(m);
    bool tracks = cap >= OHM_OVF_SLOTS;
    if (tracks) {
        uint32_t end = OHM__NONE; /* the cluster's first free slot after i */
        for (uint32_t d = 1; d < cap && end == OHM__NONE; d += OHM__GROUP) {
            ohm__bits free_bits = ohm__group_free(meta + ((i + d) & mask));
            if (free_bits && d + ohm__bits_first(free_bits) < cap)
                end = (i + d + ohm__bits_first(free_bits)) & mask;
        }
        if (end != OHM__NONE) {
            uint32_t runs = cap / OHM_OVF_SLOTS, last = end / OHM_OVF_SLOTS;
            for (uint32_t r = i / OHM_OVF_SLOTS; r != last; r = (r + 1) & (runs - 1)) ovf[r] = 0;
        }
    }
    uint32_t j = i;
    for (uint64_t step = 0; step < 2 * (uint64_t)cap; step++) {
        j = (j + 1) & mask;
        if (meta[j] == 0 || j == i) break;
        uint64_t h = OHM__HASH(m, *OHM__F(__key_in)(kb, j));
        uint32_t home = (uint32_t)h & mask, at = j;
        if (((j - home) & mask) >= ((j - i) & mask)) {
            *OHM__F(__key_in)(kb, i) = *OHM__F(__key_in)(kb, j);
            OHM__MAP_ONLY(*OHM__F(__val)(m, i) = *OHM__F(__val)(m, j);)
            OHM__F(__set_meta)(m, i, meta[j]);
            at = i;
            i = j;
        }
        if (tracks) /* branch-free: whether it overflows is unpredictable */
            ovf[home / OHM_OVF_SLOTS] |=
                (uint8_t)(ohm__ovf_bit(h) & (0u - (unsigned)ohm__overflows(home, (at - home) & mask)));
    }
    OHM__F(__set_meta)(m, i, 0);
    m->hdr.count--;
}

/* ========================================================================
 * Layout and creation
 * ====================================================================== */

/* The block for `capacity` raw slots: 0 or a power of two up to 2^31, not
 * scaled by the load. total_size == 0 when impossible. */
static inline ohm_layout OHM__F(_layout_for_capacity)(uint32_t capacity)
{
    return ohm_layout_for(capacity, sizeof(OHM__K), _Alignof(OHM__K), OHM__VAL_SIZE,
                          OHM__VAL_ALIGN, OHM_INTERLEAVE);
}

/* The smallest block whose maximum load (`max_load` percent) holds
 * `entries`; capacity 0 for 0 entries; total_size == 0 when no capacity up
 * to 2^31 suffices or max_load is not 1..100. */
static inline ohm_layout OHM__F(_layout_for_load)(uint32_t entries, unsigned max_load)
{
    return OHM__F(_layout_for_capacity)(ohm_capacity_for(entries, max_load));
}

/* The smallest block whose maximum load (OHM_MAX_LOAD) holds `entries`. */
static inline ohm_layout OHM__F(_layout)(uint32_t entries)
{
    return OHM__F(_layout_for_load)(entries, OHM_MAX_LOAD);
}

/* The alignment a block's start must have. */
static inline size_t OHM__F(_base_align)(void)
{
    return ohm_base_align_for(_Alignof(OHM__K), OHM__VAL_ALIGN);
}

/* Format `buf` (layout.total_size bytes, aligned to N_base_align()) as an
 * empty map with hash seed `seed` and maximum load `max_load` percent (0:
 * OHM_MAX_LOAD). Every byte of the block is written (zeroed first), so
 * equal operations give byte-identical blocks. Returns NULL, touching
 * nothing, when buf is NULL or misaligned, max_load is above 100, or the
 * layout is not what N_layout_for_capacity gives for its capacity. */
static inline OHM__N *OHM__F(_init_ex)(void *buf, ohm_layout layout, uint64_t seed,
                                       unsigned max_load)
{
    if (max_load == 0) max_load = OHM_MAX_LOAD;
    if (buf == NULL || ((uintptr_t)buf & (OHM__F(_base_align)() - 1)) != 0 || max_load > 100)
        return NULL;
    ohm_layout want = OHM__F(_layout_for_capacity)(layout.capacity);
    if (want.total_size == 0 || layout.total_size != want.total_size ||
        layout.keys_start != want.keys_start || layout.vals_start != want.vals_start ||
        layout.meta_start != want.meta_start)
        return NULL;
    ohm_signature sig = OHM__F(__signature)();
    memset(buf, 0, want.total_size);
    OHM__N *m = (OHM__N *)buf;
    ohm_header_init(&m->hdr, want, &sig, max_load, seed);
    return m;
}

/* N_init_ex with seed OHM_SEED_DEFAULT (0) and OHM_MAX_LOAD. */
static inline OHM__N *OHM__F(_init)(void *buf, ohm_layout layout)
{
    return OHM__F(_init_ex)(buf, layout, OHM_SEED_DEFAULT, 0);
}

/* N_init_ex with a hash seed and OHM_MAX_LOAD. Different seeds place keys
 * differently, so keys crafted to collide under one seed do not under
 * another (hash flooding). The seed only affects hashes that use it: the
 * default integer hash and OHM_HASH_EX. */
static inline OHM__N *OHM__F(_init_seeded)(void *buf, ohm_layout layout, uint64_t seed)
{
    return OHM__F(_init_ex)(buf, layout, seed, 0);
}

/* The map whose block starts `offset` bytes after `base`. No checks: use
 * N_attach for a block you do not trust. */
static inline OHM__N *OHM__F(_at)(void *base, size_t offset)
{
    return (OHM__N *)(void *)((char *)base + offset);
}

/* ========================================================================
 * Size and state
 * ====================================================================== */

static inline uint32_t OHM__F(_count)(const OHM__N *m) { return m->hdr.count; }
static inline uint32_t OHM__F(_capacity)(const OHM__N *m) { return m->hdr.capacity; }
/* Most entries it will hold: floor(capacity * max load / 100), maybe 0. */
static inline uint32_t OHM__F(_max_load)(const OHM__N *m) { return m->hdr.max_entries; }
/* Bytes of the whole block: what to memcpy, write or map. */
static inline size_t OHM__F(_block_size)(const OHM__N *m) { return (size_t)m->hdr.total_size; }
/* The block's hash seed, for computing hashes of adapted probes. */
static inline uint64_t OHM__F(_seed)(const OHM__N *m) { return m->hdr.seed; }
/* The owner's word in the header: ohm stores it and never reads it. */
static inline uint64_t OHM__F(_user)(const OHM__N *m) { return m->hdr.user; }
static inline void OHM__F(_set_user)(OHM__N *m, uint64_t user) { m->hdr.user = user; }

/* OHM_OK when `additional` more entries fit, else OHM_FULL. */
static inline ohm_status OHM__F(_reserve)(OHM__N *m, uint32_t additional)
{
    return (uint64_t)m->hdr.count + additional <= m->hdr.max_entries ? OHM_OK : OHM_FULL;
}

/* OHM_OK when `total` entries fit, else OHM_FULL. */
static inline ohm_status OHM__F(_reserve_total)(OHM__N *m, uint32_t total)
{
    return total <= m->hdr.max_entries ? OHM_OK : OHM_FULL;
}

/* ========================================================================
 * Lookup
 * ====================================================================== */

/* Both pointers into the block; .key == NULL when absent. */
static inline OHM__ENTRY OHM__F(_get_entry)(const OHM__N *m, OHM__K key)
{
    uint64_t h = OHM__HASH(m, key);
    return OHM__F(__entry_at)(m, OHM__F(__probe)(m, h, &key, NULL, NULL, NULL, false, NULL));
}

#ifdef OHM_VALUE
/* Pointer to the value; NULL when absent. */
static inline OHM__V *OHM__F(_get)(const OHM__N *m, OHM__K key)
{
    return OHM__F(_get_entry)(m, key).value;
}
#endif

/* Pointer to the stored key; NULL when absent. */
static inline OHM__K *OHM__F(_get_key)(const OHM__N *m, OHM__K key)
{
    return OHM__F(_get_entry)(m, key).key;
}

static inline bool OHM__F(_contains)(const OHM__N *m, OHM__K key)
{
    return OHM__F(_get_entry)(m, key).key != NULL;
}

/* ========================================================================
 * Insertion
 * ====================================================================== */

/* Find the key or make an entry for it: OHM_FOUND with the existing entry
 * in *out, OHM_OK with a new entry (key stored, value left for the caller
 * to fill: it holds stale bytes), OHM_FULL when absent and the map is at its
 * maximum load. A present key is found even when the map is full. */
static inline ohm_status OHM__F(_get_or_put)(OHM__N *m, OHM__K key, OHM__ENTRY *out)
{
    uint32_t s = OHM__NONE; /* set by __claim unless OHM_FULL; gcc -O1 cannot see it */
    ohm_status st = OHM__F(__claim)(m, OHM__HASH(m, key), &key, NULL, NULL, NULL, false, &s);
    if (st == OHM_OK) *OHM__F(__key)(m, s) = key;
    if (out) *out = OHM__F(__entry_at)(m, st == OHM_FULL ? OHM__NONE : s);
    OHM__DEBUG_CHECK(m);
    return st;
}

/* Insert or overwrite: OHM_OK inserted, OHM_FOUND overwrote the value,
 * OHM_FULL absent and no room (nothing changed). An existing key is
 * overwritten even when the map is full. */
static inline ohm_status OHM__F(_put)(OHM__N *m, OHM__K key OHM__MAP_ONLY(, OHM__V value))
{
    OHM__ENTRY e;
    ohm_status st = OHM__F(_get_or_put)(m, key, &e);
    OHM__MAP_ONLY(if (st != OHM_FULL) *e.value = value;)
    (void)e;
    return st;
}

/* Like put; on OHM_FOUND *old holds the replaced pair. */
static inline ohm_status OHM__F(_fetch_put)(OHM__N *m, OHM__K key OHM__MAP_ONLY(, OHM__V value),
                                            OHM__KV *old)
{
    OHM__ENTRY e;
    ohm_status st = OHM__F(_get_or_put)(m, key, &e);
    if (st == OHM_FOUND && old) {
        old->key = *e.key;
        OHM__MAP_ONLY(old->value = *e.value;)
    }
    OHM__MAP_ONLY(if (st != OHM_FULL) *e.value = value;)
    return st;
}

/* Store `value` only when the key was absent: OHM_OK made it, OHM_FOUND
 * left the existing value, OHM_FULL absent and no room. *out gets the
 * entry. */
static inline ohm_status OHM__F(_get_or_put_value)(OHM__N *m, OHM__K key
                                                   OHM__MAP_ONLY(, OHM__V value), OHM__ENTRY *out)
{
    OHM__ENTRY e;
    ohm_status st = OHM__F(_get_or_put)(m, key, &e);
    OHM__MAP_ONLY(if (st == OHM_OK) *e.value = value;)
    if (out) *out = e;
    return st;
}

/* Insert a key the caller knows is absent (debug builds abort when it is
 * present; release builds would store it twice). OHM_OK, or OHM_FULL at
 * the maximum load. Faster than put: no key is compared. */
static inline ohm_status OHM__F(_put_new)(OHM__N *m, OHM__K key OHM__MAP_ONLY(, OHM__V value))
{
    OHM_ASSERT(!OHM__F(_contains)(m, key), "put_new: the key is already present");
    uint32_t s;
    ohm_status st = OHM__F(__claim)(m, OHM__HASH(m, key), &key, NULL, NULL, NULL, true, &s);
    if (st == OHM_OK) {
        *OHM__F(__key)(m, s) = key;
        OHM__MAP_ONLY(*OHM__F(__val)(m, s) = value;)
    }
    OHM__DEBUG_CHECK(m);
    return st;
}

/* Find or make the key's entry; the caller guarantees room for a new key
 * (N_count < N_max_load). Breaking that aborts in debug builds; in release
 * builds a new key is then not stored and .key is NULL. */
static inline OHM__ENTRY OHM__F(_get_or_put_assume_capacity)(OHM__N *m, OHM__K key, bool *found)
{
    OHM__ENTRY e;
    ohm_status st = OHM__F(_get_or_put)(m, key, &e);
    OHM_ASSERT(st != OHM_FULL, "get_or_put_assume_capacity: the map is full");
    if (found) *found = st == OHM_FOUND;
    return e;
}

/* Insert or overwrite; the caller guarantees room (see above). */
static inline void OHM__F(_put_assume_capacity)(OHM__N *m, OHM__K key OHM__MAP_ONLY(, OHM__V value))
{
    ohm_status st = OHM__F(_put)(m, key OHM__MAP_ONLY(, value));
    OHM_ASSERT(st != OHM_FULL, "put_assume_capacity: the map is full");
    (void)st;
}

/* Insert an absent key; the caller guarantees both absence and room. */
static inline void OHM__F(_put_new_assume_capacity)(OHM__N *m, OHM__K key OHM__MAP_ONLY(, OHM__V value))
{
    ohm_status st = OHM__F(_put_new)(m, key OHM__MAP_ONLY(, value));
    OHM_ASSERT(st != OHM_FULL, "put_new_assume_capacity: the map is full");
    (void)st;
}

/* Insert or overwrite with room guaranteed; true when it replaced, and
 * then *old holds the old pair. */
static inline bool OHM__F(_fetch_put_assume_capacity)(OHM__N *m, OHM__K key
                                                      OHM__MAP_ONLY(, OHM__V value), OHM__KV *old)
{
    ohm_status st = OHM__F(_fetch_put)(m, key OHM__MAP_ONLY(, value), old);
    OHM_ASSERT(st != OHM_FULL, "fetch_put_assume_capacity: the map is full");
    return st == OHM_FOUND;
}

/* ========================================================================
 * Removal (moves other entries: see pointer stability above)
 * ====================================================================== */

/* True when it removed; *out (when given) then holds the pair. */
static inline bool OHM__F(_fetch_remove)(OHM__N *m, OHM__K key, OHM__KV *out)
{
    uint32_t s = OHM__F(__probe)(m, OHM__HASH(m, key), &key, NULL, NULL, NULL, false, NULL);
    if (s == OHM__NONE) return false;
    if (out) *out = OHM__F(__kv_at)(m, s);
    OHM__F(__erase_slot)(m, s);
    OHM__DEBUG_CHECK(m);
    return true;
}

/* True when it removed. */
static inline bool OHM__F(_remove)(OHM__N *m, OHM__K key)
{
    return OHM__F(_fetch_remove)(m, key, NULL);
}

/* Remove the entry whose stored key `key_ptr` points at (from get_key,
 * get_entry or iteration). A pointer that is not a used key slot of this
 * map aborts in debug builds and changes nothing in release builds. */
static inline void OHM__F(_remove_at)(OHM__N *m, OHM__K *key_ptr)
{
    uint32_t s = OHM__F(__slot_of)(m, key_ptr);
    bool ok = s != OHM__NONE && OHM__F(__meta)(m)[s] != 0;
    OHM_ASSERT(ok, "remove_at: the pointer is not a used key slot of this map");
    if (!ok) return;
    OHM__F(__erase_slot)(m, s);
    OHM__DEBUG_CHECK(m);
}

/* Remove every entry; the block, its seed and capacity stay. Only the
 * metadata (about capacity bytes) is cleared (old key and value bytes stay behind). */
static inline void OHM__F(_clear)(OHM__N *m)
{
    memset(OHM__F(__meta)(m), 0, (size_t)ohm__meta_len(m->hdr.capacity));
    m->hdr.count = 0;
}

/* ========================================================================
 * Iteration: slot order, every entry once; no insertion or removal between
 * N_iter_begin and the last N_iter_next (values may be written).
 * ====================================================================== */

/* The used slots of the group starting at slot g (mirror bytes excluded). */
static inline ohm__bits OHM__F(__used_in_group)(const OHM__N *m, uint32_t g)
{
    uint32_t cap = m->hdr.capacity;
    ohm__bits used = ohm__group_used(OHM__F(__meta)(m) + g);
    return cap - g < OHM__GROUP ? used & ohm__bits_below(cap - g) : used;
}

static inline OHM__ITER OHM__F(_iter_begin)(const OHM__N *m)
{
    OHM__ITER it;
    it.map = m;
    it.group = 0;
    it.used = m->hdr.capacity ? OHM__F(__used_in_group)(m, 0) : 0;
    return it;
}

/* The next entry into *out (may be NULL); false at the end. A group's
 * metadata is read once, then its used slots are taken bit by bit. */
static inline bool OHM__F(_iter_next)(OHM__ITER *it, OHM__ENTRY *out)
{
    const OHM__N *m = it->map;
    while (it->used == 0) {
        if (m->hdr.capacity - it->group <= OHM__GROUP) {
            it->group = m->hdr.capacity; /* stays at the end */
            return false;
        }
        it->group += OHM__GROUP;
        it->used = OHM__F(__used_in_group)(m, it->group);
    }
    uint32_t s = it->group + ohm__bits_first(it->used);
    it->used = ohm__bits_drop_first(it->used);
    if (out) *out = OHM__F(__entry_at)(m, s);
    return true;
}

/* ========================================================================
 * Adapted calls: lookup by a probe of another type. `hash` must equal the
 * hash the map computes for the matching stored key (with N_seed(m) when
 * the map's hash is seeded); eq(probe, key, ctx) says whether they match.
 * ====================================================================== */

static inline OHM__ENTRY OHM__F(_get_adapted)(const OHM__N *m, uint64_t hash, const void *probe,
                                              OHM__EQ_FN eq, void *ctx)
{
    return OHM__F(__entry_at)(m, OHM__F(__probe)(m, hash, NULL, eq, probe, ctx, false, NULL));
}

/* Like get_or_put; on OHM_OK the caller must store, through out->key, a key
 * whose hash is `hash` and that eq matches to the probe. */
static inline ohm_status OHM__F(_get_or_put_adapted)(OHM__N *m, uint64_t hash, const void *probe,
                                                     OHM__EQ_FN eq, void *ctx, OHM__ENTRY *out)
{
    uint32_t s = OHM__NONE;
    ohm_status st = OHM__F(__claim)(m, hash, NULL, eq, probe, ctx, false, &s);
    if (out) *out = OHM__F(__entry_at)(m, st == OHM_FULL ? OHM__NONE : s);
    return st;
}

static inline bool OHM__F(_remove_adapted)(OHM__N *m, uint64_t hash, const void *probe,
                                           OHM__EQ_FN eq, void *ctx)
{
    uint32_t s = OHM__F(__probe)(m, hash, NULL, eq, probe, ctx, false, NULL);
    if (s == OHM__NONE) return false;
    OHM__F(__erase_slot)(m, s);
    OHM__DEBUG_CHECK(m);
    return true;
}

/* ========================================================================
 * Checking and moving blocks
 * ====================================================================== */

/* The full invariant check of a map whose header is sound (after
 * N_attach): every metadata byte is 0 or a used byte, the mirror matches,
 * count equals the used slots, every fingerprint matches its key's hash,
 * every entry is reachable from its home slot without crossing a free slot
 * and, when it lies past its home run, that run's overflow byte has its
 * class bit, and no key is stored twice. OHM_OK or OHM_CORRUPT. Reads only
 * the block. Time O(capacity): the duplicate search visits at most
 * 1024 * capacity + 2^20 slots in all, and a block that would need more
 * (its entries' distances from home sum past that: only a crafted block,
 * or a completely full table of millions of slots) gets OHM_TOO_COSTLY. */
static inline ohm_status OHM__F(_check)(const OHM__N *m)
{
    uint32_t cap = m->hdr.capacity;
    if (cap == 0) return m->hdr.count == 0 ? OHM_OK : OHM_CORRUPT;
    uint32_t mask = cap - 1;
    const uint8_t *meta = OHM__F(__meta)(m);
    char *kb = OHM__F(__key_base)(m);
    for (uint32_t k = 0; k < OHM_GROUP_MIRROR; k++)
        if (meta[cap + k] != meta[k & mask]) return OHM_CORRUPT;
    /* Start the walk just after a free slot so that every run of used
     * slots is seen whole; a table with no free slot is one run. */
    uint32_t start = 0, used = 0;
    bool has_free = false;
    for (uint32_t i = 0; i < cap && !has_free; i++)
        if (meta[i] == 0) {
            start = (i + 1) & mask;
            has_free = true;
        }
    uint32_t run = 0; /* used slots since the last free one */
    /* Slots the duplicate search may visit in all: the sum of the entries'
     * distances from home. A table with a good hash needs a few per slot
     * (about 640 per slot for a completely full table of 2^20 slots). */
    uint64_t budget = 1024 * (uint64_t)cap + ((uint64_t)1 << 20);
    for (uint32_t n = 0; n < cap; n++) {
        uint32_t i = (start + n) & mask;
        if (meta[i] == 0) {
            run = 0;
            continue;
        }
        if (!(meta[i] & 0x80)) return OHM_CORRUPT;
        used++;
        const OHM__K *key = OHM__F(__key_in)(kb, i);
        uint64_t h = OHM__HASH(m, *key);
        if (ohm__tag(h) != meta[i]) return OHM_CORRUPT;
        uint32_t home = (uint32_t)h & mask, dist = (i - home) & mask;
        if (has_free && dist > run) return OHM_CORRUPT; /* crosses a free slot */
        if (cap >= OHM_OVF_SLOTS && ohm__overflows(home, dist) &&
            !(OHM__F(__ovf)(m)[home / OHM_OVF_SLOTS] & ohm__ovf_bit(h)))
            return OHM_CORRUPT; /* a lookup would stop before reaching it */
        run++;
        /* The first equal key on this key's probe path must be itself:
         * the slots from home up to i with the same metadata byte are
         * compared, a group at a time. Their number is bounded (see
         * above), so a crafted block cannot make this quadratic. */
        if (dist > budget) return OHM_TOO_COSTLY;
        budget -= dist;
        for (uint32_t s = home, left = dist; left > 0;) {
            uint32_t width = left < OHM__GROUP ? left : OHM__GROUP;
            ohm__bits match, empty;
            ohm__group_scan(meta + s, meta[i], &match, &empty);
            if (width < OHM__GROUP) match &= ohm__bits_below(width);
            for (; match; match = ohm__bits_drop_first(match))
                if (OHM__EQ(m, *OHM__F(__key_in)(kb, (s + ohm__bits_first(match)) & mask), *key))
                    return OHM_CORRUPT;
            s = (s + width) & mask;
            left -= width;
        }
    }
    if (used != m->hdr.count || used > m->hdr.max_entries) return OHM_CORRUPT;
    return OHM_OK;
}

/* Check an untrusted block of `len` bytes at `buf` against this map type
 * in O(1) (see ohm_header_check for each failure's status) and return the
 * map in *out on OHM_OK. Nothing is written to the block. */
static inline ohm_status OHM__F(_attach)(void *buf, size_t len, OHM__N **out)
{
    ohm_signature sig = OHM__F(__signature)();
    ohm_status st = ohm_header_check(buf, len, OHM__F(_base_align)(), &sig);
    if (out) *out = st == OHM_OK ? (OHM__N *)buf : NULL;
    return st;
}

/* N_attach followed by N_check: the whole block is verified. Never reads
 * outside [buf, buf + len) and never writes. */
static inline ohm_status OHM__F(_validate)(const void *buf, size_t len)
{
    OHM__N *m;
    ohm_status st = OHM__F(_attach)((void *)(uintptr_t)buf, len, &m);
    return st == OHM_OK ? OHM__F(_check)(m) : st;
}

/* Copy every entry of `src` into `dst`, an empty map of this type in
 * another block (any capacity, maximum load and seed). OHM_OK; OHM_FULL
 * when the entries do not fit, OHM_INVALID when dst is not empty or the
 * blocks overlap; on an error dst is unchanged. This is how a full map
 * grows: init a bigger block, rehash into it, drop the old one. Keys are
 * hashed as dst hashes them: when the hash reads the owner word (N_user),
 * set dst's before rehashing. */
static inline ohm_status OHM__F(_rehash)(const OHM__N *src, OHM__N *dst)
{
    uintptr_t s0 = (uintptr_t)src, s1 = s0 + (uintptr_t)src->hdr.total_size;
    uintptr_t d0 = (uintptr_t)dst, d1 = d0 + (uintptr_t)dst->hdr.total_size;
    if (dst->hdr.count != 0 || (s0 < d1 && d0 < s1)) return OHM_INVALID;
    if (src->hdr.count > dst->hdr.max_entries) return OHM_FULL;
    OHM__ITER it = OHM__F(_iter_begin)(src);
    OHM__ENTRY e;
    while (OHM__F(_iter_next)(&it, &e)) {
        uint32_t s;
        ohm_status st = OHM__F(__claim)(dst, OHM__HASH(dst, *e.key), e.key, NULL, NULL, NULL, true, &s);
        OHM_ASSERT(st == OHM_OK, "rehash: the count did not match the entries");
        if (st != OHM_OK) break;
        *OHM__F(__key)(dst, s) = *e.key;
        OHM__MAP_ONLY(*OHM__F(__val)(dst, s) = *e.value;)
    }
    OHM__DEBUG_CHECK(dst);
    return OHM_OK;
}

/* ========================================================================
 * End of the template: every parameter and helper is undefined so that the
 * header can be included again with other parameters.
 * ====================================================================== */
#undef OHM_NAME
#undef OHM_KEY
#undef OHM_VALUE
#undef OHM_HASH
#undef OHM_HASH_EX
#undef OHM_EQ
#undef OHM_EQ_EX
#undef OHM_MAX_LOAD
#undef OHM_TYPE_TAG
#undef OHM_INTERLEAVE
#undef OHM__KSTRIDE
#undef OHM__VSTRIDE
#undef OHM__HASH
#undef OHM__EQ
#undef OHM__MAP_ONLY
#undef OHM__VAL_SIZE
#undef OHM__VAL_ALIGN
#undef OHM__FLAGS
#undef OHM__DEBUG_CHECK
#undef OHM__F
#undef OHM__N
#undef OHM__K
#undef OHM__V
#undef OHM__ENTRY
#undef OHM__KV
#undef OHM__ITER
#undef OHM__EQ_FN
