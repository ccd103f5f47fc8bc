/* ohm_core.h - the core of the ohm map template (private): how a map's
 * block is laid out, probed and changed. ohm_map.h includes it inside each
 * instantiation, after the parameters, types and declarations and before
 * the API bodies; it is not a header of its own. Its names follow the
 * template's rules (OHM__F(__name) functions, ohm_ locals), and the macros
 * it defines are undefined at the end of ohm_map.h with the template's.
 *
 * In the order the algorithm runs:
 *   hash and equality   N__hash, N__eq: where the user's macros expand
 *   block access        the arrays' places, a slot's key and value, N__set_meta
 *   geometry            groups, home groups, distances (N__geo, N__dist)
 *   the probe           N__match, N__find, N__seek, N__room; the batches'
 *                       look-ahead; the probe read racing a writer (N_read's)
 *   the write order     N__w_begin .. N__w_end, the journal
 *   insertion           N__place, N__claim, N__overwrite
 *   removal             N__erase_slot and its backward shift (N__pull)
 *   walk start          where iteration and N_remove_if begin
 *   compaction          N_remove_if's second pass (N__compact)
 *   recovery helpers    what N_recover settles before it rebuilds
 *
 * A key's metadata byte is drawn in ohm.h ("Metadata bytes"), beside the
 * group scans (ohm__g16_*) that read 16 of them at once; the block's layout
 * and invariant I are docs/FORMAT.md. A change of the probing scheme is
 * made here (and checked independently by ohm_check.h).
 */
#ifndef OHM__F
#error "ohm_core.h is part of the ohm_map.h template: include ohm_map.h"
#endif

/* The key's hash: the only place the user's hash macro is expanded. */
static inline uint64_t OHM__F(__hash)(const OHM__N *ohm_m, const OHM__K *ohm_k)
{
    (void)ohm_m;
    return OHM__HASH(ohm_m, *ohm_k);
}

/* Key equality: the only place the user's equality macro is expanded. */
static inline bool OHM__F(__eq)(const OHM__N *ohm_m, const OHM__K *ohm_a, const OHM__K *ohm_b)
{
    (void)ohm_m;
    return OHM__EQ(ohm_m, *ohm_a, *ohm_b);
}


/* ========================================================================
 * Block access: where the arrays lie, a slot's key, value and metadata
 * ====================================================================== */

/* Where the metadata starts: a constant of the value type (docs/FORMAT.md,
 * Placement), so a lookup reads no header field to find it. */
#define OHM__META_START OHM__CAST(size_t, ohm__meta_start(OHM__VAL_SIZE, OHM__VAL_ALIGN))
static inline uint8_t *OHM__F(__meta)(const OHM__N *ohm_m)
{
    return OHM__UNCONST(uint8_t *, ohm_m) + OHM__META_START;
}
/* The class bytes, one per 16-slot group, after the metadata mirror;
 * tables smaller than a group have none. */
static inline uint8_t *OHM__F(__cls)(const OHM__N *ohm_m)
{
    return OHM__F(__meta)(ohm_m) + ohm_m->hdr.capacity + OHM_GROUP_MIRROR;
}

/* Slot s's key and value. Keys (and values) are OHM__KSTRIDE (and
 * OHM__VSTRIDE) bytes apart: their own arrays, or interleaved slots. */
static inline char *OHM__F(__key_base)(const OHM__N *ohm_m)
{
    return OHM__UNCONST(char *, ohm_m) + ohm_m->hdr.keys_start;
}
static inline OHM__K *OHM__F(__key_in)(char *ohm_key_base, uint32_t ohm_s)
{
    return OHM__CAST(OHM__K *, OHM__CAST(void *, ohm_key_base + OHM__CAST(size_t, ohm_s) * OHM__KSTRIDE));
}
static inline OHM__K *OHM__F(__key)(const OHM__N *ohm_m, uint32_t ohm_s)
{
    return OHM__F(__key_in)(OHM__F(__key_base)(ohm_m), ohm_s);
}
/* The sync area after the header, its stripe words, and the journal's
 * value buffer (ohm_sync in ohm.h). */
static inline ohm_sync *OHM__F(__sync)(const OHM__N *ohm_m)
{
    return OHM__CAST(ohm_sync *, OHM__CAST(void *, OHM__UNCONST(char *, ohm_m) + sizeof(ohm_header)));
}
/* The offset of the stripe words, after the slots, of a block of `cap`
 * slots whose keys and values start at the given offsets. */
static inline uint64_t OHM__F(__stripes_at)(uint32_t ohm_cap, uint64_t ohm_keys_start, uint64_t ohm_vals_start)
{
    uint64_t ohm_end = (OHM_INTERLEAVE) ? ohm_keys_start + OHM__CAST(uint64_t, ohm_cap) * OHM__KSTRIDE
                                        : ohm_vals_start + OHM__CAST(uint64_t, ohm_cap) * OHM__VAL_SIZE;
    return OHM__ALIGN_UP(ohm_end, 4u);
}
/* The stripe words, as the sync area places them (checked against the
 * layout by N_check, N_validate and N_recover). */
static inline uint32_t *OHM__F(__stripes)(const OHM__N *ohm_m)
{
    return OHM__CAST(uint32_t *, OHM__CAST(void *, OHM__UNCONST(char *, ohm_m) + ohm_m->hdr.stripes));
}
#ifdef OHM_VALUE
static inline OHM__V *OHM__F(__jval)(const OHM__N *ohm_m)
{
    return OHM__CAST(OHM__V *, OHM__CAST(void *, OHM__UNCONST(char *, ohm_m) + ohm__jval_start(OHM__VAL_ALIGN)));
}
static inline char *OHM__F(__val_base)(const OHM__N *ohm_m)
{
    return OHM__UNCONST(char *, ohm_m) + ohm_m->hdr.vals_start;
}
static inline OHM__V *OHM__F(__val_in)(char *ohm_val_base, uint32_t ohm_s)
{
    return OHM__CAST(OHM__V *, OHM__CAST(void *, ohm_val_base + OHM__CAST(size_t, ohm_s) * OHM__VSTRIDE));
}
static inline OHM__V *OHM__F(__val)(const OHM__N *ohm_m, uint32_t ohm_s)
{
    return OHM__F(__val_in)(OHM__F(__val_base)(ohm_m), ohm_s);
}
#endif

static inline ohm_signature OHM__F(__signature)(void)
{
    ohm_signature ohm_s;
    ohm_s.key_size = OHM__CAST(uint32_t, sizeof(OHM__K));
    ohm_s.key_align = OHM__CAST(uint32_t, OHM__ALIGNOF(OHM__K));
    ohm_s.val_size = OHM__CAST(uint32_t, OHM__VAL_SIZE);
    ohm_s.val_align = OHM__CAST(uint32_t, OHM__VAL_ALIGN);
    ohm_s.type_tag = OHM__CAST(uint32_t, OHM_TYPE_TAG);
    ohm_s.flags = OHM__CAST(uint8_t, OHM__FLAGS);
    return ohm_s;
}

/* The slot whose key `key_ptr` points at, or OHM__NONE when it is not a
 * key slot of this map (compared as integers: it may point anywhere). */
static inline uint32_t OHM__F(__slot_of)(const OHM__N *ohm_m, const OHM__K *ohm_key_ptr)
{
    uintptr_t ohm_base = OHM__PTR_CAST(uintptr_t, OHM__F(__key_base)(ohm_m)), ohm_p = OHM__PTR_CAST(uintptr_t, ohm_key_ptr);
    uintptr_t ohm_span = OHM__CAST(uintptr_t, ohm_m->hdr.capacity) * OHM__KSTRIDE;
    if (ohm_p < ohm_base || ohm_p - ohm_base >= ohm_span || (ohm_p - ohm_base) % OHM__KSTRIDE != 0) return OHM__NONE;
    return OHM__CAST(uint32_t, (ohm_p - ohm_base) / OHM__KSTRIDE);
}

static inline OHM__ENTRY OHM__F(__entry_at)(const OHM__N *ohm_m, uint32_t ohm_s)
{
    OHM__ENTRY ohm_e;
    ohm_e.key = ohm_s == OHM__NONE ? OHM__NULL : OHM__F(__key)(ohm_m, ohm_s);
    OHM__MAP_ONLY(ohm_e.value = ohm_s == OHM__NONE ? OHM__NULL : OHM__F(__val)(ohm_m, ohm_s);)
    return ohm_e;
}

static inline OHM__KV OHM__F(__kv_at)(const OHM__N *ohm_m, uint32_t ohm_s)
{
    OHM__KV ohm_kv;
    ohm_kv.key = *OHM__F(__key)(ohm_m, ohm_s);
    OHM__MAP_ONLY(ohm_kv.value = *OHM__F(__val)(ohm_m, ohm_s);)
    return ohm_kv;
}

/* Write slot i's metadata byte and its mirror copies after the last slot:
 * mirror byte k (k < OHM_GROUP_MIRROR) copies slot k mod capacity, so slot
 * i has copies at i, i + capacity, ... below the mirror's end (one when
 * the capacity is 16 or more, none for i >= 16: most writes skip the loop). */
