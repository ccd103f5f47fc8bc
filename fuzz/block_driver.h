/* block_driver.h - what fuzz_block.c does with the input bytes for one map
 * type. fuzz_block.c includes it once per instantiation, with these
 * parameters (undefined again at the end of this file):
 *
 *   FZB_N              prefix of the ohm instantiation under test
 *   FZB_K              its key type
 *   FZB_SET            defined when the instantiation is a set (values are
 *                      uint32_t otherwise)
 *   FZB_HASH(k, seed)  the hash the map computes for key k
 *   FZB_TAG            its OHM_TYPE_TAG
 *   FZB_INTERLEAVE     its OHM_INTERLEAVE, or -1 when it keeps the default
 *
 * The harness's own knowledge of the format (fz_expect_attach, the
 * placement and fz_expect_sync, and the helpers in fuzz_block.c: groups,
 * tags, class bytes; the naive checker below) is written from
 * docs/FORMAT.md, not taken from ohm.
 */

#define FZB_F(suffix) FZ_CAT(FZB_N, suffix)
#ifdef FZB_SET
#define FZB_VARG(v)
#define FZB_IF_MAP(...)
#define FZB_VAL_SIZE 0u
#define FZB_VAL_ALIGN 1u
#else
#define FZB_VARG(v) , v
#define FZB_IF_MAP(...) __VA_ARGS__
#define FZB_VAL_SIZE sizeof(uint32_t)
#define FZB_VAL_ALIGN _Alignof(uint32_t)
#endif

/* What the harness expects of a block of this type. */
static fz_sig FZB_F(_fzb_sig)(void)
{
    return fz_sig_of(sizeof(FZB_K), _Alignof(FZB_K), FZB_VAL_SIZE, FZB_VAL_ALIGN, FZB_TAG,
                     FZB_INTERLEAVE);
}

/* Slot i's key in a block whose header passed attach. */
static FZB_K *FZB_F(_fzb_keyp)(const unsigned char *buf, uint32_t i)
{
    ohm_header h;
    memcpy(&h, buf, sizeof h);
    size_t off = (size_t)h.keys_start + (size_t)i * FZB_F(_fzb_sig)().key_stride;
    return (FZB_K *)(void *)(uintptr_t)(buf + off);
}

static int FZB_F(_fzb_cmp)(const void *a, const void *b)
{
    FZB_K x = *(const FZB_K *)a, y = *(const FZB_K *)b;
    return x < y ? -1 : x > y;
}

/* The invariants of docs/FORMAT.md (format 3's, kept by 5), checked the slow and
 * obvious way, for a block whose header passed attach: the mirror; every
 * used byte is the home tag of a key in its home group or the exact
 * distance tag of a displaced one (0x01..0x07 never); a displaced key's
 * home group has its class bit; no group from a displaced key's home group
 * up to its own has a free slot (invariant I); count; no key twice; and a
 * table of more than one group with no free slot at all has a group
 * boundary that no key's probe crosses (iteration, removal and remove_if
 * start their walk at such a boundary when no group has room; every full
 * table the library makes has one: the one after the group filled last). */
static bool FZB_F(_fzb_naive_ok)(const unsigned char *buf)
{
    ohm_header h;
    memcpy(&h, buf, sizeof h);
    uint32_t cap = h.capacity;
    if (cap == 0) return h.count == 0;
    const unsigned char *meta = buf + h.meta_start;
    const unsigned char *classes = meta + cap + 16;
    for (uint32_t k = 0; k < 16; k++)
        if (meta[cap + k] != meta[k % cap]) return false;
    uint32_t ng = fz_groups(cap), used = 0;
    bool *room = fz_alloc(ng * sizeof(bool));
    for (uint32_t y = 0; y < ng; y++) room[y] = fz_group_has_room(meta, cap, y);
    FZB_K *sorted = fz_alloc((size_t)cap * sizeof(FZB_K));
    bool ok = true;
    for (uint32_t i = 0; i < cap && ok; i++) {
        if (meta[i] == 0) continue;
        if (meta[i] < 0x08) ok = false; /* not a byte a slot may hold */
        FZB_K key = *FZB_F(_fzb_keyp)(buf, i);
        uint64_t hash = FZB_HASH(key, h.seed);
        uint32_t g = fz_home_group(cap, hash), y = fz_group_of(cap, i);
        uint32_t d = (y + ng - g) % ng; /* groups past its home group */
        if (d == 0) {
            if (meta[i] != (0x80u | (hash >> 57))) ok = false;
        } else {
            uint32_t code = d < 15 ? d : 15, cls = (uint32_t)(hash >> 54) & 7u;
            if (meta[i] != (code << 3 | cls)) ok = false;
            if (!(classes[g] & (1u << cls))) ok = false; /* lookups would stop at home */
            for (uint32_t j = 0; j < d; j++)
                if (room[(g + j) % ng]) ok = false; /* lookups would stop there */
        }
        sorted[used++] = key;
    }
    if (ok && used != h.count) ok = false;
    /* Completely full: look for a boundary no probe crosses, one boundary
     * at a time, asking every key. Boundary b lies between group b - 1 and
     * group b (boundary 0: between the last group and group 0); the probe
     * of a key homed in group g and stored d groups past it crosses the
     * boundaries into groups g + 1 .. g + d (round the end). */
    bool full = true;
    for (uint32_t y = 0; y < ng; y++)
        if (room[y]) full = false;
    if (ok && full && ng > 1) {
        bool uncrossed_found = false;
        for (uint32_t b = 0; b < ng && !uncrossed_found; b++) {
            bool crossed = false;
            for (uint32_t i = 0; i < cap && !crossed; i++) {
                uint64_t hash = FZB_HASH(*FZB_F(_fzb_keyp)(buf, i), h.seed);
                uint32_t g = fz_home_group(cap, hash);
                uint32_t d = (fz_group_of(cap, i) + ng - g) % ng;
                uint32_t to_b = (b + ng - g) % ng; /* groups from its home to group b */
                if (to_b >= 1 && to_b <= d) crossed = true;
            }
            if (!crossed) uncrossed_found = true;
        }
        if (!uncrossed_found) ok = false; /* no walk start that splits no probe */
    }
    if (ok && used > 1) {
        qsort(sorted, used, sizeof(FZB_K), FZB_F(_fzb_cmp));
        for (uint32_t i = 1; i < used; i++)
            if (sorted[i] == sorted[i - 1]) ok = false;
    }
    free(sorted);
    free(room);
    return ok;
}

/* A completely full table of `cap` slots (16 or more, load 100), built
 * from the recipe bytes in `in` (fuzz_block.c says what comes before):
 * a byte a group, whose bits 0-3 are n and bits 4-7 d - 1 (taken mod the
 * number of groups less one): the group's last n slots hold keys homed d
 * groups back (round the end), its other slots keys homed in it. Every
 * byte, class bit and the count are made right, and with no free slot
 * invariant I holds, so such a table breaks at most one rule: when every
 * group takes keys from an earlier one, every group boundary is crossed
 * (the 32-slot case: 14 home keys and 2 from the other group in each).
 * The keys: candidates c * FZ_KEY_MUL for c = 1 + 256 * (a recipe byte),
 * 2 + ..., each looked at once (so all distinct), the first whose home is
 * the wanted group (about one in every `groups`); after 16 * groups + 64
 * misses (for a seeded hash about never: one chance in 10^8 a key; always
 * with the colliding hash, which homes every key in the last group) the
 * next one, stored where it lands. Returns the block
 * followed by the bytes of `tail`, in a malloc of exactly that length. */
