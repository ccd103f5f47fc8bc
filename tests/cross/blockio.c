/* blockio.c - blocks written on one architecture, read on another.
 *
 * Builds a few deterministic blocks (a u64 -> u64 map of a few thousand
 * entries and a nearly full u32 set, each unseeded and seeded, with
 * overwrites and removals), writes them to files, and reads such files
 * back. tests/cross/run.sh runs it natively and under qemu-user, so that a
 * block written on x86-64 is read on arm64 and the other way round, and a
 * block of the other byte order (s390x) is refused.
 *
 *   blockio info                  prints the group probing (OHM__SIMD) and
 *                                 byte order
 *   blockio write DIR             writes DIR/NAME.ohm for every block
 *   blockio read DIR [NAME...]    each file: N_attach and N_validate give
 *                                 OHM_OK, every expected entry is there with
 *                                 its value, every removed key is absent,
 *                                 the count is right, and the bytes equal
 *                                 the same operations' block built here
 *   blockio refuse DIR [NAME...]  each file: N_attach and N_validate give
 *                                 OHM_BAD_ENDIAN, and N_attach's *out is NULL
 *   blockio mistyped DIR [NAME...]  the same with OHM_BAD_TYPE (a block whose
 *                                 key or value alignment differs from this
 *                                 build's: uint64_t is 4-aligned on i386)
 *
 * With NAMEs (map-u64, set-u32, ...), only those blocks are read or
 * refused; without, all of them.
 *
 * Closes with "ok: N passed, N failed" (tests/test.h); exit status 0 when
 * all held.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

/* The set fills 4096 slots to 4000 keys: maximum load 100, by name (the
 * default, 88, stops short); the map keeps the same to make the blocks
 * it always made. */
#define OHM_NAME xmap
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define OHM_NAME xset
#define OHM_KEY uint32_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define SEED 0x5eed0123456789abu
#define MAP_STEPS 3000u /* puts into the map; every third overwrites, every fifth removes */
#define SET_FIRST 4000u /* puts into the 4096-slot set before its removals */
#define SET_STEPS 4400u /* puts in all */
#define SET_CAPACITY 4096u

static const char *dir;
static char **names; /* the blocks named on the command line; NULL: all */
static int n_names;

/* ------------------------------------------------------------------------
 * The operations, and what they leave
 * ---------------------------------------------------------------------- */

/* Map keys: 0..999 (sequential), then scattered ones (splitmix64 of the
 * index, a bijection, so all differ). */
static uint64_t map_key(uint32_t j)
{
    if (j < 1000) return j;
    uint64_t s = j;
    return test_rand(&s);
}
static uint64_t map_val(uint32_t j) { return (uint64_t)j * 0x100000001b3u + 7; }
static uint64_t map_val2(uint32_t j) { return ~map_val(j); }

/* Step i puts key i; when i % 3 == 2 it overwrites key i - 2; when
 * i % 5 == 4 it removes key i - 3. */
static bool map_build(xmap *m)
{
    bool ok = true;
    for (uint32_t i = 0; i < MAP_STEPS; i++) {
        ok = ok && xmap_put(m, map_key(i), map_val(i)) == OHM_OK;
        if (i % 3 == 2) ok = ok && xmap_put(m, map_key(i - 2), map_val2(i - 2)) == OHM_FOUND;
        if (i % 5 == 4) ok = ok && xmap_remove(m, map_key(i - 3));
    }
    return ok;
}
static bool map_present(uint32_t j) { return !(j % 5 == 1 && j + 3 < MAP_STEPS); }
static uint64_t map_final(uint32_t j) { return j % 3 == 0 && j + 2 < MAP_STEPS ? map_val2(j) : map_val(j); }

/* Set keys: an odd multiple, so all differ mod 2^32. The first SET_FIRST
 * fill 98% of the slots, then every seventh of them is removed (backward
 * shifts in long clusters), then the rest are put. */
static uint32_t set_key(uint32_t j) { return j * 2654435761u; }
static bool set_build(xset *m)
{
    bool ok = true;
    for (uint32_t i = 0; i < SET_FIRST; i++) ok = ok && xset_put(m, set_key(i)) == OHM_OK;
    for (uint32_t i = 3; i < SET_FIRST; i += 7) ok = ok && xset_remove(m, set_key(i));
    for (uint32_t i = SET_FIRST; i < SET_STEPS; i++) ok = ok && xset_put(m, set_key(i)) == OHM_OK;
    return ok;
}
static bool set_present(uint32_t j) { return !(j < SET_FIRST && j % 7 == 3); }