static inline void OHM__F(__set_meta_cap)(uint8_t *ohm_meta, uint32_t ohm_cap, uint32_t ohm_i, uint8_t ohm_v)
{
    OHM__ST8(ohm_meta + ohm_i, ohm_v);
    if (ohm_i >= OHM_GROUP_MIRROR) return; /* most slots: no mirror copy */
    for (uint32_t ohm_k = ohm_i; ohm_k < OHM_GROUP_MIRROR; ohm_k += ohm_cap) OHM__ST8(ohm_meta + ohm_cap + ohm_k, ohm_v);
}
static inline void OHM__F(__set_meta)(OHM__N *ohm_m, uint32_t ohm_i, uint8_t ohm_v)
{
    OHM__F(__set_meta_cap)(OHM__F(__meta)(ohm_m), ohm_m->hdr.capacity, ohm_i, ohm_v);
}

/* ========================================================================
 * Geometry: groups, home groups, distances
 * ====================================================================== */

/* The geometry (docs/FORMAT.md): slots in aligned groups of OHM_GROUP_SLOTS (a
 * table of fewer slots is one group), probed home group first, then the
 * following groups in order, round the end. */
static inline uint32_t OHM__F(__gmask)(const OHM__N *ohm_m)
{
    return ohm_m->hdr.capacity >= OHM_GROUP_SLOTS ? ohm_m->hdr.capacity / OHM_GROUP_SLOTS - 1 : 0;
}
/* The bits of a group mask that are slots of the table. */
static inline uint32_t OHM__F(__gvalid)(const OHM__N *ohm_m)
{
    return ohm_m->hdr.capacity >= OHM_GROUP_SLOTS ? 0xffffu : (1u << ohm_m->hdr.capacity) - 1;
}
static inline uint32_t OHM__F(__home_group)(const OHM__N *ohm_m, uint64_t ohm_hash)
{
    return (OHM__CAST(uint32_t, ohm_hash) & (ohm_m->hdr.capacity - 1)) / OHM_GROUP_SLOTS;
}
/* The first slot of the home group: one AND of the hash on a lookup's
 * critical path. The mask does not depend on the key, so a loop of
 * lookups computes it once; written as (capacity - 1) & ~15, compilers
 * keep two ANDs on the path (measured: 0.1-0.4 ns a hit). */
static inline uint32_t OHM__F(__home_base)(const OHM__N *ohm_m, uint64_t ohm_hash)
{
    uint32_t ohm_cap = ohm_m->hdr.capacity;
    return OHM__CAST(uint32_t, ohm_hash) & (ohm_cap >= OHM_GROUP_SLOTS ? ohm_cap - OHM_GROUP_SLOTS : 0u);
}
/* The geometry of a block of `cap` slots whose keys start `keys_start`
 * bytes in (ohm__geo): the checks of untrusted blocks take these from one
 * reading of the header; N__geo reads them from the live header. */
static inline ohm__geo OHM__F(__geo_of)(const OHM__N *ohm_m, uint32_t ohm_cap, uint64_t ohm_meta_start,
                                        uint64_t ohm_keys_start)
{
    ohm__geo ohm_g;
    ohm_g.cap = ohm_cap;
    ohm_g.mask = ohm_cap ? ohm_cap - 1 : 0;
    ohm_g.gm = ohm_cap >= OHM_GROUP_SLOTS ? ohm_cap / OHM_GROUP_SLOTS - 1 : 0;
    ohm_g.valid = ohm_cap >= OHM_GROUP_SLOTS ? 0xffffu : (1u << ohm_cap) - 1;
    ohm_g.meta = OHM__UNCONST(const uint8_t *, ohm_m) + ohm_meta_start;
    ohm_g.cls = ohm_g.meta + ohm_cap + OHM_GROUP_MIRROR;
    ohm_g.kb = OHM__UNCONST(char *, ohm_m) + ohm_keys_start;
    return ohm_g;
}
static inline ohm__geo OHM__F(__geo)(const OHM__N *ohm_m)
{
    return OHM__F(__geo_of)(ohm_m, ohm_m->hdr.capacity, ohm_m->hdr.meta_start, ohm_m->hdr.keys_start);
}

/* How many groups past its home group the displaced key in slot s lies:
 * its distance code, or from its hash when the code is 15 ("15 or more"). */
static inline uint32_t OHM__F(__dist_in)(const OHM__N *ohm_m, const ohm__geo *ohm_g, uint32_t ohm_s)
{
    uint32_t ohm_code = ohm__dist_code(ohm_g->meta[ohm_s]);
    if (ohm_code < OHM__DMAX) return ohm_code;
    uint64_t ohm_h = OHM__F(__hash)(ohm_m, OHM__F(__key_in)(ohm_g->kb, ohm_s));
    return (ohm_s / OHM_GROUP_SLOTS - (OHM__CAST(uint32_t, ohm_h) & ohm_g->mask) / OHM_GROUP_SLOTS) & ohm_g->gm;
}
/* The same from the live header, for the writers. */
static inline uint32_t OHM__F(__dist)(const OHM__N *ohm_m, uint32_t ohm_s)
{
    uint32_t ohm_code = ohm__dist_code(OHM__F(__meta)(ohm_m)[ohm_s]);
    if (ohm_code < OHM__DMAX) return ohm_code;
    uint64_t ohm_h = OHM__F(__hash)(ohm_m, OHM__F(__key)(ohm_m, ohm_s));
    return (ohm_s / OHM_GROUP_SLOTS - OHM__F(__home_group)(ohm_m, ohm_h)) & OHM__F(__gmask)(ohm_m);
}

/* ========================================================================
 * The probe: lookups (N__find) and the insert's search (N__seek, N__room)
 * walk the same groups, home first, then the following groups in order
 * round the end, up to the first group with a free slot (invariant I: no
 * key lies past it), sharing the matcher (N__match) and the group walk
 * (OHM__GROUPS_AFTER, ohm.h). Then the batches' look-ahead.
 * ====================================================================== */

/* The slot among the candidates `match` (a mask over the group at `base`)
 * whose key is the one looked for, or OHM__NONE. Keys are compared with
 * OHM_EQ, or with `eq` when it is given (adapted calls). */
OHM__ALWAYS_INLINE uint32_t OHM__F(__match)(const OHM__N *ohm_m, uint32_t ohm_base, uint32_t ohm_match,
                                            const OHM__K *ohm_key, OHM__EQ_FN ohm_eq, const void *ohm_probe,
                                            void *ohm_ctx)
{
    char *ohm_kb = OHM__F(__key_base)(ohm_m);
    for (; ohm_match; ohm_match &= ohm_match - 1) {
        uint32_t ohm_s = ohm_base + ohm__m16_first(ohm_match);
        const OHM__K *ohm_k = OHM__F(__key_in)(ohm_kb, ohm_s);
        if (ohm_eq ? ohm_eq(ohm_probe, ohm_k, ohm_ctx) : OHM__F(__eq)(ohm_m, ohm_k, ohm_key)) return ohm_s;
    }
    return OHM__NONE;
}

/* A lookup past its full home group g, whose class bit is set: the keys
 * whose byte carries their distance and the key's class, up to the first
 * group with a free slot. */
OHM__NOINLINE uint32_t OHM__F(__find_far)(const OHM__N *ohm_m, uint64_t ohm_hash, const OHM__K *ohm_key,
                                          OHM__EQ_FN ohm_eq, const void *ohm_probe, void *ohm_ctx)
{
    uint32_t ohm_gm = OHM__F(__gmask)(ohm_m), ohm_g = OHM__F(__home_group)(ohm_m, ohm_hash);
    const uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    OHM__GROUPS_AFTER(ohm_g, ohm_gm, ohm_j, ohm_y) {
        const uint8_t *ohm_p = ohm_meta + ohm_y * OHM_GROUP_SLOTS;
        uint32_t ohm_s = OHM__F(__match)(ohm_m, ohm_y * OHM_GROUP_SLOTS, ohm__g16_eq(ohm_p, ohm__dtag(ohm_hash, ohm_j)),
                                         ohm_key, ohm_eq, ohm_probe, ohm_ctx);
        if (ohm_s != OHM__NONE) return ohm_s;
        if (ohm__g16_free(ohm_p)) break;
    }
    return OHM__NONE;
}

/* The slot holding the key, or OHM__NONE. Looks in its home group, then,
 * when the home group is full and the key's class bit is set there, in
 * the following groups (N__find_far). */
OHM__ALWAYS_INLINE uint32_t OHM__F(__find)(const OHM__N *ohm_m, uint64_t ohm_hash, const OHM__K *ohm_key,
                                           OHM__EQ_FN ohm_eq, const void *ohm_probe, void *ohm_ctx)
{
    if (ohm_m->hdr.capacity == 0) return OHM__NONE;
    /* The home group: most lookups end here. */
    uint32_t ohm_base = OHM__F(__home_base)(ohm_m, ohm_hash), ohm_valid = OHM__F(__gvalid)(ohm_m);
    const uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    uint32_t ohm_s = OHM__F(__match)(ohm_m, ohm_base, ohm__g16_eq(ohm_meta + ohm_base, ohm__tag(ohm_hash)) & ohm_valid,
                                     ohm_key, ohm_eq, ohm_probe, ohm_ctx);
    if (ohm_s != OHM__NONE) return ohm_s;
    /* A lookup goes on only when its class bit is set and the home group
     * is full. The bit is tested first: at high load whether the home
     * group is full is close to a coin toss for the branch predictor, the
     * bit is mostly clear (a miss at load 0.875, C = 4096: 9.1 ns testing
     * fullness first, 5.1 ns so; one combined branch: 5.5 ns, and slower
     * at load 0.5). */
    if (ohm_m->hdr.capacity < OHM_GROUP_SLOTS ||
        !((OHM__F(__cls)(ohm_m)[ohm_base / OHM_GROUP_SLOTS] >> ohm__class(ohm_hash)) & 1))
        return OHM__NONE;
    if (ohm__g16_free(ohm_meta + ohm_base)) return OHM__NONE;
    return OHM__F(__find_far)(ohm_m, ohm_hash, ohm_key, ohm_eq, ohm_probe, ohm_ctx);
}