static unsigned char *FZB_F(_fzb_build_full)(fz_in *in, uint32_t cap, uint64_t seed,
                                             uint64_t user, const fz_in *tail, size_t *len)
{
    ohm_layout l = FZB_F(_layout_for_capacity)(cap);
    FZ_REQUIRE(cap >= 16 && l.total_size != 0);
    *len = (size_t)l.total_size + tail->n;
    unsigned char *buf = fz_alloc(*len);
    FZ_REQUIRE(FZB_F(_init_ex)(buf, l, seed, 100) == (FZB_N *)(void *)buf);
    if (tail->n) memcpy(buf + l.total_size, tail->p, tail->n);
    ohm_header h;
    memcpy(&h, buf, sizeof h);
    fz_sig sig = FZB_F(_fzb_sig)();
    unsigned char *meta = buf + h.meta_start, *classes = meta + cap + 16;
    uint32_t ng = fz_groups(cap);
    uint64_t next = 1u + 256u * (uint64_t)fz_u8(in);
    for (uint32_t y = 0; y < ng; y++) {
        unsigned b = fz_u8(in);
        uint32_t n = b & 15u, back = ng > 1 ? 1u + (b >> 4) % (ng - 1) : 0u;
        for (uint32_t k = 0; k < 16; k++) {
            uint32_t slot = y * 16 + k, want = k >= 16 - n ? (y + ng - back) % ng : y;
            FZB_K key;
            uint64_t hash;
            for (uint32_t tries = 0;; tries++) {
                key = (FZB_K)(next++ * FZ_KEY_MUL);
                hash = FZB_HASH(key, seed);
                if (fz_home_group(cap, hash) == want || tries == 16 * ng + 64) break;
            }
            uint32_t home = fz_home_group(cap, hash), d = (y + ng - home) % ng;
            fz_set_meta(meta, cap, slot, fz_byte_for(hash, d));
            if (d) classes[home] = (uint8_t)(classes[home] | 1u << ((hash >> 54) & 7u));
            *FZB_F(_fzb_keyp)(buf, slot) = key;
#ifndef FZB_SET
            uint32_t v = (uint32_t)key ^ slot;
            memcpy(buf + h.vals_start + (size_t)slot * sig.val_stride, &v, sizeof v);
#endif
        }
    }
    (void)sig;
    h.count = cap;
    h.user = user;
    memcpy(buf, &h, sizeof h);
    return buf;
}

/* attach and validate must both answer `want` and write nothing. */
static void FZB_F(_fzb_expect)(unsigned char *buf, size_t len, ohm_status want)
{
    unsigned char *before = fz_alloc(len);
    memcpy(before, buf, len);
    FZB_N *m = (FZB_N *)(void *)before; /* anything but NULL */
    fz_sig sig = FZB_F(_fzb_sig)();
    ohm_status a = FZB_F(_attach)(buf, len, &m);
    ohm_status v = FZB_F(_validate)(buf, len);
    FZ_REQUIRE(memcmp(before, buf, len) == 0);
    if (want == OHM_CORRUPT) {
        FZ_REQUIRE(a == OHM_OK && m == (FZB_N *)(void *)buf);
        FZ_REQUIRE(!FZB_F(_fzb_naive_ok)(buf));
    } else {
        FZ_REQUIRE(a == want && (want == OHM_OK ? m == (FZB_N *)(void *)buf : m == NULL));
        FZ_REQUIRE(fz_expect_attach(buf, len, &sig) == want);
    }
    FZ_REQUIRE(v == want);
    free(before);
}

/* Damage the header (a field of `h`, then written back), expect a status,
 * restore the header from the input. */
#define FZB_DAMAGE(want, ...)                                     \
    do {                                                          \
        ohm_header h;                                             \
        memcpy(&h, buf, sizeof h);                                \
        __VA_ARGS__;                                              \
        memcpy(buf, &h, sizeof h);                                \
        FZB_F(_fzb_expect)(buf, len, (want));                     \
        memcpy(buf, orig, sizeof h);                              \
    } while (0)

