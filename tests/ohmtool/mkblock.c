/* mkblock - writes ohm blocks for tests/test_ohmtool.sh, with the library,
 * and prints on standard output the entries it put, one a line, the way
 * `ohmtool dump --int` prints them (key<TAB>value, decimal integers, other
 * fields as hex bytes), in the order they were put.
 *
 *   mkblock u64map OUT CAP N SEED LOAD    u64 -> u64 map, N keys (value 3k+1);
 *                                         then every third key removed when
 *                                         N > 40, and re-put with a new value
 *   mkblock u64far OUT CAP N              u64 -> u64 map, seed 0, N keys that
 *                                         all have home group 0: distances up
 *                                         to N/16 groups (15 and more too)
 *   mkblock u64full OUT CAP               u64 -> u64 map filled to every slot
 *   mkblock u32set OUT CAP N SEED         set of u32
 *   mkblock i16map OUT CAP N              int16_t -> int16_t map, negative keys
 *   mkblock struct OUT CAP N              u16 -> struct (16 bytes with padding,
 *                                         so keys and values in separate arrays),
 *                                         type tag 0x52454331
 *   mkblock strmap OUT                    an owner block [words | arena | map]:
 *                                         u32 string offsets -> u32 counts, hashed
 *                                         by OHM_HASH_EX through the arena; the
 *                                         first line printed is "# map at OFFSET"
 *   mkblock crossed OUT                   u64 -> u64, 32 slots, every slot used and
 *                                         each group holding the other's keys:
 *                                         only invariant II broken
 *   mkblock damage KIND IN OUT            a u64 -> u64 block IN damaged into OUT:
 *       fp     a home key's fingerprint bit flipped (only hashing finds it)
 *       dup    a key copied into a free slot of its home group with its byte
 *              and the count raised: everything but the duplicate is right
 *       class  the class bit a displaced key (distance 1..14) needs, cleared
 *       hole   a slot on a displaced key's way freed (count lowered with it)
 *       swap   every header field byte-swapped
 *   mkblock garbage OUT LEN SEED          LEN pseudo-random bytes
 *   mkblock cut KIND OUT K                a u64 -> u64 map (u64far's, 512 slots,
 *                                         300 keys homed in group 0) whose writer
 *                                         was stopped before the K-th store of one
 *                                         mutation, as a killed writer leaves it
 *                                         (every store goes through OHM_STORE_HOOK):
 *       remove  the removal of the key in slot 0 (a shift through 18 groups)
 *       put     the overwrite of that key's value
 *                                         prints the entries before the mutation
 *                                         but the one it changes, then
 *                                         "# removed KEY VALUE" or
 *                                         "# overwritten KEY OLD NEW"; with K = 0
 *                                         the mutation runs whole and the last
 *                                         line is "# stores T", its store count
 * Exit status 0, or 1 with a message when a block cannot be made as asked.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every store a mutation makes to a block is counted; an armed cut stops
 * the mutation before its cut_at-th store (mkblock cut). */
static unsigned long cut_stores, cut_at;
static int cut_armed;
static jmp_buf cut_jmp;
#define OHM_STORE_HOOK() ((cut_armed && ++cut_stores == cut_at) ? longjmp(cut_jmp, 1) : (void)0)

#include "ohm.h"

#define OHM_NAME m64
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#include "ohm_map.h"

#define OHM_NAME s32
#define OHM_KEY uint32_t
#include "ohm_map.h"

#define OHM_NAME i16
#define OHM_KEY int16_t
#define OHM_VALUE int16_t
#include "ohm_map.h"

typedef struct rec {
    uint32_t id;
    uint8_t tag; /* then 3 padding bytes, zeroed */
    double weight;
} rec;
#define OHM_NAME sv
#define OHM_KEY uint16_t
#define OHM_VALUE rec
#define OHM_TYPE_TAG 0x52454331u
#include "ohm_map.h"

/* The string map's owner block: this header, the arena (records of a
 * uint32_t length and the bytes), the map. The map's user word is its own
 * offset in the owner block. */
typedef struct words {
    uint64_t arena_off, arena_cap, arena_used, map_off;
} words;
static uint64_t str_hash(const void *map, uint32_t key, uint64_t seed);
static bool str_eq(const void *map, uint32_t a, uint32_t b);
#define OHM_NAME strmap
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_HASH_EX(m, key, seed) str_hash((m), (key), (seed))
#define OHM_EQ_EX(m, a, b) str_eq((m), (a), (b))
#define OHM_TYPE_TAG 0x53545231u
#include "ohm_map.h"