/* The insert's search past its full home group g: in each following group
 * the key is looked for (only when its class bit is set: otherwise no key
 * of its home and class lies outside g), up to the first group with a free
 * slot, whose lowest free slot goes to *free_slot (OHM__NONE when no group
 * has one). */
OHM__NOINLINE uint32_t OHM__F(__seek_far)(const OHM__N *ohm_m, uint64_t ohm_hash, const OHM__K *ohm_key,
                                          OHM__EQ_FN ohm_eq, const void *ohm_probe, void *ohm_ctx,
                                          uint32_t *ohm_free_slot)
{
    *ohm_free_slot = OHM__NONE;
    uint32_t ohm_gm = OHM__F(__gmask)(ohm_m), ohm_g = OHM__F(__home_group)(ohm_m, ohm_hash);
    if (ohm_gm == 0) return OHM__NONE;
    const uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    bool ohm_passed = (OHM__F(__cls)(ohm_m)[ohm_g] & ohm__cls_bit(ohm_hash)) != 0;
    OHM__GROUPS_AFTER(ohm_g, ohm_gm, ohm_j, ohm_y) {
        const uint8_t *ohm_p = ohm_meta + ohm_y * OHM_GROUP_SLOTS;
        if (ohm_passed) {
            uint32_t ohm_s = OHM__F(__match)(ohm_m, ohm_y * OHM_GROUP_SLOTS, ohm__g16_eq(ohm_p, ohm__dtag(ohm_hash, ohm_j)),
                                             ohm_key, ohm_eq, ohm_probe, ohm_ctx);
            if (ohm_s != OHM__NONE) return ohm_s;
        }
        uint32_t ohm_free = ohm__g16_free(ohm_p);
        if (ohm_free) {
            *ohm_free_slot = ohm_y * OHM_GROUP_SLOTS + ohm__m16_first(ohm_free);
            break;
        }
    }
    return OHM__NONE;
}

/* The insert's search: the slot holding the key, or OHM__NONE and in
 * *free_slot the slot where the key belongs (the lowest free slot of the
 * first group with one, from its home), or OHM__NONE when the table has
 * no free slot. */
OHM__ALWAYS_INLINE uint32_t OHM__F(__seek)(const OHM__N *ohm_m, uint64_t ohm_hash, const OHM__K *ohm_key,
                                           OHM__EQ_FN ohm_eq, const void *ohm_probe, void *ohm_ctx,
                                           uint32_t *ohm_free_slot)
{
    if (ohm_m->hdr.capacity == 0) {
        *ohm_free_slot = OHM__NONE;
        return OHM__NONE;
    }
    uint32_t ohm_base = OHM__F(__home_base)(ohm_m, ohm_hash), ohm_valid = OHM__F(__gvalid)(ohm_m);
    const uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    uint32_t ohm_s = OHM__F(__match)(ohm_m, ohm_base, ohm__g16_eq(ohm_meta + ohm_base, ohm__tag(ohm_hash)) & ohm_valid,
                                     ohm_key, ohm_eq, ohm_probe, ohm_ctx);
    if (ohm_s != OHM__NONE) return ohm_s;
    uint32_t ohm_free = ohm__g16_free(ohm_meta + ohm_base) & ohm_valid;
    if (ohm_free) {
        *ohm_free_slot = ohm_base + ohm__m16_first(ohm_free);
        return OHM__NONE;
    }
    return OHM__F(__seek_far)(ohm_m, ohm_hash, ohm_key, ohm_eq, ohm_probe, ohm_ctx, ohm_free_slot);
}

/* The slot a key known to be absent takes (N_put_new, N_rehash): the
 * lowest free slot of the first group with one, from its home, comparing
 * no key; OHM__NONE when the table has no free slot. */
OHM__ALWAYS_INLINE uint32_t OHM__F(__room)(const OHM__N *ohm_m, uint64_t ohm_hash)
{
    if (ohm_m->hdr.capacity == 0) return OHM__NONE;
    uint32_t ohm_base = OHM__F(__home_base)(ohm_m, ohm_hash), ohm_valid = OHM__F(__gvalid)(ohm_m);
    const uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    uint32_t ohm_free = ohm__g16_free(ohm_meta + ohm_base) & ohm_valid;
    if (ohm_free) return ohm_base + ohm__m16_first(ohm_free);
    uint32_t ohm_gm = OHM__F(__gmask)(ohm_m), ohm_g = ohm_base / OHM_GROUP_SLOTS;
    OHM__GROUPS_AFTER(ohm_g, ohm_gm, ohm_j, ohm_y) {
        ohm_free = ohm__g16_free(ohm_meta + ohm_y * OHM_GROUP_SLOTS);
        if (ohm_free) return ohm_y * OHM_GROUP_SLOTS + ohm__m16_first(ohm_free);
    }
    return OHM__NONE;
}

#if defined(__GNUC__) || defined(__clang__)
#define OHM__PREFETCH(p) __builtin_prefetch(p)
#else
#define OHM__PREFETCH(p) ((void)(p))
#endif
/* The batches' look-ahead. N_put_many's: a key is hashed and
 * the cache lines of its home group's metadata and class byte and of the
 * first three key lines of its home group (and its value, when values
 * have an array of their own) are prefetched; the hash is kept for the
 * probe. N_get_many takes only the metadata and class byte this far
 * ahead (N__ahead_home) and picks the key line later. The arrays' places
 * are read from the header once a batch. */
typedef struct OHM__F(__ahead_s) {
    uint32_t home_mask; /* a hash's bits that give its home group's first slot */
    const uint8_t *meta, *cls;
    char *kb;
} OHM__F(__ahead_s);
static inline OHM__F(__ahead_s) OHM__F(__ahead)(const OHM__N *ohm_m)
{
    OHM__F(__ahead_s) ohm_a;
    ohm_a.home_mask = (ohm_m->hdr.capacity ? ohm_m->hdr.capacity - 1 : 0) & ~(OHM_GROUP_SLOTS - 1);
    ohm_a.meta = OHM__F(__meta)(ohm_m);
    ohm_a.cls = OHM__F(__cls)(ohm_m);
    ohm_a.kb = OHM__F(__key_base)(ohm_m);
    return ohm_a;
}
/* The first slot of the home group of `hash`, its metadata and class byte
 * prefetched (both batches' first stage). */
static inline uint32_t OHM__F(__ahead_home)(const OHM__F(__ahead_s) *ohm_a, uint64_t ohm_hash)
{
    uint32_t ohm_home = OHM__CAST(uint32_t, ohm_hash) & ohm_a->home_mask;
    OHM__PREFETCH(ohm_a->meta + ohm_home); /* 16 bytes, aligned: one line */
    OHM__PREFETCH(ohm_a->cls + ohm_home / OHM_GROUP_SLOTS);
    return ohm_home;
}
static inline uint64_t OHM__F(__hash_ahead)(const OHM__N *ohm_m, const OHM__K *ohm_key, const OHM__F(__ahead_s) *ohm_a)
{
    uint64_t ohm_hash = OHM__F(__hash)(ohm_m, ohm_key);
    uint32_t ohm_home = OHM__F(__ahead_home)(ohm_a, ohm_hash);
    const char *ohm_k = OHM__PTR_CAST(const char *, OHM__F(__key_in)(ohm_a->kb, ohm_home));
    OHM__PREFETCH(ohm_k);
    OHM__PREFETCH(ohm_k + 64);
    OHM__PREFETCH(ohm_k + 128);
#if defined(OHM_VALUE)
    if (!(OHM_INTERLEAVE)) OHM__PREFETCH(OHM__F(__val)(ohm_m, ohm_home));
#endif
    return ohm_hash;
}

/* ========================================================================
 * The probe read racing a writer (N_read; docs/concurrency.md). A reader
 * notes the stripe word of each group it reads (waiting while one is
 * odd), reads with atomic loads, and checks that none of those words
 * changed before it trusts what it read: before comparing a key it copied
 * (so equality never sees a torn key), and before answering. A probe that
 * reads more groups than it can note checks the sequence word instead.
 * ====================================================================== */

#define OHM__READ_NOTES 16
typedef struct OHM__F(__rnotes) {
    uint32_t n;      /* stripes noted */
    bool whole;      /* the sequence word instead (a long probe) */
    uint32_t seq;    /* its value, when whole */
    uint32_t idx[OHM__READ_NOTES], ver[OHM__READ_NOTES];
} OHM__F(__rnotes);

/* Note group g's stripe: false when it is odd or there is no room to note it. */
static inline bool OHM__F(__r_note)(const OHM__N *ohm_m, OHM__F(__rnotes) *ohm_r, uint32_t ohm_g)
{
    if (ohm_r->whole) return true;
    uint32_t ohm_k = ohm_g & ohm_m->hdr.smask;
    for (uint32_t ohm_i = 0; ohm_i < ohm_r->n; ohm_i++)
        if (ohm_r->idx[ohm_i] == ohm_k) return true;
    if (ohm_r->n == OHM__READ_NOTES) return false;
    uint32_t ohm_v = __atomic_load_n(OHM__F(__stripes)(ohm_m) + ohm_k, __ATOMIC_ACQUIRE);
    if (ohm_v & 1) return false;
    ohm_r->idx[ohm_r->n] = ohm_k;
    ohm_r->ver[ohm_r->n++] = ohm_v;
    return true;
}
/* True when no write touched the noted groups since they were noted: what
 * was read meanwhile is what one moment of the map held. */