static void FZB_F(_fzb_damage_header)(unsigned char *buf, size_t len, const unsigned char *orig)
{
    ohm_header g;
    memcpy(&g, buf, sizeof g);
    fz_sig sig = FZB_F(_fzb_sig)();
    FZB_DAMAGE(OHM_BAD_MAGIC, h.magic ^= 1u);
    FZB_DAMAGE(OHM_BAD_MAGIC, h.magic = 0);
    FZB_DAMAGE(OHM_BAD_ENDIAN, fz_bswap_header(&h));
    FZB_DAMAGE(OHM_BAD_ENDIAN, h.byte_order = 0x0201);
    FZB_DAMAGE(OHM_BAD_VERSION, h.version = 4); /* the previous format */
    FZB_DAMAGE(OHM_BAD_VERSION, h.version = 3);
    FZB_DAMAGE(OHM_BAD_VERSION, h.version = 2);
    FZB_DAMAGE(OHM_BAD_VERSION, h.version = 1);
    FZB_DAMAGE(OHM_BAD_VERSION, h.version = 6);
    FZB_DAMAGE(OHM_BAD_VERSION, h.version = 0);
    FZB_DAMAGE(OHM_BAD_TYPE, h.key_size += 1);
    FZB_DAMAGE(OHM_BAD_TYPE, h.key_align *= 2);
    FZB_DAMAGE(OHM_BAD_TYPE, h.val_size ^= 4);
    FZB_DAMAGE(OHM_BAD_TYPE, h.val_align *= 2);
    FZB_DAMAGE(OHM_BAD_TYPE, h.flags ^= OHM_FLAG_SET);
    FZB_DAMAGE(OHM_BAD_TYPE, h.flags ^= 2u); /* the other placement */
    FZB_DAMAGE(OHM_BAD_TYPE, h.flags ^= 0x80u);
    FZB_DAMAGE(OHM_BAD_TYPE, h.type_tag ^= 1u);
    FZB_DAMAGE(OHM_BAD_TYPE, h.max_load = 0);
    FZB_DAMAGE(OHM_BAD_TYPE, h.max_load = 101);
    FZB_DAMAGE(OHM_BAD_TYPE, h.fp_bits = 8);
    FZB_DAMAGE(OHM_BAD_TYPE, h.mirror = 8);
    FZB_DAMAGE(OHM_BAD_CAPACITY, h.capacity = g.capacity < 4 ? 3u : g.capacity | 3u);
    FZB_DAMAGE(OHM_BAD_CAPACITY, h.capacity = 0x80000001u);
    FZB_DAMAGE(OHM_BAD_CAPACITY, h.capacity = UINT32_MAX);
    if (g.capacity < OHM_MAX_CAPACITY) /* another capacity, offsets kept */
        FZB_DAMAGE(OHM_BAD_OFFSETS, h.capacity = g.capacity ? g.capacity * 2 : 1);
    FZB_DAMAGE(OHM_BAD_OFFSETS, h.meta_start += 8);
    FZB_DAMAGE(OHM_BAD_OFFSETS, h.keys_start += sizeof(FZB_K));
    FZB_DAMAGE(OHM_BAD_OFFSETS, h.vals_start += 1);
    FZB_DAMAGE(OHM_BAD_OFFSETS, h.total_size += 1);
    FZB_DAMAGE(OHM_BAD_OFFSETS, h.total_size -= 1);
    FZB_DAMAGE(OHM_BAD_OFFSETS, h.keys_start = UINT64_MAX);
    FZB_DAMAGE(OHM_BAD_OFFSETS, h.total_size = UINT64_MAX);
    if (g.keys_start != g.meta_start) /* keys over the metadata */
        FZB_DAMAGE(OHM_BAD_OFFSETS, h.keys_start = h.meta_start);
    if (g.vals_start != g.keys_start) /* values over the keys */
        FZB_DAMAGE(OHM_BAD_OFFSETS, h.vals_start = h.keys_start);
    FZB_DAMAGE(OHM_BAD_COUNT, h.max_entries += 1);
    if (g.max_entries > 0) FZB_DAMAGE(OHM_BAD_COUNT, h.max_entries -= 1; h.count = h.max_entries + 1);
    if (g.max_entries < UINT32_MAX) FZB_DAMAGE(OHM_BAD_COUNT, h.count = h.max_entries + 1);
    FZB_DAMAGE(OHM_BAD_COUNT, h.count = UINT32_MAX);
    /* The largest capacity with offsets to match: longer than any input. */
    FZB_DAMAGE(OHM_TOO_SHORT, {
        fz_layout l = fz_layout_of(OHM_MAX_CAPACITY, &sig);
        h.capacity = OHM_MAX_CAPACITY;
        h.meta_start = l.meta_start;
        h.keys_start = l.keys_start;
        h.vals_start = l.vals_start;
        h.total_size = l.total_size;
        h.max_entries = (uint32_t)((uint64_t)OHM_MAX_CAPACITY * h.max_load / 100u);
    });
    /* Shorter lengths of the same buffer. */
    FZB_F(_fzb_expect)(buf, (size_t)g.total_size - 1, OHM_TOO_SHORT);
    FZB_F(_fzb_expect)(buf, sizeof(ohm_header) - 1, OHM_TOO_SHORT);
    FZB_F(_fzb_expect)(buf, 0, OHM_TOO_SHORT);
    FZ_REQUIRE(memcmp(buf, orig, len) == 0);
}

/* Damage the entries; attach still passes, validate must say OHM_CORRUPT.
 * Each damage breaks one invariant of a valid block and keeps the others
 * where it can (a moved key gets the byte and class bit of its new place,
 * a removed or added key the count to match). */
static void FZB_F(_fzb_damage_entries)(unsigned char *buf, size_t len, const unsigned char *orig)
{
    ohm_header g;
    memcpy(&g, buf, sizeof g);
    uint32_t cap = g.capacity;
    unsigned char *meta = buf + g.meta_start;
#define FZB_KEY(i) (*FZB_F(_fzb_keyp)(buf, (i)))
#define FZB_HASH_AT(i) ((uint64_t)FZB_HASH(FZB_KEY(i), g.seed))
    if (cap == 0) {
        if (g.max_entries > 0) FZB_DAMAGE(OHM_CORRUPT, h.count = 1);
        return;
    }
    /* Restores the metadata, the keys and the header after each damage. */
#define FZB_RESTORE() memcpy(buf, orig, (size_t)g.total_size)
    unsigned char *classes = meta + cap + 16; /* capacity >= 16 only */
    uint32_t ng = fz_groups(cap);
    /* The first used slot, the first free one, the first key in its home
     * group, and the displaced key farthest from home (the first of them). */
    uint32_t used = UINT32_MAX, free_slot = UINT32_MAX, home_key = UINT32_MAX;
    uint32_t far = UINT32_MAX, far_d = 0;
    for (uint32_t i = 0; i < cap; i++) {
        if (!meta[i]) {
            if (free_slot == UINT32_MAX) free_slot = i;
            continue;
        }
        if (used == UINT32_MAX) used = i;
        uint32_t d = (fz_group_of(cap, i) + ng - fz_home_group(cap, FZB_HASH_AT(i))) % ng;
        if (d == 0 && home_key == UINT32_MAX) home_key = i;
        if (d > far_d) {
            far = i;
            far_d = d;
        }
    }
    /* A mirror byte that disagrees. */
    meta[cap + (g.count % 16u)] ^= 0x01;
    FZB_F(_fzb_expect)(buf, len, OHM_CORRUPT);
    FZB_RESTORE();
    /* The count, one off either way. */
    if (g.count < g.max_entries) FZB_DAMAGE(OHM_CORRUPT, h.count += 1);
    if (g.count > 0) FZB_DAMAGE(OHM_CORRUPT, h.count -= 1);
    /* A byte no slot may hold (0x01..0x07), in a free slot (the count
     * then disagrees too) and in a used one. */
    if (free_slot != UINT32_MAX) {
        fz_set_meta(meta, cap, free_slot, (uint8_t)(1u + g.count % 7u));
        FZB_F(_fzb_expect)(buf, len, OHM_CORRUPT);
        FZB_RESTORE();
    }
    if (used != UINT32_MAX) {
        fz_set_meta(meta, cap, used, (uint8_t)(1u + (g.seed ^ g.count) % 7u));
        FZB_F(_fzb_expect)(buf, len, OHM_CORRUPT);
        FZB_RESTORE();
        /* A fingerprint (home tag) or class (distance tag) that disagrees
         * with the hash. */
        fz_set_meta(meta, cap, used, (uint8_t)(meta[used] ^ 0x01));
        FZB_F(_fzb_expect)(buf, len, OHM_CORRUPT);
        FZB_RESTORE();
    }
    if (home_key != UINT32_MAX) {
        /* A key in its home group whose byte lost its top bit: a distance
         * tag (d >= 1 is wrong here) or a byte no slot may hold. */
        uint8_t b = (uint8_t)(meta[home_key] & 0x7f);
        fz_set_meta(meta, cap, home_key, b ? b : 0x7f);
        FZB_F(_fzb_expect)(buf, len, OHM_CORRUPT);
        FZB_RESTORE();
    }
    if (far != UINT32_MAX) {
        uint64_t hash = FZB_HASH_AT(far);
        uint32_t home = fz_home_group(cap, hash), code = meta[far] >> 3;
        /* A displaced key's distance code one off (15 means "15 or more"). */
        uint32_t other = code == 15 ? 14u : code + 1u;
        fz_set_meta(meta, cap, far, (uint8_t)(other << 3 | (meta[far] & 7u)));
        FZB_F(_fzb_expect)(buf, len, OHM_CORRUPT);
        FZB_RESTORE();
        /* A displaced key with the home tag. */
        fz_set_meta(meta, cap, far, fz_byte_for(hash, 0));
        FZB_F(_fzb_expect)(buf, len, OHM_CORRUPT);
        FZB_RESTORE();
        /* Its home group's class byte misses its class bit. */
        classes[home] = (uint8_t)(classes[home] & ~(1u << ((hash >> 54) & 7u)));
        FZB_F(_fzb_expect)(buf, len, OHM_CORRUPT);
        FZB_RESTORE();
        /* A key on its path removed (count to match), as by a removal
         * without the backward shift: that group has room now, and a
         * lookup of the displaced key would stop there. */
        uint32_t on_path = (home + g.count % far_d) % ng;
        fz_set_meta(meta, cap, fz_group_start(cap, on_path) + (uint32_t)(g.seed % 16u), 0);
        FZB_DAMAGE(OHM_CORRUPT, h.count -= 1);
        FZB_RESTORE();
    }
    if (used != UINT32_MAX && g.count < g.max_entries) {
        /* A key again, where an insertion would put it (its byte and class
         * bit right, the count to match). */
        uint64_t hash = FZB_HASH_AT(used);
        uint32_t home = fz_home_group(cap, hash), f = fz_first_free_from(meta, cap, home);
        FZ_REQUIRE(f != UINT32_MAX);
        uint32_t d = (fz_group_of(cap, f) + ng - home) % ng;
        FZB_KEY(f) = FZB_KEY(used);
        fz_set_meta(meta, cap, f, fz_byte_for(hash, d));
        if (d) classes[home] = (uint8_t)(classes[home] | 1u << ((hash >> 54) & 7u));
        FZB_DAMAGE(OHM_CORRUPT, h.count += 1);
        FZB_RESTORE();
    }
    /* A key moved on to a free slot of a later group (its byte and class
     * bit made right for it there): the group it left has room now and
     * lies on its path. */
    for (uint32_t i = 0; i < cap && ng > 1; i++) {
        if (!meta[i]) continue;
        uint64_t hash = FZB_HASH_AT(i);
        uint32_t home = fz_home_group(cap, hash), d = (fz_group_of(cap, i) + ng - home) % ng;
        uint32_t j = d + 1; /* groups past home, before reaching home again */
        while (j < ng && !fz_group_has_room(meta, cap, (home + j) % ng)) j++;
        if (j == ng) continue;
        uint32_t f = fz_first_free_from(meta, cap, (home + j) % ng);
        FZB_KEY(f) = FZB_KEY(i);
        fz_set_meta(meta, cap, f, fz_byte_for(hash, j));
        classes[home] = (uint8_t)(classes[home] | 1u << ((hash >> 54) & 7u));
        fz_set_meta(meta, cap, i, 0);
        FZB_F(_fzb_expect)(buf, len, OHM_CORRUPT);
        FZB_RESTORE();
        break;
    }
#undef FZB_RESTORE
#undef FZB_HASH_AT
#undef FZB_KEY
    FZ_REQUIRE(memcmp(buf, orig, len) == 0);
}