static const words *owner_of(const void *map)
{
    return (const words *)(const void *)((const char *)map - strmap_user((const strmap *)map));
}
static uint32_t rec_len(const words *w, uint32_t off)
{
    uint32_t n;
    memcpy(&n, ohm_ptr(w, off), 4);
    return n;
}
static uint64_t str_hash(const void *map, uint32_t key, uint64_t seed)
{
    const words *w = owner_of(map);
    return ohm_hash_bytes(OHM_AT(const char, w, key + 4), rec_len(w, key), seed);
}
static bool str_eq(const void *map, uint32_t a, uint32_t b)
{
    const words *w = owner_of(map);
    return a == b || (rec_len(w, a) == rec_len(w, b) &&
                      memcmp(OHM_AT(const char, w, a + 4), OHM_AT(const char, w, b + 4), rec_len(w, a)) == 0);
}

static void die(const char *what)
{
    fprintf(stderr, "mkblock: %s\n", what);
    exit(1);
}

static void *block_alloc(size_t align, size_t size)
{
    void *p = aligned_alloc(align, (size + align - 1) / align * align);
    if (p == NULL) die("no memory");
    memset(p, 0, size);
    return p;
}

static void write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) die("cannot write the block");
}

static unsigned char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) die("cannot read the block");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *p = block_alloc(64, size > 0 ? (size_t)size : 1);
    if (size < 0 || fread(p, 1, (size_t)size, f) != (size_t)size) die("cannot read the block");
    fclose(f);
    *n = (size_t)size;
    return p;
}

static uint32_t num(const char *s) { return (uint32_t)strtoul(s, NULL, 0); }

/* Pseudo-random numbers (splitmix64), for keys and garbage. */
static uint64_t rng_state;
static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static m64 *m64_new(uint32_t cap, uint64_t seed, unsigned load)
{
    ohm_layout l = m64_layout_for_capacity(cap);
    m64 *m = m64_init_ex(block_alloc(m64_base_align(), l.total_size), l, seed, load);
    if (m == NULL) die("m64_init_ex refused");
    return m;
}

static void m64_put_print(m64 *m, uint64_t k, uint64_t v)
{
    if (m64_put(m, k, v) < 0) die("m64_put failed");
    printf("%llu\t%llu\n", (unsigned long long)k, (unsigned long long)v);
}

static void m64_finish(m64 *m, const char *out)
{
    if (m64_validate(m, m64_block_size(m)) != OHM_OK) die("the block made does not validate");
    write_file(out, m, m64_block_size(m));
    free(m);
}

/* The hash of a u64 key at a seed, and its home group in `cap` slots. */
static uint32_t home_group(uint64_t k, uint64_t seed, uint32_t cap)
{
    return cap < 16 ? 0 : (uint32_t)(ohm_hash_u64(k, seed) & (cap - 1)) / 16;
}

static uint32_t bs32(uint32_t x) { return (x >> 24) | ((x >> 8) & 0xff00u) | ((x << 8) & 0xff0000u) | (x << 24); }
static uint64_t bs64(uint64_t x) { return (uint64_t)bs32((uint32_t)x) << 32 | bs32((uint32_t)(x >> 32)); }