static inline bool OHM__F(__r_valid)(const OHM__N *ohm_m, const OHM__F(__rnotes) *ohm_r)
{
    OHM__FENCE_ACQ();
    if (ohm_r->whole) return ohm__ld32(&OHM__F(__sync)(ohm_m)->seq) == ohm_r->seq;
    return ohm__stripes_same(OHM__F(__stripes)(ohm_m), ohm_r->idx, ohm_r->ver, ohm_r->n);
}

/* Whether the key in slot s (copied whole) is the one looked for; then the
 * value is copied out. OHM_FOUND, OHM_ABSENT (another key), OHM_BUSY (a
 * write overlapped: try again). */
static inline ohm_status OHM__F(__r_match)(const OHM__N *ohm_m, const OHM__F(__rnotes) *ohm_r, uint32_t ohm_s,
                                           const OHM__K *ohm_key, void *ohm_value_out)
{
    OHM__K ohm_k;
    ohm__ld_copy(&ohm_k, OHM__F(__key)(ohm_m, ohm_s), sizeof ohm_k, OHM__ALIGNOF(OHM__K));
    if (!OHM__F(__r_valid)(ohm_m, ohm_r)) return OHM_BUSY;
    if (!OHM__F(__eq)(ohm_m, &ohm_k, ohm_key)) return OHM_ABSENT;
#ifdef OHM_VALUE
    if (ohm_value_out) {
        ohm__ld_copy(ohm_value_out, OHM__F(__val)(ohm_m, ohm_s), sizeof(OHM__V), OHM__VAL_ALIGN);
        if (!OHM__F(__r_valid)(ohm_m, ohm_r)) return OHM_BUSY;
    }
#else
    (void)ohm_value_out;
#endif
    return OHM_FOUND;
}

/* One attempt of N_read: the probe of N__find, read racing a writer. */
static inline ohm_status OHM__F(__read_try)(const OHM__N *ohm_m, uint64_t ohm_hash, const OHM__K *ohm_key,
                                            void *ohm_value_out, OHM__F(__rnotes) *ohm_r)
{
    uint32_t ohm_cap = ohm_m->hdr.capacity;
    ohm_r->n = 0;
    if (ohm_r->whole) {
        ohm_r->seq = __atomic_load_n(&OHM__F(__sync)(ohm_m)->seq, __ATOMIC_ACQUIRE);
        if (ohm_r->seq & 1) return OHM_BUSY;
    }
    if (ohm_cap == 0) return OHM_ABSENT;
    uint32_t ohm_base = OHM__F(__home_base)(ohm_m, ohm_hash), ohm_g = ohm_base / OHM_GROUP_SLOTS;
    if (!OHM__F(__r_note)(ohm_m, ohm_r, ohm_g)) return OHM_BUSY;
    const uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    ohm__grp ohm_grp = ohm__grp_load(ohm_meta + ohm_base);
    uint32_t ohm_valid = OHM__F(__gvalid)(ohm_m);
    for (uint32_t ohm_u = ohm__grp_eq(ohm_grp, ohm__tag(ohm_hash)) & ohm_valid; ohm_u; ohm_u &= ohm_u - 1) {
        ohm_status ohm_st = OHM__F(__r_match)(ohm_m, ohm_r, ohm_base + ohm__m16_first(ohm_u), ohm_key, ohm_value_out);
        if (ohm_st != OHM_ABSENT) return ohm_st;
    }
    uint32_t ohm_gm = OHM__F(__gmask)(ohm_m);
    bool ohm_on = ohm_gm != 0 && ((ohm__ld8(OHM__F(__cls)(ohm_m) + ohm_g) >> ohm__class(ohm_hash)) & 1) &&
                  !(ohm__grp_eq(ohm_grp, 0) & ohm_valid);
    if (ohm_on) OHM__GROUPS_AFTER(ohm_g, ohm_gm, ohm_j, ohm_y) {
        if (!OHM__F(__r_note)(ohm_m, ohm_r, ohm_y)) {
            if (ohm_r->n == OHM__READ_NOTES) ohm_r->whole = true; /* a long probe: the next attempt checks the sequence */
            return OHM_BUSY;
        }
        ohm_grp = ohm__grp_load(ohm_meta + ohm_y * OHM_GROUP_SLOTS);
        for (uint32_t ohm_u = ohm__grp_eq(ohm_grp, ohm__dtag(ohm_hash, ohm_j)); ohm_u; ohm_u &= ohm_u - 1) {
            ohm_status ohm_st = OHM__F(__r_match)(ohm_m, ohm_r, ohm_y * OHM_GROUP_SLOTS + ohm__m16_first(ohm_u), ohm_key,
                                                  ohm_value_out);
            if (ohm_st != OHM_ABSENT) return ohm_st;
        }
        if (ohm__grp_eq(ohm_grp, 0) != 0) break; /* a free slot ends the probe */
    }
    return OHM__F(__r_valid)(ohm_m, ohm_r) ? OHM_ABSENT : OHM_BUSY;
}

/* A key type read by one atomic load (1, 2, 4 or 8 bytes, aligned to its
 * size): its copy cannot be torn, so equality may see it before the
 * stripe is checked again. */
#define OHM__KEY_WHOLE (sizeof(OHM__K) <= 8 && sizeof(OHM__K) == OHM__ALIGNOF(OHM__K))

/* Copies slot s's value out for N_read (nothing for a set or a NULL out). */
static inline void OHM__F(__r_value)(const OHM__N *ohm_m, uint32_t ohm_s, void *ohm_value_out)
{
#ifdef OHM_VALUE
    if (ohm_value_out) ohm__ld_copy(ohm_value_out, OHM__F(__val)(ohm_m, ohm_s), sizeof(OHM__V), OHM__VAL_ALIGN);
#else
    (void)ohm_m, (void)ohm_s, (void)ohm_value_out;
#endif
}

/* The groups N_read's first attempt reads at most: a longer probe is left
 * to the general attempts. */
#define OHM__READ_FAR 4

/* N_read's first attempt past the home group g (stripe k0 noted as v0):
 * the next groups of the probe, each under its stripe, up to
 * OHM__READ_FAR groups in all. */
static inline ohm_status OHM__F(__read_far)(const OHM__N *ohm_m, uint64_t ohm_hash, const OHM__K *ohm_key,
                                            void *ohm_value_out, uint32_t ohm_g, uint32_t ohm_k0, uint32_t ohm_v0)
{
    const uint32_t *ohm_st = OHM__F(__stripes)(ohm_m);
    uint32_t ohm_smask = ohm_m->hdr.smask, ohm_gm = OHM__F(__gmask)(ohm_m);
    uint32_t ohm_k[OHM__READ_FAR], ohm_v[OHM__READ_FAR], ohm_n = 1;
    const uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    ohm_k[0] = ohm_k0;
    ohm_v[0] = ohm_v0;
    for (uint32_t ohm_j = 1; ohm_j <= ohm_gm && ohm_j < OHM__READ_FAR; ohm_j++) {
        uint32_t ohm_y = (ohm_g + ohm_j) & ohm_gm;
        ohm_k[ohm_n] = ohm_y & ohm_smask;
        ohm_v[ohm_n] = __atomic_load_n(ohm_st + ohm_k[ohm_n], __ATOMIC_ACQUIRE);
        if (ohm_v[ohm_n++] & 1) return OHM_BUSY;
        ohm__grp ohm_grp = ohm__grp_load(ohm_meta + ohm_y * OHM_GROUP_SLOTS);
        for (uint32_t ohm_u = ohm__grp_eq(ohm_grp, ohm__dtag(ohm_hash, ohm_j)); ohm_u; ohm_u &= ohm_u - 1) {
            uint32_t ohm_s = ohm_y * OHM_GROUP_SLOTS + ohm__m16_first(ohm_u);
            OHM__K ohm_c;
            ohm__ld_copy(&ohm_c, OHM__F(__key)(ohm_m, ohm_s), sizeof ohm_c, OHM__ALIGNOF(OHM__K));
            if (!OHM__KEY_WHOLE) {
                OHM__FENCE_ACQ();
                for (uint32_t ohm_i = 0; ohm_i < ohm_n; ohm_i++)
                    if (ohm__ld32(ohm_st + ohm_k[ohm_i]) != ohm_v[ohm_i]) return OHM_BUSY;
            }
            if (!OHM__F(__eq)(ohm_m, &ohm_c, ohm_key)) continue;
            OHM__F(__r_value)(ohm_m, ohm_s, ohm_value_out);
            return ohm__stripes_same(ohm_st, ohm_k, ohm_v, ohm_n) ? OHM_FOUND : OHM_BUSY;
        }
        if (ohm__grp_eq(ohm_grp, 0) != 0) /* a free slot ends the probe */
            return ohm__stripes_same(ohm_st, ohm_k, ohm_v, ohm_n) ? OHM_ABSENT : OHM_BUSY;
    }
    return OHM_BUSY;
}

/* N_read's first attempt, for the common case that the home group decides
 * (it holds the key, or the probe ends there), under that group's one
 * stripe. OHM_BUSY: anything else (a write overlapped, a longer probe):
 * the general attempts (N__read_try) decide. */