/* The oracle of a valid block: its entries, in no order. */
typedef struct FZB_F(_fzb_oracle) {
    uint32_t n, max;
    FZB_K *keys;
    uint32_t *vals; /* unused for a set */
} FZB_F(_fzb_oracle);

static uint32_t FZB_F(_fzb_find)(const FZB_F(_fzb_oracle) *o, FZB_K k)
{
    for (uint32_t i = 0; i < o->n; i++)
        if (o->keys[i] == k) return i;
    return UINT32_MAX;
}

/* The map must hold exactly the oracle's entries. */
static void FZB_F(_fzb_compare)(const FZB_N *m, const FZB_F(_fzb_oracle) *o)
{
    FZ_REQUIRE(FZB_F(_count)(m) == o->n);
    FZB_K *a = fz_alloc(((size_t)o->n + 1) * sizeof(FZB_K));
    FZB_K *b = fz_alloc(((size_t)o->n + 1) * sizeof(FZB_K));
    uint32_t n = 0;
    FZB_F(_iter) it = FZB_F(_iter_begin)(m);
    FZB_F(_entry) e;
    while (FZB_F(_iter_next)(&it, &e)) {
        FZ_REQUIRE(n < o->n);
        a[n++] = *e.key;
    }
    FZ_REQUIRE(n == o->n);
    if (n) memcpy(b, o->keys, n * sizeof(FZB_K));
    qsort(a, n, sizeof(FZB_K), FZB_F(_fzb_cmp));
    qsort(b, n, sizeof(FZB_K), FZB_F(_fzb_cmp));
    FZ_REQUIRE(n == 0 || memcmp(a, b, n * sizeof(FZB_K)) == 0);
    for (uint32_t i = 0; i < o->n; i++) {
        FZB_F(_entry) g = FZB_F(_get_entry)(m, o->keys[i]);
        FZ_REQUIRE(g.key != NULL && *g.key == o->keys[i]);
        FZB_IF_MAP(FZ_REQUIRE(*g.value == o->vals[i]);)
    }
    free(a);
    free(b);
}

/* The adapted calls' equality: the probe is a key. */
static bool FZB_F(_fzb_eq)(const void *probe, const FZB_K *key, void *ctx)
{
    ++*(unsigned long *)ctx;
    return *(const FZB_K *)probe == *key;
}

/* Every read call, on a block that passed validation. */
static void FZB_F(_fzb_reads)(const FZB_N *m, const FZB_F(_fzb_oracle) *o)
{
    unsigned long calls = 0;
    ohm_header h;
    memcpy(&h, m, sizeof h);
    fz_sig sig = FZB_F(_fzb_sig)();
    uintptr_t keys = (uintptr_t)m + h.keys_start;
    FZ_REQUIRE(FZB_F(_check)(m) == OHM_OK);
    FZB_F(_iter) it = FZB_F(_iter_begin)(m);
    FZB_F(_entry) e;
    while (FZB_F(_iter_next)(&it, &e)) {
        /* The entry's pointers are a used slot's. */
        uintptr_t off = (uintptr_t)e.key - keys;
        FZ_REQUIRE((uintptr_t)e.key >= keys && off % sig.key_stride == 0 &&
                   off / sig.key_stride < h.capacity);
        uint32_t slot = (uint32_t)(off / sig.key_stride);
        FZ_REQUIRE(((const unsigned char *)m)[h.meta_start + slot] != 0);
        FZB_IF_MAP(FZ_REQUIRE((uintptr_t)e.value ==
                              (uintptr_t)m + h.vals_start + slot * sig.val_stride);)
        FZB_F(_entry) g = FZB_F(_get_entry)(m, *e.key);
        FZ_REQUIRE(g.key == e.key && FZB_F(_get_key)(m, *e.key) == e.key);
        FZB_IF_MAP(FZ_REQUIRE(g.value == e.value && FZB_F(_get)(m, *e.key) == e.value);)
        FZ_REQUIRE(FZB_F(_contains)(m, *e.key));
        FZB_F(_entry) a = FZB_F(_get_adapted)(m, FZB_HASH(*e.key, h.seed), e.key,
                                              FZB_F(_fzb_eq), &calls);
        FZ_REQUIRE(a.key == e.key);
    }
    /* Keys next to the stored ones, and a few fixed ones. */
    for (uint32_t i = 0; i < o->n + 4 && i < 24; i++) {
        FZB_K k = i < o->n ? (FZB_K)(o->keys[i] + 1) : (FZB_K)(i * 0x01000193u);
        bool present = FZB_F(_fzb_find)(o, k) != UINT32_MAX;
        FZ_REQUIRE(FZB_F(_contains)(m, k) == present);
        FZ_REQUIRE((FZB_F(_get_key)(m, k) != NULL) == present);
        FZB_F(_entry) a = FZB_F(_get_adapted)(m, FZB_HASH(k, h.seed), &k, FZB_F(_fzb_eq), &calls);
        FZ_REQUIRE((a.key != NULL) == present);
    }
    FZ_REQUIRE(o->n == 0 || calls > 0);
}