/* ------------------------------------------------------------------------
 * The blocks
 * ---------------------------------------------------------------------- */

typedef struct kind {
    const char *name;
    bool is_set;
    uint64_t seed;
} kind;
static const kind kinds[] = {
    {"map-u64", false, OHM_SEED_DEFAULT},
    {"map-u64-seeded", false, SEED},
    {"set-u32", true, OHM_SEED_DEFAULT},
    {"set-u32-seeded", true, SEED},
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

/* Whether the command line asks for kind k. */
static bool selected(const kind *k)
{
    if (n_names == 0) return true;
    for (int i = 0; i < n_names; i++)
        if (strcmp(names[i], k->name) == 0) return true;
    return false;
}

/* A zeroed buffer of at least `size` bytes aligned to 64 (more than either
 * type needs); free() it. */
static unsigned char *buffer(size_t size)
{
    size_t n = (size + 63) / 64 * 64;
    unsigned char *p = aligned_alloc(64, n ? n : 64);
    if (p == NULL) {
        fprintf(stderr, "out of memory (%zu bytes)\n", n);
        exit(2);
    }
    memset(p, 0, n ? n : 64);
    return p;
}

/* The block of kind k built here; its size in *size. */
static unsigned char *build(const kind *k, size_t *size)
{
    if (k->is_set) {
        ohm_layout l = xset_layout_for_capacity(SET_CAPACITY);
        unsigned char *p = buffer(l.total_size);
        xset *m = xset_init_seeded(p, l, k->seed);
        TEST_CHECK(m != NULL && set_build(m));
        *size = l.total_size;
        return p;
    }
    ohm_layout l = xmap_layout(MAP_STEPS);
    unsigned char *p = buffer(l.total_size);
    xmap *m = xmap_init_seeded(p, l, k->seed);
    TEST_CHECK(m != NULL && map_build(m));
    *size = l.total_size;
    return p;
}

static void path_of(char *out, size_t n, const kind *k) { snprintf(out, n, "%s/%s.ohm", dir, k->name); }

/* The file's bytes in an aligned buffer; its length in *len. */
static unsigned char *load(const kind *k, size_t *len)
{
    char path[4096];
    path_of(path, sizeof path, k);
    FILE *f = fopen(path, "rb");
    TEST_CHECK(f != NULL);
    if (f == NULL) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    TEST_CHECK(n > 0);
    unsigned char *p = buffer(n > 0 ? (size_t)n : 1);
    TEST_EQ_U(n > 0 ? fread(p, 1, (size_t)n, f) : 0, n > 0 ? (size_t)n : 0);
    fclose(f);
    *len = n > 0 ? (size_t)n : 0;
    return p;
}

/* ------------------------------------------------------------------------
 * The commands
 * ---------------------------------------------------------------------- */

static void write_blocks(void)
{
    for (size_t i = 0; i < N_KINDS; i++) {
        size_t size;
        unsigned char *p = build(&kinds[i], &size);
        char path[4096];
        path_of(path, sizeof path, &kinds[i]);
        FILE *f = fopen(path, "wb");
        TEST_CHECK(f != NULL);
        if (f) {
            TEST_EQ_U(fwrite(p, 1, size, f), size);
            TEST_CHECK(fclose(f) == 0);
        }
        printf("  wrote %s (%zu bytes)\n", path, size);
        free(p);
    }
}

static void check_map(const kind *k, unsigned char *p, size_t len)
{
    xmap *m;
    TEST_STATUS(xmap_attach(p, len, &m), OHM_OK);
    TEST_STATUS(xmap_validate(p, len), OHM_OK);
    if (xmap_attach(p, len, &m) != OHM_OK) return;
    TEST_EQ_U(xmap_seed(m), k->seed);
    uint32_t want = 0, right = 0;
    for (uint32_t j = 0; j < MAP_STEPS; j++) {
        const uint64_t *v = xmap_get(m, map_key(j));
        if (map_present(j)) {
            want++;
            right += v != NULL && *v == map_final(j);
        } else {
            right += v == NULL;
        }
    }
    TEST_EQ_U(right, MAP_STEPS);
    TEST_EQ_U(xmap_count(m), want);
    uint32_t seen = 0;
    xmap_iter it = xmap_iter_begin(m);
    xmap_entry e;
    while (xmap_iter_next(&it, &e)) seen += xmap_get(m, *e.key) == e.value;
    TEST_EQ_U(seen, want);
}

static void check_set(const kind *k, unsigned char *p, size_t len)
{
    xset *m;
    TEST_STATUS(xset_attach(p, len, &m), OHM_OK);
    TEST_STATUS(xset_validate(p, len), OHM_OK);
    if (xset_attach(p, len, &m) != OHM_OK) return;
    TEST_EQ_U(xset_seed(m), k->seed);
    uint32_t want = 0, right = 0;
    for (uint32_t j = 0; j < SET_STEPS; j++) {
        bool in = xset_contains(m, set_key(j));
        want += set_present(j);
        right += in == set_present(j);
    }
    TEST_EQ_U(right, SET_STEPS);
    TEST_EQ_U(xset_count(m), want);
    uint32_t seen = 0;
    xset_iter it = xset_iter_begin(m);
    xset_entry e;
    while (xset_iter_next(&it, &e)) seen += xset_get_key(m, *e.key) == e.key;
    TEST_EQ_U(seen, want);
}

static void read_blocks(void)
{
    for (size_t i = 0; i < N_KINDS; i++) {
        const kind *k = &kinds[i];
        size_t len, size;
        if (!selected(k)) continue;
        printf("  read %s/%s.ohm: entries and bytes\n", dir, k->name);
        unsigned char *p = load(k, &len);
        if (p == NULL) continue;
        if (k->is_set) check_set(k, p, len);
        else check_map(k, p, len);
        /* The same operations here give the same bytes. */
        unsigned char *here = build(k, &size);
        TEST_EQ_U(len, size);
        TEST_CHECK(len == size && memcmp(p, here, size) == 0);
        free(here);
        free(p);
    }
}

static void refuse_with(ohm_status want, const char *what)
{
    for (size_t i = 0; i < N_KINDS; i++) {
        const kind *k = &kinds[i];
        size_t len;
        if (!selected(k)) continue;
        printf("  refuse %s/%s.ohm: %s\n", dir, k->name, what);
        unsigned char *p = load(k, &len);
        if (p == NULL) continue;
        if (k->is_set) {
            xset *m = (xset *)p;
            TEST_STATUS(xset_attach(p, len, &m), want);
            TEST_CHECK(m == NULL);
            TEST_STATUS(xset_validate(p, len), want);
        } else {
            xmap *m = (xmap *)p;
            TEST_STATUS(xmap_attach(p, len, &m), want);
            TEST_CHECK(m == NULL);
            TEST_STATUS(xmap_validate(p, len), want);
        }
        free(p);
    }
}
static void refuse_blocks(void) { refuse_with(OHM_BAD_ENDIAN, "OHM_BAD_ENDIAN"); }
static void mistyped_blocks(void) { refuse_with(OHM_BAD_TYPE, "OHM_BAD_TYPE"); }

static int usage(void)
{
    fprintf(stderr, "usage: blockio info | write DIR | read DIR [NAME...] | refuse DIR [NAME...]"
                    " | mistyped DIR [NAME...]\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "info") == 0) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        printf("%s big-endian\n", OHM__SIMD);
#else
        printf("%s little-endian\n", OHM__SIMD);
#endif
        return 0;
    }
    if (argc < 3) return usage();
    dir = argv[2];
    names = argv + 3;
    n_names = argc - 3;
    for (int i = 0; i < n_names; i++) {
        bool known = false;
        for (size_t j = 0; j < N_KINDS; j++) known = known || strcmp(names[i], kinds[j].name) == 0;
        if (!known) {
            fprintf(stderr, "blockio: no block named %s\n", names[i]);
            return 2;
        }
    }
    if (strcmp(argv[1], "write") == 0 && n_names == 0) RUN(write_blocks);
    else if (strcmp(argv[1], "read") == 0) RUN(read_blocks);
    else if (strcmp(argv[1], "refuse") == 0) RUN(refuse_blocks);
    else if (strcmp(argv[1], "mistyped") == 0) RUN(mistyped_blocks);
    else return usage();
    return test_finish();
}