OHM__ALWAYS_INLINE ohm_status OHM__F(__read_home)(const OHM__N *ohm_m, uint64_t ohm_hash, const OHM__K *ohm_key,
                                             void *ohm_value_out)
{
    uint32_t ohm_cap = ohm_m->hdr.capacity;
    if (ohm_cap == 0) return OHM_ABSENT;
    uint32_t ohm_base = OHM__F(__home_base)(ohm_m, ohm_hash), ohm_g = ohm_base / OHM_GROUP_SLOTS;
    const uint32_t *ohm_sp = OHM__F(__stripes)(ohm_m) + (ohm_g & ohm_m->hdr.smask);
    uint32_t ohm_v = __atomic_load_n(ohm_sp, __ATOMIC_ACQUIRE);
    if (ohm_v & 1) return OHM_BUSY;
    ohm__grp ohm_grp = ohm__grp_load(OHM__F(__meta)(ohm_m) + ohm_base);
    uint32_t ohm_valid = OHM__F(__gvalid)(ohm_m);
    for (uint32_t ohm_u = ohm__grp_eq(ohm_grp, ohm__tag(ohm_hash)) & ohm_valid; ohm_u; ohm_u &= ohm_u - 1) {
        uint32_t ohm_s = ohm_base + ohm__m16_first(ohm_u);
        OHM__K ohm_k;
        ohm__ld_copy(&ohm_k, OHM__F(__key)(ohm_m, ohm_s), sizeof ohm_k, OHM__ALIGNOF(OHM__K));
        if (!OHM__KEY_WHOLE) {
            OHM__FENCE_ACQ();
            if (ohm__ld32(ohm_sp) != ohm_v) return OHM_BUSY;
        }
        if (!OHM__F(__eq)(ohm_m, &ohm_k, ohm_key)) continue;
        OHM__F(__r_value)(ohm_m, ohm_s, ohm_value_out);
        OHM__FENCE_ACQ();
        return ohm__ld32(ohm_sp) == ohm_v ? OHM_FOUND : OHM_BUSY;
    }
    if (OHM__F(__gmask)(ohm_m) != 0 && ((ohm__ld8(OHM__F(__cls)(ohm_m) + ohm_g) >> ohm__class(ohm_hash)) & 1) &&
        !(ohm__grp_eq(ohm_grp, 0) & ohm_valid))
        return OHM__F(__read_far)(ohm_m, ohm_hash, ohm_key, ohm_value_out, ohm_g, ohm_g & ohm_m->hdr.smask,
                                  ohm_v); /* the probe goes on past the home group */
    OHM__FENCE_ACQ();
    return ohm__ld32(ohm_sp) == ohm_v ? OHM_ABSENT : OHM_BUSY;
}

/* N_read when its first attempt could not decide: the general attempts,
 * waiting between them up to OHM_READ_WAIT_MS. Out of line, so that
 * N_read stays small enough to inline. */
OHM__NOINLINE ohm_status OHM__F(__read_slow)(const OHM__N *ohm_m, uint64_t ohm_hash, const OHM__K *ohm_key,
                                             void *ohm_value_out)
{
    OHM__F(__rnotes) ohm_r;
    ohm_r.whole = false;
    ohm_r.seq = 0;
    ohm__wait ohm_w = {0, 0};
    for (;;) {
        ohm_status ohm_st = OHM__F(__read_try)(ohm_m, ohm_hash, ohm_key, ohm_value_out, &ohm_r);
        if (ohm_st != OHM_BUSY) return ohm_st;
        if (!ohm__read_wait(&ohm_w, OHM_READ_WAIT_MS)) return OHM_BUSY;
    }
}

/* ========================================================================
 * The write order (docs/concurrency.md, docs/FORMAT.md "Writing"). Every
 * mutation runs between N__w_begin and N__w_end: the sequence word is odd
 * meanwhile, and so is the stripe word of every group it changes (marked
 * before the group's first store, in the order the mutation reaches the
 * groups: always forward from its first group, round the end). Lock-free
 * readers that read a group under an odd or changed stripe try again.
 * Every store goes through OHM__ST*: ohm.h's atomic ohm__st* (with
 * OHM_SHARED 0, plain stores, whose order none of this keeps). The order of the
 * stores is also what makes a mutation recoverable at any of them (a
 * writer killed part way; N_recover):
 *   - a new entry's key and value are stored before its metadata byte,
 *     which publishes it, and its home's class bit before that;
 *   - an overwrite copies the new value into the journal first;
 *   - a removal's shift copies a key and value to the hole, publishes the
 *     hole's byte, then clears the source's; the journal names the hole and
 *     the source at each step;
 *   - the count and class bytes are derived, and N_recover recomputes them.
 * ====================================================================== */

/* A mutation begins: the sequence word turns odd; the bookkeeping that
 * ohm__w_touch and ohm__w_end (ohm.h) use is read once. */
static inline ohm__wr OHM__F(__w_begin)(OHM__N *ohm_m)
{
    ohm__wr ohm_wr;
    if (!OHM_SHARED) { /* no bookkeeping: the marks below are never read */
        memset(&ohm_wr, 0, sizeof ohm_wr);
        return ohm_wr;
    }
    ohm_wr.seq = &OHM__F(__sync)(ohm_m)->seq;
    ohm_wr.stripes = OHM__F(__stripes)(ohm_m);
    ohm_wr.gm = OHM__F(__gmask)(ohm_m);
    ohm_wr.ns = ohm_m->hdr.smask + 1;
    ohm_wr.lo = 0;
    ohm_wr.n = 0;
    OHM__ST32(ohm_wr.seq, *ohm_wr.seq + 1);
    OHM__FENCE_REL();
    return ohm_wr;
}

/* The journal: the slots of the step in progress, in one store. */
static inline void OHM__F(__j_step)(OHM__N *ohm_m, uint32_t ohm_hole, uint32_t ohm_src)
{
    if (!OHM_SHARED) return;
    uint32_t ohm_w[2] = {ohm_hole, ohm_src};
    OHM__ST_COPY(&OHM__F(__sync)(ohm_m)->hole, ohm_w, sizeof ohm_w, 8);
}
static inline void OHM__F(__j_op)(OHM__N *ohm_m, uint32_t ohm_op)
{
    if (!OHM_SHARED) return;
    OHM__ST32(&OHM__F(__sync)(ohm_m)->op, ohm_op);
}
/* N_remove_if: the group its walk starts at. */
static inline void OHM__F(__j_start)(OHM__N *ohm_m, uint32_t ohm_start)
{
    if (!OHM_SHARED) return;
    OHM__ST32(&OHM__F(__sync)(ohm_m)->start, ohm_start);
}
#ifdef OHM_VALUE
/* An overwrite: the new value, into the journal's value buffer. */
static inline void OHM__F(__j_value)(OHM__N *ohm_m, const OHM__V *ohm_v)
{
    if (!OHM_SHARED) return;
    OHM__ST_COPY(OHM__F(__jval)(ohm_m), ohm_v, sizeof(OHM__V), OHM__VAL_ALIGN);
}
#endif

/* The stripe marks (ohm.h), none when OHM_SHARED is 0. */
static inline void OHM__F(__w_touch)(ohm__wr *ohm_wr, uint32_t ohm_g)
{
    if (OHM_SHARED) ohm__w_touch(ohm_wr, ohm_g);
}
static inline void OHM__F(__w_touch_all)(ohm__wr *ohm_wr)
{
    if (OHM_SHARED) ohm__w_touch_all(ohm_wr);
}
static inline void OHM__F(__w_end)(ohm__wr *ohm_wr)
{
    if (OHM_SHARED) ohm__w_end(ohm_wr);
}

/* The writer's counters in the header (lock-free readers may read them). */
static inline void OHM__F(__count_add)(OHM__N *ohm_m, uint32_t ohm_add)
{
    OHM__ST32(&ohm_m->hdr.count, ohm_m->hdr.count + ohm_add);
    OHM__ST32(&ohm_m->hdr.stamp, ohm_m->hdr.stamp + 1);
}

/* ========================================================================
 * Insertion: a new entry in the slot the probe found
 * ====================================================================== */

/* Make a new entry in `free_slot` (N__seek's or N__room's answer): OHM_OK
 * with its slot, OHM_FULL with nothing changed (at the maximum load, or no
 * free slot). It gets `store_key` and `store_val` (either may be NULL: the
 * adapted insert's caller stores its key after; get_or_put's caller its
 * value), then its home's class bit when displaced, then its metadata
 * byte, which publishes it, then the count. Never moves an entry. */
static inline ohm_status OHM__F(__place)(OHM__N *ohm_m, uint64_t ohm_hash, uint32_t ohm_free_slot,
                                         const OHM__K *ohm_store_key, const void *ohm_store_val, uint32_t *ohm_slot)
{
    if (ohm_m->hdr.count >= ohm_m->hdr.max_entries || ohm_free_slot == OHM__NONE) return OHM_FULL;
    uint32_t ohm_g = OHM__F(__home_group)(ohm_m, ohm_hash), ohm_y = ohm_free_slot / OHM_GROUP_SLOTS;
    uint32_t ohm_d = (ohm_y - ohm_g) & OHM__F(__gmask)(ohm_m), ohm_cap = ohm_m->hdr.capacity;
    ohm__wr ohm_wr = OHM__F(__w_begin)(ohm_m);
    OHM__F(__w_touch)(&ohm_wr, ohm_g);
    OHM__F(__w_touch)(&ohm_wr, ohm_y);
    if (ohm_store_key) OHM__ST_COPY(OHM__F(__key)(ohm_m, ohm_free_slot), ohm_store_key, sizeof(OHM__K), OHM__ALIGNOF(OHM__K));
#ifdef OHM_VALUE
    if (ohm_store_val) OHM__ST_COPY(OHM__F(__val)(ohm_m, ohm_free_slot), ohm_store_val, sizeof(OHM__V), OHM__VAL_ALIGN);
#else
    (void)ohm_store_val;
#endif
    if (ohm_d) {
        uint8_t *ohm_c = OHM__F(__cls)(ohm_m) + ohm_g;
        if (!(*ohm_c & ohm__cls_bit(ohm_hash))) OHM__ST8(ohm_c, OHM__CAST(uint8_t, *ohm_c | ohm__cls_bit(ohm_hash)));
    }
    /* capacity read before the stores above, which may alias it */
    OHM__F(__set_meta_cap)(OHM__F(__meta)(ohm_m), ohm_cap, ohm_free_slot, ohm__byte_for(ohm_hash, ohm_d));
    OHM__F(__count_add)(ohm_m, 1);
    OHM__F(__w_end)(&ohm_wr);
    *ohm_slot = ohm_free_slot;
    return OHM_OK;
}