/* Rehash the valid block into a fresh one of capacity `cap`. */
static void FZB_F(_fzb_rehash)(const FZB_N *m, const FZB_F(_fzb_oracle) *o, uint32_t cap,
                               unsigned load, uint64_t seed)
{
    ohm_layout l = FZB_F(_layout_for_capacity)(cap);
    FZ_REQUIRE(l.total_size != 0);
    unsigned char *d_raw = fz_alloc(l.total_size);
    FZB_N *d = FZB_F(_init_ex)(d_raw, l, seed, load);
    FZ_REQUIRE(d != NULL);
    unsigned char *before = fz_alloc(l.total_size);
    memcpy(before, d_raw, l.total_size);
    size_t src_size = FZB_F(_block_size)(m);
    unsigned char *src = fz_alloc(src_size);
    memcpy(src, m, src_size);
    ohm_status st = FZB_F(_rehash)(m, d);
    FZ_REQUIRE(memcmp(src, m, src_size) == 0);
    if (o->n <= ohm_max_entries(cap, load)) {
        FZ_REQUIRE(st == OHM_OK);
        FZ_REQUIRE(FZB_F(_validate)(d_raw, l.total_size) == OHM_OK);
        FZB_F(_fzb_compare)(d, o);
    } else {
        FZ_REQUIRE(st == OHM_FULL);
        FZ_REQUIRE(memcmp(before, d_raw, l.total_size) == 0);
    }
    free(src);
    free(before);
    free(d_raw);
}

/* A key for a write: one of the stored keys or new bytes from the input. */
static FZB_K FZB_F(_fzb_key)(fz_in *in, const FZB_F(_fzb_oracle) *o)
{
    unsigned sel = fz_u8(in);
    if ((sel & 1u) && o->n > 0) return o->keys[(sel >> 1) % o->n];
    FZB_K k = 0;
    for (size_t i = 0; i < sizeof(FZB_K); i++) k = (FZB_K)(k << 8 | fz_u8(in));
    return k;
}

/* A key not in the map, for put_new. */
static FZB_K FZB_F(_fzb_absent)(const FZB_F(_fzb_oracle) *o, FZB_K k)
{
    while (FZB_F(_fzb_find)(o, k) != UINT32_MAX) k = (FZB_K)(k * 5u + 1u);
    return k;
}

static void FZB_F(_fzb_add)(FZB_F(_fzb_oracle) *o, FZB_K k, uint32_t v)
{
    o->keys[o->n] = k;
    o->vals[o->n] = v;
    o->n++;
}

static void FZB_F(_fzb_del)(FZB_F(_fzb_oracle) *o, uint32_t i)
{
    o->n--;
    o->keys[i] = o->keys[o->n];
    o->vals[i] = o->vals[o->n];
}

/* One write call; afterwards the whole input buffer must still validate
 * and the bytes after the block must be untouched. */