/* A damaged copy of a u64 -> u64 block. */
static int damage(const char *kind, const char *in, const char *out)
{
    size_t n;
    unsigned char *buf = read_file(in, &n);
    m64 *m;
    if (m64_attach(buf, n, &m) != OHM_OK) die("damage: the input is not a u64 -> u64 block");
    ohm_header *h = &m->hdr;
    uint32_t cap = h->capacity, G = cap >= 16 ? cap / 16 : 1;
    uint8_t *meta = buf + h->meta_start, *cls = cap >= 16 ? meta + cap + 16 : NULL;
    uint64_t *keys = (uint64_t *)(void *)(buf + h->keys_start); /* interleaved: key s at keys[2 s] */
    bool done = false;
    if (!strcmp(kind, "fp")) {
        for (uint32_t s = 0; s < cap && !done; s++)
            if (meta[s] >= 0x80) {
                meta[s] ^= 0x01;
                if (s < 16)
                    for (uint32_t k = 0; k < 16; k++) meta[cap + k] = meta[k & (cap - 1)];
                done = true;
            }
    } else if (!strcmp(kind, "dup")) {
        if (h->count >= h->max_entries) die("dup: the block has no room");
        for (uint32_t s = 0; s < cap && !done; s++) {
            if (meta[s] < 0x80) continue;
            uint32_t g = cap >= 16 ? s / 16 : 0, gs = cap >= 16 ? 16 : cap;
            for (uint32_t j = 0; j < gs && !done; j++) {
                uint32_t t = g * 16 + j;
                if (meta[t] != 0) continue;
                meta[t] = meta[s];
                keys[2 * t] = keys[2 * s];
                keys[2 * t + 1] = 12345;
                h->count++;
                for (uint32_t k = 0; k < 16; k++) meta[cap + k] = meta[k & (cap - 1)];
                done = true;
            }
        }
    } else if (!strcmp(kind, "class") || !strcmp(kind, "hole")) {
        for (uint32_t s = 0; s < cap && cls && !done; s++) {
            uint8_t b = meta[s];
            if (b < 0x08 || b >= 0x78) continue; /* a displaced key, distance 1..14 */
            uint32_t y = s / 16, home = (y - (b >> 3)) & (G - 1);
            if (!strcmp(kind, "class")) {
                cls[home] &= (uint8_t)~(1u << (b & 7));
            } else {
                meta[home * 16] = 0; /* its home group, full until now */
                h->count--;
                for (uint32_t k = 0; k < 16; k++) meta[cap + k] = meta[k & (cap - 1)];
            }
            done = true;
        }
    } else if (!strcmp(kind, "swap")) {
        ohm_header x = *h;
        x.magic = bs32(x.magic);
        x.version = (uint16_t)(x.version >> 8 | x.version << 8);
        x.byte_order = (uint16_t)(x.byte_order >> 8 | x.byte_order << 8);
        x.capacity = bs32(x.capacity);
        x.count = bs32(x.count);
        x.max_entries = bs32(x.max_entries);
        x.seed = bs64(x.seed);
        x.keys_start = bs64(x.keys_start);
        x.vals_start = bs64(x.vals_start);
        x.meta_start = bs64(x.meta_start);
        x.total_size = bs64(x.total_size);
        x.key_size = bs32(x.key_size);
        x.key_align = bs32(x.key_align);
        x.val_size = bs32(x.val_size);
        x.val_align = bs32(x.val_align);
        x.type_tag = bs32(x.type_tag);
        x.stamp = bs32(x.stamp);
        x.user = bs64(x.user);
        *h = x;
        done = true;
    } else {
        die("damage: unknown kind");
    }
    if (!done) die("damage: the block has no place for that damage");
    write_file(out, buf, n);
    free(buf);
    return 0;
}

/* Run one mutation of m (a removal of k, or an overwrite of its value
 * with v), stopped before its cut_at-th store when cut_at > 0. Returns 1
 * when it was stopped. */
static int cut_run(m64 *m, int put, uint64_t k, uint64_t v)
{
    cut_stores = 0;
    cut_armed = 1;
    if (setjmp(cut_jmp)) {
        cut_armed = 0;
        return 1;
    }
    if (put) m64_put(m, k, v);
    else m64_remove(m, k);
    cut_armed = 0;
    return 0;
}