/* Find the key or make its entry (N__place): OHM_FOUND with its slot
 * (nothing written), OHM_OK with a new entry made, OHM_FULL with nothing
 * changed. The key is compared as N__match does. */
static inline ohm_status OHM__F(__claim)(OHM__N *ohm_m, uint64_t ohm_hash, const OHM__K *ohm_key,
                                         OHM__EQ_FN ohm_eq, const void *ohm_probe, void *ohm_ctx,
                                         const OHM__K *ohm_store_key, const void *ohm_store_val, uint32_t *ohm_slot)
{
    uint32_t ohm_free_slot;
    uint32_t ohm_s = OHM__F(__seek)(ohm_m, ohm_hash, ohm_key, ohm_eq, ohm_probe, ohm_ctx, &ohm_free_slot);
    if (ohm_s != OHM__NONE) {
        *ohm_slot = ohm_s;
        return OHM_FOUND;
    }
    return OHM__F(__place)(ohm_m, ohm_hash, ohm_free_slot, ohm_store_key, ohm_store_val, ohm_slot);
}

#ifdef OHM_VALUE
/* Overwrite the value of the entry in slot s: the new value goes to the
 * journal first, so that a writer killed while copying it leaves the new
 * value for N_recover to finish (never half of each). */
static inline void OHM__F(__overwrite)(OHM__N *ohm_m, uint32_t ohm_s, const OHM__V *ohm_v)
{
    ohm__wr ohm_wr = OHM__F(__w_begin)(ohm_m);
    OHM__F(__j_value)(ohm_m, ohm_v);
    OHM__F(__j_step)(ohm_m, ohm_s, OHM__NONE);
    OHM__F(__j_op)(ohm_m, OHM__OP_OVERWRITE);
    OHM__F(__w_touch)(&ohm_wr, ohm_s / OHM_GROUP_SLOTS);
    OHM__ST_COPY(OHM__F(__val)(ohm_m, ohm_s), ohm_v, sizeof(OHM__V), OHM__VAL_ALIGN);
    OHM__F(__j_op)(ohm_m, OHM__OP_NONE);
    OHM__F(__w_end)(&ohm_wr);
}
#endif

/* ========================================================================
 * Removal: one entry's backward shift (the class bits kept exact)
 * ====================================================================== */

/* Clear class bit c of home group g unless a key of that home and class
 * is still displaced: such a key lies, by invariant I (docs/FORMAT.md),
 * before the first group after g with a free slot. */
static inline void OHM__F(__recompute)(OHM__N *ohm_m, uint32_t ohm_g, uint32_t ohm_c)
{
    uint32_t ohm_gm = OHM__F(__gmask)(ohm_m);
    const uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    char *ohm_kb = OHM__F(__key_base)(ohm_m);
    OHM__GROUPS_AFTER(ohm_g, ohm_gm, ohm_j, ohm_y) {
        const uint8_t *ohm_p = ohm_meta + ohm_y * OHM_GROUP_SLOTS;
        OHM__COUNT_READ();
        if (ohm_j < OHM__DMAX) {
            if (ohm__g16_eq(ohm_p, ohm__dist_byte(ohm_j, ohm_c))) return;
        } else {
            for (uint32_t ohm_u = ohm__g16_eq(ohm_p, ohm__dist_byte(OHM__DMAX, ohm_c)); ohm_u; ohm_u &= ohm_u - 1) {
                uint64_t ohm_h = OHM__F(__hash)(ohm_m, OHM__F(__key_in)(ohm_kb, ohm_y * OHM_GROUP_SLOTS + ohm__m16_first(ohm_u)));
                if (OHM__F(__home_group)(ohm_m, ohm_h) == ohm_g) return;
            }
        }
        if (ohm__g16_free(ohm_p)) break;
    }
    uint8_t *ohm_cb = OHM__F(__cls)(ohm_m) + ohm_g;
    if (*ohm_cb & ohm__class_bit(ohm_c)) OHM__ST8(ohm_cb, OHM__CAST(uint8_t, *ohm_cb & ~ohm__class_bit(ohm_c)));
}

/* Move the entry in slot `from` back to the free slot `to`, `newd` groups
 * past its home, with the byte that distance gives, and free `from`. Only
 * an entry that goes home (newd 0) is hashed (for its fingerprint): the
 * class is in the old byte, and a distance of 15 or more keeps code 15. */
static inline void OHM__F(__move_back)(OHM__N *ohm_m, uint32_t ohm_from, uint32_t ohm_to, uint32_t ohm_newd)
{
    uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    char *ohm_kb = OHM__F(__key_base)(ohm_m);
    uint8_t ohm_tg = ohm_meta[ohm_from];
    if (ohm_newd == 0)
        ohm_tg = ohm__tag(OHM__F(__hash)(ohm_m, OHM__F(__key_in)(ohm_kb, ohm_from)));
    else if (ohm_newd < OHM__DMAX)
        ohm_tg = ohm__dist_byte(ohm_newd, ohm__byte_class(ohm_tg));
#ifdef OHM__TEST_FREE_BEFORE_COPY /* a wrong order, for tests/test_crash.c to catch (make test-crash-mutant) */
    OHM__F(__set_meta)(ohm_m, ohm_from, 0);
#endif
    OHM__ST_COPY(OHM__F(__key_in)(ohm_kb, ohm_to), OHM__F(__key_in)(ohm_kb, ohm_from), sizeof(OHM__K), OHM__ALIGNOF(OHM__K));
    OHM__MAP_ONLY(OHM__ST_COPY(OHM__F(__val)(ohm_m, ohm_to), OHM__F(__val)(ohm_m, ohm_from), sizeof(OHM__V), OHM__VAL_ALIGN);)
    OHM__F(__set_meta)(ohm_m, ohm_to, ohm_tg); /* the copy is published, */
#ifndef OHM__TEST_FREE_BEFORE_COPY
    OHM__F(__set_meta)(ohm_m, ohm_from, 0); /* then the source freed */
#endif
}

/* The class bytes of the groups from `first` up to (not including) `end`,
 * made exact from the keys stored in them and up to `end`: when `end` has
 * a free slot, invariant I puts every displaced key of those homes there.
 * One pass over the groups, whatever their number. */
static inline void OHM__F(__rebuild_classes)(OHM__N *ohm_m, uint32_t ohm_first, uint32_t ohm_end)
{
    ohm__geo ohm_g = OHM__F(__geo)(ohm_m);
    uint8_t *ohm_cls = OHM__F(__cls)(ohm_m);
    uint32_t ohm_span = (ohm_end - ohm_first) & ohm_g.gm; /* groups rebuilt */
    for (uint32_t ohm_q = 0; ohm_q < ohm_span; ohm_q++) {
        uint32_t ohm_y = (ohm_first + ohm_q) & ohm_g.gm;
        if (ohm_cls[ohm_y]) OHM__ST8(ohm_cls + ohm_y, 0);
    }
    for (uint32_t ohm_q = 1; ohm_q <= ohm_span; ohm_q++) {
        uint32_t ohm_y = (ohm_first + ohm_q) & ohm_g.gm;
        OHM__COUNT_READ();
        for (uint32_t ohm_u = ohm__g16_ge(ohm_g.meta + ohm_y * OHM_GROUP_SLOTS, OHM__DISPLACED_MIN); ohm_u; ohm_u &= ohm_u - 1) {
            uint32_t ohm_s = ohm_y * OHM_GROUP_SLOTS + ohm__m16_first(ohm_u);
            uint32_t ohm_d = OHM__F(__dist_in)(ohm_m, &ohm_g, ohm_s);
            uint8_t *ohm_cb = ohm_cls + ((ohm_y - ohm_d) & ohm_g.gm), ohm_bit = ohm__class_bit(ohm__byte_class(ohm_g.meta[ohm_s]));
            if (ohm_d <= ohm_q && !(*ohm_cb & ohm_bit)) /* homed at or after first */
                OHM__ST8(ohm_cb, OHM__CAST(uint8_t, *ohm_cb | ohm_bit));
        }
    }
}

/* Every class byte, exact from the keys displaced anywhere (N_remove_if,
 * N_recover): O(capacity), hashing only keys of distance code 15. */
