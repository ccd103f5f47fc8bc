/* fuzz_block.c - libFuzzer target: untrusted blocks.
 *
 * The input bytes are a block (and, after its total_size, an operation
 * stream). For each of three instantiations (block_types.h: u32 -> u32
 * map with interleaved slots, u64 set, u32 -> u32 map with a colliding
 * hash and separate key and value arrays) block_driver.h:
 *
 *  - gives the bytes to N_attach and N_validate: attach must return the
 *    status docs/FORMAT.md's order of checks gives (fz_expect_attach below
 *    is an independent reading of that table and of format 6's placement),
 *    validate the same or, once the header passes, the sync area's status
 *    (fz_expect_sync: OHM_CORRUPT, OHM_BUSY) or, on a block at rest,
 *    exactly what a naive checker of the invariants says; neither may
 *    write a byte; a block reported OHM_BUSY is given to N_recover (on a
 *    copy), which must say OHM_OK, after which it checks, or OHM_CORRUPT;
 *  - on a header that passes, damages each field in turn and expects the
 *    specific status (bad magic, byte-swapped, version, type, capacity,
 *    offsets, count, short lengths), restoring it after;
 *  - on a block that validates, damages the entries (mirror, count, a
 *    byte no slot may hold, a fingerprint, a home key's byte without its
 *    top bit, a displaced key's distance code or home tag, a duplicate, a
 *    missing class bit, unreachable entries) and expects OHM_CORRUPT;
 *    damages the sync area (OHM_CORRUPT, or OHM_BUSY and recovered); runs
 *    every read call (adapted get too); rehashes into fresh blocks (bigger, the
 *    same, just enough, too small: OHM_FULL leaves the destination
 *    byte-identical); then runs
 *    write calls (put, put_new of absent keys, remove, get_or_put, fetch_*,
 *    remove_at, get_or_put_value, the adapted get_or_put and remove, clear)
 *    against an oracle, re-validating after each (N_validate and the naive
 *    checker), and checks that the bytes
 *    after total_size never change;
 *  - finally attaches one byte off alignment: OHM_MISALIGNED.
 *
 * An input that starts with FZ_FULL_MARK is also a recipe for a completely
 * full table (fz_run_full below), which goes through the same steps.
 *
 * Bounds: the input is copied into a malloc'd buffer of exactly `size`
 * bytes, so ASan reports any read or write outside [buf, buf + size),
 * however short the overrun (ASan poisons the bytes after an allocation
 * even inside its last 8-byte granule). malloc's alignment is that of
 * max_align_t, which covers N_base_align() of these instantiations (8);
 * the harness checks it. Padding the buffer to a larger aligned size would
 * hide overruns into the padding, so it is not done.
 */
#define OHM_IMPLEMENTATION
#include "ohm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "block_types.h"

/* The format, as docs/FORMAT.md states it. */
#define FZ_HEADER_SIZE 136u /* the 128-byte header, then count and stamp */
_Static_assert(sizeof(ohm_header) == FZ_HEADER_SIZE, "docs/FORMAT.md: the header struct is 136 bytes");
_Static_assert(sizeof(ohm_sync) == 20, "docs/FORMAT.md: the sync area is 20 bytes");
/* Format 3. Slots form aligned groups of FZ_GROUP (group y: slots
 * 16y..16y+15); a table of fewer slots is one group of `capacity` slots.
 * A key's home group is (hash & (capacity - 1)) / 16; its probe visits the
 * home group, then the following groups, round the end. Metadata byte of a
 * slot: 0 free; 0x80 | (hash >> 57) for a key in its home group;
 * (min(d, 15) << 3) | class for a key d >= 1 groups past its home group,
 * where class = (hash >> 54) & 7 (0x08..0x7f); 0x01..0x07 never.
 * Class bytes: one per group (capacity >= 16), after the mirror; bit c of
 * group g's byte is set when a key homed in g with class c is stored
 * outside g (more bits may be set, none may be missing). */
