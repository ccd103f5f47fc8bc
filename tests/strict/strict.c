/* strict.c - a user's translation unit that instantiates several maps,
 * built with the strictest warnings a user is likely to turn on, plus
 * -Werror (make test-strict): as C11 with gcc and clang, and, through
 * strict.cpp, as C++17 and C++20 with g++ and clang++ (there also
 * -Wold-style-cast -Wzero-as-null-pointer-constant). Any warning from the
 * headers fails the build. The program itself is written in the common
 * subset of the two languages, its few narrowing conversions through
 * NARROW, so that it is as clean as the headers must be.
 *
 * The maps: integer keys and values; a struct key with OHM_EQ and
 * OHM_HASH; a set; a small-key set; strings in an arena looked up by
 * OHM_HASH_EX and the adapted calls; one declared (OHM_DECLARE) and then
 * defined (OHM_DEFINE) with debug checks, no interleaving, a maximum load
 * and a type tag. The core is compiled here too (OHM_IMPLEMENTATION), as a
 * header-only user compiles it. Each map does a few real operations,
 * checked. Prints "ok: N passed, N failed". */
#define OHM_IMPLEMENTATION
#include "ohm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
#define NARROW(T, x) static_cast<T>(x)
#else
#define NARROW(T, x) ((T)(x))
#endif

/* Integer keys and values, all defaults. */
#define OHM_NAME imap
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#include "ohm_map.h"

/* A struct key: its equality and hash. */
struct point {
    int32_t x, y;
};
static bool point_eq(struct point a, struct point b) { return a.x == b.x && a.y == b.y; }
static uint64_t point_hash(struct point p) { return ohm_hash_bytes(&p, sizeof p, 0); }
#define OHM_NAME pmap
#define OHM_KEY struct point
#define OHM_VALUE double
#define OHM_EQ(a, b) point_eq((a), (b))
#define OHM_HASH(k) point_hash(k)
#include "ohm_map.h"

/* A seeded set of 64-bit keys. */
#define OHM_NAME wset
#define OHM_KEY int64_t
#include "ohm_map.h"

/* A set of small keys: the default hash widens them. */
#define OHM_NAME cset
#define OHM_KEY int16_t
#include "ohm_map.h"

/* Strings kept in an arena beside the map; the map stores their offsets,
 * hashes them with the block's seed and is looked up by (pointer, length)
 * probes. */
static struct {
    char bytes[4096];
    uint32_t used;
} names;
struct str_probe {
    const char *s;
    size_t n;
};
#define OHM_NAME smap
#define OHM_KEY uint32_t
#define OHM_VALUE uint8_t
#define OHM_HASH_EX(m, k, seed) ohm_hash_str(names.bytes + (k), (seed))
#define OHM_EQ(a, b) (strcmp(names.bytes + (a), names.bytes + (b)) == 0)
#include "ohm_map.h"

static bool probe_eq(const void *probe, const uint32_t *key, void *ctx)
{
#ifdef __cplusplus
    const str_probe *p = static_cast<const str_probe *>(probe);
#else
    const struct str_probe *p = probe;
#endif
    (void)ctx;
    return strlen(names.bytes + *key) == p->n && memcmp(names.bytes + *key, p->s, p->n) == 0;
}

/* Declared as in a shared header, then defined as in its one file. */
#define OHM_NAME dmap
#define OHM_KEY uint64_t
#define OHM_VALUE uint16_t
#define OHM_MAX_LOAD 75
#define OHM_TYPE_TAG 0x5eed
#define OHM_INTERLEAVE 0
#define OHM_DECLARE
#include "ohm_map.h"

#define OHM_NAME dmap
#define OHM_KEY uint64_t
#define OHM_VALUE uint16_t
#define OHM_MAX_LOAD 75
#define OHM_TYPE_TAG 0x5eed
#define OHM_INTERLEAVE 0
#define OHM_DEBUG_CHECKS
#define OHM_DEFINE
#include "ohm_map.h"

static int passed, failed;
#define CHECK(c)                                                              \
    do {                                                                      \
        if (c) {                                                              \
            passed++;                                                         \
        } else {                                                              \
            failed++;                                                         \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);      \
        }                                                                     \
    } while (0)

static bool odd_value(dmap_entry e, void *ctx)
{
    (void)ctx;
    return *e.value % 2 == 1;
}

