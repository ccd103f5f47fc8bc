/* gen_corpus.c - writes the seed corpus of the fuzz targets:
 *
 *   corpus/block/  real blocks of the three block_types.h instantiations
 *                  (capacity 0, 1, 8, 16, 32, 64, 128, 256, 512; empty,
 *                  half full, full; seeded, seeds made from the hashes'
 *                  constants, other loads, after churn, keys far from
 *                  home), some followed by an operation stream, and
 *                  damaged ones (each damage once; the entry damages break
 *                  format 3's invariants one at a time; full tables with
 *                  every group boundary crossed); recipes for fuzz_block's
 *                  own full tables (OHMF)
 *   corpus/ops/    a config byte and an operation stream (fuzz_common.h)
 *
 * Deterministic: the same files every run. Usage (from the repository
 * root, see fuzz/README.md):
 *   cc -std=c11 -Iinclude -Ifuzz fuzz/gen_corpus.c -o build/fuzz/gen_corpus
 *   build/fuzz/gen_corpus fuzz/corpus
 */
#define OHM_IMPLEMENTATION
#include "ohm.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "block_types.h"

static const char *out_dir;

static void write_file(const char *sub, const char *name, const void *p, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/%s", out_dir, sub, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || (n && fwrite(p, 1, n, f) != n) || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static uint64_t rng = 0x0123456789abcdefu;
static uint64_t next_rand(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void *block(size_t size)
{
    void *p = calloc(1, size + 256); /* room for a trailing op stream */
    if (p == NULL) exit(1);
    return p;
}

/* Write a valid block, optionally followed by `ops` pseudo-random op
 * bytes. */
static void emit_block(const char *name, const void *b, size_t size, size_t ops)
{
    if (bm_validate(b, size) != OHM_OK && bs_validate(b, size) != OHM_OK &&
        bc_validate(b, size) != OHM_OK) {
        fprintf(stderr, "gen_corpus: %s does not validate\n", name);
        exit(1);
    }
    unsigned char *p = block(size + ops);
    memcpy(p, b, size);
    for (size_t i = 0; i < ops; i++) p[size + i] = (unsigned char)next_rand();
    write_file("block", name, p, size + ops);
    free(p);
}

/* --- block seeds ------------------------------------------------------ */

static bm *new_bm(uint32_t cap, uint64_t seed, unsigned load)
{
    ohm_layout l = bm_layout_for_capacity(cap);
    bm *m = bm_init_ex(block(l.total_size), l, seed, load);
    if (m == NULL) exit(1);
    return m;
}

static bs *new_bs(uint32_t cap, uint64_t seed, unsigned load)
{
    ohm_layout l = bs_layout_for_capacity(cap);
    bs *m = bs_init_ex(block(l.total_size), l, seed, load);
    if (m == NULL) exit(1);
    return m;
}

static bc *new_bc(uint32_t cap, unsigned load)
{
    ohm_layout l = bc_layout_for_capacity(cap);
    bc *m = bc_init_ex(block(l.total_size), l, 0, load);
    if (m == NULL) exit(1);
    return m;
}

static void fill_bm(bm *m, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) bm_put(m, (uint32_t)next_rand(), i);
}

static void bswap_fields(unsigned char *p, const size_t *offs, const size_t *sizes, size_t n)
{
    for (size_t f = 0; f < n; f++)
        for (size_t i = 0; i < sizes[f] / 2; i++) {
            unsigned char t = p[offs[f] + i];
            p[offs[f] + i] = p[offs[f] + sizes[f] - 1 - i];
            p[offs[f] + sizes[f] - 1 - i] = t;
        }
}

static void damaged(const bm *m)
{
    size_t size = bm_block_size(m);
    unsigned char *p = block(size);
    ohm_header h;
    uint32_t cap = bm_capacity(m);
    size_t meta = (size_t)m->hdr.meta_start;

#define RESET() (memcpy(p, m, size), memcpy(&h, p, sizeof h))
#define PUT_HEADER() memcpy(p, &h, sizeof h)
    RESET(); h.magic = 0; PUT_HEADER();
    write_file("block", "dmg_bad_magic", p, size);
    RESET(); h.version = 5; PUT_HEADER(); /* the previous format */
    write_file("block", "dmg_version5", p, size);
    RESET(); h.capacity = 24; PUT_HEADER();
    write_file("block", "dmg_capacity24", p, size);
    RESET(); h.count = h.max_entries + 1; PUT_HEADER();
    write_file("block", "dmg_count_over_max", p, size);
    RESET(); h.keys_start = h.meta_start; PUT_HEADER();
    write_file("block", "dmg_keys_over_meta", p, size);
    RESET(); h.type_tag = FZ_COLLIDE_TAG; PUT_HEADER();
    write_file("block", "dmg_other_tag", p, size);
    RESET();
    write_file("block", "dmg_truncated", p, size - 5);
    write_file("block", "dmg_header_only", p, 40);
    {
        static const size_t offs[] = {offsetof(ohm_header, magic), offsetof(ohm_header, version),
            offsetof(ohm_header, byte_order), offsetof(ohm_header, capacity),
            offsetof(ohm_header, count), offsetof(ohm_header, max_entries),
            offsetof(ohm_header, seed), offsetof(ohm_header, keys_start),
            offsetof(ohm_header, vals_start), offsetof(ohm_header, meta_start),
            offsetof(ohm_header, total_size), offsetof(ohm_header, key_size),
            offsetof(ohm_header, key_align), offsetof(ohm_header, val_size),
            offsetof(ohm_header, val_align), offsetof(ohm_header, type_tag)};
        static const size_t sizes[] = {4, 2, 2, 4, 4, 4, 8, 8, 8, 8, 8, 4, 4, 4, 4, 4};
        RESET();
        bswap_fields(p, offs, sizes, sizeof offs / sizeof offs[0]);
        write_file("block", "dmg_byteswapped", p, size);
    }
    /* Entry damage: attach passes, validate says OHM_CORRUPT. */
    RESET(); p[meta + cap + 3] ^= 1;
    if (bm_validate(p, size) != OHM_CORRUPT) exit(1);
    write_file("block", "dmg_mirror", p, size);
    RESET(); h.count -= 1; PUT_HEADER();
    if (bm_validate(p, size) != OHM_CORRUPT) exit(1);
    write_file("block", "dmg_count_off", p, size);
#undef RESET
#undef PUT_HEADER
    free(p);
}

/* Format 3 (docs/FORMAT.md): slot i's group, a hash's home group, and the
 * metadata byte of a key stored d groups past its home group. */
static uint32_t group_of(uint32_t cap, uint32_t i) { return cap >= 16 ? i / 16 : 0; }
static uint32_t groups(uint32_t cap) { return cap >= 16 ? cap / 16 : 1; }
static uint8_t byte_for(uint64_t hash, uint32_t d)
{
    if (d == 0) return (uint8_t)(0x80u | (hash >> 57));
    return (uint8_t)((d < 15 ? d : 15) << 3 | ((hash >> 54) & 7u));
}

/* The entry damages of docs/FORMAT.md's invariants, on a map of at least
 * 16 slots with a displaced key and room for one more: each written only
 * when validate says OHM_CORRUPT. */
static void damaged_entries(const bm *m)
{
    size_t size = bm_block_size(m);
    unsigned char *p = block(size);
    ohm_header h;
    memcpy(&h, m, sizeof h);
    uint32_t cap = h.capacity, ng = groups(cap);
    unsigned char *meta = p + h.meta_start, *classes = meta + cap + 16;
    size_t stride = (h.flags & OHM_FLAG_INTERLEAVED) ? 8u : 4u;
#define KEY(i) (p + h.keys_start + stride * (i))
#define HASH(i) (memcpy(&k, KEY(i), 4), ohm_hash_u64(k, h.seed))
#define SET(i, v) (meta[(i)] = (v), (i) < 16 ? (void)(meta[cap + (i)] = (v)) : (void)0)
#define EMIT(name)                                                      \
    do {                                                                \
        if (bm_validate(p, size) != OHM_CORRUPT) {                      \
            fprintf(stderr, "gen_corpus: %s is not corrupt\n", name);   \
            exit(1);                                                    \
        }                                                               \
        write_file("block", name, p, size);                             \
        memcpy(p, m, size);                                             \
    } while (0)
    uint32_t k, disp = UINT32_MAX, home = 0, dist = 0;
    memcpy(p, m, size);
    for (uint32_t i = 0; i < cap && disp == UINT32_MAX; i++)
        if (meta[i] && !(meta[i] & 0x80)) {
            disp = i;
            home = group_of(cap, (uint32_t)HASH(i) & (cap - 1));
            dist = (group_of(cap, i) + ng - home) % ng;
        }
    if (disp == UINT32_MAX || h.count >= h.max_entries) {
        fprintf(stderr, "gen_corpus: no displaced key or no room for the entry damage\n");
        exit(1);
    }
    uint64_t hash = HASH(disp);
    uint32_t cls = (uint32_t)(hash >> 54) & 7u;
    for (uint32_t i = 16; i < cap; i++) /* a used byte: one no slot holds, another fingerprint */
        if (meta[i]) {
            SET(i, 0x05);
            EMIT("dmg_invalid_byte");
            SET(i, (uint8_t)(meta[i] ^ 1));
            EMIT("dmg_fingerprint");
            break;
        }
    SET(disp, (uint8_t)(meta[disp] + 8)); /* distance code one too high */
    EMIT("dmg_distance");
    SET(disp, byte_for(hash, 0));
    EMIT("dmg_displaced_home_tag");
    classes[home] &= (uint8_t)~(1u << cls);
    EMIT("dmg_class_bit");
    /* A key on its path removed without the backward shift. */
    SET((home + dist - 1) % ng * 16, 0);
    h.count -= 1;
    memcpy(p, &h, sizeof h);
    EMIT("dmg_unreachable");
    h.count += 1;
    /* The key again, where an insertion would put it. */
    for (uint32_t j = 0, f; j < ng; j++) {
        uint32_t y = (home + j) % ng;
        for (f = y * 16; f < y * 16 + 16 && meta[f]; f++) {}
        if (f == y * 16 + 16) continue;
        memcpy(KEY(f), KEY(disp), 4);
        SET(f, byte_for(hash, j));
        if (j) classes[home] |= (uint8_t)(1u << cls);
        h.count += 1;
        memcpy(p, &h, sizeof h);
        EMIT("dmg_duplicate");
        h.count -= 1;
        break;
    }
#undef EMIT
#undef SET
#undef HASH
#undef KEY
    free(p);
}

/* Sync areas (formats 5 and 6): writes cut short, which validate refuses with
 * OHM_BUSY and N_recover finishes, and sync areas no writer leaves
 * (OHM_CORRUPT); each written only when validate says so. On a map of at
 * least 16 slots with a displaced key. */
static void sync_states(const bm *m)
{
    size_t size = bm_block_size(m);
    unsigned char *p = block(size);
    ohm_header h;
    ohm_sync y0, y;
    memcpy(&h, m, sizeof h);
    memcpy(&y0, (const unsigned char *)m + sizeof h, sizeof y0);
    uint32_t cap = h.capacity, ns = h.smask + 1;
    unsigned char *meta = p + h.meta_start;
    uint32_t *stripes = (uint32_t *)(void *)(p + h.stripes);
    memcpy(p, m, size);
    uint32_t disp = UINT32_MAX, home_slot = UINT32_MAX;
    for (uint32_t i = 0; i < cap; i++) {
        if (meta[i] && !(meta[i] & 0x80) && disp == UINT32_MAX) disp = i;
        if (meta[i] & 0x80 && home_slot == UINT32_MAX) home_slot = i;
    }
    if (disp == UINT32_MAX || home_slot == UINT32_MAX) {
        fprintf(stderr, "gen_corpus: no displaced key for the sync seeds\n");
        exit(1);
    }
#define RESET() (memcpy(p, m, size), y = y0)
#define PUT_SYNC() memcpy(p + sizeof h, &y, sizeof y)
#define SET(i, v) (meta[(i)] = (v), (i) < 16 ? (void)(meta[cap + (i)] = (v)) : (void)0)
#define ODD() for (uint32_t s_ = 0; s_ < ns; s_++) stripes[s_] |= 1u
#define EMIT(name, want)                                                       \
    do {                                                                       \
        if (bm_validate(p, size) != (want)) {                                  \
            fprintf(stderr, "gen_corpus: %s: not the status wanted\n", name);  \
            exit(1);                                                           \
        }                                                                      \
        write_file("block", name, p, size);                                    \
    } while (0)
    RESET(); y.seq |= 1u; PUT_SYNC(); /* an insertion cut before its first store */
    EMIT("busy_seq_odd", OHM_BUSY);
    RESET(); stripes[ns - 1] |= 1u;
    EMIT("busy_stripe_odd", OHM_BUSY);
    /* A removal cut after freeing the slot of a key in a full group, before
     * its shift (the first group on the displaced key's path). */
    RESET(); y.seq |= 1u; y.op = 1; y.hole = (disp / 16 + cap / 16 - 1) % (cap / 16) * 16; y.src = UINT32_MAX;
    PUT_SYNC(); ODD(); SET(y.hole, 0);
    EMIT("busy_remove_cut", OHM_BUSY);
    /* An overwrite cut before the value reached the slot. */
    RESET(); y.seq |= 1u; y.op = 2; y.hole = home_slot; y.src = UINT32_MAX;
    PUT_SYNC(); ODD(); memcpy(p + 192, "\x11\x22\x33\x44", 4); /* the journal's value buffer */
    EMIT("busy_overwrite_cut", OHM_BUSY);
    /* A clear cut half way through the metadata. */
    RESET(); y.seq |= 1u; y.op = 3; PUT_SYNC(); ODD();
    for (uint32_t i = 0; i < cap / 2; i++) SET(i, 0);
    EMIT("busy_clear_cut", OHM_BUSY);
    /* A remove_if cut while marking: a doomed byte. */
    RESET(); y.seq |= 1u; PUT_SYNC(); ODD(); SET(disp, 0x01);
    EMIT("busy_remove_if_marking", OHM_BUSY);
    /* A remove_if cut in its walk, from group 0. */
    RESET(); y.seq |= 1u; y.op = 4; y.hole = UINT32_MAX; y.src = UINT32_MAX; y.start = 0;
    PUT_SYNC(); ODD(); SET(home_slot, 0x01);
    EMIT("busy_remove_if_walk", OHM_BUSY);
    RESET(); y.op = 5; PUT_SYNC();
    EMIT("sync_bad_op", OHM_CORRUPT);
    ohm_header bad = h;
    RESET(); bad.smask += 1; memcpy(p, &bad, sizeof bad);
    EMIT("sync_bad_smask", OHM_CORRUPT);
    bad = h;
    RESET(); bad.stripes += 4; memcpy(p, &bad, sizeof bad);
    EMIT("sync_bad_stripes", OHM_CORRUPT);
#undef EMIT
#undef ODD
#undef SET
#undef PUT_SYNC
#undef RESET
    free(p);
}

/* A completely full bm table of `cap` slots (seed 0, load 100) built by
 * hand: group y holds 16 - `from_prev[y]` keys homed in it, then
 * `from_prev[y]` keys homed in the group before it (round the end), every
 * byte and class bit right. When every group takes keys from the one
 * before, every group boundary is crossed by a probe, and nothing is left
 * for iteration, removal and remove_if to start at: validate must say
 * OHM_CORRUPT. Otherwise it is a valid full table that the library would
 * not have made in this shape (ops follow). */
static void full_table(const char *name, uint32_t cap, const uint32_t *from_prev, size_t ops)
{
    bm *m = new_bm(cap, 0, 100);
    size_t size = bm_block_size(m);
    unsigned char *p = (unsigned char *)m;
    ohm_header h;
    memcpy(&h, p, sizeof h);
    uint32_t ng = groups(cap), next = 1;
    unsigned char *meta = p + h.meta_start, *classes = meta + cap + 16;
    for (uint32_t y = 0; y < ng; y++)
        for (uint32_t j = 0; j < 16; j++) {
            uint32_t i = y * 16 + j, want = j < 16 - from_prev[y] ? y : (y + ng - 1) % ng;
            uint32_t k;
            uint64_t hash;
            do { /* the next key homed in `want` (so each key once) */
                k = next++ * 0x9e3779b9u;
                hash = ohm_hash_u64(k, 0);
            } while (group_of(cap, (uint32_t)hash & (cap - 1)) != want);
            uint32_t d = (y + ng - want) % ng, v = i;
            meta[i] = byte_for(hash, d);
            if (i < 16) meta[cap + i] = meta[i];
            if (d) classes[want] |= (uint8_t)(1u << ((hash >> 54) & 7u));
            memcpy(p + h.keys_start + 8u * i, &k, 4); /* interleaved {key, value} */
            memcpy(p + h.vals_start + 8u * i, &v, 4);
        }
    h.count = cap;
    memcpy(p, &h, sizeof h);
    bool crossed = true;
    for (uint32_t y = 0; y < ng; y++)
        if (from_prev[y] == 0) crossed = false;
    if (!crossed) {
        emit_block(name, m, size, ops);
    } else if (bm_validate(m, size) != OHM_CORRUPT) {
        fprintf(stderr, "gen_corpus: %s (every boundary crossed) is not corrupt\n", name);
        exit(1);
    } else {
        write_file("block", name, m, size);
    }
    free(m);
}

/* A recipe for fuzz_block's own full tables (fuzz_block.c: FZ_FULL_MARK):
 * type and capacity byte, seed byte (below 0x80: fz_weak_seeds), user
 * byte, key start byte, a byte a group, then `ops` op bytes. */
static void recipe(const char *name, unsigned sel, unsigned seed_byte, unsigned user,
                   const unsigned char *group_bytes, size_t ng, size_t ops)
{
    unsigned char p[4 + 4 + 8 + 64 + 256];
    size_t n = 0;
    memcpy(p, "OHMF", 4);
    n = 4;
    p[n++] = (unsigned char)sel;
    p[n++] = (unsigned char)seed_byte;
    if (seed_byte >= 0x80)
        for (unsigned i = 0; i < 8; i++) p[n++] = (unsigned char)next_rand();
    p[n++] = (unsigned char)user;
    p[n++] = (unsigned char)(next_rand() & 0xffu);
    memcpy(p + n, group_bytes, ng);
    n += ng;
    for (size_t i = 0; i < ops; i++) p[n++] = (unsigned char)next_rand();
    write_file("block", name, p, n);
}

static void full_tables(void)
{
    /* The 32-slot table of the boundary rule: group 0 holds 14 keys of
     * its own and 2 homed in group 1 (displaced one group, round the end),
     * group 1 14 of its own and 2 of group 0. */
    static const uint32_t two[2] = {2, 2}, four[4] = {2, 2, 2, 2}, ok[4] = {0, 3, 1, 2};
    full_table("dmg_full_crossed32", 32, two, 0);
    full_table("dmg_full_crossed64", 64, four, 0);
    full_table("bm_cap64_full_built", 64, ok, 128); /* boundary into group 0 uncrossed */

    /* Recipes: type (bits 0-1: 0 bm, 1 bs, 2 bc) and capacity (bits 2-4,
     * fuzz_block.c: fz_full_caps). Group byte: bits 0-3 how many of its
     * last slots hold keys from d groups back, bits 4-7 d - 1. */
    static const unsigned char crossed32[2] = {0x02, 0x02};
    recipe("recipe_full_crossed32", 1u << 2, 0, 0, crossed32, 2, 0);
    unsigned char g[32];
    for (unsigned y = 0; y < 16; y++) g[y] = 0xe1; /* one key from 15 groups back in each */
    recipe("recipe_full_crossed256_far", 6u << 2 | 1u, 3, 0, g, 16, 0);
    static const unsigned char ok64[4] = {0x00, 0x03, 0x12, 0x01};
    recipe("recipe_full_ok64_ops", 3u << 2, 0x80, 0, ok64, 4, 160);
    /* Keys one group from home only, none into group 5: that boundary is
     * uncrossed. Seed K0 ^ 1; the user byte picks K1 for the rehash. */
    for (unsigned y = 0; y < 8; y++) g[y] = (unsigned char)(y == 5 ? 0 : next_rand() & 0x0fu);
    recipe("recipe_full_ok128_weak_seed", 5u << 2 | 1u, 1, 5, g, 8, 96);
    for (unsigned y = 0; y < 8; y++) g[y] = 0;
    recipe("recipe_full_bc128", 5u << 2 | 2u, 0x80, 0, g, 8, 64);
}

/* Real blocks with seeds made from the hashes' constants (fz_weak_seeds),
 * completely full ones among them: the library leaves a boundary no probe
 * crosses. */
static void weak_seed_blocks(void)
{
    bm *m = new_bm(64, OHM__HB_K0, 0);
    while (bm_count(m) < 64) bm_put(m, (uint32_t)next_rand(), 1);
    emit_block("bm_cap64_full_seed_K0", m, bm_block_size(m), 128);
    free(m);
    m = new_bm(32, OHM__HB_K1 ^ 1u, 0);
    while (bm_count(m) < 32) bm_put(m, (uint32_t)next_rand(), 2);
    emit_block("bm_cap32_full_seed_K1x1", m, bm_block_size(m), 64);
    free(m);
    bs *s = new_bs(128, ~(uint64_t)OHM__HB_K0, 90);
    while (bs_count(s) < bs_max_load(s)) bs_put(s, next_rand());
    emit_block("bs_cap128_load90_seed_notK0", s, bs_block_size(s), 0);
    free(s);
    s = new_bs(256, OHM__HB_K0 ^ 1u, 0);
    while (bs_count(s) < 256) bs_put(s, next_rand() >> 1);
    emit_block("bs_cap256_full_seed_K0x1", s, bs_block_size(s), 0);
    free(s);
}

static void blocks(void)
{
    bm *m;
    m = new_bm(0, 0, 0);
    emit_block("bm_cap0", m, bm_block_size(m), 0);
    emit_block("bm_cap0_ops", m, bm_block_size(m), 32);
    free(m);
    m = new_bm(1, 0, 0);
    emit_block("bm_cap1_empty", m, bm_block_size(m), 0);
    fill_bm(m, 1);
    emit_block("bm_cap1_full", m, bm_block_size(m), 16);
    free(m);
    m = new_bm(16, 0, 0);
    emit_block("bm_cap16_empty", m, bm_block_size(m), 0);
    fill_bm(m, 8);
    emit_block("bm_cap16_half", m, bm_block_size(m), 0);
    emit_block("bm_cap16_half_ops", m, bm_block_size(m), 96);
    fill_bm(m, 8);
    emit_block("bm_cap16_full", m, bm_block_size(m), 64);
    free(m);
    m = new_bm(64, 0xfeedfacecafebeefu, 75);
    for (uint32_t i = 0; i < 400; i++) { /* churn: group backward shifts */
        uint32_t k = (uint32_t)next_rand() % 96u;
        if (i % 3 == 2) bm_remove(m, k);
        else bm_put(m, k, i);
    }
    emit_block("bm_cap64_seed_load75_churn", m, bm_block_size(m), 0);
    free(m);
    m = new_bm(64, 99, 0);
    fill_bm(m, 30);
    damaged(m);
    for (uint32_t i = 0; i < 30; i++) /* 60 of 64: keys displaced, room for one more */
        bm_put(m, i * 0x9e3779b9u + 1u, i);
    damaged_entries(m);
    sync_states(m);
    free(m);
    m = new_bm(256, 42, 90);
    fill_bm(m, 230);
    emit_block("bm_cap256_load90", m, bm_block_size(m), 0);
    free(m);

    bs *s;
    s = new_bs(0, 0, 0);
    emit_block("bs_cap0", s, bs_block_size(s), 0);
    free(s);
    s = new_bs(1, 0, 0);
    bs_put(s, 0xffffffffffffffffu);
    emit_block("bs_cap1_full", s, bs_block_size(s), 16);
    free(s);
    s = new_bs(16, 7, 0);
    for (uint64_t i = 0; i < 8; i++) bs_put(s, i << 40);
    emit_block("bs_cap16_half", s, bs_block_size(s), 0);
    for (uint64_t i = 8; i < 16; i++) bs_put(s, i << 40);
    emit_block("bs_cap16_full", s, bs_block_size(s), 64);
    free(s);
    s = new_bs(128, 0x5eed, 50);
    for (uint32_t i = 0; i < 64; i++) bs_put(s, next_rand());
    emit_block("bs_cap128_load50", s, bs_block_size(s), 0);
    free(s);

    bc *c;
    c = new_bc(1, 0);
    bc_put(c, 3, 3);
    emit_block("bc_cap1_full", c, bc_block_size(c), 0);
    free(c);
    c = new_bc(8, 0);
    for (uint32_t i = 0; i < 4; i++) bc_put(c, i * 5, i);
    emit_block("bc_cap8_half", c, bc_block_size(c), 48);
    free(c);
    c = new_bc(16, 0);
    for (uint32_t i = 0; i < 16; i++) bc_put(c, i, i);
    emit_block("bc_cap16_full", c, bc_block_size(c), 0);
    free(c);
    c = new_bc(32, 87);
    for (uint32_t i = 0; i < 27; i++) bc_put(c, i * 7, i);
    for (uint32_t i = 0; i < 27; i += 3) bc_remove(c, i * 7);
    emit_block("bc_cap32_load87_removed", c, bc_block_size(c), 32);
    free(c);
    /* Every home in the last of 32 groups: keys up to 18 groups from home,
     * distance codes up to 15 ("15 or more"). */
    c = new_bc(512, 0);
    for (uint32_t i = 0; i < 300; i++) bc_put(c, i * 3, i);
    emit_block("bc_cap512_far", c, bc_block_size(c), 0);
    free(c);
    /* These draw random numbers of their own: the seeds written after
     * them stay what they were before these were added. */
    uint64_t rng_before = rng;
    full_tables();
    weak_seed_blocks();
    rng = rng_before;
}

/* --- ops seeds -------------------------------------------------------- */

static unsigned char ops[4096];
static size_t nops;

static void op(unsigned code) { ops[nops++] = (unsigned char)code; }
static void b(unsigned byte) { ops[nops++] = (unsigned char)byte; }
static void key(unsigned idx)
{
    b(idx & 0xffu);
    b(idx >> 8);
}
static void start(unsigned cfg)
{
    nops = 0;
    b(cfg);
}
static void done(const char *name) { write_file("ops", name, ops, nops); }

static void op_seeds(void)
{
    /* Fill a 16-slot map past full, look everything up, drain it. */
    start(5);
    for (unsigned i = 0; i < 20; i++) { op(FZ_OP_PUT); key(i); }
    for (unsigned i = 0; i < 20; i++) { op(FZ_OP_GET); key(i); }
    for (unsigned i = 0; i < 20; i++) { op(FZ_OP_REMOVE); key(i); }
    done("map16_fill_drain");

    /* Grow from one slot by rehashing when full, move, shrink too far. */
    start(1);
    for (unsigned round = 0; round < 5; round++) {
        for (unsigned i = 0; i < 6; i++) { op(FZ_OP_PUT); key(round * 6 + i); }
        op(FZ_OP_REHASH); b(2 + round); b(0);
        op(FZ_OP_RELOCATE); b(round);
    }
    op(FZ_OP_REHASH); b(1); b(8 | 16);
    op(FZ_OP_REHASH); b(11); b(3);
    done("map1_grow_by_rehash");

    /* Every call once, on a colliding set and a colliding map. */
    for (unsigned set = 0; set < 2; set++) {
        start(FZ_CFG_COLLIDE | (set ? FZ_CFG_SET : 0) | 4);
        for (unsigned c = 0; c < FZ_OP_COUNT; c++)
            for (unsigned i = 0; i < 3; i++) {
                op(c);
                key(i * 3);
                b(i);
                b(i);
            }
        done(set ? "set8_collide_every_op" : "map8_collide_every_op");
    }

    /* Batched puts into a 64-slot map at maximum load 87: batches that
     * overwrite, repeat keys and run into the full map part way. */
    start(0x40 | 7);
    for (unsigned j = 0; j < 12; j++) { op(FZ_OP_PUT_MANY); b(8 + j * 4); b(j * 5); }
    op(FZ_OP_REMOVE_IF); b(0x33);
    for (unsigned j = 0; j < 4; j++) { op(FZ_OP_PUT_MANY); b(47); b(j); }
    done("map64_load87_put_many");

    /* Adapted calls, maximum load 50. */
    start(0x80 | 6);
    for (unsigned i = 0; i < 24; i++) { op(FZ_OP_GET_OR_PUT_ADAPTED); key(i); }
    for (unsigned i = 0; i < 24; i += 2) { op(FZ_OP_REMOVE_ADAPTED); key(i); }
    for (unsigned i = 0; i < 24; i++) { op(FZ_OP_GET_ADAPTED); key(i); }
    done("map32_load50_adapted");

    /* Capacity 0, then 512 slots at maximum load 1 (five entries). */
    start(0);
    op(FZ_OP_PUT); key(1);
    op(FZ_OP_GET); key(1);
    op(FZ_OP_REHASH); b(3); b(0);
    op(FZ_OP_PUT); key(1);
    done("map0");
    start(0xc0 | 10);
    for (unsigned i = 0; i < 8; i++) { op(FZ_OP_PUT); key(i * 97); }
    op(FZ_OP_RESERVE); b(1); b(0);
    done("map512_load1");

    /* Seeds made from the hashes' constants, picked by rehash (b2: bit 3
     * a new seed, bit 5 from fz_weak_seeds, index b1 / 12 * 4 + b2 >> 6):
     * a 64-slot map filled completely under K0, then emptied in bulk and
     * while iterating; a set under each of the first eight seeds. */
    start(7);
    op(FZ_OP_REHASH); b(7); b(8 | 32);
    for (unsigned i = 0; i < 70; i++) { op(FZ_OP_PUT); key(i); }
    op(FZ_OP_ITER_REMOVE); b(0x55);
    for (unsigned i = 0; i < 70; i++) { op(FZ_OP_PUT); key(i); }
    op(FZ_OP_REMOVE_IF); b(0x0f);
    for (unsigned i = 0; i < 70; i++) { op(FZ_OP_PUT_NEW); key(i); }
    op(FZ_OP_REMOVE_AT); b(3);
    op(FZ_OP_REHASH); b(6); b(8 | 32 | 1u << 6);
    done("map64_full_weak_seed");
    start(FZ_CFG_SET | 8);
    for (unsigned j = 0; j < 8; j++) {
        op(FZ_OP_REHASH); b(8 + 12 * (j / 4)); b(8 | 32 | (j % 4) << 6);
        for (unsigned i = 0; i < 40; i++) { op(FZ_OP_PUT); key(i * 5 + j); }
        for (unsigned i = 0; i < 40; i += 3) { op(FZ_OP_REMOVE); key(i * 5 + j); }
    }
    done("set128_weak_seeds");

    /* Mutations cut short (FZ_OP_CUT), then recovered: every call at a
     * few stores, on a colliding map of 64 slots (homes in the last group,
     * so shifts wrap round), a colliding set of 32, and 300 colliding keys
     * in 512 slots (up to 18 groups from home: distance code 15, long
     * shifts; no remove_if or clear, which would need a refill). */
    static const unsigned cut_cfgs[] = {FZ_CFG_COLLIDE | 7, FZ_CFG_COLLIDE | FZ_CFG_SET | 6, FZ_CFG_COLLIDE | 10};
    static const char *const cut_names[] = {"map64_collide_cuts", "set32_collide_cuts", "map512_far_cuts"};
    for (unsigned c = 0; c < 3; c++) {
        unsigned fill = c == 0 ? 60 : c == 1 ? 30 : 300, cuts[] = {1, 6, 11, 17, 25, 40, 70, 130};
        start(cut_cfgs[c]);
        for (unsigned i = 0; i < fill; i++) { op(FZ_OP_PUT); key(i); }
        for (unsigned call = 0; call < FZ_CUT_CALLS; call++) {
            bool bulk_removal = call == 7 || call == 8; /* remove_if, clear */
            if (c == 2 && bulk_removal) continue; /* (not too long) */
            for (unsigned j = 0; j < 8; j++) {
                op(FZ_OP_CUT); b(call); key((call * 8 + j) * 7 % fill); b(cuts[j]); b(0);
                if (bulk_removal) /* after remove_if and clear: refill */
                    for (unsigned i = 0; i < fill; i += 4) { op(FZ_OP_PUT); key(i); }
            }
        }
        done(cut_names[c]);
    }

    /* Pseudo-random streams over several configurations. */
    static const unsigned cfgs[] = {5, 7, 9, 0x10 | 6, 0x20 | 8, 0x40 | 5, 0x30 | 12, 0x80 | 10};
    for (unsigned c = 0; c < sizeof cfgs / sizeof cfgs[0]; c++) {
        start(cfgs[c]);
        size_t len = 200 + (size_t)(next_rand() % 400);
        while (nops < len) b((unsigned)next_rand() & 0xffu);
        char name[32];
        snprintf(name, sizeof name, "random_%02x", cfgs[c]);
        done(name);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR (with block/ and ops/ in it)\n", argv[0]);
        return 2;
    }
    out_dir = argv[1];
    blocks();
    op_seeds();
    return 0;
}