static inline void OHM__F(__rebuild_all_classes)(OHM__N *ohm_m)
{
    ohm__geo ohm_g = OHM__F(__geo)(ohm_m);
    if (ohm_g.cap < OHM_GROUP_SLOTS) return;
    uint8_t *ohm_cls = OHM__F(__cls)(ohm_m);
    for (uint32_t ohm_y = 0; ohm_y <= ohm_g.gm; ohm_y++)
        if (ohm_cls[ohm_y]) OHM__ST8(ohm_cls + ohm_y, 0);
    for (uint32_t ohm_y = 0; ohm_y <= ohm_g.gm; ohm_y++)
        for (uint32_t ohm_u = ohm__g16_ge(ohm_g.meta + ohm_y * OHM_GROUP_SLOTS, OHM__DISPLACED_MIN); ohm_u; ohm_u &= ohm_u - 1) {
            uint32_t ohm_s = ohm_y * OHM_GROUP_SLOTS + ohm__m16_first(ohm_u);
            uint8_t *ohm_cb = ohm_cls + ((ohm_y - OHM__F(__dist_in)(ohm_m, &ohm_g, ohm_s)) & ohm_g.gm);
            uint8_t ohm_bit = ohm__class_bit(ohm__byte_class(ohm_g.meta[ohm_s]));
            if (!(*ohm_cb & ohm_bit)) OHM__ST8(ohm_cb, OHM__CAST(uint8_t, *ohm_cb | ohm_bit));
        }
}

/* After slot s of group x, which was full, became free: a group-level
 * backward shift. The nearest later group holding a key whose probe
 * passes x gives its lowest such key to s; its slot is the next hole,
 * and so on while the group that gave was full. Keeps invariant I: no
 * key's probe passes a group with a free slot. A key that went home may
 * have been the last of its class outside that group; its class bit is
 * recomputed once the shift is done (then the scan stops at the first
 * group with room, which the last hole is at the latest). A recompute at
 * each step would read the rest of the run each time, quadratic in a
 * run of full groups; so past OHM__PULL_RECOMPUTES keys gone home, the
 * class bytes of all the groups the shift walked are rebuilt in one pass
 * instead. On a valid block the shift reads each group of the run once,
 * the upkeep of class bits a few times; bounded by a lap of groups a step
 * and a lap of steps even on a damaged block. */
#define OHM__PULL_RECOMPUTES 4
static inline void OHM__F(__pull)(OHM__N *ohm_m, uint32_t ohm_s, uint32_t ohm_x, ohm__wr *ohm_wr)
{
    uint32_t ohm_gm = OHM__F(__gmask)(ohm_m), ohm_first = ohm_x;
    uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    uint32_t ohm_home[OHM__PULL_RECOMPUTES], ohm_class[OHM__PULL_RECOMPUTES], ohm_gone = 0;
    for (uint32_t ohm_steps = 0; ohm_steps <= ohm_gm; ohm_steps++) {
        uint32_t ohm_t = OHM__NONE, ohm_ty = ohm_x, ohm_newd = 0, ohm_yfree = 0; /* t: the key that moves, in group ty */
        OHM__GROUPS_AFTER(ohm_x, ohm_gm, ohm_k, ohm_y) {
            const uint8_t *ohm_p = ohm_meta + ohm_y * OHM_GROUP_SLOTS;
            OHM__COUNT_READ();
            ohm_yfree = ohm__g16_free(ohm_p);
            /* a byte of code >= k: its probe passes x */
            for (uint32_t ohm_u = ohm__g16_ge(ohm_p, ohm__code_min(ohm_k)); ohm_u;
                 ohm_u &= ohm_u - 1) {
                uint32_t ohm_c2 = ohm_y * OHM_GROUP_SLOTS + ohm__m16_first(ohm_u);
                uint32_t ohm_d = OHM__F(__dist)(ohm_m, ohm_c2);
                if (ohm_d >= ohm_k) {
                    ohm_t = ohm_c2;
                    ohm_ty = ohm_y;
                    ohm_newd = ohm_d - ohm_k;
                    break;
                }
            }
            if (ohm_t != OHM__NONE || ohm_yfree) break; /* nothing passes a group with room */
        }
        if (ohm_t == OHM__NONE) break; /* the hole stays in x */
        if (ohm_newd == 0 && ohm_gone < OHM__PULL_RECOMPUTES) { /* its class, from its byte */
            ohm_home[ohm_gone] = ohm_x;
            ohm_class[ohm_gone] = ohm__byte_class(ohm_meta[ohm_t]);
        }
        ohm_gone += ohm_newd == 0;
        OHM__F(__w_touch)(ohm_wr, ohm_ty);
        OHM__F(__j_step)(ohm_m, ohm_s, ohm_t);
        OHM__F(__move_back)(ohm_m, ohm_t, ohm_s, ohm_newd);
        OHM__F(__j_step)(ohm_m, ohm_t, OHM__NONE);
        ohm_s = ohm_t;
        ohm_x = ohm_ty;
        if (ohm_yfree) break; /* ty had room before: nothing passes it */
    }
    /* x now has the last hole: every key homed in first..x lies there */
    if (ohm_gone > OHM__PULL_RECOMPUTES)
        OHM__F(__rebuild_classes)(ohm_m, ohm_first, ohm_x);
    else
        for (uint32_t ohm_i = 0; ohm_i < ohm_gone; ohm_i++) OHM__F(__recompute)(ohm_m, ohm_home[ohm_i], ohm_class[ohm_i]);
}
#undef OHM__PULL_RECOMPUTES

/* Remove the entry in slot i: its byte is cleared and, when its group was
 * full, keys that passed the group are pulled back (N__pull); then, when
 * the entry was displaced, its home's class bit is recomputed. Entries
 * move only towards their homes. The journal names the hole from the
 * start (N_recover resumes the shift from it). */
static inline void OHM__F(__erase_slot)(OHM__N *ohm_m, uint32_t ohm_i)
{
    uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    uint32_t ohm_gm = OHM__F(__gmask)(ohm_m), ohm_x = ohm_i / OHM_GROUP_SLOTS;
    uint8_t ohm_b = ohm_meta[ohm_i];
    uint64_t ohm_h = 0;
    bool ohm_displaced = ohm_gm != 0 && !ohm__is_home(ohm_b);
    if (ohm_displaced) /* its home's class bit is recomputed below */
        ohm_h = OHM__F(__hash)(ohm_m, OHM__F(__key_in)(OHM__F(__key_base)(ohm_m), ohm_i));
    bool ohm_was_full = ohm_gm != 0 && ohm__g16_free(ohm_meta + ohm_x * OHM_GROUP_SLOTS) == 0;
    ohm__wr ohm_wr = OHM__F(__w_begin)(ohm_m);
    OHM__F(__w_touch)(&ohm_wr, ohm_displaced ? OHM__F(__home_group)(ohm_m, ohm_h) : ohm_x);
    OHM__F(__w_touch)(&ohm_wr, ohm_x);
    OHM__F(__j_step)(ohm_m, ohm_i, OHM__NONE);
    OHM__F(__j_op)(ohm_m, OHM__OP_ERASE);
    OHM__F(__set_meta)(ohm_m, ohm_i, 0);
    OHM__F(__count_add)(ohm_m, UINT32_MAX); /* minus one */
    if (ohm_was_full) OHM__F(__pull)(ohm_m, ohm_i, ohm_x, &ohm_wr);
    if (ohm_displaced) OHM__F(__recompute)(ohm_m, OHM__F(__home_group)(ohm_m, ohm_h), ohm__class(ohm_h));
    OHM__F(__j_op)(ohm_m, OHM__OP_NONE);
    OHM__F(__w_end)(&ohm_wr);
}

/* Every metadata and class byte and the count cleared (N_clear's work, and
 * N_recover's when a clear was cut short). */
static inline void OHM__F(__clear_all)(OHM__N *ohm_m)
{
    OHM__ST_ZERO(OHM__F(__meta)(ohm_m), OHM__CAST(size_t, ohm__meta_len(ohm_m->hdr.capacity)));
    OHM__ST32(&ohm_m->hdr.count, 0);
    OHM__ST32(&ohm_m->hdr.stamp, ohm_m->hdr.stamp + 1);
}

/* ========================================================================
 * Walks over the whole table: where they start
 * ====================================================================== */

/* In a table with no free slot, a group that no key's probe runs into
 * from the group before it: every key at that group or after it, round
 * the table once, has its home there or after. Every full table the
 * library makes has one (the group filled last was crossed by none, and
 * a full table is never written again until a removal frees a slot), and
 * the walks over the whole table, the removal's shift and N_remove_if
 * rely on it; N_check refuses a full table without one. OHM__NONE when
 * there is none. O(capacity): linear group positions p in [0, 2 G), the
 * group at p qualifying when no key at p or later has its home before p. */
static inline uint32_t OHM__F(__uncrossed)(const OHM__N *ohm_m, const ohm__geo *ohm_g)
{
    int64_t ohm_low = INT64_MAX; /* the lowest home position of a key at p or later */
    for (int64_t ohm_p = 2 * (OHM__CAST(int64_t, ohm_g->gm) + 1); ohm_p-- > 0;) {
        uint32_t ohm_y = OHM__CAST(uint32_t, ohm_p) & ohm_g->gm, ohm_maxd = 0;
        for (uint32_t ohm_u = ohm__g16_ge(ohm_g->meta + ohm_y * OHM_GROUP_SLOTS, OHM__DISPLACED_MIN); ohm_u; ohm_u &= ohm_u - 1) {
            uint32_t ohm_d = OHM__F(__dist_in)(ohm_m, ohm_g, ohm_y * OHM_GROUP_SLOTS + ohm__m16_first(ohm_u));
            if (ohm_d > ohm_maxd) ohm_maxd = ohm_d;
        }
        if (ohm_p - ohm_maxd < ohm_low) ohm_low = ohm_p - ohm_maxd;
        if (ohm_p <= OHM__CAST(int64_t, ohm_g->gm) && ohm_low >= ohm_p) return ohm_y;
    }
    return OHM__NONE;
}