static void FZB_F(_fzb_write)(FZB_N *m, FZB_F(_fzb_oracle) *o, unsigned op, fz_in *in,
                              uint32_t v)
{
    (void)v;
    bool room = o->n < o->max;
    unsigned long calls = 0;
    uint64_t seed = FZB_F(_seed)(m);
    switch (op % 10u) {
    case 0: { /* put */
        FZB_K k = FZB_F(_fzb_key)(in, o);
        uint32_t i = FZB_F(_fzb_find)(o, k);
        ohm_status want = i != UINT32_MAX ? OHM_FOUND : room ? OHM_OK : OHM_FULL;
        FZ_REQUIRE(FZB_F(_put)(m, k FZB_VARG(v)) == want);
        if (want == OHM_OK) FZB_F(_fzb_add)(o, k, v);
        if (want == OHM_FOUND) o->vals[i] = v;
        break;
    }
    case 1: { /* put_new of an absent key */
        FZB_K k = FZB_F(_fzb_absent)(o, FZB_F(_fzb_key)(in, o));
        FZ_REQUIRE(FZB_F(_put_new)(m, k FZB_VARG(v)) == (room ? OHM_OK : OHM_FULL));
        if (room) FZB_F(_fzb_add)(o, k, v);
        break;
    }
    case 2: { /* remove */
        FZB_K k = FZB_F(_fzb_key)(in, o);
        uint32_t i = FZB_F(_fzb_find)(o, k);
        FZ_REQUIRE(FZB_F(_remove)(m, k) == (i != UINT32_MAX));
        if (i != UINT32_MAX) FZB_F(_fzb_del)(o, i);
        break;
    }
    case 3: { /* get_or_put */
        FZB_K k = FZB_F(_fzb_key)(in, o);
        uint32_t i = FZB_F(_fzb_find)(o, k);
        ohm_status want = i != UINT32_MAX ? OHM_FOUND : room ? OHM_OK : OHM_FULL;
        FZB_F(_entry) e;
        FZ_REQUIRE(FZB_F(_get_or_put)(m, k, &e) == want);
        FZ_REQUIRE(want == OHM_FULL ? e.key == NULL : *e.key == k);
        FZB_IF_MAP(if (want == OHM_FOUND) FZ_REQUIRE(*e.value == o->vals[i]);)
        if (want == OHM_OK) {
            FZB_IF_MAP(*e.value = v;)
            FZB_F(_fzb_add)(o, k, v);
        }
        break;
    }
    case 4: { /* fetch_remove */
        FZB_K k = FZB_F(_fzb_key)(in, o);
        uint32_t i = FZB_F(_fzb_find)(o, k);
        FZB_F(_kv) out;
        FZ_REQUIRE(FZB_F(_fetch_remove)(m, k, &out) == (i != UINT32_MAX));
        if (i != UINT32_MAX) {
            FZ_REQUIRE(out.key == k);
            FZB_IF_MAP(FZ_REQUIRE(out.value == o->vals[i]);)
            FZB_F(_fzb_del)(o, i);
        }
        break;
    }
    case 5: { /* fetch_put */
        FZB_K k = FZB_F(_fzb_key)(in, o);
        uint32_t i = FZB_F(_fzb_find)(o, k);
        ohm_status want = i != UINT32_MAX ? OHM_FOUND : room ? OHM_OK : OHM_FULL;
        FZB_F(_kv) old;
        FZ_REQUIRE(FZB_F(_fetch_put)(m, k FZB_VARG(v), &old) == want);
        if (want == OHM_FOUND) {
            FZ_REQUIRE(old.key == k);
            FZB_IF_MAP(FZ_REQUIRE(old.value == o->vals[i]);)
            o->vals[i] = v;
        }
        if (want == OHM_OK) FZB_F(_fzb_add)(o, k, v);
        break;
    }
    case 6: { /* remove_at */
        unsigned b = fz_u8(in);
        if (o->n == 0) break;
        FZB_F(_iter) it = FZB_F(_iter_begin)(m);
        FZB_F(_entry) e;
        for (uint32_t j = 0; j <= b % o->n; j++) FZ_REQUIRE(FZB_F(_iter_next)(&it, &e));
        uint32_t i = FZB_F(_fzb_find)(o, *e.key);
        FZ_REQUIRE(i != UINT32_MAX);
        FZB_F(_remove_at)(m, e.key);
        FZB_F(_fzb_del)(o, i);
        break;
    }
    case 7: { /* get_or_put_adapted: the caller stores the key */
        FZB_K k = FZB_F(_fzb_key)(in, o);
        uint32_t i = FZB_F(_fzb_find)(o, k);
        ohm_status want = i != UINT32_MAX ? OHM_FOUND : room ? OHM_OK : OHM_FULL;
        FZB_F(_entry) e;
        FZ_REQUIRE(FZB_F(_get_or_put_adapted)(m, FZB_HASH(k, seed), &k, FZB_F(_fzb_eq), &calls,
                                              &e) == want);
        FZ_REQUIRE(want == OHM_FULL ? e.key == NULL : e.key != NULL);
        if (want == OHM_FOUND) FZ_REQUIRE(*e.key == k);
        if (want == OHM_OK) {
            *e.key = k;
            FZB_IF_MAP(*e.value = v;)
            FZB_F(_fzb_add)(o, k, v);
        }
        break;
    }
    case 8: { /* remove_adapted */
        FZB_K k = FZB_F(_fzb_key)(in, o);
        uint32_t i = FZB_F(_fzb_find)(o, k);
        FZ_REQUIRE(FZB_F(_remove_adapted)(m, FZB_HASH(k, seed), &k, FZB_F(_fzb_eq), &calls) ==
                   (i != UINT32_MAX));
        if (i != UINT32_MAX) FZB_F(_fzb_del)(o, i);
        break;
    }
    default: { /* clear (rarely), else get_or_put_value */
        if (fz_u8(in) == 0) {
            FZB_F(_clear)(m);
            o->n = 0;
            break;
        }
        FZB_K k = FZB_F(_fzb_key)(in, o);
        uint32_t i = FZB_F(_fzb_find)(o, k);
        ohm_status want = i != UINT32_MAX ? OHM_FOUND : room ? OHM_OK : OHM_FULL;
        FZB_F(_entry) e;
        FZ_REQUIRE(FZB_F(_get_or_put_value)(m, k FZB_VARG(v), &e) == want);
        if (want == OHM_OK) FZB_F(_fzb_add)(o, k, v);
        FZB_IF_MAP(if (want != OHM_FULL) FZ_REQUIRE(*e.value == o->vals[FZB_F(_fzb_find)(o, k)]);)
        (void)e;
        break;
    }
    }
}

/* The keys of a map that passed N_check, sorted, in a malloc of
 * count + 1; *n their number. */
static FZB_K *FZB_F(_fzb_sorted_keys)(const FZB_N *m, uint32_t *n)
{
    FZB_K *a = fz_alloc(((size_t)FZB_F(_count)(m) + 1) * sizeof(FZB_K));
    uint32_t k = 0;
    FZB_F(_iter) it = FZB_F(_iter_begin)(m);
    FZB_F(_entry) e;
    while (FZB_F(_iter_next)(&it, &e)) {
        FZ_REQUIRE(k < FZB_F(_count)(m));
        a[k++] = *e.key;
    }
    FZ_REQUIRE(k == FZB_F(_count)(m));
    qsort(a, k, sizeof(FZB_K), FZB_F(_fzb_cmp));
    *n = k;
    return a;
}

/* N_recover on a copy of a block whose header passes attach and whose
 * sync area says OHM_BUSY: OHM_OK or OHM_CORRUPT, nothing written after
 * total_size, and after OHM_OK a block that both checkers pass. Returns the
 * copy (recovered) for the caller to look at, or NULL when recover said
 * OHM_CORRUPT. */
static unsigned char *FZB_F(_fzb_recover)(const unsigned char *buf, size_t len)
{
    unsigned char *c = fz_alloc(len ? len : 1);
    if (len) memcpy(c, buf, len);
    FZB_N *m = NULL;
    FZ_REQUIRE(FZB_F(_attach)(c, len, &m) == OHM_OK);
    ohm_header h;
    memcpy(&h, c, sizeof h);
    ohm_status st = FZB_F(_recover)(m);
    FZ_REQUIRE(st == OHM_OK || st == OHM_CORRUPT);
    FZ_REQUIRE(memcmp(c + h.total_size, buf + h.total_size, len - (size_t)h.total_size) == 0);
    if (st != OHM_OK) {
        free(c);
        return NULL;
    }
    fz_sig sig = FZB_F(_fzb_sig)();
    FZ_REQUIRE(FZB_F(_attach)(c, len, NULL) == OHM_OK);
    FZ_REQUIRE(FZB_F(_check)(m) == OHM_OK);
    FZ_REQUIRE(fz_expect_sync(c, &sig) == OHM_OK);
    FZ_REQUIRE(FZB_F(_validate)(c, len) == OHM_OK);
    FZ_REQUIRE(FZB_F(_fzb_naive_ok)(c));
    return c;
}

/* Damage the sync area or a stripe word of a valid block (entries at
 * rest): OHM_CORRUPT for an unknown mutation or the stripe geometry wrong,
 * OHM_BUSY for a write in progress; attach passes, validate and check
 * answer that, nothing is written. The busy ones are recovered (on a copy):
 * the keys are the block's (all gone after a clear), an overwrite's value
 * is the journal's. */