int main(void)
{
    /* Integer keys: the README's example, copied and grown. */
    ohm_layout l = imap_layout(1000);
    void *a = aligned_alloc(imap_base_align(), l.total_size);
    imap *m = imap_init(a, l);
    for (uint32_t k = 0; k < 1000; k++) CHECK(imap_put(m, k, k * k) == OHM_OK);
    CHECK(imap_put(m, 12, 144) == OHM_FOUND);
    void *b = aligned_alloc(imap_base_align(), l.total_size);
    memcpy(b, a, imap_block_size(m));
    free(a);
    imap *copy = imap_at(b, 0);
    CHECK(imap_get(copy, 12) && *imap_get(copy, 12) == 144);
    CHECK(imap_validate(b, l.total_size) == OHM_OK);
    imap_kv old;
    CHECK(imap_fetch_put(copy, 13, 1, &old) == OHM_FOUND && old.value == 169);
    CHECK(imap_remove(copy, 12) && !imap_contains(copy, 12));
    ohm_layout lg = imap_layout_grown(copy);
    void *g = aligned_alloc(imap_base_align(), lg.total_size);
    imap *grown = imap_init_like(g, lg, copy);
    CHECK(imap_rehash(copy, grown) == OHM_OK && imap_count(grown) == 999);
    uint32_t sum = 0;
    imap_iter it = imap_iter_begin(grown);
    imap_entry e;
    while (imap_iter_next(&it, &e)) sum += *e.key;
    CHECK(sum == 999u * 1000u / 2u - 12u);
    free(b);
    free(g);

    /* A struct key. */
    ohm_layout lp = pmap_layout(64);
    void *pb = aligned_alloc(pmap_base_align(), lp.total_size);
    pmap *pm = pmap_init(pb, lp);
    for (int32_t i = 0; i < 50; i++) {
        struct point p = {i, -i};
        CHECK(pmap_put(pm, p, i * 0.5) == OHM_OK);
    }
    struct point seven = {7, -7}, absent = {7, 7};
    CHECK(pmap_get(pm, seven) && *pmap_get(pm, seven) == 3.5);
    CHECK(!pmap_contains(pm, absent));
    CHECK(pmap_check(pm) == OHM_OK);
    free(pb);

    /* A seeded set. */
    ohm_layout ls = wset_layout(500);
    void *sb = aligned_alloc(wset_base_align(), ls.total_size);
    wset *s = wset_init_seeded(sb, ls, 0x1234567);
    for (int64_t k = -250; k < 250; k++) CHECK(wset_put(s, k * 1000003) == OHM_OK);
    CHECK(wset_seed(s) == 0x1234567 && wset_contains(s, -250 * 1000003) && !wset_contains(s, 1));
    CHECK(wset_validate(sb, ls.total_size) == OHM_OK);
    const wset *cs;
    CHECK(wset_attach_const(sb, ls.total_size, &cs) == OHM_OK && wset_count(cs) == 500);
    free(sb);

    /* Small keys. */
    ohm_layout lc = cset_layout(300);
    void *cb = aligned_alloc(cset_base_align(), lc.total_size);
    cset *c = cset_init(cb, lc);
    for (int16_t k = -150; k < 150; k++) CHECK(cset_put(c, k) == OHM_OK);
    CHECK(cset_contains(c, -150) && !cset_contains(c, 150) && cset_count(c) == 300);
    int16_t probes[3] = {-1, 0, 200};
    cset_entry found[3];
    cset_get_many(c, probes, 3, found);
    CHECK(found[0].key && *found[0].key == -1 && found[1].key && !found[2].key);
    CHECK(cset_put_many(c, probes, 3) == 3 && cset_contains(c, 200)); /* two present, one new */
    free(cb);

    /* Strings by offset, found and added by (pointer, length) probes. */
    ohm_layout la = smap_layout(16);
    void *ab = aligned_alloc(smap_base_align(), la.total_size);
    smap *sm = smap_init_seeded(ab, la, 99);
    const char *words[] = {"alpha", "beta", "gamma", "delta"};
    for (uint8_t i = 0; i < 4; i++) {
        struct str_probe p = {words[i], strlen(words[i])};
        smap_entry se;
        CHECK(smap_get_or_put_adapted(sm, ohm_hash_bytes(p.s, p.n, smap_seed(sm)), &p, probe_eq, &names, &se) ==
              OHM_OK);
        memcpy(names.bytes + names.used, p.s, p.n + 1);
        *se.key = names.used;
        *se.value = i;
        names.used += NARROW(uint32_t, p.n) + 1;
    }
    struct str_probe q = {"gammas", 5};
    smap_entry se = smap_get_adapted(sm, ohm_hash_bytes(q.s, q.n, smap_seed(sm)), &q, probe_eq, &names);
    CHECK(se.key && strcmp(names.bytes + *se.key, "gamma") == 0 && *se.value == 2);
    CHECK(smap_get(sm, 0) && *smap_get(sm, 0) == 0); /* "alpha", by its offset */
    CHECK(smap_remove_adapted(sm, ohm_hash_bytes(q.s, q.n, smap_seed(sm)), &q, probe_eq, &names));
    CHECK(smap_count(sm) == 3 && smap_check(sm) == OHM_OK);
    free(ab);

    /* The declared-then-defined map, its debug checks on. */
    ohm_layout ld = dmap_layout(2000);
    void *db = aligned_alloc(dmap_base_align(), ld.total_size);
    dmap *dm;
    CHECK(dmap_init_checked(db, ld, 7, 0, &dm) == OHM_OK && dmap_max_load_percent(dm) == 75);
    for (uint16_t v = 0; v < 2000; v++) {
        uint64_t k = v;
        CHECK(dmap_put_new(dm, k << 40, v) == OHM_OK);
    }
    CHECK(dmap_remove_if(dm, odd_value, dm) == 1000 && dmap_count(dm) == 1000);
    uint64_t ten = 10;
    dmap_entry de = dmap_get_entry(dm, ten << 40);
    CHECK(de.key && *de.value == 10);
    dmap_iter di = dmap_iter_at(dm, de);
    CHECK(dmap_iter_remove(&di) && !dmap_contains(dm, ten << 40));
    const uint64_t bk[2] = {ten << 40, ten << 41};
    const uint16_t bv[2] = {1, 2};
    CHECK(dmap_put_many(dm, bk, bv, 2) == 2 && *dmap_get(dm, ten << 41) == 2);
    dmap_clear(dm);
    CHECK(dmap_count(dm) == 0 && dmap_validate(db, ld.total_size) == OHM_OK);
    free(db);

    printf("%s: %d passed, %d failed\n", failed ? "FAILED" : "ok", passed, failed);
    return failed != 0;
}