/* Where walks over the whole table begin (iteration, N_remove_if): the
 * first slot of a group that no key's probe runs into from the group
 * before it, so a removal, which moves keys only towards their homes,
 * never moves one across the start: the group after one with a free slot
 * (no probe passes a group with room), or in a full table the one
 * N__uncrossed finds (slot 0 on a block N_check would refuse). A table
 * of fewer than 16 slots is one group: slot 0. */
static inline uint32_t OHM__F(__walk_start)(const OHM__N *ohm_m)
{
    ohm__geo ohm_g = OHM__F(__geo)(ohm_m);
    if (ohm_g.cap < OHM_GROUP_SLOTS) return 0;
    for (uint32_t ohm_y = 0; ohm_y <= ohm_g.gm; ohm_y++)
        if (ohm__g16_free(ohm_g.meta + ohm_y * OHM_GROUP_SLOTS)) return ((ohm_y + 1) & ohm_g.gm) * OHM_GROUP_SLOTS;
    uint32_t ohm_y = OHM__F(__uncrossed)(ohm_m, &ohm_g);
    return ohm_y == OHM__NONE ? 0 : ohm_y * OHM_GROUP_SLOTS;
}

/* Where the walk over the whole table starts, as N__walk_start finds it,
 * with the search for a group with a free slot inline: the first groups'
 * metadata, which every such search reads, stays in the cache. */
static inline uint32_t OHM__F(__walk_start_fast)(const OHM__N *ohm_m)
{
    uint32_t ohm_cap = ohm_m->hdr.capacity;
    if (ohm_cap < OHM_GROUP_SLOTS) return 0;
    const uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    for (uint32_t ohm_y = 0; ohm_y < ohm_cap / OHM_GROUP_SLOTS; ohm_y++)
        if (ohm__g16_free(ohm_meta + ohm_y * OHM_GROUP_SLOTS)) return ((ohm_y + 1) * OHM_GROUP_SLOTS) & (ohm_cap - 1);
    return OHM__F(__walk_start)(ohm_m); /* completely full */
}

/* ========================================================================
 * N_remove_if's compaction: marked entries freed, keys moved back in one pass
 * ====================================================================== */

/* Removal marks: during N_remove_if a doomed entry's metadata byte is
 * this value, which no byte of a key (ohm__holds_key) or free byte (0)
 * has. */
#define OHM__DOOMED 0x01u

/* N_remove_if's search for the first group with a free slot at a group
 * position in [from, to) of its walk, which begins at group `start` (a
 * position counts groups from start; every group below `to` has been
 * walked, so it only ever fills up). `next`, when there is scratch, is a
 * union-find in which a walked group that is full points past itself, so
 * no full group is read twice (path halving keeps the finds short).
 * Returns `to` when there is none. */
static inline uint32_t OHM__F(__group_with_room)(const OHM__N *ohm_m, uint32_t ohm_start, uint32_t ohm_from,
                                                  uint32_t ohm_to, uint32_t *ohm_next)
{
    uint32_t ohm_gm = OHM__F(__gmask)(ohm_m);
    const uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    for (uint32_t ohm_q = ohm_from; ohm_q < ohm_to; ohm_q++) {
        if (ohm_next) {
            while (ohm_next[ohm_q] != ohm_q) {
                ohm_next[ohm_q] = ohm_next[ohm_next[ohm_q]];
                ohm_q = ohm_next[ohm_q];
            }
            if (ohm_q >= ohm_to) break;
        }
        if (ohm__g16_free(ohm_meta + ((ohm_start + ohm_q) & ohm_gm) * OHM_GROUP_SLOTS)) return ohm_q;
        if (ohm_next) ohm_next[ohm_q] = ohm_q + 1;
    }
    return ohm_to;
}

/* N_remove_if's second pass, from group `start` (a group no probe runs
 * into from the one before it): walks the groups once, frees the doomed
 * slots of each and moves each displaced key of the group to the first
 * group of its probe with a free slot, if that comes before (as inserting
 * the survivors in order would), so no entry moves more than once; then
 * the class bytes are rebuilt. Each move is journaled (hole, src). Run
 * again from the same start on a pass that was cut short, it finishes it:
 * the groups already walked have no doomed slot and no key with room
 * before it. Finding that group goes through a union-find of the groups
 * found full (4 bytes a group, OHM_MALLOC, freed before returning, made at
 * the first search that passes a full group), so the whole is O(capacity)
 * whatever the layout; without that memory the search reads the groups
 * from the key's home on. */
static inline void OHM__F(__compact)(OHM__N *ohm_m, uint32_t ohm_start)
{
    uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    uint32_t ohm_gm = OHM__F(__gmask)(ohm_m), ohm_valid = OHM__F(__gvalid)(ohm_m);
    uint32_t *ohm_next = OHM__NULL; /* the union-find of __group_with_room, made when first needed */
    bool ohm_asked = false;
    for (uint32_t ohm_q = 0; ohm_q <= ohm_gm; ohm_q++) {
        uint32_t ohm_y = (ohm_start + ohm_q) & ohm_gm, ohm_base = ohm_y * OHM_GROUP_SLOTS;
        for (uint32_t ohm_u = ohm__g16_eq(ohm_meta + ohm_base, OHM__DOOMED) & ohm_valid; ohm_u; ohm_u &= ohm_u - 1)
            OHM__F(__set_meta)(ohm_m, ohm_base + ohm__m16_first(ohm_u), 0);
        if (ohm_gm == 0) break;
        for (uint32_t ohm_u = ohm__g16_ge(ohm_meta + ohm_base, OHM__DISPLACED_MIN); ohm_u; ohm_u &= ohm_u - 1) {
            uint32_t ohm_s = ohm_base + ohm__m16_first(ohm_u);
            uint32_t ohm_d = OHM__F(__dist)(ohm_m, ohm_s);
            uint32_t ohm_hq = ohm_d <= ohm_q ? ohm_q - ohm_d : 0; /* its home's position */
            if (ohm_hq + 1 < ohm_q && !ohm_asked && ohm__g16_free(ohm_meta + ((ohm_start + ohm_hq) & ohm_gm) * OHM_GROUP_SLOTS) == 0) {
                ohm_asked = true;
                size_t ohm_bytes;
                if (ohm__scratch_size(OHM__CAST(uint64_t, ohm_gm) + 2, sizeof(uint32_t), &ohm_bytes))
                    ohm_next = OHM__CAST(uint32_t *, OHM_MALLOC(ohm_bytes));
                for (uint32_t ohm_k = 0; ohm_next && ohm_k <= ohm_gm + 1; ohm_k++) ohm_next[ohm_k] = ohm_k;
            }
            uint32_t ohm_tq = OHM__F(__group_with_room)(ohm_m, ohm_start, ohm_hq, ohm_q, ohm_next);
            if (ohm_tq >= ohm_q) continue; /* none before it: it stays */
            uint32_t ohm_tbase = ((ohm_start + ohm_tq) & ohm_gm) * OHM_GROUP_SLOTS;
            uint32_t ohm_t = ohm_tbase + ohm__m16_first(ohm__g16_free(ohm_meta + ohm_tbase));
            OHM__F(__j_step)(ohm_m, ohm_t, ohm_s);
            OHM__F(__move_back)(ohm_m, ohm_s, ohm_t, ohm_tq - ohm_hq);
            OHM__F(__j_step)(ohm_m, OHM__NONE, OHM__NONE);
        }
    }
    if (ohm_next) OHM_FREE(ohm_next);
    OHM__F(__rebuild_all_classes)(ohm_m);
}

/* ========================================================================
 * Recovery: a block whose writer died part way through a mutation. The
 * journal says which mutation and where; the store order (see "The write
 * order") makes every cut point one of a few states, each finished by
 * N_recover.
 * ====================================================================== */

/* A move from src to hole that was cut short: when the copy was published
 * (the hole's byte set), the source is freed; otherwise the source still
 * holds the entry and the hole is free. */
static inline void OHM__F(__r_settle_move)(OHM__N *ohm_m, uint32_t ohm_hole, uint32_t ohm_src)
{
    const uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    if (ohm_src != OHM__NONE && ohm_hole != OHM__NONE && ohm__holds_key(ohm_meta[ohm_hole]) && ohm__holds_key(ohm_meta[ohm_src]))
        OHM__F(__set_meta)(ohm_m, ohm_src, 0);
}

/* A N_remove_if cut short while it was still asking its predicate (the
 * journal names no mutation): each doomed mark is replaced by the byte its
 * key had, from the key's hash and its group (no entry has moved yet), so
 * that the removal is undone as a whole. */
static inline void OHM__F(__r_undoom)(OHM__N *ohm_m)
{
    uint32_t ohm_cap = ohm_m->hdr.capacity, ohm_gm = OHM__F(__gmask)(ohm_m);
    const uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    for (uint32_t ohm_i = 0; ohm_i < ohm_cap; ohm_i++) {
        if (ohm_meta[ohm_i] != OHM__DOOMED) continue;
        uint64_t ohm_h = OHM__F(__hash)(ohm_m, OHM__F(__key)(ohm_m, ohm_i));
        uint32_t ohm_d = (ohm_i / OHM_GROUP_SLOTS - OHM__F(__home_group)(ohm_m, ohm_h)) & ohm_gm;
        OHM__F(__set_meta)(ohm_m, ohm_i, ohm__byte_for(ohm_h, ohm_d));
    }
}