static void FZB_F(_fzb_damage_sync)(unsigned char *buf, size_t len, const unsigned char *orig)
{
    fz_sig sig = FZB_F(_fzb_sig)();
    ohm_header g;
    memcpy(&g, buf, sizeof g);
    fz_layout l = fz_layout_of(g.capacity, &sig);
    uint32_t cap = g.capacity, n0;
    FZB_K *keys0 = FZB_F(_fzb_sorted_keys)((const FZB_N *)(const void *)buf, &n0);
    const unsigned char *meta = buf + g.meta_start;
    uint32_t used = UINT32_MAX, free_slot = UINT32_MAX;
    for (uint32_t i = 0; i < cap; i++) {
        if (meta[i] && used == UINT32_MAX) used = i;
        if (!meta[i] && free_slot == UINT32_MAX) free_slot = i;
    }
    for (unsigned t = 0; t < 20; t++) {
        uint32_t w[5]; /* the sync area as words */
        uint32_t sm;   /* the header's stripe geometry */
        uint64_t st;
        memcpy(w, buf + FZ_SYNC_AT, sizeof w);
        memcpy(&sm, buf + FZ_HDR_SMASK, sizeof sm);
        memcpy(&st, buf + FZ_HDR_STRIPES, sizeof st);
        ohm_status want = OHM_BUSY;
        int keys = 1; /* recover keeps the keys (0: none, a clear) */
        uint32_t overwritten = UINT32_MAX;
        switch (t) {
        case 0: w[1] = FZ_OP_LAST + 1u; want = OHM_CORRUPT; break;
        case 1: w[1] = UINT32_MAX; want = OHM_CORRUPT; break;
        case 2: sm ^= 1u; want = OHM_CORRUPT; break;
        case 3: sm = UINT32_MAX; want = OHM_CORRUPT; break;
        case 4: st = l.stripes + 4u; want = OHM_CORRUPT; break;
        case 5: st = l.stripes ^ ((uint64_t)1 << 40); want = OHM_CORRUPT; break;
        case 6: w[0] |= 1u; w[1] = FZ_OP_LAST + 1u; want = OHM_CORRUPT; break; /* CORRUPT first */
        case 7: w[0] |= 1u; break;                 /* an insertion cut before its first store */
        case 8: break;                             /* a stripe odd (below) */
        case 9: w[1] = 3u; keys = 0; break;        /* a clear cut short */
        case 10: w[0] |= 1u; w[1] = 3u; keys = 0; break;
        case 11: w[1] = 1u; w[2] = cap; w[3] = UINT32_MAX; break; /* a hole out of range */
        case 12: w[1] = 1u; w[2] = UINT32_MAX; w[3] = UINT32_MAX; break; /* a shift without a hole */
        case 13: /* a removal cut before its first store, or a shift from a free slot */
            if (used == UINT32_MAX && free_slot == UINT32_MAX) continue;
            w[0] |= 1u; w[1] = 1u; w[2] = used != UINT32_MAX ? used : free_slot; w[3] = UINT32_MAX;
            break;
        case 14: /* an overwrite, the new value in the journal's buffer */
            if (used == UINT32_MAX) continue;
            w[0] |= 1u; w[1] = 2u; w[2] = used; w[3] = UINT32_MAX; overwritten = used;
            break;
        case 15: w[1] = 2u; w[2] = UINT32_MAX; break; /* an overwrite of no slot */
        case 16: /* a bulk removal that doomed nothing */
            w[0] |= 1u; w[1] = 4u; w[2] = UINT32_MAX; w[3] = UINT32_MAX;
            w[4] = (uint32_t)(g.seed % fz_groups(cap ? cap : 1));
            break;
        case 17: w[1] = 4u; w[2] = UINT32_MAX; w[3] = UINT32_MAX; w[4] = fz_groups(cap ? cap : 1); break;
        case 18: /* a remove_if cut while still marking: a doomed byte */
            if (used == UINT32_MAX) continue;
            w[0] |= 1u;
            fz_set_meta(buf + g.meta_start, cap, used, 0x01);
            break;
        default: w[1] = 1u; w[2] = 0; w[3] = cap; break; /* a source out of range */
        }
        memcpy(buf + FZ_SYNC_AT, w, sizeof w);
        memcpy(buf + FZ_HDR_SMASK, &sm, sizeof sm);
        memcpy(buf + FZ_HDR_STRIPES, &st, sizeof st);
        if (t == 8 || t == 18) { /* a stripe word odd: the last, or the one of slot `used`'s group */
            uint32_t k = t == 8 ? l.nstripes - 1u : fz_group_of(cap, used) % l.nstripes;
            uint32_t x = fz_ld32(buf, l.stripes + 4u * k) | 1u;
            memcpy(buf + l.stripes + 4u * k, &x, 4);
        }
        FZB_N *m = NULL;
        FZ_REQUIRE(fz_expect_sync(buf, &sig) == want);
        unsigned char *before = fz_alloc(len);
        memcpy(before, buf, len);
        FZ_REQUIRE(FZB_F(_attach)(buf, len, &m) == OHM_OK);
        FZ_REQUIRE(FZB_F(_validate)(buf, len) == want);
        FZ_REQUIRE(FZB_F(_check)(m) == want);
        FZ_REQUIRE(memcmp(before, buf, len) == 0);
        free(before);
        if (want == OHM_BUSY) {
#ifndef FZB_SET
            uint32_t jv = (uint32_t)g.seed ^ 0x5bd1e995u;
            if (overwritten != UINT32_MAX)
                memcpy(buf + fz_align_up(FZ_SYNC_END, FZB_VAL_ALIGN), &jv, sizeof jv);
#endif
            unsigned char *r = FZB_F(_fzb_recover)(buf, len);
            /* Out of range slots and a walk start past the last group are
             * journals no writer leaves. */
            bool bad = t == 11 || t == 12 || t == 15 || t == 17 || t == 19;
            FZ_REQUIRE(bad ? r == NULL : r != NULL);
            if (r != NULL) {
                uint32_t n1;
                FZB_K *keys1 = FZB_F(_fzb_sorted_keys)((const FZB_N *)(const void *)r, &n1);
                if (keys) FZ_REQUIRE(n1 == n0 && (n0 == 0 || memcmp(keys0, keys1, n0 * sizeof(FZB_K)) == 0));
                else FZ_REQUIRE(n1 == 0);
#ifndef FZB_SET
                if (overwritten != UINT32_MAX) {
                    uint32_t got;
                    memcpy(&got, r + g.vals_start + (size_t)overwritten * sig.val_stride, sizeof got);
                    FZ_REQUIRE(got == jv);
                }
#endif
                free(keys1);
                free(r);
            }
        }
        (void)overwritten;
        memcpy(buf, orig, len);
    }
    free(keys0);
}

