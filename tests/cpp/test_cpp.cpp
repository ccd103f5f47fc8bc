// test_cpp.cpp - the headers as C++ (17 and 20, g++ and clang++): the
// README example, a map, a set, an adapted lookup and a seeded map, with
// the same generated names as in C. Prints "N passed, N failed".
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "ohm.h"

#define OHM_NAME imap // the README's map
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#include "ohm_map.h"

#define OHM_NAME wset // a set of 64-bit keys
#define OHM_KEY int64_t
#include "ohm_map.h"

// Strings kept in an arena beside the map; the set stores their offsets
// and is looked up by (pointer, length) probes.
struct arena {
    char bytes[4096];
    uint32_t used;
};
static arena names;
struct str_probe {
    const char *s;
    size_t n;
};
#define OHM_NAME sset
#define OHM_KEY uint32_t
#define OHM_HASH_EX(m, k, seed) ohm_hash_str(names.bytes + (k), (seed))
#define OHM_EQ(a, b) (std::strcmp(names.bytes + (a), names.bytes + (b)) == 0)
#include "ohm_map.h"

// A class key with operator== (no OHM_EQ needed in C++).
struct point {
    int32_t x, y;
    bool operator==(const point &o) const { return x == o.x && y == o.y; }
};
#define OHM_NAME pmap
#define OHM_KEY point
#define OHM_VALUE double
#define OHM_HASH(k) ohm_hash_u64((uint64_t)(uint32_t)(k).x << 32 | (uint32_t)(k).y, 0)
#include "ohm_map.h"

static int passed, failed;
#define CHECK(c)                                                                 \
    do {                                                                         \
        if (c) {                                                                 \
            passed++;                                                            \
        } else {                                                                 \
            failed++;                                                            \
            std::fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);    \
        }                                                                        \
    } while (0)

template <typename T> static T *block(size_t align, size_t size)
{
    return static_cast<T *>(std::aligned_alloc(align, (size + align - 1) / align * align));
}

static bool probe_eq(const void *probe, const uint32_t *key, void *)
{
    const str_probe *p = static_cast<const str_probe *>(probe);
    return std::strlen(names.bytes + *key) == p->n && std::memcmp(names.bytes + *key, p->s, p->n) == 0;
}

int main()
{
    // The README example: 1000 entries, copied, 144 found in the copy.
    ohm_layout l = imap_layout(1000);
    void *a = block<void>(imap_base_align(), l.total_size);
    imap *m = imap_init(a, l);
    for (uint32_t k = 0; k < 1000; k++) imap_put(m, k, k * k);
    void *b = block<void>(imap_base_align(), l.total_size);
    std::memcpy(b, a, imap_block_size(m));
    std::free(a);
    imap *copy = static_cast<imap *>(b);
    CHECK(*imap_get(copy, 12) == 144);
    CHECK(imap_count(copy) == 1000 && imap_check(copy) == OHM_OK);
    CHECK(imap_remove(copy, 12) && !imap_contains(copy, 12));
    imap_kv old;
    CHECK(imap_fetch_put(copy, 13, 1, &old) == OHM_FOUND && old.value == 169);
    // A batch of puts: one present key overwritten, one new; an iterator
    // from a found entry gives what a whole iteration gives after it.
    const uint32_t bk[2] = {14, 5000}, bv[2] = {7, 8};
    CHECK(imap_put_many(copy, bk, bv, 2) == 2 && *imap_get(copy, 14) == 7 && *imap_get(copy, 5000) == 8);
    imap_iter whole = imap_iter_begin(copy);
    imap_entry we, ae;
    while (imap_iter_next(&whole, &we) && *we.key != 5000) {}
    imap_iter from = imap_iter_at(copy, imap_get_entry(copy, 5000));
    bool same = true;
    while (imap_iter_next(&whole, &we)) same = same && imap_iter_next(&from, &ae) && ae.key == we.key;
    CHECK(same && !imap_iter_next(&from, &ae));
    std::free(b);

    // A seeded set: another seed, another placement; the same answers.
    ohm_layout ls = wset_layout(500);
    void *sb = block<void>(wset_base_align(), ls.total_size);
    wset *s = wset_init_seeded(sb, ls, 0x1234567);
    for (int64_t k = -250; k < 250; k++) CHECK(wset_put(s, k * 1000003) == OHM_OK);
    CHECK(wset_seed(s) == 0x1234567 && wset_contains(s, -250 * 1000003) && !wset_contains(s, 1));
    CHECK(wset_validate(sb, ls.total_size) == OHM_OK);
    std::free(sb);

    // Adapted lookup of strings stored as arena offsets.
    ohm_layout la = sset_layout(16);
    void *ab = block<void>(sset_base_align(), la.total_size);
    sset *ss = sset_init_seeded(ab, la, 99);
    const char *words[] = {"alpha", "beta", "gamma", "delta"};
    for (const char *w : words) {
        str_probe p = {w, std::strlen(w)};
        sset_entry e;
        CHECK(sset_get_or_put_adapted(ss, ohm_hash_bytes(p.s, p.n, sset_seed(ss)), &p, probe_eq, nullptr, &e) ==
              OHM_OK);
        std::memcpy(names.bytes + names.used, w, p.n + 1);
        *e.key = names.used;
        names.used += static_cast<uint32_t>(p.n + 1);
    }
    std::string q = "gamma";
    str_probe p = {q.data(), q.size()};
    sset_entry e = sset_get_adapted(ss, ohm_hash_bytes(p.s, p.n, sset_seed(ss)), &p, probe_eq, nullptr);
    CHECK(e.key != nullptr && std::strcmp(names.bytes + *e.key, "gamma") == 0);
    CHECK(sset_check(ss) == OHM_OK);
    std::free(ab);

    // A class key.
    ohm_layout lp = pmap_layout(64);
    void *pb = block<void>(pmap_base_align(), lp.total_size);
    pmap *pm = pmap_init(pb, lp);
    for (int i = 0; i < 50; i++) pmap_put(pm, point{i, -i}, i * 0.5);
    CHECK(pmap_get(pm, point{7, -7}) && *pmap_get(pm, point{7, -7}) == 3.5);
    CHECK(!pmap_contains(pm, point{7, 7}));
    std::free(pb);

    std::printf("%s: %d passed, %d failed\n", failed ? "FAILED" : "ok", passed, failed);
    return failed != 0;
}