static int cut(const char *kind, const char *out, unsigned long k)
{
    int put = !strcmp(kind, "put");
    if (!put && strcmp(kind, "remove")) die("cut: the kind is remove or put");
    m64 *m = m64_new(512, 0, 100);
    uint64_t first = 0;
    for (uint64_t key = 1, got = 0; got < 300; key++)
        if (home_group(key, 0, 512) == 0) {
            if (m64_put(m, key, key + 1000) < 0) die("m64_put failed");
            if (got++ == 0) first = key;
        }
    const uint64_t *key0 = (const uint64_t *)(const void *)((const char *)m + m->hdr.keys_start);
    if (((const uint8_t *)m)[m->hdr.meta_start] == 0 || key0[0] != first) die("cut: slot 0 does not hold the first key");
    m64_iter it = m64_iter_begin(m);
    m64_entry e;
    while (m64_iter_next(&it, &e))
        if (*e.key != first) printf("%llu\t%llu\n", (unsigned long long)*e.key, (unsigned long long)*e.value);
    if (put) printf("# overwritten %llu %llu %llu\n", (unsigned long long)first, (unsigned long long)(first + 1000),
                    (unsigned long long)(first + 7));
    else printf("# removed %llu %llu\n", (unsigned long long)first, (unsigned long long)(first + 1000));
    cut_at = k;
    int stopped = cut_run(m, put, first, first + 7);
    if (k == 0) printf("# stores %lu\n", cut_stores);
    else if (!stopped) die("cut: the mutation made fewer stores than that");
    ohm_status want = k == 0 || k == 1 ? OHM_OK : OHM_BUSY; /* the hook runs before its store */
    if (m64_validate(m, m64_block_size(m)) != want) die("cut: the library does not see the block as expected");
    write_file(out, m, m64_block_size(m));
    free(m);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) die("usage: see tests/ohmtool/mkblock.c");
    const char *kind = argv[1], *out = argv[2];
    if (!strcmp(kind, "u64map") && argc == 7) {
        uint32_t cap = num(argv[3]), n = num(argv[4]);
        m64 *m = m64_new(cap, strtoull(argv[5], NULL, 0), num(argv[6]));
        for (uint32_t i = 1; i <= n; i++) {
            uint64_t k = i * 0x9e3779b97f4a7c15u;
            if (m64_put(m, k, 3 * k + 1) < 0) die("m64_put failed");
        }
        if (n > 40)
            for (uint32_t i = 3; i <= n; i += 3) m64_remove(m, i * 0x9e3779b97f4a7c15u);
        for (uint32_t i = 1; i <= n; i++) {
            uint64_t k = i * 0x9e3779b97f4a7c15u;
            if (n > 40 && i % 3 == 0) {
                if (i % 2 == 0) m64_put_print(m, k, k ^ 0xffu); /* back with another value */
            } else {
                printf("%llu\t%llu\n", (unsigned long long)k, (unsigned long long)(3 * k + 1));
            }
        }
        m64_finish(m, out);
    } else if (!strcmp(kind, "u64far") && argc == 5) {
        uint32_t cap = num(argv[3]), n = num(argv[4]);
        m64 *m = m64_new(cap, 0, 100);
        for (uint64_t k = 1, got = 0; got < n; k++)
            if (home_group(k, 0, cap) == 0) {
                m64_put_print(m, k, k + 1000);
                got++;
            }
        m64_finish(m, out);
    } else if (!strcmp(kind, "u64full") && argc == 4) {
        uint32_t cap = num(argv[3]);
        m64 *m = m64_new(cap, 0, 100);
        rng_state = 7;
        while (m64_count(m) < cap) {
            uint64_t k = rng();
            if (!m64_contains(m, k)) m64_put_print(m, k, k >> 1);
        }
        m64_finish(m, out);
    } else if (!strcmp(kind, "u32set") && argc == 6) {
        uint32_t cap = num(argv[3]), n = num(argv[4]);
        ohm_layout l = s32_layout_for_capacity(cap);
        s32 *m = s32_init_seeded(block_alloc(s32_base_align(), l.total_size), l, strtoull(argv[5], NULL, 0));
        if (m == NULL) die("s32_init refused");
        for (uint32_t i = 1; i <= n; i++) {
            uint32_t k = i * 2654435761u;
            if (s32_put(m, k) < 0) die("s32_put failed");
            printf("%u\n", k);
        }
        if (s32_validate(m, s32_block_size(m)) != OHM_OK) die("the block made does not validate");
        write_file(out, m, s32_block_size(m));
        free(m);
    } else if (!strcmp(kind, "i16map") && argc == 5) {
        uint32_t cap = num(argv[3]), n = num(argv[4]);
        ohm_layout l = i16_layout_for_capacity(cap);
        i16 *m = i16_init(block_alloc(i16_base_align(), l.total_size), l);
        if (m == NULL) die("i16_init refused");
        for (int i = 1; i <= (int)n; i++) {
            int16_t k = (int16_t)(-37 * i), v = (int16_t)(i - 500);
            if (i16_put(m, k, v) < 0) die("i16_put failed");
            printf("%d\t%d\n", k, v);
        }
        if (i16_validate(m, i16_block_size(m)) != OHM_OK) die("the block made does not validate");
        write_file(out, m, i16_block_size(m));
        free(m);
    } else if (!strcmp(kind, "struct") && argc == 5) {
        uint32_t cap = num(argv[3]), n = num(argv[4]);
        ohm_layout l = sv_layout_for_capacity(cap);
        sv *m = sv_init(block_alloc(sv_base_align(), l.total_size), l);
        if (m == NULL) die("sv_init refused");
        for (uint32_t i = 1; i <= n; i++) {
            rec r;
            memset(&r, 0, sizeof r);
            r.id = 1000000 + i;
            r.tag = (uint8_t)i;
            r.weight = i / 4.0;
            uint16_t k = (uint16_t)(i * 40503u);
            if (sv_put(m, k, r) < 0) die("sv_put failed");
            printf("%u\t", k);
            const unsigned char *p = (const unsigned char *)&r;
            for (size_t j = 0; j < sizeof r; j++) printf("%02x", p[j]);
            printf("\n");
        }
        if (sv_validate(m, sv_block_size(m)) != OHM_OK) die("the block made does not validate");
        write_file(out, m, sv_block_size(m));
        free(m);
    } else if (!strcmp(kind, "strmap") && argc == 3) {
        static const char *const text[] = {"the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog",
                                           "and", "the", "dog", "sleeps", "while", "the", "fox", "runs"};
        size_t nw = sizeof text / sizeof text[0];
        ohm_plan plan = ohm_plan_init();
        uint64_t w_off = ohm_plan_add(&plan, sizeof(words), 8);
        uint64_t a_off = ohm_plan_add(&plan, 512, 4);
        ohm_layout l = strmap_layout_for_capacity(32);
        uint64_t m_off = ohm_plan_add_map(&plan, l, strmap_base_align());
        if (plan.failed || w_off != 0) die("plan failed");
        unsigned char *blk = block_alloc(plan.align, plan.size);
        words *w = (words *)(void *)blk;
        w->arena_off = a_off;
        w->arena_cap = 512;
        w->map_off = m_off;
        strmap *m = strmap_init_seeded(blk + m_off, l, 0x1234);
        if (m == NULL) die("strmap_init refused");
        strmap_set_user(m, m_off);
        printf("# map at %llu\n", (unsigned long long)m_off);
        uint32_t offs[64], counts[64];
        size_t distinct = 0;
        for (size_t i = 0; i < nw; i++) {
            size_t j = 0;
            while (j < distinct && strcmp(OHM_AT(const char, w, offs[j] + 4), text[i]) != 0) j++;
            if (j == distinct) {
                uint32_t off = (uint32_t)(w->arena_off + w->arena_used), len = (uint32_t)strlen(text[i]);
                memcpy(blk + off, &len, 4);
                memcpy(blk + off + 4, text[i], len + 1); /* the NUL is for this program's strcmp */
                w->arena_used += (4 + len + 1 + 3) & ~3u;
                offs[distinct] = off;
                counts[distinct++] = 0;
            }
            counts[j]++;
            if (strmap_put(m, offs[j], counts[j]) < 0) die("strmap_put failed");
        }
        for (size_t j = 0; j < distinct; j++) printf("%u\t%u\n", offs[j], counts[j]);
        if (strmap_validate(m, strmap_block_size(m)) != OHM_OK) die("the map made does not validate");
        write_file(out, blk, plan.size);
        free(blk);
    } else if (!strcmp(kind, "crossed") && argc == 3) {
        /* 32 slots, two groups: keys homed in group 1 fill group 0 and
         * keys homed in group 0 fill group 1, each one group from home.
         * Every byte, class bit and invariant I hold; no group boundary is
         * uncrossed. */
        m64 *m = m64_new(32, 0, 100);
        uint8_t *meta = (uint8_t *)m + m->hdr.meta_start, *cls = meta + 32 + 16;
        uint64_t *kv = (uint64_t *)(void *)((char *)m + m->hdr.keys_start);
        uint32_t filled[2] = {0, 0};
        for (uint64_t k = 1; filled[0] < 16 || filled[1] < 16; k++) {
            uint32_t home = home_group(k, 0, 32), y = 1 - home;
            if (filled[y] == 16) continue;
            uint64_t hash = ohm_hash_u64(k, 0);
            uint32_t s = y * 16 + filled[y]++;
            meta[s] = (uint8_t)((1u << 3) | ((hash >> 54) & 7u));
            cls[home] |= (uint8_t)(1u << ((hash >> 54) & 7u));
            kv[2 * s] = k;
            kv[2 * s + 1] = k * 10;
            printf("%llu\t%llu\n", (unsigned long long)k, (unsigned long long)(k * 10));
        }
        for (uint32_t k = 0; k < 16; k++) meta[32 + k] = meta[k];
        m->hdr.count = 32;
        if (m64_validate(m, m64_block_size(m)) != OHM_CORRUPT) die("crossed: the library does not refuse it");
        write_file(out, m, m64_block_size(m));
        free(m);
    } else if (!strcmp(kind, "cut") && argc == 5) {
        return cut(argv[2], argv[3], strtoul(argv[4], NULL, 0));
    } else if (!strcmp(kind, "damage") && argc == 5) {
        return damage(argv[2], argv[3], argv[4]);
    } else if (!strcmp(kind, "garbage") && argc == 5) {
        size_t n = num(argv[3]);
        rng_state = strtoull(argv[4], NULL, 0);
        unsigned char *p = block_alloc(8, n ? n : 1);
        for (size_t i = 0; i < n; i++) p[i] = (unsigned char)rng();
        write_file(out, p, n);
        free(p);
    } else {
        die("usage: see tests/ohmtool/mkblock.c");
    }
    return 0;
}