#define FZ_GROUP 16u
static uint32_t fz_class_bytes(uint32_t cap) { return cap >= FZ_GROUP ? cap / FZ_GROUP : 0; }
/* The number of groups (a table below 16 slots, or of 16, is one). */
static uint32_t fz_groups(uint32_t cap) { return cap >= FZ_GROUP ? cap / FZ_GROUP : 1; }
/* The group of slot i, and the home group of a hash. */
static uint32_t fz_group_of(uint32_t cap, uint32_t i) { return cap >= FZ_GROUP ? i / FZ_GROUP : 0; }
static uint32_t fz_home_group(uint32_t cap, uint64_t hash)
{
    return fz_group_of(cap, (uint32_t)hash & (cap - 1));
}
/* The byte of a key with `hash` stored d groups past its home group. */
static uint8_t fz_byte_for(uint64_t hash, uint32_t d)
{
    if (d == 0) return (uint8_t)(0x80u | (hash >> 57));
    return (uint8_t)((d < 15 ? d : 15) << 3 | ((hash >> 54) & 7u));
}
/* Group y's first slot and its number of slots. */
static uint32_t fz_group_start(uint32_t cap, uint32_t y)
{
    return cap >= FZ_GROUP ? y * FZ_GROUP : 0;
}
static uint32_t fz_group_len(uint32_t cap) { return cap >= FZ_GROUP ? FZ_GROUP : cap; }
/* Whether group y has a free slot. */
static bool fz_group_has_room(const unsigned char *meta, uint32_t cap, uint32_t y)
{
    for (uint32_t k = 0; k < fz_group_len(cap); k++)
        if (meta[fz_group_start(cap, y) + k] == 0) return true;
    return false;
}
/* A free slot of the first group with one, from group g on (probe order),
 * or UINT32_MAX. */
static uint32_t fz_first_free_from(const unsigned char *meta, uint32_t cap, uint32_t g)
{
    for (uint32_t j = 0; j < fz_groups(cap); j++) {
        uint32_t y = (g + j) % fz_groups(cap);
        for (uint32_t k = 0; k < fz_group_len(cap); k++)
            if (meta[fz_group_start(cap, y) + k] == 0) return fz_group_start(cap, y) + k;
    }
    return UINT32_MAX;
}

typedef struct fz_sig {
    uint32_t key_size, key_align, val_size, val_align, type_tag;
    uint8_t flags;      /* 1: a set; 2: interleaved slots */
    size_t base_align;  /* max(8, key and value alignment) */
    size_t key_stride;  /* bytes from one key (value) to the next */
    size_t val_stride;
} fz_sig;

typedef struct fz_layout {
    uint64_t meta_start, keys_start, vals_start, stripes, total_size;
    uint32_t nstripes; /* S, the stripe words */
} fz_layout;

