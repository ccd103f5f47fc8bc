/* gen_corpus.c - writes the seed corpus of the fuzz targets:
 *
 *   corpus/block/  real blocks of the three block_types.h instantiations
 *                  (capacity 0, 1, 8, 16, 32, 64, 128, 256, 512; empty,
 *                  half full, full; seeded, other loads, after churn, keys
 *                  far from home), some followed by an operation stream,
 *                  and damaged ones (each damage once; the entry damages
 *                  break format 3's invariants one at a time)
 *   corpus/ops/    a config byte and an operation stream (fuzz_common.h)
 *
 * Deterministic: the same files every run. Usage (from the repository
 * root, see fuzz/README.md):
 *   cc -std=c11 -Iinclude -Ifuzz fuzz/gen_corpus.c -o build/fuzz/gen_corpus
 *   build/fuzz/gen_corpus fuzz/corpus
 */
#define OHM_IMPLEMENTATION
#include "ohm.h"

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
    size_t meta = sizeof(ohm_header);

#define RESET() (memcpy(p, m, size), memcpy(&h, p, sizeof h))
#define PUT_HEADER() memcpy(p, &h, sizeof h)
    RESET(); h.magic = 0; PUT_HEADER();
    write_file("block", "dmg_bad_magic", p, size);
    RESET(); h.version = 2; PUT_HEADER(); /* the previous format */
    write_file("block", "dmg_version2", p, size);
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
    write_file("block", "dmg_mirror", p, size);
    RESET(); h.count -= 1; PUT_HEADER();
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