static void FZB_F(_fzb_run)(unsigned char *buf, size_t len, const unsigned char *orig)
{
    fz_sig sig = FZB_F(_fzb_sig)();
    FZ_REQUIRE(FZB_F(_base_align)() == sig.base_align);
    FZ_REQUIRE((uintptr_t)buf % sig.base_align == 0); /* malloc's alignment */

    /* Attach: the status the format gives, and nothing written. */
    FZB_N *m = (FZB_N *)(void *)orig;
    ohm_status st = FZB_F(_attach)(buf, len, &m);
    FZ_REQUIRE(memcmp(buf, orig, len) == 0);
    FZ_REQUIRE(st == fz_expect_attach(buf, len, &sig));
    FZ_REQUIRE(st == OHM_OK ? m == (FZB_N *)(void *)buf : m == NULL);
    FZ_REQUIRE(FZB_F(_attach)(buf, len, NULL) == st);

    /* Validate: the same status, or the sync area's, or the invariant
     * walk's answer. */
    ohm_status vs = FZB_F(_validate)(buf, len);
    FZ_REQUIRE(memcmp(buf, orig, len) == 0);
    if (st != OHM_OK) {
        FZ_REQUIRE(vs == st);
        return;
    }
    ohm_status sync = fz_expect_sync(buf, &sig);
    if (sync != OHM_OK) {
        FZ_REQUIRE(vs == sync);
        FZ_REQUIRE(FZB_F(_check)(m) == sync);
        FZ_REQUIRE(memcmp(buf, orig, len) == 0);
        FZB_F(_fzb_damage_header)(buf, len, orig);
        /* A write in progress or cut short: recover must finish or refuse
         * it. */
        if (sync == OHM_BUSY) free(FZB_F(_fzb_recover)(buf, len));
        return;
    }
    bool naive = FZB_F(_fzb_naive_ok)(buf);
    FZ_REQUIRE(vs == (naive ? OHM_OK : OHM_CORRUPT));
    FZ_REQUIRE(FZB_F(_check)(m) == vs);
    FZB_F(_fzb_damage_header)(buf, len, orig);
    if (vs != OHM_OK) return;
    FZB_F(_fzb_damage_entries)(buf, len, orig);
    FZB_F(_fzb_damage_sync)(buf, len, orig);

    /* A valid block: the oracle is what iteration gives. */
    ohm_header h;
    memcpy(&h, buf, sizeof h);
    FZB_F(_fzb_oracle) o;
    o.n = 0;
    o.max = h.max_entries;
    o.keys = fz_alloc(((size_t)h.capacity + 1) * sizeof(FZB_K));
    o.vals = fz_alloc(((size_t)h.capacity + 1) * sizeof(uint32_t));
    FZB_F(_iter) it = FZB_F(_iter_begin)(m);
    FZB_F(_entry) e;
    while (FZB_F(_iter_next)(&it, &e)) {
        FZ_REQUIRE(o.n < h.count);
        o.keys[o.n] = *e.key;
        o.vals[o.n] = 0;
        FZB_IF_MAP(o.vals[o.n] = *e.value;)
        o.n++;
    }
    FZ_REQUIRE(o.n == h.count);
    FZB_F(_fzb_reads)(m, &o);
    FZB_F(_fzb_compare)(m, &o);

    /* Rehash into fresh blocks: bigger, the same, just enough, too small. */
    fz_in tail = {orig + h.total_size, len - (size_t)h.total_size};
    unsigned load = fz_rehash_loads[(h.seed ^ h.count) % 8u];
    /* Their seed: one made from the block's, or, when the low byte of the
     * user word (which ohm never reads) is 1..FZ_WEAK_SEEDS, one made from
     * the hashes' constants. */
    unsigned pick = (unsigned)(h.user & 0xffu);
    uint64_t seed = pick >= 1 && pick <= FZ_WEAK_SEEDS ? fz_weak_seeds[pick - 1] : h.seed * 31u + 7u;
    if (h.capacity <= 1024) FZB_F(_fzb_rehash)(m, &o, h.capacity ? h.capacity * 2 : 1, load, seed);
    FZB_F(_fzb_rehash)(m, &o, h.capacity, h.max_load, h.seed);
    uint32_t need = ohm_capacity_for(o.n, load);
    FZB_F(_fzb_rehash)(m, &o, need, load, seed);
    if (need > 0) FZB_F(_fzb_rehash)(m, &o, need / 2, load, seed);

    /* Writes: a fixed sequence, then the operations in the bytes after the
     * block. */
    uint32_t v = 0x9e3779b9u;
    if (o.n > 0) {
        FZB_K k = o.keys[0];
        FZ_REQUIRE(FZB_F(_remove)(m, k));
        FZB_F(_fzb_del)(&o, 0);
        FZ_REQUIRE(!FZB_F(_remove)(m, k));
        FZ_REQUIRE(FZB_F(_put)(m, k FZB_VARG(v)) == OHM_OK);
        FZB_F(_fzb_add)(&o, k, v);
    }
    for (uint32_t j = 0; j < 2; j++) {
        FZB_K k = FZB_F(_fzb_absent)(&o, (FZB_K)(j * 0x01000193u + 0x811c9dc5u));
        bool room = o.n < o.max;
        if (j == 0) {
            FZ_REQUIRE(FZB_F(_put_new)(m, k FZB_VARG(v)) == (room ? OHM_OK : OHM_FULL));
        } else {
            FZB_F(_entry) g;
            FZ_REQUIRE(FZB_F(_get_or_put)(m, k, &g) == (room ? OHM_OK : OHM_FULL));
            FZB_IF_MAP(if (room) *g.value = v;)
        }
        if (room) FZB_F(_fzb_add)(&o, k, v);
        FZ_REQUIRE(FZB_F(_validate)(buf, len) == OHM_OK);
        FZ_REQUIRE(FZB_F(_fzb_naive_ok)(buf));
    }
    /* After each write both checkers must pass: the naive one does not
     * trust validate to know every rule (a full table the writes leave must
     * have a boundary no probe crosses). */
    for (unsigned step = 0; tail.n > 0 && step < 256; step++) {
        FZB_F(_fzb_write)(m, &o, fz_u8(&tail), &tail, v + step);
        FZ_REQUIRE(FZB_F(_validate)(buf, len) == OHM_OK);
        FZ_REQUIRE(FZB_F(_fzb_naive_ok)(buf));
        FZ_REQUIRE(FZB_F(_count)(m) == o.n);
        FZ_REQUIRE(memcmp(buf + h.total_size, orig + h.total_size, len - (size_t)h.total_size) == 0);
    }
    FZB_F(_fzb_compare)(m, &o);
    FZB_F(_fzb_reads)(m, &o);

    /* Clear: an empty, valid map that takes entries again. */
    FZB_F(_clear)(m);
    o.n = 0;
    FZ_REQUIRE(FZB_F(_validate)(buf, len) == OHM_OK);
    FZB_F(_fzb_compare)(m, &o);
    if (o.max > 0) {
        FZ_REQUIRE(FZB_F(_put)(m, (FZB_K)v FZB_VARG(v)) == OHM_OK);
        FZ_REQUIRE(FZB_F(_validate)(buf, len) == OHM_OK);
    }
    FZ_REQUIRE(memcmp(buf + h.total_size, orig + h.total_size, len - (size_t)h.total_size) == 0);
    free(o.keys);
    free(o.vals);
}

#undef FZB_DAMAGE
#undef FZB_F
#undef FZB_VARG
#undef FZB_IF_MAP
#undef FZB_VAL_SIZE
#undef FZB_VAL_ALIGN
#undef FZB_N
#undef FZB_K
#undef FZB_SET
#undef FZB_HASH
#undef FZB_TAG
#undef FZB_INTERLEAVE