static uint64_t fz_align_up(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

/* Format 6. The sync area (20 bytes at 136) follows count and stamp on
 * the writer's line (128..191); then the journal's value buffer, sizeof(V)
 * bytes at align_up(192, alignof(V)); the metadata at the next multiple of
 * 16 after it. The stripe geometry is in the header's first line. */
#define FZ_SYNC_AT 136u
#define FZ_SYNC_END 192u
/* The sync area's fields (native 32-bit words). */
#define FZ_SYNC_SEQ 136u
#define FZ_SYNC_OP 140u
#define FZ_SYNC_HOLE 144u
#define FZ_SYNC_SRC 148u
#define FZ_SYNC_START 152u
/* The header's stripe geometry: `smask` (32-bit), `stripes` (64-bit). */
#define FZ_HDR_SMASK 12u
#define FZ_HDR_STRIPES 56u
#define FZ_OP_LAST 4u /* 0 none, 1 shift, 2 overwrite, 3 clear, 4 bulk removal */

/* The number of stripe words of a table of `cap` slots: one per group, at
 * least one, at most 1024. */
static uint32_t fz_nstripes(uint32_t cap)
{
    uint32_t s = cap / 16u;
    return s < 1u ? 1u : s > 1024u ? 1024u : s;
}

/* "Placement": interleaved slots, or separate key and value arrays, then
 * the stripe words. */
static fz_layout fz_layout_of(uint32_t cap, const fz_sig *s)
{
    fz_layout l;
    uint64_t jval = fz_align_up(FZ_SYNC_END, s->val_align);
    l.meta_start = fz_align_up(jval + s->val_size, 16u);
    uint64_t meta_end = l.meta_start + (cap ? (uint64_t)cap + 16u : 0u) + fz_class_bytes(cap);
    uint64_t end;
    if (s->flags & 2u) {
        uint64_t a = s->key_align > s->val_align ? s->key_align : s->val_align;
        uint64_t koff = fz_align_up(s->key_size, s->val_align);
        uint64_t slot = fz_align_up(koff + s->val_size, a);
        l.keys_start = fz_align_up(meta_end, a);
        l.vals_start = l.keys_start + koff;
        end = l.keys_start + (uint64_t)cap * slot;
    } else {
        l.keys_start = fz_align_up(meta_end, s->key_align);
        l.vals_start = fz_align_up(l.keys_start + (uint64_t)cap * s->key_size, s->val_align);
        end = l.vals_start + (uint64_t)cap * s->val_size;
    }
    l.nstripes = fz_nstripes(cap);
    l.stripes = fz_align_up(end, 4u);
    l.total_size = fz_align_up(l.stripes + 4u * (uint64_t)l.nstripes, s->base_align); /* blocks back to back */
    return l;
}

/* The signature of a type: interleaved exactly when a {key, value} slot
 * needs no padding, unless the instantiation says (`interleave` 0 or 1;
 * -1 for the default). */
static fz_sig fz_sig_of(size_t ks, size_t ka, size_t vs, size_t va, uint32_t tag, int interleave)
{
    fz_sig s;
    s.key_size = (uint32_t)ks;
    s.key_align = (uint32_t)ka;
    s.val_size = (uint32_t)vs;
    s.val_align = (uint32_t)va;
    s.type_tag = tag;
    bool set = vs == 0;
    size_t a = ka > va ? ka : va, slot = fz_align_up(fz_align_up(ks, va) + vs, a);
    bool inter = !set && (interleave < 0 ? slot == ks + vs : interleave != 0);
    s.flags = (uint8_t)((set ? 1u : 0u) | (inter ? 2u : 0u));
    s.base_align = a > 8 ? a : 8;
    s.key_stride = inter ? slot : ks;
    s.val_stride = inter ? slot : vs;
    return s;
}

/* The status of N_attach, by the table "Checking a block": the first
 * failing check in its order. */
static ohm_status fz_expect_attach(const unsigned char *buf, size_t len, const fz_sig *s)
{
    if ((uintptr_t)buf % s->base_align != 0) return OHM_MISALIGNED;
    if (len < 4) return OHM_TOO_SHORT;
    uint32_t magic;
    memcpy(&magic, buf, 4);
    if (magic != 0x424d484fu) return magic == 0x4f484d42u ? OHM_BAD_ENDIAN : OHM_BAD_MAGIC;
    if (len < FZ_HEADER_SIZE) return OHM_TOO_SHORT;
    ohm_header h;
    memcpy(&h, buf, sizeof h);
    if (h.byte_order != 0x0102u) return OHM_BAD_ENDIAN;
    if (h.version != 5) return OHM_BAD_VERSION; /* the format this harness knows (docs/FORMAT.md) */
    if (h.key_size != s->key_size || h.key_align != s->key_align || h.val_size != s->val_size ||
        h.val_align != s->val_align || h.flags != s->flags || h.type_tag != s->type_tag ||
        h.max_load < 1 || h.max_load > 100 || h.fp_bits != 7 || h.mirror != 16)
        return OHM_BAD_TYPE;
    if (h.capacity & (h.capacity - 1)) return OHM_BAD_CAPACITY; /* 2^31 is the largest power */
    fz_layout l = fz_layout_of(h.capacity, s);
    if (h.meta_start != l.meta_start || h.keys_start != l.keys_start ||
        h.vals_start != l.vals_start || h.total_size != l.total_size)
        return OHM_BAD_OFFSETS;
    if (h.total_size > len) return OHM_TOO_SHORT;
    if (h.max_entries != (uint64_t)h.capacity * h.max_load / 100u || h.count > h.max_entries)
        return OHM_BAD_COUNT;
    return OHM_OK;
}

static uint32_t fz_ld32(const unsigned char *buf, uint64_t off)
{
    uint32_t x;
    memcpy(&x, buf + off, sizeof x);
    return x;
}

/* The status of N_validate (and N_check) from the sync area of a block
 * whose header passed attach ("Sync area, journal and stripes"; "Checking
 * a block"): OHM_CORRUPT for an unknown mutation or a stripe geometry other
 * than the placement's, OHM_BUSY for a write in progress or cut short (seq
 * odd, a mutation named, a stripe word odd), else OHM_OK (the walk may
 * still say OHM_CORRUPT). */
static ohm_status fz_expect_sync(const unsigned char *buf, const fz_sig *s)
{
    ohm_header h;
    memcpy(&h, buf, sizeof h);
    fz_layout l = fz_layout_of(h.capacity, s);
    uint64_t stripes;
    memcpy(&stripes, buf + FZ_HDR_STRIPES, sizeof stripes);
    if (fz_ld32(buf, FZ_SYNC_OP) > FZ_OP_LAST || fz_ld32(buf, FZ_HDR_SMASK) != l.nstripes - 1u ||
        stripes != l.stripes)
        return OHM_CORRUPT;
    if ((fz_ld32(buf, FZ_SYNC_SEQ) & 1u) || fz_ld32(buf, FZ_SYNC_OP) != 0) return OHM_BUSY;
    for (uint32_t k = 0; k < l.nstripes; k++)
        if (fz_ld32(buf, l.stripes + 4u * k) & 1u) return OHM_BUSY;
    return OHM_OK;
}

static uint16_t fz_bswap16(uint16_t x) { return (uint16_t)(x >> 8 | x << 8); }
static uint32_t fz_bswap32(uint32_t x) { return (uint32_t)fz_bswap16((uint16_t)x) << 16 | fz_bswap16((uint16_t)(x >> 16)); }
static uint64_t fz_bswap64(uint64_t x) { return (uint64_t)fz_bswap32((uint32_t)x) << 32 | fz_bswap32((uint32_t)(x >> 32)); }

/* The header as a machine of the other byte order would have written it. */
static void fz_bswap_header(ohm_header *h)
{
    h->magic = fz_bswap32(h->magic);
    h->version = fz_bswap16(h->version);
    h->byte_order = fz_bswap16(h->byte_order);
    h->capacity = fz_bswap32(h->capacity);
    h->smask = fz_bswap32(h->smask);
    h->stripes = fz_bswap64(h->stripes);
    h->count = fz_bswap32(h->count);
    h->max_entries = fz_bswap32(h->max_entries);
    h->seed = fz_bswap64(h->seed);
    h->keys_start = fz_bswap64(h->keys_start);
    h->vals_start = fz_bswap64(h->vals_start);
    h->meta_start = fz_bswap64(h->meta_start);
    h->total_size = fz_bswap64(h->total_size);
    h->key_size = fz_bswap32(h->key_size);
    h->key_align = fz_bswap32(h->key_align);
    h->val_size = fz_bswap32(h->val_size);
    h->val_align = fz_bswap32(h->val_align);
    h->type_tag = fz_bswap32(h->type_tag);
    h->stamp = fz_bswap32(h->stamp);
    h->user = fz_bswap64(h->user);
}

/* Slot i's metadata byte and its mirror copies. */
static void fz_set_meta(unsigned char *meta, uint32_t cap, uint32_t i, uint8_t v)
{
    meta[i] = v;
    for (uint32_t k = 0; k < 16; k++)
        if (k % cap == i) meta[cap + k] = v;
}

#define FZB_N bm
#define FZB_K uint32_t
#define FZB_HASH(k, seed) ohm_hash_u64((k), (seed))
#define FZB_TAG 0u
#define FZB_INTERLEAVE (-1)
#include "block_driver.h"

#define FZB_N bs
#define FZB_K uint64_t
#define FZB_SET
#define FZB_HASH(k, seed) ohm_hash_u64((k), (seed))
#define FZB_TAG 0u
#define FZB_INTERLEAVE (-1)
#include "block_driver.h"

#define FZB_N bc
#define FZB_K uint32_t
#define FZB_HASH(k, seed) ((void)(seed), fz_collide_hash(k))
#define FZB_TAG FZ_COLLIDE_TAG
#define FZB_INTERLEAVE 0
#include "block_driver.h"

/* Recipes for completely full tables. A real block can hardly be mutated
 * into a full table whose every group boundary is crossed by a probe (each
 * key would have to hash to the right group), so an input that starts
 * with FZ_FULL_MARK is also read as a recipe: block_driver.h builds the
 * table (_fzb_build_full) and runs it like an input block. As a block such
 * an input gets OHM_BAD_MAGIC (a block's magic is "OHMB"), checked first
 * as for any input. The recipe:
 *
 *   bytes 0-3  FZ_FULL_MARK
 *   byte 4     bits 0-1 the type (0 and 3 bm, 1 bs, 2 bc); bits 2-4 the
 *              capacity, fz_full_caps[] (at most 128 slots for bc)
 *   byte 5     the seed: below 0x80 fz_weak_seeds[byte % FZ_WEAK_SEEDS]
 *              (made from the hashes' constants), else the next 8 bytes
 *              (little-endian)
 *   a byte     the low byte of the user word (it may pick the rehash seed)
 *   a byte     where the candidate keys start
 *   a byte a group (block_driver.h: which keys each group holds)
 *   the rest   the operation stream after the block
 */
#define FZ_FULL_MARK "OHMF"
static const uint32_t fz_full_caps[8] = {16, 32, 32, 64, 64, 128, 256, 512};

static void fz_run_full(const uint8_t *data, size_t size)
{
    fz_in in = {data + 4, size - 4};
    unsigned sel = fz_u8(&in), s = fz_u8(&in);
    uint32_t cap = fz_full_caps[(sel >> 2) & 7u];
    /* The colliding hash homes every key in the last group: its full
     * tables are never crossed, and every lookup in one compares keys all
     * the way from home, so a bigger one costs much and adds nothing (a
     * 512-slot one took ~90 ms an input, ten times a bs one of 128). */
    if ((sel & 3u) == 2u && cap > 128) cap = 128;
    uint64_t seed = 0;
    if (s < 0x80) {
        seed = fz_weak_seeds[s % FZ_WEAK_SEEDS];
    } else {
        for (unsigned i = 0; i < 8; i++) seed |= (uint64_t)fz_u8(&in) << (8 * i);
    }
    uint64_t user = fz_u8(&in);
    /* The group bytes are read by the builder; the tail is what they
     * leave (the builder reads the key start and one byte a group). */
    uint32_t recipe = 1u + cap / 16u;
    fz_in tail = {in.p + (in.n < recipe ? in.n : recipe), in.n < recipe ? 0 : in.n - recipe};
    size_t len = 0;
    unsigned char *buf;
    switch (sel & 3u) {
    case 1: buf = bs_fzb_build_full(&in, cap, seed, user, &tail, &len); break;
    case 2: buf = bc_fzb_build_full(&in, cap, seed, user, &tail, &len); break;
    default: buf = bm_fzb_build_full(&in, cap, seed, user, &tail, &len); break;
    }
    unsigned char *orig = fz_alloc(len);
    memcpy(orig, buf, len);
    switch (sel & 3u) {
    case 1: bs_fzb_run(buf, len, orig); break;
    case 2: bc_fzb_run(buf, len, orig); break;
    default: bm_fzb_run(buf, len, orig); break;
    }
    free(orig);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Exactly `size` bytes (malloc(0) is a valid zero-byte region under
     * ASan; a libc that returns NULL for it gets one byte). */
    unsigned char *buf = malloc(size);
    if (buf == NULL) buf = fz_alloc(1);
    if (size) memcpy(buf, data, size);
    bm_fzb_run(buf, size, data);
    if (size) memcpy(buf, data, size);
    bs_fzb_run(buf, size, data);
    if (size) memcpy(buf, data, size);
    bc_fzb_run(buf, size, data);
    free(buf);
    if (size >= 4 && memcmp(data, FZ_FULL_MARK, 4) == 0) fz_run_full(data, size);

    /* One byte off the alignment: refused before anything is read. */
    unsigned char *raw = fz_alloc(size + 1);
    unsigned char *mis = raw + 1;
    if (size) memcpy(mis, data, size);
    bm *m1 = (bm *)(void *)raw;
    bs *m2 = (bs *)(void *)raw;
    bc *m3 = (bc *)(void *)raw;
    FZ_REQUIRE(bm_attach(mis, size, &m1) == OHM_MISALIGNED && m1 == NULL);
    FZ_REQUIRE(bs_attach(mis, size, &m2) == OHM_MISALIGNED && m2 == NULL);
    FZ_REQUIRE(bc_attach(mis, size, &m3) == OHM_MISALIGNED && m3 == NULL);
    FZ_REQUIRE(bm_validate(mis, size) == OHM_MISALIGNED);
    FZ_REQUIRE(bs_validate(mis, size) == OHM_MISALIGNED);
    FZ_REQUIRE(bc_validate(mis, size) == OHM_MISALIGNED);
    FZ_REQUIRE(size == 0 || memcmp(mis, data, size) == 0);
    free(raw);
    return 0;
}
